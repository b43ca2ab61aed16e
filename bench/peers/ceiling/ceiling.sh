#!/usr/bin/env bash
# The ceiling: a minimal SSE fan-out writer on raw Netty (dev.herald.bench.ceiling.Ceiling, in the load
# tool's jar), as the physical limit of SSE fan-out on this machine, on loopback.
#
#   bench/peers/ceiling/ceiling.sh start [--port P] [--dir DIR] [--threads N] [--transport auto|epoll|nio]
#        builds the load tool when needed, starts the ceiling in the background, waits until it listens,
#        prints ONE line on stdout:  pid=<pid> port=<port> dir=<dir>    (the log is DIR/server.log)
#   bench/peers/ceiling/ceiling.sh stop --dir DIR          (or --pid PID): SIGTERM, SIGKILL after 10 s
#
# Routes: POST /pub/<channel> (raw body = one event) -> 201, GET /sub/<ch1>,<ch2>,... (EventSource, live
# only: no history, Last-Event-ID ignored). One event loop per core (--threads), epoll when available.
# Environment: CEILING_JAVA_OPTS (its JVM; default -XX:+UseSerialGC -Xms256m -Xmx1g).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bench="$(cd "$here/../.." && pwd)"
# shellcheck source=../lib.sh
source "$here/../lib.sh"

die() {
  echo "ceiling: $*" >&2
  exit 1
}

cmd="${1:-}"
[[ -n "$cmd" ]] && shift
port=""
dir=""
pid=""
threads="$(nproc)"
transport=auto
while [[ $# -gt 0 ]]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    --pid) pid="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --transport) transport="$2"; shift 2 ;;
    *) die "unknown option $1" ;;
  esac
done

start() {
  "$bench/run.sh" --help >/dev/null || die "the load tool (which holds the ceiling) does not build"
  if [[ -z "$dir" ]]; then
    dir="$(mktemp -d -t herald-ceiling.XXXXXX)"
  fi
  mkdir -p "$dir"
  [[ -n "$port" ]] || port="$(peers_free_port)"
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  # shellcheck disable=SC2086
  java ${CEILING_JAVA_OPTS:--XX:+UseSerialGC -Xms256m -Xmx1g} -Dio.netty.leakDetection.level=disabled \
    -cp "$bench/target/herald-bench.jar" dev.herald.bench.ceiling.Ceiling --host 127.0.0.1 --port "$port" \
    --threads "$threads" --transport "$transport" >"$dir/server.log" 2>&1 </dev/null &
  local p=$!
  echo "$p" > "$dir/server.pid"
  if ! peers_wait_port "$port" 30 "$p"; then
    cat "$dir/server.log" >&2 || true
    peers_stop_pid "$p" 5
    die "the ceiling did not listen on 127.0.0.1:$port"
  fi
  echo "pid=$p port=$port dir=$dir"
}

stop() {
  if [[ -z "$pid" && -n "$dir" && -f "$dir/server.pid" ]]; then
    pid="$(cat "$dir/server.pid")"
  fi
  [[ -n "$pid" ]] || die "stop needs --dir DIR (with server.pid) or --pid PID"
  if kill -0 "$pid" 2>/dev/null; then
    tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q "dev.herald.bench.ceiling.Ceiling" || die "pid $pid is not the ceiling"
    peers_stop_pid "$pid" 10
  fi
  [[ -n "$dir" ]] && rm -f "$dir/server.pid"
  return 0
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  *) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
