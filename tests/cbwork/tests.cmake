# The continuation-passing workloads of callback/workloads/ run for real
# on tvc-callback: every point the direct-style binaries run (the list
# in tests/workloads/tests.cmake) that tests/callback/tests.cmake does
# not already run, at the same tiny size, must print one valid record
# whose self-check passed (tests/workloads/check_record.sh); the http
# server role against a client in another process; cancel
# --mode=pthread_cancel must say it does not apply, as on coroutines; and
# each workload's parameters (--help) and record names (checks, figures,
# histograms) must match its direct-style twin's (check_parity.sh).

set(TVC_CBWORK_POINTS
  "spawn|spawn --tasks=200 --batch=20"
  "pingpong|pingpong --rounds=200"
  "pingpong_queue|pingpong --rounds=200 --mode=queue"
  "ring|ring --tasks=20 --hops=2000"
  "ring_event|ring --tasks=20 --hops=2000 --mode=event"
  "timers|timers --tasks=50"
  "http|http --conns=3 --requests=30"
  "fanout|fanout --items=12 --limit=4"
  "pipeline|pipeline --items=2000"
  "cancel|cancel --tasks=30"
  "cancel_await|cancel --tasks=30 --kind=await"
  "cancel_stream|cancel --tasks=30 --kind=stream"
  "cancel_lock|cancel --tasks=30 --kind=lock"
  "cancel_queue|cancel --tasks=30 --kind=queue"
  "cancel_event|cancel --tasks=30 --kind=event"
  "cancel_cpu|cancel --tasks=10 --kind=cpu"
  # Wide margins: a loaded machine must not turn a late wake into a fail.
  "timeout|timeout --rounds=2 --work_ns=60000000 --margin_ns=50000000"
  "spinner|spinner --slow_ns=20000000"
  "executor|executor --calls=10"
  "executor_inline|executor --calls=10 --offload=0 --work=hash --hash_bytes=100000"
)

if(TARGET tvc-callback)
  set(cbwork_dir ${CMAKE_CURRENT_SOURCE_DIR}/cbwork)
  set(wl_dir ${CMAKE_CURRENT_SOURCE_DIR}/workloads)
  # Names tests/callback/tests.cmake (included before this file) runs.
  set(taken "")
  foreach(point ${TVC_CB_WL_POINTS})
    string(REPLACE "|" ";" parts "${point}")
    list(GET parts 0 name)
    list(APPEND taken ${name})
  endforeach()
  foreach(point ${TVC_CBWORK_POINTS})
    string(REPLACE "|" ";" parts "${point}")
    list(GET parts 0 name)
    list(GET parts 1 cmdline)
    if(name IN_LIST taken)
      continue()
    endif()
    separate_arguments(args UNIX_COMMAND "${cmdline}")
    add_test(NAME cbwork/${name}
             COMMAND sh ${wl_dir}/check_record.sh
                     $<TARGET_FILE:tvc-callback> ${args})
    set_tests_properties(cbwork/${name} PROPERTIES
                         TIMEOUT 60 LABELS "cbwork;callback;workloads")
  endforeach()
  if(NOT TEST callback/wl/http_server)
    add_test(NAME cbwork/http_server
             COMMAND sh ${wl_dir}/check_server.sh
                     $<TARGET_FILE:tvc-callback> http)
    set_tests_properties(cbwork/http_server PROPERTIES
                         TIMEOUT 60 LABELS "cbwork;callback;workloads")
  endif()
  add_test(NAME cbwork/cancel_pthread_not_applicable
           COMMAND sh ${cbwork_dir}/check_not_applicable.sh
                   $<TARGET_FILE:tvc-callback>
                   cancel --tasks=20 --mode=pthread_cancel)
  set_tests_properties(cbwork/cancel_pthread_not_applicable PROPERTIES
                       TIMEOUT 60 LABELS "cbwork;callback;workloads")

  # One point per workload, against whichever direct-style binary exists.
  set(direct "")
  foreach(rt coroutine threaded)
    if(TARGET tvc-${rt})
      set(direct tvc-${rt})
      break()
    endif()
  endforeach()
  if(direct)
    set(parity_points
      "idle --tasks=50"
      "spawn --tasks=50 --batch=10"
      "pingpong --rounds=50"
      "ring --tasks=5 --hops=100"
      "timers --tasks=20"
      "echo --conns=2 --msgs=10"
      "http --conns=2 --requests=5"
      "fanout --items=4 --limit=2"
      "pipeline --items=100"
      "cancel --tasks=10 --kind=stream"
      "timeout --rounds=1 --work_ns=60000000 --margin_ns=50000000"
      "spinner --slow_ns=5000000"
      "executor --calls=3")
    foreach(cmdline ${parity_points})
      separate_arguments(args UNIX_COMMAND "${cmdline}")
      list(GET args 0 workload)
      if(NOT EXISTS ${PROJECT_SOURCE_DIR}/callback/workloads/${workload}.c)
        continue()
      endif()
      add_test(NAME cbwork/parity_${workload}
               COMMAND sh ${cbwork_dir}/check_parity.sh
                       $<TARGET_FILE:tvc-callback> $<TARGET_FILE:${direct}>
                       ${args})
      set_tests_properties(cbwork/parity_${workload} PROPERTIES
                           TIMEOUT 60 LABELS "cbwork;callback;workloads")
    endforeach()
  endif()
endif()
