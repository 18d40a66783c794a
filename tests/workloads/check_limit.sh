#!/bin/sh
# check_limit.sh BINARY FDS WORKLOAD [--name=value ...]
#
# Limits are results: run one point with `ulimit -n FDS`, too few fds for
# what it asks (each stream costs two in this process), and check that
# it neither hangs (ctest's timeout) nor fails: one JSON record, ok, whose
# notes say "limit reached at N" and whose checks held on those N.
set -u
bin=$1 fds=$2
shift 2
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
(ulimit -n "$fds" && exec "$bin" "$@") >"$out" 2>"$err"
rc=$?
/usr/bin/python3 - "$out" "$rc" <<'PY' || { cat "$err" >&2; exit 1; }
import json, sys
path, rc = sys.argv[1], int(sys.argv[2])
text = open(path).read()
try:
    rec = json.loads(text)
except ValueError as e:
    sys.exit(f"stdout is not one JSON record: {e}: {text[:300]!r}")
bad = {k: v for k, v in rec["check"].items() if not v["ok"]}
if rec["ok"] is not True or bad or rc != 0:
    sys.exit(f"not ok (exit {rc}): error={rec['error']} failed checks={bad}")
limit = rec["notes"].get("limit", "")
if "limit reached at" not in limit:
    sys.exit(f"no limit noted: notes={rec['notes']}")
print(f"{rec['runtime']} {rec['workload']}: ok, {limit}")
PY
