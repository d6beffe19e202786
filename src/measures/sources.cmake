# Measure sources: one file per measure, plus the registry and helpers.
target_sources(integrid_lib PRIVATE
  src/measures/registry.c
  src/measures/run.c
  src/measures/util.c
  src/measures/single/dissimilarity.c
  src/measures/single/gini.c
  src/measures/single/entropy.c
  src/measures/single/isolation.c
  src/measures/single/exposure.c
  src/measures/single/atkinson.c
  src/measures/single/correlation_ratio.c
  src/measures/single/concentration_profile.c
  src/measures/single/modified.c
  src/measures/single/bias_corrected_dissimilarity.c
  src/measures/single/density_corrected_dissimilarity.c
  src/measures/single/minmax.c
  src/measures/single/location_quotient_max.c
  src/measures/single/share.c
  src/measures/multi/multi_dissimilarity.c
  src/measures/multi/multi_gini.c
  src/measures/multi/multi_normalized_exposure.c
  src/measures/multi/information.c
  src/measures/multi/multi_relative_diversity.c
  src/measures/multi/multi_squared_coefficient_of_variation.c
  src/measures/multi/diversity.c
  src/measures/multi/simpsons.c
  src/measures/multi/decompose.c
  src/measures/spatial/environment.c
)
# Spatial measures on cell coordinates (contiguity, distance decay,
# centralization, concentration) bring their own fragment.
include(src/measures/spatial/spatial.cmake OPTIONAL)
include(src/measures/change/change.cmake OPTIONAL)
