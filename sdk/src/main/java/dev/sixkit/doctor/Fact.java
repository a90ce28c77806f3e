package dev.sixkit.doctor;

import java.util.Objects;

/**
 * A daemon setting and where Sixkit learnt it: the Engine API reports some settings, others only
 * the daemon's command line or daemon.json know, and the rest are Docker's defaults for that
 * version.
 *
 * <p>Immutable; thread-safe.
 *
 * @param <T> the setting's type
 * @param value the setting's value
 * @param source where Sixkit learnt it
 */
public record Fact<T>(T value, Fact.Source source) {

  /** Where a fact comes from. */
  public enum Source {
    /** The Engine said so (/version, /info, or the default bridge network). */
    ENGINE_API,
    /** The dockerd command line Sixkit was given. */
    COMMAND_LINE,
    /** The daemon.json Sixkit was given. */
    DAEMON_JSON,
    /** Nothing said otherwise: Docker's default for the daemon's version. */
    DEFAULT
  }

  /**
   * Checks the parts.
   *
   * @param value as {@link #value()}
   * @param source as {@link #source()}
   * @throws NullPointerException when {@code value} or {@code source} is null
   */
  public Fact {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(source, "source");
  }

  @Override
  public String toString() {
    return value + " (" + source.name().toLowerCase().replace('_', ' ') + ")";
  }
}
