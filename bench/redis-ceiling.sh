#!/usr/bin/env bash
# Publishes per second on the Redis store next to what Redis itself does with the same script: one node
# (store.type=redis) and its own redis-server, driven over HTTP by `bench/run.sh publish` (--conns
# connections, one request in flight each, 64 channels), then, with the node stopped, `redis-benchmark`
# running append.lua (lib.lua in front, as the store loads it) and touch.lua (a batch of one beat over
# 10,000 existing sessions) by their SHA. Prints both rates, their ratio, what Redis spent per call in
# each, and the cores each process used: on a small machine that budget is what bounds the ratio.
#
#   bench/redis-ceiling.sh [--jar PATH] [--conns N] [--warmup S] [--duration S] [--out DIR]
#
# Output in DIR (target/redis-ceiling/<UTC time>): publish.json (the load tool's line), the node's log,
# redis-benchmark's output and summary.txt. redis-benchmark replaces each __rand_int__ of a command on
# its own, so a channel's three keys would not match: its appends all go to one channel (the script's
# cost does not depend on how many channels exist; each is trimmed to history.maxEvents).
# Every process is started on 127.0.0.1 (free ports) and stopped by its PID, also on failure or ^C.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
# shellcheck source=peers/lib.sh
source "$here/peers/lib.sh"
jar="$root/gateway/target/herald.jar"
conns=64
warmup=30
duration=15
out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --jar) jar="$2"; shift 2 ;;
    --conns) conns="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "redis-ceiling: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -f "$jar" ]] || { echo "redis-ceiling: $jar is missing (mvn -B -q -DskipTests package)" >&2; exit 2; }
command -v redis-benchmark >/dev/null || { echo "redis-ceiling: redis-benchmark is missing (apt-get install redis-tools)" >&2; exit 2; }
out="${out:-$root/target/redis-ceiling/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$out"
scripts="$root/replay-verticle/src/main/resources/dev/herald/replay/redis"
beats="$root/heartbeat-verticle/src/main/resources/dev/herald/heartbeat/redis"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
calls() { redis-cli -p "$rport" info commandstats | tr -d '\r' | sed -n 's/^cmdstat_evalsha:calls=\([0-9]*\),usec=\([0-9]*\),.*/\1 \2/p'; }

rport="$(peers_free_port)"
redis-server --port "$rport" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >"$out/redis.log" 2>&1 &
rpid=$!
PIDS+=("$rpid")
for _ in $(seq 1 100); do redis-cli -p "$rport" ping >/dev/null 2>&1 && break; sleep 0.1; done

# 1. Herald over HTTP
port="$(peers_free_port)"
java -jar "$jar" --http.host=127.0.0.1 --http.port="$port" --store.type=redis --store.redis.port="$rport" \
  --auth.maxStreamsPerClient=0 --auth.maxSessionsPerClient=0 >"$out/herald.log" 2>&1 </dev/null &
hpid=$!
PIDS+=("$hpid")
for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
( sleep "$warmup"; redis-cli -p "$rport" config resetstat >/dev/null; ticks "$rpid" >"$out/redis-ticks-0"
  sleep "$duration"; calls >"$out/herald-calls"; ticks "$rpid" >"$out/redis-ticks-1" ) &
sampler=$!
"$here/run.sh" publish --target "http://127.0.0.1:$port" --server-pid "$hpid" --channels 64 --pub-conns "$conns" \
  --pipeline 1 --warmup "$warmup" --duration "$duration" 2>"$out/publish.table" | tail -n1 >"$out/publish.json"
wait "$sampler"
kill "$hpid"; wait "$hpid" 2>/dev/null || true

# 2. redis-benchmark, the same scripts
redis-cli -p "$rport" flushall >/dev/null
sha="$(redis-cli -p "$rport" script load "$(cat "$scripts/lib.lua"; echo; cat "$scripts/append.lua")")"
redis-cli -p "$rport" config resetstat >/dev/null
r0="$(ticks "$rpid")"
redis-benchmark -p "$rport" -c 50 -P 16 -n 300000 EVALSHA "$sha" 3 'herald:ch:{bench}:meta' 'herald:ch:{bench}:events' \
  'herald:ch:{bench}:keys' 1000 3600000 86400000 1 '' '{"n":1}' '' '' 99999999999999 >"$out/rb-append.txt" 2>&1
r1="$(ticks "$rpid")"
calls >"$out/rb-append-calls"
tsha="$(redis-cli -p "$rport" script load "$(cat "$beats/touch.lua")")"
redis-cli -p "$rport" eval "for i=0,9999 do redis.call('ZADD', KEYS[1], 1, string.format('s%012d', i)) end return 1" 1 \
  'herald:presence:{herald:p:0}:expiry' >/dev/null
redis-benchmark -p "$rport" -c 50 -P 16 -n 300000 -r 10000 EVALSHA "$tsha" 2 'herald:presence:{herald:p:0}:expiry' \
  'herald:presence:{herald:p:0}:leaving' 1700000000000 'herald:presence:{herald:p:0}:s:' s__rand_int__ \
  >"$out/rb-touch.txt" 2>&1

python3 - "$out" "$duration" "$(getconf CLK_TCK)" "$r0" "$r1" <<'PY' | tee "$out/summary.txt"
import json, re, sys
out, duration, hz, r0, r1 = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
run = json.load(open(f"{out}/publish.json"))
def rate(f):
    m = re.findall(r"throughput summary: ([\d.]+) requests per second", open(f"{out}/{f}", errors="replace").read())
    return float(m[-1]) if m else float("nan")
def per_call(f):
    parts = open(f"{out}/{f}").read().split()
    return int(parts[1]) / int(parts[0]) if len(parts) == 2 and int(parts[0]) else float("nan")
append, touch = rate("rb-append.txt"), rate("rb-touch.txt")
redis_cores = (int(open(f"{out}/redis-ticks-1").read()) - int(open(f"{out}/redis-ticks-0").read())) / hz / duration
herald = run["publish_rate"]
print(f"Herald over HTTP: {herald:,.0f} publishes/s, {run['publish_errors']} errors, p50 {run['publish_latency_p50_us'] / 1000:.1f} ms, "
      f"p99 {run['publish_latency_p99_us'] / 1000:.1f} ms")
print(f"  Herald {run['server_cpu_us_per_publish']} us of CPU per publish ({run['server_cores_used']} cores), "
      f"Redis {per_call('herald-calls'):.1f} us per append ({redis_cores:.2f} cores), "
      f"load tool {run['tool_cpu_ms'] / 1000 / duration:.2f} cores")
print(f"redis-benchmark, the same append.lua: {append:,.0f} /s, Redis {per_call('rb-append-calls'):.1f} us per call")
print(f"Herald / redis-benchmark: {herald / append:.2f}")
print(f"redis-benchmark, touch.lua (one beat per call, 10,000 sessions): {touch:,.0f} /s")
PY
