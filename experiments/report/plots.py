"""The plots of a run: a chart per question, and the appendix's plots.

question_charts (charts.py) draws the charts a reader looks at first,
one per question, into plots/.  The appendix's plots, in plots/appendix/,
are chosen from the shape of the data and name no workload.  For each
(experiment, workload):
  - figures against a numeric parameter that varies (bytes per task vs N,
    throughput vs connections): lines per runtime, min–max error bars,
    log scales when the values span decades;
  - latency histograms: percentile curves p50 … p99.99 and max per
    runtime on a "nines" axis (one panel per point of a sweep);
  - figures or latencies against a parameter with named values (a blocking
    kind): grouped bars per runtime, p50 and p99 for latencies;
  - figures of an unswept workload (spawn cost): one bar per runtime.
Each plot has a title, units on its axes, a legend per runtime, the same
colour for a runtime everywhere (style.py) and the machine in a caption.
"""

import math
import os
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)
from matplotlib.ticker import (FuncFormatter, LogLocator,  # noqa: E402
                               MultipleLocator, NullLocator)

from results import (PERCENTILES, is_accounting,  # noqa: E402
                     point_label, replacing, runtime_key, sort_value)
from units import axis_label, figure_label, human, unit_of  # noqa: E402
import charts  # noqa: E402
import style  # noqa: E402

MAX_PANELS = 4  # per picture; more figures make more pictures
NINES = [("p50", "50"), ("p90", "90"), ("p99", "99"), ("p999", "99.9"),
         ("p9999", "99.99"), ("max", "max")]
LATENCY = re.compile(r"^(.*)_(p50|p90|p99|p999|p9999|max|mean|min)_ns$")


def _slug(text):
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")


def _numeric(values):
    return all(isinstance(v, (int, float)) and not isinstance(v, bool)
               for v in values)


def _spans_decades(values, ratio=20):
    """Whether positive values span enough for a log scale to help."""
    pos = [v for v in values if v > 0]
    return len(pos) == len(values) and pos and max(pos) / min(pos) >= ratio


def _tick(value, figure):
    """A tick label: the humanised value without trailing zeros."""
    if value == 0:
        return "0"
    m = re.match(r"^(-?\d+)(\.\d*?)0*( .*)?$", human(value, figure))
    if not m:
        return human(value, figure)
    frac = m.group(2) if m.group(2) != "." else ""
    return m.group(1) + frac + (m.group(3) or "")


def _value_axis(ax, figure, values, log, ratio=20):
    """Units and scale of the axis that carries a figure's values: log
    when log is allowed and they span ratio or more, sizes ticked in
    powers of two."""
    ax.set_ylabel(figure + axis_label(figure))
    # Sizes and sizes per second tick at powers of two (1 KiB, 2 KiB).
    bytes_ = "bytes" in figure.split(".")[-1].split("_")
    if log and values and _spans_decades(values, ratio):
        ax.set_yscale("log")
        decades = math.log10(max(values) / min(values))
        if bytes_:
            ax.yaxis.set_major_locator(LogLocator(base=2, numticks=8))
        elif decades <= 3:  # few decades: label 1-2-5 steps, not just 10s
            ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    else:
        top = max(values) * 1.1 if values and max(values) > 0 else 1
        ax.set_ylim(bottom=0, top=top)
        if bytes_ and top > 0:
            step = 2 ** math.floor(math.log2(top / 4))
            ax.yaxis.set_major_locator(MultipleLocator(max(step, 1)))
    ax.yaxis.set_major_formatter(FuncFormatter(
        lambda v, _pos: _tick(v, figure)))
    ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _p: ""))


def _legend(ax):
    """A legend when the panel drew something to name."""
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8)


class Picture:
    """A file with up to MAX_PANELS panels, a title and a caption."""

    def __init__(self, npanels, title, sharey=False):
        cols = 1 if npanels == 1 else 2
        rows = math.ceil(npanels / cols)
        self.fig, axes = plt.subplots(rows, cols, squeeze=False,
                                      sharey=sharey,
                                      figsize=(6.4 * cols, 3.9 * rows + 1.1))
        self.axes = [a for row in axes for a in row]
        for extra in self.axes[npanels:]:
            extra.set_visible(False)
        self.fig.suptitle(title, fontsize=12, fontweight="bold")

    def save(self, path, caption):
        self.fig.text(0.5, 0.01, caption, ha="center", va="bottom",
                      fontsize=7.5, color="#444444", wrap=True)
        self.fig.tight_layout(rect=(0, 0.05, 1, 0.95))
        try:
            with replacing(path) as tmp:
                self.fig.savefig(tmp, format="png", dpi=100)
        finally:
            plt.close(self.fig)


class Plotter:
    """Draws every plot of a run into DIR/plots."""

    def __init__(self, run, outdir):
        self.run = run
        self.outdir = outdir
        self.made = []  # (file name, one-line description)
        self.caption_base = "%s — run %s" % (run.machine(), run.name)

    def caption(self, wl, what):
        const = ", ".join("%s=%s" % kv for kv in wl.constant.items())
        return "%s; %s%s" % (self.caption_base, what,
                             "; " + const if const else "")

    def _save(self, pic, wl, kind, caption, description):
        name = "%s.png" % _slug("%s-%s-%s" % (wl.experiment, wl.workload,
                                               kind))
        pic.save(os.path.join(self.outdir, name), caption)
        self.made.append((name, description))

    def workload(self, wl):
        # Rates and times first, sizes next; a figure that is zero
        # everywhere (no errors) has nothing to draw.
        rank = {"per_s": 0, "ns": 1, "bytes": 2, "": 3}
        figures = sorted(
            (f for f in wl.figures() if not is_accounting(f) and any(
                g.stats[f].max != 0 or g.stats[f].min != 0
                for g in wl.groups if f in g.stats)),
            key=lambda f: rank[unit_of(f)])
        # Counts (requests, connections) stay in the tables when there are
        # measures with units to draw.
        if any(unit_of(f) for f in figures):
            figures = [f for f in figures if unit_of(f)]
        hists = []
        scalars = []
        for f in figures:
            m = LATENCY.match(f)
            if m:
                if m.group(1) not in hists:
                    hists.append(m.group(1))
            else:
                scalars.append(f)
        values = {k: {dict(p).get(k) for p in wl.points} for k in wl.varying}
        numeric = [k for k in wl.varying if _numeric(values[k])]
        named = [k for k in wl.varying if k not in numeric]
        x_num = max(numeric, key=lambda k: len(values[k]), default=None)
        # A line needs three points to show a trend; with fewer, values
        # with names (a blocking kind) make the better axis.
        if named and (x_num is None or len(values[x_num]) < 3):
            x = max(named, key=lambda k: len(values[k]))
            if scalars:
                self.bars(wl, x, scalars)
            for h in hists:
                self.bars(wl, x, ["%s_p50_ns" % h, "%s_p99_ns" % h], h)
                if len(wl.points) <= MAX_PANELS:  # the whole distribution
                    self.percentiles(wl, h, x)
        elif x_num:
            # Throughput, then tail latency, beside the workload's own.
            p99 = ["%s_p99_ns" % h for h in hists]
            sweep = sorted(scalars + p99, key=lambda f: 0.5 if f in p99
                           else rank[unit_of(f)])
            self.sweep(wl, x_num, sweep)
            for h in hists:
                self.percentiles(wl, h, x_num)
        else:
            if scalars:
                self.bars(wl, None, scalars)
            for h in hists:
                self.percentiles(wl, h, None)

    def _series(self, wl, x):
        """(runtime, label, {x value: group}) per line: a runtime, split
        by the other varying parameters' values."""
        out = {}
        for g in wl.groups:
            rest = tuple(kv for kv in g.point if kv[0] != x)
            label = g.runtime + ("  " + point_label(rest) if rest else "")
            key = (g.runtime, rest)
            if key not in out:
                out[key] = (g.runtime, label, {})
            xv = dict(g.point).get(x) if x else None
            out[key][2][xv] = g
        return [out[k] for k in sorted(out, key=lambda k: (
            runtime_key(k[0]), [sort_value(v) for _, v in k[1]]))]

    def sweep(self, wl, x, figures):
        series = self._series(wl, x)
        for start in range(0, len(figures), MAX_PANELS):
            part = figures[start: start + MAX_PANELS]
            pic = Picture(len(part), "%s / %s: against %s" % (
                wl.experiment, wl.workload, x))
            for ax, figure in zip(pic.axes, part):
                ys_all, xs_all = [], []
                styles = {}
                failed = []
                # Every x of the panel: a line has a gap (NaN) where its
                # point was not measured or failed, never a bridge.
                xs_panel = sorted({xv for _, _, by_x in series
                                   for xv in by_x}, key=sort_value)
                for runtime, label, by_x in series:
                    ys, broke = charts.along(by_x, xs_panel, figure)
                    failed += [(xv, runtime, label) for xv in broke]
                    if not any(ys):
                        continue
                    med = [s.median if s else math.nan for s in ys]
                    err = [[s.median - s.min if s else 0 for s in ys],
                           [s.max - s.median if s else 0 for s in ys]]
                    nth = styles.setdefault(runtime, 0)
                    styles[runtime] += 1
                    ax.errorbar(xs_panel, med, yerr=err, label=label,
                                marker=style.marker(runtime), ms=4,
                                capsize=3, linestyle=style.line_style(nth),
                                color=style.colour(runtime))
                    ys_all += [s.max for s in ys if s] + [
                        s.min for s in ys if s]
                    xs_all += [xv for xv, s in zip(xs_panel, ys) if s]
                ax.set_title(figure_label(figure), fontsize=10)
                ax.set_xlabel(x)
                if xs_all and _spans_decades(xs_all, 10):
                    ax.set_xscale("log")
                xs_set = sorted(set(xs_all))
                if 0 < len(xs_set) <= 8:  # tick the values measured
                    ax.set_xticks(xs_set)
                    ax.xaxis.set_minor_locator(NullLocator())
                    ax.xaxis.set_major_formatter(FuncFormatter(
                        lambda v, _pos, name=x: _tick(v, name)))
                _value_axis(ax, figure, ys_all, log=True)
                self._failed_marks(ax, failed)
                ax.grid(True, which="major", alpha=0.3)
                _legend(ax)
            kind = "vs-%s%s" % (x, "-%d" % (start // MAX_PANELS + 1)
                                if len(figures) > MAX_PANELS else "")
            self._save(pic, wl, kind, self.caption(
                wl, "median of the repetitions, bars: min–max"),
                "%s against %s, per runtime" % (", ".join(part), x))

    @staticmethod
    def _failed_marks(ax, failed):
        """An x on the axis floor where a runtime's point has no good
        repetition (a crash, a limit), so a line that stops says why."""
        done = set()
        for xv, runtime, name in failed:
            label = None if name in done else name + " failed"
            done.add(name)
            ax.plot([xv], [0.03], marker="x", ms=9, mew=2, linestyle="",
                    color=style.colour(runtime), label=label,
                    transform=ax.get_xaxis_transform(), clip_on=False)

    def percentiles(self, wl, hist, x):
        """Percentile curves of one histogram; a panel per point."""
        runtimes = wl.runtimes
        points = wl.points
        if len(points) > MAX_PANELS:  # the ends and evenly in between
            step = (len(points) - 1) / (MAX_PANELS - 1)
            points = [points[round(i * step)] for i in range(MAX_PANELS)]
        pos = [-math.log10(1 - PERCENTILES[s] / 100) if s in PERCENTILES
               else None for s, _ in NINES]
        pos[-1] = pos[-2] + 1  # max, one step past the last percentile
        pic = Picture(len(points), "%s / %s: %s percentiles" % (
            wl.experiment, wl.workload, hist), sharey=True)
        vals = []
        for ax, point in zip(pic.axes, points):
            for runtime in runtimes:
                g = wl.group(runtime, point)
                if g is None:
                    continue
                got = [(p, g.stats["%s_%s_ns" % (hist, s)]) for p, (s, _) in
                       zip(pos, NINES) if "%s_%s_ns" % (hist, s) in g.stats]
                if not got:
                    continue
                xs = [p for p, _ in got]
                c = style.colour(runtime)
                ax.plot(xs, [s.median for _, s in got], marker="o", ms=4,
                        color=c, label=runtime)
                ax.fill_between(xs, [s.min for _, s in got],
                                [s.max for _, s in got], color=c, alpha=0.2)
                vals += [s.min for _, s in got] + [s.max for _, s in got]
            ax.set_xticks(pos)
            ax.set_xticklabels([n for _, n in NINES])
            ax.set_xlabel("percentile")
            if x:
                ax.set_title(point_label(point), fontsize=10)
            ax.grid(True, which="major", alpha=0.3)
            _legend(ax)
        # The panels share one scale, so points compare at a glance.
        _value_axis(pic.axes[0], "%s_ns" % hist, vals, log=True)
        for ax in pic.axes:
            ax.set_ylabel("%s (ns)" % hist)
        self._save(pic, wl, "%s-percentiles" % hist, self.caption(
            wl, "median of the repetitions per percentile, band: min–max"),
            "%s latency percentiles (p50 … p99.99, max) per runtime%s" % (
                hist, ", one panel per point" if x else ""))

    def bars(self, wl, x, figures, hist=None):
        """Grouped bars: a group per value of x, a bar per runtime, a
        picture per combination of the other varying parameters; with no
        x, one bar per runtime, named under it."""
        runtimes = wl.runtimes
        rests = []
        for p in wl.points:
            rest = tuple(kv for kv in p if kv[0] != x)
            if rest not in rests:
                rests.append(rest)
        cats = []
        for p in wl.points:
            if dict(p).get(x) not in cats:
                cats.append(dict(p).get(x))
        width = 0.8 / len(runtimes) if x else 0.6
        for n, rest in enumerate(rests):
            for start in range(0, len(figures), MAX_PANELS):
                part = figures[start: start + MAX_PANELS]
                title = "%s / %s: %s" % (
                    wl.experiment, wl.workload,
                    ("%s by %s" % (hist, x)) if hist else
                    ("by %s" % x if x else "per runtime"))
                if rest:
                    title += " (%s)" % point_label(rest)
                pic = Picture(len(part), title)
                # Only the values of x measured beside this combination.
                here = [c for c in cats if any(
                    dict(p).get(x) == c and tuple(
                        kv for kv in p if kv[0] != x) == rest
                    for p in wl.points)]
                for ax, figure in zip(pic.axes, part):
                    self._bar_panel(ax, wl, x, here, rest, figure, width)
                kind = ("%s-by-%s" % (hist, x) if hist else
                        "by-%s" % x if x else "bars")
                if len(rests) > 1:
                    kind += "-%d" % (n + 1)
                if len(figures) > MAX_PANELS:
                    kind += "-%d" % (start // MAX_PANELS + 1)
                self._save(pic, wl, kind, self.caption(
                    wl, "bar: median of the repetitions, whisker: min–max"),
                    "%s%s, per runtime%s" % (
                        ", ".join(part), " by " + x if x else "",
                        " (%s)" % point_label(rest) if rest else ""))

    def _bar_panel(self, ax, wl, x, cats, rest, figure, width):
        runtimes = wl.runtimes
        vals, failed = [], []
        for i, runtime in enumerate(runtimes):
            xs, med, lo, hi = [], [], [], []
            for j, cat in enumerate(cats):
                want = dict(rest, **({x: cat} if x else {}))
                g = wl.group(runtime, tuple((k, want.get(k))
                                            for k in wl.varying))
                pos = j + (i - (len(runtimes) - 1) / 2) * width if x else i
                if g is not None and figure not in g.stats and g.failures:
                    failed.append((pos, runtime, runtime))
                if g is None or figure not in g.stats:
                    continue
                st = g.stats[figure]
                xs.append(pos)
                med.append(st.median)
                lo.append(st.median - st.min)
                hi.append(st.max - st.median)
                vals += [st.min, st.max]
            if xs:
                ax.bar(xs, med, width, yerr=[lo, hi], capsize=3,
                       label=runtime, color=style.colour(runtime))
        if x:
            ax.set_xticks(range(len(cats)))
            ax.set_xticklabels([str(c) for c in cats], fontsize=8,
                               rotation=20 if len(cats) > 5 else 0)
            ax.set_xlabel(x)
        else:
            ax.set_xticks(range(len(runtimes)))
            ax.set_xticklabels(runtimes)
        ax.set_title(figure_label(figure), fontsize=10)
        # Bars stay linear unless short ones would vanish next to tall.
        _value_axis(ax, figure, vals, log=True, ratio=100)
        self._failed_marks(ax, failed)
        ax.grid(True, axis="y", alpha=0.3)
        _legend(ax)


def question_charts(run, directory):
    """Draws a chart per question the run has data for (charts.py) into
    DIRECTORY/plots; returns {question key: 'plots/<key>.png'} for the
    keys memory, spawn, wakeup, timers, servers, cancel, responsiveness,
    pipelines and codecost whose data the run holds."""
    return charts.question_charts(run, directory)


def draw_all(run, directory):
    """Writes every appendix plot into DIRECTORY/plots/appendix (removing
    pictures a previous report left there, and those an older report put
    straight into plots/) and returns [(experiment, workload, file under
    plots/, description)]."""
    outdir = os.path.join(directory, "plots", "appendix")
    os.makedirs(outdir, exist_ok=True)
    out = []
    for wl in run.workloads:
        p = Plotter(run, outdir)
        p.workload(wl)
        out += [(wl.experiment, wl.workload, "appendix/" + name, text)
                for name, text in p.made]
    # Old pictures go only once every new one is written: a write that
    # fails (a full disk) leaves the previous report's plots whole.
    keep = {name[len("appendix/"):] for _, _, name, _ in out}
    for name in os.listdir(outdir):
        if name.endswith(".png") and name not in keep:
            os.remove(os.path.join(outdir, name))
    top = os.path.dirname(outdir)
    for name in os.listdir(top):
        if name.endswith(".png") and name[:-4] not in charts.ORDER:
            os.remove(os.path.join(top, name))
    return out

