"""findings.py puts the answers on top of report.md: on synthetic runs
where a known runtime wins by a known ratio, the findings name exactly
that runtime and ratio; with every row of that runtime removed they say
it was not measured and name the next; a value alone is never "best"; a
run without an experiment still reads (each question says it was not
measured); every link of the report points at a heading that exists, and
a chart is named only when one was drawn; where threads stop is told
with the error or the harness's cap; and a quick run's findings and job
table fit in 200 lines."""

import os
import random
import re
import sys
import tempfile
import unittest

import synth

sys.path.insert(0, synth.TOOLS)
import findings  # noqa: E402
import report  # noqa: E402
import results  # noqa: E402

REPS = 3
GIB = 1024 ** 3


def _spawn(rng, values):
    """switching/spawn rows: values[runtime] is the spawn+join cost of
    rep 0; rep i costs 1 % more each time, the same for every runtime, so
    every pair keeps the ratio of the values."""
    out = []
    for i, (rt, ns) in enumerate(values.items()):
        for rep in range(REPS):
            out.append(synth._row("switching", rt, "spawn", {"tasks": 1000},
                                  i, len(values), rep, rng, figures={
                                      "spawn_join_ns": ns * (1 + rep / 100),
                                      "spawn_join_batched_ns": ns / 2}))
    return out


def _echo(rng, rates):
    """servers/echo rows: rates[runtime][connections] msgs/s in every
    repetition (the server pinned apart from its load generator)."""
    out = []
    for rt, by in rates.items():
        for c, rate in by.items():
            for rep in range(REPS):
                load = {"schema": 1, "runtime": "load", "workload": "echo",
                        "params": {"connections": c}, "ok": True,
                        "figures": {"msgs_per_s": rate * (1 + rep / 100)},
                        "run": {"role": "load", "status": "ok", "cpu": 1,
                                "argv": ["tvc-loadgen-echo"]}}
                row = synth._row("servers", rt, "echo", {}, 0, 1, rep, rng,
                                 load=load)
                row["run"]["cpu"] = 0
                out.append(row)
    return out


def _idle(rng, runtime, tasks, per_task, reached=None, note=None):
    return [synth._row("memory", runtime, "idle",
                       {"tasks": tasks, "stack": "private"}, 0, 1, rep, rng,
                       figures={"bytes_per_task_total": per_task,
                                "tasks_reached": reached or tasks},
                       notes={"limit": note} if note else {})
            for rep in range(REPS)]


def _cancel(rng, runtime, p99s):
    return [synth._row("cancellation", runtime, "cancel",
                       {"kind": "stream", "tasks": 1, "mode": "api"}, 0, 1,
                       rep, rng, latency={"cancel_to_cleanup": dict(
                           count=1000, p50=p99 // 2, p99=p99)})
            for rep, p99 in enumerate(p99s)]


def _meta():
    meta = synth.meta("complete")
    meta["machine"].update(mem_total_bytes=16 * GIB, pid_max=32768,
                           threads_max=100000, max_map_count=65530)
    meta["options"] = {"thread_limit": 29000}
    return meta


def _rows(seed=1):
    rng = random.Random(seed)
    out = _spawn(rng, {"threaded": 10000.0, "coroutine": 100.0,
                       "callback": 250.0})
    out += _echo(rng, {"threaded": {1: 100000, 10: 130000, 100: 60000},
                       "coroutine": {1: 98000, 10: 150000, 100: 200000},
                       "callback": {1: 101000, 10: 140000, 100: 180000}})
    out += _idle(rng, "threaded", 1000, 30000.0)
    out += _idle(rng, "threaded", 29000, 32768.0)
    out += _idle(rng, "coroutine", 1000, 4096.0)
    out += _idle(rng, "coroutine", 1000000, 4096.0)
    out += _idle(rng, "callback", 1000, 128.0)
    out += _idle(rng, "callback", 1000000, 128.0)
    # Overlapping values: the run cannot tell these two apart.
    out += _cancel(rng, "coroutine", [500, 700, 600])
    out += _cancel(rng, "callback", [650, 550, 620])
    out += _cancel(rng, "threaded", [90000, 95000, 99000])
    # Counts beside the verdicts: cancel's cannot tell, spawn's can.
    out += synth.counts_rows(rng, "cancel", {"kind": "stream"}, {
        "coroutine": {"syscalls": 3.5, "instructions": 1910.4},
        "callback": {"syscalls": 2.25, "instructions": 1870.0}})
    out += synth.counts_rows(rng, "spawn", {"tasks": 1000}, {
        "coroutine": {"syscalls": 0.1}, "callback": {"syscalls": 0.2}})
    return out


def _write(directory, rows, meta=None):
    import json
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "meta.json"), "w") as f:
        json.dump(meta or _meta(), f)
    with open(os.path.join(directory, "raw.jsonl"), "w") as f:
        f.writelines(json.dumps(r) + "\n" for r in rows)
    return results.Run(directory)


def _section(md, title):
    """The lines of one '### title' finding."""
    start = md.index("### %s\n" % title)
    end = md.find("\n##", start + 4)
    return md[start:end if end >= 0 else None]


def _links_ok(test, md):
    """Every in-page link names a heading; no other link is left."""
    anchors = {report._anchor(x.lstrip("#").strip())
               for x in md.splitlines() if x.startswith("#")}
    for target in re.findall(r"\]\(([^)]*)\)", md):
        test.assertTrue(target.startswith("#"), target)
        test.assertIn(target[1:], anchors)


class Known(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.rows = _rows()
        cls.got = _write(os.path.join(cls.tmp.name, "all"), cls.rows)
        cls.md = report.report_md(cls.got, [])
        cls.top = "\n".join(findings.sections(cls.got))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_winner_and_ratio_named(self):
        spawn = _section(self.top, "Creating and joining tasks")
        self.assertIn("Coroutine is best, ×2.50 ahead of the next, callback,"
                      " in every repetition", spawn)
        # Medians are rep 1's values, 1 % above rep 0's.
        self.assertIn("coroutine 101 ns (best)", spawn)
        self.assertIn("threaded 10.1 µs (×100)", spawn)

    def test_noise_rule(self):
        cancel = _section(self.top, "Cancellation")
        self.assertIn("This run cannot tell coroutine and callback apart",
                      cancel)
        self.assertIn("a socket read (`kind=stream`)", cancel)

    def test_counts_beside_an_undecided_verdict(self):
        cancel = _section(self.top, "Cancellation")
        self.assertIn("apart (", cancel)
        self.assertIn("). Counts, which timing does not move: syscalls per "
                      "cancelled task: coroutine 3.5, callback 2.25; "
                      "instructions per cancelled task: coroutine 1,910, "
                      "callback 1,870.", cancel)
        # A verdict the timings decide needs no counts.
        spawn = _section(self.top, "Creating and joining tasks")
        self.assertIn("Coroutine is best", spawn)
        self.assertNotIn("Counts", spawn)

    def test_servers_and_crossover(self):
        servers = _section(self.top, "Servers")
        self.assertIn("| echo, 100 conns | threaded 60.6 k/s (×3.33); "
                      "coroutine 202 k/s (best)", servers)
        self.assertIn("pinned to CPU 0 and its load generator to CPU 1",
                      servers)
        self.assertIn("threads fall below 0.8× the best loop server's "
                      "throughput between 10 and 100 connections",
                      self.top)

    def test_where_threads_stop(self):
        self.assertIn("held 29,000 threads without an error and stopped "
                      "at the harness's cap", self.top)
        self.assertIn("32,765 for vm.max_map_count ÷ 2", self.top)
        # The loop runtimes stop where RAM runs out: 16 GiB / 128 B.
        self.assertIn("about 134 M tasks: RAM 16 GiB ÷ 128 B per task",
                      self.top)

    def test_job_table(self):
        jobs = self.md[self.md.index("## Which model for which job"):
                       self.md.index("## Where each model stops")]
        self.assertIn("| Many short tasks | coroutine |", jobs)
        self.assertIn("| Thousands of mostly idle connections | not "
                      "measured yet", jobs)
        self.assertIn("several cores: not measured yet", jobs)

    def test_links_and_charts(self):
        _links_ok(self, self.md)
        self.assertNotIn("Chart:", self.md)
        drawn = "\n".join(findings.sections(
            self.got, {"memory": "plots/q-memory.png"}))
        self.assertIn("Chart: [plots/q-memory.png](plots/q-memory.png).",
                      _section(drawn, "Memory per waiting task"))
        self.assertNotIn("Chart:", _section(drawn, "Servers"))

    def test_runtime_removed(self):
        rows = [r for r in self.rows if r["runtime"] != "coroutine"]
        run = _write(os.path.join(self.tmp.name, "nocoro"), rows)
        md = report.report_md(run, [])
        spawn = _section(md, "Creating and joining tasks")
        self.assertIn("coroutine: not measured in this run", spawn)
        self.assertIn("Callback is best, ×40 ahead of the next, threaded",
                      spawn)
        self.assertNotIn("coroutine (best)", md)
        _links_ok(self, md)

    def test_alone_is_not_best(self):
        rows = [r for r in self.rows if r["runtime"] == "coroutine"]
        run = _write(os.path.join(self.tmp.name, "alone"), rows)
        spawn = _section("\n".join(findings.sections(run)),
                         "Creating and joining tasks")
        self.assertNotIn("best", spawn)
        self.assertIn("coroutine 101 ns (the only one measured)", spawn)

    def test_limit_error_told(self):
        rows = [r for r in self.rows if not (
            r["runtime"] == "threaded" and r["workload"] == "idle" and
            r["params"]["tasks"] == 29000)]
        rows += _idle(random.Random(2), "threaded", 40000, 33000.0,
                      reached=32000, note="limit reached: spawn 32001 "
                      "failed with EAGAIN (Resource temporarily "
                      "unavailable)")
        run = _write(os.path.join(self.tmp.name, "limit"), rows)
        top = "\n".join(findings.sections(run))
        self.assertIn("stopped at 32,000 of 40,000 asked: spawn returned "
                      "EAGAIN", top)
        self.assertIn("threaded 32,000 (EAGAIN)", top)


class Lacking(unittest.TestCase):
    def test_without_servers_and_switching(self):
        with tempfile.TemporaryDirectory() as tmp:
            rows = [r for r in _rows() if r["run"]["experiment"]
                    not in ("servers", "switching")]
            run = _write(os.path.join(tmp, "run"), rows)
            md = report.report_md(run, [])
        for title in ("Servers", "Creating and joining tasks",
                      "Waking a task and switching", "Timers",
                      "Pipelines and bounded fan-out"):
            self.assertIn("Not measured in this run", _section(md, title))
        self.assertIn("- Echo servers: not measured in this run", md)
        self.assertIn("| Many short tasks | not measured in this run |", md)
        self.assertNotIn("None", md[:md.index("## Targets")])
        _links_ok(self, md)


class QuickRun(unittest.TestCase):
    def test_answers_fit_in_200_lines(self):
        """On the committed reference run, a quick one."""
        run = results.Run(os.path.join(synth.ROOT, "results", "reference"))
        self.assertEqual(run.fact("profile"), "quick")
        top = findings.sections(run)
        end = top.index("## Where each model stops")
        self.assertLessEqual(end, 200)
        # Every question the quick profile asks is answered from its data
        # (a figure looked up under a stale name reads as not measured).
        answers = "\n".join(top[:end])
        self.assertNotIn("No runtime measured this", answers)
        self.assertNotIn("did not report", answers)


if __name__ == "__main__":
    unittest.main()
