/* Internals of the store and the server shared with the tests and the fuzz
 * target: the crash-injection hook of the store, the query-string and
 * JSON-body parsers, and the growing text buffer the JSON writer uses. */
#ifndef IG_SERVER_STORE_INTERNAL_H
#define IG_SERVER_STORE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "integrid/ig_server.h"

/* Crash injection for the tests: when set, the next write transaction
 * (dataset import or places replacement) stops after its first row is
 * written and before COMMIT: mode 1 fails the call (rolled back), mode 2
 * calls _exit(3) (a crash: the WAL keeps the previous state). */
void ig__store_set_fault(ig_store *s, int mode);

/* ---- a growing text buffer ---------------------------------------------- */
typedef struct ig__srvbuf {
    ig_ctx *ctx;
    char *p;
    size_t len, cap;
    int failed; /* an allocation failed: the content is incomplete */
} ig__srvbuf;

void ig__srvbuf_init(ig__srvbuf *b, ig_ctx *ctx);
void ig__srvbuf_free(ig__srvbuf *b);
void ig__srvbuf_add(ig__srvbuf *b, const char *s, size_t n);
void ig__srvbuf_puts(ig__srvbuf *b, const char *s);
void ig__srvbuf_printf(ig__srvbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* A JSON string literal (quotes included); invalid UTF-8 becomes U+FFFD. */
void ig__srvbuf_json_str(ig__srvbuf *b, const char *s);
/* A JSON number, or null for NaN and infinities; shortest round trip. */
void ig__srvbuf_json_num(ig__srvbuf *b, double v);

/* 1 when s[0..n) is valid UTF-8 without control characters. */
int ig__utf8_text_ok(const char *s, size_t n);

/* ---- request parsing (fuzzed by fuzz/fuzz_http.c) ----------------------- */

#define IG__HTTP_MAX_PARAMS 32
#define IG__HTTP_MAX_VALUE 1024

/* Parameters of a query string or a flat JSON object, decoded into one
 * caller-owned block (no allocation): keys and values are NUL-terminated,
 * percent-decoded (query) or unescaped (JSON) UTF-8. */
typedef struct ig__params {
    size_t n;
    const char *key[IG__HTTP_MAX_PARAMS];
    const char *val[IG__HTTP_MAX_PARAMS];
    char store[4096];
    size_t used;
} ig__params;

/* Parse "a=1&b=x%20y" (a leading '?' is skipped). Returns IG_OK, or
 * IG_ERR_PARSE with a message naming the parameter and the reason (bad
 * escape, too long, too many, a duplicate, not UTF-8). */
ig_status ig__http_parse_query(const char *q, size_t len, ig__params *out,
                               ig_error *err);
/* Parse a JSON object whose values are strings, numbers, true, false or
 * null (numbers and literals are kept as their text; null is skipped).
 * Nested objects and arrays are refused with IG_ERR_PARSE naming the
 * field. */
ig_status ig__http_parse_json(const char *body, size_t len, ig__params *out,
                              ig_error *err);
/* The value of @p key, or NULL. */
const char *ig__params_get(const ig__params *p, const char *key);

/* Routing: split "/api/v1/datasets/ID/places" into at most @p max
 * segments (each NUL-terminated in @p buf of @p cap bytes). Returns the
 * count, or -1 for a path that is too long, has empty or dot segments,
 * or bytes outside [A-Za-z0-9._~-]. */
int ig__http_split_path(const char *path, char *buf, size_t cap,
                        const char **seg, int max);

#endif
