/* The cache of decoded grids: requests borrow a dataset's grid (and the
 * place set of its stored places, built on first use) instead of decoding
 * the blob each time. Entries are reference-counted: eviction (least
 * recently used, until the decoded bytes fit the budget) and invalidation
 * (delete, re-delineation) only unlink an entry; the last holder frees it.
 * One mutex guards the table; each entry has its own for its place set
 * and its kept local results (map tiles of one layer differ only in their
 * bbox), so slow work never blocks other datasets. A grid larger than the
 * budget is served, not kept. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "server/server_internal.h"

/* Rough decoded size: counts, totals, extra columns, lattice, NA flags. */
static size_t grid_bytes(const ig_grid *g)
{
    size_t n = ig_grid_ncells(g);
    return n * (8 * (ig_grid_ngroups(g) + ig_grid_nvars(g) + 2) + 8 +
                ig_grid_ngroups(g)) +
           4096;
}

static void entry_free(ig_server *srv, ig__cached *c)
{
    for (size_t k = 0; k < IG__LOCAL_SLOTS; k++) {
        ig_local_result_destroy(c->local[k].lr);
        ig__free(srv->ctx, c->local[k].key, 0);
    }
    ig_placeset_destroy(c->ps);
    ig_grid_destroy(c->grid);
    pthread_mutex_destroy(&c->mu);
    ig__free(srv->ctx, c, sizeof *c);
}

/* Unlink slot k (under cache_mu); frees the entry when nobody holds it. */
static void unlink_slot(ig_server *srv, size_t k)
{
    ig__cached *c = srv->cache[k];
    srv->cache_used -= c->bytes;
    srv->cache[k] = srv->cache[--srv->n_cache];
    srv->cache[srv->n_cache] = NULL;
    c->linked = 0;
    if (c->refs == 0) entry_free(srv, c);
}

/* Evict least recently used idle entries until @p need more bytes fit. */
static void make_room(ig_server *srv, size_t need)
{
    while (srv->n_cache > 0 && (srv->cache_used + need > srv->cache_budget ||
                                srv->n_cache >= IG__CACHE_SLOTS)) {
        size_t best = (size_t)-1;
        for (size_t k = 0; k < srv->n_cache; k++)
            if (srv->cache[k]->refs == 0 &&
                (best == (size_t)-1 ||
                 srv->cache[k]->used < srv->cache[best]->used))
                best = k;
        if (best == (size_t)-1) break; /* everything is in use */
        unlink_slot(srv, best);
        srv->cache_evictions++;
    }
}

ig_status ig__cache_get(ig_server *srv, const char *id, ig__cached **out,
                        ig_error *err)
{
    *out = NULL;
    pthread_mutex_lock(&srv->cache_mu);
    for (size_t k = 0; k < srv->n_cache; k++) {
        ig__cached *c = srv->cache[k];
        if (strcmp(c->id, id) == 0) {
            c->refs++;
            c->used = ++srv->cache_tick;
            srv->cache_hits++;
            pthread_mutex_unlock(&srv->cache_mu);
            *out = c;
            return IG_OK;
        }
    }
    srv->cache_misses++;
    uint64_t gen = srv->cache_gen;
    pthread_mutex_unlock(&srv->cache_mu);

    /* decode outside the lock; two threads may race to decode the same
     * dataset, and the second one then uses the first one's entry */
    ig_grid *g = NULL;
    ig_status st = ig_store_dataset_grid(srv->store, id, &g, err);
    if (st != IG_OK) return st;
    ig__cached *c = ig__calloc(srv->ctx, 1, sizeof *c);
    if (!c || pthread_mutex_init(&c->mu, NULL) != 0) {
        ig__free(srv->ctx, c, sizeof *c);
        ig_grid_destroy(g);
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    }
    snprintf(c->id, sizeof c->id, "%s", id);
    c->grid = g;
    c->bytes = grid_bytes(g);
    c->refs = 1;
    pthread_mutex_lock(&srv->cache_mu);
    for (size_t k = 0; k < srv->n_cache; k++) {
        ig__cached *o = srv->cache[k];
        if (strcmp(o->id, id) == 0) {
            o->refs++;
            o->used = ++srv->cache_tick;
            pthread_mutex_unlock(&srv->cache_mu);
            entry_free(srv, c);
            *out = o;
            return IG_OK;
        }
    }
    /* a delete or re-delineation while we decoded: serve, do not keep */
    if (gen == srv->cache_gen && c->bytes <= srv->cache_budget) {
        make_room(srv, c->bytes);
        if (srv->cache_used + c->bytes <= srv->cache_budget &&
            srv->n_cache < IG__CACHE_SLOTS) {
            c->used = ++srv->cache_tick;
            c->linked = 1;
            srv->cache[srv->n_cache++] = c;
            srv->cache_used += c->bytes;
        }
    }
    pthread_mutex_unlock(&srv->cache_mu);
    *out = c;
    return IG_OK;
}

void ig__cache_release(ig_server *srv, ig__cached *c)
{
    if (!c) return;
    pthread_mutex_lock(&srv->cache_mu);
    int last = --c->refs == 0 && !c->linked;
    pthread_mutex_unlock(&srv->cache_mu);
    if (last) entry_free(srv, c);
}

void ig__cache_drop(ig_server *srv, const char *id)
{
    pthread_mutex_lock(&srv->cache_mu);
    srv->cache_gen++;
    for (size_t k = 0; k < srv->n_cache; k++)
        if (strcmp(srv->cache[k]->id, id) == 0) {
            unlink_slot(srv, k);
            break;
        }
    pthread_mutex_unlock(&srv->cache_mu);
}

void ig__cache_clear(ig_server *srv)
{
    pthread_mutex_lock(&srv->cache_mu);
    while (srv->n_cache) unlink_slot(srv, srv->n_cache - 1);
    pthread_mutex_unlock(&srv->cache_mu);
}

/* The place set of every stored place (aggregates included), in stored
 * order, over the cached grid. */
static ig_status build_places(ig_server *srv, ig__cached *c, ig_error *err)
{
    ig_store_place *v = NULL;
    size_t n = 0;
    ig_status st =
        ig_store_places_list(srv->store, c->id, NULL, 0, &v, &n, err);
    if (st != IG_OK) return st;
    if (n == 0) {
        ig_store_free(srv->ctx, v, 0);
        return ig__error_set(err, IG_ERR_NOT_FOUND, 0, 0,
                             "this dataset has no places yet: delineate them "
                             "first (POST /api/v1/datasets/{id}/places)");
    }
    ig_place_def *defs = ig__calloc(srv->ctx, n, sizeof *defs);
    size_t *offs = ig__calloc(srv->ctx, n + 1, sizeof *offs);
    size_t *cells = NULL, cap = 0, len = 0;
    if (!defs || !offs) {
        st = ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        size_t *pc = NULL, pn = 0;
        st = ig_store_place_cells(srv->store, c->id, v[i].id, NULL, &pc, &pn,
                                  err);
        if (st != IG_OK) goto out;
        void *p = cells;
        if (ig__grow(srv->ctx, &p, &cap, len + pn + 1, sizeof *cells) !=
            IG_OK) {
            ig_store_free(srv->ctx, pc, 0);
            st = ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
            goto out;
        }
        cells = p;
        if (pn) memcpy(cells + len, pc, pn * sizeof *pc);
        len += pn;
        offs[i + 1] = len;
        ig_store_free(srv->ctx, pc, 0);
        defs[i].id = v[i].id;
        defs[i].name = v[i].name;
        defs[i].cls = v[i].cls;
        defs[i].country = v[i].country;
        defs[i].aggregate = v[i].aggregate;
    }
    ig_placeset_opts po;
    memset(&po, 0, sizeof po);
    if (ig_grid_var_index(c->grid, "LAND_SURFACE") != (size_t)-1)
        po.land_area_var = "LAND_SURFACE";
    st = ig_placeset_create(srv->ctx, c->grid, n, defs, offs, cells, NULL, &po,
                            &c->ps, err);
    if (st == IG_OK) {
        pthread_mutex_lock(&srv->cache_mu);
        size_t extra = len * 8 * (ig_grid_ngroups(c->grid) + 4);
        c->bytes += extra;
        if (c->linked) srv->cache_used += extra;
        pthread_mutex_unlock(&srv->cache_mu);
    }
out:
    ig__free(srv->ctx, cells, cap * sizeof *cells);
    ig__free(srv->ctx, offs, (n + 1) * sizeof *offs);
    ig__free(srv->ctx, defs, n * sizeof *defs);
    ig_store_free(srv->ctx, v, 0);
    return st;
}

ig_status ig__cache_places(ig_server *srv, ig__cached *c,
                           const ig_placeset **ps, ig_error *err)
{
    pthread_mutex_lock(&c->mu);
    ig_status st = IG_OK;
    if (!c->ps) st = build_places(srv, c, err);
    pthread_mutex_unlock(&c->mu);
    *ps = c->ps;
    return st;
}

/* ---- local results kept with their entry -------------------------------- */

static void account(ig_server *srv, ig__cached *c, size_t add, size_t sub)
{
    pthread_mutex_lock(&srv->cache_mu);
    c->bytes = c->bytes + add - sub;
    if (c->linked) srv->cache_used = srv->cache_used + add - sub;
    pthread_mutex_unlock(&srv->cache_mu);
}

const ig_local_result *ig__cache_local_get(ig_server *srv, ig__cached *c,
                                           const char *key)
{
    const ig_local_result *out = NULL;
    pthread_mutex_lock(&c->mu);
    for (size_t k = 0; k < IG__LOCAL_SLOTS && !out; k++)
        if (c->local[k].lr && strcmp(c->local[k].key, key) == 0) {
            c->local[k].refs++;
            c->local[k].used = ++c->local_tick;
            out = c->local[k].lr;
        }
    pthread_mutex_unlock(&c->mu);
    if (out) atomic_fetch_add(&srv->local_hits, 1);
    return out;
}

const ig_local_result *ig__cache_local_put(ig_server *srv, ig__cached *c,
                                           const char *key, ig_local_result *lr)
{
    size_t n = ig_local_result_ncells(lr);
    size_t bytes = n * (8 * 4 * ig_local_result_nlayers(lr) + 24) + 256;
    char *kc = ig__strdup(srv->ctx, key);
    if (!kc) return NULL;
    const ig_local_result *out = NULL;
    size_t freed = 0, added = 0;
    ig_local_result *old = NULL;
    char *old_key = NULL;
    pthread_mutex_lock(&c->mu);
    for (size_t k = 0; k < IG__LOCAL_SLOTS && !out; k++)
        if (c->local[k].lr && strcmp(c->local[k].key, key) == 0) {
            c->local[k].refs++; /* another request kept it first */
            out = c->local[k].lr;
            old = lr;
        }
    if (!out) {
        size_t best = (size_t)-1;
        for (size_t k = 0; k < IG__LOCAL_SLOTS; k++) {
            if (c->local[k].refs) continue;
            if (!c->local[k].lr) {
                best = k;
                break;
            }
            if (best == (size_t)-1 || c->local[k].used < c->local[best].used)
                best = k;
        }
        if (best != (size_t)-1) {
            ig__local_slot *sl = &c->local[best];
            old = sl->lr;
            old_key = sl->key;
            freed = sl->bytes;
            sl->lr = lr;
            sl->key = kc;
            kc = NULL;
            sl->bytes = added = bytes;
            sl->refs = 1;
            sl->used = ++c->local_tick;
            out = lr;
        }
    }
    pthread_mutex_unlock(&c->mu);
    ig_local_result_destroy(old);
    ig__free(srv->ctx, old_key, 0);
    ig__free(srv->ctx, kc, 0);
    if (added || freed) account(srv, c, added, freed);
    return out;
}

void ig__cache_local_release(ig_server *srv, ig__cached *c,
                             const ig_local_result *lr)
{
    (void)srv;
    pthread_mutex_lock(&c->mu);
    for (size_t k = 0; k < IG__LOCAL_SLOTS; k++)
        if (c->local[k].lr == lr && c->local[k].refs) {
            c->local[k].refs--;
            break;
        }
    pthread_mutex_unlock(&c->mu);
}
