/* ig_grid_regroup: a grid whose places are caller-given lists of cells of
 * another grid (urban centres, polygons of a boundary file, all centres of
 * a country together).
 *
 * Design: the new grid is laid out directly (no builder, no parsing): each
 * place's entries are checked, put in canonical order, and copied column by
 * column. Lists that come from a scan of the source in its own order are
 * already sorted, so the sort is skipped when a place's keys ascend; only
 * places that span several source places (a centre across a border) pay
 * for an O(k log k) sort. Duplicates within a place are an error rather
 * than a sum: summing would double-count residents of one lattice cell. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/grid_internal.h"

typedef struct entry {
    uint64_t key;     /* spatial: packed (row, col); aspatial: unused */
    const char *name; /* aspatial: unit name */
    size_t idx;       /* source cell */
    double w;
} entry;

static uint64_t key_rc(int32_t row, int32_t col)
{
    /* Offset so that negative lattice indices order correctly. */
    return ((uint64_t)((int64_t)row + 0x80000000LL) << 32) |
           (uint64_t)((int64_t)col + 0x80000000LL);
}

static int cmp_key(const void *pa, const void *pb)
{
    const entry *a = pa, *b = pb;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static int cmp_name(const void *pa, const void *pb)
{
    const entry *a = pa, *b = pb;
    int c = strcmp(a->name, b->name);
    if (c) return c;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static char **copy_names(ig_ctx *ctx, char *const *src, size_t n)
{
    char **d = ig__calloc(ctx, n ? n : 1, sizeof *d);
    if (!d) return NULL;
    for (size_t i = 0; i < n; i++) {
        if (!(d[i] = ig__strdup(ctx, src[i]))) {
            for (size_t j = 0; j < i; j++)
                ig__free(ctx, d[j], strlen(d[j]) + 1);
            ig__free(ctx, d, n * sizeof *d);
            return NULL;
        }
    }
    return d;
}

static ig_status check_args(const ig_grid *src, size_t nplaces,
                            const char *const *names, const size_t *offsets,
                            const size_t *cells, const double *weights,
                            ig_error *err)
{
    if (!src || nplaces == 0 || !names || !offsets ||
        (offsets[nplaces] > 0 && !cells))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "ig_grid_regroup: missing grid, names, offsets "
                             "or cells, or no places");
    if (offsets[0] != 0)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "ig_grid_regroup: offsets[0] is %zu, not 0",
                             offsets[0]);
    for (size_t p = 0; p < nplaces; p++) {
        if (!names[p])
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "ig_grid_regroup: place %zu has no name", p);
        if (offsets[p + 1] < offsets[p])
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "ig_grid_regroup: offsets descend at place "
                                 "%zu ('%s')", p, names[p]);
    }
    size_t n = offsets[nplaces];
    for (size_t i = 0; i < n; i++) {
        if (cells[i] >= src->n_cells)
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "ig_grid_regroup: cell index %zu out of range "
                                 "(the grid has %zu cells)",
                                 cells[i], src->n_cells);
        if (weights && !(weights[i] > 0.0 && weights[i] <= 1.0))
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "ig_grid_regroup: weight %g of entry %zu is "
                                 "outside (0, 1]",
                                 weights[i], i);
    }
    return IG_OK;
}

ig_status ig_grid_regroup(ig_ctx *ctx, const ig_grid *src, size_t nplaces,
                          const char *const *names, const size_t *offsets,
                          const size_t *cells, const double *weights,
                          ig_grid **out, ig_error *err)
{
    if (!out)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "ig_grid_regroup: no output pointer");
    ig_status st = check_args(src, nplaces, names, offsets, cells, weights,
                              err);
    if (st != IG_OK) return st;

    const size_t n = offsets[nplaces];
    const size_t ng = src->n_groups, nv = src->n_vars;
    const size_t nc = n ? n : 1;
    const int spatial = src->size_m > 0;
    entry *e = ig__alloc(ctx, nc * sizeof *e);
    ig_grid *g = ig__calloc(ctx, 1, sizeof *g);
    if (g) g->ctx = ctx;
    if (!e || !g) goto nomem;

    /* Entries in canonical order per place; duplicates are an error. */
    for (size_t i = 0; i < n; i++) {
        size_t c = cells[i];
        e[i].idx = c;
        e[i].w = weights ? weights[i] : 1.0;
        e[i].name = spatial ? NULL : src->unit_names[c];
        e[i].key = spatial ? key_rc(src->row[c], src->col[c]) : 0;
    }
    for (size_t p = 0; p < nplaces; p++) {
        entry *pe = e + offsets[p];
        size_t k = offsets[p + 1] - offsets[p];
        int sorted = 1;
        for (size_t i = 1; i < k && sorted; i++)
            sorted = spatial ? pe[i - 1].key < pe[i].key
                             : strcmp(pe[i - 1].name, pe[i].name) < 0;
        if (!sorted) qsort(pe, k, sizeof *pe, spatial ? cmp_key : cmp_name);
        for (size_t i = 1; i < k; i++) {
            int dup = spatial ? pe[i - 1].key == pe[i].key
                              : strcmp(pe[i - 1].name, pe[i].name) == 0;
            if (!dup) continue;
            char id[96];
            if (ig_grid_cell_id(src, pe[i].idx, id, sizeof id) != IG_OK)
                snprintf(id, sizeof id, "#%zu", pe[i].idx);
            st = ig__error_set(err, IG_ERR_MISMATCH, 0, 0,
                               "place '%s' lists cell %s twice (source cells "
                               "%zu and %zu); a cell may be in a place once",
                               names[p], id, pe[i - 1].idx, pe[i].idx);
            goto out;
        }
    }

    g->size_m = src->size_m;
    g->epsg = src->epsg;
    g->n_cells = n;
    g->n_groups = ng;
    g->n_vars = nv;
    g->n_places = nplaces;
    g->has_total = src->has_total;
    g->group_names = copy_names(ctx, src->group_names, ng);
    g->var_names = copy_names(ctx, src->var_names, nv);
    g->counts = ig__calloc(ctx, ng, sizeof *g->counts);
    g->na = ig__calloc(ctx, ng, sizeof *g->na);
    g->na_cells = ig__calloc(ctx, ng, sizeof *g->na_cells);
    g->vars = ig__calloc(ctx, nv ? nv : 1, sizeof *g->vars);
    g->total = ig__alloc(ctx, nc * sizeof *g->total);
    g->place_names = ig__calloc(ctx, nplaces, sizeof *g->place_names);
    g->place_start = ig__calloc(ctx, nplaces + 1, sizeof *g->place_start);
    if (!g->group_names || !g->var_names || !g->counts || !g->na ||
        !g->na_cells || !g->vars || !g->total || !g->place_names ||
        !g->place_start)
        goto nomem;
    for (size_t p = 0; p < nplaces; p++) {
        if (!(g->place_names[p] = ig__strdup(ctx, names[p]))) goto nomem;
        g->place_start[p + 1] = offsets[p + 1];
    }
    if (spatial) {
        g->row = ig__alloc(ctx, nc * sizeof *g->row);
        g->col = ig__alloc(ctx, nc * sizeof *g->col);
        if (!g->row || !g->col) goto nomem;
        for (size_t i = 0; i < n; i++) {
            g->row[i] = src->row[e[i].idx];
            g->col[i] = src->col[e[i].idx];
        }
    } else {
        g->unit_names = ig__calloc(ctx, nc, sizeof *g->unit_names);
        if (!g->unit_names) goto nomem;
        for (size_t i = 0; i < n; i++)
            if (!(g->unit_names[i] = ig__strdup(ctx, e[i].name))) goto nomem;
    }
    for (size_t k = 0; k < ng; k++) {
        double *d = g->counts[k] = ig__alloc(ctx, nc * sizeof *d);
        if (!d) goto nomem;
        const double *s = src->counts[k];
        for (size_t i = 0; i < n; i++) d[i] = s[e[i].idx] * e[i].w;
    }
    for (size_t i = 0; i < n; i++) g->total[i] = src->total[e[i].idx] * e[i].w;
    for (size_t v = 0; v < nv; v++) {
        double *d = g->vars[v] = ig__alloc(ctx, nc * sizeof *d);
        if (!d) goto nomem;
        const double *s = src->vars[v];
        for (size_t i = 0; i < n; i++) d[i] = s[e[i].idx] * e[i].w;
    }
    if (src->within) {
        g->n_within = src->n_within;
        g->within_names = copy_names(ctx, src->within_names, src->n_within);
        if (!g->within_names) {
            g->n_within = 0;
            goto nomem;
        }
        g->within = ig__alloc(ctx, nc * sizeof *g->within);
        if (!g->within) goto nomem;
        for (size_t i = 0; i < n; i++) g->within[i] = src->within[e[i].idx];
    }

    /* Not-available flags: kept per group, recounted for the new cells. */
    uint64_t any = 0;
    for (size_t k = 0; k < ng; k++) {
        if (!src->na || !src->na[k]) continue;
        uint64_t cnt = 0;
        for (size_t i = 0; i < n; i++) cnt += src->na[k][e[i].idx];
        g->na_cells[k] = cnt;
        if (cnt == 0) continue;
        uint8_t *d = g->na[k] = ig__alloc(ctx, nc);
        if (!d) goto nomem;
        if (!g->na_any && !(g->na_any = ig__calloc(ctx, nc, 1))) goto nomem;
        for (size_t i = 0; i < n; i++) {
            d[i] = src->na[k][e[i].idx];
            g->na_any[i] |= d[i];
        }
    }
    if (g->na_any) {
        for (size_t i = 0; i < n; i++) any += g->na_any[i];
    }

    g->stats = src->stats;
    g->stats.duplicates = 0;
    g->stats.cells_na = any;
    if (!(g->source = ig__strdup(ctx, src->source ? src->source : "memory")))
        goto nomem;
    *out = g;
    g = NULL;
    st = IG_OK;
    goto out;

nomem:
    st = ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
out:
    ig_grid_destroy(g);
    ig__free(ctx, e, nc * sizeof *e);
    return st;
}
