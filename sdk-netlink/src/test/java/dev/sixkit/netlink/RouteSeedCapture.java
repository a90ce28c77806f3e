package dev.sixkit.netlink;

import dev.sixkit.netlink.internal.Message;
import dev.sixkit.netlink.internal.MessageWriter;
import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.netlink.testing.TestNetns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Captures real kernel RTM_NEWADDR and RTM_NEWROUTE messages (dumps and route lookup answers)
 * from a namespace set up with varied addresses and routes, and writes one file per message as
 * the seed corpora of {@link AddressFuzzTest} and {@link RouteFuzzTest}. Not a test: run it by
 * hand as root when the corpora should be refreshed:
 *
 * <pre>
 * java -cp "$(cat cp.txt):target/classes:target/test-classes" dev.sixkit.netlink.RouteSeedCapture src/test/resources
 * </pre>
 */
public final class RouteSeedCapture {
  private RouteSeedCapture() {}

  public static void main(String[] args) throws Exception {
    Path resources = Path.of(args.length > 0 ? args[0] : "src/test/resources");
    Path pkg = resources.resolve("dev/sixkit/netlink");
    try (TestNetns nets = new TestNetns()) {
      String ns = nets.create("seed").name();
      Ip.exec(ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0");
      Ip.run(ns, "link", "add", "eth0", "type", "veth", "peer", "name", "eth1");
      Ip.run(ns, "link", "set", "eth0", "up");
      Ip.run(ns, "link", "set", "eth1", "up");
      Ip.run(ns, "addr", "add", "2001:db8:ab11::1/64", "dev", "eth0", "nodad");
      Ip.run(ns, "addr", "add", "2001:db8:cd11::1/64", "dev", "eth1", "nodad", "noprefixroute");
      Ip.run(ns, "addr", "add", "fd00:5::5/48", "dev", "eth1", "valid_lft", "300", "preferred_lft", "100");
      Ip.run(ns, "addr", "add", "::ffff:127.0.0.9/128", "dev", "eth1");
      Ip.run(ns, "addr", "add", "127.1.2.3/24", "dev", "eth0", "brd", "+", "scope", "global");
      Ip.run(ns, "addr", "add", "127.1.2.4/24", "dev", "eth0", "label", "eth0:two", "scope", "global");
      Ip.run(ns, "-6", "route", "add", "2001:db8:cd11::/64", "dev", "eth1");
      Ip.run(ns, "-6", "route", "add", "2001:db8:ef11::/64", "via", "2001:db8:ab11::99", "metric", "50");
      Ip.run(ns, "-6", "route", "add", "2001:db8:ef13::/64", "via", "2001:db8:ab11::98", "table", "1000");
      Ip.run(ns, "-6", "route", "add", "2001:db8:ef14::/64", "nexthop", "via", "2001:db8:ab11::97", "nexthop", "via",
          "2001:db8:cd11::97");
      Ip.run(ns, "-6", "route", "add", "blackhole", "2001:db8:bad::/64");
      Ip.run(ns, "-6", "route", "add", "default", "via", "2001:db8:ab11::2", "dev", "eth0");
      Ip.run(ns, "-6", "route", "add", "2001:db8:ef15::/64", "dev", "eth0", "src", "2001:db8:ab11::1");
      Ip.run(ns, "route", "add", "127.77.0.0/16", "via", "127.1.2.1");
      Ip.run(ns, "route", "add", "127.78.0.0/16", "via", "inet6", "2001:db8:ab11::96", "dev", "eth0");
      Ip.run(ns, "route", "add", "127.79.0.0/16", "dev", "eth1", "table", "100", "metric", "7");
      Thread.sleep(300); // let the kernel add the local routes of the addresses
      try (Netlink nl = Netlink.open(ns)) {
        List<byte[]> addrs = dump(nl, new MessageWriter(AddressCodec.RTM_GETADDR, 0).u8(0).u8(0).u8(0).u8(0).u32(0));
        write(pkg.resolve("AddressFuzzTestInputs/decode"), "kernel-newaddr", addrs);
        List<byte[]> routes = new ArrayList<>();
        for (int family : new int[] {RouteCodec.AF_INET, RouteCodec.AF_INET6}) {
          routes.addAll(dump(nl, new MessageWriter(RouteCodec.RTM_GETROUTE, 0).u8(family).u8(0).u8(0).u8(0)
              .u8(0).u8(0).u8(0).u8(0).u32(0)));
        }
        for (String dst : new String[] {"2001:db8:ef11::5", "2001:db8:ab11::1", "127.1.2.3"}) {
          routes.addAll(get(nl, RouteCodec.encodeLookup(IpAddresses.parse(dst), null, 0)));
        }
        write(pkg.resolve("RouteFuzzTestInputs/decode"), "kernel-newroute", routes);
      }
    }
  }

  private static byte[] copy(Message m) {
    byte[] raw = new byte[m.length()];
    m.buf().get(m.start(), raw);
    return raw;
  }

  private static List<byte[]> dump(Netlink nl, MessageWriter w) {
    return nl.socket().dump(w, "capture", "", (Function<Message, byte[]>) RouteSeedCapture::copy);
  }

  private static List<byte[]> get(Netlink nl, MessageWriter w) {
    return nl.socket().requestReplies(w, "capture", "", RouteSeedCapture::copy);
  }

  private static void write(Path dir, String prefix, List<byte[]> messages) {
    try {
      Files.createDirectories(dir);
      int i = 0;
      for (byte[] m : messages) {
        Files.write(dir.resolve(String.format("%s-%02d", prefix, i++)), m);
      }
      System.out.println(dir + ": " + messages.size() + " messages");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
