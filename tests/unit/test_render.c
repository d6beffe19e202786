/* Classification and palettes (src/render/classify.c, palette.c): quantile,
 * equal and fixed breaks on hand-checked inputs; exact Jenks breaks against
 * an O(k m^2) dynamic-programming reference and an exhaustive search on
 * small inputs; the error cases; allocation failure; palette sampling. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "integrid/ig_render.h"
#include "test_support.h"

/* ---- helpers ------------------------------------------------------------ */

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Within-class sum of squares of v under classes c (by ig_classes_find). */
static double sse_of(const double *v, size_t n, const ig_classes *c)
{
    double sum[IG_CLASSES_MAX] = {0}, sq[IG_CLASSES_MAX] = {0};
    double cnt[IG_CLASSES_MAX] = {0};
    for (size_t i = 0; i < n; i++) {
        size_t k = ig_classes_find(c, v[i]);
        assert_true(k < c->n_classes);
        sum[k] += v[i];
        sq[k] += v[i] * v[i];
        cnt[k] += 1;
    }
    double s = 0;
    for (size_t k = 0; k < c->n_classes; k++)
        if (cnt[k] > 0) s += sq[k] - sum[k] * sum[k] / cnt[k];
    return s;
}

/* Reference: the plain O(k m^2) Fisher-Jenks DP over distinct values with
 * weights, direct sums (no prefix sums), returning the optimal SSE with at
 * most k classes. */
static double jenks_reference(const double *vals, size_t n, size_t k)
{
    double *v = malloc(n * sizeof *v);
    memcpy(v, vals, n * sizeof *v);
    qsort(v, n, sizeof *v, cmp_d);
    double *x = malloc(n * sizeof *x), *w = malloc(n * sizeof *w);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || v[i] != v[i - 1]) {
            x[m] = v[i];
            w[m++] = 0;
        }
        w[m - 1] += 1;
    }
    if (k > m) k = m;
    double *F = malloc((k + 1) * (m + 1) * sizeof *F);
    for (size_t j = 0; j <= k; j++)
        for (size_t i = 0; i <= m; i++) F[j * (m + 1) + i] = INFINITY;
    F[0] = 0;
    for (size_t j = 1; j <= k; j++)
        for (size_t i = j; i <= m; i++) {
            double best = INFINITY;
            double sw = 0, sx = 0, sxx = 0;
            for (size_t t = i; t-- > j - 1;) { /* last class [t, i) */
                sw += w[t];
                sx += w[t] * x[t];
                sxx += w[t] * x[t] * x[t];
                double c = sxx - sx * sx / sw;
                if (c < 0) c = 0;
                double f = F[(j - 1) * (m + 1) + t] + c;
                if (f < best) best = f;
            }
            F[j * (m + 1) + i] = best;
        }
    double r = F[k * (m + 1) + m];
    free(F);
    free(v);
    free(x);
    free(w);
    return r;
}

/* Exhaustive: every way of cutting the m distinct values into k runs. */
static double best_exhaustive(const double *x, const double *w, size_t m,
                              size_t k, size_t start, double acc)
{
    if (k == 1) {
        double sw = 0, sx = 0, sxx = 0;
        for (size_t i = start; i < m; i++) {
            sw += w[i];
            sx += w[i] * x[i];
            sxx += w[i] * x[i] * x[i];
        }
        double c = sxx - sx * sx / sw;
        return acc + (c > 0 ? c : 0);
    }
    double best = INFINITY;
    double sw = 0, sx = 0, sxx = 0;
    for (size_t e = start; e + k - 1 < m; e++) {
        sw += w[e];
        sx += w[e] * x[e];
        sxx += w[e] * x[e] * x[e];
        double c = sxx - sx * sx / sw;
        double r = best_exhaustive(x, w, m, k - 1, e + 1, acc + (c > 0 ? c : 0));
        if (r < best) best = r;
    }
    return best;
}

static uint64_t lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 33;
}

/* ---- quantile, equal, fixed --------------------------------------------- */

static void test_classify_quantile_breaks_are_data_values(void **state)
{
    (void)state;
    double v[10] = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    ig_classes c;
    assert_int_equal(
        ig_classify(NULL, v, 10, IG_CLASSIFY_QUANTILE, 5, NULL, 0, &c, NULL),
        IG_OK);
    assert_int_equal(c.n_classes, 5);
    const double want[6] = {1, 2, 4, 6, 8, 10};
    for (int i = 0; i < 6; i++) assert_true(c.breaks[i] == want[i]);
    for (int i = 0; i < 5; i++) assert_int_equal(c.counts[i], 2);
    assert_int_equal(c.n_values, 10);
}

static void test_classify_quantile_ties_merge_classes(void **state)
{
    (void)state;
    double v[8] = {0, 0, 0, 0, 0, 0, 1, 2};
    ig_classes c;
    assert_int_equal(
        ig_classify(NULL, v, 8, IG_CLASSIFY_QUANTILE, 4, NULL, 0, &c, NULL),
        IG_OK);
    /* ranks 2, 4, 6 are all 0: one class for the zeros, then (0, 2] */
    assert_int_equal(c.n_classes, 2);
    assert_true(c.breaks[0] == 0 && c.breaks[1] == 0 && c.breaks[2] == 2);
    assert_int_equal(c.counts[0], 6);
    assert_int_equal(c.counts[1], 2);
}

static void test_classify_equal_and_nan(void **state)
{
    (void)state;
    double v[6] = {0, 10, NAN, 5, 2.5, NAN};
    ig_classes c;
    assert_int_equal(
        ig_classify(NULL, v, 6, IG_CLASSIFY_EQUAL, 4, NULL, 0, &c, NULL),
        IG_OK);
    assert_int_equal(c.n_classes, 4);
    for (int i = 0; i <= 4; i++) assert_true(c.breaks[i] == 2.5 * i);
    assert_int_equal(c.n_missing, 2);
    assert_int_equal(c.n_values, 4);
    assert_int_equal(c.counts[0], 2); /* 0 and 2.5 (upper bound closed) */
    assert_int_equal(c.counts[1], 1);
    assert_int_equal(c.counts[3], 1);
    assert_int_equal(ig_classes_find(&c, NAN), (size_t)-1);
    assert_int_equal(ig_classes_find(&c, -1), (size_t)-1);
    assert_int_equal(ig_classes_find(&c, 0), 0);
    assert_int_equal(ig_classes_find(&c, 2.5), 0);
    assert_int_equal(ig_classes_find(&c, 2.6), 1);
    assert_int_equal(ig_classes_find(&c, 10), 3);
}

static void test_classify_fixed(void **state)
{
    (void)state;
    double v[5] = {0.01, 0.07, 0.12, 0.3, 0.04};
    double b[2] = {0.05, 0.1};
    ig_classes c;
    assert_int_equal(
        ig_classify(NULL, v, 5, IG_CLASSIFY_FIXED, 0, b, 2, &c, NULL), IG_OK);
    assert_int_equal(c.n_classes, 3);
    assert_true(c.breaks[0] == 0.01 && c.breaks[1] == 0.05 &&
                c.breaks[2] == 0.1 && c.breaks[3] == 0.3);
    assert_int_equal(c.counts[0], 2);
    assert_int_equal(c.counts[1], 1);
    assert_int_equal(c.counts[2], 2);
    /* data inside the breaks: the outer bounds are the breaks' */
    double w[2] = {0.06, 0.08};
    assert_int_equal(
        ig_classify(NULL, w, 2, IG_CLASSIFY_FIXED, 0, b, 2, &c, NULL), IG_OK);
    assert_true(c.breaks[0] == 0.05);
}

static void test_classify_errors(void **state)
{
    (void)state;
    ig_classes c;
    ig_error err = {0};
    double same[3] = {4, 4, 4};
    assert_int_equal(ig_classify(NULL, same, 3, IG_CLASSIFY_JENKS, 3, NULL, 0,
                                 &c, &err),
                     IG_ERR_NUMERIC);
    assert_non_null(strstr(err.msg, "all 3 values are equal"));
    double nan2[2] = {NAN, NAN};
    assert_int_equal(ig_classify(NULL, nan2, 2, IG_CLASSIFY_QUANTILE, 3, NULL,
                                 0, &c, &err),
                     IG_ERR_NUMERIC);
    double inf[2] = {1, INFINITY};
    assert_int_equal(
        ig_classify(NULL, inf, 2, IG_CLASSIFY_EQUAL, 3, NULL, 0, &c, &err),
        IG_ERR_DOMAIN);
    double v[3] = {1, 2, 3};
    assert_int_equal(
        ig_classify(NULL, v, 3, IG_CLASSIFY_EQUAL, 1, NULL, 0, &c, &err),
        IG_ERR_DOMAIN);
    assert_int_equal(ig_classify(NULL, v, 3, IG_CLASSIFY_EQUAL,
                                 IG_CLASSES_MAX + 1, NULL, 0, &c, &err),
                     IG_ERR_DOMAIN);
    double bad[2] = {0.2, 0.1};
    assert_int_equal(
        ig_classify(NULL, v, 3, IG_CLASSIFY_FIXED, 0, bad, 2, &c, &err),
        IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "ascending"));
    assert_int_equal(
        ig_classify(NULL, v, 3, IG_CLASSIFY_FIXED, 0, NULL, 0, &c, &err),
        IG_ERR_DOMAIN);
    ig_classify_method m;
    assert_int_equal(ig_classify_parse("jenks", &m), IG_OK);
    assert_int_equal(m, IG_CLASSIFY_JENKS);
    assert_int_equal(ig_classify_parse("natural", &m), IG_ERR_NOT_FOUND);
    assert_string_equal(ig_classify_name(IG_CLASSIFY_EQUAL), "equal");
}

/* ---- Jenks -------------------------------------------------------------- */

static void test_jenks_textbook(void **state)
{
    (void)state;
    /* three obvious clusters */
    double v[9] = {1, 2, 3, 20, 21, 22, 100, 101, 102};
    ig_classes c;
    assert_int_equal(
        ig_classify(NULL, v, 9, IG_CLASSIFY_JENKS, 3, NULL, 0, &c, NULL),
        IG_OK);
    assert_int_equal(c.n_classes, 3);
    assert_true(c.breaks[0] == 1 && c.breaks[1] == 3 && c.breaks[2] == 22 &&
                c.breaks[3] == 102);
    assert_true(c.gvf > 0.999);
    /* fewer distinct values than classes: one class per value */
    double w[5] = {1, 1, 2, 2, 5};
    assert_int_equal(
        ig_classify(NULL, w, 5, IG_CLASSIFY_JENKS, 6, NULL, 0, &c, NULL),
        IG_OK);
    assert_int_equal(c.n_classes, 3);
    assert_int_equal(c.counts[0], 2);
    assert_int_equal(c.counts[2], 1);
}

static void test_jenks_matches_exhaustive_search(void **state)
{
    (void)state;
    uint64_t seed = 7;
    for (int trial = 0; trial < 300; trial++) {
        size_t n = 2 + lcg(&seed) % 11;
        double v[16];
        for (size_t i = 0; i < n; i++)
            v[i] = (double)(lcg(&seed) % 9) + (trial % 2 ? 0.25 : 0.0) *
                                                   (double)(lcg(&seed) % 3);
        double s[16];
        memcpy(s, v, n * sizeof *v);
        qsort(s, n, sizeof *s, cmp_d);
        double x[16], w[16];
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            if (i == 0 || s[i] != s[i - 1]) {
                x[m] = s[i];
                w[m++] = 0;
            }
            w[m - 1] += 1;
        }
        if (m < 2) continue;
        for (size_t k = 2; k <= 5; k++) {
            ig_classes c;
            assert_int_equal(ig_classify(NULL, v, n, IG_CLASSIFY_JENKS, k,
                                         NULL, 0, &c, NULL),
                             IG_OK);
            size_t kk = k < m ? k : m;
            assert_int_equal(c.n_classes, kk);
            double best = best_exhaustive(x, w, m, kk, 0, 0.0);
            double got = sse_of(v, n, &c);
            assert_true(fabs(got - best) <= 1e-9 * (1 + best));
        }
    }
}

static void test_jenks_matches_quadratic_dp(void **state)
{
    (void)state;
    uint64_t seed = 12345;
    size_t n = 3000;
    double *v = malloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++) {
        /* a skewed mixture, as cell shares are */
        double u = (double)(lcg(&seed) % 1000000) / 1e6;
        v[i] = (i % 3 == 0) ? u * u : 0.3 + 0.1 * u;
        v[i] = round(v[i] * 1e4) / 1e4; /* ties */
    }
    for (size_t k = 2; k <= 8; k += 3) {
        ig_classes c;
        assert_int_equal(
            ig_classify(NULL, v, n, IG_CLASSIFY_JENKS, k, NULL, 0, &c, NULL),
            IG_OK);
        double ref = jenks_reference(v, n, k);
        double got = sse_of(v, n, &c);
        assert_true(fabs(got - ref) <= 1e-9 * (1 + ref));
        /* and it is at least as good as quantile and equal breaks */
        ig_classes q;
        assert_int_equal(ig_classify(NULL, v, n, IG_CLASSIFY_QUANTILE, k, NULL,
                                     0, &q, NULL),
                         IG_OK);
        assert_true(got <= sse_of(v, n, &q) + 1e-9);
        assert_true(c.gvf >= q.gvf - 1e-12);
    }
    free(v);
}

static void test_jenks_large_input_is_fast_and_sane(void **state)
{
    (void)state;
    uint64_t seed = 99;
    size_t n = 200000;
    double *v = malloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = (double)(lcg(&seed) % 1000003) / 1000003.0;
    ig_classes c;
    assert_int_equal(
        ig_classify(NULL, v, n, IG_CLASSIFY_JENKS, 7, NULL, 0, &c, NULL),
        IG_OK);
    assert_int_equal(c.n_classes, 7);
    /* uniform data: natural breaks are close to equal intervals */
    for (size_t i = 1; i < 7; i++)
        assert_true(fabs(c.breaks[i] - (double)i / 7.0) < 0.01);
    size_t tot = 0;
    for (size_t i = 0; i < 7; i++) tot += c.counts[i];
    assert_int_equal(tot, n);
    free(v);
}

static void test_classify_alloc_failure(void **state)
{
    (void)state;
    double v[50];
    for (int i = 0; i < 50; i++) v[i] = (double)((i * 37) % 23);
    for (long k = 1;; k++) {
        fail_alloc fa = {0};
        fa.fail_at = k;
        ig_ctx *ctx = make_fail_ctx(&fa, 1);
        ig_classes c;
        ig_status st =
            ig_classify(ctx, v, 50, IG_CLASSIFY_JENKS, 4, NULL, 0, &c, NULL);
        ig_ctx_destroy(ctx);
        assert_int_equal(fa.live, 0);
        if (st == IG_OK) {
            assert_true(k > 2); /* the sort copy and the DP tables */
            break;
        }
        assert_int_equal(st, IG_ERR_NOMEM);
        assert_true(k < 100);
    }
}

/* ---- palettes ----------------------------------------------------------- */

static void test_palettes(void **state)
{
    (void)state;
    assert_true(ig_palette_count() >= 10);
    const ig_palette_info *vi = ig_palette_find("viridis");
    assert_non_null(vi);
    assert_int_equal(vi->kind, IG_PALETTE_SEQUENTIAL);
    assert_non_null(ig_palette_find("RdBu_r"));
    assert_int_equal(ig_palette_find("RdBu")->kind, IG_PALETTE_DIVERGING);
    assert_null(ig_palette_find("jet"));
    ig_rgb c[IG_CLASSES_MAX];
    assert_int_equal(ig_palette_colours("viridis", 2, c, NULL), IG_OK);
    assert_true(c[0].r == 0x44 && c[0].g == 0x01 && c[0].b == 0x54);
    assert_true(c[1].r == 0xfd && c[1].g == 0xe7 && c[1].b == 0x25);
    ig_rgb r[2];
    assert_int_equal(ig_palette_colours("viridis_r", 2, r, NULL), IG_OK);
    assert_memory_equal(&r[0], &c[1], sizeof r[0]);
    /* a diverging palette with an odd count has its neutral middle */
    assert_int_equal(ig_palette_colours("RdBu", 3, c, NULL), IG_OK);
    assert_true(c[1].r == 0xf7 && c[1].g == 0xf7 && c[1].b == 0xf7);
    /* sequential ramps get darker (Blues: less red) */
    assert_int_equal(ig_palette_colours("Blues", 9, c, NULL), IG_OK);
    for (int i = 1; i < 9; i++) assert_true(c[i].r <= c[i - 1].r);
    ig_error err = {0};
    assert_int_equal(ig_palette_colours("Blues", 10, c, &err), IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "9 classes at most"));
    assert_int_equal(ig_palette_colours("jet", 3, c, &err), IG_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "viridis"));
    assert_int_equal(ig_palette_colours("viridis", IG_CLASSES_MAX, c, NULL),
                     IG_OK);
    /* hot and cold classes look different, and from "not significant" */
    ig_rgb hot = ig_palette_class_colour(IG_LCLASS_HOT_99);
    ig_rgb cold = ig_palette_class_colour(IG_LCLASS_COLD_99);
    ig_rgb ns = ig_palette_class_colour(IG_LCLASS_NS);
    assert_true(hot.r > hot.b && cold.b > cold.r);
    assert_true(memcmp(&ns, &hot, sizeof ns) != 0);
    assert_string_equal(ig_palette_class_label(IG_LCLASS_NS),
                        "Not significant");
    assert_string_equal(ig_palette_class_label(IG_LCLASS_NONE), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classify_quantile_breaks_are_data_values),
        cmocka_unit_test(test_classify_quantile_ties_merge_classes),
        cmocka_unit_test(test_classify_equal_and_nan),
        cmocka_unit_test(test_classify_fixed),
        cmocka_unit_test(test_classify_errors),
        cmocka_unit_test(test_jenks_textbook),
        cmocka_unit_test(test_jenks_matches_exhaustive_search),
        cmocka_unit_test(test_jenks_matches_quadratic_dp),
        cmocka_unit_test(test_jenks_large_input_is_fast_and_sane),
        cmocka_unit_test(test_classify_alloc_failure),
        cmocka_unit_test(test_palettes),
    };
    return cmocka_run_group_tests_name("render", tests, NULL, NULL);
}
