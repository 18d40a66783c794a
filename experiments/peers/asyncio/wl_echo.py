"""echo on asyncio: a TCP echo server on streams (common/workloads/echo.c).
Each connection is a task of asyncio.start_server: read one message
(readline, readexactly(size_bytes), or with framing=raw read() what came),
write it back, drain, until the peer closes.

  --role=self    the server plus `conns` client tasks in this process; each
                 sends `msgs` messages (the C runtimes' bytes, from the
                 same generator), times each round trip and checksums
                 what came back against what it sent.
  --role=server  serves any client until SIGINT/SIGTERM or duration_ms.
"""

import asyncio
import time

import serve
import wl_rand

RAW_READ = 64 * 1024  # WL_ECHO_RAW_READ
HASH_INIT = 1469598103934665603  # WL_HASH_INIT


def fnv(h, data):
    """wl_hash: FNV-1a over data, from h."""
    for b in data:
        h = ((h ^ b) * 1099511628211) & wl_rand.MASK
    return h


def message(size, line, client, m):
    """wl_echo_fill: size letters from the (client, m) stream, the last a
    newline when line."""
    draw = wl_rand.Rand(wl_rand.seed(client, m))
    buf = bytearray(97 + draw.next() % 26 for _ in range(size))
    if line:
        buf[-1] = 10
    return bytes(buf)


async def read_message(reader, framing, size):
    """One message, or b"" at a clean end."""
    if framing == "line":
        return await reader.readline()
    if framing == "exact":
        try:
            return await reader.readexactly(size)
        except asyncio.IncompleteReadError as e:
            if e.partial:
                raise
            return b""
    return await reader.read(RAW_READ)


class Echo:
    def __init__(self, framing, size):
        self.framing, self.size = framing, size
        self.msgs = self.bytes = 0

    async def handle(self, reader, writer):
        while msg := await read_message(reader, self.framing, self.size):
            writer.write(msg)
            await writer.drain()
            self.msgs += 1
            self.bytes += len(msg)


class Client:
    def __init__(self, index, framing, size, msgs, rtt):
        self.index, self.size, self.msgs, self.rtt = index, size, msgs, rtt
        # Raw servers echo what came; the client still reads whole replies.
        self.framing = "exact" if framing == "raw" else framing
        self.received = 0
        self.sent_hash = self.got_hash = HASH_INIT

    async def run(self, reader, writer):
        try:
            for m in range(self.msgs):
                buf = message(self.size, self.framing == "line", self.index,
                              m)
                self.sent_hash = fnv(self.sent_hash, buf)
                t0 = time.monotonic_ns()
                writer.write(buf)
                await writer.drain()
                reply = await read_message(reader, self.framing, self.size)
                if not reply:
                    raise ConnectionError("the server closed early")
                self.rtt.append(time.monotonic_ns() - t0)
                self.got_hash = fnv(self.got_hash, reply)
                self.received += 1
        finally:
            writer.close()
            await writer.wait_closed()


async def role_self(rec, p, port):
    conns, msgs = p["conns"], p["msgs"]
    streams = await serve.open_clients(
        rec, p["host"], port, conns, max(p["size_bytes"], serve.STREAM_LIMIT))
    rtt = rec.hist("round_trip")
    clients = [Client(i, p["framing"], p["size_bytes"], msgs, rtt)
               for i in range(len(streams))]
    t0 = time.monotonic_ns()
    results = await asyncio.gather(*(c.run(r, w) for c, (r, w)
                                     in zip(clients, streams)),
                                   return_exceptions=True)
    elapsed = time.monotonic_ns() - t0
    received = sum(c.received for c in clients)
    first_err = next((r for r in results if isinstance(r, BaseException)),
                     None)
    if first_err is None:
        rec.figure("msgs_per_s", received * 1e9 / elapsed)
        rec.figure("bytes_per_s", received * p["size_bytes"] * 1e9 / elapsed)
    else:
        rec.fail("failed", "client: %s: %s" % (type(first_err).__name__,
                                               first_err))
    rec.figure("clients", len(clients))
    rec.check("messages_echoed", len(clients) * msgs, received)
    # The sums of the clients' checksums, as 64-bit signed like the C.
    rec.check("checksum", signed(sum(c.sent_hash for c in clients)),
              signed(sum(c.got_hash for c in clients)))


def signed(v):
    v &= wl_rand.MASK
    return v - (1 << 64) if v >= 1 << 63 else v


async def run(rec, p):
    echo = Echo(p["framing"], p["size_bytes"])
    srv = serve.Server(echo.handle, max(p["size_bytes"], serve.STREAM_LIMIT))
    if not await serve.serve_role(rec, p, srv, role_self):
        return
    rec.figure("server_connections", srv.conns)
    rec.figure("server_msgs", echo.msgs)
    rec.figure("server_bytes", echo.bytes)
    rec.figure("server_connection_errors", srv.errors)
