"""http_framing.py PORT: the http server's message framing (RFC 9112).

Each case sends some requests on one new connection, all at once (as a
pipelining client would), and reads every response until the server
closes.  The responses must answer the requests one by one, in order:
the statuses expected, and never one more -- a body the server did not
read would be taken for the next request and answered (a desync, where
request smuggling starts).  A request the server refuses without reading
its body is answered with "Connection: close" and nothing after it.
"""
import socket
import sys

PORT = int(sys.argv[1])
HOST = "Host: t\r\n"
LAST = "GET / HTTP/1.1\r\n" + HOST + "Connection: close\r\n\r\n"
# A body that is itself a request: answered (404) only on a desync.
SMUGGLED = "GET /smuggled HTTP/1.1\r\n" + HOST + "\r\n"


def post(headers, body):
    return "POST / HTTP/1.1\r\n" + HOST + headers + "\r\n" + body


def chunked(data, ext="", trailer=""):
    """data as two chunks, then the last chunk and a trailer."""
    half = len(data) // 2
    parts = [data[:half], data[half:]]
    out = "".join("%x%s\r\n%s\r\n" % (len(p), ext, p) for p in parts)
    return out + "0\r\n" + trailer + "\r\n"


def read_responses(sock, methods):
    """Every response until EOF: (status, headers, body) each; a HEAD's
    response (methods[i] == "HEAD") has no body whatever its length."""
    buf, out, eof = b"", [], False
    while True:
        while not eof and b"\r\n\r\n" not in buf:
            try:
                data = sock.recv(65536)
            except ConnectionResetError:
                data = b""  # a close with unread input is a reset
            eof = not data
            buf += data
        if b"\r\n\r\n" not in buf:
            assert buf == b"", ("a partial response", buf)
            return out
        head, buf = buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
        length = int(headers["content-length"])
        if len(out) < len(methods) and methods[len(out)] == "HEAD":
            length = 0
        while len(buf) < length and not eof:
            data = sock.recv(65536)
            eof = not data
            buf += data
        assert len(buf) >= length, ("a short body", status, buf)
        out.append((status, headers, buf[:length]))
        buf = buf[length:]


FAILED = []


def case(name, requests, want, methods=()):
    """Sends requests (one string) and checks the responses' statuses are
    want, in order: the last says Connection: close (every case ends with
    one that asks for it, or is refused), and only the last.  Returns the
    responses, or None (the failure printed and counted)."""
    try:
        return check(name, requests, want, methods)
    except (AssertionError, OSError, ValueError, KeyError) as e:
        print("FAIL:", name, repr(e))
        FAILED.append(name)
        return None


def check(name, requests, want, methods):
    sock = socket.create_connection(("127.0.0.1", PORT), timeout=10)
    sock.sendall(requests.encode("latin-1"))
    got = read_responses(sock, list(methods))
    sock.close()
    statuses = [g[0] for g in got]
    assert statuses == want, (name, statuses, want)
    closes = [g[1].get("connection") == "close" for g in got]
    assert closes == [False] * (len(got) - 1) + [True], (name, closes)
    print("ok:", name, statuses)
    return got


# Refused requests with a body, then a valid one: each is answered once,
# the body never (no 404 for /smuggled).
body = SMUGGLED
case("405 with a Content-Length body",
     post("Content-Length: %d\r\n" % len(body), body) + LAST, [405, 200])
case("404 with a Content-Length body",
     "GET /nope HTTP/1.1\r\n" + HOST + "Content-Length: %d\r\n\r\n"
     % len(body) + body + LAST, [404, 200])
case("505 with a body",
     "GET / HTTP/2.0\r\n" + HOST + "Content-Length: %d\r\n\r\n" % len(body)
     + body + LAST, [505])
case("a bad request line with a body",
     "GET  / HTTP/1.1\r\n" + HOST + "Content-Length: %d\r\n\r\n" % len(body)
     + body + LAST, [400])
case("a field with space before its colon",
     post("Content-Length : %d\r\n" % len(body), body) + LAST, [400])

# Chunked bodies are decoded and dropped; bad chunking is refused.
case("a chunked POST", post("Transfer-Encoding: chunked\r\n",
                            chunked(body)) + LAST, [405, 200])
case("a chunked GET with extensions and a trailer",
     "GET / HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n"
     + chunked(body, ext=" ;a=b", trailer="X-Sum: 1\r\n") + LAST, [200, 200])
case("chunked, a chunk longer than it said",
     post("Transfer-Encoding: chunked\r\n", "3\r\nabcdef\r\n0\r\n\r\n")
     + LAST, [400])
case("chunked, a bad size", post("Transfer-Encoding: chunked\r\n",
                                 "zz\r\n" + body) + LAST, [400])
case("chunked not last", post("Transfer-Encoding: chunked, gzip\r\n",
                              body) + LAST, [400])
case("a coding not implemented",
     post("Transfer-Encoding: gzip, chunked\r\n", chunked(body)) + LAST,
     [501])

# Two framings, or lengths that disagree: 400 and close (RFC 9112 6.3).
case("Content-Length and Transfer-Encoding",
     post("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
          chunked(body)) + LAST, [400])
case("two Content-Lengths that differ",
     post("Content-Length: %d\r\nContent-Length: 3\r\n" % len(body), body)
     + LAST, [400])
case("a Content-Length list that differs",
     post("Content-Length: %d, 3\r\n" % len(body), body) + LAST, [400])
case("a negative Content-Length",
     post("Content-Length: -1\r\n", body) + LAST, [400])
case("an equal Content-Length list",
     post("Content-Length: %d, %d\r\n" % (len(body), len(body)), body)
     + LAST, [405, 200])
case("no Host in HTTP/1.1", "GET / HTTP/1.1\r\n\r\n" + LAST, [400])

# HEAD: GET's head, its Content-Length included, and no body.
got = case("HEAD", "HEAD / HTTP/1.1\r\n" + HOST + "\r\n" + LAST, [200, 200],
           methods=["HEAD", "GET"])
if got is not None and (got[0][1]["content-length"] != str(len(got[1][2]))
                        or got[1][2] != b"hello from tvc\n"):
    print("FAIL: HEAD's Content-Length is not GET's", got)
    FAILED.append("HEAD length")

# Keep-alive and pipelining as before.
get = "GET / HTTP/1.1\r\n" + HOST + "\r\n"
case("pipelined GETs", get * 3 + LAST, [200] * 4)
case("HTTP/1.0 closes", "GET / HTTP/1.0\r\n\r\n" + LAST, [200])
case("HTTP/1.0 keep-alive",
     "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" + LAST, [200, 200])

sys.exit(1 if FAILED else 0)
