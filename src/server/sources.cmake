# The local web app (issue #8): the store (SQLite; store.c, gridblob.c),
# request parsing (parse.c) and the HTTP server (libmicrohttpd in thread-pool
# mode; server.c, api.c, jobs.c). The browser UI (web/) and the OpenAPI
# document are embedded into the library at build time (embed.cmake), so
# nothing is read from disk at run time but the store.
find_package(PkgConfig REQUIRED)
pkg_check_modules(MHD REQUIRED IMPORTED_TARGET libmicrohttpd)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
target_link_libraries(integrid_lib PRIVATE PkgConfig::MHD PkgConfig::SQLITE3)

# the embedding step (sets _ig_web_c; re-configures when web/node_modules
# appears or goes)
include(src/server/embed.cmake)

target_sources(integrid_lib PRIVATE
  src/server/gridblob.c
  src/server/store.c
  src/server/parse.c
  src/server/jobs.c
  src/server/api.c
  src/server/server.c
  src/server/cache.c
  src/server/api_data.c
  src/server/api_policy.c
  "${_ig_web_c}"
)
