"""show.py prints a synthetic run's tables within 100 columns, with
humanised units, failures in words, and exit status 2 for a bad folder."""

import os
import tempfile
import unittest

import synth


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


if __name__ == "__main__":
    unittest.main()
