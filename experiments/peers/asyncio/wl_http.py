"""http on asyncio: a minimal HTTP/1.1 keep-alive server on streams
(common/workloads/http.c), answering byte for byte as the C servers do
(http_spec.c): GET / gets "hello from tvc\\n" with Content-Length, HEAD
the head alone, other paths 404, other methods 405; "Connection: close"
and HTTP/1.0 are honoured.  The head is read with readuntil(CRLFCRLF)
under the stream limit --header_limit_bytes (past it: 431); the body,
framed by Content-Length or chunked, is read and dropped.  A head it
refuses (400, 501, 505) or a body it will not read (413) is answered with
"Connection: close" and the connection closed.

  --role=self    the server plus `conns` clients issuing `requests`
                 keep-alive GETs each (status and body checked), one
                 garbage and one over-long request that must get 400/431.
  --role=server  serves wrk or curl until SIGINT/SIGTERM or duration_ms.
"""

import asyncio
import re
import time

import serve

BODY = b"hello from tvc\n"
REQUEST = b"GET / HTTP/1.1\r\nHost: tvc\r\n\r\n"
REQUEST_LAST = b"GET / HTTP/1.1\r\nHost: tvc\r\nConnection: close\r\n\r\n"
BODY_MAX = 1024 * 1024  # WL_HTTP_BODY_MAX: larger is 413
REPLIES = {200: ("OK", BODY), 400: ("Bad Request", b"bad request\n"),
           404: ("Not Found", b"not found\n"),
           405: ("Method Not Allowed", b"method not allowed\n"),
           413: ("Content Too Large", b"content too large\n"),
           431: ("Request Header Fields Too Large", b"too large\n"),
           501: ("Not Implemented", b"not implemented\n"),
           505: ("HTTP Version Not Supported", b"version not supported\n")}

TOKEN = rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
REQUEST_LINE = re.compile(rb"(%s) ([^\x00-\x20\x7f]+) HTTP/(\d)\.(\d)" % TOKEN)
FIELD = re.compile(rb"(%s):([\t\x20-\x7e\x80-\xff]*)" % TOKEN)


class Refused(Exception):
    """A request this server answers with an error and a close."""

    def __init__(self, status):
        super().__init__(status)
        self.status = status


def reply_bytes(status, keep_alive, head_only=False):
    reason, body = REPLIES[status]
    head = ("HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\n"
            "Content-Length: %d\r\n%sConnection: %s\r\n\r\n"
            % (status, reason, len(body),
               "Allow: GET, HEAD\r\n" if status == 405 else "",
               "keep-alive" if keep_alive else "close")).encode()
    return head if head_only else head + body


def parse_head(head):
    """(method, target, keep_alive, framing) of a head ending in CRLFCRLF,
    framing ("length", n) or ("chunked", 0); Refused otherwise."""
    lines = head[:-4].lstrip(b"\r\n").split(b"\r\n")
    m = REQUEST_LINE.fullmatch(lines[0])
    if not m:
        raise Refused(400)
    method, target, major, minor = m[1], m[2], int(m[3]), int(m[4])
    if major != 1:
        raise Refused(505)
    length, codings, hosts, conn = None, [], 0, set()
    for line in lines[1:]:
        f = FIELD.fullmatch(line)
        if not f:
            raise Refused(400)
        name, value = f[1].lower(), f[2].strip(b" \t")
        items = [v.strip(b" \t") for v in value.split(b",")]
        if name == b"content-length":
            for v in items:
                if not v.isdigit() or len(v) > 18 or \
                        length not in (None, int(v)):
                    raise Refused(400)
                length = int(v)
        elif name == b"transfer-encoding":
            codings += [v.lower() for v in items if v]
        elif name == b"connection":
            conn |= {v.lower() for v in items}
        elif name == b"host":
            hosts += 1
    if hosts > 1 or (hosts == 0 and minor >= 1):
        raise Refused(400)
    keep_alive = b"close" not in conn and (minor >= 1 or
                                           b"keep-alive" in conn)
    framing = ("length", length or 0)
    if codings:
        # Both framings at once is how requests are smuggled.
        if length is not None or minor == 0 or codings[-1] != b"chunked" \
                or codings.count(b"chunked") > 1:
            raise Refused(400)
        if len(codings) > 1:
            raise Refused(501)
        framing = ("chunked", 0)
    if framing[1] > BODY_MAX:
        raise Refused(413)
    return method, target, keep_alive, framing


async def skip_body(reader, framing):
    """Reads the body and drops it; Refused(400 or 413) if it is bad."""
    kind, left = framing
    if kind == "length":
        await reader.readexactly(left)
        return
    total = 0
    while True:
        line = await reader.readuntil(b"\r\n")
        size = re.match(rb"([0-9A-Fa-f]+)[ \t]*(;|\r\n)", line)
        if not size:
            raise Refused(400)
        n = int(size[1], 16)
        total += len(line) + n
        if total > BODY_MAX:
            raise Refused(413)
        if n == 0:
            break
        await reader.readexactly(n)
        if await reader.readexactly(2) != b"\r\n":
            raise Refused(400)
    while (line := await reader.readuntil(b"\r\n")) != b"\r\n":
        pass  # trailer fields, dropped


class Http:
    def __init__(self):
        self.requests = self.errors_4xx = 0

    def respond(self, writer, status, keep_alive, head_only=False):
        if status < 400:
            self.requests += 1
        else:
            self.errors_4xx += 1
        writer.write(reply_bytes(status, keep_alive, head_only))

    async def handle(self, reader, writer):
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.LimitOverrunError:
                self.respond(writer, 431, False)
                break
            except asyncio.IncompleteReadError:
                break  # the peer closed between requests
            try:
                method, target, keep_alive, framing = parse_head(head)
                if keep_alive:
                    await skip_body(reader, framing)
            except (Refused, asyncio.LimitOverrunError) as e:
                self.respond(writer, getattr(e, "status", 400), False)
                break
            status = 405 if method not in (b"GET", b"HEAD") else \
                200 if target == b"/" else 404
            self.respond(writer, status, keep_alive, method == b"HEAD")
            await writer.drain()
            if not keep_alive:
                break
        await writer.drain()


async def read_response(reader):
    """(status, body) of one response."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = int(re.search(rb"(?i)\r\ncontent-length: (\d+)", head)[1])
    return status, await reader.readexactly(length)


async def probe(host, port, request):
    """The status a request gets on a connection of its own."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(request)
        await writer.drain()
        return (await read_response(reader))[0]
    finally:
        writer.close()
        await writer.wait_closed()


async def client(reader, writer, requests, latency):
    good = 0
    try:
        for i in range(requests):
            t0 = time.monotonic_ns()
            writer.write(REQUEST_LAST if i == requests - 1 else REQUEST)
            await writer.drain()
            status, body = await read_response(reader)
            latency.append(time.monotonic_ns() - t0)
            good += status == 200 and body == BODY
    finally:
        writer.close()
        await writer.wait_closed()
    return good


async def role_self(rec, p, port):
    conns, requests, host = p["conns"], p["requests"], p["host"]
    streams = await serve.open_clients(rec, host, port, conns)
    latency = rec.hist("request")
    t0 = time.monotonic_ns()
    results = await asyncio.gather(*(client(r, w, requests, latency)
                                     for r, w in streams),
                                   return_exceptions=True)
    elapsed = time.monotonic_ns() - t0
    good = sum(r for r in results if not isinstance(r, BaseException))
    first_err = next((r for r in results if isinstance(r, BaseException)),
                     None)
    if first_err is None:
        rec.figure("requests_per_s", good * 1e9 / elapsed)
    else:
        rec.fail("failed", "client: %s: %s" % (type(first_err).__name__,
                                               first_err))
    rec.check("responses_ok", len(streams) * requests, good)
    rec.check("garbage_status", 400,
              await probe(host, port, b"NONSENSE\r\n\r\n"))
    limit = p["header_limit_bytes"]
    big = b"GET / HTTP/1.1\r\nX-Fill: "
    big += b"x" * (limit + 32 - len(big)) + b"\r\n\r\n"
    rec.check("long_head_status", 431, await probe(host, port, big))


async def run(rec, p):
    http = Http()
    srv = serve.Server(http.handle, p["header_limit_bytes"])
    if not await serve.serve_role(rec, p, srv, role_self):
        return
    rec.figure("server_connections", srv.conns)
    rec.figure("server_requests", http.requests)
    rec.figure("server_errors_4xx", http.errors_4xx)
