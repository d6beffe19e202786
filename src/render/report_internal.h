/* Internals of the report (report*.c): a small document model that the
 * computation (report.c) fills and two writers walk, HTML (report_html.c)
 * and PDF (report_pdf.c), so both formats carry the same content; a
 * growable string buffer; the sentence templates of sentences.def.
 *
 * Building is error-sticky: the first failure is kept in doc->st and every
 * later add is a no-op, so the section code reads straight through and
 * checks once. */
#ifndef IG_REPORT_INTERNAL_H
#define IG_REPORT_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>

#include "core/core.h"
#include "integrid/ig_report.h"

/* Text ids, from sentences.def. */
typedef enum rp_text {
#define IG_TEXT(id, text) id,
#include "render/sentences.def"
#undef IG_TEXT
    T_COUNT
} rp_text;

/* The template of @p id (static). */
const char *ig__report_text(rp_text id);

/* A growable string; fail is set on the first allocation failure. */
typedef struct rp_buf {
    ig_ctx *ctx;
    char *p;
    size_t len, cap;
    int fail;
} rp_buf;

void ig__rp_buf_init(rp_buf *b, ig_ctx *ctx);
void ig__rp_buf_free(rp_buf *b);
void ig__rp_buf_add(rp_buf *b, const char *s, size_t n);
void ig__rp_buf_puts(rp_buf *b, const char *s);
void ig__rp_buf_printf(rp_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

typedef enum rp_kind {
    RP_H2 = 0, /* a numbered section: text, anchor */
    RP_H3,     /* a sub-heading */
    RP_P,      /* a paragraph */
    RP_NOTE,   /* a small note */
    RP_KEYS,   /* key figures: cells label, value, label, value, ... */
    RP_TABLE,  /* a table of ncols columns; row 0 is the header */
    RP_LIST,   /* a bulleted list: one cell per item */
    RP_FIG,    /* a figure: file (SVG for HTML, PNG for PDF), text caption */
    RP_CODE    /* a command line */
} rp_kind;

typedef struct rp_block {
    rp_kind kind;
    char *text;
    char *anchor;
    char *file;
    size_t ncols;
    size_t ncells, cap_cells;
    char **cells;
    int numeric_from; /* RP_TABLE: columns >= this are right-aligned */
} rp_block;

typedef struct rp_doc {
    ig_ctx *ctx;
    ig_status st;
    ig_error *err;
    rp_block *b;
    size_t n, cap;
    char *title;
    char *subtitle;
    char *footer;
    const char *date;
    size_t sections, figures, sentences;
} rp_doc;

void ig__rp_doc_init(rp_doc *d, ig_ctx *ctx, ig_error *err);
void ig__rp_doc_free(rp_doc *d);
/* Record a failure (the first one wins); returns d->st. */
ig_status ig__rp_fail(rp_doc *d, ig_status st);
/* Fill template @p id with args[0..n) for {1}..{n}: a new string owned by
 * the caller (free with ig__free(ctx, s, strlen(s) + 1)), NULL on failure
 * (recorded in d). */
char *ig__rp_fill(rp_doc *d, rp_text id, size_t n, const char *const *args);
/* Add a block with text (copied); returns it, or NULL after a failure. */
rp_block *ig__rp_add(rp_doc *d, rp_kind kind, const char *text);
/* Add a block whose text is template @p id filled with the NULL-terminated
 * string arguments; counts a sentence for paragraphs. */
rp_block *ig__rp_addf(rp_doc *d, rp_kind kind, rp_text id, ...);
/* Append a cell (copied) to block @p b. */
void ig__rp_cell(rp_doc *d, rp_block *b, const char *s);
/* Set an owned string field of a block (copied). */
void ig__rp_set(rp_doc *d, char **field, const char *s);

/* Number formats. */
void ig__rp_fmt_count(char *buf, size_t cap, double v); /* 12,345 */
void ig__rp_fmt_pct(char *buf, size_t cap, double share); /* 38 % */
void ig__rp_fmt_value(char *buf, size_t cap, double v);   /* 0.381 */

/* Writers: the finished document to @p path, atomically. */
ig_status ig__report_write_html(rp_doc *d, const char *path, size_t *bytes,
                                ig_error *err);
ig_status ig__report_write_pdf(rp_doc *d, const char *path, int *pages,
                               size_t *bytes, ig_error *err);

/* Write @p len bytes to @p path atomically (temporary file beside it,
 * fsync, rename). */
ig_status ig__report_write_file(ig_ctx *ctx, const char *path,
                                const char *data, size_t len,
                                ig_error *err);

#endif
