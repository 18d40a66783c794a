# Fault injection (fail.h): each runtime's tiny workload (test_direct.c
# for threaded and coroutine, test_callback.c for callback) runs once per
# k with the k-th call of one site failing -- allocations, threads, stack
# maps, sockets, accepts, descriptors, epoll registrations, recv/send,
# polls -- and must come back with an error code, nothing leaked, nothing
# crashed or hung: fault/RUNTIME/SITE, and fault/coroutine-compact/SITE
# in the compact stack mode.  The workloads make at most a few dozen
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
# watch: only the loops use epoll).
set(TVC_FAULT_SITES alloc thread socket accept accept_nomem fd io poll)
set(TVC_FAULT_SITES_threaded ${TVC_FAULT_SITES})
set(TVC_FAULT_SITES_coroutine ${TVC_FAULT_SITES} mmap watch)
set(TVC_FAULT_SITES_callback ${TVC_FAULT_SITES} watch)

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
  foreach(site ${TVC_FAULT_SITES_${rt}})
    add_test(NAME fault/${rt}/${site} COMMAND ${target} ${site})
    set_tests_properties(fault/${rt}/${site} PROPERTIES
                         TIMEOUT 120 LABELS "fault")
    if(rt STREQUAL "coroutine")
      add_test(NAME fault/coroutine-compact/${site} COMMAND ${target} ${site})
      set_tests_properties(fault/coroutine-compact/${site} PROPERTIES
                           ENVIRONMENT TVC_STACK=compact TIMEOUT 120
                           LABELS "fault")
    endif()
  endforeach()
endforeach()
