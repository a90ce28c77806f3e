package dev.sixkit.lab;

import dev.sixkit.SixkitException;
import dev.sixkit.host.SshOptions;
import dev.sixkit.internal.os.Procs;
import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real OpenSSH servers for a lab's hosts ({@code ./sixkit lab up --ssh}): one {@code sshd} per
 * host, started inside the host's network namespace ({@code nsenter --net}, as dockerd), listening
 * only on the host's management address, with its own config, host key and authorized_keys, so
 * {@code Host.ssh} can be tested against the real thing. The client key (ed25519) and a
 * known_hosts file listing every host's key are generated for the lab.
 *
 * <p>Everything lives under {@code /run/sixkit/lab/LAB/_ssh} (a name no lab host can have):
 * {@code id_ed25519}, {@code known_hosts}, and per host {@code HOST/sshd_config},
 * {@code ssh_host_ed25519_key}, {@code authorized_keys}, {@code sshd.pid}, {@code sshd.log},
 * {@code sshd.properties} (the namespace, written before the server starts). {@link #stop} kills
 * every sshd of the lab, its sessions and what they run, found by pid file and by namespace, so it
 * works after a crash too, then removes the folder. The one thing left on the machine is
 * OpenSSH's privilege-separation folder /run/sshd (created when missing, as the openssh-server
 * package does; other servers may be using it).
 *
 * <p>Stateless; thread-safe per lab (one thread drives a lab).
 */
public final class LabSsh {
  private static final Logger LOG = LoggerFactory.getLogger(LabSsh.class);
  /** Starts with '_' so {@link HostDirs#hosts} never takes it for a host. */
  static final String DIR = "_ssh";
  /** The user every lab host's sshd lets in (the lab's writes need root). */
  public static final String USER = "root";
  private static final Path PRIVSEP = Path.of("/run/sshd");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

  private LabSsh() {}

  /**
   * The lab's SSH folder.
   *
   * @param lab the lab's name
   * @return /run/sixkit/lab/LAB/_ssh (it may not exist)
   */
  public static Path dir(String lab) {
    return Lab.stateDir(lab).resolve(DIR);
  }

  /**
   * The lab's client key (ed25519, unencrypted), authorized on every host.
   *
   * @param lab the lab's name
   * @return the private key's path; its .pub sits beside it
   */
  public static Path clientKey(String lab) {
    return dir(lab).resolve("id_ed25519");
  }

  /**
   * known_hosts listing every host's key under its management address.
   *
   * @param lab the lab's name
   * @return the file's path
   */
  public static Path knownHosts(String lab) {
    return dir(lab).resolve("known_hosts");
  }

  static Path hostDir(String lab, String host) {
    return dir(lab).resolve(host);
  }

  /**
   * The host's authorized_keys (root's, for this server only).
   *
   * @param lab the lab's name
   * @param host the host's name, such as docker1
   * @return the file's path
   */
  public static Path authorizedKeys(String lab, String host) {
    return hostDir(lab, host).resolve("authorized_keys");
  }

  /**
   * The host's server key; its .pub sits beside it.
   *
   * @param lab the lab's name
   * @param host the host's name
   * @return the private key's path
   */
  public static Path hostKey(String lab, String host) {
    return hostDir(lab, host).resolve("ssh_host_ed25519_key");
  }

  /**
   * The host's sshd pid file.
   *
   * @param lab the lab's name
   * @param host the host's name
   * @return the file's path
   */
  public static Path pidFile(String lab, String host) {
    return hostDir(lab, host).resolve("sshd.pid");
  }

  /**
   * The host's sshd_config (listen address, keys, log file).
   *
   * @param lab the lab's name
   * @param host the host's name
   * @return the file's path
   */
  public static Path config(String lab, String host) {
    return hostDir(lab, host).resolve("sshd_config");
  }

  /**
   * The host's sshd log (sshd -E), where refused logins are explained.
   *
   * @param lab the lab's name
   * @param host the host's name
   * @return the file's path
   */
  public static Path logFile(String lab, String host) {
    return hostDir(lab, host).resolve("sshd.log");
  }

  private static Path stateFile(String lab, String host) {
    return hostDir(lab, host).resolve("sshd.properties");
  }

  /**
   * The SSH target of a lab host: root at its management address.
   *
   * @param h the lab host
   * @return {@code root@[MGMT]:22}
   */
  public static String target(LabHost h) {
    return USER + "@[" + h.managementAddress() + "]:22";
  }

  /**
   * Options reaching a lab host: the lab's key and known_hosts, no agent, its Docker socket, named like the host.
   *
   * @param lab the lab's name
   * @param h the lab host
   * @return the options for {@link dev.sixkit.host.Host#ssh(String, SshOptions)}
   */
  public static SshOptions options(String lab, LabHost h) {
    return SshOptions.defaults().identity(clientKey(lab)).noAgent().knownHosts(knownHosts(lab))
        .dockerSocket(HostDirs.of(lab, h.name()).socket().toString()).name(h.name());
  }

  /**
   * Debian packages needed for --ssh that are missing.
   *
   * @return openssh-server and/or openssh-client; empty when both are installed
   */
  public static List<String> missingPackages() {
    List<String> out = new ArrayList<>();
    if (!Files.isExecutable(Path.of("/usr/sbin/sshd"))) {
      out.add("openssh-server");
    }
    if (!Lab.onPath("ssh-keygen")) {
      out.add("openssh-client");
    }
    return out;
  }

  // ---------------------------------------------------------------- start

  /** Generates the lab's keys and starts one sshd per host; on failure the caller takes the lab down. */
  static void start(String lab, List<LabHost> hosts, LabProgress progress) {
    List<String> missing = missingPackages();
    if (!missing.isEmpty()) {
      throw new SixkitException("start sshd", "lab " + lab, "missing Debian packages: " + String.join(" ", missing)
          + " (apt-get install -y " + String.join(" ", missing) + ")");
    }
    try {
      Files.createDirectories(dir(lab));
      if (!Files.isDirectory(PRIVSEP)) {
        // OpenSSH chroots its unprivileged children here; the package's tmpfiles rule makes it at boot.
        Files.createDirectories(PRIVSEP, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
            "rwxr-xr-x")));
      }
      if (!Files.exists(clientKey(lab))) {
        keygen(clientKey(lab), "sixkit-lab-" + lab);
      }
      Files.writeString(knownHosts(lab), "", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SixkitException("prepare SSH", dir(lab).toString(), e.toString(), e);
    }
    for (LabHost h : hosts) {
      startHost(lab, h);
      progress.step(h.name() + ": sshd listening on [" + h.managementAddress() + "]:22 (ssh -i " + clientKey(lab)
          + " -o UserKnownHostsFile=" + knownHosts(lab) + " root@" + h.managementAddress() + ")");
    }
  }

  /**
   * Starts the sshd of one host (its folder, key and known_hosts entry are made when missing) and
   * waits until it accepts connections.
   *
   * @param lab the lab's name
   * @param h the lab host; its namespace must exist
   * @return the sshd's pid
   * @throws SixkitException when one already runs for the host, the keys cannot be made, or it does
   *     not accept connections in time (the message holds its log)
   */
  public static long startHost(String lab, LabHost h) {
    String what = lab + "/" + h.name() + " in netns " + h.netns();
    Optional<Long> running = runningSshd(lab, h.name());
    if (running.isPresent()) {
      throw new SixkitException("start sshd", what, "an sshd for this host already runs (pid " + running.get() + ")");
    }
    Path nsPath = Path.of("/run/netns", h.netns());
    if (!Files.exists(nsPath)) {
      throw new SixkitException("start sshd", what, "no network namespace " + nsPath);
    }
    Path dir = hostDir(lab, h.name());
    try {
      Files.createDirectories(dir);
      Properties s = new Properties();
      s.setProperty("lab", lab);
      s.setProperty("host", h.name());
      s.setProperty("netns", h.netns());
      s.setProperty("address", h.managementAddress());
      try (Writer w = Files.newBufferedWriter(stateFile(lab, h.name()))) {
        s.store(w, "sixkit lab sshd: read by lab down to clean up");
      }
      if (!Files.exists(hostKey(lab, h.name()))) {
        keygen(hostKey(lab, h.name()), "sixkit-lab-" + lab + "-" + h.name());
      }
      String clientPub = Files.readString(Path.of(clientKey(lab) + ".pub")).strip();
      writePrivate(authorizedKeys(lab, h.name()), clientPub + "\n");
      Files.writeString(config(lab, h.name()), sshdConfig(lab, h), StandardCharsets.UTF_8);
      addKnownHost(lab, h);
    } catch (IOException e) {
      throw new SixkitException("start sshd", what, e.toString(), e);
    }
    Path sshd = Path.of("/usr/sbin/sshd"); // sshd re-executes itself: it must be started by absolute path
    List<String> cmd = List.of("nsenter", "--net=" + nsPath, sshd.toString(), "-f", config(lab, h.name()).toString(),
        "-E", logFile(lab, h.name()).toString());
    LOG.debug("starting sshd for {}: {}", what, String.join(" ", cmd));
    try {
      Files.deleteIfExists(pidFile(lab, h.name()));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(lab, h.name()).toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      // sshd forks into the background and the first process exits; a bad config exits non-zero.
      if (!p.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new SixkitException("start sshd", what, "sshd did not go to the background within "
            + START_TIMEOUT.toSeconds() + " s; its log:\n" + LogFiles.tail(logFile(lab, h.name()), 20));
      }
      if (p.exitValue() != 0) {
        throw new SixkitException("start sshd", what, "sshd exited with status " + p.exitValue() + "; its log:\n"
            + LogFiles.tail(logFile(lab, h.name()), 20));
      }
    } catch (IOException e) {
      throw new SixkitException("start sshd", what, e.toString(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SixkitException("start sshd", what, "interrupted", e);
    }
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      Optional<Long> pid = runningSshd(lab, h.name());
      if (pid.isPresent() && accepts(h.managementAddress(), 22)) {
        LOG.debug("sshd for {} listens on [{}]:22 (pid {})", what, h.managementAddress(), pid.get());
        return pid.get();
      }
      if (System.nanoTime() > deadline) {
        throw new SixkitException("start sshd", what, "nothing accepts connections on [" + h.managementAddress()
            + "]:22 after " + START_TIMEOUT.toSeconds() + " s; the log:\n" + LogFiles.tail(logFile(lab, h.name()),
                20));
      }
      Lab.sleep(20);
    }
  }

  private static boolean accepts(String address, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static String sshdConfig(String lab, LabHost h) {
    String d = hostDir(lab, h.name()).toString();
    return String.join("\n",
        "# Sixkit lab " + lab + ", host " + h.name() + ": written by lab up, removed by lab down.",
        "ListenAddress " + h.managementAddress(),
        "Port 22",
        "AddressFamily inet6",
        "HostKey " + d + "/ssh_host_ed25519_key",
        "PidFile " + d + "/sshd.pid",
        "AuthorizedKeysFile " + d + "/authorized_keys",
        "PermitRootLogin prohibit-password",
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "HostbasedAuthentication no",
        "UsePAM no",
        "StrictModes yes",
        // Docker's socket is reached through direct-streamlocal. OpenSSH grants those opens with
        // local TCP forwarding (its permission set is shared): "no", or PermitOpen, denies them too.
        "AllowStreamLocalForwarding local",
        "AllowTcpForwarding local",
        "AllowAgentForwarding no",
        "X11Forwarding no",
        "PermitTunnel no",
        "PermitUserEnvironment no",
        "PrintMotd no",
        "PrintLastLog no",
        "UseDNS no",
        "MaxSessions 64",
        "MaxStartups 64:30:128",
        "LoginGraceTime 30",
        "ClientAliveInterval 15",
        "ClientAliveCountMax 3",
        "LogLevel VERBOSE",
        "");
  }

  private static void keygen(Path key, String comment) throws IOException {
    Files.deleteIfExists(key);
    Files.deleteIfExists(Path.of(key + ".pub"));
    Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", key.toString())
        .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (p.waitFor() != 0) {
        throw new IOException("ssh-keygen for " + key + " failed: " + out.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static void writePrivate(Path f, String text) throws IOException {
    Files.writeString(f, text, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
  }

  /** Adds (or replaces) the host's line in the lab's known_hosts. */
  private static synchronized void addKnownHost(String lab, LabHost h) throws IOException {
    String[] pub = Files.readString(Path.of(hostKey(lab, h.name()) + ".pub")).strip().split("\\s+");
    List<String> lines = new ArrayList<>();
    if (Files.exists(knownHosts(lab))) {
      for (String l : Files.readAllLines(knownHosts(lab))) {
        if (!l.startsWith(h.managementAddress() + " ")) {
          lines.add(l);
        }
      }
    }
    lines.add(h.managementAddress() + " " + pub[0] + " " + pub[1] + " " + h.name());
    Files.write(knownHosts(lab), lines, StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- running, stop

  /**
   * The pid of the host's sshd if it runs: its pid file names a live sshd whose command line holds our config.
   *
   * @param lab the lab's name
   * @param host the host's name
   * @return the pid; empty when none runs
   */
  public static Optional<Long> runningSshd(String lab, String host) {
    String cfg = config(lab, host).toString();
    return Procs.readPidFile(pidFile(lab, host)).filter(Procs::alive).filter(pid -> Procs.cmdline(pid).contains(cfg));
  }

  /** Hosts that have an SSH folder in the lab. */
  static List<String> hosts(String lab) {
    Path d = dir(lab);
    if (!Files.isDirectory(d)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(d)) {
      return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new SixkitException("list lab SSH state", d.toString(), e.toString(), e);
    }
  }

  /**
   * Kills one host's sshd, its sessions and everything they run: the pid file's server and its
   * descendants, and any sshd left in the host's namespace (sessions of a killed server).
   *
   * @param lab the lab's name
   * @param host the host's name
   * @return the pids killed; empty when nothing ran
   */
  public static List<Long> stopHost(String lab, String host) {
    Properties s = new Properties();
    try (Reader r = Files.newBufferedReader(stateFile(lab, host))) {
      s.load(r);
    } catch (IOException e) {
      // no state: fall back to the lab's naming
    }
    String netns = s.getProperty("netns", Lab.hostNetns(lab, host));
    Set<Long> victims = new LinkedHashSet<>();
    runningSshd(lab, host).ifPresent(pid -> victims.addAll(Procs.withDescendants(pid)));
    Optional<Object> nsKey = Procs.fileKey(Path.of("/run/netns", netns));
    String cfg = config(lab, host).toString();
    for (long p : Procs.all()) {
      if (!Procs.comm(p).equals("sshd")) {
        continue; // only sshd processes (and what they started) are ever taken
      }
      if (Procs.cmdline(p).contains(cfg) || (nsKey.isPresent() && nsKey.equals(Procs.netnsKey(p)))) {
        victims.addAll(Procs.withDescendants(p));
      }
    }
    victims.remove(ProcessHandle.current().pid());
    List<Long> killed = new ArrayList<>();
    for (long p : victims) {
      if (Procs.kill(p)) {
        killed.add(p);
      }
    }
    List<Long> survivors = Procs.awaitGone(victims, Duration.ofSeconds(10));
    if (!survivors.isEmpty()) {
      throw new SixkitException("stop sshd", lab + "/" + host, "processes still alive: " + survivors);
    }
    if (!killed.isEmpty()) {
      LOG.debug("{}/{}: killed sshd processes {}", lab, host, killed);
    }
    return killed;
  }

  /** Stops every sshd of the lab and removes its SSH folder; returns what it removed, one line each. */
  static List<String> stop(String lab, LabProgress progress) {
    List<String> removed = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (String host : hosts(lab)) {
      try {
        List<Long> killed = stopHost(lab, host);
        if (!killed.isEmpty()) {
          String line = host + ": sshd stopped (" + killed.size() + " processes)";
          removed.add(line);
          progress.step(line);
        }
      } catch (RuntimeException e) {
        errors.add(host + ": " + e.getMessage());
      }
    }
    if (errors.isEmpty()) {
      try {
        deleteTree(dir(lab));
      } catch (IOException e) {
        errors.add(e.toString());
      }
    }
    if (!errors.isEmpty()) {
      throw new SixkitException("stop sshd", "lab " + lab, String.join("; ", errors));
    }
    return removed;
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    if (!p.startsWith(HostDirs.RUN_ROOT)) {
      throw new IllegalStateException("refusing to delete outside the lab roots: " + p);
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(x);
      }
    }
  }
}
