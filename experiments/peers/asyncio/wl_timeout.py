"""timeout on asyncio: asyncio.wait_for with deadlines around the
completion time (common/workloads/timeout.c).  An inner task sleeps until
work_ns from its start and returns; the main task waits for it with a
timeout ending margin_ns before that (before), at it (equal) and margin_ns
after it (after).  The deadline error is how late wait_for returned past
a timeout.  The checks hold each outcome to its meaning, as the C runtimes'
(timeout_spec.c): a timeout came at or past its deadline with its inner
task over, cancelled (its cleanup ran once) or finished just before; a
success carries the inner task's result and came after its work."""

import asyncio
import time

import driver

CASES = ("before", "equal", "after")


class Inner:
    def __init__(self, done_at):
        self.done_at, self.cleanups, self.completions = done_at, 0, 0

    async def work(self):
        try:
            # An absolute time, so the task's start-up does not move it.
            await driver.sleep_until(self.done_at)
        except asyncio.CancelledError:
            self.cleanups += 1  # the cancellation cleanup
            raise
        self.completions += 1
        return self


class Case:
    def __init__(self):
        self.timed_out = self.completed = self.past_deadline = 0
        self.inner_over = self.ended_once = self.races = 0
        self.completions_right = 0


async def one_wait(rec, work, offset, case):
    start = time.monotonic_ns()
    inner = Inner(start + work)
    task = asyncio.create_task(inner.work())
    t0 = time.monotonic_ns()
    timeout = max(0, inner.done_at + offset - t0)
    try:
        out = await asyncio.wait_for(task, timeout / 1e9)
    except asyncio.TimeoutError:
        returned = time.monotonic_ns()
        case.timed_out += 1
        rec.hist("deadline_error").append(returned - (t0 + timeout))
        case.past_deadline += returned >= t0 + timeout
        case.inner_over += task.done()
        case.ended_once += inner.cleanups + inner.completions == 1
        case.races += inner.completions == 1
        return
    returned = time.monotonic_ns()
    case.completed += 1
    case.completions_right += (out is inner and inner.completions == 1 and
                               inner.cleanups == 0 and
                               returned >= inner.done_at)


async def run(rec, p):
    work, margin = p["work_ns"], p["margin_ns"]
    if work <= margin:
        rec.fail("EINVAL", "need --work_ns > --margin_ns")
        return
    cases = [Case() for _ in CASES]
    for _ in range(p["rounds"]):
        for case, offset in zip(cases, (-margin, 0, margin)):
            await one_wait(rec, work, offset, case)
    for name, c in zip(CASES, cases):
        rec.figure(name + "_timed_out", c.timed_out)
        rec.figure(name + "_completed", c.completed)
        if c.races:
            rec.note(name, "%d of %d timeouts came just after the inner "
                     "task had finished: its result was lost to the "
                     "timeout, as in asyncio" % (c.races, c.timed_out))
    rec.hist("deadline_error")  # present even when nothing timed out
    total = {k: sum(getattr(c, k) for c in cases) for k in vars(cases[0])}
    rec.figure("timeout_races", total["races"])
    rec.check("timeouts_past_deadline", total["timed_out"],
              total["past_deadline"])
    rec.check("timeouts_inner_over", total["timed_out"], total["inner_over"])
    rec.check("timeouts_inner_ended_once", total["timed_out"],
              total["ended_once"])
    rec.check("completions_correct", total["completed"],
              total["completions_right"])
