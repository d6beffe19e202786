/* DEGURBA on the Eurostat Census 2021 1 km grid (EU+EFTA, 1.9 M cells):
 * level 1 must give a plausible number of urban centres (several hundred);
 * level 2 must refine level 1 cell by cell, with plausible counts of towns
 * and villages, and its place table must build. Population is the T
 * column; density uses LAND_SURFACE. Skipped when ../shared/data is
 * missing; labelled slow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "integrid/ig_places.h"
#include "test_support.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void test_eu_urban_centres(void **state)
{
    (void)state;
    const char *path = shared_path("eu_census2021_grid1km.csv.gz");
    if (!path) skip();
    static const char *const groups[] = {"NAT", "EU_OTH", "OTH"};
    static const char *const keep[] = {"LAND_SURFACE"};
    ig_read_opts ro;
    ig_read_opts_init(&ro);
    ro.groups = groups;
    ro.n_groups = 3;
    ro.total_col = "T";
    ro.keep = keep;
    ro.n_keep = 1;
    ig_grid *g = NULL;
    ig_error err = {0};
    double t0 = now_s();
    ig_status st = ig_grid_read_path(NULL, path, &ro, &g, &err);
    if (st != IG_OK) fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(st, IG_OK);
    double t1 = now_s();
    size_t n = ig_grid_ncells(g);
    uint8_t *cls = malloc(n);
    uint32_t *place = malloc(n * sizeof *place);
    assert_non_null(cls);
    assert_non_null(place);
    ig_degurba_opts o;
    ig_degurba_opts_init(&o);
    o.land_area_var = "LAND_SURFACE";
    ig_degurba_summary sum;
    st = ig_degurba_classify(NULL, g, &o, cls, place, &sum, &err);
    if (st != IG_OK) fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(st, IG_OK);
    double t2 = now_s();
    double tot = sum.pop_centre + sum.pop_cluster + sum.pop_rural;
    fprintf(stderr,
            "degurba EU: %zu cells, window %llu cells, %zu urban centres, "
            "%zu urban clusters; population %.0f: centres %.1f %%, cluster "
            "cells %.1f %%, rural %.1f %%; read %.2f s, classify %.2f s\n",
            n, (unsigned long long)sum.window_cells, sum.n_centres,
            sum.n_clusters, tot, 100 * sum.pop_centre / tot,
            100 * sum.pop_cluster / tot, 100 * sum.pop_rural / tot, t1 - t0,
            t2 - t1);
    assert_in_range(sum.n_centres, 500, 1200);
    assert_true(sum.n_clusters > sum.n_centres);
    /* no class 0 on a whole-grid run; ids within range */
    for (size_t i = 0; i < n; i++) {
        assert_true(cls[i] >= IG_DEGURBA_RURAL &&
                    cls[i] <= IG_DEGURBA_URBAN_CENTRE);
        assert_true(place[i] <= sum.n_places);
    }

    /* level 2 */
    uint8_t *cls2 = malloc(n);
    uint32_t *place2 = malloc(n * sizeof *place2);
    assert_non_null(cls2);
    assert_non_null(place2);
    o.level = 2;
    ig_degurba_summary s2;
    double t3 = now_s();
    st = ig_degurba_classify(NULL, g, &o, cls2, place2, &s2, &err);
    if (st != IG_OK) fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(st, IG_OK);
    double t4 = now_s();
    static const int codes[8] = {30, 23, 22, 21, 13, 12, 11, 10};
    fprintf(stderr,
            "degurba EU level 2: %zu centres, %zu dense urban clusters, %zu "
            "semi-dense urban clusters, %zu rural clusters; classify %.2f s\n",
            s2.n_centres, s2.n_dense, s2.n_semi_dense, s2.n_rural_clusters,
            t4 - t3);
    for (int k = 0; k < 8; k++)
        fprintf(stderr, "  %2d %-26s %8llu cells %6.2f %% of people\n",
                codes[k], ig_degurba_class_name(codes[k]),
                (unsigned long long)s2.class_cells[codes[k]],
                100 * s2.class_pop[codes[k]] / tot);
    assert_int_equal(s2.n_centres, sum.n_centres);
    assert_int_equal(s2.n_clusters, sum.n_clusters);
    assert_true(s2.pop_centre == sum.pop_centre);
    assert_true(s2.pop_cluster == sum.pop_cluster);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(ig_degurba_level1_of(cls2[i]), cls[i]);
        assert_true(place2[i] <= s2.n_places);
    }
    /* several hundred towns, thousands of villages */
    assert_true(s2.n_dense > 500 && s2.n_dense < 20000);
    assert_true(s2.n_semi_dense > 200 && s2.n_semi_dense < s2.n_clusters);
    assert_true(s2.n_rural_clusters > s2.n_dense);
    for (int k = 0; k < 8; k++) {
        if (codes[k] == 10) continue; /* hardly any uninhabited cells */
        assert_true(s2.class_cells[codes[k]] > 0);
    }
    double t5 = now_s();
    ig_place_table_opts topt = {"LAND_SURFACE", 0};
    ig_place_table *tab = NULL;
    st = ig_place_table_build(NULL, g, place2, &s2, &topt, &tab, &err);
    if (st != IG_OK) fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(st, IG_OK);
    assert_int_equal(ig_place_table_count(tab), s2.n_places);
    fprintf(stderr, "degurba EU level 2 place table: %zu rows, %.2f s\n",
            ig_place_table_count(tab), now_s() - t5);
    ig_place_table_destroy(tab);
    free(cls2);
    free(place2);
    free(cls);
    free(place);
    ig_grid_destroy(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eu_urban_centres),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
