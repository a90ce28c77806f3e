package dev.sixkit.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sixkit.netlink.testing.Ip;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Links against the real kernel, in namespaces made for each test: every read compared with
 * {@code ip -json -d link show} of the same namespace, every write read back with {@code ip
 * -json}. Refused calls are in {@link LinkRefusalsIT}.
 */
class LinksIT extends LinkFixture {
  // ------------------------------------------------------------ reads

  @Test
  void listAndGetMatchIp() {
    String ns = a.name();
    Ip.run(ns, "link", "add", "v0", "type", "veth", "peer", "name", "v1");
    Ip.run(ns, "link", "add", "x0", "type", "veth", "peer", "name", "x1", "netns", b.name());
    Ip.run(ns, "link", "add", "br0", "type", "bridge");
    Ip.run(ns, "link", "set", "v1", "master", "br0");
    Ip.run(ns, "link", "set", "br0", "alias", "lab bridge");
    Ip.run(ns, "link", "property", "add", "dev", "br0", "altname", "bridge-zero");
    Ip.run(ns, "link", "set", "v0", "txqueuelen", "321", "group", "5", "mtu", "1400");
    for (String l : List.of("v0", "v1", "br0", "x0")) {
      Ip.run(ns, "link", "set", l, "up");
    }
    assertListMatchesIp(nl, a);
    try (Netlink nb = Netlink.open(b)) {
      assertListMatchesIp(nb, b);
    }
    for (String name : List.of("lo", "v0", "v1", "br0", "x0")) {
      assertLinkMatchesIp(nl, a, name);
      int index = ipLink(ns, name).path("ifindex").asInt();
      assertEquals(index, nl.links().index(name));
      assertEquals(name, nl.links().get(index).name());
      assertEquals(name, nl.links().find(index).orElseThrow().name());
      assertTrue(nl.links().exists(name));
    }
    Link v1 = nl.links().get("v1");
    assertEquals("bridge", v1.slaveKind());
    assertEquals(nl.links().index("br0"), v1.masterIndex());
    assertEquals(List.of("bridge-zero"), nl.links().get("br0").altNames());
    assertEquals("lab bridge", nl.links().get("br0").alias());
    assertEquals(321, nl.links().get("v0").txQueueLen());
    assertEquals(5, nl.links().get("v0").group());
    assertEquals(Optional.empty(), nl.links().find("nope"));
    assertEquals(Optional.empty(), nl.links().find(99999));
    assertFalse(nl.links().exists("nope"));
  }

  @Test
  void peerIsReadInItsOwnNamespace() {
    Ip.run(a.name(), "link", "add", "v0", "type", "veth", "peer", "name", "v1");
    Ip.run(a.name(), "link", "add", "x0", "type", "veth", "peer", "name", "x1", "netns", b.name());
    Link v0 = nl.links().get("v0");
    assertEquals(nl.links().get("v1"), nl.links().peer(v0).orElseThrow());
    assertEquals("v1", nl.links().link("v0").peer().orElseThrow().name());
    Link x1 = nl.links().peer(nl.links().get("x0")).orElseThrow();
    JsonNode ip = ipLink(b.name(), "x1");
    assertEquals(ip.path("ifindex").asInt(), x1.index());
    assertEquals("x1", x1.name());
    assertEquals(ip.path("address").asText(), x1.mac());
    assertEquals(ip.path("mtu").asInt(), x1.mtu());
    assertEquals(nl.links().index("x0"), x1.linkIndex());
    assertEquals(Optional.empty(), nl.links().peer(nl.links().get("lo")));
  }

  // ------------------------------------------------------------ creation

  @Test
  void vethWithPeerCreatedInAnotherNamespace() {
    Links.VethPair pair = nl.links().veth("eth0").mtu(1400).mac("02:00:00:00:0a:01")
        .peer("eth0").peerMtu(1300).peerMac("02:00:00:00:0b:01").peerNetns(b).create();
    JsonNode ea = ipLink(a.name(), "eth0");
    JsonNode eb = ipLink(b.name(), "eth0");
    assertEquals("veth", ea.path("linkinfo").path("info_kind").asText());
    assertEquals("veth", eb.path("linkinfo").path("info_kind").asText());
    assertEquals(1400, ea.path("mtu").asInt());
    assertEquals(1300, eb.path("mtu").asInt());
    assertEquals("02:00:00:00:0a:01", ea.path("address").asText());
    assertEquals("02:00:00:00:0b:01", eb.path("address").asText());
    // Linked to each other across the namespaces.
    assertEquals(eb.path("ifindex").asInt(), ea.path("link_index").asInt());
    assertEquals(ea.path("ifindex").asInt(), eb.path("link_index").asInt());
    assertTrue(ea.has("link_netnsid") && eb.has("link_netnsid"));
    // What create() returned is what ip sees on each side.
    assertEquals(List.of(), diff(pair.local(), ipLink(a.name(), "eth0"), names(nl.links().list())));
    try (Netlink nb = Netlink.open(b)) {
      assertEquals(List.of(), diff(pair.peer(), ipLink(b.name(), "eth0"), names(nb.links().list())));
      assertListMatchesIp(nb, b);
    }
    assertListMatchesIp(nl, a);
  }

  @Test
  void vethPeerNamespaceByName() {
    Links.VethPair pair = nl.links().veth("h0").peer("h1").peerNetns(b.name()).create();
    assertTrue(ipHas(b.name(), "h1"));
    assertFalse(ipHas(a.name(), "h1"));
    assertEquals(ipLink(b.name(), "h1").path("ifindex").asInt(), pair.peer().index());
    assertEquals(pair.peer().index(), pair.local().linkIndex());
  }

  @Test
  void vethInOneNamespaceComesUpWhenAsked() {
    Links.VethPair pair = nl.links().veth("a0").up().peer("a1").create();
    JsonNode a0 = ipLink(a.name(), "a0");
    JsonNode a1 = ipLink(a.name(), "a1");
    assertEquals("a1", a0.path("link").asText());
    assertEquals("a0", a1.path("link").asText());
    assertTrue(flags(a0).contains("UP"));
    assertFalse(flags(a1).contains("UP"));
    assertEquals(a0.path("ifindex").asInt(), pair.local().index());
    assertEquals(a1.path("ifindex").asInt(), pair.peer().index());
    assertTrue(pair.local().isUp());
    assertEquals(pair.peer().index(), pair.local().linkIndex());
    assertEquals(-1, pair.local().linkNetnsId());
    assertListMatchesIp(nl, a);
  }

  @Test
  void bridgeAndEnslavedVeth() {
    Link br = nl.links().bridge("br0").mac("02:00:00:00:0c:01").up().create();
    JsonNode ip = ipLink(a.name(), "br0");
    assertEquals("bridge", ip.path("linkinfo").path("info_kind").asText());
    assertEquals("02:00:00:00:0c:01", ip.path("address").asText());
    assertTrue(flags(ip).contains("UP"));
    assertEquals(ip.path("ifindex").asInt(), br.index());
    assertEquals("bridge", br.kind());

    nl.links().veth("p0").peer("p1").create();
    nl.links().link("p0").master("br0");
    JsonNode p0 = ipLink(a.name(), "p0");
    assertEquals("br0", p0.path("master").asText());
    assertEquals("bridge", p0.path("linkinfo").path("info_slave_kind").asText());
    assertEquals(br.index(), nl.links().get("p0").masterIndex());
    assertLinkMatchesIp(nl, a, "p0");

    nl.links().link("p0").nomaster();
    assertFalse(ipLink(a.name(), "p0").has("master"));
    assertEquals(0, nl.links().get("p0").masterIndex());
    assertListMatchesIp(nl, a);
  }

  @Test
  void bridgeWithMtu() {
    nl.links().bridge("br1").mtu(1400).create();
    assertEquals(1400, ipLink(a.name(), "br1").path("mtu").asInt());
  }

  // ------------------------------------------------------------ changes

  @Test
  void mtuMacAliasTxqlenUpDown() {
    nl.links().veth("c0").peer("c1").create();
    LinkRef c0 = nl.links().link("c0");
    c0.mtu(1280);
    assertEquals(1280, ipLink(a.name(), "c0").path("mtu").asInt());
    c0.mac("02:00:00:00:0d:01");
    assertEquals("02:00:00:00:0d:01", ipLink(a.name(), "c0").path("address").asText());
    c0.alias("to the lab");
    assertEquals("to the lab", ipLink(a.name(), "c0").path("ifalias").asText());
    c0.alias("");
    assertFalse(ipLink(a.name(), "c0").has("ifalias"));
    // IFALIASZ - 1 = 255 bytes is the most the kernel keeps, as ip: 255 works, 256 is refused
    String longest = "a".repeat(250) + "\u00e9\u00e9a"; // 255 bytes, 253 characters
    c0.alias(longest);
    assertEquals(longest, ipLink(a.name(), "c0").path("ifalias").asText());
    assertEquals(longest, nl.links().get("c0").alias());
    Ip.run(a.name(), "link", "set", "c0", "alias", "b".repeat(255));
    assertEquals("b".repeat(255), nl.links().get("c0").alias(), "ip takes 255 bytes too");
    NetlinkException tooLong = assertThrows(NetlinkException.class, () -> c0.alias("c".repeat(256)));
    assertEquals("EINVAL", tooLong.errnoName());
    assertTrue(tooLong.getMessage().contains("256 bytes"), tooLong.getMessage());
    assertTrue(Ip.tryRun(a.name(), "link", "set", "c0", "alias", "c".repeat(256)).exit() != 0, "ip refuses 256");
    assertEquals("b".repeat(255), ipLink(a.name(), "c0").path("ifalias").asText(), "left as it was");
    c0.alias("");
    assertFalse(ipLink(a.name(), "c0").has("ifalias"));
    c0.txQueueLen(42);
    assertEquals(42, ipLink(a.name(), "c0").path("txqlen").asInt());

    c0.up();
    assertTrue(flags(ipLink(a.name(), "c0")).contains("UP"));
    assertTrue(c0.get().isUp());
    nl.links().link("c1").up();
    assertMatchesIp(() -> flags(ipLink(a.name(), "c0")).contains("LOWER_UP") ? List.of() : List.of("c0 not LOWER_UP"));
    assertLinkMatchesIp(nl, a, "c0");
    c0.down();
    assertFalse(flags(ipLink(a.name(), "c0")).contains("UP"));
    assertFalse(c0.get().isUp());

    // By index, chained.
    int idx = ipLink(a.name(), "c1").path("ifindex").asInt();
    nl.links().link(idx).mtu(1300).down().alias("peer");
    JsonNode c1 = ipLink(a.name(), "c1");
    assertEquals(1300, c1.path("mtu").asInt());
    assertEquals("peer", c1.path("ifalias").asText());
    assertFalse(flags(c1).contains("UP"));
    assertListMatchesIp(nl, a);
  }

  @Test
  void rename() {
    nl.links().veth("r0").peer("r1").create();
    int idx = ipLink(a.name(), "r0").path("ifindex").asInt();
    LinkRef renamed = nl.links().link("r0").rename("uplink");
    assertFalse(ipHas(a.name(), "r0"));
    assertEquals(idx, ipLink(a.name(), "uplink").path("ifindex").asInt());
    assertEquals("uplink", ipLink(a.name(), "r1").path("link").asText());
    // The returned reference follows the new name.
    renamed.mtu(1400);
    assertEquals(1400, ipLink(a.name(), "uplink").path("mtu").asInt());
    assertEquals("uplink", renamed.get().name());
    // Renaming an interface that is up works on this kernel too.
    nl.links().link("uplink").up().rename("wan0");
    assertEquals(idx, ipLink(a.name(), "wan0").path("ifindex").asInt());
    assertListMatchesIp(nl, a);
  }

  @Test
  void moveToAnotherNamespace() {
    nl.links().veth("m0").mac("02:00:00:00:0e:01").peer("m1").create();
    nl.links().link("m0").moveTo(b);
    assertFalse(ipHas(a.name(), "m0"));
    JsonNode m0 = ipLink(b.name(), "m0");
    assertEquals("02:00:00:00:0e:01", m0.path("address").asText());
    JsonNode m1 = ipLink(a.name(), "m1");
    assertEquals(m0.path("ifindex").asInt(), m1.path("link_index").asInt());
    assertTrue(m1.has("link_netnsid"));
    assertListMatchesIp(nl, a);

    // The other end follows under a new name: both now in b, linked by name there.
    nl.links().link("m1").moveTo(b, "moved");
    assertFalse(ipHas(a.name(), "m1"));
    assertFalse(ipHas(b.name(), "m1"));
    assertEquals("m0", ipLink(b.name(), "moved").path("link").asText());
    assertEquals("moved", ipLink(b.name(), "m0").path("link").asText());
    try (Netlink nb = Netlink.open(b)) {
      assertListMatchesIp(nb, b);
      // And back, by index, from the other side.
      nb.links().link(nb.links().index("moved")).moveTo(a, "back");
    }
    assertTrue(ipHas(a.name(), "back"));
    assertFalse(ipHas(b.name(), "moved"));
  }

  @Test
  void deleteTakesThePeerAlong() {
    nl.links().veth("d0").peer("d1").create();
    nl.links().bridge("dbr").create();
    nl.links().link("d0").delete();
    assertFalse(ipHas(a.name(), "d0"));
    assertFalse(ipHas(a.name(), "d1"));
    nl.links().link(nl.links().index("dbr")).delete();
    assertFalse(ipHas(a.name(), "dbr"));
    assertFalse(nl.links().link("dbr").deleteIfExists());
    nl.links().veth("e0").peer("e1").create();
    assertTrue(nl.links().link("e1").deleteIfExists());
    assertFalse(ipHas(a.name(), "e0"));
    assertListMatchesIp(nl, a);
  }
}
