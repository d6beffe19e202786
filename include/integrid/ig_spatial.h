/** @file ig_spatial.h
 *  @brief The neighbourhood engine: focal population sums around every cell
 *  of a lattice under a kernel of radius r, and individualised
 *  neighbourhoods of the k nearest residents (EquiPop).
 *
 *  Everything here works on the lattice itself (integer row and column of
 *  each cell, cell size in metres), in tiles, so a whole country at 100 m
 *  is never densified into one raster. Results are identical for every
 *  thread count. See docs/spatial/neighbourhoods.md for the exact rules. */
#ifndef IG_SPATIAL_H
#define IG_SPATIAL_H

#include <stddef.h>
#include <stdint.h>

#include "integrid/ig_ctx.h"
#include "integrid/ig_export.h"
#include "integrid/ig_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Kernels. With d the distance between cell centres, r the radius and
 *  z = d / r, every kernel is 0 beyond r and the focal cell (d = 0) always
 *  has weight 1:
 *  - disc:         1 for d <= r (inclusive)
 *  - square:       1 for |dx| <= r and |dy| <= r
 *  - gaussian:     exp(-z^2 / 2) for d <= r (sigma = r, truncated at r)
 *  - biweight:     (1 - z^2)^2 for d <= r
 *  - epanechnikov: 1 - z^2 for d <= r
 *  - linear:       1 - z for d <= r (linear distance decay)
 *  These are libpysal's `uniform`, `gaussian`, `quartic`, `quadratic` and
 *  `triangular` kernels with a fixed bandwidth r, up to a constant factor
 *  (which cancels in every share). */
typedef enum ig_kernel {
    IG_KERNEL_DISC = 0,
    IG_KERNEL_SQUARE = 1,
    IG_KERNEL_GAUSSIAN = 2,
    IG_KERNEL_BIWEIGHT = 3,
    IG_KERNEL_EPANECHNIKOV = 4,
    IG_KERNEL_LINEAR = 5
} ig_kernel;

/** Number of kernels. */
#define IG_KERNEL_COUNT 6

/** Name of kernel @p k ("disc", "square", ...), or NULL. */
IG_API const char *ig_kernel_name(ig_kernel k);
/** Kernel called @p name: one of the names above or libpysal's
 *  ("uniform", "quartic", "quadratic", "triangular"), in any case.
 *  @return IG_OK; IG_ERR_NOT_FOUND with a message that lists the known
 *  kernels (*out untouched); IG_ERR_DOMAIN for a NULL name. */
IG_API ig_status ig_kernel_parse(const char *name, ig_kernel *out,
                                 ig_error *err);
/** Weight of kernel @p k at offset (@p dx_m, @p dy_m) metres for radius
 *  @p radius_m (> 0): the definition above, used by every code path.
 *  Distances are compared as squares with a relative slack of 1e-12, so
 *  a cell on the rim (d = r, up to the rounding of r) is inside. 1 at the
 *  origin for any radius; 0 elsewhere for a radius that is not > 0. */
IG_API double ig_kernel_weight(ig_kernel k, double dx_m, double dy_m,
                               double radius_m);

/** Which cells a place's neighbourhoods draw from. */
typedef enum ig_edge {
    IG_EDGE_GRID = 0, /**< every cell of the grid, also outside the place
                           (the default for grid inputs) */
    IG_EDGE_PLACE = 1 /**< only the place's own cells */
} ig_edge;

/** A neighbourhood scale: a kernel of radius radius_m, or (k > 0) the k
 *  nearest residents. */
typedef struct ig_scale {
    ig_kernel kernel;
    double radius_m; /**< > 0 for a kernel neighbourhood */
    double k;        /**< > 0: k nearest residents; then radius_m and
                          kernel are ignored */
} ig_scale;

/** A population on a lattice: n points (cells), each with a row and a
 *  column (northing and easting of the south-west corner divided by
 *  cell_m), a count per group and a population. Points may repeat a
 *  lattice cell (parts of one cell): their counts add up. Borrowed. */
typedef struct ig_lattice {
    size_t n;
    const int32_t *row;
    const int32_t *col;
    size_t n_groups;
    const double *const *counts; /**< counts[g][i] >= 0 */
    const double *total; /**< population per point (>= each group's count),
                              or NULL for the sum of the groups */
    int32_t cell_m;      /**< cell edge length, metres (> 0) */
} ig_lattice;

/**
 * Neighbourhood composition around each target cell.
 *
 * For a kernel scale, out holds the kernel-weighted sums of each group and
 * of the population over the points of @p src around each target. For a
 * k scale, out holds the composition of the k nearest residents: points are
 * added in order of centre distance (the target's own cell first); all
 * points at the distance where the running population first reaches k
 * take the same fraction, so that the neighbourhood holds exactly k
 * residents, or everyone when @p src has fewer.
 *
 * @param ctx       context (threads, memory), or NULL
 * @param src       the population the neighbourhoods draw from
 * @param n_targets number of target cells
 * @param trow      target rows (lattice units of src->cell_m)
 * @param tcol      target columns
 * @param scale     kernel and radius, or k
 * @param out       (src->n_groups + 1) * n_targets values: group g of target
 *                  j at out[g * n_targets + j], the population at
 *                  out[n_groups * n_targets + j]
 * @param reach_m   n_targets values, or NULL: for k scales the centre
 *                  distance of the farthest point that contributes; for
 *                  kernels the largest centre distance of a lattice offset
 *                  with a non-zero weight (the same for every target)
 * @param err       error detail, or NULL
 * @return IG_OK; IG_ERR_DOMAIN (radius or k not positive or not finite, a
 *         count below 0, cell_m <= 0); IG_ERR_NOMEM; IG_ERR_CANCELLED.
 */
IG_API ig_status ig_neighbourhoods(ig_ctx *ctx, const ig_lattice *src,
                                   size_t n_targets, const int32_t *trow,
                                   const int32_t *tcol, const ig_scale *scale,
                                   double *out, double *reach_m,
                                   ig_error *err);

/**
 * Check a scale against a lattice and a place before use.
 *
 * @param scale     the scale
 * @param cell_m    cell size of the grid
 * @param extent_m  largest distance between two cell centres of the place
 *                  (0 when unknown)
 * @param population population of the place (0 when unknown)
 * @param note      receives a clamping note (NUL-terminated, empty when
 *                  none): a radius below the cell size (the neighbourhood is
 *                  the cell alone), a radius beyond the place's extent, a k
 *                  above its population (everyone)
 * @param cap       capacity of @p note
 * @param err       error detail
 * @return IG_OK; IG_ERR_DOMAIN for a radius or k that is not positive and
 *         finite, or a k below 1 (with how to fix it).
 */
IG_API ig_status ig_scale_check(const ig_scale *scale, int32_t cell_m,
                                double extent_m, double population,
                                char *note, size_t cap, ig_error *err);

/** Format a scale for output ("1000" or "1500.5" for a radius in metres,
 *  "k200"), up to 10 significant digits, NUL-terminated within @p cap. */
IG_API void ig_scale_format(const ig_scale *scale, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif
#endif /* IG_SPATIAL_H */
