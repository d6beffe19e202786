/* Inference over every place of a grid (ig_infer_run).
 *
 * The values come from ig_measures_run(), unchanged, so the rows are the
 * same as without inference. Then, place by place, the place's used cells
 * are copied into an ig_units (the cells where a group in use is not
 * available are left out unless na_as_zero, as the runner does), and each
 * defined total row gets ig_infer_units(), whose replicates run in
 * parallel. Rows are visited in order, so the output does not depend on
 * the thread count. */
#include <math.h>
#include <string.h>

#include "core/core.h"
#include "infer/infer_impl.h"
#include "integrid/ig_infer.h"

struct ig_infer_results {
    ig_ctx *ctx;
    ig_results *values;
    ig_inference *rows;
    size_t n_rows;
    int partial;   /* stopped before every row had its inference */
    size_t n_done; /* rows with their inference finished */
};

/* Whether place p gets inference under o. */
static int place_wanted(const ig_infer_opts *o, size_t p)
{
    if (!o->places) return 1;
    for (size_t k = 0; k < o->n_places; k++)
        if (o->places[k] == p) return 1;
    return 0;
}

/* One place as plain arrays (copies: the grid's may hold excluded
 * cells). */
typedef struct place_units {
    size_t n, ng;
    double *block;        /* (ng + 2) * n: groups, total, area */
    const double **counts;
    int32_t *rc;          /* 2 * n: rows, cols; NULL for aspatial grids */
    ig_units u;
} place_units;

static void place_free(ig_ctx *ctx, place_units *pu)
{
    size_t n = pu->n ? pu->n : 1;
    ig__free(ctx, pu->block, (pu->ng + 2) * n * sizeof *pu->block);
    ig__free(ctx, (void *)pu->counts, pu->ng * sizeof *pu->counts);
    ig__free(ctx, pu->rc, 2 * n * sizeof *pu->rc);
    memset(pu, 0, sizeof *pu);
}

static ig_status place_build(ig_ctx *ctx, const ig_grid *g,
                             const ig_run_opts *ro, const double *area_var,
                             size_t p, place_units *pu)
{
    size_t first = 0, count = 0;
    ig_status st = ig_grid_place_range(g, p, &first, &count);
    if (st != IG_OK) return st;
    const uint8_t *na = ro->na_as_zero ? NULL : ig_grid_na_any(g);
    size_t n = 0;
    for (size_t i = 0; i < count; i++)
        if (!na || !na[first + i]) n++;
    size_t ng = ig_grid_ngroups(g), n1 = n ? n : 1;
    memset(pu, 0, sizeof *pu);
    pu->n = n;
    pu->ng = ng;
    const int32_t *rows = ig_grid_rows(g), *cols = ig_grid_cols(g);
    pu->block = ig__calloc(ctx, (ng + 2) * n1, sizeof *pu->block);
    pu->counts = ig__calloc(ctx, ng ? ng : 1, sizeof *pu->counts);
    if (rows && cols) pu->rc = ig__calloc(ctx, 2 * n1, sizeof *pu->rc);
    if (!pu->block || !pu->counts || (rows && cols && !pu->rc)) {
        place_free(ctx, pu);
        return IG_ERR_NOMEM;
    }
    const double *tot = ig_grid_totals(g);
    double whole = (double)ig_grid_cell_size_m(g) *
                   (double)ig_grid_cell_size_m(g) / 1e6;
    size_t k = 0;
    for (size_t i = first; i < first + count; i++) {
        if (na && na[i]) continue;
        for (size_t q = 0; q < ng; q++)
            pu->block[q * n1 + k] = ig_grid_counts(g, q)[i];
        pu->block[ng * n1 + k] = tot[i];
        if (area_var) {
            double a = area_var[i];
            pu->block[(ng + 1) * n1 + k] = (a >= 0.0 && isfinite(a)) ? a : whole;
        }
        if (pu->rc) {
            pu->rc[k] = rows[i];
            pu->rc[n1 + k] = cols[i];
        }
        k++;
    }
    for (size_t q = 0; q < ng; q++) pu->counts[q] = pu->block + q * n1;
    memset(&pu->u, 0, sizeof pu->u);
    pu->u.n_units = n;
    pu->u.n_groups = ng;
    pu->u.counts = pu->counts;
    pu->u.total = ig_grid_has_total(g) ? pu->block + ng * n1 : NULL;
    if (pu->rc) {
        pu->u.row = pu->rc;
        pu->u.col = pu->rc + n1;
    }
    pu->u.cell_m = ig_grid_cell_size_m(g);
    pu->u.area = area_var ? pu->block + (ng + 1) * n1 : NULL;
    return IG_OK;
}

ig_status ig_infer_run(ig_ctx *ctx, const ig_grid *grid,
                       const ig_run_opts *run_opts,
                       const ig_infer_opts *infer_opts,
                       ig_infer_results **out, ig_error *err)
{
    if (!grid || !out)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "inference: grid and out are required");
    *out = NULL;
    ig_run_opts rdef;
    if (!run_opts) {
        ig_run_opts_init(&rdef);
        run_opts = &rdef;
    }
    ig_infer_opts idef;
    if (!infer_opts) {
        ig_infer_opts_init(&idef);
        infer_opts = &idef;
    }
    const double *area_var = NULL;
    if (run_opts->area_var) {
        size_t vi = ig_grid_var_index(grid, run_opts->area_var);
        if (vi == (size_t)-1)
            return ig__error_set(err, IG_ERR_NOT_FOUND, 0, 0,
                                 "no land-area column '%s' in the grid; keep "
                                 "it when reading (--keep %s)",
                                 run_opts->area_var, run_opts->area_var);
        area_var = ig_grid_var(grid, vi);
    }
    ig_infer_results *r = ig__calloc(ctx, 1, sizeof *r);
    if (!r) return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    r->ctx = ctx;
    ig_status st = ig_measures_run(ctx, grid, run_opts, &r->values, err);
    if (st != IG_OK) {
        ig__free(ctx, r, sizeof *r);
        return st;
    }
    r->n_rows = ig_results_nrows(r->values);
    r->rows = ig__calloc(ctx, r->n_rows ? r->n_rows : 1, sizeof *r->rows);
    if (!r->rows) {
        ig_infer_results_destroy(r);
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    }
    const double nan = (double)NAN;
    for (size_t i = 0; i < r->n_rows; i++) {
        ig_inference z = {nan, nan, nan, nan, nan, nan, nan, nan, nan, nan,
                          nan, 0,   0,   nan, nan, nan, 0};
        z.value = ig_results_row(r->values, i)->value;
        r->rows[i] = z;
    }
    int any = infer_opts->ci || infer_opts->test ||
              infer_opts->noise.kind != IG_NOISE_NONE;
    place_units pu;
    memset(&pu, 0, sizeof pu);
    size_t cur = (size_t)-1;
    /* Rows of one place with the same parameters (one scale) share their
     * draws: ig__infer_units_batch computes every row on each draw, with
     * the same streams and so the same numbers as one row at a time. */
    size_t nr = r->n_rows;
    const ig_measure_info **bm = ig__calloc(ctx, nr ? nr : 1, sizeof *bm);
    size_t *bg = ig__calloc(ctx, nr ? nr : 1, sizeof *bg);
    size_t *bi = ig__calloc(ctx, nr ? nr : 1, sizeof *bi);
    ig_inference *bo = ig__calloc(ctx, nr ? nr : 1, sizeof *bo);
    unsigned char *done = ig__calloc(ctx, nr ? nr : 1, 1);
    if (!bm || !bg || !bi || !bo || !done) st = IG_ERR_NOMEM;
    for (size_t i = 0; any && st == IG_OK && i < nr; i++) {
        const ig_result_row *row = ig_results_row(r->values, i);
        if (done[i] || row->status != IG_OK ||
            row->component != IG_COMP_TOTAL ||
            !place_wanted(infer_opts, row->place))
            continue;
        if (row->place != cur) {
            place_free(ctx, &pu);
            cur = (size_t)-1;
            st = place_build(ctx, grid, run_opts, area_var, row->place, &pu);
            if (st != IG_OK) break;
            cur = row->place;
        }
        /* the batch: this row and the later rows of the place with the
         * same scale (rows of a place are contiguous) */
        size_t key = (row->measure->flags & IG_MF_SCALE) ? row->scale + 1 : 0;
        size_t nb = 0;
        for (size_t k = i; k < nr; k++) {
            const ig_result_row *q = ig_results_row(r->values, k);
            if (q->place != row->place) break;
            size_t qk = (q->measure->flags & IG_MF_SCALE) ? q->scale + 1 : 0;
            if (done[k] || q->status != IG_OK ||
                q->component != IG_COMP_TOTAL || qk != key)
                continue;
            bm[nb] = q->measure;
            bg[nb] = q->group >= 0 ? (size_t)q->group : 0;
            bi[nb++] = k;
            done[k] = 1;
        }
        ig_measure_params prm = run_opts->params;
        if (key && run_opts->n_scales && row->scale < run_opts->n_scales)
            prm.scale = run_opts->scales[row->scale];
        ig__infer_poll poll = {run_opts->progress, run_opts->progress_ud,
                               (uint64_t)i, (uint64_t)nr};
        st = ig__infer_units_batch(ctx, bm, bg, nb, &pu.u, &prm, infer_opts,
                                   &poll, bo, err);
        if (st == IG_ERR_NUMERIC) {
            /* a row undefined on the copied units: one row at a time, the
             * undefined ones left NaN */
            st = IG_OK;
            for (size_t k = 0; k < nb && st == IG_OK; k++) {
                st = ig_infer_units(ctx, bm[k], &pu.u, bg[k], &prm,
                                    infer_opts, &bo[k], err);
                if (st == IG_ERR_NUMERIC) {
                    st = IG_OK;
                    bo[k] = r->rows[bi[k]];
                    bo[k].n_boot = -1; /* marks: leave blank */
                }
            }
        }
        if (st != IG_OK) break;
        for (size_t k = 0; k < nb; k++) {
            if (bo[k].n_boot < 0) continue;
            ig_inference inf = bo[k];
            double v = ig_results_row(r->values, bi[k])->value;
            inf.value = v;
            if (isfinite(inf.noise_bias))
                inf.noise_share = v != 0.0 ? inf.noise_bias / v : nan;
            if (isfinite(inf.expected)) {
                inf.corrected = v - inf.expected;
                inf.z = inf.null_sd > 0.0 ? (v - inf.expected) / inf.null_sd
                                          : nan;
            }
            r->rows[bi[k]] = inf;
            r->n_done++;
        }
        if (run_opts->progress &&
            run_opts->progress(run_opts->progress_ud,
                               (uint64_t)(bi[nb - 1] + 1), (uint64_t)nr)) {
            st = ig__error_set(err, IG_ERR_CANCELLED, 0, 0, "cancelled");
            break;
        }
    }
    ig__free(ctx, (void *)bm, (nr ? nr : 1) * sizeof *bm);
    ig__free(ctx, bg, (nr ? nr : 1) * sizeof *bg);
    ig__free(ctx, bi, (nr ? nr : 1) * sizeof *bi);
    ig__free(ctx, bo, (nr ? nr : 1) * sizeof *bo);
    ig__free(ctx, done, nr ? nr : 1);
    place_free(ctx, &pu);
    if (st == IG_ERR_CANCELLED) {
        /* what was finished stays: the values and the rows done */
        r->partial = 1;
        *out = r;
        return ig__error_set(err, st, 0, 0,
                             "cancelled: %zu rows have their inference",
                             r->n_done);
    }
    if (st != IG_OK) {
        if (st == IG_ERR_NOMEM)
            ig__error_set(err, st, 0, 0, "out of memory");
        ig_infer_results_destroy(r);
        return st;
    }
    *out = r;
    return IG_OK;
}

int ig_infer_results_partial(const ig_infer_results *r)
{
    return r ? r->partial : 0;
}

size_t ig_infer_results_done(const ig_infer_results *r)
{
    return r ? r->n_done : 0;
}

const ig_results *ig_infer_results_values(const ig_infer_results *r)
{
    return r ? r->values : NULL;
}

const ig_inference *ig_infer_results_row(const ig_infer_results *r, size_t i)
{
    if (!r || i >= r->n_rows) return NULL;
    return &r->rows[i];
}

void ig_infer_results_destroy(ig_infer_results *r)
{
    if (!r) return;
    ig_results_destroy(r->values);
    ig__free(r->ctx, r->rows, (r->n_rows ? r->n_rows : 1) * sizeof *r->rows);
    ig__free(r->ctx, r, sizeof *r);
}
