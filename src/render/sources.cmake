# Maps (issue #6): classification (classify.c), palettes (palette.c) and
# cairo drawing to PNG/SVG/PDF: maps (map.c), charts (chart.c) and the
# atomic writer both use (output.c); the local integration profile report
# (report*.c, texts in sentences.def). cairo is required for this module.
find_package(PkgConfig REQUIRED)
pkg_check_modules(CAIRO REQUIRED IMPORTED_TARGET cairo)
# fontconfig (a dependency of cairo) only for ig_render_cleanup()
pkg_check_modules(FONTCONFIG REQUIRED IMPORTED_TARGET fontconfig)
target_link_libraries(integrid_lib PRIVATE PkgConfig::CAIRO
  PkgConfig::FONTCONFIG)
target_sources(integrid_lib PRIVATE
  src/render/classify.c
  src/render/palette.c
  src/render/map.c
  src/render/output.c
  src/render/chart.c
  src/render/report.c
  src/render/report_doc.c
  src/render/report_html.c
  src/render/report_pdf.c
)
