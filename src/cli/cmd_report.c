/* `integrid report`: IG_PLACEHOLDER until its module lands (issue #6). */
#include "cli/cli.h"

int cli_cmd_report(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_usage_error("report", "not built yet");
    return CLI_EXIT_ERROR;
}
