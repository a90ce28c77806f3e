package dev.sixkit.cli;

import dev.sixkit.netlink.IpAddresses;
import dev.sixkit.netlink.Link;
import dev.sixkit.netlink.Neighbour;
import dev.sixkit.netlink.Netlink;
import dev.sixkit.netlink.NudState;
import java.io.PrintWriter;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.HashMap;
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
 * {@code sixkit show ...}: kernel state of one namespace, printed like iproute2 prints it, or as
 * JSON whose field names follow {@code ip -json}.
 *
 * <p>One instance per invocation; not shared between threads.
 */
@Command(name = "show", mixinStandardHelpOptions = true,
    description = "Show links, addresses, routes, neighbours or proxy entries of a namespace.",
    subcommands = {ShowCommand.Links.class, ShowAddressesRoutes.Addresses.class, ShowAddressesRoutes.Routes.class,
        ShowCommand.Neighbours.class, ShowCommand.Proxy.class})
final class ShowCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
        "say what to show: links, addresses, routes, neighbours or proxy");
  }

  /** Options every show command takes. */
  static final class Target {
    @Option(names = "--netns", paramLabel = "NAME",
        description = "Namespace (as ip netns names it); default: this process's own.")
    String netns;

    @Option(names = {"-j", "--json"}, description = "Print a JSON array (field names as ip -json).")
    boolean json;

    @Option(names = {"-p", "--pretty"}, description = "Indent the JSON.")
    boolean pretty;

    Netlink open() {
      return netns == null ? Netlink.open() : Netlink.open(netns);
    }

    void print(CommandSpec spec, List<Map<String, Object>> rows, List<String> lines) {
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(Json.write(rows, pretty));
      } else {
        lines.forEach(out::println);
      }
      out.flush();
    }
  }

  /** IPv4/IPv6 selection, as ip's -4 and -6. */
  static final class Family {
    @Option(names = {"-4", "--ipv4"}, description = "IPv4 only.")
    boolean v4;

    @Option(names = {"-6", "--ipv6"}, description = "IPv6 only.")
    boolean v6;

    static boolean accepts(Family f, java.net.InetAddress a) {
      if (f == null) {
        return true;
      }
      return (f.v4 && a instanceof Inet4Address) || (f.v6 && a instanceof Inet6Address) || (!f.v4 && !f.v6);
    }
  }

  @Command(name = "links", aliases = "link", mixinStandardHelpOptions = true,
      description = "Network interfaces, like ip link show.")
  static final class Links implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Target target = new Target();

    @Override
    public Integer call() {
      List<Link> links;
      try (Netlink nl = target.open()) {
        links = nl.links().list();
      }
      target.print(spec, linksJson(links), linksText(links));
      return Main.OK;
    }
  }

  @Command(name = "neighbours", aliases = {"neighbors", "neigh"}, mixinStandardHelpOptions = true,
      description = "Neighbour (NDP/ARP) entries, like ip neigh show.")
  static final class Neighbours implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Target target = new Target();

    @ArgGroup(exclusive = true)
    Family family;

    @Option(names = "--dev", paramLabel = "IFNAME", description = "Entries on this interface only.")
    String dev;

    @Option(names = "--all", description = "Every state, NOARP and NONE included (as ip neigh show nud all).")
    boolean allStates;

    @Override
    public Integer call() {
      List<Neighbour> all;
      try (Netlink nl = target.open()) {
        dev.sixkit.netlink.Neighbours.Query q = nl.neighbours().query();
        if (dev != null) {
          q = q.dev(dev);
        }
        all = q.list();
      }
      // Like ip neigh show: NOARP and NONE entries (multicast, loopback) only when asked for.
      printNeighbours(spec, target, family, all,
          n -> allStates || (n.state() != NudState.NOARP && n.state() != NudState.NONE));
      return Main.OK;
    }
  }

  /** Prints the entries of the family asked for that {@code keep} accepts, as a table or JSON. */
  static void printNeighbours(CommandSpec spec, Target target, Family family, List<Neighbour> all,
      java.util.function.Predicate<Neighbour> keep) {
    List<Neighbour> shown = new ArrayList<>();
    for (Neighbour n : all) {
      if (keep.test(n) && Family.accepts(family, n.address())) {
        shown.add(n);
      }
    }
    target.print(spec, neighboursJson(shown), neighboursText(shown));
  }

  @Command(name = "proxy", aliases = "proxies", mixinStandardHelpOptions = true,
      description = "Proxy neighbour entries (NDP proxy), like ip -6 neigh show proxy.")
  static final class Proxy implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Target target = new Target();

    @ArgGroup(exclusive = true)
    Family family;

    @Option(names = "--dev", paramLabel = "IFNAME", description = "Entries on this interface only.")
    String dev;

    @Override
    public Integer call() {
      List<Neighbour> all;
      try (Netlink nl = target.open()) {
        dev.sixkit.netlink.Neighbours.ProxyQuery q = nl.neighbours().proxies();
        if (dev != null) {
          q = q.dev(dev);
        }
        all = q.list();
      }
      printNeighbours(spec, target, family, all, n -> true);
      return Main.OK;
    }
  }

  // ---- links ----

  private static final int IFF_LOOPBACK = 0x8;
  private static final int IFF_RUNNING = 0x40;
  // iproute2's order (print_link_flags), RUNNING never shown.
  private static final Object[][] LINK_FLAGS = {
      {0x8, "LOOPBACK"}, {0x2, "BROADCAST"}, {0x10, "POINTOPOINT"}, {0x1000, "MULTICAST"}, {0x80, "NOARP"},
      {0x200, "ALLMULTI"}, {0x100, "PROMISC"}, {0x400, "MASTER"}, {0x800, "SLAVE"}, {0x4, "DEBUG"},
      {0x8000, "DYNAMIC"}, {0x4000, "AUTOMEDIA"}, {0x2000, "PORTSEL"}, {0x20, "NOTRAILERS"}, {0x1, "UP"},
      {0x10000, "LOWER_UP"}, {0x20000, "DORMANT"}, {0x40000, "ECHO"}};

  static List<String> linkFlags(int flags) {
    List<String> out = new ArrayList<>();
    if ((flags & Link.IFF_UP) != 0 && (flags & IFF_RUNNING) == 0) {
      out.add("NO-CARRIER");
    }
    for (Object[] f : LINK_FLAGS) {
      if ((flags & (Integer) f[0]) != 0) {
        out.add((String) f[1]);
      }
    }
    return out;
  }

  /** The peer's name when the IFLA_LINK index is a link here that points back (a same-namespace veth pair). */
  private static String peerName(Link l, Map<Integer, Link> byIndex) {
    if (l.linkIndex() == 0 || l.linkIndex() == l.index()) {
      return null;
    }
    Link p = byIndex.get(l.linkIndex());
    return p != null && p.linkIndex() == l.index() ? p.name() : null;
  }

  private static Map<Integer, Link> byIndex(List<Link> links) {
    Map<Integer, Link> m = new HashMap<>();
    for (Link l : links) {
      m.put(l.index(), l);
    }
    return m;
  }

  static String linkType(Link l) {
    if ((l.flags() & IFF_LOOPBACK) != 0) {
      return "loopback";
    }
    return l.mac().length() == 17 ? "ether" : "none";
  }

  static List<Map<String, Object>> linksJson(List<Link> links) {
    Map<Integer, Link> idx = byIndex(links);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Link l : links) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("ifindex", l.index());
      String peer = peerName(l, idx);
      if (peer != null) {
        m.put("link", peer);
      } else if (l.linkIndex() != 0 && l.linkIndex() != l.index()) {
        m.put("link_index", l.linkIndex());
      }
      m.put("ifname", l.name());
      m.put("flags", linkFlags(l.flags()));
      m.put("mtu", l.mtu());
      if (l.masterIndex() != 0) {
        Link master = idx.get(l.masterIndex());
        m.put("master", master != null ? master.name() : "if" + l.masterIndex());
      }
      m.put("operstate", l.operState());
      m.put("link_type", linkType(l));
      if (!l.mac().isEmpty()) {
        m.put("address", l.mac());
      }
      if (!l.kind().isEmpty()) {
        m.put("linkinfo", Map.of("info_kind", l.kind()));
      }
      rows.add(m);
    }
    return rows;
  }

  static List<String> linksText(List<Link> links) {
    Map<Integer, Link> idx = byIndex(links);
    List<String> lines = new ArrayList<>();
    for (Link l : links) {
      StringBuilder sb = new StringBuilder();
      sb.append(l.index()).append(": ").append(l.name());
      String peer = peerName(l, idx);
      if (peer != null) {
        sb.append('@').append(peer);
      } else if (l.linkIndex() != 0 && l.linkIndex() != l.index()) {
        sb.append("@if").append(l.linkIndex());
      }
      sb.append(": <").append(String.join(",", linkFlags(l.flags()))).append("> mtu ").append(l.mtu());
      if (l.masterIndex() != 0) {
        Link master = idx.get(l.masterIndex());
        sb.append(" master ").append(master != null ? master.name() : "if" + l.masterIndex());
      }
      sb.append(" state ").append(l.operState());
      lines.add(sb.toString());
      StringBuilder second = new StringBuilder("    link/").append(linkType(l));
      if (!l.mac().isEmpty()) {
        second.append(' ').append(l.mac());
      }
      if (!l.kind().isEmpty()) {
        second.append(" kind ").append(l.kind());
      }
      lines.add(second.toString());
    }
    return lines;
  }

  // ---- neighbours and proxy entries ----

  static List<Map<String, Object>> neighboursJson(List<Neighbour> list) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Neighbour n : list) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("dst", IpAddresses.format(n.address()));
      if (!n.device().isEmpty()) {
        m.put("dev", n.device());
      }
      if (!n.lladdr().isEmpty()) {
        m.put("lladdr", n.lladdr());
      }
      if (n.isRouter()) {
        m.put("router", null); // ip -json prints flags as "name": null
      }
      if (n.isProxy()) {
        m.put("proxy", null);
      } else {
        m.put("state", List.of(n.state().name()));
      }
      rows.add(m);
    }
    return rows;
  }

  static List<String> neighboursText(List<Neighbour> list) {
    List<String> lines = new ArrayList<>(list.size());
    for (Neighbour n : list) {
      lines.add(n.toString());
    }
    return lines;
  }
}
