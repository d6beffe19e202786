/* GeoJSON (RFC 7946) reader: a JSON lexer with line and column tracking and
 * a pull parser writing polygons straight into an ig_boundaries. No tree is
 * built; values that do not matter are skipped iteratively with an explicit
 * stack capped at IG_JSON_MAX_DEPTH levels (the structural recursion is at
 * most collection, feature, geometry). The one lookahead: a geometry whose
 * "coordinates" come before its "type" has the rest of that object scanned
 * for the type, then the parser rewinds. Property values stay spans of the
 * input (numbers exactly as written), decoded only for ids and names. */
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "io/io_internal.h"
#include "places/boundaries_internal.h"

#define IG_JSON_MAX_DEPTH 128

enum {
    T_EOF,
    T_LBRACE,
    T_RBRACE,
    T_LBRACK,
    T_RBRACK,
    T_COLON,
    T_COMMA,
    T_STRING,
    T_NUMBER,
    T_TRUE,
    T_FALSE,
    T_NULL
};

typedef struct tok {
    int kind;
    const char *s; /* string content (without quotes) or number text */
    size_t n;
    int esc; /* string holds escapes */
    long line, col;
} tok;

typedef struct lexer {
    const char *p, *end;
    long line;
    const char *line_start;
} lexer;

/* A value kept for later: kind is a token kind, or T_LBRACE / T_LBRACK
 * for an object or array. */
typedef struct span {
    int kind;
    const char *s;
    size_t n;
    int esc;
    long line, col;
} span;

typedef struct parser {
    lexer lx;
    tok t;
    ig_boundaries *b;
    const ig_boundaries_opts *opts;
    ig_error *err;
    ig_ctx *ctx;
    const char *name;
    char libc_dp;
    char *buf[2]; /* decoded strings */
    size_t cap[2];
    uint8_t stack[IG_JSON_MAX_DEPTH];
    int oom;          /* a decode inside a comparison ran out of memory */
    size_t feature;   /* 1-based index of the feature being read */
    size_t n_skipped; /* features skipped (no or another geometry) */
    int nested_crs;   /* crs members below the top level seen */
    int have_crs;
    char crs[256];
} parser;

enum { LV_TOP, LV_FEATURE, LV_GEOMETRY };
enum { G_NONE, G_POLY, G_OTHER };

/* ---- errors ------------------------------------------------------------- */

static ig_status fail_at(parser *p, ig_status st, long line, long col,
                         const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static ig_status fail_at(parser *p, ig_status st, long line, long col,
                         const char *fmt, ...)
{
    char msg[IG_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ig__error_set(p->err, st, line, col, "%s", msg);
    ig__error_file(p->err, p->name);
    return st;
}

static void describe(const tok *t, char *buf, size_t cap)
{
    switch (t->kind) {
        case T_EOF:
            snprintf(buf, cap, "the end of the input");
            break;
        case T_LBRACE:
            snprintf(buf, cap, "'{'");
            break;
        case T_RBRACE:
            snprintf(buf, cap, "'}'");
            break;
        case T_LBRACK:
            snprintf(buf, cap, "'['");
            break;
        case T_RBRACK:
            snprintf(buf, cap, "']'");
            break;
        case T_COLON:
            snprintf(buf, cap, "':'");
            break;
        case T_COMMA:
            snprintf(buf, cap, "','");
            break;
        case T_STRING:
            snprintf(buf, cap, "the string \"%.*s\"%s",
                     (int)(t->n > 24 ? 24 : t->n), t->s,
                     t->n > 24 ? "..." : "");
            break;
        case T_NUMBER:
            snprintf(buf, cap, "the number %.*s", (int)(t->n > 24 ? 24 : t->n),
                     t->s);
            break;
        case T_TRUE:
            snprintf(buf, cap, "true");
            break;
        case T_FALSE:
            snprintf(buf, cap, "false");
            break;
        default:
            snprintf(buf, cap, "null");
            break;
    }
}

static ig_status unexpected(parser *p, const char *want)
{
    char what[64];
    describe(&p->t, what, sizeof what);
    return fail_at(p, IG_ERR_PARSE, p->t.line, p->t.col,
                   "invalid JSON: expected %s, found %s", want, what);
}

/* ---- lexer -------------------------------------------------------------- */

static long col_of(const lexer *lx, const char *at)
{
    return (long)(at - lx->line_start) + 1;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int is_word(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           c == '_' || c == '.' || c == '+' || c == '-';
}

static ig_status lex_error(parser *p, const char *at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static ig_status lex_error(parser *p, const char *at, const char *fmt, ...)
{
    char msg[IG_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return fail_at(p, IG_ERR_PARSE, p->lx.line, col_of(&p->lx, at),
                   "invalid JSON: %s", msg);
}

static ig_status lex_string(parser *p, const char *start)
{
    lexer *lx = &p->lx;
    const char *q = start + 1;
    int esc = 0;
    while (q < lx->end) {
        unsigned char c = (unsigned char)*q;
        if (c == '"') {
            p->t.kind = T_STRING;
            p->t.s = start + 1;
            p->t.n = (size_t)(q - start - 1);
            p->t.esc = esc;
            lx->p = q + 1;
            return IG_OK;
        }
        if (c == '\\') {
            esc = 1;
            if (q + 1 >= lx->end) break;
            char e = q[1];
            if (e == 'u') {
                for (int k = 2; k < 6; k++)
                    if (q + k >= lx->end || !is_hex(q[k]))
                        return lex_error(p, q,
                                         "\\u must be followed by four hex "
                                         "digits");
                q += 6;
                continue;
            }
            if (!strchr("\"\\/bfnrt", e) || e == '\0')
                return lex_error(p, q,
                                 "unknown escape '\\%c' in a string (valid: "
                                 "\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)",
                                 e >= 0x20 && e < 0x7f ? e : '?');
            q += 2;
            continue;
        }
        if (c == '\n')
            return lex_error(p, q,
                             "string not closed before the end of the line "
                             "(a '\"' is missing)");
        if (c < 0x20)
            return lex_error(p, q,
                             "control character 0x%02x in a string (write "
                             "it as \\u00%02x)",
                             c, c);
        q++;
    }
    return lex_error(p, start, "string not closed (a '\"' is missing)");
}

static ig_status lex_number(parser *p, const char *start)
{
    lexer *lx = &p->lx;
    const char *q = start, *e = lx->end;
    if (q < e && *q == '-') q++;
    if (q >= e || !is_digit(*q)) goto bad;
    if (*q == '0') {
        q++;
    } else {
        while (q < e && is_digit(*q)) q++;
    }
    if (q < e && *q == '.') {
        q++;
        if (q >= e || !is_digit(*q)) goto bad;
        while (q < e && is_digit(*q)) q++;
    }
    if (q < e && (*q == 'e' || *q == 'E')) {
        q++;
        if (q < e && (*q == '+' || *q == '-')) q++;
        if (q >= e || !is_digit(*q)) goto bad;
        while (q < e && is_digit(*q)) q++;
    }
    if (q < e && is_word(*q)) goto bad;
    p->t.kind = T_NUMBER;
    p->t.s = start;
    p->t.n = (size_t)(q - start);
    lx->p = q;
    return IG_OK;
bad:
    while (q < e && is_word(*q)) q++;
    return lex_error(p, start,
                     "'%.*s' is not a JSON number (no leading zeros, '+', "
                     "hex, NaN or Infinity)",
                     (int)(q - start > 32 ? 32 : q - start), start);
}

static ig_status lex_word(parser *p, const char *start)
{
    lexer *lx = &p->lx;
    static const struct {
        const char *w;
        int kind;
    } words[] = {{"true", T_TRUE}, {"false", T_FALSE}, {"null", T_NULL}};
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(words[i].w);
        if ((size_t)(lx->end - start) >= n &&
            memcmp(start, words[i].w, n) == 0 &&
            (start + n == lx->end || !is_word(start[n]))) {
            p->t.kind = words[i].kind;
            p->t.s = start;
            p->t.n = n;
            lx->p = start + n;
            return IG_OK;
        }
    }
    const char *q = start;
    while (q < lx->end && is_word(*q) && q - start < 32) q++;
    if (q == start) {
        unsigned char c = (unsigned char)*start;
        if (c >= 0x20 && c < 0x7f)
            return lex_error(p, start, "unexpected character '%c'", c);
        return lex_error(p, start, "unexpected byte 0x%02x", c);
    }
    return lex_error(p, start,
                     "unexpected word '%.*s' (strings need double quotes; "
                     "the literals are true, false and null)",
                     (int)(q - start), start);
}

static ig_status advance(parser *p)
{
    lexer *lx = &p->lx;
    const char *q = lx->p;
    for (; q < lx->end; q++) {
        char c = *q;
        if (c == '\n') {
            lx->line++;
            lx->line_start = q + 1;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            break;
        }
    }
    lx->p = q;
    p->t.line = lx->line;
    p->t.col = col_of(lx, q);
    p->t.esc = 0;
    p->t.s = q;
    p->t.n = 0;
    if (q >= lx->end) {
        p->t.kind = T_EOF;
        return IG_OK;
    }
    switch (*q) {
        case '{':
            p->t.kind = T_LBRACE;
            break;
        case '}':
            p->t.kind = T_RBRACE;
            break;
        case '[':
            p->t.kind = T_LBRACK;
            break;
        case ']':
            p->t.kind = T_RBRACK;
            break;
        case ':':
            p->t.kind = T_COLON;
            break;
        case ',':
            p->t.kind = T_COMMA;
            break;
        case '"':
            return lex_string(p, q);
        default:
            if (*q == '-' || is_digit(*q)) return lex_number(p, q);
            return lex_word(p, q);
    }
    p->t.n = 1;
    lx->p = q + 1;
    return IG_OK;
}

/* ---- strings ------------------------------------------------------------ */

static size_t put_utf8(char *o, unsigned long cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static unsigned long hex4(const char *s)
{
    unsigned long v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        unsigned d = is_digit(c)              ? (unsigned)(c - '0')
                     : (c >= 'a' && c <= 'f') ? (unsigned)(c - 'a' + 10)
                                              : (unsigned)(c - 'A' + 10);
        v = v * 16 + d;
    }
    return v;
}

/* Decode a lexed string (escapes validated) into buffer k; NUL-terminated.
 * \u0000 and lone surrogates become U+FFFD, so names stay C strings. */
static ig_status decode(parser *p, int k, const char *s, size_t n, int esc,
                        const char **out, size_t *out_n)
{
    if (ig__grow(p->ctx, (void **)&p->buf[k], &p->cap[k], n + 1, 1) != IG_OK) {
        p->oom = 1;
        return fail_at(p, IG_ERR_NOMEM, 0, 0, "out of memory");
    }
    char *o = p->buf[k];
    size_t m = 0;
    if (!esc) {
        memcpy(o, s, n);
        m = n;
    } else {
        for (size_t i = 0; i < n;) {
            if (s[i] != '\\') {
                o[m++] = s[i++];
                continue;
            }
            char e = s[i + 1];
            i += 2;
            switch (e) {
                case 'b':
                    o[m++] = '\b';
                    break;
                case 'f':
                    o[m++] = '\f';
                    break;
                case 'n':
                    o[m++] = '\n';
                    break;
                case 'r':
                    o[m++] = '\r';
                    break;
                case 't':
                    o[m++] = '\t';
                    break;
                case 'u': {
                    unsigned long cp = hex4(s + i);
                    i += 4;
                    if (cp >= 0xD800 && cp < 0xDC00 && i + 6 <= n &&
                        s[i] == '\\' && s[i + 1] == 'u') {
                        unsigned long lo = hex4(s + i + 2);
                        if (lo >= 0xDC00 && lo < 0xE000) {
                            cp =
                                0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                            i += 6;
                        }
                    }
                    if (cp == 0 || (cp >= 0xD800 && cp < 0xE000)) cp = 0xFFFD;
                    /* \uXXXX is 6 bytes of input, at most 3 of output;
                     * a pair is 12 of input for 4 */
                    m += put_utf8(o + m, cp);
                    break;
                }
                default:
                    o[m++] = e;
                    break;
            }
        }
    }
    o[m] = '\0';
    *out = o;
    *out_n = m;
    return IG_OK;
}

/* Is the current token the string @p want? */
static int tok_is(parser *p, const char *want)
{
    if (p->t.kind != T_STRING) return 0;
    size_t wl = strlen(want);
    if (!p->t.esc) return p->t.n == wl && memcmp(p->t.s, want, wl) == 0;
    const char *d;
    size_t dn;
    if (decode(p, 0, p->t.s, p->t.n, 1, &d, &dn) != IG_OK) return 0;
    return dn == wl && memcmp(d, want, wl) == 0;
}

static int span_is(parser *p, const span *v, const char *want)
{
    if (v->kind != T_STRING) return 0;
    size_t wl = strlen(want);
    if (!v->esc) return v->n == wl && memcmp(v->s, want, wl) == 0;
    const char *d;
    size_t dn;
    if (decode(p, 0, v->s, v->n, 1, &d, &dn) != IG_OK) return 0;
    return dn == wl && memcmp(d, want, wl) == 0;
}

static span span_of(const tok *t)
{
    span v;
    v.kind = t->kind;
    v.s = t->s;
    v.n = t->n;
    v.esc = t->esc;
    v.line = t->line;
    v.col = t->col;
    return v;
}

/* ---- structure ---------------------------------------------------------- */

static ig_status expect(parser *p, int kind, const char *want)
{
    if (p->t.kind != kind) return unexpected(p, want);
    return advance(p);
}

/* After '{' or ',' inside an object: a member name and ':'. The name is
 * left in *key (a token; its text stays valid). */
static ig_status member_name(parser *p, tok *key)
{
    if (p->t.kind != T_STRING)
        return unexpected(p, "a member name in double quotes");
    *key = p->t;
    ig_status st = advance(p);
    if (st != IG_OK) return st;
    return expect(p, T_COLON, "':' after the member name");
}

/* After a member's value: ',' (*more = 1) or '}' (*more = 0). */
static ig_status member_next(parser *p, int *more)
{
    if (p->t.kind == T_COMMA) {
        *more = 1;
        return advance(p);
    }
    if (p->t.kind == T_RBRACE) {
        *more = 0;
        return advance(p);
    }
    return unexpected(p, "',' or '}' after a member of an object");
}

static ig_status element_next(parser *p, int *more)
{
    if (p->t.kind == T_COMMA) {
        *more = 1;
        return advance(p);
    }
    if (p->t.kind == T_RBRACK) {
        *more = 0;
        return advance(p);
    }
    return unexpected(p, "',' or ']' after an element of an array");
}

/* Skip one value of any shape, iteratively. */
static ig_status skip_value(parser *p)
{
    size_t depth = 0;
    ig_status st;
    for (;;) {
        /* at the start of a value */
        switch (p->t.kind) {
            case T_LBRACE:
            case T_LBRACK: {
                if (depth == IG_JSON_MAX_DEPTH)
                    return fail_at(p, IG_ERR_PARSE, p->t.line, p->t.col,
                                   "JSON nested deeper than %d levels",
                                   IG_JSON_MAX_DEPTH);
                int obj = p->t.kind == T_LBRACE;
                p->stack[depth++] = (uint8_t)obj;
                if ((st = advance(p)) != IG_OK) return st;
                if (p->t.kind == (obj ? T_RBRACE : T_RBRACK)) {
                    depth--;
                    if ((st = advance(p)) != IG_OK) return st;
                    break; /* to after-value */
                }
                if (obj) {
                    tok key;
                    if ((st = member_name(p, &key)) != IG_OK) return st;
                }
                continue; /* a value starts */
            }
            case T_STRING:
            case T_NUMBER:
            case T_TRUE:
            case T_FALSE:
            case T_NULL:
                if ((st = advance(p)) != IG_OK) return st;
                break;
            default:
                return unexpected(p, "a value");
        }
        /* after a value */
        for (;;) {
            if (depth == 0) return IG_OK;
            int obj = p->stack[depth - 1];
            if (p->t.kind == T_COMMA) {
                if ((st = advance(p)) != IG_OK) return st;
                if (obj) {
                    tok key;
                    if ((st = member_name(p, &key)) != IG_OK) return st;
                }
                break; /* a value starts */
            }
            if (p->t.kind == (obj ? T_RBRACE : T_RBRACK)) {
                depth--;
                if ((st = advance(p)) != IG_OK) return st;
                continue;
            }
            return unexpected(p, obj ? "',' or '}' after a member of an object"
                                     : "',' or ']' after an element of an "
                                       "array");
        }
    }
}

/* ---- coordinates -------------------------------------------------------- */

static ig_status number_value(parser *p, double *v)
{
    if (p->t.kind != T_NUMBER)
        return unexpected(p, "a number (a position is [x, y] or [lon, lat])");
    int rc = ig__num_parse(p->t.s, p->t.n, '.', p->libc_dp, v);
    if (rc == IG__NUM_NOT_FINITE)
        return fail_at(p, IG_ERR_DOMAIN, p->t.line, p->t.col,
                       "coordinate %.*s is not a finite number",
                       (int)(p->t.n > 32 ? 32 : p->t.n), p->t.s);
    if (rc != IG__NUM_OK)
        return fail_at(p, IG_ERR_PARSE, p->t.line, p->t.col,
                       "coordinate %.32s... has too many digits", p->t.s);
    return advance(p);
}

static ig_status parse_position(parser *p)
{
    ig_status st;
    long line = p->t.line, col = p->t.col;
    if (p->t.kind != T_LBRACK)
        return unexpected(p, "'[' starting a position [x, y]");
    if ((st = advance(p)) != IG_OK) return st;
    double v[2] = {0.0, 0.0};
    int n = 0, more = 1;
    if (p->t.kind == T_RBRACK) {
        more = 0;
        if ((st = advance(p)) != IG_OK) return st;
    }
    while (more) {
        double x;
        if ((st = number_value(p, &x)) != IG_OK) return st;
        if (n < 2) v[n] = x;
        n++;
        if ((st = element_next(p, &more)) != IG_OK) return st;
    }
    if (n < 2)
        return fail_at(p, IG_ERR_PARSE, line, col,
                       "a position needs two numbers [x, y]; this one has "
                       "%d",
                       n);
    if (ig__bnd_point(p->b, v[0], v[1]) != IG_OK)
        return fail_at(p, IG_ERR_NOMEM, 0, 0, "out of memory");
    return IG_OK;
}

/* One polygon: an array of rings, each an array of positions. */
static ig_status parse_polygon(parser *p, size_t polygon)
{
    ig_status st;
    if (p->t.kind != T_LBRACK)
        return unexpected(p, "'[' starting a polygon (an array of rings)");
    if ((st = advance(p)) != IG_OK) return st;
    size_t first = p->b->nrings, ring = 0;
    int more = 1;
    if (p->t.kind == T_RBRACK) {
        more = 0;
        if ((st = advance(p)) != IG_OK) return st;
    }
    while (more) {
        if (p->t.kind != T_LBRACK)
            return unexpected(p, "'[' starting a ring (an array of positions)");
        ig__bnd_ring_begin(p->b, p->t.line, p->t.col);
        if ((st = advance(p)) != IG_OK) return st;
        int pmore = 1;
        if (p->t.kind == T_RBRACK) {
            pmore = 0;
            if ((st = advance(p)) != IG_OK) return st;
        }
        while (pmore) {
            if ((st = parse_position(p)) != IG_OK) return st;
            if ((st = element_next(p, &pmore)) != IG_OK) return st;
        }
        if ((st = ig__bnd_ring_end(p->b, p->feature, polygon, ++ring,
                                   p->err)) != IG_OK)
            return st;
        if ((st = element_next(p, &more)) != IG_OK) return st;
    }
    if (ig__bnd_poly_end(p->b, first) != IG_OK)
        return fail_at(p, IG_ERR_NOMEM, 0, 0, "out of memory");
    return IG_OK;
}

static ig_status parse_coordinates(parser *p, int multi)
{
    if (!multi) return parse_polygon(p, 1);
    ig_status st;
    if (p->t.kind != T_LBRACK)
        return unexpected(p, "'[' starting the polygons of a MultiPolygon");
    if ((st = advance(p)) != IG_OK) return st;
    int more = 1;
    size_t polygon = 0;
    if (p->t.kind == T_RBRACK) {
        more = 0;
        if ((st = advance(p)) != IG_OK) return st;
    }
    while (more) {
        if ((st = parse_polygon(p, ++polygon)) != IG_OK) return st;
        if ((st = element_next(p, &more)) != IG_OK) return st;
    }
    return IG_OK;
}

/* The "type" of the object whose member value starts at the current token,
 * found by scanning the rest of the object; the lexer is put back. */
static ig_status type_ahead(parser *p, span *type)
{
    lexer saved = p->lx;
    tok saved_t = p->t;
    ig_status st;
    type->kind = T_EOF;
    for (;;) {
        if ((st = skip_value(p)) != IG_OK) return st;
        int more;
        if ((st = member_next(p, &more)) != IG_OK) return st;
        if (!more) break;
        tok key;
        if ((st = member_name(p, &key)) != IG_OK) return st;
        tok cur = p->t;
        p->t = key;
        int is_type = tok_is(p, "type");
        p->t = cur;
        if (is_type && p->t.kind == T_STRING) {
            *type = span_of(&p->t);
            break;
        }
    }
    p->lx = saved;
    p->t = saved_t;
    return IG_OK;
}

/* ---- CRS ---------------------------------------------------------------- */

static ig_status parse_crs(parser *p)
{
    ig_status st;
    long line = p->t.line, col = p->t.col;
    if (p->t.kind == T_NULL) return advance(p);
    if (p->t.kind != T_LBRACE)
        return unexpected(p, "an object or null for \"crs\"");
    span type = {0}, name = {0}, code = {0}, href = {0};
    if ((st = advance(p)) != IG_OK) return st;
    int more = p->t.kind != T_RBRACE;
    if (!more && (st = advance(p)) != IG_OK) return st;
    while (more) {
        tok key;
        if ((st = member_name(p, &key)) != IG_OK) return st;
        tok cur = p->t;
        p->t = key;
        int k_type = tok_is(p, "type"), k_props = tok_is(p, "properties");
        p->t = cur;
        if (k_type && p->t.kind == T_STRING) {
            type = span_of(&p->t);
            if ((st = advance(p)) != IG_OK) return st;
        } else if (k_props && p->t.kind == T_LBRACE) {
            if ((st = advance(p)) != IG_OK) return st;
            int pm = p->t.kind != T_RBRACE;
            if (!pm && (st = advance(p)) != IG_OK) return st;
            while (pm) {
                tok pk;
                if ((st = member_name(p, &pk)) != IG_OK) return st;
                tok c2 = p->t;
                p->t = pk;
                int k_name = tok_is(p, "name"), k_code = tok_is(p, "code"),
                    k_href = tok_is(p, "href");
                p->t = c2;
                if (k_name && p->t.kind == T_STRING) name = span_of(&p->t);
                if (k_code && (p->t.kind == T_NUMBER || p->t.kind == T_STRING))
                    code = span_of(&p->t);
                if (k_href && p->t.kind == T_STRING) href = span_of(&p->t);
                if ((st = skip_value(p)) != IG_OK) return st;
                if ((st = member_next(p, &pm)) != IG_OK) return st;
            }
        } else {
            if ((st = skip_value(p)) != IG_OK) return st;
        }
        if ((st = member_next(p, &more)) != IG_OK) return st;
    }
    const char *text = NULL;
    size_t tn = 0;
    if (span_is(p, &type, "name") && name.kind == T_STRING) {
        if ((st = decode(p, 1, name.s, name.n, name.esc, &text, &tn)) != IG_OK)
            return st;
        if (tn >= sizeof p->crs)
            return fail_at(p, IG_ERR_FORMAT, name.line, name.col,
                           "the crs name is too long (%zu bytes)", tn);
        memcpy(p->crs, text, tn + 1);
    } else if (span_is(p, &type, "EPSG") && code.kind != T_EOF && code.n < 32) {
        snprintf(p->crs, sizeof p->crs, "EPSG:%.*s", (int)code.n, code.s);
    } else if (span_is(p, &type, "link") || href.kind == T_STRING) {
        return fail_at(p, IG_ERR_FORMAT, line, col,
                       "a linked crs (\"type\": \"link\") is not supported: "
                       "give the source CRS instead (e.g. src_crs "
                       "\"EPSG:2154\"), or reproject the file to lon/lat "
                       "(ogr2ogr -t_srs EPSG:4326)");
    } else {
        return fail_at(p, IG_ERR_FORMAT, line, col,
                       "unsupported crs member: expected {\"type\": \"name\", "
                       "\"properties\": {\"name\": "
                       "\"urn:ogc:def:crs:EPSG::3035\"}}");
    }
    p->have_crs = 1;
    return IG_OK;
}

/* ---- objects ------------------------------------------------------------ */

typedef struct gobj {
    span type;
    span id;
    span idv, namev; /* values of opts->id_prop and opts->name_prop */
    char keys[200];  /* the first property names, for messages */
    int n_keys;
    int have_props, geom; /* geom: G_NONE, G_POLY, G_OTHER */
    span geom_type;       /* type of a G_OTHER geometry */
    int seen_features, seen_geometry, seen_coords;
    long line, col;
} gobj;

static ig_status parse_obj(parser *p, int level, gobj *o);

static ig_status parse_properties(parser *p, gobj *o)
{
    ig_status st;
    if (p->t.kind == T_NULL) return advance(p);
    if (p->t.kind != T_LBRACE)
        return unexpected(p, "an object or null for \"properties\"");
    if (o->have_props)
        return fail_at(p, IG_ERR_PARSE, p->t.line, p->t.col,
                       "a feature has two \"properties\" members");
    o->have_props = 1;
    if ((st = advance(p)) != IG_OK) return st;
    int more = p->t.kind != T_RBRACE;
    if (!more && (st = advance(p)) != IG_OK) return st;
    while (more) {
        tok key;
        if ((st = member_name(p, &key)) != IG_OK) return st;
        tok cur = p->t;
        p->t = key;
        int is_id = p->opts->id_prop && tok_is(p, p->opts->id_prop);
        int is_name = p->opts->name_prop && tok_is(p, p->opts->name_prop);
        if (o->n_keys < 8) {
            size_t used = strlen(o->keys);
            if (used + key.n + 3 < sizeof o->keys)
                snprintf(o->keys + used, sizeof o->keys - used, "%s%.*s",
                         used ? ", " : "", (int)key.n, key.s);
        } else if (o->n_keys == 8) {
            size_t used = strlen(o->keys);
            if (used + 5 < sizeof o->keys)
                snprintf(o->keys + used, sizeof o->keys - used, ", ...");
        }
        o->n_keys++;
        p->t = cur;
        if (is_id) o->idv = span_of(&p->t);
        if (is_name) o->namev = span_of(&p->t);
        if ((st = skip_value(p)) != IG_OK) return st;
        if ((st = member_next(p, &more)) != IG_OK) return st;
    }
    return IG_OK;
}

static int is_geometry_type(parser *p, const span *t)
{
    static const char *const types[] = {
        "Point",   "MultiPoint",   "LineString",        "MultiLineString",
        "Polygon", "MultiPolygon", "GeometryCollection"};
    for (size_t i = 0; i < sizeof types / sizeof *types; i++)
        if (span_is(p, t, types[i])) return 1;
    return 0;
}

static int type_text(const span *t, char *buf, size_t cap)
{
    return snprintf(buf, cap, "%.*s", (int)(t->n > 40 ? 40 : t->n), t->s);
}

/* A value for an id or a name: strings decoded, numbers and literals as
 * written. Returns 0 for null (text ""), 1 otherwise; -1 for an object or
 * array (an error). */
static int value_text(parser *p, int k, const span *v, const char **s,
                      size_t *n, ig_status *st)
{
    *st = IG_OK;
    switch (v->kind) {
        case T_STRING:
            *st = decode(p, k, v->s, v->n, v->esc, s, n);
            return 1;
        case T_NUMBER:
        case T_TRUE:
        case T_FALSE:
            *s = v->s;
            *n = v->n;
            return 1;
        case T_NULL:
            *s = "";
            *n = 0;
            return 0;
        default:
            return -1;
    }
}

static ig_status commit_feature(parser *p, gobj *o)
{
    const char *id = NULL, *name = NULL;
    size_t idn = 0, namen = 0;
    char num[32];
    ig_status st = IG_OK;
    if (p->opts->id_prop) {
        if (o->idv.kind == T_EOF)
            return fail_at(p, IG_ERR_NOT_FOUND, o->line, o->col,
                           "feature %zu has no property '%s' for the place id "
                           "(its properties: %s)",
                           p->feature, p->opts->id_prop,
                           o->keys[0] ? o->keys : "none");
        int r = value_text(p, 0, &o->idv, &id, &idn, &st);
        if (st != IG_OK) return st;
        if (r <= 0)
            return fail_at(p, IG_ERR_PARSE, o->idv.line, o->idv.col,
                           "property '%s' of feature %zu is %s; a place id "
                           "must be a string or a number",
                           p->opts->id_prop, p->feature,
                           r == 0 ? "null" : "an object or array");
    } else if (o->id.kind != T_EOF) {
        value_text(p, 0, &o->id, &id, &idn, &st);
        if (st != IG_OK) return st;
    } else {
        snprintf(num, sizeof num, "%zu", p->feature);
        id = num;
        idn = strlen(num);
    }
    if (p->opts->name_prop) {
        if (o->namev.kind == T_EOF)
            return fail_at(p, IG_ERR_NOT_FOUND, o->line, o->col,
                           "feature %zu has no property '%s' for the place "
                           "name (its properties: %s)",
                           p->feature, p->opts->name_prop,
                           o->keys[0] ? o->keys : "none");
        int r = value_text(p, 1, &o->namev, &name, &namen, &st);
        if (st != IG_OK) return st;
        if (r < 0)
            return fail_at(p, IG_ERR_PARSE, o->namev.line, o->namev.col,
                           "property '%s' of feature %zu is an object or "
                           "array; a place name must be a string or a "
                           "number",
                           p->opts->name_prop, p->feature);
    } else {
        name = id;
        namen = idn;
    }
    if (ig__bnd_feature_end(p->b, p->feature, id, idn, name, namen) != IG_OK)
        return fail_at(p, IG_ERR_NOMEM, 0, 0, "out of memory");
    return IG_OK;
}

static void warn_skipped(parser *p, const gobj *o)
{
    p->n_skipped++;
    if (p->n_skipped > IG__BND_WARN_MAX) return;
    char t[48] = "";
    if (o->geom == G_OTHER) type_text(&o->geom_type, t, sizeof t);
    ig__log(p->ctx, IG_LOG_WARN,
            "%s:%ld:%ld: feature %zu %s%s; only Polygon and MultiPolygon "
            "features become places: skipped",
            p->name, o->line, o->col, p->feature,
            o->geom == G_OTHER ? "is a " : "has no geometry", t);
}

static ig_status parse_obj(parser *p, int level, gobj *o)
{
    ig_status st;
    memset(o, 0, sizeof *o);
    o->type.kind = o->id.kind = o->idv.kind = o->namev.kind = T_EOF;
    o->line = p->t.line;
    o->col = p->t.col;
    if (p->t.kind != T_LBRACE)
        return unexpected(p, level == LV_TOP ? "a JSON object ('{'): GeoJSON "
                                               "is an object"
                                             : "an object");
    if ((st = advance(p)) != IG_OK) return st;
    int more = p->t.kind != T_RBRACE;
    if (!more && (st = advance(p)) != IG_OK) return st;
    while (more) {
        tok key;
        if ((st = member_name(p, &key)) != IG_OK) return st;
        tok cur = p->t;
        p->t = key;
        int k_type = tok_is(p, "type"), k_features = tok_is(p, "features"),
            k_geometry = tok_is(p, "geometry"),
            k_coords = tok_is(p, "coordinates"),
            k_props = tok_is(p, "properties"), k_id = tok_is(p, "id"),
            k_crs = tok_is(p, "crs");
        p->t = cur;
        if (k_type) {
            if (p->t.kind != T_STRING)
                return unexpected(p, "a string for \"type\"");
            if (o->type.kind != T_EOF)
                return fail_at(p, IG_ERR_PARSE, key.line, key.col,
                               "an object has two \"type\" members");
            o->type = span_of(&p->t);
            if ((st = advance(p)) != IG_OK) return st;
        } else if (k_features && level == LV_TOP) {
            if (o->seen_geometry || o->seen_coords || o->seen_features)
                return fail_at(p, IG_ERR_PARSE, key.line, key.col,
                               "\"features\" next to a geometry or twice in "
                               "one object");
            o->seen_features = 1;
            if (p->t.kind != T_LBRACK)
                return unexpected(p, "an array for \"features\"");
            if ((st = advance(p)) != IG_OK) return st;
            int fm = p->t.kind != T_RBRACK;
            if (!fm && (st = advance(p)) != IG_OK) return st;
            p->feature = 0;
            while (fm) {
                gobj f;
                p->feature++;
                if ((st = parse_obj(p, LV_FEATURE, &f)) != IG_OK) return st;
                if ((st = element_next(p, &fm)) != IG_OK) return st;
            }
        } else if (k_geometry && level != LV_GEOMETRY) {
            if (o->seen_geometry || o->seen_features || o->seen_coords)
                return fail_at(p, IG_ERR_PARSE, key.line, key.col,
                               "\"geometry\" next to features, coordinates or "
                               "another geometry in one object");
            o->seen_geometry = 1;
            if (p->t.kind == T_NULL) {
                if ((st = advance(p)) != IG_OK) return st;
            } else {
                gobj g;
                if ((st = parse_obj(p, LV_GEOMETRY, &g)) != IG_OK) return st;
                o->geom = g.geom;
                o->geom_type = g.geom_type;
            }
        } else if (k_coords && level != LV_FEATURE) {
            if (o->seen_coords || o->seen_features || o->seen_geometry)
                return fail_at(p, IG_ERR_PARSE, key.line, key.col,
                               "\"coordinates\" next to features, a geometry "
                               "or twice in one object");
            o->seen_coords = 1;
            span t = o->type;
            if (t.kind == T_EOF && (st = type_ahead(p, &t)) != IG_OK) return st;
            int poly = span_is(p, &t, "Polygon"),
                multi = span_is(p, &t, "MultiPolygon");
            if (poly || multi) {
                if ((st = parse_coordinates(p, multi)) != IG_OK) return st;
            } else if ((st = skip_value(p)) != IG_OK) {
                return st;
            }
        } else if (k_props && level != LV_GEOMETRY) {
            if ((st = parse_properties(p, o)) != IG_OK) return st;
        } else if (k_id && level != LV_GEOMETRY) {
            if (p->t.kind != T_STRING && p->t.kind != T_NUMBER)
                return unexpected(p, "a string or a number for \"id\"");
            o->id = span_of(&p->t);
            if ((st = advance(p)) != IG_OK) return st;
        } else if (k_crs && level == LV_TOP) {
            if ((st = parse_crs(p)) != IG_OK) return st;
        } else {
            if (k_crs) p->nested_crs++;
            if ((st = skip_value(p)) != IG_OK) return st;
        }
        if ((st = member_next(p, &more)) != IG_OK) return st;
    }

    char t[48];
    if (o->type.kind == T_EOF)
        return fail_at(p, IG_ERR_PARSE, o->line, o->col,
                       "this GeoJSON object has no \"type\" member");
    type_text(&o->type, t, sizeof t);
    if (o->seen_features && !span_is(p, &o->type, "FeatureCollection"))
        return fail_at(p, IG_ERR_PARSE, o->line, o->col,
                       "\"features\" in an object of type '%s': only a "
                       "FeatureCollection has features",
                       t);
    int is_geom = is_geometry_type(p, &o->type);
    if (level == LV_GEOMETRY || (level == LV_TOP && is_geom)) {
        if (!is_geom)
            return fail_at(p, IG_ERR_PARSE, o->line, o->col,
                           "unknown geometry type '%s' (GeoJSON has Point, "
                           "LineString, Polygon, their Multi- forms and "
                           "GeometryCollection)",
                           t);
        int polygonal = span_is(p, &o->type, "Polygon") ||
                        span_is(p, &o->type, "MultiPolygon");
        if (polygonal && !o->seen_coords)
            return fail_at(p, IG_ERR_PARSE, o->line, o->col,
                           "a %s without \"coordinates\"", t);
        o->geom = polygonal ? G_POLY : G_OTHER;
        o->geom_type = o->type;
        if (level == LV_TOP) {
            if (o->geom == G_POLY) return commit_feature(p, o);
            warn_skipped(p, o);
        }
        return IG_OK;
    }
    if (level == LV_FEATURE || span_is(p, &o->type, "Feature")) {
        if (!span_is(p, &o->type, "Feature"))
            return fail_at(p, IG_ERR_PARSE, o->line, o->col,
                           "expected a Feature in \"features\", found an "
                           "object of type '%s'",
                           t);
        if (o->geom == G_POLY) return commit_feature(p, o);
        warn_skipped(p, o);
        return IG_OK;
    }
    if (!span_is(p, &o->type, "FeatureCollection"))
        return fail_at(p, IG_ERR_PARSE, o->line, o->col,
                       "unknown GeoJSON type '%s' (expected "
                       "FeatureCollection, Feature or a geometry)",
                       t);
    if (!o->seen_features)
        return fail_at(p, IG_ERR_PARSE, o->line, o->col,
                       "a FeatureCollection without \"features\"");
    return IG_OK;
}

/* ---- entry -------------------------------------------------------------- */

static ig_status set_crs(parser *p)
{
    const char *src = p->opts->src_crs ? p->opts->src_crs
                      : p->have_crs    ? p->crs
                                       : NULL;
    return ig__bnd_source_crs_text(p->b, src);
}

ig_status ig__geojson_read(ig_boundaries *b, const char *buf, size_t len,
                           const ig_boundaries_opts *opts, ig_error *err)
{
    parser p;
    memset(&p, 0, sizeof p);
    p.b = b;
    p.opts = opts;
    p.err = err;
    p.ctx = b->ctx;
    p.name = b->source;
    const struct lconv *lc = localeconv();
    p.libc_dp = (lc && lc->decimal_point && lc->decimal_point[0])
                    ? lc->decimal_point[0]
                    : '.';
    p.lx.p = buf;
    p.lx.end = buf + len;
    p.lx.line = 1;
    p.lx.line_start = buf;
    if (len >= 3 && (unsigned char)buf[0] == 0xEF &&
        (unsigned char)buf[1] == 0xBB && (unsigned char)buf[2] == 0xBF) {
        p.lx.p += 3;
        p.lx.line_start += 3;
    }
    p.feature = 1; /* a lone Feature or geometry; a collection counts */
    ig_status st = advance(&p);
    gobj top;
    if (st == IG_OK) st = parse_obj(&p, LV_TOP, &top);
    if (st == IG_OK && p.t.kind != T_EOF) {
        char what[64];
        describe(&p.t, what, sizeof what);
        st = fail_at(&p, IG_ERR_PARSE, p.t.line, p.t.col,
                     "invalid JSON: %s after the end of the GeoJSON object",
                     what);
    }
    if (st == IG_OK && p.n_skipped > IG__BND_WARN_MAX)
        ig__log(p.ctx, IG_LOG_WARN,
                "%s: %zu features in all were skipped (not Polygon or "
                "MultiPolygon, or no geometry)",
                p.name, p.n_skipped);
    if (st == IG_OK && p.nested_crs)
        ig__log(p.ctx, IG_LOG_WARN,
                "%s: %d crs members inside features or geometries were "
                "ignored; the file's top-level crs (or lon/lat) applies",
                p.name, p.nested_crs);
    if (st == IG_OK) {
        st = set_crs(&p);
        if (st != IG_OK) st = fail_at(&p, st, 0, 0, "out of memory");
    }
    if (p.oom && st != IG_ERR_NOMEM)
        st = fail_at(&p, IG_ERR_NOMEM, 0, 0, "out of memory");
    ig__free(p.ctx, p.buf[0], p.cap[0]);
    ig__free(p.ctx, p.buf[1], p.cap[1]);
    return st;
}
