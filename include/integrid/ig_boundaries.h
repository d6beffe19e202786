/** @file ig_boundaries.h
 *  @brief Places from boundary files: polygons (municipalities, districts,
 *  NUTS regions) read from GeoJSON, or from Shapefile, GeoPackage and the
 *  other vector formats of GDAL/OGR, reprojected to the grid's CRS, and the
 *  assignment of grid cells to them, by cell centre or by area share.
 *
 *  The result of ig_boundaries_assign() is in the form ig_grid_regroup()
 *  (ig_grid.h) takes, so measures can then be computed per polygon.
 *  See docs/places/boundaries.md for the exact rules. */
#ifndef IG_BOUNDARIES_H
#define IG_BOUNDARIES_H

#include <stddef.h>
#include <stdint.h>

#include "integrid/ig_ctx.h"
#include "integrid/ig_export.h"
#include "integrid/ig_grid.h"
#include "integrid/ig_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @defgroup ig_boundaries Boundary files
 *  @{ */

/** Polygons, one place per feature, in the target CRS. Opaque; made by
 *  ig_boundaries_read_path() or ig_boundaries_read_mem(), freed by
 *  ig_boundaries_destroy(). Read-only once made. */
typedef struct ig_boundaries ig_boundaries;

/** Options of the readers. Zero-initialise; every field is optional. */
typedef struct ig_boundaries_opts {
    /** Property holding the place name (CLI `--place-name`), e.g. "na" or
     *  "NAME_LATN"; NULL: the name is the id. A feature without it is an
     *  error; a null value gives the name "". Borrowed. */
    const char *name_prop;
    /** Property holding the place id, e.g. "NUTS_ID"; NULL: the feature's
     *  "id" member, else its 1-based index in the file (GDAL: in the
     *  layer). A feature without it is an error. Borrowed. */
    const char *id_prop;
    /** Source CRS, overriding the file's: anything PROJ accepts
     *  ("EPSG:2154", an OGC URN, WKT, PROJJSON). NULL: the GeoJSON `crs`
     *  member, the layer's CRS (GDAL), else lon/lat (RFC 7946). Borrowed. */
    const char *src_crs;
    /** Target CRS as an EPSG code; 0 means 3035 (ETRS89-LAEA). It must be
     *  the grid's CRS at assignment. */
    int32_t target_epsg;
    /** GDAL only: the layer to read; NULL: the first layer. Borrowed. */
    const char *layer;
} ig_boundaries_opts;

/** A bounding box in the target CRS (metres for EPSG:3035). */
typedef struct ig_bbox {
    double min_x, min_y, max_x, max_y;
} ig_bbox;

/**
 * Read a boundary file.
 *
 * Files ending in .geojson or .json (any case), and any file whose first
 * non-blank byte is '{', are read by the built-in GeoJSON reader, which
 * needs neither GDAL nor, for files already in the target CRS, PROJ; a
 * gzip-compressed GeoJSON file is decompressed on the fly. "-" reads
 * GeoJSON from standard input. Anything else (Shapefile .shp, GeoPackage
 * .gpkg, ...) is read through GDAL/OGR when the library was built with it.
 *
 * Rings are repaired and checked as in ig_boundaries_read_mem(); GDAL
 * errors carry the file name and the feature, not a line.
 *
 * @param ctx   context, or NULL for defaults; warnings go to its log
 * @param path  file path, borrowed
 * @param opts  options, or NULL for the defaults
 * @param out   receives the polygons; set only on success
 * @param err   error detail, or NULL
 * @return IG_OK; IG_ERR_IO when the file cannot be read; IG_ERR_PARSE for
 *         invalid JSON or a broken geometry; IG_ERR_FORMAT for a file that
 *         is not GeoJSON (or a format GDAL cannot open), a file with no
 *         Polygon or MultiPolygon, or an unknown CRS in the file;
 *         IG_ERR_DOMAIN for bad options, an unknown src_crs, coordinates
 *         that are not finite, out of range or cannot be reprojected;
 *         IG_ERR_NOT_FOUND when a feature lacks id_prop or name_prop (or the
 *         layer does not exist); IG_ERR_DISABLED when the file needs GDAL or
 *         PROJ and the library was built without it; IG_ERR_NOMEM.
 */
IG_API ig_status ig_boundaries_read_path(ig_ctx *ctx, const char *path,
                                         const ig_boundaries_opts *opts,
                                         ig_boundaries **out, ig_error *err);

/**
 * Read GeoJSON (RFC 7946) from memory.
 *
 * Accepts a FeatureCollection, a Feature or a bare geometry. Polygon and
 * MultiPolygon geometries (with holes) are read; features with other
 * geometry types, or none, are skipped with a warning. A feature whose
 * geometry is empty is kept, without polygons. Coordinates are lon/lat
 * (EPSG:4326, longitude first) unless the file has an old-style `crs`
 * member ("urn:ogc:def:crs:EPSG::3035", "EPSG:3035", the OGC CRS84 URNs)
 * or @p opts gives src_crs. Repairs: an unclosed ring is closed (warning);
 * repeated consecutive positions are removed silently; rings are oriented
 * (exterior counter-clockwise, holes clockwise).
 *
 * @param ctx   context, or NULL for defaults; warnings go to its log
 * @param buf   the GeoJSON text, borrowed; need not be NUL-terminated
 * @param len   bytes in @p buf
 * @param name  name used in messages (file name), or NULL for "<memory>"
 * @param opts  options, or NULL for the defaults
 * @param out   receives the polygons; set only on success
 * @param err   error detail (file, line, column), or NULL
 * @return as ig_boundaries_read_path(); IG_ERR_PARSE with line and column
 *         for invalid JSON, a ring with fewer than 4 positions, or a
 *         self-intersecting ring (the message names the feature and the
 *         crossing point).
 */
IG_API ig_status ig_boundaries_read_mem(ig_ctx *ctx, const char *buf,
                                        size_t len, const char *name,
                                        const ig_boundaries_opts *opts,
                                        ig_boundaries **out, ig_error *err);

/** Destroy @p b; NULL is a no-op. */
IG_API void ig_boundaries_destroy(ig_boundaries *b);

/** Number of places (features kept), in file order. */
IG_API size_t ig_boundaries_count(const ig_boundaries *b);
/** Id of place @p i; owned by @p b; NULL when out of range. */
IG_API const char *ig_boundaries_id(const ig_boundaries *b, size_t i);
/** Name of place @p i; owned by @p b; NULL when out of range. */
IG_API const char *ig_boundaries_name(const ig_boundaries *b, size_t i);
/** All ids as an array of ig_boundaries_count() strings (for the names of
 *  ig_grid_regroup()); owned by @p b. */
IG_API const char *const *ig_boundaries_ids(const ig_boundaries *b);
/** All names, likewise; owned by @p b. */
IG_API const char *const *ig_boundaries_names(const ig_boundaries *b);
/** Area of place @p i in square metres of the target CRS (holes
 *  subtracted); 0 when out of range or without polygons. */
IG_API double ig_boundaries_area_m2(const ig_boundaries *b, size_t i);
/** Bounding box of place @p i. @return IG_OK; IG_ERR_DOMAIN when @p i is
 *  out of range or the place has no polygons. */
IG_API ig_status ig_boundaries_bbox(const ig_boundaries *b, size_t i,
                                    ig_bbox *out);
/** Number of polygons (MultiPolygon parts) of place @p i. */
IG_API size_t ig_boundaries_npolygons(const ig_boundaries *b, size_t i);
/** Target CRS (EPSG code) of the coordinates. */
IG_API int32_t ig_boundaries_epsg(const ig_boundaries *b);
/** The source CRS as found ("EPSG:2154", "OGC:CRS84" for the RFC 7946
 *  default, or the src_crs option); owned by @p b. */
IG_API const char *ig_boundaries_source_crs(const ig_boundaries *b);
/** 1 when the library reads formats other than GeoJSON (built with GDAL),
 *  else 0. */
IG_API int ig_boundaries_have_gdal(void);
/** 1 when the library reprojects (built with PROJ), else 0. */
IG_API int ig_boundaries_have_proj(void);
/** @} */

/** @defgroup ig_assign Assigning grid cells to places
 *  @{ */

/** How cells are assigned. */
typedef enum ig_assign_mode {
    /** A cell belongs to the polygon containing its centre; a centre on a
     *  shared edge or vertex goes to exactly one polygon (half-open rule:
     *  boundaries on the west and south are inside, east and north
     *  outside); where polygons overlap, to the first in file order. */
    IG_ASSIGN_CENTRE = 0,
    /** A cell is shared among the polygons it overlaps: the weight of cell
     *  c for polygon p is area(c n p) / sum over polygons q of
     *  area(c n q), from exact polygon-square intersection areas. Overlaps
     *  below 1e-9 of the cell area and weights below 1e-12 are dropped. */
    IG_ASSIGN_AREA = 1
} ig_assign_mode;

/** Cells per place in compressed sparse row form. Opaque; made by
 *  ig_boundaries_assign(), freed by ig_assignment_destroy(). */
typedef struct ig_assignment ig_assignment;

/**
 * Assign the cells of a spatial grid to the places of @p b.
 *
 * Cells are found through the polygons' bounding boxes and scanlines over
 * the lattice rows inside them, with the grid's cells looked up by (row,
 * column), so the cost grows with the cells and vertices involved, not
 * with their product. Warnings (places that cover no cell, overlapping
 * polygons) go to the context's log. The result does not depend on the
 * thread count.
 *
 * @param ctx   context, or NULL for defaults
 * @param b     the polygons, borrowed
 * @param grid  a spatial grid in the CRS of @p b, borrowed; each lattice
 *              cell at most once (a grid not split by places)
 * @param mode  ::IG_ASSIGN_CENTRE or ::IG_ASSIGN_AREA
 * @param out   receives the assignment; set only on success
 * @param err   error detail, or NULL
 * @return IG_OK; IG_ERR_DOMAIN for an aspatial grid, a bad mode or missing
 *         arguments; IG_ERR_MISMATCH when the grid's CRS is not the
 *         boundaries' or a lattice cell appears twice; IG_ERR_NOMEM.
 */
IG_API ig_status ig_boundaries_assign(ig_ctx *ctx, const ig_boundaries *b,
                                      const ig_grid *grid, ig_assign_mode mode,
                                      ig_assignment **out, ig_error *err);

/** Number of places (ig_boundaries_count() of the boundaries). */
IG_API size_t ig_assignment_nplaces(const ig_assignment *a);
/** nplaces + 1 ascending offsets into ig_assignment_cells(); owned by
 *  @p a. */
IG_API const size_t *ig_assignment_offsets(const ig_assignment *a);
/** Grid cell indices; place p holds cells[offsets[p] .. offsets[p+1]), in
 *  ascending order. Owned by @p a. */
IG_API const size_t *ig_assignment_cells(const ig_assignment *a);
/** One weight in (0, 1] per entry of ig_assignment_cells() in area mode;
 *  NULL in centre mode (every weight is 1). Owned by @p a. */
IG_API const double *ig_assignment_weights(const ig_assignment *a);
/** Number of cells of place @p p (0 when out of range). */
IG_API size_t ig_assignment_place_cells(const ig_assignment *a, size_t p);
/** Grid cells assigned to no place. */
IG_API size_t ig_assignment_unassigned(const ig_assignment *a);
/** Places with no cell. */
IG_API size_t ig_assignment_empty_places(const ig_assignment *a);
/** Grid cells covered by more than one polygon: centre mode, centres
 *  inside two or more places (kept by the first); area mode, cells whose
 *  polygon areas add up to more than the cell. */
IG_API size_t ig_assignment_overlaps(const ig_assignment *a);
/** The mode the assignment was made with. */
IG_API ig_assign_mode ig_assignment_mode(const ig_assignment *a);
/** Free @p a; NULL is a no-op. */
IG_API void ig_assignment_destroy(ig_assignment *a);
/** @} */

#ifdef __cplusplus
}
#endif
#endif /* IG_BOUNDARIES_H */
