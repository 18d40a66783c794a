# The direct-style workloads, run for real: every workload of every
# direct-style binary that exists, at a tiny size (the shared list
# TVC_WL_POINTS in tests/CMakeLists.txt), must print one valid record
# whose self-check passed (check_record.sh); the driver's command line
# errors (check_cli.sh); and the echo/http server roles against a client
# in another process (check_server.sh).  Threaded points carry the tsan
# label, coroutine points the coroutine label.

# Raw pthread_cancel exists only where tasks are threads.
set(TVC_WL_THREADED_POINTS
  "cancel_pthread_sleep|cancel --tasks=20 --mode=pthread_cancel --kind=sleep"
  "cancel_pthread_lock|cancel --tasks=20 --mode=pthread_cancel --kind=lock"
  "cancel_pthread_stream|cancel --tasks=20 --mode=pthread_cancel --kind=stream"
)

tvc_add_runtime_points(workloads RUNTIMES threaded coroutine
                       LABELS workloads POINTS ${TVC_WL_POINTS}
                       THREADED_POINTS ${TVC_WL_THREADED_POINTS}
                       SERVERS echo http)
tvc_add_runtime_points(workloads RUNTIMES threaded coroutine callback
                       LABELS workloads POINTS "cli|"
                       SCRIPT ${TVC_WL_DIR}/check_cli.sh)

# Limits are results: with `ulimit -n 64` the streams asked for do not
# fit (two fds each); the run must end ok with a "limit reached" note,
# not fail or hang (check_limit.sh).  Bad input is said at once: fanout
# with a --limit whose fds do not fit `ulimit -n 64` is refused in one
# line naming the limit (it used to stall or fail with resets), and the
# --limit that line suggests runs ok (check_fd_budget.sh).
set(TVC_WL_LIMIT_POINTS
  "limit_cancel_stream|cancel --tasks=100 --kind=stream"
  "limit_echo|echo --conns=100 --msgs=10"
  "limit_http|http --conns=100 --requests=10"
)
tvc_add_runtime_points(workloads RUNTIMES threaded coroutine callback
  LABELS workloads POINTS ${TVC_WL_LIMIT_POINTS}
  THREADED_POINTS
    "limit_cancel_pthread|cancel --tasks=100 --mode=pthread_cancel \
--kind=stream"
  SCRIPT ${TVC_WL_DIR}/check_limit.sh CHECK_ARGS 64)
tvc_add_runtime_points(workloads RUNTIMES threaded coroutine callback
  LABELS workloads POINTS "fanout_fd_budget|"
  SCRIPT ${TVC_WL_DIR}/check_fd_budget.sh CHECK_ARGS 64)

# The parameter parser the driver checks every value with.
tvc_add_test(workloads params)

# Server roles against Python clients (check_client.sh): the http
# server's message framing (RFC 9112: bodies of refused requests, chunked
# bodies, HEAD, conflicting lengths), and echo --framing=raw, the default
# of `./tvc serve RUNTIME echo`, to 50 pipelining asyncio clients.
tvc_add_runtime_points(workloads RUNTIMES threaded coroutine callback
  LABELS workloads POINTS "http_framing|http"
  SCRIPT ${TVC_WL_DIR}/check_client.sh CHECK_ARGS http_framing.py)
tvc_add_runtime_points(workloads RUNTIMES threaded coroutine callback
  LABELS workloads POINTS "echo_raw_clients|echo --framing=raw"
  SCRIPT ${TVC_WL_DIR}/check_client.sh CHECK_ARGS echo_raw.py)

# A client that sends nothing is closed by a server started with
# --idle_timeout_ms (server_opts.h), as `./tvc serve` starts them.
tvc_add_runtime_points(workloads RUNTIMES threaded coroutine callback
  LABELS workloads
  POINTS "idle_echo|echo --idle_timeout_ms=100 --linger_ms=50"
         "idle_http|http --idle_timeout_ms=100 --linger_ms=-1"
  SCRIPT ${TVC_WL_DIR}/check_client.sh CHECK_ARGS idle_client.py)

# The fault battery (fault_battery.py, its table of expected outcomes
# at the top): clients that reset, half-close, crawl, stay silent,
# overrun the read or header limit, send garbage, pipeline, or run the
# server out of descriptors, each beside a well-behaved client that must still be
# served exactly; the server's descriptors and memory must come back
# and its record must say ok.  echo runs with line and raw framing.
tvc_add_runtime_points(workloads RUNTIMES threaded coroutine callback
  LABELS workloads battery POINTS "battery_echo|echo" "battery_http|http"
  SCRIPT ${TVC_WL_DIR}/fault_battery.py)
