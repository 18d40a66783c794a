# Timers beyond the reactor's own tests: the spin margin, the floor tool
# (experiments/bench/timer_floor.c) and the timers workload's scheduling
# options, each as one valid record whose self-check passed (every timer
# fired, none early).
tvc_add_test(timers spin LABELS reactor)
set(timers_points
  "floor|timers --tasks=200"
  "floor_pending|timers --tasks=200 --max_sleep_ns=2000000 --start_ns=1000000"
  "floor_spin|timers --tasks=200 --timer_spin_ns=100000")
if(TARGET tvc-timer-floor)
  tvc_add_workload_points(timers tvc-timer-floor LABELS timers workloads
                          POINTS ${timers_points})
endif()
foreach(rt callback coroutine)
  if(TARGET tvc-${rt})
    tvc_add_workload_points(timers/${rt} tvc-${rt} LABELS timers workloads
      POINTS "spin|timers --tasks=50 --timer_spin_ns=100000")
  endif()
endforeach()
