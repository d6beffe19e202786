/* Extra helpers from measures/util.c for the single-group measures that
 * run many replicates (modified_gini) and so must not allocate per call.
 * The public-to-measures helpers are in measures/measure_impl.h; these are
 * the caller-owns-the-scratch forms behind them. */
#ifndef IG_SINGLE_UTIL_H
#define IG_SINGLE_UTIL_H

#include <stddef.h>

#include "measures/measure_impl.h"

/* Sort a[0..n) by v ascending; tmp must hold n items (scratch). Radix sort
 * on the high bits of an order-preserving key, then each run of equal high
 * bits is finished by comparison, so the order is exact. */
void ig__sort_vw(ig__vw *a, ig__vw *tmp, size_t n);

/* S = sum_i sum_j w_i w_j |v_i - v_j| for a[0..n) already sorted by v. */
double ig__absdiff_sorted(const ig__vw *a, size_t n);

/* Totals of a single-group input: X, Y = sum (t_i - x_i), T, P = X / T. */
typedef struct ig__single {
    double X, Y, T, P;
} ig__single;

/* Y = sum_i (t_i - x_i), compensated: the rest of the population. */
double ig__single_rest(const double *t, const double *x, size_t n);

/* Fill *s (Y from in->Y when the runner computed it) and apply the
 * degenerate-case rules of docs conventions: the group absent (X = 0) is
 * IG_ERR_NUMERIC; the group being the whole population (Y = 0) is
 * IG_ERR_NUMERIC unless allow_whole. `name` is the measure id for the
 * message. */
ig_status ig__single_setup(const ig__min *in, const char *name, int allow_whole,
                           ig__single *s);

/* The shares g_i = x_i / X and o_i = y_i / Y of unit i (s from
 * ig__single_setup with Y > 0). */
static inline double ig__share_x(const ig__min *in, const ig__single *s,
                                 size_t i)
{
    return in->x[i] / s->X;
}
static inline double ig__share_y(const ig__min *in, const ig__single *s,
                                 size_t i)
{
    return (in->t[i] - in->x[i]) / s->Y;
}

#endif /* IG_SINGLE_UTIL_H */
