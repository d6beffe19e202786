/* The /api/v1 handlers: each maps a request onto the same library calls
 * the CLI makes (ig_grid_read_path or _mem for uploads, ig_placeset_degurba for
 * places, ig_measures_run / ig_infer_run for measures) and writes JSON.
 * Bad input gets a 4xx whose body names the field and the reason, before
 * anything is written to the store. Measure results are cached in the store
 * under a key made of every parameter that can change them, in a fixed
 * order, so the same question is answered from the cache. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "core/core.h"
#include "integrid/integrid.h"
#include "server/server_internal.h"

static const char *const KEEP_OPTIONAL[] = {"LAND_SURFACE", "T"};

static int seg_is(const ig__req *q, int k, const char *s)
{
    return k < q->nseg && strcmp(q->seg[k], s) == 0;
}

static int method_is(const ig__req *q, const char *m)
{
    return strcmp(q->method, m) == 0;
}

static void lib_error(ig__resp *r, ig_status st, const ig_error *err,
                      const char *field)
{
    char where[IG_ERROR_MSG_MAX + 64];
    ig_error e = *err;
    e.file[0] = '\0'; /* never echo server paths */
    if (!e.msg[0]) snprintf(e.msg, sizeof e.msg, "%s", ig_strerror(st));
    ig_error_format(&e, where, sizeof where);
    ig__resp_error(r, ig__http_status_of(st), field, "%s", where);
}

static void json_dataset(ig__srvbuf *b, const ig_store_dataset *d)
{
    ig__srvbuf_puts(b, "{\"id\":");
    ig__srvbuf_json_str(b, d->id);
    ig__srvbuf_puts(b, ",\"name\":");
    ig__srvbuf_json_str(b, d->name);
    ig__srvbuf_printf(b,
                      ",\"created\":%lld,\"cells\":%llu,\"groups\":%u,"
                      "\"grid_places\":%u,\"cell_size_m\":%d,\"stored_bytes\":"
                      "%llu,\"places\":%llu}",
                      (long long)d->created, (unsigned long long)d->n_cells,
                      (unsigned)d->n_groups, (unsigned)d->n_places,
                      (int)d->cell_size_m, (unsigned long long)d->blob_bytes,
                      (unsigned long long)d->n_derived);
}

static void json_place(ig__srvbuf *b, const ig_store_place *p)
{
    ig__srvbuf_puts(b, "{\"id\":");
    ig__srvbuf_json_str(b, p->id);
    ig__srvbuf_puts(b, ",\"name\":");
    ig__srvbuf_json_str(b, p->name);
    ig__srvbuf_puts(b, ",\"class\":");
    ig__srvbuf_json_str(b, p->cls);
    ig__srvbuf_puts(b, ",\"country\":");
    ig__srvbuf_json_str(b, p->country);
    ig__srvbuf_printf(b, ",\"aggregate\":%s,\"cells\":%llu,\"population\":",
                      p->aggregate ? "true" : "false",
                      (unsigned long long)p->cells);
    ig__srvbuf_json_num(b, p->population);
    ig__srvbuf_puts(b, ",\"area_km2\":");
    ig__srvbuf_json_num(b, p->area_km2);
    ig__srvbuf_puts(b, ",\"lon\":");
    ig__srvbuf_json_num(b, p->lon);
    ig__srvbuf_puts(b, ",\"lat\":");
    ig__srvbuf_json_num(b, p->lat);
    ig__srvbuf_puts(b, "}");
}

/* ---- parameter checks --------------------------------------------------- */

/* A number in [lo, hi] (open ends when the flags say so). */
static int param_num(ig__resp *r, const ig__params *p, const char *key,
                     double lo, double hi, int open, double *out)
{
    const char *v = ig__params_get(p, key);
    if (!v) return 1;
    char *end = NULL;
    double d = strtod(v, &end);
    if (!v[0] || *end || !isfinite(d) || (open ? d <= lo : d < lo) ||
        (open ? d >= hi : d > hi)) {
        ig__resp_error(r, 400, key,
                       "'%.40s' is out of range: give a number "
                       "%s %g and %g",
                       v, open ? "strictly between" : "from", lo, hi);
        return 0;
    }
    *out = d;
    return 1;
}

static int param_bool(ig__resp *r, const ig__params *p, const char *key,
                      int *out)
{
    const char *v = ig__params_get(p, key);
    if (!v) return 1;
    if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0) {
        *out = 1;
    } else if (strcmp(v, "0") == 0 || strcmp(v, "false") == 0) {
        *out = 0;
    } else {
        ig__resp_error(r, 400, key, "'%.40s': give true or false", v);
        return 0;
    }
    return 1;
}

/* Unknown parameters are errors: a typo must not silently change nothing. */
static int only_params(ig__resp *r, const ig__params *p,
                       const char *const *known, size_t n)
{
    for (size_t i = 0; i < p->n; i++) {
        size_t k = 0;
        while (k < n && strcmp(p->key[i], known[k]) != 0) k++;
        if (k == n) {
            ig__resp_error(r, 400, p->key[i], "unknown parameter");
            return 0;
        }
    }
    return 1;
}

void ig__lib_error(ig__resp *r, ig_status st, const ig_error *err,
                   const char *field)
{
    lib_error(r, st, err, field);
}

int ig__param_num(ig__resp *r, const ig__params *p, const char *key, double lo,
                  double hi, int open, double *out)
{
    return param_num(r, p, key, lo, hi, open, out);
}

int ig__param_bool(ig__resp *r, const ig__params *p, const char *key, int *out)
{
    return param_bool(r, p, key, out);
}

int ig__only_params(ig__resp *r, const ig__params *p, const char *const *known,
                    size_t n)
{
    return only_params(r, p, known, n);
}

/* ---- datasets ----------------------------------------------------------- */

/* Inflate a gzip body only to count its bytes; 1 when under the cap. */
static int gzip_within(ig_ctx *ctx, const unsigned char *p, size_t n,
                       uint64_t cap, int *bad)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    *bad = 0;
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
        *bad = 1;
        return 0;
    }
    unsigned char *scratch = ig__alloc(ctx, 65536);
    if (!scratch) {
        inflateEnd(&z);
        *bad = 1;
        return 0;
    }
    uint64_t total = 0;
    size_t off = 0;
    int ok = 1;
    while (ok && off < n) {
        z.next_in = (Bytef *)(uintptr_t)(p + off);
        size_t chunk = n - off > 0x40000000u ? 0x40000000u : n - off;
        z.avail_in = (uInt)chunk;
        int rc;
        do {
            z.next_out = scratch;
            z.avail_out = 65536;
            rc = inflate(&z, Z_NO_FLUSH);
            total += 65536u - z.avail_out;
            if (total > cap) {
                ok = 0;
                break;
            }
        } while (rc == Z_OK && (z.avail_in > 0 || z.avail_out == 0));
        if (!ok) break;
        off += chunk - z.avail_in;
        if (rc == Z_STREAM_END) {
            /* another member may follow (concatenated gzip) */
            if (off < n && inflateReset(&z) != Z_OK) ok = 0;
        } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
            *bad = 1;
            ok = 0;
        } else if (z.avail_in == 0 && off >= n) {
            break;
        } else if (rc == Z_BUF_ERROR) {
            *bad = 1;
            ok = 0;
        }
    }
    inflateEnd(&z);
    ig__free(ctx, scratch, 65536);
    return ok;
}

/* gzip_within() over a file, read in blocks: 1 when its decompressed
 * size is under the cap. */
static int gzip_file_within(ig_ctx *ctx, const char *path, uint64_t cap,
                            int *bad)
{
    *bad = 0;
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        *bad = 1;
        return 0;
    }
    z_stream z;
    memset(&z, 0, sizeof z);
    unsigned char *in = ig__alloc(ctx, 65536), *out = ig__alloc(ctx, 65536);
    int ok = in && out && inflateInit2(&z, 16 + MAX_WBITS) == Z_OK;
    int inited = ok;
    if (!ok) *bad = 1;
    uint64_t total = 0;
    int rc = Z_OK;
    while (ok) {
        if (z.avail_in == 0) {
            size_t n = fread(in, 1, 65536, fp);
            if (n == 0) break;
            z.next_in = in;
            z.avail_in = (uInt)n;
        }
        z.next_out = out;
        z.avail_out = 65536;
        rc = inflate(&z, Z_NO_FLUSH);
        total += 65536u - z.avail_out;
        if (total > cap) {
            ok = 0;
        } else if (rc == Z_STREAM_END) {
            if (inflateReset(&z) != Z_OK) ok = 0; /* another member? */
            rc = Z_OK;
        } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
            *bad = 1;
            ok = 0;
        }
    }
    if (ok && ferror(fp)) {
        *bad = 1;
        ok = 0;
    }
    if (inited) inflateEnd(&z);
    fclose(fp);
    ig__free(ctx, in, 65536);
    ig__free(ctx, out, 65536);
    return ok;
}

/* What an import needs, copied out of the request so a background job can
 * own it: the body (stolen from the connection, not copied) and the read
 * options. */
typedef struct import_arg {
    char *body;
    size_t len, cap;
    char path[IG__PATH_MAX]; /* the upload's file (owned: removed), or "" */
    char name[IG_STORE_NAME_MAX + 1];
    char by[IG__HTTP_MAX_VALUE + 1];
    char total[IG__HTTP_MAX_VALUE + 1];
    char groups[IG__HTTP_MAX_VALUE + 1];
    int has_by, has_total, has_groups;
} import_arg;

static void free_import_arg(ig_server *srv, void *p)
{
    import_arg *a = p;
    if (!a) return;
    if (a->path[0]) unlink(a->path);
    ig__free(srv->ctx, a->body, a->cap);
    ig__free(srv->ctx, a, sizeof *a);
}

/* Outcome of an import beyond its status: the HTTP status and field. */
typedef struct import_fail {
    unsigned status;
    const char *field;
} import_fail;

/* Read the body as a grid and store it; the shared path of synchronous and
 * background imports. On failure fills err and *why. */
static ig_status import_grid(ig_server *srv, const import_arg *a, ig__job *job,
                             char id[IG_STORE_ID_MAX], import_fail *why,
                             ig_error *err)
{
    const unsigned char *b = (const unsigned char *)a->body;
    int gz = b && a->len >= 2 && b[0] == 0x1f && b[1] == 0x8b;
    if (a->path[0]) {
        unsigned char magic[2] = {0, 0};
        FILE *fp = fopen(a->path, "rb");
        if (fp) {
            gz = fread(magic, 1, 2, fp) == 2 && magic[0] == 0x1f &&
                 magic[1] == 0x8b;
            fclose(fp);
        }
    }
    why->status = 400;
    why->field = "body";
    if (job) ig__job_progress(srv, job, "checking", 0, a->len);
    if (gz) {
        int bad = 0;
        if (a->path[0]
                ? !gzip_file_within(srv->ctx, a->path, srv->max_inflated, &bad)
                : !gzip_within(srv->ctx, b, a->len, srv->max_inflated, &bad)) {
            if (bad)
                return ig__error_set(err, IG_ERR_PARSE, 0, 0,
                                     "not a valid gzip stream");
            why->status = 413;
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "decompressed upload over %llu bytes "
                                 "(refused as a possible gzip bomb)",
                                 (unsigned long long)srv->max_inflated);
        }
    }
    ig_read_opts ro;
    ig_read_opts_init(&ro);
    ro.keep_optional = KEEP_OPTIONAL;
    ro.n_keep_optional = 2;
    ro.max_bytes = srv->max_inflated;
    ro.by_col = a->has_by ? a->by : NULL;
    ro.total_col = a->has_total ? a->total : NULL;
    if (job) {
        ro.progress = ig__job_progress_cb;
        ro.progress_ud = job;
        ig__job_progress(srv, job, "reading", 0, a->len);
    }
    char gbuf[IG__HTTP_MAX_VALUE + 1];
    const char *groups[32];
    size_t ng = 0;
    if (a->has_groups) {
        snprintf(gbuf, sizeof gbuf, "%s", a->groups);
        char *save = NULL;
        for (char *t = strtok_r(gbuf, ",", &save); t;
             t = strtok_r(NULL, ",", &save)) {
            why->field = "groups";
            if (ng == 32)
                return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                     "at most 32 groups");
            ig_error ge = {0};
            if (ig_group_expr_check(t, &ge) != IG_OK)
                return ig__error_set(err, IG_ERR_PARSE, 0, 0, "'%.60s': %s", t,
                                     ge.msg);
            groups[ng++] = t;
        }
        why->field = "body";
        ro.groups = groups;
        ro.n_groups = ng;
    }
    ig_grid *grid = NULL;
    ig_status st = a->path[0]
                       ? ig_grid_read_path(srv->ctx, a->path, &ro, &grid, err)
                       : ig_grid_read_mem(srv->ctx, a->body, a->len, "upload",
                                          &ro, &grid, err);
    if (st != IG_OK) {
        ig_grid_destroy(grid);
        if (st == IG_ERR_NOMEM || st == IG_ERR_CANCELLED) {
            why->status = ig__http_status_of(st);
            return st;
        }
        char msg[IG_ERROR_MSG_MAX + 64];
        err->file[0] = '\0';
        ig_error_format(err, msg, sizeof msg);
        return ig__error_set(err, st, 0, 0, "not a usable grid: %s", msg);
    }
    if (ig_grid_ncells(grid) == 0 || ig_grid_ngroups(grid) == 0) {
        ig_grid_destroy(grid);
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "not a usable grid: no cells or no groups");
    }
    if (job && ig__job_cancelled(job)) {
        ig_grid_destroy(grid);
        return IG_ERR_CANCELLED;
    }
    if (job) ig__job_progress(srv, job, "saving", a->len, a->len);
    char meta[256];
    snprintf(meta, sizeof meta,
             "{\"source\":\"upload\",\"bytes\":%zu,\"gzip\":%s}", a->len,
             gz ? "true" : "false");
    st = ig_store_dataset_put(srv->store, a->name, meta, grid, id, err);
    ig_grid_destroy(grid);
    if (st != IG_OK) {
        why->status = st == IG_ERR_DOMAIN ? 400 : ig__http_status_of(st);
        why->field = st == IG_ERR_DOMAIN ? "name" : NULL;
    }
    return st;
}

static ig_status import_job(ig_server *srv, ig__job *job, ig_error *err)
{
    import_arg *a = job->arg;
    char id[IG_STORE_ID_MAX];
    import_fail why;
    ig_status st = import_grid(srv, a, job, id, &why, err);
    if (st != IG_OK) return st;
    pthread_mutex_lock(&srv->jobs_mu); /* ig__job_json reads it */
    snprintf(job->dataset, sizeof job->dataset, "%s", id);
    pthread_mutex_unlock(&srv->jobs_mu);
    ig__srvbuf_puts(&job->result, "{\"dataset\":");
    ig__srvbuf_json_str(&job->result, id);
    ig__srvbuf_puts(&job->result, "}");
    return IG_OK;
}

static void upload(ig__req *q, ig__resp *r)
{
    ig_server *srv = q->srv;
    static const char *const known[] = {"name", "by", "total", "groups",
                                        "async"};
    if (!only_params(r, &q->query, known, 5)) return;
    if (strcmp(q->content_type, "text/csv") != 0 &&
        strcmp(q->content_type, "application/gzip") != 0 &&
        strcmp(q->content_type, "application/x-gzip") != 0) {
        ig__resp_error(r, 415, "Content-Type",
                       "upload a grid as text/csv or application/gzip");
        return;
    }
    if (q->body_len == 0) {
        ig__resp_error(r, 400, "body",
                       "empty upload: send the CSV file as the request body");
        return;
    }
    int async = 0;
    if (!param_bool(r, &q->query, "async", &async)) return;
    const char *name = ig__params_get(&q->query, "name");
    if (!name) name = "upload";
    size_t nlen = strlen(name);
    if (nlen == 0 || nlen > IG_STORE_NAME_MAX) {
        ig__resp_error(r, 400, "name", "1 to %d bytes", IG_STORE_NAME_MAX);
        return;
    }
    import_arg *a = ig__calloc(srv->ctx, 1, sizeof *a);
    if (!a) {
        ig__resp_error(r, 503, NULL, "out of memory");
        return;
    }
    snprintf(a->name, sizeof a->name, "%s", name);
    const char *v;
    if ((v = ig__params_get(&q->query, "by")) != NULL) {
        a->has_by = 1;
        snprintf(a->by, sizeof a->by, "%s", v);
    }
    if ((v = ig__params_get(&q->query, "total")) != NULL) {
        a->has_total = 1;
        snprintf(a->total, sizeof a->total, "%s", v);
    }
    if ((v = ig__params_get(&q->query, "groups")) != NULL) {
        a->has_groups = 1;
        snprintf(a->groups, sizeof a->groups, "%s", v);
    }
    /* take the body from the connection: no copy of a large upload (its
     * file when it was streamed to one) */
    if (q->body_path && q->body_path[0]) {
        snprintf(a->path, sizeof a->path, "%s", q->body_path);
        q->body_path[0] = '\0';
        a->len = q->body_len;
    } else {
        a->body = q->body_buf->p;
        a->len = q->body_buf->len;
        a->cap = q->body_buf->cap;
        q->body_buf->p = NULL;
        q->body_buf->len = q->body_buf->cap = 0;
    }
    ig_error err = {0};
    if (async) {
        ig__job *job = NULL;
        ig_status st = ig__job_start(srv, "import", NULL, import_job, a,
                                     free_import_arg, &job, &err);
        if (st != IG_OK) {
            ig__resp_error(r, 503, NULL, "%s", err.msg);
            return;
        }
        r->status = 202;
        snprintf(r->location, sizeof r->location, "/api/v1/jobs/%s", job->id);
        ig__srvbuf_puts(&r->body, "{\"job\":");
        if (!ig__job_json(srv, job->id, &r->body))
            ig__srvbuf_puts(&r->body, "null");
        ig__srvbuf_puts(&r->body, "}\n");
        return;
    }
    char id[IG_STORE_ID_MAX];
    import_fail why;
    ig_status st = import_grid(srv, a, NULL, id, &why, &err);
    free_import_arg(srv, a);
    if (st != IG_OK) {
        ig__resp_error(r, why.status, why.field, "%s",
                       err.msg[0] ? err.msg : ig_strerror(st));
        return;
    }
    ig_store_dataset d;
    st = ig_store_dataset_info(srv->store, id, &d, &err);
    if (st != IG_OK) {
        lib_error(r, st, &err, NULL);
        return;
    }
    r->status = 201;
    snprintf(r->location, sizeof r->location, "/api/v1/datasets/%s", id);
    json_dataset(&r->body, &d);
    ig__srvbuf_puts(&r->body, "\n");
}

static void list_datasets(ig__req *q, ig__resp *r)
{
    ig_store_dataset *v = NULL;
    size_t n = 0;
    ig_error err = {0};
    ig_status st = ig_store_dataset_list(q->srv->store, &v, &n, &err);
    if (st != IG_OK) {
        lib_error(r, st, &err, NULL);
        return;
    }
    ig__srvbuf_puts(&r->body, "{\"datasets\":[");
    for (size_t i = 0; i < n; i++) {
        if (i) ig__srvbuf_puts(&r->body, ",");
        json_dataset(&r->body, &v[i]);
    }
    ig__srvbuf_puts(&r->body, "]}\n");
    ig_store_free(q->srv->ctx, v, 0);
}

static void dataset_info(ig__req *q, ig__resp *r, const char *id)
{
    ig_store_dataset d;
    ig_error err = {0};
    ig_status st = ig_store_dataset_info(q->srv->store, id, &d, &err);
    if (st != IG_OK) {
        lib_error(r, st, &err, "dataset");
        return;
    }
    /* the groups need the grid: from the cache (decoded once) */
    ig__cached *cg = NULL;
    st = ig__cache_get(q->srv, id, &cg, &err);
    if (st != IG_OK) {
        lib_error(r, st, &err, "dataset");
        return;
    }
    const ig_grid *g = cg->grid;
    json_dataset(&r->body, &d);
    r->body.len--; /* reopen the object */
    ig__srvbuf_puts(&r->body, ",\"group_names\":[");
    for (size_t k = 0; k < ig_grid_ngroups(g); k++) {
        if (k) ig__srvbuf_puts(&r->body, ",");
        ig__srvbuf_json_str(&r->body, ig_grid_group_name(g, k));
    }
    ig__srvbuf_puts(&r->body, "],\"grid_place_names\":[");
    size_t np = ig_grid_nplaces(g);
    for (size_t k = 0; k < np && k < 1000; k++) {
        if (k) ig__srvbuf_puts(&r->body, ",");
        ig__srvbuf_json_str(&r->body, ig_grid_place_name(g, k));
    }
    ig__srvbuf_puts(&r->body, "],\"columns\":[");
    for (size_t k = 0; k < ig_grid_nvars(g); k++) {
        if (k) ig__srvbuf_puts(&r->body, ",");
        ig__srvbuf_json_str(&r->body, ig_grid_var_name(g, k));
    }
    ig__srvbuf_printf(&r->body, "],\"crs_epsg\":%d}\n",
                      (int)ig_grid_crs_epsg(g));
    ig__cache_release(q->srv, cg);
}

static void delete_dataset(ig__req *q, ig__resp *r, const char *id)
{
    ig_error err = {0};
    ig_status st = ig_store_dataset_delete(q->srv->store, id, &err);
    ig__cache_drop(q->srv, id);
    if (st != IG_OK) {
        lib_error(r, st, &err, "dataset");
        return;
    }
    r->status = 204;
    r->content_type = NULL;
}

/* ---- places ------------------------------------------------------------- */

typedef struct places_arg {
    int level;
} places_arg;

static void free_places_arg(ig_server *srv, void *p)
{
    ig__free(srv->ctx, p, sizeof(places_arg));
}

static ig_status places_job(ig_server *srv, ig__job *job, ig_error *err)
{
    places_arg *a = job->arg;
    ig__job_progress(srv, job, "loading the grid", 0, 4);
    ig_grid *grid = NULL;
    ig_placeset *ps = NULL;
    ig_gazetteer *gz = NULL;
    ig_status st = ig_store_dataset_grid(srv->store, job->dataset, &grid, err);
    if (st != IG_OK) goto out;
    if (ig__job_cancelled(job)) {
        st = IG_ERR_CANCELLED;
        goto out;
    }
    ig__job_progress(srv, job, "classifying (DEGURBA)", 1, 4);
    ig_placeset_opts po;
    memset(&po, 0, sizeof po);
    if (ig_grid_var_index(grid, "LAND_SURFACE") != (size_t)-1)
        po.land_area_var = "LAND_SURFACE";
    po.by_places = ig_grid_nplaces(grid) > 1;
    po.aggregates = 1; /* "all urban centres of AT": as integrid measures */
    ig_degurba_opts dop;
    ig_degurba_opts_init(&dop);
    dop.land_area_var = po.land_area_var;
    dop.level = a->level;
    if (ig_grid_var_index(grid, "T") != (size_t)-1 && !ig_grid_has_total(grid))
        dop.pop_var = "T";
    st = ig_placeset_degurba(srv->ctx, grid, &dop, &po, &ps, err);
    if (st != IG_OK) goto out;
    if (ig__job_cancelled(job)) {
        st = IG_ERR_CANCELLED;
        goto out;
    }
    ig__job_progress(srv, job, "naming places", 2, 4);
    ig_error gerr = {0};
    if (ig_gazetteer_open_builtin(srv->ctx, &gz, &gerr) == IG_OK)
        (void)ig_placeset_name_places(ps, gz, grid, &gerr);
    if (ig__job_cancelled(job)) {
        st = IG_ERR_CANCELLED;
        goto out;
    }
    ig__job_progress(srv, job, "saving", 3, 4);
    st = ig_store_places_put(srv->store, job->dataset, ps, err);
    ig__cache_drop(srv, job->dataset);
    if (st != IG_OK) goto out;
    const ig_degurba_summary *sum = ig_placeset_degurba_summary(ps);
    ig__srvbuf_printf(&job->result,
                      "{\"places\":%zu,\"urban_centres\":%zu,"
                      "\"urban_clusters\":%zu}",
                      ig_placeset_count(ps), sum ? sum->n_centres : 0,
                      sum ? sum->n_clusters : 0);
    ig__job_progress(srv, job, "done", 4, 4);
out:
    ig_gazetteer_destroy(gz);
    ig_placeset_destroy(ps);
    ig_grid_destroy(grid);
    return st;
}

static void delineate(ig__req *q, ig__resp *r, const char *id)
{
    ig__params body;
    ig_error err = {0};
    memset(&body, 0, sizeof body);
    if (q->body_len) {
        if (strcmp(q->content_type, "application/json") != 0) {
            ig__resp_error(r, 415, "Content-Type", "send application/json");
            return;
        }
        if (ig__http_parse_json(q->body, q->body_len, &body, &err) != IG_OK) {
            ig__resp_error(r, 400, "body", "%s", err.msg);
            return;
        }
    }
    static const char *const known[] = {"method", "level"};
    if (!only_params(r, &body, known, 2)) return;
    const char *method = ig__params_get(&body, "method");
    if (method && strcmp(method, "degurba") != 0) {
        ig__resp_error(r, 400, "method", "'%.40s': the methods are: degurba",
                       method);
        return;
    }
    double level = 1;
    if (!param_num(r, &body, "level", 1, 2, 0, &level)) return;
    if (level != 1 && level != 2) {
        ig__resp_error(r, 400, "level", "give 1 or 2");
        return;
    }
    ig_store_dataset d;
    ig_status st = ig_store_dataset_info(q->srv->store, id, &d, &err);
    if (st != IG_OK) {
        lib_error(r, st, &err, "dataset");
        return;
    }
    places_arg *a = ig__alloc(q->srv->ctx, sizeof *a);
    if (!a) {
        ig__resp_error(r, 503, NULL, "out of memory");
        return;
    }
    a->level = (int)level;
    ig__job *job = NULL;
    st = ig__job_start(q->srv, "places", id, places_job, a, free_places_arg,
                       &job, &err);
    if (st != IG_OK) {
        ig__resp_error(r, 503, NULL, "%s", err.msg);
        return;
    }
    r->status = 202;
    snprintf(r->location, sizeof r->location, "/api/v1/jobs/%s", job->id);
    ig__srvbuf_puts(&r->body, "{\"job\":");
    if (!ig__job_json(q->srv, job->id, &r->body))
        ig__srvbuf_puts(&r->body, "null");
    ig__srvbuf_puts(&r->body, "}\n");
}

static void list_places(ig__req *q, ig__resp *r, const char *id)
{
    static const char *const known[] = {"q", "limit"};
    if (!only_params(r, &q->query, known, 2)) return;
    double limit = 0;
    if (!param_num(r, &q->query, "limit", 0, 100000, 0, &limit)) return;
    ig_store_place *v = NULL;
    size_t n = 0;
    ig_error err = {0};
    ig_status st =
        ig_store_places_list(q->srv->store, id, ig__params_get(&q->query, "q"),
                             (size_t)limit, &v, &n, &err);
    if (st != IG_OK) {
        lib_error(r, st, &err, "dataset");
        return;
    }
    ig__srvbuf_puts(&r->body, "{\"places\":[");
    for (size_t i = 0; i < n; i++) {
        if (i) ig__srvbuf_puts(&r->body, ",");
        json_place(&r->body, &v[i]);
    }
    ig__srvbuf_puts(&r->body, "]}\n");
    ig_store_free(q->srv->ctx, v, 0);
}

static void place_info(ig__req *q, ig__resp *r, const char *id, const char *pid)
{
    ig_store_place p;
    size_t *cells = NULL, n = 0;
    ig_error err = {0};
    ig_status st =
        ig_store_place_cells(q->srv->store, id, pid, &p, &cells, &n, &err);
    if (st != IG_OK) {
        lib_error(r, st, &err, st == IG_ERR_NOT_FOUND ? "place" : NULL);
        return;
    }
    ig_store_free(q->srv->ctx, cells, 0);
    json_place(&r->body, &p);
    ig__srvbuf_puts(&r->body, "\n");
}

/* ---- measures ----------------------------------------------------------- */

static void list_measures(ig__resp *r)
{
    ig__srvbuf *b = &r->body;
    ig__srvbuf_puts(b, "{\"measures\":[");
    for (size_t i = 0; i < ig_measure_count(); i++) {
        const ig_measure_info *m = ig_measure_get(i);
        if (i) ig__srvbuf_puts(b, ",");
        ig__srvbuf_puts(b, "{\"name\":");
        ig__srvbuf_json_str(b, m->name);
        ig__srvbuf_printf(b,
                          ",\"family\":\"%s\",\"spatial\":%s,\"scale\":%s,"
                          "\"simulated\":%s,\"range\":",
                          m->family == IG_FAM_SINGLE ? "single" : "multi",
                          (m->flags & IG_MF_SPATIAL) ? "true" : "false",
                          (m->flags & IG_MF_SCALE) ? "true" : "false",
                          (m->flags & IG_MF_SIMULATED) ? "true" : "false");
        ig__srvbuf_json_str(b, m->range_text);
        ig__srvbuf_puts(b, ",\"summary\":");
        ig__srvbuf_json_str(b, m->summary);
        ig__srvbuf_puts(b, ",\"citation\":");
        ig__srvbuf_json_str(b, m->citation);
        ig__srvbuf_puts(b, ",\"params\":");
        ig__srvbuf_json_str(b, m->params);
        ig__srvbuf_puts(b, "}");
    }
    ig__srvbuf_puts(b, "]}\n");
}

static void compute(ig__req *q, ig__resp *r, const char *id)
{
    ig_server *srv = q->srv;
    static const char *const known[] = {"place", "measures", "ci", "level",
                                        "reps",  "seed",     "b"};
    if (!only_params(r, &q->query, known, 7)) return;
    const char *place = ig__params_get(&q->query, "place");
    const char *mlist = ig__params_get(&q->query, "measures");
    int ci = 0;
    double level = 0.95, reps = 999, seed = 1, b = 0.5;
    if (!param_bool(r, &q->query, "ci", &ci) ||
        !param_num(r, &q->query, "level", 0, 1, 1, &level) ||
        !param_num(r, &q->query, "reps", 1, 10000, 0, &reps) ||
        !param_num(r, &q->query, "seed", 0, 9007199254740992.0, 0, &seed) ||
        !param_num(r, &q->query, "b", 0, 1, 1, &b))
        return;
    if (reps != floor(reps) || seed != floor(seed)) {
        ig__resp_error(r, 400, reps != floor(reps) ? "reps" : "seed",
                       "give a whole number");
        return;
    }
    /* the measure names, checked against the registry */
    char mbuf[IG__HTTP_MAX_VALUE + 1];
    const char *names[64];
    size_t nm = 0;
    if (mlist && mlist[0]) {
        snprintf(mbuf, sizeof mbuf, "%s", mlist);
        char *save = NULL;
        for (char *t = strtok_r(mbuf, ",", &save); t;
             t = strtok_r(NULL, ",", &save)) {
            if (!ig_measure_find(t)) {
                ig__resp_error(r, 400, "measures",
                               "unknown measure '%.60s' (GET "
                               "/api/v1/measures lists them)",
                               t);
                return;
            }
            if (nm == 64) {
                ig__resp_error(r, 400, "measures", "at most 64 measures");
                return;
            }
            names[nm++] = t;
        }
    }
    char key[IG__HTTP_MAX_VALUE * 2 + 200];
    snprintf(key, sizeof key,
             "measures/v1?place=%s&measures=%s&ci=%d&level=%.17g&reps=%.0f&"
             "seed=%.0f&b=%.17g",
             place ? place : "", mlist ? mlist : "", ci, level, reps, seed, b);
    ig_error err = {0};
    char *cached = NULL;
    if (ig_store_result_get(srv->store, id, key, &cached, &err) == IG_OK) {
        ig__srvbuf_puts(&r->body, cached);
        ig_store_free(srv->ctx, cached, 0);
        return;
    }
    memset(&err, 0, sizeof err);

    ig__cached *cg = NULL;
    const ig_grid *grid = NULL;
    ig_placeset *ps = NULL;
    ig_results *res = NULL;
    ig_infer_results *ires = NULL;
    size_t *cells = NULL, ncells = 0;
    ig_status st = ig__cache_get(srv, id, &cg, &err);
    if (st != IG_OK) {
        lib_error(r, st, &err, "dataset");
        goto out;
    }
    grid = cg->grid;
    ig_placeset_opts po;
    memset(&po, 0, sizeof po);
    if (ig_grid_var_index(grid, "LAND_SURFACE") != (size_t)-1)
        po.land_area_var = "LAND_SURFACE";
    size_t only = (size_t)-1; /* a grid place, when one was asked for */
    ig_store_place prow;
    if (place && place[0]) {
        st = ig_store_place_cells(srv->store, id, place, &prow, &cells, &ncells,
                                  &err);
        if (st == IG_OK) {
            ig_place_def def;
            memset(&def, 0, sizeof def);
            def.id = prow.id;
            def.name = prow.name;
            def.cls = prow.cls;
            def.country = prow.country;
            def.aggregate = prow.aggregate;
            size_t offs[2] = {0, ncells};
            st = ig_placeset_create(srv->ctx, grid, 1, &def, offs, cells, NULL,
                                    &po, &ps, &err);
        } else if (st == IG_ERR_NOT_FOUND) {
            memset(&err, 0, sizeof err);
            st = ig_placeset_by(srv->ctx, grid, "", &po, &ps, &err);
            if (st == IG_OK) {
                only = ig_placeset_find(ps, place);
                if (only == (size_t)-1) {
                    ig__resp_error(r, 404, "place",
                                   "no place '%.64s' in this dataset (GET "
                                   ".../places lists them)",
                                   place);
                    goto out;
                }
            }
        }
    } else {
        st = ig_placeset_by(srv->ctx, grid, "", &po, &ps, &err);
    }
    if (st != IG_OK) {
        lib_error(r, st, &err, "place");
        goto out;
    }
    const ig_grid *pg = ig_placeset_grid(ps);
    ig_run_opts ro;
    ig_run_opts_init(&ro);
    ro.measures = nm ? names : NULL;
    ro.n_measures = nm;
    ro.params.atkinson_b = b;
    ro.params.seed = (uint64_t)seed;
    ro.context = grid;
    ro.area_var = po.land_area_var;
    if (ci) {
        ig_infer_opts io;
        ig_infer_opts_init(&io);
        io.ci = 1;
        io.level = level;
        io.reps = (int)reps;
        io.seed = (uint64_t)seed;
        if (only != (size_t)-1) {
            io.places = &only;
            io.n_places = 1;
        }
        st = ig_infer_run(srv->ctx, pg, &ro, &io, &ires, &err);
    } else {
        st = ig_measures_run(srv->ctx, pg, &ro, &res, &err);
    }
    if (st != IG_OK) {
        lib_error(r, st, &err, "measures");
        goto out;
    }
    const ig_results *rs = ci ? ig_infer_results_values(ires) : res;
    ig__srvbuf *bo = &r->body;
    ig__srvbuf_puts(bo, "{\"dataset\":");
    ig__srvbuf_json_str(bo, id);
    ig__srvbuf_printf(bo, ",\"ci\":%s,\"level\":", ci ? "true" : "false");
    ig__srvbuf_json_num(bo, level);
    ig__srvbuf_puts(bo, ",\"results\":[");
    int first = 1;
    for (size_t i = 0; i < ig_results_nrows(rs); i++) {
        const ig_result_row *row = ig_results_row(rs, i);
        if (only != (size_t)-1 && row->place != only) continue;
        if (!first) ig__srvbuf_puts(bo, ",");
        first = 0;
        const ig_placeset_row *pr = ig_placeset_get(ps, row->place);
        ig__srvbuf_puts(bo, "{\"place\":");
        ig__srvbuf_json_str(bo, pr ? pr->id : "");
        ig__srvbuf_puts(bo, ",\"place_name\":");
        ig__srvbuf_json_str(bo, pr ? pr->name : "");
        ig__srvbuf_puts(bo, ",\"measure\":");
        ig__srvbuf_json_str(bo, row->measure->name);
        ig__srvbuf_puts(bo, ",\"group\":");
        if (row->group >= 0)
            ig__srvbuf_json_str(bo,
                                ig_grid_group_name(grid, (size_t)row->group));
        else
            ig__srvbuf_puts(bo, "null");
        ig__srvbuf_printf(bo, ",\"component\":\"%s\",\"value\":",
                          row->component == IG_COMP_TOTAL     ? "total"
                          : row->component == IG_COMP_BETWEEN ? "between"
                                                              : "within");
        ig__srvbuf_json_num(bo, row->status == IG_OK ? row->value : nan(""));
        ig__srvbuf_puts(bo, ",\"defined\":");
        ig__srvbuf_puts(bo, row->status == IG_OK ? "true" : "false");
        if (row->status != IG_OK) {
            ig__srvbuf_puts(bo, ",\"why\":");
            ig__srvbuf_json_str(
                bo, row->message ? row->message : ig_strerror(row->status));
        }
        if (ci) {
            const ig_inference *x = ig_infer_results_row(ires, i);
            ig__srvbuf_puts(bo, ",\"ci_low\":");
            ig__srvbuf_json_num(bo, x ? x->ci_low : nan(""));
            ig__srvbuf_puts(bo, ",\"ci_high\":");
            ig__srvbuf_json_num(bo, x ? x->ci_high : nan(""));
            ig__srvbuf_printf(bo, ",\"n_boot\":%d", x ? x->n_boot : 0);
        }
        ig__srvbuf_puts(bo, "}");
    }
    ig__srvbuf_puts(bo, "]}\n");
    if (!bo->failed) {
        ig_error cerr = {0};
        (void)ig_store_result_put(srv->store, id, key, bo->p, &cerr);
    }
out:
    ig_infer_results_destroy(ires);
    ig_results_destroy(res);
    ig_placeset_destroy(ps);
    ig__cache_release(srv, cg);
    ig_store_free(srv->ctx, cells, 0);
}

/* ---- dispatch ----------------------------------------------------------- */

static void not_allowed(ig__resp *r, const char *allowed)
{
    ig__resp_error(r, 405, "method", "allowed here: %s", allowed);
}

void ig__api_handle(ig__req *q, ig__resp *r)
{
    if (q->nseg == 1 && seg_is(q, 0, "health")) {
        if (!method_is(q, "GET")) {
            not_allowed(r, "GET");
            return;
        }
        ig_server *srv = q->srv;
        pthread_mutex_lock(&srv->cache_mu);
        ig__srvbuf_printf(
            &r->body,
            "{\"status\":\"ok\",\"version\":\"%s\",\"schema\":%d,"
            "\"cache\":{\"entries\":%zu,\"bytes\":%zu,\"budget\":%zu,"
            "\"hits\":%llu,\"misses\":%llu,\"evictions\":%llu,"
            "\"local_hits\":%llu}}\n",
            IG_VERSION_STRING, ig_store_schema_version(srv->store),
            srv->n_cache, srv->cache_used, srv->cache_budget,
            (unsigned long long)srv->cache_hits,
            (unsigned long long)srv->cache_misses,
            (unsigned long long)srv->cache_evictions,
            (unsigned long long)atomic_load(&srv->local_hits));
        pthread_mutex_unlock(&srv->cache_mu);
        return;
    }
    if (q->nseg == 1 && seg_is(q, 0, "measures")) {
        if (!method_is(q, "GET")) {
            not_allowed(r, "GET");
            return;
        }
        {
            list_measures(r);
            return;
        }
    }
    if (seg_is(q, 0, "datasets")) {
        if (q->nseg == 1) {
            if (method_is(q, "GET")) {
                list_datasets(q, r);
                return;
            }
            if (method_is(q, "POST")) {
                upload(q, r);
                return;
            }
            {
                not_allowed(r, "GET, POST");
                return;
            }
        }
        const char *id = q->seg[1];
        if (q->nseg == 2) {
            if (method_is(q, "GET")) {
                dataset_info(q, r, id);
                return;
            }
            if (method_is(q, "DELETE")) {
                delete_dataset(q, r, id);
                return;
            }
            {
                not_allowed(r, "GET, DELETE");
                return;
            }
        }
        if (q->nseg == 3 && seg_is(q, 2, "places")) {
            if (method_is(q, "GET")) {
                list_places(q, r, id);
                return;
            }
            if (method_is(q, "POST")) {
                delineate(q, r, id);
                return;
            }
            {
                not_allowed(r, "GET, POST");
                return;
            }
        }
        if (q->nseg == 4 && seg_is(q, 2, "places")) {
            if (method_is(q, "GET")) {
                place_info(q, r, id, q->seg[3]);
                return;
            }
            {
                not_allowed(r, "GET");
                return;
            }
        }
        if (q->nseg == 3 && seg_is(q, 2, "measures")) {
            if (method_is(q, "GET")) {
                compute(q, r, id);
                return;
            }
            {
                not_allowed(r, "GET");
                return;
            }
        }
    }
    if (seg_is(q, 0, "jobs") && q->nseg == 2) {
        if (method_is(q, "GET")) {
            if (!ig__job_json(q->srv, q->seg[1], &r->body))
                ig__resp_error(r, 404, "job", "no job '%.64s'", q->seg[1]);
            else
                ig__srvbuf_puts(&r->body, "\n");
            return;
        }
        if (method_is(q, "DELETE")) {
            if (!ig__job_cancel(q->srv, q->seg[1]))
                ig__resp_error(r, 404, "job", "no job '%.64s'", q->seg[1]);
            else {
                r->status = 202;
                ig__srvbuf_puts(&r->body, "{\"cancel\":true}\n");
            }
            return;
        }
        {
            not_allowed(r, "GET, DELETE");
            return;
        }
    }
    if (ig__api_data(q, r) || ig__api_policy(q, r)) return;
    ig__resp_error(r, 404, "path",
                   "no such resource (see "
                   "/api/v1/openapi.json)");
}
