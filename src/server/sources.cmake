# The local web app (issue #8): the store (SQLite; store.c, gridblob.c),
# request parsing (parse.c) and the HTTP server (libmicrohttpd in thread-pool
# mode; server.c, api.c, jobs.c). The browser UI (web/) and the OpenAPI
# document are embedded into the library at build time (embed.cmake), so
# nothing is read from disk at run time but the store.
find_package(PkgConfig REQUIRED)
pkg_check_modules(MHD REQUIRED IMPORTED_TARGET libmicrohttpd)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
target_link_libraries(integrid_lib PRIVATE PkgConfig::MHD PkgConfig::SQLITE3)

set(_ig_web_deps
  "${CMAKE_CURRENT_SOURCE_DIR}/web/index.html"
  "${CMAKE_CURRENT_SOURCE_DIR}/web/app.js"
  "${CMAKE_CURRENT_SOURCE_DIR}/web/app.css"
  "${CMAKE_CURRENT_SOURCE_DIR}/src/server/openapi.json"
)
set(_ig_web_c "${CMAKE_CURRENT_BINARY_DIR}/src/server/assets_embedded.c")
add_custom_command(OUTPUT "${_ig_web_c}"
  COMMAND ${CMAKE_COMMAND} "-DOUT=${_ig_web_c}" "-DSRC=${CMAKE_CURRENT_SOURCE_DIR}"
    -P "${CMAKE_CURRENT_SOURCE_DIR}/src/server/embed.cmake"
  DEPENDS ${_ig_web_deps} "${CMAKE_CURRENT_SOURCE_DIR}/src/server/embed.cmake"
  COMMENT "Embedding the web UI"
  VERBATIM)

target_sources(integrid_lib PRIVATE
  src/server/gridblob.c
  src/server/store.c
  src/server/parse.c
  src/server/jobs.c
  src/server/api.c
  src/server/server.c
  "${_ig_web_c}"
)
