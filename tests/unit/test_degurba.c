/* DEGURBA on hand-made 1 km grids drawn as text maps: each level 1 rule
 * (4- vs 8-connectivity, the population and density thresholds at their
 * boundary, gap filling, the majority rule, land-area density), each
 * level 2 class, cells split by a border (places), finer grids aggregated
 * to 1 km (including the Frankfurt 100 m Zensus tile), the cell size
 * checks, input-order independence and allocation failures. Most tests
 * use the manual's default thresholds; some lower them for small maps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
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
    case 'X': return 2500.0; /* dense */
    case 'H': return 2000.0; /* urban centre density */
    case 'D': return 1500.0; /* exactly the centre density */
    case 'd': return 1499.0; /* just below it */
    case 'M': return 500.0;  /* urban cluster density */
    case 'S': return 300.0;  /* exactly the cluster density */
    case 's': return 299.0;  /* just below it */
    case 'L': return 100.0;  /* rural density */
    case 'F': return 50.0;   /* exactly the low density rural threshold */
    case 'f': return 49.0;   /* just below it */
    case 'l': return 10.0;   /* very low density */
    case 'h': return 1000.0; /* dense only on half a km2 of land */
    default: return 0.0;     /* '0' and 'w' (water: 0.3 km2 of land) */
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
            double land = c == 'h'   ? 0.5
                          : c == 'w' ? 0.3
                          : c == 'z' ? 0.0
                          : c == 'n' ? (double)NAN
                                     : 1.0;
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
    assert_string_equal(ig_degurba_class_name(0), "none");
    assert_int_equal(o.level, 1);
    assert_int_equal(o.merge_shared_cells, 1);
    assert_true(o.dense_min_density == 1500.0 && o.dense_min_pop == 5000.0);
    assert_true(o.semi_dense_min_density == 300.0 &&
                o.semi_dense_min_pop == 5000.0);
    assert_int_equal(o.semi_dense_buffer_cells, 3);
    assert_true(o.rural_cluster_min_density == 300.0 &&
                o.rural_cluster_min_pop == 500.0);
    assert_true(o.low_density_min == 50.0 && o.water_max_land_km2 == 0.5);
    /* every level 2 class has its own name and sits in one level 1 class */
    static const struct {
        int c;
        const char *name;
        int l1;
    } L2[] = {
        {IG_DEGURBA2_WATER, "water", IG_DEGURBA_RURAL},
        {IG_DEGURBA2_VERY_LOW_DENSITY_RURAL, "very_low_density_rural",
         IG_DEGURBA_RURAL},
        {IG_DEGURBA2_LOW_DENSITY_RURAL, "low_density_rural", IG_DEGURBA_RURAL},
        {IG_DEGURBA2_RURAL_CLUSTER, "rural_cluster", IG_DEGURBA_RURAL},
        {IG_DEGURBA2_SUBURBAN, "suburban_or_peri_urban",
         IG_DEGURBA_URBAN_CLUSTER},
        {IG_DEGURBA2_SEMI_DENSE_URBAN_CLUSTER, "semi_dense_urban_cluster",
         IG_DEGURBA_URBAN_CLUSTER},
        {IG_DEGURBA2_DENSE_URBAN_CLUSTER, "dense_urban_cluster",
         IG_DEGURBA_URBAN_CLUSTER},
        {IG_DEGURBA2_URBAN_CENTRE, "urban_centre", IG_DEGURBA_URBAN_CENTRE},
    };
    for (size_t k = 0; k < sizeof L2 / sizeof L2[0]; k++) {
        assert_string_equal(ig_degurba_class_name(L2[k].c), L2[k].name);
        assert_int_equal(ig_degurba_level1_of(L2[k].c), L2[k].l1);
        assert_true(L2[k].c < IG_DEGURBA_CLASS_SLOTS);
    }
    for (int c = 0; c <= 3; c++) assert_int_equal(ig_degurba_level1_of(c), c);
    assert_int_equal(ig_degurba_level1_of(20), IG_DEGURBA_NONE);
    assert_int_equal(ig_degurba_level1_of(-1), IG_DEGURBA_NONE);
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

/* One cell of size_m metres at (north, east) holding pop people. */
static ig_grid *one_cell(int32_t size_m, double pop)
{
    ig_grid_spec spec = {0};
    spec.size_m = size_m;
    spec.n_groups = 1;
    spec.group_names = G1;
    ig_grid_builder *b = NULL;
    ig_error err = {0};
    assert_int_equal(ig_grid_builder_create(NULL, &spec, &b, &err), IG_OK);
    ig_grid_row rr = {0};
    rr.cell.north_m = 2 * (int64_t)size_m;
    rr.cell.east_m = 3 * (int64_t)size_m;
    rr.cell.size_m = size_m;
    rr.counts = &pop;
    assert_int_equal(ig_grid_builder_add(b, &rr, &err), IG_OK);
    ig_grid *g = NULL;
    assert_int_equal(ig_grid_builder_finish(b, &g, &err), IG_OK);
    ig_grid_builder_destroy(b);
    return g;
}

/* 1 km cells and cells dividing 1 km are classified; coarser cells and
 * cells that do not divide 1 km get a clear error. */
static void test_cell_sizes(void **state)
{
    (void)state;
    static const int32_t ok[] = {100, 200, 250, 500, 1000};
    for (size_t k = 0; k < sizeof ok / sizeof ok[0]; k++) {
        ig_grid *g = one_cell(ok[k], 5000);
        uint8_t cls[1] = {77};
        ig_degurba_summary sum;
        ig_error err = {0};
        assert_int_equal(
            ig_degurba_classify(NULL, g, NULL, cls, NULL, &sum, &err), IG_OK);
        /* 5,000 people in one 1 km cell: an urban cluster at any size */
        assert_int_equal(cls[0], IG_DEGURBA_URBAN_CLUSTER);
        assert_int_equal(sum.classified_size_m, 1000);
        assert_true(sum.class_pop[IG_DEGURBA_URBAN_CLUSTER] == 5000.0);
        assert_int_equal(sum.class_cells[IG_DEGURBA_URBAN_CLUSTER], 1);
        ig_grid_destroy(g);
    }
    static const int32_t bad[] = {2000, 300, 1500, 10000};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        ig_grid *g = one_cell(bad[k], 5000);
        uint8_t cls[1] = {77};
        ig_error err = {0};
        assert_int_equal(
            ig_degurba_classify(NULL, g, NULL, cls, NULL, NULL, &err),
            IG_ERR_DOMAIN);
        char want[64];
        snprintf(want, sizeof want, "grid cells are %d m", (int)bad[k]);
        assert_non_null(strstr(err.msg, want));
        assert_non_null(strstr(err.msg, "needs 1 km cells or a finer grid"));
        assert_int_equal(cls[0], 77); /* untouched on error */
        ig_grid_destroy(g);
    }
    /* aspatial units */
    const double c[2] = {1, 2};
    const double *cols[1] = {c};
    ig_grid *g = grid_from_counts(NULL, 2, 1, cols, G1);
    uint8_t cls2[2];
    ig_error err = {0};
    assert_int_equal(ig_degurba_classify(NULL, g, NULL, cls2, NULL, NULL, &err),
                     IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "aspatial"));
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

/* Places sharing lattice cells: whole-grid runs merge the parts (or refuse
 * with merge_shared_cells = 0); per-place runs classify only that place. */
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
    /* merged: 4000 + 2000 + 2500 + 2500 people in four dense positions */
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.sum.n_centres, 1);
    assert_int_equal(r.sum.n_clusters, 1);
    for (size_t i = 0; i < 7; i++) {
        assert_int_equal(r.cls[i], IG_DEGURBA_URBAN_CENTRE);
        assert_int_equal(r.place[i], 1);
    }
    assert_true(r.sum.pop_centre == 11000.0);
    assert_int_equal(r.sum.class_cells[IG_DEGURBA_URBAN_CENTRE], 7);
    result_free(&r);
    o.merge_shared_cells = 0;
    assert_int_equal(classify(g, &o, &r, &err), IG_ERR_MISMATCH);
    assert_non_null(strstr(err.msg, "one place at a time"));
    result_free(&r);
    o.merge_shared_cells = 1;
    o.place = 1; /* B: 2000 + 500 + 500, no centre, one cluster */
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.sum.n_centres, 0);
    assert_int_equal(r.sum.n_clusters, 1);
    for (size_t i = 0; i < 4; i++) assert_int_equal(r.cls[i], IG_DEGURBA_NONE);
    for (size_t i = 4; i < 7; i++)
        assert_int_equal(r.cls[i], IG_DEGURBA_URBAN_CLUSTER);
    assert_int_equal(r.sum.class_cells[IG_DEGURBA_NONE], 4);
    assert_true(r.sum.pop_cluster == 3000.0 && r.sum.pop_centre == 0.0);
    result_free(&r);
    o.place = 0;
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.sum.n_centres, 1);
    assert_int_equal(r.cls[0], IG_DEGURBA_URBAN_CENTRE);
    assert_int_equal(r.cls[5], IG_DEGURBA_NONE);
    result_free(&r);
    ig_grid_destroy(g);
}

/* A city cut by a border (manual defaults): 4 x 12 cells of 2,000 people,
 * columns 0-5 in country A and 6-11 in B. Each half holds 48,000 people,
 * so classifying one country at a time finds no urban centre; the whole
 * grid holds one centre of 96,000 across the border. */
static void test_border_split(void **state)
{
    (void)state;
    ig_grid_spec spec = {0};
    spec.size_m = 1000;
    spec.n_groups = 1;
    spec.group_names = G1;
    ig_grid_builder *b = NULL;
    ig_error err = {0};
    assert_int_equal(ig_grid_builder_create(NULL, &spec, &b, &err), IG_OK);
    for (int row = 0; row < 4; row++)
        for (int col = 0; col < 12; col++) {
            double pop = 2000.0;
            ig_grid_row rr = {0};
            rr.cell.north_m = row * 1000;
            rr.cell.east_m = col * 1000;
            rr.cell.size_m = 1000;
            rr.counts = &pop;
            rr.place = col < 6 ? "A" : "B";
            assert_int_equal(ig_grid_builder_add(b, &rr, &err), IG_OK);
        }
    ig_grid *g = NULL;
    assert_int_equal(ig_grid_builder_finish(b, &g, &err), IG_OK);
    ig_grid_builder_destroy(b);
    result r;
    assert_int_equal(classify(g, NULL, &r, &err), IG_OK);
    assert_int_equal(r.sum.n_centres, 1);
    assert_int_equal(r.sum.n_clusters, 1);
    for (size_t i = 0; i < 48; i++) {
        assert_int_equal(r.cls[i], IG_DEGURBA_URBAN_CENTRE);
        assert_int_equal(r.place[i], 1);
    }
    assert_true(r.sum.pop_centre == 96000.0);
    result_free(&r);
    for (size_t p = 0; p < 2; p++) {
        ig_degurba_opts o;
        ig_degurba_opts_init(&o);
        o.place = p;
        assert_int_equal(classify(g, &o, &r, &err), IG_OK);
        assert_int_equal(r.sum.n_centres, 0);
        assert_int_equal(r.sum.n_clusters, 1);
        assert_true(r.sum.pop_cluster == 48000.0);
        result_free(&r);
    }
    ig_grid_destroy(g);
}

/* The border runs through the cells of column 6 (of 0-11): each country
 * reports its part (1,200 and 800 people, 0.5 km2 of land each). Merged,
 * the column holds 2,000 on 1 km2 and the centre spans the border;
 * refusing to merge is an error; classified alone, B's side (43,200
 * people) has no centre. */
static void test_border_shared_cells(void **state)
{
    (void)state;
    ig_grid_spec spec = {0};
    spec.size_m = 1000;
    spec.n_groups = 1;
    spec.group_names = G1;
    spec.n_vars = 1;
    spec.var_names = LAND;
    ig_grid_builder *b = NULL;
    ig_error err = {0};
    assert_int_equal(ig_grid_builder_create(NULL, &spec, &b, &err), IG_OK);
    for (int row = 0; row < 4; row++)
        for (int col = 0; col < 12; col++) {
            for (int part = 0; part < (col == 6 ? 2 : 1); part++) {
                double pop = col == 6 ? (part ? 800.0 : 1200.0) : 2000.0;
                double land = col == 6 ? 0.5 : 1.0;
                ig_grid_row rr = {0};
                rr.cell.north_m = row * 1000;
                rr.cell.east_m = col * 1000;
                rr.cell.size_m = 1000;
                rr.counts = &pop;
                rr.vars = &land;
                rr.place = (col < 6 || (col == 6 && part == 0)) ? "A" : "B";
                assert_int_equal(ig_grid_builder_add(b, &rr, &err), IG_OK);
            }
        }
    ig_grid *g = NULL;
    assert_int_equal(ig_grid_builder_finish(b, &g, &err), IG_OK);
    ig_grid_builder_destroy(b);
    assert_int_equal(ig_grid_ncells(g), 52);
    result r;
    ig_degurba_opts o;
    ig_degurba_opts_init(&o);
    o.land_area_var = "LAND_SURFACE";
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.sum.n_centres, 1);
    for (size_t i = 0; i < 52; i++) {
        assert_int_equal(r.cls[i], IG_DEGURBA_URBAN_CENTRE);
        assert_int_equal(r.place[i], 1);
    }
    assert_true(r.sum.pop_centre == 96000.0);
    result_free(&r);
    o.merge_shared_cells = 0;
    assert_int_equal(classify(g, &o, &r, &err), IG_ERR_MISMATCH);
    assert_non_null(strstr(err.msg, "appears twice"));
    result_free(&r);
    o.merge_shared_cells = 1;
    o.place = 1;
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.sum.n_centres, 0);
    result_free(&r);
    ig_grid_destroy(g);
}

/* Manual defaults: a 5 x 5 block of 2,000 (50,000: a centre) touches a
 * 5 x 5 block of 1,999 (49,975) only at a corner. 4-connectivity keeps
 * them apart (one centre), 8-connectivity joins them (one cluster); at
 * level 2 the second block is a dense urban cluster. */
static void test_connectivity_defaults(void **state)
{
    (void)state;
    ig_grid_spec spec = {0};
    spec.size_m = 1000;
    spec.n_groups = 1;
    spec.group_names = G1;
    ig_grid_builder *b = NULL;
    ig_error err = {0};
    assert_int_equal(ig_grid_builder_create(NULL, &spec, &b, &err), IG_OK);
    for (int row = 0; row < 10; row++)
        for (int col = 0; col < 10; col++) {
            int lower = row < 5 && col < 5, upper = row >= 5 && col >= 5;
            if (!lower && !upper) continue;
            double pop = lower ? 2000.0 : 1999.0;
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
    assert_int_equal(r.sum.n_centres, 1);
    assert_int_equal(r.sum.n_clusters, 1);
    assert_int_equal(r.cls[at(g, 4, 4)], IG_DEGURBA_URBAN_CENTRE);
    assert_int_equal(r.cls[at(g, 5, 5)], IG_DEGURBA_URBAN_CLUSTER);
    assert_int_equal(r.place[at(g, 5, 5)], 2);
    assert_int_equal(r.place[at(g, 9, 9)], 2);
    assert_true(r.sum.pop_centre == 50000.0 && r.sum.pop_cluster == 49975.0);
    result_free(&r);
    ig_degurba_opts o;
    ig_degurba_opts_init(&o);
    o.level = 2;
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.sum.level, 2);
    assert_int_equal(r.sum.n_dense, 1);
    assert_int_equal(r.cls[at(g, 0, 0)], IG_DEGURBA2_URBAN_CENTRE);
    assert_int_equal(r.cls[at(g, 5, 5)], IG_DEGURBA2_DENSE_URBAN_CLUSTER);
    assert_int_equal(r.place[at(g, 5, 5)], 3); /* after 1 centre, 1 cluster */
    assert_true(r.sum.class_pop[IG_DEGURBA2_DENSE_URBAN_CLUSTER] == 49975.0);
    result_free(&r);
    ig_grid_destroy(g);
}

/* Thresholds are ">=" (manual defaults). A 5 x 5 block of 2,000 is a
 * centre (50,000); cells sticking out of its sides (3 of 8 neighbours in
 * the centre, too few for the majority rule) join it at exactly 1,500 /km2
 * and not at 1,499; cells sticking out of the cluster join it at exactly
 * 300 /km2 and not at 299. */
static void test_density_boundaries(void **state)
{
    (void)state;
    const char *map[] = {
        "...S...",
        "...D...",
        "sHHHHHd",
        ".HHHHH.",
        ".HHHHH.",
        ".HHHHH.",
        ".HHHHH.",
    };
    ig_grid *g = grid_map(NULL, map, 7, 0, 0, NULL, NULL);
    ig_error err = {0};
    result r;
    assert_int_equal(classify(g, NULL, &r, &err), IG_OK);
    assert_int_equal(r.sum.n_centres, 1);
    assert_int_equal(r.cls[at(g, 5, 3)], IG_DEGURBA_URBAN_CENTRE); /* D */
    assert_int_equal(r.cls[at(g, 4, 6)], IG_DEGURBA_URBAN_CLUSTER); /* d */
    assert_int_equal(r.cls[at(g, 6, 3)], IG_DEGURBA_URBAN_CLUSTER); /* S */
    assert_int_equal(r.cls[at(g, 4, 0)], IG_DEGURBA_RURAL);         /* s */
    assert_int_equal(r.place[at(g, 4, 0)], 0);
    assert_true(r.sum.pop_centre == 51500.0);
    result_free(&r);
    ig_grid_destroy(g);
}

/* Gap filling with the manual's population thresholds: a ring of 2,500
 * people per cell around a 14 km2 hole (the ring holds 55,000) fills;
 * around a 15 km2 hole (20 cells, 50,000) it does not. With the majority
 * rule on as well (full defaults), the 15 km2 hole is eaten from its
 * corners: each corner cell has 5 centre neighbours, then the cells next
 * to them, round after round, until the hole is gone. */
static void test_gap_defaults(void **state)
{
    (void)state;
    const char *m14[] = {"XXXXXXXXX", "X0000000X", "X0000000X", "XXXXXXXXX"};
    const char *m15[] = {"XXXXXXX", "X00000X", "X00000X", "X00000X",
                         "XXXXXXX"};
    ig_error err = {0};
    result r;
    ig_degurba_opts o;
    ig_degurba_opts_init(&o);
    o.majority_min_neighbours = 0;
    ig_grid *g = grid_map(NULL, m14, 4, 0, 0, NULL, NULL);
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.sum.n_centres, 1);
    for (int32_t col = 1; col <= 7; col++)
        assert_int_equal(r.cls[at(g, 1, col)], IG_DEGURBA_URBAN_CENTRE);
    assert_int_equal(r.sum.class_cells[IG_DEGURBA_URBAN_CENTRE], 36);
    result_free(&r);
    ig_grid_destroy(g);
    g = grid_map(NULL, m15, 5, 0, 0, NULL, NULL);
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.sum.n_centres, 1);
    assert_int_equal(r.cls[at(g, 2, 3)], IG_DEGURBA_RURAL);
    assert_int_equal(r.cls[at(g, 1, 1)], IG_DEGURBA_RURAL);
    assert_int_equal(r.sum.class_cells[IG_DEGURBA_URBAN_CENTRE], 20);
    result_free(&r);
    assert_int_equal(classify(g, NULL, &r, &err), IG_OK);
    assert_int_equal(r.sum.class_cells[IG_DEGURBA_URBAN_CENTRE], 35);
    assert_int_equal(r.cls[at(g, 2, 3)], IG_DEGURBA_URBAN_CENTRE);
    result_free(&r);
    ig_grid_destroy(g);
}

/* The majority rule counts neighbours per centre: the 0 cell has 3
 * neighbours in one centre and 2 in another, 5 in all, and joins neither;
 * when the two are one centre (6 neighbours) it joins. */
static void test_majority_unique_centre(void **state)
{
    (void)state;
    const char *two[] = {"HH.H", "HH0H", "HH.."};
    const char *one[] = {"HHHH", "HH0H", "HH.."};
    ig_error err = {0};
    result r;
    ig_degurba_opts o = small_opts(4000, 1000);
    o.max_gap_km2 = 0;
    ig_grid *g = grid_map(NULL, two, 3, 0, 0, NULL, NULL);
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.sum.n_centres, 2);
    assert_int_equal(r.cls[at(g, 1, 2)], IG_DEGURBA_RURAL);
    result_free(&r);
    ig_grid_destroy(g);
    g = grid_map(NULL, one, 3, 0, 0, NULL, NULL);
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.sum.n_centres, 1);
    assert_int_equal(r.cls[at(g, 1, 2)], IG_DEGURBA_URBAN_CENTRE);
    result_free(&r);
    ig_grid_destroy(g);
}

/* Level 2 with the manual's defaults, one map holding every class. */
static const char *L2MAP[] = {
    "HHHHHM......HHH.......MMMMMMMMMM",
    "HHHHHM..........................",
    "HHHHHM..........................",
    "HHHHHM.........MMMMMMMMMM.......",
    "HHHHHM..........................",
    "................................",
    "M.MM..S..L.F.f.l..M.............",
    "......w.0.......................",
};

typedef struct l2cell {
    int32_t row, col;
    int cls;
} l2cell;

static void test_level2_classes(void **state)
{
    (void)state;
    ig_grid *g = grid_map(NULL, L2MAP, 8, 1, 0, NULL, NULL);
    ig_error err = {0};
    result r;
    ig_degurba_opts o;
    ig_degurba_opts_init(&o);
    o.land_area_var = "LAND_SURFACE";
    o.level = 2;
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    /* rows count from the south: map line k is row 7 - k */
    static const l2cell want[] = {
        {7, 0, IG_DEGURBA2_URBAN_CENTRE},
        {3, 4, IG_DEGURBA2_URBAN_CENTRE},
        {7, 5, IG_DEGURBA2_SUBURBAN},    /* in the centre's cluster */
        {7, 12, IG_DEGURBA2_DENSE_URBAN_CLUSTER}, /* 3 x 2,000 */
        {7, 14, IG_DEGURBA2_DENSE_URBAN_CLUSTER},
        {7, 22, IG_DEGURBA2_SEMI_DENSE_URBAN_CLUSTER}, /* 8 cells away */
        {7, 31, IG_DEGURBA2_SEMI_DENSE_URBAN_CLUSTER},
        {4, 15, IG_DEGURBA2_SUBURBAN}, /* 3 cells from the dense cluster */
        {4, 24, IG_DEGURBA2_SUBURBAN},
        {1, 0, IG_DEGURBA2_RURAL_CLUSTER},  /* 500 alone */
        {1, 2, IG_DEGURBA2_RURAL_CLUSTER},  /* 2 x 500 */
        {1, 3, IG_DEGURBA2_RURAL_CLUSTER},
        {1, 18, IG_DEGURBA2_RURAL_CLUSTER},
        {1, 6, IG_DEGURBA2_LOW_DENSITY_RURAL},  /* 300 alone < 500 */
        {1, 9, IG_DEGURBA2_LOW_DENSITY_RURAL},  /* 100 */
        {1, 11, IG_DEGURBA2_LOW_DENSITY_RURAL}, /* exactly 50 */
        {1, 13, IG_DEGURBA2_VERY_LOW_DENSITY_RURAL}, /* 49 */
        {1, 15, IG_DEGURBA2_VERY_LOW_DENSITY_RURAL}, /* 10 */
        {0, 6, IG_DEGURBA2_WATER},                   /* nobody, 0.3 km2 */
        {0, 8, IG_DEGURBA2_VERY_LOW_DENSITY_RURAL},  /* nobody, 1 km2 */
    };
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        size_t i = at(g, want[k].row, want[k].col);
        if (r.cls[i] != want[k].cls)
            fail_msg("cell row %d col %d: class %d, want %d",
                     (int)want[k].row, (int)want[k].col, (int)r.cls[i],
                     want[k].cls);
    }
    assert_int_equal(r.sum.n_centres, 1);
    assert_int_equal(r.sum.n_clusters, 4);
    assert_int_equal(r.sum.n_dense, 1);
    assert_int_equal(r.sum.n_semi_dense, 1);
    assert_int_equal(r.sum.n_rural_clusters, 3);
    assert_int_equal(r.sum.n_places, 10);
    /* ids: kinds in order, each numbered by first cell (south first) */
    size_t lim_cl = 5, lim_d = 6, lim_s = 7;
    assert_int_equal(r.place[at(g, 7, 0)], 1);
    uint32_t sub = r.place[at(g, 7, 5)];
    assert_true(sub >= 2 && sub <= lim_cl);
    assert_int_equal(r.place[at(g, 7, 12)], lim_d);
    assert_int_equal(r.place[at(g, 7, 22)], lim_s);
    uint32_t rc0 = r.place[at(g, 1, 0)], rc2 = r.place[at(g, 1, 2)],
             rc3 = r.place[at(g, 1, 3)], rc18 = r.place[at(g, 1, 18)];
    assert_true(rc0 == 8 && rc2 == 9 && rc3 == 9 && rc18 == 10);
    assert_int_equal(r.place[at(g, 1, 6)], 0);
    assert_int_equal(r.place[at(g, 0, 6)], 0);

    /* level 2 refines level 1 cell by cell; the suburban cells keep their
     * level 1 cluster ids and the centre its id */
    result r1;
    o.level = 1;
    assert_int_equal(classify(g, &o, &r1, &err), IG_OK);
    size_t n = ig_grid_ncells(g);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(ig_degurba_level1_of(r.cls[i]), r1.cls[i]);
        if (r.cls[i] == IG_DEGURBA2_SUBURBAN ||
            r.cls[i] == IG_DEGURBA2_URBAN_CENTRE)
            assert_int_equal(r.place[i], r1.place[i]);
    }
    assert_true(r.sum.pop_centre == r1.sum.pop_centre);
    assert_true(r.sum.pop_cluster == r1.sum.pop_cluster);
    assert_true(r.sum.pop_rural == r1.sum.pop_rural);
    result_free(&r1);
    result_free(&r);

    /* a buffer of 2 cells lets the cluster 3 cells from the dense one be
     * semi-dense; a buffer of 8 excludes the one 8 cells away */
    o.level = 2;
    o.semi_dense_buffer_cells = 2;
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.cls[at(g, 4, 15)], IG_DEGURBA2_SEMI_DENSE_URBAN_CLUSTER);
    assert_int_equal(r.sum.n_semi_dense, 2);
    result_free(&r);
    o.semi_dense_buffer_cells = 8;
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.cls[at(g, 7, 22)], IG_DEGURBA2_SUBURBAN);
    assert_int_equal(r.sum.n_semi_dense, 0);
    result_free(&r);
    o.water_max_land_km2 = 0; /* water off */
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.cls[at(g, 0, 6)], IG_DEGURBA2_VERY_LOW_DENSITY_RURAL);
    result_free(&r);
    o.water_max_land_km2 = 0.5;
    /* without a land column there is no water */
    o.semi_dense_buffer_cells = 3;
    o.land_area_var = NULL;
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.cls[at(g, 0, 6)], IG_DEGURBA2_VERY_LOW_DENSITY_RURAL);
    result_free(&r);
    o.semi_dense_buffer_cells = 51;
    assert_int_equal(classify(g, &o, &r, &err), IG_ERR_DOMAIN);
    result_free(&r);
    o.semi_dense_buffer_cells = 3;
    o.level = 3;
    assert_int_equal(classify(g, &o, &r, &err), IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "level 3"));
    result_free(&r);
    ig_grid_destroy(g);
}

/* Dense urban clusters are 4-connected: two diagonal pairs of 2,000 (4,000
 * each) are not dense clusters, though together (8,000) they form an urban
 * cluster, semi-dense as nothing dense is near. A 4-connected 5,000 is one
 * (at exactly the threshold), 4,999 is not. Rural clusters: 500 exactly is
 * one, 499 is not. */
static void test_level2_thresholds(void **state)
{
    (void)state;
    const char *map[] = {
        "HH........XX..........",
        "..HH..........M.......",
        "......................",
        "......................",
        "......................",
        "......................",
        "..........................XXd",
    };
    ig_grid *g = grid_map(NULL, map, 7, 0, 0, NULL, NULL);
    ig_error err = {0};
    result r;
    ig_degurba_opts o;
    ig_degurba_opts_init(&o);
    o.level = 2;
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.cls[at(g, 6, 0)], IG_DEGURBA2_SEMI_DENSE_URBAN_CLUSTER);
    assert_int_equal(r.cls[at(g, 5, 3)], IG_DEGURBA2_SEMI_DENSE_URBAN_CLUSTER);
    /* 2,500 + 2,500 = 5,000 dense, 4-connected */
    assert_int_equal(r.cls[at(g, 6, 10)], IG_DEGURBA2_DENSE_URBAN_CLUSTER);
    /* the 500 two rows away is rural: 8-connectivity does not reach it */
    assert_int_equal(r.cls[at(g, 5, 14)], IG_DEGURBA2_RURAL_CLUSTER);
    /* 2,500 + 2,500 + 1,499 = 6,499 people, but only 5,000 dense (the d
     * cell is not dense): a dense cluster of two cells, the d cell
     * suburban */
    assert_int_equal(r.cls[at(g, 0, 26)], IG_DEGURBA2_DENSE_URBAN_CLUSTER);
    assert_int_equal(r.cls[at(g, 0, 28)], IG_DEGURBA2_SUBURBAN);
    result_free(&r);
    o.dense_min_pop = 5001;
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.cls[at(g, 6, 10)], IG_DEGURBA2_SEMI_DENSE_URBAN_CLUSTER);
    assert_int_equal(r.sum.n_dense, 0);
    result_free(&r);
    o.dense_min_pop = 5000;
    o.rural_cluster_min_pop = 501;
    assert_int_equal(classify(g, &o, &r, &err), IG_OK);
    assert_int_equal(r.cls[at(g, 5, 14)], IG_DEGURBA2_LOW_DENSITY_RURAL);
    assert_int_equal(r.sum.n_rural_clusters, 0);
    result_free(&r);
    ig_grid_destroy(g);
}

/* A 100 m grid: each fine cell gets the class and place of its 1 km cell,
 * exactly as when the aggregated grid is classified. Fine cells of one
 * 1 km cell may lie in two places (a border): the parts are merged. */
static void test_fine_grid(void **state)
{
    (void)state;
    ig_grid_spec spec = {0};
    spec.size_m = 100;
    spec.n_groups = 1;
    spec.group_names = G1;
    ig_grid_builder *b = NULL;
    ig_error err = {0};
    assert_int_equal(ig_grid_builder_create(NULL, &spec, &b, &err), IG_OK);
    /* 1 km cells (row, col) 0..5 x 0..5: 4 fine cells each with a quarter
     * of 2,000 (a 6 x 6 km city of 72,000) and a 1 km cell far off with
     * 300 people in one 100 m cell; the border between places A and B runs
     * at E 2,550 m, through the 1 km cells of column 2 */
    for (int R = 0; R < 6; R++)
        for (int C = 0; C < 6; C++)
            for (int q = 0; q < 4; q++) {
                double pop = 500.0;
                ig_grid_row rr = {0};
                rr.cell.north_m = R * 1000 + (q / 2) * 500;
                rr.cell.east_m = C * 1000 + (q % 2) * 500;
                rr.cell.size_m = 100;
                rr.counts = &pop;
                rr.place = rr.cell.east_m < 2550 ? "A" : "B";
                assert_int_equal(ig_grid_builder_add(b, &rr, &err), IG_OK);
            }
    double far = 300.0;
    ig_grid_row rf = {0};
    rf.cell.north_m = 20000;
    rf.cell.east_m = 20300;
    rf.cell.size_m = 100;
    rf.counts = &far;
    rf.place = "B";
    assert_int_equal(ig_grid_builder_add(b, &rf, &err), IG_OK);
    ig_grid *g = NULL;
    assert_int_equal(ig_grid_builder_finish(b, &g, &err), IG_OK);
    ig_grid_builder_destroy(b);
    size_t n = ig_grid_ncells(g);
    assert_int_equal(n, 145);

    for (int level = 1; level <= 2; level++) {
        ig_degurba_opts o;
        ig_degurba_opts_init(&o);
        o.level = level;
        result r;
        assert_int_equal(classify(g, &o, &r, &err), IG_OK);
        assert_int_equal(r.sum.n_centres, 1);
        assert_true(r.sum.pop_centre == 72000.0);
        /* the coarse grid classified directly */
        uint32_t *map = malloc(n * sizeof *map);
        assert_non_null(map);
        ig_grid *c = NULL;
        assert_int_equal(ig_grid_aggregate(NULL, g, 1000, &c, map, &err),
                         IG_OK);
        result rc;
        assert_int_equal(classify(c, &o, &rc, &err), IG_OK);
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(r.cls[i], rc.cls[map[i]]);
            assert_int_equal(r.place[i], rc.place[map[i]]);
        }
        assert_int_equal(r.sum.n_places, rc.sum.n_places);
        assert_int_equal(r.sum.class_cells[level == 1 ? 3 : 30], 144);
        int32_t far_cls = level == 1 ? IG_DEGURBA_RURAL
                                     : IG_DEGURBA2_LOW_DENSITY_RURAL;
        assert_int_equal(r.cls[n - 1], far_cls);
        free(map);
        result_free(&rc);
        ig_grid_destroy(c);
        result_free(&r);
    }
    ig_grid_destroy(g);
}

/* The Frankfurt 100 m tile (Zensus 2011): classified as a 100 m grid it
 * holds an urban centre, and every 100 m cell carries its 1 km cell's
 * class at both levels. */
static void test_frankfurt_100m(void **state)
{
    (void)state;
    const char *path =
        shared_path("de_frankfurt_zensus2011_100m_birth_citizenship.csv");
    if (!path) skip();
    ig_read_opts ro;
    ig_read_opts_init(&ro);
    const char *groups[] = {"DE=BORN_DE", "EU=BORN_EU27",
                            "OTHER=BORN_EUR_OTH+BORN_WORLD_OTH+BORN_OTHER"};
    ro.groups = groups;
    ro.n_groups = 3;
    ro.total_col = "BORN_TOTAL";
    ig_grid *g = NULL;
    ig_error err = {0};
    assert_int_equal(ig_grid_read_path(NULL, path, &ro, &g, &err), IG_OK);
    size_t n = ig_grid_ncells(g);
    for (int level = 1; level <= 2; level++) {
        ig_degurba_opts o;
        ig_degurba_opts_init(&o);
        o.level = level;
        result r;
        assert_int_equal(classify(g, &o, &r, &err), IG_OK);
        assert_true(r.sum.n_centres >= 1);
        double tot = 0;
        for (size_t i = 0; i < n; i++) tot += ig_grid_totals(g)[i];
        assert_true(close_rel(r.sum.pop_centre + r.sum.pop_cluster +
                                  r.sum.pop_rural,
                              tot, 1e-12));
        /* most of central Frankfurt's residents live in the centre */
        assert_true(r.sum.pop_centre > 0.5 * tot);
        uint64_t cells = 0;
        for (int c = 0; c < IG_DEGURBA_CLASS_SLOTS; c++)
            cells += r.sum.class_cells[c];
        assert_int_equal(cells, n);
        assert_int_equal(r.sum.class_cells[0], 0);
        result_free(&r);
    }
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

/* Fail each allocation in turn: IG_ERR_NOMEM, no leak, outputs untouched;
 * once nothing fails, the result equals the reference run. */
static void check_alloc_failures(const ig_grid *g, const ig_degurba_opts *o)
{
    size_t n = ig_grid_ncells(g);
    uint8_t *want = malloc(n), *cls = malloc(n);
    uint32_t *place = malloc(n * sizeof *place);
    assert_non_null(want);
    assert_non_null(cls);
    assert_non_null(place);
    assert_int_equal(ig_degurba_classify(NULL, g, o, want, NULL, NULL, NULL),
                     IG_OK);
    int done = 0;
    for (long fail = 1; fail < 400 && !done; fail++) {
        fail_alloc fa = {0};
        fa.fail_at = fail;
        ig_ctx *ctx = make_fail_ctx(&fa, 1);
        ig_error err = {0};
        memset(cls, 0xEE, n);
        ig_status st = ig_degurba_classify(ctx, g, o, cls, place, NULL, &err);
        ig_ctx_destroy(ctx);
        if (fa.live != 0) fail_msg("leak after failing allocation %ld", fail);
        if (fa.failures == 0) {
            assert_int_equal(st, IG_OK);
            assert_memory_equal(cls, want, n);
            done = 1;
        } else if (st != IG_ERR_NOMEM) {
            fail_msg("allocation %ld failed, status %d", fail, (int)st);
        } else {
            for (size_t i = 0; i < n; i++) assert_int_equal(cls[i], 0xEE);
        }
    }
    assert_true(done);
    free(want);
    free(cls);
    free(place);
}

static void test_allocation_failures(void **state)
{
    (void)state;
    ig_grid *g = grid_map(NULL, BIG, 8, 0, 0, NULL, NULL);
    ig_degurba_opts o = small_opts(20000, 5000);
    check_alloc_failures(g, &o);
    o.level = 2;
    check_alloc_failures(g, &o);
    ig_grid_destroy(g);
    /* level 2 with every class, and shared cells merged */
    g = grid_map(NULL, L2MAP, 8, 1, 0, NULL, NULL);
    ig_degurba_opts_init(&o);
    o.level = 2;
    o.land_area_var = "LAND_SURFACE";
    check_alloc_failures(g, &o);
    ig_grid_destroy(g);
    ig_grid_spec spec = {0};
    spec.size_m = 250;
    spec.n_groups = 1;
    spec.group_names = G1;
    ig_grid_builder *b = NULL;
    assert_int_equal(ig_grid_builder_create(NULL, &spec, &b, NULL), IG_OK);
    for (int k = 0; k < 40; k++) {
        double pop = 400.0 + 10.0 * k;
        ig_grid_row rr = {0};
        rr.cell.north_m = (k % 7) * 250;
        rr.cell.east_m = (k / 7) * 500;
        rr.cell.size_m = 250;
        rr.counts = &pop;
        rr.place = k % 3 ? "A" : "B";
        assert_int_equal(ig_grid_builder_add(b, &rr, NULL), IG_OK);
    }
    assert_int_equal(ig_grid_builder_finish(b, &g, NULL), IG_OK);
    ig_grid_builder_destroy(b);
    o = small_opts(3000, 1000);
    o.level = 2;
    o.dense_min_pop = 1000;
    check_alloc_failures(g, &o);
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
        cmocka_unit_test(test_cell_sizes),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_places),
        cmocka_unit_test(test_border_split),
        cmocka_unit_test(test_border_shared_cells),
        cmocka_unit_test(test_connectivity_defaults),
        cmocka_unit_test(test_density_boundaries),
        cmocka_unit_test(test_gap_defaults),
        cmocka_unit_test(test_majority_unique_centre),
        cmocka_unit_test(test_level2_classes),
        cmocka_unit_test(test_level2_thresholds),
        cmocka_unit_test(test_fine_grid),
        cmocka_unit_test(test_frankfurt_100m),
        cmocka_unit_test(test_input_order_and_summary),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
