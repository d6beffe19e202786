/* Entry points for reading grids, and the reader registry.
 *
 * The registry is a const table built from readers.def (no mutable state).
 * Reading opens the input once (file, stdin or memory; gzip by magic
 * bytes), cuts the first block, and lets each reader's identify() look at
 * its first bytes: the first YES wins, else the first MAYBE, unless
 * opts->format names a reader. The chosen reader then consumes the rest. */
#include <string.h>

#include "io/reader.h"

static const ig__reader_vt *const readers[] = {
#define IG_READER(id) &ig__reader_##id,
#include "io/readers.def"
#undef IG_READER
};

#define N_READERS (sizeof readers / sizeof readers[0])

void ig_read_opts_init(ig_read_opts *o)
{
    if (!o) return;
    memset(o, 0, sizeof *o);
    o->decimal_comma = -1;
    o->origin = IG_ORIGIN_AUTO;
}

size_t ig_reader_count(void)
{
    return N_READERS;
}

const ig_reader_info *ig_reader_get(size_t i)
{
    return i < N_READERS ? &readers[i]->info : NULL;
}

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

int ig__probe_header_any(const ig__probe *p,
                         int (*fn)(const char *name, size_t len))
{
    const char *s = p->head, *end = p->head + p->n_head;
    const char *nl = memchr(s, '\n', p->n_head);
    if (nl) end = nl;
    while (s < end) {
        const char *e = s;
        while (e < end && *e != ',' && *e != ';' && *e != '\t' && *e != '|')
            e++;
        const char *a = s, *z = e;
        while (a < z && (*a == ' ' || *a == '"' || *a == '\r')) a++;
        while (z > a && (z[-1] == ' ' || z[-1] == '"' || z[-1] == '\r')) z--;
        if (z > a && fn(a, (size_t)(z - a))) return 1;
        s = e + 1;
    }
    return 0;
}

/* Lower-case extension of name, ".gz" skipped. */
static void extension(const char *name, char *buf, size_t cap)
{
    buf[0] = '\0';
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    size_t n = strlen(base);
    if (n > 3 && strcmp(base + n - 3, ".gz") == 0) n -= 3;
    size_t dot = n;
    while (dot > 0 && base[dot - 1] != '.') dot--;
    if (dot == 0) return;
    size_t k = 0;
    for (size_t i = dot; i < n && k + 1 < cap; i++)
        buf[k++] = (char)lower((unsigned char)base[i]);
    buf[k] = '\0';
}

static const ig__reader_vt *by_name(const char *name)
{
    for (size_t i = 0; i < N_READERS; i++) {
        const char *a = readers[i]->info.name, *b = name;
        while (*a && *b && *a == lower((unsigned char)*b)) {
            a++;
            b++;
        }
        if (!*a && !*b) return readers[i];
    }
    return NULL;
}

static ig_status unknown_format(const char *name, ig_error *err)
{
    char list[200];
    size_t k = 0;
    list[0] = '\0';
    for (size_t i = 0; i < N_READERS && k + 1 < sizeof list; i++) {
        size_t l = strlen(readers[i]->info.name);
        if (k + l + 3 >= sizeof list) break;
        if (i) {
            memcpy(list + k, ", ", 2);
            k += 2;
        }
        memcpy(list + k, readers[i]->info.name, l);
        k += l;
        list[k] = '\0';
    }
    return ig__error_set(err, IG_ERR_FORMAT, 0, 0,
                         "unknown format '%s'; the readers are: %s "
                         "(see `integrid formats`)",
                         name, list);
}

/* Make sure err carries a message for statuses set without one. */
static ig_status with_msg(ig_error *err, ig_status st, const char *name)
{
    if (err && st != IG_OK && err->status != st)
        ig__error_set(err, st, 0, 0, "%s", ig_strerror(st));
    ig__error_file(err, name);
    return st;
}

static ig_status read_source(ig_ctx *ctx, ig__source *src, const char *name,
                             const ig_read_opts *opts, size_t block_bytes,
                             ig_grid **out, ig_error *err)
{
    ig_read_opts defaults;
    if (!opts) {
        ig_read_opts_init(&defaults);
        opts = &defaults;
    }
    const ig__reader_vt *rd = NULL;
    if (opts->format && opts->format[0]) {
        rd = by_name(opts->format);
        if (!rd) {
            ig__source_close(src);
            return unknown_format(opts->format, err);
        }
    }
    ig__source_limits(src, opts->max_bytes, opts->max_line_bytes, block_bytes);
    ig__block *b = ig__calloc(ctx, 1, sizeof *b);
    if (!b) {
        ig__source_close(src);
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    }
    ig_status st = ig__source_fill(src, b);
    if (st != IG_OK && !rd && b->fill_n &&
        memchr(b->buf, '\0',
               b->fill_n < IG__PROBE_BYTES ? b->fill_n : IG__PROBE_BYTES)) {
        /* Binary data that never ends a line: say what it is. */
        ig__block_free(ctx, b);
        ig__source_close(src);
        ig__error_set(err, IG_ERR_FORMAT, 0, 0,
                      "not a format integrid reads (binary data in the "
                      "first bytes); expected delimited text such as CSV, "
                      "plain or gzip-compressed");
        ig__error_file(err, name);
        return IG_ERR_FORMAT;
    }
    if (st != IG_OK) {
        if (err) {
            *err = b->err;
            err->status = st;
            if (b->st_line) err->line = b->st_line;
        }
        ig__block_free(ctx, b);
        ig__source_close(src);
        ig__error_file(err, name);
        return st;
    }
    if (!rd) {
        char ext[16];
        extension(name, ext, sizeof ext);
        ig__probe p;
        p.name = name;
        p.ext = ext;
        p.head = ig__source_head(src, &p.n_head);
        p.gzip = ig__source_gzip(src);
        p.size = ig__source_total(src);
        const ig__reader_vt *maybe = NULL;
        for (size_t i = 0; i < N_READERS && !rd; i++) {
            ig_probe_answer a = readers[i]->identify(&p);
            if (a == IG_PROBE_YES) rd = readers[i];
            if (a == IG_PROBE_MAYBE && !maybe) maybe = readers[i];
        }
        if (!rd) rd = maybe;
        if (!rd) {
            ig__block_free(ctx, b);
            ig__source_close(src);
            ig__error_set(err, IG_ERR_FORMAT, 0, 0,
                          "not a format integrid reads (binary data in "
                          "the first bytes); expected delimited text such "
                          "as CSV, plain or gzip-compressed");
            ig__error_file(err, name);
            return IG_ERR_FORMAT;
        }
    }
    ig__io_input in;
    in.ctx = ctx;
    in.name = name;
    in.src = src;
    in.first = b;
    in.opts = opts;
    in.forced = opts->format && opts->format[0];
    ig_grid *g = NULL;
    st = rd->read(&in, &g, err);
    if (in.first) ig__block_free(ctx, in.first);
    ig__source_close(src);
    if (st == IG_OK) *out = g;
    return st;
}

ig_status ig_grid_read_path(ig_ctx *ctx, const char *path,
                            const ig_read_opts *opts, ig_grid **out,
                            ig_error *err)
{
    if (!path || !out)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "ig_grid_read_path: path and out are required");
    ig__source *src = NULL;
    ig_status st = ig__source_open_path(ctx, path, &src, err);
    if (st != IG_OK) return with_msg(err, st, path);
    st = read_source(ctx, src, path, opts, 0, out, err);
    return st == IG_OK ? st : with_msg(err, st, path);
}

ig_status ig__grid_read_mem_blocks(ig_ctx *ctx, const void *data, size_t len,
                                   const char *name, const ig_read_opts *opts,
                                   size_t block_bytes, ig_grid **out,
                                   ig_error *err)
{
    if ((!data && len) || !out)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "ig_grid_read_mem: data and out are required");
    if (!name) name = "<memory>";
    ig__source *src = NULL;
    ig_status st = ig__source_open_mem(ctx, data ? data : "", len, &src, err);
    if (st != IG_OK) return with_msg(err, st, name);
    st = read_source(ctx, src, name, opts, block_bytes, out, err);
    return st == IG_OK ? st : with_msg(err, st, name);
}

ig_status ig_grid_read_mem(ig_ctx *ctx, const void *data, size_t len,
                           const char *name, const ig_read_opts *opts,
                           ig_grid **out, ig_error *err)
{
    return ig__grid_read_mem_blocks(ctx, data, len, name, opts, 0, out, err);
}
