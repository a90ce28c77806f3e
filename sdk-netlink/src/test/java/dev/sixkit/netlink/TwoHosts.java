package dev.sixkit.netlink;

import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.netlink.testing.TestNetns;

/**
 * Two test hosts joined by a veth pair, as in the seed: host {@code a} and host {@code b}, each
 * with {@code eth0} (2001:db8:1::1/64 and 2001:db8:1::2/64, no DAD), plus a second veth pair
 * {@code v1a}/{@code v1b} inside {@code a} for per-device filters. Built with {@code ip} so the
 * fixture does not depend on the code under test; removed on close.
 */
final class TwoHosts implements AutoCloseable {
  static final String A_ADDR = "2001:db8:1::1";
  static final String B_ADDR = "2001:db8:1::2";

  final TestNetns netns = new TestNetns();
  final String a;
  final String b;

  TwoHosts(String tag) {
    try {
      a = netns.create(tag + "a").name();
      b = netns.create(tag + "b").name();
      Ip.run(a, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", b);
      Ip.run(a, "link", "add", "v1a", "type", "veth", "peer", "name", "v1b");
      for (String dev : new String[] {"eth0", "v1a", "v1b"}) {
        Ip.run(a, "link", "set", dev, "up");
      }
      Ip.run(b, "link", "set", "eth0", "up");
      Ip.run(a, "addr", "add", A_ADDR + "/64", "dev", "eth0", "nodad");
      Ip.run(b, "addr", "add", B_ADDR + "/64", "dev", "eth0", "nodad");
    } catch (RuntimeException | AssertionError e) {
      netns.close();
      throw e;
    }
  }

  /** Runs {@code sysctl -w KEY=VALUE} inside a host (its own namespace only). */
  static void sysctl(String ns, String key, String value) {
    Ip.Result r = Ip.exec(ns, "sysctl", "-q", "-w", key + "=" + value);
    if (r.exit() != 0) {
      throw new AssertionError("sysctl -w " + key + "=" + value + " in " + ns + ": " + r.err());
    }
  }

  @Override
  public void close() {
    netns.close();
  }
}
