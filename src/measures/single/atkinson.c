/* Atkinson index A = 1 - P/(1-P) |sum_i (1-p_i)^(1-b) p_i^b t_i / (P T)|
 * ^(1/(1-b)) (Atkinson 1970; Massey & Denton 1988; as pysal Atkinson), shape
 * b in (0, 1) (checked by the registry; default 0.5). P T is X, and 1 - p_i
 * is y_i / t_i. Units with t_i = 0 contribute 0 (pysal sets p_i = 0). */
#include <math.h>

#include "measures/single/single_util.h"

ig_status ig__m_atkinson(const ig__min *in, double *value)
{
    ig__single s;
    ig_status st = ig__single_setup(in, "atkinson", 0, &s);
    if (st != IG_OK) return st;
    double b = in->p->atkinson_b;
    ig_ksum k;
    ig_ksum_init(&k);
    if (b == 0.5) {
        /* The default shape: q^0.5 p^0.5 t = sqrt(x y), one correctly
         * rounded sqrt instead of two pow calls. */
        for (size_t i = 0; i < in->n; i++) {
            double t = in->t[i];
            if (!(t > 0.0)) continue;
            ig_ksum_add(&k, sqrt(in->x[i] * (t - in->x[i])));
        }
    } else {
        for (size_t i = 0; i < in->n; i++) {
            double t = in->t[i];
            if (!(t > 0.0)) continue;
            double p = in->x[i] / t, q = (t - in->x[i]) / t;
            ig_ksum_add(&k, pow(q, 1.0 - b) * pow(p, b) * t);
        }
    }
    double inner = fabs(ig_ksum_value(&k) / s.X);
    *value = 1.0 - (s.X / s.Y) * pow(inner, 1.0 / (1.0 - b));
    return IG_OK;
}
