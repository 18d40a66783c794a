"""Where each model stops, and the sizes at which one stops being a good
choice.

Where each stops, from the memory sweep (idle): the limit a run met (the
workload's limit note: how many tasks, the error), the harness's cap on
threads beside the kernel's limits (pid_max, threads-max, and
vm.max_map_count at two maps per thread stack), and the limit RAM sets,
projected as total memory ÷ bytes per task.  The crossovers: how many
waiting tasks fit in 1 GiB, and where the thread-per-connection echo
server falls below 0.8× the best loop server's throughput or breaks,
between which two points of the sweep.
"""

import re

import headline as hl
import results
import words
from units import human

GIB = 1024 ** 3
MEMORY_FIG = "bytes_per_task_total"

SERVER_FIG = {"echo": "load.msgs_per_s", "http": "load.req_per_s"}
ERROR_FIGS = ("load.errors", "load.connect_errors", "load.unanswered",
              "server_connection_errors", "load.errors_connect",
              "load.errors_read", "load.errors_timeout")


def errors(g):
    """'12 load.errors, 3 server_connection_errors' or ''."""
    if g is None:
        return ""
    return ", ".join("%s %s" % (hl.count(round(g.stats[k].median)), k)
                     for k in ERROR_FIGS
                     if k in g.stats and g.stats[k].median > 0)


# The two shapes of a limit note: wl_note_limit's, and idle's own
# ("spawn N failed with ERR": task N could not be made).
LIMIT_NOTE = re.compile(r"limit reached at (\d+) of (\d+): ([^:]+): (\w+)")
SPAWN_NOTE = re.compile(r"limit reached: (\w+) (\d+) failed with (\w+)")


def parse_limit(note, asked):
    """(reached, asked, what, error name) of a limit note, or None."""
    m = LIMIT_NOTE.search(note)
    if m:
        return int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
    m = SPAWN_NOTE.search(note)
    if m and isinstance(asked, int):
        return int(m.group(2)) - 1, asked, m.group(1), m.group(3)
    return None


def _machine(run, name):
    v = run.fact(name)
    return v if isinstance(v, (int, float)) and not isinstance(
        v, bool) else None


def thread_limits(run):
    """[(size, name)] of the kernel's limits on threads, smallest first."""
    out = []
    for size, name in ((_machine(run, "pid_max"), "pid_max (process ids, "
                        "counting every thread on the machine)"),
                       (_machine(run, "threads_max"), "threads-max (the "
                        "kernel's thread count, every thread on the "
                        "machine)"),
                       (_machine(run, "max_map_count"), "vm.max_map_count "
                        "÷ 2 (memory maps per process, two per thread "
                        "stack)")):
        if size is not None:
            out.append((size // 2 if "map" in name else size, name))
    return sorted(out)


ERR_WORDS = {"EAGAIN": "the kernel refused another thread or process id",
             "ENOMEM": "no memory or no memory map left",
             "EMFILE": "out of file descriptors"}


def _noted_limit(wl, runtime, **where):
    """(reached, asked, what, error) of the largest limit note."""
    best = None
    for g in wl.groups:
        if g.runtime != runtime or any(g.params.get(k) != v
                                       for k, v in where.items()):
            continue
        for row in g.rows:
            got = parse_limit(str(results.as_dict(row.raw.get(
                "notes")).get("limit", "")), g.params.get("tasks"))
            if got and (best is None or got[0] > best[0]):
                best = got
    return best


def stop_rows(run, wl, top):
    """[(label, kind, short, reason)] of where each model stops: the
    limit the run met (measured, with the error), the harness's cap on
    threads below the kernel's limit, and the limit RAM sets
    (projected)."""
    ram = _machine(run, "mem_total_bytes")
    cap = _machine(run, "thread_limit")
    kernel = thread_limits(run)
    rows = []
    for e in top:
        rt = e.label.split(" ")[0]
        where = {"stack": "compact"} if "shared" in e.label else (
            {"stack": "private"} if rt == "coroutine" else {})
        if e.stat is None:
            if e.why != hl.Entry.ABSENT:
                rows.append((e.label, "—", e.why, e.why))
            continue
        noted = _noted_limit(wl, rt, **where)
        fails = [x for g in wl.groups if g.runtime == rt and all(
            g.params.get(k) == v for k, v in where.items())
            for x in words.failure_lines_of(g)]
        limits = "; the kernel's limits here: %s" % ", ".join(
            "%s for %s" % (hl.count(size), name) for size, name in kernel)
        if noted:
            n, asked, what, err = noted
            rows.append((e.label, "measured", "%s (%s)" % (hl.count(n), err),
                         "stopped at %s of %s asked: %s returned %s, %s%s"
                         % (hl.count(n), hl.count(asked), what, err,
                            ERR_WORDS.get(err, "a limit"),
                            limits if rt == "threaded" else "")))
        elif rt == "threaded" and kernel:
            reached = cap and e.tasks >= cap
            size, name = kernel[0]
            rows.append((e.label, "harness cap" if reached else
                         "not reached",
                         "at the kernel's limit, %s threads (%s); this run "
                         "%s %s" % (hl.count(size), name.split(" (")[0],
                                    "stopped at the harness's cap of" if
                                    reached else "went to", hl.count(e.tasks)),
                         ("held %s threads without an error and stopped at "
                          "the harness's cap (90 %% of the kernel's "
                          "smallest limit, the rest left to the other "
                          "processes)" % hl.count(e.tasks) if reached else
                          "this run went to %s threads without an error" %
                          hl.count(e.tasks)) + limits))
        elif fails:
            rows.append((e.label, "failed", "%s" % hl.count(e.tasks),
                         fails[-1]))
        if ram and e.stat.median > 0:
            by_ram = ram / e.stat.median
            first = not (rt == "threaded" and kernel and
                         kernel[0][0] < by_ram)
            rows.append((e.label, "projected",
                         "%s (projected: RAM)" % hl.big(by_ram).replace(
                             "about ", "at about ") if first else "",
                         "%s tasks: RAM %s ÷ %s per task (measured at %s)"
                         % (hl.big(ram / e.stat.median), human(ram, "bytes"),
                            human(e.stat.median, "bytes"),
                            hl.count(e.tasks))))
    return rows


def stops(run, mem):
    """Lines of 'Where each model stops' from the memory finding."""
    out = ["## Where each model stops", ""]
    wl = hl.workload(run, "memory", "idle")
    top = mem.facts.get("largest") if mem else None
    if wl is None or not top:
        return out + ["Not measured in this run (no `memory` experiment).",
                      ""]
    out += ["The most waiting tasks each model holds on this machine, and "
            "what stops it.  *Measured*: the run asked for more and got "
            "an error; *harness cap*: the run stopped short of the "
            "kernel's limit on purpose; *projected*: total memory ÷ the "
            "bytes per task at the largest size reached, an upper bound "
            "that ignores everything else in memory.", ""]
    out += hl.table(["model", "kind", "size and reason"],
                  [[label, kind, reason] for label, kind, _, reason
                   in stop_rows(run, wl, top)]) + [""]
    absent = [e.label for e in top if e.stat is None and
              e.why == hl.Entry.ABSENT]
    if absent:
        out += ["Not measured in this run: %s." % ", ".join(absent), ""]
    return out




# ---- crossover points -----------------------------------------------------

def crossovers(run, found):
    out = ["## Crossover points", "",
           "Sizes at which one model stops being a good choice, from the "
           "sweeps; where the sweep is coarse, the two points it lies "
           "between.", ""]
    mem = found.get("memory")
    per_gib = ["%s %s" % (e.label, hl.big(GIB / e.stat.median).replace(
        "about ", "")) for e in (mem.facts.get("largest") or [])
        if mem and e.stat is not None and e.stat.median > 0]
    if per_gib:
        text = "- Waiting tasks that fit in 1 GiB: %s." % ", ".join(per_gib)
        thr = next((e for e in mem.facts["largest"]
                    if e.label == "threaded" and e.stat), None)
        kernel = thread_limits(run)
        if thr and kernel and thr.stat.median > 0:
            n = GIB / thr.stat.median
            if n < kernel[0][0]:
                text += (" Threads pass 1 GiB at about %s, below the "
                         "kernel's limit of %s threads." % (
                             hl.count(round(n, -2)), hl.count(kernel[0][0])))
            else:
                text += (" Threads reach the kernel's limit of %s threads "
                         "before they fill 1 GiB (at %s each, about %s "
                         "would)." % (hl.count(kernel[0][0]), human(
                             thr.stat.median, MEMORY_FIG),
                             hl.count(round(n, -2))))
        out.append(text)
    else:
        out.append("- Memory: not measured in this run.")
    cross = server_crossover(run)
    out.append("- Echo servers: %s." % ("".join(cross) if cross else
                                         "not measured in this run (no "
                                         "threaded and loop echo points "
                                         "at one size)"))
    return out + [""]


CROSS = 0.8


def server_crossover(run):
    """(short, detail): where the thread-per-connection echo server falls
    below CROSS× the best loop server's throughput, or breaks; None when
    the run cannot say."""
    wl = hl.workload(run, "servers", "echo")
    fig = SERVER_FIG["echo"]
    seen, cross, prev, last = [], None, None, None
    for c in hl.values(wl, "connections"):
        g = hl.group(wl, "threaded", connections=c)
        loops = [x for x in (hl.group(wl, rt, connections=c)
                             for rt in ("coroutine", "callback"))
                 if x and fig in x.stats]
        if g is None or not loops:
            continue
        if fig not in g.stats:
            fails = words.failure_lines_of(g)
            return ("threads break at %s connections" % hl.count(c),
                    ": %s%s" % (fails[0] if fails else "no figures",
                                " (%s)" % errors(g) if errors(g) else ""))
        loop = max(loops, key=lambda x: x.stats[fig].median)
        r = g.stats[fig].median / loop.stats[fig].median
        seen.append("%s: %.2f× %s" % (hl.count(c), r, loop.runtime))
        if r < CROSS and cross is None:
            cross = ("between %s and %s connections" % (
                hl.count(prev), hl.count(c)) if prev is not None else
                "already at %s connections, the smallest measured" %
                hl.count(c))
            if errors(g):
                cross += " (errors: %s)" % errors(g)
        prev = last = c
    if not seen:
        return None
    detail = " (threads' throughput over the best loop server's, by " \
        "connections: %s)" % ", ".join(seen)
    if cross:
        return ("threads fall below %.1f× the best loop server's "
                "throughput %s" % (CROSS, cross), detail)
    return ("threads stay at or above %.1f× the best loop server's "
            "throughput up to %s connections, the largest measured" % (
                CROSS, hl.count(last)), detail)
