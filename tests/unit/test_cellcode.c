/* Cell codes: long and short forms, both directions, and rejects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "integrid/ig_grid.h"

static ig_status parse(const char *s, ig_cell *c)
{
    return ig_cellcode_parse(s, strlen(s), c);
}

static void test_cellcode_parses_long_form(void **state)
{
    (void)state;
    ig_cell c;
    assert_int_equal(parse("CRS3035RES1000mN2684000E4334000", &c), IG_OK);
    assert_int_equal(c.size_m, 1000);
    assert_int_equal(c.north_m, 2684000);
    assert_int_equal(c.east_m, 4334000);
    assert_int_equal(c.epsg, 3035);
}

static void test_cellcode_parses_country_prefix(void **state)
{
    (void)state;
    ig_cell c;
    assert_int_equal(parse("NL_CRS3035RES100mN3100000E3900100", &c), IG_OK);
    assert_int_equal(c.size_m, 100);
    assert_int_equal(c.east_m, 3900100);
}

static void test_cellcode_parses_short_forms(void **state)
{
    (void)state;
    ig_cell c;
    assert_int_equal(parse("1kmN2684E4334", &c), IG_OK);
    assert_int_equal(c.size_m, 1000);
    assert_int_equal(c.north_m, 2684000);
    assert_int_equal(c.east_m, 4334000);
    assert_int_equal(parse("100mN26840E43341", &c), IG_OK);
    assert_int_equal(c.size_m, 100);
    assert_int_equal(c.north_m, 2684000);
    assert_int_equal(c.east_m, 4334100);
    assert_int_equal(parse("250mN100E200", &c), IG_OK);
    assert_int_equal(c.north_m, 25000);
}

static void test_cellcode_round_trips(void **state)
{
    (void)state;
    const char *codes[] = {"CRS3035RES1000mN2684000E4334000",
                           "CRS3035RES100mN2996800E4223000",
                           "CRS3035RES250mN2000250E4000500"};
    for (size_t i = 0; i < 3; i++) {
        ig_cell c;
        char buf[IG_CELLCODE_MAX];
        assert_int_equal(parse(codes[i], &c), IG_OK);
        assert_int_equal(ig_cellcode_format(&c, buf, sizeof buf), IG_OK);
        assert_string_equal(buf, codes[i]);
    }
    ig_cell c = {2684000, 4334000, 1000, 3035};
    char buf[IG_CELLCODE_MAX];
    assert_int_equal(ig_cellcode_format_short(&c, buf, sizeof buf), IG_OK);
    assert_string_equal(buf, "1kmN2684E4334");
    ig_cell d = {2684000, 4334100, 100, 3035};
    assert_int_equal(ig_cellcode_format_short(&d, buf, sizeof buf), IG_OK);
    assert_string_equal(buf, "100mN26840E43341");
}

static void test_cellcode_rejects_junk(void **state)
{
    (void)state;
    ig_cell c = {1, 2, 3, 4};
    const char *bad[] = {"",
                         " CRS3035RES1000mN2684000E4334000",
                         "CRS3035RES1000mN2684000E4334000 ",
                         "CRS3035RES1000N2684000E4334000",
                         "CRS3035RES1000mE4334000N2684000",
                         "CRS3035RES1000mN-2684000E4334000",
                         "CRS3035RES1000mN2684000E",
                         "1kmN2684",
                         "kmN2684E4334",
                         "1kmN2684E4334x",
                         "ABCD_CRS3035RES1000mN2684000E4334000"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(parse(bad[i], &c), IG_ERR_PARSE);
    assert_int_equal(c.size_m, 3); /* untouched on error */
    assert_int_equal(parse("CRS3035RES0mN2684000E4334000", &c), IG_ERR_DOMAIN);
    assert_int_equal(parse("CRS3035RES1000mN99999999999999E4334000", &c),
                     IG_ERR_PARSE);
    assert_int_equal(parse("CRS3035RES1000mN9999999999999E4334000", &c),
                     IG_ERR_DOMAIN);
}

static void test_cellcode_never_reads_past_len(void **state)
{
    (void)state;
    ig_cell c;
    const char *s = "1kmN2684E43349999";
    assert_int_equal(ig_cellcode_parse(s, 13, &c), IG_OK);
    assert_int_equal(c.east_m, 4334000);
}

/* Found by fuzz_cellcode: the long and short forms must share one range, so
 * that every cell the long form accepts also round-trips through the short
 * form. */
static void test_cellcode_forms_share_one_range(void **state)
{
    (void)state;
    ig_cell c, d;
    char buf[IG_CELLCODE_MAX];
    assert_int_equal(parse("CRS4RES9mN999999999999E9", &c), IG_OK);
    assert_int_equal(ig_cellcode_format_short(&c, buf, sizeof buf), IG_OK);
    assert_int_equal(parse(buf, &d), IG_OK);
    assert_true(c.north_m == d.north_m && c.east_m == d.east_m);
    assert_int_equal(parse("9mN111111111112E0", &d), IG_ERR_DOMAIN);
}

static void test_cellcode_format_reports_small_buffer(void **state)
{
    (void)state;
    ig_cell c = {2684000, 4334000, 1000, 3035};
    char buf[8];
    assert_int_equal(ig_cellcode_format(&c, buf, sizeof buf),
                     IG_ERR_TOO_SMALL);
    assert_string_equal(buf, "");
    ig_cell off = {2684050, 4334000, 100, 3035};
    char big[IG_CELLCODE_MAX];
    assert_int_equal(ig_cellcode_format_short(&off, big, sizeof big),
                     IG_ERR_DOMAIN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cellcode_parses_long_form),
        cmocka_unit_test(test_cellcode_parses_country_prefix),
        cmocka_unit_test(test_cellcode_parses_short_forms),
        cmocka_unit_test(test_cellcode_round_trips),
        cmocka_unit_test(test_cellcode_rejects_junk),
        cmocka_unit_test(test_cellcode_never_reads_past_len),
        cmocka_unit_test(test_cellcode_forms_share_one_range),
        cmocka_unit_test(test_cellcode_format_reports_small_buffer),
    };
    return cmocka_run_group_tests_name("cellcode", tests, NULL, NULL);
}
