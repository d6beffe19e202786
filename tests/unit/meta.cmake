# Registry audit (STYLE.md 11.13 "meta"): every measure in measures.def has
# its docs page with the required sections and at least one golden case.
# The source directory is passed on the command line, so the test reads the
# checkout it was configured from.
add_executable(test_meta unit/test_meta.c)
target_link_libraries(test_meta PRIVATE ig_test_support integrid_lib)
ig_target_warnings(test_meta TEST)
add_test(NAME meta.measures
  COMMAND ${IG_TEST_WRAPPER} $<TARGET_FILE:test_meta> "${CMAKE_SOURCE_DIR}")
set_tests_properties(meta.measures PROPERTIES LABELS meta)
