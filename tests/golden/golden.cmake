# Golden numerical cases: one ctest test golden.<id> per measure of
# src/measures/measures.def, running every tests/golden/<id>/*.case through
# golden_runner (format: tests/golden/README.md). The ids come from
# measures.def, so a new measure gets a (failing) test until it has cases.
add_executable(golden_runner golden/golden_runner.c)
target_link_libraries(golden_runner PRIVATE ig_test_support integrid_lib)
ig_target_warnings(golden_runner TEST)

file(READ "${CMAKE_SOURCE_DIR}/src/measures/measures.def" _ig_def)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  "${CMAKE_SOURCE_DIR}/src/measures/measures.def")
string(REGEX MATCHALL "\nIG_MEASURE\\([a-z0-9_]+," _ig_lines "${_ig_def}")
foreach(_l IN LISTS _ig_lines)
  string(REGEX REPLACE "\nIG_MEASURE\\(([a-z0-9_]+)," "\\1" _id "${_l}")
  add_test(NAME golden.${_id}
    COMMAND ${IG_TEST_WRAPPER} $<TARGET_FILE:golden_runner> --measure ${_id}
            "${CMAKE_CURRENT_SOURCE_DIR}/golden/${_id}")
  set_tests_properties(golden.${_id} PROPERTIES LABELS golden)
endforeach()
