/* Largest location quotient max_i (x_i/t_i) / P over units with t_i > 0
 * (Isard 1960). Written as max_i (x_i/t_i) * (T/X) so it is 1 exactly when
 * the group is the whole population (that case is defined). */
#include "measures/single/single_util.h"

ig_status ig__m_location_quotient_max(const ig__min *in, double *value)
{
    ig__single s;
    ig_status st = ig__single_setup(in, "location_quotient_max", 1, &s);
    if (st != IG_OK) return st;
    double best = 0.0;
    for (size_t i = 0; i < in->n; i++) {
        if (!(in->t[i] > 0.0)) continue;
        double lq = (in->x[i] / in->t[i]) * (s.T / s.X);
        if (lq > best) best = lq;
    }
    *value = best;
    return IG_OK;
}
