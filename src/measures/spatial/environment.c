/* Measures on local environments (Reardon & O'Sullivan 2004): every unit
 * is weighted by its own population and compared through the composition
 * of its neighbourhood at the run's scale (in->env, in->env_t; kernel of
 * radius r or the k nearest residents, see ig_spatial.h). With the unit
 * itself as its only neighbour they reduce to the aspatial isolation,
 * exposure, H, D and M, which the tests check.
 *
 * All five are built from the sums of one pass over the units
 * (ig__env_stats): per unit one division and one logarithm per group. The
 * runner (measures/run.c) makes that pass once per place and hands the
 * sums to every measure; a measure called alone makes it itself. Units
 * without residents carry no weight; a unit with residents always has a
 * non-empty environment (its own cell is in it), which the pass checks. */
#include <float.h>
#include <math.h>

#include "measures/multi/multi_common.h"
#include "measures/single/single_util.h"

ig_status ig__env_stats(const ig__min *in, int multi, ig__envstats *st)
{
    size_t ng = in->n_groups;
    ig_ksum kloc[8], *kx = kloc;
    if (st->xs && ng > 8 && !(kx = ig__alloc(in->ctx, ng * sizeof *kx)))
        return IG_ERR_NOMEM;
    if (st->xs)
        for (size_t g = 0; g < ng; g++) ig_ksum_init(&kx[g]);
    ig_ksum kE, kD;
    ig_ksum_init(&kE);
    ig_ksum_init(&kD);
    st->bad = (size_t)-1;
    st->multi = multi;
    double pi[256];
    for (size_t g = 0; multi && g < ng && g < 256; g++)
        pi[g] = in->gsum[g] / in->T;
    for (size_t i = 0; i < in->n; i++) {
        double t = in->t[i];
        if (!(t > 0.0)) continue;
        double et = in->env_t[i];
        if (!(et > 0.0)) {
            st->bad = i;
            break;
        }
        double inv = 1.0 / et, e = 0.0, d = 0.0;
        for (size_t g = 0; g < ng; g++) {
            double p = in->env[g][i] * inv;
            if (p > 1.0) p = 1.0; /* rounding of weighted sums */
            if (st->xs) {
                double x = in->counts[g][i];
                if (x > 0.0) ig_ksum_add(&kx[g], x * p);
            }
            if (multi) {
                if (p > 0.0) e -= p * log(p);
                d += fabs(p - pi[g]);
            }
        }
        if (multi) {
            ig_ksum_add(&kE, t * (e > 0.0 ? e : 0.0));
            ig_ksum_add(&kD, t * d);
        }
    }
    if (st->xs)
        for (size_t g = 0; g < ng; g++) st->xs[g] = ig_ksum_value(&kx[g]);
    st->tE = ig_ksum_value(&kE);
    st->tD = ig_ksum_value(&kD);
    if (kx != kloc) ig__free(in->ctx, kx, ng * sizeof *kx);
    return IG_OK;
}

/* The sums: the runner's, or computed here into *own (own->xs must hold
 * n_groups values when xs are wanted). */
static ig_status get_stats(const ig__min *in, const char *name, int multi,
                           ig__envstats *own, const ig__envstats **out)
{
    if (!in->env || !in->env_t)
        return ig__error_set(in->err, IG_ERR_DOMAIN, 0, 0,
                             "%s: no local environments were computed; "
                             "spatial measures need a spatial grid",
                             name);
    const ig__envstats *st = in->envstats;
    if (!st || (multi && !st->multi) || (!multi && !st->xs)) {
        if (ig__env_stats(in, multi, own) != IG_OK)
            return ig__error_set(in->err, IG_ERR_NOMEM, 0, 0,
                                 "%s: out of memory", name);
        st = own;
    }
    if (st->bad != (size_t)-1)
        return ig__error_set(in->err, IG_ERR_NUMERIC, 0, 0,
                             "%s: unit %zu has residents but an empty "
                             "neighbourhood",
                             name, st->bad);
    *out = st;
    return IG_OK;
}

/* Isolation sum_i (x_i / X)(x~_i / t~_i); exposure is 1 minus it. */
static ig_status single_env(const ig__min *in, const char *name, int rest,
                            double *value)
{
    ig__single s;
    ig_status st = ig__single_setup(in, name, 1, &s);
    if (st != IG_OK) return st;
    double xs_own[256];
    ig__envstats own = {in->n_groups <= 256 ? xs_own : NULL, 0, 0, 0, 0};
    if (!own.xs)
        return ig__error_set(in->err, IG_ERR_DOMAIN, 0, 0,
                             "%s: at most 256 groups", name);
    const ig__envstats *es = NULL;
    st = get_stats(in, name, 0, &own, &es);
    if (st != IG_OK) return st;
    double iso = es->xs[in->group] / s.X;
    if (iso > 1.0) iso = 1.0;
    *value = rest ? 1.0 - iso : iso;
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

static ig_status multi_env(const ig__min *in, const char *name,
                           const ig__envstats **es, ig__envstats *own)
{
    ig_status st = ig__multi_need_k2(in, name);
    if (st != IG_OK) return st;
    own->xs = NULL;
    return get_stats(in, name, 1, own, es);
}

ig_status ig__m_spatial_information_theory(const ig__min *in, double *value)
{
    const char *name = "spatial_information_theory";
    ig__envstats own;
    const ig__envstats *es = NULL;
    ig_status st = multi_env(in, name, &es, &own);
    if (st != IG_OK) return st;
    double e = ig__multi_entropy(in);
    if (!(e > 0.0))
        return ig__error_set(in->err, IG_ERR_NUMERIC, 0, 0,
                             "%s: the entropy of the place is 0", name);
    double h = 1.0 - (es->tE / in->T) / e;
    /* environments that are the whole place give 0 up to rounding; a
     * real negative value (edge grid) is far larger than this */
    *value = fabs(h) < 64 * DBL_EPSILON ? 0.0 : h;
    return IG_OK;
}

ig_status ig__m_spatial_mutual_information(const ig__min *in, double *value)
{
    ig__envstats own;
    const ig__envstats *es = NULL;
    ig_status st = multi_env(in, "spatial_mutual_information", &es, &own);
    if (st != IG_OK) return st;
    double e = ig__multi_entropy(in), m = e - es->tE / in->T;
    *value = fabs(m) < 64 * DBL_EPSILON * (e > 1.0 ? e : 1.0) ? 0.0 : m;
    return IG_OK;
}

/* Every group counts in tD, also one absent from the place that lives
 * around it (edge = grid). */
ig_status ig__m_spatial_dissimilarity_multi(const ig__min *in, double *value)
{
    const char *name = "spatial_dissimilarity_multi";
    ig__envstats own;
    const ig__envstats *es = NULL;
    ig_status st = multi_env(in, name, &es, &own);
    if (st != IG_OK) return st;
    double inter = ig__multi_interaction(in);
    if (!(inter > 0.0))
        return ig__error_set(in->err, IG_ERR_NUMERIC, 0, 0,
                             "%s: the interaction of the place is 0", name);
    *value = es->tD / (2.0 * in->T * inter);
    return IG_OK;
}
