/* Comparison of two grids (ig_compare.h): identical grids (difference 0,
 * p = 1 exactly), a hand case with a known difference (D 1 -> 0), groups
 * matched by name in another column order, the interval covering the
 * difference, seeds and threads, places matched by name, the errors, and
 * failed allocations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "integrid/ig_compare.h"
#include "test_support.h"

static const char *const XY[] = {"X", "Y"};
static const char *const YX[] = {"Y", "X"};
static const char *const D_ONLY[] = {"dissimilarity", "multi_dissimilarity"};

enum { N = 10 };

/* A: X and Y apart (D = 1); B: every unit half and half (D = 0). */
static void hand_tables(double ax[N], double ay[N], double bx[N],
                        double by[N])
{
    for (size_t i = 0; i < N; i++) {
        ax[i] = i < 5 ? 10.0 : 0.0;
        ay[i] = i < 5 ? 0.0 : 10.0;
        bx[i] = by[i] = 5.0;
    }
}

/* Moderately segregated table with large counts; k varies it. */
static void mixed_tables(double x[N], double y[N], double k)
{
    for (size_t i = 0; i < N; i++) {
        x[i] = 200.0 + k * 15.0 * (double)i;
        y[i] = 500.0 - 20.0 * (double)i;
    }
}

static ig_compare_result *run(ig_ctx *ctx, const ig_grid *a, const ig_grid *b,
                              int reps, uint64_t seed)
{
    ig_compare_opts o;
    ig_compare_opts_init(&o);
    o.measures = D_ONLY;
    o.n_measures = 2;
    o.reps = reps;
    o.seed = seed;
    ig_compare_result *r = NULL;
    ig_error err = {0};
    assert_int_equal(ig_compare_grids(ctx, a, b, &o, &r, &err), IG_OK);
    /* dissimilarity for X and Y, then multi_dissimilarity */
    assert_int_equal(ig_compare_result_nrows(r), 3);
    return r;
}

static void test_identical(void **state)
{
    (void)state;
    double x[N], y[N];
    mixed_tables(x, y, 1.0);
    const double *c[2] = {x, y};
    ig_grid *a = grid_from_counts(NULL, N, 2, c, XY);
    ig_compare_result *r = run(NULL, a, a, 99, 3);
    for (size_t i = 0; i < 3; i++) {
        const ig_compare_row *row = ig_compare_result_row(r, i);
        assert_string_equal(row->place, ig_grid_place_name(a, 0));
        assert_true(row->value_a > 0.1);
        assert_true(row->value_a == row->value_b);
        assert_true(row->difference == 0.0);
        /* every permutation has |d*| >= 0: p = (1 + 99) / (1 + 99) */
        assert_true(row->p_value == 1.0);
        assert_int_equal(row->n_perm, 99);
        assert_int_equal(row->n_boot, 99);
        assert_true(row->ci_low < 0.0 && row->ci_high > 0.0);
    }
    assert_null(ig_compare_result_row(r, 3));
    ig_compare_result_destroy(r);
    ig_grid_destroy(a);
}

static void test_hand_case(void **state)
{
    (void)state;
    double ax[N], ay[N], bx[N], by[N];
    hand_tables(ax, ay, bx, by);
    const double *ca[2] = {ax, ay};
    /* B lists its groups as Y, X: matched by name, not by column */
    const double *cb[2] = {by, bx};
    ig_grid *a = grid_from_counts(NULL, N, 2, ca, XY);
    ig_grid *b = grid_from_counts(NULL, N, 2, cb, YX);
    ig_compare_result *r = run(NULL, a, b, 99, 1);
    for (size_t i = 0; i < 3; i++) {
        const ig_compare_row *row = ig_compare_result_row(r, i);
        assert_true(fabs(row->value_a - 1.0) < 1e-15);
        assert_true(fabs(row->value_b) < 1e-15);
        assert_true(fabs(row->difference + 1.0) < 1e-15);
        /* no reallocation of pooled cells reaches |d*| = 1 */
        assert_true(fabs(row->p_value - 1.0 / 100.0) < 1e-15);
    }
    assert_int_equal(ig_compare_result_row(r, 0)->group, 0);
    assert_int_equal(ig_compare_result_row(r, 2)->group, -1);
    ig_compare_result_destroy(r);
    /* the relabelled copy of A: B's columns swapped, names swapped too */
    const double *cs[2] = {ay, ax};
    ig_grid *a2 = grid_from_counts(NULL, N, 2, cs, YX);
    r = run(NULL, a, a2, 19, 1);
    for (size_t i = 0; i < 3; i++) {
        assert_true(ig_compare_result_row(r, i)->difference == 0.0);
        assert_true(ig_compare_result_row(r, i)->p_value == 1.0);
    }
    ig_compare_result_destroy(r);
    ig_grid_destroy(a);
    ig_grid_destroy(b);
    ig_grid_destroy(a2);
}

static void test_ci_covers_and_seeds(void **state)
{
    (void)state;
    double ax[N], ay[N], bx[N], by[N];
    mixed_tables(ax, ay, 1.0);
    mixed_tables(bx, by, 3.0);
    const double *ca[2] = {ax, ay}, *cb[2] = {bx, by};
    fail_alloc fa = {0};
    ig_ctx *c1 = make_fail_ctx(&fa, 1), *c2 = make_fail_ctx(&fa, 2);
    ig_grid *a = grid_from_counts(NULL, N, 2, ca, XY);
    ig_grid *b = grid_from_counts(NULL, N, 2, cb, XY);
    ig_compare_result *r1 = run(c1, a, b, 199, 5);
    ig_compare_result *r2 = run(c2, a, b, 199, 5);
    ig_compare_result *r3 = run(c2, a, b, 199, 6);
    for (size_t i = 0; i < 3; i++) {
        const ig_compare_row *x = ig_compare_result_row(r1, i);
        const ig_compare_row *y = ig_compare_result_row(r2, i);
        const ig_compare_row *z = ig_compare_result_row(r3, i);
        assert_true(x->difference > 0.05);
        assert_true(x->ci_low <= x->difference && x->difference <= x->ci_high);
        assert_true(x->ci_low > 0.0); /* a clear change */
        assert_true(x->p_value < 0.05);
        /* same seed, 1 or 2 threads: bit for bit */
        assert_memory_equal(&x->value_a, &y->value_a,
                            sizeof(double) * 6); /* values to p_value */
        /* another seed: another interval */
        assert_true(x->ci_low != z->ci_low || x->ci_high != z->ci_high);
    }
    ig_compare_result_destroy(r1);
    ig_compare_result_destroy(r2);
    ig_compare_result_destroy(r3);
    ig_grid_destroy(a);
    ig_grid_destroy(b);
    ig_ctx_destroy(c1);
    ig_ctx_destroy(c2);
    assert_int_equal(fa.live, 0);
}

/* A 1 km grid with places; cells at (row, i). */
static ig_grid *place_grid(const char *const *places, size_t n_places,
                           int32_t size_m, int32_t epsg, double shift)
{
    ig_grid_spec spec = {size_m, epsg, 2, XY, 0, NULL, 0, 0};
    ig_grid_builder *bld = NULL;
    assert_int_equal(ig_grid_builder_create(NULL, &spec, &bld, NULL), IG_OK);
    for (size_t p = 0; p < n_places; p++)
        for (size_t i = 0; i < 6; i++) {
            double c[2] = {50.0 + 10.0 * (double)i + shift,
                           100.0 - 10.0 * (double)i};
            ig_grid_row row;
            memset(&row, 0, sizeof row);
            row.cell.north_m = 2000000 + (int64_t)p * 10 * size_m;
            row.cell.east_m = 4000000 + (int64_t)i * size_m;
            row.cell.size_m = size_m;
            row.cell.epsg = epsg;
            row.counts = c;
            row.place = places[p];
            assert_int_equal(ig_grid_builder_add(bld, &row, NULL), IG_OK);
        }
    ig_grid *g = NULL;
    assert_int_equal(ig_grid_builder_finish(bld, &g, NULL), IG_OK);
    ig_grid_builder_destroy(bld);
    return g;
}

/* A 100 m grid is aggregated to the 1 km cells of the other: six 100 m
 * cells inside one 1 km cell of each of two places compare with a 1 km
 * grid of their sums as identical (difference 0, p = 1). */
static void test_aggregates_finer(void **state)
{
    (void)state;
    const char *const pa[] = {"Alpha", "Beta"};
    ig_grid *fine = place_grid(pa, 2, 100, 3035, 0.0);
    ig_grid_spec spec = {1000, 3035, 2, XY, 0, NULL, 0, 0};
    ig_grid_builder *bld = NULL;
    assert_int_equal(ig_grid_builder_create(NULL, &spec, &bld, NULL), IG_OK);
    for (size_t p = 0; p < 2; p++) {
        /* place_grid puts place p's cells at north 2,000,000 + p * 1,000 */
        double c[2] = {450.0, 450.0};
        ig_grid_row row;
        memset(&row, 0, sizeof row);
        row.cell.north_m = 2000000 + (int64_t)p * 1000;
        row.cell.east_m = 4000000;
        row.cell.size_m = 1000;
        row.cell.epsg = 3035;
        row.counts = c;
        row.place = pa[p];
        assert_int_equal(ig_grid_builder_add(bld, &row, NULL), IG_OK);
    }
    ig_grid *coarse = NULL;
    assert_int_equal(ig_grid_builder_finish(bld, &coarse, NULL), IG_OK);
    ig_grid_builder_destroy(bld);
    ig_compare_opts o;
    ig_compare_opts_init(&o);
    const char *const ms[] = {"share"};
    o.measures = ms;
    o.n_measures = 1;
    o.reps = 19;
    ig_compare_result *r = NULL;
    ig_error err = {0};
    for (int swap = 0; swap < 2; swap++) {
        assert_int_equal(ig_compare_grids(NULL, swap ? coarse : fine,
                                          swap ? fine : coarse, &o, &r, &err),
                         IG_OK);
        assert_int_equal(ig_compare_result_nrows(r), 4); /* 2 places x 2 */
        for (size_t i = 0; i < 4; i++) {
            const ig_compare_row *x = ig_compare_result_row(r, i);
            assert_true(x->value_a == 0.5 && x->value_b == 0.5);
            assert_true(x->difference == 0.0 && x->p_value == 1.0);
        }
        ig_compare_result_destroy(r);
        r = NULL;
    }
    ig_grid_destroy(fine);
    ig_grid_destroy(coarse);
}

static int stop_after_place(void *ud, uint64_t done, uint64_t total)
{
    (void)ud;
    /* 2 x 9 replicates per place: stop during the second place */
    return done > 18 && total > 18;
}

/* A progress callback that stops keeps the places finished. */
static void test_partial(void **state)
{
    (void)state;
    const char *const pa[] = {"Alpha", "Beta", "Gamma"};
    ig_grid *a = place_grid(pa, 3, 1000, 3035, 0.0);
    ig_grid *b = place_grid(pa, 3, 1000, 3035, 7.0);
    ig_compare_opts o;
    ig_compare_opts_init(&o);
    o.measures = D_ONLY + 1;
    o.n_measures = 1;
    o.reps = 9;
    o.progress = stop_after_place;
    ig_compare_result *r = NULL;
    ig_error err = {0};
    assert_int_equal(ig_compare_grids(NULL, a, b, &o, &r, &err),
                     IG_ERR_CANCELLED);
    assert_non_null(r);
    assert_int_equal(ig_compare_result_partial(r), 1);
    /* Alpha finished: its rows; the others not */
    assert_true(ig_compare_result_nrows(r) >= 1);
    for (size_t i = 0; i < ig_compare_result_nrows(r); i++)
        assert_string_equal(ig_compare_result_row(r, i)->place, "Alpha");
    ig_compare_result_destroy(r);
    o.progress = NULL;
    assert_int_equal(ig_compare_grids(NULL, a, b, &o, &r, &err), IG_OK);
    assert_int_equal(ig_compare_result_partial(r), 0);
    ig_compare_result_destroy(r);
    ig_grid_destroy(a);
    ig_grid_destroy(b);
}

static void test_places_and_errors(void **state)
{
    (void)state;
    const char *const pa[] = {"Alpha", "Beta", "Gamma"};
    const char *const pb[] = {"Gamma", "Alpha", "Delta"};
    const char *const pc[] = {"Zeta"};
    ig_grid *a = place_grid(pa, 3, 1000, 3035, 0.0);
    ig_grid *b = place_grid(pb, 3, 1000, 3035, 7.0);
    ig_compare_opts o;
    ig_compare_opts_init(&o);
    o.measures = D_ONLY + 1;
    o.n_measures = 1;
    o.reps = 9;
    ig_compare_result *r = NULL;
    ig_error err = {0};
    assert_int_equal(ig_compare_grids(NULL, a, b, &o, &r, &err), IG_OK);
    /* Alpha and Gamma, in A's order; Beta and Delta are in one grid only */
    assert_int_equal(ig_compare_result_nrows(r), 2);
    assert_string_equal(ig_compare_result_row(r, 0)->place, "Alpha");
    assert_string_equal(ig_compare_result_row(r, 1)->place, "Gamma");
    assert_true(isfinite(ig_compare_result_row(r, 1)->difference));
    ig_compare_result_destroy(r);
    r = NULL;

    ig_grid *c = place_grid(pc, 1, 1000, 3035, 0.0);
    assert_int_equal(ig_compare_grids(NULL, a, c, &o, &r, &err),
                     IG_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "no place"));
    assert_null(r);
    /* 400 m cells do not nest in 1 km cells */
    ig_grid *d = place_grid(pa, 1, 400, 3035, 0.0);
    assert_int_equal(ig_compare_grids(NULL, a, d, &o, &r, &err),
                     IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "do not nest"));

    const char *const bad[] = {"nonsense"};
    o.measures = bad;
    assert_int_equal(ig_compare_grids(NULL, a, b, &o, &r, &err),
                     IG_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "nonsense"));
    /* spatial measures compare too (neighbourhoods within each place) */
    const char *const sp[] = {"spatial_exposure"};
    o.measures = sp;
    o.params.scale.radius_m = 1500.0;
    assert_int_equal(ig_compare_grids(NULL, a, b, &o, &r, &err), IG_OK);
    assert_true(ig_compare_result_nrows(r) > 0);
    ig_compare_result_destroy(r);
    r = NULL;
    o.measures = D_ONLY;
    o.reps = 0;
    assert_int_equal(ig_compare_grids(NULL, a, b, &o, &r, &err),
                     IG_ERR_DOMAIN);
    o.reps = 9;
    o.level = 1.0;
    assert_int_equal(ig_compare_grids(NULL, a, b, &o, &r, &err),
                     IG_ERR_DOMAIN);
    o.level = 0.9;

    /* groups differ: both sides listed */
    static const char *const XZ[] = {"X", "Z"};
    double x[3] = {1, 2, 3}, y[3] = {3, 2, 1};
    const double *cc[2] = {x, y};
    ig_grid *g1 = grid_from_counts(NULL, 3, 2, cc, XY);
    ig_grid *g2 = grid_from_counts(NULL, 3, 2, cc, XZ);
    assert_int_equal(ig_compare_grids(NULL, g1, g2, &o, &r, &err),
                     IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "only in A: Y"));
    assert_non_null(strstr(err.msg, "only in B: Z"));
    assert_null(r);
    ig_grid_destroy(a);
    ig_grid_destroy(b);
    ig_grid_destroy(c);
    ig_grid_destroy(d);
    ig_grid_destroy(g1);
    ig_grid_destroy(g2);
}

static void test_alloc_failure(void **state)
{
    (void)state;
    double ax[N], ay[N], bx[N], by[N];
    hand_tables(ax, ay, bx, by);
    const double *ca[2] = {ax, ay}, *cb[2] = {bx, by};
    ig_compare_opts o;
    ig_compare_opts_init(&o);
    o.measures = D_ONLY;
    o.n_measures = 2;
    o.reps = 3;
    int ok = 0;
    for (long k = 1; k < 3000 && !ok; k++) {
        fail_alloc fa = {0};
        ig_ctx *ctx = make_fail_ctx(&fa, 1);
        ig_grid *a = grid_from_counts(ctx, N, 2, ca, XY);
        ig_grid *b = grid_from_counts(ctx, N, 2, cb, XY);
        fa.fail_at = fa.calls + k;
        ig_compare_result *r = NULL;
        ig_status st = ig_compare_grids(ctx, a, b, &o, &r, NULL);
        fa.fail_at = 0;
        if (st == IG_OK) {
            ok = 1;
            assert_int_equal(ig_compare_result_nrows(r), 3);
        } else {
            assert_int_equal(st, IG_ERR_NOMEM);
            assert_null(r);
        }
        ig_compare_result_destroy(r);
        ig_grid_destroy(a);
        ig_grid_destroy(b);
        ig_ctx_destroy(ctx);
        assert_int_equal(fa.live, 0);
    }
    assert_true(ok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identical),
        cmocka_unit_test(test_hand_case),
        cmocka_unit_test(test_ci_covers_and_seeds),
        cmocka_unit_test(test_aggregates_finer),
        cmocka_unit_test(test_partial),
        cmocka_unit_test(test_places_and_errors),
        cmocka_unit_test(test_alloc_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
