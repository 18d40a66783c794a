#!/usr/bin/python3
"""Runs fuzz targets and reports what they did; ./tvc fuzz and ctest use it.

    run.py [--seconds N] [--smoke | --corpus] [--out DIR] [--summary FILE]
           NAME=EXE ...        (or NAME EXE for one target)

EXE is a libFuzzer binary (tests/fuzz/fuzz_NAME.c built) or a Python
target (tests/fuzz/fuzz_NAME.py, run by /usr/bin/python3 through
pyfuzz.py, which takes the same flags and prints the same statistics).

Fuzzing (the default) runs each target N seconds on its working corpus
DIR/corpus/NAME, which grows from run to run, and the committed seeds
tests/fuzz/corpus/NAME; a crashing input is written to DIR/crashes/NAME/.
--smoke does the same from an empty working corpus (ctest); --corpus runs
every committed seed once and stops.  Per target it prints executions,
libFuzzer's final coverage (cov: edges, ft: features), crashes with the
input's path, and the log's path; --summary writes those figures as JSON.
Exits 1 when any target crashed (or failed to run), else 0.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PY = "/usr/bin/python3"


def command(exe, args):
    if exe.endswith(".py"):
        return [PY, exe] + args
    return [exe] + args


def seeds_of(name):
    d = os.path.join(HERE, "corpus", name)
    if not os.path.isdir(d):
        return d, []
    return d, sorted(os.path.join(d, f) for f in os.listdir(d)
                     if os.path.isfile(os.path.join(d, f)))


def run_one(name, exe, mode, seconds, out):
    seed_dir, seeds = seeds_of(name)
    crash_dir = os.path.join(out, "crashes", name)
    log_dir = os.path.join(out, "logs")
    os.makedirs(crash_dir, exist_ok=True)
    os.makedirs(log_dir, exist_ok=True)
    log_path = os.path.join(log_dir, "%s.%s.log" % (name, mode))
    tmp = None
    if mode == "corpus":
        # Each file named on the command line runs once, no fuzzing.
        args = ["-artifact_prefix=%s/" % crash_dir] + seeds
        limit = 120
    else:
        if mode == "smoke":
            tmp = tempfile.mkdtemp(prefix="fuzz-%s-" % name)
            work = tmp
        else:
            work = os.path.join(out, "corpus", name)
            os.makedirs(work, exist_ok=True)
        args = ["-max_total_time=%d" % seconds, "-print_final_stats=1",
                "-timeout=10", "-rss_limit_mb=2048",
                "-artifact_prefix=%s/" % crash_dir, work]
        if seeds:
            args.append(seed_dir)
        limit = seconds + 120  # start-up and the seeds' first pass
    before = set(os.listdir(crash_dir))
    t0 = time.monotonic()
    with open(log_path, "w") as log:
        try:
            rc = subprocess.run(command(exe, args), stdout=log,
                                stderr=subprocess.STDOUT, timeout=limit,
                                cwd=out).returncode
        except subprocess.TimeoutExpired:
            rc = "timeout"
    wall = time.monotonic() - t0
    if tmp:
        shutil.rmtree(tmp, ignore_errors=True)
    with open(log_path, errors="replace") as f:
        text = f.read()
    stats = re.findall(r"cov: (\d+) ft: (\d+)", text)
    final = re.search(r"stat::number_of_executed_units: (\d+)", text)
    status = re.findall(r"^#(\d+)\s", text, re.M)  # libFuzzer's progress
    if final:
        execs = int(final.group(1))
    elif status:  # a crash ends the run before the final stats
        execs = int(status[-1])
    else:  # inputs run once each
        execs = len(re.findall(r"^Executed ", text, re.M))
    crashes = re.findall(r"Test unit written to (\S+)", text)
    crashes += [os.path.join(crash_dir, f) for f in
                sorted(set(os.listdir(crash_dir)) - before)
                if os.path.join(crash_dir, f) not in crashes]
    return {
        "target": name, "mode": mode, "seconds": round(wall, 1),
        "executions": execs,
        "cov": int(stats[-1][0]) if stats else None,
        "ft": int(stats[-1][1]) if stats else None,
        "crashes": [os.path.abspath(os.path.join(out, c)) for c in crashes],
        "exit": rc, "ok": rc == 0 and not crashes, "log": log_path,
    }


def line(r):
    cov = ("cov %s ft %s" % (r["cov"], r["ft"]) if r["cov"] is not None
           else "cov -")
    head = "%-10s %-6s %8d execs  %-18s %5.1f s  " % (
        r["target"], r["mode"], r["executions"], cov, r["seconds"])
    if r["ok"]:
        return head + "no crash"
    what = ", ".join(r["crashes"]) or "exit %s, no input saved" % r["exit"]
    return head + "CRASH: %s (log %s)" % (what, r["log"])


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("targets", nargs="+", help="NAME=EXE ..., or NAME EXE")
    p.add_argument("--seconds", type=int, default=60)
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--smoke", action="store_true")
    mode.add_argument("--corpus", action="store_true")
    p.add_argument("--out", default=os.getcwd())
    p.add_argument("--summary", help="write the figures here as JSON")
    a = p.parse_args()
    pairs = a.targets
    if len(pairs) == 2 and "=" not in pairs[0]:
        pairs = ["%s=%s" % tuple(pairs)]
    m = "smoke" if a.smoke else "corpus" if a.corpus else "fuzz"
    out = os.path.abspath(a.out)
    results = []
    for pair in pairs:
        name, _, exe = pair.partition("=")
        r = run_one(name, os.path.abspath(exe), m, a.seconds, out)
        print(line(r), flush=True)
        if not r["ok"]:
            with open(r["log"], errors="replace") as f:
                tail = f.read().splitlines()[-40:]
            print("\n".join("  | " + t for t in tail))
        results.append(r)
    if a.summary:
        with open(a.summary, "w") as f:
            json.dump({"when": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                             time.gmtime()),
                       "targets": results}, f, indent=1)
            f.write("\n")
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
