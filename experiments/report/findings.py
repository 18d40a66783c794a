"""The answers first: what a run says about each question, in words.

report.md opens with these sections, made from the run's rows alone:
one per question (memory per waiting task, creating tasks, wake-ups,
timers, servers, cancellation, responsiveness, pipelines, code cost),
where each model stops, the crossover points of the sweeps, and a table
of which model suits which job.  Each question gives each runtime's
headline figure with its ratio to the best and one sentence of verdict.

The figures and verdicts come from headline.py (the report's noise
rule: called ahead only when every paired repetition agrees and the two
sides' values do not overlap, otherwise this run cannot tell them apart;
a value alone is never "best"); where each model stops and the
crossovers from limits.py.  Where timing cannot tell two runtimes apart
and the run has the counts experiment, their syscalls and instructions
per operation are quoted beside the verdict (_counts).  A runtime or an experiment the run lacks is
said to be not measured; a chart is named only when
plots.question_charts drew it.
"""

import re

import codecost
import headline as hl
import limits
import results
import words
from limits import GIB, MEMORY_FIG
from units import human


def _chart(charts, key):
    """' Chart: [plots/x.png](plots/x.png).' when it was drawn."""
    path = charts.get(key)
    return " Chart: [%s](%s)." % (path, path) if path else ""


# ---- a question's section ---------------------------------------------------

class Finding:
    """One question's section: lines of markdown, the verdict the job
    table reads, and facts other sections reuse."""

    def __init__(self, key, title, question):
        self.key, self.title, self.question = key, title, question
        self.lines, self.verdict, self.facts = [], None, {}

    def markdown(self, charts):
        return (["### %s" % self.title, "", "*%s*" % self.question, ""]
                + self.lines + ([_chart(charts, self.key).strip(), ""]
                                if charts.get(self.key) else []))


def _line(f, what, entries, figure, verdict=True, counted=None):
    """'- what: hl.headline. hl.Verdict.' appended to f; returns the
    hl.Verdict.  counted: (run, workload) whose counts back a verdict
    that timing cannot decide (_counts)."""
    v = hl.Verdict(entries, figure)
    text = "- %s: %s." % (what, hl.headline(entries, figure))
    if verdict:
        text += " %s." % _cap(v.text)
        counts = _counts(*counted, v) if counted else ""
        text += " " + counts if counts else ""
    f.lines.append(text)
    return v


# The counts experiment's figures (its points' --counter) and what one
# operation of each workload is, in words.
COUNTERS = ("syscalls", "instructions")
OPERATION = {"pingpong": "round trip", "spawn": "spawn and join",
             "cancel": "cancelled task", "echo": "message",
             "http": "request"}


def _count(x):
    return "{:,.0f}".format(x) if x >= 100 else "%.3g" % x


def _counts(run, workload, v, **where):
    """'Counts, which timing does not move: syscalls per message:
    coroutine 2.01, callback 2.01; ...' beside a Verdict this run cannot
    decide, from the counts experiment's points of workload matching
    where (both runtimes counted); '' when it decides or nothing was
    counted."""
    if v is None or v.winner or v.second is None:
        return ""
    wl = hl.workload(run, "counts", workload)
    parts = []
    for counter in COUNTERS:
        fig = counter + "_per_op"
        got = [(e.label, hl.group(wl, e.label, counter=counter, **where))
               for e in (v.best, v.second)]
        if all(g and fig in g.stats for _, g in got):
            parts.append("%s per %s: %s" % (
                counter, OPERATION[workload], ", ".join(
                    "%s %s" % (rt, _count(g.stats[fig].median))
                    for rt, g in got)))
    return ("Counts, which timing does not move: %s." % "; ".join(parts)
            if parts else "")


def _with_counts(text, counts):
    """A table's verdict cell with the counts after it."""
    return "%s. %s" % (text, counts) if counts else text


def _cap(text):
    return text[:1].upper() + text[1:]


# ---- the questions --------------------------------------------------------

def _memory_entries(run, wl, tasks, largest=False):
    """Each runtime's bytes per waiting task at tasks (or, with largest,
    at the largest size it reached); coroutine with private stacks and
    with one shared stack."""
    out = []
    for rt in hl.runtimes(wl):
        for stack, label in ((("private", rt),) if rt != "coroutine" else
                             (("private", "coroutine"),
                              ("compact", "coroutine (shared stack)"))):
            where = {"stack": stack} if rt == "coroutine" else {}
            if largest:
                sizes = [n for n in hl.values(wl, "tasks", **where)
                         if MEMORY_FIG in getattr(hl.group(
                             wl, rt, tasks=n, **where), "stats", {})]
                if not sizes:
                    out.append(hl.entry(wl, rt, MEMORY_FIG, label, **where))
                    continue
                n = sizes[-1]
                e = hl.entry(wl, rt, MEMORY_FIG, label, tasks=n, **where)
                # Below what was asked where a limit stopped the spawning.
                got = hl.group(wl, rt, tasks=n, **where).stats.get(
                    "tasks_reached")
                e.tasks = round(got.median) if got else n
                out.append(e)
            else:
                out.append(hl.entry(wl, rt, MEMORY_FIG, label, tasks=tasks,
                                  **where))
    return out


def _memory(f, run, wl):
    f.lines += [words.describe(wl), ""]
    # The largest size that most runtimes measured: ratios need one size.
    sizes = hl.values(wl, "tasks")
    common = max(sizes, key=lambda n: (sum(
        1 for e in _memory_entries(run, wl, n) if e.stat), n)) \
        if sizes else None
    if common is not None:
        f.verdict = _line(f, "At %s tasks, bytes per task (RSS plus kernel)"
                          % hl.count(common),
                          _memory_entries(run, wl, common), MEMORY_FIG)
    top = _memory_entries(run, wl, None, largest=True)
    f.facts["largest"] = top
    measured = [e for e in top if e.stat is not None]
    if measured:
        f.lines.append("- At the largest size each reached: %s." % "; ".join(
            "%s %s at %s tasks" % (e.label, human(e.stat.median, MEMORY_FIG),
                                   hl.count(e.tasks)) for e in measured))
    f.lines += ["- Where each stops: %s; details under [Where each "
                "model stops](#where-each-model-stops)." % "; ".join(
                    "%s %s" % (label, short) for label, kind, short, _
                    in limits.stop_rows(run, wl, top) if short), ""]


def _spawn(f, run, wl):
    f.lines += [words.describe(wl), ""]
    fig = "spawn_join_ns"
    f.verdict = _line(f, "One spawn and join, one task at a time",
                      hl.entries(wl, fig), fig, counted=(run, "spawn"))
    fig = "spawn_join_batched_ns"
    _line(f, "Per task with %s alive at once" % wl.constant.get(
        "batch", "a batch"),
        hl.entries(wl, fig), fig,
        verdict=False)
    f.lines.append("")


def _wakeup(f, run, wl, one, ring):
    fig = "round_trip_p50_ns"
    if wl:
        f.lines += [words.describe(wl), ""]
        mode = "future" if "future" in hl.values(wl, "mode") else None
        where = {"mode": mode} if mode else {}
        f.verdict = _line(
            f, "Round trip (two wake-ups), free to use both CPUs%s" % (
                ", " + words.param_words("pingpong", "mode", mode)
                if mode else ""),
            hl.entries(wl, fig, **where),
            fig, counted=(run, "pingpong"))
        half = [e for e in f.verdict.entries if e.stat is not None]
        if half:
            f.lines.append("  One wake-up is half of that: %s." % ", ".join(
                "%s %s" % (e.label, human(e.stat.median / 2, fig))
                for e in half))
    if one:
        v = _line(f, "The same pinned to one CPU",
                  hl.entries(one, fig), fig)
        f.verdict = f.verdict or v
    if ring:
        _line(f, "One hop around a ring of %s tasks on one CPU" %
              ring.constant.get("tasks", "K"),
              hl.entries(ring, "hop_ns"),
              "hop_ns", verdict=False)
    bench = hl.workload(run, "micro", "bench_switch")
    g = hl.group(bench, "coroutine")
    if g and "switch_ns_median" in g.stats:
        f.lines.append("- A bare coroutine context switch (micro-benchmark)"
                       ": %s." % human(g.stats["switch_ns_median"].median,
                                       "switch_ns"))
    f.lines.append("")


def _timers(f, run, wl):
    f.lines += [words.describe(wl), ""]
    fig = "lateness_p99_ns"
    base = dict(start_ns=0, rt_priority=0)
    sizes = [n for n in hl.values(wl, "tasks", **base)
             if sum(1 for rt in results.RUNTIME_ORDER
                    if hl.group(wl, rt, tasks=n, **base)) > 1]
    if sizes:
        n = sizes[-1]
        sleep = next(g.params.get("max_sleep_ns") for g in wl.groups
                     if g.params.get("tasks") == n)
        f.verdict = _line(
            f, "p99 lateness, %s sleepers of up to %s each" % (
                hl.count(n), human(sleep, "max_sleep_ns")),
            [hl.entry(wl, rt, fig, tasks=n, **base)
             for rt in results.RUNTIME_ORDER], fig)
        _floor(f, wl, fig, tasks=n, **base)
    pending = dict(rt_priority=0)
    big = [g for g in wl.groups if g.params.get("start_ns", 0) > 0
           and g.params.get("rt_priority") == 0 and fig in g.stats
           and g.runtime != "floor"]
    if big:
        f.lines.append("- With every timer armed first (%s): %s." % (
            "; ".join("%s %s at %s timers" % (
                g.runtime, human(g.stats[fig].median, fig),
                hl.count(g.params.get("tasks", 0))) for g in big),
            "the loop runtimes hold them in one heap; threads stop at "
            "fewer, one thread per sleeper"))
        _floor(f, wl, fig, start_ns=big[0].params.get("start_ns"),
               tasks=max(g.params.get("tasks", 0) for g in big),
               **pending)
    f.lines.append("")


def _floor(f, wl, fig, **where):
    g = hl.group(wl, "floor", **where)
    if g and fig in g.stats:
        f.lines.append("  The floor, a bare loop firing the same deadlines "
                       "in the same run (the best this host does): %s." %
                       human(g.stats[fig].median, fig))


def _servers(f, run, *servers):
    rows = []
    for wl in servers:
        if wl is None:
            continue
        wname = wl.workload
        fig = limits.SERVER_FIG[wname]
        f.lines.append(words.describe(wl))
        conns = hl.values(wl, "connections") or [None]
        for c in conns:
            where = {"connections": c} if c is not None else {}
            entries = hl.entries(wl, fig, **where)
            v = hl.Verdict(entries, fig)
            errs = "; ".join("%s: %s" % (rt, limits.errors(hl.group(wl, rt, **where)))
                             for rt in hl.runtimes(wl)
                             if limits.errors(hl.group(wl, rt, **where)))
            rows.append(["%s, %s conn%s" % (
                wname, c if c is not None else "?", "" if c == 1 else "s"),
                hl.headline(entries, fig), _with_counts(_cap(v.text) + (
                    "; errors: " + errs if errs else ""), _counts(
                        run, wname, v))])
            f.facts[(wname, c)] = v
    f.lines += [""] + hl.table(["load", "answers per second (ratio to the "
                              "best)", "verdict"], rows) + [""]
    echo = sorted(c for w, c in f.facts if w == "echo" and c is not None)
    if echo:
        f.verdict = f.facts[("echo", 100 if 100 in echo else echo[-1])]


KIND_ORDER = ["sleep", "await", "stream", "lock", "queue", "event", "cpu"]
LEAK_FIGS = ("fds_leaked", "buffers_leaked", "lock_left_held",
             "heap_leaked_bytes")
LEAK_WORDS = {"fds_leaked": "file descriptors left open",
              "buffers_leaked": "buffers never freed",
              "lock_left_held": "locks left held",
              "heap_leaked_bytes": "of heap not returned"}


def _cancel(f, run, wl):
    f.lines += [words.describe(wl), ""]
    fig = "cancel_to_cleanup_p99_ns"
    kinds = sorted(hl.values(wl, "kind", tasks=1, mode="api"),
                   key=lambda k: (KIND_ORDER.index(k) if k in KIND_ORDER
                                  else len(KIND_ORDER), k))
    rows = []
    for k in kinds:
        entries = hl.entries(wl, fig, kind=k, tasks=1, mode="api")
        v = hl.Verdict(entries, fig)
        rows.append([words.param_words("cancel", "kind", k),
                     hl.headline(entries, fig),
                     _with_counts(_cap(v.text),
                                  _counts(run, "cancel", v, kind=k))])
        f.facts[k] = v
    if rows:
        f.lines += ["p99 from the cancel call to the task's cleanup, one "
                    "task at a time:", ""]
        f.lines += hl.table(["blocked in", "p99 (ratio to the best)",
                           "verdict"], rows) + [""]
    f.verdict = f.facts.get("stream") or next(iter(f.facts.values()), None)
    f.lines.append("- What does not come back (largest median over the "
                   "points): %s." % "; ".join(_leaks(wl)))
    f.lines.append("")


def _leaks(wl):
    """Per runtime and mode, the largest median of each leak figure and
    the point it was at; 'nothing' for a runtime whose figures are 0."""
    out = []
    for rt in hl.runtimes(wl):
        for mode in hl.values(wl, "mode") or [None]:
            gs = [g for g in wl.groups if g.runtime == rt and
                  g.params.get("mode") == mode]
            if not gs:
                continue
            bad = []
            for k in LEAK_FIGS:
                top = max((g for g in gs if k in g.stats),
                          key=lambda g: g.stats[k].median, default=None)
                if top is None or top.stats[k].median <= 0:
                    continue
                v = top.stats[k].median
                bad.append("%s %s (%s)" % (
                    human(v, k) if k.endswith("bytes") else
                    hl.count(round(v)), LEAK_WORDS[k], results.point_label(
                        tuple((p, top.params.get(p)) for p in ("kind",
                                                               "tasks")))))
            who = rt + (" `mode=%s`" % mode if mode and mode != "api"
                        else "")
            out.append("%s: %s" % (who, ", ".join(bad) if bad else
                                   "nothing"))
    return out or ["not measured"]


def _responsiveness(f, run, sp, ex):
    if sp:
        f.lines += [words.describe(sp), ""]
        fig = "stop_latency_ns"
        where = {"interval_ns": 0} if 0 in hl.values(sp, "interval_ns") else {}
        f.verdict = _line(
            f, "Time to stop a spinner spinning flat out",
            hl.entries(sp, fig, **where), fig)
    if ex:
        f.lines += ["", words.describe(ex), ""]
        fig = "tick_lateness_p99_ns"
        for work in hl.values(ex, "work"):
            for off in hl.values(ex, "offload", work=work):
                v = _line(f, "%s, %s: how late the ticker runs (p99)" % (
                    _cap(words.param_words("executor", "work", work, ex)),
                    words.param_words("executor", "offload", off)),
                    hl.entries(ex, fig, work=work, offload=off), fig)
                f.facts[(work, off)] = v
        f.verdict = f.facts.get(("hash", 0)) or f.verdict
        f.facts["hash_call"] = _hash_threshold(ex, f.facts)
    f.lines.append("")


def _loop_worst(v):
    """The largest median among the loop runtimes of Verdict v."""
    got = [e.stat.median for e in v.entries if e.stat is not None
           and e.label in ("coroutine", "callback")] if v else []
    return max(got) if got else None


def _hash_threshold(ex, facts):
    """'a call computing 1.48 ms inline holds the loop's ticker back to
    2.90 ms (p99); offloaded, 93.4 µs'."""
    fig = "tick_lateness_p99_ns"
    inline = _loop_worst(facts.get(("hash", 0)))
    off = _loop_worst(facts.get(("hash", 1)))
    if inline is None:
        return "—"
    took = re.search(r"about ([^)]+) a call", words.param_words(
        "executor", "work", "hash", ex))
    return "a call computing %s inline holds a loop's ticker back %s " \
        "(p99)%s" % (took.group(1) if took else "a while",
                     human(inline, fig), "; offloaded, %s" % human(off, fig)
                     if off is not None else "")


def _pipelines(f, run, pl, fo):
    if pl:
        f.lines += [words.describe(pl), ""]
        for q in hl.values(pl, "queue_size"):
            f.verdict = _line(
                f, "Items per second, queues of %s" % q,
                hl.entries(pl, "items_per_s", queue_size=q), "items_per_s")
    if fo:
        f.lines += ["", words.describe(fo), ""]
        for lim in hl.values(fo, "limit"):
            v = _line(f, "Total time over the ideal, %s downloads at once" %
                      lim, hl.entries(fo, "total_over_ideal", limit=lim),
                      "total_over_ideal")
            f.facts["fanout"] = v
            thr = _of(v, "threaded")
            if thr and v.best and v.best.label != "threaded":
                f.facts["fanout_threads"] = (
                    "at %s downloads at once threads take %.2f× the "
                    "ideal time, %s %.2f×" % (lim, thr.stat.median,
                                              v.best.label,
                                              v.best.stat.median))
    f.lines.append("")


def _codecost(f, run):
    got = codecost.measure()
    both = [(n, by) for n, by in got if "direct" in by and "callback" in by]
    if not both:
        f.lines += ["No workload sources found in this checkout.", ""]
        return
    tot = {s: [sum(by[s][k] for _, by in both) for k in (0, 1)]
           for s in ("direct", "callback")}
    d, c = tot["direct"], tot["callback"]
    f.facts["ratio"] = c[0] / d[0] if d[0] else None
    each = sorted(by["callback"][0] / by["direct"][0] for _, by in both
                  if by["direct"][0])
    f.facts["range"] = ("from %s to %s the lines, workload by workload" % (
        hl.times(each[0]), hl.times(each[-1]))) if each else "—"
    f.lines += [
        "Counted in this checkout over the %d workloads written in both "
        "styles: lines of code (no blanks or comments) and functions a "
        "reader follows." % len(both), "",
        "- Direct style (`common/workloads/`, one source for threaded and "
        "coroutine): %s lines, %s functions." % (hl.count(d[0]),
                                                 hl.count(d[1])),
        "- Continuation-passing style (`callback/workloads/`): %s lines "
        "(%s), %s functions (%s)." % (hl.count(c[0]), hl.times(c[0] / d[0]),
                                      hl.count(c[1]), hl.times(c[1] / d[1])),
        "- The same work written with callbacks takes %s the lines and %s "
        "the functions; the per-workload table is under [Code cost]"
        "(#code-cost)." % (hl.times(c[0] / d[0]), hl.times(c[1] / d[1])), ""]


# Each question: its key (the chart's, in plots.question_charts), title,
# the question in one line, the (experiment, workload) pairs it reads and
# the function that writes its body from them.  A question whose
# workloads the run lacks says so.
QUESTIONS = (
    ("memory", "Memory per waiting task",
     "What does a task cost while it waits?",
     [("memory", "idle")], _memory),
    ("spawn", "Creating and joining tasks",
     "What does it cost to start a short task and wait for it?",
     [("switching", "spawn")], _spawn),
    ("wakeup", "Waking a task and switching",
     "What does handing control to another task cost?",
     [("switching", "pingpong"), ("switching-one-cpu", "pingpong"),
      ("switching-one-cpu", "ring")], _wakeup),
    ("timers", "Timers", "How late does a sleeping task wake?",
     [("timers", "timers")], _timers),
    ("servers", "Servers",
     "How many requests a second does each server answer, at each number "
     "of connections?", [("servers", "echo"), ("servers", "http")],
     _servers),
    ("cancel", "Cancellation",
     "How fast does a cancelled task stop, by what it was waiting on, and "
     "does everything come back?", [("cancellation", "cancel")], _cancel),
    ("responsiveness", "Responsiveness",
     "Does a task that computes or blocks hold up the others?",
     [("spinner", "spinner"), ("executor", "executor")], _responsiveness),
    ("pipelines", "Pipelines and bounded fan-out",
     "How fast do items flow through bounded queues, and how close to "
     "ideal is a download fan-out with a limit?",
     [("pipeline", "pipeline"), ("fanout", "fanout")], _pipelines),
    ("codecost", "Code cost",
     "How much code does each style take for the same work?", [],
     _codecost),
)


def ask(run, key, title, question, sources, body):
    """One question's Finding: body(f, run, workload...) writes it, or it
    says the run lacks every workload it reads."""
    f = Finding(key, title, question)
    found = [hl.workload(run, e, w) for e, w in sources]
    if sources and not any(found):
        names = []
        for e, _ in sources:
            if e not in names:
                names.append(e)
        f.lines += ["Not measured in this run (no %s experiment)." %
                    " or ".join("`%s`" % n for n in names), ""]
    else:
        body(f, run, *found)
    return f


# ---- which model for which job --------------------------------------------

def _favours(v):
    """The model a Verdict favours: the winner, both leaders when this
    run cannot tell them apart, or why there is none."""
    if v is None or v.best is None:
        return "not measured in this run"
    if v.winner:
        return v.winner
    if v.second is None:
        return "only %s measured" % v.best.label
    return "%s or %s (this run cannot tell them apart)" % (
        v.best.label, v.second.label)


def _of(v, label):
    """label's Entry in Verdict v, or None."""
    for e in getattr(v, "entries", []):
        if e.label == label and e.stat is not None:
            return e
    return None


def _threshold_spawn(v, figure):
    """'threads: 42.5 µs each, one CPU's worth at 23.5 k tasks/s'."""
    e = _of(v, "threaded")
    if e is None or e.stat.median <= 0:
        return "—"
    return ("a thread per task costs %s to start and join: a whole CPU at "
            "%s tasks a second" % (human(e.stat.median, figure), human(
                1e9 / e.stat.median, "tasks_per_s").replace("/s", "")))


def jobs(run, found):
    """The job table: the model the data favours, the figure that decides
    it and the threshold where the choice changes."""
    mem, srv = found.get("memory"), found.get("servers")
    rsp, sp = found.get("responsiveness"), found.get("spawn")
    wk, pl = found.get("wakeup"), found.get("pipelines")
    cn, cc = found.get("cancel"), found.get("codecost")
    rows = []
    # Idle connections: nothing holds connections open yet; the memory
    # of a waiting task is the nearest figure.
    idle = "—"
    if mem and mem.verdict:
        thr = _of(mem.verdict, "threaded")
        if thr and thr.stat.median > 0:
            idle = "1 GiB holds about %s waiting threads" % hl.count(
                round(GIB / thr.stat.median, -2))
    rows.append(["Thousands of mostly idle connections",
                 "not measured yet (no experiment holds idle connections "
                 "open); per waiting task: %s" % _favours(
                     mem and mem.verdict),
                 "memory per waiting task: %s" % (
                     mem.verdict.text if mem and mem.verdict else
                     "not measured"), idle])
    few = cross = None
    if srv:
        small = sorted(c for (w, c) in srv.facts if w == "echo"
                       and c is not None and c <= 10)
        few = srv.facts.get(("echo", small[-1])) if small else None
        cross = limits.server_crossover(run)
        cross = cross[0] if cross else None
    rows.append(["A few busy connections (echo, up to 10)", _favours(few),
                 few.text if few else "not measured", cross or "—"])
    hashv = rsp.facts.get(("hash", 0)) if rsp else None
    off = rsp.facts.get(("hash", 1)) if rsp else None
    rows.append(["CPU-bound steps (one core; several cores: not measured "
                 "yet)", _favours(hashv) + (", or any model with the call "
                                            "offloaded" if off else ""),
                 "ticker lateness while a call hashes inline: %s" % (
                     hashv.text if hashv else "not measured"),
                 rsp.facts.get("hash_call", "—") if rsp else "—"])
    v = sp and sp.verdict
    rows.append(["Many short tasks", _favours(v),
                 "spawn and join: %s" % (v.text if v else "not measured"),
                 _threshold_spawn(v, "spawn_join_ns") if v else "—"])
    v = wk and wk.verdict
    thr = _of(v, "threaded")
    rows.append(["Latency-critical wake-ups", _favours(v),
                 "round trip: %s" % (v.text if v else "not measured"),
                 "a thread's round trip: %s" % human(
                     thr.stat.median, "round_trip_ns") if thr else "—"])
    fan = pl.facts.get("fanout") if pl else None
    cnv = cn and cn.verdict
    rows.append(["Cancellable fan-out", _favours(fan),
                 "time over ideal at the largest limit: %s; cancelling a "
                 "task blocked in a socket read: %s" % (
                     fan.text if fan else "not measured",
                     cnv.text if cnv else "not measured"),
                 pl.facts.get("fanout_threads", "—") if pl else "—"])
    r = cc.facts.get("ratio") if cc else None
    rows.append(["Code a newcomer must read",
                 "not measured" if r is None else
                 "direct style: threaded or coroutine" if r > 1 else
                 "callback",
                 "callback code is %s the lines of the direct style" %
                 hl.times(r) if r else "—",
                 cc.facts.get("range", "—") if cc else "—"])
    return ["## Which model for which job", "",
            "The model this run's data favours under the noise rule, the "
            "figure that decides it, and where the choice changes.", ""] + \
        hl.table(["job", "the data favours", "deciding figure",
                "threshold"], rows) + [""]


# ---- the whole top of the report -------------------------------------------

def sections(run, charts=None):
    """(markdown lines of the findings, job table, where each stops and
    crossovers)."""
    charts = charts or {}
    found = {}
    out = ["## Findings", "",
           "Each question: what the workload does, each runtime's figure "
           "(median over the repetitions) with its ratio to the best, and "
           "a verdict.  A runtime is called ahead only when it is ahead in "
           "every paired repetition and the two sides' values do not "
           "overlap; otherwise this run cannot tell them apart.", ""]
    for q in QUESTIONS:
        f = ask(run, *q)
        found[f.key] = f
        out += f.markdown(charts)
    out += jobs(run, found)
    out += limits.stops(run, found.get("memory"))
    out += limits.crossovers(run, found)
    return out
