"""show.py prints a report's findings and job table first, wrapped to the
terminal, and the tables with --all; a report without findings (or no
report) shows its tables within 100 columns, with humanised units,
failures in words; exit status 2 for a bad folder."""

import os
import subprocess
import tempfile
import unittest

import synth

# report.md as report.py writes it once findings exist: conclusions first,
# then the evidence.
REPORT = """# tvc report: run

**Run complete.**

## Findings

The headline: **callback** holds a waiting task in the least memory, and
coroutines cost a few times more while keeping direct style; threads cost
tens of kilobytes per task and stop at a few thousand.

### How much memory does a waiting task cost?

*How much memory does a waiting task cost?*

![How much memory does a waiting task cost?](plots/memory.png)

- callback: 132 B per task at 1 M tasks, the least
- threaded: 20× that, and no run past 10 k tasks

## Which model for which job

| job | pick | why |
|---|---|---|
| a million idle connections | callback | 132 B each \\| least memory |
| request handlers in direct style | coroutine | fast switches |

## Where each model stops

Threads stop at the thread limit.

## Charts

![How long does starting a task take?](plots/spawn.png)

## memory

### idle

| figure | callback |
|---|---:|
| bytes_per_task_rss | 132 B |

## Targets

The targets.

| Target | Measured | Verdict | From |
|---|---|---|---|
| compact idle coroutine under 1.5 KiB RSS | 490 B | met | `x` |
"""


def show(*args, columns=None):
    env = dict(os.environ)
    if columns:
        env["COLUMNS"] = str(columns)
    p = subprocess.run([synth.PYTHON, os.path.join(synth.TOOLS, "show.py")]
                       + list(args), capture_output=True, text=True,
                       env=env, timeout=120)
    return p.returncode, p.stdout, p.stderr


class ShowTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        synth.write(cls.tmp.name)
        cls.code, cls.out, cls.err = synth.run_tool("show", cls.tmp.name)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_tables(self):
        self.assertEqual(self.code, 0, self.err)
        for text in ("== memory / idle", "== switching / pingpong",
                     "== servers / echo", "bytes_per_task_rss",
                     "tasks=100000", "load.msgs_per_s", "best",
                     "== hyperfine", "(interrupted)"):
            self.assertIn(text, self.out)
        for unit in (" KiB", " µs", " k/s"):
            self.assertIn(unit, self.out)

    def test_fits_100_columns(self):
        for line in self.out.splitlines():
            self.assertLessEqual(len(line), 100, line)

    def test_failures_in_words(self):
        self.assertIn("ran out of memory", self.out)
        self.assertIn("crashed: killed by SIGSEGV", self.out)

    def test_accounting_on_request(self):
        self.assertNotIn("child.max_rss_bytes", self.out)
        code, out, err = synth.run_tool("show", "--accounting",
                                        self.tmp.name)
        self.assertEqual(code, 0, err)
        self.assertIn("child.max_rss_bytes", out)
        self.assertIn(" MiB", out)

    def test_bad_folder(self):
        code, _, err = synth.run_tool(
            "show", os.path.join(self.tmp.name, "absent"))
        self.assertEqual(code, 2)
        self.assertIn("error:", err)


class FindingsFirstTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = cls.tmp.name
        synth.write(cls.dir)
        with open(os.path.join(cls.dir, "report.md"), "w") as f:
            f.write(REPORT)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_findings_and_job_table_first(self):
        code, out, err = show(self.dir)
        self.assertEqual(code, 0, err)
        head = out.index("== Findings")
        self.assertLess(head, out.index("== Which model for which job"))
        self.assertIn("The headline: callback holds", out)
        self.assertIn("[chart: plots/memory.png]", out)
        self.assertIn("  - threaded: 20× that", out)
        self.assertRegex(out, r"a million idle connections +callback +132 "
                         r"B each \| least memory")
        self.assertIn("== Where each model stops", out)
        # The evidence waits for --all.
        for evidence in ("== memory / idle", "Charts", "spawn.png",
                         "Targets", "**", "`"):
            self.assertNotIn(evidence, out)
        self.assertIn("--all", out.splitlines()[-1])

    def test_all_adds_the_tables_and_targets(self):
        code, out, err = show("--all", self.dir)
        self.assertEqual(code, 0, err)
        self.assertLess(out.index("== Which model for which job"),
                        out.index("== memory / idle"))
        self.assertLess(out.index("== memory / idle"),
                        out.index("== Targets"))
        self.assertIn("compact idle coroutine under 1.5 KiB RSS", out)

    def test_wraps_to_the_terminal_without_colour(self):
        code, out, err = show(self.dir, columns=60)
        self.assertEqual(code, 0, err)
        self.assertNotIn("\033[", out)  # not a terminal: no colour
        for line in out.splitlines()[2:]:
            self.assertLessEqual(len(line), 60, line)
        # A table too wide for 60 columns turns into blocks.
        self.assertIn("      why: 132 B each | least memory", out)

    def test_older_report_shows_its_tables(self):
        with tempfile.TemporaryDirectory() as d:
            synth.write(d)
            with open(os.path.join(d, "report.md"), "w") as f:
                f.write(REPORT.replace("## Findings", "## Notes").replace(
                    "## Which model for which job", "## Other"))
            code, out, err = show(d)
        self.assertEqual(code, 0, err)
        self.assertIn("has no findings", out)
        self.assertIn("== memory / idle", out)

    def test_help_says_so(self):
        code, out, _ = show("--help")
        self.assertEqual(code, 0)
        self.assertIn("findings", out)
        self.assertIn("--all", out)


if __name__ == "__main__":
    unittest.main()
