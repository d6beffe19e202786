/* Density-corrected dissimilarity (Allen, Burgess, Davidson & Windmeijer
 * 2015), following pysal DensityCorrectedDissim: with g_i = x_i/X,
 * o_i = y_i/Y, s_i = sqrt(g_i(1-g_i)/X + o_i(1-o_i)/Y) and the observed
 * standardised gap x_i' = |g_i - o_i| / s_i,
 *     D_dc = 1/2 sum_i s_i theta_i,
 * where theta_i maximises the folded-normal density
 * phi(x_i' - theta) + phi(x_i' + theta) over theta >= 0 (pysal finds it
 * with Nelder-Mead from 0, tolerance 1e-5; here it is solved exactly).
 * Setting the derivative to zero gives theta = x' tanh(x' theta): theta = 0
 * when x' <= 1, else the positive root, found by Newton's method from
 * theta = x' (the function theta - x' tanh(x' theta) is convex for
 * theta > 0, so the iterates fall monotonically onto the root).
 * Units with s_i = 0 (the unit holds all or none of both groups) get the
 * limit of s_i theta_i, which is |g_i - o_i| (pysal multiplies by s_i = 0
 * and so gives 0 there). */
#include <math.h>

#include "measures/single/single_util.h"

/* tanh(u) and sech^2(u) = 1 - tanh^2(u) for u >= 0. Above u = 0.55 both
 * come from one exp(-2u) (e < 1/3, so 1 - e and 1 + e lose nothing): about
 * a third of the cost of tanh, which is most of this measure's time. Below,
 * tanh keeps the relative accuracy of small u. */
static void tanh_sech2(double u, double *th, double *s2)
{
    if (u > 0.55) {
        double e = exp(-2.0 * u), d = 1.0 + e;
        *th = (1.0 - e) / d;
        *s2 = 4.0 * e / (d * d);
    } else {
        double t = tanh(u);
        *th = t;
        *s2 = 1.0 - t * t;
    }
}

/* Positive root of theta = x tanh(x theta) for x > 1. */
static double fold_mode(double x)
{
    double th = x;
    for (int it = 0; it < 200; it++) {
        double tx, s2;
        tanh_sech2(x * th, &tx, &s2);
        double f = th - x * tx;
        double d = 1.0 - x * x * s2;
        double step = f / d;
        if (!(step > 0.0)) break; /* at the root (to rounding) */
        th -= step;
        /* Newton converges quadratically from the right: once a step is
         * below 1e-8 theta the error left is below about 1e-16 theta, so
         * stop without paying for a confirming tanh. */
        if (step <= 1e-8 * th) break;
    }
    return th;
}

ig_status ig__m_density_corrected_dissimilarity(const ig__min *in,
                                                double *value)
{
    ig__single s;
    ig_status st =
        ig__single_setup(in, "density_corrected_dissimilarity", 0, &s);
    if (st != IG_OK) return st;
    ig_ksum k;
    ig_ksum_init(&k);
    /* Units where the group and the rest have the same share, and units
     * whose standardised gap is at most 1, contribute 0; the shares keep
     * exact divisions (they decide those cases), the variance uses the
     * reciprocals. */
    const double rX = 1.0 / s.X, rY = 1.0 / s.Y;
    for (size_t i = 0; i < in->n; i++) {
        double g = ig__share_x(in, &s, i), o = ig__share_y(in, &s, i);
        double gap = fabs(g - o);
        if (gap == 0.0) continue; /* theta = 0 (and s_i may be 0 too) */
        double var = g * (1.0 - g) * rX + o * (1.0 - o) * rY;
        if (gap * gap <= var) continue; /* x' <= 1: theta = 0 */
        double sd = sqrt(var);
        double c;
        if (!(sd > 0.0)) {
            ig_ksum_add(&k, gap); /* the limit of s_i theta_i */
            continue;
        }
        double xs = gap / sd;
        /* The root is x' (1 - 2 e^{-2 x'^2} + ...): for x'^2 > 20 the
         * correction 2 e^{-40} = 8e-18 is below half an ulp of 1, so
         * theta = x' in double precision: skip the Newton steps. */
        if (xs * xs > 20.0)
            c = gap; /* theta = x' to double precision */
        else if (xs <= 1.0)
            c = 0.0;
        else
            c = sd * fold_mode(xs);
        ig_ksum_add(&k, c);
    }
    *value = 0.5 * ig_ksum_value(&k);
    return IG_OK;
}
