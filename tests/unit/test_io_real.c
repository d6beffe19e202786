/* Reading the real data in ../shared/data (skipped when a file is missing):
 * the 26 city windows, the Frankfurt 100 m Zensus tile and the schools
 * long-format reference. The 1.9 M-row EU file is in test_io_eu.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_io_util.h"

/* Grids keep their context: contexts are made once, destroyed never. */
static ig_ctx *ctx_for(int threads)
{
    static ig_ctx *ctx[3];
    if (!ctx[threads]) ctx[threads] = ctx_threads(threads, NULL);
    return ctx[threads];
}

static ig_grid *read_shared(const char *rel, const ig_read_opts *o, int threads)
{
    const char *path = shared_path(rel);
    if (!path) return NULL;
    ig_ctx *ctx = ctx_for(threads);
    ig_grid *g = NULL;
    ig_error err = {0};
    ig_status st = ig_grid_read_path(ctx, path, o, &g, &err);
    if (st != IG_OK) {
        char buf[1024];
        fprintf(stderr, "%s\n", ig_error_format(&err, buf, sizeof buf));
    }
    assert_int_equal(st, IG_OK);
    return g;
}

static void test_city_windows(void **state)
{
    (void)state;
    ig_read_opts o;
    ig_read_opts_init(&o);
    o.by_col = "CITY";
    ig_grid *g = read_shared("eu_census2021_1km_city_windows.csv", &o, 2);
    if (!g) skip();
    const ig_grid_stats *s = ig_grid_get_stats(g);
    assert_string_equal(s->format, "eurostat");
    assert_int_equal(s->rows_read, 30221);
    assert_int_equal(ig_grid_ncells(g), 30221);
    assert_int_equal(ig_grid_nplaces(g), 26);
    assert_int_equal(ig_grid_cell_size_m(g), 1000);
    assert_int_equal(s->cells_flagged, 705);
    assert_int_equal(ig_grid_ngroups(g), 3);
    size_t first, count, total = 0;
    for (size_t p = 0; p < 26; p++) {
        assert_int_equal(ig_grid_place_range(g, p, &first, &count), IG_OK);
        assert_true(count > 100);
        total += count;
    }
    assert_int_equal(total, 30221);
    /* The same with one thread. */
    ig_grid *g1 = read_shared("eu_census2021_1km_city_windows.csv", &o, 1);
    grids_equal(g, g1);
    ig_grid_destroy(g1);
    ig_grid_destroy(g);
}

static void test_frankfurt_100m(void **state)
{
    (void)state;
    ig_read_opts o;
    ig_read_opts_init(&o);
    const char *groups[] = {"DE=BORN_DE", "EU=BORN_EU27",
                            "OTHER=BORN_EUR_OTH+BORN_WORLD_OTH+BORN_OTHER"};
    o.groups = groups;
    o.n_groups = 3;
    o.total_col = "BORN_TOTAL";
    ig_grid *g = read_shared(
        "de_frankfurt_zensus2011_100m_birth_citizenship.csv", &o, 2);
    if (!g) skip();
    assert_int_equal(ig_grid_get_stats(g)->rows_read, 7020);
    assert_int_equal(ig_grid_ncells(g), 7020);
    assert_int_equal(ig_grid_cell_size_m(g), 100);
    ig_extent e;
    assert_int_equal(ig_grid_extent(g, &e), IG_OK);
    assert_true(e.min_east_m >= 4220000 && e.max_east_m <= 4232800);
    assert_true(e.min_north_m >= 2996800 && e.max_north_m <= 3009600);
    /* BORN_TOTAL is the sum of the five birth groups. */
    const double *t = ig_grid_totals(g);
    for (size_t i = 0; i < ig_grid_ncells(g); i++) {
        double s = ig_grid_counts(g, 0)[i] + ig_grid_counts(g, 1)[i] +
                   ig_grid_counts(g, 2)[i];
        assert_true(t[i] == s);
    }
    ig_grid_destroy(g);
}

static void test_schools_long(void **state)
{
    (void)state;
    ig_read_opts o;
    ig_read_opts_init(&o);
    o.long_spec = "school,race,n";
    o.by_col = "state";
    o.within_col = "district";
    ig_grid *g = read_shared("segregation_reference/schools00.csv", &o, 2);
    if (!g) skip();
    assert_int_equal(ig_grid_get_stats(g)->rows_read, 8142);
    assert_int_equal(ig_grid_ncells(g), 2045);
    assert_int_equal(ig_grid_cell_size_m(g), 0);
    assert_int_equal(ig_grid_ngroups(g), 5);
    static const char *const want[] = {"asian", "black", "hisp", "native",
                                       "white"};
    for (size_t k = 0; k < 5; k++)
        assert_string_equal(ig_grid_group_name(g, k), want[k]);
    assert_int_equal(ig_grid_nplaces(g), 3);
    assert_true(ig_grid_nwithin(g) > 3);
    size_t u = find_unit(g, "A1_1");
    assert_true(u != (size_t)-1);
    assert_true(ig_grid_counts(g, 0)[u] == 2.0);
    assert_true(ig_grid_counts(g, 4)[u] == 351.0);
    ig_grid_destroy(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_city_windows),
        cmocka_unit_test(test_frankfurt_100m),
        cmocka_unit_test(test_schools_long),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
