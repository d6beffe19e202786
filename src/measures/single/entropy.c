/* Theil's information theory index for one group against the rest,
 * H = sum_i t_i (E - E_i) / (E T) with the two-category entropies
 * E = -(P ln P + (1-P) ln(1-P)) and E_i likewise with p_i (0 ln 0 = 0).
 * 1 - p_i is taken as y_i / t_i rather than 1 - x_i / t_i so that a unit
 * almost all of the group keeps its precision. */
#include <math.h>

#include "measures/single/single_util.h"

static double xlnx(double v)
{
    return v > 0.0 ? v * log(v) : 0.0;
}

ig_status ig__m_entropy(const ig__min *in, double *value)
{
    ig__single s;
    ig_status st = ig__single_setup(in, "entropy", 0, &s);
    if (st != IG_OK) return st;
    double E = -(xlnx(s.X / s.T) + xlnx(s.Y / s.T));
    ig_ksum k;
    ig_ksum_init(&k);
    for (size_t i = 0; i < in->n; i++) {
        double t = in->t[i];
        if (!(t > 0.0)) continue;
        double Ei = -(xlnx(in->x[i] / t) + xlnx((t - in->x[i]) / t));
        ig_ksum_add(&k, t * (E - Ei));
    }
    *value = ig_ksum_value(&k) / (E * s.T);
    return IG_OK;
}
