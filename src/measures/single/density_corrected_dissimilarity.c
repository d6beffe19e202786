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
 * and so gives 0 there).
 * Speed: a unit's term depends on (x_i, t_i) only, and on census grids
 * most units share their counts with others (on the EU 1 km grid, 3.0 M of
 * the 5.7 M unit-group pairs need Newton's method, with 0.38 M distinct
 * (x, t) per place and group). Units with small whole counts are added up
 * first (measures/count_tri.h), one term per distinct (x, t); the Newton
 * solutions of the other units go into a small direct-mapped cache keyed
 * by the exact (x, t), so a hit returns the same bits as solving again. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "measures/count_tri.h"
#include "measures/single/single_util.h"

typedef struct memo_entry {
    double x, t, c;
} memo_entry;

/* Slot of (x, t) in a cache of 2^bits entries. */
static inline size_t memo_slot(double x, double t, unsigned bits)
{
    uint64_t a, b;
    memcpy(&a, &x, sizeof a);
    memcpy(&b, &t, sizeof b);
    uint64_t h = (a * UINT64_C(0x9E3779B97F4A7C15)) ^ b;
    h *= UINT64_C(0xC2B2AE3D27D4EB4F);
    return (size_t)(h >> (64 - bits));
}

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

typedef struct dc_state {
    double X, Y, rX, rY;
    memo_entry *memo; /* Newton solutions of units outside the unit memo */
    unsigned bits;
} dc_state;

/* s_i theta_i of a unit with x members among t residents (0 when
 * theta = 0). `cache`: look up / store the Newton solution in st->memo. */
static double unit_term(const dc_state *st, double x, double t, int cache)
{
    double g = x / st->X, o = (t - x) / st->Y;
    double gap = fabs(g - o);
    /* Units where the group and the rest have the same share, and units
     * whose standardised gap is at most 1, contribute 0; the shares keep
     * exact divisions (they decide those cases), the variance uses the
     * reciprocals. */
    if (gap == 0.0) return 0.0; /* theta = 0 (and s_i may be 0 too) */
    double var = g * (1.0 - g) * st->rX + o * (1.0 - o) * st->rY;
    if (gap * gap <= var) return 0.0; /* x' <= 1: theta = 0 */
    double sd = sqrt(var);
    if (!(sd > 0.0)) return gap; /* the limit of s_i theta_i */
    double xs = gap / sd;
    /* The root is x' (1 - 2 e^{-2 x'^2} + ...): for x'^2 > 20 the
     * correction 2 e^{-40} = 8e-18 is below half an ulp of 1, so
     * theta = x' in double precision: skip the Newton steps. */
    if (xs * xs > 20.0) return gap;
    if (xs <= 1.0) return 0.0;
    if (!cache) return sd * fold_mode(xs);
    memo_entry *e = &st->memo[memo_slot(x, t, st->bits)];
    if (e->x != x || e->t != t) {
        e->x = x;
        e->t = t;
        e->c = sd * fold_mode(xs);
    }
    return e->c;
}

ig_status ig__m_density_corrected_dissimilarity(const ig__min *in,
                                                double *value)
{
    const char *name = "density_corrected_dissimilarity";
    ig__single s;
    ig_status st = ig__single_setup(in, name, 0, &s);
    if (st != IG_OK) return st;
    dc_state d = {s.X, s.Y, 1.0 / s.X, 1.0 / s.Y, NULL, 6};
    /* about one cache slot per 16 units, 2^6 to 2^13 slots (192 KiB) */
    while (d.bits < 13 && ((size_t)1 << (d.bits + 4)) < in->n) d.bits++;
    size_t slots = (size_t)1 << d.bits;
    ig__bycounts own;
    const ig__bycounts *bc = NULL;
    d.memo = ig__alloc(in->ctx, slots * sizeof *d.memo);
    if (!d.memo || ig__bycounts_get(in, in->group, &own, &bc) != IG_OK) {
        ig__free(in->ctx, d.memo, slots * sizeof *d.memo);
        return ig__error_set(in->err, IG_ERR_NOMEM, 0, 0, "%s: out of memory",
                             name);
    }
    for (size_t q = 0; q < slots; q++) d.memo[q].x = -1.0; /* no count < 0 */
    ig_ksum k;
    ig_ksum_init(&k);
    size_t j = 0;
    double rx, rt;
    while (ig__rest_next(bc, in->x, in->t, &j, &rx, &rt)) {
        double v = unit_term(&d, rx, rt, 1);
        if (v != 0.0) ig_ksum_add(&k, v); /* adding 0 changes nothing */
    }
    size_t it = 0;
    double x, t, c;
    while (ig__pairs_next(bc, &it, &x, &t, &c)) {
        double v = unit_term(&d, x, t, 0);
        if (v != 0.0) ig_ksum_add(&k, c * v);
    }
    ig__bycounts_release(in, &own, bc);
    ig__free(in->ctx, d.memo, slots * sizeof *d.memo);
    *value = 0.5 * ig_ksum_value(&k);
    return IG_OK;
}
