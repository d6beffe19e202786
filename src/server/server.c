/* The HTTP server: libmicrohttpd in thread-pool mode, access control, and
 * the static UI. Requests are checked in this order before any handler
 * runs: path shape (segments of [A-Za-z0-9._~:-] only; nothing is ever
 * turned into a file path), Host (on a loopback bind, against DNS
 * rebinding), Origin (must be this server when present), the bearer token
 * (every mutating request; reads too off loopback unless --public-read),
 * the content type of bodies, and the body size (Content-Length first,
 * then counted while reading). A token always exists: the given one or
 * 128 random bits. On loopback the UI page carries it in a <meta> tag (only
 * same-origin script can read it); off loopback it is printed once and the
 * user pastes it into the UI. Every response carries a strict CSP without
 * inline script, nosniff and frame-ancestors 'none'. */
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "server/assets.h"
#include "server/server_internal.h"

#define DEFAULT_MAX_UPLOAD (256ull << 20)
#define DEFAULT_MAX_INFLATED (2ull << 30)
#define DEFAULT_CACHE_BYTES (1ull << 30)
#define SSE_TICK_NS 100000000L  /* suspended streams are looked at 10/s */
#define SSE_KEEPALIVE_TICKS 150 /* a comment line every 15 s of silence */

static const char CSP[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data: blob:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

void ig_server_opts_init(ig_server_opts *o)
{
    memset(o, 0, sizeof *o);
    o->data_dir = ".";
    o->bind = "127.0.0.1";
    o->port = 8080;
}

/* Per-connection state: the body read so far, in memory or (uploads)
 * streamed to a file of the scratch directory. */
typedef struct conn {
    int seen;     /* the first call was handled */
    int rejected; /* a response was queued early */
    int too_big;
    int spool_failed;
    ig__srvbuf body;
    FILE *spool; /* open while the upload arrives */
    uint64_t spooled;
    char spool_path[IG__PATH_MAX]; /* "" when there is no file (any more) */
} conn;

/* Close and remove the connection's upload file, if it still has one. */
static void spool_drop(conn *cs)
{
    if (cs->spool) fclose(cs->spool);
    cs->spool = NULL;
    if (cs->spool_path[0]) unlink(cs->spool_path);
    cs->spool_path[0] = '\0';
}

void ig__resp_error(ig__resp *r, unsigned status, const char *field,
                    const char *fmt, ...)
{
    char msg[IG_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->status = status;
    r->content_type = "application/json";
    r->body.len = 0;
    if (r->body.p) r->body.p[0] = '\0';
    ig__srvbuf_printf(&r->body, "{\"error\":{\"status\":%u,\"field\":", status);
    if (field)
        ig__srvbuf_json_str(&r->body, field);
    else
        ig__srvbuf_puts(&r->body, "null");
    ig__srvbuf_puts(&r->body, ",\"reason\":");
    ig__srvbuf_json_str(&r->body, msg);
    ig__srvbuf_puts(&r->body, "}}\n");
}

unsigned ig__http_status_of(ig_status st)
{
    switch (st) {
        case IG_OK:
            return 200;
        case IG_ERR_NOT_FOUND:
            return 404;
        case IG_ERR_PARSE:
        case IG_ERR_FORMAT:
        case IG_ERR_DOMAIN:
        case IG_ERR_MISMATCH:
        case IG_ERR_NUMERIC:
            return 400;
        case IG_ERR_CANCELLED:
            return 409;
        case IG_ERR_DISABLED:
            return 501;
        case IG_ERR_NOMEM:
            return 503;
        default:
            return 500;
    }
}

static void add_security_headers(struct MHD_Response *resp)
{
    MHD_add_response_header(resp, "Content-Security-Policy", CSP);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Cross-Origin-Resource-Policy",
                            "same-origin");
    MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
}

static enum MHD_Result send_bytes(struct MHD_Connection *c, unsigned status,
                                  const char *ctype, const void *data,
                                  size_t len, int copy, const char *cache,
                                  const char *location)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        len, (void *)(uintptr_t)data,
        copy ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_PERSISTENT);
    if (!resp) return MHD_NO;
    add_security_headers(resp);
    if (ctype) MHD_add_response_header(resp, "Content-Type", ctype);
    MHD_add_response_header(resp, "Cache-Control", cache ? cache : "no-store");
    if (location && location[0])
        MHD_add_response_header(resp, "Location", location);
    enum MHD_Result ret = MHD_queue_response(c, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* ---- server-sent events of a job ----------------------------------------
 * The content reader writes an event whenever the job's JSON changes and
 * ends the stream after the event of a finished job. With nothing new it
 * suspends its connection and returns 0; the ticker thread resumes every
 * suspended stream 10 times a second, so a waiting stream holds no pool
 * thread and never busy-waits. */
typedef struct sse_stream {
    ig_server *srv;
    struct MHD_Connection *conn;
    char job[IG_STORE_ID_MAX];
    ig__srvbuf last; /* the JSON last sent */
    ig__srvbuf out;  /* bytes not yet handed to MHD */
    size_t out_off;
    int ended;      /* the final event is queued */
    unsigned quiet; /* ticks without news */
} sse_stream;

static void sse_suspend(ig_server *srv, sse_stream *s)
{
    pthread_mutex_lock(&srv->sse_mu);
    if (srv->n_suspended < IG__MAX_STREAMS) {
        srv->suspended[srv->n_suspended++] = s->conn;
        MHD_suspend_connection(s->conn);
    }
    pthread_mutex_unlock(&srv->sse_mu);
}

static ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    sse_stream *s = cls;
    ig_server *srv = s->srv;
    if (s->out_off == s->out.len) {
        s->out.len = s->out_off = 0;
        if (s->ended || atomic_load(&srv->stopping))
            return MHD_CONTENT_READER_END_OF_STREAM;
        ig__srvbuf now;
        ig__srvbuf_init(&now, srv->ctx);
        if (!ig__job_json(srv, s->job, &now)) {
            ig__srvbuf_puts(&s->out, "event: gone\ndata: {\"id\":");
            ig__srvbuf_json_str(&s->out, s->job);
            ig__srvbuf_puts(&s->out, "}\n\n");
            s->ended = 1;
        } else if (now.failed) {
            ig__srvbuf_free(&now);
            return MHD_CONTENT_READER_END_WITH_ERROR;
        } else if (s->last.len != now.len ||
                   memcmp(s->last.p, now.p, now.len) != 0) {
            int fin = strstr(now.p, "\"state\":\"done\"") ||
                      strstr(now.p, "\"state\":\"failed\"") ||
                      strstr(now.p, "\"state\":\"cancelled\"");
            ig__srvbuf_puts(&s->out, fin ? "event: end\ndata: "
                                         : "event: progress\ndata: ");
            ig__srvbuf_add(&s->out, now.p, now.len);
            ig__srvbuf_puts(&s->out, "\n\n");
            s->last.len = 0;
            ig__srvbuf_add(&s->last, now.p, now.len);
            s->ended = fin;
            s->quiet = 0;
        } else if (++s->quiet >= SSE_KEEPALIVE_TICKS) {
            ig__srvbuf_puts(&s->out, ": keep-alive\n\n");
            s->quiet = 0;
        }
        ig__srvbuf_free(&now);
        if (s->out.failed || s->last.failed)
            return MHD_CONTENT_READER_END_WITH_ERROR;
        if (s->out.len == 0) {
            sse_suspend(srv, s);
            return 0;
        }
    }
    size_t n = s->out.len - s->out_off;
    if (n > max) n = max;
    memcpy(buf, s->out.p + s->out_off, n);
    s->out_off += n;
    return (ssize_t)n;
}

static void sse_free(void *cls)
{
    sse_stream *s = cls;
    ig_server *srv = s->srv;
    ig__srvbuf_free(&s->last);
    ig__srvbuf_free(&s->out);
    ig__free(srv->ctx, s, sizeof *s);
    atomic_fetch_sub(&srv->n_streams, 1);
}

static void *sse_ticker(void *p)
{
    ig_server *srv = p;
    for (;;) {
        struct timespec ts = {0, SSE_TICK_NS};
        nanosleep(&ts, NULL);
        pthread_mutex_lock(&srv->sse_mu);
        for (size_t k = 0; k < srv->n_suspended; k++)
            MHD_resume_connection(srv->suspended[k]);
        srv->n_suspended = 0;
        pthread_mutex_unlock(&srv->sse_mu);
        if (atomic_load(&srv->ticker_stop)) break;
    }
    return NULL;
}

static enum MHD_Result send_sse(ig_server *srv, struct MHD_Connection *c,
                                const char *job)
{
    if (atomic_load(&srv->n_streams) >= IG__MAX_STREAMS)
        return send_bytes(c, 503, "application/json",
                          "{\"error\":{\"status\":503,\"field\":null,"
                          "\"reason\":\"too many event streams\"}}\n",
                          70, 0, NULL, NULL);
    sse_stream *s = ig__calloc(srv->ctx, 1, sizeof *s);
    if (!s) return MHD_NO;
    s->srv = srv;
    s->conn = c;
    snprintf(s->job, sizeof s->job, "%s", job);
    ig__srvbuf_init(&s->last, srv->ctx);
    ig__srvbuf_init(&s->out, srv->ctx);
    atomic_fetch_add(&srv->n_streams, 1);
    struct MHD_Response *resp = MHD_create_response_from_callback(
        MHD_SIZE_UNKNOWN, 4096, sse_read, s, sse_free);
    if (!resp) {
        sse_free(s);
        return MHD_NO;
    }
    add_security_headers(resp);
    MHD_add_response_header(resp, "Content-Type",
                            "text/event-stream; charset=utf-8");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    enum MHD_Result ret = MHD_queue_response(c, 200, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result send_resp(struct MHD_Connection *c, ig__resp *r)
{
    if (r->body.failed)
        return send_bytes(c, 503, "application/json",
                          "{\"error\":{\"status\":503,\"field\":null,"
                          "\"reason\":\"out of memory\"}}\n",
                          60, 0, NULL, NULL);
    if (r->disposition) {
        struct MHD_Response *resp = MHD_create_response_from_buffer(
            r->body.len, r->body.p ? r->body.p : (void *)(uintptr_t) "",
            MHD_RESPMEM_MUST_COPY);
        if (!resp) return MHD_NO;
        add_security_headers(resp);
        if (r->csp) {
            MHD_del_response_header(resp, "Content-Security-Policy", CSP);
            MHD_add_response_header(resp, "Content-Security-Policy", r->csp);
        }
        if (r->content_type)
            MHD_add_response_header(resp, "Content-Type", r->content_type);
        MHD_add_response_header(resp, "Cache-Control", "no-store");
        MHD_add_response_header(resp, "Content-Disposition", r->disposition);
        enum MHD_Result ret = MHD_queue_response(c, r->status, resp);
        MHD_destroy_response(resp);
        return ret;
    }
    return send_bytes(c, r->status, r->content_type, r->body.p ? r->body.p : "",
                      r->body.len, 1, NULL, r->location);
}

static enum MHD_Result send_error(ig_server *srv, struct MHD_Connection *c,
                                  unsigned status, const char *field,
                                  const char *reason)
{
    ig__resp r;
    memset(&r, 0, sizeof r);
    ig__srvbuf_init(&r.body, srv->ctx);
    ig__resp_error(&r, status, field, "%s", reason);
    enum MHD_Result ret;
    if (status == 401) {
        struct MHD_Response *resp = MHD_create_response_from_buffer(
            r.body.len, r.body.p, MHD_RESPMEM_MUST_COPY);
        if (!resp) {
            ig__srvbuf_free(&r.body);
            return MHD_NO;
        }
        add_security_headers(resp);
        MHD_add_response_header(resp, "Content-Type", "application/json");
        MHD_add_response_header(resp, "Cache-Control", "no-store");
        MHD_add_response_header(resp, "WWW-Authenticate",
                                "Bearer realm=\"integrid\"");
        ret = MHD_queue_response(c, status, resp);
        MHD_destroy_response(resp);
    } else {
        ret = send_resp(c, &r);
    }
    ig__srvbuf_free(&r.body);
    return ret;
}

static int is_mutating(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

/* Constant-time comparison of the presented token. */
static int token_ok(const ig_server *srv, const char *auth)
{
    if (!auth || strncmp(auth, "Bearer ", 7) != 0) return 0;
    const char *t = auth + 7;
    size_t n = strlen(t), m = strlen(srv->token);
    unsigned diff = (unsigned)(n ^ m);
    for (size_t i = 0; i < m; i++)
        diff |= (unsigned)(unsigned char)srv->token[i] ^
                (unsigned)(unsigned char)(i < n ? t[i] : 0);
    return diff == 0;
}

static int host_ok(const ig_server *srv, const char *host)
{
    if (!srv->loopback) return 1;
    if (!host) return 0;
    const char *names[3] = {"127.0.0.1", "localhost", "[::1]"};
    char port[16];
    snprintf(port, sizeof port, ":%u", (unsigned)srv->port);
    for (int k = 0; k < 3; k++) {
        size_t n = strlen(names[k]);
        if (strncmp(host, names[k], n) != 0) continue;
        if (strcmp(host + n, port) == 0) return 1;
        if (host[n] == '\0' && srv->port == 80) return 1;
        /* a loopback bind other than 127.0.0.1 itself */
    }
    if (strncmp(host, srv->bind, strlen(srv->bind)) == 0 &&
        strcmp(host + strlen(srv->bind), port) == 0)
        return 1;
    return 0;
}

static int origin_ok(const char *origin, const char *host)
{
    if (!origin) return 1;
    if (!host) return 0;
    return strncmp(origin, "http://", 7) == 0 && strcmp(origin + 7, host) == 0;
}

/* Media type without parameters, lower-case, into buf. */
static void media_type(const char *ct, char *buf, size_t cap)
{
    size_t o = 0;
    if (ct)
        for (; *ct && *ct != ';' && o + 1 < cap; ct++) {
            char c = *ct;
            if (c == ' ' || c == '\t') continue;
            if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
            buf[o++] = c;
        }
    buf[o] = '\0';
}

static int allowed_type(const char *mt)
{
    static const char *const ok[] = {"text/csv", "application/gzip",
                                     "application/x-gzip", "application/json"};
    for (size_t k = 0; k < sizeof ok / sizeof ok[0]; k++)
        if (strcmp(mt, ok[k]) == 0) return 1;
    return 0;
}

static enum MHD_Result serve_static(ig_server *srv, struct MHD_Connection *c,
                                    const char *url)
{
    if (strcmp(url, "/") == 0 || strcmp(url, "/index.html") == 0)
        return send_bytes(c, 200, "text/html; charset=utf-8", srv->index_html,
                          srv->index_len, 0, "no-store", NULL);
    for (size_t k = 1; k < ig__asset_count; k++)
        if (strcmp(url, ig__assets[k].url) == 0)
            return send_bytes(c, 200, ig__assets[k].content_type,
                              ig__assets[k].data, ig__assets[k].len, 0,
                              "no-cache", NULL);
    return send_error(srv, c, 404, "path", "no such page");
}

/* Re-encode the decoded arguments as a query string for our parser. */
static enum MHD_Result collect_args(void *cls, enum MHD_ValueKind kind,
                                    const char *key, const char *value)
{
    (void)kind;
    ig__srvbuf *b = cls;
    const char *parts[2] = {key ? key : "", value};
    if (b->len) ig__srvbuf_add(b, "&", 1);
    for (int k = 0; k < 2; k++) {
        if (k == 1) {
            if (!value) break;
            ig__srvbuf_add(b, "=", 1);
        }
        for (const unsigned char *s = (const unsigned char *)parts[k]; *s;
             s++) {
            if ((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
                (*s >= 'A' && *s <= 'Z') || *s == '-' || *s == '_' ||
                *s == '.' || *s == ',' || *s == ':')
                ig__srvbuf_add(b, (const char *)s, 1);
            else
                ig__srvbuf_printf(b, "%%%02X", *s);
        }
    }
    return MHD_YES;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c,
                               const char *url, const char *method,
                               const char *version, const char *upload,
                               size_t *upload_size, void **con_cls)
{
    (void)version;
    ig_server *srv = cls;
    conn *cs = *con_cls;
    if (!cs) {
        cs = ig__calloc(srv->ctx, 1, sizeof *cs);
        if (!cs) return MHD_NO;
        ig__srvbuf_init(&cs->body, srv->ctx);
        *con_cls = cs;
    }
    if (cs->rejected) { /* discard the rest of a refused body */
        *upload_size = 0;
        return MHD_YES;
    }
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
    int api = strncmp(url, "/api/", 5) == 0;
    if (!cs->seen) {
        cs->seen = 1;
        const char *origin =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
        const char *auth =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
        const char *why = NULL, *field = NULL;
        unsigned status = 0;
        if (!host_ok(srv, host)) {
            status = 403;
            field = "Host";
            why =
                "the Host header does not name this server (use "
                "http://127.0.0.1:PORT/)";
        } else if (!origin_ok(origin, host)) {
            status = 403;
            field = "Origin";
            why = "cross-origin requests are not accepted";
        } else if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
                   strcmp(method, "POST") != 0 && strcmp(method, "PUT") != 0 &&
                   strcmp(method, "DELETE") != 0) {
            status = 405;
            field = "method";
            why = "method not allowed";
        } else if (api &&
                   (is_mutating(method) ||
                    (!srv->loopback && !srv->public_read)) &&
                   !token_ok(srv, auth)) {
            status = 401;
            field = "Authorization";
            why =
                "missing or wrong token: send 'Authorization: Bearer "
                "TOKEN' (the token integrid serve printed)";
        } else if (is_mutating(method)) {
            const char *ct =
                MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
            const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                         "Content-Length");
            char mt[64];
            media_type(ct, mt, sizeof mt);
            if (ct && !allowed_type(mt)) {
                status = 415;
                field = "Content-Type";
                why =
                    "unsupported content type: send text/csv or "
                    "application/gzip (uploads), application/json (other "
                    "bodies)";
            } else if (cl && strtoull(cl, NULL, 10) > srv->max_upload) {
                status = 413;
                field = "body";
                why = "upload too large (see --max-upload)";
            } else if (strcmp(method, "POST") == 0 &&
                       strcmp(url, "/api/v1/datasets") == 0 &&
                       strcmp(mt, "application/json") != 0 && mt[0] &&
                       srv->tmp_dir[0]) {
                /* a grid upload: stream it to a private file, never
                 * holding the whole body in memory */
                uint64_t k = atomic_fetch_add(&srv->tmp_seq, 1);
                snprintf(cs->spool_path, sizeof cs->spool_path,
                         "%s/upload-%llu.part", srv->tmp_dir,
                         (unsigned long long)k);
                int fd =
                    open(cs->spool_path, O_WRONLY | O_CREAT | O_EXCL, 0600);
                cs->spool = fd >= 0 ? fdopen(fd, "wb") : NULL;
                if (!cs->spool) {
                    if (fd >= 0) close(fd);
                    cs->spool_path[0] = '\0';
                    status = 503;
                    field = "body";
                    why = "cannot store the upload (scratch directory)";
                }
            }
        }
        if (status) {
            cs->rejected = 1;
            *upload_size = 0;
            return send_error(srv, c, status, field, why);
        }
        if (is_mutating(method)) return MHD_YES; /* the body follows */
    }
    if (*upload_size) {
        if (cs->spool || cs->spool_path[0]) {
            if (cs->too_big || cs->spooled + *upload_size > srv->max_upload) {
                cs->too_big = 1;
                spool_drop(cs);
            } else if (cs->spool && !cs->spool_failed) {
                if (fwrite(upload, 1, *upload_size, cs->spool) != *upload_size)
                    cs->spool_failed = 1;
                cs->spooled += *upload_size;
            }
        } else if (cs->too_big ||
                   cs->body.len + *upload_size > srv->max_upload) {
            cs->too_big = 1;
            ig__srvbuf_free(&cs->body);
        } else {
            ig__srvbuf_add(&cs->body, upload, *upload_size);
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (cs->spool) { /* the whole upload is in its file */
        if (fclose(cs->spool) != 0) cs->spool_failed = 1;
        cs->spool = NULL;
    }
    if (cs->too_big)
        return send_error(srv, c, 413, "body",
                          "upload too large (see --max-upload)");
    if (cs->body.failed)
        return send_error(srv, c, 503, "body", "out of memory");
    if (cs->spool_failed) {
        spool_drop(cs);
        return send_error(srv, c, 507, "body",
                          "the upload could not be written to the data "
                          "directory (disk full?)");
    }
    if (!api) {
        if (is_mutating(method))
            return send_error(srv, c, 405, "method", "method not allowed");
        return serve_static(srv, c, url);
    }
    if (strcmp(url, "/api/v1/openapi.json") == 0 && !is_mutating(method))
        return serve_static(srv, c, url);

    ig__req q;
    memset(&q, 0, sizeof q);
    q.srv = srv;
    q.method = method;
    char segbuf[512];
    const char *segs[10];
    int ns = ig__http_split_path(url, segbuf, sizeof segbuf, segs, 10);
    if (ns < 2 || strcmp(segs[0], "api") != 0 || strcmp(segs[1], "v1") != 0)
        return send_error(srv, c, 404, "path", "no such resource");
    q.nseg = ns - 2;
    if (q.nseg > 8) return send_error(srv, c, 404, "path", "no such resource");
    for (int k = 0; k < q.nseg; k++) q.seg[k] = segs[k + 2];
    ig__resp r;
    memset(&r, 0, sizeof r);
    ig__srvbuf_init(&r.body, srv->ctx);
    r.status = 200;
    r.content_type = "application/json";
    ig_error err = {0};
    /* MHD strips the query from url; rebuild it from the arguments */
    /* MHD strips and decodes the query; re-encode its arguments so one
     * parser of our own checks escapes, duplicates and limits */
    ig__srvbuf qs;
    ig__srvbuf_init(&qs, srv->ctx);
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_args, &qs);
    ig_status st =
        qs.failed
            ? ig__error_set(&err, IG_ERR_NOMEM, 0, 0, "out of memory")
            : ig__http_parse_query(qs.p ? qs.p : "", qs.len, &q.query, &err);
    ig__srvbuf_free(&qs);
    if (st != IG_OK) {
        ig__resp_error(&r, 400, "query", "%s", err.msg);
    } else {
        const char *ct =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
        char mt[64];
        media_type(ct, mt, sizeof mt);
        q.content_type = mt;
        q.body = cs->body.p ? cs->body.p : "";
        q.body_len = cs->spool_path[0] ? (size_t)cs->spooled : cs->body.len;
        q.body_buf = &cs->body;
        q.body_path = cs->spool_path;
        ig__api_handle(&q, &r);
    }
    enum MHD_Result ret = r.sse_job[0] && r.status == 200
                              ? send_sse(srv, c, r.sse_job)
                              : send_resp(c, &r);
    ig__srvbuf_free(&r.body);
    return ret;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    (void)c;
    (void)toe;
    ig_server *srv = cls;
    conn *cs = *con_cls;
    if (!cs) return;
    spool_drop(cs);
    ig__srvbuf_free(&cs->body);
    ig__free(srv->ctx, cs, sizeof *cs);
    *con_cls = NULL;
}

/* The UI page with the token (loopback) or an empty one filled in. */
static ig_status make_index(ig_server *srv)
{
    const ig__asset *a = &ig__assets[0];
    const char *page = (const char *)a->data;
    const char *mark = strstr(page, "@TOKEN@");
    ig__srvbuf b;
    ig__srvbuf_init(&b, srv->ctx);
    if (!mark) {
        ig__srvbuf_add(&b, page, a->len);
    } else {
        ig__srvbuf_add(&b, page, (size_t)(mark - page));
        if (srv->loopback) ig__srvbuf_puts(&b, srv->token);
        ig__srvbuf_puts(&b, mark + 7);
    }
    if (b.failed) {
        ig__srvbuf_free(&b);
        return IG_ERR_NOMEM;
    }
    srv->index_html = b.p;
    srv->index_len = b.len;
    return IG_OK;
}

static void log_err(void *cls, const char *fmt, va_list ap)
{
    ig_server *srv = cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r')) msg[--n] = '\0';
    ig__log(srv->ctx, IG_LOG_WARN, "http: %s", msg);
}

/* Remove the private scratch directory and what is left in it (only files
 * the server made: maps and reports). */
static void remove_tmp(ig_server *srv)
{
    if (!srv->tmp_dir[0]) return;
    DIR *d = opendir(srv->tmp_dir);
    if (d) {
        struct dirent *e;
        char path[512];
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(path, sizeof path, "%s/%s", srv->tmp_dir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(srv->tmp_dir);
    srv->tmp_dir[0] = '\0';
}

static void server_free(ig_server *srv)
{
    atomic_store(&srv->stopping, 1);
    if (srv->ticker_started) {
        /* streams see `stopping` when resumed and end; wait for them (at
         * most 5 s) so that no connection is suspended at MHD_stop_daemon */
        for (int k = 0; k < 100 && atomic_load(&srv->n_streams) > 0; k++) {
            struct timespec ts = {0, 50000000L};
            nanosleep(&ts, NULL);
        }
        atomic_store(&srv->ticker_stop, 1);
        pthread_join(srv->ticker, NULL);
        pthread_mutex_lock(&srv->sse_mu);
        for (size_t k = 0; k < srv->n_suspended; k++)
            MHD_resume_connection(srv->suspended[k]);
        srv->n_suspended = 0;
        pthread_mutex_unlock(&srv->sse_mu);
    }
    if (srv->daemon) MHD_stop_daemon(srv->daemon);
    srv->daemon = NULL;
    ig__jobs_shutdown(srv);
    ig__cache_clear(srv);
    remove_tmp(srv);
    ig_store_close(srv->store);
    pthread_mutex_destroy(&srv->jobs_mu);
    pthread_mutex_destroy(&srv->cache_mu);
    pthread_mutex_destroy(&srv->sse_mu);
    ig__free(srv->ctx, srv->index_html, 0);
    ig__free(srv->ctx, srv, sizeof *srv);
}

ig_status ig_server_start(ig_ctx *ctx, const ig_server_opts *opts,
                          ig_server **out, ig_error *err)
{
    ig_server_opts o;
    if (opts)
        o = *opts;
    else
        ig_server_opts_init(&o);
    if (!out)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0, "server: out required");
    const char *bind = o.bind ? o.bind : "127.0.0.1";
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(o.port);
    if (strlen(bind) >= 64 || inet_pton(AF_INET, bind, &sa.sin_addr) != 1)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "bind address '%.64s': not an IPv4 address "
                             "(e.g. 127.0.0.1 or 0.0.0.0)",
                             bind);
    if (o.token) {
        size_t n = strlen(o.token);
        int ok = n >= 16 && n <= 64;
        for (size_t i = 0; ok && i < n; i++)
            ok = o.token[i] > 0x20 && o.token[i] < 0x7f;
        if (!ok)
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "token: 16 to 64 printable ASCII characters "
                                 "without spaces");
    }
    ig_server *srv = ig__calloc(ctx, 1, sizeof *srv);
    if (!srv) return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    srv->ctx = ctx;
    if (pthread_mutex_init(&srv->jobs_mu, NULL) != 0) {
        ig__free(ctx, srv, sizeof *srv);
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "server: no mutex");
    }
    if (pthread_mutex_init(&srv->cache_mu, NULL) != 0) {
        pthread_mutex_destroy(&srv->jobs_mu);
        ig__free(ctx, srv, sizeof *srv);
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "server: no mutex");
    }
    if (pthread_mutex_init(&srv->sse_mu, NULL) != 0) {
        pthread_mutex_destroy(&srv->cache_mu);
        pthread_mutex_destroy(&srv->jobs_mu);
        ig__free(ctx, srv, sizeof *srv);
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "server: no mutex");
    }
    srv->cache_budget =
        (size_t)(o.cache_bytes ? o.cache_bytes : DEFAULT_CACHE_BYTES);
    snprintf(srv->bind, sizeof srv->bind, "%s", bind);
    srv->loopback = (ntohl(sa.sin_addr.s_addr) >> 24) == 127;
    srv->public_read = o.public_read;
    srv->quiet = o.quiet;
    srv->max_upload = o.max_upload ? o.max_upload : DEFAULT_MAX_UPLOAD;
    srv->max_inflated = o.max_inflated ? o.max_inflated : DEFAULT_MAX_INFLATED;
    if (o.token)
        snprintf(srv->token, sizeof srv->token, "%s", o.token);
    else
        ig__random_hex(srv->token);

    ig_status st;
    const char *dir = o.data_dir ? o.data_dir : ".";
    char path[4096];
    (void)mkdir(dir, 0700); /* an existing directory is fine */
    if ((size_t)snprintf(path, sizeof path, "%s/integrid.sqlite", dir) >=
        sizeof path) {
        st = ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                           "data directory path "
                           "too long");
        goto fail;
    }
    st = ig_store_open(ctx, path, &srv->store, err);
    if (st != IG_OK) goto fail;
    /* scratch for maps and reports: private (0700), names never come from
     * requests, removed at stop */
    if ((size_t)snprintf(srv->tmp_dir, sizeof srv->tmp_dir, "%s/tmp-XXXXXX",
                         dir) >= sizeof srv->tmp_dir ||
        !mkdtemp(srv->tmp_dir)) {
        srv->tmp_dir[0] = '\0';
        st = ig__error_set(err, IG_ERR_IO, 0, 0,
                           "cannot make a scratch directory in the data "
                           "directory");
        goto fail;
    }
    st = make_index(srv);
    if (st != IG_OK) {
        ig__error_set(err, st, 0, 0, "out of memory");
        goto fail;
    }
    unsigned threads = o.threads ? o.threads : 4;
    srv->daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG |
            MHD_ALLOW_SUSPEND_RESUME,
        o.port, NULL, NULL, handler, srv, MHD_OPTION_EXTERNAL_LOGGER, log_err,
        srv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)1000, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
        MHD_OPTION_NOTIFY_COMPLETED, completed, srv, MHD_OPTION_END);
    if (!srv->daemon) {
        st = ig__error_set(err, IG_ERR_IO, 0, 0,
                           "cannot listen on %s:%u (in use, or not an "
                           "address of this machine)",
                           bind, (unsigned)o.port);
        goto fail;
    }
    const union MHD_DaemonInfo *di =
        MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = di ? di->port : o.port;
    if (pthread_create(&srv->ticker, NULL, sse_ticker, srv) != 0) {
        st = ig__error_set(err, IG_ERR_NOMEM, 0, 0, "server: no thread");
        goto fail;
    }
    srv->ticker_started = 1;
    *out = srv;
    return IG_OK;
fail:
    server_free(srv);
    return st;
}

uint16_t ig_server_port(const ig_server *srv)
{
    return srv ? srv->port : 0;
}

const char *ig_server_token(const ig_server *srv)
{
    return srv ? srv->token : "";
}

ig_store *ig_server_store(ig_server *srv)
{
    return srv ? srv->store : NULL;
}

void ig_server_stop(ig_server *srv)
{
    if (srv) server_free(srv);
}
