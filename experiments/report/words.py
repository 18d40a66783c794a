"""What went wrong, and how to do it again, in words.

Turns the rows that did not end well (a crash, a timeout, no record, a
failed self-check) and the limits a workload noted into sentences, and
builds the commands that reproduce a point or an experiment from the
run's own files (the child's argv, meta.json's profile and label).
"""

import os
import shlex
import signal

from results import as_dict, measure, point_label, runtime_key
from units import human


def _signal_name(sig):
    """'SIGSEGV' as the runner writes it, or 'SIGSEGV (signal 11)'."""
    if isinstance(sig, str):
        return sig
    try:
        return "%s (signal %s)" % (signal.Signals(int(sig)).name, sig)
    except (ValueError, TypeError):
        return "signal %s" % sig


def _failed_checks(row):
    return ["%s: expected %s, got %s" % (k, c.get("expected"), c.get("got"))
            for k, c in sorted(as_dict(row.raw.get("check")).items())
            if isinstance(c, dict) and c.get("ok") is False]


def what_happened(row):
    """One sentence on a row that is not ok: what happened in words, the
    failed checks, the runner's and the workload's own explanations
    ("error") and the last line of stderr.  Details the runner's account
    already gives (signal, limit, exit code) are only added without it."""
    run, st = row.run, row.status
    limits, rusage = as_dict(run.get("limits")), as_dict(run.get("rusage"))
    told = bool(run.get("error"))
    if st == "crash":
        sig = run.get("signal")
        text = "crashed" + (" with " + _signal_name(sig)
                            if sig and not told else "")
    elif st == "timeout":
        lim = limits.get("timeout_ns")
        text = "hung and was stopped at its time limit" + (
            " of %s" % human(lim, "limit_ns")
            if measure(lim) and lim and not told else "")
    elif st == "oom":
        rss = rusage.get("max_rss_bytes")
        text = "ran out of memory" + (
            " (max RSS %s)" % human(rss, "rss_bytes")
            if measure(rss) and rss else "")
    elif st == "parse_error":
        text = "printed no valid record"
    elif st == "spawn_error":
        text = "could not be started"
    elif st == "not_applicable":
        text = "n/a (not applicable to this peer)"
    elif st == "skipped":
        text = "skipped (the peer is not built)"
    elif st == "ok":
        text = "self-check failed"
    else:
        code = run.get("exit_code")
        text = "failed" + (" with exit code %s" % code
                           if code is not None and not told else "")
    bad = _failed_checks(row)
    if bad:
        text += " (%s)" % "; ".join(bad)
    errors = []
    for e in (run.get("error"), row.raw.get("error")):
        if e and str(e) not in errors:
            errors.append(str(e))
    if errors:
        text += ": " + "; ".join(errors)
    tail = str(run.get("stderr_tail") or "").strip().splitlines()
    if tail and st != "ok" and tail[-1].strip() not in errors:
        text += '; stderr ends "%s"' % tail[-1][:160]
    return text


def _who(group):
    """'threaded, tasks=1000', or the runtime alone for an unswept
    workload."""
    label = point_label(group.point)
    return group.runtime + (", " + label if label else "")


def _reps(rows):
    reps = [str(r.rep) for r in rows if r.rep is not None]
    return "rep %s" % ", ".join(reps) if reps else "%d rows" % len(rows)


def failure_lines(workload):
    """Sentences, one per (runtime, point, what happened)."""
    out = []
    for g in workload.groups:
        # Repetitions that failed the same way read as one sentence, told
        # with the details (counts, RSS, messages) of the first.
        by_kind = {}
        for row in g.failures:
            kind = (row.status, row.run.get("signal"),
                    row.run.get("exit_code"))
            by_kind.setdefault(kind, []).append(row)
        for rows in by_kind.values():
            out.append("%s: %s (%s of %d)" % (
                _who(g), what_happened(rows[0]),
                _reps(rows), len(g.rows)))
    return out


def limit_lines(workload):
    """Limits the workload noted ('limit reached at N'), one line per
    point; repetitions that reached different limits are all told."""
    out = []
    for g in workload.groups:
        seen = {}  # (key, value) -> reps
        for row in g.rows:
            for key, value in sorted(as_dict(row.raw.get("notes")).items()):
                if "limit" in key:
                    seen.setdefault((key, str(value)), []).append(row)
        parts = []
        for (key, value), rows in seen.items():
            text = value if key == "limit" else "%s: %s" % (key, value)
            parts.append(text if len(seen) == 1 else
                         "%s (%s)" % (text, _reps(rows)))
        if parts:
            out.append("%s: %s" % (_who(g), "; ".join(parts)))
    return out


def point_commands(workload):
    """(runtime and point, command, load generator's command or None)
    for every point, from the rows' argv."""
    out = []
    for g in workload.groups:
        row = next((r for r in g.rows if r.argv), None)
        if row is None:
            continue
        # A server point: the load generator ran beside it.
        load = as_dict(as_dict(row.raw.get("load")).get("run")).get("argv")
        load = shlex.join(str(a) for a in load) if isinstance(
            load, list) and load else None
        out.append((_who(g), shlex.join(row.argv), load))
    return out


def label_of(run):
    label = run.fact("label")
    if label:
        return str(label)
    # results/<UTC time>-<label>: the label follows the time stamp.
    parts = run.name.split("-", 1)
    return parts[1] if len(parts) == 2 else run.name


EXP_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       os.pardir, "exp")


def script_of(experiment):
    """The experiment script that recorded rows under this name.  A script
    may record some points under another name (plan.sh's --name=EXP, such
    as servers-open-loop); those names start with the script's name."""
    if os.path.exists(os.path.join(EXP_DIR, experiment + ".sh")):
        return experiment
    return experiment.split("-", 1)[0]


def experiment_command(run, experiment):
    """The ./tvc run line that measures experiment again like this run."""
    runtimes = sorted({g.runtime for w in run.workloads_of(experiment)
                       for g in w.groups}, key=runtime_key)
    reps = max((r.rep for w in run.workloads_of(experiment)
                for r in w.rows if isinstance(r.rep, int)), default=0) + 1
    argv = ["./tvc", "run"]
    profile = run.fact("profile")
    if profile in ("quick", "full"):
        argv.append("--" + profile)
    argv += ["--only", script_of(experiment), "--runtimes", ",".join(runtimes),
             "--repeat", str(reps), "--label", label_of(run)]
    return shlex.join(argv)
