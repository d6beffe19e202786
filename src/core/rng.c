/* Random streams and exact binomial / multinomial sampling.
 *
 * Streams: SplitMix64 mixes (seed, stream) into a 256-bit xoshiro256**
 * state (Blackman & Vigna 2018), so replicate r of a simulation sees the
 * same numbers whatever thread runs it. Binomial(n, p): work with
 * p' = min(p, 1 - p) and flip at the end; when n p' < 14 sequential-search
 * inversion (expected n p' + 1 steps), else BTRD, transformed rejection
 * with decomposition (Hormann 1993), whose setup is O(1) and whose
 * acceptance rate is above 0.85 for every n p' >= 10. Both are exact up to
 * floating point; the unit tests compare them to the binomial pmf. */
#include <math.h>
#include <stdint.h>

#include <stddef.h>

#include "core/ksum.h"
#include "core/rng.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

void ig__rng_init(ig_rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t a = seed, b = stream ^ UINT64_C(0x6A09E667F3BCC909);
    uint64_t x = splitmix64(&a) ^ splitmix64(&b);
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
    if ((r->s[0] | r->s[1] | r->s[2] | r->s[3]) == 0) r->s[0] = 1;
}

double ig__rng_normal(ig_rng *r)
{
    /* Box-Muller; u1 in (0, 1] so the log is finite */
    double u1 = 1.0 - ig__rng_uniform(r);
    double u2 = ig__rng_uniform(r);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* Sequential-search inversion for n p small (p <= 0.5). Terms beyond
 * `bound` (more than 10 sd above the mean) have probability far below
 * 1e-20; reaching them means rounding, so the draw restarts. */
static uint64_t binom_inversion(ig_rng *r, uint64_t n, double p)
{
    double q = 1.0 - p;
    double s = p / q;
    double nd = (double)n;
    double a = (nd + 1.0) * s;
    double r0 = exp(nd * log1p(-p));
    double bound = nd * p + 10.0 * sqrt(nd * p * q + 1.0);
    if (bound > nd) bound = nd;
    for (;;) {
        double u = ig__rng_uniform(r);
        double pr = r0;
        uint64_t x = 0;
        for (;;) {
            if (u <= pr) return x;
            u -= pr;
            x++;
            if ((double)x > bound) break;
            pr *= a / (double)x - s;
        }
    }
}

/* ln k! - ((k + 1/2) ln(k + 1) - (k + 1) + ln sqrt(2 pi)): the Stirling
 * tail BTRD needs, from a table for k < 10 and the series otherwise. */
static double stirling_tail(double k)
{
    static const double tab[10] = {0.08106146679532726,  0.04134069595540929,
                                   0.02767792568499834,  0.02079067210376509,
                                   0.01664469118982119,  0.01387612882307075,
                                   0.01189670994589177,  0.01041126526197209,
                                   0.009255462182712733, 0.008330563433362871};
    if (k < 10.0) return tab[(int)k];
    double kp1 = k + 1.0, k2 = kp1 * kp1;
    return (1.0 / 12.0 - (1.0 / 360.0 - 1.0 / 1260.0 / k2) / k2) / kp1;
}

/* BTRD (Hormann 1993, algorithm BTRD), p <= 0.5, n p >= 10. */
static uint64_t binom_btrd(ig_rng *rg, uint64_t n, double p)
{
    double nd = (double)n;
    double q = 1.0 - p;
    double m = floor((nd + 1.0) * p);
    double r = p / q;
    double nr = (nd + 1.0) * r;
    double npq = nd * p * q;
    double snpq = sqrt(npq);
    double b = 1.15 + 2.53 * snpq;
    double a = -0.0873 + 0.0248 * b + 0.01 * p;
    double c = nd * p + 0.5;
    double alpha = (2.83 + 5.1 / b) * snpq;
    double vr = 0.92 - 4.2 / b;
    double urvr = 0.86 * vr;
    for (;;) {
        double v = ig__rng_uniform(rg);
        double u;
        if (v <= urvr) { /* the triangle in the centre: accept at once */
            u = v / vr - 0.43;
            return (uint64_t)floor((2.0 * a / (0.5 - fabs(u)) + b) * u + c);
        }
        if (v >= vr) {
            u = ig__rng_uniform(rg) - 0.5;
        } else {
            u = v / vr - 0.93;
            u = (u < 0 ? -0.5 : 0.5) - u;
            v = ig__rng_uniform(rg) * vr;
        }
        double us = 0.5 - fabs(u);
        double k = floor((2.0 * a / us + b) * u + c);
        if (k < 0.0 || k > nd) continue;
        v = v * alpha / (a / (us * us) + b);
        double km = fabs(k - m);
        if (km <= 15.0) {
            /* recursive evaluation of f(k) / f(m) */
            double f = 1.0;
            if (m < k) {
                for (double i = m + 1.0; i <= k; i += 1.0) f *= nr / i - r;
            } else if (m > k) {
                for (double i = k + 1.0; i <= m; i += 1.0) v *= nr / i - r;
            }
            if (v <= f) return (uint64_t)k;
            continue;
        }
        /* squeeze on the log scale, then the exact test */
        v = log(v);
        double rho =
            (km / npq) * (((km / 3.0 + 0.625) * km + 1.0 / 6.0) / npq + 0.5);
        double t = -km * km / (2.0 * npq);
        if (v < t - rho) return (uint64_t)k;
        if (v > t + rho) continue;
        double nm = nd - m + 1.0;
        double h = (m + 0.5) * log((m + 1.0) / (r * nm)) + stirling_tail(m) +
                   stirling_tail(nd - m);
        double nk = nd - k + 1.0;
        if (v <= h + (nd + 1.0) * log(nm / nk) +
                     (k + 0.5) * log(nk * r / (k + 1.0)) - stirling_tail(k) -
                     stirling_tail(nd - k))
            return (uint64_t)k;
    }
}

uint64_t ig__rng_binomial(ig_rng *r, uint64_t n, double p)
{
    if (n == 0 || !(p > 0.0)) return 0;
    if (p >= 1.0) return n;
    int flip = p > 0.5;
    double pp = flip ? 1.0 - p : p;
    uint64_t x = (double)n * pp < 14.0 ? binom_inversion(r, n, pp)
                                       : binom_btrd(r, n, pp);
    return flip ? n - x : x;
}

void ig__rng_multinomial(ig_rng *r, uint64_t n, const double *probs, size_t k,
                         uint64_t *out)
{
    ig_ksum rem;
    ig_ksum_init(&rem);
    size_t last = k; /* last category with a positive probability */
    for (size_t j = 0; j < k; j++) {
        out[j] = 0;
        if (probs[j] > 0.0) {
            ig_ksum_add(&rem, probs[j]);
            last = j;
        }
    }
    if (last == k) return; /* no category can take anything */
    uint64_t left = n;
    for (size_t j = 0; j < last && left > 0; j++) {
        if (!(probs[j] > 0.0)) continue;
        double pr = probs[j] / ig_ksum_value(&rem);
        uint64_t x = ig__rng_binomial(r, left, pr > 1.0 ? 1.0 : pr);
        out[j] = x;
        left -= x;
        ig_ksum_add(&rem, -probs[j]);
    }
    out[last] += left;
}
