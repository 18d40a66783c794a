# The direct-style API tests: one source per feature, written against
# tvc.h only, built and run once per direct-style runtime whose library
# exists (threaded and coroutine), as direct/<runtime>/<feature>.
set(TVC_DIRECT_TEST_FEATURES
    task await gather wait sync queue executor cancel stream)
foreach(rt threaded coroutine)
  if(TARGET tvc_${rt})
    if(rt STREQUAL "threaded")
      set(extra_label tsan)
    else()
      set(extra_label coroutine)
    endif()
    foreach(feature ${TVC_DIRECT_TEST_FEATURES})
      set(target test_direct_${rt}_${feature})
      add_executable(${target}
                     ${CMAKE_CURRENT_SOURCE_DIR}/direct/test_${feature}.c)
      target_include_directories(${target} PRIVATE
                                 ${CMAKE_CURRENT_SOURCE_DIR}
                                 ${CMAKE_CURRENT_SOURCE_DIR}/direct)
      target_link_libraries(${target} PRIVATE tvc_${rt} tvc_common)
      add_test(NAME direct/${rt}/${feature} COMMAND ${target})
      set_tests_properties(direct/${rt}/${feature} PROPERTIES
                           TIMEOUT 60 LABELS "direct;${rt};${extra_label}")
    endforeach()
  endif()
endforeach()
