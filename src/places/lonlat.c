/* Grid coordinates to WGS 84 lon/lat through PROJ (never hand-written
 * projection formulas). One PJ_CONTEXT per call, so there is no global
 * state and calls from several threads are safe. Without PROJ, or when
 * PROJ cannot build the transformation (no proj.db), the outputs are NaN
 * and a warning is logged once per call. */
#include <math.h>
#include <stdio.h>

#include "core/core.h"
#include "ig_config.h"
#include "places/places_internal.h"

#if IG_HAVE_PROJ
#include <proj.h>
#endif

void ig__to_lonlat(ig_ctx *ctx, int32_t epsg, size_t n, const double *x,
                   const double *y, size_t stride_in, double *lon,
                   double *lat, size_t stride_out)
{
    for (size_t k = 0; k < n; k++)
        lon[k * stride_out] = lat[k * stride_out] = NAN;
#if IG_HAVE_PROJ
    if (n == 0) return;
    PJ_CONTEXT *pc = proj_context_create();
    if (!pc) {
        ig__log(ctx, IG_LOG_WARN, "PROJ: cannot create a context; lon/lat "
                                  "left empty");
        return;
    }
    proj_log_level(pc, PJ_LOG_NONE);
    char src[32];
    snprintf(src, sizeof src, "EPSG:%ld", (long)(epsg ? epsg : 3035));
    PJ *p = proj_create_crs_to_crs(pc, src, "EPSG:4326", NULL);
    PJ *pn = p ? proj_normalize_for_visualization(pc, p) : NULL;
    if (!pn) {
        ig__log(ctx, IG_LOG_WARN,
                "PROJ cannot transform %s to EPSG:4326 (is proj.db "
                "installed? PROJ_DATA); lon/lat left empty", src);
    } else {
        for (size_t k = 0; k < n; k++) {
            double xi = x[k * stride_in], yi = y[k * stride_in];
            if (!isfinite(xi) || !isfinite(yi)) continue;
            PJ_COORD c = proj_coord(xi, yi, 0, 0);
            PJ_COORD r = proj_trans(pn, PJ_FWD, c);
            if (isfinite(r.v[0]) && isfinite(r.v[1]) && r.v[0] != HUGE_VAL) {
                lon[k * stride_out] = r.v[0];
                lat[k * stride_out] = r.v[1];
            }
        }
    }
    if (pn) proj_destroy(pn);
    if (p) proj_destroy(p);
    proj_context_destroy(pc);
#else
    (void)ctx;
    (void)epsg;
    (void)x;
    (void)y;
    (void)stride_in;
#endif
}
