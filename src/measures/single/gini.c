/* Gini segregation index G = sum_i sum_j t_i t_j |p_i - p_j| /
 * (2 T^2 P (1 - P)) (Massey & Denton 1988), exact in O(n log n): the units
 * are sorted by p (radix sort, measures/util.c) and the pair sum follows
 * from prefix sums without cancellation (ig__gini_pairsum). T^2 P (1-P)
 * is written X Y, the same number without two divisions. Units with
 * t_i = 0 have weight zero and are left out. In a run the pair sum comes
 * from the runner, which computes it once per group for gini and
 * multi_gini together. */
#include "measures/single/single_util.h"

ig_status ig__m_gini(const ig__min *in, double *value)
{
    ig__single s;
    ig_status st = ig__single_setup(in, "gini", 0, &s);
    if (st != IG_OK) return st;
    double S = 0.0;
    if (in->pairsum)
        S = in->pairsum[in->group];
    else if (ig__gini_pairsum(in, in->group, &S) != IG_OK)
        return ig__error_set(in->err, IG_ERR_NOMEM, 0, 0,
                             "gini: out of memory");
    *value = S / (2.0 * s.X * s.Y);
    return IG_OK;
}
