/* Change decompositions (ig_change.h): R segregation's published example
 * (schools00 -> schools05), parts adding up to the total on random tables,
 * IPF reaching its targets, identical inputs, a hand-computed 2x2 case,
 * symmetry of the Shapley parts, grid matching errors and allocation
 * failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integrid/ig_change.h"
#include "test_support.h"

/* deterministic LCG, so the random tables are the same on every run */
static uint64_t lcg_state = 12345;
static double urand(void)
{
    lcg_state = lcg_state * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(lcg_state >> 11) / 9007199254740992.0;
}

static void random_table(double *t, size_t n, size_t G, double p_zero)
{
    for (size_t c = 0; c < n * G; c++)
        t[c] = urand() < p_zero ? 0.0 : floor(urand() * 200.0);
}

static double parts_sum(const ig_change_parts *p, int d)
{
    return d ? p->additions + p->removals + p->composition + p->reallocation
             : p->additions + p->removals + p->unit_marginal +
                   p->group_marginal + p->structural;
}

static void test_sum_to_total_random(void **state)
{
    (void)state;
    enum { N = 40, G = 4 };
    double a[N * G], b[N * G];
    for (int rep = 0; rep < 8; rep++) {
        random_table(a, N, G, 0.15);
        random_table(b, N, G, 0.15);
        /* some units only in one table */
        for (size_t g = 0; g < G; g++) {
            a[g * N + 0] = 0.0;
            b[g * N + 1] = 0.0;
        }
        ig_ctab ta = {N, G, a}, tb = {N, G, b};
        for (int m = 0; m < 3; m++) {
            ig_change_opts o;
            ig_change_opts_init(&o);
            o.measure = (ig_change_measure)m;
            o.group = m == 2 ? (size_t)(rep % 2 ? 1 : IG_CHANGE_ALL_GROUPS)
                             : IG_CHANGE_ALL_GROUPS;
            ig_change_parts p;
            ig_error err = {0};
            assert_int_equal(ig_change_tables(NULL, &ta, &tb, &o, &p, &err),
                             IG_OK);
            assert_true(fabs(p.total - (p.new_value - p.old_value)) < 1e-15);
            assert_true(fabs(parts_sum(&p, m == 2) - p.total) < 1e-12);
            /* units missing in one table: additions and removals are
             * generally not 0 */
            assert_true(p.additions != 0.0 || p.removals != 0.0);
        }
    }
}

static void test_ipf_converges(void **state)
{
    (void)state;
    enum { N = 30, G = 5 };
    double a[N * G], out[N * G], rt[N], ct[G];
    random_table(a, N, G, 0.0);
    for (size_t c = 0; c < N * G; c++) a[c] += 1.0;
    for (size_t i = 0; i < N; i++) rt[i] = 1.0 + urand() * 10.0;
    for (size_t g = 0; g < G; g++) ct[g] = 1.0 + urand() * 10.0;
    double rs = 0, cs = 0;
    for (size_t i = 0; i < N; i++) rs += rt[i];
    for (size_t g = 0; g < G; g++) cs += ct[g];
    ig_ctab t = {N, G, a};
    int it = 0;
    assert_int_equal(ig_ipf(NULL, &t, rt, ct, 1e-12, 10000, out, &it, NULL),
                     IG_OK);
    assert_true(it >= 1);
    double tot = 0;
    for (size_t c = 0; c < N * G; c++) tot += out[c];
    double src_tot = 0;
    for (size_t c = 0; c < N * G; c++) src_tot += a[c];
    assert_true(fabs(tot - src_tot) < 1e-9 * src_tot);
    for (size_t i = 0; i < N; i++) {
        double s = 0;
        for (size_t g = 0; g < G; g++) s += out[g * N + i];
        assert_true(fabs(s / tot - rt[i] / rs) < 1e-10);
    }
    for (size_t g = 0; g < G; g++) {
        double s = 0;
        for (size_t i = 0; i < N; i++) s += out[g * N + i];
        assert_true(fabs(s / tot - ct[g] / cs) < 1e-10);
    }
    /* odds ratios kept */
    double or_src = a[0] * a[N + 1] / (a[1] * a[N]);
    double or_out = out[0] * out[N + 1] / (out[1] * out[N]);
    assert_true(fabs(or_src - or_out) < 1e-8 * or_src);
    /* a target no entry can reach, and a failure to converge */
    double z[4] = {0, 0, 1, 1}, o4[4], r2[2] = {1, 1}, c2[2] = {1, 1};
    ig_ctab tz = {2, 2, z};
    ig_error err = {0};
    assert_int_equal(ig_ipf(NULL, &tz, r2, c2, 1e-12, 100, o4, NULL, &err),
                     IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "no counts"));
    assert_int_equal(ig_ipf(NULL, &t, rt, ct, 1e-15, 1, out, NULL, &err),
                     IG_ERR_NUMERIC);
}

static void test_identical_zero(void **state)
{
    (void)state;
    enum { N = 25, G = 3 };
    double a[N * G];
    random_table(a, N, G, 0.2);
    ig_ctab t = {N, G, a};
    for (int m = 0; m < 3; m++) {
        ig_change_opts o;
        ig_change_opts_init(&o);
        o.measure = (ig_change_measure)m;
        ig_change_parts p;
        assert_int_equal(ig_change_tables(NULL, &t, &t, &o, &p, NULL), IG_OK);
        assert_true(p.old_value > 0.0);
        assert_true(fabs(p.total) < 1e-15);
        double v[7] = {p.additions,      p.removals,     p.unit_marginal,
                       p.group_marginal, p.structural,   p.composition,
                       p.reallocation};
        for (int k = 0; k < 7; k++) assert_true(fabs(v[k]) < 1e-9);
    }
}

/* OLD [[30,10],[10,30]] (units x groups), NEW [[50,20],[30,20]]: NEW's
 * margins are units (70, 50), groups (80, 40); OLD adjusted to them keeps
 * its odds ratio 9: a(a-30) = 9(70-a)(80-a) gives a = 60, the table
 * [[60,10],[20,30]], whose D is 0.5 like OLD's. So composition = 0 and
 * reallocation = D(NEW) - 0.5 = 0.125 - 0.5. */
static void test_hand_2x2(void **state)
{
    (void)state;
    double a[4] = {30, 10, 10, 30}; /* column-major: g0 (u0,u1), g1 */
    double b[4] = {50, 30, 20, 20};
    ig_ctab ta = {2, 2, a}, tb = {2, 2, b};
    ig_change_opts o;
    ig_change_opts_init(&o);
    o.measure = IG_CHANGE_DISSIM;
    o.group = 0;
    ig_change_parts p;
    assert_int_equal(ig_change_tables(NULL, &ta, &tb, &o, &p, NULL), IG_OK);
    assert_true(fabs(p.old_value - 0.5) < 1e-15);
    assert_true(fabs(p.new_value - 0.125) < 1e-15);
    assert_true(fabs(p.composition) < 1e-10);
    assert_true(fabs(p.reallocation + 0.375) < 1e-10);
    assert_true(p.additions == 0.0 && p.removals == 0.0);
    /* M: Shapley parts are symmetric: swapping OLD and NEW negates them */
    double q1[8] = {40, 5, 30, 10, 20, 15, 10, 20}; /* R test_data1 */
    double q2[8] = {20, 5, 20, 10, 20, 10, 15, 15}; /* R test_data2 */
    ig_ctab t1 = {2, 4, q1}, t2 = {2, 4, q2};
    ig_change_parts f, r;
    o.measure = IG_CHANGE_MUTUAL;
    assert_int_equal(ig_change_tables(NULL, &t1, &t2, &o, &f, NULL), IG_OK);
    assert_int_equal(ig_change_tables(NULL, &t2, &t1, &o, &r, NULL), IG_OK);
    assert_true(f.additions == 0.0 && f.removals == 0.0);
    assert_true(fabs(f.unit_marginal + r.unit_marginal) < 1e-10);
    assert_true(fabs(f.group_marginal + r.group_marginal) < 1e-10);
    assert_true(fabs(f.structural + r.structural) < 1e-10);
    assert_true(fabs(parts_sum(&f, 0) - f.total) < 1e-14);
    /* transposing units and groups swaps the two marginal parts (R's
     * sh1/sh2 check) */
    double q1t[8], q2t[8];
    for (size_t i = 0; i < 2; i++)
        for (size_t g = 0; g < 4; g++) {
            q1t[i * 4 + g] = q1[g * 2 + i];
            q2t[i * 4 + g] = q2[g * 2 + i];
        }
    ig_ctab u1 = {4, 2, q1t}, u2 = {4, 2, q2t};
    ig_change_parts tr;
    assert_int_equal(ig_change_tables(NULL, &u1, &u2, &o, &tr, NULL), IG_OK);
    assert_true(fabs(tr.unit_marginal - f.group_marginal) < 1e-9);
    assert_true(fabs(tr.group_marginal - f.unit_marginal) < 1e-9);
    assert_true(fabs(tr.structural - f.structural) < 1e-9);
}

/* R segregation README (github elbersb/segregation, README.md, the
 * version introducing the IPF/Shapley example "as suggested by Karmel and
 * Maclachlan (1988) and Deutsch et al. (2006)"):
 * mutual_difference(schools00, schools05, group = "race", unit = "school",
 * weight = "n", method = "shapley") prints M1 0.42554, M2 0.41339, diff
 * -0.01215, additions -0.00341, removals -0.01141, group_marginal 0.01623,
 * unit_marginal -0.01674, structural 0.00318 (5 decimals). R's IPF stops at
 * precision 1e-3 (shares), ours at 1e-12, so the three IPF-based parts are
 * compared to 1e-4. Later README versions print other marginal splits
 * (0.01855 / -0.01239 / -0.00349 and 0.01787 / -0.01171 / -0.00349) after
 * changes inside the package; M1, M2, diff, additions and removals are the
 * same in all of them. docs/change.md discusses this. */
static void test_schools_published(void **state)
{
    (void)state;
    const char *p00 = shared_path("segregation_reference/schools00.csv");
    if (!p00) skip();
    char path00[1024];
    snprintf(path00, sizeof path00, "%s", p00);
    const char *p05 = shared_path("segregation_reference/schools05.csv");
    if (!p05) skip();
    ig_read_opts ro;
    ig_read_opts_init(&ro);
    ro.long_spec = "school,race,n";
    ig_grid *g00 = NULL, *g05 = NULL;
    ig_error err = {0};
    assert_int_equal(ig_grid_read_path(NULL, path00, &ro, &g00, &err), IG_OK);
    assert_int_equal(ig_grid_read_path(NULL, p05, &ro, &g05, &err), IG_OK);
    ig_change_opts o;
    ig_change_opts_init(&o);
    ig_change_result *r = NULL;
    assert_int_equal(ig_change_grids(NULL, g00, g05, &o, &r, &err), IG_OK);
    assert_int_equal(ig_change_result_nrows(r), 1);
    const ig_change_row *row = ig_change_result_row(r, 0);
    assert_int_equal(row->status, IG_OK);
    const ig_change_parts *p = &row->parts;
    assert_true(fabs(p->old_value - 0.42554) < 5e-6);
    assert_true(fabs(p->new_value - 0.41339) < 5e-6);
    assert_true(fabs(p->total + 0.01215) < 5e-6);
    assert_true(fabs(p->additions + 0.00341) < 5e-6);
    assert_true(fabs(p->removals + 0.01141) < 5e-6);
    assert_true(fabs(p->group_marginal - 0.01623) < 1e-4);
    assert_true(fabs(p->unit_marginal + 0.01674) < 1e-4);
    assert_true(fabs(p->structural - 0.00318) < 1e-4);
    assert_true(fabs(parts_sum(p, 0) - p->total) < 1e-12);
    ig_change_result_destroy(r);
    ig_grid_destroy(g00);
    ig_grid_destroy(g05);
}

/* A spatial grid of size_m cells at lattice (row, col) = (i / 4, i % 4),
 * two groups "a", "b". */
static ig_grid *sgrid(int32_t size_m, int32_t epsg, size_t n, size_t off,
                      const double *a, const double *b, const char *g2)
{
    const char *names[2] = {"a", g2 ? g2 : "b"};
    ig_grid_spec s;
    memset(&s, 0, sizeof s);
    s.size_m = size_m;
    s.epsg = epsg;
    s.n_groups = 2;
    s.group_names = names;
    ig_grid_builder *bl = NULL;
    if (ig_grid_builder_create(NULL, &s, &bl, NULL) != IG_OK) return NULL;
    for (size_t i = 0; i < n; i++) {
        ig_grid_row r;
        memset(&r, 0, sizeof r);
        size_t k = i + off;
        r.cell.north_m = (int64_t)(k / 4) * size_m;
        r.cell.east_m = (int64_t)(k % 4) * size_m;
        r.cell.size_m = size_m;
        r.cell.epsg = epsg;
        double c[2] = {a[i], b[i]};
        r.counts = c;
        if (ig_grid_builder_add(bl, &r, NULL) != IG_OK) {
            ig_grid_builder_destroy(bl);
            return NULL;
        }
    }
    ig_grid *g = NULL;
    ig_status st = ig_grid_builder_finish(bl, &g, NULL);
    ig_grid_builder_destroy(bl);
    return st == IG_OK ? g : NULL;
}

static void test_grid_errors(void **state)
{
    (void)state;
    double a[8] = {5, 1, 7, 0, 3, 9, 2, 4}, b[8] = {1, 6, 2, 8, 4, 1, 5, 3};
    ig_grid *g1 = sgrid(100, 3035, 8, 0, a, b, NULL);
    ig_grid *g2 = sgrid(100, 3035, 8, 2, b, a, NULL);
    ig_grid *far = sgrid(100, 3035, 8, 4000, a, b, NULL);
    ig_grid *other = sgrid(100, 3035, 8, 0, a, b, "c");
    ig_grid *g300 = sgrid(300, 3035, 8, 0, a, b, NULL);
    ig_grid *g200 = sgrid(200, 3035, 8, 0, a, b, NULL);
    ig_grid *crs = sgrid(100, 3857, 8, 0, a, b, NULL);
    assert_non_null(g1);
    assert_non_null(g2);
    assert_non_null(far);
    assert_non_null(other);
    assert_non_null(g300);
    assert_non_null(g200);
    assert_non_null(crs);
    ig_change_result *r = NULL;
    ig_error err = {0};
    ig_change_opts o;
    ig_change_opts_init(&o);
    /* matched on cells: 6 in both, 2 removals, 2 additions */
    assert_int_equal(ig_change_grids(NULL, g1, g2, &o, &r, &err), IG_OK);
    const ig_change_row *row = ig_change_result_row(r, 0);
    assert_int_equal(row->units_both, 6);
    assert_true(fabs(parts_sum(&row->parts, 0) - row->parts.total) < 1e-13);
    ig_change_result_destroy(r);
    /* D: per group and multigroup */
    o.measure = IG_CHANGE_DISSIM;
    assert_int_equal(ig_change_grids(NULL, g1, g2, &o, &r, &err), IG_OK);
    assert_int_equal(ig_change_result_nrows(r), 3);
    assert_int_equal(ig_change_result_row(r, 2)->group, -1);
    /* two groups: D of a against b equals D of b against a */
    assert_true(fabs(ig_change_result_row(r, 0)->parts.reallocation -
                     ig_change_result_row(r, 1)->parts.reallocation) < 1e-9);
    ig_change_result_destroy(r);
    o.measure = IG_CHANGE_MUTUAL;
    r = NULL;
    assert_int_equal(ig_change_grids(NULL, g1, far, &o, &r, &err),
                     IG_ERR_MISMATCH);
    assert_null(r);
    assert_non_null(strstr(err.msg, "no cell"));
    assert_int_equal(ig_change_grids(NULL, g1, other, &o, &r, &err),
                     IG_ERR_MISMATCH);
    assert_non_null(strstr(err.msg, "only in OLD: b"));
    assert_non_null(strstr(err.msg, "only in NEW: c"));
    assert_int_equal(ig_change_grids(NULL, g300, g200, &o, &r, &err),
                     IG_ERR_MISMATCH);
    assert_non_null(strstr(err.msg, "300 m"));
    assert_non_null(strstr(err.msg, "200 m"));
    assert_int_equal(ig_change_grids(NULL, g1, crs, &o, &r, &err),
                     IG_ERR_MISMATCH);
    assert_non_null(strstr(err.msg, "EPSG:3857"));
    /* nesting resolutions: 100 m is aggregated to 200 m */
    assert_int_equal(ig_change_grids(NULL, g1, g200, &o, &r, &err), IG_OK);
    assert_int_equal(ig_change_result_cell_size_m(r), 200);
    ig_change_result_destroy(r);
    ig_grid_destroy(g1);
    ig_grid_destroy(g2);
    ig_grid_destroy(far);
    ig_grid_destroy(other);
    ig_grid_destroy(g300);
    ig_grid_destroy(g200);
    ig_grid_destroy(crs);
}

/* The split between and within classes adds up, in each census, to M
 * (and H), and the changes to M(NEW) - M(OLD); a hand case: two classes,
 * each internally even, so everything is between. */
static void test_by_class(void **state)
{
    (void)state;
    enum { N = 60, G = 3, K = 4 };
    double a[N * G], b[N * G];
    uint32_t ca[N], cb[N];
    random_table(a, N, G, 0.2);
    random_table(b, N, G, 0.2);
    for (size_t i = 0; i < N; i++) {
        ca[i] = (uint32_t)(i % 5 == 4 ? IG_CHANGE_NO_CLASS : i % K);
        cb[i] = (uint32_t)((i + i / 7) % K);
    }
    ig_ctab A = {N, G, a}, B = {N, G, b};
    for (int theil = 0; theil < 2; theil++) {
        ig_change_measure m = theil ? IG_CHANGE_THEIL : IG_CHANGE_MUTUAL;
        ig_change_parts parts[K + 2], whole;
        ig_error err = {0};
        assert_int_equal(ig_change_by_class(NULL, &A, ca, &B, cb, K, m, parts,
                                            &err),
                         IG_OK);
        ig_change_opts o;
        ig_change_opts_init(&o);
        o.measure = m;
        assert_int_equal(ig_change_tables(NULL, &A, &B, &o, &whole, &err),
                         IG_OK);
        double so = 0.0, sn = 0.0, st = 0.0;
        for (int k = 0; k < K + 2; k++) {
            so += parts[k].old_value;
            sn += parts[k].new_value;
            st += parts[k].total;
        }
        assert_true(fabs(so - whole.old_value) < 1e-12);
        assert_true(fabs(sn - whole.new_value) < 1e-12);
        assert_true(fabs(st - whole.total) < 1e-12);
        assert_true(parts[K + 1].old_value > 0.0); /* the unclassified */
        assert_true(parts[K + 1].new_value == 0.0);
    }
    /* two classes of two cells each; within a class both cells have the
     * same composition, so M_within = 0 and M = M_between */
    double h[4 * 2] = {10, 10, 0, 0, /* group 0 */ 0, 0, 5, 5};
    uint32_t hc[4] = {0, 0, 1, 1};
    ig_ctab H = {4, 2, h};
    ig_change_parts p3[4];
    assert_int_equal(ig_change_by_class(NULL, &H, hc, &H, hc, 2,
                                        IG_CHANGE_MUTUAL, p3, NULL),
                     IG_OK);
    /* M = sum (t_i/T) sum_g p ln(p / pi): classes 20 and 10 of 30, one group
     * each: ln(30/20) 20/30 + ln(30/10) 10/30 */
    double M = (20.0 / 30.0) * log(30.0 / 20.0) + (10.0 / 30.0) * log(3.0);
    assert_true(fabs(p3[0].old_value - M) < 1e-14);
    assert_true(p3[1].old_value == 0.0 && p3[2].old_value == 0.0);
    assert_true(p3[0].total == 0.0);
    /* D does not split */
    ig_error err = {0};
    assert_int_equal(ig_change_by_class(NULL, &H, hc, &H, hc, 2,
                                        IG_CHANGE_DISSIM, p3, &err),
                     IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "mutual_information"));
}

static void test_alloc_failure(void **state)
{
    (void)state;
    double a[8] = {5, 1, 7, 0, 3, 9, 2, 4}, b[8] = {1, 6, 2, 8, 4, 1, 5, 3};
    for (int m = 0; m < 3; m++)
        for (long n = 1;; n++) {
            fail_alloc fa;
            memset(&fa, 0, sizeof fa);
            ig_ctx *ctx = make_fail_ctx(&fa, 1);
            ig_grid *g1 = sgrid(100, 3035, 8, 0, a, b, NULL);
            ig_grid *g2 = sgrid(100, 3035, 8, 2, b, a, NULL);
            assert_non_null(g1);
            assert_non_null(g2);
            ig_change_opts o;
            ig_change_opts_init(&o);
            o.measure = (ig_change_measure)m;
            ig_change_result *r = NULL;
            fa.fail_at = fa.calls + n;
            ig_status st = ig_change_grids(ctx, g1, g2, &o, &r, NULL);
            fa.fail_at = 0;
            ig_change_result_destroy(r);
            ig_grid_destroy(g1);
            ig_grid_destroy(g2);
            ig_ctx_destroy(ctx);
            assert_int_equal(fa.live, 0);
            if (st == IG_OK) break;
            assert_int_equal(st, IG_ERR_NOMEM);
            assert_true(n < 500);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sum_to_total_random),
        cmocka_unit_test(test_ipf_converges),
        cmocka_unit_test(test_identical_zero),
        cmocka_unit_test(test_hand_2x2),
        cmocka_unit_test(test_schools_published),
        cmocka_unit_test(test_grid_errors),
        cmocka_unit_test(test_by_class),
        cmocka_unit_test(test_alloc_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
