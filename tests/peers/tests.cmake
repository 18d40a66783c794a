# The peer baselines (experiments/peers/), run for real at tiny sizes.
# Each peer's workloads pass their self-check with a valid record that
# has the C runtimes' parameters and record names (check_parity.sh
# --peer, against tvc-threaded; check_record.sh for uvloop's few).  The
# server roles answer a client in another process and stop cleanly on
# SIGTERM (check_server.sh), count what the load generator sent
# (check_echo_load.sh), face the C servers' Python clients
# (check_client.sh), answer http byte for byte as tvc-threaded does
# (check_http_bytes.py; nginx for its routes) and serve wrk under the
# runner (nginx).  The command line is the C driver's, with exit 3 for a
# value a peer cannot honour (check_peer_cli.sh); asyncio's bytes per idle
# task are what /proc/PID/status shows while the tasks are parked
# (check_idle_rss.py).  A peer that is not built is one skipped test
# (exit 77) that says why.

set(TVC_PEERS_TEST_DIR ${CMAKE_CURRENT_SOURCE_DIR}/peers)
set(TVC_PEERS_WL_DIR ${CMAKE_CURRENT_SOURCE_DIR}/workloads)
set(TVC_PEERS_SRC ${PROJECT_SOURCE_DIR}/experiments/peers)
set(TVC_PEERS_PARITY ${CMAKE_CURRENT_SOURCE_DIR}/cbwork/check_parity.sh)

# tvc_peer_missing(PEER): the skipped test of a peer the build left out.
function(tvc_peer_missing peer)
  add_test(NAME peers/${peer}_missing
           COMMAND sh -c "cat '${PROJECT_BINARY_DIR}/peers/missing/${peer}' \
2>/dev/null || echo 'tvc-${peer} is not built'; exit 77")
  set_tests_properties(peers/${peer}_missing PROPERTIES
                       LABELS peers SKIP_RETURN_CODE 77)
endfunction()

if(TARGET tvc-libuv)
  tvc_add_check(peers/libuv_echo_server ${TVC_PEERS_WL_DIR}/check_server.sh
                LABELS peers ARGS $<TARGET_FILE:tvc-libuv> echo)
  tvc_add_check(peers/libuv_cli ${TVC_PEERS_TEST_DIR}/check_peer_cli.sh
                LABELS peers ARGS $<TARGET_FILE:tvc-libuv> echo)
  # Exact framing of an odd size: read chunks split messages.
  tvc_add_check(peers/libuv_echo_load ${TVC_PEERS_TEST_DIR}/check_echo_load.sh
                LABELS peers ARGS $<TARGET_FILE:tvc-libuv>
                $<TARGET_FILE:tvc-loadgen-echo> exact 37)
else()
  tvc_peer_missing(libuv)
endif()

# The epoll floor: the echo server role, line and raw framing.
tvc_add_check(peers/floor_echo_server ${TVC_PEERS_WL_DIR}/check_server.sh
              LABELS peers ARGS $<TARGET_FILE:tvc-floor> echo)
foreach(framing line raw)
  tvc_add_check(peers/floor_echo_load_${framing}
                ${TVC_PEERS_TEST_DIR}/check_echo_load.sh
                LABELS peers ARGS $<TARGET_FILE:tvc-floor>
                $<TARGET_FILE:tvc-loadgen-echo> ${framing} 64)
endforeach()
# 50 pipelining clients, messages up to 256 KiB: echoes back in pieces.
tvc_add_check(peers/floor_echo_raw_clients ${TVC_PEERS_WL_DIR}/check_client.sh
              LABELS peers ARGS echo_raw.py $<TARGET_FILE:tvc-floor> echo
              --framing=raw)
tvc_add_check(peers/floor_cli ${TVC_PEERS_TEST_DIR}/check_peer_cli.sh
              LABELS peers ARGS $<TARGET_FILE:tvc-floor> echo --role=self
              --framing=exact)
tvc_add_check(peers/floor_parity ${TVC_PEERS_PARITY}
              LABELS peers ARGS --peer $<TARGET_FILE:tvc-floor>
              $<TARGET_FILE:tvc-threaded> echo --role=server
              --duration_ms=100)

# The asyncio peer runs the shared points (TVC_WL_POINTS) of every
# workload it has a module for (asyncio/wl_<workload>.py); echo_raw's
# 200 KB messages take pure Python seconds to make and hash, so it sends
# 2 KB ones.  uvloop runs the same code: a few points show the loop works.
set(peer_points "")
foreach(point ${TVC_WL_POINTS})
  string(REGEX MATCH "^([^|]+)[|]([a-z]+)" _ "${point}")
  if(EXISTS ${TVC_PEERS_SRC}/asyncio/wl_${CMAKE_MATCH_2}.py)
    if(CMAKE_MATCH_1 STREQUAL "echo_raw")
      set(point "echo_raw|echo --conns=2 --msgs=20 --framing=raw \
--size_bytes=2000")
    endif()
    list(APPEND peer_points "${point}")
  endif()
endforeach()
set(uvloop_points "idle|idle --tasks=200" "pingpong|pingpong --rounds=200"
                  "timers|timers --tasks=50" "echo|echo --conns=3 --msgs=50"
                  "http|http --conns=3 --requests=30")

foreach(peer asyncio uvloop)
  set(bin ${PROJECT_BINARY_DIR}/tvc-${peer})
  if(NOT EXISTS ${bin})
    tvc_peer_missing(${peer})
    continue()
  endif()
  # asyncio's points run under check_parity.sh below, which also wants
  # each record valid and ok: run once, not twice.
  set(points "")
  if(peer STREQUAL "uvloop")
    set(points ${uvloop_points})
  endif()
  tvc_add_workload_points(peers/${peer} ${bin} LABELS peers
                          POINTS ${points} SERVERS echo http)
  tvc_add_check(peers/${peer}_cli ${TVC_PEERS_TEST_DIR}/check_peer_cli.sh
                LABELS peers ARGS ${bin} idle --stack=compact
                --stack_size=64k)
endforeach()
if(EXISTS ${PROJECT_BINARY_DIR}/tvc-asyncio)
  # check_parity.sh --peer PEER DIRECT ARGS: the peer is the checker's
  # own argument, tvc-threaded the target.
  tvc_add_workload_points(peers/asyncio/parity tvc-threaded
                          LABELS peers POINTS ${peer_points}
                          SCRIPT ${TVC_PEERS_PARITY}
                          CHECK_ARGS --peer ${PROJECT_BINARY_DIR}/tvc-asyncio)
  add_test(NAME peers/asyncio_idle_rss
           COMMAND /usr/bin/python3 ${TVC_PEERS_TEST_DIR}/check_idle_rss.py
                   ${PROJECT_BINARY_DIR}/tvc-asyncio 100000)
  set_tests_properties(peers/asyncio_idle_rss PROPERTIES
                       LABELS peers TIMEOUT 120)
  tvc_add_check(peers/asyncio_echo_load
                ${TVC_PEERS_TEST_DIR}/check_echo_load.sh LABELS peers
                ARGS ${PROJECT_BINARY_DIR}/tvc-asyncio
                $<TARGET_FILE:tvc-loadgen-echo> line 64)
  # The server roles against the Python clients the C servers face
  # (tests/workloads/check_client.sh), and the http replies byte for byte.
  tvc_add_check(peers/asyncio/http_framing ${TVC_PEERS_WL_DIR}/check_client.sh
                LABELS peers ARGS http_framing.py
                ${PROJECT_BINARY_DIR}/tvc-asyncio http)
  tvc_add_check(peers/asyncio/echo_raw_clients
                ${TVC_PEERS_WL_DIR}/check_client.sh LABELS peers
                ARGS echo_raw.py ${PROJECT_BINARY_DIR}/tvc-asyncio echo
                --framing=raw)
  add_test(NAME peers/asyncio/http_bytes
           COMMAND /usr/bin/python3 ${TVC_PEERS_TEST_DIR}/check_http_bytes.py
                   ${PROJECT_BINARY_DIR}/tvc-asyncio
                   $<TARGET_FILE:tvc-threaded>)
  set_tests_properties(peers/asyncio/http_bytes PROPERTIES
                       LABELS peers TIMEOUT 60)
endif()

# nginx serving http: the harness's real server point (the runner starts
# it, wrk loads it, SIGTERM stops it: tests/harness/server_cases.sh),
# ./tvc serve's server role, the C servers' bytes for every route, and
# exit 3 for a role or stack it has no part in.
if(EXISTS ${PROJECT_BINARY_DIR}/tvc-nginx)
  set(bin ${PROJECT_BINARY_DIR}/tvc-nginx)
  add_test(NAME peers/nginx_wrk
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/harness/server_cases.sh
                   http $<TARGET_FILE:tvc-runner> ${bin}
                   $<TARGET_FILE:tvc-loadgen-echo>)
  set_tests_properties(peers/nginx_wrk PROPERTIES
                       LABELS peers TIMEOUT 60 SKIP_RETURN_CODE 77)
  tvc_add_check(peers/nginx_http_server ${TVC_PEERS_WL_DIR}/check_server.sh
                LABELS peers ARGS ${bin} http)
  add_test(NAME peers/nginx_http_bytes
           COMMAND /usr/bin/python3 ${TVC_PEERS_TEST_DIR}/check_http_bytes.py
                   --routes ${bin} $<TARGET_FILE:tvc-threaded>)
  set_tests_properties(peers/nginx_http_bytes PROPERTIES
                       LABELS peers TIMEOUT 60)
  tvc_add_check(peers/nginx_cli ${TVC_PEERS_TEST_DIR}/check_peer_cli.sh
                LABELS peers ARGS ${bin} http --role=self --stack=compact)
else()
  tvc_peer_missing(nginx)
endif()
