/* Concentration profile summary R (Hong & Sadahiro 2014), as pysal ConProf:
 * thresholds g_k = k/(m-1), k = 0..m-1 (m = thresholds parameter, 1000),
 * v(g) = sum_{i: p_i >= g} x_i / X, and
 * R = (P - (sum_{g_k < P} v(g_k) - sum_{g_k >= P} v(g_k)) / m) / (1 - P).
 * Instead of m passes over the units (pysal: O(n m)), the units with
 * members are sorted by p_i once and the ascending thresholds walk down the
 * sorted list with suffix sums: O(n log n + m). The thresholds are formed
 * as numpy.linspace does (k * (1/(m-1)), last exactly 1) so that a share
 * equal to a threshold lands on the same side as in pysal. */
#include "measures/single/single_util.h"

ig_status ig__m_concentration_profile(const ig__min *in, double *value)
{
    ig__single s;
    ig_status st = ig__single_setup(in, "concentration_profile", 0, &s);
    if (st != IG_OK) return st;
    size_t m = 0;
    for (size_t i = 0; i < in->n; i++)
        if (in->x[i] > 0.0) m++;
    ig__vw *a = ig__alloc(in->ctx, 2 * m * sizeof *a);
    if (!a)
        return ig__error_set(in->err, IG_ERR_NOMEM, 0, 0,
                             "concentration_profile: out of memory");
    size_t k = 0;
    for (size_t i = 0; i < in->n; i++) {
        if (in->x[i] > 0.0) {
            a[k].v = in->x[i] / in->t[i];
            a[k].w = in->x[i];
            k++;
        }
    }
    ig__sort_vw(a, a + m, m);
    /* a[j].w becomes sum_{l >= j} x_l (compensated, from the top) */
    ig_ksum suf;
    ig_ksum_init(&suf);
    for (size_t j = m; j-- > 0;) {
        ig_ksum_add(&suf, a[j].w);
        a[j].w = ig_ksum_value(&suf);
    }
    int nt = in->p->n_thresholds;
    double step = 1.0 / (double)(nt - 1);
    ig_ksum below, above;
    ig_ksum_init(&below);
    ig_ksum_init(&above);
    size_t j = 0; /* first unit with p >= g */
    for (int q = 0; q < nt; q++) {
        double g = q == nt - 1 ? 1.0 : (double)q * step;
        while (j < m && a[j].v < g) j++;
        double v = j < m ? a[j].w / s.X : 0.0;
        ig_ksum_add(g < s.P ? &below : &above, v);
    }
    ig__free(in->ctx, a, 2 * m * sizeof *a);
    double inner = (ig_ksum_value(&below) - ig_ksum_value(&above)) / nt;
    *value = (s.P - inner) / (s.Y / s.T);
    return IG_OK;
}
