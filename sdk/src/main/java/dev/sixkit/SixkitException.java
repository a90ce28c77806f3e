package dev.sixkit;

import java.util.Objects;

/**
 * Something Sixkit was asked to do could not be done. Carries what was being done ({@link
 * #operation()}) and to which object ({@link #object()}: a container, a network, an endpoint, a
 * lab host...), so a message always names the thing at fault.
 *
 * <p>Immutable; thread-safe.
 */
public class SixkitException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What was being done; never null. */
  private final String operation;

  /** The object it was done to; null when there is none. */
  private final String object;

  /**
   * An error without a cause.
   *
   * @param operation what was being done, such as "inspect container"; not null
   * @param object the object at fault, quoted as it should appear in the message; null or empty
   *     when the operation has none
   * @param detail why it failed (the daemon's or kernel's words where there are some); null or
   *     empty leaves it out of the message
   * @throws NullPointerException if {@code operation} is null
   */
  public SixkitException(String operation, String object, String detail) {
    this(operation, object, detail, null);
  }

  /**
   * An error with the exception that caused it. The message reads "OPERATION OBJECT: DETAIL".
   *
   * @param operation what was being done, such as "inspect container"; not null
   * @param object the object at fault; null or empty when the operation has none
   * @param detail why it failed; null or empty leaves it out of the message
   * @param cause the underlying failure; may be null
   * @throws NullPointerException if {@code operation} is null
   */
  public SixkitException(String operation, String object, String detail, Throwable cause) {
    super(message(operation, object, detail), cause);
    this.operation = Objects.requireNonNull(operation, "operation");
    this.object = object;
  }

  private static String message(String operation, String object, String detail) {
    StringBuilder sb = new StringBuilder(operation);
    if (object != null && !object.isEmpty()) {
      sb.append(' ').append(object);
    }
    if (detail != null && !detail.isEmpty()) {
      sb.append(": ").append(detail);
    }
    return sb.toString();
  }

  /**
   * What was being done.
   *
   * @return the operation, such as "inspect container" or "start dockerd"; never null
   */
  public String operation() {
    return operation;
  }

  /**
   * Which object it was done to.
   *
   * @return the object, such as "'web1'" or "unix:///run/docker.sock"; null when there was none
   */
  public String object() {
    return object;
  }
}
