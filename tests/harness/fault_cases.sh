#!/usr/bin/env bash
# Harness faults, end to end.  A full disk: experiments/run (with a fake
# runtime) on a small tmpfs stops at the first row that does not fit,
# says which file and why, and leaves whole files (raw.jsonl with the
# rows before, meta.json saying "failed"); report.py on a copied run
# leaves each file it cannot write as it was.  A signal: SIGINT, SIGTERM
# or SIGHUP to experiments/run (what ./tvc run execs) while a server
# point, hyperfine or the report runs leaves no process of the run behind
# (found by the TVC_RUN_ID every one of them inherits), exits 128+N and
# keeps the rows of the points that finished.  Python only parses the
# results.
#   fault_cases.sh CASE BUILD_DIR
#   CASE: disk_run disk_report stop_int stop_term stop_hup stop_report
set -euo pipefail
case_="$1" tools="$2"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/../.."
run="$root/experiments/run"
. "$here/case_lib.sh"

# mount_small SIZE: a tmpfs of SIZE at $tmp/disk, unmounted on exit; or
# the case is skipped (exit 77) where mounting is not allowed.
mount_small() {
    mkdir -p "$tmp/disk"
    if ! mount -t tmpfs -o "size=$1" tmpfs "$tmp/disk" 2>"$tmp/mount.err"; then
        echo "skipped: cannot mount a tmpfs to fill (needs root or" \
            "CAP_SYS_ADMIN): $(cat "$tmp/mount.err")"
        exit 77
    fi
    trap 'umount "$tmp/disk"; rm -rf "$tmp"' EXIT
}

# fill_to BYTES: a filler file leaves about BYTES free on $tmp/disk.
fill_to() {
    local avail
    rm -f "$tmp/disk/filler"
    avail="$(df -B1 --output=avail "$tmp/disk" | tail -n 1)"
    [ "$avail" -gt "$1" ] || fail "only $avail bytes free on the tmpfs"
    head -c $((avail - $1)) /dev/zero >"$tmp/disk/filler"
}

# no_temporaries DIR: no file of DIR is a temporary one left behind.
no_temporaries() {
    local left
    left="$(find "$1" -name '*.tmp.*')"
    [ -z "$left" ] || fail "temporary files left: $left"
}

case "$case_" in
disk_run)
    # 32 KiB free: meta.json, its reserve and run.log take 6 pages, the
    # rows (about 700 bytes each) fill the other two before the 21st.
    mount_small 200k
    fill_to 32768
    fake_build "$tools"
    set +e
    TVC_BUILD_DIR="$tmp/bin" TVC_FAKE_ANY=1 "$run" --only switching \
        --runtimes threaded --repeat 3 --no-report --out "$tmp/disk/out" \
        --label t 2>"$tmp/err"
    rc=$?
    set -e
    [ "$rc" = 3 ] || fail "exit $rc on a full disk: $(cat "$tmp/err")"
    grep -q "cannot write the row of point [0-9]* to .*/raw.jsonl.partial: No space left on device" \
        "$tmp/err" || fail "no message naming the file: $(cat "$tmp/err")"
    dir="$(readlink -f "$tmp/disk/out/latest")"
    [ ! -e "$dir/raw.jsonl.partial" ] || fail "raw.jsonl.partial left"
    no_temporaries "$dir"
    "$PY" - "$dir" <<'PYEOF' || fail "rows or meta wrong"
import json, sys
d = sys.argv[1]
meta = json.load(open(d + "/meta.json"))
text = open(d + "/raw.jsonl").read()
assert text.endswith("\n"), "raw.jsonl ends in a half row"
rows = [json.loads(l) for l in text.splitlines()]
assert meta["status"] == "failed", meta["status"]
assert "No space left on device" in meta["error"], meta["error"]
assert 0 < len(rows) == meta["points_done"] < meta["points_planned"], (
    len(rows), meta)
assert [r["run"]["point"] for r in rows] == list(range(1, len(rows) + 1))
PYEOF
    ;;
disk_report)
    # A synthetic run (tests/report/synth.py) with an older report,
    # copied to the tmpfs: with no room summary.csv fails first; with
    # room for it a plot fails next.  Each time what was not written is
    # as it was, with no temporary file beside it.
    mount_small 200k
    "$PY" "$root/tests/report/synth.py" "$tmp/synth"
    mkdir -p "$tmp/synth/plots"
    echo "old summary" >"$tmp/synth/summary.csv"
    echo "old report" >"$tmp/synth/report.md"
    echo "old plot" >"$tmp/synth/plots/old.png"
    cp -r "$tmp/synth" "$tmp/disk/run"
    report() { # expected file in the message
        set +e
        "$PY" "$root/experiments/report/report.py" "$tmp/disk/run" \
            >/dev/null 2>"$tmp/err"
        local rc=$?
        set -e
        [ "$rc" = 3 ] || fail "report exit $rc on a full disk: $(cat "$tmp/err")"
        grep -Eq "cannot write $tmp/disk/run/$1: No space left on device" \
            "$tmp/err" || fail "no message naming $1: $(cat "$tmp/err")"
        no_temporaries "$tmp/disk/run"
    }
    fill_to 4096
    report summary.csv
    for f in summary.csv report.md plots/old.png; do
        cmp -s "$tmp/synth/$f" "$tmp/disk/run/$f" || fail "$f changed"
    done
    rm "$tmp/disk/filler"
    report 'plots/([a-z]+/)?[a-z0-9.-]*\.(png|svg)'
    cmp -s "$tmp/synth/report.md" "$tmp/disk/run/report.md" ||
        fail "report.md changed"
    cmp -s "$tmp/synth/plots/old.png" "$tmp/disk/run/plots/old.png" ||
        fail "the old plot went before the new ones were all written"
    "$PY" - "$tmp/disk/run" <<'PYEOF' || fail "a new file is not whole"
import csv, glob, sys
d = sys.argv[1]
text = open(d + "/summary.csv").read()
assert text.endswith("\n")
rows = list(csv.reader(text.splitlines()))
assert rows[0][:2] == ["experiment", "workload"] and len(rows) > 1, rows[0]
assert all(len(r) == len(rows[0]) for r in rows)
for png in glob.glob(d + "/plots/*.png"):
    data = open(png, "rb").read()
    if not png.endswith("/old.png"):
        assert data.startswith(b"\x89PNG") and data.endswith(
            b"IEND\xaeB`\x82"), png
PYEOF
    ;;
stop_int | stop_term | stop_hup | stop_report)
    # int, term: the real build; fanout starts the shared delay server,
    # then the first echo server point runs under load; the signal comes
    # then.  hup: hyperfine times a fake runtime whose spawn hangs.
    # report: the signal comes while the report is drawn, after every
    # point (fake runtime).  bash ignores SIGINT in what it starts in the
    # background, and a script cannot trap a signal ignored when it
    # started: env gives it back.
    build="$tools" extra=(--no-report) status=interrupted
    case "$case_" in
    stop_int | stop_term)
        sig=INT want=130
        [ "$case_" = stop_term ] && sig=TERM want=143
        only=(fanout servers) await=tvc-loadgen-echo
        need=(tvc-runner "tvc-threaded echo" tvc-loadgen-echo
            tvc-delay-server)
        ;;
    stop_hup)
        sig=HUP want=129 only=(startup) await="tvc-threaded spawn"
        need=(hyperfine "$await")
        export TVC_FAKE_HANG=spawn
        ;;
    stop_report)
        sig=TERM want=143 only=(switching) await=report.py need=(report.py)
        extra=() status=complete
        ;;
    esac
    if [ "$await" != tvc-loadgen-echo ]; then
        fake_build "$tools"
        build="$tmp/bin"
        export TVC_FAKE_ANY=1
    fi
    env --default-signal=INT TVC_BUILD_DIR="$build" "$run" \
        --only "${only[@]}" --runtimes threaded --repeat 1 "${extra[@]}" \
        --out "$tmp/out" --label t 2>"$tmp/err" &
    rpid=$!
    # A failed check must not leave the run going.
    trap 'kill -TERM "$rpid" 2>/dev/null || :; wait "$rpid" 2>/dev/null || :
        rm -rf "$tmp"' EXIT
    id="" seen=""
    for _ in $(seq 1 300); do # bounded wait for the point to be running
        metas=("$tmp"/out/*/meta.json)
        if [ -z "$id" ] && [ -f "${metas[0]}" ]; then
            id="$("$PY" -c 'import json, sys
print(json.load(open(sys.argv[1]))["run_id"])' "${metas[0]}")"
        fi
        [ -n "$id" ] && seen="$(marked "$id")"
        grep -q "$await" <<<"$seen" && break
        kill -0 "$rpid" 2>/dev/null || break
        sleep 0.05
    done
    grep -q "$await" <<<"$seen" ||
        fail "$await never ran: $(cat "$tmp/err")"
    # What must go: the runner, the server, its load generator and the
    # delay server; hyperfine and what it times; the report.
    for p in "${need[@]}"; do
        grep -q "$p" <<<"$seen" ||
            fail "$p not marked: $seen; the run said: $(cat "$tmp/err")"
    done
    kill -"$sig" "$rpid"
    set +e
    wait "$rpid"
    rc=$?
    set -e
    left="$(marked "$id")"
    [ -z "$left" ] || fail "left behind after SIG$sig: $left"
    [ "$rc" = "$want" ] || fail "exit $rc after SIG$sig: $(cat "$tmp/err")"
    dir="$(readlink -f "$tmp/out/latest")"
    [ ! -e "$dir/raw.jsonl.partial" ] || fail "raw.jsonl.partial left"
    no_temporaries "$dir"
    "$PY" - "$dir" "$status" "${#only[@]}" <<'PYEOF' || fail "rows or meta wrong"
import json, sys
d, status, nexp = sys.argv[1], sys.argv[2], int(sys.argv[3])
meta = json.load(open(d + "/meta.json"))
rows = [json.loads(l) for l in open(d + "/raw.jsonl")]
assert meta["status"] == status, meta["status"]
assert meta["end_utc"] is not None
assert len(rows) == meta["points_done"], (len(rows), meta["points_done"])
assert (meta["points_done"] < meta["points_planned"]) == (
    status == "interrupted"), meta
assert all(r["run"]["status"] == "ok" for r in rows), [
    r["run"] for r in rows]
# fanout's two points finished before a server point was stopped.
if nexp == 2:
    exps = [r["run"]["experiment"] for r in rows]
    assert exps[:2] == ["fanout"] * 2, exps
PYEOF
    ;;
*) fail "unknown case" ;;
esac
echo "ok ($case_)"
