# cli_lib.sh: sourced by the command-line checks (check_cli.sh here,
# tests/peers/check_peer_cli.sh).  Sets out/err to scratch files removed
# on exit and defines:
#   fail MSG...           print MSG, what the last command wrote, exit 1
#   expect STATUS CMD...  run CMD, insist on its exit status
#   usage_error WORD CMD...  exit 2, nothing on stdout, one stderr line
#                         that mentions WORD
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
fail() {
    echo "FAIL: $*" >&2
    echo "--- stdout:" >&2
    cat "$out" >&2
    echo "--- stderr:" >&2
    cat "$err" >&2
    exit 1
}
expect() {
    want="$1"
    shift
    "$@" >"$out" 2>"$err"
    got=$?
    [ "$got" -eq "$want" ] || fail "'$*' exited $got, wanted $want"
}
usage_error() {
    word="$1"
    shift
    expect 2 "$@"
    [ ! -s "$out" ] || fail "'$*' printed on stdout"
    [ "$(wc -l <"$err")" -eq 1 ] || fail "'$*' wrote more than one line"
    grep -q -- "$word" "$err" || fail "'$*' did not name '$word'"
}
