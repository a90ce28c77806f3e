package dev.sixkit.netlink;

import dev.sixkit.netlink.internal.Attributes;
import dev.sixkit.netlink.internal.Errno;
import dev.sixkit.netlink.internal.Message;
import dev.sixkit.netlink.internal.MessageWriter;
import java.net.InetAddress;
import java.util.function.IntFunction;

/**
 * The wire format of neighbour entries, both ways: struct ndmsg and the NDA_* attributes of
 * RTM_NEWNEIGH, RTM_DELNEIGH and RTM_GETNEIGH. {@link Neighbours} builds requests with it and
 * {@link Neighbour} is what it decodes.
 *
 * <p>Not API. Stateless; thread-safe.
 */
final class NeighbourCodec {
  static final int RTM_NEWNEIGH = 28;
  static final int RTM_DELNEIGH = 29;
  static final int RTM_GETNEIGH = 30;
  static final int NDMSG = 12;
  static final int NDA_DST = 1;
  static final int NDA_LLADDR = 2;
  static final int NDA_CACHEINFO = 3;
  static final int NDA_PROBES = 4;
  static final int NDA_IFINDEX = 8;
  static final int NDA_MASTER = 9;
  static final int NDA_PROTOCOL = 12;
  static final int NDA_FLAGS_EXT = 15;
  static final int AF_UNSPEC = 0;
  static final int AF_INET = 2;
  static final int AF_INET6 = 10;

  private NeighbourCodec() {}

  static MessageWriter header(int type, int family, int ifindex, int state, int flags) {
    return new MessageWriter(type, 0, 64).u8(family).u8(0).u16(0).u32(ifindex).u16(state).u8(flags).u8(0);
  }

  /** Decodes RTM_NEWNEIGH; device names come from {@code names} (index to name) when given. */
  static Neighbour decode(Message m, IntFunction<String> names) {
    m.requireBody(NDMSG);
    int family = m.buf().get(m.body()) & 0xff;
    if (family != AF_INET && family != AF_INET6) {
      return null; // bridge FDB entries (AF_BRIDGE) may carry an NDA_DST that is a tunnel endpoint
    }
    int ifindex = m.buf().getInt(m.body() + 4);
    int state = m.buf().getShort(m.body() + 8) & 0xffff;
    int flags = m.buf().get(m.body() + 10) & 0xff;
    Attributes a = m.attributes(NDMSG);
    InetAddress dst = a.address(NDA_DST);
    if (dst == null) {
      return null; // nothing to name the entry by
    }
    if (a.length(NDA_DST) != (family == AF_INET ? 4 : 16)) {
      throw new NetlinkException(Errno.EBADMSG, "parse neighbour", IpAddresses.format(dst),
          "malformed message: a family " + family + " neighbour carries a " + a.length(NDA_DST)
              + "-byte address");
    }
    if (a.has(NDA_FLAGS_EXT)) {
      flags |= a.u32(NDA_FLAGS_EXT, 0) << 8;
    }
    String dev = names == null || ifindex == 0 ? "" : names.apply(ifindex);
    return new Neighbour(dst, ifindex, dev == null ? "" : dev, LinkCodec.formatMac(a.bytes(NDA_LLADDR)),
        NudState.of(state), flags, a.u8(NDA_PROTOCOL, 0));
  }
}
