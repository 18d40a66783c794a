"""The issues' speed and memory targets, checked against one run.

Each target names where its figure comes from (experiment, workload,
runtime, the point's parameters) and its bound; the report's table gives
the run's median (min–max over the repetitions) and a verdict.

A comparison of two runtimes pairs their repetitions: repetitions are the
runner's outer loop, so rep i of both ran seconds apart under the same
host load, while two servers that cost the same differ by several percent
from one repetition to the next on a 2-vCPU host.  Each pair gives a
ratio turned so that 1 or more means ours is no worse: met when every
pair says so and the two sides' values do not overlap, not met when no
pair says so and they do not overlap, level (within noise) otherwise, as
this run cannot tell the two apart.
Only where no repetition pairs up do the medians decide, with
overlapping ranges noted.

A bound on timer lateness stands beside the bare floor of the same run
(the same deadlines fired by a loop that does nothing else): where the
floor misses the bound too, the host cannot show it in this run; the
paired ratio runtime / floor says what the runtime adds.

A quick run does not measure every target at full size, and --only leaves
experiments out: such targets say so.  The bounds are the issues' (5:
coroutine runtime, 6: callback runtime); every number shown comes from
the run.
"""

import statistics

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


def _ratios(num, den):
    """num_i / den_i for each repetition index both Stats hold, in rep
    order; a pair whose denominator is not positive has no ratio."""
    common = sorted(set(num.by_rep) & set(den.by_rep))
    return [num.by_rep[i] / den.by_rep[i] for i in common
            if den.by_rep[i] > 0]


def _paired(ratios, what):
    """'paired ratio 1.02 (0.95–1.08), n=3' for what='paired ratio %s':
    the median ratio put into what, then the range and the pair count."""
    return "%s (%.2f–%.2f), n=%d" % (
        what % ("%.2f" % statistics.median(ratios)), min(ratios),
        max(ratios), len(ratios))


MET, NOT_MET = "met", "not met"
LEVEL = "level (within noise)"
FLOOR_ABOVE = "not measurable here (floor above bound)"


def below(src, limit, inclusive=False, floor=None):
    """Every matching point's median is below limit (or at most limit);
    the worst point is shown, and beside it the same figure of `floor`
    (what no runtime can beat on this host, measured in the same run) and
    the paired ratio of the two.  A miss where the floor's median misses
    the bound too is not measurable here rather than not met."""
    def under(value):
        return value <= limit if inclusive else value < limit

    def check(run):
        found = src.stats(run)
        if not found:
            return None
        params, st = max(found, key=lambda ps: ps[1].median)
        bare = floor.stats(run) if floor else None
        base = bare[0][1] if bare else None
        if under(st.median):
            verdict = MET
        elif base is not None and not under(base.median):
            verdict = FLOOR_ABOVE
        else:
            verdict = NOT_MET
        size = params.get(src.largest) if src.largest else None
        if src.stated and size != src.stated:
            verdict = "%s at %s=%s (stated at %s)" % (
                verdict, src.largest, size, src.stated)
        measured = _range(st, src.figure)
        if base is not None:
            measured += _beside_floor(st, base, floor)
        return measured, verdict, src.label(params)
    return check


def _beside_floor(st, base, floor):
    """'; floor 132 µs (122–262); 1.15× the floor (0.98–1.17), n=3': the
    floor's figure, then what the runtime adds to it repetition by
    repetition, where repetitions pair up."""
    text = "; %s %s" % (floor.runtime, _range(base, floor.figure))
    ratios = _ratios(st, base)
    return text + ("; " + _paired(ratios, "%s× the floor") if ratios
                   else "")


def ratio_at_most(num, den, limit):
    """median(num) / median(den) at most limit."""
    def check(run):
        a, b = num.stats(run), den.stats(run)
        if not a or not b:
            return None
        r = a[0][1].median / b[0][1].median
        return ("%.2f× (%s / %s)" % (r, human(a[0][1].median, num.figure),
                                     human(b[0][1].median, den.figure)),
                MET if r <= limit else NOT_MET,
                "%s over %s" % (num.label(), den.figure))
    return check


def _separated(num, den):
    """Whether the two sides' values over their common repetitions do not
    overlap (one side's worst beats the other's best)."""
    common = set(num.by_rep) & set(den.by_rep)
    a = [num.by_rep[i] for i in common]
    b = [den.by_rep[i] for i in common]
    return min(a) > max(b) or min(b) > max(a)


def _paired_verdict(ratios, separated):
    """Met when ours is no worse in every pair, not met when it is worse
    in every pair; either only when the two sides' values do not overlap
    as well.  Otherwise level: with three repetitions, two servers that
    cost the same land on one side in every pair one time in four, and
    with separate ranges too about one time in twenty."""
    if separated and all(r >= 1 for r in ratios):
        return MET
    if separated and all(r < 1 for r in ratios):
        return NOT_MET
    return LEVEL


def _median_verdict(sa, sb, figure):
    """The medians' order, for Stats without a repetition in common; it
    says when the ranges overlap, as the order is then no finding."""
    if higher_is_better(figure):
        ok = sa.median >= sb.median
    else:
        ok = sa.median <= sb.median
    overlap = sa.min <= sb.max and sb.min <= sa.max
    return (MET if ok else NOT_MET) + (" (ranges overlap)" if overlap
                                       else "")


def paired_comparison(sa, sb, figure):
    """(verdict, ratios): whether Stat sa of figure is no worse than sb.
    ratios are the paired ratios, turned so that 1 or more means sa is no
    worse; the verdict is met, not met or level by _paired_verdict, or,
    without a repetition in common (ratios empty), by the medians."""
    ratios = _ratios(sa, sb) if higher_is_better(figure) else _ratios(sb, sa)
    if not ratios:
        return _median_verdict(sa, sb, figure), ratios
    return _paired_verdict(ratios, _separated(sa, sb)), ratios


def paired_text(ratios):
    """'paired ratio 1.02 (0.95–1.08), n=3'."""
    return _paired(ratios, "paired ratio %s")


def not_behind(ours, theirs):
    """ours at least as good as theirs (higher or lower by the figure) in
    each repetition both measured."""
    def check(run):
        a, b = ours.stats(run), theirs.stats(run)
        if not a or not b:
            return None
        sa, sb = a[0][1], b[0][1]
        measured = "%s vs %s %s" % (_range(sa, ours.figure),
                                    theirs.runtime,
                                    _range(sb, theirs.figure))
        verdict, ratios = paired_comparison(sa, sb, ours.figure)
        if ratios:
            measured += "; " + paired_text(ratios)
        return measured, verdict, ours.label()
    return check


# What the echo rows compare, and how the target names it.  The server's
# CPU per message backs the throughput rows up: it is the server's own
# cost whatever the host does with the load generator, and where the
# server saturates a vCPU of its own (one vCPU each, 100 connections) its
# throughput is close to one over that cost.
ECHO_FIGURES = (("load.msgs_per_s", "throughput", ""),
                ("load.rtt_p99_ns", "p99", ""),
                ("server_cpu_ns_per_msg", "server CPU per message",
                 " (supporting: the cost behind throughput)"))


def _echo_targets(issue, ours, rivals):
    out = []
    for exp, where in (("servers", "one vCPU each"),
                       ("servers-same-cpu", "one vCPU together")):
        for conns in (1, 100):
            for rival in rivals:
                for fig, what, why in ECHO_FIGURES:
                    out.append((issue, "echo %s, %d conn%s, %s: %s no worse "
                                "than %s%s" % (where, conns,
                                               "s" if conns > 1 else "",
                                               what, ours, rival, why),
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


# The classes the summary counts, each with the verdicts it takes; any
# other verdict (at a smaller size than the target's, or absent from the
# run) is not measured as stated.
CLASSES = (("met", (MET, MET + " (ranges overlap)")),
           (LEVEL, (LEVEL,)),
           ("not met", (NOT_MET, NOT_MET + " (ranges overlap)")),
           ("not measurable here", (FLOOR_ABOVE,)))
NOT_AS_STATED = "not measured as stated"


def tally(table):
    """[(class, count)] over rows(), in CLASSES' order, then the count
    not measured as stated."""
    out = [(name, sum(1 for r in table if r[3] in verdicts))
           for name, verdicts in CLASSES]
    return out + [(NOT_AS_STATED, len(table) - sum(n for _, n in out))]


def summary(table):
    """The paragraph above the table: each verdict class counted, and how
    to read the Measured column."""
    return (
        "The speed and memory targets of the coroutine (#5) and callback "
        "(#6) issues, against this run: %s (absent from this run, or at a "
        "smaller size than the target's).  Medians with min–max over "
        "the repetitions.  A comparison pairs the repetitions of the two "
        "runtimes, which ran seconds apart, and gives the median (min–max) "
        "of the per-repetition ratios turned so that 1 or more means the "
        "first is no worse: met when every pair says so and the two "
        "sides' values do not overlap, not met when no pair says so and "
        "they do not overlap, level (within noise) otherwise, as this run "
        "cannot tell the two apart; without "
        "a repetition in common the medians decide and overlapping ranges "
        "are noted.  A timer bound that the bare floor of the same run "
        "misses too is not measurable here; the runtime's paired ratio to "
        "the floor shows what the runtime adds.  Server CPU per message "
        "rows are supporting evidence: the server's own CPU time per "
        "message, whatever the host does with the load generator." %
        ", ".join("%d %s" % (n, name) for name, n in tally(table)))
