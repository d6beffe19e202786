/* Absolute and relative centralization ACE and RCE (Massey & Denton 1988;
 * docs/measures/absolute_centralization.md, relative_centralization.md).
 *
 * Cells are ordered by their distance to the centre (the population-
 * weighted centroid of the place, or given coordinates) and the measures
 * are the areas between cumulative curves: ACE = sum_k X_{k-1} A_k -
 * X_k A_{k-1} with the group's and the land's cumulative shares, RCE the
 * same with the group's and the rest's. On a lattice many cells lie at
 * exactly the same distance from the centre; the sum over them depends on
 * the order they are taken in, so cells at one distance form one ring and
 * enter the curves together (pysal leaves that order to argsort). For
 * the ties to be exact, distances are taken in cell units from the first
 * cell (the offsets are integers) to the centre rounded to 1/256 of a
 * cell (4 m on a 1 km grid): then every squared distance is computed
 * without rounding (for places under 370,000 cells across), and equal
 * means equal. Without the rounding, cells equally far from the centre in
 * exact arithmetic would differ in the last bits, and the sums would
 * depend on where the lattice lies. */
#include <math.h>

#include "measures/spatial/spatial_common.h"

/* which: 0 ACE (group against land), 1 RCE (group against the rest). */
static ig_status centralization(const ig__min *in, const char *name, int which,
                                double *value)
{
    ig__single s;
    ig_status st = ig__single_setup(in, name, which == 0, &s);
    if (st != IG_OK) return st;
    ig__cells c;
    st = ig__cells_build(in, name, &c);
    if (st != IG_OK) return st;
    size_t n = c.n;
    double *d2 = ig__calloc(in->ctx, n ? n : 1, sizeof *d2);
    size_t *ord = ig__calloc(in->ctx, n ? n : 1, sizeof *ord);
    if (!d2 || !ord) {
        st = ig__error_set(in->err, IG_ERR_NOMEM, 0, 0, "%s: out of memory",
                           name);
        goto done;
    }
    int64_t r0 = c.row[0], c0 = c.col[0];
    double cu, cv; /* centre in cell units, relative to the first cell's
                      centre */
    if (in->p->centre_given) {
        cu = in->p->centre_x_m / (double)in->cell_m - 0.5 - (double)c0;
        cv = in->p->centre_y_m / (double)in->cell_m - 0.5 - (double)r0;
    } else {
        ig_ksum ku, kv;
        ig_ksum_init(&ku);
        ig_ksum_init(&kv);
        for (size_t i = 0; i < n; i++) {
            ig_ksum_add(&ku, c.t[i] * (double)((int64_t)c.col[i] - c0));
            ig_ksum_add(&kv, c.t[i] * (double)((int64_t)c.row[i] - r0));
        }
        cu = ig_ksum_value(&ku) / c.T;
        cv = ig_ksum_value(&kv) / c.T;
    }
    cu = round(cu * 256.0) / 256.0;
    cv = round(cv * 256.0) / 256.0;
    for (size_t i = 0; i < n; i++) {
        double du = (double)((int64_t)c.col[i] - c0) - cu;
        double dv = (double)((int64_t)c.row[i] - r0) - cv;
        d2[i] = du * du + dv * dv;
        ord[i] = i;
    }
    if (ig__argsort(in->ctx, d2, ord, n) != IG_OK) {
        st = ig__error_set(in->err, IG_ERR_NOMEM, 0, 0, "%s: out of memory",
                           name);
        goto done;
    }
    /* Reference curve: land (ACE) or the rest (RCE). */
    ig_ksum kref;
    ig_ksum_init(&kref);
    for (size_t i = 0; i < n; i++)
        ig_ksum_add(&kref, which == 0 ? c.a[i] : c.t[i] - c.x[i]);
    double ref_total = ig_ksum_value(&kref);
    if (!(ref_total > 0.0)) {
        st = ig__error_set(in->err, IG_ERR_NUMERIC, 0, 0,
                           "%s: undefined: the place's cells have no land "
                           "area",
                           name);
        goto done;
    }
    ig_ksum cx, cr, out;
    ig_ksum_init(&cx);
    ig_ksum_init(&cr);
    ig_ksum_init(&out);
    double xprev = 0.0, rprev = 0.0;
    for (size_t k = 0; k < n;) {
        double ring = d2[ord[k]];
        for (; k < n && d2[ord[k]] == ring; k++) {
            size_t i = ord[k];
            ig_ksum_add(&cx, c.x[i]);
            ig_ksum_add(&cr, which == 0 ? c.a[i] : c.t[i] - c.x[i]);
        }
        double xk = ig_ksum_value(&cx) / c.X;
        double rk = ig_ksum_value(&cr) / ref_total;
        ig_ksum_add(&out, xprev * rk);
        ig_ksum_add(&out, -(xk * rprev));
        xprev = xk;
        rprev = rk;
    }
    *value = ig_ksum_value(&out);
done:
    ig__free(in->ctx, d2, (n ? n : 1) * sizeof *d2);
    ig__free(in->ctx, ord, (n ? n : 1) * sizeof *ord);
    ig__cells_free(in->ctx, &c);
    return st;
}

ig_status ig__m_absolute_centralization(const ig__min *in, double *value)
{
    return centralization(in, "absolute_centralization", 0, value);
}

ig_status ig__m_relative_centralization(const ig__min *in, double *value)
{
    return centralization(in, "relative_centralization", 1, value);
}
