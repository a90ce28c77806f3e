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
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Addresses against the real kernel, in namespaces made for each test. Every read is compared
 * with {@code ip -json addr show} of the same namespace; every write is read back with it.
 */
class AddressesIT {
  private static final String[] IP_FLAG_WORDS = {"secondary", "temporary", "nodad", "optimistic", "dadfailed",
      "home", "deprecated", "tentative", "mngtmpaddr", "noprefixroute", "autojoin", "stable-privacy", "dynamic"};

  private TestNetns nets;
  private String ns;
  private Netlink nl;

  @BeforeEach
  void setUp() {
    nets = new TestNetns();
    ns = nets.create("addr").name();
    // No DAD in this namespace: flags then stay put between our read and ip's.
    noDad(ns);
    veth(ns, "eth0", "eth1");
    settle(ns, "eth0", "eth1");
    nl = Netlink.open(ns);
  }

  /**
   * Waits until each device has its link-local address: the kernel adds it once the veth's
   * carrier is up, a moment after "link set up", and snapshots must only change by what a
   * test does.
   */
  static void settle(String ns, String... devs) {
    for (int i = 0; i < 100; i++) {
      int ready = 0;
      for (String dev : devs) {
        for (JsonNode link : Ip.json(ns, "-6", "addr", "show", "dev", dev, "scope", "link")) {
          if (link.path("addr_info").size() > 0) {
            ready++;
          }
        }
      }
      if (ready == devs.length) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("link-local addresses did not appear on " + String.join(", ", devs));
  }

  @AfterEach
  void tearDown() {
    if (nl != null) {
      nl.close();
    }
    nets.close();
  }

  static void noDad(String ns) {
    Ip.Result r = Ip.exec(ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0");
    assertEquals(0, r.exit(), r.err());
  }

  static void veth(String ns, String a, String b) {
    Ip.run(ns, "link", "add", a, "type", "veth", "peer", "name", b);
    Ip.run(ns, "link", "set", a, "up");
    Ip.run(ns, "link", "set", b, "up");
  }

  // ---- comparison with ip -json ----

  /** One address as "ifindex ifname family local/len scope [flags] label", lifetimes apart. */
  record Row(String key, String rest, long valid, long preferred) {}

  static List<Row> rowsFromIp(JsonNode links) {
    List<Row> rows = new ArrayList<>();
    for (JsonNode link : links) {
      for (JsonNode ai : link.path("addr_info")) {
        if (!ai.has("local")) {
          continue;
        }
        TreeSet<String> flags = new TreeSet<>();
        for (String w : IP_FLAG_WORDS) {
          if (ai.path(w).asBoolean(false)) {
            flags.add(w);
          }
        }
        String family = ai.path("family").asText();
        String key = link.path("ifindex").asInt() + " " + link.path("ifname").asText() + " " + family + " "
            + ai.path("local").asText() + "/" + ai.path("prefixlen").asInt();
        String rest = "scope " + ai.path("scope").asText() + " flags " + flags + " label " + ai.path("label").asText("");
        rows.add(new Row(key, rest, ai.path("valid_life_time").asLong(), ai.path("preferred_life_time").asLong()));
      }
    }
    return rows;
  }

  static List<Row> rowsFromUs(List<Address> addresses) {
    List<Row> rows = new ArrayList<>();
    for (Address a : addresses) {
      TreeSet<String> flags = new TreeSet<>();
      for (String w : a.flagNames().split(" ")) {
        if (!w.isEmpty()) {
          flags.add(w);
        }
      }
      String key = a.ifindex() + " " + a.device() + " " + (a.isV6() ? "inet6" : "inet") + " " + a.prefix();
      String rest = "scope " + a.scopeName() + " flags " + flags + " label " + a.label();
      rows.add(new Row(key, rest, a.validLifetime(), a.preferredLifetime()));
    }
    return rows;
  }

  /** Same addresses, same fields; finite lifetimes (counting down) may differ by 2 s. */
  static void assertSameAsIp(List<Address> ours, JsonNode ip) {
    Map<String, Row> want = byKey(rowsFromIp(ip));
    Map<String, Row> got = byKey(rowsFromUs(ours));
    assertEquals(want.keySet(), got.keySet(), "the same addresses as ip -json addr show");
    for (String k : want.keySet()) {
      Row w = want.get(k);
      Row g = got.get(k);
      assertEquals(w.rest(), g.rest(), "fields of " + k);
      assertLifetime(w.valid(), g.valid(), "valid lifetime of " + k);
      assertLifetime(w.preferred(), g.preferred(), "preferred lifetime of " + k);
    }
  }

  private static void assertLifetime(long want, long got, String what) {
    if (want == Address.FOREVER || got == Address.FOREVER) {
      assertEquals(want, got, what);
    } else {
      assertTrue(Math.abs(want - got) <= 2, what + ": ip says " + want + ", we say " + got);
    }
  }

  private static Map<String, Row> byKey(List<Row> rows) {
    Map<String, Row> m = new TreeMap<>();
    for (Row r : rows) {
      assertEquals(null, m.put(r.key(), r), "duplicate row " + r.key());
    }
    return m;
  }

  /** What "nothing changed" means here: the same addresses on the same devices. */
  static List<String> snapshot(String ns) {
    List<String> out = new ArrayList<>();
    for (Row r : rowsFromIp(Ip.json(ns, "addr", "show"))) {
      out.add(r.key());
    }
    Collections.sort(out);
    return out;
  }

  static JsonNode ipAddr(String ns, String local) {
    for (JsonNode link : Ip.json(ns, "addr", "show")) {
      for (JsonNode ai : link.path("addr_info")) {
        if (local.equals(ai.path("local").asText())) {
          return ai;
        }
      }
    }
    return null;
  }

  static JsonNode ipAddrOn(String ns, String dev, String local) {
    for (JsonNode link : Ip.json(ns, "addr", "show", "dev", dev)) {
      for (JsonNode ai : link.path("addr_info")) {
        if (local.equals(ai.path("local").asText())) {
          return ai;
        }
      }
    }
    return null;
  }

  private void someAddresses() {
    Ip.run(ns, "addr", "add", "2001:db8:1::1/64", "dev", "eth0", "nodad");
    Ip.run(ns, "addr", "add", "2001:db8:1::2/64", "dev", "eth0", "noprefixroute");
    Ip.run(ns, "addr", "add", "fd00:5::5/48", "dev", "eth1", "valid_lft", "300", "preferred_lft", "100");
    Ip.run(ns, "addr", "add", "fd00:6::6/56", "dev", "eth1", "valid_lft", "300", "preferred_lft", "0");
    Ip.run(ns, "addr", "add", "127.1.2.3/24", "dev", "eth0", "brd", "+", "scope", "global");
    Ip.run(ns, "addr", "add", "127.1.2.4/24", "dev", "eth0", "label", "eth0:two", "scope", "global");
    Ip.run(ns, "addr", "add", "127.9.0.1/32", "dev", "eth1");
  }

  // ---- reads ----

  @Test
  void listMatchesIpJson() {
    someAddresses();
    List<Address> ours = nl.addresses().list();
    assertSameAsIp(ours, Ip.json(ns, "addr", "show"));
    System.out.println("addresses listed:");
    ours.forEach(a -> System.out.println("  " + a));

    Address nodad = find(ours, "2001:db8:1::1/64");
    assertTrue(nodad.isNodad() && nodad.isV6() && nodad.isPermanent() && !nodad.isTentative());
    assertEquals("eth0", nodad.device());
    assertEquals(Address.SCOPE_UNIVERSE, nodad.scope());
    assertTrue(find(ours, "2001:db8:1::2/64").isNoPrefixRoute());
    Address deprecated = find(ours, "fd00:6::6/56");
    assertTrue(deprecated.isDeprecated() && !deprecated.isPermanent());
    Address second = find(ours, "127.1.2.4/24");
    assertEquals("eth0:two", second.label());
    assertTrue(second.isSecondary(), "second address of the same IPv4 prefix is secondary");
    assertEquals(Address.SCOPE_HOST, find(ours, "127.9.0.1/32").scope(), "ip gives 127/8 host scope");
  }

  @Test
  void queryFiltersMatchIpFilters() {
    someAddresses();
    assertSameAsIp(nl.addresses().query().ipv6().list(), Ip.json(ns, "-6", "addr", "show"));
    assertSameAsIp(nl.addresses().query().ipv4().list(), Ip.json(ns, "-4", "addr", "show"));
    assertSameAsIp(nl.addresses().query().dev("eth1").list(), Ip.json(ns, "addr", "show", "dev", "eth1"));
    assertSameAsIp(nl.addresses().query().scope(Address.SCOPE_LINK).list(), Ip.json(ns, "addr", "show", "scope", "link"));
    assertSameAsIp(nl.addresses().query().ipv6().dev("eth0").scope(Address.SCOPE_UNIVERSE).list(),
        Ip.json(ns, "-6", "addr", "show", "dev", "eth0", "scope", "global"));
    assertSameAsIp(nl.addresses().query().ipv4().scope(Address.SCOPE_HOST, Address.SCOPE_UNIVERSE).list(),
        Ip.json(ns, "-4", "addr", "show"));
  }

  @Test
  void tentativeWhileTheLinkHasNoCarrier() {
    try (TestNetns more = new TestNetns()) {
      String dadNs = more.create("dad").name(); // DAD stays on here
      Ip.run(dadNs, "link", "add", "eth2", "type", "veth", "peer", "name", "eth3");
      Ip.run(dadNs, "link", "set", "eth2", "up"); // the peer stays down: no carrier, DAD waits
      try (Netlink n = Netlink.open(dadNs)) {
        n.addresses().address("2001:db8:7::1/64").dev("eth2").add();
        JsonNode ip = ipAddrOn(dadNs, "eth2", "2001:db8:7::1");
        assertNotNull(ip, "ip shows the address");
        assertTrue(ip.path("tentative").asBoolean(false), "ip says tentative: " + ip);
        Address a = find(n.addresses().query().dev("eth2").list(), "2001:db8:7::1/64");
        assertTrue(a.isTentative() && !a.isNodad(), a.toString());
        assertSameAsIp(n.addresses().list(), Ip.json(dadNs, "addr", "show"));
      }
    }
  }

  @Test
  void dadFailsWhenAnotherHostHasTheAddress() throws Exception {
    try (TestNetns more = new TestNetns()) {
      String a = more.create("dada").name();
      String b = more.create("dadb").name();
      Ip.run(a, "link", "add", "eth0", "type", "veth", "peer", "name", "eth1");
      Ip.run(a, "link", "set", "eth1", "netns", b);
      Ip.run(b, "link", "set", "eth1", "name", "eth0");
      Ip.run(a, "link", "set", "eth0", "up");
      Ip.run(b, "link", "set", "eth0", "up");
      Ip.run(b, "addr", "add", "2001:db8:dad::1/64", "dev", "eth0", "nodad");
      try (Netlink n = Netlink.open(a)) {
        n.addresses().address("2001:db8:dad::1/64").dev("eth0").add();
        JsonNode ip = null;
        for (int i = 0; i < 100; i++) {
          ip = ipAddrOn(a, "eth0", "2001:db8:dad::1");
          if (ip != null && ip.path("dadfailed").asBoolean(false)) {
            break;
          }
          Thread.sleep(100);
        }
        assertTrue(ip != null && ip.path("dadfailed").asBoolean(false), "ip says dadfailed: " + ip);
        Address ours = find(n.addresses().query().ipv6().dev("eth0").list(), "2001:db8:dad::1/64");
        assertTrue(ours.isDadFailed() && ours.isTentative(), ours.toString());
        System.out.println("after DAD failed: " + ours);
        assertSameAsIp(n.addresses().list(), Ip.json(a, "addr", "show"));
      }
    }
  }

  // ---- writes, read back with ip ----

  @Test
  void addIpv6NodadReadBack() {
    nl.addresses().address("2001:db8:ab11::1/64").dev("eth0").nodad().add();
    JsonNode ip = ipAddrOn(ns, "eth0", "2001:db8:ab11::1");
    assertNotNull(ip, "ip shows the address on eth0");
    assertEquals("inet6", ip.path("family").asText());
    assertEquals(64, ip.path("prefixlen").asInt());
    assertEquals("global", ip.path("scope").asText());
    assertTrue(ip.path("nodad").asBoolean(false), "nodad: " + ip);
    assertFalse(ip.path("dynamic").asBoolean(false));
    assertEquals(Address.FOREVER, ip.path("valid_life_time").asLong());
    // The kernel added the prefix route as for any address.
    JsonNode routes = Ip.json(ns, "-6", "route", "show", "2001:db8:ab11::/64");
    assertEquals(1, routes.size(), routes.toString());
    assertTrue(nl.addresses().address("2001:db8:ab11::1/64").dev("eth0").exists());
    assertSameAsIp(nl.addresses().list(), Ip.json(ns, "addr", "show"));
  }

  @Test
  void addWithNoPrefixRouteAddsNoRoute() {
    nl.addresses().address("fd00:77::1/64").dev("eth1").nodad().noPrefixRoute().add();
    JsonNode ip = ipAddrOn(ns, "eth1", "fd00:77::1");
    assertTrue(ip.path("noprefixroute").asBoolean(false) && ip.path("nodad").asBoolean(false), ip.toString());
    assertEquals(0, Ip.json(ns, "-6", "route", "show", "fd00:77::/64").size());
  }

  @Test
  void replaceUpdatesLifetimesAndFlags() {
    var spec = nl.addresses().address("2001:db8:ab11::2/64").dev("eth0");
    spec.add();
    assertEquals(Address.FOREVER, ipAddr(ns, "2001:db8:ab11::2").path("valid_life_time").asLong());
    spec.lifetimes(300, 100).replace();
    JsonNode ip = ipAddr(ns, "2001:db8:ab11::2");
    assertTrue(ip.path("dynamic").asBoolean(false), ip.toString());
    assertTrue(Math.abs(ip.path("valid_life_time").asLong() - 300) <= 2, ip.toString());
    assertTrue(Math.abs(ip.path("preferred_life_time").asLong() - 100) <= 2, ip.toString());
    Address ours = find(nl.addresses().list(), "2001:db8:ab11::2/64");
    assertFalse(ours.isPermanent());
    assertSameAsIp(nl.addresses().list(), Ip.json(ns, "addr", "show"));
    // replace on a new address creates it
    nl.addresses().address("2001:db8:ab11::3/64").dev("eth0").nodad().replace();
    assertTrue(ipAddr(ns, "2001:db8:ab11::3").path("nodad").asBoolean(false));
  }

  @Test
  void addIpv4WithBroadcastAndLabel() {
    nl.addresses().address("127.10.0.1/24").dev("eth0").label("eth0:web").scope(Address.SCOPE_UNIVERSE).add();
    JsonNode ip = ipAddrOn(ns, "eth0", "127.10.0.1");
    assertNotNull(ip);
    assertEquals("inet", ip.path("family").asText());
    assertEquals(24, ip.path("prefixlen").asInt());
    assertEquals("127.10.0.255", ip.path("broadcast").asText(), "broadcast as ip addr add ... brd +: " + ip);
    assertEquals("eth0:web", ip.path("label").asText());
    assertEquals("global", ip.path("scope").asText());

    nl.addresses().address("127.10.0.9/32").dev("eth1").add();
    JsonNode host = ipAddrOn(ns, "eth1", "127.10.0.9");
    assertEquals(32, host.path("prefixlen").asInt());
    assertFalse(host.has("broadcast"), "no broadcast for a /32: " + host);
    assertEquals("host", host.path("scope").asText(), "127/8 defaults to host scope, as ip");
    assertEquals("eth1", host.path("label").asText(), "label defaults to the device");
    assertSameAsIp(nl.addresses().list(), Ip.json(ns, "addr", "show"));
  }

  @Test
  void deleteRemovesIpv6AndIpv4() {
    nl.addresses().address("2001:db8:ab11::1/64").dev("eth0").nodad().add();
    nl.addresses().address("127.10.0.1/24").dev("eth0").add();
    assertNotNull(ipAddr(ns, "2001:db8:ab11::1"));
    assertNotNull(ipAddr(ns, "127.10.0.1"));
    nl.addresses().address("2001:db8:ab11::1/64").dev("eth0").delete();
    nl.addresses().address("127.10.0.1/24").dev("eth0").delete();
    assertEquals(null, ipAddr(ns, "2001:db8:ab11::1"));
    assertEquals(null, ipAddr(ns, "127.10.0.1"));
    assertFalse(nl.addresses().address("2001:db8:ab11::1/64").dev("eth0").exists());
    assertSameAsIp(nl.addresses().list(), Ip.json(ns, "addr", "show"));
  }

  // ---- bad input: a readable exception, and nothing changes ----

  private NetlinkException rejected(int errno, Executable call) {
    List<String> before = snapshot(ns);
    NetlinkException e = assertThrows(NetlinkException.class, call);
    System.out.println("bad input -> " + e.getMessage());
    assertEquals(Errno.name(errno), e.errnoName(), e.getMessage());
    assertEquals(before, snapshot(ns), "nothing changed");
    return e;
  }

  @Test
  void unknownInterface() {
    NetlinkException e = rejected(Errno.ENODEV,
        () -> nl.addresses().address("2001:db8:ab11::1/64").dev("nope0").nodad().add());
    assertTrue(e.getMessage().contains("nope0"), e.getMessage());
    assertEquals("add address", e.operation());
    rejected(Errno.ENODEV, () -> nl.addresses().query().dev("nope0").list());
  }

  @Test
  void prefixLengthOver128() {
    NetlinkException e = rejected(Errno.EINVAL, () -> nl.addresses().address("2001:db8:ab11::1/129").dev("eth0").add());
    assertTrue(e.getMessage().contains("129") && e.getMessage().contains("0 to 128"), e.getMessage());
    NetlinkException v4 = rejected(Errno.EINVAL, () -> nl.addresses().address("127.10.0.1/33").dev("eth0").add());
    assertTrue(v4.getMessage().contains("0 to 32"), v4.getMessage());
  }

  @Test
  void duplicateAdd() {
    nl.addresses().address("2001:db8:ab11::1/64").dev("eth0").nodad().add();
    NetlinkException e = rejected(Errno.EEXIST, () -> nl.addresses().address("2001:db8:ab11::1/64").dev("eth0").nodad().add());
    assertTrue(e.isAlreadyExists());
    assertTrue(e.getMessage().contains("2001:db8:ab11::1/64 dev eth0"), e.getMessage());
    nl.addresses().address("127.10.0.1/24").dev("eth0").add();
    rejected(Errno.EEXIST, () -> nl.addresses().address("127.10.0.1/24").dev("eth0").add());
  }

  @Test
  void deleteMissing() {
    NetlinkException e = rejected(Errno.EADDRNOTAVAIL,
        () -> nl.addresses().address("2001:db8:ab11::1/64").dev("eth0").delete());
    assertTrue(e.isNotFound());
    rejected(Errno.EADDRNOTAVAIL, () -> nl.addresses().address("127.10.0.1/24").dev("eth0").delete());
  }

  @Test
  void optionsOfTheWrongFamilyOrRange() {
    rejected(Errno.EAFNOSUPPORT, () -> nl.addresses().address("127.10.0.1/24").dev("eth0").nodad().add());
    rejected(Errno.EAFNOSUPPORT, () -> nl.addresses().address("2001:db8::1/64").dev("eth0").label("eth0:x").add());
    rejected(Errno.EINVAL, () -> nl.addresses().address("127.10.0.1/24").dev("eth0").label("other").add());
    rejected(Errno.EINVAL, () -> nl.addresses().address("2001:db8::1/64").dev("eth0").lifetimes(100, 300).add());
    rejected(Errno.EINVAL, () -> nl.addresses().address("2001:db8::zz/64").dev("eth0").add());
    rejected(Errno.EINVAL, () -> nl.addresses().address("2001:db8::1/64").dev("bad/name").add());
  }

  @Test
  void toStringReadsLikeIpAddr() {
    nl.addresses().address("2001:db8:ab11::1/64").dev("eth0").nodad().add();
    Address a = find(nl.addresses().list(), "2001:db8:ab11::1/64");
    assertEquals("eth0 inet6 2001:db8:ab11::1/64 scope global nodad", a.toString());
  }

  static Address find(List<Address> list, String prefix) {
    for (Address a : list) {
      if (a.prefix().toString().equals(prefix)) {
        return a;
      }
    }
    return fail("no " + prefix + " in " + list.stream().map(Address::toString).collect(Collectors.joining(", ")));
  }
}
