/* The byte source: a file descriptor or a memory buffer, plain or gzip,
 * delivered as blocks of whole records.
 *
 * Gzip is recognised by its magic bytes, never by the name, and inflated
 * with ISA-L when built with it (several times faster than zlib), else
 * zlib; concatenated members are read in turn. Blocks are cut after the
 * last record boundary, a '\n' outside quotes (quote parity from the block
 * start, which always starts a record); the partial record at the end is
 * carried into the next block. A record longer than max_line_bytes fails as
 * soon as that many bytes are buffered, so a huge file without a newline
 * costs O(max_line_bytes) memory and time. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ig_config.h"
#include "io/io_internal.h"

#if IG_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#else
#include <zlib.h>
#endif

#define IN_CHUNK ((size_t)256 << 10)

struct ig__source {
    ig_ctx *ctx;
    int fd; /* -1 for memory */
    int own_fd;
    const unsigned char *mem; /* memory input */
    size_t mem_len;
    /* Compressed (or, for plain fd input, raw) bytes: window
     * in_buf[in_pos..in_len) starting at absolute offset in_base. */
    unsigned char *in_own; /* fd input buffer, IN_CHUNK bytes */
    const unsigned char *in_buf;
    size_t in_len, in_pos;
    uint64_t in_base;
    int in_eof;
    int gzip;
    int member_done; /* the current gzip member ended */
#if IG_HAVE_ISAL
    struct inflate_state *inf;
#else
    z_stream *zs;
    int zs_init;
#endif
    uint64_t total; /* compressed size when known */
    uint64_t out_total;
    int out_eof;
    int done;
    int bom_done;
    uint64_t next_seq;
    uint64_t max_bytes;
    size_t max_line;
    size_t block_bytes;
    char *carry;
    size_t carry_len, carry_cap;
    /* The first decompressed bytes, for identify(): independent of where
     * the first block is cut. */
    char head[IG__IO_HEAD_BYTES];
    size_t head_len;
};

/* ---- raw input ---------------------------------------------------------- */

static ig_status io_error(ig_error *err, const char *what)
{
    return ig__error_set(err, IG_ERR_IO, 0, 0, "%s: %s", what, strerror(errno));
}

/* Read from fd into dst, retrying on EINTR. */
static ig_status fd_read(int fd, void *dst, size_t cap, size_t *got,
                         ig_error *err)
{
    for (;;) {
        ssize_t r = read(fd, dst, cap);
        if (r >= 0) {
            *got = (size_t)r;
            return IG_OK;
        }
        if (errno == EINTR) continue;
        return io_error(err, "cannot read the input");
    }
}

/* Make the input window non-empty unless the input is exhausted. */
static ig_status in_more(ig__source *s, ig_error *err)
{
    if (s->in_pos < s->in_len || s->in_eof) return IG_OK;
    if (s->fd < 0) {
        s->in_eof = 1;
        return IG_OK;
    }
    s->in_base += s->in_len;
    s->in_pos = s->in_len = 0;
    size_t got = 0;
    ig_status st = fd_read(s->fd, s->in_own, IN_CHUNK, &got, err);
    if (st != IG_OK) return st;
    s->in_len = got;
    if (got == 0) s->in_eof = 1;
    return IG_OK;
}

static uint64_t in_offset(const ig__source *s)
{
    return s->in_base + s->in_pos;
}

/* ---- inflate ------------------------------------------------------------ */

#if !IG_HAVE_ISAL
static voidpf z_alloc(voidpf opaque, uInt items, uInt size)
{
    return ig__calloc((ig_ctx *)opaque, items, size);
}

static void z_free(voidpf opaque, voidpf p)
{
    ig__free((ig_ctx *)opaque, p, 0);
}
#endif

static ig_status inflate_init(ig__source *s)
{
#if IG_HAVE_ISAL
    s->inf = ig__alloc(s->ctx, sizeof *s->inf);
    if (!s->inf) return IG_ERR_NOMEM;
    isal_inflate_init(s->inf);
    s->inf->crc_flag = ISAL_GZIP;
#else
    s->zs = ig__calloc(s->ctx, 1, sizeof *s->zs);
    if (!s->zs) return IG_ERR_NOMEM;
    s->zs->zalloc = z_alloc;
    s->zs->zfree = z_free;
    s->zs->opaque = s->ctx;
    int r = inflateInit2(s->zs, 16 + 15);
    if (r != Z_OK) return IG_ERR_NOMEM;
    s->zs_init = 1;
#endif
    return IG_OK;
}

static void inflate_free(ig__source *s)
{
#if IG_HAVE_ISAL
    ig__free(s->ctx, s->inf, sizeof *s->inf);
    s->inf = NULL;
#else
    if (s->zs) {
        if (s->zs_init) inflateEnd(s->zs);
        ig__free(s->ctx, s->zs, sizeof *s->zs);
        s->zs = NULL;
    }
#endif
}

static void inflate_restart(ig__source *s)
{
#if IG_HAVE_ISAL
    isal_inflate_reset(s->inf);
    s->inf->crc_flag = ISAL_GZIP;
#else
    inflateReset(s->zs);
#endif
}

/* After a member ended: another member, zero padding, or garbage. */
static ig_status next_member(ig__source *s, int *ended, ig_error *err)
{
    for (;;) {
        ig_status st = in_more(s, err);
        if (st != IG_OK) return st;
        if (s->in_pos >= s->in_len) {
            *ended = 1;
            return IG_OK;
        }
        unsigned char c = s->in_buf[s->in_pos];
        if (c == 0) {
            s->in_pos++;
            continue;
        }
        if (c == 0x1f) {
            inflate_restart(s);
            s->member_done = 0;
            *ended = 0;
            return IG_OK;
        }
        return ig__error_set(err, IG_ERR_PARSE, 0, 0,
                             "unexpected bytes after the end of the gzip "
                             "data at byte offset %llu; the file may be "
                             "damaged or not one gzip stream",
                             (unsigned long long)in_offset(s));
    }
}

/* Inflate into dst; *got == 0 only at the end of the data. */
static ig_status inflate_some(ig__source *s, char *dst, size_t cap, size_t *got,
                              ig_error *err)
{
    *got = 0;
    if (cap > UINT32_MAX) cap = UINT32_MAX;
    for (;;) {
        ig_status st;
        if (s->member_done) {
            int ended = 0;
            st = next_member(s, &ended, err);
            if (st != IG_OK) return st;
            if (ended) return IG_OK;
        }
        st = in_more(s, err);
        if (st != IG_OK) return st;
        size_t avail = s->in_len - s->in_pos;
        if (avail > UINT32_MAX) avail = UINT32_MAX;
        uint64_t at = in_offset(s);
#if IG_HAVE_ISAL
        struct inflate_state *z = s->inf;
        z->next_in = (uint8_t *)(uintptr_t)(s->in_buf + s->in_pos);
        z->avail_in = (uint32_t)avail;
        z->next_out = (uint8_t *)dst;
        z->avail_out = (uint32_t)cap;
        int r = isal_inflate(z);
        size_t used = avail - z->avail_in;
        size_t made = cap - z->avail_out;
        s->in_pos += used;
        if (r < 0)
            return ig__error_set(
                err, IG_ERR_PARSE, 0, 0,
                "corrupt gzip data near compressed byte offset %llu "
                "(ISA-L inflate error %d%s); the file is damaged",
                (unsigned long long)(at + used), r,
                r == ISAL_INCORRECT_CHECKSUM ? ": checksum mismatch" : "");
        if (z->block_state == ISAL_BLOCK_FINISH) s->member_done = 1;
#else
        z_stream *z = s->zs;
        z->next_in = (Bytef *)(uintptr_t)(s->in_buf + s->in_pos);
        z->avail_in = (uInt)avail;
        z->next_out = (Bytef *)dst;
        z->avail_out = (uInt)cap;
        int r = inflate(z, Z_NO_FLUSH);
        size_t used = avail - z->avail_in;
        size_t made = cap - z->avail_out;
        s->in_pos += used;
        if (r == Z_MEM_ERROR) return IG_ERR_NOMEM;
        if (r == Z_DATA_ERROR || r == Z_NEED_DICT || r == Z_STREAM_ERROR)
            return ig__error_set(
                err, IG_ERR_PARSE, 0, 0,
                "corrupt gzip data near compressed byte offset %llu (%s); "
                "the file is damaged",
                (unsigned long long)(at + used), z->msg ? z->msg : "zlib");
        if (r == Z_STREAM_END) s->member_done = 1;
#endif
        if (made > 0) {
            *got = made;
            return IG_OK;
        }
        if (s->member_done) continue;
        if (used == 0) {
            /* No progress: the inflater needs input we do not have. */
            if (s->in_pos >= s->in_len) {
                st = in_more(s, err);
                if (st != IG_OK) return st;
            }
            if (s->in_eof && s->in_pos >= s->in_len)
                return ig__error_set(
                    err, IG_ERR_IO, 0, 0,
                    "the gzip data ends early at byte offset %llu: the "
                    "file is truncated (an unfinished download or copy?)",
                    (unsigned long long)in_offset(s));
        }
    }
}

/* Produce decompressed bytes into dst; *got == 0 means the end. */
static ig_status produce(ig__source *s, char *dst, size_t cap, size_t *got,
                         ig_error *err)
{
    ig_status st;
    if (s->gzip) {
        st = inflate_some(s, dst, cap, got, err);
    } else if (s->in_pos < s->in_len) {
        size_t n = s->in_len - s->in_pos;
        if (n > cap) n = cap;
        memcpy(dst, s->in_buf + s->in_pos, n);
        s->in_pos += n;
        *got = n;
        st = IG_OK;
    } else if (s->fd >= 0 && !s->in_eof) {
        st = fd_read(s->fd, dst, cap, got, err);
        if (st == IG_OK) {
            s->in_base += *got;
            if (*got == 0) s->in_eof = 1;
        }
    } else {
        *got = 0;
        st = IG_OK;
    }
    if (st != IG_OK) return st;
    s->out_total += *got;
    if (s->max_bytes && s->out_total > s->max_bytes)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "the input holds more than %llu bytes (the "
                             "max_bytes limit); raise the limit "
                             "(--max-bytes) to read it",
                             (unsigned long long)s->max_bytes);
    return IG_OK;
}

/* ---- opening ------------------------------------------------------------ */

/* Refuse compressors we cannot read, so the user gets a clear message
 * rather than a parse error on binary bytes. */
static ig_status check_magic(ig__source *s, ig_error *err)
{
    const unsigned char *p = s->in_buf + s->in_pos;
    size_t n = s->in_len - s->in_pos;
    if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
        s->gzip = 1;
        return inflate_init(s);
    }
    static const struct {
        const char *magic;
        size_t len;
        const char *what;
    } other[] = {
        {"BZh", 3, "bzip2"},
        {"\xfd"
         "7zXZ",
         5, "xz"},
        {"\x28\xb5\x2f\xfd", 4, "zstd"},
        {"PK\x03\x04", 4, "zip"},
        {"\x1f\x9d", 2, "compress (.Z)"},
    };
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
        if (n >= other[i].len && memcmp(p, other[i].magic, other[i].len) == 0)
            return ig__error_set(err, IG_ERR_FORMAT, 0, 0,
                                 "the input is %s-compressed; only gzip is "
                                 "read directly, so decompress it first",
                                 other[i].what);
    }
    return IG_OK;
}

static ig__source *source_new(ig_ctx *ctx)
{
    ig__source *s = ig__calloc(ctx, 1, sizeof *s);
    if (!s) return NULL;
    s->ctx = ctx;
    s->fd = -1;
    s->max_line = IG__IO_MAX_LINE_DEFAULT;
    s->block_bytes = IG__IO_BLOCK_BYTES;
    return s;
}

ig_status ig__source_open_path(ig_ctx *ctx, const char *path, ig__source **out,
                               ig_error *err)
{
    ig__source *s = source_new(ctx);
    if (!s) return IG_ERR_NOMEM;
    ig_status st;
    if (strcmp(path, "-") == 0) {
        s->fd = 0;
    } else {
        s->fd = open(path, O_RDONLY);
        if (s->fd < 0) {
            st = io_error(err, "cannot open the file");
            ig__source_close(s);
            return st;
        }
        s->own_fd = 1;
    }
    struct stat sb;
    if (fstat(s->fd, &sb) == 0) {
        if (S_ISDIR(sb.st_mode)) {
            ig__source_close(s);
            return ig__error_set(err, IG_ERR_IO, 0, 0,
                                 "this is a directory, not a file");
        }
        if (S_ISREG(sb.st_mode) && sb.st_size > 0)
            s->total = (uint64_t)sb.st_size;
    }
    s->in_own = ig__alloc(ctx, IN_CHUNK);
    if (!s->in_own) {
        ig__source_close(s);
        return IG_ERR_NOMEM;
    }
    s->in_buf = s->in_own;
    /* Read at least a few bytes for the magic check (a pipe may deliver
     * them one at a time). */
    while (!s->in_eof && s->in_len < 8) {
        size_t got = 0;
        st = fd_read(s->fd, s->in_own + s->in_len, IN_CHUNK - s->in_len, &got,
                     err);
        if (st != IG_OK) {
            ig__source_close(s);
            return st;
        }
        if (got == 0) s->in_eof = 1;
        s->in_len += got;
    }
    st = check_magic(s, err);
    if (st != IG_OK) {
        ig__source_close(s);
        return st;
    }
    *out = s;
    return IG_OK;
}

ig_status ig__source_open_mem(ig_ctx *ctx, const void *data, size_t len,
                              ig__source **out, ig_error *err)
{
    ig__source *s = source_new(ctx);
    if (!s) return IG_ERR_NOMEM;
    s->mem = data;
    s->mem_len = len;
    s->in_buf = data;
    s->in_len = len;
    s->in_eof = 1;
    s->total = len;
    ig_status st = check_magic(s, err);
    if (st != IG_OK) {
        ig__source_close(s);
        return st;
    }
    *out = s;
    return IG_OK;
}

void ig__source_close(ig__source *s)
{
    if (!s) return;
    ig_ctx *ctx = s->ctx;
    inflate_free(s);
    if (s->own_fd && s->fd >= 0) close(s->fd);
    ig__free(ctx, s->in_own, IN_CHUNK);
    ig__free(ctx, s->carry, s->carry_cap);
    ig__free(ctx, s, sizeof *s);
}

void ig__source_limits(ig__source *s, uint64_t max_bytes, size_t max_line_bytes,
                       size_t block_bytes)
{
    s->max_bytes = max_bytes;
    s->max_line = max_line_bytes ? max_line_bytes : IG__IO_MAX_LINE_DEFAULT;
    s->block_bytes = block_bytes ? block_bytes : IG__IO_BLOCK_BYTES;
}

int ig__source_gzip(const ig__source *s)
{
    return s->gzip;
}

uint64_t ig__source_total(const ig__source *s)
{
    return s->total;
}

const char *ig__source_head(const ig__source *s, size_t *n)
{
    *n = s->head_len;
    return s->head;
}

/* ---- record boundaries -------------------------------------------------- */

static size_t rfind_nl(const char *p, size_t n)
{
    while (n > 0) {
        if (p[n - 1] == '\n') return n;
        n--;
    }
    return 0;
}

size_t ig__csv_last_record_end(const char *buf, size_t n)
{
    const char *q = memchr(buf, '"', n);
    if (!q) return rfind_nl(buf, n);
    size_t last = 0, start = 0;
    int in_q = 0;
    for (;;) {
        q = memchr(buf + start, '"', n - start);
        size_t seg_end = q ? (size_t)(q - buf) : n;
        if (!in_q) {
            size_t r = rfind_nl(buf + start, seg_end - start);
            if (r) last = start + r;
        }
        if (!q) break;
        in_q = !in_q;
        start = seg_end + 1;
    }
    return last;
}

size_t ig__csv_first_record_end(const char *buf, size_t n)
{
    size_t i = 0;
    int in_q = 0;
    while (i < n) {
        if (!in_q) {
            /* Jump to the next quote or newline. */
            const char *nl = memchr(buf + i, '\n', n - i);
            const char *q =
                memchr(buf + i, '"', (nl ? (size_t)(nl - buf) : n) - i);
            if (!q) return nl ? (size_t)(nl - buf) + 1 : 0;
            in_q = 1;
            i = (size_t)(q - buf) + 1;
        } else {
            const char *q = memchr(buf + i, '"', n - i);
            if (!q) return 0;
            in_q = 0;
            i = (size_t)(q - buf) + 1;
        }
    }
    return 0;
}

/* Does buf[0..cut) hold the header and one non-blank record after it? */
static int has_data_record(const char *buf, size_t cut)
{
    size_t h = ig__csv_first_record_end(buf, cut);
    if (h == 0) return 0;
    while (h < cut) {
        if (buf[h] == '\n') {
            h++;
        } else if (buf[h] == '\r' && h + 1 < cut && buf[h + 1] == '\n') {
            h += 2;
        } else {
            return 1;
        }
    }
    return 0;
}

/* ---- blocks ------------------------------------------------------------- */

static ig_status ensure_cap(ig_ctx *ctx, ig__block *b, size_t need)
{
    if (b->cap >= need) return IG_OK;
    char *p = ig__realloc(ctx, b->buf, b->cap ? b->cap + IG__IO_BLOCK_PAD : 0,
                          need + IG__IO_BLOCK_PAD);
    if (!p) return IG_ERR_NOMEM;
    /* The pad is read by 16-byte scans; keep it initialised. */
    memset(p + need, 0, IG__IO_BLOCK_PAD);
    b->buf = p;
    b->cap = need;
    return IG_OK;
}

void ig__block_free(ig_ctx *ctx, ig__block *b)
{
    if (!b) return;
    ig__free(ctx, b->buf, b->buf ? b->cap + IG__IO_BLOCK_PAD : 0);
    ig__free(ctx, b, sizeof *b);
}

static ig_status fill_fail(ig__source *s, ig__block *b, ig_status st)
{
    s->done = 1;
    b->st = st;
    b->eof = 1;
    if (st == IG_ERR_NOMEM && b->err.msg[0] == '\0')
        ig__error_set(&b->err, st, 0, 0, "out of memory while reading");
    return st;
}

ig_status ig__source_fill(ig__source *s, ig__block *b)
{
    b->len = 0;
    b->eof = 0;
    b->st = IG_OK;
    b->st_line = 0;
    b->fill_n = 0;
    b->err.status = IG_OK;
    b->err.msg[0] = '\0';
    b->err.file[0] = '\0';
    b->err.line = b->err.column = 0;
    b->seq = s->next_seq++;
    if (s->done) {
        b->eof = 1;
        b->in_done = in_offset(s);
        return IG_OK;
    }
    int first = b->seq == 0;
    size_t target = s->block_bytes;
    if (first && target < IG__IO_HEAD_BYTES) target = IG__IO_HEAD_BYTES;
    if (target < s->carry_len + 1) target = s->carry_len + 1;
    ig_status st = ensure_cap(s->ctx, b, target + 1);
    if (st != IG_OK) return fill_fail(s, b, st);
    if (s->carry_len) memcpy(b->buf, s->carry, s->carry_len);
    size_t n = s->carry_len;
    s->carry_len = 0;
    for (;;) {
        while (n < target && !s->out_eof) {
            size_t got = 0;
            st = produce(s, b->buf + n, target - n, &got, &b->err);
            if (st != IG_OK) return fill_fail(s, b, st);
            if (got == 0) s->out_eof = 1;
            n += got;
            if (!s->bom_done && (n >= 3 || s->out_eof)) {
                s->bom_done = 1;
                if (n >= 3 && memcmp(b->buf, "\xEF\xBB\xBF", 3) == 0) {
                    memmove(b->buf, b->buf + 3, n - 3);
                    n -= 3;
                }
            }
        }
        if (first && !s->head_len) {
            s->head_len = n < IG__IO_HEAD_BYTES ? n : IG__IO_HEAD_BYTES;
            memcpy(s->head, b->buf, s->head_len);
        }
        if (s->out_eof) {
            if (n > 0 && b->buf[n - 1] != '\n') b->buf[n++] = '\n';
            b->len = n;
            memset(b->buf + n, 0,
                   IG__IO_BLOCK_PAD); /* defined bytes for scans */
            b->eof = 1;
            s->done = 1;
            b->in_done = in_offset(s);
            return IG_OK;
        }
        size_t cut = ig__csv_last_record_end(b->buf, n);
        if (cut > 0 && first && !has_data_record(b->buf, cut)) cut = 0;
        if (cut > 0) {
            void *c = s->carry;
            st = ig__grow(s->ctx, &c, &s->carry_cap, n - cut, 1);
            if (st != IG_OK) return fill_fail(s, b, st);
            s->carry = c;
            if (n > cut) memcpy(s->carry, b->buf + cut, n - cut);
            s->carry_len = n - cut;
            b->len = cut;
            memset(b->buf + cut, 0, IG__IO_BLOCK_PAD);
            b->in_done = in_offset(s);
            return IG_OK;
        }
        if (n > s->max_line) {
            /* The long record starts after the last complete one. */
            size_t lb = ig__csv_last_record_end(b->buf, n);
            long lines = 1;
            for (size_t k = 0; k < lb; k++) lines += b->buf[k] == '\n';
            b->st_line = lines;
            b->fill_n = n;
            ig__error_set(&b->err, IG_ERR_PARSE, 0, 1,
                          "a line is longer than %zu bytes (the "
                          "max_line_bytes limit)%s; is this a text table? "
                          "Raise the limit (--max-line) if the line is "
                          "real",
                          s->max_line,
                          memchr(b->buf, '"', n) ? " or a quote is not "
                                                   "closed"
                                                 : "");
            return fill_fail(s, b, IG_ERR_PARSE);
        }
        /* No boundary yet: read on, doubling, up to just past the limit. */
        size_t nt = target * 2;
        if (nt > s->max_line + 1) nt = s->max_line + 1;
        if (nt <= n) nt = n + 1;
        target = nt;
        st = ensure_cap(s->ctx, b, target + 1);
        if (st != IG_OK) return fill_fail(s, b, st);
    }
}
