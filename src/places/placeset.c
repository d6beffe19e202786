/* Place sets: places as lists of cells of a grid, with their figures and
 * the grid regrouped by place, so that one ig_measures_run() call computes
 * every measure for every place (docs/places/placesets.md).
 *
 * Design: a place set copies the caller's CSR lists (offsets + cells +
 * optional weights) and derives everything from them in list order, with
 * compensated sums, so figures do not depend on how the lists were sorted
 * by ig_grid_regroup(). The country of a place is the `--by` place holding
 * most of its population: one dense accumulator over the `--by` places
 * with a list of the entries touched, so the cost is O(cells listed), not
 * O(places x countries). The DEGURBA constructor is a thin layer: it
 * classifies, builds the place table (ids, classes, countries and cell
 * lists stay identical to `integrid places`), and adds class aggregates. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "core/ksum.h"
#include "integrid/ig_gazetteer.h"
#include "integrid/ig_placeset.h"
#include "places/places_internal.h"

struct ig_placeset {
    ig_ctx *ctx;
    size_t n, ng, nv;
    ig_placeset_row *rows;
    char **str;      /* 4 per row: id, name, cls, country */
    double *groups;  /* n * ng */
    double *vars;    /* n * nv */
    size_t *offsets; /* n + 1 */
    size_t *cells;
    double *weights; /* NULL when all 1 */
    ig_grid *grid;
    size_t n_src;    /* cells of the source grid */
    uint8_t *cell_cls;
    uint32_t *cell_ids;
    ig_degurba_summary sum;
    int has_degurba;
};

static const char *nz(const char *s) { return s ? s : ""; }

void ig_placeset_destroy(ig_placeset *ps)
{
    if (!ps) return;
    ig_ctx *ctx = ps->ctx;
    size_t ncell = ps->offsets ? ps->offsets[ps->n] : 0;
    if (ps->str)
        for (size_t i = 0; i < 4 * ps->n; i++)
            if (ps->str[i]) ig__free(ctx, ps->str[i], strlen(ps->str[i]) + 1);
    ig__free(ctx, ps->str, 4 * ps->n * sizeof *ps->str);
    ig__free(ctx, ps->rows, ps->n * sizeof *ps->rows);
    ig__free(ctx, ps->groups, (ps->n * ps->ng + 1) * sizeof *ps->groups);
    ig__free(ctx, ps->vars, (ps->n * ps->nv + 1) * sizeof *ps->vars);
    ig__free(ctx, ps->cells, (ncell + 1) * sizeof *ps->cells);
    ig__free(ctx, ps->weights, (ncell + 1) * sizeof *ps->weights);
    ig__free(ctx, ps->offsets, (ps->n + 1) * sizeof *ps->offsets);
    ig__free(ctx, ps->cell_cls, ps->n_src + 1);
    ig__free(ctx, ps->cell_ids, (ps->n_src + 1) * sizeof *ps->cell_ids);
    ig_grid_destroy(ps->grid);
    ig__free(ctx, ps, sizeof *ps);
}

static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static ig_status check_defs(ig_ctx *ctx, size_t n, const ig_place_def *defs,
                            ig_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (!defs[i].id || !defs[i].id[0])
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "place %zu has an empty id", i + 1);
    const char **ids = ig__alloc(ctx, n * sizeof *ids);
    if (!ids) return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    for (size_t i = 0; i < n; i++) ids[i] = defs[i].id;
    qsort(ids, n, sizeof *ids, cmp_str_ptr);
    ig_status st = IG_OK;
    for (size_t i = 1; i < n && st == IG_OK; i++)
        if (strcmp(ids[i - 1], ids[i]) == 0)
            st = ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                               "place id '%s' is used twice; ids must be "
                               "unique",
                               ids[i]);
    ig__free(ctx, ids, n * sizeof *ids);
    return st;
}

/* Figures of every row from the source grid, in list order. */
static ig_status compute_rows(ig_placeset *ps, const ig_grid *grid,
                              const double *land, int by_places,
                              const ig_place_def *defs)
{
    ig_ctx *ctx = ps->ctx;
    const size_t ng = ps->ng, nv = ps->nv, nsrc = ig_grid_ncells(grid);
    const int spatial = ig_grid_cell_size_m(grid) > 0;
    const double size = (double)ig_grid_cell_size_m(grid);
    const double cell_km2 = size * size / 1e6;
    const int32_t *rows = ig_grid_rows(grid), *cols = ig_grid_cols(grid);
    const double *pop = ig_grid_totals(grid);
    const size_t nby = ig_grid_nplaces(grid);
    const size_t nacc = 4 + ng + nv;
    ig_ksum *acc = ig__alloc(ctx, nacc * sizeof *acc);
    uint32_t *by_of = by_places ? ig__alloc(ctx, (nsrc + 1) * sizeof *by_of)
                                : NULL;
    ig_ksum *bysum = by_places ? ig__alloc(ctx, nby * sizeof *bysum) : NULL;
    uint32_t *touched = by_places ? ig__alloc(ctx, nby * sizeof *touched)
                                  : NULL;
    uint8_t *seen = by_places ? ig__calloc(ctx, nby, 1) : NULL;
    ig_status st = IG_OK;
    if (!acc || (by_places && (!by_of || !bysum || !touched || !seen))) {
        st = IG_ERR_NOMEM;
        goto out;
    }
    if (by_places)
        for (size_t p = 0; p < nby; p++) {
            size_t first = 0, cnt = 0;
            ig_grid_place_range(grid, p, &first, &cnt);
            for (size_t i = first; i < first + cnt; i++) by_of[i] = (uint32_t)p;
        }

    for (size_t r = 0; r < ps->n; r++) {
        ig_placeset_row *row = &ps->rows[r];
        for (size_t k = 0; k < nacc; k++) ig_ksum_init(&acc[k]);
        double ux = 0.0, uy = 0.0;
        size_t ntouch = 0;
        for (size_t e = ps->offsets[r]; e < ps->offsets[r + 1]; e++) {
            size_t i = ps->cells[e];
            double w = ps->weights ? ps->weights[e] : 1.0;
            double t = pop[i] * w;
            ig_ksum_add(&acc[0], t);
            for (size_t g = 0; g < ng; g++)
                ig_ksum_add(&acc[4 + g], ig_grid_counts(grid, g)[i] * w);
            for (size_t v = 0; v < nv; v++) {
                double x = ig_grid_var(grid, v)[i];
                if (isfinite(x)) ig_ksum_add(&acc[4 + ng + v], x * w);
            }
            if (spatial) {
                double a = cell_km2;
                if (land && isfinite(land[i]) && land[i] > 0.0) a = land[i];
                ig_ksum_add(&acc[3], a * w);
                double x = ((double)cols[i] + 0.5) * size;
                double y = ((double)rows[i] + 0.5) * size;
                ig_ksum_add(&acc[1], t * x);
                ig_ksum_add(&acc[2], t * y);
                ux += x;
                uy += y;
            }
            if (by_places) {
                uint32_t b = by_of[i];
                if (!seen[b]) {
                    seen[b] = 1;
                    ig_ksum_init(&bysum[b]);
                    touched[ntouch++] = b;
                }
                ig_ksum_add(&bysum[b], t);
            }
        }
        row->cells = ps->offsets[r + 1] - ps->offsets[r];
        row->population = ig_ksum_value(&acc[0]);
        row->groups = ps->groups + r * ng;
        row->vars = ps->vars + r * nv;
        for (size_t g = 0; g < ng; g++)
            ps->groups[r * ng + g] = ig_ksum_value(&acc[4 + g]);
        for (size_t v = 0; v < nv; v++)
            ps->vars[r * nv + v] = ig_ksum_value(&acc[4 + ng + v]);
        row->area_km2 = spatial ? ig_ksum_value(&acc[3]) : (double)NAN;
        row->x = row->y = row->lon = row->lat = NAN;
        if (spatial && row->cells > 0) {
            if (row->population > 0.0) {
                row->x = ig_ksum_value(&acc[1]) / row->population;
                row->y = ig_ksum_value(&acc[2]) / row->population;
            } else {
                row->x = ux / (double)row->cells;
                row->y = uy / (double)row->cells;
            }
        }
        if (by_places && !defs[r].country) {
            /* the most populous --by place; the first by name on a tie */
            double best = -1.0;
            size_t bi = 0;
            for (size_t k = 0; k < ntouch; k++) {
                uint32_t b = touched[k];
                double s = ig_ksum_value(&bysum[b]);
                if (s > best || (s == best && b < bi)) {
                    best = s;
                    bi = b;
                }
            }
            if (ntouch > 0) {
                char *c = ig__strdup(ctx, ig_grid_place_name(grid, bi));
                if (!c) {
                    st = IG_ERR_NOMEM;
                    goto out;
                }
                ig__free(ctx, ps->str[4 * r + 3],
                         strlen(ps->str[4 * r + 3]) + 1);
                ps->str[4 * r + 3] = c;
                row->country = c;
            }
        }
        for (size_t k = 0; k < ntouch; k++) seen[touched[k]] = 0;
    }
    if (spatial)
        ig__to_lonlat(ctx, ig_grid_crs_epsg(grid), ps->n, &ps->rows[0].x,
                      &ps->rows[0].y, &ps->rows[0].lon, &ps->rows[0].lat,
                      sizeof *ps->rows);
out:
    ig__free(ctx, acc, nacc * sizeof *acc);
    ig__free(ctx, by_of, (nsrc + 1) * sizeof *by_of);
    ig__free(ctx, bysum, nby * sizeof *bysum);
    ig__free(ctx, touched, nby * sizeof *touched);
    ig__free(ctx, seen, nby);
    return st;
}

ig_status ig_placeset_create(ig_ctx *ctx, const ig_grid *grid, size_t n,
                             const ig_place_def *defs, const size_t *offsets,
                             const size_t *cells, const double *weights,
                             const ig_placeset_opts *opts, ig_placeset **out,
                             ig_error *err)
{
    static const ig_placeset_opts dflt = {0};
    if (!opts) opts = &dflt;
    if (!grid || !defs || !offsets || !out || n == 0)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "ig_placeset_create: missing grid, places or "
                             "output, or no places");
    ig_status st = check_defs(ctx, n, defs, err);
    if (st != IG_OK) return st;
    const double *land = NULL;
    ig_status lst = ig__grid_column(grid, opts->land_area_var, "land-area",
                                    &land, err);
    if (lst != IG_OK) return lst;

    ig_placeset *ps = ig__calloc(ctx, 1, sizeof *ps);
    if (!ps) return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    ps->ctx = ctx;
    /* the grid regrouped first: it checks the lists */
    const char **names = ig__alloc(ctx, n * sizeof *names);
    if (!names) goto nomem;
    for (size_t i = 0; i < n; i++) names[i] = defs[i].id;
    st = ig_grid_regroup(ctx, grid, n, names, offsets, cells, weights,
                         &ps->grid, err);
    ig__free(ctx, names, n * sizeof *names);
    if (st != IG_OK) {
        ig_placeset_destroy(ps);
        return st;
    }

    const size_t total = offsets[n];
    ps->n = n;
    ps->ng = ig_grid_ngroups(grid);
    ps->nv = ig_grid_nvars(grid);
    ps->offsets = ig__alloc(ctx, (n + 1) * sizeof *ps->offsets);
    ps->cells = ig__alloc(ctx, (total + 1) * sizeof *ps->cells);
    if (weights) ps->weights = ig__alloc(ctx, (total + 1) * sizeof *ps->weights);
    ps->rows = ig__calloc(ctx, n, sizeof *ps->rows);
    ps->str = ig__calloc(ctx, 4 * n, sizeof *ps->str);
    ps->groups = ig__calloc(ctx, n * ps->ng + 1, sizeof *ps->groups);
    ps->vars = ig__calloc(ctx, n * ps->nv + 1, sizeof *ps->vars);
    if (!ps->offsets || !ps->cells || (weights && !ps->weights) || !ps->rows ||
        !ps->str || !ps->groups || !ps->vars)
        goto nomem;
    memcpy(ps->offsets, offsets, (n + 1) * sizeof *offsets);
    if (total) memcpy(ps->cells, cells, total * sizeof *cells);
    if (weights && total) memcpy(ps->weights, weights, total * sizeof *weights);
    for (size_t i = 0; i < n; i++) {
        const char *s[4] = {defs[i].id, nz(defs[i].name), nz(defs[i].cls),
                            nz(defs[i].country)};
        for (int k = 0; k < 4; k++)
            if (!(ps->str[4 * i + (size_t)k] = ig__strdup(ctx, s[k])))
                goto nomem;
        ig_placeset_row *r = &ps->rows[i];
        r->id = ps->str[4 * i];
        r->name = ps->str[4 * i + 1];
        r->cls = ps->str[4 * i + 2];
        r->country = ps->str[4 * i + 3];
        r->aggregate = defs[i].aggregate ? 1 : 0;
    }
    st = compute_rows(ps, grid, land, opts->by_places, defs);
    if (st != IG_OK) goto nomem;
    *out = ps;
    return IG_OK;
nomem:
    ig_placeset_destroy(ps);
    return ig__error_set(err, IG_ERR_NOMEM, 0, 0,
                         "out of memory building the place set");
}

/* ---- DEGURBA ------------------------------------------------------------ */

typedef struct list {
    size_t *v;
    size_t n, cap;
} list;

static ig_status lpush(ig_ctx *ctx, list *l, size_t x)
{
    if (l->n == l->cap &&
        ig__grow(ctx, (void **)&l->v, &l->cap, l->n + 1, sizeof *l->v) != IG_OK)
        return IG_ERR_NOMEM;
    l->v[l->n++] = x;
    return IG_OK;
}

typedef struct defs_buf {
    ig_place_def *d;
    size_t n, cap;
    char **own; /* ids and names made here */
    size_t nown, capown;
} defs_buf;

/* "<a><sep><c>" kept in b. */
static char *own_fmt(ig_ctx *ctx, defs_buf *b, const char *sep, const char *a,
                     const char *c)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s%s%s", a, sep, c);
    if (b->nown == b->capown &&
        ig__grow(ctx, (void **)&b->own, &b->capown, b->nown + 1,
                 sizeof *b->own) != IG_OK)
        return NULL;
    char *s = ig__strdup(ctx, buf);
    if (s) b->own[b->nown++] = s;
    return s;
}

static ig_status dpush(ig_ctx *ctx, defs_buf *b, const ig_place_def *d)
{
    if (b->n == b->cap &&
        ig__grow(ctx, (void **)&b->d, &b->cap, b->n + 1, sizeof *b->d) != IG_OK)
        return IG_ERR_NOMEM;
    b->d[b->n++] = *d;
    return IG_OK;
}

static void defs_free(ig_ctx *ctx, defs_buf *b)
{
    for (size_t i = 0; i < b->nown; i++)
        ig__free(ctx, b->own[i], strlen(b->own[i]) + 1);
    ig__free(ctx, b->own, b->capown * sizeof *b->own);
    ig__free(ctx, b->d, b->cap * sizeof *b->d);
}

/* Distinct country strings of the table, sorted. */
static ig_status countries_of(ig_ctx *ctx, const ig_place_row *r, size_t n,
                              const char ***out, size_t *nout)
{
    const char **c = ig__alloc(ctx, (n + 1) * sizeof *c);
    if (!c) return IG_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) c[i] = r[i].country;
    qsort(c, n, sizeof *c, cmp_str_ptr);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || strcmp(c[k - 1], c[i]) != 0) c[k++] = c[i];
    *out = c;
    *nout = k;
    return IG_OK;
}

ig_status ig_placeset_degurba(ig_ctx *ctx, const ig_grid *grid,
                              const ig_degurba_opts *dopts,
                              const ig_placeset_opts *opts, ig_placeset **out,
                              ig_error *err)
{
    static const ig_placeset_opts dflt = {0};
    if (!opts) opts = &dflt;
    if (!grid || !out)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "ig_placeset_degurba: missing grid or output");
    ig_degurba_opts dop;
    if (dopts)
        dop = *dopts;
    else
        ig_degurba_opts_init(&dop);
    if (!dop.land_area_var) dop.land_area_var = opts->land_area_var;

    const size_t nsrc = ig_grid_ncells(grid);
    uint8_t *cls = ig__alloc(ctx, nsrc + 1);
    uint32_t *ids = ig__alloc(ctx, (nsrc + 1) * sizeof *ids);
    ig_place_table *t = NULL;
    ig_placeset *ps = NULL;
    defs_buf db = {0};
    list cl = {0};
    size_t *offs = NULL;
    size_t noffs_cap = 0;
    const char **countries = NULL;
    size_t ncountries = 0, countries_cap = 0;
    ig_degurba_summary sum;
    ig_status st;
    if (!cls || !ids) goto nomem;
    st = ig_degurba_classify(ctx, grid, &dop, cls, ids, &sum, err);
    if (st != IG_OK) goto fail;
    ig_place_table_opts topt = {dop.land_area_var, opts->by_places};
    st = ig_place_table_build(ctx, grid, ids, &sum, &topt, &t, err);
    if (st != IG_OK) goto fail;

    const size_t np = ig_place_table_count(t);
    const ig_place_row *pr = ig_place_table_rows(t);
    const size_t *toff = NULL, *tcells = NULL;
    ig_place_table_cells(t, &toff, &tcells);
    /* at most: places, one aggregate per class and country (<= places),
     * one rural aggregate per --by place */
    noffs_cap = 2 * np + ig_grid_nplaces(grid) + 2;
    offs = ig__alloc(ctx, noffs_cap * sizeof *offs);
    if (!offs) goto nomem;
    offs[0] = 0;
    for (size_t p = 0; p < np; p++) {
        ig_place_def d = {0};
        char num[32];
        snprintf(num, sizeof num, "%lu", (unsigned long)pr[p].place_id);
        d.id = own_fmt(ctx, &db, "", num, "");
        if (!d.id) goto nomem;
        d.cls = ig_degurba_class_name(pr[p].cls);
        d.country = pr[p].country;
        if (dpush(ctx, &db, &d) != IG_OK) goto nomem;
        for (size_t e = toff[p]; e < toff[p + 1]; e++)
            if (lpush(ctx, &cl, tcells[e]) != IG_OK) goto nomem;
        offs[db.n] = cl.n;
    }
    if (opts->aggregates) {
        countries_cap = np + 1;
        if (countries_of(ctx, pr, np, &countries, &ncountries) != IG_OK)
            goto nomem;
        /* the classes present, from the highest code (urban centres) */
        int classes[64];
        size_t ncls = 0;
        for (size_t p = 0; p < np; p++) {
            size_t k = 0;
            while (k < ncls && classes[k] != pr[p].cls) k++;
            if (k == ncls && ncls < 64) classes[ncls++] = pr[p].cls;
        }
        for (size_t a = 1; a < ncls; a++)
            for (size_t b = a; b > 0 && classes[b - 1] < classes[b]; b--) {
                int tmp = classes[b];
                classes[b] = classes[b - 1];
                classes[b - 1] = tmp;
            }
        for (size_t c = 0; c < ncls; c++) {
            for (size_t k = 0; k < ncountries; k++) {
                size_t before = cl.n;
                for (size_t p = 0; p < np; p++) {
                    if (pr[p].cls != classes[c] ||
                        strcmp(pr[p].country, countries[k]) != 0)
                        continue;
                    for (size_t e = toff[p]; e < toff[p + 1]; e++)
                        if (lpush(ctx, &cl, tcells[e]) != IG_OK) goto nomem;
                }
                if (cl.n == before) continue;
                const char *cn = ig_degurba_class_name(classes[c]);
                const char *cc = opts->by_places ? countries[k] : "all";
                ig_place_def d = {0};
                d.id = own_fmt(ctx, &db, ":", cn, cc);
                if (!d.id) goto nomem;
                d.cls = cn;
                d.country = cc;
                d.aggregate = 1;
                if (dpush(ctx, &db, &d) != IG_OK) goto nomem;
                offs[db.n] = cl.n;
            }
        }
        /* rural cells per --by place */
        for (size_t b = 0; b < ig_grid_nplaces(grid); b++) {
            size_t first = 0, cnt = 0, before = cl.n;
            ig_grid_place_range(grid, b, &first, &cnt);
            for (size_t i = first; i < first + cnt; i++)
                if (ig_degurba_level1_of(cls[i]) == IG_DEGURBA_RURAL &&
                    lpush(ctx, &cl, i) != IG_OK)
                    goto nomem;
            if (cl.n == before) continue;
            const char *cc =
                opts->by_places ? ig_grid_place_name(grid, b) : "all";
            ig_place_def d = {0};
            d.id = own_fmt(ctx, &db, ":", "rural", cc);
            if (!d.id) goto nomem;
            d.cls = "rural";
            d.country = cc;
            d.aggregate = 1;
            if (dpush(ctx, &db, &d) != IG_OK) goto nomem;
            offs[db.n] = cl.n;
        }
    }
    if (db.n == 0) {
        st = ig__error_set(err, IG_ERR_NUMERIC, 0, 0,
                           "the grid has no urban centre or urban cluster "
                           "(no 1 km cells reach 300 residents per km2 in "
                           "clusters of 5,000)");
        goto fail;
    }
    st = ig_placeset_create(ctx, grid, db.n, db.d, offs, cl.v, NULL, opts,
                            &ps, err);
    if (st != IG_OK) goto fail;
    ps->cell_cls = cls;
    ps->cell_ids = ids;
    ps->n_src = nsrc;
    ps->sum = sum;
    ps->has_degurba = 1;
    cls = NULL;
    ids = NULL;
    *out = ps;
    st = IG_OK;
    goto done;
nomem:
    st = ig__error_set(err, IG_ERR_NOMEM, 0, 0,
                       "out of memory building the places");
fail:
done:
    ig__free(ctx, countries, countries_cap * sizeof *countries);
    ig__free(ctx, offs, noffs_cap * sizeof *offs);
    ig__free(ctx, cl.v, cl.cap * sizeof *cl.v);
    defs_free(ctx, &db);
    ig_place_table_destroy(t);
    ig__free(ctx, cls, nsrc + 1);
    ig__free(ctx, ids, (nsrc + 1) * sizeof *ids);
    return st;
}

/* ---- boundary files ----------------------------------------------------- */

ig_status ig_placeset_boundaries(ig_ctx *ctx, const ig_grid *grid,
                                 const ig_boundaries *b, ig_assign_mode mode,
                                 const ig_placeset_opts *opts,
                                 ig_placeset **out, ig_error *err)
{
    if (!grid || !b || !out)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "ig_placeset_boundaries: missing grid, "
                             "boundaries or output");
    size_t n = ig_boundaries_count(b);
    if (n == 0)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "the boundary file has no polygons");
    ig_assignment *a = NULL;
    ig_status st = ig_boundaries_assign(ctx, b, grid, mode, &a, err);
    if (st != IG_OK) return st;
    ig_place_def *d = ig__calloc(ctx, n, sizeof *d);
    if (!d) {
        ig_assignment_destroy(a);
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        d[i].id = ig_boundaries_id(b, i);
        d[i].name = ig_boundaries_name(b, i);
        d[i].cls = "boundary";
    }
    ig_placeset_opts o = opts ? *opts : (ig_placeset_opts){0};
    o.aggregates = 0;
    st = ig_placeset_create(ctx, grid, n, d, ig_assignment_offsets(a),
                            ig_assignment_cells(a), ig_assignment_weights(a),
                            &o, out, err);
    ig__free(ctx, d, n * sizeof *d);
    ig_assignment_destroy(a);
    return st;
}

/* ---- --by places -------------------------------------------------------- */

ig_status ig_placeset_by(ig_ctx *ctx, const ig_grid *grid, const char *cls,
                         const ig_placeset_opts *opts, ig_placeset **out,
                         ig_error *err)
{
    if (!grid || !out)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "ig_placeset_by: missing grid or output");
    size_t np = ig_grid_nplaces(grid), nc = ig_grid_ncells(grid);
    ig_place_def *d = ig__calloc(ctx, np, sizeof *d);
    size_t *offs = ig__alloc(ctx, (np + 1) * sizeof *offs);
    size_t *cells = ig__alloc(ctx, (nc + 1) * sizeof *cells);
    ig_status st;
    if (!d || !offs || !cells) {
        st = ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
        goto out;
    }
    offs[0] = 0;
    for (size_t p = 0; p < np; p++) {
        size_t first = 0, cnt = 0;
        ig_grid_place_range(grid, p, &first, &cnt);
        d[p].id = ig_grid_place_name(grid, p);
        d[p].cls = cls;
        d[p].country = (opts && opts->by_places) ? d[p].id : "";
        for (size_t i = 0; i < cnt; i++) cells[offs[p] + i] = first + i;
        offs[p + 1] = offs[p] + cnt;
    }
    ig_placeset_opts o = opts ? *opts : (ig_placeset_opts){0};
    o.aggregates = 0;
    st = ig_placeset_create(ctx, grid, np, d, offs, cells, NULL, &o, out,
                            err);
out:
    ig__free(ctx, d, np * sizeof *d);
    ig__free(ctx, offs, (np + 1) * sizeof *offs);
    ig__free(ctx, cells, (nc + 1) * sizeof *cells);
    return st;
}

/* ---- accessors ---------------------------------------------------------- */

size_t ig_placeset_count(const ig_placeset *ps) { return ps ? ps->n : 0; }

const ig_placeset_row *ig_placeset_get(const ig_placeset *ps, size_t i)
{
    return (ps && i < ps->n) ? &ps->rows[i] : NULL;
}

size_t ig_placeset_find(const ig_placeset *ps, const char *id)
{
    if (!ps || !id) return (size_t)-1;
    for (size_t i = 0; i < ps->n; i++)
        if (strcmp(ps->rows[i].id, id) == 0) return i;
    return (size_t)-1;
}

size_t ig_placeset_cells(const ig_placeset *ps, size_t i, const size_t **cells,
                         const double **weights)
{
    if (!ps || i >= ps->n) {
        if (cells) *cells = NULL;
        if (weights) *weights = NULL;
        return 0;
    }
    if (cells) *cells = ps->cells + ps->offsets[i];
    if (weights) *weights = ps->weights ? ps->weights + ps->offsets[i] : NULL;
    return ps->offsets[i + 1] - ps->offsets[i];
}

const ig_grid *ig_placeset_grid(const ig_placeset *ps)
{
    return ps ? ps->grid : NULL;
}

ig_status ig_placeset_set_name(ig_placeset *ps, size_t i, const char *name)
{
    if (!ps || i >= ps->n) return IG_ERR_DOMAIN;
    char *s = ig__strdup(ps->ctx, nz(name));
    if (!s) return IG_ERR_NOMEM;
    char **slot = &ps->str[4 * i + 1];
    ig__free(ps->ctx, *slot, strlen(*slot) + 1);
    *slot = s;
    ps->rows[i].name = s;
    return IG_OK;
}

const uint8_t *ig_placeset_cell_classes(const ig_placeset *ps)
{
    return ps ? ps->cell_cls : NULL;
}

const uint32_t *ig_placeset_cell_places(const ig_placeset *ps)
{
    return ps ? ps->cell_ids : NULL;
}

const ig_degurba_summary *ig_placeset_degurba_summary(const ig_placeset *ps)
{
    return (ps && ps->has_degurba) ? &ps->sum : NULL;
}

ig_status ig_placeset_name_places(ig_placeset *ps, const ig_gazetteer *gz,
                                  const ig_grid *grid, ig_error *err)
{
    if (!ps || !gz || !grid)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "ig_placeset_name_places: missing argument");
    if (ps->has_degurba && ig_grid_ncells(grid) != ps->n_src)
        return ig__error_set(err, IG_ERR_MISMATCH, 0, 0,
                             "ig_placeset_name_places: not the grid the "
                             "places were made from");
    const char **names = ig__alloc(ps->ctx, ps->n * sizeof *names);
    if (!names) return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    ig_status st = ig_gazetteer_name_places(ps->ctx, gz, grid, ps->n,
                                            ps->offsets, ps->cells, names,
                                            NULL, err);
    for (size_t i = 0; st == IG_OK && i < ps->n; i++) {
        if (ps->rows[i].aggregate || !names[i][0]) continue;
        if (ig_placeset_set_name(ps, i, names[i]) != IG_OK)
            st = ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    }
    ig__free(ps->ctx, names, ps->n * sizeof *names);
    return st;
}
