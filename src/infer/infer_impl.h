/* Internal pieces of the inference module (src/infer): exact draws that
 * rng.h does not have, and the normal distribution. The unit tests use
 * them directly. */
#ifndef IG_INFER_IMPL_H
#define IG_INFER_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "core/rng.h"
#include "integrid/ig_infer.h"

/* Hypergeometric draw: successes among n items drawn without replacement
 * from N items of which K are successes (n <= N, K <= N). */
uint64_t ig__infer_hyper(ig_rng *r, uint64_t n, uint64_t K, uint64_t N);
/* Multivariate hypergeometric draw of n items from pool[0..k) (item
 * counts per category, summing to *pool_total >= n): out[c] receives the
 * draw and pool and *pool_total lose it (sequential conditional draws). */
void ig__infer_mvhyper(ig_rng *r, uint64_t n, uint64_t *pool, size_t k,
                       uint64_t *pool_total, uint64_t *out);
/* Multinomial(n, w[0..k) / wsum) with whole-number weights (wsum = the
 * sum of w, below 2^53): sequential conditional binomials whose remaining
 * weight is kept as an exact integer, so the last positive-weight slot
 * takes what is left and the draw always sums to n (0 when wsum is 0).
 * The systematic null spreads each group's residents over the cells with
 * it. */
void ig__infer_spread(ig_rng *r, uint64_t n, const uint64_t *w, size_t k,
                      uint64_t wsum, uint64_t *out);
/* pysal/segregation's systematic null: each category c's gtot[c]
 * residents go to cells i with probability ctot[i] / all (all = sum of
 * ctot); out[c * n + i] receives the counts (category-major). Category
 * totals are kept, cell totals vary. */
void ig__infer_systematic(ig_rng *r, const uint64_t *gtot, size_t nc,
                          const uint64_t *ctot, size_t n, uint64_t all,
                          uint64_t *out);
/* pysal/segregation's evenness null: each cell's ctot[i] residents take
 * categories from Multinomial(ctot[i], gw / sum gw); out[c * n + i] as
 * above, tmp[nc] scratch. Cell totals are kept, category totals vary. */
void ig__infer_evenness(ig_rng *r, const double *gw, size_t nc,
                        const uint64_t *ctot, size_t n, uint64_t *tmp,
                        uint64_t *out);
/* The random-allocation null (both margins kept) of one place, prepared
 * once for all its draws. The cells are cut into blocks of consecutive
 * cells (at most RALLOC_BLOCK_POP residents, or one big cell); a draw
 * first deals the residents of each category to the blocks (sequential
 * conditional hypergeometric draws over the blocks), then within each
 * block to its cells. Dealing in two stages is still exactly a uniformly
 * random permutation of the residents over the cells' places, and keeps
 * every pool of the second stage small, so its hypergeometric
 * probabilities come from a table of log factorials instead of
 * Stirling's series. */
typedef struct ig__ralloc {
    size_t n, nc;        /* cells, categories */
    const uint64_t *ctot; /* n cell totals (borrowed) */
    size_t nb;           /* blocks */
    size_t *bstart;      /* nb + 1 */
    uint64_t *bpop;      /* nb */
    double *lf;          /* log k! for k < lf_n */
    size_t lf_n;
} ig__ralloc;

ig_status ig__ralloc_init(ig_ctx *ctx, ig__ralloc *ra, const uint64_t *ctot,
                          size_t n, size_t nc);
void ig__ralloc_free(ig_ctx *ctx, ig__ralloc *ra);
/* One draw: category c's gtot[c] residents (sum: all, = the sum of ctot)
 * dealt at random to the cells; cols[c][i] receives cell i's count of
 * category c (cols[c] NULL: not written). tmp: 3 * nc + nb * nc scratch
 * (ig__ralloc_tmp_len). */
void ig__ralloc_draw(const ig__ralloc *ra, ig_rng *r, const uint64_t *gtot,
                     uint64_t all, uint64_t *tmp, double *const *cols);
size_t ig__ralloc_tmp_len(const ig__ralloc *ra);

/* A true count behind the published y under noise model nz (uniform over
 * the whole numbers that could have been published as y). */
uint64_t ig__infer_noisy(ig_rng *r, const ig_noise *nz, uint64_t y);

/* Standard normal distribution function and its inverse (0 < p < 1). */
double ig__infer_pnorm(double x);
double ig__infer_qnorm(double p);
/* Quantile (type 7, linear between order statistics) of sorted a[0..n). */
double ig__infer_quantile(const double *a, size_t n, double q);

/* ig_infer_units() for several rows of one place at once: row k is
 * measure ms[k] for group groups[k] (ignored by multigroup measures), and
 * out[k] receives exactly what ig_infer_units() would give it (same
 * streams, same summaries). Each replicate draws the place once and
 * computes every row on that draw, so R replicates of K rows cost R
 * draws instead of R K. On a failure every out[k] is blank (NaN). */
/* A progress callback the replicates call between chunks (from worker
 * threads, one call at a time): (ud, done, total) with done and total as
 * given here; a nonzero return stops the draws (IG_ERR_CANCELLED). */
typedef struct ig__infer_poll {
    ig_progress_fn fn;
    void *ud;
    uint64_t done, total;
} ig__infer_poll;

ig_status ig__infer_units_batch(ig_ctx *ctx, const ig_measure_info *const *ms,
                                const size_t *groups, size_t rows,
                                const ig_units *u, const ig_measure_params *p,
                                const ig_infer_opts *o,
                                const ig__infer_poll *poll, ig_inference *out,
                                ig_error *err);

#endif /* IG_INFER_IMPL_H */
