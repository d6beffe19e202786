/* The loopback HTTP client and server fixture shared by the server tests
 * (test_server.c, test_server_api.c): raw requests over a socket, a server
 * started on a free port over a fresh data directory, and tiny JSON probes.
 * Everything is static: each test file gets its own copy. */
#ifndef TEST_SERVER_UTIL_H
#define TEST_SERVER_UTIL_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "integrid/ig_server.h"
#include "integrid/integrid.h"
#include "test_support.h"

typedef struct resp {
    int status;
    char *head; /* status line and headers */
    char *body;
    size_t body_len;
} resp;

static void resp_free(resp *r)
{
    free(r->head);
    r->head = NULL;
    r->body = NULL;
}

/* Send raw bytes, read the whole answer (Connection: close). */
static int raw(uint16_t port, const char *req, size_t len, resp *out)
{
    memset(out, 0, sizeof *out);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return 0;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {30, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return 0;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t n = send(fd, req + off, len - off, MSG_NOSIGNAL);
        if (n <= 0) break; /* the server may answer before reading all */
        off += (size_t)n;
    }
    shutdown(fd, SHUT_WR);
    size_t cap = 1 << 16, used = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (used + 4096 > cap) buf = realloc(buf, cap *= 2);
        ssize_t n = recv(fd, buf + used, cap - used - 1, 0);
        if (n <= 0) break;
        used += (size_t)n;
    }
    close(fd);
    buf[used] = '\0';
    out->head = buf;
    if (sscanf(buf, "HTTP/1.%*d %d", &out->status) != 1) out->status = 0;
    char *sep = strstr(buf, "\r\n\r\n");
    if (sep) {
        *sep = '\0';
        out->body = sep + 4;
        out->body_len = used - (size_t)(out->body - buf);
    } else {
        out->body = buf + used;
    }
    return 1;
}

typedef struct server_fx {
    ig_server *srv;
    uint16_t port;
    char token[80];
    char dir[64];
} server_fx;

static resp http(const server_fx *fx, const char *method, const char *path,
                 const char *ctype, const void *body, size_t len, int auth)
{
    size_t cap = len + 1024;
    char *req = malloc(cap);
    int n = snprintf(req, cap,
                     "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                     "Connection: close\r\n%s%s%s%s%s%s"
                     "Content-Length: %zu\r\n\r\n",
                     method, path, (unsigned)fx->port,
                     ctype ? "Content-Type: " : "", ctype ? ctype : "",
                     ctype ? "\r\n" : "", auth ? "Authorization: Bearer " : "",
                     auth ? fx->token : "", auth ? "\r\n" : "", len);
    memcpy(req + n, body, len);
    resp r;
    if (!raw(fx->port, req, (size_t)n + len, &r)) fail_msg("cannot connect");
    free(req);
    return r;
}

static resp get(const server_fx *fx, const char *path)
{
    return http(fx, "GET", path, NULL, "", 0, 0);
}

static void start(server_fx *fx, const char *bind, int public_read,
                  uint64_t max_upload, uint64_t max_inflated)
{
    memset(fx, 0, sizeof *fx);
    snprintf(fx->dir, sizeof fx->dir, "/tmp/ig_srv_XXXXXX");
    if (!mkdtemp(fx->dir)) fail_msg("mkdtemp");
    ig_server_opts o;
    ig_server_opts_init(&o);
    o.data_dir = fx->dir;
    o.bind = bind;
    o.port = 0;
    o.public_read = public_read;
    o.max_upload = max_upload;
    o.max_inflated = max_inflated;
    o.threads = 2;
    ig_error err = {0};
    if (ig_server_start(NULL, &o, &fx->srv, &err) != IG_OK)
        fail_msg("server: %s", err.msg);
    fx->port = ig_server_port(fx->srv);
    snprintf(fx->token, sizeof fx->token, "%s", ig_server_token(fx->srv));
    assert_true(fx->port > 0);
    assert_int_equal(strlen(fx->token), 32);
}

/* Stop the server and remove its data directory. */
static void stop(server_fx *fx)
{
    ig_server_stop(fx->srv);
    fx->srv = NULL;
    const char *files[] = {"integrid.sqlite", "integrid.sqlite-wal",
                           "integrid.sqlite-shm"};
    char path[128];
    for (int k = 0; k < 3; k++) {
        snprintf(path, sizeof path, "%s/%s", fx->dir, files[k]);
        unlink(path);
    }
    rmdir(fx->dir);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) fail_msg("cannot open %s", path);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (fread(b, 1, (size_t)n, fp) != (size_t)n) fail_msg("read %s", path);
    fclose(fp);
    b[n] = '\0';
    *len = (size_t)n;
    return b;
}

/* The value of "key":"..." after position p in s (a tiny JSON probe). */
static int json_str(const char *s, const char *key, char *out, size_t cap)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":\"", key);
    const char *p = strstr(s, pat);
    if (!p) return 0;
    p += strlen(pat);
    size_t n = 0;
    while (p[n] && p[n] != '"' && n + 1 < cap) n++;
    memcpy(out, p, n);
    out[n] = '\0';
    return 1;
}

static int n_datasets(const server_fx *fx)
{
    resp r = get(fx, "/api/v1/datasets");
    int n = 0;
    for (const char *p = r.body; (p = strstr(p, "\"cell_size_m\"")); p++) n++;
    resp_free(&r);
    return n;
}

static void assert_error(resp *r, int status, const char *field)
{
    if (r->status != status)
        fail_msg("expected %d, got %d: %s", status, r->status, r->body);
    char want[96];
    snprintf(want, sizeof want, "\"field\":\"%s\"", field);
    if (!strstr(r->body, want))
        fail_msg("expected field %s in %s", field, r->body);
    assert_non_null(strstr(r->head, "Content-Type: application/json"));
    resp_free(r);
}

static char *upload_fixture(server_fx *fx, const char *name, const char *q)
{
    size_t len;
    char path[512];
    snprintf(path, sizeof path, "%s", fixture_path(name));
    char *csv = slurp(path, &len);
    char url[256];
    snprintf(url, sizeof url, "/api/v1/datasets?%s", q);
    resp r = http(fx, "POST", url, "text/csv", csv, len, 1);
    free(csv);
    if (r.status != 201) fail_msg("upload %s: %d %s", name, r.status, r.body);
    static char id[64];
    assert_true(json_str(r.body, "id", id, sizeof id));
    assert_non_null(strstr(r.head, "Location: /api/v1/datasets/"));
    resp_free(&r);
    return id;
}

/* Poll job @p id every 20 ms, at most @p tries times, until it ends; its
 * final JSON (caller frees). */
static char *wait_job(const server_fx *fx, const char *id, int tries)
{
    char jurl[128];
    snprintf(jurl, sizeof jurl, "/api/v1/jobs/%s", id);
    for (int k = 0; k < tries; k++) {
        resp r = get(fx, jurl);
        assert_int_equal(r.status, 200);
        if (!strstr(r.body, "\"state\":\"queued\"") &&
            !strstr(r.body, "\"state\":\"running\"")) {
            char *out = strdup(r.body);
            resp_free(&r);
            return out;
        }
        resp_free(&r);
        struct timespec ts = {0, 20000000};
        nanosleep(&ts, NULL);
    }
    fail_msg("job %s did not end", id);
    return NULL;
}

#endif
