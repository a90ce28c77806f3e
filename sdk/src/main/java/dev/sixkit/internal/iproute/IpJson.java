package dev.sixkit.internal.iproute;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sixkit.netlink.Address;
import dev.sixkit.netlink.IpAddresses;
import dev.sixkit.netlink.IpPrefix;
import dev.sixkit.netlink.Link;
import dev.sixkit.netlink.Neighbour;
import dev.sixkit.netlink.NetlinkException;
import dev.sixkit.netlink.NudState;
import dev.sixkit.netlink.Route;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns what iproute2 prints with {@code -json -details} (6.x) into sdk-netlink's records, the
 * same records a kernel host reads over netlink: {@code link show}, {@code address show}, {@code
 * route show} and {@code route get}, {@code neigh show}. Names ip prints where netlink carries
 * numbers (a master, a veth peer, a route's or neighbour's device) are turned back into indexes
 * with the host's interface list.
 *
 * <p>Malformed text fails with {@link NetlinkException} EBADMSG naming what was being read.
 * Stateless; thread-safe.
 */
public final class IpJson {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int EBADMSG = 74;

  /** IFF_* bits by the names ip prints (iproute2 print_link_flags). */
  private static final Map<String, Integer> LINK_FLAGS = Map.ofEntries(Map.entry("UP", Link.IFF_UP),
      Map.entry("BROADCAST", Link.IFF_BROADCAST), Map.entry("DEBUG", Link.IFF_DEBUG),
      Map.entry("LOOPBACK", Link.IFF_LOOPBACK), Map.entry("POINTOPOINT", Link.IFF_POINTOPOINT),
      Map.entry("NOTRAILERS", Link.IFF_NOTRAILERS), Map.entry("NOARP", Link.IFF_NOARP),
      Map.entry("PROMISC", Link.IFF_PROMISC), Map.entry("ALLMULTI", Link.IFF_ALLMULTI),
      Map.entry("MASTER", Link.IFF_MASTER), Map.entry("SLAVE", Link.IFF_SLAVE),
      Map.entry("MULTICAST", Link.IFF_MULTICAST), Map.entry("PORTSEL", Link.IFF_PORTSEL),
      Map.entry("AUTOMEDIA", Link.IFF_AUTOMEDIA), Map.entry("DYNAMIC", Link.IFF_DYNAMIC),
      Map.entry("LOWER_UP", Link.IFF_LOWER_UP), Map.entry("DORMANT", Link.IFF_DORMANT),
      Map.entry("ECHO", Link.IFF_ECHO));

  /** IFA_F_* bits by the JSON keys ip prints (iproute2 print_ifa_flags). */
  private static final Map<String, Integer> ADDRESS_FLAGS = Map.ofEntries(Map.entry("secondary",
      Address.IFA_F_SECONDARY), Map.entry("temporary", Address.IFA_F_TEMPORARY),
      Map.entry("nodad", Address.IFA_F_NODAD), Map.entry("optimistic", Address.IFA_F_OPTIMISTIC),
      Map.entry("dadfailed", Address.IFA_F_DADFAILED), Map.entry("home", Address.IFA_F_HOMEADDRESS),
      Map.entry("deprecated", Address.IFA_F_DEPRECATED), Map.entry("tentative", Address.IFA_F_TENTATIVE),
      Map.entry("mngtmpaddr", Address.IFA_F_MANAGETEMPADDR), Map.entry("noprefixroute",
          Address.IFA_F_NOPREFIXROUTE), Map.entry("autojoin", Address.IFA_F_MCAUTOJOIN),
      Map.entry("stable-privacy", Address.IFA_F_STABLE_PRIVACY));

  /** NTF_* bits by the JSON keys ip prints for neighbours. */
  private static final Map<String, Integer> NEIGH_FLAGS = Map.of("router", Neighbour.NTF_ROUTER, "proxy",
      Neighbour.NTF_PROXY, "extern_learn", Neighbour.NTF_EXT_LEARNED, "offload", Neighbour.NTF_OFFLOADED,
      "sticky", Neighbour.NTF_STICKY, "use", Neighbour.NTF_USE, "self", Neighbour.NTF_SELF, "master",
      Neighbour.NTF_MASTER);

  /** iproute2's built-in route protocol names (lib/rt_names.c). */
  private static final Map<String, Integer> PROTOCOLS = Map.ofEntries(Map.entry("unspec", 0),
      Map.entry("redirect", 1), Map.entry("kernel", 2), Map.entry("boot", 3), Map.entry("static", 4),
      Map.entry("gated", 8), Map.entry("ra", 9), Map.entry("mrt", 10), Map.entry("zebra", 11), Map.entry("bird", 12),
      Map.entry("dnrouted", 13), Map.entry("xorp", 14), Map.entry("ntk", 15), Map.entry("dhcp", 16),
      Map.entry("keepalived", 18), Map.entry("babel", 42), Map.entry("openr", 99), Map.entry("bgp", 186),
      Map.entry("isis", 187), Map.entry("ospf", 188), Map.entry("rip", 189), Map.entry("eigrp", 192));

  private static final Map<String, Integer> SCOPES = Map.of("global", 0, "universe", 0, "site", 200, "link", 253,
      "host", 254, "nowhere", 255);

  private static final Map<String, Integer> TABLES = Map.of("main", Route.TABLE_MAIN, "local", Route.TABLE_LOCAL,
      "default", Route.TABLE_DEFAULT, "unspec", 0);

  private static final List<String> ROUTE_TYPES = List.of("unspec", "unicast", "local", "broadcast", "anycast",
      "multicast", "blackhole", "unreachable", "prohibit", "throw", "nat", "xresolve");

  private static final Map<String, Integer> NUD = Map.of("INCOMPLETE", 0x01, "REACHABLE", 0x02, "STALE", 0x04,
      "DELAY", 0x08, "PROBE", 0x10, "FAILED", 0x20, "NOARP", 0x40, "PERMANENT", 0x80, "NONE", 0);

  private IpJson() {}

  /** Every top-level JSON value in the text (ip -batch prints one array per command). */
  public static List<JsonNode> values(String text, String what) {
    List<JsonNode> out = new ArrayList<>();
    try (JsonParser p = JSON.getFactory().createParser(text);
        MappingIterator<JsonNode> it = JSON.readValues(p, JsonNode.class)) {
      while (it.hasNextValue()) {
        out.add(it.nextValue());
      }
    } catch (IOException | RuntimeException e) {
      throw malformed(what, e.getMessage());
    }
    return out;
  }

  /** One JSON array (empty text reads as an empty array: ip prints nothing for an empty listing). */
  public static JsonNode array(String text, String what) {
    if (text.isBlank()) {
      return JSON.createArrayNode();
    }
    List<JsonNode> v = values(text, what);
    if (v.size() != 1 || !v.get(0).isArray()) {
      throw malformed(what, "expected one JSON array, got " + v.size() + " values");
    }
    return v.get(0);
  }

  // ---------------------------------------------------------------- links

  /** {@code ip -json -details link show}. */
  public static List<Link> links(JsonNode array) {
    return guard("links", () -> links0(array));
  }

  private static List<Link> links0(JsonNode array) {
    Map<String, Integer> index = new HashMap<>();
    for (JsonNode l : array) {
      index.put(text(l, "ifname"), l.path("ifindex").asInt());
    }
    List<Link> out = new ArrayList<>();
    for (JsonNode l : array) {
      out.add(link(l, index));
    }
    return out;
  }

  /** Interface name to index, from a link listing. */
  public static Map<String, Integer> indexes(List<Link> links) {
    Map<String, Integer> m = new HashMap<>();
    for (Link l : links) {
      m.put(l.name(), l.index());
    }
    return m;
  }

  private static Link link(JsonNode l, Map<String, Integer> index) {
    String name = text(l, "ifname");
    if (name.isEmpty() || !l.has("ifindex")) {
      throw malformed("link", "an entry without ifname or ifindex: " + l);
    }
    int flags = 0;
    boolean noCarrier = false;
    for (JsonNode f : l.path("flags")) {
      String s = f.asText();
      if (s.equals("NO-CARRIER")) {
        noCarrier = true;
      } else if (LINK_FLAGS.containsKey(s)) {
        flags |= LINK_FLAGS.get(s);
      } else if (s.matches("[0-9a-f]+")) {
        flags |= Integer.parseUnsignedInt(s, 16); // bits ip has no name for
      }
    }
    // ip never prints IFF_RUNNING: it says NO-CARRIER when a link is up without it.
    if ((flags & Link.IFF_UP) != 0 && !noCarrier) {
      flags |= Link.IFF_RUNNING;
    }
    int linkIndex = 0;
    int netnsId = -1;
    if (l.has("link_index")) {
      linkIndex = l.path("link_index").asInt();
    } else if (l.hasNonNull("link")) {
      linkIndex = indexOf(index, l.path("link").asText());
    }
    if (l.has("link_netnsid")) {
      netnsId = l.path("link_netnsid").asInt();
    }
    JsonNode info = l.path("linkinfo");
    List<String> alt = new ArrayList<>();
    l.path("altnames").forEach(a -> alt.add(a.asText()));
    String group = text(l, "group");
    return new Link(l.path("ifindex").asInt(), name, text(info, "info_kind"), flags, l.path("mtu").asInt(),
        text(l, "address"), l.hasNonNull("master") ? indexOf(index, l.path("master").asText()) : 0, linkIndex,
        l.has("operstate") ? text(l, "operstate") : "UNKNOWN", netnsId, text(info, "info_slave_kind"),
        l.path("txqlen").asInt(0), group.isEmpty() || group.equals("default") ? 0 : parseIntOr(group, 0),
        text(l, "ifalias"), text(l, "qdisc"), text(l, "link_type"), text(l, "broadcast"),
        l.has("linkmode") ? text(l, "linkmode") : "DEFAULT", l.path("min_mtu").asInt(0), l.path("max_mtu").asInt(0),
        l.path("promiscuity").asInt(0), l.path("num_tx_queues").asInt(0), l.path("num_rx_queues").asInt(0), alt);
  }

  /** An index by name; ip prints "ifN" for an index it has no name for. */
  private static int indexOf(Map<String, Integer> index, String name) {
    Integer i = index.get(name);
    if (i != null) {
      return i;
    }
    if (name.matches("if\\d+")) {
      return Integer.parseInt(name.substring(2));
    }
    return 0;
  }

  // ---------------------------------------------------------------- addresses

  /** {@code ip -json address show}: every address of every link. */
  public static List<Address> addresses(JsonNode array) {
    return guard("addresses", () -> addresses0(array));
  }

  private static List<Address> addresses0(JsonNode array) {
    List<Address> out = new ArrayList<>();
    for (JsonNode l : array) {
      int ifindex = l.path("ifindex").asInt();
      String dev = text(l, "ifname");
      for (JsonNode a : l.path("addr_info")) {
        String local = text(a, "local");
        if (local.isEmpty()) {
          continue;
        }
        boolean v6 = "inet6".equals(text(a, "family"));
        int flags = 0;
        var fields = a.fields();
        while (fields.hasNext()) {
          var f = fields.next();
          Integer bit = ADDRESS_FLAGS.get(f.getKey());
          if (bit != null && f.getValue().asBoolean(true)) {
            flags |= bit;
          }
        }
        if (a.has("flags")) {
          flags |= parseIntOr(a.path("flags").asText().replace("0x", ""), 16, 0);
        }
        long valid = a.path("valid_life_time").asLong(Address.FOREVER);
        long preferred = a.path("preferred_life_time").asLong(Address.FOREVER);
        // ip prints IFA_F_PERMANENT (inverted, as "dynamic") for IPv6 only; IPv4 sets it for
        // addresses that never expire.
        if (v6 ? !a.path("dynamic").asBoolean(false) : valid == Address.FOREVER) {
          flags |= Address.IFA_F_PERMANENT;
        }
        InetAddress addr = parseAddress(local, "address");
        out.add(new Address(ifindex, dev, new IpPrefix(addr, a.path("prefixlen").asInt()), scope(text(a, "scope")),
            flags, v6 ? "" : text(a, "label"), valid, preferred));
      }
    }
    // The kernel dumps IPv4 addresses before IPv6 ones (each in interface order); ip groups
    // them by interface. Sort stably into the kernel's order, which a kernel host returns.
    out.sort(java.util.Comparator.comparingInt(a -> a.isV6() ? 1 : 0));
    return out;
  }

  // ---------------------------------------------------------------- routes

  /** {@code ip -json -details route show} (one family per listing), or a {@code route get} answer. */
  public static List<Route> routes(JsonNode array, boolean v6, Map<String, Integer> index) {
    return guard("routes", () -> {
      List<Route> out = new ArrayList<>();
      for (JsonNode r : array) {
        out.add(route0(r, v6, index));
      }
      return out;
    });
  }

  /** One route of a listing or a {@code route get} answer. */
  public static Route route(JsonNode r, boolean v6, Map<String, Integer> index) {
    return guard("route", () -> route0(r, v6, index));
  }

  private static Route route0(JsonNode r, boolean v6, Map<String, Integer> index) {
    String dst = text(r, "dst");
    IpPrefix destination;
    if (dst.isEmpty() || dst.equals("default")) {
      destination = new IpPrefix(parseAddress(v6 ? "::" : "0.0.0.0", "route"), 0);
    } else if (dst.indexOf('/') >= 0) {
      destination = IpPrefix.parse(dst);
    } else {
      InetAddress a = parseAddress(dst, "route destination");
      destination = new IpPrefix(a, a instanceof Inet6Address ? 128 : 32);
    }
    String gw = text(r, "gateway");
    String dev = text(r, "dev");
    JsonNode hops = r.path("nexthops");
    if (gw.isEmpty() && dev.isEmpty() && hops.isArray() && hops.size() > 0) {
      gw = text(hops.get(0), "gateway");
      dev = text(hops.get(0), "dev");
    }
    String type = text(r, "type");
    int typeNo = type.isEmpty() ? Route.TYPE_UNICAST : ROUTE_TYPES.indexOf(type);
    if (typeNo < 0) {
      typeNo = parseIntOr(type, Route.TYPE_UNICAST);
    }
    String table = text(r, "table");
    String proto = text(r, "protocol");
    String prefsrc = text(r, "prefsrc");
    return new Route(destination, gw.isEmpty() ? null : parseAddress(gw, "gateway"),
        dev.isEmpty() ? 0 : indexOf(index, dev), dev, (int) r.path("metric").asLong(0),
        table.isEmpty() ? Route.TABLE_MAIN : TABLES.containsKey(table) ? TABLES.get(table) : tableId(table),
        proto.isEmpty() ? 0 : PROTOCOLS.getOrDefault(proto, parseIntOr(proto, 0)), scope(text(r, "scope")), typeNo,
        prefsrc.isEmpty() ? null : parseAddress(prefsrc, "prefsrc"));
  }

  // ---------------------------------------------------------------- neighbours

  /** {@code ip -json neigh show nud all} or {@code ip -json neigh show proxy}. */
  public static List<Neighbour> neighbours(JsonNode array, Map<String, Integer> index) {
    return guard("neighbours", () -> neighbours0(array, index));
  }

  private static List<Neighbour> neighbours0(JsonNode array, Map<String, Integer> index) {
    List<Neighbour> out = new ArrayList<>();
    for (JsonNode n : array) {
      String dst = text(n, "dst");
      if (dst.isEmpty()) {
        continue;
      }
      int state = 0;
      for (JsonNode s : n.path("state")) {
        state |= NUD.getOrDefault(s.asText(), 0);
      }
      int flags = 0;
      var fields = n.fieldNames();
      while (fields.hasNext()) {
        Integer bit = NEIGH_FLAGS.get(fields.next());
        if (bit != null) {
          flags |= bit;
        }
      }
      String dev = text(n, "dev");
      // ip prints the protocol by name when its table knows the number (openr), else the number (171)
      String proto = text(n, "protocol");
      out.add(new Neighbour(parseAddress(dst, "neighbour"), dev.isEmpty() ? 0 : indexOf(index, dev), dev,
          text(n, "lladdr"), NudState.of(state), flags,
          proto.isEmpty() ? 0 : PROTOCOLS.getOrDefault(proto, parseIntOr(proto, 0))));
    }
    return out;
  }

  // ---------------------------------------------------------------- helpers

  /** Output from a remote host is untrusted: whatever it holds fails as NetlinkException EBADMSG. */
  private static <T> T guard(String what, java.util.function.Supplier<T> parse) {
    try {
      return parse.get();
    } catch (NetlinkException e) {
      throw e;
    } catch (RuntimeException e) {
      throw malformed(what, e.toString());
    }
  }

  private static int scope(String s) {
    if (s.isEmpty()) {
      return 0;
    }
    Integer v = SCOPES.get(s);
    return v != null ? v : parseIntOr(s, 0);
  }

  private static InetAddress parseAddress(String s, String what) {
    try {
      return IpAddresses.parse(s);
    } catch (RuntimeException e) {
      throw malformed(what, "'" + s + "' is not an address");
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? "" : v.asText();
  }

  /** A table id as ip prints it: unsigned 32-bit, so above 2^31 too (main when unreadable). */
  private static long tableId(String s) {
    try {
      long t = Long.parseLong(s);
      return t > 0 && t <= Route.TABLE_MAX ? t : Route.TABLE_MAIN;
    } catch (NumberFormatException e) {
      return Route.TABLE_MAIN;
    }
  }

  private static int parseIntOr(String s, int fallback) {
    return parseIntOr(s, 10, fallback);
  }

  private static int parseIntOr(String s, int radix, int fallback) {
    try {
      return (int) Long.parseLong(s, radix);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  private static NetlinkException malformed(String what, String detail) {
    return new NetlinkException(EBADMSG, "read ip -json output", what, "unexpected output from ip: " + detail);
  }
}
