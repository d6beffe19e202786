/* The sparse row index of the k-nearest-residents search (knn.h): the
 * populated cells sorted by row and column with per-row prefix sums, a
 * chunk table per row for O(1) column lookups, and the convex hull for the
 * farthest cell. Memory is O(cells), whatever the extent of the lattice:
 * a country with islands thousands of kilometres apart costs no more than
 * a compact one. Sorting is a stable LSD radix sort (O(n), input order
 * kept among equal keys), so the index, and with it every result, does not
 * depend on how the caller ordered the points beyond the order in which
 * parts of one cell are added. Prefix sums are compensated (ig_ksum) and
 * then rounded, so each one is within half an ulp of the exact sum. */
#include <stdint.h>
#include <string.h>

#include "core/assert.h"
#include "core/ksum.h"
#include "spatial/knn.h"

/* An array of n items that the caller fills completely (no zeroing: the
 * large arrays of a 4 M-cell index would be written twice). */
static void *alloc_n(ig_ctx *ctx, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) return NULL;
    return ig__alloc(ctx, n * size);
}

double ig__knn_point_pop(const ig_lattice *src, size_t i)
{
    if (src->total) return src->total[i];
    double s = 0.0;
    for (size_t g = 0; g < src->n_groups; g++) s += src->counts[g][i];
    return s;
}

ig_status ig__knn_radix_sort(ig_ctx *ctx, size_t n, uint64_t *key,
                             uint32_t *idx)
{
    if (n < 2) return IG_OK;
    uint64_t *k2 = alloc_n(ctx, n, sizeof *k2);
    uint32_t *i2 = alloc_n(ctx, n, sizeof *i2);
    size_t *cnt = ig__calloc(ctx, 65536, sizeof *cnt);
    if (!k2 || !i2 || !cnt) {
        ig__free(ctx, k2, n * sizeof *k2);
        ig__free(ctx, i2, n * sizeof *i2);
        ig__free(ctx, cnt, 65536 * sizeof *cnt);
        return IG_ERR_NOMEM;
    }
    uint64_t *ka = key, *kb = k2;
    uint32_t *ia = idx, *ib = i2;
    for (unsigned shift = 0; shift < 64; shift += 16) {
        memset(cnt, 0, 65536 * sizeof *cnt);
        for (size_t i = 0; i < n; i++) cnt[(ka[i] >> shift) & 0xffffu]++;
        if (cnt[(ka[0] >> shift) & 0xffffu] == n) continue;
        size_t run = 0;
        for (size_t d = 0; d < 65536; d++) {
            size_t c = cnt[d];
            cnt[d] = run;
            run += c;
        }
        for (size_t i = 0; i < n; i++) {
            size_t at = cnt[(ka[i] >> shift) & 0xffffu]++;
            kb[at] = ka[i];
            ib[at] = ia[i];
        }
        uint64_t *kt = ka;
        ka = kb;
        kb = kt;
        uint32_t *it = ia;
        ia = ib;
        ib = it;
    }
    if (ka != key) {
        memcpy(key, ka, n * sizeof *key);
        memcpy(idx, ia, n * sizeof *idx);
    }
    ig__free(ctx, k2, n * sizeof *k2);
    ig__free(ctx, i2, n * sizeof *i2);
    ig__free(ctx, cnt, 65536 * sizeof *cnt);
    return IG_OK;
}

void ig__knn_index_free(ig_ctx *ctx, ig__knn_index *x)
{
    size_t n = x->n, nr = x->nr, na = x->na;
    ig__free(ctx, x->rowv, nr * sizeof *x->rowv);
    ig__free(ctx, x->rstart, (nr + 1) * sizeof *x->rstart);
    ig__free(ctx, x->col, n * sizeof *x->col);
    ig__free(ctx, x->val, n * na * sizeof *x->val);
    ig__free(ctx, x->pre, (n + nr) * na * sizeof *x->pre);
    ig__free(ctx, x->chunk, (x->coff ? x->coff[nr] : 0) * sizeof *x->chunk);
    ig__free(ctx, x->coff, (nr + 1) * sizeof *x->coff);
    ig__free(ctx, x->csh, (nr + 1) * sizeof *x->csh);
    ig__free(ctx, x->sum, na * sizeof *x->sum);
    ig__free(ctx, x->hull, 2 * x->nh * sizeof *x->hull);
    memset(x, 0, sizeof *x);
}

/* Cross product (a - o) x (b - o) of lattice positions (row, column). */
static int64_t cross(const int64_t *o, const int64_t *a, const int64_t *b)
{
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

/* Andrew's monotone chain over the first and last cell of each row, which
 * are already in (row, column) order; the hull of those is the hull of
 * every cell, since each cell lies between its row's ends. */
static ig_status build_hull(ig_ctx *ctx, ig__knn_index *x)
{
    size_t m = 0, cap = 2 * (size_t)x->nr;
    int64_t *p = ig__calloc(ctx, 2 * cap, sizeof *p);
    size_t hcap = 2 * cap + 1; /* the chains may hold 2 m points */
    int64_t *h = ig__calloc(ctx, 2 * hcap, sizeof *h);
    if (!p || !h) {
        ig__free(ctx, p, 2 * cap * sizeof *p);
        ig__free(ctx, h, 2 * hcap * sizeof *h);
        return IG_ERR_NOMEM;
    }
    for (uint32_t r = 0; r < x->nr; r++) {
        uint32_t s = x->rstart[r], e = x->rstart[r + 1];
        p[2 * m] = x->rowv[r];
        p[2 * m + 1] = x->col[s];
        m++;
        if (e - 1 > s) {
            p[2 * m] = x->rowv[r];
            p[2 * m + 1] = x->col[e - 1];
            m++;
        }
    }
    size_t k = 0;
    if (m < 3) {
        memcpy(h, p, 2 * m * sizeof *h);
        k = m;
    } else {
        for (size_t i = 0; i < m; i++) { /* lower chain */
            while (k >= 2 && cross(h + 2 * (k - 2), h + 2 * (k - 1),
                                   p + 2 * i) <= 0)
                k--;
            h[2 * k] = p[2 * i];
            h[2 * k + 1] = p[2 * i + 1];
            k++;
        }
        size_t lower = k + 1;
        for (size_t i = m - 1; i-- > 0;) { /* upper chain */
            while (k >= lower && cross(h + 2 * (k - 2), h + 2 * (k - 1),
                                       p + 2 * i) <= 0)
                k--;
            h[2 * k] = p[2 * i];
            h[2 * k + 1] = p[2 * i + 1];
            k++;
        }
        k--; /* the first vertex closes the chain */
    }
    ig__free(ctx, p, 2 * cap * sizeof *p);
    /* keep the hull at its own size */
    int64_t *hh = ig__calloc(ctx, 2 * (k ? k : 1), sizeof *hh);
    if (!hh) {
        ig__free(ctx, h, 2 * hcap * sizeof *h);
        return IG_ERR_NOMEM;
    }
    memcpy(hh, h, 2 * k * sizeof *hh);
    ig__free(ctx, h, 2 * hcap * sizeof *h);
    x->hull = hh;
    x->nh = k ? k : 1;
    if (NEVER(k == 0)) { /* n > 0 cells always leave a vertex */
        hh[0] = x->rowv[0];
        hh[1] = x->col[0];
    }
    return IG_OK;
}

int64_t ig__knn_farthest(const ig__knn_index *x, int64_t r0, int64_t c0)
{
    int64_t best = 0;
    if (x->n == 0) return 0;
    for (size_t v = 0; v < x->nh; v++) {
        int64_t dy = x->hull[2 * v] - r0, dx = x->hull[2 * v + 1] - c0;
        int64_t d = dy * dy + dx * dx;
        if (d > best) best = d;
    }
    return best;
}

/* Chunk tables: per row the smallest width 2^sh with at most 2 * len
 * chunks over the row's column span. */
static unsigned chunk_shift(uint64_t span, uint64_t len)
{
    unsigned sh = 0;
    while ((span >> sh) + 1 > 2 * len) sh++;
    return sh;
}

static ig_status build_chunks(ig_ctx *ctx, ig__knn_index *x)
{
    x->coff = ig__calloc(ctx, (size_t)x->nr + 1, sizeof *x->coff);
    x->csh = ig__calloc(ctx, (size_t)x->nr + 1, sizeof *x->csh);
    if (!x->coff || !x->csh) return IG_ERR_NOMEM;
    size_t total = 0;
    for (uint32_t r = 0; r < x->nr; r++) {
        uint32_t s = x->rstart[r], e = x->rstart[r + 1];
        uint64_t span = (uint64_t)((int64_t)x->col[e - 1] - x->col[s]);
        unsigned sh = chunk_shift(span, e - s);
        x->csh[r] = (uint8_t)sh;
        x->coff[r] = total;
        total += (size_t)(span >> sh) + 2; /* chunks and an end mark */
    }
    x->coff[x->nr] = total;
    x->chunk = alloc_n(ctx, total ? total : 1, sizeof *x->chunk);
    if (!x->chunk) return IG_ERR_NOMEM;
    for (uint32_t r = 0; r < x->nr; r++) {
        uint32_t s = x->rstart[r], e = x->rstart[r + 1];
        int64_t c0 = x->col[s];
        unsigned sh = x->csh[r];
        uint32_t *ch = x->chunk + x->coff[r];
        size_t nch = x->coff[r + 1] - x->coff[r] - 1;
        uint32_t i = s;
        for (size_t b = 0; b < nch; b++) {
            int64_t first = c0 + ((int64_t)b << sh);
            while (i < e && x->col[i] < first) i++;
            ch[b] = i;
        }
        ch[nch] = e;
    }
    return IG_OK;
}

/* Rows per task of the prefix sums: the blocks, and with them the order in
 * which the totals are merged, do not depend on the thread count. */
#define KNN_ROWS_PER_TASK 256

typedef struct prefix_job {
    ig__knn_index *x;
    ig_ksum *bsum; /* na compensated sums per block of rows */
} prefix_job;

static ig_status prefix_rows(void *ud, size_t b)
{
    prefix_job *J = ud;
    ig__knn_index *x = J->x;
    size_t na = x->na;
    size_t r0 = b * KNN_ROWS_PER_TASK, r1 = r0 + KNN_ROWS_PER_TASK;
    if (r1 > x->nr) r1 = x->nr;
    ig_ksum *bs = J->bsum + b * na;
    for (size_t a = 0; a < na; a++) ig_ksum_init(&bs[a]);
    for (size_t r = r0; r < r1; r++) {
        size_t s = x->rstart[r], e = x->rstart[r + 1];
        for (size_t a = 0; a < na; a++) {
            ig_ksum run;
            ig_ksum_init(&run);
            x->pre[(s + r) * na + a] = 0.0;
            for (size_t i = s; i < e; i++) {
                ig_ksum_add(&run, x->val[i * na + a]);
                x->pre[(i + 1 + r) * na + a] = ig_ksum_value(&run);
            }
            ig_ksum_merge(&bs[a], &run);
        }
    }
    return IG_OK;
}

ig_status ig__knn_index_build(ig_ctx *ctx, const ig_lattice *src,
                              ig__knn_index *x, ig_error *err)
{
    memset(x, 0, sizeof *x);
    size_t na = src->n_groups + 1;
    x->na = na;
    x->sum = ig__calloc(ctx, na, sizeof *x->sum);
    if (!x->sum) goto nomem;

    /* populated points, sorted by cell */
    size_t m = 0;
    for (size_t i = 0; i < src->n; i++)
        if (ig__knn_point_pop(src, i) > 0.0) m++;
    if (m == 0) return IG_OK;
    uint64_t *key = alloc_n(ctx, m, sizeof *key);
    uint32_t *idx = alloc_n(ctx, m, sizeof *idx);
    if (!key || !idx) {
        ig__free(ctx, key, m * sizeof *key);
        ig__free(ctx, idx, m * sizeof *idx);
        goto nomem;
    }
    m = 0;
    for (size_t i = 0; i < src->n; i++) {
        if (!(ig__knn_point_pop(src, i) > 0.0)) continue;
        key[m] = ig__knn_key(src->row[i], src->col[i]);
        idx[m] = (uint32_t)i;
        m++;
    }
    ig_status st = IG_OK;
    int sorted = 1; /* grids come in cell order: then nothing to sort */
    for (size_t i = 1; i < m && sorted; i++)
        if (key[i] < key[i - 1]) sorted = 0;
    if (!sorted) st = ig__knn_radix_sort(ctx, m, key, idx);
    size_t n = 0, nr = 0;
    if (st == IG_OK) {
        for (size_t i = 0; i < m; i++) {
            if (i == 0 || key[i] != key[i - 1]) n++;
            if (i == 0 || key[i] >> 32 != key[i - 1] >> 32) nr++;
        }
        x->n = (uint32_t)n;
        x->nr = (uint32_t)nr;
        x->rowv = alloc_n(ctx, nr, sizeof *x->rowv);
        x->rstart = alloc_n(ctx, nr + 1, sizeof *x->rstart);
        x->col = alloc_n(ctx, n, sizeof *x->col);
        x->val = alloc_n(ctx, n * na, sizeof *x->val);
        x->pre = alloc_n(ctx, (n + nr) * na, sizeof *x->pre);
        if (!x->rowv || !x->rstart || !x->col || !x->val || !x->pre)
            st = IG_ERR_NOMEM;
    }
    if (st == IG_OK) {
        /* merge the parts of each cell, in input order */
        size_t c = 0, r = 0;
        for (size_t i = 0; i < m;) {
            size_t e = i + 1;
            while (e < m && key[e] == key[i]) e++;
            size_t p = idx[i];
            int32_t row = src->row[p];
            if (c == 0 || row != x->rowv[r - 1]) {
                x->rowv[r] = row;
                x->rstart[r] = (uint32_t)c;
                r++;
            }
            x->col[c] = src->col[p];
            double *v = x->val + c * na;
            for (size_t a = 0; a < na; a++) {
                ig_ksum s;
                ig_ksum_init(&s);
                for (size_t t = i; t < e; t++) {
                    size_t q = idx[t];
                    ig_ksum_add(&s, a == 0 ? ig__knn_point_pop(src, q)
                                           : src->counts[a - 1][q]);
                }
                v[a] = ig_ksum_value(&s);
            }
            c++;
            i = e;
        }
        x->rstart[nr] = (uint32_t)n;
    }
    ig__free(ctx, key, m * sizeof *key);
    ig__free(ctx, idx, m * sizeof *idx);
    if (st != IG_OK) goto fail;

    /* prefix sums per row (in parallel), totals, bounding box */
    {
        size_t nb = (nr + KNN_ROWS_PER_TASK - 1) / KNN_ROWS_PER_TASK;
        prefix_job J;
        J.x = x;
        J.bsum = ig__calloc(ctx, nb * na, sizeof *J.bsum);
        if (!J.bsum) goto nomem;
        st = ig__parallel_for(ctx, nb, prefix_rows, &J);
        for (size_t a = 0; a < na; a++) {
            ig_ksum t;
            ig_ksum_init(&t);
            for (size_t q = 0; q < nb; q++) ig_ksum_merge(&t, &J.bsum[q * na + a]);
            x->sum[a] = ig_ksum_value(&t);
        }
        ig__free(ctx, J.bsum, nb * na * sizeof *J.bsum);
        if (st != IG_OK) goto fail;
        x->rmin = x->rowv[0];
        x->rmax = x->rowv[nr - 1];
        x->cmin = x->col[0];
        x->cmax = x->col[0];
        for (uint32_t r = 0; r < nr; r++) {
            uint32_t rs = x->rstart[r], re = x->rstart[r + 1];
            if (x->col[rs] < x->cmin) x->cmin = x->col[rs];
            if (x->col[re - 1] > x->cmax) x->cmax = x->col[re - 1];
        }
    }
    st = build_chunks(ctx, x);
    if (st == IG_OK) st = build_hull(ctx, x);
    if (st != IG_OK) goto fail;
    return IG_OK;

nomem:
    st = IG_ERR_NOMEM;
fail:
    ig__knn_index_free(ctx, x);
    return ig__error_set(err, st, 0, 0,
                         "out of memory building the index of %zu lattice "
                         "points for the k nearest residents",
                         src->n);
}
