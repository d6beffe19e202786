/* Internal helpers shared by the places modules. */
#ifndef IG_PLACES_INTERNAL_H
#define IG_PLACES_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "integrid/ig_ctx.h"
#include "integrid/ig_grid.h"
#include "integrid/ig_status.h"

/* Transform n points in EPSG:epsg (0 means 3035) to WGS 84 lon/lat. Point
 * k is read from the doubles at byte offset k * stride from x and y (e.g.
 * fields of an array of structs, stride = sizeof the struct) and written
 * to the doubles at the same offset from lon and lat; NaN where PROJ is
 * missing or fails (logged). */
void ig__to_lonlat(ig_ctx *ctx, int32_t epsg, size_t n, const double *x,
                   const double *y, double *lon, double *lat, size_t stride);

/* The extra column @p name of @p grid (e.g. the land area or a population
 * column) into *out; NULL name: *out = NULL and IG_OK. IG_ERR_NOT_FOUND,
 * saying "<what> column '<name>' is not in the grid" and how to keep it,
 * when the grid has no such column. */
ig_status ig__grid_column(const ig_grid *grid, const char *name,
                          const char *what, const double **out, ig_error *err);

#endif
