target_sources(integrid_lib PRIVATE
  src/core/ctx.c
  src/core/status.c
  src/core/strtab.c
  src/core/threads.c
  src/core/cellcode.c
  src/core/grid.c
  src/core/rng.c
  src/core/regroup.c
)
# Aggregation to coarser cells (ig_grid_aggregate).
if(EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/src/core/aggregate.c")
  target_sources(integrid_lib PRIVATE src/core/aggregate.c)
endif()
