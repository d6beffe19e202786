/* Reading the input grid for `info` and `measures`: one place that maps
 * the parsed options onto ig_grid_read_path(), wires the progress bar and
 * turns a failure into the one-line error of the CLI contract. */
#include <string.h>

#include "cli/cli.h"

ig_grid *cli_read_grid(cli_env *env, ig_ctx *ctx, cli_opts *o)
{
    return cli_read_grid_at(env, ctx, o, o->input);
}

ig_grid *cli_read_grid_at(cli_env *env, ig_ctx *ctx, cli_opts *o,
                          const char *file)
{
    const char *path = file ? file : "-";
    ig_read_opts ro = o->read;
    const char *opt[4] = {o->land_area ? o->land_area : "LAND_SURFACE", "T",
                          o->movers ? o->movers : "CHG_OUT", o->area};
    if (cli_uses_places(o)) {
        ro.keep_optional = opt;
        ro.n_keep_optional = o->area ? 4 : 3;
    } else if (cli_uses_spatial(o)) {
        /* land areas for the concentration measures and delta */
        opt[1] = o->area ? o->area : "LAND_SURFACE";
        ro.keep_optional = opt + 1;
        ro.n_keep_optional = 1;
    }
    ro.progress = cli_progress_cb;
    ro.progress_ud = &env->progress;
    cli_progress_phase(&env->progress, "reading", 1);
    ig_grid *grid = NULL;
    ig_error err = {0};
    ig_status st = ig_grid_read_path(ctx, path, &ro, &grid, &err);
    cli_progress_clear(&env->progress);
    if (st != IG_OK) {
        cli_report(env, st, &err, strcmp(path, "-") == 0 ? "<stdin>" : path);
        ig_grid_destroy(grid);
        return NULL;
    }
    return grid;
}
