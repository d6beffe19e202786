# Neighbourhood engine: kernels, scales and input checks (kernel), focal
# sums against hand-computed grids and the brute-force reference (focal).
ig_add_unit_test(kernel unit/test_kernel.c)
ig_add_unit_test(focal unit/test_focal.c)
