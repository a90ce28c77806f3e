package dev.sixkit.netlink;

import dev.sixkit.netlink.internal.Errno;
import dev.sixkit.netlink.internal.Message;
import dev.sixkit.netlink.internal.MessageWriter;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Routes of one namespace (RTM_*ROUTE) and route lookups.
 *
 * <pre>{@code
 * nl.routes().route("2001:db8:ef11::/64").via("2001:db8:ab11::2").dev("eth0").metric(50).add();
 * nl.routes().route("2001:db8:cd11::/64").dev("eth0").table(100).replace();
 * nl.routes().query().ipv6().allTables().list();
 * Route r = nl.routes().get("2001:db8:ef11::5");   // as ip route get
 * nl.routes().route("2001:db8:ef11::/64").delete();
 * }</pre>
 *
 * <p>The family of the gateway is checked against the destination's, and the device is resolved,
 * before a request is sent, so a bad call changes nothing. Thread-safe: requests go through the
 * client's serialised socket; step objects are immutable.
 */
public final class Routes {
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

  private final Netlink nl;

  Routes(Netlink nl) {
    this.nl = nl;
  }

  /** The main table's routes, IPv4 and IPv6 (as {@code ip route} and {@code ip -6 route}). */
  public List<Route> list() {
    return query().list();
  }

  /** A filtered listing; by default the main table, both families. */
  public Query query() {
    return new Query(AF_UNSPEC, Route.TABLE_MAIN, null);
  }

  /**
   * Starts a route write or delete for a destination ("2001:db8:ef11::/64", "default" is not
   * accepted: write "::/0" or "0.0.0.0/0"); a gateway or device comes next. A bad literal or
   * prefix length fails here with EINVAL.
   */
  public Destination route(String destination) {
    return new Destination(IpPrefix.parse(destination));
  }

  /** Starts a route write or delete for a destination; a gateway or device comes next. */
  public Destination route(IpPrefix destination) {
    if (destination == null) {
      throw new NetlinkException(Errno.EINVAL, "route", "null", "a destination prefix is required");
    }
    return new Destination(destination);
  }

  /**
   * Looks up the route the kernel would use for one destination, as {@code ip route get} does,
   * and returns it resolved: device, gateway, preferred source, metric, and for IPv4 the table
   * it came from (RTM_F_LOOKUP_TABLE). Fails with ENETUNREACH when no route matches.
   */
  public Route get(String destination) {
    return lookup(destination).get();
  }

  /** {@link #get(String)} for an address. */
  public Route get(InetAddress destination) {
    return new Lookup(destination, null, null).get();
  }

  /** A route lookup that can be narrowed by output device and source before {@code get()}. */
  public Lookup lookup(String destination) {
    return new Lookup(IpAddresses.parse(destination), null, null);
  }

  private IntFunction<String> names() {
    Map<Integer, String> byIndex = new HashMap<>();
    for (Link l : nl.links().list()) {
      byIndex.put(l.index(), l.name());
    }
    return byIndex::get;
  }

  private int resolve(String dev, String op, String object) {
    try {
      return nl.links().index(dev);
    } catch (NetlinkException e) {
      throw e.withContext(op, object);
    }
  }

  /**
   * Table ids are unsigned 32-bit (RTA_TABLE): 1 to 4294967295. An int is read as unsigned, so
   * {@code table((int) 4294967000L)} and {@code table(4294967000L)} name the same table.
   */
  static long checkTable(long table, String op, String object) {
    if (table == 0) {
      throw new NetlinkException(Errno.EINVAL, op, object,
          "table 0 is not a routing table: main is " + Route.TABLE_MAIN + ", local " + Route.TABLE_LOCAL);
    }
    if (table < 0 || table > Route.TABLE_MAX) {
      throw new NetlinkException(Errno.EINVAL, op, object,
          "table " + table + " is not a routing table: ids are 1 to " + Route.TABLE_MAX);
    }
    return table;
  }

  /** Filter step of a listing. Immutable, so thread-safe. */
  public final class Query {
    private final int family;
    private final long table; // 0: every table
    private final String dev;

    private Query(int family, long table, String dev) {
      this.family = family;
      this.table = table;
      this.dev = dev;
    }

    public Query ipv6() {
      return new Query(AF_INET6, table, dev);
    }

    public Query ipv4() {
      return new Query(AF_INET, table, dev);
    }

    /** Routes of one table (main is {@link Route#TABLE_MAIN}, local {@link Route#TABLE_LOCAL}). */
    public Query table(int t) {
      return table(Integer.toUnsignedLong(t));
    }

    /** Routes of one table by its unsigned 32-bit id (1 to 4294967295). */
    public Query table(long t) {
      return new Query(family, checkTable(t, "list routes", "table " + t), dev);
    }

    /** Routes of every table, local and main included (as {@code ip route show table all}). */
    public Query allTables() {
      return new Query(family, 0, dev);
    }

    /** Routes through one device. */
    public Query dev(String name) {
      Links.requireName(name);
      return new Query(family, table, name);
    }

    public List<Route> list() {
      String object = (table == 0 ? "table all" : "table " + Route.tableName(table)) + (dev == null ? "" : " dev " + dev);
      int ifindex = dev == null ? 0 : resolve(dev, "list routes", object);
      IntFunction<String> names = names();
      List<Route> out = new ArrayList<>();
      for (int f : family == AF_UNSPEC ? new int[] {AF_INET, AF_INET6} : new int[] {family}) {
        out.addAll(dumpFamily(f, ifindex, object, names));
      }
      return out;
    }

    private List<Route> dumpFamily(int f, int ifindex, String object, IntFunction<String> names) {
      // One dump per family: an AF_UNSPEC dump also walks the multicast routing tables.
      MessageWriter w = new MessageWriter(RTM_GETROUTE, 0, 64).u8(f).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u32(0);
      if (table != 0) {
        w.attrU32(RTA_TABLE, (int) table);
      }
      if (ifindex != 0) {
        w.attrU32(RTA_OIF, ifindex);
      }
      List<Route> all;
      try {
        all = nl.socket().dump(w, "list routes", object, m -> Route.decode(m, names));
      } catch (NetlinkException e) {
        if (table != 0 && e.errno() == Errno.ENOENT) {
          return List.of(); // "FIB table does not exist": a table nobody filled is an empty table
        }
        throw e;
      }
      List<Route> out = new ArrayList<>(all.size());
      for (Route r : all) {
        // The kernel filters already; older kernels without strict dumps do not, so check again.
        if ((table == 0 || r.table() == table) && (ifindex == 0 || r.ifindex() == ifindex)) {
          out.add(r);
        }
      }
      return out;
    }
  }

  /** First step of a route: its gateway or device, or a delete by destination alone. Immutable, so thread-safe. */
  public final class Destination {
    private final IpPrefix destination;

    private Destination(IpPrefix destination) {
      this.destination = destination;
    }

    /** The next hop; it must be of the destination's family. */
    public Spec via(String gateway) {
      return via(IpAddresses.parse(gateway));
    }

    /** The next hop; it must be of the destination's family. */
    public Spec via(InetAddress gateway) {
      return new Spec(Request.of(destination)).via(gateway);
    }

    /** The output device (a directly connected route, or the device of a gateway given next). */
    public Spec dev(String name) {
      return new Spec(Request.of(destination)).dev(name);
    }

    /** Deletes the main table's route to this destination (any gateway, device and metric). */
    public void delete() {
      new Spec(Request.of(destination)).delete();
    }

    /** A route that drops matching packets silently, as {@code ip route add blackhole DEST}. */
    public Special blackhole() {
      return new Special(Request.of(destination).withType(Route.TYPE_BLACKHOLE));
    }

    /** A route that refuses matching packets with "unreachable" (ICMP), as {@code ip route add unreachable DEST}. */
    public Special unreachable() {
      return new Special(Request.of(destination).withType(Route.TYPE_UNREACHABLE));
    }

    /** A route that refuses matching packets with "prohibited" (ICMP), as {@code ip route add prohibit DEST}. */
    public Special prohibit() {
      return new Special(Request.of(destination).withType(Route.TYPE_PROHIBIT));
    }

    /**
     * A route that ends the lookup in this table so the next policy rule's table is tried, as
     * {@code ip route add throw DEST} ({@code throw} is a Java keyword).
     */
    public Special throwRoute() {
      return new Special(Request.of(destination).withType(Route.TYPE_THROW));
    }
  }

  /**
   * A route without a next hop (blackhole, unreachable, prohibit, throw): no gateway or device
   * is offered, only where it lives and how it ranks. Immutable, so thread-safe.
   */
  public final class Special {
    private final Request r;

    private Special(Request r) {
      this.r = r;
    }

    /** The metric (priority), 0 to 4294967295; lower wins. */
    public Special metric(long metric) {
      return new Special(new Spec(r).metric(metric).r);
    }

    /** The table by its unsigned 32-bit id (main by default). */
    public Special table(long table) {
      return new Special(new Spec(r).table(table).r);
    }

    /** The protocol number the route carries (boot by default); see {@link Protocols}. */
    public Special protocol(int protocol) {
      return new Special(new Spec(r).protocol(protocol).r);
    }

    /** Adds the route; fails with EEXIST when the table has it already. */
    public void add() {
      new Spec(r).add();
    }

    /** Adds the route or replaces the one with the same destination (and metric, for IPv6). */
    public void replace() {
      new Spec(r).replace();
    }

    /** Deletes the route of this type to this destination; ESRCH when there is none. */
    public void delete() {
      new Spec(r).delete();
    }

    /** Whether the table holds a route of this type to this destination now. */
    public boolean exists() {
      return new Spec(r).exists();
    }

    @Override
    public String toString() {
      return r.object();
    }
  }

  /** A route ready to be written, with its options. Immutable, so thread-safe. */
  public final class Spec {
    private final Request r;

    private Spec(Request r) {
      this.r = r;
    }

    /** The next hop; it must be of the destination's family. */
    public Spec via(String gateway) {
      return via(IpAddresses.parse(gateway));
    }

    /** The next hop; it must be of the destination's family. */
    public Spec via(InetAddress gateway) {
      if (gateway == null) {
        throw new NetlinkException(Errno.EINVAL, "route", r.object(), "a gateway address is required");
      }
      boolean destV4 = r.destination().isV4();
      if ((gateway instanceof Inet4Address) != destV4) {
        String gw = IpAddresses.format(gateway);
        throw new NetlinkException(Errno.EAFNOSUPPORT, "route", r.destination() + " via " + gw,
            "an " + (destV4 ? "IPv4" : "IPv6") + " gateway is required for the " + (destV4 ? "IPv4" : "IPv6")
                + " destination " + r.destination() + "; " + gw + " is an " + (destV4 ? "IPv6" : "IPv4")
                + " address");
      }
      return new Spec(r.with(gateway, r.dev(), r.metric(), r.table(), r.source(), r.onlink()));
    }

    /** The output device. */
    public Spec dev(String name) {
      Links.requireName(name);
      return new Spec(r.with(r.gateway(), name, r.metric(), r.table(), r.source(), r.onlink()));
    }

    /** The metric (priority), 0 to 4294967295; lower wins. IPv6 defaults to 1024. */
    public Spec metric(long metric) {
      if (metric < 0 || metric > 0xffffffffL) {
        throw new NetlinkException(Errno.EINVAL, "route", r.object(), "metric " + metric + " is not 0 to 4294967295");
      }
      return new Spec(r.with(r.gateway(), r.dev(), metric, r.table(), r.source(), r.onlink()));
    }

    /** The table (main, {@link Route#TABLE_MAIN}, by default); an int is read as unsigned. */
    public Spec table(int table) {
      return table(Integer.toUnsignedLong(table));
    }

    /** The table by its unsigned 32-bit id, 1 to 4294967295 (main, 254, by default). */
    public Spec table(long table) {
      checkTable(table, "route", r.object());
      return new Spec(r.with(r.gateway(), r.dev(), r.metric(), table, r.source(), r.onlink()));
    }

    /**
     * The protocol number the route carries (rtm_protocol, ip's {@code proto}; boot by default).
     * Sixkit's own routes use {@link Protocols#SIXKIT}. On a delete it limits the match to routes
     * of that protocol.
     */
    public Spec protocol(int protocol) {
      return new Spec(r.withProtocol(Protocols.check(protocol, "route", r.object())));
    }

    /** The preferred source address for traffic on this route (RTA_PREFSRC, ip's {@code src}). */
    public Spec source(String address) {
      InetAddress s = IpAddresses.parse(address);
      if ((s instanceof Inet4Address) != r.destination().isV4()) {
        throw new NetlinkException(Errno.EAFNOSUPPORT, "route", r.object() + " src " + address,
            "the source address must be of the destination's family ("
                + (r.destination().isV4() ? "IPv4" : "IPv6") + ")");
      }
      return new Spec(r.with(r.gateway(), r.dev(), r.metric(), r.table(), s, r.onlink()));
    }

    /** Takes the gateway as on-link even when no prefix covers it (RTNH_F_ONLINK). */
    public Spec onlink() {
      return new Spec(r.with(r.gateway(), r.dev(), r.metric(), r.table(), r.source(), true));
    }

    /** Adds the route; fails with EEXIST when the table has it already. */
    public void add() {
      write(RTM_NEWROUTE, Message.NLM_F_CREATE | Message.NLM_F_EXCL, "add route");
    }

    /** Adds the route or replaces the one with the same destination (and metric, for IPv6). */
    public void replace() {
      write(RTM_NEWROUTE, Message.NLM_F_CREATE | Message.NLM_F_REPLACE, "replace route");
    }

    /**
     * Deletes the route matching what was given (destination, and gateway, device, metric when
     * set); the kernel answers ESRCH when none matches.
     */
    public void delete() {
      write(RTM_DELROUTE, 0, "delete route");
    }

    private void write(int type, int flags, String op) {
      int ifindex = r.dev() == null ? 0 : resolve(r.dev(), op, r.object());
      try {
        nl.socket().request(r.encode(type, ifindex).flags(flags), op, r.object(), null);
      } catch (NetlinkException e) {
        throw explain(e, op);
      }
    }

    /** The kernel sends no text for these two; "No such process" alone would puzzle a person. */
    private NetlinkException explain(NetlinkException e, String op) {
      if (e.kernelMessage().isPresent()) {
        return e;
      }
      String table = "table " + Route.tableName(r.table() == 0 ? Route.TABLE_MAIN : r.table());
      if (e.errno() == Errno.ESRCH) {
        return new NetlinkException(e.errno(), op, r.object(), "no route in " + table + " matches", e);
      }
      if (e.errno() == Errno.EEXIST) {
        return new NetlinkException(e.errno(), op, r.object(), table + " already has this route", e);
      }
      return e;
    }

    /** Whether the table holds a route to this destination now (through this gateway and device, when set). */
    public boolean exists() {
      Query q = new Query(r.destination().family(), r.table() == 0 ? (long) Route.TABLE_MAIN : r.table(), null);
      IpPrefix net = r.destination().network();
      for (Route x : q.list()) {
        if (x.destination().equals(net) && (r.type() == 0 || r.type() == x.type())
            && (r.gateway() == null || r.gateway().equals(x.gateway()))
            && (r.dev() == null || r.dev().equals(x.device()))
            && (r.metric() < 0 || x.metricUnsigned() == r.metric())) {
          return true;
        }
      }
      return false;
    }

    @Override
    public String toString() {
      return r.object();
    }
  }

  /** A route lookup. Immutable, so thread-safe. */
  public final class Lookup {
    private final InetAddress destination;
    private final String dev;
    private final InetAddress from;

    private Lookup(InetAddress destination, String dev, InetAddress from) {
      this.destination = destination;
      this.dev = dev;
      this.from = from;
    }

    /** Looks up as if the packet left through this device (needed for link-local destinations). */
    public Lookup dev(String name) {
      Links.requireName(name);
      return new Lookup(destination, name, from);
    }

    /** Looks up for this source address. */
    public Lookup from(String source) {
      InetAddress s = IpAddresses.parse(source);
      if ((s instanceof Inet4Address) != (destination instanceof Inet4Address)) {
        throw new NetlinkException(Errno.EAFNOSUPPORT, "look up route", object() + " from " + source,
            "the source address must be of the destination's family");
      }
      return new Lookup(destination, dev, s);
    }

    private String object() {
      return IpAddresses.format(destination) + (dev == null ? "" : " dev " + dev);
    }

    /** The route the kernel picks, resolved. */
    public Route get() {
      String op = "look up route";
      int ifindex = dev == null ? 0 : resolve(dev, op, object());
      MessageWriter w = encodeLookup(destination, from, ifindex);
      IntFunction<String> names = names();
      List<Route> r = nl.socket().requestReplies(w, op, object(), m -> Route.decode(m, names));
      if (r.isEmpty()) {
        throw new NetlinkException(Errno.ENOENT, op, object(), "the kernel answered without a route");
      }
      return r.get(0);
    }
  }

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
}
