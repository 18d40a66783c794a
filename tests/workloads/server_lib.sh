# server_lib.sh: sourced by the checks that run a server role in the
# background and talk to it from another process (check_server.sh here,
# tests/peers/check_echo_load.sh).  Makes a scratch folder $dir, removed
# on exit together with a server still running, and defines:
#   start_server CMD...  run CMD in the background, stdout to $dir/record
#                        and stderr to $dir/stderr; sets pid, and port
#                        once CMD prints "listening on 127.0.0.1:PORT"
#                        (10 s at most); if it never does (it died or
#                        hangs), shows its stderr and exits 1
#   stop_server          SIGTERM, then wait: sets rc to its exit status
dir=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
start_server() {
    # Made before the server starts, so the first look finds a file.
    : >"$dir/stderr"
    "$@" >"$dir/record" 2>"$dir/stderr" &
    pid=$!
    port=""
    i=0
    while [ $i -lt 200 ]; do
        port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' \
            "$dir/stderr")
        [ -n "$port" ] && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
        i=$((i + 1))
    done
    echo "no 'listening on' line" >&2
    cat "$dir/stderr" >&2
    exit 1
}
stop_server() {
    kill -TERM "$pid"
    wait "$pid"
    rc=$?
    pid=""
}
