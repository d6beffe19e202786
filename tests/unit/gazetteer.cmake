# Gazetteer and place names: the reader, naming on a hand-made grid, the
# built-in GeoNames gazetteer (skipped when not embedded), allocation
# failures; the same source built with IG_GAZETTEER_EU names the urban
# centres of the EU+EFTA grid (slow; skipped without ../shared/data).
ig_add_unit_test(gazetteer unit/test_gazetteer.c)
ig_add_unit_test(gazetteer_eu unit/test_gazetteer.c LABELS slow)
target_compile_definitions(test_gazetteer_eu PRIVATE IG_GAZETTEER_EU=1)
