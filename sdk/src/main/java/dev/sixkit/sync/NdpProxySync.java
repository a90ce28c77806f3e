package dev.sixkit.sync;

import dev.sixkit.SixkitException;
import dev.sixkit.host.Change;
import dev.sixkit.host.Host;
import dev.sixkit.host.NetlinkHost;
import dev.sixkit.host.KernelHost;
import dev.sixkit.internal.docker.DockerReads;
import dev.sixkit.docker.HostDockerReads;
import dev.sixkit.netlink.IpAddresses;
import dev.sixkit.netlink.IpPrefix;
import dev.sixkit.netlink.Netlink;
import dev.sixkit.netlink.NetlinkException;
import dev.sixkit.plan.Prefixes;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the NDP proxy entries of a Docker host right as containers come and go: exactly one
 * proxy entry on the uplink for each IPv6 address a container holds inside the managed prefixes
 * (by the rule plans use, {@link dev.sixkit.plan.ContainerAddresses}: running, paused and
 * restarting containers keep theirs), and none for containers that are gone.
 *
 * <pre>{@code
 * try (NdpProxySync sync = NdpProxySync.on(host).uplink("eth0")
 *     .prefixes("2001:db8:ab11:0:8000::/66").stateDir(Path.of("/var/lib/sixkit/ndp-sync")).start()) {
 *   sync.enabled().forEach(System.out::println);   // proxy_ndp, forwarding, accept_ra, proxy_delay
 *   sync.awaitReconciled(Duration.ofSeconds(10));
 * }
 * }</pre>
 *
 * <h2>What drives it</h2>
 * A loop ({@link SyncLoop}) fed by two watches:
 * <ul>
 *   <li>Docker's event stream ({@link DockerWatch}): a container's die or destroy removes its
 *       entries at once from what the sync recorded (no inspect, which would wait on Docker's
 *       container lock while {@code rm -f} runs); a network connect reads the new endpoint's
 *       address from the network (Docker connects before it starts the container, so the entry
 *       is there before the start event); start, restart, pause and unpause read that one
 *       container from the Engine's list (no container lock either); network disconnect drops
 *       that network's entry; network
 *       create and destroy re-read the managed prefixes when they follow Docker's networks. A
 *       full reconcile runs at start and after every reconnect (exponential backoff while Docker
 *       is away).</li>
 *   <li>The kernel ({@link KernelWatch}): an entry's solicited-node group left on the uplink
 *       (Linux 6.13+) restores a wanted entry deleted behind the sync's back; uplink link events
 *       and a netlink event loss ask for a reconcile.</li>
 *   <li>Off by default, {@link Builder#auditInterval} schedules periodic full reconciles: the
 *       multicast signal misses an entry deleted while another member still holds its group
 *       ({@link #sharedGroups()} lists them), and kernels before 6.13.</li>
 * </ul>
 *
 * <h2>Ownership</h2>
 * Read from the kernel ({@link OwnershipStore}): every entry the sync or an apply adds carries the
 * neighbour protocol {@link dev.sixkit.netlink.Protocols#SIXKIT}, written with the entry in one
 * request. The sync removes only marked entries, and only inside its managed prefixes; it adopts
 * what an apply made. Unmarked entries (added by hand, by another tool) are the operator's: left
 * alone and reported. The record is the namespace's own table, so a new lab, a reboot or a kill -9
 * cannot leave a record that misjudges the next world.
 *
 * <h2>First contact</h2>
 * Starting sets the uplink's {@code proxy_delay} to 0 ({@link dev.sixkit.plan.FirstContact}): the kernel then
 * answers a proxied solicitation at once instead of after up to 0.8 s.
 *
 * <p>Thread-safe: all work runs on one worker thread; the accessors may be called from any
 * thread. Close it to stop (entries stay: they are still right for the containers that run).
 */
public final class NdpProxySync implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NdpProxySync.class);

  private final NetlinkHost host;
  private final Netlink nl;
  private final String uplink;
  private final Path stateDir;
  private final Duration auditInterval;
  private final OwnershipStore store;
  private final ScheduledExecutorService timer;
  private final DockerWatch docker;
  private final SyncLoop loop;
  private volatile KernelWatch kernel;
  private volatile List<Change> enabled = List.of();
  private volatile boolean closed;

  private NdpProxySync(Builder b) {
    this.host = b.host;
    this.nl = b.host.netlink();
    this.uplink = b.uplink;
    this.stateDir = b.stateDir;
    this.auditInterval = b.auditInterval;
    int index = nl.links().get(uplink).index(); // fails naming the uplink when it is missing
    this.store = new OwnershipStore(nl, host.name(), uplink, stateDir);
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sixkit-ndp-sync-timer");
      t.setDaemon(true);
      return t;
    });
    SyncLoop[] self = new SyncLoop[1];
    this.docker = new DockerWatch(host, timer, b.backoffMin, b.backoffMax, t -> self[0].add(t));
    this.loop = new SyncLoop(host.name(), nl, uplink, index, b.staticAddresses, store, () -> docker,
        new ManagedPrefixes(b.prefixes, b.followNetworks), timer, b.backoffMax);
    self[0] = loop;
    if (b.onReport != null) {
      loop.reportListeners.add(b.onReport);
    }
    if (b.onChange != null) {
      loop.changeListeners.add(b.onChange);
    }
  }

  /**
   * Starts describing a sync on a host (this machine or a namespace; its Docker endpoint is the one watched).
   *
   * @param host the host
   * @return a builder
   */
  public static Builder on(NetlinkHost host) {
    return new Builder(Objects.requireNonNull(host, "host"));
  }

  /** Settings of a sync. Not thread-safe. */
  public static final class Builder {
    private final NetlinkHost host;
    private String uplink;
    private final List<IpPrefix> prefixes = new ArrayList<>();
    private Path stateDir;
    private final Set<InetAddress> staticAddresses = new LinkedHashSet<>();
    private Duration auditInterval = Duration.ZERO;
    private Duration backoffMin = Duration.ofMillis(100);
    private Duration backoffMax = Duration.ofSeconds(5);
    private boolean acceptRa = true;
    private boolean followNetworks;
    private Consumer<Report> onReport;
    private Consumer<Change> onChange;

    private Builder(NetlinkHost host) {
      this.host = host;
    }

    /**
     * The interface the proxy entries go on (the one facing the other hosts, such as eth0).
     *
     * @param device the interface's name
     * @return this builder
     */
    public Builder uplink(String device) {
      this.uplink = Objects.requireNonNull(device, "uplink");
      return this;
    }

    /**
     * The prefixes whose container addresses get entries (such as the host's /66); nothing outside them is
     * touched.
     *
     * @param managed IPv6 prefixes, such as {@code 2001:db8:ab11:0:8000::/66}
     * @return this builder
     */
    public Builder prefixes(String... managed) {
      for (String p : managed) {
        prefixes.add(parsePrefix(p));
      }
      return this;
    }

    /**
     * {@link #prefixes(String...)} from a collection.
     *
     * @param managed IPv6 prefixes
     * @return this builder
     */
    public Builder prefixes(Collection<String> managed) {
      return prefixes(managed.toArray(String[]::new));
    }

    /**
     * Also manage the IPv6 subnets of Docker's networks that lie inside a prefix on-link on the
     * uplink, read again when a network is created or destroyed (so a network made after the
     * sync started is served at once). Off by default; the CLI turns it on when no prefix is given.
     *
     * @param follow true to follow Docker's networks
     * @return this builder
     */
    public Builder followDockerNetworks(boolean follow) {
      this.followNetworks = follow;
      return this;
    }

    /**
     * The folder holding the sync's lock (created if missing): one sync per folder.
     *
     * @param dir the state folder
     * @return this builder
     */
    public Builder stateDir(Path dir) {
      this.stateDir = Objects.requireNonNull(dir, "stateDir").toAbsolutePath();
      return this;
    }

    /**
     * Addresses to keep proxied besides the containers' (a VM or a service outside Docker); each
     * must lie in a managed prefix. They are owned like container entries.
     *
     * @param addresses IPv6 addresses
     * @return this builder
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
     *
     * @param every the period; zero for none
     * @return this builder
     * @throws SixkitException when {@code every} is negative
     */
    public Builder auditInterval(Duration every) {
      if (every.isNegative()) {
        throw new SixkitException("configure NDP proxy sync", "audit " + every, "the interval cannot be negative");
      }
      this.auditInterval = every;
      return this;
    }

    /**
     * How long to wait before reconnecting to Docker: doubling from min up to max (default 100 ms to 5 s).
     *
     * @param min the first wait
     * @param max the longest wait
     * @return this builder
     */
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
     *
     * @param keep true to keep accepting them
     * @return this builder
     */
    public Builder acceptRouterAdvertisements(boolean keep) {
      this.acceptRa = keep;
      return this;
    }

    /**
     * Called on the worker thread after every reconcile.
     *
     * @param listener gets each report
     * @return this builder
     */
    public Builder onReport(Consumer<Report> listener) {
      this.onReport = listener;
      return this;
    }

    /**
     * Called on the worker thread for every entry added, removed or restored.
     *
     * @param listener gets each change
     * @return this builder
     */
    public Builder onChange(Consumer<Change> listener) {
      this.onChange = listener;
      return this;
    }

    private void validate() {
      if (uplink == null) {
        throw new SixkitException("configure NDP proxy sync", host.name(), "no uplink: .uplink(\"eth0\")");
      }
      if (prefixes.isEmpty() && !followNetworks) {
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
     *
     * @return the running sync; close it to stop
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
   * <p>Immutable record; thread-safe.
   *
   * @param reason why it ran ("start", "docker reconnected", "events lost", "uplink changed", "audit", ...)
   * @param at when it ended
   * @param changes entries added or removed (empty when the table was already right)
   * @param desired the addresses that should have an entry
   * @param owned the entries the sync owns after it
   * @param foreign entries inside the managed prefixes the sync did not add, left alone
   * @param dockerKnown whether Docker's containers were read (false while Docker is away: nothing is removed then)
   * @param took how long it took
   */
  public record Report(String reason, Instant at, List<Change> changes, int desired, int owned, List<String> foreign,
      boolean dockerKnown, Duration took) {
    /**
     * Copies the lists.
     *
     * @param reason as {@link #reason()}
     * @param at as {@link #at()}
     * @param changes as {@link #changes()}
     * @param desired as {@link #desired()}
     * @param owned as {@link #owned()}
     * @param foreign as {@link #foreign()}
     * @param dockerKnown as {@link #dockerKnown()}
     * @param took as {@link #took()}
     */
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

  /**
   * What enabling proxy_ndp, forwarding, accept_ra and the neighbour parameters on the uplink changed.
   *
   * @return the changes, possibly all UNCHANGED
   */
  public List<Change> enabled() {
    return enabled;
  }

  /**
   * The interface the proxy entries go on.
   *
   * @return the uplink's name
   */
  public String uplink() {
    return uplink;
  }

  /**
   * The managed prefixes now, as IPAddress prefixes (the address type of the whole API); they grow
   * and shrink with Docker's networks when followed.
   *
   * @return the prefixes
   */
  public List<inet.ipaddr.IPAddress> prefixes() {
    return loop.prefixes().stream().map(p -> new inet.ipaddr.IPAddressString(p.toString()).getAddress()).toList();
  }

  /**
   * The folder holding the sync's lock.
   *
   * @return the state folder
   */
  public Path stateDir() {
    return stateDir;
  }

  /**
   * The entries the sync holds as Sixkit's now (canonical addresses, sorted).
   *
   * @return the addresses
   */
  public Set<String> owned() {
    TreeSet<String> sorted = new TreeSet<>();
    for (InetAddress a : loop.owned()) {
      sorted.add(IpAddresses.format(a));
    }
    return Collections.unmodifiableSet(sorted);
  }

  /**
   * How many reconciles have completed.
   *
   * @return the count
   */
  public long reconciles() {
    return loop.reconciles();
  }

  /**
   * How many entries were restored after something removed them behind the sync's back.
   *
   * @return the count
   */
  public long restored() {
    return loop.restored();
  }

  /**
   * The last reconcile's report, if any.
   *
   * @return the report, or empty before the first
   */
  public Optional<Report> lastReport() {
    return loop.lastReport();
  }

  /**
   * Whether the Docker event stream is open now.
   *
   * @return true while connected
   */
  public boolean dockerConnected() {
    return docker.connected();
  }

  /**
   * Whether kernel multicast notifications (the flush signal) are watched.
   *
   * @return true when the kernel sends them (Linux 6.13+)
   */
  public boolean watchesMulticast() {
    KernelWatch k = kernel;
    return k != null && k.watchesMulticast();
  }

  /**
   * Adds a listener called on the worker thread after every reconcile.
   *
   * @param l the listener
   */
  public void addReportListener(Consumer<Report> l) {
    loop.reportListeners.add(l);
  }

  /**
   * Adds a listener called on the worker thread for every entry added, removed or restored.
   *
   * @param l the listener
   */
  public void addChangeListener(Consumer<Change> l) {
    loop.changeListeners.add(l);
  }

  /**
   * Waits until at least one full reconcile with Docker's containers has completed.
   *
   * @param timeout how long to wait at most
   * @return true when one completed, false on timeout
   */
  public boolean awaitReconciled(Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (loop.lastReport().map(Report::dockerKnown).orElse(false)) {
        return true;
      }
      SyncLoop.sleep(10);
    }
    return false;
  }

  /**
   * Waits until the worker has nothing queued and is not working (events already delivered are handled).
   *
   * @param timeout how long to wait at most
   * @return true when idle, false on timeout
   */
  public boolean awaitIdle(Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (loop.idle()) {
        return true;
      }
      SyncLoop.sleep(5);
    }
    return false;
  }

  /**
   * Asks for a full reconcile now (asynchronous).
   *
   * @param reason why, for the report
   */
  public void requestReconcile(String reason) {
    loop.add(new SyncTask.Full(reason, true));
  }

  /**
   * Addresses whose deletion the kernel cannot announce: groups of proxied addresses sharing a
   * solicited-node group with another member (another proxied address or an address on the
   * uplink). Only the audit would notice one of those deleted alone.
   *
   * @return member address to the addresses sharing its group, possibly empty
   */
  public Map<String, List<String>> sharedGroups() {
    return loop.sharedGroups();
  }

  // ---------------------------------------------------------------- start and stop

  private void begin(boolean acceptRa) {
    enabled = enable(host, uplink, acceptRa);
    kernel = new KernelWatch(nl, host.name(), uplink, loop::uplinkIndex, loop::add);
    loop.start();
    if (!auditInterval.isZero()) {
      timer.scheduleAtFixedRate(() -> loop.add(new SyncTask.Full("audit", true)), auditInterval.toMillis(),
          auditInterval.toMillis(), TimeUnit.MILLISECONDS);
    }
    // The kernel side first, from what is known (static addresses, nothing removed), then Docker.
    loop.add(new SyncTask.Full("start", false));
    docker.start();
  }

  /**
   * Turns on proxy_ndp and forwarding on the uplink, answers proxied solicitations at once
   * ({@link dev.sixkit.plan.FirstContact}: proxy_delay 0) and, when router advertisements must still be accepted,
   * accept_ra 1 becomes 2 (forwarding makes the kernel ignore them otherwise).
   *
   * @param host the host
   * @param uplink the uplink's name
   * @param acceptRa true to keep accepting router advertisements
   * @return what changed
   */
  public static List<Change> enable(Host host, String uplink, boolean acceptRa) {
    return UplinkSetup.enable(host, uplink, acceptRa);
  }

  /**
   * The prefixes a sync on this host should manage when none are given: the IPv6 subnets of
   * Docker's networks that lie inside a prefix on-link on the uplink (the ones whose containers
   * other hosts try to reach by neighbour discovery), in network-name order.
   *
   * @param host the host
   * @param uplink the uplink's name
   * @return the prefixes as text, possibly empty
   */
  public static List<String> proxiedPrefixes(NetlinkHost host, String uplink) {
    try (DockerReads d = HostDockerReads.open(host)) {
      return ManagedPrefixes.proxied(d.networks(), ManagedPrefixes.onLink(host.addresses(), uplink));
    }
  }

  /**
   * The default bridge's IPv6 prefix (what dockerd's --fixed-cidr-v6 set), if Docker has one.
   *
   * @param host the host
   * @return the prefix as text, or empty
   */
  public static Optional<String> fixedCidrV6(NetlinkHost host) {
    try (DockerReads d = HostDockerReads.open(host)) {
      return d.networks().stream().filter(n -> n.name().equals("bridge") && n.driver().equals("bridge"))
          .flatMap(n -> n.ipv6Subnets().stream()).findFirst()
          .map(s -> Prefixes.text((inet.ipaddr.ipv6.IPv6Address) s.prefix()));
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    docker.close();
    KernelWatch k = kernel;
    if (k != null) {
      k.close();
    }
    timer.shutdownNow();
    loop.stop();
    store.close();
  }

  @Override
  public String toString() {
    return "NdpProxySync[" + host.name() + " dev " + uplink + ", " + prefixes() + ", " + loop.owned().size() + " owned]";
  }
}
