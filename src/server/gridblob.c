/* The binary grid format of the store (docs/server.md, "Binary grid
 * format"): a grid's columns written as they are, little-endian, so a stored
 * dataset is rebuilt without re-parsing its CSV and with bit-identical
 * counts. Version 1 layout: a fixed 56-byte header, then sections in a fixed
 * order, then a CRC-32 (zlib) of every byte before it. The reader checks the
 * checksum and every length against the bytes that are left before it
 * allocates anything, so a damaged or hostile blob fails with IG_ERR_PARSE,
 * never with a crash or a huge allocation. The grid is rebuilt through the
 * public builder, which re-checks counts and the lattice. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "core/core.h"
#include "integrid/ig_server.h"

#define MAGIC "IGGRIDB" /* 7 bytes + NUL = 8 */
#define HEADER_BYTES 56u
#define F_TOTAL 1u
#define F_ASPATIAL 2u
#define F_NA 4u
#define F_WITHIN 8u
#define F_SPLIT 16u

/* ---- writing ------------------------------------------------------------ */

typedef struct wbuf {
    ig_ctx *ctx;
    unsigned char *p;
    size_t len, cap;
    int failed;
} wbuf;

static void w_bytes(wbuf *w, const void *src, size_t n)
{
    if (w->failed) return;
    if (n > SIZE_MAX - w->len) {
        w->failed = 1;
        return;
    }
    if (w->len + n > w->cap) {
        void *p = w->p;
        if (ig__grow(w->ctx, &p, &w->cap, w->len + n, 1) != IG_OK) {
            w->failed = 1;
            return;
        }
        w->p = p;
    }
    if (n) memcpy(w->p + w->len, src, n);
    w->len += n;
}

static void w_u32(wbuf *w, uint32_t v)
{
    unsigned char b[4];
    for (int i = 0; i < 4; i++) b[i] = (unsigned char)(v >> (8 * i));
    w_bytes(w, b, 4);
}

static void w_u64(wbuf *w, uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)(v >> (8 * i));
    w_bytes(w, b, 8);
}

static void w_f64(wbuf *w, double d)
{
    uint64_t v;
    memcpy(&v, &d, 8);
    w_u64(w, v);
}

static void w_str(wbuf *w, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    w_u32(w, (uint32_t)n);
    w_bytes(w, s, n);
}

static void put_u32_at(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static void put_u64_at(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t crc_of(const unsigned char *p, size_t n)
{
    uLong c = crc32(0L, Z_NULL, 0);
    while (n > 0) { /* zlib takes uInt lengths */
        uInt chunk = n > 0x40000000u ? 0x40000000u : (uInt)n;
        c = crc32(c, p, chunk);
        p += chunk;
        n -= chunk;
    }
    return (uint32_t)c;
}

ig_status ig_store_grid_encode(ig_ctx *ctx, const ig_grid *grid, void **out,
                               size_t *len, ig_error *err)
{
    if (!grid || !out || !len)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "grid, out and len are required");
    size_t n = ig_grid_ncells(grid), ng = ig_grid_ngroups(grid);
    size_t nv = ig_grid_nvars(grid), np = ig_grid_nplaces(grid);
    size_t nw = ig_grid_nwithin(grid);
    int aspatial = ig_grid_cell_size_m(grid) == 0;
    int has_na = ig_grid_na_any(grid) != NULL;
    int split = !(np == 1 && strcmp(ig_grid_place_name(grid, 0), "all") == 0);
    if (n > UINT32_MAX || ng > UINT32_MAX || nv > UINT32_MAX ||
        np > UINT32_MAX || nw > UINT32_MAX)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "grid too large for the binary format "
                             "(more than 2^32 cells or names)");
    uint32_t flags = (ig_grid_has_total(grid) ? F_TOTAL : 0u) |
                     (aspatial ? F_ASPATIAL : 0u) | (has_na ? F_NA : 0u) |
                     (nw ? F_WITHIN : 0u) | (split ? F_SPLIT : 0u);
    wbuf w = {ctx, NULL, 0, 0, 0};
    unsigned char hdr[HEADER_BYTES];
    memset(hdr, 0, sizeof hdr);
    memcpy(hdr, MAGIC, 8);
    put_u32_at(hdr + 8, IG_GRIDBLOB_VERSION);
    put_u32_at(hdr + 12, flags);
    put_u32_at(hdr + 16, (uint32_t)ig_grid_cell_size_m(grid));
    put_u32_at(hdr + 20, (uint32_t)ig_grid_crs_epsg(grid));
    put_u64_at(hdr + 24, (uint64_t)n);
    put_u32_at(hdr + 32, (uint32_t)ng);
    put_u32_at(hdr + 36, (uint32_t)nv);
    put_u32_at(hdr + 40, (uint32_t)np);
    put_u32_at(hdr + 44, (uint32_t)nw);
    /* hdr + 48: total length, patched at the end */
    w_bytes(&w, hdr, sizeof hdr);
    for (size_t g = 0; g < ng; g++) w_str(&w, ig_grid_group_name(grid, g));
    for (size_t v = 0; v < nv; v++) w_str(&w, ig_grid_var_name(grid, v));
    for (size_t p = 0; p < np; p++) {
        size_t first = 0, count = 0;
        (void)ig_grid_place_range(grid, p, &first, &count);
        w_str(&w, ig_grid_place_name(grid, p));
        w_u64(&w, (uint64_t)count);
    }
    for (size_t k = 0; k < nw; k++) w_str(&w, ig_grid_within_name(grid, k));
    if (aspatial) {
        for (size_t i = 0; i < n; i++) w_str(&w, ig_grid_unit_name(grid, i));
    } else {
        const int32_t *rows = ig_grid_rows(grid), *cols = ig_grid_cols(grid);
        for (size_t i = 0; i < n; i++) w_u32(&w, (uint32_t)rows[i]);
        for (size_t i = 0; i < n; i++) w_u32(&w, (uint32_t)cols[i]);
    }
    for (size_t g = 0; g < ng; g++) {
        const double *c = ig_grid_counts(grid, g);
        for (size_t i = 0; i < n; i++) w_f64(&w, c[i]);
    }
    if (flags & F_TOTAL) {
        const double *t = ig_grid_totals(grid);
        for (size_t i = 0; i < n; i++) w_f64(&w, t[i]);
    }
    if (flags & F_NA) {
        for (size_t g = 0; g < ng; g++) {
            const uint8_t *na = ig_grid_na(grid, g);
            unsigned char present = na ? 1 : 0;
            w_bytes(&w, &present, 1);
            if (na) w_bytes(&w, na, n);
        }
    }
    for (size_t v = 0; v < nv; v++) {
        const double *x = ig_grid_var(grid, v);
        for (size_t i = 0; i < n; i++) w_f64(&w, x[i]);
    }
    if (nw) {
        const uint32_t *wi = ig_grid_within(grid);
        for (size_t i = 0; i < n; i++) w_u32(&w, wi[i]);
    }
    if (!w.failed) put_u64_at(w.p + 48, (uint64_t)w.len + 4u);
    if (!w.failed) w_u32(&w, crc_of(w.p, w.len));
    if (w.failed) {
        ig__free(ctx, w.p, w.cap);
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0,
                             "out of memory encoding a grid of %zu cells", n);
    }
    *out = w.p;
    *len = w.len;
    return IG_OK;
}

void ig_store_free(ig_ctx *ctx, void *p, size_t n)
{
    ig__free(ctx, p, n);
}

/* ---- reading ------------------------------------------------------------ */

typedef struct rbuf {
    const unsigned char *p;
    size_t len, pos;
    int bad;
} rbuf;

static int r_need(rbuf *r, size_t n)
{
    if (r->bad || n > r->len - r->pos) {
        r->bad = 1;
        return 0;
    }
    return 1;
}

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static uint64_t get_u64(const unsigned char *p)
{
    return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

static uint32_t r_u32(rbuf *r)
{
    if (!r_need(r, 4)) return 0;
    uint32_t v = get_u32(r->p + r->pos);
    r->pos += 4;
    return v;
}

static uint64_t r_u64(rbuf *r)
{
    if (!r_need(r, 8)) return 0;
    uint64_t v = get_u64(r->p + r->pos);
    r->pos += 8;
    return v;
}

static double f64_at(const unsigned char *p)
{
    uint64_t v = get_u64(p);
    double d;
    memcpy(&d, &v, 8);
    return d;
}

/* A string: returns an allocated NUL-terminated copy; names must be
 * non-empty text without NUL bytes. */
static char *r_str(ig_ctx *ctx, rbuf *r, int *nomem)
{
    uint32_t n = r_u32(r);
    if (!r_need(r, n) || n == 0 || memchr(r->p + r->pos, 0, n)) {
        r->bad = 1;
        return NULL;
    }
    char *s = ig__strndup(ctx, (const char *)r->p + r->pos, n);
    if (!s) *nomem = 1;
    r->pos += n;
    return s;
}

typedef struct names {
    char **v;
    size_t n;
} names;

static void names_free(ig_ctx *ctx, names *nm)
{
    if (!nm->v) return;
    for (size_t i = 0; i < nm->n; i++) ig__free(ctx, nm->v[i], 0);
    ig__free(ctx, nm->v, nm->n * sizeof(char *));
    nm->v = NULL;
}

/* Read @p n strings; the count was checked against the bytes left (each
 * string takes at least 5 bytes). */
static int r_names(ig_ctx *ctx, rbuf *r, size_t n, names *out, int *nomem)
{
    out->n = n;
    out->v = NULL;
    if (n == 0) return 1;
    if (n > (r->len - r->pos) / 5) {
        r->bad = 1;
        return 0;
    }
    out->v = ig__calloc(ctx, n, sizeof(char *));
    if (!out->v) {
        *nomem = 1;
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        out->v[i] = r_str(ctx, r, nomem);
        if (!out->v[i]) return 0;
    }
    return 1;
}

static ig_status damaged(ig_error *err, const char *what)
{
    return ig__error_set(err, IG_ERR_PARSE, 0, 0,
                         "damaged binary grid: %s; re-import the dataset",
                         what);
}

ig_status ig_store_grid_decode(ig_ctx *ctx, const void *data, size_t len,
                               ig_grid **out, ig_error *err)
{
    if (!data || !out)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "data and out are required");
    const unsigned char *p = data;
    if (len < HEADER_BYTES + 4 || memcmp(p, MAGIC, 8) != 0)
        return ig__error_set(err, IG_ERR_FORMAT, 0, 0,
                             "not a binary grid (bad magic or too short)");
    uint32_t version = get_u32(p + 8);
    if (version != IG_GRIDBLOB_VERSION)
        return ig__error_set(err, IG_ERR_FORMAT, 0, 0,
                             "binary grid version %u is not supported "
                             "(this library reads version %d)",
                             (unsigned)version, IG_GRIDBLOB_VERSION);
    if (get_u64(p + 48) != (uint64_t)len) return damaged(err, "length");
    if (crc_of(p, len - 4) != get_u32(p + len - 4))
        return damaged(err, "checksum mismatch");
    uint32_t flags = get_u32(p + 12);
    int32_t size_m = (int32_t)get_u32(p + 16);
    int32_t epsg = (int32_t)get_u32(p + 20);
    uint64_t n64 = get_u64(p + 24);
    size_t ng = get_u32(p + 32), nv = get_u32(p + 36), np = get_u32(p + 40);
    size_t nw = get_u32(p + 44);
    int aspatial = (flags & F_ASPATIAL) != 0;
    if (flags & ~(F_TOTAL | F_ASPATIAL | F_NA | F_WITHIN | F_SPLIT))
        return damaged(err, "unknown flags");
    if (ng == 0 || np == 0 || (aspatial != (size_m == 0)) || size_m < 0)
        return damaged(err, "header");
    if (!!(flags & F_WITHIN) != (nw > 0)) return damaged(err, "header");
    /* every cell takes at least 8 bytes per group: bound n before use */
    if (n64 > (uint64_t)(len / 8u) || n64 > UINT32_MAX)
        return damaged(err, "cell count");
    size_t n = (size_t)n64;

    rbuf r = {p, len - 4, HEADER_BYTES, 0};
    int nomem = 0;
    ig_status st = IG_OK;
    names gn = {0}, vn = {0}, pn = {0}, wn = {0}, un = {0};
    uint64_t *pcount = NULL;
    ig_grid_builder *b = NULL;
    double *counts = NULL, *vars = NULL;
    uint8_t *na = NULL;
    const unsigned char *rows = NULL, *cols = NULL, *cnt = NULL, *tot = NULL;
    const unsigned char **na_of = NULL;
    const unsigned char *var_sec = NULL, *win = NULL;

    if (!r_names(ctx, &r, ng, &gn, &nomem)) goto fail;
    if (!r_names(ctx, &r, nv, &vn, &nomem)) goto fail;
    if (np > (r.len - r.pos) / 13) {
        r.bad = 1;
        goto fail;
    }
    pn.v = ig__calloc(ctx, np, sizeof(char *));
    pn.n = np;
    pcount = ig__calloc(ctx, np, sizeof *pcount);
    if (!pn.v || !pcount) {
        nomem = 1;
        goto fail;
    }
    uint64_t sum = 0;
    for (size_t k = 0; k < np; k++) {
        pn.v[k] = r_str(ctx, &r, &nomem);
        if (!pn.v[k]) goto fail;
        pcount[k] = r_u64(&r);
        if (pcount[k] > n64 - sum) {
            r.bad = 1;
            goto fail;
        }
        sum += pcount[k];
    }
    if (sum != n64) {
        r.bad = 1;
        goto fail;
    }
    if (!r_names(ctx, &r, nw, &wn, &nomem)) goto fail;
    if (aspatial) {
        if (!r_names(ctx, &r, n, &un, &nomem)) goto fail;
    } else {
        if (!r_need(&r, n * 8)) goto fail;
        rows = p + r.pos;
        cols = rows + n * 4;
        r.pos += n * 8;
    }
    if (!r_need(&r, n * 8 * ng)) goto fail; /* ng < 2^32, n*8 < len */
    cnt = p + r.pos;
    r.pos += n * 8 * ng;
    if (flags & F_TOTAL) {
        if (!r_need(&r, n * 8)) goto fail;
        tot = p + r.pos;
        r.pos += n * 8;
    }
    if (flags & F_NA) {
        na_of = ig__calloc(ctx, ng, sizeof *na_of);
        if (!na_of) {
            nomem = 1;
            goto fail;
        }
        for (size_t g = 0; g < ng; g++) {
            if (!r_need(&r, 1)) goto fail;
            unsigned char present = p[r.pos++];
            if (present > 1) {
                r.bad = 1;
                goto fail;
            }
            if (present) {
                if (!r_need(&r, n)) goto fail;
                na_of[g] = p + r.pos;
                r.pos += n;
            }
        }
    }
    if (nv) {
        if (n && nv > (r.len - r.pos) / (n * 8)) {
            r.bad = 1;
            goto fail;
        }
        var_sec = p + r.pos;
        r.pos += n * 8 * nv;
    }
    if (nw) {
        if (!r_need(&r, n * 4)) goto fail;
        win = p + r.pos;
        r.pos += n * 4;
    }
    if (r.pos != r.len) {
        r.bad = 1;
        goto fail;
    }

    ig_grid_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.size_m = size_m;
    spec.epsg = epsg;
    spec.n_groups = ng;
    spec.group_names = (const char *const *)gn.v;
    spec.n_vars = nv;
    spec.var_names = (const char *const *)vn.v;
    spec.has_total = (flags & F_TOTAL) != 0;
    spec.strict = 1;
    st = ig_grid_builder_create(ctx, &spec, &b, err);
    if (st != IG_OK) goto out;
    counts = ig__calloc(ctx, ng, sizeof(double));
    na = ig__calloc(ctx, ng, 1);
    vars = ig__calloc(ctx, nv ? nv : 1, sizeof(double));
    if (!counts || !na || !vars) {
        nomem = 1;
        goto fail;
    }
    size_t place = 0, left = np ? (size_t)pcount[0] : 0;
    for (size_t i = 0; i < n; i++) {
        while (left == 0 && place + 1 < np) left = (size_t)pcount[++place];
        left--;
        ig_grid_row row;
        memset(&row, 0, sizeof row);
        if (aspatial) {
            row.unit = un.v[i];
        } else {
            int64_t rr = (int32_t)get_u32(rows + 4 * i);
            int64_t cc = (int32_t)get_u32(cols + 4 * i);
            row.cell.north_m = rr * size_m;
            row.cell.east_m = cc * size_m;
            row.cell.size_m = size_m;
            row.cell.epsg = epsg;
        }
        for (size_t g = 0; g < ng; g++) {
            counts[g] = f64_at(cnt + 8 * (g * n + i));
            na[g] = (na_of && na_of[g]) ? na_of[g][i] : 0;
            if (na[g] > 1) {
                r.bad = 1;
                goto fail;
            }
        }
        for (size_t v = 0; v < nv; v++)
            vars[v] = f64_at(var_sec + 8 * (v * n + i));
        row.counts = counts;
        row.na = na_of ? na : NULL;
        row.total = tot ? f64_at(tot + 8 * i) : 0.0;
        row.vars = nv ? vars : NULL;
        row.place = (flags & F_SPLIT) ? pn.v[place] : NULL;
        if (win) {
            uint32_t k = get_u32(win + 4 * i);
            if (k >= nw) {
                r.bad = 1;
                goto fail;
            }
            row.within = wn.v[k];
        }
        st = ig_grid_builder_add(b, &row, err);
        if (st != IG_OK) goto out;
    }
    st = ig_grid_builder_finish(b, out, err);
    goto out;

fail:
    if (nomem)
        st = ig__error_set(err, IG_ERR_NOMEM, 0, 0,
                           "out of memory decoding a binary grid");
    else
        st = damaged(err, "a section is cut short or out of range");
out:
    if (st != IG_OK && st != IG_ERR_NOMEM && st != IG_ERR_PARSE &&
        st != IG_ERR_FORMAT) {
        /* the builder refused the content: the blob lied */
        char why[IG_ERROR_MSG_MAX];
        snprintf(why, sizeof why, "%s", err ? err->msg : "invalid content");
        st = damaged(err, why);
    }
    ig_grid_builder_destroy(b);
    ig__free(ctx, counts, ng * sizeof(double));
    ig__free(ctx, na, ng);
    ig__free(ctx, vars, (nv ? nv : 1) * sizeof(double));
    ig__free(ctx, na_of, ng * sizeof *na_of);
    ig__free(ctx, pcount, np * sizeof *pcount);
    names_free(ctx, &gn);
    names_free(ctx, &vn);
    names_free(ctx, &pn);
    names_free(ctx, &wn);
    names_free(ctx, &un);
    return st;
}
