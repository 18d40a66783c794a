"""The speed and memory targets, checked against one run.

The targets live in targets.json beside this file, each with the reason
for its bound in words.  Each names where its figure comes from
(experiment, workload, runtime, the point's parameters) and its bound;
the report's Targets appendix gives the run's median (min–max over the
repetitions) and a verdict.  Wherever the run holds a yardstick (the
bare floor, a rival runtime or peer) the bound is a ratio to it measured
in the same run; only where nothing can serve is it absolute.

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

A bound relative to a floor (timer lateness at most 1.1× the bare
loop's, which fires the same deadlines doing nothing else) is checked
repetition by repetition the same way: met when every pair's ratio is
within it, not met when none is, level otherwise.

A quick run does not measure every target at full size, and --only leaves
experiments out: such targets say so.  Every number shown comes from the
run.
"""

import itertools
import json
import os
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


def below(src, limit, inclusive=False):
    """Every matching point's median is below limit (or at most limit);
    the worst point is shown."""
    def under(value):
        return value <= limit if inclusive else value < limit

    def check(run):
        found = src.stats(run)
        if not found:
            return None
        params, st = max(found, key=lambda ps: ps[1].median)
        verdict = MET if under(st.median) else NOT_MET
        size = params.get(src.largest) if src.largest else None
        if src.stated and size != src.stated:
            verdict = "%s at %s=%s (stated at %s)" % (
                verdict, src.largest, size, src.stated)
        return _range(st, src.figure), verdict, src.label(params)
    return check


def _both(run, a, b, joint=None):
    """The Stats of Sources a and b in run, and with joint the two side by
    side in words ('1.2 µs (1.1–1.3)<joint>floor 1 µs (0.9–1.1)'); None
    when either is absent."""
    sa, sb = a.stats(run), b.stats(run)
    if not sa or not sb:
        return None
    sa, sb = sa[0][1], sb[0][1]
    return sa, sb, joint and "%s%s%s %s" % (
        _range(sa, a.figure), joint, style_name(b.runtime),
        _range(sb, b.figure))


def paired_at_most(num, den, limit):
    """num over den (a runtime over the floor of the same run) at most
    limit, repetition by repetition: met when every pair's ratio is, not
    met when none is, level otherwise; the medians decide when no
    repetition pairs up."""
    def check(run):
        both = _both(run, num, den, "; ")
        if both is None:
            return None
        sa, sb, measured = both
        ratios = _ratios(sa, sb)
        if not ratios:
            r = sa.median / sb.median if sb.median > 0 else float("inf")
            return (measured + "; %.2f× (medians)" % r,
                    MET if r <= limit else NOT_MET, num.label())
        if all(r <= limit for r in ratios):
            verdict = MET
        elif all(r > limit for r in ratios):
            verdict = NOT_MET
        else:
            verdict = LEVEL
        return (measured + "; " + _paired(ratios, "%s×"), verdict,
                num.label())
    return check


def style_name(runtime):
    """'epoll floor' for floor: the name the charts give it."""
    return "epoll floor" if runtime == "floor" else runtime


def ratio_at_most(num, den, limit):
    """median(num) / median(den) at most limit."""
    def check(run):
        both = _both(run, num, den)
        if both is None:
            return None
        sa, sb, _ = both
        r = sa.median / sb.median
        return ("%.2f× (%s / %s)" % (r, human(sa.median, num.figure),
                                     human(sb.median, den.figure)),
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
        both = _both(run, ours, theirs, " vs ")
        if both is None:
            return None
        sa, sb, measured = both
        verdict, ratios = paired_comparison(sa, sb, ours.figure)
        if ratios:
            measured += "; " + paired_text(ratios)
        return measured, verdict, ours.label()
    return check


TARGETS_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                            "targets.json")


def _fill(value, subst):
    """value with every '{name}' slot of its strings filled from subst; a
    string that is one slot alone takes the item's value as it is (a
    number stays a number)."""
    if isinstance(value, dict):
        return {k: _fill(v, subst) for k, v in value.items()}
    if isinstance(value, str):
        whole = value[1:-1] if value.startswith("{") and value.endswith(
            "}") and value.count("{") == 1 else None
        if whole in subst:
            return subst[whole]
        return value.format(**subst)
    return value


def _source(spec):
    return Source(spec["experiment"], spec["workload"], spec["runtime"],
                  spec["figure"], spec.get("largest"), spec.get("stated"),
                  **spec.get("where", {}))


def _check(entry):
    kind = entry["check"]
    if kind == "below":
        return below(_source(entry["src"]), entry["limit"],
                     entry.get("inclusive", False))
    if kind == "ratio_at_most":
        return ratio_at_most(_source(entry["num"]), _source(entry["den"]),
                             entry["limit"])
    if kind == "paired_at_most":
        return paired_at_most(_source(entry["num"]), _source(entry["den"]),
                              entry["limit"])
    if kind == "not_behind":
        return not_behind(_source(entry["ours"]), _source(entry["theirs"]))
    raise ValueError("%s: unknown check %r" % (TARGETS_FILE, kind))


class Target:
    """One target: its words, the reason for its bound, its check (run ->
    (measured, verdict, from) or None) and the family it belongs to (its
    own words when it stands alone)."""

    def __init__(self, text, why, check, family):
        self.text, self.why, self.check, self.family = (text, why, check,
                                                        family)


def load(path=TARGETS_FILE):
    """[Target] from the targets file, each entry with 'each' expanded
    into one target per combination."""
    with open(path, encoding="utf-8") as f:
        entries = json.load(f)["targets"]
    out = []
    for entry in entries:
        combos = itertools.product(*entry.get("each", []))
        for combo in combos:
            subst = {}
            for item in combo:
                subst.update(item)
            e = _fill({k: v for k, v in entry.items() if k != "each"},
                      subst)
            out.append(Target(e["target"], e["why"], _check(e),
                              e.get("family", e["target"])))
    return out


TARGETS = load()


def rows(run):
    """Table rows: target, measured, verdict, from."""
    out = []
    for t in TARGETS:
        got = t.check(run)
        if got is None:
            out.append([t.text, "", "not in this run", ""])
        else:
            measured, verdict, where = got
            out.append([t.text, measured, verdict, "`%s`" % where])
    return out


# The classes the summary counts, each with the verdicts it takes; any
# other verdict (at a smaller size than the target's, or absent from the
# run) is not measured as stated.
CLASSES = (("met", (MET, MET + " (ranges overlap)")),
           (LEVEL, (LEVEL,)),
           ("not met", (NOT_MET, NOT_MET + " (ranges overlap)")))
NOT_AS_STATED = "not measured as stated"


def tally(table):
    """[(class, count)] over rows(), in CLASSES' order, then the count
    not measured as stated."""
    out = [(name, sum(1 for r in table if r[2] in verdicts))
           for name, verdicts in CLASSES]
    return out + [(NOT_AS_STATED, len(table) - sum(n for _, n in out))]


def summary(table):
    """The paragraph above the table: each verdict class counted, and how
    to read the Measured column."""
    return (
        "The speed and memory targets of the coroutine and callback "
        "runtimes, against this run: %s (absent from this run, or at a "
        "smaller size than the target's).  Wherever the run holds a "
        "yardstick (the bare epoll floor, a rival runtime or peer), a "
        "target is a ratio to it in the same run.  Medians with min–max "
        "over the repetitions.  A comparison pairs the repetitions of the "
        "two sides, which ran seconds apart, and gives the median "
        "(min–max) of the per-repetition ratios: met when every pair says "
        "so (and, for two runtimes, the two sides' values do not "
        "overlap), not met when no pair says so, level (within noise) "
        "otherwise, as this run cannot tell; without a repetition in "
        "common the medians decide and overlapping ranges are noted.  "
        "Server CPU per message rows are supporting evidence: the "
        "server's own CPU time per message, whatever the host does with "
        "the load generator." %
        ", ".join("%d %s" % (n, name) for name, n in tally(table)))


def targets_appendix(run):
    """report.md's Targets appendix, as markdown lines: the summary, the
    table, and why each bound is what it is."""
    table = rows(run)
    out = ["## Targets", "", summary(table), "",
           "| Target | Measured | Verdict | From |", "|---|---|---|---|"]
    out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |"
            for r in table]
    out += ["", "Why each bound:", ""]
    seen = set()
    for t in TARGETS:
        if t.family not in seen:  # a family of targets shares its reason
            seen.add(t.family)
            out.append("- **%s**: %s" % (t.family, t.why))
    return out + [""]
