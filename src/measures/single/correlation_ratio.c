/* Correlation ratio eta^2 = V = (xPx - P) / (1 - P) (Bell 1954; White
 * 1986): isolation net of what the group's share alone would give.
 * 1 - P is computed as Y / T. */
#include "measures/single/single_util.h"

ig_status ig__m_correlation_ratio(const ig__min *in, double *value)
{
    ig__single s;
    ig_status st = ig__single_setup(in, "correlation_ratio", 0, &s);
    if (st != IG_OK) return st;
    ig_ksum k;
    ig_ksum_init(&k);
    for (size_t i = 0; i < in->n; i++)
        if (in->t[i] > 0.0)
            ig_ksum_add(&k, (in->x[i] / s.X) * (in->x[i] / in->t[i]));
    *value = (ig_ksum_value(&k) - s.P) / (s.Y / s.T);
    return IG_OK;
}
