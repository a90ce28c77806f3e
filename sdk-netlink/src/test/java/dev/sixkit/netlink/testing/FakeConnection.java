package dev.sixkit.netlink.testing;

import dev.sixkit.netlink.Connection;
import dev.sixkit.netlink.NetlinkException;
import dev.sixkit.netlink.internal.Message;
import dev.sixkit.netlink.internal.MessageWriter;
import dev.sixkit.netlink.internal.NetlinkSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A {@link Connection} that answers from datagrams a real kernel sent (the fuzz seed corpora,
 * written by {@code CaptureSeeds}), records every request and counts them by message type, so
 * family logic can be unit tested without root: {@code Netlink.over(FakeConnection.captured())}
 * (see {@code dev.sixkit.netlink.Netlink#over}).
 *
 * <p>What it answers: a dump of a type gets the datagrams registered for that type (neighbour
 * dumps asking for proxy entries get the proxy ones); a link GET by name or index gets the one
 * matching link of the captured link dump, or ENODEV as the kernel answers; a request of a type
 * registered with {@link #fail} gets that NLMSG_ERROR (errno and extended-ACK text, decoded as
 * the real socket decodes them); anything else is acknowledged. Nothing changes state: a
 * written entry does not show in a later dump.
 *
 * <p>Thread-safe (synchronized).
 */
public final class FakeConnection implements Connection {
  public static final int RTM_NEWLINK = 16;
  public static final int RTM_DELLINK = 17;
  public static final int RTM_GETLINK = 18;
  public static final int RTM_SETLINK = 19;
  public static final int RTM_NEWADDR = 20;
  public static final int RTM_DELADDR = 21;
  public static final int RTM_GETADDR = 22;
  public static final int RTM_NEWROUTE = 24;
  public static final int RTM_DELROUTE = 25;
  public static final int RTM_GETROUTE = 26;
  public static final int RTM_NEWNEIGH = 28;
  public static final int RTM_DELNEIGH = 29;
  public static final int RTM_GETNEIGH = 30;
  /** Key of the answers to a neighbour dump asking for proxy entries (NTF_PROXY). */
  public static final int PROXY_DUMP = RTM_GETNEIGH | 0x10000;
  private static final String CORPORA = "/dev/sixkit/netlink/";

  private final Map<Integer, List<byte[]>> answers = new HashMap<>();
  private final Map<Integer, byte[]> failures = new HashMap<>();
  private final List<byte[]> requests = new ArrayList<>();
  private boolean closed;

  /** A fake with no answers: dumps are empty, writes are acknowledged. */
  public FakeConnection() {}

  /**
   * Answers captured from a namespace with links lo, eth0 (index 2) and eth1 (index 3), IPv6
   * addresses and routes on eth0, neighbours in several states and two proxy entries.
   */
  public static FakeConnection captured() {
    FakeConnection f = new FakeConnection();
    f.answer(RTM_GETLINK, resource("internal/MessageFuzzTestInputs/parse/link-dump-0"));
    f.answer(RTM_GETADDR, resource("internal/MessageFuzzTestInputs/parse/addr6-dump-0"));
    f.answer(RTM_GETROUTE, resource("internal/MessageFuzzTestInputs/parse/route6-dump-0"));
    f.answer(RTM_GETNEIGH, resource("NeighbourFuzzTestInputs/decode/neigh-dump-0"));
    f.answer(PROXY_DUMP, resource("NeighbourFuzzTestInputs/decode/proxy-dump-0"));
    return f;
  }

  /** A datagram of the corpora, by path under dev/sixkit/netlink/ on the test class path. */
  public static byte[] resource(String path) {
    try (InputStream in = FakeConnection.class.getResourceAsStream(CORPORA + path)) {
      if (in == null) {
        throw new IllegalArgumentException("no captured datagram " + CORPORA + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The datagrams that answer requests of this type (or {@link #PROXY_DUMP}); replaces earlier ones. */
  public synchronized FakeConnection answer(int requestType, byte[]... datagrams) {
    answers.put(requestType, List.of(datagrams));
    return this;
  }

  /** Requests of this type get this NLMSG_ERROR datagram (such as the corpora's error-full-0). */
  public synchronized FakeConnection fail(int requestType, byte[] errorDatagram) {
    failures.put(requestType, errorDatagram);
    return this;
  }

  /** Requests of this type fail with {@code errno} and the kernel text {@code text} (may be null). */
  public synchronized FakeConnection fail(int requestType, int errno, String text) {
    MessageWriter w = new MessageWriter(Message.NLMSG_ERROR, text == null ? 0 : Message.NLM_F_CAPPED | Message.NLM_F_ACK_TLVS)
        .u32(-errno).u32(16).u16(requestType).u16(0).u32(0).u32(0);
    if (text != null) {
      w.attrString(Message.NLMSGERR_ATTR_MSG, text);
    }
    failures.put(requestType, w.toBytes());
    return this;
  }

  // ---- what was asked ----

  /** How many requests of this message type were sent. */
  public synchronized int count(int type) {
    int n = 0;
    for (byte[] r : requests) {
      n += type(r) == type ? 1 : 0;
    }
    return n;
  }

  /** How many requests were sent. */
  public synchronized int total() {
    return requests.size();
  }

  /** Requests by message type, such as {18=1, 28=1}. */
  public synchronized Map<Integer, Integer> counts() {
    Map<Integer, Integer> out = new TreeMap<>();
    requests.forEach(r -> out.merge(type(r), 1, Integer::sum));
    return out;
  }

  /** Every request as sent (header flags as the family set them, seq 0), oldest first. */
  public synchronized List<byte[]> requests() {
    return List.copyOf(requests);
  }

  /** The last request sent. */
  public synchronized byte[] last() {
    if (requests.isEmpty()) {
      throw new IllegalStateException("no request was sent");
    }
    return requests.get(requests.size() - 1);
  }

  /** Forgets the requests so far (answers stay). */
  public synchronized void reset() {
    requests.clear();
  }

  private static int type(byte[] r) {
    return ByteBuffer.wrap(r).order(ByteOrder.nativeOrder()).getShort(4) & 0xffff;
  }

  // ---- Connection ----

  @Override
  public synchronized void request(MessageWriter request, String op, String object, Consumer<Message> replies) {
    byte[] r = record(request, op, object);
    int type = type(r);
    if (type == RTM_GETLINK && replies != null) {
      Message wanted = only(r);
      int index = wanted.buf().getInt(wanted.body() + 4);
      String name = wanted.attributes(16).string(3); // IFLA_IFNAME
      boolean[] found = {false};
      for (byte[] d : answers.getOrDefault(RTM_GETLINK, List.of())) {
        replay(d, m -> {
          if (m.type() == RTM_NEWLINK && !found[0] && (index > 0 ? m.buf().getInt(m.body() + 4) == index
              : name != null && name.equals(m.attributes(16).string(3)))) {
            found[0] = true;
            replies.accept(m);
          }
        });
      }
      if (!found[0]) {
        throw NetlinkSocket.refused(19, op, object, null); // ENODEV, as the kernel answers
      }
      return;
    }
    if (replies != null) {
      for (byte[] d : answers.getOrDefault(type, List.of())) {
        replay(d, replies);
      }
    }
  }

  @Override
  public synchronized <T> List<T> dump(MessageWriter request, String op, String object, Function<Message, T> decoder) {
    byte[] r = record(request, op, object);
    int type = type(r);
    if (type == RTM_GETNEIGH && (r[16 + 10] & 0x08) != 0) {
      type = PROXY_DUMP;
    }
    List<T> out = new ArrayList<>();
    for (byte[] d : answers.getOrDefault(type, List.of())) {
      replay(d, m -> {
        T t = decoder.apply(m);
        if (t != null) {
          out.add(t);
        }
      });
    }
    return out;
  }

  @Override
  public synchronized void close() {
    closed = true;
  }

  public synchronized boolean isClosed() {
    return closed;
  }

  private byte[] record(MessageWriter request, String op, String object) {
    if (closed) {
      throw new NetlinkException(9, op, object, "netlink socket is closed");
    }
    byte[] r = request.toBytes();
    requests.add(r);
    byte[] error = failures.get(type(r));
    if (error != null) {
      errors(error, m -> {
        int code = m.buf().getInt(m.body());
        if (code != 0) {
          throw NetlinkSocket.refused(-code, op, object, NetlinkSocket.extAck(m));
        }
      });
    }
    return r;
  }

  private static Message only(byte[] r) {
    List<Message> one = new ArrayList<>();
    Message.forEach(ByteBuffer.wrap(r).order(ByteOrder.nativeOrder()), r.length, one::add);
    return one.get(0);
  }

  /** The data messages of one captured datagram (DONE, ERROR and NOOP are the socket's business). */
  private static void replay(byte[] datagram, Consumer<Message> sink) {
    Message.forEach(ByteBuffer.wrap(datagram).order(ByteOrder.nativeOrder()), datagram.length, m -> {
      int t = m.type();
      if (t != Message.NLMSG_DONE && t != Message.NLMSG_NOOP && t != Message.NLMSG_ERROR) {
        sink.accept(m);
      }
    });
  }

  /** The NLMSG_ERROR messages of one datagram. */
  private static void errors(byte[] datagram, Consumer<Message> sink) {
    Message.forEach(ByteBuffer.wrap(datagram).order(ByteOrder.nativeOrder()), datagram.length, m -> {
      if (m.type() == Message.NLMSG_ERROR) {
        sink.accept(m);
      }
    });
  }
}
