"""cancel on asyncio: what cancelling a blocked task costs and whether it
cleans up (common/workloads/cancel.c).  N tasks block in one kind of wait:
asyncio.sleep, awaiting a future that never completes, a readline from a
silent peer, an asyncio.Lock the main task holds, an empty asyncio.Queue,
an unset asyncio.Event, or a CPU loop that yields with asyncio.sleep(0).
Once all are waiting each is cancelled with Task.cancel(); the time from
that call to the task's cleanup code (its `finally`) is the latency.
Checks: every task ended cancelled, its cleanup ran exactly once, no
buffer or fd outlived it.  A warm-up round first, then --rounds measured
ones, every task of every round a sample; fds and heap (tracemalloc's,
with --heap=tracemalloc) are sampled around the measured rounds.
--mode=pthread_cancel is the threaded runtime's alone: not applicable.
"""

import asyncio
import time

import driver
import serve

BUFFER_BYTES = 256  # what each task holds while blocked


def not_applicable(p):
    if p["mode"] == "pthread_cancel":
        return "--mode=pthread_cancel: raw threads, the threaded runtime's"
    return None


class Round:
    """One round's tasks, what they wait on, and what they did."""

    def __init__(self, kind):
        self.kind = kind
        self.lock = asyncio.Lock()
        self.queue = asyncio.Queue(1)
        self.never_set = asyncio.Event()
        self.all_ready = asyncio.Event()
        self.ready = self.target = 0

    async def block(self, reader):
        k = self.kind
        if k == "sleep":
            await asyncio.sleep(3600)
        elif k == "await":
            await asyncio.get_running_loop().create_future()
        elif k == "stream":
            await reader.readline()
        elif k == "lock":
            async with self.lock:
                pass  # cannot happen: the main task holds it
        elif k == "queue":
            await self.queue.get()
        elif k == "event":
            await self.never_set.wait()
        else:  # cpu: a loop that only a yield lets cancellation reach
            x = 0
            while True:
                for i in range(1000):
                    x += i
                await asyncio.sleep(0)

    async def task(self, slot):
        slot.buffer = bytearray(BUFFER_BYTES)
        self.ready += 1
        if self.ready == self.target:
            self.all_ready.set()
        try:
            await self.block(slot.reader)
        finally:
            # The cleanup code: what a cancelled task must still do.
            slot.cleanup_ns = time.monotonic_ns()
            slot.cleanups += 1
            if slot.writer is not None:
                slot.writer.close()
            slot.buffer = None


class Slot:
    def __init__(self):
        self.buffer = self.reader = self.writer = None
        self.cancel_ns = self.cleanup_ns = self.cleanups = 0


class Tally:
    """wl_cancel_round: one round, or the sum of several."""

    def __init__(self):
        self.rounds = self.spawned = self.cancelled = self.once = 0
        self.leaked = self.cancel_calls_ns = self.all_done_ns = 0
        self.limit = None  # (what, errno, at) where a set-up stopped
        self.before = self.after = None

    def add(self, r):
        """Adds round r; whether another may follow (wl_cancel_add)."""
        self.rounds += 1
        for k in ("spawned", "cancelled", "once", "leaked",
                  "cancel_calls_ns", "all_done_ns"):
            setattr(self, k, getattr(self, k) + getattr(r, k))
        self.limit = self.limit or r.limit
        return (r.cancelled == r.spawned and r.once == r.spawned and
                r.leaked == 0)


async def silent(reader, writer):
    """kind=stream's server side: reads until EOF or cancel, says
    nothing."""
    while await reader.readline():
        pass


async def one_round(kind, tasks, settle_ns, latency):
    r, t = Round(kind), Tally()
    srv = None
    if kind == "stream":
        srv = serve.Server(silent)
        port = await srv.start("127.0.0.1", 0)
    if kind == "lock":
        await r.lock.acquire()
    slots, handles = [], []
    for _ in range(tasks):
        slot = Slot()
        if srv is not None:
            try:
                slot.reader, slot.writer = await asyncio.open_connection(
                    "127.0.0.1", port)
            except OSError as e:
                if not handles:
                    raise
                t.limit = ("connect", e.errno, len(handles))
                break
        slots.append(slot)
        handles.append(asyncio.create_task(r.task(slot)))
    t.spawned = r.target = len(handles)
    if r.ready < r.target:
        await r.all_ready.wait()
    if settle_ns > 0:
        await asyncio.sleep(settle_ns / 1e9)
    t0 = time.monotonic_ns()
    for slot, h in zip(slots, handles):
        slot.cancel_ns = time.monotonic_ns()
        h.cancel()
    t.cancel_calls_ns = time.monotonic_ns() - t0
    for h in handles:
        try:
            await h
        except asyncio.CancelledError:
            t.cancelled += 1
    t.all_done_ns = time.monotonic_ns() - t0
    for slot in slots:
        t.once += slot.cleanups == 1
        t.leaked += slot.buffer is not None
        if latency is not None:
            latency.append(slot.cleanup_ns - slot.cancel_ns)
        if slot.writer is not None:
            await slot.writer.wait_closed()
    if kind == "lock":
        r.lock.release()
    if srv is not None:
        await srv.close()
    return t


async def rounds(kind, tasks, count, settle_ns, latency):
    """count rounds summed, memory sampled around them."""
    total = Tally()
    total.before = driver.mem_sample()
    while True:
        good = total.add(await one_round(kind, tasks, settle_ns, latency))
        if not good or total.rounds >= count:
            break
    total.after = driver.mem_sample()
    return total


def grew(before, after, key):
    """wl_grew: the growth, 0 where a probe was not read."""
    b, a = before[key], after[key]
    return 0 if b < 0 or a < 0 else a - b


async def run(rec, p):
    kind, tasks = p["kind"], p["tasks"]
    first = await rounds(kind, tasks, 1, p["settle_ns"], None)
    measured = await rounds(kind, first.spawned, p["rounds"], p["settle_ns"],
                            rec.hist("cancel_to_cleanup"))
    if first.limit or measured.limit:
        what, err, at = first.limit or measured.limit
        serve.limit_note(rec, what, err, at, tasks)
    r = measured
    if r.spawned:
        rec.figure("cancel_call_ns", r.cancel_calls_ns / r.spawned)
        rec.figure("all_cancelled_ns", r.all_done_ns / r.rounds)
    rec.figure("heap_growth_first_round_bytes",
               grew(first.before, first.after, "heap_allocated_bytes"))
    rec.figure("tasks_set_up", r.spawned / r.rounds if r.rounds else 0.0)
    rec.check("rounds_run", p["rounds"], r.rounds)
    rec.check("tasks_cancelled", first.spawned + r.spawned,
              first.cancelled + r.cancelled)
    rec.check("cleanup_exactly_once", first.spawned + r.spawned,
              first.once + r.once)
    rec.check("buffers_leaked", 0, first.leaked + r.leaked)
    rec.check("fds_leaked", 0, grew(first.before, r.after, "open_fds"))
    heap = grew(r.before, r.after, "heap_allocated_bytes")
    rec.figure("heap_leaked_bytes", heap)
    rec.figure("heap_leaked_bytes_per_task",
               heap / r.spawned if r.spawned else 0.0)
