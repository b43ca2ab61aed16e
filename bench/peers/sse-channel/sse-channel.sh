#!/usr/bin/env bash
# The npm package sse-channel (pinned in package.json / package-lock.json) as a peer of Herald, on loopback.
#
#   bench/peers/sse-channel/sse-channel.sh install                 npm ci when node_modules is missing
#   bench/peers/sse-channel/sse-channel.sh start [--port P] [--dir DIR] [--history N]
#        starts server.js (Node >= 20) in the background, waits until it listens, prints ONE line on
#        stdout:  pid=<pid> port=<port> dir=<dir>    (the log is DIR/server.log)
#   bench/peers/sse-channel/sse-channel.sh stop --dir DIR          (or --pid PID): SIGTERM, SIGKILL after 10 s
#
# Routes: POST /pub/<channel> (raw body = one event, numeric id per channel), GET /sub/<channel>
# (EventSource, Last-Event-ID replay from a history of --history (1000) events). One channel per stream.
# Environment: SSE_CHANNEL_NODE_OPTIONS (e.g. --max-old-space-size=2048) reaches node.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib.sh
source "$here/../lib.sh"

die() {
  echo "sse-channel: $*" >&2
  exit 1
}

cmd="${1:-}"
[[ -n "$cmd" ]] && shift
port=""
dir=""
pid=""
history=1000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    --pid) pid="$2"; shift 2 ;;
    --history) history="$2"; shift 2 ;;
    *) die "unknown option $1" ;;
  esac
done

install() {
  command -v node >/dev/null || die "node is missing (Debian: apt-get install -y nodejs npm; Node >= 20)"
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  [[ "$major" -ge 20 ]] || die "Node $(node --version) is too old: sse-channel's peer runs on Node >= 20"
  if [[ ! -f "$here/node_modules/sse-channel/package.json" ]]; then
    command -v npm >/dev/null || die "npm is missing"
    echo "sse-channel: npm ci (sse-channel as pinned in package-lock.json)" >&2
    (cd "$here" && npm ci --omit=dev --no-audit --no-fund --loglevel=error >&2)
  fi
}

start() {
  install
  if [[ -z "$dir" ]]; then
    dir="$(mktemp -d -t herald-sse-channel.XXXXXX)"
  fi
  mkdir -p "$dir"
  [[ -n "$port" ]] || port="$(peers_free_port)"
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  # shellcheck disable=SC2086
  node ${SSE_CHANNEL_NODE_OPTIONS:-} "$here/server.js" "$port" "$history" >"$dir/server.log" 2>&1 </dev/null &
  local p=$!
  echo "$p" > "$dir/server.pid"
  if ! peers_wait_port "$port" 20 "$p"; then
    cat "$dir/server.log" >&2 || true
    peers_stop_pid "$p" 5
    die "server.js did not listen on 127.0.0.1:$port"
  fi
  echo "pid=$p port=$port dir=$dir"
}

stop() {
  if [[ -z "$pid" && -n "$dir" && -f "$dir/server.pid" ]]; then
    pid="$(cat "$dir/server.pid")"
  fi
  [[ -n "$pid" ]] || die "stop needs --dir DIR (with server.pid) or --pid PID"
  if kill -0 "$pid" 2>/dev/null; then
    tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q "server.js" || die "pid $pid is not this server"
    peers_stop_pid "$pid" 10
  fi
  [[ -n "$dir" ]] && rm -f "$dir/server.pid"
  return 0
}

case "$cmd" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  *) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
