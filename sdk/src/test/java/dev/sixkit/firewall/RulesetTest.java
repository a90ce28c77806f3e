package dev.sixkit.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.SixkitException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The evaluator on rule dumps captured from a Docker 28.5.2 lab host (docker1 of a two-host NDP
 * proxy lab): after the seed's steps only (proxy_ndp and a proxy entry), and with a published
 * port on the default bridge and on a user-defined network in routed gateway mode.
 */
class RulesetTest {
  private static final List<Ruleset.Route> ROUTES = List.of(new Ruleset.Route("2001:db8:ab11:0:8000::/66", "docker0"),
      new Ruleset.Route("2001:db8:ab11::/64", "eth0"), new Ruleset.Route("2001:db8:cd11::/64", "br-routed"),
      new Ruleset.Route("fe80::/64", "eth0"));
  private static final List<String> LOCAL = List.of("2001:db8:ab11::1", "2001:db8:ab11:0:8000::1");

  private static String resource(String name) throws IOException {
    try (InputStream in = RulesetTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static Ruleset rules(String resource) throws IOException {
    return new Ruleset(Map.of("iptables-nft", Ruleset.parseSave(resource(resource), "iptables-nft")), ROUTES, LOCAL,
        List.of());
  }

  @Test
  void seedStepsOnly_thePingIsDroppedByTheRawPreroutingRule_withItsCounter() throws IOException {
    Verdict v = rules("docker28-seed-steps.save").verdict("eth0", "2001:db8:ab11:0:8000::2");
    assertTrue(v.dropped());
    Rule r = v.by().orElseThrow();
    assertEquals("raw", r.table());
    assertEquals("PREROUTING", r.chain());
    assertEquals("-A PREROUTING -d 2001:db8:ab11:0:8000::2/128 ! -i docker0 -j DROP", r.text());
    assertEquals(3, r.packets());
    assertEquals(312, r.bytes());
    assertTrue(v.describe().contains("-t raw -A PREROUTING -d 2001:db8:ab11:0:8000::2/128 ! -i docker0 -j DROP"),
        v.describe());
  }

  @Test
  void withoutTheRawRule_theDockerChainDropsIt() throws IOException {
    String text = resource("docker28-seed-steps.save").replaceAll("(?m)^\\[3:312\\] -A PREROUTING.*\n", "");
    Ruleset rs = new Ruleset(Map.of("iptables-nft", Ruleset.parseSave(text, "iptables-nft")), ROUTES, LOCAL, List.of());
    Verdict v = rs.verdict("eth0", "2001:db8:ab11:0:8000::2");
    assertEquals("-A DOCKER ! -i docker0 -o docker0 -j DROP", v.by().orElseThrow().text());
    assertEquals("filter", v.by().get().table());
    // The path shows the jumps that led there.
    assertEquals(List.of("-A FORWARD -j DOCKER-USER", "-A FORWARD -j DOCKER-FORWARD", "-A DOCKER-FORWARD -j DOCKER-BRIDGE",
        "-A DOCKER-BRIDGE -o docker0 -j DOCKER", "-A DOCKER ! -i docker0 -o docker0 -j DROP"),
        v.path().stream().map(Rule::text).filter(t -> !t.contains("ISOLATION") && !t.contains("DOCKER-CT")).toList());
  }

  @Test
  void aContainersOwnBridge_passes() throws IOException {
    // From docker0 itself (container to container on one host) nothing drops.
    Verdict v = rules("docker28-seed-steps.save").verdict(Ruleset.ping("docker0", "docker0", "2001:db8:ab11:0:8000::2"));
    assertTrue(v.passes(), v.describe());
  }

  @Test
  void routedNetwork_pingAndPublishedPortPass_otherPortsAreDropped() throws IOException {
    Ruleset rs = rules("docker28-published-routed.save");
    assertTrue(rs.verdict("eth0", "2001:db8:cd11::2").passes(), "ICMPv6 is accepted into a routed network");
    Verdict http = rs.verdictTcp("eth0", "2001:db8:cd11::2", 80);
    assertTrue(http.passes(), http.describe());
    assertEquals("-A DOCKER -d 2001:db8:cd11::2/128 ! -i br-routed -o br-routed -p tcp -m tcp --dport 80 -j ACCEPT",
        http.path().get(http.path().size() - 1).text());
    Verdict other = rs.verdictTcp("eth0", "2001:db8:cd11::2", 8080);
    assertEquals("-A DOCKER ! -i br-routed -o br-routed -j DROP", other.by().orElseThrow().text());
  }

  @Test
  void defaultBridge_evenThePublishedPortIsDroppedByRaw() throws IOException {
    Verdict v = rules("docker28-published-routed.save").verdictTcp("eth0", "2001:db8:ab11:0:8000::3", 80);
    assertEquals("-A PREROUTING -d 2001:db8:ab11:0:8000::3/128 ! -i docker0 -j DROP", v.by().orElseThrow().text());
  }

  @Test
  void policyDrop_isNamedAsThePolicy() {
    String text = "*filter\n:FORWARD DROP [7:560]\nCOMMIT\n";
    Ruleset rs = new Ruleset(Map.of("iptables-legacy", Ruleset.parseSave(text, "iptables-legacy")), ROUTES, LOCAL,
        List.of());
    Verdict v = rs.verdict("eth0", "2001:db8:ab11:0:8000::2");
    assertEquals("-P FORWARD DROP", v.by().orElseThrow().text());
    assertEquals(7, v.by().get().packets());
    assertTrue(v.by().get().policy());
  }

  @Test
  void emptyFilter_passes_andUnknownMatchesAreNoted() {
    String text = "*filter\n:FORWARD ACCEPT [0:0]\n[0:0] -A FORWARD -m set --match-set bad dst -j DROP\n"
        + "[0:0] -A FORWARD -m comment --comment \"a b\" -d 2001:db8::/32 -j ACCEPT\nCOMMIT\n";
    Ruleset rs = new Ruleset(Map.of("iptables-nft", Ruleset.parseSave(text, "iptables-nft")), ROUTES, LOCAL, List.of());
    Verdict v = rs.verdict("eth0", "2001:db8:ab11:0:8000::2");
    assertTrue(v.passes());
    assertEquals(1, v.notes().size());
    assertTrue(v.notes().get(0).contains("--match-set"), v.notes().toString());
    assertFalse(rs.empty());
  }

  @Test
  void gotoReturnsToTheCallersCaller_andReturnFallsBack() {
    String text = "*filter\n:FORWARD DROP [0:0]\n:A - [0:0]\n:B - [0:0]\n"
        + "[0:0] -A FORWARD -g A\n[0:0] -A FORWARD -j ACCEPT\n[0:0] -A A -j B\n[0:0] -A B -j RETURN\nCOMMIT\n";
    Ruleset rs = new Ruleset(Map.of("iptables-nft", Ruleset.parseSave(text, "iptables-nft")), ROUTES, LOCAL, List.of());
    // -g A: A falls through, so FORWARD ends there and its policy (DROP) decides.
    assertEquals("-P FORWARD DROP", rs.verdict("eth0", "2001:db8:ab11:0:8000::2").by().orElseThrow().text());
  }

  @Test
  void interfaceWildcards() {
    assertTrue(Ruleset.ifaceMatches("br-+", "br-routed"));
    assertFalse(Ruleset.ifaceMatches("br-+", "docker0"));
    assertTrue(Ruleset.ifaceMatches("docker0", "docker0"));
  }

  @Test
  void minusSFormatWithCounters_parsesTheSameRules() throws IOException {
    // ip6tables -S -v prints "-c PKTS BYTES" inside the rule; the evaluator skips it.
    String s = resource("docker28-seed-steps-raw.S").lines().filter(l -> l.startsWith("-A"))
        .map(l -> "[0:0] " + l).reduce("*raw\n:PREROUTING ACCEPT [0:0]\n", (a, b) -> a + b + "\n") + "COMMIT\n";
    Ruleset rs = new Ruleset(Map.of("iptables-nft", Ruleset.parseSave(s, "iptables-nft")), ROUTES, LOCAL, List.of());
    assertTrue(rs.verdict("eth0", "2001:db8:ab11:0:8000::2").dropped());
  }

  @Test
  void badInput_isRefusedClearly() {
    SixkitException e = assertThrows(SixkitException.class, () -> Ruleset.parseSave("-A FORWARD -j DROP\n", "x"));
    assertTrue(e.getMessage().contains("outside a table"), e.getMessage());
    Ruleset rs = new Ruleset(Map.of(), ROUTES, LOCAL, List.of());
    assertTrue(assertThrows(SixkitException.class, () -> rs.verdict("eth0", "192.0.2.1")).getMessage()
        .contains("not an IPv6 address"));
    assertTrue(assertThrows(SixkitException.class, () -> rs.verdict("eth0", "2001:db8:99::1")).getMessage()
        .contains("no IPv6 route"));
  }
}
