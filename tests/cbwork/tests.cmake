# The continuation-passing workloads of callback/workloads/ checked
# against the direct-style ones: cancel --mode=pthread_cancel must say it
# does not apply, as on coroutines (check_record.sh --not-applicable), and
# each workload's parameters (--help) and record names (checks, figures,
# histograms) must match its direct-style twin's (check_parity.sh).  Every
# workload point itself, and the server roles, run in
# tests/callback/tests.cmake from the shared list TVC_WL_POINTS.

if(TARGET tvc-callback)
  set(cbwork_dir ${CMAKE_CURRENT_SOURCE_DIR}/cbwork)
  set(na_point "cancel --tasks=20 --mode=pthread_cancel")
  tvc_add_workload_points(cbwork tvc-callback
    LABELS cbwork callback workloads CHECK_ARGS --not-applicable
    POINTS "cancel_pthread_not_applicable|${na_point}")

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
      tvc_add_check(cbwork/parity_${workload} ${cbwork_dir}/check_parity.sh
                    LABELS cbwork callback workloads
                    ARGS $<TARGET_FILE:tvc-callback> $<TARGET_FILE:${direct}>
                         ${args})
    endforeach()
  endif()
endif()
