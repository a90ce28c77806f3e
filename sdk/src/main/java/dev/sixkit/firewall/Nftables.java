package dev.sixkit.firewall;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sixkit.SixkitException;
import dev.sixkit.netlink.IpPrefix;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A host's nftables ruleset as {@code nft -j list ruleset} prints it, with a pure evaluator for
 * the IPv6 forwarding path: the base chains of the {@code ip6} and {@code inet} families hooked at
 * prerouting, forward and postrouting, each hook's chains in priority order, through jumps, gotos,
 * returns and verdict maps. That covers Docker's rules written through ip6tables-nft (tables
 * {@code ip6 raw}, {@code ip6 filter}, {@code ip6 nat}) and Docker 29's own nftables backend
 * ({@code table ip6 docker-bridges}).
 *
 * <p>A dropping rule is named as a {@link Rule} whose table is {@code "FAMILY TABLE"} ({@code ip6
 * raw}), whose chain is the nft chain, whose text is the rule as {@code nft list ruleset} prints
 * it (close to it: {@code iifname != "docker0" ip6 daddr 2001:db8::2 counter packets 2 bytes 208
 * drop}) and whose counters are the rule's {@code counter}; backend {@code nftables}.
 *
 * <p>It knows the expressions Docker's rules use: interface names (with {@code *} wildcards),
 * {@code ip6 saddr/daddr} (addresses, prefixes, anonymous and named sets), {@code meta l4proto} /
 * {@code nfproto}, {@code tcp/udp dport}, {@code ct state} (the packet is NEW), {@code fib daddr
 * type}, {@code icmpv6 type}. Anything else (including the {@code xt} matches an older nft prints
 * for iptables-nft's conntrack and addrtype matches) is assumed not to match and named in
 * {@link Verdict#notes()}.
 *
 * <p>Immutable; thread-safe.
 */
public final class Nftables {
  /** The backend name of the rules it yields. */
  public static final String BACKEND = "nftables";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> HOOKS = List.of("prerouting", "forward", "postrouting");
  private static final Map<String, Integer> NAMED_PRIORITIES = Map.of("raw", -300, "mangle", -150, "dstnat", -100,
      "filter", 0, "security", 50, "srcnat", 100);

  /** A chain: its table ("ip6 raw"), hook and priority for a base chain, policy, rules with their expressions. */
  private record NChain(String family, String table, String name, String hook, int prio, String policy,
      List<NRule> rules) {
    String key() {
      return family + " " + table + "/" + name;
    }

    boolean base() {
      return hook != null;
    }
  }

  private record NRule(Rule rule, JsonNode expr) {}

  private final Map<String, NChain> chains;
  /** "family table/set" -> the set's elements. */
  private final Map<String, JsonNode> sets;

  private Nftables(Map<String, NChain> chains, Map<String, JsonNode> sets) {
    this.chains = chains;
    this.sets = sets;
  }

  /**
   * Parses {@code nft -j list ruleset} output.
   *
   * @param json what {@code nft -j list ruleset} printed
   * @return its chains, rules and sets
   * @throws SixkitException when it is not that JSON
   */
  public static Nftables parse(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new SixkitException("read nftables", "nft -j list ruleset", "not JSON: " + e.getMessage(), e);
    }
    JsonNode items = root == null ? null : root.get("nftables");
    if (items == null || !items.isArray()) {
      throw new SixkitException("read nftables", "nft -j list ruleset", "no \"nftables\" array in the output");
    }
    Map<String, NChain> chains = new LinkedHashMap<>();
    Map<String, JsonNode> sets = new LinkedHashMap<>();
    for (JsonNode item : items) {
      if (item.has("chain")) {
        JsonNode c = item.get("chain");
        NChain n = new NChain(c.path("family").asText(), c.path("table").asText(), c.path("name").asText(),
            c.has("hook") ? c.get("hook").asText() : null, priority(c.get("prio")),
            c.has("policy") ? c.get("policy").asText() : null, new ArrayList<>());
        chains.put(n.key(), n);
      } else if (item.has("set") || item.has("map")) {
        JsonNode s = item.has("set") ? item.get("set") : item.get("map");
        sets.put(s.path("family").asText() + " " + s.path("table").asText() + "/" + s.path("name").asText(),
            s.path("elem"));
      }
    }
    for (JsonNode item : items) {
      if (item.has("rule")) {
        JsonNode r = item.get("rule");
        String key = r.path("family").asText() + " " + r.path("table").asText() + "/" + r.path("chain").asText();
        NChain c = chains.get(key);
        if (c == null) {
          continue; // a rule of a chain the listing did not show: nothing to walk into
        }
        JsonNode expr = r.path("expr");
        long[] counter = counter(expr);
        c.rules().add(new NRule(new Rule(c.family() + " " + c.table(), c.name(), Render.rule(expr), counter[0], counter[1],
            BACKEND), expr));
      }
    }
    Map<String, NChain> frozen = new LinkedHashMap<>();
    chains.forEach((k, c) -> frozen.put(k, new NChain(c.family(), c.table(), c.name(), c.hook(), c.prio(), c.policy(),
        List.copyOf(c.rules()))));
    return new Nftables(frozen, sets);
  }

  private static int priority(JsonNode p) {
    if (p == null) {
      return 0;
    }
    if (p.isNumber()) {
      return p.asInt();
    }
    return NAMED_PRIORITIES.getOrDefault(p.asText(), 0);
  }

  private static long[] counter(JsonNode expr) {
    for (JsonNode e : expr) {
      if (e.has("counter") && e.get("counter").isObject()) {
        return new long[] {e.get("counter").path("packets").asLong(), e.get("counter").path("bytes").asLong()};
      }
    }
    return new long[2];
  }

  /**
   * The tables that have chains.
   *
   * @return "family name" ({@code ip6 raw}, {@code ip6 docker-bridges}), in the order listed
   */
  public List<String> tables() {
    return chains.values().stream().map(c -> c.family() + " " + c.table()).distinct().toList();
  }

  /**
   * The rules of one chain, e.g. {@code rules("ip6 raw", "PREROUTING")}.
   *
   * @param table family and name, {@code ip6 raw}
   * @param chain the chain's name
   * @return its rules in order; empty for an unknown chain
   */
  public List<Rule> rules(String table, String chain) {
    NChain c = chains.get(table + "/" + chain);
    return c == null ? List.of() : c.rules().stream().map(NRule::rule).toList();
  }

  /**
   * The same ruleset without some tables: those other readers already evaluate.
   *
   * @param skip accepts the tables to leave out, as "family name" ({@code ip6 filter})
   * @return a ruleset of the other tables (sets are kept)
   */
  public Nftables without(Predicate<String> skip) {
    Map<String, NChain> kept = new LinkedHashMap<>();
    chains.forEach((k, c) -> {
      if (!skip.test(c.family() + " " + c.table())) {
        kept.put(k, c);
      }
    });
    return new Nftables(kept, sets);
  }

  /**
   * Whether the packet gets through every IPv6 base chain at prerouting, forward and postrouting.
   *
   * @param p the packet
   * @param localAddresses the host's own IPv6 addresses (for {@code fib daddr type local})
   * @return whether it passes; the rule or policy that drops it, the rules matched on the way,
   *     and what could not be evaluated
   */
  public Verdict verdict(Packet p, List<String> localAddresses) {
    List<Rule> path = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Eval ev = new Eval(p, localAddresses, notes);
    for (String hook : HOOKS) {
      List<NChain> base = chains.values().stream()
          .filter(c -> hook.equals(c.hook()) && (c.family().equals("ip6") || c.family().equals("inet")))
          .sorted(Comparator.comparingInt(NChain::prio)).toList();
      for (NChain c : base) {
        Outcome o = walk(c, ev, path, 0);
        if (o.kind == Kind.DROP) {
          return new Verdict(p, false, Optional.of(o.rule), path, notes);
        }
        if ((o.kind == Kind.FALLTHROUGH || o.kind == Kind.RETURN) && "drop".equals(c.policy())) {
          Rule policy = new Rule(c.family() + " " + c.table(), c.name(), "policy drop", 0, 0, BACKEND);
          path.add(policy);
          return new Verdict(p, false, Optional.of(policy), path, notes);
        }
      }
    }
    return new Verdict(p, true, Optional.empty(), path, notes);
  }

  private enum Kind { ACCEPT, DROP, RETURN, FALLTHROUGH }

  private record Outcome(Kind kind, Rule rule) {}

  private Outcome walk(NChain c, Eval ev, List<Rule> path, int depth) {
    if (depth > 32) {
      ev.notes.add("chain nesting deeper than 32 at " + c.key() + ": stopped");
      return new Outcome(Kind.FALLTHROUGH, null);
    }
    for (NRule r : c.rules()) {
      JsonNode verdict = null;
      boolean matched = true;
      for (JsonNode e : r.expr()) {
        String k = e.fieldNames().hasNext() ? e.fieldNames().next() : "";
        switch (k) {
          case "match" -> matched = ev.match(e.get("match"), r.rule(), this);
          case "accept", "drop", "reject", "return", "jump", "goto" -> verdict = e;
          case "vmap" -> {
            verdict = ev.vmap(e.get("vmap"), r.rule(), this);
            matched = verdict != null;
          }
          case "xt" -> {
            JsonNode xt = e.get("xt");
            if ("match".equals(xt.path("type").asText())) {
              ev.notes.add("not evaluated (xt match " + xt.path("name").asText() + "), assumed not to match: "
                  + r.rule());
              matched = false;
            } else if ("target".equals(xt.path("type").asText()) && Set.of("MASQUERADE", "SNAT", "DNAT")
                .contains(xt.path("name").asText())) {
              verdict = JSON.createObjectNode().putNull("accept"); // NAT is no filter verdict: the packet goes on
            }
          }
          case "masquerade", "snat", "dnat", "redirect" -> verdict = JSON.createObjectNode().putNull("accept");
          default -> { } // counter, log, comment, meta set...: no verdict
        }
        if (!matched) {
          break;
        }
      }
      if (!matched || verdict == null) {
        continue;
      }
      String v = verdict.fieldNames().next();
      switch (v) {
        case "accept" -> {
          path.add(r.rule());
          return new Outcome(Kind.ACCEPT, r.rule());
        }
        case "drop", "reject" -> {
          path.add(r.rule());
          return new Outcome(Kind.DROP, r.rule());
        }
        case "return" -> {
          path.add(r.rule());
          return new Outcome(Kind.RETURN, r.rule());
        }
        default -> { // jump, goto
          String target = verdict.get(v).path("target").asText();
          NChain sub = chains.get(c.family() + " " + c.table() + "/" + target);
          if (sub == null) {
            ev.notes.add("chain " + target + " of " + c.family() + " " + c.table() + " not listed: " + r.rule());
            continue;
          }
          path.add(r.rule());
          Outcome o = walk(sub, ev, path, depth + 1);
          if (o.kind == Kind.ACCEPT || o.kind == Kind.DROP) {
            return o;
          }
          if (v.equals("goto")) {
            return new Outcome(Kind.RETURN, r.rule());
          }
        }
      }
    }
    return new Outcome(Kind.FALLTHROUGH, null);
  }

  JsonNode set(Rule r, String name) {
    return sets.get(r.table() + "/" + name);
  }

  /** Matches of one packet. Not thread-safe (collects notes); one per evaluation. */
  private static final class Eval {
    final Packet p;
    final List<String> local;
    final List<String> notes;

    Eval(Packet p, List<String> local, List<String> notes) {
      this.p = p;
      this.local = local;
      this.notes = notes;
    }

    boolean match(JsonNode m, Rule r, Nftables nft) {
      String op = m.path("op").asText("==");
      Object left = value(m.get("left"), r);
      if (left == Unknown.INSTANCE) {
        notes.add("not evaluated (" + Render.expr(m.get("left")) + "), assumed not to match: " + r);
        return false;
      }
      if (left == Absent.INSTANCE) {
        return false; // e.g. tcp dport of an ICMPv6 packet
      }
      JsonNode right = m.get("right");
      boolean in;
      if (op.equals("in") || (right != null && right.isObject() && right.has("set")) || (right != null
          && right.isTextual() && right.asText().startsWith("@"))) {
        in = inSet(left, right, r, nft);
        return op.equals("!=") ? !in : in;
      }
      boolean eq = equal(left, right);
      return switch (op) {
        case "==", "in" -> eq;
        case "!=" -> !eq;
        default -> {
          notes.add("not evaluated (operator " + op + "), assumed not to match: " + r);
          yield false;
        }
      };
    }

    /** A vmap's verdict for the packet, or null when no element matches. */
    JsonNode vmap(JsonNode vm, Rule r, Nftables nft) {
      Object key = value(vm.get("key"), r);
      if (key == Unknown.INSTANCE || key == Absent.INSTANCE) {
        if (key == Unknown.INSTANCE) {
          notes.add("not evaluated (verdict map on " + Render.expr(vm.get("key")) + "): " + r);
        }
        return null;
      }
      JsonNode data = vm.get("data");
      JsonNode elems = data != null && data.isTextual() && data.asText().startsWith("@")
          ? nft.set(r, data.asText().substring(1)) : data == null ? null : data.path("set");
      if (elems == null) {
        return null;
      }
      for (JsonNode pair : elems) {
        JsonNode k = pair.isArray() ? pair.get(0) : pair.path("elem").path("val");
        JsonNode v = pair.isArray() ? pair.get(1) : pair.path("data");
        if (equal(key, k)) {
          return v;
        }
      }
      return null;
    }

    private boolean inSet(Object left, JsonNode right, Rule r, Nftables nft) {
      JsonNode elems;
      if (right.isTextual() && right.asText().startsWith("@")) {
        elems = nft.set(r, right.asText().substring(1));
        if (elems == null) {
          notes.add("set " + right.asText() + " not listed, assumed not to match: " + r);
          return false;
        }
      } else {
        elems = right.has("set") ? right.get("set") : right;
      }
      if (!elems.isArray()) {
        return equal(left, elems);
      }
      for (JsonNode e : elems) {
        JsonNode v = e.isObject() && e.has("elem") ? e.get("elem").path("val") : e;
        if (equal(left, v)) {
          return true;
        }
      }
      return false;
    }

    /** The packet's value for an expression: a String, an InetAddress, an Integer, a Set of strings, or a marker. */
    Object value(JsonNode e, Rule r) {
      if (e == null || !e.isObject()) {
        return Unknown.INSTANCE;
      }
      if (e.has("meta")) {
        return switch (e.get("meta").path("key").asText()) {
          case "iifname" -> p.inIface();
          case "oifname" -> p.outIface();
          case "l4proto" -> p.protocol();
          case "nfproto" -> "ipv6";
          default -> Unknown.INSTANCE;
        };
      }
      if (e.has("payload")) {
        JsonNode pl = e.get("payload");
        String proto = pl.path("protocol").asText();
        String field = pl.path("field").asText();
        if (proto.equals("ip6") && field.equals("daddr")) {
          return p.destination();
        }
        if (proto.equals("ip6") && field.equals("saddr")) {
          return Absent.INSTANCE; // the source is a remote address outside the host's prefixes
        }
        if (proto.equals("ip6") && field.equals("nexthdr")) {
          return p.protocol();
        }
        if ((proto.equals("tcp") || proto.equals("udp") || proto.equals("th")) && field.equals("dport")) {
          boolean l4 = proto.equals("th") ? !p.protocol().equals("ipv6-icmp") : p.protocol().equals(proto);
          return l4 && p.port().isPresent() ? (Object) p.port().getAsInt() : Absent.INSTANCE;
        }
        if (proto.equals("icmpv6") && field.equals("type")) {
          return p.protocol().equals("ipv6-icmp") ? "echo-request" : Absent.INSTANCE;
        }
        return Unknown.INSTANCE;
      }
      if (e.has("ct") && "state".equals(e.get("ct").path("key").asText())) {
        return Set.of("new");
      }
      if (e.has("fib")) {
        JsonNode f = e.get("fib");
        boolean daddr = f.path("flags").toString().contains("daddr");
        if ("type".equals(f.path("result").asText()) && daddr) {
          boolean isLocal = local.stream().anyMatch(a -> Ruleset.address(a).equals(p.destination()));
          return isLocal ? "local" : p.destination().isMulticastAddress() ? "multicast" : "unicast";
        }
        return Unknown.INSTANCE;
      }
      return Unknown.INSTANCE;
    }

    static boolean equal(Object left, JsonNode right) {
      if (right == null) {
        return false;
      }
      if (left instanceof InetAddress a) {
        if (right.isObject() && right.has("prefix")) {
          JsonNode pf = right.get("prefix");
          return contains(pf.path("addr").asText() + "/" + pf.path("len").asInt(), a);
        }
        if (right.isObject() && right.has("range")) {
          return false; // ranges of addresses: Docker does not write them
        }
        return right.isTextual() && contains(right.asText().contains("/") ? right.asText() : right.asText() + "/128", a);
      }
      if (left instanceof Integer port) {
        if (right.isObject() && right.has("range")) {
          JsonNode rg = right.get("range");
          return port >= rg.get(0).asInt() && port <= rg.get(1).asInt();
        }
        return right.isNumber() ? right.asInt() == port : right.asText().equals(String.valueOf(port));
      }
      if (left instanceof Set<?> flags) {
        // ct state: a list of states, or one; the packet's states must share one
        if (right.isArray()) {
          for (JsonNode x : right) {
            if (flags.contains(x.asText())) {
              return true;
            }
          }
          return false;
        }
        return flags.contains(right.asText());
      }
      if (left instanceof String s) {
        if (!right.isTextual()) {
          return right.isNumber() && protocolNumber(s) == right.asInt();
        }
        String r = right.asText();
        if (r.endsWith("*")) {
          return s.startsWith(r.substring(0, r.length() - 1));
        }
        return r.equals(s) || (s.equals("ipv6-icmp") && (r.equals("icmpv6") || r.equals("58")));
      }
      return false;
    }

    private static int protocolNumber(String p) {
      return switch (p) {
        case "tcp" -> 6;
        case "udp" -> 17;
        case "ipv6-icmp" -> 58;
        default -> -1;
      };
    }

    private static boolean contains(String prefix, InetAddress a) {
      try {
        IpPrefix p = IpPrefix.parse(prefix);
        return !p.isV4() && p.contains(a);
      } catch (RuntimeException e) {
        return false; // an IPv4 address or a symbol: not this packet
      }
    }
  }

  private enum Unknown { INSTANCE }

  private enum Absent { INSTANCE }

  /** Renders expressions as {@code nft list ruleset} prints them (close to it). Stateless. */
  static final class Render {
    private Render() {}

    static String rule(JsonNode expr) {
      List<String> parts = new ArrayList<>();
      for (JsonNode e : expr) {
        parts.add(statement(e));
      }
      return String.join(" ", parts).strip();
    }

    static String statement(JsonNode e) {
      String k = e.fieldNames().hasNext() ? e.fieldNames().next() : "";
      JsonNode v = e.get(k);
      return switch (k) {
        case "match" -> {
          String op = v.path("op").asText("==");
          String left = expr(v.get("left"));
          String right = value(v.get("right"), isName(v.get("left")));
          yield op.equals("==") || op.equals("in") ? left + " " + right : left + " " + op + " " + right;
        }
        case "counter" -> v.isObject() ? "counter packets " + v.path("packets").asLong() + " bytes "
            + v.path("bytes").asLong() : "counter";
        case "accept", "drop", "return", "reject", "masquerade" -> k;
        case "jump", "goto" -> k + " " + v.path("target").asText();
        case "vmap" -> expr(v.get("key")) + " vmap " + value(v.get("data"), false);
        case "xt" -> "xt " + v.path("type").asText() + " \"" + v.path("name").asText() + "\"";
        case "comment" -> "comment \"" + v.asText() + "\"";
        default -> k;
      };
    }

    private static boolean isName(JsonNode left) {
      return left != null && left.has("meta") && left.get("meta").path("key").asText().endsWith("name");
    }

    static String expr(JsonNode e) {
      if (e == null) {
        return "?";
      }
      if (e.has("meta")) {
        String key = e.get("meta").path("key").asText();
        return key.equals("iifname") || key.equals("oifname") ? key : "meta " + key;
      }
      if (e.has("payload")) {
        return e.get("payload").path("protocol").asText() + " " + e.get("payload").path("field").asText();
      }
      if (e.has("ct")) {
        return "ct " + e.get("ct").path("key").asText();
      }
      if (e.has("fib")) {
        JsonNode f = e.get("fib");
        List<String> flags = new ArrayList<>();
        f.path("flags").forEach(x -> flags.add(x.asText()));
        if (f.path("flags").isTextual()) {
          flags.add(f.path("flags").asText());
        }
        return "fib " + String.join(" . ", flags) + " " + f.path("result").asText();
      }
      return e.toString();
    }

    static String value(JsonNode v, boolean quote) {
      if (v == null) {
        return "?";
      }
      if (v.isTextual()) {
        return quote ? "\"" + v.asText() + "\"" : v.asText();
      }
      if (v.isNumber()) {
        return v.asText();
      }
      if (v.isArray()) {
        List<String> xs = new ArrayList<>();
        v.forEach(x -> xs.add(value(x, quote)));
        return xs.size() == 1 ? xs.get(0) : "{ " + String.join(", ", xs) + " }";
      }
      if (v.has("prefix")) {
        return v.get("prefix").path("addr").asText() + "/" + v.get("prefix").path("len").asInt();
      }
      if (v.has("range")) {
        return value(v.get("range").get(0), quote) + "-" + value(v.get("range").get(1), quote);
      }
      if (v.has("set")) {
        JsonNode s = v.get("set");
        if (!s.isArray()) {
          return "{ " + value(s, quote) + " }";
        }
        List<String> xs = new ArrayList<>();
        for (JsonNode x : s) {
          xs.add(x.isArray() && x.size() == 2 ? value(x.get(0), quote) + " : " + statement(x.get(1)) : value(x, quote));
        }
        return "{ " + String.join(", ", xs) + " }";
      }
      return v.toString();
    }
  }

  @Override
  public String toString() {
    return "Nftables[" + tables() + ", " + chains.values().stream().mapToInt(c -> c.rules().size()).sum() + " rules]";
  }
}
