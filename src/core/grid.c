/* Grids and the grid builder.
 *
 * The builder appends rows (any order) into row-major scratch arrays. At
 * finish it sorts row indices by (place name, lattice row, lattice column)
 * -- aspatial units by name -- with a stable LSD radix sort, merges rows of
 * the same cell and place (summing, or failing under `strict`), and lays the
 * grid out as structure-of-arrays: int32 lattice coordinates, one double
 * array per group, per-group "not available" byte flags only for groups
 * that have any. The canonical order makes every result independent of the
 * input's row order (docs/design/0003-grid-memory-layout.md). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/assert.h"
#include "core/grid_internal.h"

#define NONE UINT32_MAX

struct ig_grid_builder {
    ig_ctx *ctx;
    int32_t size_m, epsg;
    size_t n_groups, n_vars;
    char **group_names, **var_names;
    int has_total, strict;
    size_t n, cap;
    uint64_t *key;
    long *line;
    uint32_t *place, *within;
    double *counts; /* row-major n x n_groups */
    double *total;
    double *vars;   /* row-major n x n_vars */
    uint8_t *na;    /* row-major n x n_groups, NULL until the first NA */
    ig__strtab *units, *places, *withins;
    int any_place, any_within;
    uint32_t last_place, last_within; /* ids of the previous row's values */
    uint64_t totals_raised;
    long first_raised_line;
};

/* ---- small helpers ----------------------------------------------------- */

static void free_names(ig_ctx *ctx, char **names, size_t n)
{
    if (!names) return;
    for (size_t i = 0; i < n; i++)
        if (names[i]) ig__free(ctx, names[i], strlen(names[i]) + 1);
    ig__free(ctx, names, n * sizeof *names);
}

static char **copy_names(ig_ctx *ctx, const char *const *src, size_t n)
{
    char **d = ig__calloc(ctx, n ? n : 1, sizeof *d);
    if (!d) return NULL;
    for (size_t i = 0; i < n; i++) {
        d[i] = ig__strdup(ctx, src[i]);
        if (!d[i]) {
            free_names(ctx, d, n);
            return NULL;
        }
    }
    return d;
}

static uint64_t pack_rc(int64_t row, int64_t col)
{
    uint64_t r = (uint32_t)((int32_t)row) ^ 0x80000000u;
    uint64_t c = (uint32_t)((int32_t)col) ^ 0x80000000u;
    return (r << 32) | c;
}

static int32_t unpack_row(uint64_t k)
{
    return (int32_t)((uint32_t)(k >> 32) ^ 0x80000000u);
}

static int32_t unpack_col(uint64_t k)
{
    return (int32_t)((uint32_t)(k & 0xffffffffu) ^ 0x80000000u);
}

/* ---- builder ------------------------------------------------------------ */

ig_status ig_grid_builder_create(ig_ctx *ctx, const ig_grid_spec *spec,
                                 ig_grid_builder **out, ig_error *err)
{
    if (!spec || !out)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "grid builder: spec and out are required");
    if (spec->n_groups < 1 || spec->n_groups > 65535 || !spec->group_names)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "grid builder: need 1 to 65535 named groups");
    if (spec->size_m < 0)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "grid builder: cell size must be >= 0 m");
    if (spec->n_vars && !spec->var_names)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "grid builder: var names missing");
    for (size_t g = 0; g < spec->n_groups; g++) {
        if (!spec->group_names[g] || !spec->group_names[g][0])
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "grid builder: group %zu has no name", g + 1);
        for (size_t h = 0; h < g; h++)
            if (strcmp(spec->group_names[g], spec->group_names[h]) == 0)
                return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                     "grid builder: group '%s' named twice",
                                     spec->group_names[g]);
    }
    ig_grid_builder *b = ig__calloc(ctx, 1, sizeof *b);
    if (!b) return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    b->ctx = ctx;
    b->size_m = spec->size_m;
    b->epsg = spec->size_m ? (spec->epsg ? spec->epsg : 3035) : 0;
    b->n_groups = spec->n_groups;
    b->n_vars = spec->n_vars;
    b->has_total = spec->has_total;
    b->strict = spec->strict;
    b->group_names = copy_names(ctx, spec->group_names, spec->n_groups);
    b->var_names = copy_names(ctx, spec->var_names, spec->n_vars);
    if (!b->group_names || !b->var_names ||
        ig__strtab_create(ctx, &b->units) != IG_OK ||
        ig__strtab_create(ctx, &b->places) != IG_OK ||
        ig__strtab_create(ctx, &b->withins) != IG_OK) {
        ig_grid_builder_destroy(b);
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    }
    *out = b;
    return IG_OK;
}

void ig_grid_builder_destroy(ig_grid_builder *b)
{
    if (!b) return;
    ig_ctx *ctx = b->ctx;
    size_t c = b->cap;
    ig__free(ctx, b->key, c * sizeof *b->key);
    ig__free(ctx, b->line, c * sizeof *b->line);
    ig__free(ctx, b->place, c * sizeof *b->place);
    ig__free(ctx, b->within, c * sizeof *b->within);
    ig__free(ctx, b->counts, c * b->n_groups * sizeof *b->counts);
    ig__free(ctx, b->total, c * sizeof *b->total);
    ig__free(ctx, b->vars, c * b->n_vars * sizeof *b->vars);
    ig__free(ctx, b->na, c * b->n_groups * sizeof *b->na);
    ig__strtab_destroy(b->units);
    ig__strtab_destroy(b->places);
    ig__strtab_destroy(b->withins);
    free_names(ctx, b->group_names, b->n_groups);
    free_names(ctx, b->var_names, b->n_vars);
    ig__free(ctx, b, sizeof *b);
}

static ig_status reserve(ig_grid_builder *b, size_t need)
{
    if (need <= b->cap) return IG_OK;
    size_t nc = b->cap ? b->cap : 1024;
    while (nc < need) nc *= 2;
    ig_ctx *ctx = b->ctx;
    size_t oc = b->cap, ng = b->n_groups, nv = b->n_vars;
    /* Grow every array; on failure the ones already grown keep their new,
     * larger block and cap stays as it was (sizes passed to ig__free are
     * advisory, so freeing them with the old size is harmless). */
    if (!ig__resize(ctx, (void **)&b->key, oc, nc, sizeof *b->key) ||
        !ig__resize(ctx, (void **)&b->line, oc, nc, sizeof *b->line) ||
        !ig__resize(ctx, (void **)&b->place, oc, nc, sizeof *b->place) ||
        !ig__resize(ctx, (void **)&b->within, oc, nc, sizeof *b->within) ||
        !ig__resize(ctx, (void **)&b->counts, oc * ng, nc * ng,
                    sizeof *b->counts) ||
        !ig__resize(ctx, (void **)&b->total, oc, nc, sizeof *b->total) ||
        (nv && !ig__resize(ctx, (void **)&b->vars, oc * nv, nc * nv,
                           sizeof *b->vars)) ||
        (b->na && !ig__resize(ctx, (void **)&b->na, oc * ng, nc * ng,
                              sizeof *b->na)))
        return IG_ERR_NOMEM;
    b->cap = nc;
    return IG_OK;
}

ig_status ig_grid_builder_add(ig_grid_builder *b, const ig_grid_row *row,
                              ig_error *err)
{
    if (!b || !row || !row->counts)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "grid builder: row and counts are required");
    long line = row->line;
    uint64_t key;
    if (b->size_m > 0) {
        const ig_cell *c = &row->cell;
        int32_t epsg = c->epsg ? c->epsg : 3035;
        if (c->size_m != b->size_m)
            return ig__error_set(
                err, IG_ERR_DOMAIN, line, 0,
                "cell N%lld E%lld has size %d m but the grid's cells are %d m; "
                "a grid holds one resolution (aggregate first)",
                (long long)c->north_m, (long long)c->east_m, (int)c->size_m,
                (int)b->size_m);
        if (epsg != b->epsg)
            return ig__error_set(err, IG_ERR_MISMATCH, line, 0,
                                 "cell is in EPSG:%d but the grid is in "
                                 "EPSG:%d",
                                 (int)epsg, (int)b->epsg);
        if (c->north_m % b->size_m != 0 || c->east_m % b->size_m != 0)
            return ig__error_set(
                err, IG_ERR_DOMAIN, line, 0,
                "cell N%lld E%lld is off the %d m lattice: its south-west "
                "corner must be a multiple of the cell size (centroids? use "
                "--origin centre)",
                (long long)c->north_m, (long long)c->east_m, (int)b->size_m);
        int64_t r = c->north_m / b->size_m, col = c->east_m / b->size_m;
        if (r < INT32_MIN || r > INT32_MAX || col < INT32_MIN ||
            col > INT32_MAX)
            return ig__error_set(err, IG_ERR_DOMAIN, line, 0,
                                 "cell N%lld E%lld is out of range for %d m "
                                 "cells",
                                 (long long)c->north_m, (long long)c->east_m,
                                 (int)b->size_m);
        key = pack_rc(r, col);
    } else {
        if (!row->unit)
            return ig__error_set(err, IG_ERR_DOMAIN, line, 0,
                                 "grid builder: aspatial rows need a unit "
                                 "name");
        uint32_t id;
        ig_status st = ig__strtab_intern(b->units, row->unit,
                                         strlen(row->unit), &id);
        if (st != IG_OK)
            return ig__error_set(err, st, line, 0, "out of memory");
        key = id;
    }
    int has_na = 0;
    double sum = 0.0;
    for (size_t g = 0; g < b->n_groups; g++) {
        if (row->na && row->na[g]) {
            has_na = 1;
            continue;
        }
        double v = row->counts[g];
        if (!isfinite(v) || v < 0.0)
            return ig__error_set(err, IG_ERR_DOMAIN, line, 0,
                                 "group '%s' has count %g; counts must be "
                                 "finite and >= 0",
                                 b->group_names[g], v);
        sum += v;
    }
    double total = sum;
    if (b->has_total && !isnan(row->total)) {
        if (!isfinite(row->total) || row->total < 0.0)
            return ig__error_set(err, IG_ERR_DOMAIN, line, 0,
                                 "total is %g; totals must be finite and "
                                 ">= 0",
                                 row->total);
        total = row->total;
        if (total < sum) {
            if (b->totals_raised++ == 0) b->first_raised_line = line;
            total = sum;
        }
    }
    ig_status st = reserve(b, b->n + 1);
    if (st == IG_OK && has_na && !b->na) {
        b->na = ig__calloc(b->ctx, b->cap * b->n_groups, 1);
        if (!b->na) st = IG_ERR_NOMEM;
    }
    /* Consecutive rows mostly share their place: compare with the last
     * one before hashing. */
    uint32_t pid = NONE, wid = NONE;
    if (st == IG_OK && row->place) {
        if (b->any_place &&
            strcmp(ig__strtab_get(b->places, b->last_place), row->place) == 0)
            pid = b->last_place;
        else
            st = ig__strtab_intern(b->places, row->place, strlen(row->place),
                                   &pid);
        b->any_place = 1;
        b->last_place = pid;
    }
    if (st == IG_OK && row->within) {
        if (b->any_within &&
            strcmp(ig__strtab_get(b->withins, b->last_within), row->within) ==
                0)
            wid = b->last_within;
        else
            st = ig__strtab_intern(b->withins, row->within,
                                   strlen(row->within), &wid);
        b->any_within = 1;
        b->last_within = wid;
    }
    if (st != IG_OK) return ig__error_set(err, st, line, 0, "out of memory");
    size_t i = b->n, ng = b->n_groups;
    b->key[i] = key;
    b->line[i] = line;
    b->place[i] = pid;
    b->within[i] = wid;
    for (size_t g = 0; g < ng; g++) {
        int na = row->na && row->na[g];
        b->counts[i * ng + g] = na ? 0.0 : row->counts[g];
        if (b->na) b->na[i * ng + g] = (uint8_t)na;
    }
    b->total[i] = total;
    for (size_t v = 0; v < b->n_vars; v++)
        b->vars[i * b->n_vars + v] = row->vars ? row->vars[v] : (double)NAN;
    b->n++;
    return IG_OK;
}

/* ---- sorting ------------------------------------------------------------ */

/* One stable counting-sort pass of idx by 16-bit digit `shift` of key[]. */
static void radix_pass(const uint64_t *key, const uint32_t *src,
                       uint32_t *dst, size_t n, unsigned shift,
                       size_t *count)
{
    memset(count, 0, 65537 * sizeof *count);
    for (size_t i = 0; i < n; i++)
        count[((key[src[i]] >> shift) & 0xffffu) + 1]++;
    for (size_t d = 1; d <= 65536; d++) count[d] += count[d - 1];
    for (size_t i = 0; i < n; i++)
        dst[count[(key[src[i]] >> shift) & 0xffffu]++] = src[i];
}

/* Stable LSD radix sort of idx by key[idx]; passes whose digit is constant
 * are skipped. tmp has n slots. */
static void radix_sort(const uint64_t *key, uint32_t *idx, uint32_t *tmp,
                       size_t n, size_t *count)
{
    if (n < 2) return;
    uint64_t lo_and = ~0ull, hi_or = 0;
    for (size_t i = 0; i < n; i++) {
        lo_and &= key[i];
        hi_or |= key[i];
    }
    uint64_t varying = lo_and ^ hi_or;
    uint32_t *a = idx, *b2 = tmp;
    for (unsigned shift = 0; shift < 64; shift += 16) {
        if (((varying >> shift) & 0xffffu) == 0) continue;
        radix_pass(key, a, b2, n, shift, count);
        uint32_t *t = a;
        a = b2;
        b2 = t;
    }
    if (a != idx) memcpy(idx, a, n * sizeof *idx);
}

static int cmp_str_idx(const void *pa, const void *pb, const ig__strtab *t)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    return strcmp(ig__strtab_get(t, a), ig__strtab_get(t, b));
}

/* Rank the strings of t by strcmp: rank[id] and inverse order[rank]. An
 * insertion sort would be quadratic; use a merge sort on ids. */
static void merge_sort_ids(uint32_t *a, uint32_t *tmp, size_t n,
                           const ig__strtab *t)
{
    if (n < 2) return;
    size_t h = n / 2;
    merge_sort_ids(a, tmp, h, t);
    merge_sort_ids(a + h, tmp, n - h, t);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = cmp_str_idx(&a[j], &a[i], t) < 0 ? a[j++] : a[i++];
    while (i < h) tmp[k++] = a[i++];
    while (j < n) tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof *a);
}

static ig_status rank_strings(ig_ctx *ctx, const ig__strtab *t,
                              uint32_t **rank_out, uint32_t **order_out)
{
    size_t n = ig__strtab_count(t);
    uint32_t *order = ig__calloc(ctx, n ? n : 1, sizeof *order);
    uint32_t *tmp = ig__calloc(ctx, n ? n : 1, sizeof *tmp);
    uint32_t *rank = ig__calloc(ctx, n ? n : 1, sizeof *rank);
    if (!order || !tmp || !rank) {
        ig__free(ctx, order, n * sizeof *order);
        ig__free(ctx, tmp, n * sizeof *tmp);
        ig__free(ctx, rank, n * sizeof *rank);
        return IG_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) order[i] = (uint32_t)i;
    merge_sort_ids(order, tmp, n, t);
    for (size_t r = 0; r < n; r++) rank[order[r]] = (uint32_t)r;
    ig__free(ctx, tmp, n * sizeof *tmp);
    *rank_out = rank;
    *order_out = order;
    return IG_OK;
}

/* ---- finish ------------------------------------------------------------- */

static ig_status alloc_grid(ig_ctx *ctx, ig_grid **out)
{
    ig_grid *g = ig__calloc(ctx, 1, sizeof *g);
    if (!g) return IG_ERR_NOMEM;
    g->ctx = ctx;
    *out = g;
    return IG_OK;
}

typedef struct finish_tmp {
    uint32_t *idx, *tmp, *unit_rank, *unit_order, *place_rank, *place_order,
        *within_rank, *within_order;
    uint64_t *k2, *pk;
    size_t *count;
    size_t n, nu, np, nw;
} finish_tmp;

static void free_tmp(ig_ctx *ctx, finish_tmp *f)
{
    ig__free(ctx, f->idx, f->n * sizeof *f->idx);
    ig__free(ctx, f->tmp, f->n * sizeof *f->tmp);
    ig__free(ctx, f->k2, f->n * sizeof *f->k2);
    ig__free(ctx, f->pk, f->n * sizeof *f->pk);
    ig__free(ctx, f->count, 65537 * sizeof *f->count);
    ig__free(ctx, f->unit_rank, f->nu * sizeof *f->unit_rank);
    ig__free(ctx, f->unit_order, f->nu * sizeof *f->unit_order);
    ig__free(ctx, f->place_rank, f->np * sizeof *f->place_rank);
    ig__free(ctx, f->place_order, f->np * sizeof *f->place_order);
    ig__free(ctx, f->within_rank, f->nw * sizeof *f->within_rank);
    ig__free(ctx, f->within_order, f->nw * sizeof *f->within_order);
}

static void describe_cell(const ig_grid_builder *b, uint64_t key, char *buf,
                          size_t cap)
{
    if (b->size_m > 0) {
        ig_cell c = {(int64_t)unpack_row(key) * b->size_m,
                     (int64_t)unpack_col(key) * b->size_m, b->size_m,
                     b->epsg};
        if (ig_cellcode_format(&c, buf, cap) != IG_OK) snprintf(buf, cap, "?");
    } else {
        snprintf(buf, cap, "%s", ig__strtab_get(b->units, (uint32_t)key));
    }
}

ig_status ig_grid_builder_finish(ig_grid_builder *b, ig_grid **out,
                                 ig_error *err)
{
    if (!b || !out)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "grid builder: builder and out are required");
    ig_ctx *ctx = b->ctx;
    size_t n = b->n, ng = b->n_groups, nv = b->n_vars;
    if (n >= UINT32_MAX)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "too many rows (%zu) for one grid", n);
    finish_tmp f = {0};
    f.n = n ? n : 1;
    ig_grid *g = NULL;
    ig_status st = IG_OK;
    char cellbuf[IG_CELLCODE_MAX + 64];

    /* Scratch that is fully written before it is read: no zeroing (a
     * memset would fault in every page twice). */
    f.idx = ig__alloc(ctx, f.n * sizeof *f.idx);
    f.tmp = ig__alloc(ctx, f.n * sizeof *f.tmp);
    f.k2 = ig__alloc(ctx, f.n * sizeof *f.k2);
    f.count = ig__calloc(ctx, 65537, sizeof *f.count);
    if (!f.idx || !f.tmp || !f.k2 || !f.count) goto nomem;
    f.nu = ig__strtab_count(b->units);
    f.np = ig__strtab_count(b->places);
    f.nw = ig__strtab_count(b->withins);
    /* Rows without a place/within when others have one get "" . */
    if (b->any_place) {
        uint32_t id;
        for (size_t i = 0; i < n; i++)
            if (b->place[i] == NONE) {
                if (ig__strtab_intern(b->places, "", 0, &id) != IG_OK)
                    goto nomem;
                b->place[i] = id;
            }
        f.np = ig__strtab_count(b->places);
    }
    if (b->any_within) {
        uint32_t id;
        for (size_t i = 0; i < n; i++)
            if (b->within[i] == NONE) {
                if (ig__strtab_intern(b->withins, "", 0, &id) != IG_OK)
                    goto nomem;
                b->within[i] = id;
            }
        f.nw = ig__strtab_count(b->withins);
    }
    if (rank_strings(ctx, b->units, &f.unit_rank, &f.unit_order) != IG_OK ||
        rank_strings(ctx, b->places, &f.place_rank, &f.place_order) !=
            IG_OK ||
        rank_strings(ctx, b->withins, &f.within_rank, &f.within_order) !=
            IG_OK)
        goto nomem;

    /* Sort by key, then stably by place rank. */
    for (size_t i = 0; i < n; i++) {
        f.idx[i] = (uint32_t)i;
        f.k2[i] = b->size_m > 0 ? b->key[i] : f.unit_rank[b->key[i]];
    }
    radix_sort(f.k2, f.idx, f.tmp, n, f.count);
    if (b->any_place && f.np > 1) {
        f.pk = ig__alloc(ctx, f.n * sizeof *f.pk);
        if (!f.pk) goto nomem;
        for (size_t i = 0; i < n; i++) f.pk[i] = f.place_rank[b->place[i]];
        radix_sort(f.pk, f.idx, f.tmp, n, f.count);
    }

    /* Count distinct cells and check duplicates. */
    size_t n_cells = 0;
    uint64_t dups = 0;
    for (size_t r = 0; r < n; r++) {
        uint32_t i = f.idx[r];
        if (r > 0) {
            uint32_t j = f.idx[r - 1];
            int same = f.k2[i] == f.k2[j] &&
                       (!b->any_place || b->place[i] == b->place[j]);
            if (same) {
                dups++;
                describe_cell(b, b->size_m > 0 ? f.k2[i] : b->key[i],
                              cellbuf, sizeof cellbuf);
                if (b->strict) {
                    st = ig__error_set(
                        err, IG_ERR_MISMATCH, b->line[i], 0,
                        "duplicate cell %s (also on line %ld); remove "
                        "--strict to sum duplicates",
                        cellbuf, b->line[j]);
                    goto out;
                }
                if (dups <= 3)
                    ig__log(ctx, IG_LOG_WARN,
                            "duplicate cell %s on lines %ld and %ld: counts "
                            "summed",
                            cellbuf, b->line[j], b->line[i]);
                continue;
            }
        }
        n_cells++;
    }
    if (dups > 3)
        ig__log(ctx, IG_LOG_WARN,
                "%llu duplicate rows in all were summed into earlier cells "
                "(use --strict to reject them)",
                (unsigned long long)dups);
    if (b->totals_raised)
        ig__log(ctx, IG_LOG_WARN,
                "%llu rows had a total below the sum of their groups (first "
                "on line %ld); the sum was used",
                (unsigned long long)b->totals_raised, b->first_raised_line);

    if (alloc_grid(ctx, &g) != IG_OK) goto nomem;
    g->size_m = b->size_m;
    g->epsg = b->epsg;
    g->n_cells = n_cells;
    g->n_groups = ng;
    g->n_vars = nv;
    g->has_total = b->has_total;
    size_t nc = n_cells ? n_cells : 1;
    g->group_names = copy_names(ctx, (const char *const *)b->group_names, ng);
    g->var_names = copy_names(ctx, (const char *const *)b->var_names, nv);
    g->counts = ig__calloc(ctx, ng, sizeof *g->counts);
    g->na = ig__calloc(ctx, ng, sizeof *g->na);
    g->na_cells = ig__calloc(ctx, ng, sizeof *g->na_cells);
    g->vars = ig__calloc(ctx, nv ? nv : 1, sizeof *g->vars);
    g->total = ig__alloc(ctx, nc * sizeof *g->total);
    if (!g->group_names || !g->var_names || !g->counts || !g->na ||
        !g->na_cells || !g->vars || !g->total)
        goto nomem;
    for (size_t k = 0; k < ng; k++) {
        g->counts[k] = ig__alloc(ctx, nc * sizeof **g->counts);
        if (!g->counts[k]) goto nomem;
        if (b->na) {
            g->na[k] = ig__alloc(ctx, nc);
            if (!g->na[k]) goto nomem;
        }
    }
    for (size_t v = 0; v < nv; v++) {
        g->vars[v] = ig__alloc(ctx, nc * sizeof **g->vars);
        if (!g->vars[v]) goto nomem;
    }
    if (b->size_m > 0) {
        g->row = ig__alloc(ctx, nc * sizeof *g->row);
        g->col = ig__alloc(ctx, nc * sizeof *g->col);
        if (!g->row || !g->col) goto nomem;
    } else {
        g->unit_names = ig__calloc(ctx, nc, sizeof *g->unit_names);
        if (!g->unit_names) goto nomem;
    }
    g->n_places = (b->any_place && f.np > 0) ? f.np : 1;
    g->place_names = ig__calloc(ctx, g->n_places, sizeof *g->place_names);
    g->place_start = ig__calloc(ctx, g->n_places + 1, sizeof *g->place_start);
    if (!g->place_names || !g->place_start) goto nomem;
    for (size_t p = 0; p < g->n_places; p++) {
        const char *nm = b->any_place
                             ? ig__strtab_get(b->places, f.place_order[p])
                             : "all";
        g->place_names[p] = ig__strdup(ctx, nm);
        if (!g->place_names[p]) goto nomem;
    }
    if (b->any_within) {
        g->n_within = f.nw;
        g->within_names = ig__calloc(ctx, f.nw, sizeof *g->within_names);
        g->within = ig__alloc(ctx, nc * sizeof *g->within);
        if (!g->within_names || !g->within) goto nomem;
        for (size_t w = 0; w < f.nw; w++) {
            g->within_names[w] =
                ig__strdup(ctx, ig__strtab_get(b->withins, f.within_order[w]));
            if (!g->within_names[w]) goto nomem;
        }
    }

    /* Lay out, merging duplicates. */
    {
        size_t c = (size_t)-1;
        size_t cur_place = 0;
        for (size_t r = 0; r < n; r++) {
            uint32_t i = f.idx[r];
            int dup = 0;
            if (r > 0) {
                uint32_t j = f.idx[r - 1];
                dup = f.k2[i] == f.k2[j] &&
                      (!b->any_place || b->place[i] == b->place[j]);
            }
            if (!dup) {
                c++;
                size_t p = b->any_place ? f.place_rank[b->place[i]] : 0;
                while (cur_place < p) g->place_start[++cur_place] = c;
                if (b->size_m > 0) {
                    g->row[c] = unpack_row(f.k2[i]);
                    g->col[c] = unpack_col(f.k2[i]);
                } else {
                    g->unit_names[c] = ig__strdup(
                        ctx, ig__strtab_get(b->units, (uint32_t)b->key[i]));
                    if (!g->unit_names[c]) goto nomem;
                }
                if (g->within) g->within[c] = f.within_rank[b->within[i]];
            } else if (g->within &&
                       g->within[c] != f.within_rank[b->within[i]]) {
                describe_cell(b, b->size_m > 0 ? f.k2[i] : b->key[i], cellbuf,
                              sizeof cellbuf);
                st = ig__error_set(err, IG_ERR_MISMATCH, b->line[i], 0,
                                   "cell %s is in two --within groups",
                                   cellbuf);
                goto out;
            }
            /* The first row of a cell assigns, duplicates add. */
            const double *src = b->counts + (size_t)i * ng;
            if (!dup) {
                for (size_t k = 0; k < ng; k++) g->counts[k][c] = src[k];
                g->total[c] = b->total[i];
                if (b->na)
                    for (size_t k = 0; k < ng; k++)
                        g->na[k][c] = b->na[(size_t)i * ng + k];
            } else {
                for (size_t k = 0; k < ng; k++) g->counts[k][c] += src[k];
                g->total[c] += b->total[i];
                if (b->na)
                    for (size_t k = 0; k < ng; k++)
                        g->na[k][c] |= b->na[(size_t)i * ng + k];
            }
            for (size_t v = 0; v < nv; v++)
                g->vars[v][c] = dup ? g->vars[v][c] + b->vars[(size_t)i * nv + v]
                                    : b->vars[(size_t)i * nv + v];
        }
        while (cur_place < g->n_places) g->place_start[++cur_place] = n_cells;
    }

    /* Not-available bookkeeping. */
    if (b->na) {
        g->na_any = ig__calloc(ctx, nc, 1);
        if (!g->na_any) goto nomem;
        for (size_t k = 0; k < ng; k++) {
            uint64_t cnt = 0;
            for (size_t c = 0; c < n_cells; c++) {
                cnt += g->na[k][c];
                g->na_any[c] |= g->na[k][c];
            }
            g->na_cells[k] = cnt;
            if (cnt == 0) {
                ig__free(ctx, g->na[k], nc);
                g->na[k] = NULL;
            }
        }
        uint64_t any = 0;
        for (size_t c = 0; c < n_cells; c++) any += g->na_any[c];
        g->stats.cells_na = any;
        if (any == 0) {
            ig__free(ctx, g->na_any, nc);
            g->na_any = NULL;
        }
    }
    g->stats.duplicates = dups;
    g->stats.rows_read = n;
    snprintf(g->stats.format, sizeof g->stats.format, "builder");
    if (!g->source && !(g->source = ig__strdup(ctx, "memory"))) goto nomem;
    *out = g;
    g = NULL;
    goto out;

nomem:
    st = ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
out:
    ig_grid_destroy(g);
    free_tmp(ctx, &f);
    return st;
}

/* ---- grids -------------------------------------------------------------- */

void ig_grid_destroy(ig_grid *g)
{
    if (!g) return;
    ig_ctx *ctx = g->ctx;
    size_t nc = g->n_cells ? g->n_cells : 1;
    if (g->counts)
        for (size_t k = 0; k < g->n_groups; k++)
            ig__free(ctx, g->counts[k], nc * sizeof **g->counts);
    if (g->na)
        for (size_t k = 0; k < g->n_groups; k++) ig__free(ctx, g->na[k], nc);
    if (g->vars)
        for (size_t v = 0; v < g->n_vars; v++)
            ig__free(ctx, g->vars[v], nc * sizeof **g->vars);
    ig__free(ctx, g->counts, g->n_groups * sizeof *g->counts);
    ig__free(ctx, g->na, g->n_groups * sizeof *g->na);
    ig__free(ctx, g->vars, g->n_vars * sizeof *g->vars);
    ig__free(ctx, g->na_cells, g->n_groups * sizeof *g->na_cells);
    ig__free(ctx, g->na_any, nc);
    ig__free(ctx, g->total, nc * sizeof *g->total);
    ig__free(ctx, g->row, nc * sizeof *g->row);
    ig__free(ctx, g->col, nc * sizeof *g->col);
    ig__free(ctx, g->within, nc * sizeof *g->within);
    ig__free(ctx, g->place_start, (g->n_places + 1) * sizeof *g->place_start);
    free_names(ctx, g->group_names, g->n_groups);
    free_names(ctx, g->var_names, g->n_vars);
    free_names(ctx, g->place_names, g->n_places);
    free_names(ctx, g->within_names, g->n_within);
    if (g->unit_names) free_names(ctx, g->unit_names, nc);
    if (g->source) ig__free(ctx, g->source, strlen(g->source) + 1);
    ig__free(ctx, g, sizeof *g);
}

ig_status ig__grid_set_source(ig_grid *g, const char *source)
{
    char *s = ig__strdup(g->ctx, source ? source : "");
    if (!s) return IG_ERR_NOMEM;
    if (g->source) ig__free(g->ctx, g->source, strlen(g->source) + 1);
    g->source = s;
    return IG_OK;
}

void ig__grid_set_read_stats(ig_grid *g, const ig_grid_stats *s)
{
    memcpy(g->stats.format, s->format, sizeof g->stats.format);
    g->stats.format[sizeof g->stats.format - 1] = '\0';
    g->stats.delimiter = s->delimiter;
    g->stats.decimal_comma = s->decimal_comma;
    g->stats.gzip = s->gzip;
    g->stats.rows_read = s->rows_read;
    g->stats.cells_flagged = s->cells_flagged;
}

size_t ig_grid_ncells(const ig_grid *g) { return g ? g->n_cells : 0; }
size_t ig_grid_ngroups(const ig_grid *g) { return g ? g->n_groups : 0; }

const char *ig_grid_group_name(const ig_grid *g, size_t k)
{
    return (g && k < g->n_groups) ? g->group_names[k] : NULL;
}

size_t ig_grid_group_index(const ig_grid *g, const char *name)
{
    if (!g || !name) return (size_t)-1;
    for (size_t k = 0; k < g->n_groups; k++)
        if (strcmp(g->group_names[k], name) == 0) return k;
    return (size_t)-1;
}

size_t ig_grid_var_index(const ig_grid *g, const char *name)
{
    if (!g || !name) return (size_t)-1;
    for (size_t v = 0; v < g->n_vars; v++)
        if (strcmp(g->var_names[v], name) == 0) return v;
    return (size_t)-1;
}

int32_t ig_grid_cell_size_m(const ig_grid *g) { return g ? g->size_m : 0; }
int32_t ig_grid_crs_epsg(const ig_grid *g) { return g ? g->epsg : 0; }

ig_status ig_grid_cell(const ig_grid *g, size_t i, ig_cell *out)
{
    if (!g || !out || i >= g->n_cells || g->size_m <= 0) return IG_ERR_DOMAIN;
    out->north_m = (int64_t)g->row[i] * g->size_m;
    out->east_m = (int64_t)g->col[i] * g->size_m;
    out->size_m = g->size_m;
    out->epsg = g->epsg;
    return IG_OK;
}

const int32_t *ig_grid_rows(const ig_grid *g) { return g ? g->row : NULL; }
const int32_t *ig_grid_cols(const ig_grid *g) { return g ? g->col : NULL; }

const char *ig_grid_unit_name(const ig_grid *g, size_t i)
{
    return (g && g->unit_names && i < g->n_cells) ? g->unit_names[i] : NULL;
}

ig_status ig_grid_cell_id(const ig_grid *g, size_t i, char *buf, size_t cap)
{
    if (!g || !buf || i >= g->n_cells) return IG_ERR_DOMAIN;
    if (g->size_m > 0) {
        ig_cell c;
        ig_grid_cell(g, i, &c);
        return ig_cellcode_format(&c, buf, cap);
    }
    size_t len = strlen(g->unit_names[i]);
    if (len + 1 > cap) {
        if (cap) buf[0] = '\0';
        return IG_ERR_TOO_SMALL;
    }
    memcpy(buf, g->unit_names[i], len + 1);
    return IG_OK;
}

ig_status ig_grid_extent(const ig_grid *g, ig_extent *out)
{
    if (!g || !out || g->size_m <= 0 || g->n_cells == 0) return IG_ERR_DOMAIN;
    int32_t r0 = g->row[0], r1 = g->row[0], c0 = g->col[0], c1 = g->col[0];
    for (size_t i = 1; i < g->n_cells; i++) {
        if (g->row[i] < r0) r0 = g->row[i];
        if (g->row[i] > r1) r1 = g->row[i];
        if (g->col[i] < c0) c0 = g->col[i];
        if (g->col[i] > c1) c1 = g->col[i];
    }
    out->min_north_m = (int64_t)r0 * g->size_m;
    out->max_north_m = ((int64_t)r1 + 1) * g->size_m;
    out->min_east_m = (int64_t)c0 * g->size_m;
    out->max_east_m = ((int64_t)c1 + 1) * g->size_m;
    return IG_OK;
}

const double *ig_grid_counts(const ig_grid *g, size_t k)
{
    return (g && k < g->n_groups) ? g->counts[k] : NULL;
}

const double *ig_grid_totals(const ig_grid *g) { return g ? g->total : NULL; }
int ig_grid_has_total(const ig_grid *g) { return g ? g->has_total : 0; }

const uint8_t *ig_grid_na(const ig_grid *g, size_t k)
{
    return (g && k < g->n_groups) ? g->na[k] : NULL;
}

const uint8_t *ig_grid_na_any(const ig_grid *g) { return g ? g->na_any : NULL; }
size_t ig_grid_nplaces(const ig_grid *g) { return g ? g->n_places : 0; }

const char *ig_grid_place_name(const ig_grid *g, size_t p)
{
    return (g && p < g->n_places) ? g->place_names[p] : NULL;
}

ig_status ig_grid_place_range(const ig_grid *g, size_t p, size_t *first,
                              size_t *count)
{
    if (!g || p >= g->n_places || !first || !count) return IG_ERR_DOMAIN;
    *first = g->place_start[p];
    *count = g->place_start[p + 1] - g->place_start[p];
    return IG_OK;
}

size_t ig_grid_nwithin(const ig_grid *g) { return g ? g->n_within : 0; }

const char *ig_grid_within_name(const ig_grid *g, size_t k)
{
    return (g && k < g->n_within) ? g->within_names[k] : NULL;
}

const uint32_t *ig_grid_within(const ig_grid *g) { return g ? g->within : NULL; }
size_t ig_grid_nvars(const ig_grid *g) { return g ? g->n_vars : 0; }

const char *ig_grid_var_name(const ig_grid *g, size_t v)
{
    return (g && v < g->n_vars) ? g->var_names[v] : NULL;
}

const double *ig_grid_var(const ig_grid *g, size_t v)
{
    return (g && v < g->n_vars) ? g->vars[v] : NULL;
}

const ig_grid_stats *ig_grid_get_stats(const ig_grid *g)
{
    return g ? &g->stats : NULL;
}

uint64_t ig_grid_group_na_cells(const ig_grid *g, size_t k)
{
    return (g && k < g->n_groups) ? g->na_cells[k] : 0;
}

const char *ig_grid_source(const ig_grid *g) { return g ? g->source : NULL; }
