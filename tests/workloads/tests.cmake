# The direct-style workloads, run for real: every workload of every
# direct-style binary that exists, at a tiny size, must print one valid
# record whose self-check passed (check_record.sh); the driver's command
# line errors (check_cli.sh); and the echo/http server roles against a
# client in another process (check_server.sh).  Threaded points carry the
# tsan label, coroutine points the coroutine label.

set(TVC_WL_DIR ${CMAKE_CURRENT_SOURCE_DIR}/workloads)

# name|arguments: the points each binary runs (defaults are already
# tiny; a few variants cover the other modes and kinds).
set(TVC_WL_POINTS
  "idle|idle --tasks=200"
  "spawn|spawn --tasks=200 --batch=20"
  "pingpong|pingpong --rounds=200"
  "pingpong_queue|pingpong --rounds=200 --mode=queue"
  "ring|ring --tasks=20 --hops=2000"
  "ring_event|ring --tasks=20 --hops=2000 --mode=event"
  "timers|timers --tasks=50"
  "echo|echo --conns=3 --msgs=50"
  "echo_exact|echo --conns=2 --msgs=50 --framing=exact --size_bytes=100"
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
  "executor_inline|executor --calls=8 --offload=0 --work=hash --hash_bytes=50k"
)
# Raw pthread_cancel exists only where tasks are threads.
set(TVC_WL_THREADED_POINTS
  "cancel_pthread_sleep|cancel --tasks=20 --mode=pthread_cancel --kind=sleep"
  "cancel_pthread_lock|cancel --tasks=20 --mode=pthread_cancel --kind=lock"
  "cancel_pthread_stream|cancel --tasks=20 --mode=pthread_cancel --kind=stream"
)

foreach(rt threaded coroutine)
  if(NOT TARGET tvc-${rt})
    continue()
  endif()
  if(rt STREQUAL "threaded")
    set(label tsan)
    set(points ${TVC_WL_POINTS} ${TVC_WL_THREADED_POINTS})
  else()
    set(label coroutine)
    set(points ${TVC_WL_POINTS})
  endif()
  foreach(point ${points})
    string(REPLACE "|" ";" parts "${point}")
    list(GET parts 0 name)
    list(GET parts 1 cmdline)
    separate_arguments(args UNIX_COMMAND "${cmdline}")
    add_test(NAME workloads/${rt}/${name}
             COMMAND sh ${TVC_WL_DIR}/check_record.sh
                     $<TARGET_FILE:tvc-${rt}> ${args})
    set_tests_properties(workloads/${rt}/${name} PROPERTIES
                         TIMEOUT 60 LABELS "workloads;${label}")
  endforeach()
  add_test(NAME workloads/${rt}/cli
           COMMAND sh ${TVC_WL_DIR}/check_cli.sh $<TARGET_FILE:tvc-${rt}>)
  foreach(server echo http)
    add_test(NAME workloads/${rt}/${server}_server
             COMMAND sh ${TVC_WL_DIR}/check_server.sh
                     $<TARGET_FILE:tvc-${rt}> ${server})
  endforeach()
  set_tests_properties(workloads/${rt}/cli workloads/${rt}/echo_server
                       workloads/${rt}/http_server PROPERTIES
                       TIMEOUT 60 LABELS "workloads;${label}")
endforeach()

# The parameter parser the driver checks every value with.
tvc_add_test(workloads params)
