/* Comparison of two grids place by place (ig_compare_grids).
 *
 * Places are matched by name, groups by name (B's columns are mapped onto
 * A's order), and cells inside a place by INSPIRE position (row, col) or,
 * for aspatial grids, by unit name. Counts are rounded to whole residents
 * for the draws, laid out over categories (the groups, plus the residents
 * outside them when both grids have a total). Each replicate draws both
 * grids, computes every (measure, group) item on both and stores B - A:
 *  - bootstrap r, stream (seed, r): residents within cells of A, then of B
 *    (multinomial on each cell's own composition), as ig_infer_units does;
 *  - permutation r, stream (seed, PERM_STREAM + r): the residents of a
 *    cell present in both grids are pooled and split again between A and
 *    B keeping both cell totals (multivariate hypergeometric); cells in one
 *    grid only keep their counts. This is the null "in every cell, A's and
 *    B's residents come from one composition".
 * Replicates run in parallel and write only their own slots; summaries
 * read the slots in index order, so the thread count does not matter. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "core/rng.h"
#include "infer/infer_impl.h"
#include "integrid/ig_compare.h"
#include "measures/measure_impl.h"

/* Permutation streams start here, away from the bootstrap's and from the
 * null streams of infer.c (2^40). */
#define PERM_STREAM (UINT64_C(1) << 41)

struct ig_compare_result {
    ig_ctx *ctx;
    ig_compare_row *rows;
    size_t n_rows, cap;
    char **names; /* place names, one per place of A */
    size_t n_names;
    int partial;  /* stopped before every place was compared */
};

void ig_compare_opts_init(ig_compare_opts *o)
{
    if (!o) return;
    memset(o, 0, sizeof *o);
    ig_measure_params_init(&o->params);
    o->reps = 999;
    o->seed = 1;
    o->level = 0.95;
}

/* (measure, group) pairs: one per group for single-group measures. */
typedef struct item {
    const ig_measure_info *m;
    long group;
} item;

/* One grid's share of a place: raw counts for the values, whole
 * residents per category for the draws. */
typedef struct side {
    size_t n;
    double *block;         /* (ng + 1) * n: groups (A's order), total */
    const double **counts; /* ng */
    uint64_t *cnt;         /* n * nc */
    double *pw;            /* n * nc */
    uint64_t *ctot;        /* n */
    int32_t *rc;           /* 2 * n: rows, then columns; NULL aspatial */
    ig_units u;
} side;

typedef struct job {
    ig_ctx *ctx;
    const ig_measure_params *p;
    const item *items;
    const ig_measure_info **ms; /* n_items: the items as rows of */
    size_t *grps;               /* ig__measures_eval */
    size_t n_items, ng, nc, reps;
    int has_other;
    uint64_t seed;
    side a, b;
    size_t *match; /* per cell of A: its cell in B, or SIZE_MAX */
    uint8_t *matched_b;
    double *out;   /* 2 * reps * n_items: boot, then perm; item-major */
    /* progress and stop (shared by the places' jobs) */
    const ig_compare_opts *o;
    pthread_mutex_t *mu;
    atomic_int *stop;
    atomic_size_t *done;
    size_t total;
} job;

static uint64_t whole(double x)
{
    if (!(x > 0.0)) return 0;
    if (x > 9007199254740992.0) x = 9007199254740992.0;
    return (uint64_t)floor(x + 0.5);
}

static void side_free(ig_ctx *ctx, side *s, size_t ng, size_t nc)
{
    size_t n = s->n ? s->n : 1;
    ig__free(ctx, s->block, (ng + 1) * n * sizeof *s->block);
    ig__free(ctx, (void *)s->counts, (ng ? ng : 1) * sizeof *s->counts);
    ig__free(ctx, s->cnt, n * nc * sizeof *s->cnt);
    ig__free(ctx, s->pw, n * nc * sizeof *s->pw);
    ig__free(ctx, s->ctot, n * sizeof *s->ctot);
    ig__free(ctx, s->rc, 2 * n * sizeof *s->rc);
    memset(s, 0, sizeof *s);
}

/* Copy place @p p of grid @p g; gmap[q] is g's column of A's group q
 * (NULL: the same column). */
static ig_status side_build(ig_ctx *ctx, const ig_grid *g, size_t p,
                            const size_t *gmap, size_t ng, int has_other,
                            int na_as_zero, side *s, size_t **cells)
{
    size_t first = 0, count = 0, nc = ng + (has_other ? 1 : 0);
    ig_status st = ig_grid_place_range(g, p, &first, &count);
    if (st != IG_OK) return st;
    const uint8_t *na = na_as_zero ? NULL : ig_grid_na_any(g);
    size_t n = 0;
    for (size_t i = 0; i < count; i++)
        if (!na || !na[first + i]) n++;
    size_t n1 = n ? n : 1;
    memset(s, 0, sizeof *s);
    s->n = n;
    s->block = ig__calloc(ctx, (ng + 1) * n1, sizeof *s->block);
    s->counts = ig__calloc(ctx, ng ? ng : 1, sizeof *s->counts);
    s->cnt = ig__calloc(ctx, n1 * nc, sizeof *s->cnt);
    s->pw = ig__calloc(ctx, n1 * nc, sizeof *s->pw);
    s->ctot = ig__calloc(ctx, n1, sizeof *s->ctot);
    const int32_t *grow = ig_grid_rows(g), *gcol = ig_grid_cols(g);
    if (grow && gcol) s->rc = ig__calloc(ctx, 2 * n1, sizeof *s->rc);
    *cells = ig__calloc(ctx, n1, sizeof **cells);
    if (!s->block || !s->counts || !s->cnt || !s->pw || !s->ctot || !*cells ||
        (grow && gcol && !s->rc)) {
        side_free(ctx, s, ng, nc);
        ig__free(ctx, *cells, n1 * sizeof **cells);
        *cells = NULL;
        return IG_ERR_NOMEM;
    }
    const double *tot = ig_grid_totals(g);
    size_t k = 0;
    for (size_t i = first; i < first + count; i++) {
        if (na && na[i]) continue;
        uint64_t sum = 0;
        for (size_t q = 0; q < ng; q++) {
            double x = ig_grid_counts(g, gmap ? gmap[q] : q)[i];
            s->block[q * n1 + k] = x;
            uint64_t w = whole(x);
            s->cnt[k * nc + q] = w;
            sum += w;
        }
        if (has_other) {
            s->block[ng * n1 + k] = tot[i];
            uint64_t t = whole(tot[i]);
            s->cnt[k * nc + ng] = t > sum ? t - sum : 0;
            sum = t > sum ? t : sum;
        }
        s->ctot[k] = sum;
        for (size_t c = 0; c < nc; c++)
            s->pw[k * nc + c] = (double)s->cnt[k * nc + c];
        if (s->rc) {
            s->rc[k] = grow[i];
            s->rc[n1 + k] = gcol[i];
        }
        (*cells)[k] = i;
        k++;
    }
    for (size_t q = 0; q < ng; q++) s->counts[q] = s->block + q * n1;
    s->u.n_units = n;
    s->u.n_groups = ng;
    s->u.counts = s->counts;
    s->u.total = has_other ? s->block + ng * n1 : NULL;
    s->u.cell_m = ig_grid_cell_size_m(g);
    if (s->rc) {
        s->u.row = s->rc;
        s->u.col = s->rc + n1;
    }
    return IG_OK;
}

/* A cell's identity for matching: lattice position, else unit name. */
typedef struct key {
    int64_t pos;
    const char *name;
    size_t idx;
} key;

static int cmp_key(const void *x, const void *y)
{
    const key *a = x, *b = y;
    if (a->pos != b->pos) return a->pos < b->pos ? -1 : 1;
    if (a->name && b->name) return strcmp(a->name, b->name);
    return (a->name != NULL) - (b->name != NULL);
}

static key cell_key(const ig_grid *g, size_t cell, size_t idx)
{
    key k = {0, NULL, idx};
    const int32_t *r = ig_grid_rows(g), *c = ig_grid_cols(g);
    if (r && c)
        k.pos = (int64_t)r[cell] * INT64_C(4294967296) + (int64_t)c[cell];
    else
        k.name = ig_grid_unit_name(g, cell);
    return k;
}

/* Compute every item on the (replicate) units of A and B into slots
 * out[k * stride] as B - A, each side's items sharing one preparation
 * (ig__measures_eval; the same bits as ig_measure_compute). */
static ig_status eval_items(const job *j, const ig_units *ua,
                            const ig_units *ub, double *out, size_t stride)
{
    size_t n = j->n_items ? j->n_items : 1;
    double *va = ig__alloc(j->ctx, 2 * n * sizeof *va);
    ig_status *sa = ig__alloc(j->ctx, 2 * n * sizeof *sa);
    if (!va || !sa) {
        ig__free(j->ctx, va, 2 * n * sizeof *va);
        ig__free(j->ctx, sa, 2 * n * sizeof *sa);
        return IG_ERR_NOMEM;
    }
    double *vb = va + n;
    ig_status *sb = sa + n;
    ig_status st = ig__measures_eval(j->ctx, ua, j->ms, j->grps, j->n_items,
                                     j->p, NULL, va, sa);
    if (st == IG_OK)
        st = ig__measures_eval(j->ctx, ub, j->ms, j->grps, j->n_items, j->p,
                               NULL, vb, sb);
    for (size_t k = 0; st == IG_OK && k < j->n_items; k++) {
        ig_status s1 = sa[k] != IG_OK ? sa[k] : sb[k];
        if (s1 != IG_OK && s1 != IG_ERR_NUMERIC) st = s1;
        out[k * stride] = s1 == IG_OK ? vb[k] - va[k] : (double)NAN;
    }
    ig__free(j->ctx, va, 2 * n * sizeof *va);
    ig__free(j->ctx, sa, 2 * n * sizeof *sa);
    return st;
}

/* Write a cell's categories v[0..nc) as slot i of a replicate block. */
static void put_cell(const job *j, double *block, size_t n, size_t i,
                     const uint64_t *v)
{
    double tot = 0.0;
    for (size_t c = 0; c < j->nc; c++) {
        double x = (double)v[c];
        if (c < j->ng) block[c * n + i] = x;
        tot += x; /* whole numbers below 2^53: exact */
    }
    block[j->ng * n + i] = tot;
}

static ig_status replicate(void *ud, size_t r)
{
    job *j = ud;
    if (j->stop && atomic_load(j->stop)) return IG_ERR_CANCELLED;
    ig_ctx *ctx = j->ctx;
    size_t na = j->a.n ? j->a.n : 1, nb = j->b.n ? j->b.n : 1, nc = j->nc;
    size_t ng1 = j->ng ? j->ng : 1;
    double *ba = ig__calloc(ctx, (j->ng + 1) * na, sizeof *ba);
    double *bb = ig__calloc(ctx, (j->ng + 1) * nb, sizeof *bb);
    const double **ca = ig__calloc(ctx, ng1, sizeof *ca);
    const double **cb = ig__calloc(ctx, ng1, sizeof *cb);
    uint64_t *buf = ig__calloc(ctx, 3 * nc, sizeof *buf);
    ig_status st = IG_ERR_NOMEM;
    if (!ba || !bb || !ca || !cb || !buf) goto done;
    ig_rng rng;
    uint64_t *draw = buf, *pool = buf + nc, *rest = buf + 2 * nc;
    int perm = r >= j->reps;
    size_t rep = perm ? r - j->reps : r;
    ig__rng_init(&rng, j->seed, perm ? PERM_STREAM + rep : rep);
    if (!perm) {
        for (size_t i = 0; i < j->a.n; i++) {
            ig__rng_multinomial(&rng, j->a.ctot[i], j->a.pw + i * nc, nc, draw);
            put_cell(j, ba, na, i, draw);
        }
        for (size_t i = 0; i < j->b.n; i++) {
            ig__rng_multinomial(&rng, j->b.ctot[i], j->b.pw + i * nc, nc, draw);
            put_cell(j, bb, nb, i, draw);
        }
    } else {
        for (size_t i = 0; i < j->b.n; i++)
            if (!j->matched_b[i]) put_cell(j, bb, nb, i, j->b.cnt + i * nc);
        for (size_t i = 0; i < j->a.n; i++) {
            size_t m = j->match[i];
            if (m == SIZE_MAX) {
                put_cell(j, ba, na, i, j->a.cnt + i * nc);
                continue;
            }
            uint64_t left = 0;
            for (size_t c = 0; c < nc; c++) {
                pool[c] = j->a.cnt[i * nc + c] + j->b.cnt[m * nc + c];
                left += pool[c];
            }
            ig__infer_mvhyper(&rng, j->a.ctot[i], pool, nc, &left, draw);
            for (size_t c = 0; c < nc; c++) rest[c] = pool[c];
            put_cell(j, ba, na, i, draw);
            put_cell(j, bb, nb, m, rest);
        }
    }
    for (size_t q = 0; q < j->ng; q++) {
        ca[q] = ba + q * na;
        cb[q] = bb + q * nb;
    }
    ig_units ua = j->a.u, ub = j->b.u;
    ua.counts = ca;
    ub.counts = cb;
    ua.total = j->has_other ? ba + j->ng * na : NULL;
    ub.total = j->has_other ? bb + j->ng * nb : NULL;
    st = eval_items(j, &ua, &ub, j->out + r, 2 * j->reps);
    if (st == IG_OK && j->o && j->o->progress) {
        size_t d = atomic_fetch_add(j->done, 1) + 1;
        pthread_mutex_lock(j->mu);
        int halt = j->o->progress(j->o->progress_ud, (uint64_t)d,
                                  (uint64_t)j->total);
        pthread_mutex_unlock(j->mu);
        if (halt) atomic_store(j->stop, 1);
    }
done:
    ig__free(ctx, ba, (j->ng + 1) * na * sizeof *ba);
    ig__free(ctx, bb, (j->ng + 1) * nb * sizeof *bb);
    ig__free(ctx, (void *)ca, ng1 * sizeof *ca);
    ig__free(ctx, (void *)cb, ng1 * sizeof *cb);
    ig__free(ctx, buf, 3 * nc * sizeof *buf);
    return st;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* Append ", name" (or "name" first) to buf; what does not fit is cut. */
static void list_add(char *buf, size_t cap, size_t *len, const char *name)
{
    if (*len + 1 >= cap) return;
    int w = snprintf(buf + *len, cap - *len, "%s%s", *len ? ", " : "", name);
    if (w > 0) *len += (size_t)w < cap - *len ? (size_t)w : cap - *len - 1;
}

static ig_status check_grids(const ig_grid *a, const ig_grid *b,
                             size_t *gmap, ig_error *err)
{
    if (ig_grid_crs_epsg(a) != ig_grid_crs_epsg(b))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "compare: the grids are in different CRS "
                             "(A: EPSG:%ld, B: EPSG:%ld); reproject one so "
                             "both use the same",
                             (long)ig_grid_crs_epsg(a),
                             (long)ig_grid_crs_epsg(b));
    if (ig_grid_cell_size_m(a) != ig_grid_cell_size_m(b))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "compare: the grids have different cell sizes "
                             "(A: %ld m, B: %ld m) after aggregation",
                             (long)ig_grid_cell_size_m(a),
                             (long)ig_grid_cell_size_m(b));
    size_t na = ig_grid_ngroups(a), nb = ig_grid_ngroups(b);
    char only_a[200] = "", only_b[200] = "";
    size_t la = 0, lb = 0;
    int bad = na != nb;
    for (size_t q = 0; q < na; q++) {
        const char *nm = ig_grid_group_name(a, q);
        gmap[q] = ig_grid_group_index(b, nm);
        if (gmap[q] == (size_t)-1 || gmap[q] >= nb) {
            bad = 1;
            list_add(only_a, sizeof only_a, &la, nm);
        }
    }
    for (size_t q = 0; q < nb; q++) {
        const char *nm = ig_grid_group_name(b, q);
        size_t x = ig_grid_group_index(a, nm);
        if (x == (size_t)-1 || x >= na) {
            bad = 1;
            list_add(only_b, sizeof only_b, &lb, nm);
        }
    }
    if (bad)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "compare: the grids have different groups "
                             "(only in A: %s; only in B: %s); read both "
                             "with the same --groups",
                             la ? only_a : "none", lb ? only_b : "none");
    return IG_OK;
}

static ig_status make_items(ig_ctx *ctx, const ig_compare_opts *o, size_t ng,
                            int aspatial, item **out, size_t *n_out,
                            ig_error *err)
{
    size_t nm = o->n_measures && o->measures ? o->n_measures
                                             : ig_measure_count();
    item *it = ig__calloc(ctx, nm * (ng ? ng : 1) + 1, sizeof *it);
    if (!it) return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < nm; i++) {
        const ig_measure_info *m;
        if (o->n_measures && o->measures) {
            m = ig_measure_find(o->measures[i]);
            if (!m) {
                ig__free(ctx, it, (nm * (ng ? ng : 1) + 1) * sizeof *it);
                return ig__error_set(err, IG_ERR_NOT_FOUND, 0, 0,
                                     "compare: unknown measure '%s'",
                                     o->measures[i]);
            }
            if ((m->flags & (IG_MF_SPATIAL | IG_MF_SCALE)) && aspatial) {
                ig__free(ctx, it, (nm * (ng ? ng : 1) + 1) * sizeof *it);
                return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                     "compare: %s is a spatial measure and "
                                     "the grids have no cell positions "
                                     "(--long units); compare them with "
                                     "aspatial measures",
                                     m->name);
            }
        } else {
            m = ig_measure_get(i);
            if (!m || (m->flags & (IG_MF_SPATIAL | IG_MF_SIMULATED))) continue;
        }
        if (m->family == IG_FAM_SINGLE)
            for (size_t q = 0; q < ng; q++) it[n++] = (item){m, (long)q};
        else
            it[n++] = (item){m, -1};
    }
    *out = it;
    *n_out = n;
    return IG_OK;
}

static void job_free(job *j)
{
    size_t na = j->a.n ? j->a.n : 1, nb = j->b.n ? j->b.n : 1;
    side_free(j->ctx, &j->a, j->ng, j->nc);
    side_free(j->ctx, &j->b, j->ng, j->nc);
    ig__free(j->ctx, j->match, na * sizeof *j->match);
    ig__free(j->ctx, j->matched_b, nb * sizeof *j->matched_b);
    ig__free(j->ctx, j->out, 2 * j->reps * (j->n_items ? j->n_items : 1) *
                                 sizeof *j->out);
    j->match = NULL;
    j->matched_b = NULL;
    j->out = NULL;
}

/* Match cells of A to cells of B. */
static ig_status match_cells(job *j, const ig_grid *a, const ig_grid *b,
                             const size_t *cells_a, const size_t *cells_b)
{
    ig_ctx *ctx = j->ctx;
    size_t na = j->a.n ? j->a.n : 1, nb = j->b.n ? j->b.n : 1;
    j->match = ig__calloc(ctx, na, sizeof *j->match);
    j->matched_b = ig__calloc(ctx, nb, sizeof *j->matched_b);
    key *kb = ig__calloc(ctx, nb, sizeof *kb);
    if (!j->match || !j->matched_b || !kb) {
        ig__free(ctx, kb, nb * sizeof *kb);
        return IG_ERR_NOMEM;
    }
    for (size_t i = 0; i < j->b.n; i++) kb[i] = cell_key(b, cells_b[i], i);
    qsort(kb, j->b.n, sizeof *kb, cmp_key);
    for (size_t i = 0; i < j->a.n; i++) {
        key k = cell_key(a, cells_a[i], i);
        const key *f = j->b.n ? bsearch(&k, kb, j->b.n, sizeof *kb, cmp_key)
                              : NULL;
        /* a cell listed twice in B (aspatial duplicates) pairs once */
        if (f && !j->matched_b[f->idx]) {
            j->match[i] = f->idx;
            j->matched_b[f->idx] = 1;
        } else {
            j->match[i] = SIZE_MAX;
        }
    }
    ig__free(ctx, kb, nb * sizeof *kb);
    return IG_OK;
}

static ig_status add_rows(ig_compare_result *res, job *j, const char *place,
                          double level)
{
    size_t reps = j->reps, stride = 2 * reps;
    for (size_t k = 0; k < j->n_items; k++) {
        const item *it = &j->items[k];
        size_t grp = it->group >= 0 ? (size_t)it->group : 0;
        ig_compare_row row;
        memset(&row, 0, sizeof row);
        row.place = place;
        row.measure = it->m;
        row.group = it->group;
        double va = (double)NAN, vb = (double)NAN;
        ig_status st = ig_measure_compute(j->ctx, it->m, &j->a.u, grp, j->p,
                                          &va, NULL);
        if (st != IG_OK && st != IG_ERR_NUMERIC) return st;
        st = ig_measure_compute(j->ctx, it->m, &j->b.u, grp, j->p, &vb, NULL);
        if (st != IG_OK && st != IG_ERR_NUMERIC) return st;
        row.value_a = isfinite(va) ? va : (double)NAN;
        row.value_b = isfinite(vb) ? vb : (double)NAN;
        row.difference = row.value_b - row.value_a;
        row.ci_low = row.ci_high = row.p_value = (double)NAN;
        double *boot = j->out + k * stride, *perm = boot + reps;
        size_t nb = 0;
        for (size_t r = 0; r < reps; r++)
            if (isfinite(boot[r])) boot[nb++] = boot[r];
        qsort(boot, nb, sizeof *boot, cmp_double);
        row.n_boot = (int)nb;
        if (nb >= 2 && isfinite(row.difference)) {
            double alpha = 1.0 - level;
            row.ci_low = ig__infer_quantile(boot, nb, alpha / 2.0);
            row.ci_high = ig__infer_quantile(boot, nb, 1.0 - alpha / 2.0);
        }
        size_t np = 0, hits = 0;
        double d = fabs(row.difference);
        for (size_t r = 0; r < reps; r++) {
            if (!isfinite(perm[r])) continue;
            np++;
            /* relative slack: a draw equal to d up to rounding counts */
            if (fabs(perm[r]) >= d - 1e-12 * d) hits++;
        }
        row.n_perm = (int)np;
        if (np >= 1 && isfinite(row.difference))
            row.p_value = (1.0 + (double)hits) / (1.0 + (double)np);
        if (ig__grow(res->ctx, (void **)&res->rows, &res->cap, res->n_rows + 1,
                     sizeof *res->rows) != IG_OK)
            return IG_ERR_NOMEM;
        res->rows[res->n_rows++] = row;
    }
    return IG_OK;
}

/* Place of B called @p name, or SIZE_MAX. */
static size_t find_place(const ig_grid *b, const char *name)
{
    for (size_t p = 0; p < ig_grid_nplaces(b); p++) {
        const char *nm = ig_grid_place_name(b, p);
        if (nm && name && strcmp(nm, name) == 0) return p;
    }
    return SIZE_MAX;
}

ig_status ig_compare_grids(ig_ctx *ctx, const ig_grid *a, const ig_grid *b,
                           const ig_compare_opts *o, ig_compare_result **out,
                           ig_error *err)
{
    if (!a || !b || !out)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "compare: both grids and out are required");
    *out = NULL;
    ig_compare_opts def;
    if (!o) {
        ig_compare_opts_init(&def);
        o = &def;
    }
    if (o->reps < 1)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "compare: reps must be at least 1 (got %d)",
                             o->reps);
    if (!(o->level > 0.0 && o->level < 1.0))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "compare: level must be between 0 and 1 "
                             "exclusive (got %g)",
                             o->level);
    /* different resolutions: the finer grid is aggregated to the coarser
     * one, which must be a whole multiple of it (as `change` does) */
    int32_t sa = ig_grid_cell_size_m(a), sb = ig_grid_cell_size_m(b);
    ig_grid *agg = NULL;
    if ((sa == 0) != (sb == 0))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "compare: A is %s but B is %s; compare grid "
                             "with grid, or units (--long) with units",
                             sa ? "a grid of cells" : "a table of units",
                             sb ? "a grid of cells" : "a table of units");
    if (sa && sb && sa != sb) {
        if (ig_grid_crs_epsg(a) != ig_grid_crs_epsg(b))
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "compare: the grids are in different CRS "
                                 "(A: EPSG:%ld, B: EPSG:%ld); reproject one "
                                 "so both use the same",
                                 (long)ig_grid_crs_epsg(a),
                                 (long)ig_grid_crs_epsg(b));
        int32_t coarse = sa > sb ? sa : sb, fine = sa > sb ? sb : sa;
        if (coarse % fine != 0)
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "compare: the cell sizes %d m (A) and %d m "
                                 "(B) do not nest: %d is not a multiple of "
                                 "%d; aggregate both to a common size first",
                                 (int)sa, (int)sb, (int)coarse, (int)fine);
        ig_status sta = ig_grid_aggregate(ctx, sa < sb ? a : b, coarse, &agg,
                                          NULL, err);
        if (sta != IG_OK) return sta;
        if (sa < sb)
            a = agg;
        else
            b = agg;
    }
    size_t ng = ig_grid_ngroups(a);
    size_t *gmap = ig__calloc(ctx, ng ? ng : 1, sizeof *gmap);
    if (!gmap) {
        ig_grid_destroy(agg);
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    }
    ig_status st = check_grids(a, b, gmap, err);
    item *items = NULL;
    size_t n_items = 0;
    if (st == IG_OK)
        st = make_items(ctx, o, ng, ig_grid_rows(a) == NULL, &items, &n_items,
                        err);
    if (st != IG_OK) {
        ig__free(ctx, gmap, (ng ? ng : 1) * sizeof *gmap);
        ig_grid_destroy(agg);
        return st;
    }
    size_t items_cap = (o->n_measures && o->measures ? o->n_measures
                                                     : ig_measure_count()) *
                           (ng ? ng : 1) + 1;
    size_t ni1 = n_items ? n_items : 1;
    const ig_measure_info **ims = ig__calloc(ctx, ni1, sizeof *ims);
    size_t *igr = ig__calloc(ctx, ni1, sizeof *igr);
    for (size_t k = 0; ims && igr && k < n_items; k++) {
        ims[k] = items[k].m;
        igr[k] = items[k].group >= 0 ? (size_t)items[k].group : 0;
    }
    ig_compare_result *res =
        ims && igr ? ig__calloc(ctx, 1, sizeof *res) : NULL;
    size_t np = ig_grid_nplaces(a);
    if (res) {
        res->ctx = ctx;
        res->names = ig__calloc(ctx, np ? np : 1, sizeof *res->names);
    }
    if (!res || !res->names) {
        st = IG_ERR_NOMEM;
        goto done;
    }
    res->n_names = np;
    int has_other = ig_grid_has_total(a) && ig_grid_has_total(b);
    size_t common = 0;
    pthread_mutex_t mu;
    int mu_ok = pthread_mutex_init(&mu, NULL) == 0;
    if (!mu_ok) {
        st = IG_ERR_NOMEM;
        goto done;
    }
    atomic_int stop;
    atomic_size_t done_reps;
    atomic_init(&stop, 0);
    atomic_init(&done_reps, 0);
    size_t total = 0;
    for (size_t p = 0; p < np; p++)
        if (find_place(b, ig_grid_place_name(a, p)) != SIZE_MAX)
            total += 2 * (size_t)o->reps;
    for (size_t p = 0; p < np && st == IG_OK; p++) {
        const char *name = ig_grid_place_name(a, p);
        size_t pb = find_place(b, name);
        if (pb == SIZE_MAX) continue;
        common++;
        res->names[p] = ig__strdup(ctx, name ? name : "");
        if (!res->names[p]) {
            st = IG_ERR_NOMEM;
            break;
        }
        job j;
        memset(&j, 0, sizeof j);
        j.ctx = ctx;
        j.p = &o->params;
        j.items = items;
        j.ms = ims;
        j.grps = igr;
        j.n_items = n_items;
        j.ng = ng;
        j.has_other = has_other;
        j.nc = ng + (has_other ? 1 : 0);
        j.reps = (size_t)o->reps;
        j.seed = o->seed;
        j.o = o;
        j.mu = &mu;
        j.stop = &stop;
        j.done = &done_reps;
        j.total = total;
        size_t *cells_a = NULL, *cells_b = NULL;
        st = side_build(ctx, a, p, NULL, ng, has_other, o->na_as_zero, &j.a,
                        &cells_a);
        if (st == IG_OK)
            st = side_build(ctx, b, pb, gmap, ng, has_other, o->na_as_zero,
                            &j.b, &cells_b);
        if (st == IG_OK) st = match_cells(&j, a, b, cells_a, cells_b);
        if (st == IG_OK) {
            j.out = ig__calloc(ctx, 2 * j.reps * (n_items ? n_items : 1),
                               sizeof *j.out);
            if (!j.out) st = IG_ERR_NOMEM;
        }
        if (st == IG_OK) st = ig__parallel_for(ctx, 2 * j.reps, replicate, &j);
        if (st == IG_OK) st = add_rows(res, &j, res->names[p], o->level);
        ig__free(ctx, cells_a, (j.a.n ? j.a.n : 1) * sizeof *cells_a);
        ig__free(ctx, cells_b, (j.b.n ? j.b.n : 1) * sizeof *cells_b);
        job_free(&j);
    }
    pthread_mutex_destroy(&mu);
    if (st == IG_ERR_CANCELLED) {
        /* the places finished stay */
        res->partial = 1;
        ig__free(ctx, items, items_cap * sizeof *items);
        ig__free(ctx, gmap, (ng ? ng : 1) * sizeof *gmap);
        ig__free(ctx, (void *)ims, ni1 * sizeof *ims);
        ig__free(ctx, igr, ni1 * sizeof *igr);
        ig_grid_destroy(agg);
        *out = res;
        return ig__error_set(err, IG_ERR_CANCELLED, 0, 0, "cancelled");
    }
    if (st == IG_OK && common == 0)
        st = ig__error_set(err, IG_ERR_NOT_FOUND, 0, 0,
                           "compare: no place is in both grids (A's first: "
                           "'%s', B's first: '%s'); read both with the same "
                           "--by column",
                           np ? ig_grid_place_name(a, 0) : "",
                           ig_grid_nplaces(b) ? ig_grid_place_name(b, 0) : "");
done:
    ig__free(ctx, items, items_cap * sizeof *items);
    ig__free(ctx, gmap, (ng ? ng : 1) * sizeof *gmap);
    ig__free(ctx, (void *)ims, ni1 * sizeof *ims);
    ig__free(ctx, igr, ni1 * sizeof *igr);
    ig_grid_destroy(agg);
    if (st != IG_OK) {
        if (st == IG_ERR_NOMEM)
            ig__error_set(err, st, 0, 0, "out of memory");
        ig_compare_result_destroy(res);
        return st;
    }
    *out = res;
    return IG_OK;
}

int ig_compare_result_partial(const ig_compare_result *r)
{
    return r ? r->partial : 0;
}

size_t ig_compare_result_nrows(const ig_compare_result *r)
{
    return r ? r->n_rows : 0;
}

const ig_compare_row *ig_compare_result_row(const ig_compare_result *r,
                                            size_t i)
{
    if (!r || i >= r->n_rows) return NULL;
    return &r->rows[i];
}

void ig_compare_result_destroy(ig_compare_result *r)
{
    if (!r) return;
    for (size_t i = 0; r->names && i < r->n_names; i++)
        if (r->names[i])
            ig__free(r->ctx, r->names[i], strlen(r->names[i]) + 1);
    ig__free(r->ctx, r->names,
             (r->n_names ? r->n_names : 1) * sizeof *r->names);
    ig__free(r->ctx, r->rows, r->cap * sizeof *r->rows);
    ig__free(r->ctx, r, sizeof *r);
}
