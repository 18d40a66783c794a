#!/usr/bin/env bash
# The counts experiment's wrapper (experiments/counts/tvc-counts) on one
# small point of a runtime, through the runner as experiments/run runs
# it: the row must be ok, hold a whole record (the runner validated its
# JSON; record.py reads it), and carry the counts: a positive total,
# ops equal to what the record counted (200 round trips; 20 echoed
# messages for the server), the total over ops, the operation's name.
#   counts_cases.sh syscalls|server|instructions RT TVC_RUNNER BIN_DIR
# syscalls: pingpong under strace; server: the echo server under strace
# with tvc-loadgen-echo outside it; instructions: pingpong under
# callgrind, skipped (77) in a sanitized build, which valgrind cannot
# run.  Skipped (77) too where strace or valgrind is not installed
# (./tvc deps installs both).
set -euo pipefail
case_="$1" rt="$2" runner="$3" bindir="$4"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/case_lib.sh"
counts="$here/../../experiments/counts/tvc-counts"
bin="$bindir/tvc-$rt"
# LeakSanitizer stops the world with ptrace, which a traced process
# cannot do; the workloads' own tests check their leaks.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

counter=syscalls tracer=strace
[ "$case_" = instructions ] && counter=instructions tracer=valgrind
command -v "$tracer" >/dev/null || { echo "$tracer missing: skipped"; exit 77; }
# ldd's whole output first: grep -q stopping early would SIGPIPE ldd,
# and pipefail would then read a sanitized binary as a plain one.
if [ "$case_" = instructions ] && grep -Eq 'lib[at]san' <<<"$(ldd "$bin")"; then
    echo "a sanitized build, which valgrind cannot run: skipped"
    exit 77
fi

case "$case_" in
syscalls | instructions)
    want=200 op=round_trip
    "$runner" --timeout-ms=60000 -- "$counts" --counter="$counter" "$bin" \
        pingpong --rounds=$want >"$tmp/row" ||
        fail "runner exit $?: $(cat "$tmp/row")"
    ;;
server)
    want=20 op=message
    "$runner" --server --timeout-ms=30000 -- "$counts" --counter=syscalls \
        "$bin" echo --role=server --host=127.0.0.1 --port=0 -- \
        "$bindir/tvc-loadgen-echo" --port='{PORT}' --connections=2 \
        --count=$want --duration_ms=20000 >"$tmp/row" ||
        fail "runner exit $?: $(cat "$tmp/row")"
    ;;
*) fail "unknown case" ;;
esac
PYTHONPATH="$here/../workloads" "$PY" - "$tmp/row" "$counter" "$want" \
    "$op" "$rt" <<'PYEOF'
import json, sys
import record
path, counter, want, op, rt = sys.argv[1:]
rec = record.load(path, "tvc-counts %s %s" % (counter, rt))
assert rec["run"]["status"] == "ok", rec["run"]
assert rec["ok"] is True and rec["runtime"] == rt, rec
f = rec["figures"]
assert f["ops"] == int(want), f
# Per operation: over a run at the smallest size (1 round trip; a
# server that answered nothing), whose total is less.
base = f[counter + "_baseline"]
small = {"round_trip": 1, "message": 0}[op]
assert 0 < base < f[counter], f
assert f[counter + "_per_op"] == (f[counter] - base) / (f["ops"] - small), f
# Only the counts: timings taken under a tracer mean nothing.
assert set(f) == {counter, "ops", counter + "_baseline",
                  counter + "_per_op"}, f
assert rec["latency_ns"] == {}, rec["latency_ns"]
assert rec["notes"]["count_op"] == op, rec["notes"]
assert rec["run"]["argv"][1] == "--counter=" + counter, rec["run"]["argv"]
print("ok (%s %s: %s per %s %.3g)" % (counter, rt, counter, op,
                                     f[counter + "_per_op"]))
PYEOF
