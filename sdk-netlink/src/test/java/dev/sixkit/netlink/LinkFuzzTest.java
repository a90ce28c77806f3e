package dev.sixkit.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sixkit.netlink.internal.Message;
import dev.sixkit.netlink.internal.MessageWriter;
import dev.sixkit.netlink.testing.Ip;
import dev.sixkit.netlink.testing.TestNetns;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Fuzz target for {@link Link#decode}: whatever bytes arrive, the decoder either returns links or
 * throws {@link NetlinkException}, nothing else. Without JAZZER_FUZZ=1 it runs the seed corpus
 * under {@code LinkFuzzTestInputs/decode}: real RTM_NEWLINK messages captured from the kernel by
 * {@link #main} (a loopback, veths with the peer here and in another namespace, a bridge with an
 * alias and an alternative name, a bridge port, and one message with full statistics).
 */
class LinkFuzzTest {
  static final String SEEDS = "src/test/resources/dev/sixkit/netlink/LinkFuzzTestInputs/decode";

  @FuzzTest(maxDuration = "60s")
  void decode(byte[] data) {
    ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.nativeOrder());
    try {
      Message.forEach(b, data.length, m -> {
        Link l = LinkCodec.decode(m);
        // The derived views must hold up too.
        l.toString();
        l.flagNames();
      });
    } catch (NetlinkException expected) {
      // The only exception a decoder may throw on garbage.
    }
  }

  /** Every seed is a real kernel message and decodes to the interface its file is named after. */
  @Test
  void seedsDecodeToTheirInterface() throws IOException {
    List<Path> seeds;
    try (Stream<Path> s = Files.list(Path.of(SEEDS))) {
      seeds = s.sorted().toList();
    }
    assertTrue(seeds.size() >= 6, "seed corpus present: " + seeds);
    for (Path p : seeds) {
      byte[] raw = Files.readAllBytes(p);
      List<Link> out = new ArrayList<>();
      Message.forEach(ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder()), raw.length, m -> {
        assertEquals(LinkCodec.RTM_NEWLINK, m.type(), p.toString());
        out.add(LinkCodec.decode(m));
      });
      assertEquals(1, out.size(), p.toString());
      String file = p.getFileName().toString();
      String expected = file.substring(file.indexOf('-') + 1, file.lastIndexOf('.'));
      assertEquals(expected, out.get(0).name(), p.toString());
      assertFalse(out.get(0).linkType().isEmpty());
    }
  }

  /**
   * Captures the seed corpus from the kernel (run as root from the module directory, test
   * classpath): builds the links in fresh namespaces with {@code ip} and dumps them, writing each
   * RTM_NEWLINK message's raw bytes to one file.
   */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : SEEDS);
    Files.createDirectories(dir);
    try (TestNetns ns = new TestNetns()) {
      Netns a = ns.create("seed");
      Netns b = ns.create("seedpeer");
      Ip.run(a.name(), "link", "add", "v0", "type", "veth", "peer", "name", "v1");
      Ip.run(a.name(), "link", "add", "x0", "mtu", "1400", "type", "veth", "peer", "name", "x1", "netns", b.name());
      Ip.run(a.name(), "link", "add", "br0", "type", "bridge");
      Ip.run(a.name(), "link", "set", "br0", "alias", "seed bridge");
      Ip.run(a.name(), "link", "property", "add", "dev", "br0", "altname", "bridge-zero");
      Ip.run(a.name(), "link", "set", "v1", "master", "br0");
      Ip.run(a.name(), "link", "set", "v0", "up");
      Ip.run(a.name(), "link", "set", "v1", "up");
      Ip.run(a.name(), "link", "set", "br0", "up");
      try (Netlink nl = Netlink.open(a)) {
        MessageWriter lean = LinkCodec.header(LinkCodec.RTM_GETLINK, 0, 0)
            .attrU32(LinkCodec.IFLA_EXT_MASK, LinkCodec.RTEXT_FILTER_SKIP_STATS);
        for (byte[] m : capture(nl, lean)) {
          write(dir, "newlink-", m);
        }
        // One message with every statistics block the kernel adds by default.
        for (byte[] m : capture(nl, LinkCodec.header(LinkCodec.RTM_GETLINK, 0, 0))) {
          if (name(m).equals("v0")) {
            write(dir, "stats-", m);
          }
        }
      }
    }
  }

  private static List<byte[]> capture(Netlink nl, MessageWriter w) {
    return nl.socket().dump(w, "capture links", "", m -> {
      byte[] raw = new byte[m.length()];
      m.buf().get(m.start(), raw);
      return raw;
    });
  }

  private static String name(byte[] raw) {
    List<String> n = new ArrayList<>();
    Message.forEach(ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder()), raw.length, m -> n.add(LinkCodec.decode(m).name()));
    return n.get(0);
  }

  private static void write(Path dir, String prefix, byte[] raw) throws IOException {
    Path p = dir.resolve(prefix + name(raw) + ".bin");
    Files.write(p, raw);
    System.out.println("wrote " + p + " (" + raw.length + " bytes)");
  }
}
