# The cancel workload's rounds (--rounds): a single task and a few
# streams cancelled round after round in one process, on every runtime;
# each run must pass its checks, run every round and keep one latency
# sample per task of every round (check_rounds.sh).  Raw pthread_cancel
# rounds on threads; and the continuation-passing twin's record must
# match the direct style's with rounds too (check_parity.sh).  Threaded
# points carry the tsan label, coroutine points the coroutine label.

set(cancel_dir ${CMAKE_CURRENT_SOURCE_DIR}/cancel)
set(cancel_points
  "rounds|1 3"
  "rounds_stream|4 3 --kind=stream"
  "rounds_cpu|1 3 --kind=cpu --settle_ns=0")
foreach(rt threaded coroutine callback)
  if(NOT TARGET tvc-${rt})
    continue()
  endif()
  set(label ${rt})
  set(points ${cancel_points})
  if(rt STREQUAL "threaded")
    set(label tsan)
    list(APPEND points "rounds_pthread|2 3 --mode=pthread_cancel --kind=lock")
  endif()
  foreach(point ${points})
    string(REPLACE "|" ";" parts "${point}")
    list(GET parts 0 name)
    list(GET parts 1 cmdline)
    separate_arguments(args UNIX_COMMAND "${cmdline}")
    tvc_add_check(cancel/${rt}/${name} ${cancel_dir}/check_rounds.sh
                  LABELS cancel workloads ${label}
                  ARGS $<TARGET_FILE:tvc-${rt}> ${args})
  endforeach()
endforeach()

foreach(rt coroutine threaded)
  if(TARGET tvc-callback AND TARGET tvc-${rt})
    tvc_add_check(cancel/parity_rounds_${rt}
                  ${PROJECT_SOURCE_DIR}/tests/cbwork/check_parity.sh
                  LABELS cancel cbwork callback
                  ARGS $<TARGET_FILE:tvc-callback> $<TARGET_FILE:tvc-${rt}>
                       cancel --tasks=2 --rounds=3 --kind=await)
  endif()
endforeach()
