"""charts.py draws a chart per question the run has data for, as SVG and
PNG, and none for a question it lacks; a line never crosses a point that
was not measured or failed; style.py keeps one colour and marker per
runtime and peer; the key ratio is on the chart."""

import json
import os
import random
import sys
import tempfile
import unittest

import synth

sys.path.insert(0, synth.TOOLS)
import charts  # noqa: E402
import plots  # noqa: E402
import results  # noqa: E402
import style  # noqa: E402


def _hist(p50):
    return dict(count=100, p50=p50, p99=p50 * 3, max=p50 * 5)


def rows(runtimes=("threaded", "coroutine", "callback"), fail=None):
    """A run in the real figures' names: memory against tasks (threaded
    stops at 1000, its 1000 point failing when fail is set), pingpong and
    cancel rows, echo against connections with libuv at 1 and 100."""
    rng = random.Random(3)
    scale = {"threaded": 20.0, "coroutine": 4.0, "callback": 1.0,
             "libuv": 1.2}
    out = []
    for rep in range(3):
        for rt in runtimes:
            s = scale[rt]
            for n in (100, 1000, 10000):
                if rt == "threaded" and n == 10000:
                    continue
                bad = fail and rt == "threaded" and n == 1000
                out.append(synth._row(
                    "memory", rt, "idle", {"tasks": n, "stack": "private"},
                    0, 1, rep, rng, status="crash" if bad else "ok",
                    figures={"bytes_per_task_rss": 130 * s}))
            out.append(synth._row(
                "switching", rt, "pingpong", {"mode": "future"}, 0, 1, rep,
                rng, latency={"round_trip": _hist(int(200 * s))}))
            out.append(synth._row(
                "cancellation", rt, "cancel", {"kind": "sleep", "tasks": 1},
                0, 1, rep, rng,
                latency={"cancel_to_cleanup": _hist(int(300 * s))}))
        for rt in list(runtimes) + ["libuv"]:
            for c in (1, 10, 100):
                if rt == "libuv" and c == 10:
                    continue
                load = {"schema": 1, "runtime": "load", "workload": "echo",
                        "params": {"connections": c}, "ok": True,
                        "figures": {"msgs_per_s": 1e5 / scale[rt]},
                        "latency_ns": {"rtt": _hist(int(1e4 * scale[rt]))},
                        "run": {"role": "load", "status": "ok"}}
                out.append(synth._row("servers", rt, "echo", {}, 0, 1, rep,
                                      rng, load=load))
    return out


def write(directory, rows_):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "meta.json"), "w") as f:
        json.dump(synth.meta("complete"), f)
    with open(os.path.join(directory, "raw.jsonl"), "w") as f:
        f.write("".join(json.dumps(r) + "\n" for r in rows_))
    return results.load(directory)


class ChartsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def test_a_chart_per_question_with_data(self):
        run = write(self.dir, rows())
        got = plots.question_charts(run, self.dir)
        # The run has no spawn, timers, executor or pipeline rows.
        self.assertEqual(list(got), ["memory", "wakeup", "servers",
                                     "cancel", "codecost"])
        for key, rel in got.items():
            self.assertEqual(rel, "plots/%s.png" % key)
            with open(os.path.join(self.dir, rel), "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
            with open(os.path.join(self.dir, "plots", key + ".svg")) as f:
                svg = f.read()
            self.assertIn("<svg", svg)
        with open(os.path.join(self.dir, "plots", "memory.svg")) as f:
            svg = f.read()
        # The question as title, the axis in words, the key ratio.
        self.assertIn("How much memory does a waiting task cost?", svg)
        self.assertIn("tasks alive at once", svg)
        self.assertIn("best: callback", svg)
        self.assertIn("coroutine 4.0× the memory", svg)

    def test_a_question_the_run_lost_loses_its_chart(self):
        run = write(self.dir, rows())
        plots.question_charts(run, self.dir)
        less = os.path.join(self.dir, "less")
        run = write(less, [r for r in rows()
                           if r["run"]["experiment"] != "cancellation"])
        os.rename(os.path.join(self.dir, "plots"),
                  os.path.join(less, "plots"))
        got = plots.question_charts(run, less)
        self.assertNotIn("cancel", got)
        for ext in ("png", "svg"):
            self.assertFalse(os.path.exists(os.path.join(
                less, "plots", "cancel." + ext)))

    def test_one_runtime_draws_without_ratios(self):
        run = write(self.dir, rows(runtimes=("callback",)))
        got = plots.question_charts(run, self.dir)
        self.assertIn("memory", got)
        with open(os.path.join(self.dir, "plots", "memory.svg")) as f:
            self.assertNotIn("best:", f.read())

    def test_gaps_stay_gaps(self):
        run = write(self.dir, rows(fail=True))
        series = charts._series(run, [("memory", "idle", {}, "")], "tasks",
                                {})
        xs = [100, 1000, 10000]
        by_rt = {rt: pts for rt, _, pts in series}
        ys, failed = charts.along(by_rt["threaded"], xs,
                                  "bytes_per_task_rss")
        # Measured at 100; failed at 1000; not run at 10000.
        self.assertIsNotNone(ys[0])
        self.assertEqual(ys[1:], [None, None])
        self.assertEqual(failed, [1000])
        ys, failed = charts.along(by_rt["callback"], xs,
                                  "bytes_per_task_rss")
        self.assertTrue(all(ys))
        self.assertEqual(failed, [])
        # The chart says where a line stops because a point failed.
        plots.question_charts(run, self.dir)
        with open(os.path.join(self.dir, "plots", "memory.svg")) as f:
            self.assertIn("threaded: failed here", f.read())

    def test_style_registry(self):
        names = ["threaded", "coroutine", "callback", "floor", "libuv",
                 "asyncio", "go", "node", "nginx"]
        self.assertEqual(len({style.colour(n) for n in names}), len(names))
        self.assertEqual(len({style.marker(n) for n in names}), len(names))
        self.assertEqual(style.label("floor"), "epoll floor")
        # An unknown peer gets the same look in every chart.
        self.assertEqual(style.colour("zig"), style.colour("zig"))
        self.assertEqual(style.line_style(0), "-")
        self.assertNotEqual(style.line_style(1), "-")


if __name__ == "__main__":
    unittest.main()
