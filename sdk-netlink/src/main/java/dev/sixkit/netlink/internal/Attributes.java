package dev.sixkit.netlink.internal;

import dev.sixkit.netlink.NetlinkException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A parsed run of netlink attributes (rtattr / nlattr): for each type, where its value lies in
 * the message. Lookups are by type; the last occurrence wins, as in the kernel's nla_parse.
 * Malformed input (a length that runs past the end or is shorter than the header) raises a
 * {@link NetlinkException} with EBADMSG, never an index error.
 *
 * <p>Not API. Not thread-safe; valid only while the buffer it reads is.
 */
public final class Attributes {
  public static final int NLA_F_NESTED = 0x8000;
  public static final int NLA_F_NET_BYTEORDER = 0x4000;
  public static final int NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;
  private static final int[] EMPTY = new int[0];

  private final ByteBuffer buf;
  // offsets[type] = value offset, lengths[type] = value length; -1 when absent.
  private int[] offsets = EMPTY;
  private int[] lengths = EMPTY;

  private Attributes(ByteBuffer buf) {
    this.buf = buf;
  }

  /** Parses attributes in {@code buf} from {@code start} (inclusive) to {@code end} (exclusive). */
  public static Attributes parse(ByteBuffer buf, int start, int end) {
    ByteBuffer b = buf.order() == ByteOrder.nativeOrder() ? buf : buf.duplicate().order(ByteOrder.nativeOrder());
    Attributes a = new Attributes(b);
    if (start < 0 || end > b.limit() || start > end) {
      throw malformed("attribute run " + start + ".." + end + " outside message of " + b.limit() + " bytes");
    }
    int pos = start;
    while (end - pos >= 4) {
      int len = b.getShort(pos) & 0xffff;
      int type = b.getShort(pos + 2) & NLA_TYPE_MASK;
      if (len < 4 || pos + len > end) {
        throw malformed("attribute type " + type + " of length " + len + " at offset " + pos + " runs past " + end);
      }
      a.put(type, pos + 4, len - 4);
      pos += MessageWriter.align(len);
    }
    return a;
  }

  static NetlinkException malformed(String detail) {
    return new NetlinkException(Errno.EBADMSG, "parse netlink message", "", "malformed message: " + detail);
  }

  private void put(int type, int offset, int length) {
    if (type >= offsets.length) {
      int n = Math.max(type + 1, Math.max(8, offsets.length * 2));
      int old = offsets.length;
      offsets = Arrays.copyOf(offsets, n);
      lengths = Arrays.copyOf(lengths, n);
      Arrays.fill(offsets, old, n, -1);
      Arrays.fill(lengths, old, n, -1);
    }
    offsets[type] = offset;
    lengths[type] = length;
  }

  public boolean has(int type) {
    return type >= 0 && type < offsets.length && offsets[type] >= 0;
  }

  /** Value length, or -1 when absent. */
  public int length(int type) {
    return has(type) ? lengths[type] : -1;
  }

  public int offset(int type) {
    return has(type) ? offsets[type] : -1;
  }

  private int need(int type, int size) {
    if (!has(type)) {
      return -1;
    }
    if (lengths[type] < size) {
      throw malformed("attribute type " + type + " has " + lengths[type] + " bytes, needs " + size);
    }
    return offsets[type];
  }

  public int u8(int type, int absent) {
    int off = need(type, 1);
    return off < 0 ? absent : buf.get(off) & 0xff;
  }

  public int u16(int type, int absent) {
    int off = need(type, 2);
    return off < 0 ? absent : buf.getShort(off) & 0xffff;
  }

  /** A u32 (returned as a signed int; use Integer.toUnsignedLong where needed). */
  public int u32(int type, int absent) {
    int off = need(type, 4);
    return off < 0 ? absent : buf.getInt(off);
  }

  public long u64(int type, long absent) {
    int off = need(type, 8);
    return off < 0 ? absent : buf.getLong(off);
  }

  public byte[] bytes(int type) {
    if (!has(type)) {
      return null;
    }
    byte[] out = new byte[lengths[type]];
    buf.get(offsets[type], out);
    return out;
  }

  /** A string up to its NUL (or the attribute's end). */
  public String string(int type) {
    if (!has(type)) {
      return null;
    }
    int off = offsets[type];
    int len = lengths[type];
    int n = 0;
    while (n < len && buf.get(off + n) != 0) {
      n++;
    }
    byte[] raw = new byte[n];
    buf.get(off, raw);
    return new String(raw, StandardCharsets.UTF_8);
  }

  /** A 4- or 16-byte address, or null when absent. */
  public InetAddress address(int type) {
    byte[] raw = bytes(type);
    if (raw == null) {
      return null;
    }
    if (raw.length != 4 && raw.length != 16) {
      throw malformed("address attribute type " + type + " has " + raw.length + " bytes");
    }
    try {
      // Inet6Address directly: InetAddress.getByAddress turns ::ffff:a.b.c.d into an IPv4 address.
      return raw.length == 4 ? InetAddress.getByAddress(raw) : Inet6Address.getByAddress(null, raw, -1);
    } catch (UnknownHostException e) {
      throw malformed(e.getMessage());
    }
  }

  public Attributes nested(int type) {
    if (!has(type)) {
      return null;
    }
    return parse(buf, offsets[type], offsets[type] + lengths[type]);
  }

  public ByteBuffer buffer() {
    return buf;
  }

  /** Visits every attribute in order (duplicates included), for lists such as IFLA_AF_SPEC. */
  public static void forEach(ByteBuffer buf, int start, int end, AttributeVisitor visitor) {
    if (buf.order() != ByteOrder.nativeOrder()) {
      buf = buf.duplicate().order(ByteOrder.nativeOrder());
    }
    if (start < 0 || end > buf.limit() || start > end) {
      throw malformed("attribute run " + start + ".." + end + " outside message of " + buf.limit() + " bytes");
    }
    int pos = start;
    while (end - pos >= 4) {
      int len = buf.getShort(pos) & 0xffff;
      int type = buf.getShort(pos + 2) & NLA_TYPE_MASK;
      if (len < 4 || pos + len > end) {
        throw malformed("attribute type " + type + " of length " + len + " at offset " + pos + " runs past " + end);
      }
      visitor.visit(type, pos + 4, len - 4);
      pos += MessageWriter.align(len);
    }
  }

  /** Receives one attribute's type and value bounds. */
  @FunctionalInterface
  public interface AttributeVisitor {
    void visit(int type, int offset, int length);
  }
}
