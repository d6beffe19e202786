# Local (per-cell) measures, hot spots (Gi*) and LISA: registry and driver
# (local.c), composition measures and the centralization gap
# (local_compose.c), Gi*/FDR/local Moran's I (local_stats.c), GeoTIFF output
# through GDAL when built with it (local_gdal.c).
target_sources(integrid_lib PRIVATE
  src/spatial/local.c
  src/spatial/local_compose.c
  src/spatial/local_stats.c
  src/spatial/local_gdal.c
)
