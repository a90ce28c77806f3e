package dev.sixkit.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sixkit.SixkitException;
import dev.sixkit.netlink.IpAddresses;
import dev.sixkit.netlink.Link;
import dev.sixkit.netlink.Neighbour;
import dev.sixkit.netlink.NetlinkException;
import dev.sixkit.netlink.Route;
import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.netlink.testing.TestNetns;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Host API on a namespace host: reads compared with ip -json, idempotent writes read back. */
class HostIT {
  private TestNetns namespaces;
  private String ns;
  private Host host;

  @BeforeEach
  void setUp() {
    namespaces = new TestNetns();
    ns = namespaces.create("host").name();
    Ip.run(ns, "link", "add", "eth0", "type", "veth", "peer", "name", "eth1");
    Ip.run(ns, "link", "set", "eth0", "up");
    Ip.run(ns, "link", "set", "eth1", "up");
    Ip.run(ns, "addr", "add", "2001:db8:ab11::1/64", "dev", "eth0", "nodad");
    Ip.run(ns, "addr", "add", "2001:db8:ab11::2/64", "dev", "eth1", "nodad");
    host = Host.netns(ns);
  }

  @AfterEach
  void tearDown() {
    if (host != null) {
      host.close();
    }
    namespaces.close();
  }

  @Test
  void readsMatchIp() {
    Set<String> ours = new TreeSet<>();
    for (Link l : host.interfaces()) {
      ours.add(l.index() + " " + l.name());
    }
    Set<String> ip = new TreeSet<>();
    Ip.json(ns, "link", "show").forEach(l -> ip.add(l.get("ifindex").asInt() + " " + l.get("ifname").asText()));
    assertEquals(ip, ours);

    Set<String> addrs = new TreeSet<>();
    host.addresses().forEach(a -> addrs.add(a.device() + " " + a.prefix()));
    Set<String> ipAddrs = new TreeSet<>();
    Ip.json(ns, "addr", "show").forEach(l -> l.get("addr_info").forEach(
        a -> ipAddrs.add(l.get("ifname").asText() + " " + a.get("local").asText() + "/" + a.get("prefixlen").asInt())));
    assertEquals(ipAddrs, addrs);

    Set<String> routes = new TreeSet<>();
    host.routes().stream().filter(Route::isV6).forEach(r -> routes.add(r.destination() + " " + r.device()));
    Set<String> ipRoutes = new TreeSet<>();
    Ip.json(ns, "-6", "route", "show").forEach(r -> ipRoutes.add(r.get("dst").asText() + " " + r.get("dev").asText()));
    assertEquals(ipRoutes, routes);

    Route get = host.routeTo("2001:db8:ab11::99");
    JsonNode ipGet = Ip.json(ns, "route", "get", "2001:db8:ab11::99").get(0);
    assertEquals(ipGet.get("dev").asText(), get.device());

    assertEquals(Ip.exec(ns, "sysctl", "-n", "net.ipv6.conf.eth0.forwarding").out().trim(),
        host.sysctl("net.ipv6.conf.eth0.forwarding"));
  }

  @Test
  void proxyWritesAreIdempotentAndSayWhatChanged() {
    Host.ProxyNdp p = host.enableProxyNdp("eth0");
    assertEquals(List.of(Change.of(ns, "sysctl net.ipv6.conf.eth0.proxy_ndp", "0", "1")), p.enabled());
    assertEquals("1", Ip.exec(ns, "sysctl", "-n", "net.ipv6.conf.eth0.proxy_ndp").out().trim());
    assertFalse(host.enableProxyNdp("eth0").enabled().get(0).changed());

    Change added = p.proxy("2001:db8:ab11:0:8000::5");
    assertEquals(Change.Kind.ADDED, added.kind());
    assertEquals(ns + ": + proxy 2001:db8:ab11:0:8000::5 dev eth0", added.toString());
    assertEquals(Change.Kind.UNCHANGED, p.proxy("2001:db8:ab11:0:8000::5").kind());
    JsonNode proxies = Ip.json(ns, "-6", "neigh", "show", "proxy");
    assertEquals(1, proxies.size());
    assertEquals("2001:db8:ab11:0:8000::5", proxies.get(0).get("dst").asText());
    List<Neighbour> entries = p.entries();
    assertEquals(1, entries.size());
    assertEquals("2001:db8:ab11:0:8000::5", IpAddresses.format(entries.get(0).address()));

    assertEquals(Change.Kind.REMOVED, p.unproxy("2001:db8:ab11:0:8000::5").kind());
    assertEquals(Change.Kind.UNCHANGED, p.unproxy("2001:db8:ab11:0:8000::5").kind());
    assertEquals(0, Ip.json(ns, "-6", "neigh", "show", "proxy").size());
  }

  @Test
  void routeWritesAreIdempotentAndReplaceSaysBeforeAndAfter() {
    Change add = host.route("2001:db8:ef11::/64").via("2001:db8:ab11::5").dev("eth0").add();
    assertEquals(Change.Kind.ADDED, add.kind());
    assertEquals(Change.Kind.UNCHANGED, host.route("2001:db8:ef11::/64").via("2001:db8:ab11::5").add().kind());
    assertEquals("2001:db8:ab11::5", Ip.json(ns, "-6", "route", "show", "2001:db8:ef11::/64").get(0).get("gateway").asText());
    Change replaced = host.route("2001:db8:ef11::/64").via("2001:db8:ab11::6").dev("eth0").replace();
    assertEquals(Change.Kind.CHANGED, replaced.kind(), replaced.toString());
    assertTrue(replaced.before().contains("2001:db8:ab11::5") && replaced.after().contains("2001:db8:ab11::6"), replaced.toString());
    assertEquals("2001:db8:ab11::6", Ip.json(ns, "-6", "route", "show", "2001:db8:ef11::/64").get(0).get("gateway").asText());
    assertEquals(Change.Kind.REMOVED, host.route("2001:db8:ef11::/64").via("2001:db8:ab11::6").delete().kind());
    assertEquals(0, Ip.json(ns, "-6", "route", "show", "2001:db8:ef11::/64").size());
  }

  @Test
  void neighbourFiltersMatchIp() {
    Ip.run(ns, "-6", "neigh", "add", "2001:db8:ab11::7", "dev", "eth0", "lladdr", "02:00:00:00:00:07", "nud", "permanent");
    Ip.run(ns, "-6", "neigh", "replace", "2001:db8:ab11::8", "dev", "eth0", "nud", "failed");
    List<Neighbour> failed = host.neighbours().dev("eth0").failed().list();
    assertEquals(List.of("2001:db8:ab11::8"), failed.stream().map(n -> IpAddresses.format(n.address())).toList());
    JsonNode ipFailed = Ip.json(ns, "-6", "neigh", "show", "dev", "eth0", "nud", "failed");
    assertEquals(1, ipFailed.size());
    assertEquals(1, host.neighbours().address("2001:db8:ab11::7").list().size());
  }

  @Test
  void badInputGivesClearErrorsAndChangesNothing() {
    NetlinkException noDev = assertThrows(NetlinkException.class, () -> host.enableProxyNdp("eth9"));
    assertTrue(noDev.getMessage().contains("eth9"), noDev.getMessage());
    assertEquals("0", Ip.exec(ns, "sysctl", "-n", "net.ipv6.conf.eth0.proxy_ndp").out().trim());

    SixkitException v4 = assertThrows(SixkitException.class, () -> host.proxyNdp("eth0").proxy("192.0.2.1"));
    assertTrue(v4.getMessage().contains("IPv6"), v4.getMessage());
    assertEquals(0, Ip.json(ns, "-6", "neigh", "show", "proxy").size());

    SixkitException noDocker = assertThrows(SixkitException.class, () -> host.docker());
    assertTrue(noDocker.getMessage().contains("no Docker endpoint"), noDocker.getMessage());

    NetlinkException noNs = assertThrows(NetlinkException.class, () -> Host.netns("sxt-absent-namespace"));
    assertTrue(noNs.getMessage().contains("sxt-absent-namespace"), noNs.getMessage());
  }

  @Test
  void anUnreachableDockerEndpointIsNamed() {
    try (Host h = Host.netns(ns, "unix:///run/sixkit-test-nothing-here.sock")) {
      SixkitException e = assertThrows(SixkitException.class, () -> h.docker().containers());
      assertTrue(e.getMessage().contains("/run/sixkit-test-nothing-here.sock"), e.getMessage());
    }
  }
}
