package dev.sixkit.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.sixkit.host.Host;
import dev.sixkit.lab.Engine;
import dev.sixkit.lab.Lab;
import dev.sixkit.lab.LabHost;
import dev.sixkit.lab.LabProgress;
import dev.sixkit.netlink.testing.Root;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The extension run as a user's build runs it (the JUnit launcher on sample classes below): labs
 * are up during the tests, injected, and gone afterwards, also when a test failed; a stale lab of
 * the same name (a killed run) is replaced; classes sharing a lab by name get the same one.
 */
class SixkitLabExtensionIT {
  /** What the sample classes saw, by key (they run inside this test's launcher). */
  static final Map<String, Object> seen = new ConcurrentHashMap<>();

  @Test
  void aLabPerClassIsUpForItsTestsAndDownAfterEvenWhenOneFails() {
    Root.require();
    String name = SixkitLabExtension.classLabName(PerClass.class);
    // As a killed run leaves it: a lab of the class's name, up.
    Lab.builder().engine(Engine.V20_10).name(name).hosts(1).up();
    assertTrue(Lab.exists(name));

    TestExecutionSummary s = run(PerClass.class);

    assertEquals(2, s.getTestsStartedCount(), "both tests ran");
    assertEquals(1, s.getTestsSucceededCount(), "the passing test passed: " + failures(s));
    assertEquals(1, s.getTestsFailedCount(), "the failing test failed");
    assertEquals(name, seen.get("perclass.lab"));
    assertTrue((Boolean) seen.get("perclass.netns"), "the host's namespace existed during the test");
    assertFalse(Lab.exists(name), "lab " + name + " is down after the class");
    assertFalse(Files.exists(Path.of("/run/netns", name + "-docker1")), "its namespace is gone");
  }

  @Test
  void classesNamingTheSameSharedLabGetOneLabDownAtTheEnd() {
    Root.require();
    Lab.down("sxjshr", LabProgress.silent());
    TestExecutionSummary s = run(SharedA.class, SharedB.class);

    assertEquals(2, s.getTestsSucceededCount(), failures(s));
    assertNotNull(seen.get("shared.A"));
    assertSame(seen.get("shared.A"), seen.get("shared.B"), "one Lab object for both classes");
    assertFalse(Lab.exists("sxjshr"), "the shared lab is down after the run");
  }

  private static TestExecutionSummary run(Class<?>... classes) {
    var request = LauncherDiscoveryRequestBuilder.request()
        .selectors(List.of(classes).stream().map(c -> selectClass(c)).toList()).build();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    LauncherFactory.create().execute(request, listener);
    return listener.getSummary();
  }

  private static String failures(TestExecutionSummary s) {
    StringBuilder b = new StringBuilder();
    s.getFailures().forEach(f -> b.append(f.getTestIdentifier().getDisplayName()).append(": ").append(f.getException()).append('\n'));
    return b.toString();
  }

  // ---- samples run by the launcher above (inner classes: surefire does not run them itself) ----

  @SixkitLab(hosts = 1)
  static class PerClass {
    @Test
    void injected(Lab lab, @HostName("docker1") Host docker1, LabHost info) throws Exception {
      seen.put("perclass.lab", lab.name());
      seen.put("perclass.netns", Files.exists(Path.of("/run/netns", info.netns())));
      assertEquals("docker1", docker1.name());
      assertTrue(docker1.sysctl("net.ipv6.conf.all.forwarding").strip().matches("[01]"));
    }

    @Test
    void fails() {
      throw new AssertionError("a failing test must not leave the lab behind");
    }
  }

  @SixkitLab(hosts = 1, shared = "sxjshr")
  static class SharedA {
    @Test
    void one(Lab lab) {
      seen.put("shared.A", lab);
    }
  }

  @SixkitLab(hosts = 1, shared = "sxjshr")
  static class SharedB {
    @Test
    void two(Lab lab) {
      assertTrue(Lab.exists("sxjshr"));
      seen.put("shared.B", lab);
    }
  }
}
