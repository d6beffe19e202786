/* `integrid compare A B`: read both grids with the same read options, hand
 * them to ig_compare_grids() and print one row per place, measure and
 * group: place,measure,group,value_a,value_b,difference,ci_low,ci_high,
 * p_value (a contract, docs/inference.md). JSON and the table carry the
 * same rows. An unknown --measures name is a usage error (2); different
 * groups, CRS or cell sizes and grids without a common place are runtime
 * errors (1). */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "cli/cli.h"
#include "integrid/ig_compare.h"

static const char *const col_names[] = {"value_a", "value_b", "difference",
                                        "ci_low",  "ci_high", "p_value"};

static void row_values(const ig_compare_row *r, double v[6])
{
    v[0] = r->value_a;
    v[1] = r->value_b;
    v[2] = r->difference;
    v[3] = r->ci_low;
    v[4] = r->ci_high;
    v[5] = r->p_value;
}

static void write_rows(FILE *fp, cli_format fmt, const ig_compare_result *res,
                       const ig_grid *g, const ig_compare_opts *co)
{
    size_t n = ig_compare_result_nrows(res);
    if (fmt == CLI_FMT_CSV) {
        fputs("place,measure,group", fp);
        for (size_t k = 0; k < 6; k++) fprintf(fp, ",%s", col_names[k]);
        fputc('\n', fp);
    } else if (fmt == CLI_FMT_JSON) {
        fprintf(fp, "{\"reps\": %d, \"seed\": %" PRIu64 ", \"level\": ",
                co->reps, co->seed);
        cli_json_num(fp, co->level);
        fputs(", \"rows\": [", fp);
    } else {
        fprintf(fp, "%-16s %-26s %-10s", "place", "measure", "group");
        for (size_t k = 0; k < 6; k++) fprintf(fp, " %11s", col_names[k]);
        fputc('\n', fp);
    }
    for (size_t i = 0; i < n; i++) {
        const ig_compare_row *r = ig_compare_result_row(res, i);
        const char *grp =
            r->group < 0 ? NULL : ig_grid_group_name(g, (size_t)r->group);
        double v[6];
        row_values(r, v);
        if (fmt == CLI_FMT_CSV) {
            cli_csv_str(fp, r->place);
            fputc(',', fp);
            cli_csv_str(fp, r->measure->name);
            fputc(',', fp);
            cli_csv_str(fp, grp ? grp : "");
            for (size_t k = 0; k < 6; k++) {
                fputc(',', fp);
                cli_csv_num(fp, v[k]);
            }
            fputc('\n', fp);
        } else if (fmt == CLI_FMT_JSON) {
            fputs(i ? ",\n  {\"place\": " : "\n  {\"place\": ", fp);
            cli_json_str(fp, r->place);
            fputs(", \"measure\": ", fp);
            cli_json_str(fp, r->measure->name);
            fputs(", \"group\": ", fp);
            if (grp)
                cli_json_str(fp, grp);
            else
                fputs("null", fp);
            for (size_t k = 0; k < 6; k++) {
                fprintf(fp, ", \"%s\": ", col_names[k]);
                cli_json_num(fp, v[k]);
            }
            fputc('}', fp);
        } else {
            fprintf(fp, "%-16s %-26s %-10s", r->place, r->measure->name,
                    grp ? grp : "-");
            for (size_t k = 0; k < 6; k++) {
                if (isfinite(v[k]))
                    fprintf(fp, " %11.6f", v[k]);
                else
                    fprintf(fp, " %11s", "n/a");
            }
            fputc('\n', fp);
        }
    }
    if (fmt == CLI_FMT_JSON) fputs(n ? "\n]}\n" : "]}\n", fp);
}

int cli_cmd_compare(int argc, char **argv)
{
    cli_opts o;
    int code;
    if (!cli_opts_parse(CLI_CMD_compare, argc, argv, &o, &code)) return code;
    for (size_t i = 0; i < o.n_only; i++) {
        const ig_measure_info *m = ig_measure_find(o.only[i]);
        if (!m) {
            cli_usage_error("compare",
                            "unknown measure '%s' in --measures (all: "
                            "'integrid measures --list')",
                            o.only[i]);
            cli_opts_free(&o);
            return CLI_EXIT_USAGE;
        }
    }
    ig_compare_opts co;
    ig_compare_opts_init(&co);
    co.measures = o.only;
    co.n_measures = o.n_only;
    co.params = o.params;
    co.na_as_zero = o.read.na_as_zero;
    if (o.reps_set) co.reps = o.params.reps;
    co.seed = o.params.seed;
    if (o.level > 0.0) co.level = o.level;
    cli_env env;
    cli_env_init(&env, "compare", &o);
    cli_out out;
    int out_open = 0;
    int rc = CLI_EXIT_ERROR;
    ig_ctx *ctx = NULL;
    ig_grid *ga = NULL, *gb = NULL;
    ig_compare_result *res = NULL;
    if (!cli_out_open(&env, &out, o.output)) goto done;
    out_open = 1;
    cli_format fmt = o.format;
    if (fmt == CLI_FMT_DEFAULT)
        fmt = cli_out_is_tty(&out) ? CLI_FMT_TABLE : CLI_FMT_CSV;
    ctx = cli_make_ctx(&env, &o);
    if (!ctx) goto done;
    ga = cli_read_grid_at(&env, ctx, &o, o.input);
    if (!ga) goto done;
    gb = cli_read_grid_at(&env, ctx, &o, o.input2);
    if (!gb) goto done;
    ig_error err = {0};
    co.progress = cli_progress_cb;
    co.progress_ud = &env.progress;
    cli_progress_phase(&env.progress, "replicates", 0);
    /* Ctrl-C stops the draws and keeps the places finished */
    cli_soft_interrupt(1);
    ig_status st = ig_compare_grids(ctx, ga, gb, &co, &res, &err);
    cli_soft_interrupt(0);
    cli_progress_clear(&env.progress);
    int partial = st == IG_ERR_CANCELLED && res && ig_compare_result_partial(res);
    if (st != IG_OK && !partial) {
        cli_report(&env, st, &err, NULL);
        if (st == IG_ERR_CANCELLED && cli_interrupted())
            rc = CLI_EXIT_INTERRUPTED;
        goto done;
    }
    write_rows(out.fp, fmt, res, ga, &co);
    out_open = 0;
    if (!cli_out_commit(&env, &out)) goto done;
    rc = CLI_EXIT_OK;
    if (partial) {
        cli_warn(&env, "interrupted: partial results: only the places "
                       "finished (%zu rows)",
                 ig_compare_result_nrows(res));
        rc = CLI_EXIT_INTERRUPTED;
    }
done:
    if (out_open) cli_out_abort(&out);
    ig_compare_result_destroy(res);
    ig_grid_destroy(ga);
    ig_grid_destroy(gb);
    ig_ctx_destroy(ctx);
    cli_env_free(&env);
    cli_opts_free(&o);
    return rc;
}
