package dev.sixkit.sync;

import dev.sixkit.SixkitException;
import dev.sixkit.docker.Container;
import dev.sixkit.docker.DockerException;
import dev.sixkit.docker.NetworkAttachment;
import dev.sixkit.host.Change;
import dev.sixkit.internal.docker.DockerReads;
import dev.sixkit.netlink.IpAddresses;
import dev.sixkit.netlink.IpPrefix;
import dev.sixkit.netlink.Link;
import dev.sixkit.netlink.Multicast;
import dev.sixkit.netlink.Netlink;
import dev.sixkit.netlink.NetlinkException;
import dev.sixkit.plan.ContainerAddresses;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync's loop: one worker thread takes the tasks its watches enqueue and drives the same rule
 * as plans ({@link ContainerAddresses}: running, paused and restarting containers keep their
 * entries) through {@link ProxyDiff} onto the uplink, with ownership read from the kernel's mark
 * ({@link OwnershipStore}).
 *
 * <p>Thread-safe: tasks may be enqueued from any thread; everything else runs on the worker; the
 * published views are volatile snapshots.
 */
final class SyncLoop {
  private static final Logger log = LoggerFactory.getLogger(SyncLoop.class);
  private static final String STATIC = "static";

  private final String hostName;
  private final Netlink nl;
  private final String uplink;
  private final Set<InetAddress> staticAddresses;
  private final OwnershipStore store;
  private final Supplier<DockerWatch> docker;
  private final ManagedPrefixes prefixes;
  private final ScheduledExecutorService timer;
  private final Duration retry;
  final List<Consumer<NdpProxySync.Report>> reportListeners = new CopyOnWriteArrayList<>();
  final List<Consumer<Change>> changeListeners = new CopyOnWriteArrayList<>();
  private final LinkedBlockingQueue<SyncTask> queue = new LinkedBlockingQueue<>();
  private final Thread worker;
  /**
   * Docker reads run here, never on the worker: a slow Engine delays no removal. They are list and
   * network reads, which take no container lock (an inspect waits while an rm -f holds it).
   */
  private final java.util.concurrent.ExecutorService lister;
  private final AtomicLong reconciles = new AtomicLong();
  private final AtomicLong restored = new AtomicLong();
  private volatile boolean busy;
  private volatile NdpProxySync.Report lastReport;
  private volatile Set<InetAddress> ownedSnapshot = Set.of();
  private volatile int uplinkIndex;

  // Worker-thread state: container id -> network id -> its address there (managed ones only).
  private final Map<String, Map<String, InetAddress>> byContainer = new HashMap<>();
  private final Map<InetAddress, Set<String>> holders = new HashMap<>();
  private final Set<InetAddress> owned = new HashSet<>();
  private final Set<InetAddress> foreign = new HashSet<>();
  private boolean dockerKnown;
  /**
   * Read answers are numbered by the event that asked for them. Per container with a read in
   * flight: how many are in flight, the number of its latest die/destroy/disconnect (an answer asked
   * before it is stale) and of the newest answer applied (an older one arriving later is dropped).
   * An answer newer than both is applied even when another read was asked since: Docker's start
   * follows its network connect closely, and dropping the connect's answer (which already shows
   * the address) made every entry wait for a second read.
   */
  private final Map<String, InFlight> inFlight = new HashMap<>();
  private long events;
  /** Answers asked at or before this number are covered by a full read of Docker's containers. */
  private long coveredUpTo;

  private static final class InFlight {
    int count;
    long fence;
    long applied;
    /** Per network, the number of the newest endpoint read applied: an older full read keeps its answer. */
    final Map<String, Long> endpoints = new HashMap<>();
  }

  SyncLoop(String hostName, Netlink nl, String uplink, int uplinkIndex, Set<InetAddress> staticAddresses,
      OwnershipStore store, Supplier<DockerWatch> docker, ManagedPrefixes prefixes, ScheduledExecutorService timer,
      Duration retry) {
    this.hostName = hostName;
    this.nl = nl;
    this.uplink = uplink;
    this.uplinkIndex = uplinkIndex;
    this.staticAddresses = Set.copyOf(staticAddresses);
    this.store = store;
    this.docker = docker;
    this.prefixes = prefixes;
    this.timer = timer;
    this.retry = retry;
    this.worker = new Thread(this::work, "sixkit-ndp-sync-" + hostName);
    worker.setDaemon(true);
    this.lister = readers(4, "sixkit-ndp-sync-read");
  }

  private static java.util.concurrent.ExecutorService readers(int threads, String name) {
    return java.util.concurrent.Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }

  void start() {
    worker.start();
  }

  void add(SyncTask t) {
    queue.add(t);
  }

  int uplinkIndex() {
    return uplinkIndex;
  }

  Set<InetAddress> owned() {
    return ownedSnapshot;
  }

  long reconciles() {
    return reconciles.get();
  }

  long restored() {
    return restored.get();
  }

  Optional<NdpProxySync.Report> lastReport() {
    return Optional.ofNullable(lastReport);
  }

  boolean idle() {
    return queue.isEmpty() && !busy;
  }

  /** Stops the worker (waits up to 5 s). */
  void stop() {
    lister.shutdownNow();
    queue.add(new SyncTask.Stop());
    if (worker.isAlive() && worker != Thread.currentThread()) {
      try {
        worker.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void work() {
    while (true) {
      SyncTask first;
      try {
        first = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      busy = true;
      try {
        List<SyncTask> batch = new ArrayList<>();
        batch.add(first);
        queue.drainTo(batch);
        if (batch.stream().anyMatch(t -> t instanceof SyncTask.Stop)) {
          return;
        }
        runBatch(batch);
      } catch (RuntimeException e) {
        log.error("{}: NDP proxy sync worker failed on a task; going on", hostName, e);
      } finally {
        busy = false;
      }
    }
  }

  private void runBatch(List<SyncTask> batch) {
    SyncTask.Full full = null;
    for (SyncTask t : batch) {
      if (t instanceof SyncTask.NetworksChanged n) {
        t = new SyncTask.Full(n.reason(), true); // the prefixes are read again in a Docker reconcile
      }
      if (t instanceof SyncTask.Full f && (full == null || (f.docker() && !full.docker()))) {
        full = f;
      }
    }
    boolean dockerRead = full != null && runFull(full);
    Set<String> read = new HashSet<>(); // one read per container (and per endpoint) and batch
    for (SyncTask t : batch) {
      try {
        if (t instanceof SyncTask.ContainerGone g) {
          read.remove(g.id());
          read.remove("connect " + g.id());
          fence(g.id());
          if (!dockerRead) {
            setContainer(g.id(), Map.of());
          }
        } else if (t instanceof SyncTask.ContainerLeft l && !dockerRead) {
          fence(l.id());
          Map<String, InetAddress> now = new HashMap<>(byContainer.getOrDefault(l.id(), Map.of()));
          now.remove(l.networkId());
          setContainer(l.id(), now);
        } else if (t instanceof SyncTask.ContainerChanged c && !dockerRead && read.add(c.id())) {
          read(c.id());
        } else if (t instanceof SyncTask.ContainerConnected c && !dockerRead
            && read.add("connect " + c.id() + " " + c.networkId())) {
          readEndpoint(c.id(), c.networkId());
        } else if (t instanceof SyncTask.ContainerRead r) {
          Map<String, Long> endpoints = new HashMap<>();
          if (answered(r.id(), r.generation(), null, endpoints)) {
            Map<String, InetAddress> now = new HashMap<>(r.container().map(this::addresses).orElse(Map.of()));
            Map<String, InetAddress> known = byContainer.getOrDefault(r.id(), Map.of());
            endpoints.forEach((net, g) -> {
              if (g > r.generation() && known.containsKey(net)) {
                now.put(net, known.get(net)); // read after this answer was asked: newer
              }
            });
            setContainer(r.id(), now);
          }
        } else if (t instanceof SyncTask.EndpointRead e && answered(e.id(), e.generation(), e.networkId(), null)) {
          Map<String, InetAddress> now = new HashMap<>(byContainer.getOrDefault(e.id(), Map.of()));
          e.address().filter(prefixes::contains).ifPresentOrElse(a -> now.put(e.networkId(), a), () -> now.remove(e.networkId()));
          setContainer(e.id(), now);
        } else if (t instanceof SyncTask.GroupLeft g && full == null) {
          groupLeft(g.group());
        }
      } catch (NetlinkException | SixkitException e) {
        log.warn("{}: {}; reconciling in full", hostName, e.getMessage());
        queue.add(new SyncTask.Full("after error: " + e.getMessage(), true));
        sleep(100);
      }
    }
  }

  /** A die, destroy or disconnect: answers to reads asked before it are stale. */
  private void fence(String id) {
    long n = ++events;
    InFlight f = inFlight.get(id);
    if (f != null) {
      f.fence = n;
    }
  }

  /**
   * Whether a read's answer is to be applied: newer than the container's last fence and any full
   * read of Docker, and (a whole-container read) newer than the last one applied. An endpoint read
   * ({@code networkId} given) covers one network only: it never makes a whole read stale, but a
   * whole read asked before it keeps the endpoint's answer ({@code endpointsOut}).
   */
  private boolean answered(String id, long gen, String networkId, Map<String, Long> endpointsOut) {
    InFlight f = inFlight.get(id);
    if (f == null) {
      return false; // asked before a full read, which covered it
    }
    boolean apply = gen > coveredUpTo && gen > f.fence && (networkId != null || gen > f.applied);
    if (apply && networkId == null) {
      f.applied = gen;
    } else if (apply) {
      f.endpoints.merge(networkId, gen, Math::max);
    }
    if (endpointsOut != null) {
      endpointsOut.putAll(f.endpoints);
    }
    if (--f.count == 0) {
      inFlight.remove(id);
    }
    return apply;
  }

  /** Reads a container's endpoint on one network off the worker (from the network: no container lock). */
  private void readEndpoint(String id, String networkId) {
    submitRead(id, "container " + id + " on network " + networkId, (r, gen) -> new SyncTask.EndpointRead(id, networkId, gen,
        r.endpointIpv6(networkId, id).map(v6 -> IpAddresses.parse(v6.toCanonicalString()))));
  }

  /** Reads a container off the worker from the Engine's list (it waits for no container lock). */
  private void read(String id) {
    submitRead(id, "container " + id, (r, gen) -> new SyncTask.ContainerRead(id, gen, r.listedContainer(id)));
  }

  /** A Docker read and the task its answer becomes, stamped with the number of the event that asked. */
  @FunctionalInterface
  private interface ReadCall {
    SyncTask answer(DockerReads reads, long generation);
  }

  /**
   * Runs a read off the worker: numbered by this event, counted in flight for the container, its
   * answer queued as a task; a Docker failure reconnects (whose full reconcile covers the
   * container), any other failure asks for a full reconcile.
   */
  private void submitRead(String id, String what, ReadCall call) {
    long gen = ++events;
    inFlight.computeIfAbsent(id, k -> new InFlight()).count++;
    DockerWatch d = docker.get();
    try {
      lister.execute(() -> {
        try {
          queue.add(call.answer(d.reads(), gen));
        } catch (DockerException e) {
          d.trouble(e);
        } catch (RuntimeException e) {
          log.warn("{}: reading {} failed: {}", hostName, what, e.getMessage());
          queue.add(new SyncTask.Full("after a failed read", true));
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // stopping
    }
  }

  /** Runs a full reconcile; returns whether Docker's containers were read in it. */
  private boolean runFull(SyncTask.Full f) {
    long t0 = System.nanoTime();
    List<Change> changes = new ArrayList<>();
    boolean read = f.docker();
    if (read) {
      try {
        DockerWatch d = docker.get();
        prefixes.refresh(d.reads(), nl, uplink);
        List<Container> cs = d.reads().containers();
        byContainer.clear();
        holders.clear();
        coveredUpTo = events; // reads asked before this one are covered by it
        inFlight.clear(); // (and failed reads, which answer nothing, leave no count behind)
        for (Container c : cs) {
          setContainerQuietly(c.id(), addresses(c));
        }
        dockerKnown = true;
        d.resetBackoff();
      } catch (DockerException e) {
        if (dockerKnown) {
          log.warn("{}: Docker unreachable during reconcile ({}); keeping what is known", hostName, e.getMessage());
        }
        docker.get().trouble(e);
        read = false;
      } catch (SixkitException e) {
        log.warn("{}: no Docker ({}); reconciling static addresses only", hostName, e.getMessage());
        docker.get().scheduleReconnect();
        read = false;
      }
    }
    for (InetAddress a : staticAddresses) {
      holders.computeIfAbsent(a, k -> new HashSet<>()).add(STATIC);
    }
    try {
      reconcileKernel(changes);
    } catch (NetlinkException e) {
      log.warn("{}: reconcile failed: {}; retrying", hostName, e.getMessage());
      timer.schedule(() -> queue.add(new SyncTask.Full("retry after " + e.errnoName(), true)), retry.toMillis(),
          TimeUnit.MILLISECONDS);
    }
    NdpProxySync.Report r = new NdpProxySync.Report(f.reason(), Instant.now(), changes, holders.size(), owned.size(),
        foreign.stream().map(IpAddresses::format).sorted().toList(), dockerKnown && (read || !f.docker()),
        Duration.ofNanos(System.nanoTime() - t0));
    lastReport = r;
    reconciles.incrementAndGet();
    if (!changes.isEmpty() || f.docker()) {
      log.debug("{}: {}", hostName, r);
    }
    for (Consumer<NdpProxySync.Report> l : reportListeners) {
      try {
        l.accept(r);
      } catch (RuntimeException e) {
        log.warn("report listener failed", e);
      }
    }
    return read;
  }

  /** The container's IPv6 addresses inside the managed prefixes, by network id; empty unless its state keeps them. */
  private Map<String, InetAddress> addresses(Container c) {
    Map<String, InetAddress> out = new HashMap<>();
    if (!ContainerAddresses.keepsEntry(c)) {
      return out;
    }
    for (NetworkAttachment n : c.networks()) {
      // The one rule for which containers keep an entry, shared with plans and the doctor.
      for (var v6 : ContainerAddresses.of(c, x -> n.ipv6().map(x::equals).orElse(false))) {
        InetAddress a = IpAddresses.parse(v6.toCanonicalString());
        if (prefixes.contains(a)) {
          out.put(n.networkId().isEmpty() ? n.network() : n.networkId(), a);
        }
      }
    }
    return out;
  }

  private void reconcileKernel(List<Change> changes) {
    Link up;
    try {
      up = nl.links().get(uplink);
    } catch (NetlinkException e) {
      log.warn("{}: uplink {} is missing: nothing to reconcile until it is back", hostName, uplink);
      return;
    }
    uplinkIndex = up.index();
    ProxyDiff d = ProxyDiff.of(holders.keySet(), store.table(), OwnershipStore::ours, prefixes::contains,
        dockerKnown);
    owned.clear();
    owned.addAll(d.owned());
    foreign.clear();
    foreign.addAll(d.foreign());
    for (InetAddress a : d.toAdd()) {
      store.add(a, uplinkIndex);
      changes.add(change(Change.added(hostName, object(a), "present")));
    }
    for (InetAddress a : d.toDelete()) {
      store.delete(a, uplinkIndex);
      changes.add(change(Change.removed(hostName, object(a), "present")));
    }
    publishOwned();
  }

  /** Records a container's managed addresses (by network) and adds or removes the entries that changes. */
  private void setContainer(String id, Map<String, InetAddress> now) {
    Map<String, InetAddress> before = setContainerQuietly(id, now);
    Set<InetAddress> was = new HashSet<>(before.values());
    Set<InetAddress> is = new HashSet<>(now.values());
    for (InetAddress a : is) {
      if (!was.contains(a)) {
        ensure(a);
      }
    }
    for (InetAddress a : was) {
      if (!is.contains(a) && !holders.containsKey(a)) {
        release(a);
      }
    }
  }

  private Map<String, InetAddress> setContainerQuietly(String id, Map<String, InetAddress> now) {
    Map<String, InetAddress> before = now.isEmpty() ? byContainer.remove(id) : byContainer.put(id, Map.copyOf(now));
    before = before == null ? Map.of() : before;
    for (InetAddress a : before.values()) {
      Set<String> h = holders.get(a);
      if (h != null && h.remove(id) && h.isEmpty()) {
        holders.remove(a);
      }
    }
    for (InetAddress a : now.values()) {
      holders.computeIfAbsent(a, k -> new HashSet<>()).add(id);
    }
    return before;
  }

  /** Makes sure a wanted address has an entry; adds a marked one when there is none. */
  private void ensure(InetAddress a) {
    if (owned.contains(a) && store.exists(a, uplinkIndex)) {
      return;
    }
    if (store.exists(a, uplinkIndex)) {
      Integer mark = store.table().get(a); // rare: learn who made it
      if (mark != null && OwnershipStore.ours(mark)) {
        owned.add(a); // an apply's entry: adopted
        publishOwned();
      } else {
        foreign.add(a);
        log.info("{}: {} already has a proxy entry Sixkit did not add: left as it is", hostName, IpAddresses.format(a));
      }
      return;
    }
    foreign.remove(a);
    store.add(a, uplinkIndex);
    owned.add(a);
    publishOwned();
    change(Change.added(hostName, object(a), "present"));
  }

  /** Removes an entry nobody wants any more, if it is Sixkit's. */
  private void release(InetAddress a) {
    if (!owned.contains(a)) {
      if (foreign.remove(a)) {
        log.info("{}: {} is no longer wanted; its proxy entry is not Sixkit's: left as it is", hostName,
            IpAddresses.format(a));
      }
      return;
    }
    store.delete(a, uplinkIndex);
    owned.remove(a);
    publishOwned();
    change(Change.removed(hostName, object(a), "present"));
  }

  /** The kernel left a solicited-node group on the uplink: restore wanted entries of that group that are gone. */
  private void groupLeft(InetAddress group) {
    for (InetAddress a : new ArrayList<>(holders.keySet())) {
      if (!Multicast.solicitedNode(a).equals(group) || store.exists(a, uplinkIndex)) {
        continue;
      }
      boolean was = owned.contains(a) || foreign.contains(a);
      foreign.remove(a);
      owned.add(a);
      store.add(a, uplinkIndex);
      publishOwned();
      if (was) {
        restored.incrementAndGet();
      }
      Change c = new Change(hostName, Change.Kind.ADDED, object(a), "", "present (restored)");
      log.debug("{}", c);
      change(c);
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

  private void publishOwned() {
    ownedSnapshot = Set.copyOf(owned);
  }

  /** See {@link NdpProxySync#sharedGroups()}. */
  Map<String, List<String>> sharedGroups() {
    Map<InetAddress, List<String>> byGroup = new HashMap<>();
    for (InetAddress a : ownedSnapshot) {
      byGroup.computeIfAbsent(Multicast.solicitedNode(a), g -> new ArrayList<>()).add(IpAddresses.format(a));
    }
    try {
      for (var addr : nl.addresses().list()) {
        if (uplink.equals(addr.device()) && addr.address() instanceof java.net.Inet6Address) {
          List<String> l = byGroup.get(Multicast.solicitedNode(addr.address()));
          if (l != null) {
            l.add(IpAddresses.format(addr.address()) + " (uplink address)");
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

  List<IpPrefix> prefixes() {
    return prefixes.current();
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
