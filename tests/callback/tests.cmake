# The callback runtime: the loop, continuations called exactly once, leak
# checks after mass cancellation, streams over loopback, and each
# continuation-passing workload at a tiny size.
tvc_add_test(callback loop LIBS tvc_callback)
tvc_add_test(callback once LIBS tvc_callback)
tvc_add_test(callback streams LIBS tvc_callback)
tvc_add_test(callback cancel_leak LIBS tvc_callback)
tvc_add_test(callback executor LIBS tvc_callback LABELS tsan)
tvc_add_test(callback chaos LIBS tvc_callback)

# Each continuation-passing workload at a tiny size, with the workloads'
# own checkers (tests/workloads/): one valid record whose self-check
# passed, and the server role against a client in another process.  A
# point runs only when callback/workloads/ has its workload.
set(TVC_CB_WL_POINTS
  "idle|idle --tasks=200"
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
  "spinner|spinner --slow_ns=20000000"
  # Wide margins: a loaded machine must not turn a late wake into a fail.
  "timeout|timeout --rounds=2 --work_ns=60000000 --margin_ns=50000000"
  "executor|executor --calls=10"
  "executor_inline|executor --calls=10 --offload=0 --work=hash --hash_bytes=100000"
  "echo|echo --conns=3 --msgs=50"
  "echo_exact|echo --conns=2 --msgs=50 --framing=exact --size_bytes=100"
)
if(TARGET tvc-callback)
  set(wl_dir ${CMAKE_CURRENT_SOURCE_DIR}/workloads)
  foreach(point ${TVC_CB_WL_POINTS})
    string(REPLACE "|" ";" parts "${point}")
    list(GET parts 0 name)
    list(GET parts 1 cmdline)
    separate_arguments(args UNIX_COMMAND "${cmdline}")
    list(GET args 0 workload)
    if(NOT EXISTS ${PROJECT_SOURCE_DIR}/callback/workloads/${workload}.c)
      continue()
    endif()
    add_test(NAME callback/wl/${name}
             COMMAND sh ${wl_dir}/check_record.sh
                     $<TARGET_FILE:tvc-callback> ${args})
    set_tests_properties(callback/wl/${name} PROPERTIES
                         TIMEOUT 60 LABELS "callback;workloads")
  endforeach()
  foreach(server echo http)
    if(NOT EXISTS ${PROJECT_SOURCE_DIR}/callback/workloads/${server}.c)
      continue()
    endif()
    add_test(NAME callback/wl/${server}_server
             COMMAND sh ${wl_dir}/check_server.sh
                     $<TARGET_FILE:tvc-callback> ${server})
    set_tests_properties(callback/wl/${server}_server PROPERTIES
                         TIMEOUT 60 LABELS "callback;workloads")
  endforeach()
endif()
