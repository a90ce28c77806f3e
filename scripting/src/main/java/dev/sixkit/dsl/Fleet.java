package dev.sixkit.dsl;

import java.util.List;

/**
 * Which hosts of a setup an operation touches and how many at once: {@code ./sixkit run --limit
 * docker1,docker3 --forks 10}.
 *
 * <p>Immutable record; thread-safe.
 *
 * @param limit the hosts to read and change (empty: all of them)
 * @param forks how many hosts are read or changed at once (at least 1)
 */
public record Fleet(List<String> limit, int forks) {
  /** Every host, {@value #DEFAULT_FORKS} at once. */
  public static final Fleet ALL = new Fleet(List.of(), Fleet.DEFAULT_FORKS);
  /** Hosts changed at once unless {@code --forks} says otherwise. */
  public static final int DEFAULT_FORKS = 10;

  /**
   * Copies the limit.
   *
   * @param limit as {@link #limit()}
   * @param forks as {@link #forks()}
   * @throws DslException when {@code forks} is less than 1
   */
  public Fleet {
    limit = List.copyOf(limit);
    if (forks < 1) {
      throw new DslException("--forks must be at least 1, not " + forks);
    }
  }
}
