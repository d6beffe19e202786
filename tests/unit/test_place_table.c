/* The place table (ig_place_table_build) on a hand-made 1 km grid drawn as
 * a text map: rows of centres and clusters (a cluster includes its
 * centre's cells), group sums, land area, centroids, the country with most
 * people (first by name on a tie), lon/lat when PROJ is there, refused
 * foreign ids, aspatial grids and allocation failures. */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_full_cells),
        cmocka_unit_test(test_mismatch),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
