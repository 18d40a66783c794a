#!/bin/sh
# check_rounds.sh BINARY TASKS ROUNDS [--name=value ...]
#
# cancel --rounds: runs `BINARY cancel --tasks=TASKS --rounds=ROUNDS` (and
# any further arguments) and wants one record that passed its checks,
# ran every round, and holds one cancel-to-cleanup sample per task of
# every measured round (TASKS x ROUNDS), so its percentiles come from
# all of them.  The record's shape is check_record.sh's business; Python
# only parses the JSON.
set -u
bin=$1 tasks=$2 rounds=$3
shift 3
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
"$bin" cancel --tasks="$tasks" --rounds="$rounds" "$@" >"$out" 2>"$err"
rc=$?
/usr/bin/python3 - "$out" "$rc" "$tasks" "$rounds" <<'PY' ||
import json, sys
path, rc, tasks, rounds = sys.argv[1], *map(int, sys.argv[2:])
text = open(path).read()
try:
    rec = json.loads(text)
except ValueError as e:
    sys.exit(f"stdout is not one JSON record: {e}: {text[:300]!r}")
bad = {k: v for k, v in rec["check"].items() if not v["ok"]}
if rec["ok"] is not True or bad or rc != 0:
    sys.exit(f"not ok (exit {rc}): error={rec['error']} failed={bad}")
got = rec["check"].get("rounds_run", {}).get("got")
if got != rounds:
    sys.exit(f"rounds_run {got}, want {rounds}")
hist = rec["latency_ns"]["cancel_to_cleanup"]
if hist["count"] != tasks * rounds:
    sys.exit(f"{hist['count']} latency samples, want {tasks} x {rounds}")
if not hist["p50"] <= hist["p99"] <= hist["max"]:
    sys.exit(f"percentiles out of order: {hist}")
print(f"{rec['runtime']} cancel {rec['params']['kind']}: {rounds} rounds "
      f"of {tasks}, {hist['count']} samples, p99 {hist['p99']} ns")
PY
{ cat "$err" >&2; exit 1; }
