#!/usr/bin/env bash
# Where a publish's CPU goes: starts the Herald jar (embedded default, memory store, 127.0.0.1, free port)
# with a JFR recording, drives it with `bench/run.sh publish` at a steady rate (no subscribers), and
# prints the run's figures and the hottest frames of the event loops (self and inclusive samples).
#
#   bench/profile-publish.sh [--jar PATH] [--rate N] [--warmup S] [--duration S] [--out DIR] [-- HERALD_OPTION...]
#
# Options after -- go to the node (e.g. -- --store.type=redis --store.redis.port=6379 for the Redis store).
#
# Output in DIR (target/profile-publish/<UTC time>): publish.json (the load tool's line), herald.jfr,
# threads.txt (CPU per thread group from /proc over the middle of the measured phase) and profile.md
# (the summary). JFR samples Java frames only: time in system calls shows in the tool's
# server_sys_ms, not here. Needs python3 for the summary.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
jar="$root/gateway/target/herald.jar"
rate=6000
warmup=25
duration=20
out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --jar) jar="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --) shift; break ;;
    -h|--help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "profile-publish: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -f "$jar" ]] || { echo "profile-publish: $jar is missing (mvn -B -q -o -DskipTests package)" >&2; exit 2; }
out="${out:-$root/target/profile-publish/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$out"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
# JDK 17's "profile" settings, with Java frames sampled every millisecond instead of every 10
java_home="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
sed 's#control="method-sampling-java-interval">10 ms<#control="method-sampling-java-interval">1 ms<#' \
  "$java_home/lib/jfr/profile.jfc" >"$out/profile-1ms.jfc"
java -XX:StartFlightRecording="delay=${warmup}s,duration=${duration}s,filename=$out/herald.jfr,settings=$out/profile-1ms.jfc" \
  -jar "$jar" --http.host=127.0.0.1 --http.port="$port" "$@" >"$out/herald.log" 2>&1 </dev/null &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
  sleep 0.5
done
# CPU per thread group (event loops, JIT compiler, GC, ...) over the middle of the measured phase, from /proc
python3 - "$pid" "$((warmup + 2))" "$((duration > 6 ? duration - 4 : 2))" >"$out/threads.txt" <<'PY' &
import collections, os, re, sys, time
pid, wait, span = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def snap():
    d = collections.Counter()
    for t in os.listdir(f"/proc/{pid}/task"):
        try:
            comm = open(f"/proc/{pid}/task/{t}/comm").read().strip()
            st = open(f"/proc/{pid}/task/{t}/stat").read()
        except OSError:
            continue
        f = st[st.rindex(")") + 2:].split()
        d[re.sub(r"\d+", "N", comm)] += int(f[11]) + int(f[12])
    return d
time.sleep(wait)
a = snap()
time.sleep(span)
b = snap()
hz = os.sysconf("SC_CLK_TCK")
for k, v in sorted(((k, b[k] - a.get(k, 0)) for k in b), key=lambda x: -x[1]):
    if v > 0:
        print(f"{k}\t{1000 * v / hz / span:.0f} ms of CPU per second")
PY
sampler=$!
"$here/run.sh" publish --target "http://127.0.0.1:$port" --server-pid "$pid" --channels 64 --pub-conns 16 \
  --pipeline 1 --rate "$rate" --warmup "$warmup" --duration "$duration" 2>"$out/publish.table" | tail -n1 >"$out/publish.json"
wait "$sampler" || true
for _ in $(seq 1 30); do [[ -s "$out/herald.jfr" ]] && break; sleep 1; done
kill "$pid"; wait "$pid" 2>/dev/null || true
trap - EXIT
jfr print --events jdk.ExecutionSample "$out/herald.jfr" >"$out/samples.txt"
python3 - "$out" <<'PY'
import collections, json, re, sys
out = sys.argv[1]
run = json.load(open(f"{out}/publish.json"))
samples = open(f"{out}/samples.txt").read().split("jdk.ExecutionSample")[1:]
self_, incl, n = collections.Counter(), collections.Counter(), 0
for e in samples:
    frames = [f.split("(")[0] for f in re.findall(r"^\s+([\w.$<>]+\([^)]*\))\s+line:", e, re.M)]
    if not frames or "eventloop" not in e:
        continue
    n += 1
    self_[frames[0]] += 1
    for f in set(frames):
        incl[f] += 1
with open(f"{out}/profile.md", "w") as md:
    md.write(f"publishes/s {run['publish_rate']}, server CPU {run['server_cpu_us_per_publish']} us per publish "
             f"(system {run['server_sys_ms']} of {run['server_cpu_ms']} ms), {n} event-loop samples\n\n")
    md.write("| self | frame |\n|---|---|\n")
    for f, c in self_.most_common(20):
        md.write(f"| {100 * c / n:.1f} % | `{f}` |\n")
    md.write("\n| inclusive | frame (Herald and Vert.x web) |\n|---|---|\n")
    for f, c in incl.most_common(400):
        if f.startswith("dev.herald") or ".ext.web." in f:
            md.write(f"| {100 * c / n:.1f} % | `{f}` |\n")
with open(f"{out}/profile.md", "a") as md:
    md.write("\n| thread group | CPU over the middle of the measured phase |\n|---|---|\n")
    for line in open(f"{out}/threads.txt"):
        name, cpu = line.rstrip("\n").split("\t")
        md.write(f"| `{name}` | {cpu} |\n")
print(open(f"{out}/profile.md").read())
PY
