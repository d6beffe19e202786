ig_add_unit_test(rng unit/test_rng.c)
ig_add_unit_test(single unit/test_single.c)
ig_add_unit_test(multi unit/test_multi.c)
ig_add_unit_test(reference unit/test_reference.c LABELS reference)
