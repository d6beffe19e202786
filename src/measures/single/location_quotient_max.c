/* Largest location quotient max_i (x_i/t_i) / P over units with t_i > 0
 * (Isard 1960). Written as max_i (x_i/t_i) * (T/X) so it is 1 exactly when
 * the group is the whole population (that case is defined). A maximum does
 * not depend on the order, so units with equal counts are looked at once
 * (measures/count_tri.h). */
#include "measures/count_tri.h"
#include "measures/single/single_util.h"

static inline double lq(const ig__single *s, double x, double t)
{
    return t > 0.0 ? (x / t) * (s->T / s->X) : 0.0;
}

ig_status ig__m_location_quotient_max(const ig__min *in, double *value)
{
    ig__single s;
    ig_status st = ig__single_setup(in, "location_quotient_max", 1, &s);
    if (st != IG_OK) return st;
    ig__bycounts own;
    const ig__bycounts *bc;
    if (ig__bycounts_get(in, in->group, &own, &bc) != IG_OK)
        return ig__error_set(in->err, IG_ERR_NOMEM, 0, 0,
                             "location_quotient_max: out of memory");
    double best = 0.0;
    size_t j = 0;
    double rx, rt;
    while (ig__rest_next(bc, in->x, in->t, &j, &rx, &rt)) {
        double v = lq(&s, rx, rt);
        if (v > best) best = v;
    }
    size_t it = 0;
    double x, t, c;
    while (ig__pairs_next(bc, &it, &x, &t, &c)) {
        double v = lq(&s, x, t);
        if (v > best) best = v;
    }
    ig__bycounts_release(in, &own, bc);
    *value = best;
    return IG_OK;
}
