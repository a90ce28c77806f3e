package dev.sixkit.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sixkit.netlink.testing.ChildJvm;
import dev.sixkit.netlink.testing.Ip;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Bad input, one case per test: each fails with a NetlinkException whose message a person can
 * read (operation, object, errno name, what went wrong), and the namespace reads the same with
 * {@code ip -json} afterwards.
 */
class BadInputIT extends OnTwoHosts {
  private static final String MAC = "02:00:00:00:00:01";
  private String before;

  BadInputIT() {
    super("bad");
  }

  @BeforeEach
  void setUp() {
    // something to keep: one ordinary entry and one proxy entry
    Ip.run(hosts.a, "-6", "neigh", "replace", "2001:db8:1::10", "lladdr", MAC, "dev", "eth0", "nud", "permanent");
    Ip.run(hosts.a, "-6", "neigh", "add", "proxy", "2001:db8:ab11::10", "dev", "eth0");
    before = settled(hosts.a);
  }

  /**
   * The snapshot once the kernel is done on its own: link-local addresses finish duplicate
   * address detection a second or so after a link comes up, and only then get their local routes.
   */
  static String settled(String ns) {
    for (int i = 0; i < 100; i++) {
      boolean tentative = false;
      for (JsonNode l : Ip.json(ns, "-6", "addr", "show", "tentative")) {
        tentative |= l.path("addr_info").size() > 0;
      }
      if (!tentative) {
        String first = snapshot(ns);
        sleepMillis(100);
        if (first.equals(snapshot(ns))) {
          return first;
        }
      }
      sleepMillis(50);
    }
    throw new AssertionError("namespace " + ns + " did not settle: " + snapshot(ns));
  }

  private static void sleepMillis(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @AfterEach
  void nothingChanged() {
    assertEquals(before, snapshot(hosts.a), "nothing changed in the namespace");
  }

  /**
   * Links, addresses, routes, neighbours and proxy entries as ip -json shows them, without what
   * moves on its own (DAD flags, lifetimes, multicast neighbour entries, operstate).
   */
  static String snapshot(String ns) {
    TreeSet<String> out = new TreeSet<>();
    for (JsonNode l : Ip.json(ns, "link", "show")) {
      out.add("link " + l.get("ifname").asText() + " mtu " + l.get("mtu").asInt() + " " + l.path("address").asText()
          + " " + l.get("flags").toString().contains("\"UP\""));
    }
    for (JsonNode l : Ip.json(ns, "addr", "show")) {
      for (JsonNode a : l.path("addr_info")) {
        out.add("addr " + l.get("ifname").asText() + " " + a.get("local").asText() + "/" + a.get("prefixlen").asInt());
      }
    }
    for (String family : List.of("-4", "-6")) {
      for (JsonNode r : Ip.json(ns, family, "route", "show", "table", "all")) {
        out.add("route " + r.path("table").asText("main") + " " + r.get("dst").asText() + " " + r.path("gateway").asText()
            + " " + r.path("dev").asText());
      }
    }
    for (JsonNode n : Ip.json(ns, "neigh", "show", "nud", "all")) {
      if (!n.get("dst").asText().startsWith("ff")) {
        out.add("neigh " + NeighboursIT.line(n, null));
      }
    }
    for (JsonNode n : Ip.json(ns, "neigh", "show", "proxy")) {
      out.add("proxy " + NeighboursIT.line(n, null));
    }
    return String.join("\n", out);
  }

  /** Runs {@code x}, prints the message and checks that it reads well. */
  static NetlinkException fails(String errno, Executable x, String... mentions) {
    NetlinkException e = assertThrows(NetlinkException.class, x);
    String m = e.getMessage();
    System.out.println(errno + ": " + m);
    assertEquals(errno, e.errnoName(), m);
    assertTrue(m.contains("(" + errno), "names the errno: " + m);
    assertTrue(m.contains(e.operation()), m);
    for (String s : mentions) {
      assertTrue(m.contains(s), "mentions " + s + ": " + m);
    }
    for (String noise : List.of("null", "Exception", "java.", "errno -")) {
      assertFalse(m.contains(noise), "no '" + noise + "' in: " + m);
    }
    assertTrue(m.length() < 300, "one sentence: " + m);
    return e;
  }

  @Test
  void unknownInterface() {
    fails("ENODEV", () -> nl.neighbours().proxy6("2001:db8:ab11::11").dev("eth9").add(),
        "add proxy neighbour 2001:db8:ab11::11 dev eth9: no interface named 'eth9' in netns " + hosts.a);
    fails("ENODEV", () -> nl.neighbours().proxy6("2001:db8:ab11::11").dev("eth9").delete(),
        "delete proxy neighbour 2001:db8:ab11::11 dev eth9: ");
    fails("ENODEV", () -> nl.neighbours().entry("2001:db8:1::11").dev("eth9").lladdr(MAC).add(),
        "add neighbour 2001:db8:1::11 dev eth9: ");
    fails("ENODEV", () -> nl.neighbours().entry("2001:db8:1::11").dev("eth9").replace(),
        "replace neighbour 2001:db8:1::11 dev eth9: ");
    fails("ENODEV", () -> nl.neighbours().proxies().dev("eth9").flush(), "list proxy neighbours dev eth9: ");
    fails("ENODEV", () -> nl.neighbours().query().dev("eth9").list(), "list neighbours dev eth9: ");
    fails("ENODEV", () -> nl.sysctls().ipv6("eth9").proxyNdp(true), "eth9");
    fails("ENODEV", () -> nl.links().get("eth9"), "eth9");
  }

  @Test
  void prefixLengthOver128() {
    NetlinkException e = fails("EINVAL", () -> IpPrefix.parse("2001:db8::/129"), "2001:db8::/129", "129", "0 to 128");
    assertTrue(e.detail().isPresent(), "checked before anything is sent: our words, not the kernel's");
    assertTrue(e.kernelMessage().isEmpty());
    fails("EINVAL", () -> IpPrefix.parse("127.0.0.0/33"), "33", "0 to 32");
  }

  @Test
  void duplicateAddOfAnOrdinaryNeighbour() {
    NetlinkException e = fails("EEXIST",
        () -> nl.neighbours().entry("2001:db8:1::10").dev("eth0").lladdr("02:00:00:00:00:99").add(),
        "2001:db8:1::10 dev eth0", "already");
    assertEquals("add neighbour", e.operation());
    // the existing entry keeps its link-layer address (checked by the snapshot too)
    assertEquals(MAC, Ip.json(hosts.a, "neigh", "show", "to", "2001:db8:1::10").get(0).get("lladdr").asText());
  }

  @Test
  void deleteOfAMissingProxyEntry() {
    fails("ENOENT", () -> nl.neighbours().proxy6("2001:db8:ab11::12").dev("eth0").delete(),
        "delete proxy neighbour", "2001:db8:ab11::12 dev eth0");
    // the same address exists, but on another device
    fails("ENOENT", () -> nl.neighbours().proxy6("2001:db8:ab11::10").dev("v1a").delete(), "2001:db8:ab11::10 dev v1a");
    fails("ENOENT", () -> nl.neighbours().entry("2001:db8:1::12").dev("eth0").delete(), "2001:db8:1::12 dev eth0");
  }

  /**
   * NDP proxying is IPv6 only: {@code proxy6} refuses an IPv4 address before anything is sent
   * (the kernel would take it as a proxy-ARP entry), as do IPv6-only prefixes.
   */
  @Test
  void ipv4AddressWhereIpv6IsRequired() {
    fails("EAFNOSUPPORT", () -> nl.neighbours().proxy6("127.0.0.1").dev("eth0").add(), "127.0.0.1", "IPv6");
    fails("EAFNOSUPPORT", () -> IpPrefix.parseV6("127.0.0.0/8", "add route"), "127.0.0.0/8", "IPv6");
    fails("EINVAL", () -> nl.neighbours().proxy6("2001:db8::zz").dev("eth0").add(), "2001:db8::zz");
    fails("EINVAL", () -> nl.neighbours().entry("2001:db8:1::13").dev("eth0").lladdr("02:00:00:00:01").add(),
        "02:00:00:00:01");
    assertEquals("[]", Ip.json(hosts.a, "-4", "neigh", "show", "proxy").toString());
  }

  @Test
  void unknownNamespace() {
    assertFalse(Netns.exists("nope"), "a namespace called nope exists on this machine");
    fails("ENOENT", () -> Netlink.open("nope"), "'nope'", "open network namespace");
    fails("EINVAL", () -> Netlink.open("../etc"), "../etc");
    assertFalse(Files.exists(Path.of("/run/netns/nope")));
  }

  /**
   * A child JVM without CAP_NET_ADMIN (dropped from its bounding and inheritable sets with
   * setpriv, so root's exec does not get it back) tries to add a proxy entry.
   */
  @Test
  void writeWithoutCapNetAdmin() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>(List.of("setpriv", "--inh-caps=-net_admin", "--bounding-set=-net_admin", "--",
        java));
    cmd.addAll(ChildJvm.nativeAccess());
    cmd.addAll(List.of("-cp", cp, NoCapChild.class.getName(), hosts.a, "2001:db8:ab11::13", "eth0"));
    Ip.Result r = Ip.exec(cmd);
    System.out.println("child: " + r.out().strip() + (r.err().isBlank() ? "" : "\nchild stderr: " + r.err().strip()));
    assertEquals(0, r.exit(), r.err());
    String[] lines = r.out().strip().split("\n");
    long capEff = Long.parseUnsignedLong(lines[0].substring("CapEff=".length()), 16);
    assertEquals(0, capEff & (1L << 12), "CAP_NET_ADMIN (12) is dropped in the child");
    String last = lines[lines.length - 1];
    assertTrue(last.startsWith("FAILED EPERM "), last);
    String m = last.substring("FAILED EPERM ".length());
    assertTrue(m.startsWith("add proxy neighbour 2001:db8:ab11::13 dev eth0: "), m);
    assertTrue(m.contains("CAP_NET_ADMIN") && m.contains("(EPERM"), m);
    assertEquals(1, Ip.json(hosts.a, "-6", "neigh", "show", "proxy").size(), "no entry added");
  }
}
