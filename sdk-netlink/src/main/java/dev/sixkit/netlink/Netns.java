package dev.sixkit.netlink;

import dev.sixkit.netlink.internal.Errno;
import dev.sixkit.netlink.internal.LibC;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

/**
 * A network namespace, named the way {@code ip netns} names them (a bind mount under
 * /run/netns) or reached by path or process id. {@link #create} and {@link #delete} are
 * compatible with {@code ip netns add} and {@code ip netns delete}: either tool sees the other's
 * namespaces.
 *
 * <p>Immutable value; thread-safe.
 */
public final class Netns {
  /** Where {@code ip netns} keeps its bind mounts. */
  public static final Path RUN_NETNS = Path.of("/run/netns");
  /** NAME_MAX: the longest name {@code ip netns} takes, in bytes (a file name under /run/netns). */
  public static final int NAME_MAX = 255;
  private static final LibC C = LibC.Holder.LIBC;

  private final String name;
  private final Path path;

  private Netns(String name, Path path) {
    this.name = name;
    this.path = path;
  }

  /**
   * The namespace this process runs in.
   *
   * @return a handle on the current namespace
   */
  public static Netns current() {
    return new Netns(null, Path.of("/proc/self/ns/net"));
  }

  /**
   * An existing named namespace; fails with ENOENT when there is none by that name.
   *
   * @param name the name under /run/netns
   * @return the handle (a path; it holds no file open)
   * @throws NetlinkException ENOENT when there is none by that name
   */
  public static Netns open(String name) {
    Path p = pathOf(name);
    if (!Files.exists(p)) {
      throw new NetlinkException(Errno.ENOENT, "open network namespace", name,
          "no network namespace named '" + name + "' (see ip netns list)");
    }
    return new Netns(name, p);
  }

  /**
   * The namespace bound at a path, such as /proc/PID/ns/net or a bind mount elsewhere.
   *
   * @param path the namespace file
   * @return the handle (a path; it holds no file open)
   * @throws NetlinkException ENOENT when the path does not exist
   */
  public static Netns ofPath(Path path) {
    if (!Files.exists(path)) {
      throw new NetlinkException(Errno.ENOENT, "open network namespace", path.toString(), "no such file");
    }
    return new Netns(null, path);
  }

  /**
   * The namespace of a running process.
   *
   * @param pid the process id
   * @return the handle (a path; it holds no file open)
   * @throws NetlinkException ESRCH when there is no such process
   */
  public static Netns ofPid(long pid) {
    Path p = Path.of("/proc", Long.toString(pid), "ns", "net");
    if (!Files.exists(p)) {
      throw new NetlinkException(Errno.ESRCH, "open network namespace", "of pid " + pid, "no such process");
    }
    return new Netns(null, p);
  }

  /**
   * Whether a named namespace exists.
   *
   * @param name the name under /run/netns
   * @return true when it exists
   */
  public static boolean exists(String name) {
    return Files.exists(pathOf(name));
  }

  /**
   * Names of the namespaces under /run/netns, sorted.
   *
   * @return the names, possibly empty
   */
  public static List<String> list() {
    if (!Files.isDirectory(RUN_NETNS)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(RUN_NETNS)) {
      List<String> names = new ArrayList<>();
      s.forEach(p -> names.add(p.getFileName().toString()));
      names.sort(null);
      return names;
    } catch (IOException e) {
      throw new NetlinkException(Errno.EINVAL, "list network namespaces", RUN_NETNS.toString(), e.getMessage());
    }
  }

  private static Path pathOf(String name) {
    validateName(name);
    Path p = RUN_NETNS.resolve(name);
    // The name is one plain file name, so this holds; checked again because a slip here would
    // unmount /run/netns itself and cut every named namespace off.
    if (!p.normalize().equals(p) || !RUN_NETNS.equals(p.getParent())) {
      throw new NetlinkException(Errno.EINVAL, "name network namespace", quote(name), "not a name under " + RUN_NETNS);
    }
    return p;
  }

  /**
   * iproute2's rule (ip netns add/exec/delete refuse the rest with "Invalid netns name"): not
   * empty, not "." or "..", no '/', at most {@link #NAME_MAX} bytes; and no NUL, which no file
   * name can hold. Anything else ip takes (spaces, ':', a leading '-') is taken here too, so
   * every namespace ip made can be opened.
   */
  static void validateName(String name) {
    String why = null;
    if (name == null) {
      why = "a namespace name is required";
    } else if (name.isEmpty()) {
      why = "a namespace name cannot be empty";
    } else if (name.equals(".") || name.equals("..")) {
      why = "'" + name + "' is not a namespace name (it names a folder)";
    } else if (name.indexOf('/') >= 0) {
      why = "a namespace name cannot contain '/'";
    } else if (name.indexOf('\0') >= 0) {
      why = "a namespace name cannot contain a NUL character";
    } else if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > NAME_MAX) {
      why = "a namespace name is at most " + NAME_MAX + " bytes; this one has "
          + name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }
    if (why != null) {
      throw new NetlinkException(Errno.EINVAL, "name network namespace", quote(name), why + " (as ip netns)");
    }
  }

  private static String quote(String name) {
    if (name == null) {
      return "(none)";
    }
    String shown = name.length() > 40 ? name.substring(0, 40) + "..." : name;
    return "'" + shown.replace("\0", "\\0") + "'";
  }

  /**
   * Creates a named namespace as {@code ip netns add} does: a fresh network namespace whose
   * handle is bind-mounted at /run/netns/NAME (the folder made a shared mount point first). Fails
   * with EEXIST when the name is taken; leaves nothing behind when it fails.
   *
   * @param name the new name, letters, digits, '-', '_' and '.'
   * @return the handle of the new namespace
   * @throws NetlinkException EEXIST when the name is taken, else the system's errno (EPERM without root)
   */
  public static Netns create(String name) {
    Path p = pathOf(name);
    ensureRunNetns();
    int fd = C.open(p.toString(), LibC.O_RDONLY | LibC.O_CREAT | LibC.O_EXCL | LibC.O_CLOEXEC, 0);
    if (fd < 0) {
      int err = LibC.Holder.errno();
      throw new NetlinkException(err, "create network namespace", name,
          err == Errno.EEXIST ? "a namespace named '" + name + "' already exists" : null);
    }
    C.close(fd);
    // unshare(CLONE_NEWNET) moves only the calling thread: do it on a throwaway thread, bind its
    // namespace to the file, and let the thread end.
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        if (C.unshare(LibC.CLONE_NEWNET) < 0) {
          throw new NetlinkException(LibC.Holder.errno(), "create network namespace", name, "unshare failed");
        }
        String self = "/proc/self/task/" + C.gettid() + "/ns/net";
        if (C.mount(self, p.toString(), "none", LibC.MS_BIND, null) < 0) {
          throw new NetlinkException(LibC.Holder.errno(), "create network namespace", name,
              "bind mount at " + p + " failed");
        }
        done.complete(null);
      } catch (Throwable e) {
        done.completeExceptionally(e);
      }
    }, "sixkit-netns-create-" + name);
    t.start();
    try {
      done.get();
    } catch (InterruptedException | ExecutionException e) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // best effort; the error below says what failed
      }
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      Throwable c = e.getCause() == null ? e : e.getCause();
      if (c instanceof NetlinkException ne) {
        throw ne;
      }
      throw new NetlinkException(Errno.EINVAL, "create network namespace", name, c.toString());
    }
    return new Netns(name, p);
  }

  private static void ensureRunNetns() {
    try {
      Files.createDirectories(RUN_NETNS);
    } catch (IOException e) {
      throw new NetlinkException(13, "create network namespace folder", RUN_NETNS.toString(), e.getMessage());
    }
    // As iproute2: make /run/netns a shared mount so namespaces show up in every mount namespace;
    // when it is not a mount point yet, bind it onto itself first.
    String dir = RUN_NETNS.toString();
    if (C.mount("none", dir, null, LibC.MS_SHARED | LibC.MS_REC, null) == 0) {
      return;
    }
    if (LibC.Holder.errno() != Errno.EINVAL) {
      return; // not fatal: the bind mounts below still work
    }
    if (C.mount(dir, dir, "none", LibC.MS_BIND | LibC.MS_REC, null) == 0) {
      C.mount("none", dir, null, LibC.MS_SHARED | LibC.MS_REC, null);
    }
  }

  /**
   * Deletes a named namespace as {@code ip netns delete} does: unmounts and removes its handle.
   * The namespace itself goes when its last process and socket are gone.
   */
  public void delete() {
    if (name == null) {
      throw new NetlinkException(Errno.EINVAL, "delete network namespace", path.toString(),
          "only named namespaces (under /run/netns) can be deleted");
    }
    delete(name);
  }

  /**
   * Deletes the named namespace; fails with ENOENT when there is none.
   *
   * @param name the name under /run/netns
   * @throws NetlinkException ENOENT when there is none by that name
   */
  public static void delete(String name) {
    Path p = pathOf(name);
    if (!Files.exists(p)) {
      throw new NetlinkException(Errno.ENOENT, "delete network namespace", name,
          "no network namespace named '" + name + "'");
    }
    if (!Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      // ip netns add makes a plain file; a folder or link here is not a namespace handle
      throw new NetlinkException(Errno.EINVAL, "delete network namespace", name,
          p + " is not a namespace handle (not a plain file); left alone");
    }
    C.umount2(p.toString(), LibC.MNT_DETACH);
    try {
      Files.delete(p);
    } catch (IOException e) {
      throw new NetlinkException(Errno.EBUSY, "delete network namespace", name, e.toString());
    }
  }

  /**
   * Deletes the named namespace if it exists; returns whether it did.
   *
   * @param name the name under /run/netns
   * @return true when it existed and was deleted
   */
  public static boolean deleteIfExists(String name) {
    if (!exists(name)) {
      return false;
    }
    delete(name);
    return true;
  }

  /**
   * The name under /run/netns, or null for one reached by path or pid.
   *
   * @return the name, or null
   */
  public String name() {
    return name;
  }

  /**
   * The namespace file this handle was opened from.
   *
   * @return the path, such as /run/netns/NAME or /proc/PID/ns/net
   */
  public Path path() {
    return path;
  }

  /**
   * Whether this is the process's own namespace handle (not a named or foreign one).
   *
   * @return true for the process's own namespace
   */
  public boolean isCurrent() {
    return name == null && path.equals(Path.of("/proc/self/ns/net"));
  }

  /**
   * A short label for messages and thread names.
   *
   * @return the name, or the path for an unnamed namespace
   */
  public String label() {
    return name != null ? name : path.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Netns n && Objects.equals(name, n.name) && path.equals(n.path);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, path);
  }

  @Override
  public String toString() {
    return name != null ? "netns " + name : "netns " + path;
  }
}
