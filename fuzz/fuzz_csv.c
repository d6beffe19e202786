/* Fuzz target for the delimited-text readers: the whole reading path
 * (registry, gzip detection, block cutting, header and schema detection,
 * the parallel parser, long-format aggregation, the grid builder) on
 * arbitrary bytes through ig__grid_read_mem_blocks().
 *
 * The first byte picks one of four option sets (Eurostat defaults; x/y with
 * expressions, total, by and keep; long format; an id column with within,
 * na-as-zero and strict); the rest is the input. Properties checked (each
 * failure aborts):
 *  - no crash, UB, leak or hang on any input (line and byte limits are small);
 *  - a failure fills the error detail: same status, a message, the name;
 *  - the result does not depend on how the input is cut into blocks: reading
 *    with 1 MiB blocks and with tiny blocks (1-64 bytes) gives the same
 *    status, the same error line and column, or grids with the same cells
 *    and counts. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integrid/integrid.h"
#include "io/io_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_csv: %s\n", what);
    abort();
}

static void set_opts(ig_read_opts *o, int which)
{
    static const char *const g1[] = {"A", "B=C+D%T", "E=F*T"};
    static const char *const keep[] = {"K"};
    static const char *const g3[] = {"A", "B"};
    ig_read_opts_init(o);
    o->max_line_bytes = 1 << 12;
    o->max_bytes = 1 << 20;
    /* Detection from a sample would differ between block sizes. */
    o->decimal_comma = 0;
    switch (which) {
        case 1:
            o->groups = g1;
            o->n_groups = 3;
            o->total_col = "T";
            o->by_col = "P";
            o->keep = keep;
            o->n_keep = 1;
            o->x_col = "x";
            o->y_col = "y";
            o->origin = IG_ORIGIN_LL;
            o->cell_size_m = 100;
            o->na_values = "NA,-1,.";
            break;
        case 2:
            o->long_spec = "u,g,n";
            o->by_col = "P";
            o->decimal_comma = 1;
            o->delimiter = ';';
            break;
        case 3:
            o->cell_col = "id";
            o->groups = g3;
            o->n_groups = 2;
            o->within_col = "W";
            o->na_as_zero = 1;
            o->strict = 1;
            break;
        default:
            break;
    }
}

static int same(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    ig_read_opts o;
    set_opts(&o, data[0] & 3);
    size_t tiny = 1 + (size_t)((data[0] >> 2) & 63);
    const char *text = (const char *)data + 1;
    size_t n = size - 1;
    ig_grid *g[2] = {NULL, NULL};
    ig_error err[2];
    ig_status st[2];
    for (int k = 0; k < 2; k++) {
        memset(&err[k], 0, sizeof err[k]);
        st[k] = ig__grid_read_mem_blocks(NULL, text, n, "fuzz", &o,
                                         k ? tiny : 0, &g[k], &err[k]);
        if (st[k] != IG_OK) {
            if (g[k]) fail("a grid was returned with an error");
            if (err[k].status != st[k]) fail("error status differs");
            if (!err[k].msg[0]) fail("error without a message");
            if (strcmp(err[k].file, "fuzz") != 0) fail("error without file");
        } else if (!g[k]) {
            fail("IG_OK without a grid");
        }
    }
    if (st[0] != st[1]) fail("block size changed the status");
    if (st[0] != IG_OK) {
        if (err[0].line != err[1].line || err[0].column != err[1].column)
            fail("block size changed the error position");
        return 0;
    }
    size_t nc = ig_grid_ncells(g[0]), ng = ig_grid_ngroups(g[0]);
    if (nc != ig_grid_ncells(g[1]) || ng != ig_grid_ngroups(g[1]))
        fail("block size changed the grid's shape");
    for (size_t gi = 0; gi < ng; gi++) {
        const double *a = ig_grid_counts(g[0], gi),
                     *b = ig_grid_counts(g[1], gi);
        for (size_t i = 0; i < nc; i++) {
            if (!same(a[i], b[i])) fail("block size changed a count");
            if (!(a[i] >= 0.0) || !isfinite(a[i])) fail("bad count");
        }
    }
    if (ig_grid_get_stats(g[0])->rows_read !=
        ig_grid_get_stats(g[1])->rows_read)
        fail("block size changed rows_read");
    ig_grid_destroy(g[0]);
    ig_grid_destroy(g[1]);
    return 0;
}
