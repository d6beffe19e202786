/** @file ig_policy.h
 *  @brief Local integration policy: frameworks as data, assessments (a
 *  municipality's answers), MIPEX-style scores, recommendations and the
 *  comparison of assessments.
 *
 *  A framework is a versioned JSON file: blocks -> areas -> indicators,
 *  each indicator with answer options scored 0..100 (docs/policy/
 *  framework-format.md). integrid ships one, "Local integration checklist,
 *  inspired by the OECD/EC 12 points" (id "lic-oecd12"), embedded in the
 *  library. Its scores are integrid's operationalisation of the checklist,
 *  never an official OECD or EC score. Scores are always recomputed from
 *  the answers and the framework; the rules are in docs/policy/scoring.md.
 *
 *  JSON is parsed with jansson, whose own allocations do not go through
 *  the ::ig_ctx allocator (jansson only has a process-wide hook); every
 *  structure this module keeps does. */
#ifndef IG_POLICY_H
#define IG_POLICY_H

#include <stddef.h>

#include "integrid/ig_ctx.h"
#include "integrid/ig_export.h"
#include "integrid/ig_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @defgroup ig_policy Policy frameworks and assessments
 *  @{ */

/** A parsed, validated framework; opaque, freed by
 *  ig_policy_framework_destroy(). Read-only after creation, so one
 *  framework may be shared by threads. */
typedef struct ig_policy_framework ig_policy_framework;
/** A parsed assessment (answers); opaque. */
typedef struct ig_policy_assessment ig_policy_assessment;
/** Scores of one assessment; opaque. */
typedef struct ig_policy_scores ig_policy_scores;

/** Indicator kinds. Context indicators are recorded, never scored. */
typedef enum ig_policy_kind {
    IG_POLICY_KIND_POLICY = 0,
    IG_POLICY_KIND_OUTCOME = 1,
    IG_POLICY_KIND_CONTEXT = 2
} ig_policy_kind;

/** Answer types. */
typedef enum ig_policy_answer_type {
    IG_POLICY_ANSWER_SINGLE = 0,  /**< one of the options */
    IG_POLICY_ANSWER_NUMERIC = 1, /**< a number, scored by bands */
    IG_POLICY_ANSWER_TEXT = 2     /**< free text, never scored */
} ig_policy_answer_type;

/** Special meaning of an answer option. */
typedef enum ig_policy_flag {
    IG_POLICY_FLAG_NORMAL = 0,
    IG_POLICY_FLAG_NOT_APPLICABLE = 1, /**< left out of the denominator */
    IG_POLICY_FLAG_DONT_KNOW = 2       /**< scores 0 and is flagged */
} ig_policy_flag;

/** One answer option. Strings are owned by the framework. */
typedef struct ig_policy_option {
    const char *code;
    const char *label;
    double score; /**< 0..100; NaN for flagged options */
    ig_policy_flag flag;
} ig_policy_option;

/** A score band of a numeric indicator: values in [min, max) score
 *  @c score (the last band also takes its max). */
typedef struct ig_policy_band {
    double min, max, score;
} ig_policy_band;

/** One indicator. Strings are owned by the framework; optional ones are
 *  "" when absent. */
typedef struct ig_policy_indicator {
    const char *id;
    ig_policy_kind kind;
    const char *question;
    const char *help;
    ig_policy_answer_type answer;
    double weight;       /**< > 0; default 1 */
    int lower_better;    /**< direction: 1 when lower values are better */
    const char *applies_if; /**< applicability rule, "" = always */
    int evidence_required;  /**< 1: an answer without evidence is flagged */
    const char *unit;
    size_t n_options;
    const ig_policy_option *options;
    size_t n_bands;
    const ig_policy_band *bands;
    /** Outcome indicators: what integrid computes from a grid
     *  ("dissimilarity", "isolation", "exposure", "hotspot_share",
     *  "recent_movers", "school_dissimilarity"), "" otherwise. */
    const char *outcome;
    /* mappings */
    int point;              /**< checklist point 1..12, 0 = none */
    const char *mipex;      /**< MIPEX area, "" when none */
    const char *action_plan; /**< EU Action Plan sector, "" when none */
    const char *zaragoza;   /**< Zaragoza indicator, "" when none */
    size_t area;            /**< index of its area */
} ig_policy_indicator;

/** One area (e.g. one checklist point). */
typedef struct ig_policy_area {
    const char *id;
    const char *title;
    double weight;
    int point; /**< checklist point 1..12, 0 = none */
    size_t block;
    size_t first_indicator, n_indicators;
} ig_policy_area;

/** One block of areas. */
typedef struct ig_policy_block {
    const char *id;
    const char *title;
    double weight;
    size_t first_area, n_areas;
} ig_policy_block;

/** One recommendation rule: when @c condition holds, @c text applies. */
typedef struct ig_policy_recommendation {
    const char *id;
    const char *condition;
    int priority; /**< 1 = most urgent */
    const char *text;
    const char *practice_tags; /**< comma-separated, "" when none */
} ig_policy_recommendation;

/** Framework metadata. */
typedef struct ig_policy_framework_info {
    const char *id;
    const char *version;
    const char *title;
    const char *description;
    const char *notice; /**< how to label its scores */
    double coverage_min; /**< default 0.7 */
    size_t n_blocks, n_areas, n_indicators, n_recommendations;
} ig_policy_framework_info;

/** Number of frameworks compiled into the library. */
IG_API size_t ig_policy_builtin_count(void);
/** Id of built-in framework @p i, NULL when out of range. Static. */
IG_API const char *ig_policy_builtin_id(size_t i);
/** The JSON text of built-in framework @p i (static storage, not
 *  NUL-terminated; *len receives its length); NULL when out of range. */
IG_API const char *ig_policy_builtin_text(size_t i, size_t *len);

/**
 * Parse and validate a framework from JSON text.
 *
 * Every problem is an error located at its line and column in @p text:
 * JSON syntax, unknown or duplicate keys, duplicate ids, scores outside
 * 0..100, indicators without options, weights <= 0, rules that do not
 * parse or name unknown variables, checklist points outside 1..12,
 * unknown mapping schemes and outcome names.
 *
 * @param name  file name for error messages (borrowed; may be NULL)
 * @return IG_OK; IG_ERR_PARSE (syntax and content errors, with err->line
 *         and err->column); IG_ERR_DOMAIN for NULL arguments;
 *         IG_ERR_NOMEM.
 */
IG_API ig_status ig_policy_framework_parse(ig_ctx *ctx, const char *text,
                                           size_t len, const char *name,
                                           ig_policy_framework **out,
                                           ig_error *err);
/** Read and parse a framework file; IG_ERR_IO when it cannot be read. */
IG_API ig_status ig_policy_framework_read(ig_ctx *ctx, const char *path,
                                          ig_policy_framework **out,
                                          ig_error *err);
/** Load a built-in framework by id (IG_ERR_NOT_FOUND names the known
 *  ids). */
IG_API ig_status ig_policy_framework_builtin(ig_ctx *ctx, const char *id,
                                             ig_policy_framework **out,
                                             ig_error *err);
IG_API void ig_policy_framework_destroy(ig_policy_framework *fw);

IG_API void ig_policy_framework_get_info(const ig_policy_framework *fw,
                                         ig_policy_framework_info *info);
/** Element @p i, or NULL when out of range. Owned by @p fw. */
IG_API const ig_policy_block *ig_policy_block_get(const ig_policy_framework *fw,
                                                  size_t i);
IG_API const ig_policy_area *ig_policy_area_get(const ig_policy_framework *fw,
                                                size_t i);
IG_API const ig_policy_indicator *
ig_policy_indicator_get(const ig_policy_framework *fw, size_t i);
IG_API const ig_policy_recommendation *
ig_policy_recommendation_get(const ig_policy_framework *fw, size_t i);
/** Index of the indicator with id @p id, or (size_t)-1. */
IG_API size_t ig_policy_indicator_find(const ig_policy_framework *fw,
                                       const char *id);

/**
 * Check an applicability or recommendation rule on its own (the parser
 * behind framework validation; fuzzed by fuzz/fuzz_policy.c).
 * @return IG_OK; IG_ERR_PARSE with err->column (1-based, in @p rule).
 */
IG_API ig_status ig_policy_rule_check(const char *rule, ig_error *err);

/* ---- assessments ------------------------------------------------------ */

/** Competence of the municipality for an indicator's domain. */
typedef enum ig_policy_competence {
    IG_POLICY_COMP_UNSET = 0,
    IG_POLICY_COMP_OWN = 1,
    IG_POLICY_COMP_SHARED = 2,
    IG_POLICY_COMP_NONE = 3 /**< outside competence: left out */
} ig_policy_competence;

/** One piece of evidence. Strings owned by the assessment, "" if absent. */
typedef struct ig_policy_evidence {
    const char *type; /**< e.g. adopted_document, budget_line, dataset,
                           external_validation */
    const char *title;
    const char *issuer;
    const char *date;
    const char *url;
    const char *quote;
} ig_policy_evidence;

/** One answer. */
typedef struct ig_policy_answer {
    const char *indicator;
    const char *option; /**< "" when none */
    double value;       /**< NaN when none */
    const char *text;   /**< "" when none */
    ig_policy_competence competence;
    const char *confidence; /**< low|medium|high or "" */
    const char *notes;
    size_t n_evidence;
    const ig_policy_evidence *evidence;
    long line, column; /**< where it was given (0 when unknown) */
} ig_policy_answer;

/** Assessment metadata. */
typedef struct ig_policy_assessment_info {
    const char *framework;
    const char *framework_version;
    const char *place_id;
    const char *place_name;
    const char *country;
    double population;    /**< NaN when not given */
    double foreign_share; /**< NaN when not given */
    const char *settlement; /**< e.g. city|town|rural, "" when not given */
    int shareable;        /**< 1: peers may see its individual scores */
    size_t n_answers;
} ig_policy_assessment_info;

/**
 * Parse an assessment, JSON or the template's CSV (chosen by the first
 * non-blank byte: '{' is JSON). Checks the structure only; check it
 * against its framework with ig_policy_assessment_check().
 * @return IG_OK; IG_ERR_PARSE with line and column; IG_ERR_NOMEM.
 */
IG_API ig_status ig_policy_assessment_parse(ig_ctx *ctx, const char *text,
                                            size_t len, const char *name,
                                            ig_policy_assessment **out,
                                            ig_error *err);
IG_API ig_status ig_policy_assessment_read(ig_ctx *ctx, const char *path,
                                           ig_policy_assessment **out,
                                           ig_error *err);
IG_API void ig_policy_assessment_destroy(ig_policy_assessment *a);
IG_API void ig_policy_assessment_get_info(const ig_policy_assessment *a,
                                          ig_policy_assessment_info *info);
IG_API const ig_policy_answer *
ig_policy_answer_get(const ig_policy_assessment *a, size_t i);
/** Numeric context value @p name ("population", "foreign_share" or a key
 *  of "context"); NaN when not given. */
IG_API double ig_policy_assessment_context(const ig_policy_assessment *a,
                                           const char *name);

/**
 * Check @p a against @p fw: same framework id and version, every
 * indicator known, options that exist, numbers where numbers are asked.
 * Errors name the offending code, list the valid ones, and carry the line
 * and column of the answer.
 * @return IG_OK; IG_ERR_MISMATCH (other framework or version);
 *         IG_ERR_NOT_FOUND (unknown indicator or option); IG_ERR_PARSE.
 */
IG_API ig_status ig_policy_assessment_check(const ig_policy_framework *fw,
                                            const ig_policy_assessment *a,
                                            ig_error *err);

/**
 * Set the value of an outcome indicator (e.g. computed from a grid) and
 * optionally its calibrated score (the percentile of the place among the
 * places of its class, already turned for the direction; NaN: score by
 * the indicator's bands). Overrides a value given in the answers.
 * @return IG_OK; IG_ERR_NOT_FOUND; IG_ERR_DOMAIN if it is not an outcome
 *         indicator; IG_ERR_NOMEM.
 */
IG_API ig_status ig_policy_assessment_set_outcome(ig_policy_assessment *a,
                                                  const ig_policy_framework *fw,
                                                  const char *indicator,
                                                  double value, double score,
                                                  const char *note);

/* ---- outcome indicators from a grid --------------------------------- */

struct ig_grid;
struct ig_placeset;

/** Options of ig_policy_grid_outcomes(). Zero-initialise. */
typedef struct ig_policy_grid_opts {
    /** Group of residents born in the country (the reference group);
     *  every other group counts as foreign-born. NULL: "NAT" when the
     *  grid has it, else the first group. Borrowed. */
    const char *native_group;
    /** Extra column (ig_grid_var) with residents who moved in from abroad
     *  in the last year; NULL: "CHG_IN" when the grid has it. */
    const char *movers_var;
    /** Pupils per school, read in long format (units = schools), for
     *  school_dissimilarity; NULL: not computed. Borrowed. */
    const struct ig_grid *schools;
    /** Group of pupils with a migrant background in @c schools; NULL: the
     *  first group. */
    const char *schools_group;
} ig_policy_grid_opts;

/**
 * Fill the outcome indicators of @p fw for place @p place of @p ps (a
 * place set over @p grid, e.g. ig_placeset_degurba()) into @p a, each
 * with a score calibrated on the places of the same class: the place's
 * percentile among the non-aggregate places of its class that have a
 * value (ig_policy_rank()), turned to 100 - percentile when lower is
 * better. Computed: dissimilarity, isolation and exposure of foreign- vs
 * native-born over the place's cells (ig_measure_compute); the share of
 * foreign-born living in Getis-Ord Gi* hot cells (local_gi_star on the
 * whole grid, default scale, hot at any level, in any foreign group's
 * layer); recent movers from abroad / residents; and, with opts->schools,
 * the dissimilarity of pupils across schools (no calibration: the school
 * file is one place's; scored by the indicator's bands if any). Each
 * outcome gets a note (ig_policy_assessment_outcome_note()) saying how it
 * was computed or why it was not. See docs/policy/outcomes.md.
 *
 * @return IG_OK; IG_ERR_DOMAIN (bad arguments, place out of range or an
 *         aggregate, aspatial grid); IG_ERR_NOT_FOUND (a named group or
 *         column the grid lacks); IG_ERR_NOMEM; errors of ig_local_run().
 */
IG_API ig_status ig_policy_grid_outcomes(ig_ctx *ctx,
                                         const ig_policy_framework *fw,
                                         const struct ig_grid *grid,
                                         const struct ig_placeset *ps,
                                         size_t place,
                                         const ig_policy_grid_opts *opts,
                                         ig_policy_assessment *a,
                                         ig_error *err);
/** The note of an outcome set by ig_policy_assessment_set_outcome() or
 *  ig_policy_grid_outcomes(); "" when none. Owned by @p a. */
IG_API const char *ig_policy_assessment_outcome_note(const ig_policy_assessment *a,
                                                     const char *indicator);

/* ---- scores ----------------------------------------------------------- */

/** Status of an indicator in a score sheet. */
typedef enum ig_policy_istatus {
    IG_POLICY_SCORED = 0,
    IG_POLICY_UNANSWERED = 1,
    IG_POLICY_NOT_APPLICABLE = 2, /**< the option says so */
    IG_POLICY_RULE_EXCLUDED = 3,  /**< the applicability rule is false */
    IG_POLICY_NO_COMPETENCE = 4,  /**< competence "none" */
    IG_POLICY_DONT_KNOW = 5,      /**< scored 0, flagged */
    IG_POLICY_NOT_SCORED = 6      /**< context or text, or a value with no
                                       band and no calibration */
} ig_policy_istatus;

/** Evidence badge (shown, never folded into the score). */
typedef enum ig_policy_badge {
    IG_POLICY_BADGE_NONE = 0,       /**< no answer */
    IG_POLICY_BADGE_SELF = 1,       /**< self-declared: no evidence */
    IG_POLICY_BADGE_DOCUMENT = 2,   /**< a document with title or URL */
    IG_POLICY_BADGE_VALIDATED = 3   /**< evidence of type
                                         external_validation */
} ig_policy_badge;

/** Per indicator. */
typedef struct ig_policy_iscore {
    ig_policy_istatus status;
    double score; /**< 0..100, NaN unless SCORED or DONT_KNOW */
    double value; /**< numeric answer, NaN otherwise */
    ig_policy_badge badge;
    int evidence_missing; /**< evidence required but none given */
    int calibrated;       /**< score came from a calibration */
} ig_policy_iscore;

/** Per area, block or the whole framework. */
typedef struct ig_policy_gscore {
    double score;   /**< 0..100; NaN when insufficient data */
    int sufficient; /**< 0: "insufficient data" */
    size_t n_indicators;  /**< all indicators below */
    size_t n_applicable;  /**< scorable and applicable */
    size_t n_answered;    /**< of those, answered (don't know included) */
    size_t n_excluded;    /**< N/A, rule-excluded or outside competence */
    size_t n_dont_know;
    size_t n_documented;  /**< answered with a document or validation */
    double coverage;      /**< n_answered / n_applicable (NaN if 0) */
    size_t n_parts, n_parts_scored; /**< areas of a block, blocks overall */
    /** Outcome indicators are scored apart from the policy score, never
     *  mixed into it: their weighted mean (NaN when none is scored). */
    double outcome_score;
    size_t n_outcomes, n_outcomes_scored;
} ig_policy_gscore;

/** Score options. Zero-initialise; zero means the framework's default. */
typedef struct ig_policy_score_opts {
    double coverage_min; /**< 0: the framework's (0.7) */
    int unweighted;      /**< 1: ignore weights (plain MIPEX means) */
} ig_policy_score_opts;

/**
 * Score @p a against @p fw (rules in docs/policy/scoring.md). Checks the
 * assessment first (ig_policy_assessment_check()).
 * @return IG_OK or the check's error; IG_ERR_NOMEM.
 */
IG_API ig_status ig_policy_score(ig_ctx *ctx, const ig_policy_framework *fw,
                                 const ig_policy_assessment *a,
                                 const ig_policy_score_opts *opts,
                                 ig_policy_scores **out, ig_error *err);
IG_API void ig_policy_scores_destroy(ig_policy_scores *s);
/** Indicator @p i (framework order); NULL when out of range. */
IG_API const ig_policy_iscore *ig_policy_scores_indicator(const ig_policy_scores *s,
                                                          size_t i);
IG_API const ig_policy_gscore *ig_policy_scores_area(const ig_policy_scores *s,
                                                     size_t i);
IG_API const ig_policy_gscore *ig_policy_scores_block(const ig_policy_scores *s,
                                                      size_t i);
IG_API const ig_policy_gscore *ig_policy_scores_overall(const ig_policy_scores *s);
/** Recommendation rules that fired, most urgent first: *n receives the
 *  count; the array holds framework recommendation indices. */
IG_API const size_t *ig_policy_scores_recommendations(const ig_policy_scores *s,
                                                      size_t *n);

/** Stable names: "scored", "unanswered", "not_applicable",
 *  "rule_excluded", "no_competence", "dont_know", "not_scored". */
IG_API const char *ig_policy_istatus_name(ig_policy_istatus st);
/** "none", "self_declared", "document", "validated". */
IG_API const char *ig_policy_badge_name(ig_policy_badge b);
IG_API const char *ig_policy_kind_name(ig_policy_kind k);

/* ---- templates -------------------------------------------------------- */

/** Template formats. */
typedef enum ig_policy_template_format {
    IG_POLICY_TEMPLATE_JSON = 0,
    IG_POLICY_TEMPLATE_CSV = 1
} ig_policy_template_format;

/**
 * A fill-in file for @p fw: every indicator with its question and
 * options, answers left empty. Both formats parse back with
 * ig_policy_assessment_parse(). *out is allocated with @p ctx's allocator
 * (NUL-terminated, *len bytes without the NUL); free it with
 * ig_policy_free().
 */
IG_API ig_status ig_policy_template(ig_ctx *ctx, const ig_policy_framework *fw,
                                    ig_policy_template_format format,
                                    char **out, size_t *len, ig_error *err);
/** Free a buffer returned by this module (NULL is a no-op). */
IG_API void ig_policy_free(ig_ctx *ctx, char *p);

/* ---- comparing assessments ------------------------------------------- */

/** Rank of @p value among @p n values (1 = highest score; ties share the
 *  best rank) and its percentile, the share of the other values it is
 *  strictly above plus half the share it ties with, in 0..100 (50 when
 *  n == 1). NaN values are ignored; *rank = 0 when @p value is NaN. */
IG_API void ig_policy_rank(const double *values, size_t n, double value,
                           size_t *rank, double *percentile);


/* ---- practices ------------------------------------------------------ */

/** A practice knowledge base: short summaries of what places have done,
 *  tagged by checklist point, sector, target group and the kind of place
 *  (country, size band, settlement type). Opaque, read-only after
 *  creation; freed by ig_practices_destroy(). integrid ships a starter set
 *  (data/practices/practices.json, embedded; docs/policy/practices.md). */
typedef struct ig_practices ig_practices;

/** Number of population bands of practice places. They refine the peer
 *  engine's bands (ig_bench_size_band()) below 50,000, where most towns
 *  are: 0 "<5k", 1 "5k-20k", 2 "20k-50k", 3 "50k-100k", 4 "100k-250k",
 *  5 "250k-1M", 6 ">=1M". Lower bounds are inclusive. */
#define IG_PRACTICE_NSIZE_BANDS 7
/** Band of @p population; -1 for NaN or a negative number. */
IG_API int ig_practice_size_band(double population);
/** Label of band @p b; NULL when out of range. Static storage. */
IG_API const char *ig_practice_size_band_label(int b);
/** Band of label @p s (as ig_practice_size_band_label()); -1 if none. */
IG_API int ig_practice_size_band_parse(const char *s);
/** Settlement type of a place class: "urban_centre" -> "city",
 *  "urban_cluster" -> "town", "rural" (or "rural:..") -> "rural"; NULL
 *  for other classes. Static storage. */
IG_API const char *ig_practice_settlement_of_class(const char *cls);

/** Strength of the evidence behind a practice, weakest first. */
typedef enum ig_practice_evidence {
    IG_PRACTICE_EV_NONE = 0,       /**< described, not measured */
    IG_PRACTICE_EV_MONITORING = 1, /**< outputs or outcomes monitored */
    IG_PRACTICE_EV_EVALUATION = 2, /**< an evaluation was published */
    IG_PRACTICE_EV_IMPACT = 3      /**< an impact evaluation */
} ig_practice_evidence;
/** "none", "monitoring", "evaluation", "impact_evaluation". */
IG_API const char *ig_practice_evidence_name(ig_practice_evidence e);

/** One practice. Strings are owned by the knowledge base; optional ones
 *  are "" when absent. */
typedef struct ig_practice {
    const char *id;
    const char *title;
    const char *summary;
    size_t n_points;
    const int *points;          /**< checklist points 1..12 */
    const char *sector;         /**< EU Action Plan sector (vocabulary in
                                     docs/policy/practices.md) */
    size_t n_tags;
    const char *const *tags;    /**< matched by recommendations'
                                     practice_tags */
    size_t n_targets;
    const char *const *target_groups;
    const char *country;        /**< ISO 3166-1 alpha-2 */
    const char *place;
    int size_band;              /**< ig_practice_size_band() */
    const char *settlement;     /**< "city", "town" or "rural" */
    double population;          /**< NaN when not given */
    double foreign_share;       /**< 0..1, NaN when not given */
    int share_band;             /**< ig_bench_share_band(), -1 unknown */
    const char *period;
    ig_practice_evidence evidence;
    const char *source_title;
    const char *source_url;
    const char *licence;
    int verified;               /**< 0: the source could not be checked */
    long line, column;          /**< where it starts in the file */
} ig_practice;

/** Knowledge-base metadata. */
typedef struct ig_practices_info {
    const char *version;
    const char *title;
    const char *licence;
    const char *notice;
    size_t n_practices;
} ig_practices_info;

/**
 * Parse and validate a practices file (JSON; format in
 * docs/policy/practices.md). Unknown keys, duplicate ids, points outside
 * 1..12, words outside the vocabularies (sector, tags, target groups,
 * settlement, size band, evidence level), a population that contradicts
 * its size band, a share outside 0..1 and a source URL that is not
 * http(s) are errors at their line and column.
 * @return IG_OK; IG_ERR_PARSE; IG_ERR_DOMAIN for NULL arguments;
 *         IG_ERR_NOMEM.
 */
IG_API ig_status ig_practices_parse(ig_ctx *ctx, const char *text, size_t len,
                                    const char *name, ig_practices **out,
                                    ig_error *err);
/** Read and parse a practices file; IG_ERR_IO when it cannot be read. */
IG_API ig_status ig_practices_read(ig_ctx *ctx, const char *path,
                                   ig_practices **out, ig_error *err);
/** The starter set compiled into the library. */
IG_API ig_status ig_practices_builtin(ig_ctx *ctx, ig_practices **out,
                                      ig_error *err);
IG_API void ig_practices_destroy(ig_practices *kb);
IG_API void ig_practices_get_info(const ig_practices *kb,
                                  ig_practices_info *info);
/** Practice @p i (file order), NULL when out of range. */
IG_API const ig_practice *ig_practice_get(const ig_practices *kb, size_t i);
/** Index of the practice with id @p id, or (size_t)-1. */
IG_API size_t ig_practice_find(const ig_practices *kb, const char *id);

/** A search. Initialise with ig_practice_query_init(): every filter
 *  off. Strings are borrowed. */
typedef struct ig_practice_query {
    int point;                /**< 1..12; 0: any */
    const char *sector;       /**< NULL: any */
    /** Comma-separated tags; a practice matches when it has any of them
     *  (as recommendations link to practices). NULL: any. */
    const char *tags;
    const char *target_group; /**< NULL: any */
    const char *country;      /**< NULL: any (case-insensitive) */
    int size_band;            /**< -1: any */
    const char *settlement;   /**< NULL: any */
    ig_practice_evidence evidence_min;
    /** Words that must all occur (case-insensitive, ASCII) in the title,
     *  summary or place. NULL: any. */
    const char *text;
    /** "Places like mine": 1 orders the results by similarity to the
     *  place described by like_population, like_foreign_share and
     *  like_settlement (each may be unknown: NaN / NULL). */
    int like;
    double like_population;
    double like_foreign_share;
    const char *like_settlement;
    size_t limit; /**< 0: all */
} ig_practice_query;

IG_API void ig_practice_query_init(ig_practice_query *q);

/** One result and, for a "like" search, how close its place is. */
typedef struct ig_practice_match {
    size_t index;        /**< ig_practice_get() index */
    int same_settlement; /**< 1/0; -1 when either is unknown */
    int size_band_diff;  /**< |band difference|; -1 when unknown */
    int share_band_diff; /**< |share band difference|; -1 when unknown */
} ig_practice_match;

/**
 * Search @p kb. Without @c like the matches keep file order. With it they
 * are ordered like the peer engine's strata: same settlement type first,
 * then the smallest size band difference, then the smallest foreign-born
 * share band difference (unknown last), then the stronger evidence, then
 * id. Every word in the query must be in its vocabulary.
 * @param out receives an array of *n matches (ig__alloc'd with @p ctx;
 *            free with ig_practices_matches_free()); NULL when *n is 0
 * @return IG_OK (also with no match); IG_ERR_NOT_FOUND for a word outside
 *         a vocabulary (the message lists the valid ones); IG_ERR_DOMAIN
 *         for a point outside 0..12 or a band out of range; IG_ERR_NOMEM.
 */
IG_API ig_status ig_practices_search(ig_ctx *ctx, const ig_practices *kb,
                                     const ig_practice_query *q,
                                     ig_practice_match **out, size_t *n,
                                     ig_error *err);
IG_API void ig_practices_matches_free(ig_ctx *ctx, ig_practice_match *m,
                                      size_t n);

/** The vocabularies, NULL-terminated, static: @p which is "sector",
 *  "tag", "target_group", "settlement", "evidence" or "size_band";
 *  NULL for another name. */
IG_API const char *const *ig_practice_vocabulary(const char *which);

/** @} */

#ifdef __cplusplus
}
#endif
#endif /* IG_POLICY_H */
