/* Entropy-based multigroup segregation: the mutual information index
 * M = sum_i (t_i/T) sum_m pi_im ln(pi_im / pi_m) (Theil & Finizza 1971;
 * Mora & Ruiz-Castillo 2011; R segregation::mutual_total) and Theil's
 * information theory index H = M / E (Reardon & Firebaugh 2002; pysal
 * MultiInformationTheory). Natural logarithms. M is summed directly as a
 * divergence, not as E - sum (t_i/T) E_i, so that small M keep their
 * relative accuracy. Both are undefined when T = 0 or fewer than 2 groups
 * are present (then E = 0 and M = 0/0 in the normalised sense). */
#include "measures/multi/multi_common.h"

ig_status ig__m_mutual_information(const ig__min *in, double *value)
{
    ig_status st = ig__multi_need_k2(in, "mutual_information");
    if (st != IG_OK) return st;
    *value = ig__multi_mutual(in);
    return IG_OK;
}

ig_status ig__m_multi_information_theory(const ig__min *in, double *value)
{
    ig_status st = ig__multi_need_k2(in, "multi_information_theory");
    if (st != IG_OK) return st;
    double e = ig__multi_entropy(in);
    if (!(e > 0.0))
        return ig__error_set(in->err, IG_ERR_NUMERIC, 0, 0,
                             "multi_information_theory: the group entropy is "
                             "0 in this place; H is undefined");
    *value = ig__multi_mutual(in) / e;
    return IG_OK;
}
