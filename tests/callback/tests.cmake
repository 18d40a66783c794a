# The callback runtime: the loop, continuations called exactly once, leak
# checks after mass cancellation, streams over loopback, a server out of
# descriptors, the API's contracts, and each continuation-passing
# workload at a tiny size.
tvc_add_test(callback loop LIBS tvc_callback)
tvc_add_test(callback once LIBS tvc_callback)
tvc_add_test(callback streams LIBS tvc_callback)
# A server's linger and idle timeout, and what stream_free drops.
tvc_add_test(callback linger LIBS tvc_callback)
# emfile counts the server's failed accepts through a wrapped accept4, as
# tests/direct/test_emfile.c does.
tvc_add_test(callback emfile LIBS tvc_callback)
target_link_options(test_callback_emfile PRIVATE -Wl,--wrap=accept4)
tvc_add_test(callback cancel_leak LIBS tvc_callback)
tvc_add_test(callback executor LIBS tvc_callback LABELS tsan)
tvc_add_test(callback chaos LIBS tvc_callback)
# contracts makes the runtime's allocations fail on demand through a
# wrapped malloc.
tvc_add_test(callback contracts LIBS tvc_callback)
target_link_options(test_callback_contracts PRIVATE -Wl,--wrap=malloc)

# Each continuation-passing workload at a tiny size, with the workloads'
# own checkers: one valid record whose self-check passed, and the server
# role against a client in another process.  A point runs only when
# callback/workloads/ has its workload.
if(TARGET tvc-callback)
  tvc_add_workload_points(callback/wl tvc-callback LABELS callback workloads
                          REQUIRE ${PROJECT_SOURCE_DIR}/callback/workloads
                          POINTS ${TVC_WL_POINTS} SERVERS echo http)
endif()
