/* The grid builder and grid accessors: canonical order, duplicates, the
 * lattice checks, not-available flags, places, and allocation failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "test_support.h"

static const char *const G3[] = {"NAT", "EU_OTH", "OTH"};

static ig_grid_builder *new_builder(ig_ctx *ctx, int32_t size, int strict)
{
    ig_grid_spec spec = {0};
    spec.size_m = size;
    spec.n_groups = 3;
    spec.group_names = G3;
    spec.strict = strict;
    ig_grid_builder *b = NULL;
    ig_error err = {0};
    assert_int_equal(ig_grid_builder_create(ctx, &spec, &b, &err), IG_OK);
    return b;
}

static ig_status add(ig_grid_builder *b, int64_t n, int64_t e, double a,
                     double c, double d, const char *place, long line,
                     ig_error *err)
{
    double counts[3] = {a, c, d};
    ig_grid_row r = {0};
    r.cell.north_m = n;
    r.cell.east_m = e;
    r.cell.size_m = 1000;
    r.counts = counts;
    r.place = place;
    r.line = line;
    return ig_grid_builder_add(b, &r, err);
}

static void test_grid_is_in_canonical_order(void **state)
{
    (void)state;
    ig_grid_builder *b = new_builder(NULL, 1000, 0);
    ig_error err = {0};
    assert_int_equal(add(b, 2000, 5000, 1, 2, 3, "B", 1, &err), IG_OK);
    assert_int_equal(add(b, 1000, 7000, 4, 5, 6, "A", 2, &err), IG_OK);
    assert_int_equal(add(b, 1000, 3000, 7, 8, 9, "B", 3, &err), IG_OK);
    assert_int_equal(add(b, 1000, 3000, 1, 1, 1, "A", 4, &err), IG_OK);
    ig_grid *g = NULL;
    assert_int_equal(ig_grid_builder_finish(b, &g, &err), IG_OK);
    ig_grid_builder_destroy(b);
    assert_int_equal(ig_grid_ncells(g), 4);
    assert_int_equal(ig_grid_nplaces(g), 2);
    assert_string_equal(ig_grid_place_name(g, 0), "A");
    assert_string_equal(ig_grid_place_name(g, 1), "B");
    size_t first, count;
    assert_int_equal(ig_grid_place_range(g, 1, &first, &count), IG_OK);
    assert_int_equal(first, 2);
    assert_int_equal(count, 2);
    /* A: (1000,3000) then (1000,7000); B: (1000,3000) then (2000,5000). */
    const int32_t *row = ig_grid_rows(g), *col = ig_grid_cols(g);
    assert_int_equal(row[0], 1);
    assert_int_equal(col[0], 3);
    assert_int_equal(col[1], 7);
    assert_int_equal(row[3], 2);
    assert_true(ig_grid_counts(g, 0)[2] == 7.0);
    assert_true(ig_grid_totals(g)[3] == 6.0);
    char id[IG_CELLCODE_MAX];
    assert_int_equal(ig_grid_cell_id(g, 3, id, sizeof id), IG_OK);
    assert_string_equal(id, "CRS3035RES1000mN2000E5000");
    ig_extent ex;
    assert_int_equal(ig_grid_extent(g, &ex), IG_OK);
    assert_true(ex.min_north_m == 1000 && ex.max_north_m == 3000);
    assert_true(ex.min_east_m == 3000 && ex.max_east_m == 8000);
    ig_grid_destroy(g);
}

static void test_grid_sums_duplicates(void **state)
{
    (void)state;
    ig_grid_builder *b = new_builder(NULL, 1000, 0);
    ig_error err = {0};
    assert_int_equal(add(b, 1000, 3000, 1, 2, 3, NULL, 1, &err), IG_OK);
    assert_int_equal(add(b, 1000, 3000, 10, 20, 30, NULL, 2, &err), IG_OK);
    ig_grid *g = NULL;
    assert_int_equal(ig_grid_builder_finish(b, &g, &err), IG_OK);
    ig_grid_builder_destroy(b);
    assert_int_equal(ig_grid_ncells(g), 1);
    assert_true(ig_grid_counts(g, 1)[0] == 22.0);
    assert_int_equal(ig_grid_get_stats(g)->duplicates, 1);
    assert_string_equal(ig_grid_place_name(g, 0), "all");
    ig_grid_destroy(g);
}

static void test_grid_strict_rejects_duplicates(void **state)
{
    (void)state;
    ig_grid_builder *b = new_builder(NULL, 1000, 1);
    ig_error err = {0};
    assert_int_equal(add(b, 1000, 3000, 1, 2, 3, NULL, 7, &err), IG_OK);
    assert_int_equal(add(b, 1000, 3000, 1, 2, 3, NULL, 9, &err), IG_OK);
    ig_grid *g = NULL;
    assert_int_equal(ig_grid_builder_finish(b, &g, &err), IG_ERR_MISMATCH);
    assert_null(g);
    assert_int_equal(err.line, 9);
    assert_non_null(strstr(err.msg, "line 7"));
    ig_grid_builder_destroy(b);
}

static void test_grid_rejects_off_lattice_and_bad_counts(void **state)
{
    (void)state;
    ig_grid_builder *b = new_builder(NULL, 1000, 0);
    ig_error err = {0};
    assert_int_equal(add(b, 1500, 3000, 1, 2, 3, NULL, 4, &err),
                     IG_ERR_DOMAIN);
    assert_int_equal(err.line, 4);
    assert_non_null(strstr(err.msg, "off the 1000 m lattice"));
    assert_int_equal(add(b, 1000, 3000, -1, 2, 3, NULL, 5, &err),
                     IG_ERR_DOMAIN);
    assert_int_equal(add(b, 1000, 3000, NAN, 2, 3, NULL, 5, &err),
                     IG_ERR_DOMAIN);
    double counts[3] = {1, 2, 3};
    ig_grid_row r = {0};
    r.cell.size_m = 100;
    r.counts = counts;
    assert_int_equal(ig_grid_builder_add(b, &r, &err), IG_ERR_DOMAIN);
    ig_grid_builder_destroy(b);
}

static void test_grid_flags_not_available(void **state)
{
    (void)state;
    ig_grid_builder *b = new_builder(NULL, 1000, 0);
    ig_error err = {0};
    double counts[3] = {5, 0, 2};
    uint8_t na[3] = {0, 1, 0};
    ig_grid_row r = {0};
    r.cell.size_m = 1000;
    r.counts = counts;
    r.na = na;
    assert_int_equal(ig_grid_builder_add(b, &r, &err), IG_OK);
    assert_int_equal(add(b, 1000, 0, 1, 1, 1, NULL, 2, &err), IG_OK);
    ig_grid *g = NULL;
    assert_int_equal(ig_grid_builder_finish(b, &g, &err), IG_OK);
    ig_grid_builder_destroy(b);
    assert_null(ig_grid_na(g, 0));
    assert_non_null(ig_grid_na(g, 1));
    assert_int_equal(ig_grid_na(g, 1)[0], 1);
    assert_int_equal(ig_grid_na(g, 1)[1], 0);
    assert_int_equal(ig_grid_group_na_cells(g, 1), 1);
    assert_int_equal(ig_grid_get_stats(g)->cells_na, 1);
    assert_true(ig_grid_totals(g)[0] == 7.0);
    ig_grid_destroy(g);
}

static void test_grid_aspatial_units_sorted(void **state)
{
    (void)state;
    const double a[] = {1, 2, 3}, c[] = {4, 5, 6};
    const double *counts[] = {a, c};
    const char *names[] = {"x", "y"};
    ig_grid *g = grid_from_counts(NULL, 3, 2, counts, names);
    assert_int_equal(ig_grid_cell_size_m(g), 0);
    assert_null(ig_grid_rows(g));
    assert_string_equal(ig_grid_unit_name(g, 2), "u002");
    assert_true(ig_grid_counts(g, 1)[2] == 6.0);
    ig_cell cell;
    assert_int_equal(ig_grid_cell(g, 0, &cell), IG_ERR_DOMAIN);
    ig_grid_destroy(g);
}

static void test_grid_input_order_does_not_matter(void **state)
{
    (void)state;
    ig_grid *gs[2];
    for (int pass = 0; pass < 2; pass++) {
        ig_grid_builder *b = new_builder(NULL, 1000, 0);
        ig_error err = {0};
        for (int k = 0; k < 500; k++) {
            int i = pass ? 499 - k : k;
            assert_int_equal(add(b, (i % 23) * 1000, (i / 23) * 1000, i,
                                 2 * i, 1, (i % 3) ? "P" : "Q", i + 1, &err),
                             IG_OK);
        }
        assert_int_equal(ig_grid_builder_finish(b, &gs[pass], &err), IG_OK);
        ig_grid_builder_destroy(b);
    }
    assert_int_equal(ig_grid_ncells(gs[0]), ig_grid_ncells(gs[1]));
    size_t n = ig_grid_ncells(gs[0]);
    assert_memory_equal(ig_grid_rows(gs[0]), ig_grid_rows(gs[1]), n * 4);
    assert_memory_equal(ig_grid_cols(gs[0]), ig_grid_cols(gs[1]), n * 4);
    assert_memory_equal(ig_grid_counts(gs[0], 0), ig_grid_counts(gs[1], 0),
                        n * sizeof(double));
    ig_grid_destroy(gs[0]);
    ig_grid_destroy(gs[1]);
}

static void test_grid_builder_survives_alloc_failures(void **state)
{
    (void)state;
    for (long n = 1;; n++) {
        fail_alloc fa = {.fail_at = n};
        ig_ctx *ctx = make_fail_ctx(&fa, 1);
        ig_grid_spec spec = {0};
        spec.size_m = 1000;
        spec.n_groups = 3;
        spec.group_names = G3;
        ig_grid_builder *b = NULL;
        ig_grid *g = NULL;
        ig_status st = ig_grid_builder_create(ctx, &spec, &b, NULL);
        for (int i = 0; st == IG_OK && i < 3000; i++) {
            double counts[3] = {1, 2, (double)i};
            uint8_t na[3] = {0, 0, (uint8_t)(i == 5)};
            ig_grid_row r = {0};
            r.cell.size_m = 1000;
            r.cell.north_m = (i % 50) * 1000;
            r.cell.east_m = (i / 50) * 1000;
            r.counts = counts;
            r.na = na;
            r.place = (i % 2) ? "odd" : "even";
            r.within = (i % 4) < 2 ? "w1" : "w2";
            st = ig_grid_builder_add(b, &r, NULL);
        }
        if (st == IG_OK) st = ig_grid_builder_finish(b, &g, NULL);
        ig_grid_builder_destroy(b);
        ig_grid_destroy(g);
        ig_ctx_destroy(ctx);
        assert_int_equal(fa.live, 0);
        if (fa.failures == 0) {
            assert_int_equal(st, IG_OK);
            break;
        }
        assert_int_equal(st, IG_ERR_NOMEM);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grid_is_in_canonical_order),
        cmocka_unit_test(test_grid_sums_duplicates),
        cmocka_unit_test(test_grid_strict_rejects_duplicates),
        cmocka_unit_test(test_grid_rejects_off_lattice_and_bad_counts),
        cmocka_unit_test(test_grid_flags_not_available),
        cmocka_unit_test(test_grid_aspatial_units_sorted),
        cmocka_unit_test(test_grid_input_order_does_not_matter),
        cmocka_unit_test(test_grid_builder_survives_alloc_failures),
    };
    return cmocka_run_group_tests_name("grid", tests, NULL, NULL);
}
