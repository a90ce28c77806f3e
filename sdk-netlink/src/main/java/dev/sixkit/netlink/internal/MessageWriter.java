package dev.sixkit.netlink.internal;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Builds one netlink message: the 16-byte header, the family's fixed struct, then attributes,
 * each aligned to 4 bytes. Headers and integers are in native byte order, addresses in network
 * order, as the kernel expects.
 *
 * <p>Not API. Not thread-safe: one writer per request.
 */
public final class MessageWriter {
  public static final int HEADER = 16;
  private ByteBuffer buf;

  public MessageWriter(int type, int flags) {
    this(type, flags, 256);
  }

  public MessageWriter(int type, int flags, int capacity) {
    buf = ByteBuffer.allocate(Math.max(capacity, 64)).order(ByteOrder.nativeOrder());
    buf.putInt(0).putShort((short) type).putShort((short) flags).putInt(0).putInt(0);
  }

  public static int align(int n) {
    return (n + 3) & ~3;
  }

  private void ensure(int more) {
    if (buf.remaining() < more) {
      ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + more + 64))
          .order(ByteOrder.nativeOrder());
      buf.flip();
      bigger.put(buf);
      buf = bigger;
    }
  }

  public int type() {
    return buf.getShort(4) & 0xffff;
  }

  public int flags() {
    return buf.getShort(6) & 0xffff;
  }

  public MessageWriter flags(int flags) {
    buf.putShort(6, (short) flags);
    return this;
  }

  public MessageWriter u8(int v) {
    ensure(1);
    buf.put((byte) v);
    return this;
  }

  public MessageWriter u16(int v) {
    ensure(2);
    buf.putShort((short) v);
    return this;
  }

  public MessageWriter u32(int v) {
    ensure(4);
    buf.putInt(v);
    return this;
  }

  public MessageWriter bytes(byte[] b) {
    ensure(b.length);
    buf.put(b);
    return this;
  }

  /** Zero bytes up to the next 4-byte boundary. */
  public MessageWriter pad() {
    int target = align(buf.position());
    ensure(target - buf.position());
    while (buf.position() < target) {
      buf.put((byte) 0);
    }
    return this;
  }

  public MessageWriter attr(int type, byte[] value) {
    int len = 4 + value.length;
    ensure(align(len));
    buf.putShort((short) len).putShort((short) type).put(value);
    return pad();
  }

  public MessageWriter attrU8(int type, int v) {
    return attr(type, new byte[] {(byte) v});
  }

  public MessageWriter attrU16(int type, int v) {
    ensure(8);
    buf.putShort((short) 6).putShort((short) type).putShort((short) v);
    return pad();
  }

  public MessageWriter attrU32(int type, int v) {
    ensure(8);
    buf.putShort((short) 8).putShort((short) type).putInt(v);
    return this;
  }

  public MessageWriter attrU64(int type, long v) {
    ensure(12);
    buf.putShort((short) 12).putShort((short) type).putLong(v);
    return this;
  }

  /** A NUL-terminated string attribute. */
  public MessageWriter attrString(int type, String s) {
    byte[] raw = s.getBytes(StandardCharsets.UTF_8);
    byte[] z = new byte[raw.length + 1];
    System.arraycopy(raw, 0, z, 0, raw.length);
    return attr(type, z);
  }

  public MessageWriter attrAddress(int type, InetAddress address) {
    return attr(type, address.getAddress());
  }

  public MessageWriter attrFlag(int type) {
    ensure(4);
    buf.putShort((short) 4).putShort((short) type);
    return this;
  }

  /** Opens a nested attribute; close it with {@link #endNest(int)} passing the returned mark. */
  public int beginNest(int type) {
    pad();
    ensure(4);
    int mark = buf.position();
    buf.putShort((short) 0).putShort((short) (type | Attributes.NLA_F_NESTED));
    return mark;
  }

  public MessageWriter endNest(int mark) {
    buf.putShort(mark, (short) (buf.position() - mark));
    return pad();
  }

  /** Sets the length field and returns the finished bytes, position 0, limit the message length. */
  public ByteBuffer finish(int seq, int portId) {
    pad();
    buf.putInt(0, buf.position());
    buf.putInt(8, seq);
    buf.putInt(12, portId);
    ByteBuffer out = buf.duplicate().order(ByteOrder.nativeOrder());
    out.flip();
    return out;
  }

  /** The finished message as a fresh byte array (for tests and fuzz corpora). */
  public byte[] toBytes() {
    ByteBuffer b = finish(0, 0);
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  public int length() {
    return buf.position();
  }
}
