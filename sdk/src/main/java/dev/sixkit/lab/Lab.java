package dev.sixkit.lab;

import dev.sixkit.SixkitException;
import dev.sixkit.docker.Docker;
import dev.sixkit.host.Host;
import dev.sixkit.host.NetlinkHost;
import dev.sixkit.host.SshHost;
import dev.sixkit.netlink.Netns;
import dev.sixkit.plan.HostPlan;
import dev.sixkit.plan.Mode;
import dev.sixkit.plan.NetworkPlan;
import dev.sixkit.plan.Planner;
import dev.sixkit.plan.Prefixes;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real Docker hosts on one machine: each host is a network namespace (LAB-docker1, ...) with its
 * own dockerd, joined to the others by an underlay (2001:db8:ab11::/64 on each host's eth0,
 * through a bridge in the namespace LAB-sw), reachable from the root namespace over a management
 * veth with ULA addresses, and running one busybox web container (web1, web2, ...).
 *
 * <pre>{@code
 * try (Lab lab = Lab.builder().name("demo").hosts(2).mode(Mode.NDP_PROXY).up()) {
 *   try (Host docker1 = lab.connect("docker1")) { ... }
 * }   // close() takes it all down (a handle from attach() leaves the lab up)
 * }</pre>
 *
 * <p>Everything a lab makes is named after it and recorded under /run/sixkit/lab/LAB before it is
 * made, so {@link #down(String, LabProgress)} removes it all even after a crash or a kill, and
 * {@code up} over a half-removed lab cleans it first. Not thread-safe: one thread drives a lab.
 */
public final class Lab implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Lab.class);
  /** The lab name used when none is given. */
  public static final String DEFAULT_NAME = "sixkit";
  /** The underlay prefix joining the hosts' uplinks (docker1 is ::1, docker2 ::2, ...). */
  public static final String UNDERLAY = "2001:db8:ab11::/64";
  /** Each host's uplink interface, on the underlay. */
  public static final String UPLINK = "eth0";
  /** NDP mode splits the /64 by the host count (12 hosts: /68s); 16 hosts of dockerd is what a lab machine carries. */
  public static final int MAX_HOSTS = 16;
  /** Lab names stay short: interface names in the root namespace are LAB-mN, at most 15 bytes. */
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]{0,9}");
  private static final String STATE_FILE = "lab.properties";

  private final String name;
  private final NetworkPlan plan;
  private final List<LabHost> hosts;
  private final boolean ssh;
  private final Engine engine;
  /** Whether this handle brought the lab up: only then does {@link #close()} take it down. */
  private final boolean owned;

  private Lab(String name, NetworkPlan plan, List<LabHost> hosts, boolean ssh, Engine engine, boolean owned) {
    this.name = name;
    this.plan = plan;
    this.hosts = List.copyOf(hosts);
    this.ssh = ssh;
    this.engine = engine;
    this.owned = owned;
  }

  /**
   * Starts describing a lab: 2 hosts named "sixkit", NDP proxy mode, the newest engine, no SSH.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Settings of a lab to bring up. Not thread-safe. */
  public static final class Builder {
    private String name = DEFAULT_NAME;
    private int hostCount = 2;
    private Mode mode = Mode.NDP_PROXY;
    private final List<String> routedPrefixes = new ArrayList<>();
    private LabProgress progress = LabProgress.silent();
    private boolean ssh;
    private Engine engine = Engine.newest();
    private boolean replace;

    private Builder() {}

    /**
     * The Docker engine every host runs (default {@link Engine#newest()}); see {@link Engine#known()}.
     *
     * @param e the engine; fetched on {@link #up()} when it is not installed
     * @return this builder
     * @throws NullPointerException if {@code e} is null
     */
    public Builder engine(Engine e) {
      this.engine = java.util.Objects.requireNonNull(e, "engine");
      return this;
    }

    /**
     * The engine by name ("20.10", "28"): a name the lab does not know is refused, naming the known ones.
     *
     * @param engineName an engine's name
     * @return this builder
     * @throws SixkitException if no engine has that name
     */
    public Builder engine(String engineName) {
      return engine(Engine.of(engineName));
    }

    /**
     * Whether {@link #up()} takes down a lab of the same name first (default: it refuses).
     *
     * @param on true to replace an existing lab
     * @return this builder
     */
    public Builder replace(boolean on) {
      this.replace = on;
      return this;
    }

    /**
     * The lab's name (1 to 10 lower-case letters and digits, starting with a letter); every object it
     * makes starts with it.
     *
     * @param labName the name
     * @return this builder
     * @throws SixkitException if the name does not have that form
     */
    public Builder name(String labName) {
      validate(labName);
      this.name = labName;
      return this;
    }

    /**
     * How many Docker hosts (default 2, named docker1, docker2, ...).
     *
     * @param count 1 to {@value Lab#MAX_HOSTS}
     * @return this builder
     * @throws SixkitException if the count is out of range
     */
    public Builder hosts(int count) {
      if (count < 1 || count > MAX_HOSTS) {
        throw new SixkitException("size lab", name, "a lab has 1 to " + MAX_HOSTS + " hosts, not " + count);
      }
      this.hostCount = count;
      return this;
    }

    /**
     * How Docker prefixes are planned: NDP_PROXY splits the underlay /64 (four /66s), ROUTED
     * gives each host its own /64 (2001:db8:cd11::/64, 2001:db8:ef11::/64, ...). The lab only
     * lays the prefixes out; the recipe (proxy entries or routes) is the caller's to apply.
     *
     * @param m the mode (default NDP_PROXY)
     * @return this builder
     */
    public Builder mode(Mode m) {
      this.mode = m;
      return this;
    }

    /**
     * Routed mode's per-host prefixes, in host order (defaults: 2001:db8:cd11::/64,
     * 2001:db8:ef11::/64, ...). Ignored in NDP proxy mode.
     *
     * @param prefixes one /64 per host; hosts beyond the list get the defaults
     * @return this builder
     */
    public Builder routedPrefixes(String... prefixes) {
      routedPrefixes.clear();
      routedPrefixes.addAll(List.of(prefixes));
      return this;
    }

    /**
     * Where {@link #up()} reports its steps (default: nowhere).
     *
     * @param p the progress sink, called on the thread that calls {@link #up()}
     * @return this builder
     */
    public Builder progress(LabProgress p) {
      this.progress = p;
      return this;
    }

    /**
     * Also runs an OpenSSH server in each host, for {@link Lab#connectSsh} (see {@link LabSsh}).
     *
     * @param on true for sshd in every host (default false)
     * @return this builder
     */
    public Builder ssh(boolean on) {
      this.ssh = on;
      return this;
    }

    /**
     * Brings the lab up: fetches the engine when needed, then builds namespaces, links, daemons,
     * (sshd) and web containers. On failure removes what it made and says what failed.
     *
     * @return a handle that owns the lab: its {@link Lab#close()} takes it down
     * @throws SixkitException if not root, a tool or package is missing, the lab exists and
     *     {@link #replace} was not asked for, the engine cannot be fetched, or a step fails
     */
    public Lab up() {
      return Lab.up(name, plan(), progress, ssh, engine, replace);
    }

    /**
     * The plan the lab will follow, computed from the settings; changes nothing.
     *
     * @return the hosts, their underlay addresses and Docker prefixes
     * @throws dev.sixkit.plan.PlanException if a routed prefix is malformed or overlaps
     */
    public NetworkPlan plan() {
      Planner.HostsStep hs = Planner.underlay(UNDERLAY);
      for (int i = 1; i <= hostCount; i++) {
        hs = hs.host("docker" + i, UPLINK, underlayAddress(i));
      }
      if (mode == Mode.NDP_PROXY) {
        return hs.ndpProxy().plan();
      }
      Planner.RoutedStep rs = hs.routed();
      for (int i = 1; i <= hostCount; i++) {
        String p = i <= routedPrefixes.size() ? routedPrefixes.get(i - 1) : defaultRoutedPrefix(i);
        rs = rs.prefix("docker" + i, p);
      }
      return rs.plan();
    }
  }

  /** The routed recipe's prefixes: docker1 2001:db8:cd11::/64, docker2 2001:db8:ef11::/64, then 2001:db8:f0NN::/64. */
  static String defaultRoutedPrefix(int i) {
    return switch (i) {
      case 1 -> "2001:db8:cd11::/64";
      case 2 -> "2001:db8:ef11::/64";
      default -> "2001:db8:f0" + String.format("%02x", i) + "::/64";
    };
  }

  static String underlayAddress(int i) {
    return "2001:db8:ab11::" + Integer.toHexString(i);
  }

  static void validate(String labName) {
    if (labName == null || !NAME.matcher(labName).matches()) {
      throw new SixkitException("name lab", String.valueOf(labName),
          "a lab name is 1 to 10 lower-case letters and digits, starting with a letter");
    }
  }

  static String switchNetns(String lab) {
    return lab + "-sw";
  }

  static String hostNetns(String lab, String host) {
    return lab + "-" + host;
  }

  static String rootLink(String lab, int i) {
    return lab + "-m" + i;
  }

  /** The management /64 of host i: fd00:5:HASH:i::/64 (root side ::1, host side ::2). */
  static String managementPrefix(String lab, int i) {
    int hash = lab.hashCode() & 0xffff;
    return "fd00:5:" + Integer.toHexString(hash) + ":" + Integer.toHexString(i) + "::";
  }

  static Path stateDir(String lab) {
    return HostDirs.RUN_ROOT.resolve(lab);
  }

  // ---------------------------------------------------------------- up

  private static Lab up(String name, NetworkPlan plan, LabProgress progress, boolean ssh, Engine engine,
      boolean replace) {
    LabPreflight.requireRoot();
    LabPreflight.requireTools();
    if (ssh && !LabSsh.missingPackages().isEmpty()) {
      throw new SixkitException("bring up lab", name, "--ssh needs Debian packages: "
          + String.join(" ", LabSsh.missingPackages()));
    }
    if (exists(name) && !replace) {
      throw new SixkitException("bring up lab", name, "lab " + name + " already exists (" + (Files.exists(
          stateDir(name).resolve(STATE_FILE)) ? "up" : "half removed") + "); take it down first (./sixkit lab down --name "
          + name + ") or replace it (--replace, Lab.builder().replace(true)); nothing was changed");
    }
    // Before anything is made: an engine that cannot be fetched leaves no half lab behind.
    Engine.Install install = engine.install(progress);
    if (exists(name)) {
      progress.step("lab " + name + " exists: taking it down first (--replace)");
      down(name, progress);
    }
    List<LabHost> hosts = new ArrayList<>();
    for (int i = 0; i < plan.hosts().size(); i++) {
      HostPlan hp = plan.hosts().get(i);
      int idx = i + 1;
      String mgmt = managementPrefix(name, idx);
      hosts.add(new LabHost(hp.host(), idx, hostNetns(name, hp.host()), hp.uplink(), hp.underlay().toCanonicalString(),
          mgmt + "2", rootLink(name, idx), Prefixes.text(hp.dockerPrefix()), HostDirs.of(name, hp.host()).endpoint(),
          "web" + idx));
    }
    Lab lab = new Lab(name, plan, hosts, ssh, engine, true);
    Instant t0 = Instant.now();
    try {
      lab.writeState(install);
      LabBuild.network(lab, progress);
      LabBuild.startDaemons(lab, install, progress);
      if (ssh) {
        LabSsh.start(name, hosts, progress);
      }
      LabBuild.startWebContainers(lab, progress);
      progress.step("lab " + name + " is up (" + Duration.between(t0, Instant.now()).toSeconds() + " s)");
      return lab;
    } catch (RuntimeException e) {
      progress.step("lab " + name + " failed: " + e.getMessage() + "; removing what was made");
      try {
        down(name, progress);
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e instanceof SixkitException ? e : new SixkitException("bring up lab", name, e.getMessage(), e);
    }
  }

  /**
   * Debian packages the lab needs that are not installed (docker.io, busybox-static, util-linux).
   *
   * @return the package names; empty when all are installed
   */
  public static List<String> missingPackages() {
    return LabPreflight.missingPackages();
  }

  static boolean onPath(String cmd) {
    for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, cmd))) {
        return true;
      }
    }
    return false;
  }

  private void writeState(Engine.Install install) {
    Properties p = new Properties();
    p.setProperty("name", name);
    p.setProperty("engine", engine.name());
    p.setProperty("engineVersion", install.version());
    p.setProperty("mode", plan.mode().name());
    p.setProperty("hosts", Integer.toString(hosts.size()));
    p.setProperty("ssh", Boolean.toString(ssh));
    for (LabHost h : hosts) {
      p.setProperty("host." + h.index() + ".dockerPrefix", h.dockerPrefix());
    }
    p.setProperty("created", Instant.now().toString());
    try {
      Files.createDirectories(stateDir(name));
      try (Writer w = Files.newBufferedWriter(stateDir(name).resolve(STATE_FILE), StandardCharsets.UTF_8)) {
        p.store(w, "Sixkit lab " + name + ": everything named " + name + "-* belongs to it");
      }
    } catch (IOException e) {
      throw new SixkitException("record lab", name, e.toString(), e);
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SixkitException("wait", "", "interrupted", e);
    }
  }

  // ---------------------------------------------------------------- attach, status, down

  /**
   * Whether anything of the lab exists: its state folder, a namespace, a daemon folder.
   *
   * @param lab the lab's name
   * @return true when up or half removed
   * @throws SixkitException if the name is not a lab name
   */
  public static boolean exists(String lab) {
    validate(lab);
    return Files.exists(stateDir(lab)) || !namespaces(lab).isEmpty() || !HostDirs.hosts(lab).isEmpty()
        || Files.exists(HostDirs.VAR_ROOT.resolve(lab));
  }

  /**
   * The names of the labs on this machine (up, or half removed): from their state folders.
   *
   * @return the names, sorted; empty when there are none
   */
  public static List<String> list() {
    return HostDirs.labs().stream().filter(n -> NAME.matcher(n).matches()).toList();
  }

  /** The lab's namespaces that exist now. */
  static List<String> namespaces(String lab) {
    List<String> out = new ArrayList<>();
    for (String n : Netns.list()) {
      if (n.startsWith(lab + "-")) {
        out.add(n);
      }
    }
    return out;
  }

  /**
   * A handle on a running lab, from its recorded state. Its {@link #close()} leaves the lab up
   * (as a handle on something this code did not start should); {@link #down()} takes it down.
   *
   * @param lab the lab's name
   * @return a handle that does not own the lab
   * @throws SixkitException if the name is malformed, no lab of that name is up, or its record
   *     cannot be read
   */
  public static Lab attach(String lab) {
    validate(lab);
    Path f = stateDir(lab).resolve(STATE_FILE);
    if (!Files.exists(f)) {
      throw new SixkitException("open lab", lab, "no lab named " + lab + " is up (./sixkit lab up --name " + lab + ")");
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new SixkitException("open lab", lab, e.toString(), e);
    }
    Builder b = builder().name(lab).hosts(Integer.parseInt(p.getProperty("hosts", "2")))
        .mode(Mode.valueOf(p.getProperty("mode", "NDP_PROXY")));
    List<String> routed = new ArrayList<>();
    for (int i = 1; p.containsKey("host." + i + ".dockerPrefix"); i++) {
      routed.add(p.getProperty("host." + i + ".dockerPrefix"));
    }
    if (Mode.valueOf(p.getProperty("mode", "NDP_PROXY")) == Mode.ROUTED) {
      b.routedPrefixes(routed.toArray(String[]::new));
    }
    NetworkPlan plan = b.plan();
    List<LabHost> hosts = new ArrayList<>();
    for (int i = 0; i < plan.hosts().size(); i++) {
      HostPlan hp = plan.hosts().get(i);
      int idx = i + 1;
      hosts.add(new LabHost(hp.host(), idx, hostNetns(lab, hp.host()), hp.uplink(), hp.underlay().toCanonicalString(),
          managementPrefix(lab, idx) + "2", rootLink(lab, idx), Prefixes.text(hp.dockerPrefix()),
          HostDirs.of(lab, hp.host()).endpoint(), "web" + idx));
    }
    // Labs recorded before engines were known ran the system's 20.10.
    return new Lab(lab, plan, hosts, Boolean.parseBoolean(p.getProperty("ssh", "false")),
        Engine.of(p.getProperty("engine", Engine.V20_10.name())), false);
  }

  /**
   * Removes everything of a lab, whatever state it is in: daemons and their containers (paused
   * ones thawed first), mounts, namespaces, management links, state folders. Goes on past a
   * failed step and reports them all at the end.
   *
   * @param lab the lab's name
   * @param progress where each step is reported
   * @return what it removed, one line each; empty when nothing of the lab existed
   * @throws SixkitException if the name is malformed or a step failed (naming every failure and
   *     what was removed)
   */
  public static List<String> down(String lab, LabProgress progress) {
    return LabTeardown.down(lab, progress);
  }

  /**
   * One line for the lab, then one per host: namespace, engine version, web container and its address.
   *
   * @param lab the lab's name
   * @return the lines; a single "not up" or "half removed" line when the lab is not whole
   * @throws SixkitException if the name is malformed
   */
  public static List<String> status(String lab) {
    return LabTeardown.status(lab);
  }

  // ---------------------------------------------------------------- accessors

  /**
   * The lab's name, the start of every object it makes.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The plan the lab was built from.
   *
   * @return the hosts, their underlay addresses and Docker prefixes
   */
  public NetworkPlan plan() {
    return plan;
  }

  /**
   * How Docker prefixes were laid out.
   *
   * @return NDP_PROXY or ROUTED
   */
  public Mode mode() {
    return plan.mode();
  }

  /**
   * The Docker engine the lab's hosts run.
   *
   * @return the engine
   */
  public Engine engine() {
    return engine;
  }

  /**
   * The lab's hosts, docker1 first.
   *
   * @return an immutable list
   */
  public List<LabHost> hosts() {
    return hosts;
  }

  /**
   * One lab host by name.
   *
   * @param hostName such as docker1
   * @return the host
   * @throws SixkitException if the lab has no such host (naming the ones it has)
   */
  public LabHost host(String hostName) {
    return hosts.stream().filter(h -> h.name().equals(hostName)).findFirst()
        .orElseThrow(() -> new SixkitException("find lab host", hostName, "lab " + name + " has no host " + hostName
            + " (it has " + hosts.stream().map(LabHost::name).toList() + ")"));
  }

  /**
   * A Host for one lab host: its namespace, named docker1..., with its own Docker endpoint.
   *
   * @param hostName such as docker1
   * @return a new host; the caller closes it (the lab stays up)
   * @throws SixkitException if the lab has no such host
   * @throws dev.sixkit.netlink.NetlinkException if its namespace is gone
   */
  public NetlinkHost connect(String hostName) {
    LabHost h = host(hostName);
    return Host.netns(h.netns(), h.dockerEndpoint(), h.name());
  }

  /**
   * Whether each host runs an OpenSSH server ({@link Builder#ssh}).
   *
   * @return true when brought up with SSH
   */
  public boolean ssh() {
    return ssh;
  }

  /**
   * A Host for one lab host reached over SSH (root at its management address, the lab's key and
   * known_hosts, its Docker socket over the same connection), named like {@link #connect}'s.
   *
   * @param hostName such as docker1
   * @return a connected host; the caller closes it
   * @throws SixkitException if the lab has no such host or runs no sshd
   * @throws dev.sixkit.host.SshException if the connection fails
   */
  public SshHost connectSsh(String hostName) {
    LabHost h = host(hostName);
    if (!ssh) {
      throw new SixkitException("connect over SSH to", hostName, "lab " + name + " runs no sshd (bring it up with"
          + " .ssh(true) or ./sixkit lab up --ssh)");
    }
    return Host.ssh(LabSsh.target(h), LabSsh.options(name, h));
  }

  /**
   * Whether {@link #close()} takes the lab down: true for a lab this handle brought up, false when attached.
   *
   * @return true for a handle from {@link Builder#up()}
   */
  public boolean ownsLab() {
    return owned;
  }

  /**
   * Takes the lab down now, whichever way this handle was made.
   *
   * @return what it removed, one line each
   * @throws SixkitException if a step failed (naming every failure)
   */
  public List<String> down() {
    return down(name, LabProgress.silent());
  }

  /**
   * Takes the lab down when this handle brought it up ({@link Builder#up()}); a handle from
   * {@link #attach(String)} leaves the lab up, so try-with-resources around an attached lab is safe.
   */
  @Override
  public void close() {
    if (owned) {
      down();
    }
  }

  @Override
  public String toString() {
    return "Lab[" + name + ", " + plan.mode() + ", " + hosts.size() + " hosts, engine " + engine + "]";
  }
}
