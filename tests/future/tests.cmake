# The future core: single-thread semantics under both runtime styles, and
# exactly-once completion under racing threads (also under TSan).
tvc_add_test(future future)
tvc_add_test(future race LABELS tsan)
