/* Multigroup Gini index G (Reardon & Firebaugh 2002):
 * G = sum_m sum_i sum_j t_i t_j |pi_im - pi_jm| / (2 T^2 I), as pysal
 * MultiGini but exact in O(K n log n): the double sum of each group is
 * ig__pairwise_absdiff (measures/util.c) on the unit shares weighted by the
 * unit populations, instead of pysal's n x n distance matrix. Units with
 * t_i = 0 get weight 0. One scratch array of n shares is reused for every
 * group. Undefined when T = 0 or fewer than 2 groups are present. */
#include "measures/multi/multi_common.h"
#include "measures/single/single_util.h"

ig_status ig__m_multi_gini(const ig__min *in, double *value)
{
    ig_status st = ig__multi_need_k2(in, "multi_gini");
    if (st != IG_OK) return st;
    size_t n = in->n;
    if (in->sorted_pt) {
        ig_ksum k0;
        ig_ksum_init(&k0);
        for (size_t g = 0; g < in->n_groups; g++)
            if (in->gsum[g] > 0.0)
                ig_ksum_add(&k0, ig__absdiff_sorted(in->sorted_pt[g],
                                                    in->sorted_n[g]));
        *value = ig_ksum_value(&k0) / in->T / in->T /
                 (2.0 * ig__multi_interaction(in));
        return IG_OK;
    }
    double *v = ig__alloc(in->ctx, n * sizeof *v);
    if (!v)
        return ig__error_set(in->err, IG_ERR_NOMEM, 0, 0,
                             "multi_gini: out of memory for %zu unit shares", n);
    ig_ksum k;
    ig_ksum_init(&k);
    for (size_t g = 0; g < in->n_groups; g++) {
        if (!(in->gsum[g] > 0.0)) continue;
        const double *x = in->counts[g];
        for (size_t i = 0; i < n; i++)
            v[i] = in->t[i] > 0.0 ? x[i] / in->t[i] : 0.0;
        double s = 0.0;
        st = ig__pairwise_absdiff(in->ctx, v, in->t, n, &s);
        if (st != IG_OK) {
            ig__free(in->ctx, v, n * sizeof *v);
            return ig__error_set(in->err, st, 0, 0,
                                 "multi_gini: out of memory while sorting "
                                 "%zu unit shares", n);
        }
        ig_ksum_add(&k, s);
    }
    ig__free(in->ctx, v, n * sizeof *v);
    double I = ig__multi_interaction(in);
    /* divide by T twice rather than by T^2, which may overflow */
    *value = ig_ksum_value(&k) / in->T / in->T / (2.0 * I);
    return IG_OK;
}
