# Boundary files: the GeoJSON reader and the cell assignment on hand-made
# grids; real NUTS and Grenoble files are read when ../shared/data has them
# (the full EU 1 km grid only in the slow test).
ig_add_unit_test(geojson unit/test_geojson.c)
ig_add_unit_test(boundaries unit/test_boundaries.c)
ig_add_unit_test(boundaries_eu unit/test_boundaries_eu.c LABELS slow)
