/* Modified dissimilarity and modified Gini (Carrington & Troske 1997), as
 * pysal ModifiedDissim / ModifiedGini: E* is the mean of the index over
 * `reps` data sets in which every unit's members are drawn at random,
 * x_i* ~ Binomial(n_i, P) with n_i = round(t_i), y_i* = n_i - x_i*; the
 * result is (I - E*)/(1 - E*) when I >= E*, else (I - E*)/E*.
 *
 * Speed: D and G of a data set depend only on the multiset of pairs
 * (n_i, x_i). The c units that share a size n are exchangeable, so the
 * histogram of their draws is Multinomial(c, Binomial(n, P) pmf): when c
 * is large next to the pmf's support, one multinomial (a few binomials)
 * replaces c binomials, and the Gini sorts one entry per distinct (n, x)
 * instead of one per unit. This is exact in distribution (the pmf support
 * is cut 13 sd beyond the mean, probability < 1e-30). Sizes are processed
 * in ascending order, so the draws do not depend on the order of the
 * units. Replicate r draws from stream (seed, r) only.
 * A replicate in which nobody (or everybody) is drawn into the group has
 * no index; it is redrawn from the same stream (pysal gets NaN there). */
#include <math.h>
#include <stdint.h>

#include "core/rng.h"
#include "measures/single/single_util.h"

#define MAX_REDRAWS 1000

typedef struct sim {
    /* sizes drawn together: n, count, pmf slice [lo, lo + len) */
    size_t n_grp;
    double *g_n, *g_c;
    size_t *g_off, *g_len;
    double *g_lo;
    double *pmf; /* pool of all slices */
    size_t pmf_len, max_len;
    uint64_t *hist; /* max_len */
    /* sizes drawn unit by unit */
    size_t n_one;
    double *one_n;
    /* entries of one replicate: size, members, multiplicity */
    size_t cap_e, n_e;
    double *e_n, *e_x, *e_c;
    ig__vw *vw; /* Gini: 2 cap_e */
    double N;   /* residents (rounded) */
    size_t cap_units;
} sim;

static void sim_free(ig_ctx *ctx, sim *s)
{
    size_t u = s->cap_units ? s->cap_units : 1;
    ig__free(ctx, s->g_n, u * sizeof(double));
    ig__free(ctx, s->g_c, u * sizeof(double));
    ig__free(ctx, s->g_lo, u * sizeof(double));
    ig__free(ctx, s->g_off, u * sizeof(size_t));
    ig__free(ctx, s->g_len, u * sizeof(size_t));
    ig__free(ctx, s->one_n, u * sizeof(double));
    ig__free(ctx, s->pmf, (s->pmf_len ? s->pmf_len : 1) * sizeof(double));
    ig__free(ctx, s->hist, (s->max_len ? s->max_len : 1) * sizeof(uint64_t));
    size_t e = s->cap_e ? s->cap_e : 1;
    ig__free(ctx, s->e_n, e * sizeof(double));
    ig__free(ctx, s->e_x, e * sizeof(double));
    ig__free(ctx, s->e_c, e * sizeof(double));
    ig__free(ctx, s->vw, 2 * e * sizeof(ig__vw));
}

/* Support [lo, hi] kept for Binomial(n, P). */
static void support(double n, double P, double *lo, double *hi)
{
    if (n <= 200.0) {
        *lo = 0.0;
        *hi = n;
        return;
    }
    double mu = n * P, sd = sqrt(n * P * (1.0 - P));
    *lo = fmax(0.0, floor(mu - 13.0 * sd - 13.0));
    *hi = fmin(n, ceil(mu + 13.0 * sd + 13.0));
}

/* Unnormalised Binomial(n, P) pmf on [lo, lo + len): 1 at the mode and the
 * ratio recurrence f(x+1)/f(x) = (n-x)/(x+1) * P/(1-P) both ways. */
static void fill_pmf(double *f, double n, double P, double lo, size_t len)
{
    double r = P / (1.0 - P);
    double mode = floor((n + 1.0) * P);
    if (mode > n) mode = n;
    if (mode < lo) mode = lo;
    if (mode > lo + (double)(len - 1)) mode = lo + (double)(len - 1);
    size_t im = (size_t)(mode - lo);
    f[im] = 1.0;
    for (size_t k = im; k + 1 < len; k++) {
        double x = lo + (double)k;
        f[k + 1] = f[k] * ((n - x) / (x + 1.0)) * r;
    }
    for (size_t k = im; k > 0; k--) {
        double x = lo + (double)k; /* f(x-1) = f(x) * x / ((n-x+1) r) */
        f[k - 1] = f[k] * (x / ((n - x + 1.0) * r));
    }
}

/* Build the plan: which sizes are drawn together. */
static ig_status sim_plan(ig_ctx *ctx, const ig__min *in, double P, sim *s)
{
    size_t m = 0;
    for (size_t i = 0; i < in->n; i++)
        if (round(in->t[i]) >= 1.0) m++;
    size_t u = m ? m : 1;
    s->cap_units = m;
    double *sizes = ig__calloc(ctx, u, sizeof *sizes);
    s->g_n = ig__calloc(ctx, u, sizeof(double));
    s->g_c = ig__calloc(ctx, u, sizeof(double));
    s->g_lo = ig__calloc(ctx, u, sizeof(double));
    s->g_off = ig__calloc(ctx, u, sizeof(size_t));
    s->g_len = ig__calloc(ctx, u, sizeof(size_t));
    s->one_n = ig__calloc(ctx, u, sizeof(double));
    if (!sizes || !s->g_n || !s->g_c || !s->g_lo || !s->g_off || !s->g_len ||
        !s->one_n) {
        ig__free(ctx, sizes, u * sizeof *sizes);
        return IG_ERR_NOMEM;
    }
    size_t j = 0;
    ig_ksum kn;
    ig_ksum_init(&kn);
    for (size_t i = 0; i < in->n; i++) {
        double r = round(in->t[i]);
        if (r >= 1.0) {
            sizes[j++] = r;
            ig_ksum_add(&kn, r);
        }
    }
    s->N = ig_ksum_value(&kn);
    ig__sort_doubles(sizes, m);
    size_t pool = 0, n_e = 0;
    for (size_t a = 0; a < m;) {
        size_t b = a + 1;
        while (b < m && sizes[b] == sizes[a]) b++;
        double n = sizes[a], c = (double)(b - a), lo, hi;
        support(n, P, &lo, &hi);
        size_t len = (size_t)(hi - lo) + 1;
        if (c >= 8.0 && 4.0 * c >= (double)len) {
            size_t g = s->n_grp++;
            s->g_n[g] = n;
            s->g_c[g] = c;
            s->g_lo[g] = lo;
            s->g_off[g] = pool;
            s->g_len[g] = len;
            pool += len;
            n_e += len;
            if (len > s->max_len) s->max_len = len;
        } else {
            for (size_t q = a; q < b; q++) s->one_n[s->n_one++] = n;
            n_e += b - a;
        }
        a = b;
    }
    ig__free(ctx, sizes, u * sizeof *sizes);
    s->pmf_len = pool;
    s->pmf = ig__calloc(ctx, pool ? pool : 1, sizeof(double));
    s->hist = ig__calloc(ctx, s->max_len ? s->max_len : 1, sizeof(uint64_t));
    s->cap_e = n_e;
    size_t e = n_e ? n_e : 1;
    s->e_n = ig__calloc(ctx, e, sizeof(double));
    s->e_x = ig__calloc(ctx, e, sizeof(double));
    s->e_c = ig__calloc(ctx, e, sizeof(double));
    s->vw = ig__calloc(ctx, 2 * e, sizeof(ig__vw));
    if (!s->pmf || !s->hist || !s->e_n || !s->e_x || !s->e_c || !s->vw)
        return IG_ERR_NOMEM;
    for (size_t g = 0; g < s->n_grp; g++)
        fill_pmf(s->pmf + s->g_off[g], s->g_n[g], P, s->g_lo[g], s->g_len[g]);
    return IG_OK;
}

/* One simulated data set into the entries; returns X*. */
static double sim_draw(sim *s, ig_rng *rng, double P)
{
    size_t e = 0;
    double xs = 0.0; /* integer sums below 2^53: exact */
    for (size_t g = 0; g < s->n_grp; g++) {
        size_t len = s->g_len[g];
        ig__rng_multinomial(rng, (uint64_t)s->g_c[g], s->pmf + s->g_off[g], len,
                            s->hist);
        for (size_t k = 0; k < len; k++) {
            if (!s->hist[k]) continue;
            double x = s->g_lo[g] + (double)k, c = (double)s->hist[k];
            s->e_n[e] = s->g_n[g];
            s->e_x[e] = x;
            s->e_c[e] = c;
            xs += c * x;
            e++;
        }
    }
    for (size_t q = 0; q < s->n_one; q++) {
        double x = (double)ig__rng_binomial(rng, (uint64_t)s->one_n[q], P);
        s->e_n[e] = s->one_n[q];
        s->e_x[e] = x;
        s->e_c[e] = 1.0;
        xs += x;
        e++;
    }
    s->n_e = e;
    return xs;
}

/* D or G of the entries, with X* = xs and Y* = N - xs. */
static double sim_index(sim *s, int gini, double xs)
{
    double ys = s->N - xs;
    if (!gini) {
        ig_ksum k;
        ig_ksum_init(&k);
        for (size_t j = 0; j < s->n_e; j++)
            ig_ksum_add(&k, s->e_c[j] * fabs(s->e_x[j] / xs -
                                             (s->e_n[j] - s->e_x[j]) / ys));
        return 0.5 * ig_ksum_value(&k);
    }
    for (size_t j = 0; j < s->n_e; j++) {
        s->vw[j].v = s->e_x[j] / s->e_n[j];
        s->vw[j].w = s->e_c[j] * s->e_n[j];
    }
    ig__sort_vw(s->vw, s->vw + s->n_e, s->n_e);
    return ig__absdiff_sorted(s->vw, s->n_e) / (2.0 * xs * ys);
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

    double P = su.P;
    ig_ctx *ctx = in->ctx;
    sim s = {0};
    if (sim_plan(ctx, in, P, &s) != IG_OK) {
        sim_free(ctx, &s);
        return ig__error_set(in->err, IG_ERR_NOMEM, 0, 0, "%s: out of memory",
                             name);
    }
    if (s.N < 2.0 || s.N > 9007199254740992.0) {
        double N = s.N;
        sim_free(ctx, &s);
        return ig__error_set(in->err, IG_ERR_NUMERIC, 0, 0,
                             "%s: undefined: %g residents (rounded) cannot "
                             "be simulated; at least 2 are needed",
                             name, N);
    }
    int reps = in->p->reps;
    ig_ksum ke;
    ig_ksum_init(&ke);
    for (int r = 0; r < reps; r++) {
        ig_rng rng;
        ig__rng_init(&rng, in->p->seed, (uint64_t)r);
        double xs = 0.0;
        int ok = 0;
        for (int attempt = 0; attempt < MAX_REDRAWS && !ok; attempt++) {
            xs = sim_draw(&s, &rng, P);
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
