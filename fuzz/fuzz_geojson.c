/* Fuzz target for the GeoJSON boundary reader (ig_boundaries_read_mem) and
 * the cell assignment that follows it.
 *
 * The first byte picks the options: bit 0 clear gives src_crs "EPSG:3035"
 * (no PROJ), set leaves the CRS to the file (crs member, else lon/lat
 * through PROJ); bit 1 reads ids and names from the properties "id" and
 * "na". The rest is the input. Properties checked (each failure aborts):
 *  - no crash, UB, leak or hang on any input;
 *  - a failure fills the error detail (same status, a message, the name)
 *    and returns no object;
 *  - a success has at least one place, each with an id, a name, a finite
 *    area >= 0 (holes may exceed a broken exterior: only finiteness is
 *    required) and consistent polygon counts;
 *  - assigning a fixed 12 x 12 grid of 1 m cells around the origin, by
 *    centre and by area: offsets ascend, each place's cells ascend and are
 *    cells of the grid, a centre-mode cell is in at most one place,
 *    area-mode weights are in (0, 1] and add up to at most 1 per cell;
 *    unassigned and empty-place counts match the lists. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integrid/ig_boundaries.h"
#include "integrid/integrid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_geojson: %s\n", what);
    abort();
}

enum { SIDE = 12 };

static ig_grid *small_grid(void)
{
    static const char *const groups[] = {"A"};
    ig_grid_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.size_m = 1;
    spec.n_groups = 1;
    spec.group_names = groups;
    ig_grid_builder *gb = NULL;
    if (ig_grid_builder_create(NULL, &spec, &gb, NULL) != IG_OK)
        fail("grid builder");
    for (int r = 0; r < SIDE; r++)
        for (int c = 0; c < SIDE; c++) {
            double one = 1.0;
            ig_grid_row row;
            memset(&row, 0, sizeof row);
            row.cell.north_m = r - SIDE / 2;
            row.cell.east_m = c - SIDE / 2;
            row.cell.size_m = 1;
            row.cell.epsg = 3035;
            row.counts = &one;
            if (ig_grid_builder_add(gb, &row, NULL) != IG_OK) fail("grid add");
        }
    ig_grid *g = NULL;
    if (ig_grid_builder_finish(gb, &g, NULL) != IG_OK) fail("grid finish");
    ig_grid_builder_destroy(gb);
    return g;
}

static void check_assignment(const ig_boundaries *b, const ig_grid *g,
                             ig_assign_mode mode)
{
    ig_assignment *a = NULL;
    ig_error err;
    memset(&err, 0, sizeof err);
    if (ig_boundaries_assign(NULL, b, g, mode, &a, &err) != IG_OK)
        fail("assignment failed");
    size_t n = ig_grid_ncells(g), np = ig_assignment_nplaces(a);
    if (np != ig_boundaries_count(b)) fail("place count");
    const size_t *off = ig_assignment_offsets(a);
    const size_t *cells = ig_assignment_cells(a);
    const double *w = ig_assignment_weights(a);
    if ((mode == IG_ASSIGN_AREA) != (w != NULL)) fail("weights by mode");
    double sum[SIDE * SIDE];
    int hits[SIDE * SIDE];
    memset(sum, 0, sizeof sum);
    memset(hits, 0, sizeof hits);
    if (off[0] != 0) fail("first offset");
    size_t empty = 0;
    for (size_t p = 0; p < np; p++) {
        if (off[p + 1] < off[p]) fail("offsets descend");
        if (off[p + 1] == off[p]) empty++;
        if (ig_assignment_place_cells(a, p) != off[p + 1] - off[p])
            fail("place_cells");
        for (size_t k = off[p]; k < off[p + 1]; k++) {
            if (cells[k] >= n) fail("cell out of range");
            if (k > off[p] && cells[k] <= cells[k - 1]) fail("cells order");
            hits[cells[k]]++;
            if (w) {
                if (!(w[k] > 0.0 && w[k] <= 1.0)) fail("weight range");
                sum[cells[k]] += w[k];
            }
        }
    }
    size_t none = 0;
    for (size_t i = 0; i < n; i++) {
        if (hits[i] == 0) none++;
        if (!w && hits[i] > 1) fail("a cell in two places by centre");
        if (w && sum[i] > 1.0 + 1e-9) fail("weights above 1");
    }
    if (none != ig_assignment_unassigned(a)) fail("unassigned count");
    if (empty != ig_assignment_empty_places(a)) fail("empty count");
    ig_assignment_destroy(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    ig_boundaries_opts o;
    memset(&o, 0, sizeof o);
    if (!(data[0] & 1)) o.src_crs = "EPSG:3035";
    if (data[0] & 2) {
        o.id_prop = "id";
        o.name_prop = "na";
    }
    const char *text = (const char *)data + 1;
    size_t n = size - 1;
    ig_boundaries *b = NULL;
    ig_error err;
    memset(&err, 0, sizeof err);
    ig_status st = ig_boundaries_read_mem(NULL, text, n, "fuzz", &o, &b, &err);
    if (st != IG_OK) {
        if (b) fail("an object was returned with an error");
        if (err.status != st) fail("error status differs");
        if (!err.msg[0]) fail("error without a message");
        if (strcmp(err.file, "fuzz") != 0) fail("error without the name");
        return 0;
    }
    if (!b) fail("IG_OK without an object");
    size_t count = ig_boundaries_count(b);
    if (count == 0) fail("no places");
    for (size_t i = 0; i < count; i++) {
        if (!ig_boundaries_id(b, i) || !ig_boundaries_name(b, i))
            fail("missing id or name");
        if (!isfinite(ig_boundaries_area_m2(b, i))) fail("area not finite");
        ig_bbox bb;
        ig_status bs = ig_boundaries_bbox(b, i, &bb);
        if ((bs == IG_OK) != (ig_boundaries_npolygons(b, i) > 0))
            fail("bbox without polygons");
        if (bs == IG_OK && !(bb.min_x <= bb.max_x && bb.min_y <= bb.max_y))
            fail("bbox inverted");
    }
    if (ig_boundaries_id(b, count) != NULL) fail("id past the end");
    ig_grid *g = small_grid();
    check_assignment(b, g, IG_ASSIGN_CENTRE);
    check_assignment(b, g, IG_ASSIGN_AREA);
    ig_grid_destroy(g);
    ig_boundaries_destroy(b);
    return 0;
}
