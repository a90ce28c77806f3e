package dev.sixkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The launcher starts ndp sync exactly as SyncJvm says, on a class path without the heavy libraries. */
class SyncJvmTest {

  @Test
  void theLauncherUsesTheSameOptionsAndLeanClassPath() throws Exception {
    Path launcher = Path.of("..", "sixkit");
    String script = Files.readString(launcher);
    String line = script.lines().filter(l -> l.trim().startsWith("JVM_OPTS=(") && l.contains("-Xmx"))
        .findFirst().orElseThrow(() -> new AssertionError("no ndp sync JVM_OPTS line in " + launcher));
    String inside = line.substring(line.indexOf('(') + 1, line.lastIndexOf(')'));
    assertEquals(SyncJvm.OPTIONS, Arrays.asList(inside.trim().split("\\s+")));
    assertTrue(script.contains("CLASS_PATH=\"$JAR:$TARGET/" + SyncJvm.LIB + "/*\""), "lean class path in the launcher");
    SyncJvm.ENVIRONMENT.forEach((k, v) -> assertTrue(script.contains("export " + k + "=" + v), k));
  }

  @Test
  void theLeanClassPathHoldsTheSyncsJarsAndNoneOfTheHeavyOnes() {
    String cp = SyncJvm.classPath().orElseThrow(() -> new AssertionError("no target/" + SyncJvm.LIB));
    List<String> jars = Arrays.stream(cp.split(File.pathSeparator)).map(p -> Path.of(p).getFileName().toString()).toList();
    for (String needed : List.of("sdk-0", "sdk-netlink-", "jnr-ffi-", "jffi-", "ipaddress-", "picocli-", "slf4j-api-")) {
      assertTrue(jars.stream().anyMatch(j -> j.startsWith(needed)), needed + " in " + jars);
    }
    for (String heavy : List.of("docker-java", "jackson", "groovy", "jline", "sshd", "guava", "bcprov")) {
      assertFalse(jars.stream().anyMatch(j -> j.startsWith(heavy)), heavy + " must stay out of " + jars);
    }
  }
}
