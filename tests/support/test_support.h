/* Shared test helpers: a fail-the-Nth-allocation allocator (after Lua's
 * Memcontrol.failnext, curl's torture mode and h3's testH3Memory), paths to
 * the fixtures, and small grid constructors. */
#ifndef IG_TEST_SUPPORT_H
#define IG_TEST_SUPPORT_H

#include <stddef.h>

#include "integrid/integrid.h"

/* Counting allocator. fail_at = N > 0 makes the Nth allocation or growth
 * fail (and every later one when sticky); live counts blocks not yet
 * freed. Thread-safe. */
typedef struct fail_alloc {
    long calls;
    long fail_at;
    int sticky;
    long live;
    long failures;
} fail_alloc;

void *fail_realloc(void *ud, void *p, size_t os, size_t ns);
/* A context using fa (n_threads threads). Aborts on failure: tests only. */
ig_ctx *make_fail_ctx(fail_alloc *fa, int n_threads);

/* Path of a file in ../shared/data (IG_SHARED_DATA) or tests/data; the
 * buffer is static per call site: copy it if you need two. Returns NULL
 * (and the test should skip) when the shared file is missing. */
const char *shared_path(const char *rel);
const char *fixture_path(const char *rel);

/* Build an aspatial grid from group-major counts[g][i]; unit names are
 * "u0", "u1", ... Aborts on failure. */
ig_grid *grid_from_counts(ig_ctx *ctx, size_t n_units, size_t n_groups,
                          const double *const *counts, const char *const *names);

/* Relative/absolute closeness: |a-b| <= tol * max(1, |a|, |b|). */
int close_rel(double a, double b, double tol);

#endif
