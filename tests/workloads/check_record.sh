#!/bin/sh
# check_record.sh BINARY WORKLOAD [--name=value ...]
#
# Runs one workload point and checks what the harness relies on: exit
# status 0, and stdout holding exactly one JSON record of the DESIGN.md
# section 6 shape that names this workload and says "ok": true.  Python
# only parses the JSON.
set -u
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
"$@" >"$out" 2>"$err"
rc=$?
/usr/bin/python3 - "$out" "$rc" "$2" <<'PY' || { cat "$err" >&2; exit 1; }
import json, sys
path, rc, workload = sys.argv[1], int(sys.argv[2]), sys.argv[3]
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
if not rec["check"]:
    sys.exit("the workload checked nothing")
bad = {k: v for k, v in rec["check"].items() if not v["ok"]}
if rec["ok"] is not True or rec["error"] is not None or bad:
    sys.exit(f"not ok: error={rec['error']} failed checks={bad}")
if rc != 0:
    sys.exit(f"record says ok but the exit status is {rc}")
print(f"{rec['runtime']} {workload}: ok, figures {rec['figures']}")
PY
