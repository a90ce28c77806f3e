package dev.sixkit.host;

import dev.sixkit.SixkitException;
import dev.sixkit.plan.HostConnector;
import dev.sixkit.plan.HostSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Open hosts kept between setups, as OpenSSH's ControlPersist keeps a master connection: a
 * long-lived process (the run daemon) gives one pool to every {@link dev.sixkit.plan.SetupEngine}
 * ({@link dev.sixkit.plan.SetupEngine#hosts(HostSource)}), and the second run against a host
 * finds its SSH connection and remote shell open instead of paying a handshake and a login.
 *
 * <pre>{@code
 * try (HostPool pool = HostPool.builder().maxIdle(Duration.ofMinutes(5)).build()) {
 *   try (SetupEngine a = new SetupEngine(setup).hosts(pool)) { a.plan(); }  // connects
 *   try (SetupEngine b = new SetupEngine(setup).hosts(pool)) { b.plan(); }  // reuses the connections
 * }                                                                          // closes them
 * }</pre>
 *
 * <ul>
 *   <li>Only hosts whose connector is {@link HostConnector#poolable() poolable} (SSH) are kept,
 *       keyed on (connector, host name, Docker endpoint); any other is opened by its connector and
 *       closed by the engine as without a pool.
 *   <li>{@link #open} returns a lease: a {@link Host} whose {@code close()} gives the host back
 *       instead of closing it, and that refuses to be used after that. One live host may be lent
 *       to several engines at once (hosts are thread-safe).
 *   <li>Before lending a host again the pool checks it ({@link SshHost#reusable()}: session open,
 *       remote shell running, known_hosts unchanged since it vouched for the key). A host that
 *       fails the check is closed (once no engine holds it) and opened afresh, so a changed
 *       known_hosts makes the host key be checked again.
 *   <li>A host nobody holds for {@code maxIdle} is closed (checked by one daemon thread).
 *   <li>{@link #close()} closes every pooled host, lent or not.
 * </ul>
 *
 * Decisions (reuse, reopen and why, idle close) are logged at debug level.
 *
 * <p>Thread-safe. Opening one key is serialised (two engines asking for the same host at once
 * share one connection); different keys open in parallel.
 */
public final class HostPool implements HostSource, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HostPool.class);

  /** How long an unused pooled host stays open unless the builder says otherwise. */
  public static final Duration DEFAULT_MAX_IDLE = Duration.ofMinutes(5);

  private final Duration maxIdle;
  private final Map<Key, Slot> slots = new ConcurrentHashMap<>();
  private final ScheduledExecutorService reaper;
  private volatile boolean closed;

  /** A pool closing hosts unused for {@link #DEFAULT_MAX_IDLE}. */
  public HostPool() {
    this(DEFAULT_MAX_IDLE);
  }

  private HostPool(Duration maxIdle) {
    this.maxIdle = maxIdle;
    this.reaper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sixkit-host-pool-idle");
      t.setDaemon(true);
      return t;
    });
    // Checked a few times per maxIdle, at most every 30 s and at least every second.
    long every = Math.max(1_000, Math.min(30_000, maxIdle.toMillis() / 4));
    reaper.scheduleWithFixedDelay(() -> {
      try {
        closeIdle();
      } catch (RuntimeException e) {
        log.debug("closing idle hosts failed", e);
      }
    }, every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * A builder, for a pool with another idle time.
   *
   * @return a builder with the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link HostPool}. Not thread-safe; use from one thread. */
  public static final class Builder {
    private Duration maxIdle = DEFAULT_MAX_IDLE;

    private Builder() {}

    /**
     * How long a pooled host nobody holds stays open (default 5 min).
     *
     * @param idle a positive duration
     * @return this builder
     * @throws SixkitException when {@code idle} is null, zero or negative
     */
    public Builder maxIdle(Duration idle) {
      if (idle == null || idle.isZero() || idle.isNegative()) {
        throw new SixkitException("set host pool idle time", String.valueOf(idle), "it must be positive");
      }
      this.maxIdle = idle;
      return this;
    }

    /**
     * The pool (it starts its idle-checking daemon thread).
     *
     * @return a new, empty pool; the caller closes it
     */
    public HostPool build() {
      return new HostPool(maxIdle);
    }
  }

  /** What a pooled host is kept under: equal keys get the same host. */
  private record Key(HostConnector connector, String hostName, String dockerEndpoint) {}

  /**
   * One key's place in the pool; its monitor serialises opening, lending and giving back. The
   * status ({@link #pooled()}) reads the volatile fields without it, so it never waits for a
   * connection being opened.
   */
  private static final class Slot {
    final Key key;
    /** The host lent for this key now; null when none is open. */
    volatile Pooled current;
    /** A connection for this key is being opened now. */
    volatile boolean opening;
    /** Hosts no longer lent but still held by an engine: closed when given back, or with the pool. */
    final List<Pooled> retired = new ArrayList<>();
    /** Removed from the map: a caller that got it retries with a new one. */
    boolean gone;

    Slot(Key key) {
      this.key = key;
    }
  }

  /** One open host and its use; guarded by its slot's monitor. */
  private static final class Pooled {
    final Host host;
    final Instant connected = Instant.now();
    volatile long lastReturned = System.nanoTime();
    volatile long lends;
    volatile int held;
    /** No longer lent: closed when the last holder gives it back. */
    boolean retired;
    boolean hostClosed;

    Pooled(Host host) {
      this.host = host;
    }
  }

  /**
   * One pooled host as {@link #pooled()} shows it. Immutable.
   *
   * @param host the host's name in the setups (docker1)
   * @param via how it is reached ("ssh root@[fd00::1]:22")
   * @param docker the Docker endpoint asked for, or null for the connector's default
   * @param connected when it was opened
   * @param lends how many times it was lent (runs that used it)
   * @param held how many engines hold it now
   * @param idle how long nobody has held it (zero while held)
   */
  public record Entry(String host, String via, String docker, Instant connected, long lends, int held,
      Duration idle) {}

  /**
   * Lends the pooled host for (connector, name, Docker endpoint) after checking it, or opens one
   * and pools it; a connector that is not {@link HostConnector#poolable() poolable} just opens.
   *
   * @param connector how the host is reached
   * @param hostName the name the setup gives the host
   * @param dockerEndpoint the Docker endpoint, or null for the connector's default
   * @return a lease whose close() gives the host back (or, not poolable, the host itself)
   * @throws SixkitException when the pool is closed; whatever the connector throws when opening
   *     fails (nothing is pooled then)
   */
  @Override
  public Host open(HostConnector connector, String hostName, String dockerEndpoint) {
    Objects.requireNonNull(connector, "connector");
    if (closed) {
      throw closedError(hostName);
    }
    if (!connector.poolable()) {
      log.debug("{}: {} is not poolable: opened for this setup only", hostName, connector.describe());
      return connector.open(hostName, dockerEndpoint);
    }
    Key key = new Key(connector, hostName, dockerEndpoint);
    while (true) {
      Slot slot = slots.computeIfAbsent(key, Slot::new);
      synchronized (slot) {
        if (slot.gone) {
          continue;
        }
        if (closed) {
          throw closedError(hostName);
        }
        Pooled p = slot.current;
        if (p != null) {
          String why = whyNotReusable(p.host);
          if (why == null) {
            p.lends++;
            p.held++;
            log.debug("{}: reusing the open host ({}, opened {} ago, lent {} times, now held by {})", hostName,
                connector.describe(), ago(p.connected), p.lends, p.held);
            return lease(slot, p);
          }
          log.debug("{}: opening afresh: the pooled host cannot be reused: {}", hostName, why);
          slot.current = null;
          retire(slot, p, why);
        } else {
          log.debug("{}: opening {} for the pool", hostName, connector.describe());
        }
        Host h;
        slot.opening = true;
        try {
          h = connector.open(hostName, dockerEndpoint);
        } catch (RuntimeException e) {
          log.debug("{}: opening failed, nothing pooled: {}", hostName, e.getMessage());
          throw e;
        } finally {
          slot.opening = false;
        }
        p = new Pooled(h);
        p.lends = 1;
        p.held = 1;
        slot.current = p;
        return lease(slot, p);
      }
    }
  }

  /** Why a pooled host must not be lent again, or null when it may. */
  private static String whyNotReusable(Host h) {
    // SSH is the only poolable kind today; any other poolable host is trusted while it is open.
    return h instanceof SshHost s ? s.whyNotReusable() : null;
  }

  private static SixkitException closedError(String hostName) {
    return new SixkitException("open host", hostName, "the host pool is closed");
  }

  /** Takes a host out of lending; closes it now unless an engine still holds it. Under the slot's monitor. */
  private static void retire(Slot slot, Pooled p, String why) {
    p.retired = true;
    if (p.held == 0) {
      closeHost(p, why);
    } else {
      slot.retired.add(p);
      log.debug("{}: closed once the {} engine(s) holding it are done ({})", p.host.name(), p.held, why);
    }
  }

  private static void closeHost(Pooled p, String why) {
    if (p.hostClosed) {
      return;
    }
    p.hostClosed = true;
    log.debug("{}: closing the pooled host: {}", p.host.name(), why);
    try {
      p.host.close();
    } catch (RuntimeException e) {
      log.debug("{}: closing failed", p.host.name(), e);
    }
  }

  private void giveBack(Slot slot, Pooled p) {
    synchronized (slot) {
      p.held--;
      p.lastReturned = System.nanoTime();
      if (p.retired && p.held == 0) {
        slot.retired.remove(p);
        closeHost(p, "given back after it was retired");
      } else {
        log.debug("{}: given back to the pool (held by {} now)", p.host.name(), p.held);
      }
    }
  }

  private Host lease(Slot slot, Pooled p) {
    return (Host) Proxy.newProxyInstance(Host.class.getClassLoader(), new Class<?>[] {Host.class},
        new Lease(slot, p));
  }

  /** A lent host: every call goes to the pooled host but close(), which gives it back once. */
  private final class Lease implements InvocationHandler {
    private final Slot slot;
    private final Pooled pooled;
    private final AtomicBoolean returned = new AtomicBoolean();

    Lease(Slot slot, Pooled pooled) {
      this.slot = slot;
      this.pooled = pooled;
    }

    @Override
    public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
      int n = args == null ? 0 : args.length;
      switch (m.getName()) {
        case "close":
          if (n == 0) {
            if (returned.compareAndSet(false, true)) {
              giveBack(slot, pooled);
            }
            return null;
          }
          break;
        case "equals":
          if (n == 1) {
            return proxy == args[0];
          }
          break;
        case "hashCode":
          if (n == 0) {
            return System.identityHashCode(proxy);
          }
          break;
        case "toString":
          if (n == 0) {
            return pooled.host.toString();
          }
          break;
        default:
          break;
      }
      if (returned.get()) {
        throw new SixkitException("use host", pooled.host.name(), "it was given back to the host pool (the setup"
            + " that opened it was closed)");
      }
      try {
        return m.invoke(pooled.host, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }

  /**
   * Closes the pooled hosts nobody has held for the idle time (the pool's thread calls this; the
   * daemon may too).
   *
   * @return how many it closed
   */
  public int closeIdle() {
    int n = 0;
    long now = System.nanoTime();
    for (Slot slot : slots.values()) {
      synchronized (slot) {
        Pooled p = slot.current;
        if (p != null && p.held == 0 && now - p.lastReturned >= maxIdle.toNanos()) {
          slot.current = null;
          slot.gone = true;
          slots.remove(slot.key, slot);
          closeHost(p, "unused for " + Duration.ofNanos(now - p.lastReturned).toSeconds() + " s (max idle "
              + maxIdle + ")");
          n++;
        }
      }
    }
    return n;
  }

  /**
   * How long an unused pooled host stays open.
   *
   * @return the idle time
   */
  public Duration maxIdle() {
    return maxIdle;
  }

  /**
   * How many hosts are pooled (open, lendable) now.
   *
   * @return the count
   */
  public int size() {
    return pooled().size();
  }

  /**
   * The pooled hosts now, by host name (a snapshot that waits for no connection being opened;
   * the hosts stay owned by the pool).
   *
   * @return one entry per pooled host
   */
  public List<Entry> pooled() {
    List<Entry> out = new ArrayList<>();
    long now = System.nanoTime();
    for (Slot slot : slots.values()) {
      Pooled p = slot.current;
      if (p != null) {
        int held = p.held;
        out.add(new Entry(slot.key.hostName(), slot.key.connector().describe(), slot.key.dockerEndpoint(),
            p.connected, p.lends, held, held > 0 ? Duration.ZERO : Duration.ofNanos(Math.max(0, now - p.lastReturned))));
      }
    }
    out.sort(java.util.Comparator.comparing(Entry::host).thenComparing(Entry::via));
    return out;
  }

  /**
   * One line per pooled host, for {@code ./sixkit daemon status}: "docker1 ssh root@[fd00::1]:22
   * connected 3 min ago, 4 runs, idle 20 s"; then "docker2 ssh root@[fd00::2]:22 opening" for
   * each connection being opened now. Waits for no connection being opened.
   *
   * @return the lines, sorted by host name
   */
  public List<String> describe() {
    List<String> out = new ArrayList<>();
    for (Entry e : pooled()) {
      out.add(e.host() + " " + e.via() + (e.docker() == null ? "" : " docker " + e.docker()) + " connected "
          + ago(e.connected()) + " ago, " + e.lends() + (e.lends() == 1 ? " run" : " runs")
          + (e.held() > 0 ? ", in use by " + e.held() : ", idle " + human(e.idle())));
    }
    List<String> opening = new ArrayList<>();
    for (Slot slot : slots.values()) {
      if (slot.opening) {
        opening.add(slot.key.hostName() + " " + slot.key.connector().describe() + " opening");
      }
    }
    opening.sort(null);
    out.addAll(opening);
    return out;
  }

  private static String ago(Instant t) {
    return human(Duration.between(t, Instant.now()));
  }

  private static String human(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 120) {
      return s + " s";
    }
    if (s < 7200) {
      return s / 60 + " min";
    }
    return s / 3600 + " h";
  }

  /** Closes every pooled host, lent or not; the pool lends nothing afterwards. */
  @Override
  public void close() {
    closed = true;
    reaper.shutdownNow();
    for (Slot slot : slots.values()) {
      synchronized (slot) {
        Pooled p = slot.current;
        slot.current = null;
        slot.gone = true;
        slots.remove(slot.key, slot);
        if (p != null) {
          p.retired = true;
          closeHost(p, "the pool is closed");
        }
        for (Pooled r : slot.retired) {
          closeHost(r, "the pool is closed");
        }
        slot.retired.clear();
      }
    }
  }
}
