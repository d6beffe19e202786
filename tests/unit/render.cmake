# Render module (issue #6): classification and palettes (test_render.c);
# maps drawn to PNG/SVG/PDF and read back: structure of the SVG, decoded
# PNG pixel statistics, the "no data" and single-class states, errors,
# atomic output and allocation failure, and a real-data map
# (test_render_map.c); charts: lines with bands, bars, strips, histograms,
# Lorenz curves and their Gini (test_render_chart.c). The drawing tests
# read PNGs back through cairo.
ig_add_unit_test(render unit/test_render.c)
ig_add_unit_test(render_map unit/test_render_map.c)
ig_add_unit_test(render_chart unit/test_render_chart.c)
target_link_libraries(test_render_map PRIVATE PkgConfig::CAIRO)
target_link_libraries(test_render_chart PRIVATE PkgConfig::CAIRO)
