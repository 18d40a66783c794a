#!/bin/sh
# check_record.sh [--not-applicable] BINARY WORKLOAD [--name=value ...]
#
# Runs one workload point and checks what the harness relies on: stdout
# holding exactly one JSON record of the shape in docs/DESIGN.md, "Workloads
# and records", that names this workload.  By default the point must pass:
# "ok": true, every check ok, exit status 0.  With --not-applicable the
# point does not apply to this runtime (cancel --mode=pthread_cancel
# anywhere but on threads) and must say so rather than crash or refuse its
# arguments: "ok": false, an EOPNOTSUPP error that names the threaded
# runtime, nothing checked, exit status 1.  Python (record.py) only parses
# the JSON.
set -u
expect=ok
if [ "${1:-}" = --not-applicable ]; then
    expect=not_applicable
    shift
fi
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
"$@" >"$out" 2>"$err"
rc=$?
PYTHONPATH=$(dirname "$0") /usr/bin/python3 - "$out" "$rc" "$2" "$expect" \
    "$(basename "$1") $2" <<'PY' || { cat "$err" >&2; exit 1; }
import sys
import record
path, rc, workload, expect, name = sys.argv[1], int(sys.argv[2]), *sys.argv[3:]
rec = record.load(path, name)
need = ["schema", "runtime", "workload", "params", "ok", "error", "check",
        "figures", "latency_ns", "memory", "cpu", "notes", "wall_ns"]
missing = [k for k in need if k not in rec]
if missing:
    sys.exit(f"{name}: record lacks {missing}")
if rec["schema"] != 1 or rec["workload"] != workload:
    sys.exit(f"{name}: schema/workload wrong: {rec['schema']} "
             f"{rec['workload']}")
if expect == "not_applicable":
    error = record.require_not_ok(rec, rc, name)
    if not error.startswith("EOPNOTSUPP") \
            or "threaded runtime only" not in error:
        sys.exit(f"{name}: want EOPNOTSUPP naming the threaded runtime, "
                 f"not error={error!r}")
    if rec["check"]:
        sys.exit(f"{name}: a point that does not apply checked "
                 f"{rec['check']}")
    print(f"{rec['runtime']} {workload}: not applicable, as it should be")
    sys.exit(0)
if not rec["check"]:
    sys.exit(f"{name}: the workload checked nothing")
record.require_ok(rec, rc, name)
print(f"{rec['runtime']} {workload}: ok, figures {rec['figures']}")
PY
