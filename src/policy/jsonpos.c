/* JSON documents with positions. jansson parses and checks the syntax
 * (with duplicate keys rejected) but keeps no positions for values, and
 * validation errors must say file:line:column. So one more pass walks the
 * text and the tree in step -- jansson keeps object members in the order
 * of the text -- and records where each value (and its key) starts, in an
 * array sorted by node address. true, false and null are singletons in
 * jansson and get no entry; errors about them point at their key. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy_impl.h"

typedef struct scan {
    const char *p, *end;
    long line, col;
    ig__jdoc *d;
    int nomem;
} scan;

static void adv(scan *s)
{
    if (s->p >= s->end) return;
    if (*s->p == '\n') {
        s->line++;
        s->col = 1;
    } else if (((unsigned char)*s->p & 0xC0) != 0x80) {
        s->col++; /* columns count characters, as jansson's do */
    }
    s->p++;
}

static void skip_ws(scan *s)
{
    while (s->p < s->end &&
           (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        adv(s);
}

static void skip_string(scan *s)
{
    adv(s); /* opening quote */
    while (s->p < s->end && *s->p != '"') {
        if (*s->p == '\\') adv(s);
        adv(s);
    }
    adv(s);
}

static void skip_scalar(scan *s)
{
    while (s->p < s->end && !strchr(" \t\r\n,]}", *s->p)) adv(s);
}

static int shared_singleton(const json_t *v)
{
    return json_is_true(v) || json_is_false(v) || json_is_null(v);
}

static void record(scan *s, const void *v, long l, long c, long kl, long kc)
{
    if (s->nomem) return;
    ig__jdoc *d = s->d;
    if (d->n_pos == d->cap_pos) {
        void *p = d->pos;
        if (ig__grow(d->ctx, &p, &d->cap_pos, d->n_pos + 1, sizeof *d->pos) !=
            IG_OK) {
            s->nomem = 1;
            return;
        }
        d->pos = p;
    }
    ig__jpos *e = &d->pos[d->n_pos++];
    e->v = v;
    e->line = l;
    e->col = c;
    e->key_line = kl;
    e->key_col = kc;
}

static void scan_value(scan *s, const json_t *v, long kl, long kc, int depth)
{
    skip_ws(s);
    if (s->p >= s->end || depth > 2048) return;
    if (!shared_singleton(v)) record(s, v, s->line, s->col, kl, kc);
    if (json_is_object(v) && *s->p == '{') {
        adv(s);
        void *it = json_object_iter((json_t *)(uintptr_t)v);
        while (it) {
            skip_ws(s);
            if (s->p >= s->end || *s->p != '"') return;
            long l = s->line, c = s->col;
            /* the key's own entry: jansson's key strings are unique
             * addresses, so errors about true/false/null can point here */
            record(s, json_object_iter_key(it), l, c, l, c);
            skip_string(s);
            skip_ws(s);
            if (s->p < s->end && *s->p == ':') adv(s);
            scan_value(s, json_object_iter_value(it), l, c, depth + 1);
            skip_ws(s);
            if (s->p < s->end && *s->p == ',') adv(s);
            it = json_object_iter_next((json_t *)(uintptr_t)v, it);
        }
        skip_ws(s);
        adv(s); /* '}' */
    } else if (json_is_array(v) && *s->p == '[') {
        adv(s);
        for (size_t i = 0; i < json_array_size(v); i++) {
            scan_value(s, json_array_get(v, i), 0, 0, depth + 1);
            skip_ws(s);
            if (s->p < s->end && *s->p == ',') adv(s);
        }
        skip_ws(s);
        adv(s); /* ']' */
    } else if (*s->p == '"') {
        skip_string(s);
    } else {
        skip_scalar(s);
    }
}

static int cmp_pos(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const ig__jpos *)a)->v;
    uintptr_t y = (uintptr_t)((const ig__jpos *)b)->v;
    return x < y ? -1 : x > y;
}

ig_status ig__jdoc_parse(ig__jdoc *d, ig_ctx *ctx, const char *text,
                         size_t len, const char *name, ig_error *err)
{
    memset(d, 0, sizeof *d);
    d->ctx = ctx;
    d->name = name;
    long col0 = 1;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3; /* a UTF-8 byte order mark, as some editors write */
        len -= 3;
        col0 = 2;
    }
    json_error_t je;
    d->root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!d->root) {
        ig_status st = ig__error_set(
            err, IG_ERR_PARSE, je.line > 0 ? je.line : 0,
            je.column > 0 ? je.column : 0,
            "invalid JSON: %s; fix the syntax at this position (quotes, "
            "commas, brackets) or remove the repeated key", je.text);
        if (name) ig__error_file(err, name);
        return st;
    }
    if (!json_is_object(d->root)) {
        ig__jdoc_free(d);
        ig_status st = ig__error_set(err, IG_ERR_PARSE, 1, 1,
                                     "expected a JSON object ({...}) at the "
                                     "top level");
        if (name) ig__error_file(err, name);
        return st;
    }
    scan s = {text, text + len, 1, col0, d, 0};
    scan_value(&s, d->root, 0, 0, 0);
    if (s.nomem) {
        ig__jdoc_free(d);
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    }
    if (d->n_pos > 1) qsort(d->pos, d->n_pos, sizeof *d->pos, cmp_pos);
    return IG_OK;
}

void ig__jdoc_free(ig__jdoc *d)
{
    if (d->root) json_decref(d->root);
    d->root = NULL;
    ig__free(d->ctx, d->pos, d->cap_pos * sizeof *d->pos);
    d->pos = NULL;
    d->n_pos = d->cap_pos = 0;
}

void ig__jdoc_where(const ig__jdoc *d, const void *v, int key, long *line,
                    long *col)
{
    *line = *col = 0;
    if (!v || !d->pos) return;
    ig__jpos k = {.v = v};
    const ig__jpos *e = bsearch(&k, d->pos, d->n_pos, sizeof *d->pos, cmp_pos);
    if (!e) return;
    if (key && e->key_line) {
        *line = e->key_line;
        *col = e->key_col;
    } else {
        *line = e->line;
        *col = e->col;
    }
}

ig_status ig__jdoc_error(const ig__jdoc *d, ig_error *err, ig_status st,
                         const void *v, int key, const char *fmt, ...)
{
    if (!err) return st;
    long line, col;
    ig__jdoc_where(d, v, key, &line, &col);
    char msg[IG_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ig__error_set(err, st, line, col, "%s", msg);
    if (d->name) ig__error_file(err, d->name);
    return st;
}

const void *ig__jdoc_member(const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (!v) return obj;
    if (!shared_singleton(v)) return v;
    void *it = json_object_iter_at((json_t *)(uintptr_t)obj, key);
    return it ? (const void *)json_object_iter_key(it) : (const void *)obj;
}
