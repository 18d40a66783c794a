#!/usr/bin/env bash
# Real server points: the runner starts tvc-threaded's echo or http
# server, waits for "listening on", drives it with the harness's load
# generator (tvc-loadgen-echo, or wrk through tvc-loadgen-http) on
# loopback, stops it with SIGTERM and writes one row holding both
# records.  Python only parses the JSON.
#   server_cases.sh echo|http TVC_RUNNER TVC_THREADED TVC_LOADGEN_ECHO
set -euo pipefail
case_="$1" runner="$2" server="$3" loadgen="$4"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/case_lib.sh"

case "$case_" in
echo)
    load=("$loadgen" --port='{PORT}' --connections=4 --size_bytes=64
        --duration_ms=300)
    sargs=(--size_bytes=64)
    ;;
http)
    command -v wrk >/dev/null || { echo "wrk missing: skipped"; exit 77; }
    load=("$here/../../experiments/loadgen/tvc-loadgen-http" --port='{PORT}'
        --connections=4 --duration_ms=1000)
    sargs=()
    ;;
*) fail "unknown case" ;;
esac

"$runner" --server --timeout-ms=15000 -- "$server" "$case_" --role=server \
    --host=127.0.0.1 --port=0 "${sargs[@]}" -- "${load[@]}" >"$tmp/row" ||
    fail "runner exit $?: $(cat "$tmp/row")"
"$PY" - "$tmp/row" "$case_" <<'PYEOF'
import json, sys
r = json.loads(open(sys.argv[1]).read())
case = sys.argv[2]
assert r["run"]["status"] == "ok", r["run"]
assert r["ok"] is True and r["workload"] == case, r
load = r["load"]
assert load["ok"] is True and load["run"]["status"] == "ok", load
assert load["figures"]["errors"] == 0, load["figures"]
if case == "echo":
    assert load["figures"]["messages"] > 0
    assert load["latency_ns"]["rtt"]["count"] == load["figures"]["messages"]
else:
    f = load["figures"]
    assert f["requests"] > 0
    assert load["latency_ns"]["request"]["p50"] > 0
    # wrk's coordinated-omission correction is stated, with its interval
    # in wrk's integer microseconds (tvc-loadgen-http's header).
    conns = load["params"]["connections"]
    want = f["duration_ns"] // 1000 // (f["requests"] // conns) * 1000
    assert f.get("wrk_correction_interval_ns") == want, (f, want)
    assert "coordinated-omission" in load["notes"].get("latency", ""), load
print("ok (%s)" % case)
PYEOF
