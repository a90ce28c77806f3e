package dev.sixkit.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sixkit.SixkitException;
import dev.sixkit.host.Change;
import dev.sixkit.host.Host;
import dev.sixkit.host.SshHost;
import dev.sixkit.netlink.Address;
import dev.sixkit.netlink.IpAddresses;
import dev.sixkit.netlink.Link;
import dev.sixkit.netlink.Neighbour;
import dev.sixkit.netlink.NetlinkException;
import dev.sixkit.netlink.Route;
import dev.sixkit.netlink.Socket;
import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.netlink.testing.Root;
import dev.sixkit.plan.Mode;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * HostIT's checks on a lab host reached both ways: through its namespace (netlink) and through
 * its OpenSSH server (ip -json, ip -batch, /proc/sys over SSH). Every read is compared with ip
 * -json of the namespace, every write read back with it; and the records read both ways are the
 * same records.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SshHostIT {
  enum Via { NETNS, SSH }

  private Lab lab;
  private String ns;
  private Host host;

  @BeforeAll
  void up() {
    Root.require();
    String name = "sxsh" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    lab = Lab.builder().engine(Engine.V20_10).name(name).hosts(1).mode(Mode.NDP_PROXY).ssh(true)
        .progress(m -> System.out.println("lab: " + m)).up();
    ns = lab.host("docker1").netns();
  }

  @AfterAll
  void down() {
    if (lab != null) {
      Lab.down(lab.name(), LabProgress.silent());
      assertTrue(Lab.namespaces(lab.name()).isEmpty(), "the lab's namespaces must be gone");
      assertTrue(LabSsh.hosts(lab.name()).isEmpty());
    }
  }

  @BeforeEach
  void links() {
    Ip.run(ns, "link", "add", "tv0", "type", "veth", "peer", "name", "tv1");
    Ip.run(ns, "link", "set", "tv0", "up");
    Ip.run(ns, "link", "set", "tv1", "up");
    Ip.run(ns, "addr", "add", "2001:db8:ab12::1/64", "dev", "tv0", "nodad");
    Ip.run(ns, "addr", "add", "2001:db8:ab12::2/64", "dev", "tv1", "nodad");
    Ip.run(ns, "addr", "add", "192.0.2.1/24", "dev", "tv1", "label", "tv1:web");
  }

  @AfterEach
  void tearDown() {
    if (host != null) {
      host.close();
      host = null;
    }
    Ip.tryRun(ns, "link", "del", "tv0");
  }

  private Host open(Via via) {
    host = via == Via.NETNS ? lab.connect("docker1") : lab.connectSsh("docker1");
    return host;
  }

  @Test
  void oneShellAnswersEveryCommandAndASnapshotIsTheSeparateReads() {
    try (SshHost h = lab.connectSsh("docker1")) {
      List<String> keys = List.of("net.ipv6.conf.all.forwarding", "net.ipv6.conf.tv0.proxy_ndp",
          "net.ipv6.conf.nosuch0.proxy_ndp");
      dev.sixkit.host.HostSnapshot s = h.snapshot(keys);
      assertEquals(h.interfaces(), s.interfaces());
      assertEquals(h.addresses(), s.addresses());
      assertEquals(h.routes(), s.routes());
      assertEquals(h.proxyEntries(), s.proxyEntries());
      assertEquals(h.sysctl(keys.get(0)), s.sysctls().get(keys.get(0)));
      assertEquals(h.sysctl(keys.get(1)), s.sysctls().get(keys.get(1)));
      assertFalse(s.sysctls().containsKey(keys.get(2)), "a sysctl the host does not have is left out");
      for (int i = 0; i < 20; i++) {
        h.sysctl("net.ipv6.conf.tv0.accept_ra");
      }
      assertEquals(1, h.connects());
      assertEquals(1, h.shellStarts(), "every command went to the one shell");
      // a lost connection: the next command starts a new shell on a new connection
      h.disconnect();
      h.interfaces();
      assertEquals(2, h.shellStarts());
    }
  }

  @ParameterizedTest
  @EnumSource(Via.class)
  void readsMatchIp(Via via) {
    Host h = open(via);
    Set<String> ours = new TreeSet<>();
    for (Link l : h.interfaces()) {
      ours.add(l.index() + " " + l.name());
    }
    Set<String> ip = new TreeSet<>();
    Ip.json(ns, "link", "show").forEach(l -> ip.add(l.get("ifindex").asInt() + " " + l.get("ifname").asText()));
    assertEquals(ip, ours);

    Set<String> addrs = new TreeSet<>();
    h.addresses().forEach(a -> addrs.add(a.device() + " " + a.prefix()));
    Set<String> ipAddrs = new TreeSet<>();
    Ip.json(ns, "addr", "show").forEach(l -> l.get("addr_info").forEach(
        a -> ipAddrs.add(l.get("ifname").asText() + " " + a.get("local").asText() + "/" + a.get("prefixlen").asInt())));
    assertEquals(ipAddrs, addrs);

    Set<String> routes = new TreeSet<>();
    h.routes().stream().filter(Route::isV6).forEach(r -> routes.add(r.destination() + " " + r.device()));
    Set<String> ipRoutes = new TreeSet<>();
    Ip.json(ns, "-6", "route", "show").forEach(r -> ipRoutes.add(r.get("dst").asText() + " " + r.get("dev").asText()));
    assertEquals(ipRoutes, routes);

    Route get = h.routeTo("2001:db8:ab12::99");
    JsonNode ipGet = Ip.json(ns, "route", "get", "2001:db8:ab12::99").get(0);
    assertEquals(ipGet.get("dev").asText(), get.device());

    assertEquals(Ip.exec(ns, "sysctl", "-n", "net.ipv6.conf.tv0.forwarding").out().trim(),
        h.sysctl("net.ipv6.conf.tv0.forwarding"));
  }

  /** The same kernel read both ways gives the same records (lifetimes of dynamic addresses aside). */
  @Test
  void bothWaysReadTheSameRecords() {
    Ip.run(ns, "-6", "neigh", "add", "2001:db8:ab12::7", "dev", "tv0", "lladdr", "02:00:00:00:00:07", "nud",
        "permanent", "router");
    Ip.run(ns, "-6", "neigh", "replace", "2001:db8:ab12::8", "dev", "tv0", "nud", "failed");
    Ip.run(ns, "-6", "neigh", "add", "proxy", "2001:db8:ab12::55", "dev", "tv0");
    Ip.run(ns, "-6", "route", "add", "2001:db8:ef11::/64", "via", "2001:db8:ab12::5", "dev", "tv0", "metric", "50");
    Ip.run(ns, "route", "add", "198.51.100.0/24", "via", "192.0.2.9", "dev", "tv1", "proto", "static");
    try (Host k = lab.connect("docker1"); Host s = lab.connectSsh("docker1")) {
      assertEquals(k.interfaces(), s.interfaces());
      assertEquals(withoutLifetimes(k.addresses()), withoutLifetimes(s.addresses()));
      assertEquals(k.routes(), s.routes());
      // The management link carries the SSH traffic itself: its neighbour's state moves between reads.
      // And the containers may be learnt on docker0 at any moment: compare once the table holds still.
      assertSameOnceStill(() -> k.neighbours().list().stream().filter(n -> !n.device().equals("mgmt0")).toList(),
          () -> s.neighbours().list().stream().filter(n -> !n.device().equals("mgmt0")).toList());
      assertEquals(k.neighbours().dev("tv0").failed().list(), s.neighbours().dev("tv0").failed().list());
      assertEquals(k.proxyEntries(), s.proxyEntries());
      assertEquals(k.proxyNdp("tv0").entries(), s.proxyNdp("tv0").entries());
      assertEquals(k.routeTo("2001:db8:ef11::1"), s.routeTo("2001:db8:ef11::1"));
      assertEquals(k.routeTo("2001:db8:ab12::99"), s.routeTo("2001:db8:ab12::99"));
      assertEquals(k.sysctl("net.ipv6.conf.tv0.accept_ra"), s.sysctl("net.ipv6.conf.tv0.accept_ra"));
      assertEquals(k.name(), s.name());
    }
  }

  /**
   * Listening sockets read both ways are the same records: sock_diag and /proc on the namespace
   * host, ss over SSH. Listeners on any address, on a device (SO_BINDTODEVICE) and on an address,
   * with their owner, beside the lab's own sshd.
   */
  @Test
  void listeningSocketsReadTheSameBothWays() throws Exception {
    Process listener = new ProcessBuilder("ip", "netns", "exec", ns, "python3", "-c", String.join("\n",
        "import socket, sys, time",
        "a = socket.socket(socket.AF_INET6); a.bind(('::', 18081)); a.listen(7)",
        "b = socket.socket(); b.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b'tv0'); b.bind(('0.0.0.0', 18082)); b.listen(3)",
        "c = socket.socket(socket.AF_INET6); c.bind(('2001:db8:ab12::1', 18083)); c.listen()",
        "print('ready', flush=True)",
        "time.sleep(120)")).redirectErrorStream(true).start();
    try {
      String ready = new java.io.BufferedReader(new java.io.InputStreamReader(listener.getInputStream())).readLine();
      assertEquals("ready", ready);
      try (Host k = lab.connect("docker1"); Host s = lab.connectSsh("docker1")) {
        List<Socket> viaNetlink = k.listeningSockets();
        assertEquals(viaNetlink, s.listeningSockets());
        List<String> ours = viaNetlink.stream().filter(x -> x.localPort() >= 18081 && x.localPort() <= 18083)
            .map(x -> x.local() + " dev " + x.boundDevice() + " " + x.command()).toList();
        int tv0 = k.interfaces().stream().filter(l -> l.name().equals("tv0")).findFirst().orElseThrow().index();
        assertEquals(List.of("[::]:18081 dev 0 python3", "0.0.0.0:18082 dev " + tv0 + " python3",
            "[2001:db8:ab12::1]:18083 dev 0 python3"), ours);
        assertTrue(viaNetlink.stream().anyMatch(x -> x.localPort() == 22 && x.command().equals("sshd")),
            "the lab's sshd listens: " + viaNetlink);
        // and the doctor of an SSH host lists them as ss -ltnp does
        assertEquals(viaNetlink, s.doctor().listeningSockets());
      }
    } finally {
      listener.destroyForcibly();
      listener.waitFor();
    }
  }

  /** Less common kernel state reads the same both ways too: bridges, no carrier, multipath, blackholes, lifetimes. */
  @Test
  void unusualStateReadsTheSameBothWays() {
    Ip.run(ns, "link", "add", "tbr0", "type", "bridge");
    try {
      Ip.run(ns, "link", "set", "tv1", "master", "tbr0");
      Ip.run(ns, "link", "set", "tbr0", "up");
      Ip.run(ns, "link", "set", "tv1", "down"); // tv0 is now up without carrier
      Ip.run(ns, "link", "set", "tv0", "alias", "uplink to the switch");
      Ip.run(ns, "link", "property", "add", "dev", "tv0", "altname", "sixkit-uplink");
      Ip.run(ns, "link", "set", "tv0", "mtu", "1400", "txqueuelen", "500", "group", "7");
      Ip.run(ns, "addr", "add", "2001:db8:ab12::9/64", "dev", "tv0", "valid_lft", "1000", "preferred_lft", "0");
      Ip.run(ns, "addr", "add", "192.0.2.2/24", "dev", "tv1");
      Ip.run(ns, "addr", "add", "198.51.100.1/24", "dev", "tbr0");
      Ip.run(ns, "-6", "route", "add", "2001:db8:ef12::/64", "nexthop", "via", "2001:db8:ab12::5", "dev", "tv0",
          "nexthop", "via", "2001:db8:ab12::6", "dev", "tv0");
      Ip.run(ns, "-6", "route", "add", "blackhole", "2001:db8:dead::/48");
      Ip.run(ns, "-6", "route", "add", "unreachable", "2001:db8:beef::/48", "metric", "7");
      Ip.run(ns, "route", "add", "203.0.113.0/24", "via", "198.51.100.9", "proto", "static", "metric", "30");
      Ip.run(ns, "link", "set", "tv1", "down");
      Ip.run(ns, "route", "add", "prohibit", "203.0.114.0/24");
      try (Host k = lab.connect("docker1"); Host s = lab.connectSsh("docker1")) {
        List<Link> kl = k.interfaces();
        assertEquals(kl, s.interfaces());
        Link tv0 = kl.stream().filter(l -> l.name().equals("tv0")).findFirst().orElseThrow();
        assertEquals(List.of("sixkit-uplink"), tv0.altNames());
        assertEquals("uplink to the switch", tv0.alias());
        assertTrue(tv0.flagNames().contains("NO-CARRIER"), tv0.toString());
        assertEquals(withoutLifetimes(k.addresses()), withoutLifetimes(s.addresses()));
        assertEquals(k.routes(), s.routes());
        for (String dst : List.of("2001:db8:ef12::1", "2001:db8:ab11::2", "198.51.100.20", "::1", "127.0.0.1",
            "2001:db8:ab12::2")) {
          assertEquals(k.routeTo(dst), s.routeTo(dst), dst);
        }
        NetlinkException kb = assertThrows(NetlinkException.class, () -> k.routeTo("2001:db8:dead::1"));
        NetlinkException sb = assertThrows(NetlinkException.class, () -> s.routeTo("2001:db8:dead::1"));
        assertEquals(kb.errno(), sb.errno(), kb.getMessage() + " / " + sb.getMessage());
      }
    } finally {
      Ip.tryRun(ns, "link", "del", "tbr0");
    }
  }

  /**
   * Compares a read both ways at a moment the table held still: the namespace read before and
   * after the SSH read agree (tried a few times, then compared anyway so a real difference shows).
   */
  private static <T> void assertSameOnceStill(java.util.function.Supplier<List<T>> viaNetns,
      java.util.function.Supplier<List<T>> viaSsh) {
    List<T> before = null;
    List<T> overSsh = null;
    for (int i = 0; i < 5; i++) {
      before = viaNetns.get();
      overSsh = viaSsh.get();
      if (before.equals(viaNetns.get())) {
        break;
      }
    }
    assertEquals(before, overSsh);
  }

  private static List<Address> withoutLifetimes(List<Address> as) {
    return as.stream().map(a -> a.isPermanent() ? a : new Address(a.ifindex(), a.device(), a.prefix(), a.scope(),
        a.flags(), a.label(), 0, 0)).toList();
  }

  @ParameterizedTest
  @EnumSource(Via.class)
  void proxyWritesAreIdempotentAndSayWhatChanged(Via via) {
    Host h = open(via);
    Host.ProxyNdp p = h.enableProxyNdp("tv0");
    assertEquals(List.of(Change.of("docker1", "sysctl net.ipv6.conf.tv0.proxy_ndp", "0", "1")), p.enabled());
    assertEquals("1", Ip.exec(ns, "sysctl", "-n", "net.ipv6.conf.tv0.proxy_ndp").out().trim());
    assertFalse(h.enableProxyNdp("tv0").enabled().get(0).changed());

    Change added = p.proxy("2001:db8:ab12:0:8000::5");
    assertEquals(Change.Kind.ADDED, added.kind());
    assertEquals("docker1: + proxy 2001:db8:ab12:0:8000::5 dev tv0", added.toString());
    assertEquals(Change.Kind.UNCHANGED, p.proxy("2001:db8:ab12:0:8000::5").kind());
    JsonNode proxies = Ip.json(ns, "-6", "neigh", "show", "proxy", "dev", "tv0");
    assertEquals(1, proxies.size());
    assertEquals("2001:db8:ab12:0:8000::5", proxies.get(0).get("dst").asText());
    List<Neighbour> entries = p.entries();
    assertEquals(1, entries.size());
    assertEquals("2001:db8:ab12:0:8000::5", IpAddresses.format(entries.get(0).address()));

    assertEquals(Change.Kind.REMOVED, p.unproxy("2001:db8:ab12:0:8000::5").kind());
    assertEquals(Change.Kind.UNCHANGED, p.unproxy("2001:db8:ab12:0:8000::5").kind());
    assertEquals(0, Ip.json(ns, "-6", "neigh", "show", "proxy", "dev", "tv0").size());
  }

  @ParameterizedTest
  @EnumSource(Via.class)
  void routeWritesAreIdempotentAndReplaceSaysBeforeAndAfter(Via via) {
    Host h = open(via);
    Change add = h.route("2001:db8:ef11::/64").via("2001:db8:ab12::5").dev("tv0").add();
    assertEquals(Change.Kind.ADDED, add.kind());
    assertEquals(Change.Kind.UNCHANGED, h.route("2001:db8:ef11::/64").via("2001:db8:ab12::5").add().kind());
    assertEquals("2001:db8:ab12::5", Ip.json(ns, "-6", "route", "show", "2001:db8:ef11::/64").get(0).get("gateway")
        .asText());
    Change replaced = h.route("2001:db8:ef11::/64").via("2001:db8:ab12::6").dev("tv0").replace();
    assertEquals(Change.Kind.CHANGED, replaced.kind(), replaced.toString());
    assertTrue(replaced.before().contains("2001:db8:ab12::5") && replaced.after().contains("2001:db8:ab12::6"),
        replaced.toString());
    assertEquals("2001:db8:ab12::6", Ip.json(ns, "-6", "route", "show", "2001:db8:ef11::/64").get(0).get("gateway")
        .asText());
    // a different route holding the destination: add fails with the kernel's EEXIST
    NetlinkException exists = assertThrows(NetlinkException.class,
        () -> h.route("2001:db8:ef11::/64").via("2001:db8:ab12::7").dev("tv0").add());
    assertEquals(17, exists.errno(), exists.getMessage());
    assertEquals(Change.Kind.REMOVED, h.route("2001:db8:ef11::/64").via("2001:db8:ab12::6").delete().kind());
    assertEquals(0, Ip.json(ns, "-6", "route", "show", "2001:db8:ef11::/64").size());
    assertEquals(Change.Kind.UNCHANGED, h.route("2001:db8:ef11::/64").via("2001:db8:ab12::6").delete().kind());
  }

  @ParameterizedTest
  @EnumSource(Via.class)
  void neighbourFiltersMatchIp(Via via) {
    Host h = open(via);
    Ip.run(ns, "-6", "neigh", "add", "2001:db8:ab12::7", "dev", "tv0", "lladdr", "02:00:00:00:00:07", "nud",
        "permanent");
    Ip.run(ns, "-6", "neigh", "replace", "2001:db8:ab12::8", "dev", "tv0", "nud", "failed");
    List<Neighbour> failed = h.neighbours().dev("tv0").failed().list();
    assertEquals(List.of("2001:db8:ab12::8"), failed.stream().map(n -> IpAddresses.format(n.address())).toList());
    JsonNode ipFailed = Ip.json(ns, "-6", "neigh", "show", "dev", "tv0", "nud", "failed");
    assertEquals(1, ipFailed.size());
    assertEquals(1, h.neighbours().address("2001:db8:ab12::7").list().size());
    assertEquals(Ip.json(ns, "-6", "neigh", "show", "dev", "tv0", "nud", "all").size(),
        h.neighbours().dev("tv0").list().size());
  }

  @ParameterizedTest
  @EnumSource(Via.class)
  void sysctlWritesAreReadBack(Via via) {
    Host h = open(via);
    Change c = h.sysctl("net.ipv6.conf.tv0.accept_ra", "2");
    assertEquals(Change.of("docker1", "sysctl net.ipv6.conf.tv0.accept_ra", "1", "2"), c);
    assertEquals("2", Ip.exec(ns, "sysctl", "-n", "net.ipv6.conf.tv0.accept_ra").out().trim());
    assertFalse(h.sysctl("net.ipv6.conf.tv0.accept_ra", "2").changed());
    NetlinkException refused = assertThrows(NetlinkException.class, () -> h.sysctl("net.ipv6.conf.tv0.accept_ra",
        "x"));
    assertEquals(22, refused.errno(), refused.getMessage());
    assertEquals("2", Ip.exec(ns, "sysctl", "-n", "net.ipv6.conf.tv0.accept_ra").out().trim());
  }

  @ParameterizedTest
  @EnumSource(Via.class)
  void badInputGivesClearErrorsAndChangesNothing(Via via) {
    Host h = open(via);
    NetlinkException noDev = assertThrows(NetlinkException.class, () -> h.enableProxyNdp("eth9"));
    assertTrue(noDev.getMessage().contains("eth9"), noDev.getMessage());
    assertEquals(19, noDev.errno());

    SixkitException v4 = assertThrows(SixkitException.class, () -> h.proxyNdp("tv0").proxy("192.0.2.1"));
    assertTrue(v4.getMessage().contains("IPv6"), v4.getMessage());
    assertEquals(0, Ip.json(ns, "-6", "neigh", "show", "proxy", "dev", "tv0").size());

    NetlinkException noSysctl = assertThrows(NetlinkException.class, () -> h.sysctl("net.ipv6.conf.eth9.proxy_ndp"));
    assertTrue(noSysctl.getMessage().contains("eth9"), noSysctl.getMessage());
    NetlinkException badKey = assertThrows(NetlinkException.class, () -> h.sysctl("kernel.hostname"));
    assertEquals(22, badKey.errno());
    NetlinkException badPrefix = assertThrows(NetlinkException.class, () -> h.route("2001:db8::/129"));
    assertEquals(22, badPrefix.errno());
    NetlinkException unreachable = assertThrows(NetlinkException.class, () -> h.routeTo("2001:db8:ffff::1"));
    assertEquals(101, unreachable.errno(), unreachable.getMessage());
    if (via == Via.SSH) {
      assertInstanceOf(SshHost.class, h);
    }
  }
}
