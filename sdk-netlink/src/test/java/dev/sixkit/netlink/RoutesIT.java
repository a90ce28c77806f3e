package dev.sixkit.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sixkit.netlink.testing.Ip;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Routes against the real kernel, in namespaces made for each test. Every read is compared with
 * {@code ip -json route show} (or {@code ip -json route get}) of the same namespace; every write
 * is read back with it. Refused calls are in {@link RouteRefusalsIT}.
 */
class RoutesIT extends RouteFixture {
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
