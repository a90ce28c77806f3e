package dev.sixkit.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.SixkitException;
import dev.sixkit.netlink.testing.Root;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine fetch with real apt: the shared engine is there (fetched on first use) and runs, and
 * a missing mirror or a mirror that does not answer fails saying which step failed, with nothing
 * left behind.
 */
class EngineFetchIT {
  @TempDir
  Path engines;

  @Test
  void docker28_isFetchedOnce_andItsDockerdRuns() {
    Root.require();
    Engine.Install i = Engine.V28.install(LabProgress.silent());
    assertTrue(i.version().startsWith("28."), i.toString());
    assertEquals(i.version(), Engine.dockerdVersion(i.dockerd()));
    assertTrue(i.dockerd().startsWith(EngineFetch.ROOT), i.toString());
    assertTrue(Files.isExecutable(i.binDirs().get(1).resolve("containerd")));
    // a second call finds the folder: same install
    assertEquals(i, Engine.V28.install(LabProgress.silent()));
  }

  @Test
  void noMirror_saysWhatFailed_andLeavesNothing() throws Exception {
    SixkitException e = assertThrows(SixkitException.class,
        () -> EngineFetch.ensure(Engine.V28, LabProgress.silent(), engines, List::of));
    assertTrue(e.getMessage().contains("find a Debian mirror failed") && e.getMessage().contains("SIXKIT_ENGINE_MIRROR")
        && e.getMessage().contains("nothing was installed"), e.getMessage());
    assertEquals(List.of(".fetch.lock"), list(engines));
  }

  @Test
  void mirrorThatDoesNotAnswer_saysAptUpdateFailed_andLeavesNothing() throws Exception {
    Root.require();
    // loopback, a port nobody listens on: apt fails at once, nothing leaves the machine
    AptSources.Entry dead = new AptSources.Entry("http://[::1]:9/debian", List.of("unstable"), List.of("main"),
        Optional.empty());
    SixkitException e = assertThrows(SixkitException.class,
        () -> EngineFetch.ensure(Engine.V28, LabProgress.silent(), engines, () -> List.of(dead)));
    assertTrue(e.getMessage().contains("apt-get update of the unstable suite failed")
        && e.getMessage().contains("http://[::1]:9/debian"), e.getMessage());
    assertEquals(List.of(".fetch.lock"), list(engines), "no folder, no half fetch");
  }

  private static List<String> list(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
