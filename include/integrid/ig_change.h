/** @file ig_change.h
 *  @brief Change in segregation between two grids (two censuses of the same
 *  place) and its decomposition: the mutual information index M (and
 *  Theil's H = M / E) into unit-marginal, group-marginal and structural
 *  parts plus additions and removals of units (Elbers 2023, Shapley method
 *  of R `segregation::mutual_difference`), and the dissimilarity index D
 *  into a composition part and a spatial-reallocation part by iterative
 *  proportional fitting (IPF). See docs/change.md for the exact rules. */
#ifndef IG_CHANGE_H
#define IG_CHANGE_H

#include <stddef.h>
#include <stdint.h>

#include "integrid/ig_ctx.h"
#include "integrid/ig_export.h"
#include "integrid/ig_grid.h"
#include "integrid/ig_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A two-way table of counts: n_units rows (cells, schools) and n_groups
 *  columns, column-major: counts[g * n_units + i] >= 0. */
typedef struct ig_ctab {
    size_t n_units;
    size_t n_groups;
    const double *counts;
} ig_ctab;

/** Which measure's change is decomposed. */
typedef enum ig_change_measure {
    IG_CHANGE_MUTUAL = 0, /**< mutual_information (Shapley, 5 parts) */
    IG_CHANGE_THEIL = 1, /**< multi_information_theory, H = M / E (the same
                          Shapley game with H as the payoff) */
    IG_CHANGE_DISSIM = 2  /**< dissimilarity (one group against the rest) or,
                          with group IG_CHANGE_ALL_GROUPS,
                          multi_dissimilarity (composition/reallocation) */
} ig_change_measure;

/** Group index meaning "all groups" (multigroup D). */
#define IG_CHANGE_ALL_GROUPS ((size_t)-1)

/** Classes of units for a between/within split of the change in M or H
 *  (e.g. the DEGURBA classes urban centre, urban cluster, rural). Each
 *  census uses its own classification; a unit may change class. */
typedef struct ig_change_classes {
    size_t n_classes;
    const char *const *names; /**< n_classes names */
    /** Class of every cell of OLD and of NEW (ig_grid_ncells() entries,
     *  each < n_classes, or IG_CHANGE_NO_CLASS). When one grid is
     *  aggregated to the other's coarser cells, its cells take the class
     *  of the same cell of the other grid. */
    const uint32_t *old_cls;
    const uint32_t *new_cls;
} ig_change_classes;

/** A unit outside every class (its residents form a class "none"). */
#define IG_CHANGE_NO_CLASS UINT32_MAX

/** Options; ig_change_opts_init() sets the defaults shown. */
typedef struct ig_change_opts {
    ig_change_measure measure; /**< IG_CHANGE_MUTUAL */
    /** D only: the group compared with the rest, or IG_CHANGE_ALL_GROUPS
     *  for multigroup D; ignored for M and H. */
    size_t group;
    double precision; /**< IPF stops when every unit and group share is
                           within this of its target; 1e-12 */
    int max_iter;     /**< IPF iterations (row + column pass) before
                           IG_ERR_NUMERIC; 10000 */
    /** M and H: also split the change between and within these classes
     *  (ig_change_grids adds rows of kind IG_CHANGE_ROW_BETWEEN and
     *  IG_CHANGE_ROW_WITHIN); NULL: no split */
    const ig_change_classes *classes;
} ig_change_opts;

IG_API void ig_change_opts_init(ig_change_opts *o);

/** The change and its parts. For M and H:
 *  total = additions + removals + unit_marginal + group_marginal +
 *  structural. For D: total = additions + removals + composition +
 *  reallocation. Parts that do not apply are 0. */
typedef struct ig_change_parts {
    double old_value;      /**< the measure on OLD */
    double new_value;      /**< the measure on NEW */
    double total;          /**< new_value - old_value */
    double additions;      /**< units (and groups) only in NEW */
    double removals;       /**< units (and groups) only in OLD */
    double unit_marginal;  /**< M, H: changed unit sizes */
    double group_marginal; /**< M, H: changed group composition */
    double structural;     /**< M, H: changed association */
    double composition;    /**< D: OLD adjusted to NEW's margins minus OLD */
    double reallocation;   /**< D: NEW minus OLD adjusted to NEW's margins */
} ig_change_parts;

/**
 * Iterative proportional fitting (Deming & Stephan 1940): scale the columns
 * and rows of @p src in turn until its row and column shares match
 * @p row_target and @p col_target (each normalised to shares) within
 * @p precision. The result keeps the odds ratios of @p src and sums to the
 * total of @p src.
 *
 * @param src        the table; every row and column with a positive target
 *                   needs a positive entry
 * @param row_target n_units values >= 0 with a positive sum
 * @param col_target n_groups values >= 0 with a positive sum
 * @param out        n_units * n_groups values, column-major
 * @param iterations receives the iterations used, or NULL
 * @return IG_OK; IG_ERR_DOMAIN (bad arguments, a target that no entry can
 *         reach, margins whose totals disagree); IG_ERR_NUMERIC (no
 *         convergence in max_iter); IG_ERR_NOMEM
 */
IG_API ig_status ig_ipf(ig_ctx *ctx, const ig_ctab *src,
                        const double *row_target, const double *col_target,
                        double precision, int max_iter, double *out,
                        int *iterations, ig_error *err);

/**
 * Decompose the change between two tables over the same units and groups:
 * row i of @p old_t and of @p new_t is the same unit, column g the same
 * group. A unit whose row is all zero in one table is absent from it (an
 * addition or a removal); so is a group whose column is all zero.
 *
 * @return IG_OK; IG_ERR_DOMAIN (shapes differ, negative or non-finite
 *         counts, group out of range); IG_ERR_MISMATCH (no unit populated
 *         in both); IG_ERR_NUMERIC (the measure is undefined on one of the
 *         tables, or IPF did not converge); IG_ERR_NOMEM
 */
IG_API ig_status ig_change_tables(ig_ctx *ctx, const ig_ctab *old_t,
                                  const ig_ctab *new_t,
                                  const ig_change_opts *opts,
                                  ig_change_parts *out, ig_error *err);

/**
 * Split M (or H = M / E) of two tables between and within classes of
 * units: M = M_between + sum_k (T_k / T) M_k, where M_between is M of the
 * table whose units are the classes and M_k is M within class k (Theil
 * 1971; docs/change.md). out[0] is the between part, out[1 + k] class k's
 * within contribution (T_k / T) M_k, and out[1 + n_classes] that of the
 * units with IG_CHANGE_NO_CLASS; each with old_value, new_value and total
 * = new - old (other fields 0). The totals add up to M(NEW) - M(OLD).
 *
 * @param old_cls,new_cls class of every row of old_t / new_t
 * @param out     n_classes + 2 entries
 * @return IG_OK; IG_ERR_DOMAIN (bad arguments or measure D);
 *         IG_ERR_NUMERIC (M undefined: no residents, or H with one group);
 *         IG_ERR_NOMEM
 */
IG_API ig_status ig_change_by_class(ig_ctx *ctx, const ig_ctab *old_t,
                                    const uint32_t *old_cls,
                                    const ig_ctab *new_t,
                                    const uint32_t *new_cls,
                                    size_t n_classes,
                                    ig_change_measure measure,
                                    ig_change_parts *out, ig_error *err);

/** What a row of ig_change_grids() holds. */
typedef enum ig_change_row_kind {
    IG_CHANGE_ROW_TOTAL = 0,   /**< the decomposition of the change */
    IG_CHANGE_ROW_BETWEEN = 1, /**< the part between classes */
    IG_CHANGE_ROW_WITHIN = 2   /**< one class's within contribution */
} ig_change_row_kind;

/** One decomposition of a grid comparison: a place and, for D, a group. */
typedef struct ig_change_row {
    const char *place; /**< place name (owned by the result) */
    long group;        /**< group index in OLD, -1 for multigroup */
    ig_change_row_kind kind; /**< IG_CHANGE_ROW_TOTAL unless classes */
    const char *class_name;  /**< IG_CHANGE_ROW_WITHIN: the class ("none":
                                  units without a class; owned by the
                                  result); else NULL */
    ig_change_parts parts;
    size_t units_old, units_new, units_both; /**< populated units */
    ig_status status;  /**< IG_ERR_NUMERIC when undefined for this place */
    const char *message; /**< why, when status != IG_OK; owned by the
                              result; NULL when IG_OK */
} ig_change_row;

/** Results of ig_change_grids(); opaque. */
typedef struct ig_change_result ig_change_result;

/**
 * Compare two grids of the same places. Spatial grids are matched on
 * cells, aspatial (long-format) grids on unit names; groups are matched on
 * names and must be the same set; places (`--by`) on names and must be the
 * same set. Grids of different cell sizes are aggregated to the coarser
 * one when it is a whole multiple of the finer. Cells with a group not
 * available are left out. For D with opts->group == IG_CHANGE_ALL_GROUPS
 * there is one row per place and group, then the multigroup row;
 * otherwise one row per place (D: for opts->group, an index in OLD).
 *
 * @return IG_OK (rows may carry IG_ERR_NUMERIC); IG_ERR_MISMATCH (CRS,
 *         resolutions that do not nest, spatial vs aspatial, different
 *         groups or places, no unit in both grids); IG_ERR_DOMAIN;
 *         IG_ERR_NOMEM
 */
IG_API ig_status ig_change_grids(ig_ctx *ctx, const ig_grid *old_g,
                                 const ig_grid *new_g,
                                 const ig_change_opts *opts,
                                 ig_change_result **out, ig_error *err);

IG_API size_t ig_change_result_nrows(const ig_change_result *r);
/** Row @p i, owned by @p r; NULL when out of range. */
IG_API const ig_change_row *ig_change_result_row(const ig_change_result *r,
                                                 size_t i);
/** Cell size in metres both grids were compared at (0: aspatial). */
IG_API int32_t ig_change_result_cell_size_m(const ig_change_result *r);
IG_API void ig_change_result_destroy(ig_change_result *r);

#ifdef __cplusplus
}
#endif
#endif /* IG_CHANGE_H */
