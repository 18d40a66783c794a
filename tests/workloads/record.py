"""The checker scripts' one way to read a workload's record.

A workload run prints one JSON record (docs/DESIGN.md, "Workloads and
records") on stdout and exits 0 when it is ok, 1 when not.  The shell checkers
(check_record.sh, check_limit.sh, check_fd_budget.sh,
tests/cancel/check_rounds.sh, tests/cbwork/check_parity.sh) save that stdout
to a file and run a few lines of Python on it; those lines import this module,
so loading a record and judging whether it passed say the same thing, in the
same words, everywhere.  load and the require_ functions end the process with
sys.exit(message) when the record is not what the checker needs; the message
names the run, so a failing ctest says which binary printed what.
"""

import json
import sys

# How much of a stdout that is not a record to show: enough to see a
# sanitizer report or a usage line begin, not a whole log.
SHOWN_CHARS = 300


def load(path, name):
    """The record in file PATH, the saved stdout of the run NAME.

    Exits saying what came out instead when the file is empty, is not
    exactly one JSON value, or holds a JSON value that is not an object.
    """
    with open(path) as f:
        text = f.read()
    if not text.strip():
        sys.exit(f"{name}: stdout is not one JSON record: it is empty")
    try:
        rec = json.loads(text)
    except ValueError as e:
        sys.exit(f"{name}: stdout is not one JSON record: {e}: "
                 f"{text[:SHOWN_CHARS]!r}")
    if not isinstance(rec, dict):
        sys.exit(f"{name}: stdout is not one JSON record: not an object: "
                 f"{text[:SHOWN_CHARS]!r}")
    return rec


def failed_checks(rec):
    """The record's checks that did not hold, by name."""
    return {k: v for k, v in rec["check"].items() if not v["ok"]}


def require_ok(rec, rc, name):
    """Exits unless the run NAME passed: the record says ok with no error,
    every check held, and the exit status RC was 0."""
    bad = failed_checks(rec)
    if rec["ok"] is not True or rec["error"] is not None or bad:
        sys.exit(f"{name}: not ok (exit {rc}): error={rec['error']} "
                 f"failed checks={bad}")
    if rc != 0:
        sys.exit(f"{name}: record says ok but the exit status is {rc}")


def require_not_ok(rec, rc, name):
    """The error of the run NAME, which had to be refused: the record says
    not ok with an error, and the exit status RC was 1; exits otherwise."""
    error = rec["error"] or ""
    if rec["ok"] is not False or not error:
        sys.exit(f"{name}: want not ok with an error, not ok={rec['ok']} "
                 f"error={rec['error']!r} (exit {rc})")
    if rc != 1:
        sys.exit(f"{name}: exit status {rc}, want 1 (not ok): "
                 f"error={error!r}")
    return error
