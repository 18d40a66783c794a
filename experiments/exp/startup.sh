# startup: a whole process of each runtime, timed by hyperfine
# What does a whole process of each runtime cost, from exec to
# exit, with one task spawned and joined?  Timed by hyperfine.
for rt in $RUNTIMES; do
    hyperfine_point "startup-$rt" -- "$(bin_of "$rt")" spawn --tasks=1
done
