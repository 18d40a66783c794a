# Tests of the report tools (experiments/report/*.py): Python scripts run
# by Debian's /usr/bin/python3 (the one with matplotlib) on synthetic
# results folders they write in a temporary directory.  No sanitizer
# applies, so they run the same in every build.
foreach(feature report show compare codecost targets findings charts html)
  add_test(NAME report/${feature}
           COMMAND /usr/bin/python3
                   ${CMAKE_CURRENT_SOURCE_DIR}/report/test_${feature}.py)
  # Each report draws every chart: minutes on a shared, loaded machine.
  set_tests_properties(report/${feature} PROPERTIES TIMEOUT 300
                       LABELS report)
endforeach()
