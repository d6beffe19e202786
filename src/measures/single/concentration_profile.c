/* Concentration profile summary R (Hong & Sadahiro 2014), as pysal ConProf:
 * thresholds g_k = k/(m-1), k = 0..m-1 (m = thresholds parameter, 1000),
 * v(g) = sum_{i: p_i >= g} x_i / X, and
 * R = (P - (sum_{g_k < P} v(g_k) - sum_{g_k >= P} v(g_k)) / m) / (1 - P).
 * The thresholds are formed as numpy.linspace does (k * (1/(m-1)), last
 * exactly 1) so that a share equal to a threshold lands on the same side as
 * in pysal. Instead of m passes over the units (pysal: O(n m)), each unit
 * with members goes once into the bucket of the number of thresholds at or
 * below its share p_i (a compensated sum per bucket), and the v(g_k) are
 * the suffix sums of the buckets: O(n + m), no sort. With whole counts
 * (below 2^53) every sum is exact, so the result is the same bits as
 * summing over the sorted units. When m is much larger
 * than the number of units the buckets would cost more than sorting, so
 * then the units are sorted by p_i and the thresholds walk down the sorted
 * list: O(n log n + m). */
#include "measures/count_tri.h"
#include "measures/single/single_util.h"

/* Threshold k of m. */
static inline double threshold(size_t k, size_t m, double step)
{
    return k == m - 1 ? 1.0 : (double)k * step;
}

/* The bucket of share p: the number of thresholds at or below it. */
static inline size_t bucket(double p, size_t m, double step)
{
    double scale = (double)(m - 1), guess = p * scale;
    size_t k = guess >= scale ? m - 1 : (size_t)guess; /* then exactly: */
    while (k + 1 < m && threshold(k + 1, m, step) <= p) k++;
    while (k > 0 && threshold(k, m, step) > p) k--;
    return k + 1;
}

/* Sum of the v(g_k) below and at-or-above P, from the buckets. Units with
 * the same small whole counts are placed once (measures/count_tri.h). */
static ig_status by_buckets(const ig__min *in, const ig__single *s, size_t m,
                            double step, ig_ksum *below, ig_ksum *above)
{
    /* b[c]: units with exactly c thresholds at or below p, c = 1..m */
    ig_ksum *b = ig__calloc(in->ctx, m + 1, sizeof *b);
    ig__bycounts own;
    const ig__bycounts *bc = NULL;
    if (!b || ig__bycounts_get(in, in->group, &own, &bc) != IG_OK) {
        ig__free(in->ctx, b, (m + 1) * sizeof *b);
        return IG_ERR_NOMEM;
    }
    size_t j = 0;
    double rx, rt;
    while (ig__rest_next(bc, in->x, in->t, &j, &rx, &rt))
        if (rx > 0.0) ig_ksum_add(&b[bucket(rx / rt, m, step)], rx);
    size_t it = 0;
    double x, t, c;
    while (ig__pairs_next(bc, &it, &x, &t, &c))
        if (x > 0.0) ig_ksum_add(&b[bucket(x / t, m, step)], c * x);
    ig__bycounts_release(in, &own, bc);
    /* b[k + 1].s becomes v(g_k) = sum_{c > k} b[c] / X, from the top;
     * then the v(g_k) are added in ascending k, as by_sorting does */
    ig_ksum suf;
    ig_ksum_init(&suf);
    for (size_t k = m; k-- > 0;) {
        ig_ksum_merge(&suf, &b[k + 1]);
        b[k + 1].s = ig_ksum_value(&suf) / s->X;
    }
    for (size_t k = 0; k < m; k++)
        ig_ksum_add(threshold(k, m, step) < s->P ? below : above, b[k + 1].s);
    ig__free(in->ctx, b, (m + 1) * sizeof *b);
    return IG_OK;
}

/* The same sums from the units sorted by p. */
static ig_status by_sorting(const ig__min *in, const ig__single *s, size_t m,
                            double step, ig_ksum *below, ig_ksum *above)
{
    size_t n = 0;
    for (size_t i = 0; i < in->n; i++)
        if (in->x[i] > 0.0) n++;
    ig__vw *a = ig__alloc(in->ctx, (2 * n + 1) * sizeof *a);
    if (!a) return IG_ERR_NOMEM;
    size_t j = 0;
    for (size_t i = 0; i < in->n; i++) {
        if (in->x[i] > 0.0) {
            a[j].v = in->x[i] / in->t[i];
            a[j].w = in->x[i];
            j++;
        }
    }
    ig__sort_vw(a, a + n, n);
    /* a[j].w becomes sum_{l >= j} x_l (compensated, from the top) */
    ig_ksum suf;
    ig_ksum_init(&suf);
    for (j = n; j-- > 0;) {
        ig_ksum_add(&suf, a[j].w);
        a[j].w = ig_ksum_value(&suf);
    }
    j = 0; /* first unit with p >= g */
    for (size_t k = 0; k < m; k++) {
        double g = threshold(k, m, step);
        while (j < n && a[j].v < g) j++;
        double v = j < n ? a[j].w / s->X : 0.0;
        ig_ksum_add(g < s->P ? below : above, v);
    }
    ig__free(in->ctx, a, (2 * n + 1) * sizeof *a);
    return IG_OK;
}

ig_status ig__m_concentration_profile(const ig__min *in, double *value)
{
    ig__single s;
    ig_status st = ig__single_setup(in, "concentration_profile", 0, &s);
    if (st != IG_OK) return st;
    size_t m = (size_t)in->p->n_thresholds;
    double step = 1.0 / (double)(m - 1);
    ig_ksum below, above;
    ig_ksum_init(&below);
    ig_ksum_init(&above);
    st = m <= 4 * in->n + 4096 ? by_buckets(in, &s, m, step, &below, &above)
                               : by_sorting(in, &s, m, step, &below, &above);
    if (st != IG_OK)
        return ig__error_set(in->err, IG_ERR_NOMEM, 0, 0,
                             "concentration_profile: out of memory");
    double inner = (ig_ksum_value(&below) - ig_ksum_value(&above)) / (double)m;
    *value = (s.P - inner) / (s.Y / s.T);
    return IG_OK;
}
