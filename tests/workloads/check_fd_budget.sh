#!/bin/sh
# check_fd_budget.sh FDS BINARY
#
# fanout with a --limit whose fds do not fit `ulimit -n FDS` is bad input:
# the run must end at once (ctest's timeout catches a stall) with exit 1
# and one record, not ok, whose error names RLIMIT_NOFILE and --limit and
# suggests a --limit that fits.  Then the suggested --limit must run ok
# under the same ulimit: the advice is checked, not just printed.
set -u
fds=$1 bin=$2
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

# check ok|bad ARGS: runs fanout with ARGS under the ulimit and prints
# the error its record gives, or exits 1 saying what was wrong with it.
check() {
    want=$1
    shift
    (ulimit -n "$fds" && exec "$bin" fanout --delay_ns=100000 "$@") \
        >"$out" 2>"$err"
    rc=$?
    PYTHONPATH=$(dirname "$0") /usr/bin/python3 - "$out" "$rc" "$want" \
        "$(basename "$bin") fanout $* (ulimit -n $fds)" <<'PY' ||
import sys
import record
path, rc, want, name = sys.argv[1], int(sys.argv[2]), *sys.argv[3:]
rec = record.load(path, name)
if want == "ok":
    record.require_ok(rec, rc, name)
else:
    print(record.require_not_ok(rec, rc, name))
PY
    { cat "$err" >&2; exit 1; }
}

error=$(check bad --items=1000 --limit=1000) || exit 1
for word in EMFILE "RLIMIT_NOFILE (ulimit -n) $fds" --limit=1000; do
    case $error in
    *"$word"*) ;;
    *) echo "FAIL: the error does not name '$word': $error" >&2; exit 1 ;;
    esac
done
fit=$(echo "$error" | sed -n 's/.*use --limit=\([0-9]*\) or less.*/\1/p')
[ -n "$fit" ] || { echo "FAIL: no --limit suggested: $error" >&2; exit 1; }

check ok --items=$((fit * 3)) --limit="$fit"
echo "$(basename "$bin"): refused: $error; --limit=$fit ran ok"
