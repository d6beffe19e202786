/* Internal pieces shared by the change module's files. */
#ifndef IG_CHANGE_IMPL_H
#define IG_CHANGE_IMPL_H

#include <stddef.h>

#include "integrid/ig_measure.h"

/* Measure m (group `group` for single-group measures) on the column-major
 * table tab of n units and G groups, through the registry. */
ig_status ig__change_eval(ig_ctx *ctx, const ig_measure_info *m,
                          size_t group, size_t n, size_t G, const double *tab,
                          double *v, ig_error *err);

#endif /* IG_CHANGE_IMPL_H */
