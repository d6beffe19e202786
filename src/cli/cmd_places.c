/* `integrid places FILE --method degurba`: urban centres and urban clusters
 * of a 1 km grid as a CSV table (ig_place_table_build), optionally with the
 * class and place of every cell.
 *
 * The places-only options (--method, --level, --land-area, --cells-out,
 * --help) are taken out of argv here; the rest (read options, -o, -q,
 * --no-progress) goes through the shared parser (opts.c). DEGURBA needs the full
 * population, so a Eurostat `T` column becomes the total unless --total was
 * given, and LAND_SURFACE is kept for densities when present: the file is
 * read with those columns first and again without them when one is missing
 * (a missing column fails at the header, so the retry is cheap). */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

typedef struct places_args {
    const char *method;
    const char *level;
    const char *land_area;
    const char *cells_out;
    int help;
} places_args;

static const char *const METHODS = "degurba";

void cli_places_print_help(FILE *fp)
{
    fputs(
        "Usage: integrid places FILE --method degurba [--level 1|2] [-o FILE]\n"
        "       [--cells-out FILE] [--land-area COL] [read options]\n"
        "\n"
        "Find places in a grid with the Degree of Urbanisation (DEGURBA):\n"
        "urban centres and urban clusters (level 1), and at level 2 also\n"
        "dense and semi-dense urban clusters and rural clusters; one CSV\n"
        "row per place, named after the most populous GeoNames place\n"
        "inside it. A grid finer than 1 km (100 m, 200 m, 250 m, 500 m) is\n"
        "classified on its 1 km cells, and every cell gets its 1 km cell's\n"
        "class.\n"
        "\n"
        "Places options:\n"
        "      --method M          how to find places; M is: degurba\n"
        "      --level N           DEGURBA level, 1 (default) or 2\n"
        "      --land-area COL     land area per cell in km2 (default:\n"
        "                          LAND_SURFACE when the file has it, else\n"
        "                          full 1 km2 cells)\n"
        "      --cells-out FILE    also write cell,place_id,class for every\n"
        "                          cell, atomically\n"
        "\n"
        "Output options:\n"
        "  -o, --output FILE       write the places CSV to FILE, atomically\n"
        "                          (default: standard output)\n"
        "  -q, --quiet             no warnings or notes on standard error\n"
        "      --no-progress       no progress bar\n"
        "\n"
        "Read options: as for 'integrid info' (see 'integrid help info'),\n"
        "e.g. --by CNTR_ID, --total COL, --groups A,B,C, --sep ';'.\n"
        "Without --total, a column T (Eurostat) is the population total.\n"
        "\n"
        "Columns: place_id,class,cells,population,<one per group>,area_km2,\n"
        "x_3035,y_3035,lon,lat,country,name (name: GeoNames, CC BY 4.0;\n"
        "empty when no GeoNames place of 1,000+ residents lies inside).\n"
        "FILE may be gzip-compressed; '-' reads standard input.\n"
        "Exit status: 0 success, 1 runtime error, 2 usage error.\n",
        fp);
}

/* Take the places-only options out of argv (in place); returns the new
 * argc, or -1 after a usage error. */
static int extract(int argc, char **argv, places_args *a)
{
    static const char *const names[4] = {"method", "level", "land-area",
                                         "cells-out"};
    int n = 1;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (strcmp(s, "--") == 0) { /* the rest is positional */
            while (i < argc) argv[n++] = argv[i++];
            break;
        }
        if (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0) {
            a->help = 1;
            continue;
        }
        int hit = -1;
        const char *val = NULL;
        for (int k = 0; k < 4 && hit < 0 && strncmp(s, "--", 2) == 0; k++) {
            size_t len = strlen(names[k]);
            if (strncmp(s + 2, names[k], len) != 0) continue;
            if (s[2 + len] == '=') {
                hit = k;
                val = s + 3 + len;
            } else if (s[2 + len] == '\0') {
                hit = k;
                if (i + 1 >= argc) {
                    cli_usage_error("places", "option '--%s' needs a value",
                                    names[k]);
                    return -1;
                }
                val = argv[++i];
            }
        }
        if (hit < 0) {
            argv[n++] = argv[i];
            continue;
        }
        const char **dst[4] = {&a->method, &a->level, &a->land_area,
                               &a->cells_out};
        *dst[hit] = val;
    }
    argv[n] = NULL;
    return n;
}

static int check_args(const places_args *a)
{
    if (!a->method) {
        cli_usage_error("places", "--method is required; methods: %s",
                        METHODS);
        return 0;
    }
    if (strcmp(a->method, "degurba") != 0) {
        cli_usage_error("places", "unknown method '%s' for --method; methods: %s",
                        a->method, METHODS);
        return 0;
    }
    if (a->level && strcmp(a->level, "1") != 0 && strcmp(a->level, "2") != 0) {
        cli_usage_error("places", "invalid value '%s' for --level: use 1 or 2",
                        a->level);
        return 0;
    }
    if (a->land_area && !a->land_area[0]) {
        cli_usage_error("places", "--land-area needs a column name");
        return 0;
    }
    return 1;
}

static void note(cli_env *env, const char *msg)
{
    if (env->quiet) return;
    cli_progress_clear(&env->progress);
    fprintf(stderr, "integrid: places: note: %s\n", msg);
}

/* Read with T as total and LAND_SURFACE kept where allowed, dropping each
 * when the file lacks it. *used_t / *used_land say what was kept. */
static ig_grid *read_grid(cli_env *env, ig_ctx *ctx, cli_opts *o,
                          const places_args *a, int *used_t, int *used_land)
{
    const char *path = o->input ? o->input : "-";
    int is_stdin = strcmp(path, "-") == 0;
    const char *land = a->land_area ? a->land_area : "LAND_SURFACE";
    int try_t = !o->read.total_col && !is_stdin;
    int land_kept = 0;
    for (size_t k = 0; k < o->n_keep; k++)
        if (strcmp(o->keep[k], land) == 0) land_kept = 1;
    int try_land = !land_kept && (a->land_area || !is_stdin);
    const char **keep = cli_xmalloc((o->n_keep + 1) * sizeof *keep);
    for (size_t k = 0; k < o->n_keep; k++) keep[k] = o->keep[k];
    keep[o->n_keep] = land;

    ig_grid *grid = NULL;
    ig_status st = IG_OK;
    ig_error err = {0};
    /* attempts: (T, land) (T) (land) () ; an explicit --land-area stays */
    for (int t = try_t; t >= 0 && !grid; t--) {
        for (int l = try_land; l >= 0 && !grid; l--) {
            if (!l && a->land_area && !land_kept) continue;
            ig_read_opts ro = o->read;
            if (t) ro.total_col = "T";
            ro.keep = keep;
            ro.n_keep = o->n_keep + (size_t)l;
            ro.progress = cli_progress_cb;
            ro.progress_ud = &env->progress;
            cli_progress_phase(&env->progress, "reading", 1);
            memset(&err, 0, sizeof err);
            st = ig_grid_read_path(ctx, path, &ro, &grid, &err);
            cli_progress_clear(&env->progress);
            if (st != IG_OK) {
                ig_grid_destroy(grid);
                grid = NULL;
                if (st != IG_ERR_NOT_FOUND) goto fail;
                continue;
            }
            *used_t = t;
            *used_land = l || land_kept;
        }
    }
    if (!grid) goto fail;
    free((void *)keep);
    return grid;
fail:
    free((void *)keep);
    cli_report(env, st, &err, is_stdin ? "<stdin>" : path);
    return NULL;
}

static int write_places(cli_env *env, const char *path,
                        const ig_place_table *t, const char *const *names)
{
    cli_out out;
    if (!cli_out_open(env, &out, path)) return 0;
    FILE *fp = out.fp;
    size_t ng = ig_place_table_ngroups(t);
    fputs("place_id,class,cells,population", fp);
    for (size_t g = 0; g < ng; g++) {
        fputc(',', fp);
        cli_csv_str(fp, ig_place_table_group_name(t, g));
    }
    fputs(",area_km2,x_3035,y_3035,lon,lat,country,name\n", fp);
    const ig_place_row *r = ig_place_table_rows(t);
    for (size_t k = 0; k < ig_place_table_count(t); k++) {
        fprintf(fp, "%" PRIu32 ",%s,%zu,", r[k].place_id,
                ig_degurba_class_name(r[k].cls), r[k].cells);
        cli_csv_count(fp, r[k].population);
        for (size_t g = 0; g < ng; g++) {
            fputc(',', fp);
            cli_csv_count(fp, r[k].groups[g]);
        }
        const double v[5] = {r[k].area_km2, r[k].x_3035, r[k].y_3035,
                             r[k].lon, r[k].lat};
        for (int j = 0; j < 5; j++) {
            fputc(',', fp);
            if (j == 0) cli_csv_count(fp, v[j]);
            else cli_csv_num(fp, v[j]);
        }
        fputc(',', fp);
        cli_csv_str(fp, r[k].country);
        fputc(',', fp);
        cli_csv_str(fp, names ? names[k] : "");
        fputc('\n', fp);
    }
    return cli_out_commit(env, &out);
}

static int write_cells(cli_env *env, const char *path, const ig_grid *g,
                       const uint8_t *cls, const uint32_t *ids)
{
    cli_out out;
    if (!cli_out_open(env, &out, path)) return 0;
    FILE *fp = out.fp;
    fputs("cell,place_id,class\n", fp);
    char buf[IG_CELLCODE_MAX];
    for (size_t i = 0; i < ig_grid_ncells(g); i++) {
        if (ig_grid_cell_id(g, i, buf, sizeof buf) != IG_OK) buf[0] = '\0';
        cli_csv_str(fp, buf);
        fprintf(fp, ",%" PRIu32 ",%s\n", ids[i], ig_degurba_class_name(cls[i]));
    }
    return cli_out_commit(env, &out);
}

int cli_cmd_places(int argc, char **argv)
{
    places_args a = {0};
    argc = extract(argc, argv, &a);
    if (argc < 0) return CLI_EXIT_USAGE;
    if (a.help) {
        cli_places_print_help(stdout);
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fprintf(stderr, "integrid: places: cannot write to standard "
                            "output: %s\n", strerror(errno ? errno : EIO));
            return CLI_EXIT_ERROR;
        }
        return CLI_EXIT_OK;
    }
    if (!check_args(&a)) return CLI_EXIT_USAGE;
    cli_opts o;
    int code;
    if (!cli_opts_parse(CLI_CMD_places, argc, argv, &o, &code)) return code;
    cli_env env;
    cli_env_init(&env, "places", &o);
    int rc = CLI_EXIT_ERROR;
    ig_ctx *ctx = NULL;
    ig_grid *grid = NULL;
    ig_place_table *table = NULL;
    uint8_t *cls = NULL;
    uint32_t *ids = NULL;
    ig_gazetteer *gz = NULL;
    const char **names = NULL;

    ctx = cli_make_ctx(&env, &o);
    if (!ctx) goto done;
    int used_t = 0, used_land = 0;
    grid = read_grid(&env, ctx, &o, &a, &used_t, &used_land);
    if (!grid) goto done;
    if (used_t)
        note(&env, "using column T as the population total (Eurostat); "
                   "give --total to choose another");
    const char *land = a.land_area ? a.land_area : "LAND_SURFACE";
    if (!used_land) {
        cli_warn(&env, "no %s column: densities use full 1 km2 cells (give "
                       "--land-area COL)", land);
        land = NULL;
    }

    size_t n = ig_grid_ncells(grid);
    cls = cli_xmalloc((n ? n : 1) * sizeof *cls);
    ids = cli_xmalloc((n ? n : 1) * sizeof *ids);
    ig_degurba_opts dop;
    ig_degurba_opts_init(&dop);
    dop.land_area_var = land;
    dop.level = (a.level && strcmp(a.level, "2") == 0) ? 2 : 1;
    ig_degurba_summary sum;
    ig_error err = {0};
    ig_status st = ig_degurba_classify(ctx, grid, &dop, cls, ids, &sum, &err);
    if (st != IG_OK) {
        cli_report(&env, st, &err, o.input ? o.input : "<stdin>");
        goto done;
    }
    ig_place_table_opts topt = {land, o.read.by_col != NULL};
    st = ig_place_table_build(ctx, grid, ids, &sum, &topt, &table, &err);
    if (st != IG_OK) {
        cli_report(&env, st, &err, o.input ? o.input : "<stdin>");
        goto done;
    }
    if (!ig_place_table_has_proj())
        cli_warn(&env, "built without PROJ: lon and lat are empty");
    if (a.cells_out && !write_cells(&env, a.cells_out, grid, cls, ids))
        goto done;
    /* names: the most populous GeoNames place inside each place */
    {
        const size_t *offs = NULL, *cells = NULL;
        ig_place_table_cells(table, &offs, &cells);
        size_t np = ig_place_table_count(table);
        names = cli_xmalloc((np ? np : 1) * sizeof *names);
        ig_status gst = ig_gazetteer_open_builtin(ctx, &gz, &err);
        if (gst == IG_OK)
            gst = ig_gazetteer_name_places(ctx, gz, grid, np, offs, cells,
                                           names, NULL, &err);
        if (gst != IG_OK) {
            cli_warn(&env, "places are not named: %s",
                     err.msg[0] ? err.msg : ig_strerror(gst));
            free((void *)names);
            names = NULL;
        }
    }
    if (!write_places(&env, o.output, table, names)) goto done;
    rc = CLI_EXIT_OK;
done:
    free(cls);
    free(ids);
    free((void *)names);
    ig_gazetteer_destroy(gz);
    ig_place_table_destroy(table);
    ig_grid_destroy(grid);
    ig_ctx_destroy(ctx);
    cli_env_free(&env);
    cli_opts_free(&o);
    return rc;
}
