/* `integrid local`: one value per cell (and group) from ig_local_run(), as
 * CSV, GeoJSON or GeoTIFF (by the extension of -o), or the list of local
 * measures (--list).
 *
 * The CSV layout is a contract (docs/man/integrid-local.1.md): `cell,value`
 * for multigroup measures, `cell,group,value` for per-group ones, plus
 * `z,p_value,class` for the hot-spot and LISA measures; 17 significant
 * digits; empty where a value is undefined. GeoJSON has one Feature per CSV
 * row with the same properties. With --by places each place is computed in
 * turn (its own reference figures) and the rows follow in place order.
 * Every undefined value is accounted for on stderr: one warning per reason
 * with the number of cells, never a silent gap. Output files are written
 * atomically through cli_out; a GeoTIFF is written by the library into the
 * same temporary file before the rename. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "ig_config.h"
#include "integrid/ig_local.h"

typedef enum out_kind { OUT_CSV, OUT_GEOJSON, OUT_TIFF, OUT_BAD } out_kind;

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    if (m > n) return 0;
    for (size_t i = 0; i < m; i++) {
        char a = s[n - m + i], b = suffix[i];
        if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
        if (a != b) return 0;
    }
    return 1;
}

static out_kind output_kind(const char *path)
{
    if (!path || strcmp(path, "-") == 0 || ends_with(path, ".csv"))
        return OUT_CSV;
    if (ends_with(path, ".geojson") || ends_with(path, ".json"))
        return OUT_GEOJSON;
    if (ends_with(path, ".tif") || ends_with(path, ".tiff")) return OUT_TIFF;
    return OUT_BAD;
}

/* ---- --list ------------------------------------------------------------- */

static const char *kind_name(const ig_local_info *m)
{
    if (m->flags & IG_LOCAL_PER_GROUP) return "group";
    if (m->flags & IG_LOCAL_GROUPS_OPTIONAL) return "multi|group";
    return "multi";
}

static void list_local(FILE *fp)
{
    size_t n = ig_local_count();
    size_t wn = strlen("name"), wk = strlen("values"), wr = strlen("range");
    for (size_t i = 0; i < n; i++) {
        const ig_local_info *m = ig_local_get(i);
        if (strlen(m->name) > wn) wn = strlen(m->name);
        if (strlen(kind_name(m)) > wk) wk = strlen(kind_name(m));
        if (cli_utf8_width(m->range_text) > wr)
            wr = cli_utf8_width(m->range_text);
    }
    cli_pad(fp, "name", wn + 2, 0);
    cli_pad(fp, "values", wk + 2, 0);
    cli_pad(fp, "range", wr + 2, 0);
    fputs("citation\n", fp);
    for (size_t i = 0; i < n; i++) {
        const ig_local_info *m = ig_local_get(i);
        cli_pad(fp, m->name, wn + 2, 0);
        cli_pad(fp, kind_name(m), wk + 2, 0);
        cli_pad(fp, m->range_text, wr + 2, 0);
        fprintf(fp, "%s\n    %s\n", m->citation, m->summary);
    }
    fputs(
        "\nvalues: multi = one per cell; group = one per cell and group;\n"
        "multi|group = one per cell, or per cell and group with --output-groups.\n",
        fp);
}

/* ---- checks before the input is read ------------------------------------ */

static void unknown_measure(const char *name)
{
    const char *best = NULL;
    size_t bd = (size_t)-1;
    char known[1024] = "";
    size_t len = 0;
    for (size_t i = 0; i < ig_local_count(); i++) {
        const ig_local_info *m = ig_local_get(i);
        size_t d = cli_edit_distance(name, m->name);
        if (strstr(m->name, name) && d > 3) d = 3;
        if (d < bd) {
            bd = d;
            best = m->name;
        }
        cli_appendf(known, sizeof known, &len, "%s%s", i ? ", " : "", m->name);
    }
    size_t limit = strlen(name) / 2 < 3 ? 3 : strlen(name) / 2;
    if (best && bd <= limit)
        cli_usage_error("local",
                        "unknown local measure '%s' (did you mean %s?); "
                        "known: %s",
                        name, best, known);
    else
        cli_usage_error("local", "unknown local measure '%s'; known: %s", name,
                        known);
}

/* ---- groups ------------------------------------------------------------- */

/* The groups --output-groups selects, as grid indices (NULL when none
 * was given). Reports and returns 0 for a name the grid does not have. */
static int select_groups(cli_env *env, const cli_opts *o, const ig_grid *g,
                         size_t **out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    if (!o->out_groups || !o->out_groups[0]) return 1;
    size_t *sel = cli_xmalloc((ig_grid_ngroups(g) + 1) * sizeof *sel);
    size_t n = 0;
    const char *p = o->out_groups;
    for (;;) {
        size_t len = strcspn(p, ",");
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)len, p);
        size_t k = ig_grid_group_index(g, name);
        if (k == (size_t)-1) {
            char have[512] = "";
            size_t hl = 0;
            for (size_t q = 0; q < ig_grid_ngroups(g); q++)
                cli_appendf(have, sizeof have, &hl, "%s%s", q ? ", " : "",
                            ig_grid_group_name(g, q));
            cli_error(env, "no group '%s' in the input (--output-groups); "
                           "its groups are: %s",
                      name, have);
            free(sel);
            return 0;
        }
        int dup = 0;
        for (size_t q = 0; q < n; q++) dup |= sel[q] == k;
        if (!dup) sel[n++] = k;
        if (!p[len]) break;
        p += len + 1;
    }
    *out = sel;
    *n_out = n;
    return 1;
}

/* ---- writers ------------------------------------------------------------ */

typedef struct run_set {
    const ig_grid *grid;
    const ig_local_info *info;
    ig_local_result **res;
    size_t n_res;
    int per_group; /* rows carry a group */
    int inference;
} run_set;

static void write_csv(FILE *fp, const run_set *rs)
{
    fputs(rs->per_group ? "cell,group,value" : "cell,value", fp);
    fputs(rs->inference ? ",z,p_value,class" : "", fp);
    fputs(rs->n_res && ig_local_result_reach(rs->res[0]) ? ",reach_m\n" : "\n",
          fp);
    char id[IG_CELLCODE_MAX + 64];
    for (size_t r = 0; r < rs->n_res; r++) {
        const ig_local_result *res = rs->res[r];
        const size_t *cells = ig_local_result_cells(res);
        size_t L = ig_local_result_nlayers(res);
        for (size_t j = 0; j < ig_local_result_ncells(res); j++) {
            if (ig_grid_cell_id(rs->grid, cells[j], id, sizeof id) != IG_OK)
                id[0] = '\0';
            for (size_t k = 0; k < L; k++) {
                const ig_local_layer *ly = ig_local_result_layer(res, k);
                cli_csv_str(fp, id);
                fputc(',', fp);
                if (rs->per_group) {
                    cli_csv_str(fp, ly->group_name);
                    fputc(',', fp);
                }
                cli_csv_num(fp, ly->value[j]);
                if (rs->inference) {
                    fputc(',', fp);
                    cli_csv_num(fp, ly->z[j]);
                    fputc(',', fp);
                    cli_csv_num(fp, ly->p_value[j]);
                    fputc(',', fp);
                    fputs(ig_local_class_name((ig_local_class)ly->cls[j]), fp);
                }
                const double *reach = ig_local_result_reach(res);
                if (reach) {
                    fputc(',', fp);
                    cli_csv_num(fp, reach[j]);
                }
                fputc('\n', fp);
            }
        }
    }
}

static void write_geojson(FILE *fp, const run_set *rs)
{
    int epsg = ig_grid_crs_epsg(rs->grid);
    fprintf(fp,
            "{\"type\": \"FeatureCollection\",\n"
            " \"crs\": {\"type\": \"name\", \"properties\": {\"name\": "
            "\"urn:ogc:def:crs:EPSG::%d\"}},\n"
            " \"features\": [",
            epsg ? epsg : 3035);
    char id[IG_CELLCODE_MAX + 64];
    int first = 1;
    for (size_t r = 0; r < rs->n_res; r++) {
        const ig_local_result *res = rs->res[r];
        const size_t *cells = ig_local_result_cells(res);
        size_t L = ig_local_result_nlayers(res);
        for (size_t j = 0; j < ig_local_result_ncells(res); j++) {
            ig_cell c;
            if (ig_grid_cell(rs->grid, cells[j], &c) != IG_OK) continue;
            if (ig_grid_cell_id(rs->grid, cells[j], id, sizeof id) != IG_OK)
                id[0] = '\0';
            int64_t e0 = c.east_m, n0 = c.north_m;
            int64_t e1 = e0 + c.size_m, n1 = n0 + c.size_m;
            for (size_t k = 0; k < L; k++) {
                const ig_local_layer *ly = ig_local_result_layer(res, k);
                fputs(first ? "\n  " : ",\n  ", fp);
                first = 0;
                fputs("{\"type\": \"Feature\", \"properties\": {\"cell\": ",
                      fp);
                cli_json_str(fp, id);
                if (rs->per_group) {
                    fputs(", \"group\": ", fp);
                    cli_json_str(fp, ly->group_name);
                }
                fputs(", \"value\": ", fp);
                cli_json_num(fp, ly->value[j]);
                if (rs->inference) {
                    fputs(", \"z\": ", fp);
                    cli_json_num(fp, ly->z[j]);
                    fputs(", \"p_value\": ", fp);
                    cli_json_num(fp, ly->p_value[j]);
                    fputs(", \"class\": ", fp);
                    const char *cn =
                        ig_local_class_name((ig_local_class)ly->cls[j]);
                    if (cn[0])
                        cli_json_str(fp, cn);
                    else
                        fputs("null", fp);
                }
                if (ig_local_result_reach(res)) {
                    fputs(", \"reach_m\": ", fp);
                    cli_json_num(fp, ig_local_result_reach(res)[j]);
                }
                fprintf(fp,
                        "}, \"geometry\": {\"type\": \"Polygon\", "
                        "\"coordinates\": [[[%" PRId64 ", %" PRId64
                        "], [%" PRId64 ", %" PRId64 "], [%" PRId64 ", %" PRId64
                        "], [%" PRId64 ", %" PRId64 "], [%" PRId64 ", %" PRId64
                        "]]]}}",
                        e0, n0, e1, n0, e1, n1, e0, n1, e0, n0);
            }
        }
    }
    fputs(first ? "]}\n" : "\n ]}\n", fp);
}

/* ---- warnings ----------------------------------------------------------- */

static void warn_undefined(cli_env *env, const run_set *rs, const char *shown)
{
    if (env->quiet) return;
    /* whole layers, per place */
    size_t np = rs->n_res;
    for (size_t r = 0; r < np; r++) {
        const ig_local_result *res = rs->res[r];
        for (size_t k = 0; k < ig_local_result_nlayers(res); k++) {
            const ig_local_layer *ly = ig_local_result_layer(res, k);
            if (ly->status == IG_OK || ig_local_result_ncells(res) == 0)
                continue;
            char where[300] = "";
            if (np > 1) {
                size_t pf = 0, pc = 0, p;
                for (p = 0; p < ig_grid_nplaces(rs->grid); p++) {
                    ig_grid_place_range(rs->grid, p, &pf, &pc);
                    if (ig_local_result_cells(res)[0] >= pf &&
                        ig_local_result_cells(res)[0] < pf + pc)
                        break;
                }
                snprintf(where, sizeof where, " in place %s",
                         ig_grid_place_name(rs->grid, p));
            }
            const char *why =
                ly->message ? ly->message : ig_strerror(ly->status);
            char who[300] = "";
            if (ly->group_name) {
                /* the library names the group first: say it once */
                snprintf(who, sizeof who, "group '%s': ", ly->group_name);
                if (strncmp(why, who, strlen(who)) == 0) why += strlen(who);
                snprintf(who, sizeof who, " for group '%s'", ly->group_name);
            }
            cli_warn(env, "%s is undefined%s%s: %s; %s", rs->info->name, who,
                     where, why, shown);
        }
    }
    /* cells, by reason */
    static const struct {
        unsigned bit;
        const char *why;
    } reasons[] = {
        {IG_LOCAL_FLAG_NA,
         "left out because a group is not available there (--na-as-zero "
         "counts it as 0)"},
        {IG_LOCAL_FLAG_EMPTY,
         "with an empty neighbourhood (no residents within reach)"},
        {IG_LOCAL_FLAG_NO_RESIDENTS,
         "without residents of their own (no group share to test)"},
        {IG_LOCAL_FLAG_NO_NEIGHBOURS,
         "without a populated neighbour within the radius"},
        {IG_LOCAL_FLAG_FLAT,
         "whose kernel covers every populated cell equally (no contrast)"},
    };
    for (size_t q = 0; q < sizeof reasons / sizeof reasons[0]; q++) {
        uint64_t n = 0;
        for (size_t r = 0; r < np; r++) {
            const uint8_t *fl = ig_local_result_flags(rs->res[r]);
            size_t nc = ig_local_result_ncells(rs->res[r]);
            for (size_t j = 0; j < nc; j++) n += (fl[j] & reasons[q].bit) != 0;
        }
        if (n == 0) continue;
        cli_warn(env, "%" PRIu64 " %s %s; %s", n, n == 1 ? "cell" : "cells",
                 reasons[q].why, shown);
    }
}

/* ---- the command -------------------------------------------------------- */

int cli_cmd_local(int argc, char **argv)
{
    cli_opts o;
    int code;
    if (!cli_opts_parse(CLI_CMD_local, argc, argv, &o, &code)) return code;
    cli_env env;
    cli_env_init(&env, "local", &o);
    cli_out out;
    int out_open = 0;
    int rc = CLI_EXIT_ERROR;
    ig_ctx *ctx = NULL;
    ig_grid *grid = NULL;
    size_t *sel = NULL, n_sel = 0;
    run_set rs;
    memset(&rs, 0, sizeof rs);

    if (o.list) {
        if (!cli_out_open(&env, &out, o.output)) goto done;
        out_open = 1;
        list_local(out.fp);
        out_open = 0;
        if (cli_out_commit(&env, &out)) rc = CLI_EXIT_OK;
        goto done;
    }

    /* everything that can be checked before reading */
    const ig_local_info *info = ig_local_find(o.measure);
    if (!info) {
        unknown_measure(o.measure ? o.measure : "");
        rc = CLI_EXIT_USAGE;
        goto done;
    }
    if (info->flags & IG_LOCAL_SCALE) {
        if (!o.n_radii && !o.n_ks) {
            cli_usage_error("local",
                            "%s needs a neighbourhood: give --radius-m R "
                            "(metres) or --k K (nearest residents)",
                            info->name);
            rc = CLI_EXIT_USAGE;
            goto done;
        }
        if ((info->flags & IG_LOCAL_KERNEL_ONLY) && o.n_ks) {
            cli_usage_error("local",
                            "%s needs a kernel radius: give --radius-m R "
                            "instead of --k (the k nearest residents give no "
                            "weights between cells)",
                            info->name);
            rc = CLI_EXIT_USAGE;
            goto done;
        }
    }
    out_kind kind = output_kind(o.output);
    if (kind == OUT_BAD) {
        cli_usage_error("local",
                        "cannot tell the output format from '%s': use a "
                        "name ending in .csv, .geojson or .tif",
                        o.output);
        rc = CLI_EXIT_USAGE;
        goto done;
    }
#if !IG_HAVE_GDAL
    if (kind == OUT_TIFF) {
        cli_error(
            &env,
            "GeoTIFF output needs GDAL, and this build has none: "
            "write '-o %.*s.csv' or '-o %.*s.geojson' instead",
            (int)(strlen(o.output) - (ends_with(o.output, ".tiff") ? 5 : 4)),
            o.output,
            (int)(strlen(o.output) - (ends_with(o.output, ".tiff") ? 5 : 4)),
            o.output);
        goto done;
    }
#endif
    if (!(info->flags & IG_LOCAL_SCALE) && (o.n_radii || o.n_ks))
        cli_warn(&env,
                 "%s uses no neighbourhood: --radius-m and --k are "
                 "ignored",
                 info->name);

    /* open the output first: an unwritable target fails before the work */
    if (!cli_out_open(&env, &out, o.output)) goto done;
    out_open = 1;
    ctx = cli_make_ctx(&env, &o);
    if (!ctx) goto done;
    grid = cli_read_grid(&env, ctx, &o);
    if (!grid) goto done;
    if (!select_groups(&env, &o, grid, &sel, &n_sel)) goto done;

    ig_local_opts lo;
    ig_local_opts_init(&lo);
    lo.measure = info->name;
    lo.scale = o.params.scale;
    lo.edge = o.params.edge;
    lo.groups = sel;
    lo.n_groups = n_sel;
    lo.na_as_zero = o.read.na_as_zero;
    lo.seed = o.params.seed;
    if (o.permutations > 0) lo.permutations = o.permutations;
    if (o.fdr > 0.0) lo.fdr = o.fdr;
    lo.centre_given = o.params.centre_given;
    lo.centre_x_m = o.params.centre_x_m;
    lo.centre_y_m = o.params.centre_y_m;
    lo.progress = cli_progress_cb;
    lo.progress_ud = &env.progress;

    size_t np = ig_grid_nplaces(grid);
    rs.grid = grid;
    rs.info = info;
    rs.res = cli_xmalloc(np * sizeof *rs.res);
    rs.per_group = (info->flags & IG_LOCAL_PER_GROUP) ||
                   ((info->flags & IG_LOCAL_GROUPS_OPTIONAL) && n_sel > 0);
    rs.inference = (info->flags & IG_LOCAL_INFERENCE) != 0;
    cli_progress_phase(&env.progress, "computing", 0);
    for (size_t p = 0; p < np; p++) {
        lo.place = np == 1 ? IG_LOCAL_ALL : p;
        ig_error err;
        memset(&err, 0, sizeof err);
        ig_local_result *r = NULL;
        ig_status st = ig_local_run(ctx, grid, &lo, &r, &err);
        if (st != IG_OK) {
            cli_progress_clear(&env.progress);
            cli_report(&env, st, &err, NULL);
            goto done;
        }
        rs.res[rs.n_res++] = r;
    }
    cli_progress_clear(&env.progress);

    const char *shown = "values left empty";
    if (kind == OUT_TIFF) {
        ig_error err;
        memset(&err, 0, sizeof err);
        ig_status st = ig_local_write_geotiff(
            ctx, grid, (const ig_local_result *const *)rs.res, rs.n_res,
            out.tmp, &err);
        if (st != IG_OK) {
            cli_report(&env, st, &err, o.output);
            goto done;
        }
        shown = "nodata in the GeoTIFF";
    } else if (kind == OUT_GEOJSON) {
        write_geojson(out.fp, &rs);
        shown = "value null";
    } else {
        write_csv(out.fp, &rs);
    }
    out_open = 0;
    if (!cli_out_commit(&env, &out)) goto done;
    rc = CLI_EXIT_OK;
    warn_undefined(&env, &rs, shown);
done:
    if (out_open) cli_out_abort(&out);
    for (size_t r = 0; r < rs.n_res; r++) ig_local_result_destroy(rs.res[r]);
    free(rs.res);
    free(sel);
    ig_grid_destroy(grid);
    ig_ctx_destroy(ctx);
    cli_env_free(&env);
    cli_opts_free(&o);
    return rc;
}
