/* The HTTP API over loopback (issue #8): the server is started inside the
 * test on a free port over a fresh data directory, driven with a small
 * socket client, and stopped. Covered: the UI and security headers,
 * upload / list / info / delete, measures equal to the CLI's (and served
 * again from the cache), DEGURBA delineation as a background job, place
 * search, the error statuses 400/401/403/404/405/413/415 with a JSON body
 * naming the field (and the store unchanged), a gzip bomb refused, the
 * token off loopback and --public-read, and malformed requests that must
 * not take the server down. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "integrid/ig_server.h"
#include "integrid/integrid.h"
#include "test_support.h"

#include "test_server_util.h"

/* ---- tests -------------------------------------------------------------- */

static void test_ui_and_headers(void **state)
{
    (void)state;
    server_fx fx;
    start(&fx, "127.0.0.1", 0, 0, 0);
    resp r = get(&fx, "/");
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.head, "Content-Type: text/html"));
    assert_non_null(strstr(r.head,
                           "Content-Security-Policy: default-src "
                           "'none'; script-src 'self'"));
    assert_non_null(strstr(r.head, "frame-ancestors 'none'"));
    assert_non_null(strstr(r.head, "X-Content-Type-Options: nosniff"));
    /* no inline script: the page only loads /app.js */
    assert_non_null(strstr(r.body, "<script src=\"/app.js\""));
    assert_null(strstr(r.body, "<script>"));
    /* on loopback the page carries the token for the UI */
    assert_non_null(strstr(r.body, fx.token));
    resp_free(&r);
    r = get(&fx, "/app.js");
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.head, "text/javascript"));
    resp_free(&r);
    r = get(&fx, "/api/v1/openapi.json");
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"openapi\""));
    assert_non_null(strstr(r.body, "/datasets/{id}/measures"));
    resp_free(&r);
    r = get(&fx, "/api/v1/health");
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"schema\":3"));
    resp_free(&r);
    r = get(&fx, "/api/v1/measures");
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"name\":\"dissimilarity\""));
    resp_free(&r);
    /* no file system behind paths */
    r = get(&fx, "/../../etc/passwd");
    assert_int_equal(r.status, 404);
    resp_free(&r);
    r = get(&fx, "/api/v1/datasets/..%2f..%2fetc");
    assert_true(r.status == 404);
    resp_free(&r);
    stop(&fx);
}

static void test_upload_measure_delete(void **state)
{
    (void)state;
    server_fx fx;
    start(&fx, "127.0.0.1", 0, 0, 0);
    assert_int_equal(n_datasets(&fx), 0);
    char id[64];
    snprintf(id, sizeof id, "%s",
             upload_fixture(&fx, "cli/tiny.csv", "name=tiny&by=CITY"));
    assert_int_equal(n_datasets(&fx), 1);
    char url[256];
    snprintf(url, sizeof url, "/api/v1/datasets/%s", id);
    resp r = get(&fx, url);
    assert_int_equal(r.status, 200);
    assert_non_null(
        strstr(r.body, "\"group_names\":[\"NAT\",\"EU_OTH\",\"OTH\"]"));
    assert_non_null(
        strstr(r.body, "\"grid_place_names\":[\"Alpha\",\"Beta\"]"));
    resp_free(&r);
    /* dissimilarity of NAT in Alpha: 0.75, as `integrid measures`
     * (tests/cli/measures_csv.t) */
    snprintf(url, sizeof url,
             "/api/v1/datasets/%s/measures?place=Alpha&measures=dissimilarity",
             id);
    r = get(&fx, url);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body,
                           "\"measure\":\"dissimilarity\",\"group\":"
                           "\"NAT\",\"component\":\"total\",\"value\":"
                           "0.75,"));
    char *first = strdup(r.body);
    resp_free(&r);
    r = get(&fx, url); /* from the cache: the same answer */
    assert_string_equal(r.body, first);
    free(first);
    resp_free(&r);
    /* with bootstrap intervals */
    snprintf(url, sizeof url,
             "/api/v1/datasets/%s/measures?place=Alpha&measures=dissimilarity"
             "&ci=true&reps=50&seed=7",
             id);
    r = get(&fx, url);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"ci_low\":"));
    assert_non_null(strstr(r.body, "\"n_boot\":"));
    resp_free(&r);
    /* every place of the grid when none is named; undefined values say why */
    snprintf(url, sizeof url, "/api/v1/datasets/%s/measures?measures=isolation",
             id);
    r = get(&fx, url);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"place\":\"Beta\""));
    assert_non_null(strstr(r.body, "\"defined\":false,\"why\":"));
    resp_free(&r);
    /* delete */
    snprintf(url, sizeof url, "/api/v1/datasets/%s", id);
    r = http(&fx, "DELETE", url, NULL, "", 0, 0);
    assert_error(&r, 401, "Authorization");
    r = http(&fx, "DELETE", url, NULL, "", 0, 1);
    assert_int_equal(r.status, 204);
    resp_free(&r);
    r = get(&fx, url);
    assert_error(&r, 404, "dataset");
    assert_int_equal(n_datasets(&fx), 0);
    stop(&fx);
}

static void test_errors(void **state)
{
    (void)state;
    server_fx fx;
    start(&fx, "127.0.0.1", 0, 4096, 0);
    char id[64];
    snprintf(id, sizeof id, "%s",
             upload_fixture(&fx, "cli/tiny.csv", "by=CITY"));
    const char csv[] = "GRD_ID,NAT,OTH\nCRS3035RES1000mN1E1,1,2\n";
    /* 401: no token, wrong token */
    resp r = http(&fx, "POST", "/api/v1/datasets", "text/csv", csv,
                  sizeof csv - 1, 0);
    assert_error(&r, 401, "Authorization");
    assert_int_equal(n_datasets(&fx), 1);
    /* 415: strict content types */
    r = http(&fx, "POST", "/api/v1/datasets",
             "application/x-www-form-urlencoded", csv, sizeof csv - 1, 1);
    assert_error(&r, 415, "Content-Type");
    r = http(&fx, "POST", "/api/v1/datasets", "application/json", "{}", 2, 1);
    assert_error(&r, 415, "Content-Type");
    /* 413: over --max-upload (4096 here), by Content-Length */
    size_t big = 10000;
    char *junk = malloc(big);
    memset(junk, 'a', big);
    r = http(&fx, "POST", "/api/v1/datasets", "text/csv", junk, big, 1);
    assert_error(&r, 413, "body");
    free(junk);
    /* 400: not a grid; a grid with no usable groups; the store unchanged */
    r = http(&fx, "POST", "/api/v1/datasets", "text/csv", "hello\nworld\n", 12,
             1);
    assert_error(&r, 400, "body");
    const char nogroups[] = "GRD_ID,NAME\nCRS3035RES1000mN2684000E4334000,x\n";
    r = http(&fx, "POST", "/api/v1/datasets", "text/csv", nogroups,
             sizeof nogroups - 1, 1);
    assert_error(&r, 400, "body");
    r = http(&fx, "POST", "/api/v1/datasets?groups=A%3D%2B", "text/csv", csv,
             sizeof csv - 1, 1);
    assert_error(&r, 400, "groups");
    r = http(&fx, "POST", "/api/v1/datasets?colour=red", "text/csv", csv,
             sizeof csv - 1, 1);
    assert_error(&r, 400, "colour");
    assert_int_equal(n_datasets(&fx), 1);
    /* 404: unknown dataset, place, job, path */
    r = get(&fx, "/api/v1/datasets/0123456789abcdef0123456789abcdef");
    assert_error(&r, 404, "dataset");
    char url[256];
    snprintf(url, sizeof url, "/api/v1/datasets/%s/measures?place=Gamma", id);
    r = get(&fx, url);
    assert_error(&r, 404, "place");
    snprintf(url, sizeof url, "/api/v1/datasets/%s/places/77", id);
    r = get(&fx, url);
    assert_error(&r, 404, "place");
    r = get(&fx, "/api/v1/jobs/0123");
    assert_error(&r, 404, "job");
    r = get(&fx, "/api/v1/nothing");
    assert_error(&r, 404, "path");
    /* 400: parameters out of range, unknown measure, duplicates */
    snprintf(url, sizeof url, "/api/v1/datasets/%s/measures?b=1.5", id);
    r = get(&fx, url);
    assert_error(&r, 400, "b");
    snprintf(url, sizeof url, "/api/v1/datasets/%s/measures?level=1", id);
    r = get(&fx, url);
    assert_error(&r, 400, "level");
    snprintf(url, sizeof url, "/api/v1/datasets/%s/measures?reps=0", id);
    r = get(&fx, url);
    assert_error(&r, 400, "reps");
    snprintf(url, sizeof url, "/api/v1/datasets/%s/measures?measures=nope", id);
    r = get(&fx, url);
    assert_error(&r, 400, "measures");
    snprintf(url, sizeof url, "/api/v1/datasets/%s/measures?ci=maybe", id);
    r = get(&fx, url);
    assert_error(&r, 400, "ci");
    /* places: bad JSON bodies */
    snprintf(url, sizeof url, "/api/v1/datasets/%s/places", id);
    r = http(&fx, "POST", url, "application/json", "{\"method\":", 10, 1);
    assert_error(&r, 400, "body");
    r = http(&fx, "POST", url, "application/json", "{\"method\":\"kmeans\"}",
             19, 1);
    assert_error(&r, 400, "method");
    r = http(&fx, "POST", url, "application/json", "{\"level\":3}", 11, 1);
    assert_error(&r, 400, "level");
    r = http(&fx, "POST", url, "text/csv", "x", 1, 1);
    assert_error(&r, 415, "Content-Type");
    /* 405 */
    r = http(&fx, "PUT", "/api/v1/measures", "application/json", "{}", 2, 1);
    assert_error(&r, 405, "method");
    /* 403: another Host (DNS rebinding) or a foreign Origin */
    const char rebind[] =
        "GET /api/v1/health HTTP/1.1\r\nHost: evil.example:80"
        "\r\nConnection: close\r\n\r\n";
    assert_true(raw(fx.port, rebind, sizeof rebind - 1, &r));
    assert_error(&r, 403, "Host");
    char origin[256];
    int n = snprintf(origin, sizeof origin,
                     "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                     "Origin: http://evil.example\r\nConnection: close\r\n\r\n",
                     (unsigned)fx.port);
    assert_true(raw(fx.port, origin, (size_t)n, &r));
    assert_error(&r, 403, "Origin");
    assert_int_equal(n_datasets(&fx), 1);
    stop(&fx);
}

static void test_gzip(void **state)
{
    (void)state;
    server_fx fx;
    start(&fx, "127.0.0.1", 0, 0, 1u << 20); /* inflate cap 1 MiB */
    /* a real gzip upload goes through */
    size_t len;
    char *csv = slurp(fixture_path("cli/tiny.csv"), &len);
    uLong cap = compressBound((uLong)len) + 64;
    unsigned char *gz = malloc(cap);
    z_stream z;
    memset(&z, 0, sizeof z);
    deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    z.next_in = (Bytef *)csv;
    z.avail_in = (uInt)len;
    z.next_out = gz;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    size_t gzlen = z.total_out;
    deflateEnd(&z);
    resp r = http(&fx, "POST", "/api/v1/datasets?by=CITY", "application/gzip",
                  gz, gzlen, 1);
    assert_int_equal(r.status, 201);
    assert_non_null(strstr(r.body, "\"cells\":4"));
    resp_free(&r);
    free(gz);
    free(csv);
    /* a bomb: 64 MiB of one header line's padding compresses to ~64 KiB */
    size_t raw_len = 64u << 20;
    unsigned char *zeros = calloc(1, raw_len);
    memcpy(zeros, "GRD_ID,NAT\n", 11);
    cap = compressBound((uLong)raw_len);
    gz = malloc(cap);
    memset(&z, 0, sizeof z);
    deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    z.next_in = zeros;
    z.avail_in = (uInt)raw_len;
    z.next_out = gz;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    gzlen = z.total_out;
    deflateEnd(&z);
    free(zeros);
    assert_true(gzlen < (1u << 20));
    r = http(&fx, "POST", "/api/v1/datasets", "application/gzip", gz, gzlen, 1);
    assert_error(&r, 413, "body");
    /* a damaged gzip stream */
    gz[gzlen / 2] ^= 0xff;
    gz[gzlen / 2 + 1] ^= 0xff;
    r = http(&fx, "POST", "/api/v1/datasets", "application/gzip", gz, gzlen, 1);
    assert_true(r.status == 400 || r.status == 413);
    resp_free(&r);
    free(gz);
    assert_int_equal(n_datasets(&fx), 1);
    stop(&fx);
}

static void test_places_job(void **state)
{
    (void)state;
    server_fx fx;
    start(&fx, "127.0.0.1", 0, 0, 0);
    char id[64];
    snprintf(id, sizeof id, "%s",
             upload_fixture(&fx, "cli/degurba.csv", "by=CNTR_ID"));
    char url[256];
    snprintf(url, sizeof url, "/api/v1/datasets/%s/places", id);
    resp r = http(&fx, "POST", url, "application/json",
                  "{\"method\":\"degurba\",\"level\":1}", 30, 1);
    assert_int_equal(r.status, 202);
    char job[64];
    assert_true(json_str(r.body, "id", job, sizeof job));
    resp_free(&r);
    char jurl[128];
    snprintf(jurl, sizeof jurl, "/api/v1/jobs/%s", job);
    int done = 0;
    for (int k = 0; k < 200 && !done; k++) {
        r = get(&fx, jurl);
        assert_int_equal(r.status, 200);
        done = strstr(r.body, "\"state\":\"done\"") != NULL;
        assert_null(strstr(r.body, "\"state\":\"failed\""));
        if (done) assert_non_null(strstr(r.body, "\"urban_centres\":1"));
        resp_free(&r);
        if (!done) {
            struct timespec ts = {0, 20000000};
            nanosleep(&ts, NULL);
        }
    }
    assert_true(done);
    r = get(&fx, url);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"id\":\"1\""));
    assert_non_null(strstr(r.body, "\"class\":\"urban_centre\""));
    assert_non_null(strstr(r.body, "\"country\":\"AA\""));
    resp_free(&r);
    /* search: by id, and nothing for a name that is not there */
    snprintf(url, sizeof url, "/api/v1/datasets/%s/places?q=zzzz", id);
    r = get(&fx, url);
    assert_string_equal(r.body, "{\"places\":[]}\n");
    resp_free(&r);
    snprintf(url, sizeof url, "/api/v1/datasets/%s/places/1", id);
    r = get(&fx, url);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"cells\":9"));
    resp_free(&r);
    /* measures of a delineated place */
    snprintf(url, sizeof url,
             "/api/v1/datasets/%s/measures?place=1&measures=dissimilarity", id);
    r = get(&fx, url);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"place\":\"1\""));
    resp_free(&r);
    /* cancelling a finished job is accepted; an unknown one is not */
    r = http(&fx, "DELETE", jurl, NULL, "", 0, 1);
    assert_int_equal(r.status, 202);
    resp_free(&r);
    stop(&fx);
}

static void test_async_import(void **state)
{
    (void)state;
    server_fx fx;
    start(&fx, "127.0.0.1", 0, 0, 1u << 20);
    size_t len;
    char *csv = slurp(fixture_path("cli/tiny.csv"), &len);
    resp r = http(&fx, "POST", "/api/v1/datasets?name=bg&by=CITY&async=true",
                  "text/csv", csv, len, 1);
    free(csv);
    assert_int_equal(r.status, 202);
    assert_non_null(strstr(r.head, "Location: /api/v1/jobs/"));
    assert_non_null(strstr(r.body, "\"kind\":\"import\""));
    char job[64];
    assert_true(json_str(r.body, "id", job, sizeof job));
    resp_free(&r);
    char *end = wait_job(&fx, job, 500);
    assert_non_null(strstr(end, "\"state\":\"done\""));
    char id[64];
    assert_true(json_str(strstr(end, "\"result\""), "dataset", id, sizeof id));
    free(end);
    char url[256];
    snprintf(url, sizeof url, "/api/v1/datasets/%s", id);
    r = get(&fx, url);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"name\":\"bg\""));
    resp_free(&r);
    /* a bad grid fails the job with the reason; the store is unchanged */
    r = http(&fx, "POST", "/api/v1/datasets?async=1", "text/csv", "x\ny\n", 4,
             1);
    assert_int_equal(r.status, 202);
    assert_true(json_str(r.body, "id", job, sizeof job));
    resp_free(&r);
    end = wait_job(&fx, job, 500);
    assert_non_null(strstr(end, "\"state\":\"failed\""));
    assert_non_null(strstr(end, "not a usable grid"));
    free(end);
    assert_int_equal(n_datasets(&fx), 1);
    stop(&fx);
}

static void test_off_loopback_token(void **state)
{
    (void)state;
    server_fx fx;
    start(&fx, "0.0.0.0", 0, 0, 0);
    resp r = get(&fx, "/api/v1/datasets");
    assert_error(&r, 401, "Authorization");
    r = http(&fx, "GET", "/api/v1/datasets", NULL, "", 0, 1);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    /* the UI page does not carry the token off loopback */
    r = get(&fx, "/");
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body, fx.token));
    resp_free(&r);
    stop(&fx);
    start(&fx, "0.0.0.0", 1, 0, 0); /* --public-read */
    r = get(&fx, "/api/v1/datasets");
    assert_int_equal(r.status, 200);
    resp_free(&r);
    r = http(&fx, "POST", "/api/v1/datasets", "text/csv", "a", 1, 0);
    assert_error(&r, 401, "Authorization");
    stop(&fx);
    /* a bad address or token is refused before listening */
    ig_server_opts o;
    ig_server_opts_init(&o);
    o.bind = "localhost:80";
    ig_server *srv = NULL;
    ig_error err = {0};
    assert_int_equal(ig_server_start(NULL, &o, &srv, &err), IG_ERR_DOMAIN);
    o.bind = "127.0.0.1";
    o.token = "short";
    assert_int_equal(ig_server_start(NULL, &o, &srv, &err), IG_ERR_DOMAIN);
    assert_null(srv);
}

static void test_malformed_requests(void **state)
{
    (void)state;
    server_fx fx;
    start(&fx, "127.0.0.1", 0, 0, 0);
    const char *bad[] = {
        "\r\n\r\n",
        "GARBAGE\r\n\r\n",
        "GET\r\n\r\n",
        "GET / HTTP/9.9\r\n\r\n",
        "GET /api/v1/datasets?%zz=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "POST /api/v1/datasets HTTP/1.1\r\nHost: x\r\nContent-Length: "
        "-5\r\n\r\n",
        "POST /api/v1/datasets HTTP/1.1\r\nContent-Length: 99999999999999999999"
        "\r\n\r\n",
        "GET /api/v1/datasets/\xff\xfe HTTP/1.1\r\n\r\n",
        "GET /api/v1//// HTTP/1.1\r\n\r\n",
        "POST /api/v1/datasets HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        "zz\r\n",
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        resp r;
        assert_true(raw(fx.port, bad[k], strlen(bad[k]), &r));
        /* libmicrohttpd itself answers an unknown HTTP version with 505 */
        int ok = r.status == 0 || (r.status >= 400 && r.status < 500) ||
                 (k == 3 && r.status == 505);
        if (!ok) fail_msg("request %zu: status %d: %s", k, r.status, r.head);
        resp_free(&r);
    }
    /* a query with too many or too long parameters */
    char url[8192];
    size_t o = (size_t)snprintf(url, sizeof url, "/api/v1/datasets?");
    for (int k = 0; k < 40; k++)
        o += (size_t)snprintf(url + o, sizeof url - o, "p%d=1&", k);
    resp r = get(&fx, url);
    assert_error(&r, 400, "query");
    /* the server is still up */
    r = get(&fx, "/api/v1/health");
    assert_int_equal(r.status, 200);
    resp_free(&r);
    stop(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ui_and_headers),
        cmocka_unit_test(test_upload_measure_delete),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_gzip),
        cmocka_unit_test(test_places_job),
        cmocka_unit_test(test_async_import),
        cmocka_unit_test(test_off_loopback_token),
        cmocka_unit_test(test_malformed_requests),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
