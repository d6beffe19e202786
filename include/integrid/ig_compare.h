/** @file ig_compare.h
 *  @brief Compare two grids (e.g. the 2011 and the 2021 census) place by
 *  place: each measure's value in A and in B, the difference B - A, its
 *  bootstrap interval and a permutation p-value for "no difference".
 *
 *  Replicate r of the bootstrap draws both grids from random stream
 *  (seed, r); permutation r from stream (seed, 2^41 + r). Results do not
 *  depend on the thread count. docs/inference.md ("Comparing two grids")
 *  gives the rules and their limits. */
#ifndef IG_COMPARE_H
#define IG_COMPARE_H

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

/** Options of ig_compare_grids(). ig_compare_opts_init() sets the
 *  defaults shown. */
typedef struct ig_compare_opts {
    const char *const *measures; /**< names; NULL or n_measures 0: every
                                      measure that needs neither
                                      coordinates nor simulation */
    size_t n_measures;
    ig_measure_params params;    /**< measure parameters */
    int na_as_zero;  /**< 1: keep cells with not-available groups, as 0 */
    int reps;        /**< bootstrap replicates and permutations each; 999 */
    uint64_t seed;   /**< random seed; 1 */
    double level;    /**< confidence level, 0 < level < 1; 0.95 */
    /** Called between replicates with the replicates done and in all
     *  (all places), from worker threads one call at a time; nonzero
     *  stops the run: IG_ERR_CANCELLED, with the places finished before
     *  in *out (ig_compare_result_partial() is then 1). NULL: none. */
    ig_progress_fn progress;
    void *progress_ud;
} ig_compare_opts;

IG_API void ig_compare_opts_init(ig_compare_opts *o);

/** One row: place x measure x group. Undefined values are NaN. */
typedef struct ig_compare_row {
    const char *place;              /**< owned by the result */
    const ig_measure_info *measure;
    long group;                     /**< group index in A, -1 for
                                         multigroup measures */
    double value_a, value_b;
    double difference;              /**< value_b - value_a */
    double ci_low, ci_high;         /**< percentile interval of the
                                         difference */
    double p_value;                 /**< (1 + #{|d*| >= |d|}) / (1 + n) */
    int n_boot, n_perm;             /**< replicates where it was defined */
} ig_compare_row;

typedef struct ig_compare_result ig_compare_result;

/**
 * Compare grids @p a and @p b place by place (places matched by name; a
 * grid without --by has one place "all").
 *
 * @return IG_OK; IG_ERR_DOMAIN when the groups, the CRS or the cell size
 *         differ, or for bad options (reps < 1, level, a spatial
 *         measure); IG_ERR_NOT_FOUND for an unknown measure or when no
 *         place is in both grids; IG_ERR_NOMEM
 */
IG_API ig_status ig_compare_grids(ig_ctx *ctx, const ig_grid *a,
                                  const ig_grid *b, const ig_compare_opts *o,
                                  ig_compare_result **out, ig_error *err);

IG_API size_t ig_compare_result_nrows(const ig_compare_result *r);
/** Row @p i, NULL when out of range. */
IG_API const ig_compare_row *ig_compare_result_row(const ig_compare_result *r,
                                                   size_t i);
IG_API void ig_compare_result_destroy(ig_compare_result *r);
/** 1 when the run was stopped (IG_ERR_CANCELLED) before every place was
 *  compared: the rows are those of the places finished. */
IG_API int ig_compare_result_partial(const ig_compare_result *r);

#ifdef __cplusplus
}
#endif
#endif /* IG_COMPARE_H */
