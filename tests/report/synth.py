"""Synthetic results folders for the report tools' tests, and a way to run
the tools on them.

Writes meta.json and raw.jsonl in the schema of docs/DESIGN.md, "Workloads and
records" (records plus the harness's "run" block of results/README.md) for a
handful of experiments, including what a real run goes through: a crash, a
timeout, an out-of-memory point with a limit noted, a failed self-check, a
truncated last line.  Values come from a seeded generator, so every folder is
the same on every machine.

    /usr/bin/python3 tests/report/synth.py DIR    writes one folder
"""

import json
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
TOOLS = os.path.join(ROOT, "experiments", "report")
PYTHON = "/usr/bin/python3"  # Debian's, the one with matplotlib

RUNTIMES = ["threaded", "coroutine", "callback"]
# Relative cost of each runtime, so plots and ratios have a shape.
SCALE = {"threaded": 3.0, "coroutine": 1.0, "callback": 0.8}


# What the runner says (run.error) for each way a child can end.
RUNNER_ERRORS = {
    "ok": None,
    "crash": "killed by SIGSEGV",
    "timeout": "no exit within the 10000 ms limit: SIGTERM, then SIGKILL",
    "oom": "resident memory over the cap of 1073741824 bytes: killed"}


def _hist(rng, base):
    """A latency histogram in the shape hist.h prints."""
    vals, v = {}, base
    for name, step in (("p50", 1.0), ("p90", 1.3), ("p99", 2.0),
                       ("p999", 3.0), ("p9999", 5.0)):
        v *= step * rng.uniform(0.97, 1.03)
        vals[name] = int(v)
    return dict(count=10000, mean=int(base * 1.1), min=int(base * 0.5),
                max=int(v * 2), **vals)


def _argv(runtime, workload, params):
    return ["build/release/tvc-" + runtime, workload] + [
        "--%s=%s" % kv for kv in sorted(params.items())]


def _row(exp, runtime, workload, params, point, points, rep, rng,
         figures=None, latency=None, status="ok", ok=True, notes=None,
         load=None, checks=None, signal=None):
    """One raw.jsonl row; status other than ok leaves no child record."""
    run = {"experiment": exp, "point": point, "points": points, "rep": rep,
           "role": "server" if load else "point", "status": status,
           "error": RUNNER_ERRORS.get(status) if ok else
           "exit code 1, record ok false",
           "exit_code": (0 if ok else 1) if status == "ok" else None,
           "signal": signal, "wall_ns": int(rng.uniform(1e8, 2e8)),
           "limits": {"timeout_ns": 10 ** 10, "rss_bytes": 2 ** 30},
           "rusage": {"max_rss_bytes": int(rng.uniform(4e6, 5e6)),
                      "user_ns": int(rng.uniform(1e7, 2e7)),
                      "sys_ns": int(rng.uniform(1e6, 2e6)),
                      "voluntary_cs": rng.randint(10, 20),
                      "involuntary_cs": rng.randint(1, 5)},
           "argv": _argv(runtime, workload, params),
           "stderr_tail": "" if status == "ok" else "tvc: child ended"}
    if not ok:
        run["status"] = "failed"
    if status != "ok":  # no record: the runner synthesizes one
        return {"schema": 1, "runtime": runtime, "workload": workload,
                "params": dict(params), "ok": False,
                "error": run["error"], "check": {}, "figures": {},
                "latency_ns": {}, "memory": {}, "cpu": {}, "notes": {},
                "wall_ns": run["wall_ns"], "run": run}
    rec = {"schema": 1, "runtime": runtime, "workload": workload,
           "params": dict(params), "ok": ok,
           "error": None if ok else "a cleanup did not run",
           "check": checks or {"done": {"expected": 1, "got": 1,
                                        "ok": True}},
           "figures": figures or {}, "latency_ns": latency or {},
           "memory": {"rss_bytes": int(rng.uniform(3e6, 4e6))},
           "cpu": {"placement": "cpu0"}, "notes": notes or {},
           "wall_ns": int(rng.uniform(1e8, 2e8)), "run": run}
    if load is not None:
        rec["load"] = load
    return rec


def rows(reps=3, seed=1):
    """Every synthetic row, in run order."""
    rng = random.Random(seed)
    out = []
    ns = [100, 1000, 10000, 100000]
    for i, (rt, n) in enumerate((rt, n) for rt in RUNTIMES for n in ns):
        for rep in range(reps):
            per = 200 * SCALE[rt] * rng.uniform(0.95, 1.05)
            if rt == "threaded" and n == ns[-1]:
                out.append(_row("memory", rt, "idle", {"tasks": n}, i,
                                12, rep, rng, status="oom", notes={}))
                continue
            notes = {}
            if rt == "threaded" and n == ns[-2]:
                notes["limit"] = "thread limit reached at 9000 tasks"
            out.append(_row("memory", rt, "idle", {"tasks": n}, i, 12, rep,
                            rng, figures={"bytes_per_task_rss": per * 10,
                                          "ns_per_spawn": per * 5},
                            notes=notes))
    for i, rt in enumerate(RUNTIMES):
        for rep in range(reps):
            s = SCALE[rt] * rng.uniform(0.95, 1.05)
            out.append(_row("switching", rt, "pingpong",
                            {"rounds": 10000}, i, 6, rep, rng,
                            figures={"ns_per_rtt": 300 * s},
                            latency={"rtt": _hist(rng, 300 * s)}))
            crash = rt == "coroutine" and rep == 0
            out.append(_row("switching", rt, "spawn", {"tasks": 1000},
                            3 + i, 6, rep, rng,
                            figures={"ns_per_spawn": 900 * s},
                            status="crash" if crash else "ok",
                            signal="SIGSEGV" if crash else None))
    for i, rt in enumerate(RUNTIMES):
        for rep in range(reps):
            s = SCALE[rt] * rng.uniform(0.9, 1.1)
            out.append(_row("timers", rt, "timers", {"timers": 10000}, i,
                            3, rep, rng,
                            latency={"lateness": _hist(rng, 5000 * s)}))
    conns = [1, 10, 100]
    for i, (rt, c) in enumerate((rt, c) for rt in RUNTIMES for c in conns):
        for rep in range(reps):
            s = SCALE[rt] * rng.uniform(0.95, 1.05)
            timeout = rt == "threaded" and c == 100 and rep == 1
            load = {"schema": 1, "runtime": "load", "workload": "echo",
                    "params": {"connections": c, "port": 40000 + rep},
                    "ok": True,
                    "figures": {"msgs_per_s": 50000 * min(c, 10) / s},
                    "latency_ns": {"rtt": _hist(rng, 20000 * s * c ** .3)},
                    "run": {"role": "load", "status": "ok",
                            "argv": ["build/release/tvc-loadgen", "echo",
                                     "--connections=%d" % c]}}
            out.append(_row("servers", rt, "echo", {"port": 40000 + rep},
                            i, 9, rep, rng, load=load,
                            status="timeout" if timeout else "ok"))
    kinds = ["sleep", "await", "read", "lock"]
    for i, (rt, k) in enumerate((rt, k) for rt in RUNTIMES for k in kinds):
        if k == "read" and rt != "callback":
            continue  # a point one runtime alone measured
        for rep in range(reps):
            s = SCALE[rt] * rng.uniform(0.95, 1.05)
            bad = rt == "callback" and k == "lock" and rep == 2
            check = {"cleanups": {"expected": 1000, "got": 999 if bad
                                  else 1000, "ok": not bad}}
            out.append(_row("cancellation", rt, "cancel",
                            {"kind": k, "tasks": 1000}, i, 12, rep, rng,
                            latency={"cancel": _hist(rng, 2000 * s)},
                            ok=not bad, checks=check))
    return out


def counts_rows(rng, workload, params, per_op, start=0):
    """The counts experiment's rows of one workload: per_op[runtime]
    [counter] is its syscalls_per_op or instructions_per_op, the same in
    every repetition (counts do not move with timing); params are the
    point's, to which --counter is added as tvc-counts is in the argv."""
    out = []
    for i, (rt, by) in enumerate(per_op.items()):
        for counter, value in by.items():
            for rep in range(3):
                out.append(_row("counts", rt, workload, dict(
                    params, counter=counter), start + i, len(per_op), rep,
                    rng, figures={counter: value * 1000, "ops": 1000,
                                  counter + "_per_op": value}))
    return out


def meta(status="complete"):
    return {"machine": {"cpu_model": "Synthetic CPU @ 1.00GHz", "cores": 2,
                        "kernel": "6.1.0-test"},
            "compiler": "gcc 12.2.0", "flags": "-O2 -g",
            "allocator": "jemalloc", "commit": "0123456789abcdef",
            "profile": "quick", "label": "synthetic",
            "start": "2026-11-21T00:00:00Z", "end": "2026-11-21T00:04:00Z",
            "status": status}


def write(directory, reps=3, status="interrupted", truncate=True, seed=1):
    """A results folder; truncate cuts the last line in half, as a run
    killed while writing would leave it without the rename."""
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "meta.json"), "w") as f:
        json.dump(meta(status), f, indent=1)
    lines = [json.dumps(r) for r in rows(reps, seed)]
    text = "\n".join(lines) + "\n"
    if truncate:
        text += lines[0][: len(lines[0]) // 2]
    with open(os.path.join(directory, "raw.jsonl"), "w") as f:
        f.write(text)
    hf = {"results": [{"command": "tvc-coroutine spawn --tasks=1000",
                       "mean": 0.012, "stddev": 0.001, "median": 0.0118,
                       "user": 0.008, "system": 0.003, "min": 0.011,
                       "max": 0.015, "times": [0.011, 0.012, 0.015]}]}
    with open(os.path.join(directory, "hyperfine-spawn.json"), "w") as f:
        json.dump(hf, f)


def run_tool(tool, *args):
    """Runs experiments/report/<tool>.py; returns (exit code, stdout,
    stderr)."""
    p = subprocess.run([PYTHON, os.path.join(TOOLS, tool + ".py")]
                       + list(args), capture_output=True, text=True,
                       timeout=300)
    return p.returncode, p.stdout, p.stderr


def edit_rows(src, dst, change):
    """Copies folder src to dst with change(record) applied to every row
    of raw.jsonl (unreadable lines are left out)."""
    os.makedirs(dst, exist_ok=True)
    with open(os.path.join(src, "meta.json")) as f:
        meta_text = f.read()
    with open(os.path.join(dst, "meta.json"), "w") as f:
        f.write(meta_text)
    out = []
    with open(os.path.join(src, "raw.jsonl")) as f:
        for line in f:
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            change(rec)
            out.append(json.dumps(rec) + "\n")
    with open(os.path.join(dst, "raw.jsonl"), "w") as f:
        f.writelines(out)


if __name__ == "__main__":
    write(sys.argv[1])
