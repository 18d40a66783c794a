# Tests of the harness (experiments/runner, experiments/loadgen): the runner
# against a fake child that crashes, hangs, kills itself, prints garbage or
# eats memory, a server point, and the loopback load tools run as the
# separate processes they are.  The JSON validator the runner uses is
# tested with the writer, in tests/common.
tvc_add_test(harness loadgen TIMEOUT 30
             ARGS $<TARGET_FILE:tvc-loadgen-echo>
                  $<TARGET_FILE:tvc-delay-server>)
add_dependencies(test_harness_loadgen tvc-loadgen-echo tvc-delay-server)

foreach(case good notok crash sigkill hang garbage oom spawn usage server
             deaf interrupt not_applicable skipped)
  add_test(NAME harness/runner_${case}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/harness/runner_cases.sh
                   ${case} $<TARGET_FILE:tvc-runner>
                   ${CMAKE_CURRENT_SOURCE_DIR}/harness/tvc-fake)
  set_tests_properties(harness/runner_${case} PROPERTIES
                       TIMEOUT 30 LABELS harness)
endforeach()

# experiments/run end to end with a fake runtime: fault injection, an
# interrupted run, a peer asked for but not built (skipped rows).
foreach(case inject interrupt skipped)
  add_test(NAME harness/run_${case}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/harness/run_cases.sh
                   ${case} $<TARGET_FILE_DIR:tvc-runner>)
  set_tests_properties(harness/run_${case} PROPERTIES
                       TIMEOUT 60 LABELS harness)
endforeach()

# The quick profile's time budget: experiments/run --plan adds up what
# the experiment scripts state their points cost, and past 270 s the
# quick run with its build (about 40 s here) would pass 5 minutes.
add_test(NAME harness/quick_budget
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/harness/run_cases.sh
                 budget $<TARGET_FILE_DIR:tvc-runner> 270)
set_tests_properties(harness/quick_budget PROPERTIES TIMEOUT 60 LABELS harness)

# Real server points against the threaded runtime's servers, once it is
# built: echo under tvc-loadgen-echo, http under wrk.
if(TARGET tvc-threaded)
  foreach(case echo http)
    add_test(NAME harness/server_${case}
             COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/harness/server_cases.sh
                     ${case} $<TARGET_FILE:tvc-runner>
                     $<TARGET_FILE:tvc-threaded>
                     $<TARGET_FILE:tvc-loadgen-echo>)
    set_tests_properties(harness/server_${case} PROPERTIES
                         TIMEOUT 30 LABELS harness SKIP_RETURN_CODE 77)
  endforeach()
endif()

# The counts experiment's wrapper (experiments/counts/tvc-counts) on one
# small point of each runtime: pingpong under strace and callgrind, the
# echo server under strace (counts_cases.sh says when each is skipped).
# Valgrind cannot run a sanitized binary: a sanitized build registers no
# callgrind case (the release and valgrind builds do).
set(TVC_COUNTS_CASES syscalls server)
if(NOT TVC_SANITIZE)
  list(APPEND TVC_COUNTS_CASES instructions)
endif()
foreach(rt threaded coroutine callback)
  if(TARGET tvc-${rt})
    foreach(case ${TVC_COUNTS_CASES})
      add_test(NAME harness/counts_${case}_${rt}
               COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/harness/counts_cases.sh
                       ${case} ${rt} $<TARGET_FILE:tvc-runner>
                       $<TARGET_FILE_DIR:tvc-runner>)
      set_tests_properties(harness/counts_${case}_${rt} PROPERTIES
                           TIMEOUT 60 LABELS harness SKIP_RETURN_CODE 77)
    endforeach()
  endif()
endforeach()

# Faults of the harness itself: a full disk under experiments/run (fake
# runtime) and under the report, on a small tmpfs (skipped where it cannot
# be mounted); SIGHUP while hyperfine runs, SIGTERM while the report is
# drawn (fake runtime); and, once tvc-threaded is built, SIGINT and
# SIGTERM while a real server point runs under load beside the fanout
# delay server.  After a signal nothing of the run may be left.
set(fault_cases disk_run disk_report stop_hup stop_report)
if(TARGET tvc-threaded)
  list(APPEND fault_cases stop_int stop_term)
endif()
foreach(case ${fault_cases})
  add_test(NAME harness/fault_${case}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/harness/fault_cases.sh
                   ${case} $<TARGET_FILE_DIR:tvc-runner>)
  set_tests_properties(harness/fault_${case} PROPERTIES
                       TIMEOUT 60 LABELS harness SKIP_RETURN_CODE 77)
endforeach()
