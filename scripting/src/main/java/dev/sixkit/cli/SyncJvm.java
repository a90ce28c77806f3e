package dev.sixkit.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a long-running {@code sixkit ndp sync} process is started so that it stays small (the issue's
 * goal: at most 64 MiB resident while it keeps 1,000 addresses): the serial collector, C1 only, a
 * heap that starts at 4 MiB and may grow to 24 MiB (a 1,000-address sync lives in about 6), small
 * thread stacks, one malloc arena, the native heap trimmed every 5 s (the compiler's arenas of a
 * start-up reconcile, about 9 MiB, otherwise stay with malloc; the flag came with a 17 update,
 * hence IgnoreUnrecognizedVMOptions for older ones), and a class path of only the jars the sync loads ({@code
 * scripting/target/sync-lib}: no docker-java, Jackson, Groovy, JLine or MINA, whose jar indexes
 * alone would take 3 MiB of heap). The {@code sixkit} launcher starts {@code ndp sync} the same
 * way; {@code SyncJvmTest} keeps the two in step. Stateless; thread-safe.
 */
final class SyncJvm {
  /** The JVM options; the launcher's {@code ndp sync} case lists the same, in this order. */
  static final List<String> OPTIONS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xms4m", "-Xmx24m",
      "-Xss256k", "-XX:CICompilerCount=1", "-XX:ReservedCodeCacheSize=16m", "-XX:MinHeapFreeRatio=5",
      "-XX:MaxHeapFreeRatio=20", "-XX:+IgnoreUnrecognizedVMOptions", "-XX:TrimNativeHeapInterval=5000");
  /** Environment: one malloc arena, the sync does little native work on few threads. */
  static final Map<String, String> ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "1");
  /** The folder beside the scripting jar (target/) holding the sync's jars. */
  static final String LIB = "sync-lib";

  private SyncJvm() {}

  /**
   * The sync's class path from where this code runs: the scripting jar (or classes folder) and
   * the jars of {@value #LIB} beside it. Empty when that folder is missing (a build without it).
   */
  static Optional<String> classPath() {
    Path self;
    try {
      self = Path.of(SyncJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (Exception e) {
      return Optional.empty();
    }
    Path lib = self.getParent().resolve(LIB); // target/scripting-VERSION.jar or target/classes -> target/sync-lib
    if (!Files.isDirectory(lib)) {
      return Optional.empty();
    }
    List<String> cp = new ArrayList<>();
    cp.add(self.toString());
    try (var s = Files.list(lib)) {
      s.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(p -> cp.add(p.toString()));
    } catch (java.io.IOException e) {
      return Optional.empty();
    }
    return Optional.of(String.join(File.pathSeparator, cp));
  }

  /**
   * The child runs on this JVM's java: on 22 and later jnr-ffi's restricted calls need native access
   * granted or the JVM prints a warning (17 does not know the option). The launcher does the same.
   */
  static List<String> nativeAccess() {
    return Runtime.version().feature() >= 22 ? List.of("--enable-native-access=ALL-UNNAMED") : List.of();
  }

  /** {@code java OPTIONS [extra] -cp LEAN dev.sixkit.cli.Main ndp sync ARGS}. */
  static List<String> command(List<String> extraOptions, List<String> syncArgs) {
    String cp = classPath().orElseThrow(() -> new Main.CliException(
        "no " + LIB + " folder beside the sixkit classes: build with mvn package (or ./sixkit)"));
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(OPTIONS);
    cmd.addAll(nativeAccess());
    cmd.addAll(extraOptions);
    cmd.addAll(List.of("-cp", cp, Main.class.getName(), "ndp", "sync"));
    cmd.addAll(syncArgs);
    return cmd;
  }
}
