"""Prints a results folder's findings, then its tables, in a terminal.

    ./tvc show [DIR] [--all]      (DIR defaults to results/latest)

First what report.md concludes: its "Findings" and "Which model for which
job" sections, with the sections that follow them before the evidence
starts, wrapped to the terminal's width (bold headings only on a
terminal).  A report written before those sections existed, or a folder
without report.md, shows its tables instead.  With --all the evidence
follows: the same tables as report.md (median over repetitions, its
spread in per cent, the ratio to the best runtime at each point) with
humanised units and points as sub-headings, failures and limits in words,
hyperfine's whole-process timings, and the Targets appendix.  Process
accounting (rusage, memory probes) only with --accounting.
"""

import argparse
import os
import re
import shutil
import signal
import sys
import textwrap

import results
import tables
import words
from html_report import take_table

WIDTH = 100  # main() sets the terminal's width

# The sections that conclude, by heading; those between them and the first
# evidence section come along.
FRONT = ("findings", "which model for which job")
# Sections of evidence that are no experiment's name.
EVIDENCE = ("charts", "whole-process timings", "code cost", "targets")


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




class Look:
    """How text looks: bold only where it reaches a terminal."""

    def __init__(self, tty):
        self.tty = tty

    def bold(self, text):
        return "\033[1m%s\033[0m" % text if self.tty else text


def sections(md):
    """[(heading, lines)] of report.md's '## ' sections; the text before
    the first one has the heading ''."""
    out = [("", [])]
    for line in md.split("\n"):
        if line.startswith("## "):
            out.append((line[3:].strip(), []))
        else:
            out[-1][1].append(line)
    return out


def front_sections(md, experiments):
    """The sections that conclude: from the first of FRONT up to the first
    section of evidence (an experiment's, or one of EVIDENCE); [] when the
    report has none of FRONT."""
    out, started = [], False
    for title, body in sections(md):
        low = title.lower()
        if low.startswith(FRONT):
            started = True
        elif started and (title in experiments or low.startswith(EVIDENCE)):
            break
        if started:
            out.append((title, body))
    return out


def plain(text):
    """Markdown's inline marks dropped: `code`, **bold**, *italic*,
    [text](link), a bar escaped in a table cell."""
    text = re.sub(r"!\[([^\]]*)\]\(([^)]*)\)", r"[chart: \2]", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", text)
    return text.replace("`", "").replace("\\|", "|")


def _md_cells(line):
    body = line.strip().strip("|")
    return [plain(c.strip()) for c in re.split(r"(?<!\\)\|", body)]


def md_table(lines):
    """A markdown table for the terminal: aligned columns when they fit,
    else one block per row, 'header: value' a line."""
    header = _md_cells(lines[0])
    rows = [_md_cells(x) for x in lines[2:]]
    rows = [r + [""] * (len(header) - len(r)) for r in rows]
    widths = [max(len(r[i]) for r in [header] + rows)
              for i in range(len(header))]
    if 2 + sum(widths) + 2 * (len(widths) - 1) <= WIDTH:
        return ["  " + "  ".join(c.ljust(w) for c, w in
                                 zip(r, widths)).rstrip()
                for r in [header] + rows]
    out = []
    for r in rows:
        out += _wrapped("  ", [r[0]])
        for h, c in zip(header[1:], r[1:]):
            if c:
                out += _wrapped("      %s: " % h, [c])
    return out


def md_lines(body, look):
    """A section's markdown for the terminal, wrapped to WIDTH."""
    out, para = [], []

    def flush():
        if para:
            out.extend(_wrapped("", [plain(" ".join(para))]))
            para.clear()

    i = 0
    while i < len(body):
        line = body[i]
        if line.startswith("|"):
            flush()
            block, i = take_table(body, i)
            out += md_table(block)
            continue
        if line.startswith("#"):
            flush()
            out += ["", look.bold(plain(line.lstrip("#").strip()))]
        elif line.startswith("- "):
            flush()
            out += _wrapped("  - ", [plain(line[2:])])
        elif line.startswith(("<details>", "</details>")):
            flush()
        elif not line.strip():
            flush()
            if out and out[-1]:
                out.append("")
        else:
            para.append(line)
        i += 1
    flush()
    return out


def front_lines(run, md, look):
    """The findings and the job table, or [] when the report has none."""
    out = []
    for title, body in front_sections(md, run.experiments()):
        out += ["", look.bold("== " + title)] + md_lines(body, look)
    return out


def targets_lines(md, look):
    """The Targets appendix of report.md, for --all."""
    for title, body in sections(md):
        if title.lower() == "targets":
            return ["", look.bold("== Targets")] + md_lines(body, look)
    return []


def _read_report(directory):
    try:
        with open(os.path.join(directory, "report.md"),
                  encoding="utf-8") as f:
            return f.read()
    except OSError:
        return ""


def main(argv=None):
    global WIDTH
    # `./tvc show | head` closes the pipe early: end quietly, as cat does.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    p = argparse.ArgumentParser(
        prog="./tvc show", description="Print what a results folder found: "
        "the findings and the \"which model for which job\" table of its "
        "report.md first, wrapped to the terminal; with --all, then every "
        "table (median, spread, ratio to the best runtime) and the "
        "targets.  A report without findings shows its tables.")
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.normpath(os.path.join(here, "..", "..", "results",
                                            "latest"))
    p.add_argument("dir", nargs="?", default=default,
                   help="results folder (default: results/latest)")
    p.add_argument("--all", action="store_true",
                   help="after the findings, print every table and the "
                   "targets")
    p.add_argument("--accounting", action="store_true",
                   help="with the tables, also print process accounting "
                   "(memory probes, rusage, wall time)")
    args = p.parse_args(argv)
    WIDTH = max(60, shutil.get_terminal_size((100, 24)).columns)
    run = results.load(args.dir)
    look = Look(sys.stdout.isatty())
    md = _read_report(args.dir)
    front = front_lines(run, md, look)
    status = run.fact("status") or "status unknown"
    out = [look.bold("%s  (%s)" % (run.name, status)),
           "machine: " + run.machine()]
    if front:
        out += front
        if args.all:
            out += [""] + lines_of(run, args.accounting)[2:]
            out += targets_lines(md, look)
        else:
            out += [""] + _wrapped("", ["(./tvc show --all %s: every "
                                        "table and the targets)" % args.dir])
    else:
        if md:
            out += _wrapped("", ["(this report has no findings yet: its "
                                 "tables follow; ./tvc report %s writes "
                                 "them)" % args.dir])
        out += lines_of(run, args.accounting)[2:]
        if args.all:
            out += targets_lines(md, look)
    for line in out:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
