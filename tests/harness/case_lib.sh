# Sourced by the harness case scripts once case_ is set: a scratch
# directory removed on exit, the Python that parses JSON, fail, and the
# check that processes are gone.

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
