/* `integrid map`: IG_PLACEHOLDER until its module lands (issue #6). */
#include "cli/cli.h"

int cli_cmd_map(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_usage_error("map", "not built yet");
    return CLI_EXIT_ERROR;
}
