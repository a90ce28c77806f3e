#!/usr/bin/env bash
# All of Sixkit's tests, as root, on a Debian machine of this kind: installs what they need
# (apt) when it is missing, removes namespaces left by crashed earlier runs, then builds and tests
# every module with Maven (integration tests against the real kernel, Jazzer fuzz targets in
# regression mode on their seed corpora).
#
#   bash scripts/test-all.sh [extra mvn arguments]
#
#   SIXKIT_STALE_MINUTES  leftover sxt-* namespaces older than this are deleted (default 30;
#                         when CI=true, every sxt-* namespace, whatever its age)
#   SIXKIT_JDKS           the JDKs the whole suite runs on, one pass each (default "17 25": OpenJDK 17 and Temurin 25; the
#                         compile stays --release 17; the first pass installs, then the javadoc check
#                         runs on each of these JDKs (and on 25 when it is installed but not listed: its
#                         doclint is stricter), and the embedding check and the package test once, on
#                         the first pass's artifacts)
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$ROOT"

say() { printf '== %s\n' "$*"; }

if [ "$(id -u)" != 0 ]; then
  echo "test-all.sh: the tests create network namespaces and need root; run: sudo bash scripts/test-all.sh" >&2
  exit 1
fi

# ---- packages ----
export DEBIAN_FRONTEND=noninteractive
need=()
pkg_missing() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" != "install ok installed" ]; }
# iptables: Docker 28 (the lab's default engine) writes ip6tables rules in each lab host and the
# doctor reads them; nftables: its reader also evaluates nftables (nft -j list ruleset); apt and dpkg fetch
# that engine (Debian unstable's docker.io, see Engine/EngineFetch); asciidoctor and man-db make
# and check the package's man pages; ansible-core is the fleet bench's reference.
for p in iproute2 python3-pyroute2 docker.io busybox-static openssh-server procps util-linux tmux bsdutils \
    iptables nftables apt dpkg ca-certificates asciidoctor man-db ansible-core; do
  pkg_missing "$p" && need+=("$p")
done
command -v javac >/dev/null || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || need+=(maven)
if [ "${#need[@]}" -gt 0 ]; then
  say "installing ${need[*]}"
  apt-get update -q </dev/null
  apt-get install -y -q --no-install-recommends "${need[@]}" </dev/null
else
  say "packages: all present"
fi

# ---- the Docker 28 engine of the lab: fetched on first use from the machine's own Debian mirror ----
apt_sources=$(find /etc/apt -maxdepth 2 \( -name sources.list -o -path '/etc/apt/sources.list.d/*.list' \
    -o -path '/etc/apt/sources.list.d/*.sources' \) -type f -size +0 2>/dev/null | head -1)
if [ -z "$apt_sources" ] \
    && [ -z "${SIXKIT_ENGINE_MIRROR:-}" ]; then
  echo "test-all.sh: no apt sources (/etc/apt/sources.list{,.d}): the lab fetches Docker 28 from the machine's" \
    "Debian mirror; add one or set SIXKIT_ENGINE_MIRROR" >&2
  exit 1
fi
if ls -d /var/lib/sixkit/engines/docker-28.* >/dev/null 2>&1; then
  say "engine 28: $(ls -d /var/lib/sixkit/engines/docker-28.* | tail -1)"
else
  say "engine 28: not fetched yet (the first lab test fetches it, once, under a file lock)"
fi

# ---- leftovers of earlier runs ----
# Test namespaces are named sxt-*. On a shared machine other test runs may be going on, so only
# old ones are removed; in CI (a fresh machine, one run) all of them.
stale_min=${SIXKIT_STALE_MINUTES:-30}
now=$(date +%s)
removed=0
if [ -d /run/netns ]; then
  for f in /run/netns/sxt-*; do
    [ -e "$f" ] || continue
    age=$(( (now - $(stat -c %Y "$f")) / 60 ))
    if [ "${CI:-}" = true ] || [ "$age" -ge "$stale_min" ]; then
      ip netns delete "$(basename "$f")" 2>/dev/null || true
      removed=$((removed + 1))
    fi
  done
fi
say "removed $removed leftover test namespace(s)"

# ---- the JDKs ----
# A feature release number -> that JDK's home (the Debian openjdk or Temurin under /usr/lib/jvm).
jdk_home() {
  local want=$1 d v
  for d in /usr/lib/jvm/*; do
    [ -x "$d/bin/javac" ] && [ -f "$d/release" ] && [ ! -L "$d" ] || continue
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$d/release")
    [ "$v" = "$want" ] && { echo "$d"; return 0; }
  done
  return 1
}
read -r -a jdks <<<"${SIXKIT_JDKS:-17 25}"
homes=()
for v in "${jdks[@]}"; do
  h=$(jdk_home "$v") || {
    echo "test-all.sh: SIXKIT_JDKS names $v but there is no JDK $v under /usr/lib/jvm (Temurin 25: /usr/lib/jvm/temurin-25-jdk-amd64)" >&2
    exit 1
  }
  homes+=("$h")
done
# The javadoc check runs on every JDK of the list, and on 25 too when it is installed: its doclint
# asks for more than 17's (a record's components documented in the record's own comment).
jd_jdks=("${jdks[@]}")
jd_homes=("${homes[@]}")
if [[ " ${jdks[*]} " != *" 25 "* ]] && h=$(jdk_home 25); then
  jd_jdks+=(25)
  jd_homes+=("$h")
fi

# ---- build and test ----
started=$(date +%s)
rc=0
timings=()
for i in "${!jdks[@]}"; do
  goal=verify
  [ "$i" = 0 ] && goal=install
  say "JDK ${jdks[$i]} (${homes[$i]}): mvn -B $goal (all modules, all tests)"
  t0=$(date +%s)
  set +e
  JAVA_HOME="${homes[$i]}" mvn -B -ntp "$goal" "$@" </dev/null
  r=$?
  set -e
  timings+=("JDK ${jdks[$i]}: $(( $(date +%s) - t0 )) s, mvn exit $r")
  if [ "$r" != 0 ]; then rc=$r; break; fi
  if [ "$i" = 0 ]; then
    # The library modules' javadoc with doclint on in full: a public member without docs (or a broken
    # tag) fails it (sixkit.javadoc.failOnWarnings in their poms). The stale-data files go first, else
    # the plugin skips a module whose file list did not change.
    # Right after the first pass (sources and installed artifacts are all it needs), on every JDK of
    # jd_jdks: a failure shows before the next pass's long run.
    for j in "${!jd_jdks[@]}"; do
      say "javadoc of the library modules (doclint all) on JDK ${jd_jdks[$j]}"
      t0=$(date +%s)
      rm -f "$ROOT"/{sdk-netlink,sdk,scripting,sixkit-junit}/target/maven-javadoc-plugin-stale-data.txt
      jdlog=$(mktemp /tmp/sixkit-javadoc.XXXXXX)
      if ! JAVA_HOME="${jd_homes[$j]}" mvn -B -ntp javadoc:javadoc -pl sdk-netlink,sdk,scripting,sixkit-junit \
          >"$jdlog" 2>&1 </dev/null; then
        grep -E 'warning:|error:|ERROR' "$jdlog" | head -60 >&2 || tail -40 "$jdlog" >&2
        say "javadoc on JDK ${jd_jdks[$j]}: the library API has undocumented or badly documented members (above; full log $jdlog)"
        rc=1; break
      fi
      rm -f "$jdlog"
      timings+=("javadoc on JDK ${jd_jdks[$j]}: $(( $(date +%s) - t0 )) s")
    done
    [ "$rc" = 0 ] || break
    # On the installed artifacts: a one-dependency project on the sdk (convergence, no logging
    # backend, the closure), then the .deb installed on this machine and run.
    say "embedding check (scripts/check-embedding.sh)"
    JAVA_HOME="${homes[$i]}" bash "$ROOT/scripts/check-embedding.sh" || { rc=1; break; }
    if [ -f "$ROOT/scripts/package-test.sh" ]; then
      say "package test (scripts/package-test.sh)"
      JAVA_HOME="${homes[$i]}" bash "$ROOT/scripts/package-test.sh" || { rc=1; break; }
    fi
  fi
done
for t in "${timings[@]}"; do say "$t"; done

# The tests delete their namespaces even when they fail; say so if one did not.
left=()
if [ -d /run/netns ]; then
  for f in /run/netns/sxt-*; do
    [ -e "$f" ] || continue
    [ "$(stat -c %Y "$f")" -ge "$started" ] && left+=("$(basename "$f")")
  done
fi
if [ "${#left[@]}" -gt 0 ]; then
  echo "test-all.sh: namespaces created during this run are still there: ${left[*]}" >&2
  if [ "${CI:-}" = true ]; then
    for n in "${left[@]}"; do ip netns delete "$n" 2>/dev/null || true; done
  fi
fi

if [ "$rc" = 0 ]; then
  say "all tests passed"
else
  say "FAILED (mvn exit $rc)"
fi
exit "$rc"
