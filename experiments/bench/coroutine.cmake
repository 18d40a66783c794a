# tvc-bench-switch: the coroutine runtime's switch, yield, spawn and
# compact-mode copy costs beside Boost.Context and a bare floor, as one
# JSON record.  Included by experiments/CMakeLists.txt.
if(TARGET tvc_coroutine)
  add_executable(tvc-bench-switch ${CMAKE_CURRENT_LIST_DIR}/bench_switch.c)
  target_link_libraries(tvc-bench-switch PRIVATE tvc_coroutine tvc_tool)
  find_library(TVC_BOOST_CONTEXT_LIB boost_context)
  if(TVC_BOOST_CONTEXT_LIB)
    target_link_libraries(tvc-bench-switch PRIVATE ${TVC_BOOST_CONTEXT_LIB})
    target_compile_definitions(tvc-bench-switch PRIVATE
                               TVC_HAVE_BOOST_CONTEXT=1)
  endif()
endif()
