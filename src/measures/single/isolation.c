/* Isolation index xPx = sum_i (x_i/X)(x_i/t_i) (Bell 1954): the group's
 * share in the unit of an average member. Defined (= 1) when the group is
 * the whole population; units with t_i = 0 have no members and are
 * skipped. Units with equal counts are summed once (measures/count_tri.h). */
#include "measures/count_tri.h"
#include "measures/single/single_util.h"

static double term(const void *arg, double x, double t)
{
    const ig__single *s = arg;
    return t > 0.0 ? (x / s->X) * (x / t) : 0.0;
}

ig_status ig__m_isolation(const ig__min *in, double *value)
{
    ig__single s;
    ig_status st = ig__single_setup(in, "isolation", 1, &s);
    if (st != IG_OK) return st;
    ig_ksum k;
    ig_ksum_init(&k);
    if (ig__sum_units(in, in->group, term, &s, &k) != IG_OK)
        return ig__error_set(in->err, IG_ERR_NOMEM, 0, 0,
                             "isolation: out of memory");
    *value = ig_ksum_value(&k);
    return IG_OK;
}
