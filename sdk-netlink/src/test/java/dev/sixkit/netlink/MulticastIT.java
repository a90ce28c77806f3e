package dev.sixkit.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import dev.sixkit.netlink.testing.Ip;

/**
 * The finding the NDP proxy sync relies on: the kernel announces no proxy entry, but the
 * solicited-node group each entry joins on its device is announced (RTM_NEWMULTICAST) when it is
 * new, and its leave (RTM_DELMULTICAST) when the last member goes: on delete, on flush, and when
 * the device goes down (which flushes the device's proxy entries).
 */
class MulticastIT extends OnTwoHosts {
  MulticastIT() {
    super("mc");
  }

  static List<Multicast.Change> drain(Events.Subscription s, int wantAtLeast) {
    List<Multicast.Change> out = new ArrayList<>();
    long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    while (System.nanoTime() < end) {
      Optional<Event> e = s.next(Duration.ofMillis(out.size() >= wantAtLeast ? 300 : 1000));
      if (e.isEmpty()) {
        if (out.size() >= wantAtLeast) {
          return out;
        }
        continue;
      }
      Multicast.change(e.get()).ifPresent(out::add);
    }
    return out;
  }

  @Test
  void solicitedNodeGroup() {
    assertEquals("ff02::1:ff11:2", IpAddresses.format(Multicast.solicitedNode(IpAddresses.parse("2001:db8:ab11:0:8000:242:ac11:2"))));
  }

  @Test
  void proxyEntriesAreSeenThroughTheirSolicitedNodeGroup() {
    String a1 = "2001:db8:1:0:8000:242:ac11:2";
    String a2 = "2001:db8:1:0:8000:242:ac11:3";
    String shared = "2001:db8:1:0:9000:242:ac11:3"; // same low 24 bits as a2
    int eth0 = nl.links().index("eth0");
    InetAddress g1 = Multicast.solicitedNode(IpAddresses.parse(a1));
    InetAddress g2 = Multicast.solicitedNode(IpAddresses.parse(a2));
    try (Events.Subscription s = nl.events(Events.Group.IPV6_MULTICAST)) {
      nl.neighbours().proxy(a1).dev("eth0").add();
      nl.neighbours().proxy(a2).dev("eth0").add();
      nl.neighbours().proxy(shared).dev("eth0").add();
      List<Multicast.Change> joined = drain(s, 2);
      assertEquals(List.of(new Multicast.Change(false, eth0, g1), new Multicast.Change(false, eth0, g2)), joined,
          "one join per new group; the shared group is joined once");
      assertEquals(3, Ip.json(hosts.a, "-6", "neigh", "show", "proxy").size());

      // flushed behind our back with ip: each group is left once, when its last member goes
      Ip.run(hosts.a, "-6", "neigh", "flush", "proxy", "dev", "eth0");
      List<Multicast.Change> left = drain(s, 2);
      assertEquals(List.of(new Multicast.Change(true, eth0, g1), new Multicast.Change(true, eth0, g2)), left);
      assertEquals(0, Ip.json(hosts.a, "-6", "neigh", "show", "proxy").size());

      // one delete
      nl.neighbours().proxy(a1).dev("eth0").add();
      assertEquals(List.of(new Multicast.Change(false, eth0, g1)), drain(s, 1));
      Ip.run(hosts.a, "-6", "neigh", "del", "proxy", a1, "dev", "eth0");
      assertEquals(List.of(new Multicast.Change(true, eth0, g1)), drain(s, 1));

      // the device going down flushes its proxy entries: the group is left too
      nl.neighbours().proxy(a1).dev("eth0").add();
      assertEquals(List.of(new Multicast.Change(false, eth0, g1)), drain(s, 1));
      Ip.run(hosts.a, "link", "set", "eth0", "down");
      assertTrue(drain(s, 1).contains(new Multicast.Change(true, eth0, g1)));
      assertEquals(0, Ip.json(hosts.a, "-6", "neigh", "show", "proxy").size());
    }
  }
}
