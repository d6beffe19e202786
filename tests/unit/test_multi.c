/* Unit tests of the multigroup measures (src/measures/multi) and of the
 * M / H between-within decomposition.
 *
 * Expected values come from three places: hand calculations with exact
 * fractions (written out next to each value), a naive reference written
 * here straight from the formulas of notes/conventions.md (long double,
 * O(n^2) Gini, shares formed by division), and identities between measures
 * (two-group special cases, M = H * E, total = between + within). Random
 * data use a fixed-seed generator local to this file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "integrid/integrid.h"
#include "measures/measure_impl.h"
#include "test_support.h"

#define NG_MAX 8

static const char *const multi_ids[] = {
    "multi_dissimilarity", "multi_gini", "multi_normalized_exposure",
    "multi_information_theory", "mutual_information",
    "multi_relative_diversity", "multi_squared_coefficient_of_variation",
    "multi_diversity", "multi_diversity_normalized",
    "simpsons_concentration", "simpsons_interaction",
};
#define N_IDS (sizeof multi_ids / sizeof multi_ids[0])

/* ---- a small counts table, group-major ------------------------------- */

typedef struct tab {
    size_t n, ng;
    double *x; /* x[g * n + i] */
    const double *col[NG_MAX];
} tab;

static tab tab_new(size_t n, size_t ng)
{
    tab t;
    memset(&t, 0, sizeof t);
    assert_true(ng <= NG_MAX);
    t.n = n;
    t.ng = ng;
    t.x = calloc(n * ng + 1, sizeof *t.x);
    assert_non_null(t.x);
    for (size_t g = 0; g < ng; g++) t.col[g] = t.x + g * n;
    return t;
}

/* rows[i * ng + g] */
static tab tab_rows(size_t n, size_t ng, const double *rows)
{
    tab t = tab_new(n, ng);
    for (size_t i = 0; i < n; i++)
        for (size_t g = 0; g < ng; g++) t.x[g * n + i] = rows[i * ng + g];
    return t;
}

static void tab_free(tab *t)
{
    free(t->x);
    t->x = NULL;
}

static double *at(tab *t, size_t g, size_t i) { return &t->x[g * t->n + i]; }

/* ---- a fixed-seed generator (splitmix64) ------------------------------ */

static uint64_t rng_state;

static uint64_t rnd64(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double rndu(void) { return (double)(rnd64() >> 11) * 0x1.0p-53; }

static size_t rndn(size_t k) { return (size_t)(rnd64() % k); }

/* Counts with many zeros, ties and a few empty units and fractions. */
static tab tab_random(size_t n, size_t ng)
{
    tab t = tab_new(n, ng);
    for (size_t i = 0; i < n; i++) {
        if (rndu() < 0.08) continue; /* an empty unit */
        int frac = rndu() < 0.2;
        for (size_t g = 0; g < ng; g++) {
            double u = rndu();
            double v = floor(u * u * u * 60.0 * (double)(g + 1));
            if (frac) v = u * 17.25 * (double)(g + 1);
            *at(&t, g, i) = v;
        }
    }
    /* make sure at least two groups are present */
    *at(&t, 0, 0) += 3.0;
    *at(&t, 1, n - 1) += 5.0;
    return t;
}

/* ---- calling the measures through the public API ---------------------- */

static ig_status compute(const char *name, const tab *t, double *v,
                         ig_error *err)
{
    const ig_measure_info *m = ig_measure_find(name);
    assert_non_null(m);
    assert_int_equal(m->family, IG_FAM_MULTI);
    ig_units u = {.n_units = t->n, .n_groups = t->ng, .counts = t->col, .total = NULL};
    return ig_measure_compute(NULL, m, &u, 0, NULL, v, err);
}

static double value(const char *name, const tab *t)
{
    double v = NAN;
    ig_error err = {0};
    ig_status st = compute(name, t, &v, &err);
    if (st != IG_OK) fail_msg("%s: %s (%s)", name, ig_strerror(st), err.msg);
    return v;
}

static ig_status decompose(const char *name, const tab *t,
                           const uint32_t *cl, size_t ncl,
                           ig_decomposition *d, ig_error *err)
{
    const ig_measure_info *m = ig_measure_find(name);
    assert_non_null(m);
    ig_units u = {.n_units = t->n, .n_groups = t->ng, .counts = t->col, .total = NULL};
    return ig_measure_decompose(NULL, m, &u, cl, ncl, d, err);
}

static void check_close(const char *what, double got, double want, double tol)
{
    if (!close_rel(got, want, tol))
        fail_msg("%s: got %.17g, want %.17g (tolerance %g)", what, got, want,
                 tol);
}

/* ---- the naive reference ---------------------------------------------- */

typedef struct ref {
    double v[N_IDS]; /* in multi_ids order */
    int k;           /* groups present */
} ref;

static ref naive(const tab *t)
{
    size_t n = t->n, ng = t->ng;
    long double ti[4096], T = 0, X[NG_MAX] = {0};
    assert_true(n <= 4096);
    for (size_t i = 0; i < n; i++) {
        ti[i] = 0;
        for (size_t g = 0; g < ng; g++) ti[i] += t->x[g * n + i];
        T += ti[i];
    }
    for (size_t g = 0; g < ng; g++)
        for (size_t i = 0; i < n; i++) X[g] += t->x[g * n + i];
    ref r;
    memset(&r, 0, sizeof r);
    long double I = 0, E = 0, SC = 0, dsum = 0, gsum = 0, rsum = 0,
                psum = 0, csum = 0, msum = 0;
    int k = 0;
    for (size_t g = 0; g < ng; g++) {
        if (X[g] <= 0) continue;
        k++;
        long double pm = X[g] / T;
        I += pm * (1 - pm);
        E -= pm * logl(pm);
        SC += pm * pm;
        long double sq = 0;
        for (size_t i = 0; i < n; i++) {
            if (ti[i] <= 0) continue;
            long double p = t->x[g * n + i] / ti[i];
            dsum += ti[i] * fabsl(p - pm);
            sq += ti[i] * (p - pm) * (p - pm);
            if (p > 0) msum += ti[i] * p * logl(p / pm);
            for (size_t j = 0; j < n; j++) {
                if (ti[j] <= 0) continue;
                long double q = t->x[g * n + j] / ti[j];
                gsum += ti[i] * ti[j] * fabsl(p - q);
            }
        }
        rsum += sq;
        psum += sq / (1 - pm);
        csum += sq / pm;
    }
    r.k = k;
    long double M = msum / T;
    r.v[0] = (double)(dsum / (2 * T * I));
    r.v[1] = (double)(gsum / (2 * T * T * I));
    r.v[2] = (double)(psum / T);
    r.v[3] = (double)(M / E);
    r.v[4] = (double)M;
    r.v[5] = (double)(rsum / (T * I));
    r.v[6] = (double)(csum / ((k - 1) * T));
    r.v[7] = (double)E;
    r.v[8] = (double)(E / logl((long double)k));
    r.v[9] = (double)SC;
    r.v[10] = (double)I;
    return r;
}

static void check_all(const tab *t, const double *want, double tol)
{
    for (size_t m = 0; m < N_IDS; m++)
        check_close(multi_ids[m], value(multi_ids[m], t), want[m], tol);
}

/* ---- hand calculations ------------------------------------------------- */

/* u1 = (3, 1), u2 = (1, 3): T = 8, pi = (1/2, 1/2), I = 1/2, E = ln 2.
 * D: per group 4|3/4-1/2| + 4|1/4-1/2| = 2; D = 4 / (2*8*1/2) = 1/2.
 * G: per group 2*4*4*(1/2) = 16; G = 32 / (2*64*1/2) = 1/2.
 * sum_i t_i (pi_im - pi_m)^2 = 2 * 4/16 = 1/2 per group:
 * P = (1/2 / (1/2)) * 2 / 8 = 1/4; R = 1 / (8 * 1/2) = 1/4;
 * C = (1/2 / (1/2)) * 2 / (1 * 8) = 1/4.
 * M = 3/4 ln(3/2) + 1/4 ln(1/2) = 3/4 ln 3 - ln 2; H = M / ln 2.
 * Simpson: concentration 1/2, interaction 1/2. */
static void test_multi_hand_two_units(void **state)
{
    (void)state;
    const double rows[] = {3, 1, 1, 3};
    tab t = tab_rows(2, 2, rows);
    double M = 0.75 * log(3.0) - log(2.0);
    const double want[N_IDS] = {0.5,  0.5, 0.25,      M / log(2.0), M,
                                0.25, 0.25, log(2.0), 1.0,          0.5,
                                0.5};
    check_all(&t, want, 1e-14);
    check_close("M", M, 0.130812035941137, 1e-14);
    tab_free(&t);
}

/* u1 = (8, 0, 0), u2 = (2, 4, 2), u3 = (0, 4, 12); t = (8, 8, 16), T = 32,
 * X = (10, 8, 14), pi = (5/16, 1/4, 7/16), I = (55 + 48 + 63)/256 = 83/128.
 * D: sum |x - t pi| = (5.5 + .5 + 5) + (2 + 2 + 0) + (3.5 + 1.5 + 5) = 25,
 *    D = 25 / (2 * 32 * 83/128) = 50/83.
 * G: pair sums (both orders) 416 + 192 + 352 = 960,
 *    G = 960 / (2 * 1024 * 83/128) = 60/83.
 * sum_i t_i (pi_im - pi_m)^2 = 1376/256, 1, 864/256 (5.375, 1, 3.375):
 *    R = 9.75 / (32 * 83/128) = 39/83;
 *    P = (5.375/(11/16) + 1/(3/4) + 3.375/(9/16)) / 32 = (500/33)/32 = 125/264;
 *    C = (5.375/(5/16) + 1/(1/4) + 3.375/(7/16)) / (2*32) = (1012/35)/64
 *      = 253/560.
 * M = [8 ln 3.2 + 2 ln .8 + 4 ln 2 + 2 ln(4/7) + 0 + 12 ln(12/7)] / 32;
 * E = -(5/16 ln 5/16 + 1/4 ln 1/4 + 7/16 ln 7/16); H = M/E.
 * Simpson: concentration (25 + 16 + 49)/256 = 45/128, interaction 83/128. */
static void test_multi_hand_three_groups(void **state)
{
    (void)state;
    const double rows[] = {8, 0, 0, 2, 4, 2, 0, 4, 12};
    tab t = tab_rows(3, 3, rows);
    double M = (8 * log(3.2) + 2 * log(0.8) + 4 * log(2.0) +
                2 * log(4.0 / 7.0) + 12 * log(12.0 / 7.0)) /
               32.0;
    double E = -(5.0 / 16 * log(5.0 / 16) + 0.25 * log(0.25) +
                 7.0 / 16 * log(7.0 / 16));
    const double want[N_IDS] = {50.0 / 83,  60.0 / 83, 125.0 / 264,
                                M / E,      M,         39.0 / 83,
                                253.0 / 560, E,        E / log(3.0),
                                45.0 / 128, 83.0 / 128};
    check_all(&t, want, 1e-14);
    /* printed digits, as a guard against a typo in the closed forms */
    check_close("M", M, 0.530632329093069, 1e-14);
    check_close("E", E, 1.0717300941124526, 1e-14);
    /* the naive reference agrees with the hand calculation */
    ref r = naive(&t);
    for (size_t m = 0; m < N_IDS; m++)
        check_close(multi_ids[m], r.v[m], want[m], 1e-14);
    tab_free(&t);
}

/* ---- degenerate cases ------------------------------------------------- */

static void expect_numeric(const char *name, const tab *t)
{
    double v = 42.0;
    ig_error err = {0};
    ig_status st = compute(name, t, &v, &err);
    if (st != IG_ERR_NUMERIC)
        fail_msg("%s: want IG_ERR_NUMERIC, got %s (value %g)", name,
                 ig_strerror(st), v);
    assert_true(err.msg[0] != '\0');
    assert_true(v == 42.0); /* untouched */
}

static void test_multi_one_group_present(void **state)
{
    (void)state;
    /* group 2 and 3 have no residents: K = 1 */
    const double rows[] = {5, 0, 0, 3, 0, 0, 0, 0, 0};
    tab t = tab_rows(3, 3, rows);
    assert_true(value("multi_diversity", &t) == 0.0);
    assert_true(value("simpsons_concentration", &t) == 1.0);
    assert_true(value("simpsons_interaction", &t) == 0.0);
    const char *undef[] = {"multi_dissimilarity", "multi_gini",
                           "multi_normalized_exposure",
                           "multi_information_theory", "mutual_information",
                           "multi_relative_diversity",
                           "multi_squared_coefficient_of_variation",
                           "multi_diversity_normalized"};
    for (size_t k = 0; k < sizeof undef / sizeof undef[0]; k++)
        expect_numeric(undef[k], &t);
    /* the message says why */
    double v;
    ig_error err = {0};
    assert_int_equal(compute("multi_dissimilarity", &t, &v, &err),
                     IG_ERR_NUMERIC);
    assert_non_null(strstr(err.msg, "group"));
    tab_free(&t);
}

static void test_multi_all_zero(void **state)
{
    (void)state;
    tab t = tab_new(4, 3);
    for (size_t m = 0; m < N_IDS; m++) expect_numeric(multi_ids[m], &t);
    tab_free(&t);
}

static void test_multi_single_unit(void **state)
{
    (void)state;
    const double rows[] = {3, 5, 2};
    tab t = tab_rows(1, 3, rows);
    /* a single unit is as even as it gets: every segregation index is 0 */
    const char *zero[] = {"multi_dissimilarity", "multi_gini",
                          "multi_normalized_exposure",
                          "multi_information_theory", "mutual_information",
                          "multi_relative_diversity",
                          "multi_squared_coefficient_of_variation"};
    for (size_t k = 0; k < sizeof zero / sizeof zero[0]; k++) {
        double v = value(zero[k], &t);
        if (!(fabs(v) <= 1e-15)) fail_msg("%s = %g, want 0", zero[k], v);
    }
    double E = -(0.3 * log(0.3) + 0.5 * log(0.5) + 0.2 * log(0.2));
    check_close("E", value("multi_diversity", &t), E, 1e-15);
    check_close("SC", value("simpsons_concentration", &t), 0.38, 1e-15);
    check_close("SI", value("simpsons_interaction", &t), 0.62, 1e-15);
    tab_free(&t);
}

/* Complete segregation: each unit holds one group only. */
static void test_multi_complete_segregation(void **state)
{
    (void)state;
    const double rows[] = {10, 0, 0, 0, 20, 0, 0, 0, 5, 7, 0, 0};
    tab t = tab_rows(4, 3, rows);
    const char *one[] = {"multi_dissimilarity", "multi_gini",
                         "multi_information_theory",
                         "multi_relative_diversity",
                         "multi_normalized_exposure"};
    for (size_t k = 0; k < sizeof one / sizeof one[0]; k++)
        check_close(one[k], value(one[k], &t), 1.0, 1e-14);
    /* M then equals the entropy */
    check_close("M = E", value("mutual_information", &t),
                value("multi_diversity", &t), 1e-14);
    tab_free(&t);
}

/* Units without residents and groups without residents change nothing. */
static void test_multi_empty_units_and_groups_ignored(void **state)
{
    (void)state;
    const double rows[] = {8, 0, 0, 2, 4, 2, 0, 4, 12};
    tab a = tab_rows(3, 3, rows);
    /* the same with an empty unit in the middle and an empty group first */
    const double rows2[] = {0, 8, 0, 0, 0, 0, 0, 0, 0, 2, 4, 2, 0, 0, 4, 12};
    tab b = tab_rows(4, 4, rows2);
    for (size_t m = 0; m < N_IDS; m++)
        check_close(multi_ids[m], value(multi_ids[m], &b),
                    value(multi_ids[m], &a), 1e-14);
    tab_free(&a);
    tab_free(&b);
}

/* ---- against the naive reference on random data ---------------------- */

static void test_multi_matches_naive_random(void **state)
{
    (void)state;
    rng_state = 12345;
    const size_t sizes[] = {2, 3, 7, 40, 150, 400};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        for (size_t ng = 2; ng <= 5; ng++) {
            tab t = tab_random(sizes[s], ng);
            ref r = naive(&t);
            assert_true(r.k >= 2);
            for (size_t m = 0; m < N_IDS; m++) {
                double got = value(multi_ids[m], &t);
                if (!close_rel(got, r.v[m], 1e-12))
                    fail_msg("%s n=%zu K=%zu: got %.17g, naive %.17g",
                             multi_ids[m], sizes[s], ng, got, r.v[m]);
            }
            tab_free(&t);
        }
    }
}

/* The exact O(K n log n) Gini against the O(n^2) double sum, with many ties
 * (shares from small integer counts) and empty units. */
static void test_multi_gini_exact_equals_brute_force(void **state)
{
    (void)state;
    rng_state = 777;
    for (int rep = 0; rep < 30; rep++) {
        size_t n = 1 + rndn(300), ng = 2 + rndn(5);
        tab t = tab_new(n, ng);
        for (size_t i = 0; i < n; i++)
            for (size_t g = 0; g < ng; g++)
                *at(&t, g, i) = (double)rndn(4); /* lots of ties */
        *at(&t, 0, 0) += 1.0;
        *at(&t, 1, 0) += 1.0;
        ref r = naive(&t);
        double got = value("multi_gini", &t);
        if (!close_rel(got, r.v[1], 1e-12))
            fail_msg("rep %d n=%zu K=%zu: exact %.17g, brute force %.17g",
                     rep, n, ng, got, r.v[1]);
        tab_free(&t);
    }
}

/* ---- invariances ------------------------------------------------------- */

static void test_multi_invariances(void **state)
{
    (void)state;
    rng_state = 99;
    for (int rep = 0; rep < 5; rep++) {
        size_t n = 50 + rndn(100), ng = 2 + rndn(4);
        tab t = tab_random(n, ng);
        double base[N_IDS];
        for (size_t m = 0; m < N_IDS; m++) base[m] = value(multi_ids[m], &t);

        /* scaling every count by the same factor */
        tab s = tab_new(n, ng);
        for (size_t c = 0; c < n * ng; c++) s.x[c] = t.x[c] * 3.7;
        for (size_t m = 0; m < N_IDS; m++)
            check_close(multi_ids[m], value(multi_ids[m], &s), base[m], 1e-12);

        /* permuting the units */
        size_t perm[512];
        for (size_t i = 0; i < n; i++) perm[i] = i;
        for (size_t i = n - 1; i > 0; i--) {
            size_t j = rndn(i + 1), tmp = perm[i];
            perm[i] = perm[j];
            perm[j] = tmp;
        }
        for (size_t g = 0; g < ng; g++)
            for (size_t i = 0; i < n; i++)
                *at(&s, g, i) = *at(&t, g, perm[i]);
        for (size_t m = 0; m < N_IDS; m++)
            check_close(multi_ids[m], value(multi_ids[m], &s), base[m], 1e-12);

        /* permuting (here: reversing) the groups */
        for (size_t g = 0; g < ng; g++)
            for (size_t i = 0; i < n; i++)
                *at(&s, g, i) = *at(&t, ng - 1 - g, i);
        for (size_t m = 0; m < N_IDS; m++)
            check_close(multi_ids[m], value(multi_ids[m], &s), base[m], 1e-12);

        tab_free(&s);
        tab_free(&t);
    }
}

/* ---- identities -------------------------------------------------------- */

/* With two groups the multigroup D, H and G are the two-group indices of
 * either group against the other. */
static void test_multi_two_groups_equal_two_group_indices(void **state)
{
    (void)state;
    rng_state = 4242;
    for (int rep = 0; rep < 10; rep++) {
        size_t n = 2 + rndn(200);
        tab t = tab_random(n, 2);
        const double *x = t.col[0], *y = t.col[1];
        double X = 0, Y = 0;
        for (size_t i = 0; i < n; i++) {
            X += x[i];
            Y += y[i];
        }
        double T = X + Y, P = X / T;
        double D = 0, Hs = 0, G = 0;
        double E = -(P * log(P) + (1 - P) * log(1 - P));
        for (size_t i = 0; i < n; i++) {
            D += fabs(x[i] / X - y[i] / Y);
            double ti = x[i] + y[i];
            if (ti <= 0) continue;
            double p = x[i] / ti;
            double Ei = 0;
            if (p > 0) Ei -= p * log(p);
            if (p < 1) Ei -= (1 - p) * log(1 - p);
            Hs += ti * (E - Ei);
            for (size_t j = 0; j < n; j++) {
                double tj = x[j] + y[j];
                if (tj > 0) G += ti * tj * fabs(p - x[j] / tj);
            }
        }
        D *= 0.5;
        Hs /= E * T;
        G /= 2 * T * T * P * (1 - P);
        check_close("multi D vs two-group D", value("multi_dissimilarity", &t),
                    D, 1e-12);
        check_close("multi H vs Theil's two-group H",
                    value("multi_information_theory", &t), Hs, 1e-11);
        check_close("multi G vs two-group G", value("multi_gini", &t), G,
                    1e-12);
        /* and through the single-group measures of the registry */
        ig_units u = {.n_units = n, .n_groups = 2, .counts = t.col, .total = NULL};
        double v = NAN;
        ig_error err = {0};
        ig_status st = ig_measure_compute(NULL, ig_measure_find("dissimilarity"),
                                          &u, 0, NULL, &v, &err);
        if (st != IG_OK) fail_msg("dissimilarity: %s", err.msg);
        check_close("multi D vs dissimilarity", value("multi_dissimilarity", &t),
                    v, 1e-12);
        st = ig_measure_compute(NULL, ig_measure_find("entropy"), &u, 1, NULL,
                                &v, &err);
        if (st != IG_OK) fail_msg("entropy: %s", err.msg);
        check_close("multi H vs entropy", value("multi_information_theory", &t),
                    v, 1e-11);
        tab_free(&t);
    }
}

static void test_multi_mutual_is_h_times_entropy(void **state)
{
    (void)state;
    rng_state = 31337;
    for (int rep = 0; rep < 10; rep++) {
        tab t = tab_random(5 + rndn(300), 2 + rndn(6));
        double M = value("mutual_information", &t);
        double H = value("multi_information_theory", &t);
        double E = value("multi_diversity", &t);
        check_close("M = H * E", M, H * E, 1e-13);
        /* Simpson's two indices add up to 1 */
        check_close("SC + SI", value("simpsons_concentration", &t) +
                                   value("simpsons_interaction", &t),
                    1.0, 1e-15);
        tab_free(&t);
    }
}

/* Every value lies in the range the registry advertises; M <= ln K. */
static void test_multi_values_in_range(void **state)
{
    (void)state;
    rng_state = 2024;
    for (int rep = 0; rep < 20; rep++) {
        size_t ng = 2 + rndn(6);
        tab t = tab_random(1 + rndn(200), ng);
        ref r = naive(&t);
        for (size_t m = 0; m < N_IDS; m++) {
            const ig_measure_info *mi = ig_measure_find(multi_ids[m]);
            double v = value(multi_ids[m], &t);
            if (!(v >= mi->range_min && v <= mi->range_max))
                fail_msg("%s = %g outside %s", multi_ids[m], v, mi->range_text);
        }
        assert_true(value("mutual_information", &t) <=
                    log((double)r.k) * (1 + 1e-15));
        tab_free(&t);
    }
}

/* The measure functions guard themselves even without the dispatcher's
 * checks: a hand-filled input with no residents, and with one group. */
static void test_multi_direct_calls(void **state)
{
    (void)state;
    double a[2] = {0, 0}, b[2] = {0, 0}, t[2] = {0, 0}, gs[2] = {0, 0};
    const double *cols[2] = {a, b};
    ig_measure_params p;
    ig_measure_params_init(&p);
    ig_error err = {0};
    ig__min in;
    memset(&in, 0, sizeof in);
    in.n = 2;
    in.n_groups = 2;
    in.counts = cols;
    in.t = t;
    in.T = 0;
    in.gsum = gs;
    in.p = &p;
    in.err = &err;
    double v = 7;
    assert_int_equal(ig__m_multi_dissimilarity(&in, &v), IG_ERR_NUMERIC);
    assert_int_equal(ig__m_simpsons_concentration(&in, &v), IG_ERR_NUMERIC);
    assert_int_equal(ig__m_multi_diversity(&in, &v), IG_ERR_NUMERIC);
    assert_true(v == 7);
    assert_non_null(strstr(err.msg, "no residents"));

    /* u1 = (3, 1), u2 = (1, 3) as in test_multi_hand_two_units */
    a[0] = 3; b[0] = 1; a[1] = 1; b[1] = 3;
    t[0] = 4; t[1] = 4;
    gs[0] = 4; gs[1] = 4;
    in.T = 8;
    assert_int_equal(ig__m_multi_gini(&in, &v), IG_OK);
    check_close("G", v, 0.5, 1e-15);
    assert_int_equal(ig__m_mutual_information(&in, &v), IG_OK);
    check_close("M", v, 0.75 * log(3.0) - log(2.0), 1e-15);
    assert_int_equal(ig__m_multi_squared_coefficient_of_variation(&in, &v),
                     IG_OK);
    check_close("C", v, 0.25, 1e-15);

    /* one group: b empty */
    b[0] = b[1] = 0;
    t[0] = 3; t[1] = 1;
    gs[1] = 0;
    in.T = 4;
    v = 7;
    assert_int_equal(ig__m_multi_relative_diversity(&in, &v), IG_ERR_NUMERIC);
    assert_int_equal(ig__m_multi_diversity_normalized(&in, &v), IG_ERR_NUMERIC);
    assert_true(v == 7);
    assert_int_equal(ig__m_multi_diversity(&in, &v), IG_OK);
    assert_true(v == 0.0);
}

/* ---- decomposition ----------------------------------------------------- */

/* The three-group example with clusters {u1, u2} and {u3}:
 * clusters as units: k1 = (10, 4, 2), k2 = (0, 4, 12), T_k = 16 each;
 * M_between = [10 ln(10*32/(16*10)) + 4 ln 1 + 2 ln(2*32/(16*14))
 *              + 4 ln 1 + 12 ln(12*32/(16*14))] / 32
 *           = [10 ln 2 + 2 ln(2/7) + 12 ln(12/7)] / 32;
 * inside k1 pi_k = (10/16, 4/16, 2/16):
 * within = [8 ln 1.6 + 2 ln .4 + 4 ln 2 + 2 ln 2] / 32 (k2 is one unit: 0). */
static void test_decompose_hand(void **state)
{
    (void)state;
    const double rows[] = {8, 0, 0, 2, 4, 2, 0, 4, 12};
    tab t = tab_rows(3, 3, rows);
    const uint32_t cl[] = {0, 0, 1};
    double Mb = (10 * log(2.0) + 2 * log(2.0 / 7) + 12 * log(12.0 / 7)) / 32;
    double Mw = (8 * log(1.6) + 2 * log(0.4) + 6 * log(2.0)) / 32;
    double E = -(5.0 / 16 * log(5.0 / 16) + 0.25 * log(0.25) +
                 7.0 / 16 * log(7.0 / 16));
    ig_decomposition d;
    ig_error err = {0};
    assert_int_equal(decompose("mutual_information", &t, cl, 2, &d, &err), IG_OK);
    check_close("M between", d.between, Mb, 1e-14);
    check_close("M within", d.within, Mw, 1e-14);
    check_close("M total", d.total, value("mutual_information", &t), 0);
    check_close("M between (digits)", d.between, 0.34043449616877997, 1e-14);
    check_close("M within (digits)", d.within, 0.19019783292428896, 1e-14);
    assert_int_equal(decompose("multi_information_theory", &t, cl, 2, &d, &err),
                     IG_OK);
    check_close("H between", d.between, Mb / E, 1e-14);
    check_close("H within", d.within, Mw / E, 1e-14);
    check_close("H total", d.total, value("multi_information_theory", &t), 0);
    tab_free(&t);
}

/* total = between + within on random data, with between equal to M of the
 * clusters as units and within equal to sum_k (T_k/T) M_k, both computed
 * through the registry. */
static void test_decompose_identity_random(void **state)
{
    (void)state;
    rng_state = 8080;
    for (int rep = 0; rep < 12; rep++) {
        size_t n = 3 + rndn(400), ng = 2 + rndn(5), ncl = 1 + rndn(12);
        tab t = tab_random(n, ng);
        uint32_t cl[512];
        for (size_t i = 0; i < n; i++) cl[i] = (uint32_t)rndn(ncl);
        ig_decomposition dm, dh;
        ig_error err = {0};
        assert_int_equal(decompose("mutual_information", &t, cl, ncl, &dm, &err),
                         IG_OK);
        assert_int_equal(
            decompose("multi_information_theory", &t, cl, ncl, &dh, &err), IG_OK);
        double M = value("mutual_information", &t);
        double H = value("multi_information_theory", &t);
        double E = value("multi_diversity", &t);
        check_close("M total = compute", dm.total, M, 0);
        check_close("H total = compute", dh.total, H, 0);
        check_close("M total = between + within", dm.total,
                    dm.between + dm.within, 1e-12);
        check_close("H total = between + within", dh.total,
                    dh.between + dh.within, 1e-12);
        check_close("H between = M between / E", dh.between, dm.between / E,
                    1e-13);
        check_close("H within = M within / E", dh.within, dm.within / E, 1e-13);
        assert_true(dm.between >= 0 && dm.within >= 0);

        /* between: the clusters as units */
        tab agg = tab_new(ncl, ng);
        for (size_t i = 0; i < n; i++)
            for (size_t g = 0; g < ng; g++) *at(&agg, g, cl[i]) += *at(&t, g, i);
        double Magg = naive(&agg).v[4];
        check_close("between = M of clusters", dm.between, Magg, 1e-12);

        /* within: sum_k (T_k / T) M_k */
        double T = 0, within = 0;
        for (size_t c = 0; c < n * ng; c++) T += t.x[c];
        for (size_t k = 0; k < ncl; k++) {
            size_t nk = 0;
            for (size_t i = 0; i < n; i++) nk += cl[i] == k;
            if (!nk) continue;
            tab sub = tab_new(nk, ng);
            size_t j = 0;
            double Tk = 0;
            for (size_t i = 0; i < n; i++) {
                if (cl[i] != k) continue;
                for (size_t g = 0; g < ng; g++) {
                    *at(&sub, g, j) = *at(&t, g, i);
                    Tk += *at(&t, g, i);
                }
                j++;
            }
            double Mk = 0;
            ig_error e2 = {0};
            ig_status st = compute("mutual_information", &sub, &Mk, &e2);
            if (st == IG_ERR_NUMERIC) Mk = 0; /* < 2 groups or nobody: 0 */
            else assert_int_equal(st, IG_OK);
            within += Tk / T * Mk;
            tab_free(&sub);
        }
        check_close("within = sum (T_k/T) M_k", dm.within, within, 1e-12);
        tab_free(&agg);
        tab_free(&t);
    }
}

static void test_decompose_extremes(void **state)
{
    (void)state;
    rng_state = 5;
    tab t = tab_random(60, 4);
    uint32_t cl[60];
    ig_decomposition d;
    ig_error err = {0};
    /* one cluster: nothing between, everything within */
    memset(cl, 0, sizeof cl);
    assert_int_equal(decompose("mutual_information", &t, cl, 1, &d, &err), IG_OK);
    assert_true(fabs(d.between) <= 1e-15);
    check_close("within = total", d.within, d.total, 1e-13);
    /* every unit its own cluster: nothing within */
    for (uint32_t i = 0; i < 60; i++) cl[i] = i;
    assert_int_equal(decompose("multi_information_theory", &t, cl, 60, &d, &err),
                     IG_OK);
    assert_true(fabs(d.within) <= 1e-15);
    check_close("between = total", d.between, d.total, 1e-13);
    /* unused cluster ids are fine */
    for (uint32_t i = 0; i < 60; i++) cl[i] = (i % 3) * 5;
    assert_int_equal(decompose("mutual_information", &t, cl, 20, &d, &err), IG_OK);
    check_close("sparse ids", d.total, d.between + d.within, 1e-12);
    tab_free(&t);
}

static void test_decompose_errors(void **state)
{
    (void)state;
    const double rows[] = {8, 0, 0, 2, 4, 2, 0, 4, 12};
    tab t = tab_rows(3, 3, rows);
    ig_decomposition d = {1, 2, 3};
    ig_error err = {0};
    uint32_t bad[] = {0, 3, 1};
    assert_int_equal(decompose("mutual_information", &t, bad, 2, &d, &err),
                     IG_ERR_DOMAIN);
    uint32_t cl[] = {0, 0, 1};
    assert_int_equal(decompose("multi_dissimilarity", &t, cl, 2, &d, &err),
                     IG_ERR_DOMAIN);
    /* one group present: M and H undefined */
    const double one[] = {5, 0, 0, 3, 0, 0, 1, 0, 0};
    tab u = tab_rows(3, 3, one);
    memset(&err, 0, sizeof err);
    assert_int_equal(decompose("multi_information_theory", &u, cl, 2, &d, &err),
                     IG_ERR_NUMERIC);
    assert_true(err.msg[0] != '\0');
    assert_true(d.total == 1 && d.between == 2 && d.within == 3);

    /* ig__decompose checks its own arguments */
    double gs[3] = {10, 8, 14}, tt[3] = {8, 8, 16};
    ig_measure_params p;
    ig_measure_params_init(&p);
    ig__min in;
    memset(&in, 0, sizeof in);
    in.n = 3;
    in.n_groups = 3;
    in.counts = t.col;
    in.t = tt;
    in.T = 32;
    in.gsum = gs;
    in.p = &p;
    in.err = &err;
    assert_int_equal(ig__decompose(&in, cl, 2, 2, &d), IG_ERR_DOMAIN);
    assert_int_equal(ig__decompose(&in, bad, 2, 0, &d), IG_ERR_DOMAIN);
    assert_int_equal(ig__decompose(&in, cl, 2, 0, &d), IG_OK);
    check_close("direct between", d.between, 0.34043449616877997, 1e-14);
    tab_free(&t);
    tab_free(&u);
}

/* ---- allocation failures ---------------------------------------------- */

static void test_multi_allocation_failures(void **state)
{
    (void)state;
    rng_state = 6;
    tab t = tab_random(80, 3);
    uint32_t cl[80];
    for (uint32_t i = 0; i < 80; i++) cl[i] = i % 7;
    ig_units u = {.n_units = t.n, .n_groups = t.ng, .counts = t.col, .total = NULL};
    double want_g = value("multi_gini", &t);
    for (int which = 0; which < 2; which++) {
        int ok = 0;
        for (long k = 1; k < 200 && !ok; k++) {
            fail_alloc fa = {0};
            fa.fail_at = k;
            ig_ctx *ctx = make_fail_ctx(&fa, 1);
            ig_error err = {0};
            ig_status st;
            double v = NAN;
            ig_decomposition d;
            if (which == 0)
                st = ig_measure_compute(ctx, ig_measure_find("multi_gini"), &u, 0,
                                        NULL, &v, &err);
            else
                st = ig_measure_decompose(ctx,
                                          ig_measure_find("mutual_information"),
                                          &u, cl, 7, &d, &err);
            ig_ctx_destroy(ctx);
            assert_int_equal(fa.live, 0);
            if (st == IG_OK) {
                ok = 1;
                if (which == 0) check_close("gini after failures", v, want_g, 0);
            } else {
                assert_int_equal(st, IG_ERR_NOMEM);
            }
        }
        assert_true(ok);
    }
    tab_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_multi_hand_two_units),
        cmocka_unit_test(test_multi_hand_three_groups),
        cmocka_unit_test(test_multi_one_group_present),
        cmocka_unit_test(test_multi_all_zero),
        cmocka_unit_test(test_multi_single_unit),
        cmocka_unit_test(test_multi_complete_segregation),
        cmocka_unit_test(test_multi_empty_units_and_groups_ignored),
        cmocka_unit_test(test_multi_matches_naive_random),
        cmocka_unit_test(test_multi_gini_exact_equals_brute_force),
        cmocka_unit_test(test_multi_invariances),
        cmocka_unit_test(test_multi_two_groups_equal_two_group_indices),
        cmocka_unit_test(test_multi_mutual_is_h_times_entropy),
        cmocka_unit_test(test_multi_values_in_range),
        cmocka_unit_test(test_multi_direct_calls),
        cmocka_unit_test(test_decompose_hand),
        cmocka_unit_test(test_decompose_identity_random),
        cmocka_unit_test(test_decompose_extremes),
        cmocka_unit_test(test_decompose_errors),
        cmocka_unit_test(test_multi_allocation_failures),
    };
    return cmocka_run_group_tests_name("multi", tests, NULL, NULL);
}
