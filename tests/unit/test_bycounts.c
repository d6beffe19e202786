/* Large grids whose units the runner groups by their counts
 * (src/measures/count_tri.h: pairs (x, t) with t < 512 once n >= 2^18,
 * bigger or fractional counts kept one by one) give the textbook formulas,
 * computed here unit by unit in long double. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"

#define N 300000

static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static double *a, *b, *c;

static int setup(void **state)
{
    (void)state;
    a = malloc(N * sizeof *a);
    b = malloc(N * sizeof *b);
    c = malloc(N * sizeof *c);
    if (!a || !b || !c) return -1;
    uint64_t s = 42;
    for (size_t i = 0; i < N; i++) {
        uint64_t r = next(&s);
        if (i % 97 == 0) { /* big cells */
            a[i] = (double)(r % 5000);
            b[i] = (double)((r >> 20) % 3000);
            c[i] = (double)((r >> 40) % 800);
        } else if (i % 89 == 0) { /* perturbed, fractional counts */
            a[i] = (double)(r % 200) + 0.25;
            b[i] = (double)((r >> 20) % 50) + 0.5;
            c[i] = (double)((r >> 40) % 20);
        } else { /* small whole counts, many repeated pairs */
            a[i] = (double)(r % 60);
            b[i] = (double)((r >> 20) % 12);
            c[i] = (double)((r >> 40) % 6);
        }
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(a);
    free(b);
    free(c);
    return 0;
}

typedef struct naive {
    long double d, h, iso, atk, mi;
} naive;

/* Group g = c against the rest, and M over the three groups. */
static naive compute_naive(void)
{
    long double X = 0, T = 0, T3[3] = {0, 0, 0};
    const double *g3[3] = {a, b, c};
    for (size_t i = 0; i < N; i++) {
        X += c[i];
        T += a[i] + b[i] + c[i];
        for (int k = 0; k < 3; k++) T3[k] += g3[k][i];
    }
    long double Y = T - X, P = X / T;
    long double E = -(P * logl(P) + (1 - P) * logl(1 - P));
    naive r = {0, 0, 0, 0, 0};
    long double atk = 0;
    for (size_t i = 0; i < N; i++) {
        long double t = (long double)a[i] + b[i] + c[i];
        long double x = c[i], y = t - x;
        r.d += fabsl(x / X - y / Y);
        if (t <= 0) continue;
        long double p = x / t;
        long double Ei = 0;
        if (p > 0) Ei -= p * logl(p);
        if (p < 1) Ei -= (1 - p) * logl(1 - p);
        r.h += t * (E - Ei);
        r.iso += (x / X) * p;
        atk += sqrtl((1 - p) * p) * t;
        for (int k = 0; k < 3; k++) {
            long double q = g3[k][i] / t;
            if (q > 0) r.mi += (t / T) * q * logl(q / (T3[k] / T));
        }
    }
    r.d /= 2;
    r.h /= E * T;
    r.atk = 1 - P / (1 - P) * powl(fabsl(atk / (P * T)), 2.0L);
    return r;
}

static double value(const ig_results *res, const char *m, long group)
{
    for (size_t i = 0; i < ig_results_nrows(res); i++) {
        const ig_result_row *r = ig_results_row(res, i);
        if (strcmp(r->measure->name, m) == 0 && r->group == group) {
            assert_int_equal(r->status, IG_OK);
            return r->value;
        }
    }
    fail_msg("no row for %s", m);
    return NAN;
}

static void test_large_grid(void **state)
{
    (void)state;
    const char *names[] = {"A", "B", "C"};
    const double *counts[] = {a, b, c};
    ig_grid *g = grid_from_counts(NULL, N, 3, counts, names);
    const char *only[] = {"dissimilarity", "entropy", "isolation", "atkinson",
                          "mutual_information"};
    ig_run_opts o;
    ig_run_opts_init(&o);
    o.measures = only;
    o.n_measures = 5;
    ig_results *res = NULL;
    ig_error err = {0};
    assert_int_equal(ig_measures_run(NULL, g, &o, &res, &err), IG_OK);
    naive n = compute_naive();
    assert_true(close_rel(value(res, "dissimilarity", 2), (double)n.d, 1e-12));
    assert_true(close_rel(value(res, "entropy", 2), (double)n.h, 1e-10));
    assert_true(close_rel(value(res, "isolation", 2), (double)n.iso, 1e-12));
    assert_true(close_rel(value(res, "atkinson", 2), (double)n.atk, 1e-10));
    assert_true(
        close_rel(value(res, "mutual_information", -1), (double)n.mi, 1e-10));
    /* the single-measure path gives the same bits as the runner */
    ig_results *one = NULL;
    o.measures = only + 1;
    o.n_measures = 1;
    assert_int_equal(ig_measures_run(NULL, g, &o, &one, &err), IG_OK);
    assert_true(value(one, "entropy", 2) == value(res, "entropy", 2));
    ig_results_destroy(one);
    ig_results_destroy(res);
    ig_grid_destroy(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_large_grid),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
