/* Internal interface of the local measures (src/spatial/local*.c).
 *
 * local.c is the registry and the driver: it gathers the place's cells and
 * the cells neighbourhoods draw from, calls the neighbourhood engine and
 * hands plain arrays to the per-cell computations here, which never see a
 * grid. So each computation can be tested on hand-made neighbourhood
 * compositions (tests/unit/test_local.c) without the engine. */
#ifndef IG_LOCAL_IMPL_H
#define IG_LOCAL_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "integrid/ig_local.h"
#include "spatial/spatial_internal.h"

typedef enum ig__local_id {
#define IG_LOCAL(id, flags, range, summary, cite) IG__L_##id,
#include "spatial/local.def"
#undef IG_LOCAL
    IG__L_COUNT
} ig__local_id;

/* Registry index of @p info (a pointer from ig_local_get/find). */
ig__local_id ig__local_id_of(const ig_local_info *info);

/* ---- composition measures (local_compose.c) ----------------------------- */

/* Neighbourhood compositions of n target cells and their own counts. */
typedef struct ig__lcomp {
    ig_ctx *ctx; /* scratch memory; may be NULL */
    size_t n;    /* target cells */
    size_t n_groups;
    const double *env;      /* (n_groups + 1) * n values as ig_neighbourhoods
                               writes them: group g of target j at
                               env[g * n + j], the population at
                               env[n_groups * n + j] */
    const double *const *x; /* own counts of the targets, x[g][j] */
    const double *t;        /* own population (total column), or NULL: the
                               sum of the groups */
    const uint8_t *skip;    /* 1: target left out (not available); or NULL */
    size_t k_present;       /* groups with residents in the cells the
                               neighbourhoods draw from (the K of
                               local_diversity_normalized) */
} ig__lcomp;

/* One layer of composition measure @p id (local_share ... local_exposure):
 * group @p g, or g = -1 for the multigroup form. Writes value[0..n) and ORs
 * the reason for each NaN into flags[0..n) (IG_LOCAL_FLAG_NA, _EMPTY).
 * IG_OK; IG_ERR_NUMERIC (message in err) when the whole layer is undefined,
 * every value then NaN; IG_ERR_DOMAIN for an id that is not a composition
 * measure; IG_ERR_NOMEM. Reference figures of the place (X, T, shares) are
 * compensated sums over the targets that are not skipped. */
ig_status ig__local_compose(const ig__lcomp *in, ig__local_id id, long g,
                            double *value, uint8_t *flags, ig_error *err);

/* Inputs of local_relative_centralization: the place's cells. */
typedef struct ig__lrce {
    size_t n;
    const int32_t *row,
        *col; /* lattice position (south-west corner / cell_m) */
    int32_t cell_m;
    const double *x;     /* the group's count per cell */
    const double *t;     /* population per cell (>= x) */
    const uint8_t *skip; /* 1: left out; or NULL */
    int centre_given;    /* 0: population-weighted centroid */
    double centre_x_m, centre_y_m;
} ig__lrce;

/* Cumulative-share gap L_i = X(d_i) / X - Y(d_i) / Y, where X(d) and Y(d)
 * count the group and the rest within distance d of the centre (rings of
 * equal distance together). IG_OK; IG_ERR_NUMERIC when the group or the
 * rest has no residents in the place; IG_ERR_NOMEM. */
ig_status ig__local_rce_gap(ig_ctx *ctx, const ig__lrce *in, double *value,
                            uint8_t *flags, ig_error *err);

/* ---- hot spots and LISA (local_stats.c) ---------------------------------- */

/* Gi* z-score (Ord & Getis 1995) of one cell from the weighted sums over
 * the sample (the cell included): wx = sum w_j x_j, W = sum w_j,
 * S1 = sum w_j^2; n cells in the sample, mean xbar and standard deviation
 * s (divisor n) of x over the sample. NaN when the variance term vanishes
 * (the weights cover the whole sample equally) or s = 0. */
double ig__local_gi_z(double wx, double W, double S1, double n, double xbar,
                      double s);

/* Two-sided normal p-value of z: erfc(|z| / sqrt 2); NaN for NaN. */
double ig__local_p_two_sided(double z);

/* Benjamini-Hochberg (1995) adjusted p-values: for the m non-NaN entries of
 * p[0..n) ranked ascending, adj_(i) = min over k >= i of m p_(k) / k,
 * capped at 1; NaN entries stay NaN. Ties get the same value whatever
 * their order. IG_OK or IG_ERR_NOMEM. */
ig_status ig__local_bh_adjust(ig_ctx *ctx, const double *p, size_t n,
                              double *adj);

/* Class of a Gi* cell from its z and BH-adjusted p at false discovery rate
 * fdr; IG_LCLASS_NONE for NaN. */
ig_local_class ig__local_gi_class(double z, double p_adj, double fdr);

/* Class of a local Moran cell from its deviation zi, lag and pseudo p. */
ig_local_class ig__local_moran_class(double zi, double lag, double p,
                                     double alpha);

/* Lattice positions -> index: open addressing on the packed (row, col). */
typedef struct ig__lhash {
    size_t cap;    /* power of two, > 2 * entries */
    uint64_t *key; /* packed position + 1; 0 = empty */
    size_t *val;
} ig__lhash;

ig_status ig__lhash_init(ig_ctx *ctx, ig__lhash *h, size_t n_max);
void ig__lhash_free(ig_ctx *ctx, ig__lhash *h);
/* Index stored for (row, col), or (size_t)-1. */
size_t ig__lhash_find(const ig__lhash *h, int32_t row, int32_t col);
/* Index for (row, col); inserts @p val when absent and returns it. */
size_t ig__lhash_put(ig__lhash *h, int32_t row, int32_t col, size_t val);

/* The sample of Gi* and local Moran's I: the populated lattice positions of
 * the cells the neighbourhoods draw from (points at one position merged),
 * with the group share of each layer. */
typedef struct ig__lsample {
    size_t n;
    size_t cap; /* allocated length of the arrays */
    int32_t *row, *col;
    double *t; /* population (total, or sum of the groups) */
    size_t n_layers;
    double **v; /* v[k][s]: share of layer k's group at point s */
    ig__lhash hash;
} ig__lsample;

/* Build the sample from @p src (points with population <= 0 are left
 * out); layer k is group groups[k] of src. IG_OK or IG_ERR_NOMEM. */
ig_status ig__lsample_build(ig_ctx *ctx, const ig_lattice *src,
                            const size_t *groups, size_t n_layers,
                            ig__lsample *out);
void ig__lsample_free(ig_ctx *ctx, ig__lsample *s);
/* Mean and standard deviation (divisor n) of layer k over the sample,
 * compensated, in sample order. */
void ig__lsample_moments(const ig__lsample *s, size_t k, double *mean,
                         double *sd);

/* Local Moran's I of the target cells against a sample. */
typedef struct ig__lmoran_in {
    const ig__lsample *s;
    const ig__ktable *kt; /* kernel weights; (0, 0) is never used */
    size_t n_targets;
    const int32_t *trow, *tcol;
    const double *const *tv; /* own share per layer and target, used when
                                the target is not a sample point */
    const uint8_t *tskip;    /* 1: no value for this target (flag set by
                                the caller); or NULL */
    const uint8_t *layer_ok; /* n_layers: 0 = layer undefined (no variance),
                                skip it */
    const uint64_t *stream;  /* random stream per target (its grid index) */
    uint64_t seed;
    int permutations;
    double alpha;
    ig_progress_fn progress;
    void *progress_ud;
} ig__lmoran_in;

/* For every target j and layer k with layer_ok[k]: I[k][j] = z_j lag_j / m2
 * (Anselin 1995; z = share - mean over the sample, m2 = mean of z^2, lag
 * with the kernel's weights row-standardised without the cell itself),
 * the pseudo p-value of N conditional permutations,
 * (min(#{I* >= I}, #{I* <= I}) + 1) / (N + 1) with ties (1e-9 relative)
 * on both sides, the permutation z (NaN when the permuted I do not vary)
 * and the class. Targets with no populated neighbour get NaN and
 * IG_LOCAL_FLAG_NO_NEIGHBOURS. Parallel over the context's threads, one
 * random stream per target: identical for every thread count. */
ig_status ig__local_moran(ig_ctx *ctx, const ig__lmoran_in *in, double **I,
                          double **z, double **p, uint8_t **cls,
                          uint8_t *flags);

#endif /* IG_LOCAL_IMPL_H */
