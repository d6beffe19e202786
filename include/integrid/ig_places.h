/** @file ig_places.h
 *  @brief Places derived from a population grid: the Degree of
 *  Urbanisation (DEGURBA) level 1 classification of 1 km grid cells into
 *  urban centres, urban clusters and rural cells.
 *
 *  Rules after "Applying the Degree of Urbanisation: a methodological
 *  manual to define cities, towns and rural areas for international
 *  comparisons", 2021 edition (European Commission, FAO, UN-Habitat,
 *  OECD, World Bank). See docs/places/degurba.md for the exact rules this
 *  library applies, their sources and what is not done yet. */
#ifndef IG_PLACES_H
#define IG_PLACES_H

#include <stddef.h>
#include <stdint.h>

#include "integrid/ig_ctx.h"
#include "integrid/ig_export.h"
#include "integrid/ig_grid.h"
#include "integrid/ig_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @defgroup ig_degurba Degree of Urbanisation
 *  @{ */

/** Grid cell classes of DEGURBA level 1. 0 is written for cells that were
 *  not classified (cells of other places when ig_degurba_opts.place
 *  selects one place). */
typedef enum ig_degurba_class {
    IG_DEGURBA_NONE = 0,          /**< not classified */
    IG_DEGURBA_RURAL = 1,         /**< rural grid cell */
    IG_DEGURBA_URBAN_CLUSTER = 2, /**< in an urban cluster, not in a centre */
    IG_DEGURBA_URBAN_CENTRE = 3   /**< in an urban centre */
} ig_degurba_class;

/** ig_degurba_opts.place value meaning "every cell of the grid". */
#define IG_DEGURBA_ALL_PLACES ((size_t)-1)

/** Options of ig_degurba_classify(). Initialise with
 *  ig_degurba_opts_init(), which sets the manual's defaults shown below;
 *  tests may lower the thresholds to work on small grids. */
typedef struct ig_degurba_opts {
    /** Name of the extra column (ig_grid_var()) holding the land area of
     *  each cell in km2, e.g. "LAND_SURFACE"; NULL: every cell counts as
     *  its full area. A cell whose land area is missing (NaN) or not above
     *  0 also counts as its full area. Borrowed. */
    const char *land_area_var;
    double centre_min_density;  /**< people per km2 of land; 1500 */
    double centre_min_pop;      /**< people in a dense cluster; 50000 */
    double cluster_min_density; /**< people per km2 of land; 300 */
    double cluster_min_pop;     /**< people in a cluster; 5000 */
    /** Enclosed holes in a centre smaller than this (km2, counted in whole
     *  cells) are added to it; 15. 0 turns gap filling off. */
    double max_gap_km2;
    /** A cell with at least this many of its 8 neighbours in one urban
     *  centre joins it (iterated until nothing changes); 5. 0 turns the
     *  majority rule off; values above 8 are an error. */
    int majority_min_neighbours;
    /** 0 (default): fill gaps, then apply the majority rule. 1: the
     *  majority rule first, then fill gaps (the order of the flexurba R
     *  package's reproduction of GHSL). */
    int smooth_before_fill;
    /** Classify only the cells of this place (ig_grid_place_range());
     *  IG_DEGURBA_ALL_PLACES (default): the whole grid, which must then
     *  hold each lattice cell once. */
    size_t place;
    /** Largest dense work raster (bounding box of the cells plus a one-cell
     *  border) accepted, in cells; 0 means 64 Mi cells (about 320 MB). */
    uint64_t max_window_cells;
} ig_degurba_opts;

/** What ig_degurba_classify() found. */
typedef struct ig_degurba_summary {
    size_t n_centres;  /**< urban centres: place ids 1..n_centres */
    size_t n_clusters; /**< urban clusters (each contains 0 or more
                            centres): place ids n_centres+1..n_places */
    size_t n_places;   /**< n_centres + n_clusters */
    double pop_centre;  /**< population in urban centre cells */
    double pop_cluster; /**< population in urban cluster cells (not in
                             centres) */
    double pop_rural;   /**< population in rural cells */
    uint64_t window_cells; /**< size of the work raster used */
} ig_degurba_summary;

/** Set @p o to the defaults of the 2021 manual. */
IG_API void ig_degurba_opts_init(ig_degurba_opts *o);

/**
 * Classify the cells of a 1 km grid into urban centres, urban clusters and
 * rural cells (DEGURBA level 1).
 *
 * Density is the total population (ig_grid_totals()) over the cell's land
 * area. Urban centres are 4-connected clusters of cells with density >=
 * centre_min_density holding >= centre_min_pop people, then completed by
 * gap filling and the majority rule. Urban clusters are 8-connected
 * clusters of cells with density >= cluster_min_density, or in an urban
 * centre, holding >= cluster_min_pop people. Cells missing from the grid
 * count as population 0; they can still be part of a hole that is filled.
 *
 * Place ids are deterministic: centres are numbered 1.. in the grid's
 * canonical cell order of their first cell, then clusters likewise. A
 * centre cell gets its centre's id; an urban cluster cell its cluster's
 * id; a rural cell 0.
 *
 * @param ctx      context, or NULL for defaults
 * @param grid     a spatial grid with 1000 m cells, borrowed
 * @param opts     options, or NULL for the defaults
 * @param cls_out  caller-allocated, ig_grid_ncells(grid) entries; receives
 *                 an ::ig_degurba_class per cell
 * @param place_out caller-allocated, ig_grid_ncells(grid) entries, or NULL;
 *                 receives the place id per cell (0 = none)
 * @param summary  receives the counts, or NULL
 * @param err      error detail, or NULL
 * @return IG_OK; IG_ERR_DOMAIN for an aspatial grid, a cell size other than
 *         1000 m (aggregate the grid to 1 km first), bad options, a place
 *         out of range, or a work raster above max_window_cells;
 *         IG_ERR_NOT_FOUND when land_area_var is not a column of the grid;
 *         IG_ERR_MISMATCH when a lattice cell appears twice (grid split by
 *         places: classify one place at a time); IG_ERR_NOMEM. The outputs
 *         are written only on success.
 */
IG_API ig_status ig_degurba_classify(ig_ctx *ctx, const ig_grid *grid,
                                     const ig_degurba_opts *opts,
                                     uint8_t *cls_out, uint32_t *place_out,
                                     ig_degurba_summary *summary,
                                     ig_error *err);

/** Name of class @p c: "rural", "urban_cluster", "urban_centre", or "none"
 *  (static storage, never NULL). */
IG_API const char *ig_degurba_class_name(int c);
/** @} */

/** @defgroup ig_place_table Place tables
 *  One row per urban centre and urban cluster found by
 *  ig_degurba_classify(): size, population, area, centroid and country.
 *  See docs/man/integrid-places.1.md for the columns.
 *  @{ */

/** One place (an urban centre or an urban cluster). Plain data owned by
 *  the ::ig_place_table it came from. */
typedef struct ig_place_row {
    uint32_t place_id; /**< the id of ig_degurba_classify(): centres
                            1..n_centres, then clusters */
    int cls; /**< IG_DEGURBA_URBAN_CENTRE or IG_DEGURBA_URBAN_CLUSTER */
    /** Grid cells of the place. An urban cluster counts the cells of the
     *  urban centres inside it too (in the manual a centre is part of its
     *  cluster), so its figures include theirs. */
    size_t cells;
    double population; /**< sum of ig_grid_totals() over the cells */
    /** Sum of each group's counts over the cells: ig_place_table_ngroups()
     *  values in the grid's group order. */
    const double *groups;
    /** Land area in km2: the sum of the land-area column over the cells
     *  (a cell whose value is missing or not above 0 counts 1 km2, as in
     *  the classification); without that column, cells x 1 km2. */
    double area_km2;
    /** Population-weighted mean of the cell centres, EPSG:3035 metres
     *  (the unweighted mean when the place has no population). */
    double x_3035, y_3035;
    /** The same point in WGS 84 degrees (EPSG:4326); NaN when the library
     *  was built without PROJ or PROJ could not transform it. */
    double lon, lat;
    /** Name of the grid's place (`--by` value, ig_grid_place_name()) that
     *  holds most of this place's population (the first by name on a tie);
     *  "" when the table was built without by_places. Borrowed from the
     *  grid: valid while the grid lives. */
    const char *country;
} ig_place_row;

/** A table of places; opaque, freed by ig_place_table_destroy(). */
typedef struct ig_place_table ig_place_table;

/** Options of ig_place_table_build(). Zero-initialise. */
typedef struct ig_place_table_opts {
    /** The land-area column (ig_grid_var()) used for the classification,
     *  or NULL for full cells. Borrowed. */
    const char *land_area_var;
    /** 1: the grid was split by places (`--by`, e.g. countries): fill
     *  ig_place_row.country. 0: country is "". */
    int by_places;
} ig_place_table_opts;

/**
 * Build the table of places from a classification.
 *
 * @param ctx       context, or NULL for defaults
 * @param grid      the grid that was classified, borrowed
 * @param place_ids the place_out of ig_degurba_classify() for @p grid
 *                  (ig_grid_ncells() entries), borrowed
 * @param summary   the summary of the same call, borrowed
 * @param opts      options, or NULL for the defaults
 * @param out       receives the table; set only on success
 * @param err       error detail, or NULL
 * @return IG_OK; IG_ERR_DOMAIN for an aspatial grid or missing arguments;
 *         IG_ERR_NOT_FOUND when land_area_var is not a column of the grid;
 *         IG_ERR_MISMATCH when @p place_ids and @p summary do not describe
 *         a DEGURBA classification of @p grid; IG_ERR_NOMEM.
 */
IG_API ig_status ig_place_table_build(ig_ctx *ctx, const ig_grid *grid,
                                      const uint32_t *place_ids,
                                      const ig_degurba_summary *summary,
                                      const ig_place_table_opts *opts,
                                      ig_place_table **out, ig_error *err);

/** Number of rows (centres first, then clusters, in place id order). */
IG_API size_t ig_place_table_count(const ig_place_table *t);
/** The rows; owned by @p t. */
IG_API const ig_place_row *ig_place_table_rows(const ig_place_table *t);
/** Number of groups per row (ig_grid_ngroups() of the grid). */
IG_API size_t ig_place_table_ngroups(const ig_place_table *t);
/** Name of group @p g; owned by @p t; NULL when out of range. */
IG_API const char *ig_place_table_group_name(const ig_place_table *t,
                                             size_t g);
/** 1 when the library computes lon/lat (built with PROJ), else 0. */
IG_API int ig_place_table_has_proj(void);
/** Free @p t; NULL is a no-op. */
IG_API void ig_place_table_destroy(ig_place_table *t);
/** @} */

#ifdef __cplusplus
}
#endif
#endif /* IG_PLACES_H */
