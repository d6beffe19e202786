/* Comparing two grids (ig_change_grids): check that they describe the same
 * places in the same CRS, bring them to one resolution (the finer grid is
 * aggregated to the coarser, which must be a whole multiple of it), match
 * groups and places by name, then per place join the cells on their lattice
 * position (or aspatial units on their names) into two tables over the union
 * of units and hand them to ig_change_tables(). The join sorts (key, index)
 * pairs with qsort: no order of the readers is relied on. A unit present in
 * only one grid is a row of zeros in the other table: an addition or a
 * removal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "integrid/ig_change.h"

struct ig_change_result {
    ig_ctx *ctx;
    ig_change_row *rows;
    size_t n, cap;
    char **strs; /* place names and messages */
    size_t n_strs, cap_strs;
    int32_t cell_m;
};

typedef struct ukey {
    int64_t k;        /* spatial: row << 32 | col */
    const char *name; /* aspatial */
    size_t idx;
} ukey;

static int cmp_sp(const void *a, const void *b)
{
    const ukey *x = a, *y = b;
    return (x->k > y->k) - (x->k < y->k);
}

static int cmp_name(const void *a, const void *b)
{
    const ukey *x = a, *y = b;
    return strcmp(x->name, y->name);
}

size_t ig_change_result_nrows(const ig_change_result *r)
{
    return r ? r->n : 0;
}

const ig_change_row *ig_change_result_row(const ig_change_result *r, size_t i)
{
    return r && i < r->n ? &r->rows[i] : NULL;
}

int32_t ig_change_result_cell_size_m(const ig_change_result *r)
{
    return r ? r->cell_m : 0;
}

void ig_change_result_destroy(ig_change_result *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->n_strs; i++)
        ig__free(r->ctx, r->strs[i], strlen(r->strs[i]) + 1);
    ig__free(r->ctx, r->strs, r->cap_strs * sizeof *r->strs);
    ig__free(r->ctx, r->rows, r->cap * sizeof *r->rows);
    ig__free(r->ctx, r, sizeof *r);
}

static const char *keep_str(ig_change_result *r, const char *s)
{
    if (ig__grow(r->ctx, (void **)&r->strs, &r->cap_strs, r->n_strs + 1,
                 sizeof *r->strs) != IG_OK)
        return NULL;
    char *d = ig__strdup(r->ctx, s);
    if (!d) return NULL;
    r->strs[r->n_strs++] = d;
    return d;
}

/* Keys of the usable cells of place p of g (cells with a group not
 * available are left out). */
static ig_status place_keys(ig_ctx *ctx, const ig_grid *g, size_t p,
                            ukey **out, size_t *n_out)
{
    size_t first = 0, count = 0;
    ig_status st = ig_grid_place_range(g, p, &first, &count);
    if (st != IG_OK) return st;
    ukey *k = ig__alloc(ctx, (count ? count : 1) * sizeof *k);
    if (!k) return IG_ERR_NOMEM;
    const int32_t *rows = ig_grid_rows(g), *cols = ig_grid_cols(g);
    const uint8_t *na = ig_grid_na_any(g);
    size_t n = 0;
    for (size_t c = first; c < first + count; c++) {
        if (na && na[c]) continue;
        k[n].idx = c;
        k[n].name = NULL;
        k[n].k = 0;
        if (rows)
            k[n].k = (int64_t)(((uint64_t)(uint32_t)rows[c] << 32) |
                               (uint64_t)(uint32_t)cols[c]);
        else
            k[n].name = ig_grid_unit_name(g, c);
        n++;
    }
    if (n > 1) qsort(k, n, sizeof *k, rows ? cmp_sp : cmp_name);
    *out = k;
    *n_out = n;
    return IG_OK;
}

static int key_cmp(const ukey *a, const ukey *b, int spatial)
{
    return spatial ? cmp_sp(a, b) : cmp_name(a, b);
}

/* List the names of a that are not in b into buf. */
static void missing_names(char *buf, size_t cap, const ig_grid *a,
                          const ig_grid *b, int places)
{
    size_t len = 0, shown = 0;
    buf[0] = '\0';
    size_t n = places ? ig_grid_nplaces(a) : ig_grid_ngroups(a);
    for (size_t i = 0; i < n; i++) {
        const char *nm =
            places ? ig_grid_place_name(a, i) : ig_grid_group_name(a, i);
        int found = 0;
        size_t nb = places ? ig_grid_nplaces(b) : ig_grid_ngroups(b);
        for (size_t j = 0; j < nb && !found; j++)
            found = strcmp(nm, places ? ig_grid_place_name(b, j)
                                      : ig_grid_group_name(b, j)) == 0;
        if (found) continue;
        if (shown++ == 8) {
            if (len + 5 < cap) memcpy(buf + len, ", ...", 6);
            return;
        }
        int w = snprintf(buf + len, cap - len, "%s%s", len ? ", " : "", nm);
        if (w < 0 || (size_t)w >= cap - len) return;
        len += (size_t)w;
    }
    if (!len && cap > 7) memcpy(buf, "(none)", 7);
}

/* Add one decomposition row for the tables (a, b). */
static ig_status add_row(ig_change_result *r, const char *place, long group,
                         const ig_ctab *a, const ig_ctab *b,
                         const ig_change_opts *o, size_t uo, size_t un,
                         size_t ub)
{
    if (ig__grow(r->ctx, (void **)&r->rows, &r->cap, r->n + 1,
                 sizeof *r->rows) != IG_OK)
        return IG_ERR_NOMEM;
    ig_change_row *row = &r->rows[r->n];
    memset(row, 0, sizeof *row);
    row->place = place;
    row->group = group;
    row->units_old = uo;
    row->units_new = un;
    row->units_both = ub;
    ig_change_opts oo = *o;
    oo.group = group < 0 ? IG_CHANGE_ALL_GROUPS : (size_t)group;
    ig_error e;
    memset(&e, 0, sizeof e);
    ig_status st = ig_change_tables(r->ctx, a, b, &oo, &row->parts, &e);
    if (st == IG_ERR_NOMEM) return st;
    row->status = st;
    if (st != IG_OK) {
        const char *msg = keep_str(r, e.msg[0] ? e.msg : ig_strerror(st));
        if (!msg) return IG_ERR_NOMEM;
        row->message = msg;
    }
    r->n++;
    return IG_OK;
}

/* The rows between and within classes of one place (tables a and b over
 * the union units, classes ca and cb of those units). */
static ig_status add_class_rows(ig_change_result *r, const char *place,
                                const ig_ctab *a, const uint32_t *ca,
                                const ig_ctab *b, const uint32_t *cb,
                                const ig_change_opts *o, size_t uo, size_t un,
                                size_t ub)
{
    const ig_change_classes *cl = o->classes;
    size_t K = cl->n_classes;
    ig_change_parts *parts = ig__calloc(r->ctx, K + 2, sizeof *parts);
    if (!parts) return IG_ERR_NOMEM;
    ig_error e;
    memset(&e, 0, sizeof e);
    ig_status st = ig_change_by_class(r->ctx, a, ca, b, cb, K, o->measure,
                                      parts, &e);
    if (st == IG_ERR_NOMEM) {
        ig__free(r->ctx, parts, (K + 2) * sizeof *parts);
        return st;
    }
    const char *msg = NULL;
    if (st != IG_OK && !(msg = keep_str(r, e.msg[0] ? e.msg : ig_strerror(st)))) {
        ig__free(r->ctx, parts, (K + 2) * sizeof *parts);
        return IG_ERR_NOMEM;
    }
    ig_status out = IG_OK;
    for (size_t k = 0; k < K + 2 && out == IG_OK; k++) {
        /* only the classes with a unit of the place (in either census);
         * "none" only when some unit has no class */
        if (k > 0) {
            int any = 0;
            for (size_t u = 0; u < a->n_units && !any; u++)
                any = k <= K ? (ca[u] == k - 1 || cb[u] == k - 1)
                             : (ca[u] >= K || cb[u] >= K);
            if (!any) continue;
        }
        if (ig__grow(r->ctx, (void **)&r->rows, &r->cap, r->n + 1,
                     sizeof *r->rows) != IG_OK) {
            out = IG_ERR_NOMEM;
            break;
        }
        ig_change_row *row = &r->rows[r->n++];
        memset(row, 0, sizeof *row);
        row->place = place;
        row->group = -1;
        row->kind = k == 0 ? IG_CHANGE_ROW_BETWEEN : IG_CHANGE_ROW_WITHIN;
        if (k > 0) {
            /* the result owns its strings */
            row->class_name = keep_str(r, k <= K ? cl->names[k - 1] : "none");
            if (!row->class_name) out = IG_ERR_NOMEM;
        }
        row->units_old = uo;
        row->units_new = un;
        row->units_both = ub;
        row->status = st;
        row->message = msg;
        if (st == IG_OK) row->parts = parts[k];
    }
    ig__free(r->ctx, parts, (K + 2) * sizeof *parts);
    return out;
}

/* One place: join, build the tables, add its rows. *overlap receives the
 * number of units in both grids. cls_a / cls_b: the classes of A's and
 * B's cells (NULL: that grid was aggregated, its units take the other's
 * class); unused without o->classes. */
static ig_status do_place(ig_change_result *r, const ig_grid *A,
                          const ig_grid *B, size_t pa, size_t pb,
                          const size_t *gmap, const ig_change_opts *o,
                          const uint32_t *cls_a, const uint32_t *cls_b,
                          size_t *overlap)
{
    ig_ctx *ctx = r->ctx;
    ukey *ka = NULL, *kb = NULL;
    size_t na = 0, nb = 0;
    double *ta = NULL, *tb = NULL;
    uint32_t *ca = NULL, *cb = NULL;
    int by_class = o->classes && o->measure != IG_CHANGE_DISSIM;
    size_t G = ig_grid_ngroups(A);
    int spatial = ig_grid_rows(A) != NULL;
    /* single-group D against a given total: one more column, the rest */
    size_t W = G + ((o->measure == IG_CHANGE_DISSIM && ig_grid_has_total(A)) ? 1 : 0);
    size_t nu = 0, cells = 0;
    ig_status st = place_keys(ctx, A, pa, &ka, &na);
    if (st == IG_OK) st = place_keys(ctx, B, pb, &kb, &nb);
    if (st != IG_OK) goto out;
    /* union size */
    size_t i = 0, j = 0, both = 0;
    while (i < na || j < nb) {
        int c = i >= na ? 1 : j >= nb ? -1 : key_cmp(&ka[i], &kb[j], spatial);
        if (c == 0) both++;
        if (c <= 0) i++;
        if (c >= 0) j++;
        nu++;
    }
    *overlap = both;
    cells = (nu ? nu : 1) * W;
    ta = ig__calloc(ctx, cells, sizeof *ta);
    tb = ig__calloc(ctx, cells, sizeof *tb);
    if (by_class) {
        ca = ig__alloc(ctx, (nu ? nu : 1) * sizeof *ca);
        cb = ig__alloc(ctx, (nu ? nu : 1) * sizeof *cb);
    }
    if (!ta || !tb || (by_class && (!ca || !cb))) {
        st = IG_ERR_NOMEM;
        goto out;
    }
    const double *tot_a = ig_grid_totals(A), *tot_b = ig_grid_totals(B);
    i = j = 0;
    size_t u = 0, uo = 0, un = 0;
    while (i < na || j < nb) {
        int c = i >= na ? 1 : j >= nb ? -1 : key_cmp(&ka[i], &kb[j], spatial);
        if (by_class) {
            /* a unit's class in each census; an aggregated grid's units
             * take the other grid's class for the same cell */
            uint32_t xa = c <= 0 && cls_a ? cls_a[ka[i].idx] : IG_CHANGE_NO_CLASS;
            uint32_t xb = c >= 0 && cls_b ? cls_b[kb[j].idx] : IG_CHANGE_NO_CLASS;
            ca[u] = cls_a ? xa : xb;
            cb[u] = cls_b ? xb : xa;
        }
        if (c <= 0) {
            size_t ci = ka[i].idx;
            double s = 0.0;
            for (size_t g = 0; g < G; g++) {
                ta[g * nu + u] = ig_grid_counts(A, g)[ci];
                s += ta[g * nu + u];
            }
            if (W > G) ta[G * nu + u] = tot_a[ci] > s ? tot_a[ci] - s : 0.0;
            if (tot_a[ci] > 0.0) uo++;
            i++;
        }
        if (c >= 0) {
            size_t ci = kb[j].idx;
            double s = 0.0;
            for (size_t g = 0; g < G; g++) {
                tb[g * nu + u] = ig_grid_counts(B, gmap[g])[ci];
                s += tb[g * nu + u];
            }
            if (W > G) tb[G * nu + u] = tot_b[ci] > s ? tot_b[ci] - s : 0.0;
            if (tot_b[ci] > 0.0) un++;
            j++;
        }
        u++;
    }
    const char *place = keep_str(r, ig_grid_place_name(A, pa));
    if (!place) {
        st = IG_ERR_NOMEM;
        goto out;
    }
    ig_ctab a = {nu, W, ta}, b = {nu, W, tb};
    if (o->measure != IG_CHANGE_DISSIM) {
        ig_ctab a2 = {nu, G, ta}, b2 = {nu, G, tb};
        st = add_row(r, place, -1, &a2, &b2, o, uo, un, both);
        if (st == IG_OK && by_class)
            st = add_class_rows(r, place, &a2, ca, &b2, cb, o, uo, un, both);
    } else if (o->group != IG_CHANGE_ALL_GROUPS) {
        st = add_row(r, place, (long)o->group, &a, &b, o, uo, un, both);
    } else {
        for (size_t g = 0; g < G && st == IG_OK; g++)
            st = add_row(r, place, (long)g, &a, &b, o, uo, un, both);
        ig_ctab a2 = {nu, G, ta}, b2 = {nu, G, tb};
        if (st == IG_OK) st = add_row(r, place, -1, &a2, &b2, o, uo, un, both);
    }
out:
    ig__free(ctx, ka, (na ? na : 1) * sizeof *ka);
    ig__free(ctx, kb, (nb ? nb : 1) * sizeof *kb);
    ig__free(ctx, ta, cells * sizeof *ta);
    ig__free(ctx, tb, cells * sizeof *tb);
    ig__free(ctx, ca, (nu ? nu : 1) * sizeof *ca);
    ig__free(ctx, cb, (nu ? nu : 1) * sizeof *cb);
    return st;
}

ig_status ig_change_grids(ig_ctx *ctx, const ig_grid *old_g,
                          const ig_grid *new_g, const ig_change_opts *opts,
                          ig_change_result **out, ig_error *err)
{
    if (!old_g || !new_g || !out)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "change: two grids and out are required");
    ig_change_opts o;
    ig_change_opts_init(&o);
    if (opts) o = *opts;
    int32_t sa = ig_grid_cell_size_m(old_g), sb = ig_grid_cell_size_m(new_g);
    if ((sa == 0) != (sb == 0))
        return ig__error_set(err, IG_ERR_MISMATCH, 0, 0,
                             "change: OLD is %s but NEW is %s; compare grid "
                             "with grid, or units (--long) with units",
                             sa ? "a grid of cells" : "a table of units",
                             sb ? "a grid of cells" : "a table of units");
    if (sa && ig_grid_crs_epsg(old_g) != ig_grid_crs_epsg(new_g))
        return ig__error_set(err, IG_ERR_MISMATCH, 0, 0,
                             "change: OLD is in EPSG:%d but NEW in EPSG:%d; "
                             "reproject one grid to the other's CRS",
                             (int)ig_grid_crs_epsg(old_g),
                             (int)ig_grid_crs_epsg(new_g));
    int32_t coarse = sa > sb ? sa : sb, fine = sa > sb ? sb : sa;
    if (sa && coarse % fine != 0)
        return ig__error_set(err, IG_ERR_MISMATCH, 0, 0,
                             "change: the cell sizes %d m (OLD) and %d m "
                             "(NEW) do not nest: %d is not a multiple of %d; "
                             "aggregate both to a common size first",
                             (int)sa, (int)sb, (int)coarse, (int)fine);
    size_t G = ig_grid_ngroups(old_g);
    char buf[300], buf2[300];
    int same = G == ig_grid_ngroups(new_g);
    for (size_t g = 0; g < G && same; g++)
        same = ig_grid_group_index(new_g, ig_grid_group_name(old_g, g)) !=
               (size_t)-1;
    if (!same) {
        missing_names(buf, sizeof buf, old_g, new_g, 0);
        missing_names(buf2, sizeof buf2, new_g, old_g, 0);
        return ig__error_set(err, IG_ERR_MISMATCH, 0, 0,
                             "change: the groups differ: only in OLD: %s; "
                             "only in NEW: %s; use the same --group "
                             "definitions for both files",
                             buf, buf2);
    }
    size_t P = ig_grid_nplaces(old_g);
    same = P == ig_grid_nplaces(new_g);
    for (size_t p = 0; p < P && same; p++) {
        same = 0;
        for (size_t q = 0; q < P && !same; q++)
            same = strcmp(ig_grid_place_name(old_g, p),
                          ig_grid_place_name(new_g, q)) == 0;
    }
    if (!same) {
        missing_names(buf, sizeof buf, old_g, new_g, 1);
        missing_names(buf2, sizeof buf2, new_g, old_g, 1);
        return ig__error_set(err, IG_ERR_MISMATCH, 0, 0,
                             "change: the places (--by) differ: only in "
                             "OLD: %s; only in NEW: %s",
                             buf, buf2);
    }
    if (o.classes && o.measure == IG_CHANGE_DISSIM)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "change: the split between and within classes "
                             "is for mutual_information and "
                             "multi_information_theory, not dissimilarity");
    if (o.classes && (!o.classes->old_cls || !o.classes->new_cls ||
                      (o.classes->n_classes && !o.classes->names)))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "change: classes need a class per cell of both "
                             "grids and their names");
    if (o.measure == IG_CHANGE_DISSIM && o.group != IG_CHANGE_ALL_GROUPS &&
        o.group >= G)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "change: group %zu out of range (%zu groups)",
                             o.group, G);

    ig_status st = IG_OK;
    ig_grid *agg = NULL;
    const ig_grid *A = old_g, *B = new_g;
    size_t *gmap = NULL;
    ig_change_result *r = ig__calloc(ctx, 1, sizeof *r);
    if (!r) return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    r->ctx = ctx;
    r->cell_m = coarse;
    if (sa != sb) {
        st = ig_grid_aggregate(ctx, sa < sb ? old_g : new_g, coarse, &agg,
                               NULL, err);
        if (st != IG_OK) goto out;
        if (sa < sb)
            A = agg;
        else
            B = agg;
    }
    gmap = ig__alloc(ctx, (G ? G : 1) * sizeof *gmap);
    if (!gmap) {
        st = ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
        goto out;
    }
    for (size_t g = 0; g < G; g++)
        gmap[g] = ig_grid_group_index(B, ig_grid_group_name(A, g));
    size_t overlap = 0;
    for (size_t p = 0; p < P; p++) {
        size_t q = 0;
        while (strcmp(ig_grid_place_name(A, p), ig_grid_place_name(B, q)))
            q++;
        size_t ov = 0;
        const uint32_t *cla = NULL, *clb = NULL;
        if (o.classes) {
            cla = A == agg ? NULL : o.classes->old_cls;
            clb = B == agg ? NULL : o.classes->new_cls;
        }
        st = do_place(r, A, B, p, q, gmap, &o, cla, clb, &ov);
        if (st != IG_OK) {
            st = ig__error_set(err, st, 0, 0, "change: %s",
                               ig_strerror(st));
            goto out;
        }
        overlap += ov;
    }
    if (overlap == 0) {
        st = ig__error_set(err, IG_ERR_MISMATCH, 0, 0,
                           "change: no %s of OLD is in NEW%s; are they the "
                           "same place?",
                           sa ? "cell" : "unit",
                           sa != sb ? " (after aggregating to the coarser "
                                      "cells)"
                                    : "");
        goto out;
    }
out:
    ig__free(ctx, gmap, (G ? G : 1) * sizeof *gmap);
    ig_grid_destroy(agg);
    if (st != IG_OK) {
        ig_change_result_destroy(r);
        return st;
    }
    *out = r;
    return IG_OK;
}
