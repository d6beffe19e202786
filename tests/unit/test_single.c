/* Single-group measures through the public API (ig_measure_find +
 * ig_measure_compute): hand-computed cases, the degenerate cases of
 * docs conventions, invariances (scale, unit order), the exact O(n log n)
 * Gini against the O(n^2) definition, the sorting helpers, the simulated
 * measures (reproducible per seed, sensitive to it, near 0 on random
 * data), and allocation failure without leaks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "measures/measure_impl.h"
#include "measures/single/single_util.h"
#include "test_support.h"

static const char *const ALL[] = {"dissimilarity",
                                  "gini",
                                  "entropy",
                                  "isolation",
                                  "exposure",
                                  "atkinson",
                                  "correlation_ratio",
                                  "concentration_profile",
                                  "modified_dissimilarity",
                                  "modified_gini",
                                  "bias_corrected_dissimilarity",
                                  "density_corrected_dissimilarity",
                                  "minmax",
                                  "location_quotient_max",
                                  "share"};
#define N_ALL (sizeof ALL / sizeof ALL[0])

/* Compute measure `name` for group 0 of two groups a (the group) and b,
 * with an optional total column. */
static ig_status run2(const char *name, size_t n, const double *a,
                      const double *b, const double *total,
                      const ig_measure_params *p, double *v, ig_error *err)
{
    const ig_measure_info *m = ig_measure_find(name);
    if (!m) fail_msg("measure %s not registered", name);
    const double *cols[2] = {a, b};
    ig_units u = {.n_units = n, .n_groups = 2, .counts = cols, .total = total};
    ig_error e = {0};
    ig_status st = ig_measure_compute(NULL, m, &u, 0, p, v, err ? err : &e);
    return st;
}

static double val2(const char *name, size_t n, const double *a, const double *b,
                   const ig_measure_params *p)
{
    double v = NAN;
    ig_error err = {0};
    ig_status st = run2(name, n, a, b, NULL, p, &v, &err);
    if (st != IG_OK) fail_msg("%s: status %d (%s)", name, (int)st, err.msg);
    return v;
}

#define ASSERT_NEAR(got, want, tol)                               \
    do {                                                          \
        double g_ = (got), w_ = (want);                           \
        if (!(fabs(g_ - w_) <= (tol)))                            \
            fail_msg("%s = %.17g, expected %.17g", #got, g_, w_); \
    } while (0)

/* ---- hand-computed cases ------------------------------------------------ */

/* Three units, group a / rest b:
 *   u1 a=10 b=30 (t=40, p=1/4), u2 a=30 b=10 (t=40, p=3/4), u3 a=0 b=20.
 *   X=40, Y=60, T=100, P=0.4.
 * D  = 1/2(|1/4-1/2| + |3/4-1/6| + |0-1/3|) = 1/2 * 7/6 = 7/12
 * G  = ordered-pair sum 2(40*40*1/2 + 40*20*1/4 + 40*20*3/4) = 3200,
 *      / (2 * 100^2 * 0.4 * 0.6 = 4800) = 2/3
 * xPx = (1/4)(1/4) + (3/4)(3/4) = 5/8;  xPy = 2 (1/4)(3/4) = 3/8
 * V  = (5/8 - 2/5) / (3/5) = 3/8
 * A(b=1/2) = 1 - (2/3) (2 sqrt(3/16))^2 = 1 - (2/3)(3/4) = 1/2
 * H  = 1 - (80 E(1/4)) / (100 E(2/5)), E(p) = -(p ln p + (1-p) ln(1-p))
 * MM = 1 - (1/4 + 1/6 + 0) / (1/2 + 3/4 + 1/3) = 1 - 5/19 = 14/19
 * LQmax = (3/4) / (2/5) = 15/8;  share = 2/5
 * R (1000 thresholds k/999): v = 1 for g <= 1/4, 3/4 for 1/4 < g <= 3/4,
 *   0 above. g < 0.4: k = 0..399 -> 250 * 1 + 150 * 3/4 = 362.5;
 *   g >= 0.4: k = 400..999 -> 350 * 3/4 = 262.5.
 *   R = (0.4 - (362.5 - 262.5)/1000) / 0.6 = 1/2 */
static const double HA[3] = {10, 30, 0}, HB[3] = {30, 10, 20};

static double ent(double p)
{
    return -(p * log(p) + (1 - p) * log(1 - p));
}

static void test_single_hand_three_units(void **state)
{
    (void)state;
    const double t = 1e-14;
    ASSERT_NEAR(val2("dissimilarity", 3, HA, HB, NULL), 7.0 / 12, t);
    ASSERT_NEAR(val2("gini", 3, HA, HB, NULL), 2.0 / 3, t);
    ASSERT_NEAR(val2("isolation", 3, HA, HB, NULL), 5.0 / 8, t);
    ASSERT_NEAR(val2("exposure", 3, HA, HB, NULL), 3.0 / 8, t);
    ASSERT_NEAR(val2("correlation_ratio", 3, HA, HB, NULL), 3.0 / 8, t);
    ASSERT_NEAR(val2("atkinson", 3, HA, HB, NULL), 0.5, t);
    ASSERT_NEAR(val2("entropy", 3, HA, HB, NULL),
                1 - 80 * ent(0.25) / (100 * ent(0.4)), t);
    ASSERT_NEAR(val2("minmax", 3, HA, HB, NULL), 14.0 / 19, t);
    ASSERT_NEAR(val2("location_quotient_max", 3, HA, HB, NULL), 15.0 / 8, t);
    ASSERT_NEAR(val2("share", 3, HA, HB, NULL), 0.4, t);
    ASSERT_NEAR(val2("concentration_profile", 3, HA, HB, NULL), 0.5, t);
}

/* Atkinson with b = 0.3 on the same data: inner sum
 *   = 40 ((3/4)^0.7 (1/4)^0.3 + (1/4)^0.7 (3/4)^0.3) / 40,
 * A = 1 - (2/3) inner^(1/0.7). The concentration profile with 3
 * thresholds (0, 1/2, 1): v = 1, 3/4, 0; below P: g=0 -> 1; above:
 * 3/4 + 0; R = (0.4 - (1 - 0.75)/3) / 0.6 = 0.52777... */
static void test_single_hand_params(void **state)
{
    (void)state;
    ig_measure_params p;
    ig_measure_params_init(&p);
    p.atkinson_b = 0.3;
    double inner =
        pow(0.75, 0.7) * pow(0.25, 0.3) + pow(0.25, 0.7) * pow(0.75, 0.3);
    ASSERT_NEAR(val2("atkinson", 3, HA, HB, &p),
                1 - (2.0 / 3) * pow(inner, 1 / 0.7), 1e-14);
    ig_measure_params_init(&p);
    p.n_thresholds = 3;
    ASSERT_NEAR(val2("concentration_profile", 3, HA, HB, &p),
                (0.4 - 0.25 / 3) / 0.6, 1e-14);
}

/* A total column larger than the groups: the rest is total - group.
 * u1 a=10 b=0 total=40, u2 a=30 b=0 total=40, u3 a=0 b=0 total=20 is the
 * same place as the three-unit case. */
static void test_single_total_column(void **state)
{
    (void)state;
    const double z[3] = {0, 0, 0}, tot[3] = {40, 40, 20};
    double v = NAN;
    assert_int_equal(run2("dissimilarity", 3, HA, z, tot, NULL, &v, NULL),
                     IG_OK);
    ASSERT_NEAR(v, 7.0 / 12, 1e-14);
    assert_int_equal(run2("gini", 3, HA, z, tot, NULL, &v, NULL), IG_OK);
    ASSERT_NEAR(v, 2.0 / 3, 1e-14);
    assert_int_equal(run2("share", 3, HA, z, tot, NULL, &v, NULL), IG_OK);
    ASSERT_NEAR(v, 0.4, 1e-15);
}

/* Complete segregation: u1 a=10 b=0, u2 a=0 b=10. D = G = H = MM = 1,
 * xPx = 1, xPy = 0, V = 1, A = 1, R = 1 (v(g) = 1 at every threshold, as
 * many below P = 1/2 as above), LQmax = 2, D_dc = 1 (the limit: both
 * units have s_i = 0). */
static void test_single_complete_segregation(void **state)
{
    (void)state;
    const double a[2] = {10, 0}, b[2] = {0, 10};
    const char *one[] = {"dissimilarity",
                         "gini",
                         "entropy",
                         "isolation",
                         "correlation_ratio",
                         "atkinson",
                         "minmax",
                         "concentration_profile",
                         "density_corrected_dissimilarity"};
    for (size_t k = 0; k < sizeof one / sizeof one[0]; k++)
        ASSERT_NEAR(val2(one[k], 2, a, b, NULL), 1.0, 1e-14);
    ASSERT_NEAR(val2("exposure", 2, a, b, NULL), 0.0, 1e-15);
    ASSERT_NEAR(val2("location_quotient_max", 2, a, b, NULL), 2.0, 1e-15);
}

/* Even distribution: every unit has the place's composition. D = G = H =
 * A = V = MM = 0; R = 0 (P = 1/2: v = 1 on the 500 thresholds below P and
 * 0 on the 500 above, (1/2 - 1/2)/(1/2)); LQmax = 1. */
static void test_single_even(void **state)
{
    (void)state;
    const double a[3] = {5, 10, 20}, b[3] = {5, 10, 20};
    const char *zero[] = {"dissimilarity",
                          "gini",
                          "entropy",
                          "correlation_ratio",
                          "atkinson",
                          "minmax",
                          "concentration_profile",
                          "density_corrected_dissimilarity"};
    for (size_t k = 0; k < sizeof zero / sizeof zero[0]; k++)
        ASSERT_NEAR(val2(zero[k], 3, a, b, NULL), 0.0, 1e-14);
    ASSERT_NEAR(val2("isolation", 3, a, b, NULL), 0.5, 1e-15);
    ASSERT_NEAR(val2("location_quotient_max", 3, a, b, NULL), 1.0, 1e-15);
}

/* ---- degenerate cases (docs conventions) -------------------------------- */

static void test_single_group_absent(void **state)
{
    (void)state;
    const double a[3] = {0, 0, 0}, b[3] = {3, 4, 5};
    for (size_t k = 0; k < N_ALL; k++) {
        double v = -1;
        ig_error err = {0};
        ig_status st = run2(ALL[k], 3, a, b, NULL, NULL, &v, &err);
        if (strcmp(ALL[k], "share") == 0) {
            assert_int_equal(st, IG_OK);
            assert_true(v == 0.0);
        } else {
            if (st != IG_ERR_NUMERIC)
                fail_msg("%s: status %d", ALL[k], (int)st);
            assert_true(v == -1); /* untouched */
            assert_non_null(strstr(err.msg, "no residents"));
        }
    }
}

static void test_single_group_whole_population(void **state)
{
    (void)state;
    const double a[3] = {3, 4, 5}, b[3] = {0, 0, 0};
    for (size_t k = 0; k < N_ALL; k++) {
        double v = -1;
        ig_error err = {0};
        ig_status st = run2(ALL[k], 3, a, b, NULL, NULL, &v, &err);
        const char *n = ALL[k];
        if (!strcmp(n, "share") || !strcmp(n, "isolation") ||
            !strcmp(n, "location_quotient_max")) {
            assert_int_equal(st, IG_OK);
            ASSERT_NEAR(v, 1.0, 1e-15);
        } else if (!strcmp(n, "exposure")) {
            assert_int_equal(st, IG_OK);
            ASSERT_NEAR(v, 0.0, 1e-15);
        } else {
            if (st != IG_ERR_NUMERIC) fail_msg("%s: status %d", n, (int)st);
            assert_true(err.msg[0] != '\0');
        }
    }
    /* the same with a total column equal to the group */
    const double z[3] = {0, 0, 0};
    double v = -1;
    assert_int_equal(run2("share", 3, a, z, a, NULL, &v, NULL), IG_OK);
    assert_true(v == 1.0);
    assert_int_equal(run2("dissimilarity", 3, a, z, a, NULL, &v, NULL),
                     IG_ERR_NUMERIC);
}

static void test_single_all_zero(void **state)
{
    (void)state;
    const double a[2] = {0, 0}, b[2] = {0, 0};
    for (size_t k = 0; k < N_ALL; k++) {
        double v = -1;
        ig_error err = {0};
        ig_status st = run2(ALL[k], 2, a, b, NULL, NULL, &v, &err);
        if (st != IG_ERR_NUMERIC) fail_msg("%s: status %d", ALL[k], (int)st);
        assert_true(err.msg[0] != '\0');
    }
}

/* One unit: a=3 b=7. D = G = H = A = V = MM = 0, xPx = P = 0.3,
 * xPy = 0.7, LQmax = 1, R: v(g) = 1 for g <= 0.3 (k <= 299: all 300 below
 * P), 0 above -> R = (0.3 - 0.3) / 0.7 = 0. The simulated measures: I = 0
 * and E* = 0 (one unit), so 0. */
static void test_single_one_unit(void **state)
{
    (void)state;
    const double a[1] = {3}, b[1] = {7};
    const char *zero[] = {"dissimilarity",
                          "gini",
                          "entropy",
                          "correlation_ratio",
                          "atkinson",
                          "minmax",
                          "concentration_profile",
                          "density_corrected_dissimilarity",
                          "modified_dissimilarity",
                          "modified_gini",
                          "bias_corrected_dissimilarity"};
    for (size_t k = 0; k < sizeof zero / sizeof zero[0]; k++)
        ASSERT_NEAR(val2(zero[k], 1, a, b, NULL), 0.0, 1e-14);
    ASSERT_NEAR(val2("isolation", 1, a, b, NULL), 0.3, 1e-15);
    ASSERT_NEAR(val2("exposure", 1, a, b, NULL), 0.7, 1e-15);
    ASSERT_NEAR(val2("location_quotient_max", 1, a, b, NULL), 1.0, 1e-15);
    ASSERT_NEAR(val2("share", 1, a, b, NULL), 0.3, 1e-15);
}

/* Units without residents are weight zero everywhere. */
static void test_single_empty_units_ignored(void **state)
{
    (void)state;
    const double a[5] = {0, 10, 0, 30, 0}, b[5] = {0, 30, 0, 10, 20};
    ASSERT_NEAR(val2("gini", 5, a, b, NULL), 2.0 / 3, 1e-14);
    ASSERT_NEAR(val2("atkinson", 5, a, b, NULL), 0.5, 1e-14);
    ASSERT_NEAR(val2("location_quotient_max", 5, a, b, NULL), 15.0 / 8, 1e-14);
    ASSERT_NEAR(val2("concentration_profile", 5, a, b, NULL), 0.5, 1e-14);
}

static void test_single_bad_params(void **state)
{
    (void)state;
    ig_measure_params p;
    double v;
    ig_measure_params_init(&p);
    p.reps = 0;
    assert_int_equal(
        run2("modified_dissimilarity", 3, HA, HB, NULL, &p, &v, NULL),
        IG_ERR_DOMAIN);
    assert_int_equal(
        run2("bias_corrected_dissimilarity", 3, HA, HB, NULL, &p, &v, NULL),
        IG_ERR_DOMAIN);
    ig_measure_params_init(&p);
    p.atkinson_b = 1.0;
    assert_int_equal(run2("atkinson", 3, HA, HB, NULL, &p, &v, NULL),
                     IG_ERR_DOMAIN);
    p.atkinson_b = 0.0;
    assert_int_equal(run2("atkinson", 3, HA, HB, NULL, &p, &v, NULL),
                     IG_ERR_DOMAIN);
}

/* ---- invariances ------------------------------------------------------- */

static void random_place(ig_rng *r, size_t n, double *a, double *b)
{
    for (size_t i = 0; i < n; i++) {
        double t = floor(ig__rng_uniform(r) * 300);
        double p = ig__rng_uniform(r);
        a[i] = floor(t * p * p);
        b[i] = t - a[i];
    }
}

static void test_single_scale_invariance(void **state)
{
    (void)state;
    const char *inv[] = {"dissimilarity",
                         "gini",
                         "entropy",
                         "isolation",
                         "exposure",
                         "atkinson",
                         "correlation_ratio",
                         "concentration_profile",
                         "minmax",
                         "location_quotient_max",
                         "share"};
    enum { n = 200 };
    double a[n], b[n], a10[n], b10[n];
    ig_rng r;
    ig__rng_init(&r, 99, 0);
    random_place(&r, n, a, b);
    for (size_t i = 0; i < n; i++) {
        a10[i] = 10 * a[i];
        b10[i] = 10 * b[i];
    }
    for (size_t k = 0; k < sizeof inv / sizeof inv[0]; k++) {
        double v1 = val2(inv[k], n, a, b, NULL);
        double v10 = val2(inv[k], n, a10, b10, NULL);
        if (!(fabs(v1 - v10) <= 1e-12 * fmax(1, fabs(v1))))
            fail_msg("%s: %.17g vs %.17g scaled", inv[k], v1, v10);
    }
    /* D_dc is not scale invariant: more residents, less noise; with 10x
     * the counts it moves toward D */
    double d = val2("dissimilarity", n, a, b, NULL);
    double dc1 = val2("density_corrected_dissimilarity", n, a, b, NULL);
    double dc10 = val2("density_corrected_dissimilarity", n, a10, b10, NULL);
    assert_true(dc1 < dc10 && dc10 <= d + 1e-12);
}

static void test_single_permutation_invariance(void **state)
{
    (void)state;
    enum { n = 300 };
    double a[n], b[n], pa[n], pb[n];
    ig_rng r;
    ig__rng_init(&r, 7, 0);
    random_place(&r, n, a, b);
    /* reverse, then a fixed shuffle */
    for (size_t i = 0; i < n; i++) {
        pa[i] = a[n - 1 - i];
        pb[i] = b[n - 1 - i];
    }
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = (size_t)(ig__rng_uniform(&r) * (double)(i + 1));
        double x = pa[i];
        pa[i] = pa[j];
        pa[j] = x;
        x = pb[i];
        pb[i] = pb[j];
        pb[j] = x;
    }
    ig_measure_params p;
    ig_measure_params_init(&p);
    p.reps = 20;
    for (size_t k = 0; k < N_ALL; k++) {
        /* the bootstrap draws follow the unit order: equal in
         * distribution only */
        if (!strcmp(ALL[k], "bias_corrected_dissimilarity")) continue;
        double v1 = val2(ALL[k], n, a, b, &p);
        double v2 = val2(ALL[k], n, pa, pb, &p);
        if (!(fabs(v1 - v2) <= 1e-12 * fmax(1, fabs(v1))))
            fail_msg("%s: %.17g vs %.17g permuted", ALL[k], v1, v2);
    }
}

/* ---- Gini and the sorting helpers ---------------------------------------- */

static double brute_gini(size_t n, const double *a, const double *b)
{
    double X = 0, T = 0;
    for (size_t i = 0; i < n; i++) {
        X += a[i];
        T += a[i] + b[i];
    }
    double s = 0;
    for (size_t i = 0; i < n; i++) {
        double ti = a[i] + b[i];
        if (ti <= 0) continue;
        for (size_t j = 0; j < n; j++) {
            double tj = a[j] + b[j];
            if (tj <= 0) continue;
            s += ti * tj * fabs(a[i] / ti - a[j] / tj);
        }
    }
    double P = X / T;
    return s / (2 * T * T * P * (1 - P));
}

static void test_single_gini_matches_brute_force(void **state)
{
    (void)state;
    enum { n = 500 };
    double a[n], b[n];
    for (uint64_t seed = 1; seed <= 5; seed++) {
        ig_rng r;
        ig__rng_init(&r, seed, 0);
        random_place(&r, n, a, b);
        double g = val2("gini", n, a, b, NULL);
        double bf = brute_gini(n, a, b);
        if (!(fabs(g - bf) <= 1e-12))
            fail_msg("seed %llu: gini %.17g, brute force %.17g",
                     (unsigned long long)seed, g, bf);
    }
    /* real-valued (non-integer) counts, above the radix threshold */
    static double ra[3000], rb[3000];
    ig_rng r;
    ig__rng_init(&r, 77, 0);
    for (size_t i = 0; i < 3000; i++) {
        ra[i] = ig__rng_uniform(&r) * 50;
        rb[i] = ig__rng_uniform(&r) * ig__rng_uniform(&r) * 80;
    }
    ASSERT_NEAR(val2("gini", 3000, ra, rb, NULL), brute_gini(3000, ra, rb),
                1e-12);
}

static double brute_absdiff(const double *v, const double *w, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) s += w[i] * w[j] * fabs(v[i] - v[j]);
    return s;
}

static void test_single_pairwise_absdiff(void **state)
{
    (void)state;
    /* hand: v = (0, 1, 3), w = (1, 2, 1): pairs 2*1*1 + 1*1*3 + 2*1*2 = 9,
     * both orders 18 */
    const double v3[3] = {3, 0, 1}, w3[3] = {1, 1, 2};
    double s = -1;
    assert_int_equal(ig__pairwise_absdiff(NULL, v3, w3, 3, &s), IG_OK);
    ASSERT_NEAR(s, 18.0, 0);
    /* random, negative values, zero weights, ties; both sort paths */
    static double v[2000], w[2000];
    ig_rng r;
    ig__rng_init(&r, 5, 5);
    for (size_t n = 1; n <= 2000; n = n * 3 + 1) {
        for (size_t i = 0; i < n; i++) {
            v[i] = floor((ig__rng_uniform(&r) - 0.3) * 40) / 8;
            w[i] = ig__rng_uniform(&r) < 0.2 ? 0.0 : ig__rng_uniform(&r);
        }
        assert_int_equal(ig__pairwise_absdiff(NULL, v, w, n, &s), IG_OK);
        double bf = brute_absdiff(v, w, n);
        if (!(fabs(s - bf) <= 1e-12 * fmax(1, bf)))
            fail_msg("n=%zu: %.17g vs %.17g", n, s, bf);
    }
    /* allocation failure is reported */
    fail_alloc fa = {0};
    fa.fail_at = 1;
    ig_ctx *ctx = make_fail_ctx(&fa, 1);
    assert_int_equal(ig__pairwise_absdiff(ctx, v, w, 500, &s), IG_ERR_NOMEM);
    ig_ctx_destroy(ctx);
    assert_int_equal(fa.live, 0);
}

static int cmp_d(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static void test_single_sorting(void **state)
{
    (void)state;
    static double a[5000], ref[5000];
    static ig__vw p[10000];
    static size_t idx[5000];
    ig_rng r;
    ig__rng_init(&r, 8, 0);
    const size_t sizes[] = {0, 1, 2, 17, 255, 256, 1000, 5000};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        for (size_t i = 0; i < n; i++) {
            double u = ig__rng_uniform(&r);
            /* mixed: ties, negatives, -0/+0, tiny gaps in the low bits */
            a[i] = i % 3 == 0   ? floor(u * 10) - 5
                   : i % 3 == 1 ? (u - 0.5) * 1e6
                                : 0.25 + (double)(i % 7) * 1e-15;
            if (i % 11 == 0) a[i] = (i % 2) ? -0.0 : 0.0;
            ref[i] = a[i];
            p[i].v = a[i];
            p[i].w = (double)i;
            idx[i] = i;
        }
        qsort(ref, n, sizeof *ref, cmp_d);
        assert_int_equal(ig__argsort(NULL, a, idx, n), IG_OK);
        for (size_t i = 0; i + 1 < n; i++) {
            assert_true(a[idx[i]] <= a[idx[i + 1]]);
            if (a[idx[i]] == a[idx[i + 1]])
                assert_true(idx[i] < idx[i + 1]); /* stable */
        }
        ig__sort_vw(p, p + n, n);
        for (size_t i = 0; i < n; i++) {
            assert_true(p[i].v == ref[i]);
            assert_true(a[(size_t)p[i].w] == p[i].v); /* pairs kept */
        }
        ig__sort_doubles(a, n);
        for (size_t i = 0; i < n; i++) assert_true(a[i] == ref[i]);
    }
}

/* ---- simulated measures -------------------------------------------------- */

static const char *const SIM[] = {"modified_dissimilarity", "modified_gini",
                                  "bias_corrected_dissimilarity"};

static void test_single_simulated_reproducible(void **state)
{
    (void)state;
    enum { n = 150 };
    double a[n], b[n];
    ig_rng r;
    ig__rng_init(&r, 21, 0);
    random_place(&r, n, a, b);
    ig_measure_params p;
    ig_measure_params_init(&p);
    p.reps = 50;
    for (size_t k = 0; k < 3; k++) {
        p.seed = 1;
        double v1 = val2(SIM[k], n, a, b, &p);
        double v1b = val2(SIM[k], n, a, b, &p);
        p.seed = 2;
        double v2 = val2(SIM[k], n, a, b, &p);
        assert_true(v1 == v1b); /* bit for bit */
        if (!(v1 != v2)) fail_msg("%s: seed makes no difference", SIM[k]);
        /* same neighbourhood */
        assert_true(fabs(v1 - v2) < 0.05);
    }
}

/* Data drawn at random (x_i ~ Binomial(t_i, 0.3)): the modified indexes
 * are near 0 while the raw D and G are clearly above 0 (small units). The
 * bootstrap correction only removes part of that bias when the true D is 0
 * (Allen et al. 2015 note it; the density correction does better), so it
 * is only required to lie between 0 and D, with D_dc below it. */
static void test_single_modified_near_zero_on_random(void **state)
{
    (void)state;
    enum { n = 400 };
    double a[n], b[n];
    ig_rng r;
    ig__rng_init(&r, 31, 0);
    for (size_t i = 0; i < n; i++) {
        uint64_t t = 5 + (uint64_t)(ig__rng_uniform(&r) * 30);
        a[i] = (double)ig__rng_binomial(&r, t, 0.3);
        b[i] = (double)t - a[i];
    }
    ig_measure_params p;
    ig_measure_params_init(&p);
    p.reps = 200;
    double D = val2("dissimilarity", n, a, b, NULL);
    double G = val2("gini", n, a, b, NULL);
    assert_true(D > 0.15 && G > 0.2);
    double md = val2("modified_dissimilarity", n, a, b, &p);
    double mg = val2("modified_gini", n, a, b, &p);
    double bc = val2("bias_corrected_dissimilarity", n, a, b, &p);
    double dc = val2("density_corrected_dissimilarity", n, a, b, NULL);
    if (!(fabs(md) < 0.05 && fabs(mg) < 0.05 && bc < 0.8 * D && bc > 0 &&
          dc < bc))
        fail_msg(
            "modified D %g, modified G %g, bias-corrected D %g, "
            "density-corrected D %g (raw D %g, G %g)",
            md, mg, bc, dc, D, G);
    /* strongly segregated data stays high */
    for (size_t i = 0; i < n; i++) {
        double t = a[i] + b[i];
        a[i] = i % 2 ? t : 0;
        b[i] = t - a[i];
    }
    md = val2("modified_dissimilarity", n, a, b, &p);
    mg = val2("modified_gini", n, a, b, &p);
    bc = val2("bias_corrected_dissimilarity", n, a, b, &p);
    assert_true(md > 0.95 && mg > 0.95 && bc > 0.95);
}

/* Allen et al. (2015)'s bias-corrected D on a table small enough to
 * compute its expectation exactly: D_bc = 2 D - E[D*], with x* ~
 * Multinomial(X, x_i / X) and y* ~ Multinomial(Y, y_i / Y) independent.
 * Enumerating every (x*, y*) (15 x 10 outcomes) gives E[D*] exactly; the
 * measure's Monte Carlo mean over 100,000 seeded replicates must match it
 * to within 4 standard errors (the paper's worked example could not be
 * found in a stored source; this checks the same formula exactly). */
static double d_of(const double *x, const double *y, double X, double Y)
{
    double s = 0.0;
    for (int i = 0; i < 3; i++) s += fabs(x[i] / X - y[i] / Y);
    return 0.5 * s;
}

static double multinom_pmf(const int *k, int n, const double *p)
{
    double f[8] = {1, 1, 2, 6, 24, 120, 720, 5040};
    double v = f[n];
    for (int i = 0; i < 3; i++) v *= pow(p[i], k[i]) / f[k[i]];
    return v;
}

static void test_single_bias_corrected_exact(void **state)
{
    (void)state;
    double a[3] = {3, 1, 0}, b[3] = {0, 1, 2};
    const double X = 4, Y = 3;
    double pa[3], pb[3];
    for (int i = 0; i < 3; i++) {
        pa[i] = a[i] / X;
        pb[i] = b[i] / Y;
    }
    double ed = 0.0, ed2 = 0.0;
    int ka[3], kb[3];
    for (ka[0] = 0; ka[0] <= 4; ka[0]++)
        for (ka[1] = 0; ka[0] + ka[1] <= 4; ka[1]++) {
            ka[2] = 4 - ka[0] - ka[1];
            double pxa = multinom_pmf(ka, 4, pa);
            for (kb[0] = 0; kb[0] <= 3; kb[0]++)
                for (kb[1] = 0; kb[0] + kb[1] <= 3; kb[1]++) {
                    kb[2] = 3 - kb[0] - kb[1];
                    double pr = pxa * multinom_pmf(kb, 3, pb);
                    double xs[3] = {ka[0], ka[1], ka[2]};
                    double ys[3] = {kb[0], kb[1], kb[2]};
                    double d = d_of(xs, ys, X, Y);
                    ed += pr * d;
                    ed2 += pr * d * d;
                }
        }
    double D = d_of(a, b, X, Y);
    double want = 2.0 * D - ed;
    if (want < 0.0) want = 0.0;
    ig_measure_params p;
    ig_measure_params_init(&p);
    p.reps = 100000;
    p.seed = 2015;
    double got = val2("bias_corrected_dissimilarity", 3, a, b, &p);
    double se = sqrt((ed2 - ed * ed) / p.reps);
    print_message("D %.6f, E[D*] %.6f exact, D_bc exact %.6f, measured "
                  "%.6f (se %.6f)\n",
                  D, ed, want, got, se);
    assert_true(fabs(D - 0.75) < 1e-15);
    assert_true(fabs(got - want) < 4.0 * se);
}

/* The modified index formula on a case with known E*: units of two
 * residents, a=1 b=1 each (D = 0). Under random allocation (P = 1/2) the
 * index is positive, so I < E* and the result is (0 - E*)/E* = -1. */
static void test_single_modified_negative_branch(void **state)
{
    (void)state;
    const double a[6] = {1, 1, 1, 1, 1, 1}, b[6] = {1, 1, 1, 1, 1, 1};
    ig_measure_params p;
    ig_measure_params_init(&p);
    p.reps = 100;
    ASSERT_NEAR(val2("modified_dissimilarity", 6, a, b, &p), -1.0, 1e-15);
    ASSERT_NEAR(val2("modified_gini", 6, a, b, &p), -1.0, 1e-15);
    /* bias corrected clamps at 0 */
    ASSERT_NEAR(val2("bias_corrected_dissimilarity", 6, a, b, &p), 0.0, 0);
}

/* Too few residents to simulate. */
static void test_single_simulated_too_small(void **state)
{
    (void)state;
    const double a[1] = {0.6}, b[1] = {0.3};
    double v = -1;
    ig_error err = {0};
    assert_int_equal(
        run2("modified_dissimilarity", 1, a, b, NULL, NULL, &v, &err),
        IG_ERR_NUMERIC);
    assert_true(err.msg[0] != '\0');
    assert_int_equal(
        run2("bias_corrected_dissimilarity", 1, a, b, NULL, NULL, &v, &err),
        IG_ERR_NUMERIC);
    /* units of one resident each: random allocation is already complete
     * segregation */
    const double a1[4] = {1, 0, 1, 0}, b1[4] = {0, 1, 0, 1};
    ig_measure_params p;
    ig_measure_params_init(&p);
    p.reps = 10;
    assert_int_equal(
        run2("modified_dissimilarity", 4, a1, b1, NULL, &p, &v, &err),
        IG_ERR_NUMERIC);
}

/* ---- density-corrected dissimilarity ------------------------------------ */

/* theta for x' by bisection of phi(x'-th) + phi(x'+th)'s derivative sign:
 * an independent route to the folded-normal mode. */
static double mode_bisect(double x)
{
    if (x <= 1) return 0;
    double lo = 1e-12, hi = x + 1;
    for (int i = 0; i < 200; i++) {
        double m = 0.5 * (lo + hi);
        double d = (x - m) * exp(-0.5 * (x - m) * (x - m)) -
                   (x + m) * exp(-0.5 * (x + m) * (x + m));
        if (d > 0)
            lo = m;
        else
            hi = m;
    }
    return 0.5 * (lo + hi);
}

static double dc_reference(size_t n, const double *a, const double *b)
{
    double X = 0, Y = 0;
    for (size_t i = 0; i < n; i++) {
        X += a[i];
        Y += b[i];
    }
    double s = 0;
    for (size_t i = 0; i < n; i++) {
        double g = a[i] / X, o = b[i] / Y;
        double sd = sqrt(g * (1 - g) / X + o * (1 - o) / Y);
        if (fabs(g - o) == 0) continue;
        if (sd == 0) {
            s += fabs(g - o);
            continue;
        }
        s += sd * mode_bisect(fabs(g - o) / sd);
    }
    return s / 2;
}

static void test_single_density_corrected(void **state)
{
    (void)state;
    /* two units a=(6, 2), b=(4, 8): g = (3/4, 1/4), o = (1/3, 2/3),
     * s = sqrt(3/16/8 + 2/9/12) for both, x' = (5/12)/s = 2.0656...,
     * theta solves theta = x' tanh(x' theta) */
    const double a[2] = {6, 2}, b[2] = {4, 8};
    double sd = sqrt(3.0 / 16 / 8 + 2.0 / 9 / 12);
    double want = sd * mode_bisect((5.0 / 12) / sd);
    ASSERT_NEAR(val2("density_corrected_dissimilarity", 2, a, b, NULL), want,
                1e-12);
    ASSERT_NEAR(want, dc_reference(2, a, b), 1e-15);
    /* theta is 0 for x' <= 1: a=(5, 4), b=(5, 5): small gaps -> 0 */
    const double a0[2] = {5, 4}, b0[2] = {5, 5};
    ASSERT_NEAR(val2("density_corrected_dissimilarity", 2, a0, b0, NULL), 0, 0);
    /* random places against the bisection reference */
    enum { n = 250 };
    double ra[n], rb[n];
    ig_rng r;
    ig__rng_init(&r, 44, 0);
    random_place(&r, n, ra, rb);
    ASSERT_NEAR(val2("density_corrected_dissimilarity", n, ra, rb, NULL),
                dc_reference(n, ra, rb), 1e-10);
    /* never above D */
    assert_true(val2("density_corrected_dissimilarity", n, ra, rb, NULL) <=
                val2("dissimilarity", n, ra, rb, NULL));
}

/* ---- allocation failure ------------------------------------------------- */

static void test_single_alloc_failure(void **state)
{
    (void)state;
    enum { n = 600 };
    double a[n], b[n];
    ig_rng r;
    ig__rng_init(&r, 12, 0);
    random_place(&r, n, a, b);
    const double *cols[2] = {a, b};
    ig_units u = {.n_units = n, .n_groups = 2, .counts = cols, .total = NULL};
    ig_measure_params p;
    ig_measure_params_init(&p);
    p.reps = 3;
    for (size_t k = 0; k < N_ALL; k++) {
        const ig_measure_info *m = ig_measure_find(ALL[k]);
        double want = NAN;
        assert_int_equal(ig_measure_compute(NULL, m, &u, 0, &p, &want, NULL),
                         IG_OK);
        for (long fail = 1; fail < 40; fail++) {
            fail_alloc fa = {0};
            fa.fail_at = fail;
            ig_ctx *ctx = make_fail_ctx(&fa, 1);
            double v = NAN;
            ig_error err = {0};
            ig_status st = ig_measure_compute(ctx, m, &u, 0, &p, &v, &err);
            ig_ctx_destroy(ctx);
            if (fa.live != 0)
                fail_msg("%s: leak after failing allocation %ld", ALL[k], fail);
            if (fa.failures == 0) {
                /* every allocation done: the result must be the same */
                assert_int_equal(st, IG_OK);
                assert_true(v == want);
                break;
            }
            if (st != IG_ERR_NOMEM)
                fail_msg("%s: allocation %ld failed, status %d", ALL[k], fail,
                         (int)st);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_hand_three_units),
        cmocka_unit_test(test_single_hand_params),
        cmocka_unit_test(test_single_total_column),
        cmocka_unit_test(test_single_complete_segregation),
        cmocka_unit_test(test_single_even),
        cmocka_unit_test(test_single_group_absent),
        cmocka_unit_test(test_single_group_whole_population),
        cmocka_unit_test(test_single_all_zero),
        cmocka_unit_test(test_single_one_unit),
        cmocka_unit_test(test_single_empty_units_ignored),
        cmocka_unit_test(test_single_bad_params),
        cmocka_unit_test(test_single_scale_invariance),
        cmocka_unit_test(test_single_permutation_invariance),
        cmocka_unit_test(test_single_gini_matches_brute_force),
        cmocka_unit_test(test_single_pairwise_absdiff),
        cmocka_unit_test(test_single_sorting),
        cmocka_unit_test(test_single_simulated_reproducible),
        cmocka_unit_test(test_single_modified_near_zero_on_random),
        cmocka_unit_test(test_single_bias_corrected_exact),
        cmocka_unit_test(test_single_modified_negative_branch),
        cmocka_unit_test(test_single_simulated_too_small),
        cmocka_unit_test(test_single_density_corrected),
        cmocka_unit_test(test_single_alloc_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
