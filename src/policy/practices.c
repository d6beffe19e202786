/* The practice knowledge base: a JSON file of short practice summaries,
 * parsed (jansson, with positions from jsonpos.c) into plain structs in one
 * arena, and searched by filters. Validation is as strict as for
 * frameworks: every key and every vocabulary word is checked, so a typo in
 * a tag cannot silently hide a practice from a search, and errors carry
 * file:line:column. "Places like mine" orders by the peer engine's strata
 * (settlement type ~ DEGURBA class, population band, foreign-born share
 * band) because practice places carry bands, not exact figures.
 * Format and rules: docs/policy/practices.md. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integrid/ig_peers.h"
#include "policy/policy_impl.h"

#define FORMAT_VERSION 1

extern const unsigned char ig__practices_embedded_text[];
extern const size_t ig__practices_embedded_len;

struct ig_practices {
    ig__arena arena;
    ig_practices_info info;
    ig_practice *items;
};

/* ---- vocabularies ------------------------------------------------------ */

/* Sectors: the EU Action Plan on Integration and Inclusion 2021-2027
 * sectors and horizontal areas, as the lic-oecd12 framework maps them. */
static const char *const v_sector[] = {
    "education",     "employment",       "health",        "housing",
    "governance",    "funding",          "anti_discrimination",
    "inclusive_spaces", "participation", "partnerships",  "welcome",
    "monitoring",    NULL};
/* Tags: every practice_tags word of the shipped framework's
 * recommendations, plus a few finer ones. */
static const char *const v_tag[] = {
    "governance",  "strategy",       "funding",      "welcome",
    "public_space", "monitoring",    "housing",      "education",
    "participation", "employment",   "language",     "anti_discrimination",
    "civil_service", "health",       "reception",    "social_welfare",
    NULL};
static const char *const v_target[] = {
    "all_migrants",       "asylum_seekers",    "refugees",
    "temporary_protection", "labour_migrants", "family_migrants",
    "eu_movers",          "second_generation", "unaccompanied_minors",
    "women",              "youth",             "receiving_society",
    NULL};
static const char *const v_settlement[] = {"city", "town", "rural", NULL};
static const char *const v_evidence[] = {"none", "monitoring", "evaluation",
                                         "impact_evaluation", NULL};
static const char *const v_band[] = {"<5k",       "5k-20k",  "20k-50k",
                                     "50k-100k",  "100k-250k", "250k-1M",
                                     ">=1M",      NULL};
static const double band_lo[IG_PRACTICE_NSIZE_BANDS] = {
    0, 5e3, 20e3, 50e3, 100e3, 250e3, 1e6};

const char *const *ig_practice_vocabulary(const char *which)
{
    if (!which) return NULL;
    if (!strcmp(which, "sector")) return v_sector;
    if (!strcmp(which, "tag")) return v_tag;
    if (!strcmp(which, "target_group")) return v_target;
    if (!strcmp(which, "settlement")) return v_settlement;
    if (!strcmp(which, "evidence")) return v_evidence;
    if (!strcmp(which, "size_band")) return v_band;
    return NULL;
}

static int vocab_index(const char *const *v, const char *s)
{
    for (int k = 0; v[k]; k++)
        if (!strcmp(v[k], s)) return k;
    return -1;
}

static void vocab_list(const char *const *v, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int k = 0; v[k] && len + 2 < cap; k++)
        len += (size_t)snprintf(buf + len, cap - len, "%s%s", k ? ", " : "",
                                v[k]);
}

int ig_practice_size_band(double population)
{
    if (!(population >= 0)) return -1;
    int b = 0;
    for (int k = 1; k < IG_PRACTICE_NSIZE_BANDS; k++)
        if (population >= band_lo[k]) b = k;
    return b;
}

const char *ig_practice_size_band_label(int b)
{
    return b >= 0 && b < IG_PRACTICE_NSIZE_BANDS ? v_band[b] : NULL;
}

int ig_practice_size_band_parse(const char *s)
{
    return s ? vocab_index(v_band, s) : -1;
}

const char *ig_practice_settlement_of_class(const char *cls)
{
    if (!cls) return NULL;
    if (!strcmp(cls, "urban_centre")) return "city";
    if (!strcmp(cls, "urban_cluster")) return "town";
    if (!strncmp(cls, "rural", 5) && (cls[5] == '\0' || cls[5] == ':'))
        return "rural";
    return NULL;
}

const char *ig_practice_evidence_name(ig_practice_evidence e)
{
    return (int)e >= 0 && (int)e <= IG_PRACTICE_EV_IMPACT ? v_evidence[e]
                                                          : "unknown";
}

/* ---- parsing ----------------------------------------------------------- */

typedef struct prp {
    ig__jdoc d;
    ig_error *err;
    ig_practices *kb;
} prp;

#define TRY(x)                                                             \
    do {                                                                   \
        ig_status st_ = (x);                                               \
        if (st_ != IG_OK) return st_;                                      \
    } while (0)

static ig_status nomem(prp *p)
{
    return ig__error_set(p->err, IG_ERR_NOMEM, 0, 0, "out of memory");
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
            size_t m = sub < del ? sub : del;
            row[j] = m < ins ? m : ins;
            prev = cur;
        }
    }
    return row[nb];
}

/* The closest word of v to s (edit distance <= 2), or NULL. */
static const char *closest(const char *const *v, const char *s)
{
    const char *best = NULL;
    size_t bd = 3;
    for (int k = 0; v[k]; k++) {
        size_t d = edit_distance(s, v[k]);
        if (d < bd) {
            bd = d;
            best = v[k];
        }
    }
    return best;
}

static ig_status check_keys(prp *p, const json_t *obj,
                            const char *const *known, const char *what)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)(uintptr_t)obj, key, v) {
        if (vocab_index(known, key) >= 0) continue;
        const char *near = closest(known, key);
        char list[400];
        vocab_list(known, list, sizeof list);
        if (near)
            return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, key, 0,
                                  "unknown key \"%s\" in %s; did you mean "
                                  "\"%s\"?",
                                  key, what, near);
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, key, 0,
                              "unknown key \"%s\" in %s; known keys: %s", key,
                              what, list);
    }
    return IG_OK;
}

static ig_status get_str(prp *p, const json_t *obj, const char *key,
                         int required, const char *what, const char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = "";
    if (!v) {
        if (required)
            return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, obj, 0,
                                  "%s has no \"%s\"; add \"%s\": \"...\"",
                                  what, key, key);
        return IG_OK;
    }
    if (!json_is_string(v))
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE,
                              ig__jdoc_member(obj, key), 0,
                              "\"%s\" of %s must be a string", key, what);
    if (required && json_string_length(v) == 0)
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE,
                              ig__jdoc_member(obj, key), 0,
                              "\"%s\" of %s is empty", key, what);
    *out = ig__arena_strdup(&p->kb->arena, json_string_value(v));
    return *out ? IG_OK : nomem(p);
}

/* A word of vocabulary v at value node at (a string). */
static ig_status check_word(prp *p, const json_t *at, const char *word,
                            const char *const *v, const char *key,
                            const char *what, int *index)
{
    int k = vocab_index(v, word);
    if (k >= 0) {
        if (index) *index = k;
        return IG_OK;
    }
    const char *near = closest(v, word);
    char list[400];
    vocab_list(v, list, sizeof list);
    if (near)
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, at, 0,
                              "\"%s\" of %s: unknown word \"%s\"; did you "
                              "mean \"%s\"? (valid: %s)",
                              key, what, word, near, list);
    return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, at, 0,
                          "\"%s\" of %s: unknown word \"%s\"; valid: %s", key,
                          what, word, list);
}

static ig_status get_word(prp *p, const json_t *obj, const char *key,
                          const char *const *v, const char *what,
                          const char **out, int *index)
{
    TRY(get_str(p, obj, key, 1, what, out));
    return check_word(p, json_object_get(obj, key), *out, v, key, what,
                      index);
}

/* A required non-empty list of vocabulary words, no repeats. */
static ig_status get_words(prp *p, const json_t *obj, const char *key,
                           const char *const *v, const char *what,
                           const char *const **out, size_t *n)
{
    json_t *a = json_object_get(obj, key);
    if (!a)
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, obj, 0,
                              "%s has no \"%s\" list; add \"%s\": [...]",
                              what, key, key);
    if (!json_is_array(a) || json_array_size(a) == 0)
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, a, 0,
                              "\"%s\" of %s must be a non-empty list of "
                              "words",
                              key, what);
    size_t m = json_array_size(a);
    const char **w = ig__arena_alloc(&p->kb->arena, m * sizeof *w);
    if (!w) return nomem(p);
    for (size_t i = 0; i < m; i++) {
        json_t *e = json_array_get(a, i);
        if (!json_is_string(e))
            return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, e, 0,
                                  "\"%s\" of %s must hold strings", key,
                                  what);
        TRY(check_word(p, e, json_string_value(e), v, key, what, NULL));
        for (size_t j = 0; j < i; j++)
            if (!strcmp(w[j], json_string_value(e)))
                return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, e, 0,
                                      "\"%s\" of %s lists \"%s\" twice", key,
                                      what, w[j]);
        w[i] = ig__arena_strdup(&p->kb->arena, json_string_value(e));
        if (!w[i]) return nomem(p);
    }
    *out = w;
    *n = m;
    return IG_OK;
}

static int valid_id(const char *s)
{
    if (!*s) return 0;
    for (const char *c = s; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
              *c == '-' || *c == '_' || *c == '.'))
            return 0;
    return 1;
}

static const char *const k_top[] = {"integrid_practices", "version", "title",
                                    "licence", "notice", "practices", NULL};
static const char *const k_pr[] = {
    "id",        "title",        "summary",       "points",
    "sector",    "tags",         "target_groups", "country",
    "place",     "size_band",    "settlement",    "population",
    "foreign_share", "period",   "evidence_level", "source_title",
    "source_url", "licence",     "verified",      NULL};

static ig_status parse_practice(prp *p, const json_t *o, size_t i,
                                ig_practice *pr)
{
    char what[96];
    if (!json_is_object(o))
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, o, 0,
                              "practice %zu must be an object {...}", i + 1);
    snprintf(what, sizeof what, "practice %zu", i + 1);
    TRY(get_str(p, o, "id", 1, what, &pr->id));
    if (!valid_id(pr->id))
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE,
                              json_object_get(o, "id"), 0,
                              "id \"%s\" of %s: use lower-case letters, "
                              "digits, '-', '_' and '.' only",
                              pr->id, what);
    snprintf(what, sizeof what, "practice %s", pr->id);
    TRY(check_keys(p, o, k_pr, what));
    ig__jdoc_where(&p->d, o, 0, &pr->line, &pr->column);
    TRY(get_str(p, o, "title", 1, what, &pr->title));
    TRY(get_str(p, o, "summary", 1, what, &pr->summary));
    /* points */
    json_t *a = json_object_get(o, "points");
    if (!a)
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, o, 0,
                              "%s has no \"points\"; add the checklist "
                              "points 1..12 it serves, e.g. \"points\": [10]",
                              what);
    if (!json_is_array(a) || json_array_size(a) == 0)
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, a, 0,
                              "\"points\" of %s must be a non-empty list of "
                              "checklist points 1..12",
                              what);
    pr->n_points = json_array_size(a);
    int *pts = ig__arena_alloc(&p->kb->arena, pr->n_points * sizeof *pts);
    if (!pts) return nomem(p);
    for (size_t k = 0; k < pr->n_points; k++) {
        json_t *e = json_array_get(a, k);
        json_int_t v = json_is_integer(e) ? json_integer_value(e) : 0;
        if (v < 1 || v > 12)
            return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, e, 0,
                                  "\"points\" of %s: each must be a whole "
                                  "number 1..12 (a checklist point)",
                                  what);
        pts[k] = (int)v;
        for (size_t j = 0; j < k; j++)
            if (pts[j] == pts[k])
                return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, e, 0,
                                      "\"points\" of %s lists %d twice", what,
                                      pts[k]);
    }
    pr->points = pts;
    TRY(get_word(p, o, "sector", v_sector, what, &pr->sector, NULL));
    TRY(get_words(p, o, "tags", v_tag, what, &pr->tags, &pr->n_tags));
    TRY(get_words(p, o, "target_groups", v_target, what, &pr->target_groups,
                  &pr->n_targets));
    TRY(get_str(p, o, "country", 1, what, &pr->country));
    const char *c = pr->country;
    if (!(strlen(c) == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' &&
          c[1] <= 'Z'))
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE,
                              json_object_get(o, "country"), 0,
                              "\"country\" of %s is \"%s\"; give the ISO "
                              "3166-1 alpha-2 code, e.g. \"DE\"",
                              what, c);
    TRY(get_str(p, o, "place", 1, what, &pr->place));
    const char *band;
    TRY(get_word(p, o, "size_band", v_band, what, &band, &pr->size_band));
    TRY(get_word(p, o, "settlement", v_settlement, what, &pr->settlement,
                 NULL));
    pr->population = NAN;
    pr->foreign_share = NAN;
    json_t *v = json_object_get(o, "population");
    if (v) {
        double x = json_is_number(v) ? json_number_value(v) : -1;
        if (!(x >= 0) || !isfinite(x))
            return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, v, 0,
                                  "\"population\" of %s must be a number "
                                  ">= 0",
                                  what);
        if (ig_practice_size_band(x) != pr->size_band)
            return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, v, 0,
                                  "\"population\" of %s is %g, which is in "
                                  "band \"%s\", not \"%s\"; fix one of them",
                                  what, x,
                                  v_band[ig_practice_size_band(x)], band);
        pr->population = x;
    }
    v = json_object_get(o, "foreign_share");
    if (v) {
        double x = json_is_number(v) ? json_number_value(v) : -1;
        if (!(x >= 0 && x <= 1))
            return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, v, 0,
                                  "\"foreign_share\" of %s must be a share "
                                  "in 0..1 (0.12 for 12 %%)",
                                  what);
        pr->foreign_share = x;
    }
    pr->share_band = ig_bench_share_band(pr->foreign_share);
    TRY(get_str(p, o, "period", 0, what, &pr->period));
    const char *ev;
    int evi = 0;
    TRY(get_word(p, o, "evidence_level", v_evidence, what, &ev, &evi));
    pr->evidence = (ig_practice_evidence)evi;
    TRY(get_str(p, o, "source_title", 1, what, &pr->source_title));
    TRY(get_str(p, o, "source_url", 1, what, &pr->source_url));
    if (strncmp(pr->source_url, "https://", 8) != 0 &&
        strncmp(pr->source_url, "http://", 7) != 0)
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE,
                              json_object_get(o, "source_url"), 0,
                              "\"source_url\" of %s must start with "
                              "https:// or http://",
                              what);
    TRY(get_str(p, o, "licence", 1, what, &pr->licence));
    v = json_object_get(o, "verified");
    if (!v)
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, o, 0,
                              "%s has no \"verified\"; say true when the "
                              "summary was checked against the source, "
                              "false otherwise",
                              what);
    if (!json_is_boolean(v))
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE,
                              ig__jdoc_member(o, "verified"), 1,
                              "\"verified\" of %s must be true or false",
                              what);
    pr->verified = json_is_true(v);
    return IG_OK;
}

static ig_status parse_root(prp *p)
{
    json_t *r = p->d.root;
    if (!json_is_object(r))
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, r, 0,
                              "a practices file is a JSON object {...}");
    TRY(check_keys(p, r, k_top, "the practices file"));
    json_t *fv = json_object_get(r, "integrid_practices");
    if (!fv || !json_is_integer(fv) ||
        json_integer_value(fv) != FORMAT_VERSION)
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, fv ? fv : r, 0,
                              "not an integrid practices file: it needs "
                              "\"integrid_practices\": %d",
                              FORMAT_VERSION);
    ig_practices_info *in = &p->kb->info;
    TRY(get_str(p, r, "version", 1, "the practices file", &in->version));
    TRY(get_str(p, r, "title", 0, "the practices file", &in->title));
    TRY(get_str(p, r, "licence", 1, "the practices file", &in->licence));
    TRY(get_str(p, r, "notice", 0, "the practices file", &in->notice));
    json_t *a = json_object_get(r, "practices");
    if (!a || !json_is_array(a))
        return ig__jdoc_error(&p->d, p->err, IG_ERR_PARSE, a ? a : r, 0,
                              "the practices file needs a \"practices\" "
                              "list [...]");
    size_t n = json_array_size(a);
    if (n) {
        p->kb->items = ig__arena_alloc(&p->kb->arena, n * sizeof *p->kb->items);
        if (!p->kb->items) return nomem(p);
    }
    for (size_t i = 0; i < n; i++) {
        ig_practice *pr = &p->kb->items[i];
        TRY(parse_practice(p, json_array_get(a, i), i, pr));
        for (size_t j = 0; j < i; j++)
            if (!strcmp(p->kb->items[j].id, pr->id))
                return ig__jdoc_error(
                    &p->d, p->err, IG_ERR_PARSE,
                    json_object_get(json_array_get(a, i), "id"), 0,
                    "duplicate practice id \"%s\" (first at line %ld)",
                    pr->id, p->kb->items[j].line);
        in->n_practices = i + 1;
    }
    return IG_OK;
}

ig_status ig_practices_parse(ig_ctx *ctx, const char *text, size_t len,
                             const char *name, ig_practices **out,
                             ig_error *err)
{
    if (!text || !out)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0, "text and out required");
    ig_practices *kb = ig__calloc(ctx, 1, sizeof *kb);
    if (!kb) return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    ig__arena_init(&kb->arena, ctx);
    prp p = {.err = err, .kb = kb};
    ig_status st = ig__jdoc_parse(&p.d, ctx, text, len, name, err);
    if (st == IG_OK) st = parse_root(&p);
    ig__jdoc_free(&p.d);
    if (st != IG_OK) {
        ig_practices_destroy(kb);
        return st;
    }
    *out = kb;
    return IG_OK;
}

ig_status ig_practices_read(ig_ctx *ctx, const char *path, ig_practices **out,
                            ig_error *err)
{
    if (!path || !out)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0, "path and out required");
    char *buf;
    size_t len;
    ig_status st = ig__policy_slurp(ctx, path, &buf, &len, err);
    if (st != IG_OK) return st;
    st = ig_practices_parse(ctx, buf, len, path, out, err);
    ig__free(ctx, buf, 0);
    return st;
}

ig_status ig_practices_builtin(ig_ctx *ctx, ig_practices **out, ig_error *err)
{
    return ig_practices_parse(ctx, (const char *)ig__practices_embedded_text,
                              ig__practices_embedded_len,
                              "(built-in) practices.json", out, err);
}

void ig_practices_destroy(ig_practices *kb)
{
    if (!kb) return;
    ig_ctx *ctx = kb->arena.ctx;
    ig__arena_free(&kb->arena);
    ig__free(ctx, kb, sizeof *kb);
}

void ig_practices_get_info(const ig_practices *kb, ig_practices_info *info)
{
    if (kb && info) *info = kb->info;
}

const ig_practice *ig_practice_get(const ig_practices *kb, size_t i)
{
    return kb && i < kb->info.n_practices ? &kb->items[i] : NULL;
}

size_t ig_practice_find(const ig_practices *kb, const char *id)
{
    if (!kb || !id) return (size_t)-1;
    for (size_t i = 0; i < kb->info.n_practices; i++)
        if (!strcmp(kb->items[i].id, id)) return i;
    return (size_t)-1;
}

/* ---- search ------------------------------------------------------------ */

void ig_practice_query_init(ig_practice_query *q)
{
    if (!q) return;
    memset(q, 0, sizeof *q);
    q->size_band = -1;
    q->like_population = NAN;
    q->like_foreign_share = NAN;
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Case-insensitive (ASCII) search for the n bytes of w in s. */
static int has_word(const char *s, const char *w, size_t n)
{
    for (; *s; s++) {
        size_t k = 0;
        while (k < n && s[k] && lower((unsigned char)s[k]) ==
                                    lower((unsigned char)w[k]))
            k++;
        if (k == n) return 1;
    }
    return 0;
}

static int text_matches(const ig_practice *pr, const char *text)
{
    const char *s = text;
    while (*s) {
        while (*s == ' ' || *s == ',') s++;
        size_t n = strcspn(s, " ,");
        if (n && !has_word(pr->title, s, n) && !has_word(pr->summary, s, n) &&
            !has_word(pr->place, s, n))
            return 0;
        s += n;
    }
    return 1;
}

static int has_str(const char *const *list, size_t n, const char *s,
                   size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i]) == len && !strncmp(list[i], s, len)) return 1;
    return 0;
}

static int tags_match(const ig_practice *pr, const char *tags)
{
    const char *s = tags;
    while (*s) {
        while (*s == ' ' || *s == ',') s++;
        size_t n = strcspn(s, " ,");
        if (n && has_str(pr->tags, pr->n_tags, s, n)) return 1;
        s += n;
    }
    return 0;
}

static int ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (lower((unsigned char)*a) != lower((unsigned char)*b)) return 0;
    return *a == *b;
}

static ig_status bad_word(ig_error *err, const char *what, const char *word,
                          const char *const *v)
{
    char list[400];
    vocab_list(v, list, sizeof list);
    const char *near = closest(v, word);
    if (near)
        return ig__error_set(err, IG_ERR_NOT_FOUND, 0, 0,
                             "unknown %s \"%s\"; did you mean \"%s\"? "
                             "(valid: %s)",
                             what, word, near, list);
    return ig__error_set(err, IG_ERR_NOT_FOUND, 0, 0,
                         "unknown %s \"%s\"; valid: %s", what, word, list);
}

static ig_status check_query(const ig_practice_query *q, ig_error *err)
{
    if (q->point < 0 || q->point > 12)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "checklist point %d: use 1..12", q->point);
    if (q->size_band < -1 || q->size_band >= IG_PRACTICE_NSIZE_BANDS)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "size band %d out of range", q->size_band);
    if ((int)q->evidence_min < 0 || q->evidence_min > IG_PRACTICE_EV_IMPACT)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "evidence level out of range");
    if (q->sector && vocab_index(v_sector, q->sector) < 0)
        return bad_word(err, "sector", q->sector, v_sector);
    if (q->target_group && vocab_index(v_target, q->target_group) < 0)
        return bad_word(err, "target group", q->target_group, v_target);
    if (q->settlement && vocab_index(v_settlement, q->settlement) < 0)
        return bad_word(err, "settlement type", q->settlement, v_settlement);
    if (q->like && q->like_settlement &&
        vocab_index(v_settlement, q->like_settlement) < 0)
        return bad_word(err, "settlement type", q->like_settlement,
                        v_settlement);
    if (q->like && isfinite(q->like_foreign_share) &&
        !(q->like_foreign_share >= 0 && q->like_foreign_share <= 1))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "foreign-born share %g of the place: use a "
                             "share in 0..1",
                             q->like_foreign_share);
    if (q->tags) {
        const char *s = q->tags;
        while (*s) {
            while (*s == ' ' || *s == ',') s++;
            size_t n = strcspn(s, " ,");
            if (n) {
                char w[64];
                size_t m = n < sizeof w - 1 ? n : sizeof w - 1;
                memcpy(w, s, m);
                w[m] = '\0';
                if (vocab_index(v_tag, w) < 0 || m < n)
                    return bad_word(err, "tag", w, v_tag);
            }
            s += n;
        }
    }
    return IG_OK;
}

static int cmp_like(const ig_practice_match *a, const ig_practice_match *b,
                    const ig_practices *kb)
{
    /* unknown (-1) sorts after every known value */
    int sa = a->same_settlement < 0 ? 0 : a->same_settlement;
    int sb = b->same_settlement < 0 ? 0 : b->same_settlement;
    if (sa != sb) return sb - sa;
    unsigned za = (unsigned)a->size_band_diff, zb = (unsigned)b->size_band_diff;
    if (za != zb) return za < zb ? -1 : 1;
    unsigned ha = (unsigned)a->share_band_diff, hb = (unsigned)b->share_band_diff;
    if (ha != hb) return ha < hb ? -1 : 1;
    const ig_practice *pa = &kb->items[a->index], *pb = &kb->items[b->index];
    if (pa->evidence != pb->evidence) return pa->evidence > pb->evidence ? -1 : 1;
    return strcmp(pa->id, pb->id);
}

ig_status ig_practices_search(ig_ctx *ctx, const ig_practices *kb,
                              const ig_practice_query *q,
                              ig_practice_match **out, size_t *n,
                              ig_error *err)
{
    if (!kb || !q || !out || !n)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "kb, query, out and n required");
    *out = NULL;
    *n = 0;
    TRY(check_query(q, err));
    size_t np = kb->info.n_practices;
    if (!np) return IG_OK;
    ig_practice_match *m = ig__alloc(ctx, np * sizeof *m);
    if (!m) return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    int lband = q->like ? ig_practice_size_band(q->like_population) : -1;
    int lshare = q->like ? ig_bench_share_band(q->like_foreign_share) : -1;
    size_t k = 0;
    for (size_t i = 0; i < np; i++) {
        const ig_practice *pr = &kb->items[i];
        int ok = 1;
        if (q->point) {
            ok = 0;
            for (size_t j = 0; j < pr->n_points; j++)
                if (pr->points[j] == q->point) ok = 1;
        }
        if (ok && q->sector) ok = !strcmp(pr->sector, q->sector);
        if (ok && q->tags) ok = tags_match(pr, q->tags);
        if (ok && q->target_group)
            ok = has_str(pr->target_groups, pr->n_targets, q->target_group,
                         strlen(q->target_group));
        if (ok && q->country) ok = ieq(pr->country, q->country);
        if (ok && q->size_band >= 0) ok = pr->size_band == q->size_band;
        if (ok && q->settlement) ok = !strcmp(pr->settlement, q->settlement);
        if (ok) ok = pr->evidence >= q->evidence_min;
        if (ok && q->text) ok = text_matches(pr, q->text);
        if (!ok) continue;
        ig_practice_match *x = &m[k++];
        x->index = i;
        x->same_settlement = q->like && q->like_settlement
                                 ? !strcmp(pr->settlement, q->like_settlement)
                                 : -1;
        x->size_band_diff = lband >= 0 ? abs(pr->size_band - lband) : -1;
        x->share_band_diff =
            lshare >= 0 && pr->share_band >= 0 ? abs(pr->share_band - lshare)
                                               : -1;
    }
    if (q->like) /* insertion sort: stable, a few dozen entries */
        for (size_t i = 1; i < k; i++)
            for (size_t j = i; j > 0 && cmp_like(&m[j - 1], &m[j], kb) > 0;
                 j--) {
                ig_practice_match t = m[j];
                m[j] = m[j - 1];
                m[j - 1] = t;
            }
    if (q->limit && k > q->limit) k = q->limit;
    if (!k) {
        ig__free(ctx, m, np * sizeof *m);
        return IG_OK;
    }
    /* shrink to k so the caller frees with the count it was given */
    ig_practice_match *r = ig__alloc(ctx, k * sizeof *r);
    if (!r) {
        ig__free(ctx, m, np * sizeof *m);
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    }
    memcpy(r, m, k * sizeof *r);
    ig__free(ctx, m, np * sizeof *m);
    *out = r;
    *n = k;
    return IG_OK;
}

void ig_practices_matches_free(ig_ctx *ctx, ig_practice_match *m, size_t n)
{
    if (m) ig__free(ctx, m, n * sizeof *m);
}
