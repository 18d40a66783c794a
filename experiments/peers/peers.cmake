# Peer baselines (docs/DESIGN.md, "Adding a workload, an experiment or a
# peer"): programs written on other concurrency libraries that run a workload
# the way the tvc runtimes do, print the same record, and land at the top of
# the build tree as tvc-<peer>, so the harness runs them as one more column.
#   tvc-libuv    echo --role=server on libuv (libuv_echo.c)
#   tvc-asyncio  the workloads on Python asyncio (asyncio/, a script)
#   tvc-uvloop   the same script on uvloop
#   tvc-floor    echo --role=server as a bare epoll loop (epoll_floor.c)
#   tvc-nginx    http --role=server on nginx (nginx/, a script and a config)
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

# tvc-asyncio, tvc-uvloop and tvc-nginx: wrappers that run a script with
# Debian's python3; the script stays in the source tree, so an edit needs
# no rebuild.
function(tvc_script_peer prog script loop)
  set(TVC_PEER_PROG ${prog})
  set(TVC_PEER_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/${script})
  set(TVC_PEER_LOOP ${loop})
  # (configure_file sets no permissions before CMake 3.19: stage, copy.)
  configure_file(${CMAKE_CURRENT_LIST_DIR}/tvc-asyncio.in
                 ${TVC_PEERS_OUT}/stage/${prog} @ONLY)
  file(COPY ${TVC_PEERS_OUT}/stage/${prog} DESTINATION ${PROJECT_BINARY_DIR}
       FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ
                        GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
endfunction()
file(REMOVE ${PROJECT_BINARY_DIR}/tvc-asyncio ${PROJECT_BINARY_DIR}/tvc-uvloop
     ${PROJECT_BINARY_DIR}/tvc-nginx)
if(NOT EXISTS /usr/bin/python3)
  tvc_peer_missing(asyncio "/usr/bin/python3 not found (Debian package "
                           "python3)")
  tvc_peer_missing(uvloop "/usr/bin/python3 not found (Debian package "
                          "python3)")
else()
  tvc_script_peer(tvc-asyncio asyncio/main.py asyncio)
  execute_process(COMMAND /usr/bin/python3 -c "import uvloop"
                  RESULT_VARIABLE TVC_UVLOOP_RC OUTPUT_QUIET ERROR_QUIET)
  if(TVC_UVLOOP_RC EQUAL 0)
    tvc_script_peer(tvc-uvloop asyncio/main.py uvloop)
  else()
    tvc_peer_missing(uvloop "uvloop cannot be imported by /usr/bin/python3 "
                            "(install the Debian package python3-uvloop)")
  endif()
  # tvc-nginx: nginx/tvc_nginx.py runs Debian's nginx with the committed
  # nginx/nginx.conf, which needs the headers-more module.
  set(TVC_HEADERS_MORE
      /usr/lib/nginx/modules/ngx_http_headers_more_filter_module.so)
  if(NOT EXISTS /usr/sbin/nginx)
    tvc_peer_missing(nginx "/usr/sbin/nginx not found (install the Debian "
                           "package nginx, or run ./tvc setup)")
  elseif(NOT EXISTS ${TVC_HEADERS_MORE})
    tvc_peer_missing(nginx "nginx's headers-more module is missing (install "
                           "the Debian package "
                           "libnginx-mod-http-headers-more-filter)")
  else()
    tvc_script_peer(tvc-nginx nginx/tvc_nginx.py asyncio)
  endif()
endif()
