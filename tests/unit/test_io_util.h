/* Helpers shared by the I/O tests (test_io*.c): reading strings and
 * fixtures, comparing grids, capturing log messages. Header-only, static. */
#ifndef TEST_IO_UTIL_H
#define TEST_IO_UTIL_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/io_internal.h"
#include "test_support.h"

typedef struct log_cap {
    int n_warn;
    int n_info;
    char last_warn[1024];
} log_cap;

static inline void capture_log(void *ud, ig_log_level level, const char *msg)
{
    log_cap *c = ud;
    if (level == IG_LOG_WARN) {
        c->n_warn++;
        snprintf(c->last_warn, sizeof c->last_warn, "%s", msg);
    } else if (level == IG_LOG_INFO) {
        c->n_info++;
    }
}

static inline ig_ctx *ctx_threads(int n, log_cap *cap)
{
    ig_ctx_opts o = {0};
    o.n_threads = n;
    if (cap) {
        o.log_fn = capture_log;
        o.log_ud = cap;
    }
    ig_ctx *ctx = NULL;
    if (ig_ctx_create(&o, &ctx) != IG_OK) abort();
    return ctx;
}

/* Read a string; returns the status, *out on success. */
static inline ig_status rd_str(ig_ctx *ctx, const char *csv,
                               const ig_read_opts *o, ig_grid **out,
                               ig_error *err)
{
    memset(err, 0, sizeof *err);
    *out = NULL;
    return ig_grid_read_mem(ctx, csv, strlen(csv), "mem.csv", o, out, err);
}

static inline ig_grid *rd_ok(ig_ctx *ctx, const char *csv,
                             const ig_read_opts *o)
{
    ig_grid *g = NULL;
    ig_error err;
    ig_status st = rd_str(ctx, csv, o, &g, &err);
    if (st != IG_OK) {
        char buf[1024];
        fprintf(stderr, "unexpected error: %s\n",
                ig_error_format(&err, buf, sizeof buf));
    }
    assert_int_equal(st, IG_OK);
    assert_non_null(g);
    return g;
}

static inline ig_grid *fix_ok(ig_ctx *ctx, const char *rel,
                              const ig_read_opts *o)
{
    ig_grid *g = NULL;
    ig_error err = {0};
    ig_status st = ig_grid_read_path(ctx, fixture_path(rel), o, &g, &err);
    if (st != IG_OK) {
        char buf[1024];
        fprintf(stderr, "unexpected error: %s\n",
                ig_error_format(&err, buf, sizeof buf));
    }
    assert_int_equal(st, IG_OK);
    assert_non_null(g);
    return g;
}

/* Expect a failure with status st, line (if > 0) and a message part. */
static inline void expect_fail(ig_ctx *ctx, const char *csv,
                               const ig_read_opts *o, ig_status st, long line,
                               const char *part)
{
    ig_grid *g = NULL;
    ig_error err;
    ig_status got = rd_str(ctx, csv, o, &g, &err);
    if (got != st || (part && !strstr(err.msg, part)) ||
        (line > 0 && err.line != line)) {
        char buf[1024];
        fprintf(stderr, "got status %d: %s\n", (int)got,
                ig_error_format(&err, buf, sizeof buf));
    }
    assert_int_equal(got, st);
    assert_null(g);
    assert_int_equal(err.status, st);
    assert_string_equal(err.file, "mem.csv");
    if (line > 0) assert_int_equal(err.line, line);
    if (part) assert_non_null(strstr(err.msg, part));
}

static inline void assert_same_double(double a, double b)
{
    if (isnan(a) || isnan(b)) {
        assert_true(isnan(a) && isnan(b));
    } else {
        assert_true(a == b);
    }
}

/* Every observable part of two grids is identical. */
static inline void grids_equal(const ig_grid *a, const ig_grid *b)
{
    size_t n = ig_grid_ncells(a), G = ig_grid_ngroups(a);
    assert_int_equal(n, ig_grid_ncells(b));
    assert_int_equal(G, ig_grid_ngroups(b));
    assert_int_equal(ig_grid_cell_size_m(a), ig_grid_cell_size_m(b));
    assert_int_equal(ig_grid_has_total(a), ig_grid_has_total(b));
    for (size_t g = 0; g < G; g++) {
        assert_string_equal(ig_grid_group_name(a, g), ig_grid_group_name(b, g));
        const double *ca = ig_grid_counts(a, g), *cb = ig_grid_counts(b, g);
        for (size_t i = 0; i < n; i++) assert_same_double(ca[i], cb[i]);
        const uint8_t *na = ig_grid_na(a, g), *nb = ig_grid_na(b, g);
        assert_true((na == NULL) == (nb == NULL));
        if (na) assert_memory_equal(na, nb, n);
    }
    const double *ta = ig_grid_totals(a), *tb = ig_grid_totals(b);
    for (size_t i = 0; i < n; i++) assert_same_double(ta[i], tb[i]);
    if (ig_grid_cell_size_m(a) > 0) {
        assert_memory_equal(ig_grid_rows(a), ig_grid_rows(b),
                            n * sizeof(int32_t));
        assert_memory_equal(ig_grid_cols(a), ig_grid_cols(b),
                            n * sizeof(int32_t));
    } else {
        for (size_t i = 0; i < n; i++)
            assert_string_equal(ig_grid_unit_name(a, i),
                                ig_grid_unit_name(b, i));
    }
    assert_int_equal(ig_grid_nplaces(a), ig_grid_nplaces(b));
    for (size_t p = 0; p < ig_grid_nplaces(a); p++) {
        size_t fa, na_, fb, nb_;
        assert_string_equal(ig_grid_place_name(a, p), ig_grid_place_name(b, p));
        assert_int_equal(ig_grid_place_range(a, p, &fa, &na_), IG_OK);
        assert_int_equal(ig_grid_place_range(b, p, &fb, &nb_), IG_OK);
        assert_int_equal(fa, fb);
        assert_int_equal(na_, nb_);
    }
    assert_int_equal(ig_grid_nwithin(a), ig_grid_nwithin(b));
    if (ig_grid_nwithin(a))
        assert_memory_equal(ig_grid_within(a), ig_grid_within(b),
                            n * sizeof(uint32_t));
    assert_int_equal(ig_grid_nvars(a), ig_grid_nvars(b));
    for (size_t v = 0; v < ig_grid_nvars(a); v++) {
        const double *va = ig_grid_var(a, v), *vb = ig_grid_var(b, v);
        for (size_t i = 0; i < n; i++) assert_same_double(va[i], vb[i]);
    }
    const ig_grid_stats *sa = ig_grid_get_stats(a), *sb = ig_grid_get_stats(b);
    assert_int_equal(sa->rows_read, sb->rows_read);
    assert_int_equal(sa->cells_flagged, sb->cells_flagged);
    assert_int_equal(sa->duplicates, sb->duplicates);
    assert_int_equal(sa->cells_na, sb->cells_na);
}

/* Index of the cell with south-west corner (north, east), or (size_t)-1. */
static inline size_t find_cell(const ig_grid *g, int64_t north, int64_t east)
{
    for (size_t i = 0; i < ig_grid_ncells(g); i++) {
        ig_cell c;
        if (ig_grid_cell(g, i, &c) == IG_OK && c.north_m == north &&
            c.east_m == east)
            return i;
    }
    return (size_t)-1;
}

static inline size_t find_unit(const ig_grid *g, const char *name)
{
    for (size_t i = 0; i < ig_grid_ncells(g); i++)
        if (strcmp(ig_grid_unit_name(g, i), name) == 0) return i;
    return (size_t)-1;
}

#endif
