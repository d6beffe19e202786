/* Assignment of grid cells to boundary polygons (ig_boundaries_assign) on
 * hand-made grids with known answers: the centre rule on shared edges and a
 * shared vertex, a diagonal edge, a concave polygon, exact area fractions,
 * random star polygons against Sutherland-Hodgman clipping and brute-force
 * point-in-polygon, polygons covering no cell, overlaps, a lon/lat file on
 * a 1 km EPSG:3035 grid, grids split by places, refused grids, allocation
 * failures, and the real NUTS 2021 and Grenoble (GDAL) boundaries. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/ksum.h"
#include "ig_config.h"
#include "integrid/ig_boundaries.h"
#include "places/boundaries_internal.h"
#include "test_support.h"

/* ---- helpers ---------------------------------------------------------- */

typedef struct logbuf {
    int n_warn;
    char all[8192];
} logbuf;

static void log_cb(void *ud, ig_log_level level, const char *msg)
{
    logbuf *l = ud;
    if (level == IG_LOG_WARN) l->n_warn++;
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

static const char *const GROUP[] = {"A"};

/* A grid of size_m cells, rows r0..r0+nr-1 and columns c0..c0+nc-1, one
 * resident per cell; with `places`, cells of column < split go to place
 * "w" and the others to "e" (so the grid is not in row-major order). */
static ig_grid *lattice(ig_ctx *ctx, int32_t size_m, int32_t epsg, int64_t r0,
                        int64_t c0, int nr, int nc, int split)
{
    ig_grid_spec spec = {0};
    spec.size_m = size_m;
    spec.epsg = epsg;
    spec.n_groups = 1;
    spec.group_names = GROUP;
    ig_grid_builder *gb = NULL;
    ig_error err = {0};
    assert_int_equal(ig_grid_builder_create(ctx, &spec, &gb, &err), IG_OK);
    for (int r = 0; r < nr; r++)
        for (int c = 0; c < nc; c++) {
            double one = 1.0;
            ig_grid_row row = {0};
            row.cell.north_m = (r0 + r) * size_m;
            row.cell.east_m = (c0 + c) * size_m;
            row.cell.size_m = size_m;
            row.cell.epsg = epsg ? epsg : 3035;
            row.counts = &one;
            row.place = split ? (c < split ? "w" : "e") : NULL;
            assert_int_equal(ig_grid_builder_add(gb, &row, &err), IG_OK);
        }
    ig_grid *g = NULL;
    assert_int_equal(ig_grid_builder_finish(gb, &g, &err), IG_OK);
    ig_grid_builder_destroy(gb);
    return g;
}

/* Place p's cells as "r,c r,c ..." (in the order given). */
static void cells_text(const ig_assignment *a, const ig_grid *g, size_t p,
                       char *buf, size_t cap)
{
    const size_t *off = ig_assignment_offsets(a),
                 *cells = ig_assignment_cells(a);
    size_t used = 0;
    buf[0] = '\0';
    for (size_t k = off[p]; k < off[p + 1]; k++) {
        size_t i = cells[k];
        used += (size_t)snprintf(buf + used, cap - used, "%s%d,%d",
                                 k > off[p] ? " " : "", ig_grid_rows(g)[i],
                                 ig_grid_cols(g)[i]);
        if (k > off[p]) assert_true(cells[k] > cells[k - 1]); /* ascending */
    }
}

static ig_boundaries *read_json(ig_ctx *ctx, const char *json)
{
    ig_boundaries_opts o = {0};
    o.src_crs = "EPSG:3035";
    ig_boundaries *b = NULL;
    ig_error err = {0};
    ig_status st =
        ig_boundaries_read_mem(ctx, json, strlen(json), "t", &o, &b, &err);
    if (st != IG_OK) fail_msg("read: %s", err.msg);
    return b;
}

static ig_assignment *assign(ig_ctx *ctx, const ig_boundaries *b,
                             const ig_grid *g, ig_assign_mode mode)
{
    ig_assignment *a = NULL;
    ig_error err = {0};
    ig_status st = ig_boundaries_assign(ctx, b, g, mode, &a, &err);
    if (st != IG_OK) fail_msg("assign: %s", err.msg);
    return a;
}

#define FEATURE(id, coords)              \
    "{\"type\":\"Feature\",\"id\":\"" id \
    "\",\"geometry\":{\"type\":"         \
    "\"Polygon\",\"coordinates\":[" coords "]}}"

/* ---- the centre rule -------------------------------------------------------
 */

static void test_centre_shared_edges(void **state)
{
    (void)state;
    /* four rectangles meeting at (250, 250): the centres of column 2 lie on
     * the edge x = 250, those of row 2 on y = 250, and the centre of cell
     * (2, 2) on the shared vertex. West and south boundaries are inside. */
    const char *json =
        "{\"type\":\"FeatureCollection\",\"features\":["
        FEATURE("A", "[[0,0],[250,0],[250,250],[0,250],[0,0]]") ","
        FEATURE("B", "[[250,0],[600,0],[600,250],[250,250],[250,0]]") ","
        FEATURE("C", "[[0,250],[250,250],[250,600],[0,600],[0,250]]") ","
        FEATURE("D", "[[250,250],[600,250],[600,600],[250,600],[250,250]]")
        "]}";
    ig_grid *g = lattice(NULL, 100, 0, 0, 0, 6, 6, 0);
    ig_boundaries *b = read_json(NULL, json);
    ig_assignment *a = assign(NULL, b, g, IG_ASSIGN_CENTRE);
    char buf[1024];
    assert_int_equal(ig_assignment_nplaces(a), 4);
    assert_null(ig_assignment_weights(a));
    assert_int_equal(ig_assignment_mode(a), IG_ASSIGN_CENTRE);
    cells_text(a, g, 0, buf, sizeof buf);
    assert_string_equal(buf, "0,0 0,1 1,0 1,1");
    cells_text(a, g, 1, buf, sizeof buf);
    assert_string_equal(buf, "0,2 0,3 0,4 0,5 1,2 1,3 1,4 1,5");
    cells_text(a, g, 2, buf, sizeof buf);
    assert_string_equal(buf, "2,0 2,1 3,0 3,1 4,0 4,1 5,0 5,1");
    assert_int_equal(ig_assignment_place_cells(a, 3), 16);
    cells_text(a, g, 3, buf, sizeof buf);
    assert_true(strncmp(buf, "2,2 2,3", 7) == 0); /* the vertex cell */
    assert_int_equal(ig_assignment_offsets(a)[4], 36);
    assert_int_equal(ig_assignment_unassigned(a), 0);
    assert_int_equal(ig_assignment_overlaps(a), 0);
    assert_int_equal(ig_assignment_empty_places(a), 0);
    assert_int_equal(ig_assignment_place_cells(a, 9), 0);
    ig_assignment_destroy(a);

    /* the same on a grid split by places: not in row-major order, so a
     * sorted index is built; the answer is the same cells */
    ig_grid *gs = lattice(NULL, 100, 0, 0, 0, 6, 6, 3);
    a = assign(NULL, b, gs, IG_ASSIGN_CENTRE);
    for (size_t p = 0; p < 4; p++) {
        char want[1024];
        ig_assignment *a0 = assign(NULL, b, g, IG_ASSIGN_CENTRE);
        cells_text(a0, g, p, want, sizeof want);
        ig_assignment_destroy(a0);
        const size_t *off = ig_assignment_offsets(a),
                     *cells = ig_assignment_cells(a);
        /* same set of lattice cells (order follows the grid's indices) */
        assert_int_equal(off[p + 1] - off[p], p == 0 ? 4 : p == 3 ? 16 : 8);
        for (size_t k = off[p]; k < off[p + 1]; k++) {
            char rc[32];
            snprintf(rc, sizeof rc, "%d,%d", ig_grid_rows(gs)[cells[k]],
                     ig_grid_cols(gs)[cells[k]]);
            assert_non_null(strstr(want, rc));
            if (k > off[p]) assert_true(cells[k] > cells[k - 1]);
        }
    }
    ig_assignment_destroy(a);
    ig_grid_destroy(gs);
    ig_boundaries_destroy(b);
    ig_grid_destroy(g);
}

static void test_centre_diagonal(void **state)
{
    (void)state;
    /* two triangles split by the diagonal y = x, which passes through the
     * centres of cells (k, k): each goes to exactly one triangle (the east
     * one, T1, whose west boundary the diagonal is) */
    const char *json = "{\"type\":\"FeatureCollection\",\"features\":[" FEATURE(
        "T1",
        "[[0,0],[600,0],[600,600],[0,0]]") "," FEATURE("T2",
                                                       "[[600,600],[0,600],[0,"
                                                       "0],[600,600]]") "]}";
    ig_grid *g = lattice(NULL, 100, 0, 0, 0, 6, 6, 0);
    ig_boundaries *b = read_json(NULL, json);
    ig_assignment *a = assign(NULL, b, g, IG_ASSIGN_CENTRE);
    assert_int_equal(ig_assignment_place_cells(a, 0), 21);
    assert_int_equal(ig_assignment_place_cells(a, 1), 15);
    const size_t *off = ig_assignment_offsets(a),
                 *cells = ig_assignment_cells(a);
    for (size_t k = off[0]; k < off[1]; k++)
        assert_true(ig_grid_rows(g)[cells[k]] <= ig_grid_cols(g)[cells[k]]);
    ig_assignment_destroy(a);
    ig_boundaries_destroy(b);
    ig_grid_destroy(g);
}

static void test_concave(void **state)
{
    (void)state;
    /* a U: the notch x in [100, 200], y in [100, 300] holds cells (1, 1)
     * and (2, 1), whose centres are outside and whose area of overlap is 0
     * though three edges touch them */
    const char *json =
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[300,0],[300,300],"
        "[200,300],[200,100],[100,100],[100,300],[0,300],[0,0]]]}";
    ig_grid *g = lattice(NULL, 100, 0, 0, 0, 4, 4, 0);
    ig_boundaries *b = read_json(NULL, json);
    assert_true(ig_boundaries_area_m2(b, 0) == 70000.0);
    char buf[256];
    for (int mode = 0; mode < 2; mode++) {
        ig_assignment *a = assign(NULL, b, g, (ig_assign_mode)mode);
        cells_text(a, g, 0, buf, sizeof buf);
        assert_string_equal(buf, "0,0 0,1 0,2 1,0 1,2 2,0 2,2");
        assert_int_equal(ig_assignment_unassigned(a), 16 - 7);
        if (mode == IG_ASSIGN_AREA)
            for (size_t k = 0; k < 7; k++)
                assert_true(ig_assignment_weights(a)[k] == 1.0);
        ig_assignment_destroy(a);
    }
    ig_boundaries_destroy(b);
    ig_grid_destroy(g);
}

/* ---- the area rule
 * ------------------------------------------------------------- */

static void test_area_fractions(void **state)
{
    (void)state;
    /* T: (0,0) (200,0) (0,100) over cells [0,100]^2 and [100,200]x[0,100]:
     * 7500 and 2500 m2; its complement T' in the 200 x 100 rectangle 2500
     * and 7500. Weights 3/4 and 1/4. Cell (1, 0) above is in neither. */
    const char *json = "{\"type\":\"FeatureCollection\",\"features\":[" FEATURE(
        "T",
        "[[0,0],[200,0],[0,100],[0,0]]") "," FEATURE("Tc",
                                                     "[[200,0],[200,100],[0,"
                                                     "100],[200,0]]") "]}";
    ig_grid *g = lattice(NULL, 100, 0, 0, 0, 2, 2, 0);
    ig_boundaries *b = read_json(NULL, json);
    ig_assignment *a = assign(NULL, b, g, IG_ASSIGN_AREA);
    const size_t *off = ig_assignment_offsets(a),
                 *cells = ig_assignment_cells(a);
    const double *w = ig_assignment_weights(a);
    assert_non_null(w);
    assert_int_equal(ig_assignment_mode(a), IG_ASSIGN_AREA);
    assert_int_equal(off[1], 2);
    assert_int_equal(off[2], 4);
    assert_int_equal(cells[0], 0); /* (0, 0) */
    assert_int_equal(cells[1], 1); /* (0, 1) */
    assert_true(w[0] == 0.75);
    assert_true(w[1] == 0.25);
    assert_int_equal(cells[2], 0);
    assert_int_equal(cells[3], 1);
    assert_true(w[2] == 0.25);
    assert_true(w[3] == 0.75);
    assert_int_equal(ig_assignment_unassigned(a), 2);
    ig_assignment_destroy(a);
    /* by centres: (50, 50) is in T (50 <= 100 - 25); (150, 50) in T' */
    a = assign(NULL, b, g, IG_ASSIGN_CENTRE);
    assert_int_equal(ig_assignment_place_cells(a, 0), 1);
    assert_int_equal(ig_assignment_cells(a)[0], 0);
    assert_int_equal(ig_assignment_cells(a)[1], 1);
    ig_assignment_destroy(a);
    ig_boundaries_destroy(b);
    ig_grid_destroy(g);

    /* a triangle over 2 x 2 cells: (0,0) (200,0) (0,200) covers cell
     * (0,0) fully, (0,1) and (1,0) by half (5000 m2), (1,1) only at a
     * corner. Alone, every cell it overlaps has weight 1 (nothing is lost);
     * with its complement in the square, the halves have weight 1/2. */
    b = read_json(NULL,
                  "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[200,0],"
                  "[0,200],[0,0]]]}");
    g = lattice(NULL, 100, 0, 0, 0, 2, 2, 0);
    a = assign(NULL, b, g, IG_ASSIGN_AREA);
    char buf[128];
    cells_text(a, g, 0, buf, sizeof buf);
    assert_string_equal(buf, "0,0 0,1 1,0");
    for (size_t k = 0; k < 3; k++)
        assert_true(ig_assignment_weights(a)[k] == 1.0);
    assert_int_equal(ig_assignment_unassigned(a), 1);
    ig_assignment_destroy(a);
    ig_boundaries_destroy(b);
    b = read_json(
        NULL,
        "{\"type\":\"FeatureCollection\",\"features\":[" FEATURE(
            "T", "[[0,0],[200,0],[0,200],[0,0]]") "," FEATURE("Tc",
                                                              "[[200,0],[200,"
                                                              "200],[0,200],["
                                                              "200,0]]") "]}");
    a = assign(NULL, b, g, IG_ASSIGN_AREA);
    w = ig_assignment_weights(a);
    cells_text(a, g, 0, buf, sizeof buf);
    assert_string_equal(buf, "0,0 0,1 1,0");
    assert_true(w[0] == 1.0 && w[1] == 0.5 && w[2] == 0.5);
    cells_text(a, g, 1, buf, sizeof buf);
    assert_string_equal(buf, "0,1 1,0 1,1");
    assert_true(w[3] == 0.5 && w[4] == 0.5 && w[5] == 1.0);
    assert_int_equal(ig_assignment_unassigned(a), 0);
    ig_assignment_destroy(a);
    ig_boundaries_destroy(b);
    ig_grid_destroy(g);
}

/* A star-shaped (concave) polygon with n jittered vertices around (cx, cy);
 * deterministic. */
static size_t star(double *xy, size_t n, double cx, double cy, unsigned seed)
{
    uint64_t st = 0x9e3779b97f4a7c15ull * (seed + 1);
    for (size_t i = 0; i < n; i++) {
        st ^= st << 13;
        st ^= st >> 7;
        st ^= st << 17;
        double u = (double)(st >> 11) * 0x1.0p-53;
        double t = 2.0 * 3.141592653589793 * (double)i / (double)n;
        double r = 150.0 + 280.0 * u;
        xy[2 * i] = cx + r * cos(t);
        xy[2 * i + 1] = cy + r * sin(t);
    }
    return n;
}

/* Even-odd point in polygon, counting crossings to the east. */
static int pip(const double *xy, size_t n, double x, double y)
{
    int in = 0;
    for (size_t i = 0, j = n - 1; i < n; j = i++) {
        double xi = xy[2 * i], yi = xy[2 * i + 1];
        double xj = xy[2 * j], yj = xy[2 * j + 1];
        if ((yi > y) != (yj > y) && x < xi + (y - yi) * (xj - xi) / (yj - yi))
            in = !in;
    }
    return in;
}

static void test_area_against_clipping(void **state)
{
    (void)state;
    /* for several random stars P: places P and F \ P (F a square frame
     * with P as its hole). Every cell inside F then has areas adding up to
     * the cell, so the weight of P times the cell area must equal
     * area(P n cell) by Sutherland-Hodgman clipping. */
    enum { N = 61 };
    double xy[2 * N];
    double *tmp = malloc(IG__CLIP_TMP(N) * sizeof *tmp);
    assert_non_null(tmp);
    ig_grid *g = lattice(NULL, 100, 0, -5, -5, 20, 20, 0);
    for (unsigned seed = 0; seed < 6; seed++) {
        star(xy, N, 500.0 + 7.0 * seed, 480.0 - 3.0 * seed, seed);
        char *json = malloc(16384);
        assert_non_null(json);
        char ring[4096];
        size_t u = 0;
        for (size_t i = 0; i <= N; i++)
            u += (size_t)snprintf(ring + u, sizeof ring - u, "%s[%.17g,%.17g]",
                                  i ? "," : "", xy[2 * (i % N)],
                                  xy[2 * (i % N) + 1]);
        snprintf(json, 16384,
                 "{\"type\":\"FeatureCollection\",\"features\":["
                 "{\"type\":\"Feature\",\"id\":\"P\",\"geometry\":{\"type\":"
                 "\"Polygon\",\"coordinates\":[[%s]]}},"
                 "{\"type\":\"Feature\",\"id\":\"F\",\"geometry\":{\"type\":"
                 "\"Polygon\",\"coordinates\":[[[-500,-500],[1500,-500],"
                 "[1500,1500],[-500,1500],[-500,-500]],[%s]]}}]}",
                 ring, ring);
        ig_boundaries *b = read_json(NULL, json);
        free(json);
        /* the stored ring is counter-clockwise, as generated */
        const double *pxy = b->xy;
        ig_assignment *a = assign(NULL, b, g, IG_ASSIGN_AREA);
        const size_t *off = ig_assignment_offsets(a),
                     *cells = ig_assignment_cells(a);
        const double *w = ig_assignment_weights(a);
        double *wp = calloc(400, sizeof *wp), *wsum = calloc(400, sizeof *wsum);
        for (size_t p = 0; p < 2; p++)
            for (size_t k = off[p]; k < off[p + 1]; k++) {
                if (p == 0) wp[cells[k]] = w[k];
                wsum[cells[k]] += w[k];
            }
        ig_ksum tot;
        ig_ksum_init(&tot);
        for (size_t i = 0; i < 400; i++) {
            double x0 = ig_grid_cols(g)[i] * 100.0,
                   y0 = ig_grid_rows(g)[i] * 100.0;
            double ref =
                ig__ring_clip_area(pxy, N, x0, y0, x0 + 100.0, y0 + 100.0, tmp);
            if (fabs(wp[i] * 1e4 - ref) > 1e-6)
                fail_msg(
                    "seed %u cell %zu: weight %.17g x 1e4 vs clipped "
                    "area %.17g",
                    seed, i, wp[i], ref);
            assert_true(fabs(wsum[i] - 1.0) < 1e-12);
            ig_ksum_add(&tot, wp[i] * 1e4);
        }
        assert_true(
            close_rel(ig_ksum_value(&tot), ig_boundaries_area_m2(b, 0), 1e-12));
        ig_assignment_destroy(a);
        /* centres against brute force */
        a = assign(NULL, b, g, IG_ASSIGN_CENTRE);
        off = ig_assignment_offsets(a);
        cells = ig_assignment_cells(a);
        int *in = calloc(400, sizeof *in);
        for (size_t k = off[0]; k < off[1]; k++) in[cells[k]] = 1;
        for (size_t i = 0; i < 400; i++) {
            double x = ig_grid_cols(g)[i] * 100.0 + 50.0,
                   y = ig_grid_rows(g)[i] * 100.0 + 50.0;
            assert_int_equal(in[i], pip(pxy, N, x, y));
        }
        assert_int_equal(off[2], 400); /* F takes the rest */
        free(in);
        free(wp);
        free(wsum);
        ig_assignment_destroy(a);
        ig_boundaries_destroy(b);
    }
    free(tmp);
    ig_grid_destroy(g);
}

/* ---- warnings, overlaps, refusals ------------------------------------------
 */

static void test_no_cells_and_overlaps(void **state)
{
    (void)state;
    logbuf l;
    ig_ctx *ctx = log_ctx(&l);
    /* "tiny" lies inside cell (0, 0) away from its centre; "far" off the
     * grid; "o1" and "o2" overlap on column 2 */
    const char *json =
        "{\"type\":\"FeatureCollection\",\"features\":["
        FEATURE("tiny", "[[10,10],[20,10],[20,20],[10,20],[10,10]]") ","
        FEATURE("far", "[[1e6,1e6],[1000001,1e6],[1e6,1000001],[1e6,1e6]]") ","
        FEATURE("o1", "[[100,0],[300,0],[300,100],[100,100],[100,0]]") ","
        FEATURE("o2", "[[200,0],[400,0],[400,100],[200,100],[200,0]]") "]}";
    ig_grid *g = lattice(NULL, 100, 0, 0, 0, 1, 5, 0);
    ig_boundaries *b = read_json(ctx, json);
    l.n_warn = 0;
    l.all[0] = '\0';
    ig_assignment *a = assign(ctx, b, g, IG_ASSIGN_CENTRE);
    assert_int_equal(ig_assignment_place_cells(a, 0), 0);
    assert_int_equal(ig_assignment_place_cells(a, 1), 0);
    assert_int_equal(ig_assignment_place_cells(a, 2), 2); /* cols 1, 2 */
    assert_int_equal(ig_assignment_place_cells(a, 3), 1); /* col 3 only */
    assert_int_equal(ig_assignment_empty_places(a), 2);
    assert_int_equal(ig_assignment_overlaps(a), 1);
    assert_int_equal(ig_assignment_unassigned(a), 2);
    assert_non_null(strstr(l.all,
                           "place 'tiny' (feature 1) covers no grid "
                           "cell; it is kept without cells"));
    assert_non_null(strstr(l.all, "place 'far' (feature 2)"));
    assert_non_null(strstr(l.all, "1 grid cells lie in more than one polygon"));
    assert_int_equal(l.n_warn, 3);
    ig_assignment_destroy(a);

    /* by area: the tiny square keeps its cell (the only polygon there);
     * the overlapped cell is shared half and half */
    a = assign(ctx, b, g, IG_ASSIGN_AREA);
    assert_int_equal(ig_assignment_place_cells(a, 0), 1);
    assert_true(ig_assignment_weights(a)[0] == 1.0);
    assert_int_equal(ig_assignment_place_cells(a, 1), 0);
    assert_int_equal(ig_assignment_empty_places(a), 1);
    const size_t *off = ig_assignment_offsets(a);
    const double *w = ig_assignment_weights(a);
    assert_int_equal(off[3] - off[2], 2);
    assert_true(w[off[2]] == 1.0 && w[off[2] + 1] == 0.5);
    assert_true(w[off[3]] == 0.5 && w[off[3] + 1] == 1.0);
    assert_int_equal(ig_assignment_overlaps(a), 1);
    assert_int_equal(ig_assignment_unassigned(a), 1); /* column 4 */
    ig_assignment_destroy(a);
    ig_boundaries_destroy(b);
    ig_grid_destroy(g);
    ig_ctx_destroy(ctx);
}

static void test_refused(void **state)
{
    (void)state;
    ig_boundaries *b =
        read_json(NULL,
                  "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[0,1],"
                  "[0,0]]]}");
    ig_assignment *a = NULL;
    ig_error err = {0};
    /* aspatial units */
    const double c[2] = {1, 2};
    const double *cols[1] = {c};
    ig_grid *u = grid_from_counts(NULL, 2, 1, cols, GROUP);
    assert_int_equal(
        ig_boundaries_assign(NULL, b, u, IG_ASSIGN_CENTRE, &a, &err),
        IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "spatial grid"));
    ig_grid_destroy(u);
    /* another CRS */
    ig_grid *g = lattice(NULL, 100, 2154, 0, 0, 2, 2, 0);
    assert_int_equal(ig_boundaries_assign(NULL, b, g, IG_ASSIGN_AREA, &a, &err),
                     IG_ERR_MISMATCH);
    assert_non_null(strstr(err.msg, "EPSG:2154"));
    ig_grid_destroy(g);
    g = lattice(NULL, 100, 0, 0, 0, 2, 2, 0);
    assert_int_equal(
        ig_boundaries_assign(NULL, b, g, (ig_assign_mode)7, &a, &err),
        IG_ERR_DOMAIN);
    assert_int_equal(
        ig_boundaries_assign(NULL, NULL, g, IG_ASSIGN_AREA, &a, &err),
        IG_ERR_DOMAIN);
    assert_null(a);
    ig_grid_destroy(g);
    /* a lattice cell in two places */
    ig_grid_spec spec = {0};
    spec.size_m = 100;
    spec.n_groups = 1;
    spec.group_names = GROUP;
    ig_grid_builder *gb = NULL;
    assert_int_equal(ig_grid_builder_create(NULL, &spec, &gb, &err), IG_OK);
    for (int k = 0; k < 2; k++) {
        double one = 1.0;
        ig_grid_row row = {0};
        row.cell.size_m = 100;
        row.counts = &one;
        row.place = k ? "x" : "y";
        assert_int_equal(ig_grid_builder_add(gb, &row, &err), IG_OK);
    }
    assert_int_equal(ig_grid_builder_finish(gb, &g, &err), IG_OK);
    ig_grid_builder_destroy(gb);
    assert_int_equal(
        ig_boundaries_assign(NULL, b, g, IG_ASSIGN_CENTRE, &a, &err),
        IG_ERR_MISMATCH);
    assert_non_null(strstr(err.msg, "CRS3035RES100mN0E0 appears twice"));
    ig_grid_destroy(g);
    ig_boundaries_destroy(b);
    ig_assignment_destroy(NULL);
    ig_boundaries_destroy(NULL);
    assert_int_equal(ig_assignment_nplaces(NULL), 0);
}

/* ---- lon/lat onto EPSG:3035 -------------------------------------------------
 */

static void test_lonlat_grid(void **state)
{
    (void)state;
#if IG_HAVE_PROJ
    /* lon 10..10.02, lat 52..52.01: x 4,321,000 .. about 4,322,373, y
     * 3,210,000 .. about 3,211,113 (the false origin of EPSG:3035 is
     * lon 10, lat 52). On 1 km cells, only the centre of cell N3210 E4321
     * is inside; by area, the 2 x 2 cells from it to the north-east. */
    const char *json =
        "{\"type\":\"Feature\",\"id\":\"x\",\"geometry\":{\"type\":\"Polygon\","
        "\"coordinates\":[[[10,52],[10.02,52],[10.02,52.01],[10,52.01],"
        "[10,52]]]}}";
    ig_boundaries *b = NULL;
    ig_error err = {0};
    assert_int_equal(
        ig_boundaries_read_mem(NULL, json, strlen(json), "ll", NULL, &b, &err),
        IG_OK);
    ig_grid *g = lattice(NULL, 1000, 3035, 3209, 4320, 3, 3, 0);
    ig_assignment *a = assign(NULL, b, g, IG_ASSIGN_CENTRE);
    char buf[128];
    cells_text(a, g, 0, buf, sizeof buf);
    assert_string_equal(buf, "3210,4321");
    ig_assignment_destroy(a);
    a = assign(NULL, b, g, IG_ASSIGN_AREA);
    cells_text(a, g, 0, buf, sizeof buf);
    assert_string_equal(buf, "3210,4321 3210,4322 3211,4321 3211,4322");
    ig_assignment_destroy(a);
    ig_grid_destroy(g);
    ig_boundaries_destroy(b);
#else
    skip();
#endif
}

/* ---- allocation failures ----------------------------------------------------
 */

static void test_alloc_failures(void **state)
{
    (void)state;
    const char *json =
        "{\"type\":\"FeatureCollection\",\"features\":["
        FEATURE("T", "[[0,0],[200,0],[0,100],[0,0]]") ","
        FEATURE("Tc", "[[200,0],[200,100],[0,100],[200,0]]") ","
        "{\"type\":\"Feature\",\"id\":\"M\",\"geometry\":{\"type\":"
        "\"MultiPolygon\",\"coordinates\":[[[[0,100],[100,100],[100,200],"
        "[0,100]]],[[[100,150],[200,150],[200,200],[100,150]]]]}}]}";
    ig_grid *g = lattice(NULL, 100, 0, 0, 0, 2, 2, 1);
    ig_boundaries *b = read_json(NULL, json);
    for (int mode = 0; mode < 2; mode++) {
        int done = 0;
        for (long fail = 1; fail < 200 && !done; fail++) {
            fail_alloc fa = {0};
            fa.fail_at = fail;
            ig_ctx *ctx = make_fail_ctx(&fa, 1);
            ig_assignment *a = NULL;
            ig_error err = {0};
            ig_status st =
                ig_boundaries_assign(ctx, b, g, (ig_assign_mode)mode, &a, &err);
            if (fa.failures == 0) {
                assert_int_equal(st, IG_OK);
                assert_int_equal(ig_assignment_nplaces(a), 3);
                /* by centre too: the centres (50, 150) and (150, 150) lie on
                 * the west boundaries of the two parts */
                assert_int_equal(ig_assignment_place_cells(a, 2), 2);
                done = 1;
            } else if (st != IG_ERR_NOMEM) {
                fail_msg("allocation %ld failed, status %s", fail,
                         ig_strerror(st));
            } else {
                assert_null(a);
                assert_int_equal(err.status, IG_ERR_NOMEM);
            }
            ig_assignment_destroy(a);
            ig_ctx_destroy(ctx);
            if (fa.live != 0)
                fail_msg("leak after failing allocation %ld", fail);
        }
        assert_true(done);
    }
    ig_boundaries_destroy(b);
    ig_grid_destroy(g);
}

/* ---- real data
 * ---------------------------------------------------------------- */

static void test_nuts(void **state)
{
    (void)state;
    const char *path =
        shared_path("boundaries/nuts2021_3035_20M_level0.geojson");
    if (!path) skip();
    ig_boundaries_opts o = {0};
    o.name_prop = "na";
    ig_boundaries *b = NULL;
    ig_error err = {0};
    assert_int_equal(ig_boundaries_read_path(NULL, path, &o, &b, &err), IG_OK);
    assert_int_equal(ig_boundaries_count(b), 37);
    assert_string_equal(ig_boundaries_source_crs(b),
                        "urn:ogc:def:crs:EPSG::3035");
    size_t de = SIZE_MAX;
    for (size_t i = 0; i < ig_boundaries_count(b); i++)
        if (strcmp(ig_boundaries_id(b, i), "DE") == 0) de = i;
    assert_true(de != SIZE_MAX);
    assert_string_equal(ig_boundaries_name(b, de), "Deutschland");
    /* Germany: 357,588 km2; generalised at 1:20M */
    double km2 = ig_boundaries_area_m2(b, de) / 1e6;
    assert_true(km2 > 357588.0 * 0.97 && km2 < 357588.0 * 1.03);

    /* the city windows of the census grid, split by country: each cell's
     * centre should fall in its own country's polygon, bar the coast and
     * borders blurred by the generalisation */
    const char *grid_path = shared_path("eu_census2021_1km_city_windows.csv");
    if (grid_path) {
        ig_read_opts ro;
        ig_read_opts_init(&ro);
        ro.by_col = "CNTR_ID";
        ig_grid *g = NULL;
        assert_int_equal(ig_grid_read_path(NULL, grid_path, &ro, &g, &err),
                         IG_OK);
        for (int mode = 0; mode < 2; mode++) {
            ig_assignment *a = assign(NULL, b, g, (ig_assign_mode)mode);
            size_t n = ig_grid_ncells(g), same = 0, single = 0;
            const size_t *off = ig_assignment_offsets(a),
                         *cells = ig_assignment_cells(a);
            const double *w = ig_assignment_weights(a);
            double *best = calloc(n, sizeof *best);
            size_t *who = calloc(n, sizeof *who);
            for (size_t p = 0; p < 37; p++)
                for (size_t k = off[p]; k < off[p + 1]; k++)
                    if (!w || w[k] > best[cells[k]]) {
                        best[cells[k]] = w ? w[k] : 1.0;
                        who[cells[k]] = p + 1;
                    }
            for (size_t pl = 0; pl < ig_grid_nplaces(g); pl++) {
                const char *cn = ig_grid_place_name(g, pl);
                if (strlen(cn) != 2) continue; /* "NL-DE", "" */
                size_t first, cnt;
                assert_int_equal(ig_grid_place_range(g, pl, &first, &cnt),
                                 IG_OK);
                for (size_t i = first; i < first + cnt; i++) {
                    single++;
                    if (who[i] &&
                        strcmp(ig_boundaries_id(b, who[i] - 1), cn) == 0)
                        same++;
                }
            }
            double share = (double)same / (double)single;
            if (share < 0.98)
                fail_msg("mode %d: %zu of %zu cells in their own country", mode,
                         same, single);
            free(best);
            free(who);
            ig_assignment_destroy(a);
        }
        ig_grid_destroy(g);
    }
    ig_boundaries_destroy(b);
}

static void test_grenoble_gdal(void **state)
{
    (void)state;
    const char *path = shared_path("segregation_reference/GreHSize.shp");
    if (!path || !IG_HAVE_GDAL || !IG_HAVE_PROJ) skip();
    ig_boundaries *b = NULL;
    ig_error err = {0};
    assert_int_equal(ig_boundaries_read_path(NULL, path, NULL, &b, &err),
                     IG_OK);
    assert_int_equal(ig_boundaries_count(b), 53);
    assert_string_equal(ig_boundaries_source_crs(b), "EPSG:2154");
    assert_string_equal(ig_boundaries_id(b, 0), "1");
    ig_bbox all = {HUGE_VAL, HUGE_VAL, -HUGE_VAL, -HUGE_VAL};
    for (size_t i = 0; i < 53; i++) {
        ig_bbox bb;
        assert_int_equal(ig_boundaries_bbox(b, i, &bb), IG_OK);
        all.min_x = fmin(all.min_x, bb.min_x);
        all.min_y = fmin(all.min_y, bb.min_y);
        all.max_x = fmax(all.max_x, bb.max_x);
        all.max_y = fmax(all.max_y, bb.max_y);
    }
    /* the Grenoble area in EPSG:3035 */
    assert_true(all.min_x > 3.95e6 && all.max_x < 4.01e6);
    assert_true(all.min_y > 2.44e6 && all.max_y < 2.50e6);
    /* LAEA is equal-area: the communes' areas match those computed in
     * Lambert-93 (grenoble_household_size.csv, area_m2) within the
     * Lambert-93 scale error (about 0.2 % here) */
    const char *csv =
        shared_path("segregation_reference/grenoble_household_size.csv");
    if (csv) {
        FILE *fp = fopen(csv, "r");
        assert_non_null(fp);
        char line[512];
        assert_non_null(fgets(line, sizeof line, fp));
        size_t i = 0;
        while (fgets(line, sizeof line, fp) && i < 53) {
            const char *last = strrchr(line, ',');
            assert_non_null(last);
            double want = atof(last + 1);
            double got = ig_boundaries_area_m2(b, i);
            if (!close_rel(got, want, 4e-3))
                fail_msg("commune %zu: %.0f m2 vs %.0f", i + 1, got, want);
            i++;
        }
        fclose(fp);
        assert_int_equal(i, 53);
    }
    ig_boundaries_destroy(b);
    b = NULL;
    /* a layer that does not exist, a field that does not exist */
    ig_boundaries_opts o = {0};
    o.layer = "nope";
    assert_int_equal(ig_boundaries_read_path(NULL, path, &o, &b, &err),
                     IG_ERR_NOT_FOUND);
    assert_null(b);
    assert_non_null(strstr(err.msg, "layers: GreHSize"));
    memset(&o, 0, sizeof o);
    o.id_prop = "CODE";
    memset(&err, 0, sizeof err);
    assert_int_equal(ig_boundaries_read_path(NULL, path, &o, &b, &err),
                     IG_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "(its fields: VAR1, VAR2"));
    o.id_prop = "VAR1";
    o.src_crs = "EPSG:2154";
    assert_int_equal(ig_boundaries_read_path(NULL, path, &o, &b, &err), IG_OK);
    assert_int_equal(ig_boundaries_count(b), 53);
    ig_boundaries_destroy(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_centre_shared_edges),
        cmocka_unit_test(test_centre_diagonal),
        cmocka_unit_test(test_concave),
        cmocka_unit_test(test_area_fractions),
        cmocka_unit_test(test_area_against_clipping),
        cmocka_unit_test(test_no_cells_and_overlaps),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_lonlat_grid),
        cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_nuts),
        cmocka_unit_test(test_grenoble_gdal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
