# Tests of the threaded runtime's own mechanics and choices, beside the
# shared API tests of tests/direct: internals looks inside
# threaded/internal.h; emfile checks how its server sheds connections.
if(TARGET tvc_threaded)
  tvc_add_test(threaded internals LIBS tvc_threaded LABELS tsan)
  tvc_add_test(threaded emfile LIBS tvc_threaded LABELS tsan)
endif()
