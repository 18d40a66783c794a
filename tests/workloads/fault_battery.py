"""fault_battery.py BINARY echo|http [--case NAME ...] [--table]

A fault battery for a runtime's echo or http server role, as `./tvc
serve RUNTIME echo|http` runs it: clients that misbehave on loopback,
one case at a time, each against the outcome TABLE below expects.  The
echo server runs with --framing=line (the workload's default,
readline under the read limit) and --framing=raw (what `./tvc serve`
runs: whatever came is written back).  Every case also holds these:

- a well-behaved companion client, connected before the case starts and
  exchanging all through it, gets every answer back byte for byte (its
  last exchange comes after the case's faults);
- the server is alive afterwards, and once the case's clients are gone
  it holds no more descriptors than before the case (/proc/PID/fd):
  every connection it was given was freed;
- its resident memory (VmRSS) grew by less than RSS_GROWTH_MAX: a
  bound only an unbounded buffer reaches, so machine load cannot fail
  it;
- at the end SIGINT stops the server, though one client sits in the
  middle of a message and another does not read its answers, and its
  record says ok.

The server runs with a soft and hard RLIMIT_NOFILE of NOFILE, so that
fd_exhaustion can run it out of descriptors with a few dozen clients.
The silent case has a server of its own, started with a short
--idle_timeout_ms (SERVER_ARGS); there the companion may connect again
after an idle close that a stall of this process caused.
Nothing here asserts on timing: each wait is for an event, bounded by a
generous deadline that only a hung server reaches; the one short pause
(binary_garbage's "waits") decides nothing that a slow machine could
turn around.  Exit 0 when every case matched its row, else 1.
"""
import json
import os
import random
import re
import resource
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

NOFILE = 64
RSS_GROWTH_MAX = 64 << 20
WAIT = 20.0  # seconds: only a hung server waits this long
ECHO_LIMIT = 64 * 1024  # the echo server's read limit (the default)
HTTP_LIMIT = 8192  # http's header_limit_bytes default
IDLE_MS = 300  # the silent case's server: --idle_timeout_ms
FLOOD = 100  # fd_exhaustion's clients: more than NOFILE descriptors
FILL_MAX = 64 << 20  # bytes a client that does not read sends at most

# Outcomes a case observes (the words the TABLE uses).
EXACT = "answered exactly"
EXACT_EOF = "answered exactly, then closed"
CLOSED = "closed, nothing back"
FREED = "freed"
REFUSED_400 = "refused 400, closed"
REFUSED_431 = "refused 431, closed"
WAITS_CLOSED = "waits, then closed at the limit"
IDLE_CLOSED = "closed by the idle timeout"
SHED_SERVED = "shed while out of fds, then served"

# TABLE[case] = {target: outcomes accepted}; a target missing from a row
# does not run that case.  Targets: echo-line, echo-raw, http.
TABLE = {
    # Half a message, then a reset (SO_LINGER 0): nothing to answer, and
    # the connection is freed.
    "reset_mid_message": {
        "echo-line": {FREED}, "echo-raw": {FREED}, "http": {FREED}},
    # Messages, then shutdown(SHUT_WR): every answer (echo's last line
    # has no line end), then the server closes too.
    "half_close": {
        "echo-line": {EXACT_EOF}, "echo-raw": {EXACT_EOF},
        "http": {EXACT_EOF}},
    # One byte per send, a pause between them: a slow but legitimate
    # client is served.
    "slow_client": {
        "echo-line": {EXACT}, "echo-raw": {EXACT}, "http": {EXACT}},
    # A line longer than the read limit: echo-line closes without an
    # answer (readline fails at the limit); raw has no lines and echoes
    # it; http's request line past header_limit_bytes is refused.
    "line_past_limit": {
        "echo-line": {CLOSED}, "echo-raw": {EXACT},
        "http": {REFUSED_431, REFUSED_400}},
    # A request head of many headers past header_limit_bytes.
    "header_past_limit": {"http": {REFUSED_431, REFUSED_400}},
    # Random bytes: echo-line waits for a newline (none comes) and
    # closes at the limit; raw echoes them exactly; http refuses a head
    # of garbage (ended by CRLFCRLF) with 400.
    "binary_garbage": {
        "echo-line": {WAITS_CLOSED}, "echo-raw": {EXACT},
        "http": {REFUSED_400}},
    # Many messages in one send: all answered, in order, exactly.
    "pipelined_burst": {
        "echo-line": {EXACT}, "echo-raw": {EXACT}, "http": {EXACT_EOF}},
    # Messages until the server stops reading, the first answers read,
    # then a reset while the server is still writing: its writes fail,
    # and the connection is freed.
    "reset_mid_answer": {
        "echo-line": {FREED}, "echo-raw": {FREED}, "http": {FREED}},
    # Connections until the server is out of descriptors (NOFILE): the
    # extra clients are accepted and closed (the spare descriptor of
    # accept.h; none may wait for a descriptor to come free); once all
    # are closed, a fresh client is served.
    "fd_exhaustion": {
        "echo-line": {SHED_SERVED}, "echo-raw": {SHED_SERVED},
        "http": {SHED_SERVED}},
    # A client that connects and sends nothing, to a server started with
    # --idle_timeout_ms=IDLE_MS: the server closes it.
    "silent": {
        "echo-line": {IDLE_CLOSED}, "echo-raw": {IDLE_CLOSED},
        "http": {IDLE_CLOSED}},
}

# Server arguments a case needs beyond its target's; the cases that
# share them run on one server.
SERVER_ARGS = {"silent": ["--idle_timeout_ms=%d" % IDLE_MS]}


class Fail(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Fail(what)


# ---- sockets ----------------------------------------------------------------


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def reset(s):
    """Closes s with a reset (RST) instead of a FIN."""
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def send_all(s, data):
    """Sends data; False if the server closed first (which a server that
    stops reading at its limit may)."""
    try:
        s.sendall(data)
        return True
    except OSError:  # EPIPE, ECONNRESET, a timeout
        return False


def read(s, n=None, deadline=None):
    """Reads until n bytes (None: the end) have come, the peer closes or
    resets, or the deadline: (data, end), end "eof", "reset", "timeout"
    or "" (n bytes came)."""
    deadline = deadline or time.monotonic() + WAIT
    buf = b""
    while n is None or len(buf) < n:
        left = deadline - time.monotonic()
        if left <= 0:
            return buf, "timeout"
        s.settimeout(left)
        try:
            data = s.recv(65536 if n is None else min(65536, n - len(buf)))
        except socket.timeout:
            return buf, "timeout"
        except ConnectionResetError:
            return buf, "reset"
        if not data:
            return buf, "eof"
        buf += data
    return buf, ""


def fill(s, proto):
    """Sends messages and reads none of their answers until the server
    stops reading (most likely waiting to drain answers that fill the
    buffers back to s: several MiB on loopback), or FILL_MAX."""
    chunk = b"".join(proto.message("fill-%d-%s" % (i, "x" * 1000))
                     for i in range(64))
    s.setblocking(False)
    sent, stalls = 0, 0
    while sent < FILL_MAX and stalls < 3:
        try:
            sent += s.send(chunk[sent % len(chunk):])
            stalls = 0
        except BlockingIOError:
            stalls += 1
            time.sleep(0.05)
    s.setblocking(True)


def quiet(s, seconds):
    """True if nothing comes on s (no byte, no close) for seconds."""
    return not select.select([s], [], [], seconds)[0]


# ---- the protocols ----------------------------------------------------------


class Echo:
    """An echo server: the answer is the message."""

    def __init__(self, framing):
        self.target = "echo-" + framing
        self.args = ["--framing=" + framing]

    def message(self, tag, close=False):
        return b"%s\n" % tag.encode()

    def answer(self, msg):
        return msg


HTTP_REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found",
                431: "Request Header Fields Too Large"}
HTTP_BODIES = {200: b"hello from tvc\n", 400: b"bad request\n",
               404: b"not found\n", 431: b"too large\n"}


def http_reply(status, keep_alive):
    """The bytes the server answers with (wl_http_reply_head)."""
    body = HTTP_BODIES[status]
    head = ("HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\n"
            "Content-Length: %d\r\nConnection: %s\r\n\r\n"
            % (status, HTTP_REASONS[status], len(body),
               "keep-alive" if keep_alive else "close"))
    return head.encode() + body


class Http:
    """The http server: GET / is 200, other paths 404; a request may ask
    to close."""
    target = "http"
    args = []

    def message(self, tag, close=False):
        path = "/" if tag.startswith("companion") else "/" + tag
        return ("GET %s HTTP/1.1\r\nHost: battery\r\n%s\r\n"
                % (path, "Connection: close\r\n" if close else "")).encode()

    def answer(self, msg):
        path = msg.split(b" ")[1]
        return http_reply(200 if path == b"/" else 404,
                          b"Connection: close" not in msg)


def refusal(data, end):
    """What a refused request got: REFUSED_<status>, or what came."""
    for status in (400, 431):
        if data == http_reply(status, False) and end in ("eof", "reset"):
            return "refused %d, closed" % status
    return "got %r then %s" % (data[:80], end)


def answered(data, end, want, closes):
    """EXACT (EXACT_EOF when closes) if data is want, or what came."""
    if data == want and end == ("eof" if closes else ""):
        return EXACT_EOF if closes else EXACT
    if data == b"" and end in ("eof", "reset"):
        return CLOSED
    same = next((i for i, (a, b) in enumerate(zip(data, want)) if a != b),
                min(len(data), len(want)))
    return "%d of %d bytes, the first %d right, then %s" % (
        len(data), len(want), same, end or "more")


# ---- the server -------------------------------------------------------------


class Server:
    """BINARY WORKLOAD --role=server on a free port, under NOFILE."""

    def __init__(self, binary, workload, args, tmp):
        self.idle = any(a.startswith("--idle_timeout_ms=") for a in args)
        self.out = open(os.path.join(tmp, "record"), "w+b")
        self.err = open(os.path.join(tmp, "stderr"), "w+b")

        def limit():
            resource.setrlimit(resource.RLIMIT_NOFILE, (NOFILE, NOFILE))

        self.proc = subprocess.Popen(
            [binary, workload, "--role=server", "--port=0"] + args,
            stdout=self.out, stderr=self.err, preexec_fn=limit)
        self.pid = self.proc.pid
        deadline = time.monotonic() + WAIT
        while True:
            m = re.search(rb"^listening on 127\.0\.0\.1:(\d+)$",
                          self.stderr(), re.M)
            if m:
                self.port = int(m.group(1))
                return
            check(self.proc.poll() is None and time.monotonic() < deadline,
                  "no 'listening on' line: " + self.stderr().decode())
            time.sleep(0.05)

    def stderr(self):
        self.err.seek(0)
        return self.err.read()

    def rss(self):
        with open("/proc/%d/status" % self.pid) as f:
            kib = re.search(r"VmRSS:\s+(\d+) kB", f.read()).group(1)
        return int(kib) << 10

    def fds(self):
        return len(os.listdir("/proc/%d/fd" % self.pid))

    def alive(self):
        return self.proc.poll() is None

    def wait_fds(self, done):
        """Waits until done(the descriptors the server holds); returns
        how many it holds, -1 if it died."""
        deadline = time.monotonic() + WAIT
        while self.alive() and not done(self.fds()) and \
                time.monotonic() < deadline:
            time.sleep(0.02)
        return self.fds() if self.alive() else -1

    def stop(self):
        """SIGINT; the record, or Fail."""
        self.proc.send_signal(signal.SIGINT)
        try:
            rc = self.proc.wait(WAIT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise Fail("no exit %d s after SIGINT" % WAIT)
        self.out.seek(0)
        text = self.out.read().decode()
        try:
            rec = json.loads(text)
        except ValueError:
            raise Fail("exit %d, no record: %r" % (rc, text[:200]))
        check(rc == 0 and rec["ok"] is True,
              "exit %d, record error %r" % (rc, rec["error"]))
        check(rec["notes"].get("stopped_by") == "signal",
              "stopped by %r" % rec["notes"].get("stopped_by"))
        return rec

    def kill(self):
        if self.alive():
            self.proc.kill()
            self.proc.wait()


# ---- the companion ----------------------------------------------------------


class Companion(threading.Thread):
    """A well-behaved client exchanging one message at a time with the
    server all through a case, each answer checked byte for byte."""

    def __init__(self, server, proto):
        super().__init__(daemon=True)
        self.srv, self.proto = server, proto
        self.done = threading.Event()
        self.count, self.error, self.idle_closes = 0, None, 0
        self.cond = threading.Condition()
        self.sock = connect(server.port)

    def exchange(self, i):
        msg = self.proto.message("companion %d" % i)
        want = self.proto.answer(msg)
        for retry in (False, True):
            sent = send_all(self.sock, msg)
            data, end = read(self.sock, len(want)) if sent else (b"", "reset")
            # A server with an idle timeout closes the companion if this
            # process stalls between two exchanges: nothing comes back
            # then, and it may connect again, once.
            if data == want or retry or not self.srv.idle or data or \
                    end not in ("eof", "reset"):
                break
            self.sock.close()
            self.sock = connect(self.srv.port)
            self.idle_closes += 1
        check(data == want, "companion: exchange %d: %s" % (
            i, answered(data, end, want, False)))

    def run(self):
        try:
            while not self.done.is_set():
                self.exchange(self.count)
                with self.cond:
                    self.count += 1
                    self.cond.notify_all()
                time.sleep(0.02)
        except (Fail, OSError) as e:
            self.error = str(e)
        finally:
            with self.cond:
                self.cond.notify_all()

    def served_after(self, mark):
        """Waits for an exchange that began after mark was taken."""
        with self.cond:
            self.cond.wait_for(lambda: self.count >= mark + 2 or
                               self.error or not self.is_alive(), WAIT)
        check(self.error is None, self.error or "")
        check(self.count >= mark + 2, "companion: no answer in %d s" % WAIT)

    def finish(self):
        self.done.set()
        self.join(WAIT)
        self.sock.close()
        check(self.error is None, self.error or "")
        check(not self.is_alive(), "companion: hung")
        return self.count


# ---- the cases: each returns the outcome it observed ------------------------


def case_reset_mid_message(srv, proto):
    s = connect(srv.port)
    msg = proto.message("reset-mid-message")
    s.sendall(msg[:len(msg) // 2])
    reset(s)
    return FREED  # the descriptor check after every case decides


def case_half_close(srv, proto):
    s = connect(srv.port)
    msgs = [proto.message("half-close-%d" % i) for i in range(3)]
    want = b"".join(map(proto.answer, msgs))
    if proto.target != "http":
        # A last line the end of input cuts short is read and echoed
        # whole, as asyncio's readline returns it at EOF.
        msgs.append(b"no line end")
        want += msgs[-1]
    s.sendall(b"".join(msgs))
    s.shutdown(socket.SHUT_WR)
    data, end = read(s)
    s.close()
    return answered(data, end, want, True)


def case_slow_client(srv, proto):
    s = connect(srv.port)
    msg = proto.message("slow")
    # echo's line is a few bytes at a quarter second each; http's
    # request is longer, so its bytes come faster: about 2 s each.
    pause = 0.25 if len(msg) < 10 else 2.0 / len(msg)
    for i in range(len(msg)):
        s.send(msg[i:i + 1])
        time.sleep(pause)
    want = proto.answer(msg)
    data, end = read(s, len(want))
    s.close()
    return answered(data, end, want, False)


def case_line_past_limit(srv, proto):
    s = connect(srv.port)
    if proto.target == "http":
        msg = b"GET /%s HTTP/1.1\r\nHost: battery\r\n\r\n" % (
            b"a" * (HTTP_LIMIT + 100))
    else:
        msg = b"x" * (ECHO_LIMIT + 1000) + b"\n"
    sender = threading.Thread(target=send_all, args=(s, msg))
    sender.start()  # the server may stop reading: do not block on it
    if proto.target == "http":
        data, end = read(s)
        outcome = refusal(data, end)
    else:
        want = proto.answer(msg)
        data, end = read(s, len(want))
        outcome = answered(data, end, want, False)
    sender.join(WAIT)
    s.close()
    return outcome


def case_header_past_limit(srv, proto):
    s = connect(srv.port)
    fields = b"".join(b"X-Fill-%d: %s\r\n" % (i, b"f" * 64)
                      for i in range(HTTP_LIMIT // 64 + 10))
    send_all(s, b"GET / HTTP/1.1\r\nHost: battery\r\n" + fields + b"\r\n")
    data, end = read(s)
    s.close()
    return refusal(data, end)


def case_binary_garbage(srv, proto):
    rng = random.Random(7)
    s = connect(srv.port)
    if proto.target == "echo-raw":
        msg = rng.randbytes(4096)
        s.sendall(msg)
        data, end = read(s, len(msg))
        s.close()
        return answered(data, end, msg, False)
    # No line end anywhere (http: none but the head's end).
    junk = bytes(b for b in rng.randbytes(3 * ECHO_LIMIT) if b not in b"\r\n")
    if proto.target == "http":
        s.sendall(junk[:4096] + b"\r\n\r\n")
        data, end = read(s)
        s.close()
        return refusal(data, end)
    s.sendall(junk[:4096])
    # Below the limit a line server can only wait for the line's end.
    if not quiet(s, 0.3):
        data, end = read(s, deadline=time.monotonic() + 1)
        s.close()
        return "did not wait: %r then %s" % (data[:80], end)
    sender = threading.Thread(target=send_all, args=(s, junk[4096:]))
    sender.start()
    data, end = read(s)
    sender.join(WAIT)
    s.close()
    return WAITS_CLOSED if data == b"" and end in ("eof", "reset") else \
        "past the limit: %r then %s" % (data[:80], end)


def case_pipelined_burst(srv, proto):
    s = connect(srv.port)
    n = 2000 if proto.target != "http" else 200
    msgs = [proto.message("burst-%d" % i if i % 2 else "companion-like",
                          close=i == n - 1) for i in range(n)]
    want = b"".join(map(proto.answer, msgs))
    # Sent while the answers are read: more than the socket buffers hold.
    sender = threading.Thread(target=send_all, args=(s, b"".join(msgs)))
    sender.start()
    closes = proto.target == "http"  # the last request asks to close
    data, end = read(s, None if closes else len(want))
    sender.join(WAIT)
    s.close()
    return answered(data, end, want, closes)


def case_reset_mid_answer(srv, proto):
    """Messages whose answers the client does not read, then a reset."""
    s = connect(srv.port)
    fill(s, proto)
    read(s, 1000)
    reset(s)
    return FREED


def case_silent(srv, proto):
    s = connect(srv.port)
    data, end = read(s)
    s.close()
    return IDLE_CLOSED if data == b"" and end in ("eof", "reset") else \
        "got %r then %s" % (data[:80], end)


def case_fd_exhaustion(srv, proto):
    """FLOOD clients each send a message at once: some are served (one
    descriptor each in the server), the rest find it out of descriptors
    and are shed.  Then all close, and once the server holds no more
    than before, a fresh client must be served."""
    before = srv.fds()
    socks, msgs, got = [], [], {}
    for i in range(FLOOD):
        s = connect(srv.port)
        msgs.append(proto.message("flood-%d" % i))
        socks.append(s)
        send_all(s, msgs[-1])
    wants = [proto.answer(m) for m in msgs]
    state = ["waiting"] * FLOOD
    pending = set(range(FLOOD))
    deadline = time.monotonic() + WAIT
    # Served clients answer, shed ones see the server close.
    while pending and time.monotonic() < deadline:
        ready = select.select([socks[i] for i in pending], [], [],
                              max(0, deadline - time.monotonic()))[0]
        for i in [i for i in pending if socks[i] in ready]:
            try:
                data = socks[i].recv(65536)
            except ConnectionResetError:
                data = b""
            got[i] = got.get(i, b"") + data
            if not data:
                state[i] = "shed" if got[i] == b"" else "cut"
            elif got[i] == wants[i]:
                state[i] = "served"
            elif wants[i].startswith(got[i]):
                continue
            else:
                state[i] = "wrong"
            pending.discard(i)
    counts = {k: state.count(k) for k in set(state)}
    print("    fd_exhaustion: %s (server had %d fds of %d before)"
          % (counts, before, NOFILE))
    for s in socks:
        s.close()
    check(srv.wait_fds(lambda n: n <= before) <= before,
          "fd_exhaustion: the server holds %d fds after all closed, %d "
          "before" % (srv.fds(), before))
    s = connect(srv.port)
    msg = proto.message("after-the-flood")
    s.sendall(msg)
    want = proto.answer(msg)
    data, end = read(s, len(want))
    s.close()
    fresh = answered(data, end, want, False)
    if fresh != EXACT:
        return "fresh client after the flood: " + fresh
    if counts.get("served", 0) in (0, FLOOD):
        return "served %d of %d: never out of fds" % (
            counts.get("served", 0), FLOOD)
    if set(counts) - {"served", "shed"}:
        return "while out of fds: %s" % counts
    return SHED_SERVED


# ---- running ----------------------------------------------------------------


def run_case(srv, proto, name):
    """Runs one case with its companion; returns the observed outcome
    and a note, or raises Fail for a broken invariant."""
    base_fds, rss0 = srv.fds(), srv.rss()
    comp = Companion(srv, proto)
    comp.start()
    comp.served_after(0)  # connected and answered before the fault
    try:
        outcome = globals()["case_" + name](srv, proto)
    except (OSError, Fail) as e:
        outcome = "client error: %r" % e
    mark = comp.count
    check(srv.alive(), "the server died: " + srv.stderr().decode()[-2000:])
    comp.served_after(mark)
    exchanges = comp.finish()
    held = srv.wait_fds(lambda n: n <= base_fds)
    check(held != -1, "the server died: " + srv.stderr().decode()[-2000:])
    check(held <= base_fds, "the server holds %d descriptors, %d before the "
          "case: a connection was never freed" % (held, base_fds))
    grew = srv.rss() - rss0
    check(grew < RSS_GROWTH_MAX, "VmRSS grew by %d MiB" % (grew >> 20))
    return outcome, "companion %d exchanges%s, VmRSS %+d KiB" % (
        exchanges, " (%d after an idle close)" % comp.idle_closes
        if comp.idle_closes else "", grew >> 10)


def report(name, want, outcome, note):
    """Prints a case's line; True if outcome is one of want."""
    verdict = "ok" if outcome in want else "FAIL"
    print("  %-18s %-4s %s%s\n    %s" % (
        name, verdict, outcome, "" if verdict == "ok" else
        " (want: %s)" % " | ".join(sorted(want)), note))
    return verdict == "ok"


def serve_cases(binary, workload, proto, args, rows, tmp):
    """Runs rows (case names) on one server started with proto's and
    args; the failures."""
    failures = []
    srv = Server(binary, workload, proto.args + args, tmp)
    try:
        print("%s: %s server on port %d %s" % (
            proto.target, workload, srv.port, " ".join(proto.args + args)))
        for name in rows:
            try:
                outcome, note = run_case(srv, proto, name)
            except Fail as e:
                outcome, note = "(invariant)", str(e)
            if not report(name, TABLE[name][proto.target], outcome, note):
                failures.append("%s/%s" % (proto.target, name))
            if not srv.alive():
                break
        # The stop must not wait for a client: one does not read its
        # answers (the server waits to drain them), and one sits in the
        # middle of a message (unless an idle timeout would close it).
        base = srv.fds()
        waiting = [connect(srv.port)]
        fill(waiting[0], proto)
        if not srv.idle:
            waiting.append(connect(srv.port))
            waiting[1].sendall(proto.message("stop")[:3])
        srv.wait_fds(lambda n: n >= base + len(waiting))
        try:
            rec = srv.stop()
            print("  stopped by SIGINT: ok, figures %s" % json.dumps(
                rec["figures"]))
        except Fail as e:
            print("  stop FAIL: %s\n%s" % (e, srv.stderr().decode()[-3000:]))
            failures.append("%s/stop" % proto.target)
        for w in waiting:
            w.close()
    finally:
        srv.kill()
    return failures


def battery(binary, workload, proto, cases, tmp):
    """Runs the cases of proto's target, one server for the cases that
    share their server arguments (SERVER_ARGS); the failures."""
    groups = {}
    for name in cases:
        if proto.target in TABLE[name]:
            groups.setdefault(tuple(SERVER_ARGS.get(name, [])), []).append(
                name)
    failures = []
    for i, (args, rows) in enumerate(groups.items()):
        where = os.path.join(tmp, "%s-%d" % (proto.target, i))
        os.mkdir(where)
        failures += serve_cases(binary, workload, proto, list(args), rows,
                                where)
    return failures


def main(argv):
    if "--table" in argv:
        for name, row in TABLE.items():
            for target, want in row.items():
                print("%-18s %-10s %s" % (name, target,
                                           " | ".join(sorted(want))))
        return 0
    binary, workload = argv[1], argv[2]
    cases = argv[argv.index("--case") + 1:] if "--case" in argv else \
        list(TABLE)
    unknown = set(cases) - set(TABLE)
    if unknown:
        print("unknown case(s): %s" % ", ".join(sorted(unknown)))
        return 2
    protos = [Echo("line"), Echo("raw")] if workload == "echo" else [Http()]
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        for proto in protos:
            failures += battery(binary, workload, proto, cases, tmp)
    if failures:
        print("FAILED: " + ", ".join(failures))
        return 1
    print("all cases as the table expects")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
