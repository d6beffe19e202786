/* Arena and text buffer of the policy module. A framework or assessment is
 * built once and read many times, so its strings and arrays come from a
 * chain of chunks freed in one go; the text buffer grows by doubling and
 * remembers a failed allocation, so writers check once at the end. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "policy/policy_impl.h"

struct ig__arena_chunk {
    ig__arena_chunk *next;
    size_t size, used;
    /* data follows, aligned as max_align_t */
};

#define CHUNK_HDR \
    ((sizeof(ig__arena_chunk) + sizeof(max_align_t) - 1) / \
     sizeof(max_align_t) * sizeof(max_align_t))
#define CHUNK_MIN 8192u

void ig__arena_init(ig__arena *a, ig_ctx *ctx)
{
    a->ctx = ctx;
    a->head = NULL;
}

void ig__arena_free(ig__arena *a)
{
    ig__arena_chunk *c = a->head;
    while (c) {
        ig__arena_chunk *next = c->next;
        ig__free(a->ctx, c, CHUNK_HDR + c->size);
        c = next;
    }
    a->head = NULL;
}

void *ig__arena_alloc(ig__arena *a, size_t n)
{
    size_t al = sizeof(max_align_t);
    n = (n + al - 1) / al * al;
    if (n == 0) n = al;
    ig__arena_chunk *c = a->head;
    if (!c || c->size - c->used < n) {
        size_t size = n > CHUNK_MIN ? n : CHUNK_MIN;
        if (size > (size_t)-1 - CHUNK_HDR) return NULL;
        c = ig__alloc(a->ctx, CHUNK_HDR + size);
        if (!c) return NULL;
        c->size = size;
        c->used = 0;
        c->next = a->head;
        a->head = c;
    }
    char *p = (char *)c + CHUNK_HDR + c->used;
    c->used += n;
    memset(p, 0, n);
    return p;
}

char *ig__arena_strdup(ig__arena *a, const char *s)
{
    if (!s) s = "";
    size_t n = strlen(s);
    char *p = ig__arena_alloc(a, n + 1);
    if (p) memcpy(p, s, n + 1);
    return p;
}

void ig__sbuf_init(ig__sbuf *b, ig_ctx *ctx)
{
    memset(b, 0, sizeof *b);
    b->ctx = ctx;
}

void ig__sbuf_free(ig__sbuf *b)
{
    ig__free(b->ctx, b->p, b->cap);
    b->p = NULL;
    b->len = b->cap = 0;
}

void ig__sbuf_add(ig__sbuf *b, const char *s, size_t n)
{
    if (b->failed) return;
    if (b->len + n + 1 > b->cap) {
        void *p = b->p;
        size_t cap = b->cap;
        if (ig__grow(b->ctx, &p, &cap, b->len + n + 1, 1) != IG_OK) {
            b->failed = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void ig__sbuf_puts(ig__sbuf *b, const char *s)
{
    ig__sbuf_add(b, s, strlen(s));
}

void ig__sbuf_printf(ig__sbuf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    size_t k = (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1;
    ig__sbuf_add(b, tmp, k);
}

void ig__sbuf_json_str(ig__sbuf *b, const char *s)
{
    ig__sbuf_add(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': ig__sbuf_add(b, "\\\"", 2); break;
        case '\\': ig__sbuf_add(b, "\\\\", 2); break;
        case '\n': ig__sbuf_add(b, "\\n", 2); break;
        case '\r': ig__sbuf_add(b, "\\r", 2); break;
        case '\t': ig__sbuf_add(b, "\\t", 2); break;
        default:
            if (*p < 0x20)
                ig__sbuf_printf(b, "\\u%04x", (unsigned)*p);
            else
                ig__sbuf_add(b, (const char *)p, 1);
        }
    }
    ig__sbuf_add(b, "\"", 1);
}

void ig__sbuf_csv_str(ig__sbuf *b, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        ig__sbuf_puts(b, s);
        return;
    }
    ig__sbuf_add(b, "\"", 1);
    for (const char *p = s; *p; p++) {
        if (*p == '"') ig__sbuf_add(b, "\"", 1);
        ig__sbuf_add(b, p, 1);
    }
    ig__sbuf_add(b, "\"", 1);
}

void ig__sbuf_num(ig__sbuf *b, double v)
{
    if (!isfinite(v)) {
        ig__sbuf_puts(b, "null");
        return;
    }
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.15g", v);
    if (strtod(tmp, NULL) != v) snprintf(tmp, sizeof tmp, "%.17g", v);
    ig__sbuf_puts(b, tmp);
}

ig_status ig__policy_slurp(ig_ctx *ctx, const char *path, char **out,
                           size_t *len, ig_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        ig__error_set(err, IG_ERR_IO, 0, 0,
                      "cannot open the file; check the path and permissions");
        ig__error_file(err, path);
        return IG_ERR_IO;
    }
    char *buf = NULL;
    size_t n = 0, cap = 0;
    ig_status st = IG_OK;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            void *p = buf;
            st = ig__grow(ctx, &p, &cap, n + 4096 + 1, 1);
            if (st != IG_OK) break;
            buf = p;
        }
        size_t k = fread(buf + n, 1, cap - n - 1, fp);
        n += k;
        if (k == 0) break;
    }
    if (st == IG_OK && ferror(fp)) {
        st = ig__error_set(err, IG_ERR_IO, 0, 0, "read error");
        ig__error_file(err, path);
    }
    fclose(fp);
    if (st != IG_OK) {
        ig__free(ctx, buf, cap);
        return st;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return IG_OK;
}
