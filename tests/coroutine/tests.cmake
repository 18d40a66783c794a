# The coroutine runtime's own tests: the switch, stacks, and leaks after
# mass cancellation.  The API tests shared with the threaded runtime live
# in tests/direct and register themselves for tvc_coroutine; this file
# adds a second run of them (and of ours) in the compact stack mode,
# chosen with TVC_STACK=compact (read by tvc_run when opts is NULL).
if(TARGET tvc_coroutine)
  tvc_add_test(coroutine switch LIBS tvc_coroutine LABELS coroutine)
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

  # tests/direct is included after this file: add its compact runs once
  # the whole directory has been read.  The executor test also runs in the
  # ThreadSanitizer build (label tsan): it is the one place where threads
  # meet the loop.  (Not the leak test: TSan makes each coroutine a fiber
  # and allows about 8k of them.)
  function(tvc_coroutine_compact_direct_tests)
    if(TARGET test_direct_coroutine_executor)
      add_test(NAME coroutine/tsan/executor
               COMMAND test_direct_coroutine_executor)
      set_tests_properties(coroutine/tsan/executor PROPERTIES
                           TIMEOUT 60 LABELS "coroutine;tsan")
    endif()
    foreach(feature ${TVC_DIRECT_TEST_FEATURES})
      if(TARGET test_direct_coroutine_${feature})
        set(name direct/coroutine-compact/${feature})
        add_test(NAME ${name} COMMAND test_direct_coroutine_${feature})
        set_tests_properties(${name} PROPERTIES
                             ENVIRONMENT TVC_STACK=compact TIMEOUT 60
                             LABELS "direct;coroutine")
      endif()
    endforeach()
  endfunction()
  cmake_language(DEFER CALL tvc_coroutine_compact_direct_tests)
endif()
