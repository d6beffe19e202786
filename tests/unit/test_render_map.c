/* Maps (src/render/map.c), checked by structure, not bytes: the runs and
 * fills in the SVG, decoded PNG pixel statistics (cairo reads the PNG
 * back), legend texts and counts, outlines, the "no data" and single-class
 * states, errors and atomic output, allocation failure, and a map of the
 * real Frankfurt 100 m grid (skipped without ../shared/data). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cairo.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "integrid/integrid.h"
#include "integrid/ig_render.h"
#include "test_support.h"


static char tmpdir[256];

static int setup(void **state)
{
    (void)state;
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/igmapXXXXXX", base ? base : "/tmp");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    DIR *d = opendir(tmpdir);
    if (d) {
        struct dirent *e;
        char p[600];
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
                snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
                unlink(p);
            }
        closedir(d);
    }
    rmdir(tmpdir);
    return 0;
}

static const char *tpath(const char *name)
{
    static char p[600];
    snprintf(p, sizeof p, "%s/%s", tmpdir, name);
    return p;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    size_t got = fread(b, 1, (size_t)n, fp);
    fclose(fp);
    b[got] = '\0';
    if (len) *len = got;
    return b;
}

/* Temporary files (".name.XXXXXX") left behind in tmpdir. */
static int count_tmp_files(void)
{
    DIR *d = opendir(tmpdir);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] == '.' && strcmp(e->d_name, ".") &&
            strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

/* A w x h block of cells starting at (row0, col0), row-major. */
typedef struct block {
    size_t n;
    int32_t rows[400], cols[400];
    double values[400];
} block;

static void make_block(block *b, int w, int h)
{
    b->n = 0;
    for (int r = 0; r < h; r++)
        for (int c = 0; c < w; c++) {
            b->rows[b->n] = 26840 + r;
            b->cols[b->n] = 43340 + c;
            b->values[b->n] = c < w / 2 ? 0.1 : 0.9;
            b->n++;
        }
}

static void base_spec(ig_map_spec *sp, block *b)
{
    ig_map_spec_init(sp);
    sp->n_cells = b->n;
    sp->rows = b->rows;
    sp->cols = b->cols;
    sp->cell_size_m = 1000;
    sp->values = b->values;
    sp->title = "Test map";
    sp->legend_title = "Share";
    sp->source = "test data";
    sp->date = "2026-01-01";
    sp->width_px = 600;
}

/* Largest number of subpaths ("Z") among the SVG fill paths of colour c:
 * the cells of one class are one path, its legend swatch another. */
static size_t svg_fill_subpaths(const char *svg, ig_rgb c)
{
    size_t best = 0;
    const char *p = svg;
    while ((p = strstr(p, "fill:rgb("))) {
        double r, g, b;
        p += 9;
        if (sscanf(p, "%lf%%,%lf%%,%lf%%", &r, &g, &b) != 3) continue;
        if (fabs(r - c.r / 2.55) > 0.01 || fabs(g - c.g / 2.55) > 0.01 ||
            fabs(b - c.b / 2.55) > 0.01)
            continue;
        const char *d = strstr(p, "d=\"");
        const char *end = d ? strchr(d + 3, '"') : NULL;
        if (!end) break;
        size_t z = 0;
        for (const char *q = d + 3; q < end; q++) z += *q == 'Z';
        if (z > best) best = z;
    }
    return best;
}

/* Pixels of exactly colour c inside the frame (inset by 2 px). */
static size_t png_count(cairo_surface_t *s, const ig_map_result *res,
                        ig_rgb c)
{
    unsigned char *data = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    size_t n = 0;
    int x0 = (int)res->map_x + 2, x1 = (int)(res->map_x + res->map_w) - 2;
    int y0 = (int)res->map_y + 2, y1 = (int)(res->map_y + res->map_h) - 2;
    for (int y = y0; y < y1; y++) {
        const uint32_t *row = (const uint32_t *)(const void *)(data + y * stride);
        for (int x = x0; x < x1; x++) {
            uint32_t v = row[x] & 0xffffff;
            if (v == ((uint32_t)c.r << 16 | (uint32_t)c.g << 8 | c.b)) n++;
        }
    }
    return n;
}

/* ---- tests -------------------------------------------------------------- */

static void test_map_svg_runs_and_legend(void **state)
{
    (void)state;
    block b;
    make_block(&b, 10, 10);
    ig_map_spec sp;
    base_spec(&sp, &b);
    double br[1] = {0.5};
    sp.method = IG_CLASSIFY_FIXED;
    sp.breaks = br;
    sp.n_breaks = 1;
    sp.percent = 1;
    ig_map_result res;
    ig_error err = {0};
    assert_int_equal(ig_map_render(NULL, &sp, tpath("a.svg"), &res, &err),
                     IG_OK);
    assert_int_equal(res.format, IG_MAP_SVG);
    assert_int_equal(res.state, IG_MAP_DRAWN);
    assert_int_equal(res.rasterised, 0);
    assert_int_equal(res.cells_drawn, 100);
    assert_int_equal(res.runs, 20); /* two runs per row */
    assert_int_equal(res.classes.n_classes, 2);
    assert_int_equal(res.n_legend, 2);
    assert_string_equal(res.legend[0], "10.0 \u2013 50.0 %");
    assert_string_equal(res.legend[1], "50.0 \u2013 90.0 %");
    assert_int_equal(res.legend_count[0], 50);
    assert_int_equal(res.legend_count[1], 50);
    assert_true(res.width == 600 && res.height > 300);
    /* the frame, the legend and the footer do not overlap */
    assert_true(res.map_x + res.map_w < 600);
    assert_true(res.map_y + res.map_h < res.height);
    char *svg = slurp(tpath("a.svg"), NULL);
    assert_non_null(svg);
    assert_non_null(strstr(svg, "<svg"));
    size_t runs = svg_fill_subpaths(svg, res.legend_colour[0]) +
                  svg_fill_subpaths(svg, res.legend_colour[1]);
    assert_int_equal(runs, 20);
    free(svg);
}

static void test_map_png_pixel_statistics(void **state)
{
    (void)state;
    block b;
    make_block(&b, 10, 10);
    for (int mode = 0; mode < 2; mode++) {
        ig_map_spec sp;
        base_spec(&sp, &b);
        sp.method = IG_CLASSIFY_EQUAL;
        sp.n_classes = 2;
        sp.palette = "Blues";
        sp.raster = mode ? IG_MAP_RASTER_ALWAYS : IG_MAP_RASTER_NEVER;
        ig_map_result res;
        assert_int_equal(ig_map_render(NULL, &sp, tpath("b.png"), &res, NULL),
                         IG_OK);
        assert_int_equal(res.rasterised, mode);
        cairo_surface_t *s = cairo_image_surface_create_from_png(tpath("b.png"));
        assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
        assert_int_equal(cairo_image_surface_get_width(s), res.width);
        assert_int_equal(cairo_image_surface_get_height(s), res.height);
        size_t a = png_count(s, &res, res.legend_colour[0]);
        size_t c = png_count(s, &res, res.legend_colour[1]);
        /* the block is 10 of the 11 cells of the padded extent */
        double block_px = pow(res.map_w * 10.0 / 11.0, 2);
        assert_true(fabs((double)(a + c) - block_px) < 0.04 * block_px);
        assert_true(fabs((double)a / (double)c - 1.0) < 0.05);
        cairo_surface_destroy(s);
    }
}

static void test_map_outlines_and_boundaries(void **state)
{
    (void)state;
    block b;
    make_block(&b, 3, 3);
    uint32_t id[9];
    for (int i = 0; i < 9; i++) id[i] = 1;
    ig_map_spec sp;
    base_spec(&sp, &b);
    sp.outline_id = id;
    ig_map_result res;
    assert_int_equal(ig_map_render(NULL, &sp, tpath("o.svg"), &res, NULL),
                     IG_OK);
    /* top and bottom merged into one segment each, 3 + 3 sides */
    assert_int_equal(res.outline_segments, 8);
    for (int i = 0; i < 9; i += 3) id[i] = 2; /* left column: place 2 */
    assert_int_equal(ig_map_render(NULL, &sp, tpath("o.svg"), &res, NULL),
                     IG_OK);
    assert_int_equal(res.outline_segments, 11);
    /* polygons of a boundary file */
    const char *gj =
        "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\","
        "\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::3035\"}},"
        "\"features\":[{\"type\":\"Feature\",\"id\":\"a\",\"properties\":{},"
        "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[4334000,"
        "2684000],[4337000,2684000],[4337000,2687000],[4334000,2687000],"
        "[4334000,2684000]]]}},{\"type\":\"Feature\",\"id\":\"b\","
        "\"properties\":{},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
        "[[[4334500,2684500],[4335500,2684500],[4335500,2685500],[4334500,"
        "2684500]]]}}]}";
    ig_boundaries *bd = NULL;
    assert_int_equal(ig_boundaries_read_mem(NULL, gj, strlen(gj), "t", NULL,
                                            &bd, NULL),
                     IG_OK);
    sp.outline_id = NULL;
    sp.boundaries = bd;
    assert_int_equal(ig_map_render(NULL, &sp, tpath("o.png"), &res, NULL),
                     IG_OK);
    assert_int_equal(res.outline_rings, 2);
    sp.boundary_place = 1;
    assert_int_equal(ig_map_render(NULL, &sp, tpath("o.png"), &res, NULL),
                     IG_OK);
    assert_int_equal(res.outline_rings, 1);
    ig_boundaries_destroy(bd);
}

static void test_map_categories(void **state)
{
    (void)state;
    block b;
    make_block(&b, 4, 4);
    uint8_t cat[16];
    for (int i = 0; i < 16; i++) cat[i] = (uint8_t)(i % 4 == 3 ? IG_MAP_NO_CATEGORY : i % 3);
    ig_map_category cats[3] = {
        {"Hot spot", ig_palette_class_colour(IG_LCLASS_HOT_99)},
        {"Not significant", ig_palette_class_colour(IG_LCLASS_NS)},
        {"Cold spot", ig_palette_class_colour(IG_LCLASS_COLD_99)}};
    ig_map_spec sp;
    base_spec(&sp, &b);
    sp.values = NULL;
    sp.category = cat;
    sp.categories = cats;
    sp.n_categories = 3;
    ig_map_result res;
    assert_int_equal(ig_map_render(NULL, &sp, tpath("c.pdf"), &res, NULL),
                     IG_OK);
    assert_int_equal(res.format, IG_MAP_PDF);
    assert_int_equal(res.n_legend, 4);
    assert_string_equal(res.legend[0], "Hot spot");
    assert_string_equal(res.legend[2], "Cold spot");
    assert_string_equal(res.legend[3], "No value");
    assert_int_equal(res.cells_no_value, 4);
    assert_int_equal(res.legend_count[3], 4);
    size_t len = 0;
    char *pdf = slurp(tpath("c.pdf"), &len);
    assert_true(len > 100 && memcmp(pdf, "%PDF", 4) == 0);
    free(pdf);
    cat[0] = 7; /* no such category */
    ig_error err = {0};
    assert_int_equal(ig_map_render(NULL, &sp, tpath("c.pdf"), &res, &err),
                     IG_ERR_DOMAIN);
}

static void test_map_no_data_and_single_value(void **state)
{
    (void)state;
    block b;
    make_block(&b, 5, 5);
    for (size_t i = 0; i < b.n; i++) b.values[i] = NAN;
    ig_map_spec sp;
    base_spec(&sp, &b);
    ig_map_result res;
    assert_int_equal(ig_map_render(NULL, &sp, tpath("n.png"), &res, NULL),
                     IG_OK);
    assert_int_equal(res.state, IG_MAP_NO_DATA);
    assert_non_null(strstr(res.message, "No cell has a value"));
    assert_int_equal(res.n_legend, 1);
    assert_string_equal(res.legend[0], "No value");
    cairo_surface_t *s = cairo_image_surface_create_from_png(tpath("n.png"));
    assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
    /* no cells at all */
    sp.n_cells = 0;
    assert_int_equal(ig_map_render(NULL, &sp, tpath("n.svg"), &res, NULL),
                     IG_OK);
    assert_int_equal(res.state, IG_MAP_NO_DATA);
    assert_non_null(strstr(res.message, "no cells"));
    /* every value the same: one class, and the map says why */
    sp.n_cells = b.n;
    for (size_t i = 0; i < b.n; i++) b.values[i] = 0.25;
    b.values[3] = NAN;
    sp.percent = 1;
    sp.method = IG_CLASSIFY_JENKS;
    assert_int_equal(ig_map_render(NULL, &sp, tpath("s.png"), &res, NULL),
                     IG_OK);
    assert_int_equal(res.state, IG_MAP_SINGLE);
    assert_int_equal(res.classes.n_classes, 1);
    assert_non_null(strstr(res.message, "All 24 values are equal"));
    assert_non_null(strstr(res.legend[0], "(all)"));
    assert_string_equal(res.legend[1], "No value");
    assert_int_equal(res.legend_count[0], 24);
}

static void test_map_errors_and_atomic_output(void **state)
{
    (void)state;
    block b;
    make_block(&b, 4, 4);
    ig_map_spec sp;
    base_spec(&sp, &b);
    ig_map_result res;
    ig_error err = {0};
    assert_int_equal(
        ig_map_render(NULL, &sp, "/nonexistent-dir/x/map.png", &res, &err),
        IG_ERR_IO);
    assert_non_null(strstr(err.msg, "/nonexistent-dir/x/map.png"));
    assert_non_null(strstr(err.msg, "No such file"));
    memset(&err, 0, sizeof err);
    assert_int_equal(ig_map_render(NULL, &sp, tmpdir, &res, &err),
                     IG_ERR_DOMAIN); /* no extension */
    mkdir(tpath("dir.png"), 0700);
    memset(&err, 0, sizeof err);
    assert_int_equal(ig_map_render(NULL, &sp, tpath("dir.png"), &res, &err),
                     IG_ERR_IO);
    assert_non_null(strstr(err.msg, "directory"));
    rmdir(tpath("dir.png"));
    assert_int_equal(ig_map_render(NULL, &sp, tpath("m.txt"), &res, &err),
                     IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, ".png, .svg or .pdf"));
    sp.palette = "nope";
    assert_int_equal(ig_map_render(NULL, &sp, tpath("m.png"), &res, &err),
                     IG_ERR_NOT_FOUND);
    sp.palette = "Blues";
    sp.n_classes = 12;
    assert_int_equal(ig_map_render(NULL, &sp, tpath("m.png"), &res, &err),
                     IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "9 classes at most"));
    sp.palette = NULL;
    sp.n_classes = 1;
    assert_int_equal(ig_map_render(NULL, &sp, tpath("m.png"), &res, &err),
                     IG_ERR_DOMAIN);
    sp.n_classes = 5;
    sp.width_px = 50;
    assert_int_equal(ig_map_render(NULL, &sp, tpath("m.png"), &res, &err),
                     IG_ERR_DOMAIN);
    sp.width_px = 600;
    sp.cell_size_m = 0;
    assert_int_equal(ig_map_render(NULL, &sp, tpath("m.png"), &res, &err),
                     IG_ERR_DOMAIN);
    /* no failed call left a file */
    assert_int_equal(count_tmp_files(), 0);
    assert_int_equal(access(tpath("m.png"), F_OK), -1);
}

static void test_map_alloc_failure(void **state)
{
    (void)state;
    block b;
    make_block(&b, 8, 8);
    uint32_t id[64];
    for (int i = 0; i < 64; i++) id[i] = (uint32_t)(1 + i % 2);
    FILE *fp = fopen(tpath("keep.png"), "wb");
    fputs("old", fp);
    fclose(fp);
    for (int raster = 0; raster < 2; raster++) {
        for (long k = 1;; k++) {
            ig_map_spec sp;
            base_spec(&sp, &b);
            sp.outline_id = id;
            sp.method = IG_CLASSIFY_JENKS;
            sp.n_classes = 3;
            sp.raster = raster ? IG_MAP_RASTER_ALWAYS : IG_MAP_RASTER_NEVER;
            for (size_t i = 0; i < b.n; i++) b.values[i] = (double)(i % 7);
            fail_alloc fa = {0};
            fa.fail_at = k;
            ig_ctx *ctx = make_fail_ctx(&fa, 1);
            ig_error err = {0};
            ig_status st =
                ig_map_render(ctx, &sp, tpath("keep.png"), NULL, &err);
            ig_ctx_destroy(ctx);
            assert_int_equal(fa.live, 0);
            if (st == IG_OK) break;
            assert_int_equal(st, IG_ERR_NOMEM);
            /* the old file is untouched and no temporary file is left */
            char *old = slurp(tpath("keep.png"), NULL);
            assert_string_equal(old, "old");
            free(old);
            assert_int_equal(count_tmp_files(), 0);
            assert_true(k < 100);
        }
        unlink(tpath("keep.png"));
        fp = fopen(tpath("keep.png"), "wb");
        fputs("old", fp);
        fclose(fp);
    }
    unlink(tpath("keep.png"));
}

static void test_map_real_frankfurt(void **state)
{
    (void)state;
    const char *path =
        shared_path("de_frankfurt_zensus2011_100m_birth_citizenship.csv");
    if (!path) {
        skip();
        return;
    }
    ig_read_opts ro;
    ig_read_opts_init(&ro);
    const char *groups[5] = {"BORN_DE", "BORN_EU27", "BORN_EUR_OTH",
                             "BORN_WORLD_OTH", "BORN_OTHER"};
    ro.groups = groups;
    ro.n_groups = 5;
    ig_grid *g = NULL;
    ig_error err = {0};
    assert_int_equal(ig_grid_read_path(NULL, path, &ro, &g, &err), IG_OK);
    size_t n = ig_grid_ncells(g);
    assert_true(n > 7000);
    size_t gi = ig_grid_group_index(g, "BORN_WORLD_OTH");
    const double *c = ig_grid_counts(g, gi), *t = ig_grid_totals(g);
    double *v = malloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++) v[i] = t[i] > 0 ? c[i] / t[i] : (double)NAN;
    ig_map_spec sp;
    ig_map_spec_init(&sp);
    sp.n_cells = n;
    sp.rows = ig_grid_rows(g);
    sp.cols = ig_grid_cols(g);
    sp.cell_size_m = ig_grid_cell_size_m(g);
    sp.values = v;
    sp.percent = 1;
    sp.method = IG_CLASSIFY_JENKS;
    sp.n_classes = 5;
    sp.title = "Born outside Europe, Frankfurt am Main (Zensus 2011)";
    sp.source = "\xc2\xa9 Statistisches Bundesamt, Zensus 2011";
    sp.width_px = 800;
    ig_map_result res;
    assert_int_equal(ig_map_render(NULL, &sp, tpath("ffm.png"), &res, &err),
                     IG_OK);
    assert_int_equal(res.state, IG_MAP_DRAWN);
    assert_int_equal(res.cells_drawn, n);
    assert_int_equal(res.classes.n_classes, 5);
    assert_int_equal(res.rasterised, 0); /* 100 m cells are ~4 px wide */
    assert_true(res.runs > 1000 && res.runs < n);
    assert_true(res.classes.gvf > 0.8);
    /* every class shows up in the picture in proportion to its cells */
    cairo_surface_t *s = cairo_image_surface_create_from_png(tpath("ffm.png"));
    assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    size_t total_px = 0, px[IG_MAP_LEGEND_MAX];
    for (size_t k = 0; k < res.n_legend; k++) {
        px[k] = png_count(s, &res, res.legend_colour[k]);
        total_px += px[k];
    }
    for (size_t k = 0; k < res.classes.n_classes; k++) {
        double share_px = (double)px[k] / (double)total_px;
        double share_cells = (double)res.legend_count[k] / (double)n;
        assert_true(fabs(share_px - share_cells) < 0.02);
    }
    cairo_surface_destroy(s);
    free(v);
    ig_grid_destroy(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map_svg_runs_and_legend),
        cmocka_unit_test(test_map_png_pixel_statistics),
        cmocka_unit_test(test_map_outlines_and_boundaries),
        cmocka_unit_test(test_map_categories),
        cmocka_unit_test(test_map_no_data_and_single_value),
        cmocka_unit_test(test_map_errors_and_atomic_output),
        cmocka_unit_test(test_map_alloc_failure),
        cmocka_unit_test(test_map_real_frankfurt),
    };
    int rc = cmocka_run_group_tests_name("render_map", tests, setup, teardown);
    /* cairo keeps its font caches for the life of the process */
    ig_render_cleanup();
    return rc;
}
