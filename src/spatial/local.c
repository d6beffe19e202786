/* Local measures: the registry (local.def), the options, the result object
 * and ig_local_run(), which turns a grid (or one place of it) into the
 * plain arrays the per-cell computations take (local_compose.c,
 * local_stats.c).
 *
 * Targets are the place's cells, contiguous in the grid. Sources (the cells
 * neighbourhoods draw from) are the whole grid, a context grid, or the
 * place. A cell with a group not available gets no value and stays out of
 * the place's figures unless na_as_zero; as a source it still counts with
 * what is known of it (the missing group as 0), as in the registry's
 * spatial measures (measures/run.c), so that the dissimilarity
 * contributions add up to spatial_dissimilarity_multi. Only the Gi* and
 * LISA samples leave such cells out: their share is not known. Sources are
 * borrowed from the grid without copying when nothing is left out. Every
 * NaN in a result has a cell flag or a layer status saying why. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/ksum.h"
#include "spatial/local_impl.h"

/* ---- registry ----------------------------------------------------------- */

static const ig_local_info registry[] = {
#define IG_LOCAL(id, flags, range, summary, cite) \
    {#id, flags, range, summary, cite},
#include "spatial/local.def"
#undef IG_LOCAL
};

#define N_LOCAL (sizeof registry / sizeof registry[0])

size_t ig_local_count(void)
{
    return N_LOCAL;
}

const ig_local_info *ig_local_get(size_t i)
{
    return i < N_LOCAL ? &registry[i] : NULL;
}

const ig_local_info *ig_local_find(const char *name)
{
    if (!name) return NULL;
    for (size_t i = 0; i < N_LOCAL; i++)
        if (strcmp(registry[i].name, name) == 0) return &registry[i];
    return NULL;
}

ig__local_id ig__local_id_of(const ig_local_info *info)
{
    return (ig__local_id)(info - registry);
}

const char *ig_local_class_name(ig_local_class c)
{
    static const char *const names[IG_LCLASS_COUNT] = {
        "",        "ns",      "hot_99", "hot_95", "hot_90", "cold_99",
        "cold_95", "cold_90", "HH",     "LL",     "HL",     "LH"};
    if ((int)c < 0 || (int)c >= IG_LCLASS_COUNT) return "";
    return names[c];
}

const char *ig_local_flag_name(unsigned flags)
{
    if (flags & IG_LOCAL_FLAG_NA) return "not_available";
    if (flags & IG_LOCAL_FLAG_EMPTY) return "empty_neighbourhood";
    if (flags & IG_LOCAL_FLAG_NO_RESIDENTS) return "no_residents";
    if (flags & IG_LOCAL_FLAG_NO_NEIGHBOURS) return "no_neighbours";
    if (flags & IG_LOCAL_FLAG_FLAT) return "whole_sample";
    return "";
}

void ig_local_opts_init(ig_local_opts *o)
{
    memset(o, 0, sizeof *o);
    o->place = IG_LOCAL_ALL;
    o->scale.kernel = IG_KERNEL_DISC;
    o->scale.radius_m = 1000.0;
    o->scale.k = 0.0;
    o->edge = IG_EDGE_GRID;
    o->seed = 1;
    o->permutations = 999;
    o->fdr = 0.05;
    o->alpha = 0.05;
}

/* ---- result ----------------------------------------------------------------
 */

struct ig_local_result {
    ig_ctx *ctx;
    const ig_local_info *info;
    size_t n;
    size_t *cells;
    uint8_t *flags;
    size_t n_layers;
    ig_local_layer *layers;
    /* owned arrays behind the layers */
    double **val, **z, **p, **padj;
    uint8_t **cls;
    char **msg;
    double *reach; /* n: k scales, the distance the neighbourhood reaches */
};

const ig_local_info *ig_local_result_info(const ig_local_result *r)
{
    return r ? r->info : NULL;
}
size_t ig_local_result_ncells(const ig_local_result *r)
{
    return r ? r->n : 0;
}
const size_t *ig_local_result_cells(const ig_local_result *r)
{
    return r ? r->cells : NULL;
}
const double *ig_local_result_reach(const ig_local_result *r)
{
    return r ? r->reach : NULL;
}
const uint8_t *ig_local_result_flags(const ig_local_result *r)
{
    return r ? r->flags : NULL;
}
size_t ig_local_result_nlayers(const ig_local_result *r)
{
    return r ? r->n_layers : 0;
}
const ig_local_layer *ig_local_result_layer(const ig_local_result *r, size_t k)
{
    return r && k < r->n_layers ? &r->layers[k] : NULL;
}

static void free_arrays(ig_ctx *ctx, double **a, size_t L, size_t n)
{
    if (!a) return;
    for (size_t k = 0; k < L; k++) ig__free(ctx, a[k], n * sizeof *a[k]);
    ig__free(ctx, a, L * sizeof *a);
}

void ig_local_result_destroy(ig_local_result *r)
{
    if (!r) return;
    ig_ctx *ctx = r->ctx;
    size_t n = r->n ? r->n : 1, L = r->n_layers;
    ig__free(ctx, r->cells, n * sizeof *r->cells);
    ig__free(ctx, r->flags, n * sizeof *r->flags);
    ig__free(ctx, r->reach, n * sizeof *r->reach);
    free_arrays(ctx, r->val, L, n);
    free_arrays(ctx, r->z, L, n);
    free_arrays(ctx, r->p, L, n);
    free_arrays(ctx, r->padj, L, n);
    if (r->cls) {
        for (size_t k = 0; k < L; k++)
            ig__free(ctx, r->cls[k], n * sizeof *r->cls[k]);
        ig__free(ctx, r->cls, L * sizeof *r->cls);
    }
    if (r->msg) {
        for (size_t k = 0; k < L; k++)
            if (r->msg[k]) ig__free(ctx, r->msg[k], strlen(r->msg[k]) + 1);
        ig__free(ctx, r->msg, L * sizeof *r->msg);
    }
    ig__free(ctx, r->layers, L * sizeof *r->layers);
    ig__free(ctx, r, sizeof *r);
}

static double **alloc_arrays(ig_ctx *ctx, size_t L, size_t n)
{
    double **a = ig__calloc(ctx, L, sizeof *a);
    if (!a) return NULL;
    for (size_t k = 0; k < L; k++) {
        a[k] = ig__alloc(ctx, n * sizeof *a[k]);
        if (!a[k]) {
            free_arrays(ctx, a, L, n);
            return NULL;
        }
        for (size_t j = 0; j < n; j++) a[k][j] = NAN;
    }
    return a;
}

/* A result with n cells from first and L layers for the given groups
 * (NULL: one multigroup layer); values NaN, classes NONE. */
static ig_status result_new(ig_ctx *ctx, const ig_local_info *info,
                            const ig_grid *grid, size_t first, size_t n,
                            const size_t *groups, size_t L, int gi,
                            ig_local_result **out)
{
    ig_local_result *r = ig__calloc(ctx, 1, sizeof *r);
    if (!r) return IG_ERR_NOMEM;
    r->ctx = ctx;
    r->info = info;
    r->n = n;
    r->n_layers = L;
    size_t nc = n ? n : 1;
    int inf = (info->flags & IG_LOCAL_INFERENCE) != 0;
    r->cells = ig__alloc(ctx, nc * sizeof *r->cells);
    r->flags = ig__calloc(ctx, nc, sizeof *r->flags);
    r->layers = ig__calloc(ctx, L, sizeof *r->layers);
    r->msg = ig__calloc(ctx, L, sizeof *r->msg);
    r->val = alloc_arrays(ctx, L, nc);
    if (!r->cells || !r->flags || !r->layers || !r->msg || !r->val) goto nomem;
    if (inf) {
        r->z = alloc_arrays(ctx, L, nc);
        r->p = alloc_arrays(ctx, L, nc);
        r->cls = ig__calloc(ctx, L, sizeof *r->cls);
        if (!r->z || !r->p || !r->cls) goto nomem;
        for (size_t k = 0; k < L; k++) {
            r->cls[k] = ig__calloc(ctx, nc, sizeof *r->cls[k]);
            if (!r->cls[k]) goto nomem;
        }
        if (gi && !(r->padj = alloc_arrays(ctx, L, nc))) goto nomem;
    }
    for (size_t j = 0; j < n; j++) r->cells[j] = first + j;
    for (size_t k = 0; k < L; k++) {
        ig_local_layer *ly = &r->layers[k];
        ly->group = groups ? (long)groups[k] : -1;
        ly->group_name = groups ? ig_grid_group_name(grid, groups[k]) : NULL;
        ly->value = r->val[k];
        ly->z = inf ? r->z[k] : NULL;
        ly->p_value = inf ? r->p[k] : NULL;
        ly->p_adjusted = r->padj ? r->padj[k] : NULL;
        ly->cls = inf ? r->cls[k] : NULL;
        ly->status = IG_OK;
    }
    *out = r;
    return IG_OK;
nomem:
    ig_local_result_destroy(r);
    return IG_ERR_NOMEM;
}

/* Mark layer k undefined: every value NaN, status and message. */
static ig_status layer_undefined(ig_local_result *r, size_t k, const char *why)
{
    ig_local_layer *ly = &r->layers[k];
    for (size_t j = 0; j < r->n; j++) {
        r->val[k][j] = NAN;
        if (r->z) r->z[k][j] = NAN;
        if (r->p) r->p[k][j] = NAN;
        if (r->padj) r->padj[k][j] = NAN;
        if (r->cls) r->cls[k][j] = (uint8_t)IG_LCLASS_NONE;
    }
    ly->status = IG_ERR_NUMERIC;
    char buf[IG_ERROR_MSG_MAX + 64];
    if (ly->group_name)
        snprintf(buf, sizeof buf, "group '%s': %s", ly->group_name, why);
    else
        snprintf(buf, sizeof buf, "%s", why);
    r->msg[k] = ig__strdup(r->ctx, buf);
    if (!r->msg[k]) return IG_ERR_NOMEM;
    ly->message = r->msg[k];
    return IG_OK;
}

/* ---- points the neighbourhoods draw from --------------------------------- */

typedef struct lat_buf {
    ig_lattice lat;
    const double **cp; /* group pointers handed to lat.counts */
    size_t n_groups;
    /* copies, when cells had to be left out */
    size_t cap;
    int32_t *row, *col;
    double **counts;
    double *total;
} lat_buf;

static void lat_free(ig_ctx *ctx, lat_buf *lb)
{
    ig__free(ctx, lb->cp, (lb->n_groups ? lb->n_groups : 1) * sizeof *lb->cp);
    if (lb->cap) {
        ig__free(ctx, lb->row, lb->cap * sizeof *lb->row);
        ig__free(ctx, lb->col, lb->cap * sizeof *lb->col);
        ig__free(ctx, lb->total, lb->cap * sizeof *lb->total);
        if (lb->counts) {
            for (size_t g = 0; g < lb->n_groups; g++)
                ig__free(ctx, lb->counts[g], lb->cap * sizeof *lb->counts[g]);
            ig__free(ctx, lb->counts, lb->n_groups * sizeof *lb->counts);
        }
    }
    memset(lb, 0, sizeof *lb);
}

/* Cells [first, first + count) of g, without the not-available ones when
 * drop_na. */
static ig_status lat_make(ig_ctx *ctx, const ig_grid *g, size_t first,
                          size_t count, int drop_na, lat_buf *lb)
{
    memset(lb, 0, sizeof *lb);
    size_t G = ig_grid_ngroups(g);
    lb->n_groups = G;
    lb->cp = ig__calloc(ctx, G ? G : 1, sizeof *lb->cp);
    if (!lb->cp) return IG_ERR_NOMEM;
    const uint8_t *na = drop_na ? ig_grid_na_any(g) : NULL;
    const int32_t *rows = ig_grid_rows(g), *cols = ig_grid_cols(g);
    const double *tot = ig_grid_has_total(g) ? ig_grid_totals(g) : NULL;
    size_t kept = count;
    if (na) {
        kept = 0;
        for (size_t i = first; i < first + count; i++) kept += !na[i];
    }
    lb->lat.n_groups = G;
    lb->lat.counts = lb->cp;
    lb->lat.cell_m = ig_grid_cell_size_m(g);
    if (kept == count) { /* borrow */
        lb->lat.n = count;
        lb->lat.row = rows + first;
        lb->lat.col = cols + first;
        for (size_t k = 0; k < G; k++) lb->cp[k] = ig_grid_counts(g, k) + first;
        lb->lat.total = tot ? tot + first : NULL;
        return IG_OK;
    }
    size_t cap = kept ? kept : 1;
    lb->cap = cap;
    lb->row = ig__alloc(ctx, cap * sizeof *lb->row);
    lb->col = ig__alloc(ctx, cap * sizeof *lb->col);
    lb->counts = ig__calloc(ctx, G ? G : 1, sizeof *lb->counts);
    if (tot) lb->total = ig__alloc(ctx, cap * sizeof *lb->total);
    if (!lb->row || !lb->col || !lb->counts || (tot && !lb->total)) goto nomem;
    for (size_t k = 0; k < G; k++) {
        lb->counts[k] = ig__alloc(ctx, cap * sizeof *lb->counts[k]);
        if (!lb->counts[k]) goto nomem;
    }
    size_t m = 0;
    for (size_t i = first; i < first + count; i++) {
        if (na[i]) continue;
        lb->row[m] = rows[i];
        lb->col[m] = cols[i];
        for (size_t k = 0; k < G; k++)
            lb->counts[k][m] = ig_grid_counts(g, k)[i];
        if (tot) lb->total[m] = tot[i];
        m++;
    }
    lb->lat.n = m;
    lb->lat.row = lb->row;
    lb->lat.col = lb->col;
    for (size_t k = 0; k < G; k++) lb->cp[k] = lb->counts[k];
    lb->lat.total = lb->total;
    return IG_OK;
nomem:
    lat_free(ctx, lb);
    return IG_ERR_NOMEM;
}

/* ---- checks -------------------------------------------------------------- */

static ig_status unknown_measure(const char *name, ig_error *err)
{
    char known[1024];
    size_t len = 0;
    known[0] = '\0';
    for (size_t i = 0; i < N_LOCAL; i++) {
        int w = snprintf(known + len, sizeof known - len, "%s%s", i ? ", " : "",
                         registry[i].name);
        if (w < 0 || (size_t)w >= sizeof known - len) break;
        len += (size_t)w;
    }
    return ig__error_set(err, IG_ERR_NOT_FOUND, 0, 0,
                         "unknown local measure '%s'; known: %s",
                         name ? name : "(none)", known);
}

static ig_status check_context(const ig_grid *grid, const ig_grid *cx,
                               ig_error *err)
{
    if (ig_grid_cell_size_m(cx) != ig_grid_cell_size_m(grid) ||
        ig_grid_crs_epsg(cx) != ig_grid_crs_epsg(grid))
        return ig__error_set(
            err, IG_ERR_MISMATCH, 0, 0,
            "the context grid has %d m cells in EPSG:%d, "
            "the grid %d m cells in EPSG:%d; give a context "
            "grid of the same lattice",
            (int)ig_grid_cell_size_m(cx), (int)ig_grid_crs_epsg(cx),
            (int)ig_grid_cell_size_m(grid), (int)ig_grid_crs_epsg(grid));
    size_t G = ig_grid_ngroups(grid);
    if (ig_grid_ngroups(cx) != G)
        return ig__error_set(err, IG_ERR_MISMATCH, 0, 0,
                             "the context grid has %zu groups, the grid %zu",
                             ig_grid_ngroups(cx), G);
    for (size_t k = 0; k < G; k++)
        if (strcmp(ig_grid_group_name(cx, k), ig_grid_group_name(grid, k)) != 0)
            return ig__error_set(err, IG_ERR_MISMATCH, 0, 0,
                                 "group %zu is '%s' in the context grid but "
                                 "'%s' in the grid",
                                 k + 1, ig_grid_group_name(cx, k),
                                 ig_grid_group_name(grid, k));
    return IG_OK;
}

/* Largest distance between two cell centres of the targets (bounding box
 * diagonal), metres. */
static double targets_extent(const int32_t *row, const int32_t *col, size_t n,
                             int32_t cell_m)
{
    if (n == 0) return 0.0;
    int32_t r0 = row[0], r1 = row[0], c0 = col[0], c1 = col[0];
    for (size_t j = 1; j < n; j++) {
        if (row[j] < r0) r0 = row[j];
        if (row[j] > r1) r1 = row[j];
        if (col[j] < c0) c0 = col[j];
        if (col[j] > c1) c1 = col[j];
    }
    double dr = (double)r1 - (double)r0, dc = (double)c1 - (double)c0;
    return sqrt(dr * dr + dc * dc) * (double)cell_m;
}

static double lattice_population(const ig_lattice *l)
{
    ig_ksum k;
    ig_ksum_init(&k);
    for (size_t i = 0; i < l->n; i++) {
        if (l->total) {
            ig_ksum_add(&k, l->total[i]);
        } else {
            for (size_t g = 0; g < l->n_groups; g++)
                ig_ksum_add(&k, l->counts[g][i]);
        }
    }
    return ig_ksum_value(&k);
}

/* ---- the run ---------------------------------------------------------------
 */

typedef struct run {
    ig_ctx *ctx;
    const ig_grid *grid;
    const ig_local_opts *o;
    const ig_local_info *info;
    ig__local_id id;
    size_t first, n; /* targets */
    const int32_t *trow, *tcol;
    uint8_t *skip;        /* n, or NULL when nothing is left out */
    const size_t *groups; /* layer groups, NULL: one multigroup layer */
    size_t L;
    lat_buf src;
    ig_local_result *res;
    ig_error *err;
} run;

static ig_status run_compose(run *R)
{
    ig_ctx *ctx = R->ctx;
    size_t G = ig_grid_ngroups(R->grid), n = R->n;
    size_t n_env = (G + 1) * n;
    double *env = ig__calloc(ctx, n_env, sizeof *env);
    const double **x = ig__calloc(ctx, G ? G : 1, sizeof *x);
    ig_status st = IG_ERR_NOMEM;
    if (!env || !x) goto out;
    if (R->o->scale.k > 0 && !R->res->reach) {
        R->res->reach = ig__calloc(ctx, n ? n : 1, sizeof *R->res->reach);
        if (!R->res->reach) goto out;
    }
    if (R->src.lat.n > 0) {
        st = ig_neighbourhoods(ctx, &R->src.lat, n, R->trow, R->tcol,
                               &R->o->scale, env, R->res->reach, R->err);
        if (st != IG_OK) goto out;
    }
    for (size_t g = 0; g < G; g++) x[g] = ig_grid_counts(R->grid, g) + R->first;
    ig__lcomp c;
    memset(&c, 0, sizeof c);
    c.ctx = ctx;
    c.n = n;
    c.n_groups = G;
    c.env = env;
    c.x = x;
    c.t =
        ig_grid_has_total(R->grid) ? ig_grid_totals(R->grid) + R->first : NULL;
    c.skip = R->skip;
    for (size_t g = 0; g < G; g++)
        if (ig_ksum_array(R->src.lat.counts[g], R->src.lat.n) > 0.0)
            c.k_present++;
    for (size_t k = 0; k < R->L; k++) {
        ig_error lerr;
        memset(&lerr, 0, sizeof lerr);
        long g = R->groups ? (long)R->groups[k] : -1;
        st = ig__local_compose(&c, R->id, g, R->res->val[k], R->res->flags,
                               &lerr);
        if (st == IG_ERR_NUMERIC) st = layer_undefined(R->res, k, lerr.msg);
        if (st != IG_OK) {
            if (st != IG_ERR_NOMEM) *R->err = lerr;
            goto out;
        }
    }
    st = IG_OK;
out:
    ig__free(ctx, env, n_env * sizeof *env);
    ig__free(ctx, x, (G ? G : 1) * sizeof *x);
    return st;
}

static ig_status run_rce(run *R)
{
    const double *tot = ig_grid_totals(R->grid);
    for (size_t k = 0; k < R->L; k++) {
        ig__lrce c;
        memset(&c, 0, sizeof c);
        c.n = R->n;
        c.row = R->trow;
        c.col = R->tcol;
        c.cell_m = ig_grid_cell_size_m(R->grid);
        c.x = ig_grid_counts(R->grid, R->groups[k]) + R->first;
        c.t = tot + R->first;
        c.skip = R->skip;
        c.centre_given = R->o->centre_given;
        c.centre_x_m = R->o->centre_x_m;
        c.centre_y_m = R->o->centre_y_m;
        ig_error lerr;
        memset(&lerr, 0, sizeof lerr);
        ig_status st =
            ig__local_rce_gap(R->ctx, &c, R->res->val[k], R->res->flags, &lerr);
        if (st == IG_ERR_NUMERIC) st = layer_undefined(R->res, k, lerr.msg);
        if (st != IG_OK) return st;
    }
    return IG_OK;
}

/* Flags for Gi* and Moran: a target with no residents has no share. */
static void flag_no_residents(run *R, uint8_t *tskip)
{
    const double *tot = ig_grid_totals(R->grid) + R->first;
    for (size_t j = 0; j < R->n; j++) {
        if (R->skip && R->skip[j]) {
            tskip[j] = 1;
        } else if (!(tot[j] > 0.0)) {
            tskip[j] = 1;
            R->res->flags[j] |= IG_LOCAL_FLAG_NO_RESIDENTS;
        }
    }
}

/* Sample moments per layer; layers without variance are undefined. */
static ig_status sample_layers(run *R, const ig__lsample *s, double *mean,
                               double *sd, uint8_t *ok)
{
    for (size_t k = 0; k < R->L; k++) {
        ok[k] = 0;
        if (s->n < 2) {
            ig_status st = layer_undefined(
                R->res, k,
                "fewer than two populated cells in the cells the "
                "neighbourhoods draw from");
            if (st != IG_OK) return st;
            continue;
        }
        ig__lsample_moments(s, k, &mean[k], &sd[k]);
        if (!(sd[k] > 0.0)) {
            ig_status st = layer_undefined(
                R->res, k,
                "the group's share is the same in every populated cell, so "
                "there is no variance to test");
            if (st != IG_OK) return st;
            continue;
        }
        ok[k] = 1;
    }
    return IG_OK;
}

static ig_status run_gi(run *R)
{
    ig_ctx *ctx = R->ctx;
    size_t n = R->n, L = R->L, nc = n ? n : 1;
    ig__lsample s;
    ig__ktable kt, kt2;
    memset(&s, 0, sizeof s);
    memset(&kt, 0, sizeof kt);
    memset(&kt2, 0, sizeof kt2);
    double *mean = ig__calloc(ctx, L, sizeof *mean);
    double *sd = ig__calloc(ctx, L, sizeof *sd);
    uint8_t *ok = ig__calloc(ctx, L, 1);
    uint8_t *tskip = ig__calloc(ctx, nc, 1);
    double *ones = NULL, *out1 = NULL, *out2 = NULL;
    size_t n_out1 = (L + 1) * nc, n_out2 = 2 * nc, n_ones = 0;
    ig_status st = IG_ERR_NOMEM;
    if (!mean || !sd || !ok || !tskip) goto out;
    flag_no_residents(R, tskip);
    st = ig__lsample_build(ctx, &R->src.lat, R->groups, L, &s);
    if (st != IG_OK) goto out;
    st = sample_layers(R, &s, mean, sd, ok);
    if (st != IG_OK) goto out;
    int any = 0;
    for (size_t k = 0; k < L; k++) any |= ok[k];
    if (!any || n == 0) {
        st = IG_OK;
        goto out;
    }
    st = ig__ktable_make(ctx, R->o->scale.kernel, R->o->scale.radius_m,
                         ig_grid_cell_size_m(R->grid), &kt, R->err);
    if (st != IG_OK) goto out;
    st = IG_ERR_NOMEM;
    n_ones = s.n;
    ones = ig__alloc(ctx, n_ones * sizeof *ones);
    out1 = ig__calloc(ctx, n_out1, sizeof *out1);
    if (!ones || !out1) goto out;
    for (size_t i = 0; i < s.n; i++) ones[i] = 1.0;
    /* sum_j w_ij x_j per layer and W_i = sum_j w_ij over the sample */
    ig_lattice sl;
    memset(&sl, 0, sizeof sl);
    sl.n = s.n;
    sl.row = s.row;
    sl.col = s.col;
    sl.n_groups = L;
    sl.counts = (const double *const *)s.v;
    sl.total = ones;
    sl.cell_m = ig_grid_cell_size_m(R->grid);
    st = ig__focal_table(ctx, &sl, n, R->trow, R->tcol, &kt, out1, R->err);
    if (st != IG_OK) goto out;
    const double *S1 = out1 + L * n; /* flat kernels: w^2 = w */
    if (!kt.flat) {
        st = ig__ktable_alloc(ctx, kt.R, &kt2);
        if (st != IG_OK) goto out;
        size_t side = (size_t)(2 * kt.R + 1);
        for (size_t q = 0; q < side * side; q++) kt2.w[q] = kt.w[q] * kt.w[q];
        kt2.flat = 0;
        st = IG_ERR_NOMEM;
        out2 = ig__calloc(ctx, n_out2, sizeof *out2);
        if (!out2) goto out;
        const double *one_p[1] = {ones};
        sl.n_groups = 1;
        sl.counts = one_p;
        st = ig__focal_table(ctx, &sl, n, R->trow, R->tcol, &kt2, out2, R->err);
        if (st != IG_OK) goto out;
        S1 = out2 + n;
    }
    const double *W = out1 + L * n;
    double dn = (double)s.n;
    for (size_t j = 0; j < n; j++) {
        if (tskip[j]) continue;
        double v = ig__local_gi_z(1.0, W[j], S1[j], dn, 0.0, 1.0);
        if (isnan(v)) R->res->flags[j] |= IG_LOCAL_FLAG_FLAT;
    }
    for (size_t k = 0; k < L; k++) {
        if (!ok[k]) continue;
        double sum_x = mean[k] * dn;
        for (size_t j = 0; j < n; j++) {
            if (tskip[j] || (R->res->flags[j] & IG_LOCAL_FLAG_FLAT)) continue;
            double wx = out1[k * n + j];
            double z = ig__local_gi_z(wx, W[j], S1[j], dn, mean[k], sd[k]);
            R->res->val[k][j] = wx / sum_x;
            R->res->z[k][j] = z;
            R->res->p[k][j] = ig__local_p_two_sided(z);
        }
        st = ig__local_bh_adjust(ctx, R->res->p[k], n, R->res->padj[k]);
        if (st != IG_OK) goto out;
        for (size_t j = 0; j < n; j++)
            R->res->cls[k][j] = (uint8_t)ig__local_gi_class(
                R->res->z[k][j], R->res->padj[k][j], R->o->fdr);
    }
    st = IG_OK;
out:
    ig__free(ctx, mean, L * sizeof *mean);
    ig__free(ctx, sd, L * sizeof *sd);
    ig__free(ctx, ok, L);
    ig__free(ctx, tskip, nc);
    ig__free(ctx, ones, n_ones * sizeof *ones);
    ig__free(ctx, out1, n_out1 * sizeof *out1);
    ig__free(ctx, out2, n_out2 * sizeof *out2);
    ig__ktable_free(ctx, &kt);
    ig__ktable_free(ctx, &kt2);
    ig__lsample_free(ctx, &s);
    return st;
}

static ig_status run_moran(run *R)
{
    ig_ctx *ctx = R->ctx;
    size_t n = R->n, L = R->L, nc = n ? n : 1;
    ig__lsample s;
    ig__ktable kt;
    memset(&s, 0, sizeof s);
    memset(&kt, 0, sizeof kt);
    double *mean = ig__calloc(ctx, L, sizeof *mean);
    double *sd = ig__calloc(ctx, L, sizeof *sd);
    uint8_t *ok = ig__calloc(ctx, L, 1);
    uint8_t *tskip = ig__calloc(ctx, nc, 1);
    uint64_t *stream = ig__alloc(ctx, nc * sizeof *stream);
    double **tv = alloc_arrays(ctx, L, nc);
    ig_status st = IG_ERR_NOMEM;
    if (!mean || !sd || !ok || !tskip || !stream || !tv) goto out;
    flag_no_residents(R, tskip);
    st = ig__lsample_build(ctx, &R->src.lat, R->groups, L, &s);
    if (st != IG_OK) goto out;
    st = sample_layers(R, &s, mean, sd, ok);
    if (st != IG_OK) goto out;
    int any = 0;
    for (size_t k = 0; k < L; k++) any |= ok[k];
    if (!any || n == 0) {
        st = IG_OK;
        goto out;
    }
    st = ig__ktable_make(ctx, R->o->scale.kernel, R->o->scale.radius_m,
                         ig_grid_cell_size_m(R->grid), &kt, R->err);
    if (st != IG_OK) goto out;
    const double *tot = ig_grid_totals(R->grid) + R->first;
    for (size_t j = 0; j < n; j++) {
        stream[j] = (uint64_t)(R->first + j);
        for (size_t k = 0; k < L; k++)
            tv[k][j] = tot[j] > 0.0 ? ig_grid_counts(
                                          R->grid, R->groups[k])[R->first + j] /
                                          tot[j]
                                    : (double)NAN;
    }
    ig__lmoran_in mi;
    memset(&mi, 0, sizeof mi);
    mi.s = &s;
    mi.kt = &kt;
    mi.n_targets = n;
    mi.trow = R->trow;
    mi.tcol = R->tcol;
    mi.tv = (const double *const *)tv;
    mi.tskip = tskip;
    mi.layer_ok = ok;
    mi.stream = stream;
    mi.seed = R->o->seed;
    mi.permutations = R->o->permutations;
    mi.alpha = R->o->alpha;
    mi.progress = R->o->progress;
    mi.progress_ud = R->o->progress_ud;
    st = ig__local_moran(ctx, &mi, R->res->val, R->res->z, R->res->p,
                         R->res->cls, R->res->flags);
    if (st == IG_ERR_CANCELLED)
        ig__error_set(R->err, st, 0, 0, "cancelled by the caller");
out:
    ig__free(ctx, mean, L * sizeof *mean);
    ig__free(ctx, sd, L * sizeof *sd);
    ig__free(ctx, ok, L);
    ig__free(ctx, tskip, nc);
    ig__free(ctx, stream, nc * sizeof *stream);
    free_arrays(ctx, tv, L, nc);
    ig__ktable_free(ctx, &kt);
    ig__lsample_free(ctx, &s);
    return st;
}

ig_status ig_local_run(ig_ctx *ctx, const ig_grid *grid,
                       const ig_local_opts *opts, ig_local_result **out,
                       ig_error *err)
{
    if (!grid || !opts || !out)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "ig_local_run: grid, opts and out are required");
    const ig_local_info *info = ig_local_find(opts->measure);
    if (!info) return unknown_measure(opts->measure, err);
    int32_t cell_m = ig_grid_cell_size_m(grid);
    if (cell_m <= 0 || !ig_grid_rows(grid))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "%s needs grid cells with coordinates; this grid "
                             "has aspatial units (long format): read a file "
                             "with cell codes or x/y columns",
                             info->name);
    size_t G = ig_grid_ngroups(grid);
    int per_group = (info->flags & IG_LOCAL_PER_GROUP) ||
                    ((info->flags & IG_LOCAL_GROUPS_OPTIONAL) && opts->groups &&
                     opts->n_groups > 0);
    if (opts->groups)
        for (size_t k = 0; k < opts->n_groups; k++)
            if (opts->groups[k] >= G)
                return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                     "group index %zu out of range: the grid "
                                     "has %zu groups",
                                     opts->groups[k], G);
    if (info->flags & IG_LOCAL_SIMULATED && opts->permutations < 1)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "permutations must be at least 1 (got %d); "
                             "999 is the usual choice",
                             opts->permutations);
    if (info->flags & IG_LOCAL_INFERENCE) {
        if (!(opts->fdr > 0.0 && opts->fdr < 1.0))
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "the false discovery rate must be between 0 "
                                 "and 1 (exclusive), e.g. 0.05");
        if (!(opts->alpha > 0.0 && opts->alpha < 1.0))
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "alpha must be between 0 and 1 (exclusive), "
                                 "e.g. 0.05");
    }
    if (opts->centre_given &&
        !(isfinite(opts->centre_x_m) && isfinite(opts->centre_y_m)))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "the centre coordinates must be finite numbers");
    if ((info->flags & IG_LOCAL_KERNEL_ONLY) && opts->scale.k > 0.0)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "%s needs a kernel radius (radius_m); the k "
                             "nearest residents give no weights between cells",
                             info->name);
    size_t first = 0, count = ig_grid_ncells(grid);
    if (opts->place != IG_LOCAL_ALL) {
        if (ig_grid_place_range(grid, opts->place, &first, &count) != IG_OK)
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "place %zu out of range: the grid has %zu "
                                 "places",
                                 opts->place, ig_grid_nplaces(grid));
    }
    const ig_grid *cx = opts->edge == IG_EDGE_GRID ? opts->context : NULL;
    if (cx) {
        ig_status st = check_context(grid, cx, err);
        if (st != IG_OK) return st;
    }

    run R;
    memset(&R, 0, sizeof R);
    R.ctx = ctx;
    R.grid = grid;
    R.o = opts;
    R.info = info;
    R.id = ig__local_id_of(info);
    R.first = first;
    R.n = count;
    R.trow = ig_grid_rows(grid) + first;
    R.tcol = ig_grid_cols(grid) + first;
    R.err = err;
    size_t *all = NULL;
    ig_status st = IG_ERR_NOMEM;
    if (per_group) {
        if (opts->groups && opts->n_groups > 0) {
            R.groups = opts->groups;
            R.L = opts->n_groups;
        } else {
            all = ig__alloc(ctx, (G ? G : 1) * sizeof *all);
            if (!all) goto fail;
            for (size_t g = 0; g < G; g++) all[g] = g;
            R.groups = all;
            R.L = G;
        }
    } else {
        R.L = 1;
    }
    st = result_new(ctx, info, grid, first, count, R.groups, R.L,
                    R.id == IG__L_local_gi_star, &R.res);
    if (st != IG_OK) goto fail;
    st = IG_ERR_NOMEM;

    const uint8_t *na = opts->na_as_zero ? NULL : ig_grid_na_any(grid);
    if (na && count) {
        R.skip = ig__calloc(ctx, count, 1);
        if (!R.skip) goto fail;
        for (size_t j = 0; j < count; j++)
            if (na[first + j]) {
                R.skip[j] = 1;
                R.res->flags[j] |= IG_LOCAL_FLAG_NA;
            }
    }

    if (count == 0) {
        for (size_t k = 0; k < R.L; k++) {
            st = layer_undefined(R.res, k, "the place has no cells");
            if (st != IG_OK) goto fail;
        }
        st = IG_OK;
        goto done;
    }

    if (info->flags & IG_LOCAL_SCALE) {
        int drop = (info->flags & IG_LOCAL_INFERENCE) && !opts->na_as_zero;
        if (opts->edge == IG_EDGE_PLACE)
            st = lat_make(ctx, grid, first, count, drop, &R.src);
        else if (cx)
            st = lat_make(ctx, cx, 0, ig_grid_ncells(cx), drop, &R.src);
        else
            st = lat_make(ctx, grid, 0, ig_grid_ncells(grid), drop, &R.src);
        if (st != IG_OK) goto fail;
        char note[256];
        note[0] = '\0';
        st = ig_scale_check(
            &opts->scale, cell_m, targets_extent(R.trow, R.tcol, count, cell_m),
            lattice_population(&R.src.lat), note, sizeof note, err);
        if (st != IG_OK) goto fail;
        if (note[0]) ig__log(ctx, IG_LOG_WARN, "%s: %s", info->name, note);
    }

    switch (R.id) {
        case IG__L_local_relative_centralization:
            st = run_rce(&R);
            break;
        case IG__L_local_gi_star:
            st = run_gi(&R);
            break;
        case IG__L_local_moran:
            st = run_moran(&R);
            break;
        default:
            st = run_compose(&R);
            break;
    }
    if (st != IG_OK) goto fail;
done:
    lat_free(ctx, &R.src);
    ig__free(ctx, R.skip, count);
    ig__free(ctx, all, (G ? G : 1) * sizeof *all);
    *out = R.res;
    return IG_OK;
fail:
    if (st == IG_ERR_NOMEM)
        ig__error_set(err, st, 0, 0, "out of memory computing %s", info->name);
    lat_free(ctx, &R.src);
    ig__free(ctx, R.skip, count);
    ig__free(ctx, all, (G ? G : 1) * sizeof *all);
    ig_local_result_destroy(R.res);
    return st;
}
