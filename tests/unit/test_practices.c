/* The practice knowledge base (issue #7): the shipped starter set, its link
 * to the framework's recommendations, the size bands, validation errors at
 * line:column, the search filters, the "places like mine" order (checked
 * by hand on a small fixture) and allocation failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "integrid/integrid.h"
#include "test_support.h"

#define HEAD "{\"integrid_practices\": 1, \"version\": \"t\", \"licence\": \"x\",\n" \
             " \"practices\": [\n"
#define TAIL "\n]}\n"
/* one valid practice on one line (line 3 of the file) */
#define P1                                                                    \
    "{\"id\": \"p1\", \"title\": \"T\", \"summary\": \"Flats for families\", " \
    "\"points\": [10], \"sector\": \"housing\", \"tags\": [\"housing\"], "    \
    "\"target_groups\": [\"refugees\"], \"country\": \"DE\", \"place\": "     \
    "\"A\", \"size_band\": \"5k-20k\", \"settlement\": \"town\", "            \
    "\"evidence_level\": \"none\", \"source_title\": \"s\", \"source_url\": " \
    "\"https://x\", \"licence\": \"l\", \"verified\": true}"

static ig_practices *parse_text(const char *text)
{
    ig_practices *kb = NULL;
    ig_error err = {0};
    ig_status st = ig_practices_parse(NULL, text, strlen(text), "t.json", &kb,
                                      &err);
    if (st != IG_OK) fail_msg("%ld:%ld: %s", err.line, err.column, err.msg);
    return kb;
}

static void test_practices_builtin(void **state)
{
    (void)state;
    ig_practices *kb = NULL;
    ig_error err = {0};
    assert_int_equal(ig_practices_builtin(NULL, &kb, &err), IG_OK);
    ig_practices_info in;
    ig_practices_get_info(kb, &in);
    assert_true(in.n_practices >= 20);
    assert_non_null(strstr(in.notice, "own"));
    size_t nver = 0, towns = 0;
    for (size_t i = 0; i < in.n_practices; i++) {
        const ig_practice *p = ig_practice_get(kb, i);
        assert_true(strncmp(p->source_url, "http", 4) == 0);
        assert_true(strlen(p->summary) > 80); /* a real summary */
        assert_true(p->n_points >= 1);
        assert_int_equal(ig_practice_find(kb, p->id), i);
        nver += p->verified != 0;
        towns += strcmp(p->settlement, "city") != 0;
    }
    assert_true(nver >= 20);
    assert_true(towns >= 4); /* not only big cities */
    assert_null(ig_practice_get(kb, in.n_practices));
    assert_int_equal(ig_practice_find(kb, "nope"), (size_t)-1);
    ig_practices_destroy(kb);
}

/* Every recommendation of the shipped framework links to at least one
 * practice through its practice_tags (the join of `policy score`). */
static void test_practices_cover_recommendations(void **state)
{
    (void)state;
    ig_practices *kb = NULL;
    ig_policy_framework *fw = NULL;
    assert_int_equal(ig_practices_builtin(NULL, &kb, NULL), IG_OK);
    assert_int_equal(ig_policy_framework_builtin(NULL, "lic-oecd12", &fw, NULL),
                     IG_OK);
    ig_policy_framework_info fi;
    ig_policy_framework_get_info(fw, &fi);
    assert_true(fi.n_recommendations > 0);
    for (size_t r = 0; r < fi.n_recommendations; r++) {
        const ig_policy_recommendation *rc = ig_policy_recommendation_get(fw, r);
        ig_practice_query q;
        ig_practice_query_init(&q);
        q.tags = rc->practice_tags;
        ig_practice_match *m = NULL;
        size_t n = 0;
        ig_error err = {0};
        ig_status st = ig_practices_search(NULL, kb, &q, &m, &n, &err);
        if (st != IG_OK) fail_msg("%s: %s", rc->id, err.msg);
        if (n == 0) fail_msg("recommendation %s (tags %s) has no practice",
                             rc->id, rc->practice_tags);
        ig_practices_matches_free(NULL, m, n);
    }
    ig_policy_framework_destroy(fw);
    ig_practices_destroy(kb);
}

static void test_practices_bands(void **state)
{
    (void)state;
    assert_int_equal(ig_practice_size_band(0), 0);
    assert_int_equal(ig_practice_size_band(4999.9), 0);
    assert_int_equal(ig_practice_size_band(5000), 1);
    assert_int_equal(ig_practice_size_band(19999), 1);
    assert_int_equal(ig_practice_size_band(20000), 2);
    assert_int_equal(ig_practice_size_band(50000), 3);
    assert_int_equal(ig_practice_size_band(249999), 4);
    assert_int_equal(ig_practice_size_band(250000), 5);
    assert_int_equal(ig_practice_size_band(1e6), 6);
    assert_int_equal(ig_practice_size_band(NAN), -1);
    assert_int_equal(ig_practice_size_band(-1), -1);
    for (int b = 0; b < IG_PRACTICE_NSIZE_BANDS; b++)
        assert_int_equal(ig_practice_size_band_parse(ig_practice_size_band_label(b)), b);
    assert_null(ig_practice_size_band_label(IG_PRACTICE_NSIZE_BANDS));
    assert_int_equal(ig_practice_size_band_parse("5-20k"), -1);
    /* above 50,000 the bands are the peer engine's */
    assert_string_equal(ig_practice_size_band_label(ig_practice_size_band(60e3)),
                        "50k-100k");
    assert_string_equal(ig_bench_size_band_label(ig_bench_size_band(60e3)),
                        "50k-100k");
    assert_string_equal(ig_practice_settlement_of_class("urban_centre"), "city");
    assert_string_equal(ig_practice_settlement_of_class("urban_cluster"), "town");
    assert_string_equal(ig_practice_settlement_of_class("rural:DE"), "rural");
    assert_null(ig_practice_settlement_of_class("boundary"));
    assert_null(ig_practice_settlement_of_class("ruralish"));
    assert_non_null(ig_practice_vocabulary("tag"));
    assert_null(ig_practice_vocabulary("colour"));
    assert_string_equal(ig_practice_evidence_name(IG_PRACTICE_EV_IMPACT),
                        "impact_evaluation");
}

/* Replace `from` by `to` in P1, parse, expect an error on line 3 at the
 * column of `at` in the new line, with `what` in the message. */
static void expect_error(const char *from, const char *to, const char *at,
                         const char *what)
{
    char line[2048], text[4096];
    const char *p1 = P1;
    const char *hit = strstr(p1, from);
    assert_non_null(hit);
    snprintf(line, sizeof line, "%.*s%s%s", (int)(hit - p1), p1, to,
             hit + strlen(from));
    snprintf(text, sizeof text, "%s%s%s", HEAD, line, TAIL);
    ig_practices *kb = NULL;
    ig_error err = {0};
    ig_status st = ig_practices_parse(NULL, text, strlen(text), "t.json", &kb,
                                      &err);
    assert_int_equal(st, IG_ERR_PARSE);
    assert_null(kb);
    assert_string_equal(err.file, "t.json");
    if (!strstr(err.msg, what))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, what);
    assert_int_equal(err.line, 3);
    const char *c = strstr(line, at);
    assert_non_null(c);
    if (err.column != (long)(c - line) + 1)
        fail_msg("column %ld, expected %ld (%s)", err.column,
                 (long)(c - line) + 1, err.msg);
}

static void test_practices_errors(void **state)
{
    (void)state;
    /* the template itself is valid */
    char text[4096];
    snprintf(text, sizeof text, "%s%s%s", HEAD, P1, TAIL);
    ig_practices *kb = parse_text(text);
    assert_int_equal(ig_practice_get(kb, 0)->line, 3);
    assert_int_equal(ig_practice_get(kb, 0)->column, 1);
    assert_int_equal(ig_practice_get(kb, 0)->size_band, 1);
    assert_true(isnan(ig_practice_get(kb, 0)->population));
    assert_int_equal(ig_practice_get(kb, 0)->share_band, -1);
    ig_practices_destroy(kb);

    expect_error("\"sector\"", "\"sectr\"", "\"sectr\"", "did you mean \"sector\"");
    expect_error("[10]", "[13]", "13", "1..12");
    expect_error("[10]", "[10, 10]", "10]", "twice");
    expect_error("[\"housing\"]", "[\"housng\"]", "\"housng\"",
                 "did you mean \"housing\"");
    expect_error("\"refugees\"", "\"martians\"", "\"martians\"",
                 "unknown word \"martians\"");
    expect_error("\"5k-20k\"", "\"5-20k\"", "\"5-20k\"", "size_band");
    expect_error("\"town\"", "\"village\"", "\"village\"", "city, town, rural");
    expect_error("\"none\"", "\"anecdote\"", "\"anecdote\"", "impact_evaluation");
    expect_error("\"DE\"", "\"Germany\"", "\"Germany\"", "alpha-2");
    expect_error("\"https://x\"", "\"www.x.org\"", "\"www.x.org\"", "https://");
    expect_error("\"licence\": \"l\"", "\"licence\": \"l\", \"population\": 40000",
                 "40000", "band \"20k-50k\", not \"5k-20k\"");
    expect_error("\"licence\": \"l\"", "\"licence\": \"l\", \"foreign_share\": 12",
                 "12", "0..1");
    expect_error(", \"verified\": true", "", "{", "no \"verified\"");
    expect_error("\"id\": \"p1\"", "\"id\": \"P 1\"", "\"P 1\"", "lower-case");

    /* a duplicate id points at the second one */
    snprintf(text, sizeof text, "%s%s,\n%s%s", HEAD, P1, P1, TAIL);
    ig_error err = {0};
    kb = NULL;
    assert_int_equal(ig_practices_parse(NULL, text, strlen(text), "d.json",
                                        &kb, &err),
                     IG_ERR_PARSE);
    assert_int_equal(err.line, 4);
    assert_non_null(strstr(err.msg, "duplicate practice id \"p1\""));
    /* not a practices file */
    const char *fw = "{\"integrid_framework\": 1}";
    assert_int_equal(ig_practices_parse(NULL, fw, strlen(fw), "f", &kb, &err),
                     IG_ERR_PARSE);
    assert_non_null(strstr(err.msg, "unknown key \"integrid_framework\""));
    /* syntax */
    assert_int_equal(ig_practices_parse(NULL, "{", 1, "s", &kb, &err),
                     IG_ERR_PARSE);
    assert_int_equal(ig_practices_read(NULL, "/nonexistent/p.json", &kb, &err),
                     IG_ERR_IO);
    assert_int_equal(ig_practices_parse(NULL, NULL, 0, "s", &kb, &err),
                     IG_ERR_DOMAIN);
}

static size_t search(const ig_practices *kb, const ig_practice_query *q,
                     char *ids, size_t cap)
{
    ig_practice_match *m = NULL;
    size_t n = 0;
    ig_error err = {0};
    ig_status st = ig_practices_search(NULL, kb, q, &m, &n, &err);
    if (st != IG_OK) fail_msg("search: %s", err.msg);
    size_t len = 0;
    ids[0] = '\0';
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(ids + len, cap - len, "%s%s", i ? " " : "",
                                ig_practice_get(kb, m[i].index)->id);
    ig_practices_matches_free(NULL, m, n);
    return n;
}

static void test_practices_search_builtin(void **state)
{
    (void)state;
    ig_practices *kb = NULL;
    assert_int_equal(ig_practices_builtin(NULL, &kb, NULL), IG_OK);
    ig_practice_query q;
    char ids[4096];
    /* the example query */
    ig_practice_query_init(&q);
    q.point = 10;
    q.size_band = ig_practice_size_band_parse("5k-20k");
    q.settlement = "town";
    assert_int_equal(search(kb, &q, ids, sizeof ids), 1);
    assert_string_equal(ids, "altena-dispersed-housing");
    /* no filter: everything, in file order */
    ig_practice_query_init(&q);
    ig_practices_info in;
    ig_practices_get_info(kb, &in);
    assert_int_equal(search(kb, &q, ids, sizeof ids), in.n_practices);
    assert_true(strncmp(ids, "amsterdam-refugee-approach ", 27) == 0);
    /* tags: any of them */
    ig_practice_query_init(&q);
    q.tags = "education";
    size_t ne = search(kb, &q, ids, sizeof ids);
    q.tags = "funding";
    size_t nf = search(kb, &q, ids, sizeof ids);
    q.tags = "education, funding";
    assert_int_equal(search(kb, &q, ids, sizeof ids), ne + nf);
    /* words, case-insensitive, all required */
    ig_practice_query_init(&q);
    q.text = "ANTI-rumour barcelona";
    assert_int_equal(search(kb, &q, ids, sizeof ids), 2);
    q.text = "anti-rumour getxo";
    assert_int_equal(search(kb, &q, ids, sizeof ids), 1);
    /* evidence at least, country, limit */
    ig_practice_query_init(&q);
    q.evidence_min = IG_PRACTICE_EV_EVALUATION;
    q.country = "nl";
    assert_int_equal(search(kb, &q, ids, sizeof ids), 1);
    assert_string_equal(ids, "utrecht-plan-einstein");
    ig_practice_query_init(&q);
    q.limit = 3;
    assert_int_equal(search(kb, &q, ids, sizeof ids), 3);
    /* bad words are errors that list the valid ones */
    ig_practice_match *m = NULL;
    size_t n = 9;
    ig_error err = {0};
    ig_practice_query_init(&q);
    q.tags = "housing,houses";
    assert_int_equal(ig_practices_search(NULL, kb, &q, &m, &n, &err),
                     IG_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "unknown tag \"houses\""));
    assert_non_null(strstr(err.msg, "public_space"));
    assert_null(m);
    assert_int_equal(n, 0);
    ig_practice_query_init(&q);
    q.settlement = "metropolis";
    assert_int_equal(ig_practices_search(NULL, kb, &q, &m, &n, &err),
                     IG_ERR_NOT_FOUND);
    ig_practice_query_init(&q);
    q.point = 13;
    assert_int_equal(ig_practices_search(NULL, kb, &q, &m, &n, &err),
                     IG_ERR_DOMAIN);
    ig_practices_destroy(kb);
}

/* Hand-ordered: the place is a town of 18,000 with 14 % born abroad
 * (size band 1, share band 2). Keys (same settlement, size diff, share
 * diff): a (1,0,0), b (1,1,?), c (0,0,0), d (1,0,3), e (1,0,?). Order:
 * same settlement first -> a b d e | c; then size diff -> a d e | b;
 * then share diff, unknown last -> a d e. So a d e b c. */
static void test_practices_like(void **state)
{
    (void)state;
    char text[8192];
    size_t len = (size_t)snprintf(text, sizeof text, "%s", HEAD);
    static const char *const rows[][4] = {
        {"e", "5k-20k", "town", ""},
        {"d", "5k-20k", "town", ", \"foreign_share\": 0.35"},
        {"c", "5k-20k", "city", ", \"foreign_share\": 0.12"},
        {"b", "20k-50k", "town", ""},
        {"a", "5k-20k", "town", ", \"foreign_share\": 0.12"},
    };
    for (size_t i = 0; i < 5; i++)
        len += (size_t)snprintf(
            text + len, sizeof text - len,
            "%s{\"id\": \"%s\", \"title\": \"T\", \"summary\": \"S\", "
            "\"points\": [10], \"sector\": \"housing\", \"tags\": "
            "[\"housing\"], \"target_groups\": [\"refugees\"], \"country\": "
            "\"DE\", \"place\": \"P\", \"size_band\": \"%s\", \"settlement\": "
            "\"%s\", \"evidence_level\": \"none\", \"source_title\": \"s\", "
            "\"source_url\": \"https://x\", \"licence\": \"l\", "
            "\"verified\": true%s}",
            i ? ",\n" : "", rows[i][0], rows[i][1], rows[i][2], rows[i][3]);
    snprintf(text + len, sizeof text - len, "%s", TAIL);
    ig_practices *kb = parse_text(text);
    ig_practice_query q;
    ig_practice_query_init(&q);
    q.like = 1;
    q.like_population = 18000;
    q.like_foreign_share = 0.14;
    q.like_settlement = "town";
    char ids[256];
    assert_int_equal(search(kb, &q, ids, sizeof ids), 5);
    assert_string_equal(ids, "a d e b c");
    /* the match details */
    ig_practice_match *m = NULL;
    size_t n = 0;
    assert_int_equal(ig_practices_search(NULL, kb, &q, &m, &n, NULL), IG_OK);
    assert_int_equal(m[0].same_settlement, 1);
    assert_int_equal(m[0].size_band_diff, 0);
    assert_int_equal(m[0].share_band_diff, 0);
    assert_int_equal(m[1].share_band_diff, 3);
    assert_int_equal(m[2].share_band_diff, -1);
    assert_int_equal(m[3].size_band_diff, 1);
    assert_int_equal(m[4].same_settlement, 0);
    ig_practices_matches_free(NULL, m, n);
    /* settlement unknown: size band decides first; ties by id */
    q.like_settlement = NULL;
    assert_int_equal(search(kb, &q, ids, sizeof ids), 5);
    assert_string_equal(ids, "a c d e b");
    /* without like: file order */
    q.like = 0;
    assert_int_equal(search(kb, &q, ids, sizeof ids), 5);
    assert_string_equal(ids, "e d c b a");
    ig_practices_destroy(kb);
}

static void test_practices_alloc_failures(void **state)
{
    (void)state;
    int done = 0;
    for (long n = 1; !done; n++) {
        fail_alloc fa = {.fail_at = n};
        ig_ctx *ctx = make_fail_ctx(&fa, 1);
        ig_practices *kb = NULL;
        ig_practice_match *m = NULL;
        size_t nm = 0;
        ig_status st = ig_practices_builtin(ctx, &kb, NULL);
        if (st == IG_OK) {
            ig_practice_query q;
            ig_practice_query_init(&q);
            q.like = 1;
            q.like_population = 9000;
            q.point = 10;
            st = ig_practices_search(ctx, kb, &q, &m, &nm, NULL);
        }
        if (st == IG_OK) assert_true(nm > 0);
        ig_practices_matches_free(ctx, m, nm);
        ig_practices_destroy(kb);
        ig_ctx_destroy(ctx);
        assert_int_equal(fa.live, 0);
        if (st == IG_OK) done = 1;
        else assert_int_equal(st, IG_ERR_NOMEM);
        assert_true(n < 100000);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_practices_builtin),
        cmocka_unit_test(test_practices_cover_recommendations),
        cmocka_unit_test(test_practices_bands),
        cmocka_unit_test(test_practices_errors),
        cmocka_unit_test(test_practices_search_builtin),
        cmocka_unit_test(test_practices_like),
        cmocka_unit_test(test_practices_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
