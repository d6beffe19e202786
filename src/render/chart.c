/* Charts with cairo: lines with confidence bands, bars, strip plots,
 * histograms and Lorenz curves, for the report.
 *
 * Every chart shares one page layout (chart_frame): the title and note on
 * top, the footer (source, date) at the bottom, an optional legend on the
 * right, and the plot area in between, with room on the left for the y
 * tick labels (or the row labels of bars and strips) measured with the
 * font before anything is drawn, so no text runs into the plot. Axis
 * ticks are 1, 2 or 5 times a power of ten. Line colours are the
 * Okabe-Ito palette (colour-blind safe). Output goes through output.c. */
#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "core/ksum.h"
#include "integrid/ig_render.h"
#include "render/render_internal.h"

#define FONT "sans-serif"
#define PI 3.14159265358979323846

static const uint32_t OKABE_ITO[IG_CHART_MAX_SERIES] = {
    0x0072b2, 0xd55e00, 0x009e73, 0xcc79a7,
    0xe69f00, 0x56b4e9, 0x000000, 0xf0e442};

typedef enum chart_kind {
    CH_LINES,
    CH_BARS,
    CH_STRIP,
    CH_HIST,
    CH_LORENZ,
    CH_RADAR
} chart_kind;

typedef struct chart {
    chart_kind kind;
    ig_ctx *ctx;
    const ig_chart_text *t;
    ig_chart_result *R;
    ig_error *err;
    double W, H, m, fs, ft;
    double px0, py0, pw, ph; /* plot area */
    double title_h, note_h, legend_w, footer_h, left_w, bottom_h;
    double x0, x1, y0, y1; /* data ranges */
    int log_x;
    char note[512];
    /* data */
    const double *x;
    size_t n;
    const ig_chart_series *series;
    size_t n_series;
    const char *const *labels;
    const double *values, *lo, *hi;
    const double *const *rowvals;
    const size_t *n_rowvals;
    const char *hl_label;
    size_t *bins;
    size_t n_bins;
    double b0, b1; /* histogram: the range the bins cut */
    double *lx, *ly; /* Lorenz vertices */
    size_t n_lz;
} chart;

static void rgb(cairo_t *cr, uint32_t c, double a)
{
    cairo_set_source_rgba(cr, ((c >> 16) & 255) / 255.0,
                          ((c >> 8) & 255) / 255.0, (c & 255) / 255.0, a);
}

static void font(cairo_t *cr, double size, int bold)
{
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD
                                : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

static double tw(cairo_t *cr, const char *s, double size, int bold)
{
    font(cr, size, bold);
    cairo_text_extents_t e;
    cairo_text_extents(cr, s ? s : "", &e);
    return e.x_advance;
}

/* text with its left (align 0), centre (1) or right (2) end at x */
static void text(cairo_t *cr, double x, double y, const char *s, double size,
                 int bold, int align)
{
    double w = align ? tw(cr, s, size, bold) : 0;
    font(cr, size, bold);
    cairo_move_to(cr, x - (align == 1 ? w / 2 : align == 2 ? w : 0), y);
    cairo_show_text(cr, s);
}

/* A tick step of 1, 2 or 5 times a power of ten giving about n ticks. */
static double nice_step(double range, int n)
{
    if (!(range > 0)) return 1.0;
    double raw = range / n;
    double p = pow(10.0, floor(log10(raw)));
    double f = raw / p;
    return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
}

static void fmt_num(char *buf, size_t cap, double v, double step)
{
    int d = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    if (d > 8) d = 8;
    if (fabs(v) < step * 1e-9) v = 0.0;
    snprintf(buf, cap, "%.*f", d, v);
}

/* Widen [*lo, *hi] to whole tick steps (and to a range when flat). */
static double nice_range(double *lo, double *hi, int n)
{
    if (!(*hi > *lo)) {
        double d = *lo != 0 ? fabs(*lo) * 0.1 : 1.0;
        *lo -= d;
        *hi += d;
    }
    double st = nice_step(*hi - *lo, n);
    *lo = floor(*lo / st + 1e-9) * st;
    *hi = ceil(*hi / st - 1e-9) * st;
    return st;
}

static double X(const chart *C, double v)
{
    if (C->log_x)
        return C->px0 + (log10(v) - log10(C->x0)) /
                            (log10(C->x1) - log10(C->x0)) * C->pw;
    return C->px0 + (v - C->x0) / (C->x1 - C->x0) * C->pw;
}

static double Y(const chart *C, double v)
{
    return C->py0 + C->ph - (v - C->y0) / (C->y1 - C->y0) * C->ph;
}

/* ---- layout ------------------------------------------------------------- */

static void frame_layout(chart *C, cairo_t *cr, double left_w,
                         double legend_w, double aspect)
{
    const ig_chart_text *t = C->t;
    C->m = fmax(10.0, round(C->W * 0.025));
    C->fs = fmin(40.0, fmax(9.0, C->W / 70.0));
    C->ft = C->fs * 1.45;
    double inner = C->W - 2 * C->m;
    while (t->title && C->ft > C->fs && tw(cr, t->title, C->ft, 1) > inner)
        C->ft *= 0.92;
    C->title_h = t->title ? C->ft * 1.6 : 0;
    int notes = (t->note && t->note[0]) + (C->note[0] != 0);
    C->note_h = notes * C->fs * 1.4;
    C->footer_h = ((t->source && t->source[0]) + (t->date && t->date[0])) *
                      C->fs * 1.3 +
                  C->fs * 0.5;
    C->left_w = left_w + (t->y_label ? C->fs * 1.6 : 0) + C->fs * 0.6;
    C->bottom_h = C->fs * 2.0 + (t->x_label ? C->fs * 1.5 : 0);
    C->legend_w = legend_w;
    C->px0 = C->m + C->left_w;
    C->py0 = C->m + C->title_h + C->note_h + C->fs * 0.6;
    C->pw = C->W - C->px0 - C->m - legend_w;
    if (C->pw < C->W * 0.3) C->pw = C->W * 0.3;
    C->ph = C->pw * aspect;
    C->H = ceil(C->py0 + C->ph + C->bottom_h + C->footer_h + C->m);
    C->R->width = (int)C->W;
    C->R->height = (int)C->H;
    C->R->plot_x = C->px0;
    C->R->plot_y = C->py0;
    C->R->plot_w = C->pw;
    C->R->plot_h = C->ph;
}

static void draw_frame(chart *C, cairo_t *cr)
{
    const ig_chart_text *t = C->t;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0.05, 0.05, 0.05);
    double y = C->m;
    if (t->title) {
        cairo_save(cr);
        cairo_rectangle(cr, 0, 0, C->W, C->m + C->title_h);
        cairo_clip(cr);
        text(cr, C->m, y + C->ft, t->title, C->ft, 1, 0);
        cairo_restore(cr);
        y += C->title_h;
    }
    const char *notes[2] = {t->note, C->note};
    for (int i = 0; i < 2; i++) {
        if (!notes[i] || !notes[i][0]) continue;
        cairo_set_source_rgb(cr, i ? 0.6 : 0.3, i ? 0.1 : 0.3,
                             i ? 0.05 : 0.3);
        text(cr, C->m, y + C->fs, notes[i], C->fs * 0.95, 0, 0);
        y += C->fs * 1.4;
    }
    /* footer */
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    double fy = C->py0 + C->ph + C->bottom_h + C->fs * 1.2;
    char line[600];
    if (t->source && t->source[0]) {
        snprintf(line, sizeof line, "Source: %s", t->source);
        text(cr, C->m, fy, line, C->fs * 0.85, 0, 0);
        fy += C->fs * 1.3;
    }
    if (t->date && t->date[0]) {
        snprintf(line, sizeof line, "Made with integrid, %s", t->date);
        text(cr, C->m, fy, line, C->fs * 0.85, 0, 0);
    }
    /* axis labels */
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    if (t->x_label)
        text(cr, C->px0 + C->pw / 2, C->py0 + C->ph + C->fs * 3.0,
             t->x_label, C->fs, 0, 1);
    if (t->y_label) {
        cairo_save(cr);
        cairo_translate(cr, C->m + C->fs, C->py0 + C->ph / 2);
        cairo_rotate(cr, -PI / 2);
        text(cr, 0, 0, t->y_label, C->fs, 0, 1);
        cairo_restore(cr);
    }
}

/* Horizontal grid lines and y tick labels. */
static void y_axis(chart *C, cairo_t *cr, double step, int percent)
{
    size_t k = 0;
    for (double v = C->y0; v <= C->y1 + step * 1e-6; v += step, k++) {
        double y = Y(C, v);
        cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
        cairo_set_line_width(cr, 1);
        cairo_move_to(cr, C->px0, y);
        cairo_line_to(cr, C->px0 + C->pw, y);
        cairo_stroke(cr);
        char b[64];
        fmt_num(b, sizeof b, percent ? v * 100 : v, percent ? step * 100 : step);
        if (percent) strcat(b, " %");
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        text(cr, C->px0 - C->fs * 0.4, y + C->fs * 0.35, b, C->fs * 0.9, 0, 2);
    }
    C->R->ticks_y = k;
}

static void x_ticks_linear(chart *C, cairo_t *cr, double step, int percent)
{
    size_t k = 0;
    for (double v = C->x0; v <= C->x1 + step * 1e-6; v += step, k++) {
        double x = X(C, v);
        char b[64];
        fmt_num(b, sizeof b, percent ? v * 100 : v, percent ? step * 100 : step);
        if (percent) strcat(b, " %");
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        text(cr, x, C->py0 + C->ph + C->fs * 1.3, b, C->fs * 0.9, 0, 1);
        cairo_move_to(cr, x, C->py0 + C->ph);
        cairo_line_to(cr, x, C->py0 + C->ph + C->fs * 0.3);
        cairo_stroke(cr);
    }
    C->R->ticks_x = k;
}

static void plot_box(chart *C, cairo_t *cr)
{
    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    cairo_set_line_width(cr, 1);
    cairo_move_to(cr, C->px0, C->py0);
    cairo_line_to(cr, C->px0, C->py0 + C->ph);
    cairo_line_to(cr, C->px0 + C->pw, C->py0 + C->ph);
    cairo_stroke(cr);
}

static void legend(chart *C, cairo_t *cr, const char *const *labels,
                   const uint32_t *colours, size_t n, int dots)
{
    double x = C->px0 + C->pw + C->fs, y = C->py0;
    for (size_t i = 0; i < n; i++) {
        rgb(cr, colours[i], 1);
        if (dots) {
            cairo_arc(cr, x + C->fs * 0.6, y + C->fs * 0.6, C->fs * 0.4, 0,
                      2 * PI);
            cairo_fill(cr);
        } else {
            cairo_set_line_width(cr, C->fs * 0.25);
            cairo_move_to(cr, x, y + C->fs * 0.6);
            cairo_line_to(cr, x + C->fs * 1.4, y + C->fs * 0.6);
            cairo_stroke(cr);
        }
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        text(cr, x + C->fs * 1.9, y + C->fs * 0.95, labels[i] ? labels[i] : "",
             C->fs * 0.9, 0, 0);
        y += C->fs * 1.6;
    }
}

/* ---- the charts --------------------------------------------------------- */

static ig_status draw_lines(chart *C, cairo_t *cr)
{
    double ystep = nice_step(C->y1 - C->y0, 5);
    draw_frame(C, cr);
    y_axis(C, cr, ystep, 0);
    if (C->log_x) {
        size_t k = 0;
        double last = -1e300;
        for (size_t i = 0; i < C->n; i++) {
            char b[64];
            snprintf(b, sizeof b, "%g", C->x[i]);
            double x = X(C, C->x[i]);
            if (x - last < tw(cr, b, C->fs * 0.9, 0) + C->fs * 0.5) continue;
            cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
            text(cr, x, C->py0 + C->ph + C->fs * 1.3, b, C->fs * 0.9, 0, 1);
            last = x;
            k++;
        }
        C->R->ticks_x = k;
    } else {
        x_ticks_linear(C, cr, nice_step(C->x1 - C->x0, 6), 0);
    }
    plot_box(C, cr);
    cairo_save(cr);
    cairo_rectangle(cr, C->px0, C->py0 - 1, C->pw + 1, C->ph + 2);
    cairo_clip(cr);
    for (size_t s = 0; s < C->n_series; s++) {
        const ig_chart_series *S = &C->series[s];
        if (!S->lo) continue;
        /* one band polygon per run of points with both bounds */
        size_t i = 0;
        int any = 0;
        while (i < C->n) {
            while (i < C->n && !(isfinite(S->lo[i]) && isfinite(S->hi[i]))) i++;
            size_t a = i;
            while (i < C->n && isfinite(S->lo[i]) && isfinite(S->hi[i])) i++;
            if (i - a < 1) continue;
            for (size_t q = a; q < i; q++)
                (q == a ? cairo_move_to : cairo_line_to)(cr, X(C, C->x[q]),
                                                          Y(C, S->hi[q]));
            for (size_t q = i; q-- > a;) cairo_line_to(cr, X(C, C->x[q]), Y(C, S->lo[q]));
            cairo_close_path(cr);
            any = 1;
        }
        rgb(cr, OKABE_ITO[s], 0.18);
        cairo_fill(cr);
        C->R->bands += (size_t)any;
    }
    for (size_t s = 0; s < C->n_series; s++) {
        const ig_chart_series *S = &C->series[s];
        rgb(cr, OKABE_ITO[s], 1);
        cairo_set_line_width(cr, fmax(1.5, C->W / 400));
        int pen = 0;
        for (size_t i = 0; i < C->n; i++) {
            if (!isfinite(S->y[i])) {
                pen = 0;
                continue;
            }
            (pen ? cairo_line_to : cairo_move_to)(cr, X(C, C->x[i]), Y(C, S->y[i]));
            pen = 1;
            C->R->points++;
        }
        cairo_stroke(cr);
        for (size_t i = 0; i < C->n; i++) {
            if (!isfinite(S->y[i])) continue;
            cairo_arc(cr, X(C, C->x[i]), Y(C, S->y[i]), fmax(2, C->fs * 0.22),
                      0, 2 * PI);
            cairo_fill(cr);
        }
    }
    cairo_restore(cr);
    const char *labels[IG_CHART_MAX_SERIES];
    for (size_t s = 0; s < C->n_series; s++) labels[s] = C->series[s].label;
    if (C->legend_w > 0) legend(C, cr, labels, OKABE_ITO, C->n_series, 0);
    C->R->n_series = C->n_series;
    return IG_OK;
}

static ig_status draw_bars(chart *C, cairo_t *cr)
{
    draw_frame(C, cr);
    double step = nice_step(C->x1 - C->x0, 5);
    /* vertical grid */
    for (double v = C->x0; v <= C->x1 + step * 1e-6; v += step) {
        cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
        cairo_set_line_width(cr, 1);
        cairo_move_to(cr, X(C, v), C->py0);
        cairo_line_to(cr, X(C, v), C->py0 + C->ph);
        cairo_stroke(cr);
    }
    x_ticks_linear(C, cr, step, 0);
    double rowh = C->ph / (double)C->n;
    double zx = X(C, 0.0);
    for (size_t i = 0; i < C->n; i++) {
        double yc = C->py0 + rowh * ((double)i + 0.5);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        text(cr, C->px0 - C->fs * 0.5, yc + C->fs * 0.35,
             C->labels[i] ? C->labels[i] : "", C->fs * 0.95, 0, 2);
        double v = C->values[i];
        if (!isfinite(v)) {
            cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
            text(cr, zx + C->fs * 0.4, yc + C->fs * 0.35, "n/a", C->fs * 0.9,
                 0, 0);
            continue;
        }
        double xv = X(C, v);
        cairo_rectangle(cr, fmin(zx, xv), yc - rowh * 0.32, fabs(xv - zx),
                        rowh * 0.64);
        rgb(cr, v < 0 ? 0x4393c3 : 0xd6604d, 1);
        cairo_fill(cr);
        C->R->bars++;
        if (C->lo && C->hi && isfinite(C->lo[i]) && isfinite(C->hi[i])) {
            cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
            cairo_set_line_width(cr, 1.2);
            double a = X(C, C->lo[i]), b = X(C, C->hi[i]);
            cairo_move_to(cr, a, yc);
            cairo_line_to(cr, b, yc);
            cairo_move_to(cr, a, yc - rowh * 0.15);
            cairo_line_to(cr, a, yc + rowh * 0.15);
            cairo_move_to(cr, b, yc - rowh * 0.15);
            cairo_line_to(cr, b, yc + rowh * 0.15);
            cairo_stroke(cr);
            C->R->whiskers++;
        }
    }
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_set_line_width(cr, 1.2);
    cairo_move_to(cr, zx, C->py0);
    cairo_line_to(cr, zx, C->py0 + C->ph);
    cairo_stroke(cr);
    return IG_OK;
}

static ig_status draw_strip(chart *C, cairo_t *cr)
{
    draw_frame(C, cr);
    double rowh = C->ph / (double)C->n;
    double r = fmax(2.0, C->fs * 0.28);
    for (size_t i = 0; i < C->n; i++) {
        double yc = C->py0 + rowh * ((double)i + 0.5);
        const double *v = C->rowvals[i];
        size_t nv = C->n_rowvals[i];
        double lo = INFINITY, hi = -INFINITY;
        for (size_t k = 0; k < nv; k++)
            if (isfinite(v[k])) {
                lo = fmin(lo, v[k]);
                hi = fmax(hi, v[k]);
            }
        double h = C->values ? C->values[i] : (double)NAN;
        if (isfinite(h)) {
            lo = fmin(lo, h);
            hi = fmax(hi, h);
        }
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        text(cr, C->px0 - C->fs * 0.5, yc + C->fs * 0.35,
             C->labels[i] ? C->labels[i] : "", C->fs * 0.95, 0, 2);
        cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
        cairo_set_line_width(cr, 1);
        cairo_move_to(cr, C->px0, yc);
        cairo_line_to(cr, C->px0 + C->pw, yc);
        cairo_stroke(cr);
        if (!(hi >= lo)) continue;
        double span = hi > lo ? hi - lo : 1.0;
        double pad = C->pw * 0.04;
#define SX(val) (C->px0 + pad + ((val) - lo) / span * (C->pw - 2 * pad))
        char b[64];
        double st = nice_step(span, 5) / 10;
        cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
        fmt_num(b, sizeof b, lo, st);
        text(cr, C->px0 + pad, yc + rowh * 0.42, b, C->fs * 0.75, 0, 1);
        fmt_num(b, sizeof b, hi, st);
        text(cr, C->px0 + C->pw - pad, yc + rowh * 0.42, b, C->fs * 0.75, 0,
             1);
        for (size_t k = 0; k < nv; k++) {
            if (!isfinite(v[k])) continue;
            cairo_arc(cr, SX(v[k]), yc, r, 0, 2 * PI);
            cairo_set_source_rgba(cr, 0.4, 0.4, 0.4, 0.55);
            cairo_fill(cr);
            C->R->dots++;
        }
        if (isfinite(h)) {
            cairo_arc(cr, SX(h), yc, r * 1.8, 0, 2 * PI);
            rgb(cr, 0xd55e00, 1);
            cairo_fill_preserve(cr);
            cairo_set_source_rgb(cr, 1, 1, 1);
            cairo_set_line_width(cr, 1);
            cairo_stroke(cr);
            C->R->dots++;
            fmt_num(b, sizeof b, h, st);
            cairo_set_source_rgb(cr, 0.55, 0.2, 0.0);
            text(cr, SX(h), yc - r * 2.4, b, C->fs * 0.8, 1, 1);
        }
#undef SX
    }
    const char *labels[2] = {C->hl_label ? C->hl_label : "this place",
                             "peers"};
    const uint32_t cols[2] = {0xd55e00, 0x777777};
    if (C->legend_w > 0) legend(C, cr, labels, cols, 2, 1);
    C->R->n_series = 2;
    return IG_OK;
}

static ig_status draw_hist(chart *C, cairo_t *cr)
{
    draw_frame(C, cr);
    y_axis(C, cr, nice_step(C->y1 - C->y0, 5), 0);
    x_ticks_linear(C, cr, nice_step(C->x1 - C->x0, 6), 0);
    double bw = (C->b1 - C->b0) / (double)C->n_bins;
    for (size_t b = 0; b < C->n_bins; b++) {
        if (!C->bins[b]) continue;
        double a = X(C, C->b0 + bw * (double)b);
        double e = X(C, C->b0 + bw * ((double)b + 1.0));
        double top = Y(C, (double)C->bins[b]);
        cairo_rectangle(cr, a + 0.5, top, fmax(0.5, e - a - 1), Y(C, 0) - top);
        C->R->bars++;
    }
    rgb(cr, 0x0072b2, 0.85);
    cairo_fill(cr);
    plot_box(C, cr);
    return IG_OK;
}

static ig_status draw_lorenz(chart *C, cairo_t *cr)
{
    draw_frame(C, cr);
    y_axis(C, cr, 0.2, 1);
    x_ticks_linear(C, cr, 0.2, 1);
    plot_box(C, cr);
    /* the area between the diagonal and the curve, then both lines */
    cairo_move_to(cr, X(C, 0), Y(C, 0));
    for (size_t i = 0; i < C->n_lz; i++) cairo_line_to(cr, X(C, C->lx[i]), Y(C, C->ly[i]));
    cairo_close_path(cr);
    rgb(cr, 0xd55e00, 0.15);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
    cairo_set_line_width(cr, 1);
    cairo_move_to(cr, X(C, 0), Y(C, 0));
    cairo_line_to(cr, X(C, 1), Y(C, 1));
    cairo_stroke(cr);
    rgb(cr, 0xd55e00, 1);
    cairo_set_line_width(cr, fmax(1.5, C->W / 400));
    cairo_move_to(cr, X(C, 0), Y(C, 0));
    for (size_t i = 0; i < C->n_lz; i++) cairo_line_to(cr, X(C, C->lx[i]), Y(C, C->ly[i]));
    cairo_stroke(cr);
    C->R->points = C->n_lz + 1;
    char b[64];
    snprintf(b, sizeof b, "Gini = %.3f", C->R->gini);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    text(cr, C->px0 + C->fs, C->py0 + C->fs * 1.5, b, C->fs * 1.1, 1, 0);
    return IG_OK;
}

static ig_status draw_radar(chart *C, cairo_t *cr)
{
    draw_frame(C, cr);
    double cx = C->px0 + C->pw / 2, cy = C->py0 + C->ph / 2;
    double rad = fmin(C->pw, C->ph) / 2 - C->fs * 0.5;
    size_t n = C->n;
    /* rings at quarters of the rim, and the spokes */
    cairo_set_line_width(cr, 1);
    for (int q = 1; q <= 4; q++) {
        double rr = rad * q / 4.0;
        for (size_t a = 0; a <= n; a++) {
            double ang = -PI / 2 + 2 * PI * (double)(a % n) / (double)n;
            (a ? cairo_line_to : cairo_move_to)(cr, cx + rr * cos(ang),
                                                 cy + rr * sin(ang));
        }
        cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
        cairo_stroke(cr);
        char b[64];
        fmt_num(b, sizeof b, C->y1 * q / 4.0, nice_step(C->y1, 4) / 10);
        cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
        text(cr, cx + C->fs * 0.3, cy - rr + C->fs * 0.9, b, C->fs * 0.75, 0,
             0);
    }
    C->R->ticks_y = 4;
    for (size_t a = 0; a < n; a++) {
        double ang = -PI / 2 + 2 * PI * (double)a / (double)n;
        double ex = cos(ang), ey = sin(ang);
        cairo_set_source_rgb(cr, 0.8, 0.8, 0.8);
        cairo_move_to(cr, cx, cy);
        cairo_line_to(cr, cx + rad * ex, cy + rad * ey);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        char l[300];
        int na = 0;
        for (size_t s = 0; s < C->n_series; s++)
            na |= !isfinite(C->series[s].y[a]);
        snprintf(l, sizeof l, "%.280s%s", C->labels[a] ? C->labels[a] : "",
                 na ? " (n/a)" : "");
        int align = fabs(ex) < 0.2 ? 1 : ex > 0 ? 0 : 2;
        double lx = cx + (rad + C->fs * 0.6) * ex;
        double ly = cy + (rad + C->fs * 0.6) * ey + C->fs * 0.35 +
                    (fabs(ex) < 0.2 ? (ey > 0 ? C->fs * 0.5 : -C->fs * 0.2)
                                    : 0);
        text(cr, lx, ly, l, C->fs * 0.9, 0, align);
    }
    for (size_t s = 0; s < C->n_series; s++) {
        const double *y = C->series[s].y;
        for (size_t a = 0; a < n; a++) {
            double v = isfinite(y[a]) && y[a] > 0 ? fmin(y[a], C->y1) : 0.0;
            double ang = -PI / 2 + 2 * PI * (double)a / (double)n;
            double rr = rad * v / C->y1;
            (a ? cairo_line_to : cairo_move_to)(cr, cx + rr * cos(ang),
                                                 cy + rr * sin(ang));
            C->R->points++;
        }
        cairo_close_path(cr);
        rgb(cr, OKABE_ITO[s], 0.15);
        cairo_fill_preserve(cr);
        rgb(cr, OKABE_ITO[s], 1);
        cairo_set_line_width(cr, fmax(1.5, C->W / 450));
        cairo_stroke(cr);
    }
    const char *labels[IG_CHART_MAX_SERIES];
    for (size_t s = 0; s < C->n_series; s++) labels[s] = C->series[s].label;
    if (C->legend_w > 0) legend(C, cr, labels, OKABE_ITO, C->n_series, 0);
    C->R->n_series = C->n_series;
    return IG_OK;
}

static ig_status draw_cb(void *ud, cairo_t *cr)
{
    chart *C = ud;
    switch (C->kind) {
    case CH_LINES: return draw_lines(C, cr);
    case CH_BARS: return draw_bars(C, cr);
    case CH_STRIP: return draw_strip(C, cr);
    case CH_HIST: return draw_hist(C, cr);
    case CH_LORENZ: return draw_lorenz(C, cr);
    case CH_RADAR: return draw_radar(C, cr);
    }
    return IG_OK;
}

/* Common start: result, format, width, and a measuring context. */
static ig_status chart_begin(chart *C, chart_kind kind, ig_ctx *ctx,
                             const ig_chart_text *t, int width_px,
                             const char *path, ig_chart_result *res,
                             ig_chart_result *local, ig_error *err)
{
    static const ig_chart_text none = {NULL, NULL, NULL, NULL, NULL, NULL};
    memset(C, 0, sizeof *C);
    C->kind = kind;
    C->ctx = ctx;
    C->t = t ? t : &none;
    C->R = res ? res : local;
    C->err = err;
    memset(C->R, 0, sizeof *C->R);
    C->R->gini = NAN;
    if (!path)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0, "a chart needs a path");
    if (ig_map_format_of(path, &C->R->format) != IG_OK)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "cannot tell the chart format from '%s': use a "
                             "name ending in .png, .svg or .pdf",
                             path);
    if (width_px == 0) width_px = 900;
    if (width_px < 200 || width_px > 20000)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "chart width must be 200 to 20000 (got %d)",
                             width_px);
    C->W = width_px;
    return IG_OK;
}

static ig_status chart_finish(chart *C, const char *path, double left_w,
                              double legend_w, double aspect)
{
    cairo_surface_t *ms = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
    cairo_t *mcr = cairo_create(ms);
    ig_status st = IG_OK;
    if (cairo_status(mcr) != CAIRO_STATUS_SUCCESS) {
        st = ig__error_set(C->err, IG_ERR_NOMEM, 0, 0,
                           "out of memory drawing the chart (cairo)");
    } else {
        /* the left and legend widths are in units of the font size */
        C->fs = fmin(40.0, fmax(9.0, C->W / 70.0));
        double lw = left_w < 0 ? -left_w : left_w * C->fs;
        frame_layout(C, mcr, lw, legend_w, aspect);
    }
    cairo_destroy(mcr);
    cairo_surface_destroy(ms);
    if (st != IG_OK) return st;
    C->R->x_min = C->x0;
    C->R->x_max = C->x1;
    C->R->y_min = C->y0;
    C->R->y_max = C->y1;
    return ig__render_write(C->ctx, path, C->R->format, C->W, C->H,
                            C->t->title, C->t->date, "chart", draw_cb, C,
                            C->err);
}

/* Widest of n strings at the chart's label size, measured. */
static double widest(const char *const *s, size_t n, double W)
{
    cairo_surface_t *ms = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
    cairo_t *cr = cairo_create(ms);
    double fs = fmin(40.0, fmax(9.0, W / 70.0));
    double w = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i]) w = fmax(w, tw(cr, s[i], fs * 0.95, 0));
    cairo_destroy(cr);
    cairo_surface_destroy(ms);
    return fmin(w, W * 0.35);
}

ig_status ig_chart_lines(ig_ctx *ctx, const ig_chart_text *text_,
                         const double *x, size_t n_points,
                         const ig_chart_series *series, size_t n_series,
                         int log_x, int width_px, const char *path,
                         ig_chart_result *res, ig_error *err)
{
    chart C;
    ig_chart_result local;
    ig_status st = chart_begin(&C, CH_LINES, ctx, text_, width_px, path, res,
                               &local, err);
    if (st != IG_OK) return st;
    if (!x || n_points == 0 || !series || n_series == 0 ||
        n_series > IG_CHART_MAX_SERIES)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "a line chart needs x values and 1 to %d series",
                             IG_CHART_MAX_SERIES);
    for (size_t i = 0; i < n_points; i++) {
        if (!isfinite(x[i]) || (log_x && !(x[i] > 0)) ||
            (i && !(x[i] > x[i - 1])))
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "x values must be finite and strictly "
                                 "ascending%s (x[%zu] = %g)",
                                 log_x ? " and positive" : "", i, x[i]);
    }
    double lo = INFINITY, hi = -INFINITY;
    for (size_t s = 0; s < n_series; s++) {
        const ig_chart_series *S = &series[s];
        if (!S->y || (!S->lo != !S->hi))
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "series %zu needs y values, and both or "
                                 "neither of lo and hi",
                                 s + 1);
        for (size_t i = 0; i < n_points; i++) {
            const double v[3] = {S->y[i], S->lo ? S->lo[i] : (double)NAN,
                                 S->hi ? S->hi[i] : (double)NAN};
            for (int q = 0; q < 3; q++)
                if (isfinite(v[q])) {
                    lo = fmin(lo, v[q]);
                    hi = fmax(hi, v[q]);
                }
        }
    }
    if (!(hi >= lo))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "no series has a finite value to draw");
    C.x = x;
    C.n = n_points;
    C.series = series;
    C.n_series = n_series;
    C.log_x = log_x;
    C.y0 = lo;
    C.y1 = hi;
    nice_range(&C.y0, &C.y1, 5);
    C.x0 = x[0];
    C.x1 = x[n_points - 1];
    if (!(C.x1 > C.x0)) {
        C.x0 = log_x ? x[0] / 2 : x[0] - 1;
        C.x1 = log_x ? x[0] * 2 : x[0] + 1;
    }
    if (!log_x) nice_range(&C.x0, &C.x1, 6);
    const char *labels[IG_CHART_MAX_SERIES];
    int any_label = 0;
    for (size_t s = 0; s < n_series; s++) {
        labels[s] = series[s].label;
        any_label |= labels[s] != NULL;
    }
    double lgw = any_label ? widest(labels, n_series, C.W) + C.W / 70.0 * 3.5
                           : 0;
    char yl[2][64];
    fmt_num(yl[0], sizeof yl[0], C.y0, nice_step(C.y1 - C.y0, 5));
    fmt_num(yl[1], sizeof yl[1], C.y1, nice_step(C.y1 - C.y0, 5));
    const char *yls[2] = {yl[0], yl[1]};
    return chart_finish(&C, path, -(widest(yls, 2, C.W) + 4), lgw, 0.6);
}

ig_status ig_chart_bars(ig_ctx *ctx, const ig_chart_text *text_,
                        const char *const *labels, const double *values,
                        const double *lo, const double *hi, size_t n,
                        int width_px, const char *path, ig_chart_result *res,
                        ig_error *err)
{
    chart C;
    ig_chart_result local;
    ig_status st = chart_begin(&C, CH_BARS, ctx, text_, width_px, path, res,
                               &local, err);
    if (st != IG_OK) return st;
    if (!labels || !values || n == 0 || (!lo != !hi))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "a bar chart needs labels and values (and both "
                             "or neither of lo and hi)");
    double a = 0, b = 0; /* the range always holds zero */
    for (size_t i = 0; i < n; i++) {
        const double v[3] = {values[i], lo ? lo[i] : (double)NAN, hi ? hi[i] : (double)NAN};
        for (int q = 0; q < 3; q++)
            if (isfinite(v[q])) {
                a = fmin(a, v[q]);
                b = fmax(b, v[q]);
            }
    }
    C.labels = labels;
    C.values = values;
    C.lo = lo;
    C.hi = hi;
    C.n = n;
    C.x0 = a;
    C.x1 = b;
    nice_range(&C.x0, &C.x1, 5);
    double aspect = fmin(2.0, fmax(0.25, 0.07 * (double)n));
    return chart_finish(&C, path, -(widest(labels, n, C.W) + 6), 0, aspect);
}

ig_status ig_chart_strip(ig_ctx *ctx, const ig_chart_text *text_,
                         const char *const *rows, size_t n_rows,
                         const double *const *values, const size_t *n_values,
                         const double *highlight, const char *highlight_label,
                         int width_px, const char *path, ig_chart_result *res,
                         ig_error *err)
{
    chart C;
    ig_chart_result local;
    ig_status st = chart_begin(&C, CH_STRIP, ctx, text_, width_px, path, res,
                               &local, err);
    if (st != IG_OK) return st;
    if (!rows || n_rows == 0 || !values || !n_values)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "a strip plot needs rows and their values");
    for (size_t r = 0; r < n_rows; r++)
        if (n_values[r] && !values[r])
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "row %zu has %zu values but no array", r + 1,
                                 n_values[r]);
    C.labels = rows;
    C.n = n_rows;
    C.rowvals = values;
    C.n_rowvals = n_values;
    C.values = highlight;
    C.hl_label = highlight_label;
    C.x0 = 0;
    C.x1 = 1;
    C.y0 = 0;
    C.y1 = 1;
    const char *lg[2] = {highlight_label ? highlight_label : "this place",
                         "peers"};
    double lgw = widest(lg, 2, C.W) + C.W / 70.0 * 3.5;
    double aspect = fmin(2.0, fmax(0.25, 0.09 * (double)n_rows));
    return chart_finish(&C, path, -(widest(rows, n_rows, C.W) + 6), lgw,
                        aspect);
}

ig_status ig_chart_histogram(ig_ctx *ctx, const ig_chart_text *text_,
                             const double *values, size_t n, size_t n_bins,
                             int width_px, const char *path,
                             ig_chart_result *res, ig_error *err)
{
    chart C;
    ig_chart_result local;
    ig_status st = chart_begin(&C, CH_HIST, ctx, text_, width_px, path, res,
                               &local, err);
    if (st != IG_OK) return st;
    if ((!values && n) || n_bins < 1 || n_bins > 1000)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "a histogram needs values and 1 to 1000 bins");
    double lo = INFINITY, hi = -INFINITY;
    size_t nan = 0, fin = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(values[i])) {
            nan++;
            continue;
        }
        if (!isfinite(values[i]))
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "value %zu is infinite", i + 1);
        lo = fmin(lo, values[i]);
        hi = fmax(hi, values[i]);
        fin++;
    }
    if (!fin)
        return ig__error_set(err, IG_ERR_NUMERIC, 0, 0,
                             "no value to draw (%zu undefined)", nan);
    if (!(hi > lo)) {
        n_bins = 1;
        lo -= 0.5;
        hi += 0.5;
    }
    C.bins = ig__calloc(ctx, n_bins, sizeof *C.bins);
    if (!C.bins)
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0,
                             "out of memory for the histogram");
    C.n_bins = n_bins;
    size_t top = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(values[i])) continue;
        size_t b = (size_t)((values[i] - lo) / (hi - lo) * (double)n_bins);
        if (b >= n_bins) b = n_bins - 1;
        C.bins[b]++;
        if (C.bins[b] > top) top = C.bins[b];
    }
    if (nan)
        snprintf(C.note, sizeof C.note, "%zu of %zu values are undefined and "
                                        "left out",
                 nan, n);
    C.b0 = C.x0 = lo;
    C.b1 = C.x1 = hi;
    nice_range(&C.x0, &C.x1, 6);
    C.y0 = 0;
    C.y1 = (double)top;
    nice_range(&C.y0, &C.y1, 5);
    char yl[64];
    fmt_num(yl, sizeof yl, C.y1, 1);
    const char *yls[1] = {yl};
    st = chart_finish(&C, path, -(widest(yls, 1, C.W) + 4), 0, 0.55);
    ig__free(ctx, C.bins, n_bins * sizeof *C.bins);
    return st;
}

typedef struct lz_cell {
    double share, g, t;
} lz_cell;

static int cmp_lz(const void *a, const void *b)
{
    const lz_cell *x = a, *y = b;
    if (x->share != y->share) return x->share < y->share ? -1 : 1;
    return (x->t > y->t) - (x->t < y->t);
}

ig_status ig_chart_lorenz(ig_ctx *ctx, const ig_chart_text *text_,
                          const double *group, const double *total, size_t n,
                          int width_px, const char *path,
                          ig_chart_result *res, ig_error *err)
{
    chart C;
    ig_chart_result local;
    ig_status st = chart_begin(&C, CH_LORENZ, ctx, text_, width_px, path, res,
                               &local, err);
    if (st != IG_OK) return st;
    if (n && (!group || !total))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "a Lorenz curve needs group and total counts");
    lz_cell *c = ig__calloc(ctx, n ? n : 1, sizeof *c);
    if (!c)
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0,
                             "out of memory for the Lorenz curve");
    size_t m = 0;
    ig_ksum sg, stt;
    ig_ksum_init(&sg);
    ig_ksum_init(&stt);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(group[i]) || !isfinite(total[i]) || group[i] < 0 ||
            total[i] < 0) {
            ig__free(ctx, c, (n ? n : 1) * sizeof *c);
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "cell %zu: counts must be finite and >= 0 "
                                 "(group %g, total %g)",
                                 i + 1, group[i], total[i]);
        }
        if (total[i] <= 0 && group[i] <= 0) continue;
        c[m].g = group[i];
        c[m].t = total[i];
        /* only the group lives here (total = the rest): last */
        c[m].share = total[i] > 0 ? group[i] / total[i] : (double)INFINITY;
        ig_ksum_add(&sg, group[i]);
        ig_ksum_add(&stt, total[i]);
        m++;
    }
    double G = ig_ksum_value(&sg), T = ig_ksum_value(&stt);
    if (!(G > 0) || !(T > 0)) {
        ig__free(ctx, c, (n ? n : 1) * sizeof *c);
        return ig__error_set(err, IG_ERR_NUMERIC, 0, 0,
                             "the %s is 0 in every cell: there is no curve "
                             "to draw",
                             G > 0 ? "total" : "group");
    }
    qsort(c, m, sizeof *c, cmp_lz);
    C.lx = ig__calloc(ctx, m + 1, sizeof *C.lx);
    C.ly = ig__calloc(ctx, m + 1, sizeof *C.ly);
    if (!C.lx || !C.ly) {
        ig__free(ctx, C.lx, (m + 1) * sizeof *C.lx);
        ig__free(ctx, C.ly, (m + 1) * sizeof *C.ly);
        ig__free(ctx, c, (n ? n : 1) * sizeof *c);
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0,
                             "out of memory for the Lorenz curve");
    }
    /* G = 1 - sum (x_i - x_{i-1}) (y_i + y_{i-1}); vertices kept only when
     * the curve moved by half a pixel or more */
    ig_ksum cx, cy, area;
    ig_ksum_init(&cx);
    ig_ksum_init(&cy);
    ig_ksum_init(&area);
    double px = 0, py = 0, kx = 0, ky = 0;
    double minstep = 0.5 / (C.W * 0.8);
    size_t k = 0;
    for (size_t i = 0; i < m; i++) {
        ig_ksum_add(&cx, c[i].t);
        ig_ksum_add(&cy, c[i].g);
        double x = ig_ksum_value(&cx) / T, y = ig_ksum_value(&cy) / G;
        ig_ksum_add(&area, (x - px) * (y + py));
        px = x;
        py = y;
        if (i + 1 == m || x - kx >= minstep || y - ky >= minstep) {
            C.lx[k] = x;
            C.ly[k] = y;
            kx = x;
            ky = y;
            k++;
        }
    }
    C.n_lz = k;
    C.R->gini = 1.0 - ig_ksum_value(&area);
    if (C.R->gini < 0) C.R->gini = 0;
    C.x0 = C.y0 = 0;
    C.x1 = C.y1 = 1;
    ig__free(ctx, c, (n ? n : 1) * sizeof *c);
    const char *yls[1] = {"100 %"};
    st = chart_finish(&C, path, -(widest(yls, 1, C.W) + 4), 0, 0.8);
    ig__free(ctx, C.lx, (m + 1) * sizeof *C.lx);
    ig__free(ctx, C.ly, (m + 1) * sizeof *C.ly);
    return st;
}

ig_status ig_chart_radar(ig_ctx *ctx, const ig_chart_text *text_,
                         const char *const *labels, size_t n_axes,
                         const ig_chart_series *series, size_t n_series,
                         double max_value, int width_px, const char *path,
                         ig_chart_result *res, ig_error *err)
{
    chart C;
    ig_chart_result local;
    ig_status st = chart_begin(&C, CH_RADAR, ctx, text_, width_px, path, res,
                               &local, err);
    if (st != IG_OK) return st;
    if (!labels || n_axes < 3 || !series || n_series == 0 ||
        n_series > IG_CHART_MAX_SERIES)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "a radar chart needs 3 or more spokes (got "
                             "%zu) and 1 to %d series",
                             n_axes, IG_CHART_MAX_SERIES);
    if (!(max_value > 0) || !isfinite(max_value))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "the rim of a radar chart must be positive "
                             "(got %g)",
                             max_value);
    for (size_t s = 0; s < n_series; s++)
        if (!series[s].y)
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "series %zu has no values", s + 1);
    C.labels = labels;
    C.n = n_axes;
    C.series = series;
    C.n_series = n_series;
    C.x0 = 0;
    C.x1 = 1;
    C.y0 = 0;
    C.y1 = max_value;
    const char *sl[IG_CHART_MAX_SERIES];
    int any = 0;
    for (size_t s = 0; s < n_series; s++) {
        sl[s] = series[s].label;
        any |= sl[s] != NULL;
    }
    double lgw = any ? widest(sl, n_series, C.W) + C.W / 70.0 * 3.5 : 0;
    /* room for the spoke labels on both sides */
    double side = widest(labels, n_axes, C.W) + 8;
    return chart_finish(&C, path, -side, lgw + side, 0.9);
}
