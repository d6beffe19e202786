/** @file ig_infer.h
 *  @brief Inference for any registered measure: bootstrap confidence
 *  intervals (percentile and BCa), tests against a null of no segregation
 *  (random allocation, permutation of cells), the expected value under the
 *  null, a bias-corrected value and a standardised score.
 *
 *  Every replicate r draws from its own random stream (seed, r), so the
 *  results are identical for every thread count. docs/inference.md gives
 *  the formulas and their limits. */
#ifndef IG_INFER_H
#define IG_INFER_H

#include <stddef.h>
#include <stdint.h>

#include "integrid/ig_ctx.h"
#include "integrid/ig_export.h"
#include "integrid/ig_grid.h"
#include "integrid/ig_measure.h"
#include "integrid/ig_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** How bootstrap replicates are drawn. */
typedef enum ig_resample {
    IG_RESAMPLE_RESIDENTS = 0, /**< each cell's residents: multinomial on
                                    the cell's own composition */
    IG_RESAMPLE_CELLS = 1      /**< cells drawn with replacement (aspatial
                                    measures only) */
} ig_resample;

/** Null models of no segregation. */
typedef enum ig_null_model {
    IG_NULL_RANDOM = 0,      /**< residents allocated at random, keeping
                                  cell totals and group totals
                                  (multivariate hypergeometric) */
    IG_NULL_PERMUTATION = 1, /**< cell compositions permuted over the cell
                                  locations (spatial measures) */
    IG_NULL_SYSTEMATIC = 2,  /**< pysal's systematic randomization: each
                                  group's residents go to cell i with
                                  probability t_i / T (group totals kept) */
    IG_NULL_EVENNESS = 3,    /**< pysal's evenness: each cell keeps its
                                  total, its residents take groups at the
                                  place's shares */
    IG_NULL_COMPOSITION = 4  /**< a two-sample counterfactual in pysal:
                                  IG_ERR_DISABLED for one place */
} ig_null_model;

/** How the published counts may differ from the true ones. */
typedef enum ig_noise_kind {
    IG_NOISE_NONE = 0,    /**< the counts are exact */
    IG_NOISE_ROUND = 1,   /**< rounded to a multiple of param (base b):
                               the true count is any whole number that
                               rounds to it, y - floor((b-1)/2) ..
                               y + floor(b/2), at least 0 */
    IG_NOISE_PERTURB = 2  /**< perturbed by at most +-param (cell-key
                               perturbation): y - K .. y + K; a published
                               0 stays 0 and a positive count stays >= 1 */
} ig_noise_kind;

/** A noise model: the true count is drawn uniformly from the whole numbers
 *  that could have been published as the count seen. */
typedef struct ig_noise {
    ig_noise_kind kind;
    int param; /**< base b >= 2 (round) or K >= 1 (perturb) */
} ig_noise;

/** Parse "round:B" or "perturb:K" (or "none"). @return IG_OK, or
 *  IG_ERR_DOMAIN with a message in @p err. */
IG_API ig_status ig_noise_parse(const char *s, ig_noise *out, ig_error *err);

/** Options of the inference. ig_infer_opts_init() sets the defaults
 *  shown. */
typedef struct ig_infer_opts {
    int ci;                   /**< 1: bootstrap intervals; 0 */
    double level;             /**< confidence level, 0 < level < 1; 0.95 */
    int reps;                 /**< replicates, for the bootstrap and for
                                   the null each; 999 */
    uint64_t seed;            /**< random seed; 1 */
    ig_resample resample;     /**< IG_RESAMPLE_RESIDENTS */
    int test;                 /**< 1: test against the null; 0 */
    ig_null_model null_model; /**< IG_NULL_RANDOM */
    /** ig_infer_run(): only these places (indices into the grid's places)
     *  get inference, the others only their values; NULL: every place */
    const size_t *places;
    size_t n_places;
    /** A noise model of the published counts (IG_NOISE_NONE). With one,
     *  every bootstrap replicate first draws true counts from it, so the
     *  intervals carry the noise too, and reps more draws measure what the
     *  noise alone does (noise_bias, noise_sd, noise_share). */
    ig_noise noise;
} ig_infer_opts;

IG_API void ig_infer_opts_init(ig_infer_opts *o);

/** Name of a null model ("random", "permutation", "systematic",
 *  "evenness", "composition"); NULL when out of range. */
IG_API const char *ig_null_model_name(ig_null_model m);
/** Parse a null model name. @return IG_OK or IG_ERR_NOT_FOUND. */
IG_API ig_status ig_null_model_parse(const char *s, ig_null_model *out);
/** Parse "residents" or "cells". @return IG_OK or IG_ERR_NOT_FOUND. */
IG_API ig_status ig_resample_parse(const char *s, ig_resample *out);

/** What the inference found for one value. Fields not asked for, or
 *  undefined for the data, are NaN. */
typedef struct ig_inference {
    double value;        /**< the measure on the data */
    double ci_low, ci_high;         /**< percentile interval */
    double ci_bca_low, ci_bca_high; /**< BCa interval (Efron 1987) */
    double null_mean, null_sd;      /**< of the null draws */
    double p_value;      /**< (1 + #{null >= value}) / (1 + n_null) */
    double expected;     /**< mean under the null (= null_mean) */
    double corrected;    /**< value - expected */
    double z;            /**< (value - expected) / null_sd */
    int n_boot;          /**< bootstrap replicates where it was defined */
    int n_null;          /**< null draws where it was defined */
    /** With a noise model: the measure on counts redrawn from it (no
     *  other resampling): mean minus the value (what the noise adds on
     *  average), the sd, and that bias as a share of the value (how much of
     *  the value the noise could explain). */
    double noise_bias, noise_sd, noise_share;
    int n_noise;         /**< noise draws where it was defined */
} ig_inference;

/**
 * Inference for one measure on one place given as plain arrays.
 *
 * Counts are rounded to whole residents for the draws. With a total
 * column, the residents outside the groups (total minus the groups) are
 * drawn as one more category.
 *
 * @param ctx    context (may be NULL): threads and memory
 * @param m      the measure
 * @param u      the units, borrowed
 * @param group  for single-group measures, the group
 * @param p      measure parameters, or NULL for defaults
 * @param o      inference options, or NULL for defaults (nothing asked:
 *               only the value)
 * @param out    receives the result
 * @param err    optional error detail
 * @return IG_OK; as ig_measure_compute() for the value itself;
 *         IG_ERR_DOMAIN for bad options (level, reps < 1, cells
 *         resampling of a spatial measure); IG_ERR_DISABLED for null
 *         models not available yet; IG_ERR_NOMEM
 */
IG_API ig_status ig_infer_units(ig_ctx *ctx, const ig_measure_info *m,
                                const ig_units *u, size_t group,
                                const ig_measure_params *p,
                                const ig_infer_opts *o, ig_inference *out,
                                ig_error *err);

/** Results of ig_infer_run(); opaque. */
typedef struct ig_infer_results ig_infer_results;

/**
 * Run measures over every place of @p grid (ig_measures_run()), then the
 * inference for every row of component IG_COMP_TOTAL whose value is
 * defined (of the places in infer_opts->places, when given). Rows of
 * between/within components and undefined rows get NaN. Spatial
 * measures: the replicates compute their environments from the place
 * alone (edge = place), see docs/inference.md.
 *
 * run_opts->progress is called with the rows done and the rows in all,
 * also between chunks of replicates (the same numbers again), from worker
 * threads one call at a time. When it returns nonzero the run stops and
 * returns IG_ERR_CANCELLED with *out holding what was finished: every
 * value, and the inference of the rows done before the stop (the others
 * NaN, n_boot = n_null = 0); ig_infer_results_partial() says so.
 * @return as ig_measures_run() and ig_infer_units(); IG_ERR_CANCELLED
 *         (with partial results in *out)
 */
IG_API ig_status ig_infer_run(ig_ctx *ctx, const ig_grid *grid,
                              const ig_run_opts *run_opts,
                              const ig_infer_opts *infer_opts,
                              ig_infer_results **out, ig_error *err);

/** The values (the rows of ig_measures_run()), owned by @p r. */
IG_API const ig_results *ig_infer_results_values(const ig_infer_results *r);
/** 1 when the run was stopped (IG_ERR_CANCELLED) before every row had its
 *  inference, else 0. */
IG_API int ig_infer_results_partial(const ig_infer_results *r);
/** Rows whose inference was finished (all asked for, unless partial). */
IG_API size_t ig_infer_results_done(const ig_infer_results *r);
/** Inference of row @p i of the values; NULL when out of range. */
IG_API const ig_inference *ig_infer_results_row(const ig_infer_results *r,
                                                size_t i);
IG_API void ig_infer_results_destroy(ig_infer_results *r);

#ifdef __cplusplus
}
#endif
#endif /* IG_INFER_H */
