package dev.sixkit.cli;

import dev.sixkit.docker.Container;
import dev.sixkit.docker.Docker;
import dev.sixkit.docker.DockerEvent;
import dev.sixkit.docker.DockerNetwork;
import dev.sixkit.host.Host;
import dev.sixkit.host.NetlinkHost;
import dev.sixkit.lab.Engine;
import dev.sixkit.lab.Lab;
import dev.sixkit.lab.LabHost;
import dev.sixkit.lab.LabProgress;
import dev.sixkit.lab.WebImage;
import dev.sixkit.netlink.Event;
import dev.sixkit.netlink.Events;
import dev.sixkit.netlink.IpAddresses;
import dev.sixkit.netlink.Multicast;
import dev.sixkit.netlink.Netlink;
import dev.sixkit.plan.FirstContact;
import dev.sixkit.plan.Mode;
import dev.sixkit.sync.NdpProxySync;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code sixkit bench ndp-sync --churn N}: the sync under container churn on a two-host lab.
 * N containers are started and removed ({@code rm -f}) on docker1, {@code --parallel} at a time,
 * while docker1's sync runs (in this process). Measured per container, all on this machine's
 * realtime clock:
 * <ul>
 *   <li>start -> entry: Docker's start event (the bench's own event stream) to the kernel's
 *       RTM_NEWMULTICAST of the entry's solicited-node group on docker1's uplink (an independent
 *       netlink monitor); goal p99 <= 50 ms;</li>
 *   <li>die -> entry removed: Docker's die event to RTM_DELMULTICAST of that group; goal p99 <= 100 ms;</li>
 *   <li>start -> first ping answered from a container on another host: web2 on docker2 pings the
 *       new container (busybox ping6 in web2's network namespace, started when the container's
 *       start returns) and the time of its answer is taken; goal p99 <= 150 ms.</li>
 * </ul>
 * A stale episode is an entry still there more than 100 ms after its container died; a missing one
 * a started container without its entry more than 50 ms after its start event (or never).
 * Not thread-safe; one run per instance.
 */
final class NdpSyncChurn {
  static final double GOAL_START_MS = 50;
  static final double GOAL_DIE_MS = 100;
  static final double GOAL_PING_MS = 150;

  /** Where the churn containers go on engines that filter the default bridge (27+): beside docker1's /66, in the underlay. */
  static final String ROUTED_SUBNET = "2001:db8:ab11:0:4000::/67";
  static final String ROUTED_NETWORK = "churn6";

  private final int containers;
  private final int parallel;
  private final Engine engine;
  private final boolean trace;
  private final PrintWriter progress;
  /** The network the churn containers start on: null for the default bridge (20.10). */
  private String network;
  /** Per solicited-node group, its joins (+time) and leaves (-time) in order: an address may be handed out again. */
  private final Map<InetAddress, List<Long>> groupEvents = new ConcurrentHashMap<>();
  private final Map<String, Long> started = new ConcurrentHashMap<>();
  private final Map<String, Long> died = new ConcurrentHashMap<>();

  NdpSyncChurn(int containers, int parallel, Engine engine, boolean trace, PrintWriter progress) {
    this.trace = trace;
    this.containers = containers;
    this.parallel = parallel;
    this.engine = engine;
    this.progress = progress;
  }

  /** One container's timeline, in epoch nanoseconds (0: not seen). */
  private record Sample(String name, InetAddress address, long startEvent, long entry, long ping, long dieEvent, long removed) {}

  Map<String, Object> run() throws Exception {
    String name = "sxc" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    say("lab " + name + ": 2 Docker hosts (NDP proxy layout, engine " + engine.name() + "); churn of " + containers
        + " containers on docker1, " + parallel + " in parallel");
    Path state = Files.createTempDirectory("sixkit-churn");
    try {
      Lab lab = Lab.builder().name(name).hosts(2).mode(Mode.NDP_PROXY).engine(engine).up();
      LabHost h1 = lab.host("docker1");
      try (NetlinkHost docker1 = lab.connect("docker1");
          Host docker2 = lab.connect("docker2");
          Netlink monitorNl = Netlink.open(h1.netns())) {
        // docker2's side of the way back, as a plan would make it: web2's entry, answered at once.
        String web2 = docker2.docker().container("web2").ipv6().orElseThrow().toCanonicalString();
        docker2.enableProxyNdp("eth0").proxy(web2);
        FirstContact.apply(docker2, "eth0");
        int eth0 = monitorNl.links().index(h1.uplink());
        Events.Subscription monitor = monitorNl.events(Events.Group.IPV6_MULTICAST).receiveBuffer(4 << 20);
        monitor.onEvent(e -> onKernel(e, eth0));
        Docker d1 = docker1.docker();
        String managed = h1.dockerPrefix();
        if (!engine.equals(Engine.V20_10)) {
          // 27+ filters the default bridge from other hosts: what a plan's `network` word makes instead.
          d1.newNetwork(ROUTED_NETWORK).ipv6().subnet(ROUTED_SUBNET)
              .option(DockerNetwork.GATEWAY_MODE_IPV6, "routed").create();
          network = ROUTED_NETWORK;
          // Only the routed network is managed, as a plan on 27+ does: web1 on the filtered default
          // bridge gets no entry (its ::2 would share a solicited-node group with the churn's ::2).
          managed = ROUTED_SUBNET;
          say("  containers on " + ROUTED_NETWORK + " (" + ROUTED_SUBNET + ", routed gateway mode): the default bridge is filtered");
        }
        DockerEvent.Stream events = d1.events(new DockerEvent.Listener() {
          @Override
          public void onEvent(DockerEvent ev) {
            long t = ev.time().getEpochSecond() * 1_000_000_000L + ev.time().getNano();
            if ("container".equals(ev.type()) && "start".equals(ev.action())) {
              started.put(ev.actorId(), t);
            } else if ("container".equals(ev.type()) && "die".equals(ev.action())) {
              died.put(ev.actorId(), t);
            }
          }
        });
        int web2Pid = Pids.of(docker2.docker().container("web2").id());
        try (NdpProxySync sync = NdpProxySync.on(docker1).uplink("eth0").prefixes(managed)
            .stateDir(state).start()) {
          if (!sync.awaitReconciled(Duration.ofSeconds(30))) {
            throw new Main.CliException("docker1's sync did not reconcile within 30 s");
          }
          List<Sample> samples = churn(d1, web2Pid);
          return report(samples);
        } finally {
          events.close();
          monitor.close();
        }
      }
    } finally {
      say("removing lab " + name);
      Lab.down(name, LabProgress.silent());
      try (var s = Files.walk(state)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private List<Sample> churn(Docker d1, int web2Pid) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    List<Future<Sample>> fs = new ArrayList<>();
    for (int i = 0; i < containers; i++) {
      String n = "ch" + i;
      fs.add(pool.submit(() -> oneContainer(d1, n, web2Pid)));
    }
    List<Sample> out = new ArrayList<>();
    try {
      for (Future<Sample> f : fs) {
        out.add(f.get(120, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    NdpSyncBench.sleep(2000); // let the last removals land
    List<Sample> done = new ArrayList<>();
    for (Sample s : out) {
      List<Long> ev;
      List<Long> l = groupEvents.getOrDefault(Multicast.solicitedNode(s.address()), List.of());
      synchronized (l) {
        ev = new ArrayList<>(l);
      }
      // The entry may come before the start event (on 28 Docker connects the network first and the
      // sync acts on that): take the join in force at the start, else the first one after it.
      long join = 0;
      long leave = 0;
      for (long t : ev) {
        long at = Math.abs(t);
        if (t > 0) {
          join = join == 0 ? at : join;
        } else if (join != 0 && at < s.startEvent()) {
          join = 0; // an earlier holder of the address came and went before this start
        } else if (join != 0) {
          leave = at;
          break;
        }
      }
      long die = died.getOrDefault(s.name(), 0L);
      if (join != 0 && die != 0 && join > die) {
        join = 0; // made after this container died: the next holder's entry; this one never had one
        leave = 0;
      }
      done.add(new Sample(s.name(), s.address(), s.startEvent(), join, s.ping(), die, leave));
    }
    return done;
  }

  /** Starts one container, waits for web2's first answered ping, removes it; keyed by container id. */
  private Sample oneContainer(Docker d1, String n, int web2Pid) throws Exception {
    var draft = d1.newContainer(n).image(WebImage.REFERENCE).command(WebImage.HTTPD.toArray(String[]::new))
        .stopTimeout(Duration.ofSeconds(1));
    if (network != null) {
      draft.network(network);
    }
    Container c = draft.start();
    InetAddress a = IpAddresses.parse(c.ipv6().orElseThrow(() -> new Main.CliException(n + " has no IPv6 address"))
        .toCanonicalString());
    long ping = firstPing(web2Pid, IpAddresses.format(a));
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!started.containsKey(c.id()) && System.nanoTime() < end) {
      NdpSyncBench.sleep(1);
    }
    d1.remove(n);
    return new Sample(c.id(), a, started.getOrDefault(c.id(), 0L), 0, ping, 0, 0);
  }

  /** Pings from web2's network namespace until one answer (busybox ping6, 1 s per try, 5 tries); epoch ns of the answer, 0 when none. */
  private static long firstPing(int pid, String addr) throws Exception {
    for (int i = 0; i < 5; i++) {
      Process p = new ProcessBuilder("nsenter", "--net=/proc/" + pid + "/ns/net", "busybox", "ping6", "-c", "1", "-W", "1",
          addr).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
        return NdpSyncBench.nowNanos();
      }
      p.destroyForcibly();
    }
    return 0;
  }

  private void onKernel(Event e, int uplink) {
    long now = NdpSyncBench.nowNanos();
    Multicast.change(e).filter(c -> c.ifindex() == uplink).ifPresent(c -> {
      List<Long> l = groupEvents.computeIfAbsent(c.group(), g -> Collections.synchronizedList(new ArrayList<>()));
      l.add(c.removed() ? -now : now);
    });
  }

  private Map<String, Object> report(List<Sample> samples) {
    List<Double> startMs = new ArrayList<>();
    List<Double> dieMs = new ArrayList<>();
    List<Double> pingMs = new ArrayList<>();
    int stale = 0;
    int missing = 0;
    int noPing = 0;
    int beforeDie = 0;
    double longestStale = 0;
    double longestMissing = 0;
    for (Sample s : samples) {
      if (trace) {
        List<Long> l = groupEvents.getOrDefault(Multicast.solicitedNode(s.address()), List.of());
        // ms after the start event; the group's joins (+) and leaves (-) in ms of the clock modulo 100 s
        say("  trace " + s.name().substring(0, 8) + " " + IpAddresses.format(s.address()) + " start " + s.startEvent() / 1000000 % 100000
            + " entry " + after(s.entry(), s.startEvent()) + " ping " + after(s.ping(), s.startEvent()) + " die "
            + after(s.dieEvent(), s.startEvent()) + " removed " + after(s.removed(), s.startEvent()) + " group "
            + l.stream().map(t -> (t > 0 ? "+" : "-") + Math.abs(t) / 1000000 % 100000).toList());
      }
      if (s.startEvent() == 0 || s.entry() == 0) {
        // Never had an entry over its whole life: counted in the percentiles as never (infinite).
        missing++;
        startMs.add(Double.POSITIVE_INFINITY);
        if (s.startEvent() != 0 && s.dieEvent() != 0) {
          longestMissing = Math.max(longestMissing, (s.dieEvent() - s.startEvent()) / 1e6);
        }
      } else {
        double ms = (s.entry() - s.startEvent()) / 1e6;
        startMs.add(ms);
        if (ms > GOAL_START_MS) {
          missing++;
          longestMissing = Math.max(longestMissing, ms);
        }
        if (s.dieEvent() == 0 || s.removed() == 0) {
          stale++; // never removed
          dieMs.add(Double.POSITIVE_INFINITY);
        } else {
          double gone = (s.removed() - s.dieEvent()) / 1e6;
          dieMs.add(gone);
          if (gone < 0) {
            beforeDie++;
          }
          if (gone > GOAL_DIE_MS) {
            stale++;
            longestStale = Math.max(longestStale, gone);
          }
        }
      }
      if (s.ping() == 0 || s.startEvent() == 0) {
        noPing++;
        pingMs.add(Double.POSITIVE_INFINITY);
      } else {
        pingMs.add((s.ping() - s.startEvent()) / 1e6);
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("containers", containers);
    m.put("parallel", parallel);
    m.put("startToEntry", stats("start -> entry", startMs, GOAL_START_MS));
    m.put("dieToEntryRemoved", stats("die -> entry removed", dieMs, GOAL_DIE_MS));
    m.put("startToFirstPingFromOtherHost", stats("start -> first ping answered from web2 on docker2", pingMs, GOAL_PING_MS));
    m.put("staleEpisodes", stale);
    m.put("longestStaleMs", NdpSyncBench.round(longestStale));
    m.put("missingEpisodes", missing);
    m.put("longestMissingMs", NdpSyncBench.round(longestMissing));
    m.put("pingsNeverAnswered", noPing);
    m.put("removedBeforeDieEvent", beforeDie);
    say(String.format("  stale episodes (entry > %.0f ms after die, or never removed): %d (longest %.1f ms); missing"
        + " (no entry %.0f ms after start, or never): %d (longest %.1f ms); pings never answered: %d", GOAL_DIE_MS, stale,
        longestStale, GOAL_START_MS, missing, longestMissing, noPing));
    if (beforeDie > 0) {
      // Docker tears the endpoint down (network disconnect event) before it logs die; the sync acts on the disconnect.
      say("  " + beforeDie + " of " + dieMs.size() + " entries were gone before Docker's die event (negative times): the sync"
          + " removes on the network disconnect that Docker sends first");
    }
    boolean met = Boolean.TRUE.equals(((Map<?, ?>) m.get("startToEntry")).get("goalMet"))
        && Boolean.TRUE.equals(((Map<?, ?>) m.get("dieToEntryRemoved")).get("goalMet"))
        && Boolean.TRUE.equals(((Map<?, ?>) m.get("startToFirstPingFromOtherHost")).get("goalMet"));
    m.put("goalMet", met);
    return m;
  }

  private Map<String, Object> stats(String what, List<Double> ms, double goal) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (ms.isEmpty()) {
      say("  " + what + ": no samples");
      m.put("samples", 0);
      m.put("goalMet", false);
      return m;
    }
    List<Double> sorted = new ArrayList<>(ms);
    Collections.sort(sorted);
    double p50 = NdpSyncBench.pct(sorted, 50);
    double p99 = NdpSyncBench.pct(sorted, 99);
    double max = sorted.get(sorted.size() - 1);
    long never = sorted.stream().filter(d -> d.isInfinite()).count();
    m.put("samples", sorted.size());
    m.put("p50Ms", finite(p50));
    m.put("p99Ms", finite(p99));
    m.put("maxMs", finite(max));
    m.put("never", never);
    m.put("goalP99Ms", goal);
    m.put("goalMet", p99 <= goal);
    say(String.format("  %s: p50 %s, p99 %s, max %s over %d%s; goal p99 <= %.0f ms: %s", what, ms(p50), ms(p99), ms(max),
        sorted.size(), never == 0 ? "" : " (" + never + " never)", goal, p99 <= goal ? "met" : "MISSED"));
    return m;
  }

  private static String after(long t, long start) {
    return t == 0 ? "never" : String.valueOf((t - start) / 1000000);
  }

  /** A latency for JSON: null for never. */
  private static Double finite(double ms) {
    return Double.isInfinite(ms) ? null : NdpSyncBench.round(ms);
  }

  private static String ms(double ms) {
    return Double.isInfinite(ms) ? "never" : String.format("%.1f ms", ms);
  }

  private void say(String s) {
    progress.println(s);
    progress.flush();
  }

  /** The process of a container, found by its id in the cgroup paths (no Engine field needed). */
  static final class Pids {
    static int of(String containerId) throws java.io.IOException {
      try (var procs = Files.list(Path.of("/proc"))) {
        for (Path p : (Iterable<Path>) procs::iterator) {
          String n = p.getFileName().toString();
          if (!n.chars().allMatch(Character::isDigit)) {
            continue;
          }
          try {
            if (Files.readString(p.resolve("cgroup")).contains(containerId)) {
              return Integer.parseInt(n);
            }
          } catch (java.io.IOException e) {
            // gone meanwhile
          }
        }
      }
      throw new Main.CliException("no process of container " + containerId + " found");
    }
  }

}
