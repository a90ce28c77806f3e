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

  private final String operation;
  private final String object;

  public SixkitException(String operation, String object, String detail) {
    this(operation, object, detail, null);
  }

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

  /** What was being done, such as "inspect container" or "start dockerd". */
  public String operation() {
    return operation;
  }

  /** Which object it was done to, such as "'web1'" or "unix:///run/docker.sock"; may be null. */
  public String object() {
    return object;
  }
}
