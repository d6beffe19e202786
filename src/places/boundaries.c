/* Boundaries: the polygon store the readers fill, its finishing step
 * (reprojection with PROJ, orientation, areas, the self-intersection check),
 * the file entry points, and the assignment of grid cells. Assignment never
 * tests polygon x cell pairs: per polygon, only the lattice rows in its
 * bounding box are visited, the edge table of polygon.c gives each row's
 * crossings, and the row's cells inside them are found by binary search in
 * the grid sorted by (row, column) -- its own canonical order unless it is
 * split by places. Centre rule: crossings at y = (r + 1/2) s, half-open.
 * Area rule: Green's theorem, area(P n C) = s * (top side inside P) + the
 * edge pieces inside C, exact like clipping (docs/places/boundaries.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/ksum.h"
#include "ig_config.h"
#include "places/boundaries_internal.h"

#if IG_HAVE_PROJ
#include <proj.h>
#endif

#define NONE UINT32_MAX
/* Area rule thresholds (docs/places/boundaries.md). */
#define IG_AREA_MIN_REL 1e-9
#define IG_WEIGHT_MIN 1e-12

/* ---- building --------------------------------------------------------------
 */

static ig_status nomem(ig_error *err)
{
    return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
}

ig_status ig__bnd_create(ig_ctx *ctx, const char *source,
                         const ig_boundaries_opts *opts, ig_boundaries **out,
                         ig_error *err)
{
    if (opts && opts->target_epsg < 0)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "target_epsg %ld is not an EPSG code",
                             (long)opts->target_epsg);
    ig_boundaries *b = ig__calloc(ctx, 1, sizeof *b);
    if (!b) return nomem(err);
    b->ctx = ctx;
    b->epsg = (opts && opts->target_epsg) ? opts->target_epsg : 3035;
    b->source = ig__strdup(ctx, source ? source : "<memory>");
    if (!b->source ||
        ig__grow(ctx, (void **)&b->ring_off, &b->cap_ring_off, 1,
                 sizeof *b->ring_off) != IG_OK ||
        ig__grow(ctx, (void **)&b->poly_off, &b->cap_poly_off, 1,
                 sizeof *b->poly_off) != IG_OK ||
        ig__grow(ctx, (void **)&b->feat_off, &b->cap_feat_off, 1,
                 sizeof *b->feat_off) != IG_OK) {
        ig_boundaries_destroy(b);
        return nomem(err);
    }
    b->ring_off[0] = b->poly_off[0] = b->feat_off[0] = 0;
    *out = b;
    return IG_OK;
}

void ig_boundaries_destroy(ig_boundaries *b)
{
    if (!b) return;
    ig_ctx *ctx = b->ctx;
    ig__free(ctx, b->xy, b->cap_xy * sizeof *b->xy);
    ig__free(ctx, b->ring_off, b->cap_ring_off * sizeof *b->ring_off);
    ig__free(ctx, b->ring_line, b->cap_ring_line * sizeof *b->ring_line);
    ig__free(ctx, b->ring_col, b->cap_ring_col * sizeof *b->ring_col);
    ig__free(ctx, b->poly_off, b->cap_poly_off * sizeof *b->poly_off);
    ig__free(ctx, b->feat_off, b->cap_feat_off * sizeof *b->feat_off);
    ig__free(ctx, b->feat_index, b->cap_feat_index * sizeof *b->feat_index);
    ig__free(ctx, b->id_at, b->cap_id_at * sizeof *b->id_at);
    ig__free(ctx, b->name_at, b->cap_name_at * sizeof *b->name_at);
    ig__free(ctx, b->pool, b->cap_pool);
    ig__free(ctx, b->ids, b->nfeat * sizeof *b->ids);
    ig__free(ctx, b->names, b->nfeat * sizeof *b->names);
    ig__free(ctx, b->area_m2, b->nfeat * sizeof *b->area_m2);
    ig__free(ctx, b->bbox, b->nfeat * sizeof *b->bbox);
    if (b->source) ig__free(ctx, b->source, strlen(b->source) + 1);
    if (b->src_crs) ig__free(ctx, b->src_crs, strlen(b->src_crs) + 1);
    if (b->src_def) ig__free(ctx, b->src_def, strlen(b->src_def) + 1);
    ig__free(ctx, b, sizeof *b);
}

ig__bnd_mark ig__bnd_mark_get(const ig_boundaries *b)
{
    ig__bnd_mark m = {b->npts, b->nrings, b->npolys};
    return m;
}

void ig__bnd_truncate(ig_boundaries *b, ig__bnd_mark m)
{
    b->npts = m.npts;
    b->nrings = m.nrings;
    b->npolys = m.npolys;
}

void ig__bnd_ring_begin(ig_boundaries *b, long line, long col)
{
    b->ring_start = b->npts;
    b->cur_line = line;
    b->cur_col = col;
}

ig_status ig__bnd_point(ig_boundaries *b, double x, double y)
{
    if (b->npts > b->ring_start) {
        const double *last = b->xy + 2 * (b->npts - 1);
        if (last[0] == x && last[1] == y) return IG_OK;
    }
    if (ig__grow(b->ctx, (void **)&b->xy, &b->cap_xy, 2 * (b->npts + 1),
                 sizeof *b->xy) != IG_OK)
        return IG_ERR_NOMEM;
    b->xy[2 * b->npts] = x;
    b->xy[2 * b->npts + 1] = y;
    b->npts++;
    return IG_OK;
}

static void where(const ig_boundaries *b, long line, long col, char *buf,
                  size_t cap)
{
    if (line > 0)
        snprintf(buf, cap, "%s:%ld:%ld", b->source, line, col);
    else
        snprintf(buf, cap, "%s", b->source);
}

ig_status ig__bnd_ring_end(ig_boundaries *b, size_t feature, size_t polygon,
                           size_t ring, ig_error *err)
{
    size_t n = b->npts - b->ring_start;
    const double *p = n ? b->xy + 2 * b->ring_start : NULL;
    if (n >= 2 && p[0] == p[2 * (n - 1)] && p[1] == p[2 * (n - 1) + 1]) {
        b->npts--; /* stored open: the closing position is implied */
        n--;
    } else if (n >= 3) {
        b->n_unclosed++;
        if (b->n_unclosed <= IG__BND_WARN_MAX) {
            char at[IG_ERROR_FILE_MAX + 48];
            where(b, b->cur_line, b->cur_col, at, sizeof at);
            ig__log(b->ctx, IG_LOG_WARN,
                    "%s: feature %zu, polygon %zu, ring %zu is not closed (its "
                    "last position differs from its first); closed it",
                    at, feature, polygon, ring);
        }
    }
    if (n < 3) {
        ig__error_set(err, IG_ERR_PARSE, b->cur_line, b->cur_col,
                      "feature %zu, polygon %zu, ring %zu has %zu positions "
                      "once repeated positions are removed and the ring is "
                      "closed; a ring needs at least 4 (3 corners and the "
                      "first again)",
                      feature, polygon, ring, n ? n + 1 : 0);
        ig__error_file(err, b->source);
        return IG_ERR_PARSE;
    }
    size_t r = b->nrings;
    if (ig__grow(b->ctx, (void **)&b->ring_off, &b->cap_ring_off, r + 2,
                 sizeof *b->ring_off) != IG_OK ||
        ig__grow(b->ctx, (void **)&b->ring_line, &b->cap_ring_line, r + 1,
                 sizeof *b->ring_line) != IG_OK ||
        ig__grow(b->ctx, (void **)&b->ring_col, &b->cap_ring_col, r + 1,
                 sizeof *b->ring_col) != IG_OK)
        return nomem(err);
    b->ring_off[r + 1] = b->npts;
    b->ring_line[r] = b->cur_line;
    b->ring_col[r] = b->cur_col;
    b->nrings++;
    b->ring_start = b->npts;
    return IG_OK;
}

ig_status ig__bnd_poly_end(ig_boundaries *b, size_t ring_first)
{
    if (b->nrings <= ring_first) return IG_OK;
    if (ig__grow(b->ctx, (void **)&b->poly_off, &b->cap_poly_off, b->npolys + 2,
                 sizeof *b->poly_off) != IG_OK)
        return IG_ERR_NOMEM;
    b->poly_off[++b->npolys] = b->nrings;
    return IG_OK;
}

static ig_status pool_add(ig_boundaries *b, const char *s, size_t n, size_t *at)
{
    if (ig__grow(b->ctx, (void **)&b->pool, &b->cap_pool, b->npool + n + 1,
                 1) != IG_OK)
        return IG_ERR_NOMEM;
    if (n) memcpy(b->pool + b->npool, s, n);
    b->pool[b->npool + n] = '\0';
    *at = b->npool;
    b->npool += n + 1;
    return IG_OK;
}

ig_status ig__bnd_feature_end(ig_boundaries *b, size_t index, const char *id,
                              size_t id_len, const char *name, size_t name_len)
{
    size_t f = b->nfeat;
    if (ig__grow(b->ctx, (void **)&b->feat_off, &b->cap_feat_off, f + 2,
                 sizeof *b->feat_off) != IG_OK ||
        ig__grow(b->ctx, (void **)&b->feat_index, &b->cap_feat_index, f + 1,
                 sizeof *b->feat_index) != IG_OK ||
        ig__grow(b->ctx, (void **)&b->id_at, &b->cap_id_at, f + 1,
                 sizeof *b->id_at) != IG_OK ||
        ig__grow(b->ctx, (void **)&b->name_at, &b->cap_name_at, f + 1,
                 sizeof *b->name_at) != IG_OK ||
        pool_add(b, id, id_len, &b->id_at[f]) != IG_OK ||
        pool_add(b, name, name_len, &b->name_at[f]) != IG_OK)
        return IG_ERR_NOMEM;
    b->feat_off[f + 1] = b->npolys;
    b->feat_index[f] = index;
    b->nfeat++;
    return IG_OK;
}

ig_status ig__bnd_set_source_crs(ig_boundaries *b, const char *def,
                                 const char *display, int is_default)
{
    char *d = def ? ig__strdup(b->ctx, def) : NULL;
    char *s = ig__strdup(b->ctx, display);
    if ((def && !d) || !s) {
        if (d) ig__free(b->ctx, d, strlen(d) + 1);
        if (s) ig__free(b->ctx, s, strlen(s) + 1);
        return IG_ERR_NOMEM;
    }
    if (b->src_def) ig__free(b->ctx, b->src_def, strlen(b->src_def) + 1);
    if (b->src_crs) ig__free(b->ctx, b->src_crs, strlen(b->src_crs) + 1);
    b->src_def = d;
    b->src_crs = s;
    b->src_default = is_default;
    return IG_OK;
}

/* ---- CRS names -------------------------------------------------------------
 */

ig_status ig__bnd_source_crs_text(ig_boundaries *b, const char *text)
{
    if (!text) return ig__bnd_set_source_crs(b, "OGC:CRS84", "OGC:CRS84", 1);
    int32_t code = ig__crs_code(text, strlen(text));
    char def[32];
    if (code == b->epsg) return ig__bnd_set_source_crs(b, NULL, text, 0);
    if (code == IG__CRS84)
        return ig__bnd_set_source_crs(b, "OGC:CRS84", text, 0);
    if (code > 0) {
        snprintf(def, sizeof def, "EPSG:%ld", (long)code);
        return ig__bnd_set_source_crs(b, def, text, 0);
    }
    return ig__bnd_set_source_crs(b, text, text, 0);
}

static int ieq(const char *a, size_t an, const char *b)
{
    size_t bn = strlen(b);
    if (an != bn) return 0;
    for (size_t i = 0; i < an; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = (char)(y - 'A' + 'a');
        if (x != y) return 0;
    }
    return 1;
}

static int iprefix(const char *s, size_t n, const char *pre)
{
    size_t pn = strlen(pre);
    return n >= pn && ieq(s, pn, pre);
}

/* authority + code -> EPSG code, IG__CRS84, or 0 */
static int32_t auth_code(const char *a, size_t an, const char *c, size_t cn)
{
    if (ieq(a, an, "EPSG")) {
        if (cn == 0 || cn > 9) return 0;
        int32_t v = 0;
        for (size_t i = 0; i < cn; i++) {
            if (c[i] < '0' || c[i] > '9') return 0;
            v = v * 10 + (c[i] - '0');
        }
        return v;
    }
    if (ieq(a, an, "OGC") && ieq(c, cn, "CRS84")) return IG__CRS84;
    if (ieq(a, an, "CRS") && ieq(c, cn, "84")) return IG__CRS84;
    return 0;
}

int32_t ig__crs_code(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t')) s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    if (ieq(s, n, "CRS84")) return IG__CRS84;
    static const char *const http[] = {"http://www.opengis.net/def/crs/",
                                       "https://www.opengis.net/def/crs/"};
    char sep = ':';
    int with_version = 0;
    if (iprefix(s, n, "urn:ogc:def:crs:")) {
        s += 16, n -= 16;
        with_version = 1;
    } else {
        for (int i = 0; i < 2; i++)
            if (iprefix(s, n, http[i])) {
                size_t l = strlen(http[i]);
                s += l, n -= l;
                sep = '/';
                with_version = 1;
            }
    }
    const char *a = s, *e = s + n;
    const char *p = memchr(a, sep, n);
    if (!p) return 0;
    size_t an = (size_t)(p - a);
    const char *c = p + 1;
    if (with_version) {
        const char *q = memchr(c, sep, (size_t)(e - c));
        if (!q) return 0;
        c = q + 1;
    }
    if (memchr(c, sep, (size_t)(e - c))) return 0;
    return auth_code(a, an, c, (size_t)(e - c));
}

/* ---- finishing
 * --------------------------------------------------------------- */

static const char *fid(const ig_boundaries *b, size_t f)
{
    return b->pool + b->id_at[f];
}

/* Which feature, polygon and ring a ring index belongs to (for messages). */
static void ring_owner(const ig_boundaries *b, size_t ring, size_t *f,
                       size_t *poly, size_t *rank)
{
    size_t k = 0;
    while (k + 1 < b->npolys + 1 && b->poly_off[k + 1] <= ring) k++;
    size_t g = 0;
    while (g + 1 < b->nfeat + 1 && b->feat_off[g + 1] <= k) g++;
    *f = g;
    *poly = k - b->feat_off[g] + 1;
    *rank = ring - b->poly_off[k] + 1;
}

typedef struct xform {
#if IG_HAVE_PROJ
    PJ_CONTEXT *pc;
    PJ *p, *pn;
#endif
    int active;
} xform;

static void xform_free(xform *x)
{
#if IG_HAVE_PROJ
    if (x->pn) proj_destroy(x->pn);
    if (x->p) proj_destroy(x->p);
    if (x->pc) proj_context_destroy(x->pc);
#endif
    memset(x, 0, sizeof *x);
}

static ig_status xform_make(ig_boundaries *b, xform *x, ig_error *err)
{
    memset(x, 0, sizeof *x);
    if (!b->src_def) return IG_OK;
#if IG_HAVE_PROJ
    char target[32];
    snprintf(target, sizeof target, "EPSG:%ld", (long)b->epsg);
    x->pc = proj_context_create();
    if (!x->pc) return nomem(err);
    proj_log_level(x->pc, PJ_LOG_NONE);
    PJ *src = proj_create(x->pc, b->src_def);
    if (!src) {
        int e = proj_context_errno(x->pc);
        ig_status bad = b->src_from_opts ? IG_ERR_DOMAIN : IG_ERR_FORMAT;
        ig__error_set(
            err, bad, 0, 0,
            "unknown CRS '%.200s' (%s): PROJ says: %s. Give a CRS "
            "PROJ knows, e.g. \"EPSG:2154\" (is proj.db installed? "
            "PROJ_DATA)",
            b->src_crs,
            b->src_from_opts ? "the src_crs option" : "the crs of the input",
            e ? proj_context_errno_string(x->pc, e) : "no detail");
        ig__error_file(err, b->source);
        xform_free(x);
        return bad;
    }
    proj_destroy(src);
    x->p = proj_create_crs_to_crs(x->pc, b->src_def, target, NULL);
    x->pn = x->p ? proj_normalize_for_visualization(x->pc, x->p) : NULL;
    if (!x->pn) {
        int e = proj_context_errno(x->pc);
        ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                      "PROJ cannot transform %.200s to %s: %s", b->src_crs,
                      target,
                      e ? proj_context_errno_string(x->pc, e) : "no detail");
        ig__error_file(err, b->source);
        xform_free(x);
        return IG_ERR_DOMAIN;
    }
    x->active = 1;
    return IG_OK;
#else
    if (b->src_default)
        ig__error_set(err, IG_ERR_DISABLED, 0, 0,
                      "the input is in longitude/latitude (no crs member: "
                      "RFC 7946), and integrid was built without PROJ, so it "
                      "cannot reproject it to EPSG:%ld. Reproject the file "
                      "first (ogr2ogr -t_srs EPSG:%ld out.geojson in.geojson) "
                      "or rebuild integrid with PROJ",
                      (long)b->epsg, (long)b->epsg);
    else
        ig__error_set(err, IG_ERR_DISABLED, 0, 0,
                      "the input is in %.200s, not EPSG:%ld, and integrid was "
                      "built without PROJ, so it cannot reproject it. "
                      "Reproject the file first (ogr2ogr -t_srs EPSG:%ld) or "
                      "rebuild integrid with PROJ",
                      b->src_crs, (long)b->epsg, (long)b->epsg);
    ig__error_file(err, b->source);
    return IG_ERR_DISABLED;
#endif
}

/* Reproject ring r in place; on a failure, report the source position. */
static ig_status xform_ring(ig_boundaries *b, xform *x, size_t r, double *tmp,
                            ig_error *err)
{
    size_t o = b->ring_off[r], n = b->ring_off[r + 1] - o;
    double *p = b->xy + 2 * o;
    size_t f, poly, rank;
    char at[IG_ERROR_FILE_MAX + 48];
    if (b->src_default) {
        for (size_t i = 0; i < n; i++) {
            if (fabs(p[2 * i]) <= 180.0 && fabs(p[2 * i + 1]) <= 90.0) continue;
            ring_owner(b, r, &f, &poly, &rank);
            ig__error_set(err, IG_ERR_DOMAIN, b->ring_line[r], b->ring_col[r],
                          "feature %zu (id '%.60s'), polygon %zu, ring %zu: "
                          "position (%.10g, %.10g) is not longitude/latitude. "
                          "The input has no crs, so RFC 7946 lon/lat was "
                          "assumed; if it is projected, give its CRS (src_crs, "
                          "e.g. \"EPSG:%ld\") or add a crs member",
                          b->feat_index[f], fid(b, f), poly, rank, p[2 * i],
                          p[2 * i + 1], (long)b->epsg);
            ig__error_file(err, b->source);
            return IG_ERR_DOMAIN;
        }
    }
#if IG_HAVE_PROJ
    if (x->active && n) {
        memcpy(tmp, p, 2 * n * sizeof *p);
        proj_trans_generic(x->pn, PJ_FWD, p, 2 * sizeof *p, n, p + 1,
                           2 * sizeof *p, n, NULL, 0, 0, NULL, 0, 0);
    }
#else
    (void)x;
    (void)tmp;
#endif
    for (size_t i = 0; i < n; i++) {
        double vx = p[2 * i], vy = p[2 * i + 1];
        if (isfinite(vx) && isfinite(vy) && fabs(vx) <= IG__BND_MAX_COORD &&
            fabs(vy) <= IG__BND_MAX_COORD)
            continue;
        ring_owner(b, r, &f, &poly, &rank);
        where(b, b->ring_line[r], b->ring_col[r], at, sizeof at);
        if (x->active)
            ig__error_set(err, IG_ERR_DOMAIN, b->ring_line[r], b->ring_col[r],
                          "feature %zu (id '%.60s'), polygon %zu, ring %zu: "
                          "position (%.10g, %.10g) in %.80s cannot be "
                          "reprojected to EPSG:%ld (outside the area of "
                          "either CRS? wrong source CRS?)",
                          b->feat_index[f], fid(b, f), poly, rank, tmp[2 * i],
                          tmp[2 * i + 1], b->src_crs, (long)b->epsg);
        else
            ig__error_set(err, IG_ERR_DOMAIN, b->ring_line[r], b->ring_col[r],
                          "feature %zu (id '%.60s'), polygon %zu, ring %zu: "
                          "position (%.10g, %.10g) is %s",
                          b->feat_index[f], fid(b, f), poly, rank, vx, vy,
                          isfinite(vx) && isfinite(vy)
                              ? "out of range (beyond 1e12 m)"
                              : "not a finite number");
        ig__error_file(err, b->source);
        return IG_ERR_DOMAIN;
    }
    return IG_OK;
}

static ig_status crossing_error(ig_boundaries *b, xform *x, size_t f, size_t k,
                                size_t ra, size_t rb, double px, double py,
                                ig_error *err)
{
    char src[160] = "";
#if IG_HAVE_PROJ
    if (x->active) {
        PJ_COORD c = proj_coord(px, py, 0, 0);
        PJ_COORD s = proj_trans(x->pn, PJ_INV, c);
        if (isfinite(s.v[0]) && isfinite(s.v[1]) && s.v[0] != HUGE_VAL)
            snprintf(src, sizeof src, "; (%.8g, %.8g) in %.80s", s.v[0], s.v[1],
                     b->src_crs);
    }
#else
    (void)x;
#endif
    size_t poly = k - b->feat_off[f] + 1;
    size_t r1 = ra - b->poly_off[k] + 1, r2 = rb - b->poly_off[k] + 1;
    char rings[64];
    if (ra == rb)
        snprintf(rings, sizeof rings, "ring %zu crosses itself", r1);
    else
        snprintf(rings, sizeof rings, "ring %zu crosses ring %zu", r1, r2);
    ig__error_set(err, IG_ERR_PARSE, b->ring_line[ra], b->ring_col[ra],
                  "feature %zu (id '%.60s'), polygon %zu: %s near x=%.3f, "
                  "y=%.3f (EPSG:%ld)%s. Fix the geometry first, e.g. "
                  "`ogr2ogr -makevalid out.geojson in.geojson` or QGIS "
                  "\"Fix geometries\"",
                  b->feat_index[f], fid(b, f), poly, rings, px, py,
                  (long)b->epsg, src);
    ig__error_file(err, b->source);
    return IG_ERR_PARSE;
}

ig_status ig__bnd_finish(ig_boundaries *b, ig_error *err)
{
    ig_ctx *ctx = b->ctx;
    if (b->nfeat == 0) {
        ig__error_set(err, IG_ERR_FORMAT, 0, 0,
                      "no Polygon or MultiPolygon feature found: boundary "
                      "files must have polygons (see the warnings for what "
                      "was skipped)");
        ig__error_file(err, b->source);
        return IG_ERR_FORMAT;
    }
    if (b->n_unclosed > IG__BND_WARN_MAX)
        ig__log(ctx, IG_LOG_WARN,
                "%s: %zu rings in all were not closed; "
                "closed them",
                b->source, b->n_unclosed);
    ig_status st = IG_OK;
    xform x;
    double *tmp = NULL;
    size_t tmp_n = 0;
    ig__strtab *seen = NULL;
    if ((st = xform_make(b, &x, err)) != IG_OK) return st;

    size_t maxring = 0;
    for (size_t r = 0; r < b->nrings; r++)
        if (b->ring_off[r + 1] - b->ring_off[r] > maxring)
            maxring = b->ring_off[r + 1] - b->ring_off[r];
    tmp_n = 2 * maxring + 2;
    b->ids = ig__calloc(ctx, b->nfeat, sizeof *b->ids);
    b->names = ig__calloc(ctx, b->nfeat, sizeof *b->names);
    b->area_m2 = ig__calloc(ctx, b->nfeat, sizeof *b->area_m2);
    b->bbox = ig__calloc(ctx, b->nfeat, sizeof *b->bbox);
    tmp = ig__calloc(ctx, tmp_n, sizeof *tmp);
    if (!b->ids || !b->names || !b->area_m2 || !b->bbox || !tmp ||
        ig__strtab_create(ctx, &seen) != IG_OK) {
        st = nomem(err);
        goto out;
    }
    for (size_t r = 0; r < b->nrings; r++)
        if ((st = xform_ring(b, &x, r, tmp, err)) != IG_OK) goto out;

    size_t n_dup = 0;
    for (size_t f = 0; f < b->nfeat; f++) {
        ig_ksum area;
        ig_ksum_init(&area);
        ig_bbox bb = {HUGE_VAL, HUGE_VAL, -HUGE_VAL, -HUGE_VAL};
        for (size_t k = b->feat_off[f]; k < b->feat_off[f + 1]; k++) {
            size_t r0 = b->poly_off[k], r1 = b->poly_off[k + 1];
            for (size_t r = r0; r < r1; r++) {
                size_t o = b->ring_off[r], n = b->ring_off[r + 1] - o;
                double *p = b->xy + 2 * o;
                double a2 = ig__ring_area2(p, n);
                /* exterior counter-clockwise, holes clockwise */
                if ((r == r0 && a2 < 0.0) || (r != r0 && a2 > 0.0)) {
                    ig__ring_reverse(p, n);
                    a2 = -a2;
                }
                ig_ksum_add(&area, 0.5 * a2);
                for (size_t i = 0; i < n; i++) {
                    bb.min_x = fmin(bb.min_x, p[2 * i]);
                    bb.max_x = fmax(bb.max_x, p[2 * i]);
                    bb.min_y = fmin(bb.min_y, p[2 * i + 1]);
                    bb.max_y = fmax(bb.max_y, p[2 * i + 1]);
                }
            }
            int found = 0;
            double px = 0.0, py = 0.0;
            size_t ra = 0, rb = 0;
            if ((st = ig__poly_find_crossing(ctx, b->xy, b->ring_off, r0, r1,
                                             &found, &px, &py, &ra, &rb)) !=
                IG_OK) {
                st = nomem(err);
                goto out;
            }
            if (found) {
                st = crossing_error(b, &x, f, k, ra, rb, px, py, err);
                goto out;
            }
        }
        b->area_m2[f] = ig_ksum_value(&area);
        b->bbox[f] = bb;
        b->ids[f] = b->pool + b->id_at[f];
        b->names[f] = b->pool + b->name_at[f];
        uint32_t id;
        size_t before = ig__strtab_count(seen);
        if (ig__strtab_intern(seen, b->ids[f], strlen(b->ids[f]), &id) !=
            IG_OK) {
            st = nomem(err);
            goto out;
        }
        if (ig__strtab_count(seen) == before && ++n_dup <= IG__BND_WARN_MAX)
            ig__log(ctx, IG_LOG_WARN,
                    "%s: feature %zu has the id '%s' of an earlier feature; "
                    "their places will have the same name",
                    b->source, b->feat_index[f], b->ids[f]);
        if (b->feat_off[f] == b->feat_off[f + 1])
            ig__log(ctx, IG_LOG_WARN,
                    "%s: feature %zu (id '%s') has an empty geometry; it is "
                    "kept as a place without cells",
                    b->source, b->feat_index[f], b->ids[f]);
    }
    if (n_dup > IG__BND_WARN_MAX)
        ig__log(ctx, IG_LOG_WARN, "%s: %zu features in all repeat an id",
                b->source, n_dup);
    b->finished = 1;
out:
    ig__strtab_destroy(seen);
    ig__free(ctx, tmp, tmp_n * sizeof *tmp);
    xform_free(&x);
    return st;
}

/* ---- accessors
 * ------------------------------------------------------------------ */

size_t ig_boundaries_count(const ig_boundaries *b)
{
    return b ? b->nfeat : 0;
}

const char *ig_boundaries_id(const ig_boundaries *b, size_t i)
{
    return (b && i < b->nfeat) ? b->ids[i] : NULL;
}

const char *ig_boundaries_name(const ig_boundaries *b, size_t i)
{
    return (b && i < b->nfeat) ? b->names[i] : NULL;
}

const char *const *ig_boundaries_ids(const ig_boundaries *b)
{
    return b ? (const char *const *)b->ids : NULL;
}

const char *const *ig_boundaries_names(const ig_boundaries *b)
{
    return b ? (const char *const *)b->names : NULL;
}

double ig_boundaries_area_m2(const ig_boundaries *b, size_t i)
{
    return (b && i < b->nfeat) ? b->area_m2[i] : 0.0;
}

ig_status ig_boundaries_bbox(const ig_boundaries *b, size_t i, ig_bbox *out)
{
    if (!b || !out || i >= b->nfeat || b->feat_off[i] == b->feat_off[i + 1])
        return IG_ERR_DOMAIN;
    *out = b->bbox[i];
    return IG_OK;
}

size_t ig_boundaries_npolygons(const ig_boundaries *b, size_t i)
{
    return (b && i < b->nfeat) ? b->feat_off[i + 1] - b->feat_off[i] : 0;
}

int32_t ig_boundaries_epsg(const ig_boundaries *b)
{
    return b ? b->epsg : 0;
}

const char *ig_boundaries_source_crs(const ig_boundaries *b)
{
    return b ? b->src_crs : NULL;
}

int ig_boundaries_have_gdal(void)
{
    return IG_HAVE_GDAL ? 1 : 0;
}

int ig_boundaries_have_proj(void)
{
    return IG_HAVE_PROJ ? 1 : 0;
}

/* ---- reading
 * ---------------------------------------------------------------------- */

ig_status ig_boundaries_read_mem(ig_ctx *ctx, const char *buf, size_t len,
                                 const char *name,
                                 const ig_boundaries_opts *opts,
                                 ig_boundaries **out, ig_error *err)
{
    ig_boundaries_opts defaults;
    memset(&defaults, 0, sizeof defaults);
    if (!opts) opts = &defaults;
    if (!out || (!buf && len))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "ig_boundaries_read_mem: buf and out are "
                             "required");
    ig_boundaries *b = NULL;
    ig_status st = ig__bnd_create(ctx, name, opts, &b, err);
    if (st != IG_OK) return st;
    b->src_from_opts = opts->src_crs != NULL;
    st = ig__geojson_read(b, buf ? buf : "", len, opts, err);
    if (st == IG_OK) st = ig__bnd_finish(b, err);
    if (st != IG_OK) {
        ig_boundaries_destroy(b);
        return st;
    }
    *out = b;
    return IG_OK;
}

static voidpf z_alloc(voidpf ud, uInt items, uInt size)
{
    return ig__calloc((ig_ctx *)ud, items, size);
}

static void z_free(voidpf ud, voidpf p)
{
    ig__free((ig_ctx *)ud, p, 0);
}

/* Inflate a gzip buffer (all members). */
static ig_status gunzip(ig_ctx *ctx, const char *in, size_t n, char **out,
                        size_t *out_n, size_t *out_cap, const char *path,
                        ig_error *err)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    zs.zalloc = z_alloc;
    zs.zfree = z_free;
    zs.opaque = ctx;
    if (inflateInit2(&zs, 15 + 16) != Z_OK) return nomem(err);
    char *o = NULL;
    size_t on = 0, cap = 0;
    ig_status st = IG_OK;
    size_t used = 0;
    while (used < n) {
        zs.next_in = (Bytef *)(uintptr_t)(in + used);
        size_t chunk = n - used > (1u << 30) ? (1u << 30) : n - used;
        zs.avail_in = (uInt)chunk;
        int rc = Z_OK;
        while (rc != Z_STREAM_END) {
            if (ig__grow(ctx, (void **)&o, &cap, on + 65536, 1) != IG_OK) {
                st = nomem(err);
                goto done;
            }
            size_t room = cap - on > (1u << 30) ? (1u << 30) : cap - on;
            zs.next_out = (Bytef *)(o + on);
            zs.avail_out = (uInt)room;
            rc = inflate(&zs, Z_NO_FLUSH);
            on += room - zs.avail_out;
            if (rc == Z_MEM_ERROR) {
                st = nomem(err);
                goto done;
            }
            if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
                st = ig__error_set(err, IG_ERR_IO, 0, 0,
                                   "corrupt gzip data (%s)",
                                   zs.msg ? zs.msg : "inflate failed");
                ig__error_file(err, path);
                goto done;
            }
            if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
                if (chunk == n - used) {
                    st = ig__error_set(err, IG_ERR_IO, 0, 0,
                                       "the gzip data is truncated");
                    ig__error_file(err, path);
                    goto done;
                }
                break;
            }
        }
        used += chunk - zs.avail_in;
        if (rc == Z_STREAM_END) {
            /* another member may follow; trailing zeros are padding */
            size_t k = used;
            while (k < n && in[k] == 0) k++;
            if (k >= n) break;
            if (inflateReset(&zs) != Z_OK) {
                st = nomem(err);
                goto done;
            }
        }
    }
done:
    inflateEnd(&zs);
    if (st != IG_OK) {
        ig__free(ctx, o, cap);
        return st;
    }
    *out = o;
    *out_n = on;
    *out_cap = cap;
    return IG_OK;
}

static ig_status read_file(ig_ctx *ctx, const char *path, char **out,
                           size_t *out_n, size_t *out_cap, ig_error *err)
{
    int is_stdin = strcmp(path, "-") == 0;
    FILE *fp = is_stdin ? stdin : fopen(path, "rb");
    if (!fp) {
        ig__error_set(err, IG_ERR_IO, 0, 0,
                      "cannot open the boundary file (does it exist, and "
                      "may it be read?)");
        ig__error_file(err, path);
        return IG_ERR_IO;
    }
    char *buf = NULL;
    size_t n = 0, cap = 0;
    ig_status st = IG_OK;
    for (;;) {
        if (ig__grow(ctx, (void **)&buf, &cap, n + 65536, 1) != IG_OK) {
            st = nomem(err);
            break;
        }
        size_t got = fread(buf + n, 1, cap - n, fp);
        n += got;
        if (got == 0) {
            if (ferror(fp)) {
                st = ig__error_set(err, IG_ERR_IO, 0, 0,
                                   "read error in the boundary file");
                ig__error_file(err, path);
            }
            break;
        }
    }
    if (!is_stdin) fclose(fp);
    if (st != IG_OK) {
        ig__free(ctx, buf, cap);
        return st;
    }
    if (n >= 2 && (unsigned char)buf[0] == 0x1f &&
        (unsigned char)buf[1] == 0x8b) {
        char *z = NULL;
        size_t zn = 0, zcap = 0;
        st = gunzip(ctx, buf, n, &z, &zn, &zcap, path, err);
        ig__free(ctx, buf, cap);
        if (st != IG_OK) return st;
        buf = z;
        n = zn;
        cap = zcap;
    }
    *out = buf;
    *out_n = n;
    *out_cap = cap;
    return IG_OK;
}

static int ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && ieq(s + n - m, m, suffix);
}

/* 1: GeoJSON by name or by its first bytes; 0: something else. */
static int looks_geojson(const char *path)
{
    static const char *const ext[] = {".geojson", ".json", ".geojson.gz",
                                      ".json.gz"};
    if (strcmp(path, "-") == 0) return 1;
    for (size_t i = 0; i < sizeof ext / sizeof *ext; i++)
        if (ends_with_ci(path, ext[i])) return 1;
    FILE *fp = fopen(path, "rb");
    if (!fp) return 0;
    unsigned char head[64];
    size_t n = fread(head, 1, sizeof head, fp);
    fclose(fp);
    size_t i = 0;
    if (n >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF) i = 3;
    while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' ||
                     head[i] == '\n'))
        i++;
    return i < n && head[i] == '{';
}

ig_status ig_boundaries_read_path(ig_ctx *ctx, const char *path,
                                  const ig_boundaries_opts *opts,
                                  ig_boundaries **out, ig_error *err)
{
    ig_boundaries_opts defaults;
    memset(&defaults, 0, sizeof defaults);
    if (!opts) opts = &defaults;
    if (!path || !out)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "ig_boundaries_read_path: path and out are "
                             "required");
    if (!looks_geojson(path)) {
        ig_boundaries *b = NULL;
        ig_status st = ig__bnd_create(ctx, path, opts, &b, err);
        if (st != IG_OK) return st;
        b->src_from_opts = opts->src_crs != NULL;
        st = ig__gdal_read(b, path, opts, err);
        if (st == IG_OK) st = ig__bnd_finish(b, err);
        if (st != IG_OK) {
            ig_boundaries_destroy(b);
            return st;
        }
        *out = b;
        return IG_OK;
    }
    char *buf = NULL;
    size_t n = 0, cap = 0;
    ig_status st = read_file(ctx, path, &buf, &n, &cap, err);
    if (st != IG_OK) return st;
    st = ig_boundaries_read_mem(ctx, buf, n, path, opts, out, err);
    ig__free(ctx, buf, cap);
    return st;
}

/* ---- assignment
 * ------------------------------------------------------------------ */

struct ig_assignment {
    ig_ctx *ctx;
    ig_assign_mode mode;
    size_t nplaces, nentries, cap_entries;
    size_t *offsets;
    size_t *cells;
    double *weights;
    size_t unassigned, empty, overlaps;
};

void ig_assignment_destroy(ig_assignment *a)
{
    if (!a) return;
    ig__free(a->ctx, a->offsets, (a->nplaces + 1) * sizeof *a->offsets);
    ig__free(a->ctx, a->cells, a->cap_entries * sizeof *a->cells);
    ig__free(a->ctx, a->weights, a->cap_entries * sizeof *a->weights);
    ig__free(a->ctx, a, sizeof *a);
}

size_t ig_assignment_nplaces(const ig_assignment *a)
{
    return a ? a->nplaces : 0;
}

const size_t *ig_assignment_offsets(const ig_assignment *a)
{
    return a ? a->offsets : NULL;
}

const size_t *ig_assignment_cells(const ig_assignment *a)
{
    return a ? a->cells : NULL;
}

const double *ig_assignment_weights(const ig_assignment *a)
{
    return a ? a->weights : NULL;
}

size_t ig_assignment_place_cells(const ig_assignment *a, size_t p)
{
    return (a && p < a->nplaces) ? a->offsets[p + 1] - a->offsets[p] : 0;
}

size_t ig_assignment_unassigned(const ig_assignment *a)
{
    return a ? a->unassigned : 0;
}

size_t ig_assignment_empty_places(const ig_assignment *a)
{
    return a ? a->empty : 0;
}

size_t ig_assignment_overlaps(const ig_assignment *a)
{
    return a ? a->overlaps : 0;
}

ig_assign_mode ig_assignment_mode(const ig_assignment *a)
{
    return a ? a->mode : IG_ASSIGN_CENTRE;
}

/* The grid's cells in (row, column) order. */
typedef struct gindex {
    const int32_t *rows, *cols;
    uint32_t *perm; /* sorted position -> cell; NULL: already sorted */
    size_t n;
    int64_t rmin, rmax, cmin, cmax;
} gindex;

typedef struct keyidx {
    uint64_t key;
    uint32_t idx;
} keyidx;

static uint64_t pack_rc(int32_t r, int32_t c)
{
    return ((uint64_t)((uint32_t)r ^ 0x80000000u) << 32) |
           (uint64_t)((uint32_t)c ^ 0x80000000u);
}

static int cmp_keyidx(const void *pa, const void *pb)
{
    const keyidx *x = pa, *y = pb;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

static size_t gi_cell(const gindex *g, size_t k)
{
    return g->perm ? g->perm[k] : k;
}

static uint64_t gi_key(const gindex *g, size_t k)
{
    size_t i = gi_cell(g, k);
    return pack_rc(g->rows[i], g->cols[i]);
}

/* First sorted position with (row, col) >= (r, c). */
static size_t gi_lower(const gindex *g, int64_t r, int64_t c)
{
    uint64_t key = pack_rc((int32_t)r, (int32_t)c);
    size_t lo = 0, hi = g->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (gi_key(g, mid) < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static ig_status gindex_build(ig_ctx *ctx, const ig_grid *grid, gindex *g,
                              ig_error *err)
{
    memset(g, 0, sizeof *g);
    g->rows = ig_grid_rows(grid);
    g->cols = ig_grid_cols(grid);
    g->n = ig_grid_ncells(grid);
    int sorted = 1;
    for (size_t i = 0; i < g->n; i++) {
        if (i == 0) {
            g->rmin = g->rmax = g->rows[0];
            g->cmin = g->cmax = g->cols[0];
        }
        if (g->rows[i] < g->rmin) g->rmin = g->rows[i];
        if (g->rows[i] > g->rmax) g->rmax = g->rows[i];
        if (g->cols[i] < g->cmin) g->cmin = g->cols[i];
        if (g->cols[i] > g->cmax) g->cmax = g->cols[i];
        if (i && pack_rc(g->rows[i - 1], g->cols[i - 1]) >=
                     pack_rc(g->rows[i], g->cols[i]))
            sorted = 0;
    }
    if (!sorted) {
        keyidx *k = ig__calloc(ctx, g->n, sizeof *k);
        g->perm = ig__calloc(ctx, g->n, sizeof *g->perm);
        if (!k || !g->perm) {
            ig__free(ctx, k, g->n * sizeof *k);
            ig__free(ctx, g->perm, g->n * sizeof *g->perm);
            g->perm = NULL;
            return nomem(err);
        }
        for (size_t i = 0; i < g->n; i++) {
            k[i].key = pack_rc(g->rows[i], g->cols[i]);
            k[i].idx = (uint32_t)i;
        }
        qsort(k, g->n, sizeof *k, cmp_keyidx);
        int dup = 0;
        size_t at = 0;
        for (size_t i = 0; i < g->n; i++) {
            g->perm[i] = k[i].idx;
            if (i && k[i].key == k[i - 1].key && !dup) {
                dup = 1;
                at = k[i].idx;
            }
        }
        ig__free(ctx, k, g->n * sizeof *k);
        if (dup) {
            ig__free(ctx, g->perm, g->n * sizeof *g->perm);
            g->perm = NULL;
            char id[IG_CELLCODE_MAX] = "";
            ig_grid_cell_id(grid, at, id, sizeof id);
            return ig__error_set(err, IG_ERR_MISMATCH, 0, 0,
                                 "cell %s appears twice in the grid (it is "
                                 "split by places, --by): read the grid "
                                 "without --by to assign cells to boundaries",
                                 id);
        }
    }
    return IG_OK;
}

typedef struct entry {
    size_t cell;
    double a;
} entry;

static int cmp_entry(const void *pa, const void *pb)
{
    const entry *x = pa, *y = pb;
    return (x->cell > y->cell) - (x->cell < y->cell);
}

typedef struct work {
    ig_ctx *ctx;
    const ig_boundaries *b;
    const gindex *g;
    double s;
    ig__scan sc;
    ig__pieces pc;
    entry *fe; /* entries of the current feature */
    size_t nfe, cap_fe;
    ig__piece *ptmp; /* pieces sorted by row */
    size_t cap_ptmp;
    size_t *rcount; /* pieces per row */
    size_t cap_rcount;
} work;

/* Sort the pieces by (row, column): a counting sort by row (rows of one
 * polygon), then insertion sort by column within each row, where there
 * are few. Cheaper than qsort on millions of small runs. */
static ig_status sort_pieces(work *w, int64_t rlo, int64_t rhi)
{
    size_t n = w->pc.n;
    if (n < 2) return IG_OK;
    size_t nr = (size_t)(rhi - rlo + 1);
    if (ig__grow(w->ctx, (void **)&w->ptmp, &w->cap_ptmp, n, sizeof *w->ptmp) !=
            IG_OK ||
        ig__grow(w->ctx, (void **)&w->rcount, &w->cap_rcount, nr + 1,
                 sizeof *w->rcount) != IG_OK)
        return IG_ERR_NOMEM;
    size_t *cnt = w->rcount;
    memset(cnt, 0, (nr + 1) * sizeof *cnt);
    const ig__piece *p = w->pc.p;
    for (size_t i = 0; i < n; i++) cnt[(size_t)(p[i].row - rlo) + 1]++;
    for (size_t r = 0; r < nr; r++) cnt[r + 1] += cnt[r];
    for (size_t i = 0; i < n; i++)
        w->ptmp[cnt[(size_t)(p[i].row - rlo)]++] = p[i];
    ig__piece *q = w->ptmp;
    for (size_t i = 1; i < n; i++) {
        ig__piece v = q[i];
        size_t j = i;
        while (j > 0 && q[j - 1].row == v.row && q[j - 1].col > v.col) {
            q[j] = q[j - 1];
            j--;
        }
        q[j] = v;
    }
    /* swap the buffers: the sorted pieces become pc */
    ig__piece *t = w->pc.p;
    size_t tc = w->pc.cap;
    w->pc.p = w->ptmp;
    w->pc.cap = w->cap_ptmp;
    w->ptmp = t;
    w->cap_ptmp = tc;
    return IG_OK;
}

static void poly_bbox(const ig_boundaries *b, size_t k, ig_bbox *bb)
{
    bb->min_x = bb->min_y = HUGE_VAL;
    bb->max_x = bb->max_y = -HUGE_VAL;
    for (size_t r = b->poly_off[k]; r < b->poly_off[k + 1]; r++)
        for (size_t i = b->ring_off[r]; i < b->ring_off[r + 1]; i++) {
            bb->min_x = fmin(bb->min_x, b->xy[2 * i]);
            bb->max_x = fmax(bb->max_x, b->xy[2 * i]);
            bb->min_y = fmin(bb->min_y, b->xy[2 * i + 1]);
            bb->max_y = fmax(bb->max_y, b->xy[2 * i + 1]);
        }
}

static ig_status push_entry(work *w, size_t cell, double a)
{
    if (ig__grow(w->ctx, (void **)&w->fe, &w->cap_fe, w->nfe + 1,
                 sizeof *w->fe) != IG_OK)
        return IG_ERR_NOMEM;
    w->fe[w->nfe].cell = cell;
    w->fe[w->nfe].a = a;
    w->nfe++;
    return IG_OK;
}

/* Centre rule for polygon k: cells whose centre is inside, as entries. */
static ig_status centre_poly(work *w, size_t k)
{
    const ig_boundaries *b = w->b;
    const gindex *g = w->g;
    const double s = w->s;
    ig_bbox bb;
    poly_bbox(b, k, &bb);
    int64_t rlo = ig__lattice_at_or_above(bb.min_y, s, 0.5, g->rmin, g->rmax);
    int64_t rhi =
        ig__lattice_at_or_above(bb.max_y, s, 0.5, g->rmin, g->rmax) - 1;
    if (rlo > rhi) return IG_OK;
    ig_status st = ig__scan_begin(&w->sc, b->xy, b->ring_off, b->poly_off[k],
                                  b->poly_off[k + 1], s, 0.5, rlo, rhi);
    if (st != IG_OK) return st;
    for (int64_t r = rlo; r <= rhi; r++) {
        size_t m = ig__scan_row(&w->sc, r);
        for (size_t i = 0; i + 1 < m; i += 2) {
            int64_t cf =
                ig__lattice_at_or_above(w->sc.xs[i], s, 0.5, g->cmin, g->cmax);
            int64_t cl = ig__lattice_at_or_above(w->sc.xs[i + 1], s, 0.5,
                                                 g->cmin, g->cmax) -
                         1;
            if (cf > cl) continue;
            uint64_t last = pack_rc((int32_t)r, (int32_t)cl);
            for (size_t q = gi_lower(g, r, cf);
                 q < g->n && gi_key(g, q) <= last; q++)
                if ((st = push_entry(w, gi_cell(g, q), 1.0)) != IG_OK)
                    return st;
        }
    }
    return IG_OK;
}

/* Area rule for polygon k: area(cell n polygon) for every cell it
 * overlaps, as entries. */
static ig_status area_poly(work *w, size_t k)
{
    const ig_boundaries *b = w->b;
    const gindex *g = w->g;
    const double s = w->s, full = s * s, thr = IG_AREA_MIN_REL * s * s;
    ig_bbox bb;
    poly_bbox(b, k, &bb);
    /* rows and columns of half-open cells (r s, (r + 1) s] touched */
    int64_t rlo =
        ig__lattice_at_or_above(bb.min_y, s, 0.0, g->rmin, g->rmax) - 1;
    int64_t rhi =
        ig__lattice_at_or_above(bb.max_y, s, 0.0, g->rmin, g->rmax) - 1;
    int64_t clo =
        ig__lattice_at_or_above(bb.min_x, s, 0.0, g->cmin, g->cmax) - 1;
    int64_t chi =
        ig__lattice_at_or_above(bb.max_x, s, 0.0, g->cmin, g->cmax) - 1;
    if (rlo < g->rmin) rlo = g->rmin;
    if (clo < g->cmin) clo = g->cmin;
    if (rlo > rhi || clo > chi) return IG_OK;

    /* top lines y = (r + 1) s */
    ig_status st = ig__scan_begin(&w->sc, b->xy, b->ring_off, b->poly_off[k],
                                  b->poly_off[k + 1], s, 1.0, rlo, rhi);
    if (st != IG_OK) return st;
    /* edge pieces, summed per cell */
    ig__walk_win win = {s, rlo, rhi, clo, chi};
    w->pc.n = 0;
    for (size_t r = b->poly_off[k]; r < b->poly_off[k + 1]; r++) {
        size_t o = b->ring_off[r], n = b->ring_off[r + 1] - o;
        for (size_t j = 0; j < n; j++) {
            const double *p = b->xy + 2 * (o + j);
            const double *q = b->xy + 2 * (o + (j + 1 == n ? 0 : j + 1));
            if ((st = ig__walk_edge(&w->pc, p[0], p[1], q[0], q[1], &win)) !=
                IG_OK)
                return st;
        }
    }
    if ((st = sort_pieces(w, rlo, rhi)) != IG_OK) return st;
    size_t np = 0;
    for (size_t i = 0; i < w->pc.n; i++) {
        if (np && w->pc.p[np - 1].row == w->pc.p[i].row &&
            w->pc.p[np - 1].col == w->pc.p[i].col)
            w->pc.p[np - 1].v += w->pc.p[i].v;
        else
            w->pc.p[np++] = w->pc.p[i];
    }

    size_t pi = 0;
    for (int64_t r = rlo; r <= rhi; r++) {
        size_t m = ig__scan_row(&w->sc, r);
        const double *xs = w->sc.xs;
        while (pi < np && w->pc.p[pi].row < r) pi++;
        size_t pj = pi;
        while (pj < np && w->pc.p[pj].row == r) pj++;
        if (m == 0 && pi == pj) continue;
        int64_t cf = chi + 1, cl = clo - 1;
        if (m) {
            cf = ig__lattice_at_or_above(xs[0], s, 0.0, clo, chi) - 1;
            cl = ig__lattice_at_or_above(xs[m - 1], s, 0.0, clo, chi) - 1;
        }
        if (pi < pj) {
            if (w->pc.p[pi].col < cf) cf = w->pc.p[pi].col;
            if (w->pc.p[pj - 1].col > cl) cl = w->pc.p[pj - 1].col;
        }
        if (cf < clo) cf = clo;
        if (cl > chi) cl = chi;
        if (cf > cl) {
            pi = pj;
            continue;
        }
        size_t iv = 0, pp = pi;
        uint64_t last = pack_rc((int32_t)r, (int32_t)cl);
        for (size_t q = gi_lower(g, r, cf); q < g->n && gi_key(g, q) <= last;
             q++) {
            size_t cell = gi_cell(g, q);
            int64_t c = g->cols[cell];
            double x0 = (double)c * s, x1 = x0 + s;
            while (iv + 1 < m && xs[iv + 1] <= x0) iv += 2;
            double len = 0.0;
            for (size_t j = iv; j + 1 < m && xs[j] < x1; j += 2)
                len += fmin(x1, xs[j + 1]) - fmax(x0, xs[j]);
            while (pp < pj && w->pc.p[pp].col < c) pp++;
            double v = (pp < pj && w->pc.p[pp].col == c) ? w->pc.p[pp].v : 0.0;
            double a = s * len + v;
            if (a > thr &&
                (st = push_entry(w, cell, a > full ? full : a)) != IG_OK)
                return st;
        }
        pi = pj;
    }
    return IG_OK;
}

/* Sort the feature's entries by cell and merge repeats (cells shared by
 * two parts of a MultiPolygon). */
static void merge_entries(work *w)
{
    int sorted = 1;
    for (size_t i = 1; i < w->nfe && sorted; i++)
        sorted = w->fe[i - 1].cell < w->fe[i].cell;
    if (!sorted) qsort(w->fe, w->nfe, sizeof *w->fe, cmp_entry);
    size_t n = 0;
    for (size_t i = 0; i < w->nfe; i++) {
        if (n && w->fe[n - 1].cell == w->fe[i].cell)
            w->fe[n - 1].a += w->fe[i].a;
        else
            w->fe[n++] = w->fe[i];
    }
    w->nfe = n;
}

static void warn_empty(ig_ctx *ctx, const ig_boundaries *b, size_t f,
                       size_t nth)
{
    if (nth > IG__BND_WARN_MAX) return;
    ig__log(ctx, IG_LOG_WARN,
            "%s: place '%s' (feature %zu) covers no grid cell; it is kept "
            "without cells (population 0)",
            b->source, b->ids[f], b->feat_index[f]);
}

static ig_status assign_centre(work *w, ig_assignment *a, size_t ncells)
{
    ig_ctx *ctx = w->ctx;
    const ig_boundaries *b = w->b;
    const size_t nf = b->nfeat;
    ig_status st = IG_OK;
    uint32_t *owner = ig__calloc(ctx, ncells, sizeof *owner);
    uint8_t *mark = ig__calloc(ctx, ncells, sizeof *mark);
    size_t *cursor = ig__calloc(ctx, nf + 1, sizeof *cursor);
    if (!owner || !mark || !cursor) {
        st = IG_ERR_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < ncells; i++) owner[i] = NONE;
    for (size_t f = 0; f < nf; f++) {
        w->nfe = 0;
        for (size_t k = b->feat_off[f]; k < b->feat_off[f + 1]; k++)
            if ((st = centre_poly(w, k)) != IG_OK) goto out;
        for (size_t i = 0; i < w->nfe; i++) {
            size_t c = w->fe[i].cell;
            if (owner[c] == NONE) {
                owner[c] = (uint32_t)f;
            } else if (owner[c] != (uint32_t)f && !mark[c]) {
                mark[c] = 1;
                a->overlaps++;
            }
        }
    }
    for (size_t i = 0; i < ncells; i++) {
        if (owner[i] == NONE)
            a->unassigned++;
        else
            a->offsets[owner[i] + 1]++;
    }
    for (size_t f = 0; f < nf; f++) a->offsets[f + 1] += a->offsets[f];
    a->nentries = a->cap_entries = a->offsets[nf];
    a->cells = ig__calloc(ctx, a->cap_entries, sizeof *a->cells);
    if (!a->cells) {
        a->cap_entries = 0;
        st = IG_ERR_NOMEM;
        goto out;
    }
    /* fill in cell order, so each place's cells ascend */
    memcpy(cursor, a->offsets, (nf + 1) * sizeof *cursor);
    for (size_t i = 0; i < ncells; i++)
        if (owner[i] != NONE) a->cells[cursor[owner[i]]++] = i;
out:
    ig__free(ctx, owner, ncells * sizeof *owner);
    ig__free(ctx, mark, ncells * sizeof *mark);
    ig__free(ctx, cursor, (nf + 1) * sizeof *cursor);
    return st;
}

static ig_status assign_area(work *w, ig_assignment *a, size_t ncells)
{
    ig_ctx *ctx = w->ctx;
    const ig_boundaries *b = w->b;
    const size_t nf = b->nfeat;
    const double full = w->s * w->s;
    ig_status st = IG_OK;
    double *den = ig__calloc(ctx, ncells, sizeof *den);
    entry *all = NULL;
    size_t nall = 0, cap_all = 0;
    if (!den) return IG_ERR_NOMEM;
    /* reserve about one entry per cell plus the cells polygons share, or
     * the cells in the places' bounding boxes when that is less */
    const gindex *g = w->g;
    double est = 0.0;
    for (size_t f = 0; f < nf; f++) {
        const ig_bbox *bb = &b->bbox[f];
        if (b->feat_off[f] == b->feat_off[f + 1]) continue;
        double r0 = fmax(floor(bb->min_y / w->s), (double)g->rmin);
        double r1 = fmin(ceil(bb->max_y / w->s), (double)g->rmax + 1.0);
        double c0 = fmax(floor(bb->min_x / w->s), (double)g->cmin);
        double c1 = fmin(ceil(bb->max_x / w->s), (double)g->cmax + 1.0);
        if (r1 > r0 && c1 > c0) est += (r1 - r0 + 1.0) * (c1 - c0 + 1.0);
    }
    double most = (double)ncells * 1.25 + 16.0;
    size_t want = (size_t)(est < most ? est : most) + 16;
    if (ig__grow(ctx, (void **)&all, &cap_all, want, sizeof *all) != IG_OK) {
        ig__free(ctx, den, ncells * sizeof *den);
        return IG_ERR_NOMEM;
    }
    /* areas per place, cells ascending; den = sum over places, in file
     * order, so the weights do not depend on anything else */
    for (size_t f = 0; f < nf; f++) {
        w->nfe = 0;
        for (size_t k = b->feat_off[f]; k < b->feat_off[f + 1]; k++)
            if ((st = area_poly(w, k)) != IG_OK) goto out;
        merge_entries(w);
        if (ig__grow(ctx, (void **)&all, &cap_all, nall + w->nfe,
                     sizeof *all) != IG_OK) {
            st = IG_ERR_NOMEM;
            goto out;
        }
        for (size_t i = 0; i < w->nfe; i++) {
            if (w->fe[i].a > full) w->fe[i].a = full;
            den[w->fe[i].cell] += w->fe[i].a;
            all[nall++] = w->fe[i];
        }
        a->offsets[f + 1] = nall;
    }
    a->cap_entries = nall;
    a->cells = ig__calloc(ctx, nall, sizeof *a->cells);
    a->weights = ig__calloc(ctx, nall, sizeof *a->weights);
    if (!a->cells || !a->weights) {
        st = IG_ERR_NOMEM;
        goto out;
    }
    size_t n = 0, from = 0;
    for (size_t f = 0; f < nf; f++) {
        size_t to = a->offsets[f + 1];
        for (size_t i = from; i < to; i++) {
            double wt = all[i].a / den[all[i].cell];
            if (!(wt >= IG_WEIGHT_MIN)) continue;
            a->cells[n] = all[i].cell;
            a->weights[n] = wt > 1.0 ? 1.0 : wt;
            n++;
        }
        from = to;
        a->offsets[f + 1] = n;
    }
    a->nentries = n;
    for (size_t i = 0; i < ncells; i++) {
        if (den[i] == 0.0)
            a->unassigned++;
        else if (den[i] > full * (1.0 + IG_AREA_MIN_REL))
            a->overlaps++;
    }
out:
    ig__free(ctx, den, ncells * sizeof *den);
    ig__free(ctx, all, cap_all * sizeof *all);
    return st;
}

ig_status ig_boundaries_assign(ig_ctx *ctx, const ig_boundaries *b,
                               const ig_grid *grid, ig_assign_mode mode,
                               ig_assignment **out, ig_error *err)
{
    if (!b || !grid || !out || !b->finished)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "ig_boundaries_assign: boundaries, grid and out "
                             "are required");
    if (mode != IG_ASSIGN_CENTRE && mode != IG_ASSIGN_AREA)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "unknown assignment mode %d (centre or area)",
                             (int)mode);
    int32_t size_m = ig_grid_cell_size_m(grid);
    if (size_m <= 0 || !ig_grid_rows(grid) || !ig_grid_cols(grid))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "boundaries need a spatial grid (cells with "
                             "coordinates), not aspatial units");
    if (ig_grid_crs_epsg(grid) != b->epsg)
        return ig__error_set(err, IG_ERR_MISMATCH, 0, 0,
                             "the grid is in EPSG:%ld but the boundaries were "
                             "projected to EPSG:%ld: read them with "
                             "target_epsg = %ld",
                             (long)ig_grid_crs_epsg(grid), (long)b->epsg,
                             (long)ig_grid_crs_epsg(grid));
    size_t ncells = ig_grid_ncells(grid);
    if (ncells >= UINT32_MAX || b->nfeat >= UINT32_MAX)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "%zu cells or %zu places are too many", ncells,
                             b->nfeat);

    ig_status st = IG_OK;
    gindex g;
    work w;
    memset(&w, 0, sizeof w);
    w.ctx = ctx;
    w.b = b;
    w.g = &g;
    w.s = (double)size_m;
    w.sc.ctx = ctx;
    w.pc.ctx = ctx;
    ig_assignment *a = ig__calloc(ctx, 1, sizeof *a);
    if (!a) return nomem(err);
    a->ctx = ctx;
    a->mode = mode;
    a->nplaces = b->nfeat;
    a->offsets = ig__calloc(ctx, b->nfeat + 1, sizeof *a->offsets);
    if (!a->offsets) {
        ig__free(ctx, a, sizeof *a);
        return nomem(err);
    }
    if ((st = gindex_build(ctx, grid, &g, err)) != IG_OK) {
        ig_assignment_destroy(a);
        return st;
    }
    if (ncells > 0) {
        st = mode == IG_ASSIGN_CENTRE ? assign_centre(&w, a, ncells)
                                      : assign_area(&w, a, ncells);
    }
    ig__scan_free(&w.sc);
    ig__free(ctx, w.pc.p, w.pc.cap * sizeof *w.pc.p);
    ig__free(ctx, w.fe, w.cap_fe * sizeof *w.fe);
    ig__free(ctx, w.ptmp, w.cap_ptmp * sizeof *w.ptmp);
    ig__free(ctx, w.rcount, w.cap_rcount * sizeof *w.rcount);
    ig__free(ctx, g.perm, g.n * sizeof *g.perm);
    if (st != IG_OK) {
        ig_assignment_destroy(a);
        return nomem(err);
    }
    for (size_t f = 0; f < b->nfeat; f++)
        if (a->offsets[f + 1] == a->offsets[f])
            warn_empty(ctx, b, f, ++a->empty);
    if (a->empty > IG__BND_WARN_MAX)
        ig__log(ctx, IG_LOG_WARN, "%s: %zu places in all cover no grid cell",
                b->source, a->empty);
    if (a->overlaps)
        ig__log(ctx, IG_LOG_WARN,
                "%s: %zu grid cells lie in more than one polygon (%s)",
                b->source, a->overlaps,
                mode == IG_ASSIGN_CENTRE
                    ? "overlapping polygons: each such cell went to the "
                      "first in file order"
                    : "overlapping polygons: each such cell is shared in "
                      "proportion to the areas");
    *out = a;
    return IG_OK;
}
