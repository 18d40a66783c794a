# Tests of the threaded runtime's own mechanics and choices, beside the
# shared API tests of tests/direct: internals looks inside
# threaded/internal.h.
if(TARGET tvc_threaded)
  tvc_add_test(threaded internals LIBS tvc_threaded LABELS tsan)
endif()
