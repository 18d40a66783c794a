"""targets.py gives each issue target the verdict its figures earn: a
ratio over its bound is not met, clearly separated throughput is met or
not, overlapping ranges say so, a size below the stated one is named, a
target the run did not measure is absent, and report.md carries the
table."""

import json
import os
import random
import sys
import tempfile
import unittest

import synth

sys.path.insert(0, synth.TOOLS)
import results  # noqa: E402
import targets  # noqa: E402


def _echo(rng, runtime, conns, rates, p99s):
    out = []
    for rep, (rate, p99) in enumerate(zip(rates, p99s)):
        load = {"schema": 1, "runtime": "load", "workload": "echo",
                "params": {"connections": conns, "port": 40000 + rep},
                "ok": True, "figures": {"msgs_per_s": rate},
                "latency_ns": {"rtt": dict(count=100, p50=p99 // 2,
                                           p99=p99)},
                "run": {"role": "load", "status": "ok",
                        "argv": ["tvc-loadgen-echo"]}}
        out.append(synth._row("servers", runtime, "echo",
                              {"port": 40000 + rep}, 0, 1, rep, rng,
                              load=load))
    return out


def _rows():
    rng = random.Random(7)
    out = []
    for rep in range(3):
        out.append(synth._row(
            "micro", "coroutine", "bench_switch", {}, 0, 1, rep, rng,
            figures={"switch_ns_median": 3.0 + rep * 0.01,
                     "floor_switch_ns_median": 2.0,
                     "boost_jump_fcontext_ns_median": 5.0,
                     "spawn_run_join_ns_median": 90.0}))
        out.append(synth._row("memory", "callback", "idle",
                              {"tasks": 1000}, 0, 2, rep, rng,
                              figures={"bytes_per_task_heap": 128.0,
                                       "bytes_per_task_rss": 300.0}))
        out.append(synth._row("memory", "callback", "idle", {"tasks": 100},
                              1, 2, rep, rng,
                              figures={"bytes_per_task_heap": 140.0}))
    out += _echo(rng, "coroutine", 1, [100, 101, 102], [50, 51, 52])
    out += _echo(rng, "libuv", 1, [89, 90, 91], [60, 61, 62])
    out += _echo(rng, "coroutine", 100, [80, 81, 82], [95, 96, 97])
    out += _echo(rng, "callback", 100, [99, 100, 101], [90, 94, 99])
    return out


def _verdicts(run):
    return {r[1]: r[3] for r in targets.rows(run)}


class TargetsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        d = self.tmp.name
        with open(os.path.join(d, "meta.json"), "w") as f:
            json.dump(synth.meta("complete"), f)
        with open(os.path.join(d, "raw.jsonl"), "w") as f:
            f.write("".join(json.dumps(r) + "\n" for r in _rows()))
        self.run = results.load(d)
        self.v = _verdicts(self.run)

    def tearDown(self):
        self.tmp.cleanup()

    def test_ratios_against_their_bounds(self):
        self.assertEqual(
            self.v["context switch within 1.2× the bare save/restore "
                   "floor"], "not met")
        self.assertEqual(
            self.v["context switch no slower than Boost jump_fcontext"],
            "met")
        self.assertEqual(self.v["spawn + run + join under 100 ns"], "met")

    def test_comparisons_say_when_ranges_overlap(self):
        self.assertEqual(self.v["echo one vCPU each, 1 conn, throughput: "
                                "coroutine no worse than libuv"], "met")
        self.assertEqual(self.v["echo one vCPU each, 1 conn, p99: "
                                "coroutine no worse than libuv"], "met")
        self.assertEqual(self.v["echo one vCPU each, 100 conns, "
                                "throughput: coroutine no worse than "
                                "callback"], "not met")
        self.assertEqual(self.v["echo one vCPU each, 100 conns, p99: "
                                "coroutine no worse than callback"],
                         "not met (ranges overlap)")

    def test_sizes_below_the_stated_one_are_named(self):
        # The largest point measured (1000), not the worst one (100).
        self.assertEqual(
            self.v["1,000,000 idle tasks under 150 B heap each"],
            "met at tasks=1000 (stated at 1000000)")
        self.assertEqual(
            self.v["1,000,000 idle tasks under 150 B RSS each"],
            "not met at tasks=1000 (stated at 1000000)")

    def test_unmeasured_targets_are_absent(self):
        self.assertEqual(self.v["timer lateness p99 under 100 µs with "
                                "100,000 pending timers"],
                         "not in this run")
        met, missed, other = targets.counts(targets.rows(self.run))
        self.assertEqual((met, missed), (4, 3))
        self.assertEqual(met + missed + other, len(targets.TARGETS))

    def test_report_carries_the_table(self):
        code, _, err = synth.run_tool("report", self.tmp.name)
        self.assertEqual(code, 0, err)
        with open(os.path.join(self.tmp.name, "report.md")) as f:
            text = f.read()
        self.assertIn("## Targets", text)
        self.assertIn("4 met, 3 not met", text)
        self.assertIn("| #5 | context switch within 1.2× the bare "
                      "save/restore floor | 1.50×", text)


if __name__ == "__main__":
    unittest.main()
