"""pipeline on asyncio: producer -> filter -> map -> sink, four tasks
joined by bounded asyncio.Queue (common/workloads/pipeline.c).  The
producer stamps items 1..N with their birth time, the filter drops
multiples of 3, the map squares the value, the sink sums and times each
item's trip; None ends the stream.  The sink's sum must equal the one
computed directly (as 64-bit, like the C)."""

import asyncio
import time

import wl_echo

DONE = None


class Item:
    __slots__ = ("value", "born_ns")

    def __init__(self, value):
        self.value, self.born_ns = value, time.monotonic_ns()


def relay(is_map, item):
    """wl_item_relay: whether the item goes on (the map squares it)."""
    if not is_map:
        return item.value % 3 != 0
    item.value *= item.value
    return True


async def producer(items, out):
    for v in range(1, items + 1):
        await out.put(Item(v))
    await out.put(DONE)


async def stage(is_map, inbox, out):
    while (item := await inbox.get()) is not DONE:
        if relay(is_map, item):
            await out.put(item)
    await out.put(DONE)


class Sink:
    def __init__(self, latency):
        self.latency, self.sunk, self.total = latency, 0, 0

    async def run(self, inbox):
        while (item := await inbox.get()) is not DONE:
            self.latency.append(time.monotonic_ns() - item.born_ns)
            self.sunk += 1
            self.total += item.value


def expected(items):
    """(items that pass, their sum) computed directly."""
    passed = total = 0
    for v in range(1, items + 1):
        if v % 3:
            passed, total = passed + 1, total + v * v
    return passed, total


async def run(rec, p):
    items, size = p["items"], p["queue_size"]
    q = [asyncio.Queue(size) for _ in range(3)]
    sink = Sink(rec.hist("item"))
    t0 = time.monotonic_ns()
    await asyncio.gather(producer(items, q[0]), stage(False, q[0], q[1]),
                         stage(True, q[1], q[2]), sink.run(q[2]))
    elapsed = time.monotonic_ns() - t0
    rec.figure("items_per_s", items * 1e9 / elapsed)
    passed, total = expected(items)
    rec.check("items_sunk", passed, sink.sunk)
    rec.check("checksum", wl_echo.signed(total), wl_echo.signed(sink.total))
