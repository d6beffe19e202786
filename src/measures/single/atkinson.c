/* Atkinson index A = 1 - P/(1-P) |sum_i (1-p_i)^(1-b) p_i^b t_i / (P T)|
 * ^(1/(1-b)) (Atkinson 1970; Massey & Denton 1988; as pysal Atkinson), shape
 * b in (0, 1) (checked by the registry; default 0.5). P T is X, and 1 - p_i
 * is y_i / t_i. Units with t_i = 0 contribute 0 (pysal sets p_i = 0).
 * Units with equal counts are summed once (measures/count_tri.h). */
#include <math.h>

#include "measures/count_tri.h"
#include "measures/single/single_util.h"

/* The default shape: q^0.5 p^0.5 t = sqrt(x y), one correctly rounded
 * sqrt instead of two pow calls. */
static double term_half(const void *arg, double x, double t)
{
    (void)arg;
    return t > 0.0 ? sqrt(x * (t - x)) : 0.0;
}

static double term_b(const void *arg, double x, double t)
{
    double b = *(const double *)arg;
    if (!(t > 0.0)) return 0.0;
    double p = x / t, q = (t - x) / t;
    return pow(q, 1.0 - b) * pow(p, b) * t;
}

ig_status ig__m_atkinson(const ig__min *in, double *value)
{
    ig__single s;
    ig_status st = ig__single_setup(in, "atkinson", 0, &s);
    if (st != IG_OK) return st;
    double b = in->p->atkinson_b;
    ig_ksum k;
    ig_ksum_init(&k);
    st = b == 0.5 ? ig__sum_units(in, in->group, term_half, NULL, &k)
                  : ig__sum_units(in, in->group, term_b, &b, &k);
    if (st != IG_OK)
        return ig__error_set(in->err, IG_ERR_NOMEM, 0, 0,
                             "atkinson: out of memory");
    double inner = fabs(ig_ksum_value(&k) / s.X);
    *value = 1.0 - (s.X / s.Y) * pow(inner, 1.0 / (1.0 - b));
    return IG_OK;
}
