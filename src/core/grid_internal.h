/* Internal view of grids, shared by core, io and measures. */
#ifndef IG_GRID_INTERNAL_H
#define IG_GRID_INTERNAL_H

#include "core/core.h"
#include "integrid/ig_grid.h"

struct ig_grid {
    ig_ctx *ctx;
    int32_t size_m; /* 0: aspatial units */
    int32_t epsg;
    size_t n_cells, n_groups, n_vars, n_places, n_within;
    char **group_names;
    char **var_names;
    char **place_names; /* n_places; "all" when not split */
    char **within_names;
    char **unit_names;  /* aspatial only: n_cells names */
    int32_t *row, *col; /* spatial only */
    double **counts;    /* [g][cell] */
    double *total;
    int has_total;
    double **vars;      /* [v][cell] */
    uint8_t **na;       /* [g][cell] or na[g] == NULL when none flagged */
    uint8_t *na_any;    /* NULL when none */
    uint64_t *na_cells; /* per group */
    size_t *place_start; /* n_places + 1 */
    uint32_t *within;    /* NULL when n_within == 0 */
    char *source;
    ig_grid_stats stats;
};

/* Copy the source name (file path) into the grid. */
ig_status ig__grid_set_source(ig_grid *g, const char *source);
/* Copy the reader's statistics: format, delimiter, decimal_comma, gzip,
 * rows_read and cells_flagged; the builder's own counts (duplicates,
 * cells_na) are kept. */
void ig__grid_set_read_stats(ig_grid *g, const ig_grid_stats *s);

#endif /* IG_GRID_INTERNAL_H */
