/* Focal sums on a lattice without densifying it: the driver.
 *
 * Points and targets are viewed in (row, column) order as rows of cells
 * (grids already come in that order; anything else is radix-sorted once).
 * Targets are cut into bands of T lattice rows, one task each. A band
 * first copies its points' values into one interleaved array (one
 * sequential pass over the inputs; for row runs, their running sums along
 * each row), then is swept left to right in chunks of T rows by CW
 * columns: a chunk starts at the leftmost target not yet done, so empty
 * stretches (sea, mountains) cost nothing. A chunk gets a dense plane over
 * its targets' bounding box plus a halo of R cells (ranks for row runs,
 * values or row sums otherwise); row runs, rectangles, direct or FFT
 * convolution (focal_sum.c, focal_fft.c) then write the band's results,
 * which go to the caller's arrays at the end of the band. Each task writes
 * only its own targets, and a chunk's result depends only on the data, so
 * every thread count gives the same bits. T grows with R (64 .. 512) so
 * the halo stays a small share of a plane. */
#include <stdint.h>
#include <string.h>

#include "core/ksum.h"
#include "spatial/focal.h"

/* ---- sorting and row views ----------------------------------------------- */

/* Cells in (row, column) order, grouped by row. */
typedef struct rows_view {
    size_t n, n_rows;
    int32_t *row;       /* owned: the distinct rows, ascending */
    size_t *start;      /* owned: n_rows + 1 offsets into col */
    const int32_t *col; /* columns in order: the input's or col_own */
    int32_t *col_own;
    size_t *perm; /* owned, or NULL for the identity: input index of each */
} rows_view;

/* Distinct rows of n cells in (row, column) order, or 0 when they are not
 * in that order: one pass. */
static size_t ordered_rows(const int32_t *row, const int32_t *col, size_t n)
{
    size_t rows = 1;
    for (size_t i = 1; i < n; i++) {
        if (row[i] == row[i - 1]) {
            if (col[i] < col[i - 1]) return 0;
        } else {
            if (row[i] < row[i - 1]) return 0;
            rows++;
        }
    }
    return rows;
}

/* Stable LSD radix sort of idx by key, 16-bit digits, bits significant
 * bits. key/idx are swapped with the scratch k2/i2 as it goes; the result
 * is left in *idx_io. */
static void radix_sort(uint64_t *key, uint64_t *k2, size_t *idx, size_t *i2,
                       size_t n, unsigned bits, size_t *cnt, size_t **idx_io)
{
    for (unsigned shift = 0; shift < bits; shift += 16) {
        memset(cnt, 0, 65536 * sizeof *cnt);
        for (size_t i = 0; i < n; i++) cnt[(key[i] >> shift) & 0xffffu]++;
        size_t s = 0;
        for (size_t d = 0; d < 65536; d++) {
            size_t c = cnt[d];
            cnt[d] = s;
            s += c;
        }
        for (size_t i = 0; i < n; i++) {
            size_t at = cnt[(key[i] >> shift) & 0xffffu]++;
            k2[at] = key[i];
            i2[at] = idx[i];
        }
        uint64_t *tk = key;
        key = k2;
        k2 = tk;
        size_t *ti = idx;
        idx = i2;
        i2 = ti;
    }
    *idx_io = idx;
}

/* perm: the input indices of the cells in (row, column) order. */
static ig_status sort_cells(ig_ctx *ctx, const int32_t *row, const int32_t *col,
                            size_t n, size_t **perm)
{
    int64_t r0 = row[0], c0 = col[0], c1 = col[0];
    for (size_t i = 1; i < n; i++) {
        r0 = row[i] < r0 ? row[i] : r0;
        c0 = col[i] < c0 ? col[i] : c0;
        c1 = col[i] > c1 ? col[i] : c1;
    }
    uint64_t nc = (uint64_t)(c1 - c0) + 1, top = 0;
    uint64_t *key = ig__alloc(ctx, 2 * n * sizeof *key);
    size_t *idx = ig__alloc(ctx, 2 * n * sizeof *idx);
    size_t *cnt = ig__alloc(ctx, 65536 * sizeof *cnt);
    size_t *out = ig__alloc(ctx, n * sizeof *out);
    ig_status st = IG_ERR_NOMEM;
    if (key && idx && cnt && out) {
        for (size_t i = 0; i < n; i++) {
            key[i] = (uint64_t)(row[i] - r0) * nc + (uint64_t)(col[i] - c0);
            idx[i] = i;
            top = key[i] > top ? key[i] : top;
        }
        unsigned bits = 0;
        while (bits < 64 && (top >> bits) != 0) bits++;
        size_t *res = idx;
        radix_sort(key, key + n, idx, idx + n, n, bits, cnt, &res);
        memcpy(out, res, n * sizeof *out);
        *perm = out;
        out = NULL;
        st = IG_OK;
    }
    ig__free(ctx, key, 2 * n * sizeof *key);
    ig__free(ctx, idx, 2 * n * sizeof *idx);
    ig__free(ctx, cnt, 65536 * sizeof *cnt);
    ig__free(ctx, out, n * sizeof *out);
    return st;
}

static void view_free(ig_ctx *ctx, rows_view *v)
{
    ig__free(ctx, v->row, v->n_rows * sizeof *v->row);
    ig__free(ctx, v->start, (v->n_rows + 1) * sizeof *v->start);
    ig__free(ctx, v->col_own, v->n * sizeof *v->col_own);
    ig__free(ctx, v->perm, v->n * sizeof *v->perm);
    memset(v, 0, sizeof *v);
}

/* The row view of n > 0 cells. */
static ig_status view_make(ig_ctx *ctx, const int32_t *row, const int32_t *col,
                           size_t n, rows_view *v)
{
    memset(v, 0, sizeof *v);
    v->n = n;
    v->col = col;
    size_t rows = ordered_rows(row, col, n);
    const size_t *p = NULL;
    if (rows == 0) {
        if (sort_cells(ctx, row, col, n, &v->perm) != IG_OK)
            return IG_ERR_NOMEM;
        v->col_own = ig__alloc(ctx, n * sizeof *v->col_own);
        if (!v->col_own) goto nomem;
        for (size_t i = 0; i < n; i++) v->col_own[i] = col[v->perm[i]];
        v->col = v->col_own;
        p = v->perm;
        rows = 1;
        for (size_t i = 1; i < n; i++) rows += row[p[i]] != row[p[i - 1]];
    }
    v->row = ig__alloc(ctx, rows * sizeof *v->row);
    v->start = ig__alloc(ctx, (rows + 1) * sizeof *v->start);
    if (!v->row || !v->start) {
        ig__free(ctx, v->row, rows * sizeof *v->row);
        ig__free(ctx, v->start, (rows + 1) * sizeof *v->start);
        v->row = NULL;
        v->start = NULL;
        goto nomem;
    }
    v->n_rows = rows;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int32_t r = p ? row[p[i]] : row[i];
        if (i == 0 || r != v->row[k - 1]) {
            v->row[k] = r;
            v->start[k++] = i;
        }
    }
    v->start[rows] = n;
    return IG_OK;
nomem:
    view_free(ctx, v);
    return IG_ERR_NOMEM;
}

/* First row index k of v with v->row[k] >= y. */
static size_t lower_row(const rows_view *v, int64_t y)
{
    size_t lo = 0, hi = v->n_rows;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v->row[mid] < y)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* ---- the job ------------------------------------------------------------- */

typedef enum chunk_method { M_RUNS, M_RECT, M_DIRECT, M_FFT } chunk_method;

typedef struct focal_job {
    ig_ctx *ctx;
    const ig__fkern *k;  /* sets the planes: the widest kernel */
    size_t n_k;          /* kernels summed over the same planes */
    const ig__fkern *ks; /* n_k kernels (k among them) */
    double *const *outs; /* n_k output arrays */
    size_t n_off;        /* room for offsets: the most any kernel needs */
    const ig__ffft *fft; /* NULL: no FFT */
    double fft_cost;     /* per chunk, in direct multiply-adds */
    ig__focal_method method;
    const rows_view *pts, *tgt;
    size_t A, L;              /* value arrays (groups + population); lanes
                                 (A rounded up to a multiple of 4) */
    const double *const *val; /* A arrays in point order: the groups, then
                                 the population (given, or the compensated
                                 sum of the groups) */
    int32_t T;                /* band height, and chunk width for the FFT */
    int32_t CW;               /* chunk width otherwise */
    int ranks; /* flat runs: row prefix sums per point and rank planes */
    size_t nt;
    size_t n_bands;
    size_t *band;               /* n_bands + 1 target row indices */
    size_t plane_cap, work_cap; /* doubles, multiples of 8 */
} focal_job;

/* A band task's scratch: one 64-byte aligned block for the planes, the FFT
 * work, a plane row, the band's point values and its results (both
 * interleaved, L lanes a cell), and the cursors and chunk target lists. */
typedef struct band_ws {
    void *block;
    size_t block_bytes;
    double *planes; /* L * plane_cap */
    double *work;   /* FFT scratch */
    double *acc;    /* one plane row */
    double *pv;     /* values of the band's points, from point i0; or, for
                       rank planes, their prefix sums along each row (E) */
    uint32_t *cnt;  /* a zero row of counts (rank planes) */
    double *res;    /* results of the band's targets, from target t0, for
                       each kernel (res_stride apart) */
    size_t res_stride;
    size_t i0, t0;
    void *lists; /* tr, tc, tl for every target of the band; off */
    size_t lists_bytes;
    int32_t *tr, *tc;
    size_t *tl, *tcur, *pcur;
    ptrdiff_t *off; /* plane offsets of runs or weights */
} band_ws;

static void ws_free(ig_ctx *ctx, band_ws *w)
{
    ig__free(ctx, w->block, w->block_bytes);
    ig__free(ctx, w->lists, w->lists_bytes);
}

static size_t round8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

static ig_status ws_make(const focal_job *J, size_t n_trows, size_t n_prows,
                         size_t n_pts, size_t n_tgts, band_ws *w)
{
    memset(w, 0, sizeof *w);
    size_t L = J->L, R = (size_t)J->k->R;
    size_t acc = round8(((size_t)J->CW + 2 * R + 8) * L);
    size_t pv = round8((n_pts + n_prows + 1) * L), res = round8(n_tgts * L);
    size_t doubles = L * J->plane_cap + J->work_cap + acc + pv + J->n_k * res;
    size_t n_off = J->n_off;
    w->block_bytes = doubles * sizeof(double) + 64;
    size_t cnt = (size_t)J->CW + 2 * R + 8;
    w->lists_bytes = n_tgts * (2 * sizeof(int32_t) + sizeof(size_t)) +
                     (n_trows + n_prows) * sizeof(size_t) +
                     n_off * sizeof(ptrdiff_t) + cnt * sizeof(uint32_t) + 64;
    w->block = ig__alloc(J->ctx, w->block_bytes);
    w->lists = ig__alloc(J->ctx, w->lists_bytes);
    if (!w->block || !w->lists) {
        ws_free(J->ctx, w);
        return IG_ERR_NOMEM;
    }
    w->planes = (double *)(((uintptr_t)w->block + 63u) & ~(uintptr_t)63u);
    w->work = w->planes + L * J->plane_cap;
    w->acc = w->work + J->work_cap;
    w->pv = w->acc + acc;
    w->res = w->pv + pv;
    w->res_stride = res;
    memset(w->acc, 0, acc * sizeof *w->acc); /* prefix_row() keeps it so */
    /* size_t and ptrdiff_t arrays first, then the int32 ones */
    w->tl = w->lists;
    w->tcur = w->tl + n_tgts;
    w->pcur = w->tcur + n_trows;
    w->off = (ptrdiff_t *)(void *)(w->pcur + n_prows);
    w->tr = (int32_t *)(void *)(w->off + n_off);
    w->tc = w->tr + n_tgts;
    w->cnt = (uint32_t *)(void *)(w->tc + n_tgts);
    memset(w->cnt, 0, cnt * sizeof *w->cnt);
    return IG_OK;
}

/* ---- one chunk ----------------------------------------------------------- */

/* A chunk's planes: how they are summed, and which lattice cells to fill. */
typedef struct chunk_geo {
    chunk_method how;
    int64_t fy0, fy1, fx0, fx1; /* cells to fill, inclusive */
} chunk_geo;

static chunk_method choose(const focal_job *J, size_t m)
{
    const ig__fkern *k = J->k;
    if (J->ranks) return M_RUNS;
    if (k->runs && J->method == IG__FOCAL_AUTO) return M_RECT;
    if (!J->fft || J->method == IG__FOCAL_DIRECT) return M_DIRECT;
    if (J->method == IG__FOCAL_FFT) return M_FFT;
    return (double)m * (double)k->nnz > J->fft_cost ? M_FFT : M_DIRECT;
}

/* Plane geometry of chunk c (targets set, columns cx0 .. cx1) starting at
 * band row by0: the targets' bounding box and a halo of R (runs and
 * rectangles also a column in front, rectangles a row on top), or for the
 * FFT the whole chunk square in the fixed plane size. */
static void chunk_layout(const focal_job *J, int64_t by0, int64_t cx0,
                         int64_t cx1, ig__fchunk *c, chunk_geo *g)
{
    int64_t R = J->k->R, ty0 = c->tr[0], ty1 = c->tr[c->m - 1];
    int64_t tx0 = cx0, tx1 = cx1;
    c->L = J->L;
    c->A = J->A;
    c->cap = J->plane_cap;
    g->how = choose(J, c->m);
    g->fy0 = ty0 - R;
    g->fy1 = ty1 + R;
    g->fx0 = tx0 - R;
    g->fx1 = tx1 + R;
    c->oy = ty0 - R;
    c->ox = tx0 - R;
    c->ph = (size_t)(ty1 - ty0 + 1 + 2 * R);
    c->pw = (size_t)(tx1 - tx0 + 1 + 2 * R);
    if (g->how == M_RUNS || g->how == M_RECT) {
        c->ox -= 1;
        c->pw += 1;
    }
    if (g->how == M_RECT) {
        c->oy -= 1;
        c->ph += 1;
    }
    if (g->how == M_FFT) {
        size_t work;
        ig__focal_fft_dims(J->fft, &c->ph, &c->pw, &work);
        c->oy = by0 - R;
        c->ox = cx0 - R;
        g->fy0 = by0 - R;
        g->fy1 = by0 + J->T - 1 + R;
        g->fx0 = cx0 - R;
        g->fx1 = cx0 + J->T - 1 + R;
    }
}

/* Four lanes as one object: storing it is two vector moves from registers
 * (a loop of unknown length would become a call to memcpy, and sums kept
 * in memory would stall on store forwarding). */
typedef struct lane4 {
    double v[4];
} lane4;

/* First index in [lo, hi) of the sorted columns col with col > x. The
 * halving is branch-free (a conditional move): the outcome of each step
 * is a coin toss that a branch would mispredict half the time. */
static size_t col_after(const int32_t *col, size_t lo, size_t hi, int64_t x)
{
    if (lo >= hi) return lo;
    size_t base = lo, n = hi - lo;
    while (n > 1) {
        size_t half = n / 2;
        base = col[base + half - 1] <= x ? base + half : base;
        n -= half;
    }
    return base + (col[base] <= x);
}

/* The points of row q (of p0 .. p0 + np) inside the fill window's columns:
 * [*i, *e), moving the row's cursor past columns left of the window (never
 * needed again: windows only move right). 0 when the row is outside. */
static int window_row(const focal_job *J, band_ws *w, size_t p0, size_t q,
                      const chunk_geo *g, size_t *i_out, size_t *e_out)
{
    const rows_view *P = J->pts;
    int64_t y = P->row[p0 + q];
    if (y < g->fy0 || y > g->fy1) return 0;
    size_t i = w->pcur[q], end = P->start[p0 + q + 1];
    while (i < end && P->col[i] < g->fx0) i++;
    w->pcur[q] = i;
    *i_out = i;
    *e_out = col_after(P->col, i, end, g->fx1);
    return 1;
}

/* Add the points of the fill window to the planes (element of cell e and
 * array a at e * ls + a * ps); returns how many. */
static size_t fill(const focal_job *J, band_ws *w, size_t p0, size_t np,
                   const ig__fchunk *c, const chunk_geo *g, size_t ls,
                   size_t ps)
{
    const rows_view *P = J->pts;
    size_t A = J->A, L = J->L, added = 0, i, e;
    for (size_t q = 0; q < np; q++) {
        if (!window_row(J, w, p0, q, g, &i, &e)) continue;
        size_t base = (size_t)(P->row[p0 + q] - c->oy) * c->pw;
        for (; i < e; i++, added++) {
            double *d = w->planes + (base + (size_t)(P->col[i] - c->ox)) * ls;
            const double *v = w->pv + (i - w->i0) * L;
            for (size_t a = 0; a < A; a++) d[a * ps] += v[a];
        }
    }
    return added;
}

/* Prefix sums along plane row prow from the points [i, e) of its lattice
 * row: the points are added into the scratch row w->acc (all zero on
 * entry and on exit), then one branch-free pass writes every plane cell
 * once with the running sums and clears the scratch behind it (a walk from
 * point to point filling the gaps mispredicts a branch at every point). */
static void prefix_row(const focal_job *J, band_ws *w, double *prow, size_t pw,
                       int64_t ox, size_t i, size_t e)
{
    const int32_t *col = J->pts->col;
    size_t L = J->L;
    double *s = w->acc;
    for (; i < e; i++) {
        double *d = s + (size_t)(col[i] - ox) * L;
        const double *v = w->pv + (i - w->i0) * L;
        for (size_t b = 0; b < L; b += 4)
            for (size_t q = 0; q < 4; q++) d[b + q] += v[b + q];
    }
    for (size_t b = 0; b < L; b += 4) {
        double r0 = 0.0, r1 = 0.0, r2 = 0.0, r3 = 0.0;
        double *q = s + b, *p = prow + b;
        for (size_t x = 0; x < pw; x++, q += L, p += L) {
            r0 += q[0];
            r1 += q[1];
            r2 += q[2];
            r3 += q[3];
            lane4 zero = {{0.0, 0.0, 0.0, 0.0}}, run = {{r0, r1, r2, r3}};
            *(lane4 *)(void *)q = zero;
            *(lane4 *)(void *)p = run;
        }
    }
}

/* Fill the interleaved plane with the prefix sums along each row of the
 * points in the fill window (rectangles), every plane cell written once;
 * returns the points added. */
static size_t fill_runs(const focal_job *J, band_ws *w, size_t p0, size_t np,
                        const ig__fchunk *c, const chunk_geo *g)
{
    const rows_view *P = J->pts;
    size_t L = J->L, rs = c->pw * L, added = 0, q = 0, i, e;
    for (size_t py = 0; py < c->ph; py++) {
        int64_t y = c->oy + (int64_t)py;
        double *prow = w->planes + py * rs;
        while (q < np && P->row[p0 + q] < y) q++;
        if (q == np || P->row[p0 + q] != y ||
            !window_row(J, w, p0, q, g, &i, &e)) {
            memset(prow, 0, rs * sizeof *prow);
            continue;
        }
        added += e - i;
        prefix_row(J, w, prow, c->pw, c->ox, i, e);
    }
    return added;
}

/* For rank planes: the prefix sums along each point row of the band,
 * interleaved: E[0] = 0 (for rows without points), then for row q of the
 * band a 0 followed by the running sums of its points, at rank_base(). */
static size_t rank_base(const rows_view *P, const band_ws *w, size_t p0,
                        size_t q)
{
    return 1 + (P->start[p0 + q] - w->i0) + q;
}

/* Lanes b .. b + 3 of point values: the value arrays, NULL for spare
 * lanes. */
static void lane_arrays(const focal_job *J, size_t b, const double *v[4])
{
    for (size_t q = 0; q < 4; q++) v[q] = b + q < J->A ? J->val[b + q] : NULL;
}

/* E of the band (see rank_base()), a block of four lanes at a time with
 * the running sums in registers. */
static void band_prefix(const focal_job *J, band_ws *w, size_t p0, size_t np)
{
    const rows_view *P = J->pts;
    size_t L = J->L;
    memset(w->pv, 0, L * sizeof *w->pv);
    for (size_t b = 0; b < L; b += 4) {
        const double *v[4];
        lane_arrays(J, b, v);
        int full = v[3] != NULL;
        for (size_t q = 0; q < np; q++) {
            double *d = w->pv + rank_base(P, w, p0, q) * L + b;
            double r0 = 0.0, r1 = 0.0, r2 = 0.0, r3 = 0.0;
            size_t i = P->start[p0 + q], end = P->start[p0 + q + 1];
            lane4 z = {{0.0, 0.0, 0.0, 0.0}};
            *(lane4 *)(void *)d = z;
            for (; i < end; i++) {
                d += L;
                if (full) {
                    r0 += v[0][i];
                    r1 += v[1][i];
                    r2 += v[2][i];
                    r3 += v[3][i];
                } else {
                    r0 += v[0] ? v[0][i] : 0.0;
                    r1 += v[1] ? v[1][i] : 0.0;
                    r2 += v[2] ? v[2][i] : 0.0;
                }
                lane4 run = {{r0, r1, r2, r3}};
                *(lane4 *)(void *)d = run;
            }
        }
    }
}

/* Rank plane: for each cell, the index in E of the prefix sum of the points
 * of its row at or left of it (0: a row without points). Counts are
 * scattered into a zero row and summed in one branch-free pass. */
static size_t fill_rank(const focal_job *J, band_ws *w, size_t p0, size_t np,
                        const ig__fchunk *c, const chunk_geo *g)
{
    const rows_view *P = J->pts;
    uint32_t *rank = (uint32_t *)(void *)w->planes, *cnt = w->cnt;
    size_t added = 0, q = 0, i, e;
    for (size_t py = 0; py < c->ph; py++) {
        int64_t y = c->oy + (int64_t)py;
        uint32_t *row = rank + py * c->pw;
        while (q < np && P->row[p0 + q] < y) q++;
        if (q == np || P->row[p0 + q] != y ||
            !window_row(J, w, p0, q, g, &i, &e)) {
            memset(row, 0, c->pw * sizeof *row);
            continue;
        }
        added += e - i;
        for (size_t k = i; k < e; k++) cnt[P->col[k] - c->ox]++;
        uint32_t run =
            (uint32_t)(rank_base(P, w, p0, q) + (i - P->start[p0 + q]));
        for (size_t x = 0; x < c->pw; x++) {
            run += cnt[x];
            cnt[x] = 0;
            row[x] = run;
        }
    }
    return added;
}

static void chunk_run(const focal_job *J, band_ws *w, size_t p0, size_t np,
                      int64_t by0, int64_t cx0, int64_t cx1, ig__fchunk *c)
{
    chunk_geo g;
    chunk_layout(J, by0, cx0, cx1, c, &g);
    size_t cells = c->ph * c->pw, added;
    if (g.how == M_FFT) {
        for (size_t a = 0; a < J->A; a++)
            memset(w->planes + a * J->plane_cap, 0, cells * sizeof(double));
        added = fill(J, w, p0, np, c, &g, 1, J->plane_cap);
    } else if (g.how == M_DIRECT) {
        memset(w->planes, 0, cells * J->L * sizeof(double));
        added = fill(J, w, p0, np, c, &g, J->L, 1);
    } else if (g.how == M_RUNS && J->ranks) {
        added = fill_rank(J, w, p0, np, c, &g);
    } else {
        added = fill_runs(J, w, p0, np, c, &g);
    }
    if (added == 0) { /* nothing within reach */
        for (size_t k = 0; k < J->n_k; k++)
            for (size_t i = 0; i < c->m; i++)
                memset(w->res + k * w->res_stride + c->tl[i] * c->L, 0,
                       c->L * sizeof(double));
        return;
    }
    switch (g.how) {
        case M_RUNS:
            for (size_t k = 0; k < J->n_k; k++) {
                const ig__fkern *kk = &J->ks[k];
                if (kk->R == 0 && J->n_k > 1) continue; /* band_cells() */
                ig__focal_runs_offsets(kk, c, w->off);
                size_t n_off = 0;
                for (int32_t r = 0; r <= 2 * kk->R; r++)
                    n_off += kk->lo[r] <= kk->hi[r] ? 2 : 0;
                c->res = w->res + k * w->res_stride;
                ig__focal_runs_eval(c,
                                    (const uint32_t *)(const void *)w->planes,
                                    w->pv, w->off, n_off);
            }
            break;
        case M_RECT:
            ig__focal_rect_prep(J->k, c, w->planes, w->acc);
            ig__focal_rect_eval(J->k, c, w->planes);
            break;
        case M_DIRECT:
            ig__focal_direct_offsets(J->k, c, w->off);
            ig__focal_direct_eval(J->k, c, w->planes, w->off);
            break;
        case M_FFT:
            ig__focal_fft_eval(J->fft, J->k, c, w->planes, w->work);
            break;
    }
}

/* ---- one band ------------------------------------------------------------ */

/* The targets of the chunk starting at column cx0 (all columns below
 * cx0 + CW of the band's rows t0 ..), in (row, column) order; returns how
 * many, and their largest column in *x1 (cx0 is their smallest). */
static size_t gather(const focal_job *J, band_ws *w, size_t t0, size_t nrows,
                     int64_t cx0, int64_t *x1)
{
    const rows_view *V = J->tgt;
    size_t m = 0;
    *x1 = cx0;
    for (size_t q = 0; q < nrows; q++) {
        size_t i = w->tcur[q];
        size_t end =
            col_after(V->col, i, V->start[t0 + q + 1], cx0 + J->CW - 1);
        if (end > i && V->col[end - 1] > *x1) *x1 = V->col[end - 1];
        for (; i < end; i++, m++) {
            w->tr[m] = V->row[t0 + q];
            w->tc[m] = V->col[i];
            w->tl[m] = i - w->t0;
        }
        w->tcur[q] = i;
    }
    return m;
}

/* Leftmost column of a target not yet done, or INT64_MAX. */
static int64_t next_column(const focal_job *J, const band_ws *w, size_t t0,
                           size_t nrows)
{
    int64_t x = INT64_MAX;
    for (size_t q = 0; q < nrows; q++)
        if (w->tcur[q] < J->tgt->start[t0 + q + 1] &&
            J->tgt->col[w->tcur[q]] < x)
            x = J->tgt->col[w->tcur[q]];
    return x;
}

/* The band's point values, interleaved (spare lanes 0): one sequential
 * pass over each input array, so that the chunks read them from cache. */
static void band_values(const focal_job *J, band_ws *w, size_t n)
{
    size_t L = J->L, A = J->A;
    const double *const *val = J->val;
    double *d = w->pv;
    if (L == 4 && A == 4) { /* three groups and the population */
        const double *v0 = val[0] + w->i0, *v1 = val[1] + w->i0;
        const double *v2 = val[2] + w->i0, *v3 = val[3] + w->i0;
        for (size_t i = 0; i < n; i++, d += 4) {
            d[0] = v0[i];
            d[1] = v1[i];
            d[2] = v2[i];
            d[3] = v3[i];
        }
        return;
    }
    for (size_t i = 0; i < n; i++, d += L)
        for (size_t a = 0; a < L; a++) d[a] = a < A ? val[a][w->i0 + i] : 0.0;
}

/* The band's results res to the caller's array out. */
static void band_flush(const focal_job *J, const band_ws *w, size_t n,
                       const double *res, double *out)
{
    const size_t *perm = J->tgt->perm;
    size_t L = J->L, A = J->A, nt = J->nt;
    const double *r = res;
    if (!perm && L == 4 && A == 4) {
        double *o0 = out + w->t0, *o1 = o0 + nt, *o2 = o1 + nt, *o3 = o2 + nt;
        for (size_t t = 0; t < n; t++, r += 4) {
            o0[t] = r[0];
            o1[t] = r[1];
            o2[t] = r[2];
            o3[t] = r[3];
        }
        return;
    }
    for (size_t t = 0; t < n; t++, r += L) {
        size_t j = perm ? perm[w->t0 + t] : w->t0 + t;
        for (size_t a = 0; a < A; a++) out[a * nt + j] = r[a];
    }
}

/* R = 0: each target takes w(0, 0) times the points of its own cell, found
 * by walking the sorted target and point rows together. */
static void band_cells(const focal_job *J, size_t b, const ig__fkern *kern,
                       double *out)
{
    const rows_view *V = J->tgt, *P = J->pts;
    double w0 = kern->w[0];
    for (size_t q = J->band[b]; q < J->band[b + 1]; q++) {
        size_t k = lower_row(P, V->row[q]);
        int has = k < P->n_rows && P->row[k] == V->row[q];
        size_t i = has ? P->start[k] : 0, end = has ? P->start[k + 1] : 0;
        for (size_t t = V->start[q]; t < V->start[q + 1]; t++) {
            size_t j = V->perm ? V->perm[t] : t;
            while (i < end && P->col[i] < V->col[t]) i++;
            size_t e = i;
            while (e < end && P->col[e] == V->col[t]) e++;
            for (size_t a = 0; a < J->A; a++) {
                double s = 0.0;
                for (size_t p = i; p < e; p++) s += J->val[a][p];
                out[a * J->nt + j] = w0 == 1.0 ? s : w0 * s;
            }
        }
    }
}

static ig_status band_task(void *ud, size_t b)
{
    const focal_job *J = ud;
    if (J->method != IG__FOCAL_FFT) {
        for (size_t k = 0; k < J->n_k; k++)
            if (J->ks[k].R == 0) band_cells(J, b, &J->ks[k], J->outs[k]);
        if (J->k->R == 0) return IG_OK; /* every kernel was R = 0 */
    }
    const rows_view *V = J->tgt, *P = J->pts;
    int64_t R = J->k->R, T = J->T;
    size_t t0 = J->band[b], nt_rows = J->band[b + 1] - t0;
    int64_t by0 = floor_div(V->row[t0], T) * T;
    size_t p0 = lower_row(P, by0 - R), p1 = lower_row(P, by0 + T + R);
    size_t n_pts = P->start[p1] - P->start[p0];
    size_t n_tgts = V->start[t0 + nt_rows] - V->start[t0];
    band_ws w;
    if (ws_make(J, nt_rows, p1 - p0, n_pts, n_tgts, &w) != IG_OK)
        return IG_ERR_NOMEM;
    w.i0 = P->start[p0];
    w.t0 = V->start[t0];
    if (J->ranks)
        band_prefix(J, &w, p0, p1 - p0);
    else
        band_values(J, &w, n_pts);
    for (size_t q = 0; q < nt_rows; q++) w.tcur[q] = V->start[t0 + q];
    for (size_t q = 0; q < p1 - p0; q++) w.pcur[q] = P->start[p0 + q];
    for (;;) {
        int64_t cx0 = next_column(J, &w, t0, nt_rows);
        if (cx0 == INT64_MAX) break;
        ig__fchunk c;
        memset(&c, 0, sizeof c);
        int64_t cx1;
        c.m = gather(J, &w, t0, nt_rows, cx0, &cx1);
        c.tr = w.tr;
        c.tc = w.tc;
        c.tl = w.tl;
        c.res = w.res;
        chunk_run(J, &w, p0, p1 - p0, by0, cx0, cx1, &c);
    }
    for (size_t k = 0; k < J->n_k; k++)
        if (J->ks[k].R > 0 || J->method == IG__FOCAL_FFT)
            band_flush(J, &w, n_tgts, w.res + k * w.res_stride, J->outs[k]);
    ws_free(J->ctx, &w);
    return IG_OK;
}

/* ---- setup --------------------------------------------------------------- */

/* Chunks are CHUNK_ASPECT times wider than bands are high (at most
 * CHUNK_MAX_W columns): fewer chunks, so fewer halos and less bookkeeping
 * on sparse grids, while a plane for small radii still fits a 1 MB cache. */
#define CHUNK_ASPECT 4
#define CHUNK_MAX_W 1024

/* Band height T. Row runs read each target's runs from a small rank plane
 * and the band's row sums: small chunks keep both in cache, whatever R
 * (measured: at R = 50, T = 64 beats 512 by a quarter). Planes of values
 * grow with R so that the halo stays a small share of a plane (and FFTs
 * are efficient). */
static int32_t auto_tile(int32_t R, int ranks)
{
    if (ranks) return R > 32 ? 128 : 64;
    int32_t t = 64;
    while (t < 512 && t < 8 * (int64_t)R) t *= 2;
    return t;
}

/* Bands: runs of target rows with the same floor(row / T). */
static ig_status make_bands(ig_ctx *ctx, focal_job *J)
{
    const rows_view *V = J->tgt;
    size_t n = 0;
    int64_t prev = 0;
    for (int pass = 0; pass < 2; pass++) {
        n = 0;
        for (size_t k = 0; k < V->n_rows; k++) {
            int64_t id = floor_div(V->row[k], J->T);
            if (k == 0 || id != prev) {
                if (pass) J->band[n] = k;
                n++;
            }
            prev = id;
        }
        if (pass == 0) {
            J->band = ig__alloc(ctx, (n + 1) * sizeof *J->band);
            if (!J->band) return IG_ERR_NOMEM;
        }
    }
    J->band[n] = V->n_rows;
    J->n_bands = n;
    return IG_OK;
}

/* Values in point order, groups then the population: the inputs when the
 * points came in order and the population is given, else gathered copies
 * and the compensated sums of the groups (owned: *own of *own_n doubles).
 * val has G + 1 slots. */
static ig_status gather_values(ig_ctx *ctx, const ig_lattice *src,
                               const rows_view *P, const double **val,
                               double **own, size_t *own_n)
{
    size_t G = src->n_groups, n = src->n;
    size_t copies = (P->perm ? G : 0) + (P->perm || !src->total ? 1 : 0);
    *own = NULL;
    *own_n = 0;
    for (size_t g = 0; g < G; g++) val[g] = src->counts[g];
    val[G] = src->total;
    if (copies == 0) return IG_OK;
    double *v = ig__alloc(ctx, copies * n * sizeof *v);
    if (!v) return IG_ERR_NOMEM;
    size_t next = 0;
    if (P->perm) {
        for (size_t g = 0; g < G; g++, next++) {
            for (size_t i = 0; i < n; i++)
                v[next * n + i] = src->counts[g][P->perm[i]];
            val[g] = v + next * n;
        }
    }
    double *t = v + next * n;
    for (size_t i = 0; i < n; i++) {
        size_t s = P->perm ? P->perm[i] : i;
        if (src->total) {
            t[i] = src->total[s];
            continue;
        }
        ig_ksum k;
        ig_ksum_init(&k);
        for (size_t g = 0; g < G; g++) ig_ksum_add(&k, src->counts[g][s]);
        t[i] = ig_ksum_value(&k);
    }
    val[G] = t;
    *own = v;
    *own_n = copies * n;
    return IG_OK;
}

/* Plan the FFT when a chunk might use it: forced, or a full chunk would
 * cost more by direct convolution (planning is not free). */
static ig_status maybe_fft(ig_ctx *ctx, focal_job *J, ig__ffft **fft)
{
    *fft = NULL;
    if (!ig__focal_have_fft() || J->method == IG__FOCAL_DIRECT) return IG_OK;
    if (J->method == IG__FOCAL_AUTO && J->k->runs) return IG_OK;
    J->fft_cost = ig__focal_fft_cost(J->T, J->k->R, J->A);
    double full = (double)J->T * (double)J->T * (double)J->k->nnz;
    if (J->method == IG__FOCAL_AUTO && full <= J->fft_cost) return IG_OK;
    ig_status st = ig__focal_fft_make(ctx, J->k, J->T, fft);
    if (st != IG_OK) return st;
    size_t ph, pw, work;
    ig__focal_fft_dims(*fft, &ph, &pw, &work);
    if (ph * pw > J->plane_cap) J->plane_cap = (ph * pw + 7) & ~(size_t)7;
    J->CW = J->T; /* FFT chunks are T x T squares */
    J->work_cap = (work + 7) & ~(size_t)7;
    J->fft = *fft;
    return IG_OK;
}

/* The focal sums of n_k kernels over the same planes (n_k > 1 only for
 * flat kernels summed by row runs, ranks = 1); ks[iw] is the widest. */
static ig_status run_bands(ig_ctx *ctx, const ig_lattice *src, size_t n_targets,
                           const int32_t *trow, const int32_t *tcol, size_t n_k,
                           const ig__fkern *ks, size_t iw, int ranks,
                           const ig__focal_opts *o, double *const *outs)
{
    focal_job J;
    memset(&J, 0, sizeof J);
    rows_view pts, tgt;
    double *own = NULL;
    size_t own_n = 0;
    ig__ffft *fft = NULL;
    const ig__fkern *k = &ks[iw];
    J.ctx = ctx;
    J.k = k;
    J.n_k = n_k;
    J.ks = ks;
    J.outs = outs;
    for (size_t i = 0; i < n_k; i++) {
        size_t need = 4 * (size_t)ks[i].R + 2;
        need = ks[i].nnz > need ? ks[i].nnz : need;
        J.n_off = need > J.n_off ? need : J.n_off;
    }
    J.method = o->method;
    J.A = src->n_groups + 1;
    J.L = (J.A + 3) & ~(size_t)3;
    J.ranks = ranks;
    J.T = o->tile > 0 ? o->tile : auto_tile(k->R, J.ranks);
    J.CW = J.T * CHUNK_ASPECT > CHUNK_MAX_W ? J.T : J.T * CHUNK_ASPECT;
    if (J.CW < J.T) J.CW = J.T;
    J.nt = n_targets;
    size_t edge = (size_t)J.T + 2 * (size_t)k->R + 1;
    J.plane_cap = round8(edge * ((size_t)J.CW + 2 * (size_t)k->R + 1));
    const double **val = ig__alloc(ctx, J.A * sizeof *val);
    if (!val) return IG_ERR_NOMEM;
    J.val = val;
    ig_status st = view_make(ctx, src->row, src->col, src->n, &pts);
    if (st != IG_OK) {
        ig__free(ctx, val, J.A * sizeof *val);
        return st;
    }
    /* targets are often the points' own cells: one view for both (a
     * comparison costs less than a view) */
    int same = n_targets == src->n &&
               (trow == src->row ||
                memcmp(trow, src->row, n_targets * sizeof *trow) == 0) &&
               (tcol == src->col ||
                memcmp(tcol, src->col, n_targets * sizeof *tcol) == 0);
    if (same) {
        tgt = pts;
    } else {
        st = view_make(ctx, trow, tcol, n_targets, &tgt);
    }
    if (st != IG_OK) {
        view_free(ctx, &pts);
        ig__free(ctx, val, J.A * sizeof *val);
        return st;
    }
    J.pts = &pts;
    J.tgt = &tgt;
    st = gather_values(ctx, src, &pts, val, &own, &own_n);
    if (st == IG_OK) st = make_bands(ctx, &J);
    if (st == IG_OK) st = maybe_fft(ctx, &J, &fft);
    if (st == IG_OK) st = ig__parallel_for(ctx, J.n_bands, band_task, &J);
    ig__focal_fft_free(ctx, fft);
    if (J.band) ig__free(ctx, J.band, (J.n_bands + 1) * sizeof *J.band);
    ig__free(ctx, own, own_n * sizeof *own);
    if (!same) view_free(ctx, &tgt);
    view_free(ctx, &pts);
    ig__free(ctx, val, J.A * sizeof *val);
    return st;
}

static ig_status focal_error(ig_status st, size_t n_targets, int32_t R,
                             ig_error *err)
{
    if (st == IG_ERR_NOMEM)
        return ig__error_set(err, st, 0, 0,
                             "out of memory for the focal sums of %zu targets "
                             "(kernel of %d cells each way)",
                             n_targets, (int)R);
    return ig__error_set(err, st, 0, 0, "focal sums failed: %s",
                         ig_strerror(st));
}

/* Arguments shared by the entry points; 1 when there is work to do. */
static int focal_args(const ig_lattice *src, size_t n_targets,
                      const int32_t *trow, const int32_t *tcol, ig_status *st,
                      ig_error *err)
{
    *st = IG_OK;
    if (!src || (n_targets && (!trow || !tcol))) {
        *st = ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                            "focal sums need a lattice, kernel tables, "
                            "targets and output arrays");
        return 0;
    }
    return n_targets > 0;
}

ig_status ig__focal_run(ig_ctx *ctx, const ig_lattice *src, size_t n_targets,
                        const int32_t *trow, const int32_t *tcol,
                        const ig__ktable *kt, const ig__focal_opts *opts,
                        double *out, ig_error *err)
{
    ig_status st;
    if (!kt || !kt->w || (n_targets && !out))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "focal sums need a kernel table and an output "
                             "array");
    if (!focal_args(src, n_targets, trow, tcol, &st, err)) return st;
    if (src->n == 0) {
        memset(out, 0, (src->n_groups + 1) * n_targets * sizeof *out);
        return IG_OK;
    }
    ig__focal_opts o = {0, IG__FOCAL_AUTO};
    if (opts) o = *opts;
    ig__fkern k;
    st = ig__focal_kern_make(ctx, kt, &k);
    if (st == IG_OK) {
        /* A rectangle costs two more passes over its plane but O(1) a
         * target: worth it from about 7 row runs on. */
        int ranks =
            k.runs && o.method == IG__FOCAL_AUTO && !(k.rect && k.R >= 3);
        st = run_bands(ctx, src, n_targets, trow, tcol, 1, &k, 0, ranks, &o,
                       &out);
        ig__focal_kern_free(ctx, &k);
    }
    return st == IG_OK ? IG_OK : focal_error(st, n_targets, kt->R, err);
}

ig_status ig__focal_table(ig_ctx *ctx, const ig_lattice *src, size_t n_targets,
                          const int32_t *trow, const int32_t *tcol,
                          const ig__ktable *kt, double *out, ig_error *err)
{
    return ig__focal_run(ctx, src, n_targets, trow, tcol, kt, NULL, out, err);
}

/* Flat tables of ig__focal_multi() together: the kernels, and the widest. */
static ig_status multi_flat(ig_ctx *ctx, const ig_lattice *src,
                            size_t n_targets, const int32_t *trow,
                            const int32_t *tcol, size_t n_tables,
                            const ig__ktable *const *kts, double *const *outs,
                            size_t n_flat)
{
    ig__fkern *ks = ig__calloc(ctx, n_flat, sizeof *ks);
    double **o = ig__calloc(ctx, n_flat, sizeof *o);
    ig_status st = ks && o ? IG_OK : IG_ERR_NOMEM;
    size_t n = 0, iw = 0;
    for (size_t t = 0; st == IG_OK && t < n_tables; t++) {
        if (!kts[t]->flat) continue;
        st = ig__focal_kern_make(ctx, kts[t], &ks[n]);
        if (st != IG_OK) break;
        if (!ks[n].runs) { /* flagged flat but not runs: not this path */
            ig__focal_kern_free(ctx, &ks[n]);
            st = IG_ERR_DOMAIN;
            break;
        }
        o[n] = outs[t];
        if (ks[n].R > ks[iw].R) iw = n;
        n++;
    }
    ig__focal_opts opts = {0, IG__FOCAL_AUTO};
    if (st == IG_OK)
        st = run_bands(ctx, src, n_targets, trow, tcol, n, ks, iw, 1, &opts, o);
    for (size_t i = 0; ks && i < n; i++) ig__focal_kern_free(ctx, &ks[i]);
    ig__free(ctx, ks, n_flat * sizeof *ks);
    ig__free(ctx, o, n_flat * sizeof *o);
    return st;
}

/* 1 when table t is summed by row runs (flat, and each row one run). */
static int runs_table(const ig__ktable *t)
{
    if (!t->flat) return 0;
    size_t side = 2 * (size_t)t->R + 1;
    for (size_t r = 0; r < side; r++) {
        const double *w = t->w + r * side;
        size_t c = 0;
        while (c < side && w[c] == 0.0) c++;
        while (c < side && w[c] == 1.0) c++;
        while (c < side && w[c] == 0.0) c++;
        if (c < side) return 0;
    }
    return 1;
}

ig_status ig__focal_multi(ig_ctx *ctx, const ig_lattice *src, size_t n_targets,
                          const int32_t *trow, const int32_t *tcol,
                          size_t n_tables, const ig__ktable *const *kts,
                          double *const *outs, ig_error *err)
{
    ig_status st;
    for (size_t t = 0; t < n_tables; t++)
        if (!kts || !kts[t] || !kts[t]->w || !outs || (n_targets && !outs[t]))
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "focal sums need a kernel table and an "
                                 "output array for each scale");
    if (!focal_args(src, n_targets, trow, tcol, &st, err)) return st;
    size_t n_flat = 0;
    int32_t wide = 0;
    for (size_t t = 0; t < n_tables; t++) {
        if (runs_table(kts[t])) {
            n_flat++;
            wide = kts[t]->R > wide ? kts[t]->R : wide;
        } else {
            st = ig__focal_table(ctx, src, n_targets, trow, tcol, kts[t],
                                 outs[t], err);
            if (st != IG_OK) return st;
        }
    }
    if (n_flat == 0) return IG_OK;
    if (src->n == 0) {
        for (size_t t = 0; t < n_tables; t++)
            if (runs_table(kts[t]))
                memset(outs[t], 0,
                       (src->n_groups + 1) * n_targets * sizeof *outs[t]);
        return IG_OK;
    }
    st = multi_flat(ctx, src, n_targets, trow, tcol, n_tables, kts, outs,
                    n_flat);
    return st == IG_OK ? IG_OK : focal_error(st, n_targets, wide, err);
}
