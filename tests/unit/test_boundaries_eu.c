/* Boundaries on the whole EU 1 km census grid (slow: reads 1.9 M rows).
 * - Grenoble's 53 municipalities (Shapefile, Lambert-93, via GDAL): the
 *   residents assigned by centre and by area add up to what the household
 *   counts of grenoble_household_size.csv imply, and agree per
 *   municipality;
 * - the NUTS 2021 countries: every cell's centre lies in the polygon of
 *   its own country (CNTR_ID) for 98 % of the cells with one country. */
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
#include "integrid/integrid.h"
#include "test_support.h"

static ig_grid *eu_grid(const char *by)
{
    const char *path = shared_path("eu_census2021_grid1km.csv.gz");
    if (!path) return NULL;
    ig_read_opts ro;
    ig_read_opts_init(&ro);
    ro.total_col = "T";
    ro.by_col = by;
    ig_grid *g = NULL;
    ig_error err = {0};
    if (ig_grid_read_path(NULL, path, &ro, &g, &err) != IG_OK)
        fail_msg("reading the EU grid: %s", err.msg);
    return g;
}

static void test_grenoble(void **state)
{
    (void)state;
    const char *shp = shared_path("segregation_reference/GreHSize.shp");
    const char *csv =
        shared_path("segregation_reference/grenoble_household_size.csv");
    if (!shp || !csv || !IG_HAVE_GDAL || !IG_HAVE_PROJ) skip();
    ig_grid *g = eu_grid(NULL);
    if (!g) skip();
    ig_boundaries *b = NULL;
    ig_error err = {0};
    assert_int_equal(ig_boundaries_read_path(NULL, shp, NULL, &b, &err), IG_OK);
    assert_int_equal(ig_boundaries_count(b), 53);
    double hh[53];
    FILE *fp = fopen(csv, "r");
    assert_non_null(fp);
    char line[512];
    assert_non_null(fgets(line, sizeof line, fp));
    double hh_all = 0.0;
    for (size_t i = 0; i < 53; i++) {
        assert_non_null(fgets(line, sizeof line, fp));
        /* "code","name",small,medium,large,cx,cy,area */
        char *p = line;
        for (int k = 0; k < 2; k++) p = strchr(p, ',') + 1;
        double s = strtod(p, &p);
        double m = strtod(p + 1, &p);
        double l = strtod(p + 1, &p);
        hh[i] = s + m + l;
        hh_all += hh[i];
    }
    fclose(fp);
    const double *t = ig_grid_totals(g);
    for (int mode = 0; mode < 2; mode++) {
        ig_assignment *a = NULL;
        assert_int_equal(
            ig_boundaries_assign(NULL, b, g, (ig_assign_mode)mode, &a, &err),
            IG_OK);
        const size_t *off = ig_assignment_offsets(a),
                     *cells = ig_assignment_cells(a);
        const double *w = ig_assignment_weights(a);
        double pop[53], all = 0.0;
        for (size_t p = 0; p < 53; p++) {
            pop[p] = 0.0;
            for (size_t k = off[p]; k < off[p + 1]; k++)
                pop[p] += t[cells[k]] * (w ? w[k] : 1.0);
            all += pop[p];
        }
        /* 225,100 households (2011) at 2.0 to 2.4 people each */
        double per_hh = all / hh_all;
        if (per_hh < 1.9 || per_hh > 2.5)
            fail_msg("mode %d: %.0f residents for %.0f households", mode, all,
                     hh_all);
        /* per municipality: the larger ones within 35 % of the same ratio
         * (1 km cells are coarse next to 3-20 km2 municipalities) */
        int big = 0, close = 0;
        for (size_t p = 0; p < 53; p++) {
            if (hh[p] < 3000) continue;
            big++;
            if (fabs(pop[p] / hh[p] / per_hh - 1.0) < 0.35) close++;
        }
        if (close < big * 9 / 10)
            fail_msg("mode %d: %d of %d large municipalities agree", mode,
                     close, big);
        ig_assignment_destroy(a);
    }
    ig_boundaries_destroy(b);
    ig_grid_destroy(g);
}

static void test_nuts_countries(void **state)
{
    (void)state;
    const char *path =
        shared_path("boundaries/nuts2021_3035_20M_level0.geojson");
    if (!path) skip();
    ig_grid *g = eu_grid("CNTR_ID");
    if (!g) skip();
    ig_boundaries *b = NULL;
    ig_error err = {0};
    assert_int_equal(ig_boundaries_read_path(NULL, path, NULL, &b, &err),
                     IG_OK);
    ig_assignment *a = NULL;
    assert_int_equal(
        ig_boundaries_assign(NULL, b, g, IG_ASSIGN_CENTRE, &a, &err), IG_OK);
    size_t n = ig_grid_ncells(g);
    size_t *who = calloc(n, sizeof *who);
    assert_non_null(who);
    const size_t *off = ig_assignment_offsets(a),
                 *cells = ig_assignment_cells(a);
    for (size_t p = 0; p < ig_boundaries_count(b); p++)
        for (size_t k = off[p]; k < off[p + 1]; k++) who[cells[k]] = p + 1;
    size_t same = 0, single = 0;
    for (size_t pl = 0; pl < ig_grid_nplaces(g); pl++) {
        const char *cn = ig_grid_place_name(g, pl);
        if (strlen(cn) != 2) continue;
        size_t first, cnt;
        assert_int_equal(ig_grid_place_range(g, pl, &first, &cnt), IG_OK);
        for (size_t i = first; i < first + cnt; i++) {
            single++;
            if (who[i] && strcmp(ig_boundaries_id(b, who[i] - 1), cn) == 0)
                same++;
        }
    }
    if ((double)same < 0.98 * (double)single)
        fail_msg("%zu of %zu cells in their own country", same, single);
    free(who);
    ig_assignment_destroy(a);
    ig_boundaries_destroy(b);
    ig_grid_destroy(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grenoble),
        cmocka_unit_test(test_nuts_countries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
