# Commands over the render and policy modules (issues #6, #7).
target_sources(integrid_cli PRIVATE
  src/cli/cmd_map.c
  src/cli/cmd_policy.c
  src/cli/cmd_report.c
  src/cli/cmd_practices.c
  src/cli/cmd_serve.c
)
