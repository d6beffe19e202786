# k nearest residents (EquiPop): hand-computed cases, the fast search
# against the brute-force sort, thread and order independence, allocation
# failures and bad input.
ig_add_unit_test(knn unit/test_knn.c)
