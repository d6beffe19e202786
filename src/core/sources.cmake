target_sources(integrid_lib PRIVATE
  src/core/ctx.c
  src/core/status.c
  src/core/strtab.c
  src/core/threads.c
  src/core/cellcode.c
  src/core/grid.c
  src/core/rng.c
)
