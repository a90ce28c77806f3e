package dev.sixkit.netlink.internal;

import dev.sixkit.netlink.Netns;
import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.netlink.testing.TestNetns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Regenerates the fuzz seed corpora from the real kernel (run as root from sdk-netlink):
 * <pre>
 * mvn -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) dev.sixkit.netlink.internal.CaptureSeeds
 * </pre>
 * Builds a throwaway namespace with neighbours in several states, proxy entries, addresses and
 * routes, then saves every datagram the kernel sends for dumps, errors and events, as is.
 */
public final class CaptureSeeds {
  private static final Path RES = Path.of("src/test/resources/dev/sixkit/netlink");
  private static final Path NEIGH = RES.resolve("NeighbourFuzzTestInputs/decode");
  private static final Path MSG = RES.resolve("internal/MessageFuzzTestInputs/parse");

  private CaptureSeeds() {}

  public static void main(String[] args) throws Exception {
    Files.createDirectories(NEIGH);
    Files.createDirectories(MSG);
    try (TestNetns t = new TestNetns()) {
      Netns ns = t.create("seed");
      String n = ns.name();
      Ip.run(n, "link", "add", "eth0", "type", "veth", "peer", "name", "eth1");
      Ip.run(n, "link", "set", "eth0", "up");
      Ip.run(n, "link", "set", "eth1", "up");
      Ip.run(n, "addr", "add", "2001:db8:1::1/64", "dev", "eth0", "nodad");
      Ip.run(n, "-6", "route", "add", "2001:db8:6::/64", "via", "2001:db8:1::2", "dev", "eth0", "metric", "7");
      Ip.run(n, "-6", "neigh", "replace", "2001:db8:1::10", "lladdr", "02:00:00:00:00:01", "dev", "eth0", "nud", "permanent");
      Ip.run(n, "-6", "neigh", "replace", "2001:db8:1::11", "lladdr", "02:00:00:00:00:02", "dev", "eth0", "nud", "stale", "router");
      Ip.run(n, "-6", "neigh", "replace", "2001:db8:1::12", "dev", "eth0", "nud", "failed");
      Ip.run(n, "-6", "neigh", "replace", "2001:db8:1::13", "lladdr", "02:00:00:00:00:03", "dev", "eth1", "nud", "noarp");
      Ip.run(n, "-4", "neigh", "replace", "127.0.0.5", "lladdr", "02:00:00:00:00:04", "dev", "eth0", "nud", "reachable");
      Ip.run(n, "-6", "neigh", "add", "proxy", "2001:db8:ab11::8000:2", "dev", "eth0");
      Ip.run(n, "-4", "neigh", "add", "proxy", "127.0.0.6", "dev", "eth1");

      try (NamespaceThread th = NamespaceThread.enter(ns.path().toString(), "seed")) {
        th.call(() -> {
          try (RawNetlink raw = new RawNetlink(true)) {
            save(NEIGH, "neigh-dump", raw.exchange(dump(30, 0, 0)));
            save(NEIGH, "proxy-dump", raw.exchange(dump(30, 0, 0x08)));
            save(MSG, "neigh-dump", raw.exchange(dump(30, 0, 0)));
            save(MSG, "link-dump", raw.exchange(new MessageWriter(18, 0x01 | 0x300).u8(0).u8(0).u16(0).u32(0).u32(0).u32(0)
                .attrU32(29, 1 << 3).toBytes()));
            save(MSG, "addr6-dump", raw.exchange(new MessageWriter(22, 0x01 | 0x300).u8(10).u8(0).u8(0).u8(0).u32(0)
                .toBytes()));
            save(MSG, "route6-dump", raw.exchange(new MessageWriter(26, 0x01 | 0x300).u8(10).u8(0).u8(0).u8(0)
                .u8(0).u8(0).u8(0).u8(0).u32(0).toBytes()));
            save(MSG, "error-capped", raw.exchange(badNeighbour()));
          }
          try (RawNetlink raw = new RawNetlink(false)) {
            save(MSG, "error-full", raw.exchange(badNeighbour()));
          }
          try (RawNetlink ev = new RawNetlink(true)) {
            ev.option(LibC.SOL_NETLINK, LibC.NETLINK_ADD_MEMBERSHIP, 3);
            Ip.run(n, "-6", "neigh", "replace", "2001:db8:1::20", "lladdr", "02:00:00:00:00:05", "dev", "eth0");
            Ip.run(n, "-6", "neigh", "del", "2001:db8:1::20", "dev", "eth0");
            save(NEIGH, "event-new", List.of(ev.receive()));
            save(NEIGH, "event-del", List.of(ev.receive()));
          }
          return null;
        });
      }
    }
  }

  private static byte[] dump(int type, int family, int ndmFlags) {
    return new MessageWriter(type, 0x01 | 0x300).u8(family).u8(0).u16(0).u32(0).u16(0).u8(ndmFlags).u8(0).toBytes();
  }

  private static byte[] badNeighbour() {
    return new MessageWriter(28, 0x01 | 0x04 | 0x400).u8(10).u8(0).u16(0).u32(1).u16(0x80).u8(0).u8(0).toBytes();
  }

  private static void save(Path dir, String name, List<byte[]> datagrams) throws IOException {
    for (int i = 0; i < datagrams.size(); i++) {
      if (datagrams.get(i) == null) {
        throw new IllegalStateException("no datagram for " + name);
      }
      Path p = dir.resolve(name + "-" + i);
      Files.write(p, datagrams.get(i));
      System.out.println(p + " " + datagrams.get(i).length + " bytes");
    }
  }
}
