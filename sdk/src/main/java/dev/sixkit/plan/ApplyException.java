package dev.sixkit.plan;

import dev.sixkit.SixkitException;
import dev.sixkit.host.Change;
import java.util.List;
import java.util.Map;

/**
 * A write of many changes stopped part way: an apply (or undo) of a setup that failed on at least
 * one host, or a batch of writes to one host (for instance {@code proxyAll} over SSH) that was cut
 * off. It says exactly what was applied (the {@link Change}s found in effect, each naming its
 * host), what was not, and what could not be checked (the host could not be reached again after
 * the connection was lost); the message says it too.
 *
 * <p>{@link #result()} has the whole outcome as data, host by host. For a setup the cause is
 * empty (each host's failure is in {@link ApplyResult#failures()}); for a batch it is the failure
 * that stopped it.
 *
 * <p>Immutable; thread-safe.
 */
public class ApplyException extends SixkitException {
  private static final long serialVersionUID = 1L;

  private final transient ApplyResult result;
  /** The changes found not in effect. */
  private final List<String> notApplied;
  /** The changes whose state could not be checked. */
  private final List<String> unknown;

  /**
   * An apply or undo of a setup that failed on at least one host.
   *
   * @param result what the apply or undo did, with at least one failure
   */
  public ApplyException(ApplyResult result) {
    super(result.verb(), "setup " + result.setup(), "failed on " + String.join(", ", result.failures().keySet())
        + "\n" + result);
    this.result = result;
    this.notApplied = result.notDone().stream().map(c -> c.kind().sign() + " " + c.object()).toList();
    this.unknown = List.of();
  }

  /**
   * A batch of writes to one host stopped part way.
   *
   * @param host the host the writes were for
   * @param operation what was being done ("proxy")
   * @param object what it was done to
   * @param why why it stopped
   * @param applied the writes found in effect, in order
   * @param notApplied the writes found not in effect (failed or never attempted)
   * @param unknown the writes whose state could not be checked
   * @param cause the failure that stopped it
   */
  public ApplyException(String host, String operation, String object, String why, List<Change> applied,
      List<String> notApplied, List<String> unknown, Throwable cause) {
    super(operation, object, why + " (" + applied.size() + " applied, " + notApplied.size() + " not applied"
        + (unknown.isEmpty() ? "" : ", " + unknown.size() + " not known: the host could not be checked") + ")", cause);
    this.result = new ApplyResult(operation, object, List.of(host), Map.of(host, applied), Map.of(host, why),
        Map.of(), 0);
    this.notApplied = List.copyOf(notApplied);
    this.unknown = List.copyOf(unknown);
  }

  /**
   * What was done where, where it failed and why, and what was not done.
   *
   * @return the whole result
   */
  public ApplyResult result() {
    return result;
  }

  /**
   * The host it failed on (the first, when a setup failed on several).
   *
   * @return the host's name
   */
  public String host() {
    return result.failures().keySet().iterator().next();
  }

  /**
   * The changes found in effect, in order, each naming its host.
   *
   * @return the changes in effect, possibly empty
   */
  public List<Change> applied() {
    return result.changes();
  }

  /**
   * The changes found not in effect (failed, or never attempted).
   *
   * @return the changes as text, possibly empty
   */
  public List<String> notApplied() {
    return notApplied;
  }

  /**
   * The changes whose state could not be checked.
   *
   * @return the changes as text, possibly empty
   */
  public List<String> unknown() {
    return unknown;
  }
}
