/* Hot spots (Getis-Ord Gi*) and local Moran's I (LISA) on the group share.
 *
 * Both work on a sample: the populated lattice positions of the cells the
 * neighbourhoods draw from, found through a small open-addressing hash of
 * (row, col). Gi* sums come from the neighbourhood engine (local.c); here
 * are its z-score, the two-sided p-value, the Benjamini-Hochberg
 * adjustment and the classes. Local Moran's I enumerates each cell's
 * neighbours from the kernel table and runs N conditional permutations:
 * the cell's own value stays, its neighbours' values are drawn without
 * replacement from the other n - 1 sample points. Each target has its own
 * random stream (seed, grid index of the cell), and targets are processed
 * in blocks whose results depend only on the block, so the output is the
 * same for every thread count. */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/ksum.h"
#include "core/rng.h"
#include "spatial/local_impl.h"

#define NONE ((size_t)-1)

/* ---- Gi*, p-values, FDR, classes ----------------------------------------- */

double ig__local_gi_z(double wx, double W, double S1, double n, double xbar,
                      double s)
{
    if (!(s > 0.0) || !(n > 1.0) || !(W > 0.0)) return NAN;
    double nS1 = n * S1;
    double var = (nS1 - W * W) / (n - 1.0);
    /* rounding in the engine's sums may leave a tiny positive remainder
     * where the exact value is 0 */
    if (!(var > 1e-10 * nS1 / (n - 1.0))) return NAN;
    return (wx - xbar * W) / (s * sqrt(var));
}

double ig__local_p_two_sided(double z)
{
    if (isnan(z)) return NAN;
    return erfc(fabs(z) / sqrt(2.0));
}

typedef struct p_idx {
    double p;
    size_t i;
} p_idx;

static int cmp_p(const void *a, const void *b)
{
    const p_idx *x = a, *y = b;
    if (x->p < y->p) return -1;
    if (x->p > y->p) return 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

ig_status ig__local_bh_adjust(ig_ctx *ctx, const double *p, size_t n,
                              double *adj)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(p[i])) m++;
    for (size_t i = 0; i < n; i++) adj[i] = NAN;
    if (m == 0) return IG_OK;
    p_idx *r = ig__alloc(ctx, m * sizeof *r);
    if (!r) return IG_ERR_NOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(p[i])) {
            r[k].p = p[i];
            r[k].i = i;
            k++;
        }
    qsort(r, m, sizeof *r, cmp_p);
    /* step-up: running minimum from the largest rank down */
    double run = 1.0;
    for (size_t q = m; q-- > 0;) {
        double v = (double)m * r[q].p / (double)(q + 1);
        if (v < run) run = v;
        adj[r[q].i] = run;
    }
    ig__free(ctx, r, m * sizeof *r);
    return IG_OK;
}

ig_local_class ig__local_gi_class(double z, double p_adj, double fdr)
{
    if (isnan(z) || isnan(p_adj)) return IG_LCLASS_NONE;
    if (p_adj > fdr || z == 0.0) return IG_LCLASS_NS;
    int hot = z > 0.0;
    if (p_adj <= 0.01) return hot ? IG_LCLASS_HOT_99 : IG_LCLASS_COLD_99;
    if (p_adj <= 0.05) return hot ? IG_LCLASS_HOT_95 : IG_LCLASS_COLD_95;
    if (p_adj <= 0.10) return hot ? IG_LCLASS_HOT_90 : IG_LCLASS_COLD_90;
    return IG_LCLASS_NS;
}

ig_local_class ig__local_moran_class(double zi, double lag, double p,
                                     double alpha)
{
    if (isnan(p) || isnan(zi) || isnan(lag)) return IG_LCLASS_NONE;
    if (p > alpha) return IG_LCLASS_NS;
    if (zi > 0.0 && lag > 0.0) return IG_LCLASS_HH;
    if (zi < 0.0 && lag < 0.0) return IG_LCLASS_LL;
    if (zi > 0.0 && lag < 0.0) return IG_LCLASS_HL;
    if (zi < 0.0 && lag > 0.0) return IG_LCLASS_LH;
    return IG_LCLASS_NS;
}

/* ---- lattice hash -------------------------------------------------------- */

static uint64_t pack(int32_t row, int32_t col)
{
    return ((uint64_t)(uint32_t)row << 32) | (uint64_t)(uint32_t)col;
}

static size_t slot_of(uint64_t key, size_t cap)
{
    uint64_t z = key + UINT64_C(0x9E3779B97F4A7C15);
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    z ^= z >> 31;
    return (size_t)z & (cap - 1);
}

ig_status ig__lhash_init(ig_ctx *ctx, ig__lhash *h, size_t n_max)
{
    memset(h, 0, sizeof *h);
    size_t cap = 16;
    while (cap < 2 * n_max + 2) {
        if (cap > ((size_t)-1) / 4) return IG_ERR_NOMEM;
        cap *= 2;
    }
    h->key = ig__alloc(ctx, cap * sizeof *h->key);
    h->val = ig__alloc(ctx, cap * sizeof *h->val);
    if (!h->key || !h->val) {
        ig__free(ctx, h->key, cap * sizeof *h->key);
        ig__free(ctx, h->val, cap * sizeof *h->val);
        h->key = NULL;
        h->val = NULL;
        return IG_ERR_NOMEM;
    }
    h->cap = cap;
    for (size_t i = 0; i < cap; i++) h->val[i] = NONE;
    return IG_OK;
}

void ig__lhash_free(ig_ctx *ctx, ig__lhash *h)
{
    if (!h) return;
    ig__free(ctx, h->key, h->cap * sizeof *h->key);
    ig__free(ctx, h->val, h->cap * sizeof *h->val);
    memset(h, 0, sizeof *h);
}

size_t ig__lhash_find(const ig__lhash *h, int32_t row, int32_t col)
{
    if (!h->cap) return NONE;
    uint64_t k = pack(row, col);
    size_t s = slot_of(k, h->cap);
    while (h->val[s] != NONE) {
        if (h->key[s] == k) return h->val[s];
        s = (s + 1) & (h->cap - 1);
    }
    return NONE;
}

size_t ig__lhash_put(ig__lhash *h, int32_t row, int32_t col, size_t val)
{
    uint64_t k = pack(row, col);
    size_t s = slot_of(k, h->cap);
    while (h->val[s] != NONE) {
        if (h->key[s] == k) return h->val[s];
        s = (s + 1) & (h->cap - 1);
    }
    h->key[s] = k;
    h->val[s] = val;
    return val;
}

static void hash_clear(ig__lhash *h)
{
    for (size_t i = 0; i < h->cap; i++) h->val[i] = NONE;
}

/* ---- the sample ------------------------------------------------------------
 */

void ig__lsample_free(ig_ctx *ctx, ig__lsample *s)
{
    if (!s) return;
    size_t cap = s->cap;
    ig__free(ctx, s->row, cap * sizeof *s->row);
    ig__free(ctx, s->col, cap * sizeof *s->col);
    ig__free(ctx, s->t, cap * sizeof *s->t);
    if (s->v) {
        for (size_t k = 0; k < s->n_layers; k++)
            ig__free(ctx, s->v[k], cap * sizeof *s->v[k]);
        ig__free(ctx, s->v, s->n_layers * sizeof *s->v);
    }
    ig__lhash_free(ctx, &s->hash);
    memset(s, 0, sizeof *s);
}

ig_status ig__lsample_build(ig_ctx *ctx, const ig_lattice *src,
                            const size_t *groups, size_t n_layers,
                            ig__lsample *out)
{
    memset(out, 0, sizeof *out);
    size_t cap = src->n ? src->n : 1;
    out->cap = cap;
    out->n_layers = n_layers;
    out->row = ig__alloc(ctx, cap * sizeof *out->row);
    out->col = ig__alloc(ctx, cap * sizeof *out->col);
    out->t = ig__calloc(ctx, cap, sizeof *out->t);
    out->v = ig__calloc(ctx, n_layers ? n_layers : 1, sizeof *out->v);
    if (!out->row || !out->col || !out->t || !out->v) goto nomem;
    for (size_t k = 0; k < n_layers; k++) {
        out->v[k] = ig__calloc(ctx, cap, sizeof *out->v[k]);
        if (!out->v[k]) goto nomem;
    }
    if (ig__lhash_init(ctx, &out->hash, src->n) != IG_OK) goto nomem;

    /* merge points at one position: population and group counts add up
     * (v holds counts until the shares are taken below) */
    size_t n = 0;
    for (size_t i = 0; i < src->n; i++) {
        size_t s = ig__lhash_put(&out->hash, src->row[i], src->col[i], n);
        if (s == n) {
            out->row[n] = src->row[i];
            out->col[n] = src->col[i];
            n++;
        }
        double t;
        if (src->total) {
            t = src->total[i];
        } else {
            ig_ksum k;
            ig_ksum_init(&k);
            for (size_t g = 0; g < src->n_groups; g++)
                ig_ksum_add(&k, src->counts[g][i]);
            t = ig_ksum_value(&k);
        }
        out->t[s] += t;
        for (size_t k = 0; k < n_layers; k++)
            out->v[k][s] += src->counts[groups[k]][i];
    }
    /* keep the populated positions, in first-seen order */
    size_t m = 0;
    for (size_t s = 0; s < n; s++) {
        if (!(out->t[s] > 0.0)) continue;
        out->row[m] = out->row[s];
        out->col[m] = out->col[s];
        out->t[m] = out->t[s];
        for (size_t k = 0; k < n_layers; k++)
            out->v[k][m] = out->v[k][s] / out->t[s];
        m++;
    }
    out->n = m;
    hash_clear(&out->hash);
    for (size_t s = 0; s < m; s++)
        ig__lhash_put(&out->hash, out->row[s], out->col[s], s);
    return IG_OK;
nomem:
    ig__lsample_free(ctx, out);
    return IG_ERR_NOMEM;
}

void ig__lsample_moments(const ig__lsample *s, size_t k, double *mean,
                         double *sd)
{
    size_t n = s->n;
    if (n == 0) {
        *mean = NAN;
        *sd = NAN;
        return;
    }
    double mu = ig_ksum_array(s->v[k], n) / (double)n;
    ig_ksum q;
    ig_ksum_init(&q);
    for (size_t i = 0; i < n; i++) {
        double d = s->v[k][i] - mu;
        ig_ksum_add(&q, d * d);
    }
    *mean = mu;
    *sd = sqrt(ig_ksum_value(&q) / (double)n);
}

/* ---- local Moran's I --------------------------------------------------- */

enum { MORAN_BLOCK = 64 };

typedef struct moran_run {
    ig_ctx *ctx;
    const ig__lmoran_in *in;
    size_t L;     /* layers */
    double **dev; /* dev[k][s] = v[k][s] - mean_k */
    double *mean, *m2;
    size_t n_off; /* kernel offsets with weight > 0, (0,0) left out */
    int32_t *off_dr, *off_dc;
    double *off_w;
    double **I, **z, **p;
    uint8_t **cls;
    uint8_t *flags;
    size_t n_blocks;
    atomic_size_t done;
} moran_run;

/* Uniform integer in [0, n), n >= 1, without bias: Lemire's multiply-
 * and-shift with rejection (ACM TOMACS 2019), which needs a division only
 * in the rare rejection case. */
static uint64_t rand_below(ig_rng *r, uint64_t n)
{
    __extension__ typedef unsigned __int128 u128;
    u128 m = (u128)ig__rng_next(r) * n;
    uint64_t lo = (uint64_t)m;
    if (lo < n) {
        uint64_t t = (0 - n) % n; /* 2^64 mod n */
        while (lo < t) {
            m = (u128)ig__rng_next(r) * n;
            lo = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

/* Scratch of one block. */
typedef struct moran_scratch {
    size_t *nb;   /* neighbour sample indices */
    double *w;    /* their row-standardised weights */
    size_t *draw; /* drawn sample indices */
    size_t *perm; /* dense draws: 0..n'-1, size pcap */
    size_t pcap;
    size_t *set;         /* sparse draws: open-addressing set, size scap */
    uint32_t *set_stamp; /* draw that filled each slot; 0 = never */
    uint32_t stamp;
    size_t scap;
    double *obs_I, *obs_lag, *zi;
    size_t *ge, *le;    /* permuted I at least / at most the observed */
    double *mean, *m2w; /* Welford over the permuted I */
} moran_scratch;

static void scratch_free(ig_ctx *ctx, moran_scratch *s, size_t n_off, size_t L)
{
    ig__free(ctx, s->nb, n_off * sizeof *s->nb);
    ig__free(ctx, s->w, n_off * sizeof *s->w);
    ig__free(ctx, s->draw, n_off * sizeof *s->draw);
    ig__free(ctx, s->perm, s->pcap * sizeof *s->perm);
    ig__free(ctx, s->set, s->scap * sizeof *s->set);
    ig__free(ctx, s->set_stamp, s->scap * sizeof *s->set_stamp);
    ig__free(ctx, s->obs_I, L * sizeof *s->obs_I);
    ig__free(ctx, s->obs_lag, L * sizeof *s->obs_lag);
    ig__free(ctx, s->zi, L * sizeof *s->zi);
    ig__free(ctx, s->ge, L * sizeof *s->ge);
    ig__free(ctx, s->le, L * sizeof *s->le);
    ig__free(ctx, s->mean, L * sizeof *s->mean);
    ig__free(ctx, s->m2w, L * sizeof *s->m2w);
}

static ig_status scratch_alloc(ig_ctx *ctx, moran_scratch *s, size_t n_off,
                               size_t n, size_t L)
{
    memset(s, 0, sizeof *s);
    size_t no = n_off ? n_off : 1;
    s->pcap = 2 * no + 2 < n ? 2 * no + 2 : n;
    if (s->pcap == 0) s->pcap = 1;
    s->scap = 16;
    while (s->scap < 4 * no) s->scap *= 2;
    s->nb = ig__alloc(ctx, no * sizeof *s->nb);
    s->w = ig__alloc(ctx, no * sizeof *s->w);
    s->draw = ig__alloc(ctx, no * sizeof *s->draw);
    s->perm = ig__alloc(ctx, s->pcap * sizeof *s->perm);
    s->set = ig__alloc(ctx, s->scap * sizeof *s->set);
    s->set_stamp = ig__calloc(ctx, s->scap, sizeof *s->set_stamp);
    s->obs_I = ig__alloc(ctx, L * sizeof *s->obs_I);
    s->obs_lag = ig__alloc(ctx, L * sizeof *s->obs_lag);
    s->zi = ig__alloc(ctx, L * sizeof *s->zi);
    s->ge = ig__alloc(ctx, L * sizeof *s->ge);
    s->le = ig__alloc(ctx, L * sizeof *s->le);
    s->mean = ig__alloc(ctx, L * sizeof *s->mean);
    s->m2w = ig__alloc(ctx, L * sizeof *s->m2w);
    if (!s->nb || !s->w || !s->draw || !s->perm || !s->set || !s->set_stamp ||
        !s->obs_I || !s->obs_lag || !s->zi || !s->ge || !s->le || !s->mean ||
        !s->m2w) {
        scratch_free(ctx, s, no, L);
        return IG_ERR_NOMEM;
    }
    return IG_OK;
}

/* Draw m distinct indices from [0, np) into out, in draw order. */
static void draw_distinct(ig_rng *r, moran_scratch *s, size_t m, size_t np,
                          size_t *out)
{
    if (2 * m >= np && np <= s->pcap) {
        /* dense: partial Fisher-Yates */
        for (size_t q = 0; q < np; q++) s->perm[q] = q;
        for (size_t q = 0; q < m; q++) {
            size_t j = q + (size_t)rand_below(r, (uint64_t)(np - q));
            size_t tmp = s->perm[q];
            s->perm[q] = s->perm[j];
            s->perm[j] = tmp;
            out[q] = s->perm[q];
        }
        return;
    }
    /* sparse (m <= np / 2): redraw duplicates. A few neighbours are
     * checked by a scan; more through a set whose slots carry the draw's
     * stamp, so it never needs clearing. */
    if (m <= 32) {
        for (size_t q = 0; q < m;) {
            size_t u = (size_t)rand_below(r, (uint64_t)np);
            size_t a = 0;
            while (a < q && out[a] != u) a++;
            if (a == q) out[q++] = u;
        }
        return;
    }
    size_t cap = s->scap;
    if (++s->stamp == 0) { /* wrapped: clear once */
        memset(s->set_stamp, 0, cap * sizeof *s->set_stamp);
        s->stamp = 1;
    }
    for (size_t q = 0; q < m;) {
        size_t u = (size_t)rand_below(r, (uint64_t)np);
        size_t h = slot_of((uint64_t)u, cap);
        int dup = 0;
        while (s->set_stamp[h] == s->stamp) {
            if (s->set[h] == u) {
                dup = 1;
                break;
            }
            h = (h + 1) & (cap - 1);
        }
        if (dup) continue;
        s->set[h] = u;
        s->set_stamp[h] = s->stamp;
        out[q++] = u;
    }
}

/* The lag sum_q w_q dev[idx_q]: a plain sum in neighbour order, the same
 * code for the observed and the permuted lags, so that a permutation that
 * puts the same values in the same places gives exactly the observed I.
 * (At most a few thousand terms of one sign mix; no compensation needed.) */
static double lag_of(const double *w, const double *dev, const size_t *idx,
                     size_t m)
{
    double s = 0.0;
    for (size_t q = 0; q < m; q++) s += w[q] * dev[idx[q]];
    return s;
}

static void moran_cell(moran_run *mr, moran_scratch *sc, size_t j)
{
    const ig__lmoran_in *in = mr->in;
    const ig__lsample *smp = in->s;
    size_t L = mr->L;
    int32_t r0 = in->trow[j], c0 = in->tcol[j];
    size_t self = ig__lhash_find(&smp->hash, r0, c0);

    /* neighbours: sample points under the kernel, the cell itself left
     * out, in the table's (fixed) offset order */
    size_t m = 0;
    for (size_t o = 0; o < mr->n_off; o++) {
        int64_t rr = (int64_t)r0 + mr->off_dr[o];
        int64_t cc = (int64_t)c0 + mr->off_dc[o];
        if (rr < INT32_MIN || rr > INT32_MAX || cc < INT32_MIN ||
            cc > INT32_MAX)
            continue;
        size_t s = ig__lhash_find(&smp->hash, (int32_t)rr, (int32_t)cc);
        if (s == NONE || s == self) continue;
        sc->nb[m] = s;
        sc->w[m] = mr->off_w[o];
        m++;
    }
    if (m == 0) {
        mr->flags[j] |= IG_LOCAL_FLAG_NO_NEIGHBOURS;
        return;
    }
    double W = ig_ksum_array(sc->w, m);
    for (size_t q = 0; q < m; q++) sc->w[q] /= W;

    for (size_t k = 0; k < L; k++) {
        if (!in->layer_ok[k]) continue;
        double zi =
            self != NONE ? mr->dev[k][self] : in->tv[k][j] - mr->mean[k];
        sc->zi[k] = zi;
        sc->obs_lag[k] = lag_of(sc->w, mr->dev[k], sc->nb, m);
        sc->obs_I[k] = zi * sc->obs_lag[k] / mr->m2[k];
        sc->ge[k] = 0;
        sc->le[k] = 0;
        sc->mean[k] = 0.0;
        sc->m2w[k] = 0.0;
    }

    size_t np = smp->n - (self != NONE ? 1 : 0);
    ig_rng rng;
    ig__rng_init(&rng, in->seed, in->stream[j]);
    int N = in->permutations;
    for (int it = 0; it < N; it++) {
        draw_distinct(&rng, sc, m, np, sc->draw);
        if (self != NONE)
            for (size_t q = 0; q < m; q++)
                if (sc->draw[q] >= self) sc->draw[q]++;
        for (size_t k = 0; k < L; k++) {
            if (!in->layer_ok[k]) continue;
            double Ip =
                sc->zi[k] * lag_of(sc->w, mr->dev[k], sc->draw, m) / mr->m2[k];
            /* ties (equal up to the rounding of a sum in another order)
             * count on both sides */
            double tol = 1e-9 * fabs(sc->obs_I[k]);
            if (Ip >= sc->obs_I[k] - tol) sc->ge[k]++;
            if (Ip <= sc->obs_I[k] + tol) sc->le[k]++;
            double d = Ip - sc->mean[k];
            sc->mean[k] += d / (double)(it + 1);
            sc->m2w[k] += d * (Ip - sc->mean[k]);
        }
    }
    for (size_t k = 0; k < L; k++) {
        if (!in->layer_ok[k]) continue;
        /* the smaller tail, in the direction observed; a permutation
         * distribution that never moves gives p = 1 */
        size_t ext = sc->ge[k] < sc->le[k] ? sc->ge[k] : sc->le[k];
        double p = (double)(ext + 1) / (double)(N + 1);
        if (p > 1.0) p = 1.0;
        double sd = N > 1 ? sqrt(sc->m2w[k] / (double)(N - 1)) : 0.0;
        mr->I[k][j] = sc->obs_I[k];
        mr->p[k][j] = p;
        mr->z[k][j] = sd > 1e-9 * fabs(sc->obs_I[k]) && sd > 0.0
                          ? (sc->obs_I[k] - sc->mean[k]) / sd
                          : (double)NAN;
        mr->cls[k][j] = (uint8_t)ig__local_moran_class(
            sc->zi[k], sc->obs_lag[k], p, in->alpha);
    }
}

static ig_status moran_block(void *ud, size_t b)
{
    moran_run *mr = ud;
    const ig__lmoran_in *in = mr->in;
    size_t lo = b * MORAN_BLOCK;
    size_t hi =
        lo + MORAN_BLOCK < in->n_targets ? lo + MORAN_BLOCK : in->n_targets;
    moran_scratch sc;
    if (scratch_alloc(mr->ctx, &sc, mr->n_off, in->s->n, mr->L) != IG_OK)
        return IG_ERR_NOMEM;
    for (size_t j = lo; j < hi; j++) {
        if (in->tskip && in->tskip[j]) continue;
        moran_cell(mr, &sc, j);
    }
    scratch_free(mr->ctx, &sc, mr->n_off ? mr->n_off : 1, mr->L);
    if (in->progress) {
        size_t done = atomic_fetch_add(&mr->done, hi - lo) + (hi - lo);
        if (in->progress(in->progress_ud, (uint64_t)done,
                         (uint64_t)in->n_targets))
            return IG_ERR_CANCELLED;
    }
    return IG_OK;
}

static void moran_free(moran_run *mr)
{
    ig_ctx *ctx = mr->ctx;
    size_t n = mr->in->s->n ? mr->in->s->n : 1;
    if (mr->dev) {
        for (size_t k = 0; k < mr->L; k++)
            ig__free(ctx, mr->dev[k], n * sizeof *mr->dev[k]);
        ig__free(ctx, mr->dev, mr->L * sizeof *mr->dev);
    }
    ig__free(ctx, mr->mean, mr->L * sizeof *mr->mean);
    ig__free(ctx, mr->m2, mr->L * sizeof *mr->m2);
    size_t no = mr->n_off ? mr->n_off : 1;
    ig__free(ctx, mr->off_dr, no * sizeof *mr->off_dr);
    ig__free(ctx, mr->off_dc, no * sizeof *mr->off_dc);
    ig__free(ctx, mr->off_w, no * sizeof *mr->off_w);
}

ig_status ig__local_moran(ig_ctx *ctx, const ig__lmoran_in *in, double **I,
                          double **z, double **p, uint8_t **cls, uint8_t *flags)
{
    const ig__lsample *s = in->s;
    size_t L = s->n_layers;
    for (size_t k = 0; k < L; k++)
        for (size_t j = 0; j < in->n_targets; j++) {
            I[k][j] = NAN;
            z[k][j] = NAN;
            p[k][j] = NAN;
            cls[k][j] = (uint8_t)IG_LCLASS_NONE;
        }
    if (in->n_targets == 0 || L == 0) return IG_OK;

    moran_run mr;
    memset(&mr, 0, sizeof mr);
    mr.ctx = ctx;
    mr.in = in;
    mr.L = L;
    mr.I = I;
    mr.z = z;
    mr.p = p;
    mr.cls = cls;
    mr.flags = flags;
    atomic_init(&mr.done, 0);
    ig_status st = IG_ERR_NOMEM;
    size_t n = s->n ? s->n : 1;

    /* kernel offsets in table order, the cell itself left out */
    int32_t R = in->kt->R;
    size_t side = (size_t)(2 * R + 1);
    size_t no = 0;
    for (size_t q = 0; q < side * side; q++)
        if (in->kt->w[q] > 0.0 && q != (size_t)R * side + (size_t)R) no++;
    mr.n_off = no;
    size_t noc = no ? no : 1;
    mr.off_dr = ig__alloc(ctx, noc * sizeof *mr.off_dr);
    mr.off_dc = ig__alloc(ctx, noc * sizeof *mr.off_dc);
    mr.off_w = ig__alloc(ctx, noc * sizeof *mr.off_w);
    mr.mean = ig__calloc(ctx, L, sizeof *mr.mean);
    mr.m2 = ig__calloc(ctx, L, sizeof *mr.m2);
    mr.dev = ig__calloc(ctx, L, sizeof *mr.dev);
    if (!mr.off_dr || !mr.off_dc || !mr.off_w || !mr.mean || !mr.m2 || !mr.dev)
        goto out;
    no = 0;
    for (int32_t dy = -R; dy <= R; dy++)
        for (int32_t dx = -R; dx <= R; dx++) {
            size_t q = (size_t)(dy + R) * side + (size_t)(dx + R);
            if (!(in->kt->w[q] > 0.0) || (dx == 0 && dy == 0)) continue;
            mr.off_dr[no] = dy;
            mr.off_dc[no] = dx;
            mr.off_w[no] = in->kt->w[q];
            no++;
        }
    for (size_t k = 0; k < L; k++) {
        mr.dev[k] = ig__alloc(ctx, n * sizeof *mr.dev[k]);
        if (!mr.dev[k]) goto out;
        double sd;
        ig__lsample_moments(s, k, &mr.mean[k], &sd);
        ig_ksum q;
        ig_ksum_init(&q);
        for (size_t i = 0; i < s->n; i++) {
            mr.dev[k][i] = s->v[k][i] - mr.mean[k];
            ig_ksum_add(&q, mr.dev[k][i] * mr.dev[k][i]);
        }
        /* Anselin's m2 = sum z^2 / n (esda divides by n - 1 instead) */
        mr.m2[k] = ig_ksum_value(&q) / (double)(s->n ? s->n : 1);
    }
    mr.n_blocks = (in->n_targets + MORAN_BLOCK - 1) / MORAN_BLOCK;
    st = ig__parallel_for(ctx, mr.n_blocks, moran_block, &mr);
out:
    moran_free(&mr);
    return st;
}
