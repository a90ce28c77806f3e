package dev.sixkit.internal.ssh;

import dev.sixkit.SixkitException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local unix socket whose every connection is carried over the SSH connection to a unix socket
 * on the remote host ({@code ssh -L local.sock:remote.sock}). Sixkit's Docker client talks to the
 * local socket exactly as to a local Engine, so the remote Engine is reached without exposing it
 * on any network. The socket lives in a fresh folder only its owner may enter (mode 0700): no
 * other local user can borrow the forward. Everything is removed by {@link #close()}.
 *
 * <p>Thread-safe: one accept thread; two pump threads per forwarded connection.
 */
public final class UnixForward implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UnixForward.class);
  private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(15);

  private final SshConnection ssh;
  private final String remotePath;
  private final Path dir;
  private final Path socket;
  private final ServerSocketChannel server;
  private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;
  /** Removes the folder if the JVM ends without close() (not after a SIGKILL). */
  private final Thread cleanupAtExit;
  private volatile boolean closed;

  private UnixForward(SshConnection ssh, String remotePath, Path dir, Path socket, ServerSocketChannel server) {
    this.ssh = ssh;
    this.remotePath = remotePath;
    this.dir = dir;
    this.socket = socket;
    this.server = server;
    this.acceptor = new Thread(this::acceptLoop, "sixkit-ssh-forward " + ssh.target().host());
    acceptor.setDaemon(true);
    this.cleanupAtExit = new Thread(() -> deleteQuietly(dir), "sixkit-ssh-forward-cleanup");
  }

  /** Starts forwarding a fresh local socket to {@code remotePath} on the SSH host. */
  public static UnixForward start(SshConnection ssh, String remotePath) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("sixkit-ssh-", PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rwx------")));
      Path sock = dir.resolve("docker.sock");
      ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(sock));
      UnixForward f = new UnixForward(ssh, remotePath, dir, sock, server);
      f.acceptor.start();
      Runtime.getRuntime().addShutdownHook(f.cleanupAtExit);
      LOG.debug("forwarding {} to {} on {}", sock, remotePath, ssh.target());
      return f;
    } catch (IOException e) {
      deleteQuietly(dir);
      throw new SixkitException("forward Docker socket", remotePath + " on " + ssh.target(), e.toString(), e);
    }
  }

  /** The local socket. */
  public Path socket() {
    return socket;
  }

  /** unix:///tmp/sixkit-ssh-.../docker.sock */
  public String endpoint() {
    return "unix://" + socket;
  }

  private void acceptLoop() {
    while (!closed) {
      SocketChannel local;
      try {
        local = server.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("forward {}: accept failed: {}", socket, e.toString());
        }
        return;
      }
      Thread t = new Thread(() -> serve(local), "sixkit-ssh-forward-conn " + ssh.target().host());
      t.setDaemon(true);
      t.start();
    }
  }

  private void serve(SocketChannel local) {
    open.add(local);
    StreamLocalChannel remote;
    try {
      remote = ssh.openStreamLocal(remotePath, OPEN_TIMEOUT);
    } catch (RuntimeException e) {
      LOG.warn("forward to {} on {}: {}", remotePath, ssh.target(), e.getMessage());
      closeQuietly(local);
      open.remove(local);
      return;
    }
    AutoCloseable remoteCloser = () -> remote.close(true);
    open.add(remoteCloser);
    // Plain read/write on the socket channel: Channels.newInputStream and newOutputStream of one
    // channel share a lock, so a blocked read would hold up every write.
    Thread up = new Thread(() -> {
      try {
        OutputStream out = remote.getInvertedIn();
        ByteBuffer buf = ByteBuffer.allocate(32 * 1024);
        while (local.read(buf) >= 0) {
          if (buf.position() > 0) {
            out.write(buf.array(), 0, buf.position());
            out.flush();
            buf.clear();
          }
        }
        out.close(); // EOF to the remote socket, which still answers
      } catch (IOException e) {
        remote.close(true);
      }
    }, "sixkit-ssh-forward-up");
    up.setDaemon(true);
    up.start();
    try {
      InputStream in = remote.getInvertedOut();
      byte[] b = new byte[32 * 1024];
      for (int n; (n = in.read(b)) >= 0; ) {
        ByteBuffer w = ByteBuffer.wrap(b, 0, n);
        while (w.hasRemaining()) {
          local.write(w);
        }
      }
      local.shutdownOutput();
    } catch (IOException e) {
      LOG.debug("forward {}: {}", socket, e.toString());
    } finally {
      try {
        up.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      closeQuietly(local);
      remote.close(false);
      open.remove(local);
      open.remove(remoteCloser);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(cleanupAtExit);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hook runs anyway
    }
    closeQuietly(server);
    for (AutoCloseable c : open) {
      closeQuietly(c);
    }
    open.clear();
    deleteQuietly(dir);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // closing: nothing to do about it
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try {
      Files.deleteIfExists(dir.resolve("docker.sock"));
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      LOG.debug("cannot remove {}: {}", dir, e.toString());
    }
  }

  @Override
  public String toString() {
    return "forward " + socket + " -> " + remotePath + " on " + ssh.target();
  }
}
