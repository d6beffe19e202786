/* Rule expressions of policy frameworks (src/policy/rule.c): syntax
 * errors with their columns, and three-valued evaluation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <math.h>

#include "integrid/ig_policy.h"
#include "policy/policy_impl.h"

/* population = 6000, competence = "own", foreign_share unknown,
 * anything else is not a variable */
static int vars(void *ud, const char *name, size_t len, double *num,
                const char **str)
{
    (void)ud;
    if (len == 10 && !strncmp(name, "population", len)) {
        *num = 6000;
        return 1;
    }
    if (len == 10 && !strncmp(name, "competence", len)) {
        *str = "own";
        return 1;
    }
    if (len == 13 && !strncmp(name, "foreign_share", len)) return 0;
    return -1;
}

static int eval(const char *rule)
{
    int r = -1;
    ig_error err = {0};
    assert_int_equal(ig__rule_eval(rule, vars, NULL, &r, &err), IG_OK);
    return r;
}

static void test_rules_compare_numbers_and_text(void **state)
{
    (void)state;
    assert_int_equal(eval("population >= 5000"), IG__RULE_TRUE);
    assert_int_equal(eval("population < 5000"), IG__RULE_FALSE);
    assert_int_equal(eval("competence == 'own'"), IG__RULE_TRUE);
    assert_int_equal(eval("competence in (own, shared)"), IG__RULE_TRUE);
    assert_int_equal(eval("competence in ('none')"), IG__RULE_FALSE);
    assert_int_equal(eval("not (population > 1e4)"), IG__RULE_TRUE);
    assert_int_equal(eval("population >= 5000 and competence != \"none\""),
                     IG__RULE_TRUE);
}

static void test_rules_unknown_values_follow_kleene_logic(void **state)
{
    (void)state;
    assert_int_equal(eval("foreign_share > 0.1"), IG__RULE_UNKNOWN);
    assert_int_equal(eval("foreign_share > 0.1 and population < 10"),
                     IG__RULE_FALSE);
    assert_int_equal(eval("foreign_share > 0.1 or population > 10"),
                     IG__RULE_TRUE);
    assert_int_equal(eval("not foreign_share > 0.1"), IG__RULE_UNKNOWN);
}

static void expect_error(const char *rule, long column)
{
    ig_error err = {0};
    assert_int_equal(ig_policy_rule_check(rule, &err), IG_ERR_PARSE);
    assert_int_equal(err.column, column);
    assert_true(err.msg[0] != '\0');
}

static void test_rules_report_the_column_of_an_error(void **state)
{
    (void)state;
    expect_error("population >> 5", 13);   /* '>' then '>' */
    expect_error("population = 5", 12);    /* use == */
    expect_error("population", 1);         /* not a condition */
    expect_error("(population > 5", 16);   /* missing ')' */
    expect_error("population > 5 x", 16);  /* trailing text */
    expect_error("a in (b c)", 9);
    expect_error("'abc", 1);
    expect_error("", 1);
    assert_int_equal(ig_policy_rule_check("a > 1 and (b < 2 or not c == 'x')",
                                          NULL),
                     IG_OK);
}

static void test_rules_unknown_variable_is_an_error(void **state)
{
    (void)state;
    ig_error err = {0};
    int r;
    assert_int_equal(ig__rule_eval("populaton > 5", vars, NULL, &r, &err),
                     IG_ERR_PARSE);
    assert_int_equal(err.column, 1);
    assert_non_null(strstr(err.msg, "unknown variable"));
}

static void test_rules_nesting_is_capped(void **state)
{
    (void)state;
    char buf[400];
    memset(buf, '(', 200);
    strcpy(buf + 200, "a > 1");
    ig_error err = {0};
    assert_int_equal(ig_policy_rule_check(buf, &err), IG_ERR_PARSE);
    assert_non_null(strstr(err.msg, "nested too deeply"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules_compare_numbers_and_text),
        cmocka_unit_test(test_rules_unknown_values_follow_kleene_logic),
        cmocka_unit_test(test_rules_report_the_column_of_an_error),
        cmocka_unit_test(test_rules_unknown_variable_is_an_error),
        cmocka_unit_test(test_rules_nesting_is_capped),
    };
    return cmocka_run_group_tests_name("policy_rules", tests, NULL, NULL);
}
