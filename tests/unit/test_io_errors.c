/* Reading bad input: every refusal has a status, the file name, a line and
 * column where they apply, and a message that names the fix. Nothing may
 * crash, hang, eat memory or return a grid. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "test_io_util.h"

static const char *const G3[] = {"NAT", "EU_OTH", "OTH"};

#define C1 "CRS3035RES1000mN2684000E4334000"
#define C2 "CRS3035RES1000mN2684000E4335000"

static void test_missing_column_suggests(void **state)
{
    (void)state;
    ig_read_opts o;
    ig_read_opts_init(&o);
    const char *groups[] = {"NTA", "OTH"};
    o.groups = groups;
    o.n_groups = 2;
    expect_fail(NULL, "GRD_ID,NAT,EU_OTH,OTH\n" C1 ",1,2,3\n", &o,
                IG_ERR_NOT_FOUND, 1, "did you mean 'NAT'?");
    ig_grid *g = NULL;
    ig_error err;
    assert_int_equal(
        rd_str(NULL, "GRD_ID,NAT,EU_OTH,OTH\n" C1 ",1,2,3\n", &o, &g, &err),
        IG_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "Columns: GRD_ID, NAT, EU_OTH, OTH"));
    o.groups = G3;
    o.n_groups = 3;
    o.by_col = "COUNTRY";
    expect_fail(NULL, "GRD_ID,NAT,EU_OTH,OTH\n" C1 ",1,2,3\n", &o,
                IG_ERR_NOT_FOUND, 1, "--by column 'COUNTRY'");
    ig_read_opts_init(&o);
    o.total_col = "TOTAL";
    expect_fail(NULL, "GRD_ID,NAT,EU_OTH,OTH,T\n" C1 ",1,2,3,6\n", &o,
                IG_ERR_NOT_FOUND, 1, "total column 'TOTAL'");
    ig_read_opts_init(&o);
    o.long_spec = "school,rac,n";
    expect_fail(NULL, "school,race,n\na,b,1\n", &o, IG_ERR_NOT_FOUND, 1,
                "group column 'rac' is not in the header; did you mean "
                "'race'?");
}

static void test_not_a_number(void **state)
{
    (void)state;
    ig_read_opts o;
    ig_read_opts_init(&o);
    o.decimal_comma = 0;
    expect_fail(NULL, "GRD_ID;NAT;EU_OTH;OTH\n" C1 ";1,5e;1;1\n", &o,
                IG_ERR_PARSE, 2,
                "column 'NAT' is not a number ('1,5e'); see --decimal-comma");
    ig_grid *g = NULL;
    ig_error err;
    rd_str(NULL, "GRD_ID;NAT;EU_OTH;OTH\n" C1 ";1;x7;1\n", &o, &g, &err);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 35);
    assert_non_null(strstr(err.msg, "--na"));
    /* Decimal commas: a point is then the odd one out. */
    o.decimal_comma = 1;
    expect_fail(NULL, "GRD_ID;NAT;EU_OTH;OTH\n" C1 ";1,5;2.5;1\n", &o,
                IG_ERR_PARSE, 2, "decimal commas");
    /* Syntax the fast path must not accept. */
    static const char *const bad[] = {"0x10", "1e", "1e+", "--1",  "1..2",
                                      ".",    "+",  "1 2", "1.5.", "e5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char csv[256];
        snprintf(csv, sizeof csv, "GRD_ID,NAT,EU_OTH,OTH\n" C1 ",%s,1,1\n",
                 bad[i]);
        expect_fail(NULL, csv, NULL, IG_ERR_PARSE, 2, "is not a number");
    }
}

static void test_not_finite(void **state)
{
    (void)state;
    static const char *const bad[] = {"nan",  "NaN",      "Inf",
                                      "-inf", "infinity", "1e999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char csv[256];
        snprintf(csv, sizeof csv, "GRD_ID,NAT,EU_OTH,OTH\n" C1 ",%s,1,1\n",
                 bad[i]);
        expect_fail(NULL, csv, NULL, IG_ERR_PARSE, 2, "not a finite number");
    }
}

static void test_negative_counts(void **state)
{
    (void)state;
    expect_fail(NULL, "GRD_ID,NAT,EU_OTH,OTH\n" C1 ",1,-1,1\n", NULL,
                IG_ERR_PARSE, 2, "pass --na -1");
    expect_fail(NULL, "GRD_ID,NAT,EU_OTH,OTH\n" C1 ",1,-0.5,1\n", NULL,
                IG_ERR_PARSE, 2, "counts must be >= 0");
    /* Negative kept variables are fine. */
    ig_read_opts o;
    ig_read_opts_init(&o);
    const char *keep[] = {"DELTA"};
    o.keep = keep;
    o.n_keep = 1;
    ig_grid *g =
        rd_ok(NULL, "GRD_ID,NAT,EU_OTH,OTH,DELTA\n" C1 ",1,2,3,-4.5\n", &o);
    assert_true(ig_grid_var(g, 0)[0] == -4.5);
    ig_grid_destroy(g);
}

static void test_ragged_rows(void **state)
{
    (void)state;
    expect_fail(NULL, "GRD_ID,NAT,EU_OTH,OTH\n" C1 ",1,2,3\n" C2 ",1,2\n", NULL,
                IG_ERR_PARSE, 3, "has 3 fields but the header has 4");
    expect_fail(NULL, "GRD_ID,NAT,EU_OTH,OTH\n" C1 ",1,2,3,4\n", NULL,
                IG_ERR_PARSE, 2, "has 5 fields but the header has 4");
}

static void test_quote_errors(void **state)
{
    (void)state;
    ig_read_opts o;
    ig_read_opts_init(&o);
    o.by_col = "P";
    ig_grid *g = NULL;
    ig_error err;
    assert_int_equal(
        rd_str(NULL,
               "GRD_ID,P,NAT,EU_OTH,OTH\n" C1 ",a,1,2,3\n" C2 ",\"open,1,2,3\n",
               &o, &g, &err),
        IG_ERR_PARSE);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 33);
    assert_non_null(strstr(err.msg, "not closed"));
    expect_fail(NULL, "GRD_ID,P,NAT,EU_OTH,OTH\n" C1 ",a\"b,1,2,3\n", &o,
                IG_ERR_PARSE, 2, "unquoted field");
    expect_fail(NULL, "GRD_ID,P,NAT,EU_OTH,OTH\n" C1 ",\"a\"b,1,2,3\n", &o,
                IG_ERR_PARSE, 2, "after a closing quote");
    expect_fail(NULL, "GRD_ID,\"P,NAT,EU_OTH,OTH\n" C1 ",a,1,2,3\n", &o,
                IG_ERR_PARSE, 1, "quote");
}

static void test_long_lines(void **state)
{
    (void)state;
    ig_read_opts o;
    ig_read_opts_init(&o);
    o.max_line_bytes = 64;
    expect_fail(NULL,
                "GRD_ID,NAT,EU_OTH,OTH\n" C1 ",1,2,3\n" C2
                ",1,2,3                                              \n",
                &o, IG_ERR_PARSE, 3, "longer than 64 bytes");
    /* 20 MB without a newline under the default 16 MiB limit. */
    size_t n = (size_t)20 << 20;
    char *big = malloc(n);
    memcpy(big, "GRD_ID,NAT,EU_OTH,OTH\n", 22);
    memset(big + 22, 'a', n - 22);
    ig_grid *g = NULL;
    ig_error err = {0};
    assert_int_equal(ig_grid_read_mem(NULL, big, n, "big", NULL, &g, &err),
                     IG_ERR_PARSE);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.msg, "longer than 16777216 bytes"));
    free(big);
}

static void test_endless_input_fails_fast(void **state)
{
    (void)state;
    if (access("/dev/zero", R_OK) != 0) skip();
    /* NUL bytes: no reader takes it. */
    ig_grid *g = NULL;
    ig_error err = {0};
    assert_int_equal(ig_grid_read_path(NULL, "/dev/zero", NULL, &g, &err),
                     IG_ERR_FORMAT);
    assert_string_equal(err.file, "/dev/zero");
    /* Forced: an endless line must stop at the limit. */
    ig_read_opts o;
    ig_read_opts_init(&o);
    o.format = "csv";
    clock_t t0 = clock();
    memset(&err, 0, sizeof err);
    assert_int_equal(ig_grid_read_path(NULL, "/dev/zero", &o, &g, &err),
                     IG_ERR_PARSE);
    assert_non_null(strstr(err.msg, "longer than"));
    assert_int_equal(err.line, 1);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    assert_true(secs < 5.0);
}

static void test_gzip_damage(void **state)
{
    (void)state;
    ig_grid *g = NULL;
    ig_error err = {0};
    assert_int_equal(
        ig_grid_read_path(NULL, fixture_path("io/truncated.csv.gz"), NULL, &g,
                          &err),
        IG_ERR_IO);
    assert_non_null(strstr(err.msg, "truncated"));
    assert_non_null(strstr(err.msg, "byte offset"));
    assert_non_null(strstr(err.file, "truncated.csv.gz"));
    memset(&err, 0, sizeof err);
    assert_int_equal(ig_grid_read_path(NULL, fixture_path("io/corrupt.csv.gz"),
                                       NULL, &g, &err),
                     IG_ERR_PARSE);
    assert_non_null(strstr(err.msg, "corrupt gzip"));
    assert_non_null(strstr(err.msg, "byte offset"));
    memset(&err, 0, sizeof err);
    assert_int_equal(ig_grid_read_path(NULL, fixture_path("io/bad_crc.csv.gz"),
                                       NULL, &g, &err),
                     IG_ERR_PARSE);
    assert_non_null(strstr(err.msg, "gzip"));
    assert_null(g);
    /* Other compressors are named. */
    static const char xz[] =
        "\xfd"
        "7zXZ\0\0\0\0\0";
    memset(&err, 0, sizeof err);
    assert_int_equal(
        ig_grid_read_mem(NULL, xz, sizeof xz, "a.xz", NULL, &g, &err),
        IG_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "xz"));
    /* Garbage after the gzip data. */
    FILE *f = fopen(fixture_path("io/plain.csv.gz"), "rb");
    assert_non_null(f);
    unsigned char buf[256];
    size_t n = fread(buf, 1, sizeof buf - 4, f);
    fclose(f);
    memcpy(buf + n, "junk", 4);
    memset(&err, 0, sizeof err);
    assert_int_equal(ig_grid_read_mem(NULL, buf, n + 4, "j.gz", NULL, &g, &err),
                     IG_ERR_PARSE);
    assert_non_null(strstr(err.msg, "after the end of the gzip"));
    /* Zero padding after it is tolerated. */
    memset(buf + n, 0, 4);
    assert_int_equal(ig_grid_read_mem(NULL, buf, n + 4, "z.gz", NULL, &g, &err),
                     IG_OK);
    ig_grid_destroy(g);
}

static void test_empty_and_header_only(void **state)
{
    (void)state;
    expect_fail(NULL, "", NULL, IG_ERR_PARSE, 1, "empty");
    expect_fail(NULL, "\xef\xbb\xbf", NULL, IG_ERR_PARSE, 1, "empty");
    expect_fail(NULL, "GRD_ID,NAT,EU_OTH,OTH\n", NULL, IG_ERR_PARSE, 2,
                "no data rows");
    expect_fail(NULL, "GRD_ID,NAT,EU_OTH,OTH", NULL, IG_ERR_PARSE, 2,
                "no data rows");
    expect_fail(NULL, "GRD_ID,NAT,EU_OTH,OTH\r\n\r\n\n", NULL, IG_ERR_PARSE, 2,
                "no data rows");
    /* Blank lines between rows are skipped but counted. */
    ig_grid *g = NULL;
    ig_error err;
    assert_int_equal(
        rd_str(NULL, "GRD_ID,NAT,EU_OTH,OTH\n\n" C1 ",1,2,3\n\n" C2 ",1,x,3\n",
               NULL, &g, &err),
        IG_ERR_PARSE);
    assert_int_equal(err.line, 5);
}

static void test_duplicates_and_lattice(void **state)
{
    (void)state;
    const char *csv =
        "GRD_ID,NAT,EU_OTH,OTH\n" C1 ",1,2,3\n" C2 ",1,1,1\n" C1 ",1,2,3\n";
    ig_read_opts o;
    ig_read_opts_init(&o);
    o.strict = 1;
    expect_fail(NULL, csv, &o, IG_ERR_MISMATCH, 0, NULL);
    ig_grid *g = rd_ok(NULL, csv, NULL);
    assert_int_equal(ig_grid_ncells(g), 2);
    assert_int_equal(ig_grid_get_stats(g)->duplicates, 1);
    assert_int_equal(ig_grid_get_stats(g)->rows_read, 3);
    assert_true(ig_grid_counts(g, 2)[find_cell(g, 2684000, 4334000)] == 6.0);
    ig_grid_destroy(g);
    /* Off the lattice: the builder refuses, the file name is added. */
    ig_read_opts_init(&o);
    o.cell_size_m = 1000;
    const char *groups[] = {"A"};
    o.groups = groups;
    o.n_groups = 1;
    expect_fail(NULL, "X_LLC,Y_LLC,A\n4334000,2684000,1\n4334500,2684000,1\n",
                &o, IG_ERR_DOMAIN, 3, "lattice");
    /* A different size in the same file. */
    expect_fail(NULL,
                "GRD_ID,NAT,EU_OTH,OTH\n" C1
                ",1,2,3\n"
                "CRS3035RES100mN2684000E4334000,1,2,3\n",
                NULL, IG_ERR_DOMAIN, 3, NULL);
}

static void test_bad_cells_and_coordinates(void **state)
{
    (void)state;
    expect_fail(NULL, "GRD_ID,NAT,EU_OTH,OTH\nN2684E4334,1,2,3\n", NULL,
                IG_ERR_PARSE, 2, "is not a cell code ('N2684E4334')");
    expect_fail(NULL, "GRD_ID,NAT,EU_OTH,OTH\n,1,2,3\n", NULL, IG_ERR_PARSE, 2,
                "every row needs a cell code");
    ig_read_opts o;
    ig_read_opts_init(&o);
    o.cell_size_m = 1000;
    const char *groups[] = {"A"};
    o.groups = groups;
    o.n_groups = 1;
    expect_fail(NULL, "X_LLC,Y_LLC,A\n4334000,NA,1\n", &o, IG_ERR_PARSE, 2,
                "no coordinate");
    expect_fail(NULL, "X_LLC,Y_LLC,A\n4334000.5,2684000,1\n", &o, IG_ERR_PARSE,
                2, "whole-metre");
    expect_fail(NULL, "x,y,A\n1,2,1\n", &o, IG_ERR_DOMAIN, 0, "--origin");
    o.cell_size_m = 0;
    expect_fail(NULL, "X_LLC,Y_LLC,A\n4334000,2684000,1\n", &o, IG_ERR_DOMAIN,
                0, "--cell-size");
    expect_fail(NULL, "name,A\nx,1\n", &o, IG_ERR_NOT_FOUND, 1,
                "no cell-code column");
}

static void test_option_errors(void **state)
{
    (void)state;
    ig_read_opts o;
    ig_read_opts_init(&o);
    const char *groups[] = {"N=NAT+"};
    o.groups = groups;
    o.n_groups = 1;
    expect_fail(NULL, "GRD_ID,NAT\n" C1 ",1\n", &o, IG_ERR_PARSE, 0,
                "empty column name");
    const char *twice[] = {"NAT", "NAT"};
    o.groups = twice;
    o.n_groups = 2;
    expect_fail(NULL, "GRD_ID,NAT\n" C1 ",1\n", &o, IG_ERR_DOMAIN, 0,
                "defined twice");
    ig_read_opts_init(&o);
    o.delimiter = 'x';
    expect_fail(NULL, "GRD_ID,NAT\n" C1 ",1\n", &o, IG_ERR_DOMAIN, 0,
                "delimiter");
    ig_read_opts_init(&o);
    o.long_spec = "a,b";
    expect_fail(NULL, "a,b,c\n1,2,3\n", &o, IG_ERR_DOMAIN, 0,
                "UNIT,GROUP,COUNT");
    o.long_spec = "a,b,c";
    o.total_col = "c";
    expect_fail(NULL, "a,b,c\n1,2,3\n", &o, IG_ERR_DOMAIN, 0, "--total");
    ig_read_opts_init(&o);
    o.x_col = "x";
    expect_fail(NULL, "x,y,A\n1,2,3\n", &o, IG_ERR_DOMAIN, 0, "both");
    ig_read_opts_init(&o);
    o.by_col = "GRD_ID";
    expect_fail(NULL, "GRD_ID,NAT,EU_OTH,OTH\n" C1 ",1,2,3\n", &o,
                IG_ERR_DOMAIN, 0, "two different things");
    ig_grid *g = NULL;
    ig_error err = {0};
    assert_int_equal(ig_grid_read_mem(NULL, NULL, 5, "x", NULL, &g, &err),
                     IG_ERR_DOMAIN);
    assert_int_equal(ig_grid_read_path(NULL, NULL, NULL, &g, &err),
                     IG_ERR_DOMAIN);
}

static void test_long_format_errors(void **state)
{
    (void)state;
    ig_read_opts o;
    ig_read_opts_init(&o);
    o.long_spec = "unit,grp,n";
    o.by_col = "region";
    expect_fail(NULL, "region,unit,grp,n\nR1,u1,a,1\nR1,u2,a,1\nR2,u1,b,1\n",
                &o, IG_ERR_PARSE, 4, "'R1' on line 2 and 'R2' on line 4");
    ig_read_opts_init(&o);
    o.long_spec = "unit,grp,n";
    o.within_col = "d";
    expect_fail(NULL, "d,unit,grp,n\nx,u1,a,1\nx,u1,b,1\ny,u1,c,1\n", &o,
                IG_ERR_PARSE, 4, "two --within values");
    ig_read_opts_init(&o);
    o.long_spec = "unit,grp,n";
    const char *groups[] = {"a", "whte"};
    o.groups = groups;
    o.n_groups = 2;
    expect_fail(NULL, "unit,grp,n\nu1,a,1\nu1,white,2\n", &o, IG_ERR_NOT_FOUND,
                0, "values are: a, white");
    const char *expr[] = {"X=a+b"};
    o.groups = expr;
    o.n_groups = 1;
    expect_fail(NULL, "unit,grp,n\nu1,a,1\n", &o, IG_ERR_DOMAIN, 0,
                "not expressions");
}

static void test_file_errors(void **state)
{
    (void)state;
    ig_grid *g = NULL;
    ig_error err = {0};
    assert_int_equal(
        ig_grid_read_path(NULL, "/nonexistent/x.csv", NULL, &g, &err),
        IG_ERR_IO);
    assert_string_equal(err.file, "/nonexistent/x.csv");
    assert_non_null(strstr(err.msg, "cannot open"));
    memset(&err, 0, sizeof err);
    assert_int_equal(
        ig_grid_read_path(NULL, fixture_path("io"), NULL, &g, &err), IG_ERR_IO);
    assert_non_null(strstr(err.msg, "directory"));
    /* ig_error_format gives file:line:column: message. */
    memset(&err, 0, sizeof err);
    rd_str(NULL, "GRD_ID,NAT,EU_OTH,OTH\n" C1 ",1,2,x\n", NULL, &g, &err);
    char buf[600];
    ig_error_format(&err, buf, sizeof buf);
    assert_non_null(strstr(buf, "mem.csv:2:37: column 'OTH'"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_missing_column_suggests),
        cmocka_unit_test(test_not_a_number),
        cmocka_unit_test(test_not_finite),
        cmocka_unit_test(test_negative_counts),
        cmocka_unit_test(test_ragged_rows),
        cmocka_unit_test(test_quote_errors),
        cmocka_unit_test(test_long_lines),
        cmocka_unit_test(test_endless_input_fails_fast),
        cmocka_unit_test(test_gzip_damage),
        cmocka_unit_test(test_empty_and_header_only),
        cmocka_unit_test(test_duplicates_and_lattice),
        cmocka_unit_test(test_bad_cells_and_coordinates),
        cmocka_unit_test(test_option_errors),
        cmocka_unit_test(test_long_format_errors),
        cmocka_unit_test(test_file_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
