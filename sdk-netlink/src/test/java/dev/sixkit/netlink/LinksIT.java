package dev.sixkit.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sixkit.netlink.internal.Errno;
import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.netlink.testing.TestNetns;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Links against the real kernel, in namespaces made for each test: every read compared with
 * {@code ip -json -d link show} of the same namespace, every write read back with {@code ip
 * -json}, and every refused call checked to have changed nothing.
 */
class LinksIT {
  private TestNetns netns;
  private Netns a;
  private Netns b;
  private Netlink nl;

  @BeforeEach
  void setUp() {
    netns = new TestNetns();
    a = netns.create("lka");
    b = netns.create("lkb");
    nl = Netlink.open(a);
  }

  @AfterEach
  void tearDown() {
    try {
      if (nl != null) {
        nl.close();
      }
    } finally {
      netns.close();
    }
  }

  // ------------------------------------------------------------ the ip witness

  private static JsonNode ipLink(String ns, String name) {
    JsonNode arr = Ip.json(ns, "-d", "link", "show", "dev", name);
    assertEquals(1, arr.size(), "ip shows one " + name + " in " + ns);
    return arr.get(0);
  }

  private static boolean ipHas(String ns, String name) {
    return Ip.tryRun(ns, "link", "show", "dev", name).exit() == 0;
  }

  /** ip's view of all links, as stable text, for "nothing changed" checks. */
  private static String snapshot(String ns) {
    return Ip.json(ns, "link", "show").toString();
  }

  private static void eq(List<String> d, String field, Object ip, Object ours) {
    if (!ip.equals(ours)) {
      d.add(field + ": ip " + ip + ", ours " + ours);
    }
  }

  /** Every difference between our Link and ip's JSON object of the same link. */
  static List<String> diff(Link l, JsonNode j, Map<Integer, String> names) {
    List<String> d = new ArrayList<>();
    eq(d, "ifindex", j.path("ifindex").asInt(), l.index());
    eq(d, "ifname", j.path("ifname").asText(), l.name());
    eq(d, "mtu", j.path("mtu").asInt(), l.mtu());
    eq(d, "address", j.path("address").asText(""), l.mac());
    eq(d, "broadcast", j.path("broadcast").asText(""), l.broadcast());
    List<String> flags = new ArrayList<>();
    j.path("flags").forEach(f -> flags.add(f.asText()));
    flags.remove("M-DOWN"); // ip's note that the same-namespace peer is down: not a flag of this link
    eq(d, "flags", flags, l.flagNames());
    eq(d, "operstate", j.path("operstate").asText(), l.operState());
    eq(d, "master", j.path("master").asText(""), l.masterIndex() == 0 ? "" : names.get(l.masterIndex()));
    if (j.has("link_index")) {
      eq(d, "link_index", j.get("link_index").asInt(), l.linkIndex());
    } else if (j.has("link") && !j.get("link").isNull()) {
      eq(d, "link", j.get("link").asText(), String.valueOf(names.get(l.linkIndex())));
    } else {
      eq(d, "link", 0, l.linkIndex());
    }
    eq(d, "link_netnsid", j.has("link_netnsid") ? j.get("link_netnsid").asInt() : -1, l.linkNetnsId());
    JsonNode info = j.path("linkinfo");
    eq(d, "info_kind", info.path("info_kind").asText(""), l.kind());
    eq(d, "info_slave_kind", info.path("info_slave_kind").asText(""), l.slaveKind());
    eq(d, "txqlen", j.path("txqlen").asInt(0), l.txQueueLen());
    eq(d, "group", j.path("group").asText(), l.group() == 0 ? "default" : Integer.toString(l.group()));
    eq(d, "ifalias", j.path("ifalias").asText(""), l.alias());
    eq(d, "qdisc", j.path("qdisc").asText(""), l.qdisc());
    eq(d, "link_type", j.path("link_type").asText(), l.linkType());
    eq(d, "linkmode", j.path("linkmode").asText(), l.linkMode());
    eq(d, "min_mtu", j.path("min_mtu").asInt(0), l.minMtu());
    eq(d, "max_mtu", j.path("max_mtu").asInt(0), l.maxMtu());
    eq(d, "promiscuity", j.path("promiscuity").asInt(0), l.promiscuity());
    eq(d, "num_tx_queues", j.path("num_tx_queues").asInt(0), l.numTxQueues());
    eq(d, "num_rx_queues", j.path("num_rx_queues").asInt(0), l.numRxQueues());
    List<String> alt = new ArrayList<>();
    j.path("altnames").forEach(n -> alt.add(n.asText()));
    eq(d, "altnames", alt, l.altNames());
    return d;
  }

  private static Map<Integer, String> names(List<Link> links) {
    Map<Integer, String> m = new HashMap<>();
    links.forEach(l -> m.put(l.index(), l.name()));
    return m;
  }

  private static List<String> diffAll(List<Link> ours, JsonNode ip) {
    List<String> d = new ArrayList<>();
    Map<Integer, JsonNode> byIndex = new HashMap<>();
    ip.forEach(j -> byIndex.put(j.path("ifindex").asInt(), j));
    TreeSet<Integer> ourIdx = new TreeSet<>();
    ours.forEach(l -> ourIdx.add(l.index()));
    eq(d, "indexes", new TreeSet<>(byIndex.keySet()), ourIdx);
    Map<Integer, String> names = names(ours);
    for (Link l : ours) {
      JsonNode j = byIndex.get(l.index());
      if (j != null) {
        diff(l, j, names).forEach(x -> d.add(l.name() + " " + x));
      }
    }
    return d;
  }

  /**
   * Compares a read with ip's, reading both again for a while when they differ: carrier and
   * operstate settle asynchronously after a link comes up.
   */
  private static void assertMatchesIp(Supplier<List<String>> compare) {
    List<String> last = null;
    for (int i = 0; i < 40; i++) {
      last = compare.get();
      if (last.isEmpty()) {
        return;
      }
      sleep(100);
    }
    fail("differs from ip -json -d link show: " + last);
  }

  private void assertListMatchesIp(Netlink client, Netns ns) {
    assertMatchesIp(() -> diffAll(client.links().list(), Ip.json(ns.name(), "-d", "link", "show")));
  }

  private static void assertLinkMatchesIp(Netlink client, Netns ns, String name) {
    assertMatchesIp(() -> {
      Link l = client.links().get(name);
      return diff(l, ipLink(ns.name(), name), names(client.links().list()));
    });
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Runs a call that must fail, checks errno, and that neither namespace changed. */
  private NetlinkException refused(int errno, Executable call) {
    String beforeA = snapshot(a.name());
    String beforeB = snapshot(b.name());
    NetlinkException e = assertThrows(NetlinkException.class, call);
    assertEquals(Errno.name(errno), e.errnoName(), e.getMessage());
    assertEquals(beforeA, snapshot(a.name()), "nothing changed in " + a.name() + " after: " + e.getMessage());
    assertEquals(beforeB, snapshot(b.name()), "nothing changed in " + b.name() + " after: " + e.getMessage());
    return e;
  }

  private static void assertMentions(NetlinkException e, String... words) {
    for (String w : words) {
      assertTrue(e.getMessage().contains(w), "message names " + w + ": " + e.getMessage());
    }
  }

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

  private static List<String> flags(JsonNode j) {
    List<String> f = new ArrayList<>();
    j.path("flags").forEach(x -> f.add(x.asText()));
    return f;
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

  // ------------------------------------------------------------ bad input

  @Test
  void unknownInterfaceIsEnodevNamingItAndTheNamespace() {
    Ip.run(a.name(), "link", "add", "br0", "type", "bridge");
    Ip.run(a.name(), "link", "add", "k0", "type", "veth", "peer", "name", "k1");
    LinkRef nope = nl.links().link("nope");
    List<Executable> calls = List.of(
        () -> nl.links().get("nope"), nope::get, nope::up, nope::down, () -> nope.mtu(1400),
        () -> nope.mac("02:00:00:00:00:01"), () -> nope.master("br0"), nope::nomaster, () -> nope.alias("x"),
        () -> nope.txQueueLen(10), () -> nope.rename("other"), () -> nope.moveTo(b), () -> nope.moveTo(b, "x"),
        nope::delete, nope::peer);
    for (Executable c : calls) {
      NetlinkException e = refused(Errno.ENODEV, c);
      assertMentions(e, "'nope'", a.name());
      assertEquals("nope", e.object());
      assertTrue(e.isNotFound());
    }
    NetlinkException e = refused(Errno.ENODEV, () -> nl.links().get(99999));
    assertMentions(e, "index 99999", a.name());
    e = refused(Errno.ENODEV, () -> nl.links().link(99999).up());
    assertMentions(e, "index 99999", a.name());
    // An unknown master is named too, and the port is left alone.
    e = refused(Errno.ENODEV, () -> nl.links().link("k0").master("nobridge"));
    assertMentions(e, "'nobridge'", a.name());
  }

  @Test
  void duplicateCreateIsEexistAndChangesNothing() {
    Ip.run(a.name(), "link", "add", "dup0", "type", "veth", "peer", "name", "dup1");
    Ip.run(b.name(), "link", "add", "taken", "type", "veth", "peer", "name", "taken1");
    Ip.run(a.name(), "link", "add", "br0", "type", "bridge");
    NetlinkException e = refused(Errno.EEXIST, () -> nl.links().veth("dup0").peer("fresh").create());
    assertMentions(e, "'dup0'", a.name());
    assertTrue(e.isAlreadyExists());
    e = refused(Errno.EEXIST, () -> nl.links().veth("fresh").peer("dup1").create());
    assertMentions(e, "'dup1'", a.name());
    e = refused(Errno.EEXIST, () -> nl.links().veth("fresh").peer("taken").peerNetns(b).create());
    assertMentions(e, "'taken'", b.name());
    e = refused(Errno.EEXIST, () -> nl.links().bridge("br0").create());
    assertMentions(e, "'br0'", a.name());
    NetlinkException last = refused(Errno.EEXIST, () -> nl.links().bridge("dup0").create());
    assertMentions(last, "'dup0'", a.name());
    // The kernel's own text, when it sends one, is carried along.
    last.kernelMessage().ifPresent(k -> assertTrue(last.getMessage().contains(k)));
  }

  @Test
  void deleteOfMissingLinkIsEnodev() {
    Ip.run(a.name(), "link", "add", "z0", "type", "veth", "peer", "name", "z1");
    NetlinkException e = refused(Errno.ENODEV, () -> nl.links().link("gone0").delete());
    assertMentions(e, "'gone0'", a.name());
    assertEquals("delete link", e.operation());
    e = refused(Errno.ENODEV, () -> nl.links().link(99999).delete());
    assertMentions(e, "99999", a.name());
    assertTrue(ipHas(a.name(), "z0"));
  }

  @Test
  void kernelRefusalsCarryItsTextAndChangeNothing() {
    Ip.run(a.name(), "link", "add", "k0", "type", "veth", "peer", "name", "k1");
    Ip.run(a.name(), "link", "add", "k2", "type", "veth", "peer", "name", "k3");
    Ip.run(b.name(), "link", "add", "k0", "type", "veth", "peer", "name", "b1");
    NetlinkException e = refused(Errno.EINVAL, () -> nl.links().link("k0").mtu(10));
    assertTrue(e.kernelMessage().orElseThrow().contains("mtu less than device minimum"), e.getMessage());
    assertMentions(e, "k0", e.kernelMessage().orElseThrow());
    e = refused(Errno.EINVAL, () -> nl.links().link("k0").mtu(70000));
    assertTrue(e.kernelMessage().orElseThrow().contains("mtu greater than device maximum"), e.getMessage());
    // On create the kernel refuses a bad MTU without a word: it is checked before sending.
    assertMentions(refused(Errno.EINVAL, () -> nl.links().veth("k8").mtu(10).peer("k9").create()), "68 to 65535");
    refused(Errno.EINVAL, () -> nl.links().veth("k8").peer("k9").peerMtu(65536).create());
    refused(Errno.EINVAL, () -> nl.links().bridge("k8").mtu(67).create());
    refused(Errno.EADDRNOTAVAIL, () -> nl.links().link("k0").mac("01:00:5e:00:00:01"));
    e = refused(Errno.EOPNOTSUPP, () -> nl.links().link("k0").master("k2"));
    assertMentions(e, "'k2'");
    e = refused(Errno.EEXIST, () -> nl.links().link("k0").rename("k2"));
    assertMentions(e, "'k2'", a.name());
    // A name taken in the target namespace: the link stays here, under its own name.
    e = refused(Errno.EEXIST, () -> nl.links().link("k0").moveTo(b));
    assertMentions(e, "'k0'", b.name());
    e = refused(Errno.EEXIST, () -> nl.links().link("k2").moveTo(b, "b1"));
    assertMentions(e, "'b1'", b.name());
    assertTrue(ipHas(a.name(), "k2"));
  }

  @Test
  void invalidInputIsRejectedBeforeAnythingIsSent() {
    Ip.run(a.name(), "link", "add", "ok0", "type", "veth", "peer", "name", "ok1");
    for (String bad : List.of("", "a b", "a/b", "x:1", "..", "sixteen-chars-16")) {
      assertMentions(refused(Errno.EINVAL, () -> nl.links().veth(bad).peer("p").create()), "interface name");
      refused(Errno.EINVAL, () -> nl.links().veth("ok9").peer(bad).create());
      refused(Errno.EINVAL, () -> nl.links().bridge(bad).create());
      refused(Errno.EINVAL, () -> nl.links().link(bad).up());
      refused(Errno.EINVAL, () -> nl.links().link("ok0").rename(bad));
      refused(Errno.EINVAL, () -> nl.links().link("ok0").moveTo(b, bad));
      refused(Errno.EINVAL, () -> nl.links().link("ok0").master(bad));
      refused(Errno.EINVAL, () -> nl.links().find(bad));
    }
    assertMentions(refused(Errno.EINVAL, () -> nl.links().veth("same").peer("same").create()), "different names");
    refused(Errno.EINVAL, () -> nl.links().link("ok0").mtu(0));
    refused(Errno.EINVAL, () -> nl.links().link("ok0").mac("02:00:00:00:00"));
    refused(Errno.EINVAL, () -> nl.links().link("ok0").txQueueLen(-1));
    refused(Errno.ENOENT, () -> nl.links().veth("ok9").peer("p").peerNetns("sxt-no-such-ns").create());
    assertNotNull(nl.links().get("ok0"));
  }
}
