package dev.sixkit.firewall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sixkit.SixkitException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The nftables evaluator on {@code nft -j list ruleset} captured from a Docker 28.5.2 lab host
 * (docker1 of a two-host NDP proxy lab with ip6tables-nft, nft 1.0.6): the seed's steps applied
 * and two pings sent to web1 on the default bridge, a network in routed gateway mode
 * (br-12bda77bf387, 2001:db8:ab11:0:4000::/67) holding a container with port 80 published and
 * one ping answered. {@code docker28-nft-same.save} is {@code ip6tables-save -c} of the same
 * moment: both readers must name the same rule.
 */
class NftablesTest {
  private static final String BRIDGE = "br-12bda77bf387";
  private static final List<String> LOCAL = List.of("2001:db8:ab11::1", "2001:db8:ab11:0:8000::1");

  private static String resource(String name) throws IOException {
    try (InputStream in = NftablesTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static Nftables captured() throws IOException {
    return Nftables.parse(resource("docker28-nft.json"));
  }

  @Test
  void seedStepsOnly_theRawPreroutingRuleDropsThePing_withItsCounter() throws IOException {
    Verdict v = captured().verdict(Ruleset.ping("eth0", "docker0", "2001:db8:ab11:0:8000::2"), LOCAL);
    assertTrue(v.dropped(), v.describe());
    Rule r = v.by().orElseThrow();
    assertEquals("ip6 raw", r.table());
    assertEquals("PREROUTING", r.chain());
    assertEquals("iifname != \"docker0\" ip6 daddr 2001:db8:ab11:0:8000::2 counter packets 2 bytes 208 drop", r.text());
    assertEquals(2, r.packets());
    assertEquals(208, r.bytes());
    assertEquals(Nftables.BACKEND, r.backend());
    assertTrue(v.describe().contains("table ip6 raw chain PREROUTING: iifname != \"docker0\""), v.describe());
  }

  @Test
  void theSameRuleAsIp6tablesSaveOfTheSameMoment() throws IOException {
    Ruleset ipt = new Ruleset(Map.of("iptables-nft", Ruleset.parseSave(resource("docker28-nft-same.save"), "iptables-nft")),
        List.of(new Ruleset.Route("2001:db8:ab11:0:8000::/66", "docker0"),
            new Ruleset.Route("2001:db8:ab11:0:4000::/67", BRIDGE), new Ruleset.Route("2001:db8:ab11::/64", "eth0")),
        LOCAL, List.of());
    for (String[] c : new String[][] {{"docker0", "2001:db8:ab11:0:8000::2"}, {BRIDGE, "2001:db8:ab11:0:4000::2"},
        {BRIDGE, "2001:db8:ab11:0:4000::3"}}) {
      for (Packet p : List.of(Ruleset.ping("eth0", c[0], c[1]), Packet.tcp("eth0", c[0], Ruleset.address(c[1]), 80),
          Packet.tcp("eth0", c[0], Ruleset.address(c[1]), 81))) {
        Verdict a = ipt.verdict(p);
        Verdict b = captured().verdict(p, LOCAL);
        assertEquals(a.passes(), b.passes(), p + ": " + a.describe() + " / " + b.describe());
        if (a.dropped()) {
          Rule x = a.by().orElseThrow();
          Rule y = b.by().orElseThrow();
          assertEquals("ip6 " + x.table(), y.table(), p.toString());
          assertEquals(x.chain(), y.chain(), p.toString());
          assertEquals(x.packets(), y.packets(), p.toString());
        }
        assertEquals(a.path().size(), b.path().size(), p + ": the same jumps on the way\n" + a.path() + "\n" + b.path());
      }
    }
  }

  @Test
  void aRoutedNetworkLetsInPingAndThePublishedPort_notOthers() throws IOException {
    Nftables n = captured();
    Verdict ping = n.verdict(Ruleset.ping("eth0", BRIDGE, "2001:db8:ab11:0:4000::2"), LOCAL);
    assertTrue(ping.passes(), ping.describe());
    assertEquals("oifname \"br-12bda77bf387\" meta l4proto ipv6-icmp counter packets 1 bytes 104 accept",
        ping.path().get(ping.path().size() - 1).text(), ping.path().toString());
    assertTrue(n.verdict(Packet.tcp("eth0", BRIDGE, Ruleset.address("2001:db8:ab11:0:4000::2"), 80), LOCAL).passes());
    Verdict other = n.verdict(Packet.tcp("eth0", BRIDGE, Ruleset.address("2001:db8:ab11:0:4000::2"), 81), LOCAL);
    assertTrue(other.dropped());
    assertEquals("ip6 filter", other.by().orElseThrow().table());
    assertEquals("DOCKER", other.by().get().chain());
    assertEquals("iifname != \"br-12bda77bf387\" oifname \"br-12bda77bf387\" counter packets 0 bytes 0 drop",
        other.by().get().text());
    // nft 1.0.6 prints iptables-nft's conntrack match as xt: named, assumed not to match (the packet is NEW)
    assertTrue(other.notes().stream().anyMatch(s -> s.contains("xt match conntrack")), other.notes().toString());
  }

  @Test
  void withoutTheRawRule_theDockerChainDropsIt_andThePathShowsTheJumps() throws IOException {
    ObjectNode doc = (ObjectNode) new ObjectMapper().readTree(resource("docker28-nft.json"));
    ArrayNode items = (ArrayNode) doc.get("nftables");
    for (int i = items.size() - 1; i >= 0; i--) {
      JsonNode r = items.get(i).path("rule");
      if (r.path("family").asText().equals("ip6") && r.path("table").asText().equals("raw")) {
        items.remove(i);
      }
    }
    Nftables n = Nftables.parse(doc.toString());
    assertEquals(List.of(), n.rules("ip6 raw", "PREROUTING"), "the raw rule is gone from the copy");
    Verdict v = n.verdict(Ruleset.ping("eth0", "docker0", "2001:db8:ab11:0:8000::2"), LOCAL);
    assertEquals("iifname != \"docker0\" oifname \"docker0\" counter packets 0 bytes 0 drop", v.by().orElseThrow().text());
    assertEquals(List.of("counter packets 2 bytes 208 jump DOCKER-USER", "counter packets 2 bytes 208 jump DOCKER-FORWARD",
        "counter packets 2 bytes 208 jump DOCKER-CT", "counter packets 2 bytes 208 jump DOCKER-ISOLATION-STAGE-1",
        "counter packets 1 bytes 104 jump DOCKER-BRIDGE", "oifname \"docker0\" counter packets 0 bytes 0 jump DOCKER",
        "iifname != \"docker0\" oifname \"docker0\" counter packets 0 bytes 0 drop"),
        v.path().stream().filter(r -> !r.text().contains("return")).map(Rule::text).toList());
  }

  /**
   * Docker 29's own backend ({@code --firewall-backend nftables}) keeps its rules in {@code table
   * ip6 docker-bridges} with verdict maps per bridge. No 29 runs here: this ruleset is written by
   * hand after Docker's documentation of that table, in the JSON {@code nft -j} prints.
   */
  private static final String DOCKER29 = """
      {"nftables": [
       {"table": {"family": "ip6", "name": "docker-bridges", "handle": 9}},
       {"map": {"family": "ip6", "name": "filter-forward-out-jumps", "table": "docker-bridges", "type": "ifname",
         "map": "verdict", "elem": [["docker0", {"jump": {"target": "filter-forward-out__docker0"}}]]}},
       {"chain": {"family": "ip6", "table": "docker-bridges", "name": "raw-PREROUTING", "type": "filter",
         "hook": "prerouting", "prio": -300, "policy": "accept"}},
       {"chain": {"family": "ip6", "table": "docker-bridges", "name": "filter-FORWARD", "type": "filter",
         "hook": "forward", "prio": 0, "policy": "accept"}},
       {"chain": {"family": "ip6", "table": "docker-bridges", "name": "filter-forward-out__docker0"}},
       {"rule": {"family": "ip6", "table": "docker-bridges", "chain": "filter-FORWARD", "expr": [
         {"vmap": {"key": {"meta": {"key": "oifname"}}, "data": "@filter-forward-out-jumps"}}]}},
       {"rule": {"family": "ip6", "table": "docker-bridges", "chain": "filter-forward-out__docker0", "expr": [
         {"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": ["established", "related"]}},
         {"counter": {"packets": 0, "bytes": 0}}, {"accept": null}]}},
       {"rule": {"family": "ip6", "table": "docker-bridges", "chain": "filter-forward-out__docker0", "expr": [
         {"match": {"op": "==", "left": {"meta": {"key": "l4proto"}}, "right": "ipv6-icmp"}},
         {"match": {"op": "==", "left": {"payload": {"protocol": "ip6", "field": "daddr"}},
           "right": {"set": [{"prefix": {"addr": "2001:db8:ab11:0:8000::", "len": 67}}, "2001:db8:ab11:0:a000::9"]}}},
         {"counter": {"packets": 0, "bytes": 0}}, {"accept": null}]}},
       {"rule": {"family": "ip6", "table": "docker-bridges", "chain": "filter-forward-out__docker0", "expr": [
         {"counter": {"packets": 5, "bytes": 520}}, {"drop": null}, {"comment": "zone-drop"}]}}
      ]}""";

  @Test
  void docker29sOwnTable_verdictMapsSetsAndCtState() {
    Nftables n = Nftables.parse(DOCKER29);
    assertEquals(List.of("ip6 docker-bridges"), n.tables());
    assertTrue(n.verdict(Ruleset.ping("eth0", "docker0", "2001:db8:ab11:0:8000::2"), LOCAL).passes(), "in the set's prefix");
    assertTrue(n.verdict(Ruleset.ping("eth0", "docker0", "2001:db8:ab11:0:a000::9"), LOCAL).passes(), "the set's address");
    Verdict v = n.verdict(Ruleset.ping("eth0", "docker0", "2001:db8:ab11:0:a000::2"), LOCAL);
    assertTrue(v.dropped());
    assertEquals("ip6 docker-bridges", v.by().orElseThrow().table());
    assertEquals("filter-forward-out__docker0", v.by().get().chain());
    assertEquals(5, v.by().get().packets());
    assertEquals("oifname vmap @filter-forward-out-jumps", v.path().get(0).text());
    assertTrue(n.verdict(Ruleset.ping("eth0", "br-other", "2001:db8:ab11:0:a000::2"), LOCAL).passes(),
        "no map element for the interface: the base chain's policy accepts");
  }

  @Test
  void nextToIptables_onlyTheTablesIptablesDoesNotShowAreEvaluatedAgain() throws IOException {
    String both = resource("docker28-nft.json").replaceFirst("\\]\\}\\s*$", "," + DOCKER29.substring(
        DOCKER29.indexOf('[') + 1, DOCKER29.lastIndexOf(']')) + "]}");
    Nftables others = Nftables.parse(both).without(Firewall.IPTABLES_TABLES::contains);
    assertFalse(others.tables().contains("ip6 raw"));
    assertTrue(others.tables().contains("ip6 docker-bridges"));
    // a host where Docker 29 writes nftables only: ip6tables-nft shows empty tables with ACCEPT policies
    Ruleset rs = new Ruleset(Map.of("iptables-nft", Ruleset.parseSave("*filter\n:FORWARD ACCEPT [0:0]\nCOMMIT\n",
        "iptables-nft")), Optional.of(others), List.of(new Ruleset.Route("2001:db8:ab11:0:a000::/67", "docker0")), LOCAL,
        List.of());
    assertTrue(rs.verdictTcp("eth0", "2001:db8:ab11:0:a000::9", 80).dropped(), "not ICMPv6: docker-bridges drops it");
    assertTrue(rs.verdict("eth0", "2001:db8:ab11:0:a000::9").passes(), "the 28 capture's own tables are not evaluated again");
    Verdict v = rs.verdict("eth0", "2001:db8:ab11:0:a000::2");
    assertEquals(Nftables.BACKEND, v.by().orElseThrow().backend(), v.describe());
    assertEquals("filter-forward-out__docker0", v.by().get().chain());
    assertFalse(rs.empty());
  }

  @Test
  void badInputIsAClearError() {
    SixkitException e = assertThrows(SixkitException.class, () -> Nftables.parse("table ip6 raw {"));
    assertTrue(e.getMessage().contains("not JSON"), e.getMessage());
    SixkitException e2 = assertThrows(SixkitException.class, () -> Nftables.parse("{\"tables\": []}"));
    assertTrue(e2.getMessage().contains("nftables"), e2.getMessage());
  }
}
