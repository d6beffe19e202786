/* Tests of the random streams (core/rng.c): determinism per (seed, stream),
 * the edge cases of the binomial, its mean and variance, and a chi-square
 * comparison with the exact binomial pmf in both sampling regimes
 * (inversion and BTRD, including BTRD's squeeze and exact-test branches).
 * Seeds are fixed, so the statistical checks are reproducible, not flaky;
 * their thresholds are wide (about 5-6 standard errors) on purpose. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "test_support.h"

static void test_rng_deterministic_per_stream(void **state)
{
    (void)state;
    ig_rng a, b, c, d;
    ig__rng_init(&a, 42, 7);
    ig__rng_init(&b, 42, 7);
    ig__rng_init(&c, 42, 8);
    ig__rng_init(&d, 43, 7);
    int same_c = 0, same_d = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t x = ig__rng_next(&a);
        assert_true(x == ig__rng_next(&b));
        same_c += x == ig__rng_next(&c);
        same_d += x == ig__rng_next(&d);
    }
    assert_true(same_c < 2);
    assert_true(same_d < 2);
    /* stream 0 of seed 0 is a valid (non-degenerate) state */
    ig__rng_init(&a, 0, 0);
    uint64_t o = 0;
    for (int i = 0; i < 10; i++) o |= ig__rng_next(&a);
    assert_true(o != 0);
}

static void test_rng_uniform_and_normal(void **state)
{
    (void)state;
    ig_rng r;
    ig__rng_init(&r, 1, 0);
    const int n = 200000;
    double su = 0, sn = 0, sn2 = 0;
    for (int i = 0; i < n; i++) {
        double u = ig__rng_uniform(&r);
        assert_true(u >= 0.0 && u < 1.0);
        su += u;
        double z = ig__rng_normal(&r);
        assert_true(isfinite(z));
        sn += z;
        sn2 += z * z;
    }
    assert_true(fabs(su / n - 0.5) < 5 * sqrt(1.0 / 12 / n));
    assert_true(fabs(sn / n) < 5 * sqrt(1.0 / n));
    assert_true(fabs(sn2 / n - 1.0) < 5 * sqrt(2.0 / n));
}

static void test_rng_binomial_edges(void **state)
{
    (void)state;
    ig_rng r;
    ig__rng_init(&r, 3, 1);
    for (int i = 0; i < 100; i++) {
        assert_int_equal(ig__rng_binomial(&r, 0, 0.3), 0);
        assert_int_equal(ig__rng_binomial(&r, 0, 1.0), 0);
        assert_int_equal(ig__rng_binomial(&r, 50, 0.0), 0);
        assert_int_equal(ig__rng_binomial(&r, 50, 1.0), 50);
        assert_int_equal(ig__rng_binomial(&r, 123456789, 0.0), 0);
        assert_int_equal(ig__rng_binomial(&r, 123456789, 1.0), 123456789);
        uint64_t x = ig__rng_binomial(&r, 1, 0.5);
        assert_true(x <= 1);
        x = ig__rng_binomial(&r, 30, 0.999);
        assert_true(x <= 30);
        x = ig__rng_binomial(&r, 1000000, 0.5);
        assert_true(x <= 1000000);
    }
}

static void check_moments(uint64_t n, double p, uint64_t seed)
{
    ig_rng r;
    ig__rng_init(&r, seed, 0);
    const int N = 200000;
    double s = 0, s2 = 0;
    for (int i = 0; i < N; i++) {
        uint64_t x = ig__rng_binomial(&r, n, p);
        assert_true(x <= n);
        double d = (double)x - (double)n * p; /* centred: no cancellation */
        s += d;
        s2 += d * d;
    }
    double var = (double)n * p * (1 - p);
    double mean_err = s / N;
    double var_hat = s2 / N - mean_err * mean_err;
    if (fabs(mean_err) > 5 * sqrt(var / N) ||
        fabs(var_hat - var) > 6 * var * sqrt(2.0 / N) + 1e-9)
        fail_msg("binomial(%llu, %g): mean off by %g (se %g), var %g vs %g",
                 (unsigned long long)n, p, mean_err, sqrt(var / N), var_hat,
                 var);
}

static void test_rng_binomial_moments(void **state)
{
    (void)state;
    check_moments(10, 0.3, 11);      /* inversion */
    check_moments(1000, 0.001, 12);  /* inversion, tiny p */
    check_moments(45, 0.3, 13);      /* n p = 13.5: inversion */
    check_moments(50, 0.3, 14);      /* n p = 15: BTRD */
    check_moments(100, 0.5, 15);     /* BTRD */
    check_moments(50, 0.9, 16);      /* flipped */
    check_moments(1000000, 0.3, 17); /* BTRD, large n */
    check_moments(1000000000, 1e-3, 18);
    check_moments(5000000, 2e-6, 19); /* inversion, large n */
}

/* log of the binomial pmf */
static double lpmf(uint64_t n, double p, uint64_t k)
{
    return lgamma((double)n + 1) - lgamma((double)k + 1) -
           lgamma((double)(n - k) + 1) + (double)k * log(p) +
           (double)(n - k) * log1p(-p);
}

/* Chi-square against the exact pmf; cells with expectation < 5 are merged
 * into the tails. Fails above df + 6 sqrt(2 df) (far beyond the 0.9999
 * quantile for these df). */
static void check_pmf(uint64_t n, double p, uint64_t seed, int N)
{
    ig_rng r;
    ig__rng_init(&r, seed, 3);
    long *cnt = calloc(n + 1, sizeof *cnt);
    assert_non_null(cnt);
    for (int i = 0; i < N; i++) cnt[ig__rng_binomial(&r, n, p)]++;
    /* bins: greedy left to right with expectation >= 5; a small remainder
     * at the right end joins the last bin */
    double chi = 0, e_bin = 0, e_last = 0;
    long o_bin = 0, o_last = 0;
    int df = -1, have_last = 0;
    for (uint64_t k = 0; k <= n; k++) {
        e_bin += N * exp(lpmf(n, p, k));
        o_bin += cnt[k];
        if (e_bin >= 5.0) {
            if (have_last) {
                chi += (o_last - e_last) * (o_last - e_last) / e_last;
                df++;
            }
            e_last = e_bin;
            o_last = o_bin;
            have_last = 1;
            e_bin = 0;
            o_bin = 0;
        }
    }
    assert_true(have_last);
    e_last += e_bin;
    o_last += o_bin;
    chi += (o_last - e_last) * (o_last - e_last) / e_last;
    df++;
    free(cnt);
    double lim = df + 6 * sqrt(2.0 * df);
    if (!(chi < lim))
        fail_msg("binomial(%llu, %g): chi2 %g with %d df (limit %g)",
                 (unsigned long long)n, p, chi, df, lim);
}

static void test_rng_binomial_pmf(void **state)
{
    (void)state;
    check_pmf(20, 0.25, 21, 400000);   /* inversion */
    check_pmf(40, 0.4, 22, 400000);    /* BTRD, n p = 16 */
    check_pmf(1000, 0.05, 23, 400000); /* BTRD, squeeze used */
    check_pmf(20000, 0.3, 24, 400000); /* BTRD, wide */
    check_pmf(60, 0.8, 25, 400000);    /* flipped BTRD */
    check_pmf(200, 0.03, 26, 400000);  /* inversion, n p = 6 */
}

static void test_rng_multinomial(void **state)
{
    (void)state;
    double probs[6] = {0.1, 0.0, 0.3, 0.2, 0.4, 0.0};
    uint64_t out[6];
    double mean[6] = {0};
    ig_rng r;
    ig__rng_init(&r, 5, 9);
    const int N = 20000;
    const uint64_t n = 1000;
    for (int i = 0; i < N; i++) {
        ig__rng_multinomial(&r, n, probs, 6, out);
        uint64_t s = 0;
        for (int j = 0; j < 6; j++) {
            s += out[j];
            mean[j] += (double)out[j] / N;
        }
        assert_true(s == n);
        assert_true(out[1] == 0 && out[5] == 0);
    }
    for (int j = 0; j < 6; j++) {
        double e = (double)n * probs[j];
        double sd = sqrt((double)n * probs[j] * (1 - probs[j]) / N);
        assert_true(fabs(mean[j] - e) <= 5 * sd + 1e-12);
    }
    /* unnormalised weights mean the same */
    double w[3] = {2.0, 6.0, 2.0};
    ig__rng_init(&r, 5, 10);
    double m1 = 0;
    for (int i = 0; i < N; i++) {
        ig__rng_multinomial(&r, 100, w, 3, out);
        assert_true(out[0] + out[1] + out[2] == 100);
        m1 += (double)out[1] / N;
    }
    assert_true(fabs(m1 - 60.0) < 5 * sqrt(100 * 0.6 * 0.4 / N));
    /* n = 0 and all-zero weights */
    ig__rng_multinomial(&r, 0, w, 3, out);
    assert_true(out[0] == 0 && out[1] == 0 && out[2] == 0);
    double z[2] = {0, 0};
    ig__rng_multinomial(&r, 10, z, 2, out);
    assert_true(out[0] == 0 && out[1] == 0);
    /* one category takes everything */
    double one[3] = {0, 5, 0};
    ig__rng_multinomial(&r, 77, one, 3, out);
    assert_true(out[0] == 0 && out[1] == 77 && out[2] == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rng_deterministic_per_stream),
        cmocka_unit_test(test_rng_uniform_and_normal),
        cmocka_unit_test(test_rng_binomial_edges),
        cmocka_unit_test(test_rng_binomial_moments),
        cmocka_unit_test(test_rng_binomial_pmf),
        cmocka_unit_test(test_rng_multinomial),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
