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
for p in iproute2 python3-pyroute2 docker.io busybox-static openssh-server procps util-linux tmux bsdutils ansible-core; do
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

# ---- build and test ----
say "mvn -B install (all modules, all tests)"
started=$(date +%s)
set +e
mvn -B -ntp install "$@" </dev/null
rc=$?
set -e

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
