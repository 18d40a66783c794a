# Sourced by the harness case scripts once case_ is set: a scratch
# directory removed on exit, the Python that parses JSON, fail, the
# checks that processes are gone, and a build directory with a fake
# runtime.

PY=/usr/bin/python3
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

fail() {
    echo "FAIL ($case_): $*" >&2
    exit 1
}

# all_dead PID...: every pid must be gone (a zombie counts as gone).
all_dead() {
    local p st
    for p in "$@"; do
        st="$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null || true)"
        [ -z "$st" ] || [ "$st" = Z ] || fail "pid $p still alive ($st)"
    done
}

# marked ID: the live processes (zombies are gone) whose environment
# holds TVC_RUN_ID=ID, the mark experiments/run gives everything it
# starts; one "pid command line" a line.  One quick pass in Python, so
# the list is one moment's, not a slow walk while points come and go.
marked() {
    "$PY" - "$1" <<'PYEOF'
import os, sys
mark = b"TVC_RUN_ID=" + sys.argv[1].encode()
for pid in os.listdir("/proc"):
    if not pid.isdigit():
        continue
    try:
        with open("/proc/%s/environ" % pid, "rb") as f:
            if mark not in f.read().split(b"\0"):
                continue
        with open("/proc/%s/stat" % pid) as f:
            if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                continue
        with open("/proc/%s/cmdline" % pid, "rb") as f:
            cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
    except (OSError, IndexError):
        continue  # gone meanwhile
    print(pid, cmd)
PYEOF
}

# fake_build TOOLS_DIR: $tmp/bin, a build directory holding the real
# harness tools of TOOLS_DIR and tvc-fake as tvc-threaded, for
# experiments/run (TVC_BUILD_DIR).
fake_build() {
    local t
    mkdir -p "$tmp/bin"
    for t in tvc-runner tvc-loadgen-echo tvc-delay-server; do
        ln -s "$1/$t" "$tmp/bin/$t"
    done
    ln -s "$here/tvc-fake" "$tmp/bin/tvc-threaded"
}
