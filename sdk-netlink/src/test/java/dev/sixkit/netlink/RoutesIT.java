package dev.sixkit.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sixkit.netlink.internal.Errno;
import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.netlink.testing.TestNetns;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Routes against the real kernel, in namespaces made for each test. Every read is compared with
 * {@code ip -json route show} (or {@code ip -json route get}) of the same namespace; every write
 * is read back with it.
 */
class RoutesIT {
  private static final Map<String, Integer> TABLES = Map.of("main", 254, "local", 255, "default", 253);

  private TestNetns nets;
  private String ns;
  private Netlink nl;

  @BeforeEach
  void setUp() {
    nets = new TestNetns();
    ns = nets.create("route").name();
    AddressesIT.noDad(ns);
    AddressesIT.veth(ns, "eth0", "eth1");
    Ip.run(ns, "addr", "add", "2001:db8:ab11::1/64", "dev", "eth0", "nodad");
    Ip.run(ns, "addr", "add", "2001:db8:cd11::1/64", "dev", "eth1", "nodad");
    Ip.run(ns, "addr", "add", "127.1.2.3/24", "dev", "eth0", "scope", "global");
    settle();
    nl = Netlink.open(ns);
  }

  /**
   * Waits until the kernel has added the local routes of the addresses above (its address
   * work queue does that a moment later), so snapshots only change by what a test does.
   */
  private void settle() {
    for (int i = 0; i < 100; i++) {
      List<String> local = ipFamily("-6", "local", 255);
      long count = local.stream().filter(l -> l.startsWith("local ")).count();
      if (count == 5) { // ::1, two global addresses, two link-local ones
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("local routes did not settle: " + ipFamily("-6", "local", 255));
  }

  @AfterEach
  void tearDown() {
    if (nl != null) {
      nl.close();
    }
    nets.close();
  }

  // ---- comparison with ip -json ----

  /**
   * One route as a line of every field both sides know: type, destination, gateway, device,
   * table, protocol, scope, metric, preferred source. {@code table} is the table ip was asked
   * for (it leaves it out then), or 0 for "all" (it prints it unless main).
   */
  static List<String> linesFromIp(JsonNode routes, boolean v6, long table) {
    List<String> out = new ArrayList<>();
    for (JsonNode r : routes) {
      String dst = r.path("dst").asText();
      if (dst.equals("default")) {
        dst = v6 ? "::/0" : "0.0.0.0/0";
      } else if (!dst.contains("/")) {
        dst = dst + (v6 ? "/128" : "/32");
      }
      JsonNode hop = r.has("nexthops") ? r.path("nexthops").get(0) : r;
      long t = table != 0 ? table : tableNumber(r.path("table").asText("main"));
      out.add(line(r.path("type").asText("unicast"), dst, hop.path("gateway").asText("-"), hop.path("dev").asText("-"),
          t, r.path("protocol").asText("boot"), r.path("scope").asText("global"), r.path("metric").asLong(0),
          r.path("prefsrc").asText("-")));
    }
    Collections.sort(out);
    return out;
  }

  static List<String> linesFromUs(List<Route> routes) {
    List<String> out = new ArrayList<>();
    for (Route r : routes) {
      out.add(line(r.typeName(), r.destination().toString(),
          r.gateway() == null ? "-" : IpAddresses.format(r.gateway()), r.device().isEmpty() ? "-" : r.device(),
          // ip knows no name for Sixkit's number (rt_protos has none): it prints 171
          r.table(), r.protocol() == Protocols.SIXKIT ? "171" : r.protocolName(), r.scopeName(), r.metricUnsigned(),
          r.preferredSource() == null ? "-" : IpAddresses.format(r.preferredSource())));
    }
    Collections.sort(out);
    return out;
  }

  private static String line(String type, String dst, String gw, String dev, long table, String proto, String scope,
      long metric, String src) {
    return type + " " + dst + " via " + gw + " dev " + dev + " table " + table + " proto "
        + proto + " scope " + scope + " metric " + metric + " src " + src;
  }

  private static long tableNumber(String name) {
    Integer t = TABLES.get(name);
    return t != null ? t : Long.parseLong(name);
  }

  /** Both families of one table (0: all) as ip shows them. */
  List<String> ipLines(long table, String... extra) {
    String t = table == 0 ? "all" : Long.toString(table);
    List<String> out = new ArrayList<>();
    out.addAll(ipFamily("-4", t, table, extra));
    out.addAll(ipFamily("-6", t, table, extra));
    Collections.sort(out);
    return out;
  }

  List<String> ipFamily(String family, String t, long table, String... extra) {
    List<String> args = new ArrayList<>(List.of(family, "route", "show", "table", t));
    args.addAll(List.of(extra));
    return linesFromIp(Ip.json(ns, args.toArray(String[]::new)), family.equals("-6"), table);
  }

  /** What "nothing changed" means here: every route of every table, both families. */
  List<String> snapshot() {
    return ipLines(0);
  }

  private void someRoutes() {
    Ip.run(ns, "-6", "route", "add", "2001:db8:ef11::/64", "via", "2001:db8:ab11::99", "metric", "50");
    Ip.run(ns, "-6", "route", "add", "2001:db8:ef12::/64", "dev", "eth1", "table", "100");
    Ip.run(ns, "-6", "route", "add", "2001:db8:ef13::/64", "via", "2001:db8:ab11::98", "table", "1000", "proto", "static");
    Ip.run(ns, "-6", "route", "add", "2001:db8:ef14::/64", "nexthop", "via", "2001:db8:ab11::97", "nexthop", "via",
        "2001:db8:cd11::97");
    Ip.run(ns, "-6", "route", "add", "blackhole", "2001:db8:bad::/64");
    Ip.run(ns, "-6", "route", "add", "default", "via", "2001:db8:ab11::2", "dev", "eth0");
    Ip.run(ns, "-6", "route", "add", "2001:db8:ef15::/64", "dev", "eth0", "src", "2001:db8:ab11::1");
    Ip.run(ns, "route", "add", "127.77.0.0/16", "via", "127.1.2.1");
    Ip.run(ns, "route", "add", "127.78.0.0/16", "dev", "eth1", "table", "100", "metric", "7");
  }

  // ---- reads ----

  @Test
  void listIsTheMainTableOfBothFamilies() {
    someRoutes();
    List<Route> ours = nl.routes().list();
    assertEquals(ipLines(254), linesFromUs(ours));
    System.out.println("routes listed (main):");
    ours.forEach(r -> System.out.println("  " + r));
    Route gw = find(ours, "2001:db8:ef11::/64");
    assertEquals("2001:db8:ab11::99", IpAddresses.format(gw.gateway()));
    assertEquals("eth0", gw.device());
    assertEquals(50, gw.metric());
    assertEquals(Route.TABLE_MAIN, gw.table());
    assertEquals(Route.PROTO_BOOT, gw.protocol());
    Route multi = find(ours, "2001:db8:ef14::/64");
    assertEquals("2001:db8:ab11::97", IpAddresses.format(multi.gateway()), "first hop of a multipath route");
    assertTrue(find(ours, "::/0").isDefault());
    assertEquals(Route.TYPE_BLACKHOLE, find(ours, "2001:db8:bad::/64").type());
  }

  @Test
  void queryFiltersMatchIpFilters() {
    someRoutes();
    assertEquals(ipLines(0), linesFromUs(nl.routes().query().allTables().list()), "table all");
    assertEquals(ipFamily("-6", "main", 254), linesFromUs(nl.routes().query().ipv6().list()), "-6");
    assertEquals(ipFamily("-4", "main", 254), linesFromUs(nl.routes().query().ipv4().list()), "-4");
    assertEquals(ipLines(100), linesFromUs(nl.routes().query().table(100).list()), "table 100");
    assertEquals(ipFamily("-6", "1000", 1000), linesFromUs(nl.routes().query().ipv6().table(1000).list()), "table 1000");
    assertEquals(ipFamily("-6", "local", 255), linesFromUs(nl.routes().query().ipv6().table(Route.TABLE_LOCAL).list()));
    assertEquals(ipFamily("-4", "all", 0), linesFromUs(nl.routes().query().ipv4().allTables().list()));
    // ip leaves "dev" out of what it prints when filtering by it: compare against the unfiltered
    // listing restricted to that device.
    List<String> eth1 = new ArrayList<>();
    for (String l : ipLines(0)) {
      if (l.contains(" dev eth1 ")) {
        eth1.add(l);
      }
    }
    assertEquals(eth1, linesFromUs(nl.routes().query().allTables().dev("eth1").list()), "dev eth1");
    List<String> ipDev = ipFamily("-6", "all", 0, "dev", "eth1");
    assertEquals(ipDev.size(), nl.routes().query().ipv6().allTables().dev("eth1").list().size());
    // A table nobody filled lists as empty, not as an error.
    assertEquals(List.of(), nl.routes().query().table(4242).list());
  }

  // ---- writes, read back with ip ----

  static JsonNode one(JsonNode arr, String what) {
    assertEquals(1, arr.size(), what + ": " + arr);
    return arr.get(0);
  }

  @Test
  void addIpv6ViaGatewayWithMetric() {
    nl.routes().route("2001:db8:ef11::/64").via("2001:db8:ab11::2").dev("eth0").metric(50).add();
    JsonNode r = one(Ip.json(ns, "-6", "route", "show", "2001:db8:ef11::/64"), "ip shows the route");
    assertEquals("2001:db8:ab11::2", r.path("gateway").asText());
    assertEquals("eth0", r.path("dev").asText());
    assertEquals(50, r.path("metric").asInt());
    assertFalse(r.has("protocol"), "proto boot, as ip route add: " + r);
    assertTrue(nl.routes().route("2001:db8:ef11::/64").via("2001:db8:ab11::2").exists());
    assertEquals(ipLines(254), linesFromUs(nl.routes().list()));
  }

  /** Routes without a next hop: written through their own step, read back with ip -json. */
  @Test
  void blackholeUnreachableProhibitAndThrowAreWritable() {
    nl.routes().route("2001:db8:ef50::/64").blackhole().add();
    nl.routes().route("2001:db8:ef51::/64").unreachable().metric(10).add();
    nl.routes().route("2001:db8:ef52::/64").prohibit().table(100).protocol(Protocols.SIXKIT).add();
    nl.routes().route("2001:db8:ef53::/64").throwRoute().table(100).add();
    nl.routes().route("127.90.0.0/16").blackhole().add();
    nl.routes().route("127.91.0.0/16").unreachable().replace();
    java.util.Map<String, String> types = new java.util.TreeMap<>();
    for (String f : List.of("-4", "-6")) {
      for (JsonNode r : Ip.json(ns, f, "route", "show", "table", "all")) {
        if (r.has("type")) {
          types.put(r.get("dst").asText(), r.get("type").asText() + " " + r.path("table").asText("main"));
        }
      }
    }
    assertEquals("blackhole main", types.get("2001:db8:ef50::/64"), types.toString());
    assertEquals("unreachable main", types.get("2001:db8:ef51::/64"));
    assertEquals("prohibit 100", types.get("2001:db8:ef52::/64"));
    assertEquals("throw 100", types.get("2001:db8:ef53::/64"));
    assertEquals("blackhole main", types.get("127.90.0.0/16"));
    assertEquals("unreachable main", types.get("127.91.0.0/16"));
    assertEquals(ipLines(0), linesFromUs(nl.routes().query().allTables().list()));
    assertTrue(nl.routes().route("2001:db8:ef50::/64").blackhole().exists());
    assertFalse(nl.routes().route("2001:db8:ef50::/64").unreachable().exists(), "another type is another route");
    assertTrue(nl.routes().route("2001:db8:ef53::/64").throwRoute().table(100).exists());
    NetlinkException dup = assertThrows(NetlinkException.class, () -> nl.routes().route("2001:db8:ef50::/64").blackhole().add());
    assertEquals("EEXIST", dup.errnoName());
    assertTrue(dup.getMessage().contains("blackhole 2001:db8:ef50::/64"), dup.getMessage());
    nl.routes().route("2001:db8:ef50::/64").blackhole().delete();
    nl.routes().route("2001:db8:ef52::/64").prohibit().table(100).delete();
    nl.routes().route("127.90.0.0/16").blackhole().delete();
    assertEquals(0, Ip.json(ns, "-6", "route", "show", "2001:db8:ef50::/64").size());
    assertEquals(0, Ip.json(ns, "-6", "route", "show", "table", "100", "2001:db8:ef52::/64").size());
    assertEquals(0, Ip.json(ns, "-4", "route", "show", "127.90.0.0/16").size());
    assertEquals(ipLines(0), linesFromUs(nl.routes().query().allTables().list()));
  }

  /** Table ids are unsigned 32-bit: 4294967000 is written, listed and asked for by number. */
  @Test
  void tablesAboveTwoToThe31() {
    long big = 4294967000L;
    nl.routes().route("2001:db8:ef60::/64").dev("eth0").table(big).add();
    Ip.run(ns, "-6", "route", "add", "2001:db8:ef61::/64", "dev", "eth1", "table", "4294967001");
    assertEquals("2001:db8:ef60::/64", one(Ip.json(ns, "-6", "route", "show", "table", "4294967000"), "ip reads it")
        .get("dst").asText());
    Route ours = nl.routes().query().table(big).list().get(0);
    assertEquals(big, ours.table());
    assertEquals("4294967000", ours.tableName());
    assertTrue(ours.toString().contains("table 4294967000"), ours.toString());
    Route theirs = nl.routes().query().ipv6().table(4294967001L).list().get(0);
    assertEquals(4294967001L, theirs.table());
    assertEquals("2001:db8:ef61::/64", theirs.destination().toString());
    assertEquals(nl.routes().query().table(big).list(), nl.routes().query().table((int) big).list(),
        "an int is read as unsigned");
    assertEquals(ipLines(0), linesFromUs(nl.routes().query().allTables().list()));
    assertEquals(ipFamily("-6", "4294967000", big), linesFromUs(nl.routes().query().ipv6().table(big).list()));
    assertTrue(nl.routes().route("2001:db8:ef60::/64").dev("eth0").table(big).exists());
    for (long bad : new long[] {0, -1, 4294967296L}) {
      NetlinkException e = assertThrows(NetlinkException.class, () -> nl.routes().query().table(bad));
      assertEquals("EINVAL", e.errnoName());
      assertTrue(e.getMessage().contains("table " + bad), e.getMessage());
    }
    nl.routes().route("2001:db8:ef60::/64").dev("eth0").table(big).delete();
    assertEquals(List.of(), nl.routes().query().table(big).list());
  }

  @Test
  void routesCarryTheirProtocol() {
    nl.routes().route("2001:db8:ef21::/64").via("2001:db8:ab11::2").protocol(Protocols.SIXKIT).add();
    Ip.run(ns, "-6", "route", "add", "2001:db8:ef22::/64", "dev", "eth0", "proto", "99");
    assertEquals("171", one(Ip.json(ns, "-6", "route", "show", "2001:db8:ef21::/64"), "ours").path("protocol").asText());
    Map<String, Integer> ours = new java.util.TreeMap<>();
    nl.routes().query().ipv6().list().forEach(r -> ours.put(r.destination().toString(), r.protocol()));
    assertEquals(Protocols.SIXKIT, ours.get("2001:db8:ef21::/64"));
    assertEquals(Protocols.OPENR, ours.get("2001:db8:ef22::/64"));
    Route openr = nl.routes().query().ipv6().list().stream().filter(r -> r.protocol() == 99).findFirst().orElseThrow();
    assertEquals("openr", openr.protocolName());
    // a delete with a protocol only matches routes of that protocol
    NetlinkException e = assertThrows(NetlinkException.class,
        () -> nl.routes().route("2001:db8:ef22::/64").dev("eth0").protocol(Protocols.SIXKIT).delete());
    assertEquals("ESRCH", e.errnoName());
    nl.routes().route("2001:db8:ef21::/64").dev("eth0").protocol(Protocols.SIXKIT).delete();
    assertEquals(0, Ip.json(ns, "-6", "route", "show", "2001:db8:ef21::/64").size());
    assertEquals(ipLines(254), linesFromUs(nl.routes().list()));
  }

  @Test
  void addWithoutDeviceResolvesTheGateway() {
    nl.routes().route("2001:db8:ef16::/48").via("2001:db8:cd11::7").add();
    JsonNode r = one(Ip.json(ns, "-6", "route", "show", "2001:db8:ef16::/48"), "route");
    assertEquals("eth1", r.path("dev").asText());
    assertEquals(1024, r.path("metric").asInt(), "the kernel's default IPv6 metric");
  }

  @Test
  void addDeviceRouteToTables() {
    nl.routes().route("2001:db8:ef12::/64").dev("eth1").table(100).add();
    JsonNode r = one(Ip.json(ns, "-6", "route", "show", "table", "100"), "table 100");
    assertEquals("2001:db8:ef12::/64", r.path("dst").asText());
    assertEquals("eth1", r.path("dev").asText());
    assertFalse(r.has("gateway"));
    // tables above 255 travel in RTA_TABLE
    nl.routes().route("2001:db8:ef13::/64").via("2001:db8:ab11::98").table(1000).add();
    JsonNode big = one(Ip.json(ns, "-6", "route", "show", "table", "1000"), "table 1000");
    assertEquals("2001:db8:ab11::98", big.path("gateway").asText());
    assertEquals(ipLines(0), linesFromUs(nl.routes().query().allTables().list()));
    // and not in main
    assertEquals(0, Ip.json(ns, "-6", "route", "show", "2001:db8:ef12::/64").size());
  }

  @Test
  void addIpv4Routes() {
    nl.routes().route("127.77.0.0/16").via("127.1.2.1").add();
    JsonNode r = one(Ip.json(ns, "-4", "route", "show", "127.77.0.0/16"), "ipv4 via");
    assertEquals("127.1.2.1", r.path("gateway").asText());
    assertEquals("eth0", r.path("dev").asText());
    assertFalse(r.has("scope"), "scope global with a gateway: " + r);
    nl.routes().route("127.78.0.0/16").dev("eth1").metric(7).table(100).add();
    JsonNode d = one(Ip.json(ns, "-4", "route", "show", "table", "100"), "ipv4 dev");
    assertEquals("link", d.path("scope").asText(), "scope link without a gateway, as ip: " + d);
    assertEquals(7, d.path("metric").asInt());
    assertEquals(ipLines(0), linesFromUs(nl.routes().query().allTables().list()));
  }

  @Test
  void defaultRouteAndSource() {
    nl.routes().route("::/0").via("2001:db8:ab11::2").dev("eth0").add();
    JsonNode r = one(Ip.json(ns, "-6", "route", "show", "default"), "default");
    assertEquals("2001:db8:ab11::2", r.path("gateway").asText());
    nl.routes().route("2001:db8:ef15::/64").dev("eth0").source("2001:db8:ab11::1").add();
    JsonNode s = one(Ip.json(ns, "-6", "route", "show", "2001:db8:ef15::/64"), "with src");
    assertEquals("2001:db8:ab11::1", s.path("prefsrc").asText());
    Route def = find(nl.routes().query().ipv6().list(), "::/0");
    assertTrue(def.toString().startsWith("default via 2001:db8:ab11::2 dev eth0"), def.toString());
  }

  @Test
  void replaceChangesTheGateway() {
    nl.routes().route("2001:db8:ef11::/64").via("2001:db8:ab11::2").metric(50).add();
    nl.routes().route("2001:db8:ef11::/64").via("2001:db8:ab11::3").metric(50).replace();
    JsonNode r = one(Ip.json(ns, "-6", "route", "show", "2001:db8:ef11::/64"), "still one route");
    assertEquals("2001:db8:ab11::3", r.path("gateway").asText());
    // replace creates when there is none
    nl.routes().route("127.79.0.0/16").via("127.1.2.1").replace();
    assertEquals("127.1.2.1", one(Ip.json(ns, "-4", "route", "show", "127.79.0.0/16"), "v4").path("gateway").asText());
    assertEquals(ipLines(254), linesFromUs(nl.routes().list()));
  }

  @Test
  void deleteRemoves() {
    someRoutes();
    nl.routes().route("2001:db8:ef11::/64").delete();
    assertEquals(0, Ip.json(ns, "-6", "route", "show", "2001:db8:ef11::/64").size());
    nl.routes().route("2001:db8:ef12::/64").dev("eth1").table(100).delete();
    assertEquals(0, Ip.json(ns, "-6", "route", "show", "table", "all", "2001:db8:ef12::/64").size());
    nl.routes().route("2001:db8:ef13::/64").via("2001:db8:ab11::98").table(1000).delete();
    nl.routes().route("127.77.0.0/16").via("127.1.2.1").delete();
    assertEquals(0, Ip.json(ns, "-4", "route", "show", "127.77.0.0/16").size());
    assertEquals(ipLines(0), linesFromUs(nl.routes().query().allTables().list()));
    assertFalse(nl.routes().route("2001:db8:ef11::/64").via("2001:db8:ab11::99").exists());
  }

  // ---- lookups, compared with ip -json route get ----

  private void assertSameAsIpGet(String dst, String... extra) {
    List<String> args = new ArrayList<>(List.of("route", "get", dst));
    args.addAll(List.of(extra));
    JsonNode ip = one(Ip.json(ns, args.toArray(String[]::new)), "ip route get " + dst);
    Routes.Lookup q = nl.routes().lookup(dst);
    for (int i = 0; i + 1 < extra.length; i += 2) {
      q = extra[i].equals("oif") ? q.dev(extra[i + 1]) : q.from(extra[i + 1]);
    }
    Route ours = q.get();
    System.out.println("ip route get " + dst + " -> " + ours);
    assertEquals(ip.path("dst").asText(), IpAddresses.format(ours.destination().address()), "dst");
    assertEquals(ip.path("gateway").asText("-"), ours.gateway() == null ? "-" : IpAddresses.format(ours.gateway()), "gateway");
    assertEquals(ip.path("dev").asText(), ours.device(), "dev");
    assertEquals(ip.path("prefsrc").asText("-"),
        ours.preferredSource() == null ? "-" : IpAddresses.format(ours.preferredSource()), "prefsrc");
    assertEquals(ip.path("metric").asLong(0), ours.metricUnsigned(), "metric");
    assertEquals(ip.path("type").asText("unicast"), ours.typeName(), "type");
    assertEquals(tableNumber(ip.path("table").asText("main")), ours.table(), "table");
    if (ip.has("protocol") || ours.isV6()) {
      assertEquals(ip.path("protocol").asText("boot"), ours.protocolName(), "protocol");
    } // IPv4 answers are cache entries (RTM_F_CLONED) for which ip prints no protocol

  }

  @Test
  void getMatchesIpRouteGet() {
    someRoutes();
    assertSameAsIpGet("2001:db8:ef11::5");
    assertSameAsIpGet("2001:db8:ab11::77");
    assertSameAsIpGet("2001:db8:ab11::1");
    assertSameAsIpGet("2001:db8:9999::1");
    assertSameAsIpGet("2001:db8:ef15::1");
    assertSameAsIpGet("fe80::1", "oif", "eth1");
    // IPv4 loopback destinations out of lo are martians: ip and we get the same refusal.
    Ip.Result martian = Ip.tryRun(ns, "route", "get", "127.77.1.1");
    assertTrue(martian.exit() != 0 && martian.err().contains("Invalid argument"), martian.err());
    NetlinkException m = assertThrows(NetlinkException.class, () -> nl.routes().get("127.77.1.1"));
    assertEquals("EINVAL", m.errnoName());
    assertSameAsIpGet("127.1.2.3");
    assertSameAsIpGet("2001:db8:ef11::5", "from", "2001:db8:cd11::1");

    Route r = nl.routes().get("2001:db8:ef11::5");
    assertEquals("2001:db8:ab11::99", IpAddresses.format(r.gateway()));
    assertEquals("eth0", r.device());
    assertEquals("2001:db8:ab11::1", IpAddresses.format(r.preferredSource()));
    assertEquals(Route.TABLE_MAIN, r.table());
    assertEquals(128, r.destination().length());
    Route local = nl.routes().get("127.1.2.3");
    assertEquals(Route.TYPE_LOCAL, local.type());
    // RTM_F_LOOKUP_TABLE: the table the answer came from. Without policy rules the kernel keeps
    // IPv4's local and main tables merged and answers main, as ip route get shows.
    assertEquals(Route.TABLE_MAIN, local.table());
    assertEquals("lo", local.device());
    Route v6local = nl.routes().get("2001:db8:ab11::1");
    assertEquals(Route.TABLE_LOCAL, v6local.table());
  }

  @Test
  void getWithoutRoute() {
    Ip.Result ip = Ip.tryRun(ns, "route", "get", "2001:db8:9999::1");
    assertTrue(ip.exit() != 0 && ip.err().contains("unreachable"), ip.err());
    NetlinkException e = assertThrows(NetlinkException.class, () -> nl.routes().get("2001:db8:9999::1"));
    System.out.println("bad input -> " + e.getMessage());
    assertEquals("ENETUNREACH", e.errnoName());
    assertTrue(e.getMessage().contains("2001:db8:9999::1"));
  }

  // ---- bad input: a readable exception, and nothing changes ----

  private NetlinkException rejected(int errno, Executable call) {
    List<String> before = snapshot();
    NetlinkException e = assertThrows(NetlinkException.class, call);
    System.out.println("bad input -> " + e.getMessage());
    assertEquals(Errno.name(errno), e.errnoName(), e.getMessage());
    assertEquals(before, snapshot(), "nothing changed");
    return e;
  }

  @Test
  void unknownInterface() {
    NetlinkException e = rejected(Errno.ENODEV, () -> nl.routes().route("2001:db8:ef31::/64").dev("nope0").add());
    assertTrue(e.getMessage().contains("nope0"), e.getMessage());
    assertEquals("add route", e.operation());
    rejected(Errno.ENODEV, () -> nl.routes().route("2001:db8:ef31::/64").via("2001:db8:ab11::2").dev("nope0").replace());
    rejected(Errno.ENODEV, () -> nl.routes().query().dev("nope0").list());
    rejected(Errno.ENODEV, () -> nl.routes().lookup("2001:db8::1").dev("nope0").get());
  }

  @Test
  void prefixLengthOver128() {
    NetlinkException e = rejected(Errno.EINVAL, () -> nl.routes().route("2001:db8:ef31::/129").dev("eth0").add());
    assertTrue(e.getMessage().contains("129") && e.getMessage().contains("0 to 128"), e.getMessage());
  }

  @Test
  void gatewayOfTheWrongFamily() {
    NetlinkException e = rejected(Errno.EAFNOSUPPORT,
        () -> nl.routes().route("2001:db8:ef31::/64").via("127.1.2.1").dev("eth0").add());
    assertTrue(e.getMessage().contains("an IPv6 gateway is required"), e.getMessage());
    NetlinkException r = rejected(Errno.EAFNOSUPPORT, () -> nl.routes().route("127.80.0.0/16").via("2001:db8:ab11::2").add());
    assertTrue(r.getMessage().contains("an IPv4 gateway is required"), r.getMessage());
    rejected(Errno.EAFNOSUPPORT, () -> nl.routes().route("2001:db8:ef31::/64").dev("eth0").source("127.1.2.3").add());
  }

  @Test
  void duplicateAdd() {
    nl.routes().route("2001:db8:ef11::/64").via("2001:db8:ab11::2").add();
    NetlinkException e = rejected(Errno.EEXIST, () -> nl.routes().route("2001:db8:ef11::/64").via("2001:db8:ab11::2").add());
    assertTrue(e.isAlreadyExists());
    nl.routes().route("127.77.0.0/16").via("127.1.2.1").add();
    rejected(Errno.EEXIST, () -> nl.routes().route("127.77.0.0/16").via("127.1.2.1").add());
  }

  @Test
  void deleteMissing() {
    NetlinkException e = rejected(Errno.ESRCH, () -> nl.routes().route("2001:db8:ef31::/64").delete());
    assertTrue(e.isNotFound());
    assertTrue(e.getMessage().contains("no route in table main matches"), e.getMessage());
    rejected(Errno.ESRCH, () -> nl.routes().route("127.80.0.0/16").via("127.1.2.1").delete());
    nl.routes().route("2001:db8:ef11::/64").via("2001:db8:ab11::2").add();
    // a gateway that does not match is missing too
    rejected(Errno.ESRCH, () -> nl.routes().route("2001:db8:ef11::/64").via("2001:db8:ab11::3").delete());
  }

  @Test
  void badTableAndMetric() {
    rejected(Errno.EINVAL, () -> nl.routes().route("2001:db8:ef31::/64").dev("eth0").table(0).add());
    rejected(Errno.EINVAL, () -> nl.routes().route("2001:db8:ef31::/64").dev("eth0").metric(-1).add());
  }

  static Route find(List<Route> list, String prefix) {
    for (Route r : list) {
      if (r.destination().toString().equals(prefix)) {
        return r;
      }
    }
    throw new AssertionError("no route to " + prefix + " in " + list);
  }

  @Test
  void toStringReadsLikeIpRoute() {
    nl.routes().route("2001:db8:ef11::/64").via("2001:db8:ab11::2").dev("eth0").metric(50).add();
    assertEquals("2001:db8:ef11::/64 via 2001:db8:ab11::2 dev eth0 metric 50",
        find(nl.routes().list(), "2001:db8:ef11::/64").toString());
    Route kernel = find(nl.routes().list(), "2001:db8:ab11::/64");
    assertEquals("2001:db8:ab11::/64 dev eth0 proto kernel metric 256", kernel.toString());
    assertNull(kernel.gateway());
    assertNotNull(nl.routes().get("2001:db8:ab11::1"));
  }
}
