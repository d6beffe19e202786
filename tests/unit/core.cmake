ig_add_unit_test(core unit/test_core.c)
ig_add_unit_test(grid unit/test_grid.c)
ig_add_unit_test(cellcode unit/test_cellcode.c)
ig_add_unit_test(run unit/test_run.c)
