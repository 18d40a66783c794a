"""Units of a figure, read from its name, and how to print its values.

A figure's unit lives in its name (docs/DESIGN.md, "Workloads and records"):
`ns` is a time, `bytes` a size, `_per_s` a rate; anything else (a count of
context switches, a ratio) is a plain number.  Rates are better when higher,
every other figure when lower; that one rule drives ratios, "best" and the
direction of a change in compare.
"""

import math


def unit_of(figure):
    """Returns 'ns', 'bytes', 'per_s' or '' for a figure name: a rate ends
    in _per_s; a time or a size has its unit as one of the name's words
    (rtt_p99_ns, spawn_ns_per_task, bytes_per_task_rss)."""
    words = figure.split(".")[-1].split("_")
    if words[-2:] == ["per", "s"]:
        return "per_s"
    for unit in ("ns", "bytes"):
        if unit in words:
            return unit
    return ""


# Memory probes of the whole system (/proc/meminfo's KernelStack, Slab,
# PageTables; docs/DESIGN.md, section "Measurement"): another process
# starting threads moves them too, so they are never one process's
# figure, and a per-task delta of them can come out below zero.
SYSTEM_WIDE_WORDS = ("kernel", "slab", "tables")


def system_wide(figure):
    """Whether a figure comes from system-wide counters, alone or in a sum
    (bytes_per_task_total adds the kernel's share to RSS)."""
    words = figure.split(".")[-1].split("_")
    return unit_of(figure) == "bytes" and (
        any(w in words for w in SYSTEM_WIDE_WORDS) or (
            words[:3] == ["bytes", "per", "task"] and "total" in words))


def figure_label(figure):
    """A figure's name as tables and plot titles show it."""
    if not system_wide(figure):
        return figure
    if figure.split(".")[-1].split("_")[-1] == "total":
        return figure + " (RSS + system-wide kernel share)"
    return figure + " (system-wide)"


def higher_is_better(figure):
    return unit_of(figure) == "per_s"


def axis_label(figure):
    """The unit as an axis label suffix, e.g. ' (ns)'."""
    return {"ns": " (ns)", "bytes": " (bytes)", "per_s": " (per second)"}.get(
        unit_of(figure), "")


def _num(value):
    """Three significant digits, no exponent for the usual range."""
    if value == int(value) and abs(value) < 1000:
        return "%d" % value
    mag = abs(value)
    if mag >= 100:
        return "%.0f" % value
    if mag >= 10:
        return "%.1f" % value
    if mag >= 0.01:
        return "%.2f" % value
    return "%.2g" % value


def _step(value, steps):
    """The largest unit of steps [(factor, name)...] value reaches."""
    chosen = steps[0]
    for step in steps:
        if abs(value) >= step[0]:
            chosen = step
    return chosen


_TIME = [(1, "ns"), (1e3, "µs"), (1e6, "ms"), (1e9, "s")]
_SIZE = [(1, "B"), (1024, "KiB"), (1024 ** 2, "MiB"), (1024 ** 3, "GiB")]
_RATE = [(1, "/s"), (1e3, "k/s"), (1e6, "M/s"), (1e9, "G/s")]
_COUNT = [(1, ""), (1e3, "k"), (1e6, "M"), (1e9, "G")]


_BYTE_RATE = [(f, n + "/s") for f, n in _SIZE]


def _steps(figure):
    unit = unit_of(figure)
    if unit == "per_s" and "bytes" in figure.split(".")[-1].split("_"):
        return _BYTE_RATE  # bytes_per_s: a size per second
    return {"ns": _TIME, "bytes": _SIZE, "per_s": _RATE}.get(unit, _COUNT)


def human(value, figure, unit=True, like=None):
    """A value of figure for people: '12.3 µs', '4.10 KiB', '1.2 M/s'.
    like: scale to the unit that value would get (ranges share a unit);
    unit=False leaves the unit's name off."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, float) and math.isinf(value):
        return "inf"
    if value < 0 and system_wide(figure):
        return "≈0"  # a system-wide delta that noise pushed below zero
    steps = _steps(figure)
    ref = float(like if like is not None else value)
    factor, name = _step(ref, steps)
    # 999.7 ms prints as "1000 ms": such a value reads better one unit up.
    bigger = [s for s in steps if s[0] == factor * 1000]
    if bigger and abs(ref) / factor >= 999.5:
        factor, name = bigger[0]
    text = _num(float(value) / factor)
    return ("%s %s" % (text, name)).rstrip() if unit else text


def unit_name(value, figure):
    """The unit human() would print value in ('µs'), '' for counts."""
    return _step(float(value), _steps(figure))[1]


def plain(value):
    """A value for CSV: integers stay integers, floats keep precision."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)
