package dev.sixkit.firewall;

import dev.sixkit.SixkitException;
import dev.sixkit.netlink.IpPrefix;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A host's IPv6 packet filter as read at one moment (the iptables-nft and iptables-legacy tables,
 * with counters), with the host's IPv6 routes and local addresses so a packet's way out can be
 * found, and a pure evaluator: {@link #verdict(String, String)} says whether the first packet of a
 * connection from an interface to an address is dropped, and by which rule.
 *
 * <p>nftables tables iptables does not show (Docker 29's own backend) are evaluated too, by
 * {@link Nftables}, after the iptables chains.
 *
 * <p>The evaluator follows the forwarding path (raw, mangle and nat PREROUTING, the route, mangle
 * and filter FORWARD, mangle and nat POSTROUTING) through user chains, jumps, gotos and returns.
 * It knows the matches Docker's rules use: addresses, interfaces (with {@code +}), protocol,
 * ports, conntrack state (the packet is NEW), addrtype, comments, ICMPv6 type. A rule with any
 * other match is assumed not to match and named in {@link Verdict#notes()}.
 *
 * <p>Immutable; thread-safe.
 */
public final class Ruleset {
  /**
   * An IPv6 route of the host: destination prefix and device. Immutable record; thread-safe.
   *
   * @param prefix the destination, such as 2001:db8:ab11:0:8000::/66
   * @param device the interface it goes out of
   */
  public record Route(String prefix, String device) {}

  private static final Set<String> NAT_TARGETS = Set.of("DNAT", "SNAT", "MASQUERADE", "REDIRECT", "NETMAP");
  private static final List<String[]> FORWARD_PATH = List.of(new String[] {"raw", "PREROUTING"},
      new String[] {"mangle", "PREROUTING"}, new String[] {"nat", "PREROUTING"}, new String[] {"mangle", "FORWARD"},
      new String[] {"filter", "FORWARD"}, new String[] {"mangle", "POSTROUTING"}, new String[] {"nat", "POSTROUTING"});

  /** backend -> "table/chain" -> chain, in the order read. */
  private final Map<String, Map<String, Chain>> backends;
  private final List<Route> routes;
  private final List<String> localAddresses;
  private final List<String> notes;
  private final Optional<Nftables> nftables;

  /**
   * A ruleset from chains already read (see {@link #parseSave}); {@link Firewall#read} builds one.
   *
   * @param chainsByBackend the chains per backend ("iptables-nft", "iptables-legacy"), each in save order
   * @param routes the host's IPv6 routes, for the packet's way out
   * @param localAddresses the host's own IPv6 addresses, for addrtype LOCAL matches
   * @param notes what the read could not see
   * @throws NullPointerException if an argument is null
   */
  public Ruleset(Map<String, List<Chain>> chainsByBackend, List<Route> routes, List<String> localAddresses,
      List<String> notes) {
    this(chainsByBackend, Optional.empty(), routes, localAddresses, notes);
  }

  /**
   * A ruleset with nftables tables besides the iptables backends' chains: those iptables does not
   * show (Docker 29's {@code ip6 docker-bridges}), or all of them when no iptables backend ran.
   * They are evaluated after the iptables chains, hook by hook in their priority order.
   *
   * @param chainsByBackend the iptables chains per backend ({@code iptables-nft}, {@code iptables-legacy})
   * @param nftables the nftables tables to evaluate besides them, or empty
   * @param routes the host's IPv6 routes (where a packet goes out)
   * @param localAddresses the host's own IPv6 addresses
   * @param notes what the read could not see
   */
  public Ruleset(Map<String, List<Chain>> chainsByBackend, Optional<Nftables> nftables, List<Route> routes,
      List<String> localAddresses, List<String> notes) {
    this.nftables = java.util.Objects.requireNonNull(nftables, "nftables");
    Map<String, Map<String, Chain>> b = new LinkedHashMap<>();
    chainsByBackend.forEach((backend, chains) -> {
      Map<String, Chain> m = new LinkedHashMap<>();
      for (Chain c : chains) {
        m.put(c.table() + "/" + c.name(), c);
      }
      b.put(backend, m);
    });
    this.backends = b;
    this.routes = List.copyOf(routes);
    this.localAddresses = List.copyOf(localAddresses);
    this.notes = List.copyOf(notes);
  }

  /**
   * Parses {@code ip6tables-save -c} output (of either backend; counters optional).
   *
   * @param text the whole output
   * @param backend the backend's name, recorded in each rule
   * @return the chains in the order they appear, with their policies and rules; empty for empty text
   * @throws SixkitException when a line is not in that format (naming the line number)
   */
  public static List<Chain> parseSave(String text, String backend) {
    Map<String, Optional<Rule>> policies = new LinkedHashMap<>();
    Map<String, List<Rule>> rules = new LinkedHashMap<>();
    String table = null;
    int n = 0;
    for (String raw : text.split("\n")) {
      n++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.equals("COMMIT")) {
        continue;
      }
      if (line.startsWith("*")) {
        table = line.substring(1);
        continue;
      }
      if (table == null) {
        throw new SixkitException("read packet filter", backend, "line " + n + " is outside a table: " + line);
      }
      if (line.startsWith(":")) {
        String[] w = line.substring(1).split("\\s+");
        long[] c = w.length > 2 ? counters(w[2]) : new long[2];
        String key = table + "/" + w[0];
        policies.put(key, w.length > 1 && !w[1].equals("-")
            ? Optional.of(new Rule(table, w[0], "-P " + w[0] + " " + w[1], c[0], c[1], backend)) : Optional.empty());
        rules.putIfAbsent(key, new ArrayList<>());
        continue;
      }
      long[] c = new long[2];
      if (line.startsWith("[")) {
        int end = line.indexOf(']');
        c = counters(line.substring(0, end + 1));
        line = line.substring(end + 1).strip();
      }
      List<String> w = Words.split(line);
      if (w.size() < 2 || !w.get(0).equals("-A")) {
        throw new SixkitException("read packet filter", backend, "line " + n + " is not a rule: " + raw);
      }
      String key = table + "/" + w.get(1);
      rules.computeIfAbsent(key, k -> new ArrayList<>()).add(new Rule(table, w.get(1), line, c[0], c[1], backend));
    }
    List<Chain> out = new ArrayList<>();
    rules.forEach((key, list) -> {
      String[] tc = key.split("/", 2);
      out.add(new Chain(tc[0], tc[1], policies.getOrDefault(key, Optional.empty()), list));
    });
    return out;
  }

  private static long[] counters(String bracketed) {
    String[] pb = bracketed.replace("[", "").replace("]", "").split(":");
    try {
      return new long[] {Long.parseLong(pb[0]), pb.length > 1 ? Long.parseLong(pb[1]) : 0};
    } catch (NumberFormatException e) {
      return new long[2];
    }
  }

  // ---------------------------------------------------------------- reads

  /**
   * The chains read, per backend.
   *
   * @return backend name to its chains in save order; a new map
   */
  public Map<String, List<Chain>> chains() {
    Map<String, List<Chain>> out = new LinkedHashMap<>();
    backends.forEach((b, m) -> out.put(b, List.copyOf(m.values())));
    return out;
  }

  /**
   * A chain of a table, in any backend (the first that has it).
   *
   * @param table such as raw or filter
   * @param name such as PREROUTING or DOCKER
   * @return the chain; empty when no backend has it
   */
  public Optional<Chain> chain(String table, String name) {
    return backends.values().stream().map(m -> m.get(table + "/" + name)).filter(c -> c != null).findFirst();
  }

  /**
   * The host's IPv6 routes as read with the rules.
   *
   * @return the routes of the main table
   */
  public List<Route> routes() {
    return routes;
  }

  /**
   * The nftables tables evaluated besides the iptables chains.
   *
   * @return those tables (see the constructor), or empty
   */
  public Optional<Nftables> nftables() {
    return nftables;
  }

  /**
   * What the read could not see (an nftables table iptables does not show, a backend that failed).
   *
   * @return one line each; empty when everything was read
   */
  public List<String> notes() {
    return notes;
  }

  /**
   * Whether no backend has any rule or non-ACCEPT policy: nothing filters.
   *
   * @return true when every packet passes unexamined
   */
  public boolean empty() {
    return nftables.map(n -> n.tables().isEmpty()).orElse(true) && backends.values().stream().flatMap(m -> m.values().stream())
        .allMatch(c -> c.rules().isEmpty() && c.policy().map(p -> p.text().endsWith(" ACCEPT")).orElse(true));
  }

  // ---------------------------------------------------------------- evaluation

  /**
   * The device the host's routes send an address out of (longest prefix).
   *
   * @param to the destination
   * @return the device; empty when no IPv6 route covers it
   */
  public Optional<String> routeDevice(InetAddress to) {
    Route best = null;
    int bestLen = -1;
    for (Route r : routes) {
      IpPrefix p = IpPrefix.parse(r.prefix());
      if (!p.isV4() && p.contains(to) && p.length() > bestLen) {
        best = r;
        bestLen = p.length();
      }
    }
    return Optional.ofNullable(best).map(Route::device);
  }

  /**
   * Whether an echo request (ping6) arriving on {@code fromIface} for {@code toAddr} gets through.
   *
   * @param fromIface the interface it arrives on, such as eth0
   * @param toAddr an IPv6 address (a prefix length is ignored)
   * @return the verdict
   * @throws SixkitException if the address is not IPv6 or the host has no route to it
   */
  public Verdict verdict(String fromIface, String toAddr) {
    InetAddress to = address(toAddr);
    String out = routeDevice(to).orElseThrow(() -> new SixkitException("evaluate packet filter", toAddr,
        "the host has no IPv6 route to it (routes: " + routes + ")"));
    return verdict(Packet.ping(fromIface, out, to));
  }

  /**
   * Whether a TCP connection from {@code fromIface} to {@code toAddr} port {@code port} gets through.
   *
   * @param fromIface the interface it arrives on
   * @param toAddr an IPv6 address
   * @param port the destination port
   * @return the verdict
   * @throws SixkitException if the address is not IPv6 or the host has no route to it
   */
  public Verdict verdictTcp(String fromIface, String toAddr, int port) {
    InetAddress to = address(toAddr);
    String out = routeDevice(to).orElseThrow(() -> new SixkitException("evaluate packet filter", toAddr,
        "the host has no IPv6 route to it"));
    return verdict(Packet.tcp(fromIface, out, to, port));
  }

  /**
   * Whether the packet gets through every hook of the forwarding path, and what decided.
   *
   * @param p the packet, its outgoing interface already chosen
   * @return the verdict, with the matching rules and what could not be evaluated
   */
  public Verdict verdict(Packet p) {
    List<Rule> path = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (String[] hook : FORWARD_PATH) {
      for (Map<String, Chain> chains : backends.values()) {
        Chain c = chains.get(hook[0] + "/" + hook[1]);
        if (c == null) {
          continue;
        }
        Outcome o = walk(chains, c, p, path, notes, 0);
        Rule decisive = o.rule;
        if (o.kind == Kind.FALLTHROUGH || o.kind == Kind.RETURN) {
          decisive = c.policy().orElse(null);
          if (decisive != null && !decisive.text().endsWith(" ACCEPT")) {
            path.add(decisive);
            return new Verdict(p, false, Optional.of(decisive), path, notes);
          }
        } else if (o.kind == Kind.DROP) {
          return new Verdict(p, false, Optional.of(decisive), path, notes);
        }
      }
    }
    if (nftables.isPresent()) {
      Verdict v = nftables.get().verdict(p, localAddresses);
      path.addAll(v.path());
      notes.addAll(v.notes());
      return new Verdict(p, v.passes(), v.by(), path, notes);
    }
    return new Verdict(p, true, Optional.empty(), path, notes);
  }

  private enum Kind { ACCEPT, DROP, RETURN, FALLTHROUGH }

  private record Outcome(Kind kind, Rule rule) {}

  private Outcome walk(Map<String, Chain> chains, Chain c, Packet p, List<Rule> path, List<String> notes, int depth) {
    if (depth > 32) {
      notes.add("chain nesting deeper than 32 at " + c.table() + " " + c.name() + ": stopped");
      return new Outcome(Kind.FALLTHROUGH, null);
    }
    for (Rule r : c.rules()) {
      List<String> w = r.words();
      if (!matches(w, p, r, notes)) {
        continue;
      }
      int j = w.indexOf("-j");
      int g = w.indexOf("-g");
      int t = j >= 0 ? j : g;
      if (t < 0 || t + 1 >= w.size()) {
        continue; // a counting rule
      }
      String target = w.get(t + 1);
      switch (target) {
        case "ACCEPT" -> {
          path.add(r);
          return new Outcome(Kind.ACCEPT, r);
        }
        case "DROP", "REJECT" -> {
          path.add(r);
          return new Outcome(Kind.DROP, r);
        }
        case "RETURN" -> {
          path.add(r);
          return new Outcome(Kind.RETURN, r);
        }
        default -> {
          if (NAT_TARGETS.contains(target)) {
            path.add(r);
            return new Outcome(Kind.ACCEPT, r);
          }
          Chain sub = chains.get(c.table() + "/" + target);
          if (sub == null) {
            continue; // LOG, MARK, CT, NOTRACK ...: not a verdict
          }
          path.add(r);
          Outcome o = walk(chains, sub, p, path, notes, depth + 1);
          if (o.kind == Kind.ACCEPT || o.kind == Kind.DROP) {
            return o;
          }
          if (g >= 0) {
            return new Outcome(Kind.RETURN, r); // a goto's chain returns to our caller
          }
        }
      }
    }
    return new Outcome(Kind.FALLTHROUGH, null);
  }

  /** Whether every match of the rule holds for the packet. */
  private boolean matches(List<String> w, Packet p, Rule r, List<String> notes) {
    boolean neg = false;
    for (int i = 0; i < w.size(); i++) {
      String opt = w.get(i);
      if (opt.equals("!")) {
        neg = true;
        continue;
      }
      if (opt.equals("-j") || opt.equals("-g")) {
        return true;
      }
      String v = i + 1 < w.size() ? w.get(i + 1) : "";
      Boolean m;
      switch (opt) {
        case "-m", "--match" -> {
          i++;
          continue;
        }
        case "-c" -> {
          i += 2;
          continue;
        }
        case "--comment" -> {
          i++;
          neg = false;
          continue;
        }
        case "-d", "--destination" -> m = prefixContains(v, p.destination());
        case "-s", "--source" -> m = false; // the source is a remote address outside the host's prefixes
        case "-i", "--in-interface" -> m = ifaceMatches(v, p.inIface());
        case "-o", "--out-interface" -> m = ifaceMatches(v, p.outIface());
        case "-p", "--protocol" -> m = protocolMatches(v, p.protocol());
        case "--dport", "--destination-port" -> m = p.port().isPresent() && portIn(v, p.port().getAsInt());
        case "--dports", "--destination-ports" -> m = p.port().isPresent() && portsIn(v, p.port().getAsInt());
        case "--ctstate", "--state" -> m = List.of(v.split(",")).contains("NEW");
        case "--dst-type" -> m = dstType(v, p.destination());
        case "--src-type" -> m = !v.contains("LOCAL") && (v.contains("UNICAST") || v.contains("UNSPEC"));
        case "--icmpv6-type" -> m = v.equals("echo-request") || v.equals("128") || v.startsWith("128/");
        default -> {
          notes.add("not evaluated (unknown match " + opt + "), assumed not to match: " + r);
          return false;
        }
      }
      if (m == neg) {
        return false;
      }
      neg = false;
      i++;
    }
    return true;
  }

  private static boolean prefixContains(String prefix, InetAddress a) {
    IpPrefix p = IpPrefix.parse(prefix.contains("/") ? prefix : prefix + "/128");
    return !p.isV4() && p.contains(a);
  }

  static boolean ifaceMatches(String pattern, String iface) {
    return pattern.endsWith("+") ? iface.startsWith(pattern.substring(0, pattern.length() - 1)) : pattern.equals(iface);
  }

  private static boolean protocolMatches(String rule, String packet) {
    String r = rule.toLowerCase(Locale.ROOT);
    if (r.equals("all") || r.equals("0")) {
      return true;
    }
    if (packet.equals("ipv6-icmp")) {
      return r.equals("ipv6-icmp") || r.equals("icmpv6") || r.equals("icmp6") || r.equals("58");
    }
    return r.equals(packet) || (packet.equals("tcp") && r.equals("6")) || (packet.equals("udp") && r.equals("17"));
  }

  private static boolean portIn(String spec, int port) {
    String[] ab = spec.split(":");
    int lo = ab[0].isEmpty() ? 0 : Integer.parseInt(ab[0]);
    int hi = ab.length > 1 ? (ab[1].isEmpty() ? 65535 : Integer.parseInt(ab[1])) : lo;
    return port >= lo && port <= hi;
  }

  private static boolean portsIn(String list, int port) {
    for (String s : list.split(",")) {
      if (portIn(s, port)) {
        return true;
      }
    }
    return false;
  }

  private boolean dstType(String types, InetAddress a) {
    boolean local = localAddresses.stream().anyMatch(x -> address(x).equals(a));
    for (String t : types.split(",")) {
      if ((t.equals("LOCAL") && local) || (t.equals("UNICAST") && !a.isMulticastAddress())
          || (t.equals("MULTICAST") && a.isMulticastAddress()) || t.equals("UNSPEC")) {
        return true;
      }
    }
    return false;
  }

  static InetAddress address(String text) {
    String t = text.contains("/") ? text.substring(0, text.indexOf('/')) : text;
    if (!t.contains(":")) {
      throw new SixkitException("evaluate packet filter", text, "not an IPv6 address");
    }
    try {
      return InetAddress.getByName(t);
    } catch (UnknownHostException e) {
      throw new SixkitException("evaluate packet filter", text, "not an IPv6 address");
    }
  }

  @Override
  public String toString() {
    int n = backends.values().stream().mapToInt(m -> m.values().stream().mapToInt(c -> c.rules().size()).sum()).sum();
    return "Ruleset[" + backends.keySet() + ", " + n + " rules, " + routes.size() + " routes]";
  }

  /** For tests: a ping from an interface to an address through a named out interface. */
  static Packet ping(String in, String out, String to) {
    return new Packet(in, out, address(to), "ipv6-icmp", OptionalInt.empty());
  }
}
