/* The store: one SQLite file holding datasets (grids in the binary form of
 * gridblob.c), delineated places with their cell lists, cached results and
 * policy assessments. The schema is a list of migrations applied in order,
 * each in its own transaction together with its PRAGMA user_version bump,
 * so an interrupted migration leaves the previous version. The database runs
 * in WAL mode and every write API call is one transaction (BEGIN IMMEDIATE
 * ... COMMIT), so a crash mid-import leaves the previous state. One
 * connection is shared and guarded by a mutex: the web server's threads
 * call in at once, and a transaction must not interleave with another
 * thread's statements. SQLite's own memory is not routed through the
 * context (sqlite3_config is process-global); ours is. Ids are 128 random
 * bits from SQLite's CSPRNG (randomblob), so they are opaque and unguessable.
 */
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "integrid/ig_policy.h"
#include "server/store_internal.h"

struct ig_store {
    ig_ctx *ctx;
    sqlite3 *db;
    pthread_mutex_t mu;
    int fault;
};

/* Migration i takes the schema from version i to i + 1. */
static const char *const MIGRATIONS[] = {
    /* 0 -> 1 */
    "CREATE TABLE datasets("
    " id TEXT PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " created INTEGER NOT NULL,"
    " meta TEXT NOT NULL DEFAULT '{}',"
    " n_cells INTEGER NOT NULL,"
    " n_groups INTEGER NOT NULL,"
    " n_places INTEGER NOT NULL,"
    " cell_size_m INTEGER NOT NULL,"
    " grid BLOB NOT NULL);"
    "CREATE TABLE places("
    " dataset TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,"
    " seq INTEGER NOT NULL,"
    " place_id TEXT NOT NULL,"
    " name TEXT NOT NULL DEFAULT '',"
    " cls TEXT NOT NULL DEFAULT '',"
    " country TEXT NOT NULL DEFAULT '',"
    " aggregate INTEGER NOT NULL DEFAULT 0,"
    " n_cells INTEGER NOT NULL,"
    " population REAL,"
    " area_km2 REAL,"
    " lon REAL,"
    " lat REAL,"
    " cells BLOB NOT NULL,"
    " PRIMARY KEY(dataset, place_id));"
    "CREATE INDEX places_seq ON places(dataset, seq);"
    "CREATE TABLE results("
    " dataset TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,"
    " key TEXT NOT NULL,"
    " json TEXT NOT NULL,"
    " created INTEGER NOT NULL,"
    " PRIMARY KEY(dataset, key));"
    "CREATE TABLE assessments("
    " dataset TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,"
    " name TEXT NOT NULL,"
    " framework TEXT NOT NULL,"
    " answers TEXT NOT NULL,"
    " updated INTEGER NOT NULL,"
    " PRIMARY KEY(dataset, name));",
    /* 1 -> 2: assessments are versioned: every save is a new revision,
     * kept in assessment_revisions; the latest is also in assessments */
    "ALTER TABLE assessments ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;"
    "CREATE TABLE assessment_revisions("
    " dataset TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,"
    " name TEXT NOT NULL,"
    " revision INTEGER NOT NULL,"
    " framework TEXT NOT NULL,"
    " answers TEXT NOT NULL,"
    " updated INTEGER NOT NULL,"
    " PRIMARY KEY(dataset, name, revision));"
    "INSERT INTO assessment_revisions(dataset,name,revision,framework,"
    "answers,updated) SELECT dataset,name,1,framework,answers,updated FROM "
    "assessments;",
    /* 2 -> 3: practice knowledge bases (issue #7), each a validated JSON
     * document kept byte for byte, by name */
    "CREATE TABLE practice_sets("
    " name TEXT PRIMARY KEY,"
    " doc TEXT NOT NULL,"
    " updated INTEGER NOT NULL);",
};
#define N_MIGRATIONS (sizeof MIGRATIONS / sizeof MIGRATIONS[0])

static ig_status db_error(ig_store *s, ig_error *err, const char *what)
{
    return ig__error_set(err, IG_ERR_IO, 0, 0, "store: %s: %s", what,
                         sqlite3_errmsg(s->db));
}

static int exec(ig_store *s, const char *sql)
{
    return sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK;
}

static void rollback(ig_store *s)
{
    (void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

void ig__store_set_fault(ig_store *s, int mode)
{
    pthread_mutex_lock(&s->mu);
    s->fault = mode;
    pthread_mutex_unlock(&s->mu);
}

/* The crash-injection point inside a write transaction; returns 1 when
 * the call must fail. */
static int fault_hit(ig_store *s)
{
    int m = s->fault;
    s->fault = 0;
    if (m == 2) _exit(3);
    return m == 1;
}

static int user_version(ig_store *s)
{
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) ==
            SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

static ig_status migrate(ig_store *s, ig_error *err)
{
    int v = user_version(s);
    if (v < 0) return db_error(s, err, "reading the schema version");
    if (v > (int)N_MIGRATIONS)
        return ig__error_set(err, IG_ERR_FORMAT, 0, 0,
                             "store: schema version %d is newer than this "
                             "program's %d; use a newer integrid",
                             v, (int)N_MIGRATIONS);
    for (int i = v; i < (int)N_MIGRATIONS; i++) {
        char bump[64];
        snprintf(bump, sizeof bump, "PRAGMA user_version = %d", i + 1);
        if (!exec(s, "BEGIN IMMEDIATE")) return db_error(s, err, "migration");
        if (!exec(s, MIGRATIONS[i]) || !exec(s, bump)) {
            ig_status st = db_error(s, err, "migration");
            rollback(s);
            return st;
        }
        if (!exec(s, "COMMIT")) {
            ig_status st = db_error(s, err, "migration commit");
            rollback(s);
            return st;
        }
    }
    return IG_OK;
}

ig_status ig_store_open(ig_ctx *ctx, const char *path, ig_store **out,
                        ig_error *err)
{
    if (!path || !out)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "store: path and out are required");
    ig_store *s = ig__calloc(ctx, 1, sizeof *s);
    if (!s) return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    s->ctx = ctx;
    if (pthread_mutex_init(&s->mu, NULL) != 0) {
        ig__free(ctx, s, sizeof *s);
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "store: no mutex");
    }
    ig_status st = IG_OK;
    int rc = sqlite3_open_v2(
        path, &s->db,
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
        NULL);
    if (rc != SQLITE_OK) {
        st = ig__error_set(err, IG_ERR_IO, 0, 0, "store: cannot open: %s",
                           s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
        ig__error_file(err, path);
        goto fail;
    }
    sqlite3_busy_timeout(s->db, 5000);
    sqlite3_extended_result_codes(s->db, 1);
    /* WAL: readers do not block the writer, and a crash leaves the last
     * committed state; synchronous=NORMAL is durable at checkpoints and
     * never corrupts in WAL mode. */
    if (!exec(s, "PRAGMA journal_mode=WAL") ||
        !exec(s, "PRAGMA synchronous=NORMAL") ||
        !exec(s, "PRAGMA foreign_keys=ON")) {
        st = db_error(s, err,
                      "cannot set up the database (is it an "
                      "SQLite file?)");
        ig__error_file(err, path);
        goto fail;
    }
    st = migrate(s, err);
    if (st != IG_OK) {
        ig__error_file(err, path);
        goto fail;
    }
    *out = s;
    return IG_OK;
fail:
    sqlite3_close(s->db);
    pthread_mutex_destroy(&s->mu);
    ig__free(ctx, s, sizeof *s);
    return st;
}

void ig_store_close(ig_store *s)
{
    if (!s) return;
    sqlite3_close(s->db);
    pthread_mutex_destroy(&s->mu);
    ig__free(s->ctx, s, sizeof *s);
}

int ig_store_schema_version(ig_store *s)
{
    pthread_mutex_lock(&s->mu);
    int v = user_version(s);
    pthread_mutex_unlock(&s->mu);
    return v;
}

/* ---- helpers ------------------------------------------------------------ */

static int id_ok(const char *id)
{
    if (!id) return 0;
    size_t n = strlen(id);
    if (n == 0 || n >= 64) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
              (c >= 'A' && c <= 'Z') || c == '_' || c == '-' || c == ':' ||
              c == '.'))
            return 0;
    }
    return 1;
}

static void copy_col(char *dst, size_t cap, sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    snprintf(dst, cap, "%s", t ? (const char *)t : "");
}

static double col_num(sqlite3_stmt *st, int col)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL) return NAN;
    return sqlite3_column_double(st, col);
}

static void bind_num(sqlite3_stmt *st, int i, double v)
{
    if (isfinite(v))
        sqlite3_bind_double(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

static int dataset_exists(ig_store *s, const char *id)
{
    sqlite3_stmt *st = NULL;
    int found = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM datasets WHERE id=?1", -1, &st,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        found = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    return found;
}

static ig_status not_found(ig_error *err, const char *what, const char *id)
{
    return ig__error_set(err, IG_ERR_NOT_FOUND, 0, 0, "no %s with id '%.64s'",
                         what, id ? id : "");
}

/* ---- datasets ----------------------------------------------------------- */

ig_status ig_store_dataset_put(ig_store *s, const char *name,
                               const char *meta_json, const ig_grid *grid,
                               char id_out[IG_STORE_ID_MAX], ig_error *err)
{
    if (!s || !grid || !id_out || !name)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "store: name, grid and id_out are required");
    size_t nlen = strlen(name);
    if (nlen == 0 || nlen > IG_STORE_NAME_MAX || !ig__utf8_text_ok(name, nlen))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "dataset name: must be 1 to %d bytes of UTF-8 "
                             "text without control characters",
                             IG_STORE_NAME_MAX);
    void *blob = NULL;
    size_t blen = 0;
    ig_status st = ig_store_grid_encode(s->ctx, grid, &blob, &blen, err);
    if (st != IG_OK) return st;
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *q = NULL;
    char id[IG_STORE_ID_MAX] = {0};
    if (!exec(s, "BEGIN IMMEDIATE")) {
        st = db_error(s, err, "import");
        goto out;
    }
    if (sqlite3_prepare_v2(s->db, "SELECT lower(hex(randomblob(16)))", -1, &q,
                           NULL) != SQLITE_OK ||
        sqlite3_step(q) != SQLITE_ROW) {
        st = db_error(s, err, "import");
        goto undo;
    }
    copy_col(id, sizeof id, q, 0);
    sqlite3_finalize(q);
    q = NULL;
    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO datasets(id,name,created,meta,n_cells,"
                           "n_groups,n_places,cell_size_m,grid) "
                           "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)",
                           -1, &q, NULL) != SQLITE_OK) {
        st = db_error(s, err, "import");
        goto undo;
    }
    sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, (sqlite3_int64)time(NULL));
    sqlite3_bind_text(q, 4, meta_json ? meta_json : "{}", -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 5, (sqlite3_int64)ig_grid_ncells(grid));
    sqlite3_bind_int64(q, 6, (sqlite3_int64)ig_grid_ngroups(grid));
    sqlite3_bind_int64(q, 7, (sqlite3_int64)ig_grid_nplaces(grid));
    sqlite3_bind_int(q, 8, ig_grid_cell_size_m(grid));
    sqlite3_bind_blob64(q, 9, blob, (sqlite3_uint64)blen, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE) {
        st = db_error(s, err, "import");
        goto undo;
    }
    if (fault_hit(s)) {
        st = ig__error_set(err, IG_ERR_IO, 0, 0, "store: injected fault");
        goto undo;
    }
    if (!exec(s, "COMMIT")) {
        st = db_error(s, err, "import commit");
        goto undo;
    }
    memcpy(id_out, id, IG_STORE_ID_MAX);
    goto out;
undo:
    rollback(s);
out:
    sqlite3_finalize(q);
    pthread_mutex_unlock(&s->mu);
    ig__free(s->ctx, blob, blen);
    return st;
}

#define DS_COLS                                                            \
    "d.id,d.name,d.created,d.n_cells,d.n_groups,d.n_places,d.cell_size_m," \
    "length(d.grid),(SELECT count(*) FROM places p WHERE p.dataset=d.id)"

static void read_dataset(sqlite3_stmt *q, ig_store_dataset *d)
{
    memset(d, 0, sizeof *d);
    copy_col(d->id, sizeof d->id, q, 0);
    copy_col(d->name, sizeof d->name, q, 1);
    d->created = sqlite3_column_int64(q, 2);
    d->n_cells = (uint64_t)sqlite3_column_int64(q, 3);
    d->n_groups = (uint32_t)sqlite3_column_int64(q, 4);
    d->n_places = (uint32_t)sqlite3_column_int64(q, 5);
    d->cell_size_m = sqlite3_column_int(q, 6);
    d->blob_bytes = (uint64_t)sqlite3_column_int64(q, 7);
    d->n_derived = (uint64_t)sqlite3_column_int64(q, 8);
}

ig_status ig_store_dataset_info(ig_store *s, const char *id,
                                ig_store_dataset *out, ig_error *err)
{
    if (!s || !out) return ig__error_set(err, IG_ERR_DOMAIN, 0, 0, "no store");
    if (!id_ok(id)) return not_found(err, "dataset", id);
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *q = NULL;
    ig_status st = IG_OK;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT " DS_COLS " FROM datasets d WHERE "
                           "d.id=?1",
                           -1, &q, NULL) != SQLITE_OK) {
        st = db_error(s, err, "dataset info");
    } else {
        sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
        int rc = sqlite3_step(q);
        if (rc == SQLITE_ROW)
            read_dataset(q, out);
        else if (rc == SQLITE_DONE)
            st = not_found(err, "dataset", id);
        else
            st = db_error(s, err, "dataset info");
    }
    sqlite3_finalize(q);
    pthread_mutex_unlock(&s->mu);
    return st;
}

ig_status ig_store_dataset_list(ig_store *s, ig_store_dataset **out, size_t *n,
                                ig_error *err)
{
    if (!s || !out || !n)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0, "no store");
    *out = NULL;
    *n = 0;
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *q = NULL;
    ig_status st = IG_OK;
    ig_store_dataset *v = NULL;
    size_t cap = 0, len = 0;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT " DS_COLS " FROM datasets d "
                           "ORDER BY d.created DESC, d.rowid DESC",
                           -1, &q, NULL) != SQLITE_OK) {
        st = db_error(s, err, "dataset list");
        goto out;
    }
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        void *p = v;
        if (ig__grow(s->ctx, &p, &cap, len + 1, sizeof *v) != IG_OK) {
            st = ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
            goto out;
        }
        v = p;
        read_dataset(q, &v[len++]);
    }
    if (rc != SQLITE_DONE) st = db_error(s, err, "dataset list");
out:
    sqlite3_finalize(q);
    pthread_mutex_unlock(&s->mu);
    if (st != IG_OK) {
        ig__free(s->ctx, v, cap * sizeof *v);
        return st;
    }
    *out = v;
    *n = len;
    return IG_OK;
}

ig_status ig_store_dataset_grid(ig_store *s, const char *id, ig_grid **out,
                                ig_error *err)
{
    if (!s || !out) return ig__error_set(err, IG_ERR_DOMAIN, 0, 0, "no store");
    if (!id_ok(id)) return not_found(err, "dataset", id);
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *q = NULL;
    ig_status st = IG_OK;
    void *copy = NULL;
    size_t len = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT grid FROM datasets WHERE id=?1", -1,
                           &q, NULL) != SQLITE_OK) {
        st = db_error(s, err, "dataset grid");
    } else {
        sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
        int rc = sqlite3_step(q);
        if (rc == SQLITE_ROW) {
            const void *b = sqlite3_column_blob(q, 0);
            len = (size_t)sqlite3_column_bytes(q, 0);
            copy = ig__alloc(s->ctx, len);
            if (!copy)
                st = ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
            else if (len)
                memcpy(copy, b, len);
        } else if (rc == SQLITE_DONE) {
            st = not_found(err, "dataset", id);
        } else {
            st = db_error(s, err, "dataset grid");
        }
    }
    sqlite3_finalize(q);
    pthread_mutex_unlock(&s->mu);
    /* decode outside the lock: it is the slow part */
    if (st == IG_OK) st = ig_store_grid_decode(s->ctx, copy, len, out, err);
    ig__free(s->ctx, copy, len);
    return st;
}

ig_status ig_store_dataset_delete(ig_store *s, const char *id, ig_error *err)
{
    if (!s) return ig__error_set(err, IG_ERR_DOMAIN, 0, 0, "no store");
    if (!id_ok(id)) return not_found(err, "dataset", id);
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *q = NULL;
    ig_status st = IG_OK;
    if (sqlite3_prepare_v2(s->db, "DELETE FROM datasets WHERE id=?1", -1, &q,
                           NULL) != SQLITE_OK) {
        st = db_error(s, err, "delete");
    } else {
        sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
        if (sqlite3_step(q) != SQLITE_DONE)
            st = db_error(s, err, "delete");
        else if (sqlite3_changes(s->db) == 0)
            st = not_found(err, "dataset", id);
    }
    sqlite3_finalize(q);
    pthread_mutex_unlock(&s->mu);
    return st;
}

/* ---- places ------------------------------------------------------------- */

ig_status ig_store_places_put(ig_store *s, const char *id,
                              const ig_placeset *ps, ig_error *err)
{
    if (!s || !ps) return ig__error_set(err, IG_ERR_DOMAIN, 0, 0, "no store");
    if (!id_ok(id)) return not_found(err, "dataset", id);
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *q = NULL;
    ig_status st = IG_OK;
    unsigned char *buf = NULL;
    size_t cap = 0;
    if (!exec(s, "BEGIN IMMEDIATE")) {
        st = db_error(s, err, "places");
        goto out;
    }
    if (!dataset_exists(s, id)) {
        st = not_found(err, "dataset", id);
        goto undo;
    }
    sqlite3_stmt *d = NULL;
    int ok = sqlite3_prepare_v2(s->db, "DELETE FROM places WHERE dataset=?1;",
                                -1, &d, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(d, 1, id, -1, SQLITE_STATIC);
        ok = sqlite3_step(d) == SQLITE_DONE;
    }
    sqlite3_finalize(d);
    d = NULL;
    if (ok && sqlite3_prepare_v2(s->db, "DELETE FROM results WHERE dataset=?1;",
                                 -1, &d, NULL) == SQLITE_OK) {
        sqlite3_bind_text(d, 1, id, -1, SQLITE_STATIC);
        ok = sqlite3_step(d) == SQLITE_DONE;
    }
    sqlite3_finalize(d);
    if (!ok ||
        sqlite3_prepare_v2(s->db,
                           "INSERT INTO places(dataset,seq,place_id,name,cls,"
                           "country,aggregate,n_cells,population,area_km2,lon,"
                           "lat,cells) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,"
                           "?11,?12,?13)",
                           -1, &q, NULL) != SQLITE_OK) {
        st = db_error(s, err, "places");
        goto undo;
    }
    for (size_t i = 0; i < ig_placeset_count(ps); i++) {
        const ig_placeset_row *r = ig_placeset_get(ps, i);
        const size_t *cells = NULL;
        const double *w = NULL;
        size_t nc = ig_placeset_cells(ps, i, &cells, &w);
        if (nc > SIZE_MAX / 4 ||
            ig__grow(s->ctx, (void **)&buf, &cap, nc * 4 + 1, 1) != IG_OK) {
            st = ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
            goto undo;
        }
        for (size_t k = 0; k < nc; k++)
            for (int b = 0; b < 4; b++)
                buf[4 * k + (size_t)b] =
                    (unsigned char)((uint32_t)cells[k] >> (8 * b));
        sqlite3_reset(q);
        sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 2, (sqlite3_int64)i);
        sqlite3_bind_text(q, 3, r->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 4, r->name ? r->name : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 5, r->cls ? r->cls : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 6, r->country ? r->country : "", -1,
                          SQLITE_STATIC);
        sqlite3_bind_int(q, 7, r->aggregate);
        sqlite3_bind_int64(q, 8, (sqlite3_int64)nc);
        bind_num(q, 9, r->population);
        bind_num(q, 10, r->area_km2);
        bind_num(q, 11, r->lon);
        bind_num(q, 12, r->lat);
        sqlite3_bind_blob64(q, 13, buf, (sqlite3_uint64)(nc * 4),
                            SQLITE_STATIC);
        if (sqlite3_step(q) != SQLITE_DONE) {
            st = db_error(s, err, "places");
            goto undo;
        }
        if (i == 0 && fault_hit(s)) {
            st = ig__error_set(err, IG_ERR_IO, 0, 0, "store: injected fault");
            goto undo;
        }
    }
    if (!exec(s, "COMMIT")) {
        st = db_error(s, err, "places commit");
        goto undo;
    }
    goto out;
undo:
    rollback(s);
out:
    sqlite3_finalize(q);
    pthread_mutex_unlock(&s->mu);
    ig__free(s->ctx, buf, cap);
    return st;
}

#define PL_COLS                                                            \
    "place_id,name,cls,country,aggregate,n_cells,population,area_km2,lon," \
    "lat"

static void read_place(sqlite3_stmt *q, ig_store_place *p)
{
    memset(p, 0, sizeof *p);
    copy_col(p->id, sizeof p->id, q, 0);
    copy_col(p->name, sizeof p->name, q, 1);
    copy_col(p->cls, sizeof p->cls, q, 2);
    copy_col(p->country, sizeof p->country, q, 3);
    p->aggregate = sqlite3_column_int(q, 4);
    p->cells = (uint64_t)sqlite3_column_int64(q, 5);
    p->population = col_num(q, 6);
    p->area_km2 = col_num(q, 7);
    p->lon = col_num(q, 8);
    p->lat = col_num(q, 9);
}

ig_status ig_store_places_list(ig_store *s, const char *id, const char *query,
                               size_t limit, ig_store_place **out, size_t *n,
                               ig_error *err)
{
    if (!s || !out || !n)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0, "no store");
    *out = NULL;
    *n = 0;
    if (!id_ok(id)) return not_found(err, "dataset", id);
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *q = NULL;
    ig_status st = IG_OK;
    ig_store_place *v = NULL;
    size_t cap = 0, len = 0;
    if (!dataset_exists(s, id)) {
        st = not_found(err, "dataset", id);
        goto out;
    }
    /* instr(lower()) rather than LIKE: no wildcard escaping to get wrong */
    if (sqlite3_prepare_v2(s->db,
                           "SELECT " PL_COLS " FROM places WHERE dataset=?1 "
                           "AND (?2 = '' OR instr(lower(name), lower(?2)) > 0 "
                           "OR instr(lower(place_id), lower(?2)) > 0) "
                           "ORDER BY seq LIMIT ?3",
                           -1, &q, NULL) != SQLITE_OK) {
        st = db_error(s, err, "places");
        goto out;
    }
    sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, query ? query : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, limit ? (sqlite3_int64)limit : -1);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        void *p = v;
        if (ig__grow(s->ctx, &p, &cap, len + 1, sizeof *v) != IG_OK) {
            st = ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
            goto out;
        }
        v = p;
        read_place(q, &v[len++]);
    }
    if (rc != SQLITE_DONE) st = db_error(s, err, "places");
out:
    sqlite3_finalize(q);
    pthread_mutex_unlock(&s->mu);
    if (st != IG_OK) {
        ig__free(s->ctx, v, cap * sizeof *v);
        return st;
    }
    *out = v;
    *n = len;
    return IG_OK;
}

ig_status ig_store_place_cells(ig_store *s, const char *id, const char *place,
                               ig_store_place *row, size_t **cells, size_t *n,
                               ig_error *err)
{
    if (!s || !cells || !n)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0, "no store");
    if (!id_ok(id)) return not_found(err, "dataset", id);
    if (!id_ok(place)) return not_found(err, "place", place);
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *q = NULL;
    ig_status st = IG_OK;
    size_t *v = NULL;
    size_t len = 0;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT " PL_COLS ",cells FROM places WHERE "
                           "dataset=?1 AND place_id=?2",
                           -1, &q, NULL) != SQLITE_OK) {
        st = db_error(s, err, "place");
        goto out;
    }
    sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, place, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_DONE) {
        st = not_found(err, "place", place);
        goto out;
    }
    if (rc != SQLITE_ROW) {
        st = db_error(s, err, "place");
        goto out;
    }
    if (row) read_place(q, row);
    const unsigned char *b = sqlite3_column_blob(q, 10);
    size_t bytes = (size_t)sqlite3_column_bytes(q, 10);
    if (bytes % 4 != 0) {
        st = ig__error_set(err, IG_ERR_PARSE, 0, 0,
                           "store: damaged cell list of place '%s'", place);
        goto out;
    }
    len = bytes / 4;
    v = ig__calloc(s->ctx, len ? len : 1, sizeof *v);
    if (!v) {
        st = ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
        goto out;
    }
    for (size_t k = 0; k < len; k++)
        v[k] = (size_t)((uint32_t)b[4 * k] | (uint32_t)b[4 * k + 1] << 8 |
                        (uint32_t)b[4 * k + 2] << 16 |
                        (uint32_t)b[4 * k + 3] << 24);
out:
    sqlite3_finalize(q);
    pthread_mutex_unlock(&s->mu);
    if (st != IG_OK) return st;
    *cells = v;
    *n = len;
    return IG_OK;
}

/* ---- cached results and assessments ------------------------------------ */

static ig_status get_text(ig_store *s, const char *sql, const char *id,
                          const char *key, char *extra, size_t extra_cap,
                          char **out, const char *what, ig_error *err)
{
    if (!s || !out) return ig__error_set(err, IG_ERR_DOMAIN, 0, 0, "no store");
    *out = NULL;
    if (!id_ok(id) || !key) return not_found(err, what, key);
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *q = NULL;
    ig_status st = IG_OK;
    if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK) {
        st = db_error(s, err, what);
    } else {
        sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, key, -1, SQLITE_STATIC);
        int rc = sqlite3_step(q);
        if (rc == SQLITE_ROW) {
            const unsigned char *t = sqlite3_column_text(q, 0);
            *out = ig__strdup(s->ctx, t ? (const char *)t : "");
            if (!*out)
                st = ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
            if (extra) copy_col(extra, extra_cap, q, 1);
        } else if (rc == SQLITE_DONE) {
            st = ig__error_set(err, IG_ERR_NOT_FOUND, 0, 0, "no %s '%.64s'",
                               what, key);
        } else {
            st = db_error(s, err, what);
        }
    }
    sqlite3_finalize(q);
    pthread_mutex_unlock(&s->mu);
    return st;
}

static ig_status put_text(ig_store *s, const char *sql, const char *id,
                          const char *a, const char *b, const char *c,
                          const char *what, ig_error *err)
{
    if (!s || !a || !b)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0, "no store");
    if (!id_ok(id)) return not_found(err, "dataset", id);
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *q = NULL;
    ig_status st = IG_OK;
    if (!dataset_exists(s, id)) {
        st = not_found(err, "dataset", id);
    } else if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK) {
        st = db_error(s, err, what);
    } else {
        sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, a, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 3, b, -1, SQLITE_STATIC);
        if (c) sqlite3_bind_text(q, 4, c, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 5, (sqlite3_int64)time(NULL));
        if (sqlite3_step(q) != SQLITE_DONE) st = db_error(s, err, what);
    }
    sqlite3_finalize(q);
    pthread_mutex_unlock(&s->mu);
    return st;
}

ig_status ig_store_result_get(ig_store *s, const char *id, const char *key,
                              char **json, ig_error *err)
{
    return get_text(s,
                    "SELECT json, '' FROM results WHERE dataset=?1 AND key=?2",
                    id, key, NULL, 0, json, "cached result", err);
}

ig_status ig_store_result_put(ig_store *s, const char *id, const char *key,
                              const char *json, ig_error *err)
{
    return put_text(s,
                    "INSERT OR REPLACE INTO results(dataset,key,json,created) "
                    "VALUES(?1,?2,?3,?5)",
                    id, key, json, NULL, "cached result", err);
}

ig_status ig_store_assessment_put(ig_store *s, const char *id, const char *name,
                                  const char *framework,
                                  const char *answers_json, ig_error *err)
{
    return ig_store_assessment_save(s, id, name, framework, answers_json, -1,
                                    NULL, err);
}

/* The current revision of an assessment (0 when there is none), or -1. */
static int64_t current_revision(ig_store *s, const char *id, const char *name)
{
    sqlite3_stmt *q = NULL;
    int64_t rev = -1;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT revision FROM assessments WHERE dataset=?1 "
                           "AND name=?2",
                           -1, &q, NULL) == SQLITE_OK) {
        sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, name, -1, SQLITE_STATIC);
        int rc = sqlite3_step(q);
        if (rc == SQLITE_ROW)
            rev = sqlite3_column_int64(q, 0);
        else if (rc == SQLITE_DONE)
            rev = 0;
    }
    sqlite3_finalize(q);
    return rev;
}

ig_status ig_store_assessment_save(ig_store *s, const char *id,
                                   const char *name, const char *framework,
                                   const char *answers_json, int64_t expect,
                                   int64_t *revision, ig_error *err)
{
    if (!s || !name || !framework || !answers_json)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "assessment: name, framework and answers "
                             "required");
    size_t nl = strlen(name);
    if (nl == 0 || nl > IG_STORE_NAME_MAX || !ig__utf8_text_ok(name, nl))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "assessment name: 1 to %d bytes of text",
                             IG_STORE_NAME_MAX);
    if (!id_ok(id)) return not_found(err, "dataset", id);
    pthread_mutex_lock(&s->mu);
    ig_status st = IG_OK;
    sqlite3_stmt *q = NULL;
    if (!exec(s, "BEGIN IMMEDIATE")) {
        st = db_error(s, err, "assessment");
        pthread_mutex_unlock(&s->mu);
        return st;
    }
    if (!dataset_exists(s, id)) {
        st = not_found(err, "dataset", id);
        goto undo;
    }
    int64_t cur = current_revision(s, id, name);
    if (cur < 0) {
        st = db_error(s, err, "assessment");
        goto undo;
    }
    if (expect >= 0 && expect != cur) {
        st = ig__error_set(err, IG_ERR_MISMATCH, 0, 0,
                           expect == 0 ? "assessment '%.64s' exists already "
                                         "(revision %lld): PUT to change it"
                                       : "assessment '%.64s' is at revision "
                                         "%lld, not %lld: reload it and "
                                         "apply the change again",
                           name, (long long)cur, (long long)expect);
        goto undo;
    }
    sqlite3_int64 now = (sqlite3_int64)time(NULL);
    const char *sql[2] = {
        "INSERT INTO assessment_revisions(dataset,name,revision,framework,"
        "answers,updated) VALUES(?1,?2,?3,?4,?5,?6)",
        "INSERT OR REPLACE INTO assessments(dataset,name,framework,answers,"
        "updated,revision) VALUES(?1,?2,?4,?5,?6,?3)"};
    for (int k = 0; k < 2; k++) {
        if (sqlite3_prepare_v2(s->db, sql[k], -1, &q, NULL) != SQLITE_OK) {
            st = db_error(s, err, "assessment");
            goto undo;
        }
        sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 3, cur + 1);
        sqlite3_bind_text(q, 4, framework, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 5, answers_json, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 6, now);
        int rc = sqlite3_step(q);
        sqlite3_finalize(q);
        q = NULL;
        if (rc != SQLITE_DONE) {
            st = db_error(s, err, "assessment");
            goto undo;
        }
    }
    if (!exec(s, "COMMIT")) {
        st = db_error(s, err, "assessment commit");
        goto undo;
    }
    if (revision) *revision = cur + 1;
    pthread_mutex_unlock(&s->mu);
    return IG_OK;
undo:
    rollback(s);
    pthread_mutex_unlock(&s->mu);
    return st;
}

ig_status ig_store_assessment_get(ig_store *s, const char *id, const char *name,
                                  char *framework, char **answers_json,
                                  ig_error *err)
{
    return get_text(s,
                    "SELECT answers, framework FROM assessments WHERE "
                    "dataset=?1 AND name=?2",
                    id, name, framework, 64, answers_json, "assessment", err);
}

ig_status ig_store_assessment_get_rev(ig_store *s, const char *id,
                                      const char *name, int64_t revision,
                                      char *framework, char **answers_json,
                                      int64_t *rev_out, ig_error *err)
{
    if (!s || !answers_json || !name)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0, "no store");
    *answers_json = NULL;
    if (!id_ok(id)) return not_found(err, "dataset", id);
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *q = NULL;
    ig_status st = IG_OK;
    if (sqlite3_prepare_v2(
            s->db,
            revision > 0
                ? "SELECT answers, framework, revision FROM "
                  "assessment_revisions WHERE dataset=?1 AND name=?2 AND "
                  "revision=?3"
                : "SELECT answers, framework, revision FROM assessments "
                  "WHERE dataset=?1 AND name=?2",
            -1, &q, NULL) != SQLITE_OK) {
        st = db_error(s, err, "assessment");
        goto out;
    }
    sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, name, -1, SQLITE_STATIC);
    if (revision > 0) sqlite3_bind_int64(q, 3, revision);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(q, 0);
        *answers_json = ig__strdup(s->ctx, t ? (const char *)t : "");
        if (!*answers_json)
            st = ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
        if (framework) copy_col(framework, 64, q, 1);
        if (rev_out) *rev_out = sqlite3_column_int64(q, 2);
    } else if (rc == SQLITE_DONE) {
        st = revision > 0
                 ? ig__error_set(err, IG_ERR_NOT_FOUND, 0, 0,
                                 "assessment '%.64s' has no revision %lld",
                                 name, (long long)revision)
                 : ig__error_set(err, IG_ERR_NOT_FOUND, 0, 0,
                                 "no assessment '%.64s'", name);
    } else {
        st = db_error(s, err, "assessment");
    }
out:
    sqlite3_finalize(q);
    pthread_mutex_unlock(&s->mu);
    return st;
}

ig_status ig_store_assessment_list(ig_store *s, const char *id,
                                   ig_store_assessment **out, size_t *n,
                                   ig_error *err)
{
    if (!s || !out || !n)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0, "no store");
    *out = NULL;
    *n = 0;
    if (!id_ok(id)) return not_found(err, "dataset", id);
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *q = NULL;
    ig_status st = IG_OK;
    ig_store_assessment *v = NULL;
    size_t cap = 0, len = 0;
    if (!dataset_exists(s, id)) {
        st = not_found(err, "dataset", id);
        goto out;
    }
    if (sqlite3_prepare_v2(s->db,
                           "SELECT name, framework, revision, updated FROM "
                           "assessments WHERE dataset=?1 ORDER BY name",
                           -1, &q, NULL) != SQLITE_OK) {
        st = db_error(s, err, "assessments");
        goto out;
    }
    sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        void *p = v;
        if (ig__grow(s->ctx, &p, &cap, len + 1, sizeof *v) != IG_OK) {
            st = ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
            goto out;
        }
        v = p;
        ig_store_assessment *a = &v[len++];
        memset(a, 0, sizeof *a);
        copy_col(a->name, sizeof a->name, q, 0);
        copy_col(a->framework, sizeof a->framework, q, 1);
        a->revision = sqlite3_column_int64(q, 2);
        a->updated = sqlite3_column_int64(q, 3);
    }
    if (rc != SQLITE_DONE) st = db_error(s, err, "assessments");
out:
    sqlite3_finalize(q);
    pthread_mutex_unlock(&s->mu);
    if (st != IG_OK) {
        ig__free(s->ctx, v, cap * sizeof *v);
        return st;
    }
    *out = v;
    *n = len;
    return IG_OK;
}

/* ---- practice knowledge bases ------------------------------------------ */

ig_status ig_store_practices_put(ig_store *s, const char *name,
                                 const char *doc_json, ig_error *err)
{
    if (!s || !name || !doc_json)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "practices: name and document required");
    size_t nl = strlen(name);
    if (nl == 0 || nl > IG_STORE_NAME_MAX || !ig__utf8_text_ok(name, nl))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "practices set name: 1 to %d bytes of text",
                             IG_STORE_NAME_MAX);
    /* only a valid knowledge base is stored: nothing half-checked */
    ig_practices *kb = NULL;
    ig_status st = ig_practices_parse(s->ctx, doc_json, strlen(doc_json),
                                      name, &kb, err);
    if (st != IG_OK) return st;
    ig_practices_destroy(kb);
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(s->db,
                           "INSERT OR REPLACE INTO practice_sets(name,doc,"
                           "updated) VALUES(?1,?2,?3)",
                           -1, &q, NULL) != SQLITE_OK) {
        st = db_error(s, err, "practices");
    } else {
        sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, doc_json, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 3, (sqlite3_int64)time(NULL));
        if (sqlite3_step(q) != SQLITE_DONE) st = db_error(s, err, "practices");
    }
    sqlite3_finalize(q);
    pthread_mutex_unlock(&s->mu);
    return st;
}

ig_status ig_store_practices_get(ig_store *s, const char *name,
                                 char **doc_json, ig_error *err)
{
    if (!s || !name || !doc_json)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "practices: name and out required");
    *doc_json = NULL;
    pthread_mutex_lock(&s->mu);
    sqlite3_stmt *q = NULL;
    ig_status st = IG_OK;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT doc FROM practice_sets WHERE name=?1", -1,
                           &q, NULL) != SQLITE_OK) {
        st = db_error(s, err, "practices");
    } else {
        sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
        int rc = sqlite3_step(q);
        if (rc == SQLITE_ROW) {
            const unsigned char *t = sqlite3_column_text(q, 0);
            *doc_json = ig__strdup(s->ctx, t ? (const char *)t : "");
            if (!*doc_json)
                st = ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
        } else if (rc == SQLITE_DONE) {
            st = ig__error_set(err, IG_ERR_NOT_FOUND, 0, 0,
                               "no practices set '%.64s' in the store; "
                               "import one with 'integrid practices import "
                               "FILE --data DIR'",
                               name);
        } else {
            st = db_error(s, err, "practices");
        }
    }
    sqlite3_finalize(q);
    pthread_mutex_unlock(&s->mu);
    return st;
}
