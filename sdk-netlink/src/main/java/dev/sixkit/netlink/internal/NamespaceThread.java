package dev.sixkit.netlink.internal;

import dev.sixkit.netlink.NetlinkException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One dedicated platform thread that has joined a network namespace (setns) and stays there.
 * Sockets it opens live in that namespace for good; /proc/sys/net read from it shows that
 * namespace's sysctls. Without a path, work runs on the caller's thread in the caller's
 * namespace.
 *
 * <p>Not API. Thread-safe.
 */
public final class NamespaceThread implements AutoCloseable {
  private final String path;
  private final ExecutorService executor;

  private NamespaceThread(String path, ExecutorService executor) {
    this.path = path;
    this.executor = executor;
  }

  /** Runs work in the caller's own namespace, on the caller's thread. */
  public static NamespaceThread current() {
    return new NamespaceThread(null, null);
  }

  /** Starts a thread inside the namespace bound at {@code path} (a /run/netns file or /proc/PID/ns/net). */
  public static NamespaceThread enter(String path, String label) {
    ExecutorService ex = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "sixkit-netns-" + label);
      t.setDaemon(true);
      return t;
    });
    NamespaceThread nt = new NamespaceThread(path, ex);
    try {
      nt.call(() -> {
        int fd = LibC.Holder.LIBC.open(path, LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
        if (fd < 0) {
          throw new NetlinkException(LibC.Holder.errno(), "open network namespace", label, null);
        }
        try {
          if (LibC.Holder.LIBC.setns(fd, LibC.CLONE_NEWNET) < 0) {
            throw new NetlinkException(LibC.Holder.errno(), "enter network namespace", label, null);
          }
        } finally {
          LibC.Holder.LIBC.close(fd);
        }
        return null;
      });
    } catch (RuntimeException e) {
      ex.shutdownNow();
      throw e;
    }
    return nt;
  }

  /** Path of the namespace, or null for the caller's own. */
  public String path() {
    return path;
  }

  /** Runs {@code work} inside the namespace and returns its result; its exceptions pass through. */
  public <T> T call(Callable<T> work) {
    if (executor == null) {
      try {
        return work.call();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    Future<T> f = executor.submit(work);
    try {
      return f.get();
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      if (c instanceof Error er) {
        throw er;
      }
      throw new IllegalStateException(c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      f.cancel(true);
      throw new NetlinkException(Errno.EINTR, "run in network namespace", path, "interrupted");
    }
  }

  @Override
  public void close() {
    if (executor != null) {
      executor.shutdown();
      try {
        executor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
