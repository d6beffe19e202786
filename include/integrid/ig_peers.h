/** @file ig_peers.h
 *  @brief Benchmarking one place against others: its rank, percentile and
 *  the median of five comparison sets for each measure, and its k nearest
 *  peers on standardised context variables.
 *
 *  A pure computation on a table the caller fills (one row per place, one
 *  column per measure): no files, no grids. The same input always gives
 *  the same output, whatever the thread count or the row order (ties are
 *  broken by place id). docs/benchmarking.md gives every definition with
 *  a worked example. */
#ifndef IG_PEERS_H
#define IG_PEERS_H

#include <stddef.h>

#include "integrid/ig_ctx.h"
#include "integrid/ig_export.h"
#include "integrid/ig_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @defgroup ig_bench Benchmarking and peers
 *  @{ */

/** One place of the benchmarking table. Plain data; every string is
 *  borrowed and must stay valid during the call. */
typedef struct ig_bench_place {
    /** Unique, non-empty id, e.g. the place_id of `integrid places`. */
    const char *id;
    /** Display name; NULL or "" when unknown. */
    const char *name;
    /** Class, e.g. "urban_centre" (ig_degurba_class_name()); NULL = "". */
    const char *cls;
    /** Country code or name; NULL = "". */
    const char *country;
    /** Residents; finite and >= 0. */
    double population;
    /** Residents born abroad / residents, in [0, 1]; NaN when unknown. */
    double foreign_share;
    /** Residents born in another EU country / residents born abroad, in
     *  [0, 1]; NaN when unknown (or when nobody was born abroad). */
    double eu_share;
    /** Residents per km2 of land; >= 0; NaN when unknown. */
    double density_km2;
    /** Share of residents who moved in recently, in [0, 1]; NaN when the
     *  grid has no such column (then the variable is left out for all). */
    double movers_share;
} ig_bench_place;

/** The table: n_places places and an n_places x n_measures matrix of
 *  measure values, row by row: the value of measure m for place i is
 *  values[i * n_measures + m]. NaN (or an infinity) means the measure is
 *  undefined for that place. Measure names and groups stay with the
 *  caller: results are addressed by column position. */
typedef struct ig_bench_input {
    size_t n_places;
    const ig_bench_place *places; /**< n_places rows, borrowed */
    size_t n_measures;
    const double *values; /**< borrowed; may be NULL when n_measures is 0 */
} ig_bench_input;

/** The comparison sets, in output order. */
typedef enum ig_bench_set {
    IG_BENCH_CLASS = 0,         /**< all places of the place's class */
    IG_BENCH_CLASS_COUNTRY = 1, /**< the same class in the same country */
    IG_BENCH_SIZE_BAND = 2,     /**< the same class and population band */
    IG_BENCH_SHARE_BAND = 3,    /**< the same class and foreign-born band */
    IG_BENCH_PEERS = 4,         /**< the place and its k nearest peers */
    IG_BENCH_NSETS = 5
} ig_bench_set;

/** Stable short name of set @p s: "class", "class_country", "size_band",
 *  "share_band", "peers"; NULL when out of range. Static storage. */
IG_API const char *ig_bench_set_name(int s);

/** Number of population bands (ig_bench_size_band()). */
#define IG_BENCH_NSIZE_BANDS 5
/** Number of foreign-born share bands (ig_bench_share_band()). */
#define IG_BENCH_NSHARE_BANDS 6

/** Population band of @p population: 0 = below 50,000; 1 = 50,000 to
 *  below 100,000; 2 = 100,000 to below 250,000; 3 = 250,000 to below
 *  1,000,000; 4 = 1,000,000 and more. Lower bounds are inclusive. -1 for
 *  NaN or a negative number. */
IG_API int ig_bench_size_band(double population);
/** Label of population band @p b: "<50k", "50k-100k", "100k-250k",
 *  "250k-1M", ">=1M"; NULL when out of range. Static storage. */
IG_API const char *ig_bench_size_band_label(int b);
/** Foreign-born share band of @p share (0..1): 0 = below 5 %; 1 = 5 % to
 *  below 10 %; 2 = 10-15 %; 3 = 15-20 %; 4 = 20-30 %; 5 = 30 % and more.
 *  Lower bounds are inclusive (0.05 is band 1). -1 for NaN or a value
 *  outside [0, 1]. */
IG_API int ig_bench_share_band(double share);
/** Label of share band @p b: "<5%", "5-10%", "10-15%", "15-20%",
 *  "20-30%", ">=30%"; NULL when out of range. Static storage. */
IG_API const char *ig_bench_share_band_label(int b);

/** Context variables used to find peers, in this order. */
typedef enum ig_bench_var_id {
    IG_BENCH_VAR_LOG_POPULATION = 0, /**< ln(population); unknown at 0 */
    IG_BENCH_VAR_FOREIGN_SHARE = 1,
    IG_BENCH_VAR_EU_SHARE = 2,
    IG_BENCH_VAR_DENSITY = 3,
    IG_BENCH_VAR_MOVERS_SHARE = 4,
    IG_BENCH_NVARS = 5
} ig_bench_var_id;

/** Options of ig_bench_run(). Initialise with ig_bench_opts_init(). */
typedef struct ig_bench_opts {
    /** Peers to find; 10. 0 finds none (the peers set is then the place
     *  alone). Fewer are returned when fewer candidates qualify. */
    size_t k;
    /** 0 (default): candidate peers are places of the same class. 1: all
     *  places, whatever their class. */
    int peers_any_class;
} ig_bench_opts;

/** Set @p o to the defaults: k = 10, same class. */
IG_API void ig_bench_opts_init(ig_bench_opts *o);

/** The place's standing in one comparison set for one measure. */
typedef struct ig_bench_stat {
    /** The place's value; NaN when undefined. */
    double value;
    /** Places in the set, the place included, whether or not their value
     *  is defined. 0 when the set is not defined (share band of a place
     *  whose foreign-born share is unknown). */
    size_t n_set;
    /** Places in the set with a defined value, the place included when its
     *  own value is defined. */
    size_t n;
    /** 1 + (others with a higher value) + (others with an equal value) / 2:
     *  1 is the highest value; ties share the average of their ranks.
     *  NaN when the place's value is undefined. */
    double rank;
    /** 100 x ((others with a lower value) + (others with an equal value)
     *  / 2) / (n - 1), which equals 100 (n - rank) / (n - 1): 100 = higher
     *  than every other place, 0 = lower than every other. NaN when the
     *  place's value is undefined or no other place has a value (n < 2). */
    double percentile;
    /** Median of the n defined values (the mean of the two middle ones
     *  when n is even); NaN when n is 0. */
    double median;
} ig_bench_stat;

/** How one context variable entered the peer search. */
typedef struct ig_bench_var {
    const char *name; /**< "log_population", "foreign_share", "eu_share",
                           "density_km2", "movers_share" (static) */
    /** 1 when the variable is part of the distance; 0 when dropped. */
    int used;
    /** Why it was dropped ("unknown for the place", "known for no other
     *  candidate", "the same value for every candidate (sd 0)"), "" when
     *  used. Static storage. */
    const char *why;
    /** Places of the pool (candidates and the place) where it is known. */
    size_t n;
    double mean;        /**< over those n places; NaN when n is 0 */
    double sd;          /**< population standard deviation (divisor n) */
    double place_value; /**< the place's raw value (ln for population) */
    double place_z;     /**< (place_value - mean) / sd; NaN when dropped */
} ig_bench_var;

/** One peer, nearest first. */
typedef struct ig_bench_peer {
    size_t place;    /**< row of the input table */
    double distance; /**< Euclidean distance to the place in z units */
    /** z-score of each variable (ig_bench_var_id order); NaN for the
     *  variables not used. */
    double z[IG_BENCH_NVARS];
} ig_bench_peer;

/** Results of ig_bench_run(); opaque, freed by ig_bench_destroy(). */
typedef struct ig_bench ig_bench;

/**
 * Benchmark place @p place of @p in.
 *
 * For each measure and each ::ig_bench_set, compute the place's value,
 * rank, percentile and the set's median (::ig_bench_stat). The four fixed
 * sets all hold places of the same class as @p place: all of them, those
 * of the same country (exact text match), those of the same population
 * band, those of the same foreign-born share band. The peers set is the
 * place and its nearest peers:
 *
 * 1. The pool is the places of the same class (all places with
 *    peers_any_class), the place included.
 * 2. Each context variable (::ig_bench_var_id) is standardised over the
 *    pool places where it is known: z = (x - mean) / sd with the
 *    population sd (compensated sums). A variable unknown for the place,
 *    or with the same value across the pool, is dropped.
 * 3. Candidates are the pool without the place, and without places where
 *    a variable in use is unknown. Distance = sqrt(sum of squared z
 *    differences over the variables in use).
 * 4. The k candidates with the smallest distance are the peers; equal
 *    distances are ordered by id (strcmp). When no variable is usable
 *    there are no peers (see ig_bench_note()).
 *
 * @param ctx   context, or NULL for defaults
 * @param in    the table, borrowed
 * @param place the row of the place to benchmark (ig_bench_find())
 * @param opts  options, or NULL for the defaults
 * @param out   receives the results; set only on success
 * @param err   error detail, or NULL
 * @return IG_OK; IG_ERR_DOMAIN for a missing table, @p place out of range,
 *         an empty or repeated id, or a population, share or density out
 *         of range (the message names the place and the column);
 *         IG_ERR_NOMEM.
 */
IG_API ig_status ig_bench_run(ig_ctx *ctx, const ig_bench_input *in,
                              size_t place, const ig_bench_opts *opts,
                              ig_bench **out, ig_error *err);

/** The row that was benchmarked. */
IG_API size_t ig_bench_place_row(const ig_bench *b);
/** Number of measures (columns) of the input. */
IG_API size_t ig_bench_nmeasures(const ig_bench *b);
/** Statistics of measure column @p m in set @p set; owned by @p b; NULL
 *  when either is out of range. */
IG_API const ig_bench_stat *ig_bench_stat_get(const ig_bench *b, size_t m,
                                              int set);
/** Population band of the place (ig_bench_size_band()). */
IG_API int ig_bench_size_band_of(const ig_bench *b);
/** Share band of the place (ig_bench_share_band()); -1 when its
 *  foreign-born share is unknown. */
IG_API int ig_bench_share_band_of(const ig_bench *b);
/** Number of peers found (at most opts.k). */
IG_API size_t ig_bench_npeers(const ig_bench *b);
/** The peers, nearest first; owned by @p b. */
IG_API const ig_bench_peer *ig_bench_peers(const ig_bench *b);
/** The context variables (IG_BENCH_NVARS entries, ::ig_bench_var_id
 *  order); owned by @p b. */
IG_API const ig_bench_var *ig_bench_vars(const ig_bench *b);
/** Candidate peers considered: the pool without the place. */
IG_API size_t ig_bench_ncandidates(const ig_bench *b);
/** Candidates left out because a variable in use is unknown for them. */
IG_API size_t ig_bench_nskipped(const ig_bench *b);
/** One sentence on why fewer than k peers were found, "" when k were;
 *  owned by @p b. */
IG_API const char *ig_bench_note(const ig_bench *b);
/** Free @p b; NULL is a no-op. */
IG_API void ig_bench_destroy(ig_bench *b);

/**
 * Find a place by what a user typed.
 *
 * Tried in order, the first step with a match wins:
 * 1. an exact id (case-sensitive);
 * 2. a name equal to @p query ignoring case (ASCII, Latin-1, Latin
 *    Extended-A, Greek and Cyrillic letters are folded; other bytes
 *    compare exactly);
 * 3. a name that starts with @p query ignoring case.
 * A step that matches more than one place is ambiguous and fails.
 *
 * @param places   the places, borrowed
 * @param n_places number of places
 * @param query    the id or name, borrowed
 * @param row      receives the row of the place; set only on success
 * @param err      error detail, or NULL. When not found, the message lists
 *                 the up to 5 names closest to @p query (edit distance on
 *                 folded characters, the first 64 of each compared), e.g.
 *                 "no place 'Pariss'; closest: Paris (FR, urban_centre, id
 *                 12), ...; give an id or a full name"; when ambiguous, it
 *                 lists the matching places with their ids.
 * @return IG_OK; IG_ERR_NOT_FOUND (not found, or ambiguous);
 *         IG_ERR_DOMAIN for a NULL or empty @p query or missing places.
 */
IG_API ig_status ig_bench_find(const ig_bench_place *places, size_t n_places,
                               const char *query, size_t *row, ig_error *err);
/** @} */

#ifdef __cplusplus
}
#endif
#endif /* IG_PEERS_H */
