# Change between two grids and its decomposition (ig_change.h).
target_sources(integrid_lib PRIVATE
  src/measures/change/change.c
  src/measures/change/change_grid.c
  src/measures/change/change_class.c
)
