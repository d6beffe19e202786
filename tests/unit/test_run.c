/* ig_measures_run: row layout, exclusion of not-available cells, thread-count
 * and row-order independence, decomposition rows, errors, allocation
 * failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "test_support.h"

static const char *const G3[] = {"NAT", "EU_OTH", "OTH"};

/* A deterministic clustered grid: n cells over `places` places, with a few
 * not-available cells. reverse adds rows in the opposite order. */
static ig_grid *make_grid(ig_ctx *ctx, int n, int places, int with_na,
                          int reverse)
{
    ig_grid_spec spec = {0};
    spec.size_m = 1000;
    spec.n_groups = 3;
    spec.group_names = G3;
    ig_grid_builder *b = NULL;
    ig_error err = {0};
    assert_int_equal(ig_grid_builder_create(ctx, &spec, &b, &err), IG_OK);
    for (int k = 0; k < n; k++) {
        int i = reverse ? n - 1 - k : k;
        double counts[3] = {(double)(50 + (i * 37) % 200),
                            (double)((i * 13) % 17),
                            (double)((i % 40) < 10 ? 60 + i % 7 : i % 5)};
        uint8_t na[3] = {0, (uint8_t)(with_na && i % 97 == 3), 0};
        char place[16];
        snprintf(place, sizeof place, "P%02d", i % places);
        ig_grid_row r = {0};
        r.cell.size_m = 1000;
        r.cell.north_m = (int64_t)(i % 101) * 1000;
        r.cell.east_m = (int64_t)(i / 101) * 1000;
        r.counts = counts;
        r.na = na;
        r.place = place;
        r.within = (i % 101) < 50 ? "south" : "north";
        r.line = i + 2;
        assert_int_equal(ig_grid_builder_add(b, &r, &err), IG_OK);
    }
    ig_grid *g = NULL;
    assert_int_equal(ig_grid_builder_finish(b, &g, &err), IG_OK);
    ig_grid_builder_destroy(b);
    return g;
}

static ig_results *run(ig_ctx *ctx, const ig_grid *g, const char **only,
                       size_t n_only, int decompose)
{
    ig_run_opts o;
    ig_run_opts_init(&o);
    o.measures = only;
    o.n_measures = n_only;
    o.decompose = decompose;
    o.params.reps = 20;
    ig_results *r = NULL;
    ig_error err = {0};
    ig_status st = ig_measures_run(ctx, g, &o, &r, &err);
    if (st != IG_OK) fail_msg("run failed: %s", err.msg);
    return r;
}

static void test_run_rows_in_place_measure_group_order(void **state)
{
    (void)state;
    ig_grid *g = make_grid(NULL, 600, 3, 0, 0);
    const char *only[] = {"share", "multi_diversity"};
    ig_results *r = run(NULL, g, only, 2, 0);
    assert_int_equal(ig_results_nplaces(r), 3);
    assert_int_equal(ig_results_nrows(r), 3 * (3 + 1));
    const ig_result_row *row = ig_results_row(r, 0);
    assert_int_equal(row->place, 0);
    assert_string_equal(row->measure->name, "share");
    assert_int_equal(row->group, 0);
    row = ig_results_row(r, 3);
    assert_string_equal(row->measure->name, "multi_diversity");
    assert_int_equal(row->group, -1);
    /* Shares of the three groups add up to 1 in each place. */
    for (size_t p = 0; p < 3; p++) {
        double s = 0;
        for (int k = 0; k < 3; k++) {
            const ig_result_row *x = ig_results_row(r, p * 4 + (size_t)k);
            assert_int_equal(x->status, IG_OK);
            s += x->value;
        }
        assert_true(fabs(s - 1.0) < 1e-12);
        assert_int_equal(ig_results_place(r, p)->cells_used, 200);
    }
    ig_results_destroy(r);
    ig_grid_destroy(g);
}

static void test_run_excludes_not_available_cells(void **state)
{
    (void)state;
    ig_grid *g = make_grid(NULL, 600, 1, 1, 0);
    const char *only[] = {"share"};
    ig_results *r = run(NULL, g, only, 1, 0);
    const ig_place_summary *ps = ig_results_place(r, 0);
    /* i % 97 == 3 for i < 600: 3, 100, 197, 294, 391, 488, 585 */
    assert_int_equal(ps->cells_excluded, 7);
    assert_int_equal(ps->cells_used, 593);
    assert_true(ps->residents_excluded > 0);
    ig_results_destroy(r);
    /* --na-as-zero keeps them. */
    ig_run_opts o;
    ig_run_opts_init(&o);
    o.measures = only;
    o.n_measures = 1;
    o.na_as_zero = 1;
    assert_int_equal(ig_measures_run(NULL, g, &o, &r, NULL), IG_OK);
    assert_int_equal(ig_results_place(r, 0)->cells_excluded, 0);
    ig_results_destroy(r);
    ig_grid_destroy(g);
}

static void test_run_same_for_any_thread_count_and_row_order(void **state)
{
    (void)state;
    ig_ctx *ctx1 = NULL, *ctx2 = NULL;
    ig_ctx_opts o = {0};
    o.n_threads = 1;
    assert_int_equal(ig_ctx_create(&o, &ctx1), IG_OK);
    o.n_threads = 3;
    assert_int_equal(ig_ctx_create(&o, &ctx2), IG_OK);
    ig_grid *g1 = make_grid(ctx1, 3000, 4, 1, 0);
    ig_grid *g2 = make_grid(ctx2, 3000, 4, 1, 1);
    ig_results *r1 = run(ctx1, g1, NULL, 0, 1);
    ig_results *r2 = run(ctx2, g2, NULL, 0, 1);
    assert_int_equal(ig_results_nrows(r1), ig_results_nrows(r2));
    for (size_t i = 0; i < ig_results_nrows(r1); i++) {
        const ig_result_row *a = ig_results_row(r1, i),
                            *b = ig_results_row(r2, i);
        assert_ptr_equal(a->measure, b->measure);
        assert_int_equal(a->status, b->status);
        if (a->status == IG_OK &&
            memcmp(&a->value, &b->value, sizeof a->value) != 0)
            fail_msg("%s group %ld place %zu: %.17g vs %.17g",
                     a->measure->name, a->group, a->place, a->value, b->value);
    }
    ig_results_destroy(r1);
    ig_results_destroy(r2);
    ig_grid_destroy(g1);
    ig_grid_destroy(g2);
    ig_ctx_destroy(ctx1);
    ig_ctx_destroy(ctx2);
}

static void test_run_decomposition_rows_add_up(void **state)
{
    (void)state;
    ig_grid *g = make_grid(NULL, 1000, 2, 0, 0);
    const char *only[] = {"mutual_information"};
    ig_results *r = run(NULL, g, only, 1, 1);
    assert_int_equal(ig_results_nrows(r), 2 * 3);
    for (size_t p = 0; p < 2; p++) {
        const ig_result_row *t = ig_results_row(r, p * 3),
                            *b = ig_results_row(r, p * 3 + 1),
                            *w = ig_results_row(r, p * 3 + 2);
        assert_int_equal(t->component, IG_COMP_TOTAL);
        assert_int_equal(b->component, IG_COMP_BETWEEN);
        assert_int_equal(w->component, IG_COMP_WITHIN);
        assert_int_equal(t->status, IG_OK);
        assert_true(fabs(t->value - (b->value + w->value)) < 1e-12);
    }
    ig_results_destroy(r);
    ig_grid_destroy(g);
}

static void test_run_rejects_bad_requests(void **state)
{
    (void)state;
    ig_grid *g = make_grid(NULL, 100, 1, 0, 0);
    ig_run_opts o;
    ig_run_opts_init(&o);
    const char *bad[] = {"dissimilarity", "no_such_measure"};
    o.measures = bad;
    o.n_measures = 2;
    ig_results *r = NULL;
    ig_error err = {0};
    assert_int_equal(ig_measures_run(NULL, g, &o, &r, &err), IG_ERR_NOT_FOUND);
    assert_null(r);
    assert_non_null(strstr(err.msg, "no_such_measure"));
    ig_run_opts_init(&o);
    o.params.reps = 0;
    assert_int_equal(ig_measures_run(NULL, g, &o, &r, &err), IG_ERR_DOMAIN);
    ig_grid_destroy(g);
}

static void test_run_undefined_values_are_flagged_rows(void **state)
{
    (void)state;
    /* Group OTH absent: dissimilarity of OTH is undefined, share is 0. */
    const double a[] = {5, 7}, b[] = {1, 3}, c[] = {0, 0};
    const double *counts[] = {a, b, c};
    ig_grid *g = grid_from_counts(NULL, 2, 3, counts, G3);
    const char *only[] = {"dissimilarity", "share"};
    ig_results *r = run(NULL, g, only, 2, 0);
    const ig_result_row *d = ig_results_row(r, 2), *s = ig_results_row(r, 5);
    assert_string_equal(d->measure->name, "dissimilarity");
    assert_int_equal(d->status, IG_ERR_NUMERIC);
    assert_true(isnan(d->value));
    assert_non_null(d->message);
    assert_int_equal(s->status, IG_OK);
    assert_true(s->value == 0.0);
    ig_results_destroy(r);
    ig_grid_destroy(g);
}

static void test_run_survives_alloc_failures(void **state)
{
    (void)state;
    const char *only[] = {"dissimilarity", "gini", "mutual_information"};
    for (long n = 1;; n++) {
        fail_alloc fa = {0};
        ig_ctx *ctx = make_fail_ctx(&fa, 2);
        ig_grid *g = make_grid(ctx, 300, 3, 1, 0);
        fa.fail_at = fa.calls + n;
        ig_run_opts o;
        ig_run_opts_init(&o);
        o.measures = only;
        o.n_measures = 3;
        o.decompose = 1;
        ig_results *r = NULL;
        ig_status st = ig_measures_run(ctx, g, &o, &r, NULL);
        fa.fail_at = 0;
        ig_results_destroy(r);
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
        cmocka_unit_test(test_run_rows_in_place_measure_group_order),
        cmocka_unit_test(test_run_excludes_not_available_cells),
        cmocka_unit_test(test_run_same_for_any_thread_count_and_row_order),
        cmocka_unit_test(test_run_decomposition_rows_add_up),
        cmocka_unit_test(test_run_rejects_bad_requests),
        cmocka_unit_test(test_run_undefined_values_are_flagged_rows),
        cmocka_unit_test(test_run_survives_alloc_failures),
    };
    return cmocka_run_group_tests_name("run", tests, NULL, NULL);
}
