package dev.sixkit.internal.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/** Reads /proc and signals processes by id. Stateless; thread-safe. */
public final class Procs {
  private static final Path PROC = Path.of("/proc");

  private Procs() {}

  /** Every process id under /proc. */
  public static List<Long> all() {
    List<Long> pids = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(PROC)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (!n.isEmpty() && n.chars().allMatch(Character::isDigit)) {
          pids.add(Long.parseLong(n));
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot list /proc", e);
    }
    return pids;
  }

  /** The command line, arguments joined by spaces; "" when the process is gone or a kernel thread. */
  public static String cmdline(long pid) {
    try {
      byte[] b = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline"));
      for (int i = 0; i < b.length; i++) {
        if (b[i] == 0) {
          b[i] = ' ';
        }
      }
      return new String(b, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return "";
    }
  }

  /** The short command name (/proc/PID/comm), "" when gone. */
  public static String comm(long pid) {
    try {
      return Files.readString(PROC.resolve(Long.toString(pid)).resolve("comm")).trim();
    } catch (IOException e) {
      return "";
    }
  }

  /** The inode of the network namespace a process lives in, if it still exists. */
  public static Optional<Object> netnsKey(long pid) {
    return fileKey(PROC.resolve(Long.toString(pid)).resolve("ns").resolve("net"));
  }

  /** The identity (device and inode) of a namespace file such as /run/netns/NAME. */
  public static Optional<Object> fileKey(Path p) {
    try {
      return Optional.ofNullable(Files.readAttributes(p, BasicFileAttributes.class).fileKey());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Whether the process runs: exists and is not a zombie (its parent may be slow to reap it). */
  public static boolean alive(long pid) {
    return aliveNotZombie(pid);
  }

  /** The process and all its descendants that exist now. */
  public static Set<Long> withDescendants(long pid) {
    Set<Long> out = new LinkedHashSet<>();
    ProcessHandle.of(pid).ifPresent(h -> {
      out.add(h.pid());
      h.descendants().forEach(d -> out.add(d.pid()));
    });
    return out;
  }

  /** Process ids listed in cgroup.procs files anywhere under a cgroup directory. */
  public static Set<Long> inCgroup(Path dir) {
    Set<Long> out = new LinkedHashSet<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.filter(p -> p.getFileName().toString().equals("cgroup.procs")).forEach(p -> {
        try {
          for (String line : Files.readAllLines(p)) {
            if (!line.isBlank()) {
              out.add(Long.parseLong(line.trim()));
            }
          }
        } catch (IOException | NumberFormatException ignored) {
          // the cgroup went away while walking
        }
      });
    } catch (IOException | java.io.UncheckedIOException ignored) {
      // the tree changed while walking: what was read is enough
    }
    return out;
  }

  /** Sends SIGTERM. Returns whether the process existed. */
  public static boolean term(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::destroy).orElse(false);
  }

  /** Sends SIGKILL. Returns whether the process existed. */
  public static boolean kill(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false);
  }

  /** Waits until none of the processes is alive; returns those still alive at the deadline. */
  public static List<Long> awaitGone(Collection<Long> pids, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<Long> alive = pids.stream().filter(Procs::alive).toList();
      if (alive.isEmpty() || System.nanoTime() > deadline) {
        return alive;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return alive;
      }
    }
  }

  /** Alive and not a zombie (a zombie whose parent is not us will be reaped by its own parent). */
  static boolean aliveNotZombie(long pid) {
    try {
      String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
      int close = stat.lastIndexOf(')');
      return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) != 'Z';
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
  }

  /** Reads a pid file; empty when missing or not a number. */
  public static Optional<Long> readPidFile(Path file) {
    try {
      String s = Files.readString(file).trim();
      return s.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(s));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }
}
