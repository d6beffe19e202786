/* Helpers shared by the places modules.
 *
 * Grid coordinates to WGS 84 lon/lat go through PROJ (never hand-written
 * projection formulas). One PJ_CONTEXT per call, so there is no global
 * state and calls from several threads are safe. Without PROJ, or when
 * PROJ cannot build the transformation (no proj.db), the outputs are NaN
 * and a warning is logged once per call. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "ig_config.h"
#include "places/places_internal.h"

#if IG_HAVE_PROJ
#include <proj.h>
#endif

/* The double at byte offset k * stride from p. */
static double *at(void *p, size_t k, size_t stride)
{
    return (double *)(void *)((char *)p + k * stride);
}

static double get(const double *p, size_t k, size_t stride)
{
    const char *c = (const char *)p + k * stride;
    double v;
    memcpy(&v, c, sizeof v);
    return v;
}

void ig__to_lonlat(ig_ctx *ctx, int32_t epsg, size_t n, const double *x,
                   const double *y, double *lon, double *lat, size_t stride)
{
    for (size_t k = 0; k < n; k++) *at(lon, k, stride) = *at(lat, k, stride) = NAN;
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
            double xi = get(x, k, stride), yi = get(y, k, stride);
            if (!isfinite(xi) || !isfinite(yi)) continue;
            PJ_COORD c = proj_coord(xi, yi, 0, 0);
            PJ_COORD r = proj_trans(pn, PJ_FWD, c);
            if (isfinite(r.v[0]) && isfinite(r.v[1]) && r.v[0] != HUGE_VAL) {
                *at(lon, k, stride) = r.v[0];
                *at(lat, k, stride) = r.v[1];
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
#endif
}

ig_status ig__grid_column(const ig_grid *grid, const char *name,
                          const char *what, const double **out, ig_error *err)
{
    *out = NULL;
    if (!name) return IG_OK;
    size_t v = ig_grid_var_index(grid, name);
    if (v == (size_t)-1)
        return ig__error_set(err, IG_ERR_NOT_FOUND, 0, 0,
                             "%s column '%s' is not in the grid: keep it "
                             "when reading (e.g. --keep %s)",
                             what, name, name);
    *out = ig_grid_var(grid, v);
    return IG_OK;
}
