package dev.sixkit.netlink.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.netlink.NetlinkException;
import dev.sixkit.netlink.Netns;
import dev.sixkit.netlink.testing.TestNetns;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The message codec: MessageWriter and Attributes round trips, alignment, nesting, malformed
 * input (always NetlinkException EBADMSG, never an index error), and extended-ACK parsing of
 * errors captured from the real kernel.
 */
class CodecTest {
  private static final int RTM_NEWNEIGH = 28;

  static ByteBuffer wrap(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
  }

  /** The single message of a datagram. */
  static Message only(byte[] datagram) {
    List<Message> ms = new ArrayList<>();
    Message.forEach(wrap(datagram), datagram.length, ms::add);
    assertEquals(1, ms.size());
    return ms.get(0);
  }

  static void badMessage(Executable x) {
    NetlinkException e = assertThrows(NetlinkException.class, x);
    assertEquals("EBADMSG", e.errnoName(), e.getMessage());
    assertTrue(e.getMessage().contains("malformed"), e.getMessage());
  }

  // ---- writer ----

  @Test
  void headerFieldsInNativeOrder() {
    MessageWriter w = new MessageWriter(RTM_NEWNEIGH, Message.NLM_F_REQUEST | Message.NLM_F_ACK);
    w.u8(10).u8(0).u16(0).u32(7).u16(0x80).u8(8).u8(0);
    ByteBuffer b = w.finish(0x1234, 99);
    assertEquals(0, b.position());
    assertEquals(28, b.limit());
    assertEquals(ByteOrder.nativeOrder(), b.order());
    assertEquals(28, b.getInt(0));
    assertEquals(RTM_NEWNEIGH, b.getShort(4));
    assertEquals(Message.NLM_F_REQUEST | Message.NLM_F_ACK, b.getShort(6));
    assertEquals(0x1234, b.getInt(8));
    assertEquals(99, b.getInt(12));
    assertEquals(7, b.getInt(20));
    assertEquals(RTM_NEWNEIGH, w.type());
    w.flags(Message.NLM_F_DUMP);
    assertEquals(Message.NLM_F_DUMP, w.flags());
  }

  @Test
  void everyAttributeIsPaddedToFourBytes() {
    for (int len = 0; len <= 9; len++) {
      byte[] value = new byte[len];
      for (int i = 0; i < len; i++) {
        value[i] = (byte) (i + 1);
      }
      MessageWriter w = new MessageWriter(1, 0).attr(3, value).attrU32(4, 0xCAFE);
      byte[] out = w.toBytes();
      assertEquals(0, out.length % 4);
      assertEquals(16 + MessageWriter.align(4 + len) + 8, out.length, "value of " + len + " bytes");
      ByteBuffer b = wrap(out);
      assertEquals(4 + len, b.getShort(16), "nla_len counts the value, not the padding");
      for (int i = 16 + 4 + len; i < 16 + MessageWriter.align(4 + len); i++) {
        assertEquals(0, out[i], "padding is zero");
      }
      Attributes a = Attributes.parse(b, 16, out.length);
      assertArrayEquals(value, a.bytes(3));
      assertEquals(len, a.length(3));
      assertEquals(0xCAFE, a.u32(4, -1));
    }
  }

  @Test
  void scalarStringAddressAndFlagRoundTrip() throws Exception {
    InetAddress v6 = InetAddress.getByName("2001:db8:ab11::8000:2");
    InetAddress v4 = InetAddress.getByName("127.0.0.9");
    byte[] out = new MessageWriter(1, 0).u32(0)
        .attrU8(1, 0xfe).attrU16(2, 0xbeef).attrU32(3, -2).attrU64(4, 0x0123456789abcdefL)
        .attrString(5, "eth0").attrAddress(6, v6).attrAddress(7, v4).attrFlag(8).attrString(9, "").toBytes();
    Message m = only(out);
    Attributes a = m.attributes(4);
    assertEquals(0xfe, a.u8(1, -1));
    assertEquals(0xbeef, a.u16(2, -1));
    assertEquals(-2, a.u32(3, 0));
    assertEquals(0x0123456789abcdefL, a.u64(4, 0));
    assertEquals("eth0", a.string(5));
    assertEquals(5, a.length(5), "strings carry their NUL");
    assertEquals(v6, a.address(6));
    assertEquals(v4, a.address(7));
    assertArrayEquals(new byte[] {0x20, 0x01, 0x0d, (byte) 0xb8}, java.util.Arrays.copyOf(a.bytes(6), 4),
        "addresses in network order");
    assertTrue(a.has(8));
    assertEquals(0, a.length(8));
    assertEquals("", a.string(9));
    // absent attributes give the default, never an error
    assertFalse(a.has(10));
    assertEquals(-1, a.u8(10, -1));
    assertEquals(-1, a.u16(10, -1));
    assertEquals(-1, a.u32(10, -1));
    assertEquals(-1L, a.u64(10, -1L));
    assertNull(a.bytes(10));
    assertNull(a.string(10));
    assertNull(a.address(10));
    assertNull(a.nested(10));
    assertEquals(-1, a.length(10));
    assertEquals(-1, a.offset(1000));
    assertFalse(a.has(-1));
  }

  @Test
  void ipv4MappedIpv6AddressStaysIpv6() throws Exception {
    byte[] raw = new byte[16];
    raw[10] = (byte) 0xff;
    raw[11] = (byte) 0xff;
    raw[12] = 127;
    raw[15] = 1;
    byte[] out = new MessageWriter(1, 0).attr(1, raw).toBytes();
    InetAddress a = Attributes.parse(wrap(out), 16, out.length).address(1);
    assertTrue(a instanceof Inet6Address, a.getClass().toString());
    assertArrayEquals(raw, a.getAddress());
  }

  @Test
  void nestedAttributes() {
    MessageWriter w = new MessageWriter(1, 0).u32(0);
    int outer = w.beginNest(18);
    w.attrString(1, "veth");
    int inner = w.beginNest(2);
    w.attrU32(1, 42).attr(2, new byte[] {1, 2, 3});
    w.endNest(inner);
    w.endNest(outer);
    w.attrU32(3, 7);
    byte[] out = w.toBytes();
    ByteBuffer b = wrap(out);
    assertEquals(Attributes.NLA_F_NESTED | 18, b.getShort(20 + 2) & 0xffff, "nest type carries NLA_F_NESTED");
    Attributes top = only(out).attributes(4);
    assertEquals(7, top.u32(3, -1));
    Attributes info = top.nested(18);
    assertEquals("veth", info.string(1));
    Attributes data = info.nested(2);
    assertEquals(42, data.u32(1, -1));
    assertArrayEquals(new byte[] {1, 2, 3}, data.bytes(2));
    assertEquals(top.length(18), 4 + 8 + 4 + 8 + 8, "outer length covers the inner nest and its padding");
    // an empty nest is fine too
    MessageWriter e = new MessageWriter(1, 0);
    e.endNest(e.beginNest(5));
    byte[] eo = e.toBytes();
    Attributes ea = Attributes.parse(wrap(eo), 16, eo.length);
    assertEquals(0, ea.length(5));
    assertFalse(ea.nested(5).has(1));
  }

  @Test
  void lastOccurrenceWinsAndForEachSeesAll() {
    byte[] out = new MessageWriter(1, 0).attrU32(1, 10).attrU32(2, 20).attrU32(1, 11).attrFlag(Attributes.NLA_F_NET_BYTEORDER | 3)
        .toBytes();
    Attributes a = Attributes.parse(wrap(out), 16, out.length);
    assertEquals(11, a.u32(1, -1));
    assertTrue(a.has(3), "byte-order flag masked off the type");
    List<String> seen = new ArrayList<>();
    Attributes.forEach(wrap(out), 16, out.length, (t, off, len) -> seen.add(t + ":" + len));
    assertEquals(List.of("1:4", "2:4", "1:4", "3:0"), seen);
  }

  @Test
  void largeMessagesGrowTheBuffer() {
    MessageWriter w = new MessageWriter(1, 0, 64);
    for (int i = 0; i < 1000; i++) {
      w.attrU32(1 + (i % 50), i);
    }
    byte[] out = w.toBytes();
    assertEquals(16 + 8000, out.length);
    assertEquals(999, Attributes.parse(wrap(out), 16, out.length).u32(50, -1));
    assertEquals(out.length, w.length());
  }

  @Test
  void severalMessagesInOneDatagram() {
    byte[] one = new MessageWriter(RTM_NEWNEIGH, Message.NLM_F_MULTI).u32(1).attrU8(1, 1).toBytes();
    byte[] two = new MessageWriter(Message.NLMSG_DONE, Message.NLM_F_MULTI).u32(0).toBytes();
    byte[] d = new byte[one.length + two.length];
    System.arraycopy(one, 0, d, 0, one.length);
    System.arraycopy(two, 0, d, one.length, two.length);
    List<Message> ms = new ArrayList<>();
    Message.forEach(wrap(d), d.length, ms::add);
    assertEquals(2, ms.size());
    assertEquals(RTM_NEWNEIGH, ms.get(0).type());
    assertEquals(Message.NLMSG_DONE, ms.get(1).type());
    assertEquals(one.length, ms.get(1).start());
    assertEquals(4, ms.get(1).bodyLength());
    // trailing bytes shorter than a header are ignored, as the kernel's NLMSG_OK does
    Message.forEach(wrap(java.util.Arrays.copyOf(d, d.length + 8)), d.length + 8, m -> { });
  }

  // ---- malformed input ----

  @Test
  void malformedAttributesFailWithEbadmsg() {
    byte[] good = new MessageWriter(1, 0).attrU32(1, 5).attrString(2, "x").toBytes();
    // nla_len below the header
    byte[] shortLen = good.clone();
    wrap(shortLen).putShort(16, (short) 3);
    badMessage(() -> Attributes.parse(wrap(shortLen), 16, shortLen.length));
    // nla_len running past the end
    byte[] longLen = good.clone();
    wrap(longLen).putShort(16, (short) 200);
    badMessage(() -> Attributes.parse(wrap(longLen), 16, longLen.length));
    badMessage(() -> Attributes.forEach(wrap(longLen), 16, longLen.length, (t, o, l) -> { }));
    // bounds outside the buffer
    badMessage(() -> Attributes.parse(wrap(good), 16, good.length + 4));
    badMessage(() -> Attributes.parse(wrap(good), -4, good.length));
    badMessage(() -> Attributes.parse(wrap(good), 20, 16));
    badMessage(() -> Attributes.forEach(wrap(good), 16, good.length + 4, (t, o, l) -> { }));
    // a value too short for what is asked of it
    byte[] tiny = new MessageWriter(1, 0).attr(1, new byte[] {1}).attr(2, new byte[5]).toBytes();
    Attributes a = Attributes.parse(wrap(tiny), 16, tiny.length);
    assertEquals(1, a.u8(1, -1));
    badMessage(() -> a.u16(1, 0));
    badMessage(() -> a.u32(1, 0));
    badMessage(() -> a.u64(1, 0));
    badMessage(() -> a.address(2));
    // a nest whose inside is garbage
    MessageWriter w = new MessageWriter(1, 0);
    int n = w.beginNest(1);
    w.attr(1, new byte[] {1, 2, 3, 4});
    w.endNest(n);
    byte[] nest = w.toBytes();
    wrap(nest).putShort(20, (short) 60);
    Attributes outer = Attributes.parse(wrap(nest), 16, nest.length);
    badMessage(() -> outer.nested(1));
  }

  @Test
  void malformedMessagesFailWithEbadmsg() {
    byte[] good = new MessageWriter(RTM_NEWNEIGH, 0).u32(0).u32(0).u32(0).attrU32(1, 1).toBytes();
    byte[] small = good.clone();
    wrap(small).putInt(0, 8);
    badMessage(() -> Message.forEach(wrap(small), small.length, m -> { }));
    byte[] big = good.clone();
    wrap(big).putInt(0, good.length + 4);
    badMessage(() -> Message.forEach(wrap(big), big.length, m -> { }));
    byte[] negative = good.clone();
    wrap(negative).putInt(0, -1);
    badMessage(() -> Message.forEach(wrap(negative), negative.length, m -> { }));
    badMessage(() -> Message.forEach(wrap(good), good.length + 64, m -> { }));
    Message m = only(good);
    badMessage(() -> m.requireBody(64));
    badMessage(() -> m.attributes(64));
  }

  /** Every truncation and many random corruptions of real-shaped messages: only EBADMSG. */
  @Test
  void truncatedAndCorruptedInputNeverEscapesAsAnIndexError() {
    MessageWriter w = new MessageWriter(RTM_NEWNEIGH, Message.NLM_F_MULTI).u8(10).u8(0).u16(0).u32(2).u16(0x80).u8(0x88).u8(0);
    w.attr(1, new byte[16]).attr(2, new byte[6]);
    int nest = w.beginNest(3);
    w.attrU32(1, 1).attrString(2, "abc");
    w.endNest(nest);
    byte[] good = w.toBytes();
    Random r = new Random(42);
    List<byte[]> inputs = new ArrayList<>();
    for (int len = 0; len <= good.length; len++) {
      byte[] t = java.util.Arrays.copyOf(good, len);
      if (len >= 4) {
        wrap(t).putInt(0, Math.min(good.length, len)); // claims a length that fits
      }
      inputs.add(t);
      inputs.add(java.util.Arrays.copyOf(good, len)); // claims the full length
    }
    for (int i = 0; i < 20000; i++) {
      byte[] c = good.clone();
      for (int k = 0; k < 1 + r.nextInt(4); k++) {
        c[r.nextInt(c.length)] = (byte) r.nextInt(256);
      }
      inputs.add(c);
    }
    for (byte[] in : inputs) {
      try {
        Message.forEach(wrap(in), in.length, m -> {
          Attributes a = m.attributes(12);
          a.address(1);
          a.bytes(2);
          Attributes inner = a.nested(3);
          if (inner != null) {
            inner.u32(1, 0);
            inner.string(2);
          }
          Attributes.forEach(m.buf(), m.body() + 12, m.end(), (t, o, l) -> { });
          NetlinkSocket.extAck(m);
        });
      } catch (NetlinkException e) {
        assertEquals("EBADMSG", e.errnoName(), e.getMessage());
      }
    }
  }

  // ---- extended ACK, from the real kernel ----

  /** An RTM_NEWNEIGH without NDA_DST: the kernel answers EINVAL "Network address not specified". */
  private static byte[] badNeighbourRequest(int seq) {
    MessageWriter w = new MessageWriter(RTM_NEWNEIGH, Message.NLM_F_REQUEST | Message.NLM_F_ACK | Message.NLM_F_CREATE)
        .u8(10).u8(0).u16(0).u32(1).u16(0x80).u8(0).u8(0);
    ByteBuffer b = w.finish(seq, 0);
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  static byte[] captureError(String netnsPath, boolean capAck, int seq) {
    try (NamespaceThread t = NamespaceThread.enter(netnsPath, "codec")) {
      return t.call(() -> {
        try (RawNetlink raw = new RawNetlink(capAck)) {
          List<byte[]> answer = raw.exchange(badNeighbourRequest(seq));
          assertEquals(1, answer.size());
          return answer.get(0);
        }
      });
    }
  }

  @Test
  void extendedAckOfARealKernelError() {
    try (TestNetns ns = new TestNetns()) {
      Netns n = ns.create("codec");
      for (boolean capped : new boolean[] {true, false}) {
        byte[] d = captureError(n.path().toString(), capped, 4242);
        Message m = only(d);
        assertEquals(Message.NLMSG_ERROR, m.type());
        assertTrue((m.flags() & Message.NLM_F_ACK_TLVS) != 0, "the kernel attached TLVs");
        assertEquals(capped, (m.flags() & Message.NLM_F_CAPPED) != 0);
        assertEquals(-22, m.buf().getInt(m.body()), "EINVAL");
        assertEquals(4242, m.buf().getInt(m.body() + 4 + 8), "the echoed header carries our sequence number");
        int echoed = m.buf().getInt(m.body() + 4);
        assertEquals(badNeighbourRequest(0).length, echoed);
        if (!capped) {
          assertTrue(d.length >= 16 + 4 + echoed, "the whole request is echoed when not capped");
        }
        assertEquals("Network address not specified", NetlinkSocket.extAck(m));
      }
      // and through the library's own request path
      try (NamespaceThread t = NamespaceThread.enter(n.path().toString(), "codec2")) {
        NetlinkSocket s = t.call(() -> NetlinkSocket.open(LibC.NETLINK_ROUTE));
        try {
          MessageWriter w = new MessageWriter(RTM_NEWNEIGH, Message.NLM_F_CREATE).u8(10).u8(0).u16(0).u32(1).u16(0x80).u8(0).u8(0);
          NetlinkException e = assertThrows(NetlinkException.class, () -> s.request(w, "add neighbour", "test", null));
          assertEquals("EINVAL", e.errnoName());
          assertEquals("Network address not specified", e.kernelMessage().orElseThrow());
          assertEquals("add neighbour test: Network address not specified (EINVAL: Invalid argument)", e.getMessage());
        } finally {
          s.close();
        }
      }
    }
  }

  @Test
  void extendedAckEdgeCases() {
    // no TLV flag: no text
    byte[] plain = new MessageWriter(Message.NLMSG_ERROR, 0).u32(-2).bytes(new byte[16]).toBytes();
    assertNull(NetlinkSocket.extAck(only(plain)));
    // TLV flag but nothing after the echoed header
    byte[] empty = new MessageWriter(Message.NLMSG_ERROR, Message.NLM_F_ACK_TLVS | Message.NLM_F_CAPPED).u32(-2)
        .u32(16).bytes(new byte[12]).toBytes();
    assertNull(NetlinkSocket.extAck(only(empty)));
    // a missing-attribute report without text
    byte[] miss = new MessageWriter(Message.NLMSG_ERROR, Message.NLM_F_ACK_TLVS | Message.NLM_F_CAPPED).u32(-22)
        .u32(16).bytes(new byte[12]).attrU32(Message.NLMSGERR_ATTR_MISS_TYPE, 1).toBytes();
    assertEquals("missing attribute type 1", NetlinkSocket.extAck(only(miss)));
    // an echoed length that lies: no text, no crash
    byte[] lying = new MessageWriter(Message.NLMSG_ERROR, Message.NLM_F_ACK_TLVS).u32(-22).u32(4000)
        .bytes(new byte[12]).attrString(Message.NLMSGERR_ATTR_MSG, "x").toBytes();
    assertNull(NetlinkSocket.extAck(only(lying)));
    byte[] negative = new MessageWriter(Message.NLMSG_ERROR, Message.NLM_F_ACK_TLVS).u32(-22).u32(-64)
        .bytes(new byte[12]).attrString(Message.NLMSGERR_ATTR_MSG, "x").toBytes();
    assertNull(NetlinkSocket.extAck(only(negative)));
    assertTrue(NetlinkSocket.refused(1, "op", "obj", null).detail().orElseThrow().contains("CAP_NET_ADMIN"));
    assertEquals("kernel text", NetlinkSocket.refused(1, "op", "obj", "kernel text").kernelMessage().orElseThrow());
    assertTrue(NetlinkSocket.refused(1, "op", "obj", "kernel text").detail().isEmpty());
    assertTrue(NetlinkSocket.refused(22, "op", "obj", null).detail().isEmpty());
  }
}
