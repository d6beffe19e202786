/* Published reference values on the shared reference data sets
 * (/work/shared/data/segregation_reference, see SOURCES.md there).
 *
 * Each test reads its CSV with the small parser below (not the io module),
 * builds plain ig_units and calls the public API: ig_measure_find,
 * ig_measure_compute, ig_measure_decompose. A test is skipped when its file
 * is missing. Every asserted number names its source; tolerances are half a
 * unit in the last printed digit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integrid/integrid.h"
#include "test_support.h"

#define MAX_FIELDS 24
#define MAX_GROUPS 8

/* ---- tiny CSV reader --------------------------------------------------- */

/* Split a line in place at commas; strips the line end and surrounding
 * double quotes (the files have no quoted commas). Returns the field count. */
static int split_csv(char *line, char **f, int max)
{
    size_t len = strlen(line);
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        line[--len] = '\0';
    int n = 0;
    char *p = line;
    for (;;) {
        if (n == max) return -1;
        char *c = strchr(p, ',');
        if (c) *c = '\0';
        size_t l = strlen(p);
        if (l >= 2 && p[0] == '"' && p[l - 1] == '"') {
            p[l - 1] = '\0';
            p++;
        }
        f[n++] = p;
        if (!c) break;
        p = c + 1;
    }
    return n;
}

/* String interning: id = order of first appearance. */
typedef struct names {
    char **s;
    uint32_t *slot; /* open addressing: id + 1, 0 = empty */
    size_t n, cap, hcap;
} names;

static void names_init(names *t)
{
    memset(t, 0, sizeof *t);
    t->hcap = 1u << 15;
    t->slot = calloc(t->hcap, sizeof *t->slot);
    assert_non_null(t->slot);
}

static void names_free(names *t)
{
    for (size_t i = 0; i < t->n; i++) free(t->s[i]);
    free(t->s);
    free(t->slot);
}

static uint32_t names_id(names *t, const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (const char *p = s; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ull;
    size_t k = (size_t)h & (t->hcap - 1);
    while (t->slot[k]) {
        if (strcmp(t->s[t->slot[k] - 1], s) == 0) return t->slot[k] - 1;
        k = (k + 1) & (t->hcap - 1);
    }
    assert_true(t->n < t->hcap / 2);
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 64;
        t->s = realloc(t->s, t->cap * sizeof *t->s);
        assert_non_null(t->s);
    }
    t->s[t->n] = strdup(s);
    assert_non_null(t->s[t->n]);
    t->slot[k] = (uint32_t)(t->n + 1);
    return (uint32_t)t->n++;
}

/* ---- a units table ----------------------------------------------------- */

typedef struct table {
    size_t n, ng;
    double *x; /* group-major */
    const double *col[MAX_GROUPS];
} table;

static void table_alloc(table *t, size_t n, size_t ng)
{
    assert_true(ng <= MAX_GROUPS);
    t->n = n;
    t->ng = ng;
    t->x = calloc(n * ng + 1, sizeof *t->x);
    assert_non_null(t->x);
    for (size_t g = 0; g < ng; g++) t->col[g] = t->x + g * n;
}

static double measure(const char *name, const table *t, size_t group)
{
    const ig_measure_info *m = ig_measure_find(name);
    assert_non_null(m);
    ig_units u = {.n_units = t->n, .n_groups = t->ng, .counts = t->col, .total = NULL};
    double v = NAN;
    ig_error err = {0};
    ig_status st = ig_measure_compute(NULL, m, &u, group, NULL, &v, &err);
    if (st != IG_OK) fail_msg("%s: %s (%s)", name, ig_strerror(st), err.msg);
    return v;
}

static ig_decomposition decompose(const char *name, const table *t,
                                  const uint32_t *cl, size_t ncl)
{
    ig_units u = {.n_units = t->n, .n_groups = t->ng, .counts = t->col, .total = NULL};
    ig_decomposition d = {NAN, NAN, NAN};
    ig_error err = {0};
    ig_status st = ig_measure_decompose(NULL, ig_measure_find(name), &u, cl,
                                        ncl, &d, &err);
    if (st != IG_OK) fail_msg("%s: %s (%s)", name, ig_strerror(st), err.msg);
    return d;
}

static void check_abs(const char *what, double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("%s: got %.10g, published %.10g (tolerance %g)", what, got,
                 want, tol);
}

/* ---- the R segregation schools data ------------------------------------ */

/* state,district,school,race,n (long form): units = schools, groups =
 * races, with each school's district and state. */
typedef struct schools {
    table t;
    names school, race, district, state;
    uint32_t *dist_of, *state_of; /* per school */
} schools;

static int schools_load(const char *rel, schools *s)
{
    const char *path = shared_path(rel);
    if (!path) return 0;
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    names_init(&s->school);
    names_init(&s->race);
    names_init(&s->district);
    names_init(&s->state);
    size_t cap = 1024, nrow = 0;
    uint32_t *rs = malloc(cap * sizeof *rs), *rr = malloc(cap * sizeof *rr),
             *rd = malloc(cap * sizeof *rd), *rt = malloc(cap * sizeof *rt);
    double *rn = malloc(cap * sizeof *rn);
    assert_true(rs && rr && rd && rt && rn);
    char line[512], *fld[MAX_FIELDS];
    assert_non_null(fgets(line, sizeof line, f));
    assert_int_equal(split_csv(line, fld, MAX_FIELDS), 5);
    assert_string_equal(fld[4], "n");
    while (fgets(line, sizeof line, f)) {
        int nf = split_csv(line, fld, MAX_FIELDS);
        if (nf == 1 && fld[0][0] == '\0') continue;
        assert_int_equal(nf, 5);
        if (nrow == cap) {
            cap *= 2;
            rs = realloc(rs, cap * sizeof *rs);
            rr = realloc(rr, cap * sizeof *rr);
            rd = realloc(rd, cap * sizeof *rd);
            rt = realloc(rt, cap * sizeof *rt);
            rn = realloc(rn, cap * sizeof *rn);
            assert_true(rs && rr && rd && rt && rn);
        }
        rt[nrow] = names_id(&s->state, fld[0]);
        rd[nrow] = names_id(&s->district, fld[1]);
        rs[nrow] = names_id(&s->school, fld[2]);
        rr[nrow] = names_id(&s->race, fld[3]);
        char *end;
        rn[nrow] = strtod(fld[4], &end);
        assert_true(*end == '\0');
        nrow++;
    }
    fclose(f);
    table_alloc(&s->t, s->school.n, s->race.n);
    s->dist_of = calloc(s->school.n, sizeof *s->dist_of);
    s->state_of = calloc(s->school.n, sizeof *s->state_of);
    assert_true(s->dist_of && s->state_of);
    for (size_t r = 0; r < nrow; r++) {
        s->t.x[rr[r] * s->t.n + rs[r]] += rn[r];
        s->dist_of[rs[r]] = rd[r];
        s->state_of[rs[r]] = rt[r];
    }
    free(rs);
    free(rr);
    free(rd);
    free(rt);
    free(rn);
    return 1;
}

static void schools_free(schools *s)
{
    free(s->t.x);
    free(s->dist_of);
    free(s->state_of);
    names_free(&s->school);
    names_free(&s->race);
    names_free(&s->district);
    names_free(&s->state);
}

/* R segregation (elbersb/segregation), reference/mutual_total.md, pkgdown
 * output of the examples (commit c42eecc3012273c4e303bd58a0ccd3512b72f9c2):
 *   mutual_total(schools00, "race", "school", weight = "n")
 *   M 0.4255390, H 0.4188083 */
static void test_ref_schools00_total(void **state)
{
    (void)state;
    schools s;
    if (!schools_load("segregation_reference/schools00.csv", &s)) skip();
    assert_int_equal(s.t.n, 2045); /* "2,045 schools" (vignette) */
    assert_int_equal(s.t.ng, 5);
    check_abs("M", measure("mutual_information", &s.t, 0), 0.4255390, 5e-8);
    check_abs("H", measure("multi_information_theory", &s.t, 0), 0.4188083,
              5e-8);
    schools_free(&s);
}

/* R segregation, reference/mutual_total_nested.md (same commit):
 *   mutual_total_nested(schools00, "race", c("state", "district", "school"))
 *   between state:                     M 0.09924370  H 0.09767398
 *   district within state:             M 0.23870880  H 0.23493319
 *   school within state and district:  M 0.08758648  H 0.08620114
 * Districts nest in states, so schools by district split as
 * between = 0.09924370 + 0.23870880 and within = 0.08758648; schools by
 * state as between = 0.09924370 and within = the other two terms. The
 * vignette (vignettes/segregation.Rmd) prints the state split rounded:
 * "0.426 = 0.0992 + 0.326 and 0.419 = 0.0977 + 0.321"; mutual_total.md's
 * comments give the district split as "M => .087" (within; truncated)
 * and ".338". */
static void test_ref_schools00_decomposition(void **state)
{
    (void)state;
    schools s;
    if (!schools_load("segregation_reference/schools00.csv", &s)) skip();
    assert_int_equal(s.district.n, 429); /* "429 school districts" */
    assert_int_equal(s.state.n, 3);

    ig_decomposition m = decompose("mutual_information", &s.t, s.state_of,
                                   s.state.n);
    ig_decomposition h = decompose("multi_information_theory", &s.t,
                                   s.state_of, s.state.n);
    check_abs("M between states", m.between, 0.09924370, 5e-9);
    check_abs("H between states", h.between, 0.09767398, 5e-9);
    check_abs("M within states", m.within, 0.23870880 + 0.08758648, 1e-8);
    check_abs("H within states", h.within, 0.23493319 + 0.08620114, 1e-8);
    check_abs("M within states (vignette)", m.within, 0.326, 5e-4);
    check_abs("H within states (vignette)", h.within, 0.321, 5e-4);
    check_abs("M between states (vignette)", m.between, 0.0992, 5e-5);
    check_abs("H between states (vignette)", h.between, 0.0977, 5e-5);
    check_abs("M total = between + within", m.total, m.between + m.within,
              1e-12);
    check_abs("H total = between + within", h.total, h.between + h.within,
              1e-12);

    m = decompose("mutual_information", &s.t, s.dist_of, s.district.n);
    h = decompose("multi_information_theory", &s.t, s.dist_of, s.district.n);
    check_abs("M within districts", m.within, 0.08758648, 5e-9);
    check_abs("H within districts", h.within, 0.08620114, 5e-9);
    check_abs("M between districts", m.between, 0.09924370 + 0.23870880, 1e-8);
    check_abs("H between districts", h.between, 0.09767398 + 0.23493319,
              1e-8);
    /* ".087" there is truncated, not rounded (0.0876 prints as .088) */
    check_abs("M within districts (docs)", m.within, 0.0875, 5e-4);
    check_abs("M between districts (docs)", m.between, 0.338, 5e-4);
    check_abs("M total", m.total, 0.4255390, 5e-8);
    check_abs("M total = between + within", m.total, m.between + m.within,
              1e-12);
    schools_free(&s);
}

/* The within part sums exactly: within = sum_k p_k M_k with each state's M
 * computed on its own. Published per state (vignettes/segregation.Rmd and
 * reference/mutual_within.md): state A's M is .409, state A is 27.7 % of
 * the population and contributes 26.6 % of total segregation. */
static void test_ref_schools00_within_states(void **state)
{
    (void)state;
    schools s;
    if (!schools_load("segregation_reference/schools00.csv", &s)) skip();
    ig_decomposition m = decompose("mutual_information", &s.t, s.state_of,
                                   s.state.n);
    double T = 0;
    for (size_t c = 0; c < s.t.n * s.t.ng; c++) T += s.t.x[c];
    double within = 0;
    for (uint32_t k = 0; k < s.state.n; k++) {
        size_t nk = 0;
        for (size_t i = 0; i < s.t.n; i++) nk += s.state_of[i] == k;
        table sub;
        table_alloc(&sub, nk, s.t.ng);
        size_t j = 0;
        double Tk = 0;
        for (size_t i = 0; i < s.t.n; i++) {
            if (s.state_of[i] != k) continue;
            for (size_t g = 0; g < s.t.ng; g++) {
                sub.x[g * nk + j] = s.t.x[g * s.t.n + i];
                Tk += s.t.x[g * s.t.n + i];
            }
            j++;
        }
        double Mk = measure("mutual_information", &sub, 0);
        within += Tk / T * Mk;
        if (strcmp(s.state.s[k], "A") == 0) {
            check_abs("M of state A", Mk, 0.409, 5e-4);
            check_abs("share of state A", Tk / T, 0.277, 5e-4);
            check_abs("contribution of state A (%)", 100 * Tk / T * Mk / m.total,
                      26.6, 0.05);
        }
        free(sub.x);
    }
    check_abs("within = sum p_k M_k", m.within, within, 1e-12);
    schools_free(&s);
}

/* schools05: M = 0.41339, H = 0.3893 as given in the project brief for
 * R segregation's mutual_total(schools05, "race", "school", weight = "n").
 * Not found printed in the package docs; an independent Python calculation
 * from the CSV gave M = 0.4133850920, H = 0.3892848433. */
static void test_ref_schools05_total(void **state)
{
    (void)state;
    schools s;
    if (!schools_load("segregation_reference/schools05.csv", &s)) skip();
    assert_int_equal(s.t.n, 1920);
    check_abs("M", measure("mutual_information", &s.t, 0), 0.41339, 5e-6);
    check_abs("H", measure("multi_information_theory", &s.t, 0), 0.3893,
              5e-5);
    ig_decomposition m = decompose("mutual_information", &s.t, s.dist_of,
                                   s.district.n);
    check_abs("M total = between + within", m.total, m.between + m.within,
              1e-12);
    schools_free(&s);
}

/* ---- seg / OasisR segdata: 8 patterns on a 10 x 10 grid ---------------- */

/* Every cell holds 100 people. Published: pattern A gives D = 1 (seg's
 * example, Hong, O'Sullivan & Sadahiro 2014). No other aspatial values
 * were found in the seg or OasisR docs, so the rest are hand calculations:
 * B, C, F, G, H: every cell is all one group, D = 1;
 * D: 12 cells 100/0, 24 cells 50/50, 64 cells 0/100, X = 2400, Y = 7600:
 *    D = 1/2 (1200/2400 + 1200/2400 - 1200/7600 + 6400/7600) = 16/19;
 * E: 12 cells 100/0, 25 cells 50/50, 63 cells 0/100, X = 2450, Y = 7550:
 *    D = 1/2 (1 + 5050/7550) = 126/151. */
static void test_ref_segdata_dissimilarity(void **state)
{
    (void)state;
    const char *path = shared_path("segregation_reference/seg_segdata.csv");
    if (!path) skip();
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[1024], *fld[MAX_FIELDS];
    assert_non_null(fgets(line, sizeof line, f));
    int nh = split_csv(line, fld, MAX_FIELDS);
    assert_int_equal(nh, 19);
    assert_string_equal(fld[3], "A1");
    table t[8];
    for (int p = 0; p < 8; p++) table_alloc(&t[p], 100, 2);
    size_t i = 0;
    while (fgets(line, sizeof line, f)) {
        int nf = split_csv(line, fld, MAX_FIELDS);
        if (nf == 1 && fld[0][0] == '\0') continue;
        assert_int_equal(nf, 19);
        assert_true(i < 100);
        for (int p = 0; p < 8; p++)
            for (int g = 0; g < 2; g++)
                t[p].x[(size_t)g * 100 + i] = atof(fld[3 + 2 * p + g]);
        i++;
    }
    fclose(f);
    assert_int_equal(i, 100);
    const double want[8] = {1, 1, 1, 16.0 / 19, 126.0 / 151, 1, 1, 1};
    for (int p = 0; p < 8; p++) {
        char what[64];
        snprintf(what, sizeof what, "pattern %c: dissimilarity", 'A' + p);
        check_abs(what, measure("dissimilarity", &t[p], 0), want[p], 1e-13);
        snprintf(what, sizeof what, "pattern %c: multi_dissimilarity", 'A' + p);
        check_abs(what, measure("multi_dissimilarity", &t[p], 0), want[p],
                  1e-13);
        free(t[p].x);
    }
}

/* ---- OasisR GreHSize: households by size, 53 municipalities ------------ */

/* No published multigroup values for GreHSize were found in the OasisR
 * docs (its examples print no output) or tests. As a real-data check with
 * non-integer (weighted) counts, every multigroup measure is compared with
 * the formulas of notes/conventions.md evaluated here in long double. */
static void test_ref_grenoble_against_formulas(void **state)
{
    (void)state;
    const char *path =
        shared_path("segregation_reference/grenoble_household_size.csv");
    if (!path) skip();
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[1024], *fld[MAX_FIELDS];
    assert_non_null(fgets(line, sizeof line, f));
    assert_int_equal(split_csv(line, fld, MAX_FIELDS), 8);
    assert_string_equal(fld[2], "small_hh_1_2");
    double rows[64][3];
    size_t n = 0;
    while (fgets(line, sizeof line, f)) {
        int nf = split_csv(line, fld, MAX_FIELDS);
        if (nf == 1 && fld[0][0] == '\0') continue;
        assert_int_equal(nf, 8);
        assert_true(n < 64);
        for (int g = 0; g < 3; g++) rows[n][g] = atof(fld[2 + g]);
        n++;
    }
    fclose(f);
    assert_int_equal(n, 53);
    table t;
    table_alloc(&t, n, 3);
    long double ti[64], T = 0, X[3] = {0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        ti[i] = 0;
        for (int g = 0; g < 3; g++) {
            t.x[(size_t)g * n + i] = rows[i][g];
            ti[i] += rows[i][g];
            X[g] += rows[i][g];
        }
        T += ti[i];
    }
    long double I = 0, E = 0, d = 0, gi = 0, sq = 0, ps = 0, cs = 0, ms = 0;
    for (int g = 0; g < 3; g++) {
        long double pm = X[g] / T, s2 = 0;
        I += pm * (1 - pm);
        E -= pm * logl(pm);
        for (size_t i = 0; i < n; i++) {
            long double p = rows[i][g] / ti[i];
            d += ti[i] * fabsl(p - pm);
            s2 += ti[i] * (p - pm) * (p - pm);
            if (p > 0) ms += ti[i] * p * logl(p / pm);
            for (size_t j = 0; j < n; j++)
                gi += ti[i] * ti[j] * fabsl(p - rows[j][g] / ti[j]);
        }
        sq += s2;
        ps += s2 / (1 - pm);
        cs += s2 / pm;
    }
    struct {
        const char *id;
        long double v;
    } want[] = {
        {"multi_dissimilarity", d / (2 * T * I)},
        {"multi_gini", gi / (2 * T * T * I)},
        {"multi_normalized_exposure", ps / T},
        {"mutual_information", ms / T},
        {"multi_information_theory", ms / T / E},
        {"multi_relative_diversity", sq / (T * I)},
        {"multi_squared_coefficient_of_variation", cs / (2 * T)},
        {"multi_diversity", E},
        {"multi_diversity_normalized", E / logl(3.0L)},
        {"simpsons_interaction", I},
    };
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        double got = measure(want[k].id, &t, 0);
        if (!close_rel(got, (double)want[k].v, 1e-12))
            fail_msg("%s: got %.17g, formula %.17g", want[k].id, got,
                     (double)want[k].v);
    }
    free(t.x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ref_schools00_total),
        cmocka_unit_test(test_ref_schools00_decomposition),
        cmocka_unit_test(test_ref_schools00_within_states),
        cmocka_unit_test(test_ref_schools05_total),
        cmocka_unit_test(test_ref_segdata_dissimilarity),
        cmocka_unit_test(test_ref_grenoble_against_formulas),
    };
    return cmocka_run_group_tests_name("reference", tests, NULL, NULL);
}
