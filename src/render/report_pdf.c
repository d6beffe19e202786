/* The PDF writer of the report: the same blocks as the HTML page, laid
 * out on A4 pages (595 x 842 pt) through cairo's PDF surface and the
 * render module's atomic writer (ig__render_write; cairo_show_page ends
 * each page but the last, which finishing the surface emits). Text uses
 * cairo's toy font API ("sans-serif" through fontconfig), wrapped at
 * spaces by measured width, or anywhere inside a word longer than the
 * line. Figures are the render module's PNGs, drawn at the column width
 * (about 190 dpi), shrunk to at most half a page. A block that does not
 * fit in what is left of a page starts a new one; every page gets a
 * footer with the title and its number. */
#include <cairo.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "render/render_internal.h"
#include "render/report_internal.h"

#define PAGE_W 595.28
#define PAGE_H 841.89
#define MARGIN 50.0
#define BOTTOM (PAGE_H - MARGIN - 14.0)
#define CONTENT_W (PAGE_W - 2 * MARGIN)
/* figures take at most about half a page, so two maps share one */
#define FIG_MAX_H ((BOTTOM - MARGIN) * 0.42)

typedef struct pdf {
    rp_doc *d;
    cairo_t *cr;
    double y;
    int page;
    ig_status st;
    ig_error *err;
} pdf;

static void font(cairo_t *cr, double size, int bold, int mono)
{
    cairo_select_font_face(cr, mono ? "monospace" : "sans-serif",
                           CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD
                                : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

static double text_w(cairo_t *cr, const char *s, size_t n)
{
    char buf[1024];
    if (n >= sizeof buf) n = sizeof buf - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    cairo_text_extents_t te;
    cairo_text_extents(cr, buf, &te);
    return te.x_advance;
}

static void show(cairo_t *cr, double x, double y, const char *s, size_t n)
{
    char buf[1024];
    if (n >= sizeof buf) n = sizeof buf - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, buf);
}

/* Length of the next line of s that fits in width (at least one UTF-8
 * character), breaking after a space when possible; *next is where the
 * following line starts. */
static size_t next_line(cairo_t *cr, const char *s, double width,
                        const char **next)
{
    size_t n = strlen(s);
    const char *nl = strchr(s, '\n');
    size_t lim = nl ? (size_t)(nl - s) : n;
    if (text_w(cr, s, lim) <= width && lim < 1000) {
        *next = nl ? nl + 1 : s + lim;
        return lim;
    }
    size_t best_space = 0, fit = 0;
    for (size_t i = 1; i <= lim; i++) {
        if (i < lim && ((unsigned char)s[i] & 0xC0) == 0x80) continue;
        if (i > 1000 || text_w(cr, s, i) > width) break;
        fit = i;
        if (i < lim && s[i] == ' ') best_space = i;
    }
    if (fit == 0) { /* one character, whatever its width */
        fit = 1;
        while (fit < lim && ((unsigned char)s[fit] & 0xC0) == 0x80) fit++;
    }
    size_t len = best_space ? best_space : fit;
    const char *p = s + len;
    while (*p == ' ') p++;
    *next = p;
    return len;
}

static size_t count_lines(cairo_t *cr, const char *s, double width)
{
    size_t n = 0;
    const char *p = s ? s : "";
    if (!*p) return 1;
    while (*p) {
        const char *q;
        next_line(cr, p, width, &q);
        n++;
        if (q == p) break;
        p = q;
    }
    return n;
}

static void footer(pdf *x)
{
    cairo_t *cr = x->cr;
    cairo_save(cr);
    font(cr, 7.5, 0, 0);
    cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
    char pg[32];
    const char *a[1] = {pg};
    snprintf(pg, sizeof pg, "%d", x->page);
    char *t = ig__rp_fill(x->d, T_PAGE, 1, a);
    const char *s = t ? t : pg;
    double w = text_w(cr, s, strlen(s));
    show(cr, PAGE_W - MARGIN - w, PAGE_H - MARGIN + 10, s, strlen(s));
    const char *title = x->d->title ? x->d->title : "";
    size_t tl = strlen(title);
    while (tl > 0 && text_w(cr, title, tl) > CONTENT_W - w - 20) tl--;
    show(cr, MARGIN, PAGE_H - MARGIN + 10, title, tl);
    cairo_move_to(cr, MARGIN, PAGE_H - MARGIN);
    cairo_line_to(cr, PAGE_W - MARGIN, PAGE_H - MARGIN);
    cairo_set_line_width(cr, 0.5);
    cairo_stroke(cr);
    if (t) ig__free(x->d->ctx, t, strlen(t) + 1);
    cairo_restore(cr);
}

static void new_page(pdf *x)
{
    footer(x);
    cairo_show_page(x->cr);
    x->page++;
    x->y = MARGIN;
}

/* Make room for h points: a new page unless they fit (or the page is
 * still empty). */
static void need(pdf *x, double h)
{
    if (x->y + h > BOTTOM && x->y > MARGIN + 1) new_page(x);
}

/* Wrapped text at x0 within width; lines of lh points. */
static void para(pdf *x, const char *s, double x0, double width, double size,
                 int bold, int mono, double r, double g, double b)
{
    cairo_t *cr = x->cr;
    font(cr, size, bold, mono);
    double lh = size * 1.4;
    cairo_set_source_rgb(cr, r, g, b);
    const char *p = s ? s : "";
    while (*p) {
        const char *q;
        size_t len = next_line(cr, p, width, &q);
        need(x, lh);
        font(cr, size, bold, mono);
        cairo_set_source_rgb(cr, r, g, b);
        show(cr, x0, x->y + size, p, len);
        x->y += lh;
        if (q == p) break;
        p = q;
    }
}

static void keys(pdf *x, const rp_block *k)
{
    cairo_t *cr = x->cr;
    size_t n = k->ncells / 2, per = 3;
    double gap = 6, w = (CONTENT_W - gap * (double)(per - 1)) / (double)per,
           h = 38;
    for (size_t i = 0; i < n; i++) {
        size_t col = i % per;
        if (col == 0) {
            need(x, h + gap);
            if (i) x->y += h + gap;
        }
        double x0 = MARGIN + (double)col * (w + gap);
        cairo_set_source_rgb(cr, 0.965, 0.973, 0.98);
        cairo_rectangle(cr, x0, x->y, w, h);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0.82, 0.84, 0.87);
        cairo_set_line_width(cr, 0.6);
        cairo_stroke(cr);
        font(cr, 7.5, 0, 0);
        cairo_set_source_rgb(cr, 0.34, 0.38, 0.42);
        const char *l = k->cells[2 * i], *v = k->cells[2 * i + 1];
        size_t ll = strlen(l);
        while (ll > 0 && text_w(cr, l, ll) > w - 12) ll--;
        show(cr, x0 + 6, x->y + 13, l, ll);
        font(cr, 12, 1, 0);
        cairo_set_source_rgb(cr, 0.12, 0.14, 0.16);
        size_t vl = strlen(v);
        while (vl > 0 && text_w(cr, v, vl) > w - 12) vl--;
        show(cr, x0 + 6, x->y + 30, v, vl);
    }
    if (n) x->y += h + 10;
}

static void table(pdf *x, const rp_block *t)
{
    cairo_t *cr = x->cr;
    size_t nc = t->ncols ? t->ncols : 1, nr = t->ncells / nc;
    if (nr == 0) return;
    double size = 8, lh = size * 1.35, pad = 4;
    double nat[16] = {0}, w[16];
    if (nc > 16) nc = 16;
    for (size_t r = 0; r < nr; r++)
        for (size_t c = 0; c < nc; c++) {
            const char *s = t->cells[r * t->ncols + c];
            font(cr, size, r == 0, 0);
            double tw = text_w(cr, s, strlen(s)) + 2 * pad;
            if (tw > nat[c]) nat[c] = tw;
        }
    double sum = 0;
    for (size_t c = 0; c < nc; c++) sum += nat[c];
    /* shrink the widest columns first: give each column at most its
     * natural width and share the rest by natural width */
    for (size_t c = 0; c < nc; c++)
        w[c] = sum <= CONTENT_W ? nat[c] : nat[c] * CONTENT_W / sum;
    if (sum > CONTENT_W) {
        double fair = CONTENT_W / (double)nc, spare = 0, over = 0;
        for (size_t c = 0; c < nc; c++) {
            if (nat[c] <= fair) spare += fair - nat[c];
            else over += nat[c] - fair;
        }
        for (size_t c = 0; c < nc; c++)
            w[c] = nat[c] <= fair ? nat[c]
                                  : fair + (over > 0 ? spare * (nat[c] - fair) /
                                                           over
                                                     : 0);
    }
    int head = t->cells[0][0] != '\0';
    for (size_t r = head ? 0 : 1; r < nr; r++) {
        size_t lines = 1;
        for (size_t c = 0; c < nc; c++) {
            font(cr, size, r == 0, 0);
            size_t l = count_lines(cr, t->cells[r * t->ncols + c],
                                   w[c] - 2 * pad);
            if (l > lines) lines = l;
        }
        double h = (double)lines * lh + 2 * pad - 2;
        need(x, h);
        double x0 = MARGIN;
        if (r == 0) {
            cairo_set_source_rgb(cr, 0.965, 0.973, 0.98);
            cairo_rectangle(cr, MARGIN, x->y, CONTENT_W, h);
            cairo_fill(cr);
        }
        for (size_t c = 0; c < nc; c++) {
            const char *p = t->cells[r * t->ncols + c];
            double yy = x->y + pad - 1;
            font(cr, size, r == 0, 0);
            cairo_set_source_rgb(cr, 0.12, 0.14, 0.16);
            int right = (int)c >= t->numeric_from;
            while (*p) {
                const char *q;
                size_t len = next_line(cr, p, w[c] - 2 * pad, &q);
                double tx = right ? x0 + w[c] - pad - text_w(cr, p, len)
                                  : x0 + pad;
                show(cr, tx, yy + size, p, len);
                yy += lh;
                if (q == p) break;
                p = q;
            }
            x0 += w[c];
        }
        x->y += h;
        cairo_set_source_rgb(cr, 0.82, 0.84, 0.87);
        cairo_set_line_width(cr, 0.5);
        cairo_move_to(cr, MARGIN, x->y);
        cairo_line_to(cr, MARGIN + CONTENT_W, x->y);
        cairo_stroke(cr);
    }
    x->y += 8;
}

/* Height a figure will take at the column width, from its PNG header
 * (width and height are big-endian at bytes 16..23); 0 when unknown. */
static double fig_height(const rp_block *k)
{
    FILE *fp = fopen(k->file, "rb");
    if (!fp) return 0;
    unsigned char h[24];
    size_t n = fread(h, 1, sizeof h, fp);
    fclose(fp);
    if (n != sizeof h) return 0;
    double w = (double)((uint32_t)h[16] << 24 | (uint32_t)h[17] << 16 |
                        (uint32_t)h[18] << 8 | h[19]);
    double ht = (double)((uint32_t)h[20] << 24 | (uint32_t)h[21] << 16 |
                         (uint32_t)h[22] << 8 | h[23]);
    if (!(w > 0)) return 0;
    double fh = ht * CONTENT_W / w, maxh = FIG_MAX_H;
    return fh > maxh ? maxh : fh;
}

/* Room a heading needs: itself and the start of what follows (a whole
 * figure, else a few lines). */
static double heading_need(const rp_doc *d, size_t i, double own)
{
    if (i + 1 < d->n && d->b[i + 1].kind == RP_FIG)
        return own + fig_height(&d->b[i + 1]) + 16;
    if (i + 2 < d->n && d->b[i + 1].kind == RP_H3 &&
        d->b[i + 2].kind == RP_FIG)
        return own + fig_height(&d->b[i + 2]) + 40;
    return own + 40;
}

static void figure(pdf *x, const rp_block *k)
{
    cairo_t *cr = x->cr;
    cairo_surface_t *img = cairo_image_surface_create_from_png(k->file);
    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
        x->st = ig__error_set(x->err, IG_ERR_IO, 0, 0,
                              "cannot read the figure '%s' back: %s",
                              k->file,
                              cairo_status_to_string(cairo_surface_status(img)));
        cairo_surface_destroy(img);
        return;
    }
    double iw = cairo_image_surface_get_width(img);
    double ih = cairo_image_surface_get_height(img);
    double s = CONTENT_W / iw;
    double maxh = FIG_MAX_H;
    if (ih * s > maxh) s = maxh / ih;
    double w = iw * s, h = ih * s;
    need(x, h + 16);
    double x0 = MARGIN + (CONTENT_W - w) / 2;
    cairo_save(cr);
    cairo_translate(cr, x0, x->y);
    cairo_scale(cr, s, s);
    cairo_set_source_surface(cr, img, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
    cairo_paint(cr);
    cairo_restore(cr);
    cairo_surface_destroy(img);
    x->y += h + 4;
    para(x, k->text, MARGIN, CONTENT_W, 7.5, 0, 0, 0.34, 0.38, 0.42);
    x->y += 6;
}

static ig_status draw(void *ud, cairo_t *cr)
{
    pdf *x = ud;
    rp_doc *d = x->d;
    x->cr = cr;
    x->page = 1;
    x->y = MARGIN;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    /* title block */
    para(x, d->title, MARGIN, CONTENT_W, 20, 1, 0, 0.12, 0.14, 0.16);
    x->y += 2;
    para(x, d->subtitle, MARGIN, CONTENT_W, 10, 0, 0, 0.34, 0.38, 0.42);
    cairo_set_source_rgb(cr, 0.698, 0.094, 0.169);
    cairo_rectangle(cr, MARGIN, x->y + 4, CONTENT_W, 2.5);
    cairo_fill(cr);
    x->y += 16;
    for (size_t i = 0; i < d->n && x->st == IG_OK; i++) {
        const rp_block *k = &d->b[i];
        switch (k->kind) {
        case RP_H2:
            need(x, heading_need(d, i, 40)); /* keep it with what follows */
            x->y += 10;
            para(x, k->text, MARGIN, CONTENT_W, 14, 1, 0, 0.12, 0.14, 0.16);
            cairo_set_source_rgb(cr, 0.82, 0.84, 0.87);
            cairo_set_line_width(cr, 0.6);
            cairo_move_to(cr, MARGIN, x->y + 1);
            cairo_line_to(cr, MARGIN + CONTENT_W, x->y + 1);
            cairo_stroke(cr);
            x->y += 8;
            break;
        case RP_H3:
            need(x, heading_need(d, i, 20));
            x->y += 4;
            para(x, k->text, MARGIN, CONTENT_W, 11, 1, 0, 0.12, 0.14, 0.16);
            x->y += 2;
            break;
        case RP_P:
            para(x, k->text, MARGIN, CONTENT_W, 9.5, 0, 0, 0.12, 0.14, 0.16);
            x->y += 5;
            break;
        case RP_NOTE:
            para(x, k->text, MARGIN, CONTENT_W, 8, 0, 0, 0.34, 0.38, 0.42);
            x->y += 5;
            break;
        case RP_CODE:
            para(x, k->text, MARGIN + 6, CONTENT_W - 12, 7.5, 0, 1, 0.12,
                 0.14, 0.16);
            x->y += 6;
            break;
        case RP_LIST:
            for (size_t c = 0; c < k->ncells; c++) {
                need(x, 13);
                font(cr, 9, 0, 0);
                cairo_set_source_rgb(cr, 0.12, 0.14, 0.16);
                show(cr, MARGIN + 4, x->y + 9, "\xe2\x80\xa2", 3);
                para(x, k->cells[c], MARGIN + 14, CONTENT_W - 14, 9, 0, 0,
                     0.12, 0.14, 0.16);
                x->y += 2;
            }
            x->y += 4;
            break;
        case RP_KEYS:
            keys(x, k);
            break;
        case RP_TABLE:
            table(x, k);
            break;
        case RP_FIG:
            figure(x, k);
            break;
        }
    }
    if (d->footer) {
        x->y += 10;
        para(x, d->footer, MARGIN, CONTENT_W, 7.5, 0, 0, 0.34, 0.38, 0.42);
    }
    footer(x); /* the last page is shown when the surface is finished */
    return x->st;
}

ig_status ig__report_write_pdf(rp_doc *d, const char *path, int *pages,
                               size_t *bytes, ig_error *err)
{
    pdf x;
    memset(&x, 0, sizeof x);
    x.d = d;
    x.err = err;
    x.st = IG_OK;
    ig_status st = ig__render_write(d->ctx, path, IG_MAP_PDF, PAGE_W, PAGE_H,
                                    d->title, d->date, "report", draw, &x,
                                    err);
    if (st != IG_OK) return st;
    if (pages) *pages = x.page;
    struct stat sb;
    if (bytes) *bytes = stat(path, &sb) == 0 ? (size_t)sb.st_size : 0;
    return IG_OK;
}
