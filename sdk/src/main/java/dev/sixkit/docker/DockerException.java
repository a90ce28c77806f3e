package dev.sixkit.docker;

import dev.sixkit.SixkitException;

/**
 * A Docker Engine request failed. Names the endpoint, the operation and the object (container,
 * network, image...) and says why in {@link #reason()}; the Engine's own message is part of the
 * text.
 *
 * <p>Immutable; thread-safe.
 */
public class DockerException extends SixkitException {
  private static final long serialVersionUID = 1L;

  /** Why a request failed. */
  public enum Reason {
    /** Nothing answers at the endpoint (no socket, connection refused, not a Docker Engine). */
    UNREACHABLE,
    /** The container, network or image does not exist. */
    NOT_FOUND,
    /** The request conflicts with the object's state (a name in use, a running container...). */
    CONFLICT,
    /** The Engine rejected the request as malformed or invalid. */
    BAD_REQUEST,
    /** The Engine answered, but too late. */
    TIMEOUT,
    /** The Engine speaks an API version Sixkit cannot use. */
    UNSUPPORTED,
    /** Anything else the Engine reported. */
    FAILED
  }

  private final String endpoint;
  private final Reason reason;

  public DockerException(Reason reason, String endpoint, String operation, String object, String detail,
      Throwable cause) {
    super(operation, object, detail + " [" + endpoint + "]", cause);
    this.reason = reason;
    this.endpoint = endpoint;
  }

  /** The Docker endpoint the request went to, such as unix:///var/run/docker.sock. */
  public String endpoint() {
    return endpoint;
  }

  public Reason reason() {
    return reason;
  }
}
