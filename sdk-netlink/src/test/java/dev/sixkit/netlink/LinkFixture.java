package dev.sixkit.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.function.Executable;

/**
 * The shared fixture of {@link LinksIT} and {@link LinkRefusalsIT}: two fresh namespaces per test,
 * a client in the first, and the {@code ip -json -d link show} witness every read and write is
 * compared with.
 */
abstract class LinkFixture {
  TestNetns netns;
  Netns a;
  Netns b;
  Netlink nl;

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

  static JsonNode ipLink(String ns, String name) {
    JsonNode arr = Ip.json(ns, "-d", "link", "show", "dev", name);
    assertEquals(1, arr.size(), "ip shows one " + name + " in " + ns);
    return arr.get(0);
  }

  static boolean ipHas(String ns, String name) {
    return Ip.tryRun(ns, "link", "show", "dev", name).exit() == 0;
  }

  /** ip's view of all links, as stable text, for "nothing changed" checks. */
  static String snapshot(String ns) {
    return Ip.json(ns, "link", "show").toString();
  }

  static void eq(List<String> d, String field, Object ip, Object ours) {
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

  static Map<Integer, String> names(List<Link> links) {
    Map<Integer, String> m = new HashMap<>();
    links.forEach(l -> m.put(l.index(), l.name()));
    return m;
  }

  static List<String> diffAll(List<Link> ours, JsonNode ip) {
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
  static void assertMatchesIp(Supplier<List<String>> compare) {
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

  static void assertListMatchesIp(Netlink client, Netns ns) {
    assertMatchesIp(() -> diffAll(client.links().list(), Ip.json(ns.name(), "-d", "link", "show")));
  }

  static void assertLinkMatchesIp(Netlink client, Netns ns, String name) {
    assertMatchesIp(() -> {
      Link l = client.links().get(name);
      return diff(l, ipLink(ns.name(), name), names(client.links().list()));
    });
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Runs a call that must fail, checks errno, and that neither namespace changed. */
  NetlinkException refused(int errno, Executable call) {
    String beforeA = snapshot(a.name());
    String beforeB = snapshot(b.name());
    NetlinkException e = assertThrows(NetlinkException.class, call);
    assertEquals(Errno.name(errno), e.errnoName(), e.getMessage());
    assertEquals(beforeA, snapshot(a.name()), "nothing changed in " + a.name() + " after: " + e.getMessage());
    assertEquals(beforeB, snapshot(b.name()), "nothing changed in " + b.name() + " after: " + e.getMessage());
    return e;
  }

  static void assertMentions(NetlinkException e, String... words) {
    for (String w : words) {
      assertTrue(e.getMessage().contains(w), "message names " + w + ": " + e.getMessage());
    }
  }

  static List<String> flags(JsonNode j) {
    List<String> f = new ArrayList<>();
    j.path("flags").forEach(x -> f.add(x.asText()));
    return f;
  }
}
