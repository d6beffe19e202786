# CLI transcripts (h3 tests/cli style): each tests/cli/<name>.t is run by
# run_cli.sh against the built `integrid` and registered as ctest cli.<name>
# (label cli). Fixtures live in tests/data/cli; transcripts that need the
# shared real data skip themselves (exit 77) when it is missing.
# Explicit list, no glob (STYLE 11.1).
set(IG_CLI_TRANSCRIPTS
  help
  version
  usage_errors
  formats
  measures_list
  info
  measures_csv
  measures_json
  measures_table
  measures_within
  long_format
  decimal_comma
  not_available
  quoting
  runtime_errors
  output_atomic
  progress
  real_data
  places
  places_proj
  places_eu
  places_measures
  profile
  spatial_measures
  local_csv
  local_geojson
  local_inference
  local_errors
  local_geotiff
  local_real
  infer
  change
  compare
)
# The render and policy modules append their transcripts in their own lists.
include(${CMAKE_CURRENT_LIST_DIR}/map.cmake OPTIONAL)
include(${CMAKE_CURRENT_LIST_DIR}/policy.cmake OPTIONAL)
include(${CMAKE_CURRENT_LIST_DIR}/report.cmake OPTIONAL)
include(${CMAKE_CURRENT_LIST_DIR}/serve.cmake OPTIONAL)
foreach(t IN LISTS IG_CLI_TRANSCRIPTS)
  add_test(NAME cli.${t}
    COMMAND sh "${CMAKE_CURRENT_SOURCE_DIR}/cli/run_cli.sh"
      "$<TARGET_FILE:integrid_cli>" "${CMAKE_CURRENT_SOURCE_DIR}/cli/${t}.t"
      "${IG_TEST_DATA}/cli" "${IG_SHARED_DATA}" "${IG_VERSION}"
      ${IG_TEST_WRAPPER})
  set_tests_properties(cli.${t} PROPERTIES LABELS cli SKIP_RETURN_CODE 77)
endforeach()
set_tests_properties(cli.real_data cli.progress PROPERTIES TIMEOUT 600)
# the EU+EFTA DEGURBA run takes about a minute: label it slow
set_tests_properties(cli.places_eu PROPERTIES LABELS "cli;slow" TIMEOUT 900)
