# The direct-style API tests: one source per feature, written against
# tvc.h only, built and run once per direct-style runtime whose library
# exists (threaded and coroutine), as direct/<runtime>/<feature>.
#
# The coroutine runtime runs each a second time in its compact stack mode
# (direct/coroutine-compact/<feature>; TVC_STACK=compact is read by tvc_run
# when it gets no options).  Its executor test is also labelled tsan: it is
# the one place where threads meet the coroutine loop.  emfile counts the
# server's failed accepts through a wrapped accept4.
set(TVC_DIRECT_TEST_FEATURES
    task await gather wait sync queue executor cancel stream emfile
    contracts linger)
foreach(rt threaded coroutine)
  if(NOT TARGET tvc_${rt})
    continue()
  endif()
  foreach(feature ${TVC_DIRECT_TEST_FEATURES})
    set(target test_direct_${rt}_${feature})
    add_executable(${target}
                   ${CMAKE_CURRENT_SOURCE_DIR}/direct/test_${feature}.c)
    target_include_directories(${target} PRIVATE
                               ${CMAKE_CURRENT_SOURCE_DIR}
                               ${CMAKE_CURRENT_SOURCE_DIR}/direct)
    target_link_libraries(${target} PRIVATE tvc_${rt} tvc_common)
    if(feature STREQUAL "emfile")
      target_link_options(${target} PRIVATE -Wl,--wrap=accept4)
    endif()
    add_test(NAME direct/${rt}/${feature} COMMAND ${target})
    if(rt STREQUAL "threaded")
      set(labels direct threaded tsan)
    else()
      set(labels direct coroutine)
      if(feature STREQUAL "executor")
        list(APPEND labels tsan)
      endif()
      add_test(NAME direct/coroutine-compact/${feature} COMMAND ${target})
      set_tests_properties(direct/coroutine-compact/${feature} PROPERTIES
                           ENVIRONMENT TVC_STACK=compact TIMEOUT 60
                           LABELS "direct;coroutine")
    endif()
    set_tests_properties(direct/${rt}/${feature} PROPERTIES
                         TIMEOUT 60 LABELS "${labels}")
  endforeach()
endforeach()
