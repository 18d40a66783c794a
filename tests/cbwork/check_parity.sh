#!/bin/sh
# check_parity.sh CALLBACK_BINARY DIRECT_BINARY WORKLOAD [--name=value ...]
#
# The continuation-passing twin of a workload must take the same
# parameters and report the same things as the direct-style source, or
# the report compares unlike with like.  Checks, for one point run on
# both binaries: `WORKLOAD --help` prints the same text (names, defaults,
# help lines, choices), and both records are ok with the same parameter,
# check, figure and latency histogram names.  Values may differ; names
# may not.
set -u
cb=$1 direct=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$cb" "$1" --help 2>&1 | sed "s|$(basename "$cb")|BINARY|g" >"$tmp/cb.help"
"$direct" "$1" --help 2>&1 | sed "s|$(basename "$direct")|BINARY|g" \
    >"$tmp/direct.help"
if ! diff -u "$tmp/direct.help" "$tmp/cb.help" >&2; then
    echo "$1 --help differs between the runtimes (-direct +callback)" >&2
    exit 1
fi
"$cb" "$@" >"$tmp/cb.json" 2>"$tmp/cb.err"
"$direct" "$@" >"$tmp/direct.json" 2>"$tmp/direct.err"
/usr/bin/python3 - "$tmp/cb.json" "$tmp/direct.json" <<'PY' ||
import json, sys
recs = []
for path in sys.argv[1:]:
    text = open(path).read()
    try:
        recs.append(json.loads(text))
    except ValueError as e:
        sys.exit(f"{path}: not one JSON record: {e}: {text[:300]!r}")
cb, direct = recs
for r in recs:
    if r["ok"] is not True:
        sys.exit(f"{r['runtime']} not ok: {r['error']} {r['check']}")
bad = []
for key in ("params", "check", "figures", "latency_ns"):
    a, b = set(cb[key]), set(direct[key])
    if a != b:
        bad.append(f"{key}: callback only {sorted(a - b)}, "
                   f"{direct['runtime']} only {sorted(b - a)}")
if bad:
    sys.exit("records differ in shape: " + "; ".join(bad))
print(f"{cb['workload']}: callback and {direct['runtime']} alike "
      f"({len(cb['check'])} checks, {len(cb['figures'])} figures)")
PY
{ cat "$tmp/cb.err" "$tmp/direct.err" >&2; exit 1; }
