package dev.sixkit.sync;

import dev.sixkit.docker.DockerEvent;
import dev.sixkit.docker.DockerException;
import dev.sixkit.docker.HostDockerReads;
import dev.sixkit.host.Host;
import dev.sixkit.host.NetlinkHost;
import dev.sixkit.internal.docker.DockerReads;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Docker side of the sync's inputs: one event stream, reconnected with exponential backoff
 * while the Engine is away (a full reconcile follows every connect, once the stream is open, so
 * nothing that happens meanwhile is missed), and the reader the worker reads containers with.
 *
 * <p>Events become tasks without any request to the Engine: a container's die or destroy removes
 * its entries from what the sync recorded (an inspect then would wait on Docker's container lock
 * until {@code rm -f} finishes), a network disconnect removes that network's entry, a network
 * connect reads that endpoint from the network, and start, restart, pause and unpause read the
 * container again from the Engine's list; none of these reads takes the container's lock.
 *
 * <p>Thread-safe: connects run on the timer thread, events arrive on the stream's thread, both
 * only enqueue tasks; the worker reads {@link #reads()}.
 */
final class DockerWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DockerWatch.class);
  /** Container actions after which its addresses may have changed: read it again. */
  static final Set<String> REREAD = Set.of("start", "restart", "pause", "unpause");
  /** Container actions after which it holds no address any more. */
  static final Set<String> GONE = Set.of("die", "destroy");

  private final NetlinkHost host;
  private final ScheduledExecutorService timer;
  private final Consumer<SyncTask> tasks;
  private final Duration backoffMin;
  private final Duration backoffMax;
  private final AtomicBoolean reconnectPending = new AtomicBoolean();
  private volatile DockerEvent.Stream stream;
  private volatile DockerReads reads;
  private volatile boolean connected;
  private volatile boolean connectedOnce;
  private volatile boolean closed;
  private Duration backoff;

  DockerWatch(NetlinkHost host, ScheduledExecutorService timer, Duration backoffMin, Duration backoffMax,
      Consumer<SyncTask> tasks) {
    this.host = host;
    this.timer = timer;
    this.tasks = tasks;
    this.backoffMin = backoffMin;
    this.backoffMax = backoffMax;
    this.backoff = backoffMin;
  }

  /** The task an event asks for, if any. */
  static Optional<SyncTask> taskOf(DockerEvent ev) {
    String action = ev.action();
    if ("container".equals(ev.type())) {
      String id = ev.actorId();
      if (id.isEmpty()) {
        return Optional.empty();
      }
      if (GONE.contains(action)) {
        return Optional.of(new SyncTask.ContainerGone(id));
      }
      return REREAD.contains(action) ? Optional.of(new SyncTask.ContainerChanged(id)) : Optional.empty();
    }
    if ("network".equals(ev.type())) {
      if (action.equals("create") || action.equals("destroy")) {
        return Optional.of(new SyncTask.NetworksChanged("network " + action));
      }
      Optional<String> c = ev.containerId();
      if (c.isPresent() && action.equals("disconnect")) {
        return Optional.of(new SyncTask.ContainerLeft(c.get(), ev.actorId()));
      }
      if (c.isPresent() && action.equals("connect")) {
        return Optional.of(new SyncTask.ContainerConnected(c.get(), ev.actorId()));
      }
    }
    return Optional.empty();
  }

  /** Connects now (on the timer thread). */
  void start() {
    timer.execute(this::connect);
  }

  /** The current reader; before the first connect, an UNREACHABLE failure (the caller schedules one). */
  DockerReads reads() {
    DockerReads d = reads;
    if (d == null) {
      throw new DockerException(DockerException.Reason.UNREACHABLE, String.valueOf(host), "read containers", host.name(),
          "not connected to Docker yet", null);
    }
    return d;
  }

  boolean connected() {
    return connected;
  }

  boolean connectedOnce() {
    return connectedOnce;
  }

  /** Docker failed a request: drop the stream and reconnect after the backoff. */
  void trouble(DockerException e) {
    log.warn("{}: Docker failed ({}): reconnecting", host.name(), e.getMessage());
    DockerEvent.Stream s = stream;
    if (s != null) {
      s.close(); // onEnd without a cause: reconnect here instead
    }
    connected = false;
    scheduleReconnect();
  }

  /** Docker's containers were read: the next outage starts with the short wait again. */
  synchronized void resetBackoff() {
    backoff = backoffMin;
  }

  private void connect() {
    reconnectPending.set(false);
    if (closed) {
      return;
    }
    DockerEvent.Stream old = stream;
    if (old != null && old.isOpen()) {
      return;
    }
    try {
      DockerReads d = HostDockerReads.open(host); // re-negotiates: the Engine may have been upgraded meanwhile
      DockerReads previous = reads;
      reads = d;
      if (previous != null) {
        previous.close();
      }
      DockerEvent.Stream s = d.events(null, new DockerEvent.Listener() {
        @Override
        public void onEvent(DockerEvent ev) {
          Optional<SyncTask> t = taskOf(ev);
          if (t.isPresent() && log.isDebugEnabled()) {
            long lag = java.time.Duration.between(ev.time(), java.time.Instant.now()).toMillis();
            log.debug("{}: {} {} {} arrived {} ms after Docker's time stamp", host.name(), ev.type(), ev.action(),
                ev.actorId().substring(0, Math.min(12, ev.actorId().length())), lag);
          }
          t.ifPresent(tasks);
        }

        @Override
        public void onEnd(Optional<Throwable> cause) {
          connected = false;
          if (!closed && cause.isPresent()) {
            log.warn("{}: Docker event stream ended ({}); reconnecting in {} ms", host.name(), cause.get().getMessage(),
                backoff.toMillis());
            scheduleReconnect();
          }
        }
      });
      stream = s;
      connected = s.isOpen();
      tasks.accept(new SyncTask.Full(connectedOnce ? "docker reconnected" : "docker connected", true));
      connectedOnce = true;
    } catch (RuntimeException e) {
      log.warn("{}: Docker is not reachable ({}); retrying in {} ms", host.name(), e.getMessage(), backoff.toMillis());
      scheduleReconnect();
    }
  }

  /** At most one reconnect is pending: the stream's end and a failed request both ask for one. */
  synchronized void scheduleReconnect() {
    if (closed || !reconnectPending.compareAndSet(false, true)) {
      return;
    }
    Duration wait = backoff;
    backoff = backoff.multipliedBy(2).compareTo(backoffMax) > 0 ? backoffMax : backoff.multipliedBy(2);
    try {
      timer.schedule(this::connect, wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  @Override
  public void close() {
    closed = true;
    DockerEvent.Stream s = stream;
    if (s != null) {
      s.close();
    }
    DockerReads r = reads;
    if (r != null) {
      r.close();
    }
  }
}
