/* Theil's information theory index for one group against the rest,
 * H = sum_i t_i (E - E_i) / (E T) with the two-category entropies
 * E = -(P ln P + (1-P) ln(1-P)) and E_i likewise with p_i (0 ln 0 = 0).
 * 1 - p_i is taken as y_i / t_i rather than 1 - x_i / t_i so that a unit
 * almost all of the group keeps its precision.
 * Speed: E_i depends on (x_i, t_i) only, and census units are mostly
 * small whole numbers, so units with equal counts are added up first
 * (measures/count_tri.h): two logarithms per distinct (x, t), not per
 * unit. */
#include <math.h>

#include "measures/count_tri.h"
#include "measures/single/single_util.h"

static double xlnx(double v)
{
    return v > 0.0 ? v * log(v) : 0.0;
}

/* t_i (E - E_i) of a unit with x members among t residents (0 when
 * t = 0); arg: E. */
static double term(const void *arg, double x, double t)
{
    if (!(t > 0.0)) return 0.0;
    double E = *(const double *)arg;
    double Ei = -(xlnx(x / t) + xlnx((t - x) / t));
    return t * (E - Ei);
}

ig_status ig__m_entropy(const ig__min *in, double *value)
{
    ig__single s;
    ig_status st = ig__single_setup(in, "entropy", 0, &s);
    if (st != IG_OK) return st;
    double E = -(xlnx(s.X / s.T) + xlnx(s.Y / s.T));
    ig_ksum k;
    ig_ksum_init(&k);
    if (ig__sum_units(in, in->group, term, &E, &k) != IG_OK)
        return ig__error_set(in->err, IG_ERR_NOMEM, 0, 0,
                             "entropy: out of memory");
    *value = ig_ksum_value(&k) / (E * s.T);
    return IG_OK;
}
