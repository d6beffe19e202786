# The command-line tool: one file per subcommand, shared option parsing
# (opts.c), input (input.c), output and diagnostics (out.c, progress.c).
target_sources(integrid_cli PRIVATE
  src/cli/main.c
  src/cli/opts.c
  src/cli/input.c
  src/cli/out.c
  src/cli/progress.c
  src/cli/cmd_formats.c
  src/cli/cmd_info.c
  src/cli/cmd_measures.c
  src/cli/cmd_places.c
  src/cli/cmd_benchmark.c
  src/cli/cmd_profile.c
  src/cli/cmd_local.c
  src/cli/cmd_change.c
  src/cli/cmd_compare.c
  src/cli/placesel.c
)
