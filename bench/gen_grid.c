/* gen_grid: write a deterministic synthetic population grid as CSV (gzip
 * when the name ends in .gz), for benchmarks and for tests too large to
 * commit (h3's mkRandGeo idea). Same arguments, same bytes.
 *
 * The columns mirror the EU Census 2021 grid in ../shared/data, so the same
 * integrid command lines run on both:
 *   GRD_ID,X_LLC,Y_LLC,CNTR_ID,T,<groups...>
 * with groups NAT,EU_OTH,OTH when --groups 3 (the default), else G1..GK,
 * and T the sum of the groups. CNTR_ID holds --places place codes P01,
 * P02, ... in horizontal bands. The model is in bench.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "bench.h"

static void usage(FILE *f)
{
    fputs(
        "usage: gen_grid --cells N [--groups K] [--seed S] [--res M]\n"
        "                [--places P] -o FILE.csv[.gz]\n"
        "  --cells N   number of cells (4000000 or 4e6)\n"
        "  --groups K  groups per cell, 1..64 (default 3: NAT,EU_OTH,OTH)\n"
        "  --seed S    random seed (default 1); same seed, same grid\n"
        "  --res M     cell size in metres (default 1000)\n"
        "  --places P  number of places in column CNTR_ID (default 4)\n"
        "  -o FILE     output; gzip-compressed when FILE ends in .gz;\n"
        "              '-' writes plain CSV to standard output\n",
        f);
}

/* A tiny writer over stdio or zlib. */
typedef struct out {
    FILE *f;
    gzFile gz;
    char buf[1 << 16];
    size_t n;
    int err;
} out;

static void out_flush(out *o)
{
    if (o->n == 0 || o->err) return;
    if (o->gz) {
        if (gzwrite(o->gz, o->buf, (unsigned)o->n) != (int)o->n) o->err = 1;
    } else if (fwrite(o->buf, 1, o->n, o->f) != o->n) {
        o->err = 1;
    }
    o->n = 0;
}

static void out_line(out *o, const char *s, size_t len)
{
    if (sizeof o->buf - o->n < len) out_flush(o);
    memcpy(o->buf + o->n, s, len);
    o->n += len;
}

int main(int argc, char **argv)
{
    uint64_t cells = 0, seed = 1;
    long groups = 3, res = 1000, places = 4;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (!v) {
            fprintf(stderr, "gen_grid: %s needs a value\n", a);
            usage(stderr);
            return 2;
        }
        i++;
        if (strcmp(a, "--cells") == 0) {
            cells = bench_parse_count(v);
        } else if (strcmp(a, "--groups") == 0) {
            groups = strtol(v, NULL, 10);
        } else if (strcmp(a, "--seed") == 0) {
            seed = strtoull(v, NULL, 10);
        } else if (strcmp(a, "--res") == 0) {
            res = strtol(v, NULL, 10);
        } else if (strcmp(a, "--places") == 0) {
            places = strtol(v, NULL, 10);
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            path = v;
        } else {
            fprintf(stderr, "gen_grid: unknown option %s\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (cells == 0 || cells > 100000000u) {
        fprintf(stderr,
                "gen_grid: --cells must be a whole number from 1 to "
                "1e8 (e.g. --cells 4e6)\n");
        return 2;
    }
    if (groups < 1 || groups > 64 || res < 1 || res > 100000 || places < 1 ||
        places > 999 || !path) {
        fprintf(stderr,
                "gen_grid: need -o FILE, --groups 1..64, --res "
                "1..100000 and --places 1..999\n");
        usage(stderr);
        return 2;
    }

    out *o = calloc(1, sizeof *o);
    if (!o) {
        fprintf(stderr, "gen_grid: out of memory\n");
        return 1;
    }
    size_t plen = strlen(path);
    if (strcmp(path, "-") == 0) {
        o->f = stdout;
    } else if (plen > 3 && strcmp(path + plen - 3, ".gz") == 0) {
        o->gz = gzopen(path, "wb6");
    } else {
        o->f = fopen(path, "wb");
    }
    if (!o->f && !o->gz) {
        fprintf(stderr, "gen_grid: cannot create %s: %s\n", path,
                strerror(errno));
        free(o);
        return 1;
    }

    bench_grid_model m;
    bench_model_init(&m, seed, cells, (size_t)groups, (int32_t)res);
    char namebuf[64 * 16];
    const char *names[64];
    bench_group_names((size_t)groups, namebuf, names);

    char line[2048];
    int n = snprintf(line, sizeof line, "GRD_ID,X_LLC,Y_LLC,CNTR_ID,T");
    for (long g = 0; g < groups; g++)
        n += snprintf(line + n, sizeof line - (size_t)n, ",%s", names[g]);
    line[n++] = '\n';
    out_line(o, line, (size_t)n);

    uint64_t rows = (cells + m.side - 1) / m.side;
    double counts[64];
    for (uint64_t i = 0; i < cells && !o->err; i++) {
        int64_t row, col;
        bench_model_cell(&m, i, &row, &col, counts);
        long long north = (long long)row * res, east = (long long)col * res;
        double t = 0.0;
        for (long g = 0; g < groups; g++) t += counts[g];
        unsigned place = (unsigned)((i / m.side) * (uint64_t)places / rows) + 1;
        n = snprintf(line, sizeof line,
                     "CRS3035RES%ldmN%lldE%lld,%lld,%lld,P%02u,%.0f", res,
                     north, east, east, north, place, t);
        for (long g = 0; g < groups; g++)
            n +=
                snprintf(line + n, sizeof line - (size_t)n, ",%.0f", counts[g]);
        line[n++] = '\n';
        out_line(o, line, (size_t)n);
    }
    out_flush(o);
    int bad = o->err;
    if (o->gz) {
        if (gzclose(o->gz) != Z_OK) bad = 1;
    } else if (o->f != stdout) {
        if (fclose(o->f) != 0) bad = 1;
    } else if (fflush(stdout) != 0) {
        bad = 1;
    }
    free(o);
    if (bad) {
        fprintf(stderr, "gen_grid: write error on %s\n", path);
        return 1;
    }
    fprintf(stderr,
            "gen_grid: wrote %llu cells x %ld groups (seed %llu) to %s\n",
            (unsigned long long)cells, groups, (unsigned long long)seed, path);
    return 0;
}
