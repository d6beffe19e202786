/* `integrid practices`: IG_PLACEHOLDER until the practice knowledge base
 * lands (issue #7). */
#include "cli/cli.h"

int cli_cmd_practices(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_usage_error("practices", "not built yet");
    return CLI_EXIT_ERROR;
}
