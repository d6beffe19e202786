/* Local measures computed from neighbourhood compositions alone: shares,
 * location quotients, entropy and Simpson's indices, exposure and each
 * cell's term of the spatial dissimilarity; and the centralization gap,
 * which needs only distances to the centre.
 *
 * Every function fills one layer (one group, or all groups together) for
 * plain arrays of target cells, so it can be checked on hand-made
 * compositions. Reference figures of the place are compensated sums over
 * the cells that are not left out, taken in cell order, so the values do
 * not depend on threads. A value is NaN only with a flag saying why, or
 * when the whole layer is undefined (IG_ERR_NUMERIC with a message).
 * Formulas and citations: docs/spatial/local.md. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/ksum.h"
#include "spatial/local_impl.h"

static void fill_nan(double *v, size_t n)
{
    for (size_t i = 0; i < n; i++) v[i] = NAN;
}

/* Own population of target j for the per-group form (total column) or the
 * multigroup form (sum of the groups). */
static double own_pop(const ig__lcomp *in, size_t j, int multi)
{
    if (!multi && in->t) return in->t[j];
    ig_ksum k;
    ig_ksum_init(&k);
    for (size_t g = 0; g < in->n_groups; g++) ig_ksum_add(&k, in->x[g][j]);
    return ig_ksum_value(&k);
}

/* Neighbourhood population of target j: the engine's population for the
 * per-group form, the sum of the groups for the multigroup form. */
static double env_pop(const ig__lcomp *in, size_t j, int multi)
{
    size_t n = in->n;
    if (!multi) return in->env[in->n_groups * n + j];
    ig_ksum k;
    ig_ksum_init(&k);
    for (size_t g = 0; g < in->n_groups; g++)
        ig_ksum_add(&k, in->env[g * n + j]);
    return ig_ksum_value(&k);
}

static int skipped(const ig__lcomp *in, size_t j)
{
    return in->skip && in->skip[j];
}

static int is_per_group(ig__local_id id)
{
    return id == IG__L_local_share || id == IG__L_local_location_quotient ||
           id == IG__L_local_exposure;
}

static int is_multi(ig__local_id id)
{
    return id == IG__L_local_entropy ||
           id == IG__L_local_diversity_normalized ||
           id == IG__L_local_simpson_interaction ||
           id == IG__L_local_simpson_concentration;
}

/* sum_m p_m ln p_m and sum_m p_m^2 of the neighbourhood of target j. */
static void env_moments(const ig__lcomp *in, size_t j, double pop,
                        double *plogp, double *p2)
{
    ig_ksum a, b;
    ig_ksum_init(&a);
    ig_ksum_init(&b);
    for (size_t g = 0; g < in->n_groups; g++) {
        double p = in->env[g * in->n + j] / pop;
        if (p > 0.0) {
            ig_ksum_add(&a, p * log(p));
            ig_ksum_add(&b, p * p);
        }
    }
    *plogp = ig_ksum_value(&a);
    *p2 = ig_ksum_value(&b);
}

/* Place totals over the targets that are not skipped: X of group g (g >= 0)
 * and T (own population of the form). */
static void place_sums(const ig__lcomp *in, long g, int multi, double *X,
                       double *T)
{
    ig_ksum kx, kt;
    ig_ksum_init(&kx);
    ig_ksum_init(&kt);
    for (size_t j = 0; j < in->n; j++) {
        if (skipped(in, j)) continue;
        if (g >= 0) ig_ksum_add(&kx, in->x[g][j]);
        ig_ksum_add(&kt, own_pop(in, j, multi));
    }
    *X = ig_ksum_value(&kx);
    *T = ig_ksum_value(&kt);
}

static ig_status undefined(ig_error *err, double *value, size_t n,
                           const char *why)
{
    fill_nan(value, n);
    return ig__error_set(err, IG_ERR_NUMERIC, 0, 0, "%s", why);
}

/* Multigroup dissimilarity contribution:
 *   c_i = t_i / (2 T I) sum_m |pi~_im - pi_m|,  I = sum_m pi_m (1 - pi_m). */
static ig_status dissim_multi(const ig__lcomp *in, double *value,
                              uint8_t *flags, ig_error *err)
{
    size_t n = in->n, G = in->n_groups;
    double T, X;
    place_sums(in, -1, 1, &X, &T);
    if (!(T > 0.0))
        return undefined(err, value, n, "the place has no residents");
    double *pi = ig__alloc(in->ctx, G * sizeof *pi);
    if (!pi) {
        fill_nan(value, n);
        return IG_ERR_NOMEM;
    }
    ig_ksum ki;
    ig_ksum_init(&ki);
    for (size_t m = 0; m < G; m++) {
        ig_ksum km;
        ig_ksum_init(&km);
        for (size_t j = 0; j < n; j++)
            if (!skipped(in, j)) ig_ksum_add(&km, in->x[m][j]);
        pi[m] = ig_ksum_value(&km) / T;
        ig_ksum_add(&ki, pi[m] * (1.0 - pi[m]));
    }
    double I = ig_ksum_value(&ki);
    if (!(I > 0.0)) {
        ig__free(in->ctx, pi, G * sizeof *pi);
        return undefined(err, value, n,
                         "only one group has residents in the place, so "
                         "there is nothing to be dissimilar from");
    }
    for (size_t j = 0; j < n; j++) {
        if (skipped(in, j)) {
            value[j] = NAN;
            flags[j] |= IG_LOCAL_FLAG_NA;
            continue;
        }
        double t = own_pop(in, j, 1);
        if (!(t > 0.0)) {
            value[j] = 0.0; /* weight zero: no term */
            continue;
        }
        double pop = env_pop(in, j, 1);
        if (!(pop > 0.0)) {
            value[j] = NAN;
            flags[j] |= IG_LOCAL_FLAG_EMPTY;
            continue;
        }
        ig_ksum ks;
        ig_ksum_init(&ks);
        for (size_t m = 0; m < G; m++)
            ig_ksum_add(&ks, fabs(in->env[m * n + j] / pop - pi[m]));
        value[j] = t / (2.0 * T * I) * ig_ksum_value(&ks);
    }
    ig__free(in->ctx, pi, G * sizeof *pi);
    return IG_OK;
}

/* One group against the rest:
 *   c_i = t_i |x~_i / t~_i - P| / (2 T P (1 - P)). */
static ig_status dissim_group(const ig__lcomp *in, size_t g, double *value,
                              uint8_t *flags, ig_error *err)
{
    size_t n = in->n;
    double X, T;
    place_sums(in, (long)g, 0, &X, &T);
    if (!(T > 0.0))
        return undefined(err, value, n, "the place has no residents");
    double P = X / T;
    if (!(P > 0.0 && P < 1.0))
        return undefined(err, value, n,
                         P > 0.0 ? "the group is the whole population of "
                                   "the place"
                                 : "the group has no residents in the place");
    double den = 2.0 * T * P * (1.0 - P);
    for (size_t j = 0; j < n; j++) {
        if (skipped(in, j)) {
            value[j] = NAN;
            flags[j] |= IG_LOCAL_FLAG_NA;
            continue;
        }
        double t = own_pop(in, j, 0);
        if (!(t > 0.0)) {
            value[j] = 0.0;
            continue;
        }
        double pop = env_pop(in, j, 0);
        if (!(pop > 0.0)) {
            value[j] = NAN;
            flags[j] |= IG_LOCAL_FLAG_EMPTY;
            continue;
        }
        value[j] = t * fabs(in->env[g * n + j] / pop - P) / den;
    }
    return IG_OK;
}

ig_status ig__local_compose(const ig__lcomp *in, ig__local_id id, long g,
                            double *value, uint8_t *flags, ig_error *err)
{
    if (!in || !value || !flags)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "ig__local_compose: missing argument");
    size_t n = in->n;
    if (g >= 0 && (size_t)g >= in->n_groups)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "group %ld out of range (%zu groups)", g,
                             in->n_groups);
    if (id == IG__L_local_dissimilarity_contribution)
        return g >= 0 ? dissim_group(in, (size_t)g, value, flags, err)
                      : dissim_multi(in, value, flags, err);
    int multi = is_multi(id);
    if (!multi && !is_per_group(id))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "not a composition measure");
    if (multi != (g < 0))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             multi ? "a multigroup measure takes no group"
                                   : "a per-group measure needs a group");

    double P = NAN, lnK = NAN;
    if (id == IG__L_local_location_quotient) {
        double X, T;
        place_sums(in, g, 0, &X, &T);
        if (!(T > 0.0))
            return undefined(err, value, n, "the place has no residents");
        if (!(X > 0.0))
            return undefined(err, value, n,
                             "the group has no residents in the place, so "
                             "its share there is 0");
        P = X / T;
    } else if (id == IG__L_local_diversity_normalized) {
        if (in->k_present < 2)
            return undefined(err, value, n,
                             "fewer than two groups have residents in the "
                             "cells the neighbourhoods draw from (ln K = 0)");
        lnK = log((double)in->k_present);
    }

    for (size_t j = 0; j < n; j++) {
        if (skipped(in, j)) {
            value[j] = NAN;
            flags[j] |= IG_LOCAL_FLAG_NA;
            continue;
        }
        double pop = env_pop(in, j, multi);
        if (!(pop > 0.0)) {
            value[j] = NAN;
            flags[j] |= IG_LOCAL_FLAG_EMPTY;
            continue;
        }
        double v;
        if (!multi) {
            double share = in->env[(size_t)g * n + j] / pop;
            if (id == IG__L_local_share)
                v = share;
            else if (id == IG__L_local_exposure)
                v = (pop - in->env[(size_t)g * n + j]) / pop;
            else
                v = share / P;
        } else {
            double plogp, p2;
            env_moments(in, j, pop, &plogp, &p2);
            switch (id) {
                case IG__L_local_entropy:
                    v = -plogp;
                    break;
                case IG__L_local_diversity_normalized:
                    v = -plogp / lnK;
                    break;
                case IG__L_local_simpson_interaction:
                    v = 1.0 - p2;
                    break;
                default:
                    v = p2;
                    break;
            }
            if (v == 0.0) v = 0.0; /* no -0 from -(0) */
        }
        value[j] = v;
    }
    return IG_OK;
}

/* ---- centralization gap -------------------------------------------------- */

typedef struct dist_idx {
    double d2;
    size_t i;
} dist_idx;

static int cmp_dist(const void *a, const void *b)
{
    const dist_idx *x = a, *y = b;
    if (x->d2 < y->d2) return -1;
    if (x->d2 > y->d2) return 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

ig_status ig__local_rce_gap(ig_ctx *ctx, const ig__lrce *in, double *value,
                            uint8_t *flags, ig_error *err)
{
    size_t n = in->n;
    fill_nan(value, n);
    double cm = (double)in->cell_m;
    ig_ksum kx, kt, ky, kcx, kcy;
    ig_ksum_init(&kx);
    ig_ksum_init(&kt);
    ig_ksum_init(&ky);
    ig_ksum_init(&kcx);
    ig_ksum_init(&kcy);
    size_t m = 0;
    for (size_t j = 0; j < n; j++) {
        if (in->skip && in->skip[j]) {
            flags[j] |= IG_LOCAL_FLAG_NA;
            continue;
        }
        m++;
        double t = in->t[j];
        ig_ksum_add(&kx, in->x[j]);
        ig_ksum_add(&ky, t - in->x[j]);
        ig_ksum_add(&kt, t);
        ig_ksum_add(&kcx, t * (((double)in->col[j] + 0.5) * cm));
        ig_ksum_add(&kcy, t * (((double)in->row[j] + 0.5) * cm));
    }
    double X = ig_ksum_value(&kx), Y = ig_ksum_value(&ky);
    double T = ig_ksum_value(&kt);
    if (!(T > 0.0))
        return ig__error_set(err, IG_ERR_NUMERIC, 0, 0,
                             "the place has no residents");
    if (!(X > 0.0))
        return ig__error_set(err, IG_ERR_NUMERIC, 0, 0,
                             "the group has no residents in the place");
    if (!(Y > 0.0))
        return ig__error_set(err, IG_ERR_NUMERIC, 0, 0,
                             "the group is the whole population of the "
                             "place, so there is no rest to compare with");
    double cx = in->centre_given ? in->centre_x_m : ig_ksum_value(&kcx) / T;
    double cy = in->centre_given ? in->centre_y_m : ig_ksum_value(&kcy) / T;

    dist_idx *d = ig__alloc(ctx, (m ? m : 1) * sizeof *d);
    if (!d) return IG_ERR_NOMEM;
    size_t k = 0;
    for (size_t j = 0; j < n; j++) {
        if (in->skip && in->skip[j]) continue;
        double dx = ((double)in->col[j] + 0.5) * cm - cx;
        double dy = ((double)in->row[j] + 0.5) * cm - cy;
        d[k].d2 = dx * dx + dy * dy;
        d[k].i = j;
        k++;
    }
    qsort(d, m, sizeof *d, cmp_dist);
    /* Walk rings of (nearly) equal distance: every cell of a ring gets the
     * gap once the whole ring is counted, so ties do not depend on order.
     * Distances within a billionth (relative) are one ring, so a centroid
     * that is off by rounding does not split a symmetric ring. */
    ig_ksum cx_sum, cy_sum;
    ig_ksum_init(&cx_sum);
    ig_ksum_init(&cy_sum);
    size_t a = 0;
    while (a < m) {
        size_t b = a;
        double d0 = d[a].d2;
        while (b < m && d[b].d2 <= d0 + 1e-9 * d0 + 1e-9) {
            size_t j = d[b].i;
            ig_ksum_add(&cx_sum, in->x[j]);
            ig_ksum_add(&cy_sum, in->t[j] - in->x[j]);
            b++;
        }
        double L = ig_ksum_value(&cx_sum) / X - ig_ksum_value(&cy_sum) / Y;
        if (L == 0.0) L = 0.0;
        for (size_t q = a; q < b; q++) value[d[q].i] = L;
        a = b;
    }
    ig__free(ctx, d, (m ? m : 1) * sizeof *d);
    return IG_OK;
}
