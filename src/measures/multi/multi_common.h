/* Shared pieces of the multigroup measures (the .c files in measures/multi):
 * the population and group-count checks every measure makes first, the group
 * shares pi_m = X_m / T, the entropy E, the interaction I, and the sums that
 * several measures are built from. Kept as static inline functions in one
 * header so that each measure stays a small file and no extra translation
 * unit has to be registered. Groups with a zero total are left out of every
 * formula (K counts only groups present), as docs/measures and
 * notes/conventions.md decide. All sums over units use ig_ksum. */
#ifndef IG_MULTI_COMMON_H
#define IG_MULTI_COMMON_H

#include <math.h>
#include <stddef.h>

#include "core/ksum.h"
#include "measures/measure_impl.h"

/* Number of groups with a positive total (K in the formulas). */
static inline size_t ig__multi_k(const ig__min *in)
{
    size_t k = 0;
    for (size_t g = 0; g < in->n_groups; g++)
        if (in->gsum[g] > 0.0) k++;
    return k;
}

/* IG_OK when the place has residents; otherwise IG_ERR_NUMERIC. */
static inline ig_status ig__multi_need_pop(const ig__min *in, const char *name)
{
    if (!(in->T > 0.0) || !isfinite(in->T))
        return ig__error_set(in->err, IG_ERR_NUMERIC, 0, 0,
                             "%s: no residents in this place (all %zu units "
                             "have zero counts); the index is undefined",
                             name, in->n);
    return IG_OK;
}

/* IG_OK when the place has residents in at least two groups; otherwise
 * IG_ERR_NUMERIC, saying why. */
static inline ig_status ig__multi_need_k2(const ig__min *in, const char *name)
{
    ig_status st = ig__multi_need_pop(in, name);
    if (st != IG_OK) return st;
    size_t k = ig__multi_k(in);
    if (k < 2)
        return ig__error_set(in->err, IG_ERR_NUMERIC, 0, 0,
                             "%s: only %zu of the %zu groups has residents in "
                             "this place; a multigroup index needs at least 2 "
                             "groups present",
                             name, k, in->n_groups);
    return IG_OK;
}

/* Share of group g in the whole population, pi_m = X_m / T. */
static inline double ig__multi_share(const ig__min *in, size_t g)
{
    return in->gsum[g] / in->T;
}

/* Entropy E = -sum_m pi_m ln pi_m over the groups present. */
static inline double ig__multi_entropy(const ig__min *in)
{
    ig_ksum k;
    ig_ksum_init(&k);
    for (size_t g = 0; g < in->n_groups; g++) {
        if (!(in->gsum[g] > 0.0)) continue;
        double p = ig__multi_share(in, g);
        ig_ksum_add(&k, -p * log(p));
    }
    double e = ig_ksum_value(&k);
    return e > 0.0 ? e : 0.0;
}

/* Simpson's interaction I = sum_m pi_m (1 - pi_m). Summed in this form, not
 * as 1 - sum pi_m^2, so that small I keep their relative accuracy. */
static inline double ig__multi_interaction(const ig__min *in)
{
    ig_ksum k;
    ig_ksum_init(&k);
    for (size_t g = 0; g < in->n_groups; g++) {
        if (!(in->gsum[g] > 0.0)) continue;
        double p = ig__multi_share(in, g);
        ig_ksum_add(&k, p * (1.0 - p));
    }
    double v = ig_ksum_value(&k);
    return v > 0.0 ? v : 0.0;
}

/* For group g: sum_i t_i (pi_ig - pi_g)^2 over units with t_i > 0.
 * ig__multi_sqdev_sum computes it; ig__multi_sqdev takes the runner's
 * value when there is one (measures/run.c computes it once per place for
 * the three measures built on it). */
static inline double ig__multi_sqdev_sum(const ig__min *in, size_t g)
{
    const double *x = in->counts[g];
    double pg = ig__multi_share(in, g);
    ig_ksum k;
    ig_ksum_init(&k);
    for (size_t i = 0; i < in->n; i++) {
        double t = in->t[i];
        if (!(t > 0.0)) continue;
        double d = x[i] / t - pg;
        ig_ksum_add(&k, t * d * d);
    }
    return ig_ksum_value(&k);
}

static inline double ig__multi_sqdev(const ig__min *in, size_t g)
{
    return in->sqdev ? in->sqdev[g] : ig__multi_sqdev_sum(in, g);
}

/* T * M, the unnormalised mutual information:
 * sum_i sum_m x_im ln(pi_im / pi_m), terms with x_im = 0 being 0
 * (multi/information.c). IG_ERR_NOMEM (no message) on failure. */
ig_status ig__multi_tm_sum(const ig__min *in, double *out);

/* M = T M / T, clamped at 0: M >= 0 mathematically (it is a Kullback-
 * Leibler divergence), so a negative sum is rounding of an even place.
 * T M comes from the runner when it computed it once for the place (M, H
 * and their decompositions all start from it). Sets an error message. */
static inline ig_status ig__multi_mutual(const ig__min *in, const char *name,
                                         double *out)
{
    double tm = in->tm;
    if (!in->has_tm && ig__multi_tm_sum(in, &tm) != IG_OK)
        return ig__error_set(in->err, IG_ERR_NOMEM, 0, 0, "%s: out of memory",
                             name);
    double m = tm / in->T;
    *out = m > 0.0 ? m : 0.0;
    return IG_OK;
}

#endif /* IG_MULTI_COMMON_H */
