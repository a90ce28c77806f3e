#!/usr/bin/env bash
# The release build, installed as a user would (issue 14, item 1): builds the .deb (scripts/package.sh
# on the jars the test run just built), installs it with dpkg on this machine, then from another
# directory: sixkit --version, the man page and completion are where they belong, sixkit demo on a
# lab kept up, sixkit ndp sync --once on that lab's host (the proxy entry of its container read
# back with ip -json), two sixkit runs on one run daemon, and finally removes lab and package. Needs root.
#
#   bash scripts/package-test.sh
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
say() { printf '== package-test: %s\n' "$*"; }
fail() { echo "package-test: FAILED: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "needs root (dpkg -i, the lab)"

[ "${1:-}" = --no-package ] || bash "$ROOT/scripts/package.sh" --no-build
deb=$(ls "$ROOT"/target/package/sixkit_*_all.deb)
lab="sxp$(printf %05d $((RANDOM % 100000)))"
elsewhere=$(mktemp -d /tmp/sixkit-pkg.XXXXXX)
if dpkg-query -W -f='${Status}' sixkit 2>/dev/null | grep -q 'install ok installed'; then
  fail "a sixkit package is already installed here; remove it first (dpkg -r sixkit)"
fi

cleanup() {
  SIXKIT_DAEMON_DIR="$elsewhere/daemons" /usr/bin/sixkit daemon stop >/dev/null 2>&1 || true
  /usr/bin/sixkit lab down --name "$lab" >/dev/null 2>&1 || true
  dpkg -P sixkit >/dev/null 2>&1 || true
  rm -rf "$elsewhere"
}
trap cleanup EXIT

say "dpkg -i $(basename "$deb")"
dpkg -i "$deb" >/dev/null
cd "$elsewhere"
[ "$(readlink -f /usr/bin/sixkit)" = /usr/share/sixkit/sixkit ] || fail "/usr/bin/sixkit does not lead to /usr/share/sixkit/sixkit"
[ -f /usr/share/man/man1/sixkit-ndp-sync.1.gz ] || fail "no man page sixkit-ndp-sync(1)"
man -l /usr/share/man/man1/sixkit.1.gz 2>/dev/null | grep -q 'sixkit' || fail "man sixkit does not render"
grep -q '^complete -F' /usr/share/bash-completion/completions/sixkit || fail "no bash completion"
grep -q 'ExecStart=/usr/bin/sixkit ndp sync' /lib/systemd/system/sixkit-ndp-sync.service || fail "the unit does not run the installed sixkit"

v=$(sixkit --version)
say "sixkit --version: $(echo "$v" | head -1)"
grep -q '^sixkit ' <<<"$v" || fail "sixkit --version printed: $v"
# Installed means never built: no Maven run, no source tree needed.
[ ! -e /usr/share/sixkit/.sixkit-build-stamp ] || fail "the installed launcher wrote a build stamp"

say "sixkit demo --name $lab --keep (from $elsewhere)"
sixkit demo --name "$lab" --keep >"$elsewhere/demo.out" 2>&1 || { cat "$elsewhere/demo.out" >&2; fail "sixkit demo"; }
tail -3 "$elsewhere/demo.out"

# The sync on docker1: the demo's web1 container keeps its proxy entry; remove it by hand first so the
# sync has something to do, then read it back from the kernel.
ns="$lab-docker1"
addr=$(ip netns exec "$ns" ip -json -6 neigh show proxy | python3 -c 'import json,sys; e=json.load(sys.stdin); print(e[0]["dst"] if e else "")')
[ -n "$addr" ] || fail "no proxy entry on $ns after the demo"
dev=$(ip netns exec "$ns" ip -json -6 neigh show proxy | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["dev"])')
ip netns exec "$ns" ip -6 neigh del proxy "$addr" dev "$dev"
say "sixkit ndp sync --lab $lab --host docker1 --once (after deleting the proxy entry of $addr)"
sixkit ndp sync --lab "$lab" --host docker1 --once >"$elsewhere/sync.out" 2>&1 || { cat "$elsewhere/sync.out" >&2; fail "sixkit ndp sync --once"; }
ip netns exec "$ns" ip -json -6 neigh show proxy | python3 -c '
import json, sys
want = sys.argv[1]
have = [e["dst"] for e in json.load(sys.stdin)]
sys.exit(0 if want in have else "the sync did not restore the proxy entry of %s (have %s)" % (want, have))' "$addr"
say "the proxy entry of $addr is back"

# sixkit run through a run daemon (the installed launcher starts RunClient, which starts the daemon
# from the installed jars), in a folder of its own so no other daemon is touched; then stopped.
export SIXKIT_DAEMON_DIR="$elsewhere/daemons"
printf 'println "hosts: " + lab(args[0]).hosts()*.name().join(" ")\n' >"$elsewhere/hosts.groovy"
for i in 1 2; do
  out=$(sixkit run "$elsewhere/hosts.groovy" "$lab" 2>&1) || { echo "$out" >&2; fail "sixkit run (run $i)"; }
  [ "$out" = "hosts: docker1 docker2" ] || fail "sixkit run printed: $out"
done
status=$(sixkit daemon status)
grep -q ', 2 runs,' <<<"$status" || fail "the two runs did not share one daemon: $status"
sixkit daemon stop >/dev/null
! pgrep -f "daemon serve --socket $SIXKIT_DAEMON_DIR" >/dev/null || fail "daemon stop left a daemon process"
say "sixkit run: two runs on one run daemon from the installed jars, stopped"
unset SIXKIT_DAEMON_DIR

sixkit lab down --name "$lab" >/dev/null
dpkg -P sixkit >/dev/null   # purge: the conffile in /etc/default too
[ ! -e /usr/bin/sixkit ] && [ ! -d /usr/share/sixkit ] && [ ! -e /etc/default/sixkit-ndp-sync ] || fail "dpkg -P left files behind"
say "ok ($(du -h "$deb" | cut -f1) package)"
