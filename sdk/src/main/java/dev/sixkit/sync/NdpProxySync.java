package dev.sixkit.sync;

import dev.sixkit.SixkitException;
import dev.sixkit.docker.Container;
import dev.sixkit.docker.DockerEvent;
import dev.sixkit.docker.DockerException;
import dev.sixkit.docker.DockerNetwork;
import dev.sixkit.docker.HostDockerReads;
import dev.sixkit.host.Change;
import dev.sixkit.host.Host;
import dev.sixkit.host.KernelHost;
import dev.sixkit.internal.docker.DockerReads;
import dev.sixkit.netlink.Event;
import dev.sixkit.netlink.Events;
import dev.sixkit.netlink.IpAddresses;
import dev.sixkit.netlink.IpPrefix;
import dev.sixkit.netlink.Link;
import dev.sixkit.netlink.Multicast;
import dev.sixkit.netlink.Neighbour;
import dev.sixkit.netlink.Netlink;
import dev.sixkit.netlink.NetlinkException;
import dev.sixkit.plan.ContainerAddresses;
import dev.sixkit.plan.Prefixes;
import dev.sixkit.plan.Subnet;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the NDP proxy entries of a Docker host right as containers come and go: exactly one
 * proxy entry on the uplink for each IPv6 address a live container holds inside the managed
 * prefixes, and none for containers that are gone.
 *
 * <pre>{@code
 * try (NdpProxySync sync = NdpProxySync.on(host).uplink("eth0")
 *     .prefixes("2001:db8:ab11:0:8000::/66").stateDir(Path.of("/var/lib/sixkit/ndp-sync")).start()) {
 *   sync.enabled().forEach(System.out::println);   // proxy_ndp, forwarding, accept_ra
 *   sync.awaitReconciled(Duration.ofSeconds(10));
 * }
 * }</pre>
 *
 * <h2>What drives it</h2>
 * <ul>
 *   <li>Docker's event stream: container start, die, destroy; network connect, disconnect. Each
 *       event re-reads that one container (inspect) and adds or removes its entries.</li>
 *   <li>A full reconcile (Docker's containers against the kernel's proxy table and the ownership
 *       record) at start, after every reconnect to Docker (with exponential backoff while it is
 *       away), and after a netlink event loss (ENOBUFS).</li>
 *   <li>Kernel notifications on the uplink's namespace: the kernel sends none for proxy entries,
 *       but each entry joins the solicited-node group of its address on the uplink and the kernel
 *       announces the group's last leave (RTM_DELMULTICAST, Linux 6.13+, see {@link Multicast}).
 *       So an entry deleted or flushed behind the sync's back is restored at once. Link events of
 *       the uplink (down, up, gone, renamed; a device going down flushes its proxy entries)
 *       trigger a kernel-side reconcile.</li>
 *   <li>The one exception, off by default: {@link Builder#auditInterval} schedules periodic full
 *       reconciles. The multicast signal misses exactly one case: an entry deleted while another
 *       member still holds its solicited-node group (a second proxied address or a host address
 *       with the same low 24 bits; {@link #sharedGroups()} lists them). Turn the audit on where
 *       that matters, or where the kernel is older than 6.13 (no multicast notifications; the
 *       sync logs a warning then).</li>
 * </ul>
 * There is no polling loop otherwise.
 *
 * <h2>Ownership</h2>
 * The sync removes only entries it added, and only inside its managed prefixes. What it added is
 * recorded in {@code STATE_DIR/owned} before each add and after each delete (write-ahead, atomic
 * rename), so after a kill -9 the next run knows every entry it may have added: nothing stale
 * stays and nothing missing is left out. No fsync: proxy entries do not survive a reboot, so
 * a record lost with the page cache can only name entries that are gone as well. Foreign
 * entries (added by hand or by another tool) are left alone and reported. A lock on
 * {@code STATE_DIR/lock} keeps two syncs off one state folder.
 *
 * <p>Thread-safe: all work runs on one worker thread; the accessors may be called from any
 * thread. Close it to stop (entries stay: they are still right for the containers that run).
 */
public final class NdpProxySync implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NdpProxySync.class);
  private static final String STATE_FILE = "owned";
  private static final String LOCK_FILE = "lock";
  private static final String STATIC = "static";

  private final Host host;
  private final Netlink nl;
  private final String uplink;
  private final List<IpPrefix> prefixes;
  private final Path stateDir;
  private final Set<InetAddress> staticAddresses;
  private final Duration auditInterval;
  private final Duration backoffMin;
  private final Duration backoffMax;
  private final List<Consumer<Report>> reportListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<Change>> changeListeners = new CopyOnWriteArrayList<>();

  private final LinkedBlockingQueue<Task> queue = new LinkedBlockingQueue<>();
  private final ScheduledExecutorService timer;
  private final Thread worker;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private volatile List<Change> enabled = List.of();
  private volatile Events.Subscription kernelEvents;
  private volatile boolean multicastWatched;
  private volatile DockerEvent.Stream dockerEvents;
  /** How Docker is read: the lean reader on a unix socket (see HostDockerReads); replaced on every reconnect. */
  private volatile DockerReads dockerReads;
  private volatile boolean closed;
  private volatile Report lastReport;
  private volatile boolean dockerConnected;
  private final AtomicLong reconciles = new AtomicLong();
  private final AtomicLong restored = new AtomicLong();
  private final Object idle = new Object();
  private volatile boolean busy;
  private Duration backoff;

  // Worker-thread state.
  private final Map<String, Set<InetAddress>> byContainer = new HashMap<>();
  private final Map<InetAddress, Set<String>> holders = new HashMap<>();
  private final Set<InetAddress> owned = new HashSet<>();
  private final Set<InetAddress> foreign = new HashSet<>();
  private boolean dockerKnown;
  private volatile int uplinkIndex;
  private volatile boolean stateLoaded;
  private volatile Set<InetAddress> ownedSnapshot = Set.of();

  private NdpProxySync(Builder b) {
    if (!(b.host instanceof KernelHost k)) {
      throw new SixkitException("start NDP proxy sync", b.host.name(), "needs a host reached through netlink (Host.connect() or Host.netns(...))");
    }
    this.host = b.host;
    this.nl = k.netlink();
    this.uplink = b.uplink;
    this.prefixes = List.copyOf(b.prefixes);
    this.stateDir = b.stateDir;
    this.staticAddresses = Set.copyOf(b.staticAddresses);
    this.auditInterval = b.auditInterval;
    this.backoffMin = b.backoffMin;
    this.backoffMax = b.backoffMax;
    this.backoff = backoffMin;
    if (b.onReport != null) {
      reportListeners.add(b.onReport);
    }
    if (b.onChange != null) {
      changeListeners.add(b.onChange);
    }
    try {
      Files.createDirectories(stateDir);
      lockChannel = FileChannel.open(stateDir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock l = lockChannel.tryLock();
      if (l == null) {
        lockChannel.close();
        throw new SixkitException("start NDP proxy sync", stateDir.toString(),
            "another sync holds " + stateDir.resolve(LOCK_FILE) + ": one sync per state folder");
      }
      lock = l;
    } catch (IOException e) {
      throw new SixkitException("start NDP proxy sync", stateDir.toString(), e.toString(), e);
    }
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sixkit-ndp-sync-timer");
      t.setDaemon(true);
      return t;
    });
    worker = new Thread(this::work, "sixkit-ndp-sync-" + host.name());
    worker.setDaemon(true);
  }

  /** Starts describing a sync on a host (this machine or a namespace; its Docker endpoint is the one watched). */
  public static Builder on(Host host) {
    return new Builder(Objects.requireNonNull(host, "host"));
  }

  /** Settings of a sync. Not thread-safe. */
  public static final class Builder {
    private final Host host;
    private String uplink;
    private final List<IpPrefix> prefixes = new ArrayList<>();
    private Path stateDir;
    private final Set<InetAddress> staticAddresses = new LinkedHashSet<>();
    private Duration auditInterval = Duration.ZERO;
    private Duration backoffMin = Duration.ofMillis(100);
    private Duration backoffMax = Duration.ofSeconds(5);
    private boolean acceptRa = true;
    private Consumer<Report> onReport;
    private Consumer<Change> onChange;

    private Builder(Host host) {
      this.host = host;
    }

    /** The interface the proxy entries go on (the one facing the other hosts, such as eth0). */
    public Builder uplink(String device) {
      this.uplink = Objects.requireNonNull(device, "uplink");
      return this;
    }

    /** The prefixes whose container addresses get entries (such as the host's /66); nothing outside them is touched. */
    public Builder prefixes(String... managed) {
      for (String p : managed) {
        prefixes.add(parsePrefix(p));
      }
      return this;
    }

    /** {@link #prefixes(String...)} from a collection. */
    public Builder prefixes(Collection<String> managed) {
      return prefixes(managed.toArray(String[]::new));
    }

    /** Where the ownership record lives (created if missing). */
    public Builder stateDir(Path dir) {
      this.stateDir = Objects.requireNonNull(dir, "stateDir").toAbsolutePath();
      return this;
    }

    /**
     * Addresses to keep proxied besides the containers' (a VM or a service outside Docker); each
     * must lie in a managed prefix. They are owned like container entries.
     */
    public Builder staticAddresses(Collection<String> addresses) {
      for (String a : addresses) {
        try {
          staticAddresses.add(IpAddresses.parseV6(a, "static address"));
        } catch (NetlinkException e) {
          throw new SixkitException("configure NDP proxy sync", a, "not an IPv6 address", e);
        }
      }
      return this;
    }

    /**
     * Periodic full reconciles (default: off). Off is right on Linux 6.13+ unless proxied
     * addresses share a solicited-node group; see the class notes.
     */
    public Builder auditInterval(Duration every) {
      if (every.isNegative()) {
        throw new SixkitException("configure NDP proxy sync", "audit " + every, "the interval cannot be negative");
      }
      this.auditInterval = every;
      return this;
    }

    /** How long to wait before reconnecting to Docker: doubling from min up to max (default 100 ms to 5 s). */
    public Builder backoff(Duration min, Duration max) {
      if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
        throw new SixkitException("configure NDP proxy sync", "backoff " + min + ".." + max, "need 0 < min <= max");
      }
      this.backoffMin = min;
      this.backoffMax = max;
      return this;
    }

    /**
     * Whether router advertisements must still be accepted on the uplink (default true): with
     * forwarding on, the kernel ignores them unless accept_ra is 2, so 1 becomes 2.
     */
    public Builder acceptRouterAdvertisements(boolean keep) {
      this.acceptRa = keep;
      return this;
    }

    /** Called on the worker thread after every reconcile. */
    public Builder onReport(Consumer<Report> listener) {
      this.onReport = listener;
      return this;
    }

    /** Called on the worker thread for every entry added, removed or restored. */
    public Builder onChange(Consumer<Change> listener) {
      this.onChange = listener;
      return this;
    }

    private void validate() {
      if (uplink == null) {
        throw new SixkitException("configure NDP proxy sync", host.name(), "no uplink: .uplink(\"eth0\")");
      }
      if (prefixes.isEmpty()) {
        throw new SixkitException("configure NDP proxy sync", host.name(),
            "no managed prefix: .prefixes(\"2001:db8:ab11:0:8000::/66\")");
      }
      if (stateDir == null) {
        throw new SixkitException("configure NDP proxy sync", host.name(), "no state folder: .stateDir(Path.of(...))");
      }
      for (InetAddress a : staticAddresses) {
        if (prefixes.stream().noneMatch(p -> p.contains(a))) {
          throw new SixkitException("configure NDP proxy sync", IpAddresses.format(a),
              "a static address must lie in a managed prefix " + prefixes);
        }
      }
    }

    /**
     * Turns on proxy_ndp and forwarding on the uplink (accept_ra 1 becomes 2), starts watching
     * Docker and the kernel, and reconciles (asynchronously: see {@link #awaitReconciled}).
     */
    public NdpProxySync start() {
      validate();
      NdpProxySync s = new NdpProxySync(this);
      try {
        s.begin(acceptRa);
      } catch (RuntimeException e) {
        s.close();
        throw e;
      }
      return s;
    }
  }

  static IpPrefix parsePrefix(String p) {
    try {
      IpPrefix x = IpPrefix.parseV6(p, "managed prefix");
      if (!x.equals(x.network())) {
        throw new SixkitException("configure NDP proxy sync", p, "host bits are set; did you mean " + x.network() + "?");
      }
      return x;
    } catch (NetlinkException e) {
      throw new SixkitException("configure NDP proxy sync", p, "not an IPv6 prefix", e);
    }
  }

  /**
   * What one reconcile did.
   *
   * @param reason why it ran ("start", "docker reconnected", "events lost", "uplink changed", "audit", ...)
   * @param at when it ended
   * @param changes entries added or removed (empty when the table was already right)
   * @param desired the addresses that should have an entry
   * @param owned the entries the sync owns after it
   * @param foreign entries inside the managed prefixes the sync did not add, left alone
   * @param dockerKnown whether Docker's containers were read (false while Docker is away: nothing is removed then)
   * @param took how long it took
   *
   * <p>Immutable record; thread-safe.
   */
  public record Report(String reason, Instant at, List<Change> changes, int desired, int owned, List<String> foreign,
      boolean dockerKnown, Duration took) {
    public Report {
      changes = List.copyOf(changes);
      foreign = List.copyOf(foreign);
    }

    @Override
    public String toString() {
      return "reconcile (" + reason + "): " + changes.size() + " changes, " + desired + " wanted, " + owned + " owned"
          + (foreign.isEmpty() ? "" : ", foreign kept " + shortList(foreign)) + (dockerKnown ? "" : ", Docker unknown") + " in "
          + took.toMillis() + " ms";
    }

    /** A log line stays readable when a thousand foreign entries are kept: the first few and a count. */
    private static String shortList(List<String> l) {
      return l.size() <= 8 ? l.toString()
          : "[" + String.join(", ", l.subList(0, 8)) + ", ... " + (l.size() - 8) + " more (" + l.size() + " in all)]";
    }
  }

  // ---------------------------------------------------------------- public view

  /** What enabling proxy_ndp, forwarding and accept_ra on the uplink changed. */
  public List<Change> enabled() {
    return enabled;
  }

  public String uplink() {
    return uplink;
  }

  /** The managed prefixes, as IPAddress prefixes (the address type of the whole API). */
  public List<inet.ipaddr.IPAddress> prefixes() {
    return prefixes.stream().map(p -> new inet.ipaddr.IPAddressString(p.toString()).getAddress()).toList();
  }

  public Path stateDir() {
    return stateDir;
  }

  /** The entries the sync owns now (canonical addresses, sorted). */
  public Set<String> owned() {
    TreeSet<String> sorted = new TreeSet<>();
    for (InetAddress a : ownedSnapshot) {
      sorted.add(IpAddresses.format(a));
    }
    return java.util.Collections.unmodifiableSet(sorted);
  }

  /** How many reconciles have completed. */
  public long reconciles() {
    return reconciles.get();
  }

  /** How many entries were restored after something removed them behind the sync's back. */
  public long restored() {
    return restored.get();
  }

  /** The last reconcile's report, if any. */
  public Optional<Report> lastReport() {
    return Optional.ofNullable(lastReport);
  }

  /** Whether the Docker event stream is open now. */
  public boolean dockerConnected() {
    return dockerConnected;
  }

  /** Whether kernel multicast notifications (the flush signal) are watched. */
  public boolean watchesMulticast() {
    return multicastWatched;
  }

  public void addReportListener(Consumer<Report> l) {
    reportListeners.add(l);
  }

  public void addChangeListener(Consumer<Change> l) {
    changeListeners.add(l);
  }

  /** Waits until at least one full reconcile with Docker's containers has completed. */
  public boolean awaitReconciled(Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      Report r = lastReport;
      if (r != null && r.dockerKnown()) {
        return true;
      }
      sleep(10);
    }
    return false;
  }

  /** Waits until the worker has nothing queued and is not working (events already delivered are handled). */
  public boolean awaitIdle(Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (queue.isEmpty() && !busy) {
        return true;
      }
      sleep(5);
    }
    return false;
  }

  /** Asks for a full reconcile now (asynchronous). */
  public void requestReconcile(String reason) {
    queue.add(new Task.Full(reason, true));
  }

  /**
   * Addresses whose deletion the kernel cannot announce: groups of proxied addresses sharing a
   * solicited-node group with another member (another proxied address or an address on the
   * uplink). Only the audit would notice one of those deleted alone.
   */
  public Map<String, List<String>> sharedGroups() {
    Map<InetAddress, List<String>> byGroup = new HashMap<>();
    for (String a : owned()) {
      byGroup.computeIfAbsent(Multicast.solicitedNode(IpAddresses.parse(a)), g -> new ArrayList<>()).add(a);
    }
    try {
      for (var addr : nl.addresses().list()) {
        if (uplink.equals(addr.device()) && addr.address() instanceof Inet6Address) {
          InetAddress g = Multicast.solicitedNode(addr.address());
          if (byGroup.containsKey(g)) {
            byGroup.get(g).add(IpAddresses.format(addr.address()) + " (uplink address)");
          }
        }
      }
    } catch (NetlinkException e) {
      log.debug("cannot list addresses: {}", e.getMessage());
    }
    Map<String, List<String>> out = new java.util.TreeMap<>();
    byGroup.forEach((g, l) -> {
      if (l.size() > 1) {
        out.put(IpAddresses.format(g), List.copyOf(l));
      }
    });
    return out;
  }

  // ---------------------------------------------------------------- start and stop

  private void begin(boolean acceptRa) {
    Link up = nl.links().get(uplink); // fails naming the uplink when it is missing
    uplinkIndex = up.index();
    enabled = enable(host, uplink, acceptRa);
    owned.addAll(readState());
    stateLoaded = true;
    publishOwned();
    subscribeKernel();
    worker.start();
    if (!auditInterval.isZero()) {
      timer.scheduleAtFixedRate(() -> queue.add(new Task.Full("audit", true)), auditInterval.toMillis(),
          auditInterval.toMillis(), TimeUnit.MILLISECONDS);
    }
    // The kernel side first, from what is known (static addresses, nothing removed), then Docker.
    queue.add(new Task.Full("start", false));
    timer.execute(this::connectDocker);
  }

  /**
   * Turns on proxy_ndp and forwarding on the uplink and, when router advertisements must still be
   * accepted, accept_ra 1 becomes 2 (forwarding makes the kernel ignore them otherwise).
   */
  public static List<Change> enable(Host host, String uplink, boolean acceptRa) {
    List<Change> out = new ArrayList<>();
    out.add(host.sysctl("net.ipv6.conf." + uplink + ".proxy_ndp", "1"));
    if (acceptRa) {
      String ra = host.sysctl("net.ipv6.conf." + uplink + ".accept_ra");
      if ("1".equals(ra.trim())) {
        out.add(host.sysctl("net.ipv6.conf." + uplink + ".accept_ra", "2"));
      } else {
        out.add(Change.unchanged(host.name(), "sysctl net.ipv6.conf." + uplink + ".accept_ra", ra.trim()));
      }
    }
    // After accept_ra: turning forwarding on first would drop the learnt default route.
    out.add(host.sysctl("net.ipv6.conf." + uplink + ".forwarding", "1"));
    return List.copyOf(out);
  }

  /**
   * The prefixes a sync on this host should manage when none are given: the IPv6 subnets of
   * Docker's networks that lie inside a prefix on-link on the uplink (the ones whose containers
   * other hosts try to reach by neighbour discovery), in network-name order.
   */
  public static List<String> proxiedPrefixes(Host host, String uplink) {
    List<IpPrefix> onLink = new ArrayList<>();
    for (dev.sixkit.netlink.Address a : host.addresses()) {
      if (a.device().equals(uplink) && a.address() instanceof Inet6Address && !a.address().isLinkLocalAddress()) {
        onLink.add(a.prefix().network());
      }
    }
    List<String> out = new ArrayList<>();
    try (DockerReads d = HostDockerReads.open(host)) {
      for (DockerNetwork n : d.networks()) {
        for (Subnet s : n.ipv6Subnets()) {
          String text = Prefixes.text((inet.ipaddr.ipv6.IPv6Address) s.prefix());
          IpPrefix ip = IpPrefix.parse(text);
          if (onLink.stream().anyMatch(o -> o.length() <= ip.length() && o.contains(ip.address())) && !out.contains(text)) {
            out.add(text);
          }
        }
      }
    }
    return out;
  }

  /** The default bridge's IPv6 prefix (what dockerd's --fixed-cidr-v6 set), if Docker has one. */
  public static Optional<String> fixedCidrV6(Host host) {
    try (DockerReads d = HostDockerReads.open(host)) {
      return d.networks().stream().filter(n -> n.name().equals("bridge") && n.driver().equals("bridge"))
          .flatMap(n -> n.ipv6Subnets().stream()).findFirst()
          .map(s -> Prefixes.text((inet.ipaddr.ipv6.IPv6Address) s.prefix()));
    }
  }

  private void subscribeKernel() {
    Events.Subscription s;
    try {
      s = nl.events(Events.Group.LINK, Events.Group.IPV6_MULTICAST);
      multicastWatched = true;
    } catch (NetlinkException e) {
      log.warn("{}: no IPv6 multicast notifications here ({}): an entry flushed behind the sync's back is noticed only "
          + "by the audit (auditInterval)", host.name(), e.getMessage());
      s = nl.events(Events.Group.LINK);
      multicastWatched = false;
    }
    s.receiveBuffer(1 << 20);
    s.onEvent(this::onKernelEvent);
    kernelEvents = s;
  }

  private void onKernelEvent(Event e) {
    if (e instanceof Event.EventsLost) {
      queue.add(new Task.Full("netlink events lost", true));
    } else if (e instanceof Event.LinkEvent le) {
      Link l = le.link();
      if (l.index() == uplinkIndex || uplink.equals(l.name())) {
        queue.add(new Task.Full("uplink " + (le.removed() ? "removed" : l.isUp() ? "up" : "down"), false));
      }
    } else {
      Multicast.change(e).filter(c -> c.removed() && c.ifindex() == uplinkIndex)
          .ifPresent(c -> queue.add(new Task.GroupLeft(c.group())));
    }
  }

  private void connectDocker() {
    reconnectPending.set(false);
    if (closed) {
      return;
    }
    DockerEvent.Stream old = dockerEvents;
    if (old != null && old.isOpen()) {
      return; // already connected
    }
    try {
      DockerReads d = HostDockerReads.open(host); // re-negotiates: the Engine may have been upgraded meanwhile
      DockerReads previous = dockerReads;
      dockerReads = d;
      if (previous != null) {
        previous.close();
      }
      DockerEvent.Stream s = d.events(null, new DockerEvent.Listener() {
        @Override
        public void onEvent(DockerEvent ev) {
          ev.containerId().ifPresent(id -> queue.add(new Task.ContainerChanged(id, ev)));
        }

        @Override
        public void onEnd(Optional<Throwable> cause) {
          dockerConnected = false;
          if (!closed && cause.isPresent()) {
            log.warn("{}: Docker event stream ended ({}); reconnecting in {} ms", host.name(), cause.get().getMessage(),
                backoff.toMillis());
            scheduleReconnect();
          }
        }
      });
      dockerEvents = s;
      dockerConnected = s.isOpen();
      // Reconcile after the stream is open: nothing that happens meanwhile is missed.
      queue.add(new Task.Full(dockerKnownOnce ? "docker reconnected" : "docker connected", true));
    } catch (RuntimeException e) {
      log.warn("{}: Docker is not reachable ({}); retrying in {} ms", host.name(), e.getMessage(), backoff.toMillis());
      scheduleReconnect();
    }
  }

  private volatile boolean dockerKnownOnce;

  private final java.util.concurrent.atomic.AtomicBoolean reconnectPending = new java.util.concurrent.atomic.AtomicBoolean();

  /** At most one reconnect is pending: the stream's end and a failed request both ask for one. */
  private synchronized void scheduleReconnect() {
    if (closed || !reconnectPending.compareAndSet(false, true)) {
      return;
    }
    Duration wait = backoff;
    backoff = backoff.multipliedBy(2).compareTo(backoffMax) > 0 ? backoffMax : backoff.multipliedBy(2);
    try {
      timer.schedule(this::connectDocker, wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing
    }
  }

  private synchronized void resetBackoff() {
    backoff = backoffMin;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    DockerEvent.Stream d = dockerEvents;
    if (d != null) {
      d.close();
    }
    DockerReads r = dockerReads;
    if (r != null) {
      r.close();
    }
    Events.Subscription s = kernelEvents;
    if (s != null) {
      s.close();
    }
    timer.shutdownNow();
    queue.add(new Task.Stop());
    if (worker.isAlive() && worker != Thread.currentThread()) {
      try {
        worker.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (stateLoaded && !worker.isAlive()) {
      try {
        writeState(); // compact the journal into a snapshot
      } catch (RuntimeException e) {
        log.debug("compacting the record on close: {}", e.getMessage());
      }
    }
    closeJournal();
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      log.debug("releasing the lock: {}", e.toString());
    }
  }

  // ---------------------------------------------------------------- the worker

  private sealed interface Task {
    record Full(String reason, boolean docker) implements Task {}

    record ContainerChanged(String id, DockerEvent event) implements Task {}

    record GroupLeft(InetAddress group) implements Task {}

    record Stop() implements Task {}
  }

  private void work() {
    while (true) {
      Task first;
      try {
        first = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      busy = true;
      try {
        List<Task> batch = new ArrayList<>();
        batch.add(first);
        queue.drainTo(batch);
        if (batch.stream().anyMatch(t -> t instanceof Task.Stop)) {
          return;
        }
        Task.Full full = null;
        for (Task t : batch) {
          if (t instanceof Task.Full f && (full == null || (f.docker() && !full.docker()))) {
            full = f;
          }
        }
        boolean dockerRead = full != null && runFull(full);
        Set<String> seen = new HashSet<>(); // start and network connect come together: one inspect
        for (Task t : batch) {
          try {
            if (t instanceof Task.ContainerChanged c && !dockerRead) { // a full read of Docker covers them
              if (seen.add(c.id())) {
                containerChanged(c.id());
              }
            } else if (t instanceof Task.GroupLeft g && full == null) {
              groupLeft(g.group());
            }
          } catch (DockerException e) {
            dockerTrouble(e);
          } catch (NetlinkException | SixkitException e) {
            log.warn("{}: {}; reconciling in full", host.name(), e.getMessage());
            queue.add(new Task.Full("after error: " + e.getMessage(), true));
            sleep(backoffMin.toMillis());
          }
        }
      } catch (RuntimeException e) {
        log.error("{}: NDP proxy sync worker failed on a task; going on", host.name(), e);
      } finally {
        busy = false;
      }
    }
  }

  /** The current reader; before the first connect, an UNREACHABLE failure that schedules one. */
  private DockerReads docker() {
    DockerReads d = dockerReads;
    if (d == null) {
      throw new DockerException(DockerException.Reason.UNREACHABLE, String.valueOf(host), "read containers", host.name(),
          "not connected to Docker yet", null);
    }
    return d;
  }

  private void dockerTrouble(DockerException e) {
    log.warn("{}: Docker failed ({}): reconnecting", host.name(), e.getMessage());
    DockerEvent.Stream d = dockerEvents;
    if (d != null) {
      d.close(); // onEnd without a cause: reconnect here instead
    }
    dockerConnected = false;
    scheduleReconnect();
  }

  /** Runs a full reconcile; returns whether Docker's containers were read in it. */
  private boolean runFull(Task.Full f) {
    long t0 = System.nanoTime();
    List<Change> changes = new ArrayList<>();
    boolean docker = f.docker();
    if (docker) {
      try {
        List<Container> cs = docker().containers();
        byContainer.clear();
        holders.clear();
        for (Container c : cs) {
          Set<InetAddress> as = addresses(c);
          if (!as.isEmpty()) {
            byContainer.put(c.id(), as);
            for (InetAddress a : as) {
              holders.computeIfAbsent(a, k -> new HashSet<>()).add(c.id());
            }
          }
        }
        dockerKnown = true;
        dockerKnownOnce = true;
        resetBackoff();
      } catch (DockerException e) {
        if (dockerKnown) {
          log.warn("{}: Docker unreachable during reconcile ({}); keeping what is known", host.name(), e.getMessage());
        }
        dockerTrouble(e);
        docker = false;
      } catch (SixkitException e) {
        log.warn("{}: no Docker ({}); reconciling static addresses only", host.name(), e.getMessage());
        scheduleReconnect();
        docker = false;
      }
    }
    for (InetAddress a : staticAddresses) {
      holders.computeIfAbsent(a, k -> new HashSet<>()).add(STATIC);
    }
    try {
      reconcileKernel(changes);
    } catch (NetlinkException e) {
      log.warn("{}: reconcile failed: {}; retrying", host.name(), e.getMessage());
      timer.schedule(() -> queue.add(new Task.Full("retry after " + e.errnoName(), true)), backoffMax.toMillis(),
          TimeUnit.MILLISECONDS);
    }
    Report r = new Report(f.reason(), Instant.now(), changes, holders.size(), owned.size(),
        foreign.stream().map(IpAddresses::format).sorted().toList(), dockerKnown && (docker || !f.docker()),
        Duration.ofNanos(System.nanoTime() - t0));
    if (!f.docker() && !dockerKnown) {
      r = new Report(r.reason(), r.at(), r.changes(), r.desired(), r.owned(), r.foreign(), false, r.took());
    }
    lastReport = r;
    reconciles.incrementAndGet();
    if (!changes.isEmpty() || f.docker()) {
      log.debug("{}: {}", host.name(), r);
    }
    for (Consumer<Report> l : reportListeners) {
      try {
        l.accept(r);
      } catch (RuntimeException e) {
        log.warn("report listener failed", e);
      }
    }
    return docker;
  }

  /** The container's IPv6 addresses inside the managed prefixes, when it is live. */
  private Set<InetAddress> addresses(Container c) {
    Set<InetAddress> out = new HashSet<>();
    // The one rule for which containers keep an entry (paused and restarting ones do), shared with plans.
    for (var v6 : ContainerAddresses.of(c, x -> true)) {
      InetAddress a = IpAddresses.parse(v6.toCanonicalString());
      if (managed(a)) {
        out.add(a);
      }
    }
    return out;
  }

  private boolean managed(InetAddress a) {
    for (IpPrefix p : prefixes) {
      if (p.contains(a)) {
        return true;
      }
    }
    return false;
  }

  private void reconcileKernel(List<Change> changes) {
    Link up;
    try {
      up = nl.links().get(uplink);
    } catch (NetlinkException e) {
      log.warn("{}: uplink {} is missing: nothing to reconcile until it is back", host.name(), uplink);
      return;
    }
    uplinkIndex = up.index();
    Set<InetAddress> kernel = new HashSet<>();
    for (Neighbour n : nl.neighbours().proxies().ipv6().dev(uplink).list()) {
      kernel.add(n.address());
    }
    Set<InetAddress> desired = holders.keySet();
    List<InetAddress> toAdd = new ArrayList<>();
    for (InetAddress a : desired) {
      if (!kernel.contains(a)) {
        toAdd.add(a);
      }
    }
    List<InetAddress> toDelete = new ArrayList<>();
    Set<InetAddress> keep = new HashSet<>();
    foreign.clear();
    for (InetAddress a : kernel) {
      if (!managed(a)) {
        continue; // never ours to judge
      }
      if (owned.contains(a)) {
        if (desired.contains(a)) {
          keep.add(a);
        } else if (dockerKnown) {
          toDelete.add(a);
        } else {
          keep.add(a); // Docker unknown: it may still be live
        }
      } else {
        foreign.add(a);
      }
    }
    for (InetAddress a : owned) {
      if (!managed(a) && kernel.contains(a)) {
        log.info("{}: {} is outside the managed prefixes now: left in place, no longer owned", host.name(),
            IpAddresses.format(a));
      }
    }
    // Write-ahead: what is about to be added is recorded first.
    Set<InetAddress> next = new HashSet<>(keep);
    next.addAll(toAdd);
    next.addAll(toDelete);
    owned.clear();
    owned.addAll(next);
    writeState();
    for (InetAddress a : toAdd) {
      nl.neighbours().proxy(a).dev(uplinkIndex).add();
      changes.add(change(Change.added(host.name(), object(a), "present")));
    }
    for (InetAddress a : toDelete) {
      deleteEntry(a);
      owned.remove(a);
      changes.add(change(Change.removed(host.name(), object(a), "present")));
    }
    writeState();
  }

  private void containerChanged(String id) {
    Optional<Container> c = docker().findContainer(id);
    Set<InetAddress> now = c.map(this::addresses).orElse(Set.of());
    Set<InetAddress> before = now.isEmpty() ? byContainer.remove(id) : byContainer.put(id, now);
    if (before == null) {
      before = Set.of();
    }
    if (now.equals(before)) {
      return;
    }
    for (InetAddress a : now) {
      if (!before.contains(a)) {
        Set<String> h = holders.computeIfAbsent(a, k -> new HashSet<>());
        h.add(id);
        ensure(a);
      }
    }
    for (InetAddress a : before) {
      if (!now.contains(a)) {
        Set<String> h = holders.get(a);
        if (h != null) {
          h.remove(id);
          if (h.isEmpty()) {
            holders.remove(a);
            release(a);
          }
        }
      }
    }
  }

  /** Makes sure a wanted address has an entry; adds and owns it when there is none. */
  private void ensure(InetAddress a) {
    boolean exists = nl.neighbours().proxy(a).dev(uplinkIndex).exists();
    if (exists) {
      if (!owned.contains(a)) {
        foreign.add(a);
        log.info("{}: {} already has a proxy entry the sync did not add: left as it is", host.name(), IpAddresses.format(a));
      }
      return;
    }
    foreign.remove(a);
    if (owned.add(a)) {
      journal('+', a);
    }
    nl.neighbours().proxy(a).dev(uplinkIndex).add();
    change(Change.added(host.name(), object(a), "present"));
  }

  /** Removes an entry nobody wants any more, if the sync owns it. */
  private void release(InetAddress a) {
    if (!owned.contains(a)) {
      if (foreign.remove(a)) {
        log.info("{}: {} is no longer wanted; its proxy entry is not the sync's: left as it is", host.name(),
            IpAddresses.format(a));
      }
      return;
    }
    deleteEntry(a);
    owned.remove(a);
    journal('-', a);
    change(Change.removed(host.name(), object(a), "present"));
  }

  private void deleteEntry(InetAddress a) {
    try {
      nl.neighbours().proxy(a).dev(uplinkIndex).delete();
    } catch (NetlinkException e) {
      if (e.errno() != 2) { // ENOENT: gone already
        throw e;
      }
    }
  }

  /** The kernel left a solicited-node group on the uplink: restore wanted entries of that group that are gone. */
  private void groupLeft(InetAddress group) {
    for (InetAddress a : new ArrayList<>(holders.keySet())) {
      if (!Multicast.solicitedNode(a).equals(group)) {
        continue;
      }
      if (!nl.neighbours().proxy(a).dev(uplinkIndex).exists()) {
        boolean was = owned.contains(a) || foreign.contains(a);
        foreign.remove(a);
        if (owned.add(a)) {
          journal('+', a);
        }
        nl.neighbours().proxy(a).dev(uplinkIndex).add();
        if (was) {
          restored.incrementAndGet();
        }
        Change c = new Change(host.name(), Change.Kind.ADDED, object(a), "", "present (restored)");
        log.debug("{}", c);
        change(c);
      }
    }
  }

  private Change change(Change c) {
    if (!c.after().contains("restored")) {
      log.debug("{}", c);
    }
    for (Consumer<Change> l : changeListeners) {
      try {
        l.accept(c);
      } catch (RuntimeException e) {
        log.warn("change listener failed", e);
      }
    }
    return c;
  }

  private String object(InetAddress a) {
    return "proxy " + IpAddresses.format(a) + " dev " + uplink;
  }

  // ---------------------------------------------------------------- ownership record

  private Set<InetAddress> readState() {
    Path f = stateDir.resolve(STATE_FILE);
    Set<InetAddress> out = new HashSet<>();
    if (!Files.exists(f)) {
      return out;
    }
    try {
      String dev = uplink;
      for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
        String l = line.trim();
        if (l.isEmpty() || l.startsWith("#")) {
          continue;
        }
        if (l.startsWith("uplink ")) {
          dev = l.substring(7).trim();
          continue;
        }
        try {
          char op = l.charAt(0) == '+' || l.charAt(0) == '-' ? l.charAt(0) : '=';
          InetAddress a = IpAddresses.parseV6(op == '=' ? l : l.substring(1), "owned entry");
          if (op == '-') {
            out.remove(a);
          } else if (dev.equals(uplink)) {
            out.add(a);
          } else {
            releaseOnOldUplink(a, dev);
          }
        } catch (NetlinkException e) {
          log.warn("{}: skipping a line of {} that is not an address: {}", host.name(), f, l);
        }
      }
    } catch (IOException e) {
      throw new SixkitException("read NDP proxy sync state", f.toString(), e.toString(), e);
    }
    return out;
  }

  /** An entry this sync added on an uplink it no longer serves: it is its to remove. */
  private void releaseOnOldUplink(InetAddress a, String dev) {
    try {
      nl.neighbours().proxy(a).dev(dev).delete();
      log.debug("{}: removed {} from the former uplink {}", host.name(), IpAddresses.format(a), dev);
    } catch (NetlinkException e) {
      log.debug("{}: {} on {}: {}", host.name(), IpAddresses.format(a), dev, e.getMessage());
    }
  }

  /**
   * Rewrites the record as a snapshot (atomic rename). Between snapshots each add and delete is
   * appended as a journal line ("+ADDR", "-ADDR"): one small write per event instead of the whole
   * set. No fsync, see the class notes.
   */
  private void writeState() {
    StringBuilder sb = new StringBuilder(64 + owned.size() * 40);
    sb.append("# sixkit ndp sync: the proxy entries it added (it removes only these);\n");
    sb.append("# a snapshot, then journal lines: +ADDR added, -ADDR removed\n");
    sb.append("uplink ").append(uplink).append('\n');
    TreeSet<String> sorted = new TreeSet<>();
    for (InetAddress a : owned) {
      sorted.add(IpAddresses.format(a));
    }
    for (String a : sorted) {
      sb.append(a).append('\n');
    }
    Path f = stateDir.resolve(STATE_FILE);
    Path tmp = stateDir.resolve(STATE_FILE + ".tmp");
    try {
      closeJournal();
      Files.writeString(tmp, sb, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
      }
      journal = FileChannel.open(f, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      journalLines = 0;
    } catch (IOException e) {
      throw new SixkitException("write NDP proxy sync state", f.toString(), e.toString(), e);
    }
    publishOwned();
  }

  private FileChannel journal;
  private int journalLines;

  /** Appends one change to the record (before a kernel add, after a kernel delete). */
  private void journal(char op, InetAddress a) {
    if (journal == null || journalLines > owned.size() + 512) {
      writeState();
      return;
    }
    byte[] line = (op + IpAddresses.format(a) + "\n").getBytes(StandardCharsets.US_ASCII);
    try {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(line);
      while (b.hasRemaining()) {
        journal.write(b);
      }
      journalLines++;
    } catch (IOException e) {
      throw new SixkitException("write NDP proxy sync state", stateDir.resolve(STATE_FILE).toString(), e.toString(), e);
    }
    publishOwned();
  }

  private void closeJournal() {
    if (journal != null) {
      try {
        journal.close();
      } catch (IOException e) {
        log.debug("closing the journal: {}", e.toString());
      }
      journal = null;
    }
  }

  private void publishOwned() {
    ownedSnapshot = Set.copyOf(owned);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "NdpProxySync[" + host.name() + " dev " + uplink + ", " + prefixes + ", " + ownedSnapshot.size() + " owned]";
  }
}
