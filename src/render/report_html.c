/* The HTML writer of the report: one self-contained page. CSS is inline
 * (responsive: one column that fits a phone; @media print for A4), the
 * figures are the render module's SVG files inlined into the page, and a
 * Content-Security-Policy meta tag forbids every request (images may only
 * be data: URIs, which the rasterised maps use), so a browser would block
 * and log anything that tried to leave the file. No script.
 *
 * Inlined SVGs share one document, so cairo's ids ("glyph0-1", "clip1")
 * would collide between figures: each figure's ids and references get a
 * prefix "fN-". The root element loses its size and namespace attributes
 * (the HTML parser puts <svg> in the SVG namespace itself) and keeps its
 * viewBox, so CSS scales it to the column. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/report_internal.h"

static const char css[] =
    ":root{--ink:#1f2328;--muted:#57606a;--line:#d0d7de;--accent:#b2182b;"
    "--bg:#ffffff;--soft:#f6f8fa}"
    "*{box-sizing:border-box}"
    "html{-webkit-text-size-adjust:100%}"
    "body{margin:0;background:var(--bg);color:var(--ink);"
    "font:16px/1.55 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',"
    "sans-serif}"
    "main{max-width:860px;margin:0 auto;padding:16px}"
    "header{border-bottom:3px solid var(--accent);margin-bottom:16px}"
    "h1{font-size:1.7em;line-height:1.2;margin:.4em 0 .2em}"
    ".sub{color:var(--muted);margin:0 0 .8em}"
    "nav{background:var(--soft);border:1px solid var(--line);"
    "border-radius:6px;padding:8px 14px;margin:0 0 16px}"
    "nav ol{margin:.3em 0;padding-left:1.2em;columns:2 14em}"
    "nav a{color:var(--ink)}"
    "h2{font-size:1.35em;margin:1.6em 0 .5em;padding-bottom:.2em;"
    "border-bottom:1px solid var(--line)}"
    "h3{font-size:1.1em;margin:1.2em 0 .4em}"
    "p{margin:.5em 0}"
    ".note{color:var(--muted);font-size:.9em}"
    ".keys{display:grid;grid-template-columns:repeat(auto-fill,"
    "minmax(150px,1fr));gap:8px;margin:8px 0 12px;padding:0;list-style:none}"
    ".keys li{background:var(--soft);border:1px solid var(--line);"
    "border-radius:6px;padding:8px 10px}"
    ".keys .k{display:block;color:var(--muted);font-size:.85em}"
    ".keys .v{display:block;font-size:1.25em;font-weight:600}"
    ".tw{overflow-x:auto;margin:8px 0 12px}"
    "table{border-collapse:collapse;width:100%;font-size:.92em}"
    "th,td{border-bottom:1px solid var(--line);padding:4px 8px;"
    "text-align:left;vertical-align:top}"
    "th{background:var(--soft)}"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    "figure{margin:12px 0 16px}"
    "figure svg{display:block;width:100%;height:auto;"
    "border:1px solid var(--line)}"
    "figcaption{color:var(--muted);font-size:.85em;margin-top:4px}"
    "pre{background:var(--soft);border:1px solid var(--line);"
    "border-radius:6px;padding:8px 10px;white-space:pre-wrap;"
    "word-break:break-all;font-size:.85em}"
    "footer{color:var(--muted);font-size:.85em;border-top:1px solid "
    "var(--line);margin-top:24px;padding-top:8px}"
    "@media (max-width:520px){body{font-size:15px}main{padding:10px}"
    "h1{font-size:1.4em}nav ol{columns:1}}"
    "@page{size:A4;margin:15mm}"
    "@media print{body{font-size:10.5pt}main{max-width:none;padding:0}"
    "nav{display:none}figure,table,.keys,pre{break-inside:avoid}"
    "h2,h3{break-after:avoid}figure svg{border:none}"
    "a{color:inherit;text-decoration:none}}";

static void esc(rp_buf *b, const char *s)
{
    for (const char *p = s ? s : ""; *p; p++) {
        switch (*p) {
        case '&': ig__rp_buf_puts(b, "&amp;"); break;
        case '<': ig__rp_buf_puts(b, "&lt;"); break;
        case '>': ig__rp_buf_puts(b, "&gt;"); break;
        case '"': ig__rp_buf_puts(b, "&quot;"); break;
        default: ig__rp_buf_add(b, p, 1);
        }
    }
}

/* Read a whole file into memory (ctx); NULL on failure. */
static char *slurp(ig_ctx *ctx, const char *path, size_t *len, size_t *cap,
                   ig_error *err, ig_status *st)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        *st = ig__error_set(err, IG_ERR_IO, 0, 0,
                            "cannot read the figure '%s' back", path);
        return NULL;
    }
    size_t n = 0, c = 0;
    char *p = NULL;
    for (;;) {
        void *q = p;
        if (ig__grow(ctx, &q, &c, n + 65536, 1) != IG_OK) {
            ig__free(ctx, p, c);
            fclose(fp);
            *st = ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
            return NULL;
        }
        p = q;
        size_t got = fread(p + n, 1, c - n - 1, fp);
        n += got;
        if (got == 0) break;
    }
    int bad = ferror(fp);
    fclose(fp);
    if (bad) {
        ig__free(ctx, p, c);
        *st = ig__error_set(err, IG_ERR_IO, 0, 0,
                            "cannot read the figure '%s' back", path);
        return NULL;
    }
    p[n] = '\0';
    *len = n;
    *cap = c;
    return p;
}

/* The attribute value of name="..." in the tag [s, end), into buf. */
static void attr(const char *s, const char *end, const char *name, char *buf,
                 size_t cap)
{
    buf[0] = '\0';
    size_t nl = strlen(name);
    for (const char *p = s; p + nl + 2 < end; p++) {
        if (p[-1] == ' ' && strncmp(p, name, nl) == 0 && p[nl] == '=' &&
            p[nl + 1] == '"') {
            const char *v = p + nl + 2;
            const char *q = memchr(v, '"', (size_t)(end - v));
            if (!q) return;
            size_t n = (size_t)(q - v);
            if (n >= cap) n = cap - 1;
            memcpy(buf, v, n);
            buf[n] = '\0';
            return;
        }
    }
}

/* Append the SVG of figure k, rewritten for inlining. */
static void inline_svg(rp_buf *b, const char *svg, size_t len, size_t k,
                       const char *alt)
{
    const char *root = strstr(svg, "<svg");
    if (!root) return;
    const char *end = strchr(root, '>');
    if (!end) return;
    char vb[128];
    attr(root + 1, end, "viewBox", vb, sizeof vb);
    ig__rp_buf_puts(b, "<svg viewBox=\"");
    esc(b, vb);
    ig__rp_buf_puts(b, "\" role=\"img\" aria-label=\"");
    esc(b, alt);
    ig__rp_buf_puts(b, "\">");
    char pre[32];
    int pl = snprintf(pre, sizeof pre, "f%zu-", k);
    const char *p = end + 1, *stop = svg + len;
    while (p < stop) {
        /* the next place to rewrite: id=", href="# or url(# */
        const char *best = NULL;
        size_t skip = 0;
        static const char *const keys[3] = {" id=\"", "href=\"#", "url(#"};
        for (int i = 0; i < 3; i++) {
            const char *q = strstr(p, keys[i]);
            if (q && (!best || q < best)) {
                best = q;
                skip = strlen(keys[i]);
            }
        }
        if (!best) {
            ig__rp_buf_add(b, p, (size_t)(stop - p));
            break;
        }
        ig__rp_buf_add(b, p, (size_t)(best - p) + skip);
        ig__rp_buf_add(b, pre, (size_t)pl);
        p = best + skip;
    }
    /* drop a trailing newline after </svg> */
    while (b->len && (b->p[b->len - 1] == '\n' || b->p[b->len - 1] == ' '))
        b->p[--b->len] = '\0';
}

static void cells_row(rp_buf *b, const rp_block *t, size_t r, int head)
{
    ig__rp_buf_puts(b, "<tr>");
    for (size_t c = 0; c < t->ncols; c++) {
        size_t i = r * t->ncols + c;
        const char *s = i < t->ncells ? t->cells[i] : "";
        int num = (int)c >= t->numeric_from;
        ig__rp_buf_puts(b, head ? (num ? "<th class=\"n\">" : "<th>")
                                : (num ? "<td class=\"n\">" : "<td>"));
        esc(b, s);
        ig__rp_buf_puts(b, head ? "</th>" : "</td>");
    }
    ig__rp_buf_puts(b, "</tr>\n");
}

ig_status ig__report_write_html(rp_doc *d, const char *path, size_t *bytes,
                                ig_error *err)
{
    rp_buf b;
    ig__rp_buf_init(&b, d->ctx);
    ig_status st = IG_OK;
    ig__rp_buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"");
    esc(&b, ig__report_text(T_LANG));
    ig__rp_buf_puts(&b,
                    "\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, "
                    "initial-scale=1\">\n"
                    "<meta http-equiv=\"Content-Security-Policy\" "
                    "content=\"default-src 'none'; img-src data:; style-src "
                    "'unsafe-inline'\">\n"
                    "<meta name=\"generator\" content=\"integrid\">\n<title>");
    esc(&b, d->title);
    ig__rp_buf_puts(&b, "</title>\n<style>");
    ig__rp_buf_puts(&b, css);
    ig__rp_buf_puts(&b, "</style>\n</head>\n<body>\n<main>\n<header>\n<h1>");
    esc(&b, d->title);
    ig__rp_buf_puts(&b, "</h1>\n<p class=\"sub\">");
    esc(&b, d->subtitle);
    ig__rp_buf_puts(&b, "</p>\n</header>\n<nav><strong>");
    esc(&b, ig__report_text(T_CONTENTS));
    ig__rp_buf_puts(&b, "</strong><ol>");
    for (size_t i = 0; i < d->n; i++) {
        if (d->b[i].kind != RP_H2) continue;
        ig__rp_buf_puts(&b, "<li><a href=\"#");
        esc(&b, d->b[i].anchor);
        ig__rp_buf_puts(&b, "\">");
        /* "1. Key figures" -> "Key figures" (the list numbers it) */
        const char *t = d->b[i].text ? d->b[i].text : "";
        const char *sp = strstr(t, ". ");
        esc(&b, sp && sp - t <= 3 ? sp + 2 : t);
        ig__rp_buf_puts(&b, "</a></li>");
    }
    ig__rp_buf_puts(&b, "</ol></nav>\n");
    int open = 0;
    size_t fig = 0;
    for (size_t i = 0; i < d->n && st == IG_OK; i++) {
        const rp_block *k = &d->b[i];
        switch (k->kind) {
        case RP_H2:
            if (open) ig__rp_buf_puts(&b, "</section>\n");
            ig__rp_buf_puts(&b, "<section id=\"");
            esc(&b, k->anchor);
            ig__rp_buf_puts(&b, "\">\n<h2>");
            esc(&b, k->text);
            ig__rp_buf_puts(&b, "</h2>\n");
            open = 1;
            break;
        case RP_H3:
            ig__rp_buf_puts(&b, "<h3>");
            esc(&b, k->text);
            ig__rp_buf_puts(&b, "</h3>\n");
            break;
        case RP_P:
            ig__rp_buf_puts(&b, "<p>");
            esc(&b, k->text);
            ig__rp_buf_puts(&b, "</p>\n");
            break;
        case RP_NOTE:
            ig__rp_buf_puts(&b, "<p class=\"note\">");
            esc(&b, k->text);
            ig__rp_buf_puts(&b, "</p>\n");
            break;
        case RP_CODE:
            ig__rp_buf_puts(&b, "<pre><code>");
            esc(&b, k->text);
            ig__rp_buf_puts(&b, "</code></pre>\n");
            break;
        case RP_KEYS:
            ig__rp_buf_puts(&b, "<ul class=\"keys\">\n");
            for (size_t c = 0; c + 1 < k->ncells; c += 2) {
                ig__rp_buf_puts(&b, "<li><span class=\"k\">");
                esc(&b, k->cells[c]);
                ig__rp_buf_puts(&b, "</span><span class=\"v\">");
                esc(&b, k->cells[c + 1]);
                ig__rp_buf_puts(&b, "</span></li>\n");
            }
            ig__rp_buf_puts(&b, "</ul>\n");
            break;
        case RP_LIST:
            ig__rp_buf_puts(&b, "<ul>\n");
            for (size_t c = 0; c < k->ncells; c++) {
                ig__rp_buf_puts(&b, "<li>");
                esc(&b, k->cells[c]);
                ig__rp_buf_puts(&b, "</li>\n");
            }
            ig__rp_buf_puts(&b, "</ul>\n");
            break;
        case RP_TABLE: {
            size_t nr = k->ncols ? k->ncells / k->ncols : 0;
            int head = nr > 0 && k->cells[0][0] != '\0';
            ig__rp_buf_puts(&b, "<div class=\"tw\"><table>\n");
            for (size_t r = 0; r < nr; r++) {
                if (r == 0 && !head) continue;
                cells_row(&b, k, r, r == 0);
            }
            ig__rp_buf_puts(&b, "</table></div>\n");
            break;
        }
        case RP_FIG: {
            size_t len = 0, cap = 0;
            char *svg = slurp(d->ctx, k->file, &len, &cap, err, &st);
            if (!svg) break;
            ig__rp_buf_puts(&b, "<figure>");
            inline_svg(&b, svg, len, fig++, k->text);
            ig__rp_buf_puts(&b, "<figcaption>");
            esc(&b, k->text);
            ig__rp_buf_puts(&b, "</figcaption></figure>\n");
            ig__free(d->ctx, svg, cap);
            break;
        }
        }
    }
    if (open) ig__rp_buf_puts(&b, "</section>\n");
    ig__rp_buf_puts(&b, "<footer>");
    esc(&b, d->footer);
    ig__rp_buf_puts(&b, "</footer>\n</main>\n</body>\n</html>\n");
    if (st == IG_OK && b.fail)
        st = ig__error_set(err, IG_ERR_NOMEM, 0, 0,
                           "out of memory writing the report");
    if (st == IG_OK) st = ig__report_write_file(d->ctx, path, b.p, b.len, err);
    if (st == IG_OK && bytes) *bytes = b.len;
    ig__rp_buf_free(&b);
    return st;
}
