package dev.sixkit.firewall;

import java.util.List;
import java.util.Optional;

/**
 * A chain of one table: its rules in order and, for a built-in chain, its policy.
 *
 * @param table the table
 * @param name the chain's name
 * @param policy the built-in chain's policy ({@code -P FORWARD DROP} with its counter), empty for a user chain
 * @param rules the rules in order
 *
 * <p>Immutable record; thread-safe.
 */
public record Chain(String table, String name, Optional<Rule> policy, List<Rule> rules) {
  public Chain {
    rules = List.copyOf(rules);
  }

  public boolean builtIn() {
    return policy.isPresent();
  }
}
