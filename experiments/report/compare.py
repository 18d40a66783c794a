"""Compares two results folders figure by figure, flagging real changes.

    ./tvc compare A B

For every (experiment, workload, runtime, parameters, figure) measured in
both runs it prints the medians and the ratio B/A, and flags the change
when it is beyond the measured noise:
  - both runs have two or more good repetitions: flagged when the ranges
    [min, max] of A and B do not overlap AND the medians differ by more
    than --threshold (default 10 %);
  - either run has a single repetition (no spread to measure): flagged
    when the medians differ by more than --single-threshold (default 25 %),
    a margin above the run-to-run noise of a shared 2-core machine.
A flagged change says whether it is better or worse (rates are better
higher, everything else lower).  Process accounting figures (rusage,
memory probes, wall time) are noisy and left out unless --accounting.
Prints "no change beyond noise" when nothing is flagged; exits 0, or 2
when a folder cannot be read.
"""

import argparse
import sys

import results
from units import higher_is_better, human

WIDTH = 100


def _key_groups(run, accounting):
    """{(experiment, workload, runtime, params): {figure: Stat}}."""
    out = {}
    for wl in run.workloads:
        for g in wl.groups:
            params = results.point_label(sorted(g.params.items()))
            key = (wl.experiment, wl.workload, g.runtime, params)
            figs = {f: s for f, s in g.stats.items()
                    if accounting or not results.is_accounting(f)}
            out.setdefault(key, {}).update(figs)
    return out


def judge(a, b, threshold, single_threshold, figure):
    """(ratio B/A, flag text or '') for two Stats of one figure."""
    if a.median == 0:
        ratio = 1.0 if b.median == 0 else float("inf")
    else:
        ratio = b.median / a.median
    change = abs(ratio - 1.0)
    if a.n >= 2 and b.n >= 2:
        apart = b.min > a.max or b.max < a.min
        flagged = apart and change > threshold
    else:
        flagged = change > single_threshold
    if not flagged:
        return ratio, ""
    better = (ratio > 1) == higher_is_better(figure)
    return ratio, "BETTER" if better else "WORSE"


def compare(run_a, run_b, args):
    """Lines to print and the number of flagged changes."""
    ga = _key_groups(run_a, args.accounting)
    gb = _key_groups(run_b, args.accounting)
    lines = ["A: %s" % run_a.dir, "B: %s" % run_b.dir]
    flagged = compared = 0
    only_a = only_b = 0
    heading = None
    for key in sorted(set(ga) | set(gb), key=lambda k: (
            k[0], k[1], k[3], results.runtime_key(k[2]))):
        fa, fb = ga.get(key, {}), gb.get(key, {})
        only_a += len(set(fa) - set(fb))
        only_b += len(set(fb) - set(fa))
        for figure in sorted(set(fa) & set(fb), key=results.figure_key):
            compared += 1
            ratio, flag = judge(fa[figure], fb[figure], args.threshold,
                                args.single_threshold, figure)
            flagged += bool(flag)
            if args.flagged and not flag:
                continue
            head = "%s / %s  %s" % (key[0], key[1], key[3])
            if head != heading:
                lines += ["", head[:WIDTH]]
                heading = head
            ratio_text = ("%.3f" % ratio) if ratio != float("inf") else "inf"
            line = "  %-10s %-30s %12s %12s  B/A %s" % (
                key[2], figure[:30], human(fa[figure].median, figure),
                human(fb[figure].median, figure), ratio_text)
            lines.append((line + ("  " + flag if flag else ""))[:WIDTH])
    lines.append("")
    lines.append("%d figures compared; %d only in A, %d only in B." % (
        compared, only_a, only_b))
    lines.append("%d changed beyond noise." % flagged if flagged
                 else "no change beyond noise")
    return lines, flagged


def main(argv=None):
    p = argparse.ArgumentParser(
        prog="./tvc compare", description="Compare two results folders: the "
        "ratio B/A of each figure's median, flagging changes beyond the "
        "measured spread.", epilog="A change is flagged when the [min, max] "
        "ranges of A and B do not overlap and the medians differ by more "
        "than --threshold; with a single repetition on either side, when "
        "they differ by more than --single-threshold.")
    p.add_argument("a", metavar="A", help="the reference results folder")
    p.add_argument("b", metavar="B", help="the results folder to compare")
    p.add_argument("--threshold", type=float, default=0.10,
                   help="relative change needed with repetitions "
                   "(default 0.10)")
    p.add_argument("--single-threshold", type=float, default=0.25,
                   help="relative change needed with a single repetition "
                   "(default 0.25)")
    p.add_argument("--accounting", action="store_true",
                   help="also compare process accounting figures")
    p.add_argument("--flagged", action="store_true",
                   help="print only the flagged figures")
    args = p.parse_args(argv)
    if args.threshold < 0 or args.single_threshold < 0:
        p.error("thresholds must not be negative")
    run_a = results.load(args.a)
    run_b = results.load(args.b)
    lines, _ = compare(run_a, run_b, args)
    for line in lines:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
