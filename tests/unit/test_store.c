/* The store (issue #8): the binary grid format (bit-identical round trips of
 * spatial, aspatial, split, within-grouped, NA-flagged and total-carrying
 * grids; every damaged byte refused without a crash; allocation failures),
 * schema migrations (new file, reopen, a newer schema refused), datasets,
 * places, cached results and assessments, and crash safety: an import that
 * fails, or whose process dies, mid-transaction leaves the previous state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "integrid/ig_server.h"
#include "server/store_internal.h"
#include "test_support.h"

static const char *cli_name(const char *name)
{
    static char buf[128];
    snprintf(buf, sizeof buf, "cli/%s", name);
    return buf;
}

static ig_grid *read_fixture(const char *name, const char *by,
                             const char *within, const char *total,
                             const char *long_spec)
{
    ig_read_opts ro;
    ig_read_opts_init(&ro);
    ro.by_col = by;
    ro.within_col = within;
    ro.total_col = total;
    ro.long_spec = long_spec;
    static const char *const keep[] = {"LAND_SURFACE"};
    if (strcmp(name, "degurba.csv") == 0) {
        ro.keep = keep;
        ro.n_keep = 1;
    }
    ig_grid *g = NULL;
    ig_error err = {0};
    ig_status st =
        ig_grid_read_path(NULL, fixture_path(cli_name(name)), &ro, &g, &err);
    if (st != IG_OK) fail_msg("%s: %s", name, err.msg);
    return g;
}

static void assert_same_doubles(const double *a, const double *b, size_t n)
{
    /* bit-identical, NaN included */
    assert_int_equal(memcmp(a, b, n * sizeof(double)), 0);
}

static void assert_same_grid(const ig_grid *a, const ig_grid *b)
{
    size_t n = ig_grid_ncells(a);
    assert_int_equal(ig_grid_ncells(b), n);
    assert_int_equal(ig_grid_ngroups(b), ig_grid_ngroups(a));
    assert_int_equal(ig_grid_cell_size_m(b), ig_grid_cell_size_m(a));
    assert_int_equal(ig_grid_crs_epsg(b), ig_grid_crs_epsg(a));
    assert_int_equal(ig_grid_has_total(b), ig_grid_has_total(a));
    for (size_t g = 0; g < ig_grid_ngroups(a); g++) {
        assert_string_equal(ig_grid_group_name(b, g), ig_grid_group_name(a, g));
        assert_same_doubles(ig_grid_counts(a, g), ig_grid_counts(b, g), n);
        const uint8_t *na = ig_grid_na(a, g), *nb = ig_grid_na(b, g);
        assert_int_equal(na == NULL, nb == NULL);
        if (na) assert_memory_equal(na, nb, n);
    }
    assert_same_doubles(ig_grid_totals(a), ig_grid_totals(b), n);
    assert_int_equal(ig_grid_nplaces(b), ig_grid_nplaces(a));
    for (size_t p = 0; p < ig_grid_nplaces(a); p++) {
        size_t f1, c1, f2, c2;
        assert_int_equal(ig_grid_place_range(a, p, &f1, &c1), IG_OK);
        assert_int_equal(ig_grid_place_range(b, p, &f2, &c2), IG_OK);
        assert_int_equal(f1, f2);
        assert_int_equal(c1, c2);
        assert_string_equal(ig_grid_place_name(b, p), ig_grid_place_name(a, p));
    }
    assert_int_equal(ig_grid_nwithin(b), ig_grid_nwithin(a));
    if (ig_grid_nwithin(a)) {
        for (size_t k = 0; k < ig_grid_nwithin(a); k++)
            assert_string_equal(ig_grid_within_name(b, k),
                                ig_grid_within_name(a, k));
        assert_memory_equal(ig_grid_within(a), ig_grid_within(b),
                            n * sizeof(uint32_t));
    }
    assert_int_equal(ig_grid_nvars(b), ig_grid_nvars(a));
    for (size_t v = 0; v < ig_grid_nvars(a); v++) {
        assert_string_equal(ig_grid_var_name(b, v), ig_grid_var_name(a, v));
        assert_same_doubles(ig_grid_var(a, v), ig_grid_var(b, v), n);
    }
    if (ig_grid_cell_size_m(a)) {
        assert_memory_equal(ig_grid_rows(a), ig_grid_rows(b),
                            n * sizeof(int32_t));
        assert_memory_equal(ig_grid_cols(a), ig_grid_cols(b),
                            n * sizeof(int32_t));
    } else {
        for (size_t i = 0; i < n; i++)
            assert_string_equal(ig_grid_unit_name(b, i),
                                ig_grid_unit_name(a, i));
    }
}

static void round_trip(ig_grid *g)
{
    void *blob = NULL;
    size_t len = 0;
    ig_error err = {0};
    assert_int_equal(ig_store_grid_encode(NULL, g, &blob, &len, &err), IG_OK);
    assert_true(len > 60);
    assert_memory_equal(blob, "IGGRIDB", 8);
    ig_grid *back = NULL;
    ig_status st = ig_store_grid_decode(NULL, blob, len, &back, &err);
    if (st != IG_OK) fail_msg("decode: %s", err.msg);
    assert_same_grid(g, back);
    /* the encoding is canonical: encoding the copy gives the same bytes */
    void *blob2 = NULL;
    size_t len2 = 0;
    assert_int_equal(ig_store_grid_encode(NULL, back, &blob2, &len2, &err),
                     IG_OK);
    assert_int_equal(len2, len);
    assert_memory_equal(blob, blob2, len);
    ig_store_free(NULL, blob, len);
    ig_store_free(NULL, blob2, len2);
    ig_grid_destroy(back);
    ig_grid_destroy(g);
}

static void test_blob_round_trips(void **state)
{
    (void)state;
    round_trip(read_fixture("tiny.csv", "CITY", "DIST", NULL, NULL));
    round_trip(read_fixture("tiny.csv", NULL, NULL, NULL, NULL));
    round_trip(read_fixture("with_na.csv", "CITY", NULL, NULL, NULL));
    round_trip(
        read_fixture("long.csv", NULL, "district", NULL, "school,group,n"));
    round_trip(read_fixture("degurba.csv", "CNTR_ID", NULL, "T", NULL));
}

/* Recompute the trailing CRC so a mutation reaches the section checks. */
static void fix_crc(unsigned char *p, size_t len)
{
    uint32_t c = (uint32_t)crc32(0L, p, (uInt)(len - 4));
    for (int i = 0; i < 4; i++)
        p[len - 4 + (size_t)i] = (unsigned char)(c >> (8 * i));
}

static void test_blob_damage_refused(void **state)
{
    (void)state;
    ig_grid *g = read_fixture("tiny.csv", "CITY", "DIST", NULL, NULL);
    void *blob = NULL;
    size_t len = 0;
    assert_int_equal(ig_store_grid_encode(NULL, g, &blob, &len, NULL), IG_OK);
    unsigned char *p = blob;
    ig_grid *out = NULL;
    ig_error err = {0};
    /* a flipped byte: checksum */
    p[70] ^= 0x01;
    assert_int_equal(ig_store_grid_decode(NULL, p, len, &out, &err),
                     IG_ERR_PARSE);
    assert_non_null(strstr(err.msg, "checksum"));
    assert_null(out);
    p[70] ^= 0x01;
    /* cut short, wrong magic, newer version */
    assert_int_not_equal(ig_store_grid_decode(NULL, p, len - 1, &out, NULL),
                         IG_OK);
    assert_int_equal(ig_store_grid_decode(NULL, p, 10, &out, NULL),
                     IG_ERR_FORMAT);
    unsigned char *q = malloc(len);
    memcpy(q, p, len);
    q[0] = 'X';
    assert_int_equal(ig_store_grid_decode(NULL, q, len, &out, NULL),
                     IG_ERR_FORMAT);
    memcpy(q, p, len);
    q[8] = 2;
    memset(&err, 0, sizeof err);
    assert_int_equal(ig_store_grid_decode(NULL, q, len, &out, &err),
                     IG_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "version 2"));
    /* every bit of every byte flipped, with a valid checksum: the reader
     * must refuse or build a valid grid, never crash or leak */
    fail_alloc fa = {0};
    ig_ctx *ctx = make_fail_ctx(&fa, 1);
    size_t accepted = 0;
    for (size_t i = 8; i + 4 < len; i++) {
        if (i >= 48 && i < 56) continue; /* the length field: trivially bad */
        for (int bit = 0; bit < 8; bit++) {
            memcpy(q, p, len);
            q[i] ^= (unsigned char)(1u << bit);
            fix_crc(q, len);
            out = NULL;
            ig_status st = ig_store_grid_decode(ctx, q, len, &out, NULL);
            if (st == IG_OK) {
                accepted++;
                assert_non_null(out);
                ig_grid_destroy(out);
            } else {
                assert_null(out);
                assert_true(st == IG_ERR_PARSE || st == IG_ERR_FORMAT);
            }
        }
    }
    /* count bits flip to other valid numbers; structure bits do not */
    assert_true(accepted > 0);
    ig_ctx_destroy(ctx);
    assert_int_equal(fa.live, 0);
    free(q);
    ig_store_free(NULL, blob, len);
    ig_grid_destroy(g);
}

static void test_blob_alloc_failures(void **state)
{
    (void)state;
    ig_grid *g = read_fixture("tiny.csv", "CITY", "DIST", NULL, NULL);
    int saw_ok = 0;
    for (long n = 1; n < 200 && !saw_ok; n++) {
        fail_alloc fa = {0};
        fa.fail_at = n;
        ig_ctx *ctx = make_fail_ctx(&fa, 1);
        void *blob = NULL;
        size_t len = 0;
        ig_status st = ig_store_grid_encode(ctx, g, &blob, &len, NULL);
        if (st == IG_OK) {
            ig_grid *back = NULL;
            st = ig_store_grid_decode(ctx, blob, len, &back, NULL);
            assert_true(st == IG_OK || st == IG_ERR_NOMEM);
            if (st == IG_OK) {
                saw_ok = 1;
                ig_grid_destroy(back);
            }
            ig_store_free(ctx, blob, len);
        } else {
            assert_int_equal(st, IG_ERR_NOMEM);
        }
        ig_ctx_destroy(ctx);
        assert_int_equal(fa.live, 0);
    }
    assert_true(saw_ok);
    ig_grid_destroy(g);
}

/* ---- the store ---------------------------------------------------------- */

/* A store path in a fresh directory under the build tree's cwd (ctest
 * runs tests in the build directory); removed by the test group teardown. */
static char made_dirs[16][32];
static int n_made;

static char *tmp_db(void)
{
    static char path[256];
    char dir[] = "ig_store_XXXXXX";
    if (!mkdtemp(dir)) fail_msg("mkdtemp");
    if (n_made < 16) snprintf(made_dirs[n_made++], 32, "%s", dir);
    snprintf(path, sizeof path, "%s/store.sqlite", dir);
    return path;
}

static int remove_dirs(void **state)
{
    (void)state;
    const char *files[] = {"store.sqlite", "store.sqlite-wal",
                           "store.sqlite-shm"};
    for (int d = 0; d < n_made; d++) {
        char path[1024];
        for (int k = 0; k < 3; k++) {
            snprintf(path, sizeof path, "%s/%s", made_dirs[d], files[k]);
            unlink(path);
        }
        rmdir(made_dirs[d]);
    }
    return 0;
}

static void test_migrations(void **state)
{
    (void)state;
    const char *path = tmp_db();
    ig_store *s = NULL;
    ig_error err = {0};
    assert_int_equal(ig_store_open(NULL, path, &s, &err), IG_OK);
    assert_int_equal(ig_store_schema_version(s), IG_STORE_SCHEMA_VERSION);
    ig_store_close(s);
    /* reopening does not migrate again */
    assert_int_equal(ig_store_open(NULL, path, &s, &err), IG_OK);
    assert_int_equal(ig_store_schema_version(s), IG_STORE_SCHEMA_VERSION);
    ig_store_close(s);
    /* WAL mode is on */
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_stmt *q = NULL;
    assert_int_equal(
        sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(q, 0), "wal");
    sqlite3_finalize(q);
    /* a store from a newer version is refused, and left alone */
    assert_int_equal(
        sqlite3_exec(db, "PRAGMA user_version=99", NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    memset(&err, 0, sizeof err);
    assert_int_equal(ig_store_open(NULL, path, &s, &err), IG_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "newer"));
    /* a file that is not a database */
    const char *bad = tmp_db();
    FILE *fp = fopen(bad, "w");
    fputs(
        "this is not an sqlite database, it is text long enough to be "
        "read as a header page of some kind at all\n",
        fp);
    fclose(fp);
    assert_int_equal(ig_store_open(NULL, bad, &s, &err), IG_ERR_IO);
}

/* Assessments are saved in revisions; a stale revision changes nothing;
 * a version-1 store is migrated with its assessments as revision 1. */
static void test_assessment_revisions(void **state)
{
    (void)state;
    const char *path = tmp_db();
    ig_store *s = NULL;
    ig_error err = {0};
    assert_int_equal(ig_store_open(NULL, path, &s, &err), IG_OK);
    ig_grid *g = read_fixture("tiny.csv", "CITY", NULL, NULL, NULL);
    char id[IG_STORE_ID_MAX];
    assert_int_equal(ig_store_dataset_put(s, "tiny", NULL, g, id, &err), IG_OK);
    ig_grid_destroy(g);
    int64_t rev = 0;
    assert_int_equal(ig_store_assessment_save(s, id, "a", "fw@1", "{\"v\":1}",
                                              0, &rev, &err),
                     IG_OK);
    assert_int_equal(rev, 1);
    /* it exists: a create (expect 0) is refused */
    assert_int_equal(
        ig_store_assessment_save(s, id, "a", "fw@1", "{}", 0, &rev, &err),
        IG_ERR_MISMATCH);
    assert_int_equal(ig_store_assessment_save(s, id, "a", "fw@1", "{\"v\":2}",
                                              1, &rev, &err),
                     IG_OK);
    assert_int_equal(rev, 2);
    memset(&err, 0, sizeof err);
    assert_int_equal(ig_store_assessment_save(s, id, "a", "fw@1", "{\"v\":3}",
                                              1, &rev, &err),
                     IG_ERR_MISMATCH);
    assert_non_null(strstr(err.msg, "revision 2"));
    char fw[64], *text = NULL;
    int64_t got = 0;
    assert_int_equal(
        ig_store_assessment_get_rev(s, id, "a", 0, fw, &text, &got, &err),
        IG_OK);
    assert_string_equal(text, "{\"v\":2}");
    assert_int_equal(got, 2);
    ig_store_free(NULL, text, 0);
    assert_int_equal(
        ig_store_assessment_get_rev(s, id, "a", 1, fw, &text, &got, &err),
        IG_OK);
    assert_string_equal(text, "{\"v\":1}");
    assert_string_equal(fw, "fw@1");
    ig_store_free(NULL, text, 0);
    assert_int_equal(
        ig_store_assessment_get_rev(s, id, "a", 7, fw, &text, &got, &err),
        IG_ERR_NOT_FOUND);
    ig_store_assessment *v = NULL;
    size_t n = 0;
    assert_int_equal(ig_store_assessment_list(s, id, &v, &n, &err), IG_OK);
    assert_int_equal(n, 1);
    assert_string_equal(v[0].name, "a");
    assert_int_equal(v[0].revision, 2);
    ig_store_free(NULL, v, 0);
    /* the old call still works: a new revision */
    assert_int_equal(ig_store_assessment_put(s, id, "a", "fw@1", "{}", &err),
                     IG_OK);
    assert_int_equal(ig_store_assessment_get(s, id, "a", fw, &text, &err),
                     IG_OK);
    assert_string_equal(text, "{}");
    ig_store_free(NULL, text, 0);
    ig_store_close(s);

    /* a version-1 store with an assessment */
    const char *old = tmp_db();
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(old, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(db,
                     "CREATE TABLE datasets(id TEXT PRIMARY KEY, name TEXT NOT "
                     "NULL, created INTEGER NOT NULL, meta TEXT NOT NULL "
                     "DEFAULT '{}', n_cells INTEGER NOT NULL, n_groups INTEGER "
                     "NOT NULL, n_places INTEGER NOT NULL, cell_size_m INTEGER "
                     "NOT NULL, grid BLOB NOT NULL);"
                     "CREATE TABLE places(dataset TEXT NOT NULL, seq INTEGER "
                     "NOT NULL, place_id TEXT NOT NULL, name TEXT, cls TEXT, "
                     "country TEXT, aggregate INTEGER, n_cells INTEGER, "
                     "population REAL, area_km2 REAL, lon REAL, lat REAL, "
                     "cells BLOB, PRIMARY KEY(dataset, place_id));"
                     "CREATE TABLE results(dataset TEXT NOT NULL, key TEXT NOT "
                     "NULL, json TEXT NOT NULL, created INTEGER NOT NULL, "
                     "PRIMARY KEY(dataset, key));"
                     "CREATE TABLE assessments(dataset TEXT NOT NULL, name "
                     "TEXT NOT NULL, framework TEXT NOT NULL, answers TEXT NOT "
                     "NULL, updated INTEGER NOT NULL, PRIMARY KEY(dataset, "
                     "name));"
                     "INSERT INTO datasets VALUES('d1','x',0,'{}',0,0,0,0,x'');"
                     "INSERT INTO assessments VALUES('d1','old','fw@1','{}',5);"
                     "PRAGMA user_version=1;",
                     NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(ig_store_open(NULL, old, &s, &err), IG_OK);
    assert_int_equal(ig_store_schema_version(s), IG_STORE_SCHEMA_VERSION);
    assert_int_equal(
        ig_store_assessment_get_rev(s, "d1", "old", 1, fw, &text, &got, &err),
        IG_OK);
    assert_string_equal(text, "{}");
    assert_int_equal(got, 1);
    ig_store_free(NULL, text, 0);
    ig_store_close(s);
}

static void test_datasets(void **state)
{
    (void)state;
    const char *path = tmp_db();
    fail_alloc fa = {0};
    ig_ctx *ctx = make_fail_ctx(&fa, 1);
    ig_store *s = NULL;
    ig_error err = {0};
    assert_int_equal(ig_store_open(ctx, path, &s, &err), IG_OK);
    ig_grid *g = read_fixture("tiny.csv", "CITY", NULL, NULL, NULL);
    char id[IG_STORE_ID_MAX], id2[IG_STORE_ID_MAX];
    assert_int_equal(ig_store_dataset_put(s, "tiny", NULL, g, id, &err), IG_OK);
    assert_int_equal(strlen(id), 32);
    assert_int_equal(
        ig_store_dataset_put(s, "tiny again", "{\"a\":1}", g, id2, &err),
        IG_OK);
    assert_string_not_equal(id, id2);
    /* bad names */
    char tmp[IG_STORE_ID_MAX];
    assert_int_equal(ig_store_dataset_put(s, "", NULL, g, tmp, &err),
                     IG_ERR_DOMAIN);
    assert_int_equal(ig_store_dataset_put(s, "a\nb", NULL, g, tmp, &err),
                     IG_ERR_DOMAIN);
    assert_int_equal(ig_store_dataset_put(s, "\xff\xfe", NULL, g, tmp, &err),
                     IG_ERR_DOMAIN);
    ig_store_dataset *list = NULL;
    size_t n = 0;
    assert_int_equal(ig_store_dataset_list(s, &list, &n, &err), IG_OK);
    assert_int_equal(n, 2);
    ig_store_free(ctx, list, 0);
    ig_store_dataset d;
    assert_int_equal(ig_store_dataset_info(s, id, &d, &err), IG_OK);
    assert_string_equal(d.name, "tiny");
    assert_int_equal(d.n_cells, 4);
    assert_int_equal(d.n_groups, 3);
    assert_int_equal(d.n_places, 2);
    assert_int_equal(d.cell_size_m, 1000);
    ig_grid *back = NULL;
    assert_int_equal(ig_store_dataset_grid(s, id, &back, &err), IG_OK);
    assert_same_grid(g, back);
    ig_grid_destroy(back);
    /* unknown and malformed ids */
    assert_int_equal(ig_store_dataset_info(s, "0123", &d, &err),
                     IG_ERR_NOT_FOUND);
    assert_int_equal(ig_store_dataset_info(s, "'; DROP TABLE x", &d, &err),
                     IG_ERR_NOT_FOUND);
    assert_int_equal(ig_store_dataset_grid(s, "nope", &back, &err),
                     IG_ERR_NOT_FOUND);
    /* results and assessments, replaced by key, dropped with the dataset */
    char *json = NULL;
    assert_int_equal(ig_store_result_get(s, id, "k", &json, &err),
                     IG_ERR_NOT_FOUND);
    assert_int_equal(ig_store_result_put(s, id, "k", "[1]", &err), IG_OK);
    assert_int_equal(ig_store_result_put(s, id, "k", "[2]", &err), IG_OK);
    assert_int_equal(ig_store_result_get(s, id, "k", &json, &err), IG_OK);
    assert_string_equal(json, "[2]");
    ig_store_free(ctx, json, 0);
    assert_int_equal(ig_store_result_put(s, "nope", "k", "[1]", &err),
                     IG_ERR_NOT_FOUND);
    char fw[64];
    assert_int_equal(ig_store_assessment_put(s, id, "draft", "lic-oecd12@1",
                                             "{\"q1\":2}", &err),
                     IG_OK);
    assert_int_equal(ig_store_assessment_get(s, id, "draft", fw, &json, &err),
                     IG_OK);
    assert_string_equal(fw, "lic-oecd12@1");
    assert_string_equal(json, "{\"q1\":2}");
    ig_store_free(ctx, json, 0);
    assert_int_equal(ig_store_dataset_delete(s, id, &err), IG_OK);
    assert_int_equal(ig_store_dataset_delete(s, id, &err), IG_ERR_NOT_FOUND);
    assert_int_equal(ig_store_result_get(s, id, "k", &json, &err),
                     IG_ERR_NOT_FOUND);
    assert_int_equal(ig_store_assessment_get(s, id, "draft", fw, &json, &err),
                     IG_ERR_NOT_FOUND);
    assert_int_equal(ig_store_dataset_list(s, &list, &n, &err), IG_OK);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].id, id2);
    ig_store_free(ctx, list, 0);
    ig_store_close(s);
    ig_grid_destroy(g);
    ig_ctx_destroy(ctx);
    assert_int_equal(fa.live, 0);
}

static void test_places(void **state)
{
    (void)state;
    const char *path = tmp_db();
    ig_store *s = NULL;
    ig_error err = {0};
    assert_int_equal(ig_store_open(NULL, path, &s, &err), IG_OK);
    ig_grid *g = read_fixture("degurba.csv", "CNTR_ID", NULL, NULL, NULL);
    char id[IG_STORE_ID_MAX];
    assert_int_equal(ig_store_dataset_put(s, "deg", NULL, g, id, &err), IG_OK);
    ig_degurba_opts dop;
    ig_degurba_opts_init(&dop);
    dop.land_area_var = "LAND_SURFACE";
    ig_placeset_opts po = {"LAND_SURFACE", 1, 1};
    ig_placeset *ps = NULL;
    assert_int_equal(ig_placeset_degurba(NULL, g, &dop, &po, &ps, &err), IG_OK);
    assert_int_equal(ig_placeset_set_name(ps, 0, "Bigtown"), IG_OK);
    assert_int_equal(ig_store_result_put(s, id, "cached", "[]", &err), IG_OK);
    assert_int_equal(ig_store_places_put(s, id, ps, &err), IG_OK);
    /* new places make cached results stale: they are dropped */
    char *json = NULL;
    assert_int_equal(ig_store_result_get(s, id, "cached", &json, &err),
                     IG_ERR_NOT_FOUND);
    ig_store_place *rows = NULL;
    size_t n = 0;
    assert_int_equal(ig_store_places_list(s, id, NULL, 0, &rows, &n, &err),
                     IG_OK);
    assert_int_equal(n, ig_placeset_count(ps));
    assert_string_equal(rows[0].id, "1");
    assert_string_equal(rows[0].name, "Bigtown");
    assert_string_equal(rows[0].cls, "urban_centre");
    assert_true(rows[0].population > 50000);
    ig_store_free(NULL, rows, 0);
    /* search by name, case-insensitive; by id; limits; no wildcards */
    assert_int_equal(ig_store_places_list(s, id, "bIGt", 0, &rows, &n, &err),
                     IG_OK);
    assert_int_equal(n, 1);
    ig_store_free(NULL, rows, 0);
    assert_int_equal(ig_store_places_list(s, id, "%", 0, &rows, &n, &err),
                     IG_OK);
    assert_int_equal(n, 0);
    ig_store_free(NULL, rows, 0);
    assert_int_equal(ig_store_places_list(s, id, "", 2, &rows, &n, &err),
                     IG_OK);
    assert_int_equal(n, 2);
    ig_store_free(NULL, rows, 0);
    /* the cells come back as stored */
    size_t *cells = NULL, nc = 0;
    ig_store_place row;
    assert_int_equal(ig_store_place_cells(s, id, "1", &row, &cells, &nc, &err),
                     IG_OK);
    const size_t *want = NULL;
    const double *w = NULL;
    size_t wn = ig_placeset_cells(ps, 0, &want, &w);
    assert_int_equal(nc, wn);
    assert_memory_equal(cells, want, nc * sizeof(size_t));
    ig_store_free(NULL, cells, 0);
    assert_int_equal(
        ig_store_place_cells(s, id, "999", &row, &cells, &nc, &err),
        IG_ERR_NOT_FOUND);
    assert_int_equal(ig_store_places_list(s, "nope", NULL, 0, &rows, &n, &err),
                     IG_ERR_NOT_FOUND);
    /* a failed replacement leaves the previous places */
    ig__store_set_fault(s, 1);
    assert_int_equal(ig_store_places_put(s, id, ps, &err), IG_ERR_IO);
    assert_int_equal(ig_store_places_list(s, id, NULL, 0, &rows, &n, &err),
                     IG_OK);
    assert_int_equal(n, ig_placeset_count(ps));
    ig_store_free(NULL, rows, 0);
    ig_placeset_destroy(ps);
    ig_grid_destroy(g);
    ig_store_close(s);
}

static void test_crash_mid_import(void **state)
{
    (void)state;
    const char *p = tmp_db();
    char path[256];
    snprintf(path, sizeof path, "%s", p);
    ig_store *s = NULL;
    ig_error err = {0};
    ig_grid *g = read_fixture("tiny.csv", "CITY", NULL, NULL, NULL);
    assert_int_equal(ig_store_open(NULL, path, &s, &err), IG_OK);
    char id[IG_STORE_ID_MAX], other[IG_STORE_ID_MAX];
    assert_int_equal(ig_store_dataset_put(s, "first", NULL, g, id, &err),
                     IG_OK);
    /* a failed import is rolled back */
    ig__store_set_fault(s, 1);
    assert_int_equal(ig_store_dataset_put(s, "second", NULL, g, other, &err),
                     IG_ERR_IO);
    ig_store_dataset *list = NULL;
    size_t n = 0;
    assert_int_equal(ig_store_dataset_list(s, &list, &n, &err), IG_OK);
    assert_int_equal(n, 1);
    ig_store_free(NULL, list, 0);
    ig_store_close(s);
    /* a process that dies mid-import (row written, no COMMIT) */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        ig_store *cs = NULL;
        if (ig_store_open(NULL, path, &cs, NULL) != IG_OK) _exit(1);
        ig__store_set_fault(cs, 2);
        char cid[IG_STORE_ID_MAX];
        (void)ig_store_dataset_put(cs, "crashed", NULL, g, cid, NULL);
        _exit(0); /* not reached: the fault exits with 3 */
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 3);
    assert_int_equal(ig_store_open(NULL, path, &s, &err), IG_OK);
    assert_int_equal(ig_store_dataset_list(s, &list, &n, &err), IG_OK);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].name, "first");
    ig_store_free(NULL, list, 0);
    ig_grid *back = NULL;
    assert_int_equal(ig_store_dataset_grid(s, id, &back, &err), IG_OK);
    assert_same_grid(g, back);
    ig_grid_destroy(back);
    /* and the store still takes imports */
    assert_int_equal(ig_store_dataset_put(s, "third", NULL, g, other, &err),
                     IG_OK);
    ig_store_close(s);
    ig_grid_destroy(g);
}

/* Practice knowledge bases round-trip through the store byte for byte; an
 * invalid one is refused with its position and the stored one stays. */
static void test_practices_round_trip(void **state)
{
    (void)state;
    const char *path = tmp_db();
    ig_store *s = NULL;
    ig_error err = {0};
    assert_int_equal(ig_store_open(NULL, path, &s, &err), IG_OK);
    static const char doc[] =
        "{\"integrid_practices\": 1, \"version\": \"t\", \"licence\": \"x\",\n"
        " \"practices\": [\n"
        "{\"id\": \"p1\", \"title\": \"T\", \"summary\": \"Flats for families\", "
        "\"points\": [10], \"sector\": \"housing\", \"tags\": [\"housing\"], "
        "\"target_groups\": [\"refugees\"], \"country\": \"DE\", \"place\": "
        "\"A\", \"size_band\": \"5k-20k\", \"settlement\": \"town\", "
        "\"evidence_level\": \"none\", \"source_title\": \"s\", \"source_url\": "
        "\"https://x\", \"licence\": \"l\", \"verified\": true}"
        "\n]}\n";
    char *got = NULL;
    assert_int_equal(ig_store_practices_get(s, "local", &got, &err),
                     IG_ERR_NOT_FOUND);
    assert_int_equal(ig_store_practices_put(s, "local", doc, &err), IG_OK);
    assert_int_equal(ig_store_practices_get(s, "local", &got, &err), IG_OK);
    assert_string_equal(got, doc); /* byte for byte */
    ig_store_free(NULL, got, 0);
    /* an invalid set: refused with its position; the stored one stays */
    const char *bad = "{\"integrid_practices\": 1, \"version\": \"t\",\n"
                      " \"practices\": [{\"id\": 3}]}";
    assert_int_not_equal(ig_store_practices_put(s, "local", bad, &err), IG_OK);
    assert_true(err.line >= 1);
    assert_int_equal(ig_store_practices_get(s, "local", &got, &err), IG_OK);
    assert_string_equal(got, doc);
    ig_store_free(NULL, got, 0);
    /* it survives a reopen */
    ig_store_close(s);
    assert_int_equal(ig_store_open(NULL, path, &s, &err), IG_OK);
    assert_int_equal(ig_store_practices_get(s, "local", &got, &err), IG_OK);
    assert_string_equal(got, doc);
    ig_store_free(NULL, got, 0);
    assert_int_equal(ig_store_practices_put(s, "", doc, &err), IG_ERR_DOMAIN);
    ig_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_practices_round_trip),
        cmocka_unit_test(test_blob_round_trips),
        cmocka_unit_test(test_blob_damage_refused),
        cmocka_unit_test(test_blob_alloc_failures),
        cmocka_unit_test(test_migrations),
        cmocka_unit_test(test_datasets),
        cmocka_unit_test(test_assessment_revisions),
        cmocka_unit_test(test_places),
        cmocka_unit_test(test_crash_mid_import),
    };
    return cmocka_run_group_tests(tests, NULL, remove_dirs);
}
