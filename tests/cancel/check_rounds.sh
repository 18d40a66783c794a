#!/bin/sh
# check_rounds.sh BINARY TASKS ROUNDS [--name=value ...]
#
# cancel --rounds: runs `BINARY cancel --tasks=TASKS --rounds=ROUNDS` (and
# any further arguments) and wants one record that passed its checks,
# ran every round, and holds one cancel-to-cleanup sample per task of
# every measured round (TASKS x ROUNDS), so its percentiles come from
# all of them.  The record's shape is check_record.sh's business; Python
# (record.py) only parses the JSON.
set -u
bin=$1 tasks=$2 rounds=$3
shift 3
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
"$bin" cancel --tasks="$tasks" --rounds="$rounds" "$@" >"$out" 2>"$err"
rc=$?
PYTHONPATH=$(dirname "$0")/../workloads /usr/bin/python3 - "$out" \
    "$(basename "$bin") cancel --tasks=$tasks --rounds=$rounds${*:+ $*}" \
    "$rc" "$tasks" "$rounds" <<'PY' ||
import sys
import record
path, name, rc, tasks, rounds = *sys.argv[1:3], *map(int, sys.argv[3:])
rec = record.load(path, name)
record.require_ok(rec, rc, name)
got = rec["check"].get("rounds_run", {}).get("got")
if got != rounds:
    sys.exit(f"{name}: rounds_run {got}, want {rounds}")
hist = rec["latency_ns"]["cancel_to_cleanup"]
if hist["count"] != tasks * rounds:
    sys.exit(f"{name}: {hist['count']} latency samples, "
             f"want {tasks} x {rounds}")
if not hist["p50"] <= hist["p99"] <= hist["max"]:
    sys.exit(f"{name}: percentiles out of order: {hist}")
print(f"{rec['runtime']} cancel {rec['params']['kind']}: {rounds} rounds "
      f"of {tasks}, {hist['count']} samples, p99 {hist['p99']} ns")
PY
{ cat "$err" >&2; exit 1; }
