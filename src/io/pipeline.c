/* The block pipeline: cut (inflate) -> parse -> commit.
 *
 * A ring of slots holds blocks in flight. Every thread runs the same loop
 * and takes the most useful job: the calling thread commits the next block
 * in input order when it is parsed (so the builder, the log and the
 * progress callback only ever see the calling thread); any thread may cut
 * the next block (one at a time: the inflater is sequential) when a slot is
 * free; otherwise it parses the oldest cut block. So with two threads the
 * inflater overlaps parsing, and with more, parsing spreads out. Because
 * commits follow input order and parsing a block depends on nothing else,
 * the result and the first error reported are the same for any thread
 * count. Memory is bounded by the ring size times the block size. */
#include <pthread.h>
#include <string.h>

#include "io/io_internal.h"

enum { SLOT_FREE = 0, SLOT_FILLED, SLOT_PARSING, SLOT_PARSED };

typedef struct slot {
    ig__block *b;
    void *res;
    int state;
} slot;

typedef struct pipeline {
    ig_ctx *ctx;
    ig__source *src;
    const ig__pipe_ops *ops;
    slot *slots;
    size_t n_slots;
    uint64_t next_fill, next_parse, next_commit;
    int filling;
    int fill_eof;
    int stop; /* finished or failed: helpers leave */
    pthread_mutex_t mu;
    pthread_cond_t cv;
} pipeline;

/* Called with the lock held; returns 1 when it did a job. */
static int try_fill(pipeline *p)
{
    if (p->filling || p->fill_eof) return 0;
    if (p->next_fill - p->next_commit >= p->n_slots) return 0;
    slot *s = &p->slots[p->next_fill % p->n_slots];
    if (s->state != SLOT_FREE) return 0;
    p->filling = 1;
    pthread_mutex_unlock(&p->mu);
    (void)ig__source_fill(p->src, s->b);
    pthread_mutex_lock(&p->mu);
    p->filling = 0;
    s->state = SLOT_FILLED;
    p->next_fill++;
    if (s->b->eof) p->fill_eof = 1;
    pthread_cond_broadcast(&p->cv);
    return 1;
}

static int try_parse(pipeline *p)
{
    if (p->next_parse >= p->next_fill) return 0;
    slot *s = &p->slots[p->next_parse % p->n_slots];
    s->state = SLOT_PARSING;
    p->next_parse++;
    pthread_mutex_unlock(&p->mu);
    if (s->b->st == IG_OK) p->ops->parse(p->ops->ud, s->b, s->res);
    pthread_mutex_lock(&p->mu);
    s->state = SLOT_PARSED;
    pthread_cond_broadcast(&p->cv);
    return 1;
}

static void *helper(void *arg)
{
    pipeline *p = arg;
    pthread_mutex_lock(&p->mu);
    while (!p->stop) {
        if (try_fill(p)) continue;
        if (try_parse(p)) continue;
        if (p->fill_eof && p->next_parse >= p->next_fill) break;
        pthread_cond_wait(&p->cv, &p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static ig_status main_loop(pipeline *p, ig_progress_fn progress, void *pud,
                           ig_error *err)
{
    ig_status result = IG_OK;
    uint64_t total = ig__source_total(p->src);
    pthread_mutex_lock(&p->mu);
    for (;;) {
        slot *c = &p->slots[p->next_commit % p->n_slots];
        if (c->state == SLOT_PARSED) {
            pthread_mutex_unlock(&p->mu);
            ig_status st = p->ops->commit(p->ops->ud, c->b, c->res, err);
            if (st == IG_OK && progress &&
                progress(pud, c->b->in_done, total) != 0)
                st = ig__error_set(err, IG_ERR_CANCELLED, 0, 0,
                                   "reading was cancelled");
            int eof = c->b->eof;
            pthread_mutex_lock(&p->mu);
            c->state = SLOT_FREE;
            p->next_commit++;
            pthread_cond_broadcast(&p->cv);
            if (st != IG_OK || eof) {
                result = st;
                break;
            }
            continue;
        }
        if (try_fill(p)) continue;
        if (try_parse(p)) continue;
        pthread_cond_wait(&p->cv, &p->mu);
    }
    p->stop = 1;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return result;
}

ig_status ig__pipe_run(ig_ctx *ctx, ig__source *src, ig__block *first,
                       const ig__pipe_ops *ops, ig_progress_fn progress,
                       void *progress_ud, ig_error *err)
{
    /* Reading scales to a handful of threads (one inflater feeds them);
     * the cap keeps the ring, and so memory, small for large budgets. */
    int n_threads = ig__threads(ctx);
    if (n_threads > IG__IO_MAX_THREADS) n_threads = IG__IO_MAX_THREADS;
    pipeline p;
    memset(&p, 0, sizeof p);
    p.ctx = ctx;
    p.src = src;
    p.ops = ops;
    p.n_slots = n_threads > 1 ? (size_t)n_threads * 2 + 1 : 1;
    ig_status st = IG_OK;
    p.slots = ig__calloc(ctx, p.n_slots, sizeof *p.slots);
    if (!p.slots) {
        ig__block_free(ctx, first);
        return IG_ERR_NOMEM;
    }
    p.slots[0].b = first;
    for (size_t i = 0; i < p.n_slots && st == IG_OK; i++) {
        if (i > 0) {
            p.slots[i].b = ig__calloc(ctx, 1, sizeof(ig__block));
            if (!p.slots[i].b) st = IG_ERR_NOMEM;
        }
        if (st == IG_OK) {
            p.slots[i].res = ops->res_new(ops->ud);
            if (!p.slots[i].res) st = IG_ERR_NOMEM;
        }
    }
    p.slots[0].state = SLOT_FILLED;
    p.next_fill = 1;
    if (first->eof) p.fill_eof = 1;
    if (st == IG_OK) {
        if (pthread_mutex_init(&p.mu, NULL) != 0) {
            st = IG_ERR_NOMEM;
        } else if (pthread_cond_init(&p.cv, NULL) != 0) {
            pthread_mutex_destroy(&p.mu);
            st = IG_ERR_NOMEM;
        }
    }
    if (st == IG_OK) {
        pthread_t tids[IG__IO_MAX_THREADS];
        int started = 0;
        for (int t = 1; t < n_threads; t++) {
            if (pthread_create(&tids[started], NULL, helper, &p) != 0)
                break; /* fewer helpers: slower, same result */
            started++;
        }
        st = main_loop(&p, progress, progress_ud, err);
        for (int t = 0; t < started; t++) pthread_join(tids[t], NULL);
        pthread_cond_destroy(&p.cv);
        pthread_mutex_destroy(&p.mu);
    } else {
        ig__error_set(err, st, 0, 0, "out of memory while reading");
    }
    for (size_t i = 0; i < p.n_slots; i++) {
        if (p.slots[i].res) ops->res_free(ops->ud, p.slots[i].res);
        ig__block_free(ctx, p.slots[i].b);
    }
    ig__free(ctx, p.slots, p.n_slots * sizeof *p.slots);
    return st;
}
