# startup: a whole process of each runtime, timed by hyperfine
# What does a whole process of each runtime cost, from exec to
# exit, with one task spawned and joined?  Timed by hyperfine.
# One run takes about 3 ms (plan.sh's --cost_ms: per run of the command).
for rt in $RUNTIMES; do
    hyperfine_point --cost_ms=3 "startup-$rt" -- "$(bin_of "$rt")" spawn --tasks=1
done
