#!/bin/sh
# check_libuv_load.sh TVC_LIBUV TVC_LOADGEN_ECHO
#
# tvc-libuv echoes whatever chunk a read returns, so its message count is
# worked out from the bytes.  Drive it as the harness does, open loop
# with messages pipelined over several connections and exact framing of
# an odd size (chunks then split messages), and check that its record
# counts exactly the messages and bytes the load generator verified.
set -u
server="$1" load="$2"
. "$(dirname "$0")/../workloads/server_lib.sh"
start_server "$server" echo --role=server --port=0 --framing=exact \
    --size_bytes=37 --duration_ms=30000
"$load" --host=127.0.0.1 --port="$port" --connections=8 --size_bytes=37 \
    --rate_per_s=20000 --count=4000 --duration_ms=5000 >"$dir/load"
lrc=$?
stop_server
/usr/bin/python3 - "$dir/record" "$rc" "$dir/load" "$lrc" <<'PY'
import json, sys
rec = json.load(open(sys.argv[1]))
load = json.load(open(sys.argv[3]))
rc, lrc = int(sys.argv[2]), int(sys.argv[4])
assert lrc == 0 and load["ok"] is True, (lrc, load["error"])
assert rc == 0 and rec["ok"] is True, (rc, rec["error"])
fig, lfig = rec["figures"], load["figures"]
assert lfig["messages"] == 4000, lfig
assert fig["server_msgs"] == lfig["messages"], (fig, lfig)
assert fig["server_bytes"] == 37 * lfig["messages"], fig
assert fig["server_connections"] == 8, fig
assert fig["server_connection_errors"] == 0, fig
assert rec["notes"].get("stopped_by") == "signal", rec["notes"]
print("libuv echo under load ok: %d messages" % fig["server_msgs"])
PY
