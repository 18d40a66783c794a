"""executor on asyncio: blocking calls and the tasks around them
(common/workloads/executor.c).  A ticker task wakes every tick_ns and
records how late it woke; meanwhile the main task makes `calls` blocking
calls (time.sleep, or a CPU hash), offloaded with loop.run_in_executor to
a ThreadPoolExecutor of --executor_threads (0: Python's default) or made
inline (--offload=0), which stalls the loop.  In CPython a hash holds
the GIL even in the pool, so it stalls the loop there too: that is the
figure.  Each call's result is checked."""

import asyncio
import concurrent.futures
import time

import driver
import wl_echo
import wl_rand


def hash_work(seed, n):
    """executor_spec.c's hash_work: n bytes of a seeded LCG, FNV-1a."""
    h, x = wl_echo.HASH_INIT, seed
    for _ in range(0, n, 8):
        x = (x * 6364136223846793005 + 1442695040888963407) & wl_rand.MASK
        h = wl_echo.fnv(h, x.to_bytes(8, "little"))
    return h


def blocking_call(sleep, block_ns, hash_bytes, seed):
    """wl_blocking_call: seed + 1 after block_ns, or the hash."""
    if sleep:
        time.sleep(block_ns / 1e9)
        return seed + 1
    return hash_work(seed, hash_bytes)


class Ticker:
    def __init__(self, tick_ns, late):
        self.tick_ns, self.late = tick_ns, late
        self.due = 0

    async def run(self):
        self.due = time.monotonic_ns() + self.tick_ns
        while True:
            await driver.sleep_until(self.due)
            now = time.monotonic_ns()
            self.late.append(now - self.due)
            # After a stall, tick from now rather than firing a burst.
            if now - self.due > self.tick_ns:
                self.due = now
            self.due += self.tick_ns


async def run(rec, p):
    calls, sleep = p["calls"], p["work"] == "sleep"
    loop = asyncio.get_running_loop()
    pool = concurrent.futures.ThreadPoolExecutor(
        max_workers=p["executor_threads"] or None)
    ticker = Ticker(p["tick_ns"], rec.hist("tick_lateness"))
    tick_task = asyncio.create_task(ticker.run())
    results = []
    t0 = time.monotonic_ns()
    try:
        for i in range(calls):
            args = (sleep, p["block_ns"], p["hash_bytes"], i + 1)
            if p["offload"]:
                results.append(await loop.run_in_executor(pool,
                                                          blocking_call,
                                                          *args))
            else:
                results.append(blocking_call(*args))
                await asyncio.sleep(0)  # the ticker's turn, as an await
        elapsed = time.monotonic_ns() - t0
        # Let the ticker wake once more: a stall that lasted to the end
        # of the calls is only recorded when it gets to run.
        await asyncio.sleep(2 * p["tick_ns"] / 1e9)
    finally:
        tick_task.cancel()
        await asyncio.gather(tick_task, return_exceptions=True)
        pool.shutdown()
    rec.figure("ticks", len(ticker.late))
    rec.figure("calls_per_s", calls * 1e9 / elapsed)
    correct = sum(1 for i, r in enumerate(results)
                  if r == (i + 2 if sleep else hash_work(i + 1,
                                                         p["hash_bytes"])))
    rec.check("results_correct", calls, correct)
