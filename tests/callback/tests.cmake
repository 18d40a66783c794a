# The callback runtime: the loop, continuations called exactly once, leak
# checks after mass cancellation, streams over loopback, and each
# continuation-passing workload at a tiny size.
tvc_add_test(callback loop LIBS tvc_callback)
tvc_add_test(callback once LIBS tvc_callback)
