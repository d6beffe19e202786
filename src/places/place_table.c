/* The table of places (one row per urban centre and urban cluster) built
 * from the per-cell place ids of ig_degurba_classify().
 *
 * Centre cells carry their centre's id, so which cluster holds a centre is
 * not in the ids: it is recovered by a union-find over the urban cells
 * (8-neighbours on the lattice, found by binary search in a (row, col)
 * sort, plus cells sharing an id). Components are numbered by first cell in
 * canonical order, as the classifier numbers clusters, and checked against
 * its ids and summary, so foreign input is refused rather than mis-summed.
 * Sums are compensated (ig_ksum) and run in canonical cell order, so rows
 * do not depend on the input order. lon/lat come from PROJ with one
 * PJ_CONTEXT per call (no global state); without PROJ they are NaN. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "core/ksum.h"
#include "ig_config.h"
#include "integrid/ig_places.h"

#if IG_HAVE_PROJ
#include <proj.h>
#endif

struct ig_place_table {
    ig_ctx *ctx;
    size_t n, ngroups;
    ig_place_row *rows;
    double *groups;  /* n * ngroups */
    char **gnames;   /* ngroups copies */
};

typedef struct ucell {
    int32_t row, col;
    uint32_t idx; /* grid index */
} ucell;

static int cmp_ucell(const void *a, const void *b)
{
    const ucell *x = a, *y = b;
    if (x->row != y->row) return x->row < y->row ? -1 : 1;
    if (x->col != y->col) return x->col < y->col ? -1 : 1;
    return 0;
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
    ucell key = {row, col, 0};
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
    for (size_t k = 0; k < n; k++) rows[k].lon = rows[k].lat = NAN;
#if IG_HAVE_PROJ
    if (n == 0) return;
    PJ_CONTEXT *pc = proj_context_create();
    if (!pc) {
        ig__log(ctx, IG_LOG_WARN, "PROJ: cannot create a context; lon/lat "
                                  "left empty");
        return;
    }
    proj_log_level(pc, PJ_LOG_NONE);
    PJ *p = proj_create_crs_to_crs(pc, "EPSG:3035", "EPSG:4326", NULL);
    PJ *pn = p ? proj_normalize_for_visualization(pc, p) : NULL;
    if (!pn) {
        ig__log(ctx, IG_LOG_WARN,
                "PROJ cannot transform EPSG:3035 to EPSG:4326 (is proj.db "
                "installed? PROJ_DATA); lon/lat left empty");
    } else {
        for (size_t k = 0; k < n; k++) {
            PJ_COORD c = proj_coord(rows[k].x_3035, rows[k].y_3035, 0, 0);
            PJ_COORD r = proj_trans(pn, PJ_FWD, c);
            if (isfinite(r.lpzt.lam) && isfinite(r.lpzt.phi) &&
                r.v[0] != HUGE_VAL) {
                rows[k].lon = r.v[0];
                rows[k].lat = r.v[1];
            }
        }
    }
    if (pn) proj_destroy(pn);
    if (p) proj_destroy(p);
    proj_context_destroy(pc);
#else
    (void)ctx;
#endif
}

/* Work arrays of one build; freed together. */
typedef struct scratch {
    ucell *s;
    uint32_t *par, *first_of_id, *comp_id, *by_of;
    ig_ksum *acc; /* per place: pop, x, y, area, groups */
    ig_ksum *cpop;
    double *best;
    size_t nu, nid, nacc, nplaces;
} scratch;

static void scratch_free(ig_ctx *ctx, scratch *w)
{
    ig__free(ctx, w->s, w->nu * sizeof *w->s);
    ig__free(ctx, w->par, w->nu * sizeof *w->par);
    ig__free(ctx, w->comp_id, w->nu * sizeof *w->comp_id);
    ig__free(ctx, w->by_of, w->nu * sizeof *w->by_of);
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
    if (opts->land_area_var) {
        size_t v = 0, nv = ig_grid_nvars(grid);
        while (v < nv && strcmp(ig_grid_var_name(grid, v), opts->land_area_var))
            v++;
        if (v == nv)
            return ig__error_set(err, IG_ERR_NOT_FOUND, 0, 0,
                                 "land-area column '%s' is not in the grid: "
                                 "keep it when reading (e.g. --keep %s)",
                                 opts->land_area_var, opts->land_area_var);
        land = ig_grid_var(grid, v);
    }
    size_t ncells = ig_grid_ncells(grid), ng = ig_grid_ngroups(grid);
    size_t nc = summary->n_centres, np = summary->n_places;
    if (np != nc + summary->n_clusters || np >= UINT32_MAX)
        return mismatch(err, "the summary's counts do not add up");
    const double *pop = ig_grid_totals(grid);

    scratch w;
    memset(&w, 0, sizeof w);
    ig_place_table *t = NULL;
    ig_status st = IG_OK;

    /* urban cells in canonical order */
    for (size_t i = 0; i < ncells; i++) {
        if (place_ids[i] == 0) continue;
        if (place_ids[i] > np) return mismatch(err, "an id above n_places");
        w.nu++;
    }
    if (w.nu >= UINT32_MAX)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "%zu urban cells are too many", w.nu);
    w.nid = np + 1;
    w.nacc = np * (4 + ng);
    w.nplaces = np;
    w.s = ig__calloc(ctx, w.nu, sizeof *w.s);
    w.par = ig__calloc(ctx, w.nu, sizeof *w.par);
    w.comp_id = ig__calloc(ctx, w.nu, sizeof *w.comp_id);
    w.by_of = ig__calloc(ctx, w.nu, sizeof *w.by_of);
    w.first_of_id = ig__calloc(ctx, w.nid, sizeof *w.first_of_id);
    w.acc = ig__calloc(ctx, w.nacc, sizeof *w.acc);
    w.cpop = ig__calloc(ctx, np, sizeof *w.cpop);
    w.best = ig__calloc(ctx, np, sizeof *w.best);
    if (!w.s || !w.par || !w.comp_id || !w.by_of || !w.first_of_id ||
        !w.acc || !w.cpop || !w.best) {
        st = IG_ERR_NOMEM;
        goto fail;
    }
    {
        /* --by place of every urban cell */
        size_t nby = ig_grid_nplaces(grid), u = 0;
        for (size_t p = 0; p < nby; p++) {
            size_t first = 0, cnt = 0;
            if (ig_grid_place_range(grid, p, &first, &cnt) != IG_OK) continue;
            for (size_t i = first; i < first + cnt && i < ncells; i++)
                if (place_ids[i] != 0) w.by_of[u++] = (uint32_t)p;
        }
        u = 0;
        for (size_t i = 0; i < ncells; i++) {
            if (place_ids[i] == 0) continue;
            w.s[u].row = rows[i];
            w.s[u].col = cols[i];
            w.s[u].idx = (uint32_t)i;
            w.par[u] = (uint32_t)u;
            uint32_t id = place_ids[i];
            if (w.first_of_id[id] == 0) w.first_of_id[id] = (uint32_t)u + 1;
            else uf_union(w.par, w.first_of_id[id] - 1, (uint32_t)u);
            u++;
        }
    }
    {
        /* 8-neighbours on the lattice; par[] is indexed by canonical order,
         * the sorted copy maps positions back through idx */
        ucell *srt = w.s;
        /* sort by (row, col) with idx = canonical rank; comp_id keeps the
         * grid index of each rank meanwhile */
        for (size_t u = 0; u < w.nu; u++) w.comp_id[u] = srt[u].idx;
        for (size_t u = 0; u < w.nu; u++) srt[u].idx = (uint32_t)u;
        qsort(srt, w.nu, sizeof *srt, cmp_ucell);
        for (size_t k = 0; k < w.nu; k++) {
            static const int dr[4] = {0, 1, 1, 1}, dc[4] = {1, -1, 0, 1};
            for (int d = 0; d < 4; d++) {
                long h = find_cell(srt, w.nu, srt[k].row + dr[d],
                                   srt[k].col + dc[d]);
                if (h >= 0) uf_union(w.par, srt[k].idx, srt[(size_t)h].idx);
            }
        }
        /* back to canonical order: comp_id holds grid indices */
        for (size_t u = 0; u < w.nu; u++) {
            srt[u].idx = w.comp_id[u];
            srt[u].row = rows[w.comp_id[u]];
            srt[u].col = cols[w.comp_id[u]];
        }
    }
    {
        /* number the components by first cell: these are the clusters */
        uint32_t next = (uint32_t)nc;
        for (size_t u = 0; u < w.nu; u++) {
            uint32_t r = uf_find(w.par, (uint32_t)u);
            if (r == u) w.comp_id[u] = ++next;
            else w.comp_id[u] = w.comp_id[r];
            uint32_t id = place_ids[w.s[u].idx];
            if (id > nc && id != w.comp_id[u]) {
                st = mismatch(err, "cluster ids");
                goto fail;
            }
            if (id <= nc && id != 0 &&
                w.comp_id[w.first_of_id[id] - 1] != w.comp_id[u]) {
                st = mismatch(err, "a centre in two clusters");
                goto fail;
            }
        }
        if ((size_t)next != np) {
            st = mismatch(err, "number of clusters");
            goto fail;
        }
        for (size_t id = 1; id <= np; id++)
            if (id <= nc && w.first_of_id[id] == 0) {
                st = mismatch(err, "a centre without cells");
                goto fail;
            }
    }

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

    for (size_t k = 0; k < w.nacc; k++) ig_ksum_init(&w.acc[k]);
    {
        const size_t stride = 4 + ng;
        const double half = (double)size_m / 2.0;
        for (size_t u = 0; u < w.nu; u++) {
            size_t i = w.s[u].idx;
            uint32_t id = place_ids[i];
            uint32_t targets[2] = {id, w.comp_id[u]};
            int nt = id <= nc ? 2 : 1;
            double a = 1.0;
            if (land && isfinite(land[i]) && land[i] > 0.0) a = land[i];
            double x = (double)cols[i] * (double)size_m + half;
            double y = (double)rows[i] * (double)size_m + half;
            for (int k = 0; k < nt; k++) {
                size_t p = targets[k] - 1;
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
            ig_place_row *r = &t->rows[p];
            const ig_ksum *acc = &w.acc[p * stride];
            r->place_id = (uint32_t)(p + 1);
            r->cls = p < nc ? IG_DEGURBA_URBAN_CENTRE : IG_DEGURBA_URBAN_CLUSTER;
            r->population = ig_ksum_value(&acc[0]);
            r->area_km2 = ig_ksum_value(&acc[3]);
            r->groups = t->groups + p * ng;
            for (size_t g = 0; g < ng; g++)
                t->groups[p * ng + g] = ig_ksum_value(&acc[4 + g]);
            if (r->population > 0.0) {
                r->x_3035 = ig_ksum_value(&acc[1]) / r->population;
                r->y_3035 = ig_ksum_value(&acc[2]) / r->population;
            } else if (r->cells > 0) {
                r->x_3035 /= (double)r->cells;
                r->y_3035 /= (double)r->cells;
            }
            r->country = "";
        }
    }

    if (opts->by_places) {
        /* most populous --by place per row: cells come grouped by --by
         * place, so one pass per --by place over its urban cells */
        for (size_t p = 0; p < np; p++) w.best[p] = -1.0;
        size_t u = 0;
        while (u < w.nu) {
            uint32_t b = w.by_of[u];
            size_t end = u;
            while (end < w.nu && w.by_of[end] == b) end++;
            for (size_t v = u; v < end; v++) {
                uint32_t id = place_ids[w.s[v].idx];
                ig_ksum_init(&w.cpop[id - 1]);
                ig_ksum_init(&w.cpop[w.comp_id[v] - 1]);
            }
            for (size_t v = u; v < end; v++) {
                uint32_t id = place_ids[w.s[v].idx];
                double x = pop[w.s[v].idx];
                ig_ksum_add(&w.cpop[id - 1], x);
                if (id <= nc) ig_ksum_add(&w.cpop[w.comp_id[v] - 1], x);
            }
            for (size_t v = u; v < end; v++) {
                uint32_t ids[2] = {place_ids[w.s[v].idx], w.comp_id[v]};
                for (int k = 0; k < 2; k++) {
                    size_t q = ids[k] - 1;
                    double s = ig_ksum_value(&w.cpop[q]);
                    if (s > w.best[q]) {
                        w.best[q] = s;
                        t->rows[q].country = ig_grid_place_name(grid, b);
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
