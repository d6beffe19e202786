/* `integrid serve`: IG_PLACEHOLDER until its module lands (issue #8). */
#include "cli/cli.h"

int cli_cmd_serve(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_usage_error("serve", "not built yet");
    return CLI_EXIT_ERROR;
}
