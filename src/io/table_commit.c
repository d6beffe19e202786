/* The in-order side of reading: parsed blocks are handed to the grid
 * builder in input order on the calling thread, with block-relative lines
 * turned into file lines. Wide input goes straight to the builder, which is
 * created at the first row (its cell size comes from that row). Long input
 * ("one row per unit and group") is gathered first, because the builder
 * treats a repeated unit as a duplicate: rows are interned by unit and
 * group, then summed into one row per unit with groups in sorted (or the
 * requested) order, and absent combinations count 0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/grid_internal.h"
#include "io/table.h"

#define NONE UINT32_MAX

typedef struct tbl_long {
    ig__strtab *units, *groups, *places, *withins;
    size_t n, cap;
    uint32_t *unit, *group;
    double *val;
    uint8_t *na;
    long *line;
    size_t ucap;
    uint32_t *u_place, *u_within;
    long *u_line, *u_place_line, *u_within_line;
    uint8_t *u_flag;
    int all_codes;
} tbl_long;

void ig__tbl_long_free(tbl *t)
{
    tbl_long *L = t->lg;
    if (!L) return;
    ig_ctx *ctx = t->ctx;
    ig__strtab_destroy(L->units);
    ig__strtab_destroy(L->groups);
    ig__strtab_destroy(L->places);
    ig__strtab_destroy(L->withins);
    ig__free(ctx, L->unit, L->cap * sizeof *L->unit);
    ig__free(ctx, L->group, L->cap * sizeof *L->group);
    ig__free(ctx, L->val, L->cap * sizeof *L->val);
    ig__free(ctx, L->na, L->cap);
    ig__free(ctx, L->line, L->cap * sizeof *L->line);
    ig__free(ctx, L->u_place, L->ucap * sizeof *L->u_place);
    ig__free(ctx, L->u_within, L->ucap * sizeof *L->u_within);
    ig__free(ctx, L->u_line, L->ucap * sizeof *L->u_line);
    ig__free(ctx, L->u_place_line, L->ucap * sizeof *L->u_place_line);
    ig__free(ctx, L->u_within_line, L->ucap * sizeof *L->u_within_line);
    ig__free(ctx, L->u_flag, L->ucap);
    ig__free(ctx, L, sizeof *L);
    t->lg = NULL;
}

static ig_status long_init(tbl *t)
{
    tbl_long *L = ig__calloc(t->ctx, 1, sizeof *L);
    if (!L) return IG_ERR_NOMEM;
    t->lg = L;
    L->all_codes = 1;
    if (ig__strtab_create(t->ctx, &L->units) != IG_OK ||
        ig__strtab_create(t->ctx, &L->groups) != IG_OK ||
        ig__strtab_create(t->ctx, &L->places) != IG_OK ||
        ig__strtab_create(t->ctx, &L->withins) != IG_OK)
        return IG_ERR_NOMEM;
    return IG_OK;
}

/* Grow the arrays of *pp (cap elements of size es) to nc. */
static size_t next_cap(size_t cap, size_t need)
{
    size_t nc = cap ? cap * 2 : 256;
    while (nc < need) nc *= 2;
    return nc;
}

/* On failure every array keeps a valid block (of the old or new size). */
static ig_status long_reserve_rows(ig_ctx *ctx, tbl_long *L, size_t need)
{
    if (need <= L->cap) return IG_OK;
    size_t nc = next_cap(L->cap, need), c = L->cap;
    void *u = L->unit, *g = L->group, *v = L->val, *n = L->na, *l = L->line;
    int ok = ig__resize(ctx, &u, c, nc, sizeof *L->unit) &&
             ig__resize(ctx, &g, c, nc, sizeof *L->group) &&
             ig__resize(ctx, &v, c, nc, sizeof *L->val) &&
             ig__resize(ctx, &n, c, nc, sizeof *L->na) &&
             ig__resize(ctx, &l, c, nc, sizeof *L->line);
    L->unit = u;
    L->group = g;
    L->val = v;
    L->na = n;
    L->line = l;
    if (!ok) return IG_ERR_NOMEM;
    L->cap = nc;
    return IG_OK;
}

static ig_status long_reserve_units(ig_ctx *ctx, tbl_long *L, size_t need)
{
    if (need <= L->ucap) return IG_OK;
    size_t nc = next_cap(L->ucap, need), c = L->ucap;
    void *p = L->u_place, *w = L->u_within, *l = L->u_line,
         *pl = L->u_place_line, *wl = L->u_within_line, *f = L->u_flag;
    int ok = ig__resize(ctx, &p, c, nc, sizeof *L->u_place) &&
             ig__resize(ctx, &w, c, nc, sizeof *L->u_within) &&
             ig__resize(ctx, &l, c, nc, sizeof *L->u_line) &&
             ig__resize(ctx, &pl, c, nc, sizeof *L->u_place_line) &&
             ig__resize(ctx, &wl, c, nc, sizeof *L->u_within_line) &&
             ig__resize(ctx, &f, c, nc, sizeof *L->u_flag);
    L->u_place = p;
    L->u_within = w;
    L->u_line = l;
    L->u_place_line = pl;
    L->u_within_line = wl;
    L->u_flag = f;
    if (!ok) return IG_ERR_NOMEM;
    L->ucap = nc;
    return IG_OK;
}

/* A unit's --by / --within value must not change between its rows. */
static ig_status same_label(tbl *t, ig__strtab *tab, const char *val,
                            uint32_t *slot, long *slot_line, const char *unit,
                            const char *opt, const char *col, long line,
                            ig_error *err)
{
    uint32_t id;
    if (ig__strtab_intern(tab, val, strlen(val), &id) != IG_OK)
        return ig__error_set(err, IG_ERR_NOMEM, line, 0, "out of memory");
    if (*slot == NONE) {
        *slot = id;
        *slot_line = line;
        return IG_OK;
    }
    if (*slot == id) return IG_OK;
    (void)t;
    return ig__error_set(err, IG_ERR_PARSE, line, 0,
                         "unit '%s' has two %s values in column '%s': '%s' "
                         "on line %ld and '%s' on line %ld; a unit belongs "
                         "to one place",
                         unit, opt, col, ig__strtab_get(tab, *slot), *slot_line,
                         val, line);
}

static ig_status commit_long(tbl *t, tbl_res *r, ig_error *err)
{
    if (!t->lg && long_init(t) != IG_OK)
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    tbl_long *L = t->lg;
    if (long_reserve_rows(t->ctx, L, L->n + r->n) != IG_OK)
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    for (size_t i = 0; i < r->n; i++) {
        long line = t->base_line + r->line[i];
        const char *unit = r->arena + r->unit_off[i];
        const char *grp = r->arena + r->group_off[i];
        uint32_t uid, gid;
        size_t before = ig__strtab_count(L->units);
        if (ig__strtab_intern(L->units, unit, strlen(unit), &uid) != IG_OK ||
            ig__strtab_intern(L->groups, grp, strlen(grp), &gid) != IG_OK)
            return ig__error_set(err, IG_ERR_NOMEM, line, 0, "out of memory");
        if (ig__strtab_count(L->units) > before) {
            if (long_reserve_units(t->ctx, L, (size_t)uid + 1) != IG_OK)
                return ig__error_set(err, IG_ERR_NOMEM, line, 0,
                                     "out of memory");
            L->u_place[uid] = NONE;
            L->u_within[uid] = NONE;
            L->u_line[uid] = line;
            L->u_place_line[uid] = 0;
            L->u_within_line[uid] = 0;
            L->u_flag[uid] = 0;
        }
        if (!r->unit_code[i]) L->all_codes = 0;
        L->u_flag[uid] |= r->flagged[i];
        ig_status st;
        if (t->place_str >= 0) {
            st = same_label(t, L->places, r->arena + r->place_off[i],
                            &L->u_place[uid], &L->u_place_line[uid], unit,
                            "--by", t->cols[t->str_col[t->place_str]], line,
                            err);
            if (st != IG_OK) return st;
        }
        if (t->within_str >= 0) {
            st = same_label(t, L->withins, r->arena + r->within_off[i],
                            &L->u_within[uid], &L->u_within_line[uid], unit,
                            "--within", t->cols[t->str_col[t->within_str]],
                            line, err);
            if (st != IG_OK) return st;
        }
        L->unit[L->n] = uid;
        L->group[L->n] = gid;
        L->val[L->n] = r->counts[i];
        L->na[L->n] = r->na[i];
        L->line[L->n] = line;
        L->n++;
    }
    return IG_OK;
}

static ig_status make_builder(tbl *t, int32_t size_m, int32_t epsg,
                              const char *const *groups, ig_error *err)
{
    ig_grid_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.size_m = size_m;
    spec.epsg = epsg;
    spec.n_groups = t->n_groups;
    spec.group_names = groups;
    spec.n_vars = t->n_vars;
    spec.var_names = (const char *const *)t->var_names;
    spec.has_total = t->total_slot >= 0;
    spec.strict = t->o->strict;
    return ig_grid_builder_create(t->ctx, &spec, &t->b, err);
}

static ig_status commit_wide(tbl *t, tbl_res *r, ig_error *err)
{
    ig_status st;
    if (r->n > 0 && !t->b) {
        int32_t size = 0, epsg = 0;
        if (t->mode == M_CODE || t->mode == M_XY) {
            size = r->cells[0].size_m;
            epsg = r->cells[0].epsg;
        }
        st = make_builder(t, size, epsg, (const char *const *)t->group_names,
                          err);
        if (st != IG_OK) return st;
    }
    size_t G = t->n_groups, V = t->n_vars;
    ig_grid_row row;
    memset(&row, 0, sizeof row);
    for (size_t i = 0; i < r->n; i++) {
        if (t->mode == M_UNIT)
            row.unit = r->arena + r->unit_off[i];
        else
            row.cell = r->cells[i];
        row.counts = r->counts + i * G;
        row.na = r->any_na[i] ? r->na + i * G : NULL;
        row.total = t->total_slot >= 0 ? r->total[i] : 0.0;
        row.vars = V ? r->vars + i * V : NULL;
        row.place = t->place_str >= 0 ? r->arena + r->place_off[i] : NULL;
        row.within = t->within_str >= 0 ? r->arena + r->within_off[i] : NULL;
        row.line = t->base_line + r->line[i];
        st = ig_grid_builder_add(t->b, &row, err);
        if (st != IG_OK) return st;
    }
    return IG_OK;
}

ig_status ig__tbl_commit(void *ud, const ig__block *b, void *res, ig_error *err)
{
    tbl *t = ud;
    tbl_res *r = res;
    if (b->st != IG_OK) {
        if (err) {
            *err = b->err;
            err->status = b->st;
            if (b->st_line) err->line = t->base_line + b->st_line;
        }
        return b->st;
    }
    ig_status st =
        t->mode == M_LONG ? commit_long(t, r, err) : commit_wide(t, r, err);
    if (st != IG_OK) return st;
    if (r->st != IG_OK)
        return ig__error_set(err, r->st, t->base_line + r->err_line, r->err_col,
                             "%s", r->err_msg);
    t->rows += r->rows;
    if (t->mode != M_LONG) t->flagged += r->flagged_rows; /* long: per unit */
    if (r->total_fixed) {
        if (t->total_fixed == 0)
            t->total_fixed_line = t->base_line + r->total_fixed_line;
        t->total_fixed += r->total_fixed;
    }
    t->base_line += r->n_lines;
    return IG_OK;
}

/* ---- long format: one row per unit ------------------------------------- */

typedef struct name_ix {
    const char *s;
    uint32_t id;
} name_ix;

static int cmp_name_ix(const void *a, const void *b)
{
    const name_ix *x = a, *y = b;
    return strcmp(x->s, y->s);
}

/* Make gmap[group value id] = output group index (or -1) and the names. */
static ig_status long_groups(tbl *t, int32_t **gmap_out, ig_error *err)
{
    tbl_long *L = t->lg;
    size_t nv = ig__strtab_count(L->groups);
    int32_t *gmap = ig__calloc(t->ctx, nv ? nv : 1, sizeof *gmap);
    if (!gmap) return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    for (size_t v = 0; v < nv; v++) gmap[v] = -1;
    ig_status st = IG_OK;
    if (t->n_groups > 0) {
        /* Requested: restricted and in the given order. */
        for (size_t g = 0; g < t->n_groups && st == IG_OK; g++) {
            uint32_t id;
            const char *nm = t->group_names[g];
            if (!ig__strtab_find(L->groups, nm, strlen(nm), &id)) {
                char list[256];
                size_t k = 0;
                list[0] = '\0';
                for (size_t v = 0; v < nv && k + 1 < sizeof list; v++) {
                    int w = snprintf(list + k, sizeof list - k, "%s%s",
                                     v ? ", " : "",
                                     ig__strtab_get(L->groups, (uint32_t)v));
                    if (w < 0) break;
                    k += (size_t)w;
                }
                st = ig__error_set(err, IG_ERR_NOT_FOUND, 0, 0,
                                   "group '%s' does not occur in column "
                                   "'%s'; its values are: %s",
                                   nm, t->cols[t->str_col[t->group_str]], list);
            } else {
                gmap[id] = (int32_t)g;
            }
        }
    } else {
        name_ix *ix = ig__calloc(t->ctx, nv ? nv : 1, sizeof *ix);
        char **names = ig__calloc(t->ctx, nv ? nv : 1, sizeof *names);
        if (!ix || !names) {
            ig__free(t->ctx, ix, 0);
            ig__free(t->ctx, names, 0);
            ig__free(t->ctx, gmap, 0);
            return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
        }
        for (size_t v = 0; v < nv; v++) {
            ix[v].s = ig__strtab_get(L->groups, (uint32_t)v);
            ix[v].id = (uint32_t)v;
        }
        qsort(ix, nv, sizeof *ix, cmp_name_ix);
        for (size_t g = 0; g < nv && st == IG_OK; g++) {
            gmap[ix[g].id] = (int32_t)g;
            names[g] = ig__strdup(t->ctx, ix[g].s);
            if (!names[g])
                st = ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
        }
        ig__free(t->ctx, ix, nv * sizeof *ix);
        /* The table owns group_names from here, even on failure. */
        t->group_names = names;
        t->n_groups = nv;
    }
    if (st != IG_OK) {
        ig__free(t->ctx, gmap, 0);
        return st;
    }
    *gmap_out = gmap;
    return IG_OK;
}

static ig_status finish_long(tbl *t, ig_error *err)
{
    tbl_long *L = t->lg;
    int32_t *gmap = NULL;
    ig_status st = long_groups(t, &gmap, err);
    if (st != IG_OK) return st;
    ig_ctx *ctx = t->ctx;
    size_t U = ig__strtab_count(L->units), G = t->n_groups;
    if (G == 0) {
        ig__free(ctx, gmap, 0);
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "column '%s' holds no group values",
                             t->cols[t->str_col[t->group_str]]);
    }
    double *cnt = ig__calloc(ctx, U * G, sizeof *cnt);
    uint8_t *na = ig__calloc(ctx, U * G, 1);
    long *seen = ig__calloc(ctx, U * G, sizeof *seen);
    if (!cnt || !na || !seen) {
        st = ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
        goto out;
    }
    uint64_t dups = 0;
    long dup_line = 0;
    for (size_t i = 0; i < L->n; i++) {
        int32_t g = gmap[L->group[i]];
        if (g < 0) continue;
        size_t k = (size_t)L->unit[i] * G + (size_t)g;
        if (seen[k]) {
            if (t->o->strict) {
                st = ig__error_set(
                    err, IG_ERR_MISMATCH, L->line[i], 0,
                    "unit '%s' has two rows for group '%s' (lines %ld and "
                    "%ld); drop --strict to sum them",
                    ig__strtab_get(L->units, L->unit[i]), t->group_names[g],
                    seen[k], L->line[i]);
                goto out;
            }
            if (dups++ == 0) dup_line = L->line[i];
        } else {
            seen[k] = L->line[i];
        }
        cnt[k] += L->val[i];
        na[k] |= L->na[i];
    }
    int32_t size = 0, epsg = 0;
    if (L->all_codes && U > 0) {
        ig_cell c;
        const char *u0 = ig__strtab_get(L->units, 0);
        if (ig_cellcode_parse(u0, strlen(u0), &c) == IG_OK) {
            size = c.size_m;
            epsg = c.epsg;
        }
    }
    st = make_builder(t, size, epsg, (const char *const *)t->group_names, err);
    if (st != IG_OK) goto out;
    ig_grid_row row;
    memset(&row, 0, sizeof row);
    for (size_t u = 0; u < U; u++) {
        const char *nm = ig__strtab_get(L->units, (uint32_t)u);
        if (size > 0) {
            if (ig_cellcode_parse(nm, strlen(nm), &row.cell) != IG_OK) {
                st = ig__error_set(err, IG_ERR_PARSE, L->u_line[u], 0,
                                   "unit '%s' is not a cell code", nm);
                goto out;
            }
        } else {
            row.unit = nm;
        }
        double *c = cnt + u * G;
        uint8_t *a = na + u * G;
        int any = 0;
        for (size_t g = 0; g < G; g++) {
            if (a[g]) {
                c[g] = 0.0;
                any = 1;
            }
        }
        row.counts = c;
        row.na = any ? a : NULL;
        row.place =
            t->place_str >= 0 ? ig__strtab_get(L->places, L->u_place[u]) : NULL;
        row.within = t->within_str >= 0
                         ? ig__strtab_get(L->withins, L->u_within[u])
                         : NULL;
        row.line = L->u_line[u];
        st = ig_grid_builder_add(t->b, &row, err);
        if (st != IG_OK) goto out;
        t->flagged += L->u_flag[u];
    }
    if (dups)
        ig__log(ctx, IG_LOG_WARN,
                "%s: %llu row%s repeat a (unit, group) pair already seen; "
                "the counts were summed (first at line %ld; --strict makes "
                "this an error)",
                t->name, (unsigned long long)dups, dups == 1 ? "" : "s",
                dup_line);
out:
    ig__free(ctx, cnt, U * G * sizeof *cnt);
    ig__free(ctx, na, U * G);
    ig__free(ctx, seen, U * G * sizeof *seen);
    ig__free(ctx, gmap, 0);
    return st;
}

ig_status ig__tbl_finish(tbl *t, ig_grid **out, ig_error *err)
{
    ig_status st;
    if (t->rows == 0)
        return ig__error_set(err, IG_ERR_PARSE, t->base_line + 1, 0,
                             "no data rows: the file has a header but no "
                             "records");
    if (t->mode == M_LONG) {
        st = finish_long(t, err);
        if (st != IG_OK) return st;
    }
    ig_grid *g = NULL;
    st = ig_grid_builder_finish(t->b, &g, err);
    if (st != IG_OK) return st;
    st = ig__grid_set_source(g, t->name);
    if (st != IG_OK) {
        ig_grid_destroy(g);
        return ig__error_set(err, st, 0, 0, "out of memory");
    }
    if (t->total_fixed)
        ig__log(t->ctx, IG_LOG_WARN,
                "%s: %llu row%s have a total (column '%s') below the sum of "
                "their groups; the sum was used instead (first at line %ld)",
                t->name, (unsigned long long)t->total_fixed,
                t->total_fixed == 1 ? "" : "s",
                t->cols[t->num_col[t->total_slot]], t->total_fixed_line);
    *out = g;
    return IG_OK;
}
