package dev.sixkit.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
import org.junit.jupiter.api.function.Executable;

/**
 * The shared fixture of {@link RoutesIT} and {@link RouteRefusalsIT}: a fresh namespace per test
 * with two veths and addresses, a client in it, and the {@code ip -json route} witness every read
 * and write is compared with.
 */
abstract class RouteFixture {
  private static final Map<String, Integer> TABLES = Map.of("main", 254, "local", 255, "default", 253);

  TestNetns nets;
  String ns;
  Netlink nl;

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

  static long tableNumber(String name) {
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

  void someRoutes() {
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

  static JsonNode one(JsonNode arr, String what) {
    assertEquals(1, arr.size(), what + ": " + arr);
    return arr.get(0);
  }

  static Route find(List<Route> list, String prefix) {
    for (Route r : list) {
      if (r.destination().toString().equals(prefix)) {
        return r;
      }
    }
    throw new AssertionError("no route to " + prefix + " in " + list);
  }

  /** Runs a call that must fail, checks errno, and that no route of any table changed. */
  NetlinkException rejected(int errno, Executable call) {
    List<String> before = snapshot();
    NetlinkException e = assertThrows(NetlinkException.class, call);
    System.out.println("bad input -> " + e.getMessage());
    assertEquals(Errno.name(errno), e.errnoName(), e.getMessage());
    assertEquals(before, snapshot(), "nothing changed");
    return e;
  }
}
