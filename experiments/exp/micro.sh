# micro: what the building blocks cost (micro-benchmarks, in-process)
# What do the pieces under every figure cost?  The coroutine context
# switch beside Boost.Context's jump_fcontext and a bare register
# save/restore floor measured in the same process, a yield through the
# scheduler, spawn+run+join of an empty coroutine, compact-stack yields by
# stack depth (experiments/bench/bench_switch.c); a clock read and a
# histogram record (bench_core.c).  Each is pinned to one CPU and reports
# the median and min-max of its repetitions.
# A repetition (the argument) takes about 0.23 s of bench-switch and 45 ms
# of bench-core (plan.sh's --cost_ms, from the reference run).
reps=$(pick 7 15)
tool_point --cpu=0 --cost_ms=$((reps * 230)) tvc-bench-switch "$reps"
tool_point --cpu=0 --cost_ms=$((reps * 45)) tvc-bench-core "$reps"
