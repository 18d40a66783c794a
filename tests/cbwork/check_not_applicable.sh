#!/bin/sh
# check_not_applicable.sh BINARY WORKLOAD [--name=value ...]
#
# A point that does not apply to this runtime (cancel
# --mode=pthread_cancel anywhere but on threads) must still print one
# valid record, saying so: "ok": false, an EOPNOTSUPP error that names the
# threaded runtime, nothing checked, and exit status 1 (not ok) rather
# than a crash or a usage error.
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
if rec.get("workload") != workload or rec.get("ok") is not False:
    sys.exit(f"want a not-ok record of {workload}: {text[:300]!r}")
error = rec.get("error") or ""
if not error.startswith("EOPNOTSUPP") or "threaded runtime only" not in error:
    sys.exit(f"want EOPNOTSUPP naming the threaded runtime, not {error!r}")
if rec.get("check"):
    sys.exit(f"a point that does not apply checked {rec['check']}")
if rc != 1:
    sys.exit(f"exit status {rc}, want 1 (not ok)")
print(f"{rec['runtime']} {workload}: not applicable, as it should be")
PY
