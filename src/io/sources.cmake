# libintegrid I/O: the reader registry, the byte source (plain/gzip), the
# block pipeline and the delimited-text engine. See docs/internals/io.md.
target_sources(integrid_lib PRIVATE
  src/io/registry.c
  src/io/rd_eurostat.c
  src/io/rd_csv.c
  src/io/source.c
  src/io/pipeline.c
  src/io/numparse.c
  src/io/groupexpr.c
  src/io/table_setup.c
  src/io/table_parse.c
  src/io/table_commit.c
)
