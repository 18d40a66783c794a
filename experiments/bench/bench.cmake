# tvc-bench-core: ns per clock read and per histogram record (printed as
# one JSON record, never asserted).  Included by experiments/CMakeLists.txt.
add_executable(tvc-bench-core ${CMAKE_CURRENT_LIST_DIR}/bench_core.c)
target_link_libraries(tvc-bench-core PRIVATE tvc_tool)
