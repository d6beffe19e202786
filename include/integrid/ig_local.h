/** @file ig_local.h
 *  @brief Local (per-cell) measures: neighbourhood shares, location
 *  quotients, diversity, exposure, each cell's part of the spatial
 *  dissimilarity, centralization gaps, Getis-Ord Gi* hot spots and local
 *  Moran's I (LISA).
 *
 *  A local measure gives one value per cell (multigroup measures) or per
 *  cell and group (per-group measures) of a grid or of one place of it.
 *  Neighbourhoods come from the neighbourhood engine (ig_spatial.h): a
 *  kernel of radius r or the k nearest residents, drawn from the whole grid
 *  or from the place alone. Every formula, its citation and its undefined
 *  cases are in docs/spatial/local.md. Results are identical for every
 *  thread count; the permutation tests of local Moran's I use one random
 *  stream per cell, so they are reproducible for a seed. */
#ifndef IG_LOCAL_H
#define IG_LOCAL_H

#include <stddef.h>
#include <stdint.h>

#include "integrid/ig_ctx.h"
#include "integrid/ig_export.h"
#include "integrid/ig_grid.h"
#include "integrid/ig_spatial.h"
#include "integrid/ig_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @defgroup ig_local Local measures
 *  @{ */

/** Flags of a local measure (ig_local_info.flags). */
#define IG_LOCAL_PER_GROUP                                                \
    1u                        /**< one value per cell and group; else one \
                                   value per cell */
#define IG_LOCAL_INFERENCE 2u /**< also z, p-value and class per value */
#define IG_LOCAL_SCALE 4u     /**< uses the neighbourhood scale */
#define IG_LOCAL_KERNEL_ONLY                                               \
    8u                         /**< needs a kernel radius; a k scale is an \
                                    error (IG_ERR_DOMAIN) */
#define IG_LOCAL_SIMULATED 16u /**< uses seed and permutations */
#define IG_LOCAL_GROUPS_OPTIONAL               \
    32u /**< one value per cell for all groups \
             together, unless groups are asked \
             for (ig_local_opts.groups): then  \
             one per cell and group */

/** A registered local measure (static storage). */
typedef struct ig_local_info {
    const char *name;       /**< stable id, e.g. "local_share" */
    unsigned flags;         /**< IG_LOCAL_* */
    const char *range_text; /**< e.g. "[0, 1]" */
    const char *summary;    /**< one line */
    const char *citation;   /**< short reference */
} ig_local_info;

/** Number of local measures. */
IG_API size_t ig_local_count(void);
/** Local measure @p i in registry order; NULL when out of range. */
IG_API const ig_local_info *ig_local_get(size_t i);
/** Local measure called @p name; NULL when there is none. */
IG_API const ig_local_info *ig_local_find(const char *name);

/** Classes of the inferential measures. Gi* classes come from the
 *  Benjamini-Hochberg adjusted p-value (hot: z > 0, cold: z < 0; 99, 95 or
 *  90 for an adjusted p of at most 0.01, 0.05 or 0.10, and never above the
 *  false discovery rate asked for); local Moran's I classes from the
 *  pseudo p-value and the signs of the cell's deviation and its lag. */
typedef enum ig_local_class {
    IG_LCLASS_NONE = 0, /**< no class: the value is undefined, or the
                             measure has no classes */
    IG_LCLASS_NS,       /**< not significant */
    IG_LCLASS_HOT_99,
    IG_LCLASS_HOT_95,
    IG_LCLASS_HOT_90,
    IG_LCLASS_COLD_99,
    IG_LCLASS_COLD_95,
    IG_LCLASS_COLD_90,
    IG_LCLASS_HH, /**< high share among high-share neighbours */
    IG_LCLASS_LL, /**< low among low */
    IG_LCLASS_HL, /**< high among low (an outlier) */
    IG_LCLASS_LH  /**< low among high (an outlier) */
} ig_local_class;

/** Number of classes (including IG_LCLASS_NONE). */
#define IG_LCLASS_COUNT 12

/** Name of class @p c: "ns", "hot_99", ..., "cold_90", "HH", "LL", "HL",
 *  "LH"; "" for IG_LCLASS_NONE or an unknown value. Static. */
IG_API const char *ig_local_class_name(ig_local_class c);

/** Why a cell's value is undefined (NaN): bits of the per-cell flags. A
 *  value is NaN exactly when its cell has a flag set or its layer's status
 *  is not IG_OK. */
#define IG_LOCAL_FLAG_NA                    \
    1u /**< a group of the cell is not      \
            available: the cell is left out \
            (see ig_local_opts.na_as_zero) */
#define IG_LOCAL_FLAG_EMPTY                 \
    2u /**< the cell's neighbourhood has no \
            residents */
#define IG_LOCAL_FLAG_NO_RESIDENTS            \
    4u /**< the cell itself has no residents, \
            so it has no group share (Gi*,    \
            local Moran's I) */
#define IG_LOCAL_FLAG_NO_NEIGHBOURS        \
    8u /**< no other populated cell within \
            the kernel (local Moran's I) */
#define IG_LOCAL_FLAG_FLAT                   \
    16u /**< the weights cover every cell of \
             the sample equally, so Gi* has  \
             no variance */

/** Name of the lowest flag bit set in @p flags ("not_available",
 *  "empty_neighbourhood", "no_residents", "no_neighbours",
 *  "whole_sample"), or "" when none is. Static. */
IG_API const char *ig_local_flag_name(unsigned flags);

/** All cells of the grid as one place (ig_local_opts.place). */
#define IG_LOCAL_ALL ((size_t)-1)

/** Options of ig_local_run(). ig_local_opts_init() sets the defaults
 *  shown. */
typedef struct ig_local_opts {
    const char *measure; /**< registry name; required (NULL) */
    size_t place;        /**< a place of the grid (ig_grid_place_range),
                              or IG_LOCAL_ALL: every cell as one place
                              (IG_LOCAL_ALL) */
    ig_scale scale;      /**< kernel and radius, or k (disc of 1000 m) */
    ig_edge edge;        /**< where neighbourhoods draw from: the whole grid
                              (or @p context), or the place's own cells
                              (IG_EDGE_GRID) */
    /** With IG_EDGE_GRID: the grid whose cells surround the place (e.g.
     *  the grid a place set was regrouped from); NULL: the grid itself.
     *  Same cell size and CRS, same groups in the same order. */
    const ig_grid *context;
    /** Groups of per-group measures (indices into the grid's groups);
     *  NULL or n_groups 0: every group. Ignored by multigroup measures;
     *  turns an IG_LOCAL_GROUPS_OPTIONAL measure into a per-group one. */
    const size_t *groups;
    size_t n_groups;
    int na_as_zero;   /**< 1: a cell with a group not available counts
                           that group as 0; 0: the cell is left out
                           (flag IG_LOCAL_FLAG_NA) (0) */
    uint64_t seed;    /**< random seed of local Moran's I (1) */
    int permutations; /**< conditional permutations per cell for local
                           Moran's I, >= 1 (999) */
    double fdr;       /**< false discovery rate of the Gi* classes,
                           0 < fdr < 1 (0.05) */
    double alpha;     /**< pseudo p-value at or below which local
                           Moran's I is classed HH/LL/HL/LH,
                           0 < alpha < 1 (0.05) */
    /** local_relative_centralization: 1 to measure distances from
     *  (centre_x_m, centre_y_m) (easting, northing in the grid CRS); 0:
     *  from the population-weighted centroid of the place (0). */
    int centre_given;
    double centre_x_m, centre_y_m;
    /** Called with done/total cells during the permutation tests, possibly
     *  from worker threads at once (it must be thread-safe); non-zero
     *  cancels with IG_ERR_CANCELLED. NULL: none. */
    ig_progress_fn progress;
    void *progress_ud;
} ig_local_opts;

/** Set @p o to the defaults. */
IG_API void ig_local_opts_init(ig_local_opts *o);

/** One layer of a result: the values of one group (per-group measures) or
 *  of all groups together (multigroup measures), one per result cell. All
 *  arrays are owned by the result. */
typedef struct ig_local_layer {
    long group;               /**< grid group index; -1 for multigroup
                                   measures */
    const char *group_name;   /**< owned by the grid; NULL when group < 0 */
    const double *value;      /**< the measure; NaN where undefined */
    const double *z;          /**< IG_LOCAL_INFERENCE measures: Gi* z-score,
                                   or for local Moran's I the deviation of I
                                   from its permutation mean in permutation
                                   standard deviations; else NULL */
    const double *p_value;    /**< two-sided normal p of the Gi* z; pseudo p
                                   of local Moran's I; else NULL */
    const double *p_adjusted; /**< Gi*: Benjamini-Hochberg adjusted p over
                                   the layer's defined cells; else NULL */
    const uint8_t *cls;       /**< ig_local_class per cell; NULL when the
                                   measure has no classes */
    ig_status status;         /**< IG_OK; IG_ERR_NUMERIC when the measure is
                                   undefined for the whole layer (every value
                                   NaN), e.g. a group absent from the place */
    const char *message;      /**< why, when status != IG_OK; else NULL */
} ig_local_layer;

/** Result of ig_local_run(); opaque, freed by ig_local_result_destroy(). */
typedef struct ig_local_result ig_local_result;

/**
 * Compute a local measure for every cell of a grid or of one place of it.
 *
 * Neighbourhood compositions come from ig_neighbourhoods() at opts->scale
 * (with the grid's total column as population when it has one); cells
 * whose groups are not available are left out of the neighbourhoods and
 * the reference figures unless opts->na_as_zero. Whole-place figures (the
 * group's share, the mean and variance of Gi* and local Moran's I) are
 * those of the place's cells; Gi* and local Moran's I take as their sample
 * the populated cells the neighbourhoods draw from. Work is spread over the
 * context's threads; results do not depend on their number.
 *
 * @param ctx   context (threads, memory), or NULL
 * @param grid  a spatial grid, borrowed
 * @param opts  options (measure required), borrowed
 * @param out   receives the result; set only on success
 * @param err   error detail, or NULL
 * @return IG_OK (layers may still carry IG_ERR_NUMERIC); IG_ERR_NOT_FOUND
 *         for an unknown measure (the message lists the known ones);
 *         IG_ERR_DOMAIN for bad options (an aspatial grid, a k scale for a
 *         kernel-only measure, a place or group out of range, permutations
 *         below 1, fdr or alpha outside (0, 1), a radius or k the engine
 *         rejects); IG_ERR_MISMATCH for a context grid that does not match;
 *         IG_ERR_NOMEM; IG_ERR_CANCELLED; IG_ERR_DISABLED while the
 *         neighbourhood engine is not built in.
 */
IG_API ig_status ig_local_run(ig_ctx *ctx, const ig_grid *grid,
                              const ig_local_opts *opts, ig_local_result **out,
                              ig_error *err);

/** The measure of @p r (static). */
IG_API const ig_local_info *ig_local_result_info(const ig_local_result *r);
/** Number of cells in @p r: the place's cells, in grid order. */
IG_API size_t ig_local_result_ncells(const ig_local_result *r);
/** Grid index of every result cell (ncells values); owned by @p r. */
IG_API const size_t *ig_local_result_cells(const ig_local_result *r);
/** IG_LOCAL_FLAG_* bits of every result cell; owned by @p r. */
IG_API const uint8_t *ig_local_result_flags(const ig_local_result *r);
/** For k-nearest-residents neighbourhoods (EquiPop): per cell, the centre
 *  distance in metres of the farthest cell that contributes (the radius
 *  the neighbourhood reached); NULL for kernel neighbourhoods and for
 *  measures without one. */
IG_API const double *ig_local_result_reach(const ig_local_result *r);
/** Number of layers: 1 for multigroup measures, else the groups asked
 *  for. */
IG_API size_t ig_local_result_nlayers(const ig_local_result *r);
/** Layer @p k, owned by @p r; NULL when out of range. */
IG_API const ig_local_layer *ig_local_result_layer(const ig_local_result *r,
                                                   size_t k);
/** Destroy @p r; NULL is a no-op. */
IG_API void ig_local_result_destroy(ig_local_result *r);

/**
 * Write local results as a GeoTIFF (GDAL): one band per layer (band
 * description: the group name, or the measure name), 64-bit floats, the
 * grid's CRS (EPSG:3035), nodata NaN, covering the bounding box of the
 * results' cells. Several results (e.g. one per place) go into one raster;
 * their layers must be the same. A cell listed twice keeps the last value.
 *
 * @param ctx       context (memory), or NULL
 * @param grid      the grid the results were computed on
 * @param results   n_results results, borrowed
 * @param n_results >= 1
 * @param path      file to write (created or replaced)
 * @param err       error detail, or NULL
 * @return IG_OK; IG_ERR_DOMAIN (no results, an aspatial grid, layers that
 *         differ); IG_ERR_IO (GDAL could not write; its message is
 *         passed on); IG_ERR_NOMEM; IG_ERR_DISABLED when built without
 *         GDAL (the message suggests CSV or GeoJSON output).
 */
IG_API ig_status ig_local_write_geotiff(ig_ctx *ctx, const ig_grid *grid,
                                        const ig_local_result *const *results,
                                        size_t n_results, const char *path,
                                        ig_error *err);
/** @} */

#ifdef __cplusplus
}
#endif
#endif /* IG_LOCAL_H */
