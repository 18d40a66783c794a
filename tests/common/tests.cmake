# Tests of the shared core (common/).  One line per test; add yours below.
tvc_add_test(common addr)
tvc_add_test(common errors LABELS tsan)
tvc_add_test(common clock)
tvc_add_test(common hist LABELS tsan)
tvc_add_test(common json LABELS tsan)
tvc_add_test(common json_validate)
tvc_add_test(common mem)
tvc_add_test(common outbuf)
