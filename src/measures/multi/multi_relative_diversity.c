/* Multigroup relative diversity R (Carlson 1992; Reardon & Firebaugh 2002),
 * as pysal MultiRelativeDiversity:
 * R = sum_m sum_i t_i (pi_im - pi_m)^2 / (T I).
 * Units with t_i = 0 have weight 0 (pysal would return NaN for them).
 * Undefined when T = 0 or fewer than 2 groups are present. */
#include "measures/multi/multi_common.h"

ig_status ig__m_multi_relative_diversity(const ig__min *in, double *value)
{
    ig_status st = ig__multi_need_k2(in, "multi_relative_diversity");
    if (st != IG_OK) return st;
    ig_ksum k;
    ig_ksum_init(&k);
    for (size_t g = 0; g < in->n_groups; g++)
        if (in->gsum[g] > 0.0) ig_ksum_add(&k, ig__multi_sqdev(in, g));
    double I = ig__multi_interaction(in);
    *value = ig_ksum_value(&k) / (in->T * I);
    return IG_OK;
}
