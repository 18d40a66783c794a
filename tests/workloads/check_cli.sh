#!/bin/sh
# check_cli.sh BINARY
#
# The driver's command line: help exits 0 and lists every workload and a
# workload's parameters; an unknown workload, unknown parameter or bad
# value exits 2 with one line on stderr naming it and nothing on stdout;
# a run whose work fails prints a record with "ok": false and exits 1.
set -u
bin="$1"
. "$(dirname "$0")/cli_lib.sh"

expect 0 "$bin" --help
for w in idle spawn pingpong ring timers echo http fanout pipeline cancel \
    timeout spinner executor; do
    grep -q "^  $w " "$out" || fail "--help does not list $w"
done
expect 0 "$bin" pingpong --help
grep -q -- "--rounds=1000" "$out" || fail "pingpong --help lacks --rounds"
grep -q "future|queue" "$out" || fail "pingpong --help lacks the modes"

# --spec: the same tables as JSON, for the peers (docs/DESIGN.md,
# "Workloads and records").
expect 0 "$bin" --spec
/usr/bin/python3 - "$out" <<'PY' || fail "--spec is not the parameter tables"
import json, sys
spec = json.load(open(sys.argv[1]))
assert spec["schema"] == 1, spec
assert len(spec["workloads"]) == 13, sorted(spec["workloads"])
pingpong = {p["name"]: p for p in spec["workloads"]["pingpong"]["params"]}
assert pingpong["rounds"]["default"] == "1000", pingpong
assert pingpong["mode"]["choices"] == "future|queue", pingpong
assert [o["name"] for o in spec["run_options"]] == \
    ["stack", "stack_size", "executor_threads"], spec["run_options"]
PY

usage_error "nosuch" "$bin" nosuch
usage_error "no workload" "$bin"
usage_error "--nosuch" "$bin" idle --nosuch=1
usage_error "--tasks" "$bin" idle --tasks=lots
usage_error "--tasks" "$bin" idle --tasks=0
usage_error "--port" "$bin" echo --port=70000
usage_error "--mode" "$bin" pingpong --mode=carrier-pigeon
usage_error "--stack" "$bin" idle --stack=huge
usage_error "--tasks" "$bin" idle --tasks
# --server's port is read as a port, not atoi'd to 0; --items is bounded.
usage_error "HOST:PORT" "$bin" fanout --server=127.0.0.1:abc
usage_error "HOST:PORT" "$bin" fanout --server=127.0.0.1:65536
usage_error "HOST:PORT" "$bin" fanout --server=127.0.0.1
usage_error "1..1M" "$bin" fanout --items=1G

# A failing run: nothing listens on port 1, so every download fails.
expect 1 "$bin" fanout --items=2 --limit=1 --server=127.0.0.1:1
/usr/bin/python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["ok"] is False, r
assert r["check"]["items_received"]["ok"] is False, r
' "$out" || fail "the failing run's record is wrong"
echo "cli ok"
