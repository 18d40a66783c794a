#!/bin/sh
# check_limit.sh FDS BINARY WORKLOAD [--name=value ...]
#
# Limits are results: run one point with `ulimit -n FDS`, too few fds for
# what it asks (each stream costs two in this process), and check that
# it neither hangs (ctest's timeout) nor fails: one JSON record, ok, whose
# notes say "limit reached at N" and whose checks held on those N.
set -u
fds=$1 bin=$2
shift 2
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
(ulimit -n "$fds" && exec "$bin" "$@") >"$out" 2>"$err"
rc=$?
PYTHONPATH=$(dirname "$0") /usr/bin/python3 - "$out" "$rc" \
    "$(basename "$bin") $1 (ulimit -n $fds)" <<'PY' ||
import sys
import record
path, rc, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rec = record.load(path, name)
record.require_ok(rec, rc, name)
limit = rec["notes"].get("limit", "")
if "limit reached at" not in limit:
    sys.exit(f"{name}: no limit noted: notes={rec['notes']}")
print(f"{rec['runtime']} {rec['workload']}: ok, {limit}")
PY
{ cat "$err" >&2; exit 1; }
