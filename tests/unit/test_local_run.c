/* Local measures end to end: grids through ig_local_run() and the
 * neighbourhood engine (hand-computed shares, edges, k nearest residents,
 * the dissimilarity contributions against the place's spatial D, Gi*
 * against a brute-force formula, local Moran's I for 1 and 2 threads,
 * allocation failure) and the GeoTIFF writer. Tests that need the engine
 * skip themselves while it is not built in (IG_ERR_DISABLED). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "ig_config.h"
#include "integrid/ig_local.h"
#if IG_HAVE_GDAL
#include <gdal.h>
#endif
#include "integrid/ig_measure.h"
#include "test_support.h"

#define EPS 1e-12

/* cmocka 1.1.5 has no assert_double_equal: |a - b| <= eps, NaN fails. */
#define assert_double_equal(a, b, eps) near_((a), (b), (eps), #a, __LINE__)
static void near_(double a, double b, double eps, const char *what, int line)
{
    if (!(fabs(a - b) <= eps))
        fail_msg("line %d: %s = %.17g, expected %.17g (tolerance %g)", line,
                 what, a, b, eps);
}

/* A 1 km grid of n cells at (north km, east km) with counts[i * G + g]. */
static ig_grid *make_grid(ig_ctx *ctx, size_t n, const int64_t *north_km,
                          const int64_t *east_km, size_t G,
                          const double *counts, const char *const *places)
{
    static const char *const gn[3] = {"A", "B", "C"};
    ig_grid_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.size_m = 1000;
    spec.epsg = 3035;
    spec.n_groups = G;
    spec.group_names = gn;
    ig_grid_builder *b = NULL;
    if (ig_grid_builder_create(ctx, &spec, &b, NULL) != IG_OK) return NULL;
    for (size_t i = 0; i < n; i++) {
        ig_grid_row r;
        memset(&r, 0, sizeof r);
        r.cell.north_m = north_km[i] * 1000;
        r.cell.east_m = east_km[i] * 1000;
        r.cell.size_m = 1000;
        r.cell.epsg = 3035;
        r.counts = counts + i * G;
        r.place = places ? places[i] : NULL;
        if (ig_grid_builder_add(b, &r, NULL) != IG_OK) {
            ig_grid_builder_destroy(b);
            return NULL;
        }
    }
    ig_grid *g = NULL;
    ig_status st = ig_grid_builder_finish(b, &g, NULL);
    ig_grid_builder_destroy(b);
    return st == IG_OK ? g : NULL;
}

/* ig_local_run, skipping the test while the engine is not built in. */
static ig_local_result *run_or_skip(ig_ctx *ctx, const ig_grid *g,
                                    const ig_local_opts *o)
{
    ig_local_result *r = NULL;
    ig_error err;
    memset(&err, 0, sizeof err);
    ig_status st = ig_local_run(ctx, g, o, &r, &err);
    if (st == IG_ERR_DISABLED) skip();
    if (st != IG_OK) fail_msg("ig_local_run: %s: %s", ig_strerror(st), err.msg);
    return r;
}

/* Value of layer k at the cell with east coordinate e_km (row 2684). */
static double at(const ig_grid *g, const ig_local_result *r, size_t k,
                 int64_t n_km, int64_t e_km)
{
    for (size_t j = 0; j < ig_local_result_ncells(r); j++) {
        ig_cell c;
        assert_int_equal(ig_grid_cell(g, ig_local_result_cells(r)[j], &c),
                         IG_OK);
        if (c.north_m == n_km * 1000 && c.east_m == e_km * 1000)
            return ig_local_result_layer(r, k)->value[j];
    }
    fail_msg("no cell N%lld E%lld", (long long)n_km, (long long)e_km);
    return NAN;
}

/* Three cells in a row and an empty one far away:
 *   E4334 (A 4, B 0), E4335 (A 0, B 4), E4336 (A 3, B 1), E4344 (0, 0).
 * A disc of 1000 m on 1 km cells holds the cell and its rook neighbours
 * (the diagonal, 1414 m, is outside). */
static const int64_t rowN[4] = {2684, 2684, 2684, 2684};
static const int64_t rowE[4] = {4334, 4335, 4336, 4344};
static const double rowC[8] = {4, 0, 0, 4, 3, 1, 0, 0};

static void test_local_run_share_by_hand(void **state)
{
    (void)state;
    ig_grid *g = make_grid(NULL, 4, rowN, rowE, 2, rowC, NULL);
    assert_non_null(g);
    ig_local_opts o;
    ig_local_opts_init(&o);
    o.measure = "local_share";
    o.scale.kernel = IG_KERNEL_DISC;
    o.scale.radius_m = 1000;
    ig_local_result *r = run_or_skip(NULL, g, &o);
    /* A: E4334 {4334, 4335} = 4/8; E4335 {all three} = 7/12;
     *    E4336 {4335, 4336} = 3/8; E4344: empty neighbourhood */
    assert_double_equal(at(g, r, 0, 2684, 4334), 0.5, EPS);
    assert_double_equal(at(g, r, 0, 2684, 4335), 7.0 / 12.0, EPS);
    assert_double_equal(at(g, r, 0, 2684, 4336), 3.0 / 8.0, EPS);
    assert_true(isnan(at(g, r, 0, 2684, 4344)));
    assert_double_equal(at(g, r, 1, 2684, 4335), 5.0 / 12.0, EPS);
    size_t n_empty = 0;
    for (size_t j = 0; j < ig_local_result_ncells(r); j++)
        n_empty += ig_local_result_flags(r)[j] == IG_LOCAL_FLAG_EMPTY;
    assert_int_equal(n_empty, 1);
    ig_local_result_destroy(r);
    /* k = 8 nearest residents: E4334 holds 4, its neighbour E4335 4 more:
     * 4/8 of A; E4336: 4 own + 4 of E4335 = 3/8 */
    o.scale.k = 8;
    r = run_or_skip(NULL, g, &o);
    assert_double_equal(at(g, r, 0, 2684, 4334), 0.5, EPS);
    assert_double_equal(at(g, r, 0, 2684, 4336), 3.0 / 8.0, EPS);
    ig_local_result_destroy(r);
    ig_grid_destroy(g);
}

static void test_local_run_edge_place_vs_grid(void **state)
{
    (void)state;
    /* places P1 = {E4334, E4335}, P2 = {E4336, E4344} */
    const char *places[4] = {"P1", "P1", "P2", "P2"};
    ig_grid *g = make_grid(NULL, 4, rowN, rowE, 2, rowC, places);
    assert_non_null(g);
    ig_local_opts o;
    ig_local_opts_init(&o);
    o.measure = "local_share";
    o.place = 0;
    o.edge = IG_EDGE_GRID;
    ig_local_result *r = run_or_skip(NULL, g, &o);
    assert_int_equal(ig_local_result_ncells(r), 2);
    assert_double_equal(at(g, r, 0, 2684, 4335), 7.0 / 12.0, EPS);
    ig_local_result_destroy(r);
    /* the place alone: E4335 sees {4334, 4335} = 4/8 */
    o.edge = IG_EDGE_PLACE;
    r = run_or_skip(NULL, g, &o);
    assert_double_equal(at(g, r, 0, 2684, 4335), 0.5, EPS);
    ig_local_result_destroy(r);
    /* LQ against the place's own share (P1: A = 4 of 8) */
    o.measure = "local_location_quotient";
    r = run_or_skip(NULL, g, &o);
    assert_double_equal(at(g, r, 0, 2684, 4335), 1.0, EPS);
    ig_local_result_destroy(r);
    ig_grid_destroy(g);
}

static void test_local_run_not_available_cells(void **state)
{
    (void)state;
    /* E4336 has B not available: it gets no value, but its known A = 3
     * counts in E4335's neighbourhood, A = (4 + 0 + 3) / (4 + 4 + 3) */
    ig_grid_spec spec;
    memset(&spec, 0, sizeof spec);
    static const char *const gn[2] = {"A", "B"};
    spec.size_m = 1000;
    spec.n_groups = 2;
    spec.group_names = gn;
    ig_grid_builder *b = NULL;
    assert_int_equal(ig_grid_builder_create(NULL, &spec, &b, NULL), IG_OK);
    const double c[3][2] = {{4, 0}, {0, 4}, {3, 0}};
    const uint8_t na[3][2] = {{0, 0}, {0, 0}, {0, 1}};
    for (int i = 0; i < 3; i++) {
        ig_grid_row r;
        memset(&r, 0, sizeof r);
        r.cell.north_m = 2684000;
        r.cell.east_m = (4334 + i) * 1000;
        r.cell.size_m = 1000;
        r.cell.epsg = 3035;
        r.counts = c[i];
        r.na = na[i];
        assert_int_equal(ig_grid_builder_add(b, &r, NULL), IG_OK);
    }
    ig_grid *g = NULL;
    assert_int_equal(ig_grid_builder_finish(b, &g, NULL), IG_OK);
    ig_grid_builder_destroy(b);
    ig_local_opts o;
    ig_local_opts_init(&o);
    o.measure = "local_share";
    ig_local_result *r = run_or_skip(NULL, g, &o);
    assert_double_equal(at(g, r, 0, 2684, 4335), 7.0 / 11.0, EPS);
    assert_true(isnan(at(g, r, 0, 2684, 4336)));
    assert_int_equal(ig_local_result_flags(r)[2], IG_LOCAL_FLAG_NA);
    ig_local_result_destroy(r);
    /* the LQ's place share leaves the cell out: P_A = 4/8, so E4334
     * ({E4334, E4335} = 4/8) has LQ 1 */
    o.measure = "local_location_quotient";
    r = run_or_skip(NULL, g, &o);
    assert_double_equal(at(g, r, 0, 2684, 4334), 1.0, EPS);
    ig_local_result_destroy(r);
    ig_grid_destroy(g);
}

static void test_local_run_dissimilarity_sums_to_spatial_D(void **state)
{
    (void)state;
    ig_grid *g = make_grid(NULL, 4, rowN, rowE, 2, rowC, NULL);
    assert_non_null(g);
    ig_local_opts o;
    ig_local_opts_init(&o);
    o.measure = "local_dissimilarity_contribution";
    ig_local_result *r = run_or_skip(NULL, g, &o);
    /* pi = (7/12, 5/12), I = 2 (7/12)(5/12) = 70/144, T = 12:
     *   E4334: (1/2, 1/2): |1/2 - 7/12| * 2 = 1/6 -> 4/(24 * 70/144) * 1/6
     *          = (24/70)(1/6) = 4/70
     *   E4335: (7/12, 5/12): 0
     *   E4336: (3/8, 5/8): 2 |3/8 - 7/12| = 5/12 -> (24/70)(5/12) = 10/70
     *   E4344: no residents: 0 */
    assert_double_equal(at(g, r, 0, 2684, 4334), 4.0 / 70.0, EPS);
    assert_double_equal(at(g, r, 0, 2684, 4335), 0.0, EPS);
    assert_double_equal(at(g, r, 0, 2684, 4336), 10.0 / 70.0, EPS);
    assert_double_equal(at(g, r, 0, 2684, 4344), 0.0, EPS);
    double sum = 0;
    for (size_t j = 0; j < ig_local_result_ncells(r); j++)
        sum += ig_local_result_layer(r, 0)->value[j];
    assert_double_equal(sum, 0.2, EPS);
    /* the registry's spatial D(r) of the place is the same sum */
    const ig_measure_info *m = ig_measure_find("spatial_dissimilarity_multi");
    if (m) {
        const double *counts[2];
        double a[4], b[4];
        for (int i = 0; i < 4; i++) {
            a[i] = rowC[2 * i];
            b[i] = rowC[2 * i + 1];
        }
        counts[0] = a;
        counts[1] = b;
        ig_units u;
        memset(&u, 0, sizeof u);
        u.n_units = 4;
        u.n_groups = 2;
        u.counts = counts;
        u.row = ig_grid_rows(g);
        u.col = ig_grid_cols(g);
        u.cell_m = 1000;
        ig_measure_params p;
        ig_measure_params_init(&p);
        p.scale = o.scale;
        double D = NAN;
        ig_status st = ig_measure_compute(NULL, m, &u, 0, &p, &D, NULL);
        if (st != IG_ERR_DISABLED) {
            assert_int_equal(st, IG_OK);
            assert_double_equal(D, sum, 1e-12);
        }
    }
    ig_local_result_destroy(r);
    /* one group against the rest: 2 T P (1 - P) = 70/12 with P = 7/12;
     * E4334: 4 |1/2 - 7/12| (12/70) = 4/70 */
    size_t grp = 0;
    o.groups = &grp;
    o.n_groups = 1;
    r = run_or_skip(NULL, g, &o);
    assert_int_equal(ig_local_result_layer(r, 0)->group, 0);
    assert_double_equal(at(g, r, 0, 2684, 4334), 4.0 / 70.0, EPS);
    ig_local_result_destroy(r);
    ig_grid_destroy(g);
}

/* A 7 x 7 grid with a dense corner of group A, pseudo-random elsewhere. */
static ig_grid *square_grid(ig_ctx *ctx, int S, double **shares)
{
    size_t n = (size_t)(S * S);
    int64_t *N = malloc(n * sizeof *N), *E = malloc(n * sizeof *E);
    double *c = malloc(2 * n * sizeof *c);
    unsigned s = 99;
    for (int i = 0; i < S * S; i++) {
        N[i] = 2684 + i / S;
        E[i] = 4334 + i % S;
        s = s * 1103515245u + 12345u;
        double noise = (double)((s >> 8) % 7);
        int corner = i / S < 3 && i % S < 3;
        c[2 * i] = corner ? 20 + noise : noise;
        c[2 * i + 1] = 10 + (double)((s >> 12) % 5);
    }
    ig_grid *g = make_grid(ctx, n, N, E, 2, c, NULL);
    if (shares) {
        *shares = malloc(n * sizeof **shares);
        const double *a = ig_grid_counts(g, 0), *t = ig_grid_totals(g);
        for (size_t i = 0; i < n; i++) (*shares)[i] = a[i] / t[i];
    }
    free(N);
    free(E);
    free(c);
    return g;
}

/* Kernel weights written out here, independent of the engine. */
static double weight(ig_kernel k, double d_m, double r_m)
{
    if (d_m > r_m) return 0.0;
    double z = d_m / r_m;
    return k == IG_KERNEL_GAUSSIAN ? exp(-z * z / 2) : 1.0;
}

static void gi_against_formula(ig_kernel kern)
{
    enum { S = 7 };
    double *x = NULL;
    ig_grid *g = square_grid(NULL, S, &x);
    assert_non_null(g);
    ig_local_opts o;
    ig_local_opts_init(&o);
    o.measure = "local_gi_star";
    o.scale.kernel = kern;
    o.scale.radius_m = 1500;
    size_t grp = 0;
    o.groups = &grp;
    o.n_groups = 1;
    ig_local_result *r = run_or_skip(NULL, g, &o);
    size_t n = ig_grid_ncells(g);
    const int32_t *row = ig_grid_rows(g), *col = ig_grid_cols(g);
    double sx = 0, sx2 = 0;
    for (size_t i = 0; i < n; i++) {
        sx += x[i];
        sx2 += x[i] * x[i];
    }
    double dn = (double)n, xbar = sx / dn, s = sqrt(sx2 / dn - xbar * xbar);
    const ig_local_layer *ly = ig_local_result_layer(r, 0);
    double *p = malloc(n * sizeof *p);
    for (size_t j = 0; j < n; j++) {
        size_t i = ig_local_result_cells(r)[j];
        double wx = 0, W = 0, S1 = 0;
        for (size_t q = 0; q < n; q++) {
            double dr = (double)(row[q] - row[i]) * 1000;
            double dc = (double)(col[q] - col[i]) * 1000;
            double w = weight(kern, sqrt(dr * dr + dc * dc), 1500);
            wx += w * x[q];
            W += w;
            S1 += w * w;
        }
        /* Ord & Getis (1995), eq. for Gi* */
        double z = (wx - xbar * W) / (s * sqrt((dn * S1 - W * W) / (dn - 1)));
        assert_true(close_rel(ly->z[j], z, 1e-9));
        assert_true(close_rel(ly->value[j], wx / sx, 1e-9));
        p[j] = erfc(fabs(z) / sqrt(2.0));
        assert_true(close_rel(ly->p_value[j], p[j], 1e-9));
    }
    /* classes: BH by hand, rank by rank */
    size_t hot = 0;
    for (size_t j = 0; j < n; j++) {
        size_t rank = 0, ties = 0;
        for (size_t q = 0; q < n; q++) {
            if (p[q] < p[j]) rank++;
            if (p[q] == p[j]) ties++;
        }
        double adj = 1.0;
        for (size_t q = 0; q < n; q++) {
            size_t rq = 0;
            for (size_t u = 0; u < n; u++) rq += p[u] <= p[q];
            if (p[q] >= p[j]) adj = fmin(adj, dn * p[q] / (double)rq);
        }
        (void)rank;
        (void)ties;
        assert_true(close_rel(ly->p_adjusted[j], adj, 1e-9));
        ig_local_class want =
            adj > 0.05 ? IG_LCLASS_NS
            : ly->z[j] > 0
                ? (adj <= 0.01 ? IG_LCLASS_HOT_99 : IG_LCLASS_HOT_95)
                : (adj <= 0.01 ? IG_LCLASS_COLD_99 : IG_LCLASS_COLD_95);
        assert_int_equal(ly->cls[j], want);
        hot += want == IG_LCLASS_HOT_99 || want == IG_LCLASS_HOT_95;
    }
    assert_true(hot > 0); /* the dense corner */
    free(p);
    free(x);
    ig_local_result_destroy(r);
    ig_grid_destroy(g);
}

static void test_local_run_gi_star_disc(void **state)
{
    (void)state;
    gi_against_formula(IG_KERNEL_DISC);
}

static void test_local_run_gi_star_gaussian(void **state)
{
    (void)state;
    gi_against_formula(IG_KERNEL_GAUSSIAN);
}

static void test_local_run_moran_threads(void **state)
{
    (void)state;
    ig_ctx *c1 = NULL, *c2 = NULL;
    ig_ctx_opts co;
    memset(&co, 0, sizeof co);
    co.n_threads = 1;
    assert_int_equal(ig_ctx_create(&co, &c1), IG_OK);
    co.n_threads = 2;
    assert_int_equal(ig_ctx_create(&co, &c2), IG_OK);
    ig_grid *g = square_grid(NULL, 9, NULL);
    ig_local_opts o;
    ig_local_opts_init(&o);
    o.measure = "local_moran";
    o.scale.radius_m = 1500;
    o.permutations = 99;
    o.seed = 5;
    ig_local_result *r1 = run_or_skip(c1, g, &o);
    ig_local_result *r2 = run_or_skip(c2, g, &o);
    size_t n = ig_local_result_ncells(r1);
    assert_int_equal(ig_local_result_nlayers(r1), 2);
    for (size_t k = 0; k < 2; k++) {
        const ig_local_layer *a = ig_local_result_layer(r1, k);
        const ig_local_layer *b = ig_local_result_layer(r2, k);
        assert_memory_equal(a->value, b->value, n * sizeof *a->value);
        assert_memory_equal(a->p_value, b->p_value, n * sizeof *a->p_value);
        assert_memory_equal(a->z, b->z, n * sizeof *a->z);
        assert_memory_equal(a->cls, b->cls, n);
        assert_null(a->p_adjusted);
    }
    /* the corner cell (0,0)... (1,1) is inside the dense corner: HH */
    assert_int_equal(ig_local_result_layer(r1, 0)->cls[9 + 1], IG_LCLASS_HH);
    ig_local_result_destroy(r1);
    ig_local_result_destroy(r2);
    ig_grid_destroy(g);
    ig_ctx_destroy(c1);
    ig_ctx_destroy(c2);
}

static void test_local_run_allocation_failure(void **state)
{
    (void)state;
    const char *measures[] = {"local_share", "local_entropy", "local_gi_star",
                              "local_moran"};
    for (size_t m = 0; m < 4; m++) {
        for (long n = 1;; n++) {
            fail_alloc fa;
            memset(&fa, 0, sizeof fa);
            ig_ctx *ctx = make_fail_ctx(&fa, 2);
            ig_grid *g = square_grid(ctx, 5, NULL);
            assert_non_null(g);
            fa.fail_at = fa.calls + n;
            ig_local_opts o;
            ig_local_opts_init(&o);
            o.measure = measures[m];
            o.scale.radius_m = 1500;
            o.scale.kernel = IG_KERNEL_GAUSSIAN;
            o.permutations = 9;
            ig_local_result *r = NULL;
            ig_status st = ig_local_run(ctx, g, &o, &r, NULL);
            fa.fail_at = 0;
            ig_local_result_destroy(r);
            ig_grid_destroy(g);
            ig_ctx_destroy(ctx);
            assert_int_equal(fa.live, 0);
            if (st == IG_ERR_DISABLED) skip();
            if (st == IG_OK) break;
            assert_int_equal(st, IG_ERR_NOMEM);
            assert_true(n < 500);
        }
    }
}

static void test_local_geotiff(void **state)
{
    (void)state;
    /* centralization needs no engine: two results (places) into one
     * raster */
    const char *places[4] = {"P1", "P1", "P2", "P2"};
    ig_grid *g = make_grid(NULL, 4, rowN, rowE, 2, rowC, places);
    ig_local_opts o;
    ig_local_opts_init(&o);
    o.measure = "local_relative_centralization";
    ig_local_result *r[2] = {NULL, NULL};
    o.place = 0;
    assert_int_equal(ig_local_run(NULL, g, &o, &r[0], NULL), IG_OK);
    o.place = 1;
    assert_int_equal(ig_local_run(NULL, g, &o, &r[1], NULL), IG_OK);
    char path[] = "/tmp/ig_local_test_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    ig_error err;
    memset(&err, 0, sizeof err);
    ig_status st = ig_local_write_geotiff(
        NULL, g, (const ig_local_result *const *)r, 2, path, &err);
#if IG_HAVE_GDAL
    assert_int_equal(st, IG_OK);
    /* read it back: E4334..E4344 on one row = 11 x 1 pixels, two bands
     * (A, B), EPSG:3035, the cells' values, NaN between them */
    GDALAllRegister();
    GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
    assert_non_null(ds);
    assert_int_equal(GDALGetRasterXSize(ds), 11);
    assert_int_equal(GDALGetRasterYSize(ds), 1);
    assert_int_equal(GDALGetRasterCount(ds), 2);
    double gt[6];
    assert_int_equal(GDALGetGeoTransform(ds, gt), CE_None);
    assert_double_equal(gt[0], 4334000.0, 0);
    assert_double_equal(gt[1], 1000.0, 0);
    assert_double_equal(gt[3], 2685000.0, 0);
    assert_double_equal(gt[5], -1000.0, 0);
    assert_non_null(strstr(GDALGetProjectionRef(ds), "3035"));
    for (int b = 1; b <= 2; b++) {
        GDALRasterBandH band = GDALGetRasterBand(ds, b);
        assert_string_equal(GDALGetDescription(band), b == 1 ? "A" : "B");
        int has = 0;
        assert_true(isnan(GDALGetRasterNoDataValue(band, &has)) && has);
        double px[11];
        assert_int_equal(GDALRasterIO(band, GF_Read, 0, 0, 11, 1, px, 11, 1,
                                      GDT_Float64, 0, 0),
                         CE_None);
        const ig_local_layer *l0 = ig_local_result_layer(r[0], (size_t)b - 1);
        const ig_local_layer *l1 = ig_local_result_layer(r[1], (size_t)b - 1);
        assert_double_equal(px[0], l0->value[0], 0);  /* E4334, P1 */
        assert_double_equal(px[1], l0->value[1], 0);  /* E4335, P1 */
        assert_double_equal(px[2], l1->value[0], 0);  /* E4336, P2 */
        assert_double_equal(px[10], l1->value[1], 0); /* E4344, P2 */
        for (int x = 3; x < 10; x++) assert_true(isnan(px[x]));
    }
    GDALClose(ds);
#else
    assert_int_equal(st, IG_ERR_DISABLED);
    assert_non_null(strstr(err.msg, ".geojson"));
#endif
    unlink(path);
    /* results of different measures cannot share a raster */
    ig_local_result *r3 = NULL;
    o.measure = "local_relative_centralization";
    size_t grp = 1;
    o.groups = &grp;
    o.n_groups = 1;
    assert_int_equal(ig_local_run(NULL, g, &o, &r3, NULL), IG_OK);
    const ig_local_result *mix[2] = {r[0], r3};
    assert_int_equal(ig_local_write_geotiff(NULL, g, mix, 2, path, &err),
                     IG_ERR_DOMAIN);
    ig_local_result_destroy(r3);
    ig_local_result_destroy(r[0]);
    ig_local_result_destroy(r[1]);
    ig_grid_destroy(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_local_run_share_by_hand),
        cmocka_unit_test(test_local_run_edge_place_vs_grid),
        cmocka_unit_test(test_local_run_not_available_cells),
        cmocka_unit_test(test_local_run_dissimilarity_sums_to_spatial_D),
        cmocka_unit_test(test_local_run_gi_star_disc),
        cmocka_unit_test(test_local_run_gi_star_gaussian),
        cmocka_unit_test(test_local_run_moran_threads),
        cmocka_unit_test(test_local_run_allocation_failure),
        cmocka_unit_test(test_local_geotiff),
    };
    return cmocka_run_group_tests_name("local_run", tests, NULL, NULL);
}
