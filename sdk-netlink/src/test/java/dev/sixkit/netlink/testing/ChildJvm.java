package dev.sixkit.netlink.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The start of a command line for a child JVM of a test: this JVM's java and, on 22 and later,
 * native access granted (jnr-ffi's restricted calls would print a warning on stderr otherwise, which
 * tests read; 17 does not know the option). Stateless.
 */
public final class ChildJvm {
  private ChildJvm() {}

  /** {@code JAVA_HOME/bin/java [--enable-native-access=ALL-UNNAMED] OPTIONS...}, modifiable. */
  public static List<String> java(String... options) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(nativeAccess());
    cmd.addAll(List.of(options));
    return cmd;
  }

  /** The options granting native access on this JVM's feature release (none before 22). */
  public static List<String> nativeAccess() {
    return Runtime.version().feature() >= 22 ? List.of("--enable-native-access=ALL-UNNAMED") : List.of();
  }
}
