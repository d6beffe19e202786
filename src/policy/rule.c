/* Rule expressions of policy frameworks: applicability rules
 * ("population >= 5000 and competence in (own, shared)") and
 * recommendation conditions ("area.P10 < 50 or indicator.P10.2 == 0").
 * A recursive-descent parser evaluates while it parses, in Kleene
 * three-valued logic: a comparison with a variable that has no value is
 * unknown, and "false and unknown" is false. Nothing is allocated; the
 * nesting depth is capped so hostile input cannot exhaust the stack.
 * Grammar and semantics: docs/policy/rules.md. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy_impl.h"

#define MAX_DEPTH 64
#define MAX_RULE 4096

enum { V_BOOL, V_NUM, V_STR, V_NONE };

typedef struct val {
    int type;
    int b;      /* V_BOOL: IG__RULE_* */
    double num; /* V_NUM */
    const char *str; /* V_STR: not NUL-terminated when from the rule */
    size_t len;
} val;

typedef struct parser {
    const char *s;
    size_t i, n;
    ig__rule_var_fn var;
    void *ud;
    ig_error *err;
    ig_status st;
    int depth;
} parser;

static int fail(parser *p, size_t at, const char *what)
{
    if (p->st == IG_OK)
        p->st = ig__error_set(p->err, IG_ERR_PARSE, 0, (long)at + 1,
                              "rule: %s at column %zu of \"%.200s\"", what,
                              at + 1, p->s);
    return 0;
}

static void ws(parser *p)
{
    while (p->i < p->n && isspace((unsigned char)p->s[p->i])) p->i++;
}

static int name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '-';
}

/* The keyword kw at the cursor, as a whole word. */
static int kw(parser *p, const char *k)
{
    ws(p);
    size_t n = strlen(k);
    if (p->n - p->i < n || strncmp(p->s + p->i, k, n) != 0) return 0;
    if (p->i + n < p->n && name_char(p->s[p->i + n])) return 0;
    p->i += n;
    return 1;
}

static int punct(parser *p, const char *t)
{
    ws(p);
    size_t n = strlen(t);
    if (p->n - p->i < n || strncmp(p->s + p->i, t, n) != 0) return 0;
    p->i += n;
    return 1;
}

static int parse_or(parser *p, val *out);

static int is_keyword(const char *s, size_t n)
{
    static const char *const kws[] = {"and", "or", "not", "in", "true",
                                      "false"};
    for (size_t k = 0; k < sizeof kws / sizeof *kws; k++)
        if (strlen(kws[k]) == n && strncmp(s, kws[k], n) == 0) return 1;
    return 0;
}

/* A string literal: '...' or "..." (no escapes). */
static int parse_string(parser *p, val *out)
{
    char q = p->s[p->i];
    size_t start = p->i++;
    while (p->i < p->n && p->s[p->i] != q) p->i++;
    if (p->i >= p->n) return fail(p, start, "unterminated string; close it "
                                            "with the same quote");
    out->type = V_STR;
    out->str = p->s + start + 1;
    out->len = p->i - start - 1;
    p->i++;
    return 1;
}

static int parse_number(parser *p, val *out)
{
    char buf[64];
    size_t start = p->i, k = 0;
    while (p->i < p->n && k < sizeof buf - 1 &&
           (isdigit((unsigned char)p->s[p->i]) || p->s[p->i] == '.' ||
            p->s[p->i] == 'e' || p->s[p->i] == 'E' ||
            ((p->s[p->i] == '-' || p->s[p->i] == '+') && k > 0 &&
             (buf[k - 1] == 'e' || buf[k - 1] == 'E'))))
        buf[k++] = p->s[p->i++];
    buf[k] = '\0';
    char *end;
    double v = strtod(buf, &end);
    if (k == 0 || *end || !isfinite(v))
        return fail(p, start, "malformed number");
    /* "5000x" is not a number followed by a name */
    if (p->i < p->n && name_char(p->s[p->i]))
        return fail(p, p->i, "unexpected character after a number");
    out->type = V_NUM;
    out->num = v;
    return 1;
}

static int parse_primary(parser *p, val *out)
{
    ws(p);
    if (p->i >= p->n) return fail(p, p->i, "expected a value, a name or '('");
    char c = p->s[p->i];
    if (c == '(') {
        size_t at = p->i++;
        if (++p->depth > MAX_DEPTH) return fail(p, at, "nested too deeply");
        if (!parse_or(p, out)) return 0;
        p->depth--;
        if (!punct(p, ")")) return fail(p, p->i, "expected ')'");
        return 1;
    }
    if (c == '\'' || c == '"') return parse_string(p, out);
    if (isdigit((unsigned char)c) || c == '.' ||
        (c == '-' && p->i + 1 < p->n &&
         (isdigit((unsigned char)p->s[p->i + 1]) || p->s[p->i + 1] == '.')))
        return parse_number(p, out);
    if (isalpha((unsigned char)c) || c == '_') {
        size_t start = p->i;
        while (p->i < p->n && name_char(p->s[p->i])) p->i++;
        size_t n = p->i - start;
        if (n == 4 && strncmp(p->s + start, "true", 4) == 0) {
            out->type = V_BOOL;
            out->b = IG__RULE_TRUE;
            return 1;
        }
        if (n == 5 && strncmp(p->s + start, "false", 5) == 0) {
            out->type = V_BOOL;
            out->b = IG__RULE_FALSE;
            return 1;
        }
        if (is_keyword(p->s + start, n))
            return fail(p, start, "expected a value, found a keyword");
        out->type = V_NONE;
        if (p->var) {
            double num = NAN;
            const char *str = NULL;
            int r = p->var(p->ud, p->s + start, n, &num, &str);
            if (r < 0)
                return fail(p, start,
                            "unknown variable (known: population, "
                            "foreign_share, competence, context.NAME, "
                            "area.ID, block.ID, indicator.ID, overall; quote "
                            "text values: 'own')");
            if (r > 0 && str) {
                out->type = V_STR;
                out->str = str;
                out->len = strlen(str);
            } else if (r > 0 && isfinite(num)) {
                out->type = V_NUM;
                out->num = num;
            }
        }
        return 1;
    }
    return fail(p, p->i, "unexpected character");
}

static int cmp_vals(const val *a, const val *b, const char *op)
{
    if (a->type == V_NONE || b->type == V_NONE) return IG__RULE_UNKNOWN;
    int c;
    if (a->type == V_NUM && b->type == V_NUM) {
        c = a->num < b->num ? -1 : a->num > b->num;
    } else if (a->type == V_STR && b->type == V_STR) {
        size_t n = a->len < b->len ? a->len : b->len;
        c = strncmp(a->str, b->str, n);
        if (c == 0) c = a->len < b->len ? -1 : a->len > b->len;
    } else if (a->type == V_BOOL && b->type == V_BOOL) {
        if (a->b == IG__RULE_UNKNOWN || b->b == IG__RULE_UNKNOWN)
            return IG__RULE_UNKNOWN;
        c = a->b - b->b;
    } else {
        return IG__RULE_UNKNOWN; /* a number against text: no answer */
    }
    if (!strcmp(op, "==")) return c == 0;
    if (!strcmp(op, "!=")) return c != 0;
    if (!strcmp(op, "<")) return c < 0;
    if (!strcmp(op, "<=")) return c <= 0;
    if (!strcmp(op, ">")) return c > 0;
    return c >= 0;
}

static int parse_cmp(parser *p, val *out)
{
    size_t at;
    ws(p);
    at = p->i;
    val a;
    if (!parse_primary(p, &a)) return 0;
    static const char *const ops[] = {"==", "!=", "<=", ">=", "<", ">"};
    for (size_t k = 0; k < sizeof ops / sizeof *ops; k++) {
        if (punct(p, ops[k])) {
            val b;
            if (!parse_primary(p, &b)) return 0;
            if (a.type == V_BOOL || b.type == V_BOOL) {
                if (strcmp(ops[k], "==") && strcmp(ops[k], "!="))
                    return fail(p, at, "only == and != compare true/false");
            }
            out->type = V_BOOL;
            out->b = cmp_vals(&a, &b, ops[k]);
            return 1;
        }
    }
    if (punct(p, "=")) return fail(p, p->i - 1, "use == to compare");
    if (kw(p, "in")) {
        if (!punct(p, "(")) return fail(p, p->i, "expected '(' after in");
        int any = IG__RULE_FALSE;
        for (;;) {
            ws(p);
            val b;
            size_t start = p->i;
            if (p->i < p->n && (isalpha((unsigned char)p->s[p->i]) ||
                                p->s[p->i] == '_')) {
                /* bare words in a list are text */
                while (p->i < p->n && name_char(p->s[p->i])) p->i++;
                b.type = V_STR;
                b.str = p->s + start;
                b.len = p->i - start;
            } else if (p->i < p->n &&
                       (p->s[p->i] == '\'' || p->s[p->i] == '"')) {
                if (!parse_string(p, &b)) return 0;
            } else if (p->i < p->n) {
                if (!parse_number(p, &b)) return 0;
            } else {
                return fail(p, p->i, "expected a list item");
            }
            int r = cmp_vals(&a, &b, "==");
            if (r == IG__RULE_TRUE) any = IG__RULE_TRUE;
            else if (r == IG__RULE_UNKNOWN && any == IG__RULE_FALSE)
                any = IG__RULE_UNKNOWN;
            if (punct(p, ",")) continue;
            if (punct(p, ")")) break;
            return fail(p, p->i, "expected ',' or ')' in the list");
        }
        out->type = V_BOOL;
        out->b = any;
        return 1;
    }
    if (a.type != V_BOOL)
        return fail(p, at, "a value alone is not a condition; compare it "
                           "(e.g. population >= 5000)");
    *out = a;
    return 1;
}

static int parse_not(parser *p, val *out)
{
    if (kw(p, "not")) {
        size_t at = p->i;
        if (++p->depth > MAX_DEPTH) return fail(p, at, "nested too deeply");
        if (!parse_not(p, out)) return 0;
        p->depth--;
        if (out->b != IG__RULE_UNKNOWN) out->b = !out->b;
        return 1;
    }
    return parse_cmp(p, out);
}

static int parse_and(parser *p, val *out)
{
    if (!parse_not(p, out)) return 0;
    while (kw(p, "and")) {
        val b;
        if (!parse_not(p, &b)) return 0;
        if (out->b == IG__RULE_FALSE || b.b == IG__RULE_FALSE)
            out->b = IG__RULE_FALSE;
        else if (out->b == IG__RULE_UNKNOWN || b.b == IG__RULE_UNKNOWN)
            out->b = IG__RULE_UNKNOWN;
    }
    return 1;
}

static int parse_or(parser *p, val *out)
{
    if (!parse_and(p, out)) return 0;
    while (kw(p, "or")) {
        val b;
        if (!parse_and(p, &b)) return 0;
        if (out->b == IG__RULE_TRUE || b.b == IG__RULE_TRUE)
            out->b = IG__RULE_TRUE;
        else if (out->b == IG__RULE_UNKNOWN || b.b == IG__RULE_UNKNOWN)
            out->b = IG__RULE_UNKNOWN;
    }
    return 1;
}

ig_status ig__rule_eval(const char *rule, ig__rule_var_fn var, void *ud,
                        int *result, ig_error *err)
{
    if (!rule) return ig__error_set(err, IG_ERR_DOMAIN, 0, 0, "no rule");
    size_t n = strlen(rule);
    if (n > MAX_RULE)
        return ig__error_set(err, IG_ERR_PARSE, 0, 0,
                             "rule longer than %d bytes", MAX_RULE);
    parser p = {rule, 0, n, var, ud, err, IG_OK, 0};
    val v = {0};
    ws(&p);
    if (p.i >= p.n) {
        fail(&p, 0, "empty rule; leave the key out instead");
        return p.st;
    }
    if (!parse_or(&p, &v)) return p.st;
    ws(&p);
    if (p.i < p.n) {
        fail(&p, p.i, "unexpected text after the end of the rule");
        return p.st;
    }
    if (result) *result = v.b;
    return IG_OK;
}

ig_status ig_policy_rule_check(const char *rule, ig_error *err)
{
    return ig__rule_eval(rule, NULL, NULL, NULL, err);
}
