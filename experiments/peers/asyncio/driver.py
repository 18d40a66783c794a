"""The command line and the record of the asyncio peer: what
common/src/workload.c is to the C runtimes, in Python.

The parameter names, defaults and ranges are not written here: they come
from the spec table the C binaries print (`tvc-threaded --spec`), which
the build writes to peers/spec.json in the build tree and the tvc-asyncio
wrapper names in TVC_PEER_SPEC.  So a peer accepts exactly what the C
runtimes accept, and its record carries the same params.

Exit status as the driver's: 0 ok, 1 not ok, 2 a usage error (one line on
stderr, nothing on stdout), and 3 "not applicable": a value this peer
cannot honour (--stack=compact: an asyncio task has no stack), said in
one line on stderr (docs/DESIGN.md, "Workloads and records").
"""

import asyncio
import json
import math
import os
import platform
import sys
import time
import tracemalloc

EXIT_OK, EXIT_NOT_OK, EXIT_USAGE, EXIT_NOT_APPLICABLE = 0, 1, 2, 3

SUFFIXES = (("Ki", 2**10), ("Mi", 2**20), ("Gi", 2**30), ("k", 10**3),
            ("M", 10**6), ("G", 10**9), ("", 1))

# The peer's own options, beside the runtime options; they are noted in
# the record, not listed among its params (those match the C runtimes').
# --loop: which event loop runs the same code (tvc-uvloop's default is
# uvloop); --heap: tracemalloc also measures the Python heap, which slows
# the spawns and swells RSS with its traces, so it is a point of its own.
PEER_OPTS = [
    {"name": "loop", "default": os.environ.get("TVC_PEER_LOOP", "asyncio"),
     "help": "the event loop: asyncio's own, or uvloop (recorded as runtime "
             "\"uvloop\")", "choices": "asyncio|uvloop"},
    {"name": "heap", "default": "none",
     "help": "tracemalloc: also measure the Python heap (slower, and RSS "
             "then holds the traces)", "choices": "none|tracemalloc"},
]


class UsageError(Exception):
    """A bad command line: one line on stderr, exit 2."""


class NotApplicable(Exception):
    """A value this peer cannot honour: one line on stderr, exit 3."""


def parse_int(text):
    """An integer with an optional k/M/G or Ki/Mi/Gi suffix, or None."""
    for suffix, mult in SUFFIXES:
        if text.endswith(suffix):
            digits = text[:len(text) - len(suffix)]
            if digits.lstrip("-").isdigit() and not digits.startswith("--"):
                return int(digits) * mult
    return None


def parse_float(text):
    try:
        v = float(text)
    except ValueError:
        v = parse_int(text)
    return None if v is None or not math.isfinite(v) else v


def param_type(spec):
    if parse_int(spec["default"]) is not None:
        return int
    if parse_float(spec["default"]) is not None:
        return float
    return str


def check_value(spec, value):
    """What the value should have been, or None when it is good (the
    rules of common/src/wl_params.c)."""
    choices = spec["choices"]
    if choices == "HOST:PORT":
        host, _, port = value.rpartition(":")
        good = (value == "" == spec["default"]) or (
            host and port.isdigit() and 0 <= int(port) <= 65535)
        return None if good else "HOST:PORT"
    if choices and ".." in choices:
        lo, _, hi = choices.partition("..")
        v = parse_int(value)
        if v is None or (lo and v < parse_int(lo)) or \
                (hi and v > parse_int(hi)):
            return "an integer in %s" % choices
        return None
    if choices:
        return None if value in choices.split("|") else "one of " + choices
    if param_type(spec) is int and parse_int(value) is None:
        return "an integer"
    if param_type(spec) is float and parse_float(value) is None:
        return "a number"
    return None


def typed(spec, value):
    t = param_type(spec)
    return parse_int(value) if t is int else \
        parse_float(value) if t is float else value


def load_spec():
    path = os.environ.get("TVC_PEER_SPEC", "")
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise UsageError("cannot read the workloads' spec table '%s' (%s): "
                         "build the tree (it comes from tvc-threaded --spec)"
                         % (path, e)) from None


# ---- help -------------------------------------------------------------------

def print_specs(specs):
    for p in specs:
        head = "--%s=%s" % (p["name"], p["default"])
        print("  %-26s %s%s" % (head, p["help"],
                               " (%s)" % p["choices"] if p["choices"] else ""))


def usage_all(prog, spec, workloads, peer):
    print("usage: %s WORKLOAD [--name=value ...]\n"
          "       %s WORKLOAD --help     its parameters and defaults\n\n"
          "Runs one point of a workload on %s and prints\none JSON record "
          "on stdout (exit 0 ok, 1 not ok, 2 usage error, 3 not "
          "applicable).\n\nworkloads:" % (prog, prog, peer["about"]))
    for name in workloads:
        print("  %-10s %s" % (name, spec["workloads"][name]["summary"]))
    print("\nruntime options (any workload):")
    print_specs(spec["run_options"] + peer["opts"])


def usage_one(prog, spec, workload, peer):
    print("usage: %s %s [--name=value ...]\n\n%s\n\nparameters:"
          % (prog, workload, spec["workloads"][workload]["summary"]))
    print_specs(spec["workloads"][workload]["params"])
    print("\nruntime options:")
    print_specs(spec["run_options"] + peer["opts"])
    print("\nIntegers take k/M/G (powers of 1000) or Ki/Mi/Gi suffixes.")


# ---- the command line -----------------------------------------------------

def parse_args(prog, argv, workloads, peer):
    """(workload, {name: typed value}) or (None, None) after help."""
    workload, want_help, i = None, False, 0
    while i < len(argv):
        a = argv[i]
        if a in ("--help", "-h"):
            want_help = True
        elif a.startswith("-"):
            if "=" not in a:
                i += 1  # "--name value": the value is not a workload
        elif workload is None:
            if a not in workloads:
                raise UsageError("unknown workload '%s' (see %s --help)"
                                 % (a, prog))
            workload = a
        i += 1
    if workload is None and not want_help:
        raise UsageError("no workload given (see %s --help)" % prog)
    spec = load_spec()
    if want_help:
        if workload is None:
            usage_all(prog, spec, workloads, peer)
        else:
            usage_one(prog, spec, workload, peer)
        return None, None

    specs = {p["name"]: p for p in spec["workloads"][workload]["params"] +
             spec["run_options"] + peer["opts"]}
    values = {name: p["default"] for name, p in specs.items()}
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
                             % (workload, name, prog, workload))
        why = check_value(specs[name], value)
        if why is not None:
            raise UsageError("%s: bad value for --%s: '%s' (expected %s)"
                             % (workload, name, value, why))
        values[name] = value
    return workload, {n: typed(specs[n], v) for n, v in values.items()}


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


async def sleep_until(due_ns):
    """tvc_sleep_until: asyncio.sleep of what is left, again if the loop
    woke us a hair early (its clock is a float of seconds), so a wake-up
    is never before due_ns on time.monotonic_ns()."""
    while (now := time.monotonic_ns()) < due_ns:
        await asyncio.sleep((due_ns - now) / 1e9)


# ---- the record -------------------------------------------------------------

PERCENTILES = (("p50", 50), ("p90", 90), ("p99", 99), ("p999", 99.9),
               ("p9999", 99.99))


def percentile(ordered, p):
    """The k-th smallest of the sorted samples, k = ceil(p / 100 * n) as
    common/src/hist.c picks it (exact here, within 0.4 % there); 0 when
    there are none."""
    n = len(ordered)
    return ordered[max(0, math.ceil(p / 100 * n) - 1)] if n else 0


def hist_json(samples):
    """A latency histogram's record entry from raw samples (ns)."""
    s = sorted(samples)
    n = len(s)
    out = {"count": n, "mean": sum(s) // n if n else 0,
           "min": s[0] if n else 0}
    for key, p in PERCENTILES:
        out[key] = percentile(s, p)
    out["max"] = s[-1] if n else 0
    return out


class Record:
    """What a workload reports through (tvc_wl_* in common/src/
    workload.c): checks, figures, latency samples, notes, a failure."""

    def __init__(self, runtime, workload, params):
        self.runtime, self.workload, self.params = runtime, workload, params
        self.checks, self.figures, self.samples = {}, {}, {}
        self.notes, self.error = {}, None

    def check(self, what, expected, got):
        old = self.checks.get(what)
        if old is None or old[0] == old[1]:  # keeps the first mismatch
            self.checks[what] = (expected, got)

    def figure(self, name, value):
        self.figures[name] = value

    def hist(self, name):
        """The list of ns samples of histogram name (append to it)."""
        return self.samples.setdefault(name, [])

    def note(self, key, value):
        self.notes[key] = value

    def fail(self, err, message):
        if self.error is None:
            self.error = "%s: %s" % (err or "failed", message)

    def as_json(self, wall_ns, mem, heap_source):
        ok = self.error is None and all(e == g for e, g in
                                        self.checks.values())
        error = self.error
        if error is None and not ok:
            what, (e, g) = next((k, c) for k, c in self.checks.items()
                                if c[0] != c[1])
            error = "check: %s: expected %d, got %d" % (what, e, g)
        fig = {k: v if not isinstance(v, float) or math.isfinite(v) else None
               for k, v in self.figures.items()}
        memory = {k: v if v >= 0 else None for k, v in mem.items()}
        memory["heap_source"] = heap_source
        return ok, {
            "schema": 1, "runtime": self.runtime, "workload": self.workload,
            "params": self.params, "ok": ok, "error": error,
            "check": {k: {"expected": e, "got": g, "ok": e == g}
                      for k, (e, g) in self.checks.items()},
            "figures": fig,
            "latency_ns": {k: hist_json(v) for k, v in self.samples.items()},
            "memory": memory, "cpu": cpu_placement(),
            "notes": self.notes, "wall_ns": wall_ns}


def cpu_placement():
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            # Field 39 (processor), counted after the ")" ending the name.
            cpu = int(f.read().rpartition(")")[2].split()[36])
    except (OSError, ValueError, IndexError):
        cpu = -1
    return {"placement": {"affinity": sorted(os.sched_getaffinity(0)),
                          "main_thread_cpu": cpu}}


def loop_factory(name):
    """The event loop the run uses; NotApplicable when it is missing."""
    if name == "asyncio":
        return asyncio.new_event_loop
    try:
        import uvloop  # pylint: disable=import-outside-toplevel
    except ImportError:
        raise NotApplicable("uvloop is not installed (Debian package "
                            "python3-uvloop)") from None
    return uvloop.new_event_loop


def refuse_stacks(params, who):
    """NotApplicable for --stack=compact or a --stack_size: WHO has no
    stack of its own to share or size."""
    if params["stack"] != "private":
        raise NotApplicable("--stack=%s: %s has no stack of its own"
                            % (params["stack"], who))
    if params["stack_size"] != 0:
        raise NotApplicable("--stack_size: %s has no stack of its own" % who)


def emit(rec, wall_ns, heap_source):
    """Prints rec as the one record on stdout; returns the exit status."""
    ok, out = rec.as_json(wall_ns, mem_sample(), heap_source)
    sys.stdout.write(json.dumps(out, separators=(",", ":")) + "\n")
    sys.stdout.flush()
    return EXIT_OK if ok else EXIT_NOT_OK


def run(workload, module, params):
    """Runs the point and prints its record; returns the exit status."""
    runtime, heap = params.pop("loop"), params.pop("heap")
    new_loop = loop_factory(runtime)
    # Asyncio tasks are coroutine objects on the heap with no stack of
    # their own: a request about stacks has no meaning here.
    refuse_stacks(params, "an asyncio task")
    why = getattr(module, "not_applicable", lambda p: None)(params)
    if why:
        raise NotApplicable(why)
    rec = Record(runtime, workload, params)
    rec.note("peer", "CPython %s, %s event loop" % (
        platform.python_version(), runtime))
    if heap == "tracemalloc":
        rec.note("heap", "tracemalloc")
        tracemalloc.start()
    t0 = time.monotonic_ns()
    loop = new_loop()
    try:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(module.run(rec, params))
    except Exception as e:  # the record says what happened
        rec.fail("failed", "%s: %s" % (type(e).__name__, e))
    finally:
        asyncio.set_event_loop(None)
        loop.close()
    return emit(rec, time.monotonic_ns() - t0,
                "tracemalloc" if tracemalloc.is_tracing() else "not available")


# What the asyncio peer is: its help's words, its own options, and how it
# runs a point.  Another script peer (tvc-nginx) passes its own.
ASYNCIO = {"about": "Python asyncio (a peer baseline, %s)" % sys.executable,
           "opts": PEER_OPTS, "run": run}


def main(argv, workloads, peer=None):
    """workloads: name -> module with `async def run(rec, params)` and
    optionally `not_applicable(params)` -> reason or None; peer: ASYNCIO,
    or another peer's {"about", "opts", "run"}, where run(workload,
    module, params) prints the record and returns the exit status."""
    peer = peer or ASYNCIO
    prog = os.environ.get("TVC_PEER_PROG", "tvc-asyncio")
    try:
        workload, params = parse_args(prog, argv, workloads, peer)
        if workload is None:
            return EXIT_OK
        return peer["run"](workload, workloads[workload], params)
    except UsageError as e:
        print("%s: %s" % (prog, e), file=sys.stderr)
        return EXIT_USAGE
    except NotApplicable as e:
        print("%s: not applicable: %s" % (prog, e), file=sys.stderr)
        return EXIT_NOT_APPLICABLE
