/* Degree of Urbanisation, levels 1 and 2, on a 1 km grid
 * (docs/places/degurba.md).
 *
 * Design: the lattice cells are laid on a dense work raster covering their
 * bounding box plus a one-cell border (uint32 + one flag byte per raster
 * cell, about 150 MB for the EU+EFTA grid's 6,000 x 5,000 km box). The
 * raster maps a position to its lattice cell, so neighbour look-ups are O(1)
 * and cells missing from the grid (population 0) are explicit, which gap
 * filling needs. For a missing cell the uint32 slot holds its centre id
 * instead. Grid cells sharing a position (a 1 km cell cut by a --by border)
 * become one lattice cell whose population is the sum of the parts. The
 * border ring is never part of a centre or cluster, so walking from a
 * centre or cluster cell never leaves the raster. Components are found by
 * breadth-first search seeded in the grid's canonical cell order, and ids
 * are renumbered by first cell in that order at the end, so results never
 * depend on the input order. Gap filling stops exploring a background
 * component as soon as it reaches the border or the size limit, so it costs
 * O(window). Grids finer than 1 km are aggregated first (ig_grid_aggregate)
 * and the 1 km result is copied to their cells. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "core/core.h"
#include "core/ksum.h"
#include "integrid/ig_places.h"
#include "places/places_internal.h"

#define F_PRESENT 0x01u /* a lattice cell of the grid (selection) */
#define F_CENTRE 0x02u  /* in an urban centre */
#define F_SEEN 0x04u    /* visited by the current pass */
#define F_BIG 0x08u     /* background reaching the border or too large */
#define F_CAND 0x10u    /* majority-rule candidate of this round */
#define F_DENSE 0x20u   /* level 2: in a dense urban cluster */

#define DEFAULT_MAX_WINDOW ((uint64_t)64 * 1024 * 1024)
#define MAX_BUFFER_CELLS 50

typedef struct u32vec {
    uint32_t *v;
    size_t n, cap;
} u32vec;

typedef struct work {
    ig_ctx *ctx;
    const ig_degurba_opts *o;
    size_t ncell;       /* grid cells in the selection */
    size_t n;           /* lattice cells (distinct positions) */
    const double *pop;  /* n, per lattice cell */
    const double *land; /* n or NULL */
    double *own_pop, *own_land; /* sums over shared positions, or NULL */
    size_t w, h, npos;  /* raster width, height, cells */
    uint32_t *win;      /* present: lattice index + 1; missing: centre id */
    uint8_t *fl;
    uint32_t *lat_of;   /* grid cell (selection) -> lattice index */
    uint32_t *pos_of;   /* lattice index -> raster position */
    uint32_t *cen;      /* lattice index -> raw centre id, 0 none */
    uint32_t *clu;      /* lattice index -> raw cluster id, 0 none */
    uint8_t *c2;        /* level 2: class per lattice cell */
    uint32_t *id2;      /* level 2: raw id within its kind */
    u32vec q, q2, q3;
    uint32_t n_centres, n_clusters, n_dense, n_semi, n_rural;
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
    o->level = 1;
    o->merge_shared_cells = 1;
    o->dense_min_density = 1500.0;
    o->dense_min_pop = 5000.0;
    o->semi_dense_min_density = 300.0;
    o->semi_dense_min_pop = 5000.0;
    o->semi_dense_buffer_cells = 3;
    o->rural_cluster_min_density = 300.0;
    o->rural_cluster_min_pop = 500.0;
    o->low_density_min = 50.0;
    o->water_max_land_km2 = 0.5;
}

const char *ig_degurba_class_name(int c)
{
    switch (c) {
    case IG_DEGURBA_RURAL: return "rural";
    case IG_DEGURBA_URBAN_CLUSTER: return "urban_cluster";
    case IG_DEGURBA_URBAN_CENTRE: return "urban_centre";
    case IG_DEGURBA2_WATER: return "water";
    case IG_DEGURBA2_VERY_LOW_DENSITY_RURAL: return "very_low_density_rural";
    case IG_DEGURBA2_LOW_DENSITY_RURAL: return "low_density_rural";
    case IG_DEGURBA2_RURAL_CLUSTER: return "rural_cluster";
    case IG_DEGURBA2_SUBURBAN: return "suburban_or_peri_urban";
    case IG_DEGURBA2_SEMI_DENSE_URBAN_CLUSTER:
        return "semi_dense_urban_cluster";
    case IG_DEGURBA2_DENSE_URBAN_CLUSTER: return "dense_urban_cluster";
    case IG_DEGURBA2_URBAN_CENTRE: return "urban_centre";
    default: return "none";
    }
}

int ig_degurba_level1_of(int c)
{
    switch (c) {
    case IG_DEGURBA_RURAL:
    case IG_DEGURBA_URBAN_CLUSTER:
    case IG_DEGURBA_URBAN_CENTRE: return c;
    case IG_DEGURBA2_WATER:
    case IG_DEGURBA2_VERY_LOW_DENSITY_RURAL:
    case IG_DEGURBA2_LOW_DENSITY_RURAL:
    case IG_DEGURBA2_RURAL_CLUSTER: return IG_DEGURBA_RURAL;
    case IG_DEGURBA2_SUBURBAN:
    case IG_DEGURBA2_SEMI_DENSE_URBAN_CLUSTER:
    case IG_DEGURBA2_DENSE_URBAN_CLUSTER: return IG_DEGURBA_URBAN_CLUSTER;
    case IG_DEGURBA2_URBAN_CENTRE: return IG_DEGURBA_URBAN_CENTRE;
    default: return IG_DEGURBA_NONE;
    }
}

/* Density per km2 of land of lattice cell i: the caller's column when it is
 * usable, else the full 1 km cell. */
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

/* ---- level 2 ------------------------------------------------------------ */

/* Which lattice cells a level 2 component may contain. */
typedef enum member_rule {
    M_DENSE,      /* density >= dense_min_density */
    M_SEMI_DENSE, /* density >= semi_dense_min_density */
    M_RURAL       /* level 1 rural, density >= rural_cluster_min_density */
} member_rule;

static int is_member(const work *w, size_t j, member_rule rule)
{
    switch (rule) {
    case M_DENSE: return density(w, j) >= w->o->dense_min_density;
    case M_SEMI_DENSE: return density(w, j) >= w->o->semi_dense_min_density;
    default:
        return w->cen[j] == 0 && w->clu[j] == 0 &&
               density(w, j) >= w->o->rural_cluster_min_density;
    }
}

/* The component of lattice cell `seed` under `rule` (4- or 8-connected)
 * into w->q as raster positions; *pop receives its population. Marks the
 * cells F_SEEN. */
static ig_status component(work *w, size_t seed, member_rule rule, int conn,
                           double *pop)
{
    const long W = (long)w->w;
    const long d8[8] = {1, -1, W, -W, W + 1, W - 1, -W + 1, -W - 1};
    size_t s = w->pos_of[seed];
    w->q.n = 0;
    if (vpush(w->ctx, &w->q, (uint32_t)s) != IG_OK) return IG_ERR_NOMEM;
    w->fl[s] |= F_SEEN;
    ig_ksum acc;
    ig_ksum_init(&acc);
    for (size_t h = 0; h < w->q.n; h++) {
        size_t p = w->q.v[h];
        ig_ksum_add(&acc, w->pop[w->win[p] - 1]);
        for (int k = 0; k < conn; k++) {
            size_t r = (size_t)((long)p + d8[k]);
            if ((w->fl[r] & (F_PRESENT | F_SEEN)) != F_PRESENT) continue;
            if (!is_member(w, w->win[r] - 1, rule)) continue;
            w->fl[r] |= F_SEEN;
            if (vpush(w->ctx, &w->q, (uint32_t)r) != IG_OK)
                return IG_ERR_NOMEM;
        }
    }
    *pop = ig_ksum_value(&acc);
    return IG_OK;
}

/* 1 when a centre or dense urban cluster position lies within b cells
 * (8-neighbour steps, i.e. the Chebyshev distance) of raster position p. */
static int near_dense(const work *w, size_t p, int b)
{
    long x = (long)(p % w->w), y = (long)(p / w->w);
    long x0 = x - b < 0 ? 0 : x - b, y0 = y - b < 0 ? 0 : y - b;
    long x1 = x + b > (long)w->w - 1 ? (long)w->w - 1 : x + b;
    long y1 = y + b > (long)w->h - 1 ? (long)w->h - 1 : y + b;
    for (long yy = y0; yy <= y1; yy++)
        for (long xx = x0; xx <= x1; xx++)
            if (w->fl[(size_t)yy * w->w + (size_t)xx] & (F_CENTRE | F_DENSE))
                return 1;
    return 0;
}

/* Level 2 classes and raw ids per lattice cell (docs/places/degurba.md,
 * "Level 2"). Every level 2 class stays inside its level 1 class. */
static ig_status level2(work *w)
{
    const ig_degurba_opts *o = w->o;
    double pop = 0.0;
    for (size_t j = 0; j < w->n; j++)
        w->c2[j] = w->cen[j] ? IG_DEGURBA2_URBAN_CENTRE
                   : w->clu[j] ? IG_DEGURBA2_SUBURBAN
                               : 0;
    /* dense urban clusters: 4-connected dense cells with enough people;
     * the urban cluster cells outside centres among them */
    for (size_t j = 0; j < w->n; j++) {
        if ((w->fl[w->pos_of[j]] & F_SEEN) || !is_member(w, j, M_DENSE))
            continue;
        if (component(w, j, M_DENSE, 4, &pop) != IG_OK) return IG_ERR_NOMEM;
        if (pop < o->dense_min_pop) continue;
        uint32_t id = 0;
        for (size_t h = 0; h < w->q.n; h++) {
            size_t i = w->win[w->q.v[h]] - 1;
            if (w->c2[i] != IG_DEGURBA2_SUBURBAN) continue;
            if (id == 0) id = ++w->n_dense;
            w->c2[i] = IG_DEGURBA2_DENSE_URBAN_CLUSTER;
            w->id2[i] = id;
            w->fl[w->q.v[h]] |= F_DENSE;
        }
    }
    clear_flags(w, F_SEEN);
    /* semi-dense urban clusters: 8-connected cells with enough people, no
     * cell near a centre or dense urban cluster */
    int b = o->semi_dense_buffer_cells;
    for (size_t j = 0; j < w->n; j++) {
        if ((w->fl[w->pos_of[j]] & F_SEEN) || !is_member(w, j, M_SEMI_DENSE))
            continue;
        if (component(w, j, M_SEMI_DENSE, 8, &pop) != IG_OK)
            return IG_ERR_NOMEM;
        if (pop < o->semi_dense_min_pop) continue;
        int near = 0;
        for (size_t h = 0; h < w->q.n && !near; h++)
            near = near_dense(w, w->q.v[h], b);
        if (near) continue;
        uint32_t id = 0;
        for (size_t h = 0; h < w->q.n; h++) {
            size_t i = w->win[w->q.v[h]] - 1;
            if (w->c2[i] != IG_DEGURBA2_SUBURBAN) continue;
            if (id == 0) id = ++w->n_semi;
            w->c2[i] = IG_DEGURBA2_SEMI_DENSE_URBAN_CLUSTER;
            w->id2[i] = id;
        }
    }
    clear_flags(w, F_SEEN | F_DENSE);
    /* rural clusters among the rural cells, then density classes */
    for (size_t j = 0; j < w->n; j++) {
        if (w->c2[j] != 0 || (w->fl[w->pos_of[j]] & F_SEEN) ||
            !is_member(w, j, M_RURAL))
            continue;
        if (component(w, j, M_RURAL, 8, &pop) != IG_OK) return IG_ERR_NOMEM;
        if (pop < o->rural_cluster_min_pop) continue;
        uint32_t id = ++w->n_rural;
        for (size_t h = 0; h < w->q.n; h++) {
            size_t i = w->win[w->q.v[h]] - 1;
            w->c2[i] = IG_DEGURBA2_RURAL_CLUSTER;
            w->id2[i] = id;
        }
    }
    clear_flags(w, F_SEEN);
    for (size_t j = 0; j < w->n; j++) {
        if (w->c2[j] != 0) continue;
        if (density(w, j) >= o->low_density_min) {
            w->c2[j] = IG_DEGURBA2_LOW_DENSITY_RURAL;
            continue;
        }
        w->c2[j] = IG_DEGURBA2_VERY_LOW_DENSITY_RURAL;
        if (w->land && o->water_max_land_km2 > 0.0 && w->pop[j] == 0.0 &&
            isfinite(w->land[j]) && w->land[j] < o->water_max_land_km2)
            w->c2[j] = IG_DEGURBA2_WATER;
    }
    return IG_OK;
}

/* ---- driver ------------------------------------------------------------- */

static ig_status check_opts(const ig_degurba_opts *o, ig_error *err)
{
    const double v[13] = {o->centre_min_density,
                          o->centre_min_pop,
                          o->cluster_min_density,
                          o->cluster_min_pop,
                          o->max_gap_km2,
                          o->dense_min_density,
                          o->dense_min_pop,
                          o->semi_dense_min_density,
                          o->semi_dense_min_pop,
                          o->rural_cluster_min_density,
                          o->rural_cluster_min_pop,
                          o->low_density_min,
                          o->water_max_land_km2};
    for (int k = 0; k < 13; k++)
        if (!isfinite(v[k]) || v[k] < 0.0)
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "DEGURBA thresholds, max_gap_km2 and "
                                 "water_max_land_km2 must be finite and >= "
                                 "0; start from ig_degurba_opts_init()");
    if (o->majority_min_neighbours < 0 || o->majority_min_neighbours > 8)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "majority_min_neighbours is %d; it counts the 8 "
                             "neighbours of a cell, so use 0 (off) to 8 "
                             "(the manual uses 5)",
                             o->majority_min_neighbours);
    if (o->level != 1 && o->level != 2)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "DEGURBA level %d does not exist: use 1 (urban "
                             "centres, urban clusters, rural cells) or 2",
                             o->level);
    if (o->semi_dense_buffer_cells < 0 ||
        o->semi_dense_buffer_cells > MAX_BUFFER_CELLS)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "semi_dense_buffer_cells is %d; use 0 to %d "
                             "cells (the manual's 2021 edition uses 3)",
                             o->semi_dense_buffer_cells, MAX_BUFFER_CELLS);
    return IG_OK;
}

/* Renumber the raw ids (1..n_raw) of the lattice cells whose class is
 * `kind` (all cells when cls is NULL) by first cell in canonical order. */
static ig_status renumber(ig_ctx *ctx, uint32_t *ids, size_t n, uint32_t n_raw,
                          const uint8_t *cls, uint8_t kind)
{
    if (n_raw == 0) return IG_OK;
    uint32_t *map = ig__calloc(ctx, (size_t)n_raw + 1, sizeof *map);
    if (!map) return IG_ERR_NOMEM;
    uint32_t next = 0;
    for (size_t i = 0; i < n; i++) {
        if (ids[i] == 0 || (cls && cls[i] != kind)) continue;
        if (map[ids[i]] == 0) map[ids[i]] = ++next;
        ids[i] = map[ids[i]];
    }
    ig__free(ctx, map, ((size_t)n_raw + 1) * sizeof *map);
    return IG_OK;
}

static void work_free(work *w)
{
    ig_ctx *ctx = w->ctx;
    size_t n = w->ncell ? w->ncell : 1;
    vfree(ctx, &w->q);
    vfree(ctx, &w->q2);
    vfree(ctx, &w->q3);
    ig__free(ctx, w->id2, n * sizeof *w->id2);
    ig__free(ctx, w->c2, n);
    ig__free(ctx, w->clu, n * sizeof *w->clu);
    ig__free(ctx, w->cen, n * sizeof *w->cen);
    ig__free(ctx, w->pos_of, n * sizeof *w->pos_of);
    ig__free(ctx, w->lat_of, n * sizeof *w->lat_of);
    ig__free(ctx, w->own_land, n * sizeof *w->own_land);
    ig__free(ctx, w->own_pop, n * sizeof *w->own_pop);
    ig__free(ctx, w->fl, w->npos * sizeof *w->fl);
    ig__free(ctx, w->win, w->npos * sizeof *w->win);
}

/* Lay the selection's cells [first, first + n) on the raster; positions
 * shared by several cells become one lattice cell. */
static ig_status lay_out(work *w, const ig_grid *grid, size_t first,
                         int32_t r0, int32_t c0, const double *land_all,
                         const double *pop_var, ig_error *err)
{
    const int32_t *rows = ig_grid_rows(grid), *cols = ig_grid_cols(grid);
    const double *tot = ig_grid_totals(grid);
    size_t nl = 0, ndup = 0;
    for (size_t i = 0; i < w->ncell; i++) {
        size_t x = (size_t)((int64_t)cols[first + i] - c0 + 1);
        size_t y = (size_t)((int64_t)rows[first + i] - r0 + 1);
        size_t p = y * w->w + x;
        if (w->fl[p] & F_PRESENT) {
            if (!w->o->merge_shared_cells) {
                char id[IG_CELLCODE_MAX] = "";
                (void)ig_grid_cell_id(grid, first + i, id, sizeof id);
                return ig__error_set(
                    err, IG_ERR_MISMATCH, 0, 0,
                    "cell %s appears twice (the grid is split by places that "
                    "share cells) and merge_shared_cells is 0; classify one "
                    "place at a time with ig_degurba_opts.place",
                    id);
            }
            w->lat_of[i] = w->win[p] - 1;
            ndup++;
            continue;
        }
        w->fl[p] = F_PRESENT;
        w->win[p] = (uint32_t)(nl + 1);
        w->pos_of[nl] = (uint32_t)p;
        w->lat_of[i] = (uint32_t)nl++;
    }
    w->n = nl;
    w->pop = tot + first;
    w->land = land_all ? land_all + first : NULL;
    if (ndup == 0 && !pop_var) return IG_OK;
    /* parts summed in canonical order; a land area needs every part's; a
     * population column's missing values fall back to the cell's total */
    size_t cap = w->ncell ? w->ncell : 1;
    w->own_pop = ig__calloc(w->ctx, cap, sizeof *w->own_pop);
    if (!w->own_pop) return IG_ERR_NOMEM;
    if (land_all && ndup) {
        w->own_land = ig__calloc(w->ctx, cap, sizeof *w->own_land);
        if (!w->own_land) return IG_ERR_NOMEM;
    }
    for (size_t i = 0; i < w->ncell; i++) {
        size_t j = w->lat_of[i];
        double v = tot[first + i];
        if (pop_var && isfinite(pop_var[first + i]) &&
            pop_var[first + i] >= 0.0)
            v = pop_var[first + i];
        w->own_pop[j] += v;
        if (land_all && ndup) w->own_land[j] += land_all[first + i];
    }
    w->pop = w->own_pop;
    if (ndup) w->land = w->own_land;
    return IG_OK;
}

/* The rules on a 1 km grid: cls (and ids, when not NULL) for every cell of
 * the grid; counts in *sum. Writes cls and ids only on success. */
static ig_status classify_1km(ig_ctx *ctx, const ig_grid *grid,
                              const ig_degurba_opts *opts, uint8_t *cls,
                              uint32_t *ids, ig_degurba_summary *sum,
                              ig_error *err)
{
    const int32_t *rows = ig_grid_rows(grid), *cols = ig_grid_cols(grid);
    size_t first = 0, n = ig_grid_ncells(grid);
    if (opts->place != IG_DEGURBA_ALL_PLACES &&
        ig_grid_place_range(grid, opts->place, &first, &n) != IG_OK)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "place %zu does not exist: the grid has %zu "
                             "places",
                             opts->place, ig_grid_nplaces(grid));
    const double *land = NULL;
    ig_status lst = ig__grid_column(grid, opts->land_area_var, "land-area",
                                    &land, err);
    if (lst != IG_OK) return lst;
    if (n >= UINT32_MAX)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "%zu cells are too many for one DEGURBA run", n);
    const double *popv = NULL;
    ig_status pst = ig__grid_column(grid, opts->pop_var, "population", &popv, err);
    if (pst != IG_OK) return pst;

    work w;
    memset(&w, 0, sizeof w);
    w.ctx = ctx;
    w.o = opts;
    w.ncell = n;
    ig_status st = IG_OK;
    if (n > 0) {
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
            return ig__error_set(
                err, IG_ERR_DOMAIN, 0, 0,
                "the cells span %llu x %llu km, more than the %llu-cell work "
                "raster allowed (ig_degurba_opts.max_window_cells); classify "
                "smaller places one at a time",
                (unsigned long long)ww - 2, (unsigned long long)hh - 2,
                (unsigned long long)maxw);
        w.w = (size_t)ww;
        w.h = (size_t)hh;
        w.npos = w.w * w.h;
        w.win = ig__calloc(ctx, w.npos, sizeof *w.win);
        w.fl = ig__calloc(ctx, w.npos, sizeof *w.fl);
        w.lat_of = ig__calloc(ctx, n, sizeof *w.lat_of);
        w.pos_of = ig__calloc(ctx, n, sizeof *w.pos_of);
        w.cen = ig__calloc(ctx, n, sizeof *w.cen);
        w.clu = ig__calloc(ctx, n, sizeof *w.clu);
        if (opts->level == 2) {
            w.c2 = ig__calloc(ctx, n, 1);
            w.id2 = ig__calloc(ctx, n, sizeof *w.id2);
        }
        if (!w.win || !w.fl || !w.lat_of || !w.pos_of || !w.cen || !w.clu ||
            (opts->level == 2 && (!w.c2 || !w.id2))) {
            st = IG_ERR_NOMEM;
            goto out;
        }
        st = lay_out(&w, grid, first, r0, c0, land, popv, err);
        if (st != IG_OK) goto out;
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
        st = renumber(ctx, w.cen, w.n, w.n_centres, NULL, 0);
        if (st == IG_OK) st = renumber(ctx, w.clu, w.n, w.n_clusters, NULL, 0);
        if (st != IG_OK) goto out;
        if (opts->level == 2) {
            st = level2(&w);
            if (st == IG_OK)
                st = renumber(ctx, w.id2, w.n, w.n_dense, w.c2,
                              IG_DEGURBA2_DENSE_URBAN_CLUSTER);
            if (st == IG_OK)
                st = renumber(ctx, w.id2, w.n, w.n_semi, w.c2,
                              IG_DEGURBA2_SEMI_DENSE_URBAN_CLUSTER);
            if (st == IG_OK)
                st = renumber(ctx, w.id2, w.n, w.n_rural, w.c2,
                              IG_DEGURBA2_RURAL_CLUSTER);
            if (st != IG_OK) goto out;
        }
    }

    {
        size_t all = ig_grid_ncells(grid);
        uint32_t nc = w.n_centres, ncl = w.n_clusters, nd = w.n_dense,
                 ns = w.n_semi;
        for (size_t j = 0; j < all; j++) {
            cls[j] = IG_DEGURBA_NONE;
            if (ids) ids[j] = 0;
        }
        for (size_t i = 0; i < n; i++) {
            size_t j = w.lat_of[i];
            uint8_t c = IG_DEGURBA_RURAL;
            uint32_t id = 0;
            if (w.cen[j]) {
                c = IG_DEGURBA_URBAN_CENTRE;
                id = w.cen[j];
            } else if (w.clu[j]) {
                c = IG_DEGURBA_URBAN_CLUSTER;
                id = nc + w.clu[j];
            }
            if (opts->level == 2) {
                c = w.c2[j];
                switch (c) {
                case IG_DEGURBA2_DENSE_URBAN_CLUSTER:
                    id = nc + ncl + w.id2[j];
                    break;
                case IG_DEGURBA2_SEMI_DENSE_URBAN_CLUSTER:
                    id = nc + ncl + nd + w.id2[j];
                    break;
                case IG_DEGURBA2_RURAL_CLUSTER:
                    id = nc + ncl + nd + ns + w.id2[j];
                    break;
                default: break;
                }
            }
            cls[first + i] = c;
            if (ids) ids[first + i] = id;
        }
    }
    sum->n_centres = w.n_centres;
    sum->n_clusters = w.n_clusters;
    sum->n_dense = w.n_dense;
    sum->n_semi_dense = w.n_semi;
    sum->n_rural_clusters = w.n_rural;
    sum->n_places = (size_t)w.n_centres + w.n_clusters + w.n_dense +
                    w.n_semi + w.n_rural;
    sum->window_cells = (uint64_t)w.npos;
    st = IG_OK;

out:
    work_free(&w);
    return st;
}

/* Population and cell counts per class over the cells of the grid. */
static void class_sums(const ig_grid *grid, const uint8_t *cls,
                       const double *popv, ig_degurba_summary *sum)
{
    ig_ksum acc[IG_DEGURBA_CLASS_SLOTS];
    for (int c = 0; c < IG_DEGURBA_CLASS_SLOTS; c++) {
        ig_ksum_init(&acc[c]);
        sum->class_cells[c] = 0;
    }
    const double *pop = ig_grid_totals(grid);
    size_t n = ig_grid_ncells(grid);
    for (size_t i = 0; i < n; i++) {
        unsigned c = cls[i] < IG_DEGURBA_CLASS_SLOTS ? cls[i] : 0;
        sum->class_cells[c]++;
        double v = pop[i];
        if (popv && isfinite(popv[i]) && popv[i] >= 0.0) v = popv[i];
        ig_ksum_add(&acc[c], v);
    }
    for (int c = 0; c < IG_DEGURBA_CLASS_SLOTS; c++)
        sum->class_pop[c] = ig_ksum_value(&acc[c]);
    ig_ksum pc, pu, pr;
    ig_ksum_init(&pc);
    ig_ksum_init(&pu);
    ig_ksum_init(&pr);
    for (int c = 1; c < IG_DEGURBA_CLASS_SLOTS; c++) {
        int l1 = ig_degurba_level1_of(c);
        if (l1 == IG_DEGURBA_URBAN_CENTRE) ig_ksum_merge(&pc, &acc[c]);
        else if (l1 == IG_DEGURBA_URBAN_CLUSTER) ig_ksum_merge(&pu, &acc[c]);
        else if (l1 == IG_DEGURBA_RURAL) ig_ksum_merge(&pr, &acc[c]);
    }
    sum->pop_centre = ig_ksum_value(&pc);
    sum->pop_cluster = ig_ksum_value(&pu);
    sum->pop_rural = ig_ksum_value(&pr);
}

/* A grid finer than 1 km: aggregate, classify, copy back per cell. */
static ig_status classify_fine(ig_ctx *ctx, const ig_grid *grid,
                               const ig_degurba_opts *opts, uint8_t *cls_out,
                               uint32_t *place_out, ig_degurba_summary *sum,
                               ig_error *err)
{
    size_t n = ig_grid_ncells(grid);
    uint32_t *map = ig__alloc(ctx, (n ? n : 1) * sizeof *map);
    if (!map) return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    ig_grid *coarse = NULL;
    uint8_t *ccls = NULL;
    uint32_t *cids = NULL;
    size_t nc = 0;
    ig_status st = ig_grid_aggregate(ctx, grid, 1000, &coarse, map, err);
    if (st == IG_OK) {
        nc = ig_grid_ncells(coarse);
        ccls = ig__alloc(ctx, nc ? nc : 1);
        cids = ig__alloc(ctx, (nc ? nc : 1) * sizeof *cids);
        if (!ccls || !cids)
            st = ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    }
    if (st == IG_OK)
        st = classify_1km(ctx, coarse, opts, ccls, cids, sum, err);
    if (st == IG_OK) {
        for (size_t i = 0; i < n; i++) {
            cls_out[i] = ccls[map[i]];
            if (place_out) place_out[i] = cids[map[i]];
        }
    }
    ig__free(ctx, cids, (nc ? nc : 1) * sizeof *cids);
    ig__free(ctx, ccls, nc ? nc : 1);
    ig_grid_destroy(coarse);
    ig__free(ctx, map, (n ? n : 1) * sizeof *map);
    return st;
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
    if (!ig_grid_rows(grid) || !ig_grid_cols(grid))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "DEGURBA needs a spatial grid (cells with "
                             "coordinates), not aspatial units");
    int32_t size_m = ig_grid_cell_size_m(grid);
    if (size_m <= 0 || size_m > 1000 || 1000 % size_m != 0)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "grid cells are %d m; the Degree of "
                             "Urbanisation needs 1 km cells or a finer grid "
                             "that divides 1 km (100 m, 200 m, 250 m, "
                             "500 m)",
                             (int)size_m);
    ig_degurba_summary sum;
    memset(&sum, 0, sizeof sum);
    if (size_m == 1000)
        st = classify_1km(ctx, grid, opts, cls_out, place_out, &sum, err);
    else
        st = classify_fine(ctx, grid, opts, cls_out, place_out, &sum, err);
    if (st != IG_OK) {
        if (st == IG_ERR_NOMEM)
            ig__error_set(err, st, 0, 0,
                          "out of memory classifying %zu cells",
                          ig_grid_ncells(grid));
        return st;
    }
    if (summary) {
        sum.level = opts->level;
        sum.classified_size_m = 1000;
        const double *popv = NULL;
        (void)ig__grid_column(grid, opts->pop_var, "population", &popv, NULL);
        class_sums(grid, cls_out, popv, &sum);
        *summary = sum;
    }
    return IG_OK;
}
