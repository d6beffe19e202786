/* bench_assign: assigning grid cells to boundary polygons, by centre and by
 * area, on a 2000 x 2000 populated 100 m grid (4,000,000 cells, from the
 * model in bench.h) and a 100 x 100 tiling of irregular polygons (10,000
 * places): a lattice of tile corners jittered by up to 30 % of a tile, each
 * tile side a polyline of 8 segments with jittered interior points, shared
 * exactly by the two tiles on either side, so the tiles cover the grid with
 * no gap or overlap. The polygons go through the public GeoJSON reader.
 *
 * Ratios are to baselines timed in the same run (bench/README.md):
 *   ratio_to_sum    one compensated pass summing the grid's totals;
 *   ratio_to_index  building a (row, column) index of the cells: packing
 *                   the lattice coordinates into 64-bit keys and sorting
 *                   them (qsort), what a generic lookup structure costs.
 * Output: one parseable line per item, e.g.
 *   bench assign.centre cells=4000000 places=10000 reps=5 median_ms=..
 *         ratio_to_sum=.. ratio_to_index=.. assigned=4000000
 * Everything is deterministic (--seed). Public API only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_grid.h"
#include "integrid/ig_boundaries.h"
#include "integrid/integrid.h"

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* ---- the tiling ------------------------------------------------------------
 */

typedef struct tiling {
    uint64_t seed;
    int nt;            /* tiles per side */
    int seg;           /* segments per tile side */
    double x0, y0, ts; /* origin and tile size, metres */
} tiling;

/* Corner (i, j), i, j = 0..nt; corners on the border stay on it. */
static void corner(const tiling *t, int i, int j, double *x, double *y)
{
    double jx = 0.0, jy = 0.0;
    if (i > 0 && i < t->nt)
        jx = 0.6 * bench_unit(bench_hash3(t->seed, (uint64_t)i * 7919u + 1,
                                          (uint64_t)j)) -
             0.3;
    if (j > 0 && j < t->nt)
        jy = 0.6 * bench_unit(bench_hash3(t->seed, (uint64_t)i * 7919u + 2,
                                          (uint64_t)j)) -
             0.3;
    *x = t->x0 + ((double)i + jx) * t->ts;
    *y = t->y0 + ((double)j + jy) * t->ts;
}

/* Point k (0..seg) of the side from corner a to corner b; `kind` and the
 * lattice position identify the side, so both tiles get the same points.
 * Border sides stay straight. */
static void side_point(const tiling *t, double ax, double ay, double bx,
                       double by, uint64_t side_id, int border, int k,
                       double *x, double *y)
{
    double u = (double)k / (double)t->seg;
    double off = 0.0;
    if (!border && k > 0 && k < t->seg)
        off = (0.1 * bench_unit(bench_hash3(t->seed, side_id, (uint64_t)k)) -
               0.05) *
              t->ts;
    double dx = bx - ax, dy = by - ay, len = sqrt(dx * dx + dy * dy);
    *x = ax + u * dx - off * dy / len;
    *y = ay + u * dy + off * dx / len;
}

/* Append side (a -> b) of tile polygon text, points 0..seg-1 (the next
 * side adds the corner), reversed when `rev`. */
static size_t put_side(const tiling *t, char *buf, size_t at, size_t cap,
                       int ai, int aj, int bi, int bj, uint64_t side_id,
                       int border, int rev, int *first)
{
    double ax, ay, bx, by;
    corner(t, ai, aj, &ax, &ay);
    corner(t, bi, bj, &bx, &by);
    for (int q = 0; q < t->seg; q++) {
        int k = rev ? t->seg - q : q;
        double x, y;
        side_point(t, ax, ay, bx, by, side_id, border, k, &x, &y);
        at += (size_t)snprintf(buf + at, cap - at, "%s[%.3f,%.3f]",
                               *first ? "" : ",", x, y);
        *first = 0;
    }
    return at;
}

static char *tiling_geojson(const tiling *t, size_t *len)
{
    size_t per = (size_t)(4 * t->seg + 1) * 32 + 160;
    size_t cap = (size_t)t->nt * (size_t)t->nt * per + 256;
    char *buf = malloc(cap);
    if (!buf) return NULL;
    size_t at = (size_t)snprintf(
        buf, cap,
        "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\","
        "\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::3035\"}},"
        "\"features\":[\n");
    const int nt = t->nt;
    for (int j = 0; j < nt; j++)
        for (int i = 0; i < nt; i++) {
            at += (size_t)snprintf(buf + at, cap - at,
                                   "%s{\"type\":\"Feature\",\"id\":\"T%d_%d\","
                                   "\"geometry\":{\"type\":\"Polygon\","
                                   "\"coordinates\":[[",
                                   i || j ? ",\n" : "", i, j);
            int first = 1;
            /* horizontal side (i, j) -> (i+1, j): id 2 * (j * (nt+1) + i);
             * vertical side (i, j) -> (i, j+1): id 2 * (...) + 1 */
            uint64_t hb = 2u * (uint64_t)(j * (nt + 1) + i);
            uint64_t hr = 2u * (uint64_t)(j * (nt + 1) + i + 1) + 1u;
            uint64_t ht = 2u * (uint64_t)((j + 1) * (nt + 1) + i);
            uint64_t hl = 2u * (uint64_t)(j * (nt + 1) + i) + 1u;
            at = put_side(t, buf, at, cap, i, j, i + 1, j, hb, j == 0, 0,
                          &first);
            at = put_side(t, buf, at, cap, i + 1, j, i + 1, j + 1, hr,
                          i + 1 == nt, 0, &first);
            at = put_side(t, buf, at, cap, i, j + 1, i + 1, j + 1, ht,
                          j + 1 == nt, 1, &first);
            at = put_side(t, buf, at, cap, i, j, i, j + 1, hl, i == 0, 1,
                          &first);
            double x, y;
            corner(t, i, j, &x, &y);
            at +=
                (size_t)snprintf(buf + at, cap - at, ",[%.3f,%.3f]]]}}", x, y);
        }
    at += (size_t)snprintf(buf + at, cap - at, "\n]}\n");
    *len = at;
    return buf;
}

static void usage(FILE *f)
{
    fputs(
        "usage: bench_assign [--side N] [--tiles T] [--seed S] [--runs R]\n"
        "  --side N   grid cells per side (default 2000: 4e6 cells)\n"
        "  --tiles T  polygons per side (default 100: 1e4 polygons)\n"
        "  --seed S   seed (default 1)\n"
        "  --runs R   timed runs per item, median reported (default 5)\n",
        f);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    long side = 2000, tiles = 100, runs = 5;
    uint64_t seed = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "bench_assign: %s needs a value\n", a);
            return 2;
        }
        const char *v = argv[++i];
        if (strcmp(a, "--side") == 0)
            side = strtol(v, NULL, 10);
        else if (strcmp(a, "--tiles") == 0)
            tiles = strtol(v, NULL, 10);
        else if (strcmp(a, "--seed") == 0)
            seed = strtoull(v, NULL, 10);
        else if (strcmp(a, "--runs") == 0)
            runs = strtol(v, NULL, 10);
        else {
            fprintf(stderr, "bench_assign: unknown option %s\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (side < 10 || side > 10000 || tiles < 1 || tiles > side || runs < 1 ||
        runs > IG_BENCH_MAX_RUNS) {
        fprintf(stderr,
                "bench_assign: need 10 <= --side <= 10000, 1 <= "
                "--tiles <= side, 1 <= --runs <= %d\n",
                IG_BENCH_MAX_RUNS);
        return 2;
    }
    const int32_t res = 100;
    uint64_t cells = (uint64_t)side * (uint64_t)side;
    double t0 = bench_now_ms();
    ig_grid *g = bench_build_grid("bench_assign", seed, cells, 3, res);
    if (!g) return 1;
    size_t n = ig_grid_ncells(g);
    printf("bench build.grid cells=%zu ms=%.1f\n", n, bench_now_ms() - t0);

    /* the model's grid starts at row 26000, column 40000 (bench.h) */
    tiling t;
    t.seed = seed;
    t.nt = (int)tiles;
    t.seg = 8;
    t.x0 = 4000000.0;
    t.y0 = 2600000.0;
    t.ts = (double)side * res / (double)tiles;
    size_t len = 0;
    char *json = tiling_geojson(&t, &len);
    if (!json) return 1;

    ig_boundaries *b = NULL;
    ig_error err = {0};
    double read_ms;
    ig_status st = IG_OK;
    IG_BENCH_TIME(read_ms, (int)runs, {
        ig_boundaries_destroy(b);
        b = NULL;
        st = ig_boundaries_read_mem(NULL, json, len, "tiles", NULL, &b, &err);
    });
    if (st != IG_OK) {
        char msg[1024];
        fprintf(stderr, "bench_assign: reading the tiles failed: %s\n",
                ig_error_format(&err, msg, sizeof msg));
        return 1;
    }
    size_t np = ig_boundaries_count(b);

    volatile double sink = 0.0;
    double sum_ms, index_ms;
    const double *tot = ig_grid_totals(g);
    IG_BENCH_TIME(sum_ms, (int)runs, { sink = bench_ksum(tot, n); });
    uint64_t *keys = malloc(n * sizeof *keys);
    if (!keys) return 1;
    const int32_t *rows = ig_grid_rows(g), *cols = ig_grid_cols(g);
    IG_BENCH_TIME(index_ms, (int)runs, {
        for (size_t i = 0; i < n; i++)
            keys[i] = ((uint64_t)((uint32_t)rows[i] ^ 0x80000000u) << 32) |
                      (uint64_t)((uint32_t)cols[i] ^ 0x80000000u);
        /* scramble first, so the sort does real work on an ordered grid */
        for (size_t i = n; i > 1; i--) {
            size_t k = (size_t)(bench_mix(seed ^ i) % i);
            uint64_t tmp = keys[i - 1];
            keys[i - 1] = keys[k];
            keys[k] = tmp;
        }
        qsort(keys, n, sizeof *keys, cmp_u64);
        sink = (double)keys[n / 2];
    });
    free(keys);
    printf("bench baseline.ksum cells=%zu reps=%ld median_ms=%.3f\n", n, runs,
           sum_ms);
    printf("bench baseline.index cells=%zu reps=%ld median_ms=%.3f\n", n, runs,
           index_ms);
    printf(
        "bench read.geojson places=%zu bytes=%zu reps=%ld median_ms=%.3f "
        "ratio_to_sum=%.2f ratio_to_index=%.3f\n",
        np, len, runs, read_ms, read_ms / sum_ms, read_ms / index_ms);

    int failures = 0;
    static const char *const mode_name[2] = {"centre", "area"};
    for (int mode = 0; mode < 2; mode++) {
        ig_assignment *a = NULL;
        double ms;
        IG_BENCH_TIME(ms, (int)runs, {
            ig_assignment_destroy(a);
            a = NULL;
            st = ig_boundaries_assign(NULL, b, g, (ig_assign_mode)mode, &a,
                                      &err);
        });
        if (st != IG_OK) {
            printf("bench assign.%s status=%s\n", mode_name[mode],
                   ig_strerror(st));
            failures++;
            continue;
        }
        size_t entries = ig_assignment_offsets(a)[np];
        printf(
            "bench assign.%s cells=%zu places=%zu reps=%ld median_ms=%.3f "
            "ns_per_cell=%.1f ratio_to_sum=%.2f ratio_to_index=%.3f "
            "entries=%zu unassigned=%zu overlaps=%zu\n",
            mode_name[mode], n, np, runs, ms, ms * 1e6 / (double)n, ms / sum_ms,
            ms / index_ms, entries, ig_assignment_unassigned(a),
            ig_assignment_overlaps(a));
        /* the tiling covers the grid: every cell assigned, by centre once */
        if (ig_assignment_unassigned(a) != 0 ||
            (mode == IG_ASSIGN_CENTRE && entries != n))
            failures++;
        ig_assignment_destroy(a);
    }
    (void)sink;
    ig_boundaries_destroy(b);
    free(json);
    ig_grid_destroy(g);
    return failures ? 1 : 0;
}
