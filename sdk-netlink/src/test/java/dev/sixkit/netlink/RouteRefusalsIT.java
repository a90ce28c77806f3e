package dev.sixkit.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.netlink.internal.Errno;
import org.junit.jupiter.api.Test;

/**
 * Route calls the kernel or the client refuses, in a namespace made for each test: a readable
 * exception, and no route of any table changed.
 */
class RouteRefusalsIT extends RouteFixture {
  // ---- bad input: a readable exception, and nothing changes ----

  @Test
  void unknownInterface() {
    NetlinkException e = rejected(Errno.ENODEV, () -> nl.routes().route("2001:db8:ef31::/64").dev("nope0").add());
    assertTrue(e.getMessage().contains("nope0"), e.getMessage());
    assertEquals("add route", e.operation());
    rejected(Errno.ENODEV, () -> nl.routes().route("2001:db8:ef31::/64").via("2001:db8:ab11::2").dev("nope0").replace());
    rejected(Errno.ENODEV, () -> nl.routes().query().dev("nope0").list());
    rejected(Errno.ENODEV, () -> nl.routes().lookup("2001:db8::1").dev("nope0").get());
  }

  @Test
  void prefixLengthOver128() {
    NetlinkException e = rejected(Errno.EINVAL, () -> nl.routes().route("2001:db8:ef31::/129").dev("eth0").add());
    assertTrue(e.getMessage().contains("129") && e.getMessage().contains("0 to 128"), e.getMessage());
  }

  @Test
  void gatewayOfTheWrongFamily() {
    NetlinkException e = rejected(Errno.EAFNOSUPPORT,
        () -> nl.routes().route("2001:db8:ef31::/64").via("127.1.2.1").dev("eth0").add());
    assertTrue(e.getMessage().contains("an IPv6 gateway is required"), e.getMessage());
    NetlinkException r = rejected(Errno.EAFNOSUPPORT, () -> nl.routes().route("127.80.0.0/16").via("2001:db8:ab11::2").add());
    assertTrue(r.getMessage().contains("an IPv4 gateway is required"), r.getMessage());
    rejected(Errno.EAFNOSUPPORT, () -> nl.routes().route("2001:db8:ef31::/64").dev("eth0").source("127.1.2.3").add());
  }

  @Test
  void duplicateAdd() {
    nl.routes().route("2001:db8:ef11::/64").via("2001:db8:ab11::2").add();
    NetlinkException e = rejected(Errno.EEXIST, () -> nl.routes().route("2001:db8:ef11::/64").via("2001:db8:ab11::2").add());
    assertTrue(e.isAlreadyExists());
    nl.routes().route("127.77.0.0/16").via("127.1.2.1").add();
    rejected(Errno.EEXIST, () -> nl.routes().route("127.77.0.0/16").via("127.1.2.1").add());
  }

  @Test
  void deleteMissing() {
    NetlinkException e = rejected(Errno.ESRCH, () -> nl.routes().route("2001:db8:ef31::/64").delete());
    assertTrue(e.isNotFound());
    assertTrue(e.getMessage().contains("no route in table main matches"), e.getMessage());
    rejected(Errno.ESRCH, () -> nl.routes().route("127.80.0.0/16").via("127.1.2.1").delete());
    nl.routes().route("2001:db8:ef11::/64").via("2001:db8:ab11::2").add();
    // a gateway that does not match is missing too
    rejected(Errno.ESRCH, () -> nl.routes().route("2001:db8:ef11::/64").via("2001:db8:ab11::3").delete());
  }

  @Test
  void badTableAndMetric() {
    rejected(Errno.EINVAL, () -> nl.routes().route("2001:db8:ef31::/64").dev("eth0").table(0).add());
    rejected(Errno.EINVAL, () -> nl.routes().route("2001:db8:ef31::/64").dev("eth0").metric(-1).add());
  }
}
