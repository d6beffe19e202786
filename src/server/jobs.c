/* Background jobs of the server (imports, delineations): each job runs on
 * its own thread so the HTTP pool stays free, reports progress through
 * atomics that GET /api/v1/jobs/{id} (and its SSE stream) read, and stops
 * at the next progress call once cancelled. The table keeps the last
 * IG__MAX_JOBS jobs; a finished job is dropped to make room, a running one
 * never is (the start then fails with 503). Stopping the server cancels
 * and joins every job before the store is closed. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "server/server_internal.h"

void ig__random_hex(char out[IG_STORE_ID_MAX])
{
    unsigned char b[16];
    sqlite3_randomness((int)sizeof b, b); /* a CSPRNG seeded by the OS */
    for (int i = 0; i < 16; i++) snprintf(out + 2 * i, 3, "%02x", b[i]);
}

static const char *state_name(int s)
{
    switch (s) {
        case IG__JOB_QUEUED:
            return "queued";
        case IG__JOB_RUNNING:
            return "running";
        case IG__JOB_DONE:
            return "done";
        case IG__JOB_FAILED:
            return "failed";
        default:
            return "cancelled";
    }
}

int ig__job_cancelled(const ig__job *job)
{
    return atomic_load(&job->cancel) != 0;
}

void ig__job_progress(ig_server *srv, ig__job *job, const char *phase,
                      uint64_t done, uint64_t total)
{
    if (phase) {
        pthread_mutex_lock(&srv->jobs_mu);
        snprintf(job->phase, sizeof job->phase, "%s", phase);
        pthread_mutex_unlock(&srv->jobs_mu);
    }
    atomic_store(&job->total, total);
    atomic_store(&job->done, done);
}

int ig__job_progress_cb(void *ud, uint64_t done, uint64_t total)
{
    ig__job *job = ud;
    atomic_store(&job->total, total);
    atomic_store(&job->done, done);
    return ig__job_cancelled(job);
}

typedef struct run_arg {
    ig_server *srv;
    ig__job *job;
} run_arg;

/* The thread body: the job pointer and its server travel in a small
 * block made by ig__job_start. */
static void *job_main(void *p)
{
    run_arg a = *(run_arg *)p;
    ig__free(a.srv->ctx, p, sizeof(run_arg));
    ig__job *job = a.job;
    atomic_store(&job->state, IG__JOB_RUNNING);
    ig_error err = {0};
    ig_status st = job->fn(a.srv, job, &err);
    pthread_mutex_lock(&a.srv->jobs_mu);
    if (st == IG_OK) {
        atomic_store(&job->state, IG__JOB_DONE);
    } else if (st == IG_ERR_CANCELLED || ig__job_cancelled(job)) {
        atomic_store(&job->state, IG__JOB_CANCELLED);
        snprintf(job->error, sizeof job->error, "cancelled");
    } else {
        atomic_store(&job->state, IG__JOB_FAILED);
        snprintf(job->error, sizeof job->error, "%s",
                 err.msg[0] ? err.msg : ig_strerror(st));
    }
    pthread_mutex_unlock(&a.srv->jobs_mu);
    if (job->free_arg) job->free_arg(a.srv, job->arg);
    job->arg = NULL;
    return NULL;
}

static void job_free(ig_server *srv, ig__job *job)
{
    if (job->started) pthread_join(job->thread, NULL);
    if (job->arg && job->free_arg) job->free_arg(srv, job->arg);
    ig__srvbuf_free(&job->result);
    ig__free(srv->ctx, job, sizeof *job);
}

ig_status ig__job_start(ig_server *srv, const char *kind, const char *dataset,
                        ig__job_fn fn, void *arg,
                        void (*free_arg)(ig_server *, void *), ig__job **out,
                        ig_error *err)
{
    ig__job *job = ig__calloc(srv->ctx, 1, sizeof *job);
    run_arg *ra = ig__alloc(srv->ctx, sizeof *ra);
    if (!job || !ra) {
        ig__free(srv->ctx, job, sizeof *job);
        ig__free(srv->ctx, ra, sizeof *ra);
        if (free_arg) free_arg(srv, arg);
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    }
    ig__random_hex(job->id);
    snprintf(job->kind, sizeof job->kind, "%s", kind);
    snprintf(job->dataset, sizeof job->dataset, "%s", dataset ? dataset : "");
    snprintf(job->phase, sizeof job->phase, "queued");
    ig__srvbuf_init(&job->result, srv->ctx);
    job->fn = fn;
    job->arg = arg;
    job->free_arg = free_arg;
    ra->srv = srv;
    ra->job = job;

    pthread_mutex_lock(&srv->jobs_mu);
    if (srv->n_jobs == IG__MAX_JOBS) {
        /* drop the oldest finished job */
        size_t k = 0;
        while (k < srv->n_jobs &&
               atomic_load(&srv->jobs[k]->state) <= IG__JOB_RUNNING)
            k++;
        if (k == srv->n_jobs) {
            pthread_mutex_unlock(&srv->jobs_mu);
            job->arg = NULL;
            if (free_arg) free_arg(srv, arg);
            job_free(srv, job);
            ig__free(srv->ctx, ra, sizeof *ra);
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "too many jobs running (%d); wait for one "
                                 "to finish",
                                 IG__MAX_JOBS);
        }
        ig__job *old = srv->jobs[k];
        memmove(srv->jobs + k, srv->jobs + k + 1,
                (srv->n_jobs - k - 1) * sizeof *srv->jobs);
        srv->n_jobs--;
        job_free(srv, old); /* finished: the join returns at once */
    }
    srv->jobs[srv->n_jobs++] = job;
    if (pthread_create(&job->thread, NULL, job_main, ra) != 0) {
        srv->n_jobs--;
        pthread_mutex_unlock(&srv->jobs_mu);
        ig__free(srv->ctx, ra, sizeof *ra);
        job_free(srv, job);
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0,
                             "cannot start a job thread");
    }
    job->started = 1;
    pthread_mutex_unlock(&srv->jobs_mu);
    *out = job;
    return IG_OK;
}

static ig__job *find(ig_server *srv, const char *id)
{
    for (size_t k = 0; k < srv->n_jobs; k++)
        if (strcmp(srv->jobs[k]->id, id) == 0) return srv->jobs[k];
    return NULL;
}

int ig__job_json(ig_server *srv, const char *id, ig__srvbuf *b)
{
    pthread_mutex_lock(&srv->jobs_mu);
    ig__job *job = find(srv, id);
    if (job) {
        int s = atomic_load(&job->state);
        ig__srvbuf_puts(b, "{\"id\":");
        ig__srvbuf_json_str(b, job->id);
        ig__srvbuf_puts(b, ",\"kind\":");
        ig__srvbuf_json_str(b, job->kind);
        ig__srvbuf_puts(b, ",\"dataset\":");
        ig__srvbuf_json_str(b, job->dataset);
        ig__srvbuf_puts(b, ",\"state\":");
        ig__srvbuf_json_str(b, state_name(s));
        ig__srvbuf_puts(b, ",\"phase\":");
        ig__srvbuf_json_str(b, job->phase);
        ig__srvbuf_printf(b, ",\"done\":%llu,\"total\":%llu",
                          (unsigned long long)atomic_load(&job->done),
                          (unsigned long long)atomic_load(&job->total));
        if (s == IG__JOB_FAILED || s == IG__JOB_CANCELLED) {
            ig__srvbuf_puts(b, ",\"error\":");
            ig__srvbuf_json_str(b, job->error);
        }
        if (s == IG__JOB_DONE && job->result.len) {
            ig__srvbuf_puts(b, ",\"result\":");
            ig__srvbuf_add(b, job->result.p, job->result.len);
        }
        ig__srvbuf_puts(b, "}");
    }
    pthread_mutex_unlock(&srv->jobs_mu);
    return job != NULL;
}

int ig__job_cancel(ig_server *srv, const char *id)
{
    pthread_mutex_lock(&srv->jobs_mu);
    ig__job *job = find(srv, id);
    if (job) atomic_store(&job->cancel, 1);
    pthread_mutex_unlock(&srv->jobs_mu);
    return job != NULL;
}

void ig__jobs_shutdown(ig_server *srv)
{
    pthread_mutex_lock(&srv->jobs_mu);
    for (size_t k = 0; k < srv->n_jobs; k++)
        atomic_store(&srv->jobs[k]->cancel, 1);
    pthread_mutex_unlock(&srv->jobs_mu);
    /* no new job can start: the daemon is stopped first */
    for (size_t k = 0; k < srv->n_jobs; k++) job_free(srv, srv->jobs[k]);
    srv->n_jobs = 0;
}
