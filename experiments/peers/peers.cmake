# Peer baselines (docs/DESIGN.md, "Adding a workload, an experiment or a
# peer"): programs written on other concurrency libraries that run a workload
# the way the tvc runtimes do, print the same record, and land at the top of
# the build tree as tvc-<peer>, so the harness runs them as one more column.
#   tvc-libuv    echo --role=server on libuv (libuv_echo.c)
#   tvc-asyncio  the workloads on Python asyncio (asyncio/, a script)
#   tvc-uvloop   the same script on uvloop
#   tvc-floor    echo --role=server as a bare epoll loop (epoll_floor.c)
# A peer that cannot be built leaves its reason in peers/missing/<peer>
# in the build tree, where experiments/run reads it for the row that says
# the peer was skipped.  Included by experiments/CMakeLists.txt.

set(TVC_PEERS_OUT ${PROJECT_BINARY_DIR}/peers)
file(REMOVE_RECURSE ${TVC_PEERS_OUT}/missing)
function(tvc_peer_missing peer why)
  message(STATUS "peer ${peer} not built: ${why}")
  file(WRITE ${TVC_PEERS_OUT}/missing/${peer} "${why}\n")
endfunction()

# The workloads' parameter table as JSON (tvc-threaded --spec), which the
# peers read their parameter names, defaults and ranges from.  Not in a
# cross build: the peers are host tools and are not run there.
set(TVC_PEER_SPEC ${TVC_PEERS_OUT}/spec.json)
if(NOT CMAKE_CROSSCOMPILING)
  add_custom_command(
    OUTPUT ${TVC_PEER_SPEC}
    COMMAND $<TARGET_FILE:tvc-threaded> --spec > ${TVC_PEER_SPEC}.tmp
    COMMAND ${CMAKE_COMMAND} -E rename ${TVC_PEER_SPEC}.tmp ${TVC_PEER_SPEC}
    DEPENDS tvc-threaded
    COMMENT "Writing the workloads' spec table for the peers")
  add_custom_target(tvc-peer-spec ALL DEPENDS ${TVC_PEER_SPEC})
endif()

# tvc-floor: the echo server role as a bare epoll loop (epoll_floor.c),
# on the echo workload's own parameter table and the runtimes' driver.
add_executable(tvc-floor ${CMAKE_CURRENT_LIST_DIR}/epoll_floor.c)
target_link_libraries(tvc-floor PRIVATE tvc_wlspec tvc_common)
set_target_properties(tvc-floor PROPERTIES
                      RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR})

find_package(PkgConfig)
if(PkgConfig_FOUND)
  pkg_check_modules(LIBUV IMPORTED_TARGET libuv)
endif()
if(LIBUV_FOUND)
  add_executable(tvc-libuv ${CMAKE_CURRENT_LIST_DIR}/libuv_echo.c)
  target_link_libraries(tvc-libuv PRIVATE PkgConfig::LIBUV tvc_common)
  set_target_properties(tvc-libuv PROPERTIES
                        RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR})
else()
  tvc_peer_missing(libuv "libuv not found by pkg-config (install the Debian "
                         "package libuv1-dev, or run ./tvc setup)")
endif()

# tvc-asyncio and tvc-uvloop: wrappers that run the script with Debian's
# python3; the script stays in the source tree, so an edit needs no
# rebuild.
set(TVC_ASYNCIO_MAIN ${CMAKE_CURRENT_LIST_DIR}/asyncio/main.py)
function(tvc_asyncio_wrapper prog loop)
  set(TVC_PEER_PROG ${prog})
  set(TVC_PEER_LOOP ${loop})
  # (configure_file sets no permissions before CMake 3.19: stage, copy.)
  configure_file(${CMAKE_CURRENT_LIST_DIR}/tvc-asyncio.in
                 ${TVC_PEERS_OUT}/stage/${prog} @ONLY)
  file(COPY ${TVC_PEERS_OUT}/stage/${prog} DESTINATION ${PROJECT_BINARY_DIR}
       FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ
                        GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
endfunction()
file(REMOVE ${PROJECT_BINARY_DIR}/tvc-asyncio ${PROJECT_BINARY_DIR}/tvc-uvloop)
if(NOT EXISTS /usr/bin/python3)
  tvc_peer_missing(asyncio "/usr/bin/python3 not found (Debian package "
                           "python3)")
  tvc_peer_missing(uvloop "/usr/bin/python3 not found (Debian package "
                          "python3)")
else()
  tvc_asyncio_wrapper(tvc-asyncio asyncio)
  execute_process(COMMAND /usr/bin/python3 -c "import uvloop"
                  RESULT_VARIABLE TVC_UVLOOP_RC OUTPUT_QUIET ERROR_QUIET)
  if(TVC_UVLOOP_RC EQUAL 0)
    tvc_asyncio_wrapper(tvc-uvloop uvloop)
  else()
    tvc_peer_missing(uvloop "uvloop cannot be imported by /usr/bin/python3 "
                            "(install the Debian package python3-uvloop)")
  endif()
endif()
