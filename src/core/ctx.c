/* Contexts and the allocation funnel. The default allocator is the C
 * library's; a host may install a Lua-style realloc function, which tests use
 * to fail the Nth allocation. Nothing here is global or mutable. */
#define _DEFAULT_SOURCE 1 /* madvise */
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

#if defined(__linux__)
#include <sys/mman.h>
#endif

/* Large arrays (grids of millions of cells) are touched once, page by page;
 * on Linux, asking for transparent huge pages cuts the page faults 512-fold
 * (reading the EU 1 km grid: about 0.9 s -> 0.6 s here). A hint only: where
 * it is refused nothing changes. */
static void hint_huge_pages(void *p, size_t n)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    const uintptr_t huge = (uintptr_t)2 << 20;
    if (n < ((size_t)4 << 20)) return;
    uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1);
    uintptr_t e = ((uintptr_t)p + n) & ~(huge - 1);
    if (e > a) (void)madvise((void *)a, (size_t)(e - a), MADV_HUGEPAGE);
#else
    (void)p;
    (void)n;
#endif
}

static void *default_realloc(void *ud, void *p, size_t os, size_t ns)
{
    (void)ud;
    (void)os;
    if (ns == 0) {
        free(p);
        return NULL;
    }
    void *np = realloc(p, ns);
    if (np) hint_huge_pages(np, ns);
    return np;
}

static ig_realloc_fn fn_of(const ig_ctx *ctx, void **ud)
{
    if (ctx && ctx->realloc_fn) {
        *ud = ctx->realloc_ud;
        return ctx->realloc_fn;
    }
    *ud = NULL;
    return default_realloc;
}

void *ig__alloc(ig_ctx *ctx, size_t n)
{
    void *ud;
    ig_realloc_fn f = fn_of(ctx, &ud);
    return f(ud, NULL, 0, n ? n : 1);
}

void *ig__calloc(ig_ctx *ctx, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) return NULL;
    size_t bytes = n * size;
    void *p = ig__alloc(ctx, bytes);
    if (p) memset(p, 0, bytes ? bytes : 1);
    return p;
}

void *ig__realloc(ig_ctx *ctx, void *p, size_t old_n, size_t new_n)
{
    void *ud;
    ig_realloc_fn f = fn_of(ctx, &ud);
    return f(ud, p, p ? old_n : 0, new_n ? new_n : 1);
}

void ig__free(ig_ctx *ctx, void *p, size_t n)
{
    if (!p) return;
    void *ud;
    ig_realloc_fn f = fn_of(ctx, &ud);
    (void)f(ud, p, n, 0);
}

char *ig__strndup(ig_ctx *ctx, const char *s, size_t n)
{
    char *d = ig__alloc(ctx, n + 1);
    if (!d) return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *ig__strdup(ig_ctx *ctx, const char *s)
{
    return ig__strndup(ctx, s, strlen(s));
}

int ig__resize(ig_ctx *ctx, void **pp, size_t old_n, size_t new_n,
               size_t elem)
{
    if (elem && new_n > SIZE_MAX / elem) return 0;
    void *np = ig__realloc(ctx, *pp, old_n * elem, new_n * elem);
    if (!np) return 0;
    *pp = np;
    return 1;
}

ig_status ig__grow(ig_ctx *ctx, void **p, size_t *cap, size_t need,
                   size_t elem)
{
    if (need <= *cap) return IG_OK;
    size_t nc = *cap ? *cap : 16;
    while (nc < need) {
        if (nc > SIZE_MAX / 2 / elem) return IG_ERR_NOMEM;
        nc *= 2;
    }
    void *np = ig__realloc(ctx, *p, *cap * elem, nc * elem);
    if (!np) return IG_ERR_NOMEM;
    *p = np;
    *cap = nc;
    return IG_OK;
}

void ig__log(ig_ctx *ctx, ig_log_level level, const char *fmt, ...)
{
    if (!ctx || !ctx->log_fn) return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    ctx->log_fn(ctx->log_ud, level, buf);
}

int ig__threads(const ig_ctx *ctx)
{
    return (ctx && ctx->n_threads > 1) ? ctx->n_threads : 1;
}

int ig_ctx_threads(const ig_ctx *ctx)
{
    return ig__threads(ctx);
}

ig_status ig_ctx_create(const ig_ctx_opts *opts, ig_ctx **out)
{
    if (!out) return IG_ERR_DOMAIN;
    ig_ctx tmp = {0};
    if (opts) {
        tmp.realloc_fn = opts->realloc_fn;
        tmp.realloc_ud = opts->realloc_ud;
        tmp.log_fn = opts->log_fn;
        tmp.log_ud = opts->log_ud;
        tmp.n_threads = opts->n_threads > 1 ? opts->n_threads : 1;
        if (tmp.n_threads > 256) tmp.n_threads = 256;
    } else {
        tmp.n_threads = 1;
    }
    ig_ctx *ctx = ig__alloc(&tmp, sizeof *ctx);
    if (!ctx) return IG_ERR_NOMEM;
    *ctx = tmp;
    *out = ctx;
    return IG_OK;
}

void ig_ctx_destroy(ig_ctx *ctx)
{
    if (!ctx) return;
    ig_ctx tmp = *ctx;
    ig__free(&tmp, ctx, sizeof *ctx);
}
