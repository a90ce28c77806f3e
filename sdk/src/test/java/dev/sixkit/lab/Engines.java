package dev.sixkit.lab;

import java.util.List;

/**
 * The engines tests run on: {@code @MethodSource("dev.sixkit.lab.Engines#all")} or
 * {@link EngineSource}. Stateless; thread-safe.
 */
public final class Engines {
  private Engines() {}

  /** Every engine the lab supports, oldest first. */
  public static List<Engine> all() {
    return Engine.known();
  }
}
