/* Entropy-based multigroup segregation: the mutual information index
 * M = sum_i (t_i/T) sum_m pi_im ln(pi_im / pi_m) (Theil & Finizza 1971;
 * Mora & Ruiz-Castillo 2011; R segregation::mutual_total) and Theil's
 * information theory index H = M / E (Reardon & Firebaugh 2002; pysal
 * MultiInformationTheory). Natural logarithms. M is summed directly as a
 * divergence, not as E - sum (t_i/T) E_i, so that small M keep their
 * relative accuracy. Both are undefined when T = 0 or fewer than 2 groups
 * are present (then E = 0 and M = 0/0 in the normalised sense).
 * Speed: within a group a term depends on (x_im, t_i) only, so units
 * with equal small whole counts are added up first (measures/count_tri.h):
 * one logarithm per distinct (x, t), not per unit. */
#include "measures/count_tri.h"
#include "measures/multi/multi_common.h"

/* x ln(pi / pi_m) for a unit with x members of group m among t residents
 * (0 when x = 0), written as x ln(x / (t pi_m)) so that no share is formed
 * twice; arg: pi_m. */
static double term(const void *arg, double x, double t)
{
    double pm = *(const double *)arg;
    return x > 0.0 ? x * log(x / (t * pm)) : 0.0;
}

ig_status ig__multi_tm_sum(const ig__min *in, double *out)
{
    /* the runner's split units, or all groups split here in one pass */
    size_t ng = in->n_groups;
    ig__bycounts *own = NULL;
    const ig__bycounts *bc = in->bycounts;
    if (!bc) {
        own = ig__calloc(in->ctx, ng, sizeof *own);
        if (!own || ig__bycounts_build_all(in->ctx, in->counts, ng, in->t,
                                           in->n, own) != IG_OK) {
            ig__free(in->ctx, own, ng * sizeof *own);
            return IG_ERR_NOMEM;
        }
        bc = own;
    }
    ig_ksum k;
    ig_ksum_init(&k);
    for (size_t g = 0; g < ng; g++) {
        if (!(in->gsum[g] > 0.0)) continue;
        double pg = ig__multi_share(in, g);
        ig__sum_bycounts(&bc[g], in->counts[g], in->t, term, &pg, &k);
    }
    if (own) {
        for (size_t g = 0; g < ng; g++) ig__bycounts_free(in->ctx, &own[g]);
        ig__free(in->ctx, own, ng * sizeof *own);
    }
    *out = ig_ksum_value(&k);
    return IG_OK;
}

ig_status ig__m_mutual_information(const ig__min *in, double *value)
{
    ig_status st = ig__multi_need_k2(in, "mutual_information");
    if (st != IG_OK) return st;
    return ig__multi_mutual(in, "mutual_information", value);
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
    double m = 0.0;
    st = ig__multi_mutual(in, "multi_information_theory", &m);
    if (st != IG_OK) return st;
    *value = m / e;
    return IG_OK;
}
