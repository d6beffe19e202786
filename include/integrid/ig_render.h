/** @file ig_render.h
 *  @brief Maps and charts: classification of values (quantiles, equal
 *  intervals, exact Jenks natural breaks, fixed breaks), colour-blind-safe
 *  palettes, maps of grids and charts for reports (profile lines with
 *  confidence bands, bars, strip plots, histograms, Lorenz curves, radar)
 *  drawn with cairo to PNG, SVG or PDF.
 *
 *  A map draws cells as squares of the grid's CRS (EPSG:3035), one colour
 *  per class, with a legend, a scale bar, a title, a data-source line and
 *  a date laid out in margins around the map, so they never cover data.
 *  Cells are merged into runs per row (one rectangle per run of equal
 *  colour); when cells are smaller than a pixel they are rasterised into
 *  an image at the output resolution instead. See docs/render.md.
 *
 *  Drawing uses cairo (a dependency of the render module); the
 *  classification and the palettes need nothing but libm. */
#ifndef IG_RENDER_H
#define IG_RENDER_H

#include <stddef.h>
#include <stdint.h>

#include "integrid/ig_boundaries.h"
#include "integrid/ig_ctx.h"
#include "integrid/ig_export.h"
#include "integrid/ig_local.h"
#include "integrid/ig_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @defgroup ig_classify Classification
 *  @{ */

/** Most classes a classification or a map makes. */
#define IG_CLASSES_MAX 20

/** How values are cut into classes. */
typedef enum ig_classify_method {
    IG_CLASSIFY_QUANTILE = 0, /**< equal numbers of values per class */
    IG_CLASSIFY_EQUAL = 1,    /**< equal intervals between min and max */
    IG_CLASSIFY_JENKS = 2,    /**< Jenks natural breaks: the exact optimum
                                   (least within-class sum of squares) */
    IG_CLASSIFY_FIXED = 3     /**< breaks given by the caller */
} ig_classify_method;

/** A classification. Class i holds the values v with
 *  breaks[i] < v <= breaks[i + 1]; class 0 also holds breaks[0]. */
typedef struct ig_classes {
    size_t n_classes;                   /**< classes made, 1..IG_CLASSES_MAX */
    double breaks[IG_CLASSES_MAX + 1];  /**< n_classes + 1 ascending bounds:
                                             breaks[0] is the minimum,
                                             breaks[n_classes] the maximum */
    size_t counts[IG_CLASSES_MAX];      /**< values in each class */
    size_t n_values;                    /**< finite values classified */
    size_t n_missing;                   /**< NaN values left out */
    double gvf;                         /**< goodness of variance fit,
                                             1 - SSE/SST, in [0, 1] */
} ig_classes;

/** Parse "quantile", "equal", "jenks" or "fixed".
 *  @return IG_OK; IG_ERR_NOT_FOUND for another name. */
IG_API ig_status ig_classify_parse(const char *name, ig_classify_method *out);
/** Name of @p m ("quantile", ...); static, "" for an unknown value. */
IG_API const char *ig_classify_name(ig_classify_method m);

/**
 * Cut @p values into classes.
 *
 * NaN values are left out (counted in n_missing); infinities are an
 * error. Quantile breaks are values of the data (the value at rank
 * ceil(i n / k) of the sorted values), so ties can merge classes: fewer
 * classes than asked are then made. Equal intervals cut [min, max] into
 * @p n_classes parts. Jenks breaks minimise the total within-class sum of
 * squared deviations exactly (not a heuristic): the values are sorted and
 * merged into distinct values with weights, and the Fisher-Jenks dynamic
 * program runs with the divide-and-conquer optimisation, which is exact
 * because the cost is a Monge array for sorted one-dimensional data;
 * O(k m log m) time for m distinct values and k classes, with k m
 * 32-bit back pointers. Equal values are never split across classes. Fixed
 * breaks are the inner bounds b1 < b2 < ... (n_fixed of them, making
 * n_fixed + 1 classes); breaks[0] and breaks[n] are the data minimum and
 * maximum, or the outer fixed bounds when the data lie inside them.
 *
 * @param ctx        context (memory), or NULL
 * @param values     n values, borrowed
 * @param n          number of values
 * @param method     the method
 * @param n_classes  classes wanted, 2..IG_CLASSES_MAX (ignored for fixed
 *                   breaks)
 * @param fixed      inner breaks for IG_CLASSIFY_FIXED, strictly
 *                   ascending and finite; else NULL
 * @param n_fixed    number of fixed breaks, 1..IG_CLASSES_MAX - 1
 * @param out        receives the classes; set only on success
 * @param err        error detail, or NULL
 * @return IG_OK; IG_ERR_DOMAIN for a bad class count, bad fixed breaks or
 *         an infinite value; IG_ERR_NUMERIC when there is no finite value
 *         or every value is the same (there are no breaks to draw; the
 *         message says so); IG_ERR_NOMEM.
 */
IG_API ig_status ig_classify(ig_ctx *ctx, const double *values, size_t n,
                             ig_classify_method method, size_t n_classes,
                             const double *fixed, size_t n_fixed,
                             ig_classes *out, ig_error *err);

/** Class of value @p v: the first class i with v <= breaks[i + 1];
 *  (size_t)-1 for NaN and for values outside [breaks[0], breaks[n]]. */
IG_API size_t ig_classes_find(const ig_classes *c, double v);
/** @} */

/** @defgroup ig_palette Palettes
 *  @{ */

/** A colour, sRGB, 8 bits per channel. */
typedef struct ig_rgb {
    uint8_t r, g, b;
} ig_rgb;

/** Kinds of palettes. */
typedef enum ig_palette_kind {
    IG_PALETTE_SEQUENTIAL = 0, /**< low to high */
    IG_PALETTE_DIVERGING = 1   /**< two hues around a neutral midpoint */
} ig_palette_kind;

/** A registered palette (static storage). */
typedef struct ig_palette_info {
    const char *name;       /**< "viridis", "Blues", "RdBu", ... */
    ig_palette_kind kind;
    size_t max_classes;     /**< most classes it tells apart */
    const char *source;     /**< where the colours come from */
} ig_palette_info;

/** Number of palettes. */
IG_API size_t ig_palette_count(void);
/** Palette @p i; NULL when out of range. */
IG_API const ig_palette_info *ig_palette_get(size_t i);
/** Palette called @p name (exact; a suffix "_r" names the reversed
 *  palette and finds the same entry); NULL when there is none. */
IG_API const ig_palette_info *ig_palette_find(const char *name);

/**
 * @p n colours of palette @p name, sampled evenly along its colour ramp
 * (linear interpolation in sRGB between its anchor colours), from low to
 * high; a name ending in "_r" reverses the order.
 *
 * @return IG_OK; IG_ERR_NOT_FOUND for an unknown palette (the message
 *         lists them); IG_ERR_DOMAIN when @p n is 0 or above the
 *         palette's max_classes (the message says how many it has).
 */
IG_API ig_status ig_palette_colours(const char *name, size_t n, ig_rgb *out,
                                    ig_error *err);

/** Colour of a hot-spot or LISA class (a categorical palette drawn from
 *  ColorBrewer RdBu: hot spots and HH red, cold spots and LL blue, not
 *  significant light grey). */
IG_API ig_rgb ig_palette_class_colour(ig_local_class c);
/** Legend text of a class, e.g. "Hot spot (99 % confidence)", "Not
 *  significant", "High among high (HH)"; static, "" for NONE. */
IG_API const char *ig_palette_class_label(ig_local_class c);
/** @} */

/** @defgroup ig_map Maps
 *  @{ */

/** Category index of a cell that has none (drawn as "no value"). */
#define IG_MAP_NO_CATEGORY 255
/** Most categories of a categorical map. */
#define IG_MAP_MAX_CATEGORIES 32
/** Every place of the boundaries (ig_map_spec.boundary_place). */
#define IG_MAP_ALL_PLACES ((size_t)-1)

/** One category of a categorical map (e.g. a hot-spot class). */
typedef struct ig_map_category {
    const char *label; /**< legend text, borrowed */
    ig_rgb colour;
} ig_map_category;

/** A text label at a point of the map (e.g. a place name): a dot at the
 *  point, the text beside it. */
typedef struct ig_map_label {
    double x_m, y_m;  /**< easting, northing in the grid's CRS */
    const char *text; /**< borrowed */
} ig_map_label;

/** Raster or vector cells (ig_map_spec.raster). */
typedef enum ig_map_raster {
    IG_MAP_RASTER_AUTO = 0,  /**< raster when a cell is under 1 pixel */
    IG_MAP_RASTER_NEVER = 1, /**< always one rectangle per run */
    IG_MAP_RASTER_ALWAYS = 2 /**< always an image at the output size */
} ig_map_raster;

/** What to draw. ig_map_spec_init() sets the defaults; everything
 *  pointed to is borrowed for the call. */
typedef struct ig_map_spec {
    /* cells */
    size_t n_cells;          /**< cells to draw (may be 0: "no data") */
    const int32_t *rows;     /**< lattice row of each cell (northing /
                                  cell size) */
    const int32_t *cols;     /**< lattice column (easting / cell size) */
    int32_t cell_size_m;     /**< cell edge, metres (> 0) */
    int32_t epsg;            /**< CRS code for the footer; 0: 3035 */
    /** Value of each cell (NaN: no value), classified with method,
     *  n_classes and breaks; ignored when category is given. */
    const double *values;
    /** Category of each cell (index into categories, or
     *  IG_MAP_NO_CATEGORY), for categorical maps; NULL otherwise. */
    const uint8_t *category;
    const ig_map_category *categories; /**< n_categories entries */
    size_t n_categories;     /**< <= IG_MAP_MAX_CATEGORIES */
    /* classification of values */
    ig_classify_method method; /**< IG_CLASSIFY_QUANTILE */
    size_t n_classes;          /**< 5 */
    const double *breaks;      /**< inner breaks for IG_CLASSIFY_FIXED */
    size_t n_breaks;
    const char *palette;       /**< NULL: "viridis" */
    int percent;               /**< 1: values are shares, labelled in % */
    /* outlines and labels */
    /** Outline id of each cell, or NULL: an edge of a cell with id != 0 is
     *  outlined where the cell across it is missing or has another id
     *  (the outline of a place's cells). Not drawn when a cell is under
     *  2 pixels wide (the lines would cover the cells). */
    const uint32_t *outline_id;
    /** Polygons to outline (a boundary file), or NULL. */
    const ig_boundaries *boundaries;
    size_t boundary_place;     /**< a place of @p boundaries, or
                                    IG_MAP_ALL_PLACES */
    const ig_map_label *labels;
    size_t n_labels;
    /* text */
    const char *title;         /**< NULL: none */
    const char *legend_title;  /**< NULL: none */
    const char *note;          /**< a line under the title, or NULL */
    const char *source;        /**< data-source line, or NULL */
    const char *date;          /**< date line (e.g. "2026-11-23"), or NULL;
                                    the library never reads the clock */
    /* output */
    int width_px;              /**< page width: pixels (PNG) or points
                                    (SVG, PDF); 200..20000; 1200 */
    ig_map_raster raster;      /**< IG_MAP_RASTER_AUTO */
} ig_map_spec;

/** Set @p s to the defaults. */
IG_API void ig_map_spec_init(ig_map_spec *s);

/** Release the font caches cairo and fontconfig keep for the life of the
 *  process, so that leak checkers (valgrind) see only real leaks. Call it
 *  at most once, at exit, when no thread draws any more; drawing after it
 *  is not supported. */
IG_API void ig_render_cleanup(void);

/** Output formats, from the file name. */
typedef enum ig_map_format {
    IG_MAP_PNG = 0,
    IG_MAP_SVG = 1,
    IG_MAP_PDF = 2
} ig_map_format;

/** What ig_map_render() drew. */
typedef enum ig_map_state {
    IG_MAP_DRAWN = 0,  /**< classes drawn */
    IG_MAP_SINGLE = 1, /**< every value is the same: one class drawn, with
                            the reason (message) on the map */
    IG_MAP_NO_DATA = 2 /**< no cell has a value: an empty frame with the
                            reason (message) on it */
} ig_map_state;

/** Most legend entries: classes or categories, plus "no value". */
#define IG_MAP_LEGEND_MAX (IG_MAP_MAX_CATEGORIES + 1)

/** A summary of a drawn map, for tests and reports. */
typedef struct ig_map_result {
    ig_map_format format;
    ig_map_state state;
    char message[256];       /**< why, when state != IG_MAP_DRAWN */
    int width, height;       /**< page size, pixels or points */
    double map_x, map_y, map_w, map_h; /**< the data frame on the page */
    size_t cells_drawn;      /**< cells coloured (no-value cells too) */
    size_t cells_no_value;   /**< cells drawn as "no value" */
    size_t runs;             /**< rectangles filled (vector cells) */
    int rasterised;          /**< 1: cells went into an image */
    size_t outline_segments; /**< cell-outline segments drawn */
    size_t outline_rings;    /**< boundary rings drawn */
    ig_classes classes;      /**< continuous maps: the classes */
    size_t n_legend;         /**< legend entries */
    char legend[IG_MAP_LEGEND_MAX][64]; /**< their texts */
    ig_rgb legend_colour[IG_MAP_LEGEND_MAX];
    size_t legend_count[IG_MAP_LEGEND_MAX]; /**< cells per entry */
    char scale_label[32];    /**< e.g. "5 km" */
} ig_map_result;

/** Output format of @p path from its extension (.png, .svg, .pdf, any
 *  case). @return IG_OK; IG_ERR_DOMAIN for another extension. */
IG_API ig_status ig_map_format_of(const char *path, ig_map_format *out);

/**
 * Draw a map and write it to @p path, atomically: the file is written to
 * a temporary file in the same directory and renamed over @p path only
 * when complete, so a failure leaves no partial file and an existing file
 * untouched.
 *
 * Values are classified by ig_classify(). When every value is the same,
 * the map is drawn with one class and says so (state IG_MAP_SINGLE); when
 * no cell has a value (or there are no cells), an empty frame says "No
 * data" and why (IG_MAP_NO_DATA). Cairo allocates its own memory outside
 * the context's allocator.
 *
 * @param ctx   context (memory), or NULL
 * @param spec  what to draw, borrowed
 * @param path  output file; the extension picks PNG, SVG or PDF
 * @param res   receives a summary, or NULL
 * @param err   error detail, or NULL
 * @return IG_OK; IG_ERR_DOMAIN for a bad spec (missing arrays, a cell
 *         size <= 0, a width out of range, an unknown extension, bad
 *         breaks or class count, a category out of range); IG_ERR_NOT_FOUND
 *         for an unknown palette; IG_ERR_IO when the file cannot be
 *         created or written (the message names it and says why);
 *         IG_ERR_NOMEM.
 */
IG_API ig_status ig_map_render(ig_ctx *ctx, const ig_map_spec *spec,
                               const char *path, ig_map_result *res,
                               ig_error *err);
/** @} */


/** @defgroup ig_chart Charts
 *  Charts for the report (issue #6): a multi-scale profile (lines with
 *  confidence bands), bars (change between censuses, policy scores), a
 *  strip plot (a place among its peers, per measure), a histogram of cell
 *  values and a Lorenz curve with its Gini coefficient. Output as for maps
 *  (PNG, SVG or PDF by extension, written atomically); the layout keeps
 *  title, axes, legend and footer in their own bands. See docs/render.md.
 *  @{ */

/** Texts of a chart; every field may be NULL. Borrowed. */
typedef struct ig_chart_text {
    const char *title;
    const char *note;    /**< a line under the title */
    const char *x_label;
    const char *y_label;
    const char *source;  /**< footer: data source */
    const char *date;    /**< footer: date; the library never reads the
                              clock */
} ig_chart_text;

/** One line of ig_chart_lines(). Borrowed. */
typedef struct ig_chart_series {
    const char *label; /**< legend text */
    const double *y;   /**< n_points values; NaN leaves a gap */
    const double *lo;  /**< lower bound of a confidence band, or NULL */
    const double *hi;  /**< upper bound, or NULL (both or neither) */
} ig_chart_series;

/** Most series of a line chart (colours of the Okabe-Ito palette). */
#define IG_CHART_MAX_SERIES 8

/** What a chart function drew, for tests and reports. */
typedef struct ig_chart_result {
    ig_map_format format;
    int width, height;                     /**< page, pixels or points */
    double plot_x, plot_y, plot_w, plot_h; /**< the plot area */
    double x_min, x_max, y_min, y_max;     /**< axis ranges */
    size_t n_series; /**< lines (or legend entries) */
    size_t points;   /**< line vertices drawn */
    size_t bands;    /**< confidence bands drawn */
    size_t bars;     /**< bars drawn */
    size_t whiskers; /**< interval whiskers drawn */
    size_t dots;     /**< dots drawn */
    size_t ticks_x, ticks_y; /**< labelled ticks */
    double gini;     /**< ig_chart_lorenz(): the Gini coefficient; else
                          NaN */
} ig_chart_result;

/**
 * Lines over a common x axis, e.g. a segregation profile: a measure
 * against the radius (or k), one line per group, with confidence bands
 * when lo/hi are given. With @p log_x the x axis is logarithmic and
 * ticked at the x values (radii 100, 200, 500, ... read best so).
 *
 * @param x         n_points strictly ascending values (> 0 with log_x)
 * @param series    n_series lines, 1..IG_CHART_MAX_SERIES
 * @param width_px  page width, 200..20000; 0 for 900
 * @return IG_OK; IG_ERR_DOMAIN for bad arguments (no points, x not
 *         ascending, a band with only one side, no finite y at all, an
 *         unknown extension); IG_ERR_IO; IG_ERR_NOMEM.
 */
IG_API ig_status ig_chart_lines(ig_ctx *ctx, const ig_chart_text *text,
                                const double *x, size_t n_points,
                                const ig_chart_series *series,
                                size_t n_series, int log_x, int width_px,
                                const char *path, ig_chart_result *res,
                                ig_error *err);

/**
 * Horizontal bars, one per label, from zero: negative values to the left
 * (blue), positive to the right (red), e.g. the change of a measure
 * between two censuses, or policy scores by area (all positive). With
 * lo/hi, interval whiskers are drawn. NaN values are labelled "n/a".
 *
 * @return as ig_chart_lines().
 */
IG_API ig_status ig_chart_bars(ig_ctx *ctx, const ig_chart_text *text,
                               const char *const *labels,
                               const double *values, const double *lo,
                               const double *hi, size_t n, int width_px,
                               const char *path, ig_chart_result *res,
                               ig_error *err);

/**
 * A strip plot: one row per measure, the peers' values as grey dots on
 * the row's own scale (its minimum and maximum are written at the ends)
 * and the place's value as a larger red dot with its value, e.g. a place
 * against its peers. NaN values are skipped.
 *
 * @param rows       n_rows row labels (measure names)
 * @param values     n_rows arrays of peer values; values[r] has
 *                   n_values[r] entries
 * @param highlight  n_rows values of the place (NaN: none)
 * @param highlight_label  legend text of the place, e.g. its name
 * @return as ig_chart_lines().
 */
IG_API ig_status ig_chart_strip(ig_ctx *ctx, const ig_chart_text *text,
                                const char *const *rows, size_t n_rows,
                                const double *const *values,
                                const size_t *n_values,
                                const double *highlight,
                                const char *highlight_label, int width_px,
                                const char *path, ig_chart_result *res,
                                ig_error *err);

/**
 * A histogram of values (e.g. the group's share of each cell) in n_bins
 * equal bins over [min, max]; NaN values are left out (and counted in the
 * note). All-equal values give one bar.
 *
 * @return as ig_chart_lines(); IG_ERR_NUMERIC when no value is finite.
 */
IG_API ig_status ig_chart_histogram(ig_ctx *ctx, const ig_chart_text *text,
                                    const double *values, size_t n,
                                    size_t n_bins, int width_px,
                                    const char *path, ig_chart_result *res,
                                    ig_error *err);

/**
 * A Lorenz curve: cells ordered by the group's share group[i] / total[i]
 * (ascending; cells where both are 0 left out, cells with only the group
 * last), x the cumulative share of the
 * total population, y the cumulative share of the group; with the
 * diagonal of an even spread and the Gini coefficient
 * G = 1 - sum_i (x_i - x_{i-1}) (y_i + y_{i-1}) (compensated sums), which
 * is also returned in res->gini. For the segregation Gini of a group
 * against the rest, pass the rest as @p total. Long curves are drawn with
 * one vertex per half pixel; the Gini uses every cell.
 *
 * @return as ig_chart_lines(); IG_ERR_NUMERIC when the group or the total
 *         is 0 everywhere; IG_ERR_DOMAIN for a negative or non-finite
 *         count.
 */
IG_API ig_status ig_chart_lorenz(ig_ctx *ctx, const ig_chart_text *text,
                                 const double *group, const double *total,
                                 size_t n, int width_px, const char *path,
                                 ig_chart_result *res, ig_error *err);

/**
 * A radar chart: one spoke per label (3 or more), values from 0 at the
 * centre to @p max_value at the rim (rings at quarters, labelled), one
 * translucent polygon per series (e.g. a place's policy scores by
 * checklist area, and its peers' median). Only the series' y values are
 * used; NaN values are drawn at 0 and their spoke is labelled "(n/a)",
 * negative values are drawn at 0, values above the rim at the rim.
 *
 * @param max_value  the rim, > 0 (e.g. 100 for scores in per cent)
 * @return as ig_chart_lines(); IG_ERR_DOMAIN also for fewer than 3
 *         spokes or a max_value that is not positive.
 */
IG_API ig_status ig_chart_radar(ig_ctx *ctx, const ig_chart_text *text,
                                const char *const *labels, size_t n_axes,
                                const ig_chart_series *series,
                                size_t n_series, double max_value,
                                int width_px, const char *path,
                                ig_chart_result *res, ig_error *err);
/** @} */

#ifdef __cplusplus
}
#endif
#endif /* IG_RENDER_H */
