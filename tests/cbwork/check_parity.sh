#!/bin/sh
# check_parity.sh [--peer] CALLBACK_BINARY DIRECT_BINARY WORKLOAD [--name=value ...]
#
# The continuation-passing twin of a workload must take the same
# parameters and report the same things as the direct-style source, or
# the report compares unlike with like.  Checks, for one point run on
# both binaries: `WORKLOAD --help` prints the same text (names, defaults,
# help lines, choices), and both runs pass (record.py's require_ok) with
# the same record fields, memory probes, parameter, check, figure and
# latency histogram names.  Values
# may differ; names may not.  With --peer the first binary is a peer
# (experiments/peers/), held to the same: its help may add options of its
# own (--loop) and word its header its own way, but every parameter line
# of the direct binary's help must be in it, unchanged.
set -u
peer=0
[ "$1" = --peer ] && peer=1 && shift
cb=$1 direct=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$cb" "$1" --help 2>&1 | sed "s|$(basename "$cb")|BINARY|g" >"$tmp/cb.help"
"$direct" "$1" --help 2>&1 | sed "s|$(basename "$direct")|BINARY|g" \
    >"$tmp/direct.help"
if [ $peer = 1 ]; then
    grep -e '^  --' "$tmp/direct.help" | grep -vxF -f "$tmp/cb.help" \
        >"$tmp/missing"
    if [ -s "$tmp/missing" ]; then
        echo "$1 --help of $(basename "$cb") lacks these parameter lines:" >&2
        cat "$tmp/missing" >&2
        exit 1
    fi
elif ! diff -u "$tmp/direct.help" "$tmp/cb.help" >&2; then
    echo "$1 --help differs between the runtimes (-direct +callback)" >&2
    exit 1
fi
"$cb" "$@" >"$tmp/cb.json" 2>"$tmp/cb.err"
cb_rc=$?
"$direct" "$@" >"$tmp/direct.json" 2>"$tmp/direct.err"
direct_rc=$?
PYTHONPATH=$(dirname "$0")/../workloads /usr/bin/python3 - \
    "$tmp/cb.json" "$cb_rc" "$(basename "$cb") $*" \
    "$tmp/direct.json" "$direct_rc" "$(basename "$direct") $*" <<'PY' ||
import sys
import record
recs = []
for i in (1, 4):
    path, rc, name = sys.argv[i], int(sys.argv[i + 1]), sys.argv[i + 2]
    rec = record.load(path, name)
    record.require_ok(rec, rc, name)
    recs.append(rec)
cb, direct = recs
bad = []
for key in (None, "memory", "params", "check", "figures", "latency_ns"):
    a, b = (set(cb), set(direct)) if key is None else \
        (set(cb[key]), set(direct[key]))
    key = key or "record"
    if a != b:
        bad.append(f"{key}: {cb['runtime']} only {sorted(a - b)}, "
                   f"{direct['runtime']} only {sorted(b - a)}")
if bad:
    sys.exit("records differ in shape: " + "; ".join(bad))
print(f"{cb['workload']}: {cb['runtime']} and {direct['runtime']} alike "
      f"({len(cb['check'])} checks, {len(cb['figures'])} figures)")
PY
{ cat "$tmp/cb.err" "$tmp/direct.err" >&2; exit 1; }
