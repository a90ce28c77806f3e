package dev.sixkit.cli;

import dev.sixkit.host.HostPool;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import jdk.net.ExtendedSocketOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run daemon: a JVM of one user that runs {@code ./sixkit run} scripts for {@link RunClient}s,
 * one run at a time, and keeps what makes a cold run slow between runs: the JVM warm (classes
 * loaded, code compiled, the script cache read) and the hosts' SSH connections open, lent to each
 * run by a {@link HostPool} (like OpenSSH's ControlPersist, which Ansible uses by default). A host
 * is checked before it is lent again (session open, shell alive, known_hosts unchanged), else
 * reconnected. The daemon ends after {@code SIXKIT_DAEMON_IDLE} seconds without a run (default
 * 600), on {@code ./sixkit daemon stop}, and closes every connection when it does.
 *
 * <p>Only the user who started it can connect (its folder is 0700; each peer's uid is checked).
 * A run's output, standard input and Ctrl-C go through its client; while it runs, System.out,
 * System.err and System.in are the client's (runs are serialised, so they never mix). A run that
 * arrives while another runs is answered "busy" and runs in its client's own process.
 *
 * <p>Thread-safe: one accepting thread, one thread per connection.
 */
final class RunDaemon {
  private static final Logger LOG = LoggerFactory.getLogger(RunDaemon.class);
  static final Duration DEFAULT_IDLE = Duration.ofMinutes(10);
  /** How long a stopped run may go on before its thread is interrupted. */
  private static final Duration GRACE = Duration.ofSeconds(5);

  private final Path socket;
  private final Duration idle;
  private final HostPool pool;
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicLong runs = new AtomicLong();
  private final Instant started = Instant.now();
  private volatile long lastUsedNanos = System.nanoTime();
  private volatile boolean stopping;
  private volatile Runnable cancelCurrent;
  private Selector selector;
  private final String classPath = DaemonWire.classPathStamp();

  RunDaemon(Path socket, Duration idle) {
    this.socket = socket;
    this.idle = idle;
    this.pool = HostPool.builder().maxIdle(idle).build();
  }

  /** SIXKIT_DAEMON_IDLE (seconds), else {@link #DEFAULT_IDLE}. */
  static Duration idleSetting() {
    String s = System.getenv("SIXKIT_DAEMON_IDLE");
    if (s == null || s.isBlank()) {
      return DEFAULT_IDLE;
    }
    try {
      return Duration.ofSeconds(Math.max(1, Long.parseLong(s.trim())));
    } catch (NumberFormatException e) {
      LOG.warn("SIXKIT_DAEMON_IDLE={} is not a number of seconds; using {} s", s, DEFAULT_IDLE.toSeconds());
      return DEFAULT_IDLE;
    }
  }

  /** Serves until idle or stopped; 0 also when another daemon already holds this socket. */
  int serve() throws IOException {
    Path lockFile = socket.resolveSibling(socket.getFileName() + ".lock");
    try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockChannel.tryLock()) {
      if (lock == null) {
        LOG.info("another run daemon serves {}", socket);
        return Main.OK;
      }
      // Ctrl-C and hang-ups are the clients' business; a daemon started without setsid ignores them.
      for (String name : java.util.List.of("INT", "HUP")) {
        try {
          sun.misc.Signal.handle(new sun.misc.Signal(name), s -> { });
        } catch (IllegalArgumentException ignored) {
          // kept by the JVM
        }
      }
      Files.deleteIfExists(socket);
      try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
          Selector sel = Selector.open()) {
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        server.configureBlocking(false);
        server.register(sel, SelectionKey.OP_ACCEPT);
        synchronized (this) {
          selector = sel;
        }
        LOG.info("run daemon {} serving {} (idle limit {} s)", ProcessHandle.current().pid(), socket, idle.toSeconds());
        loop(server, sel);
        // Stopped during a run: the run was told to stop; let it report before the hosts close.
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (running.get() && System.nanoTime() < until) {
          sel.select(50);
        }
      } finally {
        pool.close();
        Files.deleteIfExists(socket);
        LOG.info("run daemon ended after {} runs", runs.get());
      }
    }
    return Main.OK;
  }

  private void loop(ServerSocketChannel server, Selector sel) throws IOException {
    while (!stopping) {
      long left = idle.toNanos() - (System.nanoTime() - lastUsedNanos);
      if (left <= 0 && !running.get()) {
        LOG.info("idle for {} s: ending", idle.toSeconds());
        return;
      }
      sel.select(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(Math.max(left, 0)) + 1, 60_000)));
      sel.selectedKeys().clear();
      if (!Files.exists(socket)) {
        LOG.info("socket {} was removed: ending", socket);
        return;
      }
      if (!running.get() && !classPath.equals(DaemonWire.classPathStamp())) {
        // Sixkit was rebuilt or reinstalled: clients of the new build go to a new daemon (their key changed).
        LOG.info("the class path changed: ending");
        return;
      }
      SocketChannel ch;
      while ((ch = server.accept()) != null) {
        ch.configureBlocking(true);
        SocketChannel c = ch;
        Thread t = new Thread(() -> handle(c), "sixkit-daemon-client");
        t.setDaemon(true);
        t.start();
      }
    }
  }

  private void handle(SocketChannel ch) {
    try (ch) {
      String self = System.getProperty("user.name");
      String peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED).user().getName();
      if (!peer.equals(self)) {
        LOG.warn("refused a client of user {} (the daemon is {}'s)", peer, self);
        return;
      }
      DataInputStream in = new DataInputStream(new BufferedInputStream(DaemonWire.input(ch)));
      DataOutputStream out = new DataOutputStream(new BufferedOutputStream(DaemonWire.output(ch)));
      DaemonWire.Frame first = DaemonWire.read(in);
      if (first == null) {
        return;
      }
      switch (first.type()) {
        case DaemonWire.STATUS -> DaemonWire.write(out, DaemonWire.TEXT, status().getBytes(StandardCharsets.UTF_8));
        case DaemonWire.STOP -> {
          stop();
          DaemonWire.write(out, DaemonWire.TEXT, ("run daemon " + ProcessHandle.current().pid() + " stopping")
              .getBytes(StandardCharsets.UTF_8));
        }
        case DaemonWire.RUN -> {
          if (!running.compareAndSet(false, true)) {
            DaemonWire.write(out, DaemonWire.BUSY, new byte[0]);
            return;
          }
          try {
            run(first.body(), in, out);
          } finally {
            runs.incrementAndGet();
            lastUsedNanos = System.nanoTime();
            running.set(false);
          }
        }
        default -> LOG.warn("unexpected first frame {}", (char) first.type());
      }
    } catch (IOException e) {
      LOG.debug("client: {}", e.toString());
    }
  }

  private void stop() {
    stopping = true;
    Runnable c = cancelCurrent;
    if (c != null) {
      c.run();
    }
    synchronized (this) {
      if (selector != null) {
        selector.wakeup();
      }
    }
  }

  /** One run: the client's streams become the process's for its length. */
  private void run(byte[] request, DataInputStream in, DataOutputStream out) throws IOException {
    DataInputStream r = new DataInputStream(new ByteArrayInputStream(request));
    int version = r.readInt();
    if (version != DaemonWire.VERSION) {
      throw new IOException("client speaks version " + version + ", not " + DaemonWire.VERSION);
    }
    boolean terminal = r.readBoolean();
    String[] args = new String[r.readInt()];
    for (int i = 0; i < args.length; i++) {
      args[i] = r.readUTF();
    }
    ClientLink link = new ClientLink(out, Thread.currentThread());
    RunSite site = new RunSite(pool, terminal, link::onInterrupt);
    Thread reader = new Thread(() -> link.readFrom(in), "sixkit-daemon-reader");
    reader.setDaemon(true);
    reader.start();
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    InputStream stdin = System.in;
    PrintStream o = new PrintStream(link.stream(DaemonWire.OUT), true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(link.stream(DaemonWire.ERR), true, StandardCharsets.UTF_8);
    int code;
    System.setOut(o);
    System.setErr(e);
    System.setIn(link.stdin());
    try {
      PrintWriter ow = new PrintWriter(o, true, StandardCharsets.UTF_8);
      PrintWriter ew = new PrintWriter(e, true, StandardCharsets.UTF_8);
      code = Main.execute(ow, ew, site, args);
      ow.flush();
      ew.flush();
    } catch (RuntimeException | Error t) {
      e.println("sixkit: " + Main.describe(t));
      LOG.warn("run failed", t);
      code = Main.FAILURE;
    } finally {
      link.over = true;
      System.setOut(stdout);
      System.setErr(stderr);
      System.setIn(stdin);
    }
    o.flush();
    e.flush();
    if (!link.gone()) {
      DaemonWire.write(out, DaemonWire.EXIT, DaemonWire.intBytes(code));
    }
  }

  private String status() {
    StringBuilder sb = new StringBuilder();
    sb.append("run daemon ").append(ProcessHandle.current().pid()).append(": ").append(socket).append('\n')
        .append("  up ").append(Duration.between(started, Instant.now()).toSeconds()).append(" s, ")
        .append(runs.get()).append(" runs, ").append(running.get() ? "running one now" : "idle for "
            + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - lastUsedNanos) + " s")
        .append(" (ends after ").append(idle.toSeconds()).append(" s idle)\n");
    java.util.List<String> hosts = pool.describe();
    sb.append("  ").append(hosts.size()).append(hosts.size() == 1 ? " open host" : " open hosts")
        .append(hosts.isEmpty() ? "" : ":").append('\n');
    hosts.forEach(h -> sb.append("    ").append(h).append('\n'));
    return sb.toString();
  }

  /** The client's side of one run: its output frames, its standard input, its Ctrl-C. */
  private final class ClientLink {
    private final DataOutputStream out;
    private final Thread runner;
    private final LinkedBlockingQueue<byte[]> stdinChunks = new LinkedBlockingQueue<>();
    private final AtomicBoolean interrupted = new AtomicBoolean();
    private volatile boolean gone;
    private volatile boolean over;
    private volatile Runnable stop;

    ClientLink(DataOutputStream out, Thread runner) {
      this.out = out;
      this.runner = runner;
    }

    boolean gone() {
      return gone;
    }

    AutoCloseable onInterrupt(Runnable stopRun, CountDownLatch finished) {
      stop = stopRun;
      cancelCurrent = this::interrupt;
      if (interrupted.get()) {
        stopRun.run();
      }
      return () -> {
        over = true;
        stop = null;
        cancelCurrent = null;
      };
    }

    /**
     * Ctrl-C, a client gone or daemon stop: as in a run of its own, no new changes start and those
     * under way finish and are reported. A script busy elsewhere (a loop, a sleep) is interrupted
     * after {@link #GRACE}; one that still runs when a run of its own would have been killed (60 s)
     * ends the daemon, since a thread cannot be killed.
     */
    private void interrupt() {
      if (!interrupted.compareAndSet(false, true)) {
        return;
      }
      Runnable s = stop;
      if (s != null) {
        s.run();
      }
      Thread watchdog = new Thread(() -> {
        try {
          runner.join(GRACE.toMillis());
          if (runner.isAlive() && !over) {
            LOG.info("the run did not stop within {} s of Ctrl-C: interrupting it", GRACE.toSeconds());
            runner.interrupt();
          }
          runner.join(60_000 - GRACE.toMillis());
          if (runner.isAlive() && !over) {
            LOG.error("the run did not stop within 60 s of Ctrl-C: ending the run daemon");
            System.exit(Main.FAILURE);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "sixkit-daemon-watchdog");
      watchdog.setDaemon(true);
      watchdog.start();
    }

    /** Frames from the client until it closes: standard input, Ctrl-C; a client gone stops the run. */
    void readFrom(DataInputStream in) {
      try {
        DaemonWire.Frame f;
        while ((f = DaemonWire.read(in)) != null) {
          if (f.type() == DaemonWire.STDIN) {
            stdinChunks.add(f.body());
          } else if (f.type() == DaemonWire.CANCEL) {
            LOG.info("Ctrl-C from the client: stopping the run");
            interrupt();
          }
        }
      } catch (IOException e) {
        LOG.debug("client stream: {}", e.toString());
      }
      if (!over) {
        gone = true;
        stdinChunks.add(new byte[0]);
        interrupt();
      }
    }

    OutputStream stream(byte type) {
      return new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
          if (gone || len == 0) {
            return;
          }
          try {
            DaemonWire.write(out, type, b, off, len);
          } catch (IOException e) {
            gone = true; // the client went away: the run stops; what it prints goes nowhere
            interrupt();
          }
        }
      };
    }

    /** Standard input read from the client when the run asks for it. */
    InputStream stdin() {
      return new InputStream() {
        private byte[] chunk = new byte[0];
        private int pos;
        private boolean eof;

        @Override
        public synchronized int read() throws IOException {
          byte[] one = new byte[1];
          int n = read(one, 0, 1);
          return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) throws IOException {
          if (len == 0) {
            return 0;
          }
          if (pos >= chunk.length) {
            if (eof || gone) {
              return -1;
            }
            DaemonWire.write(out, DaemonWire.NEED_STDIN, DaemonWire.intBytes(len));
            try {
              chunk = stdinChunks.take();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new java.io.InterruptedIOException("reading standard input");
            }
            pos = 0;
            if (chunk.length == 0) {
              eof = true;
              return -1;
            }
          }
          int n = Math.min(len, chunk.length - pos);
          System.arraycopy(chunk, pos, b, off, n);
          pos += n;
          return n;
        }
      };
    }
  }
}
