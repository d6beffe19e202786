/* INSPIRE statistical grid cell codes, both directions.
 *
 * Long form: [CC_]CRS<epsg>RES<size>mN<north>E<east>, coordinates of the
 * south-west corner in metres. Short form: <size>(m|km)N<n>E<e>, where n and
 * e count cells of that size ("1kmN2684E4334", Zensus "100mN26840E43341").
 * Parsing is strict (no spaces, no signs) and never reads past len. */
#include <stdio.h>
#include <string.h>

#include "integrid/ig_grid.h"

#define COORD_LIMIT 1000000000000LL /* 1e12 m */

/* Read an unsigned decimal at s[*i..len); at most 13 digits. */
static int read_uint(const char *s, size_t len, size_t *i, int64_t *out)
{
    size_t j = *i;
    int64_t v = 0;
    int nd = 0;
    while (j < len && s[j] >= '0' && s[j] <= '9') {
        if (++nd > 13) return 0;
        v = v * 10 + (s[j] - '0');
        j++;
    }
    if (nd == 0) return 0;
    *i = j;
    *out = v;
    return 1;
}

static int expect(const char *s, size_t len, size_t *i, const char *lit)
{
    size_t n = strlen(lit);
    if (len - *i < n || memcmp(s + *i, lit, n) != 0) return 0;
    *i += n;
    return 1;
}

static ig_status parse_long(const char *s, size_t len, size_t i, ig_cell *out)
{
    int64_t epsg, size, north, east;
    if (!expect(s, len, &i, "CRS") || !read_uint(s, len, &i, &epsg) ||
        !expect(s, len, &i, "RES") || !read_uint(s, len, &i, &size) ||
        !expect(s, len, &i, "m") || !expect(s, len, &i, "N") ||
        !read_uint(s, len, &i, &north) || !expect(s, len, &i, "E") ||
        !read_uint(s, len, &i, &east) || i != len)
        return IG_ERR_PARSE;
    if (epsg <= 0 || epsg > 999999 || size <= 0 || size > 100000000 ||
        north >= COORD_LIMIT || east >= COORD_LIMIT)
        return IG_ERR_DOMAIN;
    out->epsg = (int32_t)epsg;
    out->size_m = (int32_t)size;
    out->north_m = north;
    out->east_m = east;
    return IG_OK;
}

static ig_status parse_short(const char *s, size_t len, ig_cell *out)
{
    size_t i = 0;
    int64_t size, north, east;
    if (!read_uint(s, len, &i, &size)) return IG_ERR_PARSE;
    if (expect(s, len, &i, "km")) {
        if (size > 100000) return IG_ERR_DOMAIN;
        size *= 1000;
    } else if (!expect(s, len, &i, "m")) {
        return IG_ERR_PARSE;
    }
    if (!expect(s, len, &i, "N") || !read_uint(s, len, &i, &north) ||
        !expect(s, len, &i, "E") || !read_uint(s, len, &i, &east) || i != len)
        return IG_ERR_PARSE;
    if (size <= 0 || size > 100000000) return IG_ERR_DOMAIN;
    /* The same limit as the long form: north * size < 1e12 m. */
    if (north > (COORD_LIMIT - 1) / size || east > (COORD_LIMIT - 1) / size)
        return IG_ERR_DOMAIN;
    out->epsg = 3035;
    out->size_m = (int32_t)size;
    out->north_m = north * size;
    out->east_m = east * size;
    return IG_OK;
}

ig_status ig_cellcode_parse(const char *s, size_t len, ig_cell *out)
{
    if (!s || !out) return IG_ERR_DOMAIN;
    if (len == 0) return IG_ERR_PARSE;
    ig_cell c;
    ig_status st;
    if (s[0] >= '0' && s[0] <= '9') {
        st = parse_short(s, len, &c);
    } else {
        /* Optional country prefix: 1-3 letters and '_' (e.g. "NL_"). */
        size_t i = 0;
        while (i < len && i < 3 && s[i] >= 'A' && s[i] <= 'Z') i++;
        if (i > 0 && i < len && s[i] == '_')
            i++;
        else
            i = 0;
        st = parse_long(s, len, i, &c);
    }
    if (st == IG_OK) *out = c;
    return st;
}

static ig_status finish(int w, char *buf, size_t cap)
{
    if (w < 0 || (size_t)w >= cap) {
        if (cap > 0) buf[0] = '\0';
        return IG_ERR_TOO_SMALL;
    }
    return IG_OK;
}

ig_status ig_cellcode_format(const ig_cell *c, char *buf, size_t cap)
{
    if (!c || !buf) return IG_ERR_DOMAIN;
    if (c->size_m <= 0 || c->north_m < 0 || c->east_m < 0) {
        if (cap > 0) buf[0] = '\0';
        return IG_ERR_DOMAIN;
    }
    int w = snprintf(buf, cap, "CRS%dRES%dmN%lldE%lld",
                     c->epsg > 0 ? (int)c->epsg : 3035, (int)c->size_m,
                     (long long)c->north_m, (long long)c->east_m);
    return finish(w, buf, cap);
}

ig_status ig_cellcode_format_short(const ig_cell *c, char *buf, size_t cap)
{
    if (!c || !buf) return IG_ERR_DOMAIN;
    if (c->size_m <= 0 || c->north_m < 0 || c->east_m < 0 ||
        c->north_m % c->size_m != 0 || c->east_m % c->size_m != 0) {
        if (cap > 0) buf[0] = '\0';
        return IG_ERR_DOMAIN;
    }
    long long n = (long long)(c->north_m / c->size_m);
    long long e = (long long)(c->east_m / c->size_m);
    int w;
    if (c->size_m % 1000 == 0)
        w = snprintf(buf, cap, "%dkmN%lldE%lld", (int)(c->size_m / 1000), n, e);
    else
        w = snprintf(buf, cap, "%dmN%lldE%lld", (int)c->size_m, n, e);
    return finish(w, buf, cap);
}
