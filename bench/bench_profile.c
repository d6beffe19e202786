/* bench_profile: the issue #4 speed target for multi-scale profiles.
 *
 * Reads the EU Census 2021 1 km grid once (all 1.9 M cells, groups NAT,
 * EU_OTH, OTH, one place), then times, in the same run:
 *   baseline  one aspatial pass: every measure without coordinates that
 *             needs no simulation (ig_measures_run, default parameters);
 *   one       one aspatial measure (dissimilarity), for scale;
 *   profile   the five scale measures at 8 radii (100 .. 5000 m, disc)
 *             in one multi-scale run, the work of `integrid profile
 *             --radii ...` (and, for comparison, as 8 separate runs);
 *   kernels   the same profile with the other kernels.
 * and prints the ratios profile / baseline (target: at most 4). Medians of
 * --runs runs after a warm-up. Public API only.
 *
 *   bench_profile [--data DIR] [--runs N] [--threads N] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "integrid/integrid.h"

static const double radii[8] = {100, 200, 500, 1000, 1500, 2000, 3000, 5000};

static void die(const char *what, ig_status st, const ig_error *e)
{
    fprintf(stderr, "bench_profile: %s: %s (%s)\n", what, ig_strerror(st),
            e ? e->msg : "");
    exit(1);
}

static void run(ig_ctx *ctx, const ig_grid *g, const char *const *names,
                size_t n, const ig_scale *sc, size_t nsc)
{
    ig_run_opts o;
    ig_run_opts_init(&o);
    o.measures = names;
    o.n_measures = n;
    o.scales = sc;
    o.n_scales = nsc;
    ig_results *res = NULL;
    ig_error e;
    memset(&e, 0, sizeof e);
    ig_status st = ig_measures_run(ctx, g, &o, &res, &e);
    if (st != IG_OK) die("ig_measures_run", st, &e);
    ig_results_destroy(res);
}

int main(int argc, char **argv)
{
    const char *data = "../shared/data";
    int runs = 3, threads = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
            data = argv[++i];
        else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            threads = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: bench_profile [--data DIR] [--runs N] "
                            "[--threads N]\n");
            return 2;
        }
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/eu_census2021_grid1km.csv.gz", data);
    ig_ctx_opts co;
    memset(&co, 0, sizeof co);
    co.n_threads = threads > 0 ? threads : 2;
    ig_ctx *ctx = NULL;
    if (ig_ctx_create(&co, &ctx) != IG_OK) die("context", IG_ERR_NOMEM, NULL);
    ig_read_opts ro;
    ig_read_opts_init(&ro);
    ig_grid *g = NULL;
    ig_error e;
    memset(&e, 0, sizeof e);
    double t0 = bench_now_ms();
    ig_status st = ig_grid_read_path(ctx, path, &ro, &g, &e);
    if (st != IG_OK) {
        fprintf(stderr, "bench_profile: skipped: cannot read %s: %s\n", path,
                e.msg);
        ig_ctx_destroy(ctx);
        return 77;
    }
    printf("grid: %zu cells, %zu groups, read in %.0f ms\n",
           ig_grid_ncells(g), ig_grid_ngroups(g), bench_now_ms() - t0);

    const char *aspatial[64];
    size_t na = 0;
    const char *scale[16];
    size_t ns = 0;
    for (size_t i = 0; i < ig_measure_count(); i++) {
        const ig_measure_info *m = ig_measure_get(i);
        if (m->flags & IG_MF_SCALE)
            scale[ns++] = m->name;
        else if (!(m->flags & (IG_MF_SPATIAL | IG_MF_SIMULATED)))
            aspatial[na++] = m->name;
    }
    const char *one[1] = {"dissimilarity"};
    double t_base, t_one, t_prof;
    ig_scale sc[8];
    for (int r = 0; r < 8; r++) sc[r] = (ig_scale){IG_KERNEL_DISC, radii[r], 0};
    double t_sep;
    IG_BENCH_TIME(t_base, runs, run(ctx, g, aspatial, na, NULL, 0));
    IG_BENCH_TIME(t_one, runs, run(ctx, g, one, 1, NULL, 0));
    IG_BENCH_TIME(t_prof, runs, run(ctx, g, scale, ns, sc, 8));
    IG_BENCH_TIME(t_sep, 1, {
        for (int r = 0; r < 8; r++) run(ctx, g, scale, ns, &sc[r], 1);
    });
    printf("baseline: %zu aspatial measures, one pass     %8.0f ms  1.00x\n",
           na, t_base);
    printf("one aspatial measure (dissimilarity)        %8.0f ms  %.2fx\n",
           t_one, t_one / t_base);
    printf("profile: %zu scale measures x 8 radii, disc  %8.0f ms  %.2fx "
           "(target <= 4x)\n",
           ns, t_prof, t_prof / t_base);
    printf("  the same as 8 separate runs               %8.0f ms  %.2fx\n",
           t_sep, t_sep / t_base);
    for (int k = 1; k < IG_KERNEL_COUNT; k++) {
        double t_k;
        ig_scale sk[8];
        for (int r = 0; r < 8; r++) sk[r] = (ig_scale){(ig_kernel)k, radii[r], 0};
        IG_BENCH_TIME(t_k, 1, run(ctx, g, scale, ns, sk, 8));
        printf("profile, kernel %-12s                %8.0f ms  %.2fx\n",
               ig_kernel_name((ig_kernel)k), t_k, t_k / t_base);
    }
    ig_grid_destroy(g);
    ig_ctx_destroy(ctx);
    return 0;
}
