package dev.sixkit.lab;

import dev.sixkit.SixkitException;
import dev.sixkit.internal.os.Mounts;
import dev.sixkit.internal.os.Procs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes everything a lab host's daemon left, from its folders alone (see {@link
 * DockerDaemon#cleanup(HostDirs)}): processes (thawing paused containers first), mounts, shim
 * sockets, cgroups, folders.
 *
 * <p>Thread-safe: cleanups are serialised.
 */
final class DaemonCleanup {
  private static final Logger LOG = LoggerFactory.getLogger(DaemonCleanup.class);
  private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");
  private static final Path SHIM_SOCKETS = Path.of("/run/containerd/s");
  /** Process names (/proc/PID/comm, at most 15 characters) a lab host's Docker runs. */
  private static final Set<String> DOCKER_PROCESSES =
      Set.of("dockerd", "containerd", "containerd-shim", "runc", "docker-proxy", "docker-init");

  private DaemonCleanup() {}

  static void quietly(HostDirs dirs) {
    try {
      run(dirs, true);
    } catch (RuntimeException e) {
      LOG.warn("cleanup of {}/{} failed: {}", dirs.lab(), dirs.host(), e.getMessage());
    }
  }

  static synchronized DockerDaemon.Cleanup run(HostDirs dirs, boolean removeDirs) {
    String what = dirs.lab() + "/" + dirs.host();
    Properties state = DockerDaemon.readState(dirs);
    String cgroupParent = state.getProperty("cgroupParent", dirs.cgroupParent());
    String netns = state.getProperty("netns");

    // 1. processes
    Set<Long> victims = new LinkedHashSet<>();
    String exec = dirs.execRoot().toString();
    String data = dirs.dataRoot().toString();
    dirs.runningDockerd().ifPresent(p -> victims.addAll(Procs.withDescendants(p)));
    Procs.readPidFile(dirs.containerdPidFile()).filter(p -> Procs.cmdline(p).contains(exec))
        .ifPresent(p -> victims.addAll(Procs.withDescendants(p)));
    Optional<Object> nsKey = netns == null ? Optional.empty() : Procs.fileKey(Path.of("/run/netns", netns));
    for (long p : Procs.all()) {
      String comm = Procs.comm(p);
      if (!DOCKER_PROCESSES.contains(comm)) {
        continue; // never a shell or a tool that merely names our folders
      }
      String cmd = Procs.cmdline(p);
      // dockerd (--exec-root), containerd (--config EXEC/...), shims (-address EXEC/...)
      if (cmd.contains(exec + "/") || cmd.contains(exec + " ") || cmd.endsWith(exec) || cmd.contains(data + " ")) {
        victims.addAll(Procs.withDescendants(p));
      } else if (nsKey.isPresent() && comm.equals("docker-proxy") && nsKey.equals(Procs.netnsKey(p))) {
        victims.add(p);
      }
    }
    for (Path h : cgroupHierarchies()) {
      victims.addAll(Procs.inCgroup(h.resolve(cgroupParent.substring(1))));
    }
    victims.remove(ProcessHandle.current().pid());
    // A paused container's processes sit in a frozen cgroup, where SIGKILL waits for a thaw.
    thaw(cgroupParent);
    List<Long> killed = new ArrayList<>();
    for (long p : victims) {
      if (Procs.kill(p)) {
        killed.add(p);
      }
    }
    thaw(cgroupParent);
    List<Long> survivors = Procs.awaitGone(victims, Duration.ofSeconds(15));
    if (!killed.isEmpty()) {
      LOG.debug("{}: killed {} processes {}", what, killed.size(), killed);
    }

    // 2. mounts: deepest first, lazily, so a busy one does not block the rest
    List<Path> roots = List.of(dirs.dataRoot(), dirs.execRoot(), dirs.varDir(), dirs.runDir());
    List<Path> unmounted = new ArrayList<>();
    List<String> mountErrors = new ArrayList<>();
    for (Path mp : Mounts.under(roots)) {
      try {
        Mounts.unmountLazily(mp);
        unmounted.add(mp);
      } catch (IOException e) {
        mountErrors.add(e.getMessage());
      }
    }
    if (!unmounted.isEmpty()) {
      LOG.debug("{}: unmounted {} mount points", what, unmounted.size());
    }

    // 3. shim sockets (containerd keeps them outside the exec root) and cgroups
    List<Path> removed = new ArrayList<>();
    for (String id : containerIds(dirs)) {
      Path sock = SHIM_SOCKETS.resolve(shimSocketName(dirs.containerdSocket(), "moby", id));
      try {
        if (Files.deleteIfExists(sock)) {
          removed.add(sock);
        }
      } catch (IOException e) {
        LOG.warn("{}: cannot remove shim socket {}: {}", what, sock, e.toString());
      }
    }
    for (Path h : cgroupHierarchies()) {
      removed.addAll(removeCgroupTree(h.resolve(cgroupParent.substring(1))));
    }

    List<Path> stillMounted = Mounts.under(roots);
    if (!survivors.isEmpty() || !stillMounted.isEmpty()) {
      throw new SixkitException("clean up lab host", what, (survivors.isEmpty() ? "" : "processes still alive "
          + survivors + "; ") + (stillMounted.isEmpty() ? "" : "still mounted " + stillMounted + " " + mountErrors
          + "; ") + "the state folders were kept");
    }

    // 4. folders
    if (removeDirs) {
      for (Path d : List.of(dirs.runDir(), dirs.varDir())) {
        if (Files.exists(d)) {
          deleteTree(d);
          removed.add(d);
        }
      }
      removeEmptyParents(dirs.runDir().getParent(), removed);
      removeEmptyParents(dirs.varDir().getParent(), removed);
    }
    return new DockerDaemon.Cleanup(dirs, killed, unmounted, removed);
  }

  /** Container ids known to this daemon: from its data root and containerd's task folders. */
  private static Set<String> containerIds(HostDirs dirs) {
    Set<String> ids = new LinkedHashSet<>();
    for (Path d : List.of(dirs.dataRoot().resolve("containers"),
        dirs.execRoot().resolve("containerd/daemon/io.containerd.runtime.v2.task/moby"),
        dirs.execRoot().resolve("runtime-runc/moby"))) {
      if (Files.isDirectory(d)) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
          for (Path p : ds) {
            ids.add(p.getFileName().toString());
          }
        } catch (IOException e) {
          LOG.debug("cannot list {}: {}", d, e.toString());
        }
      }
    }
    return ids;
  }

  /** containerd 1.6 names a shim's socket sha256(containerd address/namespace/id) under /run/containerd/s. */
  static String shimSocketName(Path containerdSocket, String namespace, String id) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256")
          .digest((containerdSocket + "/" + namespace + "/" + id).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Path> cgroupHierarchies() {
    List<Path> out = new ArrayList<>();
    if (Files.exists(CGROUP_ROOT.resolve("cgroup.controllers"))) {
      out.add(CGROUP_ROOT); // pure cgroup v2
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(CGROUP_ROOT)) {
      for (Path p : ds) {
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          out.add(p);
        }
      }
    } catch (IOException e) {
      LOG.debug("cannot list {}: {}", CGROUP_ROOT, e.toString());
    }
    return out;
  }

  /**
   * Thaws every frozen cgroup under the lab host's cgroup parent (a paused container): cgroup v1's
   * freezer.state to THAWED, cgroup v2's cgroup.freeze to 0.
   */
  private static void thaw(String cgroupParent) {
    for (Path h : cgroupHierarchies()) {
      Path dir = h.resolve(cgroupParent.substring(1));
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path d : s.filter(Files::isDirectory).toList()) {
          writeIfPresent(d.resolve("freezer.state"), "THAWED", "FROZEN");
          writeIfPresent(d.resolve("cgroup.freeze"), "0", "1");
        }
      } catch (IOException | java.io.UncheckedIOException e) {
        LOG.debug("cannot walk {}: {}", dir, e.toString());
      }
    }
  }

  private static void writeIfPresent(Path control, String value, String frozen) {
    try {
      if (Files.exists(control) && Files.readString(control).trim().startsWith(frozen.substring(0, 1))) {
        Files.writeString(control, value);
        LOG.debug("thawed {}", control.getParent());
      }
    } catch (IOException e) {
      LOG.warn("cannot thaw {}: {}", control, e.toString());
    }
  }

  /** rmdir a cgroup and its children, deepest first (cgroup folders go with rmdir once empty). */
  private static List<Path> removeCgroupTree(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Path> subdirs;
    try (Stream<Path> s = Files.walk(dir)) {
      subdirs = new ArrayList<>(s.filter(Files::isDirectory).toList());
    } catch (IOException | java.io.UncheckedIOException e) {
      return List.of();
    }
    Collections.reverse(subdirs);
    List<Path> removed = new ArrayList<>();
    for (Path d : subdirs) {
      try {
        Files.delete(d);
        removed.add(d);
      } catch (IOException e) {
        LOG.warn("cannot remove cgroup {}: {}", d, e.toString());
      }
    }
    return removed;
  }

  /** Deletes a folder tree without following links (no mounts remain under it: checked before). */
  private static void deleteTree(Path root) {
    if (!root.startsWith(HostDirs.VAR_ROOT) && !root.startsWith(HostDirs.RUN_ROOT)) {
      throw new IllegalStateException("refusing to delete outside the lab roots: " + root);
    }
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
          if (exc instanceof NoSuchFileException) {
            return FileVisitResult.CONTINUE;
          }
          throw exc;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
          if (exc != null && !(exc instanceof NoSuchFileException)) {
            throw exc;
          }
          Files.deleteIfExists(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new SixkitException("remove lab state", root.toString(), e.toString(), e);
    }
  }

  /** Removes empty folders from dir upwards, stopping below /var/lib and /run; adds them to removed. */
  static void removeEmptyParents(Path dir, List<Path> removed) {
    Path d = dir;
    while (d != null && (d.startsWith(HostDirs.VAR_ROOT.getParent()) || d.startsWith(HostDirs.RUN_ROOT.getParent()))
        && !d.equals(Path.of("/var/lib")) && !d.equals(Path.of("/run"))) {
      try (Stream<Path> s = Files.list(d)) {
        if (s.findAny().isPresent()) {
          return;
        }
      } catch (IOException e) {
        return;
      }
      try {
        Files.delete(d);
        removed.add(d);
      } catch (IOException e) {
        return;
      }
      d = d.getParent();
    }
  }
}
