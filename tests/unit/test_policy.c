/* Policy frameworks, assessments and scores (ig_policy.h): hand-computed
 * score sheets on tests/data/policy/mini.json (70 % rule, N/A and
 * competence left out of the denominator, weights, don't know, rules),
 * validation errors at their line and column, template round trips (JSON
 * and CSV), the shipped framework, and allocation failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "integrid/ig_policy.h"
#include "test_support.h"

static ig_policy_framework *mini(void)
{
    ig_policy_framework *fw = NULL;
    ig_error err = {0};
    ig_status st = ig_policy_framework_read(
        NULL, fixture_path("policy/mini.json"), &fw, &err);
    if (st != IG_OK) fail_msg("mini.json: %s", err.msg);
    return fw;
}

static ig_policy_assessment *answers(const char *rel)
{
    ig_policy_assessment *a = NULL;
    ig_error err = {0};
    ig_status st = ig_policy_assessment_read(NULL, fixture_path(rel), &a, &err);
    if (st != IG_OK) fail_msg("%s: %s", rel, err.msg);
    return a;
}

/* Parse answers1.json with a JSON edit: every occurrence of from -> to. */
static ig_policy_assessment *answers_edit(const char *from, const char *to)
{
    FILE *fp = fopen(fixture_path("policy/answers1.json"), "rb");
    assert_non_null(fp);
    char buf[8192], out[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    char *p = strstr(buf, from);
    assert_non_null(p);
    snprintf(out, sizeof out, "%.*s%s%s", (int)(p - buf), buf, to,
             p + strlen(from));
    ig_policy_assessment *a = NULL;
    ig_error err = {0};
    assert_int_equal(ig_policy_assessment_parse(NULL, out, strlen(out), "x",
                                                &a, &err),
                     IG_OK);
    return a;
}

static size_t area_ix(const ig_policy_framework *fw, const char *id)
{
    ig_policy_framework_info fi;
    ig_policy_framework_get_info(fw, &fi);
    for (size_t i = 0; i < fi.n_areas; i++)
        if (!strcmp(ig_policy_area_get(fw, i)->id, id)) return i;
    fail_msg("no area %s", id);
    return 0;
}

static const ig_policy_iscore *iscore(const ig_policy_framework *fw,
                                      const ig_policy_scores *s, const char *id)
{
    size_t k = ig_policy_indicator_find(fw, id);
    assert_true(k != (size_t)-1);
    return ig_policy_scores_indicator(s, k);
}

/* answers1 (population 3000), by hand:
 *   A1: I1 yes 100 (w 1), I2 part 50 (w 3), I3 left out by its rule
 *       (population >= 5000), I4 = 15 -> band [10, 20) = 50 (w 1):
 *       (100 + 150 + 50) / 5 = 60, coverage 3/3.
 *   A2: J1 na (left out), J2 dk (0, flagged), J3 unanswered: coverage
 *       1/2 < 0.7 -> insufficient data; J4 (outcome) has no band: not
 *       scored.
 *   A3: K1 yes 100; K2 is context.
 *   B1: 1 of 2 areas scored < 70 % -> insufficient; B2 = 100; overall:
 *       1 of 2 blocks -> insufficient.
 *   Recommendations: R1 (A1 < 50) false, R2 (K1 == 100) true, R3
 *   (overall >= 0) unknown -> only R2. */
static void test_policy_scores_hand_computed_sheet(void **state)
{
    (void)state;
    ig_policy_framework *fw = mini();
    ig_policy_assessment *a = answers("policy/answers1.json");
    ig_policy_scores *s = NULL;
    ig_error err = {0};
    assert_int_equal(ig_policy_score(NULL, fw, a, NULL, &s, &err), IG_OK);

    const ig_policy_gscore *a1 = ig_policy_scores_area(s, area_ix(fw, "A1"));
    assert_true(a1->sufficient);
    assert_true(fabs(a1->score - 60.0) < 1e-12);
    assert_int_equal(a1->n_indicators, 4);
    assert_int_equal(a1->n_applicable, 3);
    assert_int_equal(a1->n_answered, 3);
    assert_int_equal(a1->n_excluded, 1);
    assert_int_equal(a1->n_documented, 1);
    assert_int_equal(iscore(fw, s, "I3")->status, IG_POLICY_RULE_EXCLUDED);
    assert_true(fabs(iscore(fw, s, "I4")->score - 50.0) < 1e-12);
    assert_int_equal(iscore(fw, s, "I2")->badge, IG_POLICY_BADGE_DOCUMENT);
    assert_int_equal(iscore(fw, s, "I2")->evidence_missing, 0);
    assert_int_equal(iscore(fw, s, "I1")->badge, IG_POLICY_BADGE_SELF);

    const ig_policy_gscore *a2 = ig_policy_scores_area(s, area_ix(fw, "A2"));
    assert_false(a2->sufficient);
    assert_true(isnan(a2->score));
    assert_int_equal(a2->n_applicable, 2);
    assert_int_equal(a2->n_answered, 1);
    assert_int_equal(a2->n_dont_know, 1);
    assert_int_equal(a2->n_excluded, 1);
    assert_true(fabs(a2->coverage - 0.5) < 1e-12);
    assert_int_equal(iscore(fw, s, "J1")->status, IG_POLICY_NOT_APPLICABLE);
    assert_int_equal(iscore(fw, s, "J2")->status, IG_POLICY_DONT_KNOW);
    assert_true(iscore(fw, s, "J2")->score == 0.0);
    assert_int_equal(iscore(fw, s, "J3")->status, IG_POLICY_UNANSWERED);
    assert_int_equal(iscore(fw, s, "J4")->status, IG_POLICY_NOT_SCORED);
    assert_true(fabs(iscore(fw, s, "J4")->value - 0.4) < 1e-12);
    assert_int_equal(iscore(fw, s, "K2")->status, IG_POLICY_NOT_SCORED);

    assert_false(ig_policy_scores_block(s, 0)->sufficient);
    assert_true(fabs(ig_policy_scores_block(s, 1)->score - 100.0) < 1e-12);
    assert_false(ig_policy_scores_overall(s)->sufficient);
    assert_true(isnan(ig_policy_scores_overall(s)->score));

    size_t nr;
    const size_t *rec = ig_policy_scores_recommendations(s, &nr);
    assert_int_equal(nr, 1);
    assert_string_equal(ig_policy_recommendation_get(fw, rec[0])->id, "R2");

    ig_policy_scores_destroy(s);
    ig_policy_assessment_destroy(a);
    ig_policy_framework_destroy(fw);
}

/* With coverage_min 0.5: A2 = 0 (its one answer is don't know), B1 =
 * (60 + 0) / 2 = 30, overall = (30 + 100) / 2 = 65; R3 now fires after
 * R2 (priority order). Unweighted: A1 = (100 + 50 + 50) / 3. */
static void test_policy_scores_coverage_and_weights(void **state)
{
    (void)state;
    ig_policy_framework *fw = mini();
    ig_policy_assessment *a = answers("policy/answers1.json");
    ig_policy_scores *s = NULL;
    ig_policy_score_opts o = {0.5, 0};
    assert_int_equal(ig_policy_score(NULL, fw, a, &o, &s, NULL), IG_OK);
    const ig_policy_gscore *a2 = ig_policy_scores_area(s, area_ix(fw, "A2"));
    assert_true(a2->sufficient);
    assert_true(a2->score == 0.0);
    assert_true(fabs(ig_policy_scores_block(s, 0)->score - 30.0) < 1e-12);
    assert_true(fabs(ig_policy_scores_overall(s)->score - 65.0) < 1e-12);
    size_t nr;
    const size_t *rec = ig_policy_scores_recommendations(s, &nr);
    assert_int_equal(nr, 2);
    assert_string_equal(ig_policy_recommendation_get(fw, rec[0])->id, "R2");
    assert_string_equal(ig_policy_recommendation_get(fw, rec[1])->id, "R3");
    ig_policy_scores_destroy(s);

    ig_policy_score_opts u = {0, 1};
    assert_int_equal(ig_policy_score(NULL, fw, a, &u, &s, NULL), IG_OK);
    assert_true(fabs(ig_policy_scores_area(s, 0)->score - 200.0 / 3.0) < 1e-12);
    ig_policy_scores_destroy(s);
    ig_policy_assessment_destroy(a);
    ig_policy_framework_destroy(fw);
}

/* The applicability rule admits I3 at 6000 residents: A1 = (100 + 150 +
 * 0 + 50) / 6 = 50. Competence "none" on I1 leaves it out instead: A1 =
 * (150 + 50) / 4 = 50 with I3 excluded again. */
static void test_policy_rule_and_competence_exclusions(void **state)
{
    (void)state;
    ig_policy_framework *fw = mini();
    ig_policy_assessment *a = answers_edit("\"population\": 3000",
                                           "\"population\": 6000");
    ig_policy_scores *s = NULL;
    assert_int_equal(ig_policy_score(NULL, fw, a, NULL, &s, NULL), IG_OK);
    assert_int_equal(iscore(fw, s, "I3")->status, IG_POLICY_SCORED);
    assert_true(fabs(ig_policy_scores_area(s, 0)->score - 50.0) < 1e-12);
    assert_int_equal(ig_policy_scores_area(s, 0)->n_applicable, 4);
    ig_policy_scores_destroy(s);
    ig_policy_assessment_destroy(a);

    a = answers_edit("\"competence\": \"own\"}", "\"competence\": \"none\"}");
    assert_int_equal(ig_policy_score(NULL, fw, a, NULL, &s, NULL), IG_OK);
    assert_int_equal(iscore(fw, s, "I1")->status, IG_POLICY_NO_COMPETENCE);
    const ig_policy_gscore *a1 = ig_policy_scores_area(s, 0);
    assert_true(fabs(a1->score - 50.0) < 1e-12);
    assert_int_equal(a1->n_excluded, 2);
    assert_int_equal(a1->n_applicable, 2);
    ig_policy_scores_destroy(s);
    ig_policy_assessment_destroy(a);
    ig_policy_framework_destroy(fw);
}

/* An outcome value with a calibrated score (what --grid provides) gives
 * the area's outcome mean and never touches the policy score. */
static void test_policy_outcome_scores_stay_apart(void **state)
{
    (void)state;
    ig_policy_framework *fw = mini();
    ig_policy_assessment *a = answers("policy/answers1.json");
    assert_int_equal(ig_policy_assessment_set_outcome(a, fw, "J4", 0.35, 80,
                                                      "grid"),
                     IG_OK);
    assert_int_equal(ig_policy_assessment_set_outcome(a, fw, "J1", 1, 1, ""),
                     IG_ERR_DOMAIN);
    assert_int_equal(ig_policy_assessment_set_outcome(a, fw, "ZZ", 1, 1, ""),
                     IG_ERR_NOT_FOUND);
    ig_policy_scores *s = NULL;
    ig_policy_score_opts o = {0.5, 0};
    assert_int_equal(ig_policy_score(NULL, fw, a, &o, &s, NULL), IG_OK);
    const ig_policy_iscore *j4 = iscore(fw, s, "J4");
    assert_int_equal(j4->status, IG_POLICY_SCORED);
    assert_int_equal(j4->calibrated, 1);
    assert_true(fabs(j4->value - 0.35) < 1e-12);
    const ig_policy_gscore *a2 = ig_policy_scores_area(s, 1);
    assert_true(fabs(a2->outcome_score - 80.0) < 1e-12);
    assert_true(a2->score == 0.0); /* policy score unchanged */
    ig_policy_scores_destroy(s);
    ig_policy_assessment_destroy(a);
    ig_policy_framework_destroy(fw);
}

/* The CSV form of answers1 scores exactly like the JSON form. */
static void test_policy_csv_answers_match_json(void **state)
{
    (void)state;
    ig_policy_framework *fw = mini();
    ig_policy_assessment *aj = answers("policy/answers1.json");
    ig_policy_assessment *ac = answers("policy/answers1.csv");
    ig_policy_assessment_info ij, ic;
    ig_policy_assessment_get_info(ac, &ic);
    ig_policy_assessment_get_info(aj, &ij);
    assert_int_equal(ic.shareable, 1);
    assert_true(ic.population == 3000);
    assert_string_equal(ic.place_name, "Testtown");
    ig_policy_scores *sj = NULL, *sc = NULL;
    assert_int_equal(ig_policy_score(NULL, fw, aj, NULL, &sj, NULL), IG_OK);
    assert_int_equal(ig_policy_score(NULL, fw, ac, NULL, &sc, NULL), IG_OK);
    ig_policy_framework_info fi;
    ig_policy_framework_get_info(fw, &fi);
    for (size_t i = 0; i < fi.n_indicators; i++) {
        const ig_policy_iscore *x = ig_policy_scores_indicator(sj, i);
        const ig_policy_iscore *y = ig_policy_scores_indicator(sc, i);
        assert_int_equal(x->status, y->status);
        assert_int_equal(x->badge, y->badge);
        assert_true((isnan(x->score) && isnan(y->score)) || x->score == y->score);
    }
    for (size_t i = 0; i < fi.n_areas; i++)
        assert_memory_equal(ig_policy_scores_area(sj, i),
                            ig_policy_scores_area(sc, i),
                            offsetof(ig_policy_gscore, coverage));
    ig_policy_scores_destroy(sj);
    ig_policy_scores_destroy(sc);
    ig_policy_assessment_destroy(aj);
    ig_policy_assessment_destroy(ac);
    ig_policy_framework_destroy(fw);
}

/* ---- validation errors ------------------------------------------------- */

static const char *const FW_HEAD =
    "{\"integrid_framework\": 1, \"id\": \"t\", \"version\": \"1\", "
    "\"title\": \"T\",\n"
    "\"blocks\": [{\"id\": \"B\", \"title\": \"b\", \"areas\": [{\"id\": "
    "\"A\", \"title\": \"a\", \"indicators\": [\n";
static const char *const FW_TAIL = "\n]}]}]}\n";

/* Parse FW_HEAD + line3 + FW_TAIL; expect IG_ERR_PARSE at line 3 and at
 * the column where `at` starts in line3, with `what` in the message. */
static void expect_fw_error(const char *line3, const char *at,
                            const char *what)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s%s%s", FW_HEAD, line3, FW_TAIL);
    ig_policy_framework *fw = NULL;
    ig_error err = {0};
    ig_status st = ig_policy_framework_parse(NULL, buf, strlen(buf), "f.json",
                                             &fw, &err);
    assert_int_equal(st, IG_ERR_PARSE);
    assert_null(fw);
    assert_string_equal(err.file, "f.json");
    if (!strstr(err.msg, what)) fail_msg("message \"%s\" lacks \"%s\"", err.msg, what);
    assert_int_equal(err.line, 3);
    const char *p = strstr(line3, at);
    assert_non_null(p);
    if (err.column != (long)(p - line3) + 1)
        fail_msg("column %ld, expected %ld (%s)", err.column,
                 (long)(p - line3) + 1, err.msg);
}

#define OPT "\"options\": [{\"code\": \"x\", \"label\": \"x\", \"score\": 1}]"

static void test_policy_validation_errors_are_located(void **state)
{
    (void)state;
    expect_fw_error("{\"id\": \"I\", \"question\": \"q\", \"options\": "
                    "[{\"code\": \"x\", \"label\": \"x\", \"score\": 120}]}",
                    "120", "must be >= 0 and <= 100");
    expect_fw_error("{\"id\": \"I\", \"question\": \"q\", " OPT "}, "
                    "{\"id\": \"I\", \"question\": \"q2\", " OPT "}",
                    "\"I\", \"question\": \"q2\"", "duplicate indicator id");
    expect_fw_error("{\"id\": \"I\", \"questoin\": \"q\", " OPT "}",
                    "\"questoin\"", "did you mean \"question\"");
    expect_fw_error("{\"id\": \"I\", \"question\": \"q\", \"applies_if\": "
                    "\"population >> 5\", " OPT "}",
                    "> 5\"", "rule:");
    expect_fw_error("{\"id\": \"I\", \"question\": \"q\", \"applies_if\": "
                    "\"populaton >= 5\", " OPT "}",
                    "populaton", "unknown variable");
    expect_fw_error("{\"id\": \"I\", \"question\": \"q\", \"mappings\": "
                    "{\"oecd_point\": 13}, " OPT "}",
                    "13", "checklist point");
    expect_fw_error("{\"id\": \"I\", \"question\": \"q\", \"mappings\": "
                    "{\"icc\": \"x\"}, " OPT "}",
                    "\"icc\"", "unknown key \"icc\"");
    expect_fw_error("{\"id\": \"I\", \"question\": \"q\", \"evidence\": true, "
                    OPT "}",
                    "\"evidence\"", "must be one of");
    expect_fw_error("{\"id\": \"I\", \"question\": \"q\"}", "{\"id\"",
                    "has no \"options\"");
    expect_fw_error("{\"id\": \"I\", \"question\": \"q\", \"options\": "
                    "[{\"code\": \"x\", \"label\": \"x\", \"flag\": "
                    "\"dont_know\"}]}",
                    "[{", "no scored option");
    expect_fw_error("{\"id\": \"I\", \"question\": \"q\", \"options\": "
                    "[{\"code\": \"x\", \"label\": \"x\", \"score\": 1}, "
                    "{\"code\": \"x\", \"label\": \"y\", \"score\": 2}]}",
                    "\"x\", \"label\": \"y\"", "duplicate option code");
    expect_fw_error("{\"id\": \"I\", \"kind\": \"outcome\", \"question\": "
                    "\"q\", \"outcome\": \"segregation\"}",
                    "\"segregation\"", "unknown outcome");
    expect_fw_error("{\"id\": \"I\", \"question\": \"q\", \"answer\": "
                    "\"numeric\"}",
                    "{\"id\"", "without \"bands\"");
}

static void test_policy_json_syntax_error_position(void **state)
{
    (void)state;
    const char *t = "{\"integrid_framework\": 1,\n  \"id\": \"t\",, }";
    ig_policy_framework *fw = NULL;
    ig_error err = {0};
    assert_int_equal(ig_policy_framework_parse(NULL, t, strlen(t), "s.json",
                                               &fw, &err),
                     IG_ERR_PARSE);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 13);
    assert_non_null(strstr(err.msg, "invalid JSON"));
}

/* ---- answers against the framework ------------------------------------- */

static void test_policy_answers_errors_name_codes(void **state)
{
    (void)state;
    ig_policy_framework *fw = mini();
    ig_error err = {0};
    ig_policy_assessment *a = answers_edit("\"I3\": {\"option\": \"no\"}",
                                           "\"I9\": {\"option\": \"no\"}");
    assert_int_equal(ig_policy_assessment_check(fw, a, &err), IG_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "unknown indicator \"I9\""));
    assert_non_null(strstr(err.msg, "I1, I2, I3, I4"));
    assert_true(err.line > 0);
    ig_policy_assessment_destroy(a);

    memset(&err, 0, sizeof err);
    a = answers_edit("\"I3\": {\"option\": \"no\"}",
                     "\"I3\": {\"option\": \"maybe\"}");
    assert_int_equal(ig_policy_assessment_check(fw, a, &err), IG_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "no option \"maybe\"; valid options: no, yes"));
    assert_int_equal(err.line, 13);
    ig_policy_assessment_destroy(a);

    memset(&err, 0, sizeof err);
    a = answers_edit("\"framework_version\": \"2\"",
                     "\"framework_version\": \"1\"");
    assert_int_equal(ig_policy_assessment_check(fw, a, &err), IG_ERR_MISMATCH);
    assert_non_null(strstr(err.msg, "version 1, not mini version 2"));
    ig_policy_scores *s = NULL;
    assert_int_equal(ig_policy_score(NULL, fw, a, NULL, &s, NULL),
                     IG_ERR_MISMATCH);
    assert_null(s);
    ig_policy_assessment_destroy(a);

    /* an unknown key in the answers is an error, not silently dropped */
    const char *bad = "{\"integrid_assessment\": 1, \"framework\": \"mini\", "
                      "\"answers\": {\"I1\": {\"opton\": \"yes\"}}}";
    memset(&err, 0, sizeof err);
    assert_int_equal(ig_policy_assessment_parse(NULL, bad, strlen(bad), NULL,
                                                &a, &err),
                     IG_ERR_PARSE);
    assert_non_null(strstr(err.msg, "unknown key \"opton\""));
    assert_int_equal(err.column, (long)(strstr(bad, "\"opton\"") - bad) + 1);
    ig_policy_framework_destroy(fw);
}

/* ---- templates ---------------------------------------------------------- */

static void roundtrip(const ig_policy_framework *fw,
                      ig_policy_template_format f)
{
    char *buf = NULL;
    size_t len = 0;
    assert_int_equal(ig_policy_template(NULL, fw, f, &buf, &len, NULL), IG_OK);
    assert_int_equal(strlen(buf), len);
    ig_policy_assessment *a = NULL;
    ig_error err = {0};
    if (ig_policy_assessment_parse(NULL, buf, len, "t", &a, &err) != IG_OK)
        fail_msg("template does not parse: %ld:%ld: %s", err.line, err.column,
                 err.msg);
    ig_policy_framework_info fi;
    ig_policy_assessment_info ai;
    ig_policy_framework_get_info(fw, &fi);
    ig_policy_assessment_get_info(a, &ai);
    assert_string_equal(ai.framework, fi.id);
    assert_string_equal(ai.framework_version, fi.version);
    assert_int_equal(ai.n_answers, fi.n_indicators);
    ig_policy_scores *s = NULL;
    assert_int_equal(ig_policy_score(NULL, fw, a, NULL, &s, &err), IG_OK);
    for (size_t i = 0; i < fi.n_indicators; i++)
        assert_int_equal(ig_policy_scores_indicator(s, i)->status,
                         IG_POLICY_UNANSWERED);
    assert_false(ig_policy_scores_overall(s)->sufficient);
    ig_policy_scores_destroy(s);
    ig_policy_assessment_destroy(a);
    ig_policy_free(NULL, buf);
}

static void test_policy_templates_parse_back(void **state)
{
    (void)state;
    ig_policy_framework *fw = mini();
    roundtrip(fw, IG_POLICY_TEMPLATE_JSON);
    roundtrip(fw, IG_POLICY_TEMPLATE_CSV);
    ig_policy_framework_destroy(fw);
    assert_int_equal(ig_policy_framework_builtin(NULL, "lic-oecd12", &fw, NULL),
                     IG_OK);
    roundtrip(fw, IG_POLICY_TEMPLATE_JSON);
    roundtrip(fw, IG_POLICY_TEMPLATE_CSV);
    ig_policy_framework_destroy(fw);
}

/* ---- the shipped framework ---------------------------------------------- */

static void test_policy_builtin_covers_the_12_points(void **state)
{
    (void)state;
    assert_true(ig_policy_builtin_count() >= 1);
    assert_string_equal(ig_policy_builtin_id(0), "lic-oecd12");
    ig_policy_framework *fw = NULL;
    ig_error err = {0};
    assert_int_equal(ig_policy_framework_builtin(NULL, "nope", &fw, &err),
                     IG_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "lic-oecd12"));
    assert_int_equal(ig_policy_framework_builtin(NULL, "lic-oecd12", &fw, &err),
                     IG_OK);
    ig_policy_framework_info fi;
    ig_policy_framework_get_info(fw, &fi);
    assert_non_null(strstr(fi.notice, "not an official"));
    int policy[13] = {0};
    int outcome_seen[6] = {0};
    static const char *const outcomes[] = {"dissimilarity", "isolation",
                                           "exposure", "hotspot_share",
                                           "recent_movers",
                                           "school_dissimilarity"};
    for (size_t i = 0; i < fi.n_indicators; i++) {
        const ig_policy_indicator *ind = ig_policy_indicator_get(fw, i);
        assert_true(ind->point >= 1 && ind->point <= 12);
        if (ind->kind == IG_POLICY_KIND_POLICY) policy[ind->point]++;
        for (int k = 0; k < 6; k++)
            if (!strcmp(ind->outcome, outcomes[k])) {
                outcome_seen[k] = 1;
                /* the checklist points the issue names */
                static const int point[] = {10, 10, 5, 10, 4, 12};
                assert_int_equal(ind->point, point[k]);
            }
    }
    for (int p = 1; p <= 12; p++)
        if (policy[p] < 3) fail_msg("point %d has %d policy indicators", p,
                                    policy[p]);
    for (int k = 0; k < 6; k++) assert_true(outcome_seen[k]);
    ig_policy_framework_destroy(fw);
}

/* ---- calibration on a synthetic place set ------------------------------ */

/* Eight units in four places: three of class "town" with dissimilarity
 * 1, 1/3 and 0 (two units each), and a "city" (D = 1) that must not
 * count. Lower is better for J4, so the town with D = 1/3 (percentile 50
 * among the three towns) scores 50, D = 1 scores 0 and D = 0 scores 100. */
static void test_policy_grid_outcomes_calibrate_on_class(void **state)
{
    (void)state;
    const double nat[8] = {10, 0, 10, 5, 10, 10, 10, 0};
    const double oth[8] = {0, 10, 5, 10, 10, 10, 0, 10};
    const double *counts[2] = {nat, oth};
    const char *names[2] = {"NAT", "OTH"};
    ig_grid *g = grid_from_counts(NULL, 8, 2, counts, names);
    ig_place_def defs[4] = {{"P1", "One", "town", "XX", 0},
                            {"P2", "Two", "town", "XX", 0},
                            {"P3", "Three", "town", "XX", 0},
                            {"P4", "Four", "city", "XX", 0}};
    size_t offsets[5] = {0, 2, 4, 6, 8};
    size_t cells[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    ig_placeset *ps = NULL;
    ig_error err = {0};
    assert_int_equal(ig_placeset_create(NULL, g, 4, defs, offsets, cells,
                                        NULL, NULL, &ps, &err),
                     IG_OK);
    ig_policy_framework *fw = mini();
    const double expect_value[3] = {1.0, 1.0 / 3.0, 0.0};
    const double expect_score[3] = {0.0, 50.0, 100.0};
    for (size_t p = 0; p < 3; p++) {
        ig_policy_assessment *a = answers("policy/answers1.json");
        assert_int_equal(ig_policy_grid_outcomes(NULL, fw, g, ps, p, NULL, a,
                                                 &err),
                         IG_OK);
        ig_policy_scores *s = NULL;
        assert_int_equal(ig_policy_score(NULL, fw, a, NULL, &s, NULL), IG_OK);
        const ig_policy_iscore *j4 = iscore(fw, s, "J4");
        assert_true(fabs(j4->value - expect_value[p]) < 1e-12);
        assert_true(fabs(j4->score - expect_score[p]) < 1e-12);
        assert_int_equal(j4->calibrated, 1);
        assert_non_null(strstr(ig_policy_assessment_outcome_note(a, "J4"),
                               "among 3 places of class town"));
        ig_policy_scores_destroy(s);
        ig_policy_assessment_destroy(a);
    }
    /* an aggregate or out-of-range place is refused */
    ig_policy_assessment *a = answers("policy/answers1.json");
    assert_int_equal(ig_policy_grid_outcomes(NULL, fw, g, ps, 9, NULL, a,
                                             NULL),
                     IG_ERR_DOMAIN);
    ig_policy_grid_opts go = {0};
    go.native_group = "NATIVE";
    assert_int_equal(ig_policy_grid_outcomes(NULL, fw, g, ps, 0, &go, a, &err),
                     IG_ERR_NOT_FOUND);
    ig_policy_assessment_destroy(a);
    ig_policy_framework_destroy(fw);
    ig_placeset_destroy(ps);
    ig_grid_destroy(g);
}

/* ---- rank and percentile ------------------------------------------------ */

static void test_policy_rank_and_percentile(void **state)
{
    (void)state;
    double v[] = {10, 20, 20, 40, NAN};
    size_t r;
    double p;
    ig_policy_rank(v, 5, 40, &r, &p);
    assert_int_equal(r, 1);
    assert_true(fabs(p - 100.0) < 1e-12); /* above all 3 others */
    ig_policy_rank(v, 5, 20, &r, &p);
    assert_int_equal(r, 2);
    assert_true(fabs(p - 50.0) < 1e-12); /* (1 below + 0.5 tie) / 3 */
    ig_policy_rank(v, 5, 10, &r, &p);
    assert_int_equal(r, 4);
    assert_true(p == 0.0);
    ig_policy_rank(v, 1, 10, &r, &p);
    assert_true(p == 50.0);
    ig_policy_rank(v, 5, NAN, &r, &p);
    assert_int_equal(r, 0);
}

/* ---- allocation failures ------------------------------------------------ */

static void test_policy_alloc_failures(void **state)
{
    (void)state;
    size_t len;
    const char *text = ig_policy_builtin_text(0, &len);
    assert_non_null(text);
    FILE *fp = fopen(fixture_path("policy/answers1.csv"), "rb");
    assert_non_null(fp);
    char csv[4096];
    size_t csv_len = fread(csv, 1, sizeof csv, fp);
    fclose(fp);
    fp = fopen(fixture_path("policy/mini.json"), "rb");
    assert_non_null(fp);
    char mj[8192];
    size_t mj_len = fread(mj, 1, sizeof mj, fp);
    fclose(fp);
    int done = 0;
    for (long n = 1; !done; n++) {
        fail_alloc fa = {.fail_at = n};
        ig_ctx *ctx = make_fail_ctx(&fa, 1);
        ig_policy_framework *fw = NULL, *big = NULL;
        ig_policy_assessment *a = NULL;
        ig_policy_scores *s = NULL;
        char *tpl = NULL;
        ig_status st = ig_policy_framework_parse(ctx, text, len, "b", &big, NULL);
        if (st == IG_OK)
            st = ig_policy_template(ctx, big, IG_POLICY_TEMPLATE_CSV, &tpl,
                                    NULL, NULL);
        if (st == IG_OK)
            st = ig_policy_framework_parse(ctx, mj, mj_len, "m", &fw, NULL);
        if (st == IG_OK)
            st = ig_policy_assessment_parse(ctx, csv, csv_len, "a", &a, NULL);
        if (st == IG_OK) {
            st = ig_policy_assessment_set_outcome(a, fw, "J4", 0.3, 50, "g");
        }
        if (st == IG_OK) st = ig_policy_score(ctx, fw, a, NULL, &s, NULL);
        ig_policy_scores_destroy(s);
        ig_policy_assessment_destroy(a);
        ig_policy_framework_destroy(fw);
        ig_policy_framework_destroy(big);
        ig_policy_free(ctx, tpl);
        ig_ctx_destroy(ctx);
        assert_int_equal(fa.live, 0);
        if (st == IG_OK) done = 1;
        else assert_int_equal(st, IG_ERR_NOMEM);
        assert_true(n < 100000);
    }
}

/* Outcomes from a place set under allocation failure. */
static void test_policy_grid_outcomes_alloc_failures(void **state)
{
    (void)state;
    const double nat[4] = {10, 0, 10, 5};
    const double oth[4] = {0, 10, 5, 10};
    const double *counts[2] = {nat, oth};
    const char *names[2] = {"NAT", "OTH"};
    ig_grid *g = grid_from_counts(NULL, 4, 2, counts, names);
    ig_place_def defs[2] = {{"P1", "", "town", "", 0}, {"P2", "", "town", "", 0}};
    size_t offsets[3] = {0, 2, 4};
    size_t cells[4] = {0, 1, 2, 3};
    ig_placeset *ps = NULL;
    assert_int_equal(ig_placeset_create(NULL, g, 2, defs, offsets, cells, NULL,
                                        NULL, &ps, NULL),
                     IG_OK);
    ig_policy_framework *fw = mini();
    int done = 0;
    for (long n = 1; !done; n++) {
        ig_policy_assessment *a = answers("policy/answers1.json");
        fail_alloc fa = {.fail_at = n};
        ig_ctx *ctx = make_fail_ctx(&fa, 1);
        ig_status st = ig_policy_grid_outcomes(ctx, fw, g, ps, 1, NULL, a, NULL);
        ig_ctx_destroy(ctx);
        assert_int_equal(fa.live, 0);
        if (st == IG_OK) {
            assert_true(fabs(ig_policy_assessment_context(a, "population") -
                             3000) < 1e-12);
            done = 1;
        } else {
            assert_int_equal(st, IG_ERR_NOMEM);
        }
        ig_policy_assessment_destroy(a);
        assert_true(n < 10000);
    }
    ig_policy_framework_destroy(fw);
    ig_placeset_destroy(ps);
    ig_grid_destroy(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policy_scores_hand_computed_sheet),
        cmocka_unit_test(test_policy_scores_coverage_and_weights),
        cmocka_unit_test(test_policy_rule_and_competence_exclusions),
        cmocka_unit_test(test_policy_outcome_scores_stay_apart),
        cmocka_unit_test(test_policy_csv_answers_match_json),
        cmocka_unit_test(test_policy_validation_errors_are_located),
        cmocka_unit_test(test_policy_json_syntax_error_position),
        cmocka_unit_test(test_policy_answers_errors_name_codes),
        cmocka_unit_test(test_policy_templates_parse_back),
        cmocka_unit_test(test_policy_builtin_covers_the_12_points),
        cmocka_unit_test(test_policy_grid_outcomes_calibrate_on_class),
        cmocka_unit_test(test_policy_rank_and_percentile),
        cmocka_unit_test(test_policy_alloc_failures),
        cmocka_unit_test(test_policy_grid_outcomes_alloc_failures),
    };
    return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
