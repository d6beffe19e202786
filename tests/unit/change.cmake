# Change decompositions (ig_change.h): R segregation's published schools
# example, parts adding up, IPF, hand cases, grid matching errors and
# allocation failure (test_change.c).
ig_add_unit_test(change unit/test_change.c)
