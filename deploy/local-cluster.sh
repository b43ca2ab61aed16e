#!/usr/bin/env bash
# A Herald cluster on this machine: one redis-server and three Herald nodes on loopback.
#
#   deploy/local-cluster.sh start [--KEY=VALUE ...]   build the jar if missing, start, wait until ready
#   deploy/local-cluster.sh status                    which processes run, and their readiness
#   deploy/local-cluster.sh stop                      SIGTERM (drain) each process it started, by PID
#
# Nodes: http://127.0.0.1:8081 .. 8083 (console on /), Hazelcast 5701..5703 (TCP-IP join with that
# member list), Redis on 6390. Extra --KEY=VALUE flags go to every node (e.g. --cluster.drainWindow=3s).
# State (pid files, logs, Redis's directory) lives in $HERALD_LOCAL_DIR (default: target/local-cluster
# in the repository). Only the processes recorded in those pid files are ever signalled.
#
# Environment: HERALD_LOCAL_DIR, HERALD_LOCAL_REDIS_PORT (6390), HERALD_LOCAL_HTTP_BASE (8080: nodes on
# base+1..base+3), HERALD_LOCAL_HZ_BASE (5700), HERALD_JAVA_OPTS (-Xms64m -Xmx384m), JAVA (java).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${HERALD_LOCAL_DIR:-$ROOT/target/local-cluster}"
JAR="$ROOT/gateway/target/herald.jar"
REDIS_PORT="${HERALD_LOCAL_REDIS_PORT:-6390}"
HTTP_BASE="${HERALD_LOCAL_HTTP_BASE:-8080}"
HZ_BASE="${HERALD_LOCAL_HZ_BASE:-5700}"
JAVA="${JAVA:-java}"
read -r -a JAVA_OPTS <<< "${HERALD_JAVA_OPTS:--Xms64m -Xmx384m}"
NODES=(1 2 3)
READY_WAIT_SECONDS=120
STOP_WAIT_SECONDS=40

die() {
  echo "local-cluster: $*" >&2
  exit 1
}

# The PID recorded in $1's pid file when that process still runs and is ours ($2: a word of its command line).
live_pid() {
  local file="$STATE/$1.pid" pid
  [[ -f "$file" ]] || return 1
  pid="$(cat "$file")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # A PID can be reused after a crash: only a process running what we started counts.
  if [[ -r "/proc/$pid/cmdline" ]]; then
    tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "$2" || return 1
  else
    ps -p "$pid" -o args= | grep -q -- "$2" || return 1
  fi
  echo "$pid"
}

http_code() {
  curl -s -o /dev/null -m 3 -w '%{http_code}' "$1" 2>/dev/null || true
}

members() {
  local list="" n
  for n in "${NODES[@]}"; do
    list+="${list:+,}127.0.0.1:$((HZ_BASE + n))"
  done
  echo "$list"
}

start_redis() {
  if pid="$(live_pid redis redis-server)"; then
    echo "redis    already running  pid $pid  port $REDIS_PORT"
    return
  fi
  command -v redis-server >/dev/null || die "redis-server not found (Debian/Ubuntu: apt-get install redis-server)"
  mkdir -p "$STATE/redis"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$STATE/redis" --save "" --appendonly no \
    --daemonize no --protected-mode no > "$STATE/redis.log" 2>&1 &
  echo $! > "$STATE/redis.pid"
  for _ in $(seq 1 100); do
    if grep -q "Ready to accept connections" "$STATE/redis.log" 2>/dev/null; then
      echo "redis    started          pid $(cat "$STATE/redis.pid")  port $REDIS_PORT  log $STATE/redis.log"
      return
    fi
    live_pid redis redis-server >/dev/null || { tail -5 "$STATE/redis.log" >&2; die "redis-server exited"; }
    sleep 0.1
  done
  die "redis-server did not get ready; see $STATE/redis.log"
}

start_node() {
  local n="$1"; shift
  local name="node$n" http=$((HTTP_BASE + n)) hz=$((HZ_BASE + n))
  if pid="$(live_pid "$name" herald.jar)"; then
    echo "$name    already running  pid $pid  http://127.0.0.1:$http/"
    return
  fi
  "$JAVA" "${JAVA_OPTS[@]}" -jar "$JAR" \
    --http.host=127.0.0.1 --http.port="$http" \
    --store.type=redis --store.redis.host=127.0.0.1 --store.redis.port="$REDIS_PORT" \
    --cluster.enabled=true --cluster.name=herald-local --cluster.join=tcp --cluster.host=127.0.0.1 \
    --cluster.port="$hz" --cluster.members="$(members)" "$@" > "$STATE/$name.log" 2>&1 &
  echo $! > "$STATE/$name.pid"
}

wait_ready() {
  local n="$1" name="node$1" http=$((HTTP_BASE + $1)) deadline=$((SECONDS + READY_WAIT_SECONDS))
  while ((SECONDS < deadline)); do
    if [[ "$(http_code "http://127.0.0.1:$http/health/ready")" == 200 ]]; then
      echo "$name    ready            pid $(cat "$STATE/$name.pid")  http://127.0.0.1:$http/  (Hazelcast $((HZ_BASE + n)), log $STATE/$name.log)"
      return
    fi
    if ! live_pid "$name" herald.jar >/dev/null; then
      tail -20 "$STATE/$name.log" >&2
      die "$name exited before it was ready; see $STATE/$name.log"
    fi
    sleep 0.5
  done
  die "$name was not ready within ${READY_WAIT_SECONDS}s; see $STATE/$name.log"
}

cmd_start() {
  mkdir -p "$STATE"
  if [[ ! -f "$JAR" ]]; then
    echo "building $JAR ..."
    (cd "$ROOT" && mvn -B -q -DskipTests package) || die "the build failed"
  fi
  start_redis
  local n
  for n in "${NODES[@]}"; do
    start_node "$n" "$@"
  done
  for n in "${NODES[@]}"; do
    wait_ready "$n"
  done
  cat <<EOF

Three nodes share Redis 127.0.0.1:$REDIS_PORT. Try:
  open http://127.0.0.1:$((HTTP_BASE + 1))/ and http://127.0.0.1:$((HTTP_BASE + 2))/ (console: publish on one, tail on the other)
  curl -N 'http://127.0.0.1:$((HTTP_BASE + 2))/v1/stream?channel=demo'
  curl -X POST http://127.0.0.1:$((HTTP_BASE + 1))/v1/channels/demo/events -H 'Content-Type: application/json' -d '{"data": "hi"}'
  kill -9 \$(cat $STATE/node3.pid)     # a crash: the others log "cluster member left"
  $0 stop
EOF
}

# SIGTERM to each process of ours (a node drains, then leaves the cluster), then wait; SIGKILL when it
# has not ended after STOP_WAIT_SECONDS.
cmd_stop() {
  local name pid pids=() names=() i deadline
  for name in node1 node2 node3; do
    if pid="$(live_pid "$name" herald.jar)"; then
      kill -TERM "$pid"
      pids+=("$pid")
      names+=("$name")
      echo "$name    SIGTERM          pid $pid (draining, then leaving the cluster)"
    elif [[ -f "$STATE/$name.pid" ]]; then
      echo "$name    not running"
      rm -f "$STATE/$name.pid"
    fi
  done
  deadline=$((SECONDS + STOP_WAIT_SECONDS))
  for i in "${!pids[@]}"; do
    while kill -0 "${pids[$i]}" 2>/dev/null && ((SECONDS < deadline)); do
      sleep 0.2
    done
    if kill -0 "${pids[$i]}" 2>/dev/null; then
      echo "${names[$i]}    did not stop in ${STOP_WAIT_SECONDS}s: SIGKILL pid ${pids[$i]}"
      kill -KILL "${pids[$i]}" 2>/dev/null || true
    else
      echo "${names[$i]}    stopped"
    fi
    rm -f "$STATE/${names[$i]}.pid"
  done
  if pid="$(live_pid redis redis-server)"; then
    kill -TERM "$pid"
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid"
    fi
    echo "redis    stopped"
  fi
  rm -f "$STATE/redis.pid"
}

cmd_status() {
  local n name pid code any=1
  if pid="$(live_pid redis redis-server)"; then
    echo "redis    running  pid $pid  port $REDIS_PORT"
    any=0
  else
    echo "redis    not running"
  fi
  for n in "${NODES[@]}"; do
    name="node$n"
    if pid="$(live_pid "$name" herald.jar)"; then
      code="$(http_code "http://127.0.0.1:$((HTTP_BASE + n))/health/ready")"
      echo "$name    running  pid $pid  http://127.0.0.1:$((HTTP_BASE + n))/  ready: ${code:-no answer}"
      any=0
    else
      echo "$name    not running"
    fi
  done
  return $any
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 start [--KEY=VALUE ...] | stop | status" >&2; exit 2 ;;
esac
