# Local integration policy (issue #7): frameworks as data, assessments,
# scores. JSON is parsed with jansson. The shipped frameworks
# (data/frameworks/*.json) are embedded into the library at build time by
# src/policy/embed.cmake, so no data file is needed at run time.
pkg_check_modules(JANSSON REQUIRED IMPORTED_TARGET jansson)
target_link_libraries(integrid_lib PRIVATE PkgConfig::JANSSON)

# id of each shipped framework = its file name without .json
set(IG_POLICY_FRAMEWORKS lic-oecd12)
set(_ig_fw_files)
foreach(f ${IG_POLICY_FRAMEWORKS})
  list(APPEND _ig_fw_files "${CMAKE_CURRENT_SOURCE_DIR}/data/frameworks/${f}.json")
endforeach()
set(_ig_fw_c "${CMAKE_CURRENT_BINARY_DIR}/src/policy/policy_embedded.c")
add_custom_command(OUTPUT "${_ig_fw_c}"
  COMMAND ${CMAKE_COMMAND} "-DOUT=${_ig_fw_c}"
    "-DDIR=${CMAKE_CURRENT_SOURCE_DIR}/data/frameworks"
    "-DIDS=${IG_POLICY_FRAMEWORKS}"
    -P "${CMAKE_CURRENT_SOURCE_DIR}/src/policy/embed.cmake"
  DEPENDS ${_ig_fw_files} "${CMAKE_CURRENT_SOURCE_DIR}/src/policy/embed.cmake"
  COMMENT "Embedding the policy frameworks"
  VERBATIM)

target_sources(integrid_lib PRIVATE
  src/policy/arena.c
  src/policy/jsonpos.c
  src/policy/rule.c
  src/policy/framework.c
  src/policy/assessment.c
  src/policy/score.c
  src/policy/outcomes.c
  src/policy/builtin.c
  "${_ig_fw_c}"
)

# The practice knowledge base (data/practices/practices.json), embedded
# the same way by src/policy/practices_embed.cmake.
set(_ig_pr_json "${CMAKE_CURRENT_SOURCE_DIR}/data/practices/practices.json")
set(_ig_pr_c "${CMAKE_CURRENT_BINARY_DIR}/src/policy/practices_embedded.c")
add_custom_command(OUTPUT "${_ig_pr_c}"
  COMMAND ${CMAKE_COMMAND} "-DOUT=${_ig_pr_c}" "-DIN=${_ig_pr_json}"
    -P "${CMAKE_CURRENT_SOURCE_DIR}/src/policy/practices_embed.cmake"
  DEPENDS "${_ig_pr_json}" "${CMAKE_CURRENT_SOURCE_DIR}/src/policy/practices_embed.cmake"
  COMMENT "Embedding the practice knowledge base"
  VERBATIM)
target_sources(integrid_lib PRIVATE
  src/policy/practices.c
  "${_ig_pr_c}"
)
