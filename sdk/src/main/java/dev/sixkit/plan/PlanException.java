package dev.sixkit.plan;

import dev.sixkit.SixkitException;

/**
 * A plan that cannot work: overlapping prefixes, a Docker prefix outside the uplink's on-link /64
 * in NDP mode, a length Docker will not accept, more parts than fit. Raised before anything is
 * changed on any host.
 *
 * <p>Immutable; thread-safe.
 */
public class PlanException extends SixkitException {
  private static final long serialVersionUID = 1L;

  /**
   * A setup or plan that cannot be made.
   *
   * @param message what is wrong, for a person
   */
  public PlanException(String message) {
    super("plan", "", message);
  }
}
