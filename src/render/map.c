/* Maps with cairo: cells as squares of the grid's CRS, a legend, a scale
 * bar, a title and a footer (source, cell size and CRS, date), to PNG, SVG
 * or PDF.
 *
 * The page is cut into bands that cannot overlap: title and notes on top,
 * the data frame on the left with the legend panel beside it, the scale
 * bar and footer below; each band is clipped to its rectangle. Cells are
 * sorted by (row, column) once and merged into runs of equal colour per
 * row; every colour is one path of rectangles filled once. When a cell is
 * smaller than a pixel (an EU map at 1 km), the cells are instead
 * accumulated into an image at the frame's pixel size (box filter: every
 * pixel gets the area-weighted mean colour of the cells over it, and an
 * opacity equal to the area they cover), which cairo then paints. The
 * file is written by output.c. */
#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "integrid/ig_render.h"
#include "places/boundaries_internal.h"
#include "render/render_internal.h"

#define FONT "sans-serif"

void ig_map_spec_init(ig_map_spec *s)
{
    memset(s, 0, sizeof *s);
    s->method = IG_CLASSIFY_QUANTILE;
    s->n_classes = 5;
    s->boundary_place = IG_MAP_ALL_PLACES;
    s->width_px = 1200;
    s->raster = IG_MAP_RASTER_AUTO;
}

static int ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    if (m > n) return 0;
    for (size_t i = 0; i < m; i++) {
        char a = s[n - m + i];
        if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
        if (a != suffix[i]) return 0;
    }
    return 1;
}

ig_status ig_map_format_of(const char *path, ig_map_format *out)
{
    if (path && ends_with_ci(path, ".png")) {
        *out = IG_MAP_PNG;
    } else if (path && ends_with_ci(path, ".svg")) {
        *out = IG_MAP_SVG;
    } else if (path && ends_with_ci(path, ".pdf")) {
        *out = IG_MAP_PDF;
    } else {
        return IG_ERR_DOMAIN;
    }
    return IG_OK;
}

/* ---- state of one rendering --------------------------------------------- */

typedef struct cellkey {
    int32_t row, col;
    uint32_t idx;
} cellkey;

typedef struct run {
    int32_t row, col, len;
    uint8_t ci;
} run;

typedef struct map_job {
    ig_ctx *ctx;
    const ig_map_spec *sp;
    ig_map_result *res;
    ig_error *err;
    size_t n;
    uint8_t *ci;      /* colour index per cell */
    size_t n_colours; /* legend entries = colours */
    ig_rgb colour[IG_MAP_LEGEND_MAX];
    size_t no_value;  /* colour index of "no value", or (size_t)-1 */
    cellkey *keys;    /* cells in (row, col) order */
    run *runs;
    size_t n_runs;
    /* extent in metres */
    double e0, e1, n0, n1;
    /* layout */
    double W, H, m, fs, ft, title_h, note_h, legend_w, legend_h, footer_h;
    double mx, my, mw, mh; /* map frame */
    double lx, ly;         /* legend origin */
    double fy;             /* footer top */
    double s;              /* page units per metre */
    char note2[256];       /* state message line */
    char title[512];
} map_job;

static ig_status nomem(map_job *J, const char *what)
{
    return ig__error_set(J->err, IG_ERR_NOMEM, 0, 0,
                         "out of memory drawing the map (%s)", what);
}

static int cmp_key(const void *a, const void *b)
{
    const cellkey *x = a, *y = b;
    if (x->row != y->row) return x->row < y->row ? -1 : 1;
    if (x->col != y->col) return x->col < y->col ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

/* ---- labels ------------------------------------------------------------- */

/* Decimals that tell the breaks apart: start from 3 significant digits of
 * the range and add digits while two printed breaks are equal. */
static int label_decimals(const double *b, size_t n, double scale)
{
    double range = (b[n - 1] - b[0]) * scale;
    int d = range > 0 ? 2 - (int)floor(log10(range)) : 2;
    if (d < 0) d = 0;
    for (; d < 10; d++) {
        int clash = 0;
        char p[64], q[64];
        for (size_t i = 1; i < n && !clash; i++) {
            if (b[i] == b[i - 1]) continue;
            snprintf(p, sizeof p, "%.*f", d, b[i - 1] * scale);
            snprintf(q, sizeof q, "%.*f", d, b[i] * scale);
            clash = strcmp(p, q) == 0;
        }
        if (!clash) break;
    }
    return d;
}

static void fmt_value(char *buf, size_t cap, double v, int d, int percent)
{
    double x = percent ? v * 100.0 : v;
    if (x == 0.0) x = 0.0; /* no "-0" */
    snprintf(buf, cap, "%.*f", d, x);
    if (strcmp(buf, "-0") == 0 || strncmp(buf, "-0.", 3) == 0) {
        int zero = 1;
        for (const char *c = buf + 1; *c; c++)
            if (*c != '0' && *c != '.') zero = 0;
        if (zero) memmove(buf, buf + 1, strlen(buf));
    }
}

/* ---- classes and colours ------------------------------------------------ */

static ig_status set_colours(map_job *J)
{
    const ig_map_spec *sp = J->sp;
    ig_map_result *R = J->res;
    size_t n = J->n;
    J->no_value = (size_t)-1;
    if (sp->category) {
        if (!sp->categories || sp->n_categories == 0 ||
            sp->n_categories > IG_MAP_MAX_CATEGORIES)
            return ig__error_set(J->err, IG_ERR_DOMAIN, 0, 0,
                                 "a categorical map needs 1 to %d categories",
                                 IG_MAP_MAX_CATEGORIES);
        size_t nc = sp->n_categories;
        size_t missing = 0;
        for (size_t i = 0; i < n; i++) {
            uint8_t c = sp->category[i];
            if (c == IG_MAP_NO_CATEGORY) {
                missing++;
                J->ci[i] = (uint8_t)nc;
            } else if (c >= nc) {
                return ig__error_set(J->err, IG_ERR_DOMAIN, 0, 0,
                                     "cell %zu has category %u; there are "
                                     "%zu",
                                     i + 1, (unsigned)c, nc);
            } else {
                J->ci[i] = c;
            }
        }
        for (size_t c = 0; c < nc; c++) {
            J->colour[c] = sp->categories[c].colour;
            snprintf(R->legend[c], sizeof R->legend[c], "%s",
                     sp->categories[c].label ? sp->categories[c].label : "");
        }
        J->n_colours = nc;
        if (missing) {
            J->no_value = nc;
            J->n_colours = nc + 1;
        }
        if (missing == n) {
            R->state = IG_MAP_NO_DATA;
            snprintf(R->message, sizeof R->message,
                     n ? "No cell has a value (%zu cells without one)"
                       : "There are no cells to draw",
                     n);
        }
        return IG_OK;
    }
    if (!sp->values)
        return ig__error_set(J->err, IG_ERR_DOMAIN, 0, 0,
                             "a map needs values or categories per cell");
    int rev = 0;
    const ig_palette_info *pal =
        ig__palette_lookup(sp->palette ? sp->palette : "viridis", &rev);
    if (!pal) {
        ig_rgb dummy[1];
        return ig_palette_colours(sp->palette, 1, dummy, J->err);
    }
    size_t asked = sp->method == IG_CLASSIFY_FIXED ? sp->n_breaks + 1
                                                   : sp->n_classes;
    if (asked > pal->max_classes)
        return ig__error_set(J->err, IG_ERR_DOMAIN, 0, 0,
                             "palette %s has %zu classes at most; %zu were "
                             "asked for: ask for fewer classes or use "
                             "viridis or cividis (up to %d)",
                             pal->name, pal->max_classes, asked,
                             IG_CLASSES_MAX);
    double *v = NULL;
    size_t nv = 0, nan = 0;
    ig_status st =
        ig__render_sorted_finite(J->ctx, sp->values, n, &v, &nv, &nan, J->err);
    if (st != IG_OK) return st;
    ig_classes *C = &R->classes;
    memset(C, 0, sizeof *C);
    if (nv == 0) {
        R->state = IG_MAP_NO_DATA;
        snprintf(R->message, sizeof R->message,
                 n ? "No cell has a value (%zu cells, all undefined)"
                   : "There are no cells to draw",
                 n);
        C->n_missing = nan;
    } else if (v[0] == v[nv - 1] && sp->method != IG_CLASSIFY_FIXED) {
        R->state = IG_MAP_SINGLE;
        C->n_classes = 1;
        C->breaks[0] = C->breaks[1] = v[0];
        C->counts[0] = nv;
        C->n_values = nv;
        C->n_missing = nan;
        C->gvf = 1.0;
        char val[64];
        fmt_value(val, sizeof val, v[0], label_decimals(C->breaks, 1, 1.0),
                  sp->percent);
        snprintf(R->message, sizeof R->message,
                 "All %zu values are equal (%s%s): there are no class breaks, "
                 "one class is drawn",
                 nv, val, sp->percent ? " %" : "");
    } else {
        st = ig__render_classify_sorted(J->ctx, v, nv, nan, sp->method,
                                        sp->n_classes, sp->breaks,
                                        sp->n_breaks, C, J->err);
    }
    ig__free(J->ctx, v, (n ? n : 1) * sizeof *v);
    if (st != IG_OK) return st;
    size_t k = C->n_classes;
    if (k) {
        st = ig_palette_colours(sp->palette ? sp->palette : "viridis", k,
                                J->colour, J->err);
        if (st != IG_OK) return st;
    }
    for (size_t i = 0; i < n; i++) {
        size_t c = ig_classes_find(C, sp->values[i]);
        J->ci[i] = (uint8_t)(c == (size_t)-1 ? k : c);
    }
    /* legend texts */
    double scale = sp->percent ? 100.0 : 1.0;
    int d = k ? label_decimals(C->breaks, k + 1, scale) : 0;
    const char *unit = sp->percent ? " %" : "";
    for (size_t c = 0; c < k; c++) {
        char a[24], b[24];
        fmt_value(a, sizeof a, C->breaks[c], d, sp->percent);
        fmt_value(b, sizeof b, C->breaks[c + 1], d, sp->percent);
        if (R->state == IG_MAP_SINGLE)
            snprintf(R->legend[c], sizeof R->legend[c], "%s%s (all)", a, unit);
        else if (C->breaks[c] == C->breaks[c + 1])
            snprintf(R->legend[c], sizeof R->legend[c], "%s%s", a, unit);
        else
            snprintf(R->legend[c], sizeof R->legend[c], "%s \u2013 %s%s", a,
                     b, unit);
    }
    J->n_colours = k;
    if (nan) {
        J->no_value = k;
        J->n_colours = k + 1;
    }
    return IG_OK;
}

/* ---- extent, sorting, runs ---------------------------------------------- */

static ig_status sort_cells(map_job *J)
{
    size_t n = J->n;
    const ig_map_spec *sp = J->sp;
    J->keys = ig__calloc(J->ctx, n ? n : 1, sizeof *J->keys);
    if (!J->keys) return nomem(J, "cell order");
    int sorted = 1;
    for (size_t i = 0; i < n; i++) {
        J->keys[i].row = sp->rows[i];
        J->keys[i].col = sp->cols[i];
        J->keys[i].idx = (uint32_t)i;
        if (i && (sp->rows[i] < sp->rows[i - 1] ||
                  (sp->rows[i] == sp->rows[i - 1] &&
                   sp->cols[i] < sp->cols[i - 1])))
            sorted = 0;
    }
    if (!sorted) qsort(J->keys, n, sizeof *J->keys, cmp_key);
    return IG_OK;
}

static ig_status make_runs(map_job *J)
{
    size_t n = J->n;
    J->runs = ig__calloc(J->ctx, n ? n : 1, sizeof *J->runs);
    if (!J->runs) return nomem(J, "runs");
    size_t nr = 0;
    for (size_t p = 0; p < n; p++) {
        const cellkey *k = &J->keys[p];
        uint8_t c = J->ci[k->idx];
        if (nr && J->runs[nr - 1].row == k->row && J->runs[nr - 1].ci == c &&
            (int64_t)J->runs[nr - 1].col + J->runs[nr - 1].len ==
                (int64_t)k->col) {
            J->runs[nr - 1].len++;
            continue;
        }
        J->runs[nr].row = k->row;
        J->runs[nr].col = k->col;
        J->runs[nr].len = 1;
        J->runs[nr].ci = c;
        nr++;
    }
    J->n_runs = nr;
    return IG_OK;
}

static void set_extent(map_job *J)
{
    const ig_map_spec *sp = J->sp;
    double cs = (double)sp->cell_size_m;
    if (J->n) {
        int32_t r0 = J->keys[0].row, r1 = J->keys[J->n - 1].row;
        int32_t c0 = INT32_MAX, c1 = INT32_MIN;
        for (size_t i = 0; i < J->n; i++) {
            if (sp->cols[i] < c0) c0 = sp->cols[i];
            if (sp->cols[i] > c1) c1 = sp->cols[i];
        }
        J->e0 = (double)c0 * cs;
        J->e1 = ((double)c1 + 1.0) * cs;
        J->n0 = (double)r0 * cs;
        J->n1 = ((double)r1 + 1.0) * cs;
    } else if (sp->boundaries && sp->boundaries->finished) {
        const ig_boundaries *b = sp->boundaries;
        size_t f0 = 0, f1 = ig_boundaries_count(b);
        if (sp->boundary_place != IG_MAP_ALL_PLACES &&
            sp->boundary_place < f1) {
            f0 = sp->boundary_place;
            f1 = f0 + 1;
        }
        int any = 0;
        for (size_t f = f0; f < f1; f++) {
            ig_bbox bb;
            if (ig_boundaries_bbox(b, f, &bb) != IG_OK) continue;
            if (!any || bb.min_x < J->e0) J->e0 = bb.min_x;
            if (!any || bb.max_x > J->e1) J->e1 = bb.max_x;
            if (!any || bb.min_y < J->n0) J->n0 = bb.min_y;
            if (!any || bb.max_y > J->n1) J->n1 = bb.max_y;
            any = 1;
        }
        if (!any) {
            J->e0 = J->n0 = 0;
            J->e1 = J->n1 = 10 * cs;
        }
    } else {
        J->e0 = J->n0 = 0;
        J->e1 = J->n1 = 10 * cs;
    }
    double pad = 0.02 * fmax(J->e1 - J->e0, J->n1 - J->n0);
    if (pad < cs * 0.5) pad = cs * 0.5;
    J->e0 -= pad;
    J->e1 += pad;
    J->n0 -= pad;
    J->n1 += pad;
}

/* ---- layout ------------------------------------------------------------- */

static double text_w(cairo_t *cr, const char *s, double size, int bold)
{
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD
                                : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    return e.x_advance;
}

/* Cut s (UTF-8, in place, cap bytes) so it fits width w, ending in an
 * ellipsis. */
static void fit_text(cairo_t *cr, char *s, size_t cap, double size, int bold,
                     double w)
{
    if (text_w(cr, s, size, bold) <= w) return;
    size_t len = strlen(s);
    char tmp[1024];
    while (len > 0) {
        len--;
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80) len--;
        snprintf(tmp, sizeof tmp, "%.*s\u2026", (int)len, s);
        if (text_w(cr, tmp, size, bold) <= w) break;
    }
    snprintf(tmp, sizeof tmp, "%.*s\u2026", (int)len, s);
    if (strlen(tmp) < cap) memcpy(s, tmp, strlen(tmp) + 1);
}

static void layout(map_job *J, cairo_t *cr)
{
    const ig_map_spec *sp = J->sp;
    ig_map_result *R = J->res;
    J->W = (double)sp->width_px;
    J->m = fmax(10.0, round(J->W * 0.025));
    J->fs = fmin(48.0, fmax(9.0, J->W / 90.0));
    J->ft = J->fs * 1.6;
    double inner = J->W - 2 * J->m;
    /* title: shrink to fit, then cut */
    snprintf(J->title, sizeof J->title, "%s", sp->title ? sp->title : "");
    if (J->title[0]) {
        while (J->ft > J->fs && text_w(cr, J->title, J->ft, 1) > inner)
            J->ft *= 0.92;
        fit_text(cr, J->title, sizeof J->title, J->ft, 1, inner);
    }
    J->title_h = J->title[0] ? J->ft * 1.6 : 0.0;
    int notes = (sp->note && sp->note[0]) + (R->message[0] != 0);
    J->note_h = notes * J->fs * 1.5 + (notes ? J->fs * 0.5 : 0.0);
    /* legend panel */
    double sw = J->fs * 1.4;
    double lw = sp->legend_title ? text_w(cr, sp->legend_title, J->fs, 1) : 0;
    for (size_t c = 0; c < R->n_legend; c++) {
        double w = sw + J->fs * 0.6 + text_w(cr, R->legend[c], J->fs, 0);
        if (w > lw) lw = w;
    }
    lw += J->fs;
    if (lw > J->W * 0.4) lw = J->W * 0.4;
    J->legend_w = lw;
    J->legend_h = (sp->legend_title ? J->fs * 2.0 : 0.0) +
                  (double)R->n_legend * J->fs * 1.8;
    J->footer_h = J->fs * 6.2;
    /* the frame keeps the extent's aspect, at most 1.6 times as high as
     * wide */
    double avail = inner - lw - J->m;
    double ew = J->e1 - J->e0, eh = J->n1 - J->n0;
    double a = eh / ew;
    double mw = avail, mh = avail * a;
    if (R->state == IG_MAP_NO_DATA && J->n == 0 && !sp->boundaries)
        mh = avail * 0.6;
    if (mh > 1.6 * avail) {
        mh = 1.6 * avail;
        mw = mh / a;
    }
    J->mx = J->m + (avail - mw) / 2.0;
    J->my = J->m + J->title_h + J->note_h;
    if (R->rasterised) { /* whole pixels for the image */
        J->mx = round(J->mx);
        J->my = round(J->my);
        mw = floor(mw);
        mh = floor(mh);
    }
    J->mw = mw;
    J->mh = mh;
    J->s = mw / ew;
    J->lx = J->m + avail + J->m;
    J->ly = J->my;
    double body = fmax(mh, J->legend_h);
    J->fy = J->my + body + J->m * 0.5;
    J->H = ceil(J->fy + J->footer_h + J->m * 0.5);
    R->width = (int)J->W;
    R->height = (int)J->H;
    R->map_x = J->mx;
    R->map_y = J->my;
    R->map_w = J->mw;
    R->map_h = J->mh;
}

/* page coordinates of a point in metres */
static double px(const map_job *J, double e) { return J->mx + (e - J->e0) * J->s; }
static double py(const map_job *J, double n) { return J->my + (J->n1 - n) * J->s; }

static void set_rgb(cairo_t *cr, ig_rgb c)
{
    cairo_set_source_rgb(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0);
}

static void text_at(cairo_t *cr, double x, double y, const char *s,
                    double size, int bold)
{
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD
                                : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, s);
}

/* ---- cells -------------------------------------------------------------- */

static void draw_runs(map_job *J, cairo_t *cr)
{
    double cs = (double)J->sp->cell_size_m;
    if (J->res->format == IG_MAP_PNG)
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
    for (size_t c = 0; c < J->n_colours; c++) {
        int any = 0;
        for (size_t r = 0; r < J->n_runs; r++) {
            const run *u = &J->runs[r];
            if (u->ci != c) continue;
            double x0 = px(J, (double)u->col * cs);
            double x1 = px(J, ((double)u->col + u->len) * cs);
            double y0 = py(J, ((double)u->row + 1.0) * cs);
            double y1 = py(J, (double)u->row * cs);
            cairo_rectangle(cr, x0, y0, x1 - x0, y1 - y0);
            any = 1;
        }
        if (any) {
            set_rgb(cr, J->colour[c]);
            cairo_fill(cr);
        }
    }
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT);
    J->res->runs = J->n_runs;
}

static ig_status draw_raster(map_job *J, cairo_t *cr)
{
    int pw = (int)J->mw, ph = (int)J->mh;
    if (pw < 1 || ph < 1) return IG_OK;
    size_t np = (size_t)pw * (size_t)ph;
    double *acc = ig__calloc(J->ctx, np, 4 * sizeof *acc);
    if (!acc) return nomem(J, "raster image");
    double cs = (double)J->sp->cell_size_m;
    for (size_t i = 0; i < J->n; i++) {
        ig_rgb c = J->colour[J->ci[i]];
        double x0 = (J->sp->cols[i] * cs - J->e0) * J->s;
        double x1 = x0 + cs * J->s;
        double y0 = (J->n1 - (J->sp->rows[i] + 1.0) * cs) * J->s;
        double y1 = y0 + cs * J->s;
        int ia = (int)floor(x0), ib = (int)ceil(x1);
        int ja = (int)floor(y0), jb = (int)ceil(y1);
        if (ia < 0) ia = 0;
        if (ja < 0) ja = 0;
        if (ib > pw) ib = pw;
        if (jb > ph) jb = ph;
        for (int yj = ja; yj < jb; yj++) {
            double oy = fmin(y1, yj + 1.0) - fmax(y0, (double)yj);
            if (oy <= 0) continue;
            for (int xi = ia; xi < ib; xi++) {
                double ox = fmin(x1, xi + 1.0) - fmax(x0, (double)xi);
                if (ox <= 0) continue;
                double a = ox * oy;
                double *p = acc + 4 * ((size_t)yj * (size_t)pw + (size_t)xi);
                p[0] += a * c.r;
                p[1] += a * c.g;
                p[2] += a * c.b;
                p[3] += a;
            }
        }
    }
    cairo_surface_t *img =
        cairo_image_surface_create(CAIRO_FORMAT_ARGB32, pw, ph);
    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(img);
        ig__free(J->ctx, acc, np * 4 * sizeof *acc);
        return nomem(J, "raster surface");
    }
    cairo_surface_flush(img);
    unsigned char *data = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    for (int yj = 0; yj < ph; yj++) {
        uint32_t *row = (uint32_t *)(void *)(data + (size_t)yj * (size_t)stride);
        for (int xi = 0; xi < pw; xi++) {
            const double *p = acc + 4 * ((size_t)yj * (size_t)pw + (size_t)xi);
            if (p[3] <= 0) {
                row[xi] = 0;
                continue;
            }
            double a = fmin(1.0, p[3]);
            /* premultiplied: mean colour times opacity */
            uint32_t A = (uint32_t)lround(a * 255.0);
            uint32_t R = (uint32_t)lround(p[0] / p[3] * a);
            uint32_t G = (uint32_t)lround(p[1] / p[3] * a);
            uint32_t B = (uint32_t)lround(p[2] / p[3] * a);
            row[xi] = (A << 24) | (R << 16) | (G << 8) | B;
        }
    }
    cairo_surface_mark_dirty(img);
    ig__free(J->ctx, acc, np * 4 * sizeof *acc);
    cairo_save(cr);
    cairo_set_source_surface(cr, img, J->mx, J->my);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
    cairo_paint(cr);
    cairo_restore(cr);
    cairo_surface_destroy(img);
    J->res->runs = 0;
    return IG_OK;
}

/* ---- outlines ----------------------------------------------------------- */

/* Position in keys of the cell (row, col), or (size_t)-1. rs: row starts
 * (nrows + 1 entries into keys) for the rows rr[0..nrows). */
static size_t find_cell(const map_job *J, const size_t *rs,
                        const int32_t *rr, size_t nrows, int32_t row,
                        int32_t col)
{
    size_t lo = 0, hi = nrows;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (rr[mid] < row)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == nrows || rr[lo] != row) return (size_t)-1;
    size_t a = rs[lo], b = rs[lo + 1];
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (J->keys[mid].col < col)
            a = mid + 1;
        else
            b = mid;
    }
    return a < rs[lo + 1] && J->keys[a].col == col ? a : (size_t)-1;
}

typedef struct outl {
    const map_job *J;
    const size_t *rs;
    const int32_t *rr;
    size_t nrows;
    const uint32_t *id;
} outl;

/* Does the edge of the cell at key position p towards (row, col) need a
 * line? Yes when the cell has an outline id and the cell across is
 * missing or has a smaller id (so a shared edge is drawn once). */
static int needs_edge(const outl *O, size_t p, int32_t row, int32_t col)
{
    uint32_t me = O->id[O->J->keys[p].idx];
    if (me == 0) return 0;
    size_t q = find_cell(O->J, O->rs, O->rr, O->nrows, row, col);
    return q == (size_t)-1 || O->id[O->J->keys[q].idx] < me;
}

static ig_status draw_cell_outlines(map_job *J, cairo_t *cr)
{
    const uint32_t *id = J->sp->outline_id;
    /* below 2 pixels a cell's outline would hide the cells themselves */
    if (!id || J->n == 0 || J->sp->cell_size_m * J->s < 2.0) return IG_OK;
    size_t nrows = 0;
    for (size_t p = 0; p < J->n; p++)
        if (p == 0 || J->keys[p].row != J->keys[p - 1].row) nrows++;
    size_t *rs = ig__calloc(J->ctx, nrows + 1, sizeof *rs);
    int32_t *rr = ig__calloc(J->ctx, nrows, sizeof *rr);
    if (!rs || !rr) {
        ig__free(J->ctx, rs, (nrows + 1) * sizeof *rs);
        ig__free(J->ctx, rr, nrows * sizeof *rr);
        return nomem(J, "outlines");
    }
    size_t k = 0;
    for (size_t p = 0; p < J->n; p++)
        if (p == 0 || J->keys[p].row != J->keys[p - 1].row) {
            rr[k] = J->keys[p].row;
            rs[k++] = p;
        }
    rs[nrows] = J->n;
    double cs = (double)J->sp->cell_size_m;
    size_t segs = 0;
    outl O = {J, rs, rr, nrows, id};
#define NEEDS(p, nr, nc) needs_edge(&O, (p), (nr), (nc))
    for (size_t r = 0; r < nrows; r++) {
        for (int side = 0; side < 2; side++) { /* 0: south edge, 1: north */
            int32_t nr = side ? rr[r] + 1 : rr[r] - 1;
            double yy = py(J, (side ? rr[r] + 1.0 : (double)rr[r]) * cs);
            size_t p = rs[r];
            while (p < rs[r + 1]) {
                if (!NEEDS(p, nr, J->keys[p].col)) {
                    p++;
                    continue;
                }
                int32_t c0 = J->keys[p].col, c1 = c0 + 1;
                p++;
                while (p < rs[r + 1] && J->keys[p].col == c1 &&
                       NEEDS(p, nr, J->keys[p].col)) {
                    c1++;
                    p++;
                }
                cairo_move_to(cr, px(J, c0 * cs), yy);
                cairo_line_to(cr, px(J, c1 * cs), yy);
                segs++;
            }
        }
        for (size_t p = rs[r]; p < rs[r + 1]; p++) {
            int32_t c = J->keys[p].col;
            double y0 = py(J, (rr[r] + 1.0) * cs), y1 = py(J, rr[r] * cs);
            if (NEEDS(p, rr[r], c - 1)) {
                cairo_move_to(cr, px(J, c * cs), y0);
                cairo_line_to(cr, px(J, c * cs), y1);
                segs++;
            }
            if (NEEDS(p, rr[r], c + 1)) {
                cairo_move_to(cr, px(J, (c + 1.0) * cs), y0);
                cairo_line_to(cr, px(J, (c + 1.0) * cs), y1);
                segs++;
            }
        }
    }
#undef NEEDS
    /* a light halo under a dark line: visible on dark and light cells */
    double lw = fmax(1.0, J->W / 700.0);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_SQUARE);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_set_line_width(cr, lw * 2.5);
    cairo_stroke_preserve(cr);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_set_line_width(cr, lw);
    cairo_stroke(cr);
    J->res->outline_segments = segs;
    ig__free(J->ctx, rs, (nrows + 1) * sizeof *rs);
    ig__free(J->ctx, rr, nrows * sizeof *rr);
    return IG_OK;
}

static void draw_boundaries(map_job *J, cairo_t *cr)
{
    const ig_boundaries *b = J->sp->boundaries;
    if (!b || !b->finished) return;
    size_t f0 = 0, f1 = b->nfeat;
    if (J->sp->boundary_place != IG_MAP_ALL_PLACES) {
        if (J->sp->boundary_place >= b->nfeat) return;
        f0 = J->sp->boundary_place;
        f1 = f0 + 1;
    }
    size_t rings = 0;
    for (size_t f = f0; f < f1; f++)
        for (size_t p = b->feat_off[f]; p < b->feat_off[f + 1]; p++)
            for (size_t r = b->poly_off[p]; r < b->poly_off[p + 1]; r++) {
                size_t a = b->ring_off[r], e = b->ring_off[r + 1];
                if (e - a < 2) continue;
                for (size_t q = a; q < e; q++) {
                    double x = px(J, b->xy[2 * q]), y = py(J, b->xy[2 * q + 1]);
                    if (q == a)
                        cairo_move_to(cr, x, y);
                    else
                        cairo_line_to(cr, x, y);
                }
                cairo_close_path(cr);
                rings++;
            }
    double lw = fmax(1.0, J->W / 600.0);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_set_line_width(cr, lw * 2.5);
    cairo_stroke_preserve(cr);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_set_line_width(cr, lw);
    cairo_stroke(cr);
    J->res->outline_rings = rings;
}

/* A dot at each labelled point and its text beside it (right of the dot,
 * or left when it would leave the frame), with a white halo. */
static void draw_labels(map_job *J, cairo_t *cr)
{
    double size = J->fs * 0.95, r = fmax(2.0, J->fs * 0.22);
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                           CAIRO_FONT_WEIGHT_BOLD);
    cairo_set_font_size(cr, size);
    for (size_t i = 0; i < J->sp->n_labels; i++) {
        const ig_map_label *l = &J->sp->labels[i];
        if (!l->text || !l->text[0]) continue;
        double x = px(J, l->x_m), y = py(J, l->y_m);
        cairo_arc(cr, x, y, r, 0, 6.283185307179586);
        cairo_set_source_rgb(cr, 0.05, 0.05, 0.05);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_set_line_width(cr, 1.0);
        cairo_stroke(cr);
        cairo_text_extents_t e;
        cairo_text_extents(cr, l->text, &e);
        double tx = x + r + size * 0.3;
        if (tx + e.x_advance > J->mx + J->mw)
            tx = x - r - size * 0.3 - e.x_advance;
        cairo_move_to(cr, tx, y + size * 0.35);
        cairo_text_path(cr, l->text);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_set_line_width(cr, size * 0.2);
        cairo_stroke_preserve(cr);
        cairo_set_source_rgb(cr, 0.05, 0.05, 0.05);
        cairo_fill(cr);
    }
}

/* Words of s centred in the frame, wrapped to its width. */
static void draw_centered_text(map_job *J, cairo_t *cr, const char *s,
                               double size, double y)
{
    char line[512], word[200];
    size_t ll = 0;
    const char *p = s;
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                           CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    line[0] = '\0';
    for (;;) {
        size_t wl = strcspn(p, " ");
        snprintf(word, sizeof word, "%.*s", (int)wl, p);
        char trial[768];
        snprintf(trial, sizeof trial, "%s%s%s", line, ll ? " " : "", word);
        cairo_text_extents_t e;
        cairo_text_extents(cr, trial, &e);
        if (ll && e.x_advance > J->mw * 0.9) {
            cairo_text_extents(cr, line, &e);
            cairo_move_to(cr, J->mx + (J->mw - e.x_advance) / 2.0, y);
            cairo_show_text(cr, line);
            y += size * 1.4;
            snprintf(line, sizeof line, "%s", word);
        } else {
            memcpy(line, trial, sizeof line);
            line[sizeof line - 1] = '\0';
        }
        ll = strlen(line);
        if (!p[wl]) break;
        p += wl + 1;
    }
    cairo_text_extents_t e;
    cairo_text_extents(cr, line, &e);
    cairo_move_to(cr, J->mx + (J->mw - e.x_advance) / 2.0, y);
    cairo_show_text(cr, line);
}

/* ---- legend, scale bar, footer ----------------------------------------- */

static void draw_legend(map_job *J, cairo_t *cr)
{
    const ig_map_result *R = J->res;
    cairo_save(cr);
    cairo_rectangle(cr, J->lx, J->ly, J->legend_w, J->legend_h + J->fs);
    cairo_clip(cr);
    double y = J->ly;
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    if (J->sp->legend_title) {
        text_at(cr, J->lx, y + J->fs, J->sp->legend_title, J->fs, 1);
        y += J->fs * 2.0;
    }
    double sw = J->fs * 1.4;
    for (size_t c = 0; c < R->n_legend; c++) {
        cairo_rectangle(cr, J->lx + 0.5, y + 0.5, sw, J->fs * 1.4);
        set_rgb(cr, R->legend_colour[c]);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
        cairo_set_line_width(cr, 1.0);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        text_at(cr, J->lx + sw + J->fs * 0.6, y + J->fs * 1.1, R->legend[c],
                J->fs, 0);
        y += J->fs * 1.8;
    }
    cairo_restore(cr);
}

static void draw_footer(map_job *J, cairo_t *cr)
{
    ig_map_result *R = J->res;
    cairo_save(cr);
    cairo_rectangle(cr, 0, J->fy, J->W, J->H - J->fy);
    cairo_clip(cr);
    /* scale bar: 1, 2 or 5 times a power of ten, about a fifth of the
     * frame */
    double target = J->mw / 5.0 / J->s;
    double p10 = pow(10.0, floor(log10(target)));
    double len = p10;
    if (5 * p10 <= target)
        len = 5 * p10;
    else if (2 * p10 <= target)
        len = 2 * p10;
    if (len >= 1000)
        snprintf(R->scale_label, sizeof R->scale_label, "%g km", len / 1000);
    else
        snprintf(R->scale_label, sizeof R->scale_label, "%g m", len);
    double bw = len * J->s, bh = J->fs * 0.5;
    double x = J->mx, y = J->fy + J->fs * 0.4;
    cairo_set_line_width(cr, 1.0);
    for (int h = 0; h < 2; h++) {
        cairo_rectangle(cr, x + h * bw / 2, y, bw / 2, bh);
        if (h == 0)
            cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        else
            cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        cairo_stroke(cr);
    }
    text_at(cr, x + bw + J->fs * 0.5, y + bh / 2 + J->fs * 0.32,
            R->scale_label, J->fs * 0.9, 0);
    /* footer lines */
    double fsz = J->fs * 0.85;
    double inner = J->W - 2 * J->m;
    char line[600];
    double ly = y + bh + J->fs * 1.8;
    int32_t cs = J->sp->cell_size_m;
    char cell[64];
    if (cs % 1000 == 0)
        snprintf(cell, sizeof cell, "%d km", (int)(cs / 1000));
    else
        snprintf(cell, sizeof cell, "%d m", (int)cs);
    int epsg = J->sp->epsg ? J->sp->epsg : 3035;
    snprintf(line, sizeof line, "Cells: %s squares, EPSG:%d%s%s", cell, epsg,
             epsg == 3035 ? " (ETRS89-LAEA)" : "",
             R->rasterised ? "; cells smaller than a pixel are averaged" : "");
    fit_text(cr, line, sizeof line, fsz, 0, inner);
    cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
    text_at(cr, J->m, ly, line, fsz, 0);
    ly += fsz * 1.5;
    if (J->sp->source && J->sp->source[0]) {
        snprintf(line, sizeof line, "Source: %s", J->sp->source);
        fit_text(cr, line, sizeof line, fsz, 0, inner);
        text_at(cr, J->m, ly, line, fsz, 0);
        ly += fsz * 1.5;
    }
    if (J->sp->date && J->sp->date[0]) {
        snprintf(line, sizeof line, "Made with integrid, %s", J->sp->date);
        fit_text(cr, line, sizeof line, fsz, 0, inner);
        text_at(cr, J->m, ly, line, fsz, 0);
    }
    cairo_restore(cr);
}

/* ---- output ------------------------------------------------------------- */

static ig_status draw_page(map_job *J, cairo_t *cr)
{
    const ig_map_spec *sp = J->sp;
    ig_map_result *R = J->res;
    ig_status st = IG_OK;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    /* title and notes */
    cairo_set_source_rgb(cr, 0.05, 0.05, 0.05);
    double y = J->m;
    if (J->title[0]) {
        text_at(cr, J->m, y + J->ft, J->title, J->ft, 1);
        y += J->title_h;
    }
    char note[512];
    const char *notes[2] = {sp->note, R->message};
    for (int i = 0; i < 2; i++) {
        if (!notes[i] || !notes[i][0]) continue;
        snprintf(note, sizeof note, "%s", notes[i]);
        fit_text(cr, note, sizeof note, J->fs, 0, J->W - 2 * J->m);
        cairo_set_source_rgb(cr, i ? 0.6 : 0.25, i ? 0.1 : 0.25,
                             i ? 0.05 : 0.25);
        text_at(cr, J->m, y + J->fs, note, J->fs, 0);
        y += J->fs * 1.5;
    }
    /* the data frame */
    cairo_save(cr);
    cairo_rectangle(cr, J->mx, J->my, J->mw, J->mh);
    cairo_clip(cr);
    if (R->state == IG_MAP_NO_DATA) {
        cairo_set_source_rgb(cr, 0.95, 0.95, 0.95);
        cairo_paint(cr);
    }
    if (R->rasterised)
        st = draw_raster(J, cr);
    else
        draw_runs(J, cr);
    if (st == IG_OK) st = draw_cell_outlines(J, cr);
    if (st == IG_OK) draw_boundaries(J, cr);
    if (st == IG_OK) draw_labels(J, cr);
    if (st == IG_OK && R->state == IG_MAP_NO_DATA) {
        cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
        double big = J->fs * 2.2;
        draw_centered_text(J, cr, "No data", big, J->my + J->mh * 0.42);
        draw_centered_text(J, cr, R->message, J->fs, J->my + J->mh * 0.42 +
                                                         big * 1.2);
    }
    cairo_restore(cr);
    if (st != IG_OK) return st;
    cairo_rectangle(cr, J->mx, J->my, J->mw, J->mh);
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    cairo_set_line_width(cr, 1.0);
    cairo_stroke(cr);
    draw_legend(J, cr);
    draw_footer(J, cr);
    return IG_OK;
}

static ig_status draw_cb(void *ud, cairo_t *cr)
{
    return draw_page(ud, cr);
}

ig_status ig_map_render(ig_ctx *ctx, const ig_map_spec *spec,
                        const char *path, ig_map_result *res, ig_error *err)
{
    if (!spec || !path)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "ig_map_render: spec and path are required");
    ig_map_result local;
    ig_map_result *R = res ? res : &local;
    memset(R, 0, sizeof *R);
    if (ig_map_format_of(path, &R->format) != IG_OK)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "cannot tell the map format from '%s': use a "
                             "name ending in .png, .svg or .pdf",
                             path);
    if (spec->n_cells && (!spec->rows || !spec->cols))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "a map needs the rows and columns of its cells");
    if (spec->cell_size_m <= 0)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "cell size must be positive (got %d m)",
                             (int)spec->cell_size_m);
    if (spec->width_px < 200 || spec->width_px > 20000)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "map width must be 200 to 20000 pixels (got "
                             "%d)",
                             spec->width_px);
    if (spec->n_cells > UINT32_MAX)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "too many cells for one map (%zu)",
                             spec->n_cells);
    if (spec->n_labels && !spec->labels)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "n_labels is %zu but labels is NULL",
                             spec->n_labels);
    map_job J;
    memset(&J, 0, sizeof J);
    J.ctx = ctx;
    J.sp = spec;
    J.res = R;
    J.err = err;
    J.n = spec->n_cells;
    ig_status st = IG_OK;
    cairo_surface_t *ms = NULL;
    cairo_t *mcr = NULL;
    J.ci = ig__calloc(ctx, J.n ? J.n : 1, 1);
    if (!J.ci) {
        st = nomem(&J, "colours");
        goto out;
    }
    st = set_colours(&J);
    if (st != IG_OK) goto out;
    /* legend entries: the colours, "no value" last */
    R->n_legend = J.n_colours;
    for (size_t c = 0; c < J.n_colours; c++) R->legend_colour[c] = J.colour[c];
    if (J.no_value != (size_t)-1) {
        ig_rgb grey = ig_palette_class_colour(IG_LCLASS_NONE);
        J.colour[J.no_value] = grey;
        R->legend_colour[J.no_value] = grey;
        snprintf(R->legend[J.no_value], sizeof R->legend[J.no_value],
                 "No value");
    }
    for (size_t i = 0; i < J.n; i++) R->legend_count[J.ci[i]]++;
    R->cells_drawn = J.n;
    R->cells_no_value = J.no_value != (size_t)-1 ? R->legend_count[J.no_value]
                                                 : 0;
    st = sort_cells(&J);
    if (st != IG_OK) goto out;
    set_extent(&J);
    /* raster when a cell would be under a pixel wide */
    double approx_s = (spec->width_px * 0.7) / (J.e1 - J.e0);
    R->rasterised = spec->raster == IG_MAP_RASTER_ALWAYS ||
                    (spec->raster == IG_MAP_RASTER_AUTO &&
                     spec->cell_size_m * approx_s < 1.0);
    if (!R->rasterised) {
        st = make_runs(&J);
        if (st != IG_OK) goto out;
    }
    ms = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
    mcr = cairo_create(ms);
    if (cairo_status(mcr) != CAIRO_STATUS_SUCCESS) {
        st = nomem(&J, "cairo");
        goto out;
    }
    layout(&J, mcr);
    if (R->rasterised && spec->raster == IG_MAP_RASTER_AUTO &&
        spec->cell_size_m * J.s >= 1.0 && J.n) {
        /* the frame came out wider than guessed: vector after all */
        R->rasterised = 0;
        st = make_runs(&J);
        if (st != IG_OK) goto out;
        layout(&J, mcr);
    }
    st = ig__render_write(ctx, path, R->format, J.W, J.H, spec->title,
                          spec->date, "map",
                          draw_cb, &J, err);
out:
    if (mcr) cairo_destroy(mcr);
    if (ms) cairo_surface_destroy(ms);
    ig__free(ctx, J.ci, J.n ? J.n : 1);
    ig__free(ctx, J.keys, (J.n ? J.n : 1) * sizeof *J.keys);
    ig__free(ctx, J.runs, (J.n ? J.n : 1) * sizeof *J.runs);
    if (st != IG_OK) ig__error_file(err, path);
    return st;
}
