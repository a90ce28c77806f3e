package dev.sixkit.netlink;

import static dev.sixkit.netlink.testing.FakeConnection.RTM_DELNEIGH;
import static dev.sixkit.netlink.testing.FakeConnection.RTM_GETADDR;
import static dev.sixkit.netlink.testing.FakeConnection.RTM_GETLINK;
import static dev.sixkit.netlink.testing.FakeConnection.RTM_GETNEIGH;
import static dev.sixkit.netlink.testing.FakeConnection.RTM_GETROUTE;
import static dev.sixkit.netlink.testing.FakeConnection.RTM_NEWADDR;
import static dev.sixkit.netlink.testing.FakeConnection.RTM_NEWNEIGH;
import static dev.sixkit.netlink.testing.FakeConnection.RTM_NEWROUTE;
import static dev.sixkit.netlink.testing.FakeConnection.RTM_SETLINK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.netlink.internal.Attributes;
import dev.sixkit.netlink.internal.Message;
import dev.sixkit.netlink.testing.FakeConnection;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The families (links, addresses, routes, neighbours) over a fake connection that replays what a
 * real kernel answered (the captured seed corpora) and counts requests: no root, no namespace,
 * milliseconds. The kernel itself is the business of the *IT tests.
 */
class FamiliesOnFakeTest {
  private final FakeConnection fake = FakeConnection.captured();
  private final Netlink nl = Netlink.over(fake);

  @AfterEach
  void close() {
    nl.close();
    assertTrue(fake.isClosed(), "closing the client closes its connection");
  }

  /** The one message of a request as sent. */
  static Message parse(byte[] request) {
    List<Message> out = new ArrayList<>();
    Message.forEach(ByteBuffer.wrap(request).order(ByteOrder.nativeOrder()), request.length, out::add);
    assertEquals(1, out.size());
    return out.get(0);
  }

  @Test
  void linksAreDecodedFromTheCapturedDump() {
    List<Link> links = nl.links().list();
    TreeSet<String> names = new TreeSet<>();
    links.forEach(l -> names.add(l.name()));
    assertEquals(new TreeSet<>(List.of("lo", "eth0", "eth1")), names);
    assertEquals(Map.of(RTM_GETLINK, 1), fake.counts());
    Link eth0 = nl.links().get("eth0");
    assertEquals("veth", eth0.kind());
    assertEquals(eth0, nl.links().get(eth0.index()));
    assertEquals(eth0.index(), nl.links().index("eth0"));
    assertEquals(4, fake.count(RTM_GETLINK), "one GETLINK per lookup, never a dump");
    assertFalse(nl.links().exists("eth9"));
    NetlinkException e = assertThrows(NetlinkException.class, () -> nl.links().get("eth9"));
    assertEquals("ENODEV", e.errnoName());
    assertTrue(e.getMessage().contains("eth9"), e.getMessage());
  }

  @Test
  void linkChangesAreOneRequestEach() {
    int eth1 = nl.links().index("eth1");
    fake.reset();
    nl.links().link(eth1).mtu(1400).up().alias("x".repeat(255));
    assertEquals(Map.of(RTM_SETLINK, 3), fake.counts());
    Message alias = parse(fake.last());
    Attributes a = alias.attributes(16);
    assertEquals(255, a.length(LinkCodec.IFLA_IFALIAS), "the alias travels without a NUL, as ip sends it");
  }

  @Test
  void addressesAndRoutes() {
    List<Address> v6 = nl.addresses().query().ipv6().list();
    assertTrue(v6.stream().anyMatch(a -> a.prefix().toString().equals("2001:db8:1::1/64") && a.device().equals("eth0")),
        v6.toString());
    assertEquals(1, fake.count(RTM_GETADDR));
    List<Route> routes = nl.routes().query().ipv6().list();
    Route via = routes.stream().filter(r -> r.destination().toString().equals("2001:db8:6::/64")).findFirst().orElseThrow();
    assertEquals("2001:db8:1::2", IpAddresses.format(via.gateway()));
    assertEquals(7, via.metric());
    assertEquals("eth0", via.device());
    assertEquals(1, fake.count(RTM_GETROUTE));

    fake.reset();
    nl.addresses().address("2001:db8:1::9/64").dev("eth0").nodad().add();
    assertEquals(Map.of(RTM_GETLINK, 1, RTM_NEWADDR, 1), fake.counts());
    fake.reset();
    nl.routes().route("2001:db8:7::/64").via("2001:db8:1::2").protocol(Protocols.SIXKIT).table(4294967000L).add();
    assertEquals(Map.of(RTM_NEWROUTE, 1), fake.counts(), "no device: no lookup");
    Message m = parse(fake.last());
    assertEquals(Protocols.SIXKIT, m.buf().get(m.body() + 5) & 0xff, "rtm_protocol");
    assertEquals(0, m.buf().get(m.body() + 4) & 0xff, "RT_TABLE_UNSPEC: the id travels in RTA_TABLE");
    assertEquals(4294967000L, Integer.toUnsignedLong(m.attributes(12).u32(RouteCodec.RTA_TABLE, 0)));
    fake.reset();
    nl.routes().route("2001:db8:8::/64").blackhole().add();
    Message b = parse(fake.last());
    assertEquals(Route.TYPE_BLACKHOLE, b.buf().get(b.body() + 7) & 0xff);
    assertFalse(b.attributes(12).has(RouteCodec.RTA_OIF));
  }

  @Test
  void neighboursAndProxies() {
    List<Neighbour> all = nl.neighbours().list();
    assertTrue(all.stream().anyMatch(n -> IpAddresses.format(n.address()).equals("2001:db8:1::11") && n.isRouter()
        && n.state() == NudState.STALE), all.toString());
    assertTrue(all.stream().noneMatch(Neighbour::isProxy));
    List<Neighbour> proxies = nl.neighbours().proxies().list();
    assertTrue(proxies.stream().allMatch(Neighbour::isProxy));
    assertTrue(proxies.stream().anyMatch(n -> IpAddresses.format(n.address()).equals("2001:db8:ab11::8000:2")
        && n.device().equals("eth0")), proxies.toString());
    assertEquals(2, fake.count(RTM_GETNEIGH));

    // one device: its name is known (or looked up once), never a dump of every link
    fake.reset();
    List<Neighbour> onEth0 = nl.neighbours().proxies().dev("eth0").list();
    assertEquals(Map.of(RTM_GETLINK, 1, RTM_GETNEIGH, 1), fake.counts());
    assertTrue(onEth0.stream().allMatch(n -> n.device().equals("eth0")), onEth0.toString());
    int eth0 = nl.links().index("eth0");
    fake.reset();
    assertEquals(onEth0, nl.neighbours().proxies().dev(eth0).list());
    assertEquals(Map.of(RTM_GETLINK, 1, RTM_GETNEIGH, 1), fake.counts(), "one GETLINK by index for the name");
    Message dump = parse(fake.last());
    assertEquals(eth0, dump.attributes(NeighbourCodec.NDMSG).u32(NeighbourCodec.NDA_IFINDEX, 0));
    fake.reset();
    nl.neighbours().query().dev("eth0").list();
    assertEquals(Map.of(RTM_GETLINK, 1, RTM_GETNEIGH, 1), fake.counts());
  }

  /** The cost the host layer pays per proxy entry (issue 12): one request, or one lookup and one request. */
  @Test
  void aProxyAddByIndexIsOneRequestAndByNameOneLookupMore() {
    int eth0 = nl.links().index("eth0");
    fake.reset();
    nl.neighbours().proxy("2001:db8:ab11::8000:3").dev(eth0).protocol(Protocols.SIXKIT).add();
    assertEquals(1, fake.total());
    assertEquals(Map.of(RTM_NEWNEIGH, 1), fake.counts());
    Message m = parse(fake.last());
    assertEquals(eth0, m.buf().getInt(m.body() + 4), "ndm_ifindex");
    assertEquals(Neighbour.NTF_PROXY, m.buf().get(m.body() + 10) & 0xff);
    Attributes a = m.attributes(NeighbourCodec.NDMSG);
    assertEquals(Protocols.SIXKIT, a.u8(NeighbourCodec.NDA_PROTOCOL, -1));
    assertEquals("2001:db8:ab11::8000:3", IpAddresses.format(a.address(NeighbourCodec.NDA_DST)));

    fake.reset();
    nl.neighbours().proxy("2001:db8:ab11::8000:4").dev("eth0").add();
    assertEquals(Map.of(RTM_GETLINK, 1, RTM_NEWNEIGH, 1), fake.counts());
    assertFalse(parse(fake.last()).attributes(NeighbourCodec.NDMSG).has(NeighbourCodec.NDA_PROTOCOL), "no mark unless asked");

    fake.reset();
    nl.neighbours().proxy("2001:db8:ab11::8000:4").dev(eth0).delete();
    assertEquals(Map.of(RTM_DELNEIGH, 1), fake.counts());
    fake.reset();
    assertTrue(nl.neighbours().proxy("2001:db8:ab11::8000:2").dev(eth0).exists());
    assertEquals(Map.of(RTM_GETNEIGH, 1), fake.counts(), "exists is one GET, not a dump");
  }

  @Test
  void kernelRefusalsCarryTheExtendedAck() {
    fake.fail(RTM_NEWNEIGH, FakeConnection.resource("internal/MessageFuzzTestInputs/parse/error-full-0"));
    NetlinkException e = assertThrows(NetlinkException.class,
        () -> nl.neighbours().proxy("2001:db8:ab11::8000:5").dev(2).add());
    assertTrue(e.getMessage().startsWith("add proxy neighbour 2001:db8:ab11::8000:5 dev index 2: "), e.getMessage());
    assertTrue(e.kernelMessage().isPresent(), e.getMessage());
    fake.fail(RTM_NEWROUTE, 17, null);
    NetlinkException dup = assertThrows(NetlinkException.class, () -> nl.routes().route("2001:db8:9::/64").blackhole().add());
    assertEquals("EEXIST", dup.errnoName());
    assertEquals("add route blackhole 2001:db8:9::/64: table main already has this route (EEXIST: File exists)",
        dup.getMessage());
  }

  @Test
  void aClientOverAFakeHasNoNamespace() {
    assertThrows(UnsupportedOperationException.class, () -> nl.sysctls().ipv6("eth0").proxyNdp());
    assertThrows(UnsupportedOperationException.class, () -> nl.sockets().tcpListeners());
    assertThrows(UnsupportedOperationException.class, () -> nl.events(Events.Group.NEIGHBOUR));
  }
}
