/* The place table (ig_place_table_build) on a hand-made 1 km grid drawn as
 * a text map: rows of centres and clusters (a cluster includes its
 * centre's cells), group sums, land area, centroids, the country with most
 * people (first by name on a tie), lon/lat when PROJ is there, refused
 * foreign ids, aspatial grids and allocation failures; level 2 rows (dense
 * and semi-dense urban clusters inside their clusters, rural clusters);
 * a 100 m grid classified through 1 km cells; 1 km cells shared by two
 * places. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "integrid/ig_places.h"
#include "test_support.h"

static const char *const GROUPS[] = {"A", "B"};
static const char *const LAND[] = {"LAND_SURFACE"};

/* Top line = northernmost row. 'H' 2,000 people, 'M' 500, 'L' 100; the
 * south-west H has 0.5 km2 of land. The place of each cell is the letter
 * at the same position of places[] ('a' or 'b'). Group A holds 3/4. */
static const char *const MAP[] = {"HHLMM", "HHL.."};
static const char *const PLACES[] = {"abaab", "aba.."};

static ig_grid *make_grid(ig_ctx *ctx, int with_places)
{
    ig_grid_spec spec = {0};
    spec.size_m = 1000;
    spec.n_groups = 2;
    spec.group_names = GROUPS;
    spec.n_vars = 1;
    spec.var_names = LAND;
    ig_grid_builder *b = NULL;
    ig_error err = {0};
    assert_int_equal(ig_grid_builder_create(ctx, &spec, &b, &err), IG_OK);
    for (size_t k = 0; k < 2; k++) {
        for (size_t j = 0; MAP[k][j]; j++) {
            char c = MAP[k][j];
            if (c == '.') continue;
            double pop = c == 'H' ? 2000.0 : c == 'M' ? 500.0 : 100.0;
            double counts[2] = {0.75 * pop, 0.25 * pop};
            double land = (k == 1 && j == 0) ? 0.5 : 1.0;
            char place[2] = {PLACES[k][j], '\0'};
            ig_grid_row r = {0};
            r.cell.north_m = (int64_t)(1 - k) * 1000;
            r.cell.east_m = (int64_t)j * 1000;
            r.cell.size_m = 1000;
            r.counts = counts;
            r.vars = &land;
            r.place = with_places ? place : NULL;
            assert_int_equal(ig_grid_builder_add(b, &r, &err), IG_OK);
        }
    }
    ig_grid *g = NULL;
    assert_int_equal(ig_grid_builder_finish(b, &g, &err), IG_OK);
    ig_grid_builder_destroy(b);
    return g;
}

static ig_degurba_opts small_opts(void)
{
    ig_degurba_opts o;
    ig_degurba_opts_init(&o);
    o.centre_min_pop = 5000.0;
    o.cluster_min_pop = 1000.0;
    o.land_area_var = "LAND_SURFACE";
    return o;
}

typedef struct classified {
    uint8_t *cls;
    uint32_t *ids;
    ig_degurba_summary sum;
} classified;

static void classify(const ig_grid *g, classified *c)
{
    size_t n = ig_grid_ncells(g);
    c->cls = calloc(n + 1, 1);
    c->ids = calloc(n + 1, sizeof *c->ids);
    assert_non_null(c->cls);
    assert_non_null(c->ids);
    ig_degurba_opts o = small_opts();
    assert_int_equal(
        ig_degurba_classify(NULL, g, &o, c->cls, c->ids, &c->sum, NULL),
        IG_OK);
}

static void classified_free(classified *c)
{
    free(c->cls);
    free(c->ids);
}

static void check_rows(const ig_place_table *t, int with_places)
{
    assert_int_equal(ig_place_table_count(t), 3);
    assert_int_equal(ig_place_table_ngroups(t), 2);
    assert_string_equal(ig_place_table_group_name(t, 1), "B");
    assert_null(ig_place_table_group_name(t, 2));
    const ig_place_row *r = ig_place_table_rows(t);
    /* the centre: four H cells, one with half a km2 of land */
    assert_int_equal(r[0].place_id, 1);
    assert_int_equal(r[0].cls, IG_DEGURBA_URBAN_CENTRE);
    assert_int_equal(r[0].cells, 4);
    assert_true(r[0].population == 8000.0);
    assert_true(r[0].groups[0] == 6000.0);
    assert_true(r[0].groups[1] == 2000.0);
    assert_true(r[0].area_km2 == 3.5);
    assert_true(r[0].x_3035 == 1000.0);
    assert_true(r[0].y_3035 == 1000.0);
    /* its cluster has no cells of its own but includes the centre's */
    assert_int_equal(r[1].place_id, 2);
    assert_int_equal(r[1].cls, IG_DEGURBA_URBAN_CLUSTER);
    assert_int_equal(r[1].cells, 4);
    assert_true(r[1].population == 8000.0);
    assert_true(r[1].area_km2 == 3.5);
    /* the two M cells */
    assert_int_equal(r[2].place_id, 3);
    assert_int_equal(r[2].cells, 2);
    assert_true(r[2].population == 1000.0);
    assert_true(r[2].groups[0] == 750.0);
    assert_true(r[2].area_km2 == 2.0);
    assert_true(r[2].x_3035 == 4000.0);
    assert_true(r[2].y_3035 == 1500.0);
    if (with_places) {
        assert_string_equal(r[0].country, "a"); /* 6,000 of 8,000 */
        assert_string_equal(r[1].country, "a");
        assert_string_equal(r[2].country, "a"); /* a tie: first by name */
    } else {
        for (int k = 0; k < 3; k++) assert_string_equal(r[k].country, "");
    }
    for (int k = 0; k < 3; k++) {
        if (ig_place_table_has_proj()) {
            /* LAEA (0, 0) is far off its origin (10 E, 52 N): south-west */
            assert_true(isfinite(r[k].lon) && isfinite(r[k].lat));
            assert_true(r[k].lon > -180.0 && r[k].lon < 10.0);
            assert_true(r[k].lat > -90.0 && r[k].lat < 52.0);
        } else {
            assert_true(isnan(r[k].lon) && isnan(r[k].lat));
        }
    }
}

static void test_rows(void **state)
{
    (void)state;
    for (int wp = 0; wp < 2; wp++) {
        ig_grid *g = make_grid(NULL, wp);
        classified c;
        classify(g, &c);
        assert_int_equal(c.sum.n_centres, 1);
        assert_int_equal(c.sum.n_clusters, 2);
        ig_place_table_opts opts = {"LAND_SURFACE", wp};
        ig_place_table *t = NULL;
        ig_error err = {0};
        assert_int_equal(
            ig_place_table_build(NULL, g, c.ids, &c.sum, &opts, &t, &err),
            IG_OK);
        check_rows(t, wp);
        ig_place_table_destroy(t);
        classified_free(&c);
        ig_grid_destroy(g);
    }
}

static void test_full_cells(void **state)
{
    (void)state;
    ig_grid *g = make_grid(NULL, 0);
    classified c;
    classify(g, &c);
    ig_place_table *t = NULL;
    assert_int_equal(ig_place_table_build(NULL, g, c.ids, &c.sum, NULL, &t,
                                          NULL),
                     IG_OK);
    assert_true(ig_place_table_rows(t)[0].area_km2 == 4.0);
    ig_place_table_destroy(t);
    ig_place_table_opts opts = {"NO_SUCH", 0};
    t = NULL;
    assert_int_equal(
        ig_place_table_build(NULL, g, c.ids, &c.sum, &opts, &t, NULL),
        IG_ERR_NOT_FOUND);
    assert_null(t);
    classified_free(&c);
    ig_grid_destroy(g);
}

static void test_mismatch(void **state)
{
    (void)state;
    ig_grid *g = make_grid(NULL, 0);
    classified c;
    classify(g, &c);
    ig_place_table *t = NULL;
    ig_error err = {0};
    ig_degurba_summary bad = c.sum;
    bad.n_clusters = 1;
    bad.n_places = 2;
    assert_int_equal(ig_place_table_build(NULL, g, c.ids, &bad, NULL, &t, &err),
                     IG_ERR_MISMATCH);
    assert_non_null(strstr(err.msg, "ig_degurba_classify"));
    /* a cluster id on a centre cell's neighbour that is not its cluster */
    size_t n = ig_grid_ncells(g);
    for (size_t i = 0; i < n; i++)
        if (c.ids[i] == 3) {
            c.ids[i] = 2;
            break;
        }
    assert_int_equal(
        ig_place_table_build(NULL, g, c.ids, &c.sum, NULL, &t, &err),
        IG_ERR_MISMATCH);
    assert_null(t);
    assert_int_equal(ig_place_table_build(NULL, g, NULL, &c.sum, NULL, &t, &err),
                     IG_ERR_DOMAIN);
    classified_free(&c);
    ig_grid_destroy(g);
    /* aspatial units */
    double a[2] = {1.0, 2.0}, b[2] = {3.0, 4.0};
    const double *counts[2] = {a, b};
    ig_grid *u = grid_from_counts(NULL, 2, 2, counts, GROUPS);
    uint32_t ids[2] = {0, 0};
    ig_degurba_summary none = {0};
    assert_int_equal(ig_place_table_build(NULL, u, ids, &none, NULL, &t, &err),
                     IG_ERR_DOMAIN);
    ig_grid_destroy(u);
    ig_place_table_destroy(NULL);
    assert_int_equal(ig_place_table_count(NULL), 0);
}

static void test_alloc_failures(void **state)
{
    (void)state;
    ig_grid *g = make_grid(NULL, 1);
    classified c;
    classify(g, &c);
    ig_place_table_opts opts = {"LAND_SURFACE", 1};
    int done = 0;
    for (long fail = 1; fail < 200 && !done; fail++) {
        fail_alloc fa = {0};
        fa.fail_at = fail;
        ig_ctx *ctx = make_fail_ctx(&fa, 1);
        ig_place_table *t = NULL;
        ig_error err = {0};
        ig_status st =
            ig_place_table_build(ctx, g, c.ids, &c.sum, &opts, &t, &err);
        if (fa.failures == 0) {
            assert_int_equal(st, IG_OK);
            check_rows(t, 1);
            done = 1;
        } else if (st != IG_ERR_NOMEM) {
            fail_msg("allocation %ld failed, status %d", fail, (int)st);
        } else {
            assert_null(t);
        }
        ig_place_table_destroy(t);
        ig_ctx_destroy(ctx);
        if (fa.live != 0) fail_msg("leak after failing allocation %ld", fail);
    }
    assert_true(done);
    classified_free(&c);
    ig_grid_destroy(g);
}

/* A 1 km grid from map lines (top = north): 'H' 2,000, 'M' 500 people;
 * place "A" west of column `border`, "B" from it on. */
static ig_grid *grid_lines(const char *const *lines, size_t nl, int border)
{
    ig_grid_spec spec = {0};
    spec.size_m = 1000;
    spec.n_groups = 2;
    spec.group_names = GROUPS;
    ig_grid_builder *b = NULL;
    assert_int_equal(ig_grid_builder_create(NULL, &spec, &b, NULL), IG_OK);
    for (size_t k = 0; k < nl; k++)
        for (size_t j = 0; lines[k][j]; j++) {
            char ch = lines[k][j];
            if (ch == '.') continue;
            double pop = ch == 'H' ? 2000.0 : 500.0;
            double counts[2] = {0.5 * pop, 0.5 * pop};
            ig_grid_row r = {0};
            r.cell.north_m = (int64_t)(nl - 1 - k) * 1000;
            r.cell.east_m = (int64_t)j * 1000;
            r.cell.size_m = 1000;
            r.counts = counts;
            r.place = (int)j < border ? "A" : "B";
            assert_int_equal(ig_grid_builder_add(b, &r, NULL), IG_OK);
        }
    ig_grid *g = NULL;
    assert_int_equal(ig_grid_builder_finish(b, &g, NULL), IG_OK);
    ig_grid_builder_destroy(b);
    return g;
}

static void classify_level(const ig_grid *g, int level, classified *c)
{
    size_t n = ig_grid_ncells(g);
    c->cls = calloc(n + 1, 1);
    c->ids = calloc(n + 1, sizeof *c->ids);
    assert_non_null(c->cls);
    assert_non_null(c->ids);
    ig_degurba_opts o;
    ig_degurba_opts_init(&o);
    o.level = level;
    assert_int_equal(
        ig_degurba_classify(NULL, g, &o, c->cls, c->ids, &c->sum, NULL),
        IG_OK);
}

/* Level 2, manual defaults: a centre with suburban cells, a town (dense
 * urban cluster), a semi-dense town and two villages (rural clusters). */
static void test_level2_rows(void **state)
{
    (void)state;
    static const char *const map[] = {
        "HHHHHM......HHH.......MMMMMMMMMM",
        "HHHHHM..........................",
        "HHHHHM..........................",
        "HHHHHM..........................",
        "HHHHHM..........................",
        "................................",
        "M.MM............................",
    };
    ig_grid *g = grid_lines(map, 7, 12);
    classified c;
    classify_level(g, 2, &c);
    assert_int_equal(c.sum.n_places, 8);
    ig_place_table *t = NULL;
    ig_error err = {0};
    ig_place_table_opts opts = {NULL, 1};
    assert_int_equal(ig_place_table_build(NULL, g, c.ids, &c.sum, &opts, &t,
                                          &err),
                     IG_OK);
    assert_int_equal(ig_place_table_count(t), 8);
    const ig_place_row *r = ig_place_table_rows(t);
    static const struct {
        int cls;
        size_t cells;
        double pop;
        const char *country;
    } want[8] = {
        {IG_DEGURBA_URBAN_CENTRE, 25, 50000, "A"},
        {IG_DEGURBA_URBAN_CLUSTER, 30, 52500, "A"}, /* the centre's */
        {IG_DEGURBA_URBAN_CLUSTER, 3, 6000, "B"},   /* the town's */
        {IG_DEGURBA_URBAN_CLUSTER, 10, 5000, "B"},  /* the semi-dense one */
        {IG_DEGURBA2_DENSE_URBAN_CLUSTER, 3, 6000, "B"},
        {IG_DEGURBA2_SEMI_DENSE_URBAN_CLUSTER, 10, 5000, "B"},
        {IG_DEGURBA2_RURAL_CLUSTER, 1, 500, "A"},
        {IG_DEGURBA2_RURAL_CLUSTER, 2, 1000, "A"},
    };
    for (size_t k = 0; k < 8; k++) {
        assert_int_equal(r[k].place_id, k + 1);
        if (r[k].cls != want[k].cls || r[k].cells != want[k].cells ||
            r[k].population != want[k].pop)
            fail_msg("row %zu: class %d cells %zu population %g", k,
                     r[k].cls, r[k].cells, r[k].population);
        assert_string_equal(r[k].country, want[k].country);
        assert_true(r[k].area_km2 == (double)want[k].cells);
        assert_true(r[k].groups[0] + r[k].groups[1] == want[k].pop);
    }
    assert_string_equal(ig_degurba_class_name(r[4].cls), "dense_urban_cluster");
    /* the town's cluster and the town have the same centroid */
    assert_true(r[2].x_3035 == r[4].x_3035 && r[2].y_3035 == r[4].y_3035);
    /* the cells of each row: as many as the row counts, in canonical
     * order, each with the row's id (or, in a cluster's row, an id of a
     * place inside it) */
    const size_t *off = NULL, *cells = NULL;
    ig_place_table_cells(t, &off, &cells);
    assert_non_null(off);
    assert_non_null(cells);
    assert_int_equal(off[0], 0);
    for (size_t k = 0; k < 8; k++) {
        assert_int_equal(off[k + 1] - off[k], r[k].cells);
        double popk = 0;
        for (size_t e = off[k]; e < off[k + 1]; e++) {
            if (e > off[k]) assert_true(cells[e] > cells[e - 1]);
            popk += ig_grid_totals(g)[cells[e]];
            uint32_t id = c.ids[cells[e]];
            if (k == 1) assert_true(id == 1 || id == 2);
            else if (k == 2) assert_true(id == 5);
            else if (k == 3) assert_true(id == 6);
            else assert_int_equal(id, k + 1);
        }
        assert_true(popk == r[k].population);
    }
    ig_place_table_destroy(t);
    t = NULL;
    ig_place_table_cells(NULL, &off, &cells);
    assert_null(off);
    assert_null(cells);
    /* a summary that does not add up, or a wrong kind count, is refused */
    ig_degurba_summary bad = c.sum;
    bad.n_dense = 0;
    assert_int_equal(ig_place_table_build(NULL, g, c.ids, &bad, NULL, &t,
                                          &err),
                     IG_ERR_MISMATCH);
    bad.n_places = 7;
    bad.n_rural_clusters = 3;
    assert_int_equal(ig_place_table_build(NULL, g, c.ids, &bad, NULL, &t,
                                          &err),
                     IG_ERR_MISMATCH);
    assert_null(t);
    /* level 1 ids of the same grid give the level 1 rows */
    classified c1;
    classify_level(g, 1, &c1);
    assert_int_equal(ig_place_table_build(NULL, g, c1.ids, &c1.sum, NULL, &t,
                                          &err),
                     IG_OK);
    assert_int_equal(ig_place_table_count(t), 4);
    for (size_t k = 0; k < 4; k++) {
        assert_int_equal(ig_place_table_rows(t)[k].cls, want[k].cls);
        assert_int_equal(ig_place_table_rows(t)[k].cells, want[k].cells);
    }
    ig_place_table_destroy(t);
    classified_free(&c1);
    classified_free(&c);
    ig_grid_destroy(g);
}

/* A 100 m grid: rows count the 100 m cells, areas are 0.01 km2 each, and
 * clusters are joined on the 1 km lattice though their 100 m cells do not
 * touch. A 1 km column is shared by places A and B. */
static void test_fine_grid(void **state)
{
    (void)state;
    ig_grid_spec spec = {0};
    spec.size_m = 100;
    spec.n_groups = 2;
    spec.group_names = GROUPS;
    ig_grid_builder *b = NULL;
    assert_int_equal(ig_grid_builder_create(NULL, &spec, &b, NULL), IG_OK);
    /* a 6 x 6 km city: in each 1 km cell two 100 m cells of 1,000 people
     * at opposite corners (no two 100 m cells touch); and a town of two
     * 1 km cells (3,000 each, one 100 m cell each) 10 km east */
    for (int R = 0; R < 6; R++)
        for (int C = 0; C < 6; C++)
            for (int q = 0; q < 2; q++) {
                double counts[2] = {600.0, 400.0};
                ig_grid_row r = {0};
                r.cell.north_m = R * 1000 + q * 900;
                r.cell.east_m = C * 1000 + q * 900;
                r.cell.size_m = 100;
                r.counts = counts;
                r.place = (C * 1000 + q * 900) < 2500 ? "A" : "B";
                assert_int_equal(ig_grid_builder_add(b, &r, NULL), IG_OK);
            }
    for (int k = 0; k < 2; k++) {
        double counts[2] = {1500.0, 1500.0};
        ig_grid_row r = {0};
        r.cell.north_m = 500;
        r.cell.east_m = 16000 + k * 1000 + (k ? 0 : 900);
        r.cell.size_m = 100;
        r.counts = counts;
        r.place = "B";
        assert_int_equal(ig_grid_builder_add(b, &r, NULL), IG_OK);
    }
    ig_grid *g = NULL;
    assert_int_equal(ig_grid_builder_finish(b, &g, NULL), IG_OK);
    ig_grid_builder_destroy(b);
    classified c;
    classify_level(g, 2, &c);
    assert_int_equal(c.sum.n_centres, 1);
    assert_int_equal(c.sum.n_clusters, 2);
    assert_int_equal(c.sum.n_dense, 1);
    ig_place_table *t = NULL;
    ig_error err = {0};
    ig_place_table_opts opts = {NULL, 1};
    assert_int_equal(ig_place_table_build(NULL, g, c.ids, &c.sum, &opts, &t,
                                          &err),
                     IG_OK);
    assert_int_equal(ig_place_table_count(t), 4);
    const ig_place_row *r = ig_place_table_rows(t);
    assert_int_equal(r[0].cls, IG_DEGURBA_URBAN_CENTRE);
    assert_int_equal(r[0].cells, 72);
    assert_true(r[0].population == 72000.0);
    assert_true(fabs(r[0].area_km2 - 0.72) < 1e-12);
    assert_string_equal(r[0].country, "B"); /* 42,000 of 72,000 */
    assert_int_equal(r[1].cls, IG_DEGURBA_URBAN_CLUSTER);
    assert_int_equal(r[1].cells, 72);
    assert_int_equal(r[2].cls, IG_DEGURBA_URBAN_CLUSTER);
    assert_int_equal(r[2].cells, 2);
    assert_true(r[2].population == 6000.0);
    assert_int_equal(r[3].cls, IG_DEGURBA2_DENSE_URBAN_CLUSTER);
    assert_int_equal(r[3].cells, 2);
    /* the centroid is the mean of the 100 m cell centres */
    assert_true(r[0].x_3035 == 3000.0 && r[0].y_3035 == 3000.0);
    ig_place_table_destroy(t);
    /* allocation failures: IG_ERR_NOMEM, nothing leaked */
    int done = 0;
    for (long fail = 1; fail < 200 && !done; fail++) {
        fail_alloc fa = {0};
        fa.fail_at = fail;
        ig_ctx *ctx = make_fail_ctx(&fa, 1);
        t = NULL;
        ig_status st =
            ig_place_table_build(ctx, g, c.ids, &c.sum, &opts, &t, NULL);
        if (fa.failures == 0) {
            assert_int_equal(st, IG_OK);
            assert_int_equal(ig_place_table_rows(t)[0].cells, 72);
            done = 1;
        } else {
            assert_int_equal(st, IG_ERR_NOMEM);
            assert_null(t);
        }
        ig_place_table_destroy(t);
        ig_ctx_destroy(ctx);
        if (fa.live != 0) fail_msg("leak after failing allocation %ld", fail);
    }
    assert_true(done);
    classified_free(&c);
    ig_grid_destroy(g);
}

/* 1 km cells of column 2 are reported by both places (each its part); the
 * table counts each part as a cell, sums their people, and without a land
 * column splits the cell's area between the parts. */
static void test_shared_cells(void **state)
{
    (void)state;
    ig_grid_spec spec = {0};
    spec.size_m = 1000;
    spec.n_groups = 2;
    spec.group_names = GROUPS;
    ig_grid_builder *b = NULL;
    assert_int_equal(ig_grid_builder_create(NULL, &spec, &b, NULL), IG_OK);
    for (int row = 0; row < 3; row++)
        for (int col = 0; col < 5; col++)
            for (int part = 0; part < (col == 2 ? 2 : 1); part++) {
                double pop = col == 2 ? 1000.0 : 2000.0;
                double counts[2] = {pop, 0.0};
                ig_grid_row r = {0};
                r.cell.north_m = row * 1000;
                r.cell.east_m = col * 1000;
                r.cell.size_m = 1000;
                r.counts = counts;
                r.place = (col < 2 || (col == 2 && part == 0)) ? "A" : "B";
                assert_int_equal(ig_grid_builder_add(b, &r, NULL), IG_OK);
            }
    ig_grid *g = NULL;
    assert_int_equal(ig_grid_builder_finish(b, &g, NULL), IG_OK);
    ig_grid_builder_destroy(b);
    size_t n = ig_grid_ncells(g);
    assert_int_equal(n, 18);
    classified c;
    c.cls = calloc(n, 1);
    c.ids = calloc(n, sizeof *c.ids);
    assert_non_null(c.cls);
    assert_non_null(c.ids);
    ig_degurba_opts o;
    ig_degurba_opts_init(&o);
    o.centre_min_pop = 30000;
    assert_int_equal(
        ig_degurba_classify(NULL, g, &o, c.cls, c.ids, &c.sum, NULL), IG_OK);
    assert_int_equal(c.sum.n_centres, 1);
    ig_place_table *t = NULL;
    ig_place_table_opts opts = {NULL, 1};
    assert_int_equal(
        ig_place_table_build(NULL, g, c.ids, &c.sum, &opts, &t, NULL), IG_OK);
    assert_int_equal(ig_place_table_count(t), 2);
    const ig_place_row *r = ig_place_table_rows(t);
    assert_int_equal(r[0].cells, 18);
    assert_true(r[0].population == 30000.0);
    assert_true(r[0].area_km2 == 15.0);
    assert_true(r[0].groups[0] == 30000.0);
    assert_string_equal(r[0].country, "A"); /* 15,000 each: first by name */
    assert_int_equal(r[1].cells, 18);
    ig_place_table_destroy(t);
    classified_free(&c);
    ig_grid_destroy(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_full_cells),
        cmocka_unit_test(test_mismatch),
        cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_level2_rows),
        cmocka_unit_test(test_fine_grid),
        cmocka_unit_test(test_shared_cells),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
