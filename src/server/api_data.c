/* The /api/v1 analysis handlers: profile, local, benchmark, map.png|svg,
 * report.html and a job's event stream. Each maps its parameters onto the
 * options of the CLI command doing the same job and makes the same library
 * calls on the same grid, borrowed from the grid cache (cache.c); places
 * are the stored places (a delineation) or the grid's own. Every parameter
 * is checked before any work; a refusal is a 4xx naming it. Profiles,
 * benchmarks and reports are cached in the store under a key of every
 * query parameter in order. Maps and reports are drawn into the server's
 * private scratch directory under counter names, read back and removed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "integrid/ig_render.h"
#include "integrid/ig_report.h"
#include "integrid/integrid.h"
#include "server/server_internal.h"

#define MAX_SCALES 16
#define MAX_GEOJSON_CELLS 100000
#define MAX_BIN_CELLS 4000000

static int seg_is(const ig__req *q, int k, const char *s)
{
    return k < q->nseg && strcmp(q->seg[k], s) == 0;
}

static int method_is(const ig__req *q, const char *m)
{
    return strcmp(q->method, m) == 0;
}

/* ---- shared pieces ------------------------------------------------------ */

/* The place a request is about. */
typedef struct place_sel {
    const ig_grid *grid;   /* where to compute: the source grid or the
                              place set's regrouped grid */
    const ig_grid *source; /* the source grid (the spatial context) */
    const ig_placeset *ps; /* stored places, or NULL */
    size_t index;          /* place index in `grid`; (size_t)-1: all */
    const char *id, *name;
} place_sel;

/* Resolve ?place=: a stored place id, else one of the grid's own places
 * (by name), else 404. Absent: every place of the grid (need_one: 400). */
static int select_place(ig__resp *r, ig_server *srv, ig__cached *c,
                        const char *place, int need_one, int stored_only,
                        place_sel *out)
{
    memset(out, 0, sizeof *out);
    out->grid = out->source = c->grid;
    out->index = (size_t)-1;
    if (!place || !place[0]) {
        if (need_one) {
            ig__resp_error(r, 400, "place",
                           "give place=ID (GET .../places lists them)");
            return 0;
        }
        return 1;
    }
    ig_error err = {0};
    const ig_placeset *ps = NULL;
    ig_status st = ig__cache_places(srv, c, &ps, &err);
    if (st == IG_OK) {
        size_t i = ig_placeset_find(ps, place);
        if (i != (size_t)-1) {
            const ig_placeset_row *row = ig_placeset_get(ps, i);
            out->ps = ps;
            out->grid = ig_placeset_grid(ps);
            out->index = i;
            out->id = row->id;
            out->name = row->name && row->name[0] ? row->name : row->id;
            return 1;
        }
    } else if (st != IG_ERR_NOT_FOUND) {
        ig__lib_error(r, st, &err, "place");
        return 0;
    } else if (stored_only) {
        ig__resp_error(r, 409, "place",
                       "this dataset has no places yet: delineate them first "
                       "(POST /api/v1/datasets/{id}/places)");
        return 0;
    }
    if (!stored_only)
        for (size_t p = 0; p < ig_grid_nplaces(c->grid); p++)
            if (strcmp(ig_grid_place_name(c->grid, p), place) == 0) {
                out->index = p;
                out->id = out->name = ig_grid_place_name(c->grid, p);
                return 1;
            }
    ig__resp_error(r, 404, "place",
                   "no place '%.64s' in this dataset (GET .../places lists "
                   "them)",
                   place);
    return 0;
}

/* A comma-separated list of numbers in [lo, hi]. */
static int param_list(ig__resp *r, const ig__params *p, const char *key,
                      double lo, double hi, double *out, size_t cap, size_t *n)
{
    *n = 0;
    const char *v = ig__params_get(p, key);
    if (!v) return 1;
    const char *s = v;
    while (*s) {
        char *end = NULL;
        double d = strtod(s, &end);
        if (end == s || !isfinite(d) || d < lo || d > hi ||
            (*end && *end != ',')) {
            ig__resp_error(r, 400, key,
                           "'%.60s' is out of range: give up to %zu numbers "
                           "from %g to %g, separated by commas",
                           v, cap, lo, hi);
            return 0;
        }
        if (*n == cap) {
            ig__resp_error(r, 400, key, "at most %zu values", cap);
            return 0;
        }
        out[(*n)++] = d;
        s = *end ? end + 1 : end;
    }
    if (*n == 0) {
        ig__resp_error(r, 400, key, "give at least one number");
        return 0;
    }
    return 1;
}

static int param_kernel(ig__resp *r, const ig__params *p, ig_kernel *k)
{
    const char *v = ig__params_get(p, "kernel");
    if (!v) return 1;
    ig_error err = {0};
    if (ig_kernel_parse(v, k, &err) != IG_OK) {
        ig__resp_error(r, 400, "kernel", "%s", err.msg);
        return 0;
    }
    return 1;
}

static int param_edge(ig__resp *r, const ig__params *p, ig_edge *e)
{
    const char *v = ig__params_get(p, "edge");
    if (!v) return 1;
    if (strcmp(v, "grid") == 0)
        *e = IG_EDGE_GRID;
    else if (strcmp(v, "place") == 0)
        *e = IG_EDGE_PLACE;
    else {
        ig__resp_error(r, 400, "edge", "'%.40s': give grid or place", v);
        return 0;
    }
    return 1;
}

static int param_whole(ig__resp *r, const ig__params *p, const char *key,
                       double lo, double hi, double *out)
{
    if (!ig__param_num(r, p, key, lo, hi, 0, out)) return 0;
    if (*out != floor(*out)) {
        ig__resp_error(r, 400, key, "give a whole number");
        return 0;
    }
    return 1;
}

/* The measure names of ?measures=, checked against the registry and,
 * when need_flag, that each has it. */
static int param_measures(ig__resp *r, const ig__params *p, char *buf,
                          size_t cap, const char **names, size_t max, size_t *n,
                          unsigned need_flag, const char *why)
{
    *n = 0;
    const char *v = ig__params_get(p, "measures");
    if (!v || !v[0]) return 1;
    snprintf(buf, cap, "%s", v);
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t;
         t = strtok_r(NULL, ",", &save)) {
        const ig_measure_info *m = ig_measure_find(t);
        if (!m) {
            ig__resp_error(r, 400, "measures",
                           "unknown measure '%.60s' (GET /api/v1/measures "
                           "lists them)",
                           t);
            return 0;
        }
        if (need_flag && !(m->flags & need_flag)) {
            ig__resp_error(r, 400, "measures", "%s %s", m->name, why);
            return 0;
        }
        if (*n == max) {
            ig__resp_error(r, 400, "measures", "at most %zu measures", max);
            return 0;
        }
        names[(*n)++] = t;
    }
    return 1;
}

/* The cache key of a request: its path and every parameter in order. */
static void request_key(const ig__req *q, const char *what, ig__srvbuf *k)
{
    ig__srvbuf_puts(k, what);
    ig__srvbuf_puts(k, "/v1?");
    for (size_t i = 0; i < q->query.n; i++) {
        if (i) ig__srvbuf_puts(k, "&");
        ig__srvbuf_json_str(k, q->query.key[i]);
        ig__srvbuf_puts(k, "=");
        ig__srvbuf_json_str(k, q->query.val[i]);
    }
}

static int from_cache(ig_server *srv, const char *id, const ig__srvbuf *key,
                      ig__resp *r)
{
    if (key->failed) return 0;
    char *hit = NULL;
    ig_error err = {0};
    if (ig_store_result_get(srv->store, id, key->p, &hit, &err) != IG_OK)
        return 0;
    ig__srvbuf_puts(&r->body, hit);
    ig_store_free(srv->ctx, hit, 0);
    return 1;
}

static void to_cache(ig_server *srv, const char *id, const ig__srvbuf *key,
                     const ig__resp *r)
{
    if (key->failed || r->body.failed || r->status != 200 || !r->body.p) return;
    ig_error err = {0};
    (void)ig_store_result_put(srv->store, id, key->p, r->body.p, &err);
}

/* Read a file of the scratch directory into the response and remove it. */
static int slurp_tmp(ig_server *srv, const char *path, ig__resp *r)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return 0;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
        ig__srvbuf_add(&r->body, buf, n);
    int ok = !ferror(fp);
    fclose(fp);
    unlink(path);
    (void)srv;
    return ok && !r->body.failed;
}

static void tmp_path(ig_server *srv, const char *ext, char *out, size_t cap)
{
    uint64_t k = atomic_fetch_add(&srv->tmp_seq, 1);
    snprintf(out, cap, "%s/out-%llu.%s", srv->tmp_dir, (unsigned long long)k,
             ext);
}

static const char *group_json_name(const ig_grid *g, long group)
{
    return group >= 0 ? ig_grid_group_name(g, (size_t)group) : NULL;
}

static void json_str_or_null(ig__srvbuf *b, const char *s)
{
    if (s)
        ig__srvbuf_json_str(b, s);
    else
        ig__srvbuf_puts(b, "null");
}

/* ---- profile ------------------------------------------------------------ */

static double profile_slope(const double *scales, const double *v,
                            const int *ok, size_t n)
{
    double sx = 0, sy = 0, m = 0;
    for (size_t s = 0; s < n; s++) {
        if (!ok[s]) continue;
        sx += log2(scales[s]);
        sy += v[s];
        m += 1;
    }
    if (m < 2) return (double)NAN;
    double mx = sx / m, my = sy / m, sxy = 0, sxx = 0;
    for (size_t s = 0; s < n; s++) {
        if (!ok[s]) continue;
        double dx = log2(scales[s]) - mx;
        sxy += dx * (v[s] - my);
        sxx += dx * dx;
    }
    return sxx > 0 ? sxy / sxx : (double)NAN;
}

static void profile(ig__req *q, ig__resp *r, const char *id)
{
    ig_server *srv = q->srv;
    static const char *const known[] = {"place",    "radii", "k",  "kernel",
                                        "measures", "edge",  "ci", "level",
                                        "reps",     "seed",  "b"};
    if (!ig__only_params(r, &q->query, known, 11)) return;
    double radii[MAX_SCALES], ks[MAX_SCALES];
    size_t nr = 0, nk = 0;
    ig_kernel kernel = IG_KERNEL_DISC;
    ig_edge edge = IG_EDGE_GRID;
    int ci = 0;
    double level = 0.95, reps = 999, seed = -1, b = -1;
    char mbuf[IG__HTTP_MAX_VALUE + 1];
    const char *names[64];
    size_t nm = 0;
    if (!param_list(r, &q->query, "radii", 1, 1e6, radii, MAX_SCALES, &nr) ||
        !param_list(r, &q->query, "k", 1, 1e9, ks, MAX_SCALES, &nk) ||
        !param_kernel(r, &q->query, &kernel) ||
        !param_edge(r, &q->query, &edge) ||
        !ig__param_bool(r, &q->query, "ci", &ci) ||
        !ig__param_num(r, &q->query, "level", 0, 1, 1, &level) ||
        !param_whole(r, &q->query, "reps", 1, 10000, &reps) ||
        !param_whole(r, &q->query, "seed", 0, 9007199254740992.0, &seed) ||
        !ig__param_num(r, &q->query, "b", 0, 1, 1, &b) ||
        !param_measures(r, &q->query, mbuf, sizeof mbuf, names, 64, &nm,
                        IG_MF_SCALE,
                        "does not depend on a neighbourhood scale: use "
                        "/measures"))
        return;
    if (nr && nk) {
        ig__resp_error(r, 400, "k", "give radii or k, not both");
        return;
    }
    int is_k = nk > 0;
    if (!nr && !nk) { /* the default: 1, 2, 4 and 8 km */
        for (nr = 0; nr < 4; nr++) radii[nr] = 1000.0 * (double)(1u << nr);
    }
    const double *sv = is_k ? ks : radii;
    size_t ns = is_k ? nk : nr;

    ig__srvbuf key;
    ig__srvbuf_init(&key, srv->ctx);
    request_key(q, "profile", &key);
    if (from_cache(srv, id, &key, r)) {
        ig__srvbuf_free(&key);
        return;
    }
    ig__cached *c = NULL;
    ig_results *res = NULL;
    ig_infer_results *ires = NULL;
    ig_placeset *one = NULL;
    const char **defaults = NULL;
    ig_error err = {0};
    ig_status st = ig__cache_get(srv, id, &c, &err);
    if (st != IG_OK) {
        ig__lib_error(r, st, &err, "dataset");
        goto out;
    }
    if (ig_grid_cell_size_m(c->grid) <= 0) {
        ig__resp_error(r, 400, "dataset",
                       "a profile needs grid cells; this dataset has "
                       "aspatial units");
        goto out;
    }
    place_sel ps;
    if (!select_place(r, srv, c, ig__params_get(&q->query, "place"), 0, 0, &ps))
        goto out;
    if (!nm) { /* every measure that uses a scale, as the CLI */
        defaults =
            ig__calloc(srv->ctx, ig_measure_count() + 1, sizeof *defaults);
        if (!defaults) {
            ig__resp_error(r, 503, NULL, "out of memory");
            goto out;
        }
        for (size_t m = 0; m < ig_measure_count(); m++)
            if (ig_measure_get(m)->flags & IG_MF_SCALE)
                defaults[nm++] = ig_measure_get(m)->name;
    }
    ig_scale scales[MAX_SCALES];
    for (size_t s = 0; s < ns; s++) {
        memset(&scales[s], 0, sizeof scales[s]);
        scales[s].kernel = kernel;
        if (is_k)
            scales[s].k = sv[s];
        else
            scales[s].radius_m = sv[s];
    }
    ig_run_opts ro;
    ig_run_opts_init(&ro);
    ro.measures = defaults ? defaults : names;
    ro.n_measures = nm;
    ro.params.scale.kernel = kernel;
    ro.params.edge = edge;
    if (seed >= 0) ro.params.seed = (uint64_t)seed;
    if (b > 0) ro.params.atkinson_b = b;
    ro.scales = scales;
    ro.n_scales = ns;
    ro.context = ps.ps ? ps.source : NULL;
    if (ig_grid_var_index(ps.source, "LAND_SURFACE") != (size_t)-1)
        ro.area_var = "LAND_SURFACE";
    /* a stored place alone (as compute() does): a one-place set over the
     * source grid, with the source grid around it */
    const ig_grid *rg = ps.source;
    size_t only = ps.index;
    if (ps.ps) {
        const size_t *pc = NULL;
        const double *pw = NULL;
        size_t pn = ig_placeset_cells(ps.ps, ps.index, &pc, &pw);
        const ig_placeset_row *row = ig_placeset_get(ps.ps, ps.index);
        ig_place_def def;
        memset(&def, 0, sizeof def);
        def.id = row->id;
        def.name = row->name;
        def.cls = row->cls;
        def.country = row->country;
        def.aggregate = row->aggregate;
        size_t offs[2] = {0, pn};
        ig_placeset_opts po;
        memset(&po, 0, sizeof po);
        po.land_area_var = ro.area_var;
        st = ig_placeset_create(srv->ctx, ps.source, 1, &def, offs, pc, pw, &po,
                                &one, &err);
        if (st != IG_OK) {
            ig__lib_error(r, st, &err, "place");
            goto out;
        }
        rg = ig_placeset_grid(one);
        only = (size_t)-1;
    }
    if (ci) {
        ig_infer_opts io;
        ig_infer_opts_init(&io);
        io.ci = 1;
        io.level = level;
        io.reps = (int)reps;
        if (seed >= 0) io.seed = (uint64_t)seed;
        if (only != (size_t)-1) {
            io.places = &only;
            io.n_places = 1;
        }
        st = ig_infer_run(srv->ctx, rg, &ro, &io, &ires, &err);
    } else {
        st = ig_measures_run(srv->ctx, rg, &ro, &res, &err);
    }
    if (st != IG_OK) {
        ig__lib_error(r, st, &err, "measures");
        goto out;
    }
    const ig_results *rs = ci ? ig_infer_results_values(ires) : res;
    size_t nrows = ig_results_nrows(rs);
    ig__srvbuf *bo = &r->body;
    ig__srvbuf_puts(bo, "{\"dataset\":");
    ig__srvbuf_json_str(bo, id);
    ig__srvbuf_printf(
        bo, ",\"scale_unit\":\"%s\",\"kernel\":", is_k ? "residents" : "m");
    ig__srvbuf_json_str(bo, is_k ? "knn" : ig_kernel_name(kernel));
    ig__srvbuf_printf(bo, ",\"edge\":\"%s\",\"ci\":%s,\"scales\":[",
                      edge == IG_EDGE_PLACE ? "place" : "grid",
                      ci ? "true" : "false");
    for (size_t s = 0; s < ns; s++) {
        if (s) ig__srvbuf_puts(bo, ",");
        ig__srvbuf_json_num(bo, sv[s]);
    }
    ig__srvbuf_puts(bo, "],\"series\":[");
    int first = 1;
    for (size_t i = 0; i + ns <= nrows; i += ns) {
        const ig_result_row *r0 = ig_results_row(rs, i);
        if (only != (size_t)-1 && r0->place != only) continue;
        if (!first) ig__srvbuf_puts(bo, ",");
        first = 0;
        const char *pid = one ? ig_placeset_get(one, r0->place)->id
                              : ig_grid_place_name(rg, r0->place);
        ig__srvbuf_puts(bo, "{\"place\":");
        ig__srvbuf_json_str(bo, pid);
        ig__srvbuf_puts(bo, ",\"measure\":");
        ig__srvbuf_json_str(bo, r0->measure->name);
        ig__srvbuf_puts(bo, ",\"group\":");
        json_str_or_null(bo, group_json_name(rg, r0->group));
        double vals[MAX_SCALES];
        int ok[MAX_SCALES];
        ig__srvbuf_puts(bo, ",\"values\":[");
        for (size_t s = 0; s < ns; s++) {
            const ig_result_row *rw = ig_results_row(rs, i + s);
            ok[s] = rw->status == IG_OK;
            vals[s] = rw->value;
            if (s) ig__srvbuf_puts(bo, ",");
            ig__srvbuf_json_num(bo, ok[s] ? vals[s] : (double)NAN);
        }
        ig__srvbuf_puts(bo, "]");
        if (ci) {
            for (int side = 0; side < 2; side++) {
                ig__srvbuf_puts(bo, side ? ",\"ci_high\":[" : ",\"ci_low\":[");
                for (size_t s = 0; s < ns; s++) {
                    const ig_inference *x = ig_infer_results_row(ires, i + s);
                    if (s) ig__srvbuf_puts(bo, ",");
                    ig__srvbuf_json_num(bo, !x || !ok[s] ? (double)NAN
                                            : side       ? x->ci_high
                                                         : x->ci_low);
                }
                ig__srvbuf_puts(bo, "]");
            }
        }
        ig__srvbuf_puts(bo, ",\"slope_per_doubling\":");
        ig__srvbuf_json_num(bo, profile_slope(sv, vals, ok, ns));
        const ig_result_row *bad = NULL;
        for (size_t s = 0; s < ns && !bad; s++)
            if (ig_results_row(rs, i + s)->status != IG_OK)
                bad = ig_results_row(rs, i + s);
        if (bad) {
            ig__srvbuf_puts(bo, ",\"why\":");
            ig__srvbuf_json_str(
                bo, bad->message ? bad->message : ig_strerror(bad->status));
        }
        ig__srvbuf_puts(bo, "}");
    }
    ig__srvbuf_puts(bo, "]}\n");
    to_cache(srv, id, &key, r);
out:
    ig__srvbuf_free(&key);
    ig__free(srv->ctx, (void *)defaults, 0);
    ig_results_destroy(res);
    ig_infer_results_destroy(ires);
    ig_placeset_destroy(one);
    ig__cache_release(srv, c);
}

/* ---- local -------------------------------------------------------------- */

/* Local measure options from the query (shared by /local and map.png). */
typedef struct local_args {
    const ig_local_info *info;
    double radius, k, seed, perms, fdr, alpha;
    ig_kernel kernel;
    ig_edge edge;
    const char *group; /* NULL: every group */
} local_args;

static int local_params(ig__resp *r, const ig__params *p, const char *measure,
                        const char *field, local_args *a)
{
    memset(a, 0, sizeof *a);
    a->radius = a->k = a->seed = a->perms = a->fdr = a->alpha = -1;
    a->kernel = IG_KERNEL_DISC;
    a->edge = IG_EDGE_GRID;
    if (!measure || !measure[0]) {
        ig__resp_error(r, 400, field,
                       "give a local measure (GET /api/v1/local lists them)");
        return 0;
    }
    a->info = ig_local_find(measure);
    if (!a->info) {
        ig__resp_error(r, 400, field,
                       "unknown local measure '%.60s' (GET /api/v1/local "
                       "lists them)",
                       measure);
        return 0;
    }
    if (!ig__param_num(r, p, "radius", 0, 1e6, 1, &a->radius) ||
        !ig__param_num(r, p, "k", 1, 1e9, 0, &a->k) ||
        !param_kernel(r, p, &a->kernel) || !param_edge(r, p, &a->edge) ||
        !param_whole(r, p, "seed", 0, 9007199254740992.0, &a->seed) ||
        !param_whole(r, p, "permutations", 1, 99999, &a->perms) ||
        !ig__param_num(r, p, "fdr", 0, 1, 1, &a->fdr) ||
        !ig__param_num(r, p, "alpha", 0, 1, 1, &a->alpha))
        return 0;
    if (a->radius > 0 && a->k > 0) {
        ig__resp_error(r, 400, "k", "give radius or k, not both");
        return 0;
    }
    if (a->k > 0 && (a->info->flags & IG_LOCAL_KERNEL_ONLY)) {
        ig__resp_error(r, 400, "k",
                       "%s needs a kernel radius (radius=), not k nearest "
                       "residents",
                       a->info->name);
        return 0;
    }
    a->group = ig__params_get(p, "group");
    return 1;
}

/* A local result for the request: from the entry's kept results when the
 * same options were computed before, else computed (ig_local_run, as
 * `integrid local`) and kept. *owned: 1 when the caller must destroy it,
 * 0 when it must give it back with ig__cache_local_release(). */
static ig_status local_run(ig_server *srv, ig__resp *r, ig__cached *c,
                           const place_sel *ps, const local_args *a,
                           const ig_local_result **out, int *owned)
{
    *out = NULL;
    *owned = 0;
    ig_local_opts lo;
    ig_local_opts_init(&lo);
    lo.measure = a->info->name;
    lo.place = ps->index == (size_t)-1 ? IG_LOCAL_ALL : ps->index;
    if (a->k > 0) {
        lo.scale.k = a->k;
    } else if (a->radius > 0) {
        lo.scale.radius_m = a->radius;
        lo.scale.k = 0;
    }
    lo.scale.kernel = a->kernel;
    lo.edge = a->edge;
    lo.context = ps->ps ? ps->source : NULL;
    size_t g = (size_t)-1;
    if (a->group) {
        g = ig_grid_group_index(ps->grid, a->group);
        if (g == (size_t)-1) {
            ig__resp_error(r, 400, "group",
                           "no group '%.60s' in this dataset (GET "
                           "/api/v1/datasets/{id} lists group_names)",
                           a->group);
            return IG_ERR_NOT_FOUND;
        }
        lo.groups = &g;
        lo.n_groups = 1;
    }
    if (a->seed >= 0) lo.seed = (uint64_t)a->seed;
    if (a->perms > 0) lo.permutations = (int)a->perms;
    if (a->fdr > 0) lo.fdr = a->fdr;
    if (a->alpha > 0) lo.alpha = a->alpha;
    /* every option that changes the values, resolved (defaults applied) */
    char key[512];
    snprintf(key, sizeof key,
             "%s|%s|%zu|%zu|%.17g|%.17g|%d|%d|%llu|%d|%.17g|%.17g", lo.measure,
             ps->ps ? "stored" : "grid", lo.place, g, lo.scale.radius_m,
             lo.scale.k, (int)lo.scale.kernel, (int)lo.edge,
             (unsigned long long)lo.seed, lo.permutations, lo.fdr, lo.alpha);
    const ig_local_result *kept = ig__cache_local_get(srv, c, key);
    if (kept) {
        *out = kept;
        return IG_OK;
    }
    ig_error err = {0};
    ig_local_result *lr = NULL;
    ig_status st = ig_local_run(srv->ctx, ps->grid, &lo, &lr, &err);
    if (st != IG_OK) {
        ig__lib_error(
            r, st, &err,
            st == IG_ERR_DOMAIN ? (a->k > 0 ? "k" : "radius") : "measure");
        return st;
    }
    kept = ig__cache_local_put(srv, c, key, lr);
    if (kept) {
        *out = kept;
    } else {
        *out = lr;
        *owned = 1;
    }
    return IG_OK;
}

static void local_done(ig_server *srv, ig__cached *c, const ig_local_result *lr,
                       int owned)
{
    if (!lr) return;
    if (owned)
        ig_local_result_destroy((ig_local_result *)(uintptr_t)lr);
    else
        ig__cache_local_release(srv, c, lr);
}

static void list_local(ig__resp *r)
{
    ig__srvbuf *b = &r->body;
    ig__srvbuf_puts(b, "{\"local_measures\":[");
    for (size_t i = 0; i < ig_local_count(); i++) {
        const ig_local_info *m = ig_local_get(i);
        if (i) ig__srvbuf_puts(b, ",");
        ig__srvbuf_puts(b, "{\"name\":");
        ig__srvbuf_json_str(b, m->name);
        ig__srvbuf_printf(
            b,
            ",\"per_group\":%s,\"groups_optional\":%s,\"inference\":%s,"
            "\"scale\":%s,\"kernel_only\":%s,\"simulated\":%s,\"range\":",
            (m->flags & IG_LOCAL_PER_GROUP) ? "true" : "false",
            (m->flags & IG_LOCAL_GROUPS_OPTIONAL) ? "true" : "false",
            (m->flags & IG_LOCAL_INFERENCE) ? "true" : "false",
            (m->flags & IG_LOCAL_SCALE) ? "true" : "false",
            (m->flags & IG_LOCAL_KERNEL_ONLY) ? "true" : "false",
            (m->flags & IG_LOCAL_SIMULATED) ? "true" : "false");
        ig__srvbuf_json_str(b, m->range_text);
        ig__srvbuf_puts(b, ",\"summary\":");
        ig__srvbuf_json_str(b, m->summary);
        ig__srvbuf_puts(b, ",\"citation\":");
        ig__srvbuf_json_str(b, m->citation);
        ig__srvbuf_puts(b, "}");
    }
    ig__srvbuf_puts(b, "]}\n");
}

static void put_u32(ig__srvbuf *b, uint32_t v)
{
    unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8),
                          (unsigned char)(v >> 16), (unsigned char)(v >> 24)};
    ig__srvbuf_add(b, (const char *)x, 4);
}

static void put_f64(ig__srvbuf *b, double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    unsigned char x[8];
    for (int k = 0; k < 8; k++) x[k] = (unsigned char)(u >> (8 * k));
    ig__srvbuf_add(b, (const char *)x, 8);
}

static void local(ig__req *q, ig__resp *r, const char *id)
{
    ig_server *srv = q->srv;
    static const char *const known[] = {
        "measure", "group",        "place", "radius", "k",    "kernel", "edge",
        "seed",    "permutations", "fdr",   "alpha",  "bbox", "format"};
    if (!ig__only_params(r, &q->query, known, 13)) return;
    local_args a;
    if (!local_params(r, &q->query, ig__params_get(&q->query, "measure"),
                      "measure", &a))
        return;
    const char *fmt = ig__params_get(&q->query, "format");
    int bin = 0;
    if (fmt && strcmp(fmt, "bin") == 0)
        bin = 1;
    else if (fmt && strcmp(fmt, "geojson") != 0) {
        ig__resp_error(r, 400, "format", "'%.40s': give geojson or bin", fmt);
        return;
    }
    double bbox[4];
    size_t nb = 0;
    if (!param_list(r, &q->query, "bbox", -1e8, 1e8, bbox, 4, &nb)) return;
    if (nb && (nb != 4 || bbox[2] <= bbox[0] || bbox[3] <= bbox[1])) {
        ig__resp_error(r, 400, "bbox",
                       "give min_x,min_y,max_x,max_y in metres of the grid's "
                       "CRS (EPSG:3035), with min < max");
        return;
    }
    ig__cached *c = NULL;
    const ig_local_result *lr = NULL;
    int lr_owned = 0;
    uint32_t *keep = NULL;
    ig_error err = {0};
    ig_status st = ig__cache_get(srv, id, &c, &err);
    if (st != IG_OK) {
        ig__lib_error(r, st, &err, "dataset");
        goto out;
    }
    if (ig_grid_cell_size_m(c->grid) <= 0) {
        ig__resp_error(r, 400, "dataset",
                       "local measures need grid cells; this dataset has "
                       "aspatial units");
        goto out;
    }
    place_sel ps;
    if (!select_place(r, srv, c, ig__params_get(&q->query, "place"), 0, 0, &ps))
        goto out;
    if (local_run(srv, r, c, &ps, &a, &lr, &lr_owned) != IG_OK) goto out;
    size_t n = ig_local_result_ncells(lr), nl = ig_local_result_nlayers(lr);
    const size_t *cells = ig_local_result_cells(lr);
    const uint8_t *flags = ig_local_result_flags(lr);
    const int32_t *rows = ig_grid_rows(ps.grid), *cols = ig_grid_cols(ps.grid);
    double cm = (double)ig_grid_cell_size_m(ps.grid);
    keep = ig__calloc(srv->ctx, n ? n : 1, sizeof *keep);
    if (!keep) {
        ig__resp_error(r, 503, NULL, "out of memory");
        goto out;
    }
    size_t nk = 0;
    for (size_t j = 0; j < n; j++) {
        double x = cols[cells[j]] * cm, y = rows[cells[j]] * cm;
        if (nb && (x < bbox[0] || x >= bbox[2] || y < bbox[1] || y >= bbox[3]))
            continue;
        keep[nk++] = (uint32_t)j;
    }
    size_t cap = bin ? MAX_BIN_CELLS : MAX_GEOJSON_CELLS;
    if (nk > cap) {
        ig__resp_error(r, 400, "bbox",
                       "%zu cells are more than %zu for format=%s: give a "
                       "smaller bbox%s",
                       nk, cap, bin ? "bin" : "geojson",
                       bin ? "" : " or format=bin");
        goto out;
    }
    int has_cls = 0;
    for (size_t k = 0; k < nl; k++)
        if (ig_local_result_layer(lr, k)->cls) has_cls = 1;
    ig__srvbuf *b = &r->body;
    if (bin) {
        /* the compact form: docs/server.md, "Local values in binary" */
        r->content_type = "application/octet-stream";
        ig__srvbuf_add(b, "IGLOCAL", 8); /* magic with its NUL */
        put_u32(b, 1);
        put_u32(b, (uint32_t)nk);
        put_u32(b, (uint32_t)nl);
        put_u32(b, (uint32_t)ig_grid_cell_size_m(ps.grid));
        put_u32(b, (uint32_t)ig_grid_crs_epsg(ps.grid));
        put_u32(b, has_cls ? 1u : 0u);
        for (size_t k = 0; k < nl; k++) {
            const ig_local_layer *ly = ig_local_result_layer(lr, k);
            const char *name = ly->group_name ? ly->group_name : a.info->name;
            put_u32(b, (uint32_t)strlen(name));
            ig__srvbuf_add(b, name, strlen(name));
        }
        static const char zeros[8] = {0};
        if (b->len % 8) ig__srvbuf_add(b, zeros, 8 - b->len % 8);
        for (size_t j = 0; j < nk; j++)
            put_u32(b, (uint32_t)rows[cells[keep[j]]]);
        for (size_t j = 0; j < nk; j++)
            put_u32(b, (uint32_t)cols[cells[keep[j]]]);
        for (size_t k = 0; k < nl; k++) {
            const ig_local_layer *ly = ig_local_result_layer(lr, k);
            for (size_t j = 0; j < nk; j++) put_f64(b, ly->value[keep[j]]);
        }
        for (size_t k = 0; has_cls && k < nl; k++) {
            const ig_local_layer *ly = ig_local_result_layer(lr, k);
            for (size_t j = 0; j < nk; j++) {
                char cv = ly->cls ? (char)ly->cls[keep[j]] : 0;
                ig__srvbuf_add(b, &cv, 1);
            }
        }
        goto out;
    }
    r->content_type = "application/geo+json";
    ig__srvbuf_puts(b, "{\"type\":\"FeatureCollection\",\"measure\":");
    ig__srvbuf_json_str(b, a.info->name);
    ig__srvbuf_puts(b, ",\"place\":");
    json_str_or_null(b, ps.id);
    ig__srvbuf_printf(b, ",\"crs_epsg\":%d,\"cell_size_m\":%d,\"layers\":[",
                      (int)ig_grid_crs_epsg(ps.grid),
                      (int)ig_grid_cell_size_m(ps.grid));
    for (size_t k = 0; k < nl; k++) {
        const ig_local_layer *ly = ig_local_result_layer(lr, k);
        if (k) ig__srvbuf_puts(b, ",");
        ig__srvbuf_puts(b, "{\"name\":");
        ig__srvbuf_json_str(b, ly->group_name ? ly->group_name : a.info->name);
        ig__srvbuf_puts(b, ",\"defined\":");
        ig__srvbuf_puts(b, ly->status == IG_OK ? "true" : "false");
        if (ly->status != IG_OK) {
            ig__srvbuf_puts(b, ",\"why\":");
            ig__srvbuf_json_str(
                b, ly->message ? ly->message : ig_strerror(ly->status));
        }
        ig__srvbuf_puts(b, "}");
    }
    ig__srvbuf_printf(b, "],\"cells\":%zu,\"features\":[", nk);
    for (size_t j = 0; j < nk && !b->failed; j++) {
        size_t i = cells[keep[j]];
        double x = cols[i] * cm, y = rows[i] * cm;
        if (j) ig__srvbuf_puts(b, ",");
        ig__srvbuf_printf(
            b,
            "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\","
            "\"coordinates\":[[[%.0f,%.0f],[%.0f,%.0f],[%.0f,%.0f],"
            "[%.0f,%.0f],[%.0f,%.0f]]]},\"properties\":{\"row\":%d,\"col\":%d,"
            "\"values\":[",
            x, y, x + cm, y, x + cm, y + cm, x, y + cm, x, y, (int)rows[i],
            (int)cols[i]);
        for (size_t k = 0; k < nl; k++) {
            if (k) ig__srvbuf_puts(b, ",");
            ig__srvbuf_json_num(b,
                                ig_local_result_layer(lr, k)->value[keep[j]]);
        }
        ig__srvbuf_puts(b, "]");
        if (has_cls) {
            ig__srvbuf_puts(b, ",\"classes\":[");
            for (size_t k = 0; k < nl; k++) {
                const ig_local_layer *ly = ig_local_result_layer(lr, k);
                if (k) ig__srvbuf_puts(b, ",");
                ig__srvbuf_json_str(
                    b, ly->cls ? ig_local_class_name(
                                     (ig_local_class)ly->cls[keep[j]])
                               : "");
            }
            ig__srvbuf_puts(b, "]");
        }
        if (flags[keep[j]]) {
            ig__srvbuf_puts(b, ",\"why\":");
            ig__srvbuf_json_str(b, ig_local_flag_name(flags[keep[j]]));
        }
        ig__srvbuf_puts(b, "}}");
    }
    ig__srvbuf_puts(b, "]}\n");
out:
    ig__free(srv->ctx, keep, 0);
    local_done(srv, c, lr, lr_owned);
    ig__cache_release(srv, c);
}

/* ---- benchmark ---------------------------------------------------------- */

typedef struct bench_col {
    const ig_measure_info *m;
    long group;
} bench_col;

static void bench_place_json(ig__srvbuf *b, const ig_bench_place *p)
{
    ig__srvbuf_puts(b, "{\"id\":");
    ig__srvbuf_json_str(b, p->id);
    ig__srvbuf_puts(b, ",\"name\":");
    ig__srvbuf_json_str(b, p->name ? p->name : "");
    ig__srvbuf_puts(b, ",\"class\":");
    ig__srvbuf_json_str(b, p->cls ? p->cls : "");
    ig__srvbuf_puts(b, ",\"country\":");
    ig__srvbuf_json_str(b, p->country ? p->country : "");
    ig__srvbuf_puts(b, ",\"population\":");
    ig__srvbuf_json_num(b, p->population);
    ig__srvbuf_puts(b, ",\"foreign_share\":");
    ig__srvbuf_json_num(b, p->foreign_share);
    ig__srvbuf_puts(b, ",\"eu_share\":");
    ig__srvbuf_json_num(b, p->eu_share);
    ig__srvbuf_puts(b, ",\"density_km2\":");
    ig__srvbuf_json_num(b, p->density_km2);
    ig__srvbuf_puts(b, ",\"movers_share\":");
    ig__srvbuf_json_num(b, p->movers_share);
    ig__srvbuf_puts(b, "}");
}

static void benchmark(ig__req *q, ig__resp *r, const char *id)
{
    ig_server *srv = q->srv;
    static const char *const known[] = {
        "place", "measures", "peers",  "ci",       "level",
        "reps",  "seed",     "native", "eu_group", "movers"};
    if (!ig__only_params(r, &q->query, known, 10)) return;
    char mbuf[IG__HTTP_MAX_VALUE + 1];
    const char *names[64];
    size_t nm = 0;
    double peers = 10, level = 0.95, reps = 999, seed = -1;
    int ci = 0;
    if (!param_measures(r, &q->query, mbuf, sizeof mbuf, names, 64, &nm, 0,
                        "") ||
        !param_whole(r, &q->query, "peers", 0, 1000, &peers) ||
        !ig__param_bool(r, &q->query, "ci", &ci) ||
        !ig__param_num(r, &q->query, "level", 0, 1, 1, &level) ||
        !param_whole(r, &q->query, "reps", 1, 10000, &reps) ||
        !param_whole(r, &q->query, "seed", 0, 9007199254740992.0, &seed))
        return;
    const char *query = ig__params_get(&q->query, "place");
    if (!query || !query[0]) {
        ig__resp_error(r, 400, "place",
                       "give place=ID or a name (GET .../places lists them)");
        return;
    }
    ig__srvbuf key;
    ig__srvbuf_init(&key, srv->ctx);
    request_key(q, "benchmark", &key);
    if (from_cache(srv, id, &key, r)) {
        ig__srvbuf_free(&key);
        return;
    }
    ig__cached *c = NULL;
    ig_results *res = NULL;
    ig_infer_results *ires = NULL;
    ig_bench *bn = NULL;
    ig_bench_place *places = NULL, *cen = NULL;
    size_t *row_of = NULL, *cmap = NULL;
    double *values = NULL;
    bench_col *cols = NULL;
    const char **defaults = NULL;
    const ig_inference **inf = NULL;
    size_t np = 0;
    ig_error err = {0};
    ig_status st = ig__cache_get(srv, id, &c, &err);
    if (st != IG_OK) {
        ig__lib_error(r, st, &err, "dataset");
        goto out;
    }
    const ig_placeset *ps = NULL;
    st = ig__cache_places(srv, c, &ps, &err);
    if (st == IG_ERR_NOT_FOUND) {
        ig__resp_error(r, 409, "place", "%s", err.msg);
        goto out;
    }
    if (st != IG_OK) {
        ig__lib_error(r, st, &err, "place");
        goto out;
    }
    const ig_grid *g = c->grid;
    size_t ng = ig_grid_ngroups(g);
    const char *nv = ig__params_get(&q->query, "native");
    const char *ev = ig__params_get(&q->query, "eu_group");
    const char *mv = ig__params_get(&q->query, "movers");
    size_t nat = ig_grid_group_index(g, nv ? nv : "NAT");
    size_t eu = ig_grid_group_index(g, ev ? ev : "EU_OTH");
    size_t mvi = ig_grid_var_index(g, mv ? mv : "CHG_OUT");
    if ((nv && nat == (size_t)-1) || (ev && eu == (size_t)-1)) {
        ig__resp_error(r, 400, nv && nat == (size_t)-1 ? "native" : "eu_group",
                       "no such group in this dataset");
        goto out;
    }
    if (mv && mvi == (size_t)-1) {
        ig__resp_error(r, 400, "movers", "no such numeric column");
        goto out;
    }
    if (nat == (size_t)-1) nat = 0;
    size_t nps = ig_placeset_count(ps);
    places = ig__calloc(srv->ctx, nps + 1, sizeof *places);
    cen = ig__calloc(srv->ctx, nps + 1, sizeof *cen);
    row_of = ig__calloc(srv->ctx, nps + 1, sizeof *row_of);
    cmap = ig__calloc(srv->ctx, nps + 1, sizeof *cmap);
    if (!places || !cen || !row_of || !cmap) {
        ig__resp_error(r, 503, NULL, "out of memory");
        goto out;
    }
    /* the context variables of every place, as `integrid benchmark` */
    for (size_t i = 0; i < nps; i++) {
        const ig_placeset_row *pr = ig_placeset_get(ps, i);
        if (pr->aggregate) continue;
        ig_bench_place *p = &places[np];
        p->id = pr->id;
        p->name = pr->name;
        p->cls = pr->cls;
        p->country = pr->country;
        p->population = pr->population > 0.0 ? pr->population : 0.0;
        double gsum = 0.0;
        for (size_t k = 0; k < ng; k++) gsum += pr->groups[k];
        double foreign = gsum - pr->groups[nat];
        p->foreign_share = gsum > 0.0 ? foreign / gsum : (double)NAN;
        if (p->foreign_share < 0.0) p->foreign_share = 0.0;
        p->eu_share = (eu != (size_t)-1 && foreign > 0.0)
                          ? pr->groups[eu] / foreign
                          : (double)NAN;
        if (p->eu_share > 1.0) p->eu_share = 1.0;
        p->density_km2 = (isfinite(pr->area_km2) && pr->area_km2 > 0.0)
                             ? p->population / pr->area_km2
                             : (double)NAN;
        p->movers_share = (mvi != (size_t)-1 && pr->population > 0.0)
                              ? pr->vars[mvi] / pr->population
                              : (double)NAN;
        if (p->movers_share > 1.0) p->movers_share = 1.0;
        row_of[np++] = i;
    }
    if (np == 0) {
        ig__resp_error(r, 409, "place", "there are no places to compare");
        goto out;
    }
    /* urban centres first (a city's centre and cluster share a name) */
    size_t nc = 0, place = 0;
    for (size_t i = 0; i < np; i++)
        if (places[i].cls && strcmp(places[i].cls, "urban_centre") == 0) {
            cmap[nc] = i;
            cen[nc++] = places[i];
        }
    size_t rr = 0;
    if (nc && ig_bench_find(cen, nc, query, &rr, NULL) == IG_OK) {
        place = cmap[rr];
    } else if (ig_bench_find(places, np, query, &rr, &err) == IG_OK) {
        place = rr;
    } else {
        ig__resp_error(r, 404, "place", "%s",
                       err.msg[0] ? err.msg : "no such place");
        goto out;
    }
    ig_run_opts ro;
    ig_run_opts_init(&ro);
    if (!nm) {
        defaults =
            ig__calloc(srv->ctx, ig_measure_count() + 1, sizeof *defaults);
        if (!defaults) {
            ig__resp_error(r, 503, NULL, "out of memory");
            goto out;
        }
        for (size_t i = 0; i < ig_measure_count(); i++) {
            const ig_measure_info *m = ig_measure_get(i);
            if (!(m->flags & (IG_MF_SIMULATED | IG_MF_SPATIAL | IG_MF_SCALE)))
                defaults[nm++] = m->name;
        }
    }
    ro.measures = defaults ? defaults : names;
    ro.n_measures = nm;
    if (seed >= 0) ro.params.seed = (uint64_t)seed;
    ro.context = g;
    if (ig_grid_var_index(g, "LAND_SURFACE") != (size_t)-1)
        ro.area_var = "LAND_SURFACE";
    size_t prow = row_of[place];
    const ig_results *vals;
    if (ci) {
        ig_infer_opts io;
        ig_infer_opts_init(&io);
        io.ci = 1;
        io.level = level;
        io.reps = (int)reps;
        if (seed >= 0) io.seed = (uint64_t)seed;
        io.places = &prow;
        io.n_places = 1;
        st =
            ig_infer_run(srv->ctx, ig_placeset_grid(ps), &ro, &io, &ires, &err);
        vals = st == IG_OK ? ig_infer_results_values(ires) : NULL;
    } else {
        st = ig_measures_run(srv->ctx, ig_placeset_grid(ps), &ro, &res, &err);
        vals = res;
    }
    if (st != IG_OK) {
        ig__lib_error(r, st, &err, "measures");
        goto out;
    }
    size_t nrows = ig_results_nrows(vals), npl = ig_results_nplaces(vals);
    size_t per = npl ? nrows / npl : 0, ncols = 0;
    cols = ig__calloc(srv->ctx, per + 1, sizeof *cols);
    size_t *col_of = ig__calloc(srv->ctx, per + 1, sizeof *col_of);
    inf = ig__calloc(srv->ctx, per + 1, sizeof *inf);
    values = ig__calloc(srv->ctx, np * (per + 1) + 1, sizeof *values);
    if (!cols || !col_of || !inf || !values) {
        ig__free(srv->ctx, col_of, 0);
        ig__resp_error(r, 503, NULL, "out of memory");
        goto out;
    }
    for (size_t j = 0; j < per; j++) {
        const ig_result_row *rw = ig_results_row(vals, j);
        col_of[j] = (size_t)-1;
        if (rw->component != IG_COMP_TOTAL) continue;
        cols[ncols].m = rw->measure;
        cols[ncols].group = rw->group;
        if (ires) inf[ncols] = ig_infer_results_row(ires, prow * per + j);
        col_of[j] = ncols++;
    }
    for (size_t bi = 0; bi < np; bi++)
        for (size_t j = 0; j < per; j++) {
            const ig_result_row *rw =
                ig_results_row(vals, row_of[bi] * per + j);
            if (col_of[j] == (size_t)-1) continue;
            values[bi * ncols + col_of[j]] =
                rw->status == IG_OK ? rw->value : (double)NAN;
        }
    ig__free(srv->ctx, col_of, 0);
    ig_bench_input in = {np, places, ncols, values};
    ig_bench_opts bo;
    ig_bench_opts_init(&bo);
    bo.k = (size_t)peers;
    st = ig_bench_run(srv->ctx, &in, place, &bo, &bn, &err);
    if (st != IG_OK) {
        ig__lib_error(r, st, &err, "place");
        goto out;
    }
    ig__srvbuf *b = &r->body;
    ig__srvbuf_puts(b, "{\"dataset\":");
    ig__srvbuf_json_str(b, id);
    ig__srvbuf_printf(b, ",\"places_compared\":%zu,\"native_group\":", np);
    json_str_or_null(b, ng ? ig_grid_group_name(g, nat) : NULL);
    ig__srvbuf_puts(b, ",\"eu_group\":");
    json_str_or_null(b, eu != (size_t)-1 ? ig_grid_group_name(g, eu) : NULL);
    ig__srvbuf_puts(b, ",\"movers_column\":");
    json_str_or_null(b, mvi != (size_t)-1 ? ig_grid_var_name(g, mvi) : NULL);
    ig__srvbuf_puts(b, ",\"place\":");
    bench_place_json(b, &places[place]);
    ig__srvbuf_puts(b, ",\"size_band\":");
    json_str_or_null(b, ig_bench_size_band_label(ig_bench_size_band_of(bn)));
    ig__srvbuf_puts(b, ",\"share_band\":");
    json_str_or_null(b, ig_bench_share_band_label(ig_bench_share_band_of(bn)));
    ig__srvbuf_printf(b, ",\"peers_requested\":%zu,\"peer_note\":", bo.k);
    ig__srvbuf_json_str(b, ig_bench_note(bn));
    ig__srvbuf_puts(b, ",\"variables\":[");
    const ig_bench_var *v = ig_bench_vars(bn);
    for (int j = 0; j < IG_BENCH_NVARS; j++) {
        if (j) ig__srvbuf_puts(b, ",");
        ig__srvbuf_puts(b, "{\"name\":");
        ig__srvbuf_json_str(b, v[j].name);
        ig__srvbuf_printf(
            b, ",\"used\":%s,\"why\":", v[j].used ? "true" : "false");
        ig__srvbuf_json_str(b, v[j].why);
        ig__srvbuf_printf(b, ",\"n\":%zu,\"mean\":", v[j].n);
        ig__srvbuf_json_num(b, v[j].mean);
        ig__srvbuf_puts(b, ",\"sd\":");
        ig__srvbuf_json_num(b, v[j].sd);
        ig__srvbuf_puts(b, ",\"place_value\":");
        ig__srvbuf_json_num(b, v[j].place_value);
        ig__srvbuf_puts(b, ",\"place_z\":");
        ig__srvbuf_json_num(b, v[j].place_z);
        ig__srvbuf_puts(b, "}");
    }
    ig__srvbuf_puts(b, "],\"peers\":[");
    const ig_bench_peer *pe = ig_bench_peers(bn);
    for (size_t i = 0; i < ig_bench_npeers(bn); i++) {
        if (i) ig__srvbuf_puts(b, ",");
        ig__srvbuf_printf(b, "{\"rank\":%zu,\"distance\":", i + 1);
        ig__srvbuf_json_num(b, pe[i].distance);
        ig__srvbuf_puts(b, ",\"place\":");
        bench_place_json(b, &places[pe[i].place]);
        ig__srvbuf_puts(b, "}");
    }
    ig__srvbuf_puts(b, "],\"others\":[");
    /* every compared place's values, for the strip plot */
    for (size_t i = 0; i < np; i++) {
        if (i) ig__srvbuf_puts(b, ",");
        ig__srvbuf_puts(b, "{\"id\":");
        ig__srvbuf_json_str(b, places[i].id);
        ig__srvbuf_puts(b, ",\"class\":");
        ig__srvbuf_json_str(b, places[i].cls ? places[i].cls : "");
        ig__srvbuf_puts(b, ",\"values\":[");
        for (size_t cc = 0; cc < ncols; cc++) {
            if (cc) ig__srvbuf_puts(b, ",");
            ig__srvbuf_json_num(b, values[i * ncols + cc]);
        }
        ig__srvbuf_puts(b, "]}");
    }
    ig__srvbuf_puts(b, "],\"columns\":[");
    for (size_t cc = 0; cc < ncols; cc++) {
        if (cc) ig__srvbuf_puts(b, ",");
        ig__srvbuf_puts(b, "{\"measure\":");
        ig__srvbuf_json_str(b, cols[cc].m->name);
        ig__srvbuf_puts(b, ",\"group\":");
        json_str_or_null(b, group_json_name(g, cols[cc].group));
        ig__srvbuf_puts(b, "}");
    }
    ig__srvbuf_puts(b, "],\"rows\":[");
    int first = 1;
    for (size_t cc = 0; cc < ncols; cc++)
        for (int s = 0; s < IG_BENCH_NSETS; s++) {
            const ig_bench_stat *bs = ig_bench_stat_get(bn, cc, s);
            if (!first) ig__srvbuf_puts(b, ",");
            first = 0;
            ig__srvbuf_puts(b, "{\"measure\":");
            ig__srvbuf_json_str(b, cols[cc].m->name);
            ig__srvbuf_puts(b, ",\"group\":");
            json_str_or_null(b, group_json_name(g, cols[cc].group));
            ig__srvbuf_puts(b, ",\"value\":");
            ig__srvbuf_json_num(b, bs->value);
            ig__srvbuf_puts(b, ",\"set\":");
            ig__srvbuf_json_str(b, ig_bench_set_name(s));
            ig__srvbuf_printf(
                b, ",\"n_set\":%zu,\"n\":%zu,\"rank\":", bs->n_set, bs->n);
            ig__srvbuf_json_num(b, bs->rank);
            ig__srvbuf_puts(b, ",\"percentile\":");
            ig__srvbuf_json_num(b, bs->percentile);
            ig__srvbuf_puts(b, ",\"median\":");
            ig__srvbuf_json_num(b, bs->median);
            if (ci && inf[cc]) {
                ig__srvbuf_puts(b, ",\"ci_low\":");
                ig__srvbuf_json_num(b, inf[cc]->ci_low);
                ig__srvbuf_puts(b, ",\"ci_high\":");
                ig__srvbuf_json_num(b, inf[cc]->ci_high);
            }
            ig__srvbuf_puts(b, "}");
        }
    ig__srvbuf_puts(b, "]}\n");
    to_cache(srv, id, &key, r);
out:
    ig__srvbuf_free(&key);
    ig_bench_destroy(bn);
    ig_results_destroy(res);
    ig_infer_results_destroy(ires);
    ig__free(srv->ctx, places, 0);
    ig__free(srv->ctx, cen, 0);
    ig__free(srv->ctx, row_of, 0);
    ig__free(srv->ctx, cmap, 0);
    ig__free(srv->ctx, values, 0);
    ig__free(srv->ctx, cols, 0);
    ig__free(srv->ctx, (void *)inf, 0);
    ig__free(srv->ctx, (void *)defaults, 0);
    ig__cache_release(srv, c);
}

/* ---- maps --------------------------------------------------------------- */

static const ig_local_class GI_ORDER[7] = {
    IG_LCLASS_HOT_99,  IG_LCLASS_HOT_95,  IG_LCLASS_HOT_90, IG_LCLASS_NS,
    IG_LCLASS_COLD_90, IG_LCLASS_COLD_95, IG_LCLASS_COLD_99};
static const ig_local_class LISA_ORDER[5] = {
    IG_LCLASS_HH, IG_LCLASS_LL, IG_LCLASS_HL, IG_LCLASS_LH, IG_LCLASS_NS};

static void map(ig__req *q, ig__resp *r, const char *id, int svg)
{
    ig_server *srv = q->srv;
    static const char *const known[] = {
        "var",   "place", "classify",     "classes", "palette",
        "width", "title", "radius",       "k",       "kernel",
        "edge",  "seed",  "permutations", "fdr",     "alpha"};
    if (!ig__only_params(r, &q->query, known, 15)) return;
    const char *var = ig__params_get(&q->query, "var");
    if (!var || !var[0]) {
        ig__resp_error(r, 400, "var",
                       "give var=share:GROUP, lq:GROUP or "
                       "measure:NAME[:GROUP]");
        return;
    }
    int kind; /* 0 share, 1 lq, 2 measure */
    char group[256] = "", mname[128] = "";
    if (strncmp(var, "share:", 6) == 0) {
        kind = 0;
        snprintf(group, sizeof group, "%s", var + 6);
    } else if (strncmp(var, "lq:", 3) == 0) {
        kind = 1;
        snprintf(group, sizeof group, "%s", var + 3);
    } else if (strncmp(var, "measure:", 8) == 0) {
        kind = 2;
        snprintf(mname, sizeof mname, "%s", var + 8);
        char *colon = strchr(mname, ':');
        if (colon) {
            *colon = '\0';
            snprintf(group, sizeof group, "%s", colon + 1);
        }
    } else {
        ig__resp_error(r, 400, "var",
                       "'%.60s': give share:GROUP, lq:GROUP or "
                       "measure:NAME[:GROUP]",
                       var);
        return;
    }
    if (kind < 2 && !group[0]) {
        ig__resp_error(r, 400, "var", "name the group: %s:GROUP",
                       kind ? "lq" : "share");
        return;
    }
    local_args la;
    memset(&la, 0, sizeof la);
    if (kind == 2 && !local_params(r, &q->query, mname, "var", &la)) return;
    ig_classify_method method = IG_CLASSIFY_QUANTILE;
    const char *cm = ig__params_get(&q->query, "classify");
    if (cm && (ig_classify_parse(cm, &method) != IG_OK ||
               method == IG_CLASSIFY_FIXED)) {
        ig__resp_error(r, 400, "classify",
                       "'%.40s': give quantile, equal or jenks", cm);
        return;
    }
    double classes = 5, width = 1200;
    if (!param_whole(r, &q->query, "classes", 2, 20, &classes) ||
        !param_whole(r, &q->query, "width", 200, 4000, &width))
        return;
    const char *palette = ig__params_get(&q->query, "palette");
    if (palette) {
        char base[64];
        snprintf(base, sizeof base, "%s", palette);
        size_t bl = strlen(base);
        if (bl > 2 && strcmp(base + bl - 2, "_r") == 0) base[bl - 2] = '\0';
        if (!ig_palette_find(base)) {
            ig__resp_error(r, 400, "palette",
                           "unknown palette '%.40s' (viridis, cividis, Blues, "
                           "...; _r reverses)",
                           palette);
            return;
        }
    }
    ig__cached *c = NULL;
    const ig_local_result *lr = NULL;
    int lr_owned = 0;
    double *values = NULL;
    int32_t *rows = NULL, *cols = NULL;
    uint32_t *oid = NULL;
    uint8_t *cat = NULL;
    ig_error err = {0};
    ig_status st = ig__cache_get(srv, id, &c, &err);
    if (st != IG_OK) {
        ig__lib_error(r, st, &err, "dataset");
        goto out;
    }
    if (ig_grid_cell_size_m(c->grid) <= 0) {
        ig__resp_error(r, 400, "dataset",
                       "a map needs grid cells; this dataset has aspatial "
                       "units");
        goto out;
    }
    place_sel ps;
    if (!select_place(r, srv, c, ig__params_get(&q->query, "place"), 0, 0, &ps))
        goto out;
    size_t g = (size_t)-1;
    if (group[0]) {
        g = ig_grid_group_index(ps.grid, group);
        if (g == (size_t)-1) {
            ig__resp_error(r, 400, "var",
                           "no group '%.60s' in this dataset (GET "
                           "/api/v1/datasets/{id} lists group_names)",
                           group);
            goto out;
        }
    }
    const ig_grid *dg = ps.grid;
    size_t first = 0, count = ig_grid_ncells(dg);
    if (ps.index != (size_t)-1)
        ig_grid_place_range(dg, ps.index, &first, &count);
    size_t n = count;
    values = ig__calloc(srv->ctx, n + 1, sizeof *values);
    rows = ig__calloc(srv->ctx, n + 1, sizeof *rows);
    cols = ig__calloc(srv->ctx, n + 1, sizeof *cols);
    if (!values || !rows || !cols) {
        ig__resp_error(r, 503, NULL, "out of memory");
        goto out;
    }
    const int32_t *grow = ig_grid_rows(dg), *gcol = ig_grid_cols(dg);
    for (size_t j = 0; j < n; j++) {
        rows[j] = grow[first + j];
        cols[j] = gcol[first + j];
    }
    char title[512], legend[256], note[512] = "";
    ig_map_category cats[8];
    size_t n_cats = 0;
    if (kind < 2) {
        /* as `integrid map --var share:G|lq:G`, compensated sums */
        const double *cnt = ig_grid_counts(dg, g);
        const double *tot = ig_grid_totals(dg);
        const uint8_t *na = ig_grid_na(dg, g);
        double sc = 0, ss = 0, tc = 0, ts = 0;
        for (size_t j = 0; j < n; j++) {
            size_t i = first + j;
            int ok = tot[i] > 0 && !(na && na[i]);
            values[j] = ok ? cnt[i] / tot[i] : (double)NAN;
            if (!ok) continue;
            double terms[2] = {cnt[i], tot[i]};
            double *s[2] = {&sc, &tc}, *cc[2] = {&ss, &ts};
            for (int k = 0; k < 2; k++) {
                double t = *s[k] + terms[k];
                if (fabs(*s[k]) >= fabs(terms[k]))
                    *cc[k] += (*s[k] - t) + terms[k];
                else
                    *cc[k] += (terms[k] - t) + *s[k];
                *s[k] = t;
            }
        }
        double share = (tc + ts) > 0 ? (sc + ss) / (tc + ts) : (double)NAN;
        if (kind == 1) {
            for (size_t j = 0; j < n; j++)
                values[j] = share > 0 ? values[j] / share : (double)NAN;
            if (!(share > 0))
                snprintf(note, sizeof note,
                         "Nobody of group %.200s lives here: the location "
                         "quotient is undefined",
                         group);
            snprintf(title, sizeof title, "Location quotient of %.200s", group);
            snprintf(legend, sizeof legend, "Share / share of the %s",
                     ps.id ? "place" : "area");
        } else {
            snprintf(title, sizeof title, "Share of %.200s", group);
            snprintf(legend, sizeof legend, "%.200s share of cell", group);
        }
    } else {
        la.group = group[0] ? group : NULL;
        if (local_run(srv, r, c, &ps, &la, &lr, &lr_owned) != IG_OK) goto out;
        const ig_local_layer *ly = ig_local_result_layer(lr, 0);
        const size_t *lc = ig_local_result_cells(lr);
        n = ig_local_result_ncells(lr);
        if (n > count) n = count;
        for (size_t j = 0; j < n; j++) {
            rows[j] = grow[lc[j]];
            cols[j] = gcol[lc[j]];
            values[j] = ly->value[j];
        }
        if (ly->status != IG_OK)
            snprintf(note, sizeof note, "%s is undefined here: %.300s",
                     la.info->name,
                     ly->message ? ly->message : ig_strerror(ly->status));
        snprintf(title, sizeof title, "%s%s%.200s", la.info->name,
                 group[0] ? " of " : "", group);
        snprintf(legend, sizeof legend, "%s", la.info->name);
        int gi = strcmp(la.info->name, "local_gi_star") == 0;
        if (ly->cls && (gi || strcmp(la.info->name, "local_moran") == 0)) {
            const ig_local_class *ord = gi ? GI_ORDER : LISA_ORDER;
            n_cats = gi ? 7 : 5;
            for (size_t k = 0; k < n_cats; k++) {
                cats[k].label = ig_palette_class_label(ord[k]);
                cats[k].colour = ig_palette_class_colour(ord[k]);
            }
            cat = ig__calloc(srv->ctx, n + 1, sizeof *cat);
            if (!cat) {
                ig__resp_error(r, 503, NULL, "out of memory");
                goto out;
            }
            for (size_t j = 0; j < n; j++) {
                cat[j] = IG_MAP_NO_CATEGORY;
                for (size_t k = 0; k < n_cats; k++)
                    if (ly->cls[j] == (uint8_t)ord[k]) cat[j] = (uint8_t)k;
            }
            snprintf(legend, sizeof legend, "%s",
                     gi ? "Hot spots (Gi*)" : "Local Moran's I");
        }
    }
    if (ps.name) {
        size_t tl = strlen(title);
        snprintf(title + tl, sizeof title - tl, " \xe2\x80\x94 %.200s",
                 ps.name);
    }
    ig_map_spec sp;
    ig_map_spec_init(&sp);
    if (ps.id) {
        oid = ig__calloc(srv->ctx, n + 1, sizeof *oid);
        if (!oid) {
            ig__resp_error(r, 503, NULL, "out of memory");
            goto out;
        }
        for (size_t j = 0; j < n; j++) oid[j] = 1;
    }
    const char *utitle = ig__params_get(&q->query, "title");
    sp.n_cells = n;
    sp.rows = rows;
    sp.cols = cols;
    sp.cell_size_m = ig_grid_cell_size_m(dg);
    sp.epsg = ig_grid_crs_epsg(dg);
    sp.values = values;
    sp.category = cat;
    sp.categories = cats;
    sp.n_categories = n_cats;
    sp.method = method;
    sp.n_classes = (size_t)classes;
    sp.palette = palette;
    sp.percent = kind == 0;
    sp.outline_id = oid;
    sp.title = utitle ? utitle : title;
    sp.legend_title = legend;
    sp.note = note[0] ? note : NULL;
    sp.width_px = (int)width;
    char path[512];
    tmp_path(srv, svg ? "svg" : "png", path, sizeof path);
    ig_map_result mr;
    st = ig_map_render(srv->ctx, &sp, path, &mr, &err);
    if (st != IG_OK) {
        unlink(path);
        ig__lib_error(r, st, &err, st == IG_ERR_NOT_FOUND ? "palette" : NULL);
        goto out;
    }
    if (!slurp_tmp(srv, path, r)) {
        ig__resp_error(r, 500, NULL, "the map could not be read back");
        goto out;
    }
    r->content_type = svg ? "image/svg+xml" : "image/png";
out:
    local_done(srv, c, lr, lr_owned);
    ig__free(srv->ctx, values, 0);
    ig__free(srv->ctx, rows, 0);
    ig__free(srv->ctx, cols, 0);
    ig__free(srv->ctx, oid, 0);
    ig__free(srv->ctx, cat, 0);
    ig__cache_release(srv, c);
}

/* ---- report ------------------------------------------------------------- */

static void report(ig__req *q, ig__resp *r, const char *id)
{
    ig_server *srv = q->srv;
    static const char *const known[] = {"place", "assessment", "reps",
                                        "seed",  "peers",      "download"};
    if (!ig__only_params(r, &q->query, known, 6)) return;
    double reps = 199, seed = -1, peers = 10;
    int download = 1;
    if (!param_whole(r, &q->query, "reps", 1, 10000, &reps) ||
        !param_whole(r, &q->query, "seed", 0, 9007199254740992.0, &seed) ||
        !param_whole(r, &q->query, "peers", 0, 1000, &peers) ||
        !ig__param_bool(r, &q->query, "download", &download))
        return;
    ig__srvbuf key;
    ig__srvbuf_init(&key, srv->ctx);
    request_key(q, "report", &key);
    ig__cached *c = NULL;
    ig_policy_framework *fw = NULL;
    ig_policy_assessment *pa = NULL;
    ig_policy_scores *sc = NULL;
    char *doc = NULL;
    ig_error err = {0};
    const char *aname = ig__params_get(&q->query, "assessment");
    r->disposition =
        download ? "attachment; filename=\"integrid-report.html\"" : "inline";
    /* the report is self-contained: inline CSS and SVG, no script */
    r->csp =
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
    r->content_type = "text/html; charset=utf-8";
    /* a cached report is only valid while its assessment is unchanged:
     * the key then carries the revision */
    int64_t rev = 0;
    if (aname) {
        char fwk[64];
        ig_status ast = ig_store_assessment_get_rev(srv->store, id, aname, 0,
                                                    fwk, &doc, &rev, &err);
        if (ast != IG_OK) {
            r->disposition = NULL;
            ig__lib_error(r, ast, &err, "assessment");
            goto out;
        }
        ig__srvbuf_printf(&key, "#rev=%lld", (long long)rev);
    }
    if (from_cache(srv, id, &key, r)) goto out;
    ig_status st = ig__cache_get(srv, id, &c, &err);
    if (st != IG_OK) {
        r->disposition = NULL;
        ig__lib_error(r, st, &err, "dataset");
        goto out;
    }
    place_sel ps;
    if (!select_place(r, srv, c, ig__params_get(&q->query, "place"), 1, 1,
                      &ps)) {
        r->disposition = NULL;
        goto out;
    }
    if (doc) {
        ig_policy_assessment_info ai;
        st = ig_policy_assessment_parse(srv->ctx, doc, strlen(doc), aname, &pa,
                                        &err);
        if (st == IG_OK) {
            ig_policy_assessment_get_info(pa, &ai);
            st = ig_policy_framework_builtin(srv->ctx, ai.framework, &fw, &err);
        }
        if (st == IG_OK)
            st = ig_policy_score(srv->ctx, fw, pa, NULL, &sc, &err);
        if (st != IG_OK) {
            r->disposition = NULL;
            ig__lib_error(r, st, &err, "assessment");
            goto out;
        }
    }
    ig_report_spec sp;
    ig_report_spec_init(&sp);
    sp.grid = c->grid;
    sp.places = ps.ps;
    sp.place = ps.index;
    sp.infer.reps = (int)reps;
    if (seed >= 0) {
        sp.params.seed = (uint64_t)seed;
        sp.infer.seed = (uint64_t)seed;
    }
    sp.peers = (size_t)peers;
    sp.policy_framework = fw;
    sp.policy_scores = sc;
    sp.policy_file = aname;
    char path[512];
    tmp_path(srv, "html", path, sizeof path);
    ig_report_result rr;
    st = ig_report_write(srv->ctx, &sp, path, &rr, &err);
    if (st != IG_OK) {
        unlink(path);
        r->disposition = NULL;
        ig__lib_error(r, st, &err, st == IG_ERR_DOMAIN ? "place" : NULL);
        goto out;
    }
    if (!slurp_tmp(srv, path, r)) {
        r->disposition = NULL;
        ig__resp_error(r, 500, NULL, "the report could not be read back");
        goto out;
    }
    to_cache(srv, id, &key, r);
out:
    if (r->status >= 400) r->content_type = "application/json";
    ig__srvbuf_free(&key);
    ig_store_free(srv->ctx, doc, 0);
    ig_policy_scores_destroy(sc);
    ig_policy_assessment_destroy(pa);
    ig_policy_framework_destroy(fw);
    ig__cache_release(srv, c);
}

/* ---- dispatch ----------------------------------------------------------- */

int ig__api_data(ig__req *q, ig__resp *r)
{
    if (q->nseg == 1 && seg_is(q, 0, "local")) {
        if (!method_is(q, "GET"))
            ig__resp_error(r, 405, "method", "allowed here: GET");
        else
            list_local(r);
        return 1;
    }
    if (q->nseg == 3 && seg_is(q, 0, "jobs") && seg_is(q, 2, "events")) {
        if (!method_is(q, "GET")) {
            ig__resp_error(r, 405, "method", "allowed here: GET");
        } else {
            ig__srvbuf probe;
            ig__srvbuf_init(&probe, q->srv->ctx);
            if (!ig__job_json(q->srv, q->seg[1], &probe))
                ig__resp_error(r, 404, "job", "no job '%.64s'", q->seg[1]);
            else
                snprintf(r->sse_job, sizeof r->sse_job, "%s", q->seg[1]);
            ig__srvbuf_free(&probe);
        }
        return 1;
    }
    if (q->nseg != 3 || !seg_is(q, 0, "datasets")) return 0;
    const char *id = q->seg[1];
    const char *what = q->seg[2];
    void (*fn)(ig__req *, ig__resp *, const char *) = NULL;
    int svg = -1;
    if (strcmp(what, "profile") == 0)
        fn = profile;
    else if (strcmp(what, "local") == 0)
        fn = local;
    else if (strcmp(what, "benchmark") == 0)
        fn = benchmark;
    else if (strcmp(what, "report.html") == 0)
        fn = report;
    else if (strcmp(what, "map.png") == 0)
        svg = 0;
    else if (strcmp(what, "map.svg") == 0)
        svg = 1;
    else
        return 0;
    if (!method_is(q, "GET")) {
        ig__resp_error(r, 405, "method", "allowed here: GET");
        return 1;
    }
    if (fn)
        fn(q, r, id);
    else
        map(q, r, id, svg);
    return 1;
}
