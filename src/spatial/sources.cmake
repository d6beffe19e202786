# The neighbourhood engine: kernels, focal sums (tiles; row runs, summed
# areas, direct or FFT convolution), k nearest residents (EquiPop).
target_sources(integrid_lib PRIVATE
  src/spatial/kernel.c
  src/spatial/focal.c
  src/spatial/focal_sum.c
  src/spatial/focal_fft.c
  src/spatial/focal_brute.c
  src/spatial/knn.c
  src/spatial/knn_index.c
)
# Local (per-cell) measures, hot spots and LISA bring their own fragment.
include(src/spatial/local.cmake OPTIONAL)
