# fanout: M downloads from a slow server, at most L at once
# M downloads from a server that answers after 2 ms, at most L in
# flight (a semaphore).  The delay server is one separate process shared
# by every runtime; ideal time is ceil(M/L) * delay.
for l in $(pick "10 100" "1 10 100 1000"); do
    for rt in $RUNTIMES; do
        delay_point "$rt" fanout --items="$(pick 200 2000)" --limit="$l" \
            --delay_ns=2000000
    done
done
