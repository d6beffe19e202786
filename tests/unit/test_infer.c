/* Inference (src/infer): exact draws keep their totals; results depend on
 * the seed only, not on the thread count; the random-allocation null of
 * the dissimilarity index has the expected mean, and a perfectly
 * segregated place gets p = 1/(reps + 1); 95 % percentile intervals cover
 * a known truth in 93-97 % of 1,000 simulations; p-values under the null
 * pass a Kolmogorov-Smirnov check; the grid runner; bad options; failed
 * allocations. Every random number comes from a fixed seed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "infer/infer_impl.h"
#include "integrid/ig_infer.h"
#include "measures/measure_impl.h"
#include "test_support.h"

/* ---- draws --------------------------------------------------------------- */

/* Two inference results are the same bits, field by field (memcmp of the
 * structs would also compare their padding). */
static int same_inference(const ig_inference *a, const ig_inference *b)
{
    const double da[] = {a->value,     a->ci_low,    a->ci_high, a->ci_bca_low,
                         a->ci_bca_high, a->null_mean, a->null_sd, a->p_value,
                         a->expected,  a->corrected, a->z,       a->noise_bias,
                         a->noise_sd,  a->noise_share};
    const double db[] = {b->value,     b->ci_low,    b->ci_high, b->ci_bca_low,
                         b->ci_bca_high, b->null_mean, b->null_sd, b->p_value,
                         b->expected,  b->corrected, b->z,       b->noise_bias,
                         b->noise_sd,  b->noise_share};
    return memcmp(da, db, sizeof da) == 0 && a->n_boot == b->n_boot &&
           a->n_null == b->n_null && a->n_noise == b->n_noise;
}

static void test_hyper_keeps_totals(void **state)
{
    (void)state;
    ig_rng r;
    ig__rng_init(&r, 7, 0);
    double sum = 0.0;
    const int n_draws = 20000;
    for (int k = 0; k < n_draws; k++) {
        uint64_t x = ig__infer_hyper(&r, 40, 30, 100);
        assert_true(x <= 30 && x <= 40);
        sum += (double)x;
    }
    /* mean n K / N = 12; sd of the mean about 0.019 */
    assert_true(fabs(sum / n_draws - 12.0) < 0.1);
    /* edge cases */
    assert_int_equal(ig__infer_hyper(&r, 0, 5, 10), 0);
    assert_int_equal(ig__infer_hyper(&r, 10, 5, 10), 5);
    assert_int_equal(ig__infer_hyper(&r, 3, 10, 10), 3);
    for (int k = 0; k < 100; k++) {
        uint64_t x = ig__infer_hyper(&r, 9, 5, 10);
        assert_true(x == 4 || x == 5);
    }
    /* large: must stay in its support */
    for (int k = 0; k < 200; k++) {
        uint64_t x = ig__infer_hyper(&r, 500000, 700000, 1000000);
        assert_true(x >= 200000 && x <= 500000);
        assert_true(fabs((double)x - 350000.0) < 3000.0); /* sd ~ 229 */
    }
}

static void test_mvhyper_keeps_totals(void **state)
{
    (void)state;
    ig_rng r;
    ig__rng_init(&r, 11, 3);
    for (int rep = 0; rep < 200; rep++) {
        uint64_t pool[4] = {50, 0, 120, 30}, total = 200, out[4];
        uint64_t cells[5] = {10, 70, 0, 60, 60};
        uint64_t got[4] = {0, 0, 0, 0};
        for (int i = 0; i < 5; i++) {
            ig__infer_mvhyper(&r, cells[i], pool, 4, &total, out);
            uint64_t s = 0;
            for (int c = 0; c < 4; c++) {
                s += out[c];
                got[c] += out[c];
            }
            assert_int_equal(s, cells[i]);
        }
        assert_int_equal(total, 0);
        assert_int_equal(got[0], 50);
        assert_int_equal(got[1], 0);
        assert_int_equal(got[2], 120);
        assert_int_equal(got[3], 30);
    }
    uint64_t out[3];
    double probs[3] = {1.0, 0.0, 3.0};
    for (int rep = 0; rep < 100; rep++) {
        ig__rng_multinomial(&r, 57, probs, 3, out);
        assert_int_equal(out[0] + out[1] + out[2], 57);
        assert_int_equal(out[1], 0);
    }
}

/* The two-stage random allocation keeps both margins, also over several
 * blocks and with a cell bigger than a block. */
static void test_ralloc_margins(void **state)
{
    (void)state;
    enum { N = 4000, NC = 3 };
    uint64_t *ctot = calloc(N, sizeof *ctot);
    double *cols[NC];
    for (int c = 0; c < NC; c++) cols[c] = calloc(N, sizeof(double));
    assert_non_null(ctot);
    uint64_t all = 0;
    for (size_t i = 0; i < N; i++) {
        ctot[i] = i == 17 ? 90000 : (uint64_t)((i * 37) % 101);
        all += ctot[i];
    }
    uint64_t gtot[NC] = {all / 2, all / 3, 0};
    gtot[2] = all - gtot[0] - gtot[1];
    ig__ralloc ra;
    assert_int_equal(ig__ralloc_init(NULL, &ra, ctot, N, NC), IG_OK);
    assert_true(ra.nb > 3);
    uint64_t *tmp = calloc(ig__ralloc_tmp_len(&ra), sizeof *tmp);
    for (int rep = 0; rep < 20; rep++) {
        ig_rng r;
        ig__rng_init(&r, 5, (uint64_t)rep);
        ig__ralloc_draw(&ra, &r, gtot, all, tmp, cols);
        double g[NC] = {0, 0, 0};
        for (size_t i = 0; i < N; i++) {
            double t = 0.0;
            for (int c = 0; c < NC; c++) {
                t += cols[c][i];
                g[c] += cols[c][i];
            }
            assert_true(t == (double)ctot[i]);
        }
        for (int c = 0; c < NC; c++) assert_true(g[c] == (double)gtot[c]);
    }
    /* a column left out is not written */
    for (size_t i = 0; i < N; i++) cols[2][i] = -1.0;
    double *some[NC] = {cols[0], cols[1], NULL};
    ig_rng r;
    ig__rng_init(&r, 5, 99);
    ig__ralloc_draw(&ra, &r, gtot, all, tmp, some);
    for (size_t i = 0; i < N; i++) assert_true(cols[2][i] == -1.0);
    ig__ralloc_free(NULL, &ra);
    free(tmp);
    free(ctot);
    for (int c = 0; c < NC; c++) free(cols[c]);
}

/* The two stages draw exactly a random allocation: a small cell after a
 * block boundary has the hypergeometric law of its category count, and
 * so has a cell of a small place (chi-square against the exact pmf). */
static void test_ralloc_exact(void **state)
{
    (void)state;
    /* cells 60000 | 10000, 3: two blocks; the last cell draws 3 of
     * 70003 residents of which 35000 are category 0 */
    uint64_t ctot[3] = {60000, 10000, 3}, gtot[2] = {35000, 35003};
    uint64_t all = 70003;
    ig__ralloc ra;
    assert_int_equal(ig__ralloc_init(NULL, &ra, ctot, 3, 2), IG_OK);
    assert_int_equal(ra.nb, 2);
    uint64_t *tmp = calloc(ig__ralloc_tmp_len(&ra), sizeof *tmp);
    double c0[3], c1[3];
    double *cols[2] = {c0, c1};
    const int draws = 20000;
    double seen[4] = {0, 0, 0, 0};
    for (int k = 0; k < draws; k++) {
        ig_rng r;
        ig__rng_init(&r, 8, (uint64_t)k);
        ig__ralloc_draw(&ra, &r, gtot, all, tmp, cols);
        seen[(int)c0[2]] += 1.0;
    }
    /* exact pmf: C(35000,x) C(35003,3-x) / C(70003,3) */
    double K = 35000, F = 35003, N = 70003, chi = 0.0;
    double tot3 = N * (N - 1) * (N - 2) / 6.0;
    double pmf[4] = {F * (F - 1) * (F - 2) / 6.0 / tot3,
                     K * F * (F - 1) / 2.0 / tot3,
                     K * (K - 1) / 2.0 * F / tot3,
                     K * (K - 1) * (K - 2) / 6.0 / tot3};
    for (int x = 0; x < 4; x++) {
        double e = pmf[x] * draws;
        chi += (seen[x] - e) * (seen[x] - e) / e;
    }
    print_message("chi-square (3 df) of the last cell: %.2f\n", chi);
    assert_true(chi < 16.27); /* p = 0.001 */
    ig__ralloc_free(NULL, &ra);
    free(tmp);

    /* one block: cells 2 and 3, categories 2 and 3: the first cell's
     * category-0 count is Hypergeometric(2, 2, 5): 3/10, 6/10, 1/10 */
    uint64_t ct2[2] = {2, 3}, gt2[2] = {2, 3};
    assert_int_equal(ig__ralloc_init(NULL, &ra, ct2, 2, 2), IG_OK);
    tmp = calloc(ig__ralloc_tmp_len(&ra), sizeof *tmp);
    double s3[3] = {0, 0, 0};
    for (int k = 0; k < draws; k++) {
        ig_rng r;
        ig__rng_init(&r, 9, (uint64_t)k);
        ig__ralloc_draw(&ra, &r, gt2, 5, tmp, cols);
        s3[(int)c0[0]] += 1.0;
    }
    double p3[3] = {0.3, 0.6, 0.1};
    chi = 0.0;
    for (int x = 0; x < 3; x++) {
        double e = p3[x] * draws;
        chi += (s3[x] - e) * (s3[x] - e) / e;
    }
    assert_true(chi < 13.82); /* 2 df, p = 0.001 */
    ig__ralloc_free(NULL, &ra);
    free(tmp);
}

/* ig__measures_eval gives every aspatial measure the same bits as
 * ig_measure_compute, with and without a total column, with and without
 * the sums of the groups handed in. */
static void test_eval_same_bits(void **state)
{
    (void)state;
    enum { N = 700, NG = 3 };
    double *cnt[NG], *tot = calloc(N, sizeof *tot), *tg = calloc(N, sizeof *tg);
    for (int g = 0; g < NG; g++) cnt[g] = calloc(N, sizeof(double));
    ig_rng r;
    ig__rng_init(&r, 3, 3);
    for (size_t i = 0; i < N; i++) {
        double t = 0.0;
        for (int g = 0; g < NG; g++) {
            /* small whole counts (the split), some large or fractional */
            double x = (double)(ig__rng_next(&r) % (g ? 9 : 40));
            if (i % 97 == 5) x = 1000.0 + (double)g;
            if (i % 131 == 7 && g == 1) x = 2.5;
            cnt[g][i] = x;
            t += x;
        }
        tg[i] = t;
        tot[i] = t + (double)(i % 4);
    }
    const ig_measure_info *ms[128];
    size_t grp[128], rows = 0;
    for (size_t mi = 0; mi < ig_measure_count(); mi++) {
        const ig_measure_info *m = ig_measure_get(mi);
        if (m->flags & (IG_MF_SPATIAL | IG_MF_SCALE)) continue;
        size_t k = m->family == IG_FAM_SINGLE ? NG : 1;
        for (size_t g = 0; g < k && rows < 128; g++) {
            ms[rows] = m;
            grp[rows++] = g;
        }
    }
    ig_measure_params p;
    ig_measure_params_init(&p);
    p.reps = 7;
    double vals[128];
    ig_status sts[128];
    for (int variant = 0; variant < 3; variant++) {
        ig_units u;
        memset(&u, 0, sizeof u);
        u.n_units = N;
        u.n_groups = NG;
        u.counts = (const double *const *)cnt;
        u.total = variant == 1 ? tot : NULL;
        assert_int_equal(ig__measures_eval(NULL, &u, ms, grp, rows, &p,
                                           variant == 2 ? tg : NULL, vals,
                                           sts),
                         IG_OK);
        for (size_t k = 0; k < rows; k++) {
            double want = (double)NAN;
            ig_status st =
                ig_measure_compute(NULL, ms[k], &u, grp[k], &p, &want, NULL);
            assert_int_equal(sts[k], st);
            if (st == IG_OK && memcmp(&want, &vals[k], sizeof want) != 0)
                fail_msg("%s group %zu variant %d: %.17g != %.17g",
                         ms[k]->name, grp[k], variant, vals[k], want);
        }
    }
    /* every measure, spatial ones too, on a lattice (two scales: a radius
     * and k nearest residents) */
    int32_t *row = calloc(N, sizeof *row), *col = calloc(N, sizeof *col);
    for (size_t i = 0; i < N; i++) {
        row[i] = (int32_t)(i / 30);
        col[i] = (int32_t)(i % 30) + (int32_t)(i / 300); /* a ragged edge */
    }
    rows = 0;
    for (size_t mi = 0; mi < ig_measure_count(); mi++) {
        const ig_measure_info *m = ig_measure_get(mi);
        if (!(m->flags & (IG_MF_SPATIAL | IG_MF_SCALE))) continue;
        size_t k = m->family == IG_FAM_SINGLE ? NG : 1;
        for (size_t g = 0; g < k && rows < 128; g++) {
            ms[rows] = m;
            grp[rows++] = g;
        }
    }
    assert_true(rows > 10);
    for (int variant = 0; variant < 4; variant++) {
        ig_units u;
        memset(&u, 0, sizeof u);
        u.n_units = N;
        u.n_groups = NG;
        u.counts = (const double *const *)cnt;
        u.total = variant & 1 ? tot : NULL;
        u.row = row;
        u.col = col;
        u.cell_m = 1000;
        ig_measure_params_init(&p);
        if (variant & 2) {
            p.scale.radius_m = 0.0;
            p.scale.k = 150.0;
        } else {
            p.scale.radius_m = 2500.0;
        }
        assert_int_equal(ig__measures_eval(NULL, &u, ms, grp, rows, &p, NULL,
                                           vals, sts),
                         IG_OK);
        for (size_t k = 0; k < rows; k++) {
            double want = (double)NAN;
            ig_status st =
                ig_measure_compute(NULL, ms[k], &u, grp[k], &p, &want, NULL);
            assert_int_equal(sts[k], st);
            if (st == IG_OK && memcmp(&want, &vals[k], sizeof want) != 0)
                fail_msg("%s group %zu spatial variant %d: %.17g != %.17g",
                         ms[k]->name, grp[k], variant, vals[k], want);
        }
    }
    free(row);
    free(col);
    for (int g = 0; g < NG; g++) free(cnt[g]);
    free(tot);
    free(tg);
}

/* The noise models draw uniformly from the counts that could have been
 * published as the one seen; parse errors are clear. */
static void test_noise_models(void **state)
{
    (void)state;
    ig_noise r3 = {IG_NOISE_ROUND, 3}, r10 = {IG_NOISE_ROUND, 10},
             p2 = {IG_NOISE_PERTURB, 2};
    ig_rng r;
    ig__rng_init(&r, 4, 4);
    double seen[8] = {0};
    const int draws = 30000;
    for (int k = 0; k < draws; k++) {
        uint64_t x = ig__infer_noisy(&r, &r3, 3);
        assert_true(x >= 2 && x <= 4);
        seen[x - 2] += 1.0;
        x = ig__infer_noisy(&r, &r3, 0);
        assert_true(x <= 1);
        x = ig__infer_noisy(&r, &r10, 20);
        assert_true(x >= 16 && x <= 25);
        assert_int_equal(ig__infer_noisy(&r, &p2, 0), 0);
        x = ig__infer_noisy(&r, &p2, 1);
        assert_true(x >= 1 && x <= 3);
        x = ig__infer_noisy(&r, &p2, 10);
        assert_true(x >= 8 && x <= 12);
    }
    double chi = 0.0;
    for (int i = 0; i < 3; i++) {
        double e = draws / 3.0;
        chi += (seen[i] - e) * (seen[i] - e) / e;
    }
    assert_true(chi < 13.82); /* uniform, 2 df, p = 0.001 */

    ig_noise nz;
    ig_error err = {0};
    assert_int_equal(ig_noise_parse("round:5", &nz, &err), IG_OK);
    assert_int_equal(nz.kind, IG_NOISE_ROUND);
    assert_int_equal(nz.param, 5);
    assert_int_equal(ig_noise_parse("perturb:3", &nz, &err), IG_OK);
    assert_int_equal(nz.kind, IG_NOISE_PERTURB);
    assert_int_equal(ig_noise_parse("none", &nz, &err), IG_OK);
    assert_int_equal(nz.kind, IG_NOISE_NONE);
    assert_int_equal(ig_noise_parse("round:1", &nz, &err), IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "from 2"));
    assert_int_equal(ig_noise_parse("perturb:", &nz, &err), IG_ERR_DOMAIN);
    assert_int_equal(ig_noise_parse("perturb:2x", &nz, &err), IG_ERR_DOMAIN);
    assert_int_equal(ig_noise_parse("jitter:2", &nz, &err), IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "round:B"));
}

/* Noise goes into the intervals: the same seed gives wider percentile
 * intervals with it, and the noise-only draws have a spread. */
static void test_noise_in_intervals(void **state)
{
    (void)state;
    const ig_measure_info *m = ig_measure_find("dissimilarity");
    enum { N = 40 };
    double a[N], b[N];
    for (int i = 0; i < N; i++) {
        a[i] = (double)(3 * (i % 7)); /* published multiples of 3 */
        b[i] = (double)(3 * ((i * 5) % 4) + 3);
    }
    const double *counts[2] = {a, b};
    ig_units u;
    memset(&u, 0, sizeof u);
    u.n_units = N;
    u.n_groups = 2;
    u.counts = counts;
    ig_infer_opts o;
    ig_infer_opts_init(&o);
    o.ci = 1;
    o.reps = 400;
    ig_inference plain, noisy;
    assert_int_equal(ig_infer_units(NULL, m, &u, 0, NULL, &o, &plain, NULL),
                     IG_OK);
    assert_true(isnan(plain.noise_sd) && plain.n_noise == 0);
    o.noise.kind = IG_NOISE_ROUND;
    o.noise.param = 3;
    assert_int_equal(ig_infer_units(NULL, m, &u, 0, NULL, &o, &noisy, NULL),
                     IG_OK);
    assert_true(noisy.value == plain.value);
    assert_int_equal(noisy.n_noise, 400);
    assert_true(noisy.noise_sd > 0.0 && isfinite(noisy.noise_bias));
    assert_true(fabs(noisy.noise_share - noisy.noise_bias / noisy.value) <
                1e-15);
    assert_true(noisy.ci_high - noisy.ci_low > plain.ci_high - plain.ci_low);
    /* a bad model is refused */
    o.noise.param = 1;
    ig_error err = {0};
    assert_int_equal(ig_infer_units(NULL, m, &u, 0, NULL, &o, &noisy, &err),
                     IG_ERR_DOMAIN);
}

static void test_normal(void **state)
{
    (void)state;
    assert_true(fabs(ig__infer_qnorm(0.975) - 1.959963984540054) < 1e-12);
    assert_true(fabs(ig__infer_qnorm(0.001) + 3.090232306167813) < 1e-11);
    assert_true(fabs(ig__infer_pnorm(ig__infer_qnorm(0.3)) - 0.3) < 1e-14);
    double a[4] = {1, 2, 3, 4};
    assert_true(ig__infer_quantile(a, 4, 0.5) == 2.5);
    assert_true(ig__infer_quantile(a, 4, 0.0) == 1.0);
    assert_true(ig__infer_quantile(a, 4, 1.0) == 4.0);
}

/* ---- one place ----------------------------------------------------------- */

/* Two groups over n cells; a[i], b[i] counts. */
typedef struct twogroups {
    size_t n;
    double *a, *b;
    const double *counts[2];
    ig_units u;
} twogroups;

static void tg_init(twogroups *t, size_t n)
{
    t->n = n;
    t->a = calloc(n, sizeof *t->a);
    t->b = calloc(n, sizeof *t->b);
    assert_non_null(t->a);
    assert_non_null(t->b);
    t->counts[0] = t->a;
    t->counts[1] = t->b;
    memset(&t->u, 0, sizeof t->u);
    t->u.n_units = n;
    t->u.n_groups = 2;
    t->u.counts = t->counts;
}

static void tg_free(twogroups *t)
{
    free(t->a);
    free(t->b);
}

/* Cell i: t_i residents, group 0 ~ Binomial(t_i, p_i). */
static void tg_draw(twogroups *t, ig_rng *r, const double *tot,
                    const double *p)
{
    for (size_t i = 0; i < t->n; i++) {
        uint64_t x = ig__rng_binomial(r, (uint64_t)tot[i], p[i]);
        t->a[i] = (double)x;
        t->b[i] = tot[i] - (double)x;
    }
}

static double dissim(const double *a, const double *b, size_t n)
{
    double A = 0, B = 0, s = 0;
    for (size_t i = 0; i < n; i++) {
        A += a[i];
        B += b[i];
    }
    for (size_t i = 0; i < n; i++) s += fabs(a[i] / A - b[i] / B);
    return s / 2.0;
}

static void test_same_seed_any_threads(void **state)
{
    (void)state;
    const ig_measure_info *m = ig_measure_find("dissimilarity");
    assert_non_null(m);
    twogroups t;
    tg_init(&t, 60);
    ig_rng r;
    ig__rng_init(&r, 5, 0);
    double tot[60], p[60];
    for (size_t i = 0; i < 60; i++) {
        tot[i] = (double)(5 + i % 17);
        p[i] = i % 3 ? 0.2 : 0.6;
    }
    tg_draw(&t, &r, tot, p);
    ig_infer_opts o;
    ig_infer_opts_init(&o);
    o.ci = o.test = 1;
    o.reps = 199;
    o.seed = 42;
    fail_alloc fa = {0};
    ig_ctx *c1 = make_fail_ctx(&fa, 1), *c3 = make_fail_ctx(&fa, 3);
    ig_inference x1, x3, y1;
    for (int rs = 0; rs < 2; rs++) {
        o.resample = rs ? IG_RESAMPLE_CELLS : IG_RESAMPLE_RESIDENTS;
        assert_int_equal(ig_infer_units(c1, m, &t.u, 0, NULL, &o, &x1, NULL),
                         IG_OK);
        assert_int_equal(ig_infer_units(c3, m, &t.u, 0, NULL, &o, &x3, NULL),
                         IG_OK);
        assert_true(same_inference(&x1, &x3));
        assert_true(x1.ci_low <= x1.ci_high);
        assert_true(isfinite(x1.ci_bca_low) && isfinite(x1.ci_bca_high));
        assert_true(x1.n_boot == 199 && x1.n_null == 199);
        assert_true(isfinite(x1.z) && x1.expected == x1.null_mean);
        assert_true(x1.corrected == x1.value - x1.null_mean);
    }
    o.seed = 43;
    assert_int_equal(ig_infer_units(c3, m, &t.u, 0, NULL, &o, &y1, NULL),
                     IG_OK);
    assert_true(y1.value == x1.value && y1.ci_low != x1.ci_low);
    /* permutation of cells leaves an aspatial measure unchanged */
    o.null_model = IG_NULL_PERMUTATION;
    o.ci = 0;
    assert_int_equal(ig_infer_units(c1, m, &t.u, 0, NULL, &o, &y1, NULL),
                     IG_OK);
    assert_true(fabs(y1.null_mean - y1.value) < 1e-12);
    assert_true(y1.p_value == 1.0);
    assert_true(isnan(y1.ci_low));
    ig_ctx_destroy(c1);
    ig_ctx_destroy(c3);
    assert_int_equal(fa.live, 0);
    tg_free(&t);
}

/* E|Bin(n, P)/n - P| exactly from the pmf. */
static double mean_abs_dev(int n, double P)
{
    double s = 0.0;
    for (int k = 0; k <= n; k++) {
        double lp = lgamma(n + 1.0) - lgamma(k + 1.0) - lgamma(n - k + 1.0) +
                    k * log(P) + (n - k) * log1p(-P);
        s += exp(lp) * fabs((double)k / n - P);
    }
    return s;
}

static void test_null_dissimilarity(void **state)
{
    (void)state;
    const ig_measure_info *m = ig_measure_find("dissimilarity");
    const size_t n = 200;
    const int size = 20;
    const double P = 0.3;
    twogroups t;
    tg_init(&t, n);
    /* a place whose composition is exactly P in every cell: D = 0 */
    for (size_t i = 0; i < n; i++) {
        t.a[i] = P * size;
        t.b[i] = (1 - P) * size;
    }
    ig_infer_opts o;
    ig_infer_opts_init(&o);
    o.test = 1;
    o.reps = 500;
    ig_inference x;
    assert_int_equal(ig_infer_units(NULL, m, &t.u, 0, NULL, &o, &x, NULL),
                     IG_OK);
    /* Binomial approximation of random allocation (cells are small next to
     * the place): E[D] ~ sum_i t_i E|p_i - P| / (2 T P (1 - P)) */
    double expect = mean_abs_dev(size, P) / (2.0 * P * (1 - P));
    assert_true(fabs(x.null_mean - expect) < 0.03 * expect);
    assert_true(x.value < 1e-12 && x.p_value == 1.0);
    assert_true(x.z < -5.0 && x.corrected < 0.0);
    /* perfectly segregated: D = 1, never reached at random */
    for (size_t i = 0; i < n; i++) {
        t.a[i] = i % 3 == 0 ? size : 0;
        t.b[i] = i % 3 == 0 ? 0 : size;
    }
    assert_int_equal(ig_infer_units(NULL, m, &t.u, 0, NULL, &o, &x, NULL),
                     IG_OK);
    assert_true(x.value == 1.0);
    assert_true(x.p_value == 1.0 / 501.0);
    tg_free(&t);
}

/* 1,000 simulations: 20 cells of 1,000 residents with group shares 0.1 or
 * 0.5 (true D of the probabilities = 10/21); counts binomial; 199 resident
 * resamples each. The shares are far from the overall share, so D is
 * nearly linear in the counts and the percentile interval is honest. */
static void test_coverage(void **state)
{
    (void)state;
    const ig_measure_info *m = ig_measure_find("dissimilarity");
    const size_t n = 20;
    double tot[20], p[20], ea[20], eb[20];
    for (size_t i = 0; i < n; i++) {
        tot[i] = 1000;
        p[i] = i % 2 ? 0.1 : 0.5;
        ea[i] = tot[i] * p[i];
        eb[i] = tot[i] - ea[i];
    }
    double truth = dissim(ea, eb, n);
    assert_true(truth > 0.45 && truth < 0.5); /* 10/21 */
    twogroups t;
    tg_init(&t, n);
    ig_infer_opts o;
    ig_infer_opts_init(&o);
    o.ci = 1;
    o.reps = 199;
    int covered = 0, covered_bca = 0;
    const int sims = 1000;
    for (int s = 0; s < sims; s++) {
        ig_rng r;
        ig__rng_init(&r, 2024, (uint64_t)s);
        tg_draw(&t, &r, tot, p);
        o.seed = (uint64_t)s + 1;
        ig_inference x;
        assert_int_equal(ig_infer_units(NULL, m, &t.u, 0, NULL, &o, &x, NULL),
                         IG_OK);
        covered += x.ci_low <= truth && truth <= x.ci_high;
        covered_bca += x.ci_bca_low <= truth && truth <= x.ci_bca_high;
    }
    print_message("coverage of 95%% intervals over %d simulations: "
                  "percentile %.1f%%, BCa %.1f%%\n",
                  sims, 100.0 * covered / sims, 100.0 * covered_bca / sims);
    assert_true(covered >= 930 && covered <= 970);
    assert_true(covered_bca >= 930 && covered_bca <= 970);
    tg_free(&t);
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Data with no segregation (every cell Binomial with the same share):
 * conditional on the margins that is random allocation, so the p-values
 * of the test must be uniform. */
static void test_pvalues_uniform(void **state)
{
    (void)state;
    const ig_measure_info *m = ig_measure_find("dissimilarity");
    const size_t n = 30;
    const int sims = 300;
    double tot[30], p[30], pv[300];
    for (size_t i = 0; i < n; i++) {
        tot[i] = (double)(30 + (i * 7) % 40);
        p[i] = 0.35;
    }
    twogroups t;
    tg_init(&t, n);
    ig_infer_opts o;
    ig_infer_opts_init(&o);
    o.test = 1;
    o.reps = 99;
    for (int s = 0; s < sims; s++) {
        ig_rng r;
        ig__rng_init(&r, 77, (uint64_t)s);
        tg_draw(&t, &r, tot, p);
        o.seed = (uint64_t)s + 1000;
        ig_inference x;
        assert_int_equal(ig_infer_units(NULL, m, &t.u, 0, NULL, &o, &x, NULL),
                         IG_OK);
        pv[s] = x.p_value;
    }
    qsort(pv, (size_t)sims, sizeof *pv, cmp_d);
    double ks = 0.0;
    for (int i = 0; i < sims; i++) {
        double lo = fabs(pv[i] - (double)i / sims);
        double hi = fabs(pv[i] - (double)(i + 1) / sims);
        if (lo > ks) ks = lo;
        if (hi > ks) ks = hi;
    }
    print_message("KS statistic of %d p-values: %.4f (5%% critical %.4f)\n",
                  sims, ks, 1.358 / sqrt((double)sims));
    assert_true(ks < 1.358 / sqrt((double)sims));
    tg_free(&t);
}

static void test_total_column(void **state)
{
    (void)state;
    /* a total above the groups: the rest is drawn as its own category */
    const ig_measure_info *m = ig_measure_find("dissimilarity");
    twogroups t;
    tg_init(&t, 3);
    double tot[3] = {20, 10, 30};
    t.a[0] = 10; t.b[0] = 5;
    t.a[1] = 0;  t.b[1] = 8;
    t.a[2] = 4;  t.b[2] = 20;
    t.u.total = tot;
    ig_infer_opts o;
    ig_infer_opts_init(&o);
    o.ci = o.test = 1;
    o.reps = 50;
    ig_inference x;
    assert_int_equal(ig_infer_units(NULL, m, &t.u, 0, NULL, &o, &x, NULL),
                     IG_OK);
    assert_true(isfinite(x.ci_low) && isfinite(x.null_mean));
    assert_true(x.p_value > 0.0 && x.p_value <= 1.0);
    tg_free(&t);
}

static void test_bad_options(void **state)
{
    (void)state;
    const ig_measure_info *m = ig_measure_find("dissimilarity");
    twogroups t;
    tg_init(&t, 2);
    t.a[0] = 3; t.b[0] = 1; t.a[1] = 1; t.b[1] = 3;
    ig_infer_opts o;
    ig_infer_opts_init(&o);
    ig_inference x;
    ig_error err = {0};
    o.test = 1;
    o.null_model = IG_NULL_COMPOSITION;
    assert_int_equal(ig_infer_units(NULL, m, &t.u, 0, NULL, &o, &x, &err),
                     IG_ERR_DISABLED);
    assert_non_null(strstr(err.msg, "composition"));
    o.null_model = IG_NULL_RANDOM;
    o.reps = 0;
    assert_int_equal(ig_infer_units(NULL, m, &t.u, 0, NULL, &o, &x, NULL),
                     IG_ERR_DOMAIN);
    o.reps = 10;
    o.ci = 1;
    o.level = 1.0;
    assert_int_equal(ig_infer_units(NULL, m, &t.u, 0, NULL, &o, &x, NULL),
                     IG_ERR_DOMAIN);
    /* nothing asked: the value only */
    ig_infer_opts_init(&o);
    assert_int_equal(ig_infer_units(NULL, m, &t.u, 0, NULL, &o, &x, NULL),
                     IG_OK);
    assert_true(x.value == 0.5 && isnan(x.ci_low) && isnan(x.p_value));
    ig_null_model nm;
    ig_resample rs;
    assert_int_equal(ig_null_model_parse("permutation", &nm), IG_OK);
    assert_int_equal(nm, IG_NULL_PERMUTATION);
    assert_int_equal(ig_null_model_parse("bogus", &nm), IG_ERR_NOT_FOUND);
    assert_string_equal(ig_null_model_name(IG_NULL_EVENNESS), "evenness");
    assert_int_equal(ig_resample_parse("cells", &rs), IG_OK);
    assert_int_equal(rs, IG_RESAMPLE_CELLS);
    assert_int_equal(ig_resample_parse("people", &rs), IG_ERR_NOT_FOUND);
    tg_free(&t);
}

/* ---- grid runner ---------------------------------------------------------- */

static const char *const GROUPS2[2] = {"A", "B"};

static void test_run_grid(void **state)
{
    (void)state;
    double a[6] = {10, 0, 10, 0, 10, 0}, b[6] = {0, 10, 0, 10, 0, 10};
    const double *counts[2] = {a, b};
    ig_grid *g = grid_from_counts(NULL, 6, 2, counts, GROUPS2);
    ig_run_opts ro;
    ig_run_opts_init(&ro);
    const char *names[2] = {"dissimilarity", "multi_dissimilarity"};
    ro.measures = names;
    ro.n_measures = 2;
    ig_infer_opts o;
    ig_infer_opts_init(&o);
    o.ci = o.test = 1;
    o.reps = 99;
    ig_infer_results *r = NULL;
    ig_error err = {0};
    assert_int_equal(ig_infer_run(NULL, g, &ro, &o, &r, &err), IG_OK);
    const ig_results *v = ig_infer_results_values(r);
    assert_int_equal(ig_results_nrows(v), 3);
    for (size_t i = 0; i < 3; i++) {
        const ig_result_row *row = ig_results_row(v, i);
        const ig_inference *x = ig_infer_results_row(r, i);
        assert_true(row->value == 1.0 && x->value == 1.0);
        assert_true(x->p_value == 1.0 / 100.0);
        assert_true(x->ci_high <= 1.0 && x->ci_low > 0.5);
    }
    assert_null(ig_infer_results_row(r, 3));
    ig_infer_results_destroy(r);
    ig_grid_destroy(g);
}

/* Lets the runner's calls (one per task: 3 here) pass, then stops. */
static int stop_later(void *ud, uint64_t done, uint64_t total)
{
    (void)done;
    (void)total;
    int *calls = ud;
    return ++*calls > 3;
}

/* A progress callback that asks to stop leaves partial results: every
 * value, no inference for the rows not finished; the places filter leaves
 * the other places without inference. */
static void test_run_partial(void **state)
{
    (void)state;
    double a[6] = {10, 0, 10, 0, 10, 0}, b[6] = {0, 10, 0, 10, 0, 10};
    const double *counts[2] = {a, b};
    ig_grid *g = grid_from_counts(NULL, 6, 2, counts, GROUPS2);
    ig_run_opts ro;
    ig_run_opts_init(&ro);
    const char *names[2] = {"dissimilarity", "multi_dissimilarity"};
    ro.measures = names;
    ro.n_measures = 2;
    ig_infer_opts o;
    ig_infer_opts_init(&o);
    o.test = 1;
    o.reps = 200;
    ig_infer_results *r = NULL;
    ig_error err = {0};
    int calls = 0;
    ro.progress = stop_later;
    ro.progress_ud = &calls;
    assert_int_equal(ig_infer_run(NULL, g, &ro, &o, &r, &err),
                     IG_ERR_CANCELLED);
    assert_non_null(r);
    assert_int_equal(ig_infer_results_partial(r), 1);
    assert_int_equal(ig_infer_results_done(r), 0); /* stopped in the draws */
    assert_true(calls == 4);
    const ig_inference *x = ig_infer_results_row(r, 2);
    assert_true(x->value == 1.0);
    assert_true(isnan(x->p_value) && x->n_null == 0);
    ig_infer_results_destroy(r);
    r = NULL;
    /* the places filter: no place asked for, so no inference at all */
    ro.progress = NULL;
    size_t none = 7;
    o.places = &none;
    o.n_places = 1;
    assert_int_equal(ig_infer_run(NULL, g, &ro, &o, &r, &err), IG_OK);
    assert_int_equal(ig_infer_results_partial(r), 0);
    assert_int_equal(ig_infer_results_done(r), 0);
    assert_true(isnan(ig_infer_results_row(r, 0)->p_value));
    assert_true(ig_infer_results_row(r, 0)->value == 1.0);
    ig_infer_results_destroy(r);
    size_t first = 0;
    o.places = &first;
    assert_int_equal(ig_infer_run(NULL, g, &ro, &o, &r, &err), IG_OK);
    assert_int_equal(ig_infer_results_done(r), 3);
    assert_true(ig_infer_results_row(r, 0)->p_value == 1.0 / 201.0);
    ig_infer_results_destroy(r);
    ig_grid_destroy(g);
}

static void test_alloc_failures(void **state)
{
    (void)state;
    double a[4] = {10, 2, 7, 0}, b[4] = {1, 9, 4, 6};
    const double *counts[2] = {a, b};
    ig_run_opts ro;
    ig_run_opts_init(&ro);
    const char *names[1] = {"dissimilarity"};
    ro.measures = names;
    ro.n_measures = 1;
    ig_infer_opts o;
    ig_infer_opts_init(&o);
    o.ci = o.test = 1;
    o.reps = 5;
    int ok = 0;
    for (long k = 1; k < 2000 && !ok; k++) {
        fail_alloc fa = {0};
        ig_ctx *ctx = make_fail_ctx(&fa, 1);
        ig_grid *g = grid_from_counts(ctx, 4, 2, counts, GROUPS2);
        fa.fail_at = fa.calls + k;
        ig_infer_results *r = NULL;
        ig_status st = ig_infer_run(ctx, g, &ro, &o, &r, NULL);
        fa.fail_at = 0;
        if (st == IG_OK) {
            ok = 1;
            assert_non_null(r);
            assert_true(isfinite(ig_infer_results_row(r, 0)->ci_low));
        } else {
            assert_int_equal(st, IG_ERR_NOMEM);
            assert_null(r);
        }
        ig_infer_results_destroy(r);
        ig_grid_destroy(g);
        ig_ctx_destroy(ctx);
        assert_int_equal(fa.live, 0);
    }
    assert_true(ok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hyper_keeps_totals),
        cmocka_unit_test(test_mvhyper_keeps_totals),
        cmocka_unit_test(test_ralloc_margins),
        cmocka_unit_test(test_ralloc_exact),
        cmocka_unit_test(test_eval_same_bits),
        cmocka_unit_test(test_noise_models),
        cmocka_unit_test(test_noise_in_intervals),
        cmocka_unit_test(test_normal),
        cmocka_unit_test(test_same_seed_any_threads),
        cmocka_unit_test(test_null_dissimilarity),
        cmocka_unit_test(test_coverage),
        cmocka_unit_test(test_pvalues_uniform),
        cmocka_unit_test(test_total_column),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_run_grid),
        cmocka_unit_test(test_run_partial),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
