package dev.sixkit.dsl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sixkit.SixkitException;
import dev.sixkit.docker.Container;
import dev.sixkit.docker.DaemonFacts;
import dev.sixkit.docker.Docker;
import dev.sixkit.host.Change;
import dev.sixkit.host.ExecResult;
import dev.sixkit.host.Host;
import dev.sixkit.host.HostSnapshot;
import dev.sixkit.host.StaticRoute;
import dev.sixkit.netlink.Address;
import dev.sixkit.netlink.IpAddresses;
import dev.sixkit.netlink.IpPrefix;
import dev.sixkit.netlink.Link;
import dev.sixkit.netlink.Neighbour;
import dev.sixkit.netlink.Route;
import dev.sixkit.plan.ApplyException;
import dev.sixkit.plan.ApplyResult;
import dev.sixkit.plan.ContainerAddresses;
import dev.sixkit.plan.EngineNeeds;
import dev.sixkit.plan.HostEntry;
import dev.sixkit.plan.HostFiles;
import dev.sixkit.plan.HostPlan;
import dev.sixkit.plan.Journal;
import dev.sixkit.plan.Mode;
import dev.sixkit.plan.NetworkPlan;
import dev.sixkit.plan.Persist;
import dev.sixkit.plan.Plan;
import dev.sixkit.plan.PlanException;
import dev.sixkit.plan.Planner;
import dev.sixkit.plan.Prefixes;
import dev.sixkit.plan.Step;
import dev.sixkit.plan.Table;
import dev.sixkit.plan.VerifyReport;
import inet.ipaddr.IPAddress;
import inet.ipaddr.ipv6.IPv6Address;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A validated multi-host IPv6 setup for Docker, and what can be done with it: {@link #plan()}
 * reads every host and says what would change, {@link #apply()} makes the changes on all hosts in
 * parallel (a second apply changes nothing), {@link #verify()} proves it with ping6 and HTTP from
 * every web container to every other, {@link #undo()} reverts what the last apply changed.
 *
 * <pre>{@code
 * try (Setup s = Setup.of(spec -> spec
 *     .underlay("2001:db8:ab11::/64").mode(Mode.ROUTED)
 *     .host("docker1", h -> h.netns("lab-docker1").uplink("eth0").docker(sock1).prefix("2001:db8:cd11::/64"))
 *     .host("docker2", h -> h.netns("lab-docker2").uplink("eth0").docker(sock2).prefix("2001:db8:ef11::/64")))) {
 *   System.out.println(s.plan());      // table of changes, nothing touched
 *   s.apply();                         // routes on both hosts
 *   s.verify();                        // web1 <-> web2 over ping6 and HTTP
 *   s.undo();                          // routes gone again
 * }
 * }</pre>
 *
 * <p>A Docker daemon's prefix is fixed when it starts: the plan checks that each running daemon
 * already uses the prefix planned for it and reports a problem (it never restarts a daemon) when
 * not. The record of the last apply lives under {@code stateDir/NAME/last-apply.json}, so an undo
 * from another process reverts it too.
 *
 * <p>Thread-safe: operations may be called from any thread; host connections are opened once and
 * closed by {@link #close()}. Operations on the same setup are serialised.
 */
public final class Setup implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Setup.class);
  private static final Duration EXEC_TIMEOUT = Duration.ofSeconds(15);
  private static final Pattern PING_TIME = Pattern.compile("time=([0-9.]+ ?ms)");

  private final String name;
  private final Mode mode;
  private final IPv6Address underlay;
  private final int split;
  private final List<HostEntry> hosts;
  private final Persist persist;
  private final Path journalFile;
  private final Map<String, Host> open = new ConcurrentHashMap<>();
  private volatile Consumer<String> progress = m -> { };
  private volatile boolean closed;
  private volatile Fleet fleet = Fleet.ALL;
  private volatile java.util.function.BiConsumer<String, String> status = (h, m) -> { };
  private volatile boolean cancelled;
  /** The error of a host not read because it is outside {@link Fleet#limit()}. */
  private static final String SKIPPED = "not in --limit";

  private Setup(SetupSpec s, StackTraceElement at) {
    String where = DslException.where(at);
    if (s.underlay() == null) {
      throw DslException.at(where, "setup " + s.name() + " has no underlay: add underlay '2001:db8:ab11::/64'"
          + " (the prefix the hosts share on their uplinks)");
    }
    if (s.mode() == null) {
      throw DslException.at(where, "setup " + s.name() + " has no mode: add mode ndpProxy or mode routed");
    }
    if (s.hosts().isEmpty()) {
      throw DslException.at(where, "setup " + s.name() + " has no hosts: add host('docker1') { netns 'NAME'; uplink 'eth0' }");
    }
    if (s.mode() == Mode.ROUTED && s.split() != 0) {
      throw DslException.at(where, "split is for NDP proxy mode; in routed mode each host gives its prefix '...'");
    }
    for (HostEntry h : s.hosts()) {
      if (s.mode() == Mode.ROUTED && h.prefix() == null) {
        throw DslException.at(h.declaredAt(), "host " + h.name() + " has no Docker prefix: routed mode needs"
            + " prefix '2001:db8:…/64' in its block");
      }
    }
    if (s.persist() != null && !s.persist().rootGiven()) {
      for (HostEntry h : s.hosts()) {
        if (!h.connector().ownFileSystem()) {
          throw DslException.at(where, "persist: host " + h.name() + " (" + h.connector().describe()
              + ") shares this machine's /etc; give the folder to write to: persist { root '/var/lib/sixkit/"
              + s.name() + "/{host}' }");
        }
      }
    }
    this.name = s.name();
    this.mode = s.mode();
    this.underlay = s.underlay();
    this.split = s.split();
    this.hosts = s.hosts();
    this.persist = s.persist();
    this.journalFile = Journal.file(s.stateDir(), s.name());
    // With every address given, the prefix plan can be checked now, before any host is read.
    if (hosts.stream().allMatch(h -> h.address() != null)) {
      try {
        networkPlan(hosts.stream().collect(LinkedHashMap::new, (m, h) -> m.put(h.name(), h.address()), Map::putAll));
      } catch (PlanException e) {
        throw DslException.at(where, e.getMessage().replaceFirst("^plan: ", ""));
      }
    }
  }

  /**
   * Describes and validates a setup. A wrong word or value fails here with a {@link
   * DslException} naming the caller's line; nothing is read or changed.
   */
  public static Setup of(Consumer<SetupSpec> body) {
    Objects.requireNonNull(body, "body");
    StackTraceElement at = DslException.userFrame(new Throwable().getStackTrace());
    SetupSpec s = new SetupSpec();
    body.accept(s);
    return new Setup(s, at);
  }

  /**
   * Which hosts the operations touch and how many at once ({@code ./sixkit run --limit --forks}).
   * Hosts outside the limit are neither read nor changed; the plan still lays out every host
   * (prefixes follow the host order), so in routed mode their address must be written in their
   * block.
   */
  public Setup fleet(Fleet f) {
    Fleet given = f == null ? Fleet.ALL : f;
    for (String h : given.limit()) {
      entry(h); // an unknown name fails here, naming the hosts there are
    }
    this.fleet = given;
    return this;
  }

  public Fleet fleet() {
    return fleet;
  }

  /**
   * Where each host's live status goes while hosts are read and changed: (host, "reading"),
   * (host, "apply 3/12"), (host, "apply done, 2 changes"), (host, "apply FAILED: ..."). Called
   * from the hosts' threads.
   */
  public Setup status(java.util.function.BiConsumer<String, String> sink) {
    this.status = sink == null ? (h, m) -> { } : sink;
    return this;
  }

  /**
   * Stops an apply or undo under way cleanly (Ctrl-C): no step starts after this, the steps under
   * way finish, what was made is recorded for undo and reported. Callable from any thread.
   */
  public void cancel() {
    cancelled = true;
    progress.accept("stopping: no more changes are started; the ones under way finish");
  }

  private boolean inFleet(HostEntry e) {
    return fleet.limit().isEmpty() || fleet.limit().contains(e.name());
  }

  private List<HostEntry> active() {
    return hosts.stream().filter(this::inFleet).toList();
  }

  /** Where progress lines go during apply and undo ("docker1: + route ..."). */
  public Setup progress(Consumer<String> sink) {
    this.progress = sink == null ? m -> { } : sink;
    return this;
  }

  public String name() {
    return name;
  }

  public Mode mode() {
    return mode;
  }

  public String underlay() {
    return Prefixes.text(underlay);
  }

  public List<HostEntry> hosts() {
    return hosts;
  }

  public List<String> hostNames() {
    return hosts.stream().map(HostEntry::name).toList();
  }

  /** The file holding the record of the last apply. */
  public Path journalFile() {
    return journalFile;
  }

  /** What the last apply changed (what {@link #undo()} would revert), from its record. */
  public List<Change> lastApplied() {
    return Journal.load(journalFile).stream().map(j -> j.step().planned(j.host())).toList();
  }

  /** The live host (opened on first use, closed with the setup). */
  public Host host(String hostName) {
    HostEntry e = entry(hostName);
    if (closed) {
      throw new SixkitException("open host", hostName, "the setup " + name + " is closed");
    }
    return open.computeIfAbsent(hostName, n -> e.connector().open(n, e.docker()));
  }

  private HostEntry entry(String hostName) {
    return hosts.stream().filter(h -> h.name().equals(hostName)).findFirst()
        .orElseThrow(() -> new DslException("setup " + name + " has no host " + hostName + " (it has "
            + String.join(", ", hostNames()) + ")"));
  }

  // ------------------------------------------------------------------ reading

  /** What one host looks like now, as far as the plan cares. */
  private record HostState(HostEntry entry, String error, boolean uplinkExists, List<String> uplinkAddresses,
      String forwarding, String proxyNdp, List<Route> routes, List<Neighbour> proxies, DaemonFacts daemon,
      List<Container> containers, String dockerError, Map<String, String> files) {}

  private HostState read(HostEntry e) {
    status.accept(e.name(), "reading");
    HostState st = readHost(e);
    status.accept(e.name(), st.error() == null ? "read" : "cannot read: " + st.error());
    return st;
  }

  private HostState readHost(HostEntry e) {
    Host h;
    try {
      h = host(e.name());
    } catch (RuntimeException ex) {
      return new HostState(e, "cannot reach it: " + ex.getMessage(), false, List.of(), null, null, List.of(), List.of(),
          null, null, null, Map.of());
    }
    try {
      String fwdKey = "net.ipv6.conf.all.forwarding";
      String pndpKey = "net.ipv6.conf." + e.uplink() + ".proxy_ndp";
      HostSnapshot snap = h.snapshot(List.of(fwdKey, pndpKey)); // one round trip over SSH
      boolean up = snap.link(e.uplink()).isPresent();
      List<String> addrs = new ArrayList<>();
      for (Address a : snap.addresses()) {
        if (a.isV6() && e.uplink().equals(a.device()) && a.scope() == 0
            && Prefixes.contains(underlay, Prefixes.address(IpAddresses.format(a.address())))) {
          addrs.add(IpAddresses.format(a.address()));
        }
      }
      String fwd = snap.sysctl(fwdKey).orElseThrow(() -> new SixkitException("read sysctl", fwdKey, "not there"));
      String pndp = up ? snap.sysctl(pndpKey).orElse(null) : null;
      List<Route> routes = snap.routes().stream().filter(Route::isV6).toList();
      List<Neighbour> proxies = snap.proxyEntries().stream().filter(n -> e.uplink().equals(n.device())).toList();
      DaemonFacts facts = null;
      List<Container> containers = null;
      String dockerError = null;
      try {
        Docker d = h.docker();
        facts = d.daemon();
        containers = d.containers();
      } catch (RuntimeException ex) {
        dockerError = ex.getMessage();
      }
      Map<String, String> files = new LinkedHashMap<>();
      if (persist != null) {
        HostFiles f = e.connector().files();
        for (String p : persistPaths(e)) {
          f.read(p).ifPresent(t -> files.put(p, t));
        }
      }
      return new HostState(e, null, up, addrs, fwd, pndp, routes, proxies, facts, containers, dockerError, files);
    } catch (RuntimeException ex) {
      return new HostState(e, "cannot read it: " + ex.getMessage(), false, List.of(), null, null, List.of(), List.of(),
          null, null, null, Map.of());
    }
  }

  private Map<String, HostState> readAll() {
    Map<String, HostState> read = parallel(active(), this::read);
    Map<String, HostState> out = new LinkedHashMap<>();
    for (HostEntry e : hosts) {
      out.put(e.name(), read.containsKey(e.name()) ? read.get(e.name()) : new HostState(e, SKIPPED, false, List.of(),
          null, null, List.of(), List.of(), null, null, null, Map.of()));
    }
    return out;
  }

  // ------------------------------------------------------------------ planning

  private NetworkPlan networkPlan(Map<String, String> addresses) {
    Planner.HostsStep hs = Planner.underlay(Prefixes.text(underlay));
    for (HostEntry h : hosts) {
      hs = hs.host(h.name(), h.uplink(), addresses.get(h.name()));
    }
    if (mode == Mode.ROUTED) {
      Planner.RoutedStep rs = hs.routed();
      for (HostEntry h : hosts) {
        rs = rs.prefix(h.name(), h.prefix());
      }
      return rs.plan();
    }
    Planner.NdpStep ns = hs.ndpProxy();
    if (split != 0) {
      ns = ns.split(split);
    }
    for (HostEntry h : hosts) {
      if (h.prefix() != null) {
        ns = ns.prefix(h.name(), h.prefix());
      }
    }
    return ns.plan();
  }

  /**
   * Reads every host (in parallel) and returns what {@link #apply()} would change, and what is in
   * the way. Changes nothing.
   */
  public Plan plan() {
    synchronized (this) {
      return plan(readAll());
    }
  }

  private Plan plan(Map<String, HostState> states) {
    List<String> problems = new ArrayList<>();
    Map<String, String> addresses = new LinkedHashMap<>();
    for (HostEntry e : hosts) {
      HostState s = states.get(e.name());
      if (s.error() != null) {
        // A host not read (outside --limit, or unreachable) keeps its place in the plan when its address is written.
        if (e.address() != null) {
          addresses.put(e.name(), e.address());
        }
        if (s.error() == SKIPPED) {
          if (e.address() == null) {
            problems.add(e.name() + ": outside --limit, and the plan of the others needs its address (the split and"
                + " the routes depend on it): write address '...' in its block");
          }
          continue;
        }
        problems.add(e.name() + ": " + s.error() + (e.address() == null && hosts.size() > 1
            ? " (the other hosts' plan needs its address: write address '...' in its block)" : ""));
        continue;
      }
      if (!s.uplinkExists()) {
        problems.add(e.name() + ": has no interface " + e.uplink() + " (its uplink" + (e.declaredAt().isEmpty() ? ""
            : ", " + e.declaredAt()) + ")");
        continue;
      }
      if (e.address() != null) {
        addresses.put(e.name(), e.address());
        if (!s.uplinkAddresses().contains(e.address())) {
          problems.add(e.name() + ": " + e.uplink() + " does not hold " + e.address() + " (it holds "
              + (s.uplinkAddresses().isEmpty() ? "no address in " + Prefixes.text(underlay) : s.uplinkAddresses()) + ")");
        }
      } else if (s.uplinkAddresses().isEmpty()) {
        problems.add(e.name() + ": " + e.uplink() + " has no address in " + Prefixes.text(underlay)
            + "; give it one, or write address '...' in the host's block");
      } else {
        addresses.put(e.name(), s.uplinkAddresses().get(0));
      }
    }
    NetworkPlan network = null;
    if (addresses.size() == hosts.size()) {
      try {
        network = networkPlan(addresses);
      } catch (PlanException ex) {
        problems.add("plan: " + ex.getMessage().replaceFirst("^plan: ", ""));
      }
    }
    Map<String, List<Step>> steps = new LinkedHashMap<>();
    List<Plan.HostLine> lines = new ArrayList<>();
    for (HostEntry e : hosts) {
      HostState s = states.get(e.name());
      HostPlan hp = network == null ? null : network.host(e.name()).orElse(null);
      String dockerd = dockerdLine(e, s, hp, problems);
      lines.add(new Plan.HostLine(e.name(), e.connector().describe(), e.uplink(), addresses.getOrDefault(e.name(), ""),
          hp == null ? "" : Prefixes.text(hp.dockerPrefix()), dockerd));
      if (hp != null && s.error() == null && s.uplinkExists()) {
        List<Step> l = steps(e, s, hp);
        l.sort(Comparator.comparingInt(Step::order));
        steps.put(e.name(), l);
      } else {
        steps.put(e.name(), List.of());
      }
    }
    return new Plan(name, mode, Prefixes.text(underlay), network, lines, steps, problems);
  }

  /** Checks the running daemon against the plan; a disagreement is a problem, never a restart. */
  private String dockerdLine(HostEntry e, HostState s, HostPlan hp, List<String> problems) {
    if (s.error() != null) {
      return "";
    }
    if (s.daemon() == null) {
      String why = s.dockerError() == null ? "no Docker endpoint" : s.dockerError();
      if (mode == Mode.NDP_PROXY) {
        problems.add(e.name() + ": NDP proxy needs the host's containers, and Docker does not answer: " + why
            + " (give docker 'unix:///path/docker.sock' in its block)");
      }
      return "not checked (" + (e.docker() == null && !"this machine".equals(e.connector().describe())
          ? "no docker endpoint" : "not answering") + ")";
    }
    DaemonFacts f = s.daemon();
    String running = f.fixedCidrV6Prefix().map(Setup::prefixText).orElse(null);
    if (hp == null) {
      return running == null ? "no fixed-cidr-v6" : "runs " + running;
    }
    String want = Prefixes.text(hp.dockerPrefix());
    String restart = "; restart it with dockerd " + String.join(" ", hp.dockerdArgs())
        + " (sixkit never restarts a running daemon)";
    if (!f.ipv6Enabled()) {
      problems.add(e.name() + ": dockerd runs without --ipv6, the plan gives it " + want + restart);
      return "DISAGREES: no --ipv6";
    }
    if (running == null) {
      problems.add(e.name() + ": dockerd runs without --fixed-cidr-v6, the plan gives it " + want + restart);
      return "DISAGREES: no fixed-cidr-v6";
    }
    if (!running.equals(want)) {
      problems.add(e.name() + ": dockerd runs with --fixed-cidr-v6=" + running + " but the plan gives it " + want + restart);
      return "DISAGREES: runs " + running;
    }
    // Docker 27+ with ip6tables drops what comes from outside to the default bridge: the plan
    // would be "complete" and the packets lost (issue 10).
    Optional<String> filtered = EngineNeeds.defaultBridgeProblem(e.name(), f, want);
    if (filtered.isPresent()) {
      problems.add(filtered.get());
      return "agrees (" + f.version() + "), but filters IPv6 to the default bridge";
    }
    return "agrees (" + f.version() + ")";
  }

  private static String prefixText(IPAddress a) {
    return a.isPrefixed() ? a.toPrefixBlock().toCanonicalString() : a.toCanonicalString();
  }

  private List<Step> steps(HostEntry e, HostState s, HostPlan hp) {
    List<Step> out = new ArrayList<>();
    if (!"1".equals(s.forwarding())) {
      out.add(new Step.Sysctl("net.ipv6.conf.all.forwarding", s.forwarding(), "1"));
    }
    List<String> batch = new ArrayList<>();
    if (mode == Mode.NDP_PROXY) {
      String key = "net.ipv6.conf." + e.uplink() + ".proxy_ndp";
      if (!"1".equals(s.proxyNdp())) {
        out.add(new Step.Sysctl(key, s.proxyNdp(), "1"));
      }
      Set<String> want = containerAddresses(s, hp.dockerPrefix());
      Set<String> have = new LinkedHashSet<>();
      for (Neighbour n : s.proxies()) {
        String a = IpAddresses.format(n.address());
        if (n.address() instanceof java.net.Inet6Address && Prefixes.contains(hp.dockerPrefix(), Prefixes.address(a))) {
          have.add(a);
        }
      }
      for (String a : want) {
        if (!have.contains(a)) {
          out.add(new Step.Proxy(e.uplink(), a, true));
        }
        batch.add("neigh replace proxy " + a + " dev " + e.uplink());
      }
      for (String a : have) {
        if (!want.contains(a)) {
          out.add(new Step.Proxy(e.uplink(), a, false));
        }
      }
    } else {
      for (StaticRoute r : hp.routes()) {
        String dst = Prefixes.text(r.destination());
        String via = r.via().toCanonicalString();
        IpPrefix target = IpPrefix.parse(dst).network();
        List<Route> now = s.routes().stream()
            .filter(x -> x.destination() != null && x.destination().network().equals(target)).toList();
        boolean ok = now.stream().anyMatch(x -> x.gateway() != null && IpAddresses.format(x.gateway()).equals(via)
            && r.device().equals(x.device()));
        Step.Hop want = new Step.Hop(via, r.device(), -1);
        if (!ok) {
          if (now.isEmpty()) {
            out.add(new Step.Route(dst, null, want));
          } else {
            Route cur = now.get(0);
            out.add(new Step.Route(dst, new Step.Hop(cur.gateway() == null ? null : IpAddresses.format(cur.gateway()),
                cur.device(), cur.metric()), want));
          }
        }
        batch.add("route replace " + dst + " via " + via + " dev " + r.device());
      }
    }
    if (persist != null) {
      out.addAll(fileSteps(e, s, hp, batch));
    }
    return out;
  }

  /** The addresses that need a proxy entry: the one rule shared with the sync and the doctor. */
  private static Set<String> containerAddresses(HostState s, IPv6Address prefix) {
    Set<String> out = new LinkedHashSet<>();
    if (s.containers() != null) {
      ContainerAddresses.in(s.containers(), prefix).forEach(a -> out.add(a.toCanonicalString()));
    }
    return out;
  }

  // ------------------------------------------------------------------ persisted settings

  private List<String> persistPaths(HostEntry e) {
    String root = persist.rootOf(e.name());
    return List.of(root + "/etc/sysctl.d/60-sixkit.conf", root + "/etc/docker/daemon.json",
        root + "/etc/sixkit/" + name + ".ipbatch");
  }

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private List<Step> fileSteps(HostEntry e, HostState s, HostPlan hp, List<String> batch) {
    List<String> paths = persistPaths(e);
    List<Step> out = new ArrayList<>();
    if (persist.sysctl()) {
      StringBuilder t = new StringBuilder("# Written by sixkit (setup " + name + "): IPv6 for Docker, "
          + Plan.modeText(mode) + ".\nnet.ipv6.conf.all.forwarding = 1\n");
      if (mode == Mode.NDP_PROXY) {
        t.append("net.ipv6.conf.").append(e.uplink()).append(".proxy_ndp = 1\n");
      }
      fileStep(out, paths.get(0), s.files().get(paths.get(0)), t.toString());
    }
    if (persist.daemonJson()) {
      String path = paths.get(1);
      String now = s.files().get(path);
      String want = Prefixes.text(hp.dockerPrefix());
      try {
        ObjectNode doc = now == null || now.isBlank() ? JSON.createObjectNode() : (ObjectNode) JSON.readTree(now);
        boolean same = doc.path("ipv6").asBoolean(false) && want.equals(doc.path("fixed-cidr-v6").asText(""));
        if (!same) {
          doc.put("ipv6", true);
          doc.put("fixed-cidr-v6", want);
          out.add(new Step.File(path, now, JSON.writeValueAsString(doc) + "\n"));
        }
      } catch (java.io.IOException | ClassCastException ex) {
        throw new SixkitException("read", path, "on " + e.name() + ": not a JSON object (" + ex.getMessage()
            + "); fix or remove it, sixkit merges its settings into it", ex);
      }
    }
    if (persist.ipBatch()) {
      StringBuilder t = new StringBuilder("# Written by sixkit (setup " + name + "); load with: ip -batch "
          + paths.get(2) + "\n");
      batch.forEach(l -> t.append(l).append('\n'));
      fileStep(out, paths.get(2), s.files().get(paths.get(2)), t.toString());
    }
    return out;
  }

  private static void fileStep(List<Step> out, String path, String now, String want) {
    if (!want.equals(now)) {
      out.add(new Step.File(path, now, want));
    }
  }

  // ------------------------------------------------------------------ apply and undo

  /**
   * Plans and makes the changes, on every host in parallel. Refuses (changing nothing) when the
   * plan has problems. Records what it changed for {@link #undo()}; an apply that finds nothing
   * to change says so and keeps the previous record.
   *
   * @throws DslException when the plan has problems (nothing changed)
   * @throws ApplyException when a change failed on a host: it says what was changed where
   */
  public ApplyResult apply() {
    synchronized (this) {
      cancelled = false;
      Map<String, HostState> states = readAll();
      Plan p = plan(states);
      // A host that cannot be reached or read does not stop the others: it is reported failed.
      Map<String, String> down = new LinkedHashMap<>();
      states.forEach((h, st) -> {
        if (st.error() != null && st.error() != SKIPPED) {
          down.put(h, st.error());
        }
      });
      List<String> blocking = p.problems().stream().filter(x -> down.keySet().stream().noneMatch(
          h -> x.startsWith(h + ": "))).toList();
      if (!blocking.isEmpty() || p.network().isEmpty() || down.size() == active().size()) {
        throw new DslException("cannot apply setup " + name + ", nothing was changed:\n  "
            + String.join("\n  ", p.problems()));
      }
      long t0 = System.nanoTime();
      List<HostEntry> on = active().stream().filter(e -> !down.containsKey(e.name())).toList();
      if (p.changes().isEmpty() && down.isEmpty()) {
        return new ApplyResult("apply", name, active().stream().map(HostEntry::name).toList(), Map.of(), Map.of(),
            Map.of(), 0);
      }
      List<Journal.Entry> journal = java.util.Collections.synchronizedList(new ArrayList<>());
      progress.accept("applying " + p.changes().size() + " changes on " + on.size() + " hosts, " + fleet.forks()
          + " at once" + (down.isEmpty() ? "" : "; not reachable: " + String.join(", ", down.keySet())));
      Map<String, Outcome> outcomes = new LinkedHashMap<>(parallel(on, e -> run(e, p.steps().get(e.name()), journal,
          "apply")));
      down.forEach((h, why) -> {
        outcomes.put(h, new Outcome(List.of(), why, p.changes(h)));
        status.accept(h, "apply FAILED: " + why);
        progress.accept(h + ": apply FAILED: " + why);
      });
      List<Journal.Entry> made = ordered(journal);
      if (!made.isEmpty()) {
        // Appended to what earlier applies made and no undo reverted: a re-run after a failure keeps both.
        List<Journal.Entry> all = new ArrayList<>(Journal.load(journalFile));
        all.addAll(made);
        Journal.save(journalFile, name, reached(), all);
      }
      ApplyResult r = result("apply", outcomes, t0);
      if (!r.ok()) {
        throw new ApplyException(r);
      }
      return r;
    }
  }

  /** How each host is reached, for the record of an apply. */
  private Map<String, String> reached() {
    Map<String, String> m = new LinkedHashMap<>();
    hosts.forEach(h -> m.put(h.name(), h.connector().describe()));
    return m;
  }

  /** Journal entries in the setup's host order, each host's in the order applied. */
  private List<Journal.Entry> ordered(List<Journal.Entry> journal) {
    List<Journal.Entry> out = new ArrayList<>();
    synchronized (journal) {
      for (HostEntry h : hosts) {
        journal.stream().filter(j -> j.host().equals(h.name())).forEach(out::add);
      }
    }
    return out;
  }

  private record Outcome(List<Change> done, String failure, List<Change> notDone) {}

  private Outcome run(HostEntry e, List<Step> steps, List<Journal.Entry> journal, String verb) {
    List<Change> done = new ArrayList<>();
    List<Change> notDone = new ArrayList<>();
    String failure = null;
    Host h = null;
    int i = 0;
    for (Step st : steps) {
      status.accept(e.name(), verb + " " + (++i) + "/" + steps.size());
      if (failure == null && cancelled) {
        failure = "stopped (interrupted) before " + st.planned(e.name()).object();
      }
      if (failure != null) {
        notDone.add(st.planned(e.name()));
        continue;
      }
      try {
        if (h == null) {
          h = host(e.name());
        }
        Change c = st.apply(h, e.connector().files());
        if (c.changed()) {
          journal.add(new Journal.Entry(e.name(), st));
          done.add(c);
          log.debug("{}: {}", verb, c);
        }
      } catch (RuntimeException ex) {
        Change c = st.planned(e.name());
        failure = c.kind().sign() + " " + c.object() + ": " + ex.getMessage();
        log.debug("{} on {} failed", verb, e.name(), ex);
      }
    }
    String end = verb + (failure == null ? " done, " : " FAILED after ") + done.size()
        + (done.size() == 1 ? " change" : " changes") + (failure == null ? "" : ": " + failure);
    status.accept(e.name(), end);
    progress.accept(e.name() + ": " + end);
    return new Outcome(done, failure, notDone);
  }

  private ApplyResult result(String verb, Map<String, Outcome> outcomes, long t0) {
    Map<String, List<Change>> done = new LinkedHashMap<>();
    Map<String, String> failed = new LinkedHashMap<>();
    Map<String, List<Change>> notDone = new LinkedHashMap<>();
    outcomes.forEach((h, o) -> {
      done.put(h, o.done());
      if (o.failure() != null) {
        failed.put(h, o.failure());
      }
      notDone.put(h, o.notDone());
    });
    return new ApplyResult(verb, name, new ArrayList<>(outcomes.keySet()), done, failed, notDone,
        (System.nanoTime() - t0) / 1_000_000);
  }

  /**
   * Reverts what the last apply of this setup (by name, from this process or another) changed,
   * newest first, on every host in parallel. Says so when there is nothing to undo.
   *
   * @throws ApplyException when reverting failed on a host; what could not be reverted stays recorded
   */
  public ApplyResult undo() {
    synchronized (this) {
      cancelled = false;
      List<Journal.Entry> recorded = Journal.load(journalFile);
      // Outside --limit the record stays as it is.
      List<Journal.Entry> entries = recorded.stream().filter(j -> hosts.stream().noneMatch(h -> h.name().equals(j.host()))
          || inFleet(entry(j.host()))).toList();
      List<Journal.Entry> others = recorded.stream().filter(j -> !entries.contains(j)).toList();
      long t0 = System.nanoTime();
      if (entries.isEmpty()) {
        return new ApplyResult("undo", name, hostNames(), Map.of(), Map.of(), Map.of(), 0);
      }
      for (Journal.Entry j : entries) {
        entry(j.host()); // a host missing from the setup fails before anything is reverted
      }
      List<Journal.Entry> reverted = java.util.Collections.synchronizedList(new ArrayList<>());
      List<HostEntry> involved = hosts.stream().filter(h -> entries.stream().anyMatch(j -> j.host().equals(h.name())))
          .toList();
      Map<String, Outcome> outcomes = parallel(involved, e -> {
        List<Step> back = new ArrayList<>();
        for (Journal.Entry j : entries) {
          if (j.host().equals(e.name())) {
            back.add(0, j.step().inverse());
          }
        }
        return run(e, back, reverted, "undo");
      });
      // What was not reverted stays recorded, so a second undo can finish the job.
      List<Journal.Entry> left = new ArrayList<>(others);
      for (Journal.Entry j : entries) {
        boolean back;
        synchronized (reverted) {
          back = reverted.stream().anyMatch(r -> r.host().equals(j.host()) && r.step().equals(j.step().inverse()));
        }
        if (!back) {
          left.add(j);
        }
      }
      ApplyResult r = result("undo", outcomes, t0);
      List<Journal.Entry> keep = r.ok() ? others : left;
      if (keep.isEmpty()) {
        Journal.delete(journalFile);
      } else {
        Journal.save(journalFile, name, reached(), keep);
      }
      if (!r.ok()) {
        throw new ApplyException(r);
      }
      return r;
    }
  }

  // ------------------------------------------------------------------ verify

  private record Endpoint(String host, String container, String address) {
    String label() {
      return host + "/" + container;
    }
  }

  /**
   * From every web container to every other (on all hosts): ping6 and an HTTP GET, through
   * Docker exec. Changes nothing.
   */
  public VerifyReport verify() {
    long t0 = System.nanoTime();
    Plan p;
    synchronized (this) {
      p = plan(readAll());
    }
    List<String> problems = new ArrayList<>();
    List<Endpoint> eps = new ArrayList<>();
    for (HostEntry e : active()) {
      IPv6Address prefix = p.network().flatMap(n -> n.host(e.name())).map(HostPlan::dockerPrefix).orElse(null);
      try {
        Docker d = host(e.name()).docker();
        List<Container> cs = new ArrayList<>();
        if (!e.web().isEmpty()) {
          for (String w : e.web()) {
            Container c = d.container(w);
            if (!c.running()) {
              problems.add(e.name() + ": container " + w + " is " + c.state());
            }
            cs.add(c);
          }
        } else {
          cs.addAll(d.containers().stream().filter(Container::running).toList());
        }
        int before = eps.size();
        for (Container c : cs) {
          c.networks().stream().flatMap(n -> n.ipv6().stream())
              .filter(a -> prefix == null || Prefixes.contains(prefix, a)).findFirst()
              .ifPresent(a -> eps.add(new Endpoint(e.name(), c.name(), a.withoutPrefixLength().toCanonicalString())));
        }
        if (eps.size() == before) {
          problems.add(e.name() + ": no running container with an IPv6 address"
              + (prefix == null ? "" : " in " + Prefixes.text(prefix)));
        }
      } catch (RuntimeException ex) {
        problems.add(e.name() + ": " + ex.getMessage());
      }
    }
    List<Endpoint[]> pairs = new ArrayList<>();
    for (Endpoint a : eps) {
      for (Endpoint b : eps) {
        if (a != b) {
          pairs.add(new Endpoint[] {a, b});
        }
      }
    }
    if (eps.size() < 2 && problems.isEmpty()) {
      problems.add("fewer than two web containers: nothing to verify between");
    }
    List<VerifyReport.Check> checks = parallel(pairs, Math.min(4, Math.max(1, pairs.size())), pr -> check(pr[0], pr[1]));
    return new VerifyReport(name, checks, problems, (System.nanoTime() - t0) / 1_000_000);
  }

  private VerifyReport.Check check(Endpoint from, Endpoint to) {
    Docker d = host(from.host()).docker();
    boolean ping;
    String pingDetail;
    try {
      ExecResult r = d.exec(from.container(), EXEC_TIMEOUT, List.of("ping6", "-c", "1", "-W", "3", to.address()));
      ping = r.ok();
      Matcher m = PING_TIME.matcher(r.stdout());
      pingDetail = ping ? (m.find() ? m.group(1) : "") : firstLine(r.stderr().isBlank() ? r.stdout() : r.stderr(), "no answer");
    } catch (RuntimeException ex) {
      ping = false;
      pingDetail = ex.getMessage();
    }
    boolean http;
    String httpDetail;
    try {
      // busybox wget: no -T (Debian's static busybox crashes with it); the exec timeout bounds it.
      ExecResult r = d.exec(from.container(), EXEC_TIMEOUT, List.of("wget", "-qO-", "http://[" + to.address() + "]/"));
      http = r.ok() && !r.stdout().isBlank();
      httpDetail = http ? firstLine(r.stdout(), "") : firstLine(r.stderr(), "exit " + r.exitCode());
    } catch (RuntimeException ex) {
      http = false;
      httpDetail = ex.getMessage();
    }
    return new VerifyReport.Check(from.label(), to.label(), to.address(), ping, pingDetail, http, httpDetail);
  }

  private static String firstLine(String text, String otherwise) {
    for (String l : text.split("\n")) {
      String t = l.replaceAll("<[^>]*>", "").strip();
      if (!t.isEmpty()) {
        return t.length() > 40 ? t.substring(0, 40) + "…" : t;
      }
    }
    return otherwise;
  }

  // ------------------------------------------------------------------ plumbing

  private <T> Map<String, T> parallel(List<HostEntry> on, Function<HostEntry, T> work) {
    List<T> results = parallel(on, Math.min(on.size(), fleet.forks()), work);
    Map<String, T> out = new LinkedHashMap<>();
    for (int i = 0; i < on.size(); i++) {
      out.put(on.get(i).name(), results.get(i));
    }
    return out;
  }

  private static <A, T> List<T> parallel(List<A> items, int threads, Function<A, T> work) {
    if (items.isEmpty()) {
      return List.of();
    }
    if (items.size() == 1) {
      return List.of(work.apply(items.get(0)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
      Thread t = new Thread(r, "sixkit-setup");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<T>> fs = new ArrayList<>();
      for (A a : items) {
        Callable<T> c = () -> work.apply(a);
        fs.add(pool.submit(c));
      }
      List<T> out = new ArrayList<>();
      for (Future<T> f : fs) {
        out.add(f.get());
      }
      return out;
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof RuntimeException re ? re : new SixkitException("run on hosts", "", c.toString(), c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SixkitException("run on hosts", "", "interrupted", e);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Closes the host connections; the setup cannot be used afterwards. */
  @Override
  public void close() {
    closed = true;
    for (Host h : open.values()) {
      try {
        h.close();
      } catch (RuntimeException e) {
        log.debug("closing {}", h, e);
      }
    }
    open.clear();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("setup " + name + ": " + Plan.modeText(mode) + " on " + Prefixes.text(underlay)
        + (split != 0 ? ", split /" + split : "") + (persist != null ? ", persisted under " + persist.root() : ""));
    Table t = Table.of("HOST", "WHERE", "UPLINK", "ADDRESS", "DOCKER", "PREFIX");
    for (HostEntry h : hosts) {
      t.row(h.name(), h.connector().describe(), h.uplink(), h.address() == null ? "(read)" : h.address(),
          h.docker() == null ? "" : h.docker(), h.prefix() == null ? "" : h.prefix());
    }
    return sb.append('\n').append(t).toString();
  }
}
