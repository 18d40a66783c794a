# The coroutine runtime's own tests: the switch, a due timer's turn
# among busy tasks, stacks, and leaks after
# mass cancellation, the last two also in the compact stack mode chosen
# with TVC_STACK=compact (read by tvc_run when opts is NULL).  The API
# tests shared with the threaded runtime live in tests/direct.
if(TARGET tvc_coroutine)
  tvc_add_test(coroutine switch LIBS tvc_coroutine LABELS coroutine)
  tvc_add_test(coroutine timer_due LIBS tvc_coroutine LABELS coroutine)
  # leaks makes 100,000 coroutines: about 10 s under ASan here, more with
  # the ucontext switch (a sigprocmask call per switch).
  foreach(feature stack leaks)
    tvc_add_test(coroutine ${feature} LIBS tvc_coroutine LABELS coroutine
                 TIMEOUT 120)
    add_test(NAME coroutine/compact/${feature}
             COMMAND test_coroutine_${feature})
    set_tests_properties(coroutine/compact/${feature} PROPERTIES
                         ENVIRONMENT TVC_STACK=compact TIMEOUT 120
                         LABELS "coroutine")
  endforeach()
endif()
