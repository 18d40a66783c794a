"""Reads one results folder and groups its rows; shared by every tool.

A results folder (results/README.md) holds meta.json (the machine and the
run), raw.jsonl (one record per point and repetition, with the harness's "run"
block) and maybe hyperfine-*.json exports.  This module reads them without
trusting them: a malformed or truncated line of raw.jsonl is skipped with a
warning naming file:line, a missing or empty raw.jsonl is an error.

Nothing here knows the workloads, but for one derived figure: a server's
CPU time per message (server_cpu_ns_per_msg).  A row's figures are
flattened into one name -> value map (units stay in the names), its
parameters come from the record or, when the child printed none, from its
command line, and rows are grouped by (experiment, workload, runtime, the
parameters that vary within the experiment and workload).  Statistics are
over the rows whose self-check passed and whose process ended well.
"""

import contextlib
import glob
import json
import math
import os
import re
import statistics
import sys

from units import higher_is_better

# Parameters that name where a process talks, not what it measures: they
# may differ between repetitions of one point (a free port) and must not
# split a group.  So do values that are an address with a port.
IGNORED_PARAMS = {"port", "host", "role"}
ADDRESS = re.compile(r"^\[?[0-9A-Za-z.:-]*\]?:[0-9]+$")

# The order runtimes are listed in; others follow alphabetically.
RUNTIME_ORDER = ["threaded", "coroutine", "callback"]

# Latency statistics a histogram carries (hist.h), as flattened figures.
LATENCY_STATS = ["mean", "min", "p50", "p90", "p99", "p999", "p9999", "max"]
PERCENTILES = {"p50": 50.0, "p90": 90.0, "p99": 99.0, "p999": 99.9,
               "p9999": 99.99}


# Figure names older runs used, each with the one name the figure has now.
# The workloads once printed a histogram's percentile a second time as a
# figure of its own (lateness_ns_p99 beside lateness_p99_ns); a row that
# holds both keeps the histogram's, so `./tvc compare` pairs an old run's
# figure with a new run's under one name.
ALIASES = {
    "lateness_ns_median": "lateness_p50_ns",
    "lateness_ns_p99": "lateness_p99_ns",
    "item_ns_median": "item_p50_ns",
    "round_trip_ns_median": "round_trip_p50_ns",
    "round_trip_ns_mean": "ns_per_round_trip",
    "request_ns_median": "request_p50_ns",
    "tick_lateness_ns_p99": "tick_lateness_p99_ns",
    "max_stall_ns": "tick_lateness_max_ns",
    "deadline_error_ns_median": "deadline_error_p50_ns",
    "deadline_error_ns_max": "deadline_error_max_ns",
}


def current_name(figure):
    """The name a figure has now ('load.' and other prefixes kept)."""
    head, _, base = figure.rpartition(".")
    new = ALIASES.get(base)
    return (head + "." + new if head else new) if new else figure


class InputError(Exception):
    """A results folder that cannot be read at all (exit status 2)."""


def warn(msg):
    print("warning: " + msg, file=sys.stderr)


@contextlib.contextmanager
def replacing(path):
    """Yields a temporary name beside path for the body to write; then
    renames it to path.  When anything fails (a full disk) the temporary
    file is removed, path is left as it was, and the OSError names path."""
    tmp = "%s.tmp.%d" % (path, os.getpid())
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        if isinstance(e, OSError) and e.errno is not None:
            raise OSError(e.errno, e.strerror, path) from e
        raise


def atomic_write(path, text):
    """Writes text to path through a temporary name and a rename."""
    with replacing(path) as tmp:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)


def _number(text):
    """A command-line value as int or float when it is one."""
    for conv in (int, float):
        try:
            return conv(text)
        except ValueError:
            pass
    return text


def _argv_params(argv):
    """--name=value options of a runtime command line."""
    out = {}
    for arg in argv[1:] if argv else []:
        if arg.startswith("--") and "=" in arg:
            name, value = arg[2:].split("=", 1)
            out[name] = _number(value)
    return out


def as_dict(value):
    return value if isinstance(value, dict) else {}


# Fields of the runner's "run" block that the tools group rows by, so they
# must be hashable: a list or object there (a damaged file) is kept as its
# JSON text, which a message can still show.
KEYED_RUN_FIELDS = ("status", "point", "signal", "exit_code")


def _hashable(value):
    if isinstance(value, (list, dict)):
        return json.dumps(value, sort_keys=True)
    return value


def measure(value):
    """Whether a JSON value is a number to count (not a bool, NaN, inf, nor
    an integer too large for a float, which JSON allows)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _flatten_latency(prefix, latency, out):
    for hname, stats in as_dict(latency).items():
        if not isinstance(stats, dict):
            continue
        for stat in LATENCY_STATS:
            value = stats.get(stat)
            if measure(value):
                out["%s%s_%s_ns" % (prefix, hname, stat)] = value


def _numbers(prefix, section, out):
    for name, value in as_dict(section).items():
        if measure(value):
            out[prefix + name] = value


def figure_key(figure):
    """Sort key: workload figures, then latency, load, accounting; the
    statistics of one histogram in rising order (p50 before max)."""
    base, stat = figure, ""
    for s in LATENCY_STATS:
        if figure.endswith("_%s_ns" % s):
            base, stat = figure[:-len("_%s_ns" % s)], s
            break
    section = (2 if figure.startswith("load.") else
               3 if is_accounting(figure) else 1 if stat else 0)
    return (section, base, LATENCY_STATS.index(stat) if stat else -1)


def is_accounting(figure):
    """Process accounting (memory probes, rusage, wall time) as opposed to
    what the workload itself measured."""
    return figure.startswith(("memory.", "child.")) or figure == "wall_ns"


def _server_cpu_per_msg(run, figures):
    """A server's CPU time (user + system, from the kernel's accounting)
    per message it answered, or None for a row that is no server, answered
    nothing or has no rusage.  It is the server's own cost, free of how
    the host schedules the load generator beside it: where the server
    saturates a vCPU of its own, its throughput is close to one over this
    (the process's whole life is counted, start-up included)."""
    user, system = figures.get("child.user_ns"), figures.get("child.sys_ns")
    if run.get("role") != "server" or user is None or system is None:
        return None
    msgs = figures.get("server_msgs", 0)
    return (user + system) / msgs if msgs > 0 else None


class Row:
    """One record of raw.jsonl: one point, one repetition."""

    def __init__(self, rec, where):
        run = dict(as_dict(rec.get("run")))
        for key in KEYED_RUN_FIELDS:
            if key in run:
                run[key] = _hashable(run[key])
        argv = run.get("argv") if isinstance(run.get("argv"), list) else []
        self.raw = rec
        self.run = run
        self.argv = [str(a) for a in argv]
        self.where = where  # "raw.jsonl:12", for messages
        self.runtime = str(rec.get("runtime") or self._runtime_from_argv())
        self.workload = str(rec.get("workload") or (
            self.argv[1] if len(self.argv) > 1 else "?"))
        self.experiment = str(run.get("experiment") or self.workload)
        self.status = run.get("status") or ("ok" if rec.get("ok") else
                                            "failed")
        self.ok = rec.get("ok") is True and self.status == "ok"
        rep = run.get("rep")  # -1: the runner did not know
        self.rep = rep if isinstance(rep, int) and rep >= 0 else None
        self.params = self._params(rec)
        self.figures = self._figures(rec)

    def _runtime_from_argv(self):
        if self.argv:
            base = os.path.basename(self.argv[0])
            return base[4:] if base.startswith("tvc-") else base
        return "?"

    def _params(self, rec):
        params = _argv_params(self.argv)
        if isinstance(rec.get("params"), dict):
            params.update(rec["params"])
        load = rec.get("load")
        if isinstance(load, dict) and isinstance(load.get("params"), dict):
            for name, value in load["params"].items():
                if name not in params:
                    params[name] = value
                elif params[name] != value:
                    params["load." + name] = value
        return {k: v for k, v in params.items()
                if k.split(".")[-1] not in IGNORED_PARAMS
                and not isinstance(v, (dict, list))
                and not (isinstance(v, str) and ADDRESS.match(v))}

    def _figures(self, rec):
        out = {}
        _numbers("", rec.get("figures"), out)
        _flatten_latency("", rec.get("latency_ns"), out)
        load = rec.get("load")
        if isinstance(load, dict):
            _numbers("load.", load.get("figures"), out)
            _flatten_latency("load.", load.get("latency_ns"), out)
        _numbers("memory.", rec.get("memory"), out)
        _numbers("child.", self.run.get("rusage"), out)
        if measure(self.run.get("wall_ns")):
            out["child.wall_ns"] = self.run["wall_ns"]
        if measure(rec.get("wall_ns")):
            out["wall_ns"] = rec["wall_ns"]
        for name in [n for n in out if current_name(n) != n]:
            value = out.pop(name)
            out.setdefault(current_name(name), value)
        cpu = _server_cpu_per_msg(self.run, out)
        if cpu is not None:
            out["server_cpu_ns_per_msg"] = cpu
        return out


class Stat:
    """Median and range of one figure over a group's good repetitions, and
    each repetition's value by its index: repetitions are the runner's
    outer loop, so rep i of two runtimes ran seconds apart and a
    comparison can pair them."""

    def __init__(self, values, reps):
        self.values = values
        # rep index -> value; an index seen twice (or unknown) cannot be
        # paired with certainty and is left out.
        self.by_rep = {r: v for r, v in zip(reps, values)
                       if r is not None and reps.count(r) == 1}
        self.n = len(values)
        self.median = statistics.median(values)
        self.min = min(values)
        self.max = max(values)


def sort_value(value):
    """Orders numbers numerically before strings."""
    if isinstance(value, (int, float)):
        return (0, value, "")
    return (1, 0, str(value))


def runtime_key(name):
    if name in RUNTIME_ORDER:
        return (RUNTIME_ORDER.index(name), name)
    return (len(RUNTIME_ORDER), name)


def point_label(point):
    """'connections=100 mode=open'; '' for an unswept workload.  A
    parameter a point does not have (None) is left out."""
    return " ".join("%s=%s" % kv for kv in point if kv[1] is not None)


class Group:
    """The repetitions of one point on one runtime."""

    def __init__(self, experiment, workload, runtime, point):
        self.experiment = experiment
        self.workload = workload
        self.runtime = runtime
        self.point = point  # ((param, value), ...) of the varying params
        self.rows = []
        self.stats = {}  # figure -> Stat over good rows

    @property
    def failures(self):
        """Repetitions that went wrong.  A point a peer cannot honour
        (status not_applicable) is no failure: its cells say n/a."""
        return [r for r in self.rows
                if not r.ok and r.status != "not_applicable"]

    @property
    def params(self):
        """Every parameter that has one value across the group's rows."""
        seen = {}
        for row in self.rows:
            for k, v in row.params.items():
                seen.setdefault(k, set()).add(json.dumps(v))
        return {k: json.loads(next(iter(v))) for k, v in seen.items()
                if len(v) == 1}

    def finish(self):
        names = {}
        for row in self.rows:
            if row.ok:
                for name, value in row.figures.items():
                    names.setdefault(name, []).append((row.rep, value))
        self.stats = {name: Stat([v for _, v in got], [r for r, _ in got])
                      for name, got in sorted(names.items())}


class Workload:
    """One (experiment, workload): its varying params, constants, groups."""

    def __init__(self, experiment, workload, rows):
        self.experiment = experiment
        self.workload = workload
        self.rows = rows
        values = {}
        for row in rows:
            for k, v in row.params.items():
                values.setdefault(k, set()).add(json.dumps(v))
        self.varying = sorted(k for k, v in values.items() if len(v) > 1)
        self.constant = {k: json.loads(next(iter(v)))
                         for k, v in sorted(values.items()) if len(v) == 1}
        self._borrow_params(rows)
        groups = {}
        for row in rows:
            point = tuple((k, row.params.get(k)) for k in self.varying)
            key = (row.runtime, point)
            if key not in groups:
                groups[key] = Group(experiment, workload, row.runtime, point)
            groups[key].rows.append(row)
        for g in groups.values():
            g.finish()
        self.groups = sorted(groups.values(), key=lambda g: (
            [sort_value(v) for _, v in g.point], runtime_key(g.runtime)))

    def _borrow_params(self, rows):
        """A child that printed no record leaves only its command line; a
        server's does not hold the load's parameters.  Such a row takes
        the missing ones from a repetition of the same point."""
        by_point = {}
        for row in rows:
            if row.run.get("point") is not None:
                by_point.setdefault((row.runtime, row.run["point"]),
                                    []).append(row)
        for row in rows:
            for sib in by_point.get((row.runtime, row.run.get("point")), []):
                for k in self.varying:
                    if k not in row.params and k in sib.params:
                        row.params[k] = sib.params[k]

    @property
    def runtimes(self):
        return sorted({g.runtime for g in self.groups}, key=runtime_key)

    @property
    def points(self):
        seen = []
        for g in self.groups:
            if g.point not in seen:
                seen.append(g.point)
        return seen

    def group(self, runtime, point):
        for g in self.groups:
            if g.runtime == runtime and g.point == point:
                return g
        return None

    def figures(self):
        """Every figure measured here, workload figures before accounting."""
        names = {n for g in self.groups for n in g.stats}
        return sorted(names, key=figure_key)

    def best(self, point, figure):
        """(runtime, median) of the best runtime at a point, or None."""
        cands = [(g.stats[figure].median, g.runtime) for g in self.groups
                 if g.point == point and figure in g.stats]
        if not cands:
            return None
        pick = max if higher_is_better(figure) else min
        value, runtime = pick(cands)
        return runtime, value


def ratio_to_best(best_value, value, figure):
    """How many times worse than the best (1.0 for the best itself);
    None when a value is not positive, where a ratio means nothing."""
    if best_value <= 0 or value <= 0:
        return None
    if higher_is_better(figure):
        num, den = best_value, value
    else:
        num, den = value, best_value
    return num / den


def parse_json(text):
    """json.loads, where nesting too deep for Python's parser is the
    ValueError any other malformed JSON gives, not a RecursionError."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def _read_json(path, what):
    try:
        with open(path, encoding="utf-8") as f:
            return parse_json(f.read())
    except (OSError, ValueError) as e:
        raise InputError("%s %s is not readable JSON: %s" % (what, path, e))


def read_rows(path, skipped=None):
    """Rows of a raw.jsonl; bad lines are skipped with a warning (also
    appended to the list skipped when one is given)."""
    if not os.path.isfile(path):
        raise InputError("%s does not exist: not a results folder?" % path)
    rows = []
    name = os.path.basename(path)
    # newline="": a lone CR is JSON whitespace inside a line, not a line
    # break (universal newlines would cut the record in two).
    with open(path, encoding="utf-8", errors="replace", newline="") as f:
        lines = f.read().split("\n")
    for i, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = "%s:%d" % (path, i)
        try:
            rec = parse_json(line)
        except ValueError as e:
            cut = i == len(lines)  # the last line, without its newline
            msg = "%s: skipped a %s line (%s)" % (
                where, "truncated last" if cut else "malformed", e)
        else:
            msg = None if isinstance(rec, dict) else (
                "%s: skipped a line that is not a JSON object" % where)
        if msg:
            warn(msg)
            if skipped is not None:
                skipped.append(msg.replace(path, name, 1))
            continue
        try:
            rows.append(Row(rec, "%s:%d" % (name, i)))
        except (TypeError, AttributeError, ValueError) as e:
            msg = "%s: skipped a record of the wrong shape (%s)" % (where, e)
            warn(msg)
            if skipped is not None:
                skipped.append(msg.replace(path, name, 1))
    if not rows:
        raise InputError("%s holds no valid rows" % path)
    return rows


class Run:
    """A whole results folder."""

    def __init__(self, directory):
        if not os.path.isdir(directory):
            raise InputError("%s is not a directory" % directory)
        self.dir = directory
        self.name = os.path.basename(os.path.abspath(directory))
        meta_path = os.path.join(directory, "meta.json")
        if os.path.exists(meta_path):
            self.meta = _read_json(meta_path, "meta file")
            if not isinstance(self.meta, dict):
                raise InputError("%s is not a JSON object" % meta_path)
        else:
            warn("%s is missing: machine facts unknown" % meta_path)
            self.meta = {}
        self.skipped = []  # warnings about lines of raw.jsonl left out
        self.rows = read_rows(os.path.join(directory, "raw.jsonl"),
                              self.skipped)
        self.hyperfine = self._hyperfine()
        by_wl = {}
        for row in self.rows:
            by_wl.setdefault((row.experiment, row.workload), []).append(row)
        self.workloads = [Workload(e, w, rows)
                          for (e, w), rows in by_wl.items()]

    def _hyperfine(self):
        out = []
        for path in sorted(glob.glob(os.path.join(self.dir,
                                                  "hyperfine-*.json"))):
            try:
                with open(path, encoding="utf-8") as f:
                    data = parse_json(f.read())
                results = data["results"]
                if not isinstance(results, list):
                    raise ValueError("'results' is not a list")
            except (OSError, ValueError, KeyError, TypeError) as e:
                warn("%s: skipped, not a hyperfine export (%s)" % (path, e))
                continue
            good = [r for r in results if isinstance(r, dict)]
            if len(good) < len(results):
                warn("%s: skipped %d result(s) that are not JSON objects"
                     % (path, len(results) - len(good)))
            out.append((os.path.basename(path), good))
        return out

    def experiments(self):
        """Experiment names in the order the run measured them."""
        seen = []
        for wl in self.workloads:
            if wl.experiment not in seen:
                seen.append(wl.experiment)
        return seen

    def workloads_of(self, experiment):
        return [w for w in self.workloads if w.experiment == experiment]

    def fact(self, *names):
        """The first of names found anywhere in meta.json, or None."""
        return find_key(self.meta, names)

    def machine(self):
        """'CPU model, N cores, Linux kernel' for captions."""
        cpu = self.fact("cpu_model", "cpu", "model_name", "model")
        cores = self.fact("cores", "cpus", "ncpu", "nproc")
        kernel = self.fact("kernel", "kernel_release", "uname")
        parts = [str(cpu) if cpu else "CPU unknown"]
        if cores is not None:
            parts.append("%s cores" % cores)
        parts.append("kernel %s" % kernel if kernel else "kernel unknown")
        return ", ".join(parts)


def find_key(tree, names):
    """Breadth-first search of nested dicts for the first key in names."""
    level = [tree]
    while level:
        for name in names:
            for node in level:
                if name in node and not isinstance(node[name], dict):
                    return node[name]
        level = [v for node in level for v in node.values()
                 if isinstance(v, dict)]
    return None


def load(directory):
    """Run of a folder; exits 2 with a message when it cannot be read."""
    try:
        return Run(directory)
    except InputError as e:
        print("error: %s" % e, file=sys.stderr)
        sys.exit(2)
