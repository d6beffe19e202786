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

#include "integrid/ig_server.h"
#include "server/store_internal.h"

#define IG__MAX_JOBS 64

typedef enum ig__job_state {
    IG__JOB_QUEUED = 0,
    IG__JOB_RUNNING,
    IG__JOB_DONE,
    IG__JOB_FAILED,
    IG__JOB_CANCELLED
} ig__job_state;

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
} ig__req;

typedef struct ig__resp {
    unsigned status;
    const char *content_type;
    ig__srvbuf body;
    char location[128];
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

/* 128 random bits as 32 hex digits. */
void ig__random_hex(char out[IG_STORE_ID_MAX]);

#endif
