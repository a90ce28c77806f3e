#!/usr/bin/env bash
# Release build of the command line: a Debian package and a tarball that run without the source tree.
#
#   bash scripts/package.sh [--no-build]     -> target/package/sixkit_VERSION_all.deb
#                                               target/package/sixkit-VERSION.tar.gz
#
# Layout (the .deb; the tarball holds the same under sixkit-VERSION/):
#   /usr/share/sixkit/        the launcher (sixkit), scripting-VERSION.jar, lib/ (the CLI's class path,
#                             with slf4j-simple), sync-lib/ (the lean class path of ndp sync)
#   /usr/bin/sixkit           -> ../share/sixkit/sixkit (the same launcher: installed, it never builds)
#   bash and zsh completion   picocli's AutoComplete (`sixkit completion`)
#   man pages                 sixkit(1), sixkit-ndp-sync(1), ...: picocli-codegen's ManPageGenerator
#                             from the command model, then asciidoctor -b manpage
#   sixkit-ndp-sync.service   the sync with hardening; its arguments in /etc/default/sixkit-ndp-sync
# Needs: a JDK 17+, Maven, dpkg-deb, asciidoctor (apt-get install asciidoctor).
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$ROOT"
if [ -n "${JAVA_HOME:-}" ]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi

VERSION=$(sed -n 's#^  <version>\(.*\)</version>#\1#p' pom.xml | head -1)
# Debian: a snapshot sorts before its release (0.1.0~snapshot < 0.1.0).
DEB_VERSION=$(echo "$VERSION" | sed 's/-SNAPSHOT$/~snapshot/')
PICOCLI_VERSION=$(sed -n 's#.*<picocli.version>\(.*\)</picocli.version>.*#\1#p' pom.xml)
OUT="$ROOT/target/package"
STAGE="$OUT/stage"
T="$ROOT/scripting/target"

for tool in dpkg-deb asciidoctor mvn; do
  command -v "$tool" >/dev/null || { echo "package.sh: $tool is needed (apt-get install ${tool/dpkg-deb/dpkg})" >&2; exit 1; }
done
if [ "${1:-}" != --no-build ]; then
  echo "package.sh: building (mvn package, tests skipped)" >&2
  mvn -B -q -ntp -DskipTests -pl scripting -am install </dev/null
fi
JAR="$T/scripting-$VERSION.jar"
[ -f "$JAR" ] && [ -d "$T/lib" ] && [ -d "$T/sync-lib" ] || { echo "package.sh: no $JAR with lib/ and sync-lib/: build first" >&2; exit 1; }

rm -rf "$OUT"
mkdir -p "$STAGE"
share="$STAGE/usr/share/sixkit"
mkdir -p "$share" "$STAGE/usr/bin"
install -m 0755 sixkit "$share/sixkit"
install -m 0644 "$JAR" "$share/"
cp -r "$T/lib" "$T/sync-lib" "$share/"
chmod 0644 "$share"/lib/*.jar "$share"/sync-lib/*.jar
# sync-lib is a subset of lib (plus nothing): links, not copies.
for j in "$share"/sync-lib/*.jar; do
  [ -f "$share/lib/$(basename "$j")" ] && ln -sf "../lib/$(basename "$j")" "$j"
done
ln -s ../share/sixkit/sixkit "$STAGE/usr/bin/sixkit"

# Completion: bash; zsh through bashcompinit (picocli's script supports both).
mkdir -p "$STAGE/usr/share/bash-completion/completions" "$STAGE/usr/share/zsh/vendor-completions"
"$JAVA" -cp "$JAR:$T/lib/*" dev.sixkit.cli.Main completion >"$STAGE/usr/share/bash-completion/completions/sixkit"
grep -q '^complete -F' "$STAGE/usr/share/bash-completion/completions/sixkit" || { echo "package.sh: no completion script" >&2; exit 1; }
{
  echo '#compdef sixkit'
  echo '# sixkit completion for zsh: picocli'"'"'s bash completion script through bashcompinit.'
  echo 'autoload -U +X compinit && compinit'
  echo 'autoload -U +X bashcompinit && bashcompinit'
  cat "$STAGE/usr/share/bash-completion/completions/sixkit"
} >"$STAGE/usr/share/zsh/vendor-completions/_sixkit"

# Man pages from the picocli model: AsciiDoc by picocli-codegen, troff by asciidoctor.
tools="$OUT/tools"
mkdir -p "$tools" "$OUT/adoc"
mvn -B -q -ntp dependency:copy -Dartifact="info.picocli:picocli-codegen:$PICOCLI_VERSION" -DoutputDirectory="$tools" </dev/null
"$JAVA" -Dpicocli.disable.closures=true -cp "$tools/picocli-codegen-$PICOCLI_VERSION.jar:$JAR:$T/lib/*" \
  picocli.codegen.docgen.manpage.ManPageGenerator -d "$OUT/adoc" dev.sixkit.cli.Main >/dev/null
man1="$STAGE/usr/share/man/man1"
mkdir -p "$man1"
asciidoctor -b manpage -a "mansource=sixkit $VERSION" -a manmanual=Sixkit -D "$man1" "$OUT"/adoc/*.adoc
gzip -9n "$man1"/*.1
[ -f "$man1/sixkit.1.gz" ] && [ -f "$man1/sixkit-ndp-sync.1.gz" ] || { echo "package.sh: man pages missing" >&2; ls "$man1" >&2; exit 1; }

# The sync's service.
mkdir -p "$STAGE/lib/systemd/system" "$STAGE/etc/default"
install -m 0644 packaging/sixkit-ndp-sync.service "$STAGE/lib/systemd/system/"
install -m 0644 packaging/default-sixkit-ndp-sync "$STAGE/etc/default/sixkit-ndp-sync"

# The tarball: the same files under sixkit-VERSION/ (run sixkit-VERSION/sixkit; the unit names
# /usr/bin/sixkit: link it there or edit ExecStart).
tarroot="$OUT/sixkit-$VERSION"
mkdir -p "$tarroot"
cp -r "$share"/. "$tarroot/"
cp -r "$STAGE/usr/share/man" "$tarroot/man"
mkdir -p "$tarroot/completion" "$tarroot/systemd"
cp "$STAGE/usr/share/bash-completion/completions/sixkit" "$tarroot/completion/sixkit.bash"
cp "$STAGE/usr/share/zsh/vendor-completions/_sixkit" "$tarroot/completion/_sixkit"
cp packaging/sixkit-ndp-sync.service "$tarroot/systemd/"
cp packaging/default-sixkit-ndp-sync "$tarroot/systemd/sixkit-ndp-sync.default"
tar -C "$OUT" --owner=0 --group=0 -czf "$OUT/sixkit-$VERSION.tar.gz" "sixkit-$VERSION"
rm -rf "$tarroot"

# The Debian package.
mkdir -p "$STAGE/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
cat >"$STAGE/DEBIAN/control" <<CONTROL
Package: sixkit
Version: $DEB_VERSION
Architecture: all
Maintainer: Sixkit developers <sixkit@example.org>
Installed-Size: $size
Depends: default-jre-headless (>= 2:1.17) | java17-runtime-headless | java21-runtime-headless | java25-runtime-headless, bash
Recommends: iproute2, docker.io
Section: net
Priority: optional
Homepage: https://example.org/sixkit
Description: IPv6 across Docker hosts: NDP proxy sync, static routes, a lab, a Groovy DSL
 The sixkit command line: shows kernel state over rtnetlink, plans and applies IPv6 setups
 across Docker hosts (static routes or NDP proxying), keeps NDP proxy entries in step with
 containers (sixkit-ndp-sync.service) and runs a lab of Docker hosts in network namespaces.
CONTROL
echo /etc/default/sixkit-ndp-sync >"$STAGE/DEBIAN/conffiles"
cat >"$STAGE/DEBIAN/postinst" <<'SCRIPT'
#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
exit 0
SCRIPT
cat >"$STAGE/DEBIAN/postrm" <<'SCRIPT'
#!/bin/sh
set -e
# Class-data archives written by the launcher at first start on each JDK.
rm -rf /var/cache/sixkit
if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
exit 0
SCRIPT
chmod 0755 "$STAGE/DEBIAN/postinst" "$STAGE/DEBIAN/postrm"
deb="$OUT/sixkit_${DEB_VERSION}_all.deb"
dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$deb" >/dev/null
rm -rf "$STAGE" "$tools" "$OUT/adoc"
ls -l "$deb" "$OUT/sixkit-$VERSION.tar.gz" | awk '{ printf "package.sh: %s (%.1f MB)\n", $NF, $5 / 1e6 }'
