/* Kernels, scales and input checks of the neighbourhood engine: names,
 * weights at hand-picked offsets, the inclusive rim, scale notes and
 * errors, formatting, weight tables and the lattice check. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "spatial/spatial_internal.h"
#include "test_support.h"

static void test_kernel_names_round_trip(void **state)
{
    (void)state;
    for (int k = 0; k < IG_KERNEL_COUNT; k++) {
        const char *name = ig_kernel_name((ig_kernel)k);
        assert_non_null(name);
        ig_kernel back = (ig_kernel)-1;
        assert_int_equal(ig_kernel_parse(name, &back, NULL), IG_OK);
        assert_int_equal(back, k);
    }
    assert_null(ig_kernel_name((ig_kernel)IG_KERNEL_COUNT));
    assert_null(ig_kernel_name((ig_kernel)-1));
    assert_string_equal(ig_kernel_name(IG_KERNEL_EPANECHNIKOV), "epanechnikov");
    /* libpysal's names and any case are accepted */
    ig_kernel k = IG_KERNEL_DISC;
    assert_int_equal(ig_kernel_parse("Triangular", &k, NULL), IG_OK);
    assert_int_equal(k, IG_KERNEL_LINEAR);
    assert_int_equal(ig_kernel_parse("GAUSSIAN", &k, NULL), IG_OK);
    assert_int_equal(k, IG_KERNEL_GAUSSIAN);
}

static void test_kernel_parse_unknown_lists_names(void **state)
{
    (void)state;
    ig_error err = {0};
    ig_kernel k = IG_KERNEL_SQUARE;
    assert_int_equal(ig_kernel_parse("gauss", &k, &err), IG_ERR_NOT_FOUND);
    assert_int_equal(k, IG_KERNEL_SQUARE); /* untouched */
    assert_non_null(strstr(err.msg, "\"gauss\""));
    for (int i = 0; i < IG_KERNEL_COUNT; i++)
        assert_non_null(strstr(err.msg, ig_kernel_name((ig_kernel)i)));
    assert_int_equal(ig_kernel_parse(NULL, &k, &err), IG_ERR_DOMAIN);
}

static void test_kernel_weights_by_hand(void **state)
{
    (void)state;
    const double r = 2000.0;
    /* d = 1000, z = 0.5, z^2 = 0.25 */
    assert_true(ig_kernel_weight(IG_KERNEL_DISC, 1000, 0, r) == 1.0);
    assert_true(ig_kernel_weight(IG_KERNEL_SQUARE, 1000, 0, r) == 1.0);
    assert_true(close_rel(ig_kernel_weight(IG_KERNEL_GAUSSIAN, 0, 1000, r),
                          exp(-0.125), 1e-15));
    assert_true(ig_kernel_weight(IG_KERNEL_BIWEIGHT, 1000, 0, r) == 0.5625);
    assert_true(ig_kernel_weight(IG_KERNEL_EPANECHNIKOV, 1000, 0, r) == 0.75);
    assert_true(ig_kernel_weight(IG_KERNEL_LINEAR, 1000, 0, r) == 0.5);
    /* the focal cell always weighs 1 */
    for (int k = 0; k < IG_KERNEL_COUNT; k++) {
        assert_true(ig_kernel_weight((ig_kernel)k, 0, 0, r) == 1.0);
        assert_true(ig_kernel_weight((ig_kernel)k, 0, 0, 1.0) == 1.0);
    }
    /* on the rim (d = r): disc, square and Gaussian keep it */
    assert_true(ig_kernel_weight(IG_KERNEL_DISC, 0, 2000, r) == 1.0);
    assert_true(close_rel(ig_kernel_weight(IG_KERNEL_GAUSSIAN, 2000, 0, r),
                          exp(-0.5), 1e-15));
    assert_true(ig_kernel_weight(IG_KERNEL_BIWEIGHT, 2000, 0, r) == 0.0);
    assert_true(ig_kernel_weight(IG_KERNEL_EPANECHNIKOV, 2000, 0, r) == 0.0);
    assert_true(ig_kernel_weight(IG_KERNEL_LINEAR, 2000, 0, r) == 0.0);
    /* beyond: the square's corner is in, the disc's is not */
    assert_true(ig_kernel_weight(IG_KERNEL_SQUARE, 2000, 2000, r) == 1.0);
    assert_true(ig_kernel_weight(IG_KERNEL_DISC, 2000, 2000, r) == 0.0);
    assert_true(ig_kernel_weight(IG_KERNEL_SQUARE, 3000, 0, r) == 0.0);
    assert_true(ig_kernel_weight(IG_KERNEL_GAUSSIAN, 2001, 0, r) == 0.0);
    /* 3-4-5: d = 5000 exactly on the rim of r = 5000 */
    assert_true(ig_kernel_weight(IG_KERNEL_DISC, 3000, 4000, 5000) == 1.0);
    assert_true(ig_kernel_weight(IG_KERNEL_DISC, 3000, 4001, 5000) == 0.0);
    /* the diagonal neighbour at r = sqrt(2) * 1000, rounded either way */
    assert_true(ig_kernel_weight(IG_KERNEL_DISC, 1000, 1000,
                                 sqrt(2.0) * 1000.0) == 1.0);
    assert_true(ig_kernel_weight(IG_KERNEL_DISC, 1000, 1000,
                                 nextafter(sqrt(2.0) * 1000.0, 0.0)) == 1.0);
    /* a bad radius keeps only the focal cell */
    assert_true(ig_kernel_weight(IG_KERNEL_DISC, 1000, 0, -1.0) == 0.0);
    assert_true(ig_kernel_weight(IG_KERNEL_DISC, 1000, 0, NAN) == 0.0);
}

static void test_ktable_disc_rim_inclusive(void **state)
{
    (void)state;
    ig__ktable t = {0, 0, NULL};
    /* r = 1000 on a 1000 m grid: the focal cell and its 4 rook neighbours */
    assert_int_equal(
        ig__ktable_make(NULL, IG_KERNEL_DISC, 1000.0, 1000, &t, NULL), IG_OK);
    assert_int_equal(t.R, 1);
    assert_true(t.flat);
    const double want[9] = {0, 1, 0, 1, 1, 1, 0, 1, 0};
    for (int i = 0; i < 9; i++) assert_true(t.w[i] == want[i]);
    ig__ktable_free(NULL, &t);
    assert_null(t.w);
    /* below the cell size: the focal cell alone */
    assert_int_equal(
        ig__ktable_make(NULL, IG_KERNEL_GAUSSIAN, 999.0, 1000, &t, NULL),
        IG_OK);
    assert_int_equal(t.R, 0);
    assert_true(t.w[0] == 1.0);
    ig__ktable_free(NULL, &t);
    /* r = 2500 on 1000 m: R = 2, (2, 1) in (d^2 = 5 <= 6.25), (2, 2) out */
    assert_int_equal(
        ig__ktable_make(NULL, IG_KERNEL_DISC, 2500.0, 1000, &t, NULL), IG_OK);
    assert_int_equal(t.R, 2);
    assert_true(t.w[1 * 5 + 4] == 1.0);
    assert_true(t.w[0 * 5 + 4] == 0.0);
    assert_false(ig__ktable_make(NULL, IG_KERNEL_DISC, 0.0, 1000, &t, NULL) ==
                 IG_OK);
    ig__ktable_free(NULL, &t);
    /* a weighted table is not flat */
    assert_int_equal(
        ig__ktable_make(NULL, IG_KERNEL_LINEAR, 3000.0, 1000, &t, NULL), IG_OK);
    assert_false(t.flat);
    assert_true(close_rel(t.w[3 * 7 + 4], 1.0 - 1.0 / 3.0, 1e-15));
    ig__ktable_free(NULL, &t);
    /* ig__ktable_alloc: zeros */
    assert_int_equal(ig__ktable_alloc(NULL, 3, &t), IG_OK);
    for (int i = 0; i < 49; i++) assert_true(t.w[i] == 0.0);
    ig__ktable_free(NULL, &t);
    assert_int_equal(ig__ktable_alloc(NULL, -1, &t), IG_ERR_DOMAIN);
}

static void test_scale_check_errors_say_how_to_fix(void **state)
{
    (void)state;
    char note[256];
    ig_error err = {0};
    const double bad_r[] = {0.0, -5.0, NAN, INFINITY};
    for (size_t i = 0; i < 4; i++) {
        ig_scale s = {IG_KERNEL_DISC, bad_r[i], 0.0};
        memset(&err, 0, sizeof err);
        assert_int_equal(
            ig_scale_check(&s, 1000, 0, 0, note, sizeof note, &err),
            IG_ERR_DOMAIN);
        assert_non_null(strstr(err.msg, "radius"));
        assert_non_null(strstr(err.msg, "e.g. 1000"));
    }
    const double bad_k[] = {0.5, -3.0, NAN, INFINITY};
    for (size_t i = 0; i < 4; i++) {
        ig_scale s = {IG_KERNEL_DISC, 1000.0, bad_k[i]};
        memset(&err, 0, sizeof err);
        assert_int_equal(
            ig_scale_check(&s, 1000, 0, 0, note, sizeof note, &err),
            IG_ERR_DOMAIN);
        assert_non_null(strstr(err.msg, "k >= 1"));
    }
    ig_scale s = {(ig_kernel)42, 1000.0, 0.0};
    assert_int_equal(ig_scale_check(&s, 1000, 0, 0, NULL, 0, &err),
                     IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "epanechnikov"));
    assert_int_equal(ig_scale_check(NULL, 1000, 0, 0, NULL, 0, &err),
                     IG_ERR_DOMAIN);
}

static void test_scale_check_notes(void **state)
{
    (void)state;
    char note[256];
    ig_scale s = {IG_KERNEL_DISC, 100.0, 0.0};
    assert_int_equal(ig_scale_check(&s, 1000, 0, 0, note, sizeof note, NULL),
                     IG_OK);
    assert_string_equal(note,
                        "radius 100 m is below the cell size 1000 m: "
                        "each neighbourhood is its cell alone");
    s.radius_m = 1000.0; /* exactly the cell size: the rook neighbours */
    assert_int_equal(ig_scale_check(&s, 1000, 0, 0, note, sizeof note, NULL),
                     IG_OK);
    assert_string_equal(note, "");
    s.radius_m = 60000.0;
    assert_int_equal(
        ig_scale_check(&s, 1000, 50000.0, 0, note, sizeof note, NULL), IG_OK);
    assert_non_null(strstr(note, "covers the whole place"));
    ig_scale kk = {IG_KERNEL_DISC, 0.0, 500.0};
    assert_int_equal(
        ig_scale_check(&kk, 1000, 0, 120.0, note, sizeof note, NULL), IG_OK);
    assert_non_null(strstr(note, "holds everyone"));
    kk.k = 100.0;
    assert_int_equal(
        ig_scale_check(&kk, 1000, 0, 120.0, note, sizeof note, NULL), IG_OK);
    assert_string_equal(note, "");
    /* a tiny note buffer is still terminated */
    char tiny[8];
    s.radius_m = 10.0;
    assert_int_equal(ig_scale_check(&s, 1000, 0, 0, tiny, sizeof tiny, NULL),
                     IG_OK);
    assert_true(strlen(tiny) < sizeof tiny);
}

static void test_scale_format(void **state)
{
    (void)state;
    char buf[32];
    ig_scale s = {IG_KERNEL_DISC, 1000.0, 0.0};
    ig_scale_format(&s, buf, sizeof buf);
    assert_string_equal(buf, "1000");
    s.radius_m = 1500.5;
    ig_scale_format(&s, buf, sizeof buf);
    assert_string_equal(buf, "1500.5");
    s.radius_m = 2000000.0;
    ig_scale_format(&s, buf, sizeof buf);
    assert_string_equal(buf, "2000000");
    s.k = 200.0;
    ig_scale_format(&s, buf, sizeof buf);
    assert_string_equal(buf, "k200");
    ig_scale_format(NULL, buf, sizeof buf);
    assert_string_equal(buf, "");
}

static void test_lattice_check_rejects_bad_counts(void **state)
{
    (void)state;
    int32_t row[3] = {0, 0, 1}, col[3] = {0, 1, 0};
    double g0[3] = {1, 2, 3}, g1[3] = {0, -1, 0}, tot[3] = {1, 2, NAN};
    const double *counts[2] = {g0, g1};
    ig_lattice L = {3, row, col, 2, counts, NULL, 1000};
    ig_error err = {0};
    assert_int_equal(ig__lattice_check(&L, &err), IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "count of group 1"));
    assert_non_null(strstr(err.msg, "point 1"));
    g1[1] = INFINITY;
    assert_int_equal(ig__lattice_check(&L, &err), IG_ERR_DOMAIN);
    g1[1] = 0.0;
    assert_int_equal(ig__lattice_check(&L, &err), IG_OK);
    L.total = tot;
    assert_int_equal(ig__lattice_check(&L, &err), IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "population"));
    assert_non_null(strstr(err.msg, "point 2"));
    L.total = NULL;
    L.cell_m = 0;
    assert_int_equal(ig__lattice_check(&L, &err), IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "cell size"));
    L.cell_m = 1000;
    L.row = NULL;
    assert_int_equal(ig__lattice_check(&L, &err), IG_ERR_DOMAIN);
    L.n = 0; /* an empty lattice needs no arrays */
    assert_int_equal(ig__lattice_check(&L, &err), IG_OK);
}

static void test_neighbourhoods_rejects_bad_input(void **state)
{
    (void)state;
    int32_t row[2] = {0, 0}, col[2] = {0, 1};
    double g0[2] = {1, -2};
    const double *counts[1] = {g0};
    ig_lattice L = {2, row, col, 1, counts, NULL, 1000};
    double out[4] = {-7, -7, -7, -7};
    ig_scale s = {IG_KERNEL_DISC, 1000.0, 0.0};
    ig_error err = {0};
    assert_int_equal(
        ig_neighbourhoods(NULL, &L, 2, row, col, &s, out, NULL, &err),
        IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "count of group 0"));
    g0[1] = 2.0;
    s.radius_m = NAN;
    assert_int_equal(
        ig_neighbourhoods(NULL, &L, 2, row, col, &s, out, NULL, &err),
        IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "radius"));
    s.radius_m = 1000.0;
    s.k = -1.0;
    assert_int_equal(
        ig_neighbourhoods(NULL, &L, 2, row, col, &s, out, NULL, &err),
        IG_ERR_DOMAIN);
    s.k = 0.0;
    assert_int_equal(
        ig_neighbourhoods(NULL, &L, 2, NULL, col, &s, out, NULL, &err),
        IG_ERR_DOMAIN);
    assert_int_equal(
        ig_neighbourhoods(NULL, NULL, 2, row, col, &s, out, NULL, &err),
        IG_ERR_DOMAIN);
    assert_true(out[0] == -7.0); /* nothing written on errors */
    assert_int_equal(
        ig_neighbourhoods(NULL, &L, 2, row, col, &s, out, NULL, &err), IG_OK);
    assert_true(out[0] == 3.0 && out[1] == 3.0); /* 1 + 2 each */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kernel_names_round_trip),
        cmocka_unit_test(test_kernel_parse_unknown_lists_names),
        cmocka_unit_test(test_kernel_weights_by_hand),
        cmocka_unit_test(test_ktable_disc_rim_inclusive),
        cmocka_unit_test(test_scale_check_errors_say_how_to_fix),
        cmocka_unit_test(test_scale_check_notes),
        cmocka_unit_test(test_scale_format),
        cmocka_unit_test(test_lattice_check_rejects_bad_counts),
        cmocka_unit_test(test_neighbourhoods_rejects_bad_input),
    };
    return cmocka_run_group_tests_name("kernel", tests, NULL, NULL);
}
