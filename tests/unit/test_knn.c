/* k nearest residents (src/spatial/knn.c): hand-computed neighbourhoods
 * (tie rings split in proportion, everyone, the focal cell alone, empty
 * lattices, repeated cells, a total apart from the groups), the fast
 * search against the brute-force sort on random sparse lattices with
 * far-apart clusters and targets outside them, independence of thread count
 * and target order, the several-k entry, allocation failures and bad k. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "spatial/knn.h"
#include "test_support.h"

/* ---- helpers ------------------------------------------------------------- */

typedef struct lat {
    size_t n, ng;
    int32_t *row, *col;
    double *cnt[8];
    double *tot;
    ig_lattice L;
} lat;

static void lat_init(lat *l, size_t n, size_t ng, int with_total)
{
    memset(l, 0, sizeof *l);
    l->n = n;
    l->ng = ng;
    l->row = calloc(n ? n : 1, sizeof *l->row);
    l->col = calloc(n ? n : 1, sizeof *l->col);
    for (size_t g = 0; g < ng; g++) l->cnt[g] = calloc(n ? n : 1, sizeof(double));
    if (with_total) l->tot = calloc(n ? n : 1, sizeof *l->tot);
    l->L.n = n;
    l->L.row = l->row;
    l->L.col = l->col;
    l->L.n_groups = ng;
    l->L.counts = (const double *const *)l->cnt;
    l->L.total = l->tot;
    l->L.cell_m = 100;
}

static void lat_free(lat *l)
{
    free(l->row);
    free(l->col);
    for (size_t g = 0; g < l->ng; g++) free(l->cnt[g]);
    free(l->tot);
}

static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = (*s += 0x9e3779b97f4a7c15ull);
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static double rng_unit(uint64_t *s)
{
    return (double)(rng_next(s) >> 11) * 0x1.0p-53;
}

static int64_t rng_int(uint64_t *s, int64_t lo, int64_t hi)
{
    return lo + (int64_t)(rng_next(s) % (uint64_t)(hi - lo + 1));
}

/* Run the fast search for one target, two groups. */
static void one(const ig_lattice *L, int32_t r, int32_t c, double k,
                double *out3, double *reach)
{
    ig_error err = {0};
    assert_int_equal(ig__knn(NULL, L, 1, &r, &c, k, out3, reach, &err),
                     IG_OK);
    double b[3], rb;
    assert_int_equal(ig__knn_brute(NULL, L, 1, &r, &c, k, b, &rb, &err),
                     IG_OK);
    for (int a = 0; a < 3; a++) assert_true(close_rel(out3[a], b[a], 1e-12));
    assert_true(*reach == rb);
}

/* ---- hand-computed cases -------------------------------------------------- */

/* A focal cell of 10 (group A) at (0, 0) and its four rook neighbours of 5
 * (group B) each; cells of 100 m. */
static void make_cross(lat *l)
{
    lat_init(l, 5, 2, 0);
    int32_t rr[5] = {0, 1, -1, 0, 0}, cc[5] = {0, 0, 0, 1, -1};
    for (size_t i = 0; i < 5; i++) {
        l->row[i] = rr[i];
        l->col[i] = cc[i];
        l->cnt[0][i] = i == 0 ? 10.0 : 0.0;
        l->cnt[1][i] = i == 0 ? 0.0 : 5.0;
    }
}

static void test_tie_ring_split(void **state)
{
    (void)state;
    lat l;
    make_cross(&l);
    double o[3], r;
    /* k = 20: focal 10, then the ring at distance 1 holds 20 for 10 more
     * places: each neighbour gives half (f = 0.5) */
    one(&l.L, 0, 0, 20.0, o, &r);
    assert_true(o[0] == 10.0 && o[1] == 10.0 && o[2] == 20.0);
    assert_true(r == 100.0);
    /* k = 25: f = 0.75 */
    one(&l.L, 0, 0, 25.0, o, &r);
    assert_true(o[0] == 10.0 && o[1] == 15.0 && o[2] == 25.0);
    /* from the east neighbour: itself (5), then the focal cell at L = 1
     * gives 7 of its 10 for k = 12 */
    one(&l.L, 0, 1, 12.0, o, &r);
    assert_true(close_rel(o[0], 7.0, 1e-15) && o[1] == 5.0 && o[2] == 12.0);
    assert_true(r == 100.0);
    /* an empty target at (2, 2): (1, 0) and (0, 1) at L = 5 hold 10, of
     * which k = 6 takes 60 % */
    one(&l.L, 2, 2, 6.0, o, &r);
    assert_true(o[0] == 0.0 && close_rel(o[1], 6.0, 1e-15) && o[2] == 6.0);
    assert_true(close_rel(r, 100.0 * sqrt(5.0), 1e-15));
    lat_free(&l);
}

static void test_focal_alone_and_everyone(void **state)
{
    (void)state;
    lat l;
    make_cross(&l);
    double o[3], r;
    one(&l.L, 0, 0, 10.0, o, &r); /* exactly the focal cell */
    assert_true(o[0] == 10.0 && o[1] == 0.0 && o[2] == 10.0 && r == 0.0);
    one(&l.L, 0, 0, 4.0, o, &r); /* 40 % of the focal cell */
    assert_true(close_rel(o[0], 4.0, 1e-15) && o[1] == 0.0 && r == 0.0);
    one(&l.L, 0, 0, 1.0, o, &r);
    assert_true(close_rel(o[0], 1.0, 1e-15) && o[2] == 1.0);
    one(&l.L, 0, 0, 30.0, o, &r); /* exactly everyone */
    assert_true(o[0] == 10.0 && o[1] == 20.0 && o[2] == 30.0 && r == 100.0);
    one(&l.L, 0, 0, 1000.0, o, &r); /* more than everyone */
    assert_true(o[0] == 10.0 && o[1] == 20.0 && o[2] == 30.0 && r == 100.0);
    /* everyone from the west neighbour: the farthest cell is 2 cells east */
    one(&l.L, 0, -1, 31.0, o, &r);
    assert_true(o[2] == 30.0 && r == 200.0);
    /* everyone from far away: reach is the farthest cell, not the nearest */
    one(&l.L, 0, 1000, 31.0, o, &r);
    assert_true(o[2] == 30.0 && r == 100.0 * 1001.0);
    lat_free(&l);
}

/* Targets in one row, out of order (the target sort then needs one pass):
 * each result as if computed alone. */
static void test_targets_out_of_order(void **state)
{
    (void)state;
    lat l;
    make_cross(&l);
    int32_t tr[5] = {0, 0, 0, 0, 0}, tc[5] = {3, -1, 0, 2, -1};
    double o[15], r[5];
    assert_int_equal(ig__knn(NULL, &l.L, 5, tr, tc, 12.0, o, r, NULL), IG_OK);
    for (size_t j = 0; j < 5; j++) {
        double oj[3], rj;
        one(&l.L, tr[j], tc[j], 12.0, oj, &rj);
        for (size_t a = 0; a < 3; a++) assert_true(o[a * 5 + j] == oj[a]);
        assert_true(r[j] == rj);
    }
    /* target 1 and 4 are the same cell */
    assert_true(o[1] == o[4] && o[6] == o[9] && r[1] == r[4]);
    lat_free(&l);
}

static void test_empty(void **state)
{
    (void)state;
    lat l;
    lat_init(&l, 0, 2, 0);
    int32_t tr[2] = {0, 5}, tc[2] = {0, -7};
    double o[6], r[2];
    for (int i = 0; i < 6; i++) o[i] = -1.0;
    r[0] = r[1] = -1.0;
    assert_int_equal(ig__knn(NULL, &l.L, 2, tr, tc, 50.0, o, r, NULL), IG_OK);
    for (int i = 0; i < 6; i++) assert_true(o[i] == 0.0);
    assert_true(r[0] == 0.0 && r[1] == 0.0);
    lat_free(&l);
    /* cells without residents are an empty lattice as well */
    lat_init(&l, 3, 2, 0);
    l.row[1] = 4;
    for (int i = 0; i < 6; i++) o[i] = -1.0;
    assert_int_equal(ig__knn(NULL, &l.L, 2, tr, tc, 50.0, o, r, NULL), IG_OK);
    for (int i = 0; i < 6; i++) assert_true(o[i] == 0.0);
    assert_true(r[0] == 0.0 && r[1] == 0.0);
    assert_int_equal(ig__knn_brute(NULL, &l.L, 2, tr, tc, 50.0, o, r, NULL),
                     IG_OK);
    for (int i = 0; i < 6; i++) assert_true(o[i] == 0.0);
    lat_free(&l);
}

/* Parts of one cell add up; a total apart from the groups counts the
 * residents while the groups keep their own counts. */
static void test_repeats_and_total(void **state)
{
    (void)state;
    lat l;
    lat_init(&l, 3, 2, 1);
    /* (0, 0) twice: A 4 + 6, total 12 + 8 (residents of no listed group);
     * (0, 3): B 10, total 10 */
    l.col[2] = 3;
    l.cnt[0][0] = 4.0;
    l.cnt[0][1] = 6.0;
    l.tot[0] = 12.0;
    l.tot[1] = 8.0;
    l.cnt[1][2] = 10.0;
    l.tot[2] = 10.0;
    double o[3], r;
    one(&l.L, 0, 0, 20.0, o, &r); /* the repeated cell alone: 20 residents */
    assert_true(o[0] == 10.0 && o[1] == 0.0 && o[2] == 20.0 && r == 0.0);
    one(&l.L, 0, 0, 25.0, o, &r); /* half of (0, 3) */
    assert_true(o[0] == 10.0 && o[1] == 5.0 && o[2] == 25.0 && r == 300.0);
    one(&l.L, 0, 0, 10.0, o, &r); /* half of the merged cell */
    assert_true(o[0] == 5.0 && o[1] == 0.0 && o[2] == 10.0);
    lat_free(&l);
}

/* ---- fast against brute force ------------------------------------------- */

/* Clusters far apart (one 4,000 cells away, one tiny island), holes,
 * repeated cells, empty cells; integer counts or not. */
static void make_random_ng(lat *l, uint64_t seed, size_t n, size_t ng,
                           int integer, int with_total)
{
    uint64_t s = seed;
    lat_init(l, n, ng, with_total);
    const int32_t cr[4] = {0, 4000, -30, 120}, cc[4] = {0, -2500, 60, 9000};
    const int32_t rad[4] = {25, 12, 40, 1};
    for (size_t i = 0; i < n; i++) {
        size_t q = (size_t)rng_int(&s, 0, 9);
        q = q < 5 ? 0 : q < 7 ? 1 : q < 9 ? 2 : 3;
        l->row[i] = cr[q] + (int32_t)rng_int(&s, -rad[q], rad[q]);
        l->col[i] = cc[q] + (int32_t)rng_int(&s, -rad[q], rad[q]);
        double t = 0.0;
        for (size_t g = 0; g < ng; g++) {
            double v = integer ? (double)rng_int(&s, 0, 12)
                               : 12.0 * rng_unit(&s);
            if (rng_unit(&s) < 0.2) v = 0.0;
            l->cnt[g][i] = v;
            t += v;
        }
        if (with_total)
            l->tot[i] = t + (integer ? (double)rng_int(&s, 0, 3) : rng_unit(&s));
    }
}

static void make_random(lat *l, uint64_t seed, size_t n, int integer,
                        int with_total)
{
    make_random_ng(l, seed, n, 3, integer, with_total);
}

static void compare(const lat *l, uint64_t seed, const double *ks, size_t nk,
                    int exact_reach)
{
    uint64_t s = seed ^ 0x5555;
    size_t nt = 260;
    int32_t *tr = malloc(nt * sizeof *tr), *tc = malloc(nt * sizeof *tc);
    for (size_t j = 0; j < nt; j++) {
        if (j < 200) { /* at lattice points, in no particular order */
            size_t i = (size_t)rng_int(&s, 0, (int64_t)l->n - 1);
            tr[j] = l->row[i] + (int32_t)rng_int(&s, -2, 2);
            tc[j] = l->col[i] + (int32_t)rng_int(&s, -2, 2);
        } else { /* anywhere, far outside as well */
            tr[j] = (int32_t)rng_int(&s, -9000, 9000);
            tc[j] = (int32_t)rng_int(&s, -9000, 12000);
        }
    }
    size_t na = l->ng + 1;
    double *a = malloc(na * nt * sizeof *a), *b = malloc(na * nt * sizeof *b);
    double *ra = malloc(nt * sizeof *ra), *rb = malloc(nt * sizeof *rb);
    for (size_t q = 0; q < nk; q++) {
        ig_error err = {0};
        assert_int_equal(ig__knn(NULL, &l->L, nt, tr, tc, ks[q], a, ra, &err),
                         IG_OK);
        assert_int_equal(
            ig__knn_brute(NULL, &l->L, nt, tr, tc, ks[q], b, rb, &err), IG_OK);
        for (size_t j = 0; j < nt; j++) {
            for (size_t g = 0; g < na; g++)
                if (!close_rel(a[g * nt + j], b[g * nt + j], 1e-9))
                    fail_msg("k %g target %zu (%d, %d) value %zu: fast %.17g "
                             "brute %.17g",
                             ks[q], j, tr[j], tc[j], g, a[g * nt + j],
                             b[g * nt + j]);
            if (exact_reach ? ra[j] != rb[j] : !close_rel(ra[j], rb[j], 1e-6))
                fail_msg("k %g target %zu: reach fast %.17g brute %.17g",
                         ks[q], j, ra[j], rb[j]);
        }
    }
    free(a);
    free(b);
    free(ra);
    free(rb);
    free(tr);
    free(tc);
}

static double lattice_pop(const lat *l)
{
    double t = 0.0;
    for (size_t i = 0; i < l->n; i++) {
        if (l->tot) {
            t += l->tot[i];
            continue;
        }
        for (size_t g = 0; g < l->ng; g++) t += l->cnt[g][i];
    }
    return t;
}

static void test_fast_equals_brute_integer(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 4; seed++) {
        lat l;
        make_random(&l, seed, 1500 + 500 * (size_t)seed, 1, seed % 2 == 0);
        double T = lattice_pop(&l);
        double ks[] = {1.0, 7.5, 50.0, 333.0, 2000.0, 9000.0, T - 1.0, T,
                       T + 5.0};
        compare(&l, seed, ks, sizeof ks / sizeof *ks, 1);
        lat_free(&l);
    }
}

static void test_fast_equals_brute_fractional(void **state)
{
    (void)state;
    for (uint64_t seed = 11; seed <= 13; seed++) {
        lat l;
        make_random(&l, seed, 1800, 0, seed == 12);
        double T = lattice_pop(&l);
        double ks[] = {1.0, 3.3, 77.7, 600.0, 5000.0, 0.9 * T, T + 1.0};
        compare(&l, seed, ks, sizeof ks / sizeof *ks, 1);
        lat_free(&l);
    }
}

/* One group, and more groups than the unrolled cases (population from the
 * groups, or a total). */
static void test_group_counts(void **state)
{
    (void)state;
    const size_t ngs[3] = {1, 2, 6};
    for (size_t t = 0; t < 3; t++) {
        lat l;
        make_random_ng(&l, 40 + t, 1200, ngs[t], t != 1, t == 2);
        double T = lattice_pop(&l);
        double ks[] = {1.0, 90.0, 1500.0, T + 1.0};
        compare(&l, 40 + t, ks, sizeof ks / sizeof *ks, 1);
        lat_free(&l);
    }
}

/* A dense block (every gallop short) and a lone cell far along one of its
 * rows, so that row's column lookup searches inside a crowded chunk. */
static void test_dense_block(void **state)
{
    (void)state;
    lat l;
    size_t side = 60, n = side * side + 1;
    lat_init(&l, n, 3, 0);
    uint64_t s = 99;
    for (size_t i = 0; i < side * side; i++) {
        l.row[i] = (int32_t)(i / side);
        l.col[i] = (int32_t)(i % side);
        for (size_t g = 0; g < 3; g++)
            l.cnt[g][i] = (double)rng_int(&s, g == 0 ? 1 : 0, 30);
    }
    /* in the row of the block: a row whose span is mostly empty */
    l.row[n - 1] = 30;
    l.col[n - 1] = 200000;
    l.cnt[1][n - 1] = 3.0;
    double ks[] = {2.0, 200.0, 1600.0, 25600.0};
    compare(&l, 7, ks, sizeof ks / sizeof *ks, 1);
    lat_free(&l);
}

/* The real Frankfurt 100 m grid (skipped when ../shared/data lacks it):
 * fast against brute force for every 97th cell and a cell far outside. */
static void test_frankfurt(void **state)
{
    (void)state;
    const char *path =
        shared_path("de_frankfurt_zensus2011_100m_birth_citizenship.csv");
    if (!path) skip();
    ig_read_opts o;
    ig_read_opts_init(&o);
    const char *groups[] = {"DE=BORN_DE", "EU=BORN_EU27",
                            "OTHER=BORN_EUR_OTH+BORN_WORLD_OTH+BORN_OTHER"};
    o.groups = groups;
    o.n_groups = 3;
    o.total_col = "BORN_TOTAL";
    ig_grid *g = NULL;
    ig_error err = {0};
    assert_int_equal(ig_grid_read_path(NULL, path, &o, &g, &err), IG_OK);
    size_t n = ig_grid_ncells(g);
    const double *cnt[3] = {ig_grid_counts(g, 0), ig_grid_counts(g, 1),
                            ig_grid_counts(g, 2)};
    ig_lattice L = {n, ig_grid_rows(g), ig_grid_cols(g), 3, cnt,
                    ig_grid_totals(g), ig_grid_cell_size_m(g)};
    size_t nt = n / 97 + 1;
    int32_t *tr = malloc(nt * sizeof *tr), *tc = malloc(nt * sizeof *tc);
    for (size_t j = 0; j + 1 < nt; j++) {
        tr[j] = L.row[j * 97];
        tc[j] = L.col[j * 97];
    }
    tr[nt - 1] = L.row[0] - 500; /* 50 km south of the tile */
    tc[nt - 1] = L.col[0];
    double *a = malloc(4 * nt * sizeof *a), *b = malloc(4 * nt * sizeof *b);
    double *ra = malloc(nt * sizeof *ra), *rb = malloc(nt * sizeof *rb);
    const double ks[] = {200.0, 25600.0, 2e6};
    for (size_t q = 0; q < 3; q++) {
        assert_int_equal(ig__knn(NULL, &L, nt, tr, tc, ks[q], a, ra, &err),
                         IG_OK);
        assert_int_equal(
            ig__knn_brute(NULL, &L, nt, tr, tc, ks[q], b, rb, &err), IG_OK);
        for (size_t j = 0; j < nt; j++) {
            for (size_t v = 0; v < 4; v++)
                assert_true(close_rel(a[v * nt + j], b[v * nt + j], 1e-12));
            assert_true(ra[j] == rb[j]);
        }
    }
    /* k = 2 million is everyone: every resident of the tile (about 630,000) */
    double T = 0.0;
    for (size_t i = 0; i < n; i++) T += ig_grid_totals(g)[i];
    assert_true(T > 5e5 && T < 2e6);
    for (size_t j = 0; j < nt; j++) assert_true(a[3 * nt + j] == T);
    free(a);
    free(b);
    free(ra);
    free(rb);
    free(tr);
    free(tc);
    ig_grid_destroy(g);
}

/* ---- determinism ------------------------------------------------------------ */

static void run_all(ig_ctx *ctx, const lat *l, size_t nt, const int32_t *tr,
                    const int32_t *tc, double k, double *o, double *r)
{
    ig_error err = {0};
    assert_int_equal(ig__knn(ctx, &l->L, nt, tr, tc, k, o, r, &err), IG_OK);
}

static void test_threads_and_order(void **state)
{
    (void)state;
    lat l;
    make_random(&l, 21, 4000, 0, 0);
    size_t nt = 5000, na = 4;
    int32_t *tr = malloc(nt * sizeof *tr), *tc = malloc(nt * sizeof *tc);
    int32_t *sr = malloc(nt * sizeof *sr), *sc = malloc(nt * sizeof *sc);
    uint64_t s = 5;
    for (size_t j = 0; j < nt; j++) {
        size_t i = (size_t)rng_int(&s, 0, (int64_t)l.n - 1);
        tr[j] = l.row[i] + (int32_t)rng_int(&s, -3, 3);
        tc[j] = l.col[i] + (int32_t)rng_int(&s, -3, 3);
    }
    /* the same targets reversed */
    for (size_t j = 0; j < nt; j++) {
        sr[j] = tr[nt - 1 - j];
        sc[j] = tc[nt - 1 - j];
    }
    double *o1 = malloc(na * nt * sizeof *o1), *o4 = malloc(na * nt * sizeof *o4);
    double *os = malloc(na * nt * sizeof *os);
    double *r1 = malloc(nt * sizeof *r1), *r4 = malloc(nt * sizeof *r4);
    double *rs = malloc(nt * sizeof *rs);
    ig_ctx_opts opts = {0};
    opts.n_threads = 4;
    ig_ctx *c4 = NULL;
    assert_int_equal(ig_ctx_create(&opts, &c4), IG_OK);
    const double ks[] = {13.7, 400.0, 3000.0};
    for (size_t q = 0; q < 3; q++) {
        run_all(NULL, &l, nt, tr, tc, ks[q], o1, r1);
        run_all(c4, &l, nt, tr, tc, ks[q], o4, r4);
        run_all(c4, &l, nt, sr, sc, ks[q], os, rs);
        assert_memory_equal(o1, o4, na * nt * sizeof *o1);
        assert_memory_equal(r1, r4, nt * sizeof *r1);
        for (size_t j = 0; j < nt; j++) {
            for (size_t a = 0; a < na; a++)
                if (memcmp(&o1[a * nt + j], &os[a * nt + nt - 1 - j],
                           sizeof(double)) != 0)
                    fail_msg("k %g target %zu (%d, %d) value %zu: %.17g "
                             "reversed %.17g",
                             ks[q], j, tr[j], tc[j], a, o1[a * nt + j],
                             os[a * nt + nt - 1 - j]);
            assert_true(memcmp(&r1[j], &rs[nt - 1 - j], sizeof(double)) == 0);
        }
    }
    /* several k at once: each k bit for bit as alone, in any order */
    const double km[] = {3000.0, 13.7, 400.0};
    double *om = malloc(3 * na * nt * sizeof *om);
    double *rm = malloc(3 * nt * sizeof *rm);
    ig_error err = {0};
    assert_int_equal(ig__knn_multi(c4, &l.L, nt, tr, tc, km, 3, om, rm, &err),
                     IG_OK);
    for (size_t q = 0; q < 3; q++) {
        run_all(NULL, &l, nt, tr, tc, km[q], o1, r1);
        assert_memory_equal(o1, om + q * na * nt, na * nt * sizeof *o1);
        assert_memory_equal(r1, rm + q * nt, nt * sizeof *r1);
    }
    ig_ctx_destroy(c4);
    free(om);
    free(rm);
    free(o1);
    free(o4);
    free(os);
    free(r1);
    free(r4);
    free(rs);
    free(tr);
    free(tc);
    free(sr);
    free(sc);
    lat_free(&l);
}

/* ---- allocation failures and bad input ---------------------------------------- */

static void test_allocation_failures(void **state)
{
    (void)state;
    lat l;
    make_random(&l, 31, 600, 1, 0);
    size_t nt = 1500; /* two blocks, shuffled (the target sort allocates) */
    int32_t *tr = malloc(nt * sizeof *tr), *tc = malloc(nt * sizeof *tc);
    for (size_t j = 0; j < nt; j++) {
        tr[j] = l.row[(j * 7919) % l.n];
        tc[j] = l.col[(j * 7919) % l.n] + 1;
    }
    double *o = malloc(4 * nt * sizeof *o), *r = malloc(nt * sizeof *r);
    double *ref = malloc(4 * nt * sizeof *ref);
    assert_int_equal(ig__knn(NULL, &l.L, nt, tr, tc, 500.0, ref, r, NULL),
                     IG_OK);
    int done = 0;
    for (long fail = 1; fail < 500 && !done; fail++) {
        for (int threads = 1; threads <= 2; threads++) {
            fail_alloc fa = {0};
            fa.fail_at = fail;
            ig_ctx *ctx = make_fail_ctx(&fa, threads);
            ig_error err = {0};
            ig_status st = ig__knn(ctx, &l.L, nt, tr, tc, 500.0, o, r, &err);
            if (fa.failures == 0) {
                assert_int_equal(st, IG_OK);
                assert_memory_equal(o, ref, 4 * nt * sizeof *o);
                if (threads == 1) done = 1;
            } else {
                assert_int_equal(st, IG_ERR_NOMEM);
                assert_non_null(strstr(err.msg, "out of memory"));
            }
            ig_ctx_destroy(ctx);
            if (fa.live != 0)
                fail_msg("leak after failing allocation %ld (%d threads)",
                         fail, threads);
        }
    }
    assert_true(done);
    free(o);
    free(r);
    free(ref);
    free(tr);
    free(tc);
    lat_free(&l);
}

static void test_bad_input(void **state)
{
    (void)state;
    lat l;
    make_cross(&l);
    int32_t r = 0, c = 0;
    double o[3], reach;
    const double bad[] = {0.0, -5.0, 0.5, NAN, INFINITY};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ig_error err = {0};
        assert_int_equal(ig__knn(NULL, &l.L, 1, &r, &c, bad[i], o, &reach,
                                 &err),
                         IG_ERR_DOMAIN);
        assert_non_null(strstr(err.msg, "k >= 1"));
        memset(&err, 0, sizeof err);
        assert_int_equal(ig__knn_brute(NULL, &l.L, 1, &r, &c, bad[i], o,
                                       &reach, &err),
                         IG_ERR_DOMAIN);
        assert_non_null(strstr(err.msg, "k >= 1"));
    }
    const double ks[2] = {10.0, -1.0};
    double om[6];
    ig_error err = {0};
    assert_int_equal(ig__knn_multi(NULL, &l.L, 1, &r, &c, ks, 2, om, NULL,
                                   &err),
                     IG_ERR_DOMAIN);
    /* a negative count, a NaN count, a bad total, a bad cell size */
    l.cnt[1][3] = -1.0;
    memset(&err, 0, sizeof err);
    assert_int_equal(ig__knn(NULL, &l.L, 1, &r, &c, 10.0, o, NULL, &err),
                     IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "point 4"));
    assert_non_null(strstr(err.msg, ">= 0"));
    l.cnt[1][3] = NAN;
    assert_int_equal(ig__knn(NULL, &l.L, 1, &r, &c, 10.0, o, NULL, &err),
                     IG_ERR_DOMAIN);
    l.cnt[1][3] = 5.0;
    l.L.cell_m = 0;
    memset(&err, 0, sizeof err);
    assert_int_equal(ig__knn(NULL, &l.L, 1, &r, &c, 10.0, o, NULL, &err),
                     IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "cell size"));
    l.L.cell_m = 100;
    int32_t far = 2000000000;
    assert_int_equal(ig__knn(NULL, &l.L, 1, &far, &c, 10.0, o, NULL, &err),
                     IG_ERR_DOMAIN);
    assert_int_equal(ig__knn(NULL, &l.L, 1, &r, &c, 10.0, o, NULL, &err),
                     IG_OK);
    lat_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tie_ring_split),
        cmocka_unit_test(test_focal_alone_and_everyone),
        cmocka_unit_test(test_targets_out_of_order),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_repeats_and_total),
        cmocka_unit_test(test_fast_equals_brute_integer),
        cmocka_unit_test(test_fast_equals_brute_fractional),
        cmocka_unit_test(test_group_counts),
        cmocka_unit_test(test_dense_block),
        cmocka_unit_test(test_frankfurt),
        cmocka_unit_test(test_threads_and_order),
        cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
