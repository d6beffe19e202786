/** @file ig_ctx.h
 *  @brief Library context: allocator, log callback and thread budget.
 *
 *  A context is used by one thread at a time (like an SQLite connection or
 *  a PROJ context). A NULL context means the built-in defaults: realloc/free,
 *  no logging, one thread. The library never frees or retains memory it did
 *  not allocate. */
#ifndef IG_CTX_H
#define IG_CTX_H

#include <stddef.h>
#include <stdint.h>

#include "integrid/ig_export.h"
#include "integrid/ig_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Allocation function, Lua-style. ptr == NULL allocates nsize bytes;
 *  nsize == 0 frees ptr and returns NULL; otherwise it reallocates. On
 *  failure it returns NULL and leaves ptr untouched. osize is the old size
 *  (0 for a new block). It must be safe to call from several threads at once
 *  when the context's thread budget is above 1. */
typedef void *(*ig_realloc_fn)(void *ud, void *ptr, size_t osize,
                               size_t nsize);

/** Log levels passed to the log callback. */
typedef enum ig_log_level {
    IG_LOG_DEBUG = 0,
    IG_LOG_INFO = 1,
    IG_LOG_WARN = 2, /**< input was repaired or something was left out */
    IG_LOG_ERROR = 3
} ig_log_level;

/** Log callback: one complete message per call, without a trailing newline.
 *  Called from the thread that called the library. */
typedef void (*ig_log_fn)(void *ud, ig_log_level level, const char *msg);

/** Progress callback: @p done of @p total units of work so far (bytes for
 *  readers, tasks for measure runs; total is 0 when not known). Return
 *  non-zero to cancel: the call then fails with IG_ERR_CANCELLED. */
typedef int (*ig_progress_fn)(void *ud, uint64_t done, uint64_t total);

/** Options for ig_ctx_create(). Zero-initialised means defaults. */
typedef struct ig_ctx_opts {
    ig_realloc_fn realloc_fn; /**< NULL: the C library's realloc/free */
    void *realloc_ud;
    ig_log_fn log_fn; /**< NULL: silent */
    void *log_ud;
    int n_threads; /**< worker threads the library may use; <= 0 means 1.
                        Results never depend on this number. */
} ig_ctx_opts;

/** Opaque context. */
typedef struct ig_ctx ig_ctx;

/** Create a context. @p opts may be NULL for defaults.
 *  @return IG_OK; IG_ERR_NOMEM. *out is set only on success. */
IG_API ig_status ig_ctx_create(const ig_ctx_opts *opts, ig_ctx **out);

/** Destroy a context; NULL is a no-op. Objects made with it must be
 *  destroyed first. */
IG_API void ig_ctx_destroy(ig_ctx *ctx);

/** Thread budget of @p ctx (1 for NULL). */
IG_API int ig_ctx_threads(const ig_ctx *ctx);

#ifdef __cplusplus
}
#endif
#endif /* IG_CTX_H */
