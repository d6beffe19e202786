# Places: DEGURBA rules on hand-made grids; the EU+EFTA smoke test is slow.
ig_add_unit_test(degurba unit/test_degurba.c)
ig_add_unit_test(degurba_eu unit/test_degurba_eu.c LABELS slow)
ig_add_unit_test(place_table unit/test_place_table.c)
# Aggregation to coarser cells (src/core/aggregate.c), used by DEGURBA.
ig_add_unit_test(aggregate unit/test_aggregate.c)
ig_add_unit_test(placeset unit/test_placeset.c)
