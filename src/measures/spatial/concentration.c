/* Concentration: delta DEL, absolute and relative concentration ACO and
 * RCO (Hoover 1941; Massey & Denton 1988; docs/measures/delta.md,
 * absolute_concentration.md, relative_concentration.md).
 *
 * All three compare where people live with the land they live on, so they
 * read the cells' land areas. ACO and RCO scale the group's area by the
 * smallest and largest area that X residents could occupy: the mean land
 * area per resident of the X residents in the smallest cells, and in the
 * largest. On a grid whose cells all have one area these extremes are
 * equal and both measures are 0/0; they need a land-area column. Massey &
 * Denton take whole units up to the one where the running population
 * passes X (pysal does the same); here that last unit counts only with the
 * residents needed to reach X, so that cells of equal area (most of them,
 * on a grid) give the same result in any order. */
#include <math.h>

#include "measures/spatial/spatial_common.h"

ig_status ig__m_delta(const ig__min *in, double *value)
{
    const char *name = "delta";
    ig__single s;
    ig_status st = ig__single_setup(in, name, 1, &s);
    if (st != IG_OK) return st;
    ig__cells c;
    st = ig__cells_build(in, name, &c);
    if (st != IG_OK) return st;
    ig_ksum ka, k;
    ig_ksum_init(&ka);
    ig_ksum_init(&k);
    for (size_t i = 0; i < c.n; i++) ig_ksum_add(&ka, c.a[i]);
    double A = ig_ksum_value(&ka);
    if (!(A > 0.0)) {
        st = ig__error_set(in->err, IG_ERR_NUMERIC, 0, 0,
                           "%s: undefined: the place's cells have no land "
                           "area",
                           name);
    } else {
        for (size_t i = 0; i < c.n; i++)
            ig_ksum_add(&k, fabs(c.x[i] / c.X - c.a[i] / A));
        *value = 0.5 * ig_ksum_value(&k);
    }
    ig__cells_free(in->ctx, &c);
    return st;
}

/* Mean land area per resident of the X residents living in the smallest
 * (largest: from the end of ord) cells. */
static double fill_mean(const ig__cells *c, const size_t *ord, int largest)
{
    ig_ksum used, acc;
    ig_ksum_init(&used);
    ig_ksum_init(&acc);
    for (size_t k = 0; k < c->n; k++) {
        size_t i = ord[largest ? c->n - 1 - k : k];
        double left = c->X - ig_ksum_value(&used);
        if (!(left > 0.0)) break;
        double take = c->t[i] < left ? c->t[i] : left;
        ig_ksum_add(&used, take);
        ig_ksum_add(&acc, take * c->a[i]);
    }
    return ig_ksum_value(&acc) / c->X;
}

/* which: 0 ACO, 1 RCO. */
static ig_status concentration(const ig__min *in, const char *name, int which,
                               double *value)
{
    ig__single s;
    ig_status st = ig__single_setup(in, name, 0, &s);
    if (st != IG_OK) return st;
    ig__cells c;
    st = ig__cells_build(in, name, &c);
    if (st != IG_OK) return st;
    size_t n = c.n;
    size_t *ord = ig__calloc(in->ctx, n ? n : 1, sizeof *ord);
    if (!ord) {
        st = ig__error_set(in->err, IG_ERR_NOMEM, 0, 0, "%s: out of memory",
                           name);
        goto done;
    }
    int varies = 0;
    double first = NAN;
    for (size_t i = 0; i < n; i++) {
        ord[i] = i;
        if (!(c.t[i] > 0.0)) continue;
        if (isnan(first))
            first = c.a[i];
        else if (c.a[i] != first)
            varies = 1;
    }
    if (!varies) {
        st = ig__error_set(in->err, IG_ERR_NUMERIC, 0, 0,
                           "%s: undefined: every populated cell of this "
                           "place has the same land area, so the smallest "
                           "and the largest area the group could occupy "
                           "are equal (0/0); give the cells' land areas "
                           "(a land-area column such as LAND_SURFACE: "
                           "--area COL)",
                           name);
        goto done;
    }
    if (ig__argsort(in->ctx, c.a, ord, n) != IG_OK) {
        st = ig__error_set(in->err, IG_ERR_NOMEM, 0, 0, "%s: out of memory",
                           name);
        goto done;
    }
    double a1 = fill_mean(&c, ord, 0), a2 = fill_mean(&c, ord, 1);
    ig_ksum kx, ky;
    ig_ksum_init(&kx);
    ig_ksum_init(&ky);
    for (size_t i = 0; i < n; i++) {
        ig_ksum_add(&kx, c.x[i] * c.a[i]);
        ig_ksum_add(&ky, (c.t[i] - c.x[i]) * c.a[i]);
    }
    double ax = ig_ksum_value(&kx) / c.X, ay = ig_ksum_value(&ky) / c.Y;
    if (which == 0) {
        if (!(a2 > a1)) {
            st = ig__error_set(in->err, IG_ERR_NUMERIC, 0, 0,
                               "%s: undefined: the smallest and the largest "
                               "area the group could occupy are equal",
                               name);
            goto done;
        }
        *value = 1.0 - (ax - a1) / (a2 - a1);
    } else {
        if (!(ay > 0.0) || !(a2 > 0.0) || !(a2 > a1)) {
            st = ig__error_set(in->err, IG_ERR_NUMERIC, 0, 0,
                               "%s: undefined: the rest of the population "
                               "or the largest cells have no land area",
                               name);
            goto done;
        }
        *value = (ax / ay - 1.0) / (a1 / a2 - 1.0);
    }
done:
    ig__free(in->ctx, ord, (n ? n : 1) * sizeof *ord);
    ig__cells_free(in->ctx, &c);
    return st;
}

ig_status ig__m_absolute_concentration(const ig__min *in, double *value)
{
    return concentration(in, "absolute_concentration", 0, value);
}

ig_status ig__m_relative_concentration(const ig__min *in, double *value)
{
    return concentration(in, "relative_concentration", 1, value);
}
