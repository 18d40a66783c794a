"""The issues' speed and memory targets, checked against one run.

Each target names where its figure comes from (experiment, workload,
runtime, the point's parameters) and its bound; the report's table gives
the run's median (min–max over the repetitions) and a verdict: met, not
met, or not in this run (a quick run does not measure every target at
full size, and --only leaves experiments out).  Comparisons between two
figures are medians of the same run, so the host's noise hits both;
where the two ranges overlap the verdict says so, because then the
order of the medians is not a finding.

The bounds are the issues' (5: coroutine runtime, 6: callback runtime);
every number shown comes from the run.
"""

from units import higher_is_better, human


def _groups(run, experiment, workload, runtime, where):
    """Groups of a runtime at the points whose parameters match where."""
    out = []
    for wl in run.workloads:
        if wl.experiment != experiment or wl.workload != workload:
            continue
        for g in wl.groups:
            params = g.params
            if g.runtime == runtime and all(
                    params.get(k) == v for k, v in where.items()):
                out.append(g)
    return out


class Source:
    """One figure of one runtime at a point.  `largest` picks, among the
    matching points, the one where that parameter is largest: the run's
    closest to a target stated at a size (`stated`) that a quick run does
    not reach."""

    def __init__(self, experiment, workload, runtime, figure,
                 largest=None, stated=None, **where):
        self.experiment, self.workload = experiment, workload
        self.runtime, self.figure = runtime, figure
        self.largest, self.stated, self.where = largest, stated, where

    def stats(self, run):
        """[(params, Stat)] of the matching points that measured it."""
        gs = [g for g in _groups(run, self.experiment, self.workload,
                                 self.runtime, self.where)
              if self.figure in g.stats]
        if self.largest and gs:
            top = max(g.params.get(self.largest, 0) for g in gs)
            gs = [g for g in gs if g.params.get(self.largest, 0) == top]
        return [(g.params, g.stats[self.figure]) for g in gs]

    def label(self, params=None):
        shown = dict(self.where)
        if params and self.largest:
            shown[self.largest] = params.get(self.largest)
        point = " ".join("%s=%s" % kv for kv in sorted(shown.items()))
        return "%s %s/%s %s%s" % (self.runtime, self.experiment,
                                  self.workload, self.figure,
                                  " at " + point if point else "")


def _range(stat, figure):
    return "%s (%s–%s)" % (
        human(stat.median, figure),
        human(stat.min, figure, unit=False, like=stat.median),
        human(stat.max, figure, unit=False, like=stat.median))


def below(src, limit, inclusive=False, floor=None):
    """Every matching point's median is below limit (or at most limit);
    the worst point is shown, and beside it the same figure of `floor`
    (what no runtime can beat on this host, measured in the same run)."""
    def check(run):
        found = src.stats(run)
        if not found:
            return None
        params, st = max(found, key=lambda ps: ps[1].median)
        ok = st.median <= limit if inclusive else st.median < limit
        verdict = "met" if ok else "not met"
        size = params.get(src.largest) if src.largest else None
        if src.stated and size != src.stated:
            verdict = "%s at %s=%s (stated at %s)" % (
                verdict, src.largest, size, src.stated)
        measured = _range(st, src.figure)
        bare = floor.stats(run) if floor else None
        if bare:
            measured += "; %s %s" % (floor.runtime,
                                     _range(bare[0][1], floor.figure))
        return measured, verdict, src.label(params)
    return check


def ratio_at_most(num, den, limit):
    """median(num) / median(den) at most limit."""
    def check(run):
        a, b = num.stats(run), den.stats(run)
        if not a or not b:
            return None
        r = a[0][1].median / b[0][1].median
        return ("%.2f× (%s / %s)" % (r, human(a[0][1].median, num.figure),
                                     human(b[0][1].median, den.figure)),
                "met" if r <= limit else "not met",
                "%s over %s" % (num.label(), den.figure))
    return check


def not_behind(ours, theirs):
    """ours at least as good as theirs (higher or lower by the figure)."""
    def check(run):
        a, b = ours.stats(run), theirs.stats(run)
        if not a or not b:
            return None
        sa, sb = a[0][1], b[0][1]
        better = higher_is_better(ours.figure)
        ok = sa.median >= sb.median if better else sa.median <= sb.median
        overlap = sa.min <= sb.max and sb.min <= sa.max
        verdict = "met" if ok else "not met"
        if overlap:
            verdict += " (ranges overlap)"
        return ("%s vs %s %s" % (_range(sa, ours.figure), theirs.runtime,
                                 _range(sb, theirs.figure)),
                verdict, ours.label())
    return check


def _echo_targets(issue, ours, rivals):
    out = []
    for exp, where in (("servers", "one vCPU each"),
                       ("servers-same-cpu", "one vCPU together")):
        for conns in (1, 100):
            for rival in rivals:
                for fig, what in (("load.msgs_per_s", "throughput"),
                                  ("load.rtt_p99_ns", "p99")):
                    out.append((issue, "echo %s, %d conn%s, %s: %s no worse "
                                "than %s" % (where, conns,
                                             "s" if conns > 1 else "", what,
                                             ours, rival),
                                not_behind(
                                    Source(exp, "echo", ours, fig,
                                           connections=conns),
                                    Source(exp, "echo", rival, fig,
                                           connections=conns))))
    return out


def _switch(figure):
    return Source("micro", "bench_switch", "coroutine", figure + "_median")


TARGETS = [
    (5, "context switch no slower than Boost jump_fcontext",
     ratio_at_most(_switch("switch_ns"),
                   _switch("boost_jump_fcontext_ns"), 1.0)),
    (5, "context switch within 1.2× the bare save/restore floor",
     ratio_at_most(_switch("switch_ns"), _switch("floor_switch_ns"), 1.2)),
    (5, "spawn + run + join under 100 ns",
     below(_switch("spawn_run_join_ns"), 100)),
    (5, "1,000,000 idle coroutines at most 4.3 KiB RSS each",
     below(Source("memory", "idle", "coroutine", "bytes_per_task_rss",
                  largest="tasks", stated=1000000, stack="private"),
           4.3 * 1024, inclusive=True)),
    (5, "compact idle coroutine under 1.5 KiB RSS",
     below(Source("memory", "idle", "coroutine", "bytes_per_task_rss",
                  largest="tasks", stack="compact"), 1.5 * 1024)),
    (5, "single-task cancel-to-cleanup p99 under 2 µs (worst kind)",
     below(Source("cancellation", "cancel", "coroutine",
                  "cancel_to_cleanup_p99_ns", tasks=1, mode="api"), 2000)),
] + _echo_targets(5, "coroutine", ("callback", "libuv")) + [
    (6, "1,000,000 idle tasks under 150 B heap each",
     below(Source("memory", "idle", "callback", "bytes_per_task_heap",
                  largest="tasks", stated=1000000), 150)),
    (6, "1,000,000 idle tasks under 150 B RSS each",
     below(Source("memory", "idle", "callback", "bytes_per_task_rss",
                  largest="tasks", stated=1000000), 150)),
    (6, "timer lateness p99 under 100 µs with 100,000 pending timers",
     below(Source("timers", "timers", "callback", "lateness_p99_ns",
                  tasks=100000, rt_priority=0, timer_spin_ns=0), 100000,
           floor=Source("timers", "timers", "floor", "lateness_p99_ns",
                        tasks=100000, rt_priority=0, timer_spin_ns=0))),
    (6, "the same under SCHED_FIFO (--rt_priority=10)",
     below(Source("timers", "timers", "callback", "lateness_p99_ns",
                  tasks=100000, rt_priority=10, timer_spin_ns=0), 100000,
           floor=Source("timers", "timers", "floor", "lateness_p99_ns",
                        tasks=100000, rt_priority=10, timer_spin_ns=0))),
] + _echo_targets(6, "callback", ("libuv",))


def rows(run):
    """Table rows: issue, target, measured, verdict, from."""
    out = []
    for issue, text, check in TARGETS:
        got = check(run)
        if got is None:
            out.append(["#%d" % issue, text, "", "not in this run", ""])
        else:
            measured, verdict, where = got
            out.append(["#%d" % issue, text, measured, verdict,
                        "`%s`" % where])
    return out


def counts(table):
    """(met, not met, not measured as stated) over rows(): a verdict at
    a smaller size than the target's, or none, counts as the last."""
    met = sum(1 for r in table if r[3] in ("met", "met (ranges overlap)"))
    missed = sum(1 for r in table
                 if r[3] in ("not met", "not met (ranges overlap)"))
    return met, missed, len(table) - met - missed
