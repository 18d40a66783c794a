"""spawn on asyncio: the cost of making a task, running it and awaiting it
(common/workloads/spawn.c).  First one at a time, then in batches of
--batch gathered together; every task adds its number to a sum that
must match."""

import asyncio
import time


async def run(rec, p):
    tasks, batch = p["tasks"], p["batch"]
    total = 0
    joined = 0

    async def short_task(i):
        nonlocal total
        total += i

    samples = rec.hist("spawn_join")
    t0 = time.monotonic_ns()
    for i in range(1, tasks + 1):
        s = time.monotonic_ns()
        await asyncio.create_task(short_task(i))
        joined += 1
        samples.append(time.monotonic_ns() - s)
    seq_ns = time.monotonic_ns() - t0

    t1 = time.monotonic_ns()
    for done in range(0, tasks, batch):
        n = min(batch, tasks - done)
        handles = [asyncio.create_task(short_task(done + k + 1))
                   for k in range(n)]
        await asyncio.gather(*handles)
        joined += n
    batch_ns = time.monotonic_ns() - t1

    rec.figure("spawn_join_ns", seq_ns / tasks)
    rec.figure("spawn_join_batched_ns", batch_ns / tasks)
    rec.figure("spawns_per_s", tasks * 1e9 / seq_ns)
    # Each phase adds 1..tasks once.
    rec.check("tasks_joined", 2 * tasks, joined)
    rec.check("sum", tasks * (tasks + 1), total)
