#!/bin/sh
# check_http_framing.sh BINARY
#
# The http server role's message framing (RFC 9112): http_framing.py
# sends refused requests with bodies, chunked bodies, HEAD, conflicting
# lengths and pipelined requests, and checks each is answered once, in
# order, and a body never as a request.  Then the server must stop on
# SIGTERM with an ok record.
set -u
bin="$1"
. "$(dirname "$0")/server_lib.sh"
start_server "$bin" http --role=server --port=0 --duration_ms=30000
/usr/bin/python3 "$(dirname "$0")/http_framing.py" "$port" || {
    cat "$dir/stderr" >&2
    exit 1
}
stop_server
/usr/bin/python3 - "$dir/record" "$rc" <<'PY' || exit 1
import json, sys
rec = json.load(open(sys.argv[1]))
assert int(sys.argv[2]) == 0 and rec["ok"] is True, (sys.argv[2], rec["error"])
PY
