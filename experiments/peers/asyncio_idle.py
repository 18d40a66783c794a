"""The idle workload on Python asyncio: a peer baseline for what a waiting
task costs (run as tvc-asyncio, the wrapper peers.cmake puts in the build
tree).

It does what common/workloads/idle.c does, in the way an asyncio user would
write it: N tasks made with asyncio.create_task all wait on one asyncio.Event;
with every one of them waiting, memory is sampled against a baseline taken
before the first spawn; then the event is set and every task awaited.  The
record has the schema and the figure names of the C runtimes' idle record
(docs/DESIGN.md, "Workloads and records"), with runtime "asyncio".

Memory per task is the growth of the process RSS (/proc/self/status) and
of the system's kernel stacks, slab and page tables (/proc/meminfo), as
the C probes read them.  The heap view needs tracemalloc, which slows
the spawns and adds its own traces to RSS, so it is a separate point:
--heap=tracemalloc.

The command line behaves as the C binaries' driver (common/src/
workload.c): --help, one JSON record on stdout, exit 0 ok, 1 not ok, 2 on
a usage error with one line on stderr and nothing on stdout.
"""

import asyncio
import gc
import json
import math
import os
import platform
import sys
import time
import tracemalloc

PROG = "tvc-asyncio"

# name -> (default, help, choices or None); the driver's layout.
IDLE_PARAMS = {
    "tasks": ("1000", "tasks waiting at once", None),
    "heap": ("none", "tracemalloc: also measure the Python heap (slower, "
             "and RSS then holds the traces)", "none|tracemalloc"),
}
# Accepted and recorded as the C binaries do; asyncio tasks have no stack
# and no executor here, so they change nothing.
RUN_OPTS = {
    "stack": ("private", "compact: coroutines share a run stack",
              "private|compact"),
    "stack_size": ("0", "bytes per task stack; 0 = the runtime's default",
                   None),
    "executor_threads": ("0", "run_in_executor pool size; 0 = the "
                         "runtime's default", None),
}
WORKLOADS = {"idle": "spawn N tasks that all wait on one event; bytes "
             "per task"}

SUFFIXES = {"k": 10**3, "M": 10**6, "G": 10**9, "Ki": 2**10, "Mi": 2**20,
            "Gi": 2**30}


class UsageError(Exception):
    """A bad command line: one line on stderr, exit 2."""


def parse_int(text):
    """An integer with an optional k/M/G or Ki/Mi/Gi suffix, or None."""
    for suffix in ("Ki", "Mi", "Gi", "k", "M", "G", ""):
        if suffix and not text.endswith(suffix):
            continue
        digits = text[:len(text) - len(suffix)]
        if digits.lstrip("-").isdigit():
            return int(digits) * SUFFIXES.get(suffix, 1)
    return None


def check_value(spec, value):
    """What the value should have been, or None when it is good."""
    default, _, choices = spec
    if choices is not None:
        return None if value in choices.split("|") else "one of " + choices
    if parse_int(default) is not None and parse_int(value) is None:
        return "an integer"
    return None


def print_specs(specs):
    for name, (default, text, choices) in specs.items():
        head = "--%s=%s" % (name, default)
        print("  %-26s %s%s" % (head, text,
                               " (%s)" % choices if choices else ""))


def usage_all():
    print("usage: %s WORKLOAD [--name=value ...]\n"
          "       %s WORKLOAD --help     its parameters and defaults\n\n"
          "Runs one point of a workload on Python asyncio (a peer baseline, "
          "%s) and prints\none JSON record on stdout (exit 0 ok, 1 not ok, "
          "2 usage error).\n\nworkloads:" % (PROG, PROG, sys.executable))
    for name, summary in WORKLOADS.items():
        print("  %-10s %s" % (name, summary))
    print("\nruntime options (any workload):")
    print_specs(RUN_OPTS)


def usage_one(workload):
    print("usage: %s %s [--name=value ...]\n\n%s\n\nparameters:"
          % (PROG, workload, WORKLOADS[workload]))
    print_specs(IDLE_PARAMS)
    print("\nruntime options:")
    print_specs(RUN_OPTS)
    print("\nIntegers take k/M/G (powers of 1000) or Ki/Mi/Gi suffixes.")


def parse_args(argv):
    """(workload, values) or (None, None) after printing help."""
    workload, want_help, i = None, False, 0
    while i < len(argv):
        a = argv[i]
        if a in ("--help", "-h"):
            want_help = True
        elif a.startswith("-"):
            if "=" not in a:
                i += 1  # "--name value": the value is not a workload
        elif workload is None:
            if a not in WORKLOADS:
                raise UsageError("unknown workload '%s' (see %s --help)"
                                 % (a, PROG))
            workload = a
        i += 1
    if workload is None:
        if want_help:
            usage_all()
            return None, None
        raise UsageError("no workload given (see %s --help)" % PROG)
    if want_help:
        usage_one(workload)
        return None, None

    specs = dict(IDLE_PARAMS, **RUN_OPTS)
    values = {name: spec[0] for name, spec in specs.items()}
    seen_workload, i = False, 0
    while i < len(argv):
        a = argv[i]
        i += 1
        if a == workload and not seen_workload:
            seen_workload = True
            continue
        if not a.startswith("--") or a == "--":
            raise UsageError("%s: unexpected argument '%s' (options are "
                             "--name=value)" % (workload, a))
        name, eq, value = a[2:].partition("=")
        if not eq:
            if i >= len(argv):
                raise UsageError("%s: --%s needs a value" % (workload, name))
            value = argv[i]
            i += 1
        if name not in specs:
            raise UsageError("%s: unknown parameter --%s (see %s %s --help)"
                             % (workload, name, PROG, workload))
        why = check_value(specs[name], value)
        if why is not None:
            raise UsageError("%s: bad value for --%s: '%s' (expected %s)"
                             % (workload, name, value, why))
        values[name] = value
    return workload, values


# ---- memory probes (common/src/mem.c reads the same files) ---------------

def _kib_fields(path, names):
    out = dict.fromkeys(names, -1)
    try:
        with open(path, encoding="ascii") as f:
            for line in f:
                key, _, rest = line.partition(":")
                if key in out:
                    out[key] = int(rest.split()[0]) * 1024
    except OSError:
        pass
    return out


def mem_sample():
    """Process and system memory in bytes; -1 where it could not be read."""
    proc = _kib_fields("/proc/self/status", ("VmRSS", "VmHWM"))
    system = _kib_fields("/proc/meminfo",
                         ("KernelStack", "Slab", "PageTables"))
    heap = tracemalloc.get_traced_memory()[0] \
        if tracemalloc.is_tracing() else -1
    try:
        fds = len(os.listdir("/proc/self/fd"))
    except OSError:
        fds = -1
    return {"rss_bytes": proc["VmRSS"], "peak_rss_bytes": proc["VmHWM"],
            "heap_allocated_bytes": heap, "heap_active_bytes": -1,
            "heap_resident_bytes": -1,
            "kernel_stack_bytes": system["KernelStack"],
            "slab_bytes": system["Slab"],
            "page_tables_bytes": system["PageTables"], "open_fds": fds}


def per_task(before, after, key, n):
    """Per-task share of a counter's growth; NaN if it was not read."""
    if before[key] < 0 or after[key] < 0 or n == 0:
        return math.nan
    return (after[key] - before[key]) / n


# ---- the workload ---------------------------------------------------------

class IdleCtx:
    """Shared by the main task and every idle task."""

    def __init__(self):
        self.release = asyncio.Event()      # set once: every task may end
        self.all_waiting = asyncio.Event()  # set by the task that completes
        self.waiting = 0    # tasks that reached their wait
        self.target = 0     # tasks started; 0 until spawning is over
        self.finished = 0   # tasks whose wait returned


async def idle_task(ctx):
    ctx.waiting += 1
    if ctx.waiting == ctx.target:
        ctx.all_waiting.set()
    await ctx.release.wait()
    ctx.finished += 1


async def idle_run(rec, tasks):
    ctx = IdleCtx()
    rec["notes"]["peer"] = "CPython %s asyncio, %s" % (
        platform.python_version(), type(asyncio.get_running_loop()).__name__)
    # The handle list is made now, so its pointers are not counted per task.
    handles = [None] * tasks
    gc.collect()
    before = mem_sample()
    t0 = time.monotonic_ns()
    started = 0
    try:
        while started < tasks:
            handles[started] = asyncio.create_task(idle_task(ctx))
            started += 1
    except MemoryError:
        rec["notes"]["limit"] = ("limit reached: spawn %d failed with "
                                 "MemoryError" % (started + 1))
    spawn_ns = time.monotonic_ns() - t0

    # The tasks first run when this one waits, so the last of them always
    # sees the target and signals.
    ctx.target = started
    if started > 0 and ctx.waiting < started:
        await ctx.all_waiting.wait()
    with_tasks = mem_sample()

    ctx.release.set()
    joined = 0
    for i in range(started):
        try:
            await handles[i]
            joined += 1
        except Exception:  # a task that failed is counted as not joined
            pass
        handles[i] = None

    fig = rec["figures"]
    fig["tasks_reached"] = started
    rss = per_task(before, with_tasks, "rss_bytes", started)
    heap = per_task(before, with_tasks, "heap_allocated_bytes", started)
    kstack = per_task(before, with_tasks, "kernel_stack_bytes", started)
    slab = per_task(before, with_tasks, "slab_bytes", started)
    ptab = per_task(before, with_tasks, "page_tables_bytes", started)
    kernel = kstack + slab + ptab
    fig["bytes_per_task_rss"] = rss
    fig["bytes_per_task_heap"] = heap
    fig["bytes_per_task_kernel_stack"] = kstack
    fig["bytes_per_task_slab"] = slab
    fig["bytes_per_task_page_tables"] = ptab
    fig["bytes_per_task_kernel"] = kernel
    fig["bytes_per_task_total"] = rss + kernel
    if started > 0 and spawn_ns > 0:
        fig["spawn_ns_per_task"] = spawn_ns / started
        fig["spawns_per_s"] = started * 1e9 / spawn_ns

    check = rec["check"]
    for what, got in (("tasks_waiting", ctx.waiting),
                      ("tasks_finished", ctx.finished),
                      ("tasks_joined", joined)):
        check[what] = {"expected": started, "got": got, "ok": got == started}
    if started == 0:
        rec["error"] = "ENOMEM: not a single task could be spawned"


# ---- the record -------------------------------------------------------------

def json_number(v):
    """A figure as JSON: NaN and infinities are null, as in the C record."""
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def cpu_placement():
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            # Field 39 (processor), counted after the ")" ending the name.
            cpu = int(f.read().rpartition(")")[2].split()[36])
    except (OSError, ValueError, IndexError):
        cpu = -1
    return {"placement": {"affinity": sorted(os.sched_getaffinity(0)),
                          "main_thread_cpu": cpu}}


def run(workload, values):
    """Runs the point and prints its record; returns the exit status."""
    specs = dict(IDLE_PARAMS, **RUN_OPTS)
    params = {name: parse_int(value) if parse_int(specs[name][0]) is not None
              else value for name, value in values.items()}
    rec = {"schema": 1, "runtime": "asyncio", "workload": workload,
           "params": params, "ok": False, "error": None, "check": {},
           "figures": {}, "latency_ns": {}, "memory": {}, "cpu": {},
           "notes": {}, "wall_ns": 0}
    tasks = params["tasks"]
    t0 = time.monotonic_ns()
    if tasks < 1:
        rec["error"] = "EINVAL: --tasks must be at least 1"
    else:
        if params["heap"] == "tracemalloc":
            tracemalloc.start()
        try:
            asyncio.run(idle_run(rec, tasks))
        except Exception as e:  # the record says what happened
            rec["error"] = "failed: %s: %s" % (type(e).__name__, e)
    rec["wall_ns"] = time.monotonic_ns() - t0
    end = mem_sample()
    rec["memory"] = {k: v if v >= 0 else None for k, v in end.items()}
    rec["memory"]["heap_source"] = "tracemalloc" \
        if tracemalloc.is_tracing() else "not available"
    rec["cpu"] = cpu_placement()
    if rec["error"] is None:
        failed = [(k, c) for k, c in rec["check"].items() if not c["ok"]]
        if failed:
            k, c = failed[0]
            rec["error"] = "check: %s: expected %d, got %d" % (
                k, c["expected"], c["got"])
    rec["ok"] = rec["error"] is None
    rec["figures"] = {k: json_number(v) for k, v in rec["figures"].items()}
    sys.stdout.write(json.dumps(rec, separators=(",", ":")) + "\n")
    sys.stdout.flush()
    return 0 if rec["ok"] else 1


def main(argv):
    try:
        workload, values = parse_args(argv)
    except UsageError as e:
        print("%s: %s" % (PROG, e), file=sys.stderr)
        return 2
    if workload is None:
        return 0
    return run(workload, values)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
