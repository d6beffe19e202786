# Inference: exact draws, seeds and threads, the random-allocation null of
# D, coverage of 95 % intervals over 1,000 simulations, a KS check of
# p-values under the null, the grid runner and failed allocations.
ig_add_unit_test(infer unit/test_infer.c)
ig_add_unit_test(infer_null unit/test_infer_null.c)
ig_add_unit_test(compare unit/test_compare.c)
