/* Outcome indicators from a grid (docs/policy/outcomes.md). Each outcome
 * is computed for every non-aggregate place of the focal place's class in
 * the place set, and the focal place is scored by its percentile among
 * them: score bands come from the distribution of comparable places, not
 * from made-up thresholds. Foreign-born = every group but the native one;
 * the binary measures run through ig_measure_compute on the place's cells
 * (weighted by area shares), so they equal `integrid measures` on a grid
 * with two groups. Gi* runs once on the whole grid. Cells with a group
 * not available are left out, as the measures do by default. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/ksum.h"
#include "integrid/ig_grid.h"
#include "integrid/ig_local.h"
#include "integrid/ig_measure.h"
#include "integrid/ig_placeset.h"
#include "policy/policy_impl.h"

enum { O_DISS, O_ISO, O_EXPO, O_HOT, O_MOVERS, O_NOUT };
static const char *const onames[O_NOUT] = {"dissimilarity", "isolation",
                                           "exposure", "hotspot_share",
                                           "recent_movers"};

typedef struct work {
    ig_ctx *ctx;
    const ig_grid *grid;
    const ig_placeset *ps;
    size_t native;
    size_t movers; /* var index or (size_t)-1 */
    const uint8_t *hot; /* per grid cell: 1 = a hot spot; NULL: none */
    double *m, *n;      /* scratch, one per cell of the largest place */
    size_t cap;
} work;

/* The five outcomes of place p into v[] (NaN when undefined). */
static ig_status place_values(work *w, size_t p, double v[O_NOUT])
{
    for (int k = 0; k < O_NOUT; k++) v[k] = NAN;
    const size_t *cells;
    const double *wt;
    size_t nc = ig_placeset_cells(w->ps, p, &cells, &wt);
    if (nc > w->cap) {
        ig__free(w->ctx, w->m, w->cap * sizeof *w->m);
        ig__free(w->ctx, w->n, w->cap * sizeof *w->n);
        w->m = ig__calloc(w->ctx, nc, sizeof *w->m);
        w->n = ig__calloc(w->ctx, nc, sizeof *w->n);
        w->cap = w->m && w->n ? nc : 0;
        if (!w->m || !w->n) return IG_ERR_NOMEM;
    }
    size_t ng = ig_grid_ngroups(w->grid), k = 0;
    const uint8_t *na = ig_grid_na_any(w->grid);
    ig_ksum hot, foreign;
    ig_ksum_init(&hot);
    ig_ksum_init(&foreign);
    for (size_t j = 0; j < nc; j++) {
        size_t c = cells[j];
        if (na && na[c]) continue;
        double f = wt ? wt[j] : 1.0, m = 0;
        for (size_t g = 0; g < ng; g++)
            if (g != w->native) m += ig_grid_counts(w->grid, g)[c];
        w->m[k] = f * m;
        w->n[k] = f * ig_grid_counts(w->grid, w->native)[c];
        ig_ksum_add(&foreign, w->m[k]);
        if (w->hot && w->hot[c]) ig_ksum_add(&hot, w->m[k]);
        k++;
    }
    const double *counts[2] = {w->m, w->n};
    ig_units u = {0};
    u.n_units = k;
    u.n_groups = 2;
    u.counts = counts;
    static const char *const mnames[3] = {"dissimilarity", "isolation",
                                          "exposure"};
    for (int q = 0; q < 3 && k > 0; q++) {
        const ig_measure_info *mi = ig_measure_find(mnames[q]);
        double val;
        if (!mi) continue;
        ig_status st = ig_measure_compute(w->ctx, mi, &u, 0, NULL, &val, NULL);
        if (st == IG_ERR_NOMEM) return st;
        if (st == IG_OK) v[q] = val;
    }
    double fb = ig_ksum_value(&foreign);
    if (w->hot && fb > 0) v[O_HOT] = ig_ksum_value(&hot) / fb;
    const ig_placeset_row *row = ig_placeset_get(w->ps, p);
    if (w->movers != (size_t)-1 && row->vars && row->population > 0)
        v[O_MOVERS] = row->vars[w->movers] / row->population;
    return IG_OK;
}

/* Hot spots of the foreign groups: Gi* on the whole grid. */
static ig_status hot_cells(work *w, uint8_t **out, char *why, size_t cap,
                           ig_error *err)
{
    *out = NULL;
    size_t ng = ig_grid_ngroups(w->grid);
    size_t *groups = ig__calloc(w->ctx, ng, sizeof *groups);
    if (!groups) return IG_ERR_NOMEM;
    size_t nf = 0;
    for (size_t g = 0; g < ng; g++)
        if (g != w->native) groups[nf++] = g;
    ig_local_opts lo;
    ig_local_opts_init(&lo);
    lo.measure = "local_gi_star";
    lo.place = IG_LOCAL_ALL;
    lo.groups = groups;
    lo.n_groups = nf;
    ig_local_result *r = NULL;
    ig_error e = {0};
    ig_status st = ig_local_run(w->ctx, w->grid, &lo, &r, &e);
    ig__free(w->ctx, groups, ng * sizeof *groups);
    if (st == IG_ERR_NOMEM || st == IG_ERR_CANCELLED) {
        if (err) *err = e;
        return st;
    }
    if (st != IG_OK) {
        snprintf(why, cap, "no Gi* hot spots: %.200s", e.msg);
        return IG_OK;
    }
    size_t ncell = ig_grid_ncells(w->grid);
    uint8_t *hot = ig__calloc(w->ctx, ncell ? ncell : 1, 1);
    if (!hot) {
        ig_local_result_destroy(r);
        return IG_ERR_NOMEM;
    }
    const size_t *rc = ig_local_result_cells(r);
    size_t n = ig_local_result_ncells(r);
    for (size_t l = 0; l < ig_local_result_nlayers(r); l++) {
        const ig_local_layer *ly = ig_local_result_layer(r, l);
        if (!ly->cls) continue;
        for (size_t i = 0; i < n; i++)
            if (ly->cls[i] == IG_LCLASS_HOT_99 ||
                ly->cls[i] == IG_LCLASS_HOT_95 ||
                ly->cls[i] == IG_LCLASS_HOT_90)
                hot[rc[i]] = 1;
    }
    ig_local_result_destroy(r);
    *out = hot;
    return IG_OK;
}

/* Dissimilarity of the migrant-background pupils across schools. */
static double school_value(ig_ctx *ctx, const ig_grid *s, const char *group,
                           char *why, size_t cap)
{
    size_t g = group ? ig_grid_group_index(s, group) : 0;
    if (g == (size_t)-1 || ig_grid_ngroups(s) < 2) {
        snprintf(why, cap, "school file: no group %s (or fewer than two "
                           "groups)", group ? group : "");
        return NAN;
    }
    const double *counts[64];
    size_t ng = ig_grid_ngroups(s);
    if (ng > 64) ng = 64;
    for (size_t k = 0; k < ng; k++) counts[k] = ig_grid_counts(s, k);
    ig_units u = {0};
    u.n_units = ig_grid_ncells(s);
    u.n_groups = ng;
    u.counts = counts;
    u.total = ig_grid_totals(s);
    double v;
    ig_error e = {0};
    const ig_measure_info *mi = ig_measure_find("dissimilarity");
    if (!mi || ig_measure_compute(ctx, mi, &u, g, NULL, &v, &e) != IG_OK) {
        snprintf(why, cap, "school dissimilarity undefined: %.200s", e.msg);
        return NAN;
    }
    snprintf(why, cap, "dissimilarity of %s across %zu schools; no "
                       "calibration (one place's schools)",
             ig_grid_group_name(s, g), u.n_units);
    return v;
}

ig_status ig_policy_grid_outcomes(ig_ctx *ctx, const ig_policy_framework *fw,
                                  const ig_grid *grid, const ig_placeset *ps,
                                  size_t place, const ig_policy_grid_opts *opts,
                                  ig_policy_assessment *a, ig_error *err)
{
    if (!fw || !grid || !ps || !a)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "fw, grid, ps and a required");
    const ig_placeset_row *focal = ig_placeset_get(ps, place);
    if (!focal || focal->aggregate)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "the place must be a place of the set, not an "
                             "aggregate");
    ig_policy_grid_opts o = {0};
    if (opts) o = *opts;
    work w = {ctx, grid, ps, 0, (size_t)-1, NULL, NULL, NULL, 0};
    if (o.native_group) {
        w.native = ig_grid_group_index(grid, o.native_group);
        if (w.native == (size_t)-1)
            return ig__error_set(err, IG_ERR_NOT_FOUND, 0, 0,
                                 "no group %s in the grid (the native-born "
                                 "group)", o.native_group);
    } else {
        w.native = ig_grid_group_index(grid, "NAT");
        if (w.native == (size_t)-1) w.native = 0;
    }
    if (ig_grid_ngroups(grid) < 2)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "the grid needs a native-born group and at "
                             "least one other");
    const char *mv = o.movers_var ? o.movers_var : "CHG_IN";
    w.movers = ig_grid_var_index(grid, mv);
    if (o.movers_var && w.movers == (size_t)-1)
        return ig__error_set(err, IG_ERR_NOT_FOUND, 0, 0,
                             "no column %s in the grid (movers from abroad); "
                             "keep it when reading", o.movers_var);

    /* which outcomes the framework asks for */
    int want[O_NOUT] = {0}, want_school = 0;
    for (size_t i = 0; i < fw->info.n_indicators; i++) {
        for (int k = 0; k < O_NOUT; k++)
            if (!strcmp(fw->indicators[i].outcome, onames[k])) want[k] = 1;
        if (!strcmp(fw->indicators[i].outcome, "school_dissimilarity"))
            want_school = 1;
    }
    char hot_why[IG_ERROR_MSG_MAX] = "";
    uint8_t *hot = NULL;
    ig_status st = IG_OK;
    double *vals = NULL;
    size_t np = ig_placeset_count(ps), nclass = 0, fpos = 0;
    if (want[O_HOT] && ig_grid_cell_size_m(grid) > 0) {
        st = hot_cells(&w, &hot, hot_why, sizeof hot_why, err);
        if (st != IG_OK) goto out;
        w.hot = hot;
    } else if (want[O_HOT]) {
        snprintf(hot_why, sizeof hot_why, "no hot spots: the grid is "
                                          "aspatial");
    }
    vals = ig__calloc(ctx, (np + 1) * O_NOUT, sizeof *vals);
    if (!vals) {
        st = ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
        goto out;
    }
    for (size_t p = 0; p < np; p++) {
        const ig_placeset_row *r = ig_placeset_get(ps, p);
        if (r->aggregate || strcmp(r->cls, focal->cls) != 0) continue;
        if (p == place) fpos = nclass;
        st = place_values(&w, p, &vals[nclass * O_NOUT]);
        if (st != IG_OK) {
            ig__error_set(err, st, 0, 0, "out of memory");
            goto out;
        }
        nclass++;
    }
    for (size_t i = 0; i < fw->info.n_indicators; i++) {
        const ig_policy_indicator *ind = &fw->indicators[i];
        if (ind->kind != IG_POLICY_KIND_OUTCOME || !ind->outcome[0]) continue;
        char note[IG_ERROR_MSG_MAX];
        double value = NAN, score = NAN;
        int k;
        for (k = 0; k < O_NOUT; k++)
            if (!strcmp(ind->outcome, onames[k])) break;
        if (k == O_NOUT) { /* school_dissimilarity */
            if (!want_school || !o.schools) {
                snprintf(note, sizeof note, "not computed: no school file");
            } else {
                value = school_value(ctx, o.schools, o.schools_group, note,
                                     sizeof note);
            }
        } else {
            double *col = ig__calloc(ctx, nclass + 1, sizeof *col);
            if (!col) {
                st = ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
                goto out;
            }
            size_t n_ok = 0;
            for (size_t j = 0; j < nclass; j++) {
                col[j] = vals[j * O_NOUT + (size_t)k];
                n_ok += isfinite(col[j]) != 0;
            }
            value = col[fpos];
            size_t rank;
            double pct;
            ig_policy_rank(col, nclass, value, &rank, &pct);
            ig__free(ctx, col, (nclass + 1) * sizeof *col);
            if (!isfinite(value)) {
                snprintf(note, sizeof note, "%s",
                         k == O_HOT && hot_why[0] ? hot_why
                         : k == O_MOVERS && w.movers == (size_t)-1
                             ? "not computed: the grid has no movers column "
                               "(CHG_IN)"
                             : "undefined for this place");
            } else {
                score = ind->lower_better ? 100.0 - pct : pct;
                snprintf(note, sizeof note,
                         "percentile %.1f among %zu places of class %s "
                         "(rank %zu, 1 = highest value)",
                         pct, n_ok, focal->cls[0] ? focal->cls : "(none)",
                         rank);
            }
        }
        st = ig_policy_assessment_set_outcome(a, fw, ind->id, value, score,
                                              note);
        if (st != IG_OK) {
            ig__error_set(err, st, 0, 0, "out of memory");
            goto out;
        }
    }
out:
    ig__free(ctx, vals, 0);
    ig__free(ctx, hot, 0);
    ig__free(ctx, w.m, w.cap * sizeof *w.m);
    ig__free(ctx, w.n, w.cap * sizeof *w.n);
    return st;
}

const char *ig_policy_assessment_outcome_note(const ig_policy_assessment *a,
                                              const char *indicator)
{
    if (!a || !indicator) return "";
    for (size_t i = 0; i < a->n_outcomes; i++)
        if (!strcmp(a->outcomes[i].indicator, indicator))
            return a->outcomes[i].note;
    return "";
}
