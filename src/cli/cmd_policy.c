/* `integrid policy`: local integration policy frameworks and assessments
 * (ig_policy.h, issue #7). Sub-subcommands:
 *   frameworks                 list the built-in frameworks
 *   validate FILE              check a framework file (file:line:column)
 *   template --framework ID -o answers.json   fill-in JSON + CSV
 *   score ANSWERS              score sheet: overall, blocks, areas,
 *                              indicators, recommendations
 *   compare ANSWERS...         rank and percentile per area, peers
 * The options are few and command-specific, so they are parsed here
 * rather than in the shared table (opts.c). Outputs go through
 * cli_out_open/commit, so -o files are written atomically. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "integrid/ig_policy.h"

typedef struct pol_args {
    const char *sub;
    const char **files;
    int n_files;
    const char *framework; /* --framework ID|FILE */
    const char *output;    /* -o */
    const char *csv;       /* template --csv FILE */
    const char *grid;      /* score --grid FILE */
    const char *place;     /* score --place ID, compare --place ID */
    int peers;             /* compare --peers K */
    const char *native;    /* score --native GROUP */
    const char *movers;    /* score --movers COL */
    const char *schools;   /* score --schools FILE */
    const char *schools_long;  /* --schools-long UNIT,GROUP,COUNT */
    const char *schools_group; /* --schools-group G */
    char **pass;           /* score --grid: read and place options */
    int n_pass;
    double coverage;       /* --coverage X */
    int unweighted;
    int indicators;        /* score: 1 = list indicators (default) */
    cli_format format;
    int quiet, help;
} pol_args;

/* The full help of `integrid policy` (its options are parsed here, not
 * in the shared table). Declared here until cli.h declares it, so that
 * `integrid help policy` can print it as it does for places. */
void cli_policy_print_help(FILE *fp)
{
    fputs(
        "Usage: integrid policy frameworks [--format table|csv|json]\n"
        "       integrid policy validate FILE\n"
        "       integrid policy template --framework ID|FILE -o answers.json\n"
        "                                [--csv answers.csv]\n"
        "       integrid policy score ANSWERS [--framework ID|FILE]\n"
        "                             [--coverage X] [--unweighted]\n"
        "                             [--no-indicators] [--format F] [-o FILE]\n"
        "                             [--grid FILE --place ID|NAME\n"
        "                              [--places degurba|FILE] [--native G]\n"
        "                              [--movers COL] [--schools FILE\n"
        "                              [--schools-long U,G,C]\n"
        "                              [--schools-group G]] [read options]]\n"
        "       integrid policy compare ANSWERS... [--place ID] [--peers K]\n"
        "                             [--format F] [-o FILE]\n"
        "\n"
        "Local integration policy: frameworks of indicators (JSON), fill-in\n"
        "templates, MIPEX-style scores by area, block and overall, and the\n"
        "comparison of several municipalities' assessments. The built-in\n"
        "framework 'lic-oecd12' is integrid's own operationalisation of the\n"
        "OECD/EC 12-point checklist: its scores are not an official score.\n"
        "\n"
        "Options:\n"
        "      --framework ID|FILE  framework: a built-in id or a file\n"
        "                           (score: default the one the answers name)\n"
        "  -o, --output FILE        write to FILE atomically; template also\n"
        "                           writes the CSV beside it (.csv)\n"
        "      --csv FILE           template: where to write the CSV\n"
        "      --coverage X         share of applicable indicators an area\n"
        "                           needs to be scored (default: the\n"
        "                           framework's, 0.7)\n"
        "      --unweighted         plain means, ignoring weights\n"
        "      --no-indicators      score: areas, blocks and overall only\n"
        "      --grid FILE          score: compute the outcome indicators of\n"
        "                           --place from this grid, calibrated on the\n"
        "                           places of its class (--places, default\n"
        "                           degurba); read options go after ANSWERS\n"
        "      --native G           the native-born group (default NAT)\n"
        "      --movers COL         movers from abroad (default CHG_IN)\n"
        "      --schools FILE       pupils per school, long format, for school\n"
        "                           segregation (--schools-long\n"
        "                           school,group,count; --schools-group G)\n"
        "      --place ID           compare: the assessment to rank (place id\n"
        "                           or file; default: the first)\n"
        "      --peers K            compare: number of nearest peers (5)\n"
        "      --format F           table, csv or json\n"
        "  -q, --quiet              no warnings\n"
        "\n"
        "ANSWERS is the JSON or CSV made by 'policy template', filled in.\n"
        "Rules: docs/policy/scoring.md. Exit status: 0 success, 1 runtime\n"
        "error (also an invalid file), 2 usage error.\n",
        fp);
}

static int parse_format(const char *s, cli_format *f)
{
    if (!strcmp(s, "table")) *f = CLI_FMT_TABLE;
    else if (!strcmp(s, "csv")) *f = CLI_FMT_CSV;
    else if (!strcmp(s, "json")) *f = CLI_FMT_JSON;
    else return 0;
    return 1;
}

/* Returns 1 to run, 0 with *code set. */
static int parse_args(int argc, char **argv, pol_args *a, int *code)
{
    memset(a, 0, sizeof *a);
    a->indicators = 1;
    a->peers = 5;
    a->files = cli_xmalloc((size_t)(argc + 1) * sizeof *a->files);
    a->pass = cli_xmalloc((size_t)(argc + 1) * sizeof *a->pass);
    *code = CLI_EXIT_USAGE;
    int dashdash = 0;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        const char *val = NULL;
#define NEED_VAL(name)                                                     \
    do {                                                                   \
        if (i + 1 >= argc) {                                               \
            cli_usage_error("policy", "%s needs a value", name);           \
            return 0;                                                      \
        }                                                                  \
        val = argv[++i];                                                   \
    } while (0)
        if (dashdash || s[0] != '-' || !strcmp(s, "-")) {
            if (!a->sub) a->sub = s;
            else if (!strcmp(a->sub, "score") && a->n_files == 1)
                a->pass[a->n_pass++] = argv[i]; /* an option's value */
            else a->files[a->n_files++] = s;
            continue;
        }
        if (!strcmp(s, "--")) {
            dashdash = 1;
        } else if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
            a->help = 1;
        } else if (!strcmp(s, "-q") || !strcmp(s, "--quiet")) {
            a->quiet = 1;
        } else if (!strcmp(s, "--framework")) {
            NEED_VAL(s);
            a->framework = val;
        } else if (!strcmp(s, "-o") || !strcmp(s, "--output")) {
            NEED_VAL(s);
            a->output = val;
        } else if (!strcmp(s, "--csv")) {
            NEED_VAL(s);
            a->csv = val;
        } else if (!strcmp(s, "--grid")) {
            NEED_VAL(s);
            a->grid = val;
        } else if (!strcmp(s, "--place")) {
            NEED_VAL(s);
            a->place = val;
        } else if (!strcmp(s, "--peers")) {
            NEED_VAL(s);
            char *e;
            long k = strtol(val, &e, 10);
            if (*e || k < 0 || k > 1000) {
                cli_usage_error("policy", "--peers must be a whole number "
                                          "0..1000, not '%s'", val);
                return 0;
            }
            a->peers = (int)k;
        } else if (!strcmp(s, "--coverage")) {
            NEED_VAL(s);
            char *e;
            a->coverage = strtod(val, &e);
            if (*e || !(a->coverage > 0 && a->coverage <= 1)) {
                cli_usage_error("policy", "--coverage must be in (0, 1], "
                                          "not '%s'", val);
                return 0;
            }
        } else if (!strcmp(s, "--native")) {
            NEED_VAL(s);
            a->native = val;
        } else if (!strcmp(s, "--movers")) {
            NEED_VAL(s);
            a->movers = val;
        } else if (!strcmp(s, "--schools")) {
            NEED_VAL(s);
            a->schools = val;
        } else if (!strcmp(s, "--schools-long")) {
            NEED_VAL(s);
            a->schools_long = val;
        } else if (!strcmp(s, "--schools-group")) {
            NEED_VAL(s);
            a->schools_group = val;
        } else if (!strcmp(s, "--unweighted")) {
            a->unweighted = 1;
        } else if (!strcmp(s, "--no-indicators")) {
            a->indicators = 0;
        } else if (!strcmp(s, "--format")) {
            NEED_VAL(s);
            if (!parse_format(val, &a->format)) {
                cli_usage_error("policy", "unknown --format '%s'; use table, "
                                          "csv or json", val);
                return 0;
            }
        } else {
            /* read and place options of score --grid, checked by the
             * shared parser */
            a->pass[a->n_pass++] = argv[i];
        }
#undef NEED_VAL
    }
    if (a->help) {
        cli_policy_print_help(stdout);
        *code = CLI_EXIT_OK;
        return 0;
    }
    if (!a->sub) {
        cli_usage_error("policy", "say what to do: frameworks, validate, "
                                  "template, score or compare");
        return 0;
    }
    const char *sub = a->sub;
    int nf = a->n_files;
    if (a->n_pass && strcmp(sub, "score") != 0) {
        cli_usage_error("policy", "unknown option '%s'", a->pass[0]);
        return 0;
    }
    if (!strcmp(sub, "frameworks")) {
        if (nf) {
            cli_usage_error("policy", "frameworks takes no file");
            return 0;
        }
    } else if (!strcmp(sub, "validate")) {
        if (nf != 1) {
            cli_usage_error("policy", "validate takes one framework FILE");
            return 0;
        }
    } else if (!strcmp(sub, "template")) {
        if (nf || !a->framework) {
            cli_usage_error("policy", "template needs --framework ID|FILE "
                                      "and no file argument");
            return 0;
        }
    } else if (!strcmp(sub, "score")) {
        if (nf != 1) {
            cli_usage_error("policy", "score takes one ANSWERS file");
            return 0;
        }
        if (!a->grid != !a->place) {
            cli_usage_error("policy", "score: --grid FILE and --place ID go "
                                      "together");
            return 0;
        }
        if (a->n_pass && !a->grid) {
            cli_usage_error("policy", "unexpected '%s' (read and place "
                                      "options need --grid)", a->pass[0]);
            return 0;
        }
        if ((a->schools_long || a->schools_group) && !a->schools) {
            cli_usage_error("policy", "--schools-long and --schools-group "
                                      "need --schools FILE");
            return 0;
        }
        if (a->schools && !a->grid) {
            cli_usage_error("policy", "--schools needs --grid and --place");
            return 0;
        }
    } else if (!strcmp(sub, "compare")) {
        if (nf < 1) {
            cli_usage_error("policy", "compare takes one or more ANSWERS "
                                      "files");
            return 0;
        }
    } else {
        cli_usage_error("policy", "unknown policy command '%s'; use "
                                  "frameworks, validate, template, score or "
                                  "compare", sub);
        return 0;
    }
    return 1;
}

static cli_format pick_format(cli_format f, const cli_out *out)
{
    if (f != CLI_FMT_DEFAULT) return f;
    return cli_out_is_tty(out) ? CLI_FMT_TABLE : CLI_FMT_CSV;
}

/* A framework: a built-in id, else a file. */
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

/* ---- frameworks ---------------------------------------------------------- */

static int run_frameworks(cli_env *env, ig_ctx *ctx, const pol_args *a)
{
    cli_out out;
    if (!cli_out_open(env, &out, a->output)) return CLI_EXIT_ERROR;
    cli_format fmt = pick_format(a->format, &out);
    FILE *fp = out.fp;
    size_t n = ig_policy_builtin_count();
    if (fmt == CLI_FMT_CSV)
        fputs("id,version,title,blocks,areas,indicators,notice\n", fp);
    else if (fmt == CLI_FMT_JSON)
        fputs("{\"frameworks\": [", fp);
    for (size_t i = 0; i < n; i++) {
        ig_policy_framework *fw =
            load_framework(env, ctx, ig_policy_builtin_id(i));
        if (!fw) {
            cli_out_abort(&out);
            return CLI_EXIT_ERROR;
        }
        ig_policy_framework_info in;
        ig_policy_framework_get_info(fw, &in);
        if (fmt == CLI_FMT_CSV) {
            cli_csv_str(fp, in.id);
            fputc(',', fp);
            cli_csv_str(fp, in.version);
            fputc(',', fp);
            cli_csv_str(fp, in.title);
            fprintf(fp, ",%zu,%zu,%zu,", in.n_blocks, in.n_areas,
                    in.n_indicators);
            cli_csv_str(fp, in.notice);
            fputc('\n', fp);
        } else if (fmt == CLI_FMT_JSON) {
            fputs(i ? ",\n  {\"id\": " : "\n  {\"id\": ", fp);
            cli_json_str(fp, in.id);
            fputs(", \"version\": ", fp);
            cli_json_str(fp, in.version);
            fputs(", \"title\": ", fp);
            cli_json_str(fp, in.title);
            fprintf(fp, ", \"blocks\": %zu, \"areas\": %zu, \"indicators\": %zu",
                    in.n_blocks, in.n_areas, in.n_indicators);
            fputs(", \"notice\": ", fp);
            cli_json_str(fp, in.notice);
            fputc('}', fp);
        } else {
            fprintf(fp, "%s %s  %s\n  %zu blocks, %zu areas, %zu indicators\n"
                        "  %s\n",
                    in.id, in.version, in.title, in.n_blocks, in.n_areas,
                    in.n_indicators, in.notice);
        }
        ig_policy_framework_destroy(fw);
    }
    if (fmt == CLI_FMT_JSON) fputs(n ? "\n]}\n" : "]}\n", fp);
    return cli_out_commit(env, &out) ? CLI_EXIT_OK : CLI_EXIT_ERROR;
}

/* ---- validate ------------------------------------------------------------ */

static int run_validate(cli_env *env, ig_ctx *ctx, const pol_args *a)
{
    ig_policy_framework *fw = NULL;
    ig_error err = {0};
    ig_status st = ig_policy_framework_read(ctx, a->files[0], &fw, &err);
    if (st != IG_OK) {
        cli_report(env, st, &err, a->files[0]);
        return CLI_EXIT_ERROR;
    }
    ig_policy_framework_info in;
    ig_policy_framework_get_info(fw, &in);
    printf("%s: valid: framework %s version %s, %zu blocks, %zu areas, "
           "%zu indicators, %zu recommendations\n",
           a->files[0], in.id, in.version, in.n_blocks, in.n_areas,
           in.n_indicators, in.n_recommendations);
    ig_policy_framework_destroy(fw);
    return CLI_EXIT_OK;
}

/* ---- template ------------------------------------------------------------ */

static int write_buf(cli_env *env, const char *path, const char *buf,
                     size_t len)
{
    cli_out out;
    if (!cli_out_open(env, &out, path)) return 0;
    fwrite(buf, 1, len, out.fp);
    return cli_out_commit(env, &out);
}

static int run_template(cli_env *env, ig_ctx *ctx, const pol_args *a)
{
    ig_policy_framework *fw = load_framework(env, ctx, a->framework);
    if (!fw) return CLI_EXIT_ERROR;
    int rc = CLI_EXIT_ERROR;
    char *json = NULL, *csv = NULL, *csv_path = NULL;
    size_t jl = 0, cl = 0;
    ig_error err = {0};
    ig_status st = ig_policy_template(ctx, fw, IG_POLICY_TEMPLATE_JSON, &json,
                                      &jl, &err);
    if (st == IG_OK)
        st = ig_policy_template(ctx, fw, IG_POLICY_TEMPLATE_CSV, &csv, &cl,
                                &err);
    if (st != IG_OK) {
        cli_report(env, st, &err, NULL);
        goto done;
    }
    const char *o = a->output;
    int to_file = o && strcmp(o, "-") != 0;
    size_t ol = to_file ? strlen(o) : 0;
    if (to_file && ol > 4 && !strcmp(o + ol - 4, ".csv")) {
        /* -o answers.csv: the CSV only */
        rc = write_buf(env, o, csv, cl) ? CLI_EXIT_OK : CLI_EXIT_ERROR;
        goto done;
    }
    if (!write_buf(env, o, json, jl)) goto done;
    if (a->csv) {
        csv_path = cli_xstrdup(a->csv);
    } else if (to_file) {
        csv_path = cli_xmalloc(ol + 5);
        memcpy(csv_path, o, ol + 1);
        if (ol > 5 && !strcmp(csv_path + ol - 5, ".json"))
            csv_path[ol - 5] = '\0';
        strcat(csv_path, ".csv");
    }
    if (csv_path && !write_buf(env, csv_path, csv, cl)) goto done;
    rc = CLI_EXIT_OK;
done:
    free(csv_path);
    ig_policy_free(ctx, json);
    ig_policy_free(ctx, csv);
    ig_policy_framework_destroy(fw);
    return rc;
}

/* ---- score --------------------------------------------------------------- */

typedef struct scored {
    const char *path;
    ig_policy_assessment *a;
    ig_policy_framework *fw;
    ig_policy_scores *s;
} scored;

static void scored_free(scored *x)
{
    ig_policy_scores_destroy(x->s);
    ig_policy_framework_destroy(x->fw);
    ig_policy_assessment_destroy(x->a);
    memset(x, 0, sizeof *x);
}

/* score --grid: the outcome indicators of the place, calibrated on the
 * places of its class (ig_policy_grid_outcomes). */
static int grid_outcomes(cli_env *env, ig_ctx *ctx, const pol_args *a,
                         const ig_policy_framework *fw,
                         ig_policy_assessment *as)
{
    int argc2 = 4 + a->n_pass;
    char **argv2 = cli_xmalloc((size_t)(argc2 + 1) * sizeof *argv2);
    /* copies: getopt may permute argv */
    char *own[4] = {cli_xstrdup("policy"), cli_xstrdup(a->grid),
                    cli_xstrdup("--place"), cli_xstrdup(a->place)};
    for (int i = 0; i < 4; i++) argv2[i] = own[i];
    for (int i = 0; i < a->n_pass; i++) argv2[4 + i] = a->pass[i];
    argv2[argc2] = NULL;
    cli_opts o;
    int code, ok = 0;
    ig_grid *grid = NULL, *schools = NULL;
    ig_placeset *ps = NULL;
    if (!cli_opts_parse(CLI_CMD_policy, argc2, argv2, &o, &code)) {
        for (int i = 0; i < 4; i++) free(own[i]);
        free(argv2);
        return 0;
    }
    if (!o.places && !o.read.by_col) o.places = "degurba";
    grid = cli_read_grid(env, ctx, &o);
    if (!grid) goto done;
    ps = cli_placeset(env, ctx, &o, grid);
    if (!ps) goto done;
    size_t row = cli_find_place(env, ps, a->place, 0, 0);
    if (row == (size_t)-1) goto done;
    ig_policy_grid_opts go = {0};
    go.native_group = a->native;
    go.movers_var = a->movers;
    go.schools_group = a->schools_group;
    ig_error err = {0};
    if (a->schools) {
        ig_read_opts ro;
        ig_read_opts_init(&ro);
        ro.long_spec = a->schools_long ? a->schools_long : "school,group,count";
        ig_status st = ig_grid_read_path(ctx, a->schools, &ro, &schools, &err);
        if (st != IG_OK) {
            cli_report(env, st, &err, a->schools);
            goto done;
        }
        go.schools = schools;
    }
    ig_status st = ig_policy_grid_outcomes(ctx, fw, grid, ps, row, &go, as,
                                           &err);
    if (st != IG_OK) {
        cli_report(env, st, &err, a->grid);
        goto done;
    }
    ok = 1;
done:
    ig_placeset_destroy(ps);
    ig_grid_destroy(grid);
    ig_grid_destroy(schools);
    cli_opts_free(&o);
    for (int i = 0; i < 4; i++) free(own[i]);
    free(argv2);
    return ok;
}

/* Read, check and score one answers file (fw: use it, else the one the
 * answers name). Reports and returns 0 on failure. */
static int score_file(cli_env *env, ig_ctx *ctx, const pol_args *a,
                      const char *path, const ig_policy_framework *fw,
                      scored *x)
{
    memset(x, 0, sizeof *x);
    x->path = path;
    ig_error err = {0};
    ig_status st = ig_policy_assessment_read(ctx, path, &x->a, &err);
    if (st != IG_OK) {
        cli_report(env, st, &err, path);
        return 0;
    }
    if (!fw) {
        ig_policy_assessment_info ai;
        ig_policy_assessment_get_info(x->a, &ai);
        x->fw = load_framework(env, ctx, a->framework ? a->framework
                                                      : ai.framework);
        if (!x->fw) {
            scored_free(x);
            return 0;
        }
        fw = x->fw;
    }
    if (a->grid && !grid_outcomes(env, ctx, a, fw, x->a)) {
        scored_free(x);
        return 0;
    }
    ig_policy_score_opts so = {a->coverage, a->unweighted};
    st = ig_policy_score(ctx, fw, x->a, &so, &x->s, &err);
    if (st != IG_OK) {
        cli_report(env, st, &err, path);
        scored_free(x);
        return 0;
    }
    return 1;
}

static void fmt_score(char *buf, size_t cap, double v)
{
    if (isfinite(v)) snprintf(buf, cap, "%.1f", v);
    else snprintf(buf, cap, "-");
}

static const char *gstatus(const ig_policy_gscore *g)
{
    if (g->n_applicable == 0 && g->n_parts_scored == 0)
        return g->n_indicators || g->n_parts ? "not_applicable" : "no_policy";
    return g->sufficient ? "scored" : "insufficient_data";
}

static void csv_g(FILE *fp, const char *level, const char *id,
                  const char *title, const ig_policy_gscore *g)
{
    fprintf(fp, "%s,", level);
    cli_csv_str(fp, id);
    fputc(',', fp);
    cli_csv_str(fp, title);
    fputc(',', fp);
    cli_csv_num(fp, g->score);
    fprintf(fp, ",%s,", gstatus(g));
    cli_csv_num(fp, g->coverage);
    fprintf(fp, ",%zu,%zu,%zu,%zu,%zu,%zu,", g->n_indicators, g->n_applicable,
            g->n_answered, g->n_excluded, g->n_dont_know, g->n_documented);
    cli_csv_num(fp, g->outcome_score);
    fputs(",,,,\n", fp);
}

static void json_g(FILE *fp, const char *id, const char *title,
                   const ig_policy_gscore *g)
{
    fputs("{\"id\": ", fp);
    cli_json_str(fp, id);
    fputs(", \"title\": ", fp);
    cli_json_str(fp, title);
    fputs(", \"score\": ", fp);
    cli_json_num(fp, g->score);
    fprintf(fp, ", \"status\": \"%s\", \"coverage\": ", gstatus(g));
    cli_json_num(fp, g->coverage);
    fprintf(fp,
            ", \"indicators\": %zu, \"applicable\": %zu, \"answered\": %zu, "
            "\"excluded\": %zu, \"dont_know\": %zu, \"documented\": %zu, "
            "\"outcome_score\": ",
            g->n_indicators, g->n_applicable, g->n_answered, g->n_excluded,
            g->n_dont_know, g->n_documented);
    cli_json_num(fp, g->outcome_score);
    fputc('}', fp);
}

static void table_g(FILE *fp, const char *level, const char *id,
                    const char *title, const ig_policy_gscore *g)
{
    char sc[32], cov[32], out[32];
    fmt_score(sc, sizeof sc, g->score);
    fmt_score(cov, sizeof cov, 100 * g->coverage);
    fmt_score(out, sizeof out, g->outcome_score);
    const char *st = gstatus(g);
    fprintf(fp, "%-9s ", level);
    cli_pad(fp, id, 7, 0);
    fprintf(fp, "%6s  %-17s %5s%%  %3zu/%-3zu  %4zu  %4zu  %4zu  %6s  ",
            g->sufficient ? sc : "-", st, cov, g->n_answered, g->n_applicable,
            g->n_excluded, g->n_dont_know, g->n_documented, out);
    fprintf(fp, "%s\n", title);
}

/* The practices that illustrate recommendation rc, for the assessed
 * place: those with one of its practice tags, most similar place first
 * (at most 3), as ids joined by ';' into buf ("" when none). */
static void rec_practices(ig_ctx *ctx, const ig_practices *kb,
                          const ig_policy_recommendation *rc,
                          const ig_policy_assessment_info *ai, char *buf,
                          size_t cap)
{
    buf[0] = '\0';
    if (!kb || !rc->practice_tags || !rc->practice_tags[0]) return;
    ig_practice_query q;
    ig_practice_query_init(&q);
    q.tags = rc->practice_tags;
    q.like = 1;
    q.like_population = ai->population;
    q.like_foreign_share = ai->foreign_share;
    q.like_settlement = NULL;
    const char *const *known = ig_practice_vocabulary("settlement");
    for (size_t k = 0; known && known[k] && ai->settlement; k++)
        if (strcmp(known[k], ai->settlement) == 0) q.like_settlement = ai->settlement;
    q.limit = 3;
    ig_practice_match *m = NULL;
    size_t n = 0;
    if (ig_practices_search(ctx, kb, &q, &m, &n, NULL) != IG_OK) return;
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        const ig_practice *p = ig_practice_get(kb, m[i].index);
        if (p) cli_appendf(buf, cap, &len, "%s%s", i ? ";" : "", p->id);
    }
    ig_practices_matches_free(ctx, m, n);
}

static int run_score(cli_env *env, ig_ctx *ctx, const pol_args *a)
{
    scored x;
    if (!score_file(env, ctx, a, a->files[0], NULL, &x)) return CLI_EXIT_ERROR;
    const ig_policy_framework *fw = x.fw;
    ig_policy_framework_info fi;
    ig_policy_framework_get_info(fw, &fi);
    ig_policy_assessment_info ai;
    ig_policy_assessment_get_info(x.a, &ai);
    cli_out out;
    if (!cli_out_open(env, &out, a->output)) {
        scored_free(&x);
        return CLI_EXIT_ERROR;
    }
    FILE *fp = out.fp;
    cli_format fmt = pick_format(a->format, &out);
    size_t nrec;
    const size_t *rec = ig_policy_scores_recommendations(x.s, &nrec);
    const ig_policy_gscore *ov = ig_policy_scores_overall(x.s);
    /* examples for the recommendations, from the built-in practices */
    ig_practices *kb = NULL;
    if (nrec && ig_practices_builtin(ctx, &kb, NULL) != IG_OK) kb = NULL;
    char pr_ids[512];

    if (fmt == CLI_FMT_CSV) {
        fputs("level,id,title,score,status,coverage,indicators,applicable,"
              "answered,excluded,dont_know,documented,outcome_score,value,"
              "badge,evidence_missing,note\n",
              fp);
        csv_g(fp, "overall", fi.id, fi.title, ov);
        for (size_t b = 0; b < fi.n_blocks; b++) {
            const ig_policy_block *bl = ig_policy_block_get(fw, b);
            csv_g(fp, "block", bl->id, bl->title, ig_policy_scores_block(x.s, b));
        }
        for (size_t i = 0; i < fi.n_areas; i++) {
            const ig_policy_area *ar = ig_policy_area_get(fw, i);
            csv_g(fp, "area", ar->id, ar->title, ig_policy_scores_area(x.s, i));
        }
        for (size_t i = 0; a->indicators && i < fi.n_indicators; i++) {
            const ig_policy_indicator *ind = ig_policy_indicator_get(fw, i);
            const ig_policy_iscore *is = ig_policy_scores_indicator(x.s, i);
            fprintf(fp, "indicator,%s,", ind->id);
            cli_csv_str(fp, ind->question);
            fputc(',', fp);
            cli_csv_num(fp, is->score);
            fprintf(fp, ",%s,,,,,,,,,", ig_policy_istatus_name(is->status));
            cli_csv_num(fp, is->value);
            fprintf(fp, ",%s,%d,", ig_policy_badge_name(is->badge),
                    is->evidence_missing);
            cli_csv_str(fp, ig_policy_assessment_outcome_note(x.a, ind->id));
            fputc('\n', fp);
        }
        for (size_t r = 0; r < nrec; r++) {
            const ig_policy_recommendation *rc =
                ig_policy_recommendation_get(fw, rec[r]);
            fprintf(fp, "recommendation,%s,", rc->id);
            cli_csv_str(fp, rc->text);
            fprintf(fp, ",%d,fired,,,,,,,,,,,,", rc->priority);
            rec_practices(ctx, kb, rc, &ai, pr_ids, sizeof pr_ids);
            cli_csv_str(fp, pr_ids);
            fputc('\n', fp);
        }
    } else if (fmt == CLI_FMT_JSON) {
        fputs("{\"framework\": ", fp);
        cli_json_str(fp, fi.id);
        fputs(", \"framework_version\": ", fp);
        cli_json_str(fp, fi.version);
        fputs(", \"notice\": ", fp);
        cli_json_str(fp, fi.notice);
        fputs(",\n \"place\": {\"id\": ", fp);
        cli_json_str(fp, ai.place_id);
        fputs(", \"name\": ", fp);
        cli_json_str(fp, ai.place_name);
        fputs("},\n \"overall\": ", fp);
        json_g(fp, fi.id, fi.title, ov);
        fputs(",\n \"blocks\": [", fp);
        for (size_t b = 0; b < fi.n_blocks; b++) {
            const ig_policy_block *bl = ig_policy_block_get(fw, b);
            fputs(b ? ",\n  " : "\n  ", fp);
            json_g(fp, bl->id, bl->title, ig_policy_scores_block(x.s, b));
        }
        fputs("],\n \"areas\": [", fp);
        for (size_t i = 0; i < fi.n_areas; i++) {
            const ig_policy_area *ar = ig_policy_area_get(fw, i);
            fputs(i ? ",\n  " : "\n  ", fp);
            json_g(fp, ar->id, ar->title, ig_policy_scores_area(x.s, i));
        }
        fputs("],\n \"indicators\": [", fp);
        for (size_t i = 0; a->indicators && i < fi.n_indicators; i++) {
            const ig_policy_indicator *ind = ig_policy_indicator_get(fw, i);
            const ig_policy_iscore *is = ig_policy_scores_indicator(x.s, i);
            fputs(i ? ",\n  {\"id\": " : "\n  {\"id\": ", fp);
            cli_json_str(fp, ind->id);
            fprintf(fp, ", \"kind\": \"%s\", \"status\": \"%s\", \"score\": ",
                    ig_policy_kind_name(ind->kind),
                    ig_policy_istatus_name(is->status));
            cli_json_num(fp, is->score);
            fputs(", \"value\": ", fp);
            cli_json_num(fp, is->value);
            fprintf(fp, ", \"badge\": \"%s\", \"evidence_missing\": %s, "
                        "\"note\": ",
                    ig_policy_badge_name(is->badge),
                    is->evidence_missing ? "true" : "false");
            cli_json_str(fp, ig_policy_assessment_outcome_note(x.a, ind->id));
            fputc('}', fp);
        }
        fputs("],\n \"recommendations\": [", fp);
        for (size_t r = 0; r < nrec; r++) {
            const ig_policy_recommendation *rc =
                ig_policy_recommendation_get(fw, rec[r]);
            fputs(r ? ",\n  {\"id\": " : "\n  {\"id\": ", fp);
            cli_json_str(fp, rc->id);
            fprintf(fp, ", \"priority\": %d, \"text\": ", rc->priority);
            cli_json_str(fp, rc->text);
            fputs(", \"practice_tags\": ", fp);
            cli_json_str(fp, rc->practice_tags);
            fputs(", \"practices\": [", fp);
            rec_practices(ctx, kb, rc, &ai, pr_ids, sizeof pr_ids);
            for (char *tok = pr_ids, *end; tok && *tok; tok = end) {
                end = strchr(tok, ';');
                if (end) *end++ = '\0';
                if (tok != pr_ids) fputs(", ", fp);
                cli_json_str(fp, tok);
            }
            fputs("]}", fp);
        }
        fputs("]}\n", fp);
    } else {
        fprintf(fp, "%s %s: %s\n%s\n", fi.id, fi.version, fi.title, fi.notice);
        fprintf(fp, "place: %s%s%s%s\n\n", ai.place_name[0] ? ai.place_name : "(unnamed)",
                ai.place_id[0] ? " (" : "", ai.place_id, ai.place_id[0] ? ")" : "");
        fputs("level     id      score  status            cover  answered  excl    dk   doc  "
              "outcome title\n", fp);
        table_g(fp, "overall", "", fi.title, ov);
        for (size_t b = 0; b < fi.n_blocks; b++) {
            const ig_policy_block *bl = ig_policy_block_get(fw, b);
            table_g(fp, "block", bl->id, bl->title,
                    ig_policy_scores_block(x.s, b));
            for (size_t i = bl->first_area; i < bl->first_area + bl->n_areas;
                 i++) {
                const ig_policy_area *ar = ig_policy_area_get(fw, i);
                table_g(fp, "  area", ar->id, ar->title,
                        ig_policy_scores_area(x.s, i));
            }
        }
        if (a->indicators) {
            fputs("\nindicator  score  status          badge          value\n",
                  fp);
            for (size_t i = 0; i < fi.n_indicators; i++) {
                const ig_policy_indicator *ind = ig_policy_indicator_get(fw, i);
                const ig_policy_iscore *is = ig_policy_scores_indicator(x.s, i);
                char sc[32], val[32];
                fmt_score(sc, sizeof sc, is->score);
                if (isfinite(is->value)) snprintf(val, sizeof val, "%g", is->value);
                else snprintf(val, sizeof val, "-");
                const char *note =
                    ig_policy_assessment_outcome_note(x.a, ind->id);
                fprintf(fp, "%-9s %6s  %-15s %-14s %s%s%s%s\n", ind->id, sc,
                        ig_policy_istatus_name(is->status),
                        ig_policy_badge_name(is->badge), val,
                        is->evidence_missing ? "  (evidence required)" : "",
                        note[0] ? "  " : "", note);
            }
        }
        if (nrec) fputs("\nrecommendations (most urgent first):\n", fp);
        for (size_t r = 0; r < nrec; r++) {
            const ig_policy_recommendation *rc =
                ig_policy_recommendation_get(fw, rec[r]);
            fprintf(fp, "  [%d] %s: %s\n", rc->priority, rc->id, rc->text);
            rec_practices(ctx, kb, rc, &ai, pr_ids, sizeof pr_ids);
            if (pr_ids[0])
                fprintf(fp, "      practices: %s (integrid practices show ID)\n",
                        pr_ids);
        }
    }
    ig_practices_destroy(kb);
    int rc = cli_out_commit(env, &out) ? CLI_EXIT_OK : CLI_EXIT_ERROR;
    scored_free(&x);
    return rc;
}

/* ---- compare ------------------------------------------------------------- */

/* Peers of the focal assessment: the same competence profile (own/shared/
 * none per indicator where both answered it) is a hard filter; among
 * those, the same population band first, then the nearest on
 * log10(population) and foreign-born share (z-scored over the
 * assessments given). Documented in docs/policy/compare.md. */
typedef struct peer {
    size_t idx;
    double dist;
    int same_band;
} peer;

static int cmp_peer(const void *x, const void *y)
{
    const peer *a = x, *b = y;
    if (a->same_band != b->same_band) return b->same_band - a->same_band;
    if (a->dist != b->dist) return a->dist < b->dist ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static int same_competence(const ig_policy_assessment *a,
                           const ig_policy_assessment *b)
{
    ig_policy_assessment_info ia, ib;
    ig_policy_assessment_get_info(a, &ia);
    ig_policy_assessment_get_info(b, &ib);
    for (size_t i = 0; i < ia.n_answers; i++) {
        const ig_policy_answer *x = ig_policy_answer_get(a, i);
        if (x->competence == IG_POLICY_COMP_UNSET) continue;
        for (size_t j = 0; j < ib.n_answers; j++) {
            const ig_policy_answer *y = ig_policy_answer_get(b, j);
            if (strcmp(x->indicator, y->indicator) != 0) continue;
            if (y->competence != IG_POLICY_COMP_UNSET &&
                (x->competence == IG_POLICY_COMP_NONE) !=
                    (y->competence == IG_POLICY_COMP_NONE))
                return 0;
        }
    }
    return 1;
}

static void zstats(const double *v, size_t n, double *mean, double *sd)
{
    double s = 0, s2 = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i])) {
            s += v[i];
            k++;
        }
    *mean = k ? s / (double)k : 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i])) s2 += (v[i] - *mean) * (v[i] - *mean);
    *sd = k > 1 ? sqrt(s2 / (double)(k - 1)) : 0;
}

static int run_compare(cli_env *env, ig_ctx *ctx, const pol_args *a)
{
    size_t n = (size_t)a->n_files;
    scored *x = cli_xmalloc(n * sizeof *x);
    memset(x, 0, n * sizeof *x);
    int rc = CLI_EXIT_ERROR;
    ig_policy_framework *fw = NULL;
    ig_policy_framework_info fi;
    size_t focal = 0;
    double *vals = NULL, *lp = NULL, *fs = NULL;
    peer *pe = NULL;
    cli_out out;
    int opened = 0;
    /* the framework: --framework, else the first file's; all files must
     * answer the same framework version (checked by the scoring) */
    {
        ig_policy_assessment *a0 = NULL;
        ig_error err = {0};
        ig_status st = ig_policy_assessment_read(ctx, a->files[0], &a0, &err);
        if (st != IG_OK) {
            cli_report(env, st, &err, a->files[0]);
            goto done;
        }
        ig_policy_assessment_info ai;
        ig_policy_assessment_get_info(a0, &ai);
        fw = load_framework(env, ctx, a->framework ? a->framework : ai.framework);
        ig_policy_assessment_destroy(a0);
        if (!fw) goto done;
    }
    ig_policy_framework_get_info(fw, &fi);
    for (size_t i = 0; i < n; i++)
        if (!score_file(env, ctx, a, a->files[i], fw, &x[i])) goto done;
    if (a->place) {
        size_t k;
        for (k = 0; k < n; k++) {
            ig_policy_assessment_info ai;
            ig_policy_assessment_get_info(x[k].a, &ai);
            if (!strcmp(ai.place_id, a->place) || !strcmp(x[k].path, a->place))
                break;
        }
        if (k == n) {
            cli_error(env, "--place %s is none of the assessments given "
                           "(give a place id or one of the files)",
                      a->place);
            goto done;
        }
        focal = k;
    }
    /* peers */
    lp = cli_xmalloc(n * sizeof *lp);
    fs = cli_xmalloc(n * sizeof *fs);
    for (size_t i = 0; i < n; i++) {
        ig_policy_assessment_info ai;
        ig_policy_assessment_get_info(x[i].a, &ai);
        lp[i] = ai.population > 0 ? log10(ai.population) : (double)NAN;
        fs[i] = ai.foreign_share;
    }
    double mp, sp, mf, sf;
    zstats(lp, n, &mp, &sp);
    zstats(fs, n, &mf, &sf);
    pe = cli_xmalloc(n * sizeof *pe);
    size_t np = 0, n_filtered = 0;
    ig_policy_assessment_info fa;
    ig_policy_assessment_get_info(x[focal].a, &fa);
    int fband = ig_bench_size_band(fa.population);
    for (size_t i = 0; i < n; i++) {
        if (i == focal) continue;
        if (!same_competence(x[focal].a, x[i].a)) {
            n_filtered++;
            continue;
        }
        ig_policy_assessment_info ai;
        ig_policy_assessment_get_info(x[i].a, &ai);
        double d = 0;
        if (sp > 0 && isfinite(lp[i]) && isfinite(lp[focal]))
            d += pow((lp[i] - lp[focal]) / sp, 2);
        if (sf > 0 && isfinite(fs[i]) && isfinite(fs[focal]))
            d += pow((fs[i] - fs[focal]) / sf, 2);
        pe[np].idx = i;
        pe[np].dist = sqrt(d);
        pe[np].same_band = isfinite(fa.population) && isfinite(ai.population) &&
                           ig_bench_size_band(ai.population) == fband;
        np++;
    }
    qsort(pe, np, sizeof *pe, cmp_peer);
    if (np > (size_t)a->peers) np = (size_t)a->peers;

    if (!cli_out_open(env, &out, a->output)) goto done;
    opened = 1;
    FILE *fp = out.fp;
    cli_format fmt = pick_format(a->format, &out);
    vals = cli_xmalloc(n * sizeof *vals);
    const char *fid = fa.place_id[0] ? fa.place_id : x[focal].path;
    if (fmt == CLI_FMT_CSV)
        fputs("section,assessment,id,title,score,rank,n,percentile,peer_rank,"
              "peers,peer_median,distance,same_size_band,shareable\n",
              fp);
    else if (fmt == CLI_FMT_JSON) {
        fputs("{\"framework\": ", fp);
        cli_json_str(fp, fi.id);
        fputs(", \"notice\": ", fp);
        cli_json_str(fp, fi.notice);
        fputs(", \"assessment\": ", fp);
        cli_json_str(fp, fid);
        fputs(",\n \"areas\": [", fp);
    } else {
        fprintf(fp, "%s %s: %s\n%s\nassessment: %s (%zu assessments given)\n\n",
                fi.id, fi.version, fi.title, fi.notice, fid, n);
        fputs("id      score  rank/n  percentile  peer_rank  peer_median  title\n",
              fp);
    }
    for (size_t ar = 0; ar <= fi.n_areas; ar++) {
        /* the areas, then the overall score */
        const char *id = ar < fi.n_areas ? ig_policy_area_get(fw, ar)->id : "overall";
        const char *title = ar < fi.n_areas ? ig_policy_area_get(fw, ar)->title
                                            : fi.title;
        for (size_t i = 0; i < n; i++)
            vals[i] = ar < fi.n_areas ? ig_policy_scores_area(x[i].s, ar)->score
                                      : ig_policy_scores_overall(x[i].s)->score;
        size_t rank, nv = 0;
        double pct;
        for (size_t i = 0; i < n; i++) nv += isfinite(vals[i]) != 0;
        ig_policy_rank(vals, n, vals[focal], &rank, &pct);
        /* among the peers (and the focal one) */
        double *pv = cli_xmalloc((np + 1) * sizeof *pv);
        size_t k = 0;
        pv[k++] = vals[focal];
        for (size_t j = 0; j < np; j++) pv[k++] = vals[pe[j].idx];
        size_t prank;
        double ppct;
        ig_policy_rank(pv, k, vals[focal], &prank, &ppct);
        /* peer median (peers only) */
        double *pm = cli_xmalloc((np + 1) * sizeof *pm);
        size_t m = 0;
        for (size_t j = 0; j < np; j++)
            if (isfinite(vals[pe[j].idx])) pm[m++] = vals[pe[j].idx];
        for (size_t u = 1; u < m; u++)
            for (size_t v = u; v > 0 && pm[v - 1] > pm[v]; v--) {
                double t = pm[v];
                pm[v] = pm[v - 1];
                pm[v - 1] = t;
            }
        /* fewer than 3 peer values: no median, since with a shareable
         * peer it would give away a private peer's score */
        double med = m < 3 ? (double)NAN
                     : m % 2 ? pm[m / 2]
                             : 0.5 * (pm[m / 2 - 1] + pm[m / 2]);
        free(pm);
        free(pv);
        if (fmt == CLI_FMT_CSV) {
            fputs("area,", fp);
            cli_csv_str(fp, fid);
            fprintf(fp, ",%s,", id);
            cli_csv_str(fp, title);
            fputc(',', fp);
            cli_csv_num(fp, vals[focal]);
            if (rank) fprintf(fp, ",%zu,%zu,", rank, nv);
            else fputs(",,,", fp);
            cli_csv_num(fp, pct);
            if (prank) fprintf(fp, ",%zu,%zu,", prank, np);
            else fputs(",,,", fp);
            cli_csv_num(fp, med);
            fputs(",,,\n", fp);
        } else if (fmt == CLI_FMT_JSON) {
            fputs(ar ? ",\n  {\"id\": " : "\n  {\"id\": ", fp);
            cli_json_str(fp, id);
            fputs(", \"score\": ", fp);
            cli_json_num(fp, vals[focal]);
            fprintf(fp, ", \"rank\": %zu, \"n\": %zu, \"percentile\": ", rank,
                    nv);
            cli_json_num(fp, pct);
            fprintf(fp, ", \"peer_rank\": %zu, \"peers\": %zu, \"peer_median\": ",
                    prank, np);
            cli_json_num(fp, med);
            fputc('}', fp);
        } else {
            char sc[32], pc[32], md[32], rk[32], prk[32];
            fmt_score(sc, sizeof sc, vals[focal]);
            fmt_score(pc, sizeof pc, pct);
            fmt_score(md, sizeof md, med);
            if (rank) snprintf(rk, sizeof rk, "%zu/%zu", rank, nv);
            else snprintf(rk, sizeof rk, "-");
            if (prank) snprintf(prk, sizeof prk, "%zu/%zu", prank, np + 1);
            else snprintf(prk, sizeof prk, "-");
            fprintf(fp, "%-7s %5s  %6s  %10s  %9s  %11s  %s\n", id, sc, rk, pc,
                    prk, md, title);
        }
    }
    /* the peer list, always; a peer's scores only when it is shareable */
    if (fmt == CLI_FMT_JSON) fputs("],\n \"peers\": [", fp);
    else if (fmt == CLI_FMT_TABLE)
        fprintf(fp, "\npeers (same competence profile; %zu left out by it):\n"
                    "assessment            distance  same_band  shareable  "
                    "overall\n",
                n_filtered);
    for (size_t j = 0; j < np; j++) {
        ig_policy_assessment_info ai;
        ig_policy_assessment_get_info(x[pe[j].idx].a, &ai);
        const char *pid = ai.place_id[0] ? ai.place_id : x[pe[j].idx].path;
        double ov = ig_policy_scores_overall(x[pe[j].idx].s)->score;
        if (fmt == CLI_FMT_CSV) {
            fputs("peer,", fp);
            cli_csv_str(fp, pid);
            fputs(",overall,", fp);
            cli_csv_str(fp, ai.place_name);
            fputc(',', fp);
            if (ai.shareable) cli_csv_num(fp, ov);
            fputs(",,,,,,,", fp);
            cli_csv_num(fp, pe[j].dist);
            fprintf(fp, ",%d,%d\n", pe[j].same_band, ai.shareable);
        } else if (fmt == CLI_FMT_JSON) {
            fputs(j ? ",\n  {\"assessment\": " : "\n  {\"assessment\": ", fp);
            cli_json_str(fp, pid);
            fputs(", \"name\": ", fp);
            cli_json_str(fp, ai.place_name);
            fputs(", \"distance\": ", fp);
            cli_json_num(fp, pe[j].dist);
            fprintf(fp, ", \"same_size_band\": %s, \"shareable\": %s",
                    pe[j].same_band ? "true" : "false",
                    ai.shareable ? "true" : "false");
            if (ai.shareable) {
                fputs(", \"overall\": ", fp);
                cli_json_num(fp, ov);
            }
            fputc('}', fp);
        } else {
            char d[32], o[32];
            snprintf(d, sizeof d, "%.2f", pe[j].dist);
            if (ai.shareable) fmt_score(o, sizeof o, ov);
            else snprintf(o, sizeof o, "(private)");
            fprintf(fp, "%-21s %8s  %9s  %9s  %7s\n", pid, d,
                    pe[j].same_band ? "yes" : "no", ai.shareable ? "yes" : "no",
                    o);
        }
    }
    if (fmt == CLI_FMT_JSON)
        fprintf(fp, "], \"left_out_by_competence\": %zu}\n", n_filtered);
    rc = cli_out_commit(env, &out) ? CLI_EXIT_OK : CLI_EXIT_ERROR;
    opened = 0;
done:
    if (opened) cli_out_abort(&out);
    for (size_t i = 0; i < n; i++) scored_free(&x[i]);
    free(x);
    free(vals);
    free(lp);
    free(fs);
    free(pe);
    ig_policy_framework_destroy(fw);
    return rc;
}

int cli_cmd_policy(int argc, char **argv)
{
    pol_args a;
    int code;
    if (!parse_args(argc, argv, &a, &code)) {
        free(a.files);
        free(a.pass);
        return code;
    }
    cli_opts o;
    memset(&o, 0, sizeof o);
    o.quiet = a.quiet;
    o.no_progress = 1;
    cli_env env;
    cli_env_init(&env, "policy", &o);
    int rc = CLI_EXIT_ERROR;
    ig_ctx *ctx = cli_make_ctx(&env, &o);
    if (ctx) {
        if (!strcmp(a.sub, "frameworks")) rc = run_frameworks(&env, ctx, &a);
        else if (!strcmp(a.sub, "validate")) rc = run_validate(&env, ctx, &a);
        else if (!strcmp(a.sub, "template")) rc = run_template(&env, ctx, &a);
        else if (!strcmp(a.sub, "score")) rc = run_score(&env, ctx, &a);
        else rc = run_compare(&env, ctx, &a);
        ig_ctx_destroy(ctx);
    }
    cli_env_free(&env);
    free(a.files);
    free(a.pass);
    return rc;
}
