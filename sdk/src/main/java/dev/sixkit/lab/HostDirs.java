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
 */
public record HostDirs(String lab, String host, Path varDir, Path runDir) {
  /** Persistent lab state: data roots, logs. */
  public static final Path VAR_ROOT = Path.of("/var/lib/sixkit/lab");
  /** Runtime lab state: exec roots, sockets, pid files. */
  public static final Path RUN_ROOT = Path.of("/run/sixkit/lab");
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,39}");
  /** sockaddr_un holds 108 bytes with the final NUL; containerd's sockets are the longest. */
  private static final int MAX_SOCKET_PATH = 107;

  public HostDirs {
    validate("lab", lab);
    validate("host", host);
    Objects.requireNonNull(varDir, "varDir");
    Objects.requireNonNull(runDir, "runDir");
  }

  /** The folders of host HOST in lab LAB under the standard roots. */
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

  /** dockerd --data-root. */
  public Path dataRoot() {
    return varDir.resolve("data");
  }

  /** dockerd --exec-root (its managed containerd lives under it too). */
  public Path execRoot() {
    return runDir.resolve("exec");
  }

  /** The Engine API socket. */
  public Path socket() {
    return runDir.resolve("docker.sock");
  }

  public String endpoint() {
    return "unix://" + socket();
  }

  public Path pidFile() {
    return runDir.resolve("docker.pid");
  }

  /** dockerd's stdout and stderr (containerd's log goes there too). */
  public Path logFile() {
    return varDir.resolve("dockerd.log");
  }

  /** The daemon's own daemon.json (dockerd --config-file). */
  public Path daemonJson() {
    return varDir.resolve("daemon.json");
  }

  /** The settings recorded at start (namespace, cgroup parent, arguments), read by cleanups. */
  public Path stateFile() {
    return varDir.resolve("daemon.properties");
  }

  /** The managed containerd's pid file. */
  public Path containerdPidFile() {
    return execRoot().resolve("containerd").resolve("containerd.pid");
  }

  /** The managed containerd's socket, the address every shim names on its command line. */
  public Path containerdSocket() {
    return execRoot().resolve("containerd").resolve("containerd.sock");
  }

  /** dockerd --cgroup-parent: one cgroup per lab host, so its containers can be found and killed. */
  public String cgroupParent() {
    return "/sixkit-" + lab + "-" + host;
  }

  /**
   * The pid of this host's dockerd if one runs: its pid file names a live process whose command
   * line holds this host's exec root (a recycled pid does not count).
   */
  public Optional<Long> runningDockerd() {
    String exec = execRoot().toString();
    return Procs.readPidFile(pidFile()).filter(Procs::alive).filter(pid -> Procs.cmdline(pid).contains(exec));
  }

  /** Whether anything of this host is left on disk. */
  public boolean exists() {
    return Files.exists(varDir) || Files.exists(runDir);
  }

  /** Lab names that have state folders. */
  public static List<String> labs() {
    TreeSet<String> names = new TreeSet<>();
    names.addAll(children(VAR_ROOT));
    names.addAll(children(RUN_ROOT));
    return new ArrayList<>(names);
  }

  /** The hosts of a lab that have state folders (under either root). */
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
