# Places derived from grids: the Degree of Urbanisation (DEGURBA) classifier.
target_sources(integrid_lib PRIVATE
  src/places/degurba.c
  src/places/place_table.c
  src/places/placeset.c
  src/places/common.c
)
# Boundary files (GeoJSON, GDAL), the gazetteer of place names, and peer
# benchmarking each bring their own fragment.
include(src/places/boundaries.cmake OPTIONAL)
include(src/places/gazetteer.cmake OPTIONAL)
include(src/places/peers.cmake OPTIONAL)
