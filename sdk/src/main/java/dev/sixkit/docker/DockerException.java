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

  /** The endpoint the request went to. */
  private final String endpoint;
  /** Which case this is; never null. */
  private final Reason reason;

  /**
   * A failed request. The message reads "OPERATION OBJECT: DETAIL [ENDPOINT]".
   *
   * @param reason which case it is
   * @param endpoint the Engine's endpoint, such as unix:///var/run/docker.sock
   * @param operation what was being done, such as "start container"; not null
   * @param object the container, network or image, quoted; may be null
   * @param detail why, in the Engine's words where it gave some
   * @param cause the underlying failure; may be null
   * @throws NullPointerException if {@code operation} is null
   */
  public DockerException(Reason reason, String endpoint, String operation, String object, String detail,
      Throwable cause) {
    super(operation, object, detail + " [" + endpoint + "]", cause);
    this.reason = reason;
    this.endpoint = endpoint;
  }

  /**
   * The Docker endpoint the request went to.
   *
   * @return the endpoint, such as unix:///var/run/docker.sock
   */
  public String endpoint() {
    return endpoint;
  }

  /**
   * Why the request failed, for callers that react to one case (NOT_FOUND, CONFLICT).
   *
   * @return the reason
   */
  public Reason reason() {
    return reason;
  }
}
