#!/usr/bin/env bash
# Herald's load tool: builds it when its sources changed, then runs one bounded benchmark.
#
#   bench/run.sh MODE [--key value ...]                  against running servers (--target, --server-pid)
#   bench/run.sh --with-herald MODE [--key value ...]    also starts Herald (in memory) on a free loopback
#                                                        port for this run, measures it, and stops it
#   bench/run.sh --help                                  every option and its default
#
# MODE: fanout | idle | replay-storm | heartbeat | publish. The table goes to stderr, one JSON line
# to stdout. Environment: BENCH_JAVA_OPTS (the tool's JVM), HERALD_JAR (default
# gateway/target/herald.jar), HERALD_JAVA_OPTS and HERALD_ARGS (the server started by --with-herald).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
jar="$here/target/herald-bench.jar"

if [[ ! -f "$jar" ]] || [[ -n "$(find "$here/src/main" "$here/pom.xml" -newer "$jar" -print -quit)" ]]; then
  echo "bench: building the load tool" >&2
  mvn -B -q -o -f "$here/pom.xml" package -DskipTests >&2
fi

# A process here may hold at most the hard limit of open files (20,000): take all of it. The tool
# checks again and says how to split a load that does not fit into one process.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

java_opts=(${BENCH_JAVA_OPTS:--XX:+UseSerialGC -Xms256m -Xmx1g})
java_opts+=(--add-opens java.base/sun.nio.ch=ALL-UNNAMED -Dio.netty.allocator.type=pooled -Dio.netty.leakDetection.level=disabled -Dorg.slf4j.simpleLogger.defaultLogLevel=warn)

if [[ "${1:-}" != "--with-herald" ]]; then
  exec java "${java_opts[@]}" -jar "$jar" "$@"
fi
shift

herald_jar="${HERALD_JAR:-$root/gateway/target/herald.jar}"
if [[ ! -f "$herald_jar" ]]; then
  echo "bench: building Herald ($herald_jar is missing)" >&2
  (cd "$root" && mvn -B -q -o -DskipTests package >&2)
fi
log="$(mktemp -t herald-bench.XXXXXX.log)"
# Every load client comes from 127.0.0.1: the per-address bounds (auth.max*PerClient) would cap the load.
# shellcheck disable=SC2086
java ${HERALD_JAVA_OPTS:-} -jar "$herald_jar" --http.port=0 --http.host=127.0.0.1 --auth.maxStreamsPerClient=0 \
  --auth.maxSessionsPerClient=0 ${HERALD_ARGS:-} >"$log" 2>&1 &
herald_pid=$!
stop_herald() {
  if kill -0 "$herald_pid" 2>/dev/null; then
    kill "$herald_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$herald_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$herald_pid" 2>/dev/null || true
  fi
  wait "$herald_pid" 2>/dev/null || true
}
trap stop_herald EXIT

port=""
for _ in $(seq 1 600); do
  port="$(sed -n 's#.*Herald ready at http://[^:]*:\([0-9]*\)/.*#\1#p' "$log" | head -n1)"
  [[ -n "$port" ]] && break
  if ! kill -0 "$herald_pid" 2>/dev/null; then
    echo "bench: Herald did not start:" >&2
    cat "$log" >&2
    exit 2
  fi
  sleep 0.1
done
if [[ -z "$port" ]]; then
  echo "bench: Herald was not ready within 60 s (log: $log)" >&2
  exit 2
fi
echo "bench: Herald pid $herald_pid on 127.0.0.1:$port (log: $log)" >&2
status=0
java "${java_opts[@]}" -jar "$jar" "$@" --target "http://127.0.0.1:$port" --server-pid "$herald_pid" || status=$?
exit "$status"
