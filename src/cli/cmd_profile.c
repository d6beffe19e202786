/* `integrid profile`: the measures that use a neighbourhood scale, at every
 * radius (--radii) or every number of nearest residents (--k), for every
 * place. One ig_measures_run() per scale on the same grid (the local
 * environments are what changes); the rows are gathered into series of
 * (place, measure, group) so that the table and JSON can show the slope of
 * each measure against log2 of the scale: the "macro against micro"
 * signal (a rising profile means segregation over large areas, a falling
 * one segregation between neighbouring cells). CSV contract:
 * place,measure,group,scale,value, then unit and kernel on the right. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "integrid/ig_infer.h"

/* One value of a series. */
typedef struct point {
    double value;
    int ok;
    const ig_inference *inf; /* with --ci / --test, else NULL */
} point;

typedef struct profile {
    size_t n_scales;
    const double *scales;
    int is_k;
    size_t n_rows;   /* series: place x measure x group */
    point *values;   /* n_rows * n_scales, series by series */
    const ig_results *first; /* the rows; series i starts at row
                                i * n_scales */
    int ci, test, noise; /* inference columns */
} profile;

static const char *place_name(const ig_grid *g, const ig_results *res,
                              size_t p)
{
    const ig_place_summary *ps = ig_results_place(res, p);
    return ps && ps->name ? ps->name : ig_grid_place_name(g, p);
}

/* Least-squares slope of the defined values against log2(scale); NaN when
 * fewer than two are defined. */
static double slope(const profile *pr, size_t row)
{
    double sx = 0, sy = 0, n = 0;
    for (size_t s = 0; s < pr->n_scales; s++) {
        const point *p = &pr->values[row * pr->n_scales + s];
        if (!p->ok) continue;
        sx += log2(pr->scales[s]);
        sy += p->value;
        n += 1;
    }
    if (n < 2) return (double)NAN;
    double mx = sx / n, my = sy / n, sxy = 0, sxx = 0;
    for (size_t s = 0; s < pr->n_scales; s++) {
        const point *p = &pr->values[row * pr->n_scales + s];
        if (!p->ok) continue;
        double dx = log2(pr->scales[s]) - mx;
        sxy += dx * (p->value - my);
        sxx += dx * dx;
    }
    return sxx > 0 ? sxy / sxx : (double)NAN;
}

/* Whether inference column c is asked for. */
static int inf_wanted(const profile *pr, int c)
{
    return cli_inf_wanted(c, pr->ci, pr->test, pr->noise);
}

/* The inference values of a point; 0 when it has none (undefined value,
 * or no --ci / --test). */
static int point_inf(const point *p, double v[CLI_INF_ALL])
{
    if (!p->ok || !p->inf) return 0;
    cli_inf_values(p->inf, v);
    return 1;
}

static void fmt_scale(char *buf, size_t cap, double v)
{
    snprintf(buf, cap, "%.15g", v);
}

static void write_csv(FILE *fp, const ig_grid *g, const profile *pr,
                      const cli_opts *o)
{
    fputs("place,measure,group,scale,value,unit,kernel", fp);
    for (int c = 0; c < CLI_INF_ALL; c++)
        if (inf_wanted(pr, c)) fprintf(fp, ",%s", cli_inf_name(c));
    fputc('\n', fp);
    const char *kernel =
        pr->is_k ? "knn" : ig_kernel_name(o->params.scale.kernel);
    for (size_t i = 0; i < pr->n_rows; i++) {
        const ig_result_row *r = ig_results_row(pr->first, i * pr->n_scales);
        for (size_t s = 0; s < pr->n_scales; s++) {
            const point *p = &pr->values[i * pr->n_scales + s];
            cli_csv_str(fp, place_name(g, pr->first, r->place));
            fputc(',', fp);
            cli_csv_str(fp, r->measure->name);
            fputc(',', fp);
            if (r->group >= 0)
                cli_csv_str(fp, ig_grid_group_name(g, (size_t)r->group));
            char sc[64];
            fmt_scale(sc, sizeof sc, pr->scales[s]);
            fprintf(fp, ",%s,", sc);
            if (p->ok) cli_csv_num(fp, p->value);
            fprintf(fp, ",%s,%s", pr->is_k ? "residents" : "m", kernel);
            double v[CLI_INF_ALL];
            int have = point_inf(p, v);
            for (int c = 0; c < CLI_INF_ALL; c++) {
                if (!inf_wanted(pr, c)) continue;
                fputc(',', fp);
                if (have) cli_csv_num(fp, v[c]);
            }
            fputc('\n', fp);
        }
    }
}

static void write_json(FILE *fp, const ig_grid *g, const profile *pr,
                       const cli_opts *o)
{
    fputs("{\n  \"integrid_version\": ", fp);
    cli_json_str(fp, ig_version_string());
    fputs(",\n  \"input\": ", fp);
    cli_json_str(fp, o->input ? o->input : "-");
    fprintf(fp, ",\n  \"scale_unit\": \"%s\",\n  \"kernel\": ",
            pr->is_k ? "residents" : "m");
    cli_json_str(fp, pr->is_k ? "knn" : ig_kernel_name(o->params.scale.kernel));
    fprintf(fp, ",\n  \"edge\": \"%s\",\n  \"scales\": [",
            o->params.edge == IG_EDGE_PLACE ? "place" : "grid");
    for (size_t s = 0; s < pr->n_scales; s++) {
        if (s) fputs(", ", fp);
        cli_json_num(fp, pr->scales[s]);
    }
    fputs("],\n  \"series\": [", fp);
    for (size_t i = 0; i < pr->n_rows; i++) {
        const ig_result_row *r = ig_results_row(pr->first, i * pr->n_scales);
        fputs(i ? ",\n    {" : "\n    {", fp);
        fputs("\"place\": ", fp);
        cli_json_str(fp, place_name(g, pr->first, r->place));
        fputs(", \"measure\": ", fp);
        cli_json_str(fp, r->measure->name);
        fputs(", \"group\": ", fp);
        if (r->group >= 0)
            cli_json_str(fp, ig_grid_group_name(g, (size_t)r->group));
        else
            fputs("null", fp);
        fputs(", \"values\": [", fp);
        for (size_t s = 0; s < pr->n_scales; s++) {
            const point *p = &pr->values[i * pr->n_scales + s];
            if (s) fputs(", ", fp);
            if (p->ok)
                cli_json_num(fp, p->value);
            else
                fputs("null", fp);
        }
        for (int c = 0; c < CLI_INF_ALL; c++) {
            if (!inf_wanted(pr, c)) continue;
            fprintf(fp, "], \"%s\": [", cli_inf_name(c));
            for (size_t s2 = 0; s2 < pr->n_scales; s2++) {
                double v[CLI_INF_ALL];
                int have = point_inf(&pr->values[i * pr->n_scales + s2], v);
                if (s2) fputs(", ", fp);
                if (have && isfinite(v[c]))
                    cli_json_num(fp, v[c]);
                else
                    fputs("null", fp);
            }
        }
        fputs("], \"slope_per_doubling\": ", fp);
        double sl = slope(pr, i);
        if (isfinite(sl))
            cli_json_num(fp, sl);
        else
            fputs("null", fp);
        fputc('}', fp);
    }
    fputs("\n  ]\n}\n", fp);
}

/* For people: one block per place, one line per measure and group with
 * the values at each scale and the slope per doubling of the scale. */
static void write_table(FILE *fp, const ig_grid *g, const profile *pr,
                        const cli_opts *o)
{
    size_t last_place = (size_t)-1;
    size_t wname = strlen("measure");
    for (size_t i = 0; i < pr->n_rows; i++) {
        const ig_result_row *r = ig_results_row(pr->first, i * pr->n_scales);
        size_t w = strlen(r->measure->name) +
                   (r->group >= 0
                        ? 1 + strlen(ig_grid_group_name(g, (size_t)r->group))
                        : 0);
        if (w > wname) wname = w;
    }
    for (size_t i = 0; i < pr->n_rows; i++) {
        const ig_result_row *r = ig_results_row(pr->first, i * pr->n_scales);
        if (r->place != last_place) {
            last_place = r->place;
            fprintf(fp, "%s%s  (%s, %s)\n", i ? "\n" : "",
                    place_name(g, pr->first, r->place),
                    pr->is_k ? "k nearest residents"
                             : "radius in metres",
                    pr->is_k ? "knn"
                             : ig_kernel_name(o->params.scale.kernel));
            cli_pad(fp, "measure", wname, 0);
            for (size_t s = 0; s < pr->n_scales; s++) {
                char sc[64];
                fmt_scale(sc, sizeof sc, pr->scales[s]);
                fputs("  ", fp);
                cli_pad(fp, sc, 8, 1);
            }
            fputs("  slope/doubling\n", fp);
        }
        char name[256];
        snprintf(name, sizeof name, "%s%s%s", r->measure->name,
                 r->group >= 0 ? ":" : "",
                 r->group >= 0 ? ig_grid_group_name(g, (size_t)r->group)
                               : "");
        cli_pad(fp, name, wname, 0);
        for (size_t s = 0; s < pr->n_scales; s++) {
            const point *p = &pr->values[i * pr->n_scales + s];
            char v[32] = "-";
            if (p->ok) snprintf(v, sizeof v, "%.4f", p->value);
            fputs("  ", fp);
            cli_pad(fp, v, 8, 1);
        }
        double sl = slope(pr, i);
        if (isfinite(sl))
            fprintf(fp, "  %+.4f\n", sl);
        else
            fputs("  -\n", fp);
    }
}

/* The default measures: every one that uses a scale. */
static const char **scale_measures(size_t *n)
{
    const char **names = NULL;
    *n = 0;
    for (size_t m = 0; m < ig_measure_count(); m++) {
        const ig_measure_info *mi = ig_measure_get(m);
        if (!(mi->flags & IG_MF_SCALE)) continue;
        names = cli_xrealloc((void *)names, (*n + 1) * sizeof *names);
        names[(*n)++] = mi->name;
    }
    return names;
}

int cli_cmd_profile(int argc, char **argv)
{
    cli_opts o;
    int code;
    if (!cli_opts_parse(CLI_CMD_profile, argc, argv, &o, &code)) return code;
    ig_infer_opts io;
    if (!cli_infer_opts(&o, &io)) {
        cli_opts_free(&o);
        return CLI_EXIT_USAGE;
    }
    cli_env env;
    cli_env_init(&env, "profile", &o);
    cli_out out;
    int out_open = 0, rc = CLI_EXIT_ERROR;
    ig_ctx *ctx = NULL;
    ig_grid *grid = NULL;
    ig_placeset *pset = NULL;
    profile pr;
    memset(&pr, 0, sizeof pr);
    const char **defaults = NULL;
    size_t n_defaults = 0;
    ig_scale *scales = NULL;
    ig_infer_results *ires = NULL;
    ig_results *res = NULL;

    if (!cli_out_open(&env, &out, o.output)) goto done;
    out_open = 1;
    cli_format fmt = o.format;
    if (fmt == CLI_FMT_DEFAULT)
        fmt = cli_out_is_tty(&out) ? CLI_FMT_TABLE : CLI_FMT_CSV;
    ctx = cli_make_ctx(&env, &o);
    if (!ctx) goto done;
    grid = cli_read_grid(&env, ctx, &o);
    if (!grid) goto done;
    if (ig_grid_cell_size_m(grid) <= 0) {
        cli_error(&env, "a profile needs grid cells (cell codes or x/y "
                        "coordinates); --long input has none");
        goto done;
    }
    const ig_grid *rg = grid;
    if (o.places) {
        pset = cli_placeset(&env, ctx, &o, grid);
        if (!pset) goto done;
        rg = ig_placeset_grid(pset);
    }
    for (size_t i = 0; i < o.n_only; i++) {
        const ig_measure_info *m = ig_measure_find(o.only[i]);
        if (m && !(m->flags & IG_MF_SCALE)) {
            cli_error(&env, "%s does not depend on a neighbourhood scale; "
                            "compute it with 'integrid measures --only %s'",
                      m->name, m->name);
            goto done;
        }
    }
    if (!o.n_only) defaults = scale_measures(&n_defaults);

    pr.is_k = o.n_ks > 0;
    pr.scales = pr.is_k ? o.ks : o.radii;
    pr.n_scales = pr.is_k ? o.n_ks : o.n_radii;
    /* one run for every scale: what does not depend on the scale is
     * computed once */
    scales = cli_xmalloc(pr.n_scales * sizeof *scales);
    for (size_t s = 0; s < pr.n_scales; s++) {
        scales[s] = o.params.scale;
        if (pr.is_k) {
            scales[s].k = pr.scales[s];
        } else {
            scales[s].k = 0;
            scales[s].radius_m = pr.scales[s];
        }
    }
    ig_run_opts ro;
    ig_run_opts_init(&ro);
    ro.measures = o.n_only ? o.only : defaults;
    ro.n_measures = o.n_only ? o.n_only : n_defaults;
    ro.params = o.params;
    ro.scales = scales;
    ro.n_scales = pr.n_scales;
    ro.na_as_zero = o.read.na_as_zero;
    cli_spatial_run_opts(&o, grid, pset, &ro);
    cli_progress_phase(&env.progress, "computing", 0);
    ro.progress = cli_progress_cb;
    ro.progress_ud = &env.progress;
    ig_error err = {0};
    ig_status st;
    const ig_results *rs = NULL;
    if (o.ci || o.test || io.noise.kind != IG_NOISE_NONE) {
        /* Ctrl-C stops the draws and keeps what is done */
        cli_soft_interrupt(1);
        st = ig_infer_run(ctx, rg, &ro, &io, &ires, &err);
        cli_soft_interrupt(0);
        if (st == IG_ERR_CANCELLED && ires && ig_infer_results_partial(ires))
            st = IG_OK;
        else if (st == IG_ERR_CANCELLED) {
            cli_progress_clear(&env.progress);
            cli_error(&env, "interrupted before any result");
            rc = CLI_EXIT_INTERRUPTED;
            goto done;
        }
        if (st == IG_OK) rs = ig_infer_results_values(ires);
    } else {
        st = ig_measures_run(ctx, rg, &ro, &res, &err);
        rs = res;
    }
    cli_progress_clear(&env.progress);
    if (st != IG_OK) {
        cli_report(&env, st, &err, NULL);
        goto done;
    }
    /* rows: place, measure, group, then scale: series of n_scales rows */
    size_t nr = ig_results_nrows(rs);
    pr.n_rows = nr / pr.n_scales;
    pr.values = cli_xmalloc((nr ? nr : 1) * sizeof *pr.values);
    for (size_t i = 0; i < nr; i++) {
        const ig_result_row *r = ig_results_row(rs, i);
        if (r->status != IG_OK && r->status != IG_ERR_NUMERIC) {
            cli_error(&env, "%s: %s", r->measure->name,
                      r->message ? r->message : ig_strerror(r->status));
            goto done;
        }
        pr.values[i].ok = r->status == IG_OK;
        pr.values[i].value = r->value;
        pr.values[i].inf = ires ? ig_infer_results_row(ires, i) : NULL;
    }
    pr.first = rs;
    pr.ci = o.ci;
    pr.test = o.test;
    pr.noise = io.noise.kind != IG_NOISE_NONE;
    if (fmt == CLI_FMT_JSON)
        write_json(out.fp, rg, &pr, &o);
    else if (fmt == CLI_FMT_CSV)
        write_csv(out.fp, rg, &pr, &o);
    else
        write_table(out.fp, rg, &pr, &o);
    out_open = 0;
    if (!cli_out_commit(&env, &out)) goto done;
    rc = CLI_EXIT_OK;
    if (ires && ig_infer_results_partial(ires)) {
        cli_warn(&env, "interrupted: partial results: %zu rows have their "
                       "inference, the others are blank",
                 ig_infer_results_done(ires));
        rc = CLI_EXIT_INTERRUPTED;
    }
    /* say once which values are undefined, and why */
    for (size_t i = 0; pr.first && i < pr.n_rows; i++) {
        const ig_result_row *r = ig_results_row(pr.first, i * pr.n_scales);
        if (r->status == IG_ERR_NUMERIC && r->message) {
            cli_warn(&env, "%s: %s (left empty)",
                     place_name(rg, pr.first, r->place), r->message);
            break;
        }
    }
done:
    if (out_open) cli_out_abort(&out);
    ig_results_destroy(res);
    ig_infer_results_destroy(ires);
    free(pr.values);
    free(scales);
    free((void *)defaults);
    ig_placeset_destroy(pset);
    ig_grid_destroy(grid);
    ig_ctx_destroy(ctx);
    cli_env_free(&env);
    cli_opts_free(&o);
    return rc;
}
