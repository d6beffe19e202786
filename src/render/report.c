/* The local integration profile of one place (ig_report.h): a thin
 * composition over the library. The place's cells become a one-place set
 * (ig_placeset_create) whose grid keeps the source grid as context, so
 * inference, hot spots and the profile run on that place alone; only the
 * benchmark runs the (aspatial) main measures on every place. Each
 * section adds blocks to the document model (report_doc.c) with texts
 * from sentences.def; figures are drawn by the render module into a
 * temporary folder beside the output, as SVG for HTML and PNG for PDF,
 * and the writers embed them. The folder is removed on every path.
 * With an earlier census (spec->previous) the same cells, found by row and
 * column, become a one-place set of that grid, and ig_change_grids()
 * compares the two one-place grids. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/ksum.h"
#include "integrid/ig_change.h"
#include "integrid/ig_local.h"
#include "integrid/ig_peers.h"
#include "integrid/ig_render.h"
#include "integrid/ig_version.h"
#include "render/report_internal.h"

#define MAX_FOREIGN 8

static const char *const default_measures[] = {
    "dissimilarity", "isolation", "exposure", "multi_information_theory"};

/* Gi* classes in legend order. */
static const ig_local_class gi_order[7] = {
    IG_LCLASS_HOT_99,  IG_LCLASS_HOT_95,  IG_LCLASS_HOT_90, IG_LCLASS_NS,
    IG_LCLASS_COLD_90, IG_LCLASS_COLD_95, IG_LCLASS_COLD_99};

/* One column of the main measures: a measure and a group (-1: all). */
typedef struct mcol {
    const ig_measure_info *m;
    long group;
    size_t row;     /* row of the place in the inference results */
    size_t bcol;    /* column in the benchmark table, or (size_t)-1 */
} mcol;

typedef struct rp_run {
    ig_ctx *ctx;
    const ig_report_spec *sp;
    ig_error *err;
    rp_doc doc;
    ig_report_format fmt;
    /* temporary figures */
    char *tmpdir;
    size_t tmpdir_n;
    char **files;
    size_t nfiles, capfiles;
    /* the place */
    const ig_grid *grid;
    const ig_placeset_row *row;
    const char *pname;
    size_t ng, nat, eu;
    size_t foreign[MAX_FOREIGN];
    size_t nforeign;
    ig_placeset *one;
    const ig_grid *pg;
    size_t ncells;
    ig_scale local_scale;
    /* results */
    ig_infer_results *inf;
    mcol *cols;
    size_t ncols;
    ig_results *all;
    ig_bench_place *bp;
    size_t nb, bplace;
    size_t *brow_of;
    double *bvalues;
    size_t nbcols;
    ig_bench *bench;
    int bench_ok;
    ig_local_result *gi;
    size_t steps, step;
    /* the previous census: the place's cells there, and the change */
    ig_placeset *prev_one;
    const ig_placeset_row *prev_row;
    size_t prev_nat;
    ig_change_result *chg_m, *chg_d;
    int change_ok;
    char change_msg[IG_ERROR_MSG_MAX];
    size_t profile_bands;
} rp_run;

/* ---- helpers ------------------------------------------------------------ */

static int progress(rp_run *r)
{
    r->step++;
    if (r->sp->progress &&
        r->sp->progress(r->sp->progress_ud, r->step, r->steps) != 0) {
        ig__error_set(r->err, IG_ERR_CANCELLED, 0, 0,
                      "the report was cancelled");
        ig__rp_fail(&r->doc, IG_ERR_CANCELLED);
        return 0;
    }
    return 1;
}

static void free_str(ig_ctx *ctx, char *s)
{
    if (s) ig__free(ctx, s, strlen(s) + 1);
}

/* The phrase of group g ("born outside the EU"), into buf. */
static void group_phrase(rp_run *r, long g, char *buf, size_t cap)
{
    if (g < 0) {
        snprintf(buf, cap, "%s", ig__report_text(T_GROUP_ALL));
        return;
    }
    const char *name = ig_grid_group_name(r->grid, (size_t)g);
    rp_text id = T_GROUP_OTHER;
    if ((size_t)g == r->nat) id = T_GROUP_NAT;
    else if (strcmp(name, "EU_OTH") == 0) id = T_GROUP_EU_OTH;
    else if (strcmp(name, "OTH") == 0) id = T_GROUP_OTH;
    else if (strcmp(name, "FOREIGN") == 0) id = T_GROUP_FOREIGN;
    if (id != T_GROUP_OTHER) {
        snprintf(buf, cap, "%s", ig__report_text(id));
        return;
    }
    const char *args[1] = {name};
    char *s = ig__rp_fill(&r->doc, T_GROUP_OTHER, 1, args);
    snprintf(buf, cap, "%s", s ? s : name);
    free_str(r->ctx, s);
}

/* A new figure file in the temporary folder: its path (owned by the run,
 * removed at the end), NULL after a failure. */
static const char *fig_path(rp_run *r)
{
    if (r->doc.st != IG_OK) return NULL;
    void *p = r->files;
    if (ig__grow(r->ctx, &p, &r->capfiles, r->nfiles + 1,
                 sizeof *r->files) != IG_OK) {
        ig__rp_fail(&r->doc, IG_ERR_NOMEM);
        return NULL;
    }
    r->files = p;
    size_t n = strlen(r->tmpdir) + 32;
    char *f = ig__alloc(r->ctx, n);
    if (!f) {
        ig__rp_fail(&r->doc, IG_ERR_NOMEM);
        return NULL;
    }
    snprintf(f, n, "%s/fig%zu.%s", r->tmpdir, r->nfiles,
             r->fmt == IG_REPORT_HTML ? "svg" : "png");
    /* exact size, so that free_str() can free it */
    char *g = ig__strdup(r->ctx, f);
    ig__free(r->ctx, f, n);
    if (!g) {
        ig__rp_fail(&r->doc, IG_ERR_NOMEM);
        return NULL;
    }
    r->files[r->nfiles++] = g;
    return g;
}

static int fig_width(const rp_run *r, int html_w)
{
    return r->fmt == IG_REPORT_HTML ? html_w : 2 * html_w;
}

/* A figure block for the file just drawn; or, when drawing failed, the
 * failure is recorded (the library call's error is in r->err). */
static void add_figure(rp_run *r, ig_status st, const char *path,
                       const char *caption)
{
    if (st != IG_OK) {
        ig__rp_fail(&r->doc, st);
        return;
    }
    rp_block *b = ig__rp_add(&r->doc, RP_FIG, caption);
    if (b) ig__rp_set(&r->doc, &b->file, path);
}

static const char *source_line(rp_run *r, char *buf, size_t cap)
{
    if (r->sp->source) return r->sp->source;
    const char *s = ig_grid_source(r->grid);
    const ig_grid_stats *gs = ig_grid_get_stats(r->grid);
    if (gs && strcmp(gs->format, "eurostat") == 0 &&
        ig_grid_group_index(r->grid, "EU_OTH") != (size_t)-1) {
        snprintf(buf, cap, "%s",
                 "\xc2\xa9 European Union/Eurostat, Census 2021 grid");
        return buf;
    }
    if (s && s[0]) return s;
    if (r->sp->input) {
        const char *base = strrchr(r->sp->input, '/');
        return base ? base + 1 : r->sp->input;
    }
    return "";
}

/* ---- setup -------------------------------------------------------------- */

static ig_status setup_groups(rp_run *r)
{
    const ig_report_spec *sp = r->sp;
    r->ng = ig_grid_ngroups(r->grid);
    if (r->ng == 0)
        return ig__error_set(r->err, IG_ERR_DOMAIN, 0, 0,
                             "the grid has no groups: nothing to report");
    r->nat = ig_grid_group_index(r->grid, sp->native_group ? sp->native_group
                                                           : "NAT");
    if (r->nat == (size_t)-1) {
        if (sp->native_group)
            return ig__error_set(r->err, IG_ERR_NOT_FOUND, 0, 0,
                                 "no group '%s' (the native-born group) in "
                                 "the grid",
                                 sp->native_group);
        r->nat = 0;
    }
    r->eu = ig_grid_group_index(r->grid,
                                sp->eu_group ? sp->eu_group : "EU_OTH");
    if (sp->eu_group && r->eu == (size_t)-1)
        return ig__error_set(r->err, IG_ERR_NOT_FOUND, 0, 0,
                             "no group '%s' (born in another EU country) in "
                             "the grid",
                             sp->eu_group);
    for (size_t g = 0; g < r->ng && r->nforeign < MAX_FOREIGN; g++)
        if (g != r->nat) r->foreign[r->nforeign++] = g;
    return IG_OK;
}

static const char *area_var(const rp_run *r)
{
    const char *a = r->sp->area_var ? r->sp->area_var : "LAND_SURFACE";
    return ig_grid_var_index(r->grid, a) != (size_t)-1 ? a : NULL;
}

/* The place alone, as a one-place set whose grid is the place's cells. */
static ig_status make_one(rp_run *r)
{
    const size_t *cells = NULL;
    const double *w = NULL;
    size_t n = ig_placeset_cells(r->sp->places, r->sp->place, &cells, &w);
    if (n == 0 || !(r->row->population > 0))
        return ig__error_set(r->err, IG_ERR_DOMAIN, 0, 0,
                             "place '%s' (id %s) has no populated cells: "
                             "there is nothing to report",
                             r->pname, r->row->id);
    ig_place_def def = {r->row->id, r->row->name, r->row->cls,
                        r->row->country, 0};
    size_t off[2] = {0, n};
    ig_placeset_opts po;
    memset(&po, 0, sizeof po);
    po.land_area_var = area_var(r);
    ig_status st = ig_placeset_create(r->ctx, r->grid, 1, &def, off, cells, w,
                                      &po, &r->one, r->err);
    if (st != IG_OK) return st;
    r->pg = ig_placeset_grid(r->one);
    r->ncells = ig_grid_ncells(r->pg);
    return IG_OK;
}

/* ---- the previous census ------------------------------------------------ */

typedef struct cellkey {
    int32_t row, col;
    size_t idx;
} cellkey;

static int cmp_cellkey(const void *a, const void *b)
{
    const cellkey *x = a, *y = b;
    if (x->row != y->row) return x->row < y->row ? -1 : 1;
    if (x->col != y->col) return x->col < y->col ? -1 : 1;
    return 0;
}

/* A reason the change cannot be shown: kept for the sentence of section 1,
 * not an error of the report (the rest of it stands). Memory and
 * cancellation stay errors. */
static ig_status change_skip(rp_run *r, ig_status st, const ig_error *e)
{
    if (st == IG_ERR_NOMEM || st == IG_ERR_CANCELLED) {
        if (r->err && e != r->err) *r->err = *e;
        return st;
    }
    snprintf(r->change_msg, sizeof r->change_msg, "%s",
             e && e->msg[0] ? e->msg : ig_strerror(st));
    return IG_OK;
}

/* The place's cells in the previous grid (same row and column), as a
 * one-place set, then the change of M and of D between the two. */
static ig_status compute_change(rp_run *r)
{
    const ig_grid *pv = r->sp->previous;
    if (!pv) return IG_OK;
    ig_error e = {0};
    if (ig_grid_cell_size_m(pv) != ig_grid_cell_size_m(r->grid) ||
        ig_grid_crs_epsg(pv) != ig_grid_crs_epsg(r->grid)) {
        ig__error_set(&e, IG_ERR_MISMATCH, 0, 0,
                      "the previous grid has %d m cells in EPSG:%d, this one "
                      "%d m cells in EPSG:%d; give grids of the same "
                      "resolution and CRS",
                      (int)ig_grid_cell_size_m(pv), (int)ig_grid_crs_epsg(pv),
                      (int)ig_grid_cell_size_m(r->grid),
                      (int)ig_grid_crs_epsg(r->grid));
        return change_skip(r, IG_ERR_MISMATCH, &e);
    }
    const char *natname = ig_grid_group_name(r->grid, r->nat);
    r->prev_nat = ig_grid_group_index(pv, natname);
    if (r->prev_nat == (size_t)-1) {
        ig__error_set(&e, IG_ERR_NOT_FOUND, 0, 0,
                      "the previous grid has no group %s", natname);
        return change_skip(r, IG_ERR_NOT_FOUND, &e);
    }
    size_t npv = ig_grid_ncells(pv);
    const int32_t *prow = ig_grid_rows(pv), *pcol = ig_grid_cols(pv);
    const int32_t *grow = ig_grid_rows(r->grid), *gcol = ig_grid_cols(r->grid);
    const size_t *cells = NULL;
    const double *w = NULL;
    size_t n = ig_placeset_cells(r->sp->places, r->sp->place, &cells, &w);
    if (!npv || !prow || !pcol || !grow || !gcol) {
        ig__error_set(&e, IG_ERR_DOMAIN, 0, 0,
                      "the previous grid has no cells with coordinates");
        return change_skip(r, IG_ERR_DOMAIN, &e);
    }
    cellkey *keys = ig__alloc(r->ctx, npv * sizeof *keys);
    size_t *pc = ig__alloc(r->ctx, (n ? n : 1) * sizeof *pc);
    double *pw = ig__alloc(r->ctx, (n ? n : 1) * sizeof *pw);
    ig_status st = IG_OK;
    if (!keys || !pc || !pw) {
        st = ig__error_set(r->err, IG_ERR_NOMEM, 0, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < npv; i++) {
        keys[i].row = prow[i];
        keys[i].col = pcol[i];
        keys[i].idx = i;
    }
    qsort(keys, npv, sizeof *keys, cmp_cellkey);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        cellkey k = {grow[cells[i]], gcol[cells[i]], 0};
        const cellkey *hit = bsearch(&k, keys, npv, sizeof *keys, cmp_cellkey);
        if (!hit) continue; /* a cell new since then: an addition */
        pc[m] = hit->idx;
        pw[m] = w ? w[i] : 1.0;
        m++;
    }
    if (m == 0) {
        ig__error_set(&e, IG_ERR_MISMATCH, 0, 0,
                      "no cell of the place is in the previous grid (is it "
                      "a grid of the same area?)");
        st = change_skip(r, IG_ERR_MISMATCH, &e);
        goto done;
    }
    ig_place_def def = {r->row->id, r->row->name, r->row->cls,
                        r->row->country, 0};
    size_t off[2] = {0, m};
    ig_placeset_opts po;
    memset(&po, 0, sizeof po);
    st = ig_placeset_create(r->ctx, pv, 1, &def, off, pc, pw, &po,
                            &r->prev_one, &e);
    if (st != IG_OK) {
        st = change_skip(r, st, &e);
        goto done;
    }
    r->prev_row = ig_placeset_get(r->prev_one, 0);
    const ig_grid *ppg = ig_placeset_grid(r->prev_one);
    ig_change_opts co;
    ig_change_opts_init(&co);
    co.measure = IG_CHANGE_MUTUAL;
    st = ig_change_grids(r->ctx, ppg, r->pg, &co, &r->chg_m, &e);
    if (st == IG_OK) {
        co.measure = IG_CHANGE_DISSIM;
        co.group = IG_CHANGE_ALL_GROUPS;
        st = ig_change_grids(r->ctx, ppg, r->pg, &co, &r->chg_d, &e);
    }
    if (st != IG_OK) {
        st = change_skip(r, st, &e);
        goto done;
    }
    r->change_ok = 1;
done:
    ig__free(r->ctx, keys, npv * sizeof *keys);
    ig__free(r->ctx, pc, (n ? n : 1) * sizeof *pc);
    ig__free(r->ctx, pw, (n ? n : 1) * sizeof *pw);
    return st;
}

/* Foreign-born share of a place row, with native group nat. */
static double foreign_share_of(const ig_placeset_row *row, size_t ng,
                               size_t nat)
{
    double gsum = 0;
    for (size_t g = 0; g < ng; g++) gsum += row->groups[g];
    return gsum > 0 ? (gsum - row->groups[nat]) / gsum : (double)NAN;
}

static void fmt_signed_pct(char *buf, size_t cap, double delta)
{
    if (!isfinite(delta)) {
        snprintf(buf, cap, "%s", ig__report_text(T_NA));
        return;
    }
    char t[24];
    ig__rp_fmt_pct(t, sizeof t, fabs(delta));
    snprintf(buf, cap, "%s%s", delta < 0 ? "\xe2\x88\x92" : "+", t);
}

static void fmt_signed_value(char *buf, size_t cap, double delta)
{
    if (!isfinite(delta)) {
        snprintf(buf, cap, "%s", ig__report_text(T_NA));
        return;
    }
    char t[24];
    ig__rp_fmt_value(t, sizeof t, fabs(delta));
    /* no sign on what rounds to zero ("-0.000" would read as a change) */
    const char *z = strspn(t, "0.,") == strlen(t) ? "" : NULL;
    snprintf(buf, cap, "%s%s", z ? z : delta < 0 ? "\xe2\x88\x92" : "+", t);
}

/* A row of the change table: measure, group, then, now, change, parts. */
static void change_row(rp_doc *d, rp_block *t, const char *measure,
                       const char *group, const ig_change_parts *p,
                       const char *parts)
{
    char a[32], b[32], c[32];
    ig__rp_fmt_value(a, sizeof a, p->old_value);
    ig__rp_fmt_value(b, sizeof b, p->new_value);
    fmt_signed_value(c, sizeof c, p->total);
    ig__rp_cell(d, t, measure);
    ig__rp_cell(d, t, group);
    ig__rp_cell(d, t, a);
    ig__rp_cell(d, t, b);
    ig__rp_cell(d, t, c);
    ig__rp_cell(d, t, parts);
}

/* Section 1's change: key figures then and now, a sentence, a table of
 * the change of M and D with their parts, and a bar chart of M's parts. */
static void sec_change(rp_run *r, size_t kidx, const char *source)
{
    rp_doc *d = &r->doc;
    rp_block *keys = kidx < d->n ? &d->b[kidx] : NULL;
    if (!r->sp->previous) {
        ig__rp_add(d, RP_NOTE, ig__report_text(T_S_CHANGE_NONE));
        return;
    }
    if (!r->prev_row) {
        ig__rp_addf(d, RP_P, T_S_CHANGE_FAIL, r->change_msg,
                    (const char *)NULL);
        return;
    }
    double pop0 = r->prev_row->population, pop1 = r->row->population;
    double fs0 = foreign_share_of(r->prev_row, ig_grid_ngroups(r->sp->previous),
                                  r->prev_nat);
    double fs1 = foreign_share_of(r->row, r->ng, r->nat);
    char p0[64], p1[64], dp[64], f0[32], f1[32], df[32];
    ig__rp_fmt_count(p0, sizeof p0, pop0);
    ig__rp_fmt_count(p1, sizeof p1, pop1);
    fmt_signed_pct(dp, sizeof dp, pop0 > 0 ? pop1 / pop0 - 1 : (double)NAN);
    ig__rp_fmt_pct(f0, sizeof f0, fs0);
    ig__rp_fmt_pct(f1, sizeof f1, fs1);
    {
        /* percentage points, one decimal */
        double pp = 100 * (fs1 - fs0);
        if (isfinite(pp))
            snprintf(df, sizeof df, "%s%.1f",
                     fabs(pp) < 0.05 ? "" : pp < 0 ? "\xe2\x88\x92" : "+",
                     fabs(pp));
        else
            snprintf(df, sizeof df, "%s", ig__report_text(T_NA));
    }
    ig__rp_cell(d, keys, ig__report_text(T_KEY_POPULATION_THEN));
    ig__rp_cell(d, keys, p0);
    ig__rp_cell(d, keys, ig__report_text(T_KEY_FOREIGN_THEN));
    ig__rp_cell(d, keys, f0);
    ig__rp_add(d, RP_H3, ig__report_text(T_CHANGE_HEAD));
    ig__rp_addf(d, RP_P, T_S_CHANGE_POP, p0, p1, dp, f0, f1, df,
                (const char *)NULL);
    if (!r->change_ok) {
        ig__rp_addf(d, RP_P, T_S_CHANGE_FAIL, r->change_msg,
                    (const char *)NULL);
        return;
    }
    /* M: one row; its five parts */
    const ig_change_row *mr = NULL;
    for (size_t i = 0; i < ig_change_result_nrows(r->chg_m); i++) {
        const ig_change_row *x = ig_change_result_row(r->chg_m, i);
        if (x->kind == IG_CHANGE_ROW_TOTAL) {
            mr = x;
            break;
        }
    }
    rp_block *t = ig__rp_add(d, RP_TABLE, NULL);
    if (t) {
        t->ncols = 6;
        t->numeric_from = 2;
    }
    ig__rp_cell(d, t, ig__report_text(T_COL_MEASURE));
    ig__rp_cell(d, t, ig__report_text(T_COL_GROUP));
    ig__rp_cell(d, t, ig__report_text(T_COL_THEN));
    ig__rp_cell(d, t, ig__report_text(T_COL_NOW));
    ig__rp_cell(d, t, ig__report_text(T_COL_CHANGE));
    ig__rp_cell(d, t, ig__report_text(T_COL_PARTS));
    static const rp_text mparts[5] = {T_PART_ADDITIONS, T_PART_REMOVALS,
                                      T_PART_UNIT, T_PART_GROUP,
                                      T_PART_STRUCTURAL};
    double mv[5] = {NAN, NAN, NAN, NAN, NAN};
    if (mr && mr->status == IG_OK) {
        const ig_change_parts *p = &mr->parts;
        mv[0] = p->additions;
        mv[1] = p->removals;
        mv[2] = p->unit_marginal;
        mv[3] = p->group_marginal;
        mv[4] = p->structural;
        rp_buf b;
        ig__rp_buf_init(&b, r->ctx);
        for (int k = 0; k < 5; k++) {
            char v[32];
            fmt_signed_value(v, sizeof v, mv[k]);
            ig__rp_buf_printf(&b, "%s%s %s", k ? "; " : "",
                              ig__report_text(mparts[k]), v);
        }
        if (b.fail) ig__rp_fail(d, IG_ERR_NOMEM);
        else change_row(d, t, "mutual_information", ig__report_text(T_GROUP_ALL),
                        p, b.p);
        ig__rp_buf_free(&b);
    }
    /* D: per foreign group and multigroup; composition vs reallocation */
    const ig_change_row *dsent = NULL;
    for (size_t i = 0; i < ig_change_result_nrows(r->chg_d); i++) {
        const ig_change_row *x = ig_change_result_row(r->chg_d, i);
        if (x->kind != IG_CHANGE_ROW_TOTAL || x->status != IG_OK) continue;
        if (x->group >= 0 && (size_t)x->group == r->prev_nat) continue;
        char ph[128], c1[32], c2[32], parts[320];
        const char *gname;
        if (x->group < 0) {
            gname = ig__report_text(T_GROUP_ALL);
        } else {
            size_t g = ig_grid_group_index(
                r->grid, ig_grid_group_name(r->sp->previous, (size_t)x->group));
            group_phrase(r, g == (size_t)-1 ? -1 : (long)g, ph, sizeof ph);
            gname = ph;
            /* the sentence: the foreign group whose D changed most */
            if (!dsent || fabs(x->parts.total) > fabs(dsent->parts.total) ||
                (fabs(x->parts.total) == fabs(dsent->parts.total) &&
                 x->parts.new_value > dsent->parts.new_value))
                dsent = x;
        }
        char c3[32], c4[32];
        fmt_signed_value(c1, sizeof c1, x->parts.composition);
        fmt_signed_value(c2, sizeof c2, x->parts.reallocation);
        fmt_signed_value(c3, sizeof c3, x->parts.additions);
        fmt_signed_value(c4, sizeof c4, x->parts.removals);
        snprintf(parts, sizeof parts, "%s %s; %s %s; %s %s; %s %s",
                 ig__report_text(T_PART_ADDITIONS), c3,
                 ig__report_text(T_PART_REMOVALS), c4,
                 ig__report_text(T_PART_COMPOSITION), c1,
                 ig__report_text(T_PART_REALLOCATION), c2);
        change_row(d, t,
                   x->group < 0 ? "multi_dissimilarity" : "dissimilarity",
                   gname, &x->parts, parts);
    }
    if (mr && mr->status == IG_OK) {
        char a[32], b[32], big[32];
        ig__rp_fmt_value(a, sizeof a, mr->parts.old_value);
        ig__rp_fmt_value(b, sizeof b, mr->parts.new_value);
        int kmax = 0;
        for (int k = 1; k < 5; k++)
            if (fabs(mv[k]) > fabs(mv[kmax])) kmax = k;
        fmt_signed_value(big, sizeof big, mv[kmax]);
        if (strcmp(a, b) == 0) /* no change at the precision shown */
            ig__rp_addf(d, RP_P, T_S_CHANGE_M_SAME, a, (const char *)NULL);
        else
            ig__rp_addf(d, RP_P, T_S_CHANGE_M, a, b, big,
                        ig__report_text(mparts[kmax]), (const char *)NULL);
        const char *labels[5];
        for (int k = 0; k < 5; k++) labels[k] = ig__report_text(mparts[k]);
        ig_chart_text ct = {ig__report_text(T_CHANGE_CHART_TITLE), r->pname,
                            ig__report_text(T_CHANGE_CHART_X), NULL, source,
                            r->sp->date};
        const char *path = fig_path(r);
        if (path)
            add_figure(r,
                       ig_chart_bars(r->ctx, &ct, labels, mv, NULL, NULL, 5,
                                     fig_width(r, 640), path, NULL, r->err),
                       path, ig__report_text(T_CHANGE_CHART_TITLE));
    }
    if (dsent) {
        char ph[128], a[32], b[32], c1[32], c2[32], c3[32];
        size_t g = ig_grid_group_index(
            r->grid, ig_grid_group_name(r->sp->previous, (size_t)dsent->group));
        group_phrase(r, g == (size_t)-1 ? -1 : (long)g, ph, sizeof ph);
        ig__rp_fmt_value(a, sizeof a, dsent->parts.old_value);
        ig__rp_fmt_value(b, sizeof b, dsent->parts.new_value);
        fmt_signed_value(c1, sizeof c1, dsent->parts.composition);
        fmt_signed_value(c2, sizeof c2, dsent->parts.reallocation);
        fmt_signed_value(c3, sizeof c3,
                         dsent->parts.additions + dsent->parts.removals);
        ig__rp_addf(d, RP_P, T_S_CHANGE_D, ph, a, b, c3, c1, c2,
                    (const char *)NULL);
    }
    ig__rp_add(d, RP_NOTE, ig__report_text(T_S_CHANGE_NOTE));
}

/* ---- section 1: key figures ----------------------------------------- */

static void sec_key(rp_run *r, const char *source)
{
    rp_doc *d = &r->doc;
    const ig_placeset_row *row = r->row;
    ig__rp_add(d, RP_H2, ig__report_text(T_SEC1));
    if (d->n) ig__rp_set(d, &d->b[d->n - 1].anchor, "key-figures");
    double gsum = 0;
    for (size_t g = 0; g < r->ng; g++) gsum += row->groups[g];
    double foreign = gsum - row->groups[r->nat];
    char pop[64], cells[64], fshare[64], area[64], dens[64];
    ig__rp_fmt_count(pop, sizeof pop, row->population);
    ig__rp_fmt_count(cells, sizeof cells, (double)r->ncells);
    ig__rp_fmt_pct(fshare, sizeof fshare, gsum > 0 ? foreign / gsum : (double)NAN);
    char csz[32];
    snprintf(csz, sizeof csz, "%g km\xc2\xb2",
             (double)ig_grid_cell_size_m(r->grid) *
                 ig_grid_cell_size_m(r->grid) / 1e6);

    rp_block *k = ig__rp_add(d, RP_KEYS, NULL);
    size_t kidx = k ? d->n - 1 : (size_t)-1; /* blocks move as they grow */
    ig__rp_cell(d, k, ig__report_text(T_KEY_POPULATION));
    ig__rp_cell(d, k, pop);
    ig__rp_cell(d, k, ig__report_text(T_KEY_FOREIGN));
    ig__rp_cell(d, k, fshare);
    for (size_t q = 0; q < r->nforeign; q++) {
        size_t g = r->foreign[q];
        char ph[128], cnt[64], pc[64];
        group_phrase(r, (long)g, ph, sizeof ph);
        const char *a1[1] = {ph};
        char *label = ig__rp_fill(d, T_KEY_GROUP, 1, a1);
        ig__rp_fmt_count(cnt, sizeof cnt, row->groups[g]);
        ig__rp_fmt_pct(pc, sizeof pc, gsum > 0 ? row->groups[g] / gsum : (double)NAN);
        const char *a2[2] = {cnt, pc};
        char *val = ig__rp_fill(d, T_KEY_VALUE_SHARE, 2, a2);
        ig__rp_cell(d, k, label);
        ig__rp_cell(d, k, val);
        free_str(r->ctx, label);
        free_str(r->ctx, val);
    }
    ig__rp_cell(d, k, ig__report_text(T_KEY_CELLS));
    ig__rp_cell(d, k, cells);
    if (isfinite(row->area_km2) && row->area_km2 > 0) {
        if (row->area_km2 >= 100) {
            char a[48];
            ig__rp_fmt_count(a, sizeof a, row->area_km2);
            snprintf(area, sizeof area, "%s km\xc2\xb2", a);
        } else {
            snprintf(area, sizeof area, "%.1f km\xc2\xb2", row->area_km2);
        }
        ig__rp_fmt_count(dens, sizeof dens, row->population / row->area_km2);
        ig__rp_cell(d, k, ig__report_text(T_KEY_AREA));
        ig__rp_cell(d, k, area);
        ig__rp_cell(d, k, ig__report_text(T_KEY_DENSITY));
        ig__rp_cell(d, k, dens);
    }
    if (row->cls && row->cls[0]) {
        ig__rp_cell(d, k, ig__report_text(T_KEY_CLASS));
        ig__rp_cell(d, k, row->cls);
    }
    if (row->country && row->country[0]) {
        ig__rp_cell(d, k, ig__report_text(T_KEY_COUNTRY));
        ig__rp_cell(d, k, row->country);
    }
    ig__rp_addf(d, RP_P, T_S_POPULATION, r->pname, pop, cells, csz, fshare,
                (const char *)NULL);
    /* "Of the residents, 80 % are born in the country, ..." */
    rp_buf parts;
    ig__rp_buf_init(&parts, r->ctx);
    ig__rp_buf_add(&parts, "", 0);
    for (size_t g = 0; g < r->ng && gsum > 0; g++) {
        char ph[128], pc[64];
        group_phrase(r, (long)g, ph, sizeof ph);
        ig__rp_fmt_pct(pc, sizeof pc, row->groups[g] / gsum);
        const char *a[2] = {pc, ph};
        char *s = ig__rp_fill(d, T_S_GROUP_PART, 2, a);
        if (g) ig__rp_buf_puts(&parts, ", ");
        if (s) ig__rp_buf_puts(&parts, s);
        free_str(r->ctx, s);
    }
    if (parts.fail) ig__rp_fail(d, IG_ERR_NOMEM);
    else if (gsum > 0)
        ig__rp_addf(d, RP_P, T_S_GROUPS, parts.p, (const char *)NULL);
    ig__rp_buf_free(&parts);
    sec_change(r, kidx, source);
}

/* ---- section 2: maps ------------------------------------------------- */

static ig_status compute_hotspots(rp_run *r)
{
    if (r->nforeign == 0) return IG_OK;
    ig_local_opts lo;
    ig_local_opts_init(&lo);
    lo.measure = "local_gi_star";
    lo.place = 0;
    lo.scale = r->local_scale;
    lo.edge = r->sp->params.edge;
    lo.context = r->grid;
    lo.groups = r->foreign;
    lo.n_groups = r->nforeign;
    lo.na_as_zero = r->sp->na_as_zero;
    lo.seed = r->sp->params.seed;
    return ig_local_run(r->ctx, r->pg, &lo, &r->gi, r->err);
}

static void sec_maps(rp_run *r, const char *source)
{
    rp_doc *d = &r->doc;
    ig__rp_add(d, RP_H2, ig__report_text(T_SEC2));
    if (d->n) ig__rp_set(d, &d->b[d->n - 1].anchor, "where");
    char scale[96], rad[32];
    ig__rp_fmt_count(rad, sizeof rad, r->local_scale.radius_m);
    const char *kn = ig_kernel_name(r->local_scale.kernel);
    const char *sa[2] = {kn ? kn : "disc", rad};
    char *sd = ig__rp_fill(d, T_SCALE_DESC, 2, sa);
    snprintf(scale, sizeof scale, "%s", sd ? sd : rad);
    free_str(r->ctx, sd);
    if (r->nforeign == 0) {
        ig__rp_addf(d, RP_P, T_S_NO_FOREIGN, (const char *)NULL);
        return;
    }
    ig__rp_addf(d, RP_P, T_S_MAPS_INTRO, scale, (const char *)NULL);
    size_t n = r->ncells;
    size_t nn = n ? n : 1;
    double *values = ig__alloc(r->ctx, nn * sizeof *values);
    uint8_t *cat = ig__alloc(r->ctx, nn);
    int32_t *rows = ig__alloc(r->ctx, nn * sizeof *rows);
    int32_t *cols = ig__alloc(r->ctx, nn * sizeof *cols);
    if (!values || !cat || !rows || !cols) {
        ig__rp_fail(d, IG_ERR_NOMEM);
        goto out;
    }
    const int32_t *gr = ig_grid_rows(r->pg), *gc = ig_grid_cols(r->pg);
    const double *tot = ig_grid_totals(r->pg);
    ig_map_category cats[7];
    for (size_t c = 0; c < 7; c++) {
        cats[c].label = ig_palette_class_label(gi_order[c]);
        cats[c].colour = ig_palette_class_colour(gi_order[c]);
    }
    for (size_t q = 0; q < r->nforeign && d->st == IG_OK; q++) {
        size_t g = r->foreign[q];
        const double *cnt = ig_grid_counts(r->pg, g);
        const uint8_t *na = ig_grid_na(r->pg, g);
        char ph[128];
        group_phrase(r, (long)g, ph, sizeof ph);
        ig__rp_add(d, RP_H3, ph);
        for (size_t j = 0; j < n; j++) {
            rows[j] = gr[j];
            cols[j] = gc[j];
            values[j] = tot[j] > 0 && !(na && na[j]) ? cnt[j] / tot[j] : (double)NAN;
        }
        const char *a1[1] = {ph};
        char *title = ig__rp_fill(d, T_MAP_SHARE_TITLE, 1, a1);
        ig_map_spec ms;
        ig_map_spec_init(&ms);
        ms.n_cells = n;
        ms.rows = rows;
        ms.cols = cols;
        ms.cell_size_m = ig_grid_cell_size_m(r->grid);
        ms.epsg = ig_grid_crs_epsg(r->grid);
        ms.values = values;
        ms.percent = 1;
        ms.title = title;
        ms.legend_title = ig__report_text(T_MAP_SHARE_LEGEND);
        ms.source = source;
        ms.date = r->sp->date;
        ms.width_px = fig_width(r, 760);
        const char *path = fig_path(r);
        if (path && title)
            add_figure(r, ig_map_render(r->ctx, &ms, path, NULL, r->err),
                       path, title);
        free_str(r->ctx, title);
        if (d->st != IG_OK) break;

        /* hot spots of the same group */
        const ig_local_layer *ly = r->gi ? ig_local_result_layer(r->gi, q)
                                         : NULL;
        if (!ly) continue;
        if (ly->status != IG_OK || !ly->cls) {
            ig__rp_addf(d, RP_P, T_S_HOT_UNDEF, ph,
                        ly->message ? ly->message : ig_strerror(ly->status),
                        (const char *)NULL);
            continue;
        }
        size_t nl = ig_local_result_ncells(r->gi);
        const size_t *lc = ig_local_result_cells(r->gi);
        if (nl > n) nl = n;
        size_t hot = 0, cold = 0, populated = 0;
        ig_ksum in_hot, all;
        ig_ksum_init(&in_hot);
        ig_ksum_init(&all);
        for (size_t j = 0; j < nl; j++) {
            size_t i = lc[j];
            rows[j] = gr[i];
            cols[j] = gc[i];
            cat[j] = IG_MAP_NO_CATEGORY;
            for (uint8_t c = 0; c < 7; c++)
                if (ly->cls[j] == (uint8_t)gi_order[c]) cat[j] = c;
            if (tot[i] > 0) populated++;
            ig_ksum_add(&all, cnt[i]);
            if (cat[j] <= 2) {
                hot++;
                ig_ksum_add(&in_hot, cnt[i]);
            } else if (cat[j] >= 4 && cat[j] <= 6) {
                cold++;
            }
        }
        title = ig__rp_fill(d, T_MAP_HOT_TITLE, 1, a1);
        ig_map_spec_init(&ms);
        ms.n_cells = nl;
        ms.rows = rows;
        ms.cols = cols;
        ms.cell_size_m = ig_grid_cell_size_m(r->grid);
        ms.epsg = ig_grid_crs_epsg(r->grid);
        ms.category = cat;
        ms.categories = cats;
        ms.n_categories = 7;
        ms.title = title;
        ms.legend_title = ig__report_text(T_MAP_HOT_LEGEND);
        ms.source = source;
        ms.date = r->sp->date;
        ms.width_px = fig_width(r, 760);
        path = fig_path(r);
        if (path && title)
            add_figure(r, ig_map_render(r->ctx, &ms, path, NULL, r->err),
                       path, title);
        free_str(r->ctx, title);
        char a[32], b[32], c[32], e[32];
        ig__rp_fmt_count(a, sizeof a, (double)hot);
        ig__rp_fmt_count(b, sizeof b, (double)populated);
        double tall = ig_ksum_value(&all);
        ig__rp_fmt_pct(c, sizeof c, tall > 0 ? ig_ksum_value(&in_hot) / tall
                                             : (double)NAN);
        ig__rp_fmt_count(e, sizeof e, (double)cold);
        ig__rp_addf(d, RP_P, T_S_HOT, a, b, ph, c, e, (const char *)NULL);
    }
out:
    ig__free(r->ctx, values, nn * sizeof *values);
    ig__free(r->ctx, cat, nn);
    ig__free(r->ctx, rows, nn * sizeof *rows);
    ig__free(r->ctx, cols, nn * sizeof *cols);
}

/* ---- section 3 and 5: measures, inference, benchmark ------------------ */

static void measure_names(const rp_run *r, const char *const **names,
                          size_t *n)
{
    if (r->sp->measures && r->sp->n_measures) {
        *names = r->sp->measures;
        *n = r->sp->n_measures;
    } else {
        *names = default_measures;
        *n = sizeof default_measures / sizeof *default_measures;
    }
}

static void run_opts(const rp_run *r, ig_run_opts *ro)
{
    ig_run_opts_init(ro);
    measure_names(r, &ro->measures, &ro->n_measures);
    ro->params = r->sp->params;
    ro->na_as_zero = r->sp->na_as_zero;
    ro->context = r->grid;
    ro->area_var = area_var(r);
}

static ig_status compute_measures(rp_run *r)
{
    ig_run_opts ro;
    run_opts(r, &ro);
    ig_infer_opts io = r->sp->infer;
    io.places = NULL;
    io.n_places = 0;
    ig_status st = ig_infer_run(r->ctx, r->pg, &ro, &io, &r->inf, r->err);
    if (st != IG_OK) return st;
    const ig_results *res = ig_infer_results_values(r->inf);
    size_t nrows = ig_results_nrows(res);
    r->cols = ig__calloc(r->ctx, nrows ? nrows : 1, sizeof *r->cols);
    if (!r->cols) return ig__error_set(r->err, IG_ERR_NOMEM, 0, 0,
                                       "out of memory");
    for (size_t i = 0; i < nrows; i++) {
        const ig_result_row *row = ig_results_row(res, i);
        if (row->component != IG_COMP_TOTAL) continue;
        /* single-group measures of the native-born say the same as the
         * foreign-born ones in a two-group place; keep the table short */
        if (row->group >= 0 && (size_t)row->group == r->nat && r->nforeign)
            continue;
        mcol *c = &r->cols[r->ncols++];
        c->m = row->measure;
        c->group = row->group;
        c->row = i;
        c->bcol = (size_t)-1;
    }
    return IG_OK;
}

/* The benchmark: the main measures on every place (no inference), the
 * place's context variables as `integrid benchmark` has them. */
static ig_status compute_bench(rp_run *r)
{
    const ig_placeset *ps = r->sp->places;
    size_t np = ig_placeset_count(ps);
    r->bp = ig__calloc(r->ctx, np ? np : 1, sizeof *r->bp);
    r->brow_of = ig__calloc(r->ctx, np ? np : 1, sizeof *r->brow_of);
    if (!r->bp || !r->brow_of)
        return ig__error_set(r->err, IG_ERR_NOMEM, 0, 0, "out of memory");
    const char *mv_name = r->sp->movers_var ? r->sp->movers_var : "CHG_OUT";
    size_t mv = ig_grid_var_index(r->grid, mv_name);
    if (r->sp->movers_var && mv == (size_t)-1)
        return ig__error_set(r->err, IG_ERR_NOT_FOUND, 0, 0,
                             "no column '%s' (recent movers) in the grid",
                             r->sp->movers_var);
    r->bplace = (size_t)-1;
    for (size_t i = 0; i < np; i++) {
        const ig_placeset_row *row = ig_placeset_get(ps, i);
        if (row->aggregate) continue;
        ig_bench_place *p = &r->bp[r->nb];
        p->id = row->id;
        p->name = row->name;
        p->cls = row->cls;
        p->country = row->country;
        p->population = row->population > 0 ? row->population : 0.0;
        double gsum = 0;
        for (size_t g = 0; g < r->ng; g++) gsum += row->groups[g];
        double foreign = gsum - row->groups[r->nat];
        p->foreign_share = gsum > 0 ? foreign / gsum : (double)NAN;
        if (p->foreign_share < 0) p->foreign_share = 0;
        if (p->foreign_share > 1) p->foreign_share = 1;
        p->eu_share = (r->eu != (size_t)-1 && foreign > 0)
                          ? row->groups[r->eu] / foreign
                          : (double)NAN;
        if (p->eu_share > 1) p->eu_share = 1;
        p->density_km2 = isfinite(row->area_km2) && row->area_km2 > 0
                             ? p->population / row->area_km2
                             : (double)NAN;
        p->movers_share = mv != (size_t)-1 && row->population > 0
                              ? row->vars[mv] / row->population
                              : (double)NAN;
        if (p->movers_share > 1) p->movers_share = 1;
        if (i == r->sp->place) r->bplace = r->nb;
        r->brow_of[r->nb++] = i;
    }
    if (r->bplace == (size_t)-1) return IG_OK; /* an aggregate: no bench */

    ig_run_opts ro;
    run_opts(r, &ro);
    ro.context = ig_placeset_grid(ps) != r->grid ? r->grid : NULL;
    ig_status st = ig_measures_run(r->ctx, ig_placeset_grid(ps), &ro,
                                   &r->all, r->err);
    if (st != IG_OK) return st;
    size_t nrows = ig_results_nrows(r->all);
    size_t per = ig_results_nplaces(r->all) ? nrows /
                                                  ig_results_nplaces(r->all)
                                            : 0;
    /* columns: the rows of the first place that match a main column */
    r->nbcols = r->ncols;
    r->bvalues = ig__calloc(r->ctx, r->nb * r->nbcols + 1,
                            sizeof *r->bvalues);
    if (!r->bvalues)
        return ig__error_set(r->err, IG_ERR_NOMEM, 0, 0, "out of memory");
    for (size_t c = 0; c < r->ncols; c++) {
        for (size_t j = 0; j < per; j++) {
            const ig_result_row *x = ig_results_row(r->all, j);
            if (x->component == IG_COMP_TOTAL && x->measure == r->cols[c].m &&
                x->group == r->cols[c].group && x->scale == 0) {
                r->cols[c].bcol = j;
                break;
            }
        }
    }
    for (size_t b = 0; b < r->nb; b++) {
        size_t p = r->brow_of[b];
        for (size_t c = 0; c < r->ncols; c++) {
            double v = NAN;
            if (r->cols[c].bcol != (size_t)-1) {
                const ig_result_row *x =
                    ig_results_row(r->all, p * per + r->cols[c].bcol);
                if (x && x->place == p && x->status == IG_OK) v = x->value;
            }
            r->bvalues[b * r->nbcols + c] = v;
        }
    }
    ig_bench_input in = {r->nb, r->bp, r->nbcols, r->bvalues};
    ig_bench_opts bo;
    ig_bench_opts_init(&bo);
    bo.k = r->sp->peers;
    st = ig_bench_run(r->ctx, &in, r->bplace, &bo, &r->bench, r->err);
    if (st != IG_OK) return st;
    r->bench_ok = 1;
    return IG_OK;
}

/* The comparison of column c: peers when there are at least two others
 * with a value, else the class. */
static void comparison(rp_run *r, size_t c, char *buf, size_t cap,
                       double *pct)
{
    buf[0] = '\0';
    *pct = NAN;
    if (!r->bench_ok) return;
    const ig_bench_stat *sp = ig_bench_stat_get(r->bench, c, IG_BENCH_PEERS);
    const ig_bench_stat *sc = ig_bench_stat_get(r->bench, c, IG_BENCH_CLASS);
    const ig_bench_stat *s = sp && sp->n >= 3 ? sp : sc;
    if (!s || !isfinite(s->percentile)) return;
    char n[32];
    ig__rp_fmt_count(n, sizeof n, (double)(s->n - 1));
    const char *a[1] = {n};
    char *set = ig__rp_fill(&r->doc, s == sp ? T_SET_PEERS : T_SET_CLASS, 1,
                            a);
    if (!set) return;
    char p[32];
    double pc = s->percentile;
    *pct = pc;
    const char *args[2] = {p, set};
    char *t;
    if (pc >= 55) {
        ig__rp_fmt_pct(p, sizeof p, pc / 100);
        t = ig__rp_fill(&r->doc, T_S_HIGHER, 2, args);
    } else if (pc <= 45) {
        ig__rp_fmt_pct(p, sizeof p, (100 - pc) / 100);
        t = ig__rp_fill(&r->doc, T_S_LOWER, 2, args);
    } else {
        args[0] = set;
        t = ig__rp_fill(&r->doc, T_S_MIDDLE, 1, args);
    }
    if (t) snprintf(buf, cap, "%s", t);
    free_str(r->ctx, t);
    free_str(r->ctx, set);
}

static int is_share_measure(const ig_measure_info *m)
{
    return m->range_min == 0.0 && m->range_max == 1.0;
}

/* A share with d decimals ("17 %", "17.4 %"). */
static void pct_d(char *buf, size_t cap, double share, int d)
{
    if (d == 0 || !isfinite(share))
        ig__rp_fmt_pct(buf, cap, share);
    else
        snprintf(buf, cap, "%.*f\xc2\xa0%%", d, 100.0 * share);
}

/* Value and interval in one precision, fine enough that the bounds
 * differ when they do (shares: whole per cents, else up to two decimals;
 * other values: ig__rp_fmt_value). x may be NULL. */
static void fmt_vci(int pct, double v, const ig_inference *x, char *bv,
                    char *bl, char *bh, size_t cap)
{
    double lo = x ? x->ci_low : (double)NAN, hi = x ? x->ci_high : (double)NAN;
    if (!pct) {
        ig__rp_fmt_value(bv, cap, v);
        ig__rp_fmt_value(bl, cap, lo);
        ig__rp_fmt_value(bh, cap, hi);
        return;
    }
    for (int d = 0; d <= 2; d++) {
        pct_d(bv, cap, v, d);
        pct_d(bl, cap, lo, d);
        pct_d(bh, cap, hi, d);
        if (!isfinite(lo) || !isfinite(hi) || lo == hi ||
            strcmp(bl, bh) != 0)
            break;
    }
}

/* The sentence of column c: meaning, interval, comparison. */
static char *measure_sentence(rp_run *r, size_t c, const ig_inference *x,
                              const ig_result_row *row, const char *level)
{
    const mcol *mc = &r->cols[c];
    const char *name = mc->m->name;
    char ph[128], v[64], lo[64], hi[64];
    group_phrase(r, mc->group, ph, sizeof ph);
    int pct = is_share_measure(mc->m);
    if (row->status != IG_OK) {
        const char *a[2] = {name, row->message ? row->message
                                               : ig_strerror(row->status)};
        return ig__rp_fill(&r->doc, T_S_UNDEFINED, 2, a);
    }
    fmt_vci(pct, row->value, x, v, lo, hi, sizeof v);
    char *s;
    const char *a[4] = {ph, v, NULL, NULL};
    if (strcmp(name, "dissimilarity") == 0)
        s = ig__rp_fill(&r->doc, T_S_DISSIMILARITY, 2, a);
    else if (strcmp(name, "isolation") == 0)
        s = ig__rp_fill(&r->doc, T_S_ISOLATION, 2, a);
    else if (strcmp(name, "exposure") == 0)
        s = ig__rp_fill(&r->doc, T_S_EXPOSURE, 2, a);
    else if (strcmp(name, "gini") == 0) {
        ig__rp_fmt_value(v, sizeof v, row->value);
        s = ig__rp_fill(&r->doc, T_S_GINI, 2, a);
    } else if (strcmp(name, "multi_information_theory") == 0) {
        a[0] = v;
        s = ig__rp_fill(&r->doc, T_S_ENTROPY, 1, a);
    } else {
        ig__rp_fmt_value(v, sizeof v, row->value);
        char nm[160];
        if (mc->group >= 0)
            snprintf(nm, sizeof nm, "%s (%s)", name,
                     ig_grid_group_name(r->grid, (size_t)mc->group));
        else
            snprintf(nm, sizeof nm, "%s", name);
        const char *g[4] = {nm, v, mc->m->range_text, mc->m->summary};
        s = ig__rp_fill(&r->doc, T_S_GENERIC, 4, g);
    }
    if (!s) return NULL;
    rp_buf b;
    ig__rp_buf_init(&b, r->ctx);
    ig__rp_buf_puts(&b, s);
    free_str(r->ctx, s);
    if (x && isfinite(x->ci_low) && isfinite(x->ci_high)) {
        const char *ra[2] = {lo, hi};
        char *range = ig__rp_fill(&r->doc, T_RANGE, 2, ra);
        const char *ca[2] = {level, range};
        char *ci = range ? ig__rp_fill(&r->doc, T_S_CI, 2, ca) : NULL;
        if (ci) {
            ig__rp_buf_puts(&b, " ");
            ig__rp_buf_puts(&b, ci);
        }
        free_str(r->ctx, ci);
        free_str(r->ctx, range);
    }
    char cmp[512];
    double pc;
    comparison(r, c, cmp, sizeof cmp, &pc);
    if (cmp[0]) {
        ig__rp_buf_puts(&b, " ");
        ig__rp_buf_puts(&b, cmp);
    }
    char *out = NULL;
    if (b.fail) ig__rp_fail(&r->doc, IG_ERR_NOMEM);
    else out = ig__strndup(r->ctx, b.p, b.len);
    if (!out && !b.fail) ig__rp_fail(&r->doc, IG_ERR_NOMEM);
    ig__rp_buf_free(&b);
    return out;
}

static void sec_measures(rp_run *r, size_t *n_rows)
{
    rp_doc *d = &r->doc;
    ig__rp_add(d, RP_H2, ig__report_text(T_SEC3));
    if (d->n) ig__rp_set(d, &d->b[d->n - 1].anchor, "how-mixed");
    const ig_infer_opts *io = &r->sp->infer;
    char level[32], reps[32];
    snprintf(level, sizeof level, "%.0f\xc2\xa0%%", 100 * io->level);
    ig__rp_fmt_count(reps, sizeof reps, io->reps);
    if (io->ci)
        ig__rp_addf(d, RP_P, T_S_MEASURES_INTRO, level, reps,
                    (const char *)NULL);
    else
        ig__rp_addf(d, RP_P, T_S_MEASURES_NOCI, (const char *)NULL);
    const ig_results *res = ig_infer_results_values(r->inf);
    rp_block *t = ig__rp_add(d, RP_TABLE, NULL);
    if (t) {
        t->ncols = 5;
        t->numeric_from = 2;
    }
    const char *la[1] = {level};
    char *cih = ig__rp_fill(d, T_COL_CI, 1, la);
    ig__rp_cell(d, t, ig__report_text(T_COL_MEASURE));
    ig__rp_cell(d, t, ig__report_text(T_COL_GROUP));
    ig__rp_cell(d, t, ig__report_text(T_COL_VALUE));
    ig__rp_cell(d, t, cih);
    ig__rp_cell(d, t, ig__report_text(T_COL_PERCENTILE));
    free_str(r->ctx, cih);
    for (size_t c = 0; c < r->ncols; c++) {
        const mcol *mc = &r->cols[c];
        const ig_result_row *row = ig_results_row(res, mc->row);
        const ig_inference *x = ig_infer_results_row(r->inf, mc->row);
        char v[64] = "", ci[160] = "", pc[32] = "";
        int pct = is_share_measure(mc->m);
        char lo[64], hi[64];
        fmt_vci(pct, row->value, x, v, lo, hi, sizeof v);
        if (row->status != IG_OK)
            snprintf(v, sizeof v, "%s", ig__report_text(T_NA));
        if (x && isfinite(x->ci_low) && isfinite(x->ci_high)) {
            snprintf(ci, sizeof ci, "%s \xe2\x80\x93 %s", lo, hi);
        }
        if (r->bench_ok) {
            const ig_bench_stat *s = ig_bench_stat_get(r->bench, c,
                                                       IG_BENCH_PEERS);
            if (s && isfinite(s->percentile))
                snprintf(pc, sizeof pc, "%.0f", s->percentile);
        }
        ig__rp_cell(d, t, mc->m->name);
        ig__rp_cell(d, t, mc->group >= 0
                              ? ig_grid_group_name(r->grid, (size_t)mc->group)
                              : ig__report_text(T_GROUP_ALL));
        ig__rp_cell(d, t, v);
        ig__rp_cell(d, t, ci);
        ig__rp_cell(d, t, pc);
    }
    *n_rows = r->ncols;
    for (size_t c = 0; c < r->ncols && d->st == IG_OK; c++) {
        const mcol *mc = &r->cols[c];
        const ig_result_row *row = ig_results_row(res, mc->row);
        const ig_inference *x =
            io->ci ? ig_infer_results_row(r->inf, mc->row) : NULL;
        char *s = measure_sentence(r, c, x, row, level);
        if (s) {
            ig__rp_add(d, RP_P, s);
            d->sentences++;
        }
        free_str(r->ctx, s);
    }
}

/* ---- section 4: profile ---------------------------------------------- */

/* The radii of the profile: the caller's, else 1, 2, 4, 8 cell sizes. */
static size_t profile_radii(const rp_run *r, double *radii)
{
    size_t ns = r->sp->n_radii;
    if (ns == 0) {
        double cell = (double)ig_grid_cell_size_m(r->grid);
        for (ns = 0; ns < 4; ns++) radii[ns] = cell * (double)(1u << ns);
    } else {
        memcpy(radii, r->sp->radii, ns * sizeof *radii);
    }
    return ns;
}

static void sec_profile(rp_run *r, const char *source)
{
    rp_doc *d = &r->doc;
    ig__rp_add(d, RP_H2, ig__report_text(T_SEC4));
    if (d->n) ig__rp_set(d, &d->b[d->n - 1].anchor, "scale");
    if (d->st != IG_OK) return;
    const char *kname = ig_kernel_name(r->sp->params.scale.kernel);
    ig__rp_addf(d, RP_P, T_S_PROFILE_INTRO, kname ? kname : "disc",
                (const char *)NULL);
    double radii[IG_REPORT_MAX_RADII];
    ig_scale scales[IG_REPORT_MAX_RADII];
    size_t ns = profile_radii(r, radii);
    for (size_t s = 0; s < ns; s++) {
        scales[s].kernel = r->sp->params.scale.kernel;
        scales[s].radius_m = radii[s];
        scales[s].k = 0;
    }
    static const char *const names[2] = {"spatial_isolation",
                                         "spatial_information_theory"};
    ig_run_opts ro;
    ig_run_opts_init(&ro);
    ro.measures = names;
    ro.n_measures = 2;
    ro.params = r->sp->params;
    ro.na_as_zero = r->sp->na_as_zero;
    ro.context = r->grid;
    ro.area_var = area_var(r);
    ro.scales = scales;
    ro.n_scales = ns;
    /* with profile_ci the same rows come with bootstrap intervals */
    ig_results *own = NULL;
    ig_infer_results *inf = NULL;
    const ig_results *res = NULL;
    ig_error e2 = {0};
    ig_status st;
    if (r->sp->profile_ci) {
        ig_infer_opts io = r->sp->infer;
        io.ci = 1;
        io.test = 0;
        io.places = NULL;
        io.n_places = 0;
        st = ig_infer_run(r->ctx, r->pg, &ro, &io, &inf, &e2);
        if (st == IG_OK) res = ig_infer_results_values(inf);
    } else {
        st = ig_measures_run(r->ctx, r->pg, &ro, &own, &e2);
        res = own;
    }
    if (st == IG_ERR_NOMEM || st == IG_ERR_CANCELLED) {
        if (r->err) *r->err = e2;
        ig__rp_fail(d, st);
        ig_infer_results_destroy(inf);
        ig_results_destroy(own);
        return;
    }
    if (st != IG_OK) {
        ig__rp_addf(d, RP_P, T_S_PROFILE_NONE, e2.msg, (const char *)NULL);
        ig_infer_results_destroy(inf);
        ig_results_destroy(own);
        return;
    }
    /* series: spatial isolation per foreign group, then H */
    size_t nser = 0;
    double ys[IG_CHART_MAX_SERIES][IG_REPORT_MAX_RADII];
    double lo[IG_CHART_MAX_SERIES][IG_REPORT_MAX_RADII];
    double hi[IG_CHART_MAX_SERIES][IG_REPORT_MAX_RADII];
    int has_band[IG_CHART_MAX_SERIES] = {0};
    char labels[IG_CHART_MAX_SERIES][160];
    long sgroup[IG_CHART_MAX_SERIES];
    for (size_t q = 0; q < r->nforeign && nser + 1 < IG_CHART_MAX_SERIES;
         q++) {
        char ph[128];
        group_phrase(r, (long)r->foreign[q], ph, sizeof ph);
        const char *a[1] = {ph};
        char *l = ig__rp_fill(d, T_SERIES_ISOLATION, 1, a);
        snprintf(labels[nser], sizeof labels[nser], "%s", l ? l : ph);
        free_str(r->ctx, l);
        sgroup[nser] = (long)r->foreign[q];
        for (size_t s = 0; s < ns; s++) ys[nser][s] = lo[nser][s] = hi[nser][s] = NAN;
        nser++;
    }
    snprintf(labels[nser], sizeof labels[nser], "%s",
             ig__report_text(T_SERIES_H));
    sgroup[nser] = -1;
    for (size_t s = 0; s < ns; s++) ys[nser][s] = lo[nser][s] = hi[nser][s] = NAN;
    nser++;
    for (size_t i = 0; i < ig_results_nrows(res); i++) {
        const ig_result_row *x = ig_results_row(res, i);
        if (x->component != IG_COMP_TOTAL || x->status != IG_OK ||
            x->scale >= ns)
            continue;
        int iso = strcmp(x->measure->name, "spatial_isolation") == 0;
        const ig_inference *ci = inf ? ig_infer_results_row(inf, i) : NULL;
        for (size_t k = 0; k < nser; k++)
            if ((iso && sgroup[k] == x->group && x->group >= 0) ||
                (!iso && sgroup[k] < 0)) {
                ys[k][x->scale] = x->value;
                if (ci && isfinite(ci->ci_low) && isfinite(ci->ci_high)) {
                    lo[k][x->scale] = ci->ci_low;
                    hi[k][x->scale] = ci->ci_high;
                    has_band[k] = 1;
                }
            }
    }
    ig_chart_series ser[IG_CHART_MAX_SERIES];
    for (size_t k = 0; k < nser; k++) {
        ser[k].label = labels[k];
        ser[k].y = ys[k];
        ser[k].lo = has_band[k] ? lo[k] : NULL;
        ser[k].hi = has_band[k] ? hi[k] : NULL;
    }
    ig_chart_text ct = {ig__report_text(T_PROFILE_TITLE), r->pname,
                        ig__report_text(T_PROFILE_X),
                        ig__report_text(T_PROFILE_Y), source, r->sp->date};
    const char *path = fig_path(r);
    ig_chart_result cres;
    memset(&cres, 0, sizeof cres);
    if (path)
        add_figure(r,
                   ig_chart_lines(r->ctx, &ct, radii, ns, ser, nser,
                                  ns > 1 && radii[0] > 0, fig_width(r, 720),
                                  path, &cres, r->err),
                   path, ig__report_text(T_PROFILE_TITLE));
    r->profile_bands = cres.bands;
    if (inf) {
        char lv[32];
        ig__rp_fmt_pct(lv, sizeof lv, r->sp->infer.level);
        ig__rp_addf(d, RP_NOTE, T_S_PROFILE_BANDS, lv, (const char *)NULL);
    }
    for (size_t k = 0; k + 1 < nser && d->st == IG_OK; k++) {
        if (!isfinite(ys[k][0]) || !isfinite(ys[k][ns - 1])) continue;
        char ph[128], v0[32], v1[32], r0[32], r1[32];
        group_phrase(r, sgroup[k], ph, sizeof ph);
        ig__rp_fmt_pct(v0, sizeof v0, ys[k][0]);
        ig__rp_fmt_pct(v1, sizeof v1, ys[k][ns - 1]);
        ig__rp_fmt_count(r0, sizeof r0, radii[0]);
        ig__rp_fmt_count(r1, sizeof r1, radii[ns - 1]);
        ig__rp_addf(d, RP_P, T_S_PROFILE_SLOPE, ph, v0, r0, v1, r1,
                    (const char *)NULL);
    }
    ig_infer_results_destroy(inf);
    ig_results_destroy(own);
}

/* ---- section 5: peers ------------------------------------------------- */

static void sec_peers(rp_run *r, const char *source)
{
    rp_doc *d = &r->doc;
    ig__rp_add(d, RP_H2, ig__report_text(T_SEC5));
    if (d->n) ig__rp_set(d, &d->b[d->n - 1].anchor, "peers");
    if (!r->bench_ok || d->st != IG_OK) {
        ig__rp_add(d, RP_P, ig__report_text(T_S_NO_COMPARISON));
        return;
    }
    const ig_bench_stat *s0 = r->ncols ? ig_bench_stat_get(r->bench, 0,
                                                           IG_BENCH_CLASS)
                                       : NULL;
    char nset[32];
    ig__rp_fmt_count(nset, sizeof nset, s0 ? (double)s0->n_set : 1.0);
    const char *cls = r->row->cls && r->row->cls[0] ? r->row->cls : "-";
    ig__rp_addf(d, RP_P, T_S_PEERS_INTRO, r->pname, nset, cls,
                (const char *)NULL);

    /* strip plot over the class set: every place of the class */
    size_t nr = r->ncols;
    if (nr > 0 && r->nb > 1) {
        const char **rows = ig__calloc(r->ctx, nr, sizeof *rows);
        const double **vals = ig__calloc(r->ctx, nr, sizeof *vals);
        size_t *nv = ig__calloc(r->ctx, nr, sizeof *nv);
        double *hl = ig__calloc(r->ctx, nr, sizeof *hl);
        double *pool = ig__calloc(r->ctx, nr * r->nb + 1, sizeof *pool);
        char(*lab)[96] = ig__calloc(r->ctx, nr, sizeof *lab);
        if (!rows || !vals || !nv || !hl || !pool || !lab) {
            ig__rp_fail(d, IG_ERR_NOMEM);
        } else {
            const char *mycls = r->bp[r->bplace].cls ? r->bp[r->bplace].cls
                                                     : "";
            for (size_t c = 0; c < nr; c++) {
                const mcol *mc = &r->cols[c];
                if (mc->group >= 0)
                    snprintf(lab[c], sizeof lab[c], "%s (%s)", mc->m->name,
                             ig_grid_group_name(r->grid, (size_t)mc->group));
                else
                    snprintf(lab[c], sizeof lab[c], "%s", mc->m->name);
                rows[c] = lab[c];
                vals[c] = pool + c * r->nb;
                double *dst = pool + c * r->nb;
                for (size_t b = 0; b < r->nb; b++) {
                    const char *bc = r->bp[b].cls ? r->bp[b].cls : "";
                    if (b == r->bplace || strcmp(bc, mycls) != 0) continue;
                    double v = r->bvalues[b * r->nbcols + c];
                    if (isfinite(v)) dst[nv[c]++] = v;
                }
                hl[c] = r->bvalues[r->bplace * r->nbcols + c];
            }
            const char *a[1] = {r->pname};
            char *title = ig__rp_fill(d, T_STRIP_TITLE, 1, a);
            char *note = ig__rp_fill(d, T_STRIP_NOTE, 1, a);
            ig_chart_text ct = {title, note, NULL, NULL, source, r->sp->date};
            const char *path = fig_path(r);
            if (path && title && note)
                add_figure(r,
                           ig_chart_strip(r->ctx, &ct, rows, nr, vals, nv, hl,
                                          r->pname, fig_width(r, 720), path,
                                          NULL, r->err),
                           path, title);
            free_str(r->ctx, title);
            free_str(r->ctx, note);
        }
        ig__free(r->ctx, (void *)rows, nr * sizeof *rows);
        ig__free(r->ctx, (void *)vals, nr * sizeof *vals);
        ig__free(r->ctx, nv, nr * sizeof *nv);
        ig__free(r->ctx, hl, nr * sizeof *hl);
        ig__free(r->ctx, pool, (nr * r->nb + 1) * sizeof *pool);
        ig__free(r->ctx, lab, nr * sizeof *lab);
    }
    /* the peer list */
    size_t np = ig_bench_npeers(r->bench);
    const ig_bench_peer *pe = ig_bench_peers(r->bench);
    if (np > 0) {
        rp_block *t = ig__rp_add(d, RP_TABLE, NULL);
        if (t) {
            t->ncols = 6;
            t->numeric_from = 3;
        }
        ig__rp_cell(d, t, ig__report_text(T_COL_RANK));
        ig__rp_cell(d, t, ig__report_text(T_COL_PLACE));
        ig__rp_cell(d, t, ig__report_text(T_COL_COUNTRY));
        ig__rp_cell(d, t, ig__report_text(T_COL_POPULATION));
        ig__rp_cell(d, t, ig__report_text(T_COL_FOREIGN));
        ig__rp_cell(d, t, ig__report_text(T_COL_DISTANCE));
        for (size_t i = 0; i < np; i++) {
            const ig_bench_place *p = &r->bp[pe[i].place];
            char a[32], b[64], c[32], e[32];
            snprintf(a, sizeof a, "%zu", i + 1);
            ig__rp_fmt_count(b, sizeof b, p->population);
            ig__rp_fmt_pct(c, sizeof c, p->foreign_share);
            snprintf(e, sizeof e, "%.2f", pe[i].distance);
            ig__rp_cell(d, t, a);
            ig__rp_cell(d, t, p->name && p->name[0] ? p->name : p->id);
            ig__rp_cell(d, t, p->country ? p->country : "");
            ig__rp_cell(d, t, b);
            ig__rp_cell(d, t, c);
            ig__rp_cell(d, t, e);
        }
    }
    if (ig_bench_note(r->bench)[0])
        ig__rp_add(d, RP_NOTE, ig_bench_note(r->bench));
}

/* ---- section 6: policy ------------------------------------------------ */

/* "TEXT Examples from similar places: A (Altena, DE); B (...)." or NULL
 * (no tags, no match, or no memory: recorded in the document). */
static char *rec_with_practices(rp_run *r, const ig_practices *kb,
                                const ig_policy_recommendation *rc)
{
    if (!kb || !rc->practice_tags || !rc->practice_tags[0]) return NULL;
    ig_practice_query q;
    ig_practice_query_init(&q);
    q.tags = rc->practice_tags;
    q.like = 1;
    q.like_population = r->row->population;
    q.like_foreign_share = foreign_share_of(r->row, r->ng, r->nat);
    q.like_settlement = ig_practice_settlement_of_class(r->row->cls);
    q.limit = 2;
    ig_practice_match *m = NULL;
    size_t n = 0;
    ig_status st = ig_practices_search(r->ctx, kb, &q, &m, &n, NULL);
    if (st == IG_ERR_NOMEM) ig__rp_fail(&r->doc, st);
    if (st != IG_OK || n == 0) return NULL;
    rp_buf b;
    ig__rp_buf_init(&b, r->ctx);
    for (size_t i = 0; i < n; i++) {
        const ig_practice *p = ig_practice_get(kb, m[i].index);
        const char *a[3] = {p->title, p->place, p->country};
        char *one = ig__rp_fill(&r->doc, T_REC_PRACTICE, 3, a);
        if (i) ig__rp_buf_puts(&b, "; ");
        if (one) ig__rp_buf_puts(&b, one);
        free_str(r->ctx, one);
    }
    ig_practices_matches_free(r->ctx, m, n);
    char *out = NULL;
    if (b.fail) {
        ig__rp_fail(&r->doc, IG_ERR_NOMEM);
    } else {
        const char *a[2] = {rc->text, b.p};
        out = ig__rp_fill(&r->doc, T_REC_WITH_PRACTICES, 2, a);
    }
    ig__rp_buf_free(&b);
    return out;
}

static void sec_policy(rp_run *r, const char *source)
{
    rp_doc *d = &r->doc;
    ig__rp_add(d, RP_H2, ig__report_text(T_SEC6));
    if (d->n) ig__rp_set(d, &d->b[d->n - 1].anchor, "policy");
    const ig_policy_framework *fw = r->sp->policy_framework;
    const ig_policy_scores *sc = r->sp->policy_scores;
    if (!fw || !sc) {
        ig__rp_addf(d, RP_P, T_S_POLICY_NONE, (const char *)NULL);
        return;
    }
    ig_policy_framework_info fi;
    ig_policy_framework_get_info(fw, &fi);
    const ig_policy_gscore *ov = ig_policy_scores_overall(sc);
    char a[32], b[32], c[32];
    ig__rp_fmt_count(b, sizeof b, (double)ov->n_answered);
    ig__rp_fmt_count(c, sizeof c, (double)ov->n_applicable);
    if (ov->sufficient && isfinite(ov->score)) {
        snprintf(a, sizeof a, "%.0f", ov->score);
        ig__rp_addf(d, RP_P, T_S_POLICY_OVERALL, r->pname, fi.title, a, b, c,
                    (const char *)NULL);
    } else {
        ig__rp_addf(d, RP_P, T_S_POLICY_INSUFFICIENT, b, c,
                    (const char *)NULL);
    }
    if (isfinite(ov->outcome_score)) {
        snprintf(a, sizeof a, "%.0f", ov->outcome_score);
        ig__rp_addf(d, RP_P, T_S_POLICY_OUTCOMES, a, (const char *)NULL);
    }
    if (fi.notice && fi.notice[0]) ig__rp_add(d, RP_NOTE, fi.notice);
    size_t na = fi.n_areas;
    rp_block *t = ig__rp_add(d, RP_TABLE, NULL);
    if (t) {
        t->ncols = 3;
        t->numeric_from = 1;
    }
    ig__rp_cell(d, t, ig__report_text(T_COL_AREA));
    ig__rp_cell(d, t, ig__report_text(T_COL_SCORE));
    ig__rp_cell(d, t, ig__report_text(T_COL_ANSWERED));
    double *y = ig__calloc(r->ctx, na ? na : 1, sizeof *y);
    const char **labels = ig__calloc(r->ctx, na ? na : 1, sizeof *labels);
    if (!y || !labels) ig__rp_fail(d, IG_ERR_NOMEM);
    for (size_t i = 0; i < na && d->st == IG_OK; i++) {
        const ig_policy_area *ar = ig_policy_area_get(fw, i);
        const ig_policy_gscore *g = ig_policy_scores_area(sc, i);
        char s[32], n[48];
        if (g->sufficient && isfinite(g->score))
            snprintf(s, sizeof s, "%.0f", g->score);
        else
            snprintf(s, sizeof s, "%s", ig__report_text(T_INSUFFICIENT));
        snprintf(n, sizeof n, "%zu / %zu", g->n_answered, g->n_applicable);
        ig__rp_cell(d, t, ar->title);
        ig__rp_cell(d, t, s);
        ig__rp_cell(d, t, n);
        y[i] = g->sufficient ? g->score : (double)NAN;
        labels[i] = ar->id;
    }
    if (na >= 3 && d->st == IG_OK) {
        ig_chart_series ser = {r->pname, y, NULL, NULL};
        ig_chart_text ct = {ig__report_text(T_RADAR_TITLE), fi.title, NULL,
                            NULL, source, r->sp->date};
        const char *path = fig_path(r);
        if (path)
            add_figure(r,
                       ig_chart_radar(r->ctx, &ct, labels, na, &ser, 1, 100.0,
                                      fig_width(r, 640), path, NULL, r->err),
                       path, ig__report_text(T_RADAR_TITLE));
    }
    ig__free(r->ctx, y, (na ? na : 1) * sizeof *y);
    ig__free(r->ctx, (void *)labels, (na ? na : 1) * sizeof *labels);
    size_t nrec = 0;
    const size_t *rec = ig_policy_scores_recommendations(sc, &nrec);
    if (nrec > 0) {
        /* each recommendation with up to two practices from the built-in
         * knowledge base, the places most like this one first
         * (docs/policy/practices.md) */
        ig_practices *kb = NULL;
        ig_error e2 = {0};
        ig_status st = ig_practices_builtin(r->ctx, &kb, &e2);
        if (st == IG_ERR_NOMEM) {
            ig__rp_fail(d, st);
            return;
        }
        ig__rp_add(d, RP_H3, ig__report_text(T_RECOMMENDATIONS));
        size_t lidx = d->n - 1;
        ig__rp_add(d, RP_LIST, NULL);
        if (d->st == IG_OK) lidx = d->n - 1;
        for (size_t i = 0; i < nrec && i < 8 && d->st == IG_OK; i++) {
            const ig_policy_recommendation *rc =
                ig_policy_recommendation_get(fw, rec[i]);
            if (!rc) continue;
            char *item = rec_with_practices(r, kb, rc);
            ig__rp_cell(d, &d->b[lidx], item ? item : rc->text);
            free_str(r->ctx, item);
        }
        ig_practices_destroy(kb);
    }
}

/* ---- section 7: data and methods -------------------------------------- */

static void kv(rp_doc *d, rp_block *t, rp_text label, const char *value)
{
    ig__rp_cell(d, t, ig__report_text(label));
    ig__rp_cell(d, t, value);
}

static void sec_methods(rp_run *r, const char *source)
{
    rp_doc *d = &r->doc;
    const ig_report_spec *sp = r->sp;
    ig__rp_add(d, RP_H2, ig__report_text(T_SEC7));
    if (d->n) ig__rp_set(d, &d->b[d->n - 1].anchor, "methods");
    rp_block *t = ig__rp_add(d, RP_TABLE, NULL);
    if (t) t->ncols = 2;
    ig__rp_cell(d, t, "");
    ig__rp_cell(d, t, "");
    kv(d, t, T_M_SOURCE, source);
    if (sp->input) kv(d, t, T_M_INPUT, sp->input);
    kv(d, t, T_M_PLACE_ID, r->row->id);
    char buf[256];
    ig__rp_fmt_count(buf, sizeof buf, (double)r->ncells);
    kv(d, t, T_M_CELLS, buf);
    const double *tot = ig_grid_totals(r->pg);
    size_t empty = 0, flagged = 0;
    const uint8_t *na = ig_grid_na_any(r->pg);
    for (size_t i = 0; i < r->ncells; i++) {
        if (!(tot[i] > 0)) empty++;
        if (na && na[i]) flagged++;
    }
    ig__rp_fmt_count(buf, sizeof buf, (double)empty);
    kv(d, t, T_M_EMPTY, buf);
    ig__rp_fmt_count(buf, sizeof buf, (double)flagged);
    kv(d, t, T_M_FLAGGED, buf);
    const ig_results *res = ig_infer_results_values(r->inf);
    const ig_place_summary *ps = res ? ig_results_place(res, 0) : NULL;
    if (ps) {
        char c[64], p[64];
        ig__rp_fmt_count(c, sizeof c, (double)ps->cells_excluded);
        ig__rp_fmt_count(p, sizeof p, ps->residents_excluded);
        snprintf(buf, sizeof buf, "%s (%s residents)", c, p);
        kv(d, t, T_M_EXCLUDED, buf);
    }
    kv(d, t, T_M_NATIVE, ig_grid_group_name(r->grid, r->nat));
    if (sp->infer.ci || sp->infer.test) {
        char reps[32], seed[32], level[32];
        ig__rp_fmt_count(reps, sizeof reps, sp->infer.reps);
        snprintf(seed, sizeof seed, "%llu",
                 (unsigned long long)sp->infer.seed);
        snprintf(level, sizeof level, "%.0f\xc2\xa0%%", 100 * sp->infer.level);
        const char *a[3] = {reps, seed, level};
        char *s = ig__rp_fill(d, T_M_INFERENCE_VAL, 3, a);
        kv(d, t, T_M_INFERENCE, s);
        free_str(r->ctx, s);
    } else {
        kv(d, t, T_M_INFERENCE, ig__report_text(T_M_INFERENCE_NONE));
    }
    {
        double radii[IG_REPORT_MAX_RADII];
        size_t ns = profile_radii(r, radii);
        rp_buf rl;
        ig__rp_buf_init(&rl, r->ctx);
        for (size_t s = 0; s < ns; s++)
            ig__rp_buf_printf(&rl, "%s%g", s ? ", " : "", radii[s]);
        char rad[32];
        snprintf(rad, sizeof rad, "%g", r->local_scale.radius_m);
        const char *kn = ig_kernel_name(r->local_scale.kernel);
        const char *a[3] = {kn ? kn : "disc", rad, rl.p ? rl.p : ""};
        char *s = rl.fail ? NULL : ig__rp_fill(d, T_M_SCALE_VAL, 3, a);
        if (rl.fail) ig__rp_fail(d, IG_ERR_NOMEM);
        kv(d, t, T_M_SCALE, s);
        free_str(r->ctx, s);
        ig__rp_buf_free(&rl);
    }
    if (sp->previous)
        kv(d, t, T_M_PREVIOUS,
           sp->previous_file ? sp->previous_file
                             : ig__report_text(T_M_PREVIOUS_GIVEN));
    if (sp->policy_file) kv(d, t, T_M_POLICY, sp->policy_file);
    kv(d, t, T_M_VERSION, ig_version_string());
    if (sp->date) kv(d, t, T_M_DATE, sp->date);
    /* the measures and their references */
    rp_block *l = ig__rp_add(d, RP_LIST, NULL);
    const char *const *names;
    size_t nm;
    measure_names(r, &names, &nm);
    for (size_t i = 0; i < nm; i++) {
        const ig_measure_info *m = ig_measure_find(names[i]);
        if (!m) continue;
        const char *a[3] = {m->name, m->summary, m->citation};
        char *s = ig__rp_fill(d, T_M_MEASURE_REF, 3, a);
        ig__rp_cell(d, l, s);
        free_str(r->ctx, s);
    }
    ig__rp_add(d, RP_NOTE, ig__report_text(T_M_DOCS));
    if (sp->command) {
        ig__rp_add(d, RP_P, ig__report_text(T_M_COMMAND));
        ig__rp_add(d, RP_CODE, sp->command);
    }
}

/* ---- entry ------------------------------------------------------------ */

void ig_report_spec_init(ig_report_spec *s)
{
    memset(s, 0, sizeof *s);
    ig_measure_params_init(&s->params);
    ig_infer_opts_init(&s->infer);
    s->infer.ci = 1;
    s->infer.reps = 199;
    s->peers = 10;
}

ig_status ig_report_format_of(const char *path, ig_report_format *out)
{
    const char *dot = path ? strrchr(path, '.') : NULL;
    const char *slash = path ? strrchr(path, '/') : NULL;
    if (dot && (!slash || dot > slash)) {
        if (strcasecmp(dot, ".html") == 0 || strcasecmp(dot, ".htm") == 0) {
            *out = IG_REPORT_HTML;
            return IG_OK;
        }
        if (strcasecmp(dot, ".pdf") == 0) {
            *out = IG_REPORT_PDF;
            return IG_OK;
        }
    }
    return IG_ERR_DOMAIN;
}

static ig_status make_tmpdir(rp_run *r, const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    r->tmpdir_n = dirlen + 32;
    r->tmpdir = ig__alloc(r->ctx, r->tmpdir_n);
    if (!r->tmpdir)
        return ig__error_set(r->err, IG_ERR_NOMEM, 0, 0, "out of memory");
    snprintf(r->tmpdir, r->tmpdir_n, "%.*s.ig-report.XXXXXX", (int)dirlen,
             path);
    if (!mkdtemp(r->tmpdir)) {
        ig__free(r->ctx, r->tmpdir, r->tmpdir_n);
        r->tmpdir = NULL;
        return ig__error_set(r->err, IG_ERR_IO, 0, 0,
                             "cannot write the report '%s': cannot create a "
                             "temporary folder in '%.*s': %s",
                             path, dirlen ? (int)dirlen : 1,
                             dirlen ? path : ".", strerror(errno));
    }
    return IG_OK;
}

static void cleanup(rp_run *r)
{
    for (size_t i = 0; i < r->nfiles; i++) {
        unlink(r->files[i]);
        free_str(r->ctx, r->files[i]);
    }
    if (r->files) ig__free(r->ctx, r->files, r->capfiles * sizeof *r->files);
    if (r->tmpdir) {
        rmdir(r->tmpdir);
        ig__free(r->ctx, r->tmpdir, r->tmpdir_n);
    }
    ig_local_result_destroy(r->gi);
    ig_bench_destroy(r->bench);
    ig_results_destroy(r->all);
    ig_infer_results_destroy(r->inf);
    ig_placeset_destroy(r->one);
    ig_placeset_destroy(r->prev_one);
    ig_change_result_destroy(r->chg_m);
    ig_change_result_destroy(r->chg_d);
    ig__free(r->ctx, r->cols, 0);
    ig__free(r->ctx, r->bp, 0);
    ig__free(r->ctx, r->brow_of, 0);
    ig__free(r->ctx, r->bvalues, 0);
    ig__rp_doc_free(&r->doc);
}

ig_status ig_report_write(ig_ctx *ctx, const ig_report_spec *spec,
                          const char *path, ig_report_result *res,
                          ig_error *err)
{
    if (!spec || !spec->grid || !spec->places || !path)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "a report needs a grid, its places and an "
                             "output path");
    ig_report_format fmt;
    if (ig_report_format_of(path, &fmt) != IG_OK)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "cannot tell the report format from '%s': use a "
                             "name ending in .html or .pdf",
                             path);
    if (spec->place >= ig_placeset_count(spec->places))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "place %zu is out of range (%zu places)",
                             spec->place, ig_placeset_count(spec->places));
    if (ig_grid_cell_size_m(spec->grid) <= 0)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "a report needs grid cells with coordinates; "
                             "this grid has aspatial units");
    if (spec->n_radii > IG_REPORT_MAX_RADII)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "at most %d radii, not %zu", IG_REPORT_MAX_RADII,
                             spec->n_radii);
    for (size_t s = 0; s < spec->n_radii; s++)
        if (!(spec->radii[s] > 0) || (s && spec->radii[s] <= spec->radii[s - 1]))
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "the radii must be positive and ascending");
    if (spec->infer.ci && (spec->infer.reps < 1 || !(spec->infer.level > 0) ||
                           !(spec->infer.level < 1)))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "bad inference options: reps >= 1 and 0 < level "
                             "< 1");

    rp_run r;
    memset(&r, 0, sizeof r);
    r.ctx = ctx;
    r.sp = spec;
    r.err = err;
    r.fmt = fmt;
    r.grid = spec->grid;
    r.row = ig_placeset_get(spec->places, spec->place);
    ig__rp_doc_init(&r.doc, ctx, err);
    r.doc.date = spec->date;
    char pname[160];
    int numeric = r.row->id[0] != '\0' &&
                  strspn(r.row->id, "0123456789") == strlen(r.row->id);
    if (r.row->name && r.row->name[0]) {
        snprintf(pname, sizeof pname, "%s", r.row->name);
    } else if (!numeric) {
        snprintf(pname, sizeof pname, "%s", r.row->id);
    } else { /* a DEGURBA number: "Place 12" */
        const char *a[1] = {r.row->id};
        char *s = ig__rp_fill(&r.doc, T_PLACE_ID, 1, a);
        snprintf(pname, sizeof pname, "%s", s ? s : r.row->id);
        free_str(ctx, s);
    }
    r.pname = pname;
    r.steps = 8;
    r.local_scale = spec->params.scale;
    if (r.local_scale.k <= 0 && !(r.local_scale.radius_m > 0))
        r.local_scale.radius_m = 1000;
    r.local_scale.k = 0; /* Gi* needs a kernel */

    ig_status st = setup_groups(&r);
    if (st == IG_OK) st = make_one(&r);
    if (st == IG_OK) st = make_tmpdir(&r, path);
    if (st == IG_OK && progress(&r)) st = compute_measures(&r);
    if (st == IG_OK && progress(&r)) st = compute_bench(&r);
    if (st == IG_OK && progress(&r)) st = compute_hotspots(&r);
    if (st == IG_OK) st = compute_change(&r);
    if (st == IG_OK) st = r.doc.st;
    if (st != IG_OK) goto out;

    char srcbuf[256];
    const char *source = source_line(&r, srcbuf, sizeof srcbuf);
    rp_doc *d = &r.doc;
    {
        const char *a[1] = {r.pname};
        char *title = spec->title ? NULL : ig__rp_fill(d, T_TITLE, 1, a);
        ig__rp_set(d, &d->title, spec->title ? spec->title : title);
        free_str(ctx, title);
        char pop[64];
        ig__rp_fmt_count(pop, sizeof pop, r.row->population);
        const char *cls = r.row->cls && r.row->cls[0] ? r.row->cls : r.row->id;
        const char *b[3] = {cls, pop, source};
        char *sub = ig__rp_fill(d, T_SUBTITLE, 3, b);
        ig__rp_set(d, &d->subtitle, sub);
        free_str(ctx, sub);
        const char *c[2] = {ig_version_string(), spec->date};
        char *foot = ig__rp_fill(d, spec->date ? T_MADE_WITH
                                               : T_MADE_WITH_NODATE,
                                 2, c);
        ig__rp_set(d, &d->footer, foot);
        free_str(ctx, foot);
    }
    size_t n_rows = 0;
    sec_key(&r, source);
    if (progress(&r)) sec_maps(&r, source);
    if (progress(&r)) sec_measures(&r, &n_rows);
    if (progress(&r)) sec_profile(&r, source);
    sec_peers(&r, source);
    sec_policy(&r, source);
    sec_methods(&r, source);
    st = d->st;
    if (st == IG_OK && progress(&r)) {
        size_t bytes = 0;
        int pages = 0;
        st = fmt == IG_REPORT_HTML
                 ? ig__report_write_html(d, path, &bytes, err)
                 : ig__report_write_pdf(d, path, &pages, &bytes, err);
        if (st == IG_OK && res) {
            memset(res, 0, sizeof *res);
            res->format = fmt;
            res->sections = d->sections;
            res->figures = d->figures;
            res->sentences = d->sentences;
            res->measures = n_rows;
            res->peers = r.bench_ok ? ig_bench_npeers(r.bench) : 0;
            res->pages = pages;
            res->bytes = bytes;
            res->cells = r.ncells;
            res->population = r.row->population;
            res->change = r.change_ok;
            res->previous_population =
                r.prev_row ? r.prev_row->population : (double)NAN;
            res->profile_bands = r.profile_bands;
        }
    } else if (st == IG_OK) {
        st = d->st;
    }
out:
    if (st == IG_ERR_NOMEM && err && !err->msg[0])
        ig__error_set(err, st, 0, 0, "out of memory writing the report");
    cleanup(&r);
    return st;
}
