/* Inference for one measure on one place (ig_infer_units).
 *
 * The place's counts are rounded to whole residents and laid out cell by
 * cell over "categories": the groups, plus the residents outside the
 * groups when a total is given. Each replicate (bootstrap or null) draws
 * new counts from those, rebuilds an ig_units and calls
 * ig_measure_compute(), so any registered measure works. Replicate r of
 * the bootstrap uses random stream (seed, r) and draw r of the null
 * stream (seed, NULL_STREAM + r): results do not depend on the thread
 * count, and every place and measure sees the same streams (common random
 * numbers). Replicates run in parallel; each writes only its own slot and
 * the summaries add up the slots in index order with compensated sums.
 * BCa's acceleration comes from a (grouped) jackknife over cells. Several
 * rows of one place (ig__infer_units_batch) share every draw: the streams
 * are the same for every row anyway, so sharing changes no result. The
 * nulls follow pysal/segregation's simulators: random = person
 * permutation (both margins kept), systematic (category totals kept, cell
 * totals drawn), evenness (cell totals kept, category totals drawn). */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "core/ksum.h"
#include "core/rng.h"
#include "infer/infer_impl.h"
#include "integrid/ig_infer.h"
#include "measures/measure_impl.h"

/* Streams of the null draws start here, far from the bootstrap's, and
 * those of the noise-only draws further on. */
#define NULL_STREAM (UINT64_C(1) << 40)
#define NOISE_STREAM (UINT64_C(1) << 41)
/* Jackknife groups for BCa: every cell alone up to this many cells, else
 * this many contiguous blocks of cells. */
#define JACK_GROUPS 200
/* Replicates per task: each task allocates its scratch once. */
#define REP_CHUNK 32

enum {
    MODE_BOOT_RES,
    MODE_BOOT_CELLS,
    MODE_NULL_RANDOM,
    MODE_NULL_PERM,
    MODE_NULL_SYSTEMATIC,
    MODE_NULL_EVENNESS,
    MODE_NOISE /* the data redrawn from the noise model, nothing else */
};

typedef struct job {
    ig_ctx *ctx;
    const ig_measure_info *const *ms; /* rows: measure and group each */
    const size_t *grp;
    size_t rows;
    const ig_units *u;
    const ig_measure_params *p;
    uint64_t seed;
    size_t n, ng, nc; /* cells, groups, categories */
    int has_other;
    uint64_t *cnt;  /* n * nc, cell-major */
    uint64_t *ctot; /* n */
    double *pw;     /* n * nc: cnt as doubles (multinomial weights) */
    uint64_t *gtot; /* nc */
    double *gw;     /* nc: gtot as doubles (evenness weights) */
    uint64_t all;   /* sum of ctot */
    int mode;
    uint64_t stream0;
    double *out;    /* row-major: row k's replicate r at k * stride + r,
                       NaN when undefined */
    size_t n_groups_jack;
    size_t reps;    /* replicates of the current run */
    ig__ralloc ra;  /* the random-allocation null, when tested */
    int has_ra;
    double *tot_d;  /* n: ctot as doubles (the random null keeps them) */
    size_t pool_len; /* entries of scratch.pool */
    ig_noise noise; /* of the published counts */
    int noisy;      /* noise.kind != IG_NOISE_NONE */
    const ig__infer_poll *poll; /* NULL: never asks */
    pthread_mutex_t poll_mu;
    atomic_int stop; /* the poll asked to stop */
} job;

void ig_infer_opts_init(ig_infer_opts *o)
{
    if (!o) return;
    memset(o, 0, sizeof *o);
    o->level = 0.95;
    o->reps = 999;
    o->seed = 1;
    o->resample = IG_RESAMPLE_RESIDENTS;
    o->null_model = IG_NULL_RANDOM;
}

static const char *const null_names[] = {"random", "permutation",
                                         "systematic", "evenness",
                                         "composition"};

const char *ig_null_model_name(ig_null_model m)
{
    if ((int)m < 0 || (size_t)m >= sizeof null_names / sizeof *null_names)
        return NULL;
    return null_names[m];
}

ig_status ig_null_model_parse(const char *s, ig_null_model *out)
{
    for (size_t i = 0; s && i < sizeof null_names / sizeof *null_names; i++)
        if (strcmp(s, null_names[i]) == 0) {
            if (out) *out = (ig_null_model)i;
            return IG_OK;
        }
    return IG_ERR_NOT_FOUND;
}

ig_status ig_resample_parse(const char *s, ig_resample *out)
{
    if (s && strcmp(s, "residents") == 0) {
        if (out) *out = IG_RESAMPLE_RESIDENTS;
        return IG_OK;
    }
    if (s && strcmp(s, "cells") == 0) {
        if (out) *out = IG_RESAMPLE_CELLS;
        return IG_OK;
    }
    return IG_ERR_NOT_FOUND;
}

/* Whole residents: counts up to 2^53 round to the nearest integer. */
static uint64_t whole(double x)
{
    if (!(x > 0.0)) return 0;
    if (x > 9007199254740992.0) x = 9007199254740992.0;
    return (uint64_t)floor(x + 0.5);
}

/* Per-replicate scratch: counts of the groups, total, and (cells) the
 * resampled coordinates-free area; one block so one allocation. */
typedef struct scratch {
    double *block;   /* (ng + 2) * n */
    size_t *idx;     /* n */
    uint64_t *pool;  /* pool_len: 2 * nc, or the random null's scratch */
    double **colp;   /* nc: where the random null writes each category */
    const double **counts; /* ng */
    uint64_t *cells; /* nc * n, systematic and evenness nulls only */
    double *vals;    /* rows: one replicate's values */
    ig_status *sts;  /* rows: their statuses */
    uint64_t *ncnt;  /* n * nc: counts redrawn from the noise model */
    double *npw;     /* n * nc: the same as doubles */
    uint64_t *nctot; /* n: their cell totals */
} scratch;

static void scratch_free(ig_ctx *ctx, scratch *s, const job *j)
{
    size_t n = j->n ? j->n : 1;
    ig__free(ctx, s->block, (j->ng + 2) * n * sizeof *s->block);
    ig__free(ctx, s->idx, n * sizeof *s->idx);
    ig__free(ctx, s->pool, j->pool_len * sizeof *s->pool);
    ig__free(ctx, s->colp, j->nc * sizeof *s->colp);
    ig__free(ctx, (void *)s->counts, j->ng * sizeof *s->counts);
    ig__free(ctx, s->cells, n * j->nc * sizeof *s->cells);
    ig__free(ctx, s->vals, j->rows * sizeof *s->vals);
    ig__free(ctx, s->sts, j->rows * sizeof *s->sts);
    ig__free(ctx, s->ncnt, n * j->nc * sizeof *s->ncnt);
    ig__free(ctx, s->npw, n * j->nc * sizeof *s->npw);
    ig__free(ctx, s->nctot, n * sizeof *s->nctot);
}

static ig_status scratch_alloc(ig_ctx *ctx, scratch *s, const job *j)
{
    size_t n = j->n ? j->n : 1;
    memset(s, 0, sizeof *s);
    s->block = ig__calloc(ctx, (j->ng + 2) * n, sizeof *s->block);
    s->idx = ig__calloc(ctx, n, sizeof *s->idx);
    s->pool = ig__calloc(ctx, j->pool_len, sizeof *s->pool);
    s->colp = ig__calloc(ctx, j->nc, sizeof *s->colp);
    s->counts = ig__calloc(ctx, j->ng, sizeof *s->counts);
    s->vals = ig__calloc(ctx, j->rows, sizeof *s->vals);
    s->sts = ig__calloc(ctx, j->rows, sizeof *s->sts);
    int drawn = j->mode == MODE_NULL_SYSTEMATIC ||
                j->mode == MODE_NULL_EVENNESS;
    if (drawn) s->cells = ig__calloc(ctx, n * j->nc, sizeof *s->cells);
    int noisy = j->noisy && (j->mode == MODE_BOOT_RES ||
                             j->mode == MODE_BOOT_CELLS ||
                             j->mode == MODE_NOISE);
    if (noisy) {
        s->ncnt = ig__calloc(ctx, n * j->nc, sizeof *s->ncnt);
        s->npw = ig__calloc(ctx, n * j->nc, sizeof *s->npw);
        s->nctot = ig__calloc(ctx, n, sizeof *s->nctot);
    }
    if (!s->block || !s->idx || !s->pool || !s->colp || !s->counts ||
        !s->vals || !s->sts || (drawn && !s->cells) ||
        (noisy && (!s->ncnt || !s->npw || !s->nctot))) {
        scratch_free(ctx, s, j);
        return IG_ERR_NOMEM;
    }
    return IG_OK;
}

/* Write cell i's category counts v[0..nc) into slot k of the scratch. */
static void put_cell(const job *j, scratch *s, size_t k, const uint64_t *v)
{
    double tot = 0.0;
    for (size_t c = 0; c < j->nc; c++) {
        double x = (double)v[c];
        if (c < j->ng) s->block[c * j->n + k] = x;
        tot += x; /* whole numbers below 2^53: exact */
    }
    s->block[j->ng * j->n + k] = tot;
}

/* Uniform index in [0, n) without modulo bias. */
static size_t uniform_index(ig_rng *r, size_t n)
{
    uint64_t lim = UINT64_MAX - UINT64_MAX % (uint64_t)n;
    uint64_t x;
    do {
        x = ig__rng_next(r);
    } while (x >= lim);
    return (size_t)(x % (uint64_t)n);
}

/* Every row's measure on the drawn units v, into column col of out (rows
 * stride apart), with the preparation the rows share done once
 * (ig__measures_eval). Undefined values (IG_ERR_NUMERIC) become NaN; the
 * first other failure is returned after all rows ran. */
static ig_status compute_rows(const job *j, const scratch *s,
                              const ig_units *v, const double *t_groups,
                              size_t col, size_t stride)
{
    ig_status first = ig__measures_eval(j->ctx, v, j->ms, j->grp, j->rows,
                                        j->p, t_groups, s->vals, s->sts);
    for (size_t k = 0; k < j->rows; k++) {
        ig_status st = s->sts[k];
        j->out[k * stride + col] = st == IG_OK ? s->vals[k] : (double)NAN;
        if (st != IG_OK && st != IG_ERR_NUMERIC && first == IG_OK)
            first = st;
    }
    return first;
}

/* The place's counts redrawn from the noise model into the scratch:
 * every category of every cell, independently. */
static void redraw_noise(const job *j, scratch *s, ig_rng *r)
{
    size_t n = j->n, nc = j->nc;
    for (size_t i = 0; i < n; i++) {
        uint64_t t = 0;
        for (size_t c = 0; c < nc; c++) {
            uint64_t x = ig__infer_noisy(r, &j->noise, j->cnt[i * nc + c]);
            s->ncnt[i * nc + c] = x;
            s->npw[i * nc + c] = (double)x;
            t += x;
        }
        s->nctot[i] = t;
    }
}

/* Replicate rep in the scratch s (every slot it reads is written first). */
static ig_status replicate(job *j, scratch *sp, size_t rep)
{
    scratch s = *sp;
    ig_rng r;
    ig__rng_init(&r, j->seed, j->stream0 + rep);
    size_t n = j->n, nc = j->nc;
    uint64_t *draw = s.pool + nc;
    ig_units v = *j->u;
    double *area = s.block + (j->ng + 1) * n;
    const double *tot = s.block + j->ng * n;
    /* with a noise model the bootstrap starts from counts redrawn from it */
    const uint64_t *cnt = j->cnt, *ctot = j->ctot;
    const double *pw = j->pw;
    if (s.ncnt && j->mode != MODE_NOISE) {
        redraw_noise(j, &s, &r);
        cnt = s.ncnt;
        ctot = s.nctot;
        pw = s.npw;
    }
    switch (j->mode) {
        case MODE_NOISE:
            redraw_noise(j, &s, &r);
            for (size_t i = 0; i < n; i++) put_cell(j, &s, i, s.ncnt + i * nc);
            break;
        case MODE_BOOT_RES:
            for (size_t i = 0; i < n; i++) {
                ig__rng_multinomial(&r, ctot[i], pw + i * nc, nc, draw);
                put_cell(j, &s, i, draw);
            }
            break;
        case MODE_BOOT_CELLS:
            for (size_t i = 0; i < n; i++) {
                size_t k = uniform_index(&r, n);
                put_cell(j, &s, i, cnt + k * nc);
                if (j->u->area) area[i] = j->u->area[k];
            }
            if (j->u->area) v.area = area;
            break;
        case MODE_NULL_RANDOM:
            /* the cell totals stay: only the groups are written */
            for (size_t c = 0; c < nc; c++)
                s.colp[c] = c < j->ng ? s.block + c * n : NULL;
            ig__ralloc_draw(&j->ra, &r, j->gtot, j->all, s.pool, s.colp);
            tot = j->tot_d;
            break;
        case MODE_NULL_SYSTEMATIC:
        case MODE_NULL_EVENNESS: {
            /* systematic: category totals kept, cell totals drawn;
             * evenness: cell totals kept, category totals drawn */
            if (j->mode == MODE_NULL_SYSTEMATIC)
                ig__infer_systematic(&r, j->gtot, nc, j->ctot, n, j->all,
                                     s.cells);
            else
                ig__infer_evenness(&r, j->gw, nc, j->ctot, n, draw, s.cells);
            double *stot = s.block + j->ng * n;
            for (size_t i = 0; i < n; i++) stot[i] = 0.0;
            for (size_t c = 0; c < nc; c++) {
                const uint64_t *src = s.cells + c * n;
                double *col = c < j->ng ? s.block + c * n : NULL;
                for (size_t i = 0; i < n; i++) {
                    double x = (double)src[i];
                    if (col) col[i] = x;
                    stot[i] += x; /* whole numbers below 2^53: exact */
                }
            }
            break;
        }
        default: /* MODE_NULL_PERM: Fisher-Yates over the cells */
            for (size_t i = 0; i < n; i++) s.idx[i] = i;
            for (size_t i = n; i > 1; i--) {
                size_t k = uniform_index(&r, i);
                size_t t = s.idx[i - 1];
                s.idx[i - 1] = s.idx[k];
                s.idx[k] = t;
            }
            for (size_t i = 0; i < n; i++)
                put_cell(j, &s, i, j->cnt + s.idx[i] * nc);
            break;
    }
    for (size_t g = 0; g < j->ng; g++) s.counts[g] = s.block + g * n;
    v.counts = s.counts;
    v.total = j->has_other ? tot : NULL;
    /* the random null keeps the cell totals: without residents outside
     * the groups they are the sums of the groups */
    const double *tg =
        j->mode == MODE_NULL_RANDOM && !j->has_other ? j->tot_d : NULL;
    return compute_rows(j, &s, &v, tg, rep, j->reps);
}

/* Replicates [k CHUNK, (k + 1) CHUNK) with one scratch: the chunks are
 * fixed by index, not by thread, so the streams and results do not
 * depend on the thread count, and a place of 100,000 cells does not
 * allocate (and fault in) megabytes for every replicate. */
static ig_status replicate_chunk(void *ud, size_t k)
{
    job *j = ud;
    if (atomic_load(&j->stop)) return IG_ERR_CANCELLED;
    scratch s;
    if (scratch_alloc(j->ctx, &s, j) != IG_OK) return IG_ERR_NOMEM;
    size_t lo = k * REP_CHUNK, hi = lo + REP_CHUNK;
    if (hi > j->reps) hi = j->reps;
    ig_status first = IG_OK;
    for (size_t rep = lo; rep < hi; rep++) {
        ig_status st = replicate(j, &s, rep);
        if (st != IG_OK && first == IG_OK) first = st;
    }
    scratch_free(j->ctx, &s, j);
    if (j->poll && j->poll->fn) {
        pthread_mutex_lock(&j->poll_mu);
        int halt = j->poll->fn(j->poll->ud, j->poll->done, j->poll->total);
        pthread_mutex_unlock(&j->poll_mu);
        if (halt) atomic_store(&j->stop, 1);
    }
    if (first == IG_OK && atomic_load(&j->stop)) first = IG_ERR_CANCELLED;
    return first;
}

/* Jackknife replicate k: the place without block k of its cells. */
static ig_status jackknife(void *ud, size_t k)
{
    job *j = ud;
    ig_ctx *ctx = j->ctx;
    size_t n = j->n, G = j->n_groups_jack;
    size_t lo = k * n / G, hi = (k + 1) * n / G, m = n - (hi - lo);
    scratch s;
    if (scratch_alloc(ctx, &s, j) != IG_OK) return IG_ERR_NOMEM;
    const ig_units *u = j->u;
    /* layout: groups, total, area in the block; rows/cols in idx reused
     * as two int32 arrays would not fit, so copy them separately */
    int32_t *rc = NULL;
    if (u->row && u->col) {
        rc = ig__calloc(ctx, 2 * (m ? m : 1), sizeof *rc);
        if (!rc) {
            scratch_free(ctx, &s, j);
            return IG_ERR_NOMEM;
        }
    }
    size_t t = 0;
    for (size_t i = 0; i < n; i++) {
        if (i >= lo && i < hi) continue;
        for (size_t g = 0; g < j->ng; g++)
            s.block[g * n + t] = u->counts[g][i];
        if (u->total) s.block[j->ng * n + t] = u->total[i];
        if (u->area) s.block[(j->ng + 1) * n + t] = u->area[i];
        if (rc) {
            rc[t] = u->row[i];
            rc[m + t] = u->col[i];
        }
        t++;
    }
    for (size_t g = 0; g < j->ng; g++) s.counts[g] = s.block + g * n;
    ig_units v = *u;
    v.n_units = m;
    v.counts = s.counts;
    v.total = u->total ? s.block + j->ng * n : NULL;
    v.area = u->area ? s.block + (j->ng + 1) * n : NULL;
    if (rc) {
        v.row = rc;
        v.col = rc + m;
    }
    ig_status st = compute_rows(j, &s, &v, NULL, k, G);
    ig__free(ctx, rc, 2 * (m ? m : 1) * sizeof *rc);
    scratch_free(ctx, &s, j);
    return st;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Move the finite values of a[0..n) to the front, sorted; their count. */
static size_t compact_sorted(double *a, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(a[i])) a[k++] = a[i];
    qsort(a, k, sizeof *a, cmp_double);
    return k;
}

/* BCa interval from sorted bootstrap values b[0..B), the value and the
 * jackknife values jk[0..G) (NaN entries skipped). */
static void bca(const double *b, size_t B, double value, const double *jk,
                size_t G, double alpha, double *lo, double *hi)
{
    *lo = *hi = (double)NAN;
    if (B < 2) return;
    size_t below = 0, ties = 0;
    for (size_t i = 0; i < B; i++) {
        if (b[i] < value) below++;
        if (b[i] == value) ties++;
    }
    double prop = ((double)below + 0.5 * (double)ties) / (double)B;
    if (!(prop > 0.0 && prop < 1.0)) return;
    double z0 = ig__infer_qnorm(prop);
    ig_ksum ks;
    ig_ksum_init(&ks);
    size_t ng = 0;
    for (size_t k = 0; k < G; k++)
        if (isfinite(jk[k])) {
            ig_ksum_add(&ks, jk[k]);
            ng++;
        }
    double a = 0.0;
    if (ng >= 2) {
        double mean = ig_ksum_value(&ks) / (double)ng;
        ig_ksum s2, s3;
        ig_ksum_init(&s2);
        ig_ksum_init(&s3);
        for (size_t k = 0; k < G; k++)
            if (isfinite(jk[k])) {
                double d = mean - jk[k];
                ig_ksum_add(&s2, d * d);
                ig_ksum_add(&s3, d * d * d);
            }
        double den = ig_ksum_value(&s2);
        if (den > 0.0) a = ig_ksum_value(&s3) / (6.0 * pow(den, 1.5));
    }
    double zl = ig__infer_qnorm(alpha / 2.0), zh = -zl;
    double q1 = ig__infer_pnorm(z0 + (z0 + zl) / (1.0 - a * (z0 + zl)));
    double q2 = ig__infer_pnorm(z0 + (z0 + zh) / (1.0 - a * (z0 + zh)));
    if (!isfinite(q1) || !isfinite(q2)) return;
    *lo = ig__infer_quantile(b, B, q1);
    *hi = ig__infer_quantile(b, B, q2);
}

static ig_status check_opts(const ig_measure_info *m, const ig_infer_opts *o,
                            ig_error *err)
{
    int noisy = o->noise.kind != IG_NOISE_NONE;
    if ((o->ci || o->test || noisy) && o->reps < 1)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "inference: reps must be at least 1 (got %d)",
                             o->reps);
    if (noisy && !((o->noise.kind == IG_NOISE_ROUND && o->noise.param >= 2) ||
                   (o->noise.kind == IG_NOISE_PERTURB && o->noise.param >= 1)))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "inference: bad noise model (kind %d, parameter "
                             "%d): round needs a base of at least 2, perturb "
                             "a K of at least 1",
                             (int)o->noise.kind, o->noise.param);
    if (o->ci && !(o->level > 0.0 && o->level < 1.0))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "inference: level must be between 0 and 1 "
                             "exclusive (got %g)",
                             o->level);
    if (o->ci && o->resample != IG_RESAMPLE_RESIDENTS &&
        o->resample != IG_RESAMPLE_CELLS)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "inference: unknown resampling %d", (int)o->resample);
    if (o->ci && o->resample == IG_RESAMPLE_CELLS && m &&
        (m->flags & IG_MF_SPATIAL))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "%s: cells cannot be resampled for a spatial "
                             "measure (two draws of a cell would share a "
                             "place); resample residents instead",
                             m->name);
    if (o->test && !ig_null_model_name(o->null_model))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "inference: unknown null model %d",
                             (int)o->null_model);
    if (o->test && o->null_model == IG_NULL_COMPOSITION)
        return ig__error_set(err, IG_ERR_DISABLED, 0, 0,
                             "inference: the 'composition' null model is "
                             "a two-sample counterfactual (pysal compares "
                             "two places with it), not a test of one "
                             "place; it is not available yet; use "
                             "'random', 'systematic', 'evenness' or "
                             "'permutation'");
    return IG_OK;
}

static void job_free(job *j)
{
    size_t n = j->n ? j->n : 1;
    ig__free(j->ctx, j->cnt, n * j->nc * sizeof *j->cnt);
    ig__free(j->ctx, j->pw, n * j->nc * sizeof *j->pw);
    ig__free(j->ctx, j->ctot, n * sizeof *j->ctot);
    ig__free(j->ctx, j->gtot, j->nc * sizeof *j->gtot);
    ig__free(j->ctx, j->gw, j->nc * sizeof *j->gw);
    ig__free(j->ctx, j->tot_d, n * sizeof *j->tot_d);
    if (j->has_ra) ig__ralloc_free(j->ctx, &j->ra);
}

static ig_status run_reps(job *j, int mode, uint64_t stream0, double *out,
                          size_t reps)
{
    j->mode = mode;
    j->stream0 = stream0;
    j->out = out;
    j->reps = reps;
    return ig__parallel_for(j->ctx, (reps + REP_CHUNK - 1) / REP_CHUNK,
                            replicate_chunk, j);
}

/* Percentile and BCa intervals of one row from its bootstrap values b
 * (reps of them, compacted and sorted here) and jackknife values jk[G]. */
static void summarize_boot(double *b, size_t reps, const double *jk, size_t G,
                           double level, ig_inference *res)
{
    size_t B = compact_sorted(b, reps);
    res->n_boot = (int)B;
    double alpha = 1.0 - level;
    if (B >= 2) {
        res->ci_low = ig__infer_quantile(b, B, alpha / 2.0);
        res->ci_high = ig__infer_quantile(b, B, 1.0 - alpha / 2.0);
    }
    bca(b, B, res->value, jk, G, alpha, &res->ci_bca_low, &res->ci_bca_high);
}

/* Null mean, sd, p-value, expected, corrected and z of one row from its
 * null draws nul (reps of them, compacted and sorted here). */
static void summarize_null(double *nul, size_t reps, ig_inference *res)
{
    size_t N = compact_sorted(nul, reps);
    res->n_null = (int)N;
    if (N < 1) return;
    ig_ksum k;
    ig_ksum_init(&k);
    for (size_t i = 0; i < N; i++) ig_ksum_add(&k, nul[i]);
    double mean = ig_ksum_value(&k) / (double)N;
    /* ties within a relative 1e-10 count as at least as extreme */
    double tol = 1e-10 * fmax(1.0, fabs(res->value));
    size_t ge = 0;
    for (size_t i = 0; i < N; i++)
        if (nul[i] >= res->value - tol) ge++;
    res->null_mean = mean;
    res->expected = mean;
    res->corrected = res->value - mean;
    res->p_value = (1.0 + (double)ge) / (1.0 + (double)N);
    if (N >= 2) {
        ig_ksum s2;
        ig_ksum_init(&s2);
        for (size_t i = 0; i < N; i++)
            ig_ksum_add(&s2, (nul[i] - mean) * (nul[i] - mean));
        res->null_sd = sqrt(ig_ksum_value(&s2) / (double)(N - 1));
        if (res->null_sd > 0.0) res->z = (res->value - mean) / res->null_sd;
    }
}

/* What the noise alone does to one row, from its noise draws (reps of
 * them, compacted here). */
static void summarize_noise(double *nz, size_t reps, ig_inference *res)
{
    size_t N = compact_sorted(nz, reps);
    res->n_noise = (int)N;
    if (N < 1) return;
    ig_ksum k;
    ig_ksum_init(&k);
    for (size_t i = 0; i < N; i++) ig_ksum_add(&k, nz[i]);
    double mean = ig_ksum_value(&k) / (double)N;
    res->noise_bias = mean - res->value;
    res->noise_share =
        res->value != 0.0 ? res->noise_bias / res->value : (double)NAN;
    if (N >= 2) {
        ig_ksum s2;
        ig_ksum_init(&s2);
        for (size_t i = 0; i < N; i++)
            ig_ksum_add(&s2, (nz[i] - mean) * (nz[i] - mean));
        res->noise_sd = sqrt(ig_ksum_value(&s2) / (double)(N - 1));
    }
}

ig_status ig_noise_parse(const char *s, ig_noise *out, ig_error *err)
{
    ig_noise nz = {IG_NOISE_NONE, 0};
    if (!s)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0, "noise: no model given");
    const char *colon = strchr(s, ':');
    size_t klen = colon ? (size_t)(colon - s) : strlen(s);
    if (!colon && strcmp(s, "none") == 0) {
        if (out) *out = nz;
        return IG_OK;
    }
    if (klen == 5 && strncmp(s, "round", 5) == 0)
        nz.kind = IG_NOISE_ROUND;
    else if (klen == 7 && strncmp(s, "perturb", 7) == 0)
        nz.kind = IG_NOISE_PERTURB;
    else
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "unknown noise model '%s'; use round:B (counts "
                             "rounded to base B), perturb:K (counts moved by "
                             "at most +-K) or none",
                             s);
    long v = 0;
    const char *q = colon ? colon + 1 : "";
    int ok = *q != '\0';
    for (const char *c = q; *c && ok; c++) {
        if (*c < '0' || *c > '9' || v > 100000000L) ok = 0;
        else v = v * 10 + (*c - '0');
    }
    long lo = nz.kind == IG_NOISE_ROUND ? 2 : 1;
    if (!ok || v < lo || v > 1000000L)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "noise model '%s': give %s as a whole number "
                             "from %ld to 1000000, e.g. %s",
                             s, nz.kind == IG_NOISE_ROUND ? "the base B" : "K",
                             lo,
                             nz.kind == IG_NOISE_ROUND ? "round:3"
                                                       : "perturb:2");
    nz.param = (int)v;
    if (out) *out = nz;
    return IG_OK;
}

ig_status ig__infer_units_batch(ig_ctx *ctx, const ig_measure_info *const *ms,
                                const size_t *groups, size_t rows,
                                const ig_units *u, const ig_measure_params *p,
                                const ig_infer_opts *o,
                                const ig__infer_poll *poll, ig_inference *out,
                                ig_error *err)
{
    if (!ms || !groups || !u || !out || rows == 0)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "inference: measures, units and out are "
                             "required");
    for (size_t k = 0; k < rows; k++)
        if (!ms[k])
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "inference: measure of row %zu is missing",
                                 k);
    ig_infer_opts defaults;
    if (!o) {
        ig_infer_opts_init(&defaults);
        o = &defaults;
    }
    const double nan = (double)NAN;
    const ig_inference blank = {nan, nan, nan, nan, nan, nan, nan, nan, nan,
                                nan, nan, 0,   0,   nan, nan, nan, 0};
    for (size_t k = 0; k < rows; k++) out[k] = blank;
    ig_status st = IG_OK;
    for (size_t k = 0; k < rows && st == IG_OK; k++) st = check_opts(ms[k], o, err);
    for (size_t k = 0; k < rows && st == IG_OK; k++)
        st = ig_measure_compute(ctx, ms[k], u, groups[k], p, &out[k].value,
                                err);
    if (st != IG_OK) {
        for (size_t k = 0; k < rows; k++) out[k] = blank;
        return st;
    }
    int noisy = o->noise.kind != IG_NOISE_NONE;
    if (!o->ci && !o->test && !noisy) return IG_OK;
    job j;
    memset(&j, 0, sizeof j);
    if (pthread_mutex_init(&j.poll_mu, NULL) != 0) {
        for (size_t k = 0; k < rows; k++) out[k] = blank;
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of resources");
    }
    atomic_init(&j.stop, 0);
    j.poll = poll;
    j.noise = o->noise;
    j.noisy = noisy;
    j.ctx = ctx;
    j.ms = ms;
    j.grp = groups;
    j.rows = rows;
    j.u = u;
    j.p = p;
    j.seed = o->seed;
    j.n = u->n_units;
    j.ng = u->n_groups;
    j.has_other = u->total != NULL;
    j.nc = j.ng + (j.has_other ? 1 : 0);
    size_t n1 = j.n ? j.n : 1, reps = (size_t)o->reps;
    size_t G = j.n < JACK_GROUPS ? j.n : JACK_GROUPS, G1 = G ? G : 1;
    ig_inference *res = NULL;
    double *boot = NULL, *nul = NULL, *jk = NULL, *nzv = NULL;
    if (reps > SIZE_MAX / sizeof(double) / rows) {
        st = IG_ERR_NOMEM;
        goto done;
    }
    j.cnt = ig__calloc(ctx, n1 * j.nc, sizeof *j.cnt);
    j.pw = ig__calloc(ctx, n1 * j.nc, sizeof *j.pw);
    j.ctot = ig__calloc(ctx, n1, sizeof *j.ctot);
    j.gtot = ig__calloc(ctx, j.nc, sizeof *j.gtot);
    j.gw = ig__calloc(ctx, j.nc, sizeof *j.gw);
    j.tot_d = ig__calloc(ctx, n1, sizeof *j.tot_d);
    j.pool_len = 2 * j.nc;
    res = ig__calloc(ctx, rows, sizeof *res);
    boot = ig__calloc(ctx, rows * reps, sizeof *boot);
    nul = ig__calloc(ctx, rows * reps, sizeof *nul);
    if (noisy) nzv = ig__calloc(ctx, rows * reps, sizeof *nzv);
    jk = ig__calloc(ctx, rows * G1, sizeof *jk);
    if (!j.cnt || !j.pw || !j.ctot || !j.gtot || !j.gw || !j.tot_d || !res ||
        !boot || !nul || !jk || (noisy && !nzv)) {
        st = IG_ERR_NOMEM;
        goto done;
    }
    for (size_t k = 0; k < rows; k++) res[k] = out[k];
    for (size_t i = 0; i < j.n; i++) {
        uint64_t sum = 0;
        for (size_t g = 0; g < j.ng; g++) {
            uint64_t x = whole(u->counts[g][i]);
            j.cnt[i * j.nc + g] = x;
            sum += x;
        }
        if (j.has_other) {
            uint64_t t = whole(u->total[i]);
            j.cnt[i * j.nc + j.ng] = t > sum ? t - sum : 0;
            sum = t > sum ? t : sum;
        }
        j.ctot[i] = sum;
        j.tot_d[i] = (double)sum;
        j.all += sum;
        for (size_t c = 0; c < j.nc; c++) {
            j.gtot[c] += j.cnt[i * j.nc + c];
            j.pw[i * j.nc + c] = (double)j.cnt[i * j.nc + c];
        }
    }
    for (size_t c = 0; c < j.nc; c++) j.gw[c] = (double)j.gtot[c];
    if (o->ci) {
        st = run_reps(&j, o->resample == IG_RESAMPLE_CELLS ? MODE_BOOT_CELLS
                                                           : MODE_BOOT_RES,
                      0, boot, reps);
        if (st != IG_OK) goto done;
        j.n_groups_jack = G;
        j.out = jk;
        st = ig__parallel_for(ctx, G, jackknife, &j);
        if (st != IG_OK) goto done;
        for (size_t k = 0; k < rows; k++)
            summarize_boot(boot + k * reps, reps, jk + k * G1, G, o->level,
                           &res[k]);
    }
    if (o->test) {
        int mode = MODE_NULL_RANDOM;
        if (o->null_model == IG_NULL_PERMUTATION) mode = MODE_NULL_PERM;
        else if (o->null_model == IG_NULL_SYSTEMATIC)
            mode = MODE_NULL_SYSTEMATIC;
        else if (o->null_model == IG_NULL_EVENNESS)
            mode = MODE_NULL_EVENNESS;
        if (mode == MODE_NULL_RANDOM) {
            st = ig__ralloc_init(ctx, &j.ra, j.ctot, j.n, j.nc);
            if (st != IG_OK) goto done;
            j.has_ra = 1;
            size_t need = ig__ralloc_tmp_len(&j.ra);
            if (need > j.pool_len) j.pool_len = need;
        }
        st = run_reps(&j, mode, NULL_STREAM, nul, reps);
        if (st != IG_OK) goto done;
        for (size_t k = 0; k < rows; k++)
            summarize_null(nul + k * reps, reps, &res[k]);
    }
    if (noisy) {
        st = run_reps(&j, MODE_NOISE, NOISE_STREAM, nzv, reps);
        if (st != IG_OK) goto done;
        for (size_t k = 0; k < rows; k++)
            summarize_noise(nzv + k * reps, reps, &res[k]);
    }
    for (size_t k = 0; k < rows; k++) out[k] = res[k];
done:
    if (st == IG_ERR_NOMEM) ig__error_set(err, st, 0, 0, "out of memory");
    else if (st == IG_ERR_CANCELLED)
        ig__error_set(err, st, 0, 0, "cancelled");
    else if (st != IG_OK)
        ig__error_set(err, st, 0, 0, "%s: inference: %s",
                      rows == 1 ? ms[0]->name : "measures", ig_strerror(st));
    if (st != IG_OK)
        for (size_t k = 0; k < rows; k++) out[k] = blank;
    ig__free(ctx, res, rows * sizeof *res);
    ig__free(ctx, boot, rows * reps * sizeof *boot);
    ig__free(ctx, nul, rows * reps * sizeof *nul);
    ig__free(ctx, nzv, rows * reps * sizeof *nzv);
    ig__free(ctx, jk, rows * G1 * sizeof *jk);
    job_free(&j);
    pthread_mutex_destroy(&j.poll_mu);
    return st;
}

ig_status ig_infer_units(ig_ctx *ctx, const ig_measure_info *m,
                         const ig_units *u, size_t group,
                         const ig_measure_params *p, const ig_infer_opts *o,
                         ig_inference *out, ig_error *err)
{
    if (!m || !u || !out)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "inference: measure, units and out are required");
    return ig__infer_units_batch(ctx, &m, &group, 1, u, p, o, NULL, out, err);
}
