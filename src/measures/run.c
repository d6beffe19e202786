/* Running measures over every place of a grid.
 *
 * Phase 1 builds one view per place: pointers into the grid when no cell
 * must be left out, else compacted copies without the cells where a group
 * in use is not available. Populations and group totals are compensated
 * sums, computed once per view. Phase 2 computes, once per place and group,
 * what several tasks would otherwise each compute again: the rest Y, the
 * units split by counts (count_tri.h, read by most measures), the Gini
 * pair sum of gini and multi_gini, the squared deviations of three
 * multigroup measures, and then per place T M for M and H. It uses the
 * functions the measures use, so every value is the same bits as a measure
 * computing it alone (ig_measure_compute). Phase 3 runs one task per
 * (place, measure, group). Each phase runs in parallel, biggest places
 * first so that the last items are small; every item writes only its own
 * slots and rows, so the output is identical for any thread count. The
 * progress callback may be called from worker threads, one call at a
 * time. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "measures/count_tri.h"
#include "measures/measure_impl.h"
#include "measures/multi/multi_common.h"
#include "measures/single/single_util.h"

typedef struct view {
    size_t n;
    const double **counts;  /* n_groups pointers */
    const double *t_single; /* grid totals */
    const double *t_multi;  /* sum of groups */
    const uint32_t *within;
    double T_single, T_multi;
    double *X;      /* per group */
    double **owned; /* compacted arrays to free, or NULL */
    size_t n_owned;
    /* phase 2, per group (NULL when not needed): see ig__min */
    double *Y, *pairsum, *sqdev;
    ig__bycounts *bc; /* on t_single */
    int has_tm;
    double tm;
    /* spatial measures: coordinates, land areas and local environments
     * (pointers into the grid or run_state, or compacted copies) */
    const int32_t *row, *col;
    const double *area;
    const double **env; /* n_groups pointers, or NULL */
    const double *env_t_single, *env_t_multi;
    /* sums of ig__env_stats for the single-group (es_single, with xs) and
     * multigroup (es_multi) inputs: the same struct when t is the same */
    ig__envstats es_single, es_multi;
    double *es_xs;
    int has_es_single, has_es_multi;
    /* their parts over blocks of ENV_BLOCK units (phase 2c) */
    size_t n_blk;
    ig__envstats *blk_single, *blk_multi;
    double *blk_xs; /* n_blk * n_groups */
} view;

/* Units per block of the environment sums: blocks are fixed, so the sums
 * (compensated per block, then over blocks in order) are the same for
 * every thread count. */
#define ENV_BLOCK 65536

/* What phase 2 computes for the selected measures. */
typedef struct prep_plan {
    int Y, bycounts, pairsum, sqdev, tm, env_single, env_multi;
} prep_plan;

typedef struct task {
    uint32_t place;
    uint32_t scale;   /* index of the scale (scale measures), else 0 */
    uint32_t measure; /* registry index */
    int32_t group;    /* -1 multigroup */
    uint32_t row;     /* first output row */
    uint32_t n_rows;  /* 1, or 3 with decomposition */
} task;

struct ig_results {
    ig_ctx *ctx;
    ig_result_row *rows;
    size_t n_rows;
    ig_place_summary *places;
    size_t n_places;
};

typedef struct run_state {
    ig_ctx *ctx;
    const ig_grid *grid; /* NULL in ig__measures_eval */
    const ig_run_opts *opts;
    /* what the shared phases read of the grid (ig__measures_eval has none) */
    size_t ng;
    int has_total;
    int32_t cell_m;
    const ig_measure_params *params;
    view *views;
    task *tasks;
    size_t n_tasks;
    ig_results *res;
    atomic_size_t done;
    pthread_mutex_t mu;
    ig_progress_fn progress;
    void *progress_ud;
    atomic_int cancelled;
    prep_plan plan;
    uint32_t *by_size;  /* place indices, most cells first */
    size_t *task_order; /* task indices, biggest places first */
    /* spatial measures (NULL when none is selected) */
    int spatial;        /* a spatial measure is selected */
    double *env;        /* (ng + 1) * ncells: ig_neighbourhoods layout */
    double *env_tm;     /* ncells: sum of the group environments, when the
                           grid has a total column */
    double *area;       /* n_used: land area in km2, when area_var */
    /* the used cells (no group in use not available), place after place:
     * place p's are [uoff[p], uoff[p] + its used count) */
    size_t n_used;
    size_t *uoff;       /* nplaces + 1 */
    size_t *uidx;       /* n_used: cell index in the grid */
    int32_t *urow, *ucol;
    /* phase 2c items: (place, block) */
    uint32_t *blk_place, *blk_index;
    size_t n_blk;
    int any_scale;      /* a scale measure is selected */
    size_t cur_scale;   /* phase 3 runs the tasks of this scale */
    ig_scale *scales;   /* n_scales: opts->scales, or the one params.scale */
    size_t n_scales;
} run_state;

void ig_run_opts_init(ig_run_opts *o)
{
    if (!o) return;
    memset(o, 0, sizeof *o);
    ig_measure_params_init(&o->params);
}

static void free_view(ig_ctx *ctx, view *v, size_t ng)
{
    if (v->bc)
        for (size_t g = 0; g < ng; g++) ig__bycounts_free(ctx, &v->bc[g]);
    ig__free(ctx, v->bc, ng * sizeof *v->bc);
    ig__free(ctx, v->Y, ng * sizeof *v->Y);
    ig__free(ctx, v->pairsum, ng * sizeof *v->pairsum);
    ig__free(ctx, v->sqdev, ng * sizeof *v->sqdev);
    if (v->owned)
        for (size_t k = 0; k < v->n_owned; k++)
            ig__free(ctx, v->owned[k], (v->n ? v->n : 1) * sizeof(double));
    ig__free(ctx, v->owned, v->n_owned * sizeof *v->owned);
    ig__free(ctx, (void *)v->counts, ng * sizeof *v->counts);
    ig__free(ctx, v->X, ng * sizeof *v->X);
    ig__free(ctx, (void *)v->env, ng * sizeof *v->env);
    ig__free(ctx, v->es_xs, ng * sizeof *v->es_xs);
    ig__free(ctx, v->blk_single, v->n_blk * sizeof *v->blk_single);
    ig__free(ctx, v->blk_multi, v->n_blk * sizeof *v->blk_multi);
    ig__free(ctx, v->blk_xs, v->n_blk * ng * sizeof *v->blk_xs);
}

static double *own_array(ig_ctx *ctx, view *v)
{
    double *a = ig__alloc(ctx, (v->n ? v->n : 1) * sizeof *a);
    if (a) v->owned[v->n_owned++] = a;
    return a;
}

/* The spatial part of view p: coordinates, areas and environments of its
 * used cells, which prepare_spatial() laid out place after place (from
 * s->uoff[p]), so views point into them and nothing is copied. */
static void build_spatial_view(run_state *s, view *v, size_t p)
{
    size_t off = s->uoff[p];
    v->row = s->urow + off;
    v->col = s->ucol + off;
    if (s->area) v->area = s->area + off;
    if (!s->env) return;
    size_t ng = ig_grid_ngroups(s->grid), nu = s->n_used;
    for (size_t k = 0; k < ng; k++) v->env[k] = s->env + k * nu + off;
    v->env_t_single = s->env + ng * nu + off;
    v->env_t_multi = s->env_tm ? s->env_tm + off : v->env_t_single;
}

/* Build the view of place p. */
static ig_status build_view(run_state *s, size_t p)
{
    ig_ctx *ctx = s->ctx;
    const ig_grid *g = s->grid;
    size_t ng = ig_grid_ngroups(g);
    view *v = &s->views[p];
    ig_place_summary *ps = &s->res->places[p];
    size_t first, count;
    ig_grid_place_range(g, p, &first, &count);
    const uint8_t *na_any = s->opts->na_as_zero ? NULL : ig_grid_na_any(g);
    const double *tot = ig_grid_totals(g) + first;
    ps->name = ig_grid_place_name(g, p);

    size_t used = count;
    ig_ksum excl;
    ig_ksum_init(&excl);
    if (na_any) {
        used = 0;
        for (size_t i = 0; i < count; i++) {
            if (na_any[first + i])
                ig_ksum_add(&excl, tot[i]);
            else
                used++;
        }
    }
    ps->cells_used = used;
    ps->cells_excluded = count - used;
    ps->residents_excluded = ig_ksum_value(&excl);
    v->n = used;
    v->counts = ig__calloc(ctx, ng, sizeof *v->counts);
    v->X = ig__calloc(ctx, ng, sizeof *v->X);
    /* compacted arrays: groups, t, within, t_multi */
    v->owned = ig__calloc(ctx, ng + 3, sizeof *v->owned);
    if (!v->counts || !v->X || !v->owned) return IG_ERR_NOMEM;
    const uint32_t *within = ig_grid_within(g);

    if (used == count) {
        for (size_t k = 0; k < ng; k++)
            v->counts[k] = ig_grid_counts(g, k) + first;
        v->t_single = tot;
        v->within = within ? within + first : NULL;
    } else {
        for (size_t k = 0; k < ng; k++) {
            double *a = own_array(ctx, v);
            if (!a) return IG_ERR_NOMEM;
            const double *src = ig_grid_counts(g, k) + first;
            size_t j = 0;
            for (size_t i = 0; i < count; i++)
                if (!na_any[first + i]) a[j++] = src[i];
            v->counts[k] = a;
        }
        double *t = own_array(ctx, v);
        if (!t) return IG_ERR_NOMEM;
        size_t j = 0;
        for (size_t i = 0; i < count; i++)
            if (!na_any[first + i]) t[j++] = tot[i];
        v->t_single = t;
        if (within) {
            /* within ids stored as doubles would lose nothing below 2^53,
             * but keep them exact in their own array. */
            uint32_t *w = ig__calloc(ctx, used ? used : 1, sizeof(double));
            if (!w) return IG_ERR_NOMEM;
            v->owned[v->n_owned++] = (double *)(void *)w;
            j = 0;
            for (size_t i = 0; i < count; i++)
                if (!na_any[first + i]) w[j++] = within[first + i];
            v->within = w;
        }
    }
    if (s->spatial) {
        if (s->env && !(v->env = ig__calloc(ctx, ng, sizeof *v->env)))
            return IG_ERR_NOMEM;
        build_spatial_view(s, v, p);
    }
    if (ig_grid_has_total(g)) {
        double *t = own_array(ctx, v);
        if (!t) return IG_ERR_NOMEM;
        for (size_t i = 0; i < used; i++) {
            ig_ksum k;
            ig_ksum_init(&k);
            for (size_t gg = 0; gg < ng; gg++)
                ig_ksum_add(&k, v->counts[gg][i]);
            t[i] = ig_ksum_value(&k);
        }
        v->t_multi = t;
    } else {
        v->t_multi = v->t_single;
    }
    v->T_single = ig_ksum_array(v->t_single, used);
    v->T_multi = v->t_multi == v->t_single ? v->T_single
                                           : ig_ksum_array(v->t_multi, used);
    for (size_t k = 0; k < ng; k++) v->X[k] = ig_ksum_array(v->counts[k], used);
    ps->residents_used = v->T_single;
    return IG_OK;
}

/* Phase 1, item i: the view of place by_size[i]. */
static ig_status build_view_item(void *ud, size_t i)
{
    run_state *s = ud;
    return build_view(s, s->by_size[i]);
}

/* The input of a task on view v: group >= 0 single-group, else
 * multigroup (run_task and phase 2 both use it). */
static void task_input(const run_state *s, const view *v, long group,
                       ig__min *in)
{
    memset(in, 0, sizeof *in);
    in->ctx = s->ctx;
    in->n = v->n;
    in->n_groups = s->ng;
    in->counts = v->counts;
    in->p = s->params;
    if (group >= 0) {
        in->t = v->t_single;
        in->T = v->T_single;
        in->group = (size_t)group;
        in->x = v->counts[group];
        in->X = v->X[group];
        if (v->Y) {
            in->has_Y = 1;
            in->Y = v->Y[group];
        }
        in->bycounts = v->bc;
    } else {
        in->t = v->t_multi;
        in->T = v->T_multi;
        in->gsum = v->X;
        in->sqdev = v->sqdev;
        in->has_tm = v->has_tm;
        in->tm = v->tm;
        /* split on t_single: the same t unless there is a total column */
        if (v->t_multi == v->t_single) in->bycounts = v->bc;
    }
    in->pairsum = v->pairsum;
    in->row = v->row;
    in->col = v->col;
    in->cell_m = s->cell_m;
    in->area = v->area;
    in->env = v->env;
    in->env_t = group >= 0 ? v->env_t_single : v->env_t_multi;
    if (group >= 0 && v->has_es_single) in->envstats = &v->es_single;
    if (group < 0 && v->has_es_multi) in->envstats = &v->es_multi;
}

/* Phase 2a, item i: place by_size[i / ng], group i % ng. */
static ig_status prep_group(void *ud, size_t i)
{
    run_state *s = ud;
    size_t ng = s->ng;
    view *v = &s->views[s->by_size[i / ng]];
    size_t g = i % ng;
    if (s->plan.Y) v->Y[g] = ig__single_rest(v->t_single, v->counts[g], v->n);
    if (s->plan.bycounts &&
        ig__bycounts_build(s->ctx, v->counts[g], v->t_single, v->n,
                           &v->bc[g]) != IG_OK)
        return IG_ERR_NOMEM;
    ig__min in;
    if (s->plan.pairsum) {
        task_input(s, v, (long)g, &in);
        in.pairsum = NULL;
        if (ig__gini_pairsum(&in, g, &v->pairsum[g]) != IG_OK)
            return IG_ERR_NOMEM;
    }
    if (s->plan.sqdev && v->T_multi > 0.0 && v->X[g] > 0.0) {
        task_input(s, v, -1, &in);
        v->sqdev[g] = ig__multi_sqdev_sum(&in, g);
    }
    return IG_OK;
}

/* Phase 2c, item i: block blk_item[i] of a place's environment sums. */
static ig_status env_block(void *ud, size_t i)
{
    run_state *s = ud;
    size_t p = s->blk_place[i], b = s->blk_index[i];
    view *v = &s->views[p];
    size_t ng = ig_grid_ngroups(s->grid);
    size_t lo = b * ENV_BLOCK, hi = lo + ENV_BLOCK < v->n ? lo + ENV_BLOCK : v->n;
    const double *cnt[256], *env[256];
    int same = v->t_multi == v->t_single;
    int single = s->plan.env_single && v->T_single > 0.0;
    int multi = s->plan.env_multi && v->T_multi > 0.0;
    for (int pass = 0; pass < 2; pass++) {
        /* pass 0: single (and multi when t is the same); 1: multi alone */
        int want_x = pass == 0 && single;
        int want_m = multi && (pass == 0 ? same : !same);
        if (!want_x && !want_m) continue;
        ig__min in;
        task_input(s, v, want_m ? -1 : 0, &in);
        for (size_t g = 0; g < ng; g++) {
            cnt[g] = in.counts[g] + lo;
            env[g] = in.env[g] + lo;
        }
        in.counts = cnt;
        in.env = env;
        in.t += lo;
        in.env_t += lo;
        in.n = hi - lo;
        in.envstats = NULL;
        ig__envstats *out = want_x ? &v->blk_single[b] : &v->blk_multi[b];
        out->xs = want_x ? v->blk_xs + b * ng : NULL;
        if (ig__env_stats(&in, want_m, out) != IG_OK) return IG_ERR_NOMEM;
        if (out->bad != (size_t)-1) out->bad += lo;
        if (want_x && want_m) v->blk_multi[b] = *out;
    }
    return IG_OK;
}

/* Add up the blocks of view v into es (xs: n_groups values or NULL). */
static void env_combine(const ig__envstats *blk, size_t nb, size_t ng,
                        double *xs, ig__envstats *es)
{
    ig_ksum kE, kD;
    ig_ksum_init(&kE);
    ig_ksum_init(&kD);
    es->bad = (size_t)-1;
    es->multi = blk[0].multi;
    for (size_t b = 0; b < nb; b++) {
        ig_ksum_add(&kE, blk[b].tE);
        ig_ksum_add(&kD, blk[b].tD);
        if (es->bad == (size_t)-1) es->bad = blk[b].bad;
    }
    es->tE = ig_ksum_value(&kE);
    es->tD = ig_ksum_value(&kD);
    es->xs = xs;
    for (size_t g = 0; xs && g < ng; g++) {
        ig_ksum k;
        ig_ksum_init(&k);
        for (size_t b = 0; b < nb; b++) ig_ksum_add(&k, blk[b].xs[g]);
        xs[g] = ig_ksum_value(&k);
    }
}

/* Phase 2c: the environment sums of every place, block by block in
 * parallel, then added up per place in block order. */
static ig_status prep_envs(run_state *s)
{
    ig_ctx *ctx = s->ctx;
    size_t np = ig_grid_nplaces(s->grid), ng = ig_grid_ngroups(s->grid);
    size_t total = 0;
    for (size_t p = 0; s->blk_place == NULL && p < np; p++) {
        view *v = &s->views[p];
        if (!v->env || !v->n) continue;
        v->n_blk = (v->n + ENV_BLOCK - 1) / ENV_BLOCK;
        v->blk_single = ig__calloc(ctx, v->n_blk, sizeof *v->blk_single);
        v->blk_multi = ig__calloc(ctx, v->n_blk, sizeof *v->blk_multi);
        v->blk_xs = ig__calloc(ctx, v->n_blk * ng, sizeof *v->blk_xs);
        v->es_xs = ig__calloc(ctx, ng, sizeof *v->es_xs);
        if (!v->blk_single || !v->blk_multi || !v->blk_xs || !v->es_xs)
            return IG_ERR_NOMEM;
        total += v->n_blk;
    }
    if (!s->blk_place) { /* the first scale: lay out the blocks */
        s->blk_place =
            ig__alloc(ctx, (total ? total : 1) * sizeof *s->blk_place);
        s->blk_index =
            ig__alloc(ctx, (total ? total : 1) * sizeof *s->blk_index);
        s->n_blk = total;
        if (!s->blk_place || !s->blk_index) return IG_ERR_NOMEM;
        size_t k = 0;
        for (size_t q = 0; q < np; q++) { /* biggest places first */
            size_t p = s->by_size[q];
            for (size_t b = 0; b < s->views[p].n_blk; b++) {
                s->blk_place[k] = (uint32_t)p;
                s->blk_index[k++] = (uint32_t)b;
            }
        }
    }
    ig_status st = ig__parallel_for(ctx, s->n_blk, env_block, s);
    if (st != IG_OK) return st;
    for (size_t p = 0; p < np; p++) {
        view *v = &s->views[p];
        if (!v->n_blk) continue;
        if (s->plan.env_single && v->T_single > 0.0) {
            env_combine(v->blk_single, v->n_blk, ng, v->es_xs, &v->es_single);
            v->has_es_single = 1;
        }
        if (s->plan.env_multi && v->T_multi > 0.0) {
            env_combine(v->blk_multi, v->n_blk, ng, NULL, &v->es_multi);
            v->has_es_multi = 1;
        }
    }
    return IG_OK;
}

/* Phase 2b, item i: place by_size[i], after 2a (it reads the splits). */
static ig_status prep_place(void *ud, size_t i)
{
    run_state *s = ud;
    view *v = &s->views[s->by_size[i]];
    if (s->plan.tm && v->T_multi > 0.0) {
        ig__min in;
        task_input(s, v, -1, &in);
        in.has_tm = 0;
        if (ig__multi_tm_sum(&in, &v->tm) != IG_OK) return IG_ERR_NOMEM;
        v->has_tm = 1;
    }
    return IG_OK;
}

static ig_status set_row_error(run_state *s, ig_result_row *r,
                               const ig_error *e, ig_status st)
{
    r->status = st;
    r->value = (double)NAN;
    const char *msg = e->msg[0] ? e->msg : ig_strerror(st);
    r->message = ig__strdup(s->ctx, msg);
    return r->message ? IG_OK : IG_ERR_NOMEM;
}

static ig_status run_task(void *ud, size_t i)
{
    run_state *s = ud;
    if (atomic_load(&s->cancelled)) return IG_ERR_CANCELLED;
    const task *t = &s->tasks[s->task_order[i]];
    const ig_measure_info *m = ig_measure_get(t->measure);
    /* one round per scale: scale tasks of this scale, the others once */
    if ((m->flags & IG_MF_SCALE) ? t->scale != s->cur_scale
                                 : s->cur_scale != 0)
        return IG_OK;
    const view *v = &s->views[t->place];
    ig_result_row *rows = s->res->rows + t->row;
    ig__min in;
    task_input(s, v, t->group, &in);
    ig_error e;
    memset(&e, 0, sizeof e);
    in.err = &e;
    double value = (double)NAN;
    ig_status st = ig__measure_call(m, &in, &value);
    if (st == IG_ERR_NOMEM || st == IG_ERR_CANCELLED) return st;
    if (st == IG_OK) {
        rows[0].value = value;
        rows[0].status = IG_OK;
    } else if (set_row_error(s, &rows[0], &e, st) != IG_OK) {
        return IG_ERR_NOMEM;
    }
    if (t->n_rows == 3) {
        ig_decomposition d;
        memset(&e, 0, sizeof e);
        st = in.T > 0.0
                 ? ig__decompose(
                       &in, v->within, ig_grid_nwithin(s->grid),
                       strcmp(m->name, "mutual_information") == 0 ? 0 : 1, &d)
                 : ig__error_set(&e, IG_ERR_NUMERIC, 0, 0,
                                 "%s: undefined: no residents", m->name);
        if (st == IG_ERR_NOMEM) return st;
        for (int k = 1; k <= 2; k++) {
            if (st == IG_OK) {
                rows[k].value = k == 1 ? d.between : d.within;
                rows[k].status = IG_OK;
            } else if (set_row_error(s, &rows[k], &e, st) != IG_OK) {
                return IG_ERR_NOMEM;
            }
        }
    }
    size_t done = atomic_fetch_add(&s->done, 1) + 1;
    if (s->progress) {
        pthread_mutex_lock(&s->mu);
        int stop = s->progress(s->progress_ud, done, s->n_tasks);
        pthread_mutex_unlock(&s->mu);
        if (stop) {
            atomic_store(&s->cancelled, 1);
            return IG_ERR_CANCELLED;
        }
    }
    return IG_OK;
}

void ig_results_destroy(ig_results *r)
{
    if (!r) return;
    ig_ctx *ctx = r->ctx;
    for (size_t i = 0; r->rows && i < r->n_rows; i++)
        if (r->rows[i].message)
            ig__free(ctx, (char *)(uintptr_t)r->rows[i].message,
                     strlen(r->rows[i].message) + 1);
    ig__free(ctx, r->rows, r->n_rows * sizeof *r->rows);
    ig__free(ctx, r->places, r->n_places * sizeof *r->places);
    ig__free(ctx, r, sizeof *r);
}

size_t ig_results_nrows(const ig_results *r)
{
    return r ? r->n_rows : 0;
}

const ig_result_row *ig_results_row(const ig_results *r, size_t i)
{
    return (r && i < r->n_rows) ? &r->rows[i] : NULL;
}

size_t ig_results_nplaces(const ig_results *r)
{
    return r ? r->n_places : 0;
}

const ig_place_summary *ig_results_place(const ig_results *r, size_t p)
{
    return (r && p < r->n_places) ? &r->places[p] : NULL;
}

/* Place a goes before place b: more cells in the grid, or as many and a
 * lower index. */
static int bigger(const run_state *s, uint32_t a, uint32_t b)
{
    size_t fa, na, fb, nb;
    ig_grid_place_range(s->grid, a, &fa, &na);
    ig_grid_place_range(s->grid, b, &fb, &nb);
    return na > nb || (na == nb && a < b);
}

/* Decide what phase 2 computes: only what a selected measure reads. */
static void plan_prep(run_state *s, const unsigned char *sel)
{
    size_t nm = ig_measure_count();
    int single = 0;
    for (size_t mi = 0; mi < nm; mi++)
        if (sel[mi] && ig_measure_get(mi)->family == IG_FAM_SINGLE) single = 1;
#define SEL(name) (sel[ig_measure_index(ig_measure_find(name))] != 0)
    s->plan.Y = single;
    s->plan.pairsum =
        !s->has_total &&
        (SEL("gini") || SEL("multi_gini") || SEL("modified_gini"));
    s->plan.sqdev = SEL("multi_normalized_exposure") ||
                    SEL("multi_relative_diversity") ||
                    SEL("multi_squared_coefficient_of_variation");
    s->plan.tm = SEL("mutual_information") || SEL("multi_information_theory");
    s->plan.env_single = SEL("spatial_isolation") || SEL("spatial_exposure");
    s->plan.env_multi = SEL("spatial_information_theory") ||
                        SEL("spatial_mutual_information") ||
                        SEL("spatial_dissimilarity_multi");
    /* the split units (count_tri.h), on t_single: for the measures that
     * read them, the multigroup ones only when they see the same t */
    s->plan.bycounts = 0;
    for (size_t mi = 0; mi < nm; mi++) {
        const ig_measure_info *m = ig_measure_get(mi);
        if (sel[mi] && ig__measure_reads_split(m) &&
            (m->family == IG_FAM_SINGLE || !s->has_total))
            s->plan.bycounts = 1;
    }
#undef SEL
}

/* Local environments of every cell of the grid at the run's scale, in the
 * layout of ig_neighbourhoods (group g of cell i at env[g * N + i], the
 * population at env[ng * N + i]). Edge grid: one call, the context grid's
 * cells around every cell. Edge place: one call per place, its own cells
 * only (places one after the other; each call is parallel inside). */
static ig_status compute_envs(run_state *s, const ig_scale *scale,
                              ig_error *err)
{
    ig_ctx *ctx = s->ctx;
    const ig_grid *g = s->grid;
    const ig_measure_params *p = &s->opts->params;
    size_t ng = ig_grid_ngroups(g), nu = s->n_used;
    int32_t cell = ig_grid_cell_size_m(g);
    const double *cnt[256];
    if (ng > 256)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "spatial measures take at most 256 groups");
    if (!s->env &&
        !(s->env = ig__alloc(ctx, (ng + 1) * (nu ? nu : 1) * sizeof *s->env)))
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    ig_status st = IG_OK;
    if (p->edge == IG_EDGE_GRID) {
        const ig_grid *c = s->opts->context ? s->opts->context : g;
        if (ig_grid_cell_size_m(c) != cell || ig_grid_ngroups(c) != ng)
            return ig__error_set(err, IG_ERR_MISMATCH, 0, 0,
                                 "the context grid has %d m cells and %zu "
                                 "groups, the places' grid %d m and %zu",
                                 (int)ig_grid_cell_size_m(c),
                                 ig_grid_ngroups(c), (int)cell, ng);
        for (size_t k = 0; k < ng; k++) cnt[k] = ig_grid_counts(c, k);
        ig_lattice lat = {ig_grid_ncells(c), ig_grid_rows(c), ig_grid_cols(c),
                          ng, cnt, ig_grid_totals(c), cell};
        st = ig_neighbourhoods(ctx, &lat, nu, s->urow, s->ucol, scale,
                               s->env, NULL, err);
    } else {
        size_t np = ig_grid_nplaces(g), maxc = 0;
        for (size_t q = 0; q < np; q++)
            if (s->uoff[q + 1] - s->uoff[q] > maxc)
                maxc = s->uoff[q + 1] - s->uoff[q];
        double *tmp = ig__alloc(ctx, (ng + 1) * (maxc ? maxc : 1) * sizeof *tmp);
        if (!tmp)
            return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
        for (size_t q = 0; q < np && st == IG_OK; q++) {
            size_t first, count, off = s->uoff[q], m = s->uoff[q + 1] - off;
            ig_grid_place_range(g, q, &first, &count);
            if (!m) continue;
            /* the place's cells (all of them: a cell left out for a
             * group not available still has its known residents) */
            for (size_t k = 0; k < ng; k++)
                cnt[k] = ig_grid_counts(g, k) + first;
            ig_lattice lat = {count, ig_grid_rows(g) + first,
                              ig_grid_cols(g) + first, ng, cnt,
                              ig_grid_totals(g) + first, cell};
            st = ig_neighbourhoods(ctx, &lat, m, s->urow + off, s->ucol + off,
                                   scale, tmp, NULL, err);
            for (size_t k = 0; st == IG_OK && k <= ng; k++)
                memcpy(s->env + k * nu + off, tmp + k * m, m * sizeof *tmp);
        }
        ig__free(ctx, tmp, (ng + 1) * (maxc ? maxc : 1) * sizeof *tmp);
    }
    if (st != IG_OK || !ig_grid_has_total(g)) return st;
    if (!s->env_tm &&
        !(s->env_tm = ig__alloc(ctx, (nu ? nu : 1) * sizeof *s->env_tm)))
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    for (size_t i = 0; i < nu; i++) {
        ig_ksum k;
        ig_ksum_init(&k);
        for (size_t gg = 0; gg < ng; gg++) ig_ksum_add(&k, s->env[gg * nu + i]);
        s->env_tm[i] = ig_ksum_value(&k);
    }
    return IG_OK;
}

/* The used cells of every place, place after place, with their lattice
 * coordinates: the targets of the environments and what the views of
 * the spatial measures point into. */
static ig_status layout_used(run_state *s)
{
    ig_ctx *ctx = s->ctx;
    const ig_grid *g = s->grid;
    const uint8_t *na = s->opts->na_as_zero ? NULL : ig_grid_na_any(g);
    size_t np = ig_grid_nplaces(g);
    s->uoff = ig__alloc(ctx, (np + 1) * sizeof *s->uoff);
    if (!s->uoff) return IG_ERR_NOMEM;
    size_t n = 0;
    for (size_t q = 0; q < np; q++) {
        size_t first, count;
        ig_grid_place_range(g, q, &first, &count);
        s->uoff[q] = n;
        for (size_t i = 0; i < count; i++) n += !na || !na[first + i];
    }
    s->uoff[np] = n;
    s->n_used = n;
    size_t cap = n ? n : 1;
    s->uidx = ig__alloc(ctx, cap * sizeof *s->uidx);
    s->urow = ig__alloc(ctx, cap * sizeof *s->urow);
    s->ucol = ig__alloc(ctx, cap * sizeof *s->ucol);
    if (!s->uidx || !s->urow || !s->ucol) return IG_ERR_NOMEM;
    const int32_t *rows = ig_grid_rows(g), *cols = ig_grid_cols(g);
    size_t j = 0;
    for (size_t q = 0; q < np; q++) {
        size_t first, count;
        ig_grid_place_range(g, q, &first, &count);
        for (size_t i = first; i < first + count; i++) {
            if (na && na[i]) continue;
            s->uidx[j] = i;
            s->urow[j] = rows[i];
            s->ucol[j] = cols[i];
            j++;
        }
    }
    return IG_OK;
}

/* Check and prepare what the selected spatial measures need: a spatial
 * grid, valid parameters, the land areas, the local environments. */
static ig_status prepare_spatial(run_state *s, const unsigned char *sel,
                                 ig_error *err)
{
    const ig_grid *g = s->grid;
    const ig_run_opts *o = s->opts;
    int scale = 0;
    for (size_t mi = 0; mi < ig_measure_count(); mi++) {
        const ig_measure_info *m = ig_measure_get(mi);
        if (!sel[mi] || !(m->flags & (IG_MF_SPATIAL | IG_MF_SCALE))) continue;
        if (ig_grid_cell_size_m(g) <= 0)
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "%s is a spatial measure: it needs grid "
                                 "cells (cell codes or x/y coordinates), "
                                 "not long-format units",
                                 m->name);
        ig_status st = ig__check_spatial_params(m, &o->params, err);
        if (st != IG_OK) return st;
        s->spatial = 1;
        if (m->flags & IG_MF_SCALE) scale = 1;
    }
    if (!s->spatial) return IG_OK;
    if (layout_used(s) != IG_OK)
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    size_t N = s->n_used;
    if (o->area_var) {
        size_t vi = ig_grid_var_index(g, o->area_var);
        if (vi == (size_t)-1)
            return ig__error_set(err, IG_ERR_NOT_FOUND, 0, 0,
                                 "no land-area column '%s' in the grid; keep "
                                 "it when reading (--keep %s)",
                                 o->area_var, o->area_var);
        const double *a = ig_grid_var(g, vi);
        double whole = (double)ig_grid_cell_size_m(g) *
                       (double)ig_grid_cell_size_m(g) / 1e6;
        s->area = ig__alloc(s->ctx, (N ? N : 1) * sizeof *s->area);
        if (!s->area)
            return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
        for (size_t i = 0; i < N; i++) {
            double ai = a[s->uidx[i]];
            s->area[i] = (ai >= 0.0 && isfinite(ai)) ? ai : whole;
        }
    }
    if (!scale) return IG_OK;
    s->any_scale = 1;
    /* what neighbourhoods can reach: the grid around (edge grid), or the
     * biggest place (edge place), for the clamping notes */
    const ig_grid *cg = o->context && o->params.edge == IG_EDGE_GRID
                            ? o->context
                            : g;
    double reach_pop = 0.0, reach_ext = 0.0;
    ig_extent ex;
    if (ig_grid_extent(cg, &ex) == IG_OK) {
        double c = (double)ig_grid_cell_size_m(cg);
        reach_ext = hypot((double)(ex.max_east_m - ex.min_east_m) - c,
                          (double)(ex.max_north_m - ex.min_north_m) - c);
    }
    if (o->params.edge == IG_EDGE_GRID) {
        reach_pop = ig_ksum_array(ig_grid_totals(cg), ig_grid_ncells(cg));
    } else {
        for (size_t q = 0; q < ig_grid_nplaces(g); q++) {
            size_t first, count;
            ig_grid_place_range(g, q, &first, &count);
            double pq = ig_ksum_array(ig_grid_totals(g) + first, count);
            if (pq > reach_pop) reach_pop = pq;
        }
    }
    for (size_t q = 0; q < s->n_scales; q++) {
        char note[256];
        ig_status st = ig_scale_check(&s->scales[q], ig_grid_cell_size_m(g),
                                      reach_ext, reach_pop, note, sizeof note,
                                      err);
        if (st != IG_OK) return st;
        if (note[0]) ig__log(s->ctx, IG_LOG_WARN, "%s", note);
    }
    /* the buffers the views point into; each scale fills them */
    size_t ng = ig_grid_ngroups(g), nu = s->n_used ? s->n_used : 1;
    s->env = ig__alloc(s->ctx, (ng + 1) * nu * sizeof *s->env);
    if (!s->env) return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    if (ig_grid_has_total(g) &&
        !(s->env_tm = ig__alloc(s->ctx, nu * sizeof *s->env_tm)))
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    return IG_OK;
}

/* s->by_size: places by cell count, descending (ties: index order). */
static void order_places(run_state *s, size_t np)
{
    for (size_t p = 0; p < np; p++) s->by_size[p] = (uint32_t)p;
    /* shell sort: fast enough for grids with many thousands of places */
    static const size_t gaps[] = {1750, 701, 301, 132, 57, 23, 10, 4, 1};
    for (size_t gi = 0; gi < sizeof gaps / sizeof gaps[0]; gi++) {
        size_t gap = gaps[gi];
        for (size_t i = gap; i < np; i++) {
            uint32_t p = s->by_size[i];
            size_t j = i;
            while (j >= gap && bigger(s, p, s->by_size[j - gap])) {
                s->by_size[j] = s->by_size[j - gap];
                j -= gap;
            }
            s->by_size[j] = p;
        }
    }
}

ig_status ig_measures_run(ig_ctx *ctx, const ig_grid *grid,
                          const ig_run_opts *opts, ig_results **out,
                          ig_error *err)
{
    if (!grid || !out)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "measures: grid and out are required");
    ig_run_opts defaults;
    if (!opts) {
        ig_run_opts_init(&defaults);
        opts = &defaults;
    }
    size_t nm_all = ig_measure_count();
    unsigned char sel[256] = {0};
    if (opts->n_measures && opts->measures) {
        for (size_t i = 0; i < opts->n_measures; i++) {
            const ig_measure_info *m = ig_measure_find(opts->measures[i]);
            if (!m)
                return ig__error_set(err, IG_ERR_NOT_FOUND, 0, 0,
                                     "unknown measure '%s'; see 'integrid "
                                     "measures --list'",
                                     opts->measures[i]);
            sel[ig_measure_index(m)] = 1;
        }
    } else {
        for (size_t mi = 0; mi < nm_all; mi++)
            sel[mi] = !(ig_measure_get(mi)->flags &
                        (IG_MF_SPATIAL | IG_MF_SCALE));
    }
    /* Check parameters once, for the selected measures only. */
    for (size_t mi = 0; mi < nm_all; mi++) {
        if (!sel[mi]) continue;
        const ig_measure_info *m = ig_measure_get(mi);
        const ig_measure_params *p = &opts->params;
        if ((m->flags & IG_MF_SIMULATED) && p->reps < 1)
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "%s: reps must be at least 1 (got %d)",
                                 m->name, p->reps);
        if (strcmp(m->name, "atkinson") == 0 &&
            !(p->atkinson_b > 0.0 && p->atkinson_b < 1.0))
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "atkinson: b must be between 0 and 1 "
                                 "exclusive (got %g)",
                                 p->atkinson_b);
        if (strcmp(m->name, "concentration_profile") == 0 &&
            (p->n_thresholds < 2 || p->n_thresholds > 100000000))
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "concentration_profile: thresholds must be "
                                 "between 2 and 1e8 (got %d)",
                                 p->n_thresholds);
    }
    int decompose = opts->decompose && ig_grid_nwithin(grid) > 0;
    if (opts->decompose && !decompose)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "decomposition needs a within-grouping: read "
                             "the grid with --within COL");

    size_t np = ig_grid_nplaces(grid), ng = ig_grid_ngroups(grid);
    size_t nsc = opts->n_scales ? opts->n_scales : 1;
    if (opts->n_scales && !opts->scales)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "measures: n_scales without scales");
    if (nsc > 100000)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "measures: at most 100,000 scales (got %zu)",
                             nsc);
    size_t per_place_tasks = 0, per_place_rows = 0;
    for (size_t mi = 0; mi < nm_all; mi++) {
        if (!sel[mi]) continue;
        const ig_measure_info *m = ig_measure_get(mi);
        size_t k = (m->flags & IG_MF_SCALE) ? nsc : 1;
        if (m->family == IG_FAM_SINGLE) {
            per_place_tasks += ng * k;
            per_place_rows += ng * k;
        } else {
            per_place_tasks += k;
            per_place_rows +=
                (decompose && (m->flags & IG_MF_DECOMPOSABLE)) ? 3 : k;
        }
    }
    if (np && per_place_rows > UINT32_MAX / np)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "too many result rows (%zu places)", np);

    ig_status st = IG_OK;
    run_state s;
    memset(&s, 0, sizeof s);
    s.ctx = ctx;
    s.grid = grid;
    s.opts = opts;
    s.ng = ig_grid_ngroups(grid);
    s.has_total = ig_grid_has_total(grid);
    s.cell_m = ig_grid_cell_size_m(grid);
    s.params = &opts->params;
    s.progress = opts->progress;
    s.progress_ud = opts->progress_ud;
    atomic_init(&s.done, 0);
    atomic_init(&s.cancelled, 0);
    if (pthread_mutex_init(&s.mu, NULL) != 0)
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of resources");
    s.n_tasks = np * per_place_tasks;
    s.n_scales = nsc;
    s.scales = ig__alloc(ctx, nsc * sizeof *s.scales);
    if (!s.scales) {
        pthread_mutex_destroy(&s.mu);
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    }
    for (size_t q = 0; q < nsc; q++)
        s.scales[q] = opts->n_scales ? opts->scales[q] : opts->params.scale;
    ig_results *res = ig__calloc(ctx, 1, sizeof *res);
    if (!res) goto nomem;
    res->ctx = ctx;
    res->n_places = np;
    res->n_rows = np * per_place_rows;
    res->places = ig__calloc(ctx, np ? np : 1, sizeof *res->places);
    res->rows =
        ig__calloc(ctx, res->n_rows ? res->n_rows : 1, sizeof *res->rows);
    s.res = res;
    s.views = ig__calloc(ctx, np ? np : 1, sizeof *s.views);
    s.tasks = ig__calloc(ctx, s.n_tasks ? s.n_tasks : 1, sizeof *s.tasks);
    if (!res->places || !res->rows || !s.views || !s.tasks) goto nomem;

    /* Lay out tasks and rows in output order. */
    {
        size_t ti = 0, ri = 0;
        for (size_t p = 0; p < np; p++) {
            for (size_t mi = 0; mi < nm_all; mi++) {
                if (!sel[mi]) continue;
                const ig_measure_info *m = ig_measure_get(mi);
                size_t ngr = m->family == IG_FAM_SINGLE ? ng : 1;
                size_t nq = (m->flags & IG_MF_SCALE) ? nsc : 1;
                for (size_t kq = 0; kq < ngr * nq; kq++) {
                    size_t k = kq / nq;
                    task *t = &s.tasks[ti++];
                    t->place = (uint32_t)p;
                    t->scale = (uint32_t)(kq % nq);
                    t->measure = (uint32_t)mi;
                    t->group = m->family == IG_FAM_SINGLE ? (int32_t)k : -1;
                    t->row = (uint32_t)ri;
                    t->n_rows = (m->family == IG_FAM_MULTI && decompose &&
                                 (m->flags & IG_MF_DECOMPOSABLE))
                                    ? 3
                                    : 1;
                    for (uint32_t c = 0; c < t->n_rows; c++) {
                        ig_result_row *r = &res->rows[ri++];
                        r->place = p;
                        r->measure = m;
                        r->group = t->group;
                        r->scale = t->scale;
                        r->component = (ig_component)c;
                        r->value = (double)NAN;
                        r->status = IG_ERR_CANCELLED;
                    }
                }
            }
        }
    }

    /* Biggest places first, in every phase. */
    s.by_size = ig__calloc(ctx, np ? np : 1, sizeof *s.by_size);
    s.task_order =
        ig__calloc(ctx, s.n_tasks ? s.n_tasks : 1, sizeof *s.task_order);
    if (!s.by_size || !s.task_order) goto nomem;
    order_places(&s, np);

    st = prepare_spatial(&s, sel, err);
    if (st != IG_OK) goto out;
    st = ig__parallel_for(ctx, np, build_view_item, &s);
    if (st != IG_OK) goto fail;
    {
        /* tasks of a place are contiguous, in place order */
        size_t oi = 0;
        for (size_t q = 0; q < np; q++) {
            size_t p = s.by_size[q];
            for (size_t k = 0; k < per_place_tasks; k++)
                s.task_order[oi++] = p * per_place_tasks + k;
        }
    }

    plan_prep(&s, sel);
    for (size_t p = 0; p < np; p++) {
        view *v = &s.views[p];
        if (s.plan.Y && !(v->Y = ig__calloc(ctx, ng, sizeof *v->Y))) goto nomem;
        if (s.plan.bycounts && !(v->bc = ig__calloc(ctx, ng, sizeof *v->bc)))
            goto nomem;
        if (s.plan.pairsum &&
            !(v->pairsum = ig__calloc(ctx, ng, sizeof *v->pairsum)))
            goto nomem;
        if (s.plan.sqdev && !(v->sqdev = ig__calloc(ctx, ng, sizeof *v->sqdev)))
            goto nomem;
    }
    if (s.plan.Y || s.plan.bycounts || s.plan.pairsum || s.plan.sqdev) {
        st = ig__parallel_for(ctx, np * ng, prep_group, &s);
        if (st != IG_OK) goto fail;
    }
    if (s.plan.tm) {
        st = ig__parallel_for(ctx, np, prep_place, &s);
        if (st != IG_OK) goto fail;
    }
    /* Phase 3, once per scale: the environments at that scale and their
     * sums, then the tasks of that scale (and, first, every task that
     * does not depend on a scale). */
    for (size_t q = 0; q < (s.any_scale ? nsc : 1); q++) {
        s.cur_scale = q;
        if (s.any_scale) {
            st = compute_envs(&s, &s.scales[q], err);
            if (st != IG_OK) goto out;
            if (s.plan.env_single || s.plan.env_multi) {
                st = prep_envs(&s);
                if (st != IG_OK) goto fail;
            }
        }
        st = ig__parallel_for(ctx, s.n_tasks, run_task, &s);
        if (st != IG_OK) goto fail;
    }
    *out = res;
    res = NULL;
    goto out;

nomem:
    st = IG_ERR_NOMEM;
fail:
    if (st == IG_ERR_NOMEM)
        ig__error_set(err, st, 0, 0, "out of memory");
    else if (st == IG_ERR_CANCELLED)
        ig__error_set(err, st, 0, 0, "cancelled");
    else
        ig__error_set(err, st, 0, 0, "measures: %s", ig_strerror(st));
out:
    ig__free(ctx, s.by_size, (np ? np : 1) * sizeof *s.by_size);
    ig__free(ctx, s.task_order,
             (s.n_tasks ? s.n_tasks : 1) * sizeof *s.task_order);
    if (s.views)
        for (size_t p = 0; p < np; p++) free_view(ctx, &s.views[p], ng);
    ig__free(ctx, s.views, np * sizeof *s.views);
    ig__free(ctx, s.tasks, s.n_tasks * sizeof *s.tasks);
    {
        size_t N = s.n_used ? s.n_used : 1;
        ig__free(ctx, s.env, (ng + 1) * N * sizeof *s.env);
        ig__free(ctx, s.env_tm, N * sizeof *s.env_tm);
        ig__free(ctx, s.area, N * sizeof *s.area);
        ig__free(ctx, s.uidx, N * sizeof *s.uidx);
        ig__free(ctx, s.urow, N * sizeof *s.urow);
        ig__free(ctx, s.ucol, N * sizeof *s.ucol);
        ig__free(ctx, s.uoff, (np + 1) * sizeof *s.uoff);
        size_t nb = s.n_blk ? s.n_blk : 1;
        ig__free(ctx, s.blk_place, nb * sizeof *s.blk_place);
        ig__free(ctx, s.blk_index, nb * sizeof *s.blk_index);
        ig__free(ctx, s.scales, s.n_scales * sizeof *s.scales);
    }
    ig_results_destroy(res);
    pthread_mutex_destroy(&s.mu);
    return st;
}

/* ---- one place's units, many rows (the inference module's replicates) --- */

ig_status ig__measures_eval(ig_ctx *ctx, const ig_units *u,
                            const ig_measure_info *const *ms,
                            const size_t *groups, size_t rows,
                            const ig_measure_params *p,
                            const double *t_groups, double *values,
                            ig_status *status)
{
    size_t ng = u->n_groups, n = u->n_units;
    unsigned char sel[256] = {0};
    int any = rows > 0, scale_single = 0, scale_multi = 0;
    for (size_t k = 0; k < rows; k++) {
        values[k] = (double)NAN;
        if (status) status[k] = IG_ERR_CANCELLED;
        sel[ig_measure_index(ms[k])] = 1;
        if (ms[k]->flags & IG_MF_SCALE) {
            if (ms[k]->family == IG_FAM_SINGLE) scale_single = 1;
            else scale_multi = 1;
        }
    }
    /* spatial rows need the lattice; without it they fail as
     * ig_measure_compute fails */
    int lattice = u->row && u->col && u->cell_m > 0;
    double *envS = NULL, *envM = NULL;
    const double **envp = NULL, **envpM = NULL;
    ig_status st = IG_OK;
    run_state s;
    memset(&s, 0, sizeof s);
    s.ctx = ctx;
    s.ng = ng;
    s.has_total = u->total != NULL;
    s.cell_m = u->cell_m;
    s.params = p;
    view v;
    memset(&v, 0, sizeof v);
    uint32_t zero = 0;
    double *t_own = NULL;
    if (any) {
        s.views = &v;
        s.by_size = &zero;
        v.n = n;
        v.counts = ig__calloc(ctx, ng, sizeof *v.counts);
        v.X = ig__calloc(ctx, ng, sizeof *v.X);
        if (!t_groups) t_own = ig__alloc(ctx, (n ? n : 1) * sizeof *t_own);
        if (!v.counts || !v.X || (!t_groups && !t_own)) goto nomem;
        for (size_t g = 0; g < ng; g++) v.counts[g] = u->counts[g];
        /* the sum of the groups, as ig_grid_totals and the registry's
         * pass add them */
        for (size_t i = 0; t_own && i < n; i++) {
            ig_ksum ki;
            ig_ksum_init(&ki);
            for (size_t g = 0; g < ng; g++) ig_ksum_add(&ki, u->counts[g][i]);
            t_own[i] = ig_ksum_value(&ki);
        }
        v.t_multi = t_groups ? t_groups : t_own;
        v.t_single = u->total ? u->total : v.t_multi;
        v.row = u->row;
        v.col = u->col;
        v.area = u->area;
        v.T_single = ig_ksum_array(v.t_single, n);
        v.T_multi = v.t_multi == v.t_single ? v.T_single
                                            : ig_ksum_array(v.t_multi, n);
        for (size_t g = 0; g < ng; g++)
            v.X[g] = ig_ksum_array(v.counts[g], n);
        plan_prep(&s, sel);
        if (s.plan.Y && !(v.Y = ig__calloc(ctx, ng, sizeof *v.Y)))
            goto nomem;
        if (s.plan.pairsum &&
            !(v.pairsum = ig__calloc(ctx, ng, sizeof *v.pairsum)))
            goto nomem;
        if (s.plan.sqdev && !(v.sqdev = ig__calloc(ctx, ng, sizeof *v.sqdev)))
            goto nomem;
        if (s.plan.bycounts) {
            v.bc = ig__calloc(ctx, ng, sizeof *v.bc);
            if (!v.bc ||
                ig__bycounts_build_all(ctx, v.counts, ng, v.t_single, n,
                                       v.bc) != IG_OK) {
                ig__free(ctx, v.bc, ng * sizeof *v.bc);
                v.bc = NULL;
                goto nomem;
            }
            s.plan.bycounts = 0; /* built: prep_group must not build again */
        }
        for (size_t g = 0; g < ng; g++)
            if (prep_group(&s, g) != IG_OK) goto nomem;
        if (prep_place(&s, 0) != IG_OK) goto nomem;
    }
    /* The local environments of every unit at p->scale, once for all
     * scale rows (the registry computes them per call): the groups and the
     * population around each unit on the single-group t, and again on the
     * sum of the groups when a total column makes that another t (the
     * same ig_neighbourhoods calls as ig_measure_compute, so the same
     * bits). */
    if (any && lattice && n && (scale_single || scale_multi)) {
        size_t sz = (ng + 1) * n;
        envp = ig__calloc(ctx, ng, sizeof *envp);
        envS = ig__alloc(ctx, sz * sizeof *envS);
        if (!envp || !envS) goto nomem;
        ig_lattice lat = {n, u->row, u->col, ng, v.counts, v.t_single,
                          u->cell_m};
        ig_status es = ig_neighbourhoods(ctx, &lat, n, u->row, u->col,
                                         &p->scale, envS, NULL, NULL);
        if (es == IG_ERR_NOMEM) goto nomem;
        if (es != IG_OK) {
            /* a bad scale: let each row fail through the registry */
            ig__free(ctx, envS, sz * sizeof *envS);
            envS = NULL;
        }
        if (envS && scale_multi && v.t_multi != v.t_single) {
            /* k nearest residents count t: even the groups' environments
             * differ on the other t */
            envM = ig__alloc(ctx, sz * sizeof *envM);
            envpM = ig__calloc(ctx, ng, sizeof *envpM);
            if (!envM || !envpM) goto nomem;
            lat.total = v.t_multi;
            es = ig_neighbourhoods(ctx, &lat, n, u->row, u->col, &p->scale,
                                   envM, NULL, NULL);
            if (es == IG_ERR_NOMEM) goto nomem;
            if (es != IG_OK) {
                ig__free(ctx, envM, sz * sizeof *envM);
                envM = NULL;
            }
        }
        if (envM)
            for (size_t g = 0; g < ng; g++) envpM[g] = envM + g * n;
        if (envS) {
            for (size_t g = 0; g < ng; g++) envp[g] = envS + g * n;
            v.env = envp;
            v.env_t_single = envS + ng * n;
            v.env_t_multi = (envM ? envM : envS) + ng * n;
        }
    }
    for (size_t k = 0; k < rows; k++) {
        const ig_measure_info *m = ms[k];
        double val = (double)NAN;
        ig_status rs;
        int spatial = (m->flags & (IG_MF_SPATIAL | IG_MF_SCALE)) != 0;
        int scale = (m->flags & IG_MF_SCALE) != 0;
        if (spatial && (!lattice || !n || (scale && !v.env) ||
                        (scale && m->family == IG_FAM_MULTI &&
                         v.t_multi != v.t_single && !envM))) {
            rs = ig_measure_compute(ctx, m, u, groups[k], p, &val, NULL);
        } else {
            ig__min in;
            task_input(&s, &v,
                       m->family == IG_FAM_SINGLE ? (long)groups[k] : -1, &in);
            if (scale && m->family == IG_FAM_MULTI && envpM) in.env = envpM;
            ig_error e;
            memset(&e, 0, sizeof e);
            in.err = &e;
            rs = ig__measure_call(m, &in, &val);
        }
        if (rs == IG_ERR_NOMEM) goto nomem;
        values[k] = rs == IG_OK ? val : (double)NAN;
        if (status) status[k] = rs;
    }
    goto done;
nomem:
    st = IG_ERR_NOMEM;
done:
    if (envS) ig__free(ctx, envS, (ng + 1) * n * sizeof *envS);
    if (envM) ig__free(ctx, envM, (ng + 1) * n * sizeof *envM);
    v.env = NULL; /* envp, freed here, not by free_view */
    ig__free(ctx, (void *)envp, ng * sizeof *envp);
    ig__free(ctx, (void *)envpM, ng * sizeof *envpM);
    if (any) {
        free_view(ctx, &v, ng);
        if (t_own) ig__free(ctx, t_own, (n ? n : 1) * sizeof *t_own);
    }
    return st;
}
