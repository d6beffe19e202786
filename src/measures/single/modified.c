/* Modified dissimilarity and modified Gini (Carrington & Troske 1997), as
 * pysal ModifiedDissim / ModifiedGini: E* is the mean of the index over
 * `reps` data sets in which every unit's members are drawn at random,
 * x_i* ~ Binomial(round(t_i), P), y_i* = round(t_i) - x_i*; the result is
 * (I - E*)/(1 - E*) when I >= E*, else (I - E*)/E*.
 *
 * Replicate r draws from stream (seed, r) only, so a result depends on the
 * seed and reps, never on threads or scheduling. A replicate in which
 * nobody (or everybody) is drawn into the group has no defined index; it
 * is redrawn from the same stream (pysal gets NaN there). The loop per
 * replicate is O(n) for D and one radix sort for G, with all scratch
 * allocated once. */
#include <math.h>
#include <stdint.h>

#include "core/rng.h"
#include "measures/single/single_util.h"

#define MAX_REDRAWS 1000

typedef struct sim {
    size_t m;      /* units with round(t_i) > 0 */
    double *n;     /* round(t_i) of those units */
    double *x;     /* simulated counts */
    ig__vw *vw;    /* Gini: 2 m pairs (values + radix scratch) */
    double N;      /* sum of n */
} sim;

static void sim_free(ig_ctx *ctx, sim *s)
{
    ig__free(ctx, s->n, (s->m ? s->m : 1) * sizeof *s->n);
    ig__free(ctx, s->x, (s->m ? s->m : 1) * sizeof *s->x);
    if (s->vw) ig__free(ctx, s->vw, 2 * (s->m ? s->m : 1) * sizeof *s->vw);
}

/* Index of the simulated data set: D or G with X* = xs, Y* = N - xs. */
static double sim_index(sim *s, int gini, double xs)
{
    double ys = s->N - xs;
    if (!gini) {
        ig_ksum k;
        ig_ksum_init(&k);
        for (size_t j = 0; j < s->m; j++)
            ig_ksum_add(&k, fabs(s->x[j] / xs - (s->n[j] - s->x[j]) / ys));
        return 0.5 * ig_ksum_value(&k);
    }
    for (size_t j = 0; j < s->m; j++) {
        s->vw[j].v = s->x[j] / s->n[j];
        s->vw[j].w = s->n[j];
    }
    ig__sort_vw(s->vw, s->vw + s->m, s->m);
    return ig__absdiff_sorted(s->vw, s->m) / (2.0 * xs * ys);
}

static ig_status modified(const ig__min *in, const char *name, int gini,
                          double *value)
{
    ig__single su;
    ig_status st = ig__single_setup(in, name, 0, &su);
    if (st != IG_OK) return st;
    double I = 0.0;
    st = gini ? ig__m_gini(in, &I) : ig__m_dissimilarity(in, &I);
    if (st != IG_OK) return st;

    ig_ctx *ctx = in->ctx;
    sim s = {0};
    for (size_t i = 0; i < in->n; i++)
        if (round(in->t[i]) >= 1.0) s.m++;
    size_t cap = s.m ? s.m : 1;
    s.n = ig__calloc(ctx, cap, sizeof *s.n);
    s.x = ig__calloc(ctx, cap, sizeof *s.x);
    if (gini) s.vw = ig__calloc(ctx, 2 * cap, sizeof *s.vw);
    if (!s.n || !s.x || (gini && !s.vw)) {
        sim_free(ctx, &s);
        return ig__error_set(in->err, IG_ERR_NOMEM, 0, 0,
                             "%s: out of memory", name);
    }
    size_t j = 0;
    ig_ksum kn;
    ig_ksum_init(&kn);
    for (size_t i = 0; i < in->n; i++) {
        double r = round(in->t[i]);
        if (r >= 1.0) {
            s.n[j++] = r;
            ig_ksum_add(&kn, r);
        }
    }
    s.N = ig_ksum_value(&kn);
    if (s.N < 2.0 || s.N > 9007199254740992.0) {
        sim_free(ctx, &s);
        return ig__error_set(in->err, IG_ERR_NUMERIC, 0, 0,
                             "%s: undefined: %g residents (rounded) cannot "
                             "be simulated; at least 2 are needed",
                             name, s.N);
    }

    double P = su.P;
    int reps = in->p->reps;
    ig_ksum ke;
    ig_ksum_init(&ke);
    for (int r = 0; r < reps; r++) {
        ig_rng rng;
        ig__rng_init(&rng, in->p->seed, (uint64_t)r);
        double xs = 0.0;
        int ok = 0;
        for (int attempt = 0; attempt < MAX_REDRAWS && !ok; attempt++) {
            xs = 0.0; /* an exact integer sum below 2^53 */
            for (size_t q = 0; q < s.m; q++) {
                double v = (double)ig__rng_binomial(&rng, (uint64_t)s.n[q], P);
                s.x[q] = v;
                xs += v;
            }
            ok = xs > 0.0 && xs < s.N;
        }
        if (!ok) {
            sim_free(ctx, &s);
            return ig__error_set(in->err, IG_ERR_NUMERIC, 0, 0,
                                 "%s: undefined: in %d random draws the "
                                 "group never had both members and "
                                 "non-members (too few residents)",
                                 name, MAX_REDRAWS);
        }
        ig_ksum_add(&ke, sim_index(&s, gini, xs));
    }
    sim_free(ctx, &s);
    double E = ig_ksum_value(&ke) / reps;
    if (I >= E) {
        if (!(E < 1.0))
            return ig__error_set(in->err, IG_ERR_NUMERIC, 0, 0,
                                 "%s: undefined: random allocation is "
                                 "already completely segregated (units of "
                                 "one resident)",
                                 name);
        *value = (I - E) / (1.0 - E);
    } else {
        *value = (I - E) / E;
    }
    return IG_OK;
}

ig_status ig__m_modified_dissimilarity(const ig__min *in, double *value)
{
    return modified(in, "modified_dissimilarity", 0, value);
}

ig_status ig__m_modified_gini(const ig__min *in, double *value)
{
    return modified(in, "modified_gini", 1, value);
}
