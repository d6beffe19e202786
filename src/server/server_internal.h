/* Internals of the HTTP server shared by server.c (libmicrohttpd glue,
 * access control, routing), api.c (the /api/v1 handlers) and jobs.c
 * (background jobs). Handlers never see libmicrohttpd: they get an
 * ig__req and fill an ig__resp, so they are plain functions of the request. */
#ifndef IG_SERVER_INTERNAL_H
#define IG_SERVER_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "integrid/ig_local.h"
#include "integrid/ig_server.h"
#include "server/store_internal.h"

#define IG__MAX_JOBS 64
#define IG__CACHE_SLOTS 32
#define IG__MAX_STREAMS 256
#define IG__PATH_MAX 512

#define IG__LOCAL_SLOTS 8

/* A local result kept with its dataset's cache entry (map tiles ask for
 * the same values again and again with another bbox). */
typedef struct ig__local_slot {
    char *key; /* every option that changes the values */
    ig_local_result *lr;
    size_t bytes;
    unsigned refs; /* under the entry's mu */
    uint64_t used;
} ig__local_slot;

/* A decoded dataset in the grid cache (cache.c); borrowed with
 * ig__cache_get(), given back with ig__cache_release(). */
typedef struct ig__cached {
    char id[IG_STORE_ID_MAX];
    ig_grid *grid;
    ig_placeset *ps; /* stored places, built on first use */
    ig__local_slot local[IG__LOCAL_SLOTS];
    uint64_t local_tick;
    pthread_mutex_t mu;
    size_t bytes;
    unsigned refs; /* under the server's cache_mu */
    int linked;    /* in the table */
    uint64_t used; /* LRU tick */
} ig__cached;

typedef enum ig__job_state {
    IG__JOB_QUEUED = 0,
    IG__JOB_RUNNING,
    IG__JOB_DONE,
    IG__JOB_FAILED,
    IG__JOB_CANCELLED
} ig__job_state;

struct MHD_Connection;
typedef struct ig__job ig__job;
typedef struct ig_server ig_server;
/* The work of a job; returns IG_OK or fills err. It polls
 * ig__job_cancelled() and reports with ig__job_progress(). On success it
 * may leave a JSON result in job->result. */
typedef ig_status (*ig__job_fn)(ig_server *srv, ig__job *job, ig_error *err);

struct ig__job {
    char id[IG_STORE_ID_MAX];
    char kind[16]; /* "import", "places" */
    char dataset[IG_STORE_ID_MAX];
    _Atomic int state;
    _Atomic uint64_t done, total;
    _Atomic int cancel;
    char phase[48];    /* what it is doing; written under the jobs lock */
    ig__srvbuf result; /* JSON, when done */
    char error[IG_ERROR_MSG_MAX];
    ig__job_fn fn;
    void *arg; /* owned by the job, freed with free_arg */
    void (*free_arg)(ig_server *srv, void *arg);
    int level; /* places: DEGURBA level */
    pthread_t thread;
    int started;
};

struct ig_server {
    ig_ctx *ctx;
    ig_store *store;
    struct MHD_Daemon *daemon;
    uint16_t port;
    int loopback;
    int public_read;
    int quiet;
    uint64_t max_upload, max_inflated;
    char token[65];
    char bind[64];
    char *index_html; /* the UI page, with the token on loopback */
    size_t index_len;
    pthread_mutex_t jobs_mu;
    ig__job *jobs[IG__MAX_JOBS];
    size_t n_jobs;
    /* the grid cache */
    pthread_mutex_t cache_mu;
    ig__cached *cache[IG__CACHE_SLOTS];
    size_t n_cache;
    size_t cache_used, cache_budget;
    uint64_t cache_tick, cache_gen;
    uint64_t cache_hits, cache_misses, cache_evictions;
    _Atomic uint64_t local_hits; /* local results served from the cache */
    char tmp_dir[256]; /* private scratch directory for maps and reports */
    _Atomic uint64_t tmp_seq;
    _Atomic int stopping; /* event streams end */
    /* server-sent events: suspended streams, resumed by the ticker */
    pthread_mutex_t sse_mu;
    struct MHD_Connection *suspended[IG__MAX_STREAMS];
    size_t n_suspended;
    _Atomic int n_streams;
    _Atomic int ticker_stop;
    pthread_t ticker;
    int ticker_started;
};

/* A request as the handlers see it. */
typedef struct ig__req {
    ig_server *srv;
    const char *method; /* "GET", "POST", ... */
    const char *seg[8]; /* path segments after /api/v1 */
    int nseg;
    ig__params query;
    const char *content_type; /* media type without parameters, or "" */
    const char *body;
    size_t body_len;
    ig__srvbuf *body_buf; /* the connection's buffer: a handler may take
                             its block (then body is no longer valid) */
    /* An upload streamed to a file of the scratch directory instead of
     * memory (POST /datasets): its path, or "" (body then holds it). A
     * handler may take the file: it copies the path and clears this
     * buffer, and then removes the file itself. */
    char *body_path; /* IG__PATH_MAX bytes */
} ig__req;

typedef struct ig__resp {
    unsigned status;
    const char *content_type;
    ig__srvbuf body;
    char location[128];
    const char *disposition; /* Content-Disposition, or NULL */
    const char *csp;         /* a stricter or different CSP, or NULL */
    /* server-sent events of job sse_job instead of a body */
    char sse_job[IG_STORE_ID_MAX];
} ig__resp;

/* A JSON error body {"error":{"status":..,"field":..,"reason":..}}. */
void ig__resp_error(ig__resp *r, unsigned status, const char *field,
                    const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* The HTTP status for a library status (400 for bad data, 404, 500, ...). */
unsigned ig__http_status_of(ig_status st);

/* api.c: dispatch /api/v1/... ; fills r. */
void ig__api_handle(ig__req *q, ig__resp *r);

/* jobs.c */
/* Start @p fn in a background thread as a new job; *out borrows it (the
 * server owns it). On failure frees arg (with free_arg). */
ig_status ig__job_start(ig_server *srv, const char *kind, const char *dataset,
                        ig__job_fn fn, void *arg,
                        void (*free_arg)(ig_server *, void *), ig__job **out,
                        ig_error *err);
/* Describe job @p id as JSON into b; 0 when there is no such job. */
int ig__job_json(ig_server *srv, const char *id, ig__srvbuf *b);
/* Ask job @p id to stop; 0 when there is no such job. */
int ig__job_cancel(ig_server *srv, const char *id);
/* Cancel and join every job, then free them (server stop). */
void ig__jobs_shutdown(ig_server *srv);
int ig__job_cancelled(const ig__job *job);
void ig__job_progress(ig_server *srv, ig__job *job, const char *phase,
                      uint64_t done, uint64_t total);
/* ig_progress_fn over a job (ud = job): reports and cancels. */
int ig__job_progress_cb(void *ud, uint64_t done, uint64_t total);

/* cache.c: the grid of dataset @p id, decoded once and shared. */
ig_status ig__cache_get(ig_server *srv, const char *id, ig__cached **out,
                        ig_error *err);
void ig__cache_release(ig_server *srv, ig__cached *c);
/* Forget dataset @p id (deleted, or its places replaced). */
void ig__cache_drop(ig_server *srv, const char *id);
void ig__cache_clear(ig_server *srv);
/* The place set of the dataset's stored places (IG_ERR_NOT_FOUND when it
 * has none). Owned by the entry. */
ig_status ig__cache_places(ig_server *srv, ig__cached *c,
                           const ig_placeset **ps, ig_error *err);

/* The local result stored under @p key in entry @p c (held until
 * ig__cache_local_release()), or NULL. */
const ig_local_result *ig__cache_local_get(ig_server *srv, ig__cached *c,
                                           const char *key);
/* Keep @p lr under @p key; returns the kept result (held, as for get:
 * @p lr itself, or an equal one another request kept first, then @p lr is
 * destroyed), or NULL when no slot is free (the caller keeps @p lr). */
const ig_local_result *ig__cache_local_put(ig_server *srv, ig__cached *c,
                                           const char *key,
                                           ig_local_result *lr);
void ig__cache_local_release(ig_server *srv, ig__cached *c,
                             const ig_local_result *lr);

/* api_data.c: profile, local, benchmark, map, report; api_policy.c. Each
 * returns 1 when it handled the route. */
int ig__api_data(ig__req *q, ig__resp *r);
int ig__api_policy(ig__req *q, ig__resp *r);

/* Shared helpers of the handlers (api.c). */
void ig__lib_error(ig__resp *r, ig_status st, const ig_error *err,
                   const char *field);
int ig__param_num(ig__resp *r, const ig__params *p, const char *key, double lo,
                  double hi, int open, double *out);
int ig__param_bool(ig__resp *r, const ig__params *p, const char *key, int *out);
int ig__only_params(ig__resp *r, const ig__params *p, const char *const *known,
                    size_t n);

/* 128 random bits as 32 hex digits. */
void ig__random_hex(char out[IG_STORE_ID_MAX]);

#endif
