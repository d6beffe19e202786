/* `integrid map FILE --var VAR -o map.png|.svg|.pdf`: a map of one
 * variable over the cells of a grid or of one place (ig_map_render).
 *
 * The map-only options (--var, --classify, --classes, --breaks, --palette,
 * --title, --source, --width, --help) are taken out of argv here, as
 * cmd_places.c does; the rest (read, place, neighbourhood options, -o)
 * goes through the shared parser. Variables: share:GROUP (group count /
 * cell total), lq:GROUP (that share over the place's share) and
 * measure:NAME[:GROUP][@R|@kK] (a local measure of ig_local_run; Gi* and
 * local Moran's I are drawn as their classes with a categorical legend).
 * Everything that can be checked before reading is checked first, and the
 * output path is tried before the input is read, so an unwritable -o fails
 * fast. The library writes the file atomically. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "integrid/ig_render.h"

typedef struct map_args {
    const char *var, *classify, *classes, *breaks, *palette, *title,
        *source, *width;
    int help;
} map_args;

typedef enum var_kind { VAR_SHARE, VAR_LQ, VAR_MEASURE } var_kind;

typedef struct map_var {
    var_kind kind;
    char group[256];   /* share/lq group, or the measure's group */
    char measure[128]; /* measure name */
    ig_scale scale;    /* measure scale; radius 0 and k 0 when none */
    int has_scale;
} map_var;

static void print_help(FILE *fp)
{
    fputs("Map options:\n"
          "      --var VAR           what to map (required):\n"
          "                            share:GROUP   the group's share of each "
          "cell\n"
          "                            lq:GROUP      location quotient: that "
          "share over\n"
          "                                          the group's share of the "
          "place\n"
          "                            measure:NAME[:GROUP][@R|@kK]  a local "
          "measure\n"
          "                                          (integrid local --list) "
          "at radius\n"
          "                                          R metres or the K nearest "
          "residents\n"
          "      --classify M        quantile (default), equal, jenks (exact "
          "natural\n"
          "                          breaks) or fixed (with --breaks)\n"
          "      --classes N         number of classes, 2-20 (default: 5)\n"
          "      --breaks A,B,...    inner class breaks for --classify fixed "
          "(shares\n"
          "                          and lq as plain numbers, e.g. "
          "0.05,0.1,0.2)\n"
          "      --palette NAME      viridis (default), cividis, Blues, "
          "Greens,\n"
          "                          Purples, Reds, YlOrRd, YlGnBu, RdBu, "
          "RdYlBu,\n"
          "                          PuOr, BrBG, PiYG; add _r to reverse\n"
          "      --title TEXT        title (default: the variable and the "
          "place)\n"
          "      --source TEXT       data-source line (default: from the "
          "input)\n"
          "      --width PX          page width in pixels (PNG) or points "
          "(SVG, PDF),\n"
          "                          200-20000 (default: 1200)\n"
          "\n"
          "-o FILE is required; its extension (.png, .svg, .pdf) picks the "
          "format.\n"
          "Without --place the whole grid is drawn; --place without --places "
          "or --by\n"
          "looks the place up among the DEGURBA urban centres and clusters.\n"
          "\n",
          fp);
}

/* Take the map-only options out of argv (in place); returns the new argc,
 * or -1 after a usage error. */
static int extract(int argc, char **argv, map_args *a)
{
    static const char *const names[8] = {"var",     "classify", "classes",
                                         "breaks",  "palette",  "title",
                                         "source",  "width"};
    const char **dst[8] = {&a->var,     &a->classify, &a->classes,
                           &a->breaks,  &a->palette,  &a->title,
                           &a->source,  &a->width};
    int n = 1;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (strcmp(s, "--") == 0) {
            while (i < argc) argv[n++] = argv[i++];
            break;
        }
        if (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0) {
            a->help = 1;
            continue;
        }
        int hit = -1;
        const char *val = NULL;
        for (int k = 0; k < 8 && hit < 0 && strncmp(s, "--", 2) == 0; k++) {
            size_t len = strlen(names[k]);
            if (strncmp(s + 2, names[k], len) != 0) continue;
            if (s[2 + len] == '=') {
                hit = k;
                val = s + 3 + len;
            } else if (s[2 + len] == '\0') {
                hit = k;
                if (i + 1 >= argc) {
                    cli_usage_error("map", "option '--%s' needs a value",
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
        *dst[hit] = val;
    }
    argv[n] = NULL;
    return n;
}

static int parse_var(const char *s, map_var *v)
{
    memset(v, 0, sizeof *v);
    if (!s || !s[0]) {
        cli_usage_error("map", "--var is required: share:GROUP, lq:GROUP or "
                               "measure:NAME[:GROUP][@R]");
        return 0;
    }
    const char *rest;
    if (strncmp(s, "share:", 6) == 0) {
        v->kind = VAR_SHARE;
        rest = s + 6;
    } else if (strncmp(s, "lq:", 3) == 0) {
        v->kind = VAR_LQ;
        rest = s + 3;
    } else if (strncmp(s, "measure:", 8) == 0) {
        v->kind = VAR_MEASURE;
        rest = s + 8;
    } else {
        cli_usage_error("map",
                        "invalid value '%s' for --var: use share:GROUP, "
                        "lq:GROUP or measure:NAME[:GROUP][@R|@kK]",
                        s);
        return 0;
    }
    if (v->kind != VAR_MEASURE) {
        if (!rest[0] || strlen(rest) >= sizeof v->group) {
            cli_usage_error("map", "--var %s needs a group name, e.g. %sOTH",
                            v->kind == VAR_SHARE ? "share:" : "lq:",
                            v->kind == VAR_SHARE ? "share:" : "lq:");
            return 0;
        }
        snprintf(v->group, sizeof v->group, "%s", rest);
        return 1;
    }
    const char *at = strchr(rest, '@');
    size_t nl = at ? (size_t)(at - rest) : strlen(rest);
    const char *colon = memchr(rest, ':', nl);
    size_t namel = colon ? (size_t)(colon - rest) : nl;
    if (namel == 0 || namel >= sizeof v->measure) {
        cli_usage_error("map", "--var measure: needs a local measure name "
                               "(see 'integrid local --list')");
        return 0;
    }
    snprintf(v->measure, sizeof v->measure, "%.*s", (int)namel, rest);
    if (colon) {
        size_t gl = nl - namel - 1;
        if (gl == 0 || gl >= sizeof v->group) {
            cli_usage_error("map", "empty group in --var '%s'", s);
            return 0;
        }
        snprintf(v->group, sizeof v->group, "%.*s", (int)gl, colon + 1);
    }
    if (at) {
        const char *num = at + 1;
        int is_k = num[0] == 'k';
        if (is_k) num++;
        char *end = NULL;
        errno = 0;
        double x = strtod(num, &end);
        if (!num[0] || *end || errno || !(x > 0) || !isfinite(x) ||
            (is_k && x != floor(x))) {
            cli_usage_error("map",
                            "invalid scale '%s' in --var: use @R (radius in "
                            "metres, > 0) or @kK (K nearest residents, a "
                            "whole number)",
                            at);
            return 0;
        }
        v->has_scale = 1;
        if (is_k)
            v->scale.k = x;
        else
            v->scale.radius_m = x;
    }
    return 1;
}

static int parse_list(const char *s, double *out, size_t cap, size_t *n)
{
    *n = 0;
    const char *p = s;
    for (;;) {
        char *end = NULL;
        errno = 0;
        double x = strtod(p, &end);
        if (end == p || errno || !isfinite(x) || (*end && *end != ',') ||
            *n >= cap)
            return 0;
        out[(*n)++] = x;
        if (!*end) return 1;
        p = end + 1;
    }
}

static int parse_int(const char *s, long lo, long hi, long *out)
{
    char *end = NULL;
    errno = 0;
    long x = strtol(s, &end, 10);
    if (!s[0] || *end || errno || x < lo || x > hi) return 0;
    *out = x;
    return 1;
}

static void unknown_measure(const char *name)
{
    char known[1024] = "";
    size_t kl = 0;
    for (size_t i = 0; i < ig_local_count(); i++)
        cli_appendf(known, sizeof known, &kl, "%s%s", i ? ", " : "",
                    ig_local_get(i)->name);
    cli_usage_error("map", "unknown local measure '%s' in --var; known: %s",
                    name, known);
}

/* The date line: SOURCE_DATE_EPOCH when set (reproducible builds), else
 * today, in UTC. */
static void today(char *buf, size_t cap)
{
    time_t t = time(NULL);
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && sde[0]) {
        char *end = NULL;
        long long v = strtoll(sde, &end, 10);
        if (!*end) t = (time_t)v;
    }
    struct tm tmv;
    if (gmtime_r(&t, &tmv))
        strftime(buf, cap, "%Y-%m-%d", &tmv);
    else
        snprintf(buf, cap, "%s", "");
}

/* ---- places ------------------------------------------------------------- */

typedef struct map_places {
    ig_placeset *ps;
    ig_boundaries *b; /* --places FILE */
} map_places;

static int make_places(cli_env *env, ig_ctx *ctx, const cli_opts *o,
                       const ig_grid *grid, map_places *mp)
{
    if (o->places && strcmp(o->places, "degurba") != 0) {
        ig_boundaries_opts bo;
        memset(&bo, 0, sizeof bo);
        bo.name_prop = o->place_name;
        bo.id_prop = o->place_id;
        bo.src_crs = o->places_crs;
        bo.layer = o->places_layer;
        bo.target_epsg = ig_grid_crs_epsg(grid);
        ig_placeset_opts po = {0};
        if (o->land_area)
            po.land_area_var = o->land_area;
        else if (ig_grid_var_index(grid, "LAND_SURFACE") != (size_t)-1)
            po.land_area_var = "LAND_SURFACE";
        po.by_places = o->read.by_col != NULL;
        ig_error err = {0};
        cli_progress_phase(&env->progress, "reading boundaries", 0);
        ig_status st = ig_boundaries_read_path(ctx, o->places, &bo, &mp->b, &err);
        if (st == IG_OK)
            st = ig_placeset_boundaries(ctx, grid, mp->b,
                                        o->assign_area ? IG_ASSIGN_AREA
                                                       : IG_ASSIGN_CENTRE,
                                        &po, &mp->ps, &err);
        cli_progress_clear(&env->progress);
        if (st != IG_OK) {
            cli_report(env, st, &err, o->places);
            return 0;
        }
        return 1;
    }
    mp->ps = cli_placeset(env, ctx, o, grid);
    return mp->ps != NULL;
}

/* Find --place: urban centres first (a city's centre and its cluster share
 * the name), then every place. Returns the row or (size_t)-1 (reported). */
static size_t find_place(cli_env *env, const ig_placeset *ps, const char *q)
{
    size_t n = ig_placeset_count(ps);
    ig_bench_place *all = cli_xmalloc((n ? n : 1) * sizeof *all);
    ig_bench_place *cen = cli_xmalloc((n ? n : 1) * sizeof *cen);
    size_t *map = cli_xmalloc((n ? n : 1) * sizeof *map);
    size_t nc = 0;
    for (size_t i = 0; i < n; i++) {
        const ig_placeset_row *r = ig_placeset_get(ps, i);
        memset(&all[i], 0, sizeof all[i]);
        all[i].id = r->id;
        all[i].name = r->name;
        all[i].cls = r->cls;
        all[i].country = r->country;
        all[i].population = r->population;
        all[i].foreign_share = NAN;
        all[i].eu_share = NAN;
        all[i].density_km2 = NAN;
        all[i].movers_share = NAN;
        if (r->cls && strcmp(r->cls, "urban_centre") == 0 && !r->aggregate) {
            map[nc] = i;
            cen[nc++] = all[i];
        }
    }
    size_t row = (size_t)-1, r = 0;
    ig_error err = {0};
    if (nc && ig_bench_find(cen, nc, q, &r, NULL) == IG_OK)
        row = map[r];
    else if (ig_bench_find(all, n, q, &r, &err) == IG_OK)
        row = r;
    else
        cli_error(env, "--place: %s", err.msg[0] ? err.msg : "not found");
    free(all);
    free(cen);
    free(map);
    return row;
}

/* ---- the command -------------------------------------------------------- */

static const ig_local_class GI_ORDER[7] = {
    IG_LCLASS_HOT_99,  IG_LCLASS_HOT_95,  IG_LCLASS_HOT_90, IG_LCLASS_NS,
    IG_LCLASS_COLD_90, IG_LCLASS_COLD_95, IG_LCLASS_COLD_99};
static const ig_local_class LISA_ORDER[5] = {
    IG_LCLASS_HH, IG_LCLASS_HL, IG_LCLASS_LH, IG_LCLASS_LL, IG_LCLASS_NS};

static int check_args(const map_args *a, const map_var *v,
                      ig_classify_method *method, long *classes,
                      double *breaks, size_t *n_breaks, long *width)
{
    *method = IG_CLASSIFY_QUANTILE;
    if (a->classify && ig_classify_parse(a->classify, method) != IG_OK) {
        cli_usage_error("map",
                        "invalid value '%s' for --classify: use quantile, "
                        "equal, jenks or fixed",
                        a->classify);
        return 0;
    }
    *classes = 5;
    if (a->classes && !parse_int(a->classes, 2, IG_CLASSES_MAX, classes)) {
        cli_usage_error("map",
                        "invalid value '%s' for --classes: use a whole "
                        "number from 2 to %d",
                        a->classes, IG_CLASSES_MAX);
        return 0;
    }
    *n_breaks = 0;
    if (a->breaks) {
        if (!parse_list(a->breaks, breaks, IG_CLASSES_MAX - 1, n_breaks)) {
            cli_usage_error("map",
                            "invalid value '%s' for --breaks: use up to %d "
                            "numbers separated by commas, e.g. 0.05,0.1,0.2",
                            a->breaks, IG_CLASSES_MAX - 1);
            return 0;
        }
        for (size_t i = 1; i < *n_breaks; i++)
            if (!(breaks[i] > breaks[i - 1])) {
                cli_usage_error("map",
                                "--breaks must be strictly ascending ('%s')",
                                a->breaks);
                return 0;
            }
        if (!a->classify) *method = IG_CLASSIFY_FIXED;
    }
    if (*method == IG_CLASSIFY_FIXED && !a->breaks) {
        cli_usage_error("map", "--classify fixed needs --breaks A,B,...");
        return 0;
    }
    if (*method != IG_CLASSIFY_FIXED && a->breaks) {
        cli_usage_error("map", "--breaks goes with --classify fixed, not "
                               "--classify %s",
                        a->classify);
        return 0;
    }
    if (a->palette && !ig_palette_find(a->palette)) {
        ig_error err = {0};
        ig_rgb c[1];
        ig_palette_colours(a->palette, 1, c, &err);
        cli_usage_error("map", "%s", err.msg);
        return 0;
    }
    if (a->palette) {
        const ig_palette_info *pi = ig_palette_find(a->palette);
        size_t want = *method == IG_CLASSIFY_FIXED ? *n_breaks + 1
                                                   : (size_t)*classes;
        if (want > pi->max_classes) {
            cli_usage_error("map",
                            "palette %s has %zu classes at most; %zu were "
                            "asked for: ask for fewer (--classes) or use "
                            "viridis or cividis",
                            pi->name, pi->max_classes, want);
            return 0;
        }
    }
    *width = 1200;
    if (a->width && !parse_int(a->width, 200, 20000, width)) {
        cli_usage_error("map",
                        "invalid value '%s' for --width: use a whole number "
                        "from 200 to 20000",
                        a->width);
        return 0;
    }
    if (v->kind == VAR_MEASURE) {
        const ig_local_info *info = ig_local_find(v->measure);
        if (!info) {
            unknown_measure(v->measure);
            return 0;
        }
        if ((info->flags & IG_LOCAL_SCALE) && !v->has_scale) {
            cli_usage_error("map",
                            "%s needs a neighbourhood: write "
                            "measure:%s@R (radius in metres) or @kK",
                            info->name, info->name);
            return 0;
        }
        if ((info->flags & IG_LOCAL_KERNEL_ONLY) && v->scale.k > 0) {
            cli_usage_error("map",
                            "%s needs a kernel radius: write @R (metres) "
                            "instead of @k",
                            info->name);
            return 0;
        }
    }
    return 1;
}

/* Per-group measures need a group; multigroup ones take none. */
static int check_measure_group(const map_var *v)
{
    if (v->kind != VAR_MEASURE) return 1;
    const ig_local_info *info = ig_local_find(v->measure);
    if ((info->flags & IG_LOCAL_PER_GROUP) && !v->group[0]) {
        cli_usage_error("map",
                        "%s gives one value per group: name the group, e.g. "
                        "--var measure:%s:OTH%s",
                        info->name, info->name,
                        (info->flags & IG_LOCAL_SCALE) ? "@1000" : "");
        return 0;
    }
    if (!(info->flags & (IG_LOCAL_PER_GROUP | IG_LOCAL_GROUPS_OPTIONAL)) &&
        v->group[0]) {
        cli_usage_error("map",
                        "%s is one value for all groups together: drop "
                        "':%s' from --var",
                        info->name, v->group);
        return 0;
    }
    return 1;
}

/* The full help of `integrid map` (also for `integrid help map`): the
 * shared help, with the map options after its first paragraph. */
void cli_map_print_help(FILE *fp)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem) {
        cli_print_cmd_help(CLI_CMD_map, fp);
        print_help(fp);
        return;
    }
    cli_print_cmd_help(CLI_CMD_map, mem);
    fclose(mem);
    const char *cut = strstr(buf, ".\n\n");
    if (cut) {
        fwrite(buf, 1, (size_t)(cut - buf) + 3, fp);
        print_help(fp);
        fputs(cut + 3, fp);
    } else {
        fputs(buf, fp);
        print_help(fp);
    }
    free(buf);
}

static int cmp_pop_desc(const void *a, const void *b)
{
    const ig_placeset_row *x = *(const ig_placeset_row *const *)a;
    const ig_placeset_row *y = *(const ig_placeset_row *const *)b;
    if (x->population != y->population)
        return x->population > y->population ? -1 : 1;
    return strcmp(x->id, y->id);
}

static void default_source(const ig_grid *grid, const char *input, char *buf,
                           size_t cap)
{
    const ig_grid_stats *gs = ig_grid_get_stats(grid);
    int census = gs && strcmp(gs->format, "eurostat") == 0 &&
                 ig_grid_group_index(grid, "EU_OTH") != (size_t)-1;
    if (census) {
        snprintf(buf, cap, "%s",
                 "\xc2\xa9 European Union/Eurostat, Census 2021 grid");
        return;
    }
    const char *base = input ? strrchr(input, '/') : NULL;
    base = base ? base + 1 : input;
    snprintf(buf, cap, "%s", base && strcmp(base, "-") != 0 ? base
                                                            : "standard input");
}

int cli_cmd_map(int argc, char **argv)
{
    map_args a;
    memset(&a, 0, sizeof a);
    argc = extract(argc, argv, &a);
    if (argc < 0) return CLI_EXIT_USAGE;
    if (a.help) {
        cli_map_print_help(stdout);
        return fflush(stdout) == 0 && !ferror(stdout) ? CLI_EXIT_OK
                                                      : CLI_EXIT_ERROR;
    }
    cli_opts o;
    int code;
    if (!cli_opts_parse(CLI_CMD_map, argc, argv, &o, &code)) return code;
    map_var v;
    ig_classify_method method;
    long classes = 5, width = 1200;
    double breaks[IG_CLASSES_MAX];
    size_t n_breaks = 0;
    if (!parse_var(a.var, &v) ||
        !check_args(&a, &v, &method, &classes, breaks, &n_breaks, &width) ||
        !check_measure_group(&v)) {
        cli_opts_free(&o);
        return CLI_EXIT_USAGE;
    }
    ig_map_format fmt;
    if (!o.output || strcmp(o.output, "-") == 0) {
        cli_usage_error("map", "-o FILE is required: a name ending in .png, "
                               ".svg or .pdf");
        cli_opts_free(&o);
        return CLI_EXIT_USAGE;
    }
    if (ig_map_format_of(o.output, &fmt) != IG_OK) {
        cli_usage_error("map",
                        "cannot tell the map format from '%s': use a name "
                        "ending in .png, .svg or .pdf",
                        o.output);
        cli_opts_free(&o);
        return CLI_EXIT_USAGE;
    }

    cli_env env;
    cli_env_init(&env, "map", &o);
    int rc = CLI_EXIT_ERROR;
    ig_ctx *ctx = NULL;
    ig_grid *grid = NULL;
    map_places mp = {NULL, NULL};
    ig_local_result *lr = NULL;
    double *values = NULL;
    uint8_t *cat = NULL;
    int32_t *rows = NULL, *cols = NULL;
    uint32_t *oid = NULL;
    ig_map_label *labels = NULL;
    const ig_placeset_row **order = NULL;
    size_t n_labels = 0;

    /* an unwritable -o fails before the work */
    cli_out probe;
    if (!cli_out_open(&env, &probe, o.output)) goto done;
    cli_out_abort(&probe);

    if (o.place && !o.places && !o.read.by_col) o.places = "degurba";
    ctx = cli_make_ctx(&env, &o);
    if (!ctx) goto done;
    grid = cli_read_grid(&env, ctx, &o);
    if (!grid) goto done;
    if (ig_grid_cell_size_m(grid) <= 0) {
        cli_error(&env, "a map needs grid cells with coordinates; this grid "
                        "has aspatial units (long format): read a file with "
                        "cell codes or x/y columns");
        goto done;
    }
    size_t g = (size_t)-1;
    if (v.group[0]) {
        g = ig_grid_group_index(grid, v.group);
        if (g == (size_t)-1) {
            char have[512] = "";
            size_t hl = 0;
            for (size_t q = 0; q < ig_grid_ngroups(grid); q++)
                cli_appendf(have, sizeof have, &hl, "%s%s", q ? ", " : "",
                            ig_grid_group_name(grid, q));
            cli_error(&env, "no group '%s' in the input (--var %s); its "
                            "groups are: %s",
                      v.group, a.var, have);
            goto done;
        }
    }

    /* the cells to draw: a place, or the whole grid */
    const ig_grid *dg = grid;
    size_t first = 0, count = ig_grid_ncells(grid), prow = (size_t)-1;
    const ig_placeset_row *prow_info = NULL;
    if (o.places || o.read.by_col) {
        if (!make_places(&env, ctx, &o, grid, &mp)) goto done;
    }
    if (o.place) {
        prow = find_place(&env, mp.ps, o.place);
        if (prow == (size_t)-1) goto done;
        dg = ig_placeset_grid(mp.ps);
        prow_info = ig_placeset_get(mp.ps, prow);
        if (ig_grid_place_range(dg, prow, &first, &count) != IG_OK ||
            count == 0 || !(prow_info->population > 0)) {
            cli_error(&env,
                      "place '%s' (id %s) has no populated cells: there is "
                      "nothing to map",
                      prow_info->name[0] ? prow_info->name : prow_info->id,
                      prow_info->id);
            goto done;
        }
    }
    const char *pname = prow_info ? (prow_info->name[0] ? prow_info->name
                                                        : prow_info->id)
                                  : NULL;

    /* values per cell; idx[j] is the cell of value j in dg */
    size_t n = count;
    values = cli_xmalloc((n ? n : 1) * sizeof *values);
    rows = cli_xmalloc((n ? n : 1) * sizeof *rows);
    cols = cli_xmalloc((n ? n : 1) * sizeof *cols);
    const int32_t *grow = ig_grid_rows(dg), *gcol = ig_grid_cols(dg);
    for (size_t j = 0; j < n; j++) {
        rows[j] = grow[first + j];
        cols[j] = gcol[first + j];
    }
    char title[512], legend_title[256], note[512] = "";
    const ig_local_info *info = NULL;
    ig_map_category cats[8];
    size_t n_cats = 0;
    if (v.kind == VAR_SHARE || v.kind == VAR_LQ) {
        const double *cnt = ig_grid_counts(dg, g);
        const double *tot = ig_grid_totals(dg);
        const uint8_t *na = ig_grid_na(dg, g);
        double sc = 0, ss = 0, tc = 0, ts = 0; /* Neumaier sums */
        for (size_t j = 0; j < n; j++) {
            size_t i = first + j;
            int ok = tot[i] > 0 && !(na && na[i]);
            values[j] = ok ? cnt[i] / tot[i] : (double)NAN;
            if (!ok) continue;
            double terms[2] = {cnt[i], tot[i]};
            double *s[2] = {&sc, &tc}, *c[2] = {&ss, &ts};
            for (int q = 0; q < 2; q++) {
                double t = *s[q] + terms[q];
                if (fabs(*s[q]) >= fabs(terms[q]))
                    *c[q] += (*s[q] - t) + terms[q];
                else
                    *c[q] += (terms[q] - t) + *s[q];
                *s[q] = t;
            }
        }
        double place_share = (tc + ts) > 0 ? (sc + ss) / (tc + ts) : (double)NAN;
        if (v.kind == VAR_LQ) {
            for (size_t j = 0; j < n; j++)
                values[j] = place_share > 0 ? values[j] / place_share : (double)NAN;
            if (!(place_share > 0))
                snprintf(note, sizeof note,
                         "Nobody of group %s lives here: the location "
                         "quotient is undefined",
                         v.group);
            snprintf(title, sizeof title, "Location quotient of %s", v.group);
            snprintf(legend_title, sizeof legend_title,
                     "Share / share of the %s", pname ? "place" : "area");
        } else {
            snprintf(title, sizeof title, "Share of %s", v.group);
            snprintf(legend_title, sizeof legend_title, "%.200s share of cell",
                     v.group);
        }
    } else {
        info = ig_local_find(v.measure);
        ig_local_opts lo;
        ig_local_opts_init(&lo);
        lo.measure = info->name;
        lo.place = o.place ? prow : IG_LOCAL_ALL;
        lo.scale = v.scale;
        lo.scale.kernel = o.params.scale.kernel;
        lo.edge = o.params.edge;
        lo.context = dg != grid ? grid : NULL;
        lo.groups = v.group[0] ? &g : NULL;
        lo.n_groups = v.group[0] ? 1 : 0;
        lo.na_as_zero = o.read.na_as_zero;
        lo.seed = o.params.seed;
        if (o.permutations > 0) lo.permutations = o.permutations;
        if (o.fdr > 0) lo.fdr = o.fdr;
        lo.centre_given = o.params.centre_given;
        lo.centre_x_m = o.params.centre_x_m;
        lo.centre_y_m = o.params.centre_y_m;
        lo.progress = cli_progress_cb;
        lo.progress_ud = &env.progress;
        ig_error err = {0};
        cli_progress_phase(&env.progress, "computing", 0);
        ig_status st = ig_local_run(ctx, dg, &lo, &lr, &err);
        cli_progress_clear(&env.progress);
        if (st != IG_OK) {
            cli_report(&env, st, &err, NULL);
            goto done;
        }
        const ig_local_layer *ly = ig_local_result_layer(lr, 0);
        const size_t *rc_cells = ig_local_result_cells(lr);
        n = ig_local_result_ncells(lr);
        if (n > count) n = count;
        for (size_t j = 0; j < n; j++) {
            rows[j] = grow[rc_cells[j]];
            cols[j] = gcol[rc_cells[j]];
            values[j] = ly->value[j];
        }
        if (ly->status != IG_OK)
            snprintf(note, sizeof note, "%s is undefined here: %s",
                     info->name,
                     ly->message ? ly->message : ig_strerror(ly->status));
        char scale[64] = "";
        if (v.scale.k > 0)
            snprintf(scale, sizeof scale, ", %g nearest residents",
                     v.scale.k);
        else if (v.scale.radius_m > 0)
            snprintf(scale, sizeof scale, ", %s %g m",
                     ig_kernel_name(lo.scale.kernel), v.scale.radius_m);
        snprintf(title, sizeof title, "%s%s%s%s", info->name,
                 v.group[0] ? " of " : "", v.group, scale);
        snprintf(legend_title, sizeof legend_title, "%s", info->name);
        if (ly->cls && (strcmp(info->name, "local_gi_star") == 0 ||
                        strcmp(info->name, "local_moran") == 0)) {
            int gi = strcmp(info->name, "local_gi_star") == 0;
            const ig_local_class *ord = gi ? GI_ORDER : LISA_ORDER;
            n_cats = gi ? 7 : 5;
            for (size_t c = 0; c < n_cats; c++) {
                cats[c].label = ig_palette_class_label(ord[c]);
                cats[c].colour = ig_palette_class_colour(ord[c]);
            }
            cat = cli_xmalloc((n ? n : 1) * sizeof *cat);
            for (size_t j = 0; j < n; j++) {
                cat[j] = IG_MAP_NO_CATEGORY;
                for (size_t c = 0; c < n_cats; c++)
                    if (ly->cls[j] == (uint8_t)ord[c]) cat[j] = (uint8_t)c;
            }
            if (gi)
                snprintf(legend_title, sizeof legend_title,
                         "Hot spots (Gi*, FDR %g %%)", lo.fdr * 100);
            else
                snprintf(legend_title, sizeof legend_title,
                         "Local Moran's I (p \xe2\x89\xa4 %g)", lo.alpha);
        }
    }
    if (pname) {
        size_t tl = strlen(title);
        cli_appendf(title, sizeof title, &tl, " \xe2\x80\x94 %s", pname);
    }

    /* outlines and labels */
    ig_map_spec sp;
    ig_map_spec_init(&sp);
    if (mp.b) {
        sp.boundaries = mp.b;
        sp.boundary_place = o.place ? prow : IG_MAP_ALL_PLACES;
    } else if (o.place) {
        oid = cli_xmalloc((n ? n : 1) * sizeof *oid);
        for (size_t j = 0; j < n; j++) oid[j] = 1;
    } else if (mp.ps) {
        const uint32_t *cp = ig_placeset_cell_places(mp.ps);
        oid = cli_xmalloc((n ? n : 1) * sizeof *oid);
        if (cp) {
            for (size_t j = 0; j < n; j++) oid[j] = cp[first + j];
        } else {
            for (size_t p = 0; p < ig_grid_nplaces(grid); p++) {
                size_t pf = 0, pc = 0;
                ig_grid_place_range(grid, p, &pf, &pc);
                for (size_t i = pf; i < pf + pc && i < n; i++)
                    oid[i] = (uint32_t)(p + 1);
            }
        }
    }
    if (mp.ps && !o.place) {
        size_t np = ig_placeset_count(mp.ps);
        order = cli_xmalloc((np ? np : 1) * sizeof *order);
        size_t k = 0;
        for (size_t i = 0; i < np; i++) {
            const ig_placeset_row *r = ig_placeset_get(mp.ps, i);
            if (!r->aggregate && r->population > 0 && r->name[0] &&
                isfinite(r->x) && isfinite(r->y))
                order[k++] = r;
        }
        qsort(order, k, sizeof *order, cmp_pop_desc);
        /* the 12 most populous names, each once (a city's urban centre
         * and its cluster share a name) */
        labels = cli_xmalloc(12 * sizeof *labels);
        for (size_t i = 0; i < k && n_labels < 12; i++) {
            int seen = 0;
            for (size_t q = 0; q < n_labels && !seen; q++)
                seen = strcmp(labels[q].text, order[i]->name) == 0;
            if (seen) continue;
            labels[n_labels].x_m = order[i]->x;
            labels[n_labels].y_m = order[i]->y;
            labels[n_labels].text = order[i]->name;
            n_labels++;
        }
    }

    char source[512], date[32];
    if (a.source)
        snprintf(source, sizeof source, "%s", a.source);
    else
        default_source(grid, o.input, source, sizeof source);
    today(date, sizeof date);

    sp.n_cells = n;
    sp.rows = rows;
    sp.cols = cols;
    sp.cell_size_m = ig_grid_cell_size_m(grid);
    sp.epsg = ig_grid_crs_epsg(grid);
    sp.values = values;
    sp.category = cat;
    sp.categories = cats;
    sp.n_categories = n_cats;
    sp.method = method;
    sp.n_classes = (size_t)classes;
    sp.breaks = breaks;
    sp.n_breaks = n_breaks;
    sp.palette = a.palette;
    sp.percent = v.kind == VAR_SHARE;
    sp.outline_id = oid;
    sp.labels = labels;
    sp.n_labels = n_labels;
    sp.title = a.title ? a.title : title;
    sp.legend_title = legend_title;
    sp.note = note[0] ? note : NULL;
    sp.source = source;
    sp.date = date;
    sp.width_px = (int)width;

    ig_map_result res;
    ig_error err = {0};
    cli_progress_phase(&env.progress, "drawing", 0);
    ig_status st = ig_map_render(ctx, &sp, o.output, &res, &err);
    cli_progress_clear(&env.progress);
    if (st != IG_OK) {
        cli_report(&env, st, &err, o.output);
        goto done;
    }
    if (res.state != IG_MAP_DRAWN)
        cli_warn(&env, "%s; the map says so (%s)",
                 note[0] ? note : res.message, o.output);
    else if (!cat && res.classes.n_classes <
                         (method == IG_CLASSIFY_FIXED ? n_breaks + 1
                                                      : (size_t)classes))
        cli_warn(&env,
                 "%zu classes instead of %zu: %s",
                 res.classes.n_classes,
                 method == IG_CLASSIFY_FIXED ? n_breaks + 1 : (size_t)classes,
                 method == IG_CLASSIFY_QUANTILE
                     ? "quantile breaks fell on tied values (try --classify "
                       "jenks)"
                 : method == IG_CLASSIFY_FIXED
                     ? "no value lies above the last break"
                     : "there are fewer distinct values than classes");
    if (res.state == IG_MAP_DRAWN && res.cells_no_value)
        cli_warn(&env, "%zu of %zu cells have no value and are drawn grey",
                 res.cells_no_value, res.cells_drawn);
    rc = CLI_EXIT_OK;
done:
    ig_local_result_destroy(lr);
    free(values);
    free(cat);
    free(rows);
    free(cols);
    free(oid);
    free(labels);
    free(order);
    ig_placeset_destroy(mp.ps);
    ig_boundaries_destroy(mp.b);
    ig_grid_destroy(grid);
    ig_ctx_destroy(ctx);
    cli_env_free(&env);
    cli_opts_free(&o);
    ig_render_cleanup(); /* the process ends: no leak reports for fonts */
    return rc;
}
