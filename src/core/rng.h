/* Seeded, counter-based random streams for simulations.
 *
 * Every simulation draw r (a replicate) gets its own stream, made from
 * (seed, stream id) with SplitMix64, and then runs xoshiro256**. So the
 * numbers a replicate sees depend only on the seed and the replicate's
 * index, never on which thread ran it or how many threads there are.
 * Never use rand(). */
#ifndef IG_RNG_H
#define IG_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct ig_rng {
    uint64_t s[4];
} ig_rng;

/* Start stream `stream` of seed `seed`. */
void ig__rng_init(ig_rng *r, uint64_t seed, uint64_t stream);
/* Next 64 random bits (xoshiro256**; inline: the simulations call it
 * millions of times per draw). */
static inline uint64_t ig__rng_next(ig_rng *r)
{
    uint64_t *s = r->s;
    uint64_t x = s[1] * 5;
    uint64_t result = ((x << 7) | (x >> 57)) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return result;
}

/* Uniform double in [0, 1), 53 random bits. */
static inline double ig__rng_uniform(ig_rng *r)
{
    return (double)(ig__rng_next(r) >> 11) * 0x1.0p-53;
}
/* Standard normal deviate. */
double ig__rng_normal(ig_rng *r);
/* Binomial(n, p) draw, exact for every n >= 0 and 0 <= p <= 1 (inversion
 * for small n*min(p,1-p), BTRD (Hormann 1993) otherwise). */
uint64_t ig__rng_binomial(ig_rng *r, uint64_t n, double p);
/* Multinomial(n, probs[0..k)) by sequential conditional binomials; probs
 * need not be normalised (they are divided by their sum); out[k]. */
void ig__rng_multinomial(ig_rng *r, uint64_t n, const double *probs,
                         size_t k, uint64_t *out);

#endif /* IG_RNG_H */
