package dev.sixkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sixkit.netlink.Netlink;
import dev.sixkit.netlink.Netns;
import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.netlink.testing.Root;
import dev.sixkit.netlink.testing.TestNetns;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the real CLI entry point in-process against a namespace this test creates, and compares
 * what it prints with {@code ip -json} of the same namespace.
 */
class ShowCommandIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TestNetns namespaces;
  private String ns;

  static CliRun sixkit(String... args) {
    return CliRun.sixkit(args);
  }

  @BeforeEach
  void setUp() {
    Root.require();
    namespaces = new TestNetns();
    ns = namespaces.create("cli").name();
    Ip.run(ns, "link", "add", "eth0", "type", "veth", "peer", "name", "peer0");
    Ip.run(ns, "link", "set", "eth0", "up");
    Ip.run(ns, "link", "set", "peer0", "mtu", "1400", "up");
    // Operstate follows carrier through the kernel's linkwatch, which may lag: wait for it.
    for (int i = 0; i < 100 && !Ip.json(ns, "link", "show", "eth0").get(0).get("operstate").asText().equals("UP"); i++) {
      sleep(50);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @AfterEach
  void tearDown() {
    namespaces.close();
    assertFalse(Netns.exists(ns), "the test namespace must be gone");
  }

  @Test
  void showLinksJsonMatchesIp() throws Exception {
    CliRun r = sixkit("show", "links", "--netns", ns, "--json");
    assertEquals(0, r.exit(), r.err());
    assertEquals("", r.err());
    JsonNode mine = JSON.readTree(r.out());
    JsonNode ip = Ip.json(ns, "link");
    assertEquals(ip.size(), mine.size(), "same number of links as ip: " + r.out());
    Map<Integer, JsonNode> byIndex = new HashMap<>();
    mine.forEach(l -> byIndex.put(l.get("ifindex").asInt(), l));
    for (JsonNode want : ip) {
      JsonNode got = byIndex.get(want.get("ifindex").asInt());
      assertNotNull(got, "ifindex " + want.get("ifindex") + " missing from " + r.out());
      for (String f : List.of("ifname", "mtu", "address", "operstate", "link_type", "link")) {
        assertEquals(want.get(f), got.get(f), f + " of " + want.get("ifname"));
      }
      assertEquals(strings(want.get("flags")), strings(got.get("flags")), "flags of " + want.get("ifname"));
    }
    assertEquals(1400, byIndex.values().stream().filter(l -> l.get("ifname").asText().equals("peer0"))
        .findFirst().orElseThrow().get("mtu").asInt());
  }

  @Test
  void showLinksTextReadsLikeIp() {
    CliRun r = sixkit("show", "links", "--netns", ns);
    assertEquals(0, r.exit(), r.err());
    int eth0 = Ip.json(ns, "link", "show", "eth0").get(0).get("ifindex").asInt();
    String mac = Ip.json(ns, "link", "show", "eth0").get(0).get("address").asText();
    assertTrue(r.out().contains(eth0 + ": eth0@peer0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP\n"),
        r.out());
    assertTrue(r.out().contains("    link/ether " + mac + " kind veth\n"), r.out());
    assertTrue(r.out().startsWith("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 state UNKNOWN\n"), r.out());
  }

  @Test
  void showProxyAfterAddingEntries() throws Exception {
    // Two entries written by ip (the witness), one by the library: the CLI must list all three.
    Ip.run(ns, "-6", "neigh", "add", "proxy", "2001:db8:ab11::8000:2", "dev", "eth0");
    Ip.run(ns, "-6", "neigh", "add", "proxy", "2001:db8:ab11::8000:3", "dev", "peer0");
    try (Netlink nl = Netlink.open(ns)) {
      nl.neighbours().proxy("2001:db8:ab11::c000:2").dev("eth0").add();
    }
    CliRun r = sixkit("show", "proxy", "--netns", ns, "--json");
    assertEquals(0, r.exit(), r.err());
    assertEquals(pairs(Ip.json(ns, "-6", "neigh", "show", "proxy")), pairs(JSON.readTree(r.out())));
    assertEquals(3, JSON.readTree(r.out()).size());
    for (JsonNode e : JSON.readTree(r.out())) {
      assertTrue(e.has("proxy") && e.get("proxy").isNull(), "proxy flag as ip -json prints it: " + e);
    }

    CliRun eth0 = sixkit("show", "proxy", "--netns", ns, "--dev", "eth0");
    assertEquals(0, eth0.exit(), eth0.err());
    Set<String> lines = new TreeSet<>(List.of(eth0.out().strip().split("\n")));
    assertEquals(new TreeSet<>(List.of("2001:db8:ab11::8000:2 dev eth0 proxy", "2001:db8:ab11::c000:2 dev eth0 proxy")),
        lines);
  }

  @Test
  void showNeighboursMatchesIp() throws Exception {
    Ip.run(ns, "-6", "neigh", "add", "2001:db8::9", "lladdr", "02:00:00:00:00:09", "dev", "eth0", "router");
    Ip.run(ns, "-6", "neigh", "add", "2001:db8::a", "lladdr", "02:00:00:00:00:0a", "dev", "eth0", "nud", "stale");
    // The kernel adds multicast (NOARP) entries on its own as the links come up: compare only a
    // reading that held still around ip's (ours, ip's, ours again, the two of ours equal).
    CliRun r = null;
    JsonNode mine = null;
    JsonNode ip = null;
    for (int attempt = 0; attempt < 40; attempt++) {
      r = sixkit("show", "neighbours", "--netns", ns, "-6", "--json");
      assertEquals(0, r.exit(), r.err());
      ip = Ip.json(ns, "-6", "neigh", "show");
      CliRun again = sixkit("show", "neighbours", "--netns", ns, "-6", "--json");
      mine = JSON.readTree(r.out());
      if (r.out().equals(again.out()) && mine.size() == ip.size()) {
        break;
      }
      sleep(50);
    }
    assertEquals(ip.size(), mine.size(), r.out() + " vs " + ip);
    Map<String, JsonNode> byDst = new HashMap<>();
    mine.forEach(n -> byDst.put(n.get("dst").asText(), n));
    for (JsonNode want : ip) {
      JsonNode got = byDst.get(want.get("dst").asText());
      assertNotNull(got, want + " missing from " + r.out());
      for (String f : List.of("dev", "lladdr", "state")) {
        assertEquals(want.get(f), got.get(f), f + " of " + want.get("dst"));
      }
      assertEquals(want.has("router"), got.has("router"), "router flag of " + want.get("dst"));
    }
    // --all shows what ip shows with nud all: the multicast NOARP entries too.
    CliRun all = null;
    JsonNode ipAll = null;
    for (int attempt = 0; attempt < 40; attempt++) {
      all = sixkit("show", "neighbours", "--netns", ns, "--all", "--json");
      assertEquals(0, all.exit(), all.err());
      ipAll = Ip.json(ns, "neigh", "show", "nud", "all");
      if (all.out().equals(sixkit("show", "neighbours", "--netns", ns, "--all", "--json").out())
          && JSON.readTree(all.out()).size() == ipAll.size()) {
        break;
      }
      sleep(50);
    }
    assertEquals(ipAll.size(), JSON.readTree(all.out()).size(), all.out() + " vs " + ipAll);
    assertTrue(all.out().contains("\"NOARP\""), all.out());

    CliRun text = sixkit("show", "neigh", "--netns", ns);
    assertTrue(text.out().contains("2001:db8::9 dev eth0 lladdr 02:00:00:00:00:09 router PERMANENT\n"), text.out());
  }

  @Test
  void showAddressesAndRoutesMatchIp() throws Exception {
    Ip.run(ns, "addr", "add", "2001:db8:ab11::1/64", "dev", "eth0", "nodad");
    Ip.run(ns, "-6", "route", "add", "2001:db8:ef11::/64", "via", "2001:db8:ab11::2", "dev", "eth0", "metric", "7");
    java.util.Set<String> ours = settled(() -> {
      CliRun addrs = sixkit("show", "addresses", "--netns", ns, "-6", "--dev", "eth0", "--json");
      assertEquals(0, addrs.exit(), addrs.err());
      java.util.Set<String> out = new java.util.TreeSet<>();
      read(addrs.out()).forEach(x -> out.add(x.get("local").asText() + "/" + x.get("prefixlen").asInt()));
      return out;
    }, () -> {
      java.util.Set<String> out = new java.util.TreeSet<>();
      Ip.json(ns, "-6", "addr", "show", "dev", "eth0").get(0).get("addr_info")
          .forEach(x -> out.add(x.get("local").asText() + "/" + x.get("prefixlen").asInt()));
      return out;
    });
    assertTrue(ours.contains("2001:db8:ab11::1/64"), ours.toString());

    java.util.Set<String> ourRoutes = settled(() -> {
      CliRun routes = sixkit("show", "routes", "--netns", ns, "-6", "--json");
      assertEquals(0, routes.exit(), routes.err());
      java.util.Set<String> out = new java.util.TreeSet<>();
      read(routes.out()).forEach(x -> out.add(x.get("dst").asText() + " " + x.path("gateway").asText("-")
          + " " + x.get("dev").asText() + " " + x.get("metric").asInt()));
      return out;
    }, () -> {
      java.util.Set<String> out = new java.util.TreeSet<>();
      Ip.json(ns, "-6", "route", "show").forEach(x -> out.add(x.get("dst").asText() + " " + x.path("gateway").asText("-")
          + " " + x.get("dev").asText() + " " + x.get("metric").asInt()));
      return out;
    });
    assertTrue(ourRoutes.contains("2001:db8:ef11::/64 2001:db8:ab11::2 eth0 7"), ourRoutes.toString());
    CliRun text = sixkit("show", "routes", "--netns", ns, "-6");
    assertTrue(text.out().contains("2001:db8:ef11::/64 via 2001:db8:ab11::2 dev eth0 metric 7"), text.out());
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }

  /**
   * Our reading, compared with ip's once the kernel holds still (link-local addresses, their
   * routes and multicast entries appear on their own while links come up): ours, ip's, ours again.
   */
  private static <T> T settled(java.util.function.Supplier<T> ours, java.util.function.Supplier<T> ip) {
    T mine = null;
    T theirs = null;
    for (int attempt = 0; attempt < 40; attempt++) {
      mine = ours.get();
      theirs = ip.get();
      if (mine.equals(theirs) && mine.equals(ours.get())) {
        return mine;
      }
      sleep(50);
    }
    assertEquals(theirs, mine);
    return mine;
  }

  @Test
  void unknownNamespaceFailsWithExitOneAndAClearMessage() {
    String missing = TestNetns.uniqueName("gone");
    CliRun r = sixkit("show", "links", "--netns", missing);
    assertEquals(1, r.exit());
    assertEquals("", r.out());
    assertEquals("sixkit: open network namespace " + missing + ": no network namespace named '" + missing
        + "' (see ip netns list) (ENOENT: No such file or directory)\n", r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace without --debug");

    CliRun debug = sixkit("--debug", "show", "proxy", "--netns", missing);
    assertEquals(1, debug.exit());
    assertTrue(debug.err().contains("\tat dev.sixkit.netlink.Netns.open"), "--debug prints the stack: " + debug.err());
    assertFalse(Netns.exists(missing));
  }

  /** A --dev that names no interface fails with exit 1 and says so, for every show command that takes --dev. */
  @Test
  void missingDeviceFailsWithExitOne() {
    for (String what : List.of("addresses", "neighbours", "proxy")) {
      CliRun r = sixkit("show", what, "--netns", ns, "--dev", "nope9");
      assertEquals(1, r.exit(), what + ": " + r.err());
      assertEquals("", r.out(), what);
      assertTrue(r.err().startsWith("sixkit: ") && r.err().contains("no interface named 'nope9'")
          && r.err().contains("ENODEV"), what + ": " + r.err());
    }
    assertEquals(0, sixkit("show", "addresses", "--netns", ns, "--dev", "eth0").exit());
  }

  /** Table ids are unsigned 32-bit: 4294967000 is shown by number, as ip shows it. */
  @Test
  void tablesAboveTwoToThe31ByNumber() throws Exception {
    Ip.run(ns, "-6", "route", "add", "2001:db8:ef70::/64", "dev", "eth0", "table", "4294967000");
    CliRun r = sixkit("show", "routes", "--netns", ns, "--table", "4294967000", "--json");
    assertEquals(0, r.exit(), r.err());
    JsonNode ip = Ip.json(ns, "-6", "route", "show", "table", "4294967000");
    for (JsonNode x : ip) {
      ((com.fasterxml.jackson.databind.node.ObjectNode) x).remove(List.of("flags", "pref")); // not printed by show
    }
    assertEquals(ip, JSON.readTree(r.out()));
    CliRun all = sixkit("show", "routes", "--netns", ns, "--table", "all");
    assertTrue(all.out().contains("2001:db8:ef70::/64 dev eth0 table 4294967000"), all.out());
    assertFalse(all.out().contains("table -"), all.out());
    for (String bad : List.of("0", "4294967296", "-5", "twelve", "99999999999")) {
      CliRun b = sixkit("show", "routes", "--netns", ns, "--table", bad);
      assertEquals(2, b.exit(), bad + ": " + b.err());
      assertTrue(b.err().contains("unknown routing table '" + bad + "'"), b.err());
    }
  }

  @Test
  void usageErrorsExitTwo() {
    CliRun r = sixkit("show", "nonsense");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("nonsense"), r.err());
    assertEquals(2, sixkit("show", "links", "--no-such-option").exit());
    assertEquals(2, sixkit().exit());
    assertEquals(2, sixkit("bench", "netlink", "--rounds", "0").exit());
  }

  @Test
  void versionAndCompletion() {
    CliRun v = sixkit("--version");
    assertEquals(0, v.exit());
    assertTrue(v.out().startsWith("sixkit 0."), v.out());
    CliRun c = sixkit("completion");
    assertEquals(0, c.exit(), c.err());
    assertTrue(c.out().contains("complete -F"), "a bash completion script");
    assertTrue(c.out().contains("neighbours") && c.out().contains("--netns"), "it completes subcommands and options");
  }

  private static Set<String> strings(JsonNode array) {
    Set<String> s = new HashSet<>();
    array.forEach(x -> s.add(x.asText()));
    return s;
  }

  private static Set<String> pairs(JsonNode entries) {
    Set<String> s = new TreeSet<>();
    entries.forEach(e -> s.add(e.get("dst").asText() + " dev " + e.get("dev").asText()));
    return s;
  }
}
