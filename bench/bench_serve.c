/* Load test of the web server (issue #8): a small C client with threads
 * over loopback, no external tool. It starts `integrid serve` in-process on
 * a free port over a fresh data directory, uploads a grid (the real city
 * windows of ../shared/data when present, else a synthetic 120 x 120 km
 * grid), delineates its places, and warms the caches. Then:
 *
 *   1. load: C clients (default 200) for S seconds (default 60, in two
 *      halves, so that memory growth in steady state shows) each send
 *      one request after another, a new connection each time, drawn from
 *      a fixed mix of cached measures, cached profiles, local-value tiles
 *      (binary, by bbox) and health checks;
 *   2. malformed: the same clients for S/4 seconds send garbage: bytes
 *      that are not HTTP, bad escapes, unknown parameters, out-of-range
 *      values, oversized headers, bodies on GETs, wrong content types, and
 *      unauthenticated writes.
 *
 * It reports requests, throughput, p50/p99/max latency of each phase, the
 * status classes, and the resident memory (VmRSS) of the process (server
 * and clients) before, between and after the phases. Exit status 1 when any
 * answer was a 5xx or a request got no answer, 0 otherwise. It stops by itself.
 *
 *   bench_serve [--seconds S] [--clients C] [--data FILE] [--smoke]
 *
 * --smoke: 2 seconds, 16 clients, the synthetic grid (a ctest). */
#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "integrid/ig_render.h"
#include "integrid/ig_server.h"
#include "integrid/integrid.h"

#define MAX_LAT 400000 /* latencies kept per phase (a sample beyond) */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static long rss_kb(void)
{
    FILE *fp = fopen("/proc/self/status", "r");
    if (!fp) return -1;
    char line[256];
    long kb = -1;
    while (fgets(line, sizeof line, fp))
        if (strncmp(line, "VmRSS:", 6) == 0) kb = strtol(line + 6, NULL, 10);
    fclose(fp);
    return kb;
}

static uint16_t g_port;
static char g_token[80];

/* One request on a new connection; returns the status (0: no answer) and
 * optionally the body (caller frees). */
static int request(const char *raw, size_t len, char **body)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return 0;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(g_port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {60, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return 0;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t n = send(fd, raw + off, len - off, MSG_NOSIGNAL);
        if (n <= 0) break;
        off += (size_t)n;
    }
    shutdown(fd, SHUT_WR);
    size_t cap = 1 << 14, used = 0;
    char *buf = malloc(cap);
    if (!buf) {
        close(fd);
        return 0;
    }
    for (;;) {
        if (used + 4096 > cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) break;
            buf = nb;
        }
        ssize_t n = recv(fd, buf + used, cap - used - 1, 0);
        if (n <= 0) break;
        used += (size_t)n;
    }
    close(fd);
    buf[used] = '\0';
    int status = 0;
    if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1) status = 0;
    if (body) {
        char *sep = strstr(buf, "\r\n\r\n");
        *body = strdup(sep ? sep + 4 : "");
    }
    free(buf);
    return status;
}

static int http(const char *method, const char *path, const char *ctype,
                const char *data, size_t len, char **body)
{
    size_t cap = len + 1024;
    char *req = malloc(cap);
    if (!req) return 0;
    int n = snprintf(req, cap,
                     "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                     "Connection: close\r\nAuthorization: Bearer %s\r\n"
                     "%s%s%sContent-Length: %zu\r\n\r\n",
                     method, path, (unsigned)g_port, g_token,
                     ctype ? "Content-Type: " : "", ctype ? ctype : "",
                     ctype ? "\r\n" : "", len);
    if (len) memcpy(req + n, data, len);
    int st = request(req, (size_t)n + len, body);
    free(req);
    return st;
}

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "bench_serve: %s%s\n", what, detail);
    exit(2);
}

/* A synthetic grid: 120 x 120 cells of 1 km in 4 "countries", with group
 * shares that vary smoothly so places and measures are not trivial. */
static char *synthetic_csv(size_t *len)
{
    size_t cap = 1 << 20, n = 0;
    char *b = malloc(cap);
    n += (size_t)snprintf(b, cap,
                          "GRD_ID,CNTR_ID,T,NAT,EU_OTH,OTH,LAND_SURFACE\n");
    for (int r = 0; r < 120; r++)
        for (int c = 0; c < 120; c++) {
            double dx = (c % 60) - 30, dy = (r % 60) - 30;
            double d = sqrt(dx * dx + dy * dy);
            double pop = d < 6 ? 6000 - 600 * d : d < 14 ? 400 : 40;
            pop = floor(pop + (double)((r * 7 + c * 13) % 17));
            double oth = floor(pop * (0.05 + 0.25 * (0.5 + 0.5 * sin(c * 0.3) *
                                                               cos(r * 0.2))));
            double eu = floor(pop * 0.04);
            double nat = pop - oth - eu;
            if (n + 200 > cap) b = realloc(b, cap *= 2);
            n += (size_t)snprintf(
                b + n, cap - n,
                "CRS3035RES1000mN%dE%d,%s,%.0f,%.0f,%.0f,%.0f,1\n",
                2600000 + 1000 * r, 4300000 + 1000 * c,
                r < 60 ? (c < 60 ? "AA" : "BB") : (c < 60 ? "CC" : "DD"), pop,
                nat, eu, oth);
        }
    *len = n;
    return b;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (!b || fread(b, 1, (size_t)n, fp) != (size_t)n) {
        fclose(fp);
        free(b);
        return NULL;
    }
    fclose(fp);
    *len = (size_t)n;
    return b;
}

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

/* ---- the load ----------------------------------------------------------- */

#define MAX_URLS 64
static char g_urls[MAX_URLS][512];
static size_t g_nurls;

typedef struct phase {
    const char *name;
    int malformed;
    double seconds;
    _Atomic uint64_t requests, s2xx, s3xx, s4xx, s5xx, none;
    pthread_mutex_t mu;
    double *lat;
    size_t nlat;
    uint64_t seen; /* reservoir sampling beyond MAX_LAT */
} phase;

static void record(phase *ph, double ms, uint64_t *rng)
{
    pthread_mutex_lock(&ph->mu);
    ph->seen++;
    if (ph->nlat < MAX_LAT) {
        ph->lat[ph->nlat++] = ms;
    } else {
        *rng = *rng * 6364136223846793005ull + 1442695040888963407ull;
        uint64_t k = (*rng >> 11) % ph->seen;
        if (k < MAX_LAT) ph->lat[k] = ms;
    }
    pthread_mutex_unlock(&ph->mu);
}

/* Malformed request number k (they cycle). */
static size_t malformed(unsigned k, char *buf, size_t cap, const char *ds)
{
    switch (k % 12) {
        case 0:
            return (size_t)snprintf(buf, cap, "\x16\x03\x01garbage\r\n\r\n");
        case 1:
            return (size_t)snprintf(
                buf, cap,
                "GET /api/v1/datasets/%s/profile?radii=%%zz "
                "HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n",
                ds, (unsigned)g_port);
        case 2:
            return (size_t)snprintf(
                buf, cap,
                "GET /api/v1/datasets/%s/local?measure=nope "
                "HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n",
                ds, (unsigned)g_port);
        case 3:
            return (size_t)snprintf(
                buf, cap,
                "GET /api/v1/datasets/%s/profile?radii=-1 HTTP/1.1\r\n"
                "Host: 127.0.0.1:%u\r\n\r\n",
                ds, (unsigned)g_port);
        case 4: {
            size_t n = (size_t)snprintf(buf, cap,
                                        "GET / HTTP/1.1\r\nHost: 127.0.0.1:%u"
                                        "\r\nX-Big: ",
                                        (unsigned)g_port);
            while (n + 8 < cap && n < 20000) buf[n++] = 'a';
            n += (size_t)snprintf(buf + n, cap - n, "\r\n\r\n");
            return n;
        }
        case 5:
            return (size_t)snprintf(buf, cap,
                                    "POST /api/v1/datasets HTTP/1.1\r\nHost: "
                                    "127.0.0.1:%u\r\nContent-Length: 5\r\n"
                                    "\r\nabcde",
                                    (unsigned)g_port);
        case 6:
            return (size_t)snprintf(
                buf, cap,
                "POST /api/v1/datasets/%s/assessments?name=x HTTP/1.1\r\n"
                "Host: 127.0.0.1:%u\r\nAuthorization: Bearer %s\r\n"
                "Content-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}",
                ds, (unsigned)g_port, g_token);
        case 7:
            return (size_t)snprintf(
                buf, cap,
                "POST /api/v1/datasets/%s/assessments?name=x HTTP/1.1\r\n"
                "Host: 127.0.0.1:%u\r\nAuthorization: Bearer %s\r\n"
                "Content-Type: application/json\r\nContent-Length: 9\r\n\r\n"
                "{\"a\":[1,",
                ds, (unsigned)g_port, g_token);
        case 8:
            return (size_t)snprintf(buf, cap,
                                    "GET /api/v1/../../etc/passwd HTTP/1.1\r\n"
                                    "Host: 127.0.0.1:%u\r\n\r\n",
                                    (unsigned)g_port);
        case 9:
            return (size_t)snprintf(
                buf, cap,
                "GET /api/v1/datasets/%s/map.png?var=share:NOPE&classes=99 "
                "HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n",
                ds, (unsigned)g_port);
        case 10:
            return (size_t)snprintf(buf, cap,
                                    "GET /api/v1/health HTTP/1.1\r\nHost: "
                                    "evil.example\r\n\r\n");
        default:
            return (size_t)snprintf(
                buf, cap,
                "GET /api/v1/datasets/%s/benchmark?place=1&peers=1e99&x=1&x=2 "
                "HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n",
                ds, (unsigned)g_port);
    }
}

typedef struct client {
    phase *ph;
    unsigned id;
    const char *ds;
} client;

static void *client_main(void *p)
{
    client *c = p;
    phase *ph = c->ph;
    uint64_t rng = 0x9e3779b97f4a7c15ull * (c->id + 1);
    char *buf = malloc(32768);
    double end = now_ms() + ph->seconds * 1000.0;
    unsigned k = c->id;
    while (buf && now_ms() < end) {
        size_t len;
        if (ph->malformed) {
            len = malformed(k++, buf, 32768, c->ds);
        } else {
            rng = rng * 6364136223846793005ull + 1442695040888963407ull;
            const char *u = g_urls[(rng >> 33) % g_nurls];
            len = (size_t)snprintf(buf, 32768,
                                   "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                                   "Connection: close\r\n\r\n",
                                   u, (unsigned)g_port);
        }
        double t0 = now_ms();
        int st = request(buf, len, NULL);
        double dt = now_ms() - t0;
        atomic_fetch_add(&ph->requests, 1);
        if (st == 0)
            atomic_fetch_add(&ph->none, 1);
        else if (st >= 500)
            atomic_fetch_add(&ph->s5xx, 1);
        else if (st >= 400)
            atomic_fetch_add(&ph->s4xx, 1);
        else if (st >= 300)
            atomic_fetch_add(&ph->s3xx, 1);
        else
            atomic_fetch_add(&ph->s2xx, 1);
        record(ph, dt, &rng);
    }
    free(buf);
    return NULL;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void run_phase(phase *ph, unsigned clients, const char *ds)
{
    pthread_t *t = calloc(clients, sizeof *t);
    client *cs = calloc(clients, sizeof *cs);
    double t0 = now_ms();
    unsigned started = 0;
    for (unsigned i = 0; i < clients; i++) {
        cs[i].ph = ph;
        cs[i].id = i;
        cs[i].ds = ds;
        pthread_attr_t at;
        pthread_attr_init(&at);
        pthread_attr_setstacksize(&at, 256 * 1024);
        if (pthread_create(&t[i], &at, client_main, &cs[i]) == 0) started++;
        pthread_attr_destroy(&at);
        if (started != i + 1) break;
    }
    for (unsigned i = 0; i < started; i++) pthread_join(t[i], NULL);
    double secs = (now_ms() - t0) / 1000.0;
    qsort(ph->lat, ph->nlat, sizeof *ph->lat, cmp_d);
    double p50 = ph->nlat ? ph->lat[ph->nlat / 2] : (double)NAN;
    double p99 =
        ph->nlat ? ph->lat[(size_t)((double)ph->nlat * 0.99)] : (double)NAN;
    double mx = ph->nlat ? ph->lat[ph->nlat - 1] : (double)NAN;
    printf(
        "%-9s %u clients, %.1f s: %llu requests (%.0f/s); 2xx %llu, "
        "3xx %llu, 4xx %llu, 5xx %llu, no answer %llu; latency p50 %.2f "
        "ms, p99 %.2f ms, max %.1f ms\n",
        ph->name, started, secs, (unsigned long long)atomic_load(&ph->requests),
        (double)atomic_load(&ph->requests) / secs,
        (unsigned long long)atomic_load(&ph->s2xx),
        (unsigned long long)atomic_load(&ph->s3xx),
        (unsigned long long)atomic_load(&ph->s4xx),
        (unsigned long long)atomic_load(&ph->s5xx),
        (unsigned long long)atomic_load(&ph->none), p50, p99, mx);
    free(t);
    free(cs);
}

int main(int argc, char **argv)
{
    double seconds = 60;
    unsigned clients = 200;
    const char *data = NULL;
    int smoke = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
            seconds = atof(argv[++i]);
        else if (strcmp(argv[i], "--clients") == 0 && i + 1 < argc)
            clients = (unsigned)atoi(argv[++i]);
        else if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
            data = argv[++i];
        else if (strcmp(argv[i], "--smoke") == 0)
            smoke = 1;
        else {
            fprintf(stderr,
                    "usage: bench_serve [--seconds S] [--clients C] "
                    "[--data FILE] [--smoke]\n");
            return 2;
        }
    }
    if (smoke) {
        seconds = 2;
        clients = 16;
    }
    if (!(seconds > 0) || clients == 0 || clients > 2000)
        die("--seconds must be > 0 and --clients 1 to 2000", "");
    char dir[] = "/tmp/ig_bench_serve_XXXXXX";
    if (!mkdtemp(dir)) die("mkdtemp failed", "");
    ig_server_opts o;
    ig_server_opts_init(&o);
    o.data_dir = dir;
    o.port = 0;
    o.quiet = 1;
    o.threads = 4;
    ig_server *srv = NULL;
    ig_error err = {0};
    if (ig_server_start(NULL, &o, &srv, &err) != IG_OK)
        die("cannot start the server: ", err.msg);
    g_port = ig_server_port(srv);
    snprintf(g_token, sizeof g_token, "%s", ig_server_token(srv));

    /* the data */
    size_t len = 0;
    char *csv = NULL;
    char path[1024];
    const char *source = "synthetic 120 x 120 km grid";
    if (!smoke) {
        if (!data) {
            const char *sd = getenv("IG_SHARED_DATA");
            snprintf(path, sizeof path, "%s/eu_census2021_1km_city_windows.csv",
                     sd ? sd : "../shared/data");
            data = path;
        }
        csv = slurp(data, &len);
        if (csv) source = data;
    }
    int real = csv != NULL;
    if (!csv) csv = synthetic_csv(&len);
    char *body = NULL;
    int st = http("POST",
                  real ? "/api/v1/datasets?by=CNTR_ID&name=bench"
                       : "/api/v1/datasets?by=CNTR_ID&name=synthetic",
                  "text/csv", csv, len, &body);
    free(csv);
    char ds[64];
    if (st != 201 || !json_str(body, "id", ds, sizeof ds))
        die("upload failed: ", body ? body : "");
    free(body);
    char url[512];
    snprintf(url, sizeof url, "/api/v1/datasets/%s/places", ds);
    st = http("POST", url, "application/json", "{}", 2, &body);
    char job[64];
    if (st != 202 || !json_str(body, "id", job, sizeof job))
        die("delineation failed: ", body ? body : "");
    free(body);
    snprintf(url, sizeof url, "/api/v1/jobs/%s/events", job);
    st = http("GET", url, NULL, "", 0, &body);
    if (st != 200 || !strstr(body, "\"state\":\"done\""))
        die("delineation did not finish: ", body ? body : "");
    free(body);

    /* the mix: cached measures and profiles, local tiles, health */
    const char *places[3] = {"1", "2", "3"};
    for (int k = 0; k < 3; k++) {
        snprintf(g_urls[g_nurls++], 512,
                 "/api/v1/datasets/%s/measures?place=%s&measures="
                 "dissimilarity,isolation,multi_information_theory",
                 ds, places[k]);
        snprintf(g_urls[g_nurls++], 512,
                 "/api/v1/datasets/%s/profile?place=%s&radii=1000,2000,4000&"
                 "measures=spatial_isolation",
                 ds, places[k]);
    }
    /* tiles of 16 km around the first places' centres: from the
     * places' list we only need any cells; use the grid's extent by
     * sampling a GeoJSON of place 1 */
    snprintf(url, sizeof url,
             "/api/v1/datasets/%s/local?measure=local_share&group=OTH&"
             "place=1&format=geojson",
             ds);
    st = http("GET", url, NULL, "", 0, &body);
    double x0 = 0, y0 = 0;
    const char *cp = body ? strstr(body, "\"coordinates\":[[[") : NULL;
    if (st != 200 || !cp) die("local failed: ", body ? body : "");
    sscanf(cp + 17, "%lf,%lf", &x0, &y0);
    free(body);
    for (int t = 0; t < 4; t++) {
        double tx = x0 - 16000 + 16000 * (t % 2),
               ty = y0 - 16000 + 16000 * (t / 2);
        snprintf(g_urls[g_nurls++], 512,
                 "/api/v1/datasets/%s/local?measure=local_share&group=OTH&"
                 "radius=2000&format=bin&bbox=%.0f,%.0f,%.0f,%.0f",
                 ds, tx, ty, tx + 16000, ty + 16000);
    }
    snprintf(g_urls[g_nurls++], 512, "/api/v1/health");
    for (size_t k = 0; k < g_nurls; k++) { /* warm up: fill the caches */
        st = http("GET", g_urls[k], NULL, "", 0, NULL);
        if (st != 200) die("warm-up failed: ", g_urls[k]);
    }
    printf("bench_serve: %s; %zu URLs in the mix; server threads %u\n", source,
           g_nurls, o.threads);
    long rss0 = rss_kb();

    /* the load in two halves: the first reaches the steady state (thread
     * arenas, caches), the second shows whether memory keeps growing */
    phase warm, load, bad;
    memset(&warm, 0, sizeof warm);
    memset(&load, 0, sizeof load);
    memset(&bad, 0, sizeof bad);
    warm.name = "load 1/2";
    warm.seconds = seconds / 2;
    load.name = "load 2/2";
    load.seconds = seconds / 2;
    bad.name = "malformed";
    bad.malformed = 1;
    bad.seconds = seconds / 4 > 1 ? seconds / 4 : 1;
    pthread_mutex_init(&warm.mu, NULL);
    pthread_mutex_init(&load.mu, NULL);
    pthread_mutex_init(&bad.mu, NULL);
    warm.lat = malloc(MAX_LAT * sizeof *warm.lat);
    load.lat = malloc(MAX_LAT * sizeof *load.lat);
    bad.lat = malloc(MAX_LAT * sizeof *bad.lat);
    run_phase(&warm, clients, ds);
    long rss1 = rss_kb();
    run_phase(&load, clients, ds);
    long rss2 = rss_kb();
    run_phase(&bad, clients, ds);
    long rss3 = rss_kb();
    /* still alive, and still right */
    st = http("GET", g_urls[0], NULL, "", 0, NULL);
    printf(
        "rss: %ld kB before, %ld kB after load 1/2, %ld kB after load 2/2 "
        "(%+.1f %% over the second half), %ld kB after the malformed "
        "requests; the server answers %d after\n",
        rss0, rss1, rss2,
        rss1 > 0 ? 100.0 * (double)(rss2 - rss1) / (double)rss1 : 0.0, rss3,
        st);
    int bad_exit = atomic_load(&warm.s5xx) || atomic_load(&load.s5xx) ||
                   atomic_load(&bad.s5xx) || atomic_load(&warm.none) ||
                   atomic_load(&load.none) || st != 200;
    ig_server_stop(srv);
    ig_render_cleanup();
    /* the data directory: the store files, then the directory */
    const char *files[] = {"integrid.sqlite", "integrid.sqlite-wal",
                           "integrid.sqlite-shm"};
    for (int k = 0; k < 3; k++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[k]);
        unlink(path);
    }
    rmdir(dir);
    free(warm.lat);
    free(load.lat);
    free(bad.lat);
    printf("%s\n", bad_exit ? "FAIL: 5xx answers or requests without answer"
                            : "ok: no 5xx");
    return bad_exit ? 1 : 0;
}
