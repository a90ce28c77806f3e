package dev.sixkit.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.netlink.testing.Ip;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Sysctls of a test namespace against {@code ip netns exec NS sysctl -n KEY}, with proof that
 * the root namespace's values stay as they were.
 */
class SysctlsIT {
  private static final List<String> LEAVES = List.of("proxy_ndp", "forwarding", "accept_ra", "disable_ipv6");
  private static final List<String> SCOPES = List.of("lo", "all", "default");
  private TwoHosts hosts;
  private Netlink nl;
  private Map<String, String> rootBefore;

  @BeforeEach
  void setUp() {
    rootBefore = rootValues();
    hosts = new TwoHosts("sc");
    nl = Netlink.open(hosts.a);
  }

  @AfterEach
  void tearDown() {
    if (nl != null) {
      nl.close();
    }
    hosts.close();
    assertEquals(rootBefore, rootValues(), "the root namespace's sysctls must not change");
  }

  /** The root namespace's values (read only) of every key these tests write elsewhere. */
  private static Map<String, String> rootValues() {
    Map<String, String> m = new LinkedHashMap<>();
    for (String scope : SCOPES) {
      for (String leaf : LEAVES) {
        String key = "net.ipv6.conf." + scope + "." + leaf;
        m.put(key, sysctlRoot(key));
      }
    }
    for (String key : List.of("net.ipv4.ip_forward", "net.ipv6.neigh.default.retrans_time_ms")) {
      m.put(key, sysctlRoot(key));
    }
    return m;
  }

  private static String sysctlRoot(String key) {
    Ip.Result r = Ip.exec(List.of("sysctl", "-n", key));
    assertEquals(0, r.exit(), r.err());
    return r.out().strip();
  }

  private String sysctl(String key) {
    Ip.Result r = Ip.exec(hosts.a, "sysctl", "-n", key);
    assertEquals(0, r.exit(), key + ": " + r.err());
    return r.out().strip();
  }

  private static NetlinkException fails(String errno, Executable x) {
    NetlinkException e = assertThrows(NetlinkException.class, x);
    System.out.println(e.getMessage());
    assertEquals(errno, e.errnoName(), e.getMessage());
    return e;
  }

  @Test
  void typedReadsMatchSysctl() {
    Sysctls s = nl.sysctls();
    for (Sysctls.Ipv6Conf c : List.of(s.ipv6("eth0"), s.ipv6("lo"), s.ipv6All(), s.ipv6Default())) {
      assertEquals(sysctl(c.key("proxy_ndp")), c.proxyNdp() ? "1" : "0", c.key("proxy_ndp"));
      assertEquals(sysctl(c.key("forwarding")), c.forwarding() ? "1" : "0", c.key("forwarding"));
      assertEquals(sysctl(c.key("accept_ra")), Integer.toString(c.acceptRa()), c.key("accept_ra"));
      assertEquals(sysctl(c.key("disable_ipv6")), c.disableIpv6() ? "1" : "0", c.key("disable_ipv6"));
      for (String leaf : LEAVES) {
        assertEquals(sysctl(c.key(leaf)), s.get(c.key(leaf)));
      }
    }
    assertEquals("net.ipv6.conf.eth0.proxy_ndp", s.ipv6("eth0").key("proxy_ndp"));
    assertEquals("eth0", s.ipv6("eth0").scope());
  }

  @Test
  void typedWritesReadBackWithSysctl() {
    Sysctls.Ipv6Conf eth0 = nl.sysctls().ipv6("eth0");
    assertFalse(eth0.proxyNdp());
    SysctlChange c = eth0.proxyNdp(true);
    assertEquals(new SysctlChange("net.ipv6.conf.eth0.proxy_ndp", "0", "1"), c);
    assertTrue(c.changed());
    assertEquals("net.ipv6.conf.eth0.proxy_ndp: 0 -> 1", c.toString());
    assertEquals("1", sysctl("net.ipv6.conf.eth0.proxy_ndp"));
    SysctlChange again = eth0.proxyNdp(true);
    assertFalse(again.changed());
    assertEquals("net.ipv6.conf.eth0.proxy_ndp: 1 (unchanged)", again.toString());

    // The seed's router settings: forwarding on everywhere, RAs still accepted on the uplink.
    assertEquals(new SysctlChange("net.ipv6.conf.all.forwarding", "0", "1"), nl.sysctls().ipv6All().forwarding(true));
    assertEquals("1", sysctl("net.ipv6.conf.all.forwarding"));
    assertEquals("1", sysctl("net.ipv6.conf.eth0.forwarding"), "all.forwarding sets every interface");
    assertTrue(eth0.forwarding());
    assertEquals(new SysctlChange("net.ipv6.conf.eth0.accept_ra", "1", "2"), eth0.acceptRa(2));
    assertEquals("2", sysctl("net.ipv6.conf.eth0.accept_ra"));
    assertEquals(2, eth0.acceptRa());

    Sysctls.Ipv6Conf def = nl.sysctls().ipv6Default();
    assertTrue(def.proxyNdp(true).changed());
    assertEquals("1", sysctl("net.ipv6.conf.default.proxy_ndp"));
    Ip.run(hosts.a, "link", "add", "v2a", "type", "veth", "peer", "name", "v2b");
    assertTrue(nl.sysctls().ipv6("v2a").proxyNdp(), "new interfaces start from default");

    Sysctls.Ipv6Conf v1a = nl.sysctls().ipv6("v1a");
    assertTrue(v1a.disableIpv6(true).changed());
    assertEquals("1", sysctl("net.ipv6.conf.v1a.disable_ipv6"));
    assertEquals("[]", Ip.json(hosts.a, "-6", "addr", "show", "dev", "v1a").toString(),
        "no IPv6 address (not even link-local) once disabled");
    assertTrue(v1a.disableIpv6(false).changed());
    assertFalse(v1a.disableIpv6());
    assertEquals("0", sysctl("net.ipv6.conf.v1a.disable_ipv6"));

    assertTrue(eth0.proxyNdp(false).changed());
    assertEquals("0", sysctl("net.ipv6.conf.eth0.proxy_ndp"));
  }

  @Test
  void genericGetAndSetUnderNet() {
    Sysctls s = nl.sysctls();
    String key = "net.ipv6.neigh.eth0.retrans_time_ms";
    assertEquals(sysctl(key), s.get(key));
    SysctlChange c = s.set(key, "2500");
    assertEquals("2500", c.after());
    assertEquals("2500", sysctl(key));
    assertEquals(sysctl("net.ipv4.ip_forward"), s.get("net.ipv4.ip_forward"));
    assertEquals(new SysctlChange("net.ipv4.ip_forward", "0", "1"), s.set("net.ipv4.ip_forward", "1"));
    assertEquals("1", sysctl("net.ipv4.ip_forward"));
  }

  @Test
  void interfaceNamesWithDotsUseSysctlSlashes() {
    Ip.run(hosts.a, "link", "add", "v.1", "type", "veth", "peer", "name", "v.2");
    Sysctls.Ipv6Conf c = nl.sysctls().ipv6("v.1");
    assertEquals("net.ipv6.conf.v/1.proxy_ndp", c.key("proxy_ndp"));
    assertEquals(new SysctlChange("net.ipv6.conf.v/1.proxy_ndp", "0", "1"), c.proxyNdp(true));
    assertEquals("1", sysctl("net.ipv6.conf.v/1.proxy_ndp"));
    assertEquals("0", sysctl("net.ipv6.conf.v/2.proxy_ndp"));
  }

  @Test
  void badKeysValuesAndInterfacesFailReadably() {
    Sysctls s = nl.sysctls();
    NetlinkException e = fails("ENODEV", () -> s.ipv6("eth9"));
    assertTrue(e.getMessage().contains("eth9") && e.getMessage().contains(hosts.a), e.getMessage());
    e = fails("ENODEV", () -> s.get("net.ipv6.conf.eth9.proxy_ndp"));
    assertTrue(e.getMessage().contains("'eth9'"), e.getMessage());
    fails("ENODEV", () -> s.set("net.ipv6.neigh.eth9.retrans_time_ms", "1000"));
    e = fails("ENOENT", () -> s.get("net.ipv6.conf.eth0.no_such_thing"));
    assertTrue(e.getMessage().contains("net.ipv6.conf.eth0.no_such_thing"), e.getMessage());
    for (String bad : List.of("net.ipv6..conf", "net/ipv6/conf/all/forwarding", "kernel.hostname",
        "net.ipv6.conf.../../../kernel.hostname", "net", "net.", "NET.ipv6.conf.all.forwarding", "net.ipv6.conf.a b.x")) {
      fails("EINVAL", () -> s.get(bad));
      fails("EINVAL", () -> s.set(bad, "1"));
    }
    fails("EINVAL", () -> s.ipv6("../all"));
    fails("EINVAL", () -> s.ipv6("a-name-longer-than-15"));
    fails("EINVAL", () -> s.set("net.ipv6.conf.eth0.proxy_ndp", "1\n0"));
    fails("EISDIR", () -> s.get("net.ipv6.conf.eth0"));

    // refused by the kernel: nothing changes
    String before = sysctl("net.ipv6.conf.eth0.proxy_ndp");
    e = fails("EINVAL", () -> s.set("net.ipv6.conf.eth0.proxy_ndp", "yes"));
    assertTrue(e.getMessage().contains("net.ipv6.conf.eth0.proxy_ndp=yes"), e.getMessage());
    assertEquals(before, sysctl("net.ipv6.conf.eth0.proxy_ndp"));
    e = fails("ERANGE", () -> s.ipv6("eth0").acceptRa(3));
    assertTrue(e.getMessage().contains("accept_ra"), e.getMessage());
    assertEquals("1", sysctl("net.ipv6.conf.eth0.accept_ra"));
  }
}
