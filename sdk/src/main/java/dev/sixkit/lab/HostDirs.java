package dev.sixkit.lab;

import dev.sixkit.SixkitException;
import dev.sixkit.internal.os.Procs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where one lab host keeps its state: everything of its dockerd lives under {@link #varDir()}
 * (/var/lib/sixkit/lab/LAB/HOST: data root, log, recorded settings) and {@link #runDir()}
 * (/run/sixkit/lab/LAB/HOST: exec root, socket, pid file), so a later {@code lab down} finds the
 * leftovers of a killed run by scanning those two folders.
 *
 * <p>Immutable; thread-safe.
 *
 * @param lab the lab's name
 * @param host the host's name, such as docker1
 * @param varDir the host's persistent folder (data root, log, daemon.json)
 * @param runDir the host's runtime folder (exec root, socket, pid file)
 */
public record HostDirs(String lab, String host, Path varDir, Path runDir) {
  /** Persistent lab state: data roots, logs. */
  public static final Path VAR_ROOT = Path.of("/var/lib/sixkit/lab");
  /** Runtime lab state: exec roots, sockets, pid files. */
  public static final Path RUN_ROOT = Path.of("/run/sixkit/lab");
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,39}");
  /** sockaddr_un holds 108 bytes with the final NUL; containerd's sockets are the longest. */
  private static final int MAX_SOCKET_PATH = 107;

  /**
   * Checks the names and folders.
   *
   * @param lab the lab's name: 1 to 40 lower-case letters, digits, '.', '_' or '-'
   * @param host the host's name, of the same form
   * @param varDir the persistent folder; not null
   * @param runDir the runtime folder; not null
   * @throws SixkitException if a name does not have that form
   * @throws NullPointerException if a folder is null
   */
  public HostDirs {
    validate("lab", lab);
    validate("host", host);
    Objects.requireNonNull(varDir, "varDir");
    Objects.requireNonNull(runDir, "runDir");
  }

  /**
   * The folders of host HOST in lab LAB under the standard roots ({@link #VAR_ROOT}, {@link #RUN_ROOT}).
   *
   * @param lab the lab's name
   * @param host the host's name
   * @return the folders; nothing is created
   * @throws SixkitException if a name is malformed or the names make containerd's socket path longer
   *     than a unix socket address holds (107 bytes)
   */
  public static HostDirs of(String lab, String host) {
    validate("lab", lab);
    validate("host", host);
    HostDirs d = new HostDirs(lab, host, VAR_ROOT.resolve(lab).resolve(host), RUN_ROOT.resolve(lab).resolve(host));
    String longest = d.execRoot().resolve("containerd").resolve("containerd.sock.ttrpc").toString();
    if (longest.length() > MAX_SOCKET_PATH) {
      throw new SixkitException("name lab host", lab + "/" + host,
          "the names are too long: the socket path " + longest + " exceeds " + MAX_SOCKET_PATH + " bytes");
    }
    return d;
  }

  static void validate(String what, String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new SixkitException("name " + what, String.valueOf(name),
          "a " + what + " name is 1 to 40 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
  }

  /**
   * dockerd --data-root.
   *
   * @return VAR/data
   */
  public Path dataRoot() {
    return varDir.resolve("data");
  }

  /**
   * dockerd --exec-root (its managed containerd lives under it too).
   *
   * @return RUN/exec
   */
  public Path execRoot() {
    return runDir.resolve("exec");
  }

  /**
   * The Engine API socket.
   *
   * @return RUN/docker.sock
   */
  public Path socket() {
    return runDir.resolve("docker.sock");
  }

  /**
   * The Engine API endpoint, for {@link dev.sixkit.docker.Docker#connect(String)}.
   *
   * @return unix://RUN/docker.sock
   */
  public String endpoint() {
    return "unix://" + socket();
  }

  /**
   * dockerd --pidfile.
   *
   * @return RUN/docker.pid
   */
  public Path pidFile() {
    return runDir.resolve("docker.pid");
  }

  /**
   * dockerd's stdout and stderr (containerd's log goes there too).
   *
   * @return VAR/dockerd.log
   */
  public Path logFile() {
    return varDir.resolve("dockerd.log");
  }

  /**
   * The daemon's own daemon.json (dockerd --config-file).
   *
   * @return VAR/daemon.json
   */
  public Path daemonJson() {
    return varDir.resolve("daemon.json");
  }

  /**
   * The settings recorded at start (namespace, cgroup parent, arguments), read by cleanups.
   *
   * @return VAR/daemon.properties
   */
  public Path stateFile() {
    return varDir.resolve("daemon.properties");
  }

  /**
   * The managed containerd's pid file.
   *
   * @return RUN/exec/containerd/containerd.pid
   */
  public Path containerdPidFile() {
    return execRoot().resolve("containerd").resolve("containerd.pid");
  }

  /**
   * The managed containerd's socket, the address every shim names on its command line.
   *
   * @return RUN/exec/containerd/containerd.sock
   */
  public Path containerdSocket() {
    return execRoot().resolve("containerd").resolve("containerd.sock");
  }

  /**
   * dockerd --cgroup-parent: one cgroup per lab host, so its containers can be found and killed.
   *
   * @return /sixkit-LAB-HOST
   */
  public String cgroupParent() {
    return "/sixkit-" + lab + "-" + host;
  }

  /**
   * The pid of this host's dockerd if one runs: its pid file names a live process whose command
   * line holds this host's exec root (a recycled pid does not count).
   *
   * @return the pid; empty when none runs
   */
  public Optional<Long> runningDockerd() {
    String exec = execRoot().toString();
    return Procs.readPidFile(pidFile()).filter(Procs::alive).filter(pid -> Procs.cmdline(pid).contains(exec));
  }

  /**
   * Whether anything of this host is left on disk.
   *
   * @return true when either folder exists
   */
  public boolean exists() {
    return Files.exists(varDir) || Files.exists(runDir);
  }

  /**
   * Lab names that have state folders.
   *
   * @return the names, sorted; empty when there are none
   * @throws SixkitException if a root cannot be listed
   */
  public static List<String> labs() {
    TreeSet<String> names = new TreeSet<>();
    names.addAll(children(VAR_ROOT));
    names.addAll(children(RUN_ROOT));
    return new ArrayList<>(names);
  }

  /**
   * The hosts of a lab that have state folders (under either root).
   *
   * @param lab the lab's name
   * @return the hosts sorted by name; empty when there are none
   * @throws SixkitException if the name is malformed or a folder cannot be listed
   */
  public static List<HostDirs> hosts(String lab) {
    validate("lab", lab);
    TreeSet<String> names = new TreeSet<>();
    names.addAll(children(VAR_ROOT.resolve(lab)));
    names.addAll(children(RUN_ROOT.resolve(lab)));
    List<HostDirs> out = new ArrayList<>();
    for (String n : names) {
      if (NAME.matcher(n).matches()) {
        out.add(of(lab, n));
      }
    }
    return out;
  }

  private static List<String> children(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory).map(p -> p.getFileName().toString())
          .filter(n -> NAME.matcher(n).matches()).toList();
    } catch (IOException e) {
      throw new SixkitException("list lab state", dir.toString(), e.toString(), e);
    }
  }
}
