/* Request parsing for the server, kept apart from libmicrohttpd so the fuzz
 * target (fuzz/fuzz_http.c) can drive it: query strings, flat JSON bodies
 * and URL paths. Nothing here allocates: parameters are decoded into a
 * fixed block inside ig__params, and every limit (count, length, nesting)
 * is checked before a byte is written, so a hostile request costs at most
 * the block and fails with a message naming the field. The JSON writer
 * (ig__srvbuf) lives here too: every byte the API sends is escaped by it. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "server/store_internal.h"

/* ---- text buffer -------------------------------------------------------- */

void ig__srvbuf_init(ig__srvbuf *b, ig_ctx *ctx)
{
    memset(b, 0, sizeof *b);
    b->ctx = ctx;
}

void ig__srvbuf_free(ig__srvbuf *b)
{
    ig__free(b->ctx, b->p, b->cap);
    b->p = NULL;
    b->len = b->cap = 0;
}

void ig__srvbuf_add(ig__srvbuf *b, const char *s, size_t n)
{
    if (b->failed) return;
    if (n >= SIZE_MAX - b->len) {
        b->failed = 1;
        return;
    }
    if (b->len + n + 1 > b->cap) {
        void *p = b->p;
        if (ig__grow(b->ctx, &p, &b->cap, b->len + n + 1, 1) != IG_OK) {
            b->failed = 1;
            return;
        }
        b->p = p;
    }
    if (n) memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void ig__srvbuf_puts(ig__srvbuf *b, const char *s)
{
    ig__srvbuf_add(b, s, strlen(s));
}

void ig__srvbuf_printf(ig__srvbuf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if ((size_t)n < sizeof tmp) {
        ig__srvbuf_add(b, tmp, (size_t)n);
        return;
    }
    char *big = ig__alloc(b->ctx, (size_t)n + 1);
    if (!big) {
        b->failed = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    ig__srvbuf_add(b, big, (size_t)n);
    ig__free(b->ctx, big, (size_t)n + 1);
}

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80) return 1;
    size_t k;
    unsigned min;
    if (c >= 0xc2 && c <= 0xdf) {
        k = 1;
        min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        k = 2;
        min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        k = 3;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n <= k) return 0;
    unsigned cp = c & (0x3fu >> k);
    for (size_t j = 1; j <= k; j++) {
        if ((s[j] & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (s[j] & 0x3fu);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    return k + 1;
}

int ig__utf8_text_ok(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        if (s[i] < 0x20 || s[i] == 0x7f) return 0;
        size_t k = utf8_len(s + i, n - i);
        if (k == 0) return 0;
        i += k;
    }
    return 1;
}

void ig__srvbuf_json_str(ig__srvbuf *b, const char *str)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    size_t n = strlen((const char *)s);
    ig__srvbuf_add(b, "\"", 1);
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            ig__srvbuf_add(b, e, 2);
            i++;
        } else if (c < 0x20 || c == 0x7f || c == '<' || c == '>' || c == '&') {
            /* < > & escaped too: JSON never turns into markup */
            ig__srvbuf_printf(b, "\\u%04x", c);
            i++;
        } else if (c < 0x80) {
            ig__srvbuf_add(b, (const char *)s + i, 1);
            i++;
        } else {
            size_t k = utf8_len(s + i, n - i);
            if (k == 0) {
                ig__srvbuf_puts(b, "\\ufffd");
                i++;
            } else {
                ig__srvbuf_add(b, (const char *)s + i, k);
                i += k;
            }
        }
    }
    ig__srvbuf_add(b, "\"", 1);
}

void ig__srvbuf_json_num(ig__srvbuf *b, double v)
{
    if (!isfinite(v)) {
        ig__srvbuf_puts(b, "null");
        return;
    }
    char tmp[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, v);
        if (strtod(tmp, NULL) == v) break;
    }
    ig__srvbuf_puts(b, tmp);
}

/* ---- parameters --------------------------------------------------------- */

static ig_status add_param(ig__params *p, const char *key, size_t klen,
                           const char *val, size_t vlen, ig_error *err)
{
    if (p->n >= IG__HTTP_MAX_PARAMS)
        return ig__error_set(err, IG_ERR_PARSE, 0, 0,
                             "too many parameters (at most %d)",
                             IG__HTTP_MAX_PARAMS);
    if (klen == 0)
        return ig__error_set(err, IG_ERR_PARSE, 0, 0,
                             "a parameter has an empty name");
    if (klen > 64 || vlen > IG__HTTP_MAX_VALUE)
        return ig__error_set(err, IG_ERR_PARSE, 0, 0,
                             "parameter '%.64s': too long (name <= 64, value "
                             "<= %d bytes)",
                             key, IG__HTTP_MAX_VALUE);
    if (klen + vlen + 2 > sizeof p->store - p->used)
        return ig__error_set(err, IG_ERR_PARSE, 0, 0,
                             "parameters too long in all (at most %zu bytes)",
                             sizeof p->store);
    char *k = p->store + p->used;
    memcpy(k, key, klen);
    k[klen] = '\0';
    char *v = k + klen + 1;
    memcpy(v, val, vlen);
    v[vlen] = '\0';
    if (!ig__utf8_text_ok(k, klen) || !ig__utf8_text_ok(v, vlen))
        return ig__error_set(err, IG_ERR_PARSE, 0, 0,
                             "parameter '%.64s': not UTF-8 text (control "
                             "characters are not allowed)",
                             ig__utf8_text_ok(k, klen) ? k : "?");
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->key[i], k) == 0)
            return ig__error_set(err, IG_ERR_PARSE, 0, 0,
                                 "parameter '%.64s' given twice", k);
    p->used += klen + vlen + 2;
    p->key[p->n] = k;
    p->val[p->n] = v;
    p->n++;
    return IG_OK;
}

const char *ig__params_get(const ig__params *p, const char *key)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->key[i], key) == 0) return p->val[i];
    return NULL;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Percent-decode s[0..n) into out (cap bytes); returns the length or -1. */
static long pct_decode(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            if (i + 2 >= n) return -1;
            int h = hexval(s[i + 1]), l = hexval(s[i + 2]);
            if (h < 0 || l < 0) return -1;
            c = (char)(h * 16 + l);
            i += 2;
        } else if (c == '+') {
            c = ' ';
        }
        if (o >= cap) return -2;
        out[o++] = c;
    }
    return (long)o;
}

ig_status ig__http_parse_query(const char *q, size_t len, ig__params *out,
                               ig_error *err)
{
    out->n = 0;
    out->used = 0;
    if (!q) return IG_OK;
    if (len && q[0] == '?') {
        q++;
        len--;
    }
    char key[72], val[IG__HTTP_MAX_VALUE + 1];
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && q[j] != '&') j++;
        if (j > i) {
            size_t eq = i;
            while (eq < j && q[eq] != '=') eq++;
            long kl = pct_decode(q + i, eq - i, key, 65);
            if (kl == -1)
                return ig__error_set(err, IG_ERR_PARSE, 0, 0,
                                     "query: bad %%-escape in a parameter "
                                     "name");
            if (kl < 0)
                return ig__error_set(err, IG_ERR_PARSE, 0, 0,
                                     "query: a parameter name is too long");
            key[kl] = '\0';
            long vl = eq < j ? pct_decode(q + eq + 1, j - eq - 1, val,
                                          IG__HTTP_MAX_VALUE + 1)
                             : 0;
            if (vl == -1)
                return ig__error_set(
                    err, IG_ERR_PARSE, 0, 0, "parameter '%.64s': bad %%-escape",
                    ig__utf8_text_ok(key, (size_t)kl) ? key : "?");
            if (vl < 0) vl = IG__HTTP_MAX_VALUE + 1; /* add_param says why */
            if (memchr(key, 0, (size_t)kl))
                return ig__error_set(err, IG_ERR_PARSE, 0, 0,
                                     "query: NUL in a parameter name");
            ig_status st =
                add_param(out, key, (size_t)kl, val, (size_t)vl, err);
            if (st != IG_OK) return st;
        }
        i = j + 1;
    }
    return IG_OK;
}

/* ---- flat JSON objects -------------------------------------------------- */

typedef struct jlex {
    const char *s;
    size_t n, i;
} jlex;

static void jws(jlex *l)
{
    while (l->i < l->n && (l->s[l->i] == ' ' || l->s[l->i] == '\t' ||
                           l->s[l->i] == '\n' || l->s[l->i] == '\r'))
        l->i++;
}

static void put_utf8(char *out, size_t *o, unsigned cp)
{
    if (cp < 0x80) {
        out[(*o)++] = (char)cp;
    } else if (cp < 0x800) {
        out[(*o)++] = (char)(0xc0 | (cp >> 6));
        out[(*o)++] = (char)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        out[(*o)++] = (char)(0xe0 | (cp >> 12));
        out[(*o)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[(*o)++] = (char)(0x80 | (cp & 0x3f));
    } else {
        out[(*o)++] = (char)(0xf0 | (cp >> 18));
        out[(*o)++] = (char)(0x80 | ((cp >> 12) & 0x3f));
        out[(*o)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[(*o)++] = (char)(0x80 | (cp & 0x3f));
    }
}

static int hex4(const char *s, unsigned *out)
{
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
        int h = hexval(s[k]);
        if (h < 0) return 0;
        v = v * 16 + (unsigned)h;
    }
    *out = v;
    return 1;
}

/* A JSON string at l->i (the opening quote) into out (cap bytes, the
 * result is not NUL-terminated); returns its length or -1. */
static long jstring(jlex *l, char *out, size_t cap)
{
    if (l->i >= l->n || l->s[l->i] != '"') return -1;
    l->i++;
    size_t o = 0;
    while (l->i < l->n) {
        unsigned char c = (unsigned char)l->s[l->i];
        if (c == '"') {
            l->i++;
            return (long)o;
        }
        if (c < 0x20) return -1;
        if (o + 4 > cap) return -2;
        if (c != '\\') {
            out[o++] = (char)c;
            l->i++;
            continue;
        }
        if (l->i + 1 >= l->n) return -1;
        char e = l->s[l->i + 1];
        l->i += 2;
        switch (e) {
            case '"':
                out[o++] = '"';
                break;
            case '\\':
                out[o++] = '\\';
                break;
            case '/':
                out[o++] = '/';
                break;
            case 'b':
                out[o++] = '\b';
                break;
            case 'f':
                out[o++] = '\f';
                break;
            case 'n':
                out[o++] = '\n';
                break;
            case 'r':
                out[o++] = '\r';
                break;
            case 't':
                out[o++] = '\t';
                break;
            case 'u': {
                unsigned cp;
                if (l->n - l->i < 4 || !hex4(l->s + l->i, &cp)) return -1;
                l->i += 4;
                if (cp >= 0xd800 && cp <= 0xdbff) {
                    unsigned lo;
                    if (l->n - l->i < 6 || l->s[l->i] != '\\' ||
                        l->s[l->i + 1] != 'u' || !hex4(l->s + l->i + 2, &lo) ||
                        lo < 0xdc00 || lo > 0xdfff)
                        return -1;
                    l->i += 6;
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                } else if (cp >= 0xdc00 && cp <= 0xdfff) {
                    return -1;
                }
                if (cp == 0) return -1; /* no NUL inside our strings */
                put_utf8(out, &o, cp);
                break;
            }
            default:
                return -1;
        }
    }
    return -1;
}

/* A number, true, false or null: its text. */
static long jscalar(jlex *l, char *out, size_t cap)
{
    size_t start = l->i;
    while (l->i < l->n) {
        char c = l->s[l->i];
        if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' ||
            c == 'e' || c == 'E' || (c >= 'a' && c <= 'z'))
            l->i++;
        else
            break;
    }
    size_t n = l->i - start;
    if (n == 0) return -1;
    if (n >= cap) return -2;
    memcpy(out, l->s + start, n);
    out[n] = '\0';
    if (strcmp(out, "true") == 0 || strcmp(out, "false") == 0 ||
        strcmp(out, "null") == 0)
        return (long)n;
    /* JSON number grammar */
    size_t i = 0;
    if (out[i] == '-') i++;
    if (i >= n || out[i] < '0' || out[i] > '9') return -1;
    if (out[i] == '0')
        i++;
    else
        while (i < n && out[i] >= '0' && out[i] <= '9') i++;
    if (i < n && out[i] == '.') {
        i++;
        if (i >= n || out[i] < '0' || out[i] > '9') return -1;
        while (i < n && out[i] >= '0' && out[i] <= '9') i++;
    }
    if (i < n && (out[i] == 'e' || out[i] == 'E')) {
        i++;
        if (i < n && (out[i] == '+' || out[i] == '-')) i++;
        if (i >= n || out[i] < '0' || out[i] > '9') return -1;
        while (i < n && out[i] >= '0' && out[i] <= '9') i++;
    }
    return i == n ? (long)n : -1;
}

ig_status ig__http_parse_json(const char *body, size_t len, ig__params *out,
                              ig_error *err)
{
    out->n = 0;
    out->used = 0;
    jlex l = {body ? body : "", body ? len : 0, 0};
    char key[72], val[IG__HTTP_MAX_VALUE + 1];
    jws(&l);
    if (l.i >= l.n || l.s[l.i] != '{')
        return ig__error_set(err, IG_ERR_PARSE, 1, (long)l.i + 1,
                             "body: expected a JSON object");
    l.i++;
    jws(&l);
    if (l.i < l.n && l.s[l.i] == '}') {
        l.i++;
        goto end;
    }
    for (;;) {
        jws(&l);
        long kl = jstring(&l, key, 64);
        if (kl < 0)
            return ig__error_set(err, IG_ERR_PARSE, 1, (long)l.i + 1,
                                 kl == -2 ? "body: a field name is too long"
                                          : "body: expected a field name in "
                                            "double quotes");
        key[kl] = '\0';
        const char *kshow = ig__utf8_text_ok(key, (size_t)kl) ? key : "?";
        jws(&l);
        if (l.i >= l.n || l.s[l.i] != ':')
            return ig__error_set(err, IG_ERR_PARSE, 1, (long)l.i + 1,
                                 "body: expected ':' after field '%.64s'",
                                 kshow);
        l.i++;
        jws(&l);
        if (l.i >= l.n)
            return ig__error_set(err, IG_ERR_PARSE, 1, (long)l.i + 1,
                                 "body: field '%.64s' has no value", kshow);
        long vl;
        int is_null = 0;
        char c = l.s[l.i];
        if (c == '{' || c == '[')
            return ig__error_set(err, IG_ERR_PARSE, 1, (long)l.i + 1,
                                 "body: field '%.64s': nested objects and "
                                 "arrays are not accepted here; give a "
                                 "string or a number",
                                 kshow);
        if (c == '"') {
            vl = jstring(&l, val, IG__HTTP_MAX_VALUE);
        } else {
            vl = jscalar(&l, val, IG__HTTP_MAX_VALUE);
            is_null = vl == 4 && strcmp(val, "null") == 0;
        }
        if (vl == -2)
            return ig__error_set(err, IG_ERR_PARSE, 1, (long)l.i + 1,
                                 "body: field '%.64s': value too long (at "
                                 "most %d bytes)",
                                 kshow, IG__HTTP_MAX_VALUE - 4);
        if (vl < 0)
            return ig__error_set(err, IG_ERR_PARSE, 1, (long)l.i + 1,
                                 "body: field '%.64s': malformed value", kshow);
        if (!is_null) {
            ig_status st =
                add_param(out, key, (size_t)kl, val, (size_t)vl, err);
            if (st != IG_OK) return st;
        }
        jws(&l);
        if (l.i < l.n && l.s[l.i] == ',') {
            l.i++;
            continue;
        }
        if (l.i < l.n && l.s[l.i] == '}') {
            l.i++;
            break;
        }
        return ig__error_set(err, IG_ERR_PARSE, 1, (long)l.i + 1,
                             "body: expected ',' or '}' after field '%.64s'",
                             kshow);
    }
end:
    jws(&l);
    if (l.i != l.n)
        return ig__error_set(err, IG_ERR_PARSE, 1, (long)l.i + 1,
                             "body: trailing bytes after the JSON object");
    return IG_OK;
}

/* ---- paths -------------------------------------------------------------- */

int ig__http_split_path(const char *path, char *buf, size_t cap,
                        const char **seg, int max)
{
    size_t n = strlen(path);
    if (n == 0 || path[0] != '/' || n >= cap) return -1;
    int count = 0;
    size_t o = 0;
    size_t i = 1;
    if (n == 1) return 0;
    while (i <= n) {
        size_t j = i;
        while (j < n && path[j] != '/') j++;
        if (j == i) {
            if (j == n) break; /* one trailing slash */
            return -1;
        }
        if (count >= max) return -1;
        if ((j - i == 1 && path[i] == '.') ||
            (j - i == 2 && path[i] == '.' && path[i + 1] == '.'))
            return -1;
        for (size_t k = i; k < j; k++) {
            char c = path[k];
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                  (c >= 'A' && c <= 'Z') || c == '.' || c == '_' || c == '~' ||
                  c == '-' || c == ':'))
                return -1;
        }
        memcpy(buf + o, path + i, j - i);
        buf[o + (j - i)] = '\0';
        seg[count++] = buf + o;
        o += j - i + 1;
        i = j + 1;
    }
    return count;
}
