/* The table of places (one row per place id: urban centres, urban
 * clusters and, at level 2, dense and semi-dense urban clusters and rural
 * clusters) built from the per-cell place ids of ig_degurba_classify().
 *
 * Centre, dense and semi-dense cells carry their own place's id, so which
 * urban cluster holds them is not in the ids: it is recovered by a
 * union-find over the urban cells on the 1 km lattice the classifier used
 * (finer cells are mapped to their 1 km cell; cells at one 1 km position
 * and 8-neighbour positions are joined, found by binary search in a sort by
 * position, plus cells sharing an id). Components are numbered by their
 * first cell in the classifier's order (place, 1 km row, 1 km column), as
 * the classifier numbers clusters, and checked against its ids and
 * summary, so foreign input is refused rather than mis-summed. Sums are
 * compensated (ig_ksum) and run in canonical cell order, so rows do not
 * depend on the input order. lon/lat come from PROJ with one PJ_CONTEXT
 * per call (no global state); without PROJ they are NaN. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "core/ksum.h"
#include "ig_config.h"
#include "integrid/ig_places.h"
#include "places/places_internal.h"


struct ig_place_table {
    ig_ctx *ctx;
    size_t n, ngroups;
    ig_place_row *rows;
    double *groups;  /* n * ngroups */
    char **gnames;   /* ngroups copies */
    size_t *offsets; /* n + 1 */
    size_t *cells;   /* offsets[n] grid indices, row by row */
};

typedef struct ucell {
    int32_t row, col;   /* 1 km lattice position */
    int32_t frow, fcol; /* the grid's own lattice position */
    uint32_t idx;       /* rank in canonical order */
} ucell;

static int cmp_ucell(const void *a, const void *b)
{
    const ucell *x = a, *y = b;
    if (x->row != y->row) return x->row < y->row ? -1 : 1;
    if (x->col != y->col) return x->col < y->col ? -1 : 1;
    return 0;
}

static int cmp_ucell_fine(const void *a, const void *b)
{
    int c = cmp_ucell(a, b);
    if (c) return c;
    const ucell *x = a, *y = b;
    if (x->frow != y->frow) return x->frow < y->frow ? -1 : 1;
    if (x->fcol != y->fcol) return x->fcol < y->fcol ? -1 : 1;
    if (x->idx != y->idx) return x->idx < y->idx ? -1 : 1;
    return 0;
}

static int32_t floor_div(int32_t a, int32_t k)
{
    int32_t q = a / k;
    if (a % k != 0 && a < 0) q--;
    return q;
}

static uint32_t uf_find(uint32_t *par, uint32_t a)
{
    while (par[a] != a) {
        par[a] = par[par[a]];
        a = par[a];
    }
    return a;
}

/* Union keeping the smaller root, so each root is its component's first
 * urban cell in canonical order (urban cells are listed in that order). */
static void uf_union(uint32_t *par, uint32_t a, uint32_t b)
{
    a = uf_find(par, a);
    b = uf_find(par, b);
    if (a == b) return;
    if (a < b) par[b] = a;
    else par[a] = b;
}

static long find_cell(const ucell *s, size_t n, int32_t row, int32_t col)
{
    ucell key = {row, col, 0, 0, 0};
    const ucell *hit = bsearch(&key, s, n, sizeof *s, cmp_ucell);
    return hit ? (long)(hit - s) : -1;
}

void ig_place_table_destroy(ig_place_table *t)
{
    if (!t) return;
    ig_ctx *ctx = t->ctx;
    for (size_t g = 0; g < t->ngroups; g++)
        if (t->gnames) ig__free(ctx, t->gnames[g], 0);
    ig__free(ctx, t->gnames, t->ngroups * sizeof *t->gnames);
    if (t->offsets) ig__free(ctx, t->cells, t->offsets[t->n] * sizeof *t->cells);
    ig__free(ctx, t->offsets, (t->n + 1) * sizeof *t->offsets);
    ig__free(ctx, t->groups, t->n * t->ngroups * sizeof *t->groups);
    ig__free(ctx, t->rows, t->n * sizeof *t->rows);
    ig__free(ctx, t, sizeof *t);
}

size_t ig_place_table_count(const ig_place_table *t)
{
    return t ? t->n : 0;
}

const ig_place_row *ig_place_table_rows(const ig_place_table *t)
{
    return t ? t->rows : NULL;
}

void ig_place_table_cells(const ig_place_table *t, const size_t **offsets,
                          const size_t **cells)
{
    if (offsets) *offsets = t ? t->offsets : NULL;
    if (cells) *cells = t ? t->cells : NULL;
}

size_t ig_place_table_ngroups(const ig_place_table *t)
{
    return t ? t->ngroups : 0;
}

const char *ig_place_table_group_name(const ig_place_table *t, size_t g)
{
    return (t && g < t->ngroups) ? t->gnames[g] : NULL;
}

int ig_place_table_has_proj(void)
{
    return IG_HAVE_PROJ ? 1 : 0;
}

static void to_lonlat(ig_ctx *ctx, ig_place_row *rows, size_t n)
{
    if (n == 0) return;
    ig__to_lonlat(ctx, 3035, n, &rows[0].x_3035, &rows[0].y_3035,
                  &rows[0].lon, &rows[0].lat, sizeof *rows);
}

/* Work arrays of one build; freed together. */
typedef struct scratch {
    ucell *s;    /* member cells; canonical order, then sorted by position */
    uint32_t *grid_idx; /* rank -> grid index */
    uint32_t *par, *first_of_id, *comp_id, *by_of, *parts, *roots;
    ig_ksum *acc; /* per place: pop, x, y, area, groups */
    ig_ksum *cpop;
    double *best;
    size_t nu, nid, nacc, nplaces;
} scratch;

static void scratch_free(ig_ctx *ctx, scratch *w)
{
    ig__free(ctx, w->s, w->nu * sizeof *w->s);
    ig__free(ctx, w->grid_idx, w->nu * sizeof *w->grid_idx);
    ig__free(ctx, w->par, w->nu * sizeof *w->par);
    ig__free(ctx, w->comp_id, w->nu * sizeof *w->comp_id);
    ig__free(ctx, w->by_of, w->nu * sizeof *w->by_of);
    ig__free(ctx, w->parts, w->nu * sizeof *w->parts);
    ig__free(ctx, w->roots, w->nu * sizeof *w->roots);
    ig__free(ctx, w->first_of_id, w->nid * sizeof *w->first_of_id);
    ig__free(ctx, w->acc, w->nacc * sizeof *w->acc);
    ig__free(ctx, w->cpop, w->nplaces * sizeof *w->cpop);
    ig__free(ctx, w->best, w->nplaces * sizeof *w->best);
}

static ig_status mismatch(ig_error *err, const char *what)
{
    return ig__error_set(err, IG_ERR_MISMATCH, 0, 0,
                         "the place ids do not match a DEGURBA classification "
                         "of this grid (%s): pass the place_out and summary "
                         "of ig_degurba_classify() on the same grid",
                         what);
}

/* Id ranges of the summary: ids 1..lim[0] are centres, ..lim[1] urban
 * clusters, ..lim[2] dense, ..lim[3] semi-dense, ..lim[4] rural clusters. */
typedef struct id_ranges {
    size_t lim[5];
} id_ranges;

static int kind_of(const id_ranges *r, uint32_t id)
{
    static const int kinds[5] = {IG_DEGURBA_URBAN_CENTRE,
                                 IG_DEGURBA_URBAN_CLUSTER,
                                 IG_DEGURBA2_DENSE_URBAN_CLUSTER,
                                 IG_DEGURBA2_SEMI_DENSE_URBAN_CLUSTER,
                                 IG_DEGURBA2_RURAL_CLUSTER};
    for (int k = 0; k < 5; k++)
        if (id <= r->lim[k]) return kinds[k];
    return IG_DEGURBA_NONE;
}

/* Urban cells: centres, urban clusters, dense and semi-dense clusters. */
static int is_urban(const id_ranges *r, uint32_t id)
{
    return id != 0 && id <= r->lim[3];
}

/* The classifier's order of a member: (--by place, 1 km row, 1 km col). */
static int key_less(const scratch *w, uint32_t a, uint32_t b)
{
    if (w->by_of[a] != w->by_of[b]) return w->by_of[a] < w->by_of[b];
    if (w->s[a].row != w->s[b].row) return w->s[a].row < w->s[b].row;
    if (w->s[a].col != w->s[b].col) return w->s[a].col < w->s[b].col;
    return a < b;
}

/* Member cells in canonical order with their 1 km positions and --by
 * place; members with one id are joined. */
static ig_status collect(const ig_grid *grid, const uint32_t *place_ids,
                         int32_t k, scratch *w)
{
    const int32_t *rows = ig_grid_rows(grid), *cols = ig_grid_cols(grid);
    size_t ncells = ig_grid_ncells(grid), nby = ig_grid_nplaces(grid), u = 0;
    for (size_t p = 0; p < nby; p++) {
        size_t first = 0, cnt = 0;
        if (ig_grid_place_range(grid, p, &first, &cnt) != IG_OK) continue;
        for (size_t i = first; i < first + cnt && i < ncells; i++) {
            if (place_ids[i] == 0) continue;
            w->s[u].row = floor_div(rows[i], k);
            w->s[u].col = floor_div(cols[i], k);
            w->s[u].frow = rows[i];
            w->s[u].fcol = cols[i];
            w->s[u].idx = (uint32_t)u;
            w->grid_idx[u] = (uint32_t)i;
            w->by_of[u] = (uint32_t)p;
            w->par[u] = (uint32_t)u;
            uint32_t id = place_ids[i];
            if (w->first_of_id[id] == 0) w->first_of_id[id] = (uint32_t)u + 1;
            else uf_union(w->par, w->first_of_id[id] - 1, (uint32_t)u);
            u++;
        }
    }
    return u == w->nu ? IG_OK : IG_ERR_MISMATCH;
}

/* Join urban members at one 1 km position or at 8-neighbour positions, and
 * count the parts of each of the grid's own positions (cells of places
 * that share a lattice cell). The sort is undone at the end. */
static void join_neighbours(const uint32_t *place_ids, const id_ranges *r,
                            scratch *w)
{
    ucell *srt = w->s;
    qsort(srt, w->nu, sizeof *srt, cmp_ucell_fine);
    size_t k = 0;
    while (k < w->nu) {
        size_t e = k + 1;
        while (e < w->nu && srt[e].frow == srt[k].frow &&
               srt[e].fcol == srt[k].fcol)
            e++;
        for (size_t t = k; t < e; t++) w->parts[srt[t].idx] = (uint32_t)(e - k);
        k = e;
    }
    for (k = 0; k < w->nu; k++) {
        uint32_t a = srt[k].idx;
        if (!is_urban(r, place_ids[w->grid_idx[a]])) continue;
        /* same 1 km position: the run is contiguous in the sort */
        if (k + 1 < w->nu && cmp_ucell(&srt[k], &srt[k + 1]) == 0 &&
            is_urban(r, place_ids[w->grid_idx[srt[k + 1].idx]]))
            uf_union(w->par, a, srt[k + 1].idx);
        static const int dr[4] = {0, 1, 1, 1}, dc[4] = {1, -1, 0, 1};
        for (int d = 0; d < 4; d++) {
            long h = find_cell(srt, w->nu, srt[k].row + dr[d],
                               srt[k].col + dc[d]);
            if (h < 0) continue;
            uint32_t b = srt[(size_t)h].idx;
            if (is_urban(r, place_ids[w->grid_idx[b]])) uf_union(w->par, a, b);
        }
    }
    /* back to canonical order: idx is the rank */
    ucell *tmp = srt;
    for (size_t t = 0; t < w->nu; t++) {
        while (tmp[t].idx != t) {
            ucell x = tmp[t];
            tmp[t] = tmp[x.idx];
            tmp[x.idx] = x;
        }
    }
}

/* Number the urban components as the classifier numbers urban clusters
 * (by first member in its order) and check every id against them. */
static ig_status number_clusters(const uint32_t *place_ids, const id_ranges *r,
                                 scratch *w, ig_error *err)
{
    size_t nroots = 0;
    for (size_t u = 0; u < w->nu; u++) {
        uint32_t id = place_ids[w->grid_idx[u]];
        w->comp_id[u] = 0;
        if (!is_urban(r, id)) continue;
        if (uf_find(w->par, (uint32_t)u) == u) w->roots[nroots++] = (uint32_t)u;
    }
    /* comp_id[root] - 1: the component's first member by the classifier's
     * key, found in one pass */
    for (size_t t = 0; t < nroots; t++) w->comp_id[w->roots[t]] = w->roots[t] + 1;
    for (size_t u = 0; u < w->nu; u++) {
        if (!is_urban(r, place_ids[w->grid_idx[u]])) continue;
        uint32_t root = uf_find(w->par, (uint32_t)u);
        uint32_t best = w->comp_id[root] - 1;
        if (key_less(w, (uint32_t)u, best)) w->comp_id[root] = (uint32_t)u + 1;
    }
    /* sort the first members by key (heap sort: in place, O(n log n)) */
    for (size_t t = 0; t < nroots; t++)
        w->roots[t] = w->comp_id[w->roots[t]] - 1;
    for (size_t start = nroots / 2; start-- > 0;) {
        size_t root = start;
        for (;;) {
            size_t c = 2 * root + 1;
            if (c >= nroots) break;
            if (c + 1 < nroots && key_less(w, w->roots[c], w->roots[c + 1])) c++;
            if (!key_less(w, w->roots[root], w->roots[c])) break;
            uint32_t x = w->roots[root];
            w->roots[root] = w->roots[c];
            w->roots[c] = x;
            root = c;
        }
    }
    for (size_t end = nroots; end-- > 1;) {
        uint32_t x = w->roots[0];
        w->roots[0] = w->roots[end];
        w->roots[end] = x;
        size_t root = 0;
        for (;;) {
            size_t c = 2 * root + 1;
            if (c >= end) break;
            if (c + 1 < end && key_less(w, w->roots[c], w->roots[c + 1])) c++;
            if (!key_less(w, w->roots[root], w->roots[c])) break;
            uint32_t y = w->roots[root];
            w->roots[root] = w->roots[c];
            w->roots[c] = y;
            root = c;
        }
    }
    if (nroots != r->lim[1] - r->lim[0])
        return mismatch(err, "number of urban clusters");
    /* comp_id of each root: the cluster id */
    for (size_t t = 0; t < nroots; t++) {
        uint32_t root = uf_find(w->par, w->roots[t]);
        w->comp_id[root] = (uint32_t)(r->lim[0] + t + 1);
    }
    for (size_t u = 0; u < w->nu; u++) {
        uint32_t id = place_ids[w->grid_idx[u]];
        if (!is_urban(r, id)) {
            w->comp_id[u] = id; /* rural clusters: their own row only */
            continue;
        }
        uint32_t root = uf_find(w->par, (uint32_t)u);
        if (u != root) w->comp_id[u] = w->comp_id[root];
    }
    for (size_t u = 0; u < w->nu; u++) {
        uint32_t id = place_ids[w->grid_idx[u]];
        if (kind_of(r, id) == IG_DEGURBA_URBAN_CLUSTER && id != w->comp_id[u])
            return mismatch(err, "cluster ids");
    }
    for (size_t id = 1; id < w->nid; id++)
        if (w->first_of_id[id] == 0 &&
            kind_of(r, (uint32_t)id) != IG_DEGURBA_URBAN_CLUSTER)
            return mismatch(err, "a place without cells");
    return IG_OK;
}

ig_status ig_place_table_build(ig_ctx *ctx, const ig_grid *grid,
                               const uint32_t *place_ids,
                               const ig_degurba_summary *summary,
                               const ig_place_table_opts *opts,
                               ig_place_table **out, ig_error *err)
{
    ig_place_table_opts defaults = {0};
    if (!opts) opts = &defaults;
    if (!grid || !summary || !out ||
        (!place_ids && ig_grid_ncells(grid) > 0))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "ig_place_table_build: grid, place_ids, summary "
                             "and out are required");
    const int32_t *rows = ig_grid_rows(grid), *cols = ig_grid_cols(grid);
    int32_t size_m = ig_grid_cell_size_m(grid);
    if (!rows || !cols || size_m <= 0)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "a place table needs a spatial grid (cells "
                             "with coordinates), not aspatial units");
    const double *land = NULL;
    ig_status lst = ig__grid_column(grid, opts->land_area_var, "land-area",
                                    &land, err);
    if (lst != IG_OK) return lst;
    size_t ncells = ig_grid_ncells(grid), ng = ig_grid_ngroups(grid);
    id_ranges r;
    r.lim[0] = summary->n_centres;
    r.lim[1] = r.lim[0] + summary->n_clusters;
    r.lim[2] = r.lim[1] + summary->n_dense;
    r.lim[3] = r.lim[2] + summary->n_semi_dense;
    r.lim[4] = r.lim[3] + summary->n_rural_clusters;
    size_t np = summary->n_places;
    if (np != r.lim[4] || np >= UINT32_MAX)
        return mismatch(err, "the summary's counts do not add up");
    /* the classifier's 1 km lattice: finer cells map to their 1 km cell */
    int32_t k = (size_m < 1000 && 1000 % size_m == 0) ? 1000 / size_m : 1;
    const double *pop = ig_grid_totals(grid);
    const double cell_km2 = ((double)size_m / 1000.0) * ((double)size_m / 1000.0);

    scratch w;
    memset(&w, 0, sizeof w);
    ig_place_table *t = NULL;
    ig_status st = IG_OK;

    for (size_t i = 0; i < ncells; i++) {
        if (place_ids[i] == 0) continue;
        if (place_ids[i] > np) return mismatch(err, "an id above n_places");
        w.nu++;
    }
    if (w.nu >= UINT32_MAX)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "%zu cells in places are too many", w.nu);
    w.nid = np + 1;
    w.nacc = np * (4 + ng);
    w.nplaces = np;
    w.s = ig__calloc(ctx, w.nu, sizeof *w.s);
    w.grid_idx = ig__calloc(ctx, w.nu, sizeof *w.grid_idx);
    w.par = ig__calloc(ctx, w.nu, sizeof *w.par);
    w.comp_id = ig__calloc(ctx, w.nu, sizeof *w.comp_id);
    w.by_of = ig__calloc(ctx, w.nu, sizeof *w.by_of);
    w.parts = ig__calloc(ctx, w.nu, sizeof *w.parts);
    w.roots = ig__calloc(ctx, w.nu, sizeof *w.roots);
    w.first_of_id = ig__calloc(ctx, w.nid, sizeof *w.first_of_id);
    w.acc = ig__calloc(ctx, w.nacc, sizeof *w.acc);
    w.cpop = ig__calloc(ctx, np, sizeof *w.cpop);
    w.best = ig__calloc(ctx, np, sizeof *w.best);
    if (!w.s || !w.grid_idx || !w.par || !w.comp_id || !w.by_of ||
        !w.parts || !w.roots || !w.first_of_id || !w.acc || !w.cpop ||
        !w.best) {
        st = IG_ERR_NOMEM;
        goto fail;
    }
    if (collect(grid, place_ids, k, &w) != IG_OK) {
        st = mismatch(err, "cells outside every --by place");
        goto fail;
    }
    join_neighbours(place_ids, &r, &w);
    st = number_clusters(place_ids, &r, &w, err);
    if (st != IG_OK) goto fail;

    t = ig__calloc(ctx, 1, sizeof *t);
    if (!t) {
        st = IG_ERR_NOMEM;
        goto fail;
    }
    t->ctx = ctx;
    t->n = np;
    t->ngroups = ng;
    t->rows = ig__calloc(ctx, np, sizeof *t->rows);
    t->groups = ig__calloc(ctx, np * ng, sizeof *t->groups);
    t->gnames = ig__calloc(ctx, ng, sizeof *t->gnames);
    if (!t->rows || !t->groups || !t->gnames) {
        st = IG_ERR_NOMEM;
        goto fail;
    }
    for (size_t g = 0; g < ng; g++) {
        t->gnames[g] = ig__strdup(ctx, ig_grid_group_name(grid, g));
        if (!t->gnames[g]) {
            st = IG_ERR_NOMEM;
            goto fail;
        }
    }

    for (size_t a = 0; a < w.nacc; a++) ig_ksum_init(&w.acc[a]);
    {
        const size_t stride = 4 + ng;
        const double half = (double)size_m / 2.0;
        for (size_t u = 0; u < w.nu; u++) {
            size_t i = w.grid_idx[u];
            uint32_t id = place_ids[i];
            uint32_t targets[2] = {id, w.comp_id[u]};
            int nt = w.comp_id[u] != id ? 2 : 1;
            /* a lattice cell shared by places: each part has its own land
             * area, or an equal share of the cell */
            double a = cell_km2 / (double)w.parts[u];
            if (land && isfinite(land[i]) && land[i] > 0.0) a = land[i];
            double x = (double)cols[i] * (double)size_m + half;
            double y = (double)rows[i] * (double)size_m + half;
            for (int q = 0; q < nt; q++) {
                size_t p = targets[q] - 1;
                ig_ksum *acc = &w.acc[p * stride];
                ig_ksum_add(&acc[0], pop[i]);
                ig_ksum_add(&acc[1], pop[i] * x);
                ig_ksum_add(&acc[2], pop[i] * y);
                ig_ksum_add(&acc[3], a);
                for (size_t g = 0; g < ng; g++)
                    ig_ksum_add(&acc[4 + g], ig_grid_counts(grid, g)[i]);
                t->rows[p].cells++;
                /* unweighted fallback, kept in x/y until the end */
                t->rows[p].x_3035 += x;
                t->rows[p].y_3035 += y;
            }
        }
        for (size_t p = 0; p < np; p++) {
            ig_place_row *row = &t->rows[p];
            const ig_ksum *acc = &w.acc[p * stride];
            row->place_id = (uint32_t)(p + 1);
            row->cls = kind_of(&r, (uint32_t)(p + 1));
            row->population = ig_ksum_value(&acc[0]);
            row->area_km2 = ig_ksum_value(&acc[3]);
            row->groups = t->groups + p * ng;
            for (size_t g = 0; g < ng; g++)
                t->groups[p * ng + g] = ig_ksum_value(&acc[4 + g]);
            if (row->population > 0.0) {
                row->x_3035 = ig_ksum_value(&acc[1]) / row->population;
                row->y_3035 = ig_ksum_value(&acc[2]) / row->population;
            } else if (row->cells > 0) {
                row->x_3035 /= (double)row->cells;
                row->y_3035 /= (double)row->cells;
            }
            row->country = "";
        }
    }

    /* the cells of each row, in canonical order */
    t->offsets = ig__calloc(ctx, np + 1, sizeof *t->offsets);
    if (!t->offsets) {
        st = IG_ERR_NOMEM;
        goto fail;
    }
    for (size_t p = 0; p < np; p++)
        t->offsets[p + 1] = t->offsets[p] + t->rows[p].cells;
    t->cells = ig__alloc(ctx, (t->offsets[np] ? t->offsets[np] : 1) *
                                  sizeof *t->cells);
    if (!t->cells) {
        t->offsets[np] = 0; /* what destroy frees */
        st = IG_ERR_NOMEM;
        goto fail;
    }
    {
        /* the next free slot of each row */
        size_t *next = ig__alloc(ctx, (np ? np : 1) * sizeof *next);
        if (!next) {
            st = IG_ERR_NOMEM;
            goto fail;
        }
        for (size_t p = 0; p < np; p++) next[p] = t->offsets[p];
        for (size_t u = 0; u < w.nu; u++) {
            uint32_t id = place_ids[w.grid_idx[u]];
            t->cells[next[id - 1]++] = w.grid_idx[u];
            if (w.comp_id[u] != id)
                t->cells[next[w.comp_id[u] - 1]++] = w.grid_idx[u];
        }
        ig__free(ctx, next, (np ? np : 1) * sizeof *next);
    }

    if (opts->by_places) {
        /* most populous --by place per row: members come grouped by --by
         * place, so one pass per --by place over its members */
        for (size_t p = 0; p < np; p++) w.best[p] = -1.0;
        size_t u = 0;
        while (u < w.nu) {
            uint32_t b = w.by_of[u];
            size_t end = u;
            while (end < w.nu && w.by_of[end] == b) end++;
            for (size_t v = u; v < end; v++) {
                ig_ksum_init(&w.cpop[place_ids[w.grid_idx[v]] - 1]);
                ig_ksum_init(&w.cpop[w.comp_id[v] - 1]);
            }
            for (size_t v = u; v < end; v++) {
                uint32_t id = place_ids[w.grid_idx[v]];
                double x = pop[w.grid_idx[v]];
                ig_ksum_add(&w.cpop[id - 1], x);
                if (w.comp_id[v] != id)
                    ig_ksum_add(&w.cpop[w.comp_id[v] - 1], x);
            }
            for (size_t v = u; v < end; v++) {
                uint32_t ids[2] = {place_ids[w.grid_idx[v]], w.comp_id[v]};
                for (int q = 0; q < 2; q++) {
                    size_t pq = ids[q] - 1;
                    double sv = ig_ksum_value(&w.cpop[pq]);
                    if (sv > w.best[pq]) {
                        w.best[pq] = sv;
                        t->rows[pq].country = ig_grid_place_name(grid, b);
                    }
                }
            }
            u = end;
        }
    }
    to_lonlat(ctx, t->rows, np);
    scratch_free(ctx, &w);
    *out = t;
    return IG_OK;

fail:
    scratch_free(ctx, &w);
    ig_place_table_destroy(t);
    if (st == IG_ERR_NOMEM)
        ig__error_set(err, IG_ERR_NOMEM, 0, 0,
                      "out of memory building the place table");
    return st;
}
