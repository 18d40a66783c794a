"""ring on asyncio: the classic thread-ring (common/workloads/ring.c).  K
tasks stand in a ring, each with an inbox (an asyncio.Queue of one slot,
or an asyncio.Event plus the token beside it); the main task hands hop
count M to the first, and each passes the count minus one on until it
reaches 0.  That task sends a stop token round and leaves when it comes
back.  The tokens received must add up to M + 1."""

import asyncio
import time

STOP = -1


class Node:
    def __init__(self, use_queue):
        self.received = 0
        self.inbox = asyncio.Queue(1) if use_queue else None
        self.ready = None if use_queue else asyncio.Event()
        self.token = None

    async def send(self, value):
        if self.inbox is not None:
            await self.inbox.put(value)
        else:
            self.token = value
            self.ready.set()

    async def recv(self):
        if self.inbox is not None:
            return await self.inbox.get()
        await self.ready.wait()
        # One token circulates: nobody sets this event again before it
        # is passed on, so clearing here loses no wake-up.
        self.ready.clear()
        return self.token


class Ring:
    def __init__(self, tasks, use_queue):
        self.nodes = [Node(use_queue) for _ in range(tasks)]
        self.end_ns = 0

    async def task(self, i):
        me, after = self.nodes[i], self.nodes[(i + 1) % len(self.nodes)]
        origin = False  # this task saw 0 and sent the stop token
        while True:
            v = await me.recv()
            if v == STOP:
                if not origin:
                    await after.send(STOP)
                return
            me.received += 1
            if v == 0:
                self.end_ns = time.monotonic_ns()
                origin, v = True, STOP
            else:
                v -= 1
            await after.send(v)


async def run(rec, p):
    hops = p["hops"]
    ring = Ring(p["tasks"], p["mode"] == "queue")
    handles = [asyncio.create_task(ring.task(i))
               for i in range(len(ring.nodes))]
    t0 = time.monotonic_ns()
    await ring.nodes[0].send(hops)
    await asyncio.gather(*handles)
    if hops > 0:
        rec.figure("hop_ns", (ring.end_ns - t0) / hops)
        rec.figure("hops_per_s", hops * 1e9 / (ring.end_ns - t0))
    rec.check("tokens_received", hops + 1,
              sum(n.received for n in ring.nodes))
