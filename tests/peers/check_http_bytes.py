"""check_http_bytes.py [--routes] PEER DIRECT: a peer's http server
answers byte for byte as a C runtime's does (common/workloads/http_spec.c)
for each route: GET / with keep-alive and with close, HEAD, another path,
HTTP/1.0; and, unless --routes, each refusal: another method (405), a
request line it refuses, another HTTP version, a coding it lacks, a head
past the limit.  (nginx's 405 says "Not Allowed" with Allow after
Connection, and it refuses in HTML of its own: it runs --routes.)  Each
request goes on a connection of its own, read until the server closes
it; both servers are stopped with SIGTERM and must end with an ok
record."""

import json
import re
import signal
import socket
import subprocess
import sys

H = "Host: t\r\n"
ROUTES = [
    "GET / HTTP/1.1\r\n" + H + "\r\nGET / HTTP/1.1\r\n" + H +
    "Connection: close\r\n\r\n",
    "HEAD / HTTP/1.1\r\n" + H + "Connection: close\r\n\r\n",
    "GET /nothing HTTP/1.1\r\n" + H + "Connection: close\r\n\r\n",
    "GET / HTTP/1.0\r\n\r\n",
]
REFUSALS = [
    "DELETE / HTTP/1.1\r\n" + H + "Connection: close\r\n\r\n",
    "NONSENSE\r\n\r\n",
    "GET / HTTP/2.0\r\n" + H + "\r\n",
    "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: gzip, chunked\r\n\r\n",
    "GET / HTTP/1.1\r\n" + H + "X-Fill: " + "x" * 9000 + "\r\n\r\n",
]


def start(binary):
    proc = subprocess.Popen([binary, "http", "--role=server", "--port=0",
                             "--duration_ms=60000"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = proc.stderr.readline().decode()
    m = re.match(r"listening on [^ ]+:(\d+)$", line.strip())
    assert m, "%s: %r" % (binary, line)
    return proc, int(m[1])


def exchange(port, request):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request.encode())
        got = b""
        while chunk := s.recv(65536):
            got += chunk
        return got


def main(peer, direct, requests):
    servers = [start(peer), start(direct)]
    try:
        for req in requests:
            a, b = (exchange(port, req) for _, port in servers)
            if a != b:
                sys.exit("%s answers %r\n%s answers %r\nto %r"
                         % (peer, a, direct, b, req[:60]))
    finally:
        for proc, _ in servers:
            proc.send_signal(signal.SIGTERM)
    for proc, _ in servers:
        out, err = proc.communicate(timeout=30)
        rec = json.loads(out)
        assert proc.returncode == 0 and rec["ok"], (proc.returncode, err)
    print("%d requests answered alike" % len(requests))


if __name__ == "__main__":
    if sys.argv[1] == "--routes":
        main(sys.argv[2], sys.argv[3], ROUTES)
    else:
        main(sys.argv[1], sys.argv[2], ROUTES + REFUSALS)
