/* DEGURBA level 1 on hand-made 1 km grids drawn as text maps: each rule
 * (4- vs 8-connectivity, the population thresholds, gap filling, the
 * majority rule, land-area density), the 1 km requirement, places,
 * input-order independence and allocation failures. */
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

static const char *const G1[] = {"T"};
static const char *const LAND[] = {"LAND_SURFACE"};

/* Population of a map character; '.' is a cell missing from the grid. */
static double char_pop(char c)
{
    switch (c) {
    case 'H': return 2000.0; /* urban centre density */
    case 'M': return 500.0;  /* urban cluster density */
    case 'L': return 100.0;  /* rural density */
    case 'h': return 1000.0; /* dense only on half a km2 of land */
    default: return 0.0;
    }
}

/* Build a 1 km grid from map lines, top line = northernmost row. lines[k]
 * becomes row n_lines-1-k; character j column j. When reverse, rows are
 * added in the opposite order. land, when not NULL, gives the land area of
 * every cell by character ('h' = 0.5 km2, 'z' = 0 km2, 'n' = NaN, others 1). */
static ig_grid *grid_map(ig_ctx *ctx, const char *const *lines, size_t n_lines,
                         int with_land, int reverse, const char *place,
                         ig_grid_builder *into)
{
    ig_grid_spec spec = {0};
    spec.size_m = 1000;
    spec.n_groups = 1;
    spec.group_names = G1;
    spec.n_vars = with_land ? 1 : 0;
    spec.var_names = LAND;
    ig_grid_builder *b = into;
    ig_error err = {0};
    if (!b) assert_int_equal(ig_grid_builder_create(ctx, &spec, &b, &err), IG_OK);
    for (size_t kk = 0; kk < n_lines; kk++) {
        size_t k = reverse ? n_lines - 1 - kk : kk;
        size_t len = strlen(lines[k]);
        for (size_t jj = 0; jj < len; jj++) {
            size_t j = reverse ? len - 1 - jj : jj;
            char c = lines[k][j];
            if (c == '.') continue;
            double pop = char_pop(c);
            double land = c == 'h' ? 0.5 : c == 'z' ? 0.0 : c == 'n' ? (double)NAN : 1.0;
            if (c == 'z' || c == 'n') pop = 1000.0;
            ig_grid_row r = {0};
            r.cell.north_m = (int64_t)(n_lines - 1 - k) * 1000;
            r.cell.east_m = (int64_t)j * 1000;
            r.cell.size_m = 1000;
            r.counts = &pop;
            r.vars = with_land ? &land : NULL;
            r.place = place;
            assert_int_equal(ig_grid_builder_add(b, &r, &err), IG_OK);
        }
    }
    if (into) return NULL;
    ig_grid *g = NULL;
    assert_int_equal(ig_grid_builder_finish(b, &g, &err), IG_OK);
    ig_grid_builder_destroy(b);
    return g;
}

/* Index of the cell at (row, col), or abort. */
static size_t at(const ig_grid *g, int32_t row, int32_t col)
{
    const int32_t *r = ig_grid_rows(g), *c = ig_grid_cols(g);
    for (size_t i = 0; i < ig_grid_ncells(g); i++)
        if (r[i] == row && c[i] == col) return i;
    fail_msg("no cell at row %d col %d", (int)row, (int)col);
    return 0;
}

typedef struct result {
    uint8_t *cls;
    uint32_t *place;
    ig_degurba_summary sum;
} result;

static ig_status classify(const ig_grid *g, const ig_degurba_opts *o,
                          result *res, ig_error *err)
{
    size_t n = ig_grid_ncells(g);
    res->cls = calloc(n + 1, 1);
    res->place = calloc(n + 1, sizeof *res->place);
    assert_non_null(res->cls);
    assert_non_null(res->place);
    return ig_degurba_classify(NULL, g, o, res->cls, res->place, &res->sum,
                               err);
}

static void result_free(result *r)
{
    free(r->cls);
    free(r->place);
}

/* Defaults with small population thresholds for small maps. */
static ig_degurba_opts small_opts(double centre_pop, double cluster_pop)
{
    ig_degurba_opts o;
    ig_degurba_opts_init(&o);
    o.centre_min_pop = centre_pop;
    o.cluster_min_pop = cluster_pop;
    return o;
}

static void test_defaults_and_names(void **state)
{
    (void)state;
    ig_degurba_opts o;
    ig_degurba_opts_init(&o);
    assert_true(o.centre_min_density == 1500.0 && o.centre_min_pop == 50000.0);
    assert_true(o.cluster_min_density == 300.0 && o.cluster_min_pop == 5000.0);
    assert_true(o.max_gap_km2 == 15.0);
    assert_int_equal(o.majority_min_neighbours, 5);
    assert_true(o.place == IG_DEGURBA_ALL_PLACES);
    assert_string_equal(ig_degurba_class_name(IG_DEGURBA_URBAN_CENTRE),
                        "urban_centre");
    assert_string_equal(ig_degurba_class_name(IG_DEGURBA_URBAN_CLUSTER),
                        "urban_cluster");
    assert_string_equal(ig_degurba_class_name(IG_DEGURBA_RURAL), "rural");
    assert_string_equal(ig_degurba_class_name(42), "none");
}

/* A diagonal pair: two 4-connected centre candidates, one 8-connected
 * cluster. */
static void test_diagonal_pair(void **state)
{
    (void)state;
    const char *map[] = {"H.", ".H"};
    ig_grid *g = grid_map(NULL, map, 2, 0, 0, NULL, NULL);
    ig_error err = {0};
    result r;
    /* each candidate holds 2000 < 3000: no centre; the cluster 4000 */
    ig_degurba_opts o = small_opts(3000, 3000);
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.sum.n_centres, 0);
    assert_int_equal(r.sum.n_clusters, 1);
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(r.cls[i], IG_DEGURBA_URBAN_CLUSTER);
        assert_int_equal(r.place[i], 1);
    }
    result_free(&r);
    /* at 2000 each candidate is its own centre, numbered in canonical order
     * (row 0 first), inside one cluster */
    o = small_opts(2000, 3000);
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.sum.n_centres, 2);
    assert_int_equal(r.sum.n_clusters, 1);
    assert_int_equal(r.cls[at(g, 0, 1)], IG_DEGURBA_URBAN_CENTRE);
    assert_int_equal(r.place[at(g, 0, 1)], 1);
    assert_int_equal(r.place[at(g, 1, 0)], 2);
    result_free(&r);
    /* a cluster holding a centre is kept even below cluster_min_pop */
    o = small_opts(2000, 100000);
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.sum.n_centres, 2);
    assert_int_equal(r.sum.n_clusters, 1);
    result_free(&r);
    ig_grid_destroy(g);
}

/* 25 cells of 2000 = 50,000 exactly is a centre; one person less is not
 * (it is still an urban cluster). Manual defaults. */
static void test_centre_population_threshold(void **state)
{
    (void)state;
    const char *map[] = {"HHHHH", "HHHHH", "HHHHH", "HHHHH", "HHHHH"};
    for (int below = 0; below < 2; below++) {
        ig_grid_spec spec = {0};
        spec.size_m = 1000;
        spec.n_groups = 1;
        spec.group_names = G1;
        ig_grid_builder *b = NULL;
        ig_error err = {0};
        assert_int_equal(ig_grid_builder_create(NULL, &spec, &b, &err), IG_OK);
        for (int row = 0; row < 5; row++)
            for (int col = 0; col < 5; col++) {
                double pop = (below && row == 2 && col == 2) ? 1999.0 : 2000.0;
                ig_grid_row rr = {0};
                rr.cell.north_m = row * 1000;
                rr.cell.east_m = col * 1000;
                rr.cell.size_m = 1000;
                rr.counts = &pop;
                assert_int_equal(ig_grid_builder_add(b, &rr, &err), IG_OK);
            }
        ig_grid *g = NULL;
        assert_int_equal(ig_grid_builder_finish(b, &g, &err), IG_OK);
        ig_grid_builder_destroy(b);
        result r;
        assert_int_equal(classify(g, NULL, &r, &err), IG_OK);
        assert_int_equal(r.sum.n_centres, below ? 0 : 1);
        assert_int_equal(r.sum.n_clusters, 1);
        for (size_t i = 0; i < 25; i++)
            assert_int_equal(r.cls[i], below ? IG_DEGURBA_URBAN_CLUSTER
                                             : IG_DEGURBA_URBAN_CENTRE);
        assert_true(r.sum.pop_centre + r.sum.pop_cluster + r.sum.pop_rural ==
                    (below ? 49999.0 : 50000.0));
        result_free(&r);
        ig_grid_destroy(g);
    }
    (void)map;
}

/* Urban clusters: 5,000 people in 8-connected cells >= 300/km2. */
static void test_cluster_population_threshold(void **state)
{
    (void)state;
    /* 10 M cells = 5000: a cluster; a separate group of 9 = 4500: rural */
    const char *map[] = {"MMMMMMMMMM...MMMMMMMMM", "......................"};
    ig_grid *g = grid_map(NULL, map, 2, 0, 0, NULL, NULL);
    ig_error err = {0};
    result r;
    assert_int_equal(classify(g, NULL, &r, &err), IG_OK);
    assert_int_equal(r.sum.n_centres, 0);
    assert_int_equal(r.sum.n_clusters, 1);
    assert_int_equal(r.cls[at(g, 1, 0)], IG_DEGURBA_URBAN_CLUSTER);
    assert_int_equal(r.cls[at(g, 1, 9)], IG_DEGURBA_URBAN_CLUSTER);
    assert_int_equal(r.place[at(g, 1, 9)], 1);
    assert_int_equal(r.cls[at(g, 1, 13)], IG_DEGURBA_RURAL);
    assert_int_equal(r.place[at(g, 1, 13)], 0);
    assert_true(r.sum.pop_cluster == 5000.0 && r.sum.pop_rural == 4500.0);
    result_free(&r);
    ig_grid_destroy(g);
}

/* A centre with medium-density cells around it: one cluster holding the
 * centre; the ring cells are urban_cluster with the cluster's id. */
static void test_centre_inside_cluster(void **state)
{
    (void)state;
    const char *map[] = {"MMMM", "MHHM", "MHHM", "MMMM", "L..M"};
    ig_grid *g = grid_map(NULL, map, 5, 0, 0, NULL, NULL);
    ig_error err = {0};
    result r;
    ig_degurba_opts o = small_opts(8000, 5000);
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.sum.n_centres, 1);
    assert_int_equal(r.sum.n_clusters, 1);
    assert_int_equal(r.sum.n_places, 2);
    assert_int_equal(r.cls[at(g, 2, 1)], IG_DEGURBA_URBAN_CENTRE);
    assert_int_equal(r.place[at(g, 2, 1)], 1);
    assert_int_equal(r.cls[at(g, 4, 0)], IG_DEGURBA_URBAN_CLUSTER);
    assert_int_equal(r.place[at(g, 4, 0)], 2);
    assert_int_equal(r.cls[at(g, 0, 3)], IG_DEGURBA_URBAN_CLUSTER);
    assert_int_equal(r.cls[at(g, 0, 0)], IG_DEGURBA_RURAL);
    result_free(&r);
    ig_grid_destroy(g);
}

static ig_degurba_opts gaps_only(void)
{
    ig_degurba_opts o = small_opts(1000, 1000);
    o.majority_min_neighbours = 0;
    return o;
}

static void test_gap_one_cell_filled(void **state)
{
    (void)state;
    const char *map[] = {"HHH", "H0H", "HHH"};
    ig_grid *g = grid_map(NULL, map, 3, 0, 0, NULL, NULL);
    ig_error err = {0};
    result r;
    ig_degurba_opts o = gaps_only();
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.sum.n_centres, 1);
    assert_int_equal(r.cls[at(g, 1, 1)], IG_DEGURBA_URBAN_CENTRE);
    assert_int_equal(r.place[at(g, 1, 1)], 1);
    result_free(&r);
    /* gap filling off: the hole stays out (density 0: rural) */
    o.max_gap_km2 = 0;
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.cls[at(g, 1, 1)], IG_DEGURBA_RURAL);
    result_free(&r);
    ig_grid_destroy(g);
}

/* A hole made of cells missing from the grid is filled too: the cells
 * around it are unaffected, but a present cell in the same hole joins. */
static void test_gap_with_missing_cells(void **state)
{
    (void)state;
    const char *map[] = {"HHHH", "H.0H", "HHHH"};
    ig_grid *g = grid_map(NULL, map, 3, 0, 0, NULL, NULL);
    ig_error err = {0};
    result r;
    ig_degurba_opts o = gaps_only();
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.cls[at(g, 1, 2)], IG_DEGURBA_URBAN_CENTRE);
    result_free(&r);
    ig_grid_destroy(g);
}

/* 14 km2 holes are filled, 15 km2 holes are not (< 15 km2 rule). */
static void test_gap_size_limit(void **state)
{
    (void)state;
    const char *map15[] = {"HHHHHHH", "H00000H", "H00000H", "H00000H",
                           "HHHHHHH"};
    const char *map14[] = {"HHHHHHHHH", "H0000000H", "H0000000H", "HHHHHHHHH"};
    ig_error err = {0};
    result r;
    ig_degurba_opts o = gaps_only();
    ig_grid *g = grid_map(NULL, map15, 5, 0, 0, NULL, NULL);
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.sum.n_centres, 1);
    assert_int_equal(r.cls[at(g, 2, 3)], IG_DEGURBA_RURAL);
    assert_int_equal(r.cls[at(g, 1, 1)], IG_DEGURBA_RURAL);
    result_free(&r);
    ig_grid_destroy(g);
    g = grid_map(NULL, map14, 4, 0, 0, NULL, NULL);
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.cls[at(g, 1, 1)], IG_DEGURBA_URBAN_CENTRE);
    assert_int_equal(r.cls[at(g, 2, 7)], IG_DEGURBA_URBAN_CENTRE);
    result_free(&r);
    ig_grid_destroy(g);
}

/* A 25 km2 hole: the search gives up after 15 cells, and the rest of the
 * hole, reached later from another seed, must not pass for a small gap. */
static void test_gap_large_hole_searched_twice(void **state)
{
    (void)state;
    const char *map[] = {"HHHHHHH", "H00000H", "H00000H", "H00000H",
                         "H00000H", "H00000H", "HHHHHHH"};
    ig_grid *g = grid_map(NULL, map, 7, 0, 0, NULL, NULL);
    ig_error err = {0};
    result r;
    ig_degurba_opts o = gaps_only();
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    for (int32_t row = 1; row <= 5; row++)
        for (int32_t col = 1; col <= 5; col++)
            assert_int_equal(r.cls[at(g, row, col)], IG_DEGURBA_RURAL);
    result_free(&r);
    /* a 1 km2 gap is not smaller than max_gap_km2 = 1 */
    const char *one[] = {"HHH", "H0H", "HHH"};
    ig_grid_destroy(g);
    g = grid_map(NULL, one, 3, 0, 0, NULL, NULL);
    o.max_gap_km2 = 1;
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.cls[at(g, 1, 1)], IG_DEGURBA_RURAL);
    result_free(&r);
    o.max_gap_km2 = 1.5;
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.cls[at(g, 1, 1)], IG_DEGURBA_URBAN_CENTRE);
    result_free(&r);
    ig_grid_destroy(g);
}

/* A hole open to the outside (here through its bottom edge) is no gap. */
static void test_gap_touching_outside(void **state)
{
    (void)state;
    const char *map[] = {"HHH", "H0H", "H0H"};
    ig_grid *g = grid_map(NULL, map, 3, 0, 0, NULL, NULL);
    ig_error err = {0};
    result r;
    ig_degurba_opts o = gaps_only();
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.sum.n_centres, 1);
    assert_int_equal(r.cls[at(g, 1, 1)], IG_DEGURBA_RURAL);
    assert_int_equal(r.cls[at(g, 0, 1)], IG_DEGURBA_RURAL);
    result_free(&r);
    /* ... and open to the outside through missing cells */
    const char *map2[] = {"HHHHH", "H0..H", "HHH.H", "....."};
    g = (ig_grid_destroy(g), grid_map(NULL, map2, 4, 0, 0, NULL, NULL));
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.cls[at(g, 2, 1)], IG_DEGURBA_RURAL);
    result_free(&r);
    ig_grid_destroy(g);
}

/* A background pocket enclosed jointly by two centres (diagonal contact)
 * is not "surrounded by the centre" and stays out. */
static void test_gap_between_two_centres(void **state)
{
    (void)state;
    const char *map[] = {"HHH...", "HHH0..", "HH0HHH", "0.HHHH", "...HHH"};
    ig_grid *g = grid_map(NULL, map, 5, 0, 0, NULL, NULL);
    ig_error err = {0};
    result r;
    ig_degurba_opts o = gaps_only();
    o.centre_min_pop = 8000;
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.sum.n_centres, 2);
    assert_int_equal(r.cls[at(g, 2, 2)], IG_DEGURBA_RURAL);
    result_free(&r);
    ig_grid_destroy(g);
}

/* The notch cell has 5 of its 8 neighbours in the centre and joins it;
 * the cell below it then has 3 and does not. */
static void test_majority_rule(void **state)
{
    (void)state;
    const char *map[] = {"HHHHH", "HH0HH", "00000"};
    ig_grid *g = grid_map(NULL, map, 3, 0, 0, NULL, NULL);
    ig_error err = {0};
    result r;
    ig_degurba_opts o = small_opts(10000, 1000);
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.sum.n_centres, 1);
    assert_int_equal(r.cls[at(g, 1, 2)], IG_DEGURBA_URBAN_CENTRE);
    assert_int_equal(r.place[at(g, 1, 2)], 1);
    assert_int_equal(r.cls[at(g, 0, 2)], IG_DEGURBA_RURAL);
    result_free(&r);
    o.majority_min_neighbours = 0;
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.cls[at(g, 1, 2)], IG_DEGURBA_RURAL);
    result_free(&r);
    /* with 6 required, 5 is not enough */
    o.majority_min_neighbours = 6;
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.cls[at(g, 1, 2)], IG_DEGURBA_RURAL);
    result_free(&r);
    ig_grid_destroy(g);
}

/* Iteration: (1,3) has 4 of 8 centre neighbours until (1,2) joins in the
 * first round, then 5, so it joins in the second. */
static void test_majority_iterates(void **state)
{
    (void)state;
    const char *map[] = {"HHHHH", "HH00H", "HH..."};
    ig_grid *g = grid_map(NULL, map, 3, 0, 0, NULL, NULL);
    ig_error err = {0};
    result r;
    ig_degurba_opts o = small_opts(10000, 1000);
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.cls[at(g, 1, 2)], IG_DEGURBA_URBAN_CENTRE);
    assert_int_equal(r.cls[at(g, 1, 3)], IG_DEGURBA_URBAN_CENTRE);
    result_free(&r);
    ig_grid_destroy(g);
}

/* Density uses the land-area column: 1000 people on 0.5 km2 = 2000/km2.
 * Land 0 or NaN falls back to the full cell. */
static void test_land_area_density(void **state)
{
    (void)state;
    const char *map[] = {"hzn"};
    ig_grid *g = grid_map(NULL, map, 1, 1, 0, NULL, NULL);
    ig_error err = {0};
    result r;
    ig_degurba_opts o = small_opts(1000, 1000);
    o.land_area_var = "LAND_SURFACE";
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.sum.n_centres, 1);
    assert_int_equal(r.cls[at(g, 0, 0)], IG_DEGURBA_URBAN_CENTRE);
    assert_int_equal(r.cls[at(g, 0, 1)], IG_DEGURBA_URBAN_CLUSTER);
    assert_int_equal(r.cls[at(g, 0, 2)], IG_DEGURBA_URBAN_CLUSTER);
    result_free(&r);
    o.land_area_var = NULL; /* 1000/km2 everywhere: a cluster, no centre */
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.sum.n_centres, 0);
    assert_int_equal(r.cls[at(g, 0, 0)], IG_DEGURBA_URBAN_CLUSTER);
    result_free(&r);
    o.land_area_var = "LAND";
    assert_int_equal(classify(g, &o, &r, &err), IG_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "LAND"));
    result_free(&r);
    ig_grid_destroy(g);
}

static void test_requires_1km(void **state)
{
    (void)state;
    ig_grid_spec spec = {0};
    spec.size_m = 100;
    spec.n_groups = 1;
    spec.group_names = G1;
    ig_grid_builder *b = NULL;
    ig_error err = {0};
    assert_int_equal(ig_grid_builder_create(NULL, &spec, &b, &err), IG_OK);
    double pop = 5000;
    ig_grid_row rr = {0};
    rr.cell.north_m = 100;
    rr.cell.east_m = 200;
    rr.cell.size_m = 100;
    rr.counts = &pop;
    assert_int_equal(ig_grid_builder_add(b, &rr, &err), IG_OK);
    ig_grid *g = NULL;
    assert_int_equal(ig_grid_builder_finish(b, &g, &err), IG_OK);
    ig_grid_builder_destroy(b);
    uint8_t cls[1] = {77};
    assert_int_equal(ig_degurba_classify(NULL, g, NULL, cls, NULL, NULL, &err),
                     IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "aggregated to 1 km"));
    assert_int_equal(cls[0], 77); /* untouched on error */
    ig_grid_destroy(g);
    /* aspatial units */
    const double c[2] = {1, 2};
    const double *cols[1] = {c};
    g = grid_from_counts(NULL, 2, 1, cols, G1);
    uint8_t cls2[2];
    assert_int_equal(ig_degurba_classify(NULL, g, NULL, cls2, NULL, NULL, &err),
                     IG_ERR_DOMAIN);
    ig_grid_destroy(g);
}

static void test_bad_options(void **state)
{
    (void)state;
    const char *map[] = {"H"};
    ig_grid *g = grid_map(NULL, map, 1, 0, 0, NULL, NULL);
    ig_error err = {0};
    uint8_t cls[1];
    ig_degurba_opts o;
    ig_degurba_opts_init(&o);
    o.majority_min_neighbours = 9;
    assert_int_equal(ig_degurba_classify(NULL, g, &o, cls, NULL, NULL, &err),
                     IG_ERR_DOMAIN);
    ig_degurba_opts_init(&o);
    o.centre_min_density = (double)NAN;
    assert_int_equal(ig_degurba_classify(NULL, g, &o, cls, NULL, NULL, &err),
                     IG_ERR_DOMAIN);
    ig_degurba_opts_init(&o);
    o.place = 3;
    assert_int_equal(ig_degurba_classify(NULL, g, &o, cls, NULL, NULL, &err),
                     IG_ERR_DOMAIN);
    ig_degurba_opts_init(&o);
    o.max_window_cells = 8; /* 1 cell + border = 9 */
    assert_int_equal(ig_degurba_classify(NULL, g, &o, cls, NULL, NULL, &err),
                     IG_ERR_DOMAIN);
    o.max_window_cells = 9;
    assert_int_equal(ig_degurba_classify(NULL, g, &o, cls, NULL, NULL, &err),
                     IG_OK);
    assert_int_equal(cls[0], IG_DEGURBA_RURAL);
    ig_grid_destroy(g);
}

/* Places sharing a lattice cell: whole-grid runs refuse, per-place runs
 * classify only that place. */
static void test_places(void **state)
{
    (void)state;
    const char *a[] = {"HH", "HH"};
    const char *bmap[] = {"H.", "MM"};
    ig_grid_spec spec = {0};
    spec.size_m = 1000;
    spec.n_groups = 1;
    spec.group_names = G1;
    ig_grid_builder *b = NULL;
    ig_error err = {0};
    assert_int_equal(ig_grid_builder_create(NULL, &spec, &b, &err), IG_OK);
    grid_map(NULL, a, 2, 0, 0, "A", b);
    grid_map(NULL, bmap, 2, 0, 0, "B", b);
    ig_grid *g = NULL;
    assert_int_equal(ig_grid_builder_finish(b, &g, &err), IG_OK);
    ig_grid_builder_destroy(b);
    result r;
    ig_degurba_opts o = small_opts(8000, 1000);
    assert_int_equal(classify(g, &o, &r, &err), IG_ERR_MISMATCH);
    assert_non_null(strstr(err.msg, "one place at a time"));
    result_free(&r);
    o.place = 1; /* B: 2000 + 500 + 500, no centre, one cluster */
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.sum.n_centres, 0);
    assert_int_equal(r.sum.n_clusters, 1);
    for (size_t i = 0; i < 4; i++) assert_int_equal(r.cls[i], IG_DEGURBA_NONE);
    for (size_t i = 4; i < 7; i++)
        assert_int_equal(r.cls[i], IG_DEGURBA_URBAN_CLUSTER);
    result_free(&r);
    o.place = 0;
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.sum.n_centres, 1);
    assert_int_equal(r.cls[0], IG_DEGURBA_URBAN_CENTRE);
    assert_int_equal(r.cls[5], IG_DEGURBA_NONE);
    result_free(&r);
    ig_grid_destroy(g);
}

/* A map exercising every step, used by the order and allocation tests. */
static const char *BIG[] = {
    "LLMMMM....MMM...L",
    "LMHHHHHHH.MMM..LL",
    ".MH0HHH0H...M...L",
    ".MHHH00HH..MM....",
    "..HHHHHHH0.M.HH..",
    "...MHH0HH...HHHH.",
    "L.MM.HHH..L.HHHH.",
    "LLLL.......M.HHL.",
};

static void test_input_order_and_summary(void **state)
{
    (void)state;
    ig_grid *g1 = grid_map(NULL, BIG, 8, 0, 0, NULL, NULL);
    ig_grid *g2 = grid_map(NULL, BIG, 8, 0, 1, NULL, NULL);
    ig_error err = {0};
    result r1, r2;
    ig_degurba_opts o = small_opts(20000, 5000);
    assert_int_equal(classify(g1, &o, &r1, &err), IG_OK);
    assert_int_equal(classify(g2, &o, &r2, &err), IG_OK);
    size_t n = ig_grid_ncells(g1);
    assert_memory_equal(r1.cls, r2.cls, n);
    assert_memory_equal(r1.place, r2.place, n * sizeof *r1.place);
    assert_true(r1.sum.n_centres == 2 && r1.sum.n_clusters >= 1);
    /* the big block's holes are filled */
    assert_int_equal(r1.cls[at(g1, 5, 3)], IG_DEGURBA_URBAN_CENTRE);
    assert_int_equal(r1.cls[at(g1, 4, 5)], IG_DEGURBA_URBAN_CENTRE);
    /* the summary adds up to the grid total */
    double tot = 0;
    for (size_t i = 0; i < n; i++) tot += ig_grid_totals(g1)[i];
    assert_true(close_rel(r1.sum.pop_centre + r1.sum.pop_cluster +
                              r1.sum.pop_rural,
                          tot, 1e-12));
    /* place ids are 1..n_places and centre ids come first */
    for (size_t i = 0; i < n; i++) {
        assert_true(r1.place[i] <= r1.sum.n_places);
        if (r1.cls[i] == IG_DEGURBA_URBAN_CENTRE)
            assert_true(r1.place[i] >= 1 && r1.place[i] <= r1.sum.n_centres);
        if (r1.cls[i] == IG_DEGURBA_URBAN_CLUSTER)
            assert_true(r1.place[i] > r1.sum.n_centres);
    }
    /* the flexurba order (smooth, then fill) gives a valid result too */
    result r3;
    o.smooth_before_fill = 1;
    assert_int_equal(classify(g1, &o, &r3, &err), IG_OK);
    assert_int_equal(r3.sum.n_centres, 2);
    result_free(&r3);
    result_free(&r1);
    result_free(&r2);
    ig_grid_destroy(g1);
    ig_grid_destroy(g2);
}

static void test_allocation_failures(void **state)
{
    (void)state;
    ig_grid *g = grid_map(NULL, BIG, 8, 0, 0, NULL, NULL);
    size_t n = ig_grid_ncells(g);
    ig_degurba_opts o = small_opts(20000, 5000);
    uint8_t *want = malloc(n), *cls = malloc(n);
    uint32_t *place = malloc(n * sizeof *place);
    assert_non_null(want);
    assert_non_null(cls);
    assert_non_null(place);
    assert_int_equal(ig_degurba_classify(NULL, g, &o, want, NULL, NULL, NULL),
                     IG_OK);
    int done = 0;
    for (long fail = 1; fail < 200 && !done; fail++) {
        fail_alloc fa = {0};
        fa.fail_at = fail;
        ig_ctx *ctx = make_fail_ctx(&fa, 1);
        ig_error err = {0};
        memset(cls, 0xEE, n);
        ig_status st = ig_degurba_classify(ctx, g, &o, cls, place, NULL, &err);
        ig_ctx_destroy(ctx);
        if (fa.live != 0) fail_msg("leak after failing allocation %ld", fail);
        if (fa.failures == 0) {
            assert_int_equal(st, IG_OK);
            assert_memory_equal(cls, want, n);
            done = 1;
        } else if (st != IG_ERR_NOMEM) {
            fail_msg("allocation %ld failed, status %d", fail, (int)st);
        }
    }
    assert_true(done);
    free(want);
    free(cls);
    free(place);
    ig_grid_destroy(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_and_names),
        cmocka_unit_test(test_diagonal_pair),
        cmocka_unit_test(test_centre_population_threshold),
        cmocka_unit_test(test_cluster_population_threshold),
        cmocka_unit_test(test_centre_inside_cluster),
        cmocka_unit_test(test_gap_one_cell_filled),
        cmocka_unit_test(test_gap_with_missing_cells),
        cmocka_unit_test(test_gap_size_limit),
        cmocka_unit_test(test_gap_large_hole_searched_twice),
        cmocka_unit_test(test_gap_touching_outside),
        cmocka_unit_test(test_gap_between_two_centres),
        cmocka_unit_test(test_majority_rule),
        cmocka_unit_test(test_majority_iterates),
        cmocka_unit_test(test_land_area_density),
        cmocka_unit_test(test_requires_1km),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_places),
        cmocka_unit_test(test_input_order_and_summary),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
