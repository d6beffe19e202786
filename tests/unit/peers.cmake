# Benchmarking: ranks, percentiles, medians, bands, peers and name look-up
# on hand-made tables with known answers.
ig_add_unit_test(peers unit/test_peers.c)
