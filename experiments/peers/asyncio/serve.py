"""The server role of echo and http on asyncio (wl_serve.c's part): a
server made with asyncio.start_server, each connection handled by its own
task, which says "listening on HOST:PORT" on stderr and serves until
SIGINT/SIGTERM (loop.add_signal_handler) or --duration_ms; at the stop
the connections still open are cancelled, which is not an error."""

import asyncio
import errno
import os
import signal
import sys

STREAM_LIMIT = 64 * 1024  # asyncio's default, as TVC_STREAM_LIMIT_DEFAULT


class Server:
    """Counts what the handlers served; owns their tasks."""

    def __init__(self, handle, limit=STREAM_LIMIT):
        self.handle, self.limit = handle, limit
        self.conns = self.errors = 0
        self.tasks = set()
        self.server = None

    async def _conn(self, reader, writer):
        self.conns += 1
        task = asyncio.current_task()
        self.tasks.add(task)
        try:
            await self.handle(reader, writer)
        except asyncio.CancelledError:
            pass  # a stop: the end of this connection, not an error
        except (ConnectionError, asyncio.IncompleteReadError,
                asyncio.LimitOverrunError, OSError):
            self.errors += 1
        finally:
            self.tasks.discard(task)
            writer.close()

    async def start(self, host, port):
        self.server = await asyncio.start_server(self._conn, host, port,
                                                 limit=self.limit)
        return self.server.sockets[0].getsockname()[1]

    async def close(self):
        self.server.close()
        for t in list(self.tasks):
            t.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.server.wait_closed()


async def start_or_fail(rec, srv, host, port):
    """The bound port, or None after failing the record."""
    try:
        return await srv.start(host, port)
    except OSError as e:
        rec.fail(errno.errorcode.get(e.errno, "failed"),
                 "cannot listen on %s:%d" % (host, port))
        return None


async def serve_until_stopped(rec, srv, host, port, duration_ms):
    """Announces the address and serves until a signal or the duration."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    print("listening on %s:%d" % (host, port), file=sys.stderr, flush=True)
    try:
        await asyncio.wait_for(stop.wait(),
                               duration_ms / 1000 if duration_ms > 0
                               else None)
    except asyncio.TimeoutError:
        pass
    rec.note("stopped_by", "signal" if stop.is_set() else "duration_ms")
    await srv.close()


async def serve_role(rec, p, srv, role_self):
    """The workload's two roles around srv: listen on --host/--port, then
    either run role_self(rec, p, port) and close, or serve until stopped.
    False when it could not listen (the record says why)."""
    port = await start_or_fail(rec, srv, p["host"], p["port"])
    if port is None:
        return False
    if p["role"] == "self":
        try:
            await role_self(rec, p, port)
        finally:
            await srv.close()
    else:
        await serve_until_stopped(rec, srv, p["host"], port,
                                  p["duration_ms"])
    return True


async def open_clients(rec, host, port, n, limit=STREAM_LIMIT):
    """Up to n (reader, writer) connections opened one after another: the
    first that fails after some opened is a limit reached, noted, and the
    run goes on with those (wl_open_accepted_n)."""
    streams = []
    for _ in range(n):
        try:
            streams.append(await asyncio.open_connection(host, port,
                                                         limit=limit))
        except OSError as e:
            if not streams:
                raise
            limit_note(rec, "connect", e.errno, len(streams), n)
            break
    return streams


def limit_note(rec, what, err, at, asked):
    """wl_note_limit's sentence for a set-up step that failed at `at`."""
    name = errno.errorcode.get(err, "E?")
    rec.note("limit", "limit reached at %d of %d: %s: %s (%s)"
             % (at, asked, what, name, os.strerror(err)))
