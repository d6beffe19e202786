# Places derived from grids: the Degree of Urbanisation (DEGURBA) classifier.
target_sources(integrid_lib PRIVATE
  src/places/degurba.c
  src/places/place_table.c
)
