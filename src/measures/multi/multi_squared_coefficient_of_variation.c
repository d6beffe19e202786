/* Multigroup squared coefficient of variation C (Reardon & Firebaugh 2002),
 * as pysal MultiSquaredCoefVar:
 * C = sum_m sum_i t_i (pi_im - pi_m)^2 / ((K - 1) T pi_m).
 * K counts only the groups present and absent groups are left out (pysal
 * counts every column and so returns NaN, 0/0, when a group is absent).
 * Undefined when T = 0 or fewer than 2 groups are present. */
#include "measures/multi/multi_common.h"

ig_status ig__m_multi_squared_coefficient_of_variation(const ig__min *in,
                                                       double *value)
{
    ig_status st = ig__multi_need_k2(in, "multi_squared_coefficient_of_variation");
    if (st != IG_OK) return st;
    ig_ksum k;
    ig_ksum_init(&k);
    for (size_t g = 0; g < in->n_groups; g++) {
        if (!(in->gsum[g] > 0.0)) continue;
        ig_ksum_add(&k, ig__multi_sqdev(in, g) / ig__multi_share(in, g));
    }
    double km1 = (double)(ig__multi_k(in) - 1);
    *value = ig_ksum_value(&k) / (km1 * in->T);
    return IG_OK;
}
