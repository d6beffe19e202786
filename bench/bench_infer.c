/* bench_infer: the issue #5 speed target for tests against random
 * allocation: R draws (default 1,000) of every aspatial measure that is
 * not itself simulated, on a 100,000-cell place (the model grid of
 * bench.h, 3 groups), must cost at most 1,000 x one single pass of the
 * same measures.
 *
 * Baseline, timed in the same run on the same grid and context:
 * ig_measures_run() with those measures (median of --runs runs). The
 * draws: ig_infer_run() with --test (random allocation, --reps R),
 * timed once. Both run on 1 and on 2 threads (ig_ctx_opts.n_threads).
 * It prints, per thread count, the baseline, the draws' time, the ratio
 * (target <= 1,000) and the time per draw and row. With --reps below
 * 1,000 the ratio is also scaled linearly to 1,000 draws (the draws cost
 * the same each; the fixed costs, a few passes, then weigh a little
 * more), so a quick run with --reps 100 still answers the question.
 * Public API only.
 *
 *   bench_infer [--cells N] [--reps R] [--runs N] [--threads LIST] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "bench_grid.h"
#include "integrid/integrid.h"

#define MAX_MEASURES 128

static void die(const char *what, ig_status st, const ig_error *e)
{
    fprintf(stderr, "bench_infer: %s: %s (%s)\n", what, ig_strerror(st),
            e ? e->msg : "");
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: bench_infer [--cells N] [--reps R] [--runs N] "
                    "[--threads 1,2]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    uint64_t cells = 100000;
    int reps = 1000, runs = 5;
    int threads[8] = {1, 2};
    size_t n_threads = 2;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--cells") == 0 && i + 1 < argc) {
            cells = bench_parse_count(argv[++i]);
            if (!cells) usage();
        } else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
            reps = atoi(argv[++i]);
            if (reps < 1) usage();
        } else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
            runs = atoi(argv[++i]);
            if (runs < 1) usage();
        } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            n_threads = 0;
            char buf[128];
            snprintf(buf, sizeof buf, "%s", argv[++i]);
            for (char *t = strtok(buf, ","); t && n_threads < 8;
                 t = strtok(NULL, ","))
                threads[n_threads++] = atoi(t);
            if (!n_threads) usage();
        } else {
            usage();
        }
    }

    /* every aspatial measure that does not draw random numbers itself */
    const char *names[MAX_MEASURES];
    size_t n_names = 0;
    for (size_t i = 0; i < ig_measure_count() && n_names < MAX_MEASURES;
         i++) {
        const ig_measure_info *m = ig_measure_get(i);
        if (m->flags & (IG_MF_SPATIAL | IG_MF_SIMULATED)) continue;
        names[n_names++] = m->name;
    }

    ig_grid *g = bench_build_grid("bench_infer", 20261123, cells, 3, 100);
    if (!g) return 1;

    ig_run_opts ro;
    ig_run_opts_init(&ro);
    ro.measures = names;
    ro.n_measures = n_names;
    ig_infer_opts io;
    ig_infer_opts_init(&io);
    io.test = 1;
    io.reps = reps;
    io.seed = 1;
    io.null_model = IG_NULL_RANDOM;

    printf("bench_infer: %llu cells, 3 groups, %zu aspatial measures "
           "(not simulated), %d random-allocation draws\n",
           (unsigned long long)cells, n_names, reps);
    printf("%8s %6s %12s %12s %10s %12s %14s\n", "threads", "rows",
           "pass_ms", "draws_ms", "ratio", "ratio@1000", "us/draw/row");
    for (size_t t = 0; t < n_threads; t++) {
        ig_ctx_opts co;
        memset(&co, 0, sizeof co);
        co.n_threads = threads[t];
        ig_ctx *ctx = NULL;
        ig_error err = {0};
        ig_status st = ig_ctx_create(&co, &ctx);
        if (st != IG_OK) die("context", st, NULL);

        double pass_ms = 0.0;
        size_t rows = 0;
        IG_BENCH_TIME(pass_ms, runs, {
            ig_results *r = NULL;
            st = ig_measures_run(ctx, g, &ro, &r, &err);
            if (st != IG_OK) die("ig_measures_run", st, &err);
            rows = ig_results_nrows(r);
            ig_results_destroy(r);
        });

        double t0 = bench_now_ms();
        ig_infer_results *ir = NULL;
        st = ig_infer_run(ctx, g, &ro, &io, &ir, &err);
        double draws_ms = bench_now_ms() - t0;
        if (st != IG_OK) die("ig_infer_run", st, &err);
        size_t tested = 0;
        for (size_t i = 0; i < rows; i++) {
            const ig_inference *x = ig_infer_results_row(ir, i);
            if (x && x->n_null > 0) tested++;
        }
        ig_infer_results_destroy(ir);

        double ratio = draws_ms / pass_ms;
        printf("%8d %6zu %12.2f %12.1f %10.1f %12.1f %14.1f\n", threads[t],
               tested, pass_ms, draws_ms, ratio, ratio * 1000.0 / reps,
               tested ? 1e3 * draws_ms / ((double)reps * (double)tested)
                      : 0.0);
        ig_ctx_destroy(ctx);
    }
    printf("target: ratio@1000 <= 1000\n");
    ig_grid_destroy(g);
    return 0;
}
