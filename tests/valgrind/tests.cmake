# Valgrind memcheck over the coroutine and callback runtimes, opt-in:
# only a build configured with -DTVC_VALGRIND=ON (./tvc build valgrind:
# no sanitizer, the system allocator) has these entries, all labelled
# valgrind:  ctest --test-dir build/valgrind -L valgrind
# Each runs a test, or a workload point at a tiny size, under memcheck;
# any error, or a definite leak, fails it.  Coroutine stacks are
# registered with Valgrind (VALGRIND_STACK_REGISTER, coroutine/stack.c),
# so switching between them is not taken for a stack overflow.
# coroutine/leaks (100,000 coroutines) is left out: several minutes under
# memcheck, and its leak check runs in every other build.
if(NOT TVC_VALGRIND)
  return()
endif()
find_program(TVC_VALGRIND_EXE valgrind REQUIRED)
set(vg ${TVC_VALGRIND_EXE} -q --error-exitcode=1 --leak-check=full
    --errors-for-leak-kinds=definite)

# tvc_add_valgrind(NAME COMMAND...): valgrind/NAME runs COMMAND under vg.
function(tvc_add_valgrind name)
  add_test(NAME valgrind/${name} COMMAND ${vg} ${ARGN})
  set_tests_properties(valgrind/${name} PROPERTIES
                       TIMEOUT 300 LABELS valgrind)
endfunction()

foreach(t coroutine_switch coroutine_timer_due coroutine_stack
          fairness_coroutine_read callback_loop callback_once
          callback_streams callback_emfile callback_cancel_leak
          callback_executor callback_chaos)
  if(TARGET test_${t})
    tvc_add_valgrind(${t} $<TARGET_FILE:test_${t}>)
  endif()
endforeach()
foreach(feature ${TVC_DIRECT_TEST_FEATURES})
  if(TARGET test_direct_coroutine_${feature})
    tvc_add_valgrind(direct_coroutine_${feature}
                     $<TARGET_FILE:test_direct_coroutine_${feature}>)
  endif()
endforeach()

# A few workload points of each runtime (exit status 0: the point's own
# check passed), the coroutine ones in both stack modes.  The direct
# tests above run in the private mode only.
set(vg_points
  "idle|idle --tasks=200"
  "pingpong|pingpong --rounds=200"
  "echo|echo --conns=3 --msgs=50"
  "http|http --conns=3 --requests=30"
  "cancel_stream|cancel --tasks=30 --kind=stream"
  "timeout|timeout --rounds=2 --work_ns=60000000 --margin_ns=50000000"
  "executor|executor --calls=10")
foreach(rt coroutine callback)
  if(NOT TARGET tvc-${rt})
    continue()
  endif()
  foreach(point ${vg_points})
    string(REGEX MATCH "^([^|]+)[|](.*)$" _ "${point}")
    set(name ${CMAKE_MATCH_1})
    separate_arguments(args UNIX_COMMAND "${CMAKE_MATCH_2}")
    tvc_add_valgrind(wl/${rt}/${name} $<TARGET_FILE:tvc-${rt}> ${args})
    if(rt STREQUAL "coroutine")
      tvc_add_valgrind(wl/coroutine-compact/${name}
                       $<TARGET_FILE:tvc-${rt}> ${args} --stack=compact)
    endif()
  endforeach()
endforeach()
