#!/usr/bin/env bash
# Records the classes a fleet run over SSH loads outside the launcher's class-data archive, for
# the archive's training run (scripting/src/main/resources/dev/sixkit/cli/cds-classes.txt; see
# CdsTraining). Run it after changing what the SSH path, the plan engine or the JSON readers load:
#
#   ./sixkit lab up --name cds --hosts 2 --ssh
#   bash scripts/cds-classes.sh cds
#   ./sixkit lab down --name cds
#
# It runs samples/groovy/fleet.groovy on the lab (--plan; plan, apply, verify; undo: the lab is
# left as it was), merges the names of the classes loaded from jars and the JDK (not hidden ones,
# lambdas, proxies or the script's own) into the list, and sorts it.
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
LAB=${1:?usage: cds-classes.sh LAB (an SSH lab that is up)}
LIST="$ROOT/scripting/src/main/resources/dev/sixkit/cli/cds-classes.txt"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

n=0
for run in "$LAB --plan" "$LAB" "$LAB undo"; do
  n=$((n + 1))
  # shellcheck disable=SC2086
  SIXKIT_JAVA_OPTS="-Xlog:class+load:file=$TMP/load$n.log" "$ROOT/sixkit" run "$ROOT/samples/groovy/fleet.groovy" \
    $run >/dev/null
done
cat "$TMP"/load*.log | grep -v 'shared objects file' | grep -E 'source: (jrt:|file:)' \
  | sed -E 's/^.* ([^ ]+) source: .*/\1/' | grep -v -e '\$\$Lambda' -e '/0x' >"$TMP/new"
{ [ -f "$LIST" ] && cat "$LIST"; cat "$TMP/new"; } | sort -u >"$TMP/list"
mv "$TMP/list" "$LIST"
echo "$(wc -l <"$LIST") class names in $LIST"
