package dev.sixkit.netlink;

import dev.sixkit.netlink.internal.Errno;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * A route as the kernel reports it (RTM_NEWROUTE), from a listing or a lookup.
 *
 * <p>Immutable record; thread-safe.
 *
 * @param destination the destination prefix ({@code ::/0} or {@code 0.0.0.0/0} for the default
 *     route)
 * @param gateway the next hop, or null for a directly connected route (for a multipath route,
 *     the first hop's)
 * @param ifindex output interface index, or 0 (for a multipath route, the first hop's)
 * @param device output interface name, or empty
 * @param metric RTA_PRIORITY (unsigned; 0 when the kernel sent none)
 * @param table routing table, an unsigned 32-bit id ({@link #TABLE_MAIN} is 254, {@link #TABLE_LOCAL}
 *     255; up to 4294967295)
 * @param protocol who installed it: {@link #PROTO_KERNEL}, {@link #PROTO_BOOT} (ip route add's
 *     default), {@link #PROTO_STATIC}, {@link #PROTO_RA}...
 * @param scope RT_SCOPE_* ({@link Address#SCOPE_UNIVERSE}, {@link Address#SCOPE_LINK}...)
 * @param type RTN_* ({@link #TYPE_UNICAST}, {@link #TYPE_LOCAL}...)
 * @param preferredSource RTA_PREFSRC, the source address chosen for it, or null
 */
public record Route(IpPrefix destination, InetAddress gateway, int ifindex, String device, int metric, long table,
    int protocol, int scope, int type, InetAddress preferredSource) {
  /** No table given (a dump then shows every table). */
  public static final int TABLE_UNSPEC = 0;
  /** The "default" table (253). */
  public static final int TABLE_DEFAULT = 253;
  /** The "main" table (254), where {@code ip route} adds. */
  public static final int TABLE_MAIN = 254;
  /** The "local" table (255) of local and broadcast routes. */
  public static final int TABLE_LOCAL = 255;

  /** Unknown protocol. */
  public static final int PROTO_UNSPEC = 0;
  /** Made by an ICMP redirect. */
  public static final int PROTO_REDIRECT = 1;
  /** Made by the kernel. */
  public static final int PROTO_KERNEL = 2;
  /** Made at boot or by hand; ip's default. */
  public static final int PROTO_BOOT = 3;
  /** Made by the administrator. */
  public static final int PROTO_STATIC = 4;
  /** Learned from a router advertisement. */
  public static final int PROTO_RA = 9;
  /** Made by a DHCP client. */
  public static final int PROTO_DHCP = 16;

  /** No type given. */
  public static final int TYPE_UNSPEC = 0;
  /** An ordinary route, through a gateway or a device. */
  public static final int TYPE_UNICAST = 1;
  /** The destination is a local address. */
  public static final int TYPE_LOCAL = 2;
  /** A broadcast address, sent as link broadcast. */
  public static final int TYPE_BROADCAST = 3;
  /** A local anycast address. */
  public static final int TYPE_ANYCAST = 4;
  /** A multicast route. */
  public static final int TYPE_MULTICAST = 5;
  /** Drops packets silently. */
  public static final int TYPE_BLACKHOLE = 6;
  /** Refuses packets with ICMP unreachable. */
  public static final int TYPE_UNREACHABLE = 7;
  /** Refuses packets with ICMP administratively prohibited. */
  public static final int TYPE_PROHIBIT = 8;
  /** Ends the lookup in this table; the next policy rule is tried. */
  public static final int TYPE_THROW = 9;
  /** Stateless NAT (obsolete). */
  public static final int TYPE_NAT = 10;

  private static final String[] TYPES = {"unspec", "unicast", "local", "broadcast", "anycast", "multicast",
      "blackhole", "unreachable", "prohibit", "throw", "nat", "xresolve"};

  /** The largest table id (tables are unsigned 32-bit). */
  public static final long TABLE_MAX = 0xffffffffL;

  /**
   * Normalises a null device to empty and reads a negative int table id as unsigned.
   *
   * @param destination as {@link #destination()}
   * @param gateway as {@link #gateway()}
   * @param ifindex as {@link #ifindex()}
   * @param device as {@link #device()}
   * @param metric as {@link #metric()}
   * @param table as {@link #table()}
   * @param protocol as {@link #protocol()}
   * @param scope as {@link #scope()}
   * @param type as {@link #type()}
   * @param preferredSource as {@link #preferredSource()}
   * @throws NetlinkException EINVAL when the table id is outside 0 to 4294967295
   */
  public Route {
    device = device == null ? "" : device;
    if (table < 0 && table >= Integer.MIN_VALUE) {
      table = Integer.toUnsignedLong((int) table); // an int id read as unsigned, as everywhere else
    }
    if (table < 0 || table > TABLE_MAX) {
      throw new NetlinkException(dev.sixkit.netlink.internal.Errno.EINVAL, "route", destination + " table " + table,
          "a table id is 0 to " + TABLE_MAX);
    }
  }

  /**
   * Whether this is an IPv6 route.
   *
   * @return true for IPv6
   */
  public boolean isV6() {
    return destination.address() instanceof Inet6Address;
  }

  /**
   * Whether this is a default route (prefix length 0).
   *
   * @return true for a prefix length of 0
   */
  public boolean isDefault() {
    return destination.length() == 0;
  }

  /**
   * The metric as the unsigned number the kernel keeps.
   *
   * @return the metric, 0 to 4294967295
   */
  public long metricUnsigned() {
    return Integer.toUnsignedLong(metric);
  }

  /**
   * The table as ip names it: main, local, default, or the number.
   *
   * @return the table's name, or the number as text
   */
  public String tableName() {
    return tableName(table);
  }

  /**
   * main, local, default, or the unsigned number.
   *
   * @param table the table id, unsigned
   * @return the table's name, or the number as text
   */
  public static String tableName(long table) {
    if (table == TABLE_MAIN) {
      return "main";
    }
    if (table == TABLE_LOCAL) {
      return "local";
    }
    if (table == TABLE_DEFAULT) {
      return "default";
    }
    return Long.toString(table);
  }

  /**
   * The protocol as ip names it: kernel, boot, static, ra, dhcp, redirect, sixkit, or the number.
   *
   * @return the protocol's name, or the number as text
   */
  public String protocolName() {
    return Protocols.name(protocol);
  }

  /**
   * The scope as ip names it: global, link, host...
   *
   * @return the scope's name, or the number as text
   */
  public String scopeName() {
    return Address.scopeName(scope);
  }

  /**
   * The type as ip names it: unicast, local, broadcast, multicast, blackhole...
   *
   * @return the type's name, or the number as text
   */
  public String typeName() {
    return typeName(type);
  }

  static String typeName(int type) {
    return type >= 0 && type < TYPES.length ? TYPES[type] : Integer.toString(type);
  }

  /**
   * The destination as ip prints it: "default", a bare address for a host route, else the
   * prefix.
   *
   * @return the destination text
   */
  public String destinationText() {
    if (isDefault()) {
      return "default";
    }
    int host = isV6() ? 128 : 32;
    return destination.length() == host ? IpAddresses.format(destination.address()) : destination.toString();
  }

  /**
   * Like {@code ip route}: "2001:db8:ef11::/64 via 2001:db8::99 dev eth0 metric 50", with the
   * type when it is not unicast, the table when it is not main, the protocol when it is not
   * boot, the scope when it is not global, and the source address.
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    if (type != TYPE_UNICAST) {
      sb.append(typeName()).append(' ');
    }
    sb.append(destinationText());
    if (gateway != null) {
      sb.append(" via ").append(IpAddresses.format(gateway));
    }
    if (!device.isEmpty()) {
      sb.append(" dev ").append(device);
    } else if (ifindex != 0) {
      sb.append(" dev if").append(Integer.toUnsignedString(ifindex));
    }
    if (table != TABLE_MAIN) {
      sb.append(" table ").append(tableName());
    }
    if (protocol != PROTO_BOOT) {
      sb.append(" proto ").append(protocolName());
    }
    if (scope != Address.SCOPE_UNIVERSE) {
      sb.append(" scope ").append(scopeName());
    }
    if (preferredSource != null) {
      sb.append(" src ").append(IpAddresses.format(preferredSource));
    }
    if (metric != 0 || isV6()) {
      sb.append(" metric ").append(Integer.toUnsignedString(metric));
    }
    return sb.toString();
  }

}
