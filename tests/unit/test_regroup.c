/* ig_grid_regroup: places from cell lists (overlapping, across source
 * places, weighted, empty), canonical order inside a place, carried flags,
 * bad arguments, aspatial grids, measures equal to the source's, and
 * allocation failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "test_support.h"

static const char *const GROUPS[] = {"A", "B"};
static const char *const VARS[] = {"LAND"};

/* Six 1 km cells in two source places: "p" holds row 0, "q" row 1;
 * cell (r, c) has A = 10 r + c + 1, B = 2, land 1; cell (1, 2) has group B
 * not available. Within-groupings "w0" (column 0) and "w1" (others). */
static ig_grid *make_grid(ig_ctx *ctx)
{
    ig_grid_spec spec = {0};
    spec.size_m = 1000;
    spec.n_groups = 2;
    spec.group_names = GROUPS;
    spec.n_vars = 1;
    spec.var_names = VARS;
    ig_grid_builder *b = NULL;
    ig_error err = {0};
    assert_int_equal(ig_grid_builder_create(ctx, &spec, &b, &err), IG_OK);
    for (int r = 1; r >= 0; r--) {
        for (int c = 0; c < 3; c++) {
            double counts[2] = {10.0 * r + c + 1, 2.0};
            uint8_t na[2] = {0, (uint8_t)(r == 1 && c == 2)};
            double land = 1.0;
            ig_grid_row row = {0};
            row.cell.north_m = r * 1000;
            row.cell.east_m = c * 1000;
            row.cell.size_m = 1000;
            row.counts = counts;
            row.na = na;
            row.vars = &land;
            row.place = r == 0 ? "p" : "q";
            row.within = c == 0 ? "w0" : "w1";
            assert_int_equal(ig_grid_builder_add(b, &row, &err), IG_OK);
        }
    }
    ig_grid *g = NULL;
    assert_int_equal(ig_grid_builder_finish(b, &g, &err), IG_OK);
    ig_grid_builder_destroy(b);
    return g;
}

/* Index of the cell at (row, col) in g. */
static size_t find(const ig_grid *g, int32_t row, int32_t col)
{
    for (size_t i = 0; i < ig_grid_ncells(g); i++)
        if (ig_grid_rows(g)[i] == row && ig_grid_cols(g)[i] == col) return i;
    fail_msg("no cell (%d, %d)", row, col);
    return 0;
}

static void test_places(void **state)
{
    (void)state;
    ig_grid *src = make_grid(NULL);
    /* "x": all cells, given out of order across both source places;
     * "e": empty; "h": (0,1) and (1,2) with weights 0.5 and 0.25. */
    const char *names[] = {"x", "e", "h"};
    size_t cells[8] = {find(src, 1, 2), find(src, 0, 0), find(src, 1, 0),
                       find(src, 0, 2), find(src, 0, 1), find(src, 1, 1),
                       find(src, 1, 2), find(src, 0, 1)};
    double w[8] = {1, 1, 1, 1, 1, 1, 0.25, 0.5};
    size_t off[4] = {0, 6, 6, 8};
    ig_grid *g = NULL;
    ig_error err = {0};
    assert_int_equal(ig_grid_regroup(NULL, src, 3, names, off, cells, w, &g,
                                     &err),
                     IG_OK);
    assert_int_equal(ig_grid_ncells(g), 8);
    assert_int_equal(ig_grid_nplaces(g), 3);
    /* Order given, not name order. */
    assert_string_equal(ig_grid_place_name(g, 0), "x");
    assert_string_equal(ig_grid_place_name(g, 1), "e");
    assert_string_equal(ig_grid_place_name(g, 2), "h");
    size_t first, count;
    assert_int_equal(ig_grid_place_range(g, 1, &first, &count), IG_OK);
    assert_int_equal(first, 6);
    assert_int_equal(count, 0);
    /* Canonical (row, col) order inside "x". */
    const int32_t *rows = ig_grid_rows(g), *cols = ig_grid_cols(g);
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(rows[i], (int32_t)(i / 3));
        assert_int_equal(cols[i], (int32_t)(i % 3));
        assert_true(ig_grid_counts(g, 0)[i] == 10.0 * (double)(i / 3) +
                                                   (double)(i % 3) + 1.0);
        assert_true(ig_grid_totals(g)[i] ==
                    ig_grid_counts(g, 0)[i] + ig_grid_counts(g, 1)[i]);
        assert_true(ig_grid_var(g, 0)[i] == 1.0);
    }
    /* Weighted place "h": (0,1) x 0.5 first, then (1,2) x 0.25. */
    assert_int_equal(rows[6], 0);
    assert_int_equal(cols[6], 1);
    assert_true(ig_grid_counts(g, 0)[6] == 1.0);
    assert_true(ig_grid_counts(g, 1)[6] == 1.0);
    assert_true(ig_grid_totals(g)[6] == 2.0);
    assert_true(ig_grid_var(g, 0)[6] == 0.5);
    assert_true(ig_grid_counts(g, 0)[7] == 13.0 * 0.25);
    /* Flags: (1,2) is index 5 in "x" and 7 in "h". */
    const uint8_t *na = ig_grid_na(g, 1);
    assert_non_null(na);
    assert_null(ig_grid_na(g, 0));
    for (size_t i = 0; i < 8; i++)
        assert_int_equal(na[i], (i == 5 || i == 7) ? 1 : 0);
    assert_int_equal(ig_grid_group_na_cells(g, 1), 2);
    assert_int_equal(ig_grid_get_stats(g)->cells_na, 2);
    /* Within-groupings are carried. */
    assert_int_equal(ig_grid_nwithin(g), 2);
    assert_string_equal(ig_grid_within_name(g, ig_grid_within(g)[0]), "w0");
    assert_string_equal(ig_grid_within_name(g, ig_grid_within(g)[1]), "w1");
    assert_int_equal(ig_grid_cell_size_m(g), 1000);
    assert_int_equal(ig_grid_var_index(g, "LAND"), 0);
    assert_int_equal(ig_grid_var_index(g, "NOPE"), (size_t)-1);
    assert_int_equal(ig_grid_var_index(NULL, "LAND"), (size_t)-1);
    assert_string_equal(ig_grid_group_name(g, 1), "B");
    ig_grid_destroy(g);
    ig_grid_destroy(src);
}

static void test_errors(void **state)
{
    (void)state;
    ig_grid *src = make_grid(NULL);
    const char *names[] = {"a", "b"};
    ig_grid *g = NULL;
    ig_error err = {0};
    size_t dup[3] = {0, 4, 0};
    size_t off1[2] = {0, 3};
    assert_int_equal(ig_grid_regroup(NULL, src, 1, names, off1, dup, NULL, &g,
                                     &err),
                     IG_ERR_MISMATCH);
    assert_non_null(strstr(err.msg, "twice"));
    assert_null(g);
    /* The same cell in two places is fine. */
    size_t two[2] = {3, 3};
    size_t off2[3] = {0, 1, 2};
    assert_int_equal(ig_grid_regroup(NULL, src, 2, names, off2, two, NULL, &g,
                                     &err),
                     IG_OK);
    assert_int_equal(ig_grid_ncells(g), 2);
    ig_grid_destroy(g);
    g = NULL;
    size_t bad[1] = {6};
    size_t off3[2] = {0, 1};
    assert_int_equal(ig_grid_regroup(NULL, src, 1, names, off3, bad, NULL, &g,
                                     &err),
                     IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "out of range"));
    size_t ok[1] = {1};
    double w0[1] = {0.0}, wn[1] = {NAN}, w2[1] = {1.5};
    assert_int_equal(ig_grid_regroup(NULL, src, 1, names, off3, ok, w0, &g,
                                     &err),
                     IG_ERR_DOMAIN);
    assert_int_equal(ig_grid_regroup(NULL, src, 1, names, off3, ok, wn, &g,
                                     &err),
                     IG_ERR_DOMAIN);
    assert_int_equal(ig_grid_regroup(NULL, src, 1, names, off3, ok, w2, &g,
                                     &err),
                     IG_ERR_DOMAIN);
    size_t desc[3] = {0, 1, 0};
    assert_int_equal(ig_grid_regroup(NULL, src, 2, names, desc, ok, NULL, &g,
                                     &err),
                     IG_ERR_DOMAIN);
    size_t off0[2] = {1, 1};
    assert_int_equal(ig_grid_regroup(NULL, src, 1, names, off0, ok, NULL, &g,
                                     &err),
                     IG_ERR_DOMAIN);
    assert_int_equal(ig_grid_regroup(NULL, src, 0, names, off3, ok, NULL, &g,
                                     &err),
                     IG_ERR_DOMAIN);
    assert_int_equal(ig_grid_regroup(NULL, NULL, 1, names, off3, ok, NULL, &g,
                                     &err),
                     IG_ERR_DOMAIN);
    assert_null(g);
    ig_grid_destroy(src);
}

static void test_aspatial(void **state)
{
    (void)state;
    const double a[] = {1, 2, 3, 4}, b[] = {4, 3, 2, 1};
    const double *counts[] = {a, b};
    ig_grid *src = grid_from_counts(NULL, 4, 2, counts, GROUPS);
    const char *names[] = {"odd", "even"};
    size_t cells[4] = {3, 1, 2, 0};
    size_t off[3] = {0, 2, 4};
    ig_grid *g = NULL;
    ig_error err = {0};
    assert_int_equal(ig_grid_regroup(NULL, src, 2, names, off, cells, NULL, &g,
                                     &err),
                     IG_OK);
    assert_string_equal(ig_grid_unit_name(g, 0), "u001");
    assert_string_equal(ig_grid_unit_name(g, 1), "u003");
    assert_true(ig_grid_counts(g, 0)[1] == 4.0);
    assert_string_equal(ig_grid_unit_name(g, 2), "u000");
    size_t dup[2] = {1, 1};
    size_t off1[2] = {0, 2};
    ig_grid_destroy(g);
    g = NULL;
    assert_int_equal(ig_grid_regroup(NULL, src, 1, names, off1, dup, NULL, &g,
                                     &err),
                     IG_ERR_MISMATCH);
    ig_grid_destroy(src);
}

/* One place holding every cell gives the source's measures exactly. */
static void test_same_measures(void **state)
{
    (void)state;
    ig_grid *src = make_grid(NULL);
    size_t n = ig_grid_ncells(src);
    size_t cells[6];
    for (size_t i = 0; i < n; i++) cells[i] = n - 1 - i;
    size_t off[2] = {0, n};
    const char *names[] = {"all"};
    ig_grid *g = NULL;
    ig_error err = {0};
    assert_int_equal(ig_grid_regroup(NULL, src, 1, names, off, cells, NULL, &g,
                                     &err),
                     IG_OK);
    ig_results *r1 = NULL, *r2 = NULL;
    ig_run_opts o;
    ig_run_opts_init(&o);
    o.na_as_zero = 1;
    /* The source is split by "p"/"q": compare with one place "all". */
    const char *all[] = {"all"};
    size_t all_cells[6] = {0, 1, 2, 3, 4, 5};
    ig_grid *whole = NULL;
    assert_int_equal(ig_grid_regroup(NULL, src, 1, all, off, all_cells, NULL,
                                     &whole, &err),
                     IG_OK);
    assert_int_equal(ig_measures_run(NULL, whole, &o, &r1, &err), IG_OK);
    assert_int_equal(ig_measures_run(NULL, g, &o, &r2, &err), IG_OK);
    assert_true(ig_results_nrows(r1) > 20);
    assert_int_equal(ig_results_nrows(r1), ig_results_nrows(r2));
    for (size_t i = 0; i < ig_results_nrows(r1); i++) {
        const ig_result_row *a = ig_results_row(r1, i);
        const ig_result_row *b = ig_results_row(r2, i);
        assert_int_equal(a->status, b->status);
        if (a->status == IG_OK) assert_true(a->value == b->value);
    }
    ig_results_destroy(r1);
    ig_results_destroy(r2);
    ig_grid_destroy(whole);
    ig_grid_destroy(g);
    ig_grid_destroy(src);
}

static void test_alloc_failures(void **state)
{
    (void)state;
    ig_grid *src = make_grid(NULL);
    const char *names[] = {"x", "h"};
    size_t cells[5] = {5, 0, 3, 1, 2};
    double w[5] = {1, 1, 1, 0.5, 0.5};
    size_t off[3] = {0, 3, 5};
    int done = 0;
    for (long fail = 1; fail < 200 && !done; fail++) {
        fail_alloc fa = {0};
        fa.fail_at = fail;
        ig_ctx *ctx = make_fail_ctx(&fa, 1);
        ig_grid *g = NULL;
        ig_error err = {0};
        ig_status st =
            ig_grid_regroup(ctx, src, 2, names, off, cells, w, &g, &err);
        if (fa.failures == 0) {
            assert_int_equal(st, IG_OK);
            assert_int_equal(ig_grid_ncells(g), 5);
            done = 1;
        } else if (st != IG_ERR_NOMEM) {
            fail_msg("allocation %ld failed, status %d", fail, (int)st);
        } else {
            assert_null(g);
        }
        ig_grid_destroy(g);
        ig_ctx_destroy(ctx);
        if (fa.live != 0) fail_msg("leak after failing allocation %ld", fail);
    }
    assert_true(done);
    ig_grid_destroy(src);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_places),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_aspatial),
        cmocka_unit_test(test_same_measures),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
