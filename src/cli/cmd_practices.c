/* `integrid practices`: the practice knowledge base (ig_policy.h, issue
 * #7): search (filters; "places like mine" from an assessment with
 * --like, or from a grid's place with --grid/--place, computed as `policy
 * score --grid` does), show ID, validate FILE (file:line:column) and
 * vocabulary. Options are parsed here, like cmd_policy.c; the read and
 * place options after --grid go through the shared parser as `policy`'s,
 * since the shared table does not list them for this command yet. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "integrid/ig_policy.h"

typedef struct pr_args {
    const char *sub;
    const char **files;
    int n_files;
    const char *kb_file; /* --file FILE: another knowledge base */
    const char *data;    /* --data DIR: the store of `integrid serve` */
    const char *set;     /* --set NAME: the practices set in the store */
    ig_practice_query q;
    const char *like;  /* --like ANSWERS */
    const char *grid;  /* --grid FILE */
    const char *place; /* --place ID|NAME */
    const char *native; /* --native G */
    char **pass;       /* read and place options of --grid */
    int n_pass;
    const char *output;
    cli_format format;
    int quiet, help;
} pr_args;

void cli_practices_print_help(FILE *fp)
{
    fputs(
        "Usage: integrid practices search [--point N] [--sector S] [--tag T,...]\n"
        "                                 [--target G] [--country CC]\n"
        "                                 [--size-band B] [--settlement S]\n"
        "                                 [--evidence E] [--text WORDS]\n"
        "                                 [--like ANSWERS | --grid FILE\n"
        "                                  --place ID|NAME [--native G]\n"
        "                                  [read and place options]]\n"
        "                                 [--limit N] [--format F] [-o FILE]\n"
        "       integrid practices show ID [--format F]\n"
        "       integrid practices validate FILE\n"
        "       integrid practices vocabulary [--format F]\n"
        "       integrid practices import FILE --data DIR [--set NAME]\n"
        "       integrid practices export --data DIR [--set NAME] [-o FILE]\n"
        "\n"
        "Search the practice knowledge base: short summaries, in integrid's\n"
        "own words, of what cities and towns have done for local integration,\n"
        "with the source of each. --like and --grid order the results by how\n"
        "similar the practice's place is to yours: same settlement type, then\n"
        "population band, then foreign-born share band.\n"
        "\n"
        "Options:\n"
        "      --file FILE       search this practices file, not the built-in\n"
        "      --data DIR        use the store of 'integrid serve' in DIR: its\n"
        "                        practices set (import/export; search, show)\n"
        "      --set NAME        the set in the store (default: local)\n"
        "      --point N         OECD/EC checklist point 1..12\n"
        "      --sector S        EU Action Plan sector, e.g. housing\n"
        "      --tag T,...       any of these tags (as recommendations link)\n"
        "      --target G        target group, e.g. refugees\n"
        "      --country CC      ISO 3166-1 alpha-2 code, e.g. DE\n"
        "      --size-band B     <5k, 5k-20k, 20k-50k, 50k-100k, 100k-250k,\n"
        "                        250k-1M or >=1M\n"
        "      --settlement S    city, town or rural\n"
        "      --evidence E      at least: none, monitoring, evaluation,\n"
        "                        impact_evaluation\n"
        "      --text WORDS      words that must all occur (title, summary,\n"
        "                        place)\n"
        "      --like ANSWERS    places like the one of this assessment\n"
        "      --grid FILE       places like --place in this grid (DEGURBA\n"
        "                        places unless --places; --native G: the\n"
        "                        native-born group, default NAT)\n"
        "      --limit N         at most N results\n"
        "      --format F        table, csv or json\n"
        "  -o, --output FILE     write to FILE atomically\n"
        "  -q, --quiet           no warnings\n"
        "\n"
        "Vocabularies and rules: docs/policy/practices.md. Exit status: 0\n"
        "success (also with no match), 1 runtime error, 2 usage error.\n",
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

static int usage_word(const char *opt, const char *val, const char *which)
{
    const char *const *v = ig_practice_vocabulary(which);
    char list[400];
    size_t len = 0;
    list[0] = '\0';
    for (int k = 0; v[k] && len + 2 < sizeof list; k++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
                                k ? ", " : "", v[k]);
    cli_usage_error("practices", "%s '%s' is not known; use one of: %s", opt,
                    val, list);
    return 0;
}

static int in_vocab(const char *which, const char *s)
{
    const char *const *v = ig_practice_vocabulary(which);
    for (int k = 0; v[k]; k++)
        if (!strcmp(v[k], s)) return 1;
    return 0;
}

/* Returns 1 to run, 0 with *code set. */
static int parse_args(int argc, char **argv, pr_args *a, int *code)
{
    memset(a, 0, sizeof *a);
    ig_practice_query_init(&a->q);
    a->files = cli_xmalloc((size_t)(argc + 1) * sizeof *a->files);
    a->pass = cli_xmalloc((size_t)(argc + 1) * sizeof *a->pass);
    *code = CLI_EXIT_USAGE;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        const char *val = NULL;
#define NEED_VAL(name)                                                     \
    do {                                                                   \
        if (i + 1 >= argc) {                                               \
            cli_usage_error("practices", "%s needs a value", name);        \
            return 0;                                                      \
        }                                                                  \
        val = argv[++i];                                                   \
    } while (0)
        if (s[0] != '-' || !strcmp(s, "-")) {
            if (!a->sub) a->sub = s;
            else if (a->grid && a->n_pass && a->pass[a->n_pass - 1][0] == '-')
                a->pass[a->n_pass++] = argv[i]; /* a read option's value */
            else a->files[a->n_files++] = s;
            continue;
        }
        if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
            a->help = 1;
        } else if (!strcmp(s, "-q") || !strcmp(s, "--quiet")) {
            a->quiet = 1;
        } else if (!strcmp(s, "-o") || !strcmp(s, "--output")) {
            NEED_VAL(s);
            a->output = val;
        } else if (!strcmp(s, "--file")) {
            NEED_VAL(s);
            a->kb_file = val;
        } else if (!strcmp(s, "--data")) {
            NEED_VAL(s);
            a->data = val;
        } else if (!strcmp(s, "--set")) {
            NEED_VAL(s);
            a->set = val;
        } else if (!strcmp(s, "--point")) {
            NEED_VAL(s);
            char *e;
            long k = strtol(val, &e, 10);
            if (*e || k < 1 || k > 12) {
                cli_usage_error("practices", "--point must be a checklist "
                                             "point 1..12, not '%s'", val);
                return 0;
            }
            a->q.point = (int)k;
        } else if (!strcmp(s, "--sector")) {
            NEED_VAL(s);
            if (!in_vocab("sector", val)) return usage_word(s, val, "sector");
            a->q.sector = val;
        } else if (!strcmp(s, "--tag") || !strcmp(s, "--tags")) {
            NEED_VAL(s);
            a->q.tags = val; /* each word is checked by the search */
        } else if (!strcmp(s, "--target")) {
            NEED_VAL(s);
            if (!in_vocab("target_group", val))
                return usage_word(s, val, "target_group");
            a->q.target_group = val;
        } else if (!strcmp(s, "--country")) {
            NEED_VAL(s);
            a->q.country = val;
        } else if (!strcmp(s, "--size-band")) {
            NEED_VAL(s);
            int b = ig_practice_size_band_parse(val);
            if (b < 0) return usage_word(s, val, "size_band");
            a->q.size_band = b;
        } else if (!strcmp(s, "--settlement")) {
            NEED_VAL(s);
            if (!in_vocab("settlement", val))
                return usage_word(s, val, "settlement");
            a->q.settlement = val;
        } else if (!strcmp(s, "--evidence")) {
            NEED_VAL(s);
            const char *const *v = ig_practice_vocabulary("evidence");
            int k;
            for (k = 0; v[k] && strcmp(v[k], val); k++) {}
            if (!v[k]) return usage_word(s, val, "evidence");
            a->q.evidence_min = (ig_practice_evidence)k;
        } else if (!strcmp(s, "--text")) {
            NEED_VAL(s);
            a->q.text = val;
        } else if (!strcmp(s, "--limit")) {
            NEED_VAL(s);
            char *e;
            long k = strtol(val, &e, 10);
            if (*e || k < 1) {
                cli_usage_error("practices", "--limit must be a whole number "
                                             ">= 1, not '%s'", val);
                return 0;
            }
            a->q.limit = (size_t)k;
        } else if (!strcmp(s, "--like")) {
            NEED_VAL(s);
            a->like = val;
        } else if (!strcmp(s, "--grid")) {
            NEED_VAL(s);
            a->grid = val;
        } else if (!strcmp(s, "--place")) {
            NEED_VAL(s);
            a->place = val;
        } else if (!strcmp(s, "--native")) {
            NEED_VAL(s);
            a->native = val;
        } else if (!strcmp(s, "--format")) {
            NEED_VAL(s);
            if (!parse_format(val, &a->format)) {
                cli_usage_error("practices", "unknown --format '%s'; use "
                                             "table, csv or json", val);
                return 0;
            }
        } else if (a->grid) {
            a->pass[a->n_pass++] = argv[i]; /* checked by the shared parser */
        } else {
            cli_usage_error("practices", "unknown option '%s'", s);
            return 0;
        }
#undef NEED_VAL
    }
    if (a->help) {
        cli_practices_print_help(stdout);
        *code = CLI_EXIT_OK;
        return 0;
    }
    if (!a->sub) {
        cli_usage_error("practices", "say what to do: search, show, validate "
                                     "or vocabulary");
        return 0;
    }
    const char *sub = a->sub;
    if (!strcmp(sub, "search")) {
        if (a->n_files) {
            cli_usage_error("practices", "search takes no file argument "
                                         "('%s'); use --file or --like",
                            a->files[0]);
            return 0;
        }
        if (a->like && a->grid) {
            cli_usage_error("practices", "give --like ANSWERS or --grid FILE "
                                         "--place ID, not both");
            return 0;
        }
        if (!a->grid != !a->place) {
            cli_usage_error("practices", "--grid FILE and --place ID go "
                                         "together");
            return 0;
        }
    } else if (!strcmp(sub, "show")) {
        if (a->n_files != 1) {
            cli_usage_error("practices", "show takes one practice ID");
            return 0;
        }
    } else if (!strcmp(sub, "validate")) {
        if (a->n_files != 1) {
            cli_usage_error("practices", "validate takes one FILE");
            return 0;
        }
    } else if (!strcmp(sub, "vocabulary")) {
        if (a->n_files) {
            cli_usage_error("practices", "vocabulary takes no argument");
            return 0;
        }
    } else if (!strcmp(sub, "import") || !strcmp(sub, "export")) {
        int imp = !strcmp(sub, "import");
        if (!a->data) {
            cli_usage_error("practices", "%s needs --data DIR (the store of "
                                         "'integrid serve')",
                            sub);
            return 0;
        }
        if (imp ? a->n_files != 1 : a->n_files != 0) {
            cli_usage_error("practices", imp ? "import takes one FILE"
                                             : "export takes no argument; "
                                               "use -o FILE");
            return 0;
        }
    } else {
        cli_usage_error("practices", "unknown practices command '%s'; use "
                                     "search, show, validate, vocabulary, "
                                     "import or export",
                        sub);
        return 0;
    }
    if (a->data && a->kb_file) {
        cli_usage_error("practices", "give --file FILE or --data DIR, not "
                                     "both");
        return 0;
    }
    if (strcmp(sub, "search") != 0 &&
        (a->like || a->grid || a->place || a->native)) {
        cli_usage_error("practices", "--like, --grid and --place are "
                                     "options of search");
        return 0;
    }
    return 1;
}

static cli_format pick_format(cli_format f, const cli_out *out)
{
    if (f != CLI_FMT_DEFAULT) return f;
    return cli_out_is_tty(out) ? CLI_FMT_TABLE : CLI_FMT_CSV;
}

/* The store of `integrid serve` in DIR (created when absent), or NULL
 * after reporting why. */
static ig_store *open_store(cli_env *env, ig_ctx *ctx, const char *dir)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/integrid.sqlite", dir) >=
        sizeof path) {
        cli_error(env, "--data %s: path too long", dir);
        return NULL;
    }
    ig_store *s = NULL;
    ig_error err = {0};
    ig_status st = ig_store_open(ctx, path, &s, &err);
    if (st != IG_OK) {
        cli_report(env, st, &err, path);
        return NULL;
    }
    return s;
}

/* The practices set NAME of the store in DIR, parsed. */
static ig_practices *load_stored(cli_env *env, ig_ctx *ctx, const char *dir,
                                 const char *name)
{
    ig_store *s = open_store(env, ctx, dir);
    if (!s) return NULL;
    char *doc = NULL;
    ig_error err = {0};
    ig_practices *kb = NULL;
    ig_status st = ig_store_practices_get(s, name, &doc, &err);
    if (st == IG_OK)
        st = ig_practices_parse(ctx, doc, strlen(doc), name, &kb, &err);
    if (st != IG_OK) cli_report(env, st, &err, NULL);
    ig_store_free(ctx, doc, 0);
    ig_store_close(s);
    return st == IG_OK ? kb : NULL;
}

static ig_practices *load_kb(cli_env *env, ig_ctx *ctx, const pr_args *a,
                             const char *file)
{
    if (a->data && !file)
        return load_stored(env, ctx, a->data, a->set ? a->set : "local");
    ig_practices *kb = NULL;
    ig_error err = {0};
    ig_status st = file ? ig_practices_read(ctx, file, &kb, &err)
                        : ig_practices_builtin(ctx, &kb, &err);
    if (st != IG_OK) {
        cli_report(env, st, &err, file);
        return NULL;
    }
    return kb;
}

/* Read a whole file into memory (NUL-terminated); NULL after reporting. */
static char *slurp(cli_env *env, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        cli_error(env, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 65536, n = 0;
    char *buf = cli_xmalloc(cap);
    for (;;) {
        if (n + 1 >= cap) buf = cli_xrealloc(buf, cap *= 2);
        size_t k = fread(buf + n, 1, cap - n - 1, f);
        n += k;
        if (k == 0) break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        cli_error(env, "%s: read error", path);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    if (strlen(buf) != n) {
        cli_error(env, "%s: contains a NUL byte: not a practices file", path);
        free(buf);
        return NULL;
    }
    return buf;
}

/* practices import FILE --data DIR [--set NAME]: check FILE and keep it,
 * byte for byte, as set NAME ("local") of the store. */
static int run_import(cli_env *env, ig_ctx *ctx, const pr_args *a)
{
    char *doc = slurp(env, a->files[0]);
    if (!doc) return CLI_EXIT_ERROR;
    /* check it first under its own name, so errors point into FILE */
    ig_practices *kb = NULL;
    ig_error perr = {0};
    ig_status pst = ig_practices_parse(ctx, doc, strlen(doc), a->files[0], &kb,
                                       &perr);
    ig_practices_destroy(kb);
    if (pst != IG_OK) {
        cli_report(env, pst, &perr, a->files[0]);
        free(doc);
        return CLI_EXIT_ERROR;
    }
    ig_store *s = open_store(env, ctx, a->data);
    int rc = CLI_EXIT_ERROR;
    if (s) {
        ig_error err = {0};
        const char *name = a->set ? a->set : "local";
        ig_status st = ig_store_practices_put(s, name, doc, &err);
        if (st == IG_OK) {
            rc = CLI_EXIT_OK;
            if (!a->quiet)
                fprintf(stderr, "integrid: practices: %s stored as set '%s' "
                                "in %s/integrid.sqlite\n",
                        a->files[0], name, a->data);
        } else {
            /* the parse error names the set; say which file it came from */
            cli_report(env, st, &err, a->files[0]);
        }
        ig_store_close(s);
    }
    free(doc);
    return rc;
}

/* practices export --data DIR [--set NAME] [-o FILE]: the stored set, byte
 * for byte. */
static int run_export(cli_env *env, ig_ctx *ctx, const pr_args *a)
{
    ig_store *s = open_store(env, ctx, a->data);
    if (!s) return CLI_EXIT_ERROR;
    char *doc = NULL;
    ig_error err = {0};
    ig_status st = ig_store_practices_get(s, a->set ? a->set : "local", &doc,
                                          &err);
    ig_store_close(s);
    if (st != IG_OK) {
        cli_report(env, st, &err, NULL);
        return CLI_EXIT_ERROR;
    }
    cli_out out;
    int rc = CLI_EXIT_ERROR;
    if (cli_out_open(env, &out, a->output)) {
        fputs(doc, out.fp);
        rc = cli_out_commit(env, &out) ? CLI_EXIT_OK : CLI_EXIT_ERROR;
    }
    ig_store_free(ctx, doc, 0);
    return rc;
}

/* ---- places like mine ---------------------------------------------------- */

/* What we know of the user's place. */
typedef struct like_place {
    const char *label; /* how to name it in the output */
    double population, foreign_share;
    const char *settlement;
    char buf[256];
} like_place;

static int like_from_answers(cli_env *env, ig_ctx *ctx, const char *path,
                             like_place *lp, ig_policy_assessment **keep)
{
    ig_error err = {0};
    ig_policy_assessment *as = NULL;
    ig_status st = ig_policy_assessment_read(ctx, path, &as, &err);
    if (st != IG_OK) {
        cli_report(env, st, &err, path);
        return 0;
    }
    ig_policy_assessment_info ai;
    ig_policy_assessment_get_info(as, &ai);
    lp->population = ai.population;
    lp->foreign_share = ai.foreign_share;
    lp->settlement = ai.settlement[0] ? ai.settlement : NULL;
    snprintf(lp->buf, sizeof lp->buf, "%s",
             ai.place_name[0] ? ai.place_name
             : ai.place_id[0] ? ai.place_id
                              : path);
    lp->label = lp->buf;
    *keep = as; /* strings borrowed from it */
    if (!isfinite(lp->population) && !isfinite(lp->foreign_share) &&
        !lp->settlement)
        cli_warn(env, "%s gives no population, foreign_share or "
                      "settlement: the practices keep file order",
                 path);
    return 1;
}

static int like_from_grid(cli_env *env, ig_ctx *ctx, const pr_args *a,
                          like_place *lp)
{
    int argc2 = 4 + a->n_pass;
    char **argv2 = cli_xmalloc((size_t)(argc2 + 1) * sizeof *argv2);
    char *own[4] = {cli_xstrdup("practices"), cli_xstrdup(a->grid),
                    cli_xstrdup("--place"), cli_xstrdup(a->place)};
    for (int i = 0; i < 4; i++) argv2[i] = own[i];
    for (int i = 0; i < a->n_pass; i++) argv2[4 + i] = a->pass[i];
    argv2[argc2] = NULL;
    cli_opts o;
    int code, ok = 0;
    ig_grid *grid = NULL;
    ig_placeset *ps = NULL;
    /* the shared table lists read and place options for `policy`, the
     * command whose --grid this mirrors */
    if (!cli_opts_parse(CLI_CMD_practices, argc2, argv2, &o, &code)) {
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
    const ig_placeset_row *r = ig_placeset_get(ps, row);
    size_t ng = ig_grid_ngroups(grid);
    size_t nat = ig_grid_group_index(grid, a->native ? a->native : "NAT");
    if (nat == (size_t)-1) {
        if (a->native) {
            cli_error(env, "--native %s is not a group of %s", a->native,
                      a->grid);
            goto done;
        }
        nat = 0;
    }
    lp->population = r->population;
    lp->foreign_share = r->population > 0 && nat < ng
                            ? 1.0 - r->groups[nat] / r->population
                            : (double)NAN;
    lp->settlement = ig_practice_settlement_of_class(r->cls);
    snprintf(lp->buf, sizeof lp->buf, "%s%s%s (%s)", r->name[0] ? r->name : "",
             r->name[0] ? " " : "", r->id, r->cls[0] ? r->cls : "no class");
    lp->label = lp->buf;
    ok = 1;
done:
    ig_placeset_destroy(ps);
    ig_grid_destroy(grid);
    cli_opts_free(&o);
    for (int i = 0; i < 4; i++) free(own[i]);
    free(argv2);
    return ok;
}

/* ---- output -------------------------------------------------------------- */

static void points_str(const ig_practice *p, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < p->n_points && len + 4 < cap; k++)
        len += (size_t)snprintf(buf + len, cap - len, "%s%d", k ? ";" : "",
                                p->points[k]);
}

static void list_str(const char *const *v, size_t n, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < n && len + 2 < cap; k++)
        len += (size_t)snprintf(buf + len, cap - len, "%s%s", k ? ";" : "",
                                v[k]);
}

static void json_list(FILE *fp, const char *const *v, size_t n)
{
    fputc('[', fp);
    for (size_t k = 0; k < n; k++) {
        if (k) fputs(", ", fp);
        cli_json_str(fp, v[k]);
    }
    fputc(']', fp);
}

static void json_practice(FILE *fp, const ig_practice *p)
{
    fputs("{\"id\": ", fp);
    cli_json_str(fp, p->id);
    fputs(", \"title\": ", fp);
    cli_json_str(fp, p->title);
    fputs(", \"place\": ", fp);
    cli_json_str(fp, p->place);
    fputs(", \"country\": ", fp);
    cli_json_str(fp, p->country);
    fputs(", \"points\": [", fp);
    for (size_t k = 0; k < p->n_points; k++)
        fprintf(fp, "%s%d", k ? ", " : "", p->points[k]);
    fputs("], \"sector\": ", fp);
    cli_json_str(fp, p->sector);
    fputs(", \"tags\": ", fp);
    json_list(fp, p->tags, p->n_tags);
    fputs(", \"target_groups\": ", fp);
    json_list(fp, p->target_groups, p->n_targets);
    fprintf(fp, ", \"size_band\": \"%s\", \"settlement\": \"%s\"",
            ig_practice_size_band_label(p->size_band), p->settlement);
    fputs(", \"population\": ", fp);
    cli_json_num(fp, p->population);
    fputs(", \"foreign_share\": ", fp);
    cli_json_num(fp, p->foreign_share);
    fputs(", \"period\": ", fp);
    cli_json_str(fp, p->period);
    fprintf(fp, ", \"evidence_level\": \"%s\", \"summary\": ",
            ig_practice_evidence_name(p->evidence));
    cli_json_str(fp, p->summary);
    fputs(", \"source_title\": ", fp);
    cli_json_str(fp, p->source_title);
    fputs(", \"source_url\": ", fp);
    cli_json_str(fp, p->source_url);
    fputs(", \"licence\": ", fp);
    cli_json_str(fp, p->licence);
    fprintf(fp, ", \"verified\": %s}", p->verified ? "true" : "false");
}

static void diff_str(int d, char *buf, size_t cap)
{
    if (d < 0) snprintf(buf, cap, "?");
    else snprintf(buf, cap, "%d", d);
}

static int run_search(cli_env *env, ig_ctx *ctx, pr_args *a)
{
    ig_practices *kb = load_kb(env, ctx, a, a->kb_file);
    if (!kb) return CLI_EXIT_ERROR;
    int rc = CLI_EXIT_ERROR;
    ig_policy_assessment *as = NULL;
    ig_practice_match *m = NULL;
    size_t n = 0;
    like_place lp;
    memset(&lp, 0, sizeof lp);
    lp.population = NAN;
    lp.foreign_share = NAN;
    int like = a->like || a->grid;
    if (a->like && !like_from_answers(env, ctx, a->like, &lp, &as)) goto done;
    if (a->grid && !like_from_grid(env, ctx, a, &lp)) goto done;
    if (like) {
        a->q.like = 1;
        a->q.like_population = lp.population;
        a->q.like_foreign_share = lp.foreign_share;
        a->q.like_settlement = lp.settlement;
    }
    ig_error err = {0};
    ig_status st = ig_practices_search(ctx, kb, &a->q, &m, &n, &err);
    if (st != IG_OK) {
        cli_report(env, st, &err, NULL);
        goto done;
    }
    cli_out out;
    if (!cli_out_open(env, &out, a->output)) goto done;
    FILE *fp = out.fp;
    cli_format fmt = pick_format(a->format, &out);
    ig_practices_info in;
    ig_practices_get_info(kb, &in);
    char band[32] = "?", share[32] = "?";
    if (like) {
        int b = ig_practice_size_band(lp.population);
        if (b >= 0) snprintf(band, sizeof band, "%s", ig_practice_size_band_label(b));
        int s = ig_bench_share_band(lp.foreign_share);
        if (s >= 0) snprintf(share, sizeof share, "%s", ig_bench_share_band_label(s));
    }
    if (fmt == CLI_FMT_CSV) {
        fputs("id,title,place,country,points,sector,tags,target_groups,"
              "size_band,settlement,evidence_level,verified,source_url",
              fp);
        fputs(like ? ",same_settlement,size_band_diff,share_band_diff\n" : "\n",
              fp);
    } else if (fmt == CLI_FMT_JSON) {
        fputs("{\"knowledge_base\": ", fp);
        cli_json_str(fp, in.version);
        fputs(", \"notice\": ", fp);
        cli_json_str(fp, in.notice);
        if (like) {
            fputs(", \"like\": {\"place\": ", fp);
            cli_json_str(fp, lp.label);
            fputs(", \"population\": ", fp);
            cli_json_num(fp, lp.population);
            fputs(", \"foreign_share\": ", fp);
            cli_json_num(fp, lp.foreign_share);
            fputs(", \"settlement\": ", fp);
            if (lp.settlement) cli_json_str(fp, lp.settlement);
            else fputs("null", fp);
            fputc('}', fp);
        }
        fprintf(fp, ", \"count\": %zu, \"practices\": [", n);
    } else {
        if (like)
            fprintf(fp, "places like %s: %s, population band %s, foreign-born "
                        "share band %s\n\n",
                    lp.label, lp.settlement ? lp.settlement : "settlement ?",
                    band, share);
        fprintf(fp, "%zu practice%s\n", n, n == 1 ? "" : "s");
    }
    for (size_t i = 0; i < n; i++) {
        const ig_practice *p = ig_practice_get(kb, m[i].index);
        char pts[64], tags[256], tg[256];
        points_str(p, pts, sizeof pts);
        list_str(p->tags, p->n_tags, tags, sizeof tags);
        list_str(p->target_groups, p->n_targets, tg, sizeof tg);
        if (fmt == CLI_FMT_CSV) {
            cli_csv_str(fp, p->id);
            fputc(',', fp);
            cli_csv_str(fp, p->title);
            fputc(',', fp);
            cli_csv_str(fp, p->place);
            fprintf(fp, ",%s,%s,%s,%s,%s,%s,%s,%s,%d,", p->country, pts,
                    p->sector, tags, tg,
                    ig_practice_size_band_label(p->size_band), p->settlement,
                    ig_practice_evidence_name(p->evidence), p->verified);
            cli_csv_str(fp, p->source_url);
            if (like) {
                char d1[16], d2[16], d3[16];
                diff_str(m[i].same_settlement, d1, sizeof d1);
                diff_str(m[i].size_band_diff, d2, sizeof d2);
                diff_str(m[i].share_band_diff, d3, sizeof d3);
                fprintf(fp, ",%s,%s,%s", m[i].same_settlement < 0 ? "" : d1,
                        m[i].size_band_diff < 0 ? "" : d2,
                        m[i].share_band_diff < 0 ? "" : d3);
            }
            fputc('\n', fp);
        } else if (fmt == CLI_FMT_JSON) {
            fputs(i ? ",\n  " : "\n  ", fp);
            if (like)
                fprintf(fp, "{\"same_settlement\": %d, \"size_band_diff\": %d, "
                            "\"share_band_diff\": %d, \"practice\": ",
                        m[i].same_settlement, m[i].size_band_diff,
                        m[i].share_band_diff);
            json_practice(fp, p);
            if (like) fputc('}', fp);
        } else {
            fprintf(fp, "\n%s  %s\n  %s, %s (%s, %s)  points %s  %s\n", p->id,
                    p->title, p->place, p->country,
                    ig_practice_size_band_label(p->size_band), p->settlement,
                    pts, ig_practice_evidence_name(p->evidence));
            if (like) {
                char d2[16], d3[16];
                diff_str(m[i].size_band_diff, d2, sizeof d2);
                diff_str(m[i].share_band_diff, d3, sizeof d3);
                fprintf(fp, "  like yours: settlement %s, size bands apart "
                            "%s, share bands apart %s\n",
                        m[i].same_settlement > 0   ? "same"
                        : m[i].same_settlement == 0 ? "different"
                                                    : "?",
                        d2, d3);
            }
            fprintf(fp, "  %s%s\n", p->source_url,
                    p->verified ? "" : "  (source not verified)");
        }
    }
    if (fmt == CLI_FMT_JSON) fputs(n ? "\n]}\n" : "]}\n", fp);
    else if (fmt == CLI_FMT_TABLE && n)
        fprintf(fp, "\n%s\n", in.notice);
    rc = cli_out_commit(env, &out) ? CLI_EXIT_OK : CLI_EXIT_ERROR;
done:
    ig_practices_matches_free(ctx, m, n);
    ig_policy_assessment_destroy(as);
    ig_practices_destroy(kb);
    return rc;
}

static int run_show(cli_env *env, ig_ctx *ctx, const pr_args *a)
{
    ig_practices *kb = load_kb(env, ctx, a, a->kb_file);
    if (!kb) return CLI_EXIT_ERROR;
    size_t i = ig_practice_find(kb, a->files[0]);
    if (i == (size_t)-1) {
        cli_error(env, "no practice \"%s\"; list them with 'integrid "
                       "practices search'",
                  a->files[0]);
        ig_practices_destroy(kb);
        return CLI_EXIT_ERROR;
    }
    const ig_practice *p = ig_practice_get(kb, i);
    cli_out out;
    if (!cli_out_open(env, &out, a->output)) {
        ig_practices_destroy(kb);
        return CLI_EXIT_ERROR;
    }
    FILE *fp = out.fp;
    if (a->format == CLI_FMT_JSON) {
        json_practice(fp, p);
        fputc('\n', fp);
    } else {
        char pts[64], tags[256], tg[256];
        points_str(p, pts, sizeof pts);
        list_str(p->tags, p->n_tags, tags, sizeof tags);
        list_str(p->target_groups, p->n_targets, tg, sizeof tg);
        fprintf(fp, "%s\n%s\n\n%s\n\n", p->id, p->title, p->summary);
        fprintf(fp, "place:          %s, %s (%s, %s)\n", p->place, p->country,
                ig_practice_size_band_label(p->size_band), p->settlement);
        if (p->period[0]) fprintf(fp, "period:         %s\n", p->period);
        fprintf(fp, "points:         %s\nsector:         %s\ntags:           "
                    "%s\ntarget groups:  %s\nevidence:       %s\n",
                pts, p->sector, tags, tg, ig_practice_evidence_name(p->evidence));
        fprintf(fp, "source:         %s\n                %s%s\nlicence:        "
                    "%s\n",
                p->source_title, p->source_url,
                p->verified ? "" : "  (not verified)", p->licence);
    }
    int rc = cli_out_commit(env, &out) ? CLI_EXIT_OK : CLI_EXIT_ERROR;
    ig_practices_destroy(kb);
    return rc;
}

static int run_validate(cli_env *env, ig_ctx *ctx, const pr_args *a)
{
    ig_practices *kb = load_kb(env, ctx, a, a->files[0]);
    if (!kb) return CLI_EXIT_ERROR;
    ig_practices_info in;
    ig_practices_get_info(kb, &in);
    size_t nv = 0;
    for (size_t i = 0; i < in.n_practices; i++)
        nv += ig_practice_get(kb, i)->verified != 0;
    printf("%s: valid: practices version %s, %zu practices (%zu with a "
           "verified source)\n",
           a->files[0], in.version, in.n_practices, nv);
    ig_practices_destroy(kb);
    return CLI_EXIT_OK;
}

static int run_vocabulary(cli_env *env, const pr_args *a)
{
    static const char *const which[] = {"sector", "tag", "target_group",
                                        "settlement", "size_band", "evidence",
                                        NULL};
    cli_out out;
    if (!cli_out_open(env, &out, a->output)) return CLI_EXIT_ERROR;
    FILE *fp = out.fp;
    cli_format fmt = pick_format(a->format, &out);
    if (fmt == CLI_FMT_CSV) fputs("vocabulary,word\n", fp);
    else if (fmt == CLI_FMT_JSON) fputc('{', fp);
    for (int w = 0; which[w]; w++) {
        const char *const *v = ig_practice_vocabulary(which[w]);
        if (fmt == CLI_FMT_JSON) fprintf(fp, "%s\"%s\": [", w ? ", " : "", which[w]);
        else if (fmt == CLI_FMT_TABLE) fprintf(fp, "%-13s", which[w]);
        for (int k = 0; v[k]; k++) {
            if (fmt == CLI_FMT_CSV) fprintf(fp, "%s,%s\n", which[w], v[k]);
            else if (fmt == CLI_FMT_JSON) {
                if (k) fputs(", ", fp);
                cli_json_str(fp, v[k]);
            } else fprintf(fp, "%s%s", k ? ", " : "", v[k]);
        }
        if (fmt == CLI_FMT_JSON) fputc(']', fp);
        else if (fmt == CLI_FMT_TABLE) fputc('\n', fp);
    }
    if (fmt == CLI_FMT_JSON) fputs("}\n", fp);
    return cli_out_commit(env, &out) ? CLI_EXIT_OK : CLI_EXIT_ERROR;
}

int cli_cmd_practices(int argc, char **argv)
{
    pr_args a;
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
    cli_env_init(&env, "practices", &o);
    int rc = CLI_EXIT_ERROR;
    ig_ctx *ctx = cli_make_ctx(&env, &o);
    if (ctx) {
        if (!strcmp(a.sub, "search")) rc = run_search(&env, ctx, &a);
        else if (!strcmp(a.sub, "show")) rc = run_show(&env, ctx, &a);
        else if (!strcmp(a.sub, "validate")) rc = run_validate(&env, ctx, &a);
        else if (!strcmp(a.sub, "import")) rc = run_import(&env, ctx, &a);
        else if (!strcmp(a.sub, "export")) rc = run_export(&env, ctx, &a);
        else rc = run_vocabulary(&env, &a);
        ig_ctx_destroy(ctx);
    }
    cli_env_free(&env);
    free(a.files);
    free(a.pass);
    return rc;
}
