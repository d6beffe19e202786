/* Exact hypergeometric draws and the normal distribution for the
 * inference module.
 *
 * Hypergeometric: inversion that starts at the mode and walks outwards,
 * one step down and one up in turn, with the pmf updated by its ratios;
 * the expected number of steps is of the order of the standard deviation,
 * and the result is exact up to floating point (the pmf at the mode comes
 * from log factorials: a table below 16, Stirling's series above,
 * never lgamma, whose signgam is shared state). Spreading n items over
 * slots with integer weights keeps the remaining weight as an integer, so
 * rounding can never leave items unplaced. The normal quantile is
 * Acklam's rational approximation refined by one Halley step. */
#include <math.h>
#include <string.h>

#include "core/core.h"
#include "infer/infer_impl.h"

static double log_factorial(uint64_t k)
{
    /* log k! for k < 16 (rounded from the exact values) */
    static const double small[16] = {
        0, 0, 0.69314718055994495,
        1.7917594692280554, 3.1780538303479449, 4.7874917427820467,
        6.5792512120101021, 8.5251613610654147, 10.604602902745249,
        12.801827480081467, 15.104412573075514, 17.502307845873887,
        19.987214495661885, 22.552163853123421, 25.191221182738683,
        27.89927138384089};
    if (k < 16) return small[k];
    double x = (double)k + 1.0, x2 = x * x;
    return (x - 0.5) * log(x) - x + 0.91893853320467274178 +
           (1.0 / 12.0 - (1.0 / 360.0 - (1.0 / 1260.0) / x2) / x2) / x;
}

static double log_choose(uint64_t n, uint64_t k)
{
    return log_factorial(n) - log_factorial(k) - log_factorial(n - k);
}

uint64_t ig__infer_hyper(ig_rng *r, uint64_t n, uint64_t K, uint64_t N)
{
    if (n == 0 || K == 0) return 0;
    if (K >= N) return n;
    if (n >= N) return K;
    uint64_t F = N - K; /* failures */
    uint64_t lo = n > F ? n - F : 0, hi = n < K ? n : K;
    if (lo == hi) return lo;
    double mode_d = floor(((double)n + 1.0) * ((double)K + 1.0) /
                          ((double)N + 2.0));
    uint64_t m = (uint64_t)mode_d;
    if (m < lo) m = lo;
    if (m > hi) m = hi;
    double pm = exp(log_choose(K, m) + log_choose(F, n - m) -
                    log_choose(N, n));
    double u = ig__rng_uniform(r) - pm;
    if (u <= 0.0) return m;
    uint64_t up = m, dn = m;
    double pu = pm, pd = pm;
    for (;;) {
        int moved = 0;
        if (up < hi) {
            double k = (double)up;
            pu *= ((double)K - k) * ((double)n - k) /
                  ((k + 1.0) * ((double)F - (double)n + k + 1.0));
            up++;
            moved = 1;
            u -= pu;
            if (u <= 0.0) return up;
        }
        if (dn > lo) {
            double k = (double)dn;
            pd *= k * ((double)F - (double)n + k) /
                  (((double)K - k + 1.0) * ((double)n - k + 1.0));
            dn--;
            moved = 1;
            u -= pd;
            if (u <= 0.0) return dn;
        }
        if (!moved) return m; /* rounding left a sliver of mass */
    }
}

/* Few items from a large pool: draw them one by one, each taking category
 * c with probability pool[c] / rest (the definition of drawing without
 * replacement). One uniform per item beats the log factorials of the
 * conditional hypergeometric draws until n is a few dozen. */
#define MVHYPER_ONE_BY_ONE 24

void ig__infer_mvhyper(ig_rng *r, uint64_t n, uint64_t *pool, size_t k,
                       uint64_t *pool_total, uint64_t *out)
{
    if (n <= MVHYPER_ONE_BY_ONE && n <= *pool_total && k > 1) {
        uint64_t rest = *pool_total;
        for (size_t c = 0; c < k; c++) out[c] = 0;
        for (uint64_t d = 0; d < n; d++) {
            /* 53-bit uniform times rest < 2^53: floor is uniform on
             * [0, rest) up to rest / 2^53 */
            uint64_t x = (uint64_t)(ig__rng_uniform(r) * (double)rest);
            if (x >= rest) x = rest - 1;
            size_t c = 0;
            while (x >= pool[c]) x -= pool[c++];
            out[c]++;
            pool[c]--;
            rest--;
        }
        *pool_total = rest;
        return;
    }
    uint64_t left = n, rest = *pool_total;
    for (size_t c = 0; c < k; c++) {
        uint64_t x;
        if (c + 1 == k)
            x = left < pool[c] ? left : pool[c];
        else
            x = ig__infer_hyper(r, left, pool[c], rest);
        rest -= pool[c];
        out[c] = x;
        pool[c] -= x;
        left -= x;
    }
    *pool_total -= n - left;
}

void ig__infer_spread(ig_rng *r, uint64_t n, const uint64_t *w, size_t k,
                      uint64_t wsum, uint64_t *out)
{
    uint64_t left = n, rest = wsum;
    for (size_t i = 0; i < k; i++) {
        uint64_t x = 0;
        if (left > 0 && w[i] > 0 && rest > 0) {
            /* w[i] == rest: the last slot that can take anything */
            x = w[i] >= rest ? left
                             : ig__rng_binomial(r, left,
                                                (double)w[i] / (double)rest);
            rest -= w[i] < rest ? w[i] : rest;
        }
        out[i] = x;
        left -= x;
    }
}

void ig__infer_systematic(ig_rng *r, const uint64_t *gtot, size_t nc,
                          const uint64_t *ctot, size_t n, uint64_t all,
                          uint64_t *out)
{
    for (size_t c = 0; c < nc; c++)
        ig__infer_spread(r, gtot[c], ctot, n, all, out + c * n);
}

void ig__infer_evenness(ig_rng *r, const double *gw, size_t nc,
                        const uint64_t *ctot, size_t n, uint64_t *tmp,
                        uint64_t *out)
{
    for (size_t i = 0; i < n; i++) {
        ig__rng_multinomial(r, ctot[i], gw, nc, tmp);
        for (size_t c = 0; c < nc; c++) out[c * n + i] = tmp[c];
    }
}

/* ---- random allocation in two stages ---------------------------------- */

/* Residents per block of the first stage: the log-factorial table of the
 * second stage has this many entries (512 KB), and a block's deal over
 * its cells is cheap while the deal over the blocks (n / block cells of
 * them) stays a small part of a draw. */
#define RALLOC_BLOCK_POP 65536
/* Below this expected count the second stage inverts from the lowest
 * possible value upwards (a step per unit of the count); above it, from
 * the mode outwards (a step per unit of the standard deviation). */
#define RALLOC_BOTTOM_UP 12.0

static inline double lf_at(const ig__ralloc *ra, uint64_t k)
{
    return k < ra->lf_n ? ra->lf[k] : log_factorial(k);
}

/* Hypergeometric draw as ig__infer_hyper, with the table: successes among
 * n drawn from N holding K successes. */
static uint64_t hyper_tab(const ig__ralloc *ra, ig_rng *r, uint64_t n,
                          uint64_t K, uint64_t N)
{
    if (n == 0 || K == 0) return 0;
    if (K >= N) return n;
    if (n >= N) return K;
    /* count the rarer kind: fewer steps */
    int flip = 2 * K > N;
    if (flip) K = N - K;
    uint64_t F = N - K;
    uint64_t lo = n > F ? n - F : 0, hi = n < K ? n : K, x;
    double mean = (double)n * (double)K / (double)N;
    if (lo == hi) {
        x = lo;
    } else if (mean - (double)lo <= RALLOC_BOTTOM_UP && N < ra->lf_n) {
        const double *lf = ra->lf;
        /* P(lo), then the ratios of successive probabilities without a
         * division: with the probability num / den and u scaled to
         * U = u den, "u > p" is "U > num", and moving to x + 1 multiplies
         * num by a, den (and U) by b. Both are rescaled before they can
         * overflow (the ratio is what matters). */
        double num = exp(lf[K] - lf[lo] - lf[K - lo] + lf[F] - lf[n - lo] -
                         lf[F - n + lo] - lf[N] + lf[n] + lf[N - n]);
        double U = ig__rng_uniform(r);
        double Kd = (double)K, nd = (double)n, Fn = (double)F - (double)n;
        x = lo;
        while (U > num && x < hi) {
            double k = (double)x;
            double a = (Kd - k) * (nd - k), b = (k + 1.0) * (Fn + k + 1.0);
            U = (U - num) * b;
            num *= a;
            x++;
            if (U > 0x1.0p+900) {
                U *= 0x1.0p-900;
                num *= 0x1.0p-900;
            }
        }
    } else {
        double mode_d = floor(((double)n + 1.0) * ((double)K + 1.0) /
                              ((double)N + 2.0));
        uint64_t m = (uint64_t)mode_d;
        if (m < lo) m = lo;
        if (m > hi) m = hi;
        double pm = exp(lf_at(ra, K) - lf_at(ra, m) - lf_at(ra, K - m) +
                        lf_at(ra, F) - lf_at(ra, n - m) -
                        lf_at(ra, F - n + m) - lf_at(ra, N) + lf_at(ra, n) +
                        lf_at(ra, N - n));
        double u = ig__rng_uniform(r) - pm;
        x = m;
        if (u > 0.0) {
            uint64_t up = m, dn = m;
            double pu = pm, pd = pm;
            for (;;) {
                int moved = 0;
                if (up < hi) {
                    double k = (double)up;
                    pu *= ((double)K - k) * ((double)n - k) /
                          ((k + 1.0) * ((double)F - (double)n + k + 1.0));
                    up++;
                    moved = 1;
                    u -= pu;
                    if (u <= 0.0) {
                        x = up;
                        break;
                    }
                }
                if (dn > lo) {
                    double k = (double)dn;
                    pd *= k * ((double)F - (double)n + k) /
                          (((double)K - k + 1.0) * ((double)n - k + 1.0));
                    dn--;
                    moved = 1;
                    u -= pd;
                    if (u <= 0.0) {
                        x = dn;
                        break;
                    }
                }
                if (!moved) break; /* rounding left a sliver: the mode */
            }
        }
    }
    return flip ? n - x : x;
}

ig_status ig__ralloc_init(ig_ctx *ctx, ig__ralloc *ra, const uint64_t *ctot,
                          size_t n, size_t nc)
{
    memset(ra, 0, sizeof *ra);
    ra->n = n;
    ra->nc = nc;
    ra->ctot = ctot;
    size_t nb = 0;
    uint64_t acc = 0, maxpop = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || acc + ctot[i] > RALLOC_BLOCK_POP) {
            nb++;
            acc = 0;
        }
        acc += ctot[i];
        if (acc > maxpop) maxpop = acc;
    }
    ra->bstart = ig__calloc(ctx, nb + 1, sizeof *ra->bstart);
    ra->bpop = ig__calloc(ctx, nb ? nb : 1, sizeof *ra->bpop);
    ra->lf_n = (size_t)(maxpop < RALLOC_BLOCK_POP ? maxpop : RALLOC_BLOCK_POP) + 1;
    ra->lf = ig__alloc(ctx, ra->lf_n * sizeof *ra->lf);
    if (!ra->bstart || !ra->bpop || !ra->lf) {
        ig__ralloc_free(ctx, ra);
        return IG_ERR_NOMEM;
    }
    ra->nb = nb;
    size_t b = 0;
    acc = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || acc + ctot[i] > RALLOC_BLOCK_POP) {
            if (b) ra->bpop[b - 1] = acc; /* close the previous block */
            ra->bstart[b++] = i;
            acc = 0;
        }
        acc += ctot[i];
    }
    if (b) ra->bpop[b - 1] = acc;
    ra->bstart[nb] = n;
    for (size_t k = 0; k < ra->lf_n; k++) ra->lf[k] = log_factorial(k);
    return IG_OK;
}

void ig__ralloc_free(ig_ctx *ctx, ig__ralloc *ra)
{
    ig__free(ctx, ra->bstart, (ra->nb + 1) * sizeof *ra->bstart);
    ig__free(ctx, ra->bpop, (ra->nb ? ra->nb : 1) * sizeof *ra->bpop);
    ig__free(ctx, ra->lf, ra->lf_n * sizeof *ra->lf);
    memset(ra, 0, sizeof *ra);
}

size_t ig__ralloc_tmp_len(const ig__ralloc *ra)
{
    return 3 * ra->nc + ra->nb * ra->nc;
}

/* Deal n residents from pool[0..nc) (holding rest) into out[0..nc):
 * sequential conditional draws, the pool loses them. */
static void deal(const ig__ralloc *ra, ig_rng *r, uint64_t n, uint64_t *pool,
                 size_t nc, uint64_t *rest, uint64_t *out)
{
    uint64_t left = n, rs = *rest;
    for (size_t c = 0; c < nc; c++) {
        uint64_t x;
        if (left == 0)
            x = 0;
        else if (c + 1 == nc)
            x = left;
        else
            x = hyper_tab(ra, r, left, pool[c], rs);
        rs -= pool[c];
        out[c] = x;
        pool[c] -= x;
        left -= x;
    }
    *rest -= n;
}

void ig__ralloc_draw(const ig__ralloc *ra, ig_rng *r, const uint64_t *gtot,
                     uint64_t all, uint64_t *tmp, double *const *cols)
{
    size_t nc = ra->nc;
    uint64_t *pool = tmp, *bp = tmp + nc, *draw = tmp + 2 * nc;
    uint64_t *bcomp = tmp + 3 * nc; /* nb * nc: each block's residents */
    memcpy(pool, gtot, nc * sizeof *pool);
    uint64_t left = all;
    /* stage 1: the blocks */
    for (size_t b = 0; b < ra->nb; b++)
        deal(ra, r, ra->bpop[b], pool, nc, &left, bcomp + b * nc);
    /* stage 2: the cells of each block */
    for (size_t b = 0; b < ra->nb; b++) {
        memcpy(bp, bcomp + b * nc, nc * sizeof *bp);
        uint64_t bl = ra->bpop[b];
        for (size_t i = ra->bstart[b]; i < ra->bstart[b + 1]; i++) {
            deal(ra, r, ra->ctot[i], bp, nc, &bl, draw);
            for (size_t c = 0; c < nc; c++)
                if (cols[c]) cols[c][i] = (double)draw[c];
        }
    }
}

uint64_t ig__infer_noisy(ig_rng *r, const ig_noise *nz, uint64_t y)
{
    uint64_t lo = y, hi = y, p = nz->param > 0 ? (uint64_t)nz->param : 0;
    if (nz->kind == IG_NOISE_ROUND && p >= 2) {
        uint64_t down = (p - 1) / 2, up = p / 2;
        lo = y > down ? y - down : 0;
        hi = y + up;
    } else if (nz->kind == IG_NOISE_PERTURB && p >= 1) {
        if (y == 0) return 0; /* zeros are published as they are */
        lo = y > p ? y - p : 1;
        hi = y + p;
    }
    if (hi <= lo) return lo;
    uint64_t span = hi - lo + 1;
    /* uniform in [0, span) without modulo bias */
    uint64_t lim = UINT64_MAX - UINT64_MAX % span, x;
    do {
        x = ig__rng_next(r);
    } while (x >= lim);
    return lo + x % span;
}

double ig__infer_pnorm(double x)
{
    return 0.5 * erfc(-x / 1.41421356237309504880);
}

double ig__infer_qnorm(double p)
{
    static const double a[6] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                -2.759285104469687e+02, 1.383577518672690e+02,
                                -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[5] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                -1.556989798598866e+02, 6.680131188771972e+01,
                                -1.328068155288572e+01};
    static const double c[6] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                -2.400758277161838e+00, -2.549732539343734e+00,
                                4.374664141464968e+00,  2.938163982698783e+00};
    static const double d[4] = {7.784695709041462e-03, 3.224671290700398e-01,
                                2.445134137142996e+00, 3.754408661907416e+00};
    if (p <= 0.0) return -(double)INFINITY;
    if (p >= 1.0) return (double)INFINITY;
    if (!(p == p)) return (double)NAN;
    double x, q, t;
    if (p < 0.02425) {
        q = sqrt(-2.0 * log(p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q +
             c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
    } else if (p > 1.0 - 0.02425) {
        q = sqrt(-2.0 * log(1.0 - p));
        x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q +
              c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
    } else {
        q = p - 0.5;
        t = q * q;
        x = (((((a[0] * t + a[1]) * t + a[2]) * t + a[3]) * t + a[4]) * t +
             a[5]) *
            q /
            (((((b[0] * t + b[1]) * t + b[2]) * t + b[3]) * t + b[4]) * t +
             1.0);
    }
    /* one Halley step on Phi(x) - p */
    double e = ig__infer_pnorm(x) - p;
    double uu = e * 2.50662827463100050242 * exp(x * x / 2.0);
    return x - uu / (1.0 + x * uu / 2.0);
}

double ig__infer_quantile(const double *a, size_t n, double q)
{
    if (n == 0) return (double)NAN;
    if (n == 1) return a[0];
    double h = (double)(n - 1) * q;
    if (h <= 0.0) return a[0];
    if (h >= (double)(n - 1)) return a[n - 1];
    size_t lo = (size_t)h;
    double f = h - (double)lo;
    return a[lo] + f * (a[lo + 1] - a[lo]);
}
