/* Benchmarking (ig_bench_run, ig_bench_find) on hand-made tables whose
 * answers are worked out in the comments: ranks with ties, percentiles,
 * medians, undefined values, band edges (50,000; 1,000,000; 5 %), the
 * same-class rule, k nearest peers with z-scores and distances on +-1
 * patterns, ties broken by id, dropped variables (sd 0, unknown), skipped
 * candidates, row-order independence, bad input, name look-up (id, name
 * ignoring case in several scripts, prefix, ambiguity, closest names) and
 * allocation failures. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "integrid/ig_peers.h"
#include "test_support.h"

#define TOL 1e-12
#define C "urban_centre"
#define K "urban_cluster"

static void assert_close(double got, double want)
{
    if (isnan(want)) {
        if (!isnan(got)) fail_msg("got %.17g, want NaN", got);
        return;
    }
    if (!(fabs(got - want) <= TOL * fmax(1.0, fabs(want))))
        fail_msg("got %.17g, want %.17g", got, want);
}

/* ---- table 1: sets, ranks, percentiles, medians ------------------------ */

/* Twelve places; the benchmarked one is row 0 (c1 Alpha: centre, FR,
 * exactly 50,000 residents -> band 50k-100k, exactly 5 % foreign-born ->
 * band 5-10 %). m0 has distinct values around it, m1 is undefined
 * everywhere, m2 has ties. */
#define N1 12
#define M1 3
static const ig_bench_place T1[N1] = {
    {"c1", "Alpha", C, "FR", 50000, 0.05, NAN, NAN, NAN},
    {"c2", "Beta", C, "FR", 49999, 0.10, NAN, NAN, NAN},
    {"c3", "Gamma", C, "FR", 1000000, 0.30, NAN, NAN, NAN},
    {"c4", "Delta", C, "FR", 999999, 0.09, NAN, NAN, NAN},
    {"c5", "Epsilon", C, "DE", 120000, 0.049, NAN, NAN, NAN},
    {"c6", "Zeta", C, "DE", 60000, 0.07, NAN, NAN, NAN},
    {"c7", "Eta", C, "DE", 2000000, 0.35, NAN, NAN, NAN},
    {"c8", "Theta", C, "NL", 80000, 0.12, NAN, NAN, NAN},
    {"c9", "Iota", C, "NL", 300000, NAN, NAN, NAN, NAN},
    {"k1", "Alpha", K, "FR", 60000, 0.06, NAN, NAN, NAN},
    {"k2", "Kappa", K, "FR", 55000, 0.05, NAN, NAN, NAN},
    {"k3", "Lambda", K, "DE", 7000, 0.02, NAN, NAN, NAN},
};
static const double V1[N1 * M1] = {
    0.30, NAN, 1,   /* c1 */
    0.50, NAN, 1,   /* c2 */
    0.40, NAN, 2,   /* c3 */
    NAN,  NAN, 2,   /* c4 */
    0.40, NAN, 1,   /* c5 */
    0.20, NAN, 3,   /* c6 */
    0.60, NAN, 1,   /* c7 */
    0.40, NAN, NAN, /* c8 */
    0.10, NAN, 2,   /* c9 */
    0.90, NAN, 1,   /* k1 */
    0.05, NAN, 1,   /* k2 */
    NAN,  NAN, 1,   /* k3 */
};

static ig_bench_input table1(void)
{
    ig_bench_input in = {N1, T1, M1, V1};
    return in;
}

static void check_stat(const ig_bench *b, size_t m, int set, double value,
                       size_t n_set, size_t n, double rank, double pct,
                       double median)
{
    const ig_bench_stat *s = ig_bench_stat_get(b, m, set);
    assert_non_null(s);
    assert_close(s->value, value);
    assert_int_equal(s->n_set, n_set);
    assert_int_equal(s->n, n);
    assert_close(s->rank, rank);
    assert_close(s->percentile, pct);
    assert_close(s->median, median);
}

static ig_bench *run(const ig_bench_input *in, size_t place, size_t k,
                     int any_class)
{
    ig_bench_opts o;
    ig_bench_opts_init(&o);
    o.k = k;
    o.peers_any_class = any_class;
    ig_bench *b = NULL;
    ig_error err = {0};
    ig_status st = ig_bench_run(NULL, in, place, &o, &b, &err);
    if (st != IG_OK) fail_msg("ig_bench_run: %s", err.msg);
    return b;
}

static void test_sets_ranks_percentiles_medians(void **state)
{
    (void)state;
    ig_bench_input in = table1();
    ig_bench *b = run(&in, 0, 0, 0);
    assert_int_equal(ig_bench_place_row(b), 0);
    assert_int_equal(ig_bench_nmeasures(b), M1);
    assert_int_equal(ig_bench_size_band_of(b), 1);  /* 50,000 is 50k-100k */
    assert_int_equal(ig_bench_share_band_of(b), 1); /* 0.05 is 5-10 % */

    /* m0, class (centres c1..c9; c4 undefined): values 0.3 (the place),
     * 0.5 0.4 0.4 0.2 0.6 0.4 0.1. Five others are higher, two lower:
     * rank 6, percentile 100 x 2/7; sorted 0.1 0.2 0.3 0.4 0.4 0.4 0.5
     * 0.6: median (0.4 + 0.4) / 2. The clusters k1, k2 are not in it. */
    check_stat(b, 0, IG_BENCH_CLASS, 0.30, 9, 8, 6.0, 200.0 / 7.0, 0.40);
    /* class_country FR: c1..c4 = 0.3 0.5 0.4 NaN: rank 3 of 3, 0 %. */
    check_stat(b, 0, IG_BENCH_CLASS_COUNTRY, 0.30, 4, 3, 3.0, 0.0, 0.40);
    /* size band 50k-100k among centres: c1 (50,000), c6 (60,000), c8
     * (80,000); c2 has 49,999 (band <50k); k1 and k2 are clusters.
     * 0.3 0.2 0.4: rank 2, 50 %, median 0.3. */
    check_stat(b, 0, IG_BENCH_SIZE_BAND, 0.30, 3, 3, 2.0, 50.0, 0.30);
    /* share band 5-10 % among centres: c1 (0.05), c4 (0.09), c6 (0.07);
     * c2 (0.10) is in 10-15 %, c5 (0.049) in <5 %, c9 unknown. Values 0.3
     * NaN 0.2: n 2, rank 1, 100 %, median 0.25. */
    check_stat(b, 0, IG_BENCH_SHARE_BAND, 0.30, 3, 2, 1.0, 100.0, 0.25);
    /* k = 0: the peers set is the place alone; no percentile. */
    check_stat(b, 0, IG_BENCH_PEERS, 0.30, 1, 1, 1.0, NAN, 0.30);
    assert_int_equal(ig_bench_npeers(b), 0);
    assert_string_equal(ig_bench_note(b), "");

    /* m1 undefined everywhere: sizes of the sets, nothing else. */
    check_stat(b, 1, IG_BENCH_CLASS, NAN, 9, 0, NAN, NAN, NAN);
    check_stat(b, 1, IG_BENCH_CLASS_COUNTRY, NAN, 4, 0, NAN, NAN, NAN);
    check_stat(b, 1, IG_BENCH_SIZE_BAND, NAN, 3, 0, NAN, NAN, NAN);
    check_stat(b, 1, IG_BENCH_SHARE_BAND, NAN, 3, 0, NAN, NAN, NAN);
    check_stat(b, 1, IG_BENCH_PEERS, NAN, 1, 0, NAN, NAN, NAN);

    /* m2 with ties, place value 1. class: 1 1 2 2 1 3 1 (c8 NaN) 2: four
     * others higher, three equal, none lower: rank 1 + 4 + 3/2 = 6.5,
     * percentile 100 x 1.5 / 7; sorted 1 1 1 1 2 2 2 3: median 1.5. */
    check_stat(b, 2, IG_BENCH_CLASS, 1.0, 9, 8, 6.5, 150.0 / 7.0, 1.5);
    /* FR: 1 1 2 2: rank 1 + 2 + 1/2 = 3.5, 100 x 0.5 / 3, median 1.5. */
    check_stat(b, 2, IG_BENCH_CLASS_COUNTRY, 1.0, 4, 4, 3.5, 50.0 / 3.0, 1.5);
    /* size band: c1 1, c6 3, c8 NaN: rank 2 of 2, 0 %, median 2. */
    check_stat(b, 2, IG_BENCH_SIZE_BAND, 1.0, 3, 2, 2.0, 0.0, 2.0);
    /* share band: c1 1, c4 2, c6 3: rank 3, 0 %, median 2. */
    check_stat(b, 2, IG_BENCH_SHARE_BAND, 1.0, 3, 3, 3.0, 0.0, 2.0);

    /* percentile = 100 (n - rank) / (n - 1) wherever both are defined */
    for (size_t m = 0; m < M1; m++)
        for (int s = 0; s < IG_BENCH_NSETS; s++) {
            const ig_bench_stat *st = ig_bench_stat_get(b, m, s);
            if (isnan(st->percentile)) continue;
            assert_close(st->percentile, 100.0 * ((double)st->n - st->rank) /
                                             ((double)st->n - 1.0));
        }
    assert_null(ig_bench_stat_get(b, M1, 0));
    assert_null(ig_bench_stat_get(b, 0, IG_BENCH_NSETS));
    assert_null(ig_bench_stat_get(b, 0, -1));
    ig_bench_destroy(b);
}

static void test_band_edges_and_undefined_values(void **state)
{
    (void)state;
    ig_bench_input in = table1();
    /* c3, exactly 1,000,000: band >=1M with c7 (2,000,000); 0.4 vs 0.6:
     * rank 2, 0 %, median 0.5. c4 (999,999) is in 250k-1M. */
    ig_bench *b = run(&in, 2, 0, 0);
    assert_int_equal(ig_bench_size_band_of(b), 4);
    check_stat(b, 0, IG_BENCH_SIZE_BAND, 0.40, 2, 2, 2.0, 0.0, 0.5);
    /* share band >=30 %: c3 (0.30) and c7 (0.35) */
    assert_int_equal(ig_bench_share_band_of(b), 5);
    check_stat(b, 0, IG_BENCH_SHARE_BAND, 0.40, 2, 2, 2.0, 0.0, 0.5);
    ig_bench_destroy(b);

    /* c4: band 250k-1M with c9; its own m0 is undefined: no rank, but n
     * and the median of the others (c9: 0.1) are given. */
    b = run(&in, 3, 0, 0);
    assert_int_equal(ig_bench_size_band_of(b), 3);
    check_stat(b, 0, IG_BENCH_SIZE_BAND, NAN, 2, 1, NAN, NAN, 0.10);
    check_stat(b, 0, IG_BENCH_CLASS, NAN, 9, 8, NAN, NAN, 0.40);
    ig_bench_destroy(b);

    /* c9: foreign-born share unknown -> no share band set at all */
    b = run(&in, 8, 0, 0);
    assert_int_equal(ig_bench_share_band_of(b), -1);
    check_stat(b, 0, IG_BENCH_SHARE_BAND, 0.10, 0, 0, NAN, NAN, NAN);
    /* lowest of eight centres: rank 8, 0 % */
    check_stat(b, 0, IG_BENCH_CLASS, 0.10, 9, 8, 8.0, 0.0, 0.40);
    ig_bench_destroy(b);

    /* k2, a cluster: only clusters count. m0 0.9 0.05 NaN -> rank 2 */
    b = run(&in, 10, 0, 0);
    check_stat(b, 0, IG_BENCH_CLASS, 0.05, 3, 2, 2.0, 0.0, 0.475);
    /* k2 (55,000) and k1 (60,000) share band 50k-100k */
    check_stat(b, 0, IG_BENCH_SIZE_BAND, 0.05, 2, 2, 2.0, 0.0, 0.475);
    ig_bench_destroy(b);
}

static void test_band_functions(void **state)
{
    (void)state;
    assert_int_equal(ig_bench_size_band(0), 0);
    assert_int_equal(ig_bench_size_band(49999.999), 0);
    assert_int_equal(ig_bench_size_band(50000), 1);
    assert_int_equal(ig_bench_size_band(99999.5), 1);
    assert_int_equal(ig_bench_size_band(100000), 2);
    assert_int_equal(ig_bench_size_band(250000), 3);
    assert_int_equal(ig_bench_size_band(999999.9), 3);
    assert_int_equal(ig_bench_size_band(1000000), 4);
    assert_int_equal(ig_bench_size_band(-1), -1);
    assert_int_equal(ig_bench_size_band(NAN), -1);
    assert_int_equal(ig_bench_share_band(0), 0);
    assert_int_equal(ig_bench_share_band(0.0499), 0);
    assert_int_equal(ig_bench_share_band(0.05), 1);
    assert_int_equal(ig_bench_share_band(0.1), 2);
    assert_int_equal(ig_bench_share_band(0.15), 3);
    assert_int_equal(ig_bench_share_band(0.2), 4);
    assert_int_equal(ig_bench_share_band(0.2999), 4);
    assert_int_equal(ig_bench_share_band(0.3), 5);
    assert_int_equal(ig_bench_share_band(1.0), 5);
    assert_int_equal(ig_bench_share_band(1.01), -1);
    assert_int_equal(ig_bench_share_band(NAN), -1);
    assert_string_equal(ig_bench_size_band_label(0), "<50k");
    assert_string_equal(ig_bench_size_band_label(4), ">=1M");
    assert_null(ig_bench_size_band_label(5));
    assert_string_equal(ig_bench_share_band_label(1), "5-10%");
    assert_string_equal(ig_bench_share_band_label(5), ">=30%");
    assert_null(ig_bench_share_band_label(-1));
    assert_string_equal(ig_bench_set_name(IG_BENCH_CLASS), "class");
    assert_string_equal(ig_bench_set_name(IG_BENCH_PEERS), "peers");
    assert_null(ig_bench_set_name(IG_BENCH_NSETS));
}

/* ---- table 2: peers --------------------------------------------------- */

/* Eight centres with 100,000 residents each (log population: sd 0,
 * dropped) and no movers column (dropped). Each of foreign share, EU
 * share and density takes a low value (0.125, 0.25, 1000) or a high one
 * (0.375, 0.75, 3000), four times each: mean 0.25, 0.5, 2000 and sd
 * 0.125, 0.25, 1000, so every z is -1 or +1. The place p0 is low on all
 * three; each other sign pattern appears once. Distances from p0: one
 * variable differs -> 2; two -> sqrt 8; three -> sqrt 12. Two clusters,
 * q0 (low, low, low) and q1 (high, high, high), keep the means and sds
 * when every class is pooled. */
#define LO_F 0.125
#define HI_F 0.375
#define LO_E 0.25
#define HI_E 0.75
#define LO_D 1000.0
#define HI_D 3000.0
#define N2 10
static const ig_bench_place T2[N2] = {
    {"p0", "Place", C, "XX", 1e5, LO_F, LO_E, LO_D, NAN},
    {"p6", "Six", C, "XX", 1e5, HI_F, LO_E, LO_D, NAN},
    {"p3", "Three", C, "XX", 1e5, LO_F, HI_E, LO_D, NAN},
    {"p5", "Five", C, "XX", 1e5, LO_F, LO_E, HI_D, NAN},
    {"p2", "Two", C, "XX", 1e5, HI_F, HI_E, LO_D, NAN},
    {"p7", "Seven", C, "XX", 1e5, HI_F, LO_E, HI_D, NAN},
    {"p1", "One", C, "XX", 1e5, LO_F, HI_E, HI_D, NAN},
    {"p4", "Four", C, "XX", 1e5, HI_F, HI_E, HI_D, NAN},
    {"q0", "Cluster low", K, "XX", 1e5, LO_F, LO_E, LO_D, NAN},
    {"q1", "Cluster high", K, "XX", 1e5, HI_F, HI_E, HI_D, NAN},
};
/* one measure; p0 0.5 and its peers p3 0.1, p5 0.9, p6 0.5, p1 NaN */
static const double V2[N2] = {0.5, 0.5, 0.1, 0.9, 0.7, 0.3, NAN, 0.2, 0.0, 1.0};

static void check_peer(const ig_bench *b, const ig_bench_input *in, size_t j,
                       const char *id, double dist, double zf, double ze,
                       double zd)
{
    const ig_bench_peer *p = &ig_bench_peers(b)[j];
    assert_string_equal(in->places[p->place].id, id);
    assert_close(p->distance, dist);
    assert_close(p->z[IG_BENCH_VAR_FOREIGN_SHARE], zf);
    assert_close(p->z[IG_BENCH_VAR_EU_SHARE], ze);
    assert_close(p->z[IG_BENCH_VAR_DENSITY], zd);
    assert_true(isnan(p->z[IG_BENCH_VAR_LOG_POPULATION]));
    assert_true(isnan(p->z[IG_BENCH_VAR_MOVERS_SHARE]));
}

static void test_peers_ties_by_id(void **state)
{
    (void)state;
    ig_bench_input in = {N2, T2, 1, V2};
    ig_bench *b = run(&in, 0, 4, 0);
    const ig_bench_var *v = ig_bench_vars(b);
    assert_string_equal(v[0].name, "log_population");
    assert_int_equal(v[IG_BENCH_VAR_LOG_POPULATION].used, 0);
    assert_non_null(strstr(v[IG_BENCH_VAR_LOG_POPULATION].why, "sd 0"));
    assert_int_equal(v[IG_BENCH_VAR_LOG_POPULATION].n, 8);
    assert_close(v[IG_BENCH_VAR_LOG_POPULATION].mean, log(1e5));
    assert_close(v[IG_BENCH_VAR_LOG_POPULATION].sd, 0.0);
    assert_int_equal(v[IG_BENCH_VAR_MOVERS_SHARE].used, 0);
    assert_string_equal(v[IG_BENCH_VAR_MOVERS_SHARE].why,
                        "unknown for the place");
    assert_int_equal(v[IG_BENCH_VAR_MOVERS_SHARE].n, 0);
    assert_int_equal(v[IG_BENCH_VAR_FOREIGN_SHARE].used, 1);
    assert_string_equal(v[IG_BENCH_VAR_FOREIGN_SHARE].why, "");
    assert_int_equal(v[IG_BENCH_VAR_FOREIGN_SHARE].n, 8);
    assert_close(v[IG_BENCH_VAR_FOREIGN_SHARE].mean, 0.25);
    assert_close(v[IG_BENCH_VAR_FOREIGN_SHARE].sd, 0.125);
    assert_close(v[IG_BENCH_VAR_FOREIGN_SHARE].place_z, -1.0);
    assert_close(v[IG_BENCH_VAR_EU_SHARE].mean, 0.5);
    assert_close(v[IG_BENCH_VAR_EU_SHARE].sd, 0.25);
    assert_close(v[IG_BENCH_VAR_DENSITY].mean, 2000.0);
    assert_close(v[IG_BENCH_VAR_DENSITY].sd, 1000.0);
    assert_close(v[IG_BENCH_VAR_DENSITY].place_z, -1.0);
    assert_close(v[IG_BENCH_VAR_DENSITY].place_value, 1000.0);

    assert_int_equal(ig_bench_ncandidates(b), 7); /* clusters not pooled */
    assert_int_equal(ig_bench_nskipped(b), 0);
    assert_int_equal(ig_bench_npeers(b), 4);
    assert_string_equal(ig_bench_note(b), "");
    /* three at distance 2 in id order p3 < p5 < p6 (rows 2, 3, 1), then
     * the first by id of the three at sqrt 8: p1 (not p2, p7) */
    check_peer(b, &in, 0, "p3", 2.0, -1, 1, -1);
    check_peer(b, &in, 1, "p5", 2.0, -1, -1, 1);
    check_peer(b, &in, 2, "p6", 2.0, 1, -1, -1);
    check_peer(b, &in, 3, "p1", sqrt(8.0), -1, 1, 1);

    /* peers set {p0 0.5, p3 0.1, p5 0.9, p6 0.5, p1 NaN}: one higher, one
     * equal, one lower: rank 2.5, 100 x 1.5 / 3 = 50 %; median of 0.1 0.5
     * 0.5 0.9 = 0.5 */
    check_stat(b, 0, IG_BENCH_PEERS, 0.5, 5, 4, 2.5, 50.0, 0.5);
    ig_bench_destroy(b);

    /* more peers than candidates: all seven, the last at sqrt 12 */
    b = run(&in, 0, 10, 0);
    assert_int_equal(ig_bench_npeers(b), 7);
    check_peer(b, &in, 4, "p2", sqrt(8.0), 1, 1, -1);
    check_peer(b, &in, 5, "p7", sqrt(8.0), 1, -1, 1);
    check_peer(b, &in, 6, "p4", sqrt(12.0), 1, 1, 1);
    assert_string_equal(ig_bench_note(b),
                        "7 of 10 peers: only 7 other places of class "
                        "'urban_centre'");
    ig_bench_destroy(b);

    /* no options: k = 10 */
    ig_bench_opts o;
    ig_bench_opts_init(&o);
    assert_int_equal(o.k, 10);
    assert_int_equal(o.peers_any_class, 0);
    ig_bench *d = NULL;
    assert_int_equal(ig_bench_run(NULL, &in, 0, NULL, &d, NULL), IG_OK);
    assert_int_equal(ig_bench_npeers(d), 7);
    ig_bench_destroy(d);

    /* every class pooled: the same means and sds (five low, five high),
     * and q0 is at distance 0 */
    b = run(&in, 0, 4, 1);
    assert_int_equal(ig_bench_ncandidates(b), 9);
    assert_int_equal(ig_bench_vars(b)[IG_BENCH_VAR_FOREIGN_SHARE].n, 10);
    assert_close(ig_bench_vars(b)[IG_BENCH_VAR_FOREIGN_SHARE].sd, 0.125);
    check_peer(b, &in, 0, "q0", 0.0, -1, -1, -1);
    check_peer(b, &in, 1, "p3", 2.0, -1, 1, -1);
    check_peer(b, &in, 3, "p6", 2.0, 1, -1, -1);
    ig_bench_destroy(b);
}

static void test_peers_skip_unknown(void **state)
{
    (void)state;
    /* movers known only for p0 (0.2) and p4 (0.4): mean 0.3, sd 0.1, z -1
     * and +1, so the variable is used and the six other candidates are
     * left out. p4 differs by 2 on all four: distance sqrt 16 = 4. */
    ig_bench_place t[N2];
    memcpy(t, T2, sizeof t);
    t[0].movers_share = 0.2;
    t[7].movers_share = 0.4;
    ig_bench_input in = {N2, t, 1, V2};
    ig_bench *b = run(&in, 0, 4, 0);
    const ig_bench_var *v = ig_bench_vars(b);
    assert_int_equal(v[IG_BENCH_VAR_MOVERS_SHARE].used, 1);
    assert_int_equal(v[IG_BENCH_VAR_MOVERS_SHARE].n, 2);
    assert_close(v[IG_BENCH_VAR_MOVERS_SHARE].mean, 0.3);
    assert_close(v[IG_BENCH_VAR_MOVERS_SHARE].sd, 0.1);
    assert_close(v[IG_BENCH_VAR_MOVERS_SHARE].place_z, -1.0);
    assert_int_equal(ig_bench_nskipped(b), 6);
    assert_int_equal(ig_bench_npeers(b), 1);
    const ig_bench_peer *p = ig_bench_peers(b);
    assert_string_equal(t[p->place].id, "p4");
    assert_close(p->distance, 4.0);
    assert_close(p->z[IG_BENCH_VAR_MOVERS_SHARE], 1.0);
    assert_non_null(strstr(ig_bench_note(b), "6 of the 7"));
    /* peers set: p0 0.5 and p4 0.2 */
    check_stat(b, 0, IG_BENCH_PEERS, 0.5, 2, 2, 1.0, 100.0, 0.35);
    ig_bench_destroy(b);
}

static void test_peers_log_population(void **state)
{
    (void)state;
    /* 100,000, 200,000 and 400,000 residents, all else equal: ln values
     * L, L + ln 2, L + 2 ln 2; mean ln 200,000; deviations -ln 2, 0, ln 2,
     * sd = ln 2 sqrt(2/3); z = -sqrt(3/2), 0, sqrt(3/2). */
    const ig_bench_place t[3] = {
        {"a", "A", C, "XX", 1e5, 0.1, 0.5, 1000, NAN},
        {"c", "C", C, "XX", 4e5, 0.1, 0.5, 1000, NAN},
        {"b", "B", C, "XX", 2e5, 0.1, 0.5, 1000, NAN},
    };
    ig_bench_input in = {3, t, 0, NULL};
    ig_bench *b = run(&in, 0, 10, 0);
    const ig_bench_var *v = &ig_bench_vars(b)[IG_BENCH_VAR_LOG_POPULATION];
    assert_int_equal(v->used, 1);
    assert_close(v->mean, log(2e5));
    assert_close(v->sd, log(2.0) * sqrt(2.0 / 3.0));
    assert_close(v->place_value, log(1e5));
    assert_close(v->place_z, -sqrt(1.5));
    for (int k = 1; k < IG_BENCH_NVARS; k++)
        assert_int_equal(ig_bench_vars(b)[k].used, 0);
    assert_int_equal(ig_bench_npeers(b), 2);
    const ig_bench_peer *p = ig_bench_peers(b);
    assert_string_equal(t[p[0].place].id, "b");
    assert_close(p[0].distance, sqrt(1.5));
    assert_close(p[0].z[IG_BENCH_VAR_LOG_POPULATION], 0.0);
    assert_string_equal(t[p[1].place].id, "c");
    assert_close(p[1].distance, 2.0 * sqrt(1.5));
    assert_close(p[1].z[IG_BENCH_VAR_LOG_POPULATION], sqrt(1.5));
    assert_int_equal(ig_bench_nmeasures(b), 0);
    ig_bench_destroy(b);
}

static void test_no_usable_variable(void **state)
{
    (void)state;
    /* population 0 (no logarithm) and nothing else known */
    const ig_bench_place t[2] = {
        {"a", "A", C, "", 0, NAN, NAN, NAN, NAN},
        {"b", "B", C, "", 1000, 0.1, 0.2, 300, 0.1},
    };
    double v[2] = {1.0, 2.0};
    ig_bench_input in = {2, t, 1, v};
    ig_bench *b = run(&in, 0, 10, 0);
    assert_int_equal(ig_bench_npeers(b), 0);
    assert_null(ig_bench_peers(b));
    assert_non_null(strstr(ig_bench_note(b), "no context variable"));
    for (int k = 0; k < IG_BENCH_NVARS; k++) {
        assert_int_equal(ig_bench_vars(b)[k].used, 0);
        assert_string_equal(ig_bench_vars(b)[k].why, "unknown for the place");
    }
    /* the empty country is a country like any other: both are in it */
    check_stat(b, 0, IG_BENCH_CLASS_COUNTRY, 1.0, 2, 2, 2.0, 0.0, 1.5);
    check_stat(b, 0, IG_BENCH_PEERS, 1.0, 1, 1, 1.0, NAN, 1.0);
    ig_bench_destroy(b);

    /* b benchmarked: known only for b among the pool -> "no other" */
    b = run(&in, 1, 10, 0);
    assert_string_equal(ig_bench_vars(b)[IG_BENCH_VAR_DENSITY].why,
                        "known for no other candidate");
    /* log population is known for b only too (a has 0 residents) */
    assert_int_equal(ig_bench_vars(b)[IG_BENCH_VAR_LOG_POPULATION].used, 0);
    assert_int_equal(ig_bench_npeers(b), 0);
    ig_bench_destroy(b);
}

/* The same results whatever the row order. */
static void test_row_order(void **state)
{
    (void)state;
    ig_bench_place t[N2];
    double v[N2];
    for (size_t i = 0; i < N2; i++) {
        t[i] = T2[N2 - 1 - i];
        v[i] = V2[N2 - 1 - i];
    }
    ig_bench_input in = {N2, t, 1, v};
    ig_bench *b = run(&in, N2 - 1, 4, 0);
    assert_string_equal(t[ig_bench_place_row(b)].id, "p0");
    check_peer(b, &in, 0, "p3", 2.0, -1, 1, -1);
    check_peer(b, &in, 1, "p5", 2.0, -1, -1, 1);
    check_peer(b, &in, 2, "p6", 2.0, 1, -1, -1);
    check_peer(b, &in, 3, "p1", sqrt(8.0), -1, 1, 1);
    check_stat(b, 0, IG_BENCH_PEERS, 0.5, 5, 4, 2.5, 50.0, 0.5);
    /* centres p0..p7: 0.5 0.5 0.1 0.9 0.7 0.3 NaN 0.2: two higher, one
     * equal, three lower: rank 3.5, 100 x 3.5 / 6 */
    check_stat(b, 0, IG_BENCH_CLASS, 0.5, 8, 7, 3.5, 350.0 / 6.0, 0.5);
    ig_bench_destroy(b);
}

static void test_bad_input(void **state)
{
    (void)state;
    ig_bench *b = NULL;
    ig_error err = {0};
    ig_bench_input in = table1();
    assert_int_equal(ig_bench_run(NULL, NULL, 0, NULL, &b, &err),
                     IG_ERR_DOMAIN);
    assert_int_equal(ig_bench_run(NULL, &in, N1, NULL, &b, &err),
                     IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "out of range"));
    assert_int_equal(ig_bench_run(NULL, &in, 0, NULL, NULL, &err),
                     IG_ERR_DOMAIN);
    ig_bench_input nov = {N1, T1, 2, NULL};
    assert_int_equal(ig_bench_run(NULL, &nov, 0, NULL, &b, &err),
                     IG_ERR_DOMAIN);

    ig_bench_place t[N1];
    memcpy(t, T1, sizeof t);
    in.places = t;
    t[5].id = "c1";
    assert_int_equal(ig_bench_run(NULL, &in, 0, NULL, &b, &err), IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "'c1' appears more than once"));
    t[5].id = "";
    assert_int_equal(ig_bench_run(NULL, &in, 0, NULL, &b, &err), IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "row 6"));
    t[5] = T1[5];
    t[4].population = -1;
    assert_int_equal(ig_bench_run(NULL, &in, 0, NULL, &b, &err), IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "'c5'"));
    t[4].population = NAN;
    assert_int_equal(ig_bench_run(NULL, &in, 0, NULL, &b, &err), IG_ERR_DOMAIN);
    t[4] = T1[4];
    t[4].foreign_share = 1.5;
    assert_int_equal(ig_bench_run(NULL, &in, 0, NULL, &b, &err), IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "foreign-born share 1.5"));
    t[4] = T1[4];
    t[4].eu_share = -0.1;
    assert_int_equal(ig_bench_run(NULL, &in, 0, NULL, &b, &err), IG_ERR_DOMAIN);
    t[4] = T1[4];
    t[4].movers_share = INFINITY;
    assert_int_equal(ig_bench_run(NULL, &in, 0, NULL, &b, &err), IG_ERR_DOMAIN);
    t[4] = T1[4];
    t[4].density_km2 = -5;
    assert_int_equal(ig_bench_run(NULL, &in, 0, NULL, &b, &err), IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "density"));
    assert_null(b);
    ig_bench_destroy(NULL);
    assert_int_equal(ig_bench_npeers(NULL), 0);
    assert_string_equal(ig_bench_note(NULL), "");

    /* infinities count as undefined values */
    double v[2] = {INFINITY, 1.0};
    const ig_bench_place two[2] = {
        {"a", "", C, "", 10, NAN, NAN, NAN, NAN},
        {"b", "", C, "", 10, NAN, NAN, NAN, NAN},
    };
    ig_bench_input in2 = {2, two, 1, v};
    b = run(&in2, 0, 0, 0);
    check_stat(b, 0, IG_BENCH_CLASS, NAN, 2, 1, NAN, NAN, 1.0);
    ig_bench_destroy(b);
}

static void test_alloc_failures(void **state)
{
    (void)state;
    ig_bench_input in = {N2, T2, 1, V2};
    ig_bench_opts o;
    ig_bench_opts_init(&o);
    o.k = 4;
    int done = 0;
    for (long fail = 1; fail < 50 && !done; fail++) {
        fail_alloc fa = {0};
        fa.fail_at = fail;
        ig_ctx *ctx = make_fail_ctx(&fa, 1);
        ig_bench *b = NULL;
        ig_error err = {0};
        ig_status st = ig_bench_run(ctx, &in, 0, &o, &b, &err);
        if (fa.failures == 0) {
            assert_int_equal(st, IG_OK);
            assert_int_equal(ig_bench_npeers(b), 4);
            check_stat(b, 0, IG_BENCH_PEERS, 0.5, 5, 4, 2.5, 50.0, 0.5);
            done = 1;
        } else if (st != IG_ERR_NOMEM) {
            fail_msg("allocation %ld failed, status %d", fail, (int)st);
        } else {
            assert_null(b);
            assert_non_null(strstr(err.msg, "memory"));
        }
        ig_bench_destroy(b);
        ig_ctx_destroy(ctx);
        if (fa.live != 0) fail_msg("leak after failing allocation %ld", fail);
    }
    assert_true(done);
}

/* ---- finding places ---------------------------------------------------- */

static void expect_row(const ig_bench_place *t, size_t n, const char *q,
                       size_t want)
{
    size_t row = 999;
    ig_error err = {0};
    ig_status st = ig_bench_find(t, n, q, &row, &err);
    if (st != IG_OK) fail_msg("'%s': %s", q, err.msg);
    assert_int_equal(row, want);
}

static const char *expect_missing(const ig_bench_place *t, size_t n,
                                  const char *q, ig_error *err)
{
    size_t row = 999;
    assert_int_equal(ig_bench_find(t, n, q, &row, err), IG_ERR_NOT_FOUND);
    assert_int_equal(row, 999);
    return err->msg;
}

static void test_find(void **state)
{
    (void)state;
    ig_error err = {0};
    expect_row(T1, N1, "c3", 2);    /* id */
    expect_row(T1, N1, "gamma", 2); /* name, any case */
    expect_row(T1, N1, "GAMMA", 2);
    expect_row(T1, N1, "Eps", 4); /* unique prefix */
    expect_row(T1, N1, "k1", 9);  /* the id settles a shared name */
    /* a shared name: both, with their ids */
    const char *msg = expect_missing(T1, N1, "alpha", &err);
    assert_string_equal(msg,
                        "2 places are named 'alpha': Alpha (FR, "
                        "urban_centre, id c1), Alpha (FR, urban_cluster, id "
                        "k1); give the id instead");
    /* an ambiguous prefix: Epsilon and Eta */
    msg = expect_missing(T1, N1, "e", &err);
    assert_non_null(strstr(msg, "2 place names start with 'e'"));
    assert_non_null(strstr(msg, "Epsilon (DE, urban_centre, id c5)"));
    assert_non_null(strstr(msg, "Eta (DE, urban_centre, id c7)"));
    /* not found: the five closest by edit distance, ties by name: Zeta
     * (1); Beta, Delta, Eta (2); Iota (3) before Theta (3) */
    msg = expect_missing(T1, N1, "Zetta", &err);
    assert_string_equal(msg,
                        "no place 'Zetta'; closest: Zeta (DE, urban_centre, "
                        "id c6), Beta (FR, urban_centre, id c2), Delta (FR, "
                        "urban_centre, id c4), Eta (DE, urban_centre, id "
                        "c7), Iota (NL, urban_centre, id c9); give an id or "
                        "a full name");
    assert_int_equal(err.status, IG_ERR_NOT_FOUND);

    size_t row = 0;
    assert_int_equal(ig_bench_find(T1, N1, "", &row, &err), IG_ERR_DOMAIN);
    assert_int_equal(ig_bench_find(T1, N1, NULL, &row, &err), IG_ERR_DOMAIN);
    assert_int_equal(ig_bench_find(NULL, 0, "x", &row, &err), IG_ERR_DOMAIN);
}

static void test_find_scripts(void **state)
{
    (void)state;
    const ig_bench_place t[] = {
        {"1", "\xc5\x81\xc3\xb3\x64\xc5\xba", C, "PL", 1, NAN, NAN, NAN, NAN},
        {"2", "Krak\xc3\xb3w", C, "PL", 1, NAN, NAN, NAN, NAN},
        {"3", "Z\xc3\xbcrich", C, "CH", 1, NAN, NAN, NAN, NAN},
        /* Athina, Moskva */
        {"4", "\xce\x91\xce\xb8\xce\xae\xce\xbd\xce\xb1", C, "EL", 1, NAN, NAN,
         NAN, NAN},
        {"5", "\xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0", C, "RU", 1,
         NAN, NAN, NAN, NAN},
        {"6", "", C, "XX", 1, NAN, NAN, NAN, NAN},
    };
    size_t n = sizeof t / sizeof t[0];
    expect_row(t, n, "\xc5\x81\xc3\x93\x44\xc5\xb9", 0); /* LODZ caps */
    expect_row(t, n, "\xc5\x82\xc3\xb3\x64\xc5\xba", 0); /* all lower */
    expect_row(t, n, "Z\xc3\x9cRICH", 2);                /* ZURICH */
    expect_row(t, n, "\xce\x91\xce\x98\xce\x89\xce\x9d\xce\x91", 3);
    expect_row(t, n, "\xd0\x9c\xd0\x9e\xd0\xa1", 4); /* MOS... */
    expect_row(t, n, "kra", 1);
    expect_row(t, n, "6", 5);
    ig_error err = {0};
    /* one letter off, counted in characters, not bytes */
    const char *msg = expect_missing(t, n, "Krakow", &err);
    assert_non_null(strstr(msg,
                           "closest: Krak\xc3\xb3w (PL, urban_centre, "
                           "id 2)"));
    /* a place without a name is listed by its id */
    assert_non_null(strstr(msg, "(XX, urban_centre, id 6)"));
    /* a place without an id can still be found by its name */
    const ig_bench_place noid[2] = {
        {NULL, "Nowhere", C, "", 1, NAN, NAN, NAN, NAN},
        {"x", "Somewhere", C, "", 1, NAN, NAN, NAN, NAN},
    };
    expect_row(noid, 2, "nowhere", 0);
    msg = expect_missing(noid, 2, "Elsewhere", &err);
    assert_non_null(strstr(msg, "Nowhere (urban_centre)"));
    /* invalid UTF-8 in the query is compared byte by byte, never folded */
    msg = expect_missing(t, n,
                         "Z\xfc"
                         "rich",
                         &err);
    assert_non_null(strstr(msg, "closest: Z\xc3\xbcrich"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sets_ranks_percentiles_medians),
        cmocka_unit_test(test_band_edges_and_undefined_values),
        cmocka_unit_test(test_band_functions),
        cmocka_unit_test(test_peers_ties_by_id),
        cmocka_unit_test(test_peers_skip_unknown),
        cmocka_unit_test(test_peers_log_population),
        cmocka_unit_test(test_no_usable_variable),
        cmocka_unit_test(test_row_order),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_find_scripts),
    };
    return cmocka_run_group_tests_name("peers", tests, NULL, NULL);
}
