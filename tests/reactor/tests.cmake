# The common reactor: ready queue order, timers, fd readiness, remote
# posts from other threads.  Each test steps the reactor one iteration at
# a time.
tvc_add_test(reactor ready)
tvc_add_test(reactor timers)
tvc_add_test(reactor io)
tvc_add_test(reactor remote LABELS tsan)
