"""One figure across runtimes: each runtime's value, its ratio to the
best, and the verdict the report's noise rule allows.

An Entry is one runtime's Stat of a figure (or why it has none);
headline() prints the entries with their ratios to the best, never
calling the only value "best"; a Verdict compares the best with the
runner-up by paired repetitions (targets.paired_comparison): ahead only
when every pair agrees and the two sides' values do not overlap,
otherwise this run cannot tell them apart.  The rest finds a run's
groups by experiment, workload, runtime and parameters.  Used by
findings.py and limits.py.
"""

import math

import results
import targets
import words
from units import higher_is_better, human


class Entry:
    """One runtime's (or variant's) value of a figure: a Stat, or None
    with the reason it has none."""

    ABSENT = "not measured in this run"

    def __init__(self, label, stat, why=ABSENT):
        self.label, self.stat, self.why = label, stat, why


def times(r):
    return "×%.2f" % r if r < 10 else "×%s" % count(round(r))


def count(n):
    """12,345 for a reader."""
    return "{:,}".format(int(n)) if n == int(n) else "%.2f" % n


def best_of(entries, figure):
    have = [e for e in entries if e.stat is not None]
    pick = max if higher_is_better(figure) else min
    return have, (pick(have, key=lambda e: e.stat.median) if have else None)


def ratio(entry, best, figure):
    """entry's median over the best's, turned so 1 is the best."""
    return results.ratio_to_best(best.stat.median, entry.stat.median, figure)


def headline(entries, figure):
    """'threaded 61.8 µs ×390, coroutine 157 ns (best), callback
    162 ns ×1.03'; a runtime without a value says why; a value alone
    gets no 'best'."""
    have, best = best_of(entries, figure)
    parts, absent = [], []
    for e in entries:
        if e.stat is None:
            if e.why == Entry.ABSENT:
                absent.append(e.label)
            else:
                parts.append("%s: %s" % (e.label, e.why))
            continue
        text = "%s %s" % (e.label, human(e.stat.median, figure))
        if len(have) > 1:
            r = ratio(e, best, figure)
            text += " (best)" if e is best else (
                " (%s)" % times(r) if r else "")
        else:
            text += " (the only one measured)"
        parts.append(text)
    if absent:
        parts.append("%s: %s" % (", ".join(absent), Entry.ABSENT))
    return "; ".join(parts)


class Verdict:
    """The best runtime against the runner-up under the noise rule.
    winner is the best's label when it is ahead, None otherwise."""

    def __init__(self, entries, figure):
        have, best = best_of(entries, figure)
        self.winner, self.best, self.ratio = None, best, None
        self.second, self.entries = None, entries
        if len(have) < 2:
            self.text = ("only %s measured this, nothing to compare it "
                         "with" % have[0].label if have else
                         "no runtime measured this in this run")
            return
        rest = sorted((e for e in have if e is not best),
                      key=lambda e: ratio(e, best, figure) or math.inf)
        second = self.second = rest[0]
        verdict, pairs = targets.paired_comparison(best.stat, second.stat,
                                                   figure)
        self.ratio = ratio(second, best, figure)
        how = (targets.paired_text(pairs) if pairs else
               "medians, no repetition in common")
        if verdict == targets.MET:
            self.winner = best.label
            self.text = ("%s is best, %s ahead of the next, %s, in every "
                         "repetition (%s)" % (best.label, times(self.ratio),
                                              second.label, how))
        else:
            self.text = ("this run cannot tell %s and %s apart (%s)" % (
                best.label, second.label, how))


def workload(run, experiment, name):
    """The run's Workload of (experiment, name), or None."""
    for wl in run.workloads:
        if (wl.experiment, wl.workload) == (experiment, name):
            return wl
    return None


def group(wl, runtime, **where):
    """The group of runtime whose parameters match where (the last one
    when several do), or None."""
    found = None
    for g in wl.groups if wl else []:
        params = g.params
        if g.runtime == runtime and all(params.get(k) == v
                                        for k, v in where.items()):
            found = g
    return found


def entry(wl, runtime, figure, label=None, **where):
    g = group(wl, runtime, **where)
    label = label or runtime
    if g is None:
        return Entry(label, None)
    if figure not in g.stats:
        fails = words.failure_lines_of(g)
        return Entry(label, None, fails[0] if fails else
                     "did not report %s" % figure)
    return Entry(label, g.stats[figure])


def runtimes(wl=None):
    """The three runtimes, then the peers that measured wl."""
    peers = sorted({g.runtime for g in wl.groups} - set(
        results.RUNTIME_ORDER) - {"floor"}) if wl else []
    return results.RUNTIME_ORDER + peers


def entries(wl, figure, **where):
    """Each runtime's Entry of figure at the point matching where."""
    return [entry(wl, rt, figure, **where) for rt in runtimes(wl)]


def values(wl, param, **where):
    """Sorted values of param among wl's groups matching where."""
    out = set()
    for g in wl.groups if wl else []:
        p = g.params
        if param in p and all(p.get(k) == v for k, v in where.items()):
            out.add(p[param])
    return sorted(out, key=results.sort_value)



def table(header, rows):
    out = ["| " + " | ".join(header) + " |",
           "|" + "|".join("---" for _ in header) + "|"]
    return out + ["| " + " | ".join(str(c).replace("|", "\\|")
                                    for c in r) + " |" for r in rows]

def big(n):
    for f, name in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if n >= f:
            return "about %.3g %s" % (n / f, name)
    return "about %d" % n

