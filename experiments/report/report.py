"""Regenerates a results folder's summary.csv, plots/*.png and report.md.

    ./tvc report DIR

Reads DIR/meta.json and DIR/raw.jsonl (a truncated or malformed line is
skipped with a warning naming file:line) and writes, each through a
temporary name and a rename:
  summary.csv  one line per (experiment, workload, runtime, point, figure):
               median, min, max over the good repetitions, n, failures;
  plots/       a chart per question (<question>.png and .svg, charts.py),
               and the per-figure plots in plots/appendix/ (plots.py);
  report.md    the answers first (findings.py: one section per
               question, which model for which job, where each model
               stops, crossover points) and the charts, then the
               evidence: per experiment its tables (median, min–max,
               ratio to the best runtime), failures and limits in words
               and plots; hyperfine timings; the code cost of each
               workload; process accounting; the command of each point;
               the machine and run facts; a glossary; and last the
               targets against this run as an appendix (targets.py);
  report.html  the same as one self-contained page (html_report.py).
Every number comes from the run's files.  Exits 2 when DIR or its files
cannot be read, 3 when a file cannot be written (a full disk): the message
names it, and it keeps its old version or none.
"""

import argparse
import csv
import io
import json
import os
import sys

import charts
import codecost
import charts as charts_mod
import findings
import html_report
import results
import tables
import targets
import words
from units import plain

try:
    import plots
except ImportError as e:  # another python than Debian's
    print("error: %s: the report needs matplotlib; run it with "
          "/usr/bin/python3 (Debian's python3-matplotlib)" % e,
          file=sys.stderr)
    sys.exit(2)


def summary_csv(run):
    """summary.csv's text."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["experiment", "workload", "runtime", "params", "figure",
                "median", "min", "max", "n", "failures"])
    for wl in run.workloads:
        for g in wl.groups:
            base = [wl.experiment, wl.workload, g.runtime,
                    results.point_label(g.point)]
            fails = len(g.failures)
            if not g.stats:  # no good repetition: the failure still counts
                w.writerow(base + ["", "", "", "", 0, fails])
            for name in sorted(g.stats, key=results.figure_key):
                st = g.stats[name]
                w.writerow(base + [name, plain(st.median), plain(st.min),
                                   plain(st.max), st.n, fails])
    return out.getvalue()


def _md_cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


# Columns of words, aligned left; numbers align right.
TEXT_COLUMNS = ("point", "figure", "command", "value")


def md_table(header, rows):
    lines = ["| " + " | ".join(_md_cell(h) for h in header) + " |",
             "|" + "|".join("---" if h in TEXT_COLUMNS or i == 0 else "---:"
                            for i, h in enumerate(header)) + "|"]
    lines += ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in rows]
    return lines


def _flat(tree, prefix=""):
    """meta.json as (dotted key, value) pairs."""
    for k, v in tree.items():
        if isinstance(v, dict):
            yield from _flat(v, prefix + k + ".")
        elif isinstance(v, list):
            yield prefix + k, ", ".join(str(x) for x in v)
        else:
            yield prefix + k, v if isinstance(v, str) else json.dumps(v)


def head(run):
    """The title, whether the run finished, and the machine in one line."""
    status = run.fact("status")
    out = ["# tvc report: %s" % run.name, ""]
    if status == "complete":
        out.append("**Run complete.**")
    else:
        out.append("**Run %s: this report holds only the points that "
                   "finished.**" % (status or "status unknown"))
    return out + ["", "Machine: %s." % run.machine(), ""]


def facts_section(run):
    """meta.json in full and what was read, with machine paths shown
    relative to the checkout."""
    root = words.checkout_root(run)
    out = ["## Machine and run facts", ""]
    facts = list(_flat(run.meta))
    if facts:
        out += md_table(["fact (meta.json)", "value"],
                        [[k, words.relative(v, root)] for k, v in facts])
    bad = len(run.skipped)
    out += ["", "%d rows read from raw.jsonl%s" % (
        len(run.rows), "; %d lines skipped:" % bad if bad else ".")]
    out += ["- %s" % m for m in run.skipped]
    return out + [""]


READING = ("How to read the tables: each cell is the median over the "
           "repetitions whose self-check passed, (min–max) over them, and "
           "the ratio to the best runtime at that point: *best*, or ×k "
           "for k times worse (lower is better, except rates: `_per_s`; "
           "counts without a unit get no ratio). n=k when only k "
           "repetitions of the point were good. Latency tables show p50, "
           "p99, p99.9 and max; summary.csv has every percentile. Plots "
           "are in plots/.")


def workload_section(run, wl, pictures):
    out = ["### %s" % wl.workload, ""]
    if wl.varying:
        out.append("Swept: %s." % ", ".join(wl.varying))
    if wl.constant:
        out.append("Fixed: %s." % tables.constants(wl))
    out.append("")
    header, rows = tables.table(wl, accounting=False)
    if rows:
        out += md_table(header, rows) + [""]
    else:
        out += ["No figures: no repetition of this workload succeeded.", ""]
    root = words.checkout_root(run)
    fails = [words.relative(x, root) for x in words.failure_lines(wl)]
    limits = [words.relative(x, root) for x in words.limit_lines(wl)]
    if fails:
        out += ["Failures:", ""] + ["- " + f for f in fails] + [""]
    if limits:
        out += ["Limits reached:", ""] + ["- " + x for x in limits] + [""]
    for exp, name, file, text in pictures:
        if (exp, name) == (wl.experiment, wl.workload):
            out += ["![%s](plots/%s)" % (text, file), "",
                    "*%s* (plots/%s)" % (text, file), ""]
    return out


def accounting_section(run):
    out = ["## Process accounting", "",
           "Memory probes, the child's rusage and wall time of each point.",
           ""]
    for wl in run.workloads:
        header, rows = tables.table(wl, accounting=True)
        if rows:
            out += ["### %s: %s" % (wl.experiment, wl.workload), ""]
            out += md_table(header, rows) + [""]
    return out


def commands_section(run):
    root = words.checkout_root(run)
    out = ["## Commands of each point", "",
           "Run from the checkout after `./tvc build release`.", ""]
    for exp in run.experiments():
        out += ["### %s" % exp, "",
                "Reproduce: `%s`" % words.experiment_command(run, exp), ""]
        for wl in run.workloads_of(exp):
            cmds = words.point_commands(wl)
            if cmds:
                out += ["%s:" % wl.workload, ""]
                out += ["- %s: `%s`%s" % (
                    who, words.relative(cmd, root),
                    " with load `%s`" % words.relative(load, root)
                    if load else "") for who, cmd, load in cmds]
                out.append("")
    return out


def codecost_section():
    header, rows = codecost.table()
    out = ["## Code cost", "",
           "Source size of each workload: direct style "
           "(`common/workloads/<w>.c`, shared by threaded and coroutine) "
           "against continuation-passing style (`callback/workloads/<w>.c`); "
           "lines without blanks and comments, and function definitions. "
           "× is callback over direct. Counted from the repository when "
           "this report was made, at commit %s." % codecost.commit(), ""]
    if rows:
        out += md_table(header, rows)
    else:
        out.append("No workload sources found.")
    return out + [""]


def _anchor(title):
    """GitHub's anchor of a heading."""
    keep = "".join(c for c in title.lower() if c.isalnum() or c in " -_")
    return keep.replace(" ", "-")


def contents(lines):
    """A table of contents of the level-2 headings in lines."""
    heads = [x[3:] for x in lines if x.startswith("## ")]
    return ["Contents: " + ", ".join("[%s](#%s)" % (h, _anchor(h))
                                     for h in heads) + ".", ""]


def report_md(run, pictures, charts=None):
    """The answers first (findings.py), then the evidence: the targets,
    the tables of each experiment, process accounting, the commands of
    each point, the machine and run facts, a glossary, and the targets
    as an appendix."""
    body = findings.sections(run, charts)
    body += charts_mod.charts_section(charts or {})
    body += ["## Tables per experiment", "", READING, ""]
    for exp in run.experiments():
        body += ["## %s" % exp, ""]
        for wl in run.workloads_of(exp):
            body += workload_section(run, wl, pictures)
    header, rows = tables.hyperfine_rows(run)
    if rows:
        body += ["## Whole-process timings (hyperfine)", "",
                 "From %s." % ", ".join(n for n, _ in run.hyperfine), ""]
        body += md_table(header, rows) + [""]
    body += codecost_section()
    body += accounting_section(run)
    body += commands_section(run)
    body += facts_section(run)
    body += words.glossary() + [""]
    body += targets.targets_appendix(run)
    return "\n".join(head(run) + contents(body) + body)


def main(argv=None):
    p = argparse.ArgumentParser(
        prog="./tvc report", description="Regenerate summary.csv, "
        "plots/*.png, report.md and report.html of a results folder from "
        "its raw.jsonl and meta.json.")
    p.add_argument("dir", help="results folder, e.g. results/latest")
    args = p.parse_args(argv)
    run = results.load(args.dir)
    try:
        results.atomic_write(os.path.join(args.dir, "summary.csv"),
                             summary_csv(run))
        pictures = plots.draw_all(run, args.dir)
        drawn = plots.question_charts(run, args.dir)
        md = report_md(run, pictures, drawn)
        results.atomic_write(os.path.join(args.dir, "report.md"), md)
        html_report.write(args.dir, md)
    except OSError as e:
        # What was written before stays; the file that failed keeps its
        # old version (or none), never a half-written one.
        print("error: cannot write %s: %s" % (e.filename or args.dir,
                                              e.strerror or e),
              file=sys.stderr)
        return 3
    print("wrote %s: summary.csv, report.md, report.html, %d charts, %d "
          "plots" % (args.dir, len(drawn), len(pictures)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
