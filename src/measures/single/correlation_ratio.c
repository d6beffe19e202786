/* Correlation ratio eta^2 = V = (xPx - P) / (1 - P) (Bell 1954; White
 * 1986): isolation net of what the group's share alone would give.
 * xPx comes from the isolation measure itself; 1 - P is computed as Y / T.
 * Unlike isolation, V is undefined when the group is the whole population
 * (0/0), so the setup here rejects that case first. */
#include "measures/single/single_util.h"

ig_status ig__m_correlation_ratio(const ig__min *in, double *value)
{
    ig__single s;
    ig_status st = ig__single_setup(in, "correlation_ratio", 0, &s);
    if (st != IG_OK) return st;
    double xpx = 0.0;
    st = ig__m_isolation(in, &xpx);
    if (st != IG_OK) return st;
    *value = (xpx - s.P) / (s.Y / s.T);
    return IG_OK;
}
