/* Interaction (exposure) index xPy = sum_i (x_i/X)(y_i/t_i) (Bell 1954):
 * the share of the rest in the unit of an average member. Defined (= 0)
 * when the group is the whole population. */
#include "measures/single/single_util.h"

ig_status ig__m_exposure(const ig__min *in, double *value)
{
    ig__single s;
    ig_status st = ig__single_setup(in, "exposure", 1, &s);
    if (st != IG_OK) return st;
    ig_ksum k;
    ig_ksum_init(&k);
    for (size_t i = 0; i < in->n; i++)
        if (in->t[i] > 0.0)
            ig_ksum_add(&k,
                        (in->x[i] / s.X) * ((in->t[i] - in->x[i]) / in->t[i]));
    *value = ig_ksum_value(&k);
    return IG_OK;
}
