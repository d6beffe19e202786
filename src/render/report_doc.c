/* The report's document model (report_internal.h): blocks of text,
 * tables and figures that report.c adds and the HTML and PDF writers
 * walk; the sentence templates of sentences.def with positional {1}..{9}
 * placeholders (a translation may reorder them, which printf formats
 * would not allow); English number formats; and the atomic file writer of
 * the HTML page. All memory comes from the context; a failure is sticky. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "render/report_internal.h"

static const char *const texts[T_COUNT] = {
#define IG_TEXT(id, text) text,
#include "render/sentences.def"
#undef IG_TEXT
};

const char *ig__report_text(rp_text id)
{
    return (size_t)id < (size_t)T_COUNT ? texts[id] : "";
}

/* ---- buffer ------------------------------------------------------------- */

void ig__rp_buf_init(rp_buf *b, ig_ctx *ctx)
{
    memset(b, 0, sizeof *b);
    b->ctx = ctx;
}

void ig__rp_buf_free(rp_buf *b)
{
    if (b->p) ig__free(b->ctx, b->p, b->cap);
    b->p = NULL;
    b->len = b->cap = 0;
}

void ig__rp_buf_add(rp_buf *b, const char *s, size_t n)
{
    if (b->fail) return;
    if (b->len + n + 1 > b->cap) {
        void *p = b->p;
        size_t cap = b->cap;
        if (ig__grow(b->ctx, &p, &cap, b->len + n + 1, 1) != IG_OK) {
            b->fail = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    if (n) memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void ig__rp_buf_puts(rp_buf *b, const char *s)
{
    ig__rp_buf_add(b, s, strlen(s));
}

void ig__rp_buf_printf(rp_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof small) {
        ig__rp_buf_add(b, small, (size_t)n);
        return;
    }
    char *big = ig__alloc(b->ctx, (size_t)n + 1);
    if (!big) {
        b->fail = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    ig__rp_buf_add(b, big, (size_t)n);
    ig__free(b->ctx, big, (size_t)n + 1);
}

/* ---- document ----------------------------------------------------------- */

void ig__rp_doc_init(rp_doc *d, ig_ctx *ctx, ig_error *err)
{
    memset(d, 0, sizeof *d);
    d->ctx = ctx;
    d->err = err;
    d->st = IG_OK;
}

static void free_str(ig_ctx *ctx, char *s)
{
    if (s) ig__free(ctx, s, strlen(s) + 1);
}

void ig__rp_doc_free(rp_doc *d)
{
    for (size_t i = 0; i < d->n; i++) {
        rp_block *b = &d->b[i];
        free_str(d->ctx, b->text);
        free_str(d->ctx, b->anchor);
        free_str(d->ctx, b->file);
        for (size_t c = 0; c < b->ncells; c++) free_str(d->ctx, b->cells[c]);
        if (b->cells) ig__free(d->ctx, b->cells, b->cap_cells * sizeof *b->cells);
    }
    if (d->b) ig__free(d->ctx, d->b, d->cap * sizeof *d->b);
    free_str(d->ctx, d->title);
    free_str(d->ctx, d->subtitle);
    free_str(d->ctx, d->footer);
    memset(d, 0, sizeof *d);
}

ig_status ig__rp_fail(rp_doc *d, ig_status st)
{
    if (d->st == IG_OK && st != IG_OK) {
        d->st = st;
        if (st == IG_ERR_NOMEM)
            ig__error_set(d->err, st, 0, 0, "out of memory writing the report");
    }
    return d->st;
}

char *ig__rp_fill(rp_doc *d, rp_text id, size_t n, const char *const *args)
{
    if (d->st != IG_OK) return NULL;
    const char *t = ig__report_text(id);
    rp_buf b;
    ig__rp_buf_init(&b, d->ctx);
    ig__rp_buf_add(&b, "", 0);
    while (*t) {
        if (t[0] == '{' && t[1] >= '1' && t[1] <= '9' && t[2] == '}') {
            size_t k = (size_t)(t[1] - '1');
            if (k < n && args[k]) ig__rp_buf_puts(&b, args[k]);
            t += 3;
            continue;
        }
        const char *q = strchr(t + 1, '{');
        size_t len = q ? (size_t)(q - t) : strlen(t);
        ig__rp_buf_add(&b, t, len);
        t += len;
    }
    if (b.fail) {
        ig__rp_buf_free(&b);
        ig__rp_fail(d, IG_ERR_NOMEM);
        return NULL;
    }
    char *s = ig__strndup(d->ctx, b.p, b.len);
    ig__rp_buf_free(&b);
    if (!s) ig__rp_fail(d, IG_ERR_NOMEM);
    return s;
}

void ig__rp_set(rp_doc *d, char **field, const char *s)
{
    if (d->st != IG_OK) return;
    char *c = ig__strdup(d->ctx, s ? s : "");
    if (!c) {
        ig__rp_fail(d, IG_ERR_NOMEM);
        return;
    }
    free_str(d->ctx, *field);
    *field = c;
}

rp_block *ig__rp_add(rp_doc *d, rp_kind kind, const char *text)
{
    if (d->st != IG_OK) return NULL;
    void *p = d->b;
    if (ig__grow(d->ctx, &p, &d->cap, d->n + 1, sizeof *d->b) != IG_OK) {
        ig__rp_fail(d, IG_ERR_NOMEM);
        return NULL;
    }
    d->b = p;
    rp_block *b = &d->b[d->n];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    b->numeric_from = 1000;
    b->ncols = kind == RP_KEYS ? 2 : 1;
    if (text) {
        b->text = ig__strdup(d->ctx, text);
        if (!b->text) {
            ig__rp_fail(d, IG_ERR_NOMEM);
            return NULL;
        }
    }
    d->n++;
    if (kind == RP_H2) d->sections++;
    if (kind == RP_FIG) d->figures++;
    return b;
}

rp_block *ig__rp_addf(rp_doc *d, rp_kind kind, rp_text id, ...)
{
    const char *args[9] = {0};
    size_t n = 0;
    va_list ap;
    va_start(ap, id);
    for (const char *a; n < 9 && (a = va_arg(ap, const char *)) != NULL;)
        args[n++] = a;
    va_end(ap);
    char *s = ig__rp_fill(d, id, n, args);
    if (!s) return NULL;
    rp_block *b = ig__rp_add(d, kind, s);
    free_str(d->ctx, s);
    if (b && kind == RP_P) d->sentences++;
    return b;
}

void ig__rp_cell(rp_doc *d, rp_block *b, const char *s)
{
    if (d->st != IG_OK || !b) return;
    void *p = b->cells;
    if (ig__grow(d->ctx, &p, &b->cap_cells, b->ncells + 1,
                 sizeof *b->cells) != IG_OK) {
        ig__rp_fail(d, IG_ERR_NOMEM);
        return;
    }
    b->cells = p;
    char *c = ig__strdup(d->ctx, s ? s : "");
    if (!c) {
        ig__rp_fail(d, IG_ERR_NOMEM);
        return;
    }
    b->cells[b->ncells++] = c;
}

/* ---- numbers ------------------------------------------------------------ */

void ig__rp_fmt_count(char *buf, size_t cap, double v)
{
    if (!isfinite(v)) {
        snprintf(buf, cap, "%s", ig__report_text(T_NA));
        return;
    }
    char digits[48];
    double r = floor(fabs(v) + 0.5);
    snprintf(digits, sizeof digits, "%.0f", r);
    size_t nd = strlen(digits), o = 0;
    char out[64];
    if (v < 0 && r > 0) out[o++] = '-';
    for (size_t i = 0; i < nd && o + 2 < sizeof out; i++) {
        if (i && (nd - i) % 3 == 0) out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
    snprintf(buf, cap, "%s", out);
}

/* A share in per cent, with a no-break space before the sign. */
void ig__rp_fmt_pct(char *buf, size_t cap, double share)
{
    if (!isfinite(share))
        snprintf(buf, cap, "%s", ig__report_text(T_NA));
    else if (share != 0 && fabs(share) < 0.01)
        snprintf(buf, cap, "%.1f\xc2\xa0%%", 100.0 * share);
    else
        snprintf(buf, cap, "%.0f\xc2\xa0%%", 100.0 * share);
}

void ig__rp_fmt_value(char *buf, size_t cap, double v)
{
    if (!isfinite(v))
        snprintf(buf, cap, "%s", ig__report_text(T_NA));
    else if (fabs(v) >= 100)
        snprintf(buf, cap, "%.0f", v);
    else if (fabs(v) >= 10)
        snprintf(buf, cap, "%.1f", v);
    else
        snprintf(buf, cap, "%.3f", v);
}

/* ---- atomic file -------------------------------------------------------- */

ig_status ig__report_write_file(ig_ctx *ctx, const char *path,
                                const char *data, size_t len, ig_error *err)
{
    struct stat stt;
    if (stat(path, &stt) == 0 && S_ISDIR(stt.st_mode))
        return ig__error_set(err, IG_ERR_IO, 0, 0,
                             "cannot write the report to '%s': it is a "
                             "directory",
                             path);
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    size_t n = strlen(path) + 16;
    char *t = ig__alloc(ctx, n);
    if (!t)
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0,
                             "out of memory writing the report");
    snprintf(t, n, "%.*s.%s.XXXXXX", (int)dirlen, path, path + dirlen);
    int fd = mkstemp(t);
    if (fd < 0) {
        int e = errno;
        ig__free(ctx, t, n);
        return ig__error_set(err, IG_ERR_IO, 0, 0,
                             "cannot create the report '%s' (in directory "
                             "'%.*s'): %s",
                             path, dirlen ? (int)dirlen : 1,
                             dirlen ? path : ".", strerror(e));
    }
    mode_t um = umask(0);
    umask(um);
    (void)fchmod(fd, (mode_t)(0666 & ~um));
    ig_status st = IG_OK;
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            st = ig__error_set(err, IG_ERR_IO, 0, 0,
                               "cannot write the report '%s': %s", path,
                               strerror(w < 0 ? errno : EIO));
            break;
        }
        done += (size_t)w;
    }
    if (st == IG_OK && fsync(fd) != 0)
        st = ig__error_set(err, IG_ERR_IO, 0, 0,
                           "cannot write the report '%s': %s", path,
                           strerror(errno));
    if (close(fd) != 0 && st == IG_OK)
        st = ig__error_set(err, IG_ERR_IO, 0, 0,
                           "cannot write the report '%s': %s", path,
                           strerror(errno));
    if (st == IG_OK && rename(t, path) != 0)
        st = ig__error_set(err, IG_ERR_IO, 0, 0,
                           "cannot put the report in place as '%s': %s",
                           path, strerror(errno));
    if (st != IG_OK) unlink(t);
    ig__free(ctx, t, n);
    return st;
}
