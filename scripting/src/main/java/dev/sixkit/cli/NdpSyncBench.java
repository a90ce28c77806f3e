package dev.sixkit.cli;

import dev.sixkit.docker.Container;
import dev.sixkit.docker.Docker;
import dev.sixkit.docker.DockerEvent;
import dev.sixkit.lab.Lab;
import dev.sixkit.lab.LabHost;
import dev.sixkit.lab.LabProgress;
import dev.sixkit.lab.WebImage;
import dev.sixkit.netlink.Event;
import dev.sixkit.netlink.Events;
import dev.sixkit.netlink.IpAddresses;
import dev.sixkit.netlink.Multicast;
import dev.sixkit.netlink.Netlink;
import dev.sixkit.plan.Mode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sixkit bench ndp-sync}: the NDP proxy sync in a lab of its own.
 *
 * <ol>
 *   <li>Latency: N container starts, one at a time; for each, the time from Docker's event
 *       timestamp (the start event's timeNano, read from an event stream of the bench's own) to
 *       the kernel's notification that the proxy entry exists, seen by an independent netlink
 *       monitor. The kernel announces no proxy entry as such; it announces the solicited-node
 *       group the entry joins on the uplink (RTM_NEWMULTICAST): that is the notification used.
 *       Both clocks are this machine's realtime clock. p50 and p99; goal p99 at most 20 ms.</li>
 *   <li>Convergence: the sync as its own process ({@code sixkit ndp sync}) with 1,000 static
 *       addresses besides the containers; killed with -9, the table flushed (as after a reboot),
 *       started again: the time from the restart to the monitor seeing all 1,000 entries.</li>
 *   <li>Memory: that process's resident set while it keeps the 1,000 addresses, beside ndppd's
 *       (Debian's ndppd, configured with a static rule for the prefix) doing the job for the
 *       whole prefix. Goal: at most 64 MiB.</li>
 * </ol>
 * The lab (sxbRANDOM) is removed at the end, on failure too. Not thread-safe; one run per instance.
 */
@Command(name = "ndp-sync", mixinStandardHelpOptions = true,
    description = {"The NDP proxy sync in a lab: latency, convergence and memory beside ndppd.",
        "Docker event to kernel notification latency (p50/p99, goal p99 <= 20 ms), convergence after a kill -9 with"
            + " 1,000 addresses to add, resident memory (goal <= 64 MiB)."})
final class NdpSyncBench implements Callable<Integer> {
  static final double GOAL_P99_MS = 20;
  static final double GOAL_RSS_MIB = 64;

  @Spec
  CommandSpec spec;

  @Option(names = "--starts", defaultValue = "50", description = "Container starts to time (default ${DEFAULT-VALUE}).")
  int starts;

  @Option(names = "--addresses", defaultValue = "1000", description = "Static addresses for convergence and memory (default ${DEFAULT-VALUE}).")
  int addresses;

  @Option(names = "--child-jvm-opts", defaultValue = "",
      description = "Extra JVM options for the sync process, after the ones it always gets (the launcher's for ndp sync),"
          + " such as -XX:NativeMemoryTracking=summary.")
  String childJvmOpts;

  @Option(names = "--churn", paramLabel = "N", defaultValue = "0",
      description = "Instead: N containers started and removed on a 2-host lab, --parallel at a time (NdpSyncChurn).")
  int churn;

  @Option(names = "--trace", description = "With --churn: print each container's timeline (start, entry, ping, die,"
      + " removal, and its solicited-node group's joins and leaves).")
  boolean trace;

  @Option(names = "--parallel", defaultValue = "5", description = "Churn operations at once (default ${DEFAULT-VALUE}).")
  int parallel;

  @Option(names = {"-j", "--json"}, description = "Print the results as JSON on stdout (progress goes to stderr).")
  boolean json;

  @Option(names = "--strict", description = "Exit 1 when a goal is missed.")
  boolean strict;

  @picocli.CommandLine.Mixin
  LabCommand.EngineOption engine;

  private PrintWriter progress;
  private final Map<InetAddress, Long> joined = new ConcurrentHashMap<>();
  private final Map<String, Long> startEvents = new ConcurrentHashMap<>();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    progress = json ? spec.commandLine().getErr() : out;
    if (churn > 0) {
      Map<String, Object> m = new NdpSyncChurn(churn, parallel, engine.engine(), trace, progress).run();
      if (json) {
        out.println(Json.write(m, true));
      }
      out.flush();
      return strict && !Boolean.TRUE.equals(m.get("goalMet")) ? Main.FAILURE : Main.OK;
    }
    String name = "sxb" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    Path work = Files.createTempDirectory("sixkit-bench-ndp");
    Map<String, Object> result = new LinkedHashMap<>();
    try {
      say("lab " + name + ": 1 Docker host (NDP proxy layout)");
      Lab lab = Lab.builder().name(name).hosts(1).mode(Mode.NDP_PROXY).engine(engine.engine()).up();
      result.put("engine", lab.engine().name());
      LabHost lh = lab.host("docker1");
      String prefix = lh.dockerPrefix();
      try (Netlink monitorNl = Netlink.open(lh.netns());
          Docker docker = Docker.connect(lh.dockerEndpoint())) {
        int eth0 = monitorNl.links().index(lh.uplink());
        Events.Subscription monitor = monitorNl.events(Events.Group.IPV6_MULTICAST).receiveBuffer(4 << 20);
        monitor.onEvent(e -> onKernel(e, eth0));
        DockerEvent.Stream events = docker.events(new DockerEvent.Listener() {
          @Override
          public void onEvent(DockerEvent ev) {
            if ("container".equals(ev.type()) && "start".equals(ev.action())) {
              startEvents.put(ev.actorId(), ev.time().getEpochSecond() * 1_000_000_000L + ev.time().getNano());
            }
          }
        });
        try {
          convergence(lab, lh, prefix, work, docker, result);
        } finally {
          events.close();
          monitor.close();
        }
      }
    } finally {
      say("removing lab " + name);
      Lab.down(name, LabProgress.silent());
      try (var s = Files.walk(work)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    if (json) {
      out.println(Json.write(result, true));
    }
    out.flush();
    boolean met = Boolean.TRUE.equals(((Map<?, ?>) result.get("latency")).get("goalMet"))
        && Boolean.TRUE.equals(((Map<?, ?>) result.get("convergence")).get("rssGoalMet"));
    return strict && !met ? Main.FAILURE : Main.OK;
  }

  private void say(String s) {
    progress.println(s);
    progress.flush();
  }

  private void onKernel(Event e, int uplink) {
    long now = nowNanos();
    Multicast.change(e).filter(c -> !c.removed() && c.ifindex() == uplink).ifPresent(c -> joined.putIfAbsent(c.group(), now));
  }

  static long nowNanos() {
    Instant t = Instant.now();
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  // ---------------------------------------------------------------- latency

  /** Starts one container and times Docker's start event to the kernel's notification of its entry, in ms. */
  private double oneStart(Docker docker, String n) {
    Container c = docker.newContainer(n).image(WebImage.REFERENCE).command(WebImage.HTTPD.toArray(String[]::new))
        .stopTimeout(Duration.ofSeconds(1)).start();
    InetAddress addr = IpAddresses.parse(c.ipv6().orElseThrow(() -> new Main.CliException(n + " has no IPv6 address"))
        .toCanonicalString());
    InetAddress group = Multicast.solicitedNode(addr);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while ((!joined.containsKey(group) || !startEvents.containsKey(c.id())) && System.nanoTime() < deadline) {
      sleep(1);
    }
    if (!joined.containsKey(group) || !startEvents.containsKey(c.id())) {
      throw new Main.CliException(n + ": no " + (joined.containsKey(group) ? "start event" : "kernel notification")
          + " within 10 s");
    }
    return (joined.get(group) - startEvents.get(c.id())) / 1e6;
  }

  /**
   * One warm-up start (the first event a fresh sync process handles pays for class loading and
   * JIT: reported on its own), then the measured starts, one at a time.
   */
  private Map<String, Object> latency(Docker docker) {
    say("latency: 1 warm-up start, then " + starts + " container starts, one at a time: Docker's start event"
        + " -> RTM_NEWMULTICAST of the entry's solicited-node group");
    double first = oneStart(docker, "b0");
    say(String.format("  first event after the sync started (warm-up, not counted): %.2f ms", first));
    List<Double> ms = new ArrayList<>();
    for (int i = 1; i <= starts; i++) {
      ms.add(oneStart(docker, "b" + i));
    }
    List<Double> sorted = new ArrayList<>(ms);
    Collections.sort(sorted);
    double p50 = pct(sorted, 50);
    double p99 = pct(sorted, 99);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("starts", starts);
    m.put("firstEventMs", round(first));
    m.put("p50Ms", round(p50));
    m.put("p99Ms", round(p99));
    m.put("minMs", round(sorted.get(0)));
    m.put("maxMs", round(sorted.get(sorted.size() - 1)));
    m.put("goalP99Ms", GOAL_P99_MS);
    m.put("goalMet", p99 <= GOAL_P99_MS);
    m.put("samplesMs", ms.stream().map(NdpSyncBench::round).toList());
    say(String.format("  p50 %.2f ms, p99 %.2f ms (min %.2f, max %.2f) over %d starts; goal p99 <= %.0f ms: %s", p50, p99,
        sorted.get(0), sorted.get(sorted.size() - 1), starts, GOAL_P99_MS, p99 <= GOAL_P99_MS ? "met" : "MISSED"));
    return m;
  }

  static double pct(List<Double> sorted, int p) {
    int idx = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, idx)));
  }

  static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  // ---------------------------------------------------------------- convergence and memory

  private void convergence(Lab lab, LabHost lh, String prefix, Path work, Docker docker, Map<String, Object> result)
      throws Exception {
    // Static addresses inside the prefix with distinct low 24 bits (distinct solicited-node groups).
    inet.ipaddr.ipv6.IPv6Address base = dev.sixkit.plan.Prefixes.prefix(prefix);
    List<String> statics = new ArrayList<>();
    Set<InetAddress> groups = new HashSet<>();
    java.math.BigInteger b = base.getValue().add(java.math.BigInteger.valueOf(0xab0000L));
    for (int i = 0; i < addresses; i++) {
      String a = new inet.ipaddr.ipv6.IPv6Address(b.add(java.math.BigInteger.valueOf(i))).toCanonicalString();
      statics.add(a);
      groups.add(Multicast.solicitedNode(IpAddresses.parse(a)));
    }
    Path file = work.resolve("static.txt");
    Files.write(file, statics);
    Path state = work.resolve("state-child");
    List<String> syncArgs = List.of("--lab", lab.name(), "--host", lh.name(), "--prefix", prefix, "--state-dir",
        state.toString(), "--static-file", file.toString());
    List<String> extra = childJvmOpts.isBlank() ? List.of() : List.of(childJvmOpts.trim().split("\\s+"));
    List<String> cmd = syncCommand(extra, syncArgs);

    say("convergence: sync process with " + addresses + " static addresses (" + describe(cmd) + ")");
    groups.forEach(joined::remove);
    BenchChild first = BenchChild.start(cmd);
    double cold = awaitGroups(groups, first.started, "first start");
    say(String.format("  first start (no state): all %d entries after %.0f ms (process start included)", addresses, cold));
    first.awaitLine("ready", Duration.ofSeconds(60));
    // The latency is measured against this process, the same one whose memory is measured below.
    result.put("latency", latency(docker));
    long[] firstMemory = memory(first); // steady state after the 50 starts
    first.kill9();
    Ip.run(lh.netns(), "-6", "neigh", "flush", "proxy", "dev", "eth0");
    groups.forEach(joined::remove);
    BenchChild second = BenchChild.start(cmd);
    double restart = awaitGroups(groups, second.started, "restart");
    second.awaitLine("reconcile (docker", Duration.ofSeconds(60));
    say(String.format("  after kill -9 and a flushed table: all %d entries after %.0f ms (process start included);"
        + " the sync's own reconcile: %s", addresses, restart, second.reconcileLine()));
    int table = Ip.json(lh.netns(), "-6", "neigh", "show", "proxy").size();
    long[] secondMemory = memory(second); // steady state after the restart
    second.term();
    // The larger of the two: after 50 container starts, and after a restart into 1,000 addresses.
    long rss = Math.max(firstMemory[0], secondMemory[0]);
    long anon = Math.max(firstMemory[1], secondMemory[1]);
    double rssMib = rss / 1024.0;
    say(String.format("  sync resident memory keeping %d entries: VmRSS %.1f MiB after the 50 starts, %.1f MiB after the"
        + " restart (RssAnon %.1f / %.1f MiB; the rest is mapped files such as libjvm.so); goal <= %.0f MiB: %s", table,
        firstMemory[0] / 1024.0, secondMemory[0] / 1024.0, firstMemory[1] / 1024.0, secondMemory[1] / 1024.0,
        GOAL_RSS_MIB, rssMib <= GOAL_RSS_MIB ? "met" : "MISSED"));

    Map<String, Object> m = new LinkedHashMap<>();
    m.put("addresses", addresses);
    m.put("firstStartMs", Math.round(cold));
    m.put("restartAfterKill9Ms", Math.round(restart));
    m.put("syncReconcile", second.reconcileLine());
    m.put("entriesKept", table);
    m.put("syncRssMiB", round(rssMib));
    m.put("syncRssAnonMiB", round(anon / 1024.0));
    m.put("rssGoalMiB", GOAL_RSS_MIB);
    m.put("rssGoalMet", rssMib <= GOAL_RSS_MIB);
    m.put("syncRssAfterStartsMiB", round(firstMemory[0] / 1024.0));
    m.put("syncRssAfterRestartMiB", round(secondMemory[0] / 1024.0));
    m.put("syncCommand", describe(cmd));
    m.put("ndppd", ndppd(lh, prefix, work));
    result.put("convergence", m);
  }

  /**
   * The sync as users start it: through the launcher when this runs from it (sixkit.home), so its
   * options and lean class path are the ones measured; else the same JVM built by SyncJvm.
   */
  private static List<String> syncCommand(List<String> extra, List<String> syncArgs) {
    String home = System.getProperty("sixkit.home");
    if (home != null && Files.isExecutable(Path.of(home, "sixkit")) && extra.isEmpty()) {
      List<String> cmd = new ArrayList<>(List.of(Path.of(home, "sixkit").toString(), "ndp", "sync"));
      cmd.addAll(syncArgs);
      return cmd;
    }
    return SyncJvm.command(extra, syncArgs);
  }

  private static String describe(List<String> cmd) {
    List<String> shown = new ArrayList<>();
    for (int i = 0; i < cmd.size(); i++) {
      shown.add(i > 0 && cmd.get(i - 1).equals("-cp") ? "SYNC_CLASSPATH" : cmd.get(i));
    }
    return String.join(" ", shown);
  }

  /**
   * Steady-state VmRSS and RssAnon in KiB (the peak of a second of samples), once the sync has been
   * idle for 10 s: the JVM hands the compiler's arenas of a busy start back to malloc after about
   * 5 s and the sync's periodic trim returns them to the kernel (SyncJvm), so an earlier sample
   * counts that transient (about 9 MiB).
   */
  private static long[] memory(BenchChild c) {
    sleep(10_000);
    long rss = 0;
    long anon = 0;
    for (int i = 0; i < 5; i++) {
      rss = Math.max(rss, statusKb(c.process.pid(), "VmRSS:"));
      anon = Math.max(anon, statusKb(c.process.pid(), "RssAnon:"));
      sleep(200);
    }
    return new long[] {rss, anon};
  }

  private Map<String, Object> ndppd(LabHost lh, String prefix, Path work) throws Exception {
    Map<String, Object> m = new LinkedHashMap<>();
    Path exe = Path.of("/usr/sbin/ndppd");
    if (!Files.isExecutable(exe)) {
      say("  ndppd: not installed (apt-get install ndppd)");
      m.put("installed", false);
      return m;
    }
    Path conf = work.resolve("ndppd.conf");
    Files.writeString(conf, "proxy " + lh.uplink() + " {\n  rule " + prefix + " {\n    static\n  }\n}\n");
    Process p = new ProcessBuilder("nsenter", "--net=/run/netns/" + lh.netns(), exe.toString(), "-c", conf.toString(),
        "-p", work.resolve("ndppd.pid").toString()).redirectErrorStream(true)
        .redirectOutput(work.resolve("ndppd.log").toFile()).start();
    try {
      sleep(1500);
      long pid = findChild(p.pid(), "ndppd");
      long rss = rssKb(pid);
      m.put("installed", true);
      m.put("rssMiB", round(rss / 1024.0));
      m.put("config", "static rule for " + prefix + ": answers for the whole prefix, no per-address entries");
      say(String.format("  ndppd (static rule for %s, answers for the whole prefix from user space): %.1f MiB resident",
          prefix, rss / 1024.0));
    } finally {
      p.destroy();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      ProcessHandle.allProcesses().filter(h -> h.info().command().map(c -> c.endsWith("/ndppd")).orElse(false)
          && h.info().arguments().map(a -> List.of(a).contains(conf.toString())).orElse(false)).forEach(ProcessHandle::destroyForcibly);
    }
    return m;
  }

  /** nsenter execs ndppd in place, so usually the same pid; otherwise its child of that name. */
  private static long findChild(long pid, String comm) {
    if (comm.equals(readComm(pid))) {
      return pid;
    }
    return ProcessHandle.of(pid).flatMap(h -> h.descendants().filter(d -> comm.equals(readComm(d.pid()))).findFirst())
        .map(ProcessHandle::pid).orElse(pid);
  }

  private static String readComm(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).trim();
    } catch (IOException e) {
      return "";
    }
  }

  private double awaitGroups(Set<InetAddress> groups, long startedNanos, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      long last = 0;
      boolean all = true;
      for (InetAddress g : groups) {
        Long t = joined.get(g);
        if (t == null) {
          all = false;
          break;
        }
        last = Math.max(last, t);
      }
      if (all) {
        return (last - startedNanos) / 1e6;
      }
      sleep(5);
    }
    throw new Main.CliException(what + ": not all " + groups.size() + " entries appeared within 120 s");
  }

  static long rssKb(long pid) {
    return statusKb(pid, "VmRSS:");
  }

  static long statusKb(long pid, String field) {
    try {
      for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (l.startsWith(field)) {
          return Long.parseLong(l.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return -1;
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Main.CliException("interrupted");
    }
  }

  /** The sync as a child process, its output read on a thread. */
  /** ip in a namespace, for the bench's own checks. */
  static final class Ip {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    static String run(String ns, String... args) throws IOException, InterruptedException {
      List<String> cmd = new ArrayList<>(List.of("ip", "-n", ns));
      cmd.addAll(List.of(args));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new Main.CliException("ip " + String.join(" ", args) + ": " + out.trim());
      }
      return out;
    }

    static com.fasterxml.jackson.databind.JsonNode json(String ns, String... args) throws IOException, InterruptedException {
      List<String> a = new ArrayList<>(List.of("-json"));
      a.addAll(List.of(args));
      String out = run(ns, a.toArray(String[]::new));
      return out.isBlank() ? JSON.createArrayNode() : JSON.readTree(out);
    }
  }
}
