/* Index of dissimilarity D = 1/2 sum_i |x_i/X - y_i/Y| (Duncan & Duncan
 * 1955): the share of the group that would have to move for every unit to
 * have the place's composition. One compensated pass; y_i = t_i - x_i, so
 * with a total column the rest includes residents outside every group. */
#include <math.h>

#include "measures/single/single_util.h"

ig_status ig__m_dissimilarity(const ig__min *in, double *value)
{
    ig__single s;
    ig_status st = ig__single_setup(in, "dissimilarity", 0, &s);
    if (st != IG_OK) return st;
    ig_ksum k;
    ig_ksum_init(&k);
    for (size_t i = 0; i < in->n; i++)
        ig_ksum_add(&k, fabs(ig__share_x(in, &s, i) - ig__share_y(in, &s, i)));
    *value = 0.5 * ig_ksum_value(&k);
    return IG_OK;
}
