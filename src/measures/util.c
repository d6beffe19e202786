/* Sorting, Gini-type pair sums and the split of units by counts
 * (count_tri.h), shared by the measures.
 *
 * The pair sum S = sum_i sum_j w_i w_j |v_i - v_j| is done in O(n log n):
 * sort by v, then with D_k = sum_{j<k} w_j (v_k - v_j) we have the recursion
 * D_k = D_{k-1} + W_{<k} (v_k - v_{k-1}), where every term is >= 0, so there
 * is no cancellation (unlike the textbook v_k W_{<k} - A_{<k}); S = 2 sum
 * w_k D_k, all with compensated sums. Units with the same counts have the
 * same v: the Gini pair sum sorts one entry per distinct small (x, t), of
 * weight c t, and one per other unit. Sorting (v, w) pairs is an LSD radix
 * sort on the high 32 bits of an order-preserving integer key, each run of
 * equal high bits finished by comparison: exact order, about 4x faster than
 * quicksort at a million units, which matters for the simulated Gini. */
#include <stdint.h>
#include <string.h>

#include "measures/count_tri.h"
#include "measures/measure_impl.h"
#include "measures/single/single_util.h"

/* ---- comparison sorts (introsort), for doubles and for (v, w) pairs ---- */

#define IG_SMALL_SORT 16

#define IG_DEFINE_INTROSORT(NAME, TYPE, LESS)                           \
    static void NAME##_insertion(TYPE *a, size_t n)                     \
    {                                                                   \
        for (size_t i = 1; i < n; i++) {                                \
            TYPE x = a[i];                                              \
            size_t j = i;                                               \
            while (j > 0 && LESS(x, a[j - 1])) {                        \
                a[j] = a[j - 1];                                        \
                j--;                                                    \
            }                                                           \
            a[j] = x;                                                   \
        }                                                               \
    }                                                                   \
    static void NAME##_sift(TYPE *a, size_t root, size_t n)             \
    {                                                                   \
        TYPE x = a[root];                                               \
        for (;;) {                                                      \
            size_t c = 2 * root + 1;                                    \
            if (c >= n) break;                                          \
            if (c + 1 < n && LESS(a[c], a[c + 1])) c++;                 \
            if (!LESS(x, a[c])) break;                                  \
            a[root] = a[c];                                             \
            root = c;                                                   \
        }                                                               \
        a[root] = x;                                                    \
    }                                                                   \
    static void NAME##_heap(TYPE *a, size_t n)                          \
    {                                                                   \
        for (size_t i = n / 2; i-- > 0;) NAME##_sift(a, i, n);          \
        for (size_t i = n; i-- > 1;) {                                  \
            TYPE x = a[0];                                              \
            a[0] = a[i];                                                \
            a[i] = x;                                                   \
            NAME##_sift(a, 0, i);                                       \
        }                                                               \
    }                                                                   \
    static void NAME(TYPE *a, size_t n)                                 \
    {                                                                   \
        size_t depth = 0;                                               \
        for (size_t m = n; m > 1; m >>= 1) depth += 2;                  \
        while (n > IG_SMALL_SORT) {                                     \
            if (depth-- == 0) {                                         \
                NAME##_heap(a, n);                                      \
                return;                                                 \
            }                                                           \
            size_t mid = n / 2;                                         \
            TYPE t;                                                     \
            /* median of three into a[mid] */                           \
            if (LESS(a[mid], a[0])) {                                   \
                t = a[mid];                                             \
                a[mid] = a[0];                                          \
                a[0] = t;                                               \
            }                                                           \
            if (LESS(a[n - 1], a[mid])) {                               \
                t = a[mid];                                             \
                a[mid] = a[n - 1];                                      \
                a[n - 1] = t;                                           \
                if (LESS(a[mid], a[0])) {                               \
                    t = a[mid];                                         \
                    a[mid] = a[0];                                      \
                    a[0] = t;                                           \
                }                                                       \
            }                                                           \
            TYPE pv = a[mid];                                           \
            size_t i = 0, j = n - 1;                                    \
            for (;;) { /* Hoare partition */                            \
                while (LESS(a[i], pv)) i++;                             \
                while (LESS(pv, a[j])) j--;                             \
                if (i >= j) break;                                      \
                t = a[i];                                               \
                a[i] = a[j];                                            \
                a[j] = t;                                               \
                i++;                                                    \
                j--;                                                    \
            }                                                           \
            /* [0, j] <= pv <= [j+1, n); recurse on the smaller side */ \
            size_t nl = j + 1, nr = n - nl;                             \
            if (nl < nr) {                                              \
                NAME(a, nl);                                            \
                a += nl;                                                \
                n = nr;                                                 \
            } else {                                                    \
                NAME(a + nl, nr);                                       \
                n = nl;                                                 \
            }                                                           \
        }                                                               \
        NAME##_insertion(a, n);                                         \
    }

#define IG_LESS_D(x, y) ((x) < (y))
#define IG_LESS_VW(x, y) ((x).v < (y).v)
IG_DEFINE_INTROSORT(sort_d, double, IG_LESS_D)
IG_DEFINE_INTROSORT(sort_pairs, ig__vw, IG_LESS_VW)

void ig__sort_doubles(double *a, size_t n)
{
    sort_d(a, n);
}

/* ---- radix sort of (v, w) pairs ---------------------------------------- */

/* High 32 bits of a key whose unsigned order is the order of the doubles
 * (negative: all bits flipped; positive: sign bit set). -0 sorts before +0,
 * which changes nothing in |v_i - v_j|. */
static inline uint32_t key_hi(double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    u = (u >> 63) ? ~u : (u | UINT64_C(0x8000000000000000));
    return (uint32_t)(u >> 32);
}

#define IG_RADIX_BITS 11
#define IG_RADIX_SIZE (1u << IG_RADIX_BITS)
#define IG_RADIX_MIN 256 /* below this a comparison sort is faster */

void ig__sort_vw(ig__vw *a, ig__vw *tmp, size_t n)
{
    if (n < IG_RADIX_MIN) {
        sort_pairs(a, n);
        return;
    }
    static const unsigned shift[3] = {0, IG_RADIX_BITS, 2 * IG_RADIX_BITS};
    size_t hist[3][IG_RADIX_SIZE];
    memset(hist, 0, sizeof hist);
    for (size_t i = 0; i < n; i++) {
        uint32_t k = key_hi(a[i].v);
        hist[0][k & (IG_RADIX_SIZE - 1)]++;
        hist[1][(k >> shift[1]) & (IG_RADIX_SIZE - 1)]++;
        hist[2][k >> shift[2]]++;
    }
    ig__vw *src = a, *dst = tmp;
    for (int p = 0; p < 3; p++) {
        size_t *h = hist[p];
        /* a digit shared by every key: the pass would not move anything */
        int trivial = 0;
        for (size_t b = 0; b < IG_RADIX_SIZE; b++) {
            if (h[b] == n) trivial = 1;
            if (h[b] != 0) break;
        }
        if (trivial) continue;
        size_t sum = 0;
        for (size_t b = 0; b < IG_RADIX_SIZE; b++) {
            size_t c = h[b];
            h[b] = sum;
            sum += c;
        }
        unsigned sh = shift[p];
        for (size_t i = 0; i < n; i++) {
            uint32_t d = (key_hi(src[i].v) >> sh) & (IG_RADIX_SIZE - 1);
            dst[h[d]++] = src[i];
        }
        ig__vw *x = src;
        src = dst;
        dst = x;
    }
    if (src != a) memcpy(a, src, n * sizeof *a);
    /* finish runs of equal high bits (values within about 1e-6 relative) */
    size_t i = 0;
    while (i < n) {
        uint32_t k = key_hi(a[i].v);
        size_t j = i + 1;
        while (j < n && key_hi(a[j].v) == k) j++;
        if (j - i > 1) {
            /* often all equal (p = 0, p = 1/2, ...): skip if in order */
            size_t q = i + 1;
            while (q < j && !(a[q].v < a[q - 1].v)) q++;
            if (q < j) sort_pairs(a + i, j - i);
        }
        i = j;
    }
}

double ig__absdiff_sorted(const ig__vw *a, size_t n)
{
    ig_ksum W, D, S;
    ig_ksum_init(&W);
    ig_ksum_init(&D);
    ig_ksum_init(&S);
    for (size_t k = 0; k < n; k++) {
        if (k > 0) {
            double gap = a[k].v - a[k - 1].v;
            if (gap > 0.0) ig_ksum_add(&D, ig_ksum_value(&W) * gap);
        }
        ig_ksum_add(&S, a[k].w * ig_ksum_value(&D));
        ig_ksum_add(&W, a[k].w);
    }
    return 2.0 * ig_ksum_value(&S);
}

ig_status ig__bycounts_alloc(ig_ctx *ctx, size_t n, ig__bycounts *b)
{
    memset(b, 0, sizeof *b);
    b->n_rest = n;
    if (n > UINT32_MAX) return IG_OK; /* triangle off: every unit apart */
    if (ig__tri_init(ctx, &b->tri, n) != IG_OK) return IG_ERR_NOMEM;
    if (!b->tri.c) return IG_OK; /* n too small: off */
    b->rest = ig__alloc(ctx, n * sizeof *b->rest);
    if (!b->rest) {
        ig__tri_free(ctx, &b->tri);
        return IG_ERR_NOMEM;
    }
    b->cap = n;
    b->n_rest = 0;
    return IG_OK;
}

void ig__bycounts_fill(ig__bycounts *out, size_t ng, const double *const *x,
                       const double *t, size_t n)
{
    if (!ng || !out[0].tri.c) return; /* off for every group */
    /* unit by unit, the check of t shared by the groups; up to 8 groups at
     * a time with the pointers in locals (no reloads from out[]) */
    double tmax = (double)out[0].tri.tmax;
    for (size_t g0 = 0; g0 < ng; g0 += 8) {
        size_t m = ng - g0 < 8 ? ng - g0 : 8;
        const double *xg[8];
        uint32_t *cg[8];
        ig__xt *rg[8];
        size_t nr[8];
        for (size_t g = 0; g < m; g++) {
            xg[g] = x[g0 + g];
            cg[g] = out[g0 + g].tri.c;
            rg[g] = out[g0 + g].rest;
            nr[g] = out[g0 + g].n_rest;
        }
        for (size_t i = 0; i < n; i++) {
            size_t base;
            double ti = t[i];
            int whole = ig__split_t(ti, tmax, &base);
            for (size_t g = 0; g < m; g++) {
                double xi = xg[g][i];
                uint32_t *slot = ig__split_slot(cg[g], xi, whole, base, tmax);
                if (slot) {
                    (*slot)++; /* at most n <= UINT32_MAX */
                } else {
                    rg[g][nr[g]].x = xi;
                    rg[g][nr[g]].t = ti;
                    nr[g]++;
                }
            }
        }
        for (size_t g = 0; g < m; g++) out[g0 + g].n_rest = nr[g];
    }
}

ig_status ig__bycounts_build_all(ig_ctx *ctx, const double *const *x, size_t ng,
                                 const double *t, size_t n, ig__bycounts *out)
{
    for (size_t g = 0; g < ng; g++) {
        if (ig__bycounts_alloc(ctx, n, &out[g]) != IG_OK) {
            for (size_t h = 0; h < g; h++) ig__bycounts_free(ctx, &out[h]);
            return IG_ERR_NOMEM;
        }
    }
    ig__bycounts_fill(out, ng, x, t, n);
    for (size_t g = 0; g < ng; g++) {
        if (ig__bycounts_finish(ctx, &out[g]) != IG_OK) {
            for (size_t h = 0; h < ng; h++) ig__bycounts_free(ctx, &out[h]);
            return IG_ERR_NOMEM;
        }
    }
    return IG_OK;
}

ig_status ig__bycounts_build(ig_ctx *ctx, const double *x, const double *t,
                             size_t n, ig__bycounts *out)
{
    return ig__bycounts_build_all(ctx, &x, 1, t, n, out);
}

ig_status ig__bycounts_finish(ig_ctx *ctx, ig__bycounts *b)
{
    if (!b->tri.c) return IG_OK;
    size_t slots = ig__tri_slots(b->tri.tmax), m = 0;
    for (size_t q = 0; q < slots; q++) m += b->tri.c[q] != 0;
    b->pairs = ig__alloc(ctx, (m ? m : 1) * sizeof *b->pairs);
    if (!b->pairs) return IG_ERR_NOMEM;
    b->n_pairs = m;
    size_t k = 0;
    for (size_t t = 0; t < b->tri.tmax; t++) {
        const uint32_t *row = b->tri.c + t * (t + 1) / 2;
        for (size_t x = 0; x <= t; x++) {
            if (row[x]) {
                b->pairs[k].x = (uint16_t)x;
                b->pairs[k].t = (uint16_t)t;
                b->pairs[k].c = row[x];
                k++;
            }
        }
    }
    ig__tri_free(ctx, &b->tri);
    return IG_OK;
}

void ig__bycounts_free(ig_ctx *ctx, ig__bycounts *b)
{
    ig__tri_free(ctx, &b->tri);
    if (b->pairs)
        ig__free(ctx, b->pairs,
                 (b->n_pairs ? b->n_pairs : 1) * sizeof *b->pairs);
    b->pairs = NULL;
    b->n_pairs = 0;
    if (b->rest) ig__free(ctx, b->rest, b->cap * sizeof *b->rest);
    b->rest = NULL;
}

ig_status ig__gini_pairsum(const ig__min *in, size_t g, double *out)
{
    /* Units with the same small whole counts (x, t) are one entry of
     * weight c t (measures/count_tri.h); S is a sum over the distinct
     * shares, so this changes nothing but the work. */
    ig__bycounts own;
    const ig__bycounts *bc;
    if (ig__bycounts_get(in, g, &own, &bc) != IG_OK) return IG_ERR_NOMEM;
    const double *x = in->counts[g], *t = in->t;
    size_t cap = bc->n_rest + bc->n_pairs;
    ig__vw *a = ig__alloc(in->ctx, 2 * (cap ? cap : 1) * sizeof *a);
    if (!a) {
        ig__bycounts_release(in, &own, bc);
        return IG_ERR_NOMEM;
    }
    size_t m = 0;
    size_t j = 0;
    double rx, rt;
    while (ig__rest_next(bc, x, t, &j, &rx, &rt)) {
        if (rt > 0.0) {
            a[m].v = rx / rt;
            a[m].w = rt;
            m++;
        }
    }
    size_t it = 0;
    double xx, tt, c;
    while (ig__pairs_next(bc, &it, &xx, &tt, &c)) {
        if (tt > 0.0) {
            a[m].v = xx / tt;
            a[m].w = c * tt;
            m++;
        }
    }
    ig__bycounts_release(in, &own, bc);
    ig__sort_vw(a, a + m, m);
    *out = ig__absdiff_sorted(a, m);
    ig__free(in->ctx, a, 2 * (cap ? cap : 1) * sizeof *a);
    return IG_OK;
}

ig_status ig__pairwise_absdiff(ig_ctx *ctx, const double *v, const double *w,
                               size_t n, double *out)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (w[i] > 0.0) m++;
    if (m < 2) {
        *out = 0.0;
        return IG_OK;
    }
    ig__vw *buf = ig__alloc(ctx, 2 * m * sizeof *buf);
    if (!buf) return IG_ERR_NOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (w[i] > 0.0) {
            buf[k].v = v[i];
            buf[k].w = w[i];
            k++;
        }
    }
    ig__sort_vw(buf, buf + m, m);
    *out = ig__absdiff_sorted(buf, m);
    ig__free(ctx, buf, 2 * m * sizeof *buf);
    return IG_OK;
}

/* ---- stable argsort ------------------------------------------------------ */

/* idx holds the indices to order on entry (usually 0..n-1); bottom-up merge
 * sort on key[idx[.]], insertion-sorted runs of 16 first. Equal keys keep
 * their order in idx. */
ig_status ig__argsort(ig_ctx *ctx, const double *key, size_t *idx, size_t n)
{
    const size_t run = 16;
    for (size_t lo = 0; lo < n; lo += run) {
        size_t hi = lo + run < n ? lo + run : n;
        for (size_t i = lo + 1; i < hi; i++) {
            size_t x = idx[i];
            size_t j = i;
            while (j > lo && key[x] < key[idx[j - 1]]) {
                idx[j] = idx[j - 1];
                j--;
            }
            idx[j] = x;
        }
    }
    if (n <= run) return IG_OK;
    size_t *tmp = ig__calloc(ctx, n, sizeof *tmp);
    if (!tmp) return IG_ERR_NOMEM;
    size_t *src = idx, *dst = tmp;
    for (size_t width = run; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, o = lo;
            while (i < mid && j < hi) {
                if (key[src[j]] < key[src[i]])
                    dst[o++] = src[j++];
                else
                    dst[o++] = src[i++];
            }
            while (i < mid) dst[o++] = src[i++];
            while (j < hi) dst[o++] = src[j++];
        }
        size_t *x = src;
        src = dst;
        dst = x;
    }
    if (src != idx) memcpy(idx, src, n * sizeof *idx);
    ig__free(ctx, tmp, n * sizeof *tmp);
    return IG_OK;
}

/* ---- single-group setup ------------------------------------------------- */

double ig__single_rest(const double *t, const double *x, size_t n)
{
    ig_ksum y;
    ig_ksum_init(&y);
    for (size_t i = 0; i < n; i++) ig_ksum_add(&y, t[i] - x[i]);
    return ig_ksum_value(&y);
}

ig_status ig__single_setup(const ig__min *in, const char *name, int allow_whole,
                           ig__single *s)
{
    s->X = in->X;
    s->Y = in->has_Y ? in->Y : ig__single_rest(in->t, in->x, in->n);
    s->T = in->T;
    s->P = in->T > 0.0 ? in->X / in->T : 0.0;
    if (!(s->T > 0.0))
        return ig__error_set(in->err, IG_ERR_NUMERIC, 0, 0,
                             "%s: undefined: the place has no residents", name);
    if (!(s->X > 0.0))
        return ig__error_set(in->err, IG_ERR_NUMERIC, 0, 0,
                             "%s: undefined: the group has no residents in "
                             "this place",
                             name);
    if (!(s->Y > 0.0) && !allow_whole)
        return ig__error_set(in->err, IG_ERR_NUMERIC, 0, 0,
                             "%s: undefined: the group is the whole "
                             "population of this place (no one else to "
                             "compare with)",
                             name);
    return IG_OK;
}
