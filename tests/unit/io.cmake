# I/O tests: features, error cases, and the real data in ../shared/data
# (skipped when missing; the 1.9 M-row EU file is labelled slow).
ig_add_unit_test(io unit/test_io.c)
ig_add_unit_test(io_errors unit/test_io_errors.c)
ig_add_unit_test(io_real unit/test_io_real.c)
ig_add_unit_test(io_eu unit/test_io_eu.c LABELS slow)
