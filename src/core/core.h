/* Library-internal core services: the allocation funnel, error detail,
 * logging and the context layout. Every allocation in the library goes
 * through ig__alloc/ig__realloc/ig__free with a context (NULL = defaults),
 * so tests can fail the Nth allocation (tests/support/test_alloc.c). */
#ifndef IG_CORE_H
#define IG_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "integrid/ig_ctx.h"
#include "integrid/ig_status.h"

struct ig_ctx {
    ig_realloc_fn realloc_fn;
    void *realloc_ud;
    ig_log_fn log_fn;
    void *log_ud;
    int n_threads;
};

/* Allocation funnel. ig__alloc returns NULL on failure (or for n == 0 it
 * returns a unique pointer of size 1). ig__calloc checks n * size for
 * overflow. ig__free takes the size the block was allocated with, or 0
 * when unknown (the default allocator does not need it). */
void *ig__alloc(ig_ctx *ctx, size_t n);
void *ig__calloc(ig_ctx *ctx, size_t n, size_t size);
void *ig__realloc(ig_ctx *ctx, void *p, size_t old_n, size_t new_n);
void ig__free(ig_ctx *ctx, void *p, size_t n);
char *ig__strdup(ig_ctx *ctx, const char *s);
char *ig__strndup(ig_ctx *ctx, const char *s, size_t n);
/* Resize the array *pp of elem-size items from old_n to new_n items.
 * Returns 1, or 0 on failure (overflow or no memory) with *pp untouched,
 * so a caller growing several parallel arrays keeps a valid block in each. */
int ig__resize(ig_ctx *ctx, void **pp, size_t old_n, size_t new_n,
               size_t elem);
/* Grow *p (an array of elem-size items with capacity *cap) to hold at
 * least need items, doubling. IG_OK or IG_ERR_NOMEM (then *p untouched). */
ig_status ig__grow(ig_ctx *ctx, void **p, size_t *cap, size_t need,
                   size_t elem);

/* Fill err (if non-NULL) and return st. fmt is printf-style. */
ig_status ig__error_set(ig_error *err, ig_status st, long line, long column,
                        const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
/* Set the file name of err (if non-NULL and err->file is empty). */
void ig__error_file(ig_error *err, const char *file);

/* Log through the context's callback, printf-style. */
void ig__log(ig_ctx *ctx, ig_log_level level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

int ig__threads(const ig_ctx *ctx);

/* Run fn(ud, i) for i in [0, n) on up to n_threads threads (the caller's
 * thread included). Work is handed out dynamically, so callers must make
 * each item's result independent of which thread ran it. Returns the first
 * non-OK status by item index (all items still run unless cancelled). */
typedef ig_status (*ig__task_fn)(void *ud, size_t i);
ig_status ig__parallel_for(ig_ctx *ctx, size_t n, ig__task_fn fn, void *ud);

/* A string interning table: id = position of first insertion. */
typedef struct ig__strtab ig__strtab;
ig_status ig__strtab_create(ig_ctx *ctx, ig__strtab **out);
void ig__strtab_destroy(ig__strtab *t);
/* Intern s[0..len); *id receives its id. */
ig_status ig__strtab_intern(ig__strtab *t, const char *s, size_t len,
                            uint32_t *id);
/* Look up without inserting; returns 1 and sets *id when found. */
int ig__strtab_find(const ig__strtab *t, const char *s, size_t len,
                    uint32_t *id);
size_t ig__strtab_count(const ig__strtab *t);
const char *ig__strtab_get(const ig__strtab *t, uint32_t id);

#endif /* IG_CORE_H */
