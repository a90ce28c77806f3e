package dev.sixkit.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.docker.DaemonFacts;
import dev.sixkit.docker.DockerNetwork;
import dev.sixkit.doctor.Fact;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The plan side of a declared network ({@code network 'NAME'} in a host block), from hand-built
 * states: the step that creates it, its journal form, and the refusals (subnet outside the plan,
 * no gateway modes on 20.10, a default bridge overlapping it, a different network of that name).
 */
class NetworkWordTest {
  private static final String UNDERLAY = "2001:db8:ab11::/64";

  private static DesiredSetup ndp(NetworkEntry n1, NetworkEntry n2) {
    HostEntry h1 = new HostEntry("docker1", HostConnector.netns("t-docker1"), "eth0", "2001:db8:ab11::1",
        "unix:///d1.sock", "2001:db8:ab11:0:4000::/67", List.of(), "t.groovy:3");
    HostEntry h2 = new HostEntry("docker2", HostConnector.netns("t-docker2"), "eth0", "2001:db8:ab11::2",
        "unix:///d2.sock", "2001:db8:ab11:0:6000::/67", List.of(), "t.groovy:9");
    return new DesiredSetup("t", Mode.NDP_PROXY, Prefixes.prefix(UNDERLAY), 0,
        List.of(n1 == null ? h1 : h1.withNetwork(n1), n2 == null ? h2 : h2.withNetwork(n2)), null, "/tmp/sixkit-nwtest");
  }

  private static DaemonFacts daemon(String version, String fixedCidr) {
    IPAddress p = new IPAddressString(fixedCidr).getAddress();
    return new DaemonFacts(version, "1.51", "1.24", "1.51", "linux", "6", "overlay2",
        new Fact<>(true, Fact.Source.ENGINE_API), Optional.of(new Fact<>(p, Fact.Source.ENGINE_API)),
        new Fact<>(true, Fact.Source.DEFAULT), new Fact<>(true, Fact.Source.DEFAULT), new Fact<>(false, Fact.Source.DEFAULT));
  }

  private static HostState state(String host, String address, DaemonFacts d, List<DockerNetwork> networks) {
    return new HostState(host, null, true, List.of(address), "1", "1", List.of(), List.of(), d, List.of(), null,
        Map.of(), networks);
  }

  private static Map<String, HostState> states(DaemonFacts d1, DaemonFacts d2, List<DockerNetwork> n1) {
    Map<String, HostState> m = new LinkedHashMap<>();
    m.put("docker1", state("docker1", "2001:db8:ab11::1", d1, n1));
    m.put("docker2", state("docker2", "2001:db8:ab11::2", d2, List.of()));
    return m;
  }

  private static final DaemonFacts D28_1 = daemon("28.5.2", "2001:db8:ab11:0:8000::/66");
  private static final DaemonFacts D28_2 = daemon("28.5.2", "2001:db8:ab11:0:c000::/66");

  @Test
  void aDeclaredNetworkIsAStep_andResolvesTheEnginesFilter() {
    Plan p = Diff.plan(ndp(new NetworkEntry("web6", null), new NetworkEntry("web6", null)),
        states(D28_1, D28_2, List.of()));
    assertTrue(p.ok(), p.toString());
    assertEquals(List.of(new Step.Network("web6", "2001:db8:ab11:0:4000::/67", true)),
        p.steps().get("docker1").stream().filter(s -> s instanceof Step.Network).toList());
    assertEquals(List.of(new Step.Network("web6", "2001:db8:ab11:0:6000::/67", true)),
        p.steps().get("docker2").stream().filter(s -> s instanceof Step.Network).toList());
    Step s = p.steps().get("docker1").get(0);
    assertEquals(s, Step.fromMap(s.toMap()), "the journal keeps the step as it was");
    assertEquals(new Step.Network("web6", "2001:db8:ab11:0:4000::/67", false), s.inverse());
  }

  @Test
  void withoutTheNetwork_28IsStillAProblem() {
    Plan p = Diff.plan(ndp(null, new NetworkEntry("web6", null)), states(D28_1, D28_2, List.of()));
    assertFalse(p.ok());
    assertTrue(p.problems().stream().anyMatch(x -> x.startsWith("docker1: ")), p.toString());
    assertTrue(p.problems().stream().noneMatch(x -> x.startsWith("docker2: ")), p.toString());
  }

  @Test
  void aNetworkAlreadyThereAsDeclaredIsNoStep_anotherOneIsAProblem() {
    DockerNetwork same = new DockerNetwork("id", "web6", "bridge", true, false,
        List.of(new Subnet(new IPAddressString("2001:db8:ab11:0:4000::/67").getAddress(), Optional.empty())),
        Map.of(DockerNetwork.GATEWAY_MODE_IPV6, "routed"));
    Plan p = Diff.plan(ndp(new NetworkEntry("web6", null), null), states(D28_1, D28_2, List.of(same)));
    assertTrue(p.steps().get("docker1").stream().noneMatch(s -> s instanceof Step.Network), p.toString());
    DockerNetwork nat = new DockerNetwork("id", "web6", "bridge", true, false, same.subnets(), Map.of());
    p = Diff.plan(ndp(new NetworkEntry("web6", null), null), states(D28_1, D28_2, List.of(nat)));
    assertTrue(p.problems().stream().anyMatch(x -> x.startsWith("docker1: docker network web6 exists and is not")
        && x.contains("nat (default)")), p.toString());
  }

  @Test
  void aSubnetOutsideThePlanIsRefused() {
    Plan p = Diff.plan(ndp(new NetworkEntry("web6", "2001:db8:ab11:0:6000::/68"), null), states(D28_1, D28_2, List.of()));
    assertFalse(p.ok());
    assertTrue(p.problems().stream().anyMatch(x -> x.startsWith("docker1: network web6 (t.groovy:3): its subnet "
        + "2001:db8:ab11:0:6000::/68 is outside the plan's Docker prefix for docker1, 2001:db8:ab11:0:4000::/67")),
        p.toString());
  }

  @Test
  void gatewayModesAreRefusedOn2010() {
    DaemonFacts old = daemon("20.10.24", "2001:db8:ab11:0:8000::/66");
    Plan p = Diff.plan(ndp(new NetworkEntry("web6", null), null), states(old, D28_2, List.of()));
    assertFalse(p.ok());
    assertTrue(p.problems().stream().anyMatch(x -> x.startsWith("docker1: network web6") && x.contains("20.10.24")
        && x.contains("no IPv6 gateway modes")), p.toString());
    assertTrue(p.steps().get("docker1").stream().noneMatch(s -> s instanceof Step.Network));
  }

  @Test
  void aDefaultBridgeOverlappingTheNetworkIsAProblem() {
    DaemonFacts overlapping = daemon("28.5.2", "2001:db8:ab11:0:4000::/66");
    Plan p = Diff.plan(ndp(new NetworkEntry("web6", null), null), states(overlapping, D28_2, List.of()));
    assertTrue(p.problems().stream().anyMatch(x -> x.startsWith("docker1: dockerd's default bridge holds "
        + "2001:db8:ab11:0:4000::/66") && x.contains("overlapping pools")), p.toString());
  }

  @Test
  void badNamesAreRefused() {
    assertThrows(PlanException.class, () -> new NetworkEntry("bad name", null));
    assertThrows(PlanException.class, () -> new NetworkEntry("web6", "not-a-prefix"));
  }
}
