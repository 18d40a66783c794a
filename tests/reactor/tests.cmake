# The common reactor: ready queue order, timers, fd readiness, remote
# posts from other threads, the blocking-call pool.  Each test steps the
# reactor one iteration at a time.
tvc_add_test(reactor ready)
tvc_add_test(reactor timers)
tvc_add_test(reactor io)
tvc_add_test(reactor remote LABELS tsan)
tvc_add_test(reactor rx_pool LABELS tsan)
