package dev.sixkit.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sixkit.netlink.testing.Ip;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d) addresses go to the kernel as
 * IPv6, as {@code ip -6} sends them, through every builder: address, proxy entry, neighbour
 * entry, route. Before the fix they were taken as IPv4 (an IPv4 address, a proxy-ARP entry).
 * Everything happens inside a test namespace.
 */
class AddressFormsIT extends OnTwoHosts {
  AddressFormsIT() {
    super("af");
  }

  private TreeSet<String> ipv4Anything() {
    TreeSet<String> out = new TreeSet<>();
    Ip.json(hosts.a, "-4", "addr", "show", "dev", "eth0").forEach(l -> l.path("addr_info").forEach(a -> out.add(a.toString())));
    Ip.json(hosts.a, "-4", "neigh", "show", "proxy").forEach(n -> out.add(n.toString()));
    Ip.json(hosts.a, "-4", "neigh", "show", "dev", "eth0").forEach(n -> out.add(n.toString()));
    Ip.json(hosts.a, "-4", "route", "show", "table", "all").forEach(r -> {
      if (r.path("dev").asText().equals("eth0")) {
        out.add(r.toString());
      }
    });
    return out;
  }

  @Test
  void mappedAndCompatibleAddressesAreIpv6Everywhere() {
    TreeSet<String> v4Before = ipv4Anything();
    nl.addresses().address("::ffff:192.0.2.2/128").dev("eth0").nodad().add();
    nl.neighbours().proxy("::ffff:192.0.2.9").dev("eth0").add();
    nl.neighbours().proxy("::192.0.2.10").dev("eth0").add();
    nl.neighbours().entry("::ffff:192.0.2.11").dev("eth0").lladdr("02:00:00:00:00:0b").add();
    nl.routes().route("::ffff:192.0.2.0/120").dev("eth0").add();
    nl.routes().route("2001:db8:ef40::/64").via("::ffff:192.0.2.12").dev("eth0").onlink().add();

    TreeSet<String> addrs = new TreeSet<>();
    for (JsonNode l : Ip.json(hosts.a, "-6", "addr", "show", "dev", "eth0")) {
      l.path("addr_info").forEach(a -> addrs.add(a.get("local").asText() + "/" + a.get("prefixlen").asInt()));
    }
    assertTrue(addrs.contains("::ffff:192.0.2.2/128"), addrs.toString());
    TreeSet<String> proxies = new TreeSet<>();
    Ip.json(hosts.a, "-6", "neigh", "show", "proxy").forEach(n -> proxies.add(n.get("dst").asText()));
    assertEquals(new TreeSet<>(java.util.List.of("::ffff:192.0.2.9", "::192.0.2.10")), proxies);
    assertEquals(1, Ip.json(hosts.a, "-6", "neigh", "show", "::ffff:192.0.2.11", "dev", "eth0").size());
    assertEquals("::ffff:192.0.2.0/120",
        RoutesIT.one(Ip.json(hosts.a, "-6", "route", "show", "::ffff:192.0.2.0/120"), "mapped route").get("dst").asText());
    assertEquals("::ffff:192.0.2.12",
        RoutesIT.one(Ip.json(hosts.a, "-6", "route", "show", "2001:db8:ef40::/64"), "via").get("gateway").asText());
    assertEquals(v4Before, ipv4Anything(), "nothing IPv4 was made");

    // and read back the same way, as IPv6
    assertTrue(nl.addresses().query().ipv6().dev("eth0").list().stream()
        .anyMatch(a -> a.prefix().toString().equals("::ffff:192.0.2.2/128")));
    assertTrue(nl.neighbours().proxy("::ffff:192.0.2.9").dev("eth0").exists());
    assertTrue(nl.neighbours().proxies().ipv6().list().stream()
        .anyMatch(n -> IpAddresses.format(n.address()).equals("::192.0.2.10")));
    assertTrue(nl.routes().route("::ffff:192.0.2.0/120").dev("eth0").exists());
    nl.neighbours().proxy("::ffff:192.0.2.9").dev("eth0").delete();
    nl.addresses().address("::ffff:192.0.2.2/128").dev("eth0").delete();
    assertEquals(1, Ip.json(hosts.a, "-6", "neigh", "show", "proxy").size());
  }

  @Test
  void otherFormsAreRefusedBeforeAnythingIsSent() {
    String before = BadInputIT.snapshot(hosts.a);
    BadInputIT.fails("EINVAL", () -> nl.neighbours().proxy("fe80::1%eth0").dev("eth0").add(), "fe80::1%eth0", "zone");
    BadInputIT.fails("EINVAL", () -> nl.addresses().address("010.0.0.1/8").dev("eth0").add(), "010.0.0.1");
    BadInputIT.fails("EINVAL", () -> nl.routes().route("2001:db8::/64").via("2001:db8:: 1"), "2001:db8:: 1");
    // upper case and leading zeros are the same address as ip reads them
    nl.neighbours().proxy("2001:0DB8:0000:0000::00AB").dev("eth0").add();
    assertEquals("2001:db8::ab", Ip.json(hosts.a, "-6", "neigh", "show", "proxy").get(0).get("dst").asText());
    nl.neighbours().proxy("2001:db8::ab").dev("eth0").delete();
    assertEquals(before, BadInputIT.snapshot(hosts.a));
  }
}
