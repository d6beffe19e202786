# Places from boundary files (GeoJSON natively, other formats through GDAL)
# and the assignment of grid cells to them (docs/places/boundaries.md).
target_sources(integrid_lib PRIVATE
  src/places/boundaries.c
  src/places/geojson.c
  src/places/gdal_read.c
  src/places/polygon.c
)
