"""timers on asyncio: how late a sleeping task wakes
(common/workloads/timers.c).  N tasks each sleep a duration drawn from
the C runtimes' generator and seed (wl_rand.py: the same draws) and
measure how far past the requested time they woke.  A task sleeps until
its due time (driver.sleep_until), so an early wake-up is a bug and fails
the check."""

import asyncio
import os
import time

import driver
import wl_rand


def not_applicable(p):
    if p["rt_priority"] > 0 and not hasattr(os, "sched_setscheduler"):
        return "--rt_priority: os.sched_setscheduler is not available"
    return None


class Sleeper:
    def __init__(self, sleep_ns, base):
        self.sleep_ns, self.base = sleep_ns, base
        self.armed_at = self.due = self.late_ns = 0

    async def run(self):
        self.armed_at = time.monotonic_ns()
        self.due = (self.base or self.armed_at) + self.sleep_ns
        await driver.sleep_until(self.due)
        self.late_ns = time.monotonic_ns() - self.due


def armed_after_first_due(sleepers):
    """Sleepers that armed their timer only after the earliest due time
    (timers_spec.c: their lateness includes the arming)."""
    first = min(s.due for s in sleepers if s.due)
    return sum(1 for s in sleepers if s.due and s.armed_at > first)


async def run(rec, p):
    tasks = p["tasks"]
    if p["rt_priority"] > 0:
        try:
            os.sched_setscheduler(0, os.SCHED_FIFO,
                                  os.sched_param(p["rt_priority"]))
        except OSError as e:
            rec.fail("E" + (os.strerror(e.errno) if e.errno else "PERM"),
                     "SCHED_FIFO at priority %d" % p["rt_priority"])
            return
    if p["timer_spin_ns"]:
        rec.note("timer_spin", "ignored: asyncio's loop has no spin option")
    draw = wl_rand.Rand(wl_rand.seed(p["seed"], 0))
    base = time.monotonic_ns() + p["start_ns"] if p["start_ns"] > 0 else 0
    sleepers = [Sleeper(draw.next() % p["max_sleep_ns"], base)
                for _ in range(tasks)]
    results = await asyncio.gather(*(s.run() for s in sleepers),
                                   return_exceptions=True)
    woke = sum(1 for r in results if not isinstance(r, BaseException))
    early = sum(1 for s, r in zip(sleepers, results)
                if not isinstance(r, BaseException) and s.late_ns < 0)
    late = rec.hist("lateness")
    late.extend(s.late_ns for s in sleepers)
    if base:
        after = armed_after_first_due(sleepers)
        rec.figure("armed_after_first_due", after)
        if after > 0:
            rec.note("arming", "%d timers armed after the first was due: "
                     "lateness includes arming (raise --start_ns)" % after)
    rec.check("tasks_woke", tasks, woke)
    rec.check("early_wakeups", 0, early)
