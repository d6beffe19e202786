# Local measures: per-cell computations on hand-made compositions, Gi*,
# Benjamini-Hochberg, local Moran's I (permutations, seeds, threads), the
# registry, argument checks and allocation failure (test_local.c); the same
# measures end to end through the neighbourhood engine, skipped while it is
# not built in (test_local_run.c).
ig_add_unit_test(local unit/test_local.c)
ig_add_unit_test(local_run unit/test_local_run.c)
# The GeoTIFF test reads the file back through GDAL when built with it.
if(IG_HAVE_GDAL)
  target_link_libraries(test_local_run PRIVATE PkgConfig::GDAL)
endif()
