/* The /api/v1 policy handlers: the built-in frameworks (list, the JSON
 * text, a fill-in template) and the assessments of a dataset, saved in the
 * store as the very bytes that were sent (so export is the import, byte
 * for byte) in numbered revisions. An assessment is parsed and checked
 * against its framework before anything is stored: an answer for another
 * framework version is a 400 naming "framework_version". Scores are never
 * stored: GET .../scores recomputes them from the saved answers and the
 * framework with ig_policy_score(), as `integrid policy score` does. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "integrid/integrid.h"
#include "server/server_internal.h"

static int seg_is(const ig__req *q, int k, const char *s)
{
    return k < q->nseg && strcmp(q->seg[k], s) == 0;
}

static int method_is(const ig__req *q, const char *m)
{
    return strcmp(q->method, m) == 0;
}

static void framework_info_json(ig__srvbuf *b, const ig_policy_framework *fw)
{
    ig_policy_framework_info fi;
    ig_policy_framework_get_info(fw, &fi);
    ig__srvbuf_puts(b, "{\"id\":");
    ig__srvbuf_json_str(b, fi.id);
    ig__srvbuf_puts(b, ",\"version\":");
    ig__srvbuf_json_str(b, fi.version);
    ig__srvbuf_puts(b, ",\"title\":");
    ig__srvbuf_json_str(b, fi.title);
    ig__srvbuf_puts(b, ",\"description\":");
    ig__srvbuf_json_str(b, fi.description ? fi.description : "");
    ig__srvbuf_puts(b, ",\"notice\":");
    ig__srvbuf_json_str(b, fi.notice ? fi.notice : "");
    ig__srvbuf_printf(b,
                      ",\"blocks\":%zu,\"areas\":%zu,\"indicators\":%zu,"
                      "\"recommendations\":%zu}",
                      fi.n_blocks, fi.n_areas, fi.n_indicators,
                      fi.n_recommendations);
}

static void list_frameworks(ig__req *q, ig__resp *r)
{
    ig__srvbuf_puts(&r->body, "{\"frameworks\":[");
    for (size_t i = 0; i < ig_policy_builtin_count(); i++) {
        ig_policy_framework *fw = NULL;
        ig_error err = {0};
        if (ig_policy_framework_builtin(q->srv->ctx, ig_policy_builtin_id(i),
                                        &fw, &err) != IG_OK) {
            ig__lib_error(r, IG_ERR_IO, &err, NULL);
            return;
        }
        if (i) ig__srvbuf_puts(&r->body, ",");
        framework_info_json(&r->body, fw);
        ig_policy_framework_destroy(fw);
    }
    ig__srvbuf_puts(&r->body, "]}\n");
}

static void get_framework(ig__req *q, ig__resp *r, const char *fid,
                          int template_)
{
    size_t k = 0;
    while (k < ig_policy_builtin_count() &&
           strcmp(ig_policy_builtin_id(k), fid) != 0)
        k++;
    if (k == ig_policy_builtin_count()) {
        ig__resp_error(r, 404, "framework",
                       "no framework '%.64s' (GET /api/v1/policy/frameworks "
                       "lists them)",
                       fid);
        return;
    }
    if (!template_) {
        size_t len = 0;
        const char *t = ig_policy_builtin_text(k, &len);
        ig__srvbuf_add(&r->body, t, len);
        return;
    }
    ig_policy_framework *fw = NULL;
    ig_error err = {0};
    ig_status st = ig_policy_framework_builtin(q->srv->ctx, fid, &fw, &err);
    char *out = NULL;
    size_t len = 0;
    if (st == IG_OK)
        st = ig_policy_template(q->srv->ctx, fw, IG_POLICY_TEMPLATE_JSON, &out,
                                &len, &err);
    if (st != IG_OK)
        ig__lib_error(r, st, &err, "framework");
    else
        ig__srvbuf_add(&r->body, out, len);
    ig_policy_free(q->srv->ctx, out);
    ig_policy_framework_destroy(fw);
}

/* Parse and check an assessment document against its built-in framework;
 * on success *fw and *a are set and fwkey is "id@version". Fills r with a
 * 4xx naming the field otherwise. */
static int check_doc(ig_server *srv, ig__resp *r, const char *text, size_t len,
                     ig_policy_framework **fw, ig_policy_assessment **a,
                     char fwkey[64])
{
    ig_error err = {0};
    *fw = NULL;
    *a = NULL;
    ig_status st =
        ig_policy_assessment_parse(srv->ctx, text, len, "body", a, &err);
    if (st != IG_OK) {
        ig__lib_error(r, st, &err, "body");
        return 0;
    }
    ig_policy_assessment_info ai;
    ig_policy_assessment_get_info(*a, &ai);
    if (!ai.framework || !ai.framework[0]) {
        ig__resp_error(r, 400, "framework",
                       "the assessment names no framework: add "
                       "\"framework\": \"ID\" (GET /api/v1/policy/frameworks)");
        return 0;
    }
    st = ig_policy_framework_builtin(srv->ctx, ai.framework, fw, &err);
    if (st != IG_OK) {
        ig__resp_error(r, 400, "framework", "%s",
                       err.msg[0] ? err.msg : ig_strerror(st));
        return 0;
    }
    memset(&err, 0, sizeof err);
    st = ig_policy_assessment_check(*fw, *a, &err);
    if (st != IG_OK) {
        ig_policy_framework_info fi;
        ig_policy_framework_get_info(*fw, &fi);
        const char *field = "answers";
        if (st == IG_ERR_MISMATCH)
            field = ai.framework_version &&
                            strcmp(ai.framework_version, fi.version) != 0
                        ? "framework_version"
                        : "framework";
        ig__lib_error(r, st == IG_ERR_NOMEM ? st : IG_ERR_PARSE, &err, field);
        return 0;
    }
    ig_policy_framework_info fi;
    ig_policy_framework_get_info(*fw, &fi);
    snprintf(fwkey, 64, "%.30s@%.30s", fi.id, fi.version);
    return 1;
}

static int name_ok(ig__resp *r, const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > 64) {
        ig__resp_error(r, 400, "name",
                       "give the assessment a name of 1 to 64 characters "
                       "(letters, digits, . _ - :)");
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
              (c >= 'A' && c <= 'Z') || c == '_' || c == '-' || c == ':' ||
              c == '.')) {
            ig__resp_error(r, 400, "name",
                           "'%.64s': use letters, digits, . _ - : only", name);
            return 0;
        }
    }
    return 1;
}

static void save(ig__req *q, ig__resp *r, const char *id, const char *name,
                 int create)
{
    ig_server *srv = q->srv;
    static const char *const known_post[] = {"name"};
    static const char *const known_put[] = {"revision"};
    if (!ig__only_params(r, &q->query, create ? known_post : known_put, 1))
        return;
    if (create) name = ig__params_get(&q->query, "name");
    if (!name_ok(r, name)) return;
    double expect = -1;
    if (!create &&
        !ig__param_num(r, &q->query, "revision", 1, 1e15, 0, &expect))
        return;
    if (expect != floor(expect)) {
        ig__resp_error(r, 400, "revision", "give a whole number");
        return;
    }
    if (strcmp(q->content_type, "application/json") != 0) {
        ig__resp_error(r, 415, "Content-Type",
                       "send the assessment as application/json");
        return;
    }
    if (q->body_len == 0 || memchr(q->body, '\0', q->body_len)) {
        ig__resp_error(r, 400, "body",
                       "send the assessment (JSON, as `integrid policy "
                       "template` writes it) as the body");
        return;
    }
    ig_store_dataset d;
    ig_error err = {0};
    ig_status st = ig_store_dataset_info(srv->store, id, &d, &err);
    if (st != IG_OK) {
        ig__lib_error(r, st, &err, "dataset");
        return;
    }
    ig_policy_framework *fw = NULL;
    ig_policy_assessment *a = NULL;
    char fwkey[64];
    if (!check_doc(srv, r, q->body, q->body_len, &fw, &a, fwkey)) goto out;
    /* the body is NUL-terminated by the connection buffer? copy to be sure */
    char *text = ig__alloc(srv->ctx, q->body_len + 1);
    if (!text) {
        ig__resp_error(r, 503, NULL, "out of memory");
        goto out;
    }
    memcpy(text, q->body, q->body_len);
    text[q->body_len] = '\0';
    int64_t rev = 0;
    st = ig_store_assessment_save(srv->store, id, name, fwkey, text,
                                  create ? 0 : (int64_t)expect, &rev, &err);
    ig__free(srv->ctx, text, q->body_len + 1);
    if (st == IG_ERR_MISMATCH) {
        ig__resp_error(r, 409, create ? "name" : "revision", "%s", err.msg);
        goto out;
    }
    if (st != IG_OK) {
        ig__lib_error(r, st, &err, st == IG_ERR_DOMAIN ? "name" : NULL);
        goto out;
    }
    r->status = create ? 201 : 200;
    snprintf(r->location, sizeof r->location,
             "/api/v1/datasets/%.33s/assessments/%.64s", id, name);
    ig__srvbuf_puts(&r->body, "{\"name\":");
    ig__srvbuf_json_str(&r->body, name);
    ig__srvbuf_puts(&r->body, ",\"framework\":");
    ig__srvbuf_json_str(&r->body, fwkey);
    ig__srvbuf_printf(&r->body, ",\"revision\":%lld}\n", (long long)rev);
out:
    ig_policy_assessment_destroy(a);
    ig_policy_framework_destroy(fw);
}

static void list_assessments(ig__req *q, ig__resp *r, const char *id)
{
    if (!ig__only_params(r, &q->query, NULL, 0)) return;
    ig_store_assessment *v = NULL;
    size_t n = 0;
    ig_error err = {0};
    ig_status st = ig_store_assessment_list(q->srv->store, id, &v, &n, &err);
    if (st != IG_OK) {
        ig__lib_error(r, st, &err, "dataset");
        return;
    }
    ig__srvbuf_puts(&r->body, "{\"assessments\":[");
    for (size_t i = 0; i < n; i++) {
        if (i) ig__srvbuf_puts(&r->body, ",");
        ig__srvbuf_puts(&r->body, "{\"name\":");
        ig__srvbuf_json_str(&r->body, v[i].name);
        ig__srvbuf_puts(&r->body, ",\"framework\":");
        ig__srvbuf_json_str(&r->body, v[i].framework);
        ig__srvbuf_printf(&r->body, ",\"revision\":%lld,\"updated\":%lld}",
                          (long long)v[i].revision, (long long)v[i].updated);
    }
    ig__srvbuf_puts(&r->body, "]}\n");
    ig_store_free(q->srv->ctx, v, 0);
}

/* The saved document of revision ?revision= (default: the latest). */
static char *load(ig__req *q, ig__resp *r, const char *id, const char *name,
                  int64_t *rev)
{
    static const char *const known[] = {"revision"};
    if (!ig__only_params(r, &q->query, known, 1)) return NULL;
    double want = 0;
    if (!ig__param_num(r, &q->query, "revision", 1, 1e15, 0, &want))
        return NULL;
    if (want != floor(want)) {
        ig__resp_error(r, 400, "revision", "give a whole number");
        return NULL;
    }
    char fw[64];
    char *text = NULL;
    ig_error err = {0};
    ig_status st = ig_store_assessment_get_rev(
        q->srv->store, id, name, (int64_t)want, fw, &text, rev, &err);
    if (st != IG_OK) {
        ig__lib_error(
            r, st, &err,
            st == IG_ERR_NOT_FOUND && want > 0 ? "revision" : "assessment");
        return NULL;
    }
    return text;
}

static void export_doc(ig__req *q, ig__resp *r, const char *id,
                       const char *name)
{
    int64_t rev = 0;
    char *text = load(q, r, id, name, &rev);
    if (!text) return;
    ig__srvbuf_puts(&r->body, text);
    ig_store_free(q->srv->ctx, text, 0);
}

static void gscore_json(ig__srvbuf *b, const ig_policy_gscore *g)
{
    ig__srvbuf_puts(b, "{\"score\":");
    ig__srvbuf_json_num(b, g->score);
    ig__srvbuf_printf(b,
                      ",\"sufficient\":%s,\"indicators\":%zu,\"applicable\":"
                      "%zu,\"answered\":%zu,\"excluded\":%zu,\"dont_know\":%zu,"
                      "\"documented\":%zu,\"coverage\":",
                      g->sufficient ? "true" : "false", g->n_indicators,
                      g->n_applicable, g->n_answered, g->n_excluded,
                      g->n_dont_know, g->n_documented);
    ig__srvbuf_json_num(b, g->coverage);
    ig__srvbuf_puts(b, ",\"outcome_score\":");
    ig__srvbuf_json_num(b, g->outcome_score);
    ig__srvbuf_puts(b, "}");
}

static void scores(ig__req *q, ig__resp *r, const char *id, const char *name)
{
    ig_server *srv = q->srv;
    int64_t rev = 0;
    char *text = load(q, r, id, name, &rev);
    if (!text) return;
    ig_policy_framework *fw = NULL;
    ig_policy_assessment *a = NULL;
    ig_policy_scores *sc = NULL;
    char fwkey[64];
    if (!check_doc(srv, r, text, strlen(text), &fw, &a, fwkey)) goto out;
    ig_error err = {0};
    ig_status st = ig_policy_score(srv->ctx, fw, a, NULL, &sc, &err);
    if (st != IG_OK) {
        ig__lib_error(r, st, &err, "answers");
        goto out;
    }
    ig_policy_framework_info fi;
    ig_policy_framework_get_info(fw, &fi);
    ig__srvbuf *b = &r->body;
    ig__srvbuf_puts(b, "{\"name\":");
    ig__srvbuf_json_str(b, name);
    ig__srvbuf_printf(b, ",\"revision\":%lld,\"framework\":", (long long)rev);
    framework_info_json(b, fw);
    ig__srvbuf_puts(b, ",\"overall\":");
    gscore_json(b, ig_policy_scores_overall(sc));
    ig__srvbuf_puts(b, ",\"blocks\":[");
    for (size_t i = 0; i < fi.n_blocks; i++) {
        const ig_policy_block *bl = ig_policy_block_get(fw, i);
        if (i) ig__srvbuf_puts(b, ",");
        ig__srvbuf_puts(b, "{\"id\":");
        ig__srvbuf_json_str(b, bl->id);
        ig__srvbuf_puts(b, ",\"title\":");
        ig__srvbuf_json_str(b, bl->title);
        ig__srvbuf_puts(b, ",\"score\":");
        gscore_json(b, ig_policy_scores_block(sc, i));
        ig__srvbuf_puts(b, "}");
    }
    ig__srvbuf_puts(b, "],\"areas\":[");
    for (size_t i = 0; i < fi.n_areas; i++) {
        const ig_policy_area *ar = ig_policy_area_get(fw, i);
        if (i) ig__srvbuf_puts(b, ",");
        ig__srvbuf_puts(b, "{\"id\":");
        ig__srvbuf_json_str(b, ar->id);
        ig__srvbuf_puts(b, ",\"title\":");
        ig__srvbuf_json_str(b, ar->title);
        ig__srvbuf_puts(b, ",\"score\":");
        gscore_json(b, ig_policy_scores_area(sc, i));
        ig__srvbuf_puts(b, "}");
    }
    ig__srvbuf_puts(b, "],\"indicators\":[");
    for (size_t i = 0; i < fi.n_indicators; i++) {
        const ig_policy_indicator *in = ig_policy_indicator_get(fw, i);
        const ig_policy_iscore *is = ig_policy_scores_indicator(sc, i);
        if (i) ig__srvbuf_puts(b, ",");
        ig__srvbuf_puts(b, "{\"id\":");
        ig__srvbuf_json_str(b, in->id);
        ig__srvbuf_puts(b, ",\"status\":");
        ig__srvbuf_json_str(b, ig_policy_istatus_name(is->status));
        ig__srvbuf_puts(b, ",\"score\":");
        ig__srvbuf_json_num(b, is->score);
        ig__srvbuf_puts(b, ",\"badge\":");
        ig__srvbuf_json_str(b, ig_policy_badge_name(is->badge));
        ig__srvbuf_puts(b, "}");
    }
    ig__srvbuf_puts(b, "],\"recommendations\":[");
    size_t nrec = 0;
    const size_t *rec = ig_policy_scores_recommendations(sc, &nrec);
    for (size_t i = 0; i < nrec; i++) {
        const ig_policy_recommendation *rc =
            ig_policy_recommendation_get(fw, rec[i]);
        if (i) ig__srvbuf_puts(b, ",");
        ig__srvbuf_json_str(b, rc ? rc->id : "");
    }
    ig__srvbuf_puts(b, "]}\n");
out:
    ig_policy_scores_destroy(sc);
    ig_policy_assessment_destroy(a);
    ig_policy_framework_destroy(fw);
    ig_store_free(srv->ctx, text, 0);
}

int ig__api_policy(ig__req *q, ig__resp *r)
{
    if (seg_is(q, 0, "policy") && seg_is(q, 1, "frameworks")) {
        if (!method_is(q, "GET")) {
            ig__resp_error(r, 405, "method", "allowed here: GET");
            return 1;
        }
        if (q->nseg == 2)
            list_frameworks(q, r);
        else if (q->nseg == 3)
            get_framework(q, r, q->seg[2], 0);
        else if (q->nseg == 4 && seg_is(q, 3, "template"))
            get_framework(q, r, q->seg[2], 1);
        else
            return 0;
        return 1;
    }
    if (!seg_is(q, 0, "datasets") || !seg_is(q, 2, "assessments")) return 0;
    const char *id = q->seg[1];
    if (q->nseg == 3) {
        if (method_is(q, "GET"))
            list_assessments(q, r, id);
        else if (method_is(q, "POST"))
            save(q, r, id, NULL, 1);
        else
            ig__resp_error(r, 405, "method", "allowed here: GET, POST");
        return 1;
    }
    if (q->nseg == 4) {
        if (method_is(q, "GET"))
            export_doc(q, r, id, q->seg[3]);
        else if (method_is(q, "PUT"))
            save(q, r, id, q->seg[3], 0);
        else
            ig__resp_error(r, 405, "method", "allowed here: GET, PUT");
        return 1;
    }
    if (q->nseg == 5 && seg_is(q, 4, "scores")) {
        if (method_is(q, "GET"))
            scores(q, r, id, q->seg[3]);
        else
            ig__resp_error(r, 405, "method", "allowed here: GET");
        return 1;
    }
    return 0;
}
