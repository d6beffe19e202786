/* Gini segregation index G = sum_i sum_j t_i t_j |p_i - p_j| /
 * (2 T^2 P (1 - P)) (Massey & Denton 1988), exact in O(n log n): the units
 * are sorted by p (radix sort, measures/util.c) and the pair sum follows
 * from prefix sums without cancellation (ig__absdiff_sorted). T^2 P (1-P)
 * is written X Y, the same number without two divisions. Units with
 * t_i = 0 have weight zero and are left out. */
#include "measures/single/single_util.h"

ig_status ig__m_gini(const ig__min *in, double *value)
{
    ig__single s;
    ig_status st = ig__single_setup(in, "gini", 0, &s);
    if (st != IG_OK) return st;
    if (in->sorted_pt) {
        double S0 = ig__absdiff_sorted(in->sorted_pt[in->group],
                                       in->sorted_n[in->group]);
        *value = S0 / (2.0 * s.X * s.Y);
        return IG_OK;
    }
    size_t m = 0;
    for (size_t i = 0; i < in->n; i++)
        if (in->t[i] > 0.0) m++;
    ig__vw *a = ig__alloc(in->ctx, 2 * m * sizeof *a);
    if (!a)
        return ig__error_set(in->err, IG_ERR_NOMEM, 0, 0,
                             "gini: out of memory");
    size_t k = 0;
    for (size_t i = 0; i < in->n; i++) {
        if (in->t[i] > 0.0) {
            a[k].v = in->x[i] / in->t[i];
            a[k].w = in->t[i];
            k++;
        }
    }
    ig__sort_vw(a, a + m, m);
    double S = ig__absdiff_sorted(a, m);
    ig__free(in->ctx, a, 2 * m * sizeof *a);
    *value = S / (2.0 * s.X * s.Y);
    return IG_OK;
}
