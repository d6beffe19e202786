/* Distance-decay measures: spatial proximity SP, absolute and relative
 * clustering ACL/RCL, distance-decay isolation DPxx and exposure DPxy
 * (docs/measures/spatial_proximity.md and the pages after it).
 *
 * Proximity is Massey & Denton's (1988) c_ij = exp(-d_ij), d_ij the
 * distance between cell centres in km, with the self-distance d_ii =
 * (alpha a_i)^beta (a_i the cell's land area in km2; alpha = 0.6, beta =
 * 0.5: White 1983). Every measure needs the sums F_v(i) = sum_j c_ij v_j
 * of a few arrays v around every cell. On the lattice c_ij depends only
 * on the offset between the cells, so the sums are focal sums with one
 * table of weights: ig__focal_table does them for any number of cells.
 * The table is cut where the weight falls below 2^-60 of the centre
 * weight (41.6 km beyond d_ii), at the place's extent, and at 1024 cells
 * (which binds only for cells under 41 m). Small places (at most 2048
 * cells) take a direct pairwise sum instead: n^2 / 2 weights cost less
 * than any table then. Partial cells (land area below the cell's) differ
 * from the table only in their self weight, added as a correction. */
#include <math.h>

#include "measures/spatial/spatial_common.h"
#include "spatial/spatial_internal.h"

#define DECAY_R_CAP 1024
#define DECAY_PAIRWISE_MAX 2048

/* The offset radius of the table: where exp(-d) < 2^-60 exp(-d00). */
static int32_t table_radius(const ig__cells *c, double d00)
{
    double rt = floor((d00 + 60.0 * log(2.0)) / c->cell_km);
    int64_t rmin = INT32_MAX, rmax = INT32_MIN, cmin = INT32_MAX,
            cmax = INT32_MIN;
    for (size_t i = 0; i < c->n; i++) {
        if (c->row[i] < rmin) rmin = c->row[i];
        if (c->row[i] > rmax) rmax = c->row[i];
        if (c->col[i] < cmin) cmin = c->col[i];
        if (c->col[i] > cmax) cmax = c->col[i];
    }
    int64_t ext = rmax - rmin > cmax - cmin ? rmax - rmin : cmax - cmin;
    if (c->n == 0) ext = 0;
    double r = rt < (double)ext ? rt : (double)ext;
    if (r > DECAY_R_CAP) r = DECAY_R_CAP;
    return r > 0.0 ? (int32_t)r : 0;
}

static double offset_weight(double cell_km, int64_t dr, int64_t dc)
{
    return exp(-cell_km * sqrt((double)(dr * dr + dc * dc)));
}

static ig_status sums_pairwise(const ig__min *in, const ig__cells *c,
                               const double *self, int32_t R, int nq,
                               double *out)
{
    size_t n = c->n;
    ig_ksum *acc = ig__calloc(in->ctx, 4 * (n ? n : 1), sizeof *acc);
    if (!acc) return IG_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        double vi[4] = {c->x[i], c->t[i] - c->x[i], c->t[i], 1.0};
        for (int q = 0; q < nq; q++)
            ig_ksum_add(&acc[(size_t)q * n + i], self[i] * vi[q]);
        for (size_t j = i + 1; j < n; j++) {
            int64_t dr = (int64_t)c->row[j] - c->row[i];
            int64_t dc = (int64_t)c->col[j] - c->col[i];
            if (dr > R || dr < -R || dc > R || dc < -R) continue;
            double w = offset_weight(c->cell_km, dr, dc);
            double vj[4] = {c->x[j], c->t[j] - c->x[j], c->t[j], 1.0};
            for (int q = 0; q < nq; q++) {
                ig_ksum_add(&acc[(size_t)q * n + i], w * vj[q]);
                ig_ksum_add(&acc[(size_t)q * n + j], w * vi[q]);
            }
        }
    }
    for (size_t k = 0; k < (size_t)nq * n; k++) out[k] = ig_ksum_value(&acc[k]);
    ig__free(in->ctx, acc, 4 * (n ? n : 1) * sizeof *acc);
    return IG_OK;
}

static ig_status sums_focal(const ig__min *in, const ig__cells *c,
                            const double *self, double w00, int32_t R, int nq,
                            double *out)
{
    ig_ctx *ctx = in->ctx;
    size_t n = c->n, side = 2 * (size_t)R + 1;
    ig__ktable kt = {0, 0, NULL};
    ig_status st = ig__ktable_alloc(ctx, R, &kt);
    if (st != IG_OK) return st;
    double *y = ig__calloc(ctx, n ? n : 1, sizeof *y);
    double *ones = ig__calloc(ctx, n ? n : 1, sizeof *ones);
    double *tmp = ig__calloc(ctx, 4 * (n ? n : 1), sizeof *tmp);
    if (!y || !ones || !tmp) {
        st = IG_ERR_NOMEM;
        goto done;
    }
    for (int32_t dr = 0; dr <= R; dr++) {
        for (int32_t dc = 0; dc <= dr; dc++) {
            double w =
                dr == 0 && dc == 0 ? w00 : offset_weight(c->cell_km, dr, dc);
            int32_t a[2] = {dr, dc};
            for (int s = 0; s < 8; s++) {
                int32_t u = a[s >> 2 & 1], v = a[!(s >> 2 & 1)];
                if (s & 1) u = -u;
                if (s & 2) v = -v;
                kt.w[(size_t)(u + R) * side + (size_t)(v + R)] = w;
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        y[i] = c->t[i] - c->x[i];
        ones[i] = 1.0;
    }
    const double *cols[3] = {c->x, y, ones};
    size_t ng = nq == 4 ? 3 : 2;
    ig_lattice lat = {n,    c->row,    c->col, ng, (const double *const *)cols,
                      c->t, in->cell_m};
    st = ig__focal_table(ctx, &lat, n, c->row, c->col, &kt, tmp, in->err);
    if (st != IG_OK) goto done;
    /* focal output: groups (x, y[, ones]) then the population (t) */
    for (size_t i = 0; i < n; i++) {
        double corr = self[i] - w00;
        out[i] = tmp[i] + corr * c->x[i];
        out[n + i] = tmp[n + i] + corr * y[i];
        out[2 * n + i] = tmp[ng * n + i] + corr * c->t[i];
        if (nq == 4) out[3 * n + i] = tmp[2 * n + i] + corr;
    }
done:
    ig__ktable_free(ctx, &kt);
    ig__free(ctx, y, (n ? n : 1) * sizeof *y);
    ig__free(ctx, ones, (n ? n : 1) * sizeof *ones);
    ig__free(ctx, tmp, 4 * (n ? n : 1) * sizeof *tmp);
    return st;
}

ig_status ig__decay_sums(const ig__min *in, const ig__cells *c, int want_ones,
                         int path, double *out)
{
    double alpha = in->p->decay_alpha, beta = in->p->decay_beta;
    size_t n = c->n;
    int nq = want_ones ? 4 : 3;
    double full = c->cell_km * c->cell_km;
    double w00 = exp(-pow(alpha * full, beta));
    double *self = ig__calloc(in->ctx, n ? n : 1, sizeof *self);
    if (!self) return IG_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        self[i] = c->a[i] == full ? w00 : exp(-pow(alpha * c->a[i], beta));
    int32_t R = table_radius(c, pow(alpha * full, beta));
    if (path == 0) path = n <= DECAY_PAIRWISE_MAX ? 1 : 2;
    ig_status st = path == 1 ? sums_pairwise(in, c, self, R, nq, out)
                             : sums_focal(in, c, self, w00, R, nq, out);
    ig__free(in->ctx, self, (n ? n : 1) * sizeof *self);
    return st;
}

/* Cells and their sums for one measure; freed by release(). */
typedef struct decay_in {
    ig__cells c;
    double *f; /* 4 * n: F_x, F_y, F_t, F_1 */
    ig__single s;
} decay_in;

static void release(const ig__min *in, decay_in *d)
{
    ig__free(in->ctx, d->f, 4 * (d->c.n ? d->c.n : 1) * sizeof *d->f);
    ig__cells_free(in->ctx, &d->c);
}

static ig_status prepare(const ig__min *in, const char *name, int allow_whole,
                         int want_ones, decay_in *d)
{
    d->f = NULL;
    ig_status st = ig__single_setup(in, name, allow_whole, &d->s);
    if (st != IG_OK) return st;
    st = ig__cells_build(in, name, &d->c);
    if (st != IG_OK) return st;
    size_t n = d->c.n;
    d->f = ig__calloc(in->ctx, 4 * (n ? n : 1), sizeof *d->f);
    st = d->f ? ig__decay_sums(in, &d->c, want_ones, 0, d->f) : IG_ERR_NOMEM;
    if (st == IG_ERR_NOMEM) {
        st = ig__error_set(in->err, IG_ERR_NOMEM, 0, 0, "%s: out of memory",
                           name);
    } else if (st == IG_ERR_DISABLED) {
        st = ig__error_set(in->err, IG_ERR_DISABLED, 0, 0,
                           "%s: places of more than %d cells need the focal "
                           "sums of the neighbourhood engine, which this "
                           "build does not have yet",
                           name, DECAY_PAIRWISE_MAX);
    }
    if (st != IG_OK) release(in, d);
    return st;
}

/* sum_i v_i F_q(i) over the cells, compensated. */
static double dot(const decay_in *d, const double *v, int q, int rest)
{
    const ig__cells *c = &d->c;
    const double *f = d->f + (size_t)q * c->n;
    ig_ksum k;
    ig_ksum_init(&k);
    for (size_t i = 0; i < c->n; i++) {
        double vi = rest ? c->t[i] - c->x[i] : v[i];
        ig_ksum_add(&k, vi * f[i]);
    }
    return ig_ksum_value(&k);
}

ig_status ig__m_spatial_proximity(const ig__min *in, double *value)
{
    decay_in d;
    ig_status st = prepare(in, "spatial_proximity", 0, 0, &d);
    if (st != IG_OK) return st;
    const ig__cells *c = &d.c;
    /* SP = (X Pxx + Y Pyy) / (T Ptt), Pxx = sum x_i x_j c_ij / X^2 */
    double sxx = dot(&d, c->x, 0, 0), syy = dot(&d, NULL, 1, 1),
           stt = dot(&d, c->t, 2, 0);
    *value = (sxx / c->X + syy / c->Y) / (stt / c->T);
    release(in, &d);
    return IG_OK;
}

ig_status ig__m_absolute_clustering(const ig__min *in, double *value)
{
    const char *name = "absolute_clustering";
    decay_in d;
    ig_status st = prepare(in, name, 0, 1, &d);
    if (st != IG_OK) return st;
    const ig__cells *c = &d.c;
    double n = (double)c->n;
    ig_ksum k1;
    ig_ksum_init(&k1);
    for (size_t i = 0; i < c->n; i++) ig_ksum_add(&k1, d.f[3 * c->n + i]);
    double expect = c->X / (n * n) * ig_ksum_value(&k1);
    double num = dot(&d, c->x, 0, 0) / c->X - expect;
    double den = dot(&d, c->x, 2, 0) / c->X - expect;
    if (!(den != 0.0))
        st = ig__error_set(in->err, IG_ERR_NUMERIC, 0, 0,
                           "%s: undefined: the group's proximity to the "
                           "whole population equals its expectation under "
                           "an even spread (0/0)",
                           name);
    else
        *value = num / den;
    release(in, &d);
    return st;
}

ig_status ig__m_relative_clustering(const ig__min *in, double *value)
{
    decay_in d;
    ig_status st = prepare(in, "relative_clustering", 0, 0, &d);
    if (st != IG_OK) return st;
    const ig__cells *c = &d.c;
    double pxx = dot(&d, c->x, 0, 0) / (c->X * c->X);
    double pyy = dot(&d, NULL, 1, 1) / (c->Y * c->Y);
    *value = pxx / pyy - 1.0;
    release(in, &d);
    return IG_OK;
}

/* DPxx (q = 0) or DPxy (q = 1): sum_i (x_i / X) F_q(i) / F_t(i). */
static ig_status decay_exposure(const ig__min *in, const char *name, int q,
                                double *value)
{
    decay_in d;
    ig_status st = prepare(in, name, 1, 0, &d);
    if (st != IG_OK) return st;
    const ig__cells *c = &d.c;
    size_t n = c->n;
    ig_ksum k;
    ig_ksum_init(&k);
    for (size_t i = 0; i < n; i++) {
        if (!(c->x[i] > 0.0)) continue;
        double ft = d.f[2 * n + i]; /* >= c_ii t_i > 0 */
        ig_ksum_add(&k, c->x[i] / c->X * (d.f[(size_t)q * n + i] / ft));
    }
    *value = ig_ksum_value(&k);
    release(in, &d);
    return IG_OK;
}

ig_status ig__m_distance_decay_isolation(const ig__min *in, double *value)
{
    return decay_exposure(in, "distance_decay_isolation", 0, value);
}

ig_status ig__m_distance_decay_exposure(const ig__min *in, double *value)
{
    return decay_exposure(in, "distance_decay_exposure", 1, value);
}
