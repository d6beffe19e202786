/* Group expressions: "COL" or "NAME=TERM(+TERM)*" with TERM one of COL,
 * COL%TOTAL (a percentage of a total column) or COL*TOTAL (a fraction of
 * it). The parser works on the caller's string and reports 1-based
 * character positions, so the CLI can point at the offending character
 * before any file is opened. Column names are trimmed of blanks and may
 * hold any character except = + % * and the comma. */
#include <string.h>

#include "io/io_internal.h"

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static int is_op(char c)
{
    return c == '=' || c == '+' || c == '%' || c == '*' || c == ',';
}

/* Trim [*a, *b) of blanks. */
static void trim(const char *s, size_t *a, size_t *b)
{
    while (*a < *b && is_blank(s[*a])) (*a)++;
    while (*b > *a && is_blank(s[*b - 1])) (*b)--;
}

/* Check that s[a..b) is a usable column name. */
static ig_status check_name(const char *s, size_t a, size_t b, const char *what,
                            ig_error *err)
{
    size_t a0 = a;
    trim(s, &a, &b);
    if (a == b)
        return ig__error_set(err, IG_ERR_PARSE, 0, (long)a0 + 1,
                             "group expression '%s': empty %s at column %ld; "
                             "write COL, NAME=COL+COL, COL%%TOTAL or "
                             "COL*TOTAL",
                             s, what, (long)a0 + 1);
    for (size_t i = a; i < b; i++) {
        if (is_op(s[i]))
            return ig__error_set(err, IG_ERR_PARSE, 0, (long)i + 1,
                                 "group expression '%s': unexpected '%c' at "
                                 "column %ld; write COL, NAME=COL+COL, "
                                 "COL%%TOTAL or COL*TOTAL (one group per "
                                 "entry)",
                                 s, s[i], (long)i + 1);
    }
    return IG_OK;
}

void ig__gexpr_free(ig_ctx *ctx, ig__gexpr *e)
{
    if (!e) return;
    for (size_t t = 0; t < e->n_terms; t++) {
        ig__free(ctx, e->terms[t].col, 0);
        ig__free(ctx, e->terms[t].tot, 0);
    }
    ig__free(ctx, e->terms, 0);
    ig__free(ctx, e->name, 0);
    memset(e, 0, sizeof *e);
}

static char *dup_trim(ig_ctx *ctx, const char *s, size_t a, size_t b)
{
    trim(s, &a, &b);
    return ig__strndup(ctx, s + a, b - a);
}

/* Parse one term s[a..b). */
static ig_status parse_term(ig_ctx *ctx, const char *s, size_t a, size_t b,
                            ig__gterm *t, ig_error *err)
{
    size_t opos = b;
    for (size_t i = a; i < b; i++) {
        if (s[i] == '%' || s[i] == '*') {
            opos = i;
            break;
        }
    }
    ig_status st;
    if (opos == b) {
        st = check_name(s, a, b, "column name", err);
        if (st != IG_OK) return st;
        t->op = IG__TERM_PLAIN;
    } else {
        st = check_name(s, a, opos, "column name", err);
        if (st != IG_OK) return st;
        st = check_name(s, opos + 1, b, "total column", err);
        if (st != IG_OK) return st;
        t->op = s[opos] == '%' ? IG__TERM_PCT : IG__TERM_FRAC;
    }
    size_t ca = a, cb = opos;
    trim(s, &ca, &cb);
    t->col_pos = (long)ca + 1;
    t->col = ig__strndup(ctx, s + ca, cb - ca);
    if (!t->col) return IG_ERR_NOMEM;
    if (opos != b) {
        size_t ta = opos + 1, tb = b;
        trim(s, &ta, &tb);
        t->tot_pos = (long)ta + 1;
        t->tot = ig__strndup(ctx, s + ta, tb - ta);
        if (!t->tot) return IG_ERR_NOMEM;
    }
    return IG_OK;
}

ig_status ig__gexpr_parse(ig_ctx *ctx, const char *expr, ig__gexpr *out,
                          ig_error *err)
{
    memset(out, 0, sizeof *out);
    if (!expr)
        return ig__error_set(err, IG_ERR_PARSE, 0, 0, "empty group expression");
    size_t n = strlen(expr);
    const char *eq = memchr(expr, '=', n);
    size_t rhs = 0;
    ig_status st;
    if (eq) {
        size_t e = (size_t)(eq - expr);
        st = check_name(expr, 0, e, "group name", err);
        if (st != IG_OK) return st;
        out->name = dup_trim(ctx, expr, 0, e);
        if (!out->name) return IG_ERR_NOMEM;
        out->named = 1;
        rhs = e + 1;
    }
    /* Count terms to size the array once. */
    size_t n_terms = 1;
    for (size_t i = rhs; i < n; i++)
        if (expr[i] == '+') n_terms++;
    if (!eq && n_terms > 1) {
        ig__gexpr_free(ctx, out);
        const char *plus = strchr(expr, '+');
        return ig__error_set(err, IG_ERR_PARSE, 0, (long)(plus - expr) + 1,
                             "group expression '%s' adds columns but has no "
                             "name; write NAME=%s",
                             expr, expr);
    }
    out->terms = ig__calloc(ctx, n_terms, sizeof *out->terms);
    if (!out->terms) {
        ig__gexpr_free(ctx, out);
        return IG_ERR_NOMEM;
    }
    size_t a = rhs;
    for (size_t t = 0; t < n_terms; t++) {
        size_t b = a;
        while (b < n && expr[b] != '+') b++;
        out->n_terms = t + 1;
        st = parse_term(ctx, expr, a, b, &out->terms[t], err);
        if (st != IG_OK) {
            ig__gexpr_free(ctx, out);
            return st;
        }
        a = b + 1;
    }
    if (!eq) {
        if (out->terms[0].op != IG__TERM_PLAIN) {
            long pos = out->terms[0].tot_pos;
            ig__gexpr_free(ctx, out);
            return ig__error_set(err, IG_ERR_PARSE, 0, pos,
                                 "group expression '%s' computes a value but "
                                 "has no name; write NAME=%s",
                                 expr, expr);
        }
        out->name = ig__strdup(ctx, out->terms[0].col);
        if (!out->name) {
            ig__gexpr_free(ctx, out);
            return IG_ERR_NOMEM;
        }
    }
    return IG_OK;
}

ig_status ig_group_expr_check(const char *expr, ig_error *err)
{
    ig__gexpr e;
    ig_status st = ig__gexpr_parse(NULL, expr, &e, err);
    if (st == IG_OK) ig__gexpr_free(NULL, &e);
    return st;
}
