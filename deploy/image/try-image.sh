#!/usr/bin/env bash
# Runs Herald's image without a container engine, as a container runtime would, to prove it works:
# unpacks the image's layers (target/herald-image.tar by default) into a root file system, then in a
# private mount namespace mounts that root READ-ONLY with a tmpfs on /tmp (as the Kubernetes
# manifests' readOnlyRootFilesystem and emptyDir /tmp do), mounts /proc, binds the host's
# /etc/hosts and /etc/resolv.conf (as a runtime does), and runs the image's entrypoint under chroot
# as the image's user (10001), with the image's environment.
#
#   1. `java -version` in the image
#   2. the entrypoint (`java -jar /app/herald.jar`) with --http.port=PORT (a free port by default)
#      and any extra arguments; waits for GET /health/live and /health/ready to answer, prints them,
#      then sends SIGTERM to that process (by its PID) and reports how it exited.
#
# With --run it does what a container runtime does for a pod, no more: it runs the entrypoint in the
# image (read-only root, tmpfs /tmp, the image's environment plus the pod's) with the program's own PID
# (every step execs the next) and no probes; gateway's PodSimulationIT starts a pod that way inside a
# network namespace (`ip netns exec NS deploy/image/try-image.sh --run ...`, whose /etc/hosts is the
# namespace's).
#
# Usage (as root: chroot, mount and unshare need it):
#   deploy/image/try-image.sh [--image FILE] [--port N] [-e KEY=VALUE]... [-- HERALD_ARGS...]
#   deploy/image/try-image.sh --run [--image FILE] [--rootfs DIR] [--user UID:GID] [--tmp-size SIZE]
#                             [--env-file FILE] [-e KEY=VALUE]... [-- HERALD_ARGS...]
#   --rootfs DIR     unpack the image there once and reuse it (default: a temporary directory)
#   --user UID:GID   run as this user instead of the image's (a pod's runAsUser:runAsGroup)
#   --tmp-size SIZE  size of the tmpfs on /tmp (a pod's emptyDir sizeLimit; default 64m)
#   --env-file FILE  KEY=VALUE lines added to the environment after the image's (a pod's variables)
# Example: deploy/image/try-image.sh -e JAVA_TOOL_OPTIONS='-XX:MaxRAMPercentage=60'
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
IMAGE_TAR="$ROOT/target/herald-image.tar"
PORT=""
EXTRA_ENV=()
RUN=""
ROOTFS=""
RUN_AS=""
TMP_SIZE="64m"
while [ $# -gt 0 ]; do
  case "$1" in
    --image) IMAGE_TAR="$2"; shift 2 ;;
    --port) PORT="$2"; shift 2 ;;
    -e) EXTRA_ENV+=("$2"); shift 2 ;;
    --run) RUN=1; shift ;;
    --rootfs) ROOTFS="$2"; shift 2 ;;
    --user) RUN_AS="$2"; shift 2 ;;
    --tmp-size) TMP_SIZE="$2"; shift 2 ;;
    --env-file) while IFS= read -r line || [ -n "$line" ]; do [ -n "$line" ] && EXTRA_ENV+=("$line"); done < "$2"
                shift 2 ;;
    --) shift; break ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "try-image: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if [ "$(id -u)" -ne 0 ]; then
  echo "try-image: needs root (chroot, unshare, mount)" >&2
  exit 1
fi
for tool in python3 curl unshare chroot; do
  command -v "$tool" >/dev/null 2>&1 || { echo "try-image: $tool is needed" >&2; exit 1; }
done
[ -f "$IMAGE_TAR" ] || { echo "try-image: no image at $IMAGE_TAR (run deploy/image/build-image.sh)" >&2; exit 1; }

WORK="$(mktemp -d /tmp/herald-try-image.XXXXXX)"
PID=""
cleanup() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill -KILL "$PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
[ -n "$ROOTFS" ] || ROOTFS="$WORK/rootfs"

mkdir -p "$WORK/image"
tar -xf "$IMAGE_TAR" -C "$WORK/image"
# manifest.json names the config and the layers, in order.
python3 - "$WORK/image" > "$WORK/spec" <<'EOF'
import json, sys, os
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json")))[0]
c = json.load(open(os.path.join(d, m["Config"])))["config"]
print("USER=" + (c.get("User") or "0:0"))
print("WORKDIR=" + (c.get("WorkingDir") or "/"))
for e in c.get("Env", []):
    print("ENV=" + e)
for a in c.get("Entrypoint") or []:
    print("ENTRY=" + a)
for a in c.get("Cmd") or []:
    print("CMD=" + a)
for layer in m["Layers"]:
    print("LAYER=" + os.path.join(d, layer))
EOF
USER_SPEC="$(sed -n 's/^USER=//p' "$WORK/spec")"
WORKDIR="$(sed -n 's/^WORKDIR=//p' "$WORK/spec")"
mapfile -t IMAGE_ENV < <(sed -n 's/^ENV=//p' "$WORK/spec")
mapfile -t ENTRY < <(sed -n 's/^ENTRY=//p' "$WORK/spec")
mapfile -t CMD < <(sed -n 's/^CMD=//p' "$WORK/spec")
if [ ! -e "$ROOTFS/.unpacked" ]; then
  mkdir -p "$ROOTFS"
  while IFS= read -r layer; do
    tar -xf "$layer" -C "$ROOTFS" 2>/dev/null
  done < <(sed -n 's/^LAYER=//p' "$WORK/spec")
  mkdir -p "$ROOTFS/proc" "$ROOTFS/tmp" "$ROOTFS/etc"
  touch "$ROOTFS/etc/hosts" "$ROOTFS/etc/resolv.conf" "$ROOTFS/.unpacked"
fi
[ -n "$RUN_AS" ] && USER_SPEC="$RUN_AS"
case "$USER_SPEC" in *:*) ;; *) USER_SPEC="$USER_SPEC:$USER_SPEC" ;; esac
[ -n "$RUN" ] || echo "try-image: $(basename "$IMAGE_TAR"): user $USER_SPEC, workdir $WORKDIR, entrypoint ${ENTRY[*]} ${CMD[*]}"

# chroot does not search PATH inside the image: find the entrypoint's program on the image's PATH.
PROGRAM=""
image_path="$(printf '%s\n' "${IMAGE_ENV[@]}" | sed -n 's/^PATH=//p')"
case "${ENTRY[0]}" in
  /*) PROGRAM="${ENTRY[0]}" ;;
  *) IFS=: read -ra dirs <<< "${image_path:-/usr/bin:/bin}"
     for dir in "${dirs[@]}"; do
       if [ -x "$ROOTFS$dir/${ENTRY[0]}" ]; then PROGRAM="$dir/${ENTRY[0]}"; break; fi
     done ;;
esac
[ -n "$PROGRAM" ] || { echo "try-image: ${ENTRY[0]} is not on the image's PATH ($image_path)" >&2; exit 1; }

# "${IN_IMAGE[@]}" ARGS... runs the program inside the image (read-only root, tmpfs /tmp). Started as
# a plain command (not a function), its PID is the program's: unshare, sh, env and chroot each exec
# the next.
IN_IMAGE=(unshare --mount --propagation private sh -c '
    r="$1"; size="$2"; shift 2
    mount --bind "$r" "$r" && mount -o remount,bind,ro "$r" &&
    mount -t tmpfs -o mode=1777,size="$size" tmpfs "$r/tmp" &&
    mount -t proc proc "$r/proc" &&
    mount --bind /etc/hosts "$r/etc/hosts" && mount --bind /etc/resolv.conf "$r/etc/resolv.conf" &&
    exec "$@"' sh "$ROOTFS" "$TMP_SIZE"
  env -i "${IMAGE_ENV[@]}" "${EXTRA_ENV[@]}"
  chroot --userspec="$USER_SPEC" "$ROOTFS" "$PROGRAM")

if [ -n "$RUN" ]; then
  # What is left in the work directory is the unpacked tarball: gone before the program starts.
  rm -rf "$WORK"
  trap - EXIT
  exec "${IN_IMAGE[@]}" "${ENTRY[@]:1}" "${CMD[@]}" "$@"
fi

echo "try-image: $PROGRAM -version in the image"
"${IN_IMAGE[@]}" -version

if [ -z "$PORT" ]; then
  PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
fi
echo "try-image: starting ${ENTRY[*]} ${CMD[*]} --http.port=$PORT $* (read-only root, tmpfs /tmp)"
"${IN_IMAGE[@]}" "${ENTRY[@]:1}" "${CMD[@]}" "--http.port=$PORT" "$@" > "$WORK/out.log" 2>&1 &
PID=$!
started=$(date +%s)
live=""
while [ $(( $(date +%s) - started )) -lt 90 ]; do
  if ! kill -0 "$PID" 2>/dev/null; then
    echo "try-image: the program exited early:" >&2
    cat "$WORK/out.log" >&2
    exit 1
  fi
  if live="$(curl -fsS -m 2 "http://127.0.0.1:$PORT/health/live" 2>/dev/null)"; then
    break
  fi
  live=""
  sleep 0.5
done
if [ -z "$live" ]; then
  echo "try-image: /health/live did not answer within 90 s; output:" >&2
  cat "$WORK/out.log" >&2
  exit 1
fi
ready_code="$(curl -s -o "$WORK/ready" -w '%{http_code}' -m 5 "http://127.0.0.1:$PORT/health/ready" || true)"
echo "try-image: pid $PID up in $(( $(date +%s) - started )) s; GET /health/live -> $live"
echo "try-image: GET /health/ready -> $ready_code $(cat "$WORK/ready" 2>/dev/null)"
echo "try-image: process runs as uid/gid $(awk '/^Uid:/{print $2}' "/proc/$PID/status")/$(awk '/^Gid:/{print $2}' "/proc/$PID/status")"
kill -TERM "$PID"
rc=0
wait "$PID" || rc=$?
PID=""
echo "try-image: after SIGTERM the program exited with $rc; its output:"
sed 's/^/  | /' "$WORK/out.log"
# 143 is 128+SIGTERM: the JVM ran its shutdown hooks and exited on the signal.
if [ "$rc" -ne 0 ] && [ "$rc" -ne 143 ]; then
  exit 1
fi
echo "try-image: OK"
