/** @file ig_server.h
 *  @brief The local web app (issue #8): a store of imported grids, places,
 *  cached results and policy assessments in one SQLite file, and an HTTP
 *  server (libmicrohttpd) with a JSON API under /api/v1/ and an embedded
 *  browser UI.
 *
 *  The store is usable on its own (researchers keep many grids in one file
 *  without re-parsing CSV): grids are kept in a compact, versioned,
 *  checksummed binary form (ig_store_grid_encode()). Every write is one
 *  transaction in WAL mode, so a crash mid-import leaves the previous
 *  state. A store handle may be used from several threads at once (calls
 *  are serialised inside). See docs/server.md. */
#ifndef IG_SERVER_H
#define IG_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "integrid/ig_ctx.h"
#include "integrid/ig_export.h"
#include "integrid/ig_grid.h"
#include "integrid/ig_placeset.h"
#include "integrid/ig_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @defgroup ig_gridblob Grids in binary form
 *  @{ */
/** Version of the binary grid format ig_store_grid_encode() writes. */
#define IG_GRIDBLOB_VERSION 1
/**
 * Encode @p grid as a little-endian binary blob (docs/server.md, "Binary
 * grid format"): header, names, lattice rows and columns (or unit names),
 * counts, totals, not-available flags, extra columns, places and
 * within-groupings, then a CRC-32 of everything before it.
 * @param out  receives a block allocated with @p ctx's allocator; free it
 *             with ig_store_free(ctx, *out, *len)
 * @return IG_OK; IG_ERR_DOMAIN; IG_ERR_NOMEM.
 */
IG_API ig_status ig_store_grid_encode(ig_ctx *ctx, const ig_grid *grid,
                                      void **out, size_t *len, ig_error *err);
/**
 * Decode a blob of ig_store_grid_encode() into a grid. The blob is
 * validated (magic, version, lengths, checksum, names, lattice) before
 * anything is built; counts come back bit-identical.
 * @return IG_OK; IG_ERR_FORMAT (not a grid blob, or a newer version);
 *         IG_ERR_PARSE (damaged: the message says what); IG_ERR_NOMEM.
 */
IG_API ig_status ig_store_grid_decode(ig_ctx *ctx, const void *data, size_t len,
                                      ig_grid **out, ig_error *err);
/** Free a block returned by the store functions ( @p n its size, or 0). */
IG_API void ig_store_free(ig_ctx *ctx, void *p, size_t n);
/** @} */

/** @defgroup ig_store The store
 *  @{ */
/** Current schema version (PRAGMA user_version) of a migrated store. */
#define IG_STORE_SCHEMA_VERSION 3
/** Size of an id buffer (32 hex digits and the NUL). */
#define IG_STORE_ID_MAX 33
/** Longest dataset name accepted, in bytes. */
#define IG_STORE_NAME_MAX 200

typedef struct ig_store ig_store;

/** One dataset as listed. */
typedef struct ig_store_dataset {
    char id[IG_STORE_ID_MAX]; /**< opaque random id (hex) */
    char name[IG_STORE_NAME_MAX + 1];
    int64_t created; /**< Unix time, seconds */
    uint64_t n_cells;
    uint32_t n_groups;
    uint32_t n_places;   /**< the grid's own (`--by`) places */
    int32_t cell_size_m; /**< 0 for aspatial units */
    uint64_t blob_bytes; /**< size of the stored binary grid */
    uint64_t n_derived;  /**< places delineated and stored */
} ig_store_dataset;

/** One stored place (from a delineation, e.g. DEGURBA). */
typedef struct ig_store_place {
    char id[64];      /**< place id within the dataset ("1", "12") */
    char name[128];   /**< "" when unknown */
    char cls[32];     /**< "urban_centre", "urban_cluster", ... */
    char country[16]; /**< "" when unknown */
    int aggregate;
    uint64_t cells;
    double population;
    double area_km2;
    double lon, lat; /**< NaN when unknown */
} ig_store_place;

/** Open (creating when missing) the store at @p path and migrate its
 *  schema to IG_STORE_SCHEMA_VERSION. A store written by a newer version
 *  is refused with IG_ERR_FORMAT.
 *  @return IG_OK; IG_ERR_IO; IG_ERR_FORMAT; IG_ERR_NOMEM. */
IG_API ig_status ig_store_open(ig_ctx *ctx, const char *path, ig_store **out,
                               ig_error *err);
/** Close @p s; NULL is a no-op. */
IG_API void ig_store_close(ig_store *s);
/** Schema version of the open store (PRAGMA user_version). */
IG_API int ig_store_schema_version(ig_store *s);

/** Import @p grid as a new dataset called @p name (<= IG_STORE_NAME_MAX
 *  bytes, no control characters) with optional JSON metadata @p meta_json
 *  (NULL: "{}"). @p id_out receives the new id.
 *  @return IG_OK; IG_ERR_DOMAIN (bad name); IG_ERR_IO; IG_ERR_NOMEM. */
IG_API ig_status ig_store_dataset_put(ig_store *s, const char *name,
                                      const char *meta_json,
                                      const ig_grid *grid,
                                      char id_out[IG_STORE_ID_MAX],
                                      ig_error *err);
/** Info of dataset @p id. @return IG_OK; IG_ERR_NOT_FOUND; IG_ERR_IO. */
IG_API ig_status ig_store_dataset_info(ig_store *s, const char *id,
                                       ig_store_dataset *out, ig_error *err);
/** All datasets, newest first: *out is allocated (free with
 *  ig_store_free(ctx, *out, 0)); *n receives the count. */
IG_API ig_status ig_store_dataset_list(ig_store *s, ig_store_dataset **out,
                                       size_t *n, ig_error *err);
/** The grid of dataset @p id, decoded from its blob.
 *  @return IG_OK; IG_ERR_NOT_FOUND; as ig_store_grid_decode(). */
IG_API ig_status ig_store_dataset_grid(ig_store *s, const char *id,
                                       ig_grid **out, ig_error *err);
/** Delete dataset @p id with its places, results and assessments.
 *  @return IG_OK; IG_ERR_NOT_FOUND; IG_ERR_IO. */
IG_API ig_status ig_store_dataset_delete(ig_store *s, const char *id,
                                         ig_error *err);

/** Replace the stored places of dataset @p id by those of @p ps (its
 *  rows and cells), in one transaction; cached results of the dataset are
 *  dropped. @return IG_OK; IG_ERR_NOT_FOUND; IG_ERR_IO; IG_ERR_NOMEM. */
IG_API ig_status ig_store_places_put(ig_store *s, const char *id,
                                     const ig_placeset *ps, ig_error *err);
/** Stored places of dataset @p id whose name or id contains @p query
 *  (case-insensitive; NULL or "": all), in stored order, at most
 *  @p limit (0: no limit). *out as for ig_store_dataset_list(). */
IG_API ig_status ig_store_places_list(ig_store *s, const char *id,
                                      const char *query, size_t limit,
                                      ig_store_place **out, size_t *n,
                                      ig_error *err);
/** The row and cells (indices into the dataset's grid) of place @p place
 *  of dataset @p id; *cells as for ig_store_dataset_list().
 *  @return IG_OK; IG_ERR_NOT_FOUND; IG_ERR_PARSE (damaged). */
IG_API ig_status ig_store_place_cells(ig_store *s, const char *id,
                                      const char *place, ig_store_place *row,
                                      size_t **cells, size_t *n, ig_error *err);

/** Cached result @p key (e.g. a measure, place and parameters hashed by
 *  the caller) of dataset @p id: *json is allocated (NUL-terminated; free
 *  with ig_store_free(ctx, *json, 0)). @return IG_OK; IG_ERR_NOT_FOUND. */
IG_API ig_status ig_store_result_get(ig_store *s, const char *id,
                                     const char *key, char **json,
                                     ig_error *err);
/** Store (replace) cached result @p key of dataset @p id. */
IG_API ig_status ig_store_result_put(ig_store *s, const char *id,
                                     const char *key, const char *json,
                                     ig_error *err);

/** Save (replace) the policy assessment @p name of dataset @p id for
 *  framework @p framework (its id and version), answers as JSON. */
IG_API ig_status ig_store_assessment_put(ig_store *s, const char *id,
                                         const char *name,
                                         const char *framework,
                                         const char *answers_json,
                                         ig_error *err);
/** The answers of assessment @p name of dataset @p id (allocated as for
 *  ig_store_result_get()); @p framework receives its framework (64
 *  bytes), may be NULL. */
IG_API ig_status ig_store_assessment_get(ig_store *s, const char *id,
                                         const char *name, char *framework,
                                         char **answers_json, ig_error *err);

/** One saved assessment as listed. */
typedef struct ig_store_assessment {
    char name[IG_STORE_NAME_MAX + 1];
    char framework[64]; /**< "id@version" as saved by the caller */
    int64_t revision;   /**< 1 for the first save, +1 for each later one */
    int64_t updated;    /**< Unix time, seconds */
} ig_store_assessment;

/** Save a new revision of assessment @p name of dataset @p id in one
 *  transaction; every revision is kept. @p expect: the revision the
 *  caller last saw (0: it must not exist yet), or -1 to save regardless.
 *  @p revision receives the new revision (may be NULL).
 *  @return IG_OK; IG_ERR_MISMATCH when @p expect is not the current
 *  revision (the store is unchanged); IG_ERR_NOT_FOUND (no dataset);
 *  IG_ERR_DOMAIN (bad name); IG_ERR_IO. */
IG_API ig_status ig_store_assessment_save(
    ig_store *s, const char *id, const char *name, const char *framework,
    const char *answers_json, int64_t expect, int64_t *revision, ig_error *err);
/** Revision @p revision (0: the latest) of assessment @p name, as saved
 *  (byte for byte); @p framework as for ig_store_assessment_get();
 *  @p rev_out receives the revision returned (may be NULL). */
IG_API ig_status ig_store_assessment_get_rev(ig_store *s, const char *id,
                                             const char *name, int64_t revision,
                                             char *framework,
                                             char **answers_json,
                                             int64_t *rev_out, ig_error *err);
/** Store (replace) the practice knowledge base @p name (e.g. "local"):
 *  @p doc_json is checked with ig_practices_parse() first and stored byte
 *  for byte only when valid, so export gives back exactly what was
 *  imported. @return IG_OK; the parse errors (file:line:column, with
 *  @p name as the file); IG_ERR_DOMAIN (bad name); IG_ERR_IO. */
IG_API ig_status ig_store_practices_put(ig_store *s, const char *name,
                                        const char *doc_json, ig_error *err);
/** The practice knowledge base @p name as stored (allocated as for
 *  ig_store_result_get()). @return IG_OK; IG_ERR_NOT_FOUND. */
IG_API ig_status ig_store_practices_get(ig_store *s, const char *name,
                                        char **doc_json, ig_error *err);
/** The assessments of dataset @p id by name, with their latest revision;
 *  *out as for ig_store_dataset_list(). */
IG_API ig_status ig_store_assessment_list(ig_store *s, const char *id,
                                          ig_store_assessment **out, size_t *n,
                                          ig_error *err);
/** @} */

/** @defgroup ig_server The HTTP server
 *  @{ */
typedef struct ig_server ig_server;

/** Options of ig_server_start(). Initialise with ig_server_opts_init(). */
typedef struct ig_server_opts {
    const char *data_dir; /**< directory of the store (created); "." */
    const char *bind;     /**< IPv4 address; "127.0.0.1" */
    uint16_t port;        /**< 8080; 0 picks a free port */
    /** Bearer token mutating requests must carry. NULL: none on a
     *  loopback address; elsewhere one is generated (ig_server_token()). */
    const char *token;
    int public_read;       /**< 1: GETs need no token even when one is
                                set (otherwise they do, off loopback) */
    uint64_t max_upload;   /**< upload bytes; 0 = 256 MiB */
    uint64_t max_inflated; /**< decompressed upload bytes; 0 = 2 GiB */
    unsigned threads;      /**< HTTP thread pool; 0 = 4 */
    int quiet;             /**< 1: no access log on the context's log */
    /** Budget of the cache of decoded grids, bytes; 0 = 1 GiB. */
    uint64_t cache_bytes;
} ig_server_opts;

IG_API void ig_server_opts_init(ig_server_opts *o);
/** Open the store in opts->data_dir and start listening. The server calls
 *  the library with @p ctx from its HTTP threads and job threads at once,
 *  so the context's allocator and log callback must be thread-safe (the
 *  defaults are); its thread budget applies to each request.
 *  @return IG_OK; IG_ERR_IO (cannot bind, cannot open the store);
 *          IG_ERR_DOMAIN (bad address); IG_ERR_NOMEM. */
IG_API ig_status ig_server_start(ig_ctx *ctx, const ig_server_opts *opts,
                                 ig_server **out, ig_error *err);
/** The port actually bound (useful with port 0). */
IG_API uint16_t ig_server_port(const ig_server *srv);
/** The token in force ("" when none); owned by @p srv. */
IG_API const char *ig_server_token(const ig_server *srv);
/** The server's store (for tools and tests); owned by @p srv. */
IG_API ig_store *ig_server_store(ig_server *srv);
/** Stop listening, cancel and wait for background jobs, close the
 *  store, free @p srv. NULL is a no-op. */
IG_API void ig_server_stop(ig_server *srv);
/** @} */

#ifdef __cplusplus
}
#endif
#endif /* IG_SERVER_H */
