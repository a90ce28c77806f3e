package dev.sixkit.netlink;

import static dev.sixkit.netlink.RouteCodec.*;

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

  private final Netlink nl;

  Routes(Netlink nl) {
    this.nl = nl;
  }

  /**
   * The main table's routes, IPv4 and IPv6 (as {@code ip route} and {@code ip -6 route}).
   *
   * @return the routes, possibly empty
   */
  public List<Route> list() {
    return query().list();
  }

  /**
   * A filtered listing; by default the main table, both families.
   *
   * @return a query; narrow it, then {@code list()}
   */
  public Query query() {
    return new Query(AF_UNSPEC, Route.TABLE_MAIN, null);
  }

  /**
   * Starts a route write or delete for a destination ("2001:db8:ef11::/64", "default" is not
   * accepted: write "::/0" or "0.0.0.0/0"); a gateway or device comes next. A bad literal or
   * prefix length fails here with EINVAL.
   *
   * @param destination the destination prefix, such as {@code 2001:db8:ef11::/64}
   * @return the next step, which names the gateway or device
   * @throws NetlinkException EINVAL for a bad literal or prefix length
   */
  public Destination route(String destination) {
    return new Destination(IpPrefix.parse(destination));
  }

  /**
   * Starts a route write or delete for a destination; a gateway or device comes next.
   *
   * @param destination the destination prefix
   * @return the next step, which names the gateway or device
   */
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
   *
   * @param destination the destination address literal
   * @return the route the kernel picks
   * @throws NetlinkException ENETUNREACH when no route matches, EINVAL for a bad literal
   */
  public Route get(String destination) {
    return lookup(destination).get();
  }

  /**
   * {@link #get(String)} for an address.
   *
   * @param destination the destination address
   * @return the route the kernel picks
   * @throws NetlinkException ENETUNREACH when no route matches
   */
  public Route get(InetAddress destination) {
    return new Lookup(destination, null, null).get();
  }

  /**
   * A route lookup that can be narrowed by output device and source before {@code get()}.
   *
   * @param destination the destination address literal
   * @return a lookup to narrow, then {@code get()}
   * @throws NetlinkException EINVAL for a bad literal
   */
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

    /**
     * IPv6 routes only.
     *
     * @return a narrowed copy of this query
     */
    public Query ipv6() {
      return new Query(AF_INET6, table, dev);
    }

    /**
     * IPv4 routes only.
     *
     * @return a narrowed copy of this query
     */
    public Query ipv4() {
      return new Query(AF_INET, table, dev);
    }

    /**
     * Routes of one table (main is {@link Route#TABLE_MAIN}, local {@link Route#TABLE_LOCAL}).
     *
     * @param t the table id
     * @return a narrowed copy of this query
     */
    public Query table(int t) {
      return table(Integer.toUnsignedLong(t));
    }

    /**
     * Routes of one table by its unsigned 32-bit id (1 to 4294967295).
     *
     * @param t the table id, unsigned
     * @return a narrowed copy of this query
     */
    public Query table(long t) {
      return new Query(family, checkTable(t, "list routes", "table " + t), dev);
    }

    /**
     * Routes of every table, local and main included (as {@code ip route show table all}).
     *
     * @return a narrowed copy of this query
     */
    public Query allTables() {
      return new Query(family, 0, dev);
    }

    /**
     * Routes through one device.
     *
     * @param name the device name
     * @return a narrowed copy of this query
     */
    public Query dev(String name) {
      LinkCodec.requireName(name);
      return new Query(family, table, name);
    }

    /**
     * Runs the dump and keeps the matching routes.
     *
     * @return the matching routes, possibly empty
     * @throws NetlinkException ENODEV when a device named by {@link #dev(String)} does not exist, or the dump
     * fails
     */
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
        all = nl.socket().dump(w, "list routes", object, m -> RouteCodec.decode(m, names));
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

    /**
     * The next hop; it must be of the destination's family.
     *
     * @param gateway the gateway's address literal
     * @return the route, ready to add, replace or delete
     * @throws NetlinkException EINVAL for a bad literal or another family than the destination's
     */
    public Spec via(String gateway) {
      return via(IpAddresses.parse(gateway));
    }

    /**
     * The next hop; it must be of the destination's family.
     *
     * @param gateway the gateway's address
     * @return the route, ready to add, replace or delete
     * @throws NetlinkException EINVAL for another family than the destination's
     */
    public Spec via(InetAddress gateway) {
      return new Spec(Request.of(destination)).via(gateway);
    }

    /**
     * The output device (a directly connected route, or the device of a gateway given next).
     *
     * @param name the device name
     * @return the route, ready to add, replace or delete
     * @throws NetlinkException ENODEV when the namespace has no such device
     */
    public Spec dev(String name) {
      return new Spec(Request.of(destination)).dev(name);
    }

    /** Deletes the main table's route to this destination (any gateway, device and metric). */
    public void delete() {
      new Spec(Request.of(destination)).delete();
    }

    /**
     * A route that drops matching packets silently, as {@code ip route add blackhole DEST}.
     *
     * @return the route, ready to add, replace or delete
     */
    public Special blackhole() {
      return new Special(Request.of(destination).withType(Route.TYPE_BLACKHOLE));
    }

    /**
     * A route that refuses matching packets with "unreachable" (ICMP), as {@code ip route add unreachable
     * DEST}.
     *
     * @return the route, ready to add, replace or delete
     */
    public Special unreachable() {
      return new Special(Request.of(destination).withType(Route.TYPE_UNREACHABLE));
    }

    /**
     * A route that refuses matching packets with "prohibited" (ICMP), as {@code ip route add prohibit DEST}.
     *
     * @return the route, ready to add, replace or delete
     */
    public Special prohibit() {
      return new Special(Request.of(destination).withType(Route.TYPE_PROHIBIT));
    }

    /**
     * A route that ends the lookup in this table so the next policy rule's table is tried, as
     * {@code ip route add throw DEST} ({@code throw} is a Java keyword).
     *
     * @return the route, ready to add, replace or delete
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

    /**
     * The metric (priority), 0 to 4294967295; lower wins.
     *
     * @param metric 0 to 4294967295
     * @return a copy with this set
     */
    public Special metric(long metric) {
      return new Special(new Spec(r).metric(metric).r);
    }

    /**
     * The table by its unsigned 32-bit id (main by default).
     *
     * @param table the table id, 1 to 4294967295
     * @return a copy with this set
     */
    public Special table(long table) {
      return new Special(new Spec(r).table(table).r);
    }

    /**
     * The protocol number the route carries (boot by default); see {@link Protocols}.
     *
     * @param protocol 0 to 255
     * @return a copy with this set
     */
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

    /**
     * Whether the table holds a route of this type to this destination now.
     *
     * @return true when such a route is in the table now
     */
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

    /**
     * The next hop; it must be of the destination's family.
     *
     * @param gateway the gateway's address literal
     * @return a copy with this set
     * @throws NetlinkException EINVAL for a bad literal or another family than the destination's
     */
    public Spec via(String gateway) {
      return via(IpAddresses.parse(gateway));
    }

    /**
     * The next hop; it must be of the destination's family.
     *
     * @param gateway the gateway's address
     * @return a copy with this set
     * @throws NetlinkException EINVAL for another family than the destination's
     */
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

    /**
     * The output device.
     *
     * @param name the device name
     * @return a copy with this set
     * @throws NetlinkException ENODEV when the namespace has no such device
     */
    public Spec dev(String name) {
      LinkCodec.requireName(name);
      return new Spec(r.with(r.gateway(), name, r.metric(), r.table(), r.source(), r.onlink()));
    }

    /**
     * The metric (priority), 0 to 4294967295; lower wins. IPv6 defaults to 1024.
     *
     * @param metric 0 to 4294967295
     * @return a copy with this set
     */
    public Spec metric(long metric) {
      if (metric < 0 || metric > 0xffffffffL) {
        throw new NetlinkException(Errno.EINVAL, "route", r.object(), "metric " + metric + " is not 0 to 4294967295");
      }
      return new Spec(r.with(r.gateway(), r.dev(), metric, r.table(), r.source(), r.onlink()));
    }

    /**
     * The table (main, {@link Route#TABLE_MAIN}, by default); an int is read as unsigned.
     *
     * @param table the table id, read as unsigned
     * @return a copy with this set
     */
    public Spec table(int table) {
      return table(Integer.toUnsignedLong(table));
    }

    /**
     * The table by its unsigned 32-bit id, 1 to 4294967295 (main, 254, by default).
     *
     * @param table the table id, 1 to 4294967295
     * @return a copy with this set
     */
    public Spec table(long table) {
      checkTable(table, "route", r.object());
      return new Spec(r.with(r.gateway(), r.dev(), r.metric(), table, r.source(), r.onlink()));
    }

    /**
     * The protocol number the route carries (rtm_protocol, ip's {@code proto}; boot by default).
     * Sixkit's own routes use {@link Protocols#SIXKIT}. On a delete it limits the match to routes
     * of that protocol.
     *
     * @param protocol 0 to 255
     * @return a copy with this set
     */
    public Spec protocol(int protocol) {
      return new Spec(r.withProtocol(Protocols.check(protocol, "route", r.object())));
    }

    /**
     * The preferred source address for traffic on this route (RTA_PREFSRC, ip's {@code src}).
     *
     * @param address the source address literal, of the destination's family
     * @return a copy with this set
     * @throws NetlinkException EINVAL for a bad literal or another family
     */
    public Spec source(String address) {
      InetAddress s = IpAddresses.parse(address);
      if ((s instanceof Inet4Address) != r.destination().isV4()) {
        throw new NetlinkException(Errno.EAFNOSUPPORT, "route", r.object() + " src " + address,
            "the source address must be of the destination's family ("
                + (r.destination().isV4() ? "IPv4" : "IPv6") + ")");
      }
      return new Spec(r.with(r.gateway(), r.dev(), r.metric(), r.table(), s, r.onlink()));
    }

    /**
     * Takes the gateway as on-link even when no prefix covers it (RTNH_F_ONLINK).
     *
     * @return a copy with this set
     */
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

    /**
     * Whether the table holds a route to this destination now (through this gateway and device, when set).
     *
     * @return true when such a route is in the table now
     */
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

    /**
     * Looks up as if the packet left through this device (needed for link-local destinations).
     *
     * @param name the device name
     * @return a copy with this set
     * @throws NetlinkException ENODEV when the namespace has no such device
     */
    public Lookup dev(String name) {
      LinkCodec.requireName(name);
      return new Lookup(destination, name, from);
    }

    /**
     * Looks up for this source address.
     *
     * @param source the source address literal
     * @return a copy with this set
     * @throws NetlinkException EINVAL for a bad literal
     */
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

    /**
     * The route the kernel picks, resolved.
     *
     * @return the route
     * @throws NetlinkException ENETUNREACH when no route matches
     */
    public Route get() {
      String op = "look up route";
      int ifindex = dev == null ? 0 : resolve(dev, op, object());
      MessageWriter w = encodeLookup(destination, from, ifindex);
      IntFunction<String> names = names();
      List<Route> r = nl.socket().requestReplies(w, op, object(), m -> RouteCodec.decode(m, names));
      if (r.isEmpty()) {
        throw new NetlinkException(Errno.ENOENT, op, object(), "the kernel answered without a route");
      }
      return r.get(0);
    }
  }

}
