/** @file ig_measure.h
 *  @brief The measure registry (a table generated from measures.def),
 *  computing one measure on plain arrays, and running many measures over
 *  every place of a grid.
 *
 *  Single-group measures compare one group with the rest of the population
 *  (total minus the group). Multigroup measures use all groups together and
 *  take the population of a unit as the sum of its groups. */
#ifndef IG_MEASURE_H
#define IG_MEASURE_H

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

/** Measure families. */
typedef enum ig_family {
    IG_FAM_SINGLE = 0, /**< one group against the rest of the population */
    IG_FAM_MULTI = 1   /**< all groups together */
} ig_family;

/** Flags of a measure. */
#define IG_MF_SIMULATED 1u    /**< uses seed and reps (random draws) */
#define IG_MF_DECOMPOSABLE 2u /**< splits into between/within parts */
#define IG_MF_SPATIAL 4u      /**< needs cell coordinates (spatial grids) */
#define IG_MF_SCALE 8u        /**< uses the neighbourhood scale (kernel and
                                   radius, or k nearest residents); implies
                                   IG_MF_SPATIAL */

/** A registered measure (static storage). */
typedef struct ig_measure_info {
    const char *name;      /**< stable id, e.g. "dissimilarity" */
    ig_family family;
    unsigned flags;        /**< IG_MF_* */
    double range_min;      /**< smallest possible value */
    double range_max;      /**< largest possible value (may be INFINITY) */
    const char *range_text; /**< e.g. "[0, 1]" */
    const char *summary;   /**< one line */
    const char *citation;  /**< short reference */
    const char *params;    /**< parameters it reads, e.g. "b=0.5", or "" */
} ig_measure_info;

/** Number of registered measures. */
IG_API size_t ig_measure_count(void);
/** Measure @p i in registry order, NULL when out of range. */
IG_API const ig_measure_info *ig_measure_get(size_t i);
/** Measure called @p name, or NULL. */
IG_API const ig_measure_info *ig_measure_find(const char *name);
/** Registry index of @p m. */
IG_API size_t ig_measure_index(const ig_measure_info *m);

/** Parameters shared by all measures. ig_measure_params_init() sets the
 *  defaults shown. */
typedef struct ig_measure_params {
    double atkinson_b; /**< Atkinson shape parameter, 0 < b < 1; 0.5 */
    uint64_t seed;     /**< random seed for simulated measures; 1 */
    int reps;          /**< simulations for simulated measures; 500 */
    int n_thresholds;  /**< concentration profile thresholds; 1000 */
    /* Spatial measures (IG_MF_SPATIAL). */
    ig_scale scale;    /**< neighbourhood of IG_MF_SCALE measures; disc of
                            1000 m */
    ig_edge edge;      /**< where neighbourhoods draw from; IG_EDGE_GRID */
    int adjacency;     /**< 4 (rook) or 8 (queen): contiguity of the
                            spatial dissimilarity indices; 4 */
    double decay_alpha; /**< proximity measures (White 1983; Massey &
                             Denton 1988): c_ij = exp(-d_ij), d in km,
                             and a unit's distance to itself
                             d_ii = (alpha * a_i)^beta, a_i its area in
                             km2; alpha 0.6 */
    double decay_beta;  /**< beta 0.5 */
    int centre_given;  /**< 1: centralization measures use centre_x/y_m;
                            0: the population-weighted centroid of the
                            place */
    double centre_x_m, centre_y_m; /**< easting, northing (grid CRS) */
} ig_measure_params;

IG_API void ig_measure_params_init(ig_measure_params *p);

/** Plain arrays for one computation: n_units units, n_groups groups.
 *  counts[g][i] >= 0. total may be NULL (the sum of the groups); when given,
 *  total[i] must be >= the group's count for single-group measures. */
typedef struct ig_units {
    size_t n_units;
    size_t n_groups;
    const double *const *counts;
    const double *total;
    /** Spatial measures only (IG_MF_SPATIAL): lattice row and column of
     *  every unit (northing and easting of its south-west corner divided
     *  by cell_m) and the cell size; NULL / 0 otherwise. */
    const int32_t *row;
    const int32_t *col;
    int32_t cell_m;
    /** Land area of every unit in km2, or NULL: each unit is a whole cell
     *  (concentration, delta, absolute centralization and the proximity
     *  measures' self-distance use it). */
    const double *area;
} ig_units;

/**
 * Compute one measure.
 *
 * @param ctx    context (may be NULL); scratch memory comes from it
 * @param m      the measure
 * @param u      the units, borrowed
 * @param group  for single-group measures, the group compared with the
 *               rest; ignored for multigroup measures
 * @param p      parameters, or NULL for defaults
 * @param value  receives the value; untouched unless IG_OK
 * @param err    optional error detail
 * @return IG_OK; IG_ERR_DOMAIN (bad arguments, negative counts, too few
 *         groups); IG_ERR_NUMERIC when the value is undefined for these
 *         data (e.g. the group is absent, or is the whole population; each
 *         measure's docs page lists its cases); IG_ERR_NOMEM
 */
IG_API ig_status ig_measure_compute(ig_ctx *ctx, const ig_measure_info *m,
                                    const ig_units *u, size_t group,
                                    const ig_measure_params *p, double *value,
                                    ig_error *err);

/** Between/within split of a decomposable measure for a clustering of the
 *  units (e.g. schools within districts): total = between + within. */
typedef struct ig_decomposition {
    double total;
    double between; /**< the measure computed on the clusters as units */
    double within;  /**< weighted sum of the measure inside each cluster */
} ig_decomposition;

/** Decompose @p m (IG_MF_DECOMPOSABLE) for clusters @p cluster[i] <
 *  @p n_clusters. @return as ig_measure_compute(); IG_ERR_DOMAIN when the
 *  measure is not decomposable. */
IG_API ig_status ig_measure_decompose(ig_ctx *ctx, const ig_measure_info *m,
                                      const ig_units *u,
                                      const uint32_t *cluster,
                                      size_t n_clusters, ig_decomposition *out,
                                      ig_error *err);

/** @defgroup ig_run Running measures over a grid
 *  @{ */

/** Options for ig_measures_run(). */
typedef struct ig_run_opts {
    const char *const *measures; /**< names; NULL or n_measures 0: every
                                      measure without IG_MF_SPATIAL */
    size_t n_measures;
    ig_measure_params params;
    int na_as_zero;  /**< 1: keep cells with not-available groups, as 0 */
    int decompose;   /**< 1: add between/within rows for decomposable
                          measures, using the grid's within-grouping */
    ig_progress_fn progress; /**< called with done/total work items */
    void *progress_ud;
    /** Spatial measures with IG_EDGE_GRID: the grid whose cells surround
     *  the places (e.g. the grid a place set was regrouped from, see
     *  ig_placeset_grid()); NULL: the grid itself. Same cell size and CRS,
     *  same groups in the same order. */
    const ig_grid *context;
    /** Extra column (ig_grid_var) with each cell's land area in km2 for
     *  the spatial measures that read areas (concentration, delta,
     *  absolute centralization, proximity self-distances), e.g.
     *  "LAND_SURFACE"; NULL:
     *  cells are whole. A cell whose area is not available (NaN) counts
     *  as a whole cell. */
    const char *area_var;
    /** Several scales at once (a profile): when n_scales > 0, every
     *  measure with IG_MF_SCALE is computed at each of these scales
     *  (params.scale is then ignored) and the work that does not depend
     *  on the scale is done once. */
    const ig_scale *scales;
    size_t n_scales;
} ig_run_opts;

IG_API void ig_run_opts_init(ig_run_opts *o);

/** Component of a result row. */
typedef enum ig_component {
    IG_COMP_TOTAL = 0,
    IG_COMP_BETWEEN = 1,
    IG_COMP_WITHIN = 2
} ig_component;

/** One result: place x measure x group. */
typedef struct ig_result_row {
    size_t place;        /**< place index in the grid */
    const ig_measure_info *measure;
    long group;          /**< group index, -1 for multigroup measures */
    ig_component component;
    double value;        /**< NaN when status != IG_OK */
    ig_status status;    /**< IG_ERR_NUMERIC when undefined for the data */
    const char *message; /**< why, when status != IG_OK; owned by the
                              results; NULL when IG_OK */
    size_t scale;        /**< IG_MF_SCALE measures with
                              ig_run_opts.n_scales > 0: the index of the
                              scale; otherwise 0 */
} ig_result_row;

/** What went into a place's results. */
typedef struct ig_place_summary {
    const char *name;          /**< owned by the grid */
    uint64_t cells_used;
    uint64_t cells_excluded;   /**< left out: a group in use not available */
    double residents_used;
    double residents_excluded; /**< population of the excluded cells (what
                                    is known of it) */
} ig_place_summary;

/** Results of a run; opaque, freed by ig_results_destroy(). */
typedef struct ig_results ig_results;

/** Run measures on every place of @p grid, in parallel over the context's
 *  threads; the results are identical for every thread count. Rows come in
 *  place order, then registry order of the measures, then group order,
 *  then (with several scales) scale order.
 *  @return IG_OK (individual rows may still carry IG_ERR_NUMERIC);
 *  IG_ERR_NOT_FOUND for an unknown measure name; IG_ERR_DOMAIN;
 *  IG_ERR_NOMEM; IG_ERR_CANCELLED. */
IG_API ig_status ig_measures_run(ig_ctx *ctx, const ig_grid *grid,
                                 const ig_run_opts *opts, ig_results **out,
                                 ig_error *err);

IG_API size_t ig_results_nrows(const ig_results *r);
/** Row @p i, owned by @p r; NULL when out of range. */
IG_API const ig_result_row *ig_results_row(const ig_results *r, size_t i);
IG_API size_t ig_results_nplaces(const ig_results *r);
/** Summary of place @p p, owned by @p r. */
IG_API const ig_place_summary *ig_results_place(const ig_results *r,
                                                size_t p);
IG_API void ig_results_destroy(ig_results *r);
/** @} */

#ifdef __cplusplus
}
#endif
#endif /* IG_MEASURE_H */
