/* `integrid info FILE`: what the reader found, before any measure is run.
 *
 * Everything printed comes from public accessors (ig_grid_*, and
 * ig_grid_get_stats for how the file was read); group totals are summed here
 * with a compensated sum. Two renderings of the same facts: an aligned
 * key/value table for people and a JSON object for scripts. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

typedef struct info_group {
    const char *name;
    double total;
    uint64_t na_cells;
} info_group;

static void fmt_len_m(char *buf, size_t cap, int64_t m)
{
    if (m % 1000 == 0)
        snprintf(buf, cap, "%" PRId64 " km", m / 1000);
    else
        snprintf(buf, cap, "%" PRId64 " m", m);
}

static const char *delim_name(char d)
{
    switch (d) {
        case ',':
            return "','";
        case ';':
            return "';'";
        case '\t':
            return "tab";
        default:
            return "-";
    }
}

static void key(FILE *fp, const char *k)
{
    fprintf(fp, "%-19s", k);
}

static void print_table(FILE *fp, const cli_opts *o, const ig_grid *g,
                        const info_group *groups, size_t ng)
{
    const ig_grid_stats *s = ig_grid_get_stats(g);
    size_t ncells = ig_grid_ncells(g);
    int32_t size = ig_grid_cell_size_m(g);
    char buf[128];

    key(fp, "file");
    fprintf(fp, "%s\n", ig_grid_source(g) ? ig_grid_source(g) : "-");
    key(fp, "format");
    fprintf(fp, "%s\n", s && s->format[0] ? s->format : "-");
    if (size > 0) {
        key(fp, "CRS");
        fprintf(fp, "EPSG:%d\n", (int)ig_grid_crs_epsg(g));
        key(fp, "resolution");
        fprintf(fp, "%d m\n", (int)size);
        ig_extent e;
        if (ig_grid_extent(g, &e) == IG_OK) {
            char w[32], h[32];
            fmt_len_m(w, sizeof w, e.max_east_m - e.min_east_m);
            fmt_len_m(h, sizeof h, e.max_north_m - e.min_north_m);
            key(fp, "extent (m)");
            fprintf(fp,
                    "E %" PRId64 " to %" PRId64 ", N %" PRId64 " to %" PRId64
                    " (%s x %s)\n",
                    e.min_east_m, e.max_east_m, e.min_north_m, e.max_north_m, w,
                    h);
        }
    } else {
        key(fp, "CRS");
        fputs("none (aspatial units)\n", fp);
    }
    key(fp, size > 0 ? "cells" : "units");
    fprintf(fp, "%zu\n", ncells);

    size_t np = ig_grid_nplaces(g);
    if (o->read.by_col) {
        key(fp, "places");
        fprintf(fp, "%zu (by %s)\n", np, o->read.by_col);
        size_t wn = 0;
        for (size_t p = 0; p < np; p++) {
            size_t w = cli_utf8_width(ig_grid_place_name(g, p));
            if (w > wn) wn = w;
        }
        for (size_t p = 0; p < np; p++) {
            size_t first = 0, count = 0;
            ig_grid_place_range(g, p, &first, &count);
            fprintf(fp, "%-21s", "");
            cli_pad(fp, ig_grid_place_name(g, p), wn + 2, 0);
            fprintf(fp, "%zu %s\n", count,
                    size > 0 ? (count == 1 ? "cell" : "cells")
                             : (count == 1 ? "unit" : "units"));
        }
    }
    size_t nw = ig_grid_nwithin(g);
    if (nw > 0) {
        key(fp, "within");
        fprintf(fp, "%zu clusters", nw);
        if (o->read.within_col) fprintf(fp, " (by %s)", o->read.within_col);
        fputc('\n', fp);
    }

    key(fp, "groups");
    fprintf(fp, "%zu\n", ng);
    size_t wn = 0, wt = strlen("total");
    for (size_t i = 0; i < ng; i++) {
        if (cli_utf8_width(groups[i].name) > wn)
            wn = cli_utf8_width(groups[i].name);
        cli_fmt_count(buf, sizeof buf, groups[i].total);
        if (strlen(buf) > wt) wt = strlen(buf);
    }
    fprintf(fp, "%-21s", "");
    cli_pad(fp, "", wn + 2, 0);
    cli_pad(fp, "total", wt, 1);
    fputs("  not available (cells)\n", fp);
    for (size_t i = 0; i < ng; i++) {
        fprintf(fp, "%-21s", "");
        cli_pad(fp, groups[i].name, wn + 2, 0);
        cli_fmt_count(buf, sizeof buf, groups[i].total);
        cli_pad(fp, buf, wt, 1);
        fprintf(fp, "  %" PRIu64 "\n", groups[i].na_cells);
    }
    key(fp, "population total");
    if (ig_grid_has_total(g))
        fprintf(fp, "from %s\n",
                o->read.total_col ? o->read.total_col : "a total column");
    else
        fputs("sum of the groups\n", fp);
    size_t nv = ig_grid_nvars(g);
    if (nv > 0) {
        key(fp, "kept columns");
        for (size_t v = 0; v < nv; v++)
            fprintf(fp, "%s%s", v ? ", " : "", ig_grid_var_name(g, v));
        fputc('\n', fp);
    }
    if (s) {
        key(fp, "cells with n/a");
        fprintf(fp, "%" PRIu64 "\n", s->cells_na);
        key(fp, "flagged cells");
        fprintf(fp, "%" PRIu64 "\n", s->cells_flagged);
        key(fp, "duplicates merged");
        fprintf(fp, "%" PRIu64 "\n", s->duplicates);
        key(fp, "rows read");
        fprintf(fp, "%" PRIu64 "\n", s->rows_read);
        key(fp, "delimiter");
        fprintf(fp, "%s\n", delim_name(s->delimiter));
        key(fp, "decimal comma");
        fputs(s->decimal_comma ? "yes\n" : "no\n", fp);
        key(fp, "gzip");
        fputs(s->gzip ? "yes\n" : "no\n", fp);
    }
}

static void json_key(FILE *fp, const char *k, int first)
{
    fputs(first ? "\n  " : ",\n  ", fp);
    cli_json_str(fp, k);
    fputs(": ", fp);
}

static void json_str_or_null(FILE *fp, const char *s)
{
    if (s)
        cli_json_str(fp, s);
    else
        fputs("null", fp);
}

static void print_json(FILE *fp, const cli_opts *o, const ig_grid *g,
                       const info_group *groups, size_t ng)
{
    const ig_grid_stats *s = ig_grid_get_stats(g);
    int32_t size = ig_grid_cell_size_m(g);
    fputc('{', fp);
    json_key(fp, "integrid_version", 1);
    cli_json_str(fp, ig_version_string());
    json_key(fp, "input", 0);
    cli_json_str(fp, o->input ? o->input : "-");
    json_key(fp, "format", 0);
    json_str_or_null(fp, s && s->format[0] ? s->format : NULL);
    json_key(fp, "crs_epsg", 0);
    if (size > 0)
        fprintf(fp, "%d", (int)ig_grid_crs_epsg(g));
    else
        fputs("null", fp);
    json_key(fp, "cell_size_m", 0);
    if (size > 0)
        fprintf(fp, "%d", (int)size);
    else
        fputs("null", fp);
    json_key(fp, "extent_m", 0);
    ig_extent e;
    if (size > 0 && ig_grid_extent(g, &e) == IG_OK)
        fprintf(fp,
                "{\"min_east\": %" PRId64 ", \"min_north\": %" PRId64
                ", \"max_east\": %" PRId64 ", \"max_north\": %" PRId64 "}",
                e.min_east_m, e.min_north_m, e.max_east_m, e.max_north_m);
    else
        fputs("null", fp);
    json_key(fp, "cells", 0);
    fprintf(fp, "%zu", ig_grid_ncells(g));
    json_key(fp, "by", 0);
    json_str_or_null(fp, o->read.by_col);
    json_key(fp, "places", 0);
    fputc('[', fp);
    for (size_t p = 0; p < ig_grid_nplaces(g); p++) {
        size_t first = 0, count = 0;
        ig_grid_place_range(g, p, &first, &count);
        fputs(p ? ", {\"name\": " : "{\"name\": ", fp);
        cli_json_str(fp, ig_grid_place_name(g, p));
        fprintf(fp, ", \"cells\": %zu}", count);
    }
    fputc(']', fp);
    json_key(fp, "within", 0);
    json_str_or_null(fp, o->read.within_col);
    json_key(fp, "within_clusters", 0);
    fprintf(fp, "%zu", ig_grid_nwithin(g));
    json_key(fp, "groups", 0);
    fputc('[', fp);
    for (size_t i = 0; i < ng; i++) {
        fputs(i ? ", {\"name\": " : "{\"name\": ", fp);
        cli_json_str(fp, groups[i].name);
        fputs(", \"total\": ", fp);
        cli_json_num(fp, groups[i].total);
        fprintf(fp, ", \"na_cells\": %" PRIu64 "}", groups[i].na_cells);
    }
    fputc(']', fp);
    json_key(fp, "has_total", 0);
    fputs(ig_grid_has_total(g) ? "true" : "false", fp);
    json_key(fp, "kept", 0);
    fputc('[', fp);
    for (size_t v = 0; v < ig_grid_nvars(g); v++) {
        if (v) fputs(", ", fp);
        cli_json_str(fp, ig_grid_var_name(g, v));
    }
    fputc(']', fp);
    if (s) {
        json_key(fp, "cells_na", 0);
        fprintf(fp, "%" PRIu64, s->cells_na);
        json_key(fp, "cells_flagged", 0);
        fprintf(fp, "%" PRIu64, s->cells_flagged);
        json_key(fp, "duplicates", 0);
        fprintf(fp, "%" PRIu64, s->duplicates);
        json_key(fp, "rows_read", 0);
        fprintf(fp, "%" PRIu64, s->rows_read);
        json_key(fp, "delimiter", 0);
        if (s->delimiter) {
            char d[2] = {s->delimiter, '\0'};
            cli_json_str(fp, d);
        } else {
            fputs("null", fp);
        }
        json_key(fp, "decimal_comma", 0);
        fputs(s->decimal_comma ? "true" : "false", fp);
        json_key(fp, "gzip", 0);
        fputs(s->gzip ? "true" : "false", fp);
    }
    fputs("\n}\n", fp);
}

int cli_cmd_info(int argc, char **argv)
{
    cli_opts o;
    int code;
    if (!cli_opts_parse(CLI_CMD_info, argc, argv, &o, &code)) return code;
    cli_env env;
    cli_env_init(&env, "info", &o);
    cli_out out;
    int rc = CLI_EXIT_ERROR;
    ig_ctx *ctx = NULL;
    ig_grid *grid = NULL;
    info_group *groups = NULL;
    int out_open = 0;

    if (!cli_out_open(&env, &out, o.output)) goto done;
    out_open = 1;
    ctx = cli_make_ctx(&env, &o);
    if (!ctx) goto done;
    grid = cli_read_grid(&env, ctx, &o);
    if (!grid) goto done;

    size_t ng = ig_grid_ngroups(grid);
    size_t ncells = ig_grid_ncells(grid);
    groups = cli_xmalloc((ng ? ng : 1) * sizeof *groups);
    for (size_t i = 0; i < ng; i++) {
        const double *c = ig_grid_counts(grid, i);
        groups[i].name = ig_grid_group_name(grid, i);
        groups[i].total = c ? cli_sum(c, ncells) : 0.0;
        groups[i].na_cells = ig_grid_group_na_cells(grid, i);
    }
    if (o.format == CLI_FMT_JSON)
        print_json(out.fp, &o, grid, groups, ng);
    else
        print_table(out.fp, &o, grid, groups, ng);
    rc = cli_out_commit(&env, &out) ? CLI_EXIT_OK : CLI_EXIT_ERROR;
    out_open = 0;
done:
    if (out_open) cli_out_abort(&out);
    free(groups);
    ig_grid_destroy(grid);
    ig_ctx_destroy(ctx);
    cli_env_free(&env);
    cli_opts_free(&o);
    return rc;
}
