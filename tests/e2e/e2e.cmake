# End-to-end test of the browser UI in headless Chromium (tests/e2e/e2e.mjs;
# docs/ui.md). Needs node, web/node_modules (scripts/install-npm.sh) and
# /usr/bin/chromium; the script exits 77 (skipped) when one is missing, or
# when the shared data is absent. Screenshots and the downloaded report are
# kept in <build>/e2e-artefacts. Include from tests/CMakeLists.txt:
#   include(e2e/e2e.cmake OPTIONAL)
find_program(IG_NODE_EXECUTABLE NAMES node nodejs
             DOC "Node.js, to convert the gazetteer and run the browser tests")
if(IG_NODE_EXECUTABLE AND TARGET integrid_cli)
  add_test(NAME e2e.ui
    COMMAND "${IG_NODE_EXECUTABLE}" "${CMAKE_CURRENT_SOURCE_DIR}/e2e/e2e.mjs"
      --integrid $<TARGET_FILE:integrid_cli>
      --web "${CMAKE_SOURCE_DIR}/web"
      --out "${CMAKE_BINARY_DIR}/e2e-artefacts"
      --data "${IG_SHARED_DATA}/eu_census2021_1km_city_windows.csv"
      --timeout 240)
  set_tests_properties(e2e.ui PROPERTIES
    LABELS "e2e;slow"
    SKIP_RETURN_CODE 77
    TIMEOUT 300
    RESOURCE_LOCK e2e
    ENVIRONMENT "IG_SHARED_DATA=${IG_SHARED_DATA}")
else()
  message(STATUS "integrid: browser test e2e.ui off (no node)")
endif()
