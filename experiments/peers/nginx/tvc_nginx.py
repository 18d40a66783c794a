"""tvc-nginx: nginx as the http workload's server, a peer for the servers
experiment.  It takes the http workload's parameters (the spec table, as
the asyncio peer reads it: ../asyncio/driver.py), writes nginx.conf
beside this file into a folder of its own under $TVC_PEER_TMP (the
harness points it into the run's folder; the system's temporary folder
otherwise), starts `nginx` as one process (its worker loop, no
master), says "listening on HOST:PORT"
once the port answers, and on SIGINT/SIGTERM (or --duration_ms) reads
nginx's counts (stub_status), stops it gracefully (SIGQUIT) and prints
the record; its folder goes with it.

The requests are counted from the load generator's side (wrk's row under
"load"); the record's figures are nginx's own counts: connections
accepted and requests served, the status request excluded.  `ok` means
nginx ran and stopped cleanly: it exited 0, its error log holds no
emerg, alert or crit line, and every connection it accepted was handled.
--role=self is not applicable (nginx has no client side here).
"""

import ctypes
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "asyncio"))
import driver  # noqa: E402  (the peers' shared command line and record)

NGINX = "/usr/sbin/nginx"
STOP_POLL_S = 0.02  # as the C servers poll their stop flag
PR_SET_PDEATHSIG = 1  # <sys/prctl.h>


def free_port(host):
    """A port free now on host: nginx cannot bind port 0 and say which."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def answers(host, port):
    try:
        socket.create_connection((host, port), timeout=0.2).close()
        return True
    except OSError:
        return False


def counts(port):
    """(accepted, handled, requests) from stub_status, or None."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            s.sendall(b"GET /status HTTP/1.0\r\n\r\n")
            text = b""
            while chunk := s.recv(4096):
                text += chunk
    except OSError:
        return None
    m = re.search(rb"\n\s*(\d+) (\d+) (\d+)", text)
    return tuple(int(x) for x in m.groups()) if m else None


def rss_of(pid):
    """Its VmRSS in bytes, or -1."""
    try:
        with open("/proc/%d/status" % pid, encoding="ascii") as f:
            return next(int(l.split()[1]) * 1024 for l in f
                        if l.startswith("VmRSS:"))
    except (OSError, ValueError, StopIteration):
        return -1


def die_with_us():
    """In the child before exec: SIGKILL when this process dies."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


class Stop:
    """SIGINT/SIGTERM asks to stop; the record still comes."""

    def __init__(self):
        self.asked = False
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self.ask)

    def ask(self, *_):
        self.asked = True


def serve(rec, p, prefix):
    host = p["host"]
    port = p["port"] or free_port(host)
    status_port = free_port("127.0.0.1")
    with open(os.path.join(HERE, "nginx.conf"), encoding="utf-8") as f:
        conf = f.read()
    for key, value in (("PREFIX", prefix), ("HOST", host),
                       ("PORT", port), ("STATUS_PORT", status_port),
                       ("HEADER_LIMIT", p["header_limit_bytes"])):
        conf = conf.replace("@%s@" % key, str(value))
    with open(os.path.join(prefix, "nginx.conf"), "w", encoding="utf-8") as f:
        f.write(conf)
    stop = Stop()
    # nginx runs in a session of its own: the SIGTERM that stops a server
    # point goes to this process group, and nginx must still be serving
    # when its counts are read, then stop gracefully when told here.  It
    # dies with this process (PR_SET_PDEATHSIG; it is one process,
    # master_process off), so a SIGKILL here leaves nothing behind.
    nginx = subprocess.Popen([NGINX, "-p", prefix, "-c", "nginx.conf",
                              "-e", os.path.join(prefix, "error.log")],
                             stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL,
                             start_new_session=True, preexec_fn=die_with_us)
    deadline = time.monotonic() + 5
    while not answers(host, port):
        if nginx.poll() is not None or time.monotonic() > deadline:
            nginx.kill()
            nginx.wait()
            why = error_lines(prefix, r"\[(emerg|alert|crit|error)\]")
            rec.fail("failed", "nginx did not start" +
                     (": " + why[0] if why else ""))
            return
        time.sleep(STOP_POLL_S)
    print("listening on %s:%d" % (host, port), file=sys.stderr, flush=True)
    end = time.monotonic() + p["duration_ms"] / 1000 \
        if p["duration_ms"] > 0 else None
    while not stop.asked and (end is None or time.monotonic() < end) \
            and nginx.poll() is None:
        time.sleep(STOP_POLL_S)
    rec.note("stopped_by", "signal" if stop.asked else "duration_ms"
             if nginx.poll() is None else "nginx exited")
    rec.figure("nginx_rss_bytes", rss_of(nginx.pid))
    got = counts(status_port)
    nginx.send_signal(signal.SIGQUIT)  # graceful: let replies finish
    try:
        rc = nginx.wait(timeout=5)
    except subprocess.TimeoutExpired:
        nginx.kill()
        rc = nginx.wait()
    if got is not None:
        accepted, handled, requests = got
        # Two connections are ours, not the load's: the one that found the
        # port answering, and the status request's.
        rec.figure("server_connections", accepted - 2)
        rec.figure("server_requests", requests - 1)
        rec.check("connections_handled", accepted, handled)
    else:
        rec.fail("failed", "nginx's stub_status did not answer")
    rec.check("nginx_exit_status", 0, rc)
    rec.check("error_log_alerts", 0,
              len(error_lines(prefix, r"\[(emerg|alert|crit)\]")))


def error_lines(prefix, pattern):
    try:
        with open(os.path.join(prefix, "error.log"), encoding="utf-8",
                  errors="replace") as f:
            return [l.strip() for l in f if re.search(pattern, l)]
    except OSError:
        return []


def run(workload, module, params):
    """driver.main's run for this peer: the record of one server point."""
    driver.refuse_stacks(params, "an nginx connection")
    if params["role"] != "server":
        raise driver.NotApplicable("--role=%s: nginx serves; it has no "
                                   "clients here" % params["role"])
    rec = driver.Record("nginx", workload, params)
    version = subprocess.run([NGINX, "-v"], capture_output=True, text=True)
    rec.note("peer", "%s, one process (its worker loop), access log off"
             % version.stderr.strip().replace("nginx version: ", ""))
    base = os.environ.get("TVC_PEER_TMP") or None
    if base:
        os.makedirs(base, exist_ok=True)
    prefix = tempfile.mkdtemp(prefix="nginx-", dir=base)
    t0 = time.monotonic_ns()
    try:
        serve(rec, params, prefix)
    finally:
        shutil.rmtree(prefix, ignore_errors=True)
    return driver.emit(rec, time.monotonic_ns() - t0, "not available")


NGINX_PEER = {"about": "nginx (one process; a peer baseline for http)",
              "opts": [], "run": run}

if __name__ == "__main__":
    sys.exit(driver.main(sys.argv[1:], {"http": None}, NGINX_PEER))
