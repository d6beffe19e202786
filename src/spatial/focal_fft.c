/* FFT convolution of one chunk plane with a weighted kernel (FFTW3).
 *
 * A chunk of T x T targets with a halo of R cells fits a plane of
 * H x W >= (T + 2R)^2 cells; a circular correlation of that size never
 * wraps for the targets, so no extra padding is needed. The kernel's
 * spectrum (scaled by 1 / HW) is made once per call; each chunk then costs
 * one real-to-complex transform, a product and one inverse per value array.
 *
 * Determinism: FFTW_ESTIMATE picks the same plan for the same sizes, plans
 * are made in the calling thread and run with fftw_execute_dft_r2c/c2r on
 * 64-byte aligned arrays from the allocation funnel, so a chunk gives the
 * same bits on any thread. The FFTW planner is global and not thread-safe:
 * two calls of the library from different threads (each with its own
 * context) may plan at the same time, so planning and destroying plans is
 * serialised by one process-wide mutex; execution needs no lock.
 *
 * Accuracy: rounding leaves noise of about 1e-16 of the plane's largest
 * output. A target whose value is within 1e-10 of that largest output is
 * checked exactly (a count of non-zero cells in the kernel's
 * support, from row prefix sums): no such cell gives exactly 0. Values
 * below 0 are clamped to 0 for non-negative kernels. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "ig_config.h"
#include "spatial/focal.h"

#if IG_HAVE_FFTW
#include <fftw3.h>
#include <pthread.h>

/* Values at most this fraction of the chunk's largest are checked for an
 * empty support (far above the FFT's rounding noise, far below 1e-9). */
#define ZERO_CHECK 1e-10

/* The FFTW planner's lock (see the file comment). Synchronisation only: it
 * guards FFTW's global planner state, the library keeps none of its own. */
static pthread_mutex_t plan_lock = PTHREAD_MUTEX_INITIALIZER;

struct ig__ffft {
    size_t H, W, Wc;    /* plane rows, columns; spectrum columns W/2+1 */
    fftw_plan fwd, inv; /* r2c and c2r, H x W */
    void *block;        /* owned: holds the aligned spectrum */
    size_t block_bytes;
    fftw_complex *kspec; /* kernel spectrum / (H W), 64-byte aligned */
};

int ig__focal_have_fft(void)
{
    return 1;
}

/* Smallest n' >= n whose only prime factors are 2, 3, 5 and 7 (sizes
 * FFTW transforms fastest). */
static size_t good_size(size_t n)
{
    for (size_t m = n;; m++) {
        size_t r = m;
        static const size_t primes[4] = {2, 3, 5, 7};
        for (int p = 0; p < 4; p++)
            while (r % primes[p] == 0) r /= primes[p];
        if (r == 1) return m;
    }
}

static void *align64(void *p)
{
    uintptr_t a = ((uintptr_t)p + 63u) & ~(uintptr_t)63u;
    return (void *)a;
}

/* The flipped kernel on the H x W torus: weight w(dy, dx) at (-dy, -dx),
 * so that a convolution gives out[y][x] = sum w(dy, dx) v[y + dy][x + dx]. */
static void place_kernel(const ig__fkern *k, double *kf, size_t H, size_t W)
{
    memset(kf, 0, H * W * sizeof *kf);
    for (int32_t r = 0; r <= 2 * k->R; r++) {
        int64_t dy = r - k->R;
        size_t y = (size_t)((-dy % (int64_t)H + (int64_t)H) % (int64_t)H);
        for (size_t e = k->estart[r]; e < k->estart[r + 1]; e++) {
            int64_t dx = k->edx[e];
            size_t x = (size_t)((-dx % (int64_t)W + (int64_t)W) % (int64_t)W);
            kf[y * W + x] = k->ew[e];
        }
    }
}

ig_status ig__focal_fft_make(ig_ctx *ctx, const ig__fkern *k, int32_t T,
                             ig__ffft **out)
{
    *out = NULL;
    ig__ffft *f = ig__calloc(ctx, 1, sizeof *f);
    if (!f) return IG_ERR_NOMEM;
    size_t edge = (size_t)T + 2 * (size_t)k->R;
    f->H = good_size(edge);
    f->W = good_size(edge);
    f->Wc = f->W / 2 + 1;
    /* The spectrum (kept) and a real plane (for planning) in one block. */
    size_t spec = f->H * f->Wc * sizeof(fftw_complex);
    size_t real = f->H * f->W * sizeof(double);
    f->block_bytes = spec + real + 128;
    f->block = ig__alloc(ctx, f->block_bytes);
    if (!f->block) {
        ig__free(ctx, f, sizeof *f);
        return IG_ERR_NOMEM;
    }
    f->kspec = align64(f->block);
    double *kf = align64((char *)f->kspec + spec);
    int h = (int)f->H, w = (int)f->W;
    pthread_mutex_lock(&plan_lock);
    f->fwd = fftw_plan_dft_r2c_2d(h, w, kf, f->kspec, FFTW_ESTIMATE);
    f->inv = fftw_plan_dft_c2r_2d(h, w, f->kspec, kf, FFTW_ESTIMATE);
    pthread_mutex_unlock(&plan_lock);
    if (!f->fwd || !f->inv) {
        ig__focal_fft_free(ctx, f);
        return IG_ERR_NOMEM;
    }
    place_kernel(k, kf, f->H, f->W);
    fftw_execute_dft_r2c(f->fwd, kf, f->kspec);
    double scale = 1.0 / ((double)f->H * (double)f->W);
    for (size_t i = 0; i < f->H * f->Wc; i++) {
        f->kspec[i][0] *= scale;
        f->kspec[i][1] *= scale;
    }
    *out = f;
    return IG_OK;
}

void ig__focal_fft_free(ig_ctx *ctx, ig__ffft *f)
{
    if (!f) return;
    pthread_mutex_lock(&plan_lock);
    if (f->fwd) fftw_destroy_plan(f->fwd);
    if (f->inv) fftw_destroy_plan(f->inv);
    pthread_mutex_unlock(&plan_lock);
    ig__free(ctx, f->block, f->block_bytes);
    ig__free(ctx, f, sizeof *f);
}

void ig__focal_fft_dims(const ig__ffft *f, size_t *ph, size_t *pw, size_t *work)
{
    *ph = f->H;
    *pw = f->W;
    /* spectrum (2 doubles each), result plane, non-zero counts (W + 1 a
     * row), each rounded up to whole 64-byte lines */
    size_t spec = (2 * f->H * f->Wc + 7) & ~(size_t)7;
    size_t res = (f->H * f->W + 7) & ~(size_t)7;
    size_t cnt = (f->H * (f->W + 1) + 7) & ~(size_t)7;
    *work = spec + res + cnt;
}

double ig__focal_fft_cost(int32_t T, int32_t R, size_t A)
{
    /* Measured here: a plane's r2c + product + c2r + scan costs about 1.2
     * N log2 N multiply-adds of the direct loop (N = HW), for each value
     * array; the direct loop does all arrays at once. */
    size_t edge = good_size((size_t)T + 2 * (size_t)R);
    double n = (double)edge * (double)edge;
    return 1.2 * (double)A * n * log2(n);
}

/* Count of non-zero plane cells before each column, per row: cnt row y
 * has W + 1 entries. Whole numbers, exact. */
static void count_nonzero(const double *plane, size_t H, size_t W, double *cnt)
{
    for (size_t y = 0; y < H; y++) {
        const double *p = plane + y * W;
        double *c = cnt + y * (W + 1), s = 0.0;
        c[0] = 0.0;
        for (size_t x = 0; x < W; x++) {
            s += p[x] != 0.0 ? 1.0 : 0.0;
            c[x + 1] = s;
        }
    }
}

/* Non-zero cells of the plane in the support of the kernel around target
 * i of chunk c. */
static double support_count(const ig__fkern *k, const ig__fchunk *c,
                            const double *cnt, size_t W, size_t i)
{
    size_t y = (size_t)(c->tr[i] - c->oy), x = (size_t)(c->tc[i] - c->ox);
    double s = 0.0;
    for (int32_t r = 0; r <= 2 * k->R; r++) {
        if (k->lo[r] > k->hi[r]) continue;
        const double *row = cnt + (y + (size_t)r - (size_t)k->R) * (W + 1);
        s += row[(size_t)((int64_t)x + k->hi[r] + 1)] -
             row[(size_t)((int64_t)x + k->lo[r])];
    }
    return s;
}

/* One value array: its plane through the FFT, then the rules above. */
static void fft_plane(const ig__ffft *f, const ig__fkern *k,
                      const ig__fchunk *c, const double *plane, double *work,
                      size_t lane)
{
    size_t H = f->H, W = f->W, n_spec = H * f->Wc;
    fftw_complex *spec = (fftw_complex *)(void *)work;
    double *res = work + ((2 * n_spec + 7) & ~(size_t)7);
    double *cnt = res + ((H * W + 7) & ~(size_t)7);
    /* r2c does not write its input (out of place); FFTW's prototype is
     * not const. */
    fftw_execute_dft_r2c(f->fwd, (double *)(uintptr_t)plane, spec);
    for (size_t i = 0; i < n_spec; i++) {
        double a = spec[i][0], b = spec[i][1];
        double p = f->kspec[i][0], q = f->kspec[i][1];
        spec[i][0] = a * p - b * q;
        spec[i][1] = a * q + b * p;
    }
    fftw_execute_dft_c2r(f->inv, spec, res);

    /* The plane's largest value bounds the rounding noise of every
     * output (each point's own cell holds at least w(0, 0) times it). */
    double top = 0.0;
    for (size_t i = 0; i < H * W; i++) {
        double v = fabs(res[i]);
        top = v > top ? v : top;
    }
    int counted = 0;
    for (size_t i = 0; i < c->m; i++) {
        double v =
            res[(size_t)(c->tr[i] - c->oy) * W + (size_t)(c->tc[i] - c->ox)];
        if (fabs(v) <= ZERO_CHECK * top) {
            if (!counted) count_nonzero(plane, H, W, cnt);
            counted = 1;
            if (support_count(k, c, cnt, W, i) == 0.0) v = 0.0;
        }
        if (k->nonneg && v < 0.0) v = 0.0;
        c->res[c->tl[i] * c->L + lane] = v;
    }
}

void ig__focal_fft_eval(const ig__ffft *f, const ig__fkern *k,
                        const ig__fchunk *c, const double *planes, double *work)
{
    for (size_t a = 0; a < c->A; a++)
        fft_plane(f, k, c, planes + a * c->cap, work, a);
}

#else /* no FFTW: the driver falls back to direct convolution */

struct ig__ffft {
    int unused;
};

int ig__focal_have_fft(void)
{
    return 0;
}

ig_status ig__focal_fft_make(ig_ctx *ctx, const ig__fkern *k, int32_t T,
                             ig__ffft **out)
{
    (void)ctx;
    (void)k;
    (void)T;
    *out = NULL;
    return IG_ERR_DISABLED;
}

void ig__focal_fft_free(ig_ctx *ctx, ig__ffft *f)
{
    (void)ctx;
    (void)f;
}

void ig__focal_fft_dims(const ig__ffft *f, size_t *ph, size_t *pw, size_t *work)
{
    (void)f;
    *ph = *pw = *work = 0;
}

double ig__focal_fft_cost(int32_t T, int32_t R, size_t A)
{
    (void)T;
    (void)R;
    (void)A;
    return HUGE_VAL;
}

void ig__focal_fft_eval(const ig__ffft *f, const ig__fkern *k,
                        const ig__fchunk *c, const double *planes, double *work)
{
    (void)f;
    (void)k;
    (void)c;
    (void)planes;
    (void)work;
}

#endif
