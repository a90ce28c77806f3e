#!/usr/bin/env bash
# A container image of the NDP proxy sync, built offline from what the build already has (no
# registry, no base image): a root filesystem with a jlink runtime of only the modules the sync
# needs, the sync's jars (scripting/target/sync-lib and the scripting jar), the C libraries they
# load (copied from this machine), and an exec-form entry point (no shell). Prints the tar's path
# and the `docker import` changes to use with it.
#
#   bash scripts/sync-image.sh [OUT.tar]     (default scripting/target/sync-image/sixkit-ndp-sync.tar)
#   docker import $(bash scripts/sync-image.sh --changes) OUT.tar sixkit/ndp-sync:VERSION
#
# Run it on each Docker host (the host's sysctls proxy_ndp=1, forwarding=1, accept_ra=2 and
# net.ipv6.neigh.UPLINK.proxy_delay=0 on the uplink set beforehand, e.g. by `sixkit ndp sync
# --persist-to / --once`: /proc/sys is read-only in a container and the sync only writes a sysctl
# that differs; without proxy_delay 0 it warns and first pings may wait up to 0.8 s):
#   docker run -d --name sixkit-ndp-sync --restart unless-stopped --network host --cap-add NET_ADMIN \
#     -v /run/docker.sock:/run/docker.sock sixkit/ndp-sync:VERSION --uplink eth0 --prefix PREFIX
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
T="$ROOT/scripting/target"
VERSION=$(sed -n 's#^  <version>\(.*\)</version>#\1#p' "$ROOT/pom.xml" | head -1)
# The sync's JVM options: SyncJvm.OPTIONS (the launcher's ndp sync line, kept in step by SyncJvmTest).
OPTS=$(sed -n 's/^ *JVM_OPTS=(\(.*-Xmx.*\))$/\1/p' "$ROOT/sixkit")
[ -n "$OPTS" ] || { echo "sync-image.sh: no ndp sync JVM options in $ROOT/sixkit" >&2; exit 1; }
# The modules the sync loads (jdeps on sync-lib: java.base, java.logging; jnr-ffi needs jdk.unsupported).
MODULES=java.base,java.logging,jdk.unsupported

# A JDK with jmods to link from: JAVA_HOME's if it has them, else one under /usr/lib/jvm.
jlink_jdk() {
  local d
  for d in "${JAVA_HOME:-}" /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/*; do
    [ -n "$d" ] && [ -d "$d/jmods" ] && [ -x "$d/bin/jlink" ] && { echo "$d"; return 0; }
  done
  return 1
}
JDK=$(jlink_jdk) || { echo "sync-image.sh: no JDK with jmods (apt-get install openjdk-17-jdk-headless)" >&2; exit 1; }
FEATURE=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$JDK/release")

changes() {
  local entry='"/opt/sixkit/bin/java"' o
  for o in $OPTS; do entry+=", \"$o\""; done
  [ "$FEATURE" -ge 22 ] && entry+=', "--enable-native-access=ALL-UNNAMED"'
  entry+=', "-Djava.io.tmpdir=/tmp", "-cp", "/opt/sixkit/lib/*", "dev.sixkit.cli.Main", "ndp", "sync"'
  printf '%s\n' "--change" "ENTRYPOINT [$entry]" "--change" "ENV DOCKER_HOST=unix:///run/docker.sock" \
    "--change" "ENV MALLOC_ARENA_MAX=1" "--change" "LABEL org.opencontainers.image.version=$VERSION"
}
if [ "${1:-}" = --changes ]; then
  changes
  exit 0
fi

OUT=$(realpath -m "${1:-$T/sync-image/sixkit-ndp-sync.tar}")
JAR="$T/scripting-$VERSION.jar"
[ -f "$JAR" ] && [ -d "$T/sync-lib" ] || { echo "sync-image.sh: no $JAR and sync-lib/: build first (mvn package)" >&2; exit 1; }
WORK=$(mktemp -d /tmp/sixkit-image.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
FS="$WORK/rootfs"
mkdir -p "$FS/opt" "$FS/tmp" "$FS/run" "$FS/etc" "$FS/proc" "$FS/sys" "$FS/dev"
chmod 1777 "$FS/tmp"

"$JDK/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages \
  "$([ "$FEATURE" -ge 21 ] && echo --compress=zip-6 || echo --compress=2)" --output "$FS/opt/sixkit"
mkdir -p "$FS/opt/sixkit/lib"
cp "$JAR" "$T"/sync-lib/*.jar "$FS/opt/sixkit/lib/"

# The C libraries: what the runtime's binaries link to, and libc & co. for jnr-ffi and jffi (which
# dlopen them by name), at the same paths as here.
libs() {
  find "$FS/opt/sixkit" -type f \( -name '*.so' -o -path '*/bin/*' \) -print0 | xargs -0 ldd 2>/dev/null \
    | awk '/=>/ { print $3 } /^\s*\/.*ld-linux/ { print $1 }' | grep '^/'
  for l in libc.so.6 libdl.so.2 libpthread.so.0 libm.so.6 librt.so.1; do
    ldconfig -p | awk -v l="$l" '$1 == l && /x86-64|x86_64/ { print $NF; exit }'
  done
}
for l in $(libs | grep -v "^$FS/" | sort -u); do
  mkdir -p "$FS$(dirname "$l")"
  cp -L "$l" "$FS$l"
done
ld=$(ldd "$FS/opt/sixkit/bin/java" | awk '/ld-linux/ { print $1 }')
mkdir -p "$FS$(dirname "$ld")"
cp -L "$ld" "$FS$ld"
ln -s ../run "$FS/var" 2>/dev/null || { mkdir -p "$FS/var"; ln -s ../run "$FS/var/run"; }
echo 'root:x:0:0:root:/:/nonexistent' >"$FS/etc/passwd"

mkdir -p "$(dirname "$OUT")"
tar -C "$FS" --owner=0 --group=0 --numeric-owner -cf "$OUT" .
echo "$OUT"
