package dev.sixkit.internal.docker;

import com.github.dockerjava.api.async.ResultCallback;
import dev.sixkit.docker.DockerEvent;
import dev.sixkit.docker.DockerException;
import dev.sixkit.docker.DockerException.Reason;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/** The Engine's event stream (container and network events) for {@link EngineClient}. Stateless; thread-safe. */
final class EngineEvents {
  private EngineEvents() {}

  /**
   * Starts streaming events since {@code since} (or now) to the listener; its onEnd says why the
   * stream ended (empty when the caller closed it).
   */
  static DockerEvent.Stream open(EngineClient engine, Instant since, DockerEvent.Listener listener) {
    String endpoint = engine.endpoint();
    AtomicBoolean open = new AtomicBoolean(true);
    AtomicBoolean ended = new AtomicBoolean();
    ResultCallback.Adapter<com.github.dockerjava.api.model.Event> cb = new ResultCallback.Adapter<>() {
      @Override
      public void onNext(com.github.dockerjava.api.model.Event e) {
        if (!open.get() || e == null) {
          return;
        }
        long nanos = e.getTimeNano() != null ? e.getTimeNano()
            : (e.getTime() != null ? e.getTime() * 1_000_000_000L : System.currentTimeMillis() * 1_000_000L);
        var actor = e.getActor();
        listener.onEvent(new DockerEvent(e.getType() == null ? "" : e.getType().getValue(),
            e.getAction() != null ? e.getAction() : e.getStatus(), actor != null && actor.getId() != null ? actor.getId() : e.getId(),
            actor == null ? null : actor.getAttributes(),
            Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L)));
      }

      @Override
      public void onError(Throwable t) {
        open.set(false);
        if (ended.compareAndSet(false, true)) {
          listener.onEnd(Optional.of(EngineErrors.translate(endpoint, "read events", "", t instanceof Exception x ? x : new RuntimeException(t))));
        }
        super.onError(t);
      }

      @Override
      public void onComplete() {
        boolean byCaller = !open.getAndSet(false);
        if (ended.compareAndSet(false, true)) {
          listener.onEnd(byCaller ? Optional.empty() : Optional.of(new DockerException(Reason.UNREACHABLE, endpoint,
              "read events", "", "the Engine closed the event stream", null)));
        }
        super.onComplete();
      }
    };
    engine.call("read events", null, () -> {
      var cmd = engine.client().eventsCmd().withEventTypeFilter("container", "network");
      if (since != null) {
        cmd.withSince(since.getEpochSecond() + "." + String.format("%09d", since.getNano()));
      }
      return cmd.exec(cb);
    });
    return new DockerEvent.Stream() {
      @Override
      public boolean isOpen() {
        return open.get();
      }

      @Override
      public void close() {
        if (open.getAndSet(false)) {
          EngineClient.closeQuietly(cb);
          if (ended.compareAndSet(false, true)) {
            listener.onEnd(Optional.empty());
          }
        }
      }
    };
  }
}
