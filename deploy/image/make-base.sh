#!/usr/bin/env bash
# Makes Herald's base image without a Docker engine and writes it as a docker-save tarball that
# Jib reads with `tar://` (build-image.sh calls it):
#
#   rootfs/            Debian's libc6, libgcc-s1, libstdc++6, zlib1g and their Depends, unpacked
#                      with `dpkg-deb -x` (no maintainer scripts run; none are needed for libraries)
#   rootfs/opt/java    a `jlink` runtime of the JDK 17 with the modules Herald and Hazelcast use
#   rootfs/etc         passwd/group with the user herald (10001), nsswitch.conf; /tmp is 1777
#
# The tarball holds one layer and is rebuilt only when its inputs (package versions, JDK version,
# modules, this script) change.
#
# Usage: make-base.sh WORK_DIR OUT_TAR NAME:TAG
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: make-base.sh WORK_DIR OUT_TAR NAME:TAG" >&2
  exit 2
fi
WORK="$1"
OUT="$2"
TAG="$3"

JDK="${JDK17_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
MODULES="java.se,jdk.management,jdk.unsupported,jdk.crypto.ec,jdk.naming.dns,jdk.zipfs,jdk.net"
PACKAGES="libc6 libgcc-s1 libstdc++6 zlib1g"
# Shared libraries of java.desktop (AWT, fonts, sound, images): Herald never loads them, so the
# base does not carry X11, freetype or ALSA for them.
DESKTOP_LIBS="libawt.so libawt_xawt.so libawt_headless.so libfontmanager.so libjawt.so libjavajpeg.so \
liblcms.so libmlib_image.so libsplashscreen.so libjsound.so"

for tool in apt-get apt-cache dpkg-deb dpkg tar sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || { echo "make-base: $tool is needed (Debian or Ubuntu)" >&2; exit 1; }
done
if [ ! -x "$JDK/bin/jlink" ] || [ ! -f "$JDK/jmods/java.base.jmod" ]; then
  echo "make-base: no JDK with jmods at $JDK (install openjdk-17-jdk or set JDK17_HOME)" >&2
  exit 1
fi
if [ "$("$JDK/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')" != "17" ]; then
  echo "make-base: $JDK is not a JDK 17 (set JDK17_HOME)" >&2
  exit 1
fi

if ! apt-cache show libc6 >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq
  else
    echo "make-base: apt has no package lists; run 'sudo apt-get update' first" >&2
    exit 1
  fi
fi

# The packages and everything they depend on (Depends/PreDepends only).
mapfile -t closure < <(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
  --no-breaks --no-replaces --no-enhances $PACKAGES | grep -v '^ ' | grep -v '^<' | sort -u)
arch="$(dpkg --print-architecture)"
inputs=""
for p in "${closure[@]}"; do
  inputs+="$p=$(apt-cache policy "$p" | sed -n 's/^ *Candidate: //p') "
done
inputs+="jdk=$("$JDK/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.runtime.version = //p') "
inputs+="modules=$MODULES arch=$arch tag=$TAG script=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)"
if [ -s "$OUT" ] && [ -f "$OUT.inputs" ] && [ "$(cat "$OUT.inputs")" = "$inputs" ]; then
  echo "make-base: $OUT is up to date ($inputs)"
  exit 0
fi
echo "make-base: building $TAG from $inputs"

rm -rf "$WORK"
mkdir -p "$WORK/debs" "$WORK/rootfs" "$WORK/archive"
sandbox=()
[ "$(id -u)" -eq 0 ] && sandbox=(-o APT::Sandbox::User=root)
(cd "$WORK/debs" && apt-get download -q "${sandbox[@]}" "${closure[@]}" >/dev/null)
for deb in "$WORK"/debs/*.deb; do
  dpkg-deb -x "$deb" "$WORK/rootfs"
done
rootfs="$WORK/rootfs"
rm -rf "$rootfs/usr/share/doc" "$rootfs/usr/share/man" "$rootfs/usr/share/info" \
  "$rootfs/usr/share/lintian" "$rootfs/usr/share/locale" "$rootfs/usr/share/gcc" "$rootfs/usr/share/gdb"

"$JDK/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages \
  --compress=2 --output "$rootfs/opt/java"
# Debian's JDK links lib/security/cacerts to /etc/ssl/certs/java/cacerts; keep a real file.
if [ -L "$rootfs/opt/java/lib/security/cacerts" ] || [ ! -s "$rootfs/opt/java/lib/security/cacerts" ]; then
  rm -f "$rootfs/opt/java/lib/security/cacerts"
  cp -L "$JDK/lib/security/cacerts" "$rootfs/opt/java/lib/security/cacerts"
fi

mkdir -p "$rootfs/etc" "$rootfs/tmp" "$rootfs/app" "$rootfs/usr/bin" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev"
chmod 1777 "$rootfs/tmp"
ln -sf /opt/java/bin/java "$rootfs/usr/bin/java"
cat > "$rootfs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
herald:x:10001:10001:Herald:/tmp:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
EOF
cat > "$rootfs/etc/group" <<'EOF'
root:x:0:
herald:x:10001:
nogroup:x:65534:
EOF
cat > "$rootfs/etc/nsswitch.conf" <<'EOF'
passwd: files
group: files
hosts: files dns
EOF

# Every shared library the runtime needs (but java.desktop's) must be in the rootfs.
missing=""
command -v objdump >/dev/null 2>&1 || echo "make-base: no objdump (binutils); shared libraries not checked" >&2
command -v objdump >/dev/null 2>&1 && while IFS= read -r lib; do
  name="$(basename "$lib")"
  case " $DESKTOP_LIBS " in *" $name "*) continue ;; esac
  for needed in $(objdump -p "$lib" 2>/dev/null | awk '/NEEDED/{print $2}'); do
    if [ -z "$(find "$rootfs" -name "$needed" -print -quit)" ]; then
      missing+=" $needed (for ${lib#"$rootfs"/})"
    fi
  done
done < <(find "$rootfs/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \))
if [ -n "$missing" ]; then
  echo "make-base: the base lacks shared libraries:$missing" >&2
  exit 1
fi

# docker-save format: <diff_id>/layer.tar, <config digest>.json, manifest.json.
layer="$WORK/layer.tar"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=posix \
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime -C "$rootfs" -cf "$layer" .
diff_id="$(sha256sum "$layer" | cut -d' ' -f1)"
mkdir -p "$WORK/archive/$diff_id"
mv "$layer" "$WORK/archive/$diff_id/layer.tar"
case "$arch" in amd64|arm64|ppc64el|s390x) goarch="${arch/ppc64el/ppc64le}" ;; *) goarch="$arch" ;; esac
config="{\"architecture\":\"$goarch\",\"os\":\"linux\",\"created\":\"1970-01-01T00:00:00Z\",\
\"config\":{\"Env\":[\"PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\
\"JAVA_HOME=/opt/java\",\"LANG=C.UTF-8\"],\"WorkingDir\":\"/\"},\
\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:$diff_id\"]},\
\"history\":[{\"created\":\"1970-01-01T00:00:00Z\",\"created_by\":\"deploy/image/make-base.sh: ${closure[*]} + jlink $MODULES\"}]}"
printf '%s' "$config" > "$WORK/archive/config.json"
config_id="$(sha256sum "$WORK/archive/config.json" | cut -d' ' -f1)"
mv "$WORK/archive/config.json" "$WORK/archive/$config_id.json"
printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]' "$config_id" "$TAG" "$diff_id" \
  > "$WORK/archive/manifest.json"
rm -f "$OUT"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$WORK/archive" -cf "$OUT" \
  manifest.json "$config_id.json" "$diff_id/layer.tar"
printf '%s' "$inputs" > "$OUT.inputs"
echo "make-base: $TAG -> $OUT ($(du -h "$OUT" | cut -f1))"
