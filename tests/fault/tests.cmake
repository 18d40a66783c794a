# Fault injection (fail.h): each runtime's tiny workload (test_direct.c
# for threaded and coroutine, test_callback.c for callback) runs once per
# k with the k-th call of one site failing -- allocations, threads, stack
# maps, sockets, accepts, descriptors, epoll registrations, recv/send,
# polls -- and must come back with an error code, nothing leaked, nothing
# crashed or hung: fault/RUNTIME/SITE (and SITE+, below), with
# coroutine-compact as one more runtime.  The workloads make at most a few dozen
# calls of a site, so every k runs (fail_sweep samples above 200, and
# says so).  ./tvc test prints the runs survived per runtime and site.
#
# Not labelled tsan: the point is the error paths, which ASan and
# LeakSanitizer check in every child; a process per k under
# ThreadSanitizer would cost minutes for no race the tsan-labelled tests
# do not already run.
set(TVC_FAULT_WRAPS malloc calloc realloc aligned_alloc strdup asprintf
    pthread_create mmap madvise mprotect socket accept4 epoll_create1 eventfd
    open epoll_ctl epoll_pwait2 ppoll recv sendmsg)
list(TRANSFORM TVC_FAULT_WRAPS PREPEND "-Wl,--wrap=")

# The sites each runtime reaches (mmap: only coroutine stacks are mapped;
# watch: only the loops use epoll).  The sites of TVC_FAULT_GONE run a
# second time as SITE+, with every call from the k-th on failing: the
# resource is gone for good, so cleanup that needs one more of it is
# caught.  accept and poll are not among them: a server that can never
# accept again backs off and retries, and a poll that never returns, as
# the runtimes are meant to.
set(TVC_FAULT_SITES alloc thread socket accept accept_nomem fd io poll)
set(TVC_FAULT_SITES_threaded ${TVC_FAULT_SITES})
set(TVC_FAULT_SITES_coroutine ${TVC_FAULT_SITES} mmap watch)
set(TVC_FAULT_SITES_callback ${TVC_FAULT_SITES} watch)
set(TVC_FAULT_GONE alloc thread socket fd io mmap watch)

# tvc_fault_test(NAME TARGET SITE [ON] [ENV var=value]): fault/NAME.
function(tvc_fault_test name target site)
  cmake_parse_arguments(F "ON" "ENV" "" ${ARGN})
  set(args ${site})
  if(F_ON)
    list(APPEND args --on)
  endif()
  add_test(NAME fault/${name} COMMAND ${target} ${args})
  set_tests_properties(fault/${name} PROPERTIES TIMEOUT 120 LABELS "fault")
  if(F_ENV)
    set_tests_properties(fault/${name} PROPERTIES ENVIRONMENT ${F_ENV})
  endif()
endfunction()

foreach(rt threaded coroutine callback)
  if(NOT TARGET tvc_${rt})
    continue()
  endif()
  set(target test_fault_${rt})
  set(source direct)
  if(rt STREQUAL "callback")
    set(source callback)
  endif()
  add_executable(${target}
                 ${CMAKE_CURRENT_SOURCE_DIR}/fault/test_${source}.c
                 ${CMAKE_CURRENT_SOURCE_DIR}/fault/fail.c
                 ${CMAKE_CURRENT_SOURCE_DIR}/fault/sweep.c)
  target_include_directories(${target} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(${target} PRIVATE tvc_${rt} tvc_common)
  target_link_options(${target} PRIVATE ${TVC_FAULT_WRAPS})
  # The coroutine runtime runs each a second time in its compact stack
  # mode (TVC_STACK=compact, read by tvc_run).
  set(columns ${rt})
  if(rt STREQUAL "coroutine")
    list(APPEND columns coroutine-compact)
  endif()
  foreach(column ${columns})
    set(env "")
    if(column STREQUAL "coroutine-compact")
      set(env ENV TVC_STACK=compact)
    endif()
    foreach(site ${TVC_FAULT_SITES_${rt}})
      tvc_fault_test(${column}/${site} ${target} ${site} ${env})
      # Not alloc+ in compact mode: a task resumed while the run stack's
      # owner cannot be copied off it for want of memory waits its turn
      # (coroutine/coro.c, resume), and with memory gone for good the
      # scheduler spins on that turn for ever.
      if(site IN_LIST TVC_FAULT_GONE AND
         NOT (column STREQUAL "coroutine-compact" AND site STREQUAL "alloc"))
        tvc_fault_test(${column}/${site}+ ${target} ${site} ON ${env})
      endif()
    endforeach()
  endforeach()
endforeach()
