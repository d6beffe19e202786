/* The delimited-text engine shared by the csv and eurostat readers: the
 * schema resolved from the header (table_setup.c), the per-block parser
 * (table_parse.c) and the in-order commit to the grid builder
 * (table_commit.c). The schema is read-only while blocks are parsed, so
 * any number of threads may parse at once. */
#ifndef IG_IO_TABLE_H
#define IG_IO_TABLE_H

#include <stdint.h>

#include "core/core.h"
#include "io/io_internal.h"

/* What a column is used for. */
enum { K_SKIP = 0, K_NUM, K_FLAG, K_STR, K_CODE };

/* How rows are located. */
enum { M_CODE = 0, M_XY, M_UNIT, M_LONG };

typedef struct tbl_term {
    int32_t a, b; /* numeric slots; b < 0 for a plain term */
    int op;
} tbl_term;

/* One parsed block: rows as structure-of-arrays, strings in an arena. */
typedef struct tbl_res {
    size_t n, cap;
    ig_cell *cells;     /* M_CODE, M_XY */
    double *counts;     /* n * n_groups (M_LONG: n) */
    uint8_t *na;        /* n * n_groups (M_LONG: n) */
    uint8_t *any_na;    /* n */
    uint8_t *flagged;   /* n */
    uint8_t *unit_code; /* M_LONG: 1 when the unit parsed as a cell code */
    double *total;      /* n when a total column is used */
    double *vars;       /* n * n_vars */
    size_t *unit_off;   /* M_UNIT, M_LONG: unit name in the arena */
    size_t *group_off;  /* M_LONG: group value */
    size_t *place_off, *within_off;
    long *line; /* line of each row, relative to the block */
    char *arena;
    size_t alen, acap;
    char *scratch; /* unescaped quoted field */
    size_t scap;
    /* per-row temporaries, sized by the schema */
    double *val;
    uint8_t *vna, *vflag;
    long *vpos;
    size_t *soff;
    ig_cell cell;
    int cell_ok;
    /* block totals */
    long n_lines;
    uint64_t rows;
    uint64_t flagged_rows;
    uint64_t total_fixed;
    long total_fixed_line;
    /* first failure in the block */
    ig_status st;
    long err_line, err_col;
    char err_msg[IG_ERROR_MSG_MAX];
} tbl_res;

typedef struct tbl {
    ig_ctx *ctx;
    const ig_read_opts *o;
    const char *name;
    const char *format;
    int flavour;
    int forced;
    char delim, dec, libc_dp;
    int dec_comma;
    uint8_t cls[256];
    size_t max_line;
    /* missing-value sentinels */
    char **na;
    size_t *na_len;
    size_t n_na;
    uint8_t na_first[256];
    /* header */
    size_t ncols;
    char **cols;
    uint8_t *kind;
    int32_t *slot;
    long header_lines;
    size_t data_start; /* offset of the first data line in block 0 */
    /* numeric slots */
    size_t n_num;
    int32_t *num_col;
    int32_t *num_flag;  /* flag slot or -1 */
    uint8_t *num_count; /* 1: a count (>= 0); 0: coordinate or variable */
    size_t n_flag;
    int32_t *flag_col;
    size_t n_str;
    int32_t *str_col;
    /* locating rows */
    int mode;
    int32_t code_col;
    int32_t x_slot, y_slot;
    int origin; /* IG_ORIGIN_LL / IG_ORIGIN_CENTRE */
    int32_t size_m, epsg;
    int32_t unit_str, group_str, count_slot;
    int32_t place_str, within_str;
    /* groups */
    size_t n_groups;
    char **group_names;
    size_t *term_start; /* n_groups + 1 */
    tbl_term *terms;
    int32_t total_slot;
    size_t n_vars;
    int32_t *var_slot;
    char **var_names;
    int na_as_zero;
    /* committing */
    ig_grid_builder *b;
    long base_line;
    uint64_t rows;
    uint64_t flagged;
    uint64_t total_fixed;
    long total_fixed_line;
    /* long format accumulation */
    struct tbl_long *lg;
} tbl;

void *ig__tbl_res_new(void *ud);
void ig__tbl_res_free(void *ud, void *res);
void ig__tbl_parse(void *ud, const ig__block *b, void *res);
ig_status ig__tbl_commit(void *ud, const ig__block *b, void *res,
                         ig_error *err);
/* After the last block: build the grid. */
ig_status ig__tbl_finish(tbl *t, ig_grid **out, ig_error *err);
void ig__tbl_long_free(tbl *t);

#endif /* IG_IO_TABLE_H */
