/* Place sets: figures from cell lists (weights, land area, centroid,
 * country by majority), the DEGURBA constructor with class aggregates on
 * tests/data/cli/towns.csv, --by places, naming, bad arguments and
 * allocation failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "test_support.h"

static const char *const GROUPS[] = {"A", "B"};
static const char *const VARS[] = {"LAND"};

/* Four 1 km cells in a row (row 0, columns 0..3): populations 10, 20, 30,
 * 40 (A = 1/4 of each), land 0.5, 1, NaN, 1; columns 0-1 in "AA", 2-3 in
 * "BB". */
static ig_grid *make_grid(void)
{
    ig_grid_spec spec = {0};
    spec.size_m = 1000;
    spec.n_groups = 2;
    spec.group_names = GROUPS;
    spec.n_vars = 1;
    spec.var_names = VARS;
    ig_grid_builder *b = NULL;
    ig_error err = {0};
    assert_int_equal(ig_grid_builder_create(NULL, &spec, &b, &err), IG_OK);
    const double land[4] = {0.5, 1.0, NAN, 1.0};
    for (int c = 0; c < 4; c++) {
        double pop = 10.0 * (c + 1);
        double counts[2] = {pop / 4, 3 * pop / 4};
        ig_grid_row r = {0};
        r.cell.north_m = 0;
        r.cell.east_m = c * 1000;
        r.cell.size_m = 1000;
        r.counts = counts;
        r.vars = &land[c];
        r.place = c < 2 ? "AA" : "BB";
        assert_int_equal(ig_grid_builder_add(b, &r, &err), IG_OK);
    }
    ig_grid *g = NULL;
    assert_int_equal(ig_grid_builder_finish(b, &g, &err), IG_OK);
    ig_grid_builder_destroy(b);
    return g;
}

static void test_create(void **state)
{
    (void)state;
    ig_grid *g = make_grid();
    /* "x": cells 1..3 (20+30+40: mostly BB); "y": cell 0 and half of 3 */
    ig_place_def defs[2] = {{"x", "Ex", "town", NULL, 0},
                            {"y", NULL, NULL, "ZZ", 1}};
    size_t cells[5] = {1, 2, 3, 0, 3};
    double w[5] = {1, 1, 1, 1, 0.5};
    size_t off[3] = {0, 3, 5};
    ig_placeset_opts po = {"LAND", 1, 0};
    ig_placeset *ps = NULL;
    ig_error err = {0};
    assert_int_equal(
        ig_placeset_create(NULL, g, 2, defs, off, cells, w, &po, &ps, &err),
        IG_OK);
    assert_int_equal(ig_placeset_count(ps), 2);
    const ig_placeset_row *x = ig_placeset_get(ps, 0);
    assert_string_equal(x->id, "x");
    assert_string_equal(x->name, "Ex");
    assert_string_equal(x->cls, "town");
    assert_string_equal(x->country, "BB"); /* 70 of 90 residents */
    assert_int_equal(x->aggregate, 0);
    assert_int_equal(x->cells, 3);
    assert_true(x->population == 90.0);
    assert_true(x->groups[0] == 22.5 && x->groups[1] == 67.5);
    /* land 1 + (NaN -> full 1 km2) + 1 */
    assert_true(x->area_km2 == 3.0);
    /* population-weighted centre: (20*1.5 + 30*2.5 + 40*3.5) / 90 km */
    assert_true(close_rel(x->x, 1000.0 * (30 + 75 + 140) / 90.0, 1e-15));
    assert_true(x->y == 500.0);
    assert_true(x->vars[0] == 2.0); /* NaN land is left out of the sum */
    const ig_placeset_row *y = ig_placeset_get(ps, 1);
    assert_string_equal(y->name, "");
    assert_string_equal(y->country, "ZZ"); /* given, not computed */
    assert_int_equal(y->aggregate, 1);
    assert_true(y->population == 10.0 + 20.0);
    assert_true(y->area_km2 == 0.5 + 0.5);
    assert_null(ig_placeset_get(ps, 2));
    assert_int_equal(ig_placeset_find(ps, "y"), 1);
    assert_int_equal(ig_placeset_find(ps, "z"), (size_t)-1);
    const size_t *pc = NULL;
    const double *pw = NULL;
    assert_int_equal(ig_placeset_cells(ps, 1, &pc, &pw), 2);
    assert_int_equal(pc[1], 3);
    assert_true(pw[1] == 0.5);
    /* the regrouped grid: place 1 is "y", weighted counts */
    const ig_grid *rg = ig_placeset_grid(ps);
    assert_int_equal(ig_grid_nplaces(rg), 2);
    assert_string_equal(ig_grid_place_name(rg, 1), "y");
    size_t first, count;
    assert_int_equal(ig_grid_place_range(rg, 1, &first, &count), IG_OK);
    assert_int_equal(count, 2);
    assert_true(ig_grid_totals(rg)[first + 1] == 20.0);
    assert_int_equal(ig_placeset_set_name(ps, 1, "Why"), IG_OK);
    assert_string_equal(ig_placeset_get(ps, 1)->name, "Why");
    assert_null(ig_placeset_cell_classes(ps));
    assert_null(ig_placeset_degurba_summary(ps));
    ig_placeset_destroy(ps);
    ps = NULL;

    /* errors: repeated id, empty id, a missing land column, a bad cell */
    ig_place_def dup[2] = {{"a", NULL, NULL, NULL, 0},
                           {"a", NULL, NULL, NULL, 0}};
    size_t off2[3] = {0, 1, 2};
    size_t c2[2] = {0, 1};
    assert_int_equal(
        ig_placeset_create(NULL, g, 2, dup, off2, c2, NULL, NULL, &ps, &err),
        IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "'a' is used twice"));
    ig_place_def empty[1] = {{"", NULL, NULL, NULL, 0}};
    assert_int_equal(
        ig_placeset_create(NULL, g, 1, empty, off2, c2, NULL, NULL, &ps, &err),
        IG_ERR_DOMAIN);
    ig_placeset_opts bad = {"NOPE", 0, 0};
    assert_int_equal(
        ig_placeset_create(NULL, g, 1, defs, off2, c2, NULL, &bad, &ps, &err),
        IG_ERR_NOT_FOUND);
    size_t c3[1] = {9};
    assert_int_equal(
        ig_placeset_create(NULL, g, 1, defs, off2, c3, NULL, NULL, &ps, &err),
        IG_ERR_DOMAIN);
    assert_null(ps);
    ig_grid_destroy(g);
}

static void test_by(void **state)
{
    (void)state;
    ig_grid *g = make_grid();
    ig_placeset_opts po = {NULL, 1, 1};
    ig_placeset *ps = NULL;
    ig_error err = {0};
    assert_int_equal(ig_placeset_by(NULL, g, "country", &po, &ps, &err), IG_OK);
    assert_int_equal(ig_placeset_count(ps), 2); /* no aggregates for --by */
    assert_string_equal(ig_placeset_get(ps, 1)->id, "BB");
    assert_string_equal(ig_placeset_get(ps, 1)->country, "BB");
    assert_string_equal(ig_placeset_get(ps, 1)->cls, "country");
    assert_true(ig_placeset_get(ps, 1)->population == 70.0);
    assert_true(ig_placeset_get(ps, 1)->area_km2 == 2.0);
    ig_placeset_destroy(ps);
    ig_grid_destroy(g);
}

static ig_grid *read_towns(ig_ctx *ctx)
{
    ig_read_opts o;
    ig_read_opts_init(&o);
    o.by_col = "CNTR_ID";
    const char *opt[] = {"LAND_SURFACE", "T", "CHG_OUT"};
    o.keep_optional = opt;
    o.n_keep_optional = 3;
    ig_grid *g = NULL;
    ig_error err = {0};
    ig_status st =
        ig_grid_read_path(ctx, fixture_path("cli/towns.csv"), &o, &g, &err);
    if (st != IG_OK) fail_msg("%s", err.msg);
    return g;
}

static void check_towns(const ig_placeset *ps)
{
    /* 6 centres, 6 clusters, centres / clusters per country, rural */
    assert_int_equal(ig_placeset_count(ps), 18);
    for (size_t i = 0; i < 12; i++) {
        const ig_placeset_row *r = ig_placeset_get(ps, i);
        char id[8];
        snprintf(id, sizeof id, "%zu", i + 1);
        assert_string_equal(r->id, id);
        assert_string_equal(r->cls, i < 6 ? "urban_centre" : "urban_cluster");
        assert_string_equal(r->country, (i % 6) < 3 ? "AA" : "BB");
        assert_true(r->population == 54000.0);
        assert_int_equal(r->aggregate, 0);
    }
    const char *agg[6] = {"urban_centre:AA",  "urban_centre:BB",
                          "urban_cluster:AA", "urban_cluster:BB",
                          "rural:AA",         "rural:BB"};
    for (size_t i = 12; i < 18; i++) {
        const ig_placeset_row *r = ig_placeset_get(ps, i);
        assert_string_equal(r->id, agg[i - 12]);
        assert_int_equal(r->aggregate, 1);
    }
    assert_true(ig_placeset_get(ps, 12)->population == 162000.0);
    assert_true(ig_placeset_get(ps, 12)->groups[2] == 2160.0 + 4320 + 6480);
    assert_true(ig_placeset_get(ps, 17)->population == 60.0);
    const ig_degurba_summary *s = ig_placeset_degurba_summary(ps);
    assert_non_null(s);
    assert_int_equal(s->n_centres, 6);
    assert_non_null(ig_placeset_cell_classes(ps));
    assert_non_null(ig_placeset_cell_places(ps));
}

static void test_degurba(void **state)
{
    (void)state;
    ig_grid *g = read_towns(NULL);
    ig_placeset_opts po = {"LAND_SURFACE", 1, 1};
    ig_degurba_opts dop;
    ig_degurba_opts_init(&dop);
    dop.pop_var = "T";
    ig_placeset *ps = NULL;
    ig_error err = {0};
    assert_int_equal(ig_placeset_degurba(NULL, g, &dop, &po, &ps, &err),
                     IG_OK);
    check_towns(ps);
    /* measures on every place in one run */
    ig_run_opts ro;
    ig_run_opts_init(&ro);
    const char *only[] = {"share"};
    ro.measures = only;
    ro.n_measures = 1;
    ig_results *res = NULL;
    assert_int_equal(ig_measures_run(NULL, ig_placeset_grid(ps), &ro, &res,
                                     &err),
                     IG_OK);
    assert_int_equal(ig_results_nplaces(res), 18);
    /* row 2 of place 5 (town 6): OTH share 24 % */
    const ig_result_row *r = ig_results_row(res, 5 * 3 + 2);
    assert_int_equal(r->place, 5);
    assert_true(close_rel(r->value, 0.24, 1e-15));
    ig_results_destroy(res);
    if (ig_gazetteer_has_builtin()) {
        ig_gazetteer *gz = NULL;
        assert_int_equal(ig_gazetteer_open_builtin(NULL, &gz, &err), IG_OK);
        ig_status st = ig_placeset_name_places(ps, gz, g, &err);
        if (st != IG_ERR_DISABLED) { /* built without PROJ */
            assert_int_equal(st, IG_OK);
            /* town 3 lies around Elbigenalp (Tyrol) */
            assert_string_equal(ig_placeset_get(ps, 2)->name, "Elbigenalp");
            assert_string_equal(ig_placeset_get(ps, 14)->name, "");
        }
        ig_gazetteer_destroy(gz);
    }
    ig_placeset_destroy(ps);
    ps = NULL;

    /* a population or land-area column the grid does not have */
    dop.pop_var = "NOPE";
    assert_int_equal(ig_placeset_degurba(NULL, g, &dop, &po, &ps, &err),
                     IG_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "population column 'NOPE' is not in "
                                    "the grid"));
    dop.pop_var = "T";
    ig_placeset_opts nol = {"NOLAND", 1, 1};
    assert_int_equal(ig_placeset_degurba(NULL, g, &dop, &nol, &ps, &err),
                     IG_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "land-area column 'NOLAND'"));
    assert_null(ps);

    /* a grid without urban places is an error, said plainly */
    const double a[] = {1, 2}, b[] = {2, 1};
    const double *counts[] = {a, b};
    ig_grid *u = grid_from_counts(NULL, 2, 2, counts, GROUPS);
    assert_int_not_equal(ig_placeset_degurba(NULL, u, NULL, NULL, &ps, &err),
                         IG_OK);
    assert_null(ps);
    ig_grid_destroy(u);
    ig_grid_destroy(g);
}

static void test_alloc_failures(void **state)
{
    (void)state;
    ig_grid *g = read_towns(NULL);
    ig_placeset_opts po = {"LAND_SURFACE", 1, 1};
    int done = 0;
    for (long fail = 1; fail < 2000 && !done; fail++) {
        fail_alloc fa = {0};
        fa.fail_at = fail;
        ig_ctx *ctx = make_fail_ctx(&fa, 1);
        ig_placeset *ps = NULL;
        ig_error err = {0};
        ig_degurba_opts dop;
        ig_degurba_opts_init(&dop);
        dop.pop_var = "T";
        ig_status st = ig_placeset_degurba(ctx, g, &dop, &po, &ps, &err);
        if (fa.failures == 0) {
            assert_int_equal(st, IG_OK);
            check_towns(ps);
            done = 1;
        } else if (st != IG_ERR_NOMEM) {
            fail_msg("allocation %ld failed, status %d", fail, (int)st);
        } else {
            assert_null(ps);
        }
        ig_placeset_destroy(ps);
        ig_ctx_destroy(ctx);
        if (fa.live != 0) fail_msg("leak after failing allocation %ld", fail);
    }
    assert_true(done);
    ig_grid_destroy(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create),
        cmocka_unit_test(test_by),
        cmocka_unit_test(test_degurba),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
