/* Multigroup Gini index G (Reardon & Firebaugh 2002):
 * G = sum_m sum_i sum_j t_i t_j |pi_im - pi_jm| / (2 T^2 I), as pysal
 * MultiGini but exact in O(K n log n): the double sum of each group is
 * ig__gini_pairsum (measures/util.c) on the unit shares weighted by the
 * unit populations, instead of pysal's n x n distance matrix; in a run the
 * runner computes it once per group for gini and multi_gini. Units with
 * t_i = 0 get weight 0. Undefined when T = 0 or fewer than 2 groups are
 * present. */
#include "measures/multi/multi_common.h"

ig_status ig__m_multi_gini(const ig__min *in, double *value)
{
    ig_status st = ig__multi_need_k2(in, "multi_gini");
    if (st != IG_OK) return st;
    ig_ksum k;
    ig_ksum_init(&k);
    for (size_t g = 0; g < in->n_groups; g++) {
        if (!(in->gsum[g] > 0.0)) continue;
        double s = 0.0;
        if (in->pairsum)
            s = in->pairsum[g];
        else if (ig__gini_pairsum(in, g, &s) != IG_OK)
            return ig__error_set(in->err, IG_ERR_NOMEM, 0, 0,
                                 "multi_gini: out of memory while sorting "
                                 "%zu unit shares",
                                 in->n);
        ig_ksum_add(&k, s);
    }
    double I = ig__multi_interaction(in);
    /* divide by T twice rather than by T^2, which may overflow */
    *value = ig_ksum_value(&k) / in->T / in->T / (2.0 * I);
    return IG_OK;
}
