# The peer baselines (experiments/peers/), run for real: tvc-libuv's echo
# server answers a client in another process and stops cleanly on
# SIGTERM with an ok record (the runtimes' check_server.sh), counts what
# the load generator sent when echoes come back in chunks
# (check_libuv_load.sh; both start the server through
# tests/workloads/server_lib.sh); tvc-asyncio's idle prints an ok record
# (check_record.sh); both handle the command line as the C driver does
# (check_peer_cli.sh).

set(TVC_PEERS_TEST_DIR ${CMAKE_CURRENT_SOURCE_DIR}/peers)
set(TVC_PEERS_WL_DIR ${CMAKE_CURRENT_SOURCE_DIR}/workloads)

if(TARGET tvc-libuv)
  add_test(NAME peers/libuv_echo_server
           COMMAND sh ${TVC_PEERS_WL_DIR}/check_server.sh
                   $<TARGET_FILE:tvc-libuv> echo)
  add_test(NAME peers/libuv_cli
           COMMAND sh ${TVC_PEERS_TEST_DIR}/check_peer_cli.sh
                   $<TARGET_FILE:tvc-libuv> echo)
  set_tests_properties(peers/libuv_echo_server peers/libuv_cli PROPERTIES
                       TIMEOUT 60 LABELS peers)
  if(TARGET tvc-loadgen-echo)
    add_test(NAME peers/libuv_echo_load
             COMMAND sh ${TVC_PEERS_TEST_DIR}/check_libuv_load.sh
                     $<TARGET_FILE:tvc-libuv>
                     $<TARGET_FILE:tvc-loadgen-echo>)
    set_tests_properties(peers/libuv_echo_load PROPERTIES
                         TIMEOUT 60 LABELS peers)
  endif()
endif()

# tvc-asyncio is a script peers.cmake configures, not a compiled target.
if(EXISTS ${PROJECT_BINARY_DIR}/tvc-asyncio AND EXISTS /usr/bin/python3)
  add_test(NAME peers/asyncio_idle
           COMMAND sh ${TVC_PEERS_WL_DIR}/check_record.sh
                   ${PROJECT_BINARY_DIR}/tvc-asyncio idle --tasks=1000)
  add_test(NAME peers/asyncio_cli
           COMMAND sh ${TVC_PEERS_TEST_DIR}/check_peer_cli.sh
                   ${PROJECT_BINARY_DIR}/tvc-asyncio idle)
  set_tests_properties(peers/asyncio_idle peers/asyncio_cli PROPERTIES
                       TIMEOUT 60 LABELS peers)
endif()
