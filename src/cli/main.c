/* `integrid`: dispatch to a subcommand.
 *
 * The command table comes from commands.def (h3's SUBCOMMAND list): the same
 * list gives dispatch, `integrid --help` and the per-command usage lines, so
 * a new command is one line there plus its cmd_<name>.c. `help` and
 * `version` are small enough to live here. Exit codes: 0 success, 1 runtime
 * error, 2 usage error. */
#include <errno.h>
#include <stdio.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <string.h>

#include "cli/cli.h"

typedef struct cli_cmd {
    const char *name;
    const char *usage;
    const char *summary;
    int (*run)(int argc, char **argv);
} cli_cmd;

static const cli_cmd commands[CLI_CMD_COUNT] = {
#define IG_CMD(name, usage, summary) {#name, usage, summary, cli_cmd_##name},
#include "cli/commands.def"
#undef IG_CMD
};

const char *cli_cmd_name(cli_cmd_id id)
{
    return commands[id].name;
}

const char *cli_cmd_usage(cli_cmd_id id)
{
    return commands[id].usage;
}

const char *cli_cmd_summary(cli_cmd_id id)
{
    return commands[id].summary;
}

static void print_main_help(FILE *fp)
{
    fputs(
        "Usage: integrid <command> [options] [FILE | -]\n"
        "\n"
        "Segregation, concentration and diversity measures on census "
        "population grids.\n"
        "\n"
        "Commands:\n",
        fp);
    for (int i = 0; i < CLI_CMD_COUNT; i++)
        fprintf(fp, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs(
        "\n"
        "Options:\n"
        "  -h, --help      show this help and exit\n"
        "      --version   print the version and exit\n"
        "\n"
        "Run 'integrid help <command>' for the options of a command.\n"
        "Example: integrid measures grid.csv --by CITY --format table\n"
        "Exit status: 0 success, 1 runtime error, 2 usage error.\n",
        fp);
}

/* Exit status after printing help or the version: 1 when standard output
 * could not take it (a full disk, a closed pipe with SIGPIPE ignored). */
static int stdout_status(const char *cmd)
{
    if (fflush(stdout) == 0 && !ferror(stdout)) return CLI_EXIT_OK;
    fprintf(stderr, "integrid: %s%scannot write to standard output: %s\n",
            cmd ? cmd : "", cmd ? ": " : "", strerror(errno ? errno : EIO));
    return CLI_EXIT_ERROR;
}

static int find_command(const char *name)
{
    for (int i = 0; i < CLI_CMD_COUNT; i++)
        if (strcmp(commands[i].name, name) == 0) return i;
    return -1;
}

static void unknown_command(const char *name)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (int i = 0; i < CLI_CMD_COUNT; i++) {
        size_t d = cli_edit_distance(name, commands[i].name);
        if (d < best_d) {
            best_d = d;
            best = commands[i].name;
        }
    }
    if (best && best_d <= 2)
        cli_usage_error(NULL, "unknown command '%s'; did you mean '%s'?", name,
                        best);
    else
        cli_usage_error(NULL, "unknown command '%s'", name);
}

int cli_cmd_version(int argc, char **argv)
{
    cli_opts o;
    int code;
    if (!cli_opts_parse(CLI_CMD_version, argc, argv, &o, &code)) return code;
    cli_opts_free(&o);
    printf("integrid %s\n", ig_version_string());
    return stdout_status("version");
}

int cli_cmd_help(int argc, char **argv)
{
    cli_opts o;
    int code;
    if (!cli_opts_parse(CLI_CMD_help, argc, argv, &o, &code)) return code;
    const char *topic = o.input;
    int rc = CLI_EXIT_OK;
    if (!topic) {
        print_main_help(stdout);
    } else {
        int c = find_command(topic);
        if (c < 0) {
            unknown_command(topic);
            rc = CLI_EXIT_USAGE;
        } else if (c == CLI_CMD_places) {
            cli_places_print_help(stdout);
        } else if (c == CLI_CMD_map) {
            cli_map_print_help(stdout);
        } else if (c == CLI_CMD_policy) {
            cli_policy_print_help(stdout);
        } else if (c == CLI_CMD_serve) {
            cli_serve_print_help(stdout);
        } else if (c == CLI_CMD_report) {
            cli_report_print_help(stdout);
        } else if (c == CLI_CMD_practices) {
            cli_practices_print_help(stdout);
        } else {
            cli_print_cmd_help((cli_cmd_id)c, stdout);
        }
    }
    cli_opts_free(&o);
    return rc == CLI_EXIT_OK ? stdout_status("help") : rc;
}

int main(int argc, char **argv)
{
#if defined(__GLIBC__)
    /* A batch tool: keep freed large blocks in the heap for the next
     * measure's scratch instead of returning them to the kernel and
     * faulting fresh pages in again (about 10 % of a run over the EU grid
     * went to page faults). */
    mallopt(M_MMAP_THRESHOLD, 512 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
#endif
    if (argc < 2) {
        print_main_help(stderr);
        return CLI_EXIT_USAGE;
    }
    const char *first = argv[1];
    if (strcmp(first, "--help") == 0 || strcmp(first, "-h") == 0) {
        print_main_help(stdout);
        return stdout_status(NULL);
    }
    if (strcmp(first, "--version") == 0) {
        printf("integrid %s\n", ig_version_string());
        return stdout_status(NULL);
    }
    if (first[0] == '-') {
        cli_usage_error(NULL, "expected a command before '%s'", first);
        return CLI_EXIT_USAGE;
    }
    int c = find_command(first);
    if (c < 0) {
        unknown_command(first);
        return CLI_EXIT_USAGE;
    }
    return commands[c].run(argc - 1, argv + 1);
}
