# The coroutine runtime's own tests: the switch, stacks, and leaks after
# mass cancellation.  The API tests shared with the threaded runtime live
# in tests/direct and register themselves for tvc_coroutine.
if(TARGET tvc_coroutine)
  tvc_add_test(coroutine switch LIBS tvc_coroutine LABELS coroutine)
  tvc_add_test(coroutine stack LIBS tvc_coroutine LABELS coroutine)
endif()
