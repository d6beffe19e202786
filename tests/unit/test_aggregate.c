/* ig_grid_aggregate: sums, not-available flags and NaN columns on a
 * hand-made 100 m grid (negative coordinates, two places sharing a coarse
 * cell), the fine-to-coarse map, input-order independence, bad sizes,
 * allocation failures, and the Frankfurt 100 m Zensus grid aggregated to
 * 1 km (coarse totals equal the sums of their fine cells). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "integrid/integrid.h"
#include "test_support.h"

static const char *const GROUPS[] = {"A", "B"};
static const char *const VARS[] = {"LAND"};

typedef struct frow {
    int64_t n, e;      /* south-west corner, metres */
    double a, b;       /* counts */
    int na_b;          /* B not available */
    double land;       /* NaN allowed */
    const char *place; /* "P" or "Q" */
} frow;

/* 100 m cells; coarse 1 km cells: (-1,-1) gets rows 0-1, (0,0) rows 2-4
 * (rows 2-3 in place P, row 4 in place Q), (0,1) row 5, (2,0) row 6. */
static const frow ROWS[] = {
    {-100, -100, 1, 2, 0, 0.01, "P"},
    {-1000, -1000, 3, 4, 0, 0.01, "P"},
    {0, 0, 5, 6, 0, 0.01, "P"},
    {900, 900, 7, 8, 1, 0.01, "P"},
    {500, 500, 9, 10, 0, (double)NAN, "Q"},
    {0, 1000, 11, 12, 0, 0.02, "P"},
    {2500, 300, 13, 14, 0, 0.03, "P"},
};
#define NROWS (sizeof ROWS / sizeof ROWS[0])

static ig_grid *make_fine(ig_ctx *ctx, int reverse, int with_total)
{
    ig_grid_spec spec = {0};
    spec.size_m = 100;
    spec.n_groups = 2;
    spec.group_names = GROUPS;
    spec.n_vars = 1;
    spec.var_names = VARS;
    spec.has_total = with_total;
    ig_grid_builder *b = NULL;
    ig_error err = {0};
    assert_int_equal(ig_grid_builder_create(ctx, &spec, &b, &err), IG_OK);
    for (size_t kk = 0; kk < NROWS; kk++) {
        const frow *f = &ROWS[reverse ? NROWS - 1 - kk : kk];
        double counts[2] = {f->a, f->b};
        uint8_t na[2] = {0, (uint8_t)f->na_b};
        ig_grid_row r = {0};
        r.cell.north_m = f->n;
        r.cell.east_m = f->e;
        r.cell.size_m = 100;
        r.counts = counts;
        r.na = na;
        r.total = f->a + f->b + 100.0; /* explicit totals above the sum */
        r.vars = &f->land;
        r.place = f->place;
        assert_int_equal(ig_grid_builder_add(b, &r, &err), IG_OK);
    }
    ig_grid *g = NULL;
    assert_int_equal(ig_grid_builder_finish(b, &g, &err), IG_OK);
    ig_grid_builder_destroy(b);
    return g;
}

static size_t find(const ig_grid *g, size_t place, int32_t row, int32_t col)
{
    size_t first = 0, cnt = 0;
    assert_int_equal(ig_grid_place_range(g, place, &first, &cnt), IG_OK);
    for (size_t i = first; i < first + cnt; i++)
        if (ig_grid_rows(g)[i] == row && ig_grid_cols(g)[i] == col) return i;
    fail_msg("no coarse cell at place %zu row %d col %d", place, (int)row,
             (int)col);
    return 0;
}

static void test_sums_and_map(void **state)
{
    (void)state;
    ig_grid *f = make_fine(NULL, 0, 1);
    uint32_t map[NROWS];
    ig_grid *c = NULL;
    ig_error err = {0};
    assert_int_equal(ig_grid_aggregate(NULL, f, 1000, &c, map, &err), IG_OK);
    assert_int_equal(ig_grid_cell_size_m(c), 1000);
    assert_int_equal(ig_grid_crs_epsg(c), 3035);
    assert_int_equal(ig_grid_nplaces(c), 2);
    assert_string_equal(ig_grid_place_name(c, 0), "P");
    assert_string_equal(ig_grid_place_name(c, 1), "Q");
    assert_int_equal(ig_grid_ncells(c), 5); /* P: 4 cells, Q: 1 */
    assert_int_equal(ig_grid_has_total(c), 1);
    assert_int_equal(ig_grid_nwithin(c), 0);
    assert_string_equal(ig_grid_var_name(c, 0), "LAND");

    size_t sw = find(c, 0, -1, -1), o = find(c, 0, 0, 0), e = find(c, 0, 0, 1),
           n2 = find(c, 0, 2, 0), q = find(c, 1, 0, 0);
    /* canonical order: place, row, column */
    assert_true(sw == 0 && o == 1 && e == 2 && n2 == 3 && q == 4);
    const double *a = ig_grid_counts(c, 0), *bb = ig_grid_counts(c, 1);
    const double *t = ig_grid_totals(c), *land = ig_grid_var(c, 0);
    assert_true(a[sw] == 4.0 && bb[sw] == 6.0 && t[sw] == 210.0);
    assert_true(fabs(land[sw] - 0.02) < 1e-15);
    /* B is not available in one fine cell: the coarse cell flags it */
    assert_true(a[o] == 12.0 && bb[o] == 6.0 && t[o] == 226.0);
    assert_non_null(ig_grid_na(c, 1));
    assert_null(ig_grid_na(c, 0));
    assert_int_equal(ig_grid_na(c, 1)[o], 1);
    assert_int_equal(ig_grid_na(c, 1)[sw], 0);
    assert_int_equal(ig_grid_group_na_cells(c, 1), 1);
    assert_int_equal(ig_grid_get_stats(c)->cells_na, 1);
    assert_true(a[e] == 11.0 && land[e] == 0.02);
    assert_true(a[n2] == 13.0 && bb[n2] == 14.0);
    /* place Q's part of the shared coarse cell; its land is not available */
    assert_true(a[q] == 9.0 && bb[q] == 10.0 && isnan(land[q]));

    /* the map sends each fine cell to its coarse cell */
    double sum_t = 0;
    for (size_t i = 0; i < NROWS; i++) {
        ig_cell fc, cc;
        assert_int_equal(ig_grid_cell(f, i, &fc), IG_OK);
        assert_int_equal(ig_grid_cell(c, map[i], &cc), IG_OK);
        assert_true(fc.north_m >= cc.north_m &&
                    fc.north_m < cc.north_m + 1000);
        assert_true(fc.east_m >= cc.east_m && fc.east_m < cc.east_m + 1000);
        sum_t += ig_grid_totals(f)[i];
    }
    double sum_c = 0;
    for (size_t j = 0; j < ig_grid_ncells(c); j++) sum_c += t[j];
    assert_true(sum_t == sum_c);
    ig_grid_destroy(c);

    /* 200 m: the (0, 0) 1 km cell splits */
    assert_int_equal(ig_grid_aggregate(NULL, f, 200, &c, NULL, &err), IG_OK);
    assert_int_equal(ig_grid_cell_size_m(c), 200);
    assert_int_equal(ig_grid_ncells(c), 7);
    ig_grid_destroy(c);
    /* the same size copies the grid */
    assert_int_equal(ig_grid_aggregate(NULL, f, 100, &c, map, &err), IG_OK);
    assert_int_equal(ig_grid_ncells(c), NROWS);
    for (size_t i = 0; i < NROWS; i++) {
        assert_int_equal(map[i], i);
        assert_true(ig_grid_totals(c)[i] == ig_grid_totals(f)[i]);
    }
    ig_grid_destroy(c);
    ig_grid_destroy(f);
}

/* Rows added in the opposite order give the same coarse grid. */
static void test_input_order(void **state)
{
    (void)state;
    ig_grid *f1 = make_fine(NULL, 0, 0), *f2 = make_fine(NULL, 1, 0);
    ig_grid *c1 = NULL, *c2 = NULL;
    assert_int_equal(ig_grid_aggregate(NULL, f1, 500, &c1, NULL, NULL), IG_OK);
    assert_int_equal(ig_grid_aggregate(NULL, f2, 500, &c2, NULL, NULL), IG_OK);
    size_t n = ig_grid_ncells(c1);
    assert_int_equal(ig_grid_ncells(c2), n);
    assert_int_equal(ig_grid_has_total(c1), 0);
    assert_memory_equal(ig_grid_rows(c1), ig_grid_rows(c2), n * sizeof(int32_t));
    assert_memory_equal(ig_grid_cols(c1), ig_grid_cols(c2), n * sizeof(int32_t));
    for (size_t g = 0; g < 2; g++)
        assert_memory_equal(ig_grid_counts(c1, g), ig_grid_counts(c2, g),
                            n * sizeof(double));
    assert_memory_equal(ig_grid_totals(c1), ig_grid_totals(c2),
                        n * sizeof(double));
    ig_grid_destroy(c1);
    ig_grid_destroy(c2);
    ig_grid_destroy(f1);
    ig_grid_destroy(f2);
}

static void test_bad_sizes(void **state)
{
    (void)state;
    ig_grid *f = make_fine(NULL, 0, 0);
    ig_grid *c = NULL; /* must stay untouched */
    ig_error err = {0};
    assert_int_equal(ig_grid_aggregate(NULL, f, 150, &c, NULL, &err),
                     IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "multiple of 100 m"));
    assert_null(c);
    assert_int_equal(ig_grid_aggregate(NULL, f, 0, &c, NULL, &err),
                     IG_ERR_DOMAIN);
    assert_int_equal(ig_grid_aggregate(NULL, f, -1000, &c, NULL, &err),
                     IG_ERR_DOMAIN);
    assert_int_equal(ig_grid_aggregate(NULL, f, 1000, NULL, NULL, &err),
                     IG_ERR_DOMAIN);
    assert_null(c);
    ig_grid_destroy(f);
    const double v[2] = {1, 2};
    const double *cols[1] = {v};
    static const char *const G1[] = {"x"};
    f = grid_from_counts(NULL, 2, 1, cols, G1);
    assert_int_equal(ig_grid_aggregate(NULL, f, 1000, &c, NULL, &err),
                     IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "aspatial"));
    ig_grid_destroy(f);
}

static void test_allocation_failures(void **state)
{
    (void)state;
    ig_grid *f = make_fine(NULL, 0, 1);
    int done = 0;
    for (long fail = 1; fail < 200 && !done; fail++) {
        fail_alloc fa = {0};
        fa.fail_at = fail;
        ig_ctx *ctx = make_fail_ctx(&fa, 1);
        ig_grid *c = NULL;
        uint32_t map[NROWS];
        ig_status st = ig_grid_aggregate(ctx, f, 1000, &c, map, NULL);
        if (fa.failures == 0) {
            assert_int_equal(st, IG_OK);
            assert_int_equal(ig_grid_ncells(c), 5);
            done = 1;
        } else {
            assert_int_equal(st, IG_ERR_NOMEM);
            assert_null(c);
        }
        ig_grid_destroy(c);
        ig_ctx_destroy(ctx);
        if (fa.live != 0) fail_msg("leak after failing allocation %ld", fail);
    }
    assert_true(done);
    ig_grid_destroy(f);
}

/* The Frankfurt 100 m tile to 1 km: every coarse total is the sum of its
 * fine cells' totals (same for each group), and the grand totals agree. */
static void test_frankfurt(void **state)
{
    (void)state;
    const char *path =
        shared_path("de_frankfurt_zensus2011_100m_birth_citizenship.csv");
    if (!path) skip();
    ig_read_opts o;
    ig_read_opts_init(&o);
    const char *groups[] = {"DE=BORN_DE", "EU=BORN_EU27",
                            "OTHER=BORN_EUR_OTH+BORN_WORLD_OTH+BORN_OTHER"};
    o.groups = groups;
    o.n_groups = 3;
    o.total_col = "BORN_TOTAL";
    ig_grid *f = NULL;
    ig_error err = {0};
    assert_int_equal(ig_grid_read_path(NULL, path, &o, &f, &err), IG_OK);
    size_t n = ig_grid_ncells(f);
    assert_int_equal(ig_grid_cell_size_m(f), 100);
    uint32_t *map = malloc(n * sizeof *map);
    assert_non_null(map);
    ig_grid *c = NULL;
    assert_int_equal(ig_grid_aggregate(NULL, f, 1000, &c, map, &err), IG_OK);
    size_t nc = ig_grid_ncells(c);
    /* a 12.8 km tile not aligned to 1 km touches at most 14 x 14 cells */
    assert_true(nc > 100 && nc <= 14 * 14);
    double *sum = calloc(nc * 4, sizeof *sum);
    assert_non_null(sum);
    for (size_t i = 0; i < n; i++) {
        assert_true(map[i] < nc);
        sum[map[i] * 4] += ig_grid_totals(f)[i];
        for (size_t g = 0; g < 3; g++)
            sum[map[i] * 4 + 1 + g] += ig_grid_counts(f, g)[i];
        ig_cell fc, cc;
        assert_int_equal(ig_grid_cell(f, i, &fc), IG_OK);
        assert_int_equal(ig_grid_cell(c, map[i], &cc), IG_OK);
        assert_true(cc.north_m % 1000 == 0 && cc.east_m % 1000 == 0);
        assert_true(fc.north_m - cc.north_m >= 0 &&
                    fc.north_m - cc.north_m < 1000);
        assert_true(fc.east_m - cc.east_m >= 0 && fc.east_m - cc.east_m < 1000);
    }
    double tf = 0, tc = 0;
    for (size_t j = 0; j < nc; j++) {
        /* counts are integers: the sums are exact */
        assert_true(ig_grid_totals(c)[j] == sum[j * 4]);
        for (size_t g = 0; g < 3; g++)
            assert_true(ig_grid_counts(c, g)[j] == sum[j * 4 + 1 + g]);
        assert_true(ig_grid_totals(c)[j] > 0);
        tc += ig_grid_totals(c)[j];
    }
    for (size_t i = 0; i < n; i++) tf += ig_grid_totals(f)[i];
    assert_true(tf == tc);
    /* cells are unique and in canonical order */
    for (size_t j = 1; j < nc; j++) {
        int32_t r0 = ig_grid_rows(c)[j - 1], r1 = ig_grid_rows(c)[j];
        int32_t c0 = ig_grid_cols(c)[j - 1], c1 = ig_grid_cols(c)[j];
        assert_true(r0 < r1 || (r0 == r1 && c0 < c1));
    }
    free(sum);
    free(map);
    ig_grid_destroy(c);
    ig_grid_destroy(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sums_and_map),
        cmocka_unit_test(test_input_order),
        cmocka_unit_test(test_bad_sizes),
        cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_frankfurt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
