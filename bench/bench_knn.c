/* bench_knn: the issue #4 speed targets for individualised neighbourhoods
 * (EquiPop, the k nearest residents) through ig_neighbourhoods().
 *
 * For k = 200, 400, ..., 25,600 (8 scales), the neighbourhood of every cell
 * (targets = all cells, 3 groups) is timed
 *   (a) on the real Frankfurt 100 m grid (Zensus 2011, groups born in
 *       Germany / another EU state / elsewhere, total BORN_TOTAL), skipped
 *       when ../shared/data does not have it;
 *   (b) on synthetic 100 m countries of 0.5, 1, 2 and 4 M cells (the model
 *       grid of bench.h: a square lattice, every cell populated, log-normal
 *       densities around smooth urban fields).
 * Baseline, timed in the same run on the same arrays: one compensated
 * summing pass over the group counts and the totals. It prints
 *   - a table: cells, k, wall milliseconds and the ratio to the baseline,
 *     CPU milliseconds (all threads) and CPU ns per cell, mean radius
 *     reached;
 *   - curve n: CPU ns per cell against the number of cells for each k,
 *     relative to the smallest grid (flat or growing like log n when the
 *     cost is O(n log n));
 *   - curve k: CPU time against k on the largest grid with the local
 *     exponent log(t2 / t1) / log(k2 / k1) (below 1: sub-linear in k);
 * The curves use CPU time, which a busy shared machine disturbs far less
 * than wall time.
 *   - the peak resident set size (getrusage) after the largest grid
 *     (target: below 4 GB for 4 M cells).
 * With --eu, also the EU Census 2021 1 km grid (1.9 M cells from Iceland
 * to Cyprus: islands, empty sea, k up to 100,000). Medians of --runs runs
 * (default 1 for the synthetic grids, which take tens of seconds; 5 on
 * Frankfurt). Public API only.
 *
 *   bench_knn [--data DIR] [--runs N] [--threads N] [--cells LIST]
 *             [--k LIST] [--eu] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bench.h"
#include "bench_grid.h"
#include "integrid/integrid.h"

#define MAX_K 16
#define MAX_N 16

static void die(const char *what, ig_status st, const ig_error *e)
{
    fprintf(stderr, "bench_knn: %s: %s (%s)\n", what, ig_strerror(st),
            e ? e->msg : "");
    exit(1);
}

/* A comma-separated list of counts ("0.5e6,1e6"); returns how many. */
static size_t parse_list(const char *s, double *v, size_t cap)
{
    size_t n = 0;
    char buf[512];
    snprintf(buf, sizeof buf, "%s", s);
    for (char *tok = strtok(buf, ","); tok && n < cap; tok = strtok(NULL, ",")) {
        char *end = NULL;
        double x = strtod(tok, &end);
        if (!end || *end || !(x >= 1.0)) return 0;
        v[n++] = x;
    }
    return n;
}

/* CPU time of the process (all threads, user + system), milliseconds:
 * on a busy shared machine it moves much less than wall time. */
static double cpu_ms(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static double peak_rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0; /* kilobytes on Linux */
}

typedef struct lattice_view {
    ig_lattice L;
    const double *counts[64];
    size_t n;
} lattice_view;

static void view_of(const ig_grid *g, lattice_view *v)
{
    memset(v, 0, sizeof *v);
    v->n = ig_grid_ncells(g);
    size_t ng = ig_grid_ngroups(g);
    for (size_t q = 0; q < ng && q < 64; q++) v->counts[q] = ig_grid_counts(g, q);
    v->L.n = v->n;
    v->L.row = ig_grid_rows(g);
    v->L.col = ig_grid_cols(g);
    v->L.n_groups = ng;
    v->L.counts = v->counts;
    v->L.total = ig_grid_has_total(g) ? ig_grid_totals(g) : NULL;
    v->L.cell_m = ig_grid_cell_size_m(g);
}

/* The baseline: one compensated pass over every count array and the
 * totals; the sum is printed so the pass cannot be optimised away. */
static double baseline_ms(const lattice_view *v, int runs, double *sink)
{
    double t;
    IG_BENCH_TIME(t, runs, {
        double s = 0.0;
        for (size_t q = 0; q < v->L.n_groups; q++)
            s += bench_ksum(v->counts[q], v->n);
        if (v->L.total) s += bench_ksum(v->L.total, v->n);
        *sink += s;
    });
    return t;
}

/* Median wall time of `runs` calls of ig_neighbourhoods at k for every
 * cell, and in *cpu the median CPU time (no warm-up: the output is touched
 * beforehand instead). */
static double knn_ms(ig_ctx *ctx, const lattice_view *v, double k, int runs,
                     double *out, double *reach, double *mean_reach,
                     double *cpu)
{
    double t[IG_BENCH_MAX_RUNS], c[IG_BENCH_MAX_RUNS];
    if (runs < 1) runs = 1;
    if (runs > IG_BENCH_MAX_RUNS) runs = IG_BENCH_MAX_RUNS;
    ig_scale sc;
    memset(&sc, 0, sizeof sc);
    sc.k = k;
    for (int r = 0; r < runs; r++) {
        ig_error e;
        memset(&e, 0, sizeof e);
        double c0 = cpu_ms(), t0 = bench_now_ms();
        ig_status st = ig_neighbourhoods(ctx, &v->L, v->n, v->L.row, v->L.col,
                                         &sc, out, reach, &e);
        t[r] = bench_now_ms() - t0;
        c[r] = cpu_ms() - c0;
        if (st != IG_OK) die("ig_neighbourhoods", st, &e);
    }
    *mean_reach = bench_ksum(reach, v->n) / (double)v->n;
    *cpu = bench_median(c, runs);
    return bench_median(t, runs);
}

/* Time every k on one lattice: CPU milliseconds per k in ms[] (the
 * curves use CPU time; wall time is printed beside it). */
static void run_lattice(ig_ctx *ctx, const char *name, const lattice_view *v,
                        const double *ks, size_t nk, int runs, double *ms)
{
    size_t na = v->L.n_groups + 1;
    double *out = malloc(na * v->n * sizeof *out);
    double *reach = malloc(v->n * sizeof *reach);
    if (!out || !reach) die("memory", IG_ERR_NOMEM, NULL);
    memset(out, 0, na * v->n * sizeof *out);
    memset(reach, 0, v->n * sizeof *reach);
    double sink = 0.0;
    double base = baseline_ms(v, 9, &sink);
    printf("%-10s %9zu cells  baseline (summing pass) %8.2f ms  %6.2f ns/cell"
           "  [check %.6g]\n",
           name, v->n, base, base * 1e6 / (double)v->n, sink / 10.0);
    for (size_t q = 0; q < nk; q++) {
        double mr = 0.0, cpu = 0.0;
        double wall = knn_ms(ctx, v, ks[q], runs, out, reach, &mr, &cpu);
        ms[q] = cpu;
        printf("%-10s %9zu cells  k %6.0f  wall %9.1f ms (%6.0fx baseline)  "
               "cpu %9.1f ms  %7.1f cpu-ns/cell  mean reach %6.0f m\n",
               name, v->n, ks[q], wall, wall / base, cpu,
               cpu * 1e6 / (double)v->n, mr);
        fflush(stdout);
    }
    free(out);
    free(reach);
}

int main(int argc, char **argv)
{
    const char *data = getenv("IG_SHARED_DATA");
    if (!data) data = "../shared/data";
    int runs = 1, threads = 2;
    double cells[MAX_N] = {0.5e6, 1e6, 2e6, 4e6};
    size_t n_cells = 4;
    double ks[MAX_K] = {200, 400, 800, 1600, 3200, 6400, 12800, 25600};
    size_t nk = 8;
    int eu = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
            data = argv[++i];
        else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            threads = atoi(argv[++i]);
        else if (strcmp(argv[i], "--cells") == 0 && i + 1 < argc &&
                 (n_cells = parse_list(argv[++i], cells, MAX_N)) > 0)
            ;
        else if (strcmp(argv[i], "--eu") == 0)
            eu = 1;
        else if (strcmp(argv[i], "--k") == 0 && i + 1 < argc &&
                 (nk = parse_list(argv[++i], ks, MAX_K)) > 0)
            ;
        else {
            fprintf(stderr,
                    "usage: bench_knn [--data DIR] [--runs N] [--threads N] "
                    "[--cells 0.5e6,1e6,2e6,4e6] [--k 200,400,...,25600] "
                    "[--eu]\n");
            return 2;
        }
    }
    ig_ctx_opts co;
    memset(&co, 0, sizeof co);
    co.n_threads = threads > 0 ? threads : 1;
    ig_ctx *ctx = NULL;
    if (ig_ctx_create(&co, &ctx) != IG_OK) die("context", IG_ERR_NOMEM, NULL);
    printf("bench_knn: k nearest residents of every cell, %d thread(s), "
           "median of %d run(s)\n",
           co.n_threads, runs);

    /* (a) Frankfurt */
    char path[4096];
    snprintf(path, sizeof path,
             "%s/de_frankfurt_zensus2011_100m_birth_citizenship.csv", data);
    ig_read_opts ro;
    ig_read_opts_init(&ro);
    const char *groups[] = {"DE=BORN_DE", "EU=BORN_EU27",
                            "OTHER=BORN_EUR_OTH+BORN_WORLD_OTH+BORN_OTHER"};
    ro.groups = groups;
    ro.n_groups = 3;
    ro.total_col = "BORN_TOTAL";
    ig_grid *fg = NULL;
    ig_error e;
    memset(&e, 0, sizeof e);
    if (ig_grid_read_path(ctx, path, &ro, &fg, &e) != IG_OK) {
        printf("frankfurt: skipped: cannot read %s: %s\n", path, e.msg);
    } else {
        lattice_view v;
        view_of(fg, &v);
        double ms[MAX_K];
        run_lattice(ctx, "frankfurt", &v, ks, nk, runs < 5 ? 5 : runs, ms);
        printf("curve k (frankfurt, cpu time):");
        for (size_t q = 1; q < nk; q++)
            printf(" %.0f->%.0f: %.2f", ks[q - 1], ks[q],
                   log(ms[q] / ms[q - 1]) / log(ks[q] / ks[q - 1]));
        printf("  (exponent of t in k; < 1 is sub-linear)\n");
        ig_grid_destroy(fg);
    }

    /* (c) the EU 1 km grid, on request */
    if (eu) {
        snprintf(path, sizeof path, "%s/eu_census2021_grid1km.csv.gz", data);
        ig_read_opts_init(&ro);
        ig_grid *eg = NULL;
        memset(&e, 0, sizeof e);
        if (ig_grid_read_path(ctx, path, &ro, &eg, &e) != IG_OK) {
            printf("eu1km: skipped: cannot read %s: %s\n", path, e.msg);
        } else {
            lattice_view v;
            view_of(eg, &v);
            const double ek[3] = {200, 25600, 100000};
            double ems[3];
            run_lattice(ctx, "eu1km", &v, ek, 3, 1, ems);
            ig_grid_destroy(eg);
        }
    }

    /* (b) synthetic countries */
    static double ms[MAX_N][MAX_K];
    size_t nn[MAX_N];
    double rss[MAX_N];
    for (size_t s = 0; s < n_cells; s++) {
        ig_grid *g = bench_build_grid("bench_knn", 1, (uint64_t)cells[s], 3, 100);
        if (!g) return 1;
        lattice_view v;
        view_of(g, &v);
        nn[s] = v.n;
        char name[32];
        snprintf(name, sizeof name, "synth%.1fM", (double)v.n / 1e6);
        run_lattice(ctx, name, &v, ks, nk, runs, ms[s]);
        ig_grid_destroy(g);
        rss[s] = peak_rss_mb();
        printf("%-10s peak RSS so far %.0f MB\n", name, rss[s]);
    }
    if (n_cells > 0) {
        printf("curve n: cpu-ns per cell relative to %zu cells (flat: O(n); "
               "1 + log2(n/n0) / log2(n0) for O(n log n))\n",
               nn[0]);
        for (size_t q = 0; q < nk; q++) {
            printf("  k %6.0f:", ks[q]);
            for (size_t s = 0; s < n_cells; s++)
                printf("  %zu: %.2f", nn[s],
                       (ms[s][q] / (double)nn[s]) / (ms[0][q] / (double)nn[0]));
            printf("\n");
        }
        size_t L = n_cells - 1;
        printf("curve k (%zu cells): cpu ms", nn[L]);
        for (size_t q = 0; q < nk; q++) printf(" %.0f", ms[L][q]);
        printf("\n  exponent of t in k:");
        for (size_t q = 1; q < nk; q++)
            printf(" %.0f->%.0f: %.2f", ks[q - 1], ks[q],
                   log(ms[L][q] / ms[L][q - 1]) / log(ks[q] / ks[q - 1]));
        printf("  (< 1 is sub-linear)\n");
        printf("peak RSS with %zu cells: %.0f MB (target < 4096 MB)\n", nn[L],
               rss[L]);
    }
    ig_ctx_destroy(ctx);
    return 0;
}
