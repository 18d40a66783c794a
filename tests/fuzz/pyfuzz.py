"""A small coverage-guided mutation fuzzer for Python targets (stdlib only).

A target, tests/fuzz/fuzz_NAME.py, calls

    pyfuzz.main(test_one_input, cover=[path, ...], mutate=None, tokens=())

test_one_input(data: bytes) returns normally for an input it handles; any
exception escaping it is a crash.  cover lists the files or directories
whose Python lines count as coverage (the code under test: tracing makes
what it covers about six times slower, so keep it to what matters);
mutate(data, rng),
when given, is a target-aware mutation used beside the byte-level ones;
tokens are byte strings worth inserting.

The command line is libFuzzer's subset that tests/fuzz/run.py uses:
    fuzz_NAME.py [-max_total_time=N] [-runs=N] [-artifact_prefix=P]
                 [-print_final_stats=1] [other -flags ignored] DIR|FILE ...
Files named run once each; otherwise the inputs of every DIR are run, then
mutated until the time or run budget is spent, and an input that reaches
a new line pair (an arc) is kept in the first DIR.  The output mimics
libFuzzer's: "#N DONE cov: LINES ft: ARCS corp: ...", the stat:: lines,
and "Test unit written to PATH" on a crash (exit 1).
"""

import hashlib
import os
import random
import sys
import time
import traceback


class Tracer:
    """Arcs (line pairs) executed in the covered directories."""

    def __init__(self, dirs):
        self.dirs = tuple(os.path.abspath(d) + (os.sep if os.path.isdir(d)
                                                 else "") for d in dirs)
        self.arcs = set()

    @property
    def lines(self):
        return {(f, line) for f, _, line in self.arcs}

    def _global(self, frame, event, arg):
        name = frame.f_code.co_filename
        if not name.startswith(self.dirs):
            return None
        # One closure per call keeps the previous line without a lookup:
        # tracing is most of a Python target's time.
        arcs, prev = self.arcs, [0]

        def local(frame, event, arg):
            if event == "line":
                line = frame.f_lineno
                arcs.add((name, prev[0], line))
                prev[0] = line
            return local
        return local

    def run(self, fn, data):
        """fn(data) traced; returns how many arcs were new."""
        before = len(self.arcs)
        sys.settrace(self._global)
        try:
            fn(data)
        finally:
            sys.settrace(None)
        return len(self.arcs) - before


def _byte_mutations(data, rng, corpus, tokens):
    b = bytearray(data)
    op = rng.randrange(7)
    pos = rng.randrange(len(b) + 1)
    if op == 0 and b:
        b[min(pos, len(b) - 1)] ^= 1 << rng.randrange(8)
    elif op == 1 and b:
        b[min(pos, len(b) - 1)] = rng.randrange(256)
    elif op == 2:
        b[pos:pos] = bytes([rng.choice(b"{}[]\",:0-9 \n\\e.")])
    elif op == 3 and b:
        del b[pos:pos + rng.randrange(1, 64)]
    elif op == 4 and b:
        start = rng.randrange(len(b))
        b[pos:pos] = b[start:start + rng.randrange(1, 256)]
    elif op == 5 and tokens:
        b[pos:pos] = rng.choice(tokens)
    elif corpus:  # splice: our head, another input's tail
        other = rng.choice(corpus)
        b = b[:pos] + other[rng.randrange(len(other) + 1):]
    return bytes(b)


def _crash(data, prefix, execs):
    name = "%scrash-%s" % (prefix, hashlib.sha1(data).hexdigest())
    with open(name, "wb") as f:
        f.write(data)
    traceback.print_exc()
    print("#%d CRASH" % execs, file=sys.stderr)  # the count, as libFuzzer's
    print("==%d== ERROR: pyfuzz: uncaught exception after %d executions"
          % (os.getpid(), execs), file=sys.stderr)
    print("artifact_prefix='%s'; Test unit written to %s" % (prefix, name),
          file=sys.stderr)
    sys.exit(1)


def main(test_one_input, cover, mutate=None, tokens=()):
    opts, paths = {}, []
    for a in sys.argv[1:]:
        if a.startswith("-") and "=" in a:
            k, v = a[1:].split("=", 1)
            opts[k] = v
        else:
            paths.append(a)
    prefix = opts.get("artifact_prefix", "./")
    budget = float(opts.get("max_total_time", 0)) or None
    runs = int(opts.get("runs", -1))
    tracer = Tracer(cover)
    rng = random.Random(int(opts.get("seed", 0)) or None)
    execs = 0
    t0 = time.monotonic()
    err = sys.stderr

    def one(data):
        nonlocal execs
        execs += 1
        try:
            return tracer.run(test_one_input, data)
        except KeyboardInterrupt:
            raise
        except BaseException:  # SystemExit too: a target must not exit
            _crash(data, prefix, execs)

    files = [p for p in paths if os.path.isfile(p)]
    dirs = [p for p in paths if os.path.isdir(p)]
    if files:  # reproduce: each file once
        for path in files:
            print("Running: %s" % path, file=err)
            with open(path, "rb") as f:
                one(f.read())
            print("Executed %s" % path, file=err)
        return 0
    corpus = []
    for d in dirs:
        for name in sorted(os.listdir(d)):
            path = os.path.join(d, name)
            if os.path.isfile(path):
                with open(path, "rb") as f:
                    data = f.read()
                one(data)
                corpus.append(data)
    print("#%d INITED cov: %d ft: %d corp: %d" % (
        execs, len(tracer.lines), len(tracer.arcs), len(corpus)), file=err)
    if not corpus:
        corpus.append(b"")
    added = 0
    last = t0
    while runs < 0 or execs < runs:
        now = time.monotonic()
        if budget is not None and now - t0 >= budget:
            break
        if budget is None and runs < 0:
            break  # neither a time nor a run budget: the seeds only
        data = rng.choice(corpus)
        for _ in range(rng.randrange(1, 5)):
            if mutate is not None and rng.randrange(2):
                data = mutate(data, rng)
            else:
                data = _byte_mutations(data, rng, corpus, tokens)
        if one(data) > 0:
            corpus.append(data)
            added += 1
            if dirs:
                path = os.path.join(dirs[0], hashlib.sha1(data).hexdigest())
                with open(path, "wb") as f:
                    f.write(data)
        if now - last >= 5:
            last = now
            print("#%d pulse cov: %d ft: %d corp: %d exec/s: %d" % (
                execs, len(tracer.lines), len(tracer.arcs), len(corpus),
                execs / max(now - t0, 1e-9)), file=err)
    wall = max(time.monotonic() - t0, 1e-9)
    print("#%d DONE cov: %d ft: %d corp: %d exec/s: %d" % (
        execs, len(tracer.lines), len(tracer.arcs), len(corpus),
        execs / wall), file=err)
    if opts.get("print_final_stats") == "1":
        print("stat::number_of_executed_units: %d" % execs, file=err)
        print("stat::average_exec_per_sec:     %d" % (execs / wall),
              file=err)
        print("stat::new_units_added:          %d" % added, file=err)
    return 0
