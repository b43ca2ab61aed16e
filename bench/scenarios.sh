#!/usr/bin/env bash
# Herald against its peers, side by side on this machine: every scenario against every target,
# INTERLEAVED (for each scenario, each repetition: herald, nchan-1w, nchan-2w, sse-channel, then again),
# each server started fresh for each run and stopped by PID afterwards, then medians, Herald/peer
# ratios and a chart.
#
#   bench/scenarios.sh [options]
#     --scenarios LIST    comma-separated, or all [all]:
#                           fanout-1k      1,000 subscribers on one channel, 100 events/s
#                           fanout-10k     10,000 subscribers on one channel, 10 events/s
#                           fanout-10k-1k  10,000 subscribers over 1,000 channels, 5,000 events/s
#                           fanout-5k-500  5,000 subscribers over 500 channels, 2,500 events/s
#                           fanout-16k-8000  16,000 subscribers over 8,000 channels (2 per channel),
#                                          5,000 events/s, from 2 load-tool processes merged into one run
#                                          (under Herald's 18,000-connection cap at 20,000 open files)
#                           steady-1k      1,000 channels x 4 subscribers, one publisher connection per
#                                          channel, 1 event/s each: latency at low load, not saturation
#                           idle-15k       15,000 idle streams over 1,000 channels: RSS per connection
#                           replay-5k      replay storm: 5,000 subscribers (over --replay-channels) miss 100
#                                          events each, then all resume with Last-Event-ID
#                           heartbeat-50k  50,000 heartbeats/s over 10,000 sessions (Herald targets only)
#     --targets LIST      comma-separated, or all [herald,nchan-1w,nchan-2w,sse-channel,ceiling]; all adds
#                           herald-redis (store.type=redis, its own redis-server) and herald-cluster
#                           (two clustered nodes sharing a redis-server; subscribers split over both);
#                           ceiling is bench's minimal raw-Netty SSE writer (live fan-out only: no replay)
#     --reps N            repetitions of each scenario per target [3]
#     --quick             smoke variant: at most 200 connections and about 10 s per run
#     --out DIR           results directory [target/bench-scenarios/<UTC time>]
#     --warmup S          seconds of load before measuring (fanout, heartbeat) [15; quick 1]: a fresh JVM
#                         spends its first seconds compiling the hot paths (5 s left Herald 20–40 % above
#                         its warm CPU per delivery); the peers are native or warm after one second
#     --jvm-warmup S      the same for the Herald targets [30; quick 1]: a JIT-compiled server reaches its
#                         steady state later (measured: the 1,000-channel fan-out still cost 35-65 µs per
#                         delivery in the 15 s after a 10 s warm-up, 23-25 µs in the next 15 s)
#     --duration S        measured seconds (fanout, heartbeat; idle holds this long) [15; quick 3]
#     --rate-scale F      multiply every fan-out publish rate by F [1]
#     --replay-channels N channels of the replay storm (subscribers spread evenly) [1000; quick 20]
#     --no-prewarm        replay storm: skip the small unrecorded storm run first on each fresh server
#     --tool-opts "..."   extra options for every load-tool run (e.g. "--threads 2")
#     --dry-run           print the plan and its expected duration, run nothing
#
# Output in DIR: results.jsonl (one JSON line per run, label "scenario/target"), runs.tsv (exit
# status, load average, seconds per run), logs/ (each run's table and each server's log),
# summary.md (medians and ratios: bench/run.sh summary) and chart.png (bench/run.sh chart).
# Every server is started on 127.0.0.1 on a free port and stopped by its PID, also on failure or ^C.
# Environment: HERALD_JAR (gateway/target/herald.jar), HERALD_JAVA_OPTS (Herald's JVM),
# BENCH_JAVA_OPTS (the load tool's JVM), SSE_CHANNEL_NODE_OPTIONS.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
# shellcheck source=peers/lib.sh
source "$here/peers/lib.sh"

ALL_SCENARIOS="fanout-1k,fanout-10k,fanout-10k-1k,fanout-5k-500,fanout-16k-8000,steady-1k,idle-15k,replay-5k,heartbeat-50k"
ALL_TARGETS="herald,herald-redis,herald-cluster,nchan-1w,nchan-2w,sse-channel,ceiling"
scenarios="all"
targets="herald,nchan-1w,nchan-2w,sse-channel,ceiling"
reps=3
quick=0
out=""
warmup=""
jvm_warmup=""
duration=""
rate_scale=1
replay_channels=""
prewarm=1
tool_opts=""
dry_run=0

die() {
  echo "scenarios: $*" >&2
  exit 2
}
usage() {
  sed -n '2,47p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --scenarios) scenarios="$2"; shift 2 ;;
    --targets) targets="$2"; shift 2 ;;
    --reps) reps="$2"; shift 2 ;;
    --quick) quick=1; shift ;;
    --out) out="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --jvm-warmup) jvm_warmup="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --rate-scale) rate_scale="$2"; shift 2 ;;
    --replay-channels) replay_channels="$2"; shift 2 ;;
    --no-prewarm) prewarm=0; shift ;;
    --tool-opts) tool_opts="$2"; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
[[ "$scenarios" == all ]] && scenarios="$ALL_SCENARIOS"
[[ "$targets" == all ]] && targets="$ALL_TARGETS"
[[ "$reps" =~ ^[1-9][0-9]*$ ]] || die "--reps is a positive number"
if ((quick)); then
  warmup="${warmup:-1}"
  jvm_warmup="${jvm_warmup:-$warmup}"
  duration="${duration:-3}"
  replay_channels="${replay_channels:-20}"
else
  warmup="${warmup:-15}"
  jvm_warmup="${jvm_warmup:-30}"
  duration="${duration:-15}"
  replay_channels="${replay_channels:-1000}"
fi
IFS=',' read -r -a SCENARIOS <<< "$scenarios"
IFS=',' read -r -a TARGETS <<< "$targets"
for s in "${SCENARIOS[@]}"; do
  [[ ",$ALL_SCENARIOS," == *",$s,"* ]] || die "unknown scenario '$s' (one of $ALL_SCENARIOS)"
done
for t in "${TARGETS[@]}"; do
  [[ ",$ALL_TARGETS," == *",$t,"* ]] || die "unknown target '$t' (one of $ALL_TARGETS)"
done

# ---------------------------------------------------------------------------------------------------
# Scenarios: the load tool's mode and options, full size or --quick (<= 200 connections, ~10 s).

# A rate times --rate-scale, at least 1.
scaled() {
  awk -v r="$1" -v f="$rate_scale" 'BEGIN { v = int(r * f + 0.5); if (v < 1) v = 1; print v }'
}

# Prints the load-tool arguments of scenario $1 on target $2 (mode first).
scenario_args() {
  local q="$quick" d="$duration" w="$warmup"
  [[ "${2:-}" == herald* ]] && w="$jvm_warmup"
  case "$1" in
    fanout-1k)
      if ((q)); then echo "fanout --subscribers 100 --channels 1 --rate $(scaled 20) --duration $d --warmup $w"
      else echo "fanout --subscribers 1000 --channels 1 --rate $(scaled 100) --duration $d --warmup $w"; fi ;;
    fanout-10k)
      if ((q)); then echo "fanout --subscribers 200 --channels 1 --rate $(scaled 10) --duration $d --warmup $w"
      else echo "fanout --subscribers 10000 --channels 1 --rate $(scaled 10) --duration $d --warmup $w"; fi ;;
    fanout-10k-1k)
      if ((q)); then echo "fanout --subscribers 200 --channels 20 --rate $(scaled 100) --duration $d --warmup $w"
      else echo "fanout --subscribers 10000 --channels 1000 --rate $(scaled 5000) --pub-conns 16 --pipeline 16 --duration $d --warmup $w"; fi ;;
    fanout-5k-500)
      if ((q)); then echo "fanout --subscribers 100 --channels 10 --rate $(scaled 50) --duration $d --warmup $w"
      else echo "fanout --subscribers 5000 --channels 500 --rate $(scaled 2500) --pub-conns 16 --pipeline 16 --duration $d --warmup $w"; fi ;;
    fanout-16k-8000) # ONE PART of $(scenario_parts) run side by side: see run_parts
      if ((q)); then echo "fanout --subscribers 90 --channels 45 --rate $(scaled 50) --duration $d --warmup $w"
      else echo "fanout --subscribers 8000 --channels 4000 --rate $(scaled 2500) --pub-conns 16 --pipeline 16 --duration $d --warmup $w"; fi ;;
    steady-1k) # one publisher connection per channel (channel c on connection c), lanes spread over each second
      if ((q)); then echo "fanout --subscribers 100 --channels 25 --rate $(scaled 25) --pub-conns 25 --pipeline 1 --duration $d --warmup $w"
      else echo "fanout --subscribers 4000 --channels 1000 --rate $(scaled 1000) --pub-conns 1000 --pipeline 1 --duration $d --warmup $w"; fi ;;
    idle-15k)
      if ((q)); then echo "idle --subscribers 200 --channels 20 --duration $d --settle 1"
      else echo "idle --subscribers 15000 --channels 1000 --duration $d --settle 5"; fi ;;
    replay-5k)
      if ((q)); then echo "replay-storm --subscribers 100 --channels $replay_channels --missed 10"
      else echo "replay-storm --subscribers 5000 --channels $replay_channels --missed 100"; fi ;;
    heartbeat-50k)
      if ((q)); then echo "heartbeat --sessions 100 --rate 500 --duration $d --warmup $w"
      else echo "heartbeat --sessions 10000 --rate 50000 --hb-conns 8 --pipeline 16 --duration $d --warmup $w"; fi ;;
  esac
}

# How many load-tool processes run scenario $1 side by side, each with scenario_args on channels of its
# own, merged into one run (bench/run.sh merge). A server process here holds at most 20,000 open files
# (the hard limit; no CAP_SYS_RESOURCE to raise it), and Herald caps its connections a tenth below that
# (18,000; past it, it closes idle connections, publishers' included: measured with 19,000), so 2 processes
# of 8,000 subscribers stay under every target's limit, each tool process far from its own.
scenario_parts() {
  case "$1" in
    fanout-16k-8000) echo 2 ;;
    *) echo 1 ;;
  esac
}

# The small replay storm run first (unrecorded) on each fresh server, so a JIT compiler is warm.
prewarm_args() {
  if ((quick)); then echo "replay-storm --subscribers 50 --channels 10 --missed 5"
  else echo "replay-storm --subscribers 500 --channels 100 --missed 20"; fi
}

# Whether target $2 takes part in scenario $1.
applies() {
  case "$1" in
    heartbeat-50k) [[ "$2" == herald* ]] ;;  # the peers have no presence / heartbeat API
    replay-*) [[ "$2" != ceiling ]] ;;         # the ceiling keeps no history
    *) return 0 ;;
  esac
}

# Rough seconds one run of scenario $1 on target $2 takes (for --dry-run and the ETA).
estimate() {
  local s=0 a
  read -r -a a <<< "$(scenario_args "$1" "$2")"
  local subs=0 sessions=0 missed=0 channels=1 i
  for ((i = 1; i < ${#a[@]}; i += 2)); do
    case "${a[$i]}" in
      --subscribers) subs="${a[$((i + 1))]}" ;;
      --sessions) sessions="${a[$((i + 1))]}" ;;
      --missed) missed="${a[$((i + 1))]}" ;;
      --channels) channels="${a[$((i + 1))]}" ;;
    esac
  done
  case "$1" in
    fanout-*|steady-*)
      local parts
      parts="$(scenario_parts "$1")"
      if ((parts > 1)); then s=$((subs * parts / 1000 + 15 + warmup + duration + 6))  # run_parts' --start-at
      else s=$((subs / 2000 + warmup + duration + 4)); fi ;;
    idle-*) s=$((subs / 2000 + duration + 6 + 2)) ;;
    replay-*) s=$((subs / 1000 + missed * channels / 10000 + 8 + (prewarm ? 8 : 0))) ;;
    heartbeat-*) s=$((sessions / 3000 + warmup + duration + 3)) ;;
  esac
  case "$2" in
    herald) s=$((s + 8)) ;;
    herald-redis) s=$((s + 9)) ;;
    herald-cluster) s=$((s + 25)) ;;
    *) s=$((s + 3)) ;;
  esac
  echo "$s"
}

# ---------------------------------------------------------------------------------------------------
# Targets: start fresh, remember every PID, stop by PID.

STARTED=()         # every PID this script started, in order
T_URLS=""          # the target's URLs, comma-separated
T_PIDS=""          # the PIDs the load tool measures
T_OPTS=()          # the load tool's route options for the target
herald_jar="${HERALD_JAR:-$root/gateway/target/herald.jar}"
server_logs=""

TOOL_PID=""        # the load-tool run in progress
TOOL_PIDS=()       # the load-tool processes of a run in parts, in progress

# Runs the load tool in the background and waits for it (so a signal to this script is handled at
# once): $1 = bound in seconds, $2 = file for its stderr, $3 = file for its stdout, then its arguments.
run_tool() {
  local bound="$1" err="$2" stdout="$3" rc=0
  shift 3
  timeout --kill-after=10 "$bound" "$here/run.sh" "$@" >"$stdout" 2>>"$err" </dev/null &
  TOOL_PID=$!
  wait "$TOOL_PID" || rc=$?
  TOOL_PID=""
  return "$rc"
}

# Runs one fan-out in $4 parts side by side, each a load-tool process with the same arguments on
# channels of its own (--channel-prefix), all publishing from the same wall-clock time (--start-at, after
# every part connected), then merges their JSON lines into one (bench/run.sh merge: counts and rates
# summed, latency from the merged histograms, server CPU per delivery of all parts):
# $1 = bound in seconds, $2 = log (each part's table goes to <log>-partK.log), $3 = file for the merged
# line, $4 = parts, $5 = label, then the load tool's arguments (--out is the merged line's file).
run_parts() {
  local bound="$1" err="$2" stdout="$3" parts="$4" label="$5" rc=0 k subs=0 i results_file=""
  shift 5
  local args=("$@") pass=()
  for ((i = 0; i < ${#args[@]}; i++)); do
    case "${args[$i]}" in
      --subscribers) subs="${args[$((i + 1))]}" ;;
      --out) results_file="${args[$((i + 1))]}"; i=$((i + 1)); continue ;;
      --label) i=$((i + 1)); continue ;;
    esac
    pass+=("${args[$i]}")
  done
  # connecting takes about 1 s per 1,000 subscribers here (all parts at once); then 15 s to spare
  local start_at=$(( $(date +%s%3N) + (subs * parts / 1000 + 15) * 1000 )) files=()
  TOOL_PIDS=()
  for ((k = 0; k < parts; k++)); do
    local part="${err%.log}-part$k"
    files+=(--in "$part.json")
    timeout --kill-after=10 "$bound" "$here/run.sh" "${pass[@]}" --channel-prefix "b$$-$RANDOM-p$k-" \
      --start-at "$start_at" --latency-buckets --label "$label" --out "$part.json" \
      >/dev/null 2>"$part.log" </dev/null &
    TOOL_PIDS+=($!)
  done
  echo "== $parts parts side by side, publishing from $(date -u -d "@$((start_at / 1000))" +%H:%M:%S) UTC: ${err%.log}-part*.log" >>"$err"
  for k in "${!TOOL_PIDS[@]}"; do
    local prc=0
    wait "${TOOL_PIDS[$k]}" || prc=$?
    ((rc == 0)) && rc=$prc
  done
  TOOL_PIDS=()
  "$here/run.sh" merge "${files[@]}" --label "$label" ${results_file:+--out "$results_file"} >"$stdout" 2>>"$err" \
    || { ((rc == 0)) && rc=3; }
  return "$rc"
}

cleanup() {
  local i
  if [[ -n "$TOOL_PID" ]]; then
    peers_stop_pid "$TOOL_PID" 10
    TOOL_PID=""
  fi
  for i in "${TOOL_PIDS[@]}"; do
    peers_stop_pid "$i" 10
  done
  TOOL_PIDS=()
  for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do
    peers_stop_pid "${STARTED[$i]}" 30
  done
  STARTED=()
}
trap cleanup EXIT
exec 3>&2   # the script's own stderr, for messages from a trap that fires inside a redirected call
trap 'echo "scenarios: interrupted: stopping what was started" >&3; cleanup; exit 130' INT TERM

http_code() {
  curl -s -o /dev/null -m 3 -w '%{http_code}' "$1" 2>/dev/null || true
}

# Waits until $1 answers 200, for at most $2 s, while pid $3 lives.
wait_http_200() {
  local deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    [[ "$(http_code "$1")" == 200 ]] && return 0
    kill -0 "$3" 2>/dev/null || return 1
    sleep 0.3
  done
  return 1
}

start_redis() { # sets R_PORT, R_PID
  R_PORT="$(peers_free_port)" || return 1
  local dir="$server_logs/redis-$R_PORT"
  mkdir -p "$dir"
  redis-server --port "$R_PORT" --bind 127.0.0.1 --dir "$dir" --save "" --appendonly no --daemonize no \
    --protected-mode no >"$dir/redis.log" 2>&1 </dev/null &
  R_PID=$!
  STARTED+=("$R_PID")
  peers_wait_port "$R_PORT" 20 "$R_PID" || { tail -5 "$dir/redis.log" >&2; return 1; }
}

# Starts one Herald node: $1 = log name, then extra flags; sets H_PID, H_PORT.
start_herald_node() {
  local name="$1"
  shift
  H_PORT="$(peers_free_port)" || return 1
  # Herald refuses HERALD_* variables that are not settings: these two are this script's own. Every load
  # client comes from 127.0.0.1, so the per-address bounds (auth.max*PerClient) are off.
  # shellcheck disable=SC2086
  env -u HERALD_JAVA_OPTS -u HERALD_JAR java ${HERALD_JAVA_OPTS:-} -jar "$herald_jar" --http.host=127.0.0.1 --http.port="$H_PORT" \
    --auth.maxStreamsPerClient=0 --auth.maxSessionsPerClient=0 "$@" \
    >"$server_logs/$name.log" 2>&1 </dev/null &
  H_PID=$!
  STARTED+=("$H_PID")
}

start_target() {
  local t="$1" run="$2"
  T_URLS=""
  T_PIDS=""
  T_OPTS=()
  case "$t" in
    herald)
      start_herald_node "$run-herald" || return 1
      wait_http_200 "http://127.0.0.1:$H_PORT/health/ready" 90 "$H_PID" || return 1
      T_URLS="http://127.0.0.1:$H_PORT"
      T_PIDS="$H_PID"
      ;;
    herald-redis)
      start_redis || return 1
      start_herald_node "$run-herald-redis" --store.type=redis --store.redis.host=127.0.0.1 \
        --store.redis.port="$R_PORT" || return 1
      wait_http_200 "http://127.0.0.1:$H_PORT/health/ready" 90 "$H_PID" || return 1
      T_URLS="http://127.0.0.1:$H_PORT"
      T_PIDS="$H_PID,$R_PID"   # Redis's CPU and RSS are part of what this deployment costs
      ;;
    herald-cluster)
      start_redis || return 1
      local hz1 hz2 name p1 p2 pid1 pid2
      hz1="$(peers_free_port)" && hz2="$(peers_free_port)" || return 1
      name="bench-$$-$RANDOM"   # a cluster name of its own: it never joins anyone else's nodes
      local common=(--store.type=redis --store.redis.host=127.0.0.1 --store.redis.port="$R_PORT"
        --cluster.enabled=true --cluster.name="$name" --cluster.join=tcp --cluster.host=127.0.0.1
        --cluster.members="127.0.0.1:$hz1,127.0.0.1:$hz2" --cluster.drainWindow=1s)
      start_herald_node "$run-herald-node1" "${common[@]}" --cluster.port="$hz1" || return 1
      p1="$H_PORT"; pid1="$H_PID"
      start_herald_node "$run-herald-node2" "${common[@]}" --cluster.port="$hz2" || return 1
      p2="$H_PORT"; pid2="$H_PID"
      wait_http_200 "http://127.0.0.1:$p1/health/ready" 120 "$pid1" || return 1
      wait_http_200 "http://127.0.0.1:$p2/health/ready" 120 "$pid2" || return 1
      # a node is ready alone too: wait until each one has seen the other join
      local deadline=$((SECONDS + 60))
      until grep -q "(2 members" "$server_logs/$run-herald-node1.log" && grep -q "(2 members" "$server_logs/$run-herald-node2.log"; do
        ((SECONDS < deadline)) || { echo "the two nodes did not form one cluster within 60 s" >&2; return 1; }
        sleep 0.3
      done
      # subscribers round-robin over both nodes; events are published on the first
      T_URLS="http://127.0.0.1:$p1,http://127.0.0.1:$p2"
      T_PIDS="$pid1,$pid2,$R_PID"
      ;;
    nchan-1w|nchan-2w)
      local w="${t#nchan-}" line
      w="${w%w}"
      line="$("$here/peers/nchan/nchan.sh" start --workers "$w" --dir "$server_logs/$run-$t")" || return 1
      local pid port
      pid="$(sed -n 's/.*pid=\([0-9]*\).*/\1/p' <<< "$line")"
      port="$(sed -n 's/.*port=\([0-9]*\).*/\1/p' <<< "$line")"
      STARTED+=("$pid")
      T_URLS="http://127.0.0.1:$port"
      T_PIDS="$pid"
      T_OPTS=(--server-children --sub-path '/sub/{chs}' --channel-sep , --pub-path '/pub/{ch}' --pub-format raw)
      ;;
    ceiling)
      local line pid port
      line="$("$here/peers/ceiling/ceiling.sh" start --dir "$server_logs/$run-$t")" || return 1
      pid="$(sed -n 's/.*pid=\([0-9]*\).*/\1/p' <<< "$line")"
      port="$(sed -n 's/.*port=\([0-9]*\).*/\1/p' <<< "$line")"
      STARTED+=("$pid")
      T_URLS="http://127.0.0.1:$port"
      T_PIDS="$pid"
      T_OPTS=(--sub-path '/sub/{chs}' --channel-sep , --pub-path '/pub/{ch}' --pub-format raw)
      ;;
    sse-channel)
      local line pid port
      line="$("$here/peers/sse-channel/sse-channel.sh" start --dir "$server_logs/$run-$t")" || return 1
      pid="$(sed -n 's/.*pid=\([0-9]*\).*/\1/p' <<< "$line")"
      port="$(sed -n 's/.*port=\([0-9]*\).*/\1/p' <<< "$line")"
      STARTED+=("$pid")
      T_URLS="http://127.0.0.1:$port"
      T_PIDS="$pid"
      T_OPTS=(--sub-path '/sub/{ch}' --pub-path '/pub/{ch}' --pub-format raw)
      ;;
  esac
}

# ---------------------------------------------------------------------------------------------------

# The value of a number / string field of a JSON line (no jq needed).
jfield() {
  sed -n "s/.*\"$1\":\"\{0,1\}\([^,\"}]*\).*/\1/p" <<< "$2" | head -n1
}

load1() {
  cut -d' ' -f1 /proc/loadavg
}

plan=()
total_est=0
for s in "${SCENARIOS[@]}"; do
  for ((r = 1; r <= reps; r++)); do
    for t in "${TARGETS[@]}"; do
      if applies "$s" "$t"; then
        plan+=("$s $t $r")
        total_est=$((total_est + $(estimate "$s" "$t")))
      fi
    done
  done
done
((${#plan[@]} > 0)) || die "nothing to run: no scenario applies to these targets"

echo "scenarios: ${#plan[@]} runs (${SCENARIOS[*]} x ${TARGETS[*]} x $reps, interleaved)$( ((quick)) && echo ', --quick')" >&2
echo "scenarios: expected duration about $((total_est / 60)) min $((total_est % 60)) s" >&2
if ((dry_run)); then
  i=0
  for p in "${plan[@]}"; do
    i=$((i + 1))
    read -r s t r <<< "$p"
    parts="$(scenario_parts "$s")"
    printf '%3d  %-15s %-15s rep %d  ~%3d s  %sbench/run.sh %s\n' "$i" "$s" "$t" "$r" "$(estimate "$s" "$t")" \
      "$( ((parts > 1)) && echo "$parts x ")" "$(scenario_args "$s" "$t")"
  done
  exit 0
fi

# What the targets need, installed when missing.
for t in "${TARGETS[@]}"; do
  case "$t" in
    nchan-*) "$here/peers/nchan/nchan.sh" install || die "cannot install Nchan" ;;
    sse-channel) "$here/peers/sse-channel/sse-channel.sh" install || die "cannot install sse-channel" ;;
    herald-redis|herald-cluster)
      if ! command -v redis-server >/dev/null; then
        [[ "$(id -u)" == 0 ]] || die "redis-server is missing (apt-get install -y redis-server)"
        apt-get install -y -qq redis-server >&2 || die "cannot install redis-server"
      fi ;;
  esac
done
if [[ " ${TARGETS[*]} " == *" herald"* && ! -f "$herald_jar" ]]; then
  # it may be being rebuilt right now: wait a little, never build the whole project from here
  echo "scenarios: waiting for $herald_jar (build it with: mvn -B -q -o -DskipTests package)" >&2
  for _ in $(seq 1 120); do
    [[ -f "$herald_jar" ]] && break
    sleep 1
  done
  [[ -f "$herald_jar" ]] || die "$herald_jar is missing: build it first (mvn -B -q -o -DskipTests package)"
fi
"$here/run.sh" --help >/dev/null || die "the load tool does not build"   # builds it once, up front

out="${out:-$root/target/bench-scenarios/$(date -u +%Y%m%dT%H%M%SZ)$( ((quick)) && echo -quick)}"
mkdir -p "$out/logs"
server_logs="$out/logs"
results="$out/results.jsonl"
printf 'n\tscenario\ttarget\trep\texit\tload1_before\tseconds\tlog\n' > "$out/runs.tsv"
{
  echo "command: $0 $*"
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), $(uname -r)"
  echo "java: $(java -version 2>&1 | head -n1)"
  echo "herald: $herald_jar $(stat -c '%y %s bytes' "$herald_jar" 2>/dev/null || echo missing), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')$( [[ -n "$(git -C "$root" status --porcelain 2>/dev/null | head -n1)" ]] && echo ' (work tree has changes)')"
  echo "HERALD_JAVA_OPTS: ${HERALD_JAVA_OPTS:-(none)}; BENCH_JAVA_OPTS: ${BENCH_JAVA_OPTS:-(run.sh default)}"
  echo "nginx: $(nginx -v 2>&1 || true), nchan: $(dpkg-query -W -f '${Version}' libnginx-mod-nchan 2>/dev/null || echo '?')"
  echo "node: $(node --version 2>/dev/null || echo '?'), sse-channel: $(sed -n 's/.*"version": "\(.*\)".*/\1/p' "$here/peers/sse-channel/node_modules/sse-channel/package.json" 2>/dev/null | head -n1)"
  echo "redis: $(redis-server --version 2>/dev/null | head -n1 || echo '?')"
} > "$out/machine.txt"
l="$(load1)"
echo "scenarios: results in $out (load average now $l)" >&2
if awk -v l="$l" 'BEGIN { exit !(l > 1.5) }'; then
  echo "scenarios: ! the machine is busy (load $l): figures will be noisy; record with a quiet machine" >&2
fi

failures=0
i=0
for p in "${plan[@]}"; do
  i=$((i + 1))
  read -r s t r <<< "$p"
  run_id="$(printf '%03d-%s-%s-r%d' "$i" "$s" "$t" "$r")"
  log="$out/logs/$run_id.log"
  before="$(load1)"
  started_at=$SECONDS
  status=0
  read -r -a args <<< "$(scenario_args "$s" "$t")"
  # shellcheck disable=SC2206
  extra=($tool_opts)
  max_s=$(( $(estimate "$s" "$t") * 3 + 120 ))
  if ! start_target "$t" "$run_id" >>"$log" 2>&1; then
    echo "scenarios: [$i/${#plan[@]}] $s/$t rep $r: the server did not start (see $log)" >&2
    status=5
  else
    if [[ "$s" == replay-* ]] && ((prewarm)); then
      read -r -a pw <<< "$(prewarm_args)"
      echo "== prewarm (not recorded): ${pw[*]}" >>"$log"
      run_tool $((max_s + 30)) "$log" /dev/null "${pw[@]}" --target "$T_URLS" --server-pid "$T_PIDS" \
        "${T_OPTS[@]}" --max-seconds "$max_s" "${extra[@]}" || true
    fi
    echo "== run: ${args[*]} --label $s/$t" >>"$log"
    parts="$(scenario_parts "$s")"
    if ((parts > 1)); then
      run_parts $((max_s + 30)) "$log" "$out/last.json" "$parts" "$s/$t" "${args[@]}" --target "$T_URLS" \
        --server-pid "$T_PIDS" "${T_OPTS[@]}" --out "$results" --max-seconds "$max_s" "${extra[@]}" || status=$?
    else
      run_tool $((max_s + 30)) "$log" "$out/last.json" "${args[@]}" --target "$T_URLS" --server-pid "$T_PIDS" \
        "${T_OPTS[@]}" --label "$s/$t" --out "$results" --max-seconds "$max_s" "${extra[@]}" || status=$?
    fi
    json="$(cat "$out/last.json" 2>/dev/null)"
    rm -f "$out/last.json"
    echo "$json" >>"$log"
  fi
  cleanup >>"$log" 2>&1
  secs=$((SECONDS - started_at))
  printf '%d\t%s\t%s\t%d\t%d\t%s\t%d\t%s\n' "$i" "$s" "$t" "$r" "$status" "$before" "$secs" "logs/$run_id.log" >> "$out/runs.tsv"
  ((status == 0)) || failures=$((failures + 1))
  case "$s" in
    fanout-*|steady-*) fig="deliveries/s $(jfield deliveries_per_s "${json:-}"), p99 $(jfield latency_p99_us "${json:-}") µs, server CPU $(jfield server_cpu_us_per_delivery "${json:-}") µs/delivery" ;;
    idle-*) fig="open $(jfield open_settled "${json:-}"), RSS $(jfield rss_per_conn_bytes "${json:-}") B/conn" ;;
    replay-*) fig="caught up $(jfield caught_up "${json:-}") in $(jfield catch_up_s "${json:-}") s (publish $(jfield publish_missed_s "${json:-}") s), lost $(jfield lost "${json:-}")" ;;
    heartbeat-*) fig="beats/s $(jfield beats_per_s "${json:-}"), p99 $(jfield beat_latency_p99_us "${json:-}") µs" ;;
  esac
  echo "scenarios: [$i/${#plan[@]}] $s/$t rep $r: exit $status, ${secs} s, load $before: $fig" >&2
  json=""
done

if [[ -s "$results" ]]; then
  "$here/run.sh" summary --in "$results" --out "$out/summary.md" >/dev/null || true
  "$here/run.sh" chart --in "$results" --out "$out/chart.png" 2>>"$out/logs/chart.log" || true
  cat "$out/summary.md" 2>/dev/null
fi
echo "scenarios: done: ${#plan[@]} runs, $failures not clean (exit != 0: see runs.tsv); $out" >&2
((failures == 0))
