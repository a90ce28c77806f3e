package dev.sixkit.netlink;

import dev.sixkit.netlink.internal.Attributes;
import dev.sixkit.netlink.internal.Errno;
import dev.sixkit.netlink.internal.Message;
import dev.sixkit.netlink.internal.MessageWriter;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.function.IntFunction;

/**
 * The wire format of interface addresses, both ways: struct ifaddrmsg and the IFA_* attributes
 * of RTM_NEWADDR, RTM_DELADDR and RTM_GETADDR; also the address attribute reader the route codec
 * shares. {@link Addresses} builds requests with it and {@link Address} is what it decodes.
 *
 * <p>Not API. Stateless; thread-safe.
 */
final class AddressCodec {
  static final int RTM_NEWADDR = 20;
  static final int RTM_DELADDR = 21;
  static final int RTM_GETADDR = 22;
  static final int IFADDRMSG = 8;
  static final int IFA_ADDRESS = 1;
  static final int IFA_LOCAL = 2;
  static final int IFA_LABEL = 3;
  static final int IFA_BROADCAST = 4;
  static final int IFA_ANYCAST = 5;
  static final int IFA_CACHEINFO = 6;
  static final int IFA_MULTICAST = 7;
  static final int IFA_FLAGS = 8;
  static final int AF_UNSPEC = 0;
  static final int AF_INET = 2;
  static final int AF_INET6 = 10;
  static final int IFNAMSIZ = 16;

  private AddressCodec() {}

  /**
   * The content of one address request, kept apart from the socket so its encoding can be
   * checked byte by byte. {@code scope} is -1 for the default (host for 127/8, else global).
   */
  record Request(IpPrefix prefix, String dev, int flags, int scope, String label, long validLifetime,
      long preferredLifetime) {
    static Request of(IpPrefix prefix, String dev) {
      return new Request(prefix, dev, 0, -1, null, Address.FOREVER, Address.FOREVER);
    }

    Request withFlags(int f) {
      return new Request(prefix, dev, f, scope, label, validLifetime, preferredLifetime);
    }

    String object() {
      return prefix + " dev " + dev;
    }

    int effectiveScope() {
      if (scope >= 0) {
        return scope;
      }
      // As ip does: loopback addresses are host scope, everything else global.
      return prefix.isV4() && (prefix.address().getAddress()[0] & 0xff) == 127 ? Address.SCOPE_HOST
          : Address.SCOPE_UNIVERSE;
    }

    /**
     * RTM_NEWADDR or RTM_DELADDR: ifaddrmsg, IFA_LOCAL, the label, IFA_ADDRESS (the address again,
     * as ip sends it for a non-peer address), for IPv4 additions the broadcast address (as
     * {@code ip addr add ... brd +}), IFA_FLAGS carrying the flags that do not fit the
     * header's 8 bits (sent whenever flags are set), and IFA_CACHEINFO for finite lifetimes.
     */
    MessageWriter encode(int type, int ifindex) {
      boolean add = type == RTM_NEWADDR;
      MessageWriter w = new MessageWriter(type, 0, 96)
          .u8(prefix.family()).u8(prefix.length()).u8(add ? flags & 0xff : 0).u8(add ? effectiveScope() : 0)
          .u32(ifindex);
      // Attribute order as ip's, so the bytes can be compared with what ip sends.
      w.attrAddress(IFA_LOCAL, prefix.address());
      if (label != null) {
        w.attrString(IFA_LABEL, label);
      }
      w.attrAddress(IFA_ADDRESS, prefix.address());
      if (add) {
        InetAddress brd = broadcast(prefix);
        if (brd != null) {
          w.attrAddress(IFA_BROADCAST, brd);
        }
      }
      if (add && flags != 0) {
        w.attrU32(IFA_FLAGS, flags);
      }
      if (add && (validLifetime != Address.FOREVER || preferredLifetime != Address.FOREVER)) {
        w.attr(IFA_CACHEINFO, cacheinfo((int) preferredLifetime, (int) validLifetime));
      }
      return w;
    }

    private static byte[] cacheinfo(int preferred, int valid) {
      // struct ifa_cacheinfo { u32 ifa_prefered; u32 ifa_valid; u32 cstamp; u32 tstamp; }, host order
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.nativeOrder());
      b.putInt(preferred).putInt(valid).putInt(0).putInt(0);
      return b.array();
    }

    /** The IPv4 directed broadcast address for prefixes up to /30; null otherwise. */
    static InetAddress broadcast(IpPrefix p) {
      if (!(p.address() instanceof Inet4Address) || p.length() > 30) {
        return null;
      }
      byte[] b = p.address().getAddress();
      for (int i = 0; i < 4; i++) {
        int keep = Math.max(0, Math.min(8, p.length() - i * 8));
        b[i] |= (byte) (0xff >>> keep);
      }
      try {
        return InetAddress.getByAddress(b);
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * Decodes RTM_NEWADDR (or RTM_DELADDR, for events); device names come from {@code names}
   * (index to name) when given. Returns null for other message types and for families other
   * than IPv4 and IPv6. Malformed input fails with NetlinkException EBADMSG.
   */
  static Address decode(Message m, IntFunction<String> names) {
    if (m.type() != RTM_NEWADDR && m.type() != RTM_DELADDR) {
      return null;
    }
    m.requireBody(IFADDRMSG);
    ByteBuffer b = m.buf();
    int family = b.get(m.body()) & 0xff;
    int prefixLength = b.get(m.body() + 1) & 0xff;
    int flags = b.get(m.body() + 2) & 0xff;
    int scope = b.get(m.body() + 3) & 0xff;
    int ifindex = b.getInt(m.body() + 4);
    if (family != AF_INET && family != AF_INET6) {
      return null;
    }
    Attributes a = m.attributes(IFADDRMSG);
    // IFA_LOCAL is the local end; IFA_ADDRESS is the peer when both are given (point-to-point).
    InetAddress local = attrAddress(a, IFA_LOCAL, "IFA_LOCAL");
    if (local == null) {
      local = attrAddress(a, IFA_ADDRESS, "IFA_ADDRESS");
    }
    if (local == null) {
      throw malformed("address message without IFA_LOCAL or IFA_ADDRESS");
    }
    int size = family == AF_INET ? 4 : 16;
    if (local.getAddress().length != size) {
      throw malformed("family " + family + " address of " + local.getAddress().length + " bytes");
    }
    if (prefixLength > size * 8) {
      throw malformed("prefix length " + prefixLength + " for family " + family);
    }
    if (a.has(IFA_FLAGS)) {
      flags = a.u32(IFA_FLAGS, flags);
    }
    long valid = Address.FOREVER;
    long preferred = Address.FOREVER;
    if (a.has(IFA_CACHEINFO)) {
      if (a.length(IFA_CACHEINFO) < 8) {
        throw malformed("IFA_CACHEINFO of " + a.length(IFA_CACHEINFO) + " bytes");
      }
      int off = a.offset(IFA_CACHEINFO);
      ByteBuffer ab = a.buffer();
      preferred = Integer.toUnsignedLong(ab.getInt(off));
      valid = Integer.toUnsignedLong(ab.getInt(off + 4));
    }
    String label = a.has(IFA_LABEL) ? a.string(IFA_LABEL) : "";
    String dev = names == null ? null : names.apply(ifindex);
    return new Address(ifindex, dev, new IpPrefix(local, prefixLength), scope, flags, label, valid, preferred);
  }

  private static NetlinkException malformed(String detail) {
    return new NetlinkException(dev.sixkit.netlink.internal.Errno.EBADMSG, "parse netlink message", "",
        "malformed address message: " + detail);
  }

  /**
   * An address attribute, or null when absent. Unlike InetAddress.getByAddress, 16 bytes always
   * give an Inet6Address: an IPv4-mapped IPv6 address (::ffff:a.b.c.d) stays IPv6.
   */
  static InetAddress attrAddress(Attributes a, int type, String what) {
    byte[] raw = a.bytes(type);
    return raw == null ? null : fromBytes(raw, what);
  }

  /** 4 bytes give IPv4, 16 bytes IPv6 (mapped addresses included); other sizes are malformed. */
  static InetAddress fromBytes(byte[] raw, String what) {
    try {
      if (raw.length == 16) {
        return Inet6Address.getByAddress(null, raw, -1);
      }
      if (raw.length == 4) {
        return InetAddress.getByAddress(raw);
      }
    } catch (java.net.UnknownHostException e) {
      throw new NetlinkException(dev.sixkit.netlink.internal.Errno.EBADMSG, "parse netlink message", "",
          "malformed message: " + what + ": " + e.getMessage());
    }
    throw new NetlinkException(dev.sixkit.netlink.internal.Errno.EBADMSG, "parse netlink message", "",
        "malformed message: " + what + " holds " + raw.length + " bytes, not an IPv4 or IPv6 address");
  }
}
