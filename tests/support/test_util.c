#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "test_support.h"

const char *shared_path(const char *rel)
{
    static _Thread_local char buf[4][1024];
    static _Thread_local int k;
    const char *base = getenv("IG_SHARED_DATA");
    if (!base) base = IG_SHARED_DATA;
    char *b = buf[k++ & 3];
    snprintf(b, 1024, "%s/%s", base, rel);
    return access(b, R_OK) == 0 ? b : NULL;
}

const char *fixture_path(const char *rel)
{
    static _Thread_local char buf[4][1024];
    static _Thread_local int k;
    const char *base = getenv("IG_TEST_DATA");
    if (!base) base = IG_TEST_DATA;
    char *b = buf[k++ & 3];
    snprintf(b, 1024, "%s/%s", base, rel);
    return b;
}

ig_grid *grid_from_counts(ig_ctx *ctx, size_t n_units, size_t n_groups,
                          const double *const *counts, const char *const *names)
{
    ig_grid_spec spec = {0};
    spec.n_groups = n_groups;
    spec.group_names = names;
    ig_grid_builder *b = NULL;
    ig_error err = {0};
    if (ig_grid_builder_create(ctx, &spec, &b, &err) != IG_OK) abort();
    double row[64];
    char unit[32];
    for (size_t i = 0; i < n_units; i++) {
        for (size_t g = 0; g < n_groups; g++) row[g] = counts[g][i];
        snprintf(unit, sizeof unit, "u%03zu", i);
        ig_grid_row r = {0};
        r.unit = unit;
        r.counts = row;
        if (ig_grid_builder_add(b, &r, &err) != IG_OK) abort();
    }
    ig_grid *g = NULL;
    if (ig_grid_builder_finish(b, &g, &err) != IG_OK) abort();
    ig_grid_builder_destroy(b);
    return g;
}

int close_rel(double a, double b, double tol)
{
    double m = fmax(1.0, fmax(fabs(a), fabs(b)));
    return fabs(a - b) <= tol * m;
}
