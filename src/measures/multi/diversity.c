/* Diversity of the whole place: the entropy E = -sum_m pi_m ln pi_m (Theil
 * 1972; pysal MultiDiversity) and E / ln K (normalized). K counts only the
 * groups present (pysal divides by the log of the number of columns and
 * returns NaN when a column is absent). With fewer than 2 groups present
 * E = 0 by convention and the normalized form, 0 / ln 1, is undefined. */
#include <math.h>

#include "measures/multi/multi_common.h"

ig_status ig__m_multi_diversity(const ig__min *in, double *value)
{
    ig_status st = ig__multi_need_pop(in, "multi_diversity");
    if (st != IG_OK) return st;
    *value = ig__multi_k(in) < 2 ? 0.0 : ig__multi_entropy(in);
    return IG_OK;
}

ig_status ig__m_multi_diversity_normalized(const ig__min *in, double *value)
{
    ig_status st = ig__multi_need_k2(in, "multi_diversity_normalized");
    if (st != IG_OK) return st;
    *value = ig__multi_entropy(in) / log((double)ig__multi_k(in));
    return IG_OK;
}
