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
    set(timeout_point
        "timeout --rounds=1 --work_ns=60000000 --margin_ns=50000000")
    # check_parity.sh CALLBACK DIRECT ARGS: the callback binary goes first,
    # as the checker's own argument, then the direct one as the target.
    tvc_add_workload_points(cbwork ${direct}
      LABELS cbwork callback workloads
      SCRIPT ${cbwork_dir}/check_parity.sh
      CHECK_ARGS $<TARGET_FILE:tvc-callback>
      REQUIRE ${PROJECT_SOURCE_DIR}/callback/workloads
      POINTS
        "parity_idle|idle --tasks=50"
        "parity_spawn|spawn --tasks=50 --batch=10"
        "parity_pingpong|pingpong --rounds=50"
        "parity_ring|ring --tasks=5 --hops=100"
        "parity_timers|timers --tasks=20"
        "parity_echo|echo --conns=2 --msgs=10"
        "parity_http|http --conns=2 --requests=5"
        "parity_fanout|fanout --items=4 --limit=2"
        "parity_pipeline|pipeline --items=100"
        "parity_cancel|cancel --tasks=10 --kind=stream"
        "parity_timeout|${timeout_point}"
        "parity_spinner|spinner --slow_ns=5000000"
        "parity_executor|executor --calls=3")
  endif()
endif()
