/* Share of the group in the population, P = X / T. Defined for an absent
 * group (0) and for the whole population (1); T = 0 is rejected by the
 * registry before this runs. */
#include "measures/single/single_util.h"

ig_status ig__m_share(const ig__min *in, double *value)
{
    if (!(in->T > 0.0))
        return ig__error_set(in->err, IG_ERR_NUMERIC, 0, 0,
                             "share: undefined: the place has no residents");
    double v = in->X / in->T;
    *value = v > 1.0 ? 1.0 : v;
    return IG_OK;
}
