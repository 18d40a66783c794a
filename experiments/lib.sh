# experiments/lib.sh: the words experiment scripts are written in.
# Sourced by experiments/run; an experiment script (experiments/exp/*.sh)
# is sourced once per run to PLAN its points, so it reads as a list of
# sweeps and runs nothing itself:
#
#   for n in $(pick "100 1000" "100 1000 10000"); do
#       for rt in $RUNTIMES; do
#           point "$rt" idle --tasks="$n"
#       done
#   done
#
# Words:
#   pick QUICK FULL            the quick or the full list, by profile
#   has RT                     true if runtime or peer RT is in this run
#   point [opts] RT WORKLOAD [--name=value ...]
#                              one point: tvc-RT WORKLOAD ... in a fresh
#                              process under tvc-runner
#   server_point [opts] RT WORKLOAD [--server args] -- echo|http [--load args]
#                              the runtime's server (--role=server, loopback,
#                              free port) driven by a load generator in
#                              another process, pinned to another CPU
#   delay_point [opts] RT fanout [--name=value ...]
#                              a point that downloads from the shared delay
#                              server (tvc-delay-server, started once per
#                              delay and stopped by the run)
#   tool_point [opts] TOOL [ARG...]
#                              one point: the built tool TOOL (a
#                              micro-benchmark printing one record)
#   hyperfine_point NAME -- CMD...
#                              whole-process timing by hyperfine; its JSON
#                              export is saved as hyperfine-NAME.json
# Point options: --timeout=SECONDS (default $POINT_TIMEOUT), --rss=BYTES
# (memory cap, default $POINT_RSS), --cpu=N (pin the point), --name=EXP
# (record under another experiment name), --same-cpu (server points: pin
# server and load generator to one CPU instead of one each).
# shellcheck shell=bash

# Set by experiments/run before an experiment script is sourced:
#   PROFILE (quick|full), RUNTIMES (space-separated), PEERS (the peer
#   baselines built; only scripts that name one run it), EXP (script name),
#   POINT_TIMEOUT (s), POINT_RSS (bytes), and bin_of RT -> binary path.

# The planned points, one entry per point (before repetition); the
# arrays are parallel.  P_KIND: point|server|delay|hyperfine.
P_KIND=() P_EXP=() P_OPTS=() P_ARGV=() P_DESC=() P_NEED=()

pick() {
    if [ "$PROFILE" = full ]; then echo "$2"; else echo "$1"; fi
}

has() {
    case " $RUNTIMES $PEERS " in *" $1 "*) return 0 ;; esac
    return 1
}

# _plan KIND OPTS NEED DESC ARGV...: appends one point (ARGV quoted).
_plan() {
    local kind="$1" opts="$2" need="$3" desc="$4" q
    shift 4
    printf -v q '%q ' "$@"
    P_KIND+=("$kind") P_EXP+=("$_exp") P_OPTS+=("$opts")
    P_NEED+=("$need") P_DESC+=("$desc") P_ARGV+=("$q")
}

# _point_opts ARGS...: parses the point options into _opts/_exp; sets
# _shift to how many arguments they took.
_point_opts() {
    local timeout="$POINT_TIMEOUT" rss="$POINT_RSS" cpu=""
    _exp="$EXP" _shift=0
    while [ $# -gt 0 ]; do
        case "$1" in
        --timeout=*) timeout="${1#*=}" ;;
        --rss=*) rss="${1#*=}" ;;
        --cpu=*) cpu="--cpu=${1#*=}" ;;
        --same-cpu) cpu="--same-cpu" ;;
        --name=*) _exp="${1#*=}" ;;
        *) break ;;
        esac
        shift
        _shift=$((_shift + 1))
    done
    _opts="--timeout-ms=$((timeout * 1000)) --rss-limit=$rss $cpu"
}

# "workload a=1 b=2" from the arguments, for the progress line.
_desc() {
    local rt="$1" wl="$2" d
    shift 2
    d="$rt $wl"
    local a
    for a in "$@"; do d+=" ${a#--}"; done
    echo "$d"
}

point() {
    _point_opts "$@"
    shift "$_shift"
    [ $# -ge 2 ] || _lib_die "point needs RUNTIME WORKLOAD"
    local rt="$1" wl="$2"
    shift 2
    has "$rt" || return 0
    _plan point "$_opts" "" "$(_desc "$rt" "$wl" "$@")" \
        "$(bin_of "$rt")" "$wl" "$@"
}

server_point() {
    _point_opts "$@"
    shift "$_shift"
    local rt="$1" wl="$2" sargs=() largs=() load
    shift 2
    while [ $# -gt 0 ] && [ "$1" != -- ]; do sargs+=("$1"); shift; done
    [ $# -ge 2 ] || _lib_die "server_point needs -- echo|http after the server"
    load="$2"
    shift 2
    largs=("$@")
    has "$rt" || return 0
    local lbin
    case "$load" in
    echo) lbin="$(tool_of tvc-loadgen-echo)" ;;
    http) lbin="$ROOT/experiments/loadgen/tvc-loadgen-http" ;;
    *) _lib_die "server_point: unknown load '$load' (echo, http)" ;;
    esac
    _plan server "$_opts" "" \
        "$(_desc "$rt" "$wl" "${sargs[@]}" "${largs[@]}")" \
        "$(bin_of "$rt")" "$wl" --role=server --host=127.0.0.1 --port=0 \
        "${sargs[@]}" -- "$lbin" --host=127.0.0.1 --port='{PORT}' \
        "${largs[@]}"
}

delay_point() {
    _point_opts "$@"
    shift "$_shift"
    local rt="$1" wl="$2" delay=""
    shift 2
    local a
    for a in "$@"; do
        case "$a" in --delay_ns=*) delay="${a#*=}" ;; esac
    done
    [ -n "$delay" ] || _lib_die "delay_point needs --delay_ns=NS"
    has "$rt" || return 0
    _plan delay "$_opts" "$delay" "$(_desc "$rt" "$wl" "$@")" \
        "$(bin_of "$rt")" "$wl" "$@" '--server={DELAY_ADDR}'
}

tool_point() {
    _point_opts "$@"
    shift "$_shift"
    [ $# -ge 1 ] || _lib_die "tool_point needs TOOL"
    local tool="$1" bin
    shift
    bin="$(tool_of "$tool")" || _lib_die "tool_point: $tool is not built"
    _plan point "$_opts" "" "$tool $*" "$bin" "$@"
}

hyperfine_point() {
    local name="$1"
    shift
    [ "${1:-}" = -- ] && shift
    _exp="$EXP"
    _plan hyperfine "" "" "hyperfine $name" "$name" "$@"
}

_lib_die() {
    echo "experiments/exp/$EXP.sh: $*" >&2
    exit 2
}
