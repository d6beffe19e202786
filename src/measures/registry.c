/* The measure registry: a const table generated from measures.def (PROJ
 * pj_list.h style), name lookup, parameter defaults, and the validating
 * entry points ig_measure_compute() and ig_measure_decompose(). Validation
 * happens here once so that each measure can assume clean input (see
 * measure_impl.h). */
#include <float.h>
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
    p->scale.kernel = IG_KERNEL_DISC;
    p->scale.radius_m = 1000.0;
    p->scale.k = 0.0;
    p->edge = IG_EDGE_GRID;
    p->adjacency = 4;
    p->decay_alpha = 0.6;
    p->decay_beta = 0.5;
    p->centre_given = 0;
    p->centre_x_m = 0.0;
    p->centre_y_m = 0.0;
}

/* What prepare() allocates for one call; freed by release(). */
typedef struct prepared {
    size_t n, ng;
    double *t;    /* group sums per unit, when computed */
    double *gsum; /* multigroup: per-group totals */
} prepared;

static void release(ig_ctx *ctx, prepared *pr)
{
    ig__free(ctx, pr->t, (pr->n ? pr->n : 1) * sizeof *pr->t);
    ig__free(ctx, pr->gsum, pr->ng * sizeof *pr->gsum);
    memset(pr, 0, sizeof *pr);
}

int ig__measure_reads_split(const ig_measure_info *m)
{
    if (m->flags & (IG_MF_SPATIAL | IG_MF_SCALE)) return 0;
    if (m->family == IG_FAM_SINGLE) return strcmp(m->name, "share") != 0;
    return strcmp(m->name, "mutual_information") == 0 ||
           strcmp(m->name, "multi_information_theory") == 0 ||
           strcmp(m->name, "multi_gini") == 0;
}

typedef struct pass_args {
    const double *const *counts;
    const double *total; /* single-group with a total column, else NULL */
    double *t;           /* receives the group sums when total is NULL */
    size_t n, group;
    int single;
} pass_args;

#define IG_PASS_MAXG 4

/* One pass over the units: checks every count (0 <= v <= DBL_MAX is
 * "finite and >= 0", false for NaN) and every total, and adds up t_i, T
 * and the group sums (only the group's for a single-group measure). The
 * same compensated sums, term by term, as separate passes would give.
 * The sums go on from *kT and ks. Returns 0 when a check failed.
 * (Splitting the units by counts for the measures that read the split in
 * this pass too, or block by block right after it, was measured: no
 * faster for M and H, a few per cent for single-group measures.) */
static inline int one_pass(const pass_args *a, size_t ng, int with_total,
                           int single, ig_ksum *kT, ig_ksum *ks)
{
    ig_ksum loc[IG_PASS_MAXG];
    ig_ksum *acc = ng <= IG_PASS_MAXG ? loc : ks;
    if (acc == loc)
        for (size_t g = 0; g < ng; g++) loc[g] = ks[g]; /* go on from ks */
    int ok = 1;
    for (size_t i = 0; i < a->n; i++) {
        ig_ksum ki;
        ig_ksum_init(&ki);
        for (size_t g = 0; g < ng; g++) {
            double v = a->counts[g][i];
            ok &= (v >= 0.0) & (v <= DBL_MAX);
            if (!with_total) ig_ksum_add(&ki, v);
            if (!single || g == a->group) ig_ksum_add(&acc[g], v);
        }
        double ti;
        if (with_total) {
            ti = a->total[i];
            ok &= (ti <= DBL_MAX) & (ti >= a->counts[a->group][i]);
        } else {
            ti = a->t[i] = ig_ksum_value(&ki);
        }
        ig_ksum_add(kT, ti);
    }
    if (acc == loc)
        for (size_t g = 0; g < ng; g++) ks[g] = loc[g];
    return ok;
}

/* one_pass with constant arguments, so that each case compiles to its own
 * loop without tests that never change (measured 1.3 to 2 times as fast
 * as the general loop). */
static int pass(const pass_args *a, size_t ng, ig_ksum *kT, ig_ksum *ks)
{
    int tot = a->total != NULL;
#define IG_PASS_CASE(NG)                                   \
    case NG:                                               \
        return tot         ? one_pass(a, NG, 1, 1, kT, ks) \
               : a->single ? one_pass(a, NG, 0, 1, kT, ks) \
                           : one_pass(a, NG, 0, 0, kT, ks)
    switch (ng) {
        IG_PASS_CASE(2);
        IG_PASS_CASE(3);
        IG_PASS_CASE(4);
        default:
            return one_pass(a, ng, tot, a->single, kT, ks);
    }
#undef IG_PASS_CASE
}

/* The first bad count or total, in the order the checks are documented
 * (every group, unit by unit, then the totals), as an error. Called only
 * when the pass in prepare() found one. */
static ig_status explain_bad(const ig_measure_info *m, const ig_units *u,
                             size_t group, int single, ig_error *err)
{
    size_t n = u->n_units, ng = u->n_groups;
    for (size_t g = 0; g < ng; g++) {
        for (size_t i = 0; i < n; i++) {
            double v = u->counts[g][i];
            if (!(v >= 0.0) || !isfinite(v))
                return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                     "%s: count of group %zu in unit %zu is "
                                     "%g; counts must be finite and >= 0",
                                     m->name, g, i, v);
        }
    }
    if (single && u->total) {
        for (size_t i = 0; i < n; i++) {
            double v = u->total[i];
            if (!isfinite(v) || v < u->counts[group][i])
                return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                     "%s: total of unit %zu (%g) is below "
                                     "the group's count (%g)",
                                     m->name, i, v, u->counts[group][i]);
        }
    }
    return ig__error_set(err, IG_ERR_DOMAIN, 0, 0, "%s: invalid counts",
                         m->name);
}

/* Check the counts and build the measure's input (per-unit populations
 * and totals) in one pass over the units. What it allocates goes into *pr
 * (release() it, also on failure). */
static ig_status prepare(ig_ctx *ctx, const ig_measure_info *m,
                         const ig_units *u, size_t group,
                         const ig_measure_params *p, ig__min *in, prepared *pr,
                         ig_error *err)
{
    memset(pr, 0, sizeof *pr);
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
                             "%s: group %zu out of range (%zu groups)", m->name,
                             group, ng);
    for (size_t g = 0; g < ng; g++)
        if (!u->counts[g] && n)
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "%s: counts of group %zu missing", m->name, g);
    if ((m->flags & (IG_MF_SPATIAL | IG_MF_SCALE)) && n &&
        (!u->row || !u->col || u->cell_m <= 0))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "%s is a spatial measure: it needs the cells' "
                             "lattice rows and columns and the cell size "
                             "(a grid with cell codes or x/y coordinates, "
                             "not long-format units)",
                             m->name);
    memset(in, 0, sizeof *in);
    in->ctx = ctx;
    in->row = u->row;
    in->col = u->col;
    in->cell_m = u->cell_m;
    in->area = u->area;
    in->n = n;
    in->n_groups = ng;
    in->counts = u->counts;
    in->p = p;
    in->err = err;
    pr->n = n;
    pr->ng = ng;
    const double *total = single ? u->total : NULL;
    if (!total) {
        pr->t = ig__alloc(ctx, (n ? n : 1) * sizeof *pr->t);
        if (!pr->t) goto nomem;
    }
    ig_ksum *ks = ig__calloc(ctx, ng, sizeof *ks); /* per group */
    if (!ks) goto nomem;
    ig_ksum kT;
    ig_ksum_init(&kT);
    pass_args a = {u->counts, total, pr->t, n, group, single};
    int ok = pass(&a, ng, &kT, ks);
    if (!ok) {
        ig__free(ctx, ks, ng * sizeof *ks);
        return explain_bad(m, u, group, single, err);
    }
    in->t = pr->t ? pr->t : total;
    in->T = ig_ksum_value(&kT);
    if (single) {
        in->group = group;
        in->x = u->counts[group];
        in->X = ig_ksum_value(&ks[group]);
        ig__free(ctx, ks, ng * sizeof *ks);
        return IG_OK;
    }
    pr->gsum = ig__alloc(ctx, ng * sizeof *pr->gsum);
    if (pr->gsum)
        for (size_t g = 0; g < ng; g++) pr->gsum[g] = ig_ksum_value(&ks[g]);
    ig__free(ctx, ks, ng * sizeof *ks);
    if (!pr->gsum) goto nomem;
    in->gsum = pr->gsum;
    return IG_OK;
nomem:
    return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
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
    return ig__check_spatial_params(m, p, err);
}

ig_status ig__check_spatial_params(const ig_measure_info *m,
                                   const ig_measure_params *p, ig_error *err)
{
    if (!(m->flags & (IG_MF_SPATIAL | IG_MF_SCALE))) return IG_OK;
    if (p->adjacency != 4 && p->adjacency != 8)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "%s: adjacency must be 4 (rook) or 8 (queen), "
                             "not %d",
                             m->name, p->adjacency);
    if (!(p->decay_alpha > 0.0 && isfinite(p->decay_alpha)) ||
        !(p->decay_beta > 0.0 && isfinite(p->decay_beta)))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "%s: the self-distance (alpha a)^beta of the "
                             "proximity measures needs alpha > 0 and beta > "
                             "0 (got %g and %g)",
                             m->name, p->decay_alpha, p->decay_beta);
    if (p->edge != IG_EDGE_GRID && p->edge != IG_EDGE_PLACE)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "%s: edge must be grid or place", m->name);
    if (p->centre_given &&
        !(isfinite(p->centre_x_m) && isfinite(p->centre_y_m)))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "%s: the centre's coordinates must be finite",
                             m->name);
    if (m->flags & IG_MF_SCALE) {
        char note[8];
        return ig_scale_check(&p->scale, 1, 0.0, 0.0, note, sizeof note,
                              err);
    }
    return IG_OK;
}

/* The local environments of a scale measure computed from the units
 * themselves (ig_measure_compute: the units are the whole place, so the
 * edge is the place). On success *buf holds (ng + 1) * n values and the
 * environment pointers of `in` point into it. */
static ig_status compute_env(ig_ctx *ctx, const ig_measure_params *p,
                             ig__min *in, double **buf, const double ***ptrs,
                             ig_error *err)
{
    size_t n = in->n, ng = in->n_groups;
    *buf = ig__alloc(ctx, (ng + 1) * (n ? n : 1) * sizeof **buf);
    *ptrs = ig__alloc(ctx, ng * sizeof **ptrs);
    if (!*buf || !*ptrs)
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    ig_lattice lat = {n,        in->row, in->col, ng, in->counts,
                      in->t,    in->cell_m};
    ig_status st = ig_neighbourhoods(ctx, &lat, n, in->row, in->col,
                                     &p->scale, *buf, NULL, err);
    if (st != IG_OK) return st;
    for (size_t g = 0; g < ng; g++) (*ptrs)[g] = *buf + g * n;
    in->env = *ptrs;
    in->env_t = *buf + ng * n;
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
    if (!value)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0, "value required");
    ig__min in;
    prepared pr;
    double *env = NULL;
    const double **env_ptrs = NULL;
    ig_status st = prepare(ctx, m, u, group, p, &in, &pr, err);
    if (st == IG_OK) st = check_params(m, p, err);
    if (st == IG_OK && (m->flags & IG_MF_SCALE) && in.n)
        st = compute_env(ctx, p, &in, &env, &env_ptrs, err);
    if (st == IG_OK) st = ig__measure_call(m, &in, value);
    if (env || env_ptrs) {
        ig__free(ctx, env, (in.n_groups + 1) * (in.n ? in.n : 1) *
                               sizeof *env);
        ig__free(ctx, (void *)env_ptrs, in.n_groups * sizeof *env_ptrs);
    }
    release(ctx, &pr);
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
    prepared pr;
    ig_status st = prepare(ctx, m, u, 0, &defaults, &in, &pr, err);
    if (st == IG_OK && !(in.T > 0.0))
        st = ig__error_set(err, IG_ERR_NUMERIC, 0, 0,
                           "%s: undefined: no residents", m->name);
    if (st == IG_OK)
        st = ig__decompose(&in, cluster, n_clusters,
                           strcmp(m->name, "mutual_information") == 0 ? 0 : 1,
                           out);
    release(ctx, &pr);
    return st;
}
