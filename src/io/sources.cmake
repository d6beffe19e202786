target_sources(integrid_lib PRIVATE
  src/io/io_placeholder.c
)
