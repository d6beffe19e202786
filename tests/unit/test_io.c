/* Reading grids: the registry, detection (delimiter, decimal comma, BOM,
 * quoting, coordinates), Eurostat flags, missing values, group expressions,
 * totals, long format, --by/--within/--keep, gzip, progress and limits, row
 * order and thread count independence, block boundaries, and allocation
 * failures. Error cases live in test_io_errors.c, real data in
 * test_io_real.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <unistd.h>

#include "test_io_util.h"

/* ---- registry and options ------------------------------------------------ */

static void test_registry_lists_readers(void **state)
{
    (void)state;
    assert_int_equal(ig_reader_count(), 2);
    assert_string_equal(ig_reader_get(0)->name, "eurostat");
    assert_string_equal(ig_reader_get(1)->name, "csv");
    for (size_t i = 0; i < ig_reader_count(); i++) {
        assert_non_null(ig_reader_get(i)->long_name);
        assert_non_null(strstr(ig_reader_get(i)->extensions, "csv"));
    }
    assert_null(ig_reader_get(2));
    ig_read_opts o;
    memset(&o, 0x5a, sizeof o);
    ig_read_opts_init(&o);
    assert_int_equal(o.decimal_comma, -1);
    assert_int_equal(o.delimiter, 0);
    assert_null(o.format);
    assert_null(o.groups);
    assert_int_equal(o.max_line_bytes, 0);
}

static void test_group_expr_check(void **state)
{
    (void)state;
    ig_error err = {0};
    assert_int_equal(ig_group_expr_check("NAT", &err), IG_OK);
    assert_int_equal(ig_group_expr_check("FOREIGN=EU_OTH+OTH", &err), IG_OK);
    assert_int_equal(ig_group_expr_check(" X = A%T + B*T + C ", &err), IG_OK);
    static const struct {
        const char *e;
        long col;
    } bad[] = {
        {"", 1},     {"=A", 1},    {"A+B", 2},     {"N=A+", 5},
        {"N=A%", 5}, {"N=%T", 3},  {"N=A++B", 5},  {"N=A=B", 4},
        {"A%T", 3},  {"N=A,B", 4}, {"N=A%T%U", 6},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&err, 0, sizeof err);
        ig_status st = ig_group_expr_check(bad[i].e, &err);
        if (st != IG_ERR_PARSE || err.column != bad[i].col)
            fprintf(stderr, "'%s': st %d col %ld: %s\n", bad[i].e, (int)st,
                    err.column, err.msg);
        assert_int_equal(st, IG_ERR_PARSE);
        assert_int_equal(err.column, bad[i].col);
        assert_true(strlen(err.msg) > 10);
    }
    assert_int_equal(ig_group_expr_check(NULL, &err), IG_ERR_PARSE);
}

/* ---- Eurostat conventions --------------------------------------------------
 */

static void test_eurostat_flags_and_defaults(void **state)
{
    (void)state;
    ig_read_opts o;
    ig_read_opts_init(&o);
    ig_grid *g = fix_ok(NULL, "io/eurostat_small.csv", &o);
    const ig_grid_stats *s = ig_grid_get_stats(g);
    assert_string_equal(s->format, "eurostat");
    assert_int_equal(s->delimiter, ',');
    assert_int_equal(s->decimal_comma, 0);
    assert_int_equal(s->gzip, 0);
    assert_int_equal(s->rows_read, 5);
    assert_int_equal(s->cells_flagged, 3);
    assert_int_equal(s->cells_na, 2);
    assert_int_equal(ig_grid_ncells(g), 5);
    assert_int_equal(ig_grid_cell_size_m(g), 1000);
    assert_int_equal(ig_grid_crs_epsg(g), 3035);
    assert_int_equal(ig_grid_ngroups(g), 3);
    assert_string_equal(ig_grid_group_name(g, 0), "NAT");
    assert_string_equal(ig_grid_group_name(g, 1), "EU_OTH");
    assert_string_equal(ig_grid_group_name(g, 2), "OTH");
    assert_int_equal(ig_grid_has_total(g), 0);
    assert_string_equal(ig_grid_source(g),
                        fixture_path("io/eurostat_small.csv"));
    /* 0 with EU_OTH_CI = 1: not available. */
    size_t i = find_cell(g, 2684000, 4335000);
    assert_true(i != (size_t)-1);
    assert_non_null(ig_grid_na(g, 1));
    assert_int_equal(ig_grid_na(g, 1)[i], 1);
    assert_true(ig_grid_counts(g, 1)[i] == 0.0);
    assert_true(ig_grid_counts(g, 2)[i] == 20.0);
    assert_true(ig_grid_totals(g)[i] == 80.0);
    /* 3 with OTH_CI = 1: kept (and counted as flagged). */
    i = find_cell(g, 2685000, 4334000);
    assert_true(ig_grid_counts(g, 2)[i] == 3.0);
    assert_true(ig_grid_na(g, 2) == NULL || ig_grid_na(g, 2)[i] == 0);
    /* All zero and flagged: every group not available. */
    i = find_cell(g, 2686000, 4334000);
    for (size_t k = 0; k < 3; k++) assert_int_equal(ig_grid_na(g, k)[i], 1);
    assert_int_equal(ig_grid_na_any(g)[i], 1);
    ig_grid_destroy(g);
}

static void test_eurostat_total_keep_by(void **state)
{
    (void)state;
    ig_read_opts o;
    ig_read_opts_init(&o);
    o.total_col = "T";
    o.by_col = "CNTR_ID";
    const char *keep[] = {"LAND_SURFACE"};
    o.keep = keep;
    o.n_keep = 1;
    ig_grid *g = fix_ok(NULL, "io/eurostat_small.csv", &o);
    assert_int_equal(ig_grid_has_total(g), 1);
    assert_int_equal(ig_grid_nplaces(g), 3);
    assert_string_equal(ig_grid_place_name(g, 0), ""); /* empty CNTR_ID */
    assert_string_equal(ig_grid_place_name(g, 1), "DE");
    assert_string_equal(ig_grid_place_name(g, 2), "FR");
    size_t first, count;
    assert_int_equal(ig_grid_place_range(g, 1, &first, &count), IG_OK);
    assert_int_equal(count, 2);
    assert_int_equal(ig_grid_nvars(g), 1);
    assert_string_equal(ig_grid_var_name(g, 0), "LAND_SURFACE");
    size_t i = find_cell(g, 2684000, 4334000);
    assert_true(ig_grid_totals(g)[i] == 120.0);
    assert_true(ig_grid_var(g, 0)[i] == 0.98);
    i = find_cell(g, 2685000, 4335000);
    assert_true(isnan(ig_grid_var(g, 0)[i])); /* empty field */
    i = find_cell(g, 2686000, 4334000);
    assert_true(ig_grid_totals(g)[i] == 0.0); /* T 0 flagged: not available */
    /* The T_CI flag of the total column counts as a flag in use. */
    assert_int_equal(ig_grid_get_stats(g)->cells_flagged, 3);
    ig_grid_destroy(g);
}

/* keep_optional: present columns are kept after --keep ones, absent
 * ones and repeats are skipped. */
static void test_keep_optional(void **state)
{
    (void)state;
    ig_read_opts o;
    ig_read_opts_init(&o);
    o.by_col = "CNTR_ID";
    const char *keep[] = {"LAND_SURFACE"};
    const char *opt[] = {"NO_SUCH_COLUMN", "T", "LAND_SURFACE", "CNTR_ID"};
    o.keep = keep;
    o.n_keep = 1;
    o.keep_optional = opt;
    o.n_keep_optional = 4;
    ig_grid *g = fix_ok(NULL, "io/eurostat_small.csv", &o);
    assert_int_equal(ig_grid_nvars(g), 2);
    assert_string_equal(ig_grid_var_name(g, 0), "LAND_SURFACE");
    assert_string_equal(ig_grid_var_name(g, 1), "T");
    assert_int_equal(ig_grid_has_total(g), 0);
    size_t i = find_cell(g, 2684000, 4334000);
    assert_true(ig_grid_var(g, 1)[i] == 120.0);
    ig_grid_destroy(g);
}

static void test_na_as_zero(void **state)
{
    (void)state;
    ig_read_opts o;
    ig_read_opts_init(&o);
    o.na_as_zero = 1;
    ig_grid *g = fix_ok(NULL, "io/eurostat_small.csv", &o);
    assert_null(ig_grid_na_any(g));
    for (size_t k = 0; k < 3; k++) assert_null(ig_grid_na(g, k));
    assert_int_equal(ig_grid_get_stats(g)->cells_na, 0);
    size_t i = find_cell(g, 2686000, 4334000);
    assert_true(ig_grid_counts(g, 0)[i] == 0.0);
    ig_grid_destroy(g);
}

/* ---- delimiters, decimals, quoting ------------------------------------------
 */

static void test_semicolon_decimal_comma_detected(void **state)
{
    (void)state;
    ig_read_opts o;
    ig_read_opts_init(&o);
    const char *keep[] = {"SHARE"};
    o.keep = keep;
    o.n_keep = 1;
    ig_grid *g = fix_ok(NULL, "io/semicolon_comma.csv", &o);
    const ig_grid_stats *s = ig_grid_get_stats(g);
    assert_int_equal(s->delimiter, ';');
    assert_int_equal(s->decimal_comma, 1);
    size_t i = find_cell(g, 2684000, 4335000);
    assert_true(ig_grid_counts(g, 0)[i] == 60.5);
    assert_true(ig_grid_var(g, 0)[i] == 0.25);
    i = find_cell(g, 2684000, 4334000);
    assert_true(ig_grid_var(g, 0)[i] == 1.5);
    ig_grid_destroy(g);
    /* Forcing a decimal point makes "1,5" an error that names the fix. */
    o.decimal_comma = 0;
    ig_grid *bad = NULL;
    ig_error err = {0};
    assert_int_equal(
        ig_grid_read_path(NULL, fixture_path("io/semicolon_comma.csv"), &o,
                          &bad, &err),
        IG_ERR_PARSE);
    assert_non_null(strstr(err.msg, "--decimal-comma"));
    assert_int_equal(err.line, 2);
}

static void test_forced_delimiter_and_decimal_comma(void **state)
{
    (void)state;
    ig_read_opts o;
    ig_read_opts_init(&o);
    o.delimiter = ';';
    o.decimal_comma = 1;
    /* Only integers in the sample: detection would say "point". */
    ig_grid *g = rd_ok(NULL,
                       "GRD_ID;NAT;EU_OTH;OTH\n"
                       "1kmN2684E4334;1;2;3\n"
                       "1kmN2684E4335;1,25;2;3\n",
                       &o);
    assert_int_equal(ig_grid_get_stats(g)->decimal_comma, 1);
    assert_true(ig_grid_counts(g, 0)[1] == 1.25);
    ig_grid_destroy(g);
    /* A forced delimiter wins over detection. */
    ig_read_opts_init(&o);
    o.delimiter = '\t';
    g = rd_ok(NULL, "GRD_ID\tNAT\tEU_OTH\tOTH\tNOTE\n1kmN1E1\t1\t2\t3\ta;b,c\n",
              &o);
    assert_int_equal(ig_grid_get_stats(g)->delimiter, '\t');
    ig_grid_destroy(g);
}

static void test_tab_and_short_codes(void **state)
{
    (void)state;
    ig_grid *g = fix_ok(NULL, "io/tab_short.tsv", NULL);
    assert_int_equal(ig_grid_get_stats(g)->delimiter, '\t');
    assert_int_equal(ig_grid_cell_size_m(g), 1000);
    assert_true(find_cell(g, 2684000, 4335000) != (size_t)-1);
    ig_grid_destroy(g);
    /* 100 m short codes and the country-prefixed long form. */
    g = rd_ok(NULL,
              "Gitter_ID_100m,NAT,EU_OTH,OTH\n"
              "100mN26840E43341,1,2,3\n",
              NULL);
    assert_int_equal(ig_grid_cell_size_m(g), 100);
    assert_true(find_cell(g, 2684000, 4334100) == 0);
    ig_grid_destroy(g);
    g = rd_ok(NULL,
              "cell_id,NAT,EU_OTH,OTH\n"
              "NL_CRS3035RES100mN3000000E4000000,1,2,3\n",
              NULL);
    assert_int_equal(ig_grid_cell_size_m(g), 100);
    ig_grid_destroy(g);
}

static void test_quotes_bom_crlf(void **state)
{
    (void)state;
    ig_read_opts o;
    ig_read_opts_init(&o);
    o.by_col = "CITY";
    ig_grid *g = fix_ok(NULL, "io/quoted_bom_crlf.csv", &o);
    assert_int_equal(ig_grid_ncells(g), 3);
    assert_int_equal(ig_grid_get_stats(g)->rows_read, 3);
    assert_int_equal(ig_grid_nplaces(g), 3);
    assert_string_equal(ig_grid_place_name(g, 0), "Frankfurt, am Main");
    assert_string_equal(ig_grid_place_name(g, 1), "Say \"hi\"");
    assert_string_equal(ig_grid_place_name(g, 2), "Two\r\nlines");
    size_t i = find_cell(g, 2684000, 4335000);
    assert_true(ig_grid_counts(g, 0)[i] == 60.0);
    assert_true(ig_grid_counts(g, 2)[i] == 20.0); /* last field before CRLF */
    ig_grid_destroy(g);
    /* Lines after a quoted newline are numbered by physical lines. */
    ig_error err = {0};
    const char *csv =
        "GRD_ID,CITY,NAT,EU_OTH,OTH\r\n"
        "1kmN1E1,\"a\r\nb\",1,2,3\r\n"
        "1kmN1E2,c,1,x,3\r\n";
    assert_int_equal(rd_str(NULL, csv, NULL, &g, &err), IG_ERR_PARSE);
    assert_int_equal(err.line, 4);
    assert_int_equal(err.column, 13);
}

/* ---- coordinates
 * -------------------------------------------------------------- */

static void test_xy_columns(void **state)
{
    (void)state;
    ig_read_opts o;
    ig_read_opts_init(&o);
    const char *groups[] = {"A", "B"};
    o.groups = groups;
    o.n_groups = 2;
    o.cell_size_m = 1000;
    ig_grid *g = fix_ok(NULL, "io/xy_llc.csv", &o);
    assert_int_equal(ig_grid_cell_size_m(g), 1000);
    assert_true(find_cell(g, 2684000, 4335000) != (size_t)-1);
    ig_grid_destroy(g);
    /* Centroids with the size in the name. */
    ig_read_opts_init(&o);
    o.groups = groups;
    o.n_groups = 2;
    g = fix_ok(NULL, "io/xy_centroid_100m.csv", &o);
    assert_int_equal(ig_grid_cell_size_m(g), 100);
    assert_true(find_cell(g, 2684000, 4334000) != (size_t)-1);
    assert_true(find_cell(g, 2684000, 4334100) != (size_t)-1);
    ig_grid_destroy(g);
    /* Explicit columns, origin and size. */
    ig_read_opts_init(&o);
    o.groups = groups;
    o.n_groups = 2;
    o.x_col = "east";
    o.y_col = "north";
    o.origin = IG_ORIGIN_CENTRE;
    o.cell_size_m = 250;
    g = rd_ok(NULL, "north,east,A,B\n2684125,4334375,1,2\n", &o);
    assert_int_equal(ig_grid_cell_size_m(g), 250);
    assert_int_equal(find_cell(g, 2684000, 4334250), 0);
    ig_grid_destroy(g);
    o.origin = IG_ORIGIN_LL;
    o.cell_size_m = 0;
    ig_error err = {0};
    assert_int_equal(rd_str(NULL, "north,east,A,B\n0,0,1,2\n", &o, &g, &err),
                     IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "--cell-size"));
}

static void test_xy_on_a_eurostat_file(void **state)
{
    (void)state;
    /* Identified as eurostat by GRD_ID, but x/y were asked for. */
    ig_read_opts o;
    ig_read_opts_init(&o);
    o.x_col = "X_LLC";
    o.y_col = "Y_LLC";
    o.cell_size_m = 1000;
    ig_grid *g = fix_ok(NULL, "io/eurostat_small.csv", &o);
    ig_grid *ref = fix_ok(NULL, "io/eurostat_small.csv", NULL);
    grids_equal(ref, g);
    ig_grid_destroy(g);
    ig_grid_destroy(ref);
}

static void test_code_column_wins_over_xy(void **state)
{
    (void)state;
    /* x/y hold text: they are not read when a code column exists. */
    ig_grid *g = rd_ok(NULL,
                       "X_LLC,Y_LLC,GRD_ID,NAT,EU_OTH,OTH\n"
                       "junk,junk,CRS3035RES1000mN1000E2000,1,2,3\n",
                       NULL);
    assert_int_equal(find_cell(g, 1000, 2000), 0);
    ig_grid_destroy(g);
}

static void test_aspatial_cell_col(void **state)
{
    (void)state;
    ig_read_opts o;
    ig_read_opts_init(&o);
    o.cell_col = "code";
    const char *groups[] = {"small", "large"};
    o.groups = groups;
    o.n_groups = 2;
    log_cap cap = {0};
    ig_ctx *ctx = ctx_threads(1, &cap);
    ig_grid *g = rd_ok(ctx, "code,small,large\nb,1,2\na,3,4\n", &o);
    assert_int_equal(ig_grid_cell_size_m(g), 0);
    assert_string_equal(ig_grid_unit_name(g, 0), "a");
    assert_true(ig_grid_counts(g, 0)[0] == 3.0);
    assert_int_equal(cap.n_info, 1);
    ig_grid_destroy(g);
    ig_ctx_destroy(ctx);
}

/* ---- missing values, expressions, totals -----------------------------------
 */

static void test_na_sentinels_and_expressions(void **state)
{
    (void)state;
    ig_read_opts o;
    ig_read_opts_init(&o);
    const char *groups[] = {"FOREIGN=PCT_FOREIGN%POP", "EU=FRAC_EU*POP",
                            "LOCAL", "OTHER=LOCAL+ELSE"};
    o.groups = groups;
    o.n_groups = 4;
    ig_grid *g = fix_ok(NULL, "io/pct_total.csv", &o);
    size_t a = find_cell(g, 2684000, 4334000);
    size_t b = find_cell(g, 2684000, 4334100);
    size_t c = find_cell(g, 2684100, 4334000);
    const double *f = ig_grid_counts(g, 0), *eu = ig_grid_counts(g, 1),
                 *loc = ig_grid_counts(g, 2);
    assert_true(f[a] == 50.0);
    assert_true(f[b] == 10.0);
    assert_int_equal(ig_grid_na(g, 0)[c], 1); /* empty field */
    assert_true(eu[a] == 20.0);
    assert_true(eu[b] == 5.0);
    assert_true(eu[c] == 25.0);
    assert_true(loc[a] == 150.0);
    assert_int_equal(ig_grid_na(g, 2)[b], 1); /* -9999 */
    assert_int_equal(ig_grid_na(g, 3)[a], 1); /* NA in a term */
    assert_int_equal(ig_grid_na(g, 3)[b], 1);
    assert_int_equal(ig_grid_na(g, 3)[c], 0);
    assert_true(ig_grid_counts(g, 3)[c] == 20.0);
    ig_grid_destroy(g);
}

static void test_custom_na_replaces_default(void **state)
{
    (void)state;
    ig_read_opts o;
    ig_read_opts_init(&o);
    o.na_values = "-1,.";
    const char *groups[] = {"A", "B"};
    o.groups = groups;
    o.n_groups = 2;
    ig_grid *g = rd_ok(NULL, "GRD_ID,A,B\n1kmN1E1,-1,.\n1kmN1E2,4,\n", &o);
    assert_int_equal(ig_grid_na(g, 0)[0], 1);
    assert_int_equal(ig_grid_na(g, 1)[0], 1);
    assert_int_equal(ig_grid_na(g, 1)[1], 1); /* empty is always NA */
    ig_grid_destroy(g);
    /* "NA" is no longer a sentinel, so it is a bad number. */
    ig_error err = {0};
    assert_int_equal(rd_str(NULL, "GRD_ID,A,B\n1kmN1E1,NA,1\n", &o, &g, &err),
                     IG_ERR_PARSE);
}

static void test_total_below_sum_warns_once(void **state)
{
    (void)state;
    log_cap cap = {0};
    ig_ctx *ctx = ctx_threads(1, &cap);
    ig_read_opts o;
    ig_read_opts_init(&o);
    o.total_col = "T";
    const char *groups[] = {"A", "B"};
    o.groups = groups;
    o.n_groups = 2;
    ig_grid *g = rd_ok(ctx,
                       "GRD_ID,T,A,B\n"
                       "1kmN1E1,20,6,6\n"
                       "1kmN1E2,10,6,6\n"
                       "1kmN1E3,5,3,3\n",
                       &o);
    assert_int_equal(cap.n_warn, 1);
    assert_non_null(strstr(cap.last_warn, "2 rows"));
    assert_non_null(strstr(cap.last_warn, "line 3"));
    assert_true(ig_grid_totals(g)[0] == 20.0);
    assert_true(ig_grid_totals(g)[1] == 12.0);
    assert_true(ig_grid_totals(g)[2] == 6.0);
    ig_grid_destroy(g);
    ig_ctx_destroy(ctx);
}

static void test_groups_needed_without_schema(void **state)
{
    (void)state;
    ig_error err = {0};
    ig_grid *g = NULL;
    assert_int_equal(
        rd_str(NULL, "GRD_ID,CITY,A,B\n1kmN1E1,x,1,2\n", NULL, &g, &err),
        IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "--groups"));
    assert_non_null(strstr(err.msg, "A, B"));
    assert_null(strstr(err.msg, "CITY,"));
}

/* ---- long format
 * ----------------------------------------------------------------- */

static void test_long_format(void **state)
{
    (void)state;
    ig_read_opts o;
    ig_read_opts_init(&o);
    o.long_spec = "school,race,n";
    o.by_col = "district";
    ig_grid *g = fix_ok(NULL, "io/long_small.csv", &o);
    assert_int_equal(ig_grid_cell_size_m(g), 0);
    assert_int_equal(ig_grid_ncells(g), 3);
    assert_int_equal(ig_grid_ngroups(g), 4);
    static const char *const want[] = {"asian", "black", "hisp", "white"};
    for (size_t k = 0; k < 4; k++)
        assert_string_equal(ig_grid_group_name(g, k), want[k]);
    assert_int_equal(ig_grid_get_stats(g)->rows_read, 6);
    assert_string_equal(ig_grid_get_stats(g)->format, "csv");
    size_t s2 = find_unit(g, "s2");
    assert_true(ig_grid_counts(g, 0)[s2] == 0.0); /* missing: 0 */
    assert_true(ig_grid_counts(g, 2)[s2] == 2.0);
    assert_true(ig_grid_counts(g, 3)[s2] == 3.0);
    assert_true(ig_grid_totals(g)[s2] == 5.0);
    assert_int_equal(ig_grid_nplaces(g), 2);
    assert_string_equal(ig_grid_place_name(g, 1), "D2");
    size_t first, count;
    assert_int_equal(ig_grid_place_range(g, 1, &first, &count), IG_OK);
    assert_int_equal(count, 1);
    assert_string_equal(ig_grid_unit_name(g, first), "s3");
    ig_grid_destroy(g);
    /* Restricted and ordered groups. */
    const char *groups[] = {"white", "black"};
    o.groups = groups;
    o.n_groups = 2;
    o.by_col = NULL;
    g = fix_ok(NULL, "io/long_small.csv", &o);
    assert_int_equal(ig_grid_ngroups(g), 2);
    assert_string_equal(ig_grid_group_name(g, 0), "white");
    size_t s1 = find_unit(g, "s1");
    assert_true(ig_grid_counts(g, 0)[s1] == 10.0);
    assert_true(ig_grid_counts(g, 1)[s1] == 5.0);
    ig_grid_destroy(g);
}

static void test_long_cell_units_duplicates_na(void **state)
{
    (void)state;
    log_cap cap = {0};
    ig_ctx *ctx = ctx_threads(1, &cap);
    ig_read_opts o;
    ig_read_opts_init(&o);
    o.long_spec = "cell, grp ,cnt";
    const char *csv =
        "cell,grp,cnt\n"
        "1kmN1E1,a,1\n"
        "1kmN1E1,b,NA\n"
        "1kmN1E2,a,2\n"
        "1kmN1E2,a,3\n";
    ig_grid *g = rd_ok(ctx, csv, &o);
    assert_int_equal(ig_grid_cell_size_m(g), 1000);
    assert_int_equal(ig_grid_ncells(g), 2);
    size_t c2 = find_cell(g, 1000, 2000);
    assert_true(ig_grid_counts(g, 0)[c2] == 5.0); /* summed */
    assert_int_equal(cap.n_warn, 1);
    assert_non_null(strstr(cap.last_warn, "line 5"));
    size_t c1 = find_cell(g, 1000, 1000);
    assert_int_equal(ig_grid_na(g, 1)[c1], 1);
    ig_grid_destroy(g);
    /* Under strict the repeat is an error naming both lines. */
    o.strict = 1;
    ig_error err = {0};
    assert_int_equal(rd_str(ctx, csv, &o, &g, &err), IG_ERR_MISMATCH);
    assert_non_null(strstr(err.msg, "lines 4 and 5"));
    assert_string_equal(err.file, "mem.csv");
    ig_ctx_destroy(ctx);
}

/* ---- within / keep ----------------------------------------------------------
 */

static void test_within(void **state)
{
    (void)state;
    ig_read_opts o;
    ig_read_opts_init(&o);
    o.within_col = "D";
    o.by_col = "C";
    ig_grid *g = rd_ok(NULL,
                       "GRD_ID,C,D,NAT,EU_OTH,OTH\n"
                       "1kmN1E1,x,d2,1,2,3\n"
                       "1kmN1E2,x,d1,1,2,3\n",
                       &o);
    assert_int_equal(ig_grid_nwithin(g), 2);
    const uint32_t *w = ig_grid_within(g);
    assert_string_equal(ig_grid_within_name(g, w[find_cell(g, 1000, 1000)]),
                        "d2");
    ig_grid_destroy(g);
}

/* ---- gzip, stdin, progress, limits ------------------------------------------
 */

typedef struct prog {
    int calls;
    uint64_t last, total;
    int cancel_at;
    int monotone;
} prog;

static int on_progress(void *ud, uint64_t done, uint64_t total)
{
    prog *p = ud;
    if (done < p->last) p->monotone = 0;
    p->last = done;
    p->total = total;
    p->calls++;
    return p->cancel_at && p->calls >= p->cancel_at;
}

static void test_stdin(void **state)
{
    (void)state;
    int saved = dup(0);
    assert_true(saved >= 0);
    FILE *f = fopen(fixture_path("io/medium.csv.gz"), "rb");
    assert_non_null(f);
    assert_true(dup2(fileno(f), 0) == 0);
    prog p = {0};
    p.monotone = 1;
    ig_read_opts o;
    ig_read_opts_init(&o);
    o.progress = on_progress;
    o.progress_ud = &p;
    ig_grid *g = NULL;
    ig_error err = {0};
    ig_status st = ig_grid_read_path(NULL, "-", &o, &g, &err);
    assert_true(dup2(saved, 0) == 0);
    close(saved);
    fclose(f);
    assert_int_equal(st, IG_OK);
    assert_string_equal(ig_grid_source(g), "-");
    assert_int_equal(ig_grid_ncells(g), 3000);
    assert_int_equal(ig_grid_get_stats(g)->gzip, 1);
    assert_int_equal(p.last, 23896);
    ig_grid_destroy(g);
}

static void test_gzip_transparent(void **state)
{
    (void)state;
    ig_grid *a = fix_ok(NULL, "io/plain.csv", NULL);
    ig_grid *b = fix_ok(NULL, "io/plain.csv.gz", NULL);
    ig_grid *c = fix_ok(NULL, "io/multi_member.csv.gz", NULL);
    assert_int_equal(ig_grid_get_stats(a)->gzip, 0);
    assert_int_equal(ig_grid_get_stats(b)->gzip, 1);
    assert_int_equal(ig_grid_get_stats(c)->gzip, 1);
    grids_equal(a, b);
    grids_equal(a, c);
    ig_grid_destroy(a);
    ig_grid_destroy(b);
    ig_grid_destroy(c);
    /* Detection is by magic bytes, not the name: gzip bytes in memory. */
    FILE *f = fopen(fixture_path("io/medium.csv.gz"), "rb");
    assert_non_null(f);
    static unsigned char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    ig_error err = {0};
    ig_grid *g = NULL;
    assert_int_equal(ig_grid_read_mem(NULL, buf, n, "noext", NULL, &g, &err),
                     IG_OK);
    assert_int_equal(ig_grid_ncells(g), 3000);
    assert_int_equal(ig_grid_get_stats(g)->gzip, 1);
    ig_grid_destroy(g);
}

static void test_progress_and_cancel(void **state)
{
    (void)state;
    ig_read_opts o;
    ig_read_opts_init(&o);
    prog p = {0};
    p.monotone = 1;
    o.progress = on_progress;
    o.progress_ud = &p;
    ig_grid *g = fix_ok(NULL, "io/medium.csv.gz", &o);
    assert_true(p.calls >= 1);
    assert_true(p.monotone);
    assert_int_equal(p.total, 23896); /* compressed size of the file */
    assert_int_equal(p.last, p.total);
    ig_grid_destroy(g);
    /* Cancel at the first call; tiny blocks so there are several. */
    ig_read_opts_init(&o);
    memset(&p, 0, sizeof p);
    p.cancel_at = 1;
    o.progress = on_progress;
    o.progress_ud = &p;
    const char *csv =
        "GRD_ID,NAT,EU_OTH,OTH\n1kmN1E1,1,2,3\n1kmN1E2,1,2,3\n"
        "1kmN1E3,1,2,3\n1kmN1E4,1,2,3\n";
    ig_error err = {0};
    g = NULL;
    assert_int_equal(
        ig__grid_read_mem_blocks(NULL, csv, strlen(csv), "c", &o, 16, &g, &err),
        IG_ERR_CANCELLED);
    assert_null(g);
    assert_int_equal(p.calls, 1); /* never called again after the error */
}

static void test_max_bytes(void **state)
{
    (void)state;
    ig_read_opts o;
    ig_read_opts_init(&o);
    o.max_bytes = 20;
    ig_grid *g = NULL;
    ig_error err = {0};
    assert_int_equal(
        ig_grid_read_path(NULL, fixture_path("io/plain.csv.gz"), &o, &g, &err),
        IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "max_bytes"));
    assert_non_null(strstr(err.file, "plain.csv.gz"));
    o.max_bytes = 98; /* exactly the size: fine */
    g = fix_ok(NULL, "io/plain.csv", &o);
    ig_grid_destroy(g);
}

static void test_format_forcing(void **state)
{
    (void)state;
    ig_read_opts o;
    ig_read_opts_init(&o);
    o.format = "CSV";
    ig_grid *g = fix_ok(NULL, "io/eurostat_small.csv", &o);
    assert_string_equal(ig_grid_get_stats(g)->format, "csv");
    ig_grid_destroy(g);
    o.format = "nope";
    ig_error err = {0};
    assert_int_equal(
        ig_grid_read_path(NULL, fixture_path("io/plain.csv"), &o, &g, &err),
        IG_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "eurostat, csv"));
    o.format = "eurostat";
    o.cell_size_m = 1000;
    const char *groups[] = {"A", "B"};
    o.groups = groups;
    o.n_groups = 2;
    memset(&err, 0, sizeof err);
    assert_int_equal(
        ig_grid_read_path(NULL, fixture_path("io/xy_llc.csv"), &o, &g, &err),
        IG_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "--format csv"));
}

/* ---- invariance -------------------------------------------------------------
 */

/* A table of n rows in a permuted order (perm_seed 0: natural order). */
static char *make_table(size_t n, unsigned perm_seed, int with_quotes)
{
    size_t *ord = malloc(n * sizeof *ord);
    for (size_t i = 0; i < n; i++) ord[i] = i;
    if (perm_seed) {
        uint64_t s = perm_seed;
        for (size_t i = n - 1; i > 0; i--) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            size_t j = (size_t)((s >> 33) % (i + 1));
            size_t t = ord[i];
            ord[i] = ord[j];
            ord[j] = t;
        }
    }
    size_t cap = n * 96 + 128, k = 0;
    char *buf = malloc(cap);
    k += (size_t)snprintf(buf + k, cap - k,
                          "GRD_ID,CNTR,\"T\",NAT,EU_OTH,OTH,NAT_CI\r\n");
    for (size_t r = 0; r < n; r++) {
        size_t i = ord[r];
        const char *place =
            with_quotes && i % 7 == 0 ? "\"A,\"\"1\"\"\"" : (i % 3 ? "B" : "C");
        k += (size_t)snprintf(
            buf + k, cap - k, "1kmN%zuE%zu,%s,%zu,%zu,%zu,%s,%d\r\n",
            2000 + i / 500, 4000 + i % 500, place, (i * 7) % 50 + 20,
            (i * 7) % 13, i % 5, (i % 11 == 0) ? "NA" : "1.5",
            (i % 17 == 0) ? 1 : 0);
    }
    free(ord);
    return buf;
}

static ig_grid *read_table(ig_ctx *ctx, const char *csv, size_t block)
{
    ig_read_opts o;
    ig_read_opts_init(&o);
    o.by_col = "CNTR";
    o.total_col = "T";
    ig_grid *g = NULL;
    ig_error err = {0};
    ig_status st = ig__grid_read_mem_blocks(ctx, csv, strlen(csv), "t", &o,
                                            block, &g, &err);
    if (st != IG_OK) fprintf(stderr, "%s (line %ld)\n", err.msg, err.line);
    assert_int_equal(st, IG_OK);
    return g;
}

static void test_row_order_does_not_matter(void **state)
{
    (void)state;
    char *a = make_table(2000, 0, 1), *b = make_table(2000, 12345, 1);
    ig_grid *ga = read_table(NULL, a, 0), *gb = read_table(NULL, b, 0);
    assert_int_equal(ig_grid_ncells(ga), 2000);
    assert_int_equal(ig_grid_nplaces(ga), 3);
    grids_equal(ga, gb);
    ig_grid_destroy(ga);
    ig_grid_destroy(gb);
    free(a);
    free(b);
}

static void test_threads_and_blocks_do_not_matter(void **state)
{
    (void)state;
    char *csv = make_table(40000, 99, 1); /* ~1.3 MB: two default blocks */
    ig_grid *ref = read_table(NULL, csv, 0);
    assert_int_equal(ig_grid_ncells(ref), 40000);
    static const struct {
        int threads;
        size_t block;
    } runs[] = {{2, 0}, {3, 0}, {1, 4096}, {2, 4096}, {4, 1000}, {2, 37}};
    for (size_t r = 0; r < sizeof runs / sizeof runs[0]; r++) {
        ig_ctx *ctx = ctx_threads(runs[r].threads, NULL);
        ig_grid *g = read_table(ctx, csv, runs[r].block);
        grids_equal(ref, g);
        ig_grid_destroy(g);
        ig_ctx_destroy(ctx);
    }
    ig_grid_destroy(ref);
    /* The first error is the same whatever the thread count. */
    size_t n = strlen(csv);
    char *bad = malloc(n + 64);
    memcpy(bad, csv, n + 1);
    char *p = strstr(bad + n / 2, "\r\n");
    p[2] = '#'; /* a bad cell code halfway */
    char *q = strstr(bad + n / 4, "\r\n");
    q[2] = '%'; /* and an earlier one */
    long line = 0;
    for (int t = 1; t <= 3; t++) {
        ig_ctx *ctx = ctx_threads(t, NULL);
        ig_grid *g = NULL;
        ig_error err = {0};
        assert_int_equal(
            ig__grid_read_mem_blocks(ctx, bad, n, "t", NULL, 512, &g, &err),
            IG_ERR_PARSE);
        if (t == 1) line = err.line;
        assert_int_equal(err.line, line);
        ig_ctx_destroy(ctx);
    }
    assert_true(line > 1000 && line < 15000);
    free(bad);
    free(csv);
}

static void test_tiny_blocks_with_quotes_and_crlf(void **state)
{
    (void)state;
    static const char *const fixtures[] = {"io/quoted_bom_crlf.csv",
                                           "io/eurostat_small.csv",
                                           "io/semicolon_comma.csv"};
    for (size_t f = 0; f < 3; f++) {
        FILE *fp = fopen(fixture_path(fixtures[f]), "rb");
        assert_non_null(fp);
        char buf[4096];
        size_t n = fread(buf, 1, sizeof buf, fp);
        fclose(fp);
        ig_read_opts o;
        ig_read_opts_init(&o);
        if (f == 0) o.by_col = "CITY";
        ig_grid *ref = NULL;
        ig_error err = {0};
        assert_int_equal(ig_grid_read_mem(NULL, buf, n, "x", &o, &ref, &err),
                         IG_OK);
        for (size_t bs = 1; bs < 80; bs += 3) {
            ig_grid *g = NULL;
            assert_int_equal(
                ig__grid_read_mem_blocks(NULL, buf, n, "x", &o, bs, &g, &err),
                IG_OK);
            grids_equal(ref, g);
            ig_grid_destroy(g);
        }
        ig_grid_destroy(ref);
    }
}

/* ---- allocation failures ----------------------------------------------------
 */

static void alloc_loop(const char *rel, const ig_read_opts *o, int threads)
{
    for (long n = 1;; n++) {
        fail_alloc fa = {0};
        fa.fail_at = n;
        ig_ctx *ctx = make_fail_ctx(&fa, threads);
        ig_grid *g = NULL;
        ig_error err = {0};
        ig_status st = ig_grid_read_path(ctx, fixture_path(rel), o, &g, &err);
        if (st == IG_OK) {
            assert_int_equal(fa.failures, 0);
            ig_grid_destroy(g);
            ig_ctx_destroy(ctx);
            assert_int_equal(fa.live, 0);
            assert_true(n > 10);
            return;
        }
        if (st != IG_ERR_NOMEM)
            fprintf(stderr, "fail_at %ld: status %d: %s\n", n, (int)st,
                    err.msg);
        assert_int_equal(st, IG_ERR_NOMEM);
        assert_int_equal(err.status, IG_ERR_NOMEM);
        assert_null(g);
        ig_ctx_destroy(ctx);
        assert_int_equal(fa.live, 0);
        assert_true(n < 100000);
    }
}

static void test_allocation_failures(void **state)
{
    (void)state;
    ig_read_opts o;
    ig_read_opts_init(&o);
    o.by_col = "CNTR_ID";
    o.total_col = "T";
    const char *keep[] = {"LAND_SURFACE"};
    o.keep = keep;
    o.n_keep = 1;
    alloc_loop("io/eurostat_small.csv", &o, 1);
    alloc_loop("io/eurostat_small.csv", &o, 2);
    alloc_loop("io/plain.csv.gz", NULL, 1);
    ig_read_opts_init(&o);
    o.long_spec = "school,race,n";
    o.by_col = "district";
    alloc_loop("io/long_small.csv", &o, 1);
    ig_read_opts_init(&o);
    o.by_col = "CITY";
    alloc_loop("io/quoted_bom_crlf.csv", &o, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry_lists_readers),
        cmocka_unit_test(test_group_expr_check),
        cmocka_unit_test(test_eurostat_flags_and_defaults),
        cmocka_unit_test(test_eurostat_total_keep_by),
        cmocka_unit_test(test_keep_optional),
        cmocka_unit_test(test_na_as_zero),
        cmocka_unit_test(test_semicolon_decimal_comma_detected),
        cmocka_unit_test(test_forced_delimiter_and_decimal_comma),
        cmocka_unit_test(test_tab_and_short_codes),
        cmocka_unit_test(test_quotes_bom_crlf),
        cmocka_unit_test(test_xy_columns),
        cmocka_unit_test(test_xy_on_a_eurostat_file),
        cmocka_unit_test(test_code_column_wins_over_xy),
        cmocka_unit_test(test_stdin),
        cmocka_unit_test(test_aspatial_cell_col),
        cmocka_unit_test(test_na_sentinels_and_expressions),
        cmocka_unit_test(test_custom_na_replaces_default),
        cmocka_unit_test(test_total_below_sum_warns_once),
        cmocka_unit_test(test_groups_needed_without_schema),
        cmocka_unit_test(test_long_format),
        cmocka_unit_test(test_long_cell_units_duplicates_na),
        cmocka_unit_test(test_within),
        cmocka_unit_test(test_gzip_transparent),
        cmocka_unit_test(test_progress_and_cancel),
        cmocka_unit_test(test_max_bytes),
        cmocka_unit_test(test_format_forcing),
        cmocka_unit_test(test_row_order_does_not_matter),
        cmocka_unit_test(test_threads_and_blocks_do_not_matter),
        cmocka_unit_test(test_tiny_blocks_with_quotes_and_crlf),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
