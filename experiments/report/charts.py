"""One chart per question a reader brings, drawn for people.

Each chart's title asks its question (how much memory does a waiting task
cost?), its axes say what is measured in words with the unit, a value
axis goes logarithmic when the values span a decade or more, and the
key ratio (how many times the best runtime the others are) is written on
the chart.  Runtimes and peers keep the colour and marker style.py gives
them; a runtime's variants (coroutines on one compact stack) keep its
colour with another line style.

Two shapes serve every question:
  - lines against a swept parameter (tasks, connections, queue size): a
    line joins only neighbouring points that were both measured, so a
    point that was not measured, or failed, leaves a gap (a failed one
    is marked with an x on the axis floor);
  - dots: a row per situation (a kind of wait, a timer count), a dot per
    runtime at its median with its min-max range, a "x k" beside each
    dot that is not the row's best.
A question whose data the run lacks (--only, --runtimes) gets no chart.
Each chart is written as SVG (for report.html) and PNG (for report.md)
under plots/; question_charts says which were drawn.
"""

import math
import os
import types

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)
from matplotlib.ticker import (FuncFormatter, LogLocator,  # noqa: E402
                               NullFormatter)

import codecost  # noqa: E402
import style  # noqa: E402
from results import runtime_key, sort_value  # noqa: E402
from units import higher_is_better, human  # noqa: E402

# Deterministic SVG: text stays text, ids do not change between runs.
matplotlib.rcParams["svg.fonttype"] = "none"
matplotlib.rcParams["svg.hashsalt"] = "tvc"

LOG_SPAN = 10  # values spanning this factor get a log axis


def _count(n):
    """1000000 as '1 M', 1500 as '1.50 k': a count in words."""
    return human(n, "count")


def _tick(value, figure):
    """A tick label: the value in its unit, without trailing zeros."""
    text = human(value, figure)
    num, _, unit = text.partition(" ")
    if "." in num:
        num = num.rstrip("0").rstrip(".")
    return (num + " " + unit).strip()


def _matching(run, experiment, workload, where):
    """Groups of (experiment, workload) whose parameters include where."""
    out = []
    for wl in run.workloads:
        if (wl.experiment, wl.workload) != (experiment, workload):
            continue
        for g in wl.groups:
            params = g.params
            if all(params.get(k) == v for k, v in where.items()):
                out.append(g)
    return out


def _ratio(best, value, figure):
    """How many times worse than best value is (≥ 1), or None."""
    if best is None or best <= 0 or value <= 0:
        return None
    return best / value if higher_is_better(figure) else value / best


def _times(r):
    return "%.1f×" % r if r < 10 else "%.0f×" % r


# A ratio this close to 1 is a tie on a shared host: not annotated.
TIE = 1.05


# ---- the picture --------------------------------------------------------

class Chart:
    """One figure: the question as its title, what is shown under it, the
    run in a caption; saved as SVG and PNG."""

    def __init__(self, question, shown, npanels=1, height=4.6, width=8.6):
        self.fig, axes = plt.subplots(
            1, npanels, squeeze=False, figsize=(
                (width - 1) * npanels ** 0.75 + 1, height))
        self.axes = list(axes[0])
        self.height = height
        # Title and subtitle a fixed distance from the top, whatever the
        # height: 0.12 and 0.45 inches.
        self.fig.suptitle(question, fontsize=13, fontweight="bold",
                          x=0.01, ha="left", y=1 - 0.12 / height,
                          va="top")
        self.fig.text(0.01, 1 - 0.45 / height, shown, fontsize=9,
                      color="#333333", ha="left", va="top", wrap=True)

    def save(self, outdir, key, caption):
        self.fig.text(0.01, 0.01, caption, fontsize=7.5, color="#555555",
                      ha="left", va="bottom")
        self.fig.tight_layout(rect=(0, 0.3 / self.height, 1,
                                    1 - 0.65 / self.height))
        for ext in ("svg", "png"):
            path = os.path.join(outdir, "%s.%s" % (key, ext))
            tmp = "%s.tmp.%d" % (path, os.getpid())
            self.fig.savefig(tmp, format=ext, dpi=100,
                             metadata={"Date": None} if ext == "svg"
                             else None)
            os.replace(tmp, path)
        plt.close(self.fig)


def _value_axis(axis, figure, values, words):
    """An axis of figure's values: log when they span LOG_SPAN, ticks in
    the figure's unit, the label in words."""
    pos = [v for v in values if v > 0]
    log = len(pos) == len(values) and pos and max(pos) / min(pos) >= LOG_SPAN
    axis.set_label_text(words + (" — log scale" if log else ""))
    if log:
        if axis.axis_name == "x":
            axis.axes.set_xscale("log")
        else:
            axis.axes.set_yscale("log")
        if "bytes" in figure:  # sizes read best in powers of two
            axis.set_major_locator(LogLocator(base=2, numticks=10))
        elif max(pos) / min(pos) < 200:  # 1-2-5 steps, not just 10s
            axis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        if axis.axis_name == "x":  # room for the "×k" right of a dot
            axis.axes.set_xlim(min(pos) / 1.3, max(pos) * 1.8)
    elif axis.axis_name == "x":
        axis.axes.set_xlim(left=0, right=max(values + [0]) * 1.2 or 1)
    else:
        axis.axes.set_ylim(bottom=0, top=max(values + [0]) * 1.15 or 1)
    axis.set_major_formatter(FuncFormatter(lambda v, _p: _tick(v, figure)))
    axis.set_minor_formatter(NullFormatter())


# ---- lines against a swept parameter -----------------------------------

def _series(run, sources, x, split):
    """[(runtime, variant text, {x: Group})]: a line per runtime and
    variant (the values of split's parameters that differ from split's,
    and the source's own variant words)."""
    out = {}
    for experiment, workload, where, variant in sources:
        for g in _matching(run, experiment, workload, where):
            params = g.params
            if x not in params:
                continue
            words = [variant] if variant else []
            words += ["%s=%s" % (k, params[k]) for k in split
                      if k in params and params[k] != split[k]]
            key = (g.runtime, ", ".join(words))
            out.setdefault(key, {})[params[x]] = g
    return [(rt, var, pts) for (rt, var), pts in sorted(
        out.items(), key=lambda kv: (runtime_key(kv[0][0]), kv[0][1]))]


def along(pts, xs, figure):
    """A line's Stats at each of xs (None where it has no value: a point it
    did not run, or one that failed), and the xs where it failed."""
    ys, failed = [], []
    for xv in xs:
        g = pts.get(xv)
        st = g.stats.get(figure) if g else None
        ys.append(st)
        if g is not None and st is None and g.failures:
            failed.append(xv)
    return ys, failed


def lines(run, spec, outdir, caption):
    """A line chart of spec's panels against spec['x']; False when the run
    has nothing to draw."""
    series = _series(run, spec["sources"], spec["x"], spec.get("split", {}))
    panels = [(f, w) for f, w in spec["panels"]
              if any(f in g.stats for _, _, pts in series
                     for g in pts.values())]
    if not panels:
        return False
    shown = spec["shown"]
    if any(variant for _, variant, _ in series):
        shown += spec.get("variants_shown", "")
    chart = Chart(spec["question"], shown, len(panels))
    xs_all = sorted({xv for _, _, pts in series for xv in pts},
                    key=sort_value)
    for ax, (figure, words) in zip(chart.axes, panels):
        variants, values, failed = {}, [], []
        for runtime, variant, pts in series:
            ys, broke = along(pts, xs_all, figure)
            failed += [(xv, runtime) for xv in broke]
            if not any(ys):
                continue
            n = variants.setdefault(runtime, [])
            n.append(variant)
            med = [s.median if s else math.nan for s in ys]
            lo = [s.median - s.min if s else 0 for s in ys]
            hi = [s.max - s.median if s else 0 for s in ys]
            name = style.label(runtime) + (", " + variant if variant else "")
            # NaN breaks the line: no segment crosses an unmeasured point.
            ax.errorbar(xs_all, med, yerr=[lo, hi], label=name,
                        color=style.colour(runtime),
                        marker=style.marker(runtime), ms=6, capsize=3,
                        linewidth=1.8,
                        linestyle=style.line_style(len(n) - 1))
            values += [s.min for s in ys if s] + [s.max for s in ys if s]
        for xv, runtime in failed:
            ax.plot([xv], [0.02], marker="x", ms=9, mew=2, linestyle="",
                    color=style.colour(runtime),
                    transform=ax.get_xaxis_transform(), clip_on=False,
                    label="%s: failed here" % style.label(runtime))
        _value_axis(ax.yaxis, figure, values, words)
        _value_axis(ax.xaxis, spec["x_figure"], [float(v) for v in xs_all],
                    spec["x_words"])
        ax.set_xticks(xs_all)
        ax.set_xlim(auto=True)
        ax.grid(True, which="major", alpha=0.3)
        _key_ratio(ax, series, figure, spec)
    # One legend for every panel, each name once.
    named = {}
    for ax in chart.axes:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            named.setdefault(label, handle)
    named = dict(sorted(named.items(), key=lambda kv: "failed" in kv[0]))
    chart.axes[-1].legend(list(named.values()), list(named), fontsize=8,
                          loc="center left", bbox_to_anchor=(1.01, 0.5))
    chart.save(outdir, spec["key"], caption)
    return True


def _key_ratio(ax, series, figure, spec):
    """Where the most runtimes (their plain variant) were measured, the
    largest such x if several, and at least two: the best and how many
    times worse each other one is."""
    plain = {}
    for runtime, variant, pts in series:
        if variant or runtime in plain:
            continue
        plain[runtime] = {xv: g.stats[figure] for xv, g in pts.items()
                          if figure in g.stats}
    xs = sorted({xv for pts in plain.values() for xv in pts},
                key=lambda xv: (sum(xv in pts for pts in plain.values()),
                                sort_value(xv)))
    for xv in reversed(xs):
        got = [(rt, pts[xv].median) for rt, pts in plain.items()
               if xv in pts]
        if len(got) < 2:
            continue
        pick = max if higher_is_better(figure) else min
        best_rt, best = pick(got, key=lambda p: p[1])
        parts = ["at %s %s, best: %s (%s)" % (
            _count(xv), spec["x_unit"], style.label(best_rt),
            human(best, figure))]
        for rt, v in got:
            r = _ratio(best, v, figure)
            if rt != best_rt and r is not None and r >= TIE:
                parts.append("%s %s %s" % (style.label(rt), _times(r),
                                           spec["worse"]))
        # Above the panel, where it hides no data.
        ax.set_title(parts[0] + ("\n" + ", ".join(parts[1:])
                                 if parts[1:] else ""),
                     fontsize=8.5, loc="left")
        return


# ---- dots: a row per situation -----------------------------------------

def _rows(run, spec):
    """[(row label, [(runtime, Stat)])] over spec's sources (experiment,
    workload, where, label of a point's parameters, and the figure when
    not spec's), rows in the run's order of points; a row no runtime
    measured is left out."""
    rows = {}
    for source in spec["sources"]:
        experiment, workload, where, name = source[:4]
        figure = source[4] if len(source) > 4 else spec["figure"]
        for g in _matching(run, experiment, workload, where):
            if figure not in g.stats:
                continue
            label = name(g.params)
            rows.setdefault(label, []).append((g.runtime, g.stats[figure]))
    return [(label, sorted(got, key=lambda p: runtime_key(p[0])))
            for label, got in rows.items()]


def dots(spec, rows, outdir, caption):
    """The dot chart of rows [(label, [(name, Stat)])]; False when empty."""
    if not rows:
        return False
    figure = spec["figure"]
    names = []  # in the order of first appearance: rows list runtimes
    for _, got in rows:  # in their usual order
        names += [n for n, _ in got if n not in names]
    chart = Chart(spec["question"], spec["shown"], width=10,
                  height=2.2 + 0.42 * len(rows) * max(1, len(names) / 2.5))
    ax = chart.axes[0]
    gap = 0.7 / max(len(names), 1)
    values = []
    for i, name in enumerate(names):
        ys, med, lo, hi = [], [], [], []
        for j, (_, got) in enumerate(rows):
            st = dict(got).get(name)
            if st is None:
                continue
            ys.append(j + (i - (len(names) - 1) / 2) * gap)
            med.append(st.median)
            lo.append(st.median - st.min)
            hi.append(st.max - st.median)
            values += [st.min, st.max]
        ax.errorbar(med, ys, xerr=[lo, hi], linestyle="", ms=7, capsize=2,
                    marker=style.marker(name), color=style.colour(name),
                    label=style.label(name))
    _value_axis(ax.xaxis, figure, values, spec["x_words"])
    for j, (_, got) in enumerate(rows):
        _row_ratios(ax, j, got, names, gap, figure)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([label for label, _ in rows])
    ax.set_ylim(len(rows) - 0.5, -0.5)  # first row on top
    ax.grid(True, axis="x", which="major", alpha=0.3)
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    chart.save(outdir, spec["key"], caption)
    return True


def _row_ratios(ax, j, got, names, gap, figure):
    """'×k' right of each dot of row j that is not the row's best."""
    if len(got) < 2:
        return
    pick = max if higher_is_better(figure) else min
    best = pick(st.median for _, st in got)
    for name, st in got:
        r = _ratio(best, st.median, figure)
        if r is None or r < TIE:
            continue
        i = names.index(name)
        ax.annotate(_times(r), (st.max, j + (i - (len(names) - 1) / 2) * gap),
                    xytext=(6, 0), textcoords="offset points", fontsize=7.5,
                    va="center", color=style.colour(name))


# ---- the questions ------------------------------------------------------

def _kind(params):
    words = str(params.get("kind", "?"))
    if params.get("mode") not in (None, "api"):
        words += " (%s)" % params["mode"]
    return words


def _through(params):
    return "through a %s" % params["mode"] if "mode" in params else \
        "token passing"


def _timers(params):
    words = "%s timers" % _count(params.get("tasks", 0))
    if params.get("start_ns"):
        words += ", spread over %s" % human(params.get("max_sleep_ns", 0),
                                            "ns")
    if params.get("rt_priority"):
        words += ", SCHED_FIFO"
    return words


def _offload(params):
    what = {"hash": "hashing", "sleep": "a blocking sleep"}.get(
        params.get("work"), str(params.get("work")))
    return "%s %s" % (what, "in the executor" if params.get("offload")
                      else "on the loop's thread")


LINES = [
    dict(key="memory", question="How much memory does a waiting task cost?",
         shown="Resident memory (RSS) per idle task, against the number of "
         "tasks alive at once.",
         variants_shown=" Dashed: coroutines sharing one compact stack.",
         sources=[("memory", "idle", {}, "")], split={"stack": "private"},
         x="tasks", x_figure="count", x_words="tasks alive at once",
         x_unit="tasks", worse="the memory",
         panels=[("bytes_per_task_rss", "RSS per task (bytes)")]),
    dict(key="servers", question="How many requests can an echo server "
         "answer, and how fast?",
         shown="64-byte echo, closed loop: throughput and p99 round trip "
         "against concurrent connections; server and load generator "
         "on a CPU each.",
         sources=[("servers", "echo", {}, "")],
         x="connections", x_figure="count", x_words="connections",
         x_unit="connections", worse="worse",
         panels=[("load.msgs_per_s", "messages answered per second"),
                 ("load.rtt_p99_ns", "round trip, p99")]),
    dict(key="pipelines", question="How fast do items flow through a "
         "pipeline of tasks?",
         shown="Items per second through a chain of tasks joined by bounded "
         "queues, against the queues' size.",
         sources=[("pipeline", "pipeline", {}, "")], x="queue_size",
         x_figure="count", x_words="queue size (items)",
         x_unit="queue slots", worse="slower",
         panels=[("items_per_s", "items per second"),
                 ("item_p99_ns", "time through the pipeline, p99")]),
]

DOTS = [
    dict(key="spawn", question="How long does starting a task take?",
         shown="Spawn a task, let it run, join it: time per task, one at a "
         "time and with a batch of tasks alive at once.",
         figure="spawn_join_ns", x_words="time per spawn + run + join",
         sources=[("switching", "spawn", {}, lambda p: "one at a time"),
                  ("switching", "spawn", {},
                   lambda p: "%s at once" % _count(p.get("batch", 0))
                   if "batch" in p else "in batches",
                   "spawn_join_batched_ns")]),
    dict(key="wakeup", question="How long does waking a waiting task take?",
         shown="Two tasks pass a token back and forth: median round trip "
         "(two wake-ups).",
         figure="round_trip_p50_ns", x_words="round trip, median",
         sources=[("switching", "pingpong", {}, _through),
                  ("switching-one-cpu", "pingpong", {},
                   lambda p: _through(p) + ", one CPU")]),
    dict(key="timers", question="How late do timers fire?",
         shown="Lateness p99 of many pending timers; the epoll floor fires "
         "the same deadlines from a bare loop in the same run.",
         figure="lateness_p99_ns", x_words="lateness, p99",
         sources=[("timers", "timers", {}, _timers)]),
    dict(key="cancel", question="How long from cancel() to the task's "
         "cleanup?",
         shown="One task waiting in each kind of call is cancelled: p99 time "
         "until its cleanup ran.",
         figure="cancel_to_cleanup_p99_ns", x_words="cancel to cleanup, p99",
         sources=[("cancellation", "cancel", {"tasks": 1}, _kind)]),
    dict(key="responsiveness", question="Does blocking work stall the "
         "other tasks?",
         shown="A ticker task's worst lateness while other tasks hash or "
         "sleep, on the loop's thread or in the executor.",
         figure="tick_lateness_max_ns", x_words="worst tick lateness",
         sources=[("executor", "executor", {}, _offload)]),
]


def _codecost_rows():
    header, table = codecost.table()
    out = []
    for r in table:
        def stat(text):
            v = float(text)
            return types.SimpleNamespace(median=v, min=v, max=v)
        out.append((r[0], [("direct style", stat(r[1])),
                           ("callback", stat(r[3]))]))
    return out


CODECOST = dict(key="codecost", question="How much more code is the "
                "callback style?",
                shown="Lines of each workload without blanks and comments: "
                "direct style (shared by threaded and coroutine) against "
                "continuation-passing style (callback).",
                figure="lines", x_words="lines of code")


# The questions in the order a reader asks them.
ORDER = ["memory", "spawn", "wakeup", "timers", "servers", "cancel",
         "responsiveness", "pipelines", "codecost"]


def question_charts(run, outdir):
    """Draws every question's chart the run has data for into
    outdir/plots; returns {question key: 'plots/<key>.png'}."""
    plots = os.path.join(outdir, "plots")
    os.makedirs(plots, exist_ok=True)
    caption = "%s — run %s.  Median of the repetitions; bars: min–max." % (
        run.machine(), run.name)
    drawn = []
    for spec in LINES:
        if lines(run, spec, plots, caption):
            drawn.append(spec["key"])
    for spec in DOTS:
        if dots(spec, _rows(run, spec), plots, caption):
            drawn.append(spec["key"])
    if dots(CODECOST, _codecost_rows(), plots,
            "Counted from the repository at commit %s." % codecost.commit()):
        drawn.append("codecost")
    keys = ORDER
    for key in keys:  # a chart an older report drew, not redrawn now
        if key not in drawn:
            for ext in ("svg", "png"):
                path = os.path.join(plots, "%s.%s" % (key, ext))
                if os.path.exists(path):
                    os.remove(path)
    return {k: "plots/%s.png" % k for k in keys if k in drawn}


def charts_section(charts):
    """report.md's lines showing the charts question_charts drew (none
    when it drew none: no empty section)."""
    if not charts:
        return []
    out = ["## Charts", "",
           "One chart per question; every table and plot behind them is in "
           "the sections below, the plots in plots/appendix/.", ""]
    questions = {s["key"]: s["question"] for s in LINES + DOTS + [CODECOST]}
    for key in ORDER:
        if key in charts:
            out += ["![%s](%s)" % (questions[key], charts[key]), ""]
    return out
