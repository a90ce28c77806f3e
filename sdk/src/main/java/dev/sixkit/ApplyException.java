package dev.sixkit;

import java.util.List;

/**
 * A write of many steps stopped part way. Says exactly what was applied (the {@link Change}s
 * found in effect, each naming its host), what was not, and what could not be checked (the host
 * could not be reached again after the connection was lost); the cause is the failure that
 * stopped it.
 *
 * <p>Immutable; thread-safe.
 */
public class ApplyException extends SixkitException {
  private static final long serialVersionUID = 1L;

  private final String host;
  private final List<Change> applied;
  private final List<String> notApplied;
  private final List<String> unknown;

  public ApplyException(String host, String operation, String object, String why, List<Change> applied,
      List<String> notApplied, List<String> unknown, Throwable cause) {
    super(operation, object, why + " (" + count(applied.size(), "applied") + ", " + count(notApplied.size(),
        "not applied") + (unknown.isEmpty() ? "" : ", " + unknown.size() + " not known: the host could not be"
            + " checked") + ")", cause);
    this.host = host;
    this.applied = List.copyOf(applied);
    this.notApplied = List.copyOf(notApplied);
    this.unknown = List.copyOf(unknown);
  }

  private static String count(int n, String what) {
    return n + " " + what;
  }

  /** The host the write was for. */
  public String host() {
    return host;
  }

  /** The steps found in effect, in order: changes made and steps that were already so. */
  public List<Change> applied() {
    return applied;
  }

  /** The steps found not in effect (failed, or never attempted). */
  public List<String> notApplied() {
    return notApplied;
  }

  /** The steps whose state could not be checked. */
  public List<String> unknown() {
    return unknown;
  }
}
