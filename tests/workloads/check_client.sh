#!/bin/sh
# check_client.sh CLIENT.py BINARY WORKLOAD [ARG...]
#
# A server role against a Python client in another process: start
# `BINARY WORKLOAD --role=server --port=0 ARG...`, run `python3
# CLIENT.py PORT` (it exits 0 when every exchange checked out), then stop
# the server with SIGTERM: it must end with an ok record.  The clients:
#   http_framing.py  the http server's message framing (RFC 9112)
#   echo_raw.py      echo --framing=raw, as `./tvc serve RUNTIME echo`
#                    runs it, to 50 asyncio clients at once
#   idle_client.py   a client that sends nothing, closed by the server's
#                    --idle_timeout_ms
set -u
client="$1" bin="$2" workload="$3"
shift 3
. "$(dirname "$0")/server_lib.sh"
start_server "$bin" "$workload" --role=server --port=0 --duration_ms=60000 "$@"
/usr/bin/python3 "$(dirname "$0")/$client" "$port" || {
    cat "$dir/stderr" >&2
    exit 1
}
stop_server
/usr/bin/python3 - "$dir/record" "$rc" <<'PY' || exit 1
import json, sys
rec = json.load(open(sys.argv[1]))
assert int(sys.argv[2]) == 0 and rec["ok"] is True, (sys.argv[2], rec["error"])
PY
