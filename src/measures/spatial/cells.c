/* Units to sorted, distinct cells (spatial_common.h). One sort of (row,
 * col, input position) keys with qsort: the position breaks ties so the
 * order is total and units of one cell are added in input order. The
 * sums X, Y and T are recomputed over the cells, compensated, in cell
 * order, so every spatial measure uses totals that agree with its cells
 * to the last bit. */
#include <stdlib.h>
#include <string.h>

#include "measures/spatial/spatial_common.h"

typedef struct cell_key {
    int32_t row, col;
    size_t idx;
} cell_key;

static int cmp_key(const void *pa, const void *pb)
{
    const cell_key *a = pa, *b = pb;
    if (a->row != b->row) return a->row < b->row ? -1 : 1;
    if (a->col != b->col) return a->col < b->col ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

void ig__cells_free(ig_ctx *ctx, ig__cells *c)
{
    size_t n = c->cap;
    ig__free(ctx, c->row, n * sizeof *c->row);
    ig__free(ctx, c->col, n * sizeof *c->col);
    ig__free(ctx, c->x, n * sizeof *c->x);
    ig__free(ctx, c->t, n * sizeof *c->t);
    ig__free(ctx, c->a, n * sizeof *c->a);
    memset(c, 0, sizeof *c);
}

ig_status ig__cells_build(const ig__min *in, const char *name, ig__cells *c)
{
    ig_ctx *ctx = in->ctx;
    size_t n = in->n;
    memset(c, 0, sizeof *c);
    c->cell_km = (double)in->cell_m / 1000.0;
    size_t cap = n ? n : 1;
    cell_key *key = ig__calloc(ctx, cap, sizeof *key);
    c->cap = cap;
    c->row = ig__calloc(ctx, cap, sizeof *c->row);
    c->col = ig__calloc(ctx, cap, sizeof *c->col);
    c->x = ig__calloc(ctx, cap, sizeof *c->x);
    c->t = ig__calloc(ctx, cap, sizeof *c->t);
    c->a = ig__calloc(ctx, cap, sizeof *c->a);
    if (!key || !c->row || !c->col || !c->x || !c->t || !c->a) {
        ig__free(ctx, key, cap * sizeof *key);
        ig__cells_free(ctx, c);
        return ig__error_set(in->err, IG_ERR_NOMEM, 0, 0, "%s: out of memory",
                             name);
    }
    for (size_t i = 0; i < n; i++) {
        key[i].row = in->row[i];
        key[i].col = in->col[i];
        key[i].idx = i;
    }
    qsort(key, n, sizeof *key, cmp_key);
    size_t m = 0;
    for (size_t k = 0; k < n; k++) {
        size_t i = key[k].idx;
        double xi = in->x[i], ti = in->t[i], ai = ig__unit_area(in, i);
        if (m > 0 && c->row[m - 1] == key[k].row &&
            c->col[m - 1] == key[k].col) {
            c->x[m - 1] += xi;
            c->t[m - 1] += ti;
            c->a[m - 1] += ai;
            continue;
        }
        c->row[m] = key[k].row;
        c->col[m] = key[k].col;
        c->x[m] = xi;
        c->t[m] = ti;
        c->a[m] = ai;
        m++;
    }
    ig__free(ctx, key, cap * sizeof *key);
    for (size_t k = 0; k < m; k++) {
        if (!(c->a[k] >= 0.0) || !isfinite(c->a[k])) {
            ig_status st = ig__error_set(
                in->err, IG_ERR_DOMAIN, 0, 0,
                "%s: the cell at row %ld, column %ld has a land area of %g "
                "km2; land areas must be finite and >= 0",
                name, (long)c->row[k], (long)c->col[k], c->a[k]);
            ig__cells_free(ctx, c);
            return st;
        }
    }
    /* The arrays keep their capacity; only the first m are cells. */
    ig_ksum kx, ky, kt;
    ig_ksum_init(&kx);
    ig_ksum_init(&ky);
    ig_ksum_init(&kt);
    for (size_t k = 0; k < m; k++) {
        ig_ksum_add(&kx, c->x[k]);
        ig_ksum_add(&ky, c->t[k] - c->x[k]);
        ig_ksum_add(&kt, c->t[k]);
    }
    c->X = ig_ksum_value(&kx);
    c->Y = ig_ksum_value(&ky);
    c->T = ig_ksum_value(&kt);
    c->n = m;
    return IG_OK;
}
