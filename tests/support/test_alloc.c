#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "test_support.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

void *fail_realloc(void *ud, void *p, size_t os, size_t ns)
{
    fail_alloc *fa = ud;
    (void)os;
    if (ns == 0) {
        if (p) {
            pthread_mutex_lock(&mu);
            fa->live--;
            pthread_mutex_unlock(&mu);
        }
        free(p);
        return NULL;
    }
    pthread_mutex_lock(&mu);
    fa->calls++;
    int fail = fa->fail_at > 0 &&
               (fa->calls == fa->fail_at || (fa->sticky && fa->calls > fa->fail_at));
    if (fail) {
        fa->failures++;
        pthread_mutex_unlock(&mu);
        return NULL;
    }
    pthread_mutex_unlock(&mu);
    void *np = realloc(p, ns);
    if (np && !p) {
        pthread_mutex_lock(&mu);
        fa->live++;
        pthread_mutex_unlock(&mu);
    }
    return np;
}

ig_ctx *make_fail_ctx(fail_alloc *fa, int n_threads)
{
    ig_ctx_opts o = {0};
    o.realloc_fn = fail_realloc;
    o.realloc_ud = fa;
    o.n_threads = n_threads;
    long saved = fa->fail_at;
    fa->fail_at = 0;
    ig_ctx *ctx = NULL;
    if (ig_ctx_create(&o, &ctx) != IG_OK) abort();
    fa->fail_at = saved > 0 ? saved + fa->calls : 0;
    return ctx;
}
