package dev.sixkit.netlink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.netlink.internal.Errno;
import dev.sixkit.netlink.internal.Message;
import dev.sixkit.netlink.internal.MessageWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The link encoders byte for byte, against the kernel's layouts (include/uapi/linux/netlink.h
 * struct nlmsghdr, rtnetlink.h struct ifinfomsg and struct rtattr, if_link.h IFLA_* numbers,
 * veth.h VETH_INFO_PEER), and the decoder against hand-built and captured messages. No root
 * needed: nothing is sent.
 */
class LinkCodecTest {
  @BeforeAll
  static void littleEndianHost() {
    // The expected bytes below are written for a little-endian host (x86_64, aarch64): netlink
    // headers and integer attributes are in host order.
    assertEquals(ByteOrder.LITTLE_ENDIAN, ByteOrder.nativeOrder(), "expectations are written for little-endian hosts");
  }

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replaceAll("//[^\n]*", "").replaceAll("\\s+", ""));
  }

  private static String hex(byte[] b) {
    return HexFormat.ofDelimiter(" ").formatHex(b);
  }

  @Test
  void vethCreateMessageBytes() {
    LinkCodec.End local = new LinkCodec.End("veth0", 9000, null, true);
    LinkCodec.End peer = new LinkCodec.End("eth0", 1400, "02:00:00:00:00:01", false);
    byte[] got = LinkCodec.vethMessage(local, peer, 7).toBytes();
    byte[] want = hex("""
        84 00 00 00   // nlmsghdr.nlmsg_len = 132
        10 00         // nlmsg_type RTM_NEWLINK (16)
        00 06         // nlmsg_flags NLM_F_CREATE|NLM_F_EXCL (0x600); the socket adds REQUEST|ACK
        00 00 00 00   // nlmsg_seq, set by the socket
        00 00 00 00   // nlmsg_pid
        00 00 00 00   // ifinfomsg: ifi_family AF_UNSPEC, pad, ifi_type 0
        00 00 00 00   // ifi_index 0: a new link
        01 00 00 00   // ifi_flags IFF_UP
        01 00 00 00   // ifi_change IFF_UP
        0a 00 03 00 76 65 74 68 30 00 00 00   // IFLA_IFNAME (3) "veth0\\0", len 10, padded to 12
        08 00 04 00 28 23 00 00               // IFLA_MTU (4) 9000
        50 00 12 80                           // IFLA_LINKINFO (18|NLA_F_NESTED) len 80
          09 00 01 00 76 65 74 68 00 00 00 00 //   IFLA_INFO_KIND (1) "veth\\0", len 9, padded
          40 00 02 80                         //   IFLA_INFO_DATA (2|NLA_F_NESTED) len 64
            3c 00 01 80                       //     VETH_INFO_PEER (1) len 60: ifinfomsg + IFLA_*
              00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00   // the peer's ifinfomsg, all zero
              09 00 03 00 65 74 68 30 00 00 00 00               // IFLA_IFNAME "eth0\\0"
              08 00 04 00 78 05 00 00                           // IFLA_MTU 1400
              0a 00 01 00 02 00 00 00 00 01 00 00               // IFLA_ADDRESS 02:00:00:00:00:01, padded
              08 00 1c 00 07 00 00 00                           // IFLA_NET_NS_FD (28) fd 7
        """);
    assertEquals(hex(want), hex(got));
  }

  @Test
  void vethWithoutPeerNamespaceHasNoNetnsFd() {
    byte[] got = LinkCodec.vethMessage(new LinkCodec.End("a", 0, null, false), new LinkCodec.End("b", 0, null, false), -1).toBytes();
    byte[] want = hex("""
        58 00 00 00 10 00 00 06 00 00 00 00 00 00 00 00   // nlmsghdr, len 88
        00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00   // ifinfomsg
        06 00 03 00 61 00 00 00                           // IFLA_IFNAME "a"
        30 00 12 80                                       // IFLA_LINKINFO len 48
          09 00 01 00 76 65 74 68 00 00 00 00             //   IFLA_INFO_KIND "veth"
          20 00 02 80                                     //   IFLA_INFO_DATA len 32
            1c 00 01 80                                   //     VETH_INFO_PEER len 28
              00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
              06 00 03 00 62 00 00 00                     //       IFLA_IFNAME "b"
        """);
    assertEquals(hex(want), hex(got));
  }

  @Test
  void bridgeCreateMessageBytes() {
    byte[] got = LinkCodec.bridgeMessage(new LinkCodec.End("br0", 0, "02:00:00:00:00:0a", false)).toBytes();
    byte[] want = hex("""
        44 00 00 00 10 00 00 06 00 00 00 00 00 00 00 00   // nlmsghdr RTM_NEWLINK CREATE|EXCL, len 68
        00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00   // ifinfomsg
        08 00 03 00 62 72 30 00                           // IFLA_IFNAME "br0"
        0a 00 01 00 02 00 00 00 00 0a 00 00               // IFLA_ADDRESS
        10 00 12 80                                       // IFLA_LINKINFO len 16
          0b 00 01 00 62 72 69 64 67 65 00 00             //   IFLA_INFO_KIND "bridge"
        """);
    assertEquals(hex(want), hex(got));
  }

  @Test
  void setMessagesByNameAndByIndex() {
    byte[] up = LinkCodec.setMessage(0, "eth0", Link.IFF_UP, Link.IFF_UP).toBytes();
    assertEquals(hex(hex("""
        2c 00 00 00 13 00 00 00 00 00 00 00 00 00 00 00   // RTM_SETLINK (19), no flags, len 44
        00 00 00 00 00 00 00 00 01 00 00 00 01 00 00 00   // index 0, flags IFF_UP, change IFF_UP
        09 00 03 00 65 74 68 30 00 00 00 00               // IFLA_IFNAME "eth0": the kernel looks it up
        """)), hex(up));
    byte[] down = LinkCodec.setMessage(5, null, 0, Link.IFF_UP).toBytes();
    assertEquals(hex(hex("""
        20 00 00 00 13 00 00 00 00 00 00 00 00 00 00 00   // RTM_SETLINK, len 32
        00 00 00 00 05 00 00 00 00 00 00 00 01 00 00 00   // index 5, flags 0, change IFF_UP
        """)), hex(down));
    byte[] master = LinkCodec.setMessage(5, null, 0, 0).attrU32(LinkCodec.IFLA_MASTER, 3).toBytes();
    assertEquals(hex(hex("""
        28 00 00 00 13 00 00 00 00 00 00 00 00 00 00 00
        00 00 00 00 05 00 00 00 00 00 00 00 00 00 00 00
        08 00 0a 00 03 00 00 00                           // IFLA_MASTER (10) = 3
        """)), hex(master));
    byte[] del = LinkCodec.deleteMessage(0, "x").toBytes();
    assertEquals(hex(hex("""
        28 00 00 00 11 00 00 00 00 00 00 00 00 00 00 00   // RTM_DELLINK (17)
        00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        06 00 03 00 78 00 00 00                           // IFLA_IFNAME "x"
        """)), hex(del));
  }

  private static Link decodeOne(byte[] raw) {
    List<Link> out = new ArrayList<>();
    Message.forEach(ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder()), raw.length, m -> out.add(LinkCodec.decode(m)));
    assertEquals(1, out.size());
    return out.get(0);
  }

  @Test
  void decodesEveryFieldOfAHandBuiltMessage() {
    MessageWriter w = new MessageWriter(LinkCodec.RTM_NEWLINK, 0).u8(0).u8(0).u16(1).u32(7)
        .u32(Link.IFF_UP | Link.IFF_BROADCAST | Link.IFF_MULTICAST | Link.IFF_RUNNING | Link.IFF_LOWER_UP).u32(0);
    w.attrString(LinkCodec.IFLA_IFNAME, "eth0")
        .attrU32(LinkCodec.IFLA_MTU, 1400)
        .attr(LinkCodec.IFLA_ADDRESS, new byte[] {2, 0, 0, 0, 0, (byte) 0xab})
        .attr(LinkCodec.IFLA_BROADCAST, new byte[] {-1, -1, -1, -1, -1, -1})
        .attrU32(LinkCodec.IFLA_MASTER, 3)
        .attrU32(LinkCodec.IFLA_LINK, 2)
        .attrU32(LinkCodec.IFLA_LINK_NETNSID, 0)
        .attrU8(LinkCodec.IFLA_OPERSTATE, 6)
        .attrU8(LinkCodec.IFLA_LINKMODE, 1)
        .attrU32(LinkCodec.IFLA_TXQLEN, 500)
        .attrU32(LinkCodec.IFLA_GROUP, 4)
        .attrString(LinkCodec.IFLA_IFALIAS, "uplink")
        .attrString(LinkCodec.IFLA_QDISC, "noqueue")
        .attrU32(LinkCodec.IFLA_MIN_MTU, 68)
        .attrU32(LinkCodec.IFLA_MAX_MTU, 65535)
        .attrU32(LinkCodec.IFLA_PROMISCUITY, 1)
        .attrU32(LinkCodec.IFLA_NUM_TX_QUEUES, 2)
        .attrU32(LinkCodec.IFLA_NUM_RX_QUEUES, 3);
    int info = w.beginNest(LinkCodec.IFLA_LINKINFO);
    w.attrString(LinkCodec.IFLA_INFO_KIND, "veth").attrString(LinkCodec.IFLA_INFO_SLAVE_KIND, "bridge");
    w.endNest(info);
    int props = w.beginNest(LinkCodec.IFLA_PROP_LIST);
    w.attrString(LinkCodec.IFLA_ALT_IFNAME, "uplink-0").attrString(LinkCodec.IFLA_ALT_IFNAME, "wan");
    w.endNest(props);
    Link l = decodeOne(w.toBytes());
    assertEquals(new Link(7, "eth0", "veth", Link.IFF_UP | Link.IFF_BROADCAST | Link.IFF_MULTICAST | Link.IFF_RUNNING
        | Link.IFF_LOWER_UP, 1400, "02:00:00:00:00:ab", 3, 2, "UP", 0, "bridge", 500, 4, "uplink", "noqueue", "ether",
        "ff:ff:ff:ff:ff:ff", "DORMANT", 68, 65535, 1, 2, 3, List.of("uplink-0", "wan")), l);
    assertEquals(List.of("BROADCAST", "MULTICAST", "UP", "LOWER_UP"), l.flagNames());
    assertTrue(l.isUp() && l.isLowerUp() && l.hasMaster() && l.linkIsInOtherNetns());
  }

  @Test
  void absentAttributesGiveNeutralValues() {
    MessageWriter w = new MessageWriter(LinkCodec.RTM_NEWLINK, 0).u8(0).u8(0).u16(65534).u32(9).u32(0).u32(0)
        .attrString(LinkCodec.IFLA_IFNAME, "t");
    Link l = decodeOne(w.toBytes());
    assertEquals(new Link(9, "t", "", 0, 0, "", 0, 0, "UNKNOWN"), new Link(l.index(), l.name(), l.kind(), l.flags(),
        l.mtu(), l.mac(), l.masterIndex(), l.linkIndex(), l.operState()));
    assertEquals(-1, l.linkNetnsId());
    assertEquals("none", l.linkType());
    assertEquals(List.of(), l.altNames());
    assertFalse(l.linkIsInOtherNetns());
  }

  @Test
  void flagNamesFollowIp() {
    assertEquals(List.of("NO-CARRIER", "BROADCAST", "MULTICAST", "UP"),
        Link.flagNames(Link.IFF_UP | Link.IFF_BROADCAST | Link.IFF_MULTICAST));
    assertEquals(List.of("LOOPBACK", "UP", "LOWER_UP"),
        Link.flagNames(Link.IFF_UP | Link.IFF_LOOPBACK | Link.IFF_RUNNING | Link.IFF_LOWER_UP));
    assertEquals(List.of("NOARP", "80000"), Link.flagNames(Link.IFF_NOARP | 0x80000));
    assertEquals("[1234]", LinkCodec.linkTypeName(1234));
  }

  @Test
  void malformedMessagesFailWithEbadmsgOnly() {
    // Body shorter than struct ifinfomsg.
    byte[] shortBody = new MessageWriter(LinkCodec.RTM_NEWLINK, 0).u32(0).toBytes();
    NetlinkException e = assertThrows(NetlinkException.class, () -> decodeOne(shortBody));
    assertEquals(Errno.EBADMSG, e.errno());
    // An attribute whose length runs past the message.
    byte[] overrun = LinkCodec.header(LinkCodec.RTM_NEWLINK, 0, 1).attrString(LinkCodec.IFLA_IFNAME, "a").toBytes();
    overrun[32] = 0x40;
    assertEquals(Errno.EBADMSG, assertThrows(NetlinkException.class, () -> decodeOne(overrun)).errno());
    // An MTU attribute too short for a u32.
    byte[] shortMtu = LinkCodec.header(LinkCodec.RTM_NEWLINK, 0, 1).attrString(LinkCodec.IFLA_IFNAME, "a")
        .attrU16(LinkCodec.IFLA_MTU, 1500).toBytes();
    assertEquals(Errno.EBADMSG, assertThrows(NetlinkException.class, () -> decodeOne(shortMtu)).errno());
    // No name at all.
    byte[] noName = LinkCodec.header(LinkCodec.RTM_NEWLINK, 0, 1).attrU32(LinkCodec.IFLA_MTU, 1500).toBytes();
    assertEquals(Errno.EBADMSG, assertThrows(NetlinkException.class, () -> decodeOne(noName)).errno());
    // A broken nest inside IFLA_LINKINFO.
    MessageWriter w = LinkCodec.header(LinkCodec.RTM_NEWLINK, 0, 1).attrString(LinkCodec.IFLA_IFNAME, "a");
    w.attr(LinkCodec.IFLA_LINKINFO, new byte[] {(byte) 0xff, 0, 1, 0});
    byte[] badNest = w.toBytes();
    assertEquals(Errno.EBADMSG, assertThrows(NetlinkException.class, () -> decodeOne(badNest)).errno());
  }

  private static Link seed(String file) throws IOException {
    return decodeOne(Files.readAllBytes(Path.of(LinkFuzzTest.SEEDS, file)));
  }

  /** The captured kernel messages decode to what {@code ip} set up in LinkFuzzTest.main. */
  @Test
  void decodesCapturedKernelMessages() throws IOException {
    Link lo = seed("newlink-lo.bin");
    assertEquals(1, lo.index());
    assertEquals("loopback", lo.linkType());
    assertEquals(65536, lo.mtu());
    assertTrue(lo.isUp());
    Link br = seed("newlink-br0.bin");
    assertEquals("bridge", br.kind());
    assertEquals("seed bridge", br.alias());
    assertEquals(List.of("bridge-zero"), br.altNames());
    Link v1 = seed("newlink-v1.bin");
    assertEquals("veth", v1.kind());
    assertEquals("bridge", v1.slaveKind());
    assertEquals(br.index(), v1.masterIndex());
    Link v0 = seed("newlink-v0.bin");
    assertEquals(v1.index(), v0.linkIndex());
    assertEquals(v0.index(), v1.linkIndex());
    assertEquals(-1, v0.linkNetnsId());
    Link x0 = seed("newlink-x0.bin");
    assertEquals(1400, x0.mtu());
    assertEquals(0, x0.linkNetnsId());
    assertTrue(x0.linkIndex() > 0);
    assertEquals(v0, seed("stats-v0.bin"));
  }

  @Test
  void namesAreCheckedAsTheKernelDoes() {
    for (String ok : List.of("eth0", "a", "veth-1.2_x", "fifteen-chars15", "é")) {
      LinkCodec.requireName(ok);
    }
    for (String bad : new String[] {null, "", ".", "..", "sixteen-chars-16", "a/b", "a:b", "a b", "a\tb", "a\0b",
        "ééééééééé"}) {
      NetlinkException e = assertThrows(NetlinkException.class, () -> LinkCodec.requireName(bad), String.valueOf(bad));
      assertEquals(Errno.EINVAL, e.errno());
      assertEquals("EINVAL", e.errnoName());
    }
  }

  @Test
  void stepsRejectBadInputBeforeSending() {
    // A Links without a client: any attempt to send would fail with a NullPointerException.
    Links links = new Links(null);
    assertEquals(Errno.EINVAL, assertThrows(NetlinkException.class, () -> links.veth("bad name")).errno());
    assertEquals(Errno.EINVAL, assertThrows(NetlinkException.class, () -> links.veth("a").peer("b/c")).errno());
    assertEquals(Errno.EINVAL, assertThrows(NetlinkException.class, () -> links.veth("a").mtu(0)).errno());
    assertEquals(Errno.EINVAL, assertThrows(NetlinkException.class, () -> links.veth("a").mac("02:00")).errno());
    assertEquals(Errno.EINVAL, assertThrows(NetlinkException.class,
        () -> links.veth("a").peer("b").peerMac("zz:00:00:00:00:00")).errno());
    assertEquals(Errno.EINVAL, assertThrows(NetlinkException.class, () -> links.bridge("")).errno());
    assertEquals(Errno.EINVAL, assertThrows(NetlinkException.class, () -> links.link("x").mtu(-1)).errno());
    assertEquals(Errno.EINVAL, assertThrows(NetlinkException.class, () -> links.link("x").rename("a:b")).errno());
    assertEquals(Errno.EINVAL, assertThrows(NetlinkException.class, () -> links.link("x").master("")).errno());
    assertEquals(Errno.EINVAL, assertThrows(NetlinkException.class, () -> links.link("x").alias("x".repeat(256))).errno());
    assertEquals(Errno.EINVAL, assertThrows(NetlinkException.class, () -> links.link(0)).errno());
    assertEquals(Errno.ENOENT, assertThrows(NetlinkException.class,
        () -> links.veth("a").peer("b").peerNetns("sxt-no-such-netns")).errno());
    assertArrayEquals(new byte[] {2, 0, 0, 0, 0, 1}, Macs.parse("02:00:00:00:00:01"));
  }
}
