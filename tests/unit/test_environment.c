/* The measures on local environments (src/measures/spatial/environment.c)
 * and their wiring through ig_measure_compute() and ig_measures_run():
 * hand-computed environments, reduction to the aspatial indices when the
 * environment is the cell alone, the k = everyone limit, edge = grid
 * against edge = place, and the errors for aspatial input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "integrid/integrid.h"
#include "test_support.h"

static double compute(const char *name, const ig_units *u, size_t group,
                      const ig_measure_params *p, ig_status want)
{
    const ig_measure_info *m = ig_measure_find(name);
    assert_non_null(m);
    double v = (double)NAN;
    ig_error err;
    memset(&err, 0, sizeof err);
    ig_status st = ig_measure_compute(NULL, m, u, group, p, &v, &err);
    if (st != want) fail_msg("%s: status %d (%s), want %d", name, st, err.msg,
                             want);
    return v;
}

/* Three cells in a row on a 1 km grid, groups (a, b):
 *   col 0: (10, 0)   col 1: (0, 10)   col 2: (10, 10)
 * disc of 1000 m: the rook neighbours (centre distance 1000 <= 1000).
 *   env 0 = cells 0,1 = (10, 10);  env 1 = all = (20, 20);
 *   env 2 = cells 1,2 = (10, 20).
 * spatial_isolation(a) = (10/20)(10/20) + 0 + (10/20)(10/30)
 *                      = 0.25 + 1/6 = 5/12
 * spatial_exposure(a) = 1 - 5/12 = 7/12
 * Place: a = 20, b = 20, pi = (1/2, 1/2), E = ln 2, I = 1/2, T = 40.
 * E~ = ln 2 (env 0), ln 2 (env 1), h(1/3) = -(1/3 ln 1/3 + 2/3 ln 2/3)
 *      (env 2); t = 10, 10, 20.
 * H~ = 1 - (10 ln2 + 10 ln2 + 20 h) / (40 ln 2)
 * D~ = sum_i t_i/(2 T I) sum_m |pi~ - pi|
 *    = (10*0 + 10*0 + 20*(1/6 + 1/6)) / (2*40*0.5) = (20/3)/40 = 1/6 */
static const double ra[] = {10, 0, 10}, rb[] = {0, 10, 10};
static const int32_t rrow[] = {5, 5, 5}, rcol[] = {0, 1, 2};

static ig_units row_units(void)
{
    static const double *cnt[2];
    cnt[0] = ra;
    cnt[1] = rb;
    ig_units u = {.n_units = 3, .n_groups = 2, .counts = cnt, .total = NULL,
                  .row = rrow, .col = rcol, .cell_m = 1000};
    return u;
}

static void test_hand_row(void **state)
{
    (void)state;
    ig_units u = row_units();
    ig_measure_params p;
    ig_measure_params_init(&p);
    p.scale.radius_m = 1000;
    double h = -(1.0 / 3 * log(1.0 / 3) + 2.0 / 3 * log(2.0 / 3));
    assert_true(close_rel(compute("spatial_isolation", &u, 0, &p, IG_OK),
                          5.0 / 12, 1e-14));
    assert_true(close_rel(compute("spatial_exposure", &u, 0, &p, IG_OK),
                          7.0 / 12, 1e-14));
    double H = 1 - (20 * log(2.0) + 20 * h) / (40 * log(2.0));
    assert_true(close_rel(
        compute("spatial_information_theory", &u, 0, &p, IG_OK), H, 1e-14));
    assert_true(close_rel(
        compute("spatial_mutual_information", &u, 0, &p, IG_OK),
        log(2.0) * H, 1e-14));
    assert_true(close_rel(
        compute("spatial_dissimilarity_multi", &u, 0, &p, IG_OK), 1.0 / 6,
        1e-14));
}

/* k = 40 (everyone): every environment is the whole place, so isolation is
 * the group's share 1/2, H~ = 0 and D~ = 0. k = 10: cells 0 and 1 hold 10
 * residents themselves, cell 2 takes 10 of its 20 (f = 1/2): environments
 * are the cells' own compositions, so the values are the aspatial ones. */
static void test_k(void **state)
{
    (void)state;
    ig_units u = row_units();
    ig_measure_params p;
    ig_measure_params_init(&p);
    p.scale.k = 40;
    assert_true(close_rel(compute("spatial_isolation", &u, 0, &p, IG_OK), 0.5,
                          1e-14));
    assert_true(fabs(compute("spatial_information_theory", &u, 0, &p,
                             IG_OK)) < 1e-14);
    assert_true(fabs(compute("spatial_dissimilarity_multi", &u, 0, &p,
                             IG_OK)) < 1e-14);
    p.scale.k = 10;
    double iso = compute("isolation", &u, 0, &p, IG_OK);
    assert_true(close_rel(compute("spatial_isolation", &u, 0, &p, IG_OK), iso,
                          1e-14));
}

/* A radius below the cell size: the environment is the cell, and each
 * spatial measure equals its aspatial counterpart on random lattices. */
static void test_reduces_to_aspatial(void **state)
{
    (void)state;
    enum { N = 200 };
    static double a[N], b[N], c[N];
    static int32_t row[N], col[N];
    uint64_t s = 12345;
    for (int i = 0; i < N; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        a[i] = (double)((s >> 33) % 50);
        b[i] = (double)((s >> 40) % 30);
        c[i] = (double)((s >> 50) % 7);
        row[i] = i / 20;
        col[i] = (i % 20) * 2; /* gaps between cells */
    }
    const double *cnt[3] = {a, b, c};
    ig_units u = {.n_units = N, .n_groups = 3, .counts = cnt, .row = row,
                  .col = col, .cell_m = 100};
    ig_measure_params p;
    ig_measure_params_init(&p);
    p.scale.radius_m = 50; /* below the 100 m cell */
    static const char *pairs[][2] = {
        {"spatial_isolation", "isolation"},
        {"spatial_exposure", "exposure"},
        {"spatial_information_theory", "multi_information_theory"},
        {"spatial_dissimilarity_multi", "multi_dissimilarity"},
        {"spatial_mutual_information", "mutual_information"},
    };
    for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
        for (size_t g = 0; g < 3; g++) {
            double sp = compute(pairs[k][0], &u, g, &p, IG_OK);
            double as = compute(pairs[k][1], &u, g, &p, IG_OK);
            if (!close_rel(sp, as, 1e-12))
                fail_msg("%s %g != %s %g", pairs[k][0], sp, pairs[k][1], as);
        }
    }
}

/* Spatial measures need coordinates; a bad scale is a clear error. */
static void test_errors(void **state)
{
    (void)state;
    ig_units u = row_units();
    u.row = NULL;
    ig_measure_params p;
    ig_measure_params_init(&p);
    compute("spatial_isolation", &u, 0, &p, IG_ERR_DOMAIN);
    u = row_units();
    p.scale.radius_m = -5;
    compute("spatial_isolation", &u, 0, &p, IG_ERR_DOMAIN);
    p.scale.radius_m = (double)NAN;
    compute("spatial_information_theory", &u, 0, &p, IG_ERR_DOMAIN);
    /* one group only: multigroup measures are undefined */
    static const double zero[3] = {0, 0, 0};
    static const double *cnt[2];
    cnt[0] = ra;
    cnt[1] = zero;
    u.counts = cnt;
    ig_measure_params_init(&p);
    compute("spatial_information_theory", &u, 0, &p, IG_ERR_NUMERIC);
}

/* Two places side by side, split by --by: with edge = grid the cells at
 * the border see the other place; with edge = place they do not.
 * Place L: col 0 (10, 0);  place R: col 1 (0, 10). Radius 1000 m.
 * edge place: every environment is its own cell -> isolation(a) in L = 1.
 * edge grid: env of col 0 = (10, 10) -> isolation(a) in L = 1/2. */
static void test_edge(void **state)
{
    (void)state;
    const char *names[2] = {"a", "b"};
    ig_grid_spec spec = {.size_m = 1000, .n_groups = 2, .group_names = names};
    ig_grid_builder *b = NULL;
    ig_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(ig_grid_builder_create(NULL, &spec, &b, &err), IG_OK);
    double c0[2] = {10, 0}, c1[2] = {0, 10};
    ig_grid_row r;
    memset(&r, 0, sizeof r);
    r.cell = (ig_cell){3000000, 4000000, 1000, 3035};
    r.counts = c0;
    r.place = "L";
    assert_int_equal(ig_grid_builder_add(b, &r, &err), IG_OK);
    r.cell.east_m += 1000;
    r.counts = c1;
    r.place = "R";
    assert_int_equal(ig_grid_builder_add(b, &r, &err), IG_OK);
    ig_grid *g = NULL;
    assert_int_equal(ig_grid_builder_finish(b, &g, &err), IG_OK);
    ig_grid_builder_destroy(b);

    const char *m[1] = {"spatial_isolation"};
    for (int edge = 0; edge < 2; edge++) {
        ig_run_opts o;
        ig_run_opts_init(&o);
        o.measures = m;
        o.n_measures = 1;
        o.params.edge = edge ? IG_EDGE_PLACE : IG_EDGE_GRID;
        ig_results *res = NULL;
        assert_int_equal(ig_measures_run(NULL, g, &o, &res, &err), IG_OK);
        /* rows: place L group a, L b, R a, R b */
        const ig_result_row *la = ig_results_row(res, 0);
        assert_int_equal(la->status, IG_OK);
        assert_true(close_rel(la->value, edge ? 1.0 : 0.5, 1e-14));
        ig_results_destroy(res);
    }
    /* the default selection leaves spatial measures out */
    ig_results *res = NULL;
    assert_int_equal(ig_measures_run(NULL, g, NULL, &res, &err), IG_OK);
    for (size_t i = 0; i < ig_results_nrows(res); i++)
        assert_false(ig_results_row(res, i)->measure->flags & IG_MF_SPATIAL);
    ig_results_destroy(res);
    ig_grid_destroy(g);
}

/* A place bigger than one block of the runner's environment sums (65,536
 * units): the same bits for 1 and 3 threads, and the values of
 * ig_measure_compute (one pass) to rounding. */
static void test_blocks_threads(void **state)
{
    (void)state;
    enum { N = 150000 };
    const char *names[3] = {"a", "b", "c"};
    ig_grid_spec spec = {.size_m = 100, .n_groups = 3, .group_names = names};
    ig_grid_builder *b = NULL;
    ig_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(ig_grid_builder_create(NULL, &spec, &b, &err), IG_OK);
    static double ca[N], cb[N], cc[N];
    static int32_t row[N], col[N];
    uint64_t x = 99;
    for (int i = 0; i < N; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        double c[3] = {(double)((x >> 33) % 40), (double)((x >> 45) % 9),
                       (double)((x >> 55) % 5)};
        ca[i] = c[0];
        cb[i] = c[1];
        cc[i] = c[2];
        row[i] = 30000 + i / 400;
        col[i] = 40000 + (i % 400);
        ig_grid_row r;
        memset(&r, 0, sizeof r);
        r.cell = (ig_cell){(int64_t)row[i] * 100, (int64_t)col[i] * 100, 100,
                           3035};
        r.counts = c;
        assert_int_equal(ig_grid_builder_add(b, &r, &err), IG_OK);
    }
    ig_grid *g = NULL;
    assert_int_equal(ig_grid_builder_finish(b, &g, &err), IG_OK);
    ig_grid_builder_destroy(b);
    const char *m[3] = {"spatial_isolation", "spatial_information_theory",
                        "spatial_dissimilarity_multi"};
    double vals[2][5];
    for (int run = 0; run < 2; run++) {
        ig_ctx_opts co;
        memset(&co, 0, sizeof co);
        co.n_threads = run ? 3 : 1;
        ig_ctx *ctx = NULL;
        assert_int_equal(ig_ctx_create(&co, &ctx), IG_OK);
        ig_run_opts o;
        ig_run_opts_init(&o);
        o.measures = m;
        o.n_measures = 3;
        o.params.scale.radius_m = 300;
        ig_results *res = NULL;
        assert_int_equal(ig_measures_run(ctx, g, &o, &res, &err), IG_OK);
        assert_int_equal(ig_results_nrows(res), 5);
        for (size_t i = 0; i < 5; i++) {
            assert_int_equal(ig_results_row(res, i)->status, IG_OK);
            vals[run][i] = ig_results_row(res, i)->value;
        }
        ig_results_destroy(res);
        ig_ctx_destroy(ctx);
    }
    assert_memory_equal(vals[0], vals[1], sizeof vals[0]);
    /* the grid is in canonical (row, column) order, as built above */
    const double *cnt[3] = {ca, cb, cc};
    ig_units u = {.n_units = N, .n_groups = 3, .counts = cnt, .row = row,
                  .col = col, .cell_m = 100};
    ig_measure_params p;
    ig_measure_params_init(&p);
    p.scale.radius_m = 300;
    assert_true(close_rel(compute("spatial_isolation", &u, 0, &p, IG_OK),
                          vals[0][0], 1e-12));
    assert_true(close_rel(
        compute("spatial_information_theory", &u, 0, &p, IG_OK), vals[0][3],
        1e-12));
    assert_true(close_rel(
        compute("spatial_dissimilarity_multi", &u, 0, &p, IG_OK), vals[0][4],
        1e-12));
    ig_grid_destroy(g);
}

/* Several scales in one run give the rows of one run per scale, in the
 * order place, measure, group, scale; measures without a scale once. */
static void test_multi_scale(void **state)
{
    (void)state;
    const char *names[2] = {"a", "b"};
    ig_grid_spec spec = {.size_m = 1000, .n_groups = 2, .group_names = names};
    ig_grid_builder *b = NULL;
    ig_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(ig_grid_builder_create(NULL, &spec, &b, &err), IG_OK);
    for (int i = 0; i < 3; i++) {
        double c[2] = {ra[i], rb[i]};
        ig_grid_row r;
        memset(&r, 0, sizeof r);
        r.cell = (ig_cell){5000, (int64_t)i * 1000, 1000, 3035};
        r.counts = c;
        assert_int_equal(ig_grid_builder_add(b, &r, &err), IG_OK);
    }
    ig_grid *g = NULL;
    assert_int_equal(ig_grid_builder_finish(b, &g, &err), IG_OK);
    ig_grid_builder_destroy(b);
    const char *m[3] = {"share", "spatial_isolation",
                        "spatial_dissimilarity_multi"};
    ig_scale sc[3] = {{IG_KERNEL_DISC, 500, 0}, {IG_KERNEL_DISC, 1000, 0},
                      {IG_KERNEL_DISC, 0, 40}};
    ig_run_opts o;
    ig_run_opts_init(&o);
    o.measures = m;
    o.n_measures = 3;
    o.scales = sc;
    o.n_scales = 3;
    ig_results *all = NULL;
    assert_int_equal(ig_measures_run(NULL, g, &o, &all, &err), IG_OK);
    /* share: 2 rows; isolation: 2 groups x 3 scales; D: 3 scales */
    assert_int_equal(ig_results_nrows(all), 2 + 6 + 3);
    for (size_t q = 0; q < 3; q++) {
        ig_run_opts o1;
        ig_run_opts_init(&o1);
        o1.measures = m + 1;
        o1.n_measures = 2;
        o1.params.scale = sc[q];
        ig_results *one = NULL;
        assert_int_equal(ig_measures_run(NULL, g, &o1, &one, &err), IG_OK);
        /* one: iso a, iso b, D */
        for (size_t k = 0; k < 3; k++) {
            size_t ri = k < 2 ? 2 + k * 3 + q : 8 + q;
            const ig_result_row *r = ig_results_row(all, ri);
            const ig_result_row *r1 = ig_results_row(one, k);
            assert_int_equal(r->scale, q);
            assert_ptr_equal(r->measure, r1->measure);
            assert_int_equal(r->status, r1->status);
            assert_memory_equal(&r->value, &r1->value, sizeof r->value);
        }
        ig_results_destroy(one);
    }
    /* the hand values: disc 1000 m isolation(a) = 5/12, D = 1/6 */
    assert_true(close_rel(ig_results_row(all, 3)->value, 5.0 / 12, 1e-14));
    assert_true(close_rel(ig_results_row(all, 9)->value, 1.0 / 6, 1e-14));
    ig_results_destroy(all);
    ig_grid_destroy(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_row),
        cmocka_unit_test(test_k),
        cmocka_unit_test(test_reduces_to_aspatial),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_edge),
        cmocka_unit_test(test_blocks_threads),
        cmocka_unit_test(test_multi_scale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
