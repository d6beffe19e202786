# Single-group spatial measures on cell coordinates (src/measures/spatial/).
ig_add_unit_test(spatial_measures unit/test_spatial_measures.c)
