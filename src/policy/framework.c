/* Framework files: JSON (jansson) into the plain structs of ig_policy.h.
 * Validation is strict and located: every key must be known (a typo would
 * otherwise silently drop a weight or a rule), ids are unique per kind,
 * scores lie in 0..100, and rules are parsed and their variables resolved
 * against the ids of the same file. The first problem stops the parse and
 * is reported at file:line:column with what to change. All kept memory is
 * one arena (arena.c). Format: docs/policy/framework-format.md. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "policy/policy_impl.h"

#define FORMAT_VERSION 1

typedef struct fwp {
    ig__jdoc d;
    ig_error *err;
    ig_policy_framework *fw;
    size_t nb, na, ni, nr;
} fwp;

static const char *const outcome_names[] = {
    "dissimilarity", "isolation", "exposure", "hotspot_share",
    "recent_movers", "school_dissimilarity"};

int ig__policy_outcome_known(const char *name)
{
    for (size_t i = 0; i < sizeof outcome_names / sizeof *outcome_names; i++)
        if (!strcmp(name, outcome_names[i])) return 1;
    return 0;
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    if (na > 63 || nb > 63) return 64;
    size_t row[64];
    for (size_t j = 0; j <= nb; j++) row[j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t cur = row[j];
            size_t sub = prev + (a[i - 1] != b[j - 1]);
            size_t del = row[j] + 1, ins = row[j - 1] + 1;
            row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
            prev = cur;
        }
    }
    return row[nb];
}

/* Unknown keys are errors, with a suggestion when one is close. */
static ig_status check_keys(fwp *p, const json_t *obj,
                            const char *const *known, const char *what)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)(uintptr_t)obj, key, v) {
        size_t best = (size_t)-1, bd = 3;
        size_t k;
        for (k = 0; known[k]; k++) {
            if (!strcmp(key, known[k])) break;
            size_t dd = edit_distance(key, known[k]);
            if (dd < bd) {
                bd = dd;
                best = k;
            }
        }
        if (known[k]) continue;
        char list[300] = "";
        size_t len = 0;
        for (size_t j = 0; known[j] && len < sizeof list - 40; j++)
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
                                    j ? ", " : "", known[j]);
        if (best != (size_t)-1)
            return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, key, 0,
                                  "unknown key \"%s\" in %s; did you mean "
                                  "\"%s\"?",
                                  key, what, known[best]);
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, key, 0,
                              "unknown key \"%s\" in %s; known keys: %s", key,
                              what, list);
    }
    return IG_OK;
}

/* A string member: required or optional (then "" when absent). */
static ig_status get_str(fwp *p, const json_t *obj, const char *key,
                         int required, const char *what, const char **out)
{
    json_t *v = json_object_get(obj, key);
    if (!v) {
        if (required)
            return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, obj, 0,
                                  "%s has no \"%s\"; add \"%s\": \"...\"",
                                  what, key, key);
        *out = "";
        return IG_OK;
    }
    if (!json_is_string(v))
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, ig__jdoc_member(obj, key), 0,
                              "\"%s\" of %s must be a string", key, what);
    if (required && json_string_length(v) == 0)
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, ig__jdoc_member(obj, key), 0,
                              "\"%s\" of %s is empty", key, what);
    *out = ig__arena_strdup(&p->fw->arena, json_string_value(v));
    if (!*out) return ig__error_set(p->err, IG_ERR_NOMEM, 0, 0, "out of memory");
    return IG_OK;
}

/* A number member within [lo, hi]; *out keeps its default when absent. */
static ig_status get_num(fwp *p, const json_t *obj, const char *key,
                         double lo, double hi, int lo_open, const char *what,
                         double *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v) return IG_OK;
    if (!json_is_number(v))
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, ig__jdoc_member(obj, key), 0,
                              "\"%s\" of %s must be a number", key, what);
    double x = json_number_value(v);
    if (!isfinite(x) || x < lo || x > hi || (lo_open && x <= lo))
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, ig__jdoc_member(obj, key), 0,
                              "\"%s\" of %s is %g; it must be %s %g and <= %g",
                              key, what, x, lo_open ? ">" : ">=", lo, hi);
    *out = x;
    return IG_OK;
}

static ig_status get_array(fwp *p, const json_t *obj, const char *key,
                           int required, const char *what, json_t **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v) {
        if (required)
            return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, obj, 0,
                                  "%s has no \"%s\" list; add \"%s\": [...]",
                                  what, key, key);
        return IG_OK;
    }
    if (!json_is_array(v))
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, ig__jdoc_member(obj, key), 0,
                              "\"%s\" of %s must be a list [...]", key, what);
    if (required && json_array_size(v) == 0)
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, ig__jdoc_member(obj, key), 0,
                              "\"%s\" of %s is empty", key, what);
    *out = v;
    return IG_OK;
}

static ig_status need_object(fwp *p, const json_t *v, const char *what)
{
    if (json_is_object(v)) return IG_OK;
    return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, v, 0,
                          "each %s must be an object {...}", what);
}

/* One of the words in opts ("a|b|c"); *out = its index. */
static ig_status get_enum(fwp *p, const json_t *obj, const char *key,
                          const char *const *opts, const char *what, int *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v) return IG_OK;
    if (json_is_string(v))
        for (int k = 0; opts[k]; k++)
            if (!strcmp(json_string_value(v), opts[k])) {
                *out = k;
                return IG_OK;
            }
    char list[200] = "";
    size_t len = 0;
    for (int k = 0; opts[k]; k++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
                                k ? ", " : "", opts[k]);
    return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, ig__jdoc_member(obj, key), 0,
                          "\"%s\" of %s must be one of: %s", key, what, list);
}

static int valid_id(const char *s)
{
    if (!*s) return 0;
    for (const char *c = s; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
              (*c >= '0' && *c <= '9') || *c == '_' || *c == '.' ||
              *c == '-'))
            return 0;
    return 1;
}

static ig_status get_id(fwp *p, const json_t *obj, const char *what,
                        const char **out)
{
    ig_status st = get_str(p, obj, "id", 1, what, out);
    if (st != IG_OK) return st;
    if (!valid_id(*out))
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE,
                              json_object_get(obj, "id"), 0,
                              "id \"%s\" of %s may hold only letters, digits, "
                              "'_', '.' and '-' (rules refer to it)",
                              *out, what);
    return IG_OK;
}

/* ---- rule variables while validating ----------------------------------- */

typedef struct rule_scope {
    const ig_policy_framework *fw;
    size_t nb, na, ni;
    int scores; /* 1: recommendation rules may refer to scores */
} rule_scope;

static int has_prefix(const char *s, size_t n, const char *pre, size_t *rest)
{
    size_t k = strlen(pre);
    if (n <= k || strncmp(s, pre, k) != 0) return 0;
    *rest = k;
    return 1;
}

static int name_is(const char *s, size_t n, const char *w)
{
    return strlen(w) == n && strncmp(s, w, n) == 0;
}

static int check_var(void *ud, const char *name, size_t len, double *num,
                     const char **str)
{
    const rule_scope *sc = ud;
    (void)num;
    (void)str;
    size_t k;
    if (name_is(name, len, "population") || name_is(name, len, "foreign_share") ||
        name_is(name, len, "competence") || name_is(name, len, "settlement"))
        return 0;
    if (has_prefix(name, len, "context.", &k)) return 0;
    if (!sc->scores) return -1;
    if (name_is(name, len, "overall")) return 0;
    if (has_prefix(name, len, "area.", &k)) {
        for (size_t i = 0; i < sc->na; i++)
            if (name_is(name + k, len - k, sc->fw->areas[i].id)) return 0;
        return -1;
    }
    if (has_prefix(name, len, "block.", &k)) {
        for (size_t i = 0; i < sc->nb; i++)
            if (name_is(name + k, len - k, sc->fw->blocks[i].id)) return 0;
        return -1;
    }
    if (has_prefix(name, len, "indicator.", &k)) {
        for (size_t i = 0; i < sc->ni; i++)
            if (name_is(name + k, len - k, sc->fw->indicators[i].id)) return 0;
        return -1;
    }
    return -1;
}

/* Check rule text (the string value v) and relocate a rule error to the
 * file: the rule's column is added to the string's (no escapes assumed). */
static ig_status check_rule(fwp *p, const json_t *v, const char *rule,
                            int scores)
{
    rule_scope sc = {p->fw, p->nb, p->na, p->ni, scores};
    ig_error e = {0};
    ig_status st = ig__rule_eval(rule, check_var, &sc, NULL, &e);
    if (st == IG_OK) return IG_OK;
    long line, col;
    ig__jdoc_where(&p->d, v, 0, &line, &col);
    if (p->err) {
        ig__error_set(p->err, st, line, col > 0 ? col + e.column : 0, "%s",
                      e.msg);
        if (p->d.name) ig__error_file(p->err, p->d.name);
    }
    return st;
}

/* ---- parts ------------------------------------------------------------- */

static const char *const k_top[] = {
    "integrid_framework", "id", "version", "title", "description", "notice",
    "source_url", "licence", "coverage_min", "blocks", "recommendations",
    NULL};
static const char *const k_block[] = {"id", "title", "weight", "areas", NULL};
static const char *const k_area[] = {"id", "title", "weight", "point",
                                     "indicators", NULL};
static const char *const k_ind[] = {
    "id", "kind", "question", "help", "answer", "options", "bands",
    "weight", "direction", "applies_if", "evidence", "unit", "outcome",
    "mappings", "source", NULL};
static const char *const k_opt[] = {"code", "label", "score", "flag", NULL};
static const char *const k_band[] = {"min", "max", "score", NULL};
static const char *const k_map[] = {"oecd_point", "mipex", "action_plan",
                                    "zaragoza", NULL};
static const char *const k_rec[] = {"id", "if", "priority", "text",
                                    "practice_tags", NULL};

#define TRY(x)                      \
    do {                            \
        ig_status st_ = (x);        \
        if (st_ != IG_OK) return st_; \
    } while (0)

static ig_status nomem(fwp *p)
{
    return ig__error_set(p->err, IG_ERR_NOMEM, 0, 0, "out of memory");
}

static ig_status parse_point(fwp *p, const json_t *obj, const char *key,
                             const char *what, int *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v) return IG_OK;
    if (!json_is_integer(v) || json_integer_value(v) < 1 ||
        json_integer_value(v) > 12)
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, ig__jdoc_member(obj, key), 0,
                              "\"%s\" of %s must be a checklist point, a "
                              "whole number from 1 to 12",
                              key, what);
    *out = (int)json_integer_value(v);
    return IG_OK;
}

static ig_status parse_options(fwp *p, const json_t *arr,
                               ig_policy_indicator *ind)
{
    size_t n = json_array_size(arr);
    ig_policy_option *o = ig__arena_alloc(&p->fw->arena, n * sizeof *o);
    if (!o) return nomem(p);
    size_t normal = 0;
    for (size_t k = 0; k < n; k++) {
        const json_t *v = json_array_get(arr, k);
        char what[160];
        snprintf(what, sizeof what, "option %zu of indicator %s", k + 1,
                 ind->id);
        TRY(need_object(p, v, "option"));
        TRY(check_keys(p, v, k_opt, what));
        TRY(get_str(p, v, "code", 1, what, &o[k].code));
        TRY(get_str(p, v, "label", 1, what, &o[k].label));
        for (size_t j = 0; j < k; j++)
            if (!strcmp(o[j].code, o[k].code))
                return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE,
                                      json_object_get(v, "code"), 0,
                                      "duplicate option code \"%s\" in "
                                      "indicator %s; option codes must be "
                                      "unique within an indicator",
                                      o[k].code, ind->id);
        static const char *const flags[] = {"normal", "not_applicable",
                                            "dont_know", NULL};
        int flag = 0;
        TRY(get_enum(p, v, "flag", flags, what, &flag));
        o[k].flag = (ig_policy_flag)flag;
        json_t *sv = json_object_get(v, "score");
        if (flag != 0) {
            if (sv)
                return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, sv, 1,
                                      "%s is flagged \"%s\" and must not have "
                                      "a score (not applicable is left out; "
                                      "don't know counts 0)",
                                      what, flags[flag]);
            o[k].score = NAN;
            continue;
        }
        if (!sv)
            return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, v, 0,
                                  "%s has no \"score\"; add \"score\": 0..100 "
                                  "or a \"flag\"",
                                  what);
        o[k].score = -1;
        TRY(get_num(p, v, "score", 0, 100, 0, what, &o[k].score));
        normal++;
    }
    if (normal == 0)
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, arr, 0,
                              "indicator %s has no scored option; add at "
                              "least one option with a \"score\"",
                              ind->id);
    ind->options = o;
    ind->n_options = n;
    return IG_OK;
}

static ig_status parse_bands(fwp *p, const json_t *arr,
                             ig_policy_indicator *ind)
{
    size_t n = json_array_size(arr);
    ig_policy_band *b = ig__arena_alloc(&p->fw->arena, n * sizeof *b);
    if (!b) return nomem(p);
    for (size_t k = 0; k < n; k++) {
        const json_t *v = json_array_get(arr, k);
        char what[160];
        snprintf(what, sizeof what, "band %zu of indicator %s", k + 1, ind->id);
        TRY(need_object(p, v, "band"));
        TRY(check_keys(p, v, k_band, what));
        if (!json_object_get(v, "min") || !json_object_get(v, "max") ||
            !json_object_get(v, "score"))
            return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, v, 0,
                                  "%s needs \"min\", \"max\" and \"score\"",
                                  what);
        TRY(get_num(p, v, "min", -1e300, 1e300, 0, what, &b[k].min));
        TRY(get_num(p, v, "max", -1e300, 1e300, 0, what, &b[k].max));
        TRY(get_num(p, v, "score", 0, 100, 0, what, &b[k].score));
        if (!(b[k].min < b[k].max))
            return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, v, 0,
                                  "%s: min %g is not below max %g", what,
                                  b[k].min, b[k].max);
        if (k > 0 && b[k].min < b[k - 1].max)
            return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, v, 0,
                                  "%s overlaps the band before it; list "
                                  "bands in increasing order without overlap",
                                  what);
    }
    ind->bands = b;
    ind->n_bands = n;
    return IG_OK;
}

static ig_status parse_indicator(fwp *p, const json_t *v, size_t area,
                                 ig_policy_indicator *ind)
{
    TRY(need_object(p, v, "indicator"));
    TRY(get_id(p, v, "an indicator", &ind->id));
    char what[160];
    snprintf(what, sizeof what, "indicator %s", ind->id);
    TRY(check_keys(p, v, k_ind, what));
    for (size_t j = 0; j < p->ni; j++)
        if (!strcmp(p->fw->indicators[j].id, ind->id))
            return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE,
                                  json_object_get(v, "id"), 0,
                                  "duplicate indicator id \"%s\"; ids must "
                                  "be unique in the framework",
                                  ind->id);
    ind->area = area;
    static const char *const kinds[] = {"policy", "outcome", "context", NULL};
    int kind = 0;
    TRY(get_enum(p, v, "kind", kinds, what, &kind));
    ind->kind = (ig_policy_kind)kind;
    TRY(get_str(p, v, "question", 1, what, &ind->question));
    TRY(get_str(p, v, "help", 0, what, &ind->help));
    TRY(get_str(p, v, "unit", 0, what, &ind->unit));
    const char *source;
    TRY(get_str(p, v, "source", 0, what, &source));
    json_t *opts, *bands;
    TRY(get_array(p, v, "options", 0, what, &opts));
    TRY(get_array(p, v, "bands", 0, what, &bands));
    static const char *const answers[] = {"single", "numeric", "text", NULL};
    int answer = opts ? 0 : (kind == 1 || bands) ? 1 : -1;
    TRY(get_enum(p, v, "answer", answers, what, &answer));
    if (answer < 0)
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, v, 0,
                              "%s has no \"options\"; add a list of options "
                              "with scores, or set \"answer\": \"numeric\" or "
                              "\"text\"",
                              what);
    ind->answer = (ig_policy_answer_type)answer;
    if (answer == 0) {
        if (!opts || json_array_size(opts) == 0)
            return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, v, 0,
                                  "%s answers with an option but has no "
                                  "\"options\"; add them",
                                  what);
        TRY(parse_options(p, opts, ind));
    } else if (opts) {
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, opts, 1,
                              "%s has a %s answer: remove \"options\"", what,
                              answers[answer]);
    }
    if (bands) {
        if (answer != 1)
            return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, bands, 1,
                                  "\"bands\" score numeric answers only; "
                                  "remove them from %s",
                                  what);
        TRY(parse_bands(p, bands, ind));
    }
    if (answer == 1 && kind == 0 && !bands)
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, v, 0,
                              "%s is a numeric policy indicator without "
                              "\"bands\"; add bands so it can be scored",
                              what);
    ind->weight = 1;
    TRY(get_num(p, v, "weight", 0, 1e6, 1, what, &ind->weight));
    static const char *const dirs[] = {"higher_better", "lower_better", NULL};
    int dir = 0;
    TRY(get_enum(p, v, "direction", dirs, what, &dir));
    ind->lower_better = dir;
    static const char *const ev[] = {"none", "optional", "required", NULL};
    int evr = 1;
    TRY(get_enum(p, v, "evidence", ev, what, &evr));
    ind->evidence_required = evr == 2;
    TRY(get_str(p, v, "applies_if", 0, what, &ind->applies_if));
    TRY(get_str(p, v, "outcome", 0, what, &ind->outcome));
    if (*ind->outcome) {
        if (kind != 1)
            return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE,
                                  json_object_get(v, "outcome"), 1,
                                  "\"outcome\" is for outcome indicators; set "
                                  "\"kind\": \"outcome\" in %s",
                                  what);
        if (!ig__policy_outcome_known(ind->outcome))
            return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE,
                                  json_object_get(v, "outcome"), 0,
                                  "unknown outcome \"%s\" in %s; known: "
                                  "dissimilarity, isolation, exposure, "
                                  "hotspot_share, recent_movers, "
                                  "school_dissimilarity",
                                  ind->outcome, what);
    }
    ind->mipex = ind->action_plan = ind->zaragoza = "";
    json_t *m = json_object_get(v, "mappings");
    if (m) {
        if (!json_is_object(m))
            return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, m, 0,
                                  "\"mappings\" of %s must be an object", what);
        char mw[180];
        snprintf(mw, sizeof mw, "the mappings of %s (schemes)", ind->id);
        TRY(check_keys(p, m, k_map, mw));
        TRY(parse_point(p, m, "oecd_point", mw, &ind->point));
        TRY(get_str(p, m, "mipex", 0, mw, &ind->mipex));
        TRY(get_str(p, m, "action_plan", 0, mw, &ind->action_plan));
        TRY(get_str(p, m, "zaragoza", 0, mw, &ind->zaragoza));
    }
    return IG_OK;
}

static ig_status parse_area(fwp *p, const json_t *v, size_t block,
                            ig_policy_area *a)
{
    TRY(need_object(p, v, "area"));
    TRY(get_id(p, v, "an area", &a->id));
    char what[160];
    snprintf(what, sizeof what, "area %s", a->id);
    TRY(check_keys(p, v, k_area, what));
    for (size_t j = 0; j < p->na; j++)
        if (!strcmp(p->fw->areas[j].id, a->id))
            return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE,
                                  json_object_get(v, "id"), 0,
                                  "duplicate area id \"%s\"", a->id);
    TRY(get_str(p, v, "title", 1, what, &a->title));
    a->weight = 1;
    TRY(get_num(p, v, "weight", 0, 1e6, 1, what, &a->weight));
    TRY(parse_point(p, v, "point", what, &a->point));
    a->block = block;
    json_t *inds;
    TRY(get_array(p, v, "indicators", 1, what, &inds));
    a->first_indicator = p->ni;
    for (size_t k = 0; k < json_array_size(inds); k++) {
        ig_policy_indicator *ind = &p->fw->indicators[p->ni];
        TRY(parse_indicator(p, json_array_get(inds, k), p->na, ind));
        if (!ind->point) ind->point = a->point;
        p->ni++;
    }
    a->n_indicators = p->ni - a->first_indicator;
    return IG_OK;
}

static ig_status parse_block(fwp *p, const json_t *v, ig_policy_block *b)
{
    TRY(need_object(p, v, "block"));
    TRY(get_id(p, v, "a block", &b->id));
    char what[160];
    snprintf(what, sizeof what, "block %s", b->id);
    TRY(check_keys(p, v, k_block, what));
    for (size_t j = 0; j < p->nb; j++)
        if (!strcmp(p->fw->blocks[j].id, b->id))
            return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE,
                                  json_object_get(v, "id"), 0,
                                  "duplicate block id \"%s\"", b->id);
    TRY(get_str(p, v, "title", 1, what, &b->title));
    b->weight = 1;
    TRY(get_num(p, v, "weight", 0, 1e6, 1, what, &b->weight));
    json_t *areas;
    TRY(get_array(p, v, "areas", 1, what, &areas));
    b->first_area = p->na;
    for (size_t k = 0; k < json_array_size(areas); k++) {
        TRY(parse_area(p, json_array_get(areas, k), p->nb,
                       &p->fw->areas[p->na]));
        p->na++;
    }
    b->n_areas = p->na - b->first_area;
    return IG_OK;
}

static ig_status parse_rec(fwp *p, const json_t *v, ig_policy_recommendation *r)
{
    TRY(need_object(p, v, "recommendation"));
    TRY(get_id(p, v, "a recommendation", &r->id));
    char what[160];
    snprintf(what, sizeof what, "recommendation %s", r->id);
    TRY(check_keys(p, v, k_rec, what));
    for (size_t j = 0; j < p->nr; j++)
        if (!strcmp(p->fw->recs[j].id, r->id))
            return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE,
                                  json_object_get(v, "id"), 0,
                                  "duplicate recommendation id \"%s\"", r->id);
    TRY(get_str(p, v, "if", 1, what, &r->condition));
    TRY(get_str(p, v, "text", 1, what, &r->text));
    double prio = 2;
    TRY(get_num(p, v, "priority", 1, 9, 0, what, &prio));
    if (prio != floor(prio))
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE,
                              json_object_get(v, "priority"), 0,
                              "\"priority\" of %s must be a whole number 1..9",
                              what);
    r->priority = (int)prio;
    json_t *tags;
    TRY(get_array(p, v, "practice_tags", 0, what, &tags));
    ig__sbuf b;
    ig__sbuf_init(&b, p->fw->arena.ctx);
    for (size_t k = 0; tags && k < json_array_size(tags); k++) {
        json_t *t = json_array_get(tags, k);
        if (!json_is_string(t)) {
            ig__sbuf_free(&b);
            return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, t, 0,
                                  "practice tags of %s must be strings", what);
        }
        if (k) ig__sbuf_puts(&b, ",");
        ig__sbuf_puts(&b, json_string_value(t));
    }
    r->practice_tags = ig__arena_strdup(&p->fw->arena, b.p ? b.p : "");
    int failed = b.failed;
    ig__sbuf_free(&b);
    if (!r->practice_tags || failed) return nomem(p);
    return IG_OK;
}

/* Count the parts so the arrays are allocated once (types are checked
 * again, with positions, while parsing). */
static void count_parts(const json_t *root, size_t *nb, size_t *na,
                        size_t *ni, size_t *nr)
{
    *nb = *na = *ni = *nr = 0;
    const json_t *blocks = json_object_get(root, "blocks");
    for (size_t i = 0; i < json_array_size(blocks); i++) {
        (*nb)++;
        const json_t *areas = json_object_get(json_array_get(blocks, i), "areas");
        for (size_t j = 0; j < json_array_size(areas); j++) {
            (*na)++;
            *ni += json_array_size(
                json_object_get(json_array_get(areas, j), "indicators"));
        }
    }
    *nr = json_array_size(json_object_get(root, "recommendations"));
}

static ig_status parse_root(fwp *p)
{
    const json_t *root = p->d.root;
    ig_policy_framework *fw = p->fw;
    if (json_object_get(root, "integrid_assessment"))
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE,
                              ig__jdoc_member(root, "integrid_assessment"), 0,
                              "this is an assessment (answers), not a "
                              "framework; score it with `integrid policy "
                              "score`");
    json_t *fv = json_object_get(root, "integrid_framework");
    if (!fv)
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, root, 0,
                              "not an integrid framework file: add "
                              "\"integrid_framework\": %d at the top",
                              FORMAT_VERSION);
    if (!json_is_integer(fv) || json_integer_value(fv) != FORMAT_VERSION)
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, fv, 0,
                              "\"integrid_framework\" must be %d (the format "
                              "version this integrid reads)",
                              FORMAT_VERSION);
    TRY(check_keys(p, root, k_top, "the framework"));
    ig_policy_framework_info *in = &fw->info;
    TRY(get_id(p, root, "the framework", &in->id));
    TRY(get_str(p, root, "version", 1, "the framework", &in->version));
    TRY(get_str(p, root, "title", 1, "the framework", &in->title));
    TRY(get_str(p, root, "description", 0, "the framework", &in->description));
    TRY(get_str(p, root, "notice", 0, "the framework", &in->notice));
    const char *unused;
    TRY(get_str(p, root, "source_url", 0, "the framework", &unused));
    TRY(get_str(p, root, "licence", 0, "the framework", &unused));
    in->coverage_min = 0.7;
    TRY(get_num(p, root, "coverage_min", 0, 1, 1, "the framework",
                &in->coverage_min));
    json_t *blocks, *recs;
    TRY(get_array(p, root, "blocks", 1, "the framework", &blocks));
    TRY(get_array(p, root, "recommendations", 0, "the framework", &recs));

    size_t nb, na, ni, nr;
    count_parts(root, &nb, &na, &ni, &nr);
    fw->blocks = ig__arena_alloc(&fw->arena, nb * sizeof *fw->blocks);
    fw->areas = ig__arena_alloc(&fw->arena, na * sizeof *fw->areas);
    fw->indicators = ig__arena_alloc(&fw->arena, ni * sizeof *fw->indicators);
    fw->recs = ig__arena_alloc(&fw->arena, nr * sizeof *fw->recs);
    if (!fw->blocks || !fw->areas || !fw->indicators || !fw->recs)
        return nomem(p);
    for (size_t k = 0; k < json_array_size(blocks); k++) {
        TRY(parse_block(p, json_array_get(blocks, k), &fw->blocks[p->nb]));
        p->nb++;
    }
    for (size_t k = 0; recs && k < json_array_size(recs); k++) {
        TRY(parse_rec(p, json_array_get(recs, k), &fw->recs[p->nr]));
        p->nr++;
    }
    /* rules last, once every id they may name is known */
    for (size_t b = 0; b < json_array_size(blocks); b++) {
        const json_t *areas = json_object_get(json_array_get(blocks, b), "areas");
        for (size_t a = 0; a < json_array_size(areas); a++) {
            const json_t *inds =
                json_object_get(json_array_get(areas, a), "indicators");
            for (size_t i = 0; i < json_array_size(inds); i++) {
                const json_t *r =
                    json_object_get(json_array_get(inds, i), "applies_if");
                if (r) TRY(check_rule(p, r, json_string_value(r), 0));
            }
        }
    }
    for (size_t k = 0; recs && k < json_array_size(recs); k++) {
        const json_t *r = json_object_get(json_array_get(recs, k), "if");
        TRY(check_rule(p, r, json_string_value(r), 1));
    }
    in->n_blocks = p->nb;
    in->n_areas = p->na;
    in->n_indicators = p->ni;
    in->n_recommendations = p->nr;
    return IG_OK;
}

ig_status ig_policy_framework_parse(ig_ctx *ctx, const char *text, size_t len,
                                    const char *name,
                                    ig_policy_framework **out, ig_error *err)
{
    if (!text || !out)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0, "text and out required");
    ig_policy_framework *fw = ig__calloc(ctx, 1, sizeof *fw);
    if (!fw) return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    ig__arena_init(&fw->arena, ctx);
    fwp p = {.err = err, .fw = fw};
    ig_status st = ig__jdoc_parse(&p.d, ctx, text, len, name, err);
    if (st == IG_OK) st = parse_root(&p);
    ig__jdoc_free(&p.d);
    if (st != IG_OK) {
        ig_policy_framework_destroy(fw);
        return st;
    }
    *out = fw;
    return IG_OK;
}

ig_status ig_policy_framework_read(ig_ctx *ctx, const char *path,
                                   ig_policy_framework **out, ig_error *err)
{
    if (!path || !out)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0, "path and out required");
    char *buf;
    size_t len;
    ig_status st = ig__policy_slurp(ctx, path, &buf, &len, err);
    if (st != IG_OK) return st;
    st = ig_policy_framework_parse(ctx, buf, len, path, out, err);
    ig__free(ctx, buf, 0);
    return st;
}

void ig_policy_framework_destroy(ig_policy_framework *fw)
{
    if (!fw) return;
    ig_ctx *ctx = fw->arena.ctx;
    ig__arena_free(&fw->arena);
    ig__free(ctx, fw, sizeof *fw);
}

void ig_policy_framework_get_info(const ig_policy_framework *fw,
                                  ig_policy_framework_info *info)
{
    if (fw && info) *info = fw->info;
}

const ig_policy_block *ig_policy_block_get(const ig_policy_framework *fw,
                                           size_t i)
{
    return fw && i < fw->info.n_blocks ? &fw->blocks[i] : NULL;
}

const ig_policy_area *ig_policy_area_get(const ig_policy_framework *fw,
                                         size_t i)
{
    return fw && i < fw->info.n_areas ? &fw->areas[i] : NULL;
}

const ig_policy_indicator *ig_policy_indicator_get(const ig_policy_framework *fw,
                                                   size_t i)
{
    return fw && i < fw->info.n_indicators ? &fw->indicators[i] : NULL;
}

const ig_policy_recommendation *
ig_policy_recommendation_get(const ig_policy_framework *fw, size_t i)
{
    return fw && i < fw->info.n_recommendations ? &fw->recs[i] : NULL;
}

size_t ig_policy_indicator_find(const ig_policy_framework *fw, const char *id)
{
    if (!fw || !id) return (size_t)-1;
    for (size_t i = 0; i < fw->info.n_indicators; i++)
        if (!strcmp(fw->indicators[i].id, id)) return i;
    return (size_t)-1;
}

size_t ig__policy_option_find(const ig_policy_indicator *ind, const char *code)
{
    for (size_t k = 0; k < ind->n_options; k++)
        if (!strcmp(ind->options[k].code, code)) return k;
    return (size_t)-1;
}

const char *ig_policy_kind_name(ig_policy_kind k)
{
    switch (k) {
    case IG_POLICY_KIND_POLICY: return "policy";
    case IG_POLICY_KIND_OUTCOME: return "outcome";
    case IG_POLICY_KIND_CONTEXT: return "context";
    }
    return "unknown";
}
