#!/bin/sh
# check_echo_load.sh SERVER TVC_LOADGEN_ECHO FRAMING SIZE
#
# A peer's echo server driven as the harness drives it: open loop with
# messages pipelined over several connections, and check that its record
# counts exactly the messages and bytes the load generator verified.
# tvc-libuv echoes whatever chunk a read returns and works its count out
# from the bytes: exact framing of an odd size (chunks then split
# messages) checks that; tvc-floor sends back whole lines of a buffer
# that may hold several, or a part of one; with framing=raw a server
# counts reads (as the runtimes do), so only its bytes must add up.
set -u
server="$1" load="$2" framing="$3" size="$4"
. "$(dirname "$0")/../workloads/server_lib.sh"
start_server "$server" echo --role=server --port=0 --framing="$framing" \
    --size_bytes="$size" --duration_ms=30000
"$load" --host=127.0.0.1 --port="$port" --connections=8 --size_bytes="$size" \
    --rate_per_s=20000 --count=4000 --duration_ms=5000 >"$dir/load"
lrc=$?
stop_server
/usr/bin/python3 - "$dir/record" "$rc" "$dir/load" "$lrc" "$size" \
    "$framing" <<'PY'
import json, sys
rec = json.load(open(sys.argv[1]))
load = json.load(open(sys.argv[3]))
rc, lrc, size = int(sys.argv[2]), int(sys.argv[4]), int(sys.argv[5])
raw = sys.argv[6] == "raw"
assert lrc == 0 and load["ok"] is True, (lrc, load["error"])
assert rc == 0 and rec["ok"] is True, (rc, rec["error"])
fig, lfig = rec["figures"], load["figures"]
assert lfig["messages"] == 4000, lfig
assert (0 < fig["server_msgs"] <= lfig["messages"] if raw
        else fig["server_msgs"] == lfig["messages"]), (fig, lfig)
assert fig["server_bytes"] == size * lfig["messages"], fig
assert fig["server_connections"] == 8, fig
assert fig["server_connection_errors"] == 0, fig
assert rec["notes"].get("stopped_by") == "signal", rec["notes"]
print("%s echo under load ok: %d messages" % (rec["runtime"],
                                              fig["server_msgs"]))
PY
