/* Fuzz target for the server's request parsing (src/server/parse.c): the
 * input is split at its first NUL byte (or used whole) and fed to the query
 * string parser, the flat JSON body parser and the path splitter, the same
 * functions every request to `integrid serve` goes through.
 *
 * Properties checked (each failure aborts):
 *  - a refused input returns IG_ERR_PARSE with a non-empty message;
 *  - an accepted input yields at most IG__HTTP_MAX_PARAMS parameters whose
 *    keys are non-empty, unique, valid UTF-8 text without control
 *    characters, and whose values are valid UTF-8 text too;
 *  - a path split gives segments of the allowed bytes only, none "." or "..";
 *  - writing every parameter back as a JSON string and parsing that object
 *    again gives the same parameters (the writer and the reader agree). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "server/store_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_http: %s\n", what);
    abort();
}

static void check_params(const ig__params *p)
{
    if (p->n > IG__HTTP_MAX_PARAMS) fail("too many parameters");
    for (size_t i = 0; i < p->n; i++) {
        size_t kl = strlen(p->key[i]), vl = strlen(p->val[i]);
        if (kl == 0) fail("empty key accepted");
        if (!ig__utf8_text_ok(p->key[i], kl)) fail("key not UTF-8 text");
        if (!ig__utf8_text_ok(p->val[i], vl)) fail("value not UTF-8 text");
        for (size_t j = 0; j < i; j++)
            if (strcmp(p->key[i], p->key[j]) == 0) fail("duplicate key");
    }
}

static void check_refusal(ig_status st, const ig_error *err)
{
    if (st != IG_ERR_PARSE) fail("unexpected status");
    if (!err->msg[0]) fail("refusal without a message");
}

/* Write p as a JSON object and parse it back. */
static void round_trip(const ig__params *p)
{
    ig__srvbuf b;
    ig__srvbuf_init(&b, NULL);
    ig__srvbuf_puts(&b, "{");
    for (size_t i = 0; i < p->n; i++) {
        if (i) ig__srvbuf_puts(&b, ",");
        ig__srvbuf_json_str(&b, p->key[i]);
        ig__srvbuf_puts(&b, ":");
        ig__srvbuf_json_str(&b, p->val[i]);
    }
    ig__srvbuf_puts(&b, "}");
    if (b.failed) fail("out of memory");
    ig__params q;
    ig_error err = {0};
    ig_status st = ig__http_parse_json(b.p, b.len, &q, &err);
    /* escapes can make the text longer than the limits allow */
    if (st == IG_OK) {
        if (q.n != p->n) fail("round trip: count differs");
        for (size_t i = 0; i < p->n; i++)
            if (strcmp(q.key[i], p->key[i]) != 0 ||
                strcmp(q.val[i], p->val[i]) != 0)
                fail("round trip: parameter differs");
    }
    ig__srvbuf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    const uint8_t *nul = memchr(data, 0, size);
    size_t n1 = nul ? (size_t)(nul - data) : size;
    const char *s2 = nul ? s + n1 + 1 : s;
    size_t n2 = nul ? size - n1 - 1 : size;

    ig__params p;
    ig_error err = {0};
    ig_status st = ig__http_parse_query(s, n1, &p, &err);
    if (st == IG_OK) {
        check_params(&p);
        round_trip(&p);
    } else {
        check_refusal(st, &err);
    }

    memset(&err, 0, sizeof err);
    st = ig__http_parse_json(s2, n2, &p, &err);
    if (st == IG_OK) {
        check_params(&p);
        round_trip(&p);
    } else {
        check_refusal(st, &err);
    }

    /* the path splitter takes a C string */
    char *path = malloc(n1 + 1);
    if (!path) return 0;
    memcpy(path, s, n1);
    path[n1] = '\0';
    char buf[512];
    const char *seg[10];
    int k = ig__http_split_path(path, buf, sizeof buf, seg, 10);
    if (k > 10) fail("too many segments");
    for (int i = 0; i < k; i++) {
        if (!seg[i][0]) fail("empty segment");
        if (strcmp(seg[i], ".") == 0 || strcmp(seg[i], "..") == 0)
            fail("dot segment");
        for (const char *c = seg[i]; *c; c++)
            if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                        "0123456789._~-:",
                        *c))
                fail("segment byte not allowed");
    }
    free(path);
    return 0;
}
