package dev.sixkit.netlink;

import dev.sixkit.netlink.internal.Attributes;
import dev.sixkit.netlink.internal.Errno;
import dev.sixkit.netlink.internal.Message;
import dev.sixkit.netlink.internal.MessageWriter;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.function.IntFunction;

/**
 * The wire format of routes, both ways: struct rtmsg and the RTA_* attributes of RTM_NEWROUTE,
 * RTM_DELROUTE and RTM_GETROUTE (writes, deletes, dumps and lookups). {@link Routes} builds
 * requests with it and {@link Route} is what it decodes.
 *
 * <p>Not API. Stateless; thread-safe.
 */
final class RouteCodec {
  static final int RTM_NEWROUTE = 24;
  static final int RTM_DELROUTE = 25;
  static final int RTM_GETROUTE = 26;
  static final int RTMSG = 12;
  static final int RTA_DST = 1;
  static final int RTA_SRC = 2;
  static final int RTA_IIF = 3;
  static final int RTA_OIF = 4;
  static final int RTA_GATEWAY = 5;
  static final int RTA_PRIORITY = 6;
  static final int RTA_PREFSRC = 7;
  static final int RTA_METRICS = 8;
  static final int RTA_MULTIPATH = 9;
  static final int RTA_CACHEINFO = 12;
  static final int RTA_TABLE = 15;
  static final int RTA_VIA = 18;
  static final int RTA_PREF = 20;
  static final int AF_UNSPEC = 0;
  static final int AF_INET = 2;
  static final int AF_INET6 = 10;
  static final int RTM_F_CLONED = 0x200;
  static final int RTM_F_LOOKUP_TABLE = 0x1000;
  static final int RTNH_F_ONLINK = 0x4;

  private RouteCodec() {}

  /**
   * RTM_GETROUTE for one destination, as ip route get sends it under strict checking: a host
   * length, RTA_DST, and RTM_F_LOOKUP_TABLE for IPv4 only (the IPv6 strict check refuses that
   * flag, and IPv6 answers report the real table anyway).
   */
  static MessageWriter encodeLookup(InetAddress destination, InetAddress from, int ifindex) {
    boolean v4 = destination instanceof Inet4Address;
    int host = v4 ? 32 : 128;
    MessageWriter w = new MessageWriter(RTM_GETROUTE, 0, 96).u8(IpAddresses.family(destination)).u8(host)
        .u8(from == null ? 0 : host).u8(0).u8(0).u8(0).u8(0).u8(0).u32(v4 ? RTM_F_LOOKUP_TABLE : 0);
    w.attrAddress(RTA_DST, destination);
    if (from != null) {
      w.attrAddress(RTA_SRC, from);
    }
    if (ifindex != 0) {
      w.attrU32(RTA_OIF, ifindex);
    }
    return w;
  }

  /**
   * The content of one route request, kept apart from the socket so its encoding can be checked
   * byte by byte. {@code metric} is -1 when not set, {@code table} 0 for main.
   */
  record Request(IpPrefix destination, InetAddress gateway, String dev, long metric, long table,
      InetAddress source, boolean onlink, int protocol, int type) {
    /** {@code protocol} -1: boot for an add, any for a delete; {@code type} 0: unicast for an add, any for a delete. */
    Request(IpPrefix destination, InetAddress gateway, String dev, long metric, long table, InetAddress source,
        boolean onlink) {
      this(destination, gateway, dev, metric, table, source, onlink, -1, 0);
    }

    static Request of(IpPrefix destination) {
      return new Request(destination, null, null, -1, 0, null, false);
    }

    Request with(InetAddress gw, String d, long m, long t, InetAddress src, boolean on) {
      return new Request(destination, gw, d, m, t, src, on, protocol, type);
    }

    Request withProtocol(int p) {
      return new Request(destination, gateway, dev, metric, table, source, onlink, p, type);
    }

    Request withType(int t) {
      return new Request(destination, gateway, dev, metric, table, source, onlink, protocol, t);
    }

    String object() {
      StringBuilder sb = new StringBuilder();
      if (type != 0 && type != Route.TYPE_UNICAST) {
        sb.append(Route.typeName(type)).append(' ');
      }
      sb.append(destination);
      if (gateway != null) {
        sb.append(" via ").append(IpAddresses.format(gateway));
      }
      if (dev != null) {
        sb.append(" dev ").append(dev);
      }
      if (table != 0 && table != Route.TABLE_MAIN) {
        sb.append(" table ").append(Route.tableName(table));
      }
      if (metric >= 0) {
        sb.append(" metric ").append(metric);
      }
      if (protocol >= 0) {
        sb.append(" proto ").append(Protocols.name(protocol));
      }
      return sb.toString();
    }

    /**
     * RTM_NEWROUTE or RTM_DELROUTE as ip route builds them: rtmsg with the table (or
     * RT_TABLE_UNSPEC and RTA_TABLE above 255), protocol boot, scope universe (link for an IPv4
     * route without gateway), type unicast; a delete leaves protocol and type open and uses
     * scope nowhere so it matches any. Then RTA_DST, RTA_GATEWAY, RTA_PRIORITY, RTA_PREFSRC,
     * RTA_TABLE, RTA_OIF as set.
     */
    MessageWriter encode(int type, int ifindex) {
      boolean del = type == RTM_DELROUTE;
      long t = table == 0 ? Route.TABLE_MAIN : table;
      boolean small = t < 256;
      int rtype = this.type != 0 ? this.type : del ? Route.TYPE_UNSPEC : Route.TYPE_UNICAST;
      int proto = protocol >= 0 ? protocol : del ? Route.PROTO_UNSPEC : Route.PROTO_BOOT;
      // As ip route: only unicast (or, for a delete, unspecified) routes get scope link or nowhere.
      int scope = rtype != Route.TYPE_UNICAST && rtype != Route.TYPE_UNSPEC ? Address.SCOPE_UNIVERSE
          : del ? Address.SCOPE_NOWHERE
          : (!destination.isV4() || gateway != null ? Address.SCOPE_UNIVERSE : Address.SCOPE_LINK);
      MessageWriter w = new MessageWriter(type, 0, 128)
          .u8(destination.family()).u8(destination.length()).u8(0).u8(0)
          .u8(small ? (int) t : Route.TABLE_UNSPEC).u8(proto).u8(scope).u8(rtype)
          .u32(onlink ? RTNH_F_ONLINK : 0);
      // Attribute order as ip's, so the bytes can be compared with what ip sends.
      if (destination.length() > 0) {
        w.attrAddress(RTA_DST, destination.address());
      }
      if (gateway != null) {
        w.attrAddress(RTA_GATEWAY, gateway);
      }
      if (metric >= 0) {
        w.attrU32(RTA_PRIORITY, (int) metric);
      }
      if (source != null) {
        w.attrAddress(RTA_PREFSRC, source);
      }
      if (!small) {
        w.attrU32(RTA_TABLE, (int) t);
      }
      if (ifindex != 0) {
        w.attrU32(RTA_OIF, ifindex);
      }
      return w;
    }
  }

  /**
   * Decodes RTM_NEWROUTE (or RTM_DELROUTE, for events); device names come from {@code names}
   * when given. Returns null for other message types and for families other than IPv4 and IPv6
   * (multicast routing tables, MPLS). Malformed input fails with NetlinkException EBADMSG.
   */
  static Route decode(Message m, IntFunction<String> names) {
    if (m.type() != RTM_NEWROUTE && m.type() != RTM_DELROUTE) {
      return null;
    }
    m.requireBody(RTMSG);
    ByteBuffer b = m.buf();
    int at = m.body();
    int family = b.get(at) & 0xff;
    int dstLen = b.get(at + 1) & 0xff;
    int table = b.get(at + 4) & 0xff;
    int protocol = b.get(at + 5) & 0xff;
    int scope = b.get(at + 6) & 0xff;
    int type = b.get(at + 7) & 0xff;
    if (family != AF_INET && family != AF_INET6) {
      return null;
    }
    int size = family == AF_INET ? 4 : 16;
    if (dstLen > size * 8) {
      throw malformed("destination length " + dstLen + " for family " + family);
    }
    Attributes a = m.attributes(RTMSG);
    InetAddress dst = AddressCodec.attrAddress(a, RTA_DST, "RTA_DST");
    if (dst == null) {
      dst = zero(size);
    } else if (dst.getAddress().length != size) {
      throw malformed("family " + family + " destination of " + dst.getAddress().length + " bytes");
    }
    if (a.has(RTA_TABLE)) {
      table = a.u32(RTA_TABLE, table);
    }
    int ifindex = a.u32(RTA_OIF, 0);
    InetAddress gateway = AddressCodec.attrAddress(a, RTA_GATEWAY, "RTA_GATEWAY");
    if (gateway == null && a.has(RTA_VIA)) {
      gateway = via(a.bytes(RTA_VIA));
    }
    if (gateway == null && ifindex == 0 && a.has(RTA_MULTIPATH)) {
      // Only the first hop fits this record; enough to say where the traffic goes.
      int[] oif = {0};
      InetAddress[] gw = {null};
      firstHop(a, oif, gw);
      ifindex = oif[0];
      gateway = gw[0];
    }
    InetAddress prefsrc = AddressCodec.attrAddress(a, RTA_PREFSRC, "RTA_PREFSRC");
    String dev = names == null || ifindex == 0 ? null : names.apply(ifindex);
    return new Route(new IpPrefix(dst, dstLen), gateway, ifindex, dev, a.u32(RTA_PRIORITY, 0),
        Integer.toUnsignedLong(table),
        protocol, scope, type, prefsrc);
  }

  private static void firstHop(Attributes a, int[] oif, InetAddress[] gw) {
    int off = a.offset(RTA_MULTIPATH);
    int end = off + a.length(RTA_MULTIPATH);
    ByteBuffer b = a.buffer();
    // struct rtnexthop { u16 rtnh_len; u8 rtnh_flags; u8 rtnh_hops; s32 rtnh_ifindex; } then attributes
    if (end - off < 8) {
      return;
    }
    int len = b.getShort(off) & 0xffff;
    if (len < 8 || off + len > end) {
      throw malformed("nexthop of length " + len + " in RTA_MULTIPATH of " + (end - off) + " bytes");
    }
    oif[0] = b.getInt(off + 4);
    Attributes hop = Attributes.parse(b, off + 8, off + len);
    gw[0] = AddressCodec.attrAddress(hop, RTA_GATEWAY, "RTA_GATEWAY");
    if (gw[0] == null && hop.has(RTA_VIA)) {
      gw[0] = via(hop.bytes(RTA_VIA));
    }
  }

  /** struct rtvia { u16 family; u8 addr[]; }: an IPv6 next hop for an IPv4 route. */
  private static InetAddress via(byte[] raw) {
    if (raw.length < 2) {
      throw malformed("RTA_VIA of " + raw.length + " bytes");
    }
    int n = raw.length - 2;
    if (n != 4 && n != 16) {
      throw malformed("RTA_VIA address of " + n + " bytes");
    }
    byte[] addr = new byte[n];
    System.arraycopy(raw, 2, addr, 0, n);
    return AddressCodec.fromBytes(addr, "RTA_VIA");
  }

  private static InetAddress zero(int size) {
    return AddressCodec.fromBytes(new byte[size], "zero address");
  }

  private static NetlinkException malformed(String detail) {
    return new NetlinkException(Errno.EBADMSG, "parse netlink message", "", "malformed route message: " + detail);
  }
}
