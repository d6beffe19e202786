/* Measures on local environments (Reardon & O'Sullivan 2004): every unit
 * is weighted by its own population and compared through the composition
 * of its neighbourhood at the run's scale (in->env, in->env_t; kernel of
 * radius r or the k nearest residents, see ig_spatial.h). With the unit
 * itself as its only neighbour they reduce to the aspatial isolation,
 * exposure, H, D and M, which the tests check. Units with no residents
 * carry no weight and are skipped; a unit with residents always has a
 * non-empty environment (the focal cell is always included). */
#include <math.h>

#include "measures/multi/multi_common.h"
#include "measures/single/single_util.h"

/* Shared checks: an environment must be there (the dispatcher computes
 * it), and every populated unit must see residents around it. */
static ig_status need_env(const ig__min *in, const char *name)
{
    if (!in->env || !in->env_t)
        return ig__error_set(in->err, IG_ERR_DOMAIN, 0, 0,
                             "%s: no local environments were computed; "
                             "spatial measures need a spatial grid",
                             name);
    for (size_t i = 0; i < in->n; i++)
        if (in->t[i] > 0.0 && !(in->env_t[i] > 0.0))
            return ig__error_set(in->err, IG_ERR_NUMERIC, 0, 0,
                                 "%s: unit %zu has residents but an empty "
                                 "neighbourhood",
                                 name, i);
    return IG_OK;
}

/* sum_i (x_i / X) * (a~_i / t~_i) with a~ the environment of the group
 * (isolation) or of the rest (exposure). */
static ig_status single_env(const ig__min *in, const char *name, int rest,
                            double *value)
{
    ig__single s;
    ig_status st = ig__single_setup(in, name, 1, &s);
    if (st == IG_OK) st = need_env(in, name);
    if (st != IG_OK) return st;
    const double *ex = in->env[in->group];
    ig_ksum k;
    ig_ksum_init(&k);
    for (size_t i = 0; i < in->n; i++) {
        double x = in->x[i];
        if (!(x > 0.0)) continue;
        double et = in->env_t[i];
        double share = ex[i] / et;
        if (share > 1.0) share = 1.0; /* rounding of weighted sums */
        ig_ksum_add(&k, (x / s.X) * (rest ? 1.0 - share : share));
    }
    *value = ig_ksum_value(&k);
    return IG_OK;
}

ig_status ig__m_spatial_isolation(const ig__min *in, double *value)
{
    return single_env(in, "spatial_isolation", 0, value);
}

ig_status ig__m_spatial_exposure(const ig__min *in, double *value)
{
    return single_env(in, "spatial_exposure", 1, value);
}

/* Entropy of unit i's environment. A handful of terms (one per group):
 * a plain sum; the sum over units is the compensated one. */
static double env_entropy(const ig__min *in, size_t i)
{
    double e = 0.0, et = in->env_t[i];
    for (size_t g = 0; g < in->n_groups; g++) {
        double p = in->env[g][i] / et;
        if (p > 0.0) e -= p * log(p);
    }
    return e > 0.0 ? e : 0.0;
}

double ig__env_mean_entropy(const ig__min *in)
{
    ig_ksum k;
    ig_ksum_init(&k);
    for (size_t i = 0; i < in->n; i++) {
        double t = in->t[i];
        if (t > 0.0) ig_ksum_add(&k, t * env_entropy(in, i));
    }
    return ig_ksum_value(&k) / in->T;
}

static double mean_env_entropy(const ig__min *in)
{
    return in->has_env_E ? in->env_E : ig__env_mean_entropy(in);
}

static ig_status multi_setup(const ig__min *in, const char *name)
{
    ig_status st = ig__multi_need_k2(in, name);
    return st == IG_OK ? need_env(in, name) : st;
}

ig_status ig__m_spatial_information_theory(const ig__min *in, double *value)
{
    ig_status st = multi_setup(in, "spatial_information_theory");
    if (st != IG_OK) return st;
    double e = ig__multi_entropy(in);
    if (!(e > 0.0))
        return ig__error_set(in->err, IG_ERR_NUMERIC, 0, 0,
                             "spatial_information_theory: the entropy of "
                             "the place is 0");
    *value = 1.0 - mean_env_entropy(in) / e;
    return IG_OK;
}

ig_status ig__m_spatial_mutual_information(const ig__min *in, double *value)
{
    ig_status st = multi_setup(in, "spatial_mutual_information");
    if (st != IG_OK) return st;
    *value = ig__multi_entropy(in) - mean_env_entropy(in);
    return IG_OK;
}

ig_status ig__m_spatial_dissimilarity_multi(const ig__min *in, double *value)
{
    const char *name = "spatial_dissimilarity_multi";
    ig_status st = multi_setup(in, name);
    if (st != IG_OK) return st;
    double inter = ig__multi_interaction(in);
    if (!(inter > 0.0))
        return ig__error_set(in->err, IG_ERR_NUMERIC, 0, 0,
                             "%s: the interaction of the place is 0", name);
    ig_ksum k;
    ig_ksum_init(&k);
    for (size_t i = 0; i < in->n; i++) {
        double t = in->t[i];
        if (!(t > 0.0)) continue;
        double et = in->env_t[i], u = 0.0;
        /* every group: one absent from the place may still live around
         * it (edge = grid); a handful of terms, a plain sum */
        for (size_t g = 0; g < in->n_groups; g++)
            u += fabs(in->env[g][i] / et - in->gsum[g] / in->T);
        ig_ksum_add(&k, t * u);
    }
    *value = ig_ksum_value(&k) / (2.0 * in->T * inter);
    return IG_OK;
}
