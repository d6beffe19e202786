/* Assessments: a municipality's answers to one framework version, read
 * from JSON or from the template's CSV (for spreadsheet users), checked
 * against the framework, and written as fill-in templates. Parsing only
 * checks the structure and keeps where each answer was given; the check
 * against the framework (ig_policy_assessment_check) then reports unknown
 * indicators and options at that position, naming the valid ones. Keys
 * starting with '_' are notes for people (the template's questions) and
 * are ignored; any other unknown key or column is an error, so nothing a
 * user wrote is silently dropped. Format: docs/policy/assessments.md. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy_impl.h"

#define TRY(x)                        \
    do {                              \
        ig_status st_ = (x);          \
        if (st_ != IG_OK) return st_; \
    } while (0)

static ig_status nomem(ig_error *err)
{
    return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
}

static ig_policy_assessment *new_assessment(ig_ctx *ctx, const char *name)
{
    ig_policy_assessment *a = ig__calloc(ctx, 1, sizeof *a);
    if (!a) return NULL;
    ig__arena_init(&a->arena, ctx);
    a->info.framework = a->info.framework_version = a->info.place_id = "";
    a->info.place_name = a->info.country = a->info.settlement = "";
    a->info.population = a->info.foreign_share = NAN;
    if (name) snprintf(a->file, sizeof a->file, "%s", name);
    return a;
}

void ig_policy_assessment_destroy(ig_policy_assessment *a)
{
    if (!a) return;
    ig_ctx *ctx = a->arena.ctx;
    ig__free(ctx, a->outcomes, a->cap_outcomes * sizeof *a->outcomes);
    ig__arena_free(&a->arena);
    ig__free(ctx, a, sizeof *a);
}

static void blank_answer(ig_policy_answer *r)
{
    r->indicator = r->option = r->text = r->confidence = r->notes = "";
    r->value = NAN;
    r->competence = IG_POLICY_COMP_UNSET;
    r->n_evidence = 0;
    r->evidence = NULL;
}

static int parse_competence(const char *s, ig_policy_competence *out)
{
    static const char *const names[] = {"", "own", "shared", "none"};
    for (int k = 0; k < 4; k++)
        if (!strcmp(s, names[k])) {
            *out = (ig_policy_competence)k;
            return 1;
        }
    return 0;
}

static int valid_confidence(const char *s)
{
    return !*s || !strcmp(s, "low") || !strcmp(s, "medium") ||
           !strcmp(s, "high");
}

/* ---- JSON -------------------------------------------------------------- */

typedef struct ap {
    ig__jdoc d;
    ig_error *err;
    ig_policy_assessment *a;
} ap;

static ig_status jstr(ap *p, const json_t *obj, const char *key,
                      const char *what, const char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = "";
    if (!v || json_is_null(v)) return IG_OK;
    if (!json_is_string(v))
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, ig__jdoc_member(obj, key), 0,
                              "\"%s\" of %s must be a string", key, what);
    *out = ig__arena_strdup(&p->a->arena, json_string_value(v));
    return *out ? IG_OK : nomem(p->err);
}

static ig_status jnum(ap *p, const json_t *obj, const char *key,
                      const char *what, double *out)
{
    json_t *v = json_object_get(obj, key);
    *out = NAN;
    if (!v || json_is_null(v)) return IG_OK;
    if (!json_is_number(v))
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, ig__jdoc_member(obj, key), 0,
                              "\"%s\" of %s must be a number (or null)", key,
                              what);
    *out = json_number_value(v);
    return IG_OK;
}

static ig_status jkeys(ap *p, const json_t *obj, const char *const *known,
                       const char *what)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)(uintptr_t)obj, key, v) {
        if (key[0] == '_') continue;
        size_t k;
        for (k = 0; known[k]; k++)
            if (!strcmp(key, known[k])) break;
        if (known[k]) continue;
        char list[300] = "";
        size_t len = 0;
        for (size_t j = 0; known[j] && len < sizeof list - 40; j++)
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
                                    j ? ", " : "", known[j]);
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, key, 0,
                              "unknown key \"%s\" in %s; known keys: %s (keys "
                              "starting with '_' are notes and ignored)",
                              key, what, list);
    }
    return IG_OK;
}

static ig_status jobject(ap *p, const json_t *v, const char *what)
{
    if (json_is_object(v)) return IG_OK;
    return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, v, 0,
                          "%s must be an object {...}", what);
}

static const char *const k_top[] = {
    "integrid_assessment", "framework", "framework_version", "place",
    "shareable", "context", "answers", "reference_year", "status",
    "created_by", NULL};
static const char *const k_place[] = {"id", "name", "country", "population",
                                      "foreign_share", "settlement", NULL};
static const char *const k_ans[] = {"option", "value", "text", "competence",
                                    "confidence", "notes", "evidence", NULL};
static const char *const k_ev[] = {"type", "title", "issuer", "date",
                                   "url", "quote", NULL};

static ig_status parse_answer(ap *p, const char *id, const json_t *v,
                              ig_policy_answer *r)
{
    char what[200];
    snprintf(what, sizeof what, "the answer to %s", id);
    blank_answer(r);
    r->indicator = ig__arena_strdup(&p->a->arena, id);
    if (!r->indicator) return nomem(p->err);
    ig__jdoc_where(&p->d, v, 1, &r->line, &r->column);
    TRY(jobject(p, v, what));
    TRY(jkeys(p, v, k_ans, what));
    json_t *opt = json_object_get(v, "option");
    if (opt && json_is_number(opt)) {
        /* "option": 50 is a common slip for a numeric answer */
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, opt, 0,
                              "\"option\" of %s must be an option code "
                              "string; put numbers in \"value\"",
                              what);
    }
    TRY(jstr(p, v, "option", what, &r->option));
    TRY(jnum(p, v, "value", what, &r->value));
    TRY(jstr(p, v, "text", what, &r->text));
    const char *comp;
    TRY(jstr(p, v, "competence", what, &comp));
    if (!parse_competence(comp, &r->competence))
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE,
                              json_object_get(v, "competence"), 0,
                              "competence \"%s\" in %s must be own, shared or "
                              "none",
                              comp, what);
    TRY(jstr(p, v, "confidence", what, &r->confidence));
    if (!valid_confidence(r->confidence))
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE,
                              json_object_get(v, "confidence"), 0,
                              "confidence \"%s\" in %s must be low, medium or "
                              "high",
                              r->confidence, what);
    TRY(jstr(p, v, "notes", what, &r->notes));
    json_t *ev = json_object_get(v, "evidence");
    if (ev && !json_is_null(ev)) {
        if (!json_is_array(ev))
            return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, ev, 0,
                                  "\"evidence\" of %s must be a list", what);
        size_t n = json_array_size(ev);
        ig_policy_evidence *e = ig__arena_alloc(&p->a->arena, n * sizeof *e);
        if (!e) return nomem(p->err);
        for (size_t k = 0; k < n; k++) {
            const json_t *x = json_array_get(ev, k);
            char w2[240];
            snprintf(w2, sizeof w2, "evidence %zu of %s", k + 1, what);
            TRY(jobject(p, x, w2));
            TRY(jkeys(p, x, k_ev, w2));
            TRY(jstr(p, x, "type", w2, &e[k].type));
            TRY(jstr(p, x, "title", w2, &e[k].title));
            TRY(jstr(p, x, "issuer", w2, &e[k].issuer));
            TRY(jstr(p, x, "date", w2, &e[k].date));
            TRY(jstr(p, x, "url", w2, &e[k].url));
            TRY(jstr(p, x, "quote", w2, &e[k].quote));
        }
        r->evidence = e;
        r->n_evidence = n;
    }
    return IG_OK;
}

static ig_status parse_json(ap *p)
{
    const json_t *root = p->d.root;
    ig_policy_assessment *a = p->a;
    if (json_object_get(root, "integrid_framework"))
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE,
                              ig__jdoc_member(root, "integrid_framework"), 0,
                              "this is a framework, not an assessment; make "
                              "a fill-in file with `integrid policy template "
                              "--framework FILE`");
    json_t *fv = json_object_get(root, "integrid_assessment");
    if (!fv || !json_is_integer(fv) || json_integer_value(fv) != 1)
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE,
                              fv ? ig__jdoc_member(root, "integrid_assessment")
                                 : (const void *)root,
                              0,
                              "not an integrid assessment: the file needs "
                              "\"integrid_assessment\": 1 (make one with "
                              "`integrid policy template`)");
    TRY(jkeys(p, root, k_top, "the assessment"));
    TRY(jstr(p, root, "framework", "the assessment", &a->info.framework));
    TRY(jstr(p, root, "framework_version", "the assessment",
             &a->info.framework_version));
    if (!*a->info.framework)
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, root, 0,
                              "the assessment names no \"framework\"");
    json_t *pl = json_object_get(root, "place");
    if (pl) {
        TRY(jobject(p, pl, "\"place\""));
        TRY(jkeys(p, pl, k_place, "\"place\""));
        TRY(jstr(p, pl, "id", "the place", &a->info.place_id));
        TRY(jstr(p, pl, "name", "the place", &a->info.place_name));
        TRY(jstr(p, pl, "country", "the place", &a->info.country));
        TRY(jstr(p, pl, "settlement", "the place", &a->info.settlement));
        TRY(jnum(p, pl, "population", "the place", &a->info.population));
        TRY(jnum(p, pl, "foreign_share", "the place", &a->info.foreign_share));
        if (isfinite(a->info.population) && a->info.population < 0)
            return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE,
                                  json_object_get(pl, "population"), 0,
                                  "population must be >= 0");
        if (isfinite(a->info.foreign_share) &&
            (a->info.foreign_share < 0 || a->info.foreign_share > 1))
            return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE,
                                  json_object_get(pl, "foreign_share"), 0,
                                  "foreign_share is a share in 0..1 (e.g. "
                                  "0.12 for 12 %%)");
    }
    json_t *sh = json_object_get(root, "shareable");
    if (sh && !json_is_boolean(sh))
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE,
                              ig__jdoc_member(root, "shareable"), 0,
                              "\"shareable\" must be true or false");
    a->info.shareable = sh && json_is_true(sh);
    json_t *cx = json_object_get(root, "context");
    if (cx) {
        TRY(jobject(p, cx, "\"context\""));
        size_t n = json_object_size(cx);
        a->context = ig__arena_alloc(&a->arena, n * sizeof *a->context);
        if (!a->context) return nomem(p->err);
        const char *key;
        json_t *v;
        json_object_foreach(cx, key, v) {
            if (key[0] == '_') continue;
            if (!json_is_number(v) && !json_is_null(v))
                return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, v, 0,
                                      "context value \"%s\" must be a number "
                                      "(or null)",
                                      key);
            ig__policy_ctxval *c = &a->context[a->n_context++];
            c->name = ig__arena_strdup(&a->arena, key);
            if (!c->name) return nomem(p->err);
            c->value = json_is_number(v) ? json_number_value(v) : (double)NAN;
        }
    }
    json_t *ans = json_object_get(root, "answers");
    if (!ans)
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, root, 0,
                              "the assessment has no \"answers\" object");
    TRY(jobject(p, ans, "\"answers\""));
    size_t n = json_object_size(ans);
    a->answers = ig__arena_alloc(&a->arena, n * sizeof *a->answers);
    if (!a->answers) return nomem(p->err);
    const char *key;
    json_t *v;
    json_object_foreach(ans, key, v) {
        if (key[0] == '_') continue;
        TRY(parse_answer(p, key, v, &a->answers[a->info.n_answers]));
        a->info.n_answers++;
    }
    return IG_OK;
}

/* ---- CSV --------------------------------------------------------------- */

/* The CSV template: a header row, then one row per indicator; rows whose
 * indicator starts with '@' carry the metadata in the answer column. */
enum {
    C_INDICATOR, C_ANSWER, C_COMPETENCE, C_CONFIDENCE, C_NOTES, C_EV_TYPE,
    C_EV_TITLE, C_EV_ISSUER, C_EV_DATE, C_EV_URL, C_EV_QUOTE,
    C_KIND, C_AREA, C_QUESTION, C_CHOICES, C_NCOLS
};
static const char *const csv_cols[C_NCOLS] = {
    "indicator", "answer", "competence", "confidence", "notes",
    "evidence_type", "evidence_title", "evidence_issuer", "evidence_date",
    "evidence_url", "evidence_quote", "kind", "area", "question", "choices"};
/* Template column order (the informational ones first). */
static const int csv_order[C_NCOLS] = {
    C_INDICATOR, C_KIND, C_AREA, C_QUESTION, C_CHOICES, C_ANSWER,
    C_COMPETENCE, C_CONFIDENCE, C_NOTES, C_EV_TYPE, C_EV_TITLE, C_EV_ISSUER,
    C_EV_DATE, C_EV_URL, C_EV_QUOTE};

#define MAX_FIELDS 64

typedef struct csvrow {
    char *f[MAX_FIELDS];
    long col[MAX_FIELDS];
    size_t n;
    long line;
} csvrow;

/* Read one record from *pp (quotes per RFC 4180, CR LF or LF). Field
 * text is copied into the arena. Returns 0 at the end of input, -1 on a
 * syntax error (err set), -2 out of memory, 1 for a record. */
static int csv_next(ig_policy_assessment *a, const char **pp, const char *end,
                    char sep, long *line, csvrow *row, ig__sbuf *tmp,
                    ig_error *err)
{
    const char *p = *pp;
    if (p >= end) return 0;
    row->n = 0;
    row->line = *line;
    long col = 1;
    for (;;) {
        tmp->len = 0;
        if (tmp->p) tmp->p[0] = '\0';
        long fcol = col;
        if (p < end && *p == '"') {
            p++;
            col++;
            for (;;) {
                if (p >= end) {
                    ig__error_set(err, IG_ERR_PARSE, row->line, fcol,
                                  "unterminated quoted field; close it with "
                                  "\"");
                    return -1;
                }
                if (*p == '"') {
                    if (p + 1 < end && p[1] == '"') {
                        ig__sbuf_add(tmp, "\"", 1);
                        p += 2;
                        col += 2;
                        continue;
                    }
                    p++;
                    col++;
                    break;
                }
                if (*p == '\n') {
                    (*line)++;
                    col = 0;
                }
                ig__sbuf_add(tmp, p, 1);
                p++;
                col++;
            }
            if (p < end && *p != sep && *p != '\n' && *p != '\r') {
                ig__error_set(err, IG_ERR_PARSE, *line, col,
                              "text after a closing quote; quote the whole "
                              "field");
                return -1;
            }
        } else {
            while (p < end && *p != sep && *p != '\n' && *p != '\r') {
                ig__sbuf_add(tmp, p, 1);
                p++;
                col++;
            }
        }
        if (tmp->failed) return -2;
        if (row->n == MAX_FIELDS) {
            ig__error_set(err, IG_ERR_PARSE, row->line, fcol,
                          "more than %d fields in a row", MAX_FIELDS);
            return -1;
        }
        row->f[row->n] = ig__arena_strdup(&a->arena, tmp->p ? tmp->p : "");
        if (!row->f[row->n]) return -2;
        row->col[row->n++] = fcol;
        if (p < end && *p == sep) {
            p++;
            col++;
            continue;
        }
        if (p < end && *p == '\r') p++;
        if (p < end && *p == '\n') p++;
        (*line)++;
        break;
    }
    *pp = p;
    return 1;
}

static ig_status set_meta(ig_policy_assessment *a, const char *key,
                          const char *val, long line, long col, ig_error *err)
{
    ig_policy_assessment_info *in = &a->info;
    char *end;
    if (!strcmp(key, "@framework")) in->framework = val;
    else if (!strcmp(key, "@framework_version")) in->framework_version = val;
    else if (!strcmp(key, "@place_id")) in->place_id = val;
    else if (!strcmp(key, "@place_name")) in->place_name = val;
    else if (!strcmp(key, "@country")) in->country = val;
    else if (!strcmp(key, "@settlement")) in->settlement = val;
    else if (!strcmp(key, "@shareable")) {
        if (!strcmp(val, "true") || !strcmp(val, "yes") || !strcmp(val, "1"))
            in->shareable = 1;
        else if (!*val || !strcmp(val, "false") || !strcmp(val, "no") ||
                 !strcmp(val, "0"))
            in->shareable = 0;
        else
            return ig__error_set(err, IG_ERR_PARSE, line, col,
                                 "@shareable must be true or false, not "
                                 "\"%s\"",
                                 val);
    } else if (!strcmp(key, "@population") || !strcmp(key, "@foreign_share") ||
               !strncmp(key, "@context.", 9)) {
        double v = NAN;
        if (*val) {
            v = strtod(val, &end);
            if (*end || !isfinite(v))
                return ig__error_set(err, IG_ERR_PARSE, line, col,
                                     "%s must be a number, not \"%s\"", key,
                                     val);
        }
        if (!strcmp(key, "@population")) in->population = v;
        else if (!strcmp(key, "@foreign_share")) in->foreign_share = v;
        else {
            ig__policy_ctxval *c = &a->context[a->n_context++];
            c->name = key + 9;
            c->value = v;
        }
    } else {
        return ig__error_set(err, IG_ERR_PARSE, line, col,
                             "unknown metadata row \"%s\"; known: @framework, "
                             "@framework_version, @place_id, @place_name, "
                             "@country, @population, @foreign_share, "
                             "@settlement, @shareable, @context.NAME",
                             key);
    }
    return IG_OK;
}

static ig_status parse_csv(ig_policy_assessment *a, const char *text,
                           size_t len, ig_error *err)
{
    const char *p = text, *end = text + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;
    /* ';' when the header has no ',' (spreadsheets in many EU locales) */
    char sep = ',';
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *hend = nl ? nl : end;
    if (!memchr(p, ',', (size_t)(hend - p)) && memchr(p, ';', (size_t)(hend - p)))
        sep = ';';
    /* rows bound the number of answers and context values */
    size_t max_rows = 1;
    for (const char *q = p; q < end; q++) max_rows += *q == '\n' || *q == '\r';
    a->answers = ig__arena_alloc(&a->arena, max_rows * sizeof *a->answers);
    a->context = ig__arena_alloc(&a->arena, max_rows * sizeof *a->context);
    if (!a->answers || !a->context) return nomem(err);

    ig__sbuf tmp;
    ig__sbuf_init(&tmp, a->arena.ctx);
    ig_status st = IG_OK;
    long line = 1;
    csvrow row;
    int map[MAX_FIELDS];
    int r = csv_next(a, &p, end, sep, &line, &row, &tmp, err);
    if (r <= 0) {
        st = r == -2 ? nomem(err)
             : r == -1 ? IG_ERR_PARSE
                       : ig__error_set(err, IG_ERR_PARSE, 1, 1, "empty file");
        goto out;
    }
    int have[C_NCOLS] = {0};
    for (size_t k = 0; k < row.n; k++) {
        map[k] = -1;
        for (int c = 0; c < C_NCOLS; c++)
            if (!strcmp(row.f[k], csv_cols[c])) map[k] = c;
        if (map[k] < 0) {
            st = ig__error_set(err, IG_ERR_PARSE, row.line, row.col[k],
                               "unknown column \"%s\"; the template's "
                               "columns are indicator, kind, area, question, "
                               "choices, answer, competence, confidence, "
                               "notes, evidence_type, evidence_title, "
                               "evidence_issuer, evidence_date, evidence_url, "
                               "evidence_quote",
                               row.f[k]);
            goto out;
        }
        if (have[map[k]]) {
            st = ig__error_set(err, IG_ERR_PARSE, row.line, row.col[k],
                               "column \"%s\" appears twice", row.f[k]);
            goto out;
        }
        have[map[k]] = 1;
    }
    if (!have[C_INDICATOR] || !have[C_ANSWER]) {
        st = ig__error_set(err, IG_ERR_PARSE, 1, 1,
                           "the header needs the columns \"indicator\" and "
                           "\"answer\" (start from `integrid policy "
                           "template`)");
        goto out;
    }
    size_t nhead = row.n;
    while ((r = csv_next(a, &p, end, sep, &line, &row, &tmp, err)) == 1) {
        if (row.n == 1 && !row.f[0][0]) continue; /* blank line */
        if (row.n != nhead) {
            st = ig__error_set(err, IG_ERR_PARSE, row.line, 1,
                               "row has %zu fields, the header %zu", row.n,
                               nhead);
            goto out;
        }
        const char *f[C_NCOLS];
        long fc[C_NCOLS];
        for (int c = 0; c < C_NCOLS; c++) {
            f[c] = "";
            fc[c] = 1;
        }
        for (size_t k = 0; k < row.n; k++) {
            f[map[k]] = row.f[k];
            fc[map[k]] = row.col[k];
        }
        if (f[C_INDICATOR][0] == '@') {
            st = set_meta(a, f[C_INDICATOR], f[C_ANSWER], row.line,
                          fc[C_ANSWER], err);
            if (st != IG_OK) goto out;
            continue;
        }
        if (!f[C_INDICATOR][0]) {
            st = ig__error_set(err, IG_ERR_PARSE, row.line, fc[C_INDICATOR],
                               "empty indicator code");
            goto out;
        }
        for (size_t j = 0; j < a->info.n_answers; j++)
            if (!strcmp(a->answers[j].indicator, f[C_INDICATOR])) {
                st = ig__error_set(err, IG_ERR_PARSE, row.line,
                                   fc[C_INDICATOR],
                                   "indicator %s appears twice (the CSV "
                                   "holds one answer and one piece of "
                                   "evidence per indicator; use JSON for "
                                   "more)",
                                   f[C_INDICATOR]);
                goto out;
            }
        ig_policy_answer *ans = &a->answers[a->info.n_answers];
        blank_answer(ans);
        ans->indicator = f[C_INDICATOR];
        ans->line = row.line;
        ans->column = fc[C_ANSWER];
        /* the answer column holds an option code, a number or text: keep
         * all three readings; the check picks by the indicator's type */
        ans->option = f[C_ANSWER];
        ans->text = f[C_ANSWER];
        if (f[C_ANSWER][0]) {
            char *e;
            double v = strtod(f[C_ANSWER], &e);
            if (!*e && isfinite(v)) ans->value = v;
        }
        if (!parse_competence(f[C_COMPETENCE], &ans->competence)) {
            st = ig__error_set(err, IG_ERR_PARSE, row.line, fc[C_COMPETENCE],
                               "competence \"%s\" must be own, shared or "
                               "none",
                               f[C_COMPETENCE]);
            goto out;
        }
        ans->confidence = f[C_CONFIDENCE];
        if (!valid_confidence(ans->confidence)) {
            st = ig__error_set(err, IG_ERR_PARSE, row.line, fc[C_CONFIDENCE],
                               "confidence \"%s\" must be low, medium or high",
                               ans->confidence);
            goto out;
        }
        ans->notes = f[C_NOTES];
        if (f[C_EV_TYPE][0] || f[C_EV_TITLE][0] || f[C_EV_ISSUER][0] ||
            f[C_EV_DATE][0] || f[C_EV_URL][0] || f[C_EV_QUOTE][0]) {
            ig_policy_evidence *e = ig__arena_alloc(&a->arena, sizeof *e);
            if (!e) {
                st = nomem(err);
                goto out;
            }
            e->type = f[C_EV_TYPE];
            e->title = f[C_EV_TITLE];
            e->issuer = f[C_EV_ISSUER];
            e->date = f[C_EV_DATE];
            e->url = f[C_EV_URL];
            e->quote = f[C_EV_QUOTE];
            ans->evidence = e;
            ans->n_evidence = 1;
        }
        a->info.n_answers++;
    }
    if (r == -1) st = IG_ERR_PARSE;
    if (r == -2) st = nomem(err);
    if (st == IG_OK && !a->info.framework[0])
        st = ig__error_set(err, IG_ERR_PARSE, 1, 1,
                           "no @framework row; add a row \"@framework\" with "
                           "the framework id in the answer column");
out:
    ig__sbuf_free(&tmp);
    return st;
}

/* ---- public ------------------------------------------------------------ */

ig_status ig_policy_assessment_parse(ig_ctx *ctx, const char *text,
                                     size_t len, const char *name,
                                     ig_policy_assessment **out,
                                     ig_error *err)
{
    if (!text || !out)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0, "text and out required");
    ig_policy_assessment *a = new_assessment(ctx, name);
    if (!a) return nomem(err);
    size_t i = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) i = 3;
    while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' ||
                       text[i] == '\n'))
        i++;
    ig_status st;
    if (i < len && text[i] == '{') {
        ap p = {.err = err, .a = a};
        st = ig__jdoc_parse(&p.d, ctx, text, len, name, err);
        if (st == IG_OK) st = parse_json(&p);
        ig__jdoc_free(&p.d);
    } else {
        st = parse_csv(a, text, len, err);
        if (st != IG_OK && name) ig__error_file(err, name);
    }
    if (st != IG_OK) {
        ig_policy_assessment_destroy(a);
        return st;
    }
    *out = a;
    return IG_OK;
}

ig_status ig_policy_assessment_read(ig_ctx *ctx, const char *path,
                                    ig_policy_assessment **out, ig_error *err)
{
    if (!path || !out)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0, "path and out required");
    char *buf;
    size_t len;
    ig_status st = ig__policy_slurp(ctx, path, &buf, &len, err);
    if (st != IG_OK) return st;
    st = ig_policy_assessment_parse(ctx, buf, len, path, out, err);
    ig__free(ctx, buf, 0);
    return st;
}

void ig_policy_assessment_get_info(const ig_policy_assessment *a,
                                   ig_policy_assessment_info *info)
{
    if (a && info) *info = a->info;
}

const ig_policy_answer *ig_policy_answer_get(const ig_policy_assessment *a,
                                             size_t i)
{
    return a && i < a->info.n_answers ? &a->answers[i] : NULL;
}

double ig_policy_assessment_context(const ig_policy_assessment *a,
                                    const char *name)
{
    if (!a || !name) return NAN;
    if (!strcmp(name, "population")) return a->info.population;
    if (!strcmp(name, "foreign_share")) return a->info.foreign_share;
    for (size_t i = 0; i < a->n_context; i++)
        if (!strcmp(a->context[i].name, name)) return a->context[i].value;
    return NAN;
}

static ig_status answer_error(const ig_policy_assessment *a,
                              const ig_policy_answer *r, ig_error *err,
                              ig_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
static ig_status answer_error(const ig_policy_assessment *a,
                              const ig_policy_answer *r, ig_error *err,
                              ig_status st, const char *fmt, ...)
{
    char msg[IG_ERROR_MSG_MAX];
    va_list va;
    va_start(va, fmt);
    vsnprintf(msg, sizeof msg, fmt, va);
    va_end(va);
    ig__error_set(err, st, r->line, r->column, "%s", msg);
    if (a->file[0]) ig__error_file(err, a->file);
    return st;
}

/* "a, b, c" of the option codes, cut to fit. */
static void option_list(const ig_policy_indicator *ind, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < ind->n_options && len + 20 < cap; k++)
        len += (size_t)snprintf(buf + len, cap - len, "%s%s", k ? ", " : "",
                                ind->options[k].code);
}

int ig__policy_special_answer(const char *s)
{
    if (!strcmp(s, "na") || !strcmp(s, "not_applicable")) return 1;
    if (!strcmp(s, "dont_know")) return 2;
    return 0;
}

ig_status ig_policy_assessment_check(const ig_policy_framework *fw,
                                     const ig_policy_assessment *a,
                                     ig_error *err)
{
    if (!fw || !a)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0, "fw and a required");
    if (strcmp(a->info.framework, fw->info.id) != 0 ||
        (a->info.framework_version[0] &&
         strcmp(a->info.framework_version, fw->info.version) != 0)) {
        ig__error_set(err, IG_ERR_MISMATCH, 0, 0,
                      "the answers are for framework %s version %s, not %s "
                      "version %s; score them with that framework (--framework "
                      "FILE) or copy them into a new template",
                      a->info.framework,
                      a->info.framework_version[0] ? a->info.framework_version
                                                   : "(none)",
                      fw->info.id, fw->info.version);
        if (a->file[0]) ig__error_file(err, a->file);
        return IG_ERR_MISMATCH;
    }
    if (!a->info.framework_version[0]) {
        ig__error_set(err, IG_ERR_MISMATCH, 0, 0,
                      "the answers name no framework_version; add "
                      "\"framework_version\": \"%s\" if they answer that "
                      "version",
                      fw->info.version);
        if (a->file[0]) ig__error_file(err, a->file);
        return IG_ERR_MISMATCH;
    }
    for (size_t i = 0; i < a->info.n_answers; i++) {
        const ig_policy_answer *r = &a->answers[i];
        size_t k = ig_policy_indicator_find(fw, r->indicator);
        if (k == (size_t)-1) {
            char near[300] = "";
            size_t len = 0;
            /* list the ids of the same prefix, else the first few */
            size_t pl = strcspn(r->indicator, ".");
            for (size_t j = 0; j < fw->info.n_indicators && len < 200; j++)
                if (!strncmp(fw->indicators[j].id, r->indicator, pl) &&
                    fw->indicators[j].id[pl] == '.')
                    len += (size_t)snprintf(near + len, sizeof near - len,
                                            "%s%s", len ? ", " : "",
                                            fw->indicators[j].id);
            int any_near = len > 0;
            for (size_t j = 0; !any_near && j < fw->info.n_indicators && j < 8;
                 j++)
                len += (size_t)snprintf(near + len, sizeof near - len,
                                        "%s%s", j ? ", " : "",
                                        fw->indicators[j].id);
            return answer_error(a, r, err, IG_ERR_NOT_FOUND,
                                "unknown indicator \"%s\" (valid ones include "
                                "%s); run `integrid policy template` for the "
                                "full list",
                                r->indicator, near);
        }
        const ig_policy_indicator *ind = &fw->indicators[k];
        if (ind->answer == IG_POLICY_ANSWER_SINGLE) {
            if (r->option[0] &&
                ig__policy_option_find(ind, r->option) == (size_t)-1) {
                char list[300];
                option_list(ind, list, sizeof list);
                return answer_error(a, r, err, IG_ERR_NOT_FOUND,
                                    "indicator %s has no option \"%s\"; valid "
                                    "options: %s",
                                    r->indicator, r->option, list);
            }
            if (!r->option[0] && isfinite(r->value) && r->text[0] == '\0')
                return answer_error(a, r, err, IG_ERR_PARSE,
                                    "indicator %s is answered with an option "
                                    "code, not a value",
                                    r->indicator);
        } else if (ind->answer == IG_POLICY_ANSWER_NUMERIC) {
            if (r->option[0] && !isfinite(r->value) &&
                !ig__policy_special_answer(r->option))
                return answer_error(a, r, err, IG_ERR_PARSE,
                                    "indicator %s needs a number, not \"%s\" "
                                    "(or na / dont_know)",
                                    r->indicator, r->option);
        }
    }
    return IG_OK;
}

ig_status ig_policy_assessment_set_outcome(ig_policy_assessment *a,
                                           const ig_policy_framework *fw,
                                           const char *indicator, double value,
                                           double score, const char *note)
{
    if (!a || !fw || !indicator) return IG_ERR_DOMAIN;
    size_t k = ig_policy_indicator_find(fw, indicator);
    if (k == (size_t)-1) return IG_ERR_NOT_FOUND;
    if (fw->indicators[k].kind != IG_POLICY_KIND_OUTCOME) return IG_ERR_DOMAIN;
    ig__policy_outcome *o = NULL;
    for (size_t i = 0; i < a->n_outcomes; i++)
        if (!strcmp(a->outcomes[i].indicator, fw->indicators[k].id))
            o = &a->outcomes[i];
    if (!o) {
        void *p = a->outcomes;
        if (ig__grow(a->arena.ctx, &p, &a->cap_outcomes, a->n_outcomes + 1,
                     sizeof *a->outcomes) != IG_OK)
            return IG_ERR_NOMEM;
        a->outcomes = p;
        o = &a->outcomes[a->n_outcomes];
        o->indicator = ig__arena_strdup(&a->arena, fw->indicators[k].id);
        if (!o->indicator) return IG_ERR_NOMEM;
        a->n_outcomes++;
    }
    o->value = value;
    o->score = score;
    o->note = ig__arena_strdup(&a->arena, note ? note : "");
    if (!o->note) return IG_ERR_NOMEM;
    return IG_OK;
}

/* ---- templates --------------------------------------------------------- */

static void choices_text(const ig_policy_indicator *ind, ig__sbuf *b)
{
    if (ind->answer == IG_POLICY_ANSWER_NUMERIC) {
        ig__sbuf_puts(b, "a number");
        if (ind->unit[0]) ig__sbuf_printf(b, " (%s)", ind->unit);
        ig__sbuf_puts(b, "; na; dont_know");
        return;
    }
    if (ind->answer == IG_POLICY_ANSWER_TEXT) {
        ig__sbuf_puts(b, "free text");
        return;
    }
    for (size_t k = 0; k < ind->n_options; k++) {
        const ig_policy_option *o = &ind->options[k];
        if (k) ig__sbuf_puts(b, " | ");
        ig__sbuf_puts(b, o->code);
        ig__sbuf_puts(b, " = ");
        ig__sbuf_puts(b, o->label);
        if (o->flag == IG_POLICY_FLAG_NORMAL)
            ig__sbuf_printf(b, " (%g)", o->score);
    }
}

static void template_json(const ig_policy_framework *fw, ig__sbuf *b)
{
    ig__sbuf_puts(b, "{\n  \"integrid_assessment\": 1,\n  \"framework\": ");
    ig__sbuf_json_str(b, fw->info.id);
    ig__sbuf_puts(b, ",\n  \"framework_version\": ");
    ig__sbuf_json_str(b, fw->info.version);
    ig__sbuf_puts(b, ",\n  \"_framework_title\": ");
    ig__sbuf_json_str(b, fw->info.title);
    if (fw->info.notice[0]) {
        ig__sbuf_puts(b, ",\n  \"_notice\": ");
        ig__sbuf_json_str(b, fw->info.notice);
    }
    ig__sbuf_puts(b,
                  ",\n  \"_how_to\": \"Fill in each answer: option (one of "
                  "_options) or value (numbers), competence (own, shared, "
                  "none), confidence (low, medium, high), notes and evidence "
                  "(type, title, issuer, date, url, quote). Leave an answer "
                  "empty when unknown. Keys starting with _ are ignored.\",\n"
                  "  \"place\": {\"id\": \"\", \"name\": \"\", \"country\": "
                  "\"\", \"population\": null, \"foreign_share\": null, "
                  "\"settlement\": \"\"},\n  \"shareable\": false,\n"
                  "  \"context\": {},\n  \"answers\": {");
    for (size_t i = 0; i < fw->info.n_indicators; i++) {
        const ig_policy_indicator *ind = &fw->indicators[i];
        ig__sbuf_puts(b, i ? ",\n    " : "\n    ");
        ig__sbuf_json_str(b, ind->id);
        ig__sbuf_puts(b, ": {\n      \"_area\": ");
        ig__sbuf_json_str(b, fw->areas[ind->area].title);
        ig__sbuf_puts(b, ",\n      \"_kind\": ");
        ig__sbuf_json_str(b, ig_policy_kind_name(ind->kind));
        ig__sbuf_puts(b, ",\n      \"_question\": ");
        ig__sbuf_json_str(b, ind->question);
        if (ind->help[0]) {
            ig__sbuf_puts(b, ",\n      \"_help\": ");
            ig__sbuf_json_str(b, ind->help);
        }
        ig__sbuf_puts(b, ",\n      \"_options\": ");
        ig__sbuf tmp;
        ig__sbuf_init(&tmp, b->ctx);
        choices_text(ind, &tmp);
        if (tmp.failed) b->failed = 1;
        ig__sbuf_json_str(b, tmp.p ? tmp.p : "");
        ig__sbuf_free(&tmp);
        if (ind->evidence_required)
            ig__sbuf_puts(b, ",\n      \"_evidence\": \"required\"");
        if (ind->answer == IG_POLICY_ANSWER_SINGLE)
            ig__sbuf_puts(b, ",\n      \"option\": \"\"");
        else if (ind->answer == IG_POLICY_ANSWER_NUMERIC)
            ig__sbuf_puts(b, ",\n      \"value\": null");
        else
            ig__sbuf_puts(b, ",\n      \"text\": \"\"");
        ig__sbuf_puts(b, ",\n      \"competence\": \"\", \"confidence\": \"\", "
                         "\"notes\": \"\",\n      \"evidence\": []\n    }");
    }
    ig__sbuf_puts(b, "\n  }\n}\n");
}

static void csv_row(ig__sbuf *b, const char *const *f)
{
    for (int c = 0; c < C_NCOLS; c++) {
        if (c) ig__sbuf_puts(b, ",");
        ig__sbuf_csv_str(b, f[csv_order[c]]);
    }
    ig__sbuf_puts(b, "\n");
}

static void template_csv(const ig_policy_framework *fw, ig__sbuf *b)
{
    const char *f[C_NCOLS];
    csv_row(b, csv_cols);
    static const char *const meta[] = {"@framework", "@framework_version",
                                       "@place_id", "@place_name", "@country",
                                       "@population", "@foreign_share",
                                       "@settlement", "@shareable"};
    for (size_t m = 0; m < sizeof meta / sizeof *meta; m++) {
        for (int c = 0; c < C_NCOLS; c++) f[c] = "";
        f[C_INDICATOR] = meta[m];
        f[C_KIND] = "meta";
        if (m == 0) f[C_ANSWER] = fw->info.id;
        if (m == 1) f[C_ANSWER] = fw->info.version;
        if (m == 8) f[C_ANSWER] = "false";
        csv_row(b, f);
    }
    for (size_t i = 0; i < fw->info.n_indicators; i++) {
        const ig_policy_indicator *ind = &fw->indicators[i];
        ig__sbuf tmp;
        ig__sbuf_init(&tmp, b->ctx);
        choices_text(ind, &tmp);
        if (tmp.failed) b->failed = 1;
        for (int c = 0; c < C_NCOLS; c++) f[c] = "";
        f[C_INDICATOR] = ind->id;
        f[C_KIND] = ig_policy_kind_name(ind->kind);
        f[C_AREA] = fw->areas[ind->area].title;
        f[C_QUESTION] = ind->question;
        f[C_CHOICES] = tmp.p ? tmp.p : "";
        csv_row(b, f);
        ig__sbuf_free(&tmp);
    }
}

ig_status ig_policy_template(ig_ctx *ctx, const ig_policy_framework *fw,
                             ig_policy_template_format format, char **out,
                             size_t *len, ig_error *err)
{
    if (!fw || !out)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0, "fw and out required");
    ig__sbuf b;
    ig__sbuf_init(&b, ctx);
    if (format == IG_POLICY_TEMPLATE_CSV)
        template_csv(fw, &b);
    else
        template_json(fw, &b);
    if (b.failed || !b.p) {
        ig__sbuf_free(&b);
        return nomem(err);
    }
    *out = b.p;
    if (len) *len = b.len;
    return IG_OK;
}

void ig_policy_free(ig_ctx *ctx, char *p)
{
    ig__free(ctx, p, 0);
}
