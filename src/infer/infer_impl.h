/* Internal pieces of the inference module (src/infer): exact draws that
 * rng.h does not have, and the normal distribution. The unit tests use
 * them directly. */
#ifndef IG_INFER_IMPL_H
#define IG_INFER_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "core/rng.h"

/* Hypergeometric draw: successes among n items drawn without replacement
 * from N items of which K are successes (n <= N, K <= N). */
uint64_t ig__infer_hyper(ig_rng *r, uint64_t n, uint64_t K, uint64_t N);
/* Multivariate hypergeometric draw of n items from pool[0..k) (item
 * counts per category, summing to *pool_total >= n): out[c] receives the
 * draw and pool and *pool_total lose it (sequential conditional draws). */
void ig__infer_mvhyper(ig_rng *r, uint64_t n, uint64_t *pool, size_t k,
                       uint64_t *pool_total, uint64_t *out);
/* Standard normal distribution function and its inverse (0 < p < 1). */
double ig__infer_pnorm(double x);
double ig__infer_qnorm(double p);
/* Quantile (type 7, linear between order statistics) of sorted a[0..n). */
double ig__infer_quantile(const double *a, size_t n, double q);

#endif /* IG_INFER_IMPL_H */
