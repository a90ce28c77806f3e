package dev.sixkit.netlink.internal;

import java.nio.ByteBuffer;

/**
 * One received netlink message: a view into the receive buffer, valid only while the callback
 * that was handed it runs. Decoders copy what they keep.
 *
 * <p>Not API. Not thread-safe.
 */
public record Message(ByteBuffer buf, int start, int length, int type, int flags, int seq, int portId) {
  public static final int NLMSG_NOOP = 1;
  public static final int NLMSG_ERROR = 2;
  public static final int NLMSG_DONE = 3;
  public static final int NLMSG_OVERRUN = 4;

  public static final int NLM_F_REQUEST = 0x01;
  public static final int NLM_F_MULTI = 0x02;
  public static final int NLM_F_ACK = 0x04;
  public static final int NLM_F_ECHO = 0x08;
  public static final int NLM_F_DUMP_INTR = 0x10;
  public static final int NLM_F_DUMP_FILTERED = 0x20;
  public static final int NLM_F_ROOT = 0x100;
  public static final int NLM_F_MATCH = 0x200;
  public static final int NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
  public static final int NLM_F_REPLACE = 0x100;
  public static final int NLM_F_EXCL = 0x200;
  public static final int NLM_F_CREATE = 0x400;
  public static final int NLM_F_APPEND = 0x800;
  public static final int NLM_F_CAPPED = 0x100;
  public static final int NLM_F_ACK_TLVS = 0x200;

  public static final int NLMSGERR_ATTR_MSG = 1;
  public static final int NLMSGERR_ATTR_OFFS = 2;
  public static final int NLMSGERR_ATTR_MISS_TYPE = 5;

  /** Where the family payload (after the 16-byte header) starts. */
  public int body() {
    return start + MessageWriter.HEADER;
  }

  /** One past the message's last byte. */
  public int end() {
    return start + length;
  }

  public int bodyLength() {
    return length - MessageWriter.HEADER;
  }

  /** Attributes that follow a fixed struct of {@code structSize} bytes in the payload. */
  public Attributes attributes(int structSize) {
    int from = body() + MessageWriter.align(structSize);
    if (from > end()) {
      throw Attributes.malformed("message type " + type + " of " + length + " bytes is shorter than its "
          + structSize + "-byte header");
    }
    return Attributes.parse(buf, from, end());
  }

  /** Fails unless the payload holds at least {@code size} bytes. */
  public void requireBody(int size) {
    if (bodyLength() < size) {
      throw Attributes.malformed("message type " + type + " carries " + bodyLength() + " bytes, needs " + size);
    }
  }

  /**
   * Walks the messages of one datagram held in {@code buf[0..n)}. Fails on a length field that
   * is too short or runs past the datagram.
   */
  public static void forEach(ByteBuffer buf, int n, java.util.function.Consumer<Message> sink) {
    if (buf.order() != java.nio.ByteOrder.nativeOrder()) {
      buf = buf.duplicate().order(java.nio.ByteOrder.nativeOrder());
    }
    if (n < 0 || n > buf.limit()) {
      throw Attributes.malformed("datagram of " + n + " bytes in a buffer of " + buf.limit());
    }
    int pos = 0;
    while (n - pos >= MessageWriter.HEADER) {
      int len = buf.getInt(pos);
      if (len < MessageWriter.HEADER || len > n - pos) {
        throw Attributes.malformed("message length " + len + " at offset " + pos + " in a datagram of " + n + " bytes");
      }
      sink.accept(new Message(buf, pos, len, buf.getShort(pos + 4) & 0xffff, buf.getShort(pos + 6) & 0xffff,
          buf.getInt(pos + 8), buf.getInt(pos + 12)));
      pos += MessageWriter.align(len);
    }
  }
}
