/* Internal interface of the focal-sum engine, shared by focal.c (the
 * driver: sorting, bands, chunks, planes), focal_sum.c (row runs,
 * rectangles, direct convolution), focal_fft.c (FFT convolution through FFTW)
 * and focal_brute.c (the reference). Tests include it to force a method
 * or a chunk size. See docs/spatial/neighbourhoods.md. */
#ifndef IG_FOCAL_H
#define IG_FOCAL_H

#include <stddef.h>
#include <stdint.h>

#include "spatial/spatial_internal.h"

/* How weighted tables are summed (flat ones always use runs in AUTO). */
typedef enum ig__focal_method {
    IG__FOCAL_AUTO = 0,   /* row runs or rectangles for flat tables; direct or
                             FFT per chunk, by estimated cost, otherwise */
    IG__FOCAL_DIRECT = 1, /* direct convolution for every table */
    IG__FOCAL_FFT = 2     /* FFT for every table (direct without FFTW) */
} ig__focal_method;

typedef struct ig__focal_opts {
    int32_t tile;            /* band height T in cells (chunks are up to 4T
                                wide); 0: from the radius */
    ig__focal_method method; /* see above */
} ig__focal_opts;

/* ig__focal_table() with options (NULL: defaults). */
ig_status ig__focal_run(ig_ctx *ctx, const ig_lattice *src, size_t n_targets,
                        const int32_t *trow, const int32_t *tcol,
                        const ig__ktable *kt, const ig__focal_opts *opts,
                        double *out, ig_error *err);

/* The focal sums of several kernel tables over the same lattice and
 * targets (a profile of scales): out arrays as ig__focal_table(), one per
 * table. Tables with row runs (discs, squares, any flat table whose rows
 * are single runs) share one pass: the points are read, checked into
 * bands and laid into planes once for the widest, and only the runs are
 * summed per table; other tables go through ig__focal_table() one by
 * one. Each output equals ig__focal_table()'s bits, except that squares of
 * 3 cells or more (which one call sums as rectangles) may differ in the
 * last bits for fractional counts. Like ig__focal_table(), it does not
 * check the lattice (ig__lattice_check()). */
ig_status ig__focal_multi(ig_ctx *ctx, const ig_lattice *src, size_t n_targets,
                          const int32_t *trow, const int32_t *tcol,
                          size_t n_tables, const ig__ktable *const *kts,
                          double *const *outs, ig_error *err);

/* 1 when the library was built with FFTW (FFT convolution available). */
int ig__focal_have_fft(void);

/* ---- shared between the focal_*.c files ---------------------------------- */

/* A weight table taken apart for the sums: the support of each row as one
 * run [lo, hi] (cells with w != 0 lie inside it; lo > hi for an empty
 * row), and the non-zero weights in row-major order. */
typedef struct ig__fkern {
    int32_t R;
    const double *w; /* the table, borrowed */
    int runs;        /* every weight 0 or 1 and each row's 1s one run */
    int rect;        /* runs, and the non-empty rows all the same run
                        over consecutive rows: the rectangle below */
    int32_t ry0, ry1, rx0, rx1;
    int nonneg;       /* no negative weight */
    int32_t *lo, *hi; /* 2R + 1 rows (dy + R) */
    size_t nnz;
    size_t *estart; /* 2R + 2: weights of row dy + R at [estart[k],
                       estart[k + 1]) */
    int32_t *edx;   /* column offset of each weight */
    double *ew;     /* the weights */
} ig__fkern;

ig_status ig__focal_kern_make(ig_ctx *ctx, const ig__ktable *kt,
                              ig__fkern *out);
void ig__focal_kern_free(ig_ctx *ctx, ig__fkern *k);

/* One chunk of targets and the planes around it. Rectangles and direct
 * sums use one interleaved plane: lattice cell (y, x) holds the value
 * arrays in lanes 0 .. A-1 of element ((y - oy) * pw + (x - ox)) * L (L: A
 * rounded up to a multiple of 4; spare lanes are 0), so one pass over a
 * window serves every array at once. Row runs use a rank plane of the
 * same cells (see ig__focal_runs_eval). The FFT uses planar planes: array
 * a at plane + a * cap, cell (y, x) at (y - oy) * pw + (x - ox). Targets
 * come in (row, column) order; the result of target i for array a goes to
 * res[tl[i] * L + a] (the band's results, interleaved like the planes). */
typedef struct ig__fchunk {
    int64_t oy, ox;
    size_t ph, pw;
    size_t L, A, cap;
    size_t m;
    const int32_t *tr, *tc; /* target rows and columns */
    const size_t *tl;       /* target slots in res */
    double *res;
} ig__fchunk;

/* Row runs. E holds, for each lattice row of the band, a 0 and then the
 * running sums (L lanes) of its points in column order; the rank plane
 * (uint32 per cell, a zero column in front) holds for each cell the index
 * in E of the sum of the points of its row at or left of it. A run
 * [x + lo, x + hi] of a target is then E[rank(x + hi)] - E[rank(x + lo -
 * 1)]. off: the rank-plane offsets of each non-empty run's end and of its
 * start - 1 (2 per run, 2 (2R + 1) at most), from ig__focal_runs_offsets.
 */
void ig__focal_runs_offsets(const ig__fkern *k, const ig__fchunk *c,
                            ptrdiff_t *off);
void ig__focal_runs_eval(const ig__fchunk *c, const uint32_t *rank,
                         const double *E, const ptrdiff_t *off, size_t n_off);
/* Rectangular flat tables: from the row prefix sums, row runs, then prefix
 * sums of those down the columns (plane row 0 and column 0 precede the
 * windows); acc: scratch of one plane row, all 0 on entry and on exit. */
void ig__focal_rect_prep(const ig__fkern *k, const ig__fchunk *c, double *plane,
                         double *acc);
void ig__focal_rect_eval(const ig__fkern *k, const ig__fchunk *c,
                         const double *plane);
/* Direct convolution with the non-zero weights in row-major order; off:
 * their plane offsets (nnz, from ig__focal_direct_offsets). */
void ig__focal_direct_offsets(const ig__fkern *k, const ig__fchunk *c,
                              ptrdiff_t *off);
void ig__focal_direct_eval(const ig__fkern *k, const ig__fchunk *c,
                           const double *plane, const ptrdiff_t *off);

/* FFT convolution (focal_fft.c). One ig__ffft per call, made in the
 * calling thread (the FFTW planner is not thread-safe); chunks of edge T
 * with a halo of R then use it from any thread. */
typedef struct ig__ffft ig__ffft;
ig_status ig__focal_fft_make(ig_ctx *ctx, const ig__fkern *k, int32_t T,
                             ig__ffft **out);
void ig__focal_fft_free(ig_ctx *ctx, ig__ffft *f);
/* Plane rows and columns (>= T + 2R), and the doubles of 64-byte aligned
 * scratch one evaluation needs. */
void ig__focal_fft_dims(const ig__ffft *f, size_t *ph, size_t *pw,
                        size_t *work);
/* Estimated cost of one chunk of edge T, halo R, A value arrays, in units
 * of one multiply-add of the direct loop (which does all arrays at once);
 * HUGE_VAL without FFTW. */
double ig__focal_fft_cost(int32_t T, int32_t R, size_t A);
/* Sums for the targets of c from the planar planes (c->A planes of
 * c->cap doubles, ph x pw used, 64-byte aligned, zero outside the points),
 * with the rules of docs/spatial/neighbourhoods.md: exactly 0 where no
 * point lies in the support, no negative noise. */
void ig__focal_fft_eval(const ig__ffft *f, const ig__fkern *k,
                        const ig__fchunk *c, const double *planes,
                        double *work);

#endif /* IG_FOCAL_H */
