/* bench_focal: kernel focal sums (ig_neighbourhoods) on country-size grids,
 * reported as RATIOS to baselines timed in the same run:
 *   baseline.ksum      one compensated summing pass over the group counts
 *                      and totals (what bench_measures calls its baseline)
 *   baseline.aspatial  one ig_measures_run of every non-simulated,
 *                      non-spatial measure on the same grid (the pass a
 *                      profile's aspatial measures cost)
 *
 * Part "eu": a sparse 1 km country (default 1.9 M populated cells scattered
 * over coasts and holes of a larger extent, like the EU 1 km census grid;
 * or --grid FILE, e.g. the real EU grid), 3 groups, the flat disc at 8
 * radii (one below the cell size). The target of issue #4 is a whole
 * 8-radius profile within 4x the aspatial pass, so each radius should cost
 * well under 0.5x of it.
 * Part "dense": the 4 M-cell 100 m model grid of bench.h (a 2000 x 2000
 * square), every kernel at radii 100 .. 5000 m.
 *
 * Output: one parseable line per item, e.g.
 *   bench focal.eu.disc r=2000 cells=1900000 reps=5 median_ms=12.3
 *         ns_per_cell=6.5 ratio_to_sum=1.6 ratio_to_aspatial=0.18
 * Public API only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bench_grid.h"
#include "integrid/integrid.h"

static void usage(FILE *f)
{
    fputs(
        "usage: bench_focal [--grid FILE] [--cells N] [--runs R]\n"
        "                   [--threads T] [--only eu|dense]\n"
        "  --grid FILE  part eu on this grid (3 groups detected or NAT,\n"
        "               EU_OTH, OTH) instead of the synthetic one\n"
        "  --cells N    populated cells of the synthetic part eu (1.9e6)\n"
        "  --runs R     timed runs per item, median reported (default 5)\n"
        "  --threads T  threads for the focal sums (default 1, as the\n"
        "               baselines)\n"
        "  --only PART  eu or dense\n",
        f);
}

/* ---- the sparse 1 km country --------------------------------------------- */

/* Land: a coarse value-noise field (continents ~250 km, coasts ~40 km)
 * above a level; on land, 45 % of the cells have residents (the EU grid
 * keeps only populated cells: about 1.9 M of 4.3 M km2 of land). */
static int populated(uint64_t seed, int64_t r, int64_t c, uint64_t i)
{
    double land = 0.7 * bench_noise(seed, 91, r, c, 250) +
                  0.3 * bench_noise(seed, 92, r, c, 40);
    if (land < -0.1) return 0;
    return bench_unit(bench_hash3(seed, i, 0x1a4du)) < 0.45;
}

/* The first `cells` populated cells of a side x side extent, row by row,
 * through the public builder. */
static ig_grid *sparse_grid(uint64_t seed, uint64_t cells)
{
    uint64_t side = (uint64_t)ceil(sqrt((double)cells / 0.2));
    bench_grid_model m;
    bench_model_init(&m, seed, side * side, 3, 1000);
    char namebuf[3 * 16];
    const char *names[3];
    bench_group_names(3, namebuf, names);
    ig_grid_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.size_m = 1000;
    spec.epsg = 3035;
    spec.n_groups = 3;
    spec.group_names = names;
    ig_grid_builder *b = NULL;
    ig_error err = {0};
    ig_status st = ig_grid_builder_create(NULL, &spec, &b, &err);
    uint64_t n = 0;
    double counts[3];
    for (uint64_t i = 0; st == IG_OK && i < side * side && n < cells; i++) {
        int64_t r = (int64_t)(i / side), c = (int64_t)(i % side);
        if (!populated(seed, r, c, i)) continue;
        int64_t row, col;
        bench_model_cell(&m, i, &row, &col, counts);
        ig_grid_row gr;
        memset(&gr, 0, sizeof gr);
        gr.cell.north_m = row * 1000;
        gr.cell.east_m = col * 1000;
        gr.cell.size_m = 1000;
        gr.cell.epsg = 3035;
        gr.counts = counts;
        st = ig_grid_builder_add(b, &gr, &err);
        n++;
    }
    ig_grid *g = NULL;
    if (st == IG_OK) st = ig_grid_builder_finish(b, &g, &err);
    ig_grid_builder_destroy(b);
    if (st != IG_OK) {
        char msg[1024];
        fprintf(stderr, "bench_focal: building the grid failed: %s\n",
                ig_error_format(&err, msg, sizeof msg));
        return NULL;
    }
    return g;
}

static ig_grid *read_grid(const char *path)
{
    ig_read_opts o;
    ig_read_opts_init(&o);
    ig_grid *g = NULL;
    ig_error err = {0};
    if (ig_grid_read_path(NULL, path, &o, &g, &err) != IG_OK) {
        char msg[1024];
        fprintf(stderr, "bench_focal: %s\n",
                ig_error_format(&err, msg, sizeof msg));
        return NULL;
    }
    return g;
}

/* ---- baselines ------------------------------------------------------------
 */

typedef struct base {
    double sum_ms, run_ms; /* run_ms 0 when not measured */
} base;

static double time_ksum(const ig_grid *g, int runs)
{
    size_t n = ig_grid_ncells(g), G = ig_grid_ngroups(g);
    volatile double sink = 0.0;
    double ms;
    IG_BENCH_TIME(ms, runs, {
        double s = bench_ksum(ig_grid_totals(g), n);
        for (size_t k = 0; k < G; k++) s += bench_ksum(ig_grid_counts(g, k), n);
        sink = s;
    });
    (void)sink;
    return ms;
}

/* Every non-simulated, non-spatial measure in one ig_measures_run. */
static double time_aspatial(const ig_grid *g, int runs, size_t *n_measures)
{
    const char *names[256];
    size_t nn = 0;
    for (size_t i = 0; i < ig_measure_count() && nn < 256; i++) {
        const ig_measure_info *m = ig_measure_get(i);
        if (m->flags & (IG_MF_SIMULATED | IG_MF_SPATIAL)) continue;
        names[nn++] = m->name;
    }
    ig_run_opts ro;
    ig_run_opts_init(&ro);
    ro.measures = names;
    ro.n_measures = nn;
    ig_results *res = NULL;
    ig_status st = IG_OK;
    double ms;
    IG_BENCH_TIME(ms, runs, {
        ig_results_destroy(res);
        res = NULL;
        st = ig_measures_run(NULL, g, &ro, &res, NULL);
    });
    ig_results_destroy(res);
    *n_measures = nn;
    return st == IG_OK ? ms : 0.0;
}

/* ---- focal sums ------------------------------------------------------------
 */

typedef struct focal_in {
    ig_lattice L;
    const double *counts[64];
    size_t n;
    double *out;
    ig_ctx *ctx;
} focal_in;

static int focal_setup(focal_in *f, const ig_grid *g, int threads)
{
    memset(f, 0, sizeof *f);
    f->n = ig_grid_ncells(g);
    size_t G = ig_grid_ngroups(g);
    if (G > 63) G = 63;
    for (size_t k = 0; k < G; k++) f->counts[k] = ig_grid_counts(g, k);
    ig_lattice L = {f->n,      ig_grid_rows(g),   ig_grid_cols(g),       G,
                    f->counts, ig_grid_totals(g), ig_grid_cell_size_m(g)};
    f->L = L;
    f->out = malloc((G + 1) * f->n * sizeof *f->out);
    ig_ctx_opts co;
    memset(&co, 0, sizeof co);
    co.n_threads = threads;
    if (!f->out || ig_ctx_create(&co, &f->ctx) != IG_OK) return 0;
    return 1;
}

static void focal_done(focal_in *f)
{
    free(f->out);
    ig_ctx_destroy(f->ctx);
}

/* Time one scale; prints the line; returns the median ms (< 0 on error). */
static double time_scale(focal_in *f, const char *part, ig_kernel k, double r,
                         int runs, const base *b)
{
    ig_scale s = {k, r, 0.0};
    ig_status st = IG_OK;
    ig_error err = {0};
    double ms;
    IG_BENCH_TIME(ms, runs, {
        st = ig_neighbourhoods(f->ctx, &f->L, f->n, f->L.row, f->L.col, &s,
                               f->out, NULL, &err);
    });
    /* a checksum of the population sums, to compare builds */
    double pop = bench_ksum(f->out + f->L.n_groups * f->n, f->n);
    printf(
        "bench focal.%s.%s r=%g cells=%zu reps=%d median_ms=%.3f "
        "ns_per_cell=%.2f ratio_to_sum=%.2f",
        part, ig_kernel_name(k), r, f->n, runs, ms, ms * 1e6 / (double)f->n,
        ms / b->sum_ms);
    if (b->run_ms > 0.0) printf(" ratio_to_aspatial=%.3f", ms / b->run_ms);
    if (st == IG_OK) {
        printf(" pop_sum=%.6e\n", pop);
        return ms;
    }
    printf(" status=%s (%s)\n", ig_strerror(st), err.msg);
    return -1.0;
}

static int part_eu(const char *path, uint64_t cells, int runs, int threads)
{
    double t0 = bench_now_ms();
    ig_grid *g = path ? read_grid(path) : sparse_grid(1, cells);
    if (!g) return 1;
    ig_extent ext;
    size_t n = ig_grid_ncells(g);
    if (ig_grid_extent(g, &ext) != IG_OK) memset(&ext, 0, sizeof ext);
    printf("bench grid.eu source=%s cells=%zu groups=%zu build_ms=%.0f\n",
           path ? path : "synthetic", n, ig_grid_ngroups(g),
           bench_now_ms() - t0);
    base b;
    size_t nm = 0;
    b.sum_ms = time_ksum(g, runs);
    b.run_ms = time_aspatial(g, runs, &nm);
    printf("bench baseline.ksum cells=%zu reps=%d median_ms=%.3f\n", n, runs,
           b.sum_ms);
    printf(
        "bench baseline.aspatial cells=%zu measures=%zu reps=%d "
        "median_ms=%.3f ratio_to_sum=%.2f\n",
        n, nm, runs, b.run_ms, b.run_ms / b.sum_ms);
    focal_in f;
    int bad = 0;
    if (!focal_setup(&f, g, threads)) {
        fprintf(stderr, "bench_focal: out of memory\n");
        ig_grid_destroy(g);
        return 1;
    }
    static const double radii[8] = {500,  1000, 1500, 2000,
                                    2500, 3000, 4000, 5000};
    double total = 0.0;
    for (int i = 0; i < 8; i++) {
        double ms = time_scale(&f, "eu", IG_KERNEL_DISC, radii[i], runs, &b);
        if (ms < 0.0) bad = 1;
        total += ms;
    }
    printf(
        "bench focal.eu.profile8 threads=%d total_ms=%.3f "
        "ratio_to_aspatial=%.3f\n",
        threads, total, b.run_ms > 0 ? total / b.run_ms : 0.0);
    focal_done(&f);
    ig_grid_destroy(g);
    return bad;
}

static int part_dense(int runs, int threads)
{
    double t0 = bench_now_ms();
    ig_grid *g = bench_build_grid("bench_focal", 1, 4000000, 3, 100);
    if (!g) return 1;
    size_t n = ig_grid_ncells(g);
    printf("bench grid.dense cells=%zu res_m=100 build_ms=%.0f\n", n,
           bench_now_ms() - t0);
    base b;
    b.sum_ms = time_ksum(g, runs);
    b.run_ms = 0.0;
    printf("bench baseline.ksum cells=%zu reps=%d median_ms=%.3f\n", n, runs,
           b.sum_ms);
    focal_in f;
    int bad = 0;
    if (!focal_setup(&f, g, threads)) {
        ig_grid_destroy(g);
        return 1;
    }
    static const double radii[6] = {100, 200, 500, 1000, 2000, 5000};
    for (int k = 0; k < IG_KERNEL_COUNT; k++)
        for (int i = 0; i < 6; i++)
            if (time_scale(&f, "dense", (ig_kernel)k, radii[i], runs, &b) < 0)
                bad = 1;
    focal_done(&f);
    ig_grid_destroy(g);
    return bad;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char *path = NULL, *only = NULL;
    uint64_t cells = 1900000;
    long runs = 5, threads = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "bench_focal: %s needs a value\n", a);
            return 2;
        }
        const char *v = argv[++i];
        if (strcmp(a, "--grid") == 0)
            path = v;
        else if (strcmp(a, "--cells") == 0)
            cells = bench_parse_count(v);
        else if (strcmp(a, "--runs") == 0)
            runs = strtol(v, NULL, 10);
        else if (strcmp(a, "--threads") == 0)
            threads = strtol(v, NULL, 10);
        else if (strcmp(a, "--only") == 0)
            only = v;
        else {
            fprintf(stderr, "bench_focal: unknown option %s\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (cells < 1000 || cells > 50000000u || runs < 1 ||
        runs > IG_BENCH_MAX_RUNS || threads < 1 || threads > 256) {
        fprintf(stderr,
                "bench_focal: need 1e3 <= --cells <= 5e7, "
                "1 <= --runs <= %d, 1 <= --threads <= 256\n",
                IG_BENCH_MAX_RUNS);
        return 2;
    }
    int bad = 0;
    if (!only || strcmp(only, "eu") == 0)
        bad |= part_eu(path, cells, (int)runs, (int)threads);
    if (!only || strcmp(only, "dense") == 0)
        bad |= part_dense((int)runs, (int)threads);
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        printf("bench memory peak_rss_mb=%.1f\n",
               (double)ru.ru_maxrss / 1024.0);
    return bad;
}
