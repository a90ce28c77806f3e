package dev.sixkit.netlink.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Captures what the kernel really sends: a bare NETLINK_ROUTE socket over LibC, without the
 * library's parsing, so tests and seed corpora get the exact datagrams. Call it on a thread
 * inside the namespace to capture (NamespaceThread).
 */
public final class RawNetlink implements AutoCloseable {
  private static final LibC C = LibC.Holder.LIBC;
  private final int fd;
  private final ByteBuffer rx = ByteBuffer.allocateDirect(256 * 1024).order(ByteOrder.nativeOrder());

  /** A socket with extended ACK and strict checking on, capped ACKs as asked. */
  public RawNetlink(boolean capAck) {
    fd = C.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.NETLINK_ROUTE);
    if (fd < 0) {
      throw new IllegalStateException("socket: errno " + LibC.Holder.errno());
    }
    option(LibC.SOL_NETLINK, LibC.NETLINK_EXT_ACK, 1);
    option(LibC.SOL_NETLINK, LibC.NETLINK_CAP_ACK, capAck ? 1 : 0);
    option(LibC.SOL_NETLINK, LibC.NETLINK_GET_STRICT_CHK, 1);
    ByteBuffer sa = ByteBuffer.allocateDirect(12).order(ByteOrder.nativeOrder());
    sa.putShort(0, (short) LibC.AF_NETLINK);
    if (C.bind(fd, sa, 12) < 0) {
      throw new IllegalStateException("bind: errno " + LibC.Holder.errno());
    }
    ByteBuffer tv = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
    tv.putLong(0, 2).putLong(8, 0);
    C.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, tv, 16);
  }

  public void option(int level, int name, int value) {
    ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
    b.putInt(0, value);
    if (C.setsockopt(fd, level, name, b, 4) < 0) {
      throw new IllegalStateException("setsockopt " + name + ": errno " + LibC.Holder.errno());
    }
  }

  /** Sends one request and returns every datagram up to NLMSG_DONE or NLMSG_ERROR. */
  public List<byte[]> exchange(byte[] request) {
    ByteBuffer tx = ByteBuffer.allocateDirect(request.length).order(ByteOrder.nativeOrder());
    tx.put(request).flip();
    if (C.send(fd, tx, request.length, 0) < 0) {
      throw new IllegalStateException("send: errno " + LibC.Holder.errno());
    }
    List<byte[]> out = new ArrayList<>();
    while (true) {
      byte[] d = receive();
      if (d == null) {
        throw new IllegalStateException("no answer from the kernel");
      }
      out.add(d);
      boolean[] end = {false};
      Message.forEach(ByteBuffer.wrap(d).order(ByteOrder.nativeOrder()), d.length, m -> {
        if (m.type() == Message.NLMSG_DONE || m.type() == Message.NLMSG_ERROR) {
          end[0] = true;
        }
      });
      if (end[0]) {
        return out;
      }
    }
  }

  /** One datagram, or null on timeout. */
  public byte[] receive() {
    rx.clear();
    long n = C.recv(fd, rx, rx.capacity(), 0);
    if (n < 0) {
      int err = LibC.Holder.errno();
      if (err == LibC.EAGAIN) {
        return null;
      }
      throw new IllegalStateException("recv: errno " + err);
    }
    byte[] d = new byte[(int) n];
    rx.get(0, d);
    return d;
  }

  @Override
  public void close() {
    C.close(fd);
  }
}
