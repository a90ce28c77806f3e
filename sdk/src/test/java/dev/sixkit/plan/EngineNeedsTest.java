package dev.sixkit.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.SixkitException;
import dev.sixkit.docker.DaemonFacts;
import dev.sixkit.doctor.Fact;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What each engine needs, from its facts: 20.10 nothing, 28 with ip6tables the routed gateway mode. */
class EngineNeedsTest {
  private static DaemonFacts facts(String version, boolean ip6tables) {
    Fact<Boolean> yes = new Fact<>(true, Fact.Source.ENGINE_API);
    return new DaemonFacts(version, "1.51", "1.24", "1.44", "linux", "6.1", "overlay2", yes, Optional.empty(),
        new Fact<>(true, Fact.Source.DEFAULT), new Fact<>(ip6tables, Fact.Source.ENGINE_API),
        new Fact<>(false, Fact.Source.ENGINE_API));
  }

  @Test
  void docker20_needsNothing_andHasNoGatewayModes() {
    DaemonFacts f = facts("20.10.24+dfsg1", false);
    assertEquals(Optional.empty(), EngineNeeds.defaultBridgeProblem("docker1", f, "2001:db8:ab11:0:8000::/66"));
    SixkitException e = assertThrows(SixkitException.class, () -> EngineNeeds.requireGatewayModes(f, "web6"));
    assertTrue(e.getMessage().contains("Docker 20.10.24+dfsg1 has no IPv6 gateway modes"), e.getMessage());
    assertTrue(e.getMessage().contains("web6"), e.getMessage());
  }

  @Test
  void docker28_withIp6tables_isAProblemNamingTheWaysOut() {
    DaemonFacts f = facts("28.5.2+dfsg4", true);
    String p = EngineNeeds.defaultBridgeProblem("docker1", f, "2001:db8:ab11:0:8000::/66").orElseThrow();
    assertTrue(p.startsWith("docker1: Docker 28.5.2+dfsg4 filters IPv6 to the default bridge"), p);
    assertTrue(p.contains("-o com.docker.network.bridge.gateway_mode_ipv6=routed"), p);
    assertTrue(p.contains("{\"default-network-opts\": {\"bridge\": {\"com.docker.network.bridge.gateway_mode_ipv6\":"
        + " \"routed\"}}}"), p);
    assertTrue(p.contains("\"ip6tables\": false"), p);
    EngineNeeds.requireGatewayModes(f, "web6"); // no exception
  }

  @Test
  void docker28_withoutIp6tables_filtersNothing() {
    assertEquals(Optional.empty(), EngineNeeds.defaultBridgeProblem("d", facts("28.5.2", false), "2001:db8::/64"));
  }
}
