"""compare.py: a run against itself shows no change; a copy with one
figure doubled is flagged there and nowhere else; with one repetition the
relative threshold decides; unreadable folders exit 2."""

import os
import re
import sys
import tempfile
import unittest

import synth

sys.path.insert(0, synth.TOOLS)
import results  # noqa: E402


def double(workload, runtime, figure):
    def change(rec):
        if rec.get("workload") == workload and rec.get("runtime") == runtime \
                and figure in rec.get("figures", {}):
            rec["figures"][figure] *= 2
    return change


def scale_all(factor):
    def change(rec):
        for k in rec.get("figures", {}):
            rec["figures"][k] *= factor
    return change


class CompareTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.a = os.path.join(self.tmp.name, "a")
        self.b = os.path.join(self.tmp.name, "b")
        synth.write(self.a)

    def tearDown(self):
        self.tmp.cleanup()

    def compare(self, *extra):
        code, out, err = synth.run_tool("compare", self.a, self.b, *extra)
        self.assertEqual(code, 0, err)
        return out

    def flagged(self, out):
        return [x for x in out.splitlines()
                if x.endswith(("WORSE", "BETTER"))]

    def test_self_no_change(self):
        code, out, err = synth.run_tool("compare", self.a, self.a)
        self.assertEqual(code, 0, err)
        self.assertIn("no change beyond noise", out)
        self.assertEqual(self.flagged(out), [])

    def test_doubled_figure_flagged(self):
        synth.edit_rows(self.a, self.b, double("pingpong", "callback",
                                               "ns_per_rtt"))
        out = self.compare()
        flagged = self.flagged(out)
        self.assertEqual(len(flagged), 1, out)
        self.assertIn("callback", flagged[0])
        self.assertIn("ns_per_rtt", flagged[0])
        self.assertIn("B/A 2.000  WORSE", flagged[0])
        self.assertIn("1 changed beyond noise.", out)
        self.assertNotIn("no change beyond noise", out)

    def test_doubled_rate_is_better(self):
        def faster(rec):
            if "load" in rec and rec["runtime"] == "coroutine":
                rec["load"]["figures"]["msgs_per_s"] *= 2
        synth.edit_rows(self.a, self.b, faster)
        flagged = self.flagged(self.compare("--flagged"))
        self.assertEqual(len(flagged), 3)  # one per connections point
        for line in flagged:
            self.assertIn("load.msgs_per_s", line)
            self.assertTrue(line.endswith("BETTER"), line)

    def test_single_repetition_threshold(self):
        synth.write(self.a, reps=1, truncate=False)
        synth.edit_rows(self.a, self.b, scale_all(1.10))
        self.assertIn("no change beyond noise", self.compare())
        synth.edit_rows(self.a, self.b, scale_all(1.5))
        self.assertNotIn("no change beyond noise", self.compare())
        out = self.compare("--single-threshold", "0.6")
        self.assertIn("no change beyond noise", out)

    def test_old_figure_names_meet_new_ones(self):
        # Runs made before each histogram percentile was printed once hold
        # the old names beside the histograms (lateness_ns_p99 beside
        # latency_ns.lateness.p99) and round_trip_ns_mean for
        # ns_per_round_trip.  Such a run, made here from the committed
        # reference, compares figure for figure against the reference.
        ref = os.path.join(synth.ROOT, "results", "reference")
        made = []

        def old_names(rec):
            figs = rec.setdefault("figures", {})
            hists = rec.get("latency_ns") or {}
            for old, new in results.ALIASES.items():
                m = re.match(r"(.+)_(p50|p99|max)_ns$", new)
                if new in figs:
                    figs[old] = figs.pop(new)
                elif m and m.group(1) in hists:
                    figs[old] = hists[m.group(1)][m.group(2)]
                else:
                    continue
                made.append(old)
        synth.edit_rows(ref, self.a, old_names)
        # The reference's http points are server roles: no request
        # histogram, so no request_ns_median to make.
        want = set(results.ALIASES) - {"request_ns_median"}
        self.assertTrue(want <= set(made), sorted(want - set(made)))
        code, out, err = synth.run_tool("compare", self.a, ref)
        self.assertEqual(code, 0, err)
        self.assertIn(" 0 only in A, 0 only in B.", out)
        self.assertIn("no change beyond noise", out)
        self.assertIn("lateness_p99_ns", out)
        self.assertIn("ns_per_round_trip", out)
        for name in results.ALIASES:
            self.assertNotIn(name, out)

    def test_bad_folder(self):
        code, _, err = synth.run_tool("compare", self.a,
                                      os.path.join(self.tmp.name, "none"))
        self.assertEqual(code, 2)
        self.assertIn("is not a directory", err)

    def test_help(self):
        code, out, _ = synth.run_tool("compare", "--help")
        self.assertEqual(code, 0)
        self.assertIn("--single-threshold", out)


if __name__ == "__main__":
    unittest.main()
