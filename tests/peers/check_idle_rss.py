"""check_idle_rss.py PEER [TASKS]

A peer's idle figure is what an outsider sees: its bytes_per_task_rss at
TASKS parked tasks (default 100,000) must be within 15 % of the growth of
VmRSS, read from /proc/PID/status while every task is parked, between a
run at 1 task and a run at TASKS, per task.  The peer stops itself
(SIGSTOP) once all its tasks are parked when TVC_PEER_STOP_PARKED is set,
and this script reads its status and lets it go on (SIGCONT).  This holds
the peer to current RSS while parked, as common/src/mem.c measures the C
runtimes, and not to the peak or to a figure taken after the tasks ended.
"""

import json
import os
import signal
import subprocess
import sys


def parked_rss(peer, tasks):
    """(VmRSS in bytes while parked, the record) of one idle run."""
    env = dict(os.environ, TVC_PEER_STOP_PARKED="1")
    proc = subprocess.Popen([peer, "idle", "--tasks=%d" % tasks], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        line = proc.stderr.readline()
        assert line.strip() == b"parked", line
        # Its SIGSTOP may still be on its way: wait for the stop.
        os.waitpid(proc.pid, os.WUNTRACED)
        with open("/proc/%d/status" % proc.pid, encoding="ascii") as f:
            rss = next(int(l.split()[1]) * 1024 for l in f
                       if l.startswith("VmRSS:"))
        os.kill(proc.pid, signal.SIGCONT)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, (proc.returncode, err)
    rec = json.loads(out)
    assert rec["ok"] is True, rec["error"]
    return rss, rec


def main(peer, tasks):
    rss1, _ = parked_rss(peer, 1)
    rss_n, rec = parked_rss(peer, tasks)
    outside = (rss_n - rss1) / (tasks - 1)
    inside = rec["figures"]["bytes_per_task_rss"]
    ratio = inside / outside
    print("%s idle: %.0f bytes per task in its record, %.0f from "
          "/proc/PID/status while parked (ratio %.3f)"
          % (rec["runtime"], inside, outside, ratio))
    if not 0.85 <= ratio <= 1.15:
        sys.exit("bytes_per_task_rss is not within 15 % of the parked RSS "
                 "per task")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100000)
