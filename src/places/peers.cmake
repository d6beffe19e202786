# Benchmarking a place against classes, bands and its nearest peers
# (include/integrid/ig_peers.h, docs/benchmarking.md).
target_sources(integrid_lib PRIVATE src/places/peers.c)
