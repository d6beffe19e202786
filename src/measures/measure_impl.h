/* Internal interface between the measure registry (registry.c) and the
 * measure implementations (single/<id>.c, multi/<id>.c).
 *
 * The dispatcher validates the input before calling a measure: n >= 1,
 * every count finite and >= 0, and for single-group measures t[i] >= x[i].
 * Measures may assume that. Units with t[i] == 0 are present and must be
 * treated as weight zero (skip them where a share x/t would be 0/0).
 * X and T are compensated sums. A measure returns IG_OK and sets *value, or
 * IG_ERR_NUMERIC (message through ig__error_set(in->err, ...)) when its value
 * is undefined for the data; its docs page lists those cases. */
#ifndef IG_MEASURE_IMPL_H
#define IG_MEASURE_IMPL_H

#include <stddef.h>

#include "core/core.h"
#include "core/ksum.h"
#include "integrid/ig_measure.h"

/* A value with its weight. */
typedef struct ig__vw {
    double v;
    double w;
} ig__vw;

typedef struct ig__min {
    ig_ctx *ctx;     /* scratch memory from here (ig__alloc/ig__free) */
    size_t n;        /* units */
    size_t n_groups; /* groups in counts */
    const double *const *counts; /* counts[g][i] */
    const double *t; /* per-unit population: single-group measures get the
                        total (given, or the sum of the groups); multigroup
                        measures always get the sum of the groups */
    double T;        /* sum of t */
    /* single-group measures only: */
    size_t group;    /* index of the group */
    const double *x; /* counts[group] */
    double X;        /* sum of x */
    /* multigroup measures only: */
    const double *gsum; /* per-group sums, n_groups values */
    const ig_measure_params *p;
    ig_error *err;
    /* Values the runner (measures/run.c) computes once per place and
     * group and hands to every measure that needs them. Absent: 0 / NULL,
     * and the measure computes the value itself, in the same way, so the
     * result is the same bits either way. */
    int has_Y; /* single: Y = ig__single_rest(t, x, n) */
    double Y;
    /* Per group g: ig__gini_pairsum of the units with t_i > 0 as
     * (x_ig / t_i, t_i). Set only when t is the same for single-group and
     * multigroup measures (no total column); gini and multi_gini use it. */
    const double *pairsum;
    const double *sqdev; /* multigroup, per group: ig__multi_sqdev_sum */
    /* Per group g: the units split by their counts (x_ig, t_i) with t this
     * input's t (measures/count_tri.h). */
    const struct ig__bycounts *bycounts;
    int has_tm; /* multigroup: tm = ig__multi_tm_sum(in) */
    double tm;
    /* Spatial measures (IG_MF_SPATIAL): lattice row and column of every
     * unit and the cell size in metres (the dispatcher guarantees them for
     * spatial measures). */
    const int32_t *row;
    const int32_t *col;
    int32_t cell_m;
    /* Land area of every unit in km2 (e.g. LAND_SURFACE), or NULL: every
     * unit is a whole cell of cell_m^2. */
    const double *area;
    /* IG_MF_SCALE measures: the local environment of every unit at
     * p->scale, as ig_neighbourhoods() computes it: env[g][i] the
     * (weighted) count of group g around unit i and env_t[i] the
     * population around it, drawn from the place alone or from the
     * surrounding grid (p->edge). NULL: the measure has no environment
     * (ig_measure_compute computes it from the units, edge = place). */
    const double *const *env;
    const double *env_t;
    /* Scale measures: the sums over the units of ig__env_stats(), when
     * the runner computed them once per place for every measure; NULL:
     * the measure computes them. */
    const struct ig__envstats *envstats;
} ig__min;

/* What the measures on local environments are made of, from one pass
 * over the units (measures/spatial/environment.c). With p~_ig =
 * env[g][i] / env_t[i] and sums over the units with t_i > 0:
 *   xs[g] = sum_i x_ig min(p~_ig, 1)       (isolation times X_g)
 *   tE    = sum_i t_i E~_i,  E~_i = -sum_g p~_ig ln p~_ig
 *   tD    = sum_i t_i sum_g |p~_ig - pi_g|,  pi_g = gsum[g] / T
 * bad is the first populated unit whose environment is empty, or
 * (size_t)-1. Compensated sums. */
typedef struct ig__envstats {
    double *xs; /* n_groups, or NULL when not wanted */
    double tE, tD;
    int multi;  /* tE and tD were computed */
    size_t bad;
} ig__envstats;

/* Fill st (st->xs allocated by the caller, or NULL) from `in`; multi: also
 * tE and tD (in->gsum required). IG_ERR_NOMEM (no message) on failure. */
ig_status ig__env_stats(const ig__min *in, int multi, ig__envstats *st);

#define IG_MEASURE(id, fam, flags, rmin, rmax, rtext, params, summary, cite) \
    ig_status ig__m_##id(const ig__min *in, double *value);
#include "measures/measures.def"
#undef IG_MEASURE

/* The implementation of registry entry `index`. */
typedef ig_status (*ig__measure_fn)(const ig__min *in, double *value);
ig__measure_fn ig__measure_impl(size_t index);
/* Call measure m on a prepared input with the shared rules applied (no
 * population -> IG_ERR_NUMERIC; non-finite results are errors). */
ig_status ig__measure_call(const ig_measure_info *m, const ig__min *in,
                           double *value);

/* Check the spatial parameters of measure m (adjacency, decay, edge,
 * centre, scale); IG_OK for measures that are not spatial. */
ig_status ig__check_spatial_params(const ig_measure_info *m,
                                   const ig_measure_params *p, ig_error *err);

/* Whether measure m reads the units split by counts (in->bycounts, see
 * measures/count_tri.h), so that the caller may split them beforehand. */
int ig__measure_reads_split(const ig_measure_info *m);

/* Rows k = 0..rows-1 (measure ms[k], group groups[k] for single-group
 * measures) on one place's units u, which must be valid (what
 * ig_measure_compute checks). The aspatial rows share the runner's
 * preparation (measures/run.c: sums, the rest Y, the units split by
 * counts, the Gini pair sums, the squared deviations, T M), done once, so
 * they cost about one ig_measures_run pass instead of one pass each; the
 * spatial rows go through ig_measure_compute. values[k] is the value (the
 * same bits as ig_measure_compute gives), NaN when the row failed;
 * status[k] (optional) its status. t_groups: the sum of the groups of
 * every unit when the caller knows it (exactly what a compensated sum
 * gives), else NULL. Returns IG_ERR_NOMEM when memory ran out (values
 * then partly NaN), else IG_OK. */
ig_status ig__measures_eval(ig_ctx *ctx, const ig_units *u,
                            const ig_measure_info *const *ms,
                            const size_t *groups, size_t rows,
                            const ig_measure_params *p,
                            const double *t_groups, double *values,
                            ig_status *status);

/* Helpers shared by measures (measures/util.c). */
/* Sort a[0..n) ascending (doubles, no NaN). */
void ig__sort_doubles(double *a, size_t n);
/* Sort idx[0..n) so that key[idx[...]] is ascending; stable. Returns
 * IG_ERR_NOMEM on failure. */
ig_status ig__argsort(ig_ctx *ctx, const double *key, size_t *idx, size_t n);
/* Exact Gini-type sum S = sum_i sum_j w_i w_j |v_i - v_j| in O(n log n)
 * (pairs counted twice). Units with w == 0 are ignored. */
ig_status ig__pairwise_absdiff(ig_ctx *ctx, const double *v, const double *w,
                               size_t n, double *out);

/* The Gini pair sum of group g, S = sum_i sum_j t_i t_j |p_i - p_j| with
 * p_i = x_ig / t_i over the units with t_i > 0 (t: in->t). IG_ERR_NOMEM
 * (no message) on failure. */
ig_status ig__gini_pairsum(const ig__min *in, size_t g, double *out);

/* Between/within decomposition of M (which = 0) or H (which = 1) for a
 * clustering of the units (measures/multi/decompose.c). `in` is prepared as
 * for a multigroup measure. */
ig_status ig__decompose(const ig__min *in, const uint32_t *cluster,
                        size_t n_clusters, int which, ig_decomposition *out);

#endif /* IG_MEASURE_IMPL_H */
