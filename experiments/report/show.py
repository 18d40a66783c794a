"""Prints a results folder's tables in a terminal.

    ./tvc show [DIR]        (DIR defaults to results/latest)

The same tables as report.md (median over repetitions, its spread in per
cent, the ratio to the best runtime at each point), with humanised units,
points as sub-headings and every line within 100 columns; then failures
and limits in words, and hyperfine's whole-process timings.  Process
accounting (rusage, memory probes) only with --accounting.
"""

import argparse
import os
import signal
import sys
import textwrap

import results
import tables
import words

WIDTH = 100


def _fit(text, width):
    return text if len(text) <= width else text[: width - 1] + "…"


def _fit_name(text, width):
    """Squeezes a figure name from the left: its end (percentile, unit)
    is what tells one row from the next."""
    return text if len(text) <= width else "…" + text[len(text) - width + 1:]


def render(header, rows, indent="  "):
    """Aligned columns, the first one squeezed so a line fits WIDTH."""
    cols = len(header)
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(cols)]
    room = WIDTH - len(indent) - 2 * (cols - 1) - sum(widths[1:])
    widths[0] = max(14, min(widths[0], room))
    out = []
    for r in [header] + rows:
        cells = [_fit_name(r[0], widths[0]).ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(r[1:], widths[1:])]
        out.append((indent + "  ".join(cells)).rstrip())
    return out


def _by_point(header, rows):
    """Splits a table with a point column into (point, rows) sections."""
    if header[0] != "point":
        return [(None, rows)]
    sections = []
    for r in rows:
        if not sections or sections[-1][0] != r[0]:
            sections.append((r[0], []))
        sections[-1][1].append(r[1:])
    return sections


def _table_lines(header, rows):
    out = []
    head = header[1:] if header[0] == "point" else header
    for point, part in _by_point(header, rows):
        if point is not None:
            out.append("  " + point)
        out += render(head, part, "    " if point is not None else "  ")
    return out


def _wrapped(prefix, lines):
    out = []
    for line in lines:
        out += textwrap.wrap(line, WIDTH, initial_indent=prefix,
                             subsequent_indent=" " * len(prefix))
    return out


def lines_of(run, accounting=False):
    status = run.fact("status") or "status unknown"
    out = ["%s  (%s)" % (run.name, status), "machine: " + run.machine()]
    for exp in run.experiments():
        for wl in run.workloads_of(exp):
            out.append("")
            title = "== %s / %s" % (exp, wl.workload)
            if wl.constant:
                title += "  (%s)" % tables.constants(wl)
            out.append(_fit(title, WIDTH))
            for acc in (False, True) if accounting else (False,):
                header, rows = tables.table(wl, acc, terminal=True)
                if rows:
                    if acc:
                        out.append("  process accounting")
                    out += _table_lines(header, rows)
            out += _wrapped("  failed: ", words.failure_lines(wl))
            out += _wrapped("  limit:  ", words.limit_lines(wl))
    header, rows = tables.hyperfine_rows(run)
    if rows:
        out += ["", "== hyperfine (whole processes)"] + render(header, rows)
    return out


def main(argv=None):
    # `./tvc show | head` closes the pipe early: end quietly, as cat does.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    p = argparse.ArgumentParser(
        prog="tvc show", description="Print the tables of a results folder "
        "(median, spread, ratio to the best runtime).")
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.normpath(os.path.join(here, "..", "..", "results",
                                            "latest"))
    p.add_argument("dir", nargs="?", default=default,
                   help="results folder (default: results/latest)")
    p.add_argument("--accounting", action="store_true",
                   help="also print process accounting (memory probes, "
                   "rusage, wall time)")
    args = p.parse_args(argv)
    run = results.load(args.dir)
    for line in lines_of(run, args.accounting):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
