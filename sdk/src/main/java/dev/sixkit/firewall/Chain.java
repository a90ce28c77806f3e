package dev.sixkit.firewall;

import java.util.List;
import java.util.Optional;

/**
 * A chain of one table: its rules in order and, for a built-in chain, its policy.
 *
 * <p>Immutable record; thread-safe.
 *
 * @param table the table
 * @param name the chain's name
 * @param policy the built-in chain's policy ({@code -P FORWARD DROP} with its counter), empty for a user chain
 * @param rules the rules in order
 */
public record Chain(String table, String name, Optional<Rule> policy, List<Rule> rules) {
  /**
   * Copies the rules.
   *
   * @param table the table
   * @param name the chain's name
   * @param policy the policy; empty for a user chain
   * @param rules the rules; not null
   * @throws NullPointerException if {@code rules} is null
   */
  public Chain {
    rules = List.copyOf(rules);
  }

  /**
   * Whether this is a built-in chain (PREROUTING, FORWARD, ...), which has a policy.
   *
   * @return true when {@link #policy()} is present
   */
  public boolean builtIn() {
    return policy.isPresent();
  }
}
