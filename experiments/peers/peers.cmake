# Peer baselines (docs/DESIGN.md, "Adding a workload, an experiment or a
# peer"): programs written on other concurrency libraries that run a workload
# the way the tvc runtimes do, print the same record, and land at the top of
# the build tree as tvc-<peer>, so the harness runs them as one more column.
#   tvc-libuv    echo --role=server on libuv (libuv_echo.c)
#   tvc-asyncio  idle on Python asyncio (asyncio_idle.py, a script)
# Included by experiments/CMakeLists.txt.

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
  message(STATUS "libuv not found by pkg-config: the tvc-libuv peer is not "
                 "built (install the Debian package libuv1-dev, or run "
                 "./tvc setup)")
endif()

# tvc-asyncio: a wrapper that runs the script with Debian's python3; the
# script stays in the source tree, so an edit needs no rebuild.
set(TVC_ASYNCIO_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/asyncio_idle.py)
# (configure_file sets no permissions before CMake 3.19: stage, then copy.)
configure_file(${CMAKE_CURRENT_LIST_DIR}/tvc-asyncio.in
               ${CMAKE_CURRENT_BINARY_DIR}/peers/tvc-asyncio @ONLY)
file(COPY ${CMAKE_CURRENT_BINARY_DIR}/peers/tvc-asyncio
     DESTINATION ${PROJECT_BINARY_DIR}
     FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ
                      GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
