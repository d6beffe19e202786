/* Gazetteers and place names: the file reader (plain TSV, CSV with a
 * header, every error with its line and column), naming places on a
 * hand-made 1 km grid near Paris whose cells hold known fixture points
 * (overlapping places, an empty place, the population / name / index
 * tie-breaks, a lattice cell held twice by a split grid), the built-in
 * GeoNames gazetteer, and allocation failures.
 *
 * Built a second time with IG_GAZETTEER_EU as the slow test
 * unit.gazetteer_eu: the urban centres of the EU+EFTA Census 2021 grid
 * named after the built-in gazetteer.
 *
 * The fixture points (tests/data/gazetteer/tiny.tsv) are the lon/lat of
 * cell centres of the grid below, computed with PROJ from EPSG:3035 and
 * rounded to 1e-5 degrees (within 1 m of the centre, 499 m from an edge). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "integrid/ig_gazetteer.h"
#include "integrid/ig_places.h"
#include "test_support.h"

#ifndef IG_GAZETTEER_EU

/* Lower-left corner of cell (0, 0) of the hand-made grid, metres. */
#define BASE_E 3760000
#define BASE_N 2885000

/* Cells of the grid as (col, row) lattice offsets from the base; fixture
 * entries: Alpha 5,000 in c0; Beta 20,000 in c1; Gamma 20,000 in c2;
 * Zeta and Epsilon 300 each in c3; nothing in c4; two "Twin" 700 in c5;
 * Delta 100,000 in a cell that is not in the grid; New York far away. */
static const int CELLS[][2] = {{0, 0}, {1, 0}, {2, 0}, {3, 0}, {0, 1}, {1, 1}};
enum { C0, C1, C2, C3, C4, C5, NCELLS };

static const char *const G1[] = {"T"};

/* A 1 km grid with CELLS; when split, every cell is in place "x" and cell
 * c1 also in place "y". */
static ig_grid *make_grid(ig_ctx *ctx, int split)
{
    ig_grid_spec spec = {0};
    spec.size_m = 1000;
    spec.n_groups = 1;
    spec.group_names = G1;
    ig_grid_builder *b = NULL;
    ig_error err = {0};
    assert_int_equal(ig_grid_builder_create(ctx, &spec, &b, &err), IG_OK);
    for (int k = 0; k < NCELLS + split; k++) {
        int c = k < NCELLS ? k : C1;
        double pop = 100.0;
        ig_grid_row r = {0};
        r.cell.east_m = BASE_E + CELLS[c][0] * 1000;
        r.cell.north_m = BASE_N + CELLS[c][1] * 1000;
        r.cell.size_m = 1000;
        r.counts = &pop;
        r.place = split ? (k < NCELLS ? "x" : "y") : NULL;
        assert_int_equal(ig_grid_builder_add(b, &r, &err), IG_OK);
    }
    ig_grid *g = NULL;
    assert_int_equal(ig_grid_builder_finish(b, &g, &err), IG_OK);
    ig_grid_builder_destroy(b);
    return g;
}

/* Grid index of cell c in place p (0 when not split). */
static size_t at(const ig_grid *g, int c, size_t place)
{
    size_t first = 0, count = 0;
    assert_int_equal(ig_grid_place_range(g, place, &first, &count), IG_OK);
    const int32_t *rows = ig_grid_rows(g), *cols = ig_grid_cols(g);
    for (size_t i = first; i < first + count; i++)
        if (cols[i] == BASE_E / 1000 + CELLS[c][0] &&
            rows[i] == BASE_N / 1000 + CELLS[c][1])
            return i;
    fail_msg("cell %d not in place %zu", c, place);
    return 0;
}

static ig_gazetteer *read_fixture(ig_ctx *ctx, const char *rel)
{
    ig_gazetteer *gz = NULL;
    ig_error err = {0};
    ig_status st = ig_gazetteer_read_path(ctx, fixture_path(rel), &gz, &err);
    if (st != IG_OK) fail_msg("%s: %s", rel, err.msg);
    return gz;
}

static void test_read_tsv(void **state)
{
    (void)state;
    ig_gazetteer *gz = read_fixture(NULL, "gazetteer/tiny.tsv");
    assert_int_equal(ig_gazetteer_count(gz), 9);
    const ig_gazetteer_entry *e = ig_gazetteer_get(gz, 1);
    assert_string_equal(e->name, "Beta");
    assert_string_equal(e->country, "FR");
    assert_string_equal(e->feature, "");
    assert_true(e->population == 20000.0);
    assert_true(e->lon == 2.36758 && e->lat == 48.82166);
    assert_int_equal(e->id, 2); /* its line */
    e = ig_gazetteer_get(gz, 8);
    assert_string_equal(e->name, "New York City");
    assert_true(e->lon == -74.00597);
    assert_null(ig_gazetteer_get(gz, 9));
    ig_gazetteer_destroy(gz);
}

static void test_read_csv_header(void **state)
{
    (void)state;
    ig_gazetteer *gz = read_fixture(NULL, "gazetteer/tiny.csv");
    assert_int_equal(ig_gazetteer_count(gz), 3);
    const ig_gazetteer_entry *e = ig_gazetteer_get(gz, 0);
    assert_string_equal(e->name, "Alpha, the first");
    assert_string_equal(e->country, "FR"); /* upper-cased */
    assert_string_equal(e->feature, "PPL");
    assert_true(e->population == 5000.0);
    assert_true(e->lat == 48.82072 && e->lon == 2.35402);
    assert_int_equal(e->id, 3);
    e = ig_gazetteer_get(gz, 1);
    assert_string_equal(e->name, "Say \"Beta\"");
    assert_string_equal(e->country, "");
    assert_string_equal(e->feature, "PPLA2");
    assert_true(e->lat == 48.82166); /* spaces around the field dropped */
    assert_int_equal(e->id, 5);
    e = ig_gazetteer_get(gz, 2);
    assert_string_equal(e->name, "Sydney");
    assert_true(e->lat == -33.86785 && e->lon == 151.20732);
    ig_gazetteer_destroy(gz);
}

/* Write text to a temporary file; returns its path (static buffer). */
static const char *temp_file(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/ig_gazetteer_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t n = strlen(text);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    close(fd);
    return path;
}

typedef struct bad_case {
    const char *text;
    ig_status st;
    long line, column;
    const char *needle; /* in the message */
} bad_case;

static void test_read_errors(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        {"Alpha\tFR\t5000\t2.35\n", IG_ERR_PARSE, 1, 1, "4 fields"},
        {"A\tFR\t1\t2\t3\nB\tFR\tx12\t2\t3\n", IG_ERR_PARSE, 2, 6,
         "population 'x12' is not a number"},
        {"A\tFR\t1\t2\t3\nB\tFR\tnan\t2\t3\n", IG_ERR_PARSE, 2, 6,
         "not a number"},
        {"A\tFR\t1\t2\t3\nB\tFR\t1\t200\t3\n", IG_ERR_DOMAIN, 2, 8,
         "longitude 200 is outside"},
        {"A\tFR\t1\t2\t3\nB\tFR\t1\t2\t-95\n", IG_ERR_DOMAIN, 2, 10,
         "latitude -95"},
        {"A;FR;-5;2;3\n", IG_ERR_DOMAIN, 1, 6, "population -5"},
        {"A,FR,1,2,3\nB,FR,1,2\n", IG_ERR_PARSE, 2, 9, "4 fields"},
        {"A,FR,1,2,3\nB,FR,1,2,3,4\n", IG_ERR_PARSE, 2, 12, "6 fields"},
        {"\"A,FR,1,2,3\n", IG_ERR_PARSE, 1, 1, "not closed"},
        {"\"A\"x,FR,1,2,3\n", IG_ERR_PARSE, 1, 4, "after a quoted field"},
        {"A,FR,1,2,3\n  ,FR,1,2,3\n", IG_ERR_PARSE, 2, 3, "empty name"},
        {"A\xff,FR,1,2,3\n", IG_ERR_PARSE, 1, 2, "not valid UTF-8"},
        {"A\xc3\x28,FR,1,2,3\n", IG_ERR_PARSE, 1, 2, "not valid UTF-8"},
        {"A,FRA1,1,2,3\n", IG_ERR_PARSE, 1, 3, "country 'FRA1'"},
        {"name,lon,population\nA,2,3\n", IG_ERR_PARSE, 1, 1, "no 'lat' column"},
        {"name,lat,lon,population,name\n", IG_ERR_PARSE, 1, 25,
         "'name' appears twice"},
        {"name,lat,lon,population,feature\nA,1,2,3,PPL-X\n", IG_ERR_PARSE, 2, 9,
         "feature code"},
        {"# only a comment\n\n", IG_ERR_PARSE, 2, 0, "no entries"},
        {"name,lat,lon,population\n", IG_ERR_PARSE, 1, 0, "no entries"},
        {"Alpha\n", IG_ERR_PARSE, 1, 1, "delimiter"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const bad_case *c = &cases[k];
        const char *path = temp_file(c->text);
        ig_gazetteer *gz = NULL;
        ig_error err = {0};
        ig_status st = ig_gazetteer_read_path(NULL, path, &gz, &err);
        if (st != c->st || err.line != c->line || err.column != c->column ||
            !strstr(err.msg, c->needle))
            fail_msg(
                "case %zu: status %d (want %d) at %ld:%ld (want "
                "%ld:%ld): %s",
                k, (int)st, (int)c->st, err.line, err.column, c->line,
                c->column, err.msg);
        assert_null(gz);
        assert_string_equal(err.file, path);
        unlink(path);
    }
    /* a file that is not there */
    ig_gazetteer *gz = NULL;
    ig_error err = {0};
    assert_int_equal(
        ig_gazetteer_read_path(NULL, "/nonexistent/gaz.tsv", &gz, &err),
        IG_ERR_IO);
    assert_null(gz);
    assert_string_equal(err.file, "/nonexistent/gaz.tsv");
    assert_int_equal(ig_gazetteer_read_path(NULL, NULL, &gz, NULL),
                     IG_ERR_DOMAIN);
}

/* Places in CSR form over the unsplit grid; see the expectations below. */
typedef struct places {
    size_t offsets[8];
    size_t cells[16];
    size_t n;
} places;

static places make_places(const ig_grid *g)
{
    places p = {{0}, {0}, 7};
    const int lists[7][3] = {
        {C0, C1, -1}, /* 0: Alpha 5,000 and Beta 20,000 -> Beta */
        {C1, C2, -1}, /* 1: overlaps 0; Beta and Gamma tie -> Beta */
        {C2, -1, -1}, /* 2: Gamma */
        {C4, -1, -1}, /* 3: no entry -> "" */
        {C3, -1, -1}, /* 4: Zeta and Epsilon tie in one cell -> Epsilon */
        {-1, -1, -1}, /* 5: no cells -> "" */
        {C5, C2, C1}, /* 6: Beta again, cells in another order */
    };
    size_t m = 0;
    for (size_t k = 0; k < 7; k++) {
        p.offsets[k] = m;
        for (int j = 0; j < 3 && lists[k][j] >= 0; j++)
            p.cells[m++] = at(g, lists[k][j], 0);
    }
    p.offsets[7] = m;
    return p;
}

static void check_names(const char **names, const double *pop)
{
    static const char *const want[7] = {"Beta",    "Beta", "Gamma", "",
                                        "Epsilon", "",     "Beta"};
    static const double wpop[7] = {20000, 20000,       20000, (double)NAN,
                                   300,   (double)NAN, 20000};
    for (int k = 0; k < 7; k++) {
        assert_string_equal(names[k], want[k]);
        if (isnan(wpop[k]))
            assert_true(isnan(pop[k]));
        else
            assert_true(pop[k] == wpop[k]);
    }
}

static void test_naming(void **state)
{
    (void)state;
    ig_gazetteer *gz = read_fixture(NULL, "gazetteer/tiny.tsv");
    ig_grid *g = make_grid(NULL, 0);
    places p = make_places(g);
    const char *names[7] = {0};
    double pop[7];
    ig_error err = {0};
    ig_status st = ig_gazetteer_name_places(NULL, gz, g, p.n, p.offsets,
                                            p.cells, names, pop, &err);
    if (!ig_place_table_has_proj()) {
        assert_int_equal(st, IG_ERR_DISABLED);
        assert_non_null(strstr(err.msg, "PROJ"));
        ig_grid_destroy(g);
        ig_gazetteer_destroy(gz);
        skip();
    }
    if (st != IG_OK) fail_msg("%s", err.msg);
    check_names(names, pop);
    /* pop_out may be NULL */
    assert_int_equal(ig_gazetteer_name_places(NULL, gz, g, p.n, p.offsets,
                                              p.cells, names, NULL, &err),
                     IG_OK);
    assert_string_equal(names[4], "Epsilon");
    /* entry indices; the twins tie on population and name: lower index */
    size_t idx[7];
    assert_int_equal(ig_gazetteer_match_places(NULL, gz, g, p.n, p.offsets,
                                               p.cells, idx, &err),
                     IG_OK);
    assert_int_equal(idx[0], 1);
    assert_int_equal(idx[2], 2);
    assert_int_equal(idx[3], IG_GAZETTEER_NONE);
    assert_int_equal(idx[4], 4);
    size_t one[2] = {0, 1}, c5 = at(g, C5, 0);
    assert_int_equal(
        ig_gazetteer_match_places(NULL, gz, g, 1, one, &c5, idx, &err), IG_OK);
    assert_int_equal(idx[0], 6);
    assert_string_equal(ig_gazetteer_get(gz, 6)->name, "Twin");
    /* no places at all */
    assert_int_equal(
        ig_gazetteer_match_places(NULL, gz, g, 0, NULL, NULL, idx, &err),
        IG_OK);
    ig_grid_destroy(g);
    ig_gazetteer_destroy(gz);
}

static void test_naming_split_grid(void **state)
{
    (void)state;
    if (!ig_place_table_has_proj()) skip();
    ig_gazetteer *gz = read_fixture(NULL, "gazetteer/tiny.tsv");
    ig_grid *g = make_grid(NULL, 1);
    assert_int_equal(ig_grid_nplaces(g), 2);
    assert_int_equal(ig_grid_ncells(g), NCELLS + 1);
    /* c1 held by places x and y: each copy holds Beta */
    size_t offsets[4] = {0, 1, 2, 4};
    size_t cells[4] = {at(g, C1, 1), at(g, C0, 0), at(g, C1, 0), at(g, C1, 1)};
    const char *names[3];
    double pop[3];
    ig_error err = {0};
    ig_status st = ig_gazetteer_name_places(NULL, gz, g, 3, offsets, cells,
                                            names, pop, &err);
    if (st != IG_OK) fail_msg("%s", err.msg);
    assert_string_equal(names[0], "Beta");
    assert_string_equal(names[1], "Alpha");
    assert_string_equal(names[2], "Beta");
    assert_true(pop[1] == 5000.0);
    ig_grid_destroy(g);
    ig_gazetteer_destroy(gz);
}

static void test_naming_bad_args(void **state)
{
    (void)state;
    ig_gazetteer *gz = read_fixture(NULL, "gazetteer/tiny.tsv");
    ig_grid *g = make_grid(NULL, 0);
    const char *names[2];
    ig_error err = {0};
    size_t desc[3] = {0, 2, 1}, cells[2] = {0, 1};
    assert_int_equal(ig_gazetteer_name_places(NULL, gz, g, 2, desc, cells,
                                              names, NULL, &err),
                     IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "descend"));
    size_t off[2] = {0, 2}, far[2] = {0, 99};
    assert_int_equal(
        ig_gazetteer_name_places(NULL, gz, g, 1, off, far, names, NULL, &err),
        IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "out of range"));
    size_t off1[2] = {1, 2};
    assert_int_equal(ig_gazetteer_name_places(NULL, gz, g, 1, off1, cells,
                                              names, NULL, &err),
                     IG_ERR_DOMAIN);
    assert_int_equal(
        ig_gazetteer_name_places(NULL, gz, g, 1, off, cells, NULL, NULL, &err),
        IG_ERR_DOMAIN);
    assert_int_equal(ig_gazetteer_name_places(NULL, NULL, g, 1, off, cells,
                                              names, NULL, &err),
                     IG_ERR_DOMAIN);
    /* aspatial units cannot be located */
    double a[2] = {1.0, 2.0};
    const double *counts[1] = {a};
    ig_grid *u = grid_from_counts(NULL, 2, 1, counts, G1);
    assert_int_equal(
        ig_gazetteer_name_places(NULL, gz, u, 1, off, cells, names, NULL, &err),
        IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "spatial grid"));
    ig_grid_destroy(u);
    ig_grid_destroy(g);
    ig_gazetteer_destroy(gz);
    /* NULL-safe accessors */
    assert_int_equal(ig_gazetteer_count(NULL), 0);
    assert_null(ig_gazetteer_get(NULL, 0));
    ig_gazetteer_destroy(NULL);
    assert_non_null(strstr(ig_gazetteer_attribution(), "CC BY 4.0"));
}

static void test_builtin(void **state)
{
    (void)state;
    ig_gazetteer *gz = NULL;
    ig_error err = {0};
    ig_status st = ig_gazetteer_open_builtin(NULL, &gz, &err);
    if (!ig_gazetteer_has_builtin()) {
        assert_int_equal(st, IG_ERR_DISABLED);
        assert_non_null(strstr(err.msg, "scripts/install-npm.sh"));
        assert_null(gz);
        skip();
    }
    if (st != IG_OK) fail_msg("%s", err.msg);
    size_t n = ig_gazetteer_count(gz);
    assert_true(n > 100000);
    size_t paris = 0, found = 0;
    uint64_t prev = 0;
    for (size_t i = 0; i < n; i++) {
        const ig_gazetteer_entry *e = ig_gazetteer_get(gz, i);
        assert_true(e->name[0] != '\0');
        assert_true(i == 0 || e->id > prev); /* GeoNames id order */
        prev = e->id;
        /* sections of cities and historical places are dropped */
        assert_true(strcmp(e->feature, "PPLX") != 0 &&
                    strcmp(e->feature, "PPLH") != 0 &&
                    strcmp(e->feature, "PPLQ") != 0 &&
                    strcmp(e->feature, "PPLW") != 0);
        assert_true(e->lon >= -180.0 && e->lon <= 180.0);
        assert_true(e->lat >= -90.0 && e->lat <= 90.0);
        if (strcmp(e->name, "Paris") == 0 && strcmp(e->country, "FR") == 0) {
            paris = i;
            found++;
        }
    }
    assert_int_equal(found, 1);
    const ig_gazetteer_entry *p = ig_gazetteer_get(gz, paris);
    assert_true(p->population > 2000000.0);
    assert_string_equal(p->feature, "PPLC");
    assert_int_equal(p->id, 2988507);
    assert_true(fabs(p->lon - 2.3488) < 0.01 && fabs(p->lat - 48.8534) < 0.01);
    ig_gazetteer_destroy(gz);
    assert_int_equal(ig_gazetteer_open_builtin(NULL, NULL, &err),
                     IG_ERR_DOMAIN);
}

static void test_alloc_failures(void **state)
{
    (void)state;
    ig_grid *g = make_grid(NULL, 0);
    places p = make_places(g);
    int done = 0;
    for (long fail = 1; fail < 500 && !done; fail++) {
        fail_alloc fa = {0};
        fa.fail_at = fail;
        ig_ctx *ctx = make_fail_ctx(&fa, 1);
        ig_gazetteer *gz = NULL;
        ig_error err = {0};
        ig_status st = ig_gazetteer_read_path(
            ctx, fixture_path("gazetteer/tiny.csv"), &gz, &err);
        if (st == IG_OK) {
            ig_gazetteer_destroy(gz);
            gz = NULL;
            st = ig_gazetteer_read_path(ctx, fixture_path("gazetteer/tiny.tsv"),
                                        &gz, &err);
        }
        const char *names[7] = {0};
        double pop[7];
        if (st == IG_OK && ig_place_table_has_proj())
            st = ig_gazetteer_name_places(ctx, gz, g, p.n, p.offsets, p.cells,
                                          names, pop, &err);
        if (fa.failures == 0) {
            assert_int_equal(st, IG_OK);
            if (ig_place_table_has_proj()) check_names(names, pop);
            done = 1;
        } else if (st != IG_ERR_NOMEM) {
            fail_msg("allocation %ld failed, status %d: %s", fail, (int)st,
                     err.msg);
        }
        ig_gazetteer_destroy(gz);
        ig_ctx_destroy(ctx);
        if (fa.live != 0) fail_msg("leak after failing allocation %ld", fail);
    }
    assert_true(done);
    ig_grid_destroy(g);
    if (!ig_gazetteer_has_builtin()) return;
    done = 0;
    for (long fail = 1; fail < 20 && !done; fail++) {
        fail_alloc fa = {0};
        fa.fail_at = fail;
        ig_ctx *ctx = make_fail_ctx(&fa, 1);
        ig_gazetteer *gz = NULL;
        ig_status st = ig_gazetteer_open_builtin(ctx, &gz, NULL);
        if (fa.failures == 0) {
            assert_int_equal(st, IG_OK);
            assert_true(ig_gazetteer_count(gz) > 100000);
            done = 1;
        } else {
            assert_int_equal(st, IG_ERR_NOMEM);
            assert_null(gz);
        }
        ig_gazetteer_destroy(gz);
        ig_ctx_destroy(ctx);
        if (fa.live != 0) fail_msg("leak after failing allocation %ld", fail);
    }
    assert_true(done);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_tsv),
        cmocka_unit_test(test_read_csv_header),
        cmocka_unit_test(test_read_errors),
        cmocka_unit_test(test_naming),
        cmocka_unit_test(test_naming_split_grid),
        cmocka_unit_test(test_naming_bad_args),
        cmocka_unit_test(test_builtin),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests_name("gazetteer", tests, NULL, NULL);
}

#else /* IG_GAZETTEER_EU */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct centre {
    size_t id; /* 1-based centre id */
    double pop;
    size_t entry;
} centre;

static int by_pop_desc(const void *a, const void *b)
{
    const centre *x = a, *y = b;
    if (x->pop != y->pop) return x->pop > y->pop ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static void test_eu_centre_names(void **state)
{
    (void)state;
    const char *path = shared_path("eu_census2021_grid1km.csv.gz");
    if (!path) skip();
    if (!ig_gazetteer_has_builtin() || !ig_place_table_has_proj()) skip();
    static const char *const groups[] = {"NAT", "EU_OTH", "OTH"};
    static const char *const keep[] = {"LAND_SURFACE"};
    ig_read_opts ro;
    ig_read_opts_init(&ro);
    ro.groups = groups;
    ro.n_groups = 3;
    ro.total_col = "T";
    ro.keep = keep;
    ro.n_keep = 1;
    ig_grid *g = NULL;
    ig_error err = {0};
    ig_status st = ig_grid_read_path(NULL, path, &ro, &g, &err);
    if (st != IG_OK) fail_msg("%s", err.msg);
    size_t n = ig_grid_ncells(g);
    uint8_t *cls = malloc(n);
    uint32_t *place = malloc(n * sizeof *place);
    assert_non_null(cls);
    assert_non_null(place);
    ig_degurba_opts o;
    ig_degurba_opts_init(&o);
    o.land_area_var = "LAND_SURFACE";
    ig_degurba_summary sum;
    st = ig_degurba_classify(NULL, g, &o, cls, place, &sum, &err);
    if (st != IG_OK) fail_msg("%s", err.msg);
    size_t nc = sum.n_centres;
    assert_in_range(nc, 500, 1200);

    /* CSR lists of the centres' cells: ids 1..nc on centre cells */
    size_t *offsets = calloc(nc + 1, sizeof *offsets);
    size_t *fill = calloc(nc + 1, sizeof *fill);
    assert_non_null(offsets);
    assert_non_null(fill);
    for (size_t i = 0; i < n; i++)
        if (cls[i] == IG_DEGURBA_URBAN_CENTRE) offsets[place[i]]++;
    size_t m = 0;
    for (size_t p = 0; p < nc; p++) {
        size_t c = offsets[p + 1];
        offsets[p] = m;
        m += c;
    }
    offsets[nc] = m;
    size_t *cells = malloc(m * sizeof *cells);
    assert_non_null(cells);
    centre *cs = calloc(nc, sizeof *cs);
    assert_non_null(cs);
    const double *tot = ig_grid_totals(g);
    for (size_t i = 0; i < n; i++)
        if (cls[i] == IG_DEGURBA_URBAN_CENTRE) {
            size_t p = place[i] - 1;
            cells[offsets[p] + fill[p]++] = i;
            cs[p].pop += tot[i];
        }

    ig_gazetteer *gz = NULL;
    assert_int_equal(ig_gazetteer_open_builtin(NULL, &gz, &err), IG_OK);
    size_t *entry = malloc(nc * sizeof *entry);
    const char **names = malloc(nc * sizeof *names);
    assert_non_null(entry);
    assert_non_null(names);
    double t0 = now_s();
    st = ig_gazetteer_name_places(NULL, gz, g, nc, offsets, cells, names, NULL,
                                  &err);
    if (st != IG_OK) fail_msg("%s", err.msg);
    double t1 = now_s();
    assert_int_equal(
        ig_gazetteer_match_places(NULL, gz, g, nc, offsets, cells, entry, &err),
        IG_OK);
    size_t named = 0;
    for (size_t p = 0; p < nc; p++) {
        cs[p].id = p + 1;
        cs[p].entry = entry[p];
        if (names[p][0]) named++;
        assert_true(
            entry[p] == IG_GAZETTEER_NONE
                ? names[p][0] == '\0'
                : strcmp(names[p], ig_gazetteer_get(gz, entry[p])->name) == 0);
    }
    fprintf(stderr,
            "gazetteer EU: %zu of %zu urban centres named (%zu "
            "cells), naming %.3f s\n",
            named, nc, m, t1 - t0);
    qsort(cs, nc, sizeof *cs, by_pop_desc);
    for (size_t k = 0; k < nc; k++) {
        const ig_gazetteer_entry *e = ig_gazetteer_get(gz, cs[k].entry);
        /* the 40 largest, the unnamed; IG_GZ_ALL=1 prints all */
        if (k < 40 || !e || getenv("IG_GZ_ALL"))
            fprintf(stderr,
                    "  %4zu %-28s %-2s %-6s centre %9.0f  entry %9.0f\n", k + 1,
                    e ? e->name : "(none)", e ? e->country : "",
                    e ? e->feature : "", cs[k].pop, e ? e->population : 0.0);
    }
    /* Almost every centre has a place of 1,000+ residents inside. */
    assert_true(named * 100 >= nc * 98);

    /* Capitals and big cities: the centre named after each is the most
     * populous centre whose name comes from that country. */
    static const char *const largest[][2] = {
        {"Paris", "FR"},      {"Madrid", "ES"},   {"Berlin", "DE"},
        {"Athens", "GR"},     {"Warsaw", "PL"},   {"Vienna", "AT"},
        {"Budapest", "HU"},   {"Prague", "CZ"},   {"Lisbon", "PT"},
        {"Bucharest", "RO"},  {"Sofia", "BG"},    {"Stockholm", "SE"},
        {"Copenhagen", "DK"}, {"Helsinki", "FI"}, {"Oslo", "NO"},
        {"Dublin", "IE"},     {"Brussels", "BE"}, {"Amsterdam", "NL"},
        {"Zürich", "CH"},     {"Vilnius", "LT"},  {"Riga", "LV"},
        {"Tallinn", "EE"},    {"Zagreb", "HR"},   {"Ljubljana", "SI"},
        {"Bratislava", "SK"},
    };
    for (size_t c = 0; c < sizeof largest / sizeof largest[0]; c++) {
        const char *name = largest[c][0], *cc = largest[c][1];
        long first_in_country = -1, hits = 0, at_named = -1;
        for (size_t k = 0; k < nc; k++) {
            const ig_gazetteer_entry *e = ig_gazetteer_get(gz, cs[k].entry);
            if (!e || strcmp(e->country, cc) != 0) continue;
            if (first_in_country < 0) first_in_country = (long)k;
            if (strcmp(e->name, name) == 0) {
                hits++;
                at_named = (long)k;
            }
        }
        if (hits != 1 || at_named != first_in_country)
            fail_msg(
                "%s (%s): %ld centres so named; the largest centre of "
                "%s is '%s'",
                name, cc, hits, cc,
                first_in_country < 0
                    ? "(none)"
                    : ig_gazetteer_get(gz, cs[first_in_country].entry)->name);
    }
    /* Other big cities (Milan's centre is larger than Rome's, the Ruhr's
     * is named after Essen): exactly one centre of the country so named. */
    static const char *const present[][2] = {
        {"Rome", "IT"},         {"Milan", "IT"},
        {"Naples", "IT"},       {"Turin", "IT"},
        {"Barcelona", "ES"},    {"Valencia", "ES"},
        {"Hamburg", "DE"},      {"Munich", "DE"},
        {"Köln", "DE"},         {"Frankfurt am Main", "DE"},
        {"Essen", "DE"},        {"Lyon", "FR"},
        {"Marseille", "FR"},    {"Lille", "FR"},
        {"Rotterdam", "NL"},    {"The Hague", "NL"},
        {"Kraków", "PL"},       {"Porto", "PT"},
        {"Thessaloníki", "GR"}, {"Ostrava", "CZ"},
        {"Genève", "CH"},
    };
    for (size_t c = 0; c < sizeof present / sizeof present[0]; c++) {
        long hits = 0;
        for (size_t k = 0; k < nc; k++) {
            const ig_gazetteer_entry *e = ig_gazetteer_get(gz, cs[k].entry);
            if (e && strcmp(e->country, present[c][1]) == 0 &&
                strcmp(e->name, present[c][0]) == 0)
                hits++;
        }
        if (hits != 1)
            fail_msg("%s (%s): %ld centres so named, want 1", present[c][0],
                     present[c][1], hits);
    }
    free(names);
    free(entry);
    ig_gazetteer_destroy(gz);
    free(cs);
    free(cells);
    free(fill);
    free(offsets);
    free(cls);
    free(place);
    ig_grid_destroy(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eu_centre_names),
    };
    return cmocka_run_group_tests_name("gazetteer_eu", tests, NULL, NULL);
}

#endif /* IG_GAZETTEER_EU */
