package dev.sixkit.host;

import dev.sixkit.SixkitException;
import java.util.Optional;

/**
 * Something went wrong between Sixkit and a host reached over SSH: a refused or unknown host key,
 * failed authentication, a timeout, a lost connection, input Sixkit will not send, or a remote
 * command that failed. The message names the target (user@host:port) and, for host keys, the
 * key's fingerprint; {@link #reason()} says which case it is.
 *
 * <p>When the connection was lost while a write was under way, {@link #inFlight()} says what
 * became of that write (found applied or not applied after reconnecting, or unknown when the host
 * could not be reached again) and {@link #change()} holds the write that was found applied.
 *
 * <p>Immutable; thread-safe.
 */
public class SshException extends SixkitException {
  private static final long serialVersionUID = 1L;

  /** Why an SSH operation failed. */
  public enum Reason {
    /** The target (user@host:port) is not well formed, or holds characters Sixkit never sends. */
    INVALID_TARGET,
    /** A name, address or value is not well formed, or holds characters Sixkit never sends. */
    INVALID_INPUT,
    /** The server's key is not in known_hosts (and trust on first use was not asked for). */
    UNKNOWN_HOST_KEY,
    /** The server's key differs from the one known_hosts holds for it: refused. */
    CHANGED_HOST_KEY,
    /** The server accepted none of the keys offered (files, agent). */
    AUTH_FAILED,
    /** Nothing answers at host:port (no route, connection refused, DNS failure). */
    UNREACHABLE,
    /** The server or a command did not answer in time. */
    TIMEOUT,
    /** The connection went away during an operation. */
    CONNECTION_LOST,
    /** A remote command ran but failed (its exit status and error text are in the message). */
    COMMAND_FAILED,
    /** The host was closed. */
    CLOSED,
    /** A private key, known_hosts file or agent could not be used. */
    CONFIG
  }

  /** What became of a write that was under way when the connection was lost. */
  public enum InFlight {
    /** No write was under way (or the operation was a read). */
    NONE,
    /** After reconnecting, the write was found in effect. */
    APPLIED,
    /** After reconnecting, the write was found not in effect. */
    NOT_APPLIED,
    /** The host could not be reached again to check. */
    UNKNOWN
  }

  /** Which case this is. */
  private final Reason reason;
  /** user@host:port, or null. */
  private final String target;
  /** The server key's fingerprint for host-key refusals, else null. */
  private final String fingerprint;
  /** What became of the write under way; never null. */
  private final InFlight inFlight;
  /** The write found applied after reconnecting, or null. */
  private final Change change;
  /** The detail without the target suffix, kept to build {@link #withInFlight}'s message. */
  private final String detail;

  /**
   * A failure with no write under way. The message is "OPERATION OBJECT: DETAIL [ssh TARGET]".
   *
   * @param reason which case it is; not null
   * @param target user@host:port; null when the target itself was not understood
   * @param operation what was being done, such as "run"; not null
   * @param object what it was done to; may be null
   * @param detail why it failed (the server's or the command's words)
   * @param cause the underlying failure; may be null
   * @throws NullPointerException if {@code operation} is null
   */
  public SshException(Reason reason, String target, String operation, String object, String detail, Throwable cause) {
    this(reason, target, operation, object, detail, null, InFlight.NONE, null, cause);
  }

  SshException(Reason reason, String target, String operation, String object, String detail, String fingerprint,
      InFlight inFlight, Change change, Throwable cause) {
    super(operation, object, detail + (target == null ? "" : " [ssh " + target + "]"), cause);
    this.reason = reason;
    this.target = target;
    this.fingerprint = fingerprint;
    this.inFlight = inFlight == null ? InFlight.NONE : inFlight;
    this.change = change;
    this.detail = detail;
  }

  /**
   * A host-key refusal naming the key's fingerprint.
   *
   * @param reason {@link Reason#UNKNOWN_HOST_KEY} or {@link Reason#CHANGED_HOST_KEY}
   * @param target user@host:port of the server
   * @param detail what to do about it (for instance which known_hosts file to fix)
   * @param fingerprint the server key's SHA256 fingerprint
   * @return the exception, not thrown yet
   */
  public static SshException hostKey(Reason reason, String target, String detail, String fingerprint) {
    return new SshException(reason, target, "verify host key of", target, detail, fingerprint, InFlight.NONE, null,
        null);
  }

  /** The same failure, with what reconnecting found about the write under way. */
  SshException withInFlight(InFlight found, Change applied, String note) {
    SshException e = new SshException(reason, target, operation(), object(), detail + "; " + note, fingerprint, found,
        applied, getCause());
    e.setStackTrace(getStackTrace());
    return e;
  }

  /**
   * Which case this is, for callers that react differently (retry on TIMEOUT, not on AUTH_FAILED).
   *
   * @return the reason; never null
   */
  public Reason reason() {
    return reason;
  }

  /**
   * The host the failure happened on.
   *
   * @return user@host:port; null when the target itself was not understood
   */
  public String target() {
    return target;
  }

  /**
   * The server key's SHA256 fingerprint (as ssh-keygen -l prints it) for host-key refusals.
   *
   * @return the fingerprint; empty for every other reason
   */
  public Optional<String> fingerprint() {
    return Optional.ofNullable(fingerprint);
  }

  /**
   * What became of a write under way when the connection was lost.
   *
   * @return the outcome; {@link InFlight#NONE} when no write was under way
   */
  public InFlight inFlight() {
    return inFlight;
  }

  /**
   * The write found applied after reconnecting.
   *
   * @return the change when {@link #inFlight()} is APPLIED; else empty
   */
  public Optional<Change> change() {
    return Optional.ofNullable(change);
  }
}
