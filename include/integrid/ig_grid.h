/** @file ig_grid.h
 *  @brief Population grids: cells on a regular square lattice in a projected
 *  CRS (EPSG:3035 by default), or aspatial units (schools, districts), each
 *  with a count per group.
 *
 *  Storage is structure-of-arrays: integer lattice coordinates, one count
 *  array per group (double: some sources publish estimates or perturbed
 *  values), a total per cell, an optional per-cell per-group "not available"
 *  flag, and an optional split into places (`--by`). Cells are kept in a
 *  canonical order (place name, then row, then column; aspatial units by
 *  name), so nothing computed from a grid depends on the input's row order.
 *  See docs/design/0003-grid-memory-layout.md. */
#ifndef IG_GRID_H
#define IG_GRID_H

#include <stddef.h>
#include <stdint.h>

#include "integrid/ig_ctx.h"
#include "integrid/ig_export.h"
#include "integrid/ig_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One grid cell, identified by its south-west (lower-left) corner, the
 *  INSPIRE convention. */
typedef struct ig_cell {
    int64_t north_m; /**< northing of the south-west corner, metres */
    int64_t east_m;  /**< easting of the south-west corner, metres */
    int32_t size_m;  /**< edge length in metres: 100, 250, 1000, ... */
    int32_t epsg;    /**< CRS code; 3035 for ETRS89-LAEA */
} ig_cell;

/** @defgroup ig_cellcode Cell codes
 *  @{ */

/** Longest code the formatters write, including the NUL. */
#define IG_CELLCODE_MAX 64

/**
 * Parse a statistical grid cell code.
 *
 * Accepts the INSPIRE long form "CRS3035RES1000mN2684000E4334000"
 * (coordinates of the south-west corner in metres), optionally behind a
 * country prefix such as "NL_", and the short form in units of the cell size:
 * "1kmN2684E4334" (N 2,684,000 m, E 4,334,000 m) or "100mN26840E43341"
 * (N 2,684,000 m, E 4,334,100 m). The short form implies EPSG:3035.
 * Leading or trailing spaces are an error; callers trim.
 *
 * @param s    code bytes, borrowed; need not be NUL-terminated
 * @param len  number of bytes in @p s
 * @param out  receives the cell; left untouched unless IG_OK is returned
 * @return IG_OK; IG_ERR_PARSE if @p s is not a cell code; IG_ERR_DOMAIN if
 *         the size is zero or a coordinate is out of range (|v| >= 1e12 m)
 */
IG_API ig_status ig_cellcode_parse(const char *s, size_t len, ig_cell *out);

/** Format @p c in the INSPIRE long form into @p buf (@p cap bytes).
 *  @return IG_OK; IG_ERR_TOO_SMALL when @p cap is too small (buf is then
 *  an empty string if cap > 0); IG_ERR_DOMAIN for a size <= 0. */
IG_API ig_status ig_cellcode_format(const ig_cell *c, char *buf, size_t cap);

/** Format @p c in the short form ("1kmN2684E4334", "100mN26840E43341").
 *  @return as ig_cellcode_format(); IG_ERR_DOMAIN also when a coordinate is
 *  not a multiple of the cell size. */
IG_API ig_status ig_cellcode_format_short(const ig_cell *c, char *buf,
                                          size_t cap);
/** @} */

/** @defgroup ig_grid Grids
 *  @{ */

/** A populated grid. Opaque; made by ig_grid_read_path() (ig_io.h) or
 *  ig_grid_builder_finish(), freed by ig_grid_destroy(). Read-only once
 *  made, so any number of threads may read it at once. */
typedef struct ig_grid ig_grid;

/** Bounding box of a spatial grid, metres; max is the far corner of the
 *  last cell (exclusive). */
typedef struct ig_extent {
    int64_t min_east_m, min_north_m, max_east_m, max_north_m;
} ig_extent;

/** What reading the input found, for `integrid info` and run metadata. */
typedef struct ig_grid_stats {
    uint64_t rows_read;   /**< data rows read from the input */
    uint64_t duplicates;  /**< rows merged into an earlier row's cell */
    uint64_t cells_na;    /**< cells where at least one group is not
                               available */
    uint64_t cells_flagged; /**< cells with a confidentiality flag set
                                 (Eurostat `*_CI` = 1) on a column in use */
    uint64_t negatives_clamped; /**< reserved; always 0 (negative counts are
                                     errors) */
    char format[32];      /**< reader that read it: "csv", "builder", ... */
    char delimiter;       /**< ',', ';', '\t'; 0 when not a text format */
    int decimal_comma;    /**< 1 when numbers used a decimal comma */
    int gzip;             /**< 1 when the input was gzip-compressed */
} ig_grid_stats;

/** Destroy @p grid; NULL is a no-op. */
IG_API void ig_grid_destroy(ig_grid *grid);

/** Number of cells (units). */
IG_API size_t ig_grid_ncells(const ig_grid *grid);
/** Number of groups. */
IG_API size_t ig_grid_ngroups(const ig_grid *grid);
/** Name of group @p g; owned by @p grid; NULL when g is out of range. */
IG_API const char *ig_grid_group_name(const ig_grid *grid, size_t g);
/** Index of the group called @p name, or (size_t)-1. */
IG_API size_t ig_grid_group_index(const ig_grid *grid, const char *name);

/** Cell edge length in metres; 0 for aspatial units (long-format input). */
IG_API int32_t ig_grid_cell_size_m(const ig_grid *grid);
/** CRS code (3035 by default); 0 for aspatial units. */
IG_API int32_t ig_grid_crs_epsg(const ig_grid *grid);

/** Cell @p i as a value. @return IG_OK; IG_ERR_DOMAIN when @p i is out of
 *  range or the grid is aspatial. */
IG_API ig_status ig_grid_cell(const ig_grid *grid, size_t i, ig_cell *out);
/** Lattice rows (northing / size) of all cells; NULL for aspatial grids.
 *  Owned by @p grid. */
IG_API const int32_t *ig_grid_rows(const ig_grid *grid);
/** Lattice columns (easting / size); NULL for aspatial grids. */
IG_API const int32_t *ig_grid_cols(const ig_grid *grid);
/** Name of unit @p i of an aspatial grid; NULL for spatial grids. */
IG_API const char *ig_grid_unit_name(const ig_grid *grid, size_t i);
/** Write the identifier of cell @p i (INSPIRE code, or unit name) into
 *  @p buf. @return IG_OK, IG_ERR_TOO_SMALL, IG_ERR_DOMAIN. */
IG_API ig_status ig_grid_cell_id(const ig_grid *grid, size_t i, char *buf,
                                 size_t cap);
/** Bounding box. @return IG_OK; IG_ERR_DOMAIN for aspatial or empty
 *  grids. */
IG_API ig_status ig_grid_extent(const ig_grid *grid, ig_extent *out);

/** Counts of group @p g for every cell (ncells values; a value that is not
 *  available is stored as 0 and flagged, see ig_grid_na()). Owned by
 *  @p grid; NULL when g is out of range. */
IG_API const double *ig_grid_counts(const ig_grid *grid, size_t g);
/** Population total per cell: the `--total` column when one was given,
 *  else the sum of the groups. Owned by @p grid. */
IG_API const double *ig_grid_totals(const ig_grid *grid);
/** 1 when a total column was given (so single-group measures compare a
 *  group with the rest of that total), 0 when totals are group sums. */
IG_API int ig_grid_has_total(const ig_grid *grid);
/** Not-available flags of group @p g (1 = not available), or NULL when no
 *  cell of that group is flagged. Owned by @p grid. */
IG_API const uint8_t *ig_grid_na(const ig_grid *grid, size_t g);
/** 1 per cell where any group is not available, or NULL when none is. */
IG_API const uint8_t *ig_grid_na_any(const ig_grid *grid);

/** Number of places: the distinct values of the `--by` column, or 1 (named
 *  "all") when the grid was not split. */
IG_API size_t ig_grid_nplaces(const ig_grid *grid);
/** Name of place @p p; owned by @p grid. */
IG_API const char *ig_grid_place_name(const ig_grid *grid, size_t p);
/** Cells of place @p p are cells [*first, *first + *count): places are
 *  contiguous and in name order. @return IG_OK or IG_ERR_DOMAIN. */
IG_API ig_status ig_grid_place_range(const ig_grid *grid, size_t p,
                                     size_t *first, size_t *count);

/** Number of within-groupings (`--within` values, e.g. districts); 0 when
 *  none was given. */
IG_API size_t ig_grid_nwithin(const ig_grid *grid);
/** Name of within-grouping @p k. */
IG_API const char *ig_grid_within_name(const ig_grid *grid, size_t k);
/** Within-grouping index of every cell, or NULL. */
IG_API const uint32_t *ig_grid_within(const ig_grid *grid);

/** Number of extra numeric columns kept (`--keep`, e.g. LAND_SURFACE). */
IG_API size_t ig_grid_nvars(const ig_grid *grid);
IG_API const char *ig_grid_var_name(const ig_grid *grid, size_t v);
/** Index of the extra column called @p name, or (size_t)-1. */
IG_API size_t ig_grid_var_index(const ig_grid *grid, const char *name);
/** Values of extra column @p v (NaN where not available). */
IG_API const double *ig_grid_var(const ig_grid *grid, size_t v);

/** Reading statistics; owned by @p grid. */
IG_API const ig_grid_stats *ig_grid_get_stats(const ig_grid *grid);
/** Number of cells in which group @p g is not available. */
IG_API uint64_t ig_grid_group_na_cells(const ig_grid *grid, size_t g);
/** Source name (file path, or "-" for standard input); owned by @p grid. */
IG_API const char *ig_grid_source(const ig_grid *grid);
/** @} */

/** @defgroup ig_builder Building grids from memory
 *  @{ */

/** A grid under construction. Rows may come in any order; rows for the
 *  same cell (same place) are summed, or rejected when `strict`. */
typedef struct ig_grid_builder ig_grid_builder;

/** Shape of the grid to build. */
typedef struct ig_grid_spec {
    int32_t size_m;  /**< cell size in metres; 0 for aspatial units */
    int32_t epsg;    /**< CRS code; 0 means 3035 for spatial grids */
    size_t n_groups; /**< >= 1 */
    const char *const *group_names; /**< n_groups names, copied */
    size_t n_vars;   /**< extra numeric columns, may be 0 */
    const char *const *var_names;   /**< n_vars names, copied */
    int has_total;   /**< 1: rows carry an explicit total */
    int strict;      /**< 1: a duplicate cell is an error, not a sum */
} ig_grid_spec;

/** One row for ig_grid_builder_add(). */
typedef struct ig_grid_row {
    ig_cell cell;          /**< spatial grids: the cell */
    const char *unit;      /**< aspatial grids: the unit name */
    const double *counts;  /**< n_groups counts (>= 0, finite) */
    const uint8_t *na;     /**< n_groups flags (1 = not available), or NULL */
    double total;          /**< used when spec.has_total */
    const double *vars;    /**< n_vars values (NaN = not available), or NULL */
    const char *place;     /**< `--by` value, or NULL */
    const char *within;    /**< `--within` value, or NULL */
    long line;             /**< source line for messages, 0 if none */
} ig_grid_row;

/** Start a grid. @p spec and its strings are copied.
 *  @return IG_OK; IG_ERR_DOMAIN for a bad spec; IG_ERR_NOMEM. */
IG_API ig_status ig_grid_builder_create(ig_ctx *ctx, const ig_grid_spec *spec,
                                        ig_grid_builder **out, ig_error *err);
/** Add one row. @return IG_OK; IG_ERR_DOMAIN for a negative or non-finite
 *  count, a cell of another size or off the lattice; IG_ERR_NOMEM. */
IG_API ig_status ig_grid_builder_add(ig_grid_builder *b, const ig_grid_row *row,
                                     ig_error *err);
/** Sort, merge duplicates and hand over the grid; the builder is emptied but
 *  must still be destroyed. @return IG_OK; IG_ERR_MISMATCH for a duplicate
 *  under `strict`; IG_ERR_NOMEM. */
IG_API ig_status ig_grid_builder_finish(ig_grid_builder *b, ig_grid **out,
                                        ig_error *err);
/** Destroy a builder; NULL is a no-op. */
IG_API void ig_grid_builder_destroy(ig_grid_builder *b);
/** @} */

/** @defgroup ig_derive Grids derived from grids
 *  @{ */

/**
 * A new grid whose places are given lists of cells of @p src, e.g. the
 * urban centres found by ig_degurba_classify(), the polygons of a boundary
 * file, or all urban centres of a country together. Places may overlap (a
 * cell may be in several places); within a place a cell appears once.
 *
 * Place p holds the cells cells[offsets[p] .. offsets[p+1]) of @p src. With
 * @p weights (same length as @p cells), each count, the total and the
 * extra columns of a cell are multiplied by its weight (area shares from a
 * boundary file; 0 < weight <= 1); NULL means weight 1 for every cell. Not-
 * available flags, within-groupings, groups, cell size and CRS are kept.
 * Places keep the order given (not name order); inside a place cells are
 * in canonical (row, column) order, or unit-name order for aspatial grids.
 * A place with no cells is allowed (its measures are then undefined).
 *
 * @param ctx      context, or NULL for defaults
 * @param src      the grid, borrowed
 * @param nplaces  number of places (>= 1)
 * @param names    nplaces place names, copied
 * @param offsets  nplaces + 1 ascending offsets into @p cells, offsets[0] = 0
 * @param cells    cell indices of @p src
 * @param weights  one weight per entry of @p cells, or NULL
 * @param out      receives the grid; set only on success
 * @param err      error detail, or NULL
 * @return IG_OK; IG_ERR_DOMAIN for bad arguments (index out of range,
 *         offsets not ascending, a weight outside (0, 1] or not finite);
 *         IG_ERR_MISMATCH when a place lists a lattice cell (or unit) twice;
 *         IG_ERR_NOMEM.
 */
IG_API ig_status ig_grid_regroup(ig_ctx *ctx, const ig_grid *src,
                                 size_t nplaces, const char *const *names,
                                 const size_t *offsets, const size_t *cells,
                                 const double *weights, ig_grid **out,
                                 ig_error *err);

/**
 * Aggregate a spatial grid to coarser cells whose size is a whole multiple
 * of its own (e.g. 100 m -> 1 km, for the Degree of Urbanisation). Counts,
 * totals and extra columns (e.g. LAND_SURFACE) are summed over the fine
 * cells of each coarse cell (compensated sums in canonical order); an extra
 * column is NaN (not available) in a coarse cell when it is NaN in any of
 * its fine cells, and a coarse cell flags a group not available when any of
 * its fine cells does. Only fine cells present in @p src contribute: a
 * land-area column summed from a grid that lists populated cells only
 * understates the land of the coarse cells. Places are kept (same names,
 * same order): a coarse cell is formed per place, so a coarse cell
 * straddling two `--by` places appears in both, each with its own part.
 * Within-groupings are dropped (they need not nest in coarse cells). The
 * coarse grid's statistics are the source's, with cells_na recounted and
 * duplicates 0. The cell's south-west corner is on the coarse lattice
 * (multiples of @p size_m), so a fine cell at N 2,684,300 m goes to the 1 km
 * cell at N 2,684,000 m.
 *
 * @param ctx      context, or NULL for defaults
 * @param src      a spatial grid, borrowed
 * @param size_m   the coarse cell size: a positive multiple of
 *                 ig_grid_cell_size_m(src); the same size copies the grid
 * @param out      receives the coarse grid; set only on success
 * @param cell_map ig_grid_ncells(src) entries, or NULL; receives for every
 *                 fine cell the index of its coarse cell in @p out, so a
 *                 classification of the coarse grid maps back to the cells
 *                 (written only on success)
 * @param err      error detail, or NULL
 * @return IG_OK; IG_ERR_DOMAIN for an aspatial grid or a size that is not a
 *         positive multiple of the grid's (the message says which sizes
 *         work); IG_ERR_NOMEM.
 */
IG_API ig_status ig_grid_aggregate(ig_ctx *ctx, const ig_grid *src,
                                   int32_t size_m, ig_grid **out,
                                   uint32_t *cell_map, ig_error *err);
/** @} */

#ifdef __cplusplus
}
#endif
#endif /* IG_GRID_H */
