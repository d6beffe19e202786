/* Internal interface of the neighbourhood engine (src/spatial/), shared by
 * the kernel focal sums (focal.c), the k-nearest-residents search (knn.c),
 * the spatial measures (src/measures/spatial/) and the local measures
 * (local*.c). Public entry points are in integrid/ig_spatial.h. */
#ifndef IG_SPATIAL_INTERNAL_H
#define IG_SPATIAL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "integrid/ig_spatial.h"

/* A radially symmetric kernel as weights on lattice offsets:
 * w[(dy + R) * (2R + 1) + (dx + R)] for |dx|, |dy| <= R (in cells), with
 * w at (0, 0) > 0. flat = 1 when every weight is 0 or 1 and the support
 * is a disc or a square (so runs of cells can be summed from prefix sums).
 * Any table works: measures with a distance decay exp(-alpha d^beta) build
 * their own, truncated where the weight no longer changes a double. */
typedef struct ig__ktable {
    int32_t R;
    int flat;
    double *w; /* (2R + 1)^2 weights, owned */
} ig__ktable;

/* The table of a named kernel of radius radius_m on cells of cell_m:
 * weights ig_kernel_weight(k, dx * cell_m, dy * cell_m, radius_m),
 * R = floor(radius_m / cell_m) (at least 0). */
ig_status ig__ktable_make(ig_ctx *ctx, ig_kernel k, double radius_m,
                          int32_t cell_m, ig__ktable *out, ig_error *err);
/* Allocate a table of radius R with all weights 0 (the caller fills it). */
ig_status ig__ktable_alloc(ig_ctx *ctx, int32_t R, ig__ktable *out);
void ig__ktable_free(ig_ctx *ctx, ig__ktable *t);

/* Focal sums with table kt: for every target j and output array a (groups
 * of src, then its population),
 *   out[a * n_targets + j] = sum over points i of w(row_i - trow_j,
 *                                                  col_i - tcol_j) * v_a[i]
 * Fast path (tiles; row runs or summed areas for flat tables; direct
 * or FFT convolution for weighted ones), parallel over the context's
 * threads, identical for every thread count. */
ig_status ig__focal_table(ig_ctx *ctx, const ig_lattice *src,
                          size_t n_targets, const int32_t *trow,
                          const int32_t *tcol, const ig__ktable *kt,
                          double *out, ig_error *err);

/* The same sums by brute force (hash of the lattice, every offset of the
 * table): the reference for tests, O(n_targets (2R + 1)^2). */
ig_status ig__focal_brute(ig_ctx *ctx, const ig_lattice *src,
                          size_t n_targets, const int32_t *trow,
                          const int32_t *tcol, const ig__ktable *kt,
                          double *out, ig_error *err);

/* k nearest residents (see ig_neighbourhoods()): out as there, reach_m
 * may be NULL. Fast path (knn.c). */
ig_status ig__knn(ig_ctx *ctx, const ig_lattice *src, size_t n_targets,
                  const int32_t *trow, const int32_t *tcol, double k,
                  double *out, double *reach_m, ig_error *err);

/* The same by brute force: every point sorted by distance for every
 * target. The reference for tests, O(n_targets n log n). */
ig_status ig__knn_brute(ig_ctx *ctx, const ig_lattice *src, size_t n_targets,
                        const int32_t *trow, const int32_t *tcol, double k,
                        double *out, double *reach_m, ig_error *err);

/* Check a lattice (n > 0 or not, counts finite and >= 0, totals >= the
 * groups' sum is not required, cell_m > 0). IG_ERR_DOMAIN with the first
 * bad point. */
ig_status ig__lattice_check(const ig_lattice *src, ig_error *err);

#endif /* IG_SPATIAL_INTERNAL_H */
