/* Aggregation of a spatial grid to coarser cells (ig_grid_aggregate).
 *
 * Design: the coarse grid is laid out directly as structure-of-arrays (no
 * grid builder, which would log every merged row as a duplicate). Fine
 * cells are already in canonical order (place, row, column), so within a
 * place the coarse row (floor(row / k)) never decreases: each run of fine
 * cells with one coarse row is sorted by (coarse column, fine index) and
 * then swept once. The coarse cells come out in canonical order and every
 * sum runs over its fine cells in canonical order with ig_ksum, so the
 * result depends neither on the input order nor on anything but the grid. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/grid_internal.h"
#include "core/ksum.h"

typedef struct agg_ent {
    int32_t ccol; /* coarse column */
    uint32_t idx; /* fine cell index */
} agg_ent;

static int cmp_ent(const void *pa, const void *pb)
{
    const agg_ent *a = pa, *b = pb;
    if (a->ccol != b->ccol) return a->ccol < b->ccol ? -1 : 1;
    if (a->idx != b->idx) return a->idx < b->idx ? -1 : 1;
    return 0;
}

/* Floor division: lattice indices of negative coordinates round down. */
static int32_t floor_div(int32_t a, int32_t k)
{
    int32_t q = a / k;
    if (a % k != 0 && a < 0) q--;
    return q;
}

static char **copy_names(ig_ctx *ctx, char *const *src, size_t n)
{
    char **d = ig__calloc(ctx, n ? n : 1, sizeof *d);
    if (!d) return NULL;
    for (size_t i = 0; i < n; i++) {
        d[i] = ig__strdup(ctx, src[i]);
        if (!d[i]) {
            for (size_t j = 0; j < i; j++)
                ig__free(ctx, d[j], strlen(d[j]) + 1);
            ig__free(ctx, d, (n ? n : 1) * sizeof *d);
            return NULL;
        }
    }
    return d;
}

/* Sort each (place, coarse row) run of ent by coarse column and count the
 * coarse cells. */
static size_t sort_runs(const ig_grid *src, int32_t k, agg_ent *ent)
{
    size_t ncoarse = 0;
    for (size_t p = 0; p < src->n_places; p++) {
        size_t s = src->place_start[p], e = src->place_start[p + 1];
        size_t i = s;
        while (i < e) {
            int32_t crow = floor_div(src->row[i], k);
            size_t j = i;
            while (j < e && floor_div(src->row[j], k) == crow) {
                ent[j].ccol = floor_div(src->col[j], k);
                ent[j].idx = (uint32_t)j;
                j++;
            }
            qsort(ent + i, j - i, sizeof *ent, cmp_ent);
            for (size_t t = i; t < j; t++)
                if (t == i || ent[t].ccol != ent[t - 1].ccol) ncoarse++;
            i = j;
        }
    }
    return ncoarse;
}

static ig_status alloc_coarse(ig_ctx *ctx, const ig_grid *src, size_t nc,
                              ig_grid **out)
{
    ig_grid *g = ig__calloc(ctx, 1, sizeof *g);
    if (!g) return IG_ERR_NOMEM;
    *out = g;
    size_t ng = src->n_groups, nv = src->n_vars, np = src->n_places;
    size_t na = nc ? nc : 1;
    g->ctx = ctx;
    g->epsg = src->epsg;
    g->n_cells = nc;
    g->n_groups = ng;
    g->n_vars = nv;
    g->n_places = np;
    g->has_total = src->has_total;
    g->group_names = copy_names(ctx, src->group_names, ng);
    g->var_names = copy_names(ctx, src->var_names, nv);
    g->place_names = copy_names(ctx, src->place_names, np);
    g->counts = ig__calloc(ctx, ng, sizeof *g->counts);
    g->na = ig__calloc(ctx, ng, sizeof *g->na);
    g->na_cells = ig__calloc(ctx, ng, sizeof *g->na_cells);
    g->vars = ig__calloc(ctx, nv ? nv : 1, sizeof *g->vars);
    g->total = ig__alloc(ctx, na * sizeof *g->total);
    g->row = ig__alloc(ctx, na * sizeof *g->row);
    g->col = ig__alloc(ctx, na * sizeof *g->col);
    g->place_start = ig__calloc(ctx, np + 1, sizeof *g->place_start);
    g->source = ig__strdup(ctx, src->source ? src->source : "memory");
    if (!g->group_names || !g->var_names || !g->place_names || !g->counts ||
        !g->na || !g->na_cells || !g->vars || !g->total || !g->row ||
        !g->col || !g->place_start || !g->source)
        return IG_ERR_NOMEM;
    for (size_t k = 0; k < ng; k++) {
        g->counts[k] = ig__alloc(ctx, na * sizeof **g->counts);
        if (!g->counts[k]) return IG_ERR_NOMEM;
        if (src->na[k]) {
            g->na[k] = ig__calloc(ctx, na, 1);
            if (!g->na[k]) return IG_ERR_NOMEM;
        }
    }
    for (size_t v = 0; v < nv; v++) {
        g->vars[v] = ig__alloc(ctx, na * sizeof **g->vars);
        if (!g->vars[v]) return IG_ERR_NOMEM;
    }
    if (src->na_any) {
        g->na_any = ig__calloc(ctx, na, 1);
        if (!g->na_any) return IG_ERR_NOMEM;
    }
    return IG_OK;
}

/* One sweep over the sorted entries: a new coarse cell starts at every
 * change of place, coarse row or coarse column. acc holds ng + 1 + nv
 * compensated sums; nan_var flags variables that met a NaN. */
static void sweep(const ig_grid *src, int32_t k, const agg_ent *ent,
                  ig_grid *g, uint32_t *cell_map, ig_ksum *acc,
                  uint8_t *nan_var)
{
    size_t ng = src->n_groups, nv = src->n_vars;
    size_t c = 0;
    for (size_t p = 0; p < src->n_places; p++) {
        g->place_start[p] = c;
        size_t s = src->place_start[p], e = src->place_start[p + 1];
        size_t t = s;
        while (t < e) {
            uint32_t i0 = ent[t].idx;
            int32_t crow = floor_div(src->row[i0], k), ccol = ent[t].ccol;
            for (size_t a = 0; a < ng + 1 + nv; a++) ig_ksum_init(&acc[a]);
            memset(nan_var, 0, nv ? nv : 1);
            size_t u = t;
            for (; u < e && ent[u].ccol == ccol &&
                   floor_div(src->row[ent[u].idx], k) == crow;
                 u++) {
                uint32_t i = ent[u].idx;
                for (size_t q = 0; q < ng; q++) {
                    ig_ksum_add(&acc[q], src->counts[q][i]);
                    if (src->na[q]) g->na[q][c] |= src->na[q][i];
                }
                ig_ksum_add(&acc[ng], src->total[i]);
                for (size_t v = 0; v < nv; v++) {
                    double x = src->vars[v][i];
                    if (isnan(x)) nan_var[v] = 1;
                    else ig_ksum_add(&acc[ng + 1 + v], x);
                }
                if (src->na_any) g->na_any[c] |= src->na_any[i];
                if (cell_map) cell_map[i] = (uint32_t)c;
            }
            g->row[c] = crow;
            g->col[c] = ccol;
            for (size_t q = 0; q < ng; q++)
                g->counts[q][c] = ig_ksum_value(&acc[q]);
            g->total[c] = ig_ksum_value(&acc[ng]);
            for (size_t v = 0; v < nv; v++)
                g->vars[v][c] = nan_var[v] ? (double)NAN
                                           : ig_ksum_value(&acc[ng + 1 + v]);
            c++;
            t = u;
        }
    }
    g->place_start[src->n_places] = c;
}

/* Counts of not-available cells, and the reader's statistics. */
static void finish_stats(const ig_grid *src, ig_grid *g)
{
    uint64_t any = 0;
    for (size_t q = 0; q < g->n_groups; q++) {
        uint64_t cnt = 0;
        if (g->na[q])
            for (size_t c = 0; c < g->n_cells; c++) cnt += g->na[q][c];
        g->na_cells[q] = cnt;
    }
    if (g->na_any)
        for (size_t c = 0; c < g->n_cells; c++) any += g->na_any[c];
    g->stats = src->stats;
    g->stats.cells_na = any;
    g->stats.duplicates = 0;
}

ig_status ig_grid_aggregate(ig_ctx *ctx, const ig_grid *src, int32_t size_m,
                            ig_grid **out, uint32_t *cell_map, ig_error *err)
{
    if (!src || !out)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "ig_grid_aggregate: grid and out are required");
    int32_t fine = src->size_m;
    if (fine <= 0 || !src->row)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "cannot aggregate aspatial units: aggregation "
                             "needs a grid of cells with coordinates");
    if (size_m <= 0 || size_m % fine != 0)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "cannot aggregate %d m cells to %d m: the new "
                             "size must be a whole multiple of %d m (e.g. "
                             "%d, %d or %d m)",
                             (int)fine, (int)size_m, (int)fine,
                             (int)(2 * fine), (int)(5 * fine),
                             (int)(10 * fine));
    if (src->n_cells >= UINT32_MAX)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "%zu cells are too many to aggregate",
                             src->n_cells);
    int32_t k = size_m / fine;
    size_t n = src->n_cells, ng = src->n_groups, nv = src->n_vars;
    agg_ent *ent = ig__alloc(ctx, (n ? n : 1) * sizeof *ent);
    ig_ksum *acc = ig__alloc(ctx, (ng + 1 + nv) * sizeof *acc);
    uint8_t *nan_var = ig__alloc(ctx, nv ? nv : 1);
    ig_grid *g = NULL;
    ig_status st = IG_ERR_NOMEM;
    if (ent && acc && nan_var) {
        size_t nc = sort_runs(src, k, ent);
        st = alloc_coarse(ctx, src, nc, &g);
        if (st == IG_OK) {
            g->size_m = size_m;
            sweep(src, k, ent, g, cell_map, acc, nan_var);
            finish_stats(src, g);
        }
    }
    ig__free(ctx, nan_var, nv ? nv : 1);
    ig__free(ctx, acc, (ng + 1 + nv) * sizeof *acc);
    ig__free(ctx, ent, (n ? n : 1) * sizeof *ent);
    if (st != IG_OK) {
        ig_grid_destroy(g);
        return ig__error_set(err, st, 0, 0,
                             "out of memory aggregating %zu cells", n);
    }
    *out = g;
    return IG_OK;
}
