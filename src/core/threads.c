/* A minimal parallel-for on POSIX threads. Items are handed out from an
 * atomic counter; the caller's thread works too. Determinism is the
 * caller's job: each item writes only its own output slot, and any merge
 * happens afterwards in item order. */
#include <pthread.h>
#include <stdatomic.h>

#include "core/core.h"

typedef struct pf_state {
    ig__task_fn fn;
    void *ud;
    size_t n;
    atomic_size_t next;
    atomic_int cancel;
    pthread_mutex_t mu;
    size_t err_index;
    ig_status err;
} pf_state;

static void *pf_worker(void *arg)
{
    pf_state *s = arg;
    for (;;) {
        if (atomic_load(&s->cancel)) break;
        size_t i = atomic_fetch_add(&s->next, 1);
        if (i >= s->n) break;
        ig_status st = s->fn(s->ud, i);
        if (st != IG_OK) {
            pthread_mutex_lock(&s->mu);
            if (s->err == IG_OK || i < s->err_index) {
                s->err = st;
                s->err_index = i;
            }
            pthread_mutex_unlock(&s->mu);
            if (st == IG_ERR_CANCELLED || st == IG_ERR_NOMEM)
                atomic_store(&s->cancel, 1);
        }
    }
    return NULL;
}

ig_status ig__parallel_for(ig_ctx *ctx, size_t n, ig__task_fn fn, void *ud)
{
    if (n == 0) return IG_OK;
    int nt = ig__threads(ctx);
    if ((size_t)nt > n) nt = (int)n;
    pf_state s;
    s.fn = fn;
    s.ud = ud;
    s.n = n;
    atomic_init(&s.next, 0);
    atomic_init(&s.cancel, 0);
    s.err = IG_OK;
    s.err_index = 0;
    if (pthread_mutex_init(&s.mu, NULL) != 0) return IG_ERR_NOMEM;
    pthread_t tids[256];
    int started = 0;
    for (int t = 1; t < nt; t++) {
        if (pthread_create(&tids[started], NULL, pf_worker, &s) != 0) break;
        started++;
    }
    pf_worker(&s);
    for (int t = 0; t < started; t++) pthread_join(tids[t], NULL);
    pthread_mutex_destroy(&s.mu);
    return s.err;
}
