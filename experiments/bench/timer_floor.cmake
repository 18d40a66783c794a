# tvc-timer-floor: the timers workload's deadlines fired by a bare loop
# (no heap, no tasks), as a record beside the runtimes' (runtime "floor").
# It takes the workload's parameters and draws from timers_spec.c.
# Included by experiments/CMakeLists.txt.
add_executable(tvc-timer-floor ${CMAKE_CURRENT_LIST_DIR}/timer_floor.c)
target_link_libraries(tvc-timer-floor PRIVATE tvc_wlspec tvc_common)
