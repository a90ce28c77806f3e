package dev.sixkit.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sixkit.netlink.testing.Ip;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Neighbour and proxy tables against {@code ip -json}, in two namespaces joined by a veth pair.
 * NUD states change on timers, so comparisons take our dump, then ip's, then ours again, and
 * compare only when our two dumps agree (the table held still across ip's read).
 */
class NeighboursIT extends OnTwoHosts {
  private static final String MAC = "02:00:00:00:00:01";
  NeighboursIT() {
    super("ng");
  }

  // ---- normalised views, one line per entry, the same for ours and ip's ----

  static String line(Neighbour n) {
    StringBuilder sb = new StringBuilder(IpAddresses.format(n.address())).append(" dev ").append(n.device());
    if (!n.lladdr().isEmpty()) {
      sb.append(" lladdr ").append(n.lladdr());
    }
    if (n.isRouter()) {
      sb.append(" router");
    }
    sb.append(n.isProxy() ? " proxy" : " " + n.state());
    return sb.toString();
  }

  /** ip omits "dev" when filtering by it: {@code dev} fills it in. */
  static String line(JsonNode j, String dev) {
    StringBuilder sb = new StringBuilder(j.get("dst").asText()).append(" dev ")
        .append(j.has("dev") ? j.get("dev").asText() : dev);
    if (j.has("lladdr")) {
      sb.append(" lladdr ").append(j.get("lladdr").asText());
    }
    if (j.has("router")) {
      sb.append(" router");
    }
    if (j.has("proxy")) {
      sb.append(" proxy");
    } else {
      List<String> states = new ArrayList<>();
      if (j.has("state")) {
        j.get("state").forEach(s -> states.add(s.asText()));
      }
      sb.append(' ').append(states.isEmpty() ? "NONE" : String.join(",", states));
    }
    return sb.toString();
  }

  static TreeSet<String> lines(List<Neighbour> ns) {
    TreeSet<String> out = new TreeSet<>();
    ns.forEach(n -> out.add(line(n)));
    return out;
  }

  static TreeSet<String> ipLines(String netns, String dev, String... args) {
    TreeSet<String> out = new TreeSet<>();
    Ip.json(netns, args).forEach(j -> out.add(line(j, dev)));
    return out;
  }

  /** Compares ours with ip's once the table holds still across ip's read; returns ours. */
  static TreeSet<String> assertSameAsIp(Supplier<List<Neighbour>> ours, String netns, String dev, String... ipArgs) {
    for (int attempt = 0; attempt < 20; attempt++) {
      TreeSet<String> before = lines(ours.get());
      TreeSet<String> ip = ipLines(netns, dev, ipArgs);
      TreeSet<String> after = lines(ours.get());
      if (before.equals(after)) {
        assertEquals(String.join("\n", ip), String.join("\n", before), "ip " + String.join(" ", ipArgs));
        return before;
      }
    }
    throw new AssertionError("the neighbour table never held still for long enough to compare");
  }

  private Map<String, NudState> statesByAddress() {
    Map<String, NudState> m = new TreeMap<>();
    nl.neighbours().list().forEach(n -> m.put(IpAddresses.format(n.address()) + "%" + n.device(), n.state()));
    return m;
  }

  private NudState awaitState(String addr, String dev, long millis, NudState... wanted) {
    long end = System.nanoTime() + millis * 1_000_000;
    NudState last = null;
    while (System.nanoTime() < end) {
      last = statesByAddress().get(addr + "%" + dev);
      for (NudState w : wanted) {
        if (w == last) {
          return last;
        }
      }
      sleep(50);
    }
    throw new AssertionError(addr + " dev " + dev + " never reached " + List.of(wanted) + "; last " + last);
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** An ICMPv6 echo (isReachable as root) sent from inside the namespace. */
  static boolean ping(Netlink nl, String addr, int timeoutMillis) {
    return nl.inNamespace(() -> IpAddresses.parse(addr).isReachable(timeoutMillis));
  }

  // ---- ordinary entries ----

  @Test
  void everyNudStateMatchesIp() {
    String a = hosts.a;
    // Slow timers on eth0 so states made by hand hold still; v1a keeps the defaults for the
    // real INCOMPLETE -> FAILED walk below.
    TwoHosts.sysctl(a, "net.ipv6.neigh.eth0.retrans_time_ms", "20000");
    TwoHosts.sysctl(a, "net.ipv6.neigh.eth0.delay_first_probe_time", "120");
    Map<String, NudState> byHand = new TreeMap<>(Map.of(
        "2001:db8:1::10", NudState.STALE, "2001:db8:1::11", NudState.PROBE, "2001:db8:1::12", NudState.NOARP,
        "2001:db8:1::13", NudState.PERMANENT, "2001:db8:1::14", NudState.REACHABLE,
        "2001:db8:1::15", NudState.INCOMPLETE, "2001:db8:1::16", NudState.FAILED));
    byHand.forEach((addr, s) -> {
      List<String> args = new ArrayList<>(List.of("-6", "neigh", "replace", addr));
      if (s != NudState.INCOMPLETE && s != NudState.FAILED) {
        args.addAll(List.of("lladdr", MAC));
      }
      args.addAll(List.of("dev", "eth0", "nud", s.name().toLowerCase()));
      Ip.run(a, args.toArray(String[]::new));
    });
    // DELAY for real: traffic to a STALE neighbour starts the delay before the first probe.
    Ip.run(a, "-6", "neigh", "replace", "2001:db8:1::17", "lladdr", MAC, "dev", "eth0", "nud", "stale");
    assertFalse(ping(nl, "2001:db8:1::17", 200), "nobody answers for ::17");
    // REACHABLE for real: the peer answers.
    assertTrue(ping(nl, TwoHosts.B_ADDR, 3000), "the veth peer answers");

    Map<String, NudState> got = statesByAddress();
    byHand.forEach((addr, s) -> assertEquals(s, got.get(addr + "%eth0"), addr));
    assertEquals(NudState.DELAY, got.get("2001:db8:1::17%eth0"));
    assertEquals(NudState.REACHABLE, got.get(TwoHosts.B_ADDR + "%eth0"));
    TreeSet<String> table = assertSameAsIp(() -> nl.neighbours().list(), a, null, "neigh", "show", "nud", "all");
    for (NudState s : NudState.values()) {
      if (s != NudState.NONE) {
        assertTrue(table.stream().anyMatch(l -> l.endsWith(" " + s.name())), s + " in " + table);
      }
    }

    // INCOMPLETE then FAILED for real: ping an on-link address nobody holds.
    Ip.run(a, "addr", "add", "2001:db8:2::1/64", "dev", "v1a", "nodad");
    CompletableFuture<Boolean> p = CompletableFuture.supplyAsync(() -> ping(nl, "2001:db8:2::99", 1000));
    awaitState("2001:db8:2::99", "v1a", 3000, NudState.INCOMPLETE);
    assertSameAsIp(() -> nl.neighbours().query().dev("v1a").list(), a, "v1a", "neigh", "show", "dev", "v1a", "nud", "all");
    assertFalse(p.join());
    awaitState("2001:db8:2::99", "v1a", 15000, NudState.FAILED);
    assertSameAsIp(() -> nl.neighbours().list(), a, null, "neigh", "show", "nud", "all");
    assertEquals(List.of("2001:db8:2::99 dev v1a FAILED"),
        nl.neighbours().query().state(NudState.FAILED).dev("v1a").list().stream().map(Neighbour::toString).toList());
  }

  @Test
  void writesReadBackWithIp() {
    String a = hosts.a;
    Neighbours n = nl.neighbours();
    n.entry("2001:db8:1::20").dev("eth0").lladdr("02:00:00:00:00:AA").add();
    n.entry("2001:db8:1::21").dev("eth0").lladdr(MAC).router().add();
    n.entry("2001:db8:1::22").dev("v1a").lladdr(MAC).state(NudState.STALE).add();
    n.entry("2001:db8:1::23").dev("eth0").lladdr(MAC).state(NudState.NOARP).replace();
    n.entry("127.0.0.5").dev("eth0").lladdr(MAC).state(NudState.STALE).add();
    assertEquals(new TreeSet<>(List.of(
            "2001:db8:1::20 dev eth0 lladdr 02:00:00:00:00:aa PERMANENT",
            "2001:db8:1::21 dev eth0 lladdr 02:00:00:00:00:01 router PERMANENT",
            "2001:db8:1::22 dev v1a lladdr 02:00:00:00:00:01 STALE",
            "2001:db8:1::23 dev eth0 lladdr 02:00:00:00:00:01 NOARP",
            "127.0.0.5 dev eth0 lladdr 02:00:00:00:00:01 STALE")),
        ipLines(a, null, "neigh", "show", "nud", "all").headSet("3"), "written entries as ip sees them");

    // replace changes state and link-layer address; without lladdr it keeps the old one
    n.entry("2001:db8:1::20").dev("eth0").lladdr("02:00:00:00:00:bb").state(NudState.STALE).replace();
    n.entry("2001:db8:1::22").dev("v1a").state(NudState.PERMANENT).replace();
    TreeSet<String> ip = ipLines(a, null, "neigh", "show", "nud", "all");
    assertTrue(ip.contains("2001:db8:1::20 dev eth0 lladdr 02:00:00:00:00:bb STALE"), ip.toString());
    assertTrue(ip.contains("2001:db8:1::22 dev v1a lladdr 02:00:00:00:00:01 PERMANENT"), ip.toString());
    assertSameAsIp(() -> n.list(), a, null, "neigh", "show", "nud", "all");

    n.entry("2001:db8:1::21").dev("eth0").delete();
    n.entry("127.0.0.5").dev("eth0").delete();
    ip = ipLines(a, null, "neigh", "show", "nud", "all");
    assertFalse(ip.stream().anyMatch(l -> l.startsWith("2001:db8:1::21 ") || l.startsWith("127.0.0.5 ")), ip.toString());
    NetlinkException e = assertThrows(NetlinkException.class, () -> n.entry("2001:db8:1::21").dev("eth0").delete());
    assertEquals("ENOENT", e.errnoName());
  }

  @Test
  void aNewEntryInAValidStateNeedsALinkLayerAddress() {
    // The kernel would create the entry, fail, and leave a NONE entry behind: we refuse first.
    NetlinkException e = assertThrows(NetlinkException.class,
        () -> nl.neighbours().entry("2001:db8:1::30").dev("eth0").add());
    System.out.println(e.getMessage());
    assertEquals("EINVAL", e.errnoName());
    assertTrue(e.getMessage().contains("2001:db8:1::30 dev eth0"), e.getMessage());
    assertThrows(NetlinkException.class,
        () -> nl.neighbours().entry("2001:db8:1::30").dev("eth0").state(NudState.NOARP).replace());
    assertEquals(0, Ip.json(hosts.a, "neigh", "show", "2001:db8:1::30", "nud", "all").size());
    // INCOMPLETE and FAILED need none
    nl.neighbours().entry("2001:db8:1::31").dev("eth0").state(NudState.FAILED).add();
    assertEquals(1, Ip.json(hosts.a, "neigh", "show", "2001:db8:1::31", "nud", "all").size());
  }

  @Test
  void filtersMatchIp() {
    String a = hosts.a;
    Ip.run(a, "-6", "neigh", "replace", "2001:db8:1::40", "lladdr", MAC, "dev", "eth0", "nud", "stale");
    Ip.run(a, "-6", "neigh", "replace", "2001:db8:1::41", "lladdr", MAC, "dev", "eth0", "nud", "permanent");
    Ip.run(a, "-6", "neigh", "replace", "2001:db8:1::42", "lladdr", MAC, "dev", "v1a", "nud", "stale", "router");
    Ip.run(a, "-6", "neigh", "replace", "2001:db8:1::43", "lladdr", MAC, "dev", "v1a", "nud", "noarp");
    Ip.run(a, "-4", "neigh", "replace", "127.0.0.7", "lladdr", MAC, "dev", "v1a", "nud", "permanent");
    Ip.run(a, "-4", "neigh", "replace", "127.0.0.8", "lladdr", MAC, "dev", "eth0", "nud", "stale");
    Neighbours n = nl.neighbours();

    TreeSet<String> v1a = assertSameAsIp(() -> n.query().dev("v1a").list(), a, "v1a", "neigh", "show", "dev", "v1a", "nud", "all");
    assertTrue(v1a.contains("2001:db8:1::42 dev v1a lladdr 02:00:00:00:00:01 router STALE"), v1a.toString());
    assertSameAsIp(() -> n.query().dev("eth0").list(), a, "eth0", "neigh", "show", "dev", "eth0", "nud", "all");
    TreeSet<String> v4 = assertSameAsIp(() -> n.query().ipv4().list(), a, null, "-4", "neigh", "show", "nud", "all");
    assertEquals(2, v4.size(), v4.toString());
    assertSameAsIp(() -> n.query().ipv6().list(), a, null, "-6", "neigh", "show", "nud", "all");
    TreeSet<String> stale = assertSameAsIp(() -> n.query().state(NudState.STALE, NudState.PERMANENT).list(), a, null,
        "neigh", "show", "nud", "stale", "nud", "permanent");
    assertEquals(5, stale.size(), stale.toString());
    assertSameAsIp(() -> n.query().ipv6().dev("v1a").state(NudState.NOARP).list(), a, "v1a",
        "-6", "neigh", "show", "dev", "v1a", "nud", "noarp");
    assertEquals(List.of("2001:db8:1::41 dev eth0 lladdr 02:00:00:00:00:01 PERMANENT"),
        List.copyOf(assertSameAsIp(() -> n.query().address("2001:db8:1::41").list(), a, null,
            "neigh", "show", "to", "2001:db8:1::41", "nud", "all")));
    assertTrue(n.query().address("2001:db8:1::41").dev("v1a").list().isEmpty());
    NetlinkException e = assertThrows(NetlinkException.class, () -> n.query().dev("nope0").list());
    assertEquals("ENODEV", e.errnoName());
    assertTrue(e.getMessage().contains("nope0"), e.getMessage());
  }

  // ---- proxy entries ----

  @Test
  void proxyEntriesPerDeviceMatchIp() throws Exception {
    String a = hosts.a;
    Neighbours n = nl.neighbours();
    n.proxy("2001:db8:ab11:0:8000::2").dev("eth0").add();
    n.proxy6("2001:db8:ab11:0:8000::3").dev("eth0").add();
    n.proxy("2001:db8:ab11:0:8000::4").dev("v1a").add();
    int v1a = nl.links().index("v1a");
    n.proxy(InetAddress.getByName("2001:db8:ab11:0:8000::5")).dev(v1a).replace();
    Ip.run(a, "-6", "neigh", "add", "proxy", "2001:db8:ab11:0:8000::6", "dev", "eth0");

    TreeSet<String> all = assertSameAsIp(() -> n.proxies().list(), a, null, "-6", "neigh", "show", "proxy");
    assertEquals(new TreeSet<>(List.of(
        "2001:db8:ab11:0:8000::2 dev eth0 proxy", "2001:db8:ab11:0:8000::3 dev eth0 proxy",
        "2001:db8:ab11:0:8000::4 dev v1a proxy", "2001:db8:ab11:0:8000::5 dev v1a proxy",
        "2001:db8:ab11:0:8000::6 dev eth0 proxy")), all);
    assertSameAsIp(() -> n.proxies().dev("eth0").list(), a, "eth0", "-6", "neigh", "show", "proxy", "dev", "eth0");
    assertSameAsIp(() -> n.proxies().ipv6().dev("v1a").list(), a, "v1a", "-6", "neigh", "show", "proxy", "dev", "v1a");
    // proxy entries never show up among ordinary ones, and the other way round
    assertTrue(n.list().stream().noneMatch(Neighbour::isProxy));
    assertTrue(n.proxies().list().stream().allMatch(x -> x.isProxy() && x.state() == NudState.NONE));
    assertEquals("2001:db8:ab11:0:8000::2 dev eth0 proxy",
        n.proxies().dev("eth0").list().stream().map(Neighbour::toString).sorted().findFirst().orElseThrow());

    assertTrue(n.proxy("2001:db8:ab11:0:8000::2").dev("eth0").exists());
    assertFalse(n.proxy("2001:db8:ab11:0:8000::2").dev("v1a").exists());
    n.proxy("2001:db8:ab11:0:8000::2").dev("eth0").delete();
    assertFalse(n.proxy("2001:db8:ab11:0:8000::2").dev("eth0").exists());
    assertEquals(4, Ip.json(a, "-6", "neigh", "show", "proxy").size());

    // flush one device: the other keeps its entries
    List<Neighbour> gone = n.proxies().dev("eth0").flush();
    assertEquals(List.of("2001:db8:ab11:0:8000::3", "2001:db8:ab11:0:8000::6"),
        gone.stream().map(x -> IpAddresses.format(x.address())).sorted().toList());
    assertEquals(new TreeSet<>(List.of("2001:db8:ab11:0:8000::4 dev v1a proxy", "2001:db8:ab11:0:8000::5 dev v1a proxy")),
        ipLines(a, null, "-6", "neigh", "show", "proxy"));
    assertEquals(2, n.proxies().flush().size());
    assertEquals(0, Ip.json(a, "-6", "neigh", "show", "proxy").size());
    assertTrue(n.proxies().list().isEmpty());
    assertTrue(n.proxies().flush().isEmpty());
  }

  @Test
  void ipv4ProxyEntriesAndFamilyFilters() {
    String a = hosts.a;
    Neighbours n = nl.neighbours();
    n.proxy("127.0.0.9").dev("eth0").add();
    n.proxy("2001:db8:ab11::9").dev("eth0").add();
    assertSameAsIp(() -> n.proxies().ipv4().list(), a, null, "-4", "neigh", "show", "proxy");
    assertSameAsIp(() -> n.proxies().ipv6().list(), a, null, "-6", "neigh", "show", "proxy");
    assertSameAsIp(() -> n.proxies().list(), a, null, "neigh", "show", "proxy");
    assertEquals(1, n.proxies().ipv4().dev("eth0").flush().size());
    assertEquals(List.of("2001:db8:ab11::9 dev eth0 proxy"), List.copyOf(ipLines(a, null, "neigh", "show", "proxy")));
  }

  /**
   * NOTES.md: a second RTM_NEWNEIGH for an existing proxy entry with NLM_F_EXCL is accepted
   * without EEXIST (ordinary entries do answer EEXIST). This pins that kernel behaviour, which
   * makes {@code add()} idempotent for proxy entries.
   */
  @Test
  void duplicateProxyAddIsAcceptedByTheKernel() {
    Neighbours n = nl.neighbours();
    n.proxy("2001:db8:ab11::7").dev("eth0").add();
    n.proxy("2001:db8:ab11::7").dev("eth0").add();
    n.proxy("2001:db8:ab11::7").dev("eth0").replace();
    assertEquals(List.of("2001:db8:ab11::7 dev eth0 proxy"), List.copyOf(ipLines(hosts.a, null, "-6", "neigh", "show", "proxy")));
    // ip agrees: its own second add succeeds too
    assertEquals(0, Ip.tryRun(hosts.a, "-6", "neigh", "add", "proxy", "2001:db8:ab11::7", "dev", "eth0").exit());
    // an ordinary entry does answer EEXIST
    n.entry("2001:db8:1::50").dev("eth0").lladdr(MAC).add();
    NetlinkException e = assertThrows(NetlinkException.class, () -> n.entry("2001:db8:1::50").dev("eth0").lladdr(MAC).add());
    assertEquals("EEXIST", e.errnoName());
  }

  /** ip -json names a protocol from /etc/iproute2/rt_protos, or prints the number. */
  static String ipProtocol(JsonNode j) {
    return j.path("protocol").asText("");
  }

  @Test
  void proxyEntriesCarryTheirProtocol() {
    Neighbours n = nl.neighbours();
    int eth0 = nl.links().index("eth0");
    n.proxy("2001:db8:1::60").dev("eth0").protocol(Protocols.SIXKIT).add();
    n.proxy("2001:db8:1::61").dev(eth0).protocol(Protocols.SIXKIT).replace();
    n.proxy("2001:db8:1::62").dev("eth0").add();
    Ip.run(hosts.a, "neigh", "add", "proxy", "2001:db8:1::63", "protocol", "99", "dev", "eth0");
    Map<String, String> ip = new TreeMap<>();
    Ip.json(hosts.a, "-6", "neigh", "show", "proxy").forEach(j -> ip.put(j.get("dst").asText(), ipProtocol(j)));
    assertEquals(Map.of("2001:db8:1::60", "171", "2001:db8:1::61", "171", "2001:db8:1::62", "",
        "2001:db8:1::63", "openr"), ip);
    Map<String, Integer> ours = new TreeMap<>();
    n.proxies().ipv6().list().forEach(p -> ours.put(IpAddresses.format(p.address()), p.protocol()));
    assertEquals(Map.of("2001:db8:1::60", 171, "2001:db8:1::61", 171, "2001:db8:1::62", 0, "2001:db8:1::63", 99),
        ours);
    assertEquals(n.proxies().dev("eth0").list(), n.proxies().dev(eth0).list(), "by index, the same entries and names");
    assertEquals(4, n.proxies().ipv6().dev(eth0).list().size());
    Neighbour openr = n.proxies().list().stream().filter(p -> p.protocol() == 99).findFirst().orElseThrow();
    assertEquals("openr", openr.protocolName());
    assertEquals("2001:db8:1::63 dev eth0 proto openr proxy", openr.toString());
    assertEquals("sixkit", Protocols.name(Protocols.SIXKIT));
    NetlinkException e = assertThrows(NetlinkException.class,
        () -> n.proxy("2001:db8:1::64").dev("eth0").protocol(256));
    assertEquals("EINVAL", e.errnoName());
    assertTrue(e.getMessage().contains("256"), e.getMessage());
  }

  @Test
  void ordinaryEntriesCarryTheirProtocol() {
    nl.neighbours().entry("2001:db8:1::70").dev("eth0").lladdr(MAC).protocol(Protocols.SIXKIT).add();
    Ip.run(hosts.a, "neigh", "add", "2001:db8:1::71", "lladdr", MAC, "protocol", "99", "dev", "eth0");
    Map<String, String> ip = new TreeMap<>();
    Ip.json(hosts.a, "-6", "neigh", "show", "dev", "eth0").forEach(j -> ip.put(j.get("dst").asText(), ipProtocol(j)));
    assertEquals("171", ip.get("2001:db8:1::70"));
    assertEquals("openr", ip.get("2001:db8:1::71"));
    Map<String, Integer> ours = new TreeMap<>();
    nl.neighbours().query().dev("eth0").list().forEach(x -> ours.put(IpAddresses.format(x.address()), x.protocol()));
    assertEquals(171, ours.get("2001:db8:1::70"));
    assertEquals(99, ours.get("2001:db8:1::71"));
  }
}
