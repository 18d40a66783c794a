#!/usr/bin/python3
"""Fuzz target: the results reader behind ./tvc report, show and compare.

An input is a small results folder written as sections, each a line
"--- FILE" and the file's bytes (raw.jsonl, meta.json, hyperfine-*.json);
the seeds in tests/fuzz/corpus/results/ are excerpts of the committed
reference run (results/reference/), and the mutations are pyfuzz's byte
mutations and JSON-aware ones here (a value replaced by one of another
type or an odd number, a key dropped, a line cut, doubled or swapped).

The reader must either load the folder or refuse it with its own error
(results.InputError); it must lose nothing (each non-blank line of
raw.jsonl is a row or a warning that names it); and every tool's text
(show's tables, summary.csv, report.md, compare against the first seed
both ways) must be made without an exception.
"""

import argparse
import io
import json
import os
import re
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPORT = os.path.normpath(os.path.join(HERE, "..", "..", "experiments",
                                       "report"))
sys.path.insert(0, REPORT)
sys.path.insert(0, HERE)

import compare  # noqa: E402
import pyfuzz  # noqa: E402
import report  # noqa: E402
import results  # noqa: E402
import show  # noqa: E402

WORK = tempfile.mkdtemp(prefix="fuzz-results-")
# Values a mutation puts where another was.
ODD = [None, True, False, 0, -1, 1, 2 ** 63, -2 ** 63, 10 ** 400, 1e308,
       -1e-308, float("nan"), float("inf"), "", "x", "-1", "1.5", "host:80",
       [], {}, [1, "a"], {"a": {"b": 1}}, "\u00e9\x00"]
# The code-cost section measures the source tree, not the results folder:
# the same every time and most of report.md's cost, so it is left out.
report.codecost_section = list
COMPARE_ARGS = argparse.Namespace(threshold=0.1, single_threshold=0.25,
                                  accounting=True, flagged=False)


def sections(data):
    """[(file name, bytes)] of an input; text before the first header and
    names that are not plain file names are ignored."""
    out = []
    for part in re.split(rb"(?m)^--- ", data)[1:]:
        head, _, body = part.partition(b"\n")
        name = head.decode("utf-8", "replace").strip()
        if name and "/" not in name and name not in (".", ".."):
            out.append((name, body))
    return out


def unpack(data, where):
    shutil.rmtree(where, ignore_errors=True)
    os.makedirs(where)
    for name, body in sections(data):
        try:
            with open(os.path.join(where, name), "wb") as f:
                f.write(body)
        except (OSError, ValueError):
            pass  # a name the file system refuses: not the reader's case


def load(where):
    """The Run, or None when the reader refused the folder clearly."""
    try:
        run = results.Run(where)
    except results.InputError:
        return None
    with open(os.path.join(where, "raw.jsonl"), "rb") as f:
        lines = f.read().decode("utf-8", "replace").split("\n")
    nonblank = sum(1 for x in lines if x.strip())
    if len(run.rows) + len(run.skipped) != nonblank:
        raise AssertionError("lost lines: %d non-blank, %d rows, %d skipped"
                             % (nonblank, len(run.rows), len(run.skipped)))
    return run


BASE = None


def test_one_input(data):
    global BASE
    where = os.path.join(WORK, "run")
    unpack(data, where)
    err = sys.stderr
    sys.stderr = io.StringIO()  # the reader's warnings, expected here
    try:
        run = load(where)
        if run is None:
            return
        if BASE is None:  # the first input (a seed) stays as the base
            BASE = run
            os.rename(where, os.path.join(WORK, "base"))
            BASE.dir = os.path.join(WORK, "base")
        show.lines_of(run, accounting=True)
        report.summary_csv(run)
        report.report_md(run, [])
        compare.compare(BASE, run, COMPARE_ARGS)
        compare.compare(run, BASE, COMPARE_ARGS)
    finally:
        sys.stderr = err


def _mutate_json(value, rng):
    """value with one node somewhere replaced, dropped or doubled."""
    if isinstance(value, dict) and value and rng.randrange(4):
        key = rng.choice(list(value))
        op = rng.randrange(6)
        if op == 0:
            del value[key]
        elif op == 1:
            value[key + "_"] = value[key]
        else:
            value[key] = _mutate_json(value[key], rng)
        return value
    if isinstance(value, list) and value and rng.randrange(4):
        i = rng.randrange(len(value))
        value[i] = _mutate_json(value[i], rng)
        return value
    return rng.choice(ODD)


def mutate(data, rng):
    """A JSON-aware change to one line of one section."""
    parts = sections(data)
    if not parts:
        return data
    k = rng.randrange(len(parts))
    name, body = parts[k]
    lines = body.split(b"\n")
    if name != "raw.jsonl":  # a whole JSON document
        lines = [b"\n".join(lines)]
    i = rng.randrange(len(lines))
    op = rng.randrange(8)
    if op == 0:
        lines[i] = lines[i][:rng.randrange(len(lines[i]) + 1)]
    elif op == 1:
        lines.insert(i, lines[rng.randrange(len(lines))])
    elif op == 2:
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    else:
        try:
            value = _mutate_json(results.parse_json(lines[i]), rng)
            lines[i] = json.dumps(value).encode()
        except (ValueError, RecursionError):  # not JSON, or too deep
            return data
    parts[k] = (name, b"\n".join(lines))
    return b"".join(b"--- %s\n%s" % (n.encode(), b) for n, b in parts)


if __name__ == "__main__":
    try:
        # Coverage of the reader itself guides the fuzzing; the tools
        # behind it run untraced, at full speed.
        sys.exit(pyfuzz.main(test_one_input, cover=[results.__file__],
                             mutate=mutate,
                             tokens=[b"NaN", b"Infinity", b"null", b"[]",
                                     b"{}", b"\"run\":", b"1e999", b"-0",
                                     b"\"ok\": true", b"\n", b"\xff",
                                     b"[" * 5000]))
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
