/* `integrid formats`: the reader registry (ig_reader_count/ig_reader_get),
 * in registry order, which is also the order readers are tried in when the
 * format is detected (gdalinfo --formats). */
#include <string.h>

#include "cli/cli.h"

int cli_cmd_formats(int argc, char **argv)
{
    cli_opts o;
    int code;
    if (!cli_opts_parse(CLI_CMD_formats, argc, argv, &o, &code)) return code;
    cli_env env;
    cli_env_init(&env, "formats", &o);
    cli_out out;
    int rc = CLI_EXIT_ERROR;
    if (!cli_out_open(&env, &out, o.output)) goto done;

    size_t n = ig_reader_count();
    cli_format fmt = o.format;
    if (fmt == CLI_FMT_DEFAULT)
        fmt = cli_out_is_tty(&out) ? CLI_FMT_TABLE : CLI_FMT_CSV;
    FILE *fp = out.fp;

    if (fmt == CLI_FMT_JSON) {
        fputs("{\"formats\": [", fp);
        for (size_t i = 0; i < n; i++) {
            const ig_reader_info *r = ig_reader_get(i);
            if (!r) continue;
            fputs(i ? ",\n  {\"name\": " : "\n  {\"name\": ", fp);
            cli_json_str(fp, r->name);
            fputs(", \"extensions\": ", fp);
            cli_json_str(fp, r->extensions);
            fputs(", \"description\": ", fp);
            cli_json_str(fp, r->long_name);
            fputc('}', fp);
        }
        fputs(n ? "\n]}\n" : "]}\n", fp);
    } else if (fmt == CLI_FMT_CSV) {
        fputs("name,extensions,description\n", fp);
        for (size_t i = 0; i < n; i++) {
            const ig_reader_info *r = ig_reader_get(i);
            if (!r) continue;
            cli_csv_str(fp, r->name);
            fputc(',', fp);
            cli_csv_str(fp, r->extensions);
            fputc(',', fp);
            cli_csv_str(fp, r->long_name);
            fputc('\n', fp);
        }
    } else {
        size_t wn = strlen("name"), we = strlen("extensions");
        for (size_t i = 0; i < n; i++) {
            const ig_reader_info *r = ig_reader_get(i);
            if (!r) continue;
            if (cli_utf8_width(r->name) > wn) wn = cli_utf8_width(r->name);
            if (cli_utf8_width(r->extensions) > we)
                we = cli_utf8_width(r->extensions);
        }
        cli_pad(fp, "name", wn + 2, 0);
        cli_pad(fp, "extensions", we + 2, 0);
        fputs("description\n", fp);
        for (size_t i = 0; i < n; i++) {
            const ig_reader_info *r = ig_reader_get(i);
            if (!r) continue;
            cli_pad(fp, r->name, wn + 2, 0);
            cli_pad(fp, r->extensions, we + 2, 0);
            fprintf(fp, "%s\n", r->long_name);
        }
        if (n == 0) fputs("(no readers compiled in)\n", fp);
    }
    rc = cli_out_commit(&env, &out) ? CLI_EXIT_OK : CLI_EXIT_ERROR;
done:
    cli_env_free(&env);
    cli_opts_free(&o);
    return rc;
}
