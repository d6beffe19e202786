/* MinMax index MM = 1 - sum_i min(g_i, o_i) / sum_i max(g_i, o_i) with
 * g_i = x_i/X, o_i = y_i/Y (O'Sullivan & Wong 2007; pysal MinMax): one
 * minus the overlap of the two distributions over their union. */
#include <math.h>

#include "measures/single/single_util.h"

ig_status ig__m_minmax(const ig__min *in, double *value)
{
    ig__single s;
    ig_status st = ig__single_setup(in, "minmax", 0, &s);
    if (st != IG_OK) return st;
    ig_ksum lo, hi;
    ig_ksum_init(&lo);
    ig_ksum_init(&hi);
    for (size_t i = 0; i < in->n; i++) {
        double g = ig__share_x(in, &s, i), o = ig__share_y(in, &s, i);
        ig_ksum_add(&lo, fmin(g, o));
        ig_ksum_add(&hi, fmax(g, o));
    }
    *value = 1.0 - ig_ksum_value(&lo) / ig_ksum_value(&hi);
    return IG_OK;
}
