/* Interaction (exposure) index xPy = sum_i (x_i/X)(y_i/t_i) (Bell 1954):
 * the share of the rest in the unit of an average member. Defined (= 0)
 * when the group is the whole population. Units with equal counts are
 * summed once (measures/count_tri.h). */
#include "measures/count_tri.h"
#include "measures/single/single_util.h"

static double term(const void *arg, double x, double t)
{
    const ig__single *s = arg;
    return t > 0.0 ? (x / s->X) * ((t - x) / t) : 0.0;
}

ig_status ig__m_exposure(const ig__min *in, double *value)
{
    ig__single s;
    ig_status st = ig__single_setup(in, "exposure", 1, &s);
    if (st != IG_OK) return st;
    ig_ksum k;
    ig_ksum_init(&k);
    if (ig__sum_units(in, in->group, term, &s, &k) != IG_OK)
        return ig__error_set(in->err, IG_ERR_NOMEM, 0, 0,
                             "exposure: out of memory");
    *value = ig_ksum_value(&k);
    return IG_OK;
}
