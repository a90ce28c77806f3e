package dev.sixkit.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.host.Change;
import dev.sixkit.host.Host;
import dev.sixkit.netlink.testing.Root;
import dev.sixkit.plan.Mode;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A seed recipe run through the Host API once through a two-host lab's namespaces and once over
 * its OpenSSH servers: the lab, the kernel state before, after each run's apply and the changes
 * it reported; the subclass runs the recipe ({@code @Order(1)}, parameterized by {@link Via}) and
 * records what it applied; this checks both ways agree ({@code @Order(2)}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class RecipeBothWays {
  enum Via { NETNS, SSH }

  private final String labPrefix;
  private final Mode mode;
  private final String what;
  Lab lab;
  Map<String, String> initial;
  private final Map<Via, Map<String, String>> applied = new EnumMap<>(Via.class);
  private final Map<Via, List<Change>> changes = new EnumMap<>(Via.class);

  /** @param what what the recipe applies, for messages ("the recipe", "the routes") */
  RecipeBothWays(String labPrefix, Mode mode, String what) {
    this.labPrefix = labPrefix;
    this.mode = mode;
    this.what = what;
  }

  @BeforeAll
  void up() {
    Root.require();
    String name = labPrefix + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    lab = Lab.builder().engine(Engine.V20_10).name(name).hosts(2).mode(mode).ssh(true).progress(m -> System.out.println("lab: " + m)).up();
    initial = KernelSnapshot.of(lab);
  }

  @AfterAll
  void down() {
    if (lab != null) {
      Lab.down(lab.name(), LabProgress.silent());
      assertTrue(Lab.namespaces(lab.name()).isEmpty(), "the lab's namespaces must be gone");
    }
  }

  Host open(Via via, String host) {
    return via == Via.NETNS ? lab.connect(host) : lab.connectSsh(host);
  }

  /** What one way's apply reported, and the kernel state right after it. */
  void applied(Via via, List<Change> made) {
    changes.put(via, made);
    applied.put(via, KernelSnapshot.of(lab));
  }

  @Test
  @Order(2)
  void bothWaysReportTheSameChangesAndLeaveTheSameKernelState() {
    assertEquals(2, applied.size(), "both runs must have applied " + what);
    assertEquals(changes.get(Via.NETNS), changes.get(Via.SSH));
    KernelSnapshot.assertSame(applied.get(Via.NETNS), applied.get(Via.SSH), "after applying, netns vs ssh");
    assertFalse(applied.get(Via.NETNS).equals(initial), what + " changed something");
  }
}
