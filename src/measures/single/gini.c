/* Gini segregation index G = sum_i sum_j t_i t_j |p_i - p_j| /
 * (2 T^2 P (1 - P)) (Massey & Denton 1988), exact in O(n log n): the pair
 * sum comes from ig__pairwise_absdiff (sort by p, prefix sums, no
 * cancellation). T^2 P (1 - P) is written X Y, which is the same number
 * without the two divisions. Units with t_i = 0 have weight zero. */
#include "measures/single/single_util.h"

ig_status ig__m_gini(const ig__min *in, double *value)
{
    ig__single s;
    ig_status st = ig__single_setup(in, "gini", 0, &s);
    if (st != IG_OK) return st;
    double *p = ig__calloc(in->ctx, in->n, sizeof *p);
    if (!p)
        return ig__error_set(in->err, IG_ERR_NOMEM, 0, 0,
                             "gini: out of memory");
    for (size_t i = 0; i < in->n; i++)
        p[i] = in->t[i] > 0.0 ? in->x[i] / in->t[i] : 0.0;
    double S = 0.0;
    st = ig__pairwise_absdiff(in->ctx, p, in->t, in->n, &S);
    ig__free(in->ctx, p, in->n * sizeof *p);
    if (st != IG_OK)
        return ig__error_set(in->err, st, 0, 0, "gini: out of memory");
    *value = S / (2.0 * s.X * s.Y);
    return IG_OK;
}
