/* Exact focal sums on one chunk plane: row runs for flat kernels,
 * rectangles for squares, direct convolution for weighted tables.
 *
 * Row runs: with P the prefix sums of each plane row, the sum over a disc
 * is the sum over its rows dy of P[x + hi(dy)] - P[x + lo(dy) - 1]: 2 reads
 * per row, O(R) per target whatever the radius, and exact for whole counts
 * (every partial sum is a whole number below 2^53). A rectangle takes the
 * row runs of every cell, then prefix sums of those down the columns:
 * O(1) per target. Every result is a difference of two prefix sums of
 * non-negative addends, so it is never below 0 and exactly 0 when the
 * window holds only zeros, also for fractional counts (an inclusion-
 * exclusion summed-area table is neither). Each target is evaluated on
 * its own, vectorised over the lanes (the value arrays) of a plane cell;
 * the offsets of the runs or weights in the plane are computed once per
 * chunk, so the inner loops are loads and adds only. */
#include <string.h>

#include "spatial/focal.h"

/* ---- kernel tables --------------------------------------------------------
 */

static void kern_runs(ig__fkern *k, size_t side)
{
    int32_t R = k->R;
    k->runs = 1;
    k->nonneg = 1;
    for (int32_t r = 0; r <= 2 * R; r++) {
        const double *w = k->w + (size_t)r * side;
        int32_t lo = R + 1, hi = -R - 1;
        for (int32_t dx = -R; dx <= R; dx++) {
            double v = w[dx + R];
            if (v < 0.0) k->nonneg = 0;
            if (v != 0.0) {
                if (lo > R) lo = dx;
                hi = dx;
            }
        }
        for (int32_t dx = lo; dx <= hi; dx++)
            if (w[dx + R] != 1.0) k->runs = 0;
        k->lo[r] = lo;
        k->hi[r] = hi;
    }
}

/* A rectangle: the non-empty rows are consecutive and share one run. */
static void kern_rect(ig__fkern *k)
{
    int32_t R = k->R, first = -1, last = -1;
    k->rect = 0;
    if (!k->runs) return;
    for (int32_t r = 0; r <= 2 * R; r++) {
        if (k->lo[r] > k->hi[r]) continue;
        if (first < 0)
            first = r;
        else if (last != r - 1 || k->lo[r] != k->lo[first] ||
                 k->hi[r] != k->hi[first])
            return;
        last = r;
    }
    if (first < 0) return;
    k->rect = 1;
    k->ry0 = first - R;
    k->ry1 = last - R;
    k->rx0 = k->lo[first];
    k->rx1 = k->hi[first];
}

ig_status ig__focal_kern_make(ig_ctx *ctx, const ig__ktable *kt, ig__fkern *out)
{
    memset(out, 0, sizeof *out);
    int32_t R = kt->R;
    size_t side = 2 * (size_t)R + 1, nnz = 0;
    for (size_t i = 0; i < side * side; i++) nnz += kt->w[i] != 0.0;
    out->R = R;
    out->w = kt->w;
    out->nnz = nnz;
    out->lo = ig__calloc(ctx, side, sizeof *out->lo);
    out->hi = ig__calloc(ctx, side, sizeof *out->hi);
    out->estart = ig__calloc(ctx, side + 1, sizeof *out->estart);
    out->edx = ig__calloc(ctx, nnz, sizeof *out->edx);
    out->ew = ig__calloc(ctx, nnz, sizeof *out->ew);
    if (!out->lo || !out->hi || !out->estart || !out->edx || !out->ew) {
        ig__focal_kern_free(ctx, out);
        return IG_ERR_NOMEM;
    }
    kern_runs(out, side);
    out->runs = out->runs && kt->flat;
    kern_rect(out);
    size_t e = 0;
    for (size_t r = 0; r < side; r++) {
        out->estart[r] = e;
        for (size_t c = 0; c < side; c++) {
            double v = kt->w[r * side + c];
            if (v == 0.0) continue;
            out->edx[e] = (int32_t)c - R;
            out->ew[e] = v;
            e++;
        }
    }
    out->estart[side] = e;
    return IG_OK;
}

void ig__focal_kern_free(ig_ctx *ctx, ig__fkern *k)
{
    size_t side = 2 * (size_t)k->R + 1;
    ig__free(ctx, k->lo, side * sizeof *k->lo);
    ig__free(ctx, k->hi, side * sizeof *k->hi);
    ig__free(ctx, k->estart, (side + 1) * sizeof *k->estart);
    ig__free(ctx, k->edx, k->nnz * sizeof *k->edx);
    ig__free(ctx, k->ew, k->nnz * sizeof *k->ew);
    memset(k, 0, sizeof *k);
}

/* ---- planes -------------------------------------------------------------- */

/* Lanes are handled in blocks of LB: fixed-size inner loops that the
 * compiler unrolls and vectorises. */
#define LB 4

void ig__focal_runs_offsets(const ig__fkern *k, const ig__fchunk *c,
                            ptrdiff_t *off)
{
    ptrdiff_t rs = (ptrdiff_t)c->pw;
    size_t n = 0;
    for (int32_t r = 0; r <= 2 * k->R; r++) {
        if (k->lo[r] > k->hi[r]) continue;
        ptrdiff_t row = (ptrdiff_t)(r - k->R) * rs;
        off[n++] = row + (ptrdiff_t)k->hi[r];
        off[n++] = row + (ptrdiff_t)(k->lo[r] - 1);
    }
}

void ig__focal_direct_offsets(const ig__fkern *k, const ig__fchunk *c,
                              ptrdiff_t *off)
{
    ptrdiff_t L = (ptrdiff_t)c->L, rs = (ptrdiff_t)c->pw * L;
    for (int32_t r = 0; r <= 2 * k->R; r++)
        for (size_t e = k->estart[r]; e < k->estart[r + 1]; e++)
            off[e] = (ptrdiff_t)(r - k->R) * rs + (ptrdiff_t)k->edx[e] * L;
}

/* Plane cell of lattice cell (y, x). */
static size_t cell(const ig__fchunk *c, int64_t y, int64_t x)
{
    return (size_t)(y - c->oy) * c->pw + (size_t)(x - c->ox);
}

/* First lane of lattice cell (y, x). */
static const double *at(const ig__fchunk *c, const double *plane, int64_t y,
                        int64_t x)
{
    return plane + ((size_t)(y - c->oy) * c->pw + (size_t)(x - c->ox)) * c->L;
}

/* Results s of target i for lanes b .. b + LB - 1 (spare lanes too: the
 * band's result rows have all L lanes). */
static inline void put(const ig__fchunk *c, size_t i, size_t b, const double *s)
{
    double *o = c->res + c->tl[i] * c->L + b;
    for (size_t q = 0; q < LB; q++) o[q] = s[q];
}

/* ---- row runs -------------------------------------------------------------
 */

/* Targets are evaluated four at a time: the sums of one target form a
 * chain of dependent additions (one per run), so four targets in flight
 * keep the adders busy. Each target's own sum is the same sequence of
 * operations whatever the grouping. */
#define RUN(p, s0, s1, s2, s3)                          \
    do {                                                \
        const double *h_ = E + (size_t)(p)[oh] * L + b; \
        const double *l_ = E + (size_t)(p)[ol] * L + b; \
        s0 += h_[0] - l_[0];                            \
        s1 += h_[1] - l_[1];                            \
        s2 += h_[2] - l_[2];                            \
        s3 += h_[3] - l_[3];                            \
    } while (0)

void ig__focal_runs_eval(const ig__fchunk *c, const uint32_t *rank,
                         const double *E, const ptrdiff_t *off, size_t n_off)
{
    size_t i = 0, L = c->L;
    for (; i + 4 <= c->m; i += 4) {
        const uint32_t *p0 = rank + cell(c, c->tr[i], c->tc[i]);
        const uint32_t *p1 = rank + cell(c, c->tr[i + 1], c->tc[i + 1]);
        const uint32_t *p2 = rank + cell(c, c->tr[i + 2], c->tc[i + 2]);
        const uint32_t *p3 = rank + cell(c, c->tr[i + 3], c->tc[i + 3]);
        for (size_t b = 0; b < L; b += LB) {
            double a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0,
                   b3 = 0, c0 = 0, c1 = 0, c2 = 0, c3 = 0, d0 = 0, d1 = 0,
                   d2 = 0, d3 = 0;
            for (size_t r = 0; r < n_off; r += 2) {
                ptrdiff_t oh = off[r], ol = off[r + 1];
                RUN(p0, a0, a1, a2, a3);
                RUN(p1, b0, b1, b2, b3);
                RUN(p2, c0, c1, c2, c3);
                RUN(p3, d0, d1, d2, d3);
            }
            const double sa[LB] = {a0, a1, a2, a3}, sb[LB] = {b0, b1, b2, b3};
            const double sc[LB] = {c0, c1, c2, c3}, sd[LB] = {d0, d1, d2, d3};
            put(c, i, b, sa);
            put(c, i + 1, b, sb);
            put(c, i + 2, b, sc);
            put(c, i + 3, b, sd);
        }
    }
    for (; i < c->m; i++) {
        const uint32_t *p = rank + cell(c, c->tr[i], c->tc[i]);
        for (size_t b = 0; b < L; b += LB) {
            double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
            for (size_t r = 0; r < n_off; r += 2) {
                ptrdiff_t oh = off[r], ol = off[r + 1];
                RUN(p, s0, s1, s2, s3);
            }
            const double s[LB] = {s0, s1, s2, s3};
            put(c, i, b, s);
        }
    }
}

#undef RUN

/* ---- rectangles ------------------------------------------------------------
 */

void ig__focal_rect_prep(const ig__fkern *k, const ig__fchunk *c, double *plane,
                         double *acc)
{
    size_t L = c->L, rs = c->pw * L;
    /* Row runs [x + rx0, x + rx1] for the columns where they fit (the
     * targets' columns), through a row buffer: a run reads both sides. */
    int64_t x0 = 1 - (int64_t)k->rx0, x1 = (int64_t)c->pw - 1 - k->rx1;
    x0 = x0 < 0 ? 0 : x0;
    x1 = x1 > (int64_t)c->pw - 1 ? (int64_t)c->pw - 1 : x1;
    if (x1 < x0) return;
    size_t e0 = (size_t)x0 * L, e1 = (size_t)(x1 + 1) * L;
    ptrdiff_t dh = (ptrdiff_t)k->rx1 * (ptrdiff_t)L;
    ptrdiff_t dl = (ptrdiff_t)(k->rx0 - 1) * (ptrdiff_t)L;
    for (size_t y = 0; y < c->ph; y++) {
        double *restrict p = plane + y * rs;
        const double *h = p + (ptrdiff_t)e0 + dh, *l = p + (ptrdiff_t)e0 + dl;
        for (size_t t = 0; t < e1 - e0; t++) acc[e0 + t] = h[t] - l[t];
        memcpy(p + e0, acc + e0, (e1 - e0) * sizeof *p);
    }
    memset(acc + e0, 0, (e1 - e0) * sizeof *acc); /* as the caller had it */
    /* then prefix sums down the columns */
    for (size_t y = 1; y < c->ph; y++) {
        double *restrict a = plane + y * rs;
        const double *restrict b = a - rs;
        for (size_t e = e0; e < e1; e++) a[e] += b[e];
    }
}

void ig__focal_rect_eval(const ig__fkern *k, const ig__fchunk *c,
                         const double *plane)
{
    ptrdiff_t rs = (ptrdiff_t)(c->pw * c->L);
    for (size_t i = 0; i < c->m; i++) {
        const double *p = at(c, plane, c->tr[i], c->tc[i]);
        const double *hi = p + (ptrdiff_t)k->ry1 * rs;
        const double *lo = p + (ptrdiff_t)(k->ry0 - 1) * rs;
        double *o = c->res + c->tl[i] * c->L;
        for (size_t a = 0; a < c->L; a++) o[a] = hi[a] - lo[a];
    }
}

/* ---- direct convolution ----------------------------------------------------
 */

void ig__focal_direct_eval(const ig__fkern *k, const ig__fchunk *c,
                           const double *plane, const ptrdiff_t *off)
{
    for (size_t i = 0; i < c->m; i++) {
        const double *base = at(c, plane, c->tr[i], c->tc[i]);
        for (size_t b = 0; b < c->L; b += LB) {
            const double *p0 = base + b;
            double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
            for (size_t e = 0; e < k->nnz; e++) {
                const double w = k->ew[e], *p = p0 + off[e];
                s0 += w * p[0];
                s1 += w * p[1];
                s2 += w * p[2];
                s3 += w * p[3];
            }
            const double s[LB] = {s0, s1, s2, s3};
            put(c, i, b, s);
        }
    }
}
