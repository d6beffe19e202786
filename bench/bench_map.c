/* Maps of the whole EU 1 km grid (1.9 M cells, ../shared/data): ig_map_render
 * to PNG, as a ratio to a baseline timed in the same run: one plain pass
 * over the cells that computes every cell's share and its quantile class
 * (the work any map must do before drawing). Also timed: exact Jenks breaks
 * on the 1.9 M shares, the PNG with every run drawn as a vector rectangle
 * (no rasterisation), and SVG/PDF output. Ratios only, no targets.
 *
 *   bench_map [--data DIR] [--runs N] [--out DIR] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "integrid/integrid.h"
#include "integrid/ig_render.h"

static void die(const char *what, ig_status st, const ig_error *e)
{
    fprintf(stderr, "bench_map: %s: %s: %s\n", what, ig_strerror(st),
            e ? e->msg : "");
    exit(1);
}

typedef struct shares {
    const ig_grid *g;
    size_t group;
    double *v;
    unsigned char *cls;
} shares;

/* The baseline: shares, then quantile classes of every cell. */
static void baseline(shares *s)
{
    size_t n = ig_grid_ncells(s->g);
    const double *c = ig_grid_counts(s->g, s->group);
    const double *t = ig_grid_totals(s->g);
    const uint8_t *na = ig_grid_na(s->g, s->group);
    for (size_t i = 0; i < n; i++)
        s->v[i] = t[i] > 0 && !(na && na[i]) ? c[i] / t[i] : (double)NAN;
    ig_classes cl;
    ig_error e;
    memset(&e, 0, sizeof e);
    ig_status st = ig_classify(NULL, s->v, n, IG_CLASSIFY_QUANTILE, 5, NULL,
                               0, &cl, &e);
    if (st != IG_OK) die("classify", st, &e);
    for (size_t i = 0; i < n; i++)
        s->cls[i] = (unsigned char)ig_classes_find(&cl, s->v[i]);
}

static void render(const shares *s, const char *path, ig_classify_method m,
                   ig_map_raster raster, ig_map_result *res)
{
    ig_map_spec sp;
    ig_map_spec_init(&sp);
    sp.n_cells = ig_grid_ncells(s->g);
    sp.rows = ig_grid_rows(s->g);
    sp.cols = ig_grid_cols(s->g);
    sp.cell_size_m = ig_grid_cell_size_m(s->g);
    sp.values = s->v;
    sp.method = m;
    sp.percent = 1;
    sp.title = "Residents born outside the EU";
    sp.legend_title = "Share of cell";
    sp.source = "\xc2\xa9 European Union/Eurostat, Census 2021 grid";
    sp.raster = raster;
    ig_error e;
    memset(&e, 0, sizeof e);
    ig_status st = ig_map_render(NULL, &sp, path, res, &e);
    if (st != IG_OK) die("ig_map_render", st, &e);
}

int main(int argc, char **argv)
{
    const char *data = "../shared/data", *out = "/tmp";
    int runs = 3;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
            data = argv[++i];
        else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
            out = argv[++i];
        else {
            fprintf(stderr,
                    "usage: bench_map [--data DIR] [--runs N] [--out DIR]\n");
            return 2;
        }
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/eu_census2021_grid1km.csv.gz", data);
    ig_read_opts ro;
    ig_read_opts_init(&ro);
    ig_grid *g = NULL;
    ig_error e;
    memset(&e, 0, sizeof e);
    double t0 = bench_now_ms();
    ig_status st = ig_grid_read_path(NULL, path, &ro, &g, &e);
    if (st != IG_OK) {
        fprintf(stderr, "bench_map: skipped: cannot read %s: %s\n", path,
                e.msg);
        return 77;
    }
    size_t n = ig_grid_ncells(g);
    printf("grid: %zu cells, read in %.0f ms\n", n, bench_now_ms() - t0);
    shares s = {g, ig_grid_group_index(g, "OTH"), NULL, NULL};
    if (s.group == (size_t)-1) s.group = ig_grid_ngroups(g) - 1;
    s.v = malloc(n * sizeof *s.v);
    s.cls = malloc(n);
    char png[4200], svg[4200], pdf[4200];
    snprintf(png, sizeof png, "%s/bench_map.png", out);
    snprintf(svg, sizeof svg, "%s/bench_map.svg", out);
    snprintf(pdf, sizeof pdf, "%s/bench_map.pdf", out);

    double t_base, t_jenks, t_png, t_vec, t_svg, t_pdf;
    ig_map_result res;
    IG_BENCH_TIME(t_base, runs, baseline(&s));
    IG_BENCH_TIME(t_jenks, runs, {
        ig_classes cl;
        st = ig_classify(NULL, s.v, n, IG_CLASSIFY_JENKS, 5, NULL, 0, &cl,
                         &e);
        if (st != IG_OK) die("jenks", st, &e);
    });
    IG_BENCH_TIME(t_png, runs,
                  render(&s, png, IG_CLASSIFY_QUANTILE, IG_MAP_RASTER_AUTO,
                         &res));
    size_t rasterised = (size_t)res.rasterised;
    IG_BENCH_TIME(t_vec, 1,
                  render(&s, png, IG_CLASSIFY_QUANTILE, IG_MAP_RASTER_NEVER,
                         &res));
    size_t runs_drawn = res.runs;
    IG_BENCH_TIME(t_svg, 1,
                  render(&s, svg, IG_CLASSIFY_QUANTILE, IG_MAP_RASTER_AUTO,
                         &res));
    IG_BENCH_TIME(t_pdf, 1,
                  render(&s, pdf, IG_CLASSIFY_QUANTILE, IG_MAP_RASTER_AUTO,
                         &res));
    printf("baseline: shares + quantile classes, one pass %8.0f ms  1.00x\n",
           t_base);
    printf("jenks breaks (exact, 5 classes)             %8.0f ms  %.2fx\n",
           t_jenks, t_jenks / t_base);
    printf("map PNG 1200 px (%s)                   %8.0f ms  %.2fx\n",
           rasterised ? "raster" : "vector", t_png, t_png / t_base);
    printf("map PNG, %zu runs as rectangles        %8.0f ms  %.2fx\n",
           runs_drawn, t_vec, t_vec / t_base);
    printf("map SVG                                     %8.0f ms  %.2fx\n",
           t_svg, t_svg / t_base);
    printf("map PDF                                     %8.0f ms  %.2fx\n",
           t_pdf, t_pdf / t_base);
    printf("ns per cell, PNG map: %.1f\n", t_png * 1e6 / (double)n);
    free(s.v);
    free(s.cls);
    ig_grid_destroy(g);
    return 0;
}
