/* Index of dissimilarity D = 1/2 sum_i |x_i/X - y_i/Y| (Duncan & Duncan
 * 1955): the share of the group that would have to move for every unit to
 * have the place's composition. One compensated sum over the units, units
 * with equal counts once (measures/count_tri.h); y_i = t_i - x_i, so with a
 * total column the rest includes residents outside every group. */
#include <math.h>

#include "measures/count_tri.h"
#include "measures/single/single_util.h"

static double term(const void *arg, double x, double t)
{
    const ig__single *s = arg;
    return fabs(x / s->X - (t - x) / s->Y);
}

ig_status ig__m_dissimilarity(const ig__min *in, double *value)
{
    ig__single s;
    ig_status st = ig__single_setup(in, "dissimilarity", 0, &s);
    if (st != IG_OK) return st;
    ig_ksum k;
    ig_ksum_init(&k);
    if (ig__sum_units(in, in->group, term, &s, &k) != IG_OK)
        return ig__error_set(in->err, IG_ERR_NOMEM, 0, 0,
                             "dissimilarity: out of memory");
    *value = 0.5 * ig_ksum_value(&k);
    return IG_OK;
}
