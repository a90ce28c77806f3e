package dev.sixkit.netlink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Address literals read textually, as ip (inet_pton) reads them, and printed as ip prints them
 * (glibc inet_ntop). Java's own parser turns ::ffff:a.b.c.d into IPv4; these never do.
 */
class IpAddressesTest {
  @Test
  void ipv4MappedAndCompatibleAddressesStayIpv6() {
    InetAddress mapped = IpAddresses.parse("::ffff:192.0.2.2");
    assertInstanceOf(Inet6Address.class, mapped);
    assertEquals(16, mapped.getAddress().length);
    assertEquals("::ffff:192.0.2.2", IpAddresses.format(mapped));
    assertEquals(mapped, IpAddresses.parse("::ffff:c000:202"), "the hex spelling is the same address");
    assertEquals("::ffff:192.0.2.2", IpAddresses.format(IpAddresses.parse("0:0:0:0:0:FFFF:c000:0202")));
    InetAddress compat = IpAddresses.parse("::192.0.2.1");
    assertInstanceOf(Inet6Address.class, compat);
    assertEquals("::192.0.2.1", IpAddresses.format(compat), "as ip prints it");
    assertEquals("::1", IpAddresses.format(IpAddresses.parse("::0.0.0.1")), "loopback stays ::1");
    assertEquals("2001:db8::c000:201", IpAddresses.format(IpAddresses.parse("2001:db8::192.0.2.1")));
    // prefixes and their networks keep the family
    IpPrefix p = IpPrefix.parse("::ffff:192.0.2.2/128");
    assertEquals(false, p.isV4());
    assertEquals(10, p.family());
    assertEquals("::ffff:192.0.2.0/120", IpPrefix.parse("::ffff:192.0.2.9/120").network().toString());
    assertInstanceOf(Inet6Address.class, IpAddresses.of(mapped.getAddress()));
    assertInstanceOf(Inet6Address.class, IpAddresses.parseV6("::ffff:192.0.2.2", "test"));
  }

  /** ip reads a prefix length with base 0 ("/064" is octal 52): refused here instead of guessed. */
  @Test
  void prefixLengthsWithoutAmbiguity() {
    assertEquals(64, IpPrefix.parse("2001:db8::/64").length());
    assertEquals(0, IpPrefix.parse("::/0").length());
    for (String bad : List.of("2001:db8::/064", "2001:db8::/0x40", "2001:db8::/", "2001:db8::/ 64", "2001:db8::/129",
        "192.0.2.0/255.255.255.0", "192.0.2.0/33")) {
      NetlinkException e = assertThrows(NetlinkException.class, () -> IpPrefix.parse(bad), bad);
      assertEquals("EINVAL", e.errnoName(), bad);
    }
  }

  @Test
  void decidedForms() {
    // upper case and leading zeros inside a group: taken, printed as ip prints them
    assertEquals("2001:db8::1", IpAddresses.format(IpAddresses.parse("2001:0DB8:0000::0001")));
    // whitespace around: trimmed; inside: refused
    assertEquals("2001:db8::1", IpAddresses.format(IpAddresses.parse(" 2001:db8::1\n")));
    assertEquals("192.0.2.1", IpAddresses.format(IpAddresses.parse("\t192.0.2.1 ")));
    assertInstanceOf(Inet4Address.class, IpAddresses.parse("192.0.2.1"));
    for (String bad : List.of("2001:db8:: 1", "192.0.2. 1", "fe80::1%eth0", "fe80::1%2", "010.0.0.1", "192.0.2.01",
        "1.2.3", "1.2.3.4.5", "256.1.1.1", "2001:db8::00001", "2001:db8:::1", "1::2::3", ":1::", "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7", "::1.2.3.4:5", "1.2.3.4::", "::ffff:1.2.3", "g::1", "2001:db8::\u0663", "localhost",
        "0x7f.0.0.1", "::ffff:192.0.2.256", "1:2:3:4:5:6:7::8", ":")) {
      NetlinkException e = assertThrows(NetlinkException.class, () -> IpAddresses.parse(bad), bad);
      assertEquals("EINVAL", e.errnoName(), bad);
      assertTrue(e.getMessage().contains(bad.trim()), e.getMessage());
    }
    assertTrue(assertThrows(NetlinkException.class, () -> IpAddresses.parse("fe80::1%eth0")).getMessage()
        .contains("zone"));
    // still accepted: the full and the compressed forms
    assertArrayEquals(new byte[16], IpAddresses.parse("::").getAddress());
    assertEquals("1:2:3:4:5:6:7:8", IpAddresses.format(IpAddresses.parse("1:2:3:4:5:6:7:8")));
    assertEquals("1::8", IpAddresses.format(IpAddresses.parse("1:0:0:0:0:0:0:8")));
    assertEquals("1:2:3:4:5:6:7:0", IpAddresses.format(IpAddresses.parse("1:2:3:4:5:6:7::")), "a :: for one group");
  }
}
