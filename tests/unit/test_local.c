/* Local measures: every per-cell computation on hand-made neighbourhood
 * compositions (arithmetic in the comments), Gi* against the Getis & Ord
 * (1992) moments, Benjamini-Hochberg on known p-values, local Moran's I by
 * hand and its permutation test (seed, threads), empty neighbourhoods, the
 * registry, argument checks and allocation failure. Tests that need the
 * neighbourhood engine end to end are in test_local_run.c. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "integrid/ig_local.h"
#include "spatial/local_impl.h"
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

/* ---- a hand-made case ----------------------------------------------------
 * Three target cells, groups A and B, no total column.
 *   own counts  A = (2, 0, 3), B = (2, 4, 1)   -> t = (4, 4, 4)
 *   place       X_A = 5, X_B = 7, T = 12, P_A = 5/12
 *   neighbourhood A~ = (3, 2, 0), B~ = (1, 6, 0), population (4, 8, 0):
 *   cell 2 has an empty neighbourhood. */
static const double xa[3] = {2, 0, 3}, xb[3] = {2, 4, 1};
static const double env3[9] = {3, 2, 0, /* A~ */ 1, 6, 0, /* B~ */ 4, 8, 0};

static ig__lcomp hand_case(void)
{
    static const double *x[2];
    x[0] = xa;
    x[1] = xb;
    ig__lcomp c;
    memset(&c, 0, sizeof c);
    c.n = 3;
    c.n_groups = 2;
    c.env = env3;
    c.x = x;
    c.t = NULL;
    c.skip = NULL;
    c.k_present = 2;
    return c;
}

static void run_layer(const ig__lcomp *c, ig__local_id id, long g, double *v,
                      uint8_t *fl, ig_status expect)
{
    ig_error err;
    memset(&err, 0, sizeof err);
    memset(fl, 0, c->n);
    assert_int_equal(ig__local_compose(c, id, g, v, fl, &err), expect);
    if (expect != IG_OK) assert_true(err.msg[0] != '\0');
}

static void test_local_share_and_exposure_by_hand(void **state)
{
    (void)state;
    ig__lcomp c = hand_case();
    double v[3];
    uint8_t fl[3];
    /* share A = 3/4, 2/8; cell 2 empty */
    run_layer(&c, IG__L_local_share, 0, v, fl, IG_OK);
    assert_double_equal(v[0], 0.75, EPS);
    assert_double_equal(v[1], 0.25, EPS);
    assert_true(isnan(v[2]));
    assert_int_equal(fl[2], IG_LOCAL_FLAG_EMPTY);
    assert_int_equal(fl[0] | fl[1], 0);
    /* share B = 1/4, 6/8 */
    run_layer(&c, IG__L_local_share, 1, v, fl, IG_OK);
    assert_double_equal(v[0], 0.25, EPS);
    assert_double_equal(v[1], 0.75, EPS);
    /* exposure of A to the others = 1 - share A = 1/4, 3/4 */
    run_layer(&c, IG__L_local_exposure, 0, v, fl, IG_OK);
    assert_double_equal(v[0], 0.25, EPS);
    assert_double_equal(v[1], 0.75, EPS);
    assert_true(isnan(v[2]));
}

static void test_local_location_quotient_by_hand(void **state)
{
    (void)state;
    ig__lcomp c = hand_case();
    double v[3];
    uint8_t fl[3];
    /* LQ_A = share / (5/12): 0.75 * 12/5 = 1.8, 0.25 * 12/5 = 0.6 */
    run_layer(&c, IG__L_local_location_quotient, 0, v, fl, IG_OK);
    assert_double_equal(v[0], 1.8, EPS);
    assert_double_equal(v[1], 0.6, EPS);
    assert_true(isnan(v[2]) && fl[2] == IG_LOCAL_FLAG_EMPTY);
    /* a group with no residents in the place: undefined for the layer */
    static const double zero[3] = {0, 0, 0};
    const double *x2[2] = {zero, xb};
    c.x = x2;
    run_layer(&c, IG__L_local_location_quotient, 0, v, fl, IG_ERR_NUMERIC);
    assert_true(isnan(v[0]) && isnan(v[1]) && isnan(v[2]));
}

static void test_local_entropy_diversity_simpson_by_hand(void **state)
{
    (void)state;
    ig__lcomp c = hand_case();
    double v[3];
    uint8_t fl[3];
    /* shares (3/4, 1/4) and (1/4, 3/4):
     * E = -(3/4 ln 3/4 + 1/4 ln 1/4) = 0.5623351446188083 for both */
    double E = -(0.75 * log(0.75) + 0.25 * log(0.25));
    assert_double_equal(E, 0.5623351446188083, 1e-15);
    run_layer(&c, IG__L_local_entropy, -1, v, fl, IG_OK);
    assert_double_equal(v[0], E, EPS);
    assert_double_equal(v[1], E, EPS);
    assert_true(isnan(v[2]) && fl[2] == IG_LOCAL_FLAG_EMPTY);
    /* K = 2 groups present: E / ln 2 = 0.8112781244591328 */
    run_layer(&c, IG__L_local_diversity_normalized, -1, v, fl, IG_OK);
    assert_double_equal(v[0], 0.8112781244591328, EPS);
    /* Simpson: 9/16 + 1/16 = 5/8; interaction 3/8 */
    run_layer(&c, IG__L_local_simpson_concentration, -1, v, fl, IG_OK);
    assert_double_equal(v[0], 0.625, EPS);
    assert_double_equal(v[1], 0.625, EPS);
    run_layer(&c, IG__L_local_simpson_interaction, -1, v, fl, IG_OK);
    assert_double_equal(v[0], 0.375, EPS);
    assert_double_equal(v[1], 0.375, EPS);
    /* one group present: ln K = 0, diversity undefined */
    c.k_present = 1;
    run_layer(&c, IG__L_local_diversity_normalized, -1, v, fl, IG_ERR_NUMERIC);
    /* multigroup measures take no group, per-group ones need one */
    ig_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(ig__local_compose(&c, IG__L_local_entropy, 0, v, fl, &err),
                     IG_ERR_DOMAIN);
    assert_int_equal(ig__local_compose(&c, IG__L_local_share, -1, v, fl, &err),
                     IG_ERR_DOMAIN);
    assert_int_equal(ig__local_compose(&c, IG__L_local_moran, 0, v, fl, &err),
                     IG_ERR_DOMAIN);
}

static void test_local_dissimilarity_contribution_by_hand(void **state)
{
    (void)state;
    ig__lcomp c = hand_case();
    double v[3];
    uint8_t fl[3];
    /* group A against the rest: P = 5/12, 2 T P (1 - P) = 35/6
     *   cell 0: 4 |3/4 - 5/12| / (35/6) = 4 (1/3)(6/35) = 8/35
     *   cell 1: 4 |1/4 - 5/12| / (35/6) = 4 (1/6)(6/35) = 4/35
     *   cell 2: residents, empty neighbourhood -> NaN, flagged */
    run_layer(&c, IG__L_local_dissimilarity_contribution, 0, v, fl, IG_OK);
    assert_double_equal(v[0], 8.0 / 35.0, EPS);
    assert_double_equal(v[1], 4.0 / 35.0, EPS);
    assert_true(isnan(v[2]) && fl[2] == IG_LOCAL_FLAG_EMPTY);
    /* multigroup: pi = (5/12, 7/12), I = 2 (5/12)(7/12) = 35/72;
     *   cell 0: 4 / (2 * 12 * 35/72) * (1/3 + 1/3) = 8/35
     *   cell 1: 12/35 * (1/6 + 1/6) = 4/35  (two groups: as above) */
    run_layer(&c, IG__L_local_dissimilarity_contribution, -1, v, fl, IG_OK);
    assert_double_equal(v[0], 8.0 / 35.0, EPS);
    assert_double_equal(v[1], 4.0 / 35.0, EPS);
    assert_true(isnan(v[2]));
}

static void test_local_dissimilarity_contributions_sum_to_D(void **state)
{
    (void)state;
    /* With each cell its own neighbourhood (radius below the cell size) the
     * contributions sum to the aspatial D: cells (2,2), (0,4), (3,1):
     * D = 1/2 (|2/5 - 2/7| + |0 - 4/7| + |3/5 - 1/7|) = 20/35 = 4/7.
     * Terms: 4|1/2 - 5/12|(6/35) = 2/35, 4(5/12)(6/35) = 10/35,
     * 4|3/4 - 5/12|(6/35) = 8/35. */
    double own[9] = {2, 0, 3, 2, 4, 1, 4, 4, 4};
    ig__lcomp c = hand_case();
    c.env = own;
    double v[3];
    uint8_t fl[3];
    run_layer(&c, IG__L_local_dissimilarity_contribution, 0, v, fl, IG_OK);
    assert_double_equal(v[0], 2.0 / 35.0, EPS);
    assert_double_equal(v[1], 10.0 / 35.0, EPS);
    assert_double_equal(v[2], 8.0 / 35.0, EPS);
    assert_double_equal(v[0] + v[1] + v[2], 4.0 / 7.0, EPS);
    run_layer(&c, IG__L_local_dissimilarity_contribution, -1, v, fl, IG_OK);
    assert_double_equal(v[0] + v[1] + v[2], 4.0 / 7.0, EPS);
    /* With every neighbourhood the whole place (5, 7 of 12) D = 0. */
    double whole[9] = {5, 5, 5, 7, 7, 7, 12, 12, 12};
    c.env = whole;
    run_layer(&c, IG__L_local_dissimilarity_contribution, -1, v, fl, IG_OK);
    for (int j = 0; j < 3; j++) assert_double_equal(v[j], 0.0, EPS);
}

static void test_local_left_out_cells_and_total_column(void **state)
{
    (void)state;
    ig__lcomp c = hand_case();
    /* cell 1 not available: left out of the place figures too.
     * P_A = 5/8 over cells 0 and 2; LQ_0 = 0.75 / 0.625 = 1.2 */
    uint8_t skip[3] = {0, 1, 0};
    c.skip = skip;
    double v[3];
    uint8_t fl[3];
    run_layer(&c, IG__L_local_location_quotient, 0, v, fl, IG_OK);
    assert_double_equal(v[0], 1.2, EPS);
    assert_true(isnan(v[1]) && fl[1] == IG_LOCAL_FLAG_NA);
    assert_true(fl[2] == IG_LOCAL_FLAG_EMPTY);
    /* Total column: each cell has one resident of an unlisted group; the
     * per-group forms use the total, the multigroup forms the groups.
     * env population (5, 10, 0): share A = 3/5, 2/10. */
    c.skip = NULL;
    static const double tot[3] = {5, 5, 5};
    double env_t[9] = {3, 2, 0, 1, 6, 0, 5, 10, 0};
    c.t = tot;
    c.env = env_t;
    run_layer(&c, IG__L_local_share, 0, v, fl, IG_OK);
    assert_double_equal(v[0], 0.6, EPS);
    assert_double_equal(v[1], 0.2, EPS);
    run_layer(&c, IG__L_local_exposure, 1, v, fl, IG_OK); /* 4/5, 4/10 */
    assert_double_equal(v[0], 0.8, EPS);
    assert_double_equal(v[1], 0.4, EPS);
    run_layer(&c, IG__L_local_simpson_concentration, -1, v, fl, IG_OK);
    assert_double_equal(v[0], 0.625, EPS); /* shares of the groups only */
    /* per-group D with the total: P = 5/15 = 1/3, 2TP(1-P) = 2*15*2/9 = 20/3;
     * cell 0: 5 |3/5 - 1/3| / (20/3) = 5 (4/15)(3/20) = 1/5 */
    run_layer(&c, IG__L_local_dissimilarity_contribution, 0, v, fl, IG_OK);
    assert_double_equal(v[0], 0.2, EPS);
}

static void test_local_empty_cell_without_residents_adds_nothing(void **state)
{
    (void)state;
    /* a cell with no residents and an empty neighbourhood: its term of D is
     * 0 (weight zero), its share is undefined and flagged */
    static const double a[2] = {3, 0}, b[2] = {1, 0};
    const double *x[2] = {a, b};
    double env[6] = {3, 0, 1, 0, 4, 0};
    ig__lcomp c;
    memset(&c, 0, sizeof c);
    c.n = 2;
    c.n_groups = 2;
    c.env = env;
    c.x = x;
    c.k_present = 2;
    double v[2];
    uint8_t fl[2];
    /* P = 3/4; cell 0's neighbourhood is the place: term 0 */
    run_layer(&c, IG__L_local_dissimilarity_contribution, 0, v, fl, IG_OK);
    assert_double_equal(v[0], 0.0, EPS);
    assert_double_equal(v[1], 0.0, EPS);
    assert_int_equal(fl[1], 0);
    run_layer(&c, IG__L_local_share, 0, v, fl, IG_OK);
    assert_true(isnan(v[1]));
    assert_int_equal(fl[1], IG_LOCAL_FLAG_EMPTY);
    assert_string_equal(ig_local_flag_name(fl[1]), "empty_neighbourhood");
}

/* ---- centralization gap -------------------------------------------------- */

static void test_local_relative_centralization_by_hand(void **state)
{
    (void)state;
    /* 1 km cells (row, col): (0,0), (0,1), (1,0), (0,2); centre given at
     * the centre of (0,0) = (500, 500). x = (4, 2, 1, 0), t = (5, 4, 2, 4),
     * so the rest y = (1, 2, 1, 4); X = 7, Y = 8.
     * Rings: d = 0 {(0,0)}: L = 4/7 - 1/8 = 25/56
     *        d = 1000 {(0,1), (1,0)}: L = 7/7 - 4/8 = 1/2
     *        d = 2000 {(0,2)}: L = 1 - 1 = 0 */
    int32_t row[4] = {0, 0, 1, 0}, col[4] = {0, 1, 0, 2};
    double x[4] = {4, 2, 1, 0}, t[4] = {5, 4, 2, 4};
    ig__lrce c;
    memset(&c, 0, sizeof c);
    c.n = 4;
    c.row = row;
    c.col = col;
    c.cell_m = 1000;
    c.x = x;
    c.t = t;
    c.centre_given = 1;
    c.centre_x_m = 500;
    c.centre_y_m = 500;
    double v[4];
    uint8_t fl[4] = {0};
    assert_int_equal(ig__local_rce_gap(NULL, &c, v, fl, NULL), IG_OK);
    assert_double_equal(v[0], 25.0 / 56.0, EPS);
    assert_double_equal(v[1], 0.5, EPS);
    assert_double_equal(v[2], 0.5, EPS);
    assert_double_equal(v[3], 0.0, EPS);
    /* The documented identity: RCE = sum over rings of (y_ring / Y)
     * (L_previous + L_ring) = (1/8)(25/56) + (3/8)(25/56 + 1/2)
     * + (4/8)(1/2) = 37/56, Duncan's sum X_{i-1} Y_i - X_i Y_{i-1} on the
     * rings (cumulative X 4/7, 1, 1; Y 1/8, 1/2, 1). */
    double rce = (1.0 / 8) * v[0] + (3.0 / 8) * (v[0] + v[1]) +
                 (4.0 / 8) * (v[1] + v[3]);
    double duncan = (0 * (1.0 / 8) + (4.0 / 7) * 0.5 + 1 * 1) -
                    ((4.0 / 7) * 0 + 1 * (1.0 / 8) + 1 * 0.5);
    assert_double_equal(rce, 37.0 / 56.0, EPS);
    assert_double_equal(duncan, 37.0 / 56.0, EPS);
    /* The centroid: a symmetric plus of 5 cells around (1,1) with the same
     * population puts the centre in the middle cell; everyone of the group
     * in the middle: L = 1 - 1/5 there... with t = 5 each, x only in the
     * middle (5): Y = 20; middle L = 1 - 0 = 1, the ring of four 1 - 1 = 0. */
    int32_t r5[5] = {1, 0, 1, 1, 2}, c5[5] = {1, 1, 0, 2, 1};
    double x5[5] = {5, 0, 0, 0, 0}, t5[5] = {5, 5, 5, 5, 5};
    c.n = 5;
    c.row = r5;
    c.col = c5;
    c.x = x5;
    c.t = t5;
    c.centre_given = 0;
    double v5[5];
    uint8_t f5[5] = {0};
    assert_int_equal(ig__local_rce_gap(NULL, &c, v5, f5, NULL), IG_OK);
    assert_double_equal(v5[0], 1.0, EPS);
    for (int j = 1; j < 5; j++) assert_double_equal(v5[j], 0.0, EPS);
    /* no rest: undefined */
    double all[5] = {5, 5, 5, 5, 5};
    c.x = all;
    ig_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(ig__local_rce_gap(NULL, &c, v5, f5, &err), IG_ERR_NUMERIC);
    assert_non_null(strstr(err.msg, "whole population"));
}

/* ---- Gi* ------------------------------------------------------------------
 */

static void test_local_gi_star_z_by_hand(void **state)
{
    (void)state;
    /* Four cells in a row, shares x = (1, 1, 0, 0), weights 1 for the cell
     * and its two neighbours. xbar = 1/2, s = sqrt(1/2 - 1/4) = 1/2.
     * cell 0: W = 2, S1 = 2, wx = 2: var = (4*2 - 4)/3 = 4/3,
     *         z = (2 - 1)/(1/2 sqrt(4/3)) = sqrt(3)
     * cell 1: W = 3, S1 = 3, wx = 2: var = (12 - 9)/3 = 1, z = 0.5/0.5 = 1 */
    assert_double_equal(ig__local_gi_z(2, 2, 2, 4, 0.5, 0.5), sqrt(3.0), EPS);
    assert_double_equal(ig__local_gi_z(2, 3, 3, 4, 0.5, 0.5), 1.0, EPS);
    /* weights covering all four cells equally: no variance */
    assert_true(isnan(ig__local_gi_z(2, 4, 4, 4, 0.5, 0.5)));
    assert_true(isnan(ig__local_gi_z(2, 3, 3, 4, 0.5, 0.0)));
    /* two-sided p of z = 1.959963984540054 is 0.05 */
    assert_double_equal(ig__local_p_two_sided(1.959963984540054), 0.05, 1e-12);
    assert_double_equal(ig__local_p_two_sided(-1.959963984540054), 0.05, 1e-12);
    assert_true(isnan(ig__local_p_two_sided(NAN)));
}

static void test_local_gi_star_matches_getis_ord_moments(void **state)
{
    (void)state;
    /* Getis & Ord (1992), binary weights: G*_i = sum_j w_ij x_j / sum_j x_j,
     * E = W/n, Var = W (n - W) / (n^2 (n - 1)) * Y2 / Y1^2 with
     * Y1 = sum x / n and Y2 = sum x^2 / n - Y1^2. Its z must equal the
     * Ord & Getis (1995) form computed by ig__local_gi_z. */
    enum { N = 40 };
    double x[N];
    unsigned s = 12345;
    for (int i = 0; i < N; i++) {
        s = s * 1103515245u + 12345u;
        x[i] = (double)((s >> 8) % 1000) / 1000.0;
    }
    double sum = 0, sum2 = 0;
    for (int i = 0; i < N; i++) {
        sum += x[i];
        sum2 += x[i] * x[i];
    }
    double n = N, Y1 = sum / n, Y2 = sum2 / n - Y1 * Y1;
    for (int c = 0; c < 25; c++) {
        /* neighbourhood: a window of c/2 + 1 cells starting at c */
        int m = c / 2 + 1;
        double wx = 0;
        for (int j = c; j < c + m; j++) wx += x[j % N];
        double W = m;
        double G = wx / sum;
        double var = W * (n - W) / (n * n * (n - 1)) * Y2 / (Y1 * Y1);
        double z92 = (G - W / n) / sqrt(var);
        double z95 = ig__local_gi_z(wx, W, W, n, Y1, sqrt(Y2));
        assert_true(close_rel(z92, z95, 1e-10));
    }
}

static void test_local_gi_star_matches_esda_example(void **state)
{
    (void)state;
    /* PySAL esda's documented G_Local example: points (10,10), (20,10),
     * (40,10), (15,20), (30,20), (30,30), DistanceBand threshold 15
     * (inclusive), y = (2, 3, 3.2, 5, 8, 7), transform 'B', star=True:
     *   Zs = -1.39727626, -0.28917762, 0.65064964, -0.28917762,
     *        1.23452088, 2.02424331
     * Neighbours with the point itself: {0,1,3}, {0,1,3,4}, {2,4},
     * {0,1,3,4}, {1,2,3,4,5}, {4,5}. */
    const double px[6] = {10, 20, 40, 15, 30, 30},
                 py[6] = {10, 10, 10, 20, 20, 30};
    const double y[6] = {2, 3, 3.2, 5, 8, 7};
    const double want[6] = {-1.39727626, -0.28917762, 0.65064964,
                            -0.28917762, 1.23452088,  2.02424331};
    double sum = 0, sum2 = 0;
    for (int i = 0; i < 6; i++) {
        sum += y[i];
        sum2 += y[i] * y[i];
    }
    double mean = sum / 6, s = sqrt(sum2 / 6 - mean * mean);
    for (int i = 0; i < 6; i++) {
        double wx = 0, W = 0;
        for (int j = 0; j < 6; j++) {
            double d = hypot(px[i] - px[j], py[i] - py[j]);
            if (d <= 15.0) {
                wx += y[j];
                W += 1;
            }
        }
        assert_double_equal(ig__local_gi_z(wx, W, W, 6, mean, s), want[i],
                            5e-8);
    }
}

static void test_local_bh_adjust_known_list(void **state)
{
    (void)state;
    /* R: p.adjust(c(0.01, 0.04, 0.03, 0.005, 0.5), "BH")
     *    = 0.025 0.050 0.050 0.025 0.500
     * (ranked 0.005, 0.01, 0.03, 0.04, 0.5: m p / k = 0.025, 0.025, 0.05,
     * 0.05, 0.5, running minimum from the top) */
    double p[6] = {0.01, 0.04, 0.03, 0.005, 0.5, NAN}, a[6];
    assert_int_equal(ig__local_bh_adjust(NULL, p, 6, a), IG_OK);
    double want[5] = {0.025, 0.05, 0.05, 0.025, 0.5};
    for (int i = 0; i < 5; i++) assert_double_equal(a[i], want[i], 1e-15);
    assert_true(isnan(a[5]));
    /* ties: m p / k = 0.06, 0.03, 0.02 -> all 0.02 */
    double t[3] = {0.02, 0.02, 0.02}, ta[3];
    assert_int_equal(ig__local_bh_adjust(NULL, t, 3, ta), IG_OK);
    for (int i = 0; i < 3; i++) assert_double_equal(ta[i], 0.02, 1e-15);
    /* classes of those cells at q = 0.05 (z positive): 0.025 and 0.05
     * are hot_95, 0.5 is ns */
    assert_int_equal(ig__local_gi_class(2.5, a[0], 0.05), IG_LCLASS_HOT_95);
    assert_int_equal(ig__local_gi_class(2.0, a[1], 0.05), IG_LCLASS_HOT_95);
    assert_int_equal(ig__local_gi_class(0.5, a[4], 0.05), IG_LCLASS_NS);
    assert_int_equal(ig__local_gi_class(3.0, 0.005, 0.05), IG_LCLASS_HOT_99);
    assert_int_equal(ig__local_gi_class(-3.0, 0.01, 0.05), IG_LCLASS_COLD_99);
    assert_int_equal(ig__local_gi_class(-2.0, 0.03, 0.05), IG_LCLASS_COLD_95);
    /* 90 %: only when the FDR allows it */
    assert_int_equal(ig__local_gi_class(2.0, 0.08, 0.10), IG_LCLASS_HOT_90);
    assert_int_equal(ig__local_gi_class(-2.0, 0.08, 0.10), IG_LCLASS_COLD_90);
    assert_int_equal(ig__local_gi_class(2.0, 0.08, 0.05), IG_LCLASS_NS);
    assert_int_equal(ig__local_gi_class(2.0, 0.15, 0.20), IG_LCLASS_NS);
    assert_int_equal(ig__local_gi_class(NAN, 0.01, 0.05), IG_LCLASS_NONE);
    assert_string_equal(ig_local_class_name(IG_LCLASS_HOT_95), "hot_95");
    assert_string_equal(ig_local_class_name(IG_LCLASS_COLD_90), "cold_90");
    assert_string_equal(ig_local_class_name(IG_LCLASS_NONE), "");
    assert_string_equal(ig_local_class_name((ig_local_class)99), "");
}

/* ---- local Moran's I ------------------------------------------------------
 */

/* A kernel table of radius 1 cell: rook (disc of one cell) or queen
 * (square). Allocated with malloc: the tests free it. */
static ig__ktable table1(int queen)
{
    ig__ktable kt;
    kt.R = 1;
    kt.flat = 1;
    kt.w = calloc(9, sizeof *kt.w);
    for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++)
            kt.w[(dy + 1) * 3 + dx + 1] =
                (queen || dx == 0 || dy == 0) ? 1.0 : 0.0;
    return kt;
}

typedef struct moran_case {
    size_t n;
    int32_t *row, *col;
    double *a, *b;
    ig__lsample s;
    double *I, *z, *p;
    uint8_t *cls, *flags;
    uint64_t *stream;
    double *tv;
} moran_case;

static void moran_case_init(moran_case *mc, ig_ctx *ctx, size_t n,
                            const int32_t *row, const int32_t *col,
                            const double *a, const double *b)
{
    memset(mc, 0, sizeof *mc);
    mc->n = n;
    mc->row = malloc(n * sizeof *mc->row);
    mc->col = malloc(n * sizeof *mc->col);
    mc->a = malloc(n * sizeof *mc->a);
    mc->b = malloc(n * sizeof *mc->b);
    mc->I = malloc(n * sizeof *mc->I);
    mc->z = malloc(n * sizeof *mc->z);
    mc->p = malloc(n * sizeof *mc->p);
    mc->cls = malloc(n);
    mc->flags = calloc(n, 1);
    mc->stream = malloc(n * sizeof *mc->stream);
    mc->tv = malloc(n * sizeof *mc->tv);
    memcpy(mc->row, row, n * sizeof *row);
    memcpy(mc->col, col, n * sizeof *col);
    memcpy(mc->a, a, n * sizeof *a);
    memcpy(mc->b, b, n * sizeof *b);
    for (size_t i = 0; i < n; i++) {
        mc->stream[i] = i;
        mc->tv[i] = a[i] / (a[i] + b[i]);
    }
    const double *counts[2] = {mc->a, mc->b};
    ig_lattice l;
    memset(&l, 0, sizeof l);
    l.n = n;
    l.row = mc->row;
    l.col = mc->col;
    l.n_groups = 2;
    l.counts = counts;
    l.cell_m = 1000;
    size_t g0 = 0;
    assert_int_equal(ig__lsample_build(ctx, &l, &g0, 1, &mc->s), IG_OK);
}

static void moran_case_free(moran_case *mc, ig_ctx *ctx)
{
    ig__lsample_free(ctx, &mc->s);
    free(mc->row);
    free(mc->col);
    free(mc->a);
    free(mc->b);
    free(mc->I);
    free(mc->z);
    free(mc->p);
    free(mc->cls);
    free(mc->flags);
    free(mc->stream);
    free(mc->tv);
}

static ig_status moran_run(moran_case *mc, ig_ctx *ctx, const ig__ktable *kt,
                           uint64_t seed, int perms)
{
    static const uint8_t ok[1] = {1};
    const double *tvp[1] = {mc->tv};
    ig__lmoran_in in;
    memset(&in, 0, sizeof in);
    in.s = &mc->s;
    in.kt = kt;
    in.n_targets = mc->n;
    in.trow = mc->row;
    in.tcol = mc->col;
    in.tv = tvp;
    in.layer_ok = ok;
    in.stream = mc->stream;
    in.seed = seed;
    in.permutations = perms;
    in.alpha = 0.05;
    memset(mc->flags, 0, mc->n);
    double *I[1] = {mc->I}, *z[1] = {mc->z}, *p[1] = {mc->p};
    uint8_t *cls[1] = {mc->cls};
    return ig__local_moran(ctx, &in, I, z, p, cls, mc->flags);
}

static void test_local_moran_by_hand(void **state)
{
    (void)state;
    /* Four cells in a row with shares (1, 1, 0, 0) and an isolated fifth
     * cell far away (share 1/2). Sample mean = (1+1+0+0+1/2)/5 = 1/2, so
     * z = (1/2, 1/2, -1/2, -1/2, 0) and m2 = 1/5 (1/4 * 4) = 1/5.
     * Rook weights, the cell itself left out, row-standardised:
     *   cell 0: lag = z_1 = 1/2, I = (1/2)(1/2)/(1/5) = 5/4
     *   cell 1: lag = (z_0 + z_2)/2 = 0, I = 0
     *   cell 3: lag = z_2 = -1/2, I = (-1/2)(-1/2)/(1/5) = 5/4
     *   cell 4: no neighbour: NaN, flagged */
    int32_t row[5] = {0, 0, 0, 0, 50}, col[5] = {0, 1, 2, 3, 50};
    double a[5] = {4, 4, 0, 0, 2}, b[5] = {0, 0, 4, 4, 2};
    moran_case mc;
    moran_case_init(&mc, NULL, 5, row, col, a, b);
    ig__ktable kt = table1(0);
    assert_int_equal(moran_run(&mc, NULL, &kt, 1, 999), IG_OK);
    assert_double_equal(mc.I[0], 1.25, EPS);
    assert_double_equal(mc.I[1], 0.0, EPS);
    assert_double_equal(mc.I[3], 1.25, EPS);
    assert_true(isnan(mc.I[4]) && isnan(mc.p[4]));
    assert_int_equal(mc.flags[4], IG_LOCAL_FLAG_NO_NEIGHBOURS);
    assert_int_equal(mc.cls[4], IG_LCLASS_NONE);
    /* cell 0's one neighbour is drawn from the other four z values
     * (1/2, -1/2, -1/2, 0): permuted I = 5/2 v = 5/4, -5/4, -5/4, 0;
     * one in four reaches the observed 5/4, so p is about
     * (249.75 + 1)/1000 = 0.25 */
    assert_true(mc.p[0] > 0.20 && mc.p[0] < 0.30);
    assert_int_equal(mc.cls[0], IG_LCLASS_NS);
    for (int j = 0; j < 4; j++) assert_int_equal(mc.flags[j], 0);
    free(kt.w);
    moran_case_free(&mc, NULL);
}

/* A 12 x 12 block: left half share 1, right half 0, plus noise rows. */
static void block_case(moran_case *mc, ig_ctx *ctx)
{
    enum { S = 12 };
    int32_t row[S * S], col[S * S];
    double a[S * S], b[S * S];
    unsigned s = 7;
    for (int i = 0; i < S * S; i++) {
        row[i] = i / S;
        col[i] = i % S;
        s = s * 1103515245u + 12345u;
        double noise = (double)((s >> 8) % 3);
        a[i] = col[i] < S / 2 ? 10 + noise : noise;
        b[i] = col[i] < S / 2 ? 1 : 10;
    }
    moran_case_init(mc, ctx, S * S, row, col, a, b);
}

static void test_local_moran_reproducible_and_thread_independent(void **state)
{
    (void)state;
    ig_ctx *c1 = NULL, *c2 = NULL;
    ig_ctx_opts o;
    memset(&o, 0, sizeof o);
    o.n_threads = 1;
    assert_int_equal(ig_ctx_create(&o, &c1), IG_OK);
    o.n_threads = 2;
    assert_int_equal(ig_ctx_create(&o, &c2), IG_OK);
    ig__ktable kt = table1(1);
    moran_case m1, m2;
    block_case(&m1, c1);
    block_case(&m2, c2);
    assert_int_equal(moran_run(&m1, c1, &kt, 42, 199), IG_OK);
    assert_int_equal(moran_run(&m2, c2, &kt, 42, 199), IG_OK);
    size_t n = m1.n;
    assert_memory_equal(m1.I, m2.I, n * sizeof *m1.I);
    assert_memory_equal(m1.p, m2.p, n * sizeof *m1.p);
    assert_memory_equal(m1.z, m2.z, n * sizeof *m1.z);
    assert_memory_equal(m1.cls, m2.cls, n);
    /* same seed again: the same p; another seed: other p somewhere */
    double *keep = malloc(n * sizeof *keep);
    memcpy(keep, m1.p, n * sizeof *keep);
    assert_int_equal(moran_run(&m1, c1, &kt, 42, 199), IG_OK);
    assert_memory_equal(keep, m1.p, n * sizeof *keep);
    assert_int_equal(moran_run(&m1, c1, &kt, 43, 199), IG_OK);
    int differ = 0;
    for (size_t j = 0; j < n; j++) differ |= keep[j] != m1.p[j];
    assert_true(differ);
    /* the clusters: an interior cell of the left half is HH, of the right
     * half LL (8 neighbours all on one side: p near 1/2^8) */
    assert_int_equal(moran_run(&m1, c1, &kt, 1, 999), IG_OK);
    assert_int_equal(m1.cls[5 * 12 + 2], IG_LCLASS_HH);
    assert_int_equal(m1.cls[5 * 12 + 9], IG_LCLASS_LL);
    assert_true(m1.p[5 * 12 + 2] <= 0.05);
    assert_true(m1.z[5 * 12 + 2] > 2.0);
    /* p-values are (k + 1)/(N + 1) */
    for (size_t j = 0; j < n; j++) {
        double k = m1.p[j] * 1000.0 - 1.0;
        assert_true(fabs(k - round(k)) < 1e-9);
        assert_true(m1.p[j] >= 0.001 && m1.p[j] <= 1.0);
    }
    free(keep);
    free(kt.w);
    moran_case_free(&m1, c1);
    moran_case_free(&m2, c2);
    ig_ctx_destroy(c1);
    ig_ctx_destroy(c2);
}

static void test_local_moran_dense_and_sparse_draws(void **state)
{
    (void)state;
    /* Five cells in a plus, all within each other's 3 x 3 square except
     * the arms' far ends: the centre's neighbours are all four others, so
     * every permutation (dense draws: all of them) gives the same lag and
     * p = 1, with no z. */
    int32_t row[5] = {1, 0, 1, 1, 2}, col[5] = {1, 1, 0, 2, 1};
    double a[5] = {9, 1, 2, 3, 4}, b[5] = {1, 9, 8, 7, 6};
    moran_case mc;
    moran_case_init(&mc, NULL, 5, row, col, a, b);
    ig__ktable kt = table1(1);
    assert_int_equal(moran_run(&mc, NULL, &kt, 3, 99), IG_OK);
    assert_double_equal(mc.p[0], 1.0, 0);
    assert_true(isnan(mc.z[0]));
    assert_int_equal(mc.cls[0], IG_LCLASS_NS);
    free(kt.w);
    moran_case_free(&mc, NULL);
    /* A 20 x 20 grid and a 9 x 9 square kernel: 80 neighbours drawn from
     * 399 other cells (sparse draws through the stamped set). The top
     * half has share 0.9, the bottom 0.1: interior cells are HH or LL
     * with p = 1/(N + 1), and threads do not matter. */
    enum { S = 20 };
    int32_t r2[S * S], c2[S * S];
    double a2[S * S], b2[S * S];
    for (int i = 0; i < S * S; i++) {
        r2[i] = i / S;
        c2[i] = i % S;
        a2[i] = r2[i] >= S / 2 ? 9 : 1;
        b2[i] = 10 - a2[i];
    }
    ig__ktable k9;
    k9.R = 4;
    k9.flat = 1;
    k9.w = malloc(81 * sizeof *k9.w);
    for (int q = 0; q < 81; q++) k9.w[q] = 1.0;
    ig_ctx *c2t = NULL;
    ig_ctx_opts o;
    memset(&o, 0, sizeof o);
    o.n_threads = 2;
    assert_int_equal(ig_ctx_create(&o, &c2t), IG_OK);
    moran_case m1, m2;
    moran_case_init(&m1, NULL, S * S, r2, c2, a2, b2);
    moran_case_init(&m2, c2t, S * S, r2, c2, a2, b2);
    assert_int_equal(moran_run(&m1, NULL, &k9, 11, 99), IG_OK);
    assert_int_equal(moran_run(&m2, c2t, &k9, 11, 99), IG_OK);
    assert_memory_equal(m1.p, m2.p, S * S * sizeof *m1.p);
    assert_memory_equal(m1.I, m2.I, S * S * sizeof *m1.I);
    int top = 15 * S + 10, bottom = 4 * S + 10;
    assert_int_equal(m1.cls[top], IG_LCLASS_HH);
    assert_int_equal(m1.cls[bottom], IG_LCLASS_LL);
    assert_double_equal(m1.p[top], 0.01, 1e-15);
    /* I of an interior cell: z = 0.4, lag = 0.4, m2 = 0.16 -> I = 1 */
    assert_double_equal(m1.I[top], 1.0, 1e-12);
    free(k9.w);
    moran_case_free(&m1, NULL);
    moran_case_free(&m2, c2t);
    ig_ctx_destroy(c2t);
}

static void test_local_moran_classes(void **state)
{
    (void)state;
    assert_int_equal(ig__local_moran_class(1, 1, 0.01, 0.05), IG_LCLASS_HH);
    assert_int_equal(ig__local_moran_class(-1, -1, 0.05, 0.05), IG_LCLASS_LL);
    assert_int_equal(ig__local_moran_class(1, -1, 0.01, 0.05), IG_LCLASS_HL);
    assert_int_equal(ig__local_moran_class(-1, 1, 0.01, 0.05), IG_LCLASS_LH);
    assert_int_equal(ig__local_moran_class(1, 1, 0.051, 0.05), IG_LCLASS_NS);
    assert_int_equal(ig__local_moran_class(0, 1, 0.01, 0.05), IG_LCLASS_NS);
    assert_int_equal(ig__local_moran_class(1, 1, NAN, 0.05), IG_LCLASS_NONE);
    assert_string_equal(ig_local_class_name(IG_LCLASS_LH), "LH");
}

static void test_local_sample_merges_and_drops(void **state)
{
    (void)state;
    /* two points at one position add up; an empty position is dropped */
    int32_t row[4] = {0, 0, 0, 5}, col[4] = {0, 1, 0, 5};
    double a[4] = {1, 2, 3, 0}, b[4] = {1, 2, 3, 0};
    const double *counts[2] = {a, b};
    ig_lattice l;
    memset(&l, 0, sizeof l);
    l.n = 4;
    l.row = row;
    l.col = col;
    l.n_groups = 2;
    l.counts = counts;
    l.cell_m = 100;
    size_t g = 0;
    ig__lsample s;
    assert_int_equal(ig__lsample_build(NULL, &l, &g, 1, &s), IG_OK);
    assert_int_equal(s.n, 2);
    assert_double_equal(s.t[0], 8.0, EPS);
    assert_double_equal(s.v[0][0], 0.5, EPS);
    assert_int_equal(ig__lhash_find(&s.hash, 0, 1), 1);
    assert_int_equal(ig__lhash_find(&s.hash, 5, 5), (size_t)-1);
    assert_int_equal(ig__lhash_find(&s.hash, -3, 7), (size_t)-1);
    ig__lsample_free(NULL, &s);
}

/* ---- registry and argument checks -----------------------------------------
 */

static void test_local_registry(void **state)
{
    (void)state;
    const char *names[] = {"local_share",
                           "local_location_quotient",
                           "local_entropy",
                           "local_diversity_normalized",
                           "local_simpson_interaction",
                           "local_simpson_concentration",
                           "local_dissimilarity_contribution",
                           "local_exposure",
                           "local_relative_centralization",
                           "local_gi_star",
                           "local_moran"};
    size_t n = sizeof names / sizeof names[0];
    assert_int_equal(ig_local_count(), n);
    for (size_t i = 0; i < n; i++) {
        const ig_local_info *m = ig_local_get(i);
        assert_non_null(m);
        assert_string_equal(m->name, names[i]);
        assert_ptr_equal(ig_local_find(names[i]), m);
        assert_true(m->summary[0] && m->citation[0] && m->range_text[0]);
    }
    assert_null(ig_local_get(n));
    assert_null(ig_local_find("local_nothing"));
    assert_true(ig_local_find("local_moran")->flags & IG_LOCAL_SIMULATED);
    assert_true(ig_local_find("local_gi_star")->flags & IG_LOCAL_KERNEL_ONLY);
    assert_false(ig_local_find("local_entropy")->flags & IG_LOCAL_PER_GROUP);
    assert_true(ig_local_find("local_share")->flags & IG_LOCAL_PER_GROUP);
    ig_local_opts o;
    ig_local_opts_init(&o);
    assert_int_equal(o.permutations, 999);
    assert_double_equal(o.fdr, 0.05, 0);
    assert_int_equal(o.seed, 1);
    assert_int_equal(o.place, IG_LOCAL_ALL);
}

/* A 1 km grid of n cells from (north km, east km) and counts[i][g]. */
static ig_grid *make_grid(ig_ctx *ctx, size_t n, const int64_t *north_km,
                          const int64_t *east_km, size_t G,
                          const double *counts, const char *const *places,
                          const uint8_t *na)
{
    static const char *const gn[3] = {"A", "B", "C"};
    ig_grid_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.size_m = 1000;
    spec.epsg = 3035;
    spec.n_groups = G;
    spec.group_names = gn;
    ig_grid_builder *b = NULL;
    ig_error err;
    memset(&err, 0, sizeof err);
    if (ig_grid_builder_create(ctx, &spec, &b, &err) != IG_OK) return NULL;
    for (size_t i = 0; i < n; i++) {
        ig_grid_row r;
        memset(&r, 0, sizeof r);
        r.cell.north_m = north_km[i] * 1000;
        r.cell.east_m = east_km[i] * 1000;
        r.cell.size_m = 1000;
        r.cell.epsg = 3035;
        r.counts = counts + i * G;
        r.na = na ? na + i * G : NULL;
        r.place = places ? places[i] : NULL;
        if (ig_grid_builder_add(b, &r, &err) != IG_OK) {
            ig_grid_builder_destroy(b);
            return NULL;
        }
    }
    ig_grid *g = NULL;
    ig_status st = ig_grid_builder_finish(b, &g, &err);
    ig_grid_builder_destroy(b);
    return st == IG_OK ? g : NULL;
}

static void test_local_run_argument_errors(void **state)
{
    (void)state;
    int64_t N[2] = {2684, 2684}, E[2] = {4334, 4335};
    double c[4] = {1, 2, 3, 4};
    ig_grid *g = make_grid(NULL, 2, N, E, 2, c, NULL, NULL);
    assert_non_null(g);
    ig_local_opts o;
    ig_local_opts_init(&o);
    ig_local_result *r = NULL;
    ig_error err;
    memset(&err, 0, sizeof err);
    o.measure = "local_shar";
    assert_int_equal(ig_local_run(NULL, g, &o, &r, &err), IG_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "known: local_share, "));
    assert_non_null(strstr(err.msg, "local_moran"));
    assert_null(r);
    o.measure = "local_gi_star";
    o.scale.k = 100;
    assert_int_equal(ig_local_run(NULL, g, &o, &r, &err), IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "kernel radius"));
    o.scale.k = 0;
    o.fdr = 1.0;
    assert_int_equal(ig_local_run(NULL, g, &o, &r, &err), IG_ERR_DOMAIN);
    o.fdr = 0.05;
    o.measure = "local_moran";
    o.permutations = 0;
    assert_int_equal(ig_local_run(NULL, g, &o, &r, &err), IG_ERR_DOMAIN);
    o.permutations = 99;
    size_t bad = 7;
    o.groups = &bad;
    o.n_groups = 1;
    assert_int_equal(ig_local_run(NULL, g, &o, &r, &err), IG_ERR_DOMAIN);
    o.groups = NULL;
    o.n_groups = 0;
    o.place = 3;
    assert_int_equal(ig_local_run(NULL, g, &o, &r, &err), IG_ERR_DOMAIN);
    o.place = IG_LOCAL_ALL;
    /* a context grid of another lattice */
    int64_t N1[1] = {2684}, E1[1] = {4334};
    double c1[3] = {1, 1, 1};
    ig_grid *g3 = make_grid(NULL, 1, N1, E1, 3, c1, NULL, NULL);
    o.measure = "local_share";
    o.context = g3;
    assert_int_equal(ig_local_run(NULL, g, &o, &r, &err), IG_ERR_MISMATCH);
    assert_null(r);
    /* an aspatial grid */
    const double u0[2] = {1, 2}, u1[2] = {3, 4};
    const double *uc[2] = {u0, u1};
    const char *names[2] = {"A", "B"};
    ig_grid *ga = grid_from_counts(NULL, 2, 2, uc, names);
    o.context = NULL;
    assert_int_equal(ig_local_run(NULL, ga, &o, &r, &err), IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "aspatial"));
    ig_grid_destroy(ga);
    ig_grid_destroy(g3);
    ig_grid_destroy(g);
}

static void test_local_run_relative_centralization(void **state)
{
    (void)state;
    /* The hand case of test_local_relative_centralization_by_hand as a
     * grid (cells at N 2684/2685 km, E 4334-4336 km), centre given at the
     * centre of the first cell; groups A = x, B = the rest. Rows come back
     * in grid order (row, then column). */
    int64_t N[4] = {2684, 2684, 2685, 2684}, E[4] = {4334, 4335, 4334, 4336};
    double c[8] = {4, 1, 2, 2, 1, 1, 0, 4};
    ig_grid *g = make_grid(NULL, 4, N, E, 2, c, NULL, NULL);
    assert_non_null(g);
    ig_local_opts o;
    ig_local_opts_init(&o);
    o.measure = "local_relative_centralization";
    o.centre_given = 1;
    o.centre_x_m = 4334500;
    o.centre_y_m = 2684500;
    size_t grp = 0;
    o.groups = &grp;
    o.n_groups = 1;
    ig_local_result *r = NULL;
    ig_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(ig_local_run(NULL, g, &o, &r, &err), IG_OK);
    assert_int_equal(ig_local_result_ncells(r), 4);
    assert_int_equal(ig_local_result_nlayers(r), 1);
    const ig_local_layer *ly = ig_local_result_layer(r, 0);
    assert_int_equal(ly->group, 0);
    assert_string_equal(ly->group_name, "A");
    assert_null(ly->z);
    char id[IG_CELLCODE_MAX];
    for (size_t j = 0; j < 4; j++) {
        size_t cell = ig_local_result_cells(r)[j];
        assert_int_equal(ig_grid_cell_id(g, cell, id, sizeof id), IG_OK);
        double want = strstr(id, "N2684000E4334000")   ? 25.0 / 56.0
                      : strstr(id, "N2684000E4336000") ? 0.0
                                                       : 0.5;
        assert_double_equal(ly->value[j], want, EPS);
    }
    ig_local_result_destroy(r);
    /* both groups, default centroid: layers in group order, B = -A
     * (the gap of B against A is minus the gap of A against B) */
    o.groups = NULL;
    o.n_groups = 0;
    o.centre_given = 0;
    assert_int_equal(ig_local_run(NULL, g, &o, &r, &err), IG_OK);
    assert_int_equal(ig_local_result_nlayers(r), 2);
    const ig_local_layer *la = ig_local_result_layer(r, 0);
    const ig_local_layer *lb = ig_local_result_layer(r, 1);
    for (size_t j = 0; j < 4; j++)
        assert_double_equal(la->value[j], -lb->value[j], EPS);
    assert_null(ig_local_result_layer(r, 2));
    ig_local_result_destroy(r);
    ig_grid_destroy(g);
}

static void test_local_run_not_available_and_empty_place(void **state)
{
    (void)state;
    /* place P1 has 3 cells, one with B not available; place P2 has one
     * cell with no residents. */
    int64_t N[4] = {2684, 2684, 2684, 2690}, E[4] = {4334, 4335, 4336, 4340};
    double c[8] = {4, 1, 2, 2, 1, 0, 0, 0};
    uint8_t na[8] = {0, 0, 0, 0, 0, 1, 0, 0};
    const char *places[4] = {"P1", "P1", "P1", "P2"};
    ig_grid *g = make_grid(NULL, 4, N, E, 2, c, places, na);
    assert_non_null(g);
    ig_local_opts o;
    ig_local_opts_init(&o);
    o.measure = "local_relative_centralization";
    o.place = 0;
    ig_local_result *r = NULL;
    ig_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(ig_local_run(NULL, g, &o, &r, &err), IG_OK);
    assert_int_equal(ig_local_result_ncells(r), 3);
    const uint8_t *fl = ig_local_result_flags(r);
    assert_int_equal(fl[2], IG_LOCAL_FLAG_NA);
    assert_true(isnan(ig_local_result_layer(r, 0)->value[2]));
    assert_false(isnan(ig_local_result_layer(r, 0)->value[0]));
    ig_local_result_destroy(r);
    /* na_as_zero keeps the cell */
    o.na_as_zero = 1;
    assert_int_equal(ig_local_run(NULL, g, &o, &r, &err), IG_OK);
    assert_int_equal(ig_local_result_flags(r)[2], 0);
    assert_false(isnan(ig_local_result_layer(r, 0)->value[2]));
    ig_local_result_destroy(r);
    /* a place without residents: every layer undefined, with a reason */
    o.place = 1;
    assert_int_equal(ig_local_run(NULL, g, &o, &r, &err), IG_OK);
    assert_int_equal(ig_local_result_ncells(r), 1);
    const ig_local_layer *ly = ig_local_result_layer(r, 1);
    assert_int_equal(ly->status, IG_ERR_NUMERIC);
    assert_non_null(strstr(ly->message, "group 'B': "));
    assert_true(isnan(ly->value[0]));
    ig_local_result_destroy(r);
    ig_grid_destroy(g);
}

/* ---- allocation failure ----------------------------------------------------
 */

static void test_local_allocation_failure(void **state)
{
    (void)state;
    int64_t N[4] = {2684, 2684, 2685, 2684}, E[4] = {4334, 4335, 4334, 4336};
    double c[8] = {4, 1, 2, 2, 1, 1, 0, 4};
    uint8_t na[8] = {0, 0, 0, 0, 0, 1, 0, 0};
    for (long n = 1;; n++) {
        fail_alloc fa;
        memset(&fa, 0, sizeof fa);
        ig_ctx *ctx = make_fail_ctx(&fa, 2);
        ig_grid *g = make_grid(ctx, 4, N, E, 2, c, NULL, na);
        assert_non_null(g);
        fa.fail_at = fa.calls + n;
        ig_local_opts o;
        ig_local_opts_init(&o);
        o.measure = "local_relative_centralization";
        ig_local_result *r = NULL;
        ig_status st = ig_local_run(ctx, g, &o, &r, NULL);
        fa.fail_at = 0;
        ig_local_result_destroy(r);
        ig_grid_destroy(g);
        ig_ctx_destroy(ctx);
        assert_int_equal(fa.live, 0);
        if (st == IG_OK) break;
        assert_int_equal(st, IG_ERR_NOMEM);
        assert_true(n < 200);
    }
    /* the per-cell pieces that allocate */
    for (long n = 1;; n++) {
        fail_alloc fa;
        memset(&fa, 0, sizeof fa);
        ig_ctx *ctx = make_fail_ctx(&fa, 2);
        fa.fail_at = fa.calls + n;
        ig_status st = IG_OK;
        moran_case mc;
        memset(&mc, 0, sizeof mc);
        int built = 0;
        /* sample, BH, the multigroup D, Moran */
        double p[3] = {0.1, 0.2, 0.3}, a[3];
        st = ig__local_bh_adjust(ctx, p, 3, a);
        if (st == IG_OK) {
            ig__lcomp cc = hand_case();
            cc.ctx = ctx;
            double v[3];
            uint8_t fl[3] = {0};
            st = ig__local_compose(&cc, IG__L_local_dissimilarity_contribution,
                                   -1, v, fl, NULL);
        }
        if (st == IG_OK) {
            int32_t row[5] = {0, 0, 0, 0, 50}, col[5] = {0, 1, 2, 3, 50};
            double ca[5] = {4, 4, 0, 0, 2}, cb[5] = {0, 0, 4, 4, 2};
            const double *counts[2] = {ca, cb};
            ig_lattice l;
            memset(&l, 0, sizeof l);
            l.n = 5;
            l.row = row;
            l.col = col;
            l.n_groups = 2;
            l.counts = counts;
            l.cell_m = 1000;
            size_t g0 = 0;
            st = ig__lsample_build(ctx, &l, &g0, 1, &mc.s);
            if (st == IG_OK) {
                /* reuse the case's buffers around the built sample */
                ig__lsample s = mc.s;
                moran_case_init(&mc, NULL, 5, row, col, ca, cb);
                ig__lsample_free(NULL, &mc.s);
                mc.s = s;
                built = 1;
                ig__ktable kt = table1(0);
                st = moran_run(&mc, ctx, &kt, 1, 9);
                free(kt.w);
            }
        }
        fa.fail_at = 0;
        if (built) moran_case_free(&mc, ctx);
        ig_ctx_destroy(ctx);
        assert_int_equal(fa.live, 0);
        if (st == IG_OK) break;
        assert_int_equal(st, IG_ERR_NOMEM);
        assert_true(n < 200);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_local_share_and_exposure_by_hand),
        cmocka_unit_test(test_local_location_quotient_by_hand),
        cmocka_unit_test(test_local_entropy_diversity_simpson_by_hand),
        cmocka_unit_test(test_local_dissimilarity_contribution_by_hand),
        cmocka_unit_test(test_local_dissimilarity_contributions_sum_to_D),
        cmocka_unit_test(test_local_left_out_cells_and_total_column),
        cmocka_unit_test(test_local_empty_cell_without_residents_adds_nothing),
        cmocka_unit_test(test_local_relative_centralization_by_hand),
        cmocka_unit_test(test_local_gi_star_z_by_hand),
        cmocka_unit_test(test_local_gi_star_matches_getis_ord_moments),
        cmocka_unit_test(test_local_gi_star_matches_esda_example),
        cmocka_unit_test(test_local_bh_adjust_known_list),
        cmocka_unit_test(test_local_moran_by_hand),
        cmocka_unit_test(test_local_moran_reproducible_and_thread_independent),
        cmocka_unit_test(test_local_moran_dense_and_sparse_draws),
        cmocka_unit_test(test_local_moran_classes),
        cmocka_unit_test(test_local_sample_merges_and_drops),
        cmocka_unit_test(test_local_registry),
        cmocka_unit_test(test_local_run_argument_errors),
        cmocka_unit_test(test_local_run_relative_centralization),
        cmocka_unit_test(test_local_run_not_available_and_empty_place),
        cmocka_unit_test(test_local_allocation_failure),
    };
    return cmocka_run_group_tests_name("local", tests, NULL, NULL);
}
