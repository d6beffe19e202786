/** @file ig_io.h
 *  @brief Reading grids: a registry of readers (identify cheaply, then open)
 *  and the options that describe a file's quirks.
 *
 *  If a function that takes a progress callback returns an error, the
 *  callback is not called again after the error. */
#ifndef IG_IO_H
#define IG_IO_H

#include <stddef.h>
#include <stdint.h>

#include "integrid/ig_ctx.h"
#include "integrid/ig_export.h"
#include "integrid/ig_grid.h"
#include "integrid/ig_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Where x/y columns put the cell's reference point. */
typedef enum ig_origin {
    IG_ORIGIN_AUTO = 0,  /**< from the column names (`*_mp_*`: centre) */
    IG_ORIGIN_LL = 1,    /**< lower-left (south-west) corner */
    IG_ORIGIN_CENTRE = 2 /**< cell centre */
} ig_origin;

/** How to read a file. Initialise with ig_read_opts_init(); every pointer
 *  is borrowed for the duration of the call. */
typedef struct ig_read_opts {
    const char *format;   /**< reader name, NULL to detect */
    char delimiter;       /**< ',', ';', '\t', or 0 to detect */
    int decimal_comma;    /**< -1 detect, 0 decimal point, 1 decimal comma */
    const char *cell_col; /**< cell-code column, NULL to detect */
    const char *x_col;    /**< x column, NULL to detect */
    const char *y_col;    /**< y column, NULL to detect */
    ig_origin origin;     /**< reference point of x/y */
    int32_t cell_size_m;  /**< cell size for x/y input, 0 to detect */
    int32_t epsg;         /**< CRS for x/y input, 0 means 3035 */
    /** Missing-value sentinels, comma-separated ("-1,-9,-9999,.,NA");
     *  NULL means the default "NA,-9999". An empty field is always
     *  "not available". */
    const char *na_values;
    /** Group definitions, each "COL" or "NAME=EXPR" where EXPR is
     *  TERM(+TERM)* and TERM is COL, COL%TOTALCOL (a percentage of a total
     *  column) or COL*TOTALCOL (a fraction of a total column). NULL or
     *  n_groups == 0: a known schema is detected (Eurostat Census 2021:
     *  NAT, EU_OTH, OTH). */
    const char *const *groups;
    size_t n_groups;
    const char *total_col;  /**< population total column, NULL: group sum */
    /** Long format "UNIT_COL,GROUP_COL,COUNT_COL": one row per unit and
     *  group; units need no coordinates. NULL for wide input. */
    const char *long_spec;
    const char *by_col;     /**< split into places by this column */
    const char *within_col; /**< within-grouping for decompositions */
    const char *const *keep; /**< extra numeric columns to keep */
    size_t n_keep;
    int na_as_zero; /**< 1: not-available counts become 0 and are kept */
    int strict;     /**< 1: duplicate cells are an error, not summed */
    uint64_t max_bytes;   /**< stop with IG_ERR_DOMAIN past this many
                               (decompressed) bytes; 0 = no limit */
    size_t max_line_bytes; /**< longest line accepted; 0 = 16 MiB */
    ig_progress_fn progress; /**< may be NULL */
    void *progress_ud;
    /** Extra numeric columns kept when the file has them, after those of
     *  `keep` (e.g. LAND_SURFACE and T for the Degree of Urbanisation);
     *  absent ones are skipped. Ignored for long-format input. */
    const char *const *keep_optional;
    size_t n_keep_optional;
} ig_read_opts;

/** Set @p o to the defaults. */
IG_API void ig_read_opts_init(ig_read_opts *o);

/** Read a grid from a file (plain or gzip-compressed; "-" is standard
 *  input). @p opts may be NULL for defaults.
 *  @return IG_OK; IG_ERR_IO; IG_ERR_FORMAT; IG_ERR_PARSE (with line and
 *  column in @p err); IG_ERR_NOT_FOUND (a column); IG_ERR_DOMAIN;
 *  IG_ERR_MISMATCH (duplicate under strict); IG_ERR_NOMEM;
 *  IG_ERR_CANCELLED. *out is set only on success. */
IG_API ig_status ig_grid_read_path(ig_ctx *ctx, const char *path,
                                   const ig_read_opts *opts, ig_grid **out,
                                   ig_error *err);

/** Read a grid from memory (plain or gzip bytes). @p name is used in
 *  messages. Same statuses as ig_grid_read_path(). */
IG_API ig_status ig_grid_read_mem(ig_ctx *ctx, const void *data, size_t len,
                                  const char *name, const ig_read_opts *opts,
                                  ig_grid **out, ig_error *err);

/** A reader in the registry. */
typedef struct ig_reader_info {
    const char *name;       /**< stable id: "csv" */
    const char *long_name;  /**< one line for `integrid formats` */
    const char *extensions; /**< e.g. "csv,tsv,txt,csv.gz" */
} ig_reader_info;

/** Number of readers compiled in. */
IG_API size_t ig_reader_count(void);
/** Reader @p i (static storage), NULL when out of range. */
IG_API const ig_reader_info *ig_reader_get(size_t i);

/** Parse a group expression "NAME=EXPR" or "COL" (see ig_read_opts.groups)
 *  without reading a file; for checking command lines early.
 *  @return IG_OK or IG_ERR_PARSE with the column in @p err. */
IG_API ig_status ig_group_expr_check(const char *expr, ig_error *err);

#ifdef __cplusplus
}
#endif
#endif /* IG_IO_H */
