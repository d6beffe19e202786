/* The analysis and policy endpoints of the API over loopback (issue #8,
 * second part): profile and benchmark give the CLI's numbers (the CLI is
 * run on the same file and its CSV compared value by value, exactly);
 * local values as GeoJSON and in the compact binary form agree bit for bit
 * and a bbox selects cells; maps come back as PNG and SVG; the report is
 * HTML and served again from the cache; policy assessments are saved in
 * revisions, exported byte for byte, refused for another framework
 * version, and scored afresh; a job streams server-sent events to its end;
 * every kind of bad input is a 4xx naming the field with the store left
 * unchanged; the grid cache serves repeated requests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>

#include "integrid/ig_render.h"
#include "test_server_util.h"

#ifndef IG_CLI
#error \
    "IG_CLI (the path of the integrid program) is set by tests/unit/server.cmake"
#endif

static char *upload_towns(server_fx *fx)
{
    return upload_fixture(fx, "cli/towns.csv", "by=CNTR_ID&name=towns");
}

static void delineate(server_fx *fx, const char *id)
{
    char url[256];
    snprintf(url, sizeof url, "/api/v1/datasets/%s/places", id);
    resp r = http(fx, "POST", url, "application/json", "{}", 2, 1);
    assert_int_equal(r.status, 202);
    char job[64];
    assert_true(json_str(r.body, "id", job, sizeof job));
    resp_free(&r);
    char *end = wait_job(fx, job, 1000);
    if (!strstr(end, "\"state\":\"done\"")) fail_msg("delineation: %s", end);
    free(end);
}

/* Run the CLI; its standard output (caller frees). */
static char *run_cli(const char *args)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s' %s", IG_CLI, args);
    FILE *p = popen(cmd, "r");
    if (!p) fail_msg("popen");
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    size_t k;
    while ((k = fread(b + n, 1, cap - n - 1, p)) > 0) {
        n += k;
        if (n + 1 >= cap) b = realloc(b, cap *= 2);
    }
    b[n] = '\0';
    int rc = pclose(p);
    if (rc != 0) fail_msg("%s: exit %d", cmd, rc);
    return b;
}

/* Split a CSV line without quotes into fields (in place). */
static int csv_fields(char *line, char **f, int max)
{
    int n = 0;
    f[n++] = line;
    for (char *p = line; *p && n < max; p++)
        if (*p == ',') {
            *p = '\0';
            f[n++] = p + 1;
        }
    return n;
}

/* The number after "key": in s (NaN for null); fails when absent. */
static double json_num_after(const char *s, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(s, pat);
    if (!p) fail_msg("no %s in %.200s", key, s);
    p += strlen(pat);
    if (strncmp(p, "null", 4) == 0) return (double)NAN;
    return strtod(p, NULL);
}

static double csv_num(const char *s)
{
    return s[0] ? strtod(s, NULL) : (double)NAN;
}

static void assert_same(double a, double b, const char *what)
{
    if (isnan(a) && isnan(b)) return;
    if (a != b) fail_msg("%s: server %.17g, CLI %.17g", what, a, b);
}

/* ---- tests -------------------------------------------------------------- */

static void test_profile_same_as_cli(void **state)
{
    (void)state;
    server_fx fx;
    start(&fx, "127.0.0.1", 0, 0, 0);
    char id[64];
    snprintf(id, sizeof id, "%s", upload_towns(&fx));
    char url[512];
    snprintf(url, sizeof url,
             "/api/v1/datasets/%s/profile?place=AA&radii=1000,2000,4000&"
             "measures=spatial_isolation,spatial_exposure",
             id);
    resp r = get(&fx, url);
    if (r.status != 200) fail_msg("%d %s", r.status, r.body);
    assert_non_null(strstr(r.body, "\"scales\":[1000,2000,4000]"));
    char *srv_body = strdup(r.body);
    resp_free(&r);
    char args[1024];
    snprintf(args, sizeof args,
             "profile '%s' --by CNTR_ID --radii 1000,2000,4000 --measures "
             "spatial_isolation,spatial_exposure --format csv -q",
             fixture_path("cli/towns.csv"));
    char *csv = run_cli(args);
    int compared = 0;
    char *save = NULL;
    for (char *line = strtok_r(csv, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char *f[12];
        if (csv_fields(line, f, 12) < 5 || strcmp(f[0], "AA") != 0) continue;
        /* place,measure,group,scale,value */
        char pat[256];
        snprintf(pat, sizeof pat,
                 "\"measure\":\"%s\",\"group\":\"%s\",\"values\":[", f[1],
                 f[2]);
        const char *p = strstr(srv_body, pat);
        if (!p) fail_msg("no series %s in %s", pat, srv_body);
        p += strlen(pat);
        int s = strcmp(f[3], "1000") == 0   ? 0
                : strcmp(f[3], "2000") == 0 ? 1
                                            : 2;
        for (int k = 0; k < s; k++) p = strchr(p, ',') + 1;
        double v = strncmp(p, "null", 4) == 0 ? (double)NAN : strtod(p, NULL);
        assert_same(v, csv_num(f[4]), pat);
        compared++;
    }
    assert_int_equal(compared, 2 * 3 * 3); /* 2 measures x 3 groups x 3 */
    free(csv);
    /* the second time from the result cache, byte for byte */
    r = get(&fx, url);
    assert_string_equal(r.body, srv_body);
    resp_free(&r);
    free(srv_body);
    /* a k profile */
    snprintf(
        url, sizeof url,
        "/api/v1/datasets/%s/profile?k=500,5000&measures=spatial_isolation",
        id);
    r = get(&fx, url);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"scale_unit\":\"residents\""));
    resp_free(&r);
    stop(&fx);
}

static void test_benchmark_same_as_cli(void **state)
{
    (void)state;
    server_fx fx;
    start(&fx, "127.0.0.1", 0, 0, 0);
    char id[64];
    snprintf(id, sizeof id, "%s", upload_towns(&fx));
    char url[512];
    /* before delineation there is nothing to compare with */
    snprintf(url, sizeof url,
             "/api/v1/datasets/%s/benchmark?place=1&measures=dissimilarity",
             id);
    resp r = get(&fx, url);
    assert_error(&r, 409, "place");
    delineate(&fx, id);
    snprintf(url, sizeof url,
             "/api/v1/datasets/%s/benchmark?place=1&measures=dissimilarity,"
             "isolation&peers=3",
             id);
    r = get(&fx, url);
    if (r.status != 200) fail_msg("%d %s", r.status, r.body);
    char *body = strdup(r.body);
    resp_free(&r);
    char args[1024];
    snprintf(
        args, sizeof args,
        "benchmark '%s' --by CNTR_ID --places degurba --place 1 --measures "
        "dissimilarity,isolation --peers 3 --format csv -q",
        fixture_path("cli/towns.csv"));
    char *csv = run_cli(args);
    int compared = 0;
    char *save = NULL;
    for (char *line = strtok_r(csv, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char *f[12];
        /* place,measure,group,value,set,n,rank,percentile,median */
        if (csv_fields(line, f, 12) < 9 || strcmp(f[0], "place") == 0) continue;
        char pat[256];
        snprintf(pat, sizeof pat, "{\"measure\":\"%s\",\"group\":\"%s\",", f[1],
                 f[2]);
        const char *p = strstr(body, "\"rows\":[");
        assert_non_null(p);
        char setpat[64];
        snprintf(setpat, sizeof setpat, "\"set\":\"%s\"", f[4]);
        const char *row = NULL;
        for (p = strstr(p, pat); p; p = strstr(p + 1, pat)) {
            const char *end = strchr(p, '}');
            const char *sp = strstr(p, setpat);
            if (sp && sp < end) {
                row = p;
                break;
            }
        }
        if (!row) fail_msg("no row %s %s", pat, setpat);
        assert_same(json_num_after(row, "value"), csv_num(f[3]), "value");
        assert_same(json_num_after(row, "n"), csv_num(f[5]), "n");
        assert_same(json_num_after(row, "rank"), csv_num(f[6]), "rank");
        assert_same(json_num_after(row, "percentile"), csv_num(f[7]),
                    "percentile");
        assert_same(json_num_after(row, "median"), csv_num(f[8]), "median");
        compared++;
    }
    assert_int_equal(compared, 2 * 3 * 5); /* measures x groups x sets */
    free(csv);
    /* the peers the CLI lists, in its order */
    snprintf(args, sizeof args,
             "benchmark '%s' --by CNTR_ID --places degurba --place 1 "
             "--measures dissimilarity "
             "--peers 3 --format json -q",
             fixture_path("cli/towns.csv"));
    char *js = run_cli(args);
    const char *cp = strstr(js, "\"peers\": [");
    const char *sp = strstr(body, "\"peers\":[");
    assert_non_null(cp);
    assert_non_null(sp);
    for (int k = 0; k < 3; k++) {
        static const char cpat[] = "\"place\": {\"id\": \"";
        static const char spat[] = "\"place\":{\"id\":\"";
        cp = strstr(cp, cpat);
        sp = strstr(sp, spat);
        assert_non_null(cp);
        assert_non_null(sp);
        cp += sizeof cpat - 1;
        sp += sizeof spat - 1;
        assert_int_equal(strcspn(cp, "\""), strcspn(sp, "\""));
        assert_memory_equal(cp, sp, strcspn(cp, "\""));
    }
    free(js);
    free(body);
    /* a place that does not exist, a bad peer count */
    snprintf(url, sizeof url, "/api/v1/datasets/%s/benchmark?place=Atlantis",
             id);
    r = get(&fx, url);
    assert_error(&r, 404, "place");
    snprintf(url, sizeof url, "/api/v1/datasets/%s/benchmark?place=1&peers=-2",
             id);
    r = get(&fx, url);
    assert_error(&r, 400, "peers");
    stop(&fx);
}

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static void test_local_geojson_and_binary(void **state)
{
    (void)state;
    server_fx fx;
    start(&fx, "127.0.0.1", 0, 0, 0);
    char id[64];
    snprintf(id, sizeof id, "%s", upload_towns(&fx));
    char url[512];
    snprintf(url, sizeof url,
             "/api/v1/datasets/%s/local?measure=local_share&group=OTH&"
             "radius=1500",
             id);
    resp r = get(&fx, url);
    if (r.status != 200) fail_msg("%d %s", r.status, r.body);
    assert_non_null(strstr(r.head, "application/geo+json"));
    assert_non_null(strstr(r.body, "\"type\":\"FeatureCollection\""));
    assert_non_null(strstr(r.body, "\"cells\":56,"));
    char *gj = strdup(r.body);
    resp_free(&r);
    char burl[600];
    snprintf(burl, sizeof burl, "%s&format=bin", url);
    r = get(&fx, burl);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.head, "application/octet-stream"));
    const unsigned char *b = (const unsigned char *)r.body;
    assert_true(r.body_len > 32);
    assert_memory_equal(b, "IGLOCAL\0", 8);
    assert_int_equal(rd32(b + 8), 1);
    uint32_t n = rd32(b + 12), nl = rd32(b + 16);
    assert_int_equal(n, 56);
    assert_int_equal(nl, 1);
    assert_int_equal(rd32(b + 20), 1000);
    assert_int_equal(rd32(b + 24), 3035);
    size_t off = 32, len = rd32(b + off);
    assert_memory_equal(b + off + 4, "OTH", 3);
    off += 4 + len;
    off = (off + 7) / 8 * 8;
    const unsigned char *rows = b + off, *cols = rows + 4 * n;
    const unsigned char *vals = cols + 4 * n;
    assert_int_equal(r.body_len, (size_t)(vals - b) + 8 * n);
    /* every feature's value is the binary value, bit for bit */
    const char *p = gj;
    for (uint32_t j = 0; j < n; j++) {
        p = strstr(p, "\"properties\":{\"row\":");
        assert_non_null(p);
        int row = atoi(p + 20);
        assert_int_equal(row, (int32_t)rd32(rows + 4 * j));
        p = strstr(p, "\"values\":[") + 10;
        double v;
        uint64_t u = 0;
        for (int k = 0; k < 8; k++) u |= (uint64_t)vals[8 * j + k] << (8 * k);
        memcpy(&v, &u, 8);
        if (strncmp(p, "null", 4) == 0)
            assert_true(isnan(v));
        else
            assert_true(strtod(p, NULL) == v);
        assert_true(isnan(v) || (v >= 0 && v <= 1));
    }
    resp_free(&r);
    free(gj);
    /* a bbox: the south-west 2 x 2 km only */
    snprintf(burl, sizeof burl, "%s&bbox=4334000,2684000,4336000,2686000", url);
    r = get(&fx, burl);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"cells\":4,"));
    resp_free(&r);
    /* the registry of local measures */
    r = get(&fx, "/api/v1/local");
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"name\":\"local_gi_star\""));
    resp_free(&r);
    stop(&fx);
}

static void test_maps(void **state)
{
    (void)state;
    server_fx fx;
    start(&fx, "127.0.0.1", 0, 0, 0);
    char id[64];
    snprintf(id, sizeof id, "%s", upload_towns(&fx));
    char url[512];
    snprintf(url, sizeof url,
             "/api/v1/datasets/%s/map.png?var=share:OTH&width=400", id);
    resp r = get(&fx, url);
    if (r.status != 200) fail_msg("%d %s", r.status, r.body);
    assert_non_null(strstr(r.head, "Content-Type: image/png"));
    assert_true(r.body_len > 100);
    assert_memory_equal(r.body, "\x89PNG", 4);
    resp_free(&r);
    snprintf(url, sizeof url,
             "/api/v1/datasets/%s/map.svg?var=measure:local_gi_star:OTH&"
             "radius=1500&place=AA",
             id);
    r = get(&fx, url);
    if (r.status != 200) fail_msg("%d %s", r.status, r.body);
    assert_non_null(strstr(r.head, "image/svg+xml"));
    assert_non_null(strstr(r.body, "<svg"));
    resp_free(&r);
    snprintf(url, sizeof url, "/api/v1/datasets/%s/map.png?var=share:NOPE", id);
    r = get(&fx, url);
    assert_error(&r, 400, "var");
    snprintf(url, sizeof url,
             "/api/v1/datasets/%s/map.png?var=lq:OTH&classes=99", id);
    r = get(&fx, url);
    assert_error(&r, 400, "classes");
    /* nothing is left in the scratch directory */
    stop(&fx);
}

static void test_report(void **state)
{
    (void)state;
    server_fx fx;
    start(&fx, "127.0.0.1", 0, 0, 0);
    char id[64];
    snprintf(id, sizeof id, "%s", upload_towns(&fx));
    char url[512];
    snprintf(url, sizeof url, "/api/v1/datasets/%s/report.html?place=1&reps=19",
             id);
    resp r = get(&fx, url);
    assert_error(&r, 409, "place"); /* no places yet */
    delineate(&fx, id);
    r = get(&fx, url);
    if (r.status != 200) fail_msg("%d %s", r.status, r.body);
    assert_non_null(strstr(r.head, "Content-Type: text/html"));
    assert_non_null(strstr(r.head, "Content-Disposition: attachment"));
    assert_non_null(strstr(r.body, "<html"));
    char *first = strdup(r.body);
    resp_free(&r);
    r = get(&fx, url); /* from the cache */
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, first);
    resp_free(&r);
    free(first);
    snprintf(url, sizeof url, "/api/v1/datasets/%s/report.html?place=99", id);
    r = get(&fx, url);
    assert_error(&r, 404, "place");
    stop(&fx);
}

/* Replace the first `"option": ""` after @p from with @p option. */
static char *set_option(const char *doc, const char *indicator,
                        const char *option)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\": {", indicator);
    const char *p = strstr(doc, pat);
    assert_non_null(p);
    const char *o = strstr(p, "\"option\": \"");
    assert_non_null(o);
    o += 11;
    const char *e = strchr(o, '"');
    size_t n = strlen(doc) + strlen(option) + 1;
    char *out = malloc(n);
    snprintf(out, n, "%.*s%s%s", (int)(o - doc), doc, option, e);
    return out;
}

static void test_policy(void **state)
{
    (void)state;
    server_fx fx;
    start(&fx, "127.0.0.1", 0, 0, 0);
    char id[64];
    snprintf(id, sizeof id, "%s", upload_towns(&fx));
    resp r = get(&fx, "/api/v1/policy/frameworks");
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"id\":\"lic-oecd12\""));
    resp_free(&r);
    r = get(&fx, "/api/v1/policy/frameworks/lic-oecd12");
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"indicators\""));
    resp_free(&r);
    r = get(&fx, "/api/v1/policy/frameworks/nope");
    assert_error(&r, 404, "framework");
    r = get(&fx, "/api/v1/policy/frameworks/lic-oecd12/template");
    assert_int_equal(r.status, 200);
    char *tmpl = strdup(r.body);
    resp_free(&r);
    char url[512];
    snprintf(url, sizeof url, "/api/v1/datasets/%s/assessments?name=draft", id);
    /* another framework version: 400 naming the field, nothing saved */
    const char *vp = strstr(tmpl, "\"framework_version\": \"1.0\"");
    assert_non_null(vp);
    char *other = strdup(tmpl);
    memcpy(other + (vp - tmpl), "\"framework_version\": \"9.9\"", 26);
    r = http(&fx, "POST", url, "application/json", other, strlen(other), 1);
    assert_error(&r, 400, "framework_version");
    free(other);
    char lurl[256];
    snprintf(lurl, sizeof lurl, "/api/v1/datasets/%s/assessments", id);
    r = get(&fx, lurl);
    assert_string_equal(r.body, "{\"assessments\":[]}\n");
    resp_free(&r);
    /* an unknown option: 400 naming the answers */
    char *bad = set_option(tmpl, "P1.1", "maybe");
    r = http(&fx, "POST", url, "application/json", bad, strlen(bad), 1);
    assert_error(&r, 400, "answers");
    free(bad);
    /* revision 1: the empty template */
    r = http(&fx, "POST", url, "application/json", tmpl, strlen(tmpl), 1);
    if (r.status != 201) fail_msg("%d %s", r.status, r.body);
    assert_non_null(strstr(r.body, "\"revision\":1"));
    resp_free(&r);
    r = http(&fx, "POST", url, "application/json", tmpl, strlen(tmpl), 1);
    assert_error(&r, 409, "name");
    char surl[400], aurl[256];
    snprintf(aurl, sizeof aurl, "/api/v1/datasets/%s/assessments/draft", id);
    snprintf(surl, sizeof surl, "%s/scores", aurl);
    r = get(&fx, surl);
    assert_int_equal(r.status, 200);
    assert_non_null(
        strstr(r.body, "{\"id\":\"P1.1\",\"status\":\"unanswered\""));
    resp_free(&r);
    /* revision 2: two answers; the scores change */
    char *one = set_option(tmpl, "P1.1", "standing");
    char *two = set_option(one, "P1.2", "dont_know");
    char purl[300];
    snprintf(purl, sizeof purl, "%s?revision=1", aurl);
    r = http(&fx, "PUT", purl, "application/json", two, strlen(two), 1);
    if (r.status != 200) fail_msg("%d %s", r.status, r.body);
    assert_non_null(strstr(r.body, "\"revision\":2"));
    resp_free(&r);
    r = get(&fx, surl);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"revision\":2"));
    assert_non_null(
        strstr(r.body, "{\"id\":\"P1.1\",\"status\":\"scored\",\"score\":100"));
    assert_non_null(
        strstr(r.body, "{\"id\":\"P1.2\",\"status\":\"dont_know\""));
    resp_free(&r);
    /* a stale revision is refused, and changes nothing */
    r = http(&fx, "PUT", purl, "application/json", one, strlen(one), 1);
    assert_error(&r, 409, "revision");
    /* export: the saved bytes; import of the export: the same scores */
    r = get(&fx, aurl);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body_len, strlen(two));
    assert_memory_equal(r.body, two, strlen(two));
    resp_free(&r);
    char rurl[300];
    snprintf(rurl, sizeof rurl, "%s?revision=1", aurl);
    r = get(&fx, rurl);
    assert_int_equal(r.body_len, strlen(tmpl));
    assert_memory_equal(r.body, tmpl, strlen(tmpl));
    resp_free(&r);
    char iurl[256];
    snprintf(iurl, sizeof iurl, "/api/v1/datasets/%s/assessments?name=copy",
             id);
    r = http(&fx, "POST", iurl, "application/json", two, strlen(two), 1);
    assert_int_equal(r.status, 201);
    resp_free(&r);
    r = get(&fx, surl);
    char *s1 = strdup(strstr(r.body, "\"framework\""));
    resp_free(&r);
    char curl[300];
    snprintf(curl, sizeof curl, "/api/v1/datasets/%s/assessments/copy/scores",
             id);
    r = get(&fx, curl);
    assert_string_equal(strstr(r.body, "\"framework\""), s1);
    resp_free(&r);
    free(s1);
    r = get(&fx, lurl);
    assert_non_null(strstr(r.body, "\"name\":\"copy\""));
    assert_non_null(strstr(r.body, "\"name\":\"draft\""));
    resp_free(&r);
    /* the report carries the assessment */
    free(one);
    free(two);
    free(tmpl);
    stop(&fx);
}

static void test_job_events(void **state)
{
    (void)state;
    server_fx fx;
    start(&fx, "127.0.0.1", 0, 0, 0);
    size_t len;
    char *csv = slurp(fixture_path("cli/towns.csv"), &len);
    resp r = http(&fx, "POST", "/api/v1/datasets?async=true&by=CNTR_ID",
                  "text/csv", csv, len, 1);
    free(csv);
    assert_int_equal(r.status, 202);
    char job[64];
    assert_true(json_str(r.body, "id", job, sizeof job));
    resp_free(&r);
    char url[256];
    snprintf(url, sizeof url, "/api/v1/jobs/%s/events", job);
    r = get(&fx, url); /* reads until the stream ends */
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.head, "Content-Type: text/event-stream"));
    const char *end = strstr(r.body, "event: end\ndata: {");
    if (!end) fail_msg("no end event in %s", r.body);
    assert_non_null(strstr(end, "\"state\":\"done\""));
    resp_free(&r);
    r = get(&fx, "/api/v1/jobs/00000000000000000000000000000000/events");
    assert_error(&r, 404, "job");
    /* a delineation streamed while it runs */
    char *id = upload_towns(&fx);
    char purl[256];
    snprintf(purl, sizeof purl, "/api/v1/datasets/%s/places", id);
    r = http(&fx, "POST", purl, "application/json", "{}", 2, 1);
    assert_int_equal(r.status, 202);
    assert_true(json_str(r.body, "id", job, sizeof job));
    resp_free(&r);
    snprintf(url, sizeof url, "/api/v1/jobs/%s/events", job);
    r = get(&fx, url);
    assert_non_null(strstr(r.body, "event: end"));
    assert_non_null(strstr(r.body, "\"kind\":\"places\""));
    resp_free(&r);
    stop(&fx);
}

static void test_bad_input(void **state)
{
    (void)state;
    server_fx fx;
    start(&fx, "127.0.0.1", 0, 0, 0);
    char id[64];
    snprintf(id, sizeof id, "%s", upload_towns(&fx));
    struct {
        const char *query;
        int status;
        const char *field;
    } cases[] = {
        {"profile?radii=-5", 400, "radii"},
        {"profile?radii=1000,abc", 400, "radii"},
        {"profile?radii=1000&k=10", 400, "k"},
        {"profile?kernel=blob", 400, "kernel"},
        {"profile?measures=dissimilarity", 400, "measures"},
        {"profile?place=Atlantis", 404, "place"},
        {"profile?reps=0&ci=true", 400, "reps"},
        {"profile?level=1.5&ci=true", 400, "level"},
        {"profile?frobnicate=1", 400, "frobnicate"},
        {"local", 400, "measure"},
        {"local?measure=nope", 400, "measure"},
        {"local?measure=local_share&group=NOPE", 400, "group"},
        {"local?measure=local_share&radius=0", 400, "radius"},
        {"local?measure=local_share&bbox=1,2,3", 400, "bbox"},
        {"local?measure=local_share&format=xml", 400, "format"},
        {"local?measure=local_share&place=nope", 404, "place"},
        {"local?measure=local_moran&permutations=0", 400, "permutations"},
        {"local?measure=local_gi_star&fdr=2", 400, "fdr"},
        {"benchmark", 400, "place"},
        {"map.png", 400, "var"},
        {"map.png?var=share:OTH&palette=rainbow", 400, "palette"},
        {"map.svg?var=share:OTH&width=5", 400, "width"},
        {"map.svg?var=share:OTH&classify=fixed", 400, "classify"},
        {"report.html", 400, "place"},
        {"report.html?place=1&assessment=none", 404, "assessment"},
    };
    char url[512];
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        snprintf(url, sizeof url, "/api/v1/datasets/%s/%s", id, cases[k].query);
        resp r = get(&fx, url);
        if (r.status != cases[k].status)
            fail_msg("%s: %d %s", cases[k].query, r.status, r.body);
        assert_error(&r, cases[k].status, cases[k].field);
    }
    /* a dataset that does not exist */
    resp r = get(&fx,
                 "/api/v1/datasets/0123456789abcdef0123456789abcdef/"
                 "profile");
    assert_error(&r, 404, "dataset");
    /* policy answers that are not JSON, or for an unknown framework */
    snprintf(url, sizeof url, "/api/v1/datasets/%s/assessments?name=x", id);
    r = http(&fx, "POST", url, "application/json", "{\"a\":", 5, 1);
    assert_error(&r, 400, "body");
    const char *unk =
        "{\"integrid_assessment\":1,\"framework\":\"nope\","
        "\"framework_version\":\"1\",\"answers\":{}}";
    r = http(&fx, "POST", url, "application/json", unk, strlen(unk), 1);
    assert_error(&r, 400, "framework");
    snprintf(url, sizeof url, "/api/v1/datasets/%s/assessments?name=a%%20b",
             id);
    r = http(&fx, "POST", url, "application/json", unk, strlen(unk), 1);
    assert_error(&r, 400, "name");
    /* the store is unchanged: one dataset, no assessments */
    assert_int_equal(n_datasets(&fx), 1);
    snprintf(url, sizeof url, "/api/v1/datasets/%s/assessments", id);
    r = get(&fx, url);
    assert_string_equal(r.body, "{\"assessments\":[]}\n");
    resp_free(&r);
    stop(&fx);
}

static void test_grid_cache(void **state)
{
    (void)state;
    server_fx fx;
    start(&fx, "127.0.0.1", 0, 0, 0);
    char id[64];
    snprintf(id, sizeof id, "%s", upload_towns(&fx));
    char url[512];
    snprintf(url, sizeof url,
             "/api/v1/datasets/%s/local?measure=local_share&group=OTH", id);
    for (int k = 0; k < 5; k++) {
        resp r = get(&fx, url);
        assert_int_equal(r.status, 200);
        resp_free(&r);
    }
    resp r = get(&fx, "/api/v1/health");
    assert_int_equal(r.status, 200);
    /* decoded once, then served from the cache */
    assert_non_null(strstr(r.body, "\"misses\":1,"));
    assert_true(json_num_after(r.body, "hits") >= 4);
    assert_true(json_num_after(r.body, "entries") == 1);
    /* the local result itself was computed once */
    assert_true(json_num_after(r.body, "local_hits") >= 4);
    resp_free(&r);
    /* a tile of the same layer is cut from the kept result, and equals
     * the same cells of the whole answer */
    char turl[600];
    snprintf(turl, sizeof turl, "%s&bbox=4334000,2684000,4335000,2685000", url);
    r = get(&fx, turl);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"cells\":1,"));
    const char *tv = strstr(r.body, "\"values\":[");
    assert_non_null(tv);
    double tile_v = strtod(tv + 10, NULL);
    resp_free(&r);
    r = get(&fx, url);
    static const char cell[] = "\"row\":2684,\"col\":4334,\"values\":[";
    const char *wv = strstr(r.body, cell);
    assert_non_null(wv);
    assert_true(strtod(wv + sizeof cell - 1, NULL) == tile_v);
    resp_free(&r);
    r = get(&fx, "/api/v1/health");
    assert_true(json_num_after(r.body, "local_hits") >= 6);
    resp_free(&r);
    /* a deleted dataset is gone from the cache too */
    snprintf(url, sizeof url, "/api/v1/datasets/%s", id);
    r = http(&fx, "DELETE", url, NULL, "", 0, 1);
    assert_int_equal(r.status, 204);
    resp_free(&r);
    snprintf(url, sizeof url,
             "/api/v1/datasets/%s/local?measure=local_share&group=OTH", id);
    r = get(&fx, url);
    assert_error(&r, 404, "dataset");
    r = get(&fx, "/api/v1/health");
    assert_true(json_num_after(r.body, "entries") == 0);
    resp_free(&r);
    stop(&fx);
}

/* Files in the server's scratch directory (DIR/tmp-XXXXXX). */
static int scratch_files(const server_fx *fx)
{
    DIR *d = opendir(fx->dir);
    assert_non_null(d);
    struct dirent *e;
    char sub[512] = "";
    while ((e = readdir(d)) != NULL)
        if (strncmp(e->d_name, "tmp-", 4) == 0)
            snprintf(sub, sizeof sub, "%s/%s", fx->dir, e->d_name);
    closedir(d);
    assert_true(sub[0] != '\0');
    d = opendir(sub);
    assert_non_null(d);
    int n = 0;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.') n++;
    closedir(d);
    return n;
}

/* Uploads are streamed to a file of the scratch directory, not held in
 * memory; the file is gone after success, refusal and a background
 * import; a chunked body over the limit is 413 while it arrives. */
static void test_upload_streamed(void **state)
{
    (void)state;
    server_fx fx;
    start(&fx, "127.0.0.1", 0, 4096, 0);
    char *id = upload_fixture(&fx, "cli/local_block.csv", "name=block");
    assert_int_equal(strlen(id), 32);
    assert_int_equal(scratch_files(&fx), 0);
    resp r =
        http(&fx, "POST", "/api/v1/datasets", "text/csv", "a;b\nx;y\n", 8, 1);
    assert_error(&r, 400, "body");
    assert_int_equal(scratch_files(&fx), 0);
    /* chunked, no Content-Length: refused while it arrives */
    char req[16384];
    int n = snprintf(req, sizeof req,
                     "POST /api/v1/datasets HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                     "Connection: close\r\nAuthorization: Bearer %s\r\n"
                     "Content-Type: text/csv\r\nTransfer-Encoding: chunked"
                     "\r\n\r\n",
                     (unsigned)fx.port, fx.token);
    for (int k = 0; k < 5; k++) {
        n += snprintf(req + n, sizeof req - (size_t)n, "800\r\n");
        memset(req + n, 'x', 0x800);
        n += 0x800;
        n += snprintf(req + n, sizeof req - (size_t)n, "\r\n");
    }
    n += snprintf(req + n, sizeof req - (size_t)n, "0\r\n\r\n");
    assert_true(raw(fx.port, req, (size_t)n, &r));
    assert_error(&r, 413, "body");
    assert_int_equal(scratch_files(&fx), 0);
    assert_int_equal(n_datasets(&fx), 1);
    /* a background import owns the file until it ends */
    size_t len;
    char *csv = slurp(fixture_path("cli/local_block.csv"), &len);
    r = http(&fx, "POST", "/api/v1/datasets?async=true", "text/csv", csv, len,
             1);
    free(csv);
    assert_int_equal(r.status, 202);
    char job[64];
    assert_true(json_str(r.body, "id", job, sizeof job));
    resp_free(&r);
    char *end = wait_job(&fx, job, 1000);
    assert_non_null(strstr(end, "\"state\":\"done\""));
    free(end);
    assert_int_equal(scratch_files(&fx), 0);
    assert_int_equal(n_datasets(&fx), 2);
    stop(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_profile_same_as_cli),
        cmocka_unit_test(test_benchmark_same_as_cli),
        cmocka_unit_test(test_local_geojson_and_binary),
        cmocka_unit_test(test_maps),
        cmocka_unit_test(test_report),
        cmocka_unit_test(test_policy),
        cmocka_unit_test(test_job_events),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_grid_cache),
        cmocka_unit_test(test_upload_streamed),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    ig_render_cleanup(); /* maps were drawn: no font caches at exit */
    return rc;
}
