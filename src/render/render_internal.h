/* Internals of the render module (src/render): the classification entry
 * that works on values already sorted (the map sorts once and reuses the
 * sorted copy for its "all equal" and "no data" checks). */
#ifndef IG_RENDER_INTERNAL_H
#define IG_RENDER_INTERNAL_H

#include <cairo.h>
#include <stddef.h>

#include "core/core.h"
#include "integrid/ig_render.h"

/* Copy the finite values of values[0..n) and sort them ascending; NaN
 * values are counted in *n_nan, an infinity is IG_ERR_DOMAIN. *out is
 * freed by the caller with ig__free(ctx, *out, (n ? n : 1) * sizeof
 * (double)). */
ig_status ig__render_sorted_finite(ig_ctx *ctx, const double *values,
                                   size_t n, double **out, size_t *n_out,
                                   size_t *n_nan, ig_error *err);

/* ig_classify() on sorted finite values v[0..n). */
ig_status ig__render_classify_sorted(ig_ctx *ctx, const double *v, size_t n,
                                     size_t n_missing,
                                     ig_classify_method method,
                                     size_t n_classes, const double *fixed,
                                     size_t n_fixed, ig_classes *out,
                                     ig_error *err);

/* Palette lookup without the "_r" suffix handling: *reversed is set. */
const ig_palette_info *ig__palette_lookup(const char *name, int *reversed);

/* Draw callback of ig__render_write(): draw the whole page on cr. */
typedef ig_status (*ig__render_draw_fn)(void *ud, cairo_t *cr);

/* Make a w x h page (pixels for PNG, points for SVG and PDF), let draw()
 * fill it and write it to path atomically (output.c). what ("map",
 * "chart") names the drawing in messages; title goes into PDF metadata,
 * and date (YYYY-MM-DD, or NULL) becomes the PDF creation date, so that
 * the same input gives the same PDF. */
ig_status ig__render_write(ig_ctx *ctx, const char *path, ig_map_format fmt,
                           double w, double h, const char *title,
                           const char *date, const char *what,
                           ig__render_draw_fn draw, void *ud,
                           ig_error *err);

#endif
