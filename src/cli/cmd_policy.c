/* `integrid policy`: IG_PLACEHOLDER until its module lands (issue #7). */
#include "cli/cli.h"

int cli_cmd_policy(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_usage_error("policy", "not built yet");
    return CLI_EXIT_ERROR;
}
