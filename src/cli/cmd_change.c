/* `integrid change OLD NEW --measure M`: read both grids with the same read
 * options, hand them to ig_change_grids() and print one row per component:
 * old, new, total, then the parts (M, H: additions, removals,
 * unit_marginal, group_marginal, structural; D: additions, removals,
 * composition, reallocation). CSV columns place,measure,group,value,
 * component (the foundation's contract with `component` on the right);
 * JSON and the table carry the same rows. An unknown --measure is a usage
 * error (2); data problems are runtime errors (1). */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "integrid/ig_change.h"

typedef struct comp {
    const char *name;
    size_t off;
} comp;

#define COMP(n) {#n, offsetof(ig_change_parts, n)}
static const comp comps_m[] = {
    {"old", offsetof(ig_change_parts, old_value)},
    {"new", offsetof(ig_change_parts, new_value)},
    COMP(total), COMP(additions), COMP(removals), COMP(unit_marginal),
    COMP(group_marginal), COMP(structural)};
static const comp comps_d[] = {
    {"old", offsetof(ig_change_parts, old_value)},
    {"new", offsetof(ig_change_parts, new_value)},
    COMP(total), COMP(additions), COMP(removals), COMP(composition),
    COMP(reallocation)};
#undef COMP

static double part(const ig_change_parts *p, const comp *c)
{
    double v;
    memcpy(&v, (const char *)p + c->off, sizeof v);
    return v;
}

static const char *row_measure(const ig_change_row *r, ig_change_measure m)
{
    if (m == IG_CHANGE_MUTUAL) return "mutual_information";
    if (m == IG_CHANGE_THEIL) return "multi_information_theory";
    return r->group < 0 ? "multi_dissimilarity" : "dissimilarity";
}

static const char *row_group(const ig_change_row *r, const ig_grid *g)
{
    return r->group < 0 ? "" : ig_grid_group_name(g, (size_t)r->group);
}

/* Rows between and within classes: the old and new parts and their
 * change, under the names between_classes and within:CLASS. */
static const comp comps_c[] = {
    {":old", offsetof(ig_change_parts, old_value)},
    {":new", offsetof(ig_change_parts, new_value)},
    {"", offsetof(ig_change_parts, total)}};

static void comp_name(const ig_change_row *r, const comp *c, char *buf,
                      size_t cap)
{
    if (r->kind == IG_CHANGE_ROW_BETWEEN)
        snprintf(buf, cap, "between_classes%s", c->name);
    else if (r->kind == IG_CHANGE_ROW_WITHIN)
        snprintf(buf, cap, "within:%s%s", r->class_name, c->name);
    else
        snprintf(buf, cap, "%s", c->name);
}

static void write_rows(FILE *fp, cli_format fmt, const ig_change_result *res,
                       const ig_grid *g, ig_change_measure m)
{
    size_t n = ig_change_result_nrows(res);
    if (fmt == CLI_FMT_CSV) {
        fputs("place,measure,group,value,component\n", fp);
    } else if (fmt == CLI_FMT_JSON) {
        fprintf(fp, "{\"cell_size_m\": %ld, \"rows\": [",
                (long)ig_change_result_cell_size_m(res));
    } else {
        fprintf(fp, "%-16s %-26s %-12s %-15s %s\n", "place", "measure",
                "group", "component", "value");
    }
    int first = 1;
    for (size_t i = 0; i < n; i++) {
        const ig_change_row *r = ig_change_result_row(res, i);
        const comp *cs = r->kind != IG_CHANGE_ROW_TOTAL ? comps_c
                         : m == IG_CHANGE_DISSIM        ? comps_d
                                                        : comps_m;
        size_t nc = r->kind != IG_CHANGE_ROW_TOTAL
                        ? sizeof comps_c / sizeof *comps_c
                    : m == IG_CHANGE_DISSIM ? sizeof comps_d / sizeof *comps_d
                                            : sizeof comps_m / sizeof *comps_m;
        for (size_t k = 0; k < nc; k++) {
            double v = r->status == IG_OK ? part(&r->parts, &cs[k]) : (double)NAN;
            char cname[160];
            comp_name(r, &cs[k], cname, sizeof cname);
            if (fmt == CLI_FMT_CSV) {
                cli_csv_str(fp, r->place);
                fputc(',', fp);
                cli_csv_str(fp, row_measure(r, m));
                fputc(',', fp);
                cli_csv_str(fp, row_group(r, g));
                fputc(',', fp);
                cli_csv_num(fp, v);
                fputc(',', fp);
                cli_csv_str(fp, cname);
                fputc('\n', fp);
            } else if (fmt == CLI_FMT_JSON) {
                fputs(first ? "\n  {\"place\": " : ",\n  {\"place\": ", fp);
                first = 0;
                cli_json_str(fp, r->place);
                fputs(", \"measure\": ", fp);
                cli_json_str(fp, row_measure(r, m));
                fputs(", \"group\": ", fp);
                if (r->group < 0)
                    fputs("null", fp);
                else
                    cli_json_str(fp, row_group(r, g));
                fputs(", \"value\": ", fp);
                cli_json_num(fp, v);
                fputs(", \"component\": ", fp);
                cli_json_str(fp, cname);
                fputc('}', fp);
            } else {
                char num[64];
                if (r->status == IG_OK)
                    snprintf(num, sizeof num, "%.6f", v);
                else
                    snprintf(num, sizeof num, "n/a");
                fprintf(fp, "%-16s %-26s %-12s %-15s %s\n", r->place,
                        row_measure(r, m), r->group < 0 ? "-" : row_group(r, g),
                        cname, num);
            }
        }
    }
    if (fmt == CLI_FMT_JSON) fputs("\n]}\n", fp);
}

/* Classes of the cells of both grids for --classes (docs/change.md). */
typedef struct class_map {
    const char **names; /* n */
    size_t n;
    uint32_t *old_cls, *new_cls;
} class_map;

static void class_map_free(class_map *cm)
{
    free((void *)cm->names);
    free(cm->old_cls);
    free(cm->new_cls);
    memset(cm, 0, sizeof *cm);
}

/* DEGURBA level-1 classes of every cell of g into cls (0 urban centre,
 * 1 urban cluster, 2 rural, else none); 0 after reporting an error. */
static int degurba_classes(cli_env *env, ig_ctx *ctx, const ig_grid *g,
                           const char *which, uint32_t *cls)
{
    size_t n = ig_grid_ncells(g);
    uint8_t *c8 = cli_xmalloc((n ? n : 1) * sizeof *c8);
    ig_error err = {0};
    ig_status st = ig_degurba_classify(ctx, g, NULL, c8, NULL, NULL, &err);
    if (st != IG_OK) {
        char msg[600];
        cli_error(env, "--classes degurba: %s: %s", which,
                  ig_error_format(&err, msg, sizeof msg));
        free(c8);
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        cls[i] = c8[i] == IG_DEGURBA_URBAN_CENTRE    ? 0
                 : c8[i] == IG_DEGURBA_URBAN_CLUSTER ? 1
                 : c8[i] == IG_DEGURBA_RURAL         ? 2
                                                     : IG_CHANGE_NO_CLASS;
    free(c8);
    return 1;
}

/* The classes of a --within column: the union of both grids' values. */
static uint32_t class_of(class_map *cm, const char *name)
{
    for (size_t k = 0; k < cm->n; k++)
        if (strcmp(cm->names[k], name) == 0) return (uint32_t)k;
    cm->names = cli_xrealloc((void *)cm->names, (cm->n + 1) * sizeof *cm->names);
    cm->names[cm->n] = name;
    return (uint32_t)cm->n++;
}

static void column_classes(class_map *cm, const ig_grid *g, uint32_t *cls)
{
    const uint32_t *w = ig_grid_within(g);
    size_t n = ig_grid_ncells(g), nw = ig_grid_nwithin(g);
    uint32_t *map = cli_xmalloc((nw ? nw : 1) * sizeof *map);
    for (size_t k = 0; k < nw; k++)
        map[k] = class_of(cm, ig_grid_within_name(g, k));
    for (size_t i = 0; i < n; i++)
        cls[i] = w && w[i] < nw ? map[w[i]] : IG_CHANGE_NO_CLASS;
    free(map);
}

int cli_cmd_change(int argc, char **argv)
{
    cli_opts o;
    int code;
    if (!cli_opts_parse(CLI_CMD_change, argc, argv, &o, &code)) return code;
    ig_change_opts co;
    ig_change_opts_init(&co);
    const char *mn = o.measure ? o.measure : "mutual_information";
    if (strcmp(mn, "mutual_information") == 0 || strcmp(mn, "M") == 0) {
        co.measure = IG_CHANGE_MUTUAL;
    } else if (strcmp(mn, "multi_information_theory") == 0 ||
               strcmp(mn, "H") == 0) {
        co.measure = IG_CHANGE_THEIL;
    } else if (strcmp(mn, "dissimilarity") == 0 ||
               strcmp(mn, "multi_dissimilarity") == 0) {
        co.measure = IG_CHANGE_DISSIM;
    } else {
        cli_usage_error("change",
                        "unknown --measure '%s'; use mutual_information, "
                        "multi_information_theory or dissimilarity",
                        mn);
        cli_opts_free(&o);
        return CLI_EXIT_USAGE;
    }
    cli_env env;
    cli_env_init(&env, "change", &o);
    cli_out out;
    int out_open = 0;
    int rc = CLI_EXIT_ERROR;
    ig_ctx *ctx = NULL;
    ig_grid *g_old = NULL, *g_new = NULL;
    ig_change_result *res = NULL;
    class_map cm;
    memset(&cm, 0, sizeof cm);
    int by_degurba = o.classes && strcmp(o.classes, "degurba") == 0;
    if (o.classes && co.measure == IG_CHANGE_DISSIM) {
        cli_usage_error("change", "--classes splits M or H (mutual_information, "
                                  "multi_information_theory), not "
                                  "dissimilarity");
        cli_env_free(&env);
        cli_opts_free(&o);
        return CLI_EXIT_USAGE;
    }
    if (o.classes && !by_degurba) {
        if (o.read.within_col && strcmp(o.read.within_col, o.classes) != 0) {
            cli_usage_error("change", "give the classes once: --classes COL "
                                      "or --within COL");
            cli_env_free(&env);
            cli_opts_free(&o);
            return CLI_EXIT_USAGE;
        }
        o.read.within_col = o.classes;
    }
    if (!cli_out_open(&env, &out, o.output)) goto done;
    out_open = 1;
    cli_format fmt = o.format;
    if (fmt == CLI_FMT_DEFAULT)
        fmt = cli_out_is_tty(&out) ? CLI_FMT_TABLE : CLI_FMT_CSV;
    ctx = cli_make_ctx(&env, &o);
    if (!ctx) goto done;
    g_old = cli_read_grid_at(&env, ctx, &o, o.input);
    if (!g_old) goto done;
    g_new = cli_read_grid_at(&env, ctx, &o, o.input2);
    if (!g_new) goto done;
    ig_change_classes classes;
    if (o.classes) {
        cm.old_cls = cli_xmalloc((ig_grid_ncells(g_old) + 1) * sizeof *cm.old_cls);
        cm.new_cls = cli_xmalloc((ig_grid_ncells(g_new) + 1) * sizeof *cm.new_cls);
        if (by_degurba) {
            static const char *const dg[3] = {"urban_centre", "urban_cluster",
                                              "rural"};
            cm.names = cli_xmalloc(sizeof dg);
            memcpy((void *)cm.names, dg, sizeof dg);
            cm.n = 3;
            if (!degurba_classes(&env, ctx, g_old, "OLD", cm.old_cls) ||
                !degurba_classes(&env, ctx, g_new, "NEW", cm.new_cls))
                goto done;
        } else {
            column_classes(&cm, g_old, cm.old_cls);
            column_classes(&cm, g_new, cm.new_cls);
        }
        classes.n_classes = cm.n;
        classes.names = cm.names;
        classes.old_cls = cm.old_cls;
        classes.new_cls = cm.new_cls;
        co.classes = &classes;
    }
    ig_error err = {0};
    ig_status st = ig_change_grids(ctx, g_old, g_new, &co, &res, &err);
    if (st != IG_OK) {
        cli_report(&env, st, &err, NULL);
        goto done;
    }
    write_rows(out.fp, fmt, res, g_old, co.measure);
    out_open = 0;
    if (!cli_out_commit(&env, &out)) goto done;
    rc = CLI_EXIT_OK;
    for (size_t i = 0; i < ig_change_result_nrows(res); i++) {
        const ig_change_row *r = ig_change_result_row(res, i);
        if (r->status != IG_OK && r->kind == IG_CHANGE_ROW_TOTAL)
            cli_warn(&env, "%s: %s", r->place,
                     r->message ? r->message : ig_strerror(r->status));
    }
done:
    if (out_open) cli_out_abort(&out);
    ig_change_result_destroy(res);
    class_map_free(&cm);
    ig_grid_destroy(g_old);
    ig_grid_destroy(g_new);
    ig_ctx_destroy(ctx);
    cli_env_free(&env);
    cli_opts_free(&o);
    return rc;
}
