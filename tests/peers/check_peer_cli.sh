#!/bin/sh
# check_peer_cli.sh BINARY WORKLOAD [NOT_APPLICABLE_ARG...]
#
# A peer binary's command line behaves as the C driver's
# (common/src/workload.c): --help exits 0 and lists the workload; the
# workload's --help lists its parameters; an unknown workload, an unknown
# parameter or a bad value exits 2 with one line on stderr naming it and
# nothing on stdout.  Each NOT_APPLICABLE_ARG is a value the peer cannot
# honour: exit 3 ("not applicable"), nothing on stdout, one line on stderr
# that says so and names the option.
set -u
bin="$1" workload="$2"
shift 2
. "$(dirname "$0")/../workloads/cli_lib.sh"

expect 0 "$bin" --help
grep -q "^  $workload " "$out" || fail "--help does not list $workload"
expect 0 "$bin" "$workload" --help
grep -q -- "--" "$out" || fail "$workload --help lists no parameters"
usage_error nosuch "$bin" nosuch
usage_error "no workload" "$bin"
usage_error bogus "$bin" "$workload" --bogus=1
usage_error stack "$bin" "$workload" --stack=nosuch
for arg in "$@"; do
    expect 3 "$bin" "$workload" "$arg"
    [ ! -s "$out" ] || fail "'$arg' printed on stdout"
    [ "$(wc -l <"$err")" -eq 1 ] || fail "'$arg' wrote more than one line"
    grep -q "not applicable: ${arg%%=*}" "$err" ||
        fail "'$arg' did not say 'not applicable: ${arg%%=*}'"
done
echo "$(basename "$bin") command line ok"
