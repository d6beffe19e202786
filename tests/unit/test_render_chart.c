/* Charts (src/render/chart.c), checked by structure: series, vertices,
 * bands, bars, whiskers and dots drawn, axis ranges, the Gini coefficient
 * of the Lorenz curve against the weighted mean-difference formula, the
 * errors, and allocation failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "integrid/integrid.h"
#include "integrid/ig_render.h"
#include "test_support.h"


static char dir[256];

static int setup(void **state)
{
    (void)state;
    const char *base = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/igchartXXXXXX", base ? base : "/tmp");
    return mkdtemp(dir) ? 0 : -1;
}

static const char *names[] = {"l.svg", "b.png", "s.pdf", "h.png", "z.svg",
                              "z.png", "a.png", "r.png"};

static int teardown(void **state)
{
    (void)state;
    char p[600];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        unlink(p);
    }
    rmdir(dir);
    return 0;
}

static const char *tpath(const char *name)
{
    static char p[600];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

static const ig_chart_text TEXT = {"A chart", "a note", "radius (m)",
                                   "value", "test data", "2026-01-01"};

static void test_chart_lines_profile(void **state)
{
    (void)state;
    const double x[6] = {100, 200, 500, 1000, 2000, 5000};
    const double a[6] = {0.30, 0.28, 0.25, 0.22, 0.18, 0.12};
    const double alo[6] = {0.27, 0.25, 0.22, 0.20, 0.16, 0.10};
    const double ahi[6] = {0.33, 0.31, 0.28, 0.24, 0.20, 0.14};
    const double b[6] = {0.10, 0.11, NAN, 0.09, 0.08, 0.05};
    const double c[6] = {0.5, 0.45, 0.4, 0.35, 0.3, 0.62};
    ig_chart_series s[3] = {{"OTH", a, alo, ahi},
                            {"EU_OTH", b, NULL, NULL},
                            {"NAT", c, NULL, NULL}};
    ig_chart_result r;
    ig_error err = {0};
    assert_int_equal(ig_chart_lines(NULL, &TEXT, x, 6, s, 3, 1, 0,
                                    tpath("l.svg"), &r, &err),
                     IG_OK);
    assert_int_equal(r.format, IG_MAP_SVG);
    assert_int_equal(r.width, 900);
    assert_int_equal(r.n_series, 3);
    assert_int_equal(r.points, 17); /* one NaN leaves a gap */
    assert_int_equal(r.bands, 1);
    assert_true(r.ticks_x >= 4 && r.ticks_x <= 6);
    assert_true(r.y_min <= 0.05 && r.y_max >= 0.62);
    assert_true(r.plot_x > 0 && r.plot_x + r.plot_w < r.width);
    assert_true(r.plot_y + r.plot_h < r.height);
    /* errors */
    const double bad[3] = {1, 3, 2};
    assert_int_equal(ig_chart_lines(NULL, &TEXT, bad, 3, s, 1, 0, 0,
                                    tpath("l.svg"), &r, &err),
                     IG_ERR_DOMAIN);
    const double zero[2] = {0, 1};
    assert_int_equal(ig_chart_lines(NULL, &TEXT, zero, 2, s, 1, 1, 0,
                                    tpath("l.svg"), &r, &err),
                     IG_ERR_DOMAIN);
    ig_chart_series half = {"x", a, alo, NULL};
    assert_int_equal(ig_chart_lines(NULL, &TEXT, x, 6, &half, 1, 0, 0,
                                    tpath("l.svg"), &r, &err),
                     IG_ERR_DOMAIN);
    const double nans[6] = {NAN, NAN, NAN, NAN, NAN, NAN};
    ig_chart_series empty = {"x", nans, NULL, NULL};
    assert_int_equal(ig_chart_lines(NULL, &TEXT, x, 6, &empty, 1, 0, 0,
                                    tpath("l.svg"), &r, &err),
                     IG_ERR_DOMAIN);
    assert_int_equal(ig_chart_lines(NULL, &TEXT, x, 6, s, 1, 0, 0,
                                    tpath("l.txt"), &r, &err),
                     IG_ERR_DOMAIN);
}

static void test_chart_bars_change(void **state)
{
    (void)state;
    const char *labels[4] = {"dissimilarity", "isolation", "entropy", "gini"};
    const double v[4] = {-0.02, 0.05, NAN, 0.1};
    const double lo[4] = {-0.04, 0.03, NAN, 0.08};
    const double hi[4] = {0.0, 0.07, NAN, 0.12};
    ig_chart_result r;
    assert_int_equal(ig_chart_bars(NULL, &TEXT, labels, v, lo, hi, 4, 700,
                                   tpath("b.png"), &r, NULL),
                     IG_OK);
    assert_int_equal(r.bars, 3);
    assert_int_equal(r.whiskers, 3);
    assert_true(r.x_min <= -0.04 && r.x_max >= 0.12);
    assert_true(r.x_min <= 0 && r.x_max >= 0);
    cairo_surface_t *s = cairo_image_surface_create_from_png(tpath("b.png"));
    assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    assert_int_equal(cairo_image_surface_get_width(s), 700);
    cairo_surface_destroy(s);
}

static void test_chart_strip_peers(void **state)
{
    (void)state;
    const char *rows[3] = {"dissimilarity", "isolation", "entropy"};
    double p0[10], p1[5];
    for (int i = 0; i < 10; i++) p0[i] = 0.1 + 0.03 * i;
    for (int i = 0; i < 5; i++) p1[i] = i == 2 ? (double)NAN : 0.5 + 0.1 * i;
    const double *vals[3] = {p0, p1, NULL};
    const size_t nv[3] = {10, 5, 0};
    const double place[3] = {0.25, 0.9, NAN};
    ig_chart_result r;
    assert_int_equal(ig_chart_strip(NULL, &TEXT, rows, 3, vals, nv, place,
                                    "Lyon", 0, tpath("s.pdf"), &r, NULL),
                     IG_OK);
    assert_int_equal(r.format, IG_MAP_PDF);
    assert_int_equal(r.dots, 10 + 4 + 2); /* NaN peers and places skipped */
    assert_int_equal(r.n_series, 2);
}

static void test_chart_histogram(void **state)
{
    (void)state;
    double v[101];
    for (int i = 0; i < 100; i++) v[i] = i / 100.0;
    v[100] = NAN;
    ig_chart_result r;
    assert_int_equal(ig_chart_histogram(NULL, &TEXT, v, 101, 10, 0,
                                        tpath("h.png"), &r, NULL),
                     IG_OK);
    assert_int_equal(r.bars, 10);
    assert_true(r.y_max >= 10);
    assert_true(r.x_min <= 0 && r.x_max >= 0.99);
    for (int i = 0; i < 100; i++) v[i] = 0.3;
    assert_int_equal(ig_chart_histogram(NULL, &TEXT, v, 100, 10, 0,
                                        tpath("h.png"), &r, NULL),
                     IG_OK);
    assert_int_equal(r.bars, 1);
    for (int i = 0; i < 100; i++) v[i] = NAN;
    assert_int_equal(ig_chart_histogram(NULL, &TEXT, v, 100, 10, 0,
                                        tpath("h.png"), &r, NULL),
                     IG_ERR_NUMERIC);
}

static uint64_t lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 33;
}

static void test_chart_lorenz_gini(void **state)
{
    (void)state;
    ig_chart_result r;
    /* all of the group in half the population: G = 0.5 */
    const double g2[2] = {10, 0}, t2[2] = {10, 10};
    assert_int_equal(ig_chart_lorenz(NULL, &TEXT, g2, t2, 2, 0,
                                     tpath("z.svg"), &r, NULL),
                     IG_OK);
    assert_true(fabs(r.gini - 0.5) < 1e-12);
    /* the segregation curve: t is the rest, and a cell of the group
     * alone (rest 0) comes last; complete segregation gives G = 1 */
    const double gs[2] = {0, 10}, rs[2] = {10, 0};
    assert_int_equal(ig_chart_lorenz(NULL, &TEXT, gs, rs, 2, 0,
                                     tpath("z.svg"), &r, NULL),
                     IG_OK);
    assert_true(fabs(r.gini - 1.0) < 1e-12);
    /* an even spread: G = 0 */
    const double ge[3] = {1, 2, 3}, te[3] = {10, 20, 30};
    assert_int_equal(ig_chart_lorenz(NULL, &TEXT, ge, te, 3, 0,
                                     tpath("z.svg"), &r, NULL),
                     IG_OK);
    assert_true(fabs(r.gini) < 1e-12);
    /* random cells against sum_ij t_i t_j |p_i - p_j| / (2 T^2 pbar) */
    uint64_t seed = 5;
    size_t n = 300;
    double *g = malloc(n * sizeof *g), *t = malloc(n * sizeof *t);
    for (size_t i = 0; i < n; i++) {
        t[i] = (double)(1 + lcg(&seed) % 500);
        g[i] = floor(t[i] * (double)(lcg(&seed) % 1000) / 1000.0 *
                     (i % 4 == 0 ? 1.0 : 0.2));
    }
    t[7] = 0; /* an empty cell is left out */
    g[7] = 0;
    double T = 0, G = 0, md = 0;
    for (size_t i = 0; i < n; i++) {
        T += t[i];
        G += g[i];
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            if (!t[i] || !t[j]) continue;
            md += t[i] * t[j] * fabs(g[i] / t[i] - g[j] / t[j]);
        }
    double want = md / (2 * T * T * (G / T));
    assert_int_equal(ig_chart_lorenz(NULL, &TEXT, g, t, n, 500,
                                     tpath("z.png"), &r, NULL),
                     IG_OK);
    assert_true(fabs(r.gini - want) < 1e-9);
    assert_true(r.points >= 2 && r.points <= n + 1);
    /* errors */
    ig_error err = {0};
    const double z[2] = {0, 0};
    assert_int_equal(ig_chart_lorenz(NULL, &TEXT, z, t2, 2, 0,
                                     tpath("z.svg"), &r, &err),
                     IG_ERR_NUMERIC);
    const double neg[2] = {-1, 2};
    assert_int_equal(ig_chart_lorenz(NULL, &TEXT, neg, t2, 2, 0,
                                     tpath("z.svg"), &r, &err),
                     IG_ERR_DOMAIN);
    free(g);
    free(t);
}

static void test_chart_radar_policy(void **state)
{
    (void)state;
    const char *areas[6] = {"Housing", "Schools", "Work", "Language",
                            "Participation", "Health"};
    const double place[6] = {80, 45, 60, NAN, 120, 30};
    const double peers[6] = {50, 50, 50, 50, 50, 50};
    ig_chart_series s[2] = {{"Lyon", place, NULL, NULL},
                            {"peer median", peers, NULL, NULL}};
    ig_chart_result r;
    assert_int_equal(ig_chart_radar(NULL, &TEXT, areas, 6, s, 2, 100, 0,
                                    tpath("r.png"), &r, NULL),
                     IG_OK);
    assert_int_equal(r.n_series, 2);
    assert_int_equal(r.points, 12);
    assert_int_equal(r.ticks_y, 4);
    assert_true(r.y_max == 100);
    ig_error err = {0};
    assert_int_equal(ig_chart_radar(NULL, &TEXT, areas, 2, s, 2, 100, 0,
                                    tpath("r.png"), &r, &err),
                     IG_ERR_DOMAIN);
    assert_int_equal(ig_chart_radar(NULL, &TEXT, areas, 6, s, 2, 0, 0,
                                    tpath("r.png"), &r, &err),
                     IG_ERR_DOMAIN);
}

static void test_chart_alloc_failure(void **state)
{
    (void)state;
    double g[50], t[50], v[50];
    for (int i = 0; i < 50; i++) {
        t[i] = 10 + i;
        g[i] = i % 7;
        v[i] = (double)(i % 9);
    }
    for (int which = 0; which < 2; which++) {
        for (long k = 1;; k++) {
            fail_alloc fa = {0};
            fa.fail_at = k;
            ig_ctx *ctx = make_fail_ctx(&fa, 1);
            ig_status st =
                which ? ig_chart_lorenz(ctx, &TEXT, g, t, 50, 0,
                                        tpath("a.png"), NULL, NULL)
                      : ig_chart_histogram(ctx, &TEXT, v, 50, 5, 0,
                                           tpath("a.png"), NULL, NULL);
            ig_ctx_destroy(ctx);
            assert_int_equal(fa.live, 0);
            if (st == IG_OK) break;
            assert_int_equal(st, IG_ERR_NOMEM);
            assert_true(k < 50);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chart_lines_profile),
        cmocka_unit_test(test_chart_bars_change),
        cmocka_unit_test(test_chart_strip_peers),
        cmocka_unit_test(test_chart_histogram),
        cmocka_unit_test(test_chart_lorenz_gini),
        cmocka_unit_test(test_chart_radar_policy),
        cmocka_unit_test(test_chart_alloc_failure),
    };
    int rc =
        cmocka_run_group_tests_name("render_chart", tests, setup, teardown);
    ig_render_cleanup();
    return rc;
}
