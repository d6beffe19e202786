# Spatial single-group measures on cell coordinates: contiguity-adjusted
# dissimilarity, distance decay, centralization, concentration.
target_sources(integrid_lib PRIVATE
  src/measures/spatial/cells.c
  src/measures/spatial/contiguity.c
  src/measures/spatial/decay.c
  src/measures/spatial/centralization.c
  src/measures/spatial/concentration.c
)
