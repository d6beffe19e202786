/* Simpson's (1949) concentration sum_m pi_m^2 (the chance that two random
 * residents, drawn with replacement, are in the same group) and interaction
 * sum_m pi_m (1 - pi_m) (in different groups), as pysal. Interaction is
 * summed in that form, not as 1 - concentration, to keep its relative
 * accuracy when one group dominates. With fewer than 2 groups present the
 * values are exactly 1 and 0. Undefined only when T = 0. */
#include "measures/multi/multi_common.h"

ig_status ig__m_simpsons_concentration(const ig__min *in, double *value)
{
    ig_status st = ig__multi_need_pop(in, "simpsons_concentration");
    if (st != IG_OK) return st;
    if (ig__multi_k(in) < 2) {
        *value = 1.0;
        return IG_OK;
    }
    ig_ksum k;
    ig_ksum_init(&k);
    for (size_t g = 0; g < in->n_groups; g++) {
        double p = ig__multi_share(in, g);
        ig_ksum_add(&k, p * p);
    }
    *value = ig_ksum_value(&k);
    return IG_OK;
}

ig_status ig__m_simpsons_interaction(const ig__min *in, double *value)
{
    ig_status st = ig__multi_need_pop(in, "simpsons_interaction");
    if (st != IG_OK) return st;
    *value = ig__multi_k(in) < 2 ? 0.0 : ig__multi_interaction(in);
    return IG_OK;
}
