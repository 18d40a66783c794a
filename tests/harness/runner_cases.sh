#!/usr/bin/env bash
# The runner against misbehaving children (tvc-fake): each case runs one
# point and checks the row says what happened, and that nothing the child
# started is left alive.  Python only parses the JSON.
#   runner_cases.sh CASE TVC_RUNNER TVC_FAKE
set -euo pipefail
case_="$1" runner="$2" fake="$3"
. "$(dirname "${BASH_SOURCE[0]}")/case_lib.sh"

# row FIELD-EXPRESSION...: prints each Python expression evaluated on the
# row r (the single line the runner printed), one per line.
row() {
    "$PY" - "$tmp/row" "$@" <<'PYEOF'
import json, sys
text = open(sys.argv[1]).read()
lines = text.splitlines()
assert len(lines) == 1, "expected one line, got %d" % len(lines)
r = json.loads(lines[0])
for expr in sys.argv[2:]:
    print(eval(expr, {"r": r}))
PYEOF
}

# expect EXPR VALUE: the row's EXPR must print VALUE.
expect() {
    local got
    got="$(row "$1")" || fail "cannot read row for $1"
    [ "$got" = "$2" ] || fail "$1 is '$got', expected '$2'"
}

# run RUNNER-ARGS...: runs the runner, saves the row and its exit code.
run() {
    set +e
    "$runner" "$@" >"$tmp/row" 2>"$tmp/err"
    rc=$?
    set -e
}

# The parts of a row every case must have.
common_shape() {
    expect 'sorted(k for k in ["schema","runtime","workload","params","ok","run"] if k not in r)' '[]'
    expect 'sorted(r["run"]["rusage"])' "['involuntary_cs', 'major_faults', 'max_rss_bytes', 'minor_faults', 'sys_ns', 'user_ns', 'voluntary_cs']"
    expect 'type(r["run"]["argv"]).__name__' list
}

case "$case_" in
good)
    run --experiment=e --point=2 --points=5 --rep=1 -- "$fake" good
    [ "$rc" = 0 ] || fail "exit $rc"
    common_shape
    expect 'r["run"]["status"]' ok
    expect 'r["ok"]' True
    expect 'r["figures"]["x_ns"]' 12
    expect '(r["run"]["experiment"], r["run"]["point"], r["run"]["points"], r["run"]["rep"])' "('e', 2, 5, 1)"
    expect 'r["run"]["exit_code"]' 0
    expect 'r["run"]["signal"]' None
    expect 'r["run"]["wall_ns"] > 0' True
    ;;
notok)
    run -- "$fake" notok
    [ "$rc" = 1 ] || fail "exit $rc"
    expect 'r["run"]["status"]' failed
    expect 'r["run"]["exit_code"]' 1
    expect 'r["workload"]' notok
    ;;
crash)
    run -- "$fake" crash
    [ "$rc" = 1 ] || fail "exit $rc"
    common_shape
    expect 'r["run"]["status"]' crash
    expect 'r["run"]["signal"]' SIGSEGV
    expect 'r["ok"]' False
    expect 'r["runtime"]' fake
    expect 'r["workload"]' crash
    expect '"SIGSEGV" in r["error"]' True
    expect '"about to crash" in r["run"]["stderr_tail"]' True
    ;;
sigkill)
    run -- "$fake" sigkill
    expect 'r["run"]["status"]' crash
    expect 'r["run"]["signal"]' SIGKILL
    expect 'r["run"]["stopped_by_runner"]' None
    ;;
hang)
    # Ignores SIGTERM, so the runner must escalate to SIGKILL; its
    # grandchild must die with it.
    TVC_FAKE_PIDS="$tmp/pids" run --timeout-ms=300 --grace-ms=200 -- \
        "$fake" hang
    [ "$rc" = 1 ] || fail "exit $rc"
    common_shape
    expect 'r["run"]["status"]' timeout
    expect 'r["run"]["signal"]' SIGKILL
    expect 'r["run"]["stopped_by_runner"]' timeout
    [ -s "$tmp/pids" ] || fail "the fake child wrote no pids"
    all_dead $(cat "$tmp/pids")
    ;;
garbage)
    for m in garbage two flood; do
        run -- "$fake" "$m"
        common_shape
        expect 'r["run"]["status"]' parse_error
        expect 'r["ok"]' False
        expect 'r["workload"]' "$m"
    done
    ;;
oom)
    # Sizes take the suffixes every tool takes (tvc/parse.h).
    run --rss-limit=50M -- "$fake" hog
    expect 'r["run"]["status"]' oom
    expect 'r["run"]["limits"]["rss_bytes"]' 50000000
    # Under an address-space limit the child fails its allocation; the
    # runner calls that oom, or crash if it died without saying so.
    run --as-limit=100000000 -- "$fake" hog
    expect 'r["run"]["status"] in ("oom", "crash")' True
    ;;
spawn)
    # A suffixed value is recorded as the runtime would record it.
    run -- "$tmp/no-such-binary" idle --tasks=10 --mode=x --size=64Ki
    expect 'r["run"]["status"]' spawn_error
    expect 'r["params"]' "{'tasks': 10, 'mode': 'x', 'size': 65536}"
    expect 'r["workload"]' idle
    ;;
usage)
    run --bogus -- "$fake" good
    [ "$rc" = 2 ] || fail "exit $rc for an unknown option"
    [ ! -s "$tmp/row" ] || fail "a usage error printed a row"
    run --timeout-ms=1
    [ "$rc" = 2 ] || fail "exit $rc without a command"
    # A bad number says what is accepted, in one line.
    run --rss-limit=lots -- "$fake" good
    [ "$rc" = 2 ] || fail "exit $rc for --rss-limit=lots"
    [ "$(wc -l <"$tmp/err")" = 1 ] || fail "not one line: $(cat "$tmp/err")"
    grep -q 'an integer >= 0 (k/M/G or Ki/Mi/Gi suffixes)' "$tmp/err" ||
        fail "no reason: $(cat "$tmp/err")"
    ;;
not_applicable)
    # Exit 3 with its reason on stderr: not applicable, not a failure;
    # as a point and as a server that never listens.
    run --experiment=e -- "$fake" na --stack=compact
    [ "$rc" = 1 ] || fail "exit $rc"
    common_shape
    expect 'r["run"]["status"]' not_applicable
    expect 'r["run"]["error"]' "tvc-fake: not applicable: --stack=compact: no stacks here"
    expect 'r["params"]["stack"]' compact
    run --server --experiment=s -- "$fake" na -- "$fake" load
    [ "$rc" = 1 ] || fail "exit $rc (server)"
    expect 'r["run"]["status"]' not_applicable
    expect 'r["run"]["error"]' "tvc-fake: not applicable: --stack=compact: no stacks here"
    ;;
skipped)
    # --skip runs nothing and writes the row of a missing runtime.
    run --skip="no such toolchain" --experiment=e --point=3 -- \
        /nonexistent/tvc-gone idle --tasks=5
    [ "$rc" = 1 ] || fail "exit $rc"
    common_shape
    expect 'r["run"]["status"]' skipped
    expect 'r["run"]["error"]' "no such toolchain"
    expect 'r["runtime"], r["workload"], r["params"]' "('gone', 'idle', {'tasks': 5})"
    expect 'r["run"]["exit_code"]' None
    ;;
server)
    run --server --timeout-ms=5000 --experiment=s -- "$fake" server -- \
        "$fake" load --port='{PORT}' --to='{ADDR}'
    [ "$rc" = 0 ] || fail "exit $rc: $(cat "$tmp/err")"
    common_shape
    expect 'r["run"]["status"]' ok
    expect 'r["run"]["role"]' server
    expect 'r["run"]["listen"]' 127.0.0.1:4242
    expect 'r["load"]["params"]["args"]' "--port=4242 --to=127.0.0.1:4242"
    expect 'r["load"]["run"]["status"]' ok
    expect 'r["load"]["run"]["role"]' load
    expect 'r["load"]["figures"]["req_per_s"]' 7
    if [ "$(nproc)" -ge 2 ]; then
        expect 'r["run"]["placement"]["pinned"]' True
        expect 'r["run"]["placement"]["server_cpu"] != r["run"]["placement"]["load_cpu"]' True
        expect 'r["run"]["cpu"] == r["run"]["placement"]["server_cpu"]' True
    fi
    # A load generator that crashes fails the point, and says so.
    run --server -- "$fake" server -- "$fake" crash
    expect 'r["run"]["status"]' failed
    expect 'r["load"]["run"]["status"]' crash
    expect '"load generator" in r["run"]["error"]' True
    ;;
deaf)
    run --server --listen-timeout-ms=300 --stop-timeout-ms=200 -- \
        "$fake" deaf -- "$fake" load
    [ "$rc" = 1 ] || fail "exit $rc"
    expect 'r["run"]["status"]' timeout
    expect '"listening on" in r["run"]["error"]' True
    expect '"load" in r' False
    ;;
interrupt)
    # SIGTERM to the runner: no row, exit 128+, the child group killed.
    TVC_FAKE_PIDS="$tmp/pids" "$runner" --timeout-ms=20000 -- \
        "$fake" hang >"$tmp/row" 2>"$tmp/err" &
    rpid=$!
    for _ in $(seq 1 200); do
        [ -s "$tmp/pids" ] && break
        sleep 0.05 # polling for the child to start, bounded
    done
    [ -s "$tmp/pids" ] || fail "the fake child never started"
    kill -TERM "$rpid"
    set +e
    wait "$rpid"
    rc=$?
    set -e
    [ "$rc" -ge 128 ] || fail "runner exit $rc after SIGTERM"
    [ ! -s "$tmp/row" ] || fail "an interrupted point printed a row"
    all_dead $(cat "$tmp/pids")
    ;;
*)
    fail "unknown case"
    ;;
esac
echo "ok ($case_)"
