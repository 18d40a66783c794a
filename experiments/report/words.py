"""What went wrong, and how to do it again, in words.

Turns the rows that did not end well (a crash, a timeout, no record, a
failed self-check) and the limits a workload noted into sentences, and
builds the commands that reproduce a point or an experiment from the
run's own files (the child's argv, meta.json's profile and label).
"""

import os
import re
import shlex
import signal

from results import as_dict, measure, point_label, runtime_key
from units import human


def _signal_name(sig):
    """'SIGSEGV' as the runner writes it, or 'SIGSEGV (signal 11)'."""
    if isinstance(sig, str):
        return sig
    try:
        return "%s (signal %s)" % (signal.Signals(int(sig)).name, sig)
    except (ValueError, TypeError):
        return "signal %s" % sig


def _failed_checks(row):
    return ["%s: expected %s, got %s" % (k, c.get("expected"), c.get("got"))
            for k, c in sorted(as_dict(row.raw.get("check")).items())
            if isinstance(c, dict) and c.get("ok") is False]


def what_happened(row):
    """One sentence on a row that is not ok: what happened in words, the
    failed checks, the runner's and the workload's own explanations
    ("error") and the last line of stderr.  Details the runner's account
    already gives (signal, limit, exit code) are only added without it."""
    run, st = row.run, row.status
    limits, rusage = as_dict(run.get("limits")), as_dict(run.get("rusage"))
    told = bool(run.get("error"))
    if st == "crash":
        sig = run.get("signal")
        text = "crashed" + (" with " + _signal_name(sig)
                            if sig and not told else "")
    elif st == "timeout":
        lim = limits.get("timeout_ns")
        text = "hung and was stopped at its time limit" + (
            " of %s" % human(lim, "limit_ns")
            if measure(lim) and lim and not told else "")
    elif st == "oom":
        rss = rusage.get("max_rss_bytes")
        text = "ran out of memory" + (
            " (max RSS %s)" % human(rss, "rss_bytes")
            if measure(rss) and rss else "")
    elif st == "parse_error":
        text = "printed no valid record"
    elif st == "spawn_error":
        text = "could not be started"
    elif st == "ok":
        text = "self-check failed"
    else:
        code = run.get("exit_code")
        text = "failed" + (" with exit code %s" % code
                           if code is not None and not told else "")
    bad = _failed_checks(row)
    if bad:
        text += " (%s)" % "; ".join(bad)
    errors = []
    for e in (run.get("error"), row.raw.get("error")):
        if e and str(e) not in errors:
            errors.append(str(e))
    if errors:
        text += ": " + "; ".join(errors)
    tail = str(run.get("stderr_tail") or "").strip().splitlines()
    if tail and st != "ok":
        text += '; stderr ends "%s"' % tail[-1][:160]
    return text


def _who(group):
    """'threaded, tasks=1000', or the runtime alone for an unswept
    workload."""
    label = point_label(group.point)
    return group.runtime + (", " + label if label else "")


def _reps(rows):
    reps = [str(r.rep) for r in rows if r.rep is not None]
    return "rep %s" % ", ".join(reps) if reps else "%d rows" % len(rows)


def failure_lines_of(group):
    """Sentences, one per way the point's repetitions failed."""
    # Repetitions that failed the same way read as one sentence, told
    # with the details (counts, RSS, messages) of the first.
    by_kind = {}
    for row in group.failures:
        kind = (row.status, row.run.get("signal"), row.run.get("exit_code"))
        by_kind.setdefault(kind, []).append(row)
    return ["%s: %s (%s of %d)" % (_who(group), what_happened(rows[0]),
                                   _reps(rows), len(group.rows))
            for rows in by_kind.values()]


def failure_lines(workload):
    """Sentences, one per (runtime, point, what happened)."""
    return [line for g in workload.groups for line in failure_lines_of(g)]


def limit_lines(workload):
    """Limits the workload noted ('limit reached at N'), one line per
    point; repetitions that reached different limits are all told."""
    out = []
    for g in workload.groups:
        seen = {}  # (key, value) -> reps
        for row in g.rows:
            for key, value in sorted(as_dict(row.raw.get("notes")).items()):
                if "limit" in key:
                    seen.setdefault((key, str(value)), []).append(row)
        parts = []
        for (key, value), rows in seen.items():
            text = value if key == "limit" else "%s: %s" % (key, value)
            parts.append(text if len(seen) == 1 else
                         "%s (%s)" % (text, _reps(rows)))
        if parts:
            out.append("%s: %s" % (_who(g), "; ".join(parts)))
    return out


def point_commands(workload):
    """(runtime and point, command, load generator's command or None)
    for every point, from the rows' argv."""
    out = []
    for g in workload.groups:
        row = next((r for r in g.rows if r.argv), None)
        if row is None:
            continue
        # A server point: the load generator ran beside it.
        load = as_dict(as_dict(row.raw.get("load")).get("run")).get("argv")
        load = shlex.join(str(a) for a in load) if isinstance(
            load, list) and load else None
        out.append((_who(g), shlex.join(row.argv), load))
    return out


def label_of(run):
    label = run.fact("label")
    if label:
        return str(label)
    # results/<UTC time>-<label>: the label follows the time stamp.
    parts = run.name.split("-", 1)
    return parts[1] if len(parts) == 2 else run.name


EXP_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       os.pardir, "exp")


def script_of(experiment):
    """The experiment script that recorded rows under this name.  A script
    may record some points under another name (plan.sh's --name=EXP, such
    as servers-open-loop); those names start with the script's name."""
    if os.path.exists(os.path.join(EXP_DIR, experiment + ".sh")):
        return experiment
    return experiment.split("-", 1)[0]


def experiment_command(run, experiment):
    """The ./tvc run line that measures experiment again like this run."""
    runtimes = sorted({g.runtime for w in run.workloads_of(experiment)
                       for g in w.groups}, key=runtime_key)
    reps = max((r.rep for w in run.workloads_of(experiment)
                for r in w.rows if isinstance(r.rep, int)), default=0) + 1
    argv = ["./tvc", "run"]
    profile = run.fact("profile")
    if profile in ("quick", "full"):
        argv.append("--" + profile)
    argv += ["--only", script_of(experiment), "--runtimes", ",".join(runtimes),
             "--repeat", str(reps), "--label", label_of(run)]
    return shlex.join(argv)


# ---- plain words for the findings -------------------------------------------

# What each workload does, for a reader who has not seen the code; {name}
# is filled with the parameter's value when every point shares it.
WORKLOADS = {
    "idle": "Starts {tasks} tasks that all wait on one event and measures "
            "memory while they wait: bytes per task are the growth over "
            "the task count, RSS (the pages the process touched) plus the "
            "kernel's share (thread stacks in the kernel, task structures, "
            "page tables).",
    "spawn": "Starts a task that does nothing and joins it, {tasks} times "
             "one after another, then with {batch} alive at once.",
    "pingpong": "Two tasks pass a token back and forth {rounds} times; a "
                "round trip is two wake-ups.",
    "ring": "{tasks} tasks in a ring pass one token {hops} times; a hop "
            "wakes the next task.",
    "timers": "Tasks each sleep a random time below a bound; lateness is "
              "how long after its deadline each one runs again.",
    "echo": "A server writes back every {size_bytes}-byte message; a load "
            "generator in another process keeps each connection busy with "
            "one message in flight (closed loop) for {duration_ms} ms.",
    "http": "A keep-alive HTTP server answers small GET requests; wrk, in "
            "another process, drives the connections for {duration_ms} ms.",
    "cancel": "Tasks block in one kind of wait and are then cancelled; "
              "latency runs from the cancel call to the end of the task's "
              "cleanup, and the workload checks that file descriptors, "
              "buffers, locks and heap all come back.  The one-task points "
              "repeat the whole cycle many times, for a p99 over many "
              "samples.",
    "spinner": "A task spins (one turn, then a cancellation checkpoint) "
               "while a slow call of {slow_ns} runs; then it is cancelled.  "
               "Stop latency runs from the cancel call until it stopped.",
    "executor": "A task makes {calls} blocking calls one after another "
                "while a ticker task wants to run every {tick_ns}; inline, "
                "the call runs where the task does, offloaded, on a thread "
                "pool (run_in_executor).  Tick lateness is how late the "
                "ticker ran.",
    "fanout": "{items} downloads from a server that answers after "
              "{delay_ns}, at most a limit of them in flight (a semaphore); "
              "the ideal total is the rounds needed times the delay.",
    "pipeline": "{items} items flow producer → filter → map → sink through "
                "three bounded queues.",
}

# A parameter's value in words: (workload, parameter) -> value -> text.
PARAM_WORDS = {
    ("cancel", "kind"): {
        "sleep": "a sleep", "await": "awaiting a future",
        "stream": "a socket read (`kind=stream`)",
        "lock": "waiting for a lock", "queue": "a get on an empty queue",
        "event": "waiting for an event",
        "cpu": "computing, with a cancellation check between steps"},
    ("pingpong", "mode"): {
        "future": "the token travels through a future (`mode=future`)",
        "queue": "the token travels through a queue (`mode=queue`)"},
    ("executor", "offload"): {
        0: "inline, on the loop (`offload=0`)",
        1: "offloaded to a thread pool (`offload=1`)"},
}


# What a swept parameter means, for "Varied here".
PARAM_MEANING = {
    "tasks": "tasks alive at once",
    "stack": "`private`: a stack per coroutine; `compact`: one shared "
             "stack, each coroutine saving only what it uses",
    "mode": "the variant measured, named on each line",
    "kind": "what the task is blocked in",
    "connections": "connections the load generator keeps open",
    "queue_size": "capacity of each queue",
    "limit": "downloads in flight at most",
    "interval_ns": "pause between turns (0: flat out)",
    "offload": "1: the call goes to a thread pool; 0: it runs inline",
    "work": "`sleep`: the call blocks; `hash`: it computes",
    "rate_per_s": "messages a second, sent on a schedule (open loop)",
    "rt_priority": "real-time priority (0: normal scheduling)",
    "start_ns": "0: each sleep starts with its task; more: every timer "
                "is armed first",
    "max_sleep_ns": "upper bound of the random sleeps",
    "rounds": "cycles measured in one process",
    "settle_ns": "pause before the cancel, so the task is inside its wait",
    "hops": "times the token is passed",
}


def _fill(template, params):
    def value(m):
        name = m.group(1)
        # A server point holds the load generator's value as load.NAME.
        v = params.get("load." + name, params.get(name))
        if v is None:
            return "N"
        if name.endswith("_ns"):
            return human(v, name)
        return "{:,}".format(v) if isinstance(v, int) else str(v)
    return re.sub(r"\{(\w+)\}", value, template)


def describe(wl):
    """What the workload does, with its fixed parameters, what varies,
    and where it ran: one paragraph."""
    text = _fill(WORKLOADS.get(wl.workload, "Workload `%s`." % wl.workload),
                 wl.constant)
    if wl.varying:
        text += " Varied here: %s." % "; ".join(
            "`%s`%s" % (v, ": " + PARAM_MEANING[v]
                        if v in PARAM_MEANING else "")
            for v in wl.varying)
    return text + " " + placement_sentence(wl)


def param_words(workload, param, value, wl=None):
    """A parameter's value in words; work=hash says how long one call
    took (the inline calls' rate in this run)."""
    known = PARAM_WORDS.get((workload, param), {}).get(value)
    if known:
        return known
    if (workload, param) == ("executor", "work") and value == "hash":
        per = []
        for g in wl.groups if wl else []:
            st = g.stats.get("calls_per_s")
            if g.params.get("work") == "hash" and g.params.get(
                    "offload") == 0 and st and st.median > 0:
                per.append(1e9 / st.median)
        took = (", about %s a call" % human(sorted(per)[len(per) // 2],
                                            "t_ns")) if per else ""
        size = (wl.constant.get("hash_bytes") if wl else None) or 1000000
        return "a CPU-bound call, hashing {:,} bytes (`work=hash`{})".format(
            size, took)
    if (workload, param) == ("executor", "work") and value == "sleep":
        return "a call that blocks in nanosleep (`work=sleep`)"
    return "`%s=%s`" % (param, value)


def _cpus(cpus):
    cpus = sorted(cpus)
    if len(cpus) > 1 and cpus == list(range(cpus[0], cpus[-1] + 1)):
        return "CPUs %d–%d" % (cpus[0], cpus[-1])
    return ("CPU " if len(cpus) == 1 else "CPUs ") + ", ".join(
        str(c) for c in cpus)


def placement_sentence(wl):
    """Where the processes of wl ran, from the rows: a server and its load
    generator pinned apart or together, or the CPUs a point could use."""
    if wl is None:
        return ""
    for row in wl.rows:
        load = as_dict(as_dict(row.raw.get("load")).get("run"))
        cpu, lcpu = row.run.get("cpu"), load.get("cpu")
        if isinstance(cpu, int) and isinstance(lcpu, int):
            return ("Each server was pinned to CPU %d and its load generator "
                    "to CPU %d: %s." % (cpu, lcpu, "apart, one CPU each"
                                        if cpu != lcpu else
                                        "sharing one CPU"))
        if isinstance(cpu, int):
            return "Each process was pinned to CPU %d." % cpu
        aff = as_dict(as_dict(row.raw.get("cpu")).get("placement")).get(
            "affinity")
        if isinstance(aff, list) and aff:
            return ("Each process could run on %s, not pinned: its threads "
                    "share them as the kernel schedules." % _cpus(aff))
    return "Where it ran is not recorded."


GLOSSARY = [
    ("task", "one unit of concurrent work: a thread (threaded), a heap "
     "struct and a continuation (callback), or a coroutine with its own "
     "stack (coroutine)"),
    ("waiting task", "a task blocked until something happens; it costs "
     "memory but no CPU"),
    ("shared stack", "the coroutine runtime's compact mode: coroutines run "
     "on one stack and save only the part they use while they wait"),
    ("RSS", "resident set size: the memory pages a process has touched"),
    ("kernel memory", "what the kernel keeps per thread (its stack, task "
     "structures, page tables); RSS does not show it"),
    ("round trip", "a token passed to another task and back: two "
     "wake-ups"),
    ("lateness", "how long after its deadline a sleeping task runs"),
    ("floor", "a bare epoll loop firing the same deadlines: the best this "
     "host does"),
    ("p50, p99", "the value half, or 99 %, of the samples stay under"),
    ("closed loop", "the load generator sends the next message when the "
     "answer to the last came back"),
    ("open loop", "messages sent on a fixed schedule, whether or not "
     "answers came back; latency counts from when each was due"),
    ("harness's cap", "the most threads a run asks for: 90 % of the "
     "kernel's smallest limit, leaving the rest to the other processes"),
    ("offload", "running a blocking call on a thread pool "
     "(run_in_executor) so the loop keeps going"),
    ("checkpoint", "a point where a running task lets cancellation in"),
    ("paired repetitions", "rep i of every runtime ran seconds apart; "
     "comparing them pair by pair cancels most of the host's drift"),
    ("cannot tell apart", "the pairs disagree or the values overlap: the "
     "difference is within this run's noise"),
    ("×k", "k times worse than the best at that point"),
    ("projected", "computed from a measured figure, not run: total memory "
     "÷ bytes per task"),
    ("direct style", "code that waits by calling a blocking-looking "
     "function (threaded and coroutine share it)"),
    ("continuation-passing style", "code that waits by returning and "
     "naming the function to call next (callback)"),
]


def glossary():
    return ["## Glossary", ""] + ["- **%s**: %s." % kv for kv in GLOSSARY]


def relative(text, root):
    """text with the checkout root (and any build tree outside it) shown
    relative to the checkout: no machine paths in a report."""
    text = str(text)
    if root:
        text = text.replace(root.rstrip("/") + "/", "")
    return re.sub(r"(?<![\w.])/[^\s'\"]*/(build/)", r"\1", text)


def checkout_root(run):
    """The checkout the run's binaries were built in (meta.json's
    build.dir without its build/<flavour>), or None."""
    build = as_dict(run.meta.get("build")).get("dir")
    if isinstance(build, str) and "/build/" in build:
        return build.split("/build/")[0]
    return None
