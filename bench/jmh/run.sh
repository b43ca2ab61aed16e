#!/usr/bin/env bash
# Herald's JMH microbenchmarks: builds target/benchmarks.jar when its sources (or the Herald jars it
# benchmarks, in ~/.m2) changed, then runs JMH with the arguments given.
#
#   bench/jmh/run.sh                                   every benchmark, with the defaults in the classes
#   bench/jmh/run.sh FanoutBench -prof gc              one class, with allocation per op (gc.alloc.rate.norm)
#   bench/jmh/run.sh 'SseFramesBench' -p payload=small -f 1 -wi 2 -i 3 -w 1s -r 1s    a short run
#   bench/jmh/run.sh -l                                list the benchmarks;  -h  every JMH option
#
# Benchmarks: SseFramesBench, MultiChannelIdBench, FanoutBench (dev.herald.sse), CursorBench
# (dev.herald.bench.jmh), JsonTextBench (dev.herald.replay), RawJsonBench (dev.herald.gateway).
# To benchmark the newest Herald code, install the modules first:
#   mvn -B -q -o -pl replay-verticle,sse-verticle,gateway -am install -DskipTests
# Environment: JMH_JAVA (the java to run JMH with, default java); forks inherit nothing else.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$here/target/benchmarks.jar"
m2="${HOME}/.m2/repository/dev/herald"

stale() {
  [[ ! -f "$jar" ]] && return 0
  [[ -n "$(find "$here/src/main" "$here/pom.xml" -newer "$jar" -print -quit)" ]] && return 0
  local dirs=()
  for m in replay-verticle sse-verticle gateway; do [[ -d "$m2/$m" ]] && dirs+=("$m2/$m"); done
  [[ ${#dirs[@]} -gt 0 && -n "$(find "${dirs[@]}" -name '*-SNAPSHOT.jar' -newer "$jar" -print -quit)" ]] && return 0
  return 1
}

if stale; then
  echo "jmh: building $jar" >&2
  mvn -B -q -o -f "$here/pom.xml" package -DskipTests >&2
fi

exec "${JMH_JAVA:-java}" -jar "$jar" "$@"
