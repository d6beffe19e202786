/* Internal interface of the k-nearest-residents engine (knn.c,
 * knn_index.c): the sparse row index every search runs on, and the
 * several-k entry point used by profiles. See docs/spatial/equipop.md. */
#ifndef IG_KNN_H
#define IG_KNN_H

#include <stddef.h>
#include <stdint.h>

#include "spatial/spatial_internal.h"

/* Lattice coordinates (rows, columns of points and targets) must lie in
 * [-IG_KNN_COORD_MAX, IG_KNN_COORD_MAX], so that every squared distance
 * fits an int64_t with room to spare (2 * (2^30)^2 = 2^61). */
#define IG_KNN_COORD_MAX 536870912 /* 2^29 */

/* The cells of a lattice with population > 0, merged (points on one cell
 * added up) and sorted by row, then column: a sparse row index.
 *
 * Values per cell: na = n_groups + 1, the population first, then each
 * group. Per row rho, the cells are [rstart[rho], rstart[rho + 1]) and the
 * exclusive prefix sums of their values are at pre[(i + rho) * na + a] for
 * i in [rstart[rho], rstart[rho + 1]] (one extra entry per row), so the sum
 * over cells [lo, hi) of row rho is pre[(hi + rho) na + a] - pre[(lo + rho)
 * na + a]. The first cell at or right of a column is found through a chunk
 * table per row (column span cut into at most 2 * len chunks of 2^csh
 * columns; chunk[coff[rho] + b] is the first cell of chunk b), so a lookup
 * costs O(1) on dense rows and O(log len) at worst. */
typedef struct ig__knn_index {
    size_t na;        /* values per cell */
    uint32_t n;       /* cells */
    uint32_t nr;      /* rows that hold a cell */
    int32_t *rowv;    /* nr row numbers, ascending */
    uint32_t *rstart; /* nr + 1 */
    int32_t *col;     /* n columns, ascending within a row */
    double *val;      /* n * na values */
    double *pre;      /* (n + nr) * na prefix sums */
    size_t *coff;     /* nr + 1 offsets into chunk */
    uint8_t *csh;     /* nr chunk widths (log2 columns) */
    uint32_t *chunk;  /* coff[nr] entries */
    double *sum;      /* na compensated sums over every cell */
    int32_t rmin, rmax, cmin, cmax; /* bounding box (n > 0) */
    int64_t *hull;    /* nh (row, column) pairs: convex hull vertices */
    size_t nh;
} ig__knn_index;

/* Population of point i: src->total[i], or the sum of its groups. */
double ig__knn_point_pop(const ig_lattice *src, size_t i);

/* Build the index of a checked lattice. */
ig_status ig__knn_index_build(ig_ctx *ctx, const ig_lattice *src,
                              ig__knn_index *x, ig_error *err);
void ig__knn_index_free(ig_ctx *ctx, ig__knn_index *x);

/* Stable sort of n pairs (key[i], idx[i]) by key (LSD radix, 16 bits a
 * pass, passes where every key has the same digit skipped). */
ig_status ig__knn_radix_sort(ig_ctx *ctx, size_t n, uint64_t *key,
                             uint32_t *idx);

/* Sort key of a lattice position (row-major). */
static inline uint64_t ig__knn_key(int32_t row, int32_t col)
{
    return ((uint64_t)((int64_t)row + IG_KNN_COORD_MAX) << 32) |
           (uint64_t)((int64_t)col + IG_KNN_COORD_MAX);
}

/* Largest squared distance from (r0, c0) to a cell of x (0 when empty):
 * the farthest hull vertex. */
int64_t ig__knn_farthest(const ig__knn_index *x, int64_t r0, int64_t c0);

/* Several k for the same targets in one pass (profiles at k = 200, 400,
 * ...): the index and the target order are built once. ks[0..n_k) in any
 * order; k number q writes out[(q * (n_groups + 1) + g) * n_targets + j]
 * (layout of ig_neighbourhoods() per k) and, when reach_m is not NULL,
 * reach_m[q * n_targets + j]. Each k's result is bit-for-bit that of
 * ig__knn() with that k alone, for every thread count. */
ig_status ig__knn_multi(ig_ctx *ctx, const ig_lattice *src, size_t n_targets,
                        const int32_t *trow, const int32_t *tcol,
                        const double *ks, size_t n_k, double *out,
                        double *reach_m, ig_error *err);

#endif /* IG_KNN_H */
