package dev.sixkit.cli;

import dev.sixkit.netlink.Address;
import dev.sixkit.netlink.IpAddresses;
import dev.sixkit.netlink.Route;
import dev.sixkit.netlink.IpPrefix;
import dev.sixkit.netlink.Netlink;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sixkit show addresses} and {@code sixkit show routes}: sdk-netlink's records printed the
 * way iproute2 prints them.
 *
 * <p>Stateless; thread-safe.
 */
final class ShowAddressesRoutes {
  private ShowAddressesRoutes() {}

  static List<Address> readAddresses(Netlink nl) {
    return nl.addresses().list();
  }

  /** Every table's routes; the caller filters by table and family as ip does. */
  static List<Route> readRoutes(Netlink nl) {
    return nl.routes().query().allTables().list();
  }

  @Command(name = "addresses", aliases = {"address", "addr"}, mixinStandardHelpOptions = true,
      description = "Interface addresses, like ip address show (JSON: one object per address).")
  static final class Addresses implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ShowCommand.Target target = new ShowCommand.Target();

    @ArgGroup(exclusive = true)
    ShowCommand.Family family;

    @Option(names = "--dev", paramLabel = "IFNAME", description = "Addresses of this interface only.")
    String dev;

    @Override
    public Integer call() {
      List<Address> all;
      try (Netlink nl = target.open()) {
        if (dev != null) {
          nl.links().index(dev); // a missing interface fails (ENODEV, exit 1) instead of showing nothing
        }
        all = readAddresses(nl);
      }
      List<Address> shown = new ArrayList<>();
      for (Address a : all) {
        if (ShowCommand.Family.accepts(family, a.prefix().address()) && (dev == null || dev.equals(a.device()))) {
          shown.add(a);
        }
      }
      shown.sort(Comparator.comparingInt(Address::ifindex));
      target.print(spec, addressesJson(shown), addressesText(shown));
      return Main.OK;
    }
  }

  @Command(name = "routes", aliases = {"route"}, mixinStandardHelpOptions = true,
      description = "Routes, like ip route show (main table unless --table).")
  static final class Routes implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ShowCommand.Target target = new ShowCommand.Target();

    @ArgGroup(exclusive = true)
    ShowCommand.Family family;

    @Option(names = "--table", paramLabel = "TABLE", defaultValue = "main",
        description = "main, local, default, all, or a number (default: ${DEFAULT-VALUE}).")
    String table;

    @Override
    public Integer call() {
      long wanted;
      try {
        wanted = tableId(table);
      } catch (Main.CliException e) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage()); // usage error: exit 2
      }
      List<Route> all;
      try (Netlink nl = target.open()) {
        all = readRoutes(nl);
      }
      List<Route> shown = new ArrayList<>();
      for (Route r : all) {
        if (ShowCommand.Family.accepts(family, r.destination().address()) && (wanted < 0 || r.table() == wanted)) {
          shown.add(r);
        }
      }
      // ip leaves the table out when one table other than main was asked for
      boolean one = wanted > 0 && wanted != Route.TABLE_MAIN;
      target.print(spec, routesJson(shown, wanted < 0, one), routesText(shown, wanted < 0, one));
      return Main.OK;
    }
  }

  // ---- names as iproute2 prints them ----

  /** A table name or unsigned 32-bit id (1 to 4294967295, as ip takes); -1 for "all". */
  static long tableId(String t) {
    switch (t) {
      case "all": return -1;
      case "main": return 254;
      case "local": return 255;
      case "default": return 253;
      default:
        if (t.matches("\\d{1,10}")) {
          long n = Long.parseLong(t);
          if (n >= 1 && n <= Route.TABLE_MAX) {
            return n;
          }
        }
        throw new Main.CliException("unknown routing table '" + t
            + "': use main, local, default, all or a number from 1 to " + Route.TABLE_MAX);
    }
  }

  static String tableName(long t) {
    return Route.tableName(t);
  }

  static String scopeName(int s) {
    switch (s) {
      case 0: return "global";
      case 200: return "site";
      case 253: return "link";
      case 254: return "host";
      case 255: return "nowhere";
      default: return Integer.toString(s);
    }
  }

  static String protocolName(int p) {
    switch (p) {
      case 0: return "unspec";
      case 1: return "redirect";
      case 2: return "kernel";
      case 3: return "boot";
      case 4: return "static";
      case 8: return "gated";
      case 9: return "ra";
      case 10: return "mrt";
      case 11: return "zebra";
      case 12: return "bird";
      case 16: return "dhcp";
      case 18: return "keepalived";
      case 42: return "babel";
      case 186: return "bgp";
      case 187: return "isis";
      case 188: return "ospf";
      case 189: return "rip";
      default: return Integer.toString(p);
    }
  }

  private static final String[] TYPES = {"unspec", "unicast", "local", "broadcast", "anycast", "multicast",
      "blackhole", "unreachable", "prohibit", "throw", "nat", "xresolve"};

  static String typeName(int t) {
    return t >= 0 && t < TYPES.length ? TYPES[t] : Integer.toString(t);
  }

  // IFA_F_* in iproute2's print order; "dynamic" is the absence of PERMANENT.
  private static final Object[][] ADDR_FLAGS = {
      {0x01, "secondary"}, {0x04, "optimistic"}, {0x02, "nodad"}, {0x08, "dadfailed"}, {0x10, "home"},
      {0x20, "deprecated"}, {0x40, "tentative"}, {0x100, "mngtmpaddr"}, {0x200, "noprefixroute"},
      {0x400, "autojoin"}, {0x800, "stable-privacy"}};
  private static final int IFA_F_PERMANENT = 0x80;
  private static final long FOREVER = 0xffffffffL;

  static List<String> addressFlags(Address a) {
    List<String> out = new ArrayList<>();
    boolean v4 = a.prefix().address() instanceof Inet4Address;
    for (Object[] f : ADDR_FLAGS) {
      if ((a.flags() & (Integer) f[0]) != 0) {
        // The kernel's SECONDARY bit means "temporary" for IPv6 (privacy addresses).
        out.add((Integer) f[0] == 0x01 && !v4 ? "temporary" : (String) f[1]);
      }
    }
    if ((a.flags() & IFA_F_PERMANENT) == 0) {
      out.add(0, "dynamic");
    }
    return out;
  }

  static List<Map<String, Object>> addressesJson(List<Address> list) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Address a : list) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("ifindex", a.ifindex());
      m.put("ifname", a.device());
      m.put("family", a.prefix().address() instanceof Inet4Address ? "inet" : "inet6");
      m.put("local", IpAddresses.format(a.prefix().address()));
      m.put("prefixlen", a.prefix().length());
      m.put("scope", scopeName(a.scope()));
      for (String f : addressFlags(a)) {
        m.put(f, true);
      }
      if (a.label() != null && !a.label().isEmpty()) {
        m.put("label", a.label());
      }
      m.put("valid_life_time", a.validLifetime());
      m.put("preferred_life_time", a.preferredLifetime());
      rows.add(m);
    }
    return rows;
  }

  private static String lifetime(long s) {
    return s == FOREVER ? "forever" : s + "sec";
  }

  static List<String> addressesText(List<Address> list) {
    List<String> lines = new ArrayList<>();
    int last = -1;
    for (Address a : list) {
      if (a.ifindex() != last) {
        lines.add(a.ifindex() + ": " + a.device() + ":");
        last = a.ifindex();
      }
      StringBuilder sb = new StringBuilder("    ");
      sb.append(a.prefix().address() instanceof Inet4Address ? "inet " : "inet6 ").append(a.prefix())
          .append(" scope ").append(scopeName(a.scope()));
      for (String f : addressFlags(a)) {
        sb.append(' ').append(f);
      }
      if (a.label() != null && !a.label().isEmpty() && a.prefix().address() instanceof Inet4Address) {
        sb.append(' ').append(a.label());
      }
      lines.add(sb.toString());
      lines.add("       valid_lft " + lifetime(a.validLifetime()) + " preferred_lft " + lifetime(a.preferredLifetime()));
    }
    return lines;
  }

  private static String destination(Route r) {
    IpPrefix d = r.destination();
    if (d.length() == 0) {
      return "default";
    }
    boolean host = d.length() == (d.address() instanceof Inet4Address ? 32 : 128);
    return host ? IpAddresses.format(d.address()) : d.toString();
  }

  static List<Map<String, Object>> routesJson(List<Route> list, boolean allTables) {
    return routesJson(list, allTables, false);
  }

  static List<Map<String, Object>> routesJson(List<Route> list, boolean allTables, boolean oneTable) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Route r : list) {
      Map<String, Object> m = new LinkedHashMap<>();
      if (r.type() != 1) {
        m.put("type", typeName(r.type()));
      }
      m.put("dst", destination(r));
      if (r.gateway() != null) {
        m.put("gateway", IpAddresses.format(r.gateway()));
      }
      if (r.device() != null && !r.device().isEmpty()) {
        m.put("dev", r.device());
      }
      if (!oneTable && (allTables || r.table() != 254)) {
        m.put("table", tableName(r.table()));
      }
      if (r.protocol() != 3) {
        m.put("protocol", protocolName(r.protocol()));
      }
      if (r.scope() != 0) {
        m.put("scope", scopeName(r.scope()));
      }
      if (!(r.destination().address() instanceof Inet4Address) || r.metric() != 0) {
        m.put("metric", Integer.toUnsignedLong(r.metric()));
      }
      if (r.preferredSource() != null) {
        m.put("prefsrc", IpAddresses.format(r.preferredSource()));
      }
      rows.add(m);
    }
    return rows;
  }

  static List<String> routesText(List<Route> list, boolean allTables) {
    return routesText(list, allTables, false);
  }

  static List<String> routesText(List<Route> list, boolean allTables, boolean oneTable) {
    List<String> lines = new ArrayList<>();
    for (Route r : list) {
      StringBuilder sb = new StringBuilder();
      if (r.type() != 1) {
        sb.append(typeName(r.type())).append(' ');
      }
      sb.append(destination(r));
      if (r.gateway() != null) {
        sb.append(" via ").append(IpAddresses.format(r.gateway()));
      }
      if (r.device() != null && !r.device().isEmpty()) {
        sb.append(" dev ").append(r.device());
      }
      if (allTables || r.table() != 254) {
        sb.append(" table ").append(tableName(r.table()));
      }
      if (r.protocol() != 3) {
        sb.append(" proto ").append(protocolName(r.protocol()));
      }
      if (r.scope() != 0) {
        sb.append(" scope ").append(scopeName(r.scope()));
      }
      if (r.preferredSource() != null) {
        sb.append(" src ").append(IpAddresses.format(r.preferredSource()));
      }
      if (!(r.destination().address() instanceof Inet4Address) || r.metric() != 0) {
        sb.append(" metric ").append(Integer.toUnsignedLong(r.metric()));
      }
      lines.add(sb.toString());
    }
    return lines;
  }
}
