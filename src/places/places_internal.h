/* Internal helpers shared by the places modules. */
#ifndef IG_PLACES_INTERNAL_H
#define IG_PLACES_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "integrid/ig_ctx.h"

/* Transform n points (x[k*stride_in], y[k*stride_in]) in EPSG:epsg (0 means
 * 3035) to WGS 84 lon/lat (lon[k*stride_out], lat[k*stride_out]); NaN
 * where PROJ is missing or fails (logged). */
void ig__to_lonlat(ig_ctx *ctx, int32_t epsg, size_t n, const double *x,
                   const double *y, size_t stride_in, double *lon,
                   double *lat, size_t stride_out);

#endif
