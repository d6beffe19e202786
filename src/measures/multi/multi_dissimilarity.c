/* Multigroup dissimilarity D (Sakoda 1981; Reardon & Firebaugh 2002):
 * D = sum_m sum_i t_i |pi_im - pi_m| / (2 T I), as pysal MultiDissim.
 * Each term is evaluated as |x_im - t_i pi_m| (= t_i |pi_im - pi_m|), which
 * needs no division and gives units with t_i = 0 weight 0 on its own.
 * With two groups it equals the two-group dissimilarity of either group.
 * Undefined (IG_ERR_NUMERIC) when T = 0 or fewer than 2 groups are present. */
#include <math.h>

#include "measures/multi/multi_common.h"

ig_status ig__m_multi_dissimilarity(const ig__min *in, double *value)
{
    ig_status st = ig__multi_need_k2(in, "multi_dissimilarity");
    if (st != IG_OK) return st;
    ig_ksum k;
    ig_ksum_init(&k);
    for (size_t g = 0; g < in->n_groups; g++) {
        if (!(in->gsum[g] > 0.0)) continue;
        const double *x = in->counts[g];
        double pg = ig__multi_share(in, g);
        for (size_t i = 0; i < in->n; i++)
            ig_ksum_add(&k, fabs(x[i] - in->t[i] * pg));
    }
    double I = ig__multi_interaction(in);
    *value = ig_ksum_value(&k) / (2.0 * in->T * I);
    return IG_OK;
}
