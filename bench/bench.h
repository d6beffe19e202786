/* Benchmark helpers shared by gen_grid.c and bench_measures.c: a monotonic
 * clock, the median-of-runs timing macro (after h3's BENCHMARK(), with a
 * warm-up run and the median instead of the mean, so one slow run on a busy
 * machine does not move the result), a seeded counter-based random source,
 * and the synthetic grid model.
 *
 * The grid model is a pure function of (seed, cell index): every cell is
 * computed on its own from hashes, so the generator needs no state, the
 * same seed always gives the same grid, and bench_measures can build the
 * grid in memory without writing the CSV first. Group shares follow smooth
 * random fields (two octaves of value noise), so minorities cluster in
 * neighbourhoods several cells across and concentrate in dense areas, as in
 * the census grids; uniform random shares would make every measure near 0
 * and hide the work a real grid causes (long sorted runs, skewed shares).
 * Benchmarks use only the public API. */
#ifndef IG_BENCH_H
#define IG_BENCH_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- timing ------------------------------------------------------------ */

static inline double bench_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of v[0..n); sorts v. */
static inline double bench_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, bench_cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

#define IG_BENCH_MAX_RUNS 101

/* IG_BENCH_TIME(median_ms, runs, body...): run body once to warm caches and
 * page in memory, then `runs` timed times; median_ms gets the median in
 * milliseconds. */
#define IG_BENCH_TIME(median_ms, runs, ...)                             \
    do {                                                                \
        double bench_t_[IG_BENCH_MAX_RUNS];                             \
        int bench_n_ = (runs) < 1                   ? 1                 \
                       : (runs) > IG_BENCH_MAX_RUNS ? IG_BENCH_MAX_RUNS \
                                                    : (runs);           \
        {                                                               \
            __VA_ARGS__;                                                \
        }                                                               \
        for (int bench_r_ = 0; bench_r_ < bench_n_; bench_r_++) {       \
            double bench_s_ = bench_now_ms();                           \
            {                                                           \
                __VA_ARGS__;                                            \
            }                                                           \
            bench_t_[bench_r_] = bench_now_ms() - bench_s_;             \
        }                                                               \
        (median_ms) = bench_median(bench_t_, bench_n_);                 \
    } while (0)

/* Parse a count that may be written "4000000", "4e6" or "4.5e6". Returns 0
 * for anything that is not a whole number in [1, 1e12]. */
static inline uint64_t bench_parse_count(const char *s)
{
    char *end = NULL;
    double v = strtod(s, &end);
    if (!end || end == s || *end != '\0' || !(v >= 1.0) || v > 1e12 ||
        v != floor(v))
        return 0;
    return (uint64_t)v;
}

/* ---- randomness ---------------------------------------------------------- */

/* SplitMix64 finaliser (Steele, Lea & Flood 2014): a strong 64-bit mix. */
static inline uint64_t bench_mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static inline uint64_t bench_hash3(uint64_t a, uint64_t b, uint64_t c)
{
    return bench_mix(bench_mix(bench_mix(a) ^ b) ^ c);
}

/* Uniform in [0, 1) from 53 bits of h. */
static inline double bench_unit(uint64_t h)
{
    return (double)(h >> 11) * 0x1.0p-53;
}

/* ---- synthetic grid model --------------------------------------------------
 */

typedef struct bench_grid_model {
    uint64_t seed;
    uint64_t n_cells;
    size_t n_groups;    /* >= 1; group 0 is the majority */
    int32_t res_m;      /* cell size, metres */
    uint64_t side;      /* cells per lattice row: ceil(sqrt(n_cells)) */
    int64_t row0, col0; /* lattice origin, in cells */
} bench_grid_model;

static inline void bench_model_init(bench_grid_model *m, uint64_t seed,
                                    uint64_t n_cells, size_t n_groups,
                                    int32_t res_m)
{
    m->seed = seed;
    m->n_cells = n_cells;
    m->n_groups = n_groups;
    m->res_m = res_m;
    uint64_t side = (uint64_t)ceil(sqrt((double)n_cells));
    while (side * side < n_cells) side++;
    m->side = side;
    /* South-west corner near N 2,600 km, E 4,000 km (central Europe in
     * EPSG:3035), on the lattice of the cell size. */
    m->row0 = 2600000 / res_m;
    m->col0 = 4000000 / res_m;
}

/* Value noise in [-1, 1]: random values on a lattice every `step` cells,
 * smoothly interpolated (smoothstep), keyed by (seed, channel). */
static inline double bench_noise(uint64_t seed, uint64_t channel, int64_t r,
                                 int64_t c, int64_t step)
{
    int64_t lr = r / step, lc = c / step;
    double fr = (double)(r - lr * step) / (double)step;
    double fc = (double)(c - lc * step) / (double)step;
    fr = fr * fr * (3.0 - 2.0 * fr);
    fc = fc * fc * (3.0 - 2.0 * fc);
    uint64_t k = bench_mix(seed ^ (channel * 0x632be59bd9b4e019ull));
    double v[2][2];
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 2; b++)
            v[a][b] = 2.0 * bench_unit(bench_hash3(k, (uint64_t)(lr + a),
                                                   (uint64_t)(lc + b))) -
                      1.0;
    double top = v[0][0] + (v[0][1] - v[0][0]) * fc;
    double bot = v[1][0] + (v[1][1] - v[1][0]) * fc;
    return top + (bot - top) * fr;
}

/* Two octaves: neighbourhoods about 40 cells across, blocks about 6. */
static inline double bench_field(uint64_t seed, uint64_t channel, int64_t r,
                                 int64_t c)
{
    return 0.7 * bench_noise(seed, 2 * channel, r, c, 40) +
           0.3 * bench_noise(seed, 2 * channel + 1, r, c, 6);
}

/* Cell i of the model: lattice row and column (absolute, in cells) and the
 * integer count of each group (counts[n_groups]). Every cell has at least
 * one resident. */
static inline void bench_model_cell(const bench_grid_model *m, uint64_t i,
                                    int64_t *row, int64_t *col, double *counts)
{
    int64_t r = (int64_t)(i / m->side), c = (int64_t)(i % m->side);
    *row = m->row0 + r;
    *col = m->col0 + c;

    /* Population: log-normal around an urban-density field. */
    double dens = bench_field(m->seed, 0, r, c);
    uint64_t h = bench_hash3(m->seed, i, 0x7a11);
    double u1 = bench_unit(h) + 0x1.0p-54, u2 = bench_unit(bench_mix(h));
    double z = sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
    double t = floor(exp(3.0 + 2.2 * dens + 1.1 * z) + 1.0);
    if (t > 60000.0) t = 60000.0;

    /* Shares: softmax of per-group fields; minorities are rarer (8 %, 4 %,
     * ... of the majority's weight where their field is neutral) and lean
     * towards dense areas. */
    double w[64], wsum = 1.0;
    size_t k = m->n_groups < 64 ? m->n_groups : 64;
    w[0] = 1.0;
    for (size_t g = 1; g < k; g++) {
        double base = log(0.08 / (double)g);
        double f = bench_field(m->seed, 1 + g, r, c);
        w[g] = exp(base + 2.0 * f + 0.8 * dens);
        wsum += w[g];
    }
    for (size_t g = 0; g < k; g++) {
        double u = bench_unit(bench_hash3(m->seed, i, 0x100 + g));
        counts[g] = floor(t * w[g] / wsum + u); /* unbiased rounding */
    }
    double sum = 0.0;
    for (size_t g = 0; g < k; g++) sum += counts[g];
    if (sum < 1.0) counts[0] = 1.0;
}

/* Group names used by both programs: the EU census country-of-birth groups
 * when there are three, else G1, G2, ... (buf holds n * 16 bytes). */
static inline void bench_group_names(size_t n, char *buf, const char **names)
{
    static const char *const eu[3] = {"NAT", "EU_OTH", "OTH"};
    for (size_t g = 0; g < n; g++) {
        char *p = buf + 16 * g;
        if (n == 3)
            snprintf(p, 16, "%s", eu[g]);
        else
            snprintf(p, 16, "G%zu", g + 1);
        names[g] = p;
    }
}

#endif /* IG_BENCH_H */
