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
# starts; one "pid command line" a line.
marked() {
    local e p st
    for e in /proc/[0-9]*/environ; do
        grep -qzxF "TVC_RUN_ID=$1" "$e" 2>/dev/null || continue
        p="${e#/proc/}" p="${p%/environ}"
        st="$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | cut -d' ' -f1)"
        [ -n "$st" ] && [ "$st" != Z ] || continue
        echo "$p $(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline")"
    done
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
