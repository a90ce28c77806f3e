#!/usr/bin/env bash
# Embedding check (issue 14, item 4): a project with ONE dependency, dev.sixkit:sdk, made in a temp
# folder, must resolve to a convergent tree (the enforcer's dependencyConvergence, and no "omitted for
# conflict" in `mvn dependency:tree -Dverbose`) with no logging backend and no commons-logging bridge.
# The same for scripting used as a library and for the BOM. Prints the closure of sdk (jars, MB).
# Needs the artifacts installed (mvn install) in the local repository MAVEN_OPTS names; runs offline.
#
#   bash scripts/check-embedding.sh
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
VERSION=$(sed -n 's#^  <version>\(.*\)</version>#\1#p' "$ROOT/pom.xml" | head -1)
WORK=$(mktemp -d /tmp/sixkit-embed.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
BACKENDS='slf4j-simple|logback-classic|slf4j-reload4j|slf4j-jdk14|log4j-slf4j2?-impl|jcl-over-slf4j|slf4j-nop'
fail=0

# consumer NAME DEPENDENCIES [DEPENDENCY-MANAGEMENT]
consumer() {
  local dir="$WORK/$1"
  mkdir -p "$dir"
  cat >"$dir/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>example</groupId><artifactId>$1</artifactId><version>1</version>
  <properties><maven.compiler.release>17</maven.compiler.release></properties>
  <dependencyManagement><dependencies>${3:-}</dependencies></dependencyManagement>
  <dependencies>$2</dependencies>
  <build><plugins>
    <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-dependency-plugin</artifactId><version>3.8.1</version></plugin>
    <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-enforcer-plugin</artifactId><version>3.5.0</version>
      <configuration><rules><dependencyConvergence/></rules></configuration></plugin>
  </plugins></build>
</project>
POM
  echo "$dir"
}

# check NAME DIR: convergence, tree without conflicts or backends; leaves the runtime class path in DIR/cp
check() {
  local name=$1 dir=$2 tree
  # One Maven run: convergence (the enforcer), the verbose tree, the runtime class path.
  if ! (cd "$dir" && mvn -B -o enforcer:enforce dependency:tree -Dverbose -DoutputFile="$dir/tree.txt" \
        dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$dir/cp") >"$dir/mvn.log" 2>&1; then
    echo "check-embedding: $name: convergence or resolution fails:" >&2
    grep -E 'ERROR|WARN|<--|\+-' "$dir/mvn.log" >&2 || cat "$dir/mvn.log" >&2
    fail=1
    return
  fi
  tree=$(cat "$dir/tree.txt")
  if grep -q 'omitted for conflict' <<<"$tree"; then
    echo "check-embedding: $name: conflicts in the tree:" >&2
    grep 'omitted for conflict' <<<"$tree" >&2
    fail=1
  fi
  if grep -Eq ":($BACKENDS):" <<<"$tree"; then
    echo "check-embedding: $name: a logging backend or bridge in the tree:" >&2
    grep -E ":($BACKENDS):" <<<"$tree" >&2
    fail=1
  fi
  echo "$name: $(grep -c ':' <<<"$tree") tree entries, convergent, no logging backend"
}

dep() { echo "<dependency><groupId>dev.sixkit</groupId><artifactId>$1</artifactId>${2:+<version>$2</version>}</dependency>"; }

d=$(consumer uses-sdk "$(dep sdk "$VERSION")")
check "one dependency on dev.sixkit:sdk:$VERSION" "$d"
if [ -s "$d/cp" ]; then
  jars=$(tr ':' '\n' <"$d/cp" | grep -c '\.jar$')
  bytes=$(tr ':' '\n' <"$d/cp" | xargs du -cb | tail -1 | cut -f1)
  # the sdk jar itself is part of what a user gets
  jars=$((jars + 1))
  bytes=$((bytes + $(du -b "$ROOT"/sdk/target/sdk-"$VERSION".jar | cut -f1)))
  awk -v j="$jars" -v b="$bytes" 'BEGIN { printf "closure of sdk: %d jars, %.1f MB\n", j, b / 1e6 }'
  if tr ':' '\n' <"$d/cp" | grep -q bouncycastle; then
    echo "check-embedding: BouncyCastle is back in the sdk's closure (docker-java needs it only for TLS)" >&2
    fail=1
  fi
fi
check "scripting as a library" "$(consumer uses-scripting "$(dep scripting "$VERSION")")"
bom="<dependency><groupId>dev.sixkit</groupId><artifactId>sixkit-bom</artifactId><version>$VERSION</version><type>pom</type><scope>import</scope></dependency>"
check "sdk + sdk-netlink through the BOM" "$(consumer uses-bom "$(dep sdk)$(dep sdk-netlink)" "$bom")"

if [ "$fail" = 0 ]; then
  echo "check-embedding: ok"
else
  echo "check-embedding: FAILED" >&2
fi
exit "$fail"
