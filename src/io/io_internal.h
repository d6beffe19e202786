/* Internals shared by the I/O module: the byte source (plain or gzip, cut
 * into blocks of whole records), the parallel block pipeline, number
 * parsing and group expressions. See docs/internals/io.md. */
#ifndef IG_IO_INTERNAL_H
#define IG_IO_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "integrid/ig_io.h"

/* ---- byte source ------------------------------------------------------ */

/* Default block size: large enough to amortise the hand-over between
 * threads, small enough to keep several blocks in flight in little memory. */
#define IG__IO_BLOCK_BYTES ((size_t)1 << 20)
#define IG__IO_MAX_LINE_DEFAULT ((size_t)16 << 20)

/* Readable bytes after a block's last record (for 16-byte loads). */
#define IG__IO_BLOCK_PAD 64

typedef struct ig__source ig__source;

/* A block of whole records (the last one may lack its '\n' in the input;
 * the source adds it). Owned by the pipeline, reused after commit. */
typedef struct ig__block {
    char *buf; /* cap + IG__IO_BLOCK_PAD bytes */
    size_t cap;
    size_t len;       /* bytes of whole records; buf[len - 1] == '\n' */
    uint64_t seq;     /* 0, 1, 2, ... in input order */
    uint64_t in_done; /* compressed bytes consumed when it was cut */
    int eof;          /* no block follows */
    /* A failure of the source while cutting this block: reported when the
     * pipeline reaches it, so errors come out in input order. */
    ig_status st;
    long st_line;  /* line of the failing record, counted from the block's
                      first line (1); 0 when no line applies */
    size_t fill_n; /* bytes buffered when the failure happened */
    ig_error err;
} ig__block;

/* Open @p path ("-" is standard input). Detects gzip by its magic bytes and
 * refuses other compressors with IG_ERR_FORMAT. */
ig_status ig__source_open_path(ig_ctx *ctx, const char *path, ig__source **out,
                               ig_error *err);
/* Borrow @p data for the life of the source. */
ig_status ig__source_open_mem(ig_ctx *ctx, const void *data, size_t len,
                              ig__source **out, ig_error *err);
void ig__source_close(ig__source *s);
/* Limits; call before the first fill. block_bytes 0 = default. */
void ig__source_limits(ig__source *s, uint64_t max_bytes, size_t max_line_bytes,
                       size_t block_bytes);
int ig__source_gzip(const ig__source *s);
/* Compressed size when known (regular file or memory), else 0. */
uint64_t ig__source_total(const ig__source *s);
/* The first IG__IO_HEAD_BYTES decompressed bytes (fewer for short input),
 * BOM removed; valid once the first block is filled. */
#define IG__IO_HEAD_BYTES 4096
const char *ig__source_head(const ig__source *s, size_t *n);
/* Cut the next block into @p b (growing b->buf as needed). On failure the
 * status is returned and also stored in b->st / b->err. The first block
 * holds the header and at least one non-blank record when there is one. */
ig_status ig__source_fill(ig__source *s, ig__block *b);
void ig__block_free(ig_ctx *ctx, ig__block *b);

/* Position just past the '\n' of the last complete record in buf[0..n),
 * counting quotes ('"' toggles quoting, so "" inside quotes is neutral);
 * 0 when there is none. buf[0] must start a record. */
size_t ig__csv_last_record_end(const char *buf, size_t n);
/* Position just past the '\n' of the first record, or 0. */
size_t ig__csv_first_record_end(const char *buf, size_t n);

/* ---- pipeline ---------------------------------------------------------- */

/* Most threads one read uses (the ring holds 2 blocks per thread + 1). */
#define IG__IO_MAX_THREADS 16

typedef struct ig__pipe_ops {
    void *ud;
    /* Per-slot parse state. */
    void *(*res_new)(void *ud);
    void (*res_free)(void *ud, void *res);
    /* Parse block b into res. Runs on any thread, several at once. The
     * returned status is ignored: failures are recorded in res and reported
     * by commit in input order. */
    void (*parse)(void *ud, const ig__block *b, void *res);
    /* Consume a parsed block; runs on the calling thread, in input order.
     * For a block with b->st != IG_OK, parse was not called. */
    ig_status (*commit)(void *ud, const ig__block *b, void *res, ig_error *err);
} ig__pipe_ops;

/* Run the pipeline from an already filled first block (ownership passes to
 * the pipeline). Uses up to ig__threads(ctx) threads, one of which cuts
 * (and inflates) blocks while the others parse. */
ig_status ig__pipe_run(ig_ctx *ctx, ig__source *src, ig__block *first,
                       const ig__pipe_ops *ops, ig_progress_fn progress,
                       void *progress_ud, ig_error *err);

/* ---- numbers ----------------------------------------------------------- */

enum { IG__NUM_OK = 0, IG__NUM_BAD = 1, IG__NUM_NOT_FINITE = 2 };

/* Parse s[0..n) (already trimmed) as a decimal number with decimal
 * separator @p dec ('.' or ','). Exact for integers up to 2^53, correctly
 * rounded otherwise (Clinger's fast path, else strtod with the C library's
 * decimal point @p libc_dp). */
int ig__num_parse(const char *s, size_t n, char dec, char libc_dp, double *out);

/* ---- group expressions ------------------------------------------------- */

enum { IG__TERM_PLAIN = 0, IG__TERM_PCT = 1, IG__TERM_FRAC = 2 };

typedef struct ig__gterm {
    char *col;
    char *tot; /* NULL for a plain term */
    int op;
    long col_pos, tot_pos; /* 1-based positions in the expression */
} ig__gterm;

typedef struct ig__gexpr {
    char *name;
    size_t n_terms;
    ig__gterm *terms;
    int named; /* 1 when written NAME=... */
} ig__gexpr;

/* Parse "COL" or "NAME=TERM(+TERM)*". On failure IG_ERR_PARSE (column =
 * position in @p expr) or IG_ERR_NOMEM; *out is then empty. */
ig_status ig__gexpr_parse(ig_ctx *ctx, const char *expr, ig__gexpr *out,
                          ig_error *err);
void ig__gexpr_free(ig_ctx *ctx, ig__gexpr *e);

/* ---- the delimited-text engine ----------------------------------------- */

typedef enum ig__table_flavour {
    IG__FLAVOUR_CSV = 0,
    IG__FLAVOUR_EUROSTAT = 1
} ig__table_flavour;

/* What a reader receives: the open source, its first block and the
 * caller's options (never NULL here). */
typedef struct ig__io_input {
    ig_ctx *ctx;
    const char *name; /* for messages and ig_grid_source() */
    ig__source *src;
    ig__block *first; /* filled; ownership passes to the reader */
    const ig_read_opts *opts;
    int forced; /* the reader was named by opts->format */
} ig__io_input;

ig_status ig__table_read(ig__io_input *in, ig__table_flavour flavour,
                         const char *format_name, ig_grid **out, ig_error *err);

/* Test hook: ig_grid_read_mem() with a chosen block size, so small inputs
 * exercise block boundaries. */
ig_status ig__grid_read_mem_blocks(ig_ctx *ctx, const void *data, size_t len,
                                   const char *name, const ig_read_opts *opts,
                                   size_t block_bytes, ig_grid **out,
                                   ig_error *err);

/* Closest of @p names (case-insensitive edit distance) to @p want, or NULL
 * when nothing is close. */
const char *ig__io_closest(const char *want, const char *const *names,
                           size_t n);

#endif /* IG_IO_INTERNAL_H */
