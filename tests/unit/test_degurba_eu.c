/* DEGURBA level 1 on the Eurostat Census 2021 1 km grid (EU+EFTA, 1.9 M
 * cells): the number of urban centres must be plausible (several hundred).
 * Population is the T column; density uses LAND_SURFACE. Skipped when
 * ../shared/data is missing; labelled slow. */
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
