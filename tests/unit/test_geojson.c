/* The GeoJSON reader (ig_boundaries_read_mem / _read_path): JSON errors with
 * exact line:column, the GeoJSON object kinds, polygons with holes,
 * MultiPolygons, ids and names from properties (numbers as written), the
 * crs member, skipped geometry types, ring repairs and errors (unclosed,
 * repeated positions, too short, self-intersecting, not finite), lookahead
 * for a late "type", orientation, gzip input, lon/lat to EPSG:3035, and
 * allocation failures. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ig_config.h"
#include "integrid/ig_boundaries.h"
#include "places/boundaries_internal.h"
#include "test_support.h"

/* ---- helpers ---------------------------------------------------------- */

typedef struct logbuf {
    int n_warn;
    char last[1024];
    char all[8192];
} logbuf;

static void log_cb(void *ud, ig_log_level level, const char *msg)
{
    logbuf *l = ud;
    if (level == IG_LOG_WARN) l->n_warn++;
    snprintf(l->last, sizeof l->last, "%s", msg);
    size_t used = strlen(l->all);
    snprintf(l->all + used, sizeof l->all - used, "%s\n", msg);
}

static ig_ctx *log_ctx(logbuf *l)
{
    memset(l, 0, sizeof *l);
    ig_ctx_opts o = {0};
    o.log_fn = log_cb;
    o.log_ud = l;
    ig_ctx *ctx = NULL;
    assert_int_equal(ig_ctx_create(&o, &ctx), IG_OK);
    return ctx;
}

static const ig_boundaries_opts OPTS_3035 = {NULL, NULL, "EPSG:3035", 0, NULL};

static ig_status rd(ig_ctx *ctx, const char *json, const ig_boundaries_opts *o,
                    ig_boundaries **b, ig_error *err)
{
    memset(err, 0, sizeof *err);
    *b = NULL;
    return ig_boundaries_read_mem(ctx, json, strlen(json), "t.geojson", o, b,
                                  err);
}

/* Expect a failure with status st at line:col and a message containing
 * what. */
static void expect_err(const char *json, const ig_boundaries_opts *o,
                       ig_status st, long line, long col, const char *what)
{
    ig_boundaries *b = NULL;
    ig_error err;
    ig_status got = rd(NULL, json, o, &b, &err);
    if (got != st || err.line != line || err.column != col ||
        !strstr(err.msg, what))
        fail_msg(
            "for %s\n got %s at %ld:%ld: %s\n want %s at %ld:%ld "
            "containing '%s'",
            json, ig_strerror(got), err.line, err.column, err.msg,
            ig_strerror(st), line, col, what);
    assert_null(b);
    assert_int_equal(err.status, st);
    assert_string_equal(err.file, "t.geojson");
}

/* ---- JSON errors --------------------------------------------------------- */

static void test_json_errors(void **state)
{
    (void)state;
    expect_err("{\"type\":\"FeatureCollection\",\n\"features\":[}", NULL,
               IG_ERR_PARSE, 2, 13, "expected an object, found '}'");
    expect_err("{\"type\":\"Feature\",\n  \"properties\": {\"na\": \"abc}}",
               NULL, IG_ERR_PARSE, 2, 24, "string not closed");
    expect_err("{\"type\":\"Polygon\",\"coordinates\":[[[01,2]]]}", NULL,
               IG_ERR_PARSE, 1, 36, "'01' is not a JSON number");
    expect_err("{\"type\":\"Polygon\",\"coordinates\":[]} x", NULL,
               IG_ERR_PARSE, 1, 37, "unexpected word 'x'");
    expect_err("{\"type\" \"Polygon\"}", NULL, IG_ERR_PARSE, 1, 9,
               "expected ':' after the member name");
    expect_err("{\"type\":\"Feature\",\"id\":\"a\tb\"}", NULL, IG_ERR_PARSE, 1,
               26, "control character 0x09");
    expect_err("{\"type\":\"Feature\",\"id\":\"a\\xb\"}", NULL, IG_ERR_PARSE, 1,
               26, "unknown escape '\\x'");
    expect_err(
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],"
        "[0,0]]]",
        NULL, IG_ERR_PARSE, 1, 60, "found the end of the input");
    expect_err(
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],"
        "[0,0],]]}",
        NULL, IG_ERR_PARSE, 1, 59, "'[' starting a position");
    expect_err("", NULL, IG_ERR_PARSE, 1, 1, "found the end of the input");
    expect_err("[1, 2]", NULL, IG_ERR_PARSE, 1, 1, "GeoJSON is an object");
    expect_err("{\"type\":\"Feature\",\"id\":tru}", NULL, IG_ERR_PARSE, 1, 24,
               "unexpected word 'tru'");
    expect_err("{\"type\":\"Feature\",\"id\":1e}", NULL, IG_ERR_PARSE, 1, 24,
               "not a JSON number");
    /* a line break inside a string: the error is where the line ends */
    expect_err("{\"type\":\"Feature\",\n\"id\":\"ab\ncd\"}", NULL, IG_ERR_PARSE,
               2, 9, "not closed before the end of the line");
    /* CR LF line ends count as one line */
    expect_err("{\r\n\"type\":\"Feature\",\r\n  \"id\": [}", NULL, IG_ERR_PARSE,
               3, 9, "a string or a number for \"id\"");
}

static void test_depth_cap(void **state)
{
    (void)state;
    /* 200 nested arrays in a property: refused at level 129, no crash */
    char buf[1024];
    size_t n = 0;
    n += (size_t)snprintf(buf, sizeof buf,
                          "{\"type\":\"Feature\",\"properties\":{\"a\":");
    size_t first = n;
    for (int i = 0; i < 200; i++) buf[n++] = '[';
    for (int i = 0; i < 200; i++) buf[n++] = ']';
    snprintf(buf + n, sizeof buf - n, "}}");
    expect_err(buf, NULL, IG_ERR_PARSE, 1, (long)first + 129,
               "nested deeper than 128 levels");
    /* 100 levels are fine (and the feature has no geometry: skipped) */
    n = first;
    for (int i = 0; i < 100; i++) buf[n++] = '[';
    for (int i = 0; i < 100; i++) buf[n++] = ']';
    snprintf(buf + n, sizeof buf - n,
             "},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],"
             "[1,0],[0,1],[0,0]]]}}");
    ig_boundaries *b = NULL;
    ig_error err;
    assert_int_equal(rd(NULL, buf, &OPTS_3035, &b, &err), IG_OK);
    assert_int_equal(ig_boundaries_count(b), 1);
    ig_boundaries_destroy(b);
}

/* ---- geometry --------------------------------------------------------------
 */

static const char *const POLY_HOLE =
    "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":"
    "{\"name\":\"urn:ogc:def:crs:EPSG::3035\"}},\"features\":[\n"
    "{\"type\":\"Feature\",\"id\":\"sq\",\"properties\":{\"na\":\"Square\"},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":["
    "[[0,0],[10,0],[10,10],[0,10],[0,0]],"
    "[[2,2],[4,2],[4,4],[2,4],[2,2]]]}}]}";

static void test_polygon_with_hole(void **state)
{
    (void)state;
    ig_boundaries *b = NULL;
    ig_error err;
    assert_int_equal(rd(NULL, POLY_HOLE, NULL, &b, &err), IG_OK);
    assert_int_equal(ig_boundaries_count(b), 1);
    assert_string_equal(ig_boundaries_id(b, 0), "sq");
    assert_string_equal(ig_boundaries_name(b, 0), "sq"); /* no name_prop */
    assert_true(ig_boundaries_area_m2(b, 0) == 96.0);
    assert_int_equal(ig_boundaries_npolygons(b, 0), 1);
    assert_int_equal(ig_boundaries_epsg(b), 3035);
    assert_string_equal(ig_boundaries_source_crs(b),
                        "urn:ogc:def:crs:EPSG::3035");
    ig_bbox bb;
    assert_int_equal(ig_boundaries_bbox(b, 0, &bb), IG_OK);
    assert_true(bb.min_x == 0.0 && bb.max_x == 10.0 && bb.min_y == 0.0 &&
                bb.max_y == 10.0);
    assert_int_equal(ig_boundaries_bbox(b, 1, &bb), IG_ERR_DOMAIN);
    assert_null(ig_boundaries_id(b, 1));
    /* stored open, exterior counter-clockwise, the hole clockwise */
    assert_int_equal(b->nrings, 2);
    assert_int_equal(b->ring_off[1], 4);
    assert_int_equal(b->ring_off[2], 8);
    assert_true(ig__ring_area2(b->xy, 4) == 200.0);
    assert_true(ig__ring_area2(b->xy + 8, 4) == -8.0);
    /* the hole was given counter-clockwise: reversed */
    assert_true(b->xy[8] == 2.0 && b->xy[9] == 4.0);
    assert_true(b->xy[10] == 4.0 && b->xy[11] == 4.0);

    ig_boundaries_opts o = {0};
    o.name_prop = "na";
    ig_boundaries_destroy(b);
    assert_int_equal(rd(NULL, POLY_HOLE, &o, &b, &err), IG_OK);
    assert_string_equal(ig_boundaries_name(b, 0), "Square");
    assert_string_equal(ig_boundaries_names(b)[0], "Square");
    assert_string_equal(ig_boundaries_ids(b)[0], "sq");
    ig_boundaries_destroy(b);
}

static void test_multipolygon(void **state)
{
    (void)state;
    /* two squares and a clockwise-given exterior; "type" after
     * "coordinates" (found by lookahead) */
    const char *json =
        "{\"type\":\"Feature\",\"geometry\":{\"coordinates\":["
        "[[[0,0],[0,3],[3,3],[3,0],[0,0]]],"
        "[[[10,10],[12,10],[12,12],[10,12],[10,10]],"
        "[[10.5,10.5],[11,10.5],[11,11],[10.5,11],[10.5,10.5]]]],"
        "\"bbox\":[0,0,12,12],\"type\":\"MultiPolygon\"},"
        "\"properties\":null}";
    ig_boundaries *b = NULL;
    ig_error err;
    assert_int_equal(rd(NULL, json, &OPTS_3035, &b, &err), IG_OK);
    assert_int_equal(ig_boundaries_count(b), 1);
    assert_string_equal(ig_boundaries_id(b, 0), "1"); /* index */
    assert_int_equal(ig_boundaries_npolygons(b, 0), 2);
    assert_true(ig_boundaries_area_m2(b, 0) == 9.0 + 4.0 - 0.25);
    assert_true(ig__ring_area2(b->xy, 4) == 18.0);
    ig_bbox bb;
    assert_int_equal(ig_boundaries_bbox(b, 0, &bb), IG_OK);
    assert_true(bb.max_x == 12.0 && bb.max_y == 12.0);
    assert_string_equal(ig_boundaries_source_crs(b), "EPSG:3035");
    ig_boundaries_destroy(b);
}

static void test_ids_and_names(void **state)
{
    (void)state;
    const char *json =
        "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\","
        "\"properties\":{\"name\":\"EPSG:3035\"}},\"features\":[\n"
        "{\"type\":\"Feature\",\"id\":17,\"properties\":{\"code\":1.50E+2,"
        "\"nm\":\"K\\u00f6ln \\ud83d\\ude00\"},\"geometry\":{\"type\":"
        "\"Polygon\",\"coordinates\":[[[0,0],[1,0],[0,1],[0,0]]]}},\n"
        "{\"type\":\"Feature\",\"properties\":{\"code\":\"x\\\"y\",\"nm\":"
        "null},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],"
        "[1,0],[0,1],[0,0]]]}},\n"
        "{\"type\":\"Feature\",\"properties\":{\"code\":-0.0,\"nm\":true},"
        "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],"
        "[0,1],[0,0]]]}}]}";
    ig_boundaries *b = NULL;
    ig_error err;
    assert_int_equal(rd(NULL, json, NULL, &b, &err), IG_OK);
    assert_int_equal(ig_boundaries_count(b), 3);
    /* the "id" member as written, else the 1-based index */
    assert_string_equal(ig_boundaries_id(b, 0), "17");
    assert_string_equal(ig_boundaries_id(b, 1), "2");
    assert_string_equal(ig_boundaries_id(b, 2), "3");
    ig_boundaries_destroy(b);

    ig_boundaries_opts o = {0};
    o.id_prop = "code";
    o.name_prop = "nm";
    assert_int_equal(rd(NULL, json, &o, &b, &err), IG_OK);
    assert_string_equal(ig_boundaries_id(b, 0), "1.50E+2");
    assert_string_equal(ig_boundaries_id(b, 1), "x\"y");
    assert_string_equal(ig_boundaries_id(b, 2), "-0.0");
    assert_string_equal(ig_boundaries_name(b, 0),
                        "K\xc3\xb6ln \xf0\x9f\x98\x80");
    assert_string_equal(ig_boundaries_name(b, 1), "");
    assert_string_equal(ig_boundaries_name(b, 2), "true");
    ig_boundaries_destroy(b);

    /* a property that is not there: the error lists the properties */
    o.id_prop = "NUTS_ID";
    assert_int_equal(rd(NULL, json, &o, &b, &err), IG_ERR_NOT_FOUND);
    assert_null(b);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 1);
    assert_non_null(strstr(err.msg, "feature 1 has no property 'NUTS_ID'"));
    assert_non_null(strstr(err.msg, "(its properties: code, nm)"));
    /* a null id is an error */
    o.id_prop = "nm";
    o.name_prop = NULL;
    assert_int_equal(rd(NULL, json, &o, &b, &err), IG_ERR_PARSE);
    assert_non_null(strstr(err.msg, "property 'nm' of feature 2 is null"));
}

static void test_skipped_and_empty(void **state)
{
    (void)state;
    logbuf l;
    ig_ctx *ctx = log_ctx(&l);
    const char *json =
        "{\"type\":\"FeatureCollection\",\"features\":[\n"
        "{\"type\":\"Feature\",\"id\":\"pt\",\"geometry\":{\"type\":\"Point\","
        "\"coordinates\":[1,2]},\"properties\":{}},\n"
        "{\"type\":\"Feature\",\"id\":\"none\",\"geometry\":null},\n"
        "{\"type\":\"Feature\",\"id\":\"gc\",\"geometry\":{\"type\":"
        "\"GeometryCollection\",\"geometries\":[{\"type\":\"Polygon\","
        "\"coordinates\":[[[0,0],[1,0],[0,1],[0,0]]]}]}},\n"
        "{\"type\":\"Feature\",\"id\":\"empty\",\"geometry\":{\"type\":"
        "\"MultiPolygon\",\"coordinates\":[]}},\n"
        "{\"type\":\"Feature\",\"id\":\"ok\",\"geometry\":{\"type\":"
        "\"Polygon\",\"coordinates\":[[[0,0],[1,0],[0,1],[0,0]]]},"
        "\"crs\":null,\"foreign\":{\"a\":[1,{\"b\":null}]}}],"
        "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":"
        "\"urn:ogc:def:crs:EPSG:6.3:3035\"}}}";
    ig_boundaries *b = NULL;
    ig_error err;
    assert_int_equal(rd(ctx, json, NULL, &b, &err), IG_OK);
    /* Point, null geometry and GeometryCollection skipped; the empty
     * MultiPolygon is kept, without polygons */
    assert_int_equal(ig_boundaries_count(b), 2);
    assert_string_equal(ig_boundaries_id(b, 0), "empty");
    assert_string_equal(ig_boundaries_id(b, 1), "ok");
    assert_int_equal(ig_boundaries_npolygons(b, 0), 0);
    assert_true(ig_boundaries_area_m2(b, 0) == 0.0);
    assert_int_equal(ig_boundaries_bbox(b, 0, NULL), IG_ERR_DOMAIN);
    assert_non_null(strstr(l.all, "t.geojson:2:1: feature 1 is a Point"));
    assert_non_null(strstr(l.all, "feature 2 has no geometry"));
    assert_non_null(strstr(l.all, "feature 3 is a GeometryCollection"));
    assert_non_null(strstr(l.all, "feature 4 (id 'empty') has an empty"));
    assert_non_null(strstr(l.all, "1 crs members inside features"));
    assert_int_equal(l.n_warn, 5);
    ig_boundaries_destroy(b);

    /* nothing polygonal at all */
    expect_err("{\"type\":\"LineString\",\"coordinates\":[[0,0],[1,1]]}", NULL,
               IG_ERR_FORMAT, 0, 0, "no Polygon or MultiPolygon feature");
    expect_err("{\"type\":\"FeatureCollection\",\"features\":[]}", NULL,
               IG_ERR_FORMAT, 0, 0, "no Polygon or MultiPolygon feature");
    expect_err("{\"type\":\"Polygonn\",\"coordinates\":[]}", NULL, IG_ERR_PARSE,
               1, 1, "unknown GeoJSON type 'Polygonn'");
    expect_err(
        "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":"
        "\"Polygon\",\"coordinates\":[]}]}",
        NULL, IG_ERR_PARSE, 1, 41, "expected a Feature");
    expect_err("{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygonx\"}}",
               NULL, IG_ERR_PARSE, 1, 30, "unknown geometry type");
    expect_err("{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\"}}",
               NULL, IG_ERR_PARSE, 1, 30, "a Polygon without \"coordinates\"");
    expect_err("{\"coordinates\":[]}", NULL, IG_ERR_PARSE, 1, 1,
               "no \"type\" member");
    expect_err("{\"type\":\"Feature\",\"features\":[]}", NULL, IG_ERR_PARSE, 1,
               1, "only a FeatureCollection has features");
    ig_ctx_destroy(ctx);
}

/* ---- repairs and geometry errors ------------------------------------------
 */

static void test_ring_repairs(void **state)
{
    (void)state;
    logbuf l;
    ig_ctx *ctx = log_ctx(&l);
    /* unclosed, with repeated positions (also at the closing end) */
    const char *json =
        "{\"type\":\"Polygon\",\"coordinates\":[\n"
        "  [[0,0],[0,0],[4,0],[4,0],[4,4],[0,4],[0,4]],\n"
        "  [[1,1],[2,1],[2,2],[1,1],[1,1]]]}";
    ig_boundaries *b = NULL;
    ig_error err;
    assert_int_equal(rd(ctx, json, &OPTS_3035, &b, &err), IG_OK);
    assert_int_equal(b->nrings, 2);
    assert_int_equal(b->ring_off[1], 4); /* 4 corners, stored open */
    assert_int_equal(b->ring_off[2], 7); /* 3 corners */
    assert_true(ig_boundaries_area_m2(b, 0) == 16.0 - 0.5);
    assert_int_equal(l.n_warn, 1);
    assert_non_null(strstr(l.last,
                           "t.geojson:2:3: feature 1, polygon 1, ring "
                           "1 is not closed"));
    ig_boundaries_destroy(b);
    ig_ctx_destroy(ctx);

    /* too short once repeats are removed: error at the ring */
    expect_err(
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,1],[1,1],"
        "[0,0]]]}",
        &OPTS_3035, IG_ERR_PARSE, 1, 34,
        "feature 1, polygon 1, ring 1 has 3 positions");
    expect_err(
        "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[0,0],[1,0],"
        "[0,1],[0,0]]],\n[[[0,0],[1,0],[0,1],[0,0]],[]]]}",
        &OPTS_3035, IG_ERR_PARSE, 2, 28,
        "feature 1, polygon 2, ring 2 has 0 positions");
    expect_err(
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1],"
        "[0,0]]]}",
        &OPTS_3035, IG_ERR_PARSE, 1, 47, "needs two numbers");
    expect_err(
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,\"a\"],"
        "[0,0]]]}",
        &OPTS_3035, IG_ERR_PARSE, 1, 50, "expected a number");
    /* not finite */
    expect_err(
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1e999,0],"
        "[1,1],[0,0]]]}",
        &OPTS_3035, IG_ERR_DOMAIN, 1, 42,
        "coordinate 1e999 is not a finite number");
    /* out of range for a projected CRS */
    expect_err(
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1e13,0],"
        "[1,1],[0,0]]]}",
        &OPTS_3035, IG_ERR_DOMAIN, 1, 34, "out of range");
}

static void test_self_intersection(void **state)
{
    (void)state;
    /* a bow tie crossing at (1, 1) */
    expect_err(
        "{\"type\":\"FeatureCollection\",\"features\":[\n"
        "{\"type\":\"Feature\",\"id\":\"ok\",\"geometry\":{\"type\":"
        "\"Polygon\",\"coordinates\":[[[0,0],[1,0],[0,1],[0,0]]]}},\n"
        "{\"type\":\"Feature\",\"id\":\"bow\",\"geometry\":{\"type\":"
        "\"Polygon\",\"coordinates\":[[[0,0],[2,0],[0,2],[2,2],"
        "[0,0]]]}}]}",
        &OPTS_3035, IG_ERR_PARSE, 3, 74,
        "feature 2 (id 'bow'), polygon 1: ring 1 crosses itself near "
        "x=1.000, y=1.000 (EPSG:3035)");
    ig_boundaries *b = NULL;
    ig_error err;
    const char *hole_out =
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[4,0],[4,4],[0,4],"
        "[0,0]],[[3,1],[5,1],[5,2],[3,2],[3,1]]]}";
    assert_int_equal(rd(NULL, hole_out, &OPTS_3035, &b, &err), IG_ERR_PARSE);
    assert_non_null(strstr(err.msg, "ring 1 crosses ring 2 near x=4.000"));
    assert_non_null(strstr(err.msg, "ogr2ogr -makevalid"));
    /* touching is not crossing: a ring meeting itself at a vertex, and a
     * polygon whose hole touches the exterior, are accepted */
    const char *touch =
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[4,0],[4,4],[2,0],"
        "[0,4],[0,0]],[[1,0.5],[2,0],[1.5,1],[1,0.5]]]}";
    /* the hole's vertex (2, 0) lies on the exterior's vertex */
    assert_int_equal(rd(NULL, touch, &OPTS_3035, &b, &err), IG_OK);
    ig_boundaries_destroy(b);

    /* a long ring (a 20,000-gon, then the same with one bad vertex): the
     * sweep finds the crossing without testing every pair */
    size_t n = 20000;
    size_t cap = n * 48 + 256;
    char *buf = malloc(cap);
    assert_non_null(buf);
    for (int bad = 0; bad < 2; bad++) {
        size_t u = (size_t)snprintf(buf, cap,
                                    "{\"type\":\"Polygon\",\"coordinates\":[[");
        for (size_t i = 0; i <= n; i++) {
            double t = 2.0 * 3.141592653589793 * (double)(i % n) / (double)n;
            double r = 1000.0 + 50.0 * sin(37.0 * t);
            double x = r * cos(t), y = r * sin(t);
            /* the top vertex pulled below the bottom: its two edges cross
             * the far side of the ring */
            if (bad && i == n / 4) x = 0.0, y = -3000.0;
            u += (size_t)snprintf(buf + u, cap - u, "%s[%.6f,%.6f]",
                                  i ? "," : "", x, y);
        }
        snprintf(buf + u, cap - u, "]]}");
        ig_status st = rd(NULL, buf, &OPTS_3035, &b, &err);
        assert_int_equal(st, bad ? IG_ERR_PARSE : IG_OK);
        if (bad)
            assert_non_null(strstr(err.msg, "ring 1 crosses itself"));
        else
            ig_boundaries_destroy(b);
    }
    free(buf);
}

static void test_orient_exact(void **state)
{
    (void)state;
    assert_int_equal(ig__orient2d(0, 0, 1, 0, 0, 1), 1);
    assert_int_equal(ig__orient2d(0, 0, 0, 1, 1, 0), -1);
    assert_int_equal(ig__orient2d(0, 0, 1, 1, 2, 2), 0);
    /* nearly collinear, decided exactly: a point 2^-40 off the line
     * through two far points */
    double ax = 4321000.123, ay = 3210000.456;
    double bx = ax + 1000.0, by = ay + 1000.0;
    assert_int_equal(ig__orient2d(ax, ay, bx, by, ax + 500.0, ay + 500.0), 0);
    assert_int_equal(
        ig__orient2d(ax, ay, bx, by, ax + 500.0, ay + 500.0 + 0x1p-30), 1);
    assert_int_equal(
        ig__orient2d(ax, ay, bx, by, ax + 500.0 + 0x1p-30, ay + 500.0), -1);
    /* the classic failure of naive evaluation (Kettner et al. 2008) */
    assert_int_equal(ig__orient2d(0.5, 0.5, 12, 12, 24, 24), 0);
    assert_int_equal(ig__orient2d(0.50000000000002531, 0.5000000000000171,
                                  17.300000000000001, 17.300000000000001,
                                  24.00000000000005, 24.0000000000000053),
                     ig__orient2d(0.50000000000002531, 0.5000000000000171,
                                  17.300000000000001, 17.300000000000001,
                                  24.00000000000005, 24.0000000000000053));
}

/* ---- CRS -------------------------------------------------------------------
 */

static void test_crs_names(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int32_t code;
    } cases[] = {
        {"EPSG:3035", 3035},
        {"epsg:2154", 2154},
        {"urn:ogc:def:crs:EPSG::3035", 3035},
        {"urn:ogc:def:crs:EPSG:6.6:4326", 4326},
        {"http://www.opengis.net/def/crs/EPSG/0/3035", 3035},
        {"urn:ogc:def:crs:OGC:1.3:CRS84", IG__CRS84},
        {"urn:ogc:def:crs:OGC::CRS84", IG__CRS84},
        {"OGC:CRS84", IG__CRS84},
        {"CRS:84", IG__CRS84},
        {"http://www.opengis.net/def/crs/OGC/1.3/CRS84", IG__CRS84},
        {"EPSG:", 0},
        {"EPSG:30x5", 0},
        {"ESRI:102100", 0},
        {"urn:ogc:def:crs:EPSG:3035", 0},
        {"+proj=laea", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        if (ig__crs_code(cases[i].s, strlen(cases[i].s)) != cases[i].code)
            fail_msg("%s: got %ld, want %ld", cases[i].s,
                     (long)ig__crs_code(cases[i].s, strlen(cases[i].s)),
                     (long)cases[i].code);

    expect_err(
        "{\"type\":\"Polygon\",\"crs\":{\"type\":\"link\","
        "\"properties\":{\"href\":\"x.prj\"}},\"coordinates\":[]}",
        NULL, IG_ERR_FORMAT, 1, 25, "linked crs");
#if IG_HAVE_PROJ
    expect_err(
        "{\"type\":\"Polygon\",\"crs\":{\"type\":\"name\","
        "\"properties\":{\"name\":\"EPSG:999999\"}},\"coordinates\":"
        "[[[0,0],[1,0],[0,1],[0,0]]]}",
        NULL, IG_ERR_FORMAT, 0, 0, "unknown CRS 'EPSG:999999'");
    ig_boundaries_opts o = {0};
    o.src_crs = "EPSG:nope";
    expect_err(
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[0,1],"
        "[0,0]]]}",
        &o, IG_ERR_DOMAIN, 0, 0, "the src_crs option");
#endif
}

static void test_lonlat(void **state)
{
    (void)state;
    /* RFC 7946: no crs means lon/lat */
    const char *json =
        "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\","
        "\"coordinates\":[[[10,52],[10.02,52],[10.02,52.01],[10,52.01],"
        "[10,52]]]}}";
    ig_boundaries *b = NULL;
    ig_error err;
#if IG_HAVE_PROJ
    assert_int_equal(rd(NULL, json, NULL, &b, &err), IG_OK);
    assert_string_equal(ig_boundaries_source_crs(b), "OGC:CRS84");
    ig_bbox bb;
    assert_int_equal(ig_boundaries_bbox(b, 0, &bb), IG_OK);
    /* (lon 10, lat 52) is the false origin of EPSG:3035 */
    assert_true(fabs(bb.min_x - 4321000.0) < 1e-6);
    assert_true(fabs(bb.min_y - 3210000.0) < 1e-6);
    /* 0.02 degrees of longitude at 52 N: about 1373.5 m on GRS 1980;
     * 0.01 of latitude about 1112.7 m */
    assert_true(fabs(bb.max_x - bb.min_x - 1373.5) < 3.0);
    assert_true(fabs(bb.max_y - bb.min_y - 1112.7) < 3.0);
    assert_true(close_rel(ig_boundaries_area_m2(b, 0), 1373.5 * 1112.7, 5e-3));
    ig_boundaries_destroy(b);
    /* an explicit lon/lat crs and the src_crs option give the same */
    ig_boundaries_opts o = {0};
    o.src_crs = "EPSG:4326";
    assert_int_equal(rd(NULL, json, &o, &b, &err), IG_OK);
    ig_bbox bb2;
    assert_int_equal(ig_boundaries_bbox(b, 0, &bb2), IG_OK);
    assert_true(fabs(bb2.min_x - 4321000.0) < 1e-6);
    assert_true(fabs(bb2.max_y - bb.max_y) < 1e-6);
    ig_boundaries_destroy(b);
    /* projected numbers without a crs: a clear error */
    expect_err(
        "{\"type\":\"Polygon\",\"coordinates\":[\n[[4321000,3210000],"
        "[4322000,3210000],[4322000,3211000],[4321000,3210000]]]}",
        NULL, IG_ERR_DOMAIN, 2, 1,
        "is not longitude/latitude. The input has no crs");
    /* a self-intersection is reported in both CRSs */
    const char *bow =
        "{\"type\":\"Polygon\",\"coordinates\":[[[10,52],[10.02,52],"
        "[10,52.02],[10.02,52.02],[10,52]]]}";
    assert_int_equal(rd(NULL, bow, NULL, &b, &err), IG_ERR_PARSE);
    assert_non_null(strstr(err.msg, "(10.01, 52.01"));
    assert_non_null(strstr(err.msg, "in OGC:CRS84"));
#else
    expect_err(json, NULL, IG_ERR_DISABLED, 0, 0, "built without PROJ");
    (void)b;
    (void)err;
#endif
}

/* ---- files --------------------------------------------------------------- */

static void test_read_path(void **state)
{
    (void)state;
    ig_boundaries *b = NULL;
    ig_error err = {0};
    /* gzip-compressed GeoJSON (two members) */
    assert_int_equal(
        ig_boundaries_read_path(NULL, fixture_path("geo/squares.geojson.gz"),
                                NULL, &b, &err),
        IG_OK);
    assert_int_equal(ig_boundaries_count(b), 2);
    assert_string_equal(ig_boundaries_id(b, 1), "B");
    ig_boundaries_destroy(b);
    /* found by content despite the name */
    assert_int_equal(ig_boundaries_read_path(
                         NULL, fixture_path("geo/squares.txt"), NULL, &b, &err),
                     IG_OK);
    assert_int_equal(ig_boundaries_count(b), 2);
    ig_boundaries_destroy(b);
    memset(&err, 0, sizeof err);
    assert_int_equal(
        ig_boundaries_read_path(NULL, "/nonexistent/x.geojson", NULL, &b, &err),
        IG_ERR_IO);
    assert_string_equal(err.file, "/nonexistent/x.geojson");
    memset(&err, 0, sizeof err);
    assert_int_equal(
        ig_boundaries_read_path(NULL, "/nonexistent/x.shp", NULL, &b, &err),
        IG_ERR_IO);
    memset(&err, 0, sizeof err);
    b = NULL;
    ig_status st = ig_boundaries_read_path(
        NULL, fixture_path("geo/not_a_format.dat"), NULL, &b, &err);
    assert_int_equal(st, IG_HAVE_GDAL ? IG_ERR_FORMAT : IG_ERR_DISABLED);
    assert_null(b);
    assert_int_equal(ig_boundaries_read_path(NULL, NULL, NULL, &b, &err),
                     IG_ERR_DOMAIN);
    assert_int_equal(
        ig_boundaries_read_mem(NULL, "{}", 2, NULL, NULL, NULL, &err),
        IG_ERR_DOMAIN);
    ig_boundaries_opts o = {0};
    o.target_epsg = -1;
    assert_int_equal(ig_boundaries_read_mem(NULL, "{}", 2, NULL, &o, &b, &err),
                     IG_ERR_DOMAIN);
}

/* ---- allocation failures ---------------------------------------------------
 */

static void test_alloc_failures(void **state)
{
    (void)state;
    const char *json =
        "{\"type\":\"FeatureCollection\",\"features\":[\n"
        "{\"type\":\"Feature\",\"id\":\"a\\u00e9\",\"properties\":{"
        "\"n\\u0061\":"
        "\"x\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],"
        "[4,0],[4,4],[0,4]],[[1,1],[2,1],[2,2],[1,1]]]}},\n"
        "{\"type\":\"Feature\",\"id\":\"b\",\"properties\":{\"na\":\"y\"},"
        "\"geometry\":{\"coordinates\":[[[[5,5],[6,5],[6,6],[5,5]]]],\"type\":"
        "\"MultiPolygon\"}}]}";
    ig_boundaries_opts o = OPTS_3035;
    o.name_prop = "na";
    int done = 0;
    for (long fail = 1; fail < 400 && !done; fail++) {
        fail_alloc fa = {0};
        fa.fail_at = fail;
        ig_ctx *ctx = make_fail_ctx(&fa, 1);
        ig_boundaries *b = NULL;
        ig_error err = {0};
        ig_status st =
            ig_boundaries_read_mem(ctx, json, strlen(json), "m", &o, &b, &err);
        if (fa.failures == 0) {
            assert_int_equal(st, IG_OK);
            assert_int_equal(ig_boundaries_count(b), 2);
            assert_string_equal(ig_boundaries_id(b, 0), "a\xc3\xa9");
            assert_string_equal(ig_boundaries_name(b, 0), "x");
            assert_true(ig_boundaries_area_m2(b, 1) == 0.5);
            done = 1;
        } else if (st != IG_ERR_NOMEM) {
            fail_msg("allocation %ld failed, status %s: %s", fail,
                     ig_strerror(st), err.msg);
        } else {
            assert_null(b);
        }
        ig_boundaries_destroy(b);
        ig_ctx_destroy(ctx);
        if (fa.live != 0) fail_msg("leak after failing allocation %ld", fail);
    }
    assert_true(done);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_errors),
        cmocka_unit_test(test_depth_cap),
        cmocka_unit_test(test_polygon_with_hole),
        cmocka_unit_test(test_multipolygon),
        cmocka_unit_test(test_ids_and_names),
        cmocka_unit_test(test_skipped_and_empty),
        cmocka_unit_test(test_ring_repairs),
        cmocka_unit_test(test_self_intersection),
        cmocka_unit_test(test_orient_exact),
        cmocka_unit_test(test_crs_names),
        cmocka_unit_test(test_lonlat),
        cmocka_unit_test(test_read_path),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
