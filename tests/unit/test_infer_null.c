/* The pysal/segregation counterfactual nulls (src/infer): "systematic"
 * keeps every group's total and draws cell totals, "evenness" keeps every
 * cell's total and draws group totals; both are exact at the draw level
 * (ig__infer_spread, ig__infer_systematic, ig__infer_evenness) and through
 * ig_infer_units() (a measure of the place's margins has no spread under
 * systematic). Seeds reproduce the results on 1 and 3 threads, a perfectly
 * segregated place gets p = 1/(reps + 1) for single-group and multigroup
 * measures, p-values of data drawn from each null pass a
 * Kolmogorov-Smirnov check, "composition" stays disabled with a message,
 * several rows sharing the draws (ig__infer_units_batch) give what one
 * call per row gives, and failed allocations leak nothing. Every random number has a seed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "infer/infer_impl.h"
#include "integrid/ig_infer.h"
#include "test_support.h"

/* ---- draws --------------------------------------------------------------- */

/* Two inference results are the same bits, field by field (memcmp of the
 * structs would also compare their padding). */
static int same_inference(const ig_inference *a, const ig_inference *b)
{
    const double da[] = {a->value,     a->ci_low,    a->ci_high, a->ci_bca_low,
                         a->ci_bca_high, a->null_mean, a->null_sd, a->p_value,
                         a->expected,  a->corrected, a->z,       a->noise_bias,
                         a->noise_sd,  a->noise_share};
    const double db[] = {b->value,     b->ci_low,    b->ci_high, b->ci_bca_low,
                         b->ci_bca_high, b->null_mean, b->null_sd, b->p_value,
                         b->expected,  b->corrected, b->z,       b->noise_bias,
                         b->noise_sd,  b->noise_share};
    return memcmp(da, db, sizeof da) == 0 && a->n_boot == b->n_boot &&
           a->n_null == b->n_null && a->n_noise == b->n_noise;
}

static void test_spread(void **state)
{
    (void)state;
    ig_rng r;
    ig__rng_init(&r, 3, 0);
    const uint64_t w[5] = {3, 0, 5, 2, 0};
    double mean[5] = {0, 0, 0, 0, 0};
    const int draws = 20000;
    for (int k = 0; k < draws; k++) {
        uint64_t out[5];
        ig__infer_spread(&r, 50, w, 5, 10, out);
        uint64_t s = 0;
        for (int i = 0; i < 5; i++) {
            s += out[i];
            mean[i] += (double)out[i] / draws;
        }
        assert_int_equal(s, 50);
        assert_int_equal(out[1], 0);
        assert_int_equal(out[4], 0);
    }
    /* E = 50 w / 10; sd of the means below 0.03 */
    assert_true(fabs(mean[0] - 15.0) < 0.15);
    assert_true(fabs(mean[2] - 25.0) < 0.15);
    assert_true(fabs(mean[3] - 10.0) < 0.15);
    /* no weight: nothing placed; one weight: all there */
    uint64_t z[2] = {0, 0}, out[2] = {9, 9};
    ig__infer_spread(&r, 0, z, 2, 0, out);
    assert_true(out[0] == 0 && out[1] == 0);
    uint64_t one[2] = {0, 7};
    ig__infer_spread(&r, 1000000, one, 2, 7, out);
    assert_true(out[0] == 0 && out[1] == 1000000);
    /* large counts stay exact */
    uint64_t big[3] = {UINT64_C(1) << 40, UINT64_C(1) << 41, 1};
    uint64_t ob[3];
    ig__infer_spread(&r, UINT64_C(1) << 45, big, 3,
                     (UINT64_C(1) << 40) + (UINT64_C(1) << 41) + 1, ob);
    assert_true(ob[0] + ob[1] + ob[2] == UINT64_C(1) << 45);
}

static void test_systematic_draw(void **state)
{
    (void)state;
    ig_rng r;
    ig__rng_init(&r, 5, 1);
    enum { N = 6, C = 3 };
    const uint64_t ctot[N] = {10, 0, 40, 25, 5, 20}; /* all = 100 */
    const uint64_t gtot[C] = {30, 60, 10};
    double mean[C * N] = {0};
    int cells_vary = 0;
    const int draws = 4000;
    for (int k = 0; k < draws; k++) {
        uint64_t out[C * N];
        ig__infer_systematic(&r, gtot, C, ctot, N, 100, out);
        for (int c = 0; c < C; c++) {
            uint64_t s = 0;
            for (int i = 0; i < N; i++) {
                s += out[c * N + i];
                mean[c * N + i] += (double)out[c * N + i] / draws;
            }
            assert_int_equal(s, gtot[c]); /* group totals kept */
            assert_int_equal(out[c * N + 1], 0); /* empty cell stays */
        }
        uint64_t t0 = out[0] + out[N] + out[2 * N];
        if (t0 != ctot[0]) cells_vary = 1;
    }
    assert_true(cells_vary);
    /* E = gtot[c] ctot[i] / all */
    for (int c = 0; c < C; c++)
        for (int i = 0; i < N; i++) {
            double e = (double)gtot[c] * (double)ctot[i] / 100.0;
            assert_true(fabs(mean[c * N + i] - e) < 0.05 * e + 0.05);
        }
}

static void test_evenness_draw(void **state)
{
    (void)state;
    ig_rng r;
    ig__rng_init(&r, 9, 2);
    enum { N = 5, C = 3 };
    const uint64_t ctot[N] = {10, 0, 40, 25, 25};
    const double gw[C] = {30, 60, 10}; /* shares 0.3, 0.6, 0.1 */
    double mean[C * N] = {0};
    int groups_vary = 0;
    const int draws = 4000;
    for (int k = 0; k < draws; k++) {
        uint64_t out[C * N], tmp[C];
        ig__infer_evenness(&r, gw, C, ctot, N, tmp, out);
        for (int i = 0; i < N; i++) {
            uint64_t s = 0;
            for (int c = 0; c < C; c++) {
                s += out[c * N + i];
                mean[c * N + i] += (double)out[c * N + i] / draws;
            }
            assert_int_equal(s, ctot[i]); /* cell totals kept */
        }
        uint64_t g0 = 0;
        for (int i = 0; i < N; i++) g0 += out[i];
        if (g0 != 30) groups_vary = 1;
    }
    assert_true(groups_vary);
    for (int c = 0; c < C; c++)
        for (int i = 0; i < N; i++) {
            double e = (double)ctot[i] * gw[c] / 100.0;
            assert_true(fabs(mean[c * N + i] - e) < 0.05 * e + 0.05);
        }
}

/* ---- one place ----------------------------------------------------------- */

/* k groups over n cells, column-major counts. */
typedef struct place {
    size_t n, k;
    double *x; /* k * n */
    const double *counts[4];
    ig_units u;
} place;

static void pl_init(place *p, size_t n, size_t k)
{
    assert_true(k <= 4);
    memset(p, 0, sizeof *p);
    p->n = n;
    p->k = k;
    p->x = calloc(n * k, sizeof *p->x);
    assert_non_null(p->x);
    for (size_t g = 0; g < k; g++) p->counts[g] = p->x + g * n;
    p->u.n_units = n;
    p->u.n_groups = k;
    p->u.counts = p->counts;
}

static void pl_free(place *p)
{
    free(p->x);
}

static ig_inference infer(ig_ctx *ctx, const char *measure, const place *p,
                          ig_null_model nm, int reps, uint64_t seed)
{
    const ig_measure_info *m = ig_measure_find(measure);
    assert_non_null(m);
    ig_infer_opts o;
    ig_infer_opts_init(&o);
    o.test = 1;
    o.reps = reps;
    o.seed = seed;
    o.null_model = nm;
    ig_inference x;
    ig_error err = {0};
    ig_status st = ig_infer_units(ctx, m, &p->u, 0, NULL, &o, &x, &err);
    if (st != IG_OK) print_error("%s: %s\n", measure, err.msg);
    assert_int_equal(st, IG_OK);
    return x;
}

/* A place of three groups with some spread. */
static void pl_mixed(place *p)
{
    pl_init(p, 40, 3);
    for (size_t i = 0; i < 40; i++) {
        p->x[i] = (double)(3 + i % 7);
        p->x[40 + i] = (double)(10 + (i * 5) % 13);
        p->x[80 + i] = (double)((i * 3) % 4);
    }
}

static void test_margins_through_api(void **state)
{
    (void)state;
    place p;
    pl_mixed(&p);
    /* systematic keeps group totals, hence the place's shares: a measure
     * of the margins alone never moves */
    const char *margins[2] = {"share", "multi_diversity"};
    for (int k = 0; k < 2; k++) {
        ig_inference s = infer(NULL, margins[k], &p, IG_NULL_SYSTEMATIC, 50,
                               1);
        assert_int_equal(s.n_null, 50);
        assert_true(s.null_sd == 0.0);
        assert_true(fabs(s.null_mean - s.value) < 1e-12);
        assert_true(s.p_value == 1.0);
        /* evenness draws the group totals: the margins move */
        ig_inference e = infer(NULL, margins[k], &p, IG_NULL_EVENNESS, 50, 1);
        assert_int_equal(e.n_null, 50);
        assert_true(e.null_sd > 0.0);
    }
    /* a total column: the rest is one more category, kept by systematic */
    double tot[40];
    for (size_t i = 0; i < 40; i++)
        tot[i] = p.x[i] + p.x[40 + i] + p.x[80 + i] + (double)(i % 5);
    p.u.total = tot;
    ig_inference s = infer(NULL, "share", &p, IG_NULL_SYSTEMATIC, 30, 2);
    assert_true(s.null_sd == 0.0 && fabs(s.null_mean - s.value) < 1e-12);
    s = infer(NULL, "dissimilarity", &p, IG_NULL_SYSTEMATIC, 30, 2);
    assert_true(s.null_sd > 0.0);
    pl_free(&p);
}

static void test_seeds_and_threads(void **state)
{
    (void)state;
    place p;
    pl_mixed(&p);
    fail_alloc fa = {0};
    ig_ctx *c1 = make_fail_ctx(&fa, 1), *c3 = make_fail_ctx(&fa, 3);
    const ig_null_model nulls[2] = {IG_NULL_SYSTEMATIC, IG_NULL_EVENNESS};
    const char *ms[2] = {"dissimilarity", "multi_dissimilarity"};
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 2; b++) {
            ig_inference x1 = infer(c1, ms[b], &p, nulls[a], 99, 42);
            ig_inference x3 = infer(c3, ms[b], &p, nulls[a], 99, 42);
            ig_inference y = infer(c3, ms[b], &p, nulls[a], 99, 43);
            assert_true(same_inference(&x1, &x3));
            assert_true(y.value == x1.value && y.null_mean != x1.null_mean);
            assert_true(x1.expected == x1.null_mean);
            assert_true(x1.corrected == x1.value - x1.null_mean);
            assert_true(isfinite(x1.z));
        }
    /* the two nulls are different models */
    ig_inference s = infer(c1, "dissimilarity", &p, IG_NULL_SYSTEMATIC, 99, 1);
    ig_inference e = infer(c1, "dissimilarity", &p, IG_NULL_EVENNESS, 99, 1);
    assert_true(s.null_mean != e.null_mean);
    ig_ctx_destroy(c1);
    ig_ctx_destroy(c3);
    assert_int_equal(fa.live, 0);
    pl_free(&p);
}

static void test_segregated_place(void **state)
{
    (void)state;
    place p;
    pl_init(&p, 60, 3);
    for (size_t i = 0; i < 60; i++) p.x[(i % 3) * 60 + i] = 25.0;
    const ig_null_model nulls[2] = {IG_NULL_SYSTEMATIC, IG_NULL_EVENNESS};
    const char *ms[3] = {"dissimilarity", "multi_dissimilarity",
                         "mutual_information"};
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 3; b++) {
            ig_inference x = infer(NULL, ms[b], &p, nulls[a], 199, 7);
            assert_int_equal(x.n_null, 199);
            assert_true(x.p_value == 1.0 / 200.0);
            assert_true(x.z > 10.0 && x.corrected > 0.0);
        }
    /* and an evenly mixed place is never significant */
    for (size_t i = 0; i < 180; i++) p.x[i] = 10.0;
    for (int a = 0; a < 2; a++) {
        ig_inference x = infer(NULL, "multi_dissimilarity", &p, nulls[a], 99,
                               7);
        assert_true(x.value < 1e-12 && x.p_value == 1.0);
    }
    pl_free(&p);
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Kolmogorov-Smirnov distance of sorted pv[0..n) from U(0, 1). */
static double ks_uniform(double *pv, int n)
{
    qsort(pv, (size_t)n, sizeof *pv, cmp_d);
    double ks = 0.0;
    for (int i = 0; i < n; i++) {
        double lo = fabs(pv[i] - (double)i / n);
        double hi = fabs(pv[i] - (double)(i + 1) / n);
        if (lo > ks) ks = lo;
        if (hi > ks) ks = hi;
    }
    return ks;
}

/* Data drawn from each null's own model, with the null's parameters
 * unknown to the test (cell sizes s_i or the share P): the p-values of
 * the test against that null must be close to uniform. */
static void test_pvalues_uniform(void **state)
{
    (void)state;
    enum { N = 30, SIMS = 300 };
    place p;
    pl_init(&p, N, 2);
    double pv[SIMS];
    const double crit = 1.358 / sqrt((double)SIMS);
    uint64_t size[N];
    uint64_t all = 0;
    for (size_t i = 0; i < N; i++) {
        size[i] = 30 + (i * 7) % 40;
        all += size[i];
    }
    const ig_null_model nulls[2] = {IG_NULL_SYSTEMATIC, IG_NULL_EVENNESS};
    for (int a = 0; a < 2; a++) {
        for (int s = 0; s < SIMS; s++) {
            ig_rng r;
            ig__rng_init(&r, 91 + (uint64_t)a, (uint64_t)s);
            if (nulls[a] == IG_NULL_SYSTEMATIC) {
                /* groups of 500 and 1000 residents spread over cells in
                 * proportion to their sizes */
                const uint64_t gtot[2] = {500, 1000};
                uint64_t out[2 * N];
                ig__infer_systematic(&r, gtot, 2, size, N, all, out);
                for (size_t i = 0; i < 2 * N; i++) p.x[i] = (double)out[i];
            } else {
                /* fixed cell sizes, every resident in group 0 with P */
                for (size_t i = 0; i < N; i++) {
                    uint64_t x = ig__rng_binomial(&r, size[i], 0.35);
                    p.x[i] = (double)x;
                    p.x[N + i] = (double)(size[i] - x);
                }
            }
            ig_inference x = infer(NULL, "dissimilarity", &p, nulls[a], 99,
                                   (uint64_t)s + 5000);
            pv[s] = x.p_value;
        }
        double ks = ks_uniform(pv, SIMS);
        print_message("%s: KS of %d p-values %.4f (5%% critical %.4f)\n",
                      ig_null_model_name(nulls[a]), SIMS, ks, crit);
        assert_true(ks < crit);
    }
    pl_free(&p);
}

static void test_composition_disabled(void **state)
{
    (void)state;
    place p;
    pl_mixed(&p);
    ig_infer_opts o;
    ig_infer_opts_init(&o);
    o.test = 1;
    o.null_model = IG_NULL_COMPOSITION;
    ig_inference x;
    ig_error err = {0};
    assert_int_equal(ig_infer_units(NULL, ig_measure_find("dissimilarity"),
                                    &p.u, 0, NULL, &o, &x, &err),
                     IG_ERR_DISABLED);
    assert_non_null(strstr(err.msg, "composition"));
    assert_non_null(strstr(err.msg, "two-sample"));
    assert_true(isnan(x.p_value));
    o.null_model = (ig_null_model)17;
    assert_int_equal(ig_infer_units(NULL, ig_measure_find("dissimilarity"),
                                    &p.u, 0, NULL, &o, &x, NULL),
                     IG_ERR_DOMAIN);
    pl_free(&p);
}

/* Several rows share every draw and give bit for bit what one call per
 * row gives, on 1 and 3 threads. */
static void test_batch_rows(void **state)
{
    (void)state;
    place p;
    pl_mixed(&p);
    const ig_measure_info *ms[5] = {
        ig_measure_find("dissimilarity"), ig_measure_find("dissimilarity"),
        ig_measure_find("gini"), ig_measure_find("multi_dissimilarity"),
        ig_measure_find("mutual_information")};
    const size_t groups[5] = {0, 2, 1, 0, 0};
    fail_alloc fa = {0};
    ig_ctx *c1 = make_fail_ctx(&fa, 1), *c3 = make_fail_ctx(&fa, 3);
    const ig_null_model nulls[3] = {IG_NULL_RANDOM, IG_NULL_SYSTEMATIC,
                                    IG_NULL_EVENNESS};
    for (int a = 0; a < 3; a++) {
        ig_infer_opts o;
        ig_infer_opts_init(&o);
        o.ci = a == 0;
        o.test = 1;
        o.reps = 41; /* not a multiple of the replicate chunks */
        o.seed = 11;
        o.null_model = nulls[a];
        ig_inference b1[5], b3[5];
        assert_int_equal(ig__infer_units_batch(c1, ms, groups, 5, &p.u, NULL,
                                               &o, NULL, b1, NULL),
                         IG_OK);
        assert_int_equal(ig__infer_units_batch(c3, ms, groups, 5, &p.u, NULL,
                                               &o, NULL, b3, NULL),
                         IG_OK);
        for (int q = 0; q < 5; q++) assert_true(same_inference(&b1[q], &b3[q]));
        for (int k = 0; k < 5; k++) {
            ig_inference x;
            assert_int_equal(ig_infer_units(c1, ms[k], &p.u, groups[k], NULL,
                                            &o, &x, NULL),
                             IG_OK);
            assert_true(same_inference(&x, &b1[k]));
            assert_int_equal(x.n_null, 41);
            assert_true(o.ci == 0 || isfinite(x.ci_low));
        }
        assert_true(b1[0].value != b1[1].value);
    }
    /* a bad row fails the batch and blanks every row */
    const ig_measure_info *bad[2] = {ms[0], ig_measure_find("dissimilarity")};
    const size_t bad_groups[2] = {0, 9};
    ig_infer_opts o;
    ig_infer_opts_init(&o);
    o.test = 1;
    o.reps = 5;
    ig_inference b[2];
    assert_true(ig__infer_units_batch(c1, bad, bad_groups, 2, &p.u, NULL, &o,
                                      NULL, b, NULL) != IG_OK);
    assert_true(isnan(b[0].value) && isnan(b[1].value));
    ig_ctx_destroy(c1);
    ig_ctx_destroy(c3);
    assert_int_equal(fa.live, 0);
    pl_free(&p);
}

static void test_alloc_failures(void **state)
{
    (void)state;
    place p;
    pl_mixed(&p);
    const ig_null_model nulls[2] = {IG_NULL_SYSTEMATIC, IG_NULL_EVENNESS};
    for (int a = 0; a < 2; a++) {
        ig_infer_opts o;
        ig_infer_opts_init(&o);
        o.test = 1;
        o.reps = 3;
        o.null_model = nulls[a];
        int ok = 0;
        for (long k = 1; k < 500 && !ok; k++) {
            fail_alloc fa = {0};
            ig_ctx *ctx = make_fail_ctx(&fa, 1);
            fa.fail_at = fa.calls + k;
            ig_inference x;
            ig_status st = ig_infer_units(ctx, ig_measure_find("dissimilarity"),
                                          &p.u, 0, NULL, &o, &x, NULL);
            fa.fail_at = 0;
            if (st == IG_OK) {
                ok = 1;
                assert_true(isfinite(x.null_mean));
            } else {
                assert_int_equal(st, IG_ERR_NOMEM);
            }
            ig_ctx_destroy(ctx);
            assert_int_equal(fa.live, 0);
        }
        assert_true(ok);
    }
    pl_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spread),
        cmocka_unit_test(test_systematic_draw),
        cmocka_unit_test(test_evenness_draw),
        cmocka_unit_test(test_margins_through_api),
        cmocka_unit_test(test_seeds_and_threads),
        cmocka_unit_test(test_segregated_place),
        cmocka_unit_test(test_pvalues_uniform),
        cmocka_unit_test(test_composition_disabled),
        cmocka_unit_test(test_batch_rows),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
