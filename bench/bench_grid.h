/* Helpers shared by the benchmarks that link the library (bench_measures,
 * bench_assign): the model grid of bench.h built through the public
 * builder, and a compensated sum. Public API only; header-only, static. */
#ifndef IG_BENCH_GRID_H
#define IG_BENCH_GRID_H

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "integrid/integrid.h"

/* Neumaier's compensated sum: the same algorithm as the library's ig_ksum,
 * kept here so the benchmarks use nothing but the public API. */
static inline double bench_ksum(const double *x, size_t n)
{
    double s = 0.0, c = 0.0;
    for (size_t i = 0; i < n; i++) {
        double t = s + x[i];
        if (fabs(s) >= fabs(x[i]))
            c += (s - t) + x[i];
        else
            c += (x[i] - t) + s;
        s = t;
    }
    return s + c;
}

/* The model grid (groups <= 64, cells of res metres) through the public
 * builder; NULL after a message on stderr naming @p prog. */
static inline ig_grid *bench_build_grid(const char *prog, uint64_t seed,
                                        uint64_t cells, size_t groups,
                                        int32_t res)
{
    bench_grid_model m;
    bench_model_init(&m, seed, cells, groups, res);
    char namebuf[64 * 16];
    const char *names[64];
    bench_group_names(groups, namebuf, names);
    ig_grid_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.size_m = res;
    spec.epsg = 3035;
    spec.n_groups = groups;
    spec.group_names = names;
    ig_error err = {0};
    ig_grid_builder *b = NULL;
    ig_grid *g = NULL;
    double counts[64];
    ig_status st = ig_grid_builder_create(NULL, &spec, &b, &err);
    for (uint64_t i = 0; st == IG_OK && i < cells; i++) {
        int64_t row, col;
        bench_model_cell(&m, i, &row, &col, counts);
        ig_grid_row r;
        memset(&r, 0, sizeof r);
        r.cell.north_m = row * res;
        r.cell.east_m = col * res;
        r.cell.size_m = res;
        r.cell.epsg = 3035;
        r.counts = counts;
        st = ig_grid_builder_add(b, &r, &err);
    }
    if (st == IG_OK) st = ig_grid_builder_finish(b, &g, &err);
    ig_grid_builder_destroy(b);
    if (st != IG_OK) {
        char msg[1024];
        fprintf(stderr, "%s: building the grid failed: %s\n", prog,
                ig_error_format(&err, msg, sizeof msg));
        return NULL;
    }
    return g;
}

#endif
