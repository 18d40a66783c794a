"""spinner on asyncio: the supervisor/spinner example of "Fluent Python"
(common/workloads/spinner.c).  A spinner task turns "|/-\\" while the
supervisor awaits a slow call (a sleep); when it returns, the supervisor
cancels the spinner and awaits it.  The spinner yields between turns
(asyncio.sleep(0), or interval_ns as a real spinner would), so the
cancellation reaches it.  Figures: how fast it stopped, and the CPU the
process used while it spun."""

import asyncio
import errno
import sys
import time


class Spinner:
    def __init__(self, interval_ns, draw):
        self.interval_ns, self.draw = interval_ns, draw
        self.spins = self.stopped_ns = 0

    async def spin(self):
        try:
            while True:
                if self.draw:
                    print("\r%s thinking" % "|/-\\"[self.spins % 4],
                          end="", file=sys.stderr, flush=True)
                self.spins += 1
                await asyncio.sleep(self.interval_ns / 1e9)
        finally:
            self.stopped_ns = time.monotonic_ns()
            if self.draw:
                print("\r           \r", end="", file=sys.stderr)


async def slow_function(slow_ns):
    await asyncio.sleep(slow_ns / 1e9)
    return 42


async def run(rec, p):
    s = Spinner(p["interval_ns"], p["print"] != 0)
    cpu0, t0 = time.process_time_ns(), time.monotonic_ns()
    spinner = asyncio.create_task(s.spin())
    answer = await slow_function(p["slow_ns"])
    cancel_ns = time.monotonic_ns()
    spinner.cancel()
    try:
        await spinner
        status = 0
    except asyncio.CancelledError:
        status = -errno.ECANCELED
    wall = time.monotonic_ns() - t0
    cpu = time.process_time_ns() - cpu0
    rec.figure("stop_latency_ns", s.stopped_ns - cancel_ns)
    rec.figure("spins", s.spins)
    rec.figure("spins_per_s", s.spins * 1e9 / wall)
    rec.figure("cpu_ns", cpu)
    rec.figure("cpu_per_wall", cpu / wall)
    rec.check("spinner_cancelled", -errno.ECANCELED, status)
    rec.check("slow_answer", 42, answer)
    rec.check("spinner_stopped", 1, int(s.stopped_ns != 0))
    rec.check("spinner_spun", 1, int(s.spins > 0))
