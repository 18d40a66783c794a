#!/bin/sh
# check_fd_budget.sh BINARY FDS
#
# fanout with a --limit whose fds do not fit `ulimit -n FDS` is bad input:
# the run must end at once (ctest's timeout catches a stall) with exit 1
# and one record, not ok, whose error names RLIMIT_NOFILE and --limit and
# suggests a --limit that fits.  Then the suggested --limit must run ok
# under the same ulimit: the advice is checked, not just printed.
set -u
bin=$1 fds=$2
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

run() {
    (ulimit -n "$fds" && exec "$bin" fanout --delay_ns=100000 "$@") \
        >"$out" 2>"$err"
}
# Prints the record's error, or exits 1 saying what was wrong with it.
record() {
    /usr/bin/python3 - "$out" "$1" "$2" <<'PY' || { cat "$err" >&2; exit 1; }
import json, sys
path, rc, want_ok = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "ok"
text = open(path).read()
try:
    rec = json.loads(text)
except ValueError as e:
    sys.exit(f"stdout is not one JSON record: {e}: {text[:300]!r}")
if rec["ok"] is not want_ok or rc != (0 if want_ok else 1):
    sys.exit(f"exit {rc}, ok={rec['ok']}: error={rec['error']}")
print(rec["error"] or "")
PY
}

run --items=1000 --limit=1000
error=$(record $? bad) || exit 1
for word in EMFILE "RLIMIT_NOFILE (ulimit -n) $fds" --limit=1000; do
    case $error in
    *"$word"*) ;;
    *) echo "FAIL: the error does not name '$word': $error" >&2; exit 1 ;;
    esac
done
fit=$(echo "$error" | sed -n 's/.*use --limit=\([0-9]*\) or less.*/\1/p')
[ -n "$fit" ] || { echo "FAIL: no --limit suggested: $error" >&2; exit 1; }

run --items=$((fit * 3)) --limit="$fit"
record $? ok >/dev/null || exit 1
echo "$(basename "$bin"): refused: $error; --limit=$fit ran ok"
