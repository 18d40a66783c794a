#!/bin/sh
# check_peer_cli.sh BINARY WORKLOAD
#
# A peer binary's command line behaves as the C driver's
# (common/src/workload.c): --help exits 0 and lists its one workload; the
# workload's --help lists its parameters; an unknown workload, an unknown
# parameter or a bad value exits 2 with one line on stderr naming it and
# nothing on stdout.
set -u
bin="$1" workload="$2"
. "$(dirname "$0")/../workloads/cli_lib.sh"

expect 0 "$bin" --help
grep -q "^  $workload " "$out" || fail "--help does not list $workload"
expect 0 "$bin" "$workload" --help
grep -q -- "--" "$out" || fail "$workload --help lists no parameters"
usage_error nosuch "$bin" nosuch
usage_error "no workload" "$bin"
usage_error bogus "$bin" "$workload" --bogus=1
usage_error stack "$bin" "$workload" --stack=nosuch
if [ "$workload" = echo ]; then
    # This peer has only the server role.
    usage_error role "$bin" echo --role=self
fi
echo "$(basename "$bin") command line ok"
