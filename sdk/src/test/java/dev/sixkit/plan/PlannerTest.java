package dev.sixkit.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PlannerTest {
  private static Planner.HostsStep seedHosts() {
    return Planner.underlay("2001:db8:ab11::/64")
        .host("docker1", "eth0", "2001:db8:ab11::1")
        .host("docker2", "eth0", "2001:db8:ab11::2");
  }

  @Test
  void splitsTheSeedsSlash64IntoFourSlash66s() {
    List<String> parts = Prefixes.split("2001:db8:ab11::/64", 66).stream().map(Prefixes::text).toList();
    assertEquals(List.of("2001:db8:ab11::/66", "2001:db8:ab11:0:4000::/66", "2001:db8:ab11:0:8000::/66",
        "2001:db8:ab11:0:c000::/66"), parts);
  }

  @Test
  void splitsOtherLengths() {
    assertEquals(2, Prefixes.split("2001:db8:ab11::/64", 65).size());
    List<String> eight = Prefixes.split("2001:db8:ab11::/64", 67).stream().map(Prefixes::text).toList();
    assertEquals(8, eight.size());
    assertEquals("2001:db8:ab11:0:e000::/67", eight.get(7));
    List<String> v48 = Prefixes.split("2001:db8::/48", 52).stream().map(Prefixes::text).toList();
    assertEquals(16, v48.size());
    assertEquals("2001:db8:0:f000::/52", v48.get(15));
    assertEquals("fd00::/9", Prefixes.text(Prefixes.split("fd00::/8", 9).get(0)));
  }

  @Test
  void ndpPlanGivesTheSeedsDaemonOptions() {
    NetworkPlan plan = seedHosts().ndpProxy().split(66).plan();
    assertEquals(Mode.NDP_PROXY, plan.mode());
    HostPlan d1 = plan.host("docker1").orElseThrow();
    HostPlan d2 = plan.host("docker2").orElseThrow();
    assertEquals(List.of("--ipv6", "--fixed-cidr-v6=2001:db8:ab11:0:8000::/66"), d1.dockerdArgs());
    assertEquals(List.of("--ipv6", "--fixed-cidr-v6=2001:db8:ab11:0:c000::/66"), d2.dockerdArgs());
    assertTrue(d1.daemonJson().contains("\"fixed-cidr-v6\": \"2001:db8:ab11:0:8000::/66\""));
    assertTrue(d1.proxyNdp());
    assertTrue(d1.routes().isEmpty());
  }

  @Test
  void ndpPlanWithoutSplitPicksTheShortestThatFits() {
    NetworkPlan plan = seedHosts().ndpProxy().plan();
    assertEquals("2001:db8:ab11:0:8000::/66", Prefixes.text(plan.hosts().get(0).dockerPrefix()));
    NetworkPlan four = Planner.underlay("2001:db8:ab11::/64")
        .host("a", "eth0", "2001:db8:ab11::1").host("b", "eth0", "2001:db8:ab11::2")
        .host("c", "eth0", "2001:db8:ab11::3").host("d", "eth0", "2001:db8:ab11::4").ndpProxy().plan();
    assertEquals(67, four.hosts().get(0).dockerPrefix().getPrefixLength());
  }

  @Test
  void routedPlanBuildsTheFullMeshOfRoutes() {
    NetworkPlan plan = seedHosts().routed()
        .prefix("docker1", "2001:db8:cd11::/64").prefix("docker2", "2001:db8:ef11::/64").plan();
    HostPlan d1 = plan.host("docker1").orElseThrow();
    HostPlan d2 = plan.host("docker2").orElseThrow();
    assertEquals("ip -6 route add 2001:db8:ef11::/64 via 2001:db8:ab11::2 dev eth0", d1.routes().get(0).ipCommand());
    assertEquals("ip -6 route add 2001:db8:cd11::/64 via 2001:db8:ab11::1 dev eth0", d2.routes().get(0).ipCommand());
    assertEquals(List.of("--ipv6", "--fixed-cidr-v6=2001:db8:cd11::/64"), d1.dockerdArgs());
  }

  @Test
  void rejectsADockerPrefixOutsideTheUplinksSlash64InNdpMode() {
    PlanException e = assertThrows(PlanException.class,
        () -> seedHosts().ndpProxy().prefix("docker1", "2001:db8:cd11::/66").plan());
    assertTrue(e.getMessage().contains("outside the uplink's on-link prefix 2001:db8:ab11::/64"), e.getMessage());
  }

  @Test
  void rejectsOverlappingPrefixes() {
    PlanException e = assertThrows(PlanException.class, () -> seedHosts().routed()
        .prefix("docker1", "2001:db8:cd11::/64").prefix("docker2", "2001:db8:cd11::/80").plan());
    assertTrue(e.getMessage().contains("overlap"), e.getMessage());
  }

  @Test
  void rejectsMorePartsThanFit() {
    PlanException e = assertThrows(PlanException.class, () -> Planner.underlay("2001:db8:ab11::/64")
        .host("a", "eth0", "2001:db8:ab11::1").host("b", "eth0", "2001:db8:ab11::2")
        .host("c", "eth0", "2001:db8:ab11::3").host("d", "eth0", "2001:db8:ab11::4").ndpProxy().split(66).plan());
    assertTrue(e.getMessage().contains("leaving 3 for 4 hosts"), e.getMessage());
    assertThrows(PlanException.class, () -> Prefixes.split("2001:db8:ab11::/64", 64));
    assertThrows(PlanException.class, () -> Prefixes.split("2001:db8:ab11::/64", 129));
  }

  @Test
  void rejectsLengthsDockerWillNotAccept() {
    PlanException e = assertThrows(PlanException.class,
        () -> seedHosts().ndpProxy().prefix("docker1", "2001:db8:ab11:0:8000::/96").plan());
    assertTrue(e.getMessage().contains("longer than /80"), e.getMessage());
  }

  @Test
  void rejectsBadHostsAndAddresses() {
    assertThrows(PlanException.class, () -> seedHosts().host("docker1", "eth0", "2001:db8:ab11::9"));
    assertThrows(PlanException.class, () -> seedHosts().host("docker3", "eth0", "2001:db8:ab11::1"));
    assertThrows(PlanException.class, () -> seedHosts().host("docker3", "eth0", "2001:db8:ffff::1"));
    assertThrows(PlanException.class, () -> seedHosts().host("docker3", "", "2001:db8:ab11::3"));
    PlanException v4 = assertThrows(PlanException.class, () -> Planner.underlay("192.0.2.0/24"));
    assertTrue(v4.getMessage().contains("IPv4"), v4.getMessage());
    assertThrows(PlanException.class, () -> Planner.underlay("2001:db8:ab11::/129"));
    assertThrows(PlanException.class, () -> seedHosts().routed().prefix("docker1", "2001:db8:cd11::/64").plan());
    assertThrows(PlanException.class, () -> seedHosts().routed()
        .prefix("docker1", "2001:db8:ab11:0:8000::/66").prefix("docker2", "2001:db8:ef11::/64").plan());
    assertThrows(PlanException.class, () -> seedHosts().ndpProxy().prefix("docker1", "2001:db8:ab11::/66").plan());
  }
}
