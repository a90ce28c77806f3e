package dev.sixkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sixkit.netlink.Address;
import dev.sixkit.netlink.Route;
import dev.sixkit.netlink.IpAddresses;
import dev.sixkit.netlink.IpPrefix;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The address and route printers, on rows shaped like the kernel's answers; the expected text and
 * JSON are what iproute2 6.1 printed for the same state on this machine (its "pref medium" aside).
 * The end-to-end comparison with ip comes with the wiring of Addresses.list() and Routes.list().
 */
class ShowAddressesRoutesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void addressesPrintLikeIp() throws Exception {
    Address a = new Address(3, "eth0", IpPrefix.parse("2001:db8::1/64"), 0, 0x80 | 0x02, "", 0xffffffffL,
        0xffffffffL);
    Address ll = new Address(3, "eth0", IpPrefix.parse("fe80::c8d9:fbff:fe73:e938/64"), 253, 0x80 | 0x40, "",
        0xffffffffL, 0xffffffffL);
    Address v4 = new Address(1, "lo", IpPrefix.parse("127.0.0.1/8"), 254, 0x80, "lo", 0xffffffffL, 0xffffffffL);
    assertEquals(List.of("1: lo:", "    inet 127.0.0.1/8 scope host lo", "       valid_lft forever preferred_lft forever",
        "3: eth0:", "    inet6 2001:db8::1/64 scope global nodad", "       valid_lft forever preferred_lft forever",
        "    inet6 fe80::c8d9:fbff:fe73:e938/64 scope link tentative",
        "       valid_lft forever preferred_lft forever"), ShowAddressesRoutes.addressesText(List.of(v4, a, ll)));
    assertEquals(JSON.readTree("{\"ifindex\":3,\"ifname\":\"eth0\",\"family\":\"inet6\",\"local\":\"2001:db8::1\","
        + "\"prefixlen\":64,\"scope\":\"global\",\"nodad\":true,\"valid_life_time\":4294967295,"
        + "\"preferred_life_time\":4294967295}"),
        JSON.readTree(Json.write(ShowAddressesRoutes.addressesJson(List.of(a)).get(0), false)));
    Address dynamic = new Address(3, "eth0", IpPrefix.parse("2001:db8::5/64"), 0, 0, "", 3600, 1800);
    assertEquals("    inet6 2001:db8::5/64 scope global dynamic",
        ShowAddressesRoutes.addressesText(List.of(dynamic)).get(1));
    assertEquals("       valid_lft 3600sec preferred_lft 1800sec",
        ShowAddressesRoutes.addressesText(List.of(dynamic)).get(2));
  }

  @Test
  void routesPrintLikeIp() throws Exception {
    Route kernel = new Route(IpPrefix.parse("2001:db8::/64"), null, 3, "eth0", 256, 254, 2, 0, 1, null);
    Route via = new Route(IpPrefix.parse("2001:db8:1::/48"), IpAddresses.parse("2001:db8::2"), 3, "eth0", 10,
        254, 3, 0, 1, null);
    Route local = new Route(IpPrefix.parse("2001:db8::1/128"), null, 3, "eth0", 0, 255, 2, 0, 2, null);
    Route dflt = new Route(IpPrefix.parse("::/0"), IpAddresses.parse("fe80::1"), 3, "eth0", 1024, 254, 9, 0,
        1, null);
    assertEquals(List.of("2001:db8::/64 dev eth0 proto kernel metric 256", "2001:db8:1::/48 via 2001:db8::2 dev eth0 metric 10",
        "default via fe80::1 dev eth0 proto ra metric 1024"),
        ShowAddressesRoutes.routesText(List.of(kernel, via, dflt), false));
    assertEquals(JSON.readTree("[{\"dst\":\"2001:db8::/64\",\"dev\":\"eth0\",\"protocol\":\"kernel\",\"metric\":256},"
        + "{\"dst\":\"2001:db8:1::/48\",\"gateway\":\"2001:db8::2\",\"dev\":\"eth0\",\"metric\":10},"
        + "{\"type\":\"local\",\"dst\":\"2001:db8::1\",\"dev\":\"eth0\",\"table\":\"local\",\"protocol\":\"kernel\",\"metric\":0}]"),
        JSON.readTree(Json.write(ShowAddressesRoutes.routesJson(List.of(kernel, via, local), false), false)));
    assertEquals(255, ShowAddressesRoutes.tableId("local"));
    assertEquals(-1, ShowAddressesRoutes.tableId("all"));
  }
}
