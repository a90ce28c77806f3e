package dev.sixkit.dsl;

import dev.sixkit.SixkitException;

/**
 * An apply (or undo) that failed on at least one host. {@link #result()} says exactly what was
 * changed where, where it failed and what was not done; the message says it too.
 *
 * <p>Immutable; thread-safe.
 */
public class ApplyException extends SixkitException {
  private static final long serialVersionUID = 1L;

  private final transient ApplyResult result;

  public ApplyException(ApplyResult result) {
    super(result.verb(), "setup " + result.setup(), "failed on " + String.join(", ", result.failures().keySet())
        + "\n" + result);
    this.result = result;
  }

  public ApplyResult result() {
    return result;
  }
}
