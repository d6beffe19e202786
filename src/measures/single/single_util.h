/* Extra helpers from measures/util.c for the single-group measures that
 * run many replicates (modified_gini) and so must not allocate per call.
 * The public-to-measures helpers are in measures/measure_impl.h; these are
 * the caller-owns-the-scratch forms behind them. */
#ifndef IG_SINGLE_UTIL_H
#define IG_SINGLE_UTIL_H

#include <stddef.h>

#include "measures/measure_impl.h"

/* A value with its weight. */
typedef struct ig__vw {
    double v;
    double w;
} ig__vw;

/* Sort a[0..n) by v ascending; tmp must hold n items (scratch). Radix sort
 * on the high bits of an order-preserving key, then each run of equal high
 * bits is finished by comparison, so the order is exact. */
void ig__sort_vw(ig__vw *a, ig__vw *tmp, size_t n);

/* S = sum_i sum_j w_i w_j |v_i - v_j| for a[0..n) already sorted by v. */
double ig__absdiff_sorted(const ig__vw *a, size_t n);

#endif /* IG_SINGLE_UTIL_H */
