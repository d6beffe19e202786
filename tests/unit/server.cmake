# The local web app (issue #8): the store and the binary grid format
# (test_store.c), and the HTTP API over loopback with the server started
# and stopped inside the test on a free port (test_server.c).
ig_add_unit_test(store unit/test_store.c)
target_link_libraries(test_store PRIVATE PkgConfig::SQLITE3 ZLIB::ZLIB)
ig_add_unit_test(server unit/test_server.c)
target_link_libraries(test_server PRIVATE ZLIB::ZLIB Threads::Threads)
