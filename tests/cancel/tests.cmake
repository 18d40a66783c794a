# The cancel workload's rounds (--rounds): a single task and a few
# streams cancelled round after round in one process, on every runtime;
# each run must pass its checks, run every round and keep one latency
# sample per task of every round (check_rounds.sh).  Raw pthread_cancel
# rounds on threads; and the continuation-passing twin's record must
# match the direct style's with rounds too (check_parity.sh).  Threaded
# points carry the tsan label, coroutine points the coroutine label.

set(cancel_dir ${CMAKE_CURRENT_SOURCE_DIR}/cancel)
# "NAME|TASKS ROUNDS [--name=value ...]", check_rounds.sh's arguments.
set(cancel_points
  "rounds|1 3"
  "rounds_stream|4 3 --kind=stream"
  "rounds_cpu|1 3 --kind=cpu --settle_ns=0")
tvc_add_runtime_points(cancel RUNTIMES threaded coroutine callback
  LABELS cancel workloads POINTS ${cancel_points}
  THREADED_POINTS "rounds_pthread|2 3 --mode=pthread_cancel --kind=lock"
  SCRIPT ${cancel_dir}/check_rounds.sh)

foreach(rt coroutine threaded)
  if(TARGET tvc-callback AND TARGET tvc-${rt})
    tvc_add_check(cancel/parity_rounds_${rt}
                  ${PROJECT_SOURCE_DIR}/tests/cbwork/check_parity.sh
                  LABELS cancel cbwork callback
                  ARGS $<TARGET_FILE:tvc-callback> $<TARGET_FILE:tvc-${rt}>
                       cancel --tasks=2 --rounds=3 --kind=await)
  endif()
endforeach()
