package dev.sixkit.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.host.Change;
import dev.sixkit.docker.Docker;
import dev.sixkit.docker.DockerNetwork;
import dev.sixkit.host.Host;
import dev.sixkit.host.NetlinkHost;
import dev.sixkit.plan.EngineNeeds;
import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.netlink.testing.Root;
import dev.sixkit.plan.Mode;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;

/**
 * A seed recipe run through the Host API once through a two-host lab's namespaces and once over
 * its OpenSSH servers: the lab, the kernel state before, after each run's apply and the changes
 * it reported; the subclass runs the recipe ({@code @Order(1)}, parameterized by {@link Via}) and
 * records what it applied; this checks both ways agree ({@code @Order(2)}). The subclass is a
 * {@code @ParameterizedClass} over engines ({@link #engine}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class RecipeBothWays {
  enum Via { NETNS, SSH }

  private final String labPrefix;
  private final Mode mode;
  private final String what;
  @Parameter
  Engine engine;
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

  @BeforeParameterizedClassInvocation
  void up() {
    Root.require();
    String name = labPrefix + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    lab = Lab.builder().engine(engine).name(name).hosts(2).mode(mode).ssh(true).progress(m -> System.out.println("lab: " + m)).up();
    try (NetlinkHost docker1 = lab.connect("docker1"); NetlinkHost docker2 = lab.connect("docker2")) {
      if (EngineNeeds.filtersNatBridges(docker1.docker().daemon())) {
        onRoutedNetworks(docker1.docker(), docker2.docker());
        // the default bridge just lost its last port: the kernel drops its carrier a moment later
        for (LabHost h : lab.hosts()) {
          awaitNoCarrier(h.netns(), "docker0");
        }
      }
    }
    initial = KernelSnapshot.of(lab);
  }

  /**
   * On an engine that drops traffic from other hosts to its default bridge (28), the recipe is
   * run with the web containers on IPv6 networks in routed gateway mode, as the plan's fix does:
   * the subclass replaces web1 and web2 by containers of the same names there.
   */
  void onRoutedNetworks(Docker docker1, Docker docker2) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " does not run on engines with gateway modes");
  }

  /** Waits (5 s at most) until a bridge without ports shows NO-CARRIER, so snapshots do not catch it in between. */
  static void awaitNoCarrier(String netns, String bridge) {
    long end = System.nanoTime() + 5_000_000_000L;
    while (!Ip.json(netns, "link", "show", bridge).toString().contains("NO-CARRIER") && System.nanoTime() < end) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Replaces a lab container by one of the same name serving the same page on a new routed IPv6 network. */
  static void moveToRoutedNetwork(Docker d, String container, int n, String subnet) {
    d.newNetwork("routed6").ipv6().subnet(subnet).option(DockerNetwork.GATEWAY_MODE_IPV6, "routed").create();
    d.remove(container);
    // routed mode lets in ICMPv6 and published ports only; the engine picks the host port
    d.newContainer(container).image(WebImage.REFERENCE).command(WebImage.command("Web Server #" + n).toArray(String[]::new))
        .network("routed6").publish(0, 80).stopTimeout(java.time.Duration.ofSeconds(1)).start();
  }

  @AfterParameterizedClassInvocation
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
