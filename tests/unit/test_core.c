/* Core services: status strings, error formatting, the allocation funnel,
 * string interning and the parallel-for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "core/ksum.h"
#include "test_support.h"

static void test_strerror_covers_every_status(void **state)
{
    (void)state;
    for (int s = 0; s < (int)IG_STATUS_END; s++) {
        const char *t = ig_strerror((ig_status)s);
        assert_non_null(t);
        assert_true(strlen(t) > 3);
    }
    assert_string_equal(ig_strerror(IG_OK), "success");
    assert_string_equal(ig_strerror((ig_status)999), "unknown status");
}

static void test_error_format_has_location(void **state)
{
    (void)state;
    ig_error e = {0};
    ig__error_file(&e, "eu.csv");
    ig__error_set(&e, IG_ERR_PARSE, 1234, 17, "column '%s' is not a number",
                  "NAT");
    char buf[256];
    ig_error_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "eu.csv:1234:17: column 'NAT' is not a number");
    ig_error e2 = {0};
    ig__error_set(&e2, IG_ERR_DOMAIN, 0, 0, "bad");
    assert_string_equal(ig_error_format(&e2, buf, sizeof buf), "bad");
    /* A tiny buffer is still terminated. */
    ig_error_format(&e, buf, 5);
    assert_int_equal(strlen(buf), 4);
}

static void test_ctx_uses_custom_allocator(void **state)
{
    (void)state;
    fail_alloc fa = {0};
    ig_ctx *ctx = make_fail_ctx(&fa, 1);
    void *p = ig__alloc(ctx, 100);
    assert_non_null(p);
    assert_true(fa.live >= 2); /* the context and p */
    ig__free(ctx, p, 100);
    ig_ctx_destroy(ctx);
    assert_int_equal(fa.live, 0);
}

static void test_ctx_create_fails_cleanly(void **state)
{
    (void)state;
    fail_alloc fa = {.fail_at = 1};
    ig_ctx_opts o = {0};
    o.realloc_fn = fail_realloc;
    o.realloc_ud = &fa;
    ig_ctx *ctx = NULL;
    assert_int_equal(ig_ctx_create(&o, &ctx), IG_ERR_NOMEM);
    assert_null(ctx);
    assert_int_equal(fa.live, 0);
}

static void test_calloc_checks_overflow(void **state)
{
    (void)state;
    assert_null(ig__calloc(NULL, SIZE_MAX / 2, 4));
}

static void test_strtab_interns(void **state)
{
    (void)state;
    ig__strtab *t = NULL;
    assert_int_equal(ig__strtab_create(NULL, &t), IG_OK);
    uint32_t id, id2;
    char name[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(name, sizeof name, "place-%d", i);
        assert_int_equal(ig__strtab_intern(t, name, strlen(name), &id), IG_OK);
        assert_int_equal(id, (uint32_t)i);
    }
    assert_int_equal(ig__strtab_intern(t, "place-7", 7, &id2), IG_OK);
    assert_int_equal(id2, 7);
    assert_true(ig__strtab_find(t, "place-999", 9, &id));
    assert_int_equal(id, 999);
    assert_false(ig__strtab_find(t, "nope", 4, &id));
    assert_string_equal(ig__strtab_get(t, 5), "place-5");
    assert_int_equal(ig__strtab_count(t), 1000);
    ig__strtab_destroy(t);
}

static void test_strtab_survives_alloc_failures(void **state)
{
    (void)state;
    for (long n = 1; n < 200; n++) {
        fail_alloc fa = {.fail_at = n};
        ig_ctx *ctx = make_fail_ctx(&fa, 1);
        ig__strtab *t = NULL;
        ig_status st = ig__strtab_create(ctx, &t);
        for (int i = 0; st == IG_OK && i < 100; i++) {
            char name[16];
            uint32_t id;
            snprintf(name, sizeof name, "k%d", i);
            st = ig__strtab_intern(t, name, strlen(name), &id);
        }
        ig__strtab_destroy(t);
        ig_ctx_destroy(ctx);
        assert_int_equal(fa.live, 0);
        if (fa.failures == 0) break;
        assert_int_equal(st, IG_ERR_NOMEM);
    }
}

static ig_status square_task(void *ud, size_t i)
{
    double *out = ud;
    out[i] = (double)i * (double)i;
    return i == 77 ? IG_ERR_NUMERIC : IG_OK;
}

static void test_parallel_for_runs_every_item(void **state)
{
    (void)state;
    for (int nt = 1; nt <= 4; nt++) {
        ig_ctx_opts o = {0};
        o.n_threads = nt;
        ig_ctx *ctx = NULL;
        assert_int_equal(ig_ctx_create(&o, &ctx), IG_OK);
        double out[1000];
        memset(out, 0, sizeof out);
        assert_int_equal(ig__parallel_for(ctx, 1000, square_task, out),
                         IG_ERR_NUMERIC);
        for (int i = 0; i < 1000; i++) assert_true(out[i] == (double)i * i);
        ig_ctx_destroy(ctx);
    }
}

static void test_ksum_compensates(void **state)
{
    (void)state;
    /* 1 + 1e-16 * 1e6 : a naive sum loses every small term. */
    ig_ksum k;
    ig_ksum_init(&k);
    ig_ksum_add(&k, 1.0);
    double naive = 1.0;
    for (int i = 0; i < 1000000; i++) {
        ig_ksum_add(&k, 1e-16);
        naive += 1e-16;
    }
    assert_true(naive == 1.0);
    assert_true(fabs(ig_ksum_value(&k) - (1.0 + 1e-10)) < 1e-22);
    /* Neumaier handles a large addend after small ones. */
    ig_ksum_init(&k);
    ig_ksum_add(&k, 1.0);
    ig_ksum_add(&k, 1e100);
    ig_ksum_add(&k, 1.0);
    ig_ksum_add(&k, -1e100);
    assert_true(ig_ksum_value(&k) == 2.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strerror_covers_every_status),
        cmocka_unit_test(test_error_format_has_location),
        cmocka_unit_test(test_ctx_uses_custom_allocator),
        cmocka_unit_test(test_ctx_create_fails_cleanly),
        cmocka_unit_test(test_calloc_checks_overflow),
        cmocka_unit_test(test_strtab_interns),
        cmocka_unit_test(test_strtab_survives_alloc_failures),
        cmocka_unit_test(test_parallel_for_runs_every_item),
        cmocka_unit_test(test_ksum_compensates),
    };
    return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
