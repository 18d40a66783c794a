"""The tables of a run, as rows of strings, for report.md and the terminal.

One table per (experiment, workload): a line per (point, figure), a
column per runtime.  A cell holds the median over the good repetitions,
their spread and the ratio to the best runtime at that point ("best", or
"×2.5" for 2.5 times worse; lower is better except for rates).  Only
figures with a unit (ns, bytes, per_s) get ratios: a count such as
connections or errors is not better for being lower.  The
workload's own figures and the latency percentiles a reader compares go
in the main table; process accounting (memory probes, rusage, wall time)
in a second one.  Every number comes from the run's rows.
"""

from results import is_accounting, measure, point_label, ratio_to_best
from units import figure_label, human, system_wide, unit_of

# Latency statistics shown in tables; summary.csv keeps them all.
SHOWN_STATS = ("p50", "p99", "p999", "max")


def shown(figure):
    """Whether a table shows figure (other latency statistics are only in
    summary.csv, the plots and compare)."""
    if figure.endswith("_ns"):
        for stat in ("mean", "min", "p90", "p9999"):
            if figure.endswith("_%s_ns" % stat):
                return False
    return True


def _ratio(workload, group, figure):
    """'best', '×2.50' or '' where a ratio would mislead: a count without
    a unit (connections, errors) is not better when lower."""
    best = workload.best(group.point, figure)
    rivals = sum(1 for g in workload.groups
                 if g.point == group.point and figure in g.stats)
    if best is None or rivals < 2 or not unit_of(figure):
        return ""  # the only runtime with a value is nobody's best
    r = ratio_to_best(best[1], group.stats[figure].median, figure)
    if r is None:
        return ""
    if r == 1.0:  # the best, or tied with it
        return "best"
    return "×%.2f" % r if r < 10 else "×%.0f" % r


def cell(workload, group, figure, terminal):
    """'1.20 µs (1.10–1.30) ×2.5' for markdown, '1.20 µs ±8% ×2.5' for a
    terminal; '—' when the point has no good repetition."""
    if group is None or figure not in group.stats:
        return "—"
    st = group.stats[figure]
    if st.median < 0 and system_wide(figure):
        return "≈ 0 (below noise)"
    text = human(st.median, figure)
    if st.n > 1 and terminal:
        spread = max(st.max - st.median, st.median - st.min)
        if st.median:
            text += " ±%.0f%%" % (100.0 * spread / abs(st.median))
    elif st.n > 1:
        text += " (%s–%s)" % (human(st.min, figure, False, st.median),
                              human(st.max, figure, False, st.median))
    if st.n < len(group.rows):
        text += " n=%d" % st.n
    ratio = _ratio(workload, group, figure)
    return text + (" " + ratio if ratio else "")


def table(workload, accounting, terminal=False):
    """(header, rows) of a workload's main or accounting table; rows is
    empty when there is nothing to show."""
    runtimes = workload.runtimes
    swept = bool(workload.varying)
    header = (["point"] if swept else []) + ["figure"] + runtimes
    rows = []
    for point in workload.points:
        for figure in workload.figures():
            if is_accounting(figure) != accounting or not shown(figure):
                continue
            groups = [workload.group(rt, point) for rt in runtimes]
            if not any(g and figure in g.stats for g in groups):
                continue
            line = ([point_label(point)] if swept else []) + [
                figure_label(figure)]
            rows.append(line + [cell(workload, g, figure, terminal)
                                for g in groups])
    return header, rows


def constants(workload):
    """'rounds=10000, size_bytes=64': parameters shared by every point."""
    return ", ".join("%s=%s" % kv for kv in workload.constant.items())


def hyperfine_rows(run):
    """(header, rows) of every hyperfine export of the run."""
    header = ["command", "mean ± σ", "median", "min–max", "user", "system",
              "runs"]
    rows = []
    for _, results in run.hyperfine:
        for r in results:
            def t(key, res=r):
                v = res.get(key)
                return human(v * 1e9, "t_ns") if measure(v) else "—"
            times = r.get("times")
            rows.append([str(r.get("command", "?")),
                         "%s ± %s" % (t("mean"), t("stddev")), t("median"),
                         "%s–%s" % (t("min"), t("max")), t("user"),
                         t("system"),
                         str(len(times)) if isinstance(times, list) else "—"])
    return header, rows
