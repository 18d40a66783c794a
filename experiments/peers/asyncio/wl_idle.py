"""idle on asyncio: what a waiting task costs (common/workloads/idle.c).

N tasks made with asyncio.create_task all wait on one asyncio.Event; with
every one of them waiting, memory is sampled against a baseline taken
before the first spawn; then the event is set and every task awaited.
Memory per task is the growth of the current RSS (/proc/self/status
VmRSS, not the peak) and of the system's kernel stacks, slab and page
tables, as common/src/mem.c reads them.  The heap view needs
tracemalloc, a peer option (--heap=tracemalloc) because it slows the
spawns and its traces swell RSS.
"""

import asyncio
import gc
import math
import os
import signal
import sys
import time

import driver


def per_task(before, after, key, n):
    """Per-task share of a counter's growth; NaN if it was not read."""
    if before[key] < 0 or after[key] < 0 or n == 0:
        return math.nan
    return (after[key] - before[key]) / n


def pause_if_asked():
    """For tests that read /proc/PID/status from outside while every task
    is parked: with TVC_PEER_STOP_PARKED set, say so and stop until
    SIGCONT."""
    if os.environ.get("TVC_PEER_STOP_PARKED"):
        print("parked", file=sys.stderr, flush=True)
        os.kill(os.getpid(), signal.SIGSTOP)


class Idle:
    """Shared by the main task and every idle task."""

    def __init__(self):
        self.release = asyncio.Event()      # set once: every task may end
        self.all_waiting = asyncio.Event()  # set by the last task to wait
        self.waiting = 0    # tasks that reached their wait
        self.target = 0     # tasks started; 0 until spawning is over
        self.finished = 0   # tasks whose wait returned

    async def task(self):
        self.waiting += 1
        if self.waiting == self.target:
            self.all_waiting.set()
        await self.release.wait()
        self.finished += 1


async def run(rec, p):
    tasks = p["tasks"]
    idle = Idle()
    # The handle list is made now, so its pointers are not counted per task.
    handles = [None] * tasks
    gc.collect()
    before = driver.mem_sample()
    t0 = time.monotonic_ns()
    started = 0
    try:
        while started < tasks:
            handles[started] = asyncio.create_task(idle.task())
            started += 1
    except MemoryError:
        rec.note("limit", "limit reached: spawn %d failed with MemoryError"
                 % (started + 1))
    spawn_ns = time.monotonic_ns() - t0

    # The tasks first run when this one waits, so the last of them always
    # sees the target and signals.
    idle.target = started
    if started > 0 and idle.waiting < started:
        await idle.all_waiting.wait()
    with_tasks = driver.mem_sample()
    pause_if_asked()

    idle.release.set()
    joined = 0
    for i in range(started):
        try:
            await handles[i]
            joined += 1
        except Exception:  # a task that failed is counted as not joined
            pass
        handles[i] = None

    rec.figure("tasks_reached", started)
    rss = per_task(before, with_tasks, "rss_bytes", started)
    heap = per_task(before, with_tasks, "heap_allocated_bytes", started)
    kstack = per_task(before, with_tasks, "kernel_stack_bytes", started)
    slab = per_task(before, with_tasks, "slab_bytes", started)
    ptab = per_task(before, with_tasks, "page_tables_bytes", started)
    kernel = kstack + slab + ptab
    rec.figure("bytes_per_task_rss", rss)
    rec.figure("bytes_per_task_heap", heap)
    rec.figure("bytes_per_task_kernel_stack", kstack)
    rec.figure("bytes_per_task_slab", slab)
    rec.figure("bytes_per_task_page_tables", ptab)
    rec.figure("bytes_per_task_kernel", kernel)
    rec.figure("bytes_per_task_total", rss + kernel)
    if started > 0 and spawn_ns > 0:
        rec.figure("spawn_ns_per_task", spawn_ns / started)
        rec.figure("spawns_per_s", started * 1e9 / spawn_ns)
    rec.check("tasks_waiting", started, idle.waiting)
    rec.check("tasks_finished", started, idle.finished)
    rec.check("tasks_joined", started, joined)
    if started == 0:
        rec.fail("ENOMEM", "not a single task could be spawned")
