package dev.sixkit.dsl.groovy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.dsl.DslException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Script files run from the compiled-class cache the second time; an edit compiles afresh. */
class ScriptCacheTest {
  @TempDir
  Path tmp;

  @BeforeEach
  void useTemporaryCache() {
    System.setProperty("sixkit.cache", tmp.resolve("cache").toString());
  }

  @AfterEach
  void restore() {
    System.clearProperty("sixkit.cache");
  }

  private Object run(Path script) {
    return new ScriptRunner(new DslSession(new PrintWriter(new StringWriter()), false, false), List.of("7")).run(script);
  }

  private long entries() throws IOException {
    Path dir = tmp.resolve("cache/scripts");
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".classes")).count();
    }
  }

  @Test
  void aScriptRunsTheSameFromTheCacheAndAnEditCompilesAgain() throws IOException {
    Path f = tmp.resolve("twice.groovy");
    Files.writeString(f, "class Pair { int a; int b }\ndef p = new Pair(a: args[0] as int, b: 2)\n[1, 2].collect { it * p.a + p.b }\n");
    assertEquals(List.of(9, 16), run(f));
    assertEquals(1, entries());
    assertEquals(List.of(9, 16), run(f)); // from the cache: closures and classes of the script included
    assertEquals(1, entries());
    Files.writeString(f, "args[0] + '!'\n");
    assertEquals("7!", run(f));
    assertEquals(2, entries());
  }

  @Test
  void errorsStillNameTheScriptLineWhenTheClassesComeFromTheCache() throws IOException {
    Path f = tmp.resolve("fails.groovy");
    Files.writeString(f, "def x = 1\nthrow new IllegalStateException('boom')\n");
    for (int i = 0; i < 2; i++) {
      DslException e = assertThrows(DslException.class, () -> run(f));
      assertTrue(e.getMessage().contains("fails.groovy:2"), e.getMessage());
    }
  }

  @Test
  void aFolderOthersMayWriteInIsNotUsed() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("cache/scripts"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path f = tmp.resolve("open.groovy");
    Files.writeString(f, "1 + 1\n");
    assertEquals(2, run(f));
    assertEquals(0, entries());
  }
}
