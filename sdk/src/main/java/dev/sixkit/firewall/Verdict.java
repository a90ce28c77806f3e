package dev.sixkit.firewall;

import java.util.List;
import java.util.Optional;

/**
 * What the host's IPv6 packet filter does with a packet: let it through, or drop (or reject) it,
 * and by which rule or chain policy.
 *
 * <p>Immutable record; thread-safe.
 *
 * @param packet the packet evaluated
 * @param passes whether it gets through every hook on the forwarding path
 * @param by the rule (or policy) that dropped or rejected it; empty when it passes
 * @param path the rules that matched on the way, in order (jumps, the deciding rule)
 * @param notes rules that could not be evaluated (an unknown match) and assumed not to match
 */
public record Verdict(Packet packet, boolean passes, Optional<Rule> by, List<Rule> path, List<String> notes) {
  /**
   * Copies the lists.
   *
   * @param packet the packet
   * @param passes whether it gets through
   * @param by the deciding rule; empty when it passes
   * @param path the rules that matched; not null
   * @param notes what could not be evaluated; not null
   * @throws NullPointerException if a list is null
   */
  public Verdict {
    path = List.copyOf(path);
    notes = List.copyOf(notes);
  }

  /**
   * Whether a rule or policy drops or rejects it.
   *
   * @return the opposite of {@link #passes()}
   */
  public boolean dropped() {
    return !passes;
  }

  /**
   * One line saying what happens to the packet.
   *
   * @return "PACKET: passes the packet filter" or "PACKET: dropped by -t raw -A PREROUTING ... (3
   *     packets, BACKEND)"
   */
  public String describe() {
    return passes ? packet + ": passes the packet filter"
        : packet + ": dropped by " + by.map(Rule::toString).orElse("?");
  }
}
