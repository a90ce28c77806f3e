package dev.sixkit.docker;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One event from the Engine's event stream ({@link Docker#events}): a container starting or
 * dying, a container connected to or disconnected from a network, and the rest as they come.
 *
 * <p>Immutable record; thread-safe.
 *
 * @param type "container", "network", "image", ...
 * @param action "start", "die", "destroy", "connect", "disconnect", ...
 * @param actorId the object the event is about (a container id, or a network id for network events)
 * @param attributes the actor's attributes (for network events, "container" names the container's id)
 * @param time when the Engine says it happened (its timeNano, nanosecond precision)
 */
public record DockerEvent(String type, String action, String actorId, Map<String, String> attributes, Instant time) {
  /**
   * Null texts become "", null attributes an empty map (null keys and values are dropped).
   *
   * @param type the object type
   * @param action the action
   * @param actorId the actor's id
   * @param attributes the actor's attributes
   * @param time when it happened; not null
   * @throws NullPointerException if {@code time} is null
   */
  public DockerEvent {
    type = type == null ? "" : type;
    action = action == null ? "" : action;
    actorId = actorId == null ? "" : actorId;
    attributes = attributes == null ? Map.of() : Map.copyOf(Maps.noNulls(attributes));
    Objects.requireNonNull(time, "time");
  }

  /**
   * The container the event is about: the actor of a container event, the "container" attribute
   * of a network event.
   *
   * @return the container's full id; empty for other events or when the Engine gave none
   */
  public Optional<String> containerId() {
    if ("container".equals(type)) {
      return Optional.of(actorId).filter(s -> !s.isEmpty());
    }
    if ("network".equals(type)) {
      return Optional.ofNullable(attributes.get("container")).filter(s -> !s.isEmpty());
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return time + " " + type + " " + action + " " + (actorId.length() > 12 ? actorId.substring(0, 12) : actorId)
        + containerId().filter(c -> !"container".equals(type)).map(c -> " container " + c.substring(0, Math.min(12, c.length())))
            .orElse("");
  }

  /** Null-free copies for Map.copyOf. */
  static final class Maps {
    private Maps() {}

    static Map<String, String> noNulls(Map<String, String> m) {
      java.util.HashMap<String, String> out = new java.util.HashMap<>();
      m.forEach((k, v) -> {
        if (k != null && v != null) {
          out.put(k, v);
        }
      });
      return out;
    }
  }

  /**
   * What receives a stream's events. Methods are called on the stream's own thread, one at a
   * time, in order.
   */
  public interface Listener {
    /**
     * One event.
     *
     * @param event the event; never null
     */
    void onEvent(DockerEvent event);

    /**
     * The stream ended: closed by the caller ({@code cause} empty), or broken because the Engine
     * went away or failed. Nothing follows. Does nothing by default.
     *
     * @param cause why it broke; empty when it was closed
     */
    default void onEnd(Optional<Throwable> cause) {}
  }

  /**
   * An open event stream; close it to stop. Thread-safe.
   */
  public interface Stream extends AutoCloseable {
    /**
     * Whether it still delivers events.
     *
     * @return false once closed or broken
     */
    boolean isOpen();

    /** Stops the stream; {@link Listener#onEnd} follows with no cause unless it had ended. Idempotent. */
    @Override
    void close();
  }
}
