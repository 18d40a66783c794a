#!/bin/sh
# check_server.sh BINARY echo|http
#
# The server role as `./tvc serve` uses it: start it on a free port, wait
# for "listening on HOST:PORT" on stderr, talk to it from another process
# (a Python socket client, as nc or curl would), stop it with SIGTERM and
# check its record: ok, and the messages/requests it counted.
set -u
bin="$1" workload="$2"
. "$(dirname "$0")/server_lib.sh"
start_server "$bin" "$workload" --role=server --port=0 --duration_ms=30000

/usr/bin/python3 - "$workload" "$port" <<'PY' || exit 1
import socket, sys
workload, port = sys.argv[1], int(sys.argv[2])
s = socket.create_connection(("127.0.0.1", port), timeout=10)
f = s.makefile("rb")
if workload == "echo":
    for i in range(5):
        line = b"hello %d from a foreign client\n" % i
        s.sendall(line)
        got = f.readline()
        assert got == line, (got, line)
else:
    for i in range(3):
        s.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        status = f.readline()
        assert status.startswith(b"HTTP/1.1 200"), status
        length = 0
        while True:
            h = f.readline()
            if h in (b"\r\n", b""):
                break
            if h.lower().startswith(b"content-length:"):
                length = int(h.split(b":")[1])
        body = f.read(length)
        assert body == b"hello from tvc\n", body
s.close()
PY

stop_server
/usr/bin/python3 - "$dir/record" "$rc" "$workload" <<'PY'
import json, sys
rec = json.load(open(sys.argv[1]))
rc, workload = int(sys.argv[2]), sys.argv[3]
assert rc == 0 and rec["ok"] is True, (rc, rec["error"])
fig = rec["figures"]
served = fig["server_msgs"] if workload == "echo" else fig["server_requests"]
want = 5 if workload == "echo" else 3
assert served == want, (served, want)
assert rec["notes"].get("stopped_by") == "signal", rec["notes"]
print(f"{workload} server ok: served {served}")
PY
[ $? -eq 0 ] || {
    cat "$dir/stderr" >&2
    exit 1
}
