/* `integrid report FILE --place ID|NAME [--policy ANSWERS] -o report.html
 * |report.pdf`: the local integration profile of one place
 * (ig_report_write, docs/report.md).
 *
 * The report-only options (--policy, --framework, --radii, --title,
 * --source, --help) are taken out of argv here, as cmd_map.c does; the
 * rest (read, place, measure, inference options, -o) goes through the
 * shared parser. The output path is tried before the input is read, so
 * an unwritable -o fails fast. Places: --places degurba|FILE, --by COL,
 * else the Degree of Urbanisation; the place is found like `integrid
 * benchmark` finds it (urban centres first, closest names suggested). A
 * --policy file is read, checked against its framework, given the
 * outcome indicators computed from the grid, and scored. The command
 * line that reproduces the report goes into its last section. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "integrid/ig_report.h"

typedef struct report_args {
    const char *policy, *framework, *radii, *title, *source, *previous;
    int help, profile_ci;
} report_args;



void cli_report_print_help(FILE *fp)
{
    fprintf(fp, "usage: integrid report %s\n\n%s.\n\n",
            cli_cmd_usage(CLI_CMD_report), cli_cmd_summary(CLI_CMD_report));
    fputs("Report options:\n"
          "      --policy FILE       policy answers (JSON or the template's "
          "CSV) to score\n"
          "                          and show in section 6\n"
          "      --framework ID|FILE the framework of the answers (default: "
          "the one they name)\n"
          "      --radii R1,R2,...   radii of the scale profile in metres "
          "(default: 1, 2, 4\n"
          "                          and 8 cell sizes)\n"
          "      --title TEXT        the report's title\n"
          "      --source TEXT       data-source line (default: from the "
          "input)\n"
          "      --previous FILE     an earlier census grid of the same area "
          "(same cells,\n"
          "                          groups and read options): adds the "
          "change to section 1\n"
          "      --profile-ci        bootstrap bands in the profile chart "
          "too (slower)\n"
          "\n",
          fp);
    cli_print_cmd_help(CLI_CMD_report, fp);
    fputs("\nThe output format follows the name of -o: .html (one "
          "self-contained page:\ninline CSS and SVG, no scripts, no requests) "
          "or .pdf (A4 pages). Without\n--places or --by, places are the "
          "Degree of Urbanisation's. Inference: --ci\nis on, with --reps 199 "
          "unless given. See docs/report.md.\n",
          fp);
}

static int extract(int argc, char **argv, report_args *a)
{
    static const char *const names[6] = {"policy", "framework", "radii",
                                         "title", "source", "previous"};
    const char **dst[6] = {&a->policy, &a->framework, &a->radii, &a->title,
                           &a->source, &a->previous};
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
        if (strcmp(s, "--profile-ci") == 0) {
            a->profile_ci = 1;
            continue;
        }
        int hit = -1;
        const char *val = NULL;
        for (int k = 0; k < 6 && hit < 0 && strncmp(s, "--", 2) == 0; k++) {
            size_t len = strlen(names[k]);
            if (strncmp(s + 2, names[k], len) != 0) continue;
            if (s[2 + len] == '=') {
                hit = k;
                val = s + 3 + len;
            } else if (s[2 + len] == '\0') {
                hit = k;
                if (i + 1 >= argc) {
                    cli_usage_error("report", "option '--%s' needs a value",
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

static int parse_radii(const char *s, double *out, size_t *n)
{
    *n = 0;
    if (!s) return 1;
    const char *p = s;
    while (*p) {
        char *end = NULL;
        double v = strtod(p, &end);
        if (end == p || !(v > 0) || !isfinite(v) ||
            *n >= IG_REPORT_MAX_RADII ||
            (*n && v <= out[*n - 1])) {
            cli_usage_error("report",
                            "invalid --radii '%s': give up to %d ascending "
                            "radii in metres, e.g. 1000,2000,4000",
                            s, IG_REPORT_MAX_RADII);
            return 0;
        }
        out[(*n)++] = v;
        p = end;
        if (*p == ',') p++;
        else if (*p) {
            cli_usage_error("report", "invalid --radii '%s': separate the "
                                      "radii with commas",
                            s);
            return 0;
        }
    }
    return 1;
}

/* The date line: SOURCE_DATE_EPOCH when set, else today (UTC). */
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

/* The command line, each argument quoted for a POSIX shell when needed. */
static char *command_line(int argc, char **argv)
{
    size_t cap = 32;
    for (int i = 0; i < argc; i++) cap += 4 * strlen(argv[i]) + 3;
    char *s = cli_xmalloc(cap);
    size_t len = 0;
    cli_appendf(s, cap, &len, "integrid");
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int plain = a[0] != '\0';
        for (const char *p = a; *p && plain; p++)
            plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                           "0123456789-_./=,:@+%", *p) != NULL;
        if (plain) {
            cli_appendf(s, cap, &len, " %s", a);
            continue;
        }
        cli_appendf(s, cap, &len, " '");
        for (const char *p = a; *p; p++) {
            if (*p == '\'') cli_appendf(s, cap, &len, "'\\''");
            else cli_appendf(s, cap, &len, "%c", *p);
        }
        cli_appendf(s, cap, &len, "'");
    }
    return s;
}

/* A framework: a built-in id, else a file. NULL after reporting. */
static ig_policy_framework *load_framework(cli_env *env, ig_ctx *ctx,
                                           const char *spec)
{
    ig_policy_framework *fw = NULL;
    ig_error err = {0};
    ig_status st = ig_policy_framework_builtin(ctx, spec, &fw, &err);
    if (st == IG_ERR_NOT_FOUND && (strchr(spec, '/') || strchr(spec, '.'))) {
        ig_error e2 = {0};
        st = ig_policy_framework_read(ctx, spec, &fw, &e2);
        err = e2;
    }
    if (st != IG_OK) {
        cli_report(env, st, &err, NULL);
        return NULL;
    }
    return fw;
}

/* Read, check, complete with the grid's outcomes and score the answers.
 * 0 after reporting. */
static int load_policy(cli_env *env, ig_ctx *ctx, const report_args *a,
                       const cli_opts *o, const ig_grid *grid,
                       const ig_placeset *ps, size_t row,
                       ig_policy_assessment **as, ig_policy_framework **fw,
                       ig_policy_scores **sc)
{
    ig_error err = {0};
    ig_status st = ig_policy_assessment_read(ctx, a->policy, as, &err);
    if (st != IG_OK) {
        cli_report(env, st, &err, a->policy);
        return 0;
    }
    ig_policy_assessment_info ai;
    ig_policy_assessment_get_info(*as, &ai);
    const char *fws = a->framework ? a->framework : ai.framework;
    if (!fws || !fws[0]) {
        cli_error(env, "%s: the answers name no framework; give --framework "
                       "ID|FILE",
                  a->policy);
        return 0;
    }
    *fw = load_framework(env, ctx, fws);
    if (!*fw) return 0;
    memset(&err, 0, sizeof err);
    st = ig_policy_assessment_check(*fw, *as, &err);
    if (st != IG_OK) {
        cli_report(env, st, &err, a->policy);
        return 0;
    }
    ig_policy_grid_opts go;
    memset(&go, 0, sizeof go);
    go.native_group = o->native;
    memset(&err, 0, sizeof err);
    st = ig_policy_grid_outcomes(ctx, *fw, grid, ps, row, &go, *as, &err);
    if (st != IG_OK)
        cli_warn(env, "the outcome indicators are not computed from the "
                      "grid: %s",
                 err.msg[0] ? err.msg : ig_strerror(st));
    memset(&err, 0, sizeof err);
    st = ig_policy_score(ctx, *fw, *as, NULL, sc, &err);
    if (st != IG_OK) {
        cli_report(env, st, &err, a->policy);
        return 0;
    }
    return 1;
}

int cli_cmd_report(int argc, char **argv)
{
    char *cmdline = command_line(argc, argv);
    report_args a;
    memset(&a, 0, sizeof a);
    argc = extract(argc, argv, &a);
    if (argc < 0) {
        free(cmdline);
        return CLI_EXIT_USAGE;
    }
    if (a.help) {
        free(cmdline);
        cli_report_print_help(stdout);
        return fflush(stdout) == 0 && !ferror(stdout) ? CLI_EXIT_OK
                                                      : CLI_EXIT_ERROR;
    }
    double radii[IG_REPORT_MAX_RADII];
    size_t n_radii = 0;
    if (!parse_radii(a.radii, radii, &n_radii)) {
        free(cmdline);
        return CLI_EXIT_USAGE;
    }
    cli_opts o;
    int code;
    if (!cli_opts_parse(CLI_CMD_report, argc, argv, &o, &code)) {
        free(cmdline);
        return code;
    }
    ig_report_format fmt;
    if (!o.output || strcmp(o.output, "-") == 0) {
        cli_usage_error("report", "-o FILE is required: a name ending in "
                                  ".html or .pdf");
        goto usage;
    }
    if (ig_report_format_of(o.output, &fmt) != IG_OK) {
        cli_usage_error("report",
                        "cannot tell the report format from '%s': use a name "
                        "ending in .html or .pdf",
                        o.output);
        goto usage;
    }
    if (!o.place) {
        cli_usage_error("report", "--place ID|NAME is required");
        goto usage;
    }
    ig_infer_opts io;
    if (!cli_infer_opts(&o, &io)) goto usage;

    cli_env env;
    cli_env_init(&env, "report", &o);
    int rc = CLI_EXIT_ERROR;
    ig_ctx *ctx = NULL;
    ig_grid *grid = NULL, *prev = NULL;
    ig_placeset *ps = NULL;
    ig_policy_assessment *as = NULL;
    ig_policy_framework *fw = NULL;
    ig_policy_scores *sc = NULL;

    /* an unwritable -o fails before the work */
    cli_out probe;
    if (!cli_out_open(&env, &probe, o.output)) goto done;
    cli_out_abort(&probe);

    if (!o.places && !o.read.by_col) o.places = "degurba";
    ctx = cli_make_ctx(&env, &o);
    if (!ctx) goto done;
    grid = cli_read_grid(&env, ctx, &o);
    if (!grid) goto done;
    if (ig_grid_cell_size_m(grid) <= 0) {
        cli_error(&env, "a report needs grid cells with coordinates; this "
                        "grid has aspatial units (long format)");
        goto done;
    }
    if (a.previous) {
        /* the same read options; the change needs the same cells */
        prev = cli_read_grid_at(&env, ctx, &o, a.previous);
        if (!prev) goto done;
    }
    ps = cli_placeset(&env, ctx, &o, grid);
    if (!ps) goto done;
    size_t row = cli_find_place(&env, ps, o.place, 1, 1);
    if (row == (size_t)-1) goto done;
    if (a.policy &&
        !load_policy(&env, ctx, &a, &o, grid, ps, row, &as, &fw, &sc))
        goto done;

    char date[32];
    today(date, sizeof date);
    ig_report_spec sp;
    ig_report_spec_init(&sp);
    sp.grid = grid;
    sp.places = ps;
    sp.place = row;
    sp.native_group = o.native;
    sp.eu_group = o.eu_group;
    sp.movers_var = o.movers;
    sp.area_var = o.area ? o.area : o.land_area;
    sp.measures = o.only;
    sp.n_measures = o.n_only;
    sp.params = o.params;
    if (o.n_radii > 0) {
        sp.params.scale.radius_m = o.radii[0];
        sp.params.scale.k = 0;
    }
    sp.na_as_zero = o.read.na_as_zero;
    sp.infer = io;
    sp.infer.ci = 1;
    if (!o.reps_set) sp.infer.reps = 199;
    sp.radii = n_radii ? radii : NULL;
    sp.n_radii = n_radii;
    if (o.peers_set) sp.peers = (size_t)o.peers;
    sp.policy_framework = fw;
    sp.policy_scores = sc;
    sp.policy_file = a.policy;
    sp.title = a.title;
    sp.source = a.source;
    sp.date = date;
    sp.command = cmdline;
    sp.input = o.input ? o.input : "-";
    sp.progress = cli_progress_cb;
    sp.progress_ud = &env.progress;
    sp.previous = prev;
    sp.previous_file = a.previous;
    sp.profile_ci = a.profile_ci;

    ig_report_result res;
    ig_error err = {0};
    cli_progress_phase(&env.progress, "computing", 0);
    ig_status st = ig_report_write(ctx, &sp, o.output, &res, &err);
    cli_progress_clear(&env.progress);
    if (st != IG_OK) {
        cli_report(&env, st, &err, NULL);
        goto done;
    }
    if (prev && !res.change)
        cli_warn(&env, "the change since %s is not shown in full; section 1 "
                       "of the report says why",
                 a.previous);
    rc = CLI_EXIT_OK;
done:
    ig_policy_scores_destroy(sc);
    ig_policy_framework_destroy(fw);
    ig_policy_assessment_destroy(as);
    ig_placeset_destroy(ps);
    ig_grid_destroy(grid);
    ig_grid_destroy(prev);
    ig_ctx_destroy(ctx);
    cli_env_free(&env);
    cli_opts_free(&o);
    free(cmdline);
    ig_render_cleanup();
    return rc;
usage:
    cli_opts_free(&o);
    free(cmdline);
    return CLI_EXIT_USAGE;
}
