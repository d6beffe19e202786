/* Compensated summation (Neumaier's variant of Kahan summation).
 *
 * Alternatives considered (docs/design/0004-summation.md): plain Kahan loses
 * the compensation when an addend is larger than the running sum; pairwise
 * summation needs the whole array or a tree; Neumaier handles both orders of
 * magnitude in one pass at two extra flops per add. Sums over millions of
 * cells use ig_ksum; partial sums from threads are merged in a fixed order
 * with ig_ksum_merge so results do not depend on the thread count.
 *
 * Never build with -ffast-math: reassociation removes the compensation. */
#ifndef IG_KSUM_H
#define IG_KSUM_H

#include <math.h>
#include <stddef.h>

typedef struct ig_ksum {
    double s; /* running sum */
    double c; /* running compensation */
} ig_ksum;

static inline void ig_ksum_init(ig_ksum *k)
{
    k->s = 0.0;
    k->c = 0.0;
}

static inline void ig_ksum_add(ig_ksum *k, double x)
{
    double t = k->s + x;
    if (fabs(k->s) >= fabs(x))
        k->c += (k->s - t) + x;
    else
        k->c += (x - t) + k->s;
    k->s = t;
}

static inline double ig_ksum_value(const ig_ksum *k)
{
    return k->s + k->c;
}

static inline void ig_ksum_merge(ig_ksum *into, const ig_ksum *from)
{
    ig_ksum_add(into, from->s);
    ig_ksum_add(into, from->c);
}

/* Compensated sum of an array. */
static inline double ig_ksum_array(const double *x, size_t n)
{
    ig_ksum k;
    ig_ksum_init(&k);
    for (size_t i = 0; i < n; i++) ig_ksum_add(&k, x[i]);
    return ig_ksum_value(&k);
}

#endif /* IG_KSUM_H */
