/* Single-group spatial measures on cell coordinates (src/measures/spatial/)
 * through the public API: hand-computed boards, the published seg values
 * for the Morrill/Wong patterns, invariance under translation of the
 * lattice and under the order of the units, symmetries between the group
 * and the rest, each family against a direct implementation written here
 * from the definitions (O(n^2) pairwise sums for the decay measures, brute
 * neighbour search for contiguity, exact integer rings for centralization),
 * the degenerate cases of the docs pages, and allocation failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "measures/measure_impl.h"
#include "measures/spatial/spatial_common.h"
#include "test_support.h"

static const char *const ALL[] = {"spatial_dissimilarity",
                                  "boundary_spatial_dissimilarity",
                                  "perimeter_area_ratio_spatial_dissimilarity",
                                  "spatial_proximity",
                                  "absolute_clustering",
                                  "relative_clustering",
                                  "absolute_centralization",
                                  "relative_centralization",
                                  "absolute_concentration",
                                  "relative_concentration",
                                  "delta",
                                  "distance_decay_isolation",
                                  "distance_decay_exposure"};
#define N_ALL (sizeof ALL / sizeof ALL[0])

/* A place on the lattice: two groups a and b (the total is a + b). */
typedef struct board {
    size_t n;
    int32_t row[4096], col[4096];
    double a[4096], b[4096];
    double area[4096];
    int has_area;
    int32_t cell_m;
} board;

static ig_status compute_ctx(ig_ctx *ctx, const char *name, const board *bd,
                             size_t group, const ig_measure_params *p,
                             double *v, ig_error *err)
{
    const ig_measure_info *m = ig_measure_find(name);
    if (!m) fail_msg("measure %s not registered", name);
    const double *cols[2] = {bd->a, bd->b};
    ig_units u;
    memset(&u, 0, sizeof u);
    u.n_units = bd->n;
    u.n_groups = 2;
    u.counts = cols;
    u.row = bd->row;
    u.col = bd->col;
    u.cell_m = bd->cell_m;
    u.area = bd->has_area ? bd->area : NULL;
    return ig_measure_compute(ctx, m, &u, group, p, v, err);
}

static ig_status compute(const char *name, const board *bd, size_t group,
                         const ig_measure_params *p, double *v, ig_error *err)
{
    return compute_ctx(NULL, name, bd, group, p, v, err);
}

static double value(const char *name, const board *bd, size_t group,
                    const ig_measure_params *p)
{
    double v = NAN;
    ig_error err = {0};
    ig_status st = compute(name, bd, group, p, &v, &err);
    if (st != IG_OK) fail_msg("%s: status %d (%s)", name, (int)st, err.msg);
    return v;
}

static void add(board *bd, int32_t r, int32_t c, double a, double b)
{
    bd->row[bd->n] = r;
    bd->col[bd->n] = c;
    bd->a[bd->n] = a;
    bd->b[bd->n] = b;
    bd->area[bd->n] = (double)bd->cell_m * bd->cell_m * 1e-6;
    bd->n++;
}

static board *new_board(int32_t cell_m)
{
    board *bd = calloc(1, sizeof *bd);
    if (!bd) abort();
    bd->cell_m = cell_m;
    return bd;
}

/* n distinct cells in a span x span box, counts 0..20 (about a tenth of the
 * cells empty), areas between 0.2 and 1 of the cell when with_area. */
static board *random_board(uint64_t seed, size_t n, int32_t span,
                           int32_t cell_m, int with_area)
{
    board *bd = new_board(cell_m);
    ig_rng r;
    ig__rng_init(&r, seed, 0);
    size_t cells = (size_t)span * (size_t)span;
    if (n > cells || n > 4096) abort();
    size_t *pos = malloc(cells * sizeof *pos);
    if (!pos) abort();
    for (size_t i = 0; i < cells; i++) pos[i] = i;
    for (size_t i = 0; i < n; i++) { /* partial Fisher-Yates */
        size_t j = i + (size_t)(ig__rng_uniform(&r) * (double)(cells - i));
        size_t t = pos[i];
        pos[i] = pos[j];
        pos[j] = t;
    }
    for (size_t i = 0; i < n; i++) {
        double a = floor(ig__rng_uniform(&r) * 21.0);
        double b = floor(ig__rng_uniform(&r) * 21.0);
        if (ig__rng_uniform(&r) < 0.1) a = b = 0.0;
        add(bd, (int32_t)(pos[i] / (size_t)span) - 7,
            (int32_t)(pos[i] % (size_t)span) + 11, a, b);
        if (with_area) bd->area[i] *= 0.2 + 0.8 * ig__rng_uniform(&r);
    }
    bd->has_area = with_area;
    free(pos);
    return bd;
}

/* ---- hand-computed boards ------------------------------------------------ */

/* The board of tests/golden/spatial_dissimilarity/hand.case. */
static board *row_board(void)
{
    board *bd = new_board(1000);
    add(bd, 0, 0, 30, 10); /* p = 3/4 */
    add(bd, 0, 1, 10, 30); /* p = 1/4 */
    add(bd, 0, 2, 20, 20); /* p = 1/2 */
    add(bd, 1, 1, 0, 0);   /* empty: left out */
    add(bd, 5, 5, 40, 0);  /* p = 1, no neighbour */
    return bd;
}

static void test_hand_contiguity(void **state)
{
    (void)state;
    board *bd = row_board();
    /* D = 1/2 (2/15 + 6/15 + 2/15 + 6/15) = 8/15; pairs 1/2 and 1/4, mean
     * 3/8; D(adj) = D(w) = 8/15 - 3/8 = 19/120 */
    assert_true(close_rel(value("spatial_dissimilarity", bd, 0, NULL),
                          19.0 / 120.0, 1e-14));
    assert_true(close_rel(value("boundary_spatial_dissimilarity", bd, 0, NULL),
                          19.0 / 120.0, 1e-14));
    /* PA = 1, 2, 1, 0: (1/2 * 3/4 + 1/4 * 3/4) / 2 = 9/32; 8/15 - 9/32 */
    assert_true(close_rel(
        value("perimeter_area_ratio_spatial_dissimilarity", bd, 0, NULL),
        121.0 / 480.0, 1e-14));
    free(bd);
}

static void test_hand_decay(void **state)
{
    (void)state;
    board *bd = new_board(1000);
    add(bd, 0, 0, 10, 0);
    add(bd, 0, 1, 0, 10);
    double s = exp(-sqrt(0.6)), q = exp(-1.0);
    /* SP = 2 s / (s + q); ACL = (s - q) / (s + q); RCL = 0;
     * DPxx = s / (s + q); DPxy = q / (s + q) */
    assert_true(close_rel(value("spatial_proximity", bd, 0, NULL),
                          2.0 * s / (s + q), 1e-14));
    assert_true(close_rel(value("absolute_clustering", bd, 0, NULL),
                          (s - q) / (s + q), 1e-13));
    assert_true(fabs(value("relative_clustering", bd, 0, NULL)) < 1e-15);
    assert_true(close_rel(value("distance_decay_isolation", bd, 0, NULL),
                          s / (s + q), 1e-14));
    assert_true(close_rel(value("distance_decay_exposure", bd, 0, NULL),
                          q / (s + q), 1e-14));
    /* other parameters: alpha = 2, beta = 1: c_ii = exp(-2 * 1 km2) */
    ig_measure_params p;
    ig_measure_params_init(&p);
    p.decay_alpha = 2.0;
    p.decay_beta = 1.0;
    double s2 = exp(-2.0);
    assert_true(close_rel(value("distance_decay_isolation", bd, 0, &p),
                          s2 / (s2 + q), 1e-14));
    free(bd);
}

/* The 3 x 3 block of tests/golden/absolute_centralization/hand.case. */
static board *block_board(int32_t r0, int32_t c0)
{
    board *bd = new_board(1000);
    for (int32_t r = 0; r < 3; r++)
        for (int32_t c = 0; c < 3; c++) {
            double x, t;
            if (r == 1 && c == 1) {
                x = 9;
                t = 10;
            } else if (abs(r - 1) + abs(c - 1) == 1) {
                x = 1;
                t = 5;
            } else {
                x = 0;
                t = 5;
            }
            add(bd, r + r0, c + c0, x, t - x);
        }
    return bd;
}

static void test_hand_centralization(void **state)
{
    (void)state;
    board *bd = block_board(0, 0);
    /* rings 0, 1, sqrt 2: X 9/13, 1, 1; land 1/9, 5/9, 1; Y 1/37, 17/37, 1 */
    assert_true(close_rel(value("absolute_centralization", bd, 0, NULL),
                          28.0 / 39.0, 1e-14));
    assert_true(close_rel(value("relative_centralization", bd, 0, NULL),
                          400.0 / 481.0, 1e-14));
    ig_measure_params p;
    ig_measure_params_init(&p);
    p.centre_given = 1;
    p.centre_x_m = 500.0;
    p.centre_y_m = 500.0;
    /* from the south-west cell: ACE = 18/117, RCE = 90/481 */
    assert_true(close_rel(value("absolute_centralization", bd, 0, &p),
                          2.0 / 13.0, 1e-14));
    assert_true(close_rel(value("relative_centralization", bd, 0, &p),
                          90.0 / 481.0, 1e-14));
    free(bd);
}

static void test_hand_concentration(void **state)
{
    (void)state;
    board *bd = new_board(1000);
    add(bd, 0, 0, 8, 2);
    add(bd, 0, 1, 2, 8);
    add(bd, 0, 2, 0, 20);
    bd->has_area = 1;
    bd->area[0] = 0.25;
    /* A1 = 0.25, A2 = 1, group 0.4, rest 0.95: ACO = 0.8, RCO = 44/57 */
    assert_true(
        close_rel(value("absolute_concentration", bd, 0, NULL), 0.8, 1e-14));
    assert_true(close_rel(value("relative_concentration", bd, 0, NULL),
                          44.0 / 57.0, 1e-14));
    /* DEL = 1/2 (|0.8 - 0.25/2.25| + |0.2 - 1/2.25| + |0 - 1/2.25|) */
    double del =
        0.5 * (fabs(0.8 - 0.25 / 2.25) + fabs(0.2 - 1.0 / 2.25) + 1.0 / 2.25);
    assert_true(close_rel(value("delta", bd, 0, NULL), del, 1e-14));
    free(bd);
}

/* ---- the Morrill / Wong patterns (R seg's segdata) ----------------------- */

static int load_segdata(char pattern, board *bd)
{
    const char *path = shared_path("segregation_reference/seg_segdata.csv");
    if (!path) return 0;
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char line[1024];
    if (!fgets(line, sizeof line, f)) abort(); /* header */
    int k = pattern - 'A';
    while (fgets(line, sizeof line, f)) {
        double v[18];
        char *p = strchr(line, ',');
        if (!p) break;
        for (int i = 0; i < 18; i++) {
            v[i] = strtod(p + 1, &p);
        }
        add(bd, (int32_t)floor(v[1]), (int32_t)floor(v[0]), v[2 + 2 * k],
            v[3 + 2 * k]);
    }
    fclose(f);
    return bd->n == 100;
}

static void test_segdata_published(void **state)
{
    (void)state;
    /* D(adj), D(s) for the eight patterns (an O(n^2) transcription of
     * seg's .d.adjust in Python, see tests/golden/); pattern A is
     * published by seg: dm = dw = 0.9444444, ds = 0.9472222. */
    static const double dadj[8] = {0.9444444444444466, 0.8277777777777791,
                                   0.5000000000000016, 0.7893274853801152,
                                   0.6649926416482712, 0.9666666666666653,
                                   0.9333333333333321, 0.8999999999999989};
    static const double ds[8] = {0.9472222222222244, 0.8375000000000015,
                                 0.5388888888888915, 0.792105263157893,
                                 0.675409308314938,  0.9694444444444431,
                                 0.9333333333333321, 0.9055555555555544};
    for (int k = 0; k < 8; k++) {
        board *bd = new_board(1000);
        if (!load_segdata((char)('A' + k), bd)) {
            free(bd);
            skip();
        }
        double m = value("spatial_dissimilarity", bd, 0, NULL);
        double w = value("boundary_spatial_dissimilarity", bd, 0, NULL);
        double s =
            value("perimeter_area_ratio_spatial_dissimilarity", bd, 0, NULL);
        assert_true(close_rel(m, dadj[k], 1e-12));
        assert_true(close_rel(w, dadj[k], 1e-12));
        assert_true(close_rel(s, ds[k], 1e-12));
        if (k == 0) {
            assert_true(fabs(m - 0.9444444) < 1e-7);
            assert_true(fabs(w - 0.9444444) < 1e-7);
            assert_true(fabs(s - 0.9472222) < 1e-7);
        }
        free(bd);
    }
}

/* ---- invariances and symmetries ------------------------------------------ */

static void test_translation(void **state)
{
    (void)state;
    board *bd = random_board(11, 300, 30, 1000, 1);
    board *moved = malloc(sizeof *moved);
    if (!moved) abort();
    *moved = *bd;
    const int32_t dr = 1000000, dc = -2000000;
    for (size_t i = 0; i < moved->n; i++) {
        moved->row[i] += dr;
        moved->col[i] += dc;
    }
    ig_measure_params p, pm;
    ig_measure_params_init(&p);
    for (int given = 0; given < 2; given++) {
        p.centre_given = given;
        p.centre_x_m = 14250.0;
        p.centre_y_m = 3100.0;
        pm = p;
        pm.centre_x_m += (double)dc * 1000.0;
        pm.centre_y_m += (double)dr * 1000.0;
        for (size_t k = 0; k < N_ALL; k++) {
            double v = value(ALL[k], bd, 0, &p);
            double w = value(ALL[k], moved, 0, &pm);
            if (!close_rel(v, w, 1e-12))
                fail_msg("%s: %.17g moved to %.17g", ALL[k], v, w);
        }
    }
    free(bd);
    free(moved);
}

static void test_unit_order(void **state)
{
    (void)state;
    board *bd = random_board(12, 400, 25, 100, 1);
    board *sh = malloc(sizeof *sh);
    if (!sh) abort();
    *sh = *bd;
    ig_rng r;
    ig__rng_init(&r, 99, 0);
    for (size_t i = sh->n - 1; i > 0; i--) {
        size_t j = (size_t)(ig__rng_uniform(&r) * (double)(i + 1));
        int32_t tr = sh->row[i], tc = sh->col[i];
        double ta = sh->a[i], tb = sh->b[i], tar = sh->area[i];
        sh->row[i] = sh->row[j];
        sh->col[i] = sh->col[j];
        sh->a[i] = sh->a[j];
        sh->b[i] = sh->b[j];
        sh->area[i] = sh->area[j];
        sh->row[j] = tr;
        sh->col[j] = tc;
        sh->a[j] = ta;
        sh->b[j] = tb;
        sh->area[j] = tar;
    }
    for (size_t k = 0; k < N_ALL; k++) {
        double v = value(ALL[k], bd, 0, NULL), w = value(ALL[k], sh, 0, NULL);
        if (memcmp(&v, &w, sizeof v) != 0)
            fail_msg("%s: %.17g in another order %.17g", ALL[k], v, w);
    }
    free(bd);
    free(sh);
}

static void test_symmetries(void **state)
{
    (void)state;
    board *bd = random_board(13, 250, 20, 1000, 1);
    /* the rest of a is b: RCE(a) = -RCE(b) */
    double ra = value("relative_centralization", bd, 0, NULL);
    double rb = value("relative_centralization", bd, 1, NULL);
    assert_true(fabs(ra + rb) < 1e-14);
    /* D(adj) uses |p_i - p_j| and D: both symmetric in the two groups */
    double da = value("spatial_dissimilarity", bd, 0, NULL);
    double db = value("spatial_dissimilarity", bd, 1, NULL);
    assert_true(close_rel(da, db, 1e-13));
    /* SP is symmetric in the group and the rest */
    assert_true(close_rel(value("spatial_proximity", bd, 0, NULL),
                          value("spatial_proximity", bd, 1, NULL), 1e-13));
    /* DPxx + DPxy = 1 */
    assert_true(close_rel(value("distance_decay_isolation", bd, 0, NULL) +
                              value("distance_decay_exposure", bd, 0, NULL),
                          1.0, 1e-14));
    /* D(w) is D(adj) with rook contiguity; queen changes D(adj) only */
    ig_measure_params p;
    ig_measure_params_init(&p);
    double w = value("boundary_spatial_dissimilarity", bd, 0, NULL);
    assert_true(close_rel(da, w, 1e-15));
    p.adjacency = 8;
    assert_true(close_rel(value("boundary_spatial_dissimilarity", bd, 0, &p), w,
                          1e-15));
    assert_false(
        close_rel(value("spatial_dissimilarity", bd, 0, &p), da, 1e-6));
    free(bd);
}

/* ---- contiguity against brute force -------------------------------------- */

static double oracle_contiguity(const board *bd, int which, int queen)
{
    size_t n = bd->n;
    double X = 0, Y = 0;
    for (size_t i = 0; i < n; i++) {
        X += bd->a[i];
        Y += bd->b[i];
    }
    double D = 0;
    for (size_t i = 0; i < n; i++) D += fabs(bd->a[i] / X - bd->b[i] / Y);
    D /= 2;
    double *pa = calloc(n, sizeof *pa);
    if (!pa) abort();
    double maxpa = 0;
    for (size_t i = 0; i < n; i++) {
        if (bd->a[i] + bd->b[i] <= 0) continue;
        for (size_t j = 0; j < n; j++) {
            if (j == i || bd->a[j] + bd->b[j] <= 0) continue;
            long dr = labs((long)bd->row[i] - bd->row[j]);
            long dc = labs((long)bd->col[i] - bd->col[j]);
            if (dr + dc == 1) pa[i] += 1;
        }
        if (pa[i] > maxpa) maxpa = pa[i];
    }
    double num = 0, den = 0;
    for (size_t i = 0; i < n; i++) {
        double ti = bd->a[i] + bd->b[i];
        if (ti <= 0) continue;
        for (size_t j = 0; j < n; j++) {
            double tj = bd->a[j] + bd->b[j];
            if (j == i || tj <= 0) continue;
            long dr = labs((long)bd->row[i] - bd->row[j]);
            long dc = labs((long)bd->col[i] - bd->col[j]);
            int nb = dr + dc == 1 || (queen && dr == 1 && dc == 1);
            if (!nb) continue;
            double d = fabs(bd->a[i] / ti - bd->a[j] / tj);
            if (which == 2) d *= (pa[i] + pa[j]) / (2 * maxpa);
            num += d;
            den += 1;
        }
    }
    free(pa);
    return D - num / den;
}

static void test_contiguity_oracle(void **state)
{
    (void)state;
    ig_measure_params p;
    ig_measure_params_init(&p);
    for (uint64_t seed = 20; seed < 26; seed++) {
        /* sparse and dense boards, with holes and ragged rows */
        board *bd =
            random_board(seed, 150 + 50 * (seed % 3),
                         (int32_t)(17 + 6 * (seed % 2)), 1000, (int)(seed % 2));
        p.adjacency = 4;
        assert_true(close_rel(value("spatial_dissimilarity", bd, 0, &p),
                              oracle_contiguity(bd, 0, 0), 1e-12));
        assert_true(
            close_rel(value("boundary_spatial_dissimilarity", bd, 0, &p),
                      oracle_contiguity(bd, 1, 0), 1e-12));
        assert_true(close_rel(
            value("perimeter_area_ratio_spatial_dissimilarity", bd, 0, &p),
            oracle_contiguity(bd, 2, 0), 1e-12));
        p.adjacency = 8;
        assert_true(close_rel(value("spatial_dissimilarity", bd, 0, &p),
                              oracle_contiguity(bd, 0, 1), 1e-12));
        free(bd);
    }
}

/* ---- distance decay against a direct pairwise sum ------------------------ */

/* SP, ACL, RCL, DPxx, DPxy straight from the definitions, every pair. */
static void oracle_decay(const board *bd, double alpha, double beta,
                         double out[5])
{
    size_t n = bd->n;
    double km = bd->cell_m / 1000.0;
    double X = 0, Y = 0, T = 0;
    for (size_t i = 0; i < n; i++) {
        X += bd->a[i];
        Y += bd->b[i];
    }
    T = X + Y;
    double sxx = 0, syy = 0, stt = 0, sxt = 0, sc = 0, dpxx = 0, dpxy = 0;
    for (size_t i = 0; i < n; i++) {
        double fx = 0, fy = 0, ft = 0, f1 = 0;
        for (size_t j = 0; j < n; j++) {
            double c;
            if (i == j) {
                double a = bd->has_area ? bd->area[i] : km * km;
                c = exp(-pow(alpha * a, beta));
            } else {
                double dr = (double)bd->row[i] - bd->row[j];
                double dc = (double)bd->col[i] - bd->col[j];
                c = exp(-km * sqrt(dr * dr + dc * dc));
            }
            fx += c * bd->a[j];
            fy += c * bd->b[j];
            ft += c * (bd->a[j] + bd->b[j]);
            f1 += c;
        }
        sxx += bd->a[i] * fx;
        syy += bd->b[i] * fy;
        stt += (bd->a[i] + bd->b[i]) * ft;
        sxt += bd->a[i] * ft;
        sc += f1;
        if (bd->a[i] > 0) {
            dpxx += bd->a[i] / X * fx / ft;
            dpxy += bd->a[i] / X * fy / ft;
        }
    }
    double nn = (double)n * (double)n;
    out[0] = (sxx / X + syy / Y) / (stt / T);
    out[1] = (sxx / X - X / nn * sc) / (sxt / X - X / nn * sc);
    out[2] = (sxx / (X * X)) / (syy / (Y * Y)) - 1.0;
    out[3] = dpxx;
    out[4] = dpxy;
}

static const char *const DECAY[5] = {
    "spatial_proximity", "absolute_clustering", "relative_clustering",
    "distance_decay_isolation", "distance_decay_exposure"};

static void check_decay(const board *bd, const ig_measure_params *p, double tol)
{
    double want[5];
    oracle_decay(bd, p->decay_alpha, p->decay_beta, want);
    for (int k = 0; k < 5; k++) {
        double v = value(DECAY[k], bd, 0, p);
        if (!close_rel(v, want[k], tol))
            fail_msg("%s: %.17g, pairwise %.17g (n %zu, cell %d m)", DECAY[k],
                     v, want[k], bd->n, (int)bd->cell_m);
    }
}

static void test_decay_oracle(void **state)
{
    (void)state;
    ig_measure_params p;
    ig_measure_params_init(&p);
    /* 1 km cells over 60 km: pairs beyond the table's 42 cells (2^-60 of
     * the centre weight) are dropped without a visible difference */
    board *bd = random_board(31, 400, 60, 1000, 0);
    check_decay(bd, &p, 1e-12);
    free(bd);
    bd = random_board(32, 300, 20, 100, 1); /* 100 m, partial cells */
    check_decay(bd, &p, 1e-12);
    p.decay_alpha = 1.7;
    p.decay_beta = 0.8;
    check_decay(bd, &p, 1e-12);
    free(bd);
    ig_measure_params_init(&p);
    bd = random_board(33, 200, 15, 250, 1);
    check_decay(bd, &p, 1e-12);
    free(bd);
}

/* The pairwise path and the focal-table path of ig__decay_sums agree. */
static void test_decay_paths(void **state)
{
    (void)state;
    board *bd = random_board(41, 500, 40, 100, 1);
    const double *cols[2] = {bd->a, bd->b};
    double *t = malloc(bd->n * sizeof *t);
    if (!t) abort();
    double T = 0, X = 0;
    for (size_t i = 0; i < bd->n; i++) {
        t[i] = bd->a[i] + bd->b[i];
        T += t[i];
        X += bd->a[i];
    }
    ig_measure_params p;
    ig_measure_params_init(&p);
    ig_error err = {0};
    ig__min in;
    memset(&in, 0, sizeof in);
    in.n = bd->n;
    in.n_groups = 2;
    in.counts = cols;
    in.t = t;
    in.T = T;
    in.x = bd->a;
    in.X = X;
    in.p = &p;
    in.err = &err;
    in.row = bd->row;
    in.col = bd->col;
    in.cell_m = bd->cell_m;
    in.area = bd->area;
    ig__cells c;
    assert_int_equal(ig__cells_build(&in, "test", &c), IG_OK);
    double *s1 = calloc(4 * c.n, sizeof *s1), *s2 = calloc(4 * c.n, sizeof *s2);
    if (!s1 || !s2) abort();
    assert_int_equal(ig__decay_sums(&in, &c, 1, 1, s1), IG_OK);
    ig_status st = ig__decay_sums(&in, &c, 1, 2, s2);
    if (st == IG_ERR_DISABLED) {
        print_message("focal engine not built yet: pairwise path only\n");
    } else {
        assert_int_equal(st, IG_OK);
        for (size_t k = 0; k < 4 * c.n; k++)
            if (!close_rel(s1[k], s2[k], 1e-11))
                fail_msg("sum %zu: pairwise %.17g, focal %.17g", k, s1[k],
                         s2[k]);
    }
    free(s1);
    free(s2);
    ig__cells_free(NULL, &c);
    free(t);
    free(bd);
}

/* A place of more than 2048 cells goes through the focal engine. */
static void test_decay_large(void **state)
{
    (void)state;
    board *bd = random_board(51, 2100, 60, 1000, 0);
    ig_measure_params p;
    ig_measure_params_init(&p);
    double v = NAN;
    ig_error err = {0};
    ig_status st = compute("distance_decay_isolation", bd, 0, &p, &v, &err);
    if (st == IG_ERR_DISABLED) {
        assert_non_null(strstr(err.msg, "focal"));
    } else {
        assert_int_equal(st, IG_OK);
        double want[5];
        oracle_decay(bd, p.decay_alpha, p.decay_beta, want);
        assert_true(close_rel(v, want[3], 1e-11));
        /* the same bits for every thread count */
        for (size_t k = 0; k < 5; k++) {
            double v1 = NAN, v2 = NAN;
            fail_alloc f1 = {0}, f2 = {0};
            ig_ctx *c1 = make_fail_ctx(&f1, 1), *c2 = make_fail_ctx(&f2, 2);
            assert_int_equal(compute_ctx(c1, DECAY[k], bd, 0, &p, &v1, &err),
                             IG_OK);
            assert_int_equal(compute_ctx(c2, DECAY[k], bd, 0, &p, &v2, &err),
                             IG_OK);
            ig_ctx_destroy(c1);
            ig_ctx_destroy(c2);
            assert_memory_equal(&v1, &v2, sizeof v1);
        }
    }
    free(bd);
}

/* ---- centralization against exact rings -----------------------------------
 */

/* With the centre on a cell centre the squared distances are integers, so
 * rings are exact. which: 0 ACE, 1 RCE. */
static double oracle_centralization(const board *bd, int32_t r0, int32_t c0,
                                    int which)
{
    size_t n = bd->n;
    long maxd = 0;
    double X = 0, R = 0;
    for (size_t i = 0; i < n; i++) {
        long dr = bd->row[i] - r0, dc = bd->col[i] - c0;
        if (dr * dr + dc * dc > maxd) maxd = dr * dr + dc * dc;
        X += bd->a[i];
        R += which ? bd->b[i] : bd->area[i];
    }
    double out = 0, cx = 0, cr = 0, xp = 0, rp = 0;
    for (long d = 0; d <= maxd; d++) {
        int any = 0;
        for (size_t i = 0; i < n; i++) {
            long dr = bd->row[i] - r0, dc = bd->col[i] - c0;
            if (dr * dr + dc * dc != d) continue;
            any = 1;
            cx += bd->a[i];
            cr += which ? bd->b[i] : bd->area[i];
        }
        if (!any) continue;
        out += xp * (cr / R) - (cx / X) * rp;
        xp = cx / X;
        rp = cr / R;
    }
    return out;
}

static void test_centralization_oracle(void **state)
{
    (void)state;
    board *bd = random_board(61, 300, 25, 1000, 1);
    ig_measure_params p;
    ig_measure_params_init(&p);
    p.centre_given = 1;
    int32_t r0 = bd->row[17], c0 = bd->col[17];
    p.centre_x_m = ((double)c0 + 0.5) * 1000.0;
    p.centre_y_m = ((double)r0 + 0.5) * 1000.0;
    assert_true(close_rel(value("absolute_centralization", bd, 0, &p),
                          oracle_centralization(bd, r0, c0, 0), 1e-12));
    assert_true(close_rel(value("relative_centralization", bd, 0, &p),
                          oracle_centralization(bd, r0, c0, 1), 1e-12));
    free(bd);
}

/* ---- concentration against a direct fill -------------------------------- */

static int cmp_area(const void *pa, const void *pb)
{
    const double *a = pa, *b = pb;
    return (a[0] > b[0]) - (a[0] < b[0]);
}

static void test_concentration_oracle(void **state)
{
    (void)state;
    board *bd = random_board(71, 200, 20, 1000, 1);
    size_t n = bd->n;
    double(*at)[2] = malloc(n * sizeof *at); /* (area, t) */
    if (!at) abort();
    double X = 0, Y = 0, ax = 0, ay = 0;
    for (size_t i = 0; i < n; i++) {
        at[i][0] = bd->area[i];
        at[i][1] = bd->a[i] + bd->b[i];
        X += bd->a[i];
        Y += bd->b[i];
        ax += bd->a[i] * bd->area[i];
        ay += bd->b[i] * bd->area[i];
    }
    ax /= X;
    ay /= Y;
    qsort(at, n, sizeof *at, cmp_area);
    double a1 = 0, a2 = 0, left = X;
    for (size_t i = 0; i < n && left > 0; i++) {
        double take = at[i][1] < left ? at[i][1] : left;
        a1 += take * at[i][0];
        left -= take;
    }
    left = X;
    for (size_t i = n; i-- > 0 && left > 0;) {
        double take = at[i][1] < left ? at[i][1] : left;
        a2 += take * at[i][0];
        left -= take;
    }
    a1 /= X;
    a2 /= X;
    assert_true(close_rel(value("absolute_concentration", bd, 0, NULL),
                          1.0 - (ax - a1) / (a2 - a1), 1e-12));
    assert_true(close_rel(value("relative_concentration", bd, 0, NULL),
                          (ax / ay - 1.0) / (a1 / a2 - 1.0), 1e-12));
    free(at);
    free(bd);
}

/* ---- degenerate cases ------------------------------------------------------
 */

/* Expected result of each measure on a board: status, and value when IG_OK
 * (NAN: any value). */
typedef struct expect {
    ig_status st;
    double v;
} expect;

static void check_all(const board *bd, const expect *want, const char *what)
{
    for (size_t k = 0; k < N_ALL; k++) {
        double v = NAN;
        ig_error err = {0};
        ig_status st = compute(ALL[k], bd, 0, NULL, &v, &err);
        if (st != want[k].st)
            fail_msg("%s, %s: status %d, expected %d (%s)", what, ALL[k],
                     (int)st, (int)want[k].st, err.msg);
        if (st != IG_OK) {
            assert_true(err.msg[0] != '\0');
        } else if (!isnan(want[k].v) && !close_rel(v, want[k].v, 1e-14)) {
            fail_msg("%s, %s: %.17g, expected %.17g", what, ALL[k], v,
                     want[k].v);
        }
    }
}

static void test_degenerate(void **state)
{
    (void)state;
    const ig_status N = IG_ERR_NUMERIC;
    /* one cell, 10 of the group out of 40 */
    board *bd = new_board(1000);
    add(bd, 3, 4, 10, 30);
    const expect one[N_ALL] = {
        {N, 0},        {N, 0},       {N, 0},     /* no neighbours: 0/0 */
        {IG_OK, 1},    {IG_OK, 0},   {IG_OK, 0}, /* SP, ACL, RCL */
        {IG_OK, 0},    {IG_OK, 0},               /* ACE, RCE */
        {N, 0},        {N, 0},                   /* ACO, RCO: one area */
        {IG_OK, 0},                              /* DEL */
        {IG_OK, 0.25}, {IG_OK, 0.75}};           /* DPxx, DPxy */
    check_all(bd, one, "one cell");
    free(bd);
    /* no member of the group */
    bd = new_board(1000);
    add(bd, 0, 0, 0, 5);
    add(bd, 0, 1, 0, 7);
    expect absent[N_ALL];
    for (size_t k = 0; k < N_ALL; k++) absent[k] = (expect){N, 0};
    check_all(bd, absent, "group absent");
    free(bd);
    /* the group is everyone: DEL, ACE, DPxx and DPxy are defined */
    bd = new_board(1000);
    add(bd, 0, 0, 2, 0);
    add(bd, 0, 1, 6, 0);
    bd->has_area = 1; /* areas differ, so ACO fails for the group alone */
    bd->area[0] = 0.5;
    const expect whole[N_ALL] = {
        {N, 0},       {N, 0},       {N, 0},      {N, 0}, {N, 0},
        {N, 0},       {IG_OK, NAN}, {N, 0},      {N, 0}, {N, 0},
        {IG_OK, NAN}, {IG_OK, 1.0}, {IG_OK, 0.0}};
    check_all(bd, whole, "whole population");
    free(bd);
    /* no residents at all */
    bd = new_board(1000);
    add(bd, 0, 0, 0, 0);
    add(bd, 0, 1, 0, 0);
    check_all(bd, absent, "no residents");
    free(bd);
}

static void test_bad_input(void **state)
{
    (void)state;
    board *bd = row_board();
    bd->has_area = 1;
    bd->area[2] = -1.0;
    for (size_t k = 0; k < N_ALL; k++) {
        double v;
        ig_error err = {0};
        ig_status st = compute(ALL[k], bd, 0, NULL, &v, &err);
        if (st != IG_ERR_DOMAIN)
            fail_msg("%s: a negative area gave status %d", ALL[k], (int)st);
        assert_non_null(strstr(err.msg, "land area"));
    }
    /* NaN land area: a whole cell */
    bd->area[2] = NAN;
    double v1 = value("delta", bd, 0, NULL);
    bd->area[2] = 1.0;
    assert_true(close_rel(value("delta", bd, 0, NULL), v1, 0.0));
    /* spatial measures need coordinates */
    const double *cols[2] = {bd->a, bd->b};
    ig_units u;
    memset(&u, 0, sizeof u);
    u.n_units = bd->n;
    u.n_groups = 2;
    u.counts = cols;
    double v;
    ig_error err = {0};
    assert_int_equal(ig_measure_compute(NULL, ig_measure_find("delta"), &u, 0,
                                        NULL, &v, &err),
                     IG_ERR_DOMAIN);
    free(bd);
}

/* Every value on random places lies in the range the registry states. */
static void test_registry_range(void **state)
{
    (void)state;
    for (uint64_t seed = 90; seed < 94; seed++) {
        board *bd = random_board(seed, 120, 14, seed % 2 ? 1000 : 100, 1);
        for (size_t k = 0; k < N_ALL; k++) {
            const ig_measure_info *m = ig_measure_find(ALL[k]);
            for (size_t g = 0; g < 2; g++) {
                double v = NAN;
                ig_error err = {0};
                ig_status st = compute(ALL[k], bd, g, NULL, &v, &err);
                if (st != IG_OK)
                    fail_msg("%s: status %d (%s)", ALL[k], (int)st, err.msg);
                if (!(v >= m->range_min && v <= m->range_max))
                    fail_msg("%s: %.17g outside [%g, %g]", ALL[k], v,
                             m->range_min, m->range_max);
            }
        }
        free(bd);
    }
}

/* ---- allocation failure ----------------------------------------------------
 */

static void test_alloc_failure(void **state)
{
    (void)state;
    board *bd = random_board(81, 60, 10, 1000, 1);
    for (size_t k = 0; k < N_ALL; k++) {
        double want = value(ALL[k], bd, 0, NULL);
        int done = 0;
        for (long at = 1; at < 200 && !done; at++) {
            fail_alloc fa = {0};
            fa.fail_at = at;
            ig_ctx *ctx = make_fail_ctx(&fa, 1);
            double v = NAN;
            ig_error err = {0};
            ig_status st = compute_ctx(ctx, ALL[k], bd, 0, NULL, &v, &err);
            ig_ctx_destroy(ctx);
            if (fa.live != 0)
                fail_msg("%s: failing allocation %ld leaks %ld blocks", ALL[k],
                         at, fa.live);
            if (fa.failures == 0) {
                assert_int_equal(st, IG_OK);
                assert_true(close_rel(v, want, 0.0));
                done = 1;
            } else if (st != IG_ERR_NOMEM) {
                fail_msg("%s: failing allocation %ld gave status %d (%s)",
                         ALL[k], at, (int)st, err.msg);
            }
        }
        assert_true(done);
    }
    free(bd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_contiguity),
        cmocka_unit_test(test_hand_decay),
        cmocka_unit_test(test_hand_centralization),
        cmocka_unit_test(test_hand_concentration),
        cmocka_unit_test(test_segdata_published),
        cmocka_unit_test(test_translation),
        cmocka_unit_test(test_unit_order),
        cmocka_unit_test(test_symmetries),
        cmocka_unit_test(test_contiguity_oracle),
        cmocka_unit_test(test_decay_oracle),
        cmocka_unit_test(test_decay_paths),
        cmocka_unit_test(test_decay_large),
        cmocka_unit_test(test_centralization_oracle),
        cmocka_unit_test(test_concentration_oracle),
        cmocka_unit_test(test_degenerate),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_registry_range),
        cmocka_unit_test(test_alloc_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
