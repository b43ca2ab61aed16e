# Shared shell helpers for the peer scripts and bench/scenarios.sh (sourced, not run).
#
# Every process is started in the background by its script, recorded by PID, and stopped by that PID
# only: never by name.

# A free TCP port on 127.0.0.1, below the kernel's ephemeral range (so no client socket of a load
# run holds it as its local port): random ones until nobody answers there. (A port can be taken
# between this check and the bind; the server's start-up then fails loudly.)
peers_free_port() {
  local lo=32768 p span
  if [[ -r /proc/sys/net/ipv4/ip_local_port_range ]]; then
    read -r lo _ < /proc/sys/net/ipv4/ip_local_port_range
  fi
  span=$(( lo - 1 - 10000 ))
  (( span > 1000 )) || span=20000
  for _ in $(seq 1 200); do
    p=$(( 10000 + (RANDOM * 32768 + RANDOM) % span ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  echo "peers: no free port found" >&2
  return 1
}

# Waits until 127.0.0.1:$1 accepts connections, for at most $2 seconds, while process $3 lives.
peers_wait_port() {
  local port="$1" seconds="$2" pid="$3" i
  for i in $(seq 1 $((seconds * 10))); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      return 0
    fi
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      return 1
    fi
    sleep 0.1
  done
  return 1
}

# The direct children of PID $1 (one per line), from /proc.
peers_children() {
  local parent="$1" f
  for f in /proc/[0-9]*/stat; do
    # field 4 of /proc/PID/stat is the parent; the command (field 2) may hold spaces, so cut after ')'
    local rest
    rest="$(sed 's/^.*) //' "$f" 2>/dev/null)" || continue
    set -- $rest
    if [[ "${2:-}" == "$parent" ]]; then
      f="${f#/proc/}"
      echo "${f%/stat}"
    fi
  done
}

# Stops PID $1 (SIGTERM, then SIGKILL after $2 seconds, default 15), with its direct children (nginx
# workers) if they outlive it. Only these PIDs are signalled.
peers_stop_pid() {
  local pid="$1" grace="${2:-15}" kids
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kids="$(peers_children "$pid" | tr '\n' ' ')"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 $((grace * 10))); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "peers: pid $pid still runs after ${grace} s: SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  local k
  for k in $kids; do
    if kill -0 "$k" 2>/dev/null; then
      kill -KILL "$k" 2>/dev/null || true
    fi
  done
  wait "$pid" 2>/dev/null || true
  return 0
}
