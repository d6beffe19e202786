# The local integration profile report (issue #6): structure of the HTML
# page and of the PDF, the policy section, errors, atomic output and
# allocation failures on tests/data/cli/towns.csv (test_report.c); and the
# page opened in headless Chromium (tests/browser/check_report.sh): a
# non-blank screenshot, no console error, no request leaving the file.
# Skipped (77) when /usr/bin/chromium is missing.
ig_add_unit_test(report unit/test_report.c)
set_tests_properties(unit.report PROPERTIES TIMEOUT 300)
add_executable(report_pngstat browser/pngstat.c)
target_link_libraries(report_pngstat PRIVATE PkgConfig::CAIRO)
add_test(NAME browser.report
  COMMAND sh "${CMAKE_CURRENT_SOURCE_DIR}/browser/check_report.sh"
    "$<TARGET_FILE:integrid_cli>" "$<TARGET_FILE:report_pngstat>"
    "${IG_TEST_DATA}/cli")
set_tests_properties(browser.report PROPERTIES LABELS "browser"
  SKIP_RETURN_CODE 77 TIMEOUT 300)
