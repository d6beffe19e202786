target_sources(integrid_cli PRIVATE
  src/cli/main.c
)
