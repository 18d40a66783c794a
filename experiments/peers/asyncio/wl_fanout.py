"""fanout on asyncio: download M items from a slow server, at most L at
once (common/workloads/fanout.c).  Each item is its own task: acquire an
asyncio.Semaphore, open a connection, send one request line, read the
reply, close, release.  The ideal total time is ceil(M / L) * delay.
The delay protocol: the server sends each line back after its delay;
without --server an in-process delay server (asyncio.start_server)
plays that part."""

import asyncio
import errno
import os
import time

import serve


def make_delay_handler(delay_ns):
    async def delay_conn(reader, writer):
        while line := await reader.readline():
            await asyncio.sleep(delay_ns / 1e9)
            writer.write(line)
            await writer.drain()
    return delay_conn


class Fanout:
    def __init__(self, host, port, limit, latency):
        self.host, self.port = host, port
        self.sem = asyncio.Semaphore(limit)
        self.in_flight = self.max_in_flight = 0
        self.received = self.errors = 0
        self.latency = latency

    async def fetch(self, index):
        req = b"item %d\n" % index
        t0 = time.monotonic_ns()
        reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            writer.write(req)
            await writer.drain()
            reply = await reader.readline()
            if reply != req:
                raise ConnectionError(errno.EPROTO, "a wrong reply")
        finally:
            self.latency.append(time.monotonic_ns() - t0)
            writer.close()
            await writer.wait_closed()

    async def download(self, index):
        async with self.sem:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            try:
                await self.fetch(index)
                self.received += 1
            except OSError:
                self.errors += 1
                raise
            finally:
                self.in_flight -= 1


async def run(rec, p):
    items, limit, delay = p["items"], p["limit"], p["delay_ns"]
    srv = None
    if p["server"]:
        host, _, port = p["server"].rpartition(":")
        host, port = host.strip("[]"), int(port)
        rec.note("server", "external " + p["server"])
    else:
        host = "127.0.0.1"
        srv = serve.Server(make_delay_handler(delay))
        port = await srv.start(host, 0)
        rec.note("server", "in-process delay server")
    f = Fanout(host, port, limit, rec.hist("download"))
    t0 = time.monotonic_ns()
    results = await asyncio.gather(*(f.download(i) for i in range(items)),
                                   return_exceptions=True)
    total = time.monotonic_ns() - t0
    if srv is not None:
        await srv.close()
    first_err = next((r for r in results if isinstance(r, BaseException)),
                     None)
    waves = (items + limit - 1) // limit
    rec.figure("total_ns", total)
    rec.figure("ideal_ns", waves * delay)
    if delay > 0:
        rec.figure("total_over_ideal", total / (waves * delay))
    rec.figure("items_per_s", items * 1e9 / total)
    rec.figure("max_in_flight", f.max_in_flight)
    rec.figure("errors", f.errors)
    if first_err is not None:
        rec.note("first_error", str(first_err) if not isinstance(
            first_err, OSError) or not first_err.errno
            else os.strerror(first_err.errno))
    rec.check("items_received", items, f.received)
    rec.check("over_limit", 0, int(f.max_in_flight > limit))
