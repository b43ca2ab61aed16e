#!/usr/bin/env bash
# The steady-state cost of the fan-out's store check (cluster.partitionLag, docs/architecture.md#partitions):
# one clustered Herald node (a cluster of one) and its own redis-server, with idle streams holding
# --channels channels (32 per stream), measured twice for --seconds each: with the check every
# partitionLag/4 (the default, 2s -> 500 ms) and with it practically off (partitionLag=1h). Prints, per
# run: Redis commands (HMGET: one per channel per check), Redis CPU, the node's CPU, and the difference.
# Nothing is published: this is what the check costs when the event bus loses nothing.
#
#   bench/store-check.sh [--channels N] [--seconds S] [--lag DURATION]
#
# Every process is started on 127.0.0.1 (free ports) and stopped by its PID, also on failure or ^C.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/gateway/target/herald.jar"
CHANNELS=1024
SECONDS_MEASURED=30
LAG=2s
while [ $# -gt 0 ]; do
  case "$1" in
    --channels) CHANNELS="$2"; shift 2 ;;
    --seconds) SECONDS_MEASURED="$2"; shift 2 ;;
    --lag) LAG="$2"; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "store-check: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -f "$JAR" ] || { echo "store-check: build the jar first (mvn -B -q -DskipTests package)" >&2; exit 1; }
WORK="$(mktemp -d /tmp/herald-store-check.XXXXXX)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
redis_stat() { redis-cli -p "$REDIS_PORT" info "$1" | tr -d '\r'; }

REDIS_PORT="$(free_port)"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize no > "$WORK/redis.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
HZ="$(free_port)"
CLK="$(getconf CLK_TCK)"

run() {
  local lag="$1" http pid
  http="$(free_port)"
  java -Xms64m -Xmx512m -jar "$JAR" --http.host=127.0.0.1 --http.port="$http" --store.type=redis \
    --store.redis.port="$REDIS_PORT" --cluster.enabled=true --cluster.host=127.0.0.1 --cluster.port="$HZ" \
    --cluster.name="store-check-$$" --cluster.members="127.0.0.1:$HZ" --cluster.partitionLag="$lag" \
    --sse.maxStreams=1000 > "$WORK/node-$lag.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  for _ in $(seq 1 600); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http/health/ready")" = 200 ] && break
    sleep 0.2
  done
  local streams=$(( (CHANNELS + 31) / 32 )) s c q curls=()
  for s in $(seq 0 $((streams - 1))); do
    q=""
    for c in $(seq 0 31); do
      [ $((s * 32 + c)) -lt "$CHANNELS" ] && q+="&channel=sc-$((s * 32 + c))"
    done
    curl -s -N "http://127.0.0.1:$http/v1/stream?${q#&}" > /dev/null &
    curls+=($!)
    PIDS+=($!)
  done
  sleep 10
  redis-cli -p "$REDIS_PORT" config resetstat > /dev/null
  local cpu0 rcpu0 t0
  cpu0="$(ticks "$pid")"
  rcpu0="$(redis_stat cpu | awk -F: '/^used_cpu_(sys|user):/{s+=$2} END{print s}')"
  t0="$(date +%s.%N)"
  sleep "$SECONDS_MEASURED"
  local cpu1 rcpu1 t1 hmget
  cpu1="$(ticks "$pid")"
  rcpu1="$(redis_stat cpu | awk -F: '/^used_cpu_(sys|user):/{s+=$2} END{print s}')"
  t1="$(date +%s.%N)"
  hmget="$(redis_stat commandstats | sed -n 's/^cmdstat_hmget:calls=\([0-9]*\),usec=\([0-9]*\).*/\1 \2/p')"
  python3 - "$lag" "$CHANNELS" "$cpu0" "$cpu1" "$CLK" "$rcpu0" "$rcpu1" "$t0" "$t1" ${hmget:-0 0} <<'EOF'
import sys
lag, ch, c0, c1, clk, r0, r1, t0, t1, calls, usec = sys.argv[1:]
secs = float(t1) - float(t0)
node = (float(c1) - float(c0)) / float(clk) / secs * 100
redis = (float(r1) - float(r0)) / secs * 100
print(f"partitionLag={lag:<4} channels={ch}: HMGET {int(calls) / secs:8.0f}/s ({int(usec) / max(1, int(calls)):.2f} µs each in Redis), "
      f"Redis CPU {redis:5.2f} %, node CPU {node:5.2f} % of one core over {secs:.0f} s")
EOF
  for c in "${curls[@]}"; do kill "$c" 2>/dev/null || true; done
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}

echo "store-check: $CHANNELS channels in $(( (CHANNELS + 31) / 32 )) idle streams, $SECONDS_MEASURED s measured per run"
run "$LAG"
run 1h
