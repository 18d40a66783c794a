#!/bin/sh
# check_record.sh [--not-applicable] BINARY WORKLOAD [--name=value ...]
#
# Runs one workload point and checks what the harness relies on: stdout
# holding exactly one JSON record of the DESIGN.md section 6 shape that
# names this workload.  By default the point must pass: "ok": true, every
# check ok, exit status 0.  With --not-applicable the point does not apply
# to this runtime (cancel --mode=pthread_cancel anywhere but on threads)
# and must say so rather than crash or refuse its arguments: "ok": false,
# an EOPNOTSUPP error that names the threaded runtime, nothing checked,
# exit status 1.  Python only parses the JSON.
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
/usr/bin/python3 - "$out" "$rc" "$2" "$expect" <<'PY' || { cat "$err" >&2; exit 1; }
import json, sys
path, rc, workload, expect = sys.argv[1], int(sys.argv[2]), *sys.argv[3:]
text = open(path).read()
try:
    rec = json.loads(text)
except ValueError as e:
    sys.exit(f"stdout is not one JSON record: {e}: {text[:300]!r}")
need = ["schema", "runtime", "workload", "params", "ok", "error", "check",
        "figures", "latency_ns", "memory", "cpu", "notes", "wall_ns"]
missing = [k for k in need if k not in rec]
if missing:
    sys.exit(f"record lacks {missing}")
if rec["schema"] != 1 or rec["workload"] != workload:
    sys.exit(f"schema/workload wrong: {rec['schema']} {rec['workload']}")
if expect == "not_applicable":
    error = rec["error"] or ""
    if rec["ok"] is not False or not error.startswith("EOPNOTSUPP") \
            or "threaded runtime only" not in error:
        sys.exit(f"want not ok, EOPNOTSUPP naming the threaded runtime, "
                 f"not ok={rec['ok']} error={error!r}")
    if rec["check"]:
        sys.exit(f"a point that does not apply checked {rec['check']}")
    if rc != 1:
        sys.exit(f"exit status {rc}, want 1 (not ok)")
    print(f"{rec['runtime']} {workload}: not applicable, as it should be")
    sys.exit(0)
if not rec["check"]:
    sys.exit("the workload checked nothing")
bad = {k: v for k, v in rec["check"].items() if not v["ok"]}
if rec["ok"] is not True or rec["error"] is not None or bad:
    sys.exit(f"not ok: error={rec['error']} failed checks={bad}")
if rc != 0:
    sys.exit(f"record says ok but the exit status is {rc}")
print(f"{rec['runtime']} {workload}: ok, figures {rec['figures']}")
PY
