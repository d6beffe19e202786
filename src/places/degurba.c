/* Degree of Urbanisation level 1 on a 1 km grid (docs/places/degurba.md).
 *
 * Design: the cells are laid on a dense work raster covering their bounding
 * box plus a one-cell border (uint32 + one flag byte per raster cell, about
 * 150 MB for the EU+EFTA grid's 6,000 x 5,000 km box). The raster maps a
 * position to its cell, so neighbour look-ups are O(1) and cells missing
 * from the grid (population 0) are explicit, which gap filling needs. For a
 * missing cell the uint32 slot holds its centre id instead. The border ring
 * is never part of a centre or cluster, so walking from a centre or cluster
 * cell never leaves the raster. Components are found by breadth-first
 * search seeded in the grid's canonical cell order, and ids are renumbered
 * by first cell in that order at the end, so results never depend on the
 * input order. Gap filling stops exploring a background component as soon
 * as it reaches the border or the size limit, so it costs O(window). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "core/core.h"
#include "core/ksum.h"
#include "integrid/ig_places.h"

#define F_PRESENT 0x01u /* a cell of the grid (selection) */
#define F_CENTRE 0x02u  /* in an urban centre */
#define F_SEEN 0x04u    /* visited by the current pass */
#define F_BIG 0x08u     /* background reaching the border or too large */
#define F_CAND 0x10u    /* majority-rule candidate of this round */

#define DEFAULT_MAX_WINDOW ((uint64_t)64 * 1024 * 1024)

typedef struct u32vec {
    uint32_t *v;
    size_t n, cap;
} u32vec;

typedef struct work {
    ig_ctx *ctx;
    const ig_degurba_opts *o;
    size_t n;           /* cells in the selection */
    const double *pop;  /* n, offset to the selection */
    const double *land; /* n or NULL */
    size_t w, h, npos;  /* raster width, height, cells */
    uint32_t *win;      /* present: local index + 1; missing: centre id */
    uint8_t *fl;
    uint32_t *pos_of;   /* local index -> raster position */
    uint32_t *cen;      /* local index -> raw centre id, 0 none */
    uint32_t *clu;      /* local index -> raw cluster id, 0 none */
    u32vec q, q2, q3;
    uint32_t n_centres, n_clusters;
} work;

static ig_status vpush(ig_ctx *ctx, u32vec *v, uint32_t x)
{
    if (v->n == v->cap &&
        ig__grow(ctx, (void **)&v->v, &v->cap, v->n + 1, sizeof *v->v) != IG_OK)
        return IG_ERR_NOMEM;
    v->v[v->n++] = x;
    return IG_OK;
}

static void vfree(ig_ctx *ctx, u32vec *v)
{
    ig__free(ctx, v->v, v->cap * sizeof *v->v);
    v->v = NULL;
    v->n = v->cap = 0;
}

void ig_degurba_opts_init(ig_degurba_opts *o)
{
    if (!o) return;
    memset(o, 0, sizeof *o);
    o->land_area_var = NULL;
    o->centre_min_density = 1500.0;
    o->centre_min_pop = 50000.0;
    o->cluster_min_density = 300.0;
    o->cluster_min_pop = 5000.0;
    o->max_gap_km2 = 15.0;
    o->majority_min_neighbours = 5;
    o->smooth_before_fill = 0;
    o->place = IG_DEGURBA_ALL_PLACES;
    o->max_window_cells = 0;
}

const char *ig_degurba_class_name(int c)
{
    switch (c) {
    case IG_DEGURBA_RURAL: return "rural";
    case IG_DEGURBA_URBAN_CLUSTER: return "urban_cluster";
    case IG_DEGURBA_URBAN_CENTRE: return "urban_centre";
    default: return "none";
    }
}

/* Land area in km2 of a 1 km cell: the caller's column when it is usable,
 * else the full cell. */
static double density(const work *w, size_t i)
{
    double area = 1.0;
    if (w->land) {
        double a = w->land[i];
        if (isfinite(a) && a > 0.0) area = a;
    }
    return w->pop[i] / area;
}

static int on_ring(const work *w, size_t p)
{
    size_t x = p % w->w, y = p / w->w;
    return x == 0 || y == 0 || x == w->w - 1 || y == w->h - 1;
}

static uint32_t centre_at(const work *w, size_t p)
{
    if (!(w->fl[p] & F_CENTRE)) return 0;
    return (w->fl[p] & F_PRESENT) ? w->cen[w->win[p] - 1] : w->win[p];
}

static void set_centre(work *w, size_t p, uint32_t id)
{
    w->fl[p] |= F_CENTRE;
    if (w->fl[p] & F_PRESENT)
        w->cen[w->win[p] - 1] = id;
    else
        w->win[p] = id;
}

static void clear_flags(work *w, uint8_t mask)
{
    uint8_t keep = (uint8_t)~mask;
    for (size_t p = 0; p < w->npos; p++) w->fl[p] &= keep;
}

/* Dense 4-connected clusters holding at least centre_min_pop people. */
static ig_status find_centres(work *w)
{
    const long d4[4] = {1, -1, (long)w->w, -(long)w->w};
    for (size_t i = 0; i < w->n; i++) {
        size_t s = w->pos_of[i];
        if ((w->fl[s] & F_SEEN) || density(w, i) < w->o->centre_min_density)
            continue;
        w->q.n = 0;
        if (vpush(w->ctx, &w->q, (uint32_t)s) != IG_OK) return IG_ERR_NOMEM;
        w->fl[s] |= F_SEEN;
        ig_ksum pop;
        ig_ksum_init(&pop);
        for (size_t h = 0; h < w->q.n; h++) {
            size_t p = w->q.v[h];
            ig_ksum_add(&pop, w->pop[w->win[p] - 1]);
            for (int k = 0; k < 4; k++) {
                size_t r = (size_t)((long)p + d4[k]);
                if ((w->fl[r] & (F_PRESENT | F_SEEN)) != F_PRESENT) continue;
                if (density(w, w->win[r] - 1) < w->o->centre_min_density)
                    continue;
                w->fl[r] |= F_SEEN;
                if (vpush(w->ctx, &w->q, (uint32_t)r) != IG_OK)
                    return IG_ERR_NOMEM;
            }
        }
        if (ig_ksum_value(&pop) >= w->o->centre_min_pop) {
            uint32_t id = ++w->n_centres;
            for (size_t h = 0; h < w->q.n; h++) set_centre(w, w->q.v[h], id);
        }
    }
    clear_flags(w, F_SEEN);
    return IG_OK;
}

/* Add enclosed background components smaller than max_gap_km2 cells whose
 * 4-neighbours outside them all belong to one centre. */
static ig_status fill_gaps(work *w)
{
    const long d4[4] = {1, -1, (long)w->w, -(long)w->w};
    double limit = w->o->max_gap_km2;
    for (size_t s = 0; s < w->npos; s++) {
        if (w->fl[s] & (F_CENTRE | F_SEEN)) continue;
        int touches = 0;
        for (int k = 0; k < 4 && !on_ring(w, s); k++)
            if (w->fl[(size_t)((long)s + d4[k])] & F_CENTRE) touches = 1;
        if (!touches) continue;
        w->q.n = 0;
        if (vpush(w->ctx, &w->q, (uint32_t)s) != IG_OK) return IG_ERR_NOMEM;
        w->fl[s] |= F_SEEN;
        uint32_t id = 0;
        int big = (double)w->q.n >= limit, multi = 0;
        for (size_t h = 0; h < w->q.n && !big; h++) {
            size_t p = w->q.v[h];
            if (on_ring(w, p)) {
                big = 1;
                break;
            }
            for (int k = 0; k < 4; k++) {
                size_t r = (size_t)((long)p + d4[k]);
                if (w->fl[r] & F_CENTRE) {
                    uint32_t c = centre_at(w, r);
                    if (id == 0) id = c;
                    else if (c != id) multi = 1;
                } else if (w->fl[r] & F_BIG) {
                    big = 1;
                    break;
                } else if (!(w->fl[r] & F_SEEN)) {
                    w->fl[r] |= F_SEEN;
                    if (vpush(w->ctx, &w->q, (uint32_t)r) != IG_OK)
                        return IG_ERR_NOMEM;
                    if ((double)w->q.n >= limit) {
                        big = 1;
                        break;
                    }
                }
            }
        }
        /* Anything touching an aborted search belongs to the outside (or a
         * large gap), so F_BIG spreads to every cell seen here. */
        if (big) {
            for (size_t h = 0; h < w->q.n; h++) w->fl[w->q.v[h]] |= F_BIG;
        } else if (!multi && id != 0) {
            for (size_t h = 0; h < w->q.n; h++) set_centre(w, w->q.v[h], id);
        }
    }
    clear_flags(w, F_SEEN | F_BIG);
    return IG_OK;
}

/* Iterative 3x3 majority rule, applied synchronously per round: only
 * neighbours of cells added in the previous round can change. */
static ig_status majority(work *w)
{
    const long W = (long)w->w;
    const long d8[8] = {1, -1, W, -W, W + 1, W - 1, -W + 1, -W - 1};
    int need = w->o->majority_min_neighbours;
    u32vec *front = &w->q, *cand = &w->q2, *add = &w->q3;
    front->n = 0;
    for (size_t p = 0; p < w->npos; p++)
        if ((w->fl[p] & F_CENTRE) &&
            vpush(w->ctx, front, (uint32_t)p) != IG_OK)
            return IG_ERR_NOMEM;
    while (front->n > 0) {
        cand->n = 0;
        for (size_t h = 0; h < front->n; h++) {
            size_t p = front->v[h];
            for (int k = 0; k < 8; k++) {
                size_t r = (size_t)((long)p + d8[k]);
                if ((w->fl[r] & (F_CENTRE | F_CAND)) || on_ring(w, r))
                    continue;
                w->fl[r] |= F_CAND;
                if (vpush(w->ctx, cand, (uint32_t)r) != IG_OK)
                    return IG_ERR_NOMEM;
            }
        }
        add->n = 0;
        for (size_t h = 0; h < cand->n; h++) {
            size_t p = cand->v[h];
            w->fl[p] &= (uint8_t)~F_CAND;
            uint32_t ids[8];
            int cnt[8], nid = 0;
            for (int k = 0; k < 8; k++) {
                uint32_t c = centre_at(w, (size_t)((long)p + d8[k]));
                if (c == 0) continue;
                int j = 0;
                while (j < nid && ids[j] != c) j++;
                if (j == nid) {
                    ids[nid] = c;
                    cnt[nid++] = 0;
                }
                cnt[j]++;
            }
            for (int j = 0; j < nid; j++) {
                if (cnt[j] < need) continue;
                if (vpush(w->ctx, add, (uint32_t)p) != IG_OK ||
                    vpush(w->ctx, add, ids[j]) != IG_OK)
                    return IG_ERR_NOMEM;
                break;
            }
        }
        front->n = 0;
        for (size_t h = 0; h + 1 < add->n; h += 2) {
            set_centre(w, add->v[h], add->v[h + 1]);
            if (vpush(w->ctx, front, add->v[h]) != IG_OK) return IG_ERR_NOMEM;
        }
    }
    return IG_OK;
}

/* 8-connected clusters of cells dense enough or in a centre. A cluster
 * holding a centre is always kept: its centre cells are urban anyway. */
static ig_status find_clusters(work *w)
{
    const long W = (long)w->w;
    const long d8[8] = {1, -1, W, -W, W + 1, W - 1, -W + 1, -W - 1};
    for (size_t i = 0; i < w->n; i++) {
        size_t s = w->pos_of[i];
        if (w->fl[s] & F_SEEN) continue;
        if (!(w->fl[s] & F_CENTRE) &&
            density(w, i) < w->o->cluster_min_density)
            continue;
        w->q.n = 0;
        if (vpush(w->ctx, &w->q, (uint32_t)s) != IG_OK) return IG_ERR_NOMEM;
        w->fl[s] |= F_SEEN;
        ig_ksum pop;
        ig_ksum_init(&pop);
        int has_centre = 0;
        for (size_t h = 0; h < w->q.n; h++) {
            size_t p = w->q.v[h];
            if (w->fl[p] & F_CENTRE) has_centre = 1;
            if (w->fl[p] & F_PRESENT) ig_ksum_add(&pop, w->pop[w->win[p] - 1]);
            for (int k = 0; k < 8; k++) {
                size_t r = (size_t)((long)p + d8[k]);
                uint8_t f = w->fl[r];
                if (f & F_SEEN) continue;
                if (!(f & F_CENTRE) &&
                    (!(f & F_PRESENT) ||
                     density(w, w->win[r] - 1) < w->o->cluster_min_density))
                    continue;
                w->fl[r] |= F_SEEN;
                if (vpush(w->ctx, &w->q, (uint32_t)r) != IG_OK)
                    return IG_ERR_NOMEM;
            }
        }
        if (has_centre || ig_ksum_value(&pop) >= w->o->cluster_min_pop) {
            uint32_t id = ++w->n_clusters;
            for (size_t h = 0; h < w->q.n; h++) {
                size_t p = w->q.v[h];
                if (w->fl[p] & F_PRESENT) w->clu[w->win[p] - 1] = id;
            }
        }
    }
    clear_flags(w, F_SEEN);
    return IG_OK;
}

static ig_status check_opts(const ig_degurba_opts *o, ig_error *err)
{
    const double v[5] = {o->centre_min_density, o->centre_min_pop,
                         o->cluster_min_density, o->cluster_min_pop,
                         o->max_gap_km2};
    for (int k = 0; k < 5; k++)
        if (!isfinite(v[k]) || v[k] < 0.0)
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "DEGURBA thresholds and max_gap_km2 must be "
                                 "finite and >= 0; start from "
                                 "ig_degurba_opts_init()");
    if (o->majority_min_neighbours < 0 || o->majority_min_neighbours > 8)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "majority_min_neighbours is %d; it counts the 8 "
                             "neighbours of a cell, so use 0 (off) to 8 "
                             "(the manual uses 5)",
                             o->majority_min_neighbours);
    return IG_OK;
}

/* Renumber raw ids (1..n_raw) by first cell in canonical order. */
static ig_status renumber(ig_ctx *ctx, uint32_t *ids, size_t n, uint32_t n_raw)
{
    if (n_raw == 0) return IG_OK;
    uint32_t *map = ig__calloc(ctx, (size_t)n_raw + 1, sizeof *map);
    if (!map) return IG_ERR_NOMEM;
    uint32_t next = 0;
    for (size_t i = 0; i < n; i++) {
        if (ids[i] == 0) continue;
        if (map[ids[i]] == 0) map[ids[i]] = ++next;
        ids[i] = map[ids[i]];
    }
    ig__free(ctx, map, ((size_t)n_raw + 1) * sizeof *map);
    return IG_OK;
}

ig_status ig_degurba_classify(ig_ctx *ctx, const ig_grid *grid,
                              const ig_degurba_opts *opts, uint8_t *cls_out,
                              uint32_t *place_out, ig_degurba_summary *summary,
                              ig_error *err)
{
    ig_degurba_opts defaults;
    if (!opts) {
        ig_degurba_opts_init(&defaults);
        opts = &defaults;
    }
    if (!grid || (!cls_out && ig_grid_ncells(grid) > 0))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "ig_degurba_classify: grid and cls_out are "
                             "required");
    ig_status st = check_opts(opts, err);
    if (st != IG_OK) return st;
    const int32_t *rows = ig_grid_rows(grid), *cols = ig_grid_cols(grid);
    if (!rows || !cols)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "DEGURBA needs a spatial grid (cells with "
                             "coordinates), not aspatial units");
    int32_t size_m = ig_grid_cell_size_m(grid);
    if (size_m != 1000)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "the grid has %d m cells but the Degree of "
                             "Urbanisation is defined on 1 km cells: the grid "
                             "must be aggregated to 1 km (1000 m) first",
                             (int)size_m);
    size_t first = 0, n = ig_grid_ncells(grid);
    if (opts->place != IG_DEGURBA_ALL_PLACES &&
        ig_grid_place_range(grid, opts->place, &first, &n) != IG_OK)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "place %zu does not exist: the grid has %zu "
                             "places",
                             opts->place, ig_grid_nplaces(grid));
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
        land = ig_grid_var(grid, v) + first;
    }
    if (n >= UINT32_MAX)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "%zu cells are too many for one DEGURBA run", n);

    work w;
    memset(&w, 0, sizeof w);
    w.ctx = ctx;
    w.o = opts;
    w.n = n;
    w.pop = ig_grid_totals(grid) + first;
    w.land = land;
    if (n == 0) goto write; /* nothing to classify */

    int32_t r0 = rows[first], r1 = rows[first], c0 = cols[first],
            c1 = cols[first];
    for (size_t i = first; i < first + n; i++) {
        if (rows[i] < r0) r0 = rows[i];
        if (rows[i] > r1) r1 = rows[i];
        if (cols[i] < c0) c0 = cols[i];
        if (cols[i] > c1) c1 = cols[i];
    }
    uint64_t ww = (uint64_t)((int64_t)c1 - c0 + 3),
             hh = (uint64_t)((int64_t)r1 - r0 + 3);
    uint64_t maxw = opts->max_window_cells ? opts->max_window_cells
                                           : DEFAULT_MAX_WINDOW;
    if (maxw > UINT32_MAX) maxw = UINT32_MAX;
    if (ww > maxw || hh > maxw || ww * hh > maxw)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "the cells span %llu x %llu km, more than the "
                             "%llu-cell work raster allowed "
                             "(ig_degurba_opts.max_window_cells); classify "
                             "smaller places one at a time",
                             (unsigned long long)ww - 2,
                             (unsigned long long)hh - 2,
                             (unsigned long long)maxw);
    w.w = (size_t)ww;
    w.h = (size_t)hh;
    w.npos = w.w * w.h;

    w.win = ig__calloc(ctx, w.npos, sizeof *w.win);
    w.fl = ig__calloc(ctx, w.npos, sizeof *w.fl);
    w.pos_of = ig__calloc(ctx, n, sizeof *w.pos_of);
    w.cen = ig__calloc(ctx, n, sizeof *w.cen);
    w.clu = ig__calloc(ctx, n, sizeof *w.clu);
    if (!w.win || !w.fl || !w.pos_of || !w.cen || !w.clu) {
        st = IG_ERR_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        size_t x = (size_t)((int64_t)cols[first + i] - c0 + 1);
        size_t y = (size_t)((int64_t)rows[first + i] - r0 + 1);
        size_t p = y * w.w + x;
        if (w.fl[p] & F_PRESENT) {
            char id[IG_CELLCODE_MAX] = "";
            (void)ig_grid_cell_id(grid, first + i, id, sizeof id);
            st = ig__error_set(err, IG_ERR_MISMATCH, 0, 0,
                               "cell %s appears twice (the grid is split by "
                               "places that share cells); classify one place "
                               "at a time with ig_degurba_opts.place",
                               id);
            goto out;
        }
        w.fl[p] = F_PRESENT;
        w.win[p] = (uint32_t)(i + 1);
        w.pos_of[i] = (uint32_t)p;
    }

    st = find_centres(&w);
    if (st != IG_OK) goto out;
    if (w.n_centres > 0) {
        for (int step = 0; step < 2; step++) {
            int fill_now = (step == 0) != (opts->smooth_before_fill != 0);
            if (fill_now && opts->max_gap_km2 > 0.0)
                st = fill_gaps(&w);
            else if (!fill_now && opts->majority_min_neighbours > 0)
                st = majority(&w);
            if (st != IG_OK) goto out;
        }
    }
    st = find_clusters(&w);
    if (st != IG_OK) goto out;
    st = renumber(ctx, w.cen, n, w.n_centres);
    if (st != IG_OK) goto out;
    st = renumber(ctx, w.clu, n, w.n_clusters);
    if (st != IG_OK) goto out;

write:;
    ig_ksum pc, pu, pr;
    ig_ksum_init(&pc);
    ig_ksum_init(&pu);
    ig_ksum_init(&pr);
    size_t all = ig_grid_ncells(grid);
    for (size_t j = 0; j < all; j++) {
        cls_out[j] = IG_DEGURBA_NONE;
        if (place_out) place_out[j] = 0;
    }
    for (size_t i = 0; i < n; i++) {
        uint8_t c = IG_DEGURBA_RURAL;
        uint32_t id = 0;
        if (w.cen[i]) {
            c = IG_DEGURBA_URBAN_CENTRE;
            id = w.cen[i];
            ig_ksum_add(&pc, w.pop[i]);
        } else if (w.clu[i]) {
            c = IG_DEGURBA_URBAN_CLUSTER;
            id = w.n_centres + w.clu[i];
            ig_ksum_add(&pu, w.pop[i]);
        } else {
            ig_ksum_add(&pr, w.pop[i]);
        }
        cls_out[first + i] = c;
        if (place_out) place_out[first + i] = id;
    }
    if (summary) {
        summary->n_centres = w.n_centres;
        summary->n_clusters = w.n_clusters;
        summary->n_places = (size_t)w.n_centres + w.n_clusters;
        summary->pop_centre = ig_ksum_value(&pc);
        summary->pop_cluster = ig_ksum_value(&pu);
        summary->pop_rural = ig_ksum_value(&pr);
        summary->window_cells = (uint64_t)w.npos;
    }
    st = IG_OK;

out:
    vfree(ctx, &w.q);
    vfree(ctx, &w.q2);
    vfree(ctx, &w.q3);
    ig__free(ctx, w.clu, n * sizeof *w.clu);
    ig__free(ctx, w.cen, n * sizeof *w.cen);
    ig__free(ctx, w.pos_of, n * sizeof *w.pos_of);
    ig__free(ctx, w.fl, w.npos * sizeof *w.fl);
    ig__free(ctx, w.win, w.npos * sizeof *w.win);
    return st;
}
