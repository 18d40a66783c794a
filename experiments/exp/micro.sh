# micro: what the building blocks cost (micro-benchmarks, in-process)
# What do the pieces under every figure cost?  The coroutine context
# switch beside Boost.Context's jump_fcontext and a bare register
# save/restore floor measured in the same process, a yield through the
# scheduler, spawn+run+join of an empty coroutine, compact-stack yields by
# stack depth (experiments/bench/bench_switch.c); a clock read and a
# histogram record (bench_core.c).  Each is pinned to one CPU and reports
# the median and min-max of its repetitions.
tool_point --cpu=0 tvc-bench-switch "$(pick 7 15)"
tool_point --cpu=0 tvc-bench-core "$(pick 7 15)"
