/* Focal sums: hand-computed small grids for every kernel, the inclusive
 * disc rim, the focal cell, groups and totals, repeated points; the fast
 * paths against the brute-force reference on random sparse lattices
 * (negative coordinates, targets outside the populated area, radii beyond
 * a chunk); FFT against direct convolution; thread-count and input-order
 * independence; allocation failures. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "spatial/focal.h"
#include "test_support.h"

/* ---- the hand grid --------------------------------------------------------
 * Cells of 1000 m, one group, counts as powers of two so every sum shows
 * which cells went in (row, column):
 *
 *   row 2 |  .   .  16   .
 *   row 1 |  4   8   .   .
 *   row 0 |  1   2   .  32
 *          col 0 1   2   3
 *
 * Distances from (0, 0), in cells: (0,1) and (1,0): 1; (1,1): sqrt 2;
 * (2,2): sqrt 8; (0,3): 3. */
static const int32_t hrow[6] = {0, 0, 0, 1, 1, 2};
static const int32_t hcol[6] = {0, 1, 3, 0, 1, 2};
static const double hval[6] = {1, 2, 32, 4, 8, 16};

/* Focal sum of the hand grid around (tr, tc); also checks that the
 * population (no totals given: the group itself) equals it. */
static double hand(ig_kernel k, double r, int32_t tr, int32_t tc)
{
    const double *counts[1] = {hval};
    ig_lattice L = {6, hrow, hcol, 1, counts, NULL, 1000};
    ig_scale s = {k, r, 0.0};
    double out[2] = {-1, -1};
    ig_error err = {0};
    assert_int_equal(
        ig_neighbourhoods(NULL, &L, 1, &tr, &tc, &s, out, NULL, &err), IG_OK);
    assert_true(out[0] == out[1]);
    return out[0];
}

static void test_hand_disc_and_square(void **state)
{
    (void)state;
    /* r = 1000: (0,0) + (0,1) + (1,0) = 1 + 2 + 4; the diagonal is out */
    assert_true(hand(IG_KERNEL_DISC, 1000, 0, 0) == 7.0);
    /* r = 999.9: the cell alone */
    assert_true(hand(IG_KERNEL_DISC, 999.9, 0, 0) == 1.0);
    /* r = sqrt(2) km takes the diagonal: 7 + 8 */
    assert_true(hand(IG_KERNEL_DISC, sqrt(2.0) * 1000.0, 0, 0) == 15.0);
    /* r = 2000: d^2 <= 4 keeps the same four cells */
    assert_true(hand(IG_KERNEL_DISC, 2000, 0, 0) == 15.0);
    /* r = 3000: (2,2) with d^2 = 8 and (0,3) with d^2 = 9 on the rim: 63 */
    assert_true(hand(IG_KERNEL_DISC, 3000, 0, 0) == 63.0);
    /* square r = 1000: the 3 x 3 block around (0,0): 1 + 2 + 4 + 8 */
    assert_true(hand(IG_KERNEL_SQUARE, 1000, 0, 0) == 15.0);
    /* square r = 2000 around (1,1): rows -1..3, cols -1..3: everything */
    assert_true(hand(IG_KERNEL_SQUARE, 2000, 1, 1) == 63.0);
    /* disc r = 1000 around (1,1): (1,1) + (0,1) + (1,0) = 8 + 2 + 4 */
    assert_true(hand(IG_KERNEL_DISC, 1000, 1, 1) == 14.0);
    /* an empty cell next to the data: (0,2) with r = 1000 sees (0,1),
     * (0,3) and (1,2)(empty): 2 + 32 */
    assert_true(hand(IG_KERNEL_DISC, 1000, 0, 2) == 34.0);
    /* far away: nothing */
    assert_true(hand(IG_KERNEL_DISC, 5000, 100, -100) == 0.0);
    /* far beyond the data: everything, with a table no wider than the
     * data (a 10^9-cell table could not be allocated) */
    assert_true(hand(IG_KERNEL_DISC, 1e12, 2, 2) == 63.0);
    assert_true(hand(IG_KERNEL_GAUSSIAN, 1e12, 0, 0) == 63.0);
}

static void test_hand_weighted(void **state)
{
    (void)state;
    /* r = 2000 around (0,0): z^2 = 1/4 for (0,1), (1,0); 1/2 for (1,1);
     * (2,2) is beyond (d^2 = 8 > 4). */
    double g = 1.0 + 6.0 * exp(-0.125) + 8.0 * exp(-0.25);
    assert_true(close_rel(hand(IG_KERNEL_GAUSSIAN, 2000, 0, 0), g, 1e-15));
    /* biweight (1 - z^2)^2: 1 + 0.5625 * (2 + 4) + 0.25 * 8 = 6.375 */
    assert_true(hand(IG_KERNEL_BIWEIGHT, 2000, 0, 0) == 6.375);
    /* Epanechnikov 1 - z^2: 1 + 0.75 * 6 + 0.5 * 8 = 9.5 */
    assert_true(hand(IG_KERNEL_EPANECHNIKOV, 2000, 0, 0) == 9.5);
    /* linear 1 - z: 1 + 0.5 * 6 + (1 - sqrt(2)/2) * 8 = 12 - 4 sqrt 2 */
    assert_true(close_rel(hand(IG_KERNEL_LINEAR, 2000, 0, 0),
                          12.0 - 4.0 * sqrt(2.0), 1e-15));
    /* rim of the linear kernel: r = 1000 weighs the rook cells 0 */
    assert_true(hand(IG_KERNEL_LINEAR, 1000, 0, 0) == 1.0);
    /* Gaussian r = 1000 keeps its rim: 1 + exp(-1/2) * (2 + 4) */
    assert_true(close_rel(hand(IG_KERNEL_GAUSSIAN, 1000, 0, 0),
                          1.0 + 6.0 * exp(-0.5), 1e-15));
}

static void test_focal_cell_always_included(void **state)
{
    (void)state;
    for (int k = 0; k < IG_KERNEL_COUNT; k++) {
        /* radius far below the cell: the cell's own count, every kernel */
        assert_true(hand((ig_kernel)k, 1.0, 2, 2) == 16.0);
        assert_true(hand((ig_kernel)k, 400.0, 0, 3) == 32.0);
        /* and at any radius the focal cell weighs 1: around (0,3) with
         * r = 1000 no other point is within reach */
        assert_true(hand((ig_kernel)k, 1000.0, 0, 3) == 32.0);
    }
}

static void test_groups_totals_and_repeats(void **state)
{
    (void)state;
    /* Two groups; (0,0) appears twice (parts of one cell add up). */
    int32_t row[4] = {0, 0, 0, 5}, col[4] = {0, 1, 0, 5};
    double a[4] = {1, 10, 100, 7}, b[4] = {2, 20, 200, 9};
    double tot[4] = {5, 50, 500, 30}; /* more than a + b: others */
    const double *counts[2] = {a, b};
    ig_lattice L = {4, row, col, 2, counts, NULL, 100};
    ig_scale s = {IG_KERNEL_DISC, 100.0, 0.0};
    int32_t tr[3] = {0, 0, 5}, tc[3] = {0, 1, 6};
    double out[9], reach[3];
    assert_int_equal(
        ig_neighbourhoods(NULL, &L, 3, tr, tc, &s, out, reach, NULL), IG_OK);
    /* (0,0): a = 1 + 100 + 10, b = 2 + 200 + 20, total a + b */
    assert_true(out[0] == 111.0 && out[3] == 222.0 && out[6] == 333.0);
    /* (0,1): same cells (its rook neighbour (0,0) and itself) */
    assert_true(out[1] == 111.0 && out[4] == 222.0 && out[7] == 333.0);
    /* (5,6): the point at (5,5) */
    assert_true(out[2] == 7.0 && out[5] == 9.0 && out[8] == 16.0);
    assert_true(reach[0] == 100.0 && reach[2] == 100.0);
    L.total = tot;
    assert_int_equal(
        ig_neighbourhoods(NULL, &L, 3, tr, tc, &s, out, NULL, NULL), IG_OK);
    assert_true(out[6] == 555.0 && out[7] == 555.0 && out[8] == 30.0);
    assert_true(out[0] == 111.0);
}

static void test_reach(void **state)
{
    (void)state;
    int32_t z = 0;
    double one = 1.0;
    const double *counts[1] = {&one};
    ig_lattice L = {1, &z, &z, 1, counts, NULL, 1000};
    struct {
        ig_kernel k;
        double r, want;
    } cases[] = {
        {IG_KERNEL_DISC, 1500.0, 1000.0 * sqrt(2.0)}, /* (1,1) */
        {IG_KERNEL_DISC, 1000.0, 1000.0},
        {IG_KERNEL_DISC, 500.0, 0.0},
        {IG_KERNEL_SQUARE, 1000.0, 1000.0 * sqrt(2.0)},
        {IG_KERNEL_SQUARE, 2000.0, 2000.0 * sqrt(2.0)},
        {IG_KERNEL_LINEAR, 2000.0, 1000.0 * sqrt(2.0)}, /* rim weighs 0 */
        {IG_KERNEL_GAUSSIAN, 2000.0, 2000.0},           /* rim kept */
        {IG_KERNEL_DISC, 5000.0, 5000.0},               /* (3,4) */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ig_scale s = {cases[i].k, cases[i].r, 0.0};
        double out[2], reach = -1.0;
        assert_int_equal(
            ig_neighbourhoods(NULL, &L, 1, &z, &z, &s, out, &reach, NULL),
            IG_OK);
        assert_true(close_rel(reach, cases[i].want, 1e-15));
    }
}

static void test_empty_lattice_gives_zeros(void **state)
{
    (void)state;
    ig_lattice L = {0, NULL, NULL, 2, NULL, NULL, 1000};
    int32_t tr[2] = {0, 7}, tc[2] = {0, -3};
    double out[6] = {9, 9, 9, 9, 9, 9};
    ig_scale s = {IG_KERNEL_GAUSSIAN, 3000.0, 0.0};
    assert_int_equal(
        ig_neighbourhoods(NULL, &L, 2, tr, tc, &s, out, NULL, NULL), IG_OK);
    for (int i = 0; i < 6; i++) assert_true(out[i] == 0.0);
}

/* ---- random lattices ------------------------------------------------------
 */

static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = (*s += 0x9e3779b97f4a7c15ull);
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static int32_t rng_int(uint64_t *s, int32_t lo, int32_t hi) /* [lo, hi) */
{
    return lo + (int32_t)(rng_next(s) % (uint64_t)(hi - lo));
}

typedef struct rlat {
    size_t n, nt;
    int32_t *row, *col, *tr, *tc;
    double *v[2];
    const double *counts[2];
    ig_lattice L;
} rlat;

/* n points in [off, off + span)^2, about a tenth repeating an earlier cell;
 * whole counts 0..20 (a third 0) or fractional ones; nt targets: every
 * other one a point's cell, the rest anywhere in a margin of 25 cells. */
static void rlat_make(rlat *r, uint64_t seed, size_t n, int32_t off,
                      int32_t span, size_t nt, int whole, int32_t cell_m)
{
    uint64_t s = seed;
    r->n = n;
    r->nt = nt;
    r->row = malloc(n * sizeof *r->row);
    r->col = malloc(n * sizeof *r->col);
    r->tr = malloc(nt * sizeof *r->tr);
    r->tc = malloc(nt * sizeof *r->tc);
    for (int g = 0; g < 2; g++) r->v[g] = malloc(n * sizeof *r->v[g]);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && rng_next(&s) % 10 == 0) {
            size_t j = (size_t)(rng_next(&s) % i);
            r->row[i] = r->row[j];
            r->col[i] = r->col[j];
        } else {
            r->row[i] = rng_int(&s, off, off + span);
            r->col[i] = rng_int(&s, off, off + span);
        }
        for (int g = 0; g < 2; g++) {
            double x =
                rng_next(&s) % 3 == 0 ? 0.0 : (double)(rng_next(&s) % 21);
            if (!whole) x *= 0.1 + (double)(rng_next(&s) % 1000) / 997.0;
            r->v[g][i] = x;
        }
    }
    for (size_t j = 0; j < nt; j++) {
        if (j % 2 == 0) {
            size_t i = (size_t)(rng_next(&s) % n);
            r->tr[j] = r->row[i];
            r->tc[j] = r->col[i];
        } else {
            r->tr[j] = rng_int(&s, off - 25, off + span + 25);
            r->tc[j] = rng_int(&s, off - 25, off + span + 25);
        }
    }
    r->counts[0] = r->v[0];
    r->counts[1] = r->v[1];
    ig_lattice L = {n, r->row, r->col, 2, r->counts, NULL, cell_m};
    r->L = L;
}

static void rlat_free(rlat *r)
{
    free(r->row);
    free(r->col);
    free(r->tr);
    free(r->tc);
    free(r->v[0]);
    free(r->v[1]);
}

/* Largest |x| of each of the 3 output arrays. */
static void array_max(const double *x, size_t nt, double top[3])
{
    for (size_t a = 0; a < 3; a++) {
        top[a] = 0.0;
        for (size_t j = 0; j < nt; j++)
            top[a] = fmax(top[a], fabs(x[a * nt + j]));
    }
}

/* got against want: equal bits when exact, else within tol of the array's
 * largest value; where want is exactly 0 got must be exactly 0 too. */
static void expect_same(const double *got, const double *want, size_t nt,
                        int exact, double tol, const char *what)
{
    double top[3];
    array_max(want, nt, top);
    for (size_t a = 0; a < 3; a++)
        for (size_t j = 0; j < nt; j++) {
            double g = got[a * nt + j], w = want[a * nt + j];
            int ok = exact
                         ? g == w
                         : (w == 0.0 ? g == 0.0 : fabs(g - w) <= tol * top[a]);
            if (!ok) {
                print_error("%s: array %zu target %zu: got %.17g want %.17g\n",
                            what, a, j, g, w);
                fail();
            }
        }
}

static void test_fast_equals_brute_on_random_lattices(void **state)
{
    (void)state;
    rlat r;
    /* sparse (about 7 % of the square), negative coordinates */
    rlat_make(&r, 42, 3000, -120, 210, 700, 1, 1000);
    const double radii[] = {1.0, 1000.0, 2000.0, 3500.0, 7000.0, 17000.0};
    const ig__focal_opts opts[] = {
        {0, IG__FOCAL_AUTO},   /* the defaults */
        {8, IG__FOCAL_AUTO},   /* chunks smaller than R */
        {3, IG__FOCAL_AUTO},   /* tiny chunks: many halos */
        {0, IG__FOCAL_DIRECT}, /* direct even for flat tables */
        {12, IG__FOCAL_FFT},   /* FFT for everything (if built) */
    };
    size_t nt = r.nt;
    double *want = malloc(3 * nt * sizeof *want);
    double *got = malloc(3 * nt * sizeof *got);
    for (int k = 0; k < IG_KERNEL_COUNT; k++)
        for (size_t ri = 0; ri < sizeof radii / sizeof *radii; ri++) {
            ig__ktable kt = {0, 0, NULL};
            assert_int_equal(
                ig__ktable_make(NULL, (ig_kernel)k, radii[ri], 1000, &kt, NULL),
                IG_OK);
            assert_int_equal(
                ig__focal_brute(NULL, &r.L, nt, r.tr, r.tc, &kt, want, NULL),
                IG_OK);
            for (size_t o = 0; o < sizeof opts / sizeof *opts; o++) {
                memset(got, 0xff, 3 * nt * sizeof *got);
                assert_int_equal(ig__focal_run(NULL, &r.L, nt, r.tr, r.tc, &kt,
                                               &opts[o], got, NULL),
                                 IG_OK);
                /* Whole counts: runs and summed areas are exact, and the
                 * direct sums add the same products in the same order as
                 * the reference. Only the FFT rounds. */
                int fft = opts[o].method == IG__FOCAL_FFT ||
                          (opts[o].method == IG__FOCAL_AUTO && !kt.flat);
                char what[96];
                snprintf(what, sizeof what, "%s r=%g opts %zu",
                         ig_kernel_name((ig_kernel)k), radii[ri], o);
                expect_same(got, want, nt, !fft, 1e-9, what);
            }
            ig__ktable_free(NULL, &kt);
        }
    free(want);
    free(got);
    rlat_free(&r);
}

static void test_fractional_counts_close_to_brute(void **state)
{
    (void)state;
    rlat r;
    rlat_make(&r, 7, 2500, 1000, 150, 600, 0, 100);
    size_t nt = r.nt;
    double *want = malloc(3 * nt * sizeof *want);
    double *got = malloc(3 * nt * sizeof *got);
    const ig_kernel ks[3] = {IG_KERNEL_DISC, IG_KERNEL_SQUARE,
                             IG_KERNEL_BIWEIGHT};
    for (int k = 0; k < 3; k++) {
        ig__ktable kt = {0, 0, NULL};
        assert_int_equal(ig__ktable_make(NULL, ks[k], 900.0, 100, &kt, NULL),
                         IG_OK);
        assert_int_equal(
            ig__focal_brute(NULL, &r.L, nt, r.tr, r.tc, &kt, want, NULL),
            IG_OK);
        assert_int_equal(
            ig__focal_table(NULL, &r.L, nt, r.tr, r.tc, &kt, got, NULL), IG_OK);
        /* prefix differences round differently from a plain sum, but
         * are never negative and exactly 0 over zeros (checked too) */
        expect_same(got, want, nt, 0, 1e-12, ig_kernel_name(ks[k]));
        for (size_t i = 0; i < 3 * nt; i++) assert_true(got[i] >= 0.0);
        ig__ktable_free(NULL, &kt);
    }
    free(want);
    free(got);
    rlat_free(&r);
}

/* Several tables at once (a profile of scales) against one at a time:
 * the same bits for whole counts, every kind of table. */
static void test_multi_equals_one_by_one(void **state)
{
    (void)state;
    rlat r;
    rlat_make(&r, 77, 4000, -60, 260, 1500, 1, 100);
    struct {
        ig_kernel k;
        double r;
    } sc[] = {{IG_KERNEL_DISC, 50.0},      {IG_KERNEL_DISC, 100.0},
              {IG_KERNEL_DISC, 250.0},     {IG_KERNEL_SQUARE, 400.0},
              {IG_KERNEL_GAUSSIAN, 300.0}, {IG_KERNEL_DISC, 1200.0},
              {IG_KERNEL_SQUARE, 100.0},   {IG_KERNEL_DISC, 99.0}};
    enum { N = sizeof sc / sizeof *sc };
    size_t nt = r.nt;
    ig__ktable kt[N];
    const ig__ktable *kp[N];
    double *multi[N], *one = malloc(3 * nt * sizeof *one);
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(
            ig__ktable_make(NULL, sc[i].k, sc[i].r, 100, &kt[i], NULL), IG_OK);
        kp[i] = &kt[i];
        multi[i] = malloc(3 * nt * sizeof *multi[i]);
        memset(multi[i], 0xff, 3 * nt * sizeof *multi[i]);
    }
    assert_int_equal(
        ig__focal_multi(NULL, &r.L, nt, r.tr, r.tc, N, kp, multi, NULL), IG_OK);
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(
            ig__focal_table(NULL, &r.L, nt, r.tr, r.tc, kp[i], one, NULL),
            IG_OK);
        assert_memory_equal(one, multi[i], 3 * nt * sizeof *one);
        ig__ktable_free(NULL, &kt[i]);
        free(multi[i]);
    }
    /* nothing to do: no tables, no targets */
    assert_int_equal(
        ig__focal_multi(NULL, &r.L, nt, r.tr, r.tc, 0, kp, multi, NULL), IG_OK);
    ig_error err = {0};
    assert_int_equal(
        ig__focal_multi(NULL, &r.L, nt, r.tr, r.tc, 1, NULL, multi, &err),
        IG_ERR_DOMAIN);
    free(one);
    rlat_free(&r);
}

/* A cluster of points and targets beyond the kernel's reach in the same
 * chunk: the FFT leaves rounding noise there, the rules make it 0. */
static void test_fft_matches_direct(void **state)
{
    (void)state;
    if (!ig__focal_have_fft()) {
        skip();
        return;
    }
    rlat r;
    rlat_make(&r, 99, 4000, 0, 120, 900, 0, 1000);
    /* the last 100 targets 35..60 cells right of the cluster: more than
     * R = 30 from every point, inside the same chunk */
    for (size_t j = r.nt - 100; j < r.nt; j++) {
        r.tr[j] = (int32_t)(j % 120);
        r.tc[j] = 120 + 35 + (int32_t)(j % 25);
    }
    size_t nt = r.nt;
    double *direct = malloc(3 * nt * sizeof *direct);
    double *fft = malloc(3 * nt * sizeof *fft);
    const ig_kernel ks[4] = {IG_KERNEL_GAUSSIAN, IG_KERNEL_BIWEIGHT,
                             IG_KERNEL_LINEAR, IG_KERNEL_DISC};
    for (int k = 0; k < 4; k++) {
        ig__ktable kt = {0, 0, NULL};
        assert_int_equal(ig__ktable_make(NULL, ks[k], 30000.0, 1000, &kt, NULL),
                         IG_OK);
        ig__focal_opts od = {0, IG__FOCAL_DIRECT};
        ig__focal_opts of = {0, IG__FOCAL_FFT};
        assert_int_equal(
            ig__focal_run(NULL, &r.L, nt, r.tr, r.tc, &kt, &od, direct, NULL),
            IG_OK);
        assert_int_equal(
            ig__focal_run(NULL, &r.L, nt, r.tr, r.tc, &kt, &of, fft, NULL),
            IG_OK);
        expect_same(fft, direct, nt, 0, 1e-9, ig_kernel_name(ks[k]));
        size_t zeros = 0, differ = 0;
        for (size_t i = 0; i < 3 * nt; i++) {
            assert_true(fft[i] >= 0.0);
            zeros += direct[i] == 0.0;
            differ += fft[i] != direct[i];
        }
        assert_true(zeros >= 300); /* the far targets, 3 arrays */
        assert_true(differ > 0);   /* the FFT path really ran */
        ig__ktable_free(NULL, &kt);
    }
    free(direct);
    free(fft);
    rlat_free(&r);
}

static void run_ctx(int threads, const rlat *r, const ig__ktable *kt,
                    const ig__focal_opts *o, double *out)
{
    ig_ctx_opts co = {0};
    co.n_threads = threads;
    ig_ctx *ctx = NULL;
    assert_int_equal(ig_ctx_create(&co, &ctx), IG_OK);
    assert_int_equal(
        ig__focal_run(ctx, &r->L, r->nt, r->tr, r->tc, kt, o, out, NULL),
        IG_OK);
    ig_ctx_destroy(ctx);
}

static void test_threads_give_identical_bits(void **state)
{
    (void)state;
    rlat r;
    rlat_make(&r, 5, 30000, -300, 500, 20000, 0, 100);
    size_t nt = r.nt;
    double *one = malloc(3 * nt * sizeof *one);
    double *four = malloc(3 * nt * sizeof *four);
    struct {
        ig_kernel k;
        double r;
        ig__focal_method m;
    } cases[] = {{IG_KERNEL_DISC, 800.0, IG__FOCAL_AUTO},
                 {IG_KERNEL_SQUARE, 500.0, IG__FOCAL_AUTO},
                 {IG_KERNEL_GAUSSIAN, 1500.0, IG__FOCAL_AUTO},
                 {IG_KERNEL_EPANECHNIKOV, 2500.0, IG__FOCAL_FFT}};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        ig__ktable kt = {0, 0, NULL};
        assert_int_equal(
            ig__ktable_make(NULL, cases[c].k, cases[c].r, 100, &kt, NULL),
            IG_OK);
        ig__focal_opts o = {0, cases[c].m};
        run_ctx(1, &r, &kt, &o, one);
        run_ctx(4, &r, &kt, &o, four);
        assert_memory_equal(one, four, 3 * nt * sizeof *one);
        ig__ktable_free(NULL, &kt);
    }
    free(one);
    free(four);
    rlat_free(&r);
}

/* Shuffled points and targets give the same bits (no two points share a
 * cell here: with shared cells the cell sums could add in another order). */
static void test_input_order_does_not_matter(void **state)
{
    (void)state;
    size_t side = 60, n = side * side / 3, nt = 500;
    int32_t *row = malloc(n * sizeof *row), *col = malloc(n * sizeof *col);
    double *v0 = malloc(n * sizeof *v0), *v1 = malloc(n * sizeof *v1);
    int32_t *tr = malloc(nt * sizeof *tr), *tc = malloc(nt * sizeof *tc);
    uint64_t s = 3;
    for (size_t i = 0; i < n; i++) { /* every third cell, row-major */
        row[i] = (int32_t)(3 * i / side);
        col[i] = (int32_t)(3 * i % side);
        v0[i] = (double)(rng_next(&s) % 1000) / 7.0;
        v1[i] = (double)(rng_next(&s) % 1000) / 3.0;
    }
    for (size_t j = 0; j < nt; j++) {
        tr[j] = rng_int(&s, -5, (int32_t)side + 5);
        tc[j] = rng_int(&s, -5, (int32_t)side + 5);
    }
    const double *counts[2] = {v0, v1};
    ig_lattice L = {n, row, col, 2, counts, NULL, 100};
    ig_scale sc = {IG_KERNEL_GAUSSIAN, 1200.0, 0.0};
    double *a = malloc(3 * nt * sizeof *a), *b = malloc(3 * nt * sizeof *b);
    assert_int_equal(
        ig_neighbourhoods(NULL, &L, nt, tr, tc, &sc, a, NULL, NULL), IG_OK);
    /* reverse the points, rotate the targets */
    int32_t *row2 = malloc(n * sizeof *row2), *col2 = malloc(n * sizeof *col2);
    double *w0 = malloc(n * sizeof *w0), *w1 = malloc(n * sizeof *w1);
    for (size_t i = 0; i < n; i++) {
        row2[i] = row[n - 1 - i];
        col2[i] = col[n - 1 - i];
        w0[i] = v0[n - 1 - i];
        w1[i] = v1[n - 1 - i];
    }
    int32_t *tr2 = malloc(nt * sizeof *tr2), *tc2 = malloc(nt * sizeof *tc2);
    for (size_t j = 0; j < nt; j++) {
        tr2[j] = tr[(j + 17) % nt];
        tc2[j] = tc[(j + 17) % nt];
    }
    const double *counts2[2] = {w0, w1};
    ig_lattice L2 = {n, row2, col2, 2, counts2, NULL, 100};
    assert_int_equal(
        ig_neighbourhoods(NULL, &L2, nt, tr2, tc2, &sc, b, NULL, NULL), IG_OK);
    for (size_t g = 0; g < 3; g++)
        for (size_t j = 0; j < nt; j++)
            assert_true(b[g * nt + j] == a[g * nt + (j + 17) % nt]);
    free(row);
    free(col);
    free(v0);
    free(v1);
    free(tr);
    free(tc);
    free(a);
    free(b);
    free(row2);
    free(col2);
    free(w0);
    free(w1);
    free(tr2);
    free(tc2);
}

/* Fail every allocation in turn: each failure is IG_ERR_NOMEM and leaks
 * nothing, and once past the last allocation the call succeeds. Unsorted
 * input exercises the sort; the FFT path its own blocks. */
static void alloc_loop(const rlat *r, ig_kernel k, double radius,
                       ig__focal_method m, int threads)
{
    ig__ktable kt = {0, 0, NULL};
    assert_int_equal(ig__ktable_make(NULL, k, radius, 100, &kt, NULL), IG_OK);
    ig__focal_opts o = {0, m};
    double *out = malloc(3 * r->nt * sizeof *out);
    int done = 0;
    for (long n = 1; n < 10000 && !done; n++) {
        fail_alloc fa = {0};
        fa.fail_at = n;
        ig_ctx *ctx = make_fail_ctx(&fa, threads);
        ig_error err = {0};
        ig_status st =
            ig__focal_run(ctx, &r->L, r->nt, r->tr, r->tc, &kt, &o, out, &err);
        ig_ctx_destroy(ctx);
        assert_int_equal(fa.live, 0);
        if (st == IG_OK) {
            done = fa.failures == 0;
            if (threads == 1) assert_int_equal(fa.failures, 0);
            continue;
        }
        assert_int_equal(st, IG_ERR_NOMEM);
        assert_non_null(strstr(err.msg, "out of memory"));
    }
    assert_true(done);
    ig__ktable_free(NULL, &kt);
    free(out);
}

static void test_allocation_failures(void **state)
{
    (void)state;
    rlat r;
    rlat_make(&r, 11, 600, -40, 90, 300, 1, 100); /* unsorted */
    alloc_loop(&r, IG_KERNEL_DISC, 400.0, IG__FOCAL_AUTO, 1);
    alloc_loop(&r, IG_KERNEL_GAUSSIAN, 2000.0, IG__FOCAL_FFT, 1);
    alloc_loop(&r, IG_KERNEL_SQUARE, 300.0, IG__FOCAL_AUTO, 2);
    /* several scales at once */
    int reached = 0;
    for (long n = 1; n < 1000 && !reached; n++) {
        fail_alloc fa = {0};
        fa.fail_at = n;
        ig_ctx *ctx = make_fail_ctx(&fa, 1);
        ig__ktable kt[3];
        const double radii[3] = {100.0, 250.0, 50.0};
        for (int i = 0; i < 3; i++)
            assert_int_equal(ig__ktable_make(NULL, IG_KERNEL_DISC, radii[i],
                                             100, &kt[i], NULL),
                             IG_OK);
        const ig__ktable *kp[3] = {&kt[0], &kt[1], &kt[2]};
        double *o[3];
        for (int i = 0; i < 3; i++) o[i] = malloc(3 * r.nt * sizeof *o[i]);
        ig_status st =
            ig__focal_multi(ctx, &r.L, r.nt, r.tr, r.tc, 3, kp, o, NULL);
        ig_ctx_destroy(ctx);
        for (int i = 0; i < 3; i++) {
            free(o[i]);
            ig__ktable_free(NULL, &kt[i]);
        }
        assert_int_equal(fa.live, 0);
        reached = st == IG_OK;
        if (!reached) assert_int_equal(st, IG_ERR_NOMEM);
    }
    assert_true(reached);
    /* the public entry point too */
    reached = 0;
    for (long n = 1; n < 1000 && !reached; n++) {
        fail_alloc fa = {0};
        fa.fail_at = n;
        ig_ctx *ctx = make_fail_ctx(&fa, 1);
        double *out = malloc(3 * r.nt * sizeof *out);
        ig_scale s = {IG_KERNEL_BIWEIGHT, 700.0, 0.0};
        ig_status st =
            ig_neighbourhoods(ctx, &r.L, r.nt, r.tr, r.tc, &s, out, NULL, NULL);
        ig_ctx_destroy(ctx);
        free(out);
        assert_int_equal(fa.live, 0);
        reached = st == IG_OK;
        if (!reached) assert_int_equal(st, IG_ERR_NOMEM);
    }
    assert_true(reached);
    rlat_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_disc_and_square),
        cmocka_unit_test(test_hand_weighted),
        cmocka_unit_test(test_focal_cell_always_included),
        cmocka_unit_test(test_groups_totals_and_repeats),
        cmocka_unit_test(test_reach),
        cmocka_unit_test(test_empty_lattice_gives_zeros),
        cmocka_unit_test(test_fast_equals_brute_on_random_lattices),
        cmocka_unit_test(test_fractional_counts_close_to_brute),
        cmocka_unit_test(test_multi_equals_one_by_one),
        cmocka_unit_test(test_fft_matches_direct),
        cmocka_unit_test(test_threads_give_identical_bits),
        cmocka_unit_test(test_input_order_does_not_matter),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests_name("focal", tests, NULL, NULL);
}
