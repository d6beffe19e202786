/* Decomposing the change of a measure between two tables (ig_change.h).
 * M and H follow the Shapley method of Elbers (2023) as R segregation's
 * mutual_difference(method = "shapley") computes it: the tables are cut to
 * the units and groups present in both, zeros there are filled with a tiny
 * count (1e-10, or the smallest count / 1000) so IPF can reach every
 * margin, six IPF counterfactuals mix the group margins, unit margins and
 * association of OLD (A) and NEW (B), and the parts are Shapley averages of
 * the measure over them. Every part is a difference of measure values on
 * those tables, so they telescope: the parts add up to new - old exactly up
 * to rounding, whatever the IPF precision. D uses one counterfactual (OLD
 * adjusted to NEW's margins). Measure values come from the registry
 * (ig_measure_compute), so they are the same numbers `measures` prints. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "core/core.h"
#include "core/ksum.h"
#include "integrid/ig_change.h"
#include "integrid/ig_measure.h"
#include "measures/change/change_impl.h"

void ig_change_opts_init(ig_change_opts *o)
{
    if (!o) return;
    memset(o, 0, sizeof *o);
    o->measure = IG_CHANGE_MUTUAL;
    o->group = IG_CHANGE_ALL_GROUPS;
    o->precision = 1e-12;
    o->max_iter = 10000;
}

/* Largest deviation of the column (or row) shares of p from target. */
static double col_dev(const double *p, size_t n, size_t G, const double *ct,
                      double *sums)
{
    double dev = 0.0;
    for (size_t g = 0; g < G; g++) {
        sums[g] = ig_ksum_array(p + g * n, n);
        double d = fabs(sums[g] - ct[g]);
        if (d > dev) dev = d;
    }
    return dev;
}

static double row_dev(const double *p, size_t n, size_t G, const double *rt,
                      double *sums)
{
    double dev = 0.0;
    for (size_t i = 0; i < n; i++) {
        ig_ksum k;
        ig_ksum_init(&k);
        for (size_t g = 0; g < G; g++) ig_ksum_add(&k, p[g * n + i]);
        sums[i] = ig_ksum_value(&k);
        double d = fabs(sums[i] - rt[i]);
        if (d > dev) dev = d;
    }
    return dev;
}

/* Normalise v[0..n) to shares into out; 0 when the sum is not positive. */
static int to_shares(const double *v, size_t n, double *out)
{
    double s = ig_ksum_array(v, n);
    if (!(s > 0.0) || !isfinite(s)) return 0;
    for (size_t i = 0; i < n; i++) out[i] = v[i] / s;
    return 1;
}

ig_status ig_ipf(ig_ctx *ctx, const ig_ctab *src, const double *row_target,
                 const double *col_target, double precision, int max_iter,
                 double *out, int *iterations, ig_error *err)
{
    if (!src || !src->counts || !row_target || !col_target || !out)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "ipf: table, targets and output are required");
    if (!(precision > 0.0) || max_iter < 1)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "ipf: precision must be > 0 and max_iter >= 1 "
                             "(got %g and %d)",
                             precision, max_iter);
    size_t n = src->n_units, G = src->n_groups;
    if (n == 0 || G == 0 || n > SIZE_MAX / G / sizeof(double))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "ipf: the table has %zu units x %zu groups; "
                             "both must be >= 1",
                             n, G);
    size_t cells = n * G;
    for (size_t c = 0; c < cells; c++)
        if (!(src->counts[c] >= 0.0) || !isfinite(src->counts[c]))
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "ipf: count %zu of group %zu is %g; counts "
                                 "must be finite and >= 0",
                                 c % n, c / n, src->counts[c]);
    for (size_t i = 0; i < n; i++)
        if (!(row_target[i] >= 0.0) || !isfinite(row_target[i]))
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "ipf: unit target %zu is %g; targets must "
                                 "be finite and >= 0",
                                 i, row_target[i]);
    for (size_t g = 0; g < G; g++)
        if (!(col_target[g] >= 0.0) || !isfinite(col_target[g]))
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "ipf: group target %zu is %g; targets must "
                                 "be finite and >= 0",
                                 g, col_target[g]);

    double total = ig_ksum_array(src->counts, cells);
    double *rt = ig__alloc(ctx, n * sizeof *rt);
    double *ct = ig__alloc(ctx, G * sizeof *ct);
    double *rs = ig__alloc(ctx, n * sizeof *rs);
    double *cs = ig__alloc(ctx, G * sizeof *cs);
    ig_status st = IG_OK;
    if (!rt || !ct || !rs || !cs) {
        st = ig__error_set(err, IG_ERR_NOMEM, 0, 0,
                           "ipf: out of memory for %zu units", n);
        goto out;
    }
    if (!(total > 0.0) || !to_shares(row_target, n, rt) ||
        !to_shares(col_target, G, ct)) {
        st = ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                           "ipf: the table and both targets need a positive "
                           "total");
        goto out;
    }
    for (size_t c = 0; c < cells; c++) out[c] = src->counts[c] / total;
    /* a target the table cannot reach (an empty row or column) would make
     * IPF divide by zero */
    (void)row_dev(out, n, G, rt, rs);
    (void)col_dev(out, n, G, ct, cs);
    for (size_t i = 0; i < n; i++)
        if (rt[i] > 0.0 && !(rs[i] > 0.0)) {
            st = ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                               "ipf: unit %zu has a positive target but no "
                               "counts to scale",
                               i);
            goto out;
        }
    for (size_t g = 0; g < G; g++)
        if (ct[g] > 0.0 && !(cs[g] > 0.0)) {
            st = ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                               "ipf: group %zu has a positive target but no "
                               "counts to scale",
                               g);
            goto out;
        }

    int it = 0;
    int done = 0;
    while (!done && it < max_iter) {
        it++;
        /* groups (columns), then units (rows), as R's ipf() alternates */
        for (size_t g = 0; g < G; g++) {
            double f = cs[g] > 0.0 ? ct[g] / cs[g] : 0.0;
            double *col = out + g * n;
            for (size_t i = 0; i < n; i++) col[i] *= f;
        }
        (void)row_dev(out, n, G, rt, rs);
        for (size_t i = 0; i < n; i++) {
            double f = rs[i] > 0.0 ? rt[i] / rs[i] : 0.0;
            for (size_t g = 0; g < G; g++) out[g * n + i] *= f;
        }
        double dr = row_dev(out, n, G, rt, rs);
        double dc = col_dev(out, n, G, ct, cs);
        done = dr <= precision && dc <= precision;
    }
    if (!done) {
        st = ig__error_set(err, IG_ERR_NUMERIC, 0, 0,
                           "ipf: margins not within %g of their targets "
                           "after %d iterations; raise max_iter or the "
                           "precision",
                           precision, max_iter);
        goto out;
    }
    for (size_t c = 0; c < cells; c++) out[c] *= total;
    if (iterations) *iterations = it;
out:
    ig__free(ctx, rt, n * sizeof *rt);
    ig__free(ctx, ct, G * sizeof *ct);
    ig__free(ctx, rs, n * sizeof *rs);
    ig__free(ctx, cs, G * sizeof *cs);
    return st;
}

/* The measure on a column-major n x G table (via the registry). */
ig_status ig__change_eval(ig_ctx *ctx, const ig_measure_info *m,
                          size_t group, size_t n, size_t G, const double *tab,
                          double *v, ig_error *err)
{
    const double **cols = ig__alloc(ctx, G * sizeof *cols);
    if (!cols)
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0,
                             "change: out of memory");
    for (size_t g = 0; g < G; g++) cols[g] = tab + g * n;
    ig_units u;
    memset(&u, 0, sizeof u);
    u.n_units = n;
    u.n_groups = G;
    u.counts = cols;
    ig_status st = ig_measure_compute(ctx, m, &u, group, NULL, v, err);
    ig__free(ctx, (void *)cols, G * sizeof *cols);
    return st;
}

/* Scratch of one decomposition, freed in one place. */
typedef struct work {
    ig_ctx *ctx;
    size_t nu, ng;         /* common units and groups */
    double *a0, *b0;       /* common tables, original counts */
    double *a1, *b1;       /* common tables, zeros filled */
    double *ra, *ca, *rb, *cb; /* margins of a1 and b1 */
    double *cf;            /* one counterfactual */
} work;

static void work_free(work *w)
{
    size_t cells = w->nu * w->ng;
    ig__free(w->ctx, w->a0, cells * sizeof(double));
    ig__free(w->ctx, w->b0, cells * sizeof(double));
    ig__free(w->ctx, w->a1, cells * sizeof(double));
    ig__free(w->ctx, w->b1, cells * sizeof(double));
    ig__free(w->ctx, w->cf, cells * sizeof(double));
    ig__free(w->ctx, w->ra, w->nu * sizeof(double));
    ig__free(w->ctx, w->rb, w->nu * sizeof(double));
    ig__free(w->ctx, w->ca, w->ng * sizeof(double));
    ig__free(w->ctx, w->cb, w->ng * sizeof(double));
}

static void margins(const double *t, size_t n, size_t G, double *r, double *c)
{
    for (size_t g = 0; g < G; g++) c[g] = ig_ksum_array(t + g * n, n);
    for (size_t i = 0; i < n; i++) {
        ig_ksum k;
        ig_ksum_init(&k);
        for (size_t g = 0; g < G; g++) ig_ksum_add(&k, t[g * n + i]);
        r[i] = ig_ksum_value(&k);
    }
}

/* The measure on src adjusted by IPF to margins (r, c). */
static ig_status cf_value(work *w, const ig_measure_info *m, size_t group,
                          const double *src, const double *r, const double *c,
                          const ig_change_opts *o, double *v, ig_error *err)
{
    ig_ctab t = {w->nu, w->ng, src};
    ig_status st = ig_ipf(w->ctx, &t, r, c, o->precision, o->max_iter, w->cf,
                          NULL, err);
    if (st != IG_OK) return st;
    return ig__change_eval(w->ctx, m, group, w->nu, w->ng, w->cf, v, err);
}

static ig_status check_tab(const ig_ctab *t, const char *which, ig_error *err)
{
    size_t cells = t->n_units * t->n_groups;
    for (size_t c = 0; c < cells; c++)
        if (!(t->counts[c] >= 0.0) || !isfinite(t->counts[c]))
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "change: %s count of unit %zu, group %zu is "
                                 "%g; counts must be finite and >= 0",
                                 which, c % t->n_units, c / t->n_units,
                                 t->counts[c]);
    return IG_OK;
}

/* Single-group D compares the group with the rest of the population, so
 * IPF works on the two-column table (group, rest): adjusting all groups'
 * margins would change the rest's composition, which D does not see. */
static ig_status change_two(ig_ctx *ctx, const ig_ctab *A, const ig_ctab *B,
                            const ig_change_opts *o, ig_change_parts *out,
                            ig_error *err)
{
    size_t n = A->n_units, G = A->n_groups;
    double *a2 = ig__alloc(ctx, 2 * n * sizeof *a2);
    double *b2 = ig__alloc(ctx, 2 * n * sizeof *b2);
    ig_status st;
    if (!a2 || !b2) {
        st = ig__error_set(err, IG_ERR_NOMEM, 0, 0, "change: out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        ig_ksum ka, kb;
        ig_ksum_init(&ka);
        ig_ksum_init(&kb);
        for (size_t g = 0; g < G; g++) {
            if (g == o->group) continue;
            ig_ksum_add(&ka, A->counts[g * n + i]);
            ig_ksum_add(&kb, B->counts[g * n + i]);
        }
        a2[i] = A->counts[o->group * n + i];
        b2[i] = B->counts[o->group * n + i];
        a2[n + i] = ig_ksum_value(&ka);
        b2[n + i] = ig_ksum_value(&kb);
    }
    ig_ctab ta = {n, 2, a2}, tb = {n, 2, b2};
    ig_change_opts o2 = *o;
    o2.group = 0;
    st = ig_change_tables(ctx, &ta, &tb, &o2, out, err);
out:
    ig__free(ctx, a2, 2 * n * sizeof *a2);
    ig__free(ctx, b2, 2 * n * sizeof *b2);
    return st;
}

ig_status ig_change_tables(ig_ctx *ctx, const ig_ctab *A, const ig_ctab *B,
                           const ig_change_opts *opts, ig_change_parts *out,
                           ig_error *err)
{
    ig_change_opts o;
    ig_change_opts_init(&o);
    if (opts) o = *opts;
    if (!A || !B || !out || !A->counts || !B->counts)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "change: both tables and out are required");
    if (A->n_units != B->n_units || A->n_groups != B->n_groups)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "change: OLD is %zu units x %zu groups but NEW "
                             "is %zu x %zu; match units and groups first",
                             A->n_units, A->n_groups, B->n_units,
                             B->n_groups);
    size_t n = A->n_units, G = A->n_groups;
    if (n == 0 || G < 2 || n > SIZE_MAX / G / sizeof(double))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "change: need at least 1 unit and 2 groups "
                             "(got %zu and %zu)",
                             n, G);
    const char *mname = o.measure == IG_CHANGE_MUTUAL   ? "mutual_information"
                        : o.measure == IG_CHANGE_THEIL ? "multi_information_theory"
                        : o.measure == IG_CHANGE_DISSIM
                            ? (o.group == IG_CHANGE_ALL_GROUPS
                                   ? "multi_dissimilarity"
                                   : "dissimilarity")
                            : NULL;
    if (!mname)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "change: unknown measure %d", (int)o.measure);
    if (o.measure == IG_CHANGE_DISSIM && o.group != IG_CHANGE_ALL_GROUPS &&
        o.group >= G)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "change: group %zu out of range (%zu groups)",
                             o.group, G);
    ig_status st = check_tab(A, "OLD", err);
    if (st == IG_OK) st = check_tab(B, "NEW", err);
    if (st != IG_OK) return st;
    const ig_measure_info *m = ig_measure_find(mname);
    if (!m)
        return ig__error_set(err, IG_ERR_NOT_FOUND, 0, 0,
                             "change: measure %s is not registered", mname);
    size_t mg = o.group == IG_CHANGE_ALL_GROUPS ? 0 : o.group;
    if (o.measure == IG_CHANGE_DISSIM && o.group != IG_CHANGE_ALL_GROUPS && G > 2)
        return change_two(ctx, A, B, &o, out, err);

    ig_change_parts p;
    memset(&p, 0, sizeof p);
    st = ig__change_eval(ctx, m, mg, n, G, A->counts, &p.old_value, err);
    if (st == IG_OK) st = ig__change_eval(ctx, m, mg, n, G, B->counts, &p.new_value, err);
    if (st != IG_OK) return st;
    p.total = p.new_value - p.old_value;

    /* the units and groups populated in both; single-group D keeps every
     * group (the rest of the population is one column of the comparison) */
    work w;
    memset(&w, 0, sizeof w);
    w.ctx = ctx;
    double *ta = ig__alloc(ctx, n * sizeof *ta), *tb = NULL;
    size_t *ui = NULL, *gi = NULL;
    tb = ig__alloc(ctx, n * sizeof *tb);
    ui = ig__alloc(ctx, n * sizeof *ui);
    gi = ig__alloc(ctx, G * sizeof *gi);
    double *sa = ig__alloc(ctx, G * sizeof *sa);
    double *sb = ig__alloc(ctx, G * sizeof *sb);
    if (!ta || !tb || !ui || !gi || !sa || !sb) {
        st = ig__error_set(err, IG_ERR_NOMEM, 0, 0, "change: out of memory");
        goto out;
    }
    margins(A->counts, n, G, ta, sa);
    margins(B->counts, n, G, tb, sb);
    for (size_t g = 0; g < G; g++)
        if ((sa[g] > 0.0 && sb[g] > 0.0) ||
            (o.measure == IG_CHANGE_DISSIM && o.group != IG_CHANGE_ALL_GROUPS))
            gi[w.ng++] = g;
    for (size_t i = 0; i < n; i++)
        if (ta[i] > 0.0 && tb[i] > 0.0) ui[w.nu++] = i;
    if (w.nu == 0) {
        st = ig__error_set(err, IG_ERR_MISMATCH, 0, 0,
                           "change: no unit is populated in both OLD and "
                           "NEW; nothing to compare");
        goto out;
    }
    /* the group index of single-group D within the kept groups */
    size_t cg = mg;
    size_t cells = w.nu * w.ng;
    w.a0 = ig__alloc(ctx, cells * sizeof(double));
    w.b0 = ig__alloc(ctx, cells * sizeof(double));
    w.a1 = ig__alloc(ctx, cells * sizeof(double));
    w.b1 = ig__alloc(ctx, cells * sizeof(double));
    w.cf = ig__alloc(ctx, cells * sizeof(double));
    w.ra = ig__alloc(ctx, w.nu * sizeof(double));
    w.rb = ig__alloc(ctx, w.nu * sizeof(double));
    w.ca = ig__alloc(ctx, w.ng * sizeof(double));
    w.cb = ig__alloc(ctx, w.ng * sizeof(double));
    if (!w.a0 || !w.b0 || !w.a1 || !w.b1 || !w.cf || !w.ra || !w.rb ||
        !w.ca || !w.cb) {
        st = ig__error_set(err, IG_ERR_NOMEM, 0, 0,
                           "change: out of memory for %zu x %zu units and "
                           "groups",
                           w.nu, w.ng);
        goto out;
    }
    /* R's create_common_data: fill = 1e-10, or min count / 1000 */
    double minpos = INFINITY;
    for (size_t c = 0; c < n * G; c++) {
        if (A->counts[c] > 0.0 && A->counts[c] < minpos) minpos = A->counts[c];
        if (B->counts[c] > 0.0 && B->counts[c] < minpos) minpos = B->counts[c];
    }
    double fill = 1e-10;
    if (fill > minpos) fill = minpos / 1000.0;
    for (size_t g = 0; g < w.ng; g++)
        for (size_t k = 0; k < w.nu; k++) {
            double a = A->counts[gi[g] * n + ui[k]];
            double b = B->counts[gi[g] * n + ui[k]];
            size_t c = g * w.nu + k;
            w.a0[c] = a;
            w.b0[c] = b;
            w.a1[c] = a > 0.0 ? a : fill;
            w.b1[c] = b > 0.0 ? b : fill;
        }
    margins(w.a1, w.nu, w.ng, w.ra, w.ca);
    margins(w.b1, w.nu, w.ng, w.rb, w.cb);

    double m_aaa = 0, m_bbb = 0, m_bba = 0;
    st = ig__change_eval(ctx, m, cg, w.nu, w.ng, w.a0, &m_aaa, err);
    if (st == IG_OK) st = ig__change_eval(ctx, m, cg, w.nu, w.ng, w.b0, &m_bbb, err);
    /* naming d_XYZ: group margins of X, unit margins of Y, association of
     * Z (R segregation's shapley_compute) */
    if (st == IG_OK)
        st = cf_value(&w, m, cg, w.a1, w.rb, w.cb, &o, &m_bba, err);
    if (st != IG_OK) goto out;
    p.additions = p.new_value - m_bbb;
    p.removals = m_aaa - p.old_value;
    if (o.measure == IG_CHANGE_DISSIM) {
        p.composition = m_bba - m_aaa;
        p.reallocation = m_bbb - m_bba;
    } else {
        double m_aba = 0, m_baa = 0, m_aab = 0, m_bab = 0, m_abb = 0;
        st = cf_value(&w, m, cg, w.a1, w.rb, w.ca, &o, &m_aba, err);
        if (st == IG_OK)
            st = cf_value(&w, m, cg, w.a1, w.ra, w.cb, &o, &m_baa, err);
        if (st == IG_OK)
            st = cf_value(&w, m, cg, w.b1, w.ra, w.ca, &o, &m_aab, err);
        if (st == IG_OK)
            st = cf_value(&w, m, cg, w.b1, w.ra, w.cb, &o, &m_bab, err);
        if (st == IG_OK)
            st = cf_value(&w, m, cg, w.b1, w.rb, w.ca, &o, &m_abb, err);
        if (st != IG_OK) goto out;
        p.structural = 0.5 * (m_aab - m_aaa) + 0.5 * (m_bbb - m_bba);
        p.group_marginal = 0.25 * ((m_baa - m_aaa) + (m_bba - m_aba) +
                                   (m_bbb - m_abb) + (m_bab - m_aab));
        p.unit_marginal = 0.25 * ((m_aba - m_aaa) + (m_bba - m_baa) +
                                  (m_bbb - m_bab) + (m_abb - m_aab));
    }
    *out = p;
out:
    work_free(&w);
    ig__free(ctx, ta, n * sizeof *ta);
    ig__free(ctx, tb, n * sizeof *tb);
    ig__free(ctx, ui, n * sizeof *ui);
    ig__free(ctx, gi, G * sizeof *gi);
    ig__free(ctx, sa, G * sizeof *sa);
    ig__free(ctx, sb, G * sizeof *sb);
    return st;
}
