#!/usr/bin/env bash
# Nchan (Debian's nginx + libnginx-mod-nchan) as a peer for Herald's load tool, on loopback.
#
#   bench/peers/nchan/nchan.sh install                 apt-get install nginx-light + the module when missing
#   bench/peers/nchan/nchan.sh start [--workers N] [--port P] [--dir DIR] [--buffer N]
#        writes DIR/nginx.conf (DIR default: a new temp dir), starts nginx in the foreground of a
#        background process (no system service, no daemon), waits until it answers, and prints ONE line
#        on stdout:  pid=<master pid> port=<port> dir=<dir> workers=<n>
#   bench/peers/nchan/nchan.sh stop --dir DIR          (or --pid MASTER_PID): SIGTERM, then SIGKILL master
#                                                      and workers after 15 s; only those PIDs
#   bench/peers/nchan/nchan.sh conf [--workers N] [--port P] [--dir DIR]   print the config only
#
# Routes (what bench/run.sh drives, see bench/peers/README.md):
#   POST /pub/<channel>            publish the body as one message (201 Created / 202 Accepted)
#   GET  /sub/<ch1>,<ch2>,...      EventSource stream of one or more channels (split on ','),
#                                  resumes after Last-Event-ID from the message buffer
# Message buffer: the newest --buffer (1000) messages per channel, kept for 1 h, like Herald's history.
#
# The load tool measures master + workers with: --server-pid <master> --server-children
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib.sh
source "$here/../lib.sh"

MODULE=/usr/lib/nginx/modules/ngx_nchan_module.so

die() {
  echo "nchan: $*" >&2
  exit 1
}

cmd="${1:-}"
[[ -n "$cmd" ]] && shift
workers=1
port=""
dir=""
pid=""
buffer=1000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --workers) workers="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    --pid) pid="$2"; shift 2 ;;
    --buffer) buffer="$2"; shift 2 ;;
    *) die "unknown option $1" ;;
  esac
done
[[ "$workers" =~ ^[1-9][0-9]*$ ]] || die "--workers is a positive number"

install() {
  if command -v nginx >/dev/null && [[ -f "$MODULE" ]]; then
    return 0
  fi
  [[ "$(id -u)" == 0 ]] || die "nginx or the nchan module is missing; as root: apt-get install -y nginx-light libnginx-mod-nchan"
  echo "nchan: installing nginx-light and libnginx-mod-nchan (Debian packages)" >&2
  # nginx's package may try to start a system service; there is none here (no init), and we never use it.
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light libnginx-mod-nchan >&2
  command -v nginx >/dev/null && [[ -f "$MODULE" ]] || die "install failed: nginx or $MODULE missing"
}

# The nginx.conf for $dir, $port, $workers.
conf() {
  local user_line=""
  if [[ "$(id -u)" == 0 ]]; then
    user_line="user nobody nogroup;"
  fi
  cat <<EOF
# Written by bench/peers/nchan/nchan.sh: Nchan as a peer of Herald, loopback only.
load_module $MODULE;
$user_line
worker_processes $workers;
daemon off;
master_process on;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
# a process here may hold at most 20,000 open files (the hard limit); nginx is bound by it too
worker_rlimit_nofile 20000;

events {
  worker_connections 20000;
  use epoll;
}

http {
  access_log off;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  client_body_buffer_size 64k;
  # the load tool keeps its publisher connections open for the whole run (nginx's default: 1,000 requests)
  keepalive_requests 100000000;
  keepalive_timeout 3600s;
  tcp_nodelay on;
  nchan_shared_memory_size 256m;

  server {
    listen 127.0.0.1:$port;

    location ~ ^/pub/([^/]+)$ {
      nchan_publisher http;
      nchan_channel_id \$1;
      nchan_message_buffer_length $buffer;
      nchan_message_timeout 1h;
    }

    location ~ ^/sub/([^/]+)$ {
      nchan_subscriber eventsource;
      nchan_channel_id \$1;
      nchan_channel_id_split_delimiter ",";
      nchan_subscriber_first_message newest;
      nchan_message_buffer_length $buffer;
      nchan_message_timeout 1h;
    }

    location = /ready {
      return 200 "ok\n";
    }
  }
}
EOF
}

start() {
  install
  if [[ -z "$dir" ]]; then
    dir="$(mktemp -d -t herald-nchan.XXXXXX)"
  fi
  mkdir -p "$dir/tmp"
  dir="$(cd "$dir" && pwd)"
  # nginx master runs as root and its workers as nobody: they must be able to reach the temp dirs
  chmod 755 "$dir" "$dir/tmp"
  [[ -n "$port" ]] || port="$(peers_free_port)"
  conf > "$dir/nginx.conf"
  nginx -t -q -c "$dir/nginx.conf" -p "$dir" >"$dir/nginx.out" 2>&1 || { cat "$dir/nginx.out" >&2; die "bad config $dir/nginx.conf"; }
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  nginx -c "$dir/nginx.conf" -p "$dir" >>"$dir/nginx.out" 2>&1 </dev/null &
  local master=$!
  echo "$master" > "$dir/master.pid"
  if ! peers_wait_port "$port" 20 "$master"; then
    cat "$dir/nginx.out" "$dir/error.log" >&2 2>/dev/null || true
    peers_stop_pid "$master" 5
    die "nginx did not listen on 127.0.0.1:$port (dir $dir)"
  fi
  # all workers up before anyone measures
  for _ in $(seq 1 50); do
    [[ "$(peers_children "$master" | wc -l)" -ge "$workers" ]] && break
    sleep 0.1
  done
  echo "pid=$master port=$port dir=$dir workers=$workers"
}

stop() {
  if [[ -z "$pid" && -n "$dir" && -f "$dir/master.pid" ]]; then
    pid="$(cat "$dir/master.pid")"
  fi
  [[ -n "$pid" ]] || die "stop needs --dir DIR (with master.pid) or --pid PID"
  if kill -0 "$pid" 2>/dev/null; then
    # only a process that runs nginx with our config is ours
    tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q "nginx" || die "pid $pid is not an nginx master"
    peers_stop_pid "$pid" 15
  fi
  [[ -n "$dir" ]] && rm -f "$dir/master.pid"
  return 0
}

case "$cmd" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  conf)
    [[ -n "$dir" ]] || dir=/tmp/herald-nchan
    [[ -n "$port" ]] || port=8090
    conf
    ;;
  *) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
