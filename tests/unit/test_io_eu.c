/* The 1.9 M-row Eurostat Census 2021 1 km grid (gzip, 217 MB inflated),
 * read with one and two threads: row and cell counts, places, flags, and
 * identical grids. Skipped when ../shared/data is missing; labelled slow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_io_util.h"

static void test_eu_grid(void **state)
{
    (void)state;
    const char *path = shared_path("eu_census2021_grid1km.csv.gz");
    if (!path) skip();
    ig_read_opts o;
    ig_read_opts_init(&o);
    o.by_col = "CNTR_ID";
    ig_grid *g[2] = {NULL, NULL};
    ig_ctx *ctxs[2];
    for (int t = 0; t < 2; t++) {
        ig_ctx *ctx = ctxs[t] = ctx_threads(t + 1, NULL);
        ig_error err = {0};
        ig_status st = ig_grid_read_path(ctx, path, &o, &g[t], &err);
        if (st != IG_OK) fprintf(stderr, "%s\n", err.msg);
        assert_int_equal(st, IG_OK);
    }
    const ig_grid_stats *s = ig_grid_get_stats(g[0]);
    assert_int_equal(s->rows_read, 1906023);
    assert_int_equal(ig_grid_ncells(g[0]), 1906023);
    assert_int_equal(s->duplicates, 0);
    assert_int_equal(s->gzip, 1);
    assert_string_equal(s->format, "eurostat");
    /* NAT_CI / EU_OTH_CI / OTH_CI set on 209,912 rows (counted with awk). */
    assert_int_equal(s->cells_flagged, 209912);
    assert_int_equal(ig_grid_cell_size_m(g[0]), 1000);
    assert_true(ig_grid_nplaces(g[0]) > 30);
    assert_string_equal(ig_grid_place_name(g[0], 0), ""); /* no CNTR_ID */
    size_t first, count;
    assert_int_equal(ig_grid_place_range(g[0], 0, &first, &count), IG_OK);
    assert_int_equal(count, 4424);
    grids_equal(g[0], g[1]);
    ig_grid_destroy(g[0]);
    ig_grid_destroy(g[1]);
    ig_ctx_destroy(ctxs[0]);
    ig_ctx_destroy(ctxs[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eu_grid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
