# The local web app (issue #8): the store and the binary grid format
# (test_store.c), and the HTTP API over loopback with the server started
# and stopped inside the test on a free port (test_server.c).
ig_add_unit_test(store unit/test_store.c)
target_link_libraries(test_store PRIVATE PkgConfig::SQLITE3 ZLIB::ZLIB)
ig_add_unit_test(server unit/test_server.c)
target_link_libraries(test_server PRIVATE ZLIB::ZLIB Threads::Threads)
# The analysis and policy endpoints (test_server_api.c): profile and
# benchmark are compared with the CLI's output, so the test runs the CLI.
ig_add_unit_test(server_api unit/test_server_api.c)
target_link_libraries(test_server_api PRIVATE Threads::Threads)
target_compile_definitions(test_server_api PRIVATE
  "IG_CLI=\"$<TARGET_FILE:integrid_cli>\"")
add_dependencies(test_server_api integrid_cli)
# A 2-second smoke run of the load test (bench/bench_serve.c: 16 clients on
# a synthetic grid, then malformed requests; fails on any 5xx). The full
# 60-second run with 200 clients is a benchmark, not a test.
add_executable(test_serve_load "${CMAKE_SOURCE_DIR}/bench/bench_serve.c")
target_link_libraries(test_serve_load PRIVATE integrid_lib Threads::Threads m)
ig_target_warnings(test_serve_load TEST)
add_test(NAME unit.serve_load COMMAND test_serve_load --smoke)
set_tests_properties(unit.serve_load PROPERTIES LABELS "unit" TIMEOUT 120)
