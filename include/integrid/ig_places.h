/** @file ig_places.h
 *  @brief Places derived from a population grid: the Degree of
 *  Urbanisation (DEGURBA) classification of 1 km grid cells, level 1
 *  (urban centres, urban clusters, rural cells) and level 2 (dense and
 *  semi-dense urban clusters, suburban cells, rural clusters, low and very
 *  low density rural cells, water).
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

/** Grid cell classes of DEGURBA level 2 (ig_degurba_opts.level = 2), with
 *  the manual's and GHS-SMOD's codes: the tens digit is the level 1 class
 *  (3 urban centre, 2 urban cluster, 1 rural). Level 2 refines level 1:
 *  every level 2 class lies inside one level 1 class
 *  (ig_degurba_level1_of()). */
typedef enum ig_degurba_class2 {
    IG_DEGURBA2_WATER = 10,                /**< rural, no people, less than
                                                half the cell is land */
    IG_DEGURBA2_VERY_LOW_DENSITY_RURAL = 11, /**< rural, < 50 /km2 */
    IG_DEGURBA2_LOW_DENSITY_RURAL = 12,    /**< rural, >= 50 /km2, not in a
                                                rural cluster */
    IG_DEGURBA2_RURAL_CLUSTER = 13,        /**< in a rural cluster (village) */
    IG_DEGURBA2_SUBURBAN = 21,             /**< urban cluster cell outside
                                                dense and semi-dense urban
                                                clusters (suburban or
                                                peri-urban) */
    IG_DEGURBA2_SEMI_DENSE_URBAN_CLUSTER = 22, /**< semi-dense town */
    IG_DEGURBA2_DENSE_URBAN_CLUSTER = 23,  /**< dense town */
    IG_DEGURBA2_URBAN_CENTRE = 30          /**< in an urban centre (city) */
} ig_degurba_class2;

/** Size of ig_degurba_summary.class_cells / class_pop: one slot per class
 *  code (level 1 codes 0-3, level 2 codes 10-30). */
#define IG_DEGURBA_CLASS_SLOTS 32

/** ig_degurba_opts.place value meaning "every cell of the grid". */
#define IG_DEGURBA_ALL_PLACES ((size_t)-1)

/** Options of ig_degurba_classify(). Initialise with
 *  ig_degurba_opts_init(), which sets the manual's defaults shown below;
 *  tests may lower the thresholds to work on small grids. Fields after
 *  max_window_cells were added for level 2 and fine grids. */
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
     *  majority rule first, then fill gaps (the order of GHSL as
     *  reproduced by the flexurba R package). */
    int smooth_before_fill;
    /** Classify only the cells of this place (ig_grid_place_range());
     *  IG_DEGURBA_ALL_PLACES (default): the whole grid. */
    size_t place;
    /** Largest dense work raster (bounding box of the cells plus a one-cell
     *  border) accepted, in 1 km cells; 0 means 64 Mi cells (about
     *  320 MB). */
    uint64_t max_window_cells;

    /** 1 (default) or 2: the classes written to cls_out
     *  (::ig_degurba_class or ::ig_degurba_class2) and the places found. */
    int level;
    /** Whole-grid runs of a grid split into places whose cells share a
     *  lattice position (a 1 km cell cut by a border, e.g. after
     *  ig_grid_aggregate() per country): 1 (default) classifies each
     *  position once, with the parts' population summed (and their land
     *  areas summed when every part has one), and gives every part the
     *  position's class and place; 0 refuses such grids with
     *  IG_ERR_MISMATCH (for grids whose places repeat the same people). */
    int merge_shared_cells;
    /* level 2 (defaults of the 2021 manual) */
    double dense_min_density;      /**< dense urban cluster; 1500 */
    double dense_min_pop;          /**< dense urban cluster (4-connected);
                                        5000 */
    double semi_dense_min_density; /**< semi-dense urban cluster; 300 */
    double semi_dense_min_pop;     /**< semi-dense urban cluster
                                        (8-connected); 5000 */
    /** A semi-dense urban cluster has no cell within this many cells
     *  (8-neighbour steps) of an urban centre or dense urban cluster cell;
     *  3 ("at least 2 km away", measured outside a buffer of three 1 km
     *  cells). 0 to 50. */
    int semi_dense_buffer_cells;
    double rural_cluster_min_density; /**< rural cluster; 300 */
    double rural_cluster_min_pop;  /**< rural cluster (8-connected); 500 */
    double low_density_min;        /**< low density rural cell; 50 /km2 */
    /** A rural cell with no people whose land_area_var value is below this
     *  (km2; 0.5 = less than half of a 1 km cell) is water; 0.5. Only with
     *  land_area_var. 0 turns the water class off. */
    double water_max_land_km2;
    /** Name of an extra column (ig_grid_var()) holding each cell's
     *  population, e.g. "T" kept from a Eurostat grid while the groups'
     *  sum is the grid's total; NULL: ig_grid_totals(). A missing or
     *  negative value falls back to the cell's total. The summary's
     *  populations use it too. Borrowed. */
    const char *pop_var;
} ig_degurba_opts;

/** What ig_degurba_classify() found. Place ids are numbered by kind in
 *  this order: centres, urban clusters, then (level 2 only) dense urban
 *  clusters, semi-dense urban clusters and rural clusters. */
typedef struct ig_degurba_summary {
    size_t n_centres;  /**< urban centres: place ids 1..n_centres */
    size_t n_clusters; /**< urban clusters (each contains 0 or more
                            centres): the next n_clusters ids */
    size_t n_places;   /**< all place ids: the sum of the five counts */
    double pop_centre;  /**< population in urban centre cells */
    double pop_cluster; /**< population in urban cluster cells (not in
                             centres) */
    double pop_rural;   /**< population in rural cells */
    uint64_t window_cells; /**< size of the work raster used */
    int level;          /**< the level classified (1 or 2) */
    size_t n_dense;      /**< level 2: dense urban clusters */
    size_t n_semi_dense; /**< level 2: semi-dense urban clusters */
    size_t n_rural_clusters; /**< level 2: rural clusters */
    /** Cells of the grid (as given, fine cells included) per class code
     *  written to cls_out; the other slots are 0. */
    uint64_t class_cells[IG_DEGURBA_CLASS_SLOTS];
    /** Population per class code (compensated sums). */
    double class_pop[IG_DEGURBA_CLASS_SLOTS];
    /** Cell size classified: 1000 (finer grids are aggregated). */
    int32_t classified_size_m;
} ig_degurba_summary;

/** Set @p o to the defaults of the 2021 manual. */
IG_API void ig_degurba_opts_init(ig_degurba_opts *o);

/**
 * Classify the cells of a 1 km grid into urban centres, urban clusters and
 * rural cells (DEGURBA level 1), or into the level 2 classes.
 *
 * Density is the total population (ig_grid_totals()) over the cell's land
 * area. Urban centres are 4-connected clusters of cells with density >=
 * centre_min_density holding >= centre_min_pop people, then completed by
 * gap filling and the majority rule. Urban clusters are 8-connected
 * clusters of cells with density >= cluster_min_density, or in an urban
 * centre, holding >= cluster_min_pop people. Cells missing from the grid
 * count as population 0; they can still be part of a hole that is filled.
 * Level 2 (docs/places/degurba.md) splits urban cluster cells into dense
 * urban clusters, semi-dense urban clusters and suburban cells, and rural
 * cells into rural clusters, low and very low density cells and water.
 *
 * Finer grids: a grid whose cell size divides 1000 m (100, 200, 250,
 * 500 m, ...) is aggregated to 1 km (ig_grid_aggregate()), classified, and
 * every fine cell gets the class and place id of its 1 km cell; the
 * land-area column is summed (see ig_grid_aggregate() for its limits).
 *
 * Place ids are deterministic: each kind is numbered in the grid's
 * canonical cell order of its first cell (see ::ig_degurba_summary for the
 * id ranges). A centre cell gets its centre's id; at level 1 an urban
 * cluster cell its cluster's id; at level 2 a dense or semi-dense urban
 * cluster cell that cluster's id, a suburban cell its urban cluster's id,
 * and a rural cluster cell its rural cluster's id; other cells 0.
 *
 * @param ctx      context, or NULL for defaults
 * @param grid     a spatial grid with 1000 m cells or cells dividing 1 km,
 *                 borrowed
 * @param opts     options, or NULL for the defaults
 * @param cls_out  caller-allocated, ig_grid_ncells(grid) entries; receives
 *                 an ::ig_degurba_class (level 1) or ::ig_degurba_class2
 *                 (level 2) per cell
 * @param place_out caller-allocated, ig_grid_ncells(grid) entries, or NULL;
 *                 receives the place id per cell (0 = none)
 * @param summary  receives the counts, or NULL
 * @param err      error detail, or NULL
 * @return IG_OK; IG_ERR_DOMAIN for an aspatial grid, cells coarser than
 *         1 km or not dividing 1 km, bad options, a place out of range, or
 *         a work raster above max_window_cells; IG_ERR_NOT_FOUND when
 *         land_area_var is not a column of the grid; IG_ERR_MISMATCH when a
 *         lattice cell appears twice and merge_shared_cells is 0;
 *         IG_ERR_NOMEM. The outputs are written only on success.
 */
IG_API ig_status ig_degurba_classify(ig_ctx *ctx, const ig_grid *grid,
                                     const ig_degurba_opts *opts,
                                     uint8_t *cls_out, uint32_t *place_out,
                                     ig_degurba_summary *summary,
                                     ig_error *err);

/** Name of class @p c, level 1 or level 2: "rural", "urban_cluster",
 *  "urban_centre" (3 and 30), "water", "very_low_density_rural",
 *  "low_density_rural", "rural_cluster", "suburban_or_peri_urban",
 *  "semi_dense_urban_cluster", "dense_urban_cluster", or "none" (static
 *  storage, never NULL). */
IG_API const char *ig_degurba_class_name(int c);

/** The level 1 class of class @p c: a level 2 code maps to the level 1
 *  class containing it (30 -> 3, 21-23 -> 2, 10-13 -> 1); level 1 codes map
 *  to themselves; anything else to IG_DEGURBA_NONE. */
IG_API int ig_degurba_level1_of(int c);
/** @} */

/** @defgroup ig_place_table Place tables
 *  One row per place found by ig_degurba_classify() (urban centres and
 *  urban clusters; at level 2 also dense and semi-dense urban clusters and
 *  rural clusters): size, population, area, centroid and country. See
 *  docs/man/integrid-places.1.md for the columns.
 *  @{ */

/** One place. Plain data owned by the ::ig_place_table it came from. */
typedef struct ig_place_row {
    uint32_t place_id; /**< the id of ig_degurba_classify(): centres
                            1..n_centres, then clusters, then the level 2
                            kinds */
    /** Kind of place: IG_DEGURBA_URBAN_CENTRE, IG_DEGURBA_URBAN_CLUSTER,
     *  or (level 2) IG_DEGURBA2_DENSE_URBAN_CLUSTER,
     *  IG_DEGURBA2_SEMI_DENSE_URBAN_CLUSTER, IG_DEGURBA2_RURAL_CLUSTER;
     *  ig_degurba_class_name() names it. */
    int cls;
    /** Grid cells of the place. An urban cluster counts the cells of the
     *  urban centres and dense and semi-dense urban clusters inside it too
     *  (in the manual they are part of the cluster), so its figures include
     *  theirs. Cells of a grid finer than 1 km are counted as they are. */
    size_t cells;
    double population; /**< sum of ig_grid_totals() over the cells */
    /** Sum of each group's counts over the cells: ig_place_table_ngroups()
     *  values in the grid's group order. */
    const double *groups;
    /** Land area in km2: the sum of the land-area column over the cells
     *  (a cell whose value is missing or not above 0 counts its full area,
     *  as in the classification); without that column, the cells' area. */
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
 *                  (ig_grid_ncells() entries; level 1 or 2; @p grid may be
 *                  the finer grid that was classified), borrowed
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

/** Number of rows (one per place id, in place id order). */
IG_API size_t ig_place_table_count(const ig_place_table *t);
/** The rows; owned by @p t. */
IG_API const ig_place_row *ig_place_table_rows(const ig_place_table *t);
/** The cells of every row: row k (in ig_place_table_rows() order) holds
 *  the grid cells cells[offsets[k] .. offsets[k+1]) (indices into the
 *  grid the table was built from, in canonical order; offsets has
 *  ig_place_table_count() + 1 entries, the counts are the rows' cells). An
 *  urban cluster's row lists the cells of the centres and towns inside it
 *  too. Both arrays are owned by @p t; NULL for a NULL table. */
IG_API void ig_place_table_cells(const ig_place_table *t,
                                 const size_t **offsets, const size_t **cells);
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
