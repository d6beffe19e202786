/** @file ig_report.h
 *  @brief The local integration profile of one place: a self-contained
 *  HTML page (inline CSS and SVG, no scripts, no requests) or the same
 *  content as a multi-page A4 PDF.
 *
 *  The report is a thin composition over the library: key figures from
 *  the place set, maps of shares and Getis-Ord Gi* hot spots
 *  (ig_local_run, ig_map_render), the main measures with bootstrap
 *  intervals (ig_infer_run) and a plain-language sentence each, the
 *  multi-scale profile (ig_measures_run with scales), the place among
 *  comparable places (ig_bench_run), policy scores when given
 *  (ig_policy.h) and the data and methods behind it. Every English
 *  sentence comes from one template file (src/render/sentences.def), so
 *  the report can be translated. See docs/report.md. */
#ifndef IG_REPORT_H
#define IG_REPORT_H

#include <stddef.h>

#include "integrid/ig_ctx.h"
#include "integrid/ig_export.h"
#include "integrid/ig_grid.h"
#include "integrid/ig_infer.h"
#include "integrid/ig_measure.h"
#include "integrid/ig_placeset.h"
#include "integrid/ig_policy.h"
#include "integrid/ig_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @defgroup ig_report The local integration profile report
 *  @{ */

/** Output formats, from the file name. */
typedef enum ig_report_format {
    IG_REPORT_HTML = 0, /**< .html or .htm */
    IG_REPORT_PDF = 1   /**< .pdf: A4 pages through cairo */
} ig_report_format;

/** Most radii of the profile (ig_report_spec.radii). */
#define IG_REPORT_MAX_RADII 16

/** What goes into a report. ig_report_spec_init() sets the defaults;
 *  everything pointed to is borrowed for the call. */
typedef struct ig_report_spec {
    /** The source grid: cells with coordinates (required). */
    const ig_grid *grid;
    /** Places over @c grid (ig_placeset_degurba(), ig_placeset_by(),
     *  ig_placeset_boundaries(), ...) (required); its other places are the
     *  comparison sets of the benchmark. */
    const ig_placeset *places;
    /** The row of the place to report (ig_placeset_find()). */
    size_t place;
    /** Group of residents born in the country; NULL: "NAT" when the grid
     *  has it, else the first group. Every other group is foreign-born. */
    const char *native_group;
    /** Group of residents born in another EU country (peer variable);
     *  NULL: "EU_OTH" when the grid has it. */
    const char *eu_group;
    /** Extra column of recent movers (peer variable); NULL: "CHG_OUT"
     *  when the grid has it. */
    const char *movers_var;
    /** Land-area column (km2 per cell) for densities and the spatial
     *  measures; NULL: "LAND_SURFACE" when the grid has it. */
    const char *area_var;
    /** The main measures of section 3 (registry names); NULL or 0: the
     *  default list (dissimilarity, isolation, exposure,
     *  multi_information_theory). */
    const char *const *measures;
    size_t n_measures;
    /** Measure parameters: kernel, edge, seed, ... (ig_measure_params). */
    ig_measure_params params;
    /** 1: keep cells with not-available groups, as 0. */
    int na_as_zero;
    /** Inference of the main measures; places is ignored (only the
     *  report's place gets it). Defaults: ci = 1, reps = 199. */
    ig_infer_opts infer;
    /** Radii of the profile in metres (ascending); NULL or 0: 1, 2, 4
     *  and 8 cell sizes. At most IG_REPORT_MAX_RADII. */
    const double *radii;
    size_t n_radii;
    /** Peers to find (ig_bench_opts.k); 10. */
    size_t peers;
    /** Policy assessment (section 6): the framework and the scores of the
     *  place's answers; both NULL: the section says none was given. */
    const ig_policy_framework *policy_framework;
    const ig_policy_scores *policy_scores;
    /** Name of the answers file, shown in section 7; may be NULL. */
    const char *policy_file;
    /** Title; NULL: "Local integration profile: NAME". */
    const char *title;
    /** Data-source line; NULL: from the grid's metadata. */
    const char *source;
    /** Date line (YYYY-MM-DD); the library never reads the clock. NULL:
     *  none. */
    const char *date;
    /** The exact command line that reproduces the report (section 7);
     *  NULL: none. */
    const char *command;
    /** Name of the input file (section 7); NULL: none. */
    const char *input;
    /** Called with done/total steps; non-zero cancels. */
    ig_progress_fn progress;
    void *progress_ud;
    /** An earlier census grid of the same area (same CRS and cell size,
     *  the same groups) or NULL. With it, section 1 adds the place's
     *  residents and foreign-born share then and now, and the change of
     *  segregation between the two grids over the place's cells
     *  (ig_change_grids(): the parts of the change in M, and D split into
     *  composition and reallocation). Borrowed. */
    const ig_grid *previous;
    /** Name of its file (section 7); may be NULL. */
    const char *previous_file;
    /** 1: bootstrap intervals for the profile too, drawn as bands in its
     *  chart (the infer options; costs about reps times the profile);
     *  0 (default): lines only. */
    int profile_ci;
} ig_report_spec;

/** Set @p s to the defaults. */
IG_API void ig_report_spec_init(ig_report_spec *s);

/** A summary of a written report, for tests and callers. */
typedef struct ig_report_result {
    ig_report_format format;
    size_t sections;   /**< numbered sections written (7) */
    size_t figures;    /**< maps and charts embedded */
    size_t sentences;  /**< sentences generated from templates */
    size_t measures;   /**< rows of the main-measures table */
    size_t peers;      /**< peers listed */
    int pages;         /**< PDF pages; 0 for HTML */
    size_t bytes;      /**< size of the file written */
    size_t cells;      /**< cells of the place */
    double population; /**< residents of the place */
    /** With ig_report_spec.previous: 1 when the change was computed (0
     *  when it could not be: the report says why); else 0. */
    int change;
    double previous_population; /**< residents of the place then; NaN */
    size_t profile_bands; /**< confidence bands drawn in the profile */
} ig_report_result;

/** Output format of @p path from its extension (.html, .htm, .pdf, any
 *  case). @return IG_OK; IG_ERR_DOMAIN for another extension. */
IG_API ig_status ig_report_format_of(const char *path,
                                     ig_report_format *out);

/**
 * Compute and write the report of one place, atomically (a temporary
 * file beside @p path, renamed over it when complete). Figures are drawn
 * into a temporary folder beside @p path, removed afterwards.
 *
 * @param ctx   context (threads, memory), or NULL; cairo allocates its
 *              own memory outside it
 * @param spec  what to report, borrowed
 * @param path  output file; the extension picks HTML or PDF
 * @param res   receives a summary, or NULL
 * @param err   error detail, or NULL
 * @return IG_OK; IG_ERR_DOMAIN for a bad spec (no grid or places, a place
 *         out of range, an aspatial grid, a place with no populated cells,
 *         an unknown extension, too many radii); IG_ERR_NOT_FOUND for an
 *         unknown group, column or measure; IG_ERR_IO when the output or
 *         its temporary files cannot be written (the message names the
 *         path and says why); IG_ERR_CANCELLED; IG_ERR_NOMEM; errors of
 *         the computations it composes.
 */
IG_API ig_status ig_report_write(ig_ctx *ctx, const ig_report_spec *spec,
                                 const char *path, ig_report_result *res,
                                 ig_error *err);

/** @} */

#ifdef __cplusplus
}
#endif
#endif /* IG_REPORT_H */
