/* Classification of values for maps: quantiles, equal intervals, exact
 * Jenks natural breaks and fixed breaks.
 *
 * Every method starts from the sorted finite values. Jenks merges them into
 * m distinct values with weights and solves the Fisher (1958) / Jenks
 * (1977) dynamic program F[j][i] = min_t F[j-1][t] + SSE(t+1..i) exactly.
 * For sorted one-dimensional data SSE(a..b) is a Monge array, so the
 * leftmost optimal t is non-decreasing in i and each DP row is solved by
 * divide and conquer in O(m log m) (Wang & Song 2011, Ckmeans.1d.dp; Grønlund
 * et al. 2017): O(k m log m) in all, with prefix sums of w, wx, wx^2 taken
 * about the weighted mean to keep the SSE differences accurate. The back
 * pointers (k m uint32) are the only large allocation. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "core/ksum.h"
#include "integrid/ig_render.h"
#include "render/render_internal.h"

ig_status ig_classify_parse(const char *name, ig_classify_method *out)
{
    static const char *const names[4] = {"quantile", "equal", "jenks",
                                         "fixed"};
    for (int i = 0; name && i < 4; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (ig_classify_method)i;
            return IG_OK;
        }
    return IG_ERR_NOT_FOUND;
}

const char *ig_classify_name(ig_classify_method m)
{
    switch (m) {
    case IG_CLASSIFY_QUANTILE: return "quantile";
    case IG_CLASSIFY_EQUAL: return "equal";
    case IG_CLASSIFY_JENKS: return "jenks";
    case IG_CLASSIFY_FIXED: return "fixed";
    }
    return "";
}

size_t ig_classes_find(const ig_classes *c, double v)
{
    if (!c || c->n_classes == 0 || isnan(v) || v < c->breaks[0] ||
        v > c->breaks[c->n_classes])
        return (size_t)-1;
    size_t lo = 0, hi = c->n_classes - 1; /* first i with v <= breaks[i+1] */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v <= c->breaks[mid + 1])
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ---- Jenks ------------------------------------------------------------- */

typedef struct jenks {
    size_t m;          /* distinct values */
    const double *cw;  /* prefix sums: cw[i] = sum of w[0..i) */
    const double *cx;  /* of w (x - mean) */
    const double *cxx; /* of w (x - mean)^2 */
    double *prev;       /* F[j-1][*] */
    double *cur;        /* F[j][*] */
    uint32_t *back;     /* back pointers of row j */
} jenks;

/* Sum of squared deviations of distinct values [a, b) (weighted). */
static double sse(const jenks *J, size_t a, size_t b)
{
    double w = J->cw[b] - J->cw[a];
    if (w <= 0.0) return 0.0;
    double s = J->cx[b] - J->cx[a];
    double v = (J->cxx[b] - J->cxx[a]) - s * s / w;
    return v > 0.0 ? v : 0.0;
}

/* Row j: cur[i] for i in [lo, hi] (i = number of values covered, the last
 * class is [t, i)), with the optimal t known to lie in [tlo, thi]. */
static void jenks_rec(jenks *J, size_t j, size_t lo, size_t hi, size_t tlo,
                      size_t thi)
{
    while (lo <= hi) {
        size_t mid = lo + (hi - lo) / 2;
        size_t a = tlo > j - 1 ? tlo : j - 1;
        size_t b = thi < mid - 1 ? thi : mid - 1;
        double best = INFINITY;
        size_t bt = a;
        for (size_t t = a; t <= b; t++) {
            double f = J->prev[t] + sse(J, t, mid);
            if (f < best) {
                best = f;
                bt = t;
            }
        }
        J->cur[mid] = best;
        J->back[mid] = (uint32_t)bt;
        if (mid > lo) jenks_rec(J, j, lo, mid - 1, tlo, bt);
        lo = mid + 1; /* right half as a loop: recursion depth log m */
        tlo = bt;
    }
}

/* Jenks on sorted values v[0..n) (n >= 2 distinct assumed by the caller):
 * breaks into out (k classes, or fewer when there are fewer distinct
 * values). */
static ig_status jenks_breaks(ig_ctx *ctx, const double *v, size_t n,
                              size_t k, ig_classes *out, ig_error *err)
{
    size_t m = 1;
    for (size_t i = 1; i < n; i++) m += v[i] != v[i - 1];
    if (k > m) k = m;
    if (m > UINT32_MAX - 1)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "too many distinct values for Jenks breaks "
                             "(%zu); use quantile breaks",
                             m);
    ig_status st = IG_OK;
    double *x = ig__calloc(ctx, m, sizeof *x);
    double *w = ig__calloc(ctx, m, sizeof *w);
    double *pre = ig__calloc(ctx, 3 * (m + 1), sizeof *pre);
    double *rows = ig__calloc(ctx, 2 * (m + 1), sizeof *rows);
    uint32_t *back = ig__calloc(ctx, k * (m + 1), sizeof *back);
    if (!x || !w || !pre || !rows || !back) {
        st = ig__error_set(err, IG_ERR_NOMEM, 0, 0,
                           "out of memory for Jenks breaks of %zu values",
                           m);
        goto out;
    }
    size_t d = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || v[i] != v[i - 1]) {
            x[d] = v[i];
            w[d] = 0.0;
            d++;
        }
        w[d - 1] += 1.0;
    }
    ig_ksum mean_k;
    ig_ksum_init(&mean_k);
    for (size_t i = 0; i < m; i++) ig_ksum_add(&mean_k, w[i] * x[i]);
    double mean = ig_ksum_value(&mean_k) / (double)n;
    double *cw = pre, *cx = pre + (m + 1), *cxx = pre + 2 * (m + 1);
    ig_ksum sw, sx, sxx;
    ig_ksum_init(&sw);
    ig_ksum_init(&sx);
    ig_ksum_init(&sxx);
    for (size_t i = 0; i < m; i++) {
        double dx = x[i] - mean;
        ig_ksum_add(&sw, w[i]);
        ig_ksum_add(&sx, w[i] * dx);
        ig_ksum_add(&sxx, w[i] * dx * dx);
        cw[i + 1] = ig_ksum_value(&sw);
        cx[i + 1] = ig_ksum_value(&sx);
        cxx[i + 1] = ig_ksum_value(&sxx);
    }
    jenks J = {m, cw, cx, cxx, rows, rows + (m + 1), back};
    for (size_t i = 1; i <= m; i++) {
        J.cur[i] = sse(&J, 0, i);
        back[i] = 0;
    }
    for (size_t j = 2; j <= k; j++) {
        double *tmp = J.prev;
        J.prev = J.cur;
        J.cur = tmp;
        J.back = back + (j - 1) * (m + 1);
        jenks_rec(&J, j, j, m, j - 1, m - 1);
    }
    /* walk back from F[k][m]: class c is distinct values [s_c, e_c) */
    size_t end = m;
    out->n_classes = k;
    out->breaks[k] = x[m - 1];
    for (size_t j = k; j >= 1; j--) {
        size_t t = back[(j - 1) * (m + 1) + end];
        out->breaks[j] = x[end - 1];
        end = t;
        if (j == 1) break;
    }
    out->breaks[0] = x[0];
out:
    ig__free(ctx, x, m * sizeof *x);
    ig__free(ctx, w, m * sizeof *w);
    ig__free(ctx, pre, 3 * (m + 1) * sizeof *pre);
    ig__free(ctx, rows, 2 * (m + 1) * sizeof *rows);
    ig__free(ctx, back, k * (m + 1) * sizeof *back);
    return st;
}

/* Drop repeated breaks (ties in quantiles). The first class may hold the
 * minimum alone (breaks[0] == breaks[1]: many cells share the lowest value,
 * typically 0); every later class must be a non-empty interval. */
static void dedupe(ig_classes *c)
{
    size_t n = 1;
    for (size_t i = 1; i <= c->n_classes; i++)
        if (c->breaks[i] > c->breaks[n - 1] || (n == 1 && i == 1))
            c->breaks[n++] = c->breaks[i];
    c->n_classes = n - 1;
}

/* Counts per class and the goodness of variance fit, over sorted v. */
static void finish(ig_classes *c, const double *v, size_t n)
{
    memset(c->counts, 0, sizeof c->counts);
    ig_ksum tot;
    ig_ksum_init(&tot);
    for (size_t i = 0; i < n; i++) ig_ksum_add(&tot, v[i]);
    double mean = ig_ksum_value(&tot) / (double)n;
    ig_ksum sst, sse_k;
    ig_ksum_init(&sst);
    ig_ksum_init(&sse_k);
    size_t i = 0;
    for (size_t k = 0; k < c->n_classes; k++) {
        size_t a = i;
        ig_ksum cs;
        ig_ksum_init(&cs);
        while (i < n && (v[i] <= c->breaks[k + 1] || k + 1 == c->n_classes)) {
            ig_ksum_add(&cs, v[i]);
            i++;
        }
        c->counts[k] = i - a;
        double cm = c->counts[k] ? ig_ksum_value(&cs) / (double)c->counts[k] : 0;
        for (size_t q = a; q < i; q++) {
            ig_ksum_add(&sse_k, (v[q] - cm) * (v[q] - cm));
            ig_ksum_add(&sst, (v[q] - mean) * (v[q] - mean));
        }
    }
    double t = ig_ksum_value(&sst);
    c->gvf = t > 0.0 ? 1.0 - ig_ksum_value(&sse_k) / t : 1.0;
    if (c->gvf < 0.0) c->gvf = 0.0;
}

ig_status ig__render_classify_sorted(ig_ctx *ctx, const double *v, size_t n,
                                     size_t n_missing,
                                     ig_classify_method method,
                                     size_t n_classes, const double *fixed,
                                     size_t n_fixed, ig_classes *out,
                                     ig_error *err)
{
    ig_classes c;
    memset(&c, 0, sizeof c);
    c.n_values = n;
    c.n_missing = n_missing;
    if (method == IG_CLASSIFY_FIXED) {
        if (!fixed || n_fixed < 1 || n_fixed > IG_CLASSES_MAX - 1)
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "fixed classes need 1 to %d breaks (got "
                                 "%zu)",
                                 IG_CLASSES_MAX - 1, fixed ? n_fixed : 0);
        for (size_t i = 0; i < n_fixed; i++) {
            if (!isfinite(fixed[i]))
                return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                     "break %zu is not a finite number",
                                     i + 1);
            if (i && !(fixed[i] > fixed[i - 1]))
                return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                     "breaks must be strictly ascending "
                                     "(break %zu, %g, follows %g)",
                                     i + 1, fixed[i], fixed[i - 1]);
        }
    } else if (n_classes < 2 || n_classes > IG_CLASSES_MAX) {
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "number of classes must be 2 to %d (got %zu)",
                             IG_CLASSES_MAX, n_classes);
    } else if ((int)method < 0 || method > IG_CLASSIFY_FIXED) {
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "unknown classification method %d", (int)method);
    }
    if (n == 0)
        return ig__error_set(err, IG_ERR_NUMERIC, 0, 0,
                             "no value to classify (%zu undefined)",
                             n_missing);
    double lo = v[0], hi = v[n - 1];
    if (lo == hi && method != IG_CLASSIFY_FIXED)
        return ig__error_set(err, IG_ERR_NUMERIC, 0, 0,
                             "all %zu values are equal (%g): there are no "
                             "class breaks to draw",
                             n, lo);
    switch (method) {
    case IG_CLASSIFY_QUANTILE:
        c.n_classes = n_classes;
        c.breaks[0] = lo;
        for (size_t i = 1; i <= n_classes; i++) {
            /* value at rank ceil(i n / k), 1-based */
            size_t r = (i * n + n_classes - 1) / n_classes;
            c.breaks[i] = v[r - 1];
        }
        c.breaks[n_classes] = hi;
        dedupe(&c);
        break;
    case IG_CLASSIFY_EQUAL:
        c.n_classes = n_classes;
        for (size_t i = 0; i <= n_classes; i++)
            c.breaks[i] = lo + (hi - lo) * (double)i / (double)n_classes;
        c.breaks[n_classes] = hi;
        break;
    case IG_CLASSIFY_JENKS: {
        ig_status st = jenks_breaks(ctx, v, n, n_classes, &c, err);
        if (st != IG_OK) return st;
        break;
    }
    case IG_CLASSIFY_FIXED:
        c.n_classes = n_fixed + 1;
        c.breaks[0] = lo < fixed[0] ? lo : fixed[0];
        for (size_t i = 0; i < n_fixed; i++) c.breaks[i + 1] = fixed[i];
        c.breaks[n_fixed + 1] = hi > fixed[n_fixed - 1] ? hi
                                                        : fixed[n_fixed - 1];
        if (c.breaks[n_fixed + 1] == c.breaks[n_fixed]) {
            /* the data end at the last break: its class would be empty */
            c.n_classes = n_fixed;
        }
        break;
    }
    finish(&c, v, n);
    *out = c;
    return IG_OK;
}

ig_status ig__render_sorted_finite(ig_ctx *ctx, const double *values,
                                   size_t n, double **out, size_t *n_out,
                                   size_t *n_nan, ig_error *err)
{
    *out = NULL;
    *n_out = 0;
    *n_nan = 0;
    double *v = ig__calloc(ctx, n ? n : 1, sizeof *v);
    if (!v)
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0,
                             "out of memory sorting %zu values", n);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(values[i])) {
            (*n_nan)++;
            continue;
        }
        if (!isfinite(values[i])) {
            ig__free(ctx, v, (n ? n : 1) * sizeof *v);
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "value %zu is infinite: only finite values "
                                 "can be classified",
                                 i + 1);
        }
        v[k++] = values[i] == 0.0 ? 0.0 : values[i]; /* no -0 */
    }
    qsort(v, k, sizeof *v, cmp_double);
    *out = v;
    *n_out = k;
    return IG_OK;
}

ig_status ig_classify(ig_ctx *ctx, const double *values, size_t n,
                      ig_classify_method method, size_t n_classes,
                      const double *fixed, size_t n_fixed, ig_classes *out,
                      ig_error *err)
{
    if ((!values && n) || !out)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "ig_classify: values and out are required");
    double *v = NULL;
    size_t k = 0, nan = 0;
    ig_status st =
        ig__render_sorted_finite(ctx, values, n, &v, &k, &nan, err);
    if (st != IG_OK) return st;
    st = ig__render_classify_sorted(ctx, v, k, nan, method, n_classes, fixed,
                                    n_fixed, out, err);
    ig__free(ctx, v, (n ? n : 1) * sizeof *v);
    return st;
}
