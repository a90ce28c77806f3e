package dev.sixkit.firewall;

import java.util.List;
import java.util.Objects;

/**
 * One rule of an IPv6 packet filter chain, or a built-in chain's policy.
 *
 * <p>Immutable record; thread-safe.
 *
 * @param table the table (raw, mangle, nat, filter; for nftables the family too: {@code ip6 raw})
 * @param chain the chain (PREROUTING, FORWARD, DOCKER, ...)
 * @param text the rule as {@code ip6tables -S} prints it ({@code -A PREROUTING -d ... -j DROP}),
 *     or the policy ({@code -P FORWARD DROP}); for nftables as {@code nft list ruleset} prints it
 *     ({@code iifname != "docker0" ip6 daddr ... drop}) or {@code policy drop}
 * @param packets the packet counter (from {@code ip6tables-save -c})
 * @param bytes the byte counter
 * @param backend where it was read: {@code iptables-nft}, {@code iptables-legacy}, {@code nftables}
 */
public record Rule(String table, String chain, String text, long packets, long bytes, String backend) {
  /**
   * Checks the components.
   *
   * @param table the table; not null
   * @param chain the chain; not null
   * @param text the rule's text; not null
   * @param packets the packet counter
   * @param bytes the byte counter
   * @param backend where it was read; not null
   * @throws NullPointerException if a text component is null
   */
  public Rule {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(chain, "chain");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(backend, "backend");
  }

  /**
   * Whether this is a chain's policy rather than a rule.
   *
   * @return true for a {@code -P} line or an nftables {@code policy} line
   */
  public boolean policy() {
    return text.startsWith("-P ") || (backend.equals(Nftables.BACKEND) && text.startsWith("policy "));
  }

  /** The words of the rule after {@code -A CHAIN}, quotes removed. */
  List<String> words() {
    List<String> w = Words.split(text);
    return w.size() >= 2 ? w.subList(2, w.size()) : List.of();
  }

  /** "raw PREROUTING: -A PREROUTING -d X/128 ! -i docker0 -j DROP (3 packets)". */
  @Override
  public String toString() {
    if (backend.equals(Nftables.BACKEND)) {
      return "table " + table + " chain " + chain + ": " + text + " (" + packets + " packets, " + backend + ")";
    }
    return "-t " + table + " " + text + " (" + packets + " packets, " + backend + ")";
  }
}
