/* Shared preparation of the single-group spatial measures on cell
 * coordinates (contiguity.c, decay.c, centralization.c, concentration.c).
 *
 * Every such measure first turns its units into cells: sorted by (row,
 * column), units on the same lattice cell added together, each cell with
 * its group count, population and land area. Working on the sorted cells
 * makes every result a function of the set of cells alone (never of the
 * order the units came in) and gives the contiguity measures their
 * neighbours by a linear merge instead of a hash. */
#ifndef IG_SPATIAL_COMMON_H
#define IG_SPATIAL_COMMON_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "measures/measure_impl.h"
#include "measures/single/single_util.h"

/* The place as distinct lattice cells, sorted by (row, col). */
typedef struct ig__cells {
    size_t n;       /* cells */
    size_t cap;     /* allocated length of the arrays */
    int32_t *row;   /* lattice row (northing / cell_m) */
    int32_t *col;   /* lattice column (easting / cell_m) */
    double *x;      /* the group's count */
    double *t;      /* population (in->t) */
    double *a;      /* land area, km2 */
    double X, Y, T; /* compensated sums of x, t - x and t over the cells */
    double cell_km; /* cell edge, km */
} ig__cells;

/* Land area of unit i in km2: in->area[i] when given and not NaN, else the
 * whole cell, cell_m^2. */
static inline double ig__unit_area(const ig__min *in, size_t i)
{
    double full = (double)in->cell_m * (double)in->cell_m * 1e-6;
    if (!in->area || isnan(in->area[i])) return full;
    return in->area[i];
}

/* Build the cells of `in` (name: the measure id, for messages). IG_OK;
 * IG_ERR_DOMAIN for a land area below 0 or infinite; IG_ERR_NOMEM. Each
 * with a message; on failure nothing is left allocated. */
ig_status ig__cells_build(const ig__min *in, const char *name, ig__cells *c);
void ig__cells_free(ig_ctx *ctx, ig__cells *c);

/* Distance-decay sums around every cell (decay.c): out[q * n + i] =
 * sum_j c_ij v_q[j] with c_ij = exp(-d_ij) (d in km, c_ii = exp(-(alpha
 * a_i)^beta)) for v_0 = x, v_1 = t - x, v_2 = t and, when want_ones,
 * v_3 = 1; out holds 4 * n values. path: 0 automatic, 1 direct pairwise
 * sum, 2 the focal-table engine (tests compare the two). IG_OK,
 * IG_ERR_NOMEM, or the focal engine's status; no message is set except by
 * the engine. */
ig_status ig__decay_sums(const ig__min *in, const ig__cells *c, int want_ones,
                         int path, double *out);

#endif /* IG_SPATIAL_COMMON_H */
