/* Contiguity-adjusted dissimilarity on the lattice: Morrill's D(adj) and
 * Wong's D(w) and D(s) (docs/measures/spatial_dissimilarity.md and the
 * two pages after it).
 *
 * All three are D minus a weighted mean of |p_i - p_j| over neighbouring
 * populated cells. The neighbours come from one linear merge over the
 * cells sorted by (row, col): the right neighbour is the next cell, the
 * ones above are found with a pointer that only moves forward through the
 * next row, so a place of n cells costs O(n log n) for the sort and O(n)
 * after it. Cells without residents have no share p_i: they are left out
 * (no pairs, no shared boundary), as seg and OasisR drop them. On the
 * lattice every shared boundary is one cell side and diagonal neighbours
 * share only a corner, so D(w) equals D(adj) with rook contiguity, and
 * D(s) differs from D(w) only through the perimeters of cells at the
 * place's edge (Wong 1993 counts only boundaries shared with other
 * units). D(s) takes perimeter and area from the same geometry, the
 * cell's square: a land area (a coastal sliver of 0.01 km2) with the
 * square's full sides would give one cell a ratio 100 times the others'
 * and, through max PA, shrink every other pair's weight towards 0. */
#include <math.h>

#include "measures/spatial/spatial_common.h"

typedef void (*edge_fn)(void *ud, size_t i, size_t j);

/* Call fn once for every unordered pair of neighbouring cells: rook pairs
 * always, diagonal pairs too when queen. */
static void for_each_edge(const ig__cells *c, int queen, edge_fn fn, void *ud)
{
    size_t n = c->n, row_end = 0, up_hi = 0, q = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t r = c->row[i], col = c->col[i];
        if (i == 0 || c->row[i] != c->row[i - 1]) {
            row_end = i;
            while (row_end < n && c->row[row_end] == r) row_end++;
            q = up_hi = row_end;
            if (row_end < n && (int64_t)c->row[row_end] == r + 1)
                while (up_hi < n && c->row[up_hi] == c->row[row_end]) up_hi++;
        }
        if (i + 1 < row_end && (int64_t)c->col[i + 1] == col + 1)
            fn(ud, i, i + 1);
        while (q < up_hi && (int64_t)c->col[q] < col - 1) q++;
        for (size_t k = q; k < up_hi && (int64_t)c->col[k] <= col + 1; k++)
            if ((int64_t)c->col[k] == col || queen) fn(ud, i, k);
    }
}

/* D over the cells (units on one cell added together). */
static double dissim(const ig__cells *c)
{
    ig_ksum k;
    ig_ksum_init(&k);
    for (size_t i = 0; i < c->n; i++)
        ig_ksum_add(&k, fabs(c->x[i] / c->X - (c->t[i] - c->x[i]) / c->Y));
    return 0.5 * ig_ksum_value(&k);
}

typedef struct adj_acc {
    const ig__cells *c;
    const double *pa; /* D(s): perimeter/area ratio per cell, else NULL */
    double *deg;      /* degree counting pass: rook neighbours per cell */
    ig_ksum sum;      /* sum of weighted |p_i - p_j| */
    size_t pairs;
} adj_acc;

static void on_pair(void *ud, size_t i, size_t j)
{
    adj_acc *a = ud;
    const ig__cells *c = a->c;
    if (!(c->t[i] > 0.0) || !(c->t[j] > 0.0)) return;
    a->pairs++;
    if (a->deg) {
        a->deg[i] += 1.0;
        a->deg[j] += 1.0;
        return;
    }
    double d = fabs(c->x[i] / c->t[i] - c->x[j] / c->t[j]);
    ig_ksum_add(&a->sum, a->pa ? d * (a->pa[i] + a->pa[j]) : d);
}

static ig_status no_pairs(const ig__min *in, const char *name, const char *kind)
{
    return ig__error_set(in->err, IG_ERR_NUMERIC, 0, 0,
                         "%s: undefined: no two populated cells of this "
                         "place are %s neighbours, so there is no "
                         "contiguity to adjust D for",
                         name, kind);
}

/* which: 0 D(adj) (in->p->adjacency), 1 D(w), 2 D(s). */
static ig_status contiguity(const ig__min *in, const char *name, int which,
                            double *value)
{
    ig__single s;
    ig_status st = ig__single_setup(in, name, 0, &s);
    if (st != IG_OK) return st;
    ig__cells c;
    st = ig__cells_build(in, name, &c);
    if (st != IG_OK) return st;
    int queen = which == 0 && in->p->adjacency == 8;
    const char *kind = queen ? "queen (8-cell)" : "rook (4-cell)";
    adj_acc acc = {&c, NULL, NULL, {0.0, 0.0}, 0};
    double *pa = NULL;
    double maxpa = 0.0;
    if (which == 2) {
        pa = ig__calloc(in->ctx, c.n ? c.n : 1, sizeof *pa);
        if (!pa) {
            st = ig__error_set(in->err, IG_ERR_NOMEM, 0, 0, "%s: out of memory",
                               name);
            goto done;
        }
        acc.deg = pa;
        for_each_edge(&c, 0, on_pair, &acc);
        /* Perimeter = the sides shared with other populated cells of the
         * place (Wong 1993, p. 566: the study area's boundary does not
         * count), area = the square: PA_i is the number of such sides
         * times 1 / cell side, which cancels in PA_i / max PA. */
        for (size_t i = 0; i < c.n; i++)
            if (pa[i] > maxpa) maxpa = pa[i];
        acc.deg = NULL;
        acc.pa = pa;
        acc.pairs = 0;
    }
    for_each_edge(&c, queen, on_pair, &acc);
    if (acc.pairs == 0) {
        st = no_pairs(in, name, kind);
        goto done;
    }
    double adj = ig_ksum_value(&acc.sum) / (double)acc.pairs;
    if (which == 2) adj /= 2.0 * maxpa;
    *value = dissim(&c) - adj;
done:
    ig__free(in->ctx, pa, (c.n ? c.n : 1) * sizeof *pa);
    ig__cells_free(in->ctx, &c);
    return st;
}

ig_status ig__m_spatial_dissimilarity(const ig__min *in, double *value)
{
    return contiguity(in, "spatial_dissimilarity", 0, value);
}

ig_status ig__m_boundary_spatial_dissimilarity(const ig__min *in, double *value)
{
    return contiguity(in, "boundary_spatial_dissimilarity", 1, value);
}

ig_status ig__m_perimeter_area_ratio_spatial_dissimilarity(const ig__min *in,
                                                           double *value)
{
    return contiguity(in, "perimeter_area_ratio_spatial_dissimilarity", 2,
                      value);
}
