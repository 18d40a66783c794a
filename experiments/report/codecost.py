"""Code cost: how much source each workload takes in each style.

Callbacks are cheap in memory and costly in code; this module measures the
code half.  For every workload it counts, in common/workloads/<w>.c (the
direct style that the threaded and coroutine runtimes share) and in
callback/workloads/<w>.c (continuation-passing style):
  - lines: lines holding code once comments and blank lines are gone;
  - functions: function definitions, the pieces a reader must follow.
A file is a workload when it defines a `tvc_workload`; files of shared
helpers (the binaries' main) are left out.  Counted from the repository
tree when the report is made, with the commit it was at.

    /usr/bin/python3 experiments/report/codecost.py [REPO]   prints the table
"""

import argparse
import os
import re
import subprocess
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(
    os.path.abspath(__file__)), "..", ".."))
STYLES = [("direct", os.path.join("common", "workloads")),
          ("callback", os.path.join("callback", "workloads"))]
DEFINES_WORKLOAD = re.compile(r"\btvc_workload\s+\w+\s*=")


def strip_c(text):
    """C source without comments, string and character literals blanked
    (quotes kept), newlines kept: what is left is code to count."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append("\n" * text.count("\n", i, end) or " ")
            i = end
        elif c in "\"'":
            out.append(c)
            i += 1
            while i < n and text[i] != c and text[i] != "\n":
                i += 2 if text[i] == "\\" else 1
            out.append(c)
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def count(path):
    """(code lines, function definitions) of one C file."""
    with open(path, encoding="utf-8", errors="replace") as f:
        code = strip_c(f.read())
    lines = sum(1 for line in code.split("\n") if line.strip())
    functions, depth, last = 0, 0, ""
    for c in code:
        if c == "{":
            # A body at file scope opened right after ')' is a function.
            if depth == 0 and last == ")":
                functions += 1
            depth += 1
        elif c == "}":
            depth = max(0, depth - 1)
        if not c.isspace():
            last = c
    return lines, functions


def _is_workload(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return bool(DEFINES_WORKLOAD.search(strip_c(f.read())))


def measure(root=ROOT):
    """[(workload, {style: (lines, functions)})], sorted by name."""
    found = {}
    for style, sub in STYLES:
        d = os.path.join(root, sub)
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            path = os.path.join(d, name)
            if name.endswith(".c") and _is_workload(path):
                found.setdefault(name[:-2], {})[style] = count(path)
    return sorted(found.items())


def commit(root=ROOT):
    """The commit the counted files are at, noting uncommitted edits."""
    def git(*args):
        try:
            return subprocess.run(["git", "-C", root] + list(args),
                                  capture_output=True, text=True,
                                  timeout=20).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""
    head = git("rev-parse", "HEAD")
    if not head:
        return "unknown (not a git checkout)"
    dirty = git("status", "--porcelain", "--", *[s for _, s in STYLES])
    return head + (" plus uncommitted changes" if dirty else "")


def table(root=ROOT):
    """(header, rows) for a report: per workload, each style's lines and
    functions, and callback over direct."""
    header = ["workload", "direct lines", "direct functions",
              "callback lines", "callback functions", "lines ×",
              "functions ×"]
    rows = []
    for name, by in measure(root):
        d, c = by.get("direct"), by.get("callback")
        row = [name]
        for got in (d, c):
            row += [str(got[0]), str(got[1])] if got else ["—", "—"]
        for k in (0, 1):
            row.append("%.1f" % (c[k] / d[k]) if d and c and d[k] else "—")
        rows.append(row)
    return header, rows


def main(argv=None):
    p = argparse.ArgumentParser(
        prog="codecost.py", description="Source size of each workload in "
        "direct style (common/workloads) and callback style "
        "(callback/workloads): non-blank, non-comment lines and functions.")
    p.add_argument("repo", nargs="?", default=ROOT,
                   help="repository root (default: this checkout)")
    args = p.parse_args(argv)
    if not os.path.isdir(args.repo):
        print("error: %s is not a directory" % args.repo, file=sys.stderr)
        return 2
    header, rows = table(args.repo)
    widths = [max(len(r[i]) for r in [header] + rows)
              for i in range(len(header))]
    for r in [header] + rows:
        print("  ".join(c.rjust(w) for c, w in zip(r, widths)))
    print("commit: " + commit(args.repo))
    return 0


if __name__ == "__main__":
    sys.exit(main())
