/* Kernels, scale checks and the ig_neighbourhoods() entry point.
 *
 * Every code path (weight tables, the brute-force reference, the docs)
 * takes its weights from ig_kernel_weight(), so the definitions live in one
 * place. The support test compares squared distances with a relative slack
 * of 1e-12: lattice offsets are whole numbers of cells, so a radius that is
 * an exact multiple of the cell size, or the rounded root of a whole number
 * of squared cells (sqrt(2) * 1000 m), keeps the cells on its rim whatever
 * the rounding of r * r, as the inclusive definition requires. The slack
 * could only admit a wrong cell at about 10^6 cells from the centre.
 * ig_neighbourhoods() bounds the table by the span of the lattice and the
 * targets, so a radius far beyond the place costs no more than the place. */
#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/ksum.h"
#include "spatial/spatial_internal.h"

/* Relative slack of the support test (see the file comment). */
#define SUPPORT_SLACK 1e-12
/* Largest table radius in cells: (2R + 1)^2 doubles must not overflow. */
#define KTABLE_MAX_R (1 << 20)
/* Tables wider than this (in cells each way) are bounded by the data. */
#define SPAN_CHECK_R 512
/* Reaches up to this many cells are found exactly (O(R)). */
#define REACH_EXACT_R 65536.0

static const char *const kernel_names[IG_KERNEL_COUNT] = {
    "disc", "square", "gaussian", "biweight", "epanechnikov", "linear"};

/* libpysal's names for the same shapes (see ig_spatial.h), accepted too. */
static const struct {
    const char *name;
    ig_kernel k;
} kernel_aliases[] = {{"uniform", IG_KERNEL_DISC},
                      {"quartic", IG_KERNEL_BIWEIGHT},
                      {"quadratic", IG_KERNEL_EPANECHNIKOV},
                      {"triangular", IG_KERNEL_LINEAR}};

const char *ig_kernel_name(ig_kernel k)
{
    if ((int)k < 0 || (int)k >= IG_KERNEL_COUNT) return NULL;
    return kernel_names[k];
}

static int name_equal(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return 0;
    return *a == *b;
}

ig_status ig_kernel_parse(const char *name, ig_kernel *out, ig_error *err)
{
    if (!name || !out)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "kernel name and output are required");
    for (int k = 0; k < IG_KERNEL_COUNT; k++)
        if (name_equal(name, kernel_names[k])) {
            *out = (ig_kernel)k;
            return IG_OK;
        }
    for (size_t i = 0; i < sizeof kernel_aliases / sizeof *kernel_aliases; i++)
        if (name_equal(name, kernel_aliases[i].name)) {
            *out = kernel_aliases[i].k;
            return IG_OK;
        }
    return ig__error_set(err, IG_ERR_NOT_FOUND, 0, 0,
                         "unknown kernel \"%.64s\": use one of disc, square, "
                         "gaussian, biweight, epanechnikov, linear",
                         name);
}

/* d^2 <= r^2 up to the relative slack. */
static int within(double d2, double r2)
{
    return d2 <= r2 * (1.0 + SUPPORT_SLACK);
}

double ig_kernel_weight(ig_kernel k, double dx_m, double dy_m, double radius_m)
{
    double d2 = dx_m * dx_m + dy_m * dy_m;
    if (d2 == 0.0) return (int)k >= 0 && (int)k < IG_KERNEL_COUNT ? 1.0 : 0.0;
    if (!(radius_m > 0.0)) return 0.0;
    double r2 = radius_m * radius_m;
    if (k == IG_KERNEL_SQUARE)
        return within(dx_m * dx_m, r2) && within(dy_m * dy_m, r2) ? 1.0 : 0.0;
    if (!within(d2, r2)) return 0.0; /* also NaN offsets */
    double z2 = d2 / r2;
    if (z2 > 1.0) z2 = 1.0; /* inside the slack: on the rim */
    switch (k) {
        case IG_KERNEL_DISC:
            return 1.0;
        case IG_KERNEL_GAUSSIAN:
            return exp(-0.5 * z2);
        case IG_KERNEL_BIWEIGHT:
            return (1.0 - z2) * (1.0 - z2);
        case IG_KERNEL_EPANECHNIKOV:
            return 1.0 - z2;
        case IG_KERNEL_LINEAR:
            return 1.0 - sqrt(z2);
        case IG_KERNEL_SQUARE:
            break; /* handled above */
    }
    return 0.0;
}

/* ---- scales -------------------------------------------------------------- */

/* Append a sentence to note (NUL-terminated, capacity cap), "; "-separated. */
static void note_add(char *note, size_t cap, const char *text)
{
    if (!note || cap == 0) return;
    size_t len = strlen(note);
    if (len + 1 >= cap) return;
    snprintf(note + len, cap - len, "%s%s", len ? "; " : "", text);
}

static ig_status check_k(double k, double population, char *note, size_t cap,
                         ig_error *err)
{
    if (!isfinite(k) || k < 0.0)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "k = %g is not a positive finite number of "
                             "residents: give k >= 1, e.g. 200",
                             k);
    if (k < 1.0)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "k = %g is below 1: a neighbourhood of the k "
                             "nearest residents needs k >= 1, e.g. 200",
                             k);
    if (population > 0.0 && k > population) {
        char buf[160];
        snprintf(buf, sizeof buf,
                 "k = %g is above the population %g: every neighbourhood "
                 "holds everyone",
                 k, population);
        note_add(note, cap, buf);
    }
    return IG_OK;
}

static ig_status check_radius(const ig_scale *scale, int32_t cell_m,
                              double extent_m, char *note, size_t cap,
                              ig_error *err)
{
    if ((int)scale->kernel < 0 || (int)scale->kernel >= IG_KERNEL_COUNT)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "unknown kernel number %d: use one of disc, "
                             "square, gaussian, biweight, epanechnikov, linear",
                             (int)scale->kernel);
    double r = scale->radius_m;
    if (!isfinite(r) || r <= 0.0)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "radius %g m is not a positive finite distance: "
                             "give a radius in metres above 0, e.g. 1000",
                             r);
    char buf[200];
    if (cell_m > 0 && r < (double)cell_m) {
        snprintf(buf, sizeof buf,
                 "radius %g m is below the cell size %d m: each "
                 "neighbourhood is its cell alone",
                 r, (int)cell_m);
        note_add(note, cap, buf);
    }
    if (extent_m > 0.0 && r > extent_m) {
        snprintf(buf, sizeof buf,
                 "radius %g m is beyond the extent of the place (%g m): "
                 "every neighbourhood covers the whole place",
                 r, extent_m);
        note_add(note, cap, buf);
    }
    return IG_OK;
}

ig_status ig_scale_check(const ig_scale *scale, int32_t cell_m, double extent_m,
                         double population, char *note, size_t cap,
                         ig_error *err)
{
    if (note && cap) note[0] = '\0';
    if (!scale)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0, "scale is required");
    if (scale->k != 0.0) /* k > 0, or a bad k: the caller meant a k scale */
        return check_k(scale->k, population, note, cap, err);
    return check_radius(scale, cell_m, extent_m, note, cap, err);
}

void ig_scale_format(const ig_scale *scale, char *buf, size_t cap)
{
    if (!buf || cap == 0) return;
    if (!scale)
        buf[0] = '\0';
    else if (scale->k > 0.0)
        snprintf(buf, cap, "k%.10g", scale->k);
    else
        snprintf(buf, cap, "%.10g", scale->radius_m);
}

/* ---- weight tables ------------------------------------------------------- */

ig_status ig__ktable_alloc(ig_ctx *ctx, int32_t R, ig__ktable *out)
{
    if (!out || R < 0 || R > KTABLE_MAX_R) return IG_ERR_DOMAIN;
    size_t side = 2 * (size_t)R + 1;
    double *w = ig__calloc(ctx, side * side, sizeof *w);
    if (!w) return IG_ERR_NOMEM;
    out->R = R;
    out->flat = 0;
    out->w = w;
    return IG_OK;
}

void ig__ktable_free(ig_ctx *ctx, ig__ktable *t)
{
    if (!t || !t->w) return;
    size_t side = 2 * (size_t)t->R + 1;
    ig__free(ctx, t->w, side * side * sizeof *t->w);
    t->w = NULL;
}

/* Largest whole number of cells m with weight(m * cell_m, 0) > 0 or, for
 * kernels that vanish on the rim, the rim itself: the support along an
 * axis. The disc, square and Gaussian keep their rim (weight > 0 there). */
static double axis_cells(double radius_m, int32_t cell_m)
{
    double c = (double)cell_m, r2 = radius_m * radius_m;
    double m = floor(radius_m / c);
    while (within((m + 1.0) * c * ((m + 1.0) * c), r2)) m += 1.0;
    while (m > 0.0 && !within(m * c * (m * c), r2)) m -= 1.0;
    return m;
}

/* The table of kernel k with at most r_cap cells of radius: weights beyond
 * r_cap are left out (callers cap at the span of their lattice, where no
 * pair of cells is farther apart). */
static ig_status ktable_make_capped(ig_ctx *ctx, ig_kernel k, double radius_m,
                                    int32_t cell_m, int32_t r_cap,
                                    ig__ktable *out, ig_error *err)
{
    if ((int)k < 0 || (int)k >= IG_KERNEL_COUNT)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0, "unknown kernel %d",
                             (int)k);
    if (!isfinite(radius_m) || radius_m <= 0.0 || cell_m <= 0)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "kernel table needs a radius > 0 (got %g m) and "
                             "a cell size > 0 (got %d m)",
                             radius_m, (int)cell_m);
    double m = axis_cells(radius_m, cell_m);
    if (r_cap < 0) r_cap = 0;
    if (m > (double)r_cap) m = (double)r_cap;
    if (m > (double)KTABLE_MAX_R)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "radius %g m spans %.0f cells of %d m: a kernel "
                             "table holds at most %d cells each way; use a "
                             "smaller radius or a coarser grid",
                             radius_m, m, (int)cell_m, KTABLE_MAX_R);
    int32_t R = (int32_t)m;
    ig_status st = ig__ktable_alloc(ctx, R, out);
    if (st != IG_OK)
        return ig__error_set(err, st, 0, 0,
                             "out of memory for a kernel table of %d cells "
                             "each way",
                             (int)R);
    size_t side = 2 * (size_t)R + 1;
    double c = (double)cell_m;
    for (int32_t dy = -R; dy <= R; dy++)
        for (int32_t dx = -R; dx <= R; dx++)
            out->w[(size_t)(dy + R) * side + (size_t)(dx + R)] =
                ig_kernel_weight(k, dx * c, dy * c, radius_m);
    out->flat = k == IG_KERNEL_DISC || k == IG_KERNEL_SQUARE || R == 0;
    return IG_OK;
}

ig_status ig__ktable_make(ig_ctx *ctx, ig_kernel k, double radius_m,
                          int32_t cell_m, ig__ktable *out, ig_error *err)
{
    if (!out)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0, "table is required");
    return ktable_make_capped(ctx, k, radius_m, cell_m, KTABLE_MAX_R, out, err);
}

/* The largest centre distance (metres) with a non-zero weight: the reach
 * of a kernel neighbourhood. O(R): for each column offset, the farthest
 * row offset still inside the support. */
static double kernel_reach_m(ig_kernel k, double radius_m, int32_t cell_m)
{
    double c = (double)cell_m, m = axis_cells(radius_m, cell_m), best = 0.0;
    if (m > REACH_EXACT_R) /* within a cell: the radius, or the corner */
        return k == IG_KERNEL_SQUARE ? m * c * sqrt(2.0)
                                     : fmin(radius_m, m * c);
    for (double dx = 0.0; dx <= m; dx += 1.0) {
        double dy = floor(sqrt(fmax(m * m - dx * dx, 0.0))) + 1.0;
        if (k == IG_KERNEL_SQUARE) dy = m + 1.0;
        while (dy >= 0.0 &&
               ig_kernel_weight(k, dx * c, dy * c, radius_m) <= 0.0)
            dy -= 1.0;
        if (dy < 0.0) continue;
        double d = c * sqrt(dx * dx + dy * dy);
        if (d > best) best = d;
    }
    return best;
}

/* ---- lattices ------------------------------------------------------------ */

/* 1 when every value is finite and >= 0. x * 0 is NaN exactly for NaN
 * and infinities, and a running minimum catches negatives; two chains of
 * each and no early exit let the valid case (all of them) run at memory
 * speed. */
static int all_valid(const double *v, size_t n)
{
    double z0 = 0.0, z1 = 0.0, m0 = 0.0, m1 = 0.0;
    size_t i = 0;
    for (; i + 2 <= n; i += 2) {
        z0 += v[i] * 0.0;
        z1 += v[i + 1] * 0.0;
        m0 = v[i] < m0 ? v[i] : m0;
        m1 = v[i + 1] < m1 ? v[i + 1] : m1;
    }
    for (; i < n; i++) {
        z0 += v[i] * 0.0;
        m0 = v[i] < m0 ? v[i] : m0;
    }
    return z0 + z1 == 0.0 && m0 >= 0.0 && m1 >= 0.0;
}

/* The error for the first bad value of v: group g's counts, or the
 * population when g == (size_t)-1. */
static ig_status bad_value(const ig_lattice *src, const double *v, size_t g,
                           ig_error *err)
{
    size_t i = 0;
    while (i < src->n && v[i] >= 0.0 && v[i] <= DBL_MAX) i++;
    if (i == src->n) i = 0; /* not reached: all_valid() said otherwise */
    char what[64];
    if (g == (size_t)-1)
        snprintf(what, sizeof what, "population");
    else
        snprintf(what, sizeof what, "count of group %zu", g);
    return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                         "%s %g at point %zu (row %ld, column %ld) is not a "
                         "finite number >= 0: fix or drop the cell",
                         what, v[i], i, (long)src->row[i], (long)src->col[i]);
}

ig_status ig__lattice_check(const ig_lattice *src, ig_error *err)
{
    if (!src)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0, "lattice is required");
    if (src->cell_m <= 0)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "cell size %d m is not positive: give the grid's "
                             "cell edge in metres (e.g. 1000)",
                             (int)src->cell_m);
    if (src->n == 0) return IG_OK;
    if (!src->row || !src->col || (src->n_groups && !src->counts))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "lattice of %zu points lacks its rows, columns "
                             "or counts",
                             src->n);
    for (size_t g = 0; g < src->n_groups; g++) {
        if (!src->counts[g])
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "lattice lacks the counts of group %zu", g);
        if (!all_valid(src->counts[g], src->n))
            return bad_value(src, src->counts[g], g, err);
    }
    if (src->total && !all_valid(src->total, src->n))
        return bad_value(src, src->total, (size_t)-1, err);
    return IG_OK;
}

/* ---- the entry point ----------------------------------------------------- */

/* Largest row or column distance (cells) between a point and a target, or
 * between two of either: beyond it no weight is ever used. */
static int32_t lattice_span(const ig_lattice *src, size_t n_targets,
                            const int32_t *trow, const int32_t *tcol)
{
    int64_t r0 = INT64_MAX, r1 = INT64_MIN, c0 = INT64_MAX, c1 = INT64_MIN;
    for (size_t i = 0; i < src->n; i++) {
        r0 = src->row[i] < r0 ? src->row[i] : r0;
        r1 = src->row[i] > r1 ? src->row[i] : r1;
        c0 = src->col[i] < c0 ? src->col[i] : c0;
        c1 = src->col[i] > c1 ? src->col[i] : c1;
    }
    for (size_t j = 0; j < n_targets; j++) {
        r0 = trow[j] < r0 ? trow[j] : r0;
        r1 = trow[j] > r1 ? trow[j] : r1;
        c0 = tcol[j] < c0 ? tcol[j] : c0;
        c1 = tcol[j] > c1 ? tcol[j] : c1;
    }
    if (r1 < r0) return 0;
    int64_t span = r1 - r0 > c1 - c0 ? r1 - r0 : c1 - c0;
    return span > KTABLE_MAX_R ? KTABLE_MAX_R : (int32_t)span;
}

static ig_status kernel_sums(ig_ctx *ctx, const ig_lattice *src,
                             size_t n_targets, const int32_t *trow,
                             const int32_t *tcol, const ig_scale *scale,
                             double *out, double *reach_m, ig_error *err)
{
    ig__ktable kt = {0, 0, NULL};
    /* Bound a table that could be large by the span of the data (a pass
     * over the points, saved for ordinary radii). */
    int32_t cap = KTABLE_MAX_R;
    if (axis_cells(scale->radius_m, src->cell_m) > SPAN_CHECK_R)
        cap = lattice_span(src, n_targets, trow, tcol);
    ig_status st = ktable_make_capped(ctx, scale->kernel, scale->radius_m,
                                      src->cell_m, cap, &kt, err);
    if (st != IG_OK) return st;
    st = ig__focal_table(ctx, src, n_targets, trow, tcol, &kt, out, err);
    ig__ktable_free(ctx, &kt);
    if (st == IG_OK && reach_m) {
        double d = kernel_reach_m(scale->kernel, scale->radius_m, src->cell_m);
        for (size_t j = 0; j < n_targets; j++) reach_m[j] = d;
    }
    return st;
}

ig_status ig_neighbourhoods(ig_ctx *ctx, const ig_lattice *src,
                            size_t n_targets, const int32_t *trow,
                            const int32_t *tcol, const ig_scale *scale,
                            double *out, double *reach_m, ig_error *err)
{
    if (!src || !scale || (n_targets && (!trow || !tcol || !out)))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "ig_neighbourhoods needs a lattice, a scale, and "
                             "target rows, columns and an output array");
    ig_status st = ig__lattice_check(src, err);
    if (st != IG_OK) return st;
    st = ig_scale_check(scale, src->cell_m, 0.0, 0.0, NULL, 0, err);
    if (st != IG_OK) return st;
    if (n_targets == 0) return IG_OK;
    if (scale->k > 0.0)
        return ig__knn(ctx, src, n_targets, trow, tcol, scale->k, out, reach_m,
                       err);
    return kernel_sums(ctx, src, n_targets, trow, tcol, scale, out, reach_m,
                       err);
}
