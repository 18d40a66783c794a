#!/usr/bin/env bash
# experiments/run end to end, with a fake runtime (tvc-fake) in place of
# tvc-threaded and the real runner and load tools: a run completes with a
# row per point and injected faults become rows that say so; a run stopped
# by SIGTERM keeps its finished rows, says "interrupted" and leaves no
# process behind.  Python only parses the JSON.  And the quick profile's
# time budget: its plan (what the experiment scripts state their points
# cost) stays under BUDGET_S seconds.
#   run_cases.sh CASE TVC_RUNNER_DIR [BUDGET_S]
set -euo pipefail
case_="$1" tools="$2"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
run="$here/../../experiments/run"
. "$here/case_lib.sh"

fake_build "$tools"
mkdir -p "$tmp/out"
export TVC_BUILD_DIR="$tmp/bin" TVC_FAKE_ANY=1

case "$case_" in
inject)
    # Each point lasts 0.3 s, so the faults due at 0 ms find it alive.
    TVC_FAKE_SLEEP=0.3 "$run" --only switching --runtimes threaded \
        --repeat 1 --no-report \
        --out "$tmp/out" --label t --inject kill:1,hang:2 \
        2>"$tmp/err" || fail "exit $?: $(cat "$tmp/err")"
    dir="$(readlink -f "$tmp/out/latest")"
    if [ ! -f "$dir/raw.jsonl" ] || [ -e "$dir/raw.jsonl.partial" ]; then
        fail "no raw.jsonl in $dir"
    fi
    "$PY" - "$dir" <<'PYEOF' || fail "rows or meta wrong"
import json, sys
d = sys.argv[1]
meta = json.load(open(d + "/meta.json"))
rows = [json.loads(l) for l in open(d + "/raw.jsonl")]
assert meta["status"] == "complete", meta["status"]
assert meta["points_done"] == meta["points_planned"] == len(rows), meta
assert meta["options"]["inject"] == "kill:1,hang:2"
by = {r["run"]["point"]: r for r in rows}
assert by[1]["run"]["status"] == "crash", by[1]["run"]
assert by[1]["run"]["signal"] == "SIGKILL"
assert "SIGKILL" in by[1]["run"]["injected"]
assert by[2]["run"]["status"] == "timeout", by[2]["run"]
assert "SIGSTOP" in by[2]["run"]["injected"]
assert all(r["run"]["status"] == "ok" for p, r in by.items() if p > 2)
assert meta["row_status"] == {"crash": 1, "timeout": 1,
                              "ok": len(rows) - 2}, meta["row_status"]
PYEOF
    ;;
interrupt)
    # The fourth point (ring) hangs; SIGTERM to the run while it does.
    TVC_FAKE_HANG=ring "$run" --only switching --runtimes threaded \
        --repeat 1 --no-report --out "$tmp/out" --label t \
        2>"$tmp/err" &
    rpid=$!
    for _ in $(seq 1 400); do # bounded wait for the hanging point
        pgrep -f "$tmp/bin/tvc-threaded ring" >/dev/null && break
        sleep 0.05
    done
    hung="$(pgrep -f "$tmp/bin/tvc-threaded ring" || true)"
    [ -n "$hung" ] || fail "the hanging point never started"
    kill -TERM "$rpid"
    set +e
    wait "$rpid"
    rc=$?
    set -e
    [ "$rc" = 143 ] || fail "exit $rc after SIGTERM: $(cat "$tmp/err")"
    all_dead $hung
    dir="$(readlink -f "$tmp/out/latest")"
    "$PY" - "$dir" <<'PYEOF' || fail "rows or meta wrong"
import json, sys
d = sys.argv[1]
meta = json.load(open(d + "/meta.json"))
rows = [json.loads(l) for l in open(d + "/raw.jsonl")]
assert meta["status"] == "interrupted", meta["status"]
assert meta["end_utc"] is not None
# spawn and two pingpongs finished before the ring hung.
assert len(rows) == meta["points_done"] == 3, (len(rows), meta)
assert all(r["run"]["status"] == "ok" for r in rows)
PYEOF
    ;;
budget)
    # The real build tree: the plan counts its runtimes and peers (and
    # those not built as if they were).
    budget_s="${3:?budget needs BUDGET_S}"
    TVC_BUILD_DIR="$tools" "$run" --plan --quick >"$tmp/plan" 2>"$tmp/err" ||
        fail "--plan exit $?: $(cat "$tmp/err")"
    cat "$tmp/plan"
    planned="$(sed -n 's/^total .*: \([0-9]*\)\.[0-9] s (quick)$/\1/p' "$tmp/plan")"
    [ -n "$planned" ] || fail "no total line in the plan"
    [ "$planned" -lt "$budget_s" ] || fail "the quick profile plans" \
        "$planned s, the budget is under $budget_s s (with the build," \
        "./tvc run must stay under 5 minutes): make points cheaper or fewer"
    ;;
*) fail "unknown case" ;;
esac
echo "ok ($case_)"
