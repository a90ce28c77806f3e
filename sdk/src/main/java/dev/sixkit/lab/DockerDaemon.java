package dev.sixkit.lab;

import dev.sixkit.SixkitException;
import dev.sixkit.docker.DaemonConfig;
import dev.sixkit.docker.Docker;
import dev.sixkit.internal.os.Mounts;
import dev.sixkit.internal.os.Ping;
import dev.sixkit.internal.os.Procs;
import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dockerd running inside a lab host's network namespace, started the only way that works here:
 * {@code setsid nsenter --net=/run/netns/NS dockerd ...} ({@code ip netns exec} remounts /sys
 * and dockerd then finds no devices cgroup). dockerd starts its own containerd under its exec
 * root. Every file, socket and mount of the daemon lives under the host's {@link HostDirs}, and
 * its containers under the cgroup {@link HostDirs#cgroupParent()}, so {@link #cleanup(HostDirs)}
 * can remove everything from the folders alone, even after the JVM or dockerd was killed.
 *
 * <pre>{@code
 * try (DockerDaemon d = DockerDaemon.lab("demo").host("docker1").netns("demo-docker1")
 *     .fixedCidrV6("2001:db8:ab11:0:8000::/66").start()) {
 *   d.docker().containers();
 * }
 * }</pre>
 *
 * <p>Thread-safe: stop and close may be called from any thread, at most once effectively.
 */
public final class DockerDaemon implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DockerDaemon.class);
  private static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private final HostDirs dirs;
  private final String netns;
  private final List<String> args;
  private final long pid;
  private final Process process;
  private final Duration stopTimeout;
  private Docker docker;
  private boolean stopped;

  private DockerDaemon(HostDirs dirs, String netns, List<String> args, long pid, Process process, Duration stopTimeout) {
    this.dirs = dirs;
    this.netns = netns;
    this.args = List.copyOf(args);
    this.pid = pid;
    this.process = process;
    this.stopTimeout = stopTimeout;
  }

  // ---------------------------------------------------------------- steps

  /**
   * The lab the daemon belongs to (a folder under /var/lib/sixkit/lab and /run/sixkit/lab).
   *
   * @param lab the lab's name
   * @return the next step, which takes the host
   * @throws SixkitException if the name is not a safe folder name
   */
  public static HostStep lab(String lab) {
    HostDirs.validate("lab", lab);
    return new HostStep(lab);
  }

  /** Second step: the lab host. Immutable; thread-safe. */
  public static final class HostStep {
    private final String lab;

    private HostStep(String lab) {
      this.lab = lab;
    }

    /**
     * The lab host the daemon serves; names its folders and cgroup.
     *
     * @param host such as docker1
     * @return the next step, which takes the namespace
     * @throws SixkitException if the name is not a safe folder name
     */
    public NetnsStep host(String host) {
      return new NetnsStep(HostDirs.of(lab, host));
    }
  }

  /** Third step: the network namespace (under /run/netns) the daemon runs in. Immutable; thread-safe. */
  public static final class NetnsStep {
    private final HostDirs dirs;

    private NetnsStep(HostDirs dirs) {
      this.dirs = dirs;
    }

    /**
     * The namespace the daemon runs in; it must exist when {@link Options#start()} is called.
     *
     * @param name a namespace under /run/netns
     * @return the daemon's options, all at their defaults
     * @throws NullPointerException if {@code name} is null
     */
    public Options netns(String name) {
      return new Options(dirs, Objects.requireNonNull(name, "netns"));
    }
  }

  /** The daemon's options; {@link #start()} runs it. Not thread-safe. */
  public static final class Options {
    private final HostDirs dirs;
    private final String netns;
    private String fixedCidrV6;
    private Boolean userlandProxy;
    private final List<String> extra = new ArrayList<>();
    private Duration startTimeout = Duration.ofSeconds(90);
    private Duration stopTimeout = Duration.ofSeconds(20);
    private String dockerd = "dockerd";
    private List<Path> binDirs = List.of();
    private Path configFile;

    private Options(HostDirs dirs, String netns) {
      this.dirs = dirs;
      this.netns = netns;
    }

    /**
     * --ipv6 --fixed-cidr-v6=PREFIX: the default bridge hands out addresses from the prefix.
     *
     * @param prefix an IPv6 prefix such as 2001:db8:ab11:0:8000::/66
     * @return these options
     * @throws NullPointerException if {@code prefix} is null
     */
    public Options fixedCidrV6(String prefix) {
      this.fixedCidrV6 = Objects.requireNonNull(prefix, "prefix");
      return this;
    }

    /**
     * --userland-proxy=BOOL (dockerd's default is true: docker-proxy listens on :: and 0.0.0.0).
     *
     * @param on false for hairpin NAT instead of docker-proxy
     * @return these options
     */
    public Options userlandProxy(boolean on) {
      this.userlandProxy = on;
      return this;
    }

    /**
     * More dockerd arguments, passed as they are after Sixkit's own.
     *
     * @param more whole arguments, such as "--ip6tables=false"
     * @return these options
     */
    public Options arg(String... more) {
      extra.addAll(List.of(more));
      return this;
    }

    /**
     * How long to wait for /_ping to answer (default 90 s: dockerd is slow to start on 2 cores).
     *
     * @param t the timeout
     * @return these options
     */
    public Options startTimeout(Duration t) {
      this.startTimeout = t;
      return this;
    }

    /**
     * How long {@link DockerDaemon#stop()} waits after SIGTERM before SIGKILL (default 20 s).
     *
     * @param t the timeout
     * @return these options
     */
    public Options stopTimeout(Duration t) {
      this.stopTimeout = t;
      return this;
    }

    /**
     * The dockerd executable (found on PATH by default).
     *
     * @param executable a name on PATH or a path
     * @return these options
     */
    public Options dockerd(String executable) {
      this.dockerd = executable;
      return this;
    }

    /**
     * The engine to run: its dockerd, with its folders first on dockerd's PATH (so its containerd,
     * shims and docker-proxy are the ones found; runc comes from the system).
     *
     * @param install an installed engine, from {@link Engine#install}
     * @return these options
     */
    public Options engine(Engine.Install install) {
      this.dockerd = install.dockerd().toString();
      this.binDirs = install.binDirs();
      return this;
    }

    /**
     * Runs dockerd with this daemon.json instead of the lab's own (which only moves 20.10's trust
     * key): to check what a persisted daemon.json does to the engine. Settings it holds must not
     * also be given as options ({@link #fixedCidrV6} sets --ipv6 and --fixed-cidr-v6): dockerd
     * refuses a setting given both ways.
     *
     * @param daemonJson the daemon.json to give dockerd's --config-file
     * @return these options
     */
    public Options configFile(Path daemonJson) {
      this.configFile = daemonJson;
      return this;
    }

    /**
     * The dockerd arguments these options give (without the executable): Sixkit's own folders,
     * socket, pid file, cgroup parent and daemon.json, then {@link #arg}'s.
     *
     * @return a new list
     */
    public List<String> args() {
      List<String> a = new ArrayList<>();
      if (fixedCidrV6 != null) {
        a.add("--ipv6");
        a.add("--fixed-cidr-v6=" + fixedCidrV6);
      }
      if (userlandProxy != null) {
        a.add("--userland-proxy=" + userlandProxy);
      }
      a.addAll(List.of("--data-root", dirs.dataRoot().toString(), "--exec-root", dirs.execRoot().toString(),
          "-H", dirs.endpoint(), "--pidfile", dirs.pidFile().toString(), "--cgroup-parent", dirs.cgroupParent(),
          // Our own daemon.json: the machine's /etc/docker/daemon.json must not leak into the lab,
          // and it moves the trust key dockerd 20.10 would write to /etc/docker/key.json.
          "--config-file", (configFile != null ? configFile : dirs.daemonJson()).toString()));
      a.addAll(extra);
      return a;
    }

    /**
     * Starts dockerd and waits until /_ping answers. Leftovers of an earlier run of this host
     * (a killed daemon, mounts, folders) are removed first.
     *
     * @return the running daemon; close it to stop it and remove its state
     * @throws SixkitException when the namespace does not exist, a daemon already runs for this
     *     host, or dockerd does not answer in time (the message holds its log's tail); nothing
     *     is left behind then
     */
    public DockerDaemon start() {
      return DockerDaemon.start(this);
    }
  }

  // ---------------------------------------------------------------- start

  private static DockerDaemon start(Options o) {
    HostDirs dirs = o.dirs;
    String what = dirs.lab() + "/" + dirs.host() + " in netns " + o.netns;
    Path nsPath = Path.of("/run/netns", o.netns);
    if (!Files.exists(nsPath)) {
      throw new SixkitException("start dockerd", what, "no network namespace " + nsPath);
    }
    Optional<Long> running = livePid(dirs);
    if (running.isPresent()) {
      throw new SixkitException("start dockerd", what, "a dockerd for this host already runs (pid " + running.get()
          + "); stop it or clean up the lab first");
    }
    if (dirs.exists()) {
      LOG.debug("removing leftovers of an earlier run of {}", what);
      cleanup(dirs);
    }
    List<String> args = o.args();
    List<String> cmd = new ArrayList<>(List.of("setsid", "nsenter", "--net=" + nsPath, o.dockerd));
    cmd.addAll(args);
    Process p;
    try {
      Files.createDirectories(dirs.dataRoot());
      Files.createDirectories(dirs.execRoot());
      writeState(dirs, o.netns, args);
      Files.writeString(dirs.daemonJson(), daemonJson(dirs));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dirs.logFile().toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      Map<String, String> env = pb.environment();
      String path = env.get("PATH");
      String prefix = o.binDirs.stream().map(Path::toString).reduce("", (a, b) -> a + b + ":");
      env.put("PATH", prefix + (path == null || path.isBlank() ? PATH : PATH + ":" + path));
      env.remove("DOCKER_HOST");
      LOG.debug("starting dockerd for {}: {}", what, String.join(" ", cmd));
      p = pb.start();
    } catch (IOException e) {
      DaemonCleanup.quietly(dirs);
      throw new SixkitException("start dockerd", what, e.toString(), e);
    }
    long t0 = System.nanoTime();
    long deadline = t0 + o.startTimeout.toNanos();
    while (true) {
      if (!p.isAlive() && !Ping.ok(dirs.socket(), Duration.ofMillis(200))) {
        String tail = LogFiles.tail(dirs.logFile(), 40);
        String error = LogFiles.firstError(dirs.logFile());
        DaemonCleanup.quietly(dirs);
        throw new SixkitException("start dockerd", what, "dockerd exited with status " + p.exitValue()
            + error + "; the end of its log:\n" + tail);
      }
      if (Ping.ok(dirs.socket(), Duration.ofSeconds(2))) {
        break;
      }
      if (System.nanoTime() > deadline) {
        String tail = LogFiles.tail(dirs.logFile(), 40);
        p.destroyForcibly();
        DaemonCleanup.quietly(dirs);
        throw new SixkitException("start dockerd", what, "/_ping did not answer on " + dirs.socket() + " within "
            + o.startTimeout.toSeconds() + " s; the end of dockerd's log:\n" + tail);
      }
      sleep(100);
    }
    long pid = Procs.readPidFile(dirs.pidFile()).orElse(p.pid());
    LOG.debug("dockerd for {} answers on {} (pid {}, {} ms)", what, dirs.endpoint(), pid,
        (System.nanoTime() - t0) / 1_000_000);
    return new DockerDaemon(dirs, o.netns, args, pid, p, o.stopTimeout);
  }

  /** The per-host daemon.json: only the trust key's place (the rest is on the command line). */
  static String daemonJson(HostDirs dirs) {
    return "{\n  \"deprecated-key-path\": \"" + dirs.varDir().resolve("key.json") + "\"\n}\n";
  }

  private static void writeState(HostDirs dirs, String netns, List<String> args) throws IOException {
    Properties s = new Properties();
    s.setProperty("lab", dirs.lab());
    s.setProperty("host", dirs.host());
    s.setProperty("netns", netns);
    s.setProperty("cgroupParent", dirs.cgroupParent());
    s.setProperty("args", String.join("\u0000", args));
    s.setProperty("started", Instant.now().toString());
    try (Writer w = Files.newBufferedWriter(dirs.stateFile())) {
      s.store(w, "sixkit lab host: read by lab down to clean up");
    }
  }

  static Properties readState(HostDirs dirs) {
    Properties s = new Properties();
    try (Reader r = Files.newBufferedReader(dirs.stateFile())) {
      s.load(r);
    } catch (IOException e) {
      // no state recorded (start failed early, or it was removed): fall back to the defaults
    }
    return s;
  }

  /** The pid of a live dockerd of this host (its pid file names it and it names our exec root). */
  static Optional<Long> livePid(HostDirs dirs) {
    return dirs.runningDockerd();
  }

  // ---------------------------------------------------------------- running daemon

  /**
   * The lab the daemon belongs to.
   *
   * @return the lab's name
   */
  public String lab() {
    return dirs.lab();
  }

  /**
   * The lab host the daemon serves.
   *
   * @return the host's name, such as docker1
   */
  public String host() {
    return dirs.host();
  }

  /**
   * The namespace the daemon runs in.
   *
   * @return its name under /run/netns
   */
  public String netns() {
    return netns;
  }

  /**
   * The daemon's folders, socket, pid file and cgroup.
   *
   * @return the host's folders
   */
  public HostDirs dirs() {
    return dirs;
  }

  /**
   * Where the daemon listens.
   *
   * @return unix:///run/sixkit/lab/LAB/HOST/docker.sock
   */
  public String endpoint() {
    return dirs.endpoint();
  }

  /**
   * The daemon's unix socket.
   *
   * @return /run/sixkit/lab/LAB/HOST/docker.sock
   */
  public Path socket() {
    return dirs.socket();
  }

  /**
   * dockerd's process id.
   *
   * @return the pid from its pid file (or of the process started)
   */
  public long pid() {
    return pid;
  }

  /**
   * The arguments dockerd was started with (after the executable).
   *
   * @return an immutable list
   */
  public List<String> args() {
    return args;
  }

  /**
   * The settings on dockerd's command line and in its daemon.json, for {@link Docker#daemon(DaemonConfig)}.
   *
   * @return the command line's settings, daemon.json's filling the gaps
   */
  public DaemonConfig config() {
    return DaemonConfig.fromArgs(args).orElse(DaemonConfig.fromDaemonJson(daemonJson(dirs)));
  }

  /**
   * The file dockerd's (and containerd's) output goes to.
   *
   * @return the log file, under the host's /var/lib/sixkit/lab folder
   */
  public Path logFile() {
    return dirs.logFile();
  }

  /**
   * The last lines of dockerd's log.
   *
   * @param lines how many lines at most
   * @return the lines joined with newlines; "" when the log is empty or missing
   */
  public String logTail(int lines) {
    return LogFiles.tail(dirs.logFile(), lines);
  }

  /**
   * Whether dockerd is alive and answers /_ping (within 2 s).
   *
   * @return true when it runs and answers
   */
  public boolean isRunning() {
    return Procs.alive(pid) && Ping.ok(dirs.socket(), Duration.ofSeconds(2));
  }

  /**
   * A client for this daemon, connected on first use and closed by {@link #stop()}.
   *
   * @return the shared client
   * @throws SixkitException if the daemon was stopped
   * @throws dev.sixkit.docker.DockerException if it does not answer
   */
  public synchronized Docker docker() {
    if (stopped) {
      throw new SixkitException("connect to dockerd", dirs.lab() + "/" + dirs.host(), "the daemon was stopped");
    }
    if (docker == null) {
      docker = Docker.connect(dirs.endpoint());
    }
    return docker;
  }

  /**
   * Stops dockerd (SIGTERM, then SIGKILL after the stop timeout; dockerd stops its containers
   * and containerd itself), then kills what is left of containerd, shims and containers and
   * unmounts everything under the daemon's folders. The folders (data, log) stay.
   *
   * @return what the cleanup after the stop did
   * @throws SixkitException when something cannot be removed; what could be removed is removed
   */
  public synchronized Cleanup stop() {
    if (docker != null) {
      docker.close();
      docker = null;
    }
    stopped = true;
    String what = dirs.lab() + "/" + dirs.host();
    if (Procs.alive(pid) && Procs.cmdline(pid).contains(dirs.execRoot().toString())) {
      long t0 = System.nanoTime();
      Procs.term(pid);
      if (!Procs.awaitGone(List.of(pid), stopTimeout).isEmpty()) {
        LOG.warn("dockerd for {} did not stop within {} s: killing it", what, stopTimeout.toSeconds());
        Procs.kill(pid);
        Procs.awaitGone(List.of(pid), Duration.ofSeconds(10));
      }
      LOG.debug("dockerd for {} stopped in {} ms", what, (System.nanoTime() - t0) / 1_000_000);
    }
    try {
      process.waitFor(); // reap it
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return DaemonCleanup.run(dirs, false);
  }

  /** Stops the daemon and removes all its state: {@link #stop()}, then its folders. */
  @Override
  public synchronized void close() {
    stop();
    DaemonCleanup.run(dirs, true);
  }

  @Override
  public String toString() {
    return "dockerd " + dirs.lab() + "/" + dirs.host() + " (netns " + netns + ", pid " + pid + ", " + endpoint() + ")";
  }

  // ---------------------------------------------------------------- cleanup

  /**
   * What a cleanup did.
   *
   * <p>Immutable; thread-safe.
   *
   * @param dirs the folders of the host that was cleaned
   * @param killed the processes it killed (dockerd, containerd, shims, container processes, docker-proxy)
   * @param unmounted the mount points it unmounted, deepest first
   * @param removed the files and folders it removed (shim sockets, cgroups, state folders)
   */
  public record Cleanup(HostDirs dirs, List<Long> killed, List<Path> unmounted, List<Path> removed) {
    /**
     * Copies the lists.
     *
     * @param dirs the host's folders
     * @param killed the pids killed
     * @param unmounted the mount points unmounted
     * @param removed the paths removed
     * @throws NullPointerException if a list is null
     */
    public Cleanup {
      killed = List.copyOf(killed);
      unmounted = List.copyOf(unmounted);
      removed = List.copyOf(removed);
    }

    /**
     * Whether there was nothing to clean.
     *
     * @return true when nothing was killed, unmounted or removed
     */
    public boolean nothingFound() {
      return killed.isEmpty() && unmounted.isEmpty() && removed.isEmpty();
    }
  }

  /**
   * Removes everything a lab host's daemon left (see {@link #cleanup(HostDirs)}).
   *
   * @param lab the lab's name
   * @param host the host's name
   * @return what it did
   * @throws SixkitException when a name is unsafe or something cannot be removed
   */
  public static Cleanup cleanup(String lab, String host) {
    return cleanup(HostDirs.of(lab, host));
  }

  /**
   * Removes everything a lab host's daemon left, whether it was stopped, killed or never fully
   * started: kills its dockerd, containerd, shims, container processes and docker-proxy
   * processes, unmounts (lazily, deepest first) everything under its folders, removes its shim
   * sockets and cgroups, then its folders. Works from the folders alone. Idempotent.
   *
   * @param dirs the host's folders
   * @return what it did; {@link Cleanup#nothingFound()} when there was nothing left
   * @throws SixkitException when something cannot be removed (a mount that will not go, a process
   *     that will not die); what could be removed is removed
   */
  public static Cleanup cleanup(HostDirs dirs) {
    return DaemonCleanup.run(dirs, true);
  }

  /**
   * Cleans every host of a lab, then the lab's empty folders; goes on past a host that fails.
   *
   * @param lab the lab's name
   * @return one cleanup per host that had folders
   * @throws SixkitException the first host's failure, after every host was tried
   */
  public static List<Cleanup> cleanupLab(String lab) {
    List<Cleanup> out = new ArrayList<>();
    SixkitException first = null;
    for (HostDirs h : HostDirs.hosts(lab)) {
      try {
        out.add(cleanup(h));
      } catch (SixkitException e) {
        first = first == null ? e : first;
      }
    }
    DaemonCleanup.removeEmptyParents(HostDirs.VAR_ROOT.resolve(lab), new ArrayList<>());
    DaemonCleanup.removeEmptyParents(HostDirs.RUN_ROOT.resolve(lab), new ArrayList<>());
    if (first != null) {
      throw first;
    }
    return out;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SixkitException("start dockerd", null, "interrupted");
    }
  }
}
