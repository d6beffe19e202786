/* The measure registry: a const table generated from measures.def (PROJ
 * pj_list.h style), name lookup, parameter defaults, and the validating
 * entry points ig_measure_compute() and ig_measure_decompose(). Validation
 * happens here once so that each measure can assume clean input (see
 * measure_impl.h). */
#include <math.h>
#include <string.h>

#include "measures/measure_impl.h"

static const ig_measure_info table[] = {
#define IG_MEASURE(id, fam, flags, rmin, rmax, rtext, params, summary, cite) \
    {#id, fam, flags, rmin, rmax, rtext, summary, cite, params},
#include "measures/measures.def"
#undef IG_MEASURE
};

static const ig__measure_fn impls[] = {
#define IG_MEASURE(id, fam, flags, rmin, rmax, rtext, params, summary, cite) \
    ig__m_##id,
#include "measures/measures.def"
#undef IG_MEASURE
};

#define N_MEASURES (sizeof table / sizeof table[0])

size_t ig_measure_count(void)
{
    return N_MEASURES;
}

const ig_measure_info *ig_measure_get(size_t i)
{
    return i < N_MEASURES ? &table[i] : NULL;
}

const ig_measure_info *ig_measure_find(const char *name)
{
    if (!name) return NULL;
    for (size_t i = 0; i < N_MEASURES; i++)
        if (strcmp(table[i].name, name) == 0) return &table[i];
    return NULL;
}

size_t ig_measure_index(const ig_measure_info *m)
{
    return (m >= table && m < table + N_MEASURES) ? (size_t)(m - table)
                                                  : (size_t)-1;
}

ig__measure_fn ig__measure_impl(size_t index)
{
    return index < N_MEASURES ? impls[index] : NULL;
}

void ig_measure_params_init(ig_measure_params *p)
{
    if (!p) return;
    p->atkinson_b = 0.5;
    p->seed = 1;
    p->reps = 500;
    p->n_thresholds = 1000;
}

/* Check counts and build the per-unit populations; *scratch receives an
 * allocated t array (caller frees n doubles) when one was needed. */
static ig_status prepare(ig_ctx *ctx, const ig_measure_info *m,
                         const ig_units *u, size_t group,
                         const ig_measure_params *p, ig__min *in,
                         double **scratch, double **gsum, ig_error *err)
{
    *scratch = NULL;
    *gsum = NULL;
    if (!m || ig_measure_index(m) == (size_t)-1)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0, "unknown measure");
    if (!u || !u->counts || u->n_groups < 1)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "%s: units with at least one group required",
                             m->name);
    size_t n = u->n_units, ng = u->n_groups;
    int single = m->family == IG_FAM_SINGLE;
    if (single && group >= ng)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "%s: group %zu out of range (%zu groups)",
                             m->name, group, ng);
    for (size_t g = 0; g < ng; g++) {
        if (!u->counts[g] && n)
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "%s: counts of group %zu missing", m->name,
                                 g);
        for (size_t i = 0; i < n; i++) {
            double v = u->counts[g][i];
            if (!(v >= 0.0) || !isfinite(v))
                return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                     "%s: count of group %zu in unit %zu is "
                                     "%g; counts must be finite and >= 0",
                                     m->name, g, i, v);
        }
    }
    memset(in, 0, sizeof *in);
    in->ctx = ctx;
    in->n = n;
    in->n_groups = ng;
    in->counts = u->counts;
    in->p = p;
    in->err = err;
    const double *t = NULL;
    if (single && u->total) {
        for (size_t i = 0; i < n; i++) {
            double v = u->total[i];
            if (!isfinite(v) || v < u->counts[group][i])
                return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                     "%s: total of unit %zu (%g) is below "
                                     "the group's count (%g)",
                                     m->name, i, v, u->counts[group][i]);
        }
        t = u->total;
    } else {
        double *s = ig__alloc(ctx, (n ? n : 1) * sizeof *s);
        if (!s) return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
        for (size_t i = 0; i < n; i++) {
            ig_ksum k;
            ig_ksum_init(&k);
            for (size_t g = 0; g < ng; g++) ig_ksum_add(&k, u->counts[g][i]);
            s[i] = ig_ksum_value(&k);
        }
        *scratch = s;
        t = s;
    }
    in->t = t;
    in->T = ig_ksum_array(t, n);
    if (single) {
        in->group = group;
        in->x = u->counts[group];
        in->X = ig_ksum_array(in->x, n);
    } else {
        double *gs = ig__calloc(ctx, ng, sizeof *gs);
        if (!gs) return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
        for (size_t g = 0; g < ng; g++) gs[g] = ig_ksum_array(u->counts[g], n);
        in->gsum = gs;
        *gsum = gs;
    }
    return IG_OK;
}

static ig_status check_params(const ig_measure_info *m,
                              const ig_measure_params *p, ig_error *err)
{
    if ((m->flags & IG_MF_SIMULATED) && p->reps < 1)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "%s: reps must be at least 1 (got %d)", m->name,
                             p->reps);
    if (!(p->atkinson_b > 0.0 && p->atkinson_b < 1.0))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "atkinson: b must be between 0 and 1 exclusive "
                             "(got %g)",
                             p->atkinson_b);
    if (p->n_thresholds < 2 || p->n_thresholds > 100000000)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "concentration_profile: thresholds must be "
                             "between 2 and 1e8 (got %d)",
                             p->n_thresholds);
    return IG_OK;
}


/* Call measure m on a prepared input, applying the rules every measure
 * shares (no population -> IG_ERR_NUMERIC). */
ig_status ig__measure_call(const ig_measure_info *m, const ig__min *in,
                           double *value)
{
    if (!(in->T > 0.0))
        return ig__error_set(in->err, IG_ERR_NUMERIC, 0, 0,
                             "%s: undefined: the place has no residents",
                             m->name);
    double v = (double)NAN;
    ig_status st = impls[ig_measure_index(m)](in, &v);
    if (st == IG_OK && !isfinite(v) && m->range_max != HUGE_VAL)
        st = ig__error_set(in->err, IG_ERR_NUMERIC, 0, 0,
                           "%s: the result is not a finite number", m->name);
    if (st == IG_OK) *value = v;
    return st;
}

ig_status ig_measure_compute(ig_ctx *ctx, const ig_measure_info *m,
                             const ig_units *u, size_t group,
                             const ig_measure_params *p, double *value,
                             ig_error *err)
{
    ig_measure_params defaults;
    if (!p) {
        ig_measure_params_init(&defaults);
        p = &defaults;
    }
    if (!value) return ig__error_set(err, IG_ERR_DOMAIN, 0, 0, "value required");
    ig__min in;
    double *scratch = NULL, *gsum = NULL;
    ig_status st = prepare(ctx, m, u, group, p, &in, &scratch, &gsum, err);
    if (st == IG_OK) st = check_params(m, p, err);
    if (st == IG_OK) st = ig__measure_call(m, &in, value);
    size_t n = u ? u->n_units : 0;
    ig__free(ctx, scratch, (n ? n : 1) * sizeof *scratch);
    if (gsum) ig__free(ctx, gsum, u->n_groups * sizeof *gsum);
    return st;
}

ig_status ig_measure_decompose(ig_ctx *ctx, const ig_measure_info *m,
                               const ig_units *u, const uint32_t *cluster,
                               size_t n_clusters, ig_decomposition *out,
                               ig_error *err)
{
    if (!m || !(m->flags & IG_MF_DECOMPOSABLE))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "%s does not decompose into between and within "
                             "parts (mutual_information and "
                             "multi_information_theory do)",
                             m ? m->name : "(null)");
    if (!cluster || !out || n_clusters < 1)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "decompose: clusters required");
    if (u)
        for (size_t i = 0; i < u->n_units; i++)
            if (cluster[i] >= n_clusters)
                return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                     "decompose: unit %zu has cluster %u, "
                                     "not below %zu",
                                     i, cluster[i], n_clusters);
    ig_measure_params defaults;
    ig_measure_params_init(&defaults);
    ig__min in;
    double *scratch = NULL, *gsum = NULL;
    ig_status st = prepare(ctx, m, u, 0, &defaults, &in, &scratch, &gsum, err);
    if (st == IG_OK && !(in.T > 0.0))
        st = ig__error_set(err, IG_ERR_NUMERIC, 0, 0,
                           "%s: undefined: no residents", m->name);
    if (st == IG_OK)
        st = ig__decompose(&in, cluster, n_clusters,
                           strcmp(m->name, "mutual_information") == 0 ? 0 : 1,
                           out);
    size_t n = u ? u->n_units : 0;
    ig__free(ctx, scratch, (n ? n : 1) * sizeof *scratch);
    if (gsum) ig__free(ctx, gsum, u->n_groups * sizeof *gsum);
    return st;
}
