/* `integrid measures`: run ig_measures_run() on a grid and print the rows,
 * or list the registry (--list).
 *
 * The CSV and JSON layouts are contracts (docs/cli.md): rows in library
 * order, 17 significant digits, empty/null for values that are undefined
 * for the data. The table is for people: one block per place, measures as
 * rows, groups as columns. Undefined values are summarised on stderr, one
 * line per measure and reason (the row's message from the library), naming
 * the places affected, so 26 cities do not give 26 near-identical lines.
 * With --ci / --test the rows come from ig_infer_run() and the inference
 * columns are added on the right (docs/inference.md); without them the
 * output is what it always was. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "integrid/ig_infer.h"

/* ---- --list ------------------------------------------------------------- */

static const char *family_name(ig_family f)
{
    return f == IG_FAM_MULTI ? "multi" : "single";
}

static void list_measures(FILE *fp, cli_format fmt)
{
    size_t n = ig_measure_count();
    if (fmt == CLI_FMT_JSON) {
        fputs("{\"measures\": [", fp);
        for (size_t i = 0; i < n; i++) {
            const ig_measure_info *m = ig_measure_get(i);
            fputs(i ? ",\n  {\"name\": " : "\n  {\"name\": ", fp);
            cli_json_str(fp, m->name);
            fputs(", \"family\": ", fp);
            cli_json_str(fp, family_name(m->family));
            fputs(", \"range\": ", fp);
            cli_json_str(fp, m->range_text);
            fputs(", \"range_min\": ", fp);
            cli_json_num(fp, m->range_min);
            fputs(", \"range_max\": ", fp);
            cli_json_num(fp, m->range_max);
            fprintf(fp, ", \"simulated\": %s, \"decomposable\": %s",
                    (m->flags & IG_MF_SIMULATED) ? "true" : "false",
                    (m->flags & IG_MF_DECOMPOSABLE) ? "true" : "false");
            fputs(", \"params\": ", fp);
            cli_json_str(fp, m->params);
            fputs(", \"summary\": ", fp);
            cli_json_str(fp, m->summary);
            fputs(", \"citation\": ", fp);
            cli_json_str(fp, m->citation);
            fprintf(fp, ", \"spatial\": %s, \"scale\": %s}",
                    (m->flags & IG_MF_SPATIAL) ? "true" : "false",
                    (m->flags & IG_MF_SCALE) ? "true" : "false");
        }
        fputs(n ? "\n]}\n" : "]}\n", fp);
        return;
    }
    if (fmt == CLI_FMT_CSV) {
        fputs(
            "name,family,range,range_min,range_max,simulated,decomposable,"
            "params,summary,citation,spatial,scale\n",
            fp);
        for (size_t i = 0; i < n; i++) {
            const ig_measure_info *m = ig_measure_get(i);
            cli_csv_str(fp, m->name);
            fputc(',', fp);
            cli_csv_str(fp, family_name(m->family));
            fputc(',', fp);
            cli_csv_str(fp, m->range_text);
            fputc(',', fp);
            cli_csv_num(fp, m->range_min);
            fputc(',', fp);
            cli_csv_num(fp, m->range_max);
            fprintf(fp, ",%d,%d,", (m->flags & IG_MF_SIMULATED) ? 1 : 0,
                    (m->flags & IG_MF_DECOMPOSABLE) ? 1 : 0);
            cli_csv_str(fp, m->params);
            fputc(',', fp);
            cli_csv_str(fp, m->summary);
            fputc(',', fp);
            cli_csv_str(fp, m->citation);
            fprintf(fp, ",%d,%d\n", (m->flags & IG_MF_SPATIAL) ? 1 : 0,
                    (m->flags & IG_MF_SCALE) ? 1 : 0);
        }
        return;
    }
    size_t wn = strlen("name"), wr = strlen("range"), wp = strlen("params");
    for (size_t i = 0; i < n; i++) {
        const ig_measure_info *m = ig_measure_get(i);
        if (strlen(m->name) > wn) wn = strlen(m->name);
        if (cli_utf8_width(m->range_text) > wr)
            wr = cli_utf8_width(m->range_text);
        if (cli_utf8_width(m->params) > wp) wp = cli_utf8_width(m->params);
    }
    cli_pad(fp, "name", wn + 2, 0);
    cli_pad(fp, "family", 8, 0);
    cli_pad(fp, "range", wr + 2, 0);
    cli_pad(fp, "params", wp + 2, 0);
    fputs("citation\n", fp);
    for (size_t i = 0; i < n; i++) {
        const ig_measure_info *m = ig_measure_get(i);
        cli_pad(fp, m->name, wn + 2, 0);
        cli_pad(fp, family_name(m->family), 8, 0);
        cli_pad(fp, m->range_text, wr + 2, 0);
        cli_pad(fp, m->params, wp + 2, 0);
        fprintf(fp, "%s\n    %s\n", m->citation, m->summary);
    }
}

/* ---- naming rows -------------------------------------------------------- */

static const char *component_name(ig_component c)
{
    switch (c) {
        case IG_COMP_BETWEEN:
            return "between";
        case IG_COMP_WITHIN:
            return "within";
        default:
            return "total";
    }
}

/* "<id>", "<id>_between" or "<id>_within" */
static void measure_name(const ig_measure_info *m, ig_component comp, char *buf,
                         size_t cap)
{
    if (comp == IG_COMP_TOTAL)
        snprintf(buf, cap, "%s", m->name);
    else
        snprintf(buf, cap, "%s_%s", m->name, component_name(comp));
}

static void row_measure_name(const ig_result_row *r, char *buf, size_t cap)
{
    measure_name(r->measure, r->component, buf, cap);
}

/* Rows that failed for other reasons stop the run before any output, so
 * only these two reach the JSON. */
static const char *status_name(ig_status st)
{
    return st == IG_OK ? "ok" : "undefined";
}

static const char *row_group_name(const ig_grid *g, const ig_result_row *r)
{
    if (r->group < 0) return NULL;
    return ig_grid_group_name(g, (size_t)r->group);
}

/* Name of place @p p: the results' summary names it, the grid too. */
static const char *place_name(const ig_grid *g, const ig_results *res, size_t p)
{
    const ig_place_summary *ps = ig_results_place(res, p);
    if (ps && ps->name) return ps->name;
    return ig_grid_place_name(g, p);
}

/* ---- inference columns ------------------------------------------------- */

/* What --ci and --test add, and where to find it. */
typedef struct inf_cols {
    int ci, test, noise;
    const ig_infer_results *ir; /* NULL without --ci / --test / --noise */
    const ig_results *res;
    int partial; /* interrupted: some rows have no inference */
} inf_cols;

static const ig_inference *row_inf(const inf_cols *ic, const ig_result_row *r)
{
    if (!ic || !ic->ir) return NULL;
    const ig_result_row *r0 = ig_results_row(ic->res, 0);
    return ig_infer_results_row(ic->ir, (size_t)(r - r0));
}

/* ---- CSV and JSON ------------------------------------------------------- */

static void write_csv(FILE *fp, const ig_grid *g, const ig_results *res,
                      const inf_cols *ic)
{
    fputs("place,measure,group,value", fp);
    for (int c = 0; c < CLI_INF_ALL; c++)
        if (cli_inf_wanted(c, ic->ci, ic->test, ic->noise))
            fprintf(fp, ",%s", cli_inf_name(c));
    fputc('\n', fp);
    size_t n = ig_results_nrows(res);
    char name[256];
    for (size_t i = 0; i < n; i++) {
        const ig_result_row *r = ig_results_row(res, i);
        cli_csv_str(fp, place_name(g, res, r->place));
        fputc(',', fp);
        row_measure_name(r, name, sizeof name);
        cli_csv_str(fp, name);
        fputc(',', fp);
        const char *gn = row_group_name(g, r);
        if (gn) cli_csv_str(fp, gn);
        fputc(',', fp);
        if (r->status == IG_OK) cli_csv_num(fp, r->value);
        const ig_inference *x = row_inf(ic, r);
        if (x) {
            double v[CLI_INF_ALL];
            cli_inf_values(x, v);
            for (int c = 0; c < CLI_INF_ALL; c++) {
                if (!cli_inf_wanted(c, ic->ci, ic->test, ic->noise)) continue;
                fputc(',', fp);
                cli_csv_num(fp, v[c]);
            }
        }
        fputc('\n', fp);
    }
}

static void write_json(FILE *fp, const cli_opts *o, const ig_grid *g,
                       const ig_results *res, const ig_placeset *pset,
                       const inf_cols *ic)
{
    const ig_grid_stats *s = ig_grid_get_stats(g);
    fputs("{\n  \"integrid_version\": ", fp);
    cli_json_str(fp, ig_version_string());
    fputs(",\n  \"input\": ", fp);
    cli_json_str(fp, o->input ? o->input : "-");
    fputs(",\n  \"places_from\": ", fp);
    if (o->places)
        cli_json_str(fp, o->places);
    else if (o->read.by_col)
        cli_json_str(fp, o->read.by_col);
    else
        fputs("null", fp);
    fputs(",\n  \"format\": ", fp);
    if (s && s->format[0])
        cli_json_str(fp, s->format);
    else
        fputs("null", fp);
    fputs(",\n  \"groups\": [", fp);
    for (size_t k = 0; k < ig_grid_ngroups(g); k++) {
        if (k) fputs(", ", fp);
        cli_json_str(fp, ig_grid_group_name(g, k));
    }
    fprintf(fp,
            "],\n  \"params\": {\"seed\": %" PRIu64
            ", \"reps\": %d, "
            "\"atkinson_b\": ",
            o->params.seed, o->params.reps);
    cli_json_num(fp, o->params.atkinson_b);
    fprintf(fp, ", \"thresholds\": %d}", o->params.n_thresholds);
    if (ic->ci || ic->test || ic->noise) {
        fprintf(fp, ",\n  \"inference\": {\"reps\": %d, \"seed\": %" PRIu64,
                o->reps_set ? o->params.reps : 999, o->params.seed);
        if (ic->ci) {
            fputs(", \"level\": ", fp);
            cli_json_num(fp, o->level > 0.0 ? o->level : 0.95);
            fputs(", \"resample\": ", fp);
            cli_json_str(fp, o->resample ? o->resample : "residents");
        }
        if (ic->test) {
            fputs(", \"null\": ", fp);
            cli_json_str(fp, o->null_model ? o->null_model : "random");
        }
        if (ic->noise) {
            fputs(", \"noise\": ", fp);
            cli_json_str(fp, o->noise);
        }
        fprintf(fp, ", \"partial\": %s", ic->partial ? "true" : "false");
        fputc('}', fp);
    }
    fputs(",\n  \"places\": [", fp);
    size_t np = ig_results_nplaces(res);
    for (size_t p = 0; p < np; p++) {
        const ig_place_summary *ps = ig_results_place(res, p);
        fputs(p ? ",\n    {\"place\": " : "\n    {\"place\": ", fp);
        cli_json_str(fp, place_name(g, res, p));
        const ig_placeset_row *pr = pset ? ig_placeset_get(pset, p) : NULL;
        if (pr) {
            fputs(", \"class\": ", fp);
            cli_json_str(fp, pr->cls);
            fputs(", \"name\": ", fp);
            cli_json_str(fp, pr->name);
            fputs(", \"country\": ", fp);
            cli_json_str(fp, pr->country);
            fprintf(fp, ", \"aggregate\": %s, \"population\": ",
                    pr->aggregate ? "true" : "false");
            cli_json_num(fp, pr->population);
            fputs(", \"area_km2\": ", fp);
            cli_json_num(fp, pr->area_km2);
            fputs(", \"lon\": ", fp);
            cli_json_num(fp, pr->lon);
            fputs(", \"lat\": ", fp);
            cli_json_num(fp, pr->lat);
        }
        fprintf(fp,
                ", \"cells_used\": %" PRIu64 ", \"cells_excluded\": %" PRIu64
                ", \"residents_used\": ",
                ps->cells_used, ps->cells_excluded);
        cli_json_num(fp, ps->residents_used);
        fputs(", \"residents_excluded\": ", fp);
        cli_json_num(fp, ps->residents_excluded);
        fputc('}', fp);
    }
    fputs(np ? "\n  ],\n  \"rows\": [" : "],\n  \"rows\": [", fp);
    size_t n = ig_results_nrows(res);
    for (size_t i = 0; i < n; i++) {
        const ig_result_row *r = ig_results_row(res, i);
        fputs(i ? ",\n    {\"place\": " : "\n    {\"place\": ", fp);
        cli_json_str(fp, place_name(g, res, r->place));
        fputs(", \"measure\": ", fp);
        cli_json_str(fp, r->measure->name);
        fputs(", \"group\": ", fp);
        const char *gn = row_group_name(g, r);
        if (gn)
            cli_json_str(fp, gn);
        else
            fputs("null", fp);
        fprintf(fp, ", \"component\": \"%s\", \"value\": ",
                component_name(r->component));
        if (r->status == IG_OK)
            cli_json_num(fp, r->value);
        else
            fputs("null", fp);
        fprintf(fp, ", \"status\": \"%s\"", status_name(r->status));
        const ig_inference *x = row_inf(ic, r);
        if (x) {
            double v[CLI_INF_ALL];
            cli_inf_values(x, v);
            for (int c = 0; c < CLI_INF_ALL; c++) {
                if (!cli_inf_wanted(c, ic->ci, ic->test, ic->noise)) continue;
                fprintf(fp, ", \"%s\": ", cli_inf_name(c));
                cli_json_num(fp, v[c]);
            }
        }
        fputc('}', fp);
    }
    fputs(n ? "\n  ]\n}\n" : "]\n}\n", fp);
}

/* ---- table -------------------------------------------------------------- */

typedef struct tab_key {
    const ig_measure_info *m;
    ig_component comp;
} tab_key;

/* The value; with --ci " [low, high]" (percentile) and with --test
 * " p=..." after it. */
static void fmt_value(char *buf, size_t cap, const ig_result_row *r,
                      const inf_cols *ic)
{
    const ig_inference *x = r && r->status == IG_OK && !isnan(r->value)
                                ? row_inf(ic, r)
                                : NULL;
    if (x) {
        size_t len = 0;
        buf[0] = '\0';
        cli_appendf(buf, cap, &len, "%.4f", r->value == 0.0 ? 0.0 : r->value);
        if (ic->ci && isfinite(x->ci_low) && isfinite(x->ci_high))
            cli_appendf(buf, cap, &len, " [%.4f, %.4f]", x->ci_low,
                        x->ci_high);
        else if (ic->ci)
            cli_appendf(buf, cap, &len, " [n/a]");
        if (ic->test && isfinite(x->p_value))
            cli_appendf(buf, cap, &len, " p=%.3g", x->p_value);
        else if (ic->test)
            cli_appendf(buf, cap, &len, " p=n/a");
        return;
    }
    if (!r)
        buf[0] = '\0';
    else if (r->status != IG_OK || isnan(r->value))
        snprintf(buf, cap, "n/a");
    else if (isinf(r->value))
        snprintf(buf, cap, "%s", r->value > 0 ? "inf" : "-inf");
    else
        snprintf(buf, cap, "%.4f", r->value == 0.0 ? 0.0 : r->value);
}

static void write_table(FILE *fp, const ig_grid *g, const ig_results *res,
                        const cli_opts *o, const ig_placeset *pset,
                        const inf_cols *ic)
{
    size_t ng = ig_grid_ngroups(g);
    size_t ncols = ng + 1; /* groups, then "all groups" */
    size_t nrows = ig_results_nrows(res);
    size_t np = ig_results_nplaces(res);
    char buf[256];

    /* widths over the whole run, so that blocks line up */
    size_t wm = strlen("measure");
    int any_single = 0, any_multi = 0;
    for (size_t i = 0; i < nrows; i++) {
        const ig_result_row *r = ig_results_row(res, i);
        row_measure_name(r, buf, sizeof buf);
        if (strlen(buf) > wm) wm = strlen(buf);
        if (r->group >= 0)
            any_single = 1;
        else
            any_multi = 1;
    }
    size_t *wc = cli_xmalloc(ncols * sizeof *wc);
    for (size_t k = 0; k < ng; k++) {
        size_t w = cli_utf8_width(ig_grid_group_name(g, k));
        wc[k] = w > 9 ? w : 9;
    }
    wc[ng] = strlen("all groups");
    for (size_t i = 0; i < nrows; i++) {
        const ig_result_row *r = ig_results_row(res, i);
        fmt_value(buf, sizeof buf, r, ic);
        size_t k = r->group >= 0 ? (size_t)r->group : ng;
        if (k < ncols && strlen(buf) > wc[k]) wc[k] = strlen(buf);
    }

    tab_key *keys = cli_xmalloc((nrows ? nrows : 1) * sizeof *keys);
    const ig_result_row **cells =
        cli_xmalloc((nrows ? nrows : 1) * ncols * sizeof *cells);
    size_t i = 0;
    for (size_t p = 0; p < np; p++) {
        const ig_place_summary *ps = ig_results_place(res, p);
        char people[64];
        cli_fmt_count(people, sizeof people, ps->residents_used);
        const char *pname = place_name(g, res, p);
        if (p) fputc('\n', fp);
        const ig_placeset_row *pr = pset ? ig_placeset_get(pset, p) : NULL;
        if (pr && o->places) {
            fprintf(fp, "place %s", pname);
            if (pr->name[0]) fprintf(fp, " %s", pr->name);
            if (pr->cls[0] || pr->country[0])
                fprintf(fp, " [%s%s%s]", pr->cls,
                        pr->cls[0] && pr->country[0] ? ", " : "", pr->country);
        } else if (o->read.by_col) {
            fprintf(fp, "%s = %s", o->read.by_col, pname);
        } else {
            fputs("all cells", fp);
        }
        fprintf(fp, " (%" PRIu64 " %s, %s residents)\n", ps->cells_used,
                ps->cells_used == 1 ? "cell" : "cells", people);

        /* the rows of this place, keyed by measure and component */
        size_t nk = 0;
        for (; i < nrows; i++) {
            const ig_result_row *r = ig_results_row(res, i);
            if (r->place != p) break;
            size_t k;
            for (k = 0; k < nk; k++)
                if (keys[k].m == r->measure && keys[k].comp == r->component)
                    break;
            if (k == nk) {
                keys[nk].m = r->measure;
                keys[nk].comp = r->component;
                for (size_t c = 0; c < ncols; c++) cells[nk * ncols + c] = NULL;
                nk++;
            }
            size_t c = r->group >= 0 ? (size_t)r->group : ng;
            if (c < ncols) cells[k * ncols + c] = r;
        }
        cli_pad(fp, "measure", wm, 0);
        if (any_single)
            for (size_t k = 0; k < ng; k++) {
                fputs("  ", fp);
                cli_pad(fp, ig_grid_group_name(g, k), wc[k], 1);
            }
        if (any_multi) {
            fputs("  ", fp);
            cli_pad(fp, "all groups", wc[ng], 1);
        }
        fputc('\n', fp);
        for (size_t k = 0; k < nk; k++) {
            measure_name(keys[k].m, keys[k].comp, buf, sizeof buf);
            /* build the line first so trailing blanks can be trimmed;
             * measure names and values are ASCII, so printf widths are
             * display widths */
            char line[4096];
            size_t len = 0;
            cli_appendf(line, sizeof line, &len, "%-*s", (int)wm, buf);
            for (size_t c = 0; c < ncols; c++) {
                if ((c < ng && !any_single) || (c == ng && !any_multi))
                    continue;
                char v[64];
                fmt_value(v, sizeof v, cells[k * ncols + c], ic);
                cli_appendf(line, sizeof line, &len, "  %*s", (int)wc[c], v);
            }
            while (len > 0 && line[len - 1] == ' ') len--;
            line[len] = '\0';
            fprintf(fp, "%s\n", line);
        }
    }

    /* footer: what was left out */
    int any = 0;
    for (size_t p = 0; p < np; p++) {
        const ig_place_summary *ps = ig_results_place(res, p);
        if (ps->cells_excluded == 0) continue;
        if (!any)
            fputs(
                "\nLeft out because a group was not available "
                "(--na-as-zero counts such values as 0):\n",
                fp);
        any = 1;
        char people[64];
        cli_fmt_count(people, sizeof people, ps->residents_excluded);
        /* Without a total column only the groups that are available are
         * counted, so the number is a lower bound. */
        fprintf(fp, "  %s: %" PRIu64 " %s, %s%s residents\n",
                place_name(g, res, p), ps->cells_excluded,
                ps->cells_excluded == 1 ? "cell" : "cells",
                ig_grid_has_total(g) ? "" : "at least ", people);
    }
    if (ic->ir) {
        fputc('\n', fp);
        if (ic->ci)
            fprintf(fp, "[low, high]: %g %% bootstrap interval (percentile, "
                    "%s resampled)\n",
                    100.0 * (o->level > 0.0 ? o->level : 0.95),
                    o->resample ? o->resample : "residents");
        if (ic->test)
            fprintf(fp, "p: share of %s-null draws at least as high\n",
                    o->null_model ? o->null_model : "random");
    }
    free(cells);
    free(keys);
    free(wc);
}

/* ---- warnings: undefined values and exclusions -------------------------- */

typedef struct fail_key {
    char measure[160];
    const char *group; /* owned by the grid; NULL for multigroup measures */
    const char *why;   /* owned by the results, or static */
    size_t *places;
    size_t n_places;
} fail_key;

static void warn_failures(cli_env *env, const ig_grid *g, const ig_results *res,
                          const cli_opts *o, cli_format fmt)
{
    if (env->quiet) return;
    size_t n = ig_results_nrows(res);
    fail_key *keys = NULL;
    size_t nk = 0;
    for (size_t i = 0; i < n; i++) {
        const ig_result_row *r = ig_results_row(res, i);
        if (r->status == IG_OK) continue;
        char name[160];
        row_measure_name(r, name, sizeof name);
        const char *why = r->message ? r->message : ig_strerror(r->status);
        /* the library may start with the measure's name: said already */
        size_t ml = strlen(r->measure->name);
        if (strncmp(why, r->measure->name, ml) == 0 && why[ml] == ':')
            why += ml + 1 + (why[ml + 1] == ' ');
        if (strncmp(why, "undefined: ", 11) == 0) why += 11;
        const char *gn = row_group_name(g, r);
        size_t k;
        for (k = 0; k < nk; k++)
            if (strcmp(keys[k].measure, name) == 0 && keys[k].group == gn &&
                strcmp(keys[k].why, why) == 0)
                break;
        if (k == nk) {
            keys = cli_xrealloc(keys, (nk + 1) * sizeof *keys);
            memset(&keys[nk], 0, sizeof keys[nk]);
            snprintf(keys[nk].measure, sizeof keys[nk].measure, "%s", name);
            keys[nk].group = gn;
            keys[nk].why = why;
            nk++;
        }
        fail_key *fk = &keys[k];
        if (fk->n_places == 0 || fk->places[fk->n_places - 1] != r->place) {
            fk->places = cli_xrealloc(fk->places,
                                      (fk->n_places + 1) * sizeof *fk->places);
            fk->places[fk->n_places++] = r->place;
        }
    }
    size_t np = ig_results_nplaces(res);
    const char *shown = fmt == CLI_FMT_TABLE  ? "shown as n/a"
                        : fmt == CLI_FMT_JSON ? "value null"
                                              : "value left empty";
    for (size_t k = 0; k < nk; k++) {
        fail_key *fk = &keys[k];
        char where[768] = "";
        size_t len = 0;
        if (fk->group)
            cli_appendf(where, sizeof where, &len, " for group '%s'",
                        fk->group);
        if (o->read.by_col || o->places) {
            cli_appendf(where, sizeof where, &len, " in %zu of %zu places (",
                        fk->n_places, np);
            size_t show = fk->n_places < 5 ? fk->n_places : 4;
            for (size_t j = 0; j < show; j++)
                cli_appendf(where, sizeof where, &len, "%s%s", j ? ", " : "",
                            place_name(g, res, fk->places[j]));
            if (show < fk->n_places)
                cli_appendf(where, sizeof where, &len, ", and %zu more",
                            fk->n_places - show);
            cli_appendf(where, sizeof where, &len, ")");
        }
        cli_warn(env, "%s is undefined%s: %s; %s", fk->measure, where, fk->why,
                 shown);
        free(fk->places);
    }
    free(keys);
}

static void warn_exclusions(cli_env *env, const ig_grid *g,
                            const ig_results *res)
{
    size_t np = ig_results_nplaces(res);
    for (size_t p = 0; p < np; p++) {
        const ig_place_summary *ps = ig_results_place(res, p);
        if (ps->cells_excluded == 0) continue;
        char people[64];
        cli_fmt_count(people, sizeof people, ps->residents_excluded);
        cli_warn(env,
                 "%s: %" PRIu64
                 " %s (%s%s residents) left out because a group "
                 "was not available; --na-as-zero counts them as 0%s",
                 place_name(g, res, p), ps->cells_excluded,
                 ps->cells_excluded == 1 ? "cell" : "cells",
                 ig_grid_has_total(g) ? "" : "at least ", people,
                 ig_grid_has_total(g) ? ""
                                      : ", --total COL counts all residents");
    }
}

/* ---- the command -------------------------------------------------------- */

int cli_cmd_measures(int argc, char **argv)
{
    cli_opts o;
    int code;
    if (!cli_opts_parse(CLI_CMD_measures, argc, argv, &o, &code)) return code;
    ig_infer_opts io;
    if (!cli_infer_opts(&o, &io)) {
        cli_opts_free(&o);
        return CLI_EXIT_USAGE;
    }
    cli_env env;
    cli_env_init(&env, "measures", &o);
    cli_out out;
    int out_open = 0;
    int rc = CLI_EXIT_ERROR;
    ig_ctx *ctx = NULL;
    ig_grid *grid = NULL;
    ig_results *res_owned = NULL;
    ig_infer_results *ires = NULL;
    const ig_results *res = NULL;
    ig_placeset *pset = NULL;

    /* open the output first: an unwritable target fails before the work */
    if (!cli_out_open(&env, &out, o.output)) goto done;
    out_open = 1;
    cli_format fmt = o.format;
    if (fmt == CLI_FMT_DEFAULT)
        fmt = cli_out_is_tty(&out) ? CLI_FMT_TABLE : CLI_FMT_CSV;

    if (o.list) {
        list_measures(out.fp, fmt);
    } else {
        ctx = cli_make_ctx(&env, &o);
        if (!ctx) goto done;
        grid = cli_read_grid(&env, ctx, &o);
        if (!grid) goto done;
        /* places other than --by: measures run on the regrouped grid */
        const ig_grid *rg = grid;
        if (o.places || o.places_out) {
            pset = cli_placeset(&env, ctx, &o, grid);
            if (!pset) goto done;
            rg = ig_placeset_grid(pset);
        }

        ig_run_opts ro;
        ig_run_opts_init(&ro);
        ro.measures = o.n_only ? o.only : NULL;
        ro.n_measures = o.n_only;
        ro.params = o.params;
        ro.na_as_zero = o.read.na_as_zero;
        ro.decompose = o.read.within_col != NULL;
        cli_spatial_run_opts(&o, grid, pset, &ro);
        ro.progress = cli_progress_cb;
        ro.progress_ud = &env.progress;
        cli_progress_phase(&env.progress, "computing", 0);
        ig_error err = {0};
        ig_status st;
        int partial = 0;
        int noisy = io.noise.kind != IG_NOISE_NONE;
        if (io.ci || io.test || noisy) {
            /* Ctrl-C stops the draws and keeps what is done */
            cli_soft_interrupt(1);
            st = ig_infer_run(ctx, rg, &ro, &io, &ires, &err);
            cli_soft_interrupt(0);
            if (st == IG_ERR_CANCELLED && ires &&
                ig_infer_results_partial(ires)) {
                partial = 1;
                st = IG_OK;
            } else if (st == IG_ERR_CANCELLED) {
                cli_progress_clear(&env.progress);
                cli_error(&env, "interrupted before any result");
                rc = CLI_EXIT_INTERRUPTED;
                goto done;
            }
            if (st == IG_OK) res = ig_infer_results_values(ires);
        } else {
            st = ig_measures_run(ctx, rg, &ro, &res_owned, &err);
            res = res_owned;
        }
        cli_progress_clear(&env.progress);
        if (st != IG_OK) {
            cli_report(&env, st, &err, NULL);
            goto done;
        }
        /* rows that failed for reasons other than the data are errors */
        for (size_t i = 0; i < ig_results_nrows(res); i++) {
            const ig_result_row *r = ig_results_row(res, i);
            if (r->status == IG_OK || r->status == IG_ERR_NUMERIC) continue;
            char name[160];
            row_measure_name(r, name, sizeof name);
            cli_error(&env, "%s: %s", name,
                      r->message ? r->message : ig_strerror(r->status));
            goto done;
        }
        inf_cols ic = {io.ci, io.test, noisy, ires, res, partial};
        if (fmt == CLI_FMT_JSON)
            write_json(out.fp, &o, rg, res, pset, &ic);
        else if (fmt == CLI_FMT_CSV)
            write_csv(out.fp, rg, res, &ic);
        else
            write_table(out.fp, rg, res, &o, pset, &ic);
        if (o.places_out &&
            !cli_write_placeset(&env, o.places_out, pset, grid))
            goto done;
    }
    out_open = 0;
    if (!cli_out_commit(&env, &out)) goto done;
    rc = CLI_EXIT_OK;
    if (ires && ig_infer_results_partial(ires)) {
        cli_warn(&env, "interrupted: partial results: %zu rows have their "
                       "inference, the others are blank",
                 ig_infer_results_done(ires));
        rc = CLI_EXIT_INTERRUPTED;
    }
    if (res) {
        const ig_grid *rg = pset ? ig_placeset_grid(pset) : grid;
        warn_failures(&env, rg, res, &o, fmt);
        if (fmt != CLI_FMT_TABLE) warn_exclusions(&env, rg, res);
    }
done:
    if (out_open) cli_out_abort(&out);
    ig_results_destroy(res_owned);
    ig_infer_results_destroy(ires);
    ig_placeset_destroy(pset);
    ig_grid_destroy(grid);
    ig_ctx_destroy(ctx);
    cli_env_free(&env);
    cli_opts_free(&o);
    return rc;
}
