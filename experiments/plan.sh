# experiments/plan.sh: the words experiment scripts are written in.
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
#   hyperfine_point --cost_ms=MS NAME -- CMD...
#                              whole-process timing by hyperfine; its JSON
#                              export is saved as hyperfine-NAME.json
# Point options: --timeout=SECONDS (default $POINT_TIMEOUT), --rss=BYTES
# (memory cap, default $POINT_RSS), --cpu=N (pin the point), --name=EXP
# (record under another experiment name), --same-cpu (server points: pin
# server and load generator to one CPU instead of one each), --cost_ms=MS
# (what the point costs, below), --counter=syscalls|instructions (point
# and server_point: run the runtime under experiments/counts/tvc-counts,
# strace or callgrind, whose record carries the counts instead of times).
#
# Every point states what it costs, so that `experiments/run --plan` adds
# up a run before it starts and the budgets hold as experiments are added
# (README.md: a quick run under 5 minutes with its build; the ctest
# harness/quick_budget holds the quick plan under 270 s).  A cost is the
# wall time of one run of the point on the 2-vCPU reference machine, as
# the runner records it (run.wall_ns in results/reference/raw.jsonl):
#   point, tool_point   --cost_ms=MS, required: what the experiment script
#                       expects, scaled by the point's size where that
#                       decides it, calibrated against the reference run
#   server_point        the load's --duration_ms plus SERVER_OVERHEAD_MS
#                       (start, connect, stop; wrk takes longer to end)
#   delay_point         ceil(items / limit) round trips of --delay_ns plus
#                       DELAY_OVERHEAD_MS (the fanout process around them)
#   hyperfine_point     --cost_ms=MS, required: ONE run of the command,
#                       which hyperfine runs HF_WARMUP + HF_RUNS times
# Each also costs POINT_OVERHEAD_MS in the harness (the runner's start,
# the progress line), and repetitions multiply.  --cost_ms on a server or
# delay point replaces the derived figure.
# shellcheck shell=bash

# Set by experiments/run before an experiment script is sourced:
#   PROFILE (quick|full), RUNTIMES (space-separated), PEERS (the peer
#   baselines built; only scripts that name one run it), EXP (script name),
#   POINT_TIMEOUT (s), POINT_RSS (bytes), HF_WARMUP and HF_RUNS, and
#   bin_of RT -> binary path.

# The planned points, one entry per point (before repetition); the
# arrays are parallel.  P_KIND: point|server|delay|hyperfine; P_COST: the
# expected milliseconds of one run, harness overhead included.
P_KIND=() P_EXP=() P_OPTS=() P_ARGV=() P_DESC=() P_NEED=() P_COST=()

# The stated overheads (ms) of the cost model above, from the reference
# run: its 501 points took 228 s against 223 s of runner wall time; echo
# servers ran 1.01-1.03 s for 1 s of load, HTTP ones 1.21-1.23 s (wrk);
# fanout points 13-15 ms beyond their round trips; hyperfine about 50 ms
# beyond its runs.
POINT_OVERHEAD_MS=10
SERVER_OVERHEAD_MS=30 SERVER_OVERHEAD_HTTP_MS=230
DELAY_OVERHEAD_MS=15
HYPERFINE_OVERHEAD_MS=50

pick() {
    if [ "$PROFILE" = full ]; then echo "$2"; else echo "$1"; fi
}

has() {
    case " $RUNTIMES $PEERS " in *" $1 "*) return 0 ;; esac
    return 1
}

# _plan KIND OPTS NEED COST_MS DESC ARGV...: appends one point (ARGV
# quoted).
_plan() {
    local kind="$1" opts="$2" need="$3" cost="$4" desc="$5" q
    shift 5
    printf -v q '%q ' "$@"
    P_KIND+=("$kind") P_EXP+=("$_exp") P_OPTS+=("$opts") P_NEED+=("$need")
    P_COST+=($((cost + POINT_OVERHEAD_MS))) P_DESC+=("$desc") P_ARGV+=("$q")
}

# _point_opts ARGS...: parses the point options into _opts/_exp/_cost
# (empty when not stated); sets _shift to how many arguments they took.
_point_opts() {
    local timeout="$POINT_TIMEOUT" rss="$POINT_RSS" cpu=""
    _exp="$EXP" _shift=0 _cost="" _wrap=()
    while [ $# -gt 0 ]; do
        case "$1" in
        --cost_ms=*)
            _cost="${1#*=}"
            [[ "$_cost" =~ ^[0-9]+$ ]] ||
                _lib_die "--cost_ms wants whole milliseconds, got '$_cost'"
            ;;
        --timeout=*) timeout="${1#*=}" ;;
        --rss=*) rss="${1#*=}" ;;
        --cpu=*) cpu="--cpu=${1#*=}" ;;
        --same-cpu) cpu="--same-cpu" ;;
        --name=*) _exp="${1#*=}" ;;
        --counter=*)
            _wrap=("$ROOT/experiments/counts/tvc-counts" "$1")
            ;;
        *) break ;;
        esac
        shift
        _shift=$((_shift + 1))
    done
    _opts="--timeout-ms=$((timeout * 1000)) --rss-limit=$rss $cpu"
}

# _need_cost WORD: a point that cannot derive its cost must state it.
_need_cost() {
    [ -n "$_cost" ] || _lib_die "$1 needs --cost_ms=MS: what one run of" \
        "it takes (see the cost model in experiments/plan.sh)"
}

# _opt_value NAME ARGS...: the value of --NAME=V among ARGS (the last
# one), or nothing.
_opt_value() {
    local name="$1" a v=""
    shift
    for a in "$@"; do
        case "$a" in --"$name"=*) v="${a#*=}" ;; esac
    done
    echo "$v"
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
    _need_cost "point $rt $wl"
    has "$rt" || return 0
    _plan point "$_opts" "" "$_cost" "$(_desc "$rt" "$wl" "${_wrap[@]:1}" \
        "$@")" "${_wrap[@]}" "$(bin_of "$rt")" "$wl" "$@"
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
    local lbin over
    case "$load" in
    echo) lbin="$(tool_of tvc-loadgen-echo)" over=$SERVER_OVERHEAD_MS ;;
    http)
        lbin="$ROOT/experiments/loadgen/tvc-loadgen-http"
        over=$SERVER_OVERHEAD_HTTP_MS
        ;;
    *) _lib_die "server_point: unknown load '$load' (echo, http)" ;;
    esac
    if [ -z "$_cost" ]; then
        local dur
        dur="$(_opt_value duration_ms "${largs[@]}")"
        [ -n "$dur" ] || _lib_die "server_point $rt $wl: the load needs" \
            "--duration_ms=MS (or the point --cost_ms=MS)"
        _cost=$((dur + over))
    fi
    _plan server "$_opts" "" "$_cost" \
        "$(_desc "$rt" "$wl" "${_wrap[@]:1}" "${sargs[@]}" "${largs[@]}")" \
        "${_wrap[@]}" "$(bin_of "$rt")" "$wl" --role=server \
        --host=127.0.0.1 --port=0 "${sargs[@]}" -- "$lbin" \
        --host=127.0.0.1 --port='{PORT}' "${largs[@]}"
}

delay_point() {
    _point_opts "$@"
    shift "$_shift"
    local rt="$1" wl="$2" delay items limit
    shift 2
    delay="$(_opt_value delay_ns "$@")"
    [ -n "$delay" ] || _lib_die "delay_point needs --delay_ns=NS"
    if [ -z "$_cost" ]; then
        items="$(_opt_value items "$@")" limit="$(_opt_value limit "$@")"
        if [ -z "$items" ] || [ -z "$limit" ]; then
            _lib_die "delay_point $rt: --items and --limit give its cost" \
                "(or state --cost_ms=MS)"
        fi
        _cost=$((((items + limit - 1) / limit) * delay / 1000000 +
            DELAY_OVERHEAD_MS))
    fi
    has "$rt" || return 0
    _plan delay "$_opts" "$delay" "$_cost" "$(_desc "$rt" "$wl" "$@")" \
        "$(bin_of "$rt")" "$wl" "$@" '--server={DELAY_ADDR}'
}

tool_point() {
    _point_opts "$@"
    shift "$_shift"
    [ $# -ge 1 ] || _lib_die "tool_point needs TOOL"
    local tool="$1" bin
    shift
    _need_cost "tool_point $tool"
    bin="$(tool_of "$tool")" || _lib_die "tool_point: $tool is not built"
    _plan point "$_opts" "" "$_cost" "$tool $*" "$bin" "$@"
}

hyperfine_point() {
    _point_opts "$@"
    shift "$_shift"
    local name="$1"
    shift
    [ "${1:-}" = -- ] && shift
    _need_cost "hyperfine_point $name"
    _plan hyperfine "" "" $((_cost * (HF_WARMUP + HF_RUNS) +
        HYPERFINE_OVERHEAD_MS)) \
        "hyperfine $name" "$name" "$@"
}

_lib_die() {
    echo "experiments/exp/$EXP.sh: $*" >&2
    exit 2
}
