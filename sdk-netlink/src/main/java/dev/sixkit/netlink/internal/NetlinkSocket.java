package dev.sixkit.netlink.internal;

import dev.sixkit.netlink.NetlinkException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A netlink socket over jnr-ffi: SOCK_CLOEXEC, extended ACK and strict checking on, receive
 * buffer sized by peeking (MSG_PEEK|MSG_TRUNC), a sequence number per socket. The socket lives in
 * the network namespace of the thread that opened it, for good.
 *
 * <p>Not API. Thread-safe: requests are serialised on the socket, so replies never interleave.
 */
public final class NetlinkSocket implements dev.sixkit.netlink.Connection {
  private static final Logger log = LoggerFactory.getLogger(NetlinkSocket.class);
  /** How often a dump interrupted by concurrent changes is started again before giving up. */
  public static final int DUMP_RETRIES = 10;
  private static final LibC C = LibC.Holder.LIBC;

  private final int fd;
  private final int protocol;
  private final int portId;
  private final AtomicBoolean closed = new AtomicBoolean();
  private int seq = (int) (System.nanoTime() & 0x3fffffff);
  private ByteBuffer tx = ByteBuffer.allocateDirect(16 * 1024).order(ByteOrder.nativeOrder());
  private ByteBuffer rx = ByteBuffer.allocateDirect(32 * 1024).order(ByteOrder.nativeOrder());
  private final ByteBuffer opt = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
  private int receiveTimeoutMillis = -1;

  private NetlinkSocket(int fd, int protocol, int portId) {
    this.fd = fd;
    this.protocol = protocol;
    this.portId = portId;
  }

  /** Opens and binds a socket of the given netlink protocol in the calling thread's namespace. */
  public static NetlinkSocket open(int protocol) {
    int fd = C.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, protocol);
    if (fd < 0) {
      throw new NetlinkException(LibC.Holder.errno(), "open netlink socket", "protocol " + protocol, null);
    }
    try {
      ByteBuffer one = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
      one.putInt(0, 1);
      // Best effort: old kernels lack these; the socket still works without them.
      C.setsockopt(fd, LibC.SOL_NETLINK, LibC.NETLINK_EXT_ACK, one, 4);
      C.setsockopt(fd, LibC.SOL_NETLINK, LibC.NETLINK_CAP_ACK, one, 4);
      if (protocol == LibC.NETLINK_ROUTE) {
        C.setsockopt(fd, LibC.SOL_NETLINK, LibC.NETLINK_GET_STRICT_CHK, one, 4);
      }
      ByteBuffer sa = ByteBuffer.allocateDirect(12).order(ByteOrder.nativeOrder());
      sa.putShort(0, (short) LibC.AF_NETLINK);
      if (C.bind(fd, sa, 12) < 0) {
        throw new NetlinkException(LibC.Holder.errno(), "bind netlink socket", "protocol " + protocol, null);
      }
      ByteBuffer len = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
      len.putInt(0, 12);
      if (C.getsockname(fd, sa, len) < 0) {
        throw new NetlinkException(LibC.Holder.errno(), "read netlink socket address", "protocol " + protocol, null);
      }
      return new NetlinkSocket(fd, protocol, sa.getInt(4));
    } catch (RuntimeException e) {
      C.close(fd);
      throw e;
    }
  }

  public int portId() {
    return portId;
  }

  public int protocol() {
    return protocol;
  }

  /** Sets an int socket option; level and name as in setsockopt(2). */
  public synchronized void setOption(int level, int name, int value, String what) {
    opt.putInt(0, value);
    if (C.setsockopt(fd, level, name, opt, 4) < 0) {
      throw new NetlinkException(LibC.Holder.errno(), "set socket option", what, null);
    }
  }

  /** Sets a receive timeout, so blocking reads return to check for close. */
  public synchronized void setReceiveTimeoutMillis(int millis) {
    receiveTimeoutMillis = millis;
    opt.putLong(0, millis / 1000);
    opt.putLong(8, (millis % 1000) * 1000L);
    if (C.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, opt, 16) < 0) {
      throw new NetlinkException(LibC.Holder.errno(), "set socket option", "SO_RCVTIMEO", null);
    }
  }

  /** Joins a multicast group (RTNLGRP_*). */
  public void joinGroup(int group) {
    setOption(LibC.SOL_NETLINK, LibC.NETLINK_ADD_MEMBERSHIP, group, "join netlink group " + group);
  }

  private int nextSeq() {
    seq = (seq + 1) & 0x7fffffff;
    if (seq == 0) {
      seq = 1;
    }
    return seq;
  }

  private int send(MessageWriter w, int flags, String op, String obj) {
    checkOpen(op, obj);
    w.flags(flags);
    int s = nextSeq();
    ByteBuffer msg = w.finish(s, 0);
    int n = msg.remaining();
    if (tx.capacity() < n) {
      tx = ByteBuffer.allocateDirect(Math.max(n, tx.capacity() * 2)).order(ByteOrder.nativeOrder());
    }
    tx.clear();
    tx.put(msg);
    tx.position(0);
    while (true) {
      long r = C.send(fd, tx, n, 0);
      if (r >= 0) {
        return s;
      }
      int err = LibC.Holder.errno();
      if (err != LibC.EINTR) {
        throw new NetlinkException(err, op, obj, null);
      }
    }
  }

  private void checkOpen(String op, String obj) {
    if (closed.get()) {
      throw new NetlinkException(9, op, obj, "netlink socket is closed");
    }
  }

  /**
   * Receives one datagram into {@link #rx}, sized by peeking first. Returns its length, or -errno
   * for EAGAIN (timeout) and ENOBUFS, which callers handle; other errors throw.
   */
  private int receive(String op, String obj) {
    while (true) {
      rx.clear();
      long peek = C.recv(fd, rx, rx.capacity(), LibC.MSG_PEEK | LibC.MSG_TRUNC);
      if (peek < 0) {
        int err = LibC.Holder.errno();
        if (err == LibC.EINTR) {
          continue;
        }
        if (err == LibC.EAGAIN || err == Errno.ENOBUFS) {
          return -err;
        }
        throw new NetlinkException(err, op, obj, null);
      }
      if (peek > rx.capacity()) {
        rx = ByteBuffer.allocateDirect((int) Math.max(peek, rx.capacity() * 2L)).order(ByteOrder.nativeOrder());
      }
      rx.clear();
      long n = C.recv(fd, rx, rx.capacity(), 0);
      if (n < 0) {
        int err = LibC.Holder.errno();
        if (err == LibC.EINTR) {
          continue;
        }
        if (err == LibC.EAGAIN || err == Errno.ENOBUFS) {
          return -err;
        }
        throw new NetlinkException(err, op, obj, null);
      }
      return (int) n;
    }
  }

  /**
   * Sends a request with NLM_F_ACK and waits for the kernel's answer. Messages of the same
   * sequence other than the ACK (replies to a GET, echoes) go to {@code replies}, which may be
   * null. A negative ACK becomes a {@link NetlinkException} naming {@code op} and {@code obj}
   * and carrying the kernel's extended-ACK text.
   */
  @Override
  public synchronized void request(MessageWriter w, String op, String obj, Consumer<Message> replies) {
    int s = send(w, w.flags() | Message.NLM_F_REQUEST | Message.NLM_F_ACK, op, obj);
    boolean[] done = {false};
    while (!done[0]) {
      int n = receive(op, obj);
      if (n == -LibC.EAGAIN) {
        throw new NetlinkException(110, op, obj, "no answer from the kernel");
      }
      if (n < 0) {
        continue; // ENOBUFS cannot hit unicast replies on a request socket; read on.
      }
      Message.forEach(rx, n, m -> {
        if (m.seq() != s || done[0]) {
          return; // a stale answer to an earlier request that timed out
        }
        if (m.type() == Message.NLMSG_ERROR) {
          int code = readError(m);
          done[0] = true;
          if (code != 0) {
            throw refused(-code, op, obj, extAck(m));
          }
        } else if (m.type() == Message.NLMSG_DONE) {
          done[0] = true;
        } else if (replies != null) {
          replies.accept(m);
        }
      });
    }
  }


  /**
   * Runs a dump (NLM_F_DUMP) and returns every decoded object; decoders return null to skip a
   * message. A dump the kernel marks NLM_F_DUMP_INTR (the table changed while it was read) is
   * started again, at most {@link #DUMP_RETRIES} times, then fails with EINTR.
   */
  @Override
  public synchronized <T> List<T> dump(MessageWriter w, String op, String obj, Function<Message, T> decoder) {
    for (int attempt = 0; attempt <= DUMP_RETRIES; attempt++) {
      List<T> out = new ArrayList<>();
      boolean interrupted = dumpOnce(w, op, obj, decoder, out);
      if (!interrupted) {
        return out;
      }
      log.debug("{} {}: dump interrupted by a concurrent change, attempt {}", op, obj, attempt + 1);
    }
    throw new NetlinkException(Errno.EINTR, op, obj,
        "dump interrupted by concurrent changes " + (DUMP_RETRIES + 1) + " times in a row; try again");
  }

  private <T> boolean dumpOnce(MessageWriter w, String op, String obj, Function<Message, T> decoder, List<T> out) {
    int s = send(w, Message.NLM_F_REQUEST | Message.NLM_F_DUMP, op, obj);
    boolean[] state = {false, false}; // done, interrupted
    while (!state[0]) {
      int n = receive(op, obj);
      if (n == -LibC.EAGAIN) {
        throw new NetlinkException(110, op, obj, "no answer from the kernel");
      }
      if (n < 0) {
        continue;
      }
      Message.forEach(rx, n, m -> {
        if (m.seq() != s || state[0]) {
          return;
        }
        if ((m.flags() & Message.NLM_F_DUMP_INTR) != 0) {
          state[1] = true;
        }
        if (m.type() == Message.NLMSG_DONE) {
          state[0] = true;
          if (m.bodyLength() >= 4) {
            int code = m.buf().getInt(m.body());
            if (code < 0) {
              throw refused(-code, op, obj, extAckAfter(m, m.body() + 4));
            }
          }
        } else if (m.type() == Message.NLMSG_ERROR) {
          state[0] = true;
          int code = readError(m);
          if (code != 0) {
            throw refused(-code, op, obj, extAck(m));
          }
        } else if (m.type() != Message.NLMSG_NOOP) {
          T t = decoder.apply(m);
          if (t != null) {
            out.add(t);
          }
        }
      });
    }
    return state[1];
  }

  /**
   * Reads multicast messages until {@code sink} returns false or the socket is closed. Lost
   * events (ENOBUFS) are reported through {@code onLoss} and reading goes on.
   */
  public void listen(java.util.function.Predicate<Message> sink, Runnable onLoss) {
    setReceiveTimeoutMillis(200);
    while (!closed.get()) {
      int n;
      synchronized (this) {
        if (closed.get()) {
          return;
        }
        n = receive("read events", "");
      }
      if (n == -LibC.EAGAIN) {
        continue;
      }
      if (n == -Errno.ENOBUFS) {
        onLoss.run();
        continue;
      }
      boolean[] stop = {false};
      Message.forEach(rx, n, m -> {
        if (!stop[0] && m.type() != Message.NLMSG_NOOP && m.type() != Message.NLMSG_DONE && !sink.test(m)) {
          stop[0] = true;
        }
      });
      if (stop[0]) {
        return;
      }
    }
  }

  /**
   * Waits at most {@code timeoutMillis} (at least 1) for one datagram of multicast messages and
   * hands each message to {@code sink} while the receive buffer is still valid. Returns how many
   * messages it handed over, 0 on timeout or once closed, or {@code -ENOBUFS} when the kernel
   * dropped messages because the socket's receive buffer was full (the socket keeps working).
   * Holds the socket's lock while it waits, so keep timeouts short where close must be prompt.
   */
  public synchronized int receiveEvents(int timeoutMillis, Consumer<Message> sink) {
    if (closed.get()) {
      return 0;
    }
    int t = Math.max(1, timeoutMillis);
    if (t != receiveTimeoutMillis) {
      setReceiveTimeoutMillis(t);
    }
    int n = receive("read events", "");
    if (n == -LibC.EAGAIN) {
      return 0;
    }
    if (n == -Errno.ENOBUFS) {
      return -Errno.ENOBUFS;
    }
    int[] count = {0};
    Message.forEach(rx, n, m -> {
      if (m.type() != Message.NLMSG_NOOP && m.type() != Message.NLMSG_DONE) {
        count[0]++;
        sink.accept(m);
      }
    });
    return count[0];
  }

  /** The kernel's refusal, with the usual reason for a bare EPERM so the message says what to do. */
  public static NetlinkException refused(int errno, String op, String obj, String kernelText) {
    String hint = kernelText == null && errno == Errno.EPERM
        ? "not permitted: changing network state needs CAP_NET_ADMIN in the namespace (run as root)" : null;
    return NetlinkException.fromKernel(errno, op, obj, kernelText, hint);
  }

  private static int readError(Message m) {
    m.requireBody(4);
    return m.buf().getInt(m.body());
  }

  /** The extended-ACK text of an NLMSG_ERROR, if the kernel attached one. */
  public static String extAck(Message m) {
    if ((m.flags() & Message.NLM_F_ACK_TLVS) == 0 || m.bodyLength() < 4 + MessageWriter.HEADER) {
      return null;
    }
    int orig = m.body() + 4;
    int skip = MessageWriter.HEADER;
    if ((m.flags() & Message.NLM_F_CAPPED) == 0) {
      int echoed = m.buf().getInt(orig);
      if (echoed < MessageWriter.HEADER || echoed > m.end() - orig) {
        return null; // the echoed request's length does not fit: no trustworthy TLVs
      }
      skip = MessageWriter.align(echoed);
    }
    return extAckAfter(m, orig + skip);
  }

  private static String extAckAfter(Message m, int from) {
    if ((m.flags() & Message.NLM_F_ACK_TLVS) == 0 || from >= m.end()) {
      return null;
    }
    try {
      Attributes tlv = Attributes.parse(m.buf(), from, m.end());
      String text = tlv.string(Message.NLMSGERR_ATTR_MSG);
      if (text == null && tlv.has(Message.NLMSGERR_ATTR_MISS_TYPE)) {
        text = "missing attribute type " + tlv.u32(Message.NLMSGERR_ATTR_MISS_TYPE, 0);
      }
      return text;
    } catch (NetlinkException e) {
      return null;
    }
  }

  @Override
  public synchronized void close() {
    if (closed.compareAndSet(false, true)) {
      C.close(fd);
    }
  }

  public boolean isClosed() {
    return closed.get();
  }
}
