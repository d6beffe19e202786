/** @file ig_placeset.h
 *  @brief Sets of places over a grid, ready for measures: each place is a
 *  list of cells (places may overlap), described by an id, a class, a
 *  name and a country, with its population, group totals, land area and
 *  centroid; plus the grid regrouped so that ig_measures_run() computes
 *  every measure for every place in one call.
 *
 *  Places come from the Degree of Urbanisation (ig_placeset_degurba()),
 *  from the grid's own `--by` places (ig_placeset_by()), or from any list
 *  of cells (ig_placeset_create(), e.g. polygons of a boundary file). Class
 *  aggregates ("all urban centres of DE") are places too, flagged as such.
 *  See docs/places/placesets.md. */
#ifndef IG_PLACESET_H
#define IG_PLACESET_H

#include <stddef.h>
#include <stdint.h>

#include "integrid/ig_ctx.h"
#include "integrid/ig_boundaries.h"
#include "integrid/ig_export.h"
#include "integrid/ig_grid.h"
#include "integrid/ig_places.h"
#include "integrid/ig_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @defgroup ig_placeset Place sets
 *  @{ */

/** A set of places; opaque, freed by ig_placeset_destroy(). */
typedef struct ig_placeset ig_placeset;

/** How the caller describes one place for ig_placeset_create(). Strings
 *  are copied. */
typedef struct ig_place_def {
    const char *id;      /**< unique, non-empty */
    const char *name;    /**< display name, or NULL/"" */
    const char *cls;     /**< class, e.g. "urban_centre"; NULL/"" allowed */
    /** Country (or other region) code; NULL: the `--by` place of the
     *  grid holding most of the place's population when
     *  ig_placeset_opts.by_places is set, else "". */
    const char *country;
    int aggregate;       /**< 1: a class aggregate (union of places) */
} ig_place_def;

/** Options shared by the constructors. Zero-initialise. */
typedef struct ig_placeset_opts {
    /** Land area per cell in km2 (ig_grid_var() name), e.g.
     *  "LAND_SURFACE"; NULL: full cells. A missing or non-positive value
     *  counts the full cell. Borrowed. */
    const char *land_area_var;
    /** 1: the grid was split by `--by` places that are countries (or other
     *  regions): places get the one holding most of their population. */
    int by_places;
    /** 1: add class aggregates: for every class and country, one place
     *  holding all places of that class there (ig_placeset_degurba() adds
     *  rural cells per country too). With no `--by` places the country of
     *  an aggregate is "all". */
    int aggregates;
} ig_placeset_opts;

/** One place. Plain data owned by the ::ig_placeset. */
typedef struct ig_placeset_row {
    const char *id;
    const char *name;    /**< "" when unknown */
    const char *cls;     /**< "" when none */
    const char *country; /**< "" when unknown */
    int aggregate;       /**< 1 for class aggregates */
    size_t cells;        /**< cells listed (fractions count as cells) */
    double population;   /**< sum of ig_grid_totals(), weighted */
    /** Group totals, ig_grid_ngroups() values in the grid's order. */
    const double *groups;
    /** Sums of the grid's extra columns (ig_grid_nvars() values), e.g. a
     *  kept CHG_IN column; weighted like the counts. */
    const double *vars;
    /** Land area (see ig_placeset_opts.land_area_var), km2; NaN for
     *  aspatial grids. */
    double area_km2;
    /** Population-weighted mean of the cell centres in the grid's CRS
     *  (unweighted when the place has no population; NaN when it has no
     *  cells or the grid is aspatial). */
    double x, y;
    /** The centroid in WGS 84 degrees; NaN without PROJ. */
    double lon, lat;
} ig_placeset_row;

/**
 * Build a place set from lists of cells of @p grid.
 *
 * Place p holds cells[offsets[p] .. offsets[p+1]) with optional weights
 * (area shares, in (0, 1]; NULL: 1), as for ig_grid_regroup().
 *
 * @return IG_OK; IG_ERR_DOMAIN for bad arguments or an empty or repeated
 *         id; IG_ERR_NOT_FOUND when land_area_var is not a column of the
 *         grid; IG_ERR_MISMATCH when a place lists a cell twice;
 *         IG_ERR_NOMEM.
 */
IG_API ig_status ig_placeset_create(ig_ctx *ctx, const ig_grid *grid,
                                    size_t n, const ig_place_def *defs,
                                    const size_t *offsets, const size_t *cells,
                                    const double *weights,
                                    const ig_placeset_opts *opts,
                                    ig_placeset **out, ig_error *err);

/**
 * Places of the Degree of Urbanisation: classify @p grid (1 km cells; see
 * ig_degurba_classify()) and make one place per urban centre (class
 * "urban_centre", id "1".."n_centres") and per urban cluster (class
 * "urban_cluster", the following ids; a cluster holds the cells of the
 * centres inside it), with the ids of `integrid places`. With
 * opts->aggregates, it adds per country: "urban_centre:<country>",
 * "urban_cluster:<country>" (places of the class whose country that is)
 * and "rural:<country>" (rural cells of that `--by` place).
 *
 * Names are empty; set them with ig_placeset_set_name() (e.g. from a
 * gazetteer).
 *
 * @param dopts   classification options, or NULL for the manual's; its
 *                land_area_var is taken from @p opts when NULL there
 * @return as ig_degurba_classify() and ig_placeset_create().
 */
IG_API ig_status ig_placeset_degurba(ig_ctx *ctx, const ig_grid *grid,
                                     const ig_degurba_opts *dopts,
                                     const ig_placeset_opts *opts,
                                     ig_placeset **out, ig_error *err);

/**
 * One place per feature of a boundary file (ig_boundaries_read_path()):
 * id and name from the file, class "boundary", cells assigned by centre or
 * by area share (ig_boundaries_assign()). A feature that covers no cell is
 * a place with no cells and population 0 (the assignment logs a warning).
 * No aggregates.
 *
 * @return as ig_boundaries_assign() and ig_placeset_create().
 */
IG_API ig_status ig_placeset_boundaries(ig_ctx *ctx, const ig_grid *grid,
                                        const ig_boundaries *b,
                                        ig_assign_mode mode,
                                        const ig_placeset_opts *opts,
                                        ig_placeset **out, ig_error *err);

/** One place per `--by` place of @p grid (id = its name, class @p cls or
 *  ""). */
IG_API ig_status ig_placeset_by(ig_ctx *ctx, const ig_grid *grid,
                                const char *cls, const ig_placeset_opts *opts,
                                ig_placeset **out, ig_error *err);

/** Number of places (rows). */
IG_API size_t ig_placeset_count(const ig_placeset *ps);
/** Row @p i, or NULL when out of range. */
IG_API const ig_placeset_row *ig_placeset_get(const ig_placeset *ps,
                                              size_t i);
/** Index of the row with id @p id, or (size_t)-1. */
IG_API size_t ig_placeset_find(const ig_placeset *ps, const char *id);
/** Cells of row @p i: *cells receives indices into the source grid,
 *  *weights the weights or NULL when all are 1. @return the count. */
IG_API size_t ig_placeset_cells(const ig_placeset *ps, size_t i,
                                const size_t **cells, const double **weights);
/** The grid regrouped by place (ig_grid_regroup()): place p of this grid
 *  is row p, named by its id. Owned by @p ps. */
IG_API const ig_grid *ig_placeset_grid(const ig_placeset *ps);
/** Replace the name of row @p i (copied), e.g. from a gazetteer.
 *  @return IG_OK, IG_ERR_DOMAIN or IG_ERR_NOMEM. */
IG_API ig_status ig_placeset_set_name(ig_placeset *ps, size_t i,
                                      const char *name);
/** Name every place that is not an aggregate after the most populous
 *  gazetteer entry inside it (ig_gazetteer_name_places()); places with
 *  none keep their name. @p gz is a `const struct ig_gazetteer *`.
 *  @return as ig_gazetteer_name_places(). */
struct ig_gazetteer;
IG_API ig_status ig_placeset_name_places(ig_placeset *ps,
                                         const struct ig_gazetteer *gz,
                                         const ig_grid *grid, ig_error *err);
/** Cell classes of the classification behind ig_placeset_degurba() (one
 *  ::ig_degurba_class per source-grid cell), or NULL for other sets. */
IG_API const uint8_t *ig_placeset_cell_classes(const ig_placeset *ps);
/** Place id number per source-grid cell (0 = none) of that
 *  classification, or NULL. */
IG_API const uint32_t *ig_placeset_cell_places(const ig_placeset *ps);
/** The classification summary, or NULL for other sets. */
IG_API const ig_degurba_summary *
ig_placeset_degurba_summary(const ig_placeset *ps);
/** Free @p ps; NULL is a no-op. */
IG_API void ig_placeset_destroy(ig_placeset *ps);
/** @} */

#ifdef __cplusplus
}
#endif
#endif /* IG_PLACESET_H */
