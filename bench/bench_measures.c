/* bench_measures: time every registered measure on one large in-memory grid
 * and report each as a RATIO to a baseline timed in the same run: one
 * compensated (Neumaier) summing pass over the same arrays the measures
 * read. Ratios travel between machines and stay put on a busy one; raw
 * milliseconds do not. The grid (default 4,000,000 cells x 3 groups, the
 * size of a 100 m country grid) comes from the model in bench.h and is built
 * through the public builder API, so this also times ig_grid_builder_*.
 *
 * Output: one parseable line per item, e.g.
 *   bench measure.gini cells=4000000 reps=5 median_ms=410.2 ratio_to_sum=18.3
 * where reps is the number of timed runs (median taken, after one warm-up)
 * and simulated measures add sim_reps=<k>, the reduced number of random
 * draws used here (--sim-reps). Each measure goes through
 * ig_measure_compute(), so its time includes checking the counts and
 * forming the populations and totals. Then the non-simulated measures run
 * together through ig_measures_run() (run.nonsimulated: what the CLI
 * does per place), and gini is timed at n = 1e5, 1e6, 4e6 to show its
 * O(n log n) cost: ns per cell per log2(n) should stay flat. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bench_grid.h"
#include "integrid/integrid.h"

static void usage(FILE *f)
{
    fputs(
        "usage: bench_measures [--cells N] [--groups K] [--seed S]\n"
        "                      [--runs R] [--sim-reps R] [--only a,b,...]\n"
        "                      [--no-scaling] [--no-batch]\n"
        "  --cells N     grid size (default 4e6)\n"
        "  --groups K    groups (default 3)\n"
        "  --seed S      grid seed (default 1)\n"
        "  --runs R      timed runs per item, median reported (default 5)\n"
        "  --sim-reps R  random draws for simulated measures (default 10;\n"
        "                the library default is 500)\n"
        "  --only LIST   comma-separated measure ids\n"
        "  --no-scaling  skip the gini n log n series\n"
        "  --no-batch    skip the ig_measures_run line\n",
        f);
}

static int listed(const char *list, const char *name)
{
    if (!list) return 1;
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && strncmp(p, name, n) == 0) return 1;
        p += len + (e ? 1 : 0);
    }
    return 0;
}

/* Build the model grid through the public builder. *ms: the whole build
 * (model included); *model_ms: a pass of the model alone. */
static ig_grid *build_grid(uint64_t cells, size_t groups, uint64_t seed,
                           double *ms, double *model_ms)
{
    /* Time the model alone, so the builder's share can be reported. */
    bench_grid_model m;
    bench_model_init(&m, seed, cells, groups, 1000);
    double counts[64];
    double t0 = bench_now_ms(), acc = 0.0;
    for (uint64_t i = 0; i < cells; i++) {
        int64_t row, col;
        bench_model_cell(&m, i, &row, &col, counts);
        acc += counts[0] + (double)(row ^ col);
    }
    *model_ms = bench_now_ms() - t0;
    if (acc < 0.0) fprintf(stderr, "(impossible)\n"); /* keep the loop */

    t0 = bench_now_ms();
    ig_grid *g = bench_build_grid("bench_measures", seed, cells, groups, 1000);
    *ms = bench_now_ms() - t0;
    return g;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0); /* one line per item, as it comes */
    uint64_t cells = 4000000, seed = 1;
    long groups = 3, runs = 5, sim_reps = 10;
    const char *only = NULL;
    int scaling = 1, batch = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(a, "--no-scaling") == 0) {
            scaling = 0;
            continue;
        }
        if (strcmp(a, "--no-batch") == 0) {
            batch = 0;
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "bench_measures: %s needs a value\n", a);
            return 2;
        }
        const char *v = argv[++i];
        if (strcmp(a, "--cells") == 0)
            cells = bench_parse_count(v);
        else if (strcmp(a, "--groups") == 0)
            groups = strtol(v, NULL, 10);
        else if (strcmp(a, "--seed") == 0)
            seed = strtoull(v, NULL, 10);
        else if (strcmp(a, "--runs") == 0)
            runs = strtol(v, NULL, 10);
        else if (strcmp(a, "--sim-reps") == 0)
            sim_reps = strtol(v, NULL, 10);
        else if (strcmp(a, "--only") == 0)
            only = v;
        else {
            fprintf(stderr, "bench_measures: unknown option %s\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (cells < 2 || cells > 100000000u || groups < 2 || groups > 64 ||
        runs < 1 || runs > IG_BENCH_MAX_RUNS || sim_reps < 1) {
        fprintf(stderr,
                "bench_measures: need 2 <= --cells <= 1e8, "
                "2 <= --groups <= 64, 1 <= --runs <= %d, "
                "--sim-reps >= 1\n",
                IG_BENCH_MAX_RUNS);
        return 2;
    }

    double build_ms, model_ms;
    ig_grid *grid =
        build_grid(cells, (size_t)groups, seed, &build_ms, &model_ms);
    if (!grid) return 1;
    size_t n = ig_grid_ncells(grid);
    /* The builder's own cost: add + finish, without generating the cells. */
    double builder_ms = build_ms > model_ms ? build_ms - model_ms : 0.0;
    printf(
        "bench build.builder cells=%zu groups=%ld runs=1 ms=%.1f "
        "ns_per_cell=%.1f model_ms=%.1f\n",
        n, groups, builder_ms, builder_ms * 1e6 / (double)n, model_ms);

    const double *cols[64];
    for (long g = 0; g < groups; g++) cols[g] = ig_grid_counts(grid, (size_t)g);
    ig_units u;
    u.n_units = n;
    u.n_groups = (size_t)groups;
    u.counts = cols;
    u.total = ig_grid_totals(grid);

    /* Baseline: one compensated pass over every array a measure may read
     * (the group columns and the totals). */
    volatile double sink = 0.0;
    double base_ms;
    IG_BENCH_TIME(base_ms, (int)runs, {
        double s = bench_ksum(u.total, n);
        for (long g = 0; g < groups; g++) s += bench_ksum(cols[g], n);
        sink = s;
    });
    printf(
        "bench baseline.ksum cells=%zu arrays=%ld reps=%ld median_ms=%.3f "
        "ns_per_cell=%.2f\n",
        n, groups + 1, runs, base_ms, base_ms * 1e6 / (double)n);

    /* Single-group measures compare group 1 (EU_OTH, a minority) with the
     * rest of the population. */
    const size_t group = 1;
    int failures = 0;
    for (size_t i = 0; i < ig_measure_count(); i++) {
        const ig_measure_info *m = ig_measure_get(i);
        if (!listed(only, m->name)) continue;
        ig_measure_params p;
        ig_measure_params_init(&p);
        int simulated = (m->flags & IG_MF_SIMULATED) != 0;
        if (simulated) p.reps = (int)sim_reps;
        ig_status st = IG_OK;
        double value = 0.0, ms;
        ig_error err = {0};
        IG_BENCH_TIME(ms, (int)runs, {
            st = ig_measure_compute(NULL, m, &u, group, &p, &value, &err);
        });
        printf(
            "bench measure.%s cells=%zu reps=%ld median_ms=%.3f "
            "ratio_to_sum=%.2f",
            m->name, n, runs, ms, ms / base_ms);
        if (simulated) printf(" sim_reps=%ld", sim_reps);
        if (st == IG_OK) {
            printf(" value=%.6g\n", value);
        } else {
            printf(" status=%s\n", ig_strerror(st));
            failures++;
        }
    }

    /* The batch path: every non-simulated measure of the list in one
     * ig_measures_run on the whole grid (one place), on one thread like
     * the baseline. It shares work between measures (the rest of the
     * population, the units split by counts, the Gini pair sums), so its
     * cost per result row is below the single calls above. */
    if (batch) {
        const char *names[256];
        size_t nn = 0, rows_per = 0;
        for (size_t i = 0; i < ig_measure_count() && nn < 256; i++) {
            const ig_measure_info *m = ig_measure_get(i);
            if ((m->flags & IG_MF_SIMULATED) || !listed(only, m->name))
                continue;
            names[nn++] = m->name;
            rows_per += m->family == IG_FAM_SINGLE ? (size_t)groups : 1;
        }
        ig_run_opts ro;
        ig_run_opts_init(&ro);
        ro.measures = names;
        ro.n_measures = nn;
        ig_results *res = NULL;
        ig_status st = IG_OK;
        double ms;
        IG_BENCH_TIME(ms, (int)runs, {
            ig_results_destroy(res);
            res = NULL;
            st = ig_measures_run(NULL, grid, &ro, &res, NULL);
        });
        size_t bad = 0;
        for (size_t r = 0; res && r < ig_results_nrows(res); r++)
            if (ig_results_row(res, r)->status != IG_OK) bad++;
        printf(
            "bench run.nonsimulated cells=%zu measures=%zu rows=%zu "
            "threads=1 reps=%ld median_ms=%.3f ratio_to_sum=%.2f "
            "ratio_per_row=%.3f%s\n",
            n, nn, rows_per, runs, ms, ms / base_ms,
            ms / base_ms / (double)(rows_per ? rows_per : 1),
            st == IG_OK && bad == 0 ? "" : " status=failed");
        if (st != IG_OK || bad) failures++;
        ig_results_destroy(res);
    }

    if (scaling && listed(only, "gini")) {
        const ig_measure_info *gini = ig_measure_find("gini");
        static const size_t sizes[] = {100000, 1000000, 4000000};
        for (size_t k = 0; gini && k < sizeof sizes / sizeof sizes[0]; k++) {
            if (sizes[k] > n) break;
            ig_units sub = u;
            sub.n_units = sizes[k];
            double value = 0.0, ms;
            ig_status st = IG_OK;
            IG_BENCH_TIME(ms, (int)runs, {
                st = ig_measure_compute(NULL, gini, &sub, group, NULL, &value,
                                        NULL);
            });
            double ns_cell = ms * 1e6 / (double)sizes[k];
            printf(
                "bench gini.scaling n=%zu reps=%ld median_ms=%.3f "
                "ns_per_cell=%.2f ns_per_cell_per_log2n=%.3f%s\n",
                sizes[k], runs, ms, ns_cell, ns_cell / log2((double)sizes[k]),
                st == IG_OK ? "" : " status=failed");
        }
    }

    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        printf("bench memory peak_rss_mb=%.1f\n",
               (double)ru.ru_maxrss / 1024.0);
    (void)sink;
    ig_grid_destroy(grid);
    return failures ? 1 : 0;
}
