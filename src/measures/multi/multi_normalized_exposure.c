/* Multigroup normalized exposure P (James 1986; Reardon & Firebaugh 2002),
 * exactly as pysal MultiNormExposure:
 * P = sum_m sum_i (t_i / T) (pi_im - pi_m)^2 / (1 - pi_m).
 * Groups with a zero total contribute nothing (their deviations are 0); a
 * group with pi_m = 1 means K = 1, which is rejected first.
 * Undefined when T = 0 or fewer than 2 groups are present. */
#include "measures/multi/multi_common.h"

ig_status ig__m_multi_normalized_exposure(const ig__min *in, double *value)
{
    ig_status st = ig__multi_need_k2(in, "multi_normalized_exposure");
    if (st != IG_OK) return st;
    ig_ksum k;
    ig_ksum_init(&k);
    for (size_t g = 0; g < in->n_groups; g++) {
        if (!(in->gsum[g] > 0.0)) continue;
        double pg = ig__multi_share(in, g);
        ig_ksum_add(&k, ig__multi_sqdev(in, g) / (1.0 - pg));
    }
    *value = ig_ksum_value(&k) / in->T;
    return IG_OK;
}
