/* Fuzz target for the policy parsers: the bytes as a framework file
 * (ig_policy_framework_parse), as an assessment (JSON or CSV,
 * ig_policy_assessment_parse) and, cut at the first NUL, as a rule
 * (ig_policy_rule_check). Properties: no crash, UB or leak; a rejection
 * is IG_ERR_PARSE with a message and a non-negative position; a framework
 * that parses gives templates that parse back and score; an assessment
 * that parses scores against the shipped framework or is rejected with
 * a message; a practices file (ig_practices_parse) that parses can be
 * searched, and a "like" search returns every practice. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integrid/integrid.h"
#include "integrid/ig_policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_policy: %s\n", what);
    abort();
}

static void check_err(ig_status st, const ig_error *err)
{
    if (st != IG_ERR_PARSE) fail("rejection is not IG_ERR_PARSE");
    if (err->status != st || !err->msg[0]) fail("no error detail");
    if (err->line < 0 || err->column < 0) fail("negative position");
}

static void templates(const ig_policy_framework *fw)
{
    for (int f = 0; f < 2; f++) {
        char *buf = NULL;
        size_t len = 0;
        if (ig_policy_template(NULL, fw, (ig_policy_template_format)f, &buf,
                               &len, NULL) != IG_OK)
            fail("template failed");
        ig_policy_assessment *a = NULL;
        ig_error err = {0};
        if (ig_policy_assessment_parse(NULL, buf, len, "t", &a, &err) != IG_OK)
            fail("template does not parse back");
        ig_policy_scores *s = NULL;
        if (ig_policy_score(NULL, fw, a, NULL, &s, &err) != IG_OK)
            fail("template does not score");
        ig_policy_scores_destroy(s);
        ig_policy_assessment_destroy(a);
        ig_policy_free(NULL, buf);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536) return 0;
    const char *text = (const char *)data;

    ig_policy_framework *fw = NULL;
    ig_error err = {0};
    ig_status st = ig_policy_framework_parse(NULL, text, size, "f", &fw, &err);
    if (st == IG_OK) templates(fw);
    else check_err(st, &err);
    ig_policy_framework_destroy(fw);

    ig_policy_assessment *a = NULL;
    memset(&err, 0, sizeof err);
    st = ig_policy_assessment_parse(NULL, text, size, "a", &a, &err);
    if (st == IG_OK) {
        ig_policy_framework *b = NULL;
        if (ig_policy_framework_builtin(NULL, "lic-oecd12", &b, NULL) != IG_OK)
            fail("built-in framework");
        ig_policy_scores *s = NULL;
        memset(&err, 0, sizeof err);
        st = ig_policy_score(NULL, b, a, NULL, &s, &err);
        if (st != IG_OK && !err.msg[0]) fail("score error without detail");
        ig_policy_scores_destroy(s);
        ig_policy_framework_destroy(b);
    } else {
        check_err(st, &err);
    }
    ig_policy_assessment_destroy(a);

    ig_practices *kb = NULL;
    memset(&err, 0, sizeof err);
    st = ig_practices_parse(NULL, text, size, "p", &kb, &err);
    if (st == IG_OK) {
        ig_practices_info in;
        ig_practices_get_info(kb, &in);
        ig_practice_query q;
        ig_practice_query_init(&q);
        q.like = 1;
        q.like_population = 12000;
        q.like_foreign_share = 0.1;
        q.like_settlement = "town";
        ig_practice_match *m = NULL;
        size_t n = 0;
        if (ig_practices_search(NULL, kb, &q, &m, &n, NULL) != IG_OK ||
            n != in.n_practices)
            fail("a like search does not return every practice");
        ig_practices_matches_free(NULL, m, n);
    } else {
        check_err(st, &err);
    }
    ig_practices_destroy(kb);

    char *rule = malloc(size + 1);
    if (!rule) return 0;
    memcpy(rule, data, size);
    rule[size] = '\0';
    memset(&err, 0, sizeof err);
    st = ig_policy_rule_check(rule, &err);
    if (st != IG_OK) {
        check_err(st, &err);
        if ((size_t)err.column > strlen(rule) + 1) fail("column past the rule");
    }
    free(rule);
    return 0;
}
