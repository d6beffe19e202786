/* MinMax index MM = 1 - sum_i min(g_i, o_i) / sum_i max(g_i, o_i) with
 * g_i = x_i/X, o_i = y_i/Y (O'Sullivan & Wong 2007; pysal MinMax): one
 * minus the overlap of the two distributions over their union. Units with
 * equal counts are summed once (measures/count_tri.h). min and max are
 * written out: fmin/fmax would add their NaN cases (there are none here)
 * and a library call. */
#include "measures/count_tri.h"
#include "measures/single/single_util.h"

/* c times min and max of the unit's two shares into lo and hi */
static inline void add(const ig__single *s, double x, double t, double c,
                       ig_ksum *lo, ig_ksum *hi)
{
    double g = x / s->X, o = (t - x) / s->Y;
    int less = g < o;
    ig_ksum_add(lo, c * (less ? g : o));
    ig_ksum_add(hi, c * (less ? o : g));
}

ig_status ig__m_minmax(const ig__min *in, double *value)
{
    ig__single s;
    ig_status st = ig__single_setup(in, "minmax", 0, &s);
    if (st != IG_OK) return st;
    ig__bycounts own;
    const ig__bycounts *bc;
    if (ig__bycounts_get(in, in->group, &own, &bc) != IG_OK)
        return ig__error_set(in->err, IG_ERR_NOMEM, 0, 0,
                             "minmax: out of memory");
    ig_ksum lo, hi;
    ig_ksum_init(&lo);
    ig_ksum_init(&hi);
    size_t j = 0;
    double rx, rt;
    while (ig__rest_next(bc, in->x, in->t, &j, &rx, &rt))
        add(&s, rx, rt, 1.0, &lo, &hi);
    size_t it = 0;
    double x, t, c;
    while (ig__pairs_next(bc, &it, &x, &t, &c)) add(&s, x, t, c, &lo, &hi);
    ig__bycounts_release(in, &own, bc);
    *value = 1.0 - ig_ksum_value(&lo) / ig_ksum_value(&hi);
    return IG_OK;
}
