/* `integrid benchmark FILE --place ID|NAME`: one place against comparable
 * places (docs/benchmarking.md).
 *
 * The places come from the Degree of Urbanisation (default), a boundary
 * file (--places FILE) or the --by column; every measure asked for runs on
 * all of them in one ig_measures_run() call, the context variables come
 * from the place set's totals, and ig_bench_run() ranks the place in its
 * five comparison sets and finds its peers. Class aggregates are not
 * places here. Output: a table for people; CSV rows
 * place,measure,group,value,set,n,rank,percentile,median; JSON with the
 * rows, the context variables and the peers; --peers-out writes the peer
 * list as CSV. With --ci / --test the place's own values get their
 * inference (ig_infer_run limited to that place): ci_low,ci_high and
 * null_mean,null_sd,p_value on the right of its rows, the same on every
 * comparison set. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

typedef struct column {
    const ig_measure_info *m;
    long group; /* -1 for multigroup measures */
} column;

typedef struct bench_data {
    const ig_placeset *ps;
    const ig_grid *grid;    /* the source grid */
    size_t n;               /* places ranked (aggregates left out) */
    size_t *row_of;         /* bench row -> place set row */
    ig_bench_place *places;
    column *cols;
    size_t ncols;
    double *values;         /* n x ncols */
    const char *native, *eu, *movers; /* names used, NULL when none */
    int ci, test, noise;    /* inference columns asked for */
    const ig_inference **inf; /* ncols: the place's inference, or NULL */
} bench_data;

/* Context variables of every place; 0 after reporting a usage problem. */
static int fill_places(cli_env *env, const cli_opts *o, bench_data *d)
{
    const ig_grid *g = d->grid;
    size_t ng = ig_grid_ngroups(g);
    size_t nat = ig_grid_group_index(g, o->native ? o->native : "NAT");
    if (o->native && nat == (size_t)-1) {
        cli_error(env, "--native %s: no such group (groups: see 'integrid "
                       "info')", o->native);
        return 0;
    }
    if (nat == (size_t)-1 && ng > 0) {
        nat = 0;
        cli_warn(env, "no group NAT: '%s' is taken as the native-born group "
                      "(give --native GROUP)", ig_grid_group_name(g, 0));
    }
    size_t eu = ig_grid_group_index(g, o->eu_group ? o->eu_group : "EU_OTH");
    if (o->eu_group && eu == (size_t)-1) {
        cli_error(env, "--eu-group %s: no such group", o->eu_group);
        return 0;
    }
    size_t mv = ig_grid_var_index(g, o->movers ? o->movers : "CHG_OUT");
    if (o->movers && mv == (size_t)-1) {
        cli_error(env, "--movers %s: the file has no such numeric column",
                  o->movers);
        return 0;
    }
    d->native = ng ? ig_grid_group_name(g, nat) : NULL;
    d->eu = eu != (size_t)-1 ? ig_grid_group_name(g, eu) : NULL;
    d->movers = mv != (size_t)-1 ? ig_grid_var_name(g, mv) : NULL;

    size_t np = ig_placeset_count(d->ps);
    d->row_of = cli_xmalloc((np ? np : 1) * sizeof *d->row_of);
    d->places = cli_xmalloc((np ? np : 1) * sizeof *d->places);
    d->n = 0;
    for (size_t i = 0; i < np; i++) {
        const ig_placeset_row *r = ig_placeset_get(d->ps, i);
        if (r->aggregate) continue;
        ig_bench_place *p = &d->places[d->n];
        memset(p, 0, sizeof *p);
        p->id = r->id;
        p->name = r->name;
        p->cls = r->cls;
        p->country = r->country;
        p->population = r->population > 0.0 ? r->population : 0.0;
        double gsum = 0.0;
        for (size_t k = 0; k < ng; k++) gsum += r->groups[k];
        double foreign = gsum - r->groups[nat];
        p->foreign_share = gsum > 0.0 ? foreign / gsum : (double)NAN;
        if (p->foreign_share < 0.0) p->foreign_share = 0.0;
        p->eu_share = (eu != (size_t)-1 && foreign > 0.0)
                          ? r->groups[eu] / foreign
                          : (double)NAN;
        if (p->eu_share > 1.0) p->eu_share = 1.0;
        p->density_km2 = (isfinite(r->area_km2) && r->area_km2 > 0.0)
                             ? p->population / r->area_km2
                             : (double)NAN;
        p->movers_share = (mv != (size_t)-1 && r->population > 0.0)
                              ? r->vars[mv] / r->population
                              : (double)NAN;
        if (p->movers_share > 1.0) p->movers_share = 1.0;
        d->row_of[d->n++] = i;
    }
    if (d->n == 0) {
        cli_error(env, "there are no places to compare");
        return 0;
    }
    return 1;
}

/* Measure columns from the results: the rows of one place, in order;
 * with ir, the inference of place row `prow`'s columns. */
static int fill_values(cli_env *env, const ig_results *res,
                       const ig_infer_results *ir, size_t prow,
                       bench_data *d)
{
    size_t nrows = ig_results_nrows(res);
    size_t np = ig_results_nplaces(res);
    size_t per = np ? nrows / np : 0;
    d->cols = cli_xmalloc((per ? per : 1) * sizeof *d->cols);
    size_t *col_of_row = cli_xmalloc((per ? per : 1) * sizeof *col_of_row);
    d->ncols = 0;
    for (size_t j = 0; j < per; j++) {
        const ig_result_row *r = ig_results_row(res, j);
        col_of_row[j] = (size_t)-1;
        if (r->component != IG_COMP_TOTAL) continue;
        d->cols[d->ncols].m = r->measure;
        d->cols[d->ncols].group = r->group;
        col_of_row[j] = d->ncols++;
    }
    d->values = cli_xmalloc((d->n * d->ncols + 1) * sizeof *d->values);
    d->inf = cli_xmalloc((d->ncols + 1) * sizeof *d->inf);
    for (size_t c = 0; c < d->ncols; c++) d->inf[c] = NULL;
    for (size_t j = 0; ir && j < per; j++)
        if (col_of_row[j] != (size_t)-1)
            d->inf[col_of_row[j]] = ig_infer_results_row(ir, prow * per + j);
    for (size_t b = 0; b < d->n; b++) {
        size_t p = d->row_of[b];
        for (size_t j = 0; j < per; j++) {
            const ig_result_row *r = ig_results_row(res, p * per + j);
            if (r->place != p) {
                free(col_of_row);
                cli_error(env, "internal: results out of order");
                return 0;
            }
            size_t c = col_of_row[j];
            if (c == (size_t)-1) continue;
            d->values[b * d->ncols + c] = r->status == IG_OK ? r->value : (double)NAN;
        }
    }
    free(col_of_row);
    return 1;
}

static const char *col_group(const bench_data *d, size_t c)
{
    return d->cols[c].group < 0
               ? NULL
               : ig_grid_group_name(d->grid, (size_t)d->cols[c].group);
}

/* ---- output ------------------------------------------------------------- */

static void write_csv(FILE *fp, const bench_data *d, const ig_bench *b)
{
    const ig_bench_place *me = &d->places[ig_bench_place_row(b)];
    fputs("place,measure,group,value,set,n,rank,percentile,median", fp);
    if (d->ci) fputs(",ci_low,ci_high", fp);
    if (d->test) fputs(",null_mean,null_sd,p_value", fp);
    if (d->noise) fputs(",noise_bias,noise_sd,noise_share", fp);
    fputc('\n', fp);
    for (size_t c = 0; c < d->ncols; c++) {
        for (int s = 0; s < IG_BENCH_NSETS; s++) {
            const ig_bench_stat *st = ig_bench_stat_get(b, c, s);
            cli_csv_str(fp, me->id);
            fputc(',', fp);
            cli_csv_str(fp, d->cols[c].m->name);
            fputc(',', fp);
            if (col_group(d, c)) cli_csv_str(fp, col_group(d, c));
            fputc(',', fp);
            cli_csv_num(fp, st->value);
            fprintf(fp, ",%s,%zu,", ig_bench_set_name(s), st->n);
            cli_csv_num(fp, st->rank);
            fputc(',', fp);
            cli_csv_num(fp, st->percentile);
            fputc(',', fp);
            cli_csv_num(fp, st->median);
            const ig_inference *x = d->inf ? d->inf[c] : NULL;
            const double nan = (double)NAN;
            if (d->ci) {
                fputc(',', fp);
                cli_csv_num(fp, x ? x->ci_low : nan);
                fputc(',', fp);
                cli_csv_num(fp, x ? x->ci_high : nan);
            }
            if (d->test) {
                fputc(',', fp);
                cli_csv_num(fp, x ? x->null_mean : nan);
                fputc(',', fp);
                cli_csv_num(fp, x ? x->null_sd : nan);
                fputc(',', fp);
                cli_csv_num(fp, x ? x->p_value : nan);
            }
            if (d->noise) {
                fputc(',', fp);
                cli_csv_num(fp, x ? x->noise_bias : nan);
                fputc(',', fp);
                cli_csv_num(fp, x ? x->noise_sd : nan);
                fputc(',', fp);
                cli_csv_num(fp, x ? x->noise_share : nan);
            }
            fputc('\n', fp);
        }
    }
}

static int write_peers_csv(cli_env *env, const char *path,
                           const bench_data *d, const ig_bench *b)
{
    cli_out out;
    if (!cli_out_open(env, &out, path)) return 0;
    FILE *fp = out.fp;
    const ig_bench_var *v = ig_bench_vars(b);
    fputs("peer_rank,place_id,name,class,country,population,distance", fp);
    for (int k = 0; k < IG_BENCH_NVARS; k++) fprintf(fp, ",z_%s", v[k].name);
    fputc('\n', fp);
    const ig_bench_peer *pe = ig_bench_peers(b);
    for (size_t i = 0; i < ig_bench_npeers(b); i++) {
        const ig_bench_place *p = &d->places[pe[i].place];
        fprintf(fp, "%zu,", i + 1);
        cli_csv_str(fp, p->id);
        fputc(',', fp);
        cli_csv_str(fp, p->name ? p->name : "");
        fputc(',', fp);
        cli_csv_str(fp, p->cls ? p->cls : "");
        fputc(',', fp);
        cli_csv_str(fp, p->country ? p->country : "");
        fputc(',', fp);
        cli_csv_num(fp, p->population);
        fputc(',', fp);
        cli_csv_num(fp, pe[i].distance);
        for (int k = 0; k < IG_BENCH_NVARS; k++) {
            fputc(',', fp);
            cli_csv_num(fp, pe[i].z[k]);
        }
        fputc('\n', fp);
    }
    return cli_out_commit(env, &out);
}

static void json_place(FILE *fp, const ig_bench_place *p)
{
    fputs("{\"id\": ", fp);
    cli_json_str(fp, p->id);
    fputs(", \"name\": ", fp);
    cli_json_str(fp, p->name ? p->name : "");
    fputs(", \"class\": ", fp);
    cli_json_str(fp, p->cls ? p->cls : "");
    fputs(", \"country\": ", fp);
    cli_json_str(fp, p->country ? p->country : "");
    fputs(", \"population\": ", fp);
    cli_json_num(fp, p->population);
    fputs(", \"foreign_share\": ", fp);
    cli_json_num(fp, p->foreign_share);
    fputs(", \"eu_share\": ", fp);
    cli_json_num(fp, p->eu_share);
    fputs(", \"density_km2\": ", fp);
    cli_json_num(fp, p->density_km2);
    fputs(", \"movers_share\": ", fp);
    cli_json_num(fp, p->movers_share);
    fputc('}', fp);
}

static void write_json(FILE *fp, const cli_opts *o, const bench_data *d,
                       const ig_bench *b, size_t k)
{
    const ig_bench_place *me = &d->places[ig_bench_place_row(b)];
    fputs("{\n  \"integrid_version\": ", fp);
    cli_json_str(fp, ig_version_string());
    fputs(",\n  \"input\": ", fp);
    cli_json_str(fp, o->input ? o->input : "-");
    fputs(",\n  \"places_from\": ", fp);
    cli_json_str(fp, o->places ? o->places
                               : (o->read.by_col ? o->read.by_col : "degurba"));
    fprintf(fp, ",\n  \"places_compared\": %zu", d->n);
    fputs(",\n  \"native_group\": ", fp);
    if (d->native) cli_json_str(fp, d->native);
    else fputs("null", fp);
    fputs(",\n  \"eu_group\": ", fp);
    if (d->eu) cli_json_str(fp, d->eu);
    else fputs("null", fp);
    fputs(",\n  \"movers_column\": ", fp);
    if (d->movers) cli_json_str(fp, d->movers);
    else fputs("null", fp);
    fputs(",\n  \"place\": ", fp);
    json_place(fp, me);
    int sb = ig_bench_size_band_of(b), hb = ig_bench_share_band_of(b);
    fputs(",\n  \"size_band\": ", fp);
    if (ig_bench_size_band_label(sb)) cli_json_str(fp, ig_bench_size_band_label(sb));
    else fputs("null", fp);
    fputs(",\n  \"share_band\": ", fp);
    if (ig_bench_share_band_label(hb)) cli_json_str(fp, ig_bench_share_band_label(hb));
    else fputs("null", fp);
    fprintf(fp, ",\n  \"peers_requested\": %zu", k);
    fputs(",\n  \"peer_note\": ", fp);
    cli_json_str(fp, ig_bench_note(b));
    fputs(",\n  \"variables\": [", fp);
    const ig_bench_var *v = ig_bench_vars(b);
    for (int j = 0; j < IG_BENCH_NVARS; j++) {
        fputs(j ? ",\n    {\"name\": " : "\n    {\"name\": ", fp);
        cli_json_str(fp, v[j].name);
        fprintf(fp, ", \"used\": %s, \"why\": ", v[j].used ? "true" : "false");
        cli_json_str(fp, v[j].why);
        fprintf(fp, ", \"n\": %zu, \"mean\": ", v[j].n);
        cli_json_num(fp, v[j].mean);
        fputs(", \"sd\": ", fp);
        cli_json_num(fp, v[j].sd);
        fputs(", \"place_value\": ", fp);
        cli_json_num(fp, v[j].place_value);
        fputs(", \"place_z\": ", fp);
        cli_json_num(fp, v[j].place_z);
        fputc('}', fp);
    }
    fputs("\n  ],\n  \"peers\": [", fp);
    const ig_bench_peer *pe = ig_bench_peers(b);
    for (size_t i = 0; i < ig_bench_npeers(b); i++) {
        fputs(i ? ",\n    {\"rank\": " : "\n    {\"rank\": ", fp);
        fprintf(fp, "%zu, \"distance\": ", i + 1);
        cli_json_num(fp, pe[i].distance);
        fputs(", \"place\": ", fp);
        json_place(fp, &d->places[pe[i].place]);
        fputs(", \"z\": [", fp);
        for (int j = 0; j < IG_BENCH_NVARS; j++) {
            if (j) fputs(", ", fp);
            cli_json_num(fp, pe[i].z[j]);
        }
        fputs("]}", fp);
    }
    fputs(ig_bench_npeers(b) ? "\n  ],\n  \"rows\": [" : "],\n  \"rows\": [",
          fp);
    int first = 1;
    for (size_t c = 0; c < d->ncols; c++) {
        for (int s = 0; s < IG_BENCH_NSETS; s++) {
            const ig_bench_stat *st = ig_bench_stat_get(b, c, s);
            fputs(first ? "\n    {\"measure\": " : ",\n    {\"measure\": ", fp);
            first = 0;
            cli_json_str(fp, d->cols[c].m->name);
            fputs(", \"group\": ", fp);
            if (col_group(d, c)) cli_json_str(fp, col_group(d, c));
            else fputs("null", fp);
            fputs(", \"value\": ", fp);
            cli_json_num(fp, st->value);
            fputs(", \"set\": ", fp);
            cli_json_str(fp, ig_bench_set_name(s));
            fprintf(fp, ", \"n_set\": %zu, \"n\": %zu, \"rank\": ", st->n_set,
                    st->n);
            cli_json_num(fp, st->rank);
            fputs(", \"percentile\": ", fp);
            cli_json_num(fp, st->percentile);
            fputs(", \"median\": ", fp);
            cli_json_num(fp, st->median);
            const ig_inference *x = d->inf ? d->inf[c] : NULL;
            if (d->ci && x) {
                fputs(", \"ci_low\": ", fp);
                cli_json_num(fp, x->ci_low);
                fputs(", \"ci_high\": ", fp);
                cli_json_num(fp, x->ci_high);
            }
            if (d->test && x) {
                fputs(", \"null_mean\": ", fp);
                cli_json_num(fp, x->null_mean);
                fputs(", \"null_sd\": ", fp);
                cli_json_num(fp, x->null_sd);
                fputs(", \"p_value\": ", fp);
                cli_json_num(fp, x->p_value);
            }
            if (d->noise && x) {
                fputs(", \"noise_bias\": ", fp);
                cli_json_num(fp, x->noise_bias);
                fputs(", \"noise_sd\": ", fp);
                cli_json_num(fp, x->noise_sd);
                fputs(", \"noise_share\": ", fp);
                cli_json_num(fp, x->noise_share);
            }
            fputc('}', fp);
        }
    }
    fputs(first ? "]\n}\n" : "\n  ]\n}\n", fp);
}

static void fmt_pct(char *buf, size_t cap, const ig_bench_stat *st)
{
    if (!st || !isfinite(st->percentile))
        snprintf(buf, cap, "-");
    else
        snprintf(buf, cap, "%.0f", st->percentile);
}

static void write_table(FILE *fp, const bench_data *d, const ig_bench *b)
{
    const ig_bench_place *me = &d->places[ig_bench_place_row(b)];
    char pop[64];
    cli_fmt_count(pop, sizeof pop, me->population);
    fprintf(fp, "Place %s", me->id);
    if (me->name && me->name[0]) fprintf(fp, " %s", me->name);
    fprintf(fp, " (%s%s%s), %s residents", me->cls ? me->cls : "",
            me->country && me->country[0] ? ", " : "",
            me->country ? me->country : "", pop);
    if (isfinite(me->foreign_share))
        fprintf(fp, ", %.1f%% born abroad", 100.0 * me->foreign_share);
    fputc('\n', fp);
    const char *sbl = ig_bench_size_band_label(ig_bench_size_band_of(b));
    const char *hbl = ig_bench_share_band_label(ig_bench_share_band_of(b));
    fprintf(fp, "Compared with: class = all %s places; class_country = "
                "those in %s; size_band = %s residents; share_band = %s born "
                "abroad; peers = the %zu nearest (below)\n",
            me->cls ? me->cls : "",
            me->country && me->country[0] ? me->country : "(none)",
            sbl ? sbl : "-", hbl ? hbl : "-", ig_bench_npeers(b));
    fputs("Percentiles: 100 = the highest value of the set, 0 = the lowest; "
          "median of the set in brackets\n\n",
          fp);

    size_t wm = strlen("measure"), wg = strlen("group");
    for (size_t c = 0; c < d->ncols; c++) {
        if (strlen(d->cols[c].m->name) > wm) wm = strlen(d->cols[c].m->name);
        const char *gn = col_group(d, c);
        if (gn && cli_utf8_width(gn) > wg) wg = cli_utf8_width(gn);
    }
    cli_pad(fp, "measure", wm + 2, 0);
    cli_pad(fp, "group", wg + 2, 0);
    fprintf(fp, "%10s", "value");
    for (int s = 0; s < IG_BENCH_NSETS; s++) {
        char h[48];
        const ig_bench_stat *st = d->ncols ? ig_bench_stat_get(b, 0, s) : NULL;
        snprintf(h, sizeof h, "%s(%zu)", ig_bench_set_name(s),
                 st ? st->n_set : (size_t)0);
        fprintf(fp, "  %22s", h);
    }
    fputc('\n', fp);
    for (size_t c = 0; c < d->ncols; c++) {
        char line[1024];
        size_t len = 0;
        const char *gn = col_group(d, c);
        cli_appendf(line, sizeof line, &len, "%-*s", (int)(wm + 2),
                    d->cols[c].m->name);
        cli_appendf(line, sizeof line, &len, "%s", gn ? gn : "");
        for (size_t w = gn ? cli_utf8_width(gn) : 0; w < wg + 2; w++)
            cli_appendf(line, sizeof line, &len, " ");
        const ig_bench_stat *st0 = ig_bench_stat_get(b, c, 0);
        if (isfinite(st0->value))
            cli_appendf(line, sizeof line, &len, "%10.4f", st0->value);
        else
            cli_appendf(line, sizeof line, &len, "%10s", "n/a");
        for (int s = 0; s < IG_BENCH_NSETS; s++) {
            const ig_bench_stat *st = ig_bench_stat_get(b, c, s);
            char p[16], cell[48];
            fmt_pct(p, sizeof p, st);
            if (isfinite(st->median))
                snprintf(cell, sizeof cell, "%s (%.4f)", p, st->median);
            else
                snprintf(cell, sizeof cell, "%s", p);
            cli_appendf(line, sizeof line, &len, "  %22s", cell);
        }
        fprintf(fp, "%s\n", line);
        const ig_inference *x = d->inf ? d->inf[c] : NULL;
        if (x && (d->ci || d->test || d->noise)) {
            fprintf(fp, "%*s", (int)(wm + wg + 4), "");
            if (d->ci && isfinite(x->ci_low))
                fprintf(fp, "CI [%.4f, %.4f]  ", x->ci_low, x->ci_high);
            if (d->test && isfinite(x->p_value))
                fprintf(fp, "random allocation %.4f (sd %.4f), p = %.4g  ",
                        x->null_mean, x->null_sd, x->p_value);
            if (d->noise && isfinite(x->noise_share))
                fprintf(fp, "noise could explain %.1f %%",
                        100.0 * x->noise_share);
            fputc('\n', fp);
        }
    }

    const ig_bench_var *v = ig_bench_vars(b);
    fputs("\nNearest peers, by distance on standardised context variables (",
          fp);
    int any = 0;
    for (int j = 0; j < IG_BENCH_NVARS; j++)
        if (v[j].used) {
            fprintf(fp, "%s%s", any ? ", " : "", v[j].name);
            any = 1;
        }
    fputs(any ? "):\n" : "none usable):\n", fp);
    const ig_bench_peer *pe = ig_bench_peers(b);
    size_t wid = strlen("id"), wn = strlen("name");
    for (size_t i = 0; i < ig_bench_npeers(b); i++) {
        const ig_bench_place *p = &d->places[pe[i].place];
        if (cli_utf8_width(p->id) > wid) wid = cli_utf8_width(p->id);
        if (p->name && cli_utf8_width(p->name) > wn) wn = cli_utf8_width(p->name);
    }
    if (ig_bench_npeers(b)) {
        fputs("   #  ", fp);
        cli_pad(fp, "id", wid + 2, 0);
        cli_pad(fp, "name", wn + 2, 0);
        fputs("country   population  born abroad  distance\n", fp);
    }
    for (size_t i = 0; i < ig_bench_npeers(b); i++) {
        const ig_bench_place *p = &d->places[pe[i].place];
        char pp[64];
        cli_fmt_count(pp, sizeof pp, p->population);
        fprintf(fp, "%4zu  ", i + 1);
        cli_pad(fp, p->id, wid + 2, 0);
        cli_pad(fp, p->name ? p->name : "", wn + 2, 0);
        cli_pad(fp, p->country ? p->country : "", 8, 0);
        fprintf(fp, "%12s  ", pp);
        if (isfinite(p->foreign_share))
            fprintf(fp, "%10.1f%%  ", 100.0 * p->foreign_share);
        else
            fprintf(fp, "%11s  ", "n/a");
        fprintf(fp, "%8.3f\n", pe[i].distance);
    }
    if (ig_bench_note(b)[0]) fprintf(fp, "Note: %s\n", ig_bench_note(b));
}

/* ---- the command -------------------------------------------------------- */

/* Find the place: urban centres first (a city's centre and its cluster
 * share the name), then every place. */
static int find_place(cli_env *env, const bench_data *d, const char *q,
                      size_t *row)
{
    ig_error err = {0};
    size_t nc = 0;
    ig_bench_place *cen = cli_xmalloc((d->n ? d->n : 1) * sizeof *cen);
    size_t *map = cli_xmalloc((d->n ? d->n : 1) * sizeof *map);
    for (size_t i = 0; i < d->n; i++)
        if (d->places[i].cls &&
            strcmp(d->places[i].cls, "urban_centre") == 0) {
            map[nc] = i;
            cen[nc++] = d->places[i];
        }
    size_t r = 0;
    int ok = 0;
    if (nc && ig_bench_find(cen, nc, q, &r, NULL) == IG_OK) {
        *row = map[r];
        ok = 1;
    } else if (ig_bench_find(d->places, d->n, q, &r, &err) == IG_OK) {
        *row = r;
        ok = 1;
    } else {
        cli_error(env, "--place: %s", err.msg[0] ? err.msg : "not found");
    }
    free(cen);
    free(map);
    return ok;
}

int cli_cmd_benchmark(int argc, char **argv)
{
    cli_opts o;
    int code;
    if (!cli_opts_parse(CLI_CMD_benchmark, argc, argv, &o, &code)) return code;
    ig_infer_opts io;
    if (!cli_infer_opts(&o, &io)) {
        cli_opts_free(&o);
        return CLI_EXIT_USAGE;
    }
    cli_env env;
    cli_env_init(&env, "benchmark", &o);
    cli_out out;
    int out_open = 0;
    int rc = CLI_EXIT_ERROR;
    ig_ctx *ctx = NULL;
    ig_grid *grid = NULL;
    ig_placeset *ps = NULL;
    ig_results *res = NULL;
    ig_infer_results *ires = NULL;
    ig_bench *b = NULL;
    bench_data d;
    memset(&d, 0, sizeof d);
    const char **names = NULL;

    if (!cli_out_open(&env, &out, o.output)) goto done;
    out_open = 1;
    cli_format fmt = o.format;
    if (fmt == CLI_FMT_DEFAULT)
        fmt = cli_out_is_tty(&out) ? CLI_FMT_TABLE : CLI_FMT_CSV;

    ctx = cli_make_ctx(&env, &o);
    if (!ctx) goto done;
    grid = cli_read_grid(&env, ctx, &o);
    if (!grid) goto done;
    ps = cli_placeset(&env, ctx, &o, grid);
    if (!ps) goto done;
    d.ps = ps;
    d.grid = grid;
    if (!fill_places(&env, &o, &d)) goto done;
    size_t place = 0;
    if (!find_place(&env, &d, o.place, &place)) goto done;

    /* measures: as asked, else every one that needs neither simulation
     * nor coordinates */
    ig_run_opts ro;
    ig_run_opts_init(&ro);
    size_t nm = 0;
    if (o.n_only) {
        ro.measures = o.only;
        ro.n_measures = o.n_only;
    } else {
        names = cli_xmalloc((ig_measure_count() + 1) * sizeof *names);
        for (size_t i = 0; i < ig_measure_count(); i++) {
            const ig_measure_info *m = ig_measure_get(i);
            if (m && !(m->flags & (IG_MF_SIMULATED | IG_MF_SPATIAL |
                                   IG_MF_SCALE)))
                names[nm++] = m->name;
        }
        ro.measures = names;
        ro.n_measures = nm;
    }
    ro.params = o.params;
    ro.na_as_zero = o.read.na_as_zero;
    cli_spatial_run_opts(&o, grid, ps, &ro);
    ro.progress = cli_progress_cb;
    ro.progress_ud = &env.progress;
    cli_progress_phase(&env.progress, "computing", 0);
    ig_error err = {0};
    ig_status st;
    const ig_results *vals = NULL;
    size_t prow = d.row_of[place];
    int noisy = io.noise.kind != IG_NOISE_NONE;
    if (io.ci || io.test || noisy) {
        /* inference for the benchmarked place only */
        io.places = &prow;
        io.n_places = 1;
        d.ci = io.ci;
        d.test = io.test;
        d.noise = noisy;
        cli_soft_interrupt(1);
        st = ig_infer_run(ctx, ig_placeset_grid(ps), &ro, &io, &ires, &err);
        cli_soft_interrupt(0);
        if (st == IG_ERR_CANCELLED && cli_interrupted()) {
            cli_progress_clear(&env.progress);
            cli_error(&env, "interrupted");
            rc = CLI_EXIT_INTERRUPTED;
            goto done;
        }
        if (st == IG_OK) vals = ig_infer_results_values(ires);
    } else {
        st = ig_measures_run(ctx, ig_placeset_grid(ps), &ro, &res, &err);
        vals = res;
    }
    cli_progress_clear(&env.progress);
    if (st != IG_OK) {
        cli_report(&env, st, &err, NULL);
        goto done;
    }
    if (!fill_values(&env, vals, ires, prow, &d)) goto done;

    ig_bench_input in = {d.n, d.places, d.ncols, d.values};
    ig_bench_opts bo;
    ig_bench_opts_init(&bo);
    if (o.peers_set) bo.k = (size_t)o.peers;
    memset(&err, 0, sizeof err);
    st = ig_bench_run(ctx, &in, place, &bo, &b, &err);
    if (st != IG_OK) {
        cli_report(&env, st, &err, NULL);
        goto done;
    }
    if (fmt == CLI_FMT_JSON)
        write_json(out.fp, &o, &d, b, bo.k);
    else if (fmt == CLI_FMT_CSV)
        write_csv(out.fp, &d, b);
    else
        write_table(out.fp, &d, b);
    if (o.peers_out && !write_peers_csv(&env, o.peers_out, &d, b)) goto done;
    out_open = 0;
    if (!cli_out_commit(&env, &out)) goto done;
    rc = CLI_EXIT_OK;
done:
    if (out_open) cli_out_abort(&out);
    free((void *)names);
    free(d.row_of);
    free(d.places);
    free(d.cols);
    free(d.values);
    free((void *)d.inf);
    ig_bench_destroy(b);
    ig_results_destroy(res);
    ig_infer_results_destroy(ires);
    ig_placeset_destroy(ps);
    ig_grid_destroy(grid);
    ig_ctx_destroy(ctx);
    cli_env_free(&env);
    cli_opts_free(&o);
    return rc;
}
