"""The answers first: what a run says about each question, in words.

report.md opens with these sections, made from the run's rows alone:
one per question (memory per waiting task, creating tasks, wake-ups,
timers, servers, cancellation, responsiveness, pipelines, code cost),
where each model stops, the crossover points of the sweeps, and a table
of which model suits which job.  Each question gives each runtime's
headline figure with its ratio to the best and one sentence of verdict.

The verdict follows the report's noise rule (targets.paired_comparison):
the best runtime is compared with the runner-up repetition by
repetition; it is called ahead only when every pair agrees and the two
sides' values do not overlap, otherwise this run cannot tell them apart.
A figure only one runtime measured gets no "best".  A runtime or an
experiment the run lacks is said to be not measured; a chart is named
only when plots.question_charts drew it.
"""

import math
import re

import codecost
import results
import targets
import words
from units import higher_is_better, human

GIB = 1024 ** 3


# ---- one figure across runtimes ------------------------------------------

class Entry:
    """One runtime's (or variant's) value of a figure: a Stat, or None
    with the reason it has none."""

    ABSENT = "not measured in this run"

    def __init__(self, label, stat, why=ABSENT):
        self.label, self.stat, self.why = label, stat, why


def _times(r):
    return "×%.2f" % r if r < 10 else "×%s" % _count(round(r))


def _count(n):
    """12,345 for a reader."""
    return "{:,}".format(int(n)) if n == int(n) else "%.2f" % n


def _best(entries, figure):
    have = [e for e in entries if e.stat is not None]
    pick = max if higher_is_better(figure) else min
    return have, (pick(have, key=lambda e: e.stat.median) if have else None)


def ratio(entry, best, figure):
    """entry's median over the best's, turned so 1 is the best."""
    return results.ratio_to_best(best.stat.median, entry.stat.median, figure)


def headline(entries, figure):
    """'threaded 61.8 µs ×390, coroutine 157 ns (best), callback
    162 ns ×1.03'; a runtime without a value says why; a value alone
    gets no 'best'."""
    have, best = _best(entries, figure)
    parts, absent = [], []
    for e in entries:
        if e.stat is None:
            if e.why == Entry.ABSENT:
                absent.append(e.label)
            else:
                parts.append("%s: %s" % (e.label, e.why))
            continue
        text = "%s %s" % (e.label, human(e.stat.median, figure))
        if len(have) > 1:
            r = ratio(e, best, figure)
            text += " (best)" if e is best else (
                " (%s)" % _times(r) if r else "")
        else:
            text += " (the only one measured)"
        parts.append(text)
    if absent:
        parts.append("%s: %s" % (", ".join(absent), Entry.ABSENT))
    return "; ".join(parts)


class Verdict:
    """The best runtime against the runner-up under the noise rule.
    winner is the best's label when it is ahead, None otherwise."""

    def __init__(self, entries, figure):
        have, best = _best(entries, figure)
        self.winner, self.best, self.ratio = None, best, None
        self.second, self.entries = None, entries
        if len(have) < 2:
            self.text = ("only %s measured this, nothing to compare it "
                         "with" % have[0].label if have else
                         "no runtime measured this in this run")
            return
        rest = sorted((e for e in have if e is not best),
                      key=lambda e: ratio(e, best, figure) or math.inf)
        second = self.second = rest[0]
        verdict, pairs = targets.paired_comparison(best.stat, second.stat,
                                                   figure)
        self.ratio = ratio(second, best, figure)
        how = (targets.paired_text(pairs) if pairs else
               "medians, no repetition in common")
        if verdict == targets.MET:
            self.winner = best.label
            self.text = ("%s is best, %s ahead of the next, %s, in every "
                         "repetition (%s)" % (best.label, _times(self.ratio),
                                              second.label, how))
        else:
            self.text = ("this run cannot tell %s and %s apart (%s)" % (
                best.label, second.label, how))


def _chart(charts, key):
    """' Chart: [plots/x.png](plots/x.png).' when it was drawn."""
    path = charts.get(key)
    return " Chart: [%s](%s)." % (path, path) if path else ""


# ---- finding the groups ---------------------------------------------------

def _workload(run, experiment, workload):
    for wl in run.workloads:
        if (wl.experiment, wl.workload) == (experiment, workload):
            return wl
    return None


def _group(wl, runtime, **where):
    """The group of runtime whose parameters match where (the last one
    when several do), or None."""
    found = None
    for g in wl.groups if wl else []:
        params = g.params
        if g.runtime == runtime and all(params.get(k) == v
                                        for k, v in where.items()):
            found = g
    return found


def _entry(wl, runtime, figure, label=None, **where):
    g = _group(wl, runtime, **where)
    label = label or runtime
    if g is None:
        return Entry(label, None)
    if figure not in g.stats:
        fails = words.failure_lines_of(g)
        return Entry(label, None, fails[0] if fails else
                     "did not report %s" % figure)
    return Entry(label, g.stats[figure])


def _runtimes(wl=None):
    """The three runtimes, then the peers that measured wl."""
    peers = sorted({g.runtime for g in wl.groups} - set(
        results.RUNTIME_ORDER) - {"floor"}) if wl else []
    return results.RUNTIME_ORDER + peers


def _entries(wl, figure, **where):
    """Each runtime's Entry of figure at the point matching where."""
    return [_entry(wl, rt, figure, **where) for rt in _runtimes(wl)]


def _values(wl, param, **where):
    """Sorted values of param among wl's groups matching where."""
    out = set()
    for g in wl.groups if wl else []:
        p = g.params
        if param in p and all(p.get(k) == v for k, v in where.items()):
            out.add(p[param])
    return sorted(out, key=results.sort_value)


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


def _line(f, what, entries, figure, verdict=True):
    """'- what: headline. Verdict.' appended to f; returns the Verdict."""
    v = Verdict(entries, figure)
    text = "- %s: %s." % (what, headline(entries, figure))
    if verdict:
        text += " %s." % _cap(v.text)
    f.lines.append(text)
    return v


def _cap(text):
    return text[:1].upper() + text[1:]


# ---- the questions --------------------------------------------------------

MEMORY_FIG = "bytes_per_task_total"


def _memory_entries(run, wl, tasks, largest=False):
    """Each runtime's bytes per waiting task at tasks (or, with largest,
    at the largest size it reached); coroutine with private stacks and
    with one shared stack."""
    out = []
    for rt in _runtimes(wl):
        for stack, label in ((("private", rt),) if rt != "coroutine" else
                             (("private", "coroutine"),
                              ("compact", "coroutine (shared stack)"))):
            where = {"stack": stack} if rt == "coroutine" else {}
            if largest:
                sizes = [n for n in _values(wl, "tasks", **where)
                         if MEMORY_FIG in getattr(_group(
                             wl, rt, tasks=n, **where), "stats", {})]
                if not sizes:
                    out.append(_entry(wl, rt, MEMORY_FIG, label, **where))
                    continue
                n = sizes[-1]
                e = _entry(wl, rt, MEMORY_FIG, label, tasks=n, **where)
                # Below what was asked where a limit stopped the spawning.
                got = _group(wl, rt, tasks=n, **where).stats.get(
                    "tasks_reached")
                e.tasks = round(got.median) if got else n
                out.append(e)
            else:
                out.append(_entry(wl, rt, MEMORY_FIG, label, tasks=tasks,
                                  **where))
    return out


def _memory(f, run, wl):
    f.lines += [words.describe(wl), ""]
    # The largest size that most runtimes measured: ratios need one size.
    sizes = _values(wl, "tasks")
    def measured(n):
        return sum(1 for e in _memory_entries(run, wl, n) if e.stat)
    common = max(sizes, key=lambda n: (measured(n), n)) if sizes else None
    if common is not None:
        f.verdict = _line(f, "At %s tasks, bytes per task (RSS plus kernel)"
                          % _count(common),
                          _memory_entries(run, wl, common), MEMORY_FIG)
    top = _memory_entries(run, wl, None, largest=True)
    f.facts["largest"] = top
    measured = [e for e in top if e.stat is not None]
    if measured:
        f.lines.append("- At the largest size each reached: %s." % "; ".join(
            "%s %s at %s tasks" % (e.label, human(e.stat.median, MEMORY_FIG),
                                   _count(e.tasks)) for e in measured))
    f.lines += ["- Where each stops: %s; details under [Where each "
                "model stops](#where-each-model-stops)." % "; ".join(
                    "%s %s" % (label, short) for label, kind, short, _
                    in stop_rows(run, wl, top) if short), ""]


def _spawn(f, run, wl):
    f.lines += [words.describe(wl), ""]
    fig = "spawn_join_ns"
    f.verdict = _line(f, "One spawn and join, one task at a time",
                      _entries(wl, fig),
                      fig)
    fig = "spawn_join_batched_ns"
    _line(f, "Per task with %s alive at once" % wl.constant.get(
        "batch", "a batch"),
        _entries(wl, fig), fig,
        verdict=False)
    f.lines.append("")


def _wakeup(f, run, wl, one, ring):
    fig = "round_trip_ns_median"
    if wl:
        f.lines += [words.describe(wl), ""]
        mode = "future" if "future" in _values(wl, "mode") else None
        where = {"mode": mode} if mode else {}
        f.verdict = _line(
            f, "Round trip (two wake-ups), free to use both CPUs%s" % (
                ", " + words.param_words("pingpong", "mode", mode)
                if mode else ""),
            _entries(wl, fig, **where),
            fig)
    if one:
        v = _line(f, "The same pinned to one CPU",
                  _entries(one, fig), fig)
        f.verdict = f.verdict or v
    if ring:
        _line(f, "One hop around a ring of %s tasks on one CPU" %
              ring.constant.get("tasks", "K"),
              _entries(ring, "hop_ns"),
              "hop_ns", verdict=False)
    bench = _workload(run, "micro", "bench_switch")
    g = _group(bench, "coroutine")
    if g and "switch_ns_median" in g.stats:
        f.lines.append("- A bare coroutine context switch (micro-benchmark)"
                       ": %s." % human(g.stats["switch_ns_median"].median,
                                       "switch_ns"))
    f.lines.append("")


def _timers(f, run, wl):
    f.lines += [words.describe(wl), ""]
    fig = "lateness_p99_ns"
    base = dict(start_ns=0, rt_priority=0)
    sizes = [n for n in _values(wl, "tasks", **base)
             if sum(1 for rt in results.RUNTIME_ORDER
                    if _group(wl, rt, tasks=n, **base)) > 1]
    if sizes:
        n = sizes[-1]
        sleep = next(g.params.get("max_sleep_ns") for g in wl.groups
                     if g.params.get("tasks") == n)
        f.verdict = _line(
            f, "p99 lateness, %s sleepers of up to %s each" % (
                _count(n), human(sleep, "max_sleep_ns")),
            [_entry(wl, rt, fig, tasks=n, **base)
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
                _count(g.params.get("tasks", 0))) for g in big),
            "the loop runtimes hold them in one heap; threads stop at "
            "fewer, one thread per sleeper"))
        _floor(f, wl, fig, start_ns=big[0].params.get("start_ns"),
               tasks=max(g.params.get("tasks", 0) for g in big),
               **pending)
    f.lines.append("")


def _floor(f, wl, fig, **where):
    g = _group(wl, "floor", **where)
    if g and fig in g.stats:
        f.lines.append("  The floor, a bare loop firing the same deadlines "
                       "in the same run (the best this host does): %s." %
                       human(g.stats[fig].median, fig))


SERVER_FIG = {"echo": "load.msgs_per_s", "http": "load.req_per_s"}
ERROR_FIGS = ("load.errors", "load.connect_errors", "load.unanswered",
              "server_connection_errors", "load.errors_connect",
              "load.errors_read", "load.errors_timeout")


def _errors(g):
    """'12 load.errors, 3 server_connection_errors' or ''."""
    if g is None:
        return ""
    return ", ".join("%s %s" % (_count(round(g.stats[k].median)), k)
                     for k in ERROR_FIGS
                     if k in g.stats and g.stats[k].median > 0)


def _servers(f, run, *servers):
    rows = []
    for wl in servers:
        if wl is None:
            continue
        wname = wl.workload
        fig = SERVER_FIG[wname]
        f.lines.append(words.describe(wl))
        conns = _values(wl, "connections") or [None]
        for c in conns:
            where = {"connections": c} if c is not None else {}
            entries = _entries(wl, fig, **where)
            v = Verdict(entries, fig)
            errs = "; ".join("%s: %s" % (rt, _errors(_group(wl, rt, **where)))
                             for rt in _runtimes(wl)
                             if _errors(_group(wl, rt, **where)))
            rows.append(["%s, %s conn%s" % (
                wname, c if c is not None else "?", "" if c == 1 else "s"),
                headline(entries, fig), _cap(v.text) + (
                    "; errors: " + errs if errs else "")])
            f.facts[(wname, c)] = v
    f.lines += [""] + _table(["load", "answers per second (ratio to the "
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
    kinds = sorted(_values(wl, "kind", tasks=1, mode="api"),
                   key=lambda k: (KIND_ORDER.index(k) if k in KIND_ORDER
                                  else len(KIND_ORDER), k))
    rows = []
    for k in kinds:
        entries = _entries(wl, fig, kind=k, tasks=1, mode="api")
        v = Verdict(entries, fig)
        rows.append([words.param_words("cancel", "kind", k),
                     headline(entries, fig), _cap(v.text)])
        f.facts[k] = v
    if rows:
        f.lines += ["p99 from the cancel call to the task's cleanup, one "
                    "task at a time:", ""]
        f.lines += _table(["blocked in", "p99 (ratio to the best)",
                           "verdict"], rows) + [""]
    f.verdict = f.facts.get("stream") or next(iter(f.facts.values()), None)
    f.lines.append("- What does not come back (largest median over the "
                   "points): %s." % "; ".join(_leaks(wl)))
    f.lines.append("")


def _leaks(wl):
    """Per runtime and mode, the largest median of each leak figure and
    the point it was at; 'nothing' for a runtime whose figures are 0."""
    out = []
    for rt in _runtimes(wl):
        for mode in _values(wl, "mode") or [None]:
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
                    _count(round(v)), LEAK_WORDS[k], results.point_label(
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
        where = {"interval_ns": 0} if 0 in _values(sp, "interval_ns") else {}
        f.verdict = _line(
            f, "Time to stop a spinner spinning flat out",
            _entries(sp, fig, **where), fig)
    if ex:
        f.lines += ["", words.describe(ex), ""]
        fig = "tick_lateness_p99_ns"
        for work in _values(ex, "work"):
            for off in _values(ex, "offload", work=work):
                v = _line(f, "%s, %s: how late the ticker runs (p99)" % (
                    _cap(words.param_words("executor", "work", work, ex)),
                    words.param_words("executor", "offload", off)),
                    _entries(ex, fig, work=work, offload=off), fig)
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
        for q in _values(pl, "queue_size"):
            f.verdict = _line(
                f, "Items per second, queues of %s" % q,
                _entries(pl, "items_per_s", queue_size=q), "items_per_s")
    if fo:
        f.lines += ["", words.describe(fo), ""]
        for lim in _values(fo, "limit"):
            v = _line(f, "Total time over the ideal, %s downloads at once" %
                      lim, _entries(fo, "total_over_ideal", limit=lim),
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
        _times(each[0]), _times(each[-1]))) if each else "—"
    f.lines += [
        "Counted in this checkout over the %d workloads written in both "
        "styles: lines of code (no blanks or comments) and functions a "
        "reader follows." % len(both), "",
        "- Direct style (`common/workloads/`, one source for threaded and "
        "coroutine): %s lines, %s functions." % (_count(d[0]),
                                                 _count(d[1])),
        "- Continuation-passing style (`callback/workloads/`): %s lines "
        "(%s), %s functions (%s)." % (_count(c[0]), _times(c[0] / d[0]),
                                      _count(c[1]), _times(c[1] / d[1])),
        "- The same work written with callbacks takes %s the lines and %s "
        "the functions; the per-workload table is under [Code cost]"
        "(#code-cost)." % (_times(c[0] / d[0]), _times(c[1] / d[1])), ""]


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
    found = [_workload(run, e, w) for e, w in sources]
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


def _table(header, rows):
    out = ["| " + " | ".join(header) + " |",
           "|" + "|".join("---" for _ in header) + "|"]
    return out + ["| " + " | ".join(str(c).replace("|", "\\|")
                                    for c in r) + " |" for r in rows]


# ---- where each model stops ----------------------------------------------

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
            if e.why != Entry.ABSENT:
                rows.append((e.label, "—", e.why, e.why))
            continue
        noted = _noted_limit(wl, rt, **where)
        fails = [x for g in wl.groups if g.runtime == rt and all(
            g.params.get(k) == v for k, v in where.items())
            for x in words.failure_lines_of(g)]
        limits = "; the kernel's limits here: %s" % ", ".join(
            "%s for %s" % (_count(size), name) for size, name in kernel)
        if noted:
            n, asked, what, err = noted
            rows.append((e.label, "measured", "%s (%s)" % (_count(n), err),
                         "stopped at %s of %s asked: %s returned %s, %s%s"
                         % (_count(n), _count(asked), what, err,
                            ERR_WORDS.get(err, "a limit"),
                            limits if rt == "threaded" else "")))
        elif rt == "threaded" and kernel:
            reached = cap and e.tasks >= cap
            size, name = kernel[0]
            rows.append((e.label, "harness cap" if reached else
                         "not reached",
                         "at the kernel's limit, %s threads (%s); this run "
                         "%s %s" % (_count(size), name.split(" (")[0],
                                    "stopped at the harness's cap of" if
                                    reached else "went to", _count(e.tasks)),
                         ("held %s threads without an error and stopped at "
                          "the harness's cap (90 %% of the kernel's "
                          "smallest limit, the rest left to the other "
                          "processes)" % _count(e.tasks) if reached else
                          "this run went to %s threads without an error" %
                          _count(e.tasks)) + limits))
        elif fails:
            rows.append((e.label, "failed", "%s" % _count(e.tasks),
                         fails[-1]))
        if ram and e.stat.median > 0:
            by_ram = ram / e.stat.median
            first = not (rt == "threaded" and kernel and
                         kernel[0][0] < by_ram)
            rows.append((e.label, "projected",
                         "%s (projected: RAM)" % _big(by_ram).replace(
                             "about ", "at about ") if first else "",
                         "%s tasks: RAM %s ÷ %s per task (measured at %s)"
                         % (_big(ram / e.stat.median), human(ram, "bytes"),
                            human(e.stat.median, "bytes"),
                            _count(e.tasks))))
    return rows


def stops(run, mem):
    """Lines of 'Where each model stops' from the memory finding."""
    out = ["## Where each model stops", ""]
    wl = _workload(run, "memory", "idle")
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
    out += _table(["model", "kind", "size and reason"],
                  [[label, kind, reason] for label, kind, _, reason
                   in stop_rows(run, wl, top)]) + [""]
    absent = [e.label for e in top if e.stat is None and
              e.why == Entry.ABSENT]
    if absent:
        out += ["Not measured in this run: %s." % ", ".join(absent), ""]
    return out


def _big(n):
    for f, name in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if n >= f:
            return "about %.3g %s" % (n / f, name)
    return "about %d" % n


# ---- crossover points -----------------------------------------------------

def crossovers(run, found):
    out = ["## Crossover points", "",
           "Sizes at which one model stops being a good choice, from the "
           "sweeps; where the sweep is coarse, the two points it lies "
           "between.", ""]
    mem = found.get("memory")
    per_gib = ["%s %s" % (e.label, _big(GIB / e.stat.median).replace(
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
                             _count(round(n, -2)), _count(kernel[0][0])))
            else:
                text += (" Threads reach the kernel's limit of %s threads "
                         "before they fill 1 GiB (at %s each, about %s "
                         "would)." % (_count(kernel[0][0]), human(
                             thr.stat.median, MEMORY_FIG),
                             _count(round(n, -2))))
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
    wl = _workload(run, "servers", "echo")
    fig = SERVER_FIG["echo"]
    seen, cross, prev, last = [], None, None, None
    for c in _values(wl, "connections"):
        g = _group(wl, "threaded", connections=c)
        loops = [x for x in (_group(wl, rt, connections=c)
                             for rt in ("coroutine", "callback"))
                 if x and fig in x.stats]
        if g is None or not loops:
            continue
        if fig not in g.stats:
            fails = words.failure_lines_of(g)
            return ("threads break at %s connections" % _count(c),
                    ": %s%s" % (fails[0] if fails else "no figures",
                                " (%s)" % _errors(g) if _errors(g) else ""))
        loop = max(loops, key=lambda x: x.stats[fig].median)
        r = g.stats[fig].median / loop.stats[fig].median
        seen.append("%s: %.2f× %s" % (_count(c), r, loop.runtime))
        if r < CROSS and cross is None:
            cross = ("between %s and %s connections" % (
                _count(prev), _count(c)) if prev is not None else
                "already at %s connections, the smallest measured" %
                _count(c))
            if _errors(g):
                cross += " (errors: %s)" % _errors(g)
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
                CROSS, _count(last)), detail)


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
            idle = "1 GiB holds about %s waiting threads" % _count(
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
        cross = server_crossover(run)
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
                 _times(r) if r else "—",
                 cc.facts.get("range", "—") if cc else "—"])
    return ["## Which model for which job", "",
            "The model this run's data favours under the noise rule, the "
            "figure that decides it, and where the choice changes.", ""] + \
        _table(["job", "the data favours", "deciding figure",
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
    out += stops(run, found.get("memory"))
    out += crossovers(run, found)
    return out
