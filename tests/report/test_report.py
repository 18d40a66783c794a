"""report.py on synthetic results folders: every file is written, failures
and limits are stated in words, summary.csv holds the run's own medians,
and unreadable input ends with a message and exit status 2."""

import csv
import glob
import json
import os
import statistics
import sys
import tempfile
import unittest

import synth


class ReportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = os.path.join(cls.tmp.name, "run")
        synth.write(cls.dir)  # interrupted, last line cut in half
        os.makedirs(os.path.join(cls.dir, "plots"))
        with open(os.path.join(cls.dir, "plots", "stale.png"), "w") as f:
            f.write("left by an older report")
        cls.code, cls.out, cls.err = synth.run_tool("report", cls.dir)
        with open(os.path.join(cls.dir, "report.md"), encoding="utf-8") as f:
            cls.md = f.read()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_writes_every_file(self):
        self.assertEqual(self.code, 0, self.err)
        for name in ("summary.csv", "report.md"):
            self.assertTrue(os.path.isfile(os.path.join(self.dir, name)))
        pngs = glob.glob(os.path.join(self.dir, "plots", "appendix",
                                      "*.png"))
        self.assertGreaterEqual(len(pngs), 5)
        # The question charts stand above the appendix; nothing else does.
        self.assertEqual(sorted(os.listdir(os.path.join(self.dir, "plots"))),
                         ["appendix", "codecost.png", "codecost.svg",
                          "memory.png", "memory.svg", "servers.png",
                          "servers.svg", "timers.png", "timers.svg"])
        for png in pngs:
            with open(png, "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n", png)
        self.assertNotIn("stale.png", [os.path.basename(p) for p in pngs])
        self.assertEqual(glob.glob(os.path.join(self.dir, "**", "*.tmp.*"),
                                   recursive=True), [])

    def test_truncated_line_named(self):
        nlines = len(synth.rows()) + 1
        self.assertIn("raw.jsonl:%d: skipped a truncated last line" % nlines,
                      self.err)
        self.assertIn("raw.jsonl:%d" % nlines, self.md)

    def test_run_facts(self):
        """The run's status and machine open the report; meta.json in
        full comes after the evidence, in the run facts section."""
        top = self.md[: self.md.index("## Findings")]
        self.assertIn("interrupted", top)
        self.assertIn("Synthetic CPU @ 1.00GHz, 2 cores, kernel 6.1.0-test",
                      top)
        facts = self.md[self.md.index("## Machine and run facts"):]
        self.assertIn("jemalloc", facts)

    def test_answers_before_evidence(self):
        """Findings, the job table, then the tables, process accounting,
        the commands, the machine facts, the glossary, and the targets
        appendix last; each linked from the contents line at the top."""
        order = ["## Findings", "## Which model for which job",
                 "## Where each model stops", "## Crossover points",
                 "## Tables per experiment", "## memory",
                 "## Process accounting", "## Commands of each point",
                 "## Machine and run facts", "## Glossary", "## Targets"]
        where = [self.md.index("\n%s\n" % h) for h in order]
        self.assertEqual(where, sorted(where))
        contents = next(x for x in self.md.splitlines()
                        if x.startswith("Contents: "))
        for anchor in ("#findings", "#which-model-for-which-job",
                       "#process-accounting", "#commands-of-each-point",
                       "#machine-and-run-facts", "#glossary"):
            self.assertIn("(%s)" % anchor, contents)

    def test_failures_and_limits_in_words(self):
        for words in ("threaded, tasks=100000: ran out of memory (max RSS",
                      "over the cap of 1073741824 bytes: killed",
                      "(rep 0, 1, 2 of 3)",
                      "coroutine: crashed: killed by SIGSEGV",
                      "threaded, connections=100: hung and was stopped at "
                      "its time limit: no exit within the 10000 ms limit",
                      "callback, kind=lock: failed (cleanups: "
                      "expected 1000, got 999): exit code 1, record ok "
                      "false; a cleanup did not run (rep 2 of 3)",
                      "threaded, tasks=10000: thread limit reached at 9000 "
                      "tasks"):
            self.assertIn(words, self.md)

    def test_commands_and_plots_linked(self):
        self.assertIn("`./tvc run --quick --only memory --runtimes "
                      "threaded,coroutine,callback --repeat 3 --label "
                      "synthetic`", self.md)
        self.assertIn("`build/release/tvc-threaded idle --tasks=100`",
                      self.md)
        for png in glob.glob(os.path.join(self.dir, "plots", "appendix",
                                          "*.png")):
            self.assertIn("(plots/appendix/%s)" % os.path.basename(png),
                          self.md)
        for key in ("memory", "timers", "servers", "codecost"):
            self.assertTrue("](plots/%s.png)" % key in self.md, key)
        self.assertIn("## Code cost", self.md)
        self.assertIn("## Whole-process timings (hyperfine)", self.md)

    def test_summary_holds_the_runs_medians(self):
        with open(os.path.join(self.dir, "summary.csv"), newline="") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual(list(rows[0]), [
            "experiment", "workload", "runtime", "params", "figure",
            "median", "min", "max", "n", "failures"])
        # Recomputed here from the records, not typed in.
        want = [r["figures"]["ns_per_rtt"] for r in synth.rows()
                if r["workload"] == "pingpong" and r["runtime"] == "callback"]
        got = [r for r in rows if r["workload"] == "pingpong"
               and r["runtime"] == "callback" and r["figure"] == "ns_per_rtt"]
        self.assertEqual(len(got), 1)
        self.assertAlmostEqual(float(got[0]["median"]),
                               statistics.median(want))
        self.assertAlmostEqual(float(got[0]["min"]), min(want))
        self.assertEqual(got[0]["n"], "3")
        oom = [r for r in rows if r["runtime"] == "threaded"
               and r["params"] == "tasks=100000"]
        self.assertEqual(len(oom), 1)
        self.assertEqual((oom[0]["n"], oom[0]["failures"]), ("0", "3"))
        # The echo point that timed out once keeps two good repetitions.
        echo = [r for r in rows if r["runtime"] == "threaded" and
                r["params"] == "connections=100" and
                r["figure"] == "load.msgs_per_s"]
        self.assertEqual((echo[0]["n"], echo[0]["failures"]), ("2", "1"))

    def test_best_runtime_and_ratios(self):
        line = next(x for x in self.md.splitlines()
                    if x.startswith("| ns_per_rtt |"))
        cells = [c.strip() for c in line.strip("|").split("|")]
        self.assertTrue(cells[3].endswith("best"), line)  # callback
        self.assertRegex(cells[1], r"×3\.\d\d$")  # threaded


    def test_best_needs_a_rival(self):
        # callback alone measured the point: it is nobody's best.
        lines = [x for x in self.md.splitlines()
                 if x.startswith("| kind=read | cancel_p50_ns |")]
        self.assertEqual(len(lines), 1, self.md)
        cells = [c.strip() for c in lines[0].strip("|").split("|")]
        self.assertEqual(cells[2:4], ["—", "—"])
        self.assertNotIn("best", cells[4])
        self.assertRegex(cells[4], r"µs \(.*\)$")


class HonestFiguresTest(unittest.TestCase):
    """System-wide probes say so; a per-task share that noise in them
    pushed below zero reads as zero, below noise."""

    def test_system_wide_labelled_and_negative_is_noise(self):
        with tempfile.TemporaryDirectory() as d:
            def change(rec):
                fig = rec.get("figures", {})
                if rec.get("workload") == "idle" and fig:
                    fig["bytes_per_task_slab"] = -6.0 - rec["run"]["rep"]
                    fig["bytes_per_task_kernel_stack"] = 16384.0
            src = os.path.join(d, "src")
            synth.write(src, truncate=False)
            synth.edit_rows(src, os.path.join(d, "b"), change)
            sys.path.insert(0, synth.TOOLS)
            import report  # the tables alone: no plots to wait for
            import results
            run = results.Run(os.path.join(d, "b"))
            wl = next(w for w in run.workloads if w.workload == "idle")
            md = "\n".join(report.workload_section(run, wl, []))
        slab = [x for x in md.splitlines()
                if "| bytes_per_task_slab" in x]
        self.assertTrue(slab)
        for line in slab:
            self.assertIn("bytes_per_task_slab (system-wide) |", line)
            self.assertIn("≈ 0 (below noise)", line)
            self.assertNotIn("-", line.split("|")[3:][0])
        self.assertIn("| bytes_per_task_kernel_stack (system-wide) |", md)
        self.assertIn("| bytes_per_task_rss |", md)


class BadInputTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        synth.write(self.dir, truncate=False)

    def tearDown(self):
        self.tmp.cleanup()

    def raw(self, text):
        with open(os.path.join(self.dir, "raw.jsonl"), "w") as f:
            f.write(text)

    def assertFails(self, fragment):
        code, _, err = synth.run_tool("report", self.dir)
        self.assertEqual(code, 2, err)
        self.assertIn(fragment, err)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "report.md")))

    def test_not_a_directory(self):
        self.dir = os.path.join(self.dir, "nowhere")
        self.assertFails("is not a directory")

    def test_missing_raw(self):
        os.remove(os.path.join(self.dir, "raw.jsonl"))
        self.assertFails("raw.jsonl does not exist")

    def test_empty_raw(self):
        self.raw("")
        self.assertFails("holds no valid rows")

    def test_only_garbage(self):
        self.raw("not json\n[1, 2]\n{\"cut\": \n")
        self.assertFails("holds no valid rows")

    def test_malformed_meta(self):
        with open(os.path.join(self.dir, "meta.json"), "w") as f:
            f.write("{\"machine\": ")
        self.assertFails("meta.json is not readable JSON")

    def test_bad_lines_among_good_ones(self):
        good = [json.dumps(r) for r in synth.rows(reps=1)]
        self.raw("\n".join(good[:3] + ["{oops", "42"] + good[3:]) + "\n")
        code, _, err = synth.run_tool("report", self.dir)
        self.assertEqual(code, 0, err)
        self.assertIn("raw.jsonl:4: skipped a malformed line", err)
        self.assertIn("raw.jsonl:5: skipped a line that is not a JSON "
                      "object", err)

    def test_help(self):
        code, out, _ = synth.run_tool("report", "--help")
        self.assertEqual(code, 0)
        self.assertIn("usage: ./tvc report", out)


class GroupingTest(unittest.TestCase):
    """Rows that belong together stay together; only numbers count."""

    def test_addresses_nan_and_failed_rows(self):
        sys.path.insert(0, synth.TOOLS)
        import results
        with tempfile.TemporaryDirectory() as d:
            rows = synth.rows(reps=2)
            for i, r in enumerate(rows):
                if r.get("workload") == "pingpong":
                    # A delay server on a fresh port per repetition.
                    r["params"]["server"] = "127.0.0.1:%d" % (40000 + i)
                    r["figures"]["bad"] = float("nan")
            with open(os.path.join(d, "raw.jsonl"), "w") as f:
                f.writelines(json.dumps(r) + "\n" for r in rows)
            run = results.Run(d)
        ping = next(w for w in run.workloads if w.workload == "pingpong")
        self.assertEqual(ping.varying, [])
        self.assertEqual(len(ping.groups), 3)  # one per runtime
        self.assertNotIn("bad", ping.figures())
        # The echo row that timed out has no load record; it still joins
        # its point, through the point index the runner gave it.
        echo = next(w for w in run.workloads if w.workload == "echo")
        self.assertEqual(echo.varying, ["connections"])
        self.assertEqual(len(echo.groups), 9)


class PeerCellsTest(unittest.TestCase):
    """A peer that cannot run a point shows n/a, one not built skipped."""

    def test_not_applicable_and_skipped(self):
        sys.path.insert(0, synth.TOOLS)
        import random
        import results
        import tables
        rng = random.Random(1)
        rows = [synth._row("memory", rt, "idle", {"tasks": 10}, i, 3, 0,
                           rng, figures={"bytes_per_task_rss": 100.0},
                           status=st)
                for i, (rt, st) in enumerate((
                    ("threaded", "ok"), ("asyncio", "not_applicable"),
                    ("uvloop", "skipped")))]
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "raw.jsonl"), "w") as f:
                f.writelines(json.dumps(r) + "\n" for r in rows)
            run = results.Run(d)
        idle = next(w for w in run.workloads if w.workload == "idle")
        header, lines = tables.table(idle, accounting=False)
        cells = dict(zip(header, lines[0]))
        self.assertEqual(cells["asyncio"], "n/a")
        self.assertEqual(cells["uvloop"], "skipped")


if __name__ == "__main__":
    unittest.main()
